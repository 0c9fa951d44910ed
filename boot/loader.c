/*
 * thinvisor.efi: the UEFI loader.
 *
 * It finds thinvisor.conf and thinvisor.elf in its own folder (whatever its
 * own file is called, so it works as \EFI\BOOT\BOOTX64.EFI too), parses the
 * configuration, reserves vmm.memory MiB as EfiReservedMemoryType (which the
 * OS never uses), loads the hypervisor there and calls it with the table of
 * boot records.  The call returns with this CPU virtualized; the loader then
 * starts boot.next with boot.next_args, or returns to the boot manager.
 *
 * On any error (bad config, missing file, hypervisor refused to start) it
 * prints file, line and reason and returns an error status: the boot
 * manager then tries the next boot option, without the hypervisor.
 */
#include <efi.h>
#include <efilib.h>
#include <tv/types.h>
#include <tv/bootproto.h>
#include <tv/config.h>
#include <tv/elf_load.h>
#include <tv/fmt.h>
#include "loader.h"
#include "keys.h"

#define ERROR_PAUSE_US	(3 * 1000 * 1000)
#define ALIGN_2M	(2ULL << 20)

static EFI_HANDLE self;

static void loader_error(const char *fmt, ...)
{
	char buf[400];
	va_list ap;

	va_start(ap, fmt);
	tv_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	Print(L"thinvisor: %a\n", buf);
}

static EFI_STATUS load_config(struct loader_ctx *lc, struct tv_config *cfg)
{
	struct tv_config_error err;
	char where[300], msg[400];
	void *text;
	UINTN size;
	EFI_STATUS st;

	tv_snprintf(where, sizeof(where), "%sthinvisor.conf", lc->dir_ascii);
	st = loader_read_file(lc, L"thinvisor.conf", &text, &size);
	if (EFI_ERROR(st)) {
		loader_error("%s: cannot read: %s", where, efi_status_str(st));
		return st;
	}
	if (tv_config_parse(text, size, cfg, &err)) {
		tv_config_format_error(&err, where, msg, sizeof(msg));
		loader_error("%s", msg);
		FreePool(text);
		return EFI_INVALID_PARAMETER;
	}
	FreePool(text);
	return EFI_SUCCESS;
}

/* Reserves size bytes, 2 MiB aligned, as memory the OS will not touch. */
static EFI_STATUS reserve_region(UINT64 size, UINT64 *base)
{
	UINTN pages = size / 4096, slack = ALIGN_2M / 4096;
	EFI_PHYSICAL_ADDRESS a = 0xffffffffULL;
	UINT64 aligned;
	EFI_STATUS st;

	/* Below 4 GiB: processors start through 32-bit code that loads CR3. */
	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress,
			       EfiReservedMemoryType, pages + slack, &a);
	if (EFI_ERROR(st))
		return st;
	aligned = (a + ALIGN_2M - 1) & ~(ALIGN_2M - 1);
	if (aligned > a)
		uefi_call_wrapper(BS->FreePages, 2, a, (aligned - a) / 4096);
	if (a + (pages + slack) * 4096 > aligned + size)
		uefi_call_wrapper(BS->FreePages, 2, aligned + size,
				  (a + (pages + slack) * 4096 -
				   (aligned + size)) / 4096);
	*base = aligned;
	return EFI_SUCCESS;
}

static EFI_STATUS load_hypervisor(struct loader_ctx *lc, const struct tv_config *cfg,
				  struct tv_rec_image *img, UINT64 *entry)
{
	struct tv_elf_info info;
	void *file;
	UINTN size;
	EFI_STATUS st;
	int err;

	st = loader_read_file(lc, L"thinvisor.elf", &file, &size);
	if (EFI_ERROR(st)) {
		loader_error("%sthinvisor.elf: cannot read: %s", lc->dir_ascii,
			     efi_status_str(st));
		return st;
	}
	err = tv_elf_inspect(file, size, &info);
	if (err || info.span + (1 << 20) > (UINT64)cfg->vmm_memory_mib << 20) {
		loader_error("%sthinvisor.elf: %s", lc->dir_ascii, err ?
			     "not a valid hypervisor image" :
			     "does not fit in vmm.memory");
		st = EFI_LOAD_ERROR;
		goto free_file;
	}
	UINT64 base = 0;

	img->region_size = (UINT64)cfg->vmm_memory_mib << 20;
	st = reserve_region(img->region_size, &base);
	img->region_base = base;
	if (EFI_ERROR(st)) {
		loader_error("cannot reserve %u MiB: %s", cfg->vmm_memory_mib,
			     efi_status_str(st));
		goto free_file;
	}
	tv_elf_load(file, size, (void *)img->region_base, img->region_base);
	img->image_size = info.span;
	*entry = img->region_base + info.entry;
free_file:
	FreePool(file);
	return st;
}

static void record_init(struct tv_boot_record_hdr *h, const u8 *uuid, u32 size)
{
	CopyMem(h->uuid, (void *)uuid, 16);
	h->size = size;
}

static EFI_STATUS start_hypervisor(struct loader_ctx *lc,
				   const struct tv_config *cfg)
{
	static const u8 img_id[16] = TV_REC_IMAGE_UUID, cfg_id[16] = TV_REC_CONFIG_UUID,
		res_id[16] = TV_REC_RESULT_UUID, mm_id[16] = TV_REC_MEMMAP_UUID,
		fw_id[16] = TV_REC_FIRMWARE_UUID, cpus_id[16] = TV_REC_CPUS_UUID;
	static struct tv_rec_image img;
	static struct tv_rec_config rcfg;
	static struct tv_rec_result res;
	static struct tv_rec_memmap mm;
	static struct tv_rec_firmware fw;
	static struct tv_rec_cpus cpus;
	static struct tv_rec_keys keys = { .hdr = { TV_REC_KEYS_UUID, sizeof(keys) } };
	void *table[] = { &img, &rcfg, &res, &mm, &fw, &cpus, &keys, NULL };
	UINT64 entry;
	EFI_STATUS st;
	int rc;

	record_init(&img.hdr, img_id, sizeof(img));
	record_init(&rcfg.hdr, cfg_id, sizeof(rcfg));
	record_init(&res.hdr, res_id, sizeof(res));
	record_init(&mm.hdr, mm_id, sizeof(mm));
	record_init(&fw.hdr, fw_id, sizeof(fw));
	record_init(&cpus.hdr, cpus_id, sizeof(cpus));
	rcfg.config = *cfg;
	res.status = -1;
	st = load_hypervisor(lc, cfg, &img, &entry);
	if (EFI_ERROR(st))
		return st;
	if (cfg->log_serial) {
		st = loader_disconnect_uart(cfg->log_serial);
		if (st == EFI_SUCCESS)
			Print(L"thinvisor: firmware released UART 0x%x\n", cfg->log_serial);
		else if (st != EFI_NOT_FOUND)
			loader_error("cannot detach the firmware from UART 0x%x: %s",
				     cfg->log_serial, efi_status_str(st));
	}
	st = loader_disconnect_pci(cfg);
	if (EFI_ERROR(st))
		return st;
	st = loader_fill_cpus(&cpus);
	if (EFI_ERROR(st)) {
		loader_error("cannot reserve the processor start page: %s",
			     efi_status_str(st));
		return st;
	}
	loader_fill_firmware(&mm, &fw);
	st = loader_keys_read(lc, cfg, &keys);
	if (EFI_ERROR(st))
		return st;
	rc = ((int (*)(void **))entry)(table);
	loader_keys_wipe(&keys);
	if (rc || res.status) {
		loader_error("hypervisor did not start (%d): %s", rc ? rc : res.status,
			     res.message);
		uefi_call_wrapper(BS->FreePages, 2, img.region_base,
				  img.region_size / 4096);
		return EFI_LOAD_ERROR;
	}
	Print(L"thinvisor: %a running (%u MiB at 0x%lx)\n", res.vendor,
	      cfg->vmm_memory_mib, img.region_base);
	return EFI_SUCCESS;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	static struct tv_config cfg;
	struct loader_ctx lc;
	EFI_STATUS st;

	InitializeLib(image, systab);
	self = image;
	st = loader_ctx_init(&lc, image);
	if (EFI_ERROR(st)) {
		loader_error("cannot find my own folder: %s", efi_status_str(st));
		goto fail;
	}
	st = load_config(&lc, &cfg);
	if (EFI_ERROR(st))
		goto fail;
	if (cfg.vmm_enable) {
		st = start_hypervisor(&lc, &cfg);
		if (EFI_ERROR(st))
			goto fail;
	} else {
		Print(L"thinvisor: vmm.enable = 0, not starting the hypervisor\n");
	}
	return loader_chain(&lc, &cfg);
fail:
	Print(L"thinvisor: not starting the hypervisor; back to the boot manager\n");
	uefi_call_wrapper(BS->Stall, 1, ERROR_PAUSE_US);
	return st;
}
