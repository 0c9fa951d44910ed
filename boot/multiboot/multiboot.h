/*
 * In-memory formats the BIOS stub reads or writes: the Multiboot 0.6.96
 * header and information structure (what GRUB hands us), the INT 15h
 * AX=E820h address range descriptor (ACPI 6.5 §15.1, the format of both
 * GRUB's memory map and the table our INT 15h hook serves) and the Linux
 * real-mode kernel header (Documentation/arch/x86/boot.rst, "The real-mode
 * kernel header").  Every layout is packed with its byte offsets and a
 * size check, because the other side of each is not our compiler.
 */
#ifndef MB_MULTIBOOT_H
#define MB_MULTIBOOT_H

#include <tv/types.h>

/* The header itself (§3.1.1) is in head.S, its flags in mb_asm.h. */

/* §3.2: EAX at entry. */
#define MB_BOOTLOADER_MAGIC	0x2badb002

/* §3.3: flags in struct mb_info saying which fields are valid. */
#define MB_INFO_MEMORY		BIT(0)
#define MB_INFO_BOOTDEV		BIT(1)
#define MB_INFO_CMDLINE		BIT(2)
#define MB_INFO_MODS		BIT(3)
#define MB_INFO_MEM_MAP		BIT(6)
#define MB_INFO_LOADER_NAME	BIT(9)

/* §3.3: Boot information format (the fields we read; more may follow). */
struct mb_info {
	u32 flags;		/* 0x00 */
	u32 mem_lower;		/* 0x04: KiB from 0 */
	u32 mem_upper;		/* 0x08: KiB from 1 MiB */
	u32 boot_device;	/* 0x0c: drive in bits 31:24 */
	u32 cmdline;		/* 0x10: physical address, NUL-terminated */
	u32 mods_count;		/* 0x14 */
	u32 mods_addr;		/* 0x18: struct mb_module_desc[mods_count] */
	u32 syms[4];		/* 0x1c */
	u32 mmap_length;	/* 0x2c: bytes */
	u32 mmap_addr;		/* 0x30: struct mb_mmap_entry, variable size */
	u32 drives_length;	/* 0x34 */
	u32 drives_addr;	/* 0x38 */
	u32 config_table;	/* 0x3c */
	u32 boot_loader_name;	/* 0x40 */
	u32 apm_table;		/* 0x44 */
} __packed;
_Static_assert(sizeof(struct mb_info) == 0x48, "multiboot info");

struct mb_module_desc {
	u32 mod_start;		/* 0x00: first byte */
	u32 mod_end;		/* 0x04: one past the last byte */
	u32 string;		/* 0x08: the module's command line */
	u32 reserved;		/* 0x0c */
} __packed;
_Static_assert(sizeof(struct mb_module_desc) == 16, "multiboot module");

/* An mmap entry; `size` does not count itself, entries may be longer. */
struct mb_mmap_entry {
	u32 size;		/* 0x00: bytes that follow this field */
	u64 base_addr;		/* 0x04 */
	u64 length;		/* 0x0c */
	u32 type;		/* 0x14: 1 available RAM, else as E820 */
} __packed;
_Static_assert(sizeof(struct mb_mmap_entry) == 24, "multiboot mmap entry");

/* ACPI 6.5 §15.1 table 15.1: address range types. */
#define E820_RAM		1
#define E820_RESERVED		2
#define E820_ACPI		3
#define E820_NVS		4
#define E820_UNUSABLE		5
#define E820_ATTR_ENABLED	BIT(0)	/* ACPI 3.0 extended attributes */

/* Address Range Descriptor Structure (ACPI 6.5 §15.1, 24-byte form). */
struct e820_entry {
	u64 base;		/* 0x00 */
	u64 length;		/* 0x08 */
	u32 type;		/* 0x10 */
	u32 attr;		/* 0x14: extended attributes (ACPI 3.0+) */
} __packed;
_Static_assert(sizeof(struct e820_entry) == 24, "E820 entry");

/* Linux boot protocol: the setup header at 0x1f1 of a bzImage. */
#define LINUX_HDR_OFFSET	0x1f1
#define LINUX_BOOT_FLAG		0xaa55
#define LINUX_HDRS		0x53726448	/* "HdrS" */
#define LINUX_LOADED_HIGH	BIT(0)
#define LINUX_CAN_USE_HEAP	BIT(7)

struct linux_setup_header {
	u8 setup_sects;		/* 0x1f1 */
	u16 root_flags;		/* 0x1f2 */
	u32 syssize;		/* 0x1f4 */
	u16 ram_size;		/* 0x1f8 */
	u16 vid_mode;		/* 0x1fa */
	u16 root_dev;		/* 0x1fc */
	u16 boot_flag;		/* 0x1fe: 0xaa55 */
	u16 jump;		/* 0x200 */
	u32 header;		/* 0x202: "HdrS" */
	u16 version;		/* 0x206: protocol version */
	u32 realmode_swtch;	/* 0x208 */
	u16 start_sys_seg;	/* 0x20c */
	u16 kernel_version;	/* 0x20e */
	u8 type_of_loader;	/* 0x210 */
	u8 loadflags;		/* 0x211 */
	u16 setup_move_size;	/* 0x212 */
	u32 code32_start;	/* 0x214 */
	u32 ramdisk_image;	/* 0x218 */
	u32 ramdisk_size;	/* 0x21c */
	u32 bootsect_kludge;	/* 0x220 */
	u16 heap_end_ptr;	/* 0x224 */
	u8 ext_loader_ver;	/* 0x226 */
	u8 ext_loader_type;	/* 0x227 */
	u32 cmd_line_ptr;	/* 0x228 */
	u32 initrd_addr_max;	/* 0x22c */
	u32 kernel_alignment;	/* 0x230 */
	u8 relocatable_kernel;	/* 0x234 */
	u8 min_alignment;	/* 0x235 */
	u16 xloadflags;		/* 0x236 */
	u32 cmdline_size;	/* 0x238 */
	u32 hardware_subarch;	/* 0x23c */
	u64 hardware_subarch_data;	/* 0x240 */
	u32 payload_offset;	/* 0x248 */
	u32 payload_length;	/* 0x24c */
	u64 setup_data;		/* 0x250 */
	u64 pref_address;	/* 0x258 */
	u32 init_size;		/* 0x260 */
	u32 handover_offset;	/* 0x264 */
	u32 kernel_info_offset;	/* 0x268 */
} __packed;
_Static_assert(sizeof(struct linux_setup_header) == 0x26c - LINUX_HDR_OFFSET,
	       "Linux setup header");

#endif
