/*
 * The loader's dealings with the firmware: where it was loaded from, reading
 * files beside it, the memory map and ACPI pointer for the hypervisor, and
 * starting the next boot stage with its load options.
 */
#include <efi.h>
#include <efilib.h>
#include <tv/types.h>
#include "loader.h"

#define FILE_MAX	(64ULL << 20)

const char *efi_status_str(EFI_STATUS st)
{
	switch (st) {
	case EFI_NOT_FOUND: return "not found";
	case EFI_OUT_OF_RESOURCES: return "out of resources";
	case EFI_INVALID_PARAMETER: return "invalid";
	case EFI_UNSUPPORTED: return "unsupported";
	case EFI_DEVICE_ERROR: return "device error";
	case EFI_ACCESS_DENIED: return "access denied";
	case EFI_BAD_BUFFER_SIZE: return "too large";
	case EFI_LOAD_ERROR: return "load error";
	case EFI_SECURITY_VIOLATION: return "security violation";
	}
	return "error";
}

/* Concatenates the file-path nodes of our device path, drops the file name. */
static EFI_STATUS own_folder(EFI_DEVICE_PATH *dp, CHAR16 *dir, UINTN max)
{
	UINTN n = 0, i, cut = 0;

	for (; !IsDevicePathEnd(dp); dp = NextDevicePathNode(dp)) {
		FILEPATH_DEVICE_PATH *fp = (FILEPATH_DEVICE_PATH *)dp;
		CHAR16 *s = fp->PathName;

		if (DevicePathType(dp) != MEDIA_DEVICE_PATH ||
		    DevicePathSubType(dp) != MEDIA_FILEPATH_DP)
			continue;
		if (n && dir[n - 1] != L'\\' && *s != L'\\' && n + 1 < max)
			dir[n++] = L'\\';
		for (; *s && n + 1 < max; s++)
			dir[n++] = *s == L'/' ? L'\\' : *s;
	}
	if (!n)
		return EFI_NOT_FOUND;
	for (i = 0; i < n; i++)
		if (dir[i] == L'\\')
			cut = i + 1;
	dir[cut] = 0;
	return EFI_SUCCESS;
}

EFI_STATUS loader_ctx_init(struct loader_ctx *lc, EFI_HANDLE image)
{
	EFI_LOADED_IMAGE *li;
	EFI_STATUS st;
	UINTN i;

	lc->image = image;
	st = uefi_call_wrapper(BS->HandleProtocol, 3, image,
			       &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st))
		return st;
	lc->device = li->DeviceHandle;
	st = own_folder(li->FilePath, lc->dir, LOADER_PATH_MAX);
	if (EFI_ERROR(st))
		return st;
	for (i = 0; lc->dir[i] && i + 1 < LOADER_PATH_MAX; i++)
		lc->dir_ascii[i] = lc->dir[i] < 0x80 ? (char)lc->dir[i] : '?';
	lc->dir_ascii[i] = 0;
	lc->root = LibOpenRoot(lc->device);
	return lc->root ? EFI_SUCCESS : EFI_NOT_FOUND;
}

EFI_STATUS loader_read_file(struct loader_ctx *lc, const CHAR16 *name,
			    void **data, UINTN *size)
{
	CHAR16 path[LOADER_PATH_MAX * 2];
	EFI_FILE_HANDLE f;
	EFI_FILE_INFO *info;
	EFI_STATUS st;
	UINTN n;

	StrCpy(path, lc->dir);
	StrCat(path, (CHAR16 *)name);
	st = uefi_call_wrapper(lc->root->Open, 5, lc->root, &f, path,
			       EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st))
		return st;
	info = LibFileInfo(f);
	if (!info) {
		st = EFI_DEVICE_ERROR;
		goto close;
	}
	n = info->FileSize;
	FreePool(info);
	if (n > FILE_MAX) {
		st = EFI_BAD_BUFFER_SIZE;
		goto close;
	}
	*data = AllocatePool(n + 1);
	if (!*data) {
		st = EFI_OUT_OF_RESOURCES;
		goto close;
	}
	st = uefi_call_wrapper(f->Read, 3, f, &n, *data);
	if (EFI_ERROR(st)) {
		FreePool(*data);
		goto close;
	}
	((char *)*data)[n] = 0;
	*size = n;
close:
	uefi_call_wrapper(f->Close, 1, f);
	return st;
}

void loader_fill_firmware(struct tv_rec_memmap *mm, struct tv_rec_firmware *fw)
{
	UINTN entries, key, desc_size;
	UINT32 version;
	EFI_MEMORY_DESCRIPTOR *map;
	static EFI_GUID acpi1 = ACPI_TABLE_GUID, acpi2 = ACPI_20_TABLE_GUID;
	void *rsdp = NULL, *rsdp2 = NULL;

	map = LibMemoryMap(&entries, &key, &desc_size, &version);
	if (map) {
		mm->map = (u64)(UINTN)map;
		mm->map_size = entries * desc_size;
		mm->desc_size = desc_size;
	}
	if (EFI_ERROR(LibGetSystemConfigurationTable(&acpi1, &rsdp)))
		rsdp = NULL;
	if (!EFI_ERROR(LibGetSystemConfigurationTable(&acpi2, &rsdp2)) && rsdp2)
		rsdp = rsdp2;
	fw->acpi_rsdp = (u64)(UINTN)rsdp;
	fw->efi_system_table = (u64)(UINTN)ST;
}

static CHAR16 *ascii_to_ucs2(const char *s)
{
	UINTN n = 0, i;
	CHAR16 *w;

	while (s[n])
		n++;
	w = AllocatePool((n + 1) * sizeof(CHAR16));
	if (!w)
		return NULL;
	for (i = 0; i <= n; i++)
		w[i] = (CHAR16)(u8)s[i];
	return w;
}

EFI_STATUS loader_chain(struct loader_ctx *lc, const struct tv_config *cfg)
{
	EFI_DEVICE_PATH *dp;
	EFI_LOADED_IMAGE *li;
	EFI_HANDLE child;
	CHAR16 *path, *args;
	EFI_STATUS st;

	if (!cfg->boot_next[0]) {
		Print(L"thinvisor: boot.next is empty: back to the boot manager\n");
		return EFI_NOT_FOUND;	/* not success: take the next option */
	}
	path = ascii_to_ucs2(cfg->boot_next);
	args = ascii_to_ucs2(cfg->boot_next_args);
	if (!path || !args)
		return EFI_OUT_OF_RESOURCES;
	dp = FileDevicePath(lc->device, path);
	st = uefi_call_wrapper(BS->LoadImage, 6, FALSE, lc->image, dp, NULL, 0,
			       &child);
	if (EFI_ERROR(st)) {
		Print(L"thinvisor: cannot load boot.next %s: %r\n", path, st);
		return st;
	}
	st = uefi_call_wrapper(BS->HandleProtocol, 3, child,
			       &LoadedImageProtocol, (void **)&li);
	if (!EFI_ERROR(st) && cfg->boot_next_args[0]) {
		li->LoadOptions = args;
		li->LoadOptionsSize = (StrLen(args) + 1) * sizeof(CHAR16);
	}
	Print(L"thinvisor: starting %s %s\n", path, args);
	st = uefi_call_wrapper(BS->StartImage, 3, child, NULL, NULL);
	Print(L"thinvisor: boot.next returned: %r\n", st);
	return st;
}
