/*
 * Boot of the hypervisor on the boot CPU.
 *
 * The loader calls tv_entry (arch/x86/entry.S) with the boot-record table;
 * tv_entry saves the caller's registers and calls vmm_boot on a private
 * stack.  vmm_boot copies everything it keeps out of loader memory, sets up
 * memory, the log, the guest map and the CPU, then resumes the caller as a
 * guest: the call returns 0 in the loader, now running virtualized.  If any
 * step fails before the CPU is switched over, vmm_boot writes the reason to
 * the result record and returns -errno, and the loader goes on without us.
 */
#include <tv/env.h>
#include <tv/fmt.h>
#include <tv/hv.h>
#include <tv/bootproto.h>
#include <tv/guest_map.h>
#include <arch/processor.h>
#include <arch/cpu.h>
#include <arch/apic.h>
#include <tv/smp.h>
#include <tv/storage_nvme.h>

#define CANARY_WORD	0x7476636e72790a5aULL	/* "tvcnry" + bytes */
#define EFI_RESERVED	0

struct tv_config hv_config;
u64 hv_canary_pa;
const struct hv_arch_ops *arch;
struct per_cpu *cpus[MAX_CPUS];
unsigned int ncpus;

/* A page the guest must never be able to change (checked by get_status). */
static u64 canary_page[512] __aligned(4096);

static void canary_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(canary_page); i++)
		canary_page[i] = CANARY_WORD ^ i;
	hv_canary_pa = (u64)canary_page;
}

bool hv_canary_intact(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(canary_page); i++)
		if (canary_page[i] != (CANARY_WORD ^ i))
			return false;
	return true;
}

static int boot_fail(struct tv_rec_result *res, int err, const char *msg)
{
	res->status = err;
	tv_snprintf(res->message, sizeof(res->message), "%s", msg);
	log_printf("thinvisor: boot failed: %s (%d)\n", msg, err);
	return err;
}

static const char *efi_type_name(u32 type)
{
	static const char *const names[] = {
		"Reserved", "LoaderCode", "LoaderData", "BootCode", "BootData",
		"RuntimeCode", "RuntimeData", "Conventional", "Unusable",
		"ACPIReclaim", "ACPINVS", "MMIO", "MMIOPort", "PalCode",
		"Persistent",
	};

	return type < ARRAY_SIZE(names) ? names[type] : "Other";
}

/* Logs the firmware memory map; returns the highest address it names. */
static u64 log_memory_map(const struct tv_rec_memmap *mm)
{
	u64 off, top = 0;

	if (!mm || mm->desc_size < sizeof(struct tv_efi_memdesc))
		return 0;
	for (off = 0; off + mm->desc_size <= mm->map_size;
	     off += mm->desc_size) {
		const struct tv_efi_memdesc *d = (const void *)(mm->map + off);
		u64 end = d->phys_start + d->pages * 4096;

		log_printf("mem: %016llx-%016llx %s\n",
			   (unsigned long long)d->phys_start,
			   (unsigned long long)end - 1, efi_type_name(d->type));
		top = MAX(top, end);
	}
	return top;
}

static struct per_cpu *boot_cpu_alloc(const struct guest_regs *caller)
{
	u64 pa;
	struct per_cpu *cpu = pages_alloc(sizeof(struct per_cpu) / 4096, &pa);

	if (!cpu)
		return NULL;
	cpu->guest = *caller;
	cpu->guest.gpr[GPR_RAX] = 0;	/* tv_entry's return value */
	cpus[ncpus++] = cpu;
	return cpu;
}

static void log_banner(const struct tv_rec_image *img)
{
	/* Every key, 48 list lines of up to 255 characters: static, not stack. */
	static char summary[16384];

	log_printf("\nthinvisor %s: a thin para-passthrough hypervisor\n",
		   TV_VERSION);
	log_printf("thinvisor: memory %llx-%llx (%llu MiB), image %llu KiB\n",
		   (unsigned long long)img->region_base,
		   (unsigned long long)(img->region_base + img->region_size - 1),
		   (unsigned long long)img->region_size >> 20,
		   (unsigned long long)img->image_size >> 10);
	tv_config_summary(&hv_config, summary, sizeof(summary));
	log_puts(summary);
}

/* Intercepts INIT/SIPI and hides the AP start page (core/smp.c). */
static int boot_smp_init(const struct tv_rec_cpus *rec)
{
	int err;

	cpus[0]->apic_id = apic_id();
	if (rec && rec->trampoline_pa) {
		err = mem_add_private(rec->trampoline_pa, 4096);
		if (!err)
			err = guest_map_hide(rec->trampoline_pa, 4096);
		if (err)
			return err;
	}
	err = smp_init(rec, cpus[0]->apic_id);
	if (err)
		return err;
	return apic_init();
}

int vmm_boot(void **table, const struct guest_regs *caller);

int vmm_boot(void **table, const struct guest_regs *caller)
{
	static const u8 img_id[16] = TV_REC_IMAGE_UUID;
	static const u8 cfg_id[16] = TV_REC_CONFIG_UUID;
	static const u8 res_id[16] = TV_REC_RESULT_UUID;
	static const u8 mm_id[16] = TV_REC_MEMMAP_UUID;
	static const u8 cpus_id[16] = TV_REC_CPUS_UUID;
	static const u8 fw_id[16] = TV_REC_FIRMWARE_UUID;
	struct tv_rec_firmware *fw = tv_boot_find(table, fw_id, sizeof(*fw));
	struct tv_rec_result *res = tv_boot_find(table, res_id, sizeof(*res));
	struct tv_rec_image *img = tv_boot_find(table, img_id, sizeof(*img));
	struct tv_rec_config *cfg = tv_boot_find(table, cfg_id, sizeof(*cfg));
	struct per_cpu *cpu;
	u64 top;
	int err;

	if (!res)
		return -EINVAL;
	if (!img || !cfg)
		return boot_fail(res, -EINVAL, "mandatory boot record missing");
	hv_config = cfg->config;
	mem_init(img->region_base, img->region_size,
		 img->region_base + img->image_size);
	log_init(hv_config.log_serial);
	log_banner(img);
	top = log_memory_map(tv_boot_find(table, mm_id, sizeof(struct tv_rec_memmap)));
	canary_init();
	err = arch_select(&arch);
	if (err)
		return boot_fail(res, err, "no usable AMD-V (or VT-x) on this CPU");
	tv_snprintf(res->vendor, sizeof(res->vendor), "%s", arch->name);
	cpu = boot_cpu_alloc(caller);
	if (!cpu)
		return boot_fail(res, -ENOMEM, "out of hypervisor memory");
	err = arch->global_init(top);
	if (err)
		return boot_fail(res, err, "cannot build nested page tables");
	hv_acpi_init(fw ? fw->acpi_rsdp : 0);
	err = hv_devices_init();
	if (err)
		return boot_fail(res, err, "device setup failed");
	if (storage_encrypt_boot(table))
		return boot_fail(res, -EINVAL, "storage.encrypt setup failed (see the log)");
	err = hv_pci_init();
	if (err)
		return boot_fail(res, err, "PCI setup failed (see the log)");
	err = boot_smp_init(tv_boot_find(table, cpus_id, sizeof(struct tv_rec_cpus)));
	if (err)
		return boot_fail(res, err, "cannot prepare the other processors");
	err = arch->cpu_init(cpu);
	if (err)
		return boot_fail(res, err, "cannot virtualize the boot CPU");
	res->status = 0;
	res->ncpus = ncpus;	/* the others join when the OS starts them */
	log_printf("thinvisor: %s on, resuming the firmware as a guest\n",
		   arch->name);
	arch->run(cpu);
}
