/*
 * Starting the hypervisor from the BIOS stub: the same boot records as
 * the UEFI loader (docs/boot-protocol.md) and the same call, made from
 * long mode (head.S mb_call64).
 *
 * mb_hv_reserve() takes vmm.memory MiB of RAM, 2 MiB aligned, as high as
 * possible below 4 GiB (processors start through 32-bit code that loads
 * CR3; and E801h, which can only report memory up to the first hole,
 * then loses the least), and marks it hidden: the guest's E820 map
 * reports it reserved.  mb_hv_start() loads thinvisor.elf there with
 * lib/elf, fills the records and calls tv_entry.  The memmap record is
 * the guest's E820 map as EFI descriptors; the cpus record comes from the
 * MADT, with the AP start page lowmem.c reserved.
 */
#include <tv/elf_load.h>
#include "mb.h"

#define REGION_MIN	(16ULL << 20)	/* leave the ISA DMA range alone */

static struct tv_rec_image img;
static struct tv_rec_config rcfg;
static struct tv_rec_result res;
static struct tv_rec_memmap mm;
static struct tv_rec_firmware fw;
static struct tv_rec_cpus cpus;
static struct tv_efi_memdesc efimap[MB_E820_MAX];
static u64 table[8];

int mb_hv_reserve(struct mb_boot *b)
{
	const struct mb_module *m = b->hv;
	u64 size = (u64)b->cfg.vmm_memory_mib << 20, base;
	struct tv_elf_info info;
	int err;

	err = tv_elf_inspect((const void *)m->start, m->end - m->start, &info);
	if (err || info.span + (1 << 20) > size) {
		mb_printf("thinvisor: %s: %s\n", m->name, err ?
			  "not a valid hypervisor image" :
			  "does not fit in vmm.memory");
		return err ? err : -E2BIG;
	}
	err = mb_alloc(b, size, MB_2M, REGION_MIN, MB_4G, true, &base);
	if (err) {
		mb_printf("thinvisor: cannot reserve %u MiB below 4 GiB\n",
			  b->cfg.vmm_memory_mib);
		return err;
	}
	b->region = (struct mb_range){ base, base + size };
	mb_hide(b, base, base + size);
	return 0;
}

static void record_init(struct tv_boot_record_hdr *h, const u8 *uuid, u32 size)
{
	memcpy(h->uuid, uuid, 16);
	h->size = size;
}

static void records_init(struct mb_boot *b)
{
	static const u8 img_id[16] = TV_REC_IMAGE_UUID,
		cfg_id[16] = TV_REC_CONFIG_UUID, res_id[16] = TV_REC_RESULT_UUID,
		mm_id[16] = TV_REC_MEMMAP_UUID, fw_id[16] = TV_REC_FIRMWARE_UUID,
		cpus_id[16] = TV_REC_CPUS_UUID;
	u32 n;

	record_init(&img.hdr, img_id, sizeof(img));
	record_init(&rcfg.hdr, cfg_id, sizeof(rcfg));
	record_init(&res.hdr, res_id, sizeof(res));
	record_init(&mm.hdr, mm_id, sizeof(mm));
	record_init(&fw.hdr, fw_id, sizeof(fw));
	record_init(&cpus.hdr, cpus_id, sizeof(cpus));
	rcfg.config = b->cfg;
	res.status = -1;
	n = mb_efi_memmap(b, efimap, ARRAY_SIZE(efimap));
	mm.map = (u32)efimap;
	mm.map_size = n * sizeof(efimap[0]);
	mm.desc_size = sizeof(efimap[0]);
	fw.acpi_rsdp = mb_find_rsdp();
	fw.efi_system_table = 0;
	mb_fill_cpus(&cpus, fw.acpi_rsdp);
	cpus.trampoline_pa = b->ap_page;
	/* The table is read by 64-bit code: 8-byte pointers. */
	table[0] = (u32)&img;
	table[1] = (u32)&rcfg;
	table[2] = (u32)&res;
	table[3] = (u32)&mm;
	table[4] = (u32)&fw;
	table[5] = (u32)&cpus;
	table[6] = 0;
}

/* The region goes back to the guest: nothing runs there after all. */
static void region_release(struct mb_boot *b)
{
	u32 i;

	for (i = 0; i < b->nhidden; i++)
		if (b->hidden[i].base == b->region.base)
			b->hidden[i] = b->hidden[--b->nhidden];
	b->region = (struct mb_range){ 0, 0 };
}

int mb_hv_start(struct mb_boot *b)
{
	const struct mb_module *m = b->hv;
	struct tv_elf_info info;
	int rc;

	records_init(b);
	tv_elf_inspect((const void *)m->start, m->end - m->start, &info);
	rc = tv_elf_load((const void *)m->start, m->end - m->start,
			 (void *)(u32)b->region.base, b->region.base);
	if (rc) {
		mb_printf("thinvisor: %s: cannot load: %d\n", m->name, rc);
		region_release(b);
		return rc;
	}
	img.region_base = b->region.base;
	img.region_size = b->region.end - b->region.base;
	img.image_size = info.span;
	rc = mb_call64((u32)(b->region.base + info.entry), (u32)table);
	if (rc || res.status) {
		res.message[sizeof(res.message) - 1] = '\0';
		mb_printf("thinvisor: hypervisor did not start (%d): %s\n",
			  rc ? rc : res.status, res.message);
		region_release(b);
		return rc ? rc : res.status;
	}
	mb_console_quiet_port(b->cfg.log_serial);
	mb_printf("thinvisor: %s running (%u MiB at 0x%llx)\n", res.vendor,
		  b->cfg.vmm_memory_mib, (unsigned long long)b->region.base);
	return 0;
}
