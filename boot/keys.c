/*
 * The keys of storage.encrypt (issue 6), read by the loader while boot
 * services can still read the EFI system partition.
 *
 * Each storage.encrypt line names a key file, an absolute path on the
 * volume the loader was started from.  The file must hold exactly 64
 * bytes: the XTS-AES-256 key as cryptsetup's `--key-file` gives it to
 * aes-xts-plain64 (data key, then tweak key).  Anything else, a file that
 * cannot be read, or two identical key halves is a configuration error:
 * the hypervisor is not started, because starting it without the key
 * would let the OS write plaintext where ciphertext belongs.
 *
 * The bytes are read straight into the keys boot record (no other copy in
 * loader memory) and wiped through a volatile pointer as soon as the hypervisor has
 * returned from its entry point, whether it started or not.
 */
#include <efi.h>
#include <efilib.h>
#include <tv/types.h>
#include <tv/storage.h>
#include "keys.h"

static struct storage_range ranges[STORAGE_RANGES_MAX];

/* Stores the compiler cannot drop (the record is not read afterwards). */
static void wipe(void *p, UINTN n)
{
	volatile u8 *v = p;

	while (n--)
		*v++ = 0;
}

static bool halves_equal(const u8 *key)
{
	u8 diff = 0;
	UINTN i;

	for (i = 0; i < TV_REC_KEY_SIZE / 2; i++)
		diff |= key[i] ^ key[i + TV_REC_KEY_SIZE / 2];
	return !diff;
}

static void key_error(const struct storage_range *r, const char *msg)
{
	Print(L"thinvisor: thinvisor.conf: storage.encrypt line %u: keyfile %a: "
	      L"%a\n", r->line, r->keyfile, msg);
}

/* Reads exactly TV_REC_KEY_SIZE bytes of the file at r->keyfile. */
/* A slot= that names no mass-storage controller is a configuration error. */
static EFI_STATUS check_slot(const struct storage_range *r)
{
	u32 class_code = 0;

	if (!(r->sel & STORAGE_SEL_SLOT))
		return EFI_SUCCESS;	/* model=/serial=: known at Identify */
	if (!loader_pci_class_at(r->bus, r->dev, r->fn, &class_code)) {
		Print(L"thinvisor: thinvisor.conf: storage.encrypt line %u: "
		      L"slot=%02x:%02x.%x: no PCI device there\n", r->line,
		      r->bus, r->dev, r->fn);
		return EFI_NOT_FOUND;
	}
	if (storage_range_is_ahci(r) && class_code >> 8 != 0x0106) {
		Print(L"thinvisor: thinvisor.conf: storage.encrypt line %u: "
		      L"slot=%02x:%02x.%x: port= needs an AHCI controller, this "
		      L"is class %06x\n", r->line, r->bus, r->dev, r->fn,
		      class_code);
		return EFI_INVALID_PARAMETER;
	}
	if (r->nsid && class_code >> 8 != 0x0108) {
		Print(L"thinvisor: thinvisor.conf: storage.encrypt line %u: "
		      L"slot=%02x:%02x.%x: nsid= needs an NVMe controller, this "
		      L"is class %06x\n", r->line, r->bus, r->dev, r->fn,
		      class_code);
		return EFI_INVALID_PARAMETER;
	}
	if (class_code >> 16 != 0x01) {
		Print(L"thinvisor: thinvisor.conf: storage.encrypt line %u: "
		      L"slot=%02x:%02x.%x: not a storage controller (class "
		      L"%06x)\n", r->line, r->bus, r->dev, r->fn, class_code);
		return EFI_INVALID_PARAMETER;
	}
	return EFI_SUCCESS;
}

static EFI_STATUS read_key(struct loader_ctx *lc, const struct storage_range *r,
			   u8 *key)
{
	CHAR16 path[TV_CONFIG_PATH_MAX];
	EFI_FILE_HANDLE f;
	EFI_FILE_INFO *info;
	EFI_STATUS st;
	UINTN i, n;

	for (i = 0; r->keyfile[i] && i + 1 < ARRAY_SIZE(path); i++)
		path[i] = (CHAR16)r->keyfile[i];
	path[i] = 0;
	st = uefi_call_wrapper(lc->root->Open, 5, lc->root, &f, path,
			       EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st)) {
		key_error(r, efi_status_str(st));
		return st;
	}
	info = LibFileInfo(f);
	st = EFI_BAD_BUFFER_SIZE;
	if (info && info->FileSize == TV_REC_KEY_SIZE) {
		n = TV_REC_KEY_SIZE;
		st = uefi_call_wrapper(f->Read, 3, f, &n, key);
		if (!EFI_ERROR(st) && n != TV_REC_KEY_SIZE)
			st = EFI_END_OF_FILE;
	}
	if (info)
		FreePool(info);
	uefi_call_wrapper(f->Close, 1, f);
	if (st == EFI_BAD_BUFFER_SIZE)
		key_error(r, "must hold exactly 64 bytes");
	else if (EFI_ERROR(st))
		key_error(r, efi_status_str(st));
	return st;
}

EFI_STATUS loader_keys_read(struct loader_ctx *lc, const struct tv_config *cfg,
			    struct tv_rec_keys *rec)
{
	struct storage_error e;
	char msg[200];
	u32 i, n;
	EFI_STATUS st;

	if (storage_parse_config(cfg, ranges, &n, &e)) {
		storage_format_error(&e, msg, sizeof(msg));
		Print(L"thinvisor: thinvisor.conf: %a\n", msg);
		return EFI_INVALID_PARAMETER;
	}
	for (i = 0; i < n && i < TV_REC_KEYS_MAX; i++) {
		u8 *key = rec->keys[i];

		st = check_slot(&ranges[i]);
		if (EFI_ERROR(st))
			goto wipe;
		st = read_key(lc, &ranges[i], key);
		if (EFI_ERROR(st))
			goto wipe;
		if (halves_equal(key)) {
			key_error(&ranges[i], "the two key halves are identical");
			st = EFI_INVALID_PARAMETER;
			goto wipe;
		}
	}
	rec->count = i;
	if (n)
		Print(L"thinvisor: %u storage.encrypt key(s) read\n", i);
	return EFI_SUCCESS;
wipe:
	loader_keys_wipe(rec);
	return st;
}

void loader_keys_wipe(struct tv_rec_keys *rec)
{
	wipe(rec->keys, sizeof(rec->keys));
	rec->count = 0;
}
