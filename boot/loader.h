/* Internal interfaces of the UEFI loader (boot/). */
#ifndef BOOT_LOADER_H
#define BOOT_LOADER_H

#include <efi.h>
#include <tv/bootproto.h>
#include <tv/config.h>

#define LOADER_PATH_MAX	256

struct loader_ctx {
	EFI_HANDLE image;
	EFI_HANDLE device;		/* the volume we were loaded from */
	EFI_FILE_HANDLE root;
	CHAR16 dir[LOADER_PATH_MAX];	/* our folder, ending in '\' */
	char dir_ascii[LOADER_PATH_MAX];
};

EFI_STATUS loader_ctx_init(struct loader_ctx *lc, EFI_HANDLE image);
/* Reads name (relative to our folder) into a pool buffer (NUL-terminated). */
EFI_STATUS loader_read_file(struct loader_ctx *lc, const CHAR16 *name,
			    void **data, UINTN *size);
void loader_fill_firmware(struct tv_rec_memmap *mm, struct tv_rec_firmware *fw);
EFI_STATUS loader_chain(struct loader_ctx *lc, const struct tv_config *cfg);
const char *efi_status_str(EFI_STATUS st);
/* Detaches the firmware's driver from the Super I/O UART at port. */
EFI_STATUS loader_disconnect_uart(u16 port);
/* Detaches firmware drivers from devices vmm.driver.pci gives a driver. */
EFI_STATUS loader_disconnect_pci(const struct tv_config *cfg);
/* The class code of the PCI function at bus:dev.fn (segment 0), if any. */
bool loader_pci_class_at(u8 bus, u8 dev, u8 fn, u32 *class_code);
/* Processors from MP services and a reserved page below 1 MiB. */
EFI_STATUS loader_fill_cpus(struct tv_rec_cpus *rec);

#endif
