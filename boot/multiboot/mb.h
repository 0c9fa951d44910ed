/*
 * Internal interfaces of thinvisor-mb.elf, the Multiboot loader stub for
 * legacy BIOS machines (docs/bios-boot.md).  It runs in 32-bit protected
 * mode with paging off, so physical addresses below 4 GiB are pointers.
 *
 * One struct mb_boot holds everything the stub learns and decides; each
 * step (info.c, memmap.c, cmdline.c, hv.c, linux.c, lowmem.c) reads it
 * and fills in its part.  Memory is handed out from GRUB's E820 map by
 * mb_alloc(), which never returns a range that overlaps a busy one (the
 * stub itself, every module, what was handed out before, the first MiB).
 */
#ifndef MB_MB_H
#define MB_MB_H

#include <tv/env.h>
#include <tv/config.h>
#include <tv/bootproto.h>
#include "multiboot.h"

#define MB_E820_MAX	128
#define MB_BUSY_MAX	32
#define MB_MODS_MAX	8
#define MB_STRING_MAX	TV_CONFIG_ARGS_MAX	/* a module's command line */
#define MB_CMDLINE_MAX	2048			/* our own command line */
#define MB_4G		(1ULL << 32)
#define MB_2M		(2ULL << 20)

/*
 * A pointer to low physical memory (the IVT at 0, the BDA at 0x400):
 * laundered through asm so gcc does not treat it as a null-page access.
 */
static inline volatile u16 *mb_low16(u32 pa)
{
	asm("" : "+r"(pa));
	return (volatile u16 *)(uintptr_t)pa;
}

/* What the next stage is (lowmem.c starts it from real mode). */
enum mb_next {
	MB_NEXT_LINUX = 1,	/* the bzImage module, 16-bit boot protocol */
	MB_NEXT_MBR = 2,	/* the boot sector of a BIOS disk */
};

struct mb_range {
	u64 base, end;		/* [base, end) */
};

struct mb_module {
	u32 start, end;		/* [start, end), physical */
	char name[MB_STRING_MAX];	/* first word of its command line */
	char args[MB_STRING_MAX];	/* the rest, leading blanks removed */
};

struct mb_boot {
	/* GRUB's memory map (its copy of E820), sorted by base. */
	struct e820_entry map[MB_E820_MAX];
	u32 nmap;
	struct mb_range busy[MB_BUSY_MAX];
	u32 nbusy;
	struct mb_module mods[MB_MODS_MAX];
	u32 nmods;
	char cmdline[MB_CMDLINE_MAX];	/* ours, after the file name */
	const struct mb_module *hv, *conf, *kernel, *initrd;
	u32 boot_drive;			/* BIOS drive GRUB booted from, or ~0 */

	struct tv_config cfg;
	bool cfg_ok;

	/* Ranges the guest must see as reserved (hv.c, lowmem.c). */
	struct mb_range hidden[4];
	u32 nhidden;
	struct mb_range region;		/* the hypervisor's memory */
	u32 low_base, low_top;		/* reserved below 1 MiB: blob .. EBDA */
	u32 ap_page;			/* AP start page, inside the low area */
	u16 bda_base_kib;		/* BDA 0x413 before we lowered it */
	bool hooked;			/* INT 15h points at our hook */

	enum mb_next next;
	u8 next_drive;			/* MB_NEXT_MBR */
	u16 linux_seg, linux_sp;	/* MB_NEXT_LINUX: real-mode entry */
};

/*
 * The data area at the start of the real-mode blob (realmode.S): filled
 * in by lowmem.c, read by the INT 15h hook and the launcher.
 */
struct mb_low_data {
	u16 old15_off;		/* 0x00: the previous INT 15h vector */
	u16 old15_seg;		/* 0x02 */
	u16 e820_count;		/* 0x04: entries in the blob's table */
	u16 e801_ax_max;	/* 0x06: KiB between 1 and 16 MiB */
	u16 e801_bx_max;	/* 0x08: 64 KiB blocks above 16 MiB */
	u16 ah88_max;		/* 0x0a: KiB above 1 MiB (AH=88h) */
	u16 real_seg;		/* 0x0c: the blob's segment */
	u8 next;		/* 0x0e: enum mb_next */
	u8 drive;		/* 0x0f: MB_NEXT_MBR: BIOS drive */
	u16 linux_seg;		/* 0x10: MB_NEXT_LINUX: real-mode kernel */
	u16 linux_sp;		/* 0x12 */
	u16 reserved;		/* 0x14 */
	u16 ivt_limit;		/* 0x16: real-mode IDTR (0x3ff) */
	u32 ivt_base;		/* 0x18: 0 */
	u8 dap[16];		/* 0x1c: INT 13h AH=42h disk address packet */
	u8 pad[0x40 - 0x2c];	/* 0x2c */
} __packed;
_Static_assert(sizeof(struct mb_low_data) == 0x40, "low data");

/* Offsets inside the blob, exported by realmode.S. */
struct mb_low_layout {
	u32 size;		/* code and data, without the E820 table */
	u32 pm16;		/* 16-bit protected-mode entry (launcher) */
	u32 hook15;		/* INT 15h handler */
	u32 e820;		/* the E820 table (MB_E820_MAX entries room) */
	u32 stack_top;		/* real-mode stack top */
};
extern const struct mb_low_layout mb_low_layout;
extern const u8 mb_low_blob[];

/* head.S */
int mb_call64(u32 entry, u32 table);
void mb_enter_real(u32 blob, u32 pm16_off) __attribute__((noreturn));
void mb_cpu_init(void);
extern u64 mb_pml4[512];

/* console.c */
void mb_console_init(void);
void mb_console_quiet_port(u16 port);
void mb_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mb_halt(void) __attribute__((noreturn));
void mb_delay_ms(u32 ms);

/* info.c */
int mb_info_read(struct mb_boot *b, u32 magic, const struct mb_info *mbi);

/* memmap.c */
void mb_busy_add(struct mb_boot *b, u64 base, u64 end);
int mb_alloc(struct mb_boot *b, u64 size, u64 align, u64 min, u64 max,
	     bool top, u64 *out);
void mb_hide(struct mb_boot *b, u64 base, u64 end);
u32 mb_guest_e820(const struct mb_boot *b, struct e820_entry *out, u32 max);
u32 mb_efi_memmap(const struct mb_boot *b, struct tv_efi_memdesc *out,
		  u32 max);

/* cmdline.c */
void mb_config_load(struct mb_boot *b);
/* The parse itself: 0, or -errno after printing why. */
int mb_config_parse(const char *text, u32 size, const char *file,
		    const char *cmdline, struct tv_config *cfg);

/* cpus.c */
u64 mb_find_rsdp(void);
void mb_fill_cpus(struct tv_rec_cpus *rec, u64 rsdp);

/* hv.c */
int mb_hv_reserve(struct mb_boot *b);
int mb_hv_start(struct mb_boot *b);

/* linux.c */
int mb_linux_prepare(struct mb_boot *b);

/* lowmem.c */
int mb_low_reserve(struct mb_boot *b);
void mb_low_hook(struct mb_boot *b);
void mb_low_launch(struct mb_boot *b) __attribute__((noreturn));

#endif
