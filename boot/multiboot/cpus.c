/*
 * Firmware tables for the hypervisor's boot records: the ACPI RSDP, found
 * the way an OS on a BIOS machine finds it (ACPI 6.5 §5.2.5.1: on a
 * 16-byte boundary in the first KiB of the EBDA, then in 0xE0000-0xFFFFF),
 * and the processors, from the MADT's enabled Local APIC and x2APIC
 * entries (§5.2.12.2, §5.2.12.12), read through lib/acpi, which checks
 * every length and checksum.  Without an MADT the record says "no list"
 * (count 0) and only the boot CPU runs under the hypervisor.
 */
#include <tv/acpi.h>
#include "mb.h"

#define BDA_EBDA_SEG	0x40e
#define BIOS_ROM_START	0xe0000
#define BIOS_ROM_END	0x100000
#define MADT_ENABLED	BIT(0)

static u64 scan_rsdp(u32 start, u32 end)
{
	struct acpi_rsdp_info info;
	u32 a;

	for (a = ALIGN_UP(start, 16); a + ACPI_RSDP_V1_LEN <= end; a += 16)
		if (!acpi_rsdp_parse((const void *)a, end - a, &info))
			return a;
	return 0;
}

u64 mb_find_rsdp(void)
{
	u32 ebda = (u32)*mb_low16(BDA_EBDA_SEG) << 4;
	u64 rsdp = 0;

	if (ebda >= 0x80000 && ebda < 0xa0000)
		rsdp = scan_rsdp(ebda, ebda + 1024);
	if (!rsdp)
		rsdp = scan_rsdp(BIOS_ROM_START, BIOS_ROM_END);
	return rsdp;
}

static int phys_read(void *ctx, u64 pa, void *buf, u32 len)
{
	if (pa >= MB_4G || len > MB_4G - pa)
		return -EFAULT;
	memcpy(buf, (const void *)(u32)pa, len);
	return 0;
}

static void acpi_log(void *ctx, const struct acpi_diag *d)
{
	mb_printf("thinvisor-mb: ACPI %s at %llx: %s\n", d->sig,
		  (unsigned long long)d->address, d->msg);
}

static void add_cpu(struct tv_rec_cpus *rec, u32 apic_id)
{
	if (rec->count < TV_REC_CPUS_MAX)
		rec->apic_id[rec->count++] = apic_id;
}

static void madt_cpus(struct tv_rec_cpus *rec, const void *madt, u32 len)
{
	struct acpi_subtable e;
	u32 off = 0;

	while (acpi_madt_next(madt, len, &off, &e) == 1) {
		if (e.type == ACPI_MADT_LAPIC) {
			const struct acpi_madt_lapic *l = (const void *)e.data;

			if (l->flags & MADT_ENABLED)
				add_cpu(rec, l->apic_id);
		} else if (e.type == ACPI_MADT_X2APIC) {
			const struct acpi_madt_x2apic *x = (const void *)e.data;

			if (x->flags & MADT_ENABLED)
				add_cpu(rec, x->x2apic_id);
		}
	}
}

void mb_fill_cpus(struct tv_rec_cpus *rec, u64 rsdp)
{
	struct acpi_reader r = { phys_read, NULL, acpi_log, NULL };
	struct acpi_table_ref madt;
	u32 eax = 1, ebx, ecx = 0, edx;

	asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
	rec->bsp_apic_id = ebx >> 24;
	rec->count = 0;
	if (!rsdp || acpi_find_table(&r, rsdp, "APIC", 0, &madt)) {
		mb_printf("thinvisor-mb: no ACPI MADT: the hypervisor gets no "
			  "processor list\n");
		return;
	}
	madt_cpus(rec, (const void *)(u32)madt.address, madt.length);
	mb_printf("thinvisor-mb: MADT: %u processors\n", rec->count);
}
