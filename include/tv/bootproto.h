/*
 * The UEFI boot protocol between thinvisor.efi (the loader) and
 * thinvisor.elf (the hypervisor): the seed's "new UEFI boot spec".
 *
 * The loader calls the hypervisor's entry point (SysV ABI) with one argument:
 * a NULL-terminated table of pointers to records.  Every record starts with
 * struct tv_boot_record_hdr: a 16-byte UUID naming its kind and the record's
 * total size.  The hypervisor looks records up by UUID, ignores UUIDs it does
 * not know, fails if a mandatory record is missing or too short, and writes
 * its results back into the records meant for that (TV_REC_RESULT).  New
 * kinds of data need only a new UUID; old loaders and hypervisors skip them.
 * The table and the records live in loader memory that the OS reclaims, so
 * the hypervisor copies what it keeps before it returns.  docs/boot-protocol.md
 * lists the records.
 */
#ifndef TV_BOOTPROTO_H
#define TV_BOOTPROTO_H

#include <tv/types.h>
#include <tv/config.h>

#define TV_BOOT_TABLE_MAX	64	/* entries scanned before giving up */

struct tv_boot_record_hdr {
	u8 uuid[16];		/* 0x00 */
	u32 size;		/* 0x10: whole record, header included */
	u32 reserved;		/* 0x14 */
} __packed;
_Static_assert(sizeof(struct tv_boot_record_hdr) == 0x18, "record header");

/* 7b6c2a1e-5d0f-4e3a-9c51-0a8e6f2d4b11: where the hypervisor was loaded. */
#define TV_REC_IMAGE_UUID { 0x7b, 0x6c, 0x2a, 0x1e, 0x5d, 0x0f, 0x4e, 0x3a, \
			    0x9c, 0x51, 0x0a, 0x8e, 0x6f, 0x2d, 0x4b, 0x11 }
struct tv_rec_image {
	struct tv_boot_record_hdr hdr;	/* 0x00 */
	u64 region_base;	/* 0x18: physical base, 2 MiB aligned */
	u64 region_size;	/* 0x20: bytes reserved (vmm.memory) */
	u64 image_size;		/* 0x28: bytes used by the loaded image */
} __packed;
_Static_assert(sizeof(struct tv_rec_image) == 0x30, "image record");

/* 3f1d9e0a-8b27-4c6d-a0e4-51c7b93f2e86: the parsed thinvisor.conf. */
#define TV_REC_CONFIG_UUID { 0x3f, 0x1d, 0x9e, 0x0a, 0x8b, 0x27, 0x4c, 0x6d, \
			     0xa0, 0xe4, 0x51, 0xc7, 0xb9, 0x3f, 0x2e, 0x86 }
struct tv_rec_config {
	struct tv_boot_record_hdr hdr;	/* 0x00 */
	struct tv_config config;	/* 0x18 */
} __packed;

/* c4e8f2b6-1a93-4d7e-8f05-6b2d9a4c1e73: filled in by the hypervisor. */
#define TV_REC_RESULT_UUID { 0xc4, 0xe8, 0xf2, 0xb6, 0x1a, 0x93, 0x4d, 0x7e, \
			     0x8f, 0x05, 0x6b, 0x2d, 0x9a, 0x4c, 0x1e, 0x73 }
struct tv_rec_result {
	struct tv_boot_record_hdr hdr;	/* 0x00 */
	s32 status;		/* 0x18: 0 = running, else -errno */
	u32 ncpus;		/* 0x1c: CPUs under the hypervisor */
	char vendor[16];	/* 0x20: "AMD-V", "VT-x" or "" */
	char message[128];	/* 0x30: why it failed, NUL-terminated */
} __packed;
_Static_assert(sizeof(struct tv_rec_result) == 0xb0, "result record");

/* 9a5e3c71-04bd-4f28-b6a9-e2d81f7c5035: the UEFI memory map at start. */
#define TV_REC_MEMMAP_UUID { 0x9a, 0x5e, 0x3c, 0x71, 0x04, 0xbd, 0x4f, 0x28, \
			     0xb6, 0xa9, 0xe2, 0xd8, 0x1f, 0x7c, 0x50, 0x35 }
struct tv_rec_memmap {
	struct tv_boot_record_hdr hdr;	/* 0x00 */
	u64 map;		/* 0x18: physical address of the descriptors */
	u64 map_size;		/* 0x20: bytes */
	u64 desc_size;		/* 0x28: bytes per EFI_MEMORY_DESCRIPTOR */
} __packed;
_Static_assert(sizeof(struct tv_rec_memmap) == 0x30, "memmap record");

/* 5e0b8d24-7f61-4a9c-83d2-c1f6a0e95b48: firmware tables. */
#define TV_REC_FIRMWARE_UUID { 0x5e, 0x0b, 0x8d, 0x24, 0x7f, 0x61, 0x4a, 0x9c, \
			       0x83, 0xd2, 0xc1, 0xf6, 0xa0, 0xe9, 0x5b, 0x48 }
struct tv_rec_firmware {
	struct tv_boot_record_hdr hdr;	/* 0x00 */
	u64 acpi_rsdp;		/* 0x18: ACPI 2.0+ RSDP, else 1.0, else 0 */
	u64 efi_system_table;	/* 0x20 */
} __packed;
_Static_assert(sizeof(struct tv_rec_firmware) == 0x28, "firmware record");

/* 2d7f4a90-c1e3-4b58-9e06-73a5b8d1f24c: processors and the AP start page. */
#define TV_REC_CPUS_UUID { 0x2d, 0x7f, 0x4a, 0x90, 0xc1, 0xe3, 0x4b, 0x58, \
			   0x9e, 0x06, 0x73, 0xa5, 0xb8, 0xd1, 0xf2, 0x4c }
#define TV_REC_CPUS_MAX	64
struct tv_rec_cpus {
	struct tv_boot_record_hdr hdr;	/* 0x00 */
	u32 count;		/* 0x18: enabled processors, BSP included */
	u32 bsp_apic_id;	/* 0x1c */
	u64 trampoline_pa;	/* 0x20: a 4 KiB page below 1 MiB, reserved */
	u32 apic_id[TV_REC_CPUS_MAX];	/* 0x28 */
} __packed;
_Static_assert(sizeof(struct tv_rec_cpus) == 0x128, "cpus record");

/*
 * d5570286-491d-4ff0-85f2-ce636f06ae57: storage.encrypt keys, one per
 * line (keys[i] belongs to storage.encrypt line i + 1), each the 64 bytes
 * of its key file.  Secret: the hypervisor copies the keys and wipes the
 * record; the loader wipes its own copies after the call.
 */
#define TV_REC_KEYS_UUID { 0xd5, 0x57, 0x02, 0x86, 0x49, 0x1d, 0x4f, 0xf0, \
			   0x85, 0xf2, 0xce, 0x63, 0x6f, 0x06, 0xae, 0x57 }
#define TV_REC_KEYS_MAX		16
#define TV_REC_KEY_SIZE		64
struct tv_rec_keys {
	struct tv_boot_record_hdr hdr;	/* 0x00 */
	u32 count;		/* 0x18: keys[0..count) are valid */
	u32 reserved;		/* 0x1c */
	u8 keys[TV_REC_KEYS_MAX][TV_REC_KEY_SIZE];	/* 0x20 */
} __packed;
_Static_assert(sizeof(struct tv_rec_keys) == 0x420, "keys record");

/* EFI_MEMORY_DESCRIPTOR (UEFI 2.10 §7.2, GetMemoryMap()). */
struct tv_efi_memdesc {
	u32 type;		/* 0x00 */
	u32 pad;		/* 0x04 */
	u64 phys_start;		/* 0x08 */
	u64 virt_start;		/* 0x10 */
	u64 pages;		/* 0x18: 4 KiB pages */
	u64 attribute;		/* 0x20 */
} __packed;
_Static_assert(sizeof(struct tv_efi_memdesc) == 0x28, "EFI memory descriptor");

/*
 * Finds the record with this UUID in a NULL-terminated table of at most
 * TV_BOOT_TABLE_MAX entries.  Returns it, or NULL if absent, or if its size
 * field is below min_size (a record from an older, shorter layout).
 */
void *tv_boot_find(void *const *table, const u8 uuid[16], u32 min_size);

#endif
