/*
 * ACPI at boot: the tables the firmware published (RSDP from the UEFI
 * configuration table), parsed with lib/acpi and lib/aml before the OS
 * reads them.
 *   - The namespace of the DSDT and every SSDT is built once, and the
 *     sleep states \_S0_..\_S5_ are logged (a later power-management
 *     driver recognises the guest's PM1 control writes by them).
 *   - The log UART's ACPI device (PNP0501 with our I/O base) gets its _DIS
 *     method neutered in place, so the OS cannot power off the port the
 *     hypervisor logs to.
 *   - acpi.disable_vtd: DMA remapping that the firmware left on is turned
 *     off and the DMAR table is taken out of the XSDT/RSDT, so the OS finds
 *     no VT-d (the seed's CONFIG_DISABLE_VTD for Macs).
 * Tables are read and patched in place through the identity map; a bad
 * table is reported and skipped by lib/acpi, never trusted.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <tv/acpi.h>
#include <tv/aml.h>
#include <tv/pci.h>

#define ACPI_MAX_AML_TABLES	64
#define VTD_GCMD		0x18
#define VTD_GSTS		0x1c
#define VTD_GSTS_TES		BIT(31)
/* GCMD is written from GSTS's one-shot-free bits (VT-d spec §11.4.4.1). */
#define VTD_GCMD_PRESERVE	0x96ffffffU
#define VTD_SPIN_MAX		1000000

/* Read by drivers/pci; written here once, at boot. */
struct pci_mcfg hv_mcfg[HV_MCFG_MAX];
unsigned int hv_nmcfg;

struct acpi_boot {
	struct aml_table aml[ACPI_MAX_AML_TABLES];
	u32 naml;
	struct acpi_table_ref dmar;
	bool have_dmar;
};

static u32 acpi_diags;

static int acpi_read_phys(void *ctx, u64 pa, void *buf, u32 len)
{
	if (mem_is_hypervisor(pa, len))
		return -EFAULT;
	memcpy(buf, (const void *)pa, len);
	return 0;
}

static void acpi_log_diag(void *ctx, const struct acpi_diag *d)
{
	log_printf("acpi: %s: %s table at %llx: %s\n",
		   d->error ? "error" : "warning", d->sig,
		   (unsigned long long)d->address, d->msg);
}

static void aml_log_diag(void *ctx, const struct aml_diag *d)
{
	if (d->sev < AML_SEV_WARN)
		return;
	log_ratelimited(acpi_diags, "acpi: %s+%x in %s: %s %s\n", d->sig,
			d->offset, d->path, d->msg, d->name);
}

static const struct acpi_reader acpi_reader = {
	.read = acpi_read_phys,
	.log = acpi_log_diag,
};

/* ECAM windows for drivers/pci (the first MCFG table found wins). */
static void acpi_collect_mcfg(const struct acpi_table_ref *t)
{
	struct acpi_mcfg_entry e;
	u32 n, i;

	if (hv_nmcfg || acpi_mcfg_count((const void *)t->address, t->length, &n))
		return;
	for (i = 0; i < n && hv_nmcfg < HV_MCFG_MAX; i++) {
		if (acpi_mcfg_entry((const void *)t->address, t->length, i, &e))
			continue;
		hv_mcfg[hv_nmcfg].base = e.base;
		hv_mcfg[hv_nmcfg].seg = e.segment;
		hv_mcfg[hv_nmcfg].start_bus = e.start_bus;
		hv_mcfg[hv_nmcfg].end_bus = e.end_bus;
		log_printf("acpi: MCFG segment %u buses %02x-%02x at %llx\n",
			   e.segment, e.start_bus, e.end_bus,
			   (unsigned long long)e.base);
		hv_nmcfg++;
	}
}

static int acpi_collect(void *ctx, const struct acpi_table_ref *t)
{
	struct acpi_boot *b = ctx;

	if (!memcmp(t->sig, "DSDT", 4) || !memcmp(t->sig, "SSDT", 4)) {
		if (b->naml == ACPI_MAX_AML_TABLES)
			return 0;
		b->aml[b->naml].data = (u8 *)t->address;
		b->aml[b->naml].len = t->length;
		b->naml++;
	} else if (!memcmp(t->sig, "DMAR", 4)) {
		b->dmar = *t;
		b->have_dmar = true;
	} else if (!memcmp(t->sig, "MCFG", 4)) {
		acpi_collect_mcfg(t);
	}
	return 0;
}

static void acpi_log_sleep_states(const struct aml_ns *ns)
{
	unsigned int s;

	for (s = 0; s <= 5; s++) {
		u8 a, b;
		bool cond;

		if (aml_sleep_state(ns, s, &a, &b, &cond))
			continue;
		log_printf("acpi: sleep state S%u: SLP_TYPa %u SLP_TYPb %u%s\n",
			   s, a, b, cond ? " (conditional)" : "");
	}
}

static int uart_guard(void *ctx, struct aml_node *dev)
{
	struct aml_ns *ns = ctx;
	struct aml_io_range io[4];
	struct aml_node *dis;
	u32 n, i;
	char path[64];

	if (aml_device_io(ns, dev, io, ARRAY_SIZE(io), &n))
		return 0;
	for (i = 0; i < n; i++)
		if (io[i].base == hv_config.log_serial)
			break;
	if (i == n)
		return 0;
	aml_node_path(dev, path, sizeof(path));
	dis = aml_child(ns, dev, "_DIS");
	if (dis && !aml_patch_method_body(ns, dis, NULL, 0))
		log_printf("acpi: %s is the log UART: its _DIS now does "
			   "nothing\n", path);
	else
		log_printf("acpi: %s is the log UART\n", path);
	return 0;
}

static int acpi_namespace(struct acpi_boot *b)
{
	struct aml_log log = { aml_log_diag, NULL };
	size_t size = ALIGN_UP(aml_arena_hint(b->aml, b->naml), 4096);
	void *mem = pages_alloc(size / 4096, NULL);
	struct aml_ns *ns;
	int err;

	if (!mem)
		return -ENOMEM;
	err = aml_namespace_build(&ns, mem, size, b->aml, b->naml, &log);
	if (err)
		return err;
	log_printf("acpi: namespace of %u AML tables built\n", b->naml);
	acpi_log_sleep_states(ns);
	if (hv_config.log_serial)
		aml_find_devices(ns, "PNP0501", uart_guard, ns);
	return 0;
}

/* Turns translation off in one remapping unit if the firmware left it on. */
static void vtd_unit_off(u64 base)
{
	volatile u32 *gcmd = (volatile u32 *)(base + VTD_GCMD);
	volatile u32 *gsts = (volatile u32 *)(base + VTD_GSTS);
	unsigned int spin;
	u32 sts = *gsts;

	if (!(sts & VTD_GSTS_TES)) {
		log_printf("acpi: DMAR unit %llx: translation already off\n",
			   (unsigned long long)base);
		return;
	}
	*gcmd = (sts & VTD_GCMD_PRESERVE) & ~VTD_GSTS_TES;
	for (spin = 0; spin < VTD_SPIN_MAX && (*gsts & VTD_GSTS_TES); spin++)
		;
	log_printf("acpi: DMAR unit %llx: translation %s\n",
		   (unsigned long long)base,
		   (*gsts & VTD_GSTS_TES) ? "would not turn off" : "turned off");
}

static void vtd_all_off(const struct acpi_table_ref *dmar)
{
	const void *buf = (const void *)dmar->address;
	struct acpi_subtable e;
	u32 off = 0;

	while (acpi_dmar_next(buf, dmar->length, &off, &e) > 0) {
		struct acpi_dmar_drhd drhd;

		if (e.type != 0 || e.length < sizeof(drhd))
			continue;
		memcpy(&drhd, e.data, sizeof(drhd));
		if (!mem_is_hypervisor(drhd.register_base, 4096))
			vtd_unit_off(drhd.register_base);
	}
}

/* Drops the entry pointing at pa from the RSDT or XSDT at sdt_pa. */
static bool sdt_drop(u64 sdt_pa, const char *sig, u64 pa, u32 entry_size)
{
	struct acpi_table_ref sdt;
	u32 i, n;

	if (!sdt_pa || acpi_table_check(&acpi_reader, sdt_pa, sig, &sdt))
		return false;
	n = (sdt.length - 36) / entry_size;
	for (i = 0; i < n; i++) {
		u64 e = 0;

		memcpy(&e, (const u8 *)sdt_pa + 36 + i * entry_size, entry_size);
		if (e == pa)
			return !acpi_sdt_remove((void *)sdt_pa, sdt.length, i);
	}
	return false;
}

static void acpi_hide_dmar(u64 rsdp_pa, const struct acpi_table_ref *dmar)
{
	struct acpi_rsdp_info r;
	bool x, s;

	vtd_all_off(dmar);
	if (acpi_rsdp_parse((const void *)rsdp_pa, 36, &r))
		return;
	x = sdt_drop(r.xsdt, "XSDT", dmar->address, 8);
	s = sdt_drop(r.rsdt, "RSDT", dmar->address, 4);
	log_printf("acpi: DMAR table hidden from the guest (XSDT %s, RSDT %s)\n",
		   x ? "patched" : "-", s ? "patched" : "-");
}

int hv_acpi_init(u64 rsdp_pa)
{
	static struct acpi_boot b;
	int err;

	if (!rsdp_pa) {
		log_printf("acpi: no RSDP from the firmware\n");
		return 0;
	}
	err = acpi_walk(&acpi_reader, rsdp_pa, acpi_collect, &b);
	if (err)
		log_printf("acpi: table walk failed (%d)\n", err);
	if (b.naml) {
		err = acpi_namespace(&b);
		if (err)
			log_printf("acpi: namespace not built (%d)\n", err);
	}
	if (hv_config.acpi_disable_vtd) {
		if (b.have_dmar)
			acpi_hide_dmar(rsdp_pa, &b.dmar);
		else
			log_printf("acpi: acpi.disable_vtd: no DMAR table\n");
	}
	return 0;
}
