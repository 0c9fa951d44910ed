/*
 * Memory below 1 MiB, and leaving for the next stage.
 *
 * mb_low_reserve() takes a few pages from the top of conventional memory,
 * the way BIOS extensions do: it lowers the BIOS data area's base memory
 * size (the word at 0x413, what INT 12h returns and what Linux reserves
 * below, arch/x86/kernel/ebda.c) and puts there
 *
 *     low_base                          ap_page              low_top (EBDA)
 *     | real-mode blob: data, launcher, | AP start page      | ...
 *     | INT 15h hook, E820 table, stack | (the hypervisor's) |
 *
 * The whole range up to the old top is also cut out of the guest's E820
 * map.  If the hook is not installed after all (no hypervisor), the BDA
 * gets its old value back just before the next stage starts.  The AP page is the trampoline page of the cpus record: the
 * hypervisor hides it, so it must not share a page with anything else.
 *
 * mb_low_hook() fills the blob's E820 table with the guest's map and
 * points INT 15h at the hook (realmode.S).  It runs after the hypervisor
 * started, as a guest, but only plain memory writes are involved.
 *
 * mb_low_launch() hands over: real mode, then Linux's setup or a boot
 * sector, as chosen in main.c.
 */
#include "mb.h"
#include "mb_asm.h"

#define BDA_BASE_KIB	mb_low16(0x413)
#define IVT		mb_low16(0)
#define INT15		0x15
#define LOW_MIN		0x30000		/* below this: not a PC */
#define MIB		(1ULL << 20)

static u32 ram_top_below_1m(const struct mb_boot *b)
{
	u32 i;

	for (i = 0; i < b->nmap; i++)
		if (b->map[i].type == E820_RAM && b->map[i].base == 0)
			return (u32)MIN(b->map[i].length, 0xa0000ULL);
	return 0;
}

int mb_low_reserve(struct mb_boot *b)
{
	u32 top = MIN((u32)*BDA_BASE_KIB * 1024, ram_top_below_1m(b));
	u32 base, i;

	b->ap_page = ALIGN_DOWN(top, 4096) - 4096;
	base = b->ap_page - LOW_BLOB_PAGES * 4096;
	if (mb_low_layout.e820 + MB_E820_MAX * sizeof(struct e820_entry) + 1024 >
	    mb_low_layout.stack_top || top < LOW_MIN) {
		mb_printf("thinvisor-mb: no room below 1 MiB (top %x)\n", top);
		return -ENOMEM;
	}
	for (i = 0; i < b->nmods; i++)
		if (b->mods[i].start < top && b->mods[i].end > base) {
			mb_printf("thinvisor-mb: module %s is in low memory\n",
				  b->mods[i].name);
			return -EBUSY;
		}
	b->low_base = base;
	b->low_top = top;
	b->bda_base_kib = *BDA_BASE_KIB;
	*BDA_BASE_KIB = (u16)(base / 1024);
	mb_hide(b, base, top);
	memcpy((void *)base, mb_low_blob, mb_low_layout.size);
	return 0;
}

static void e801_limits(const struct mb_boot *b, struct mb_low_data *d)
{
	u64 limit = b->region.base;

	d->e801_ax_max = (u16)((MIN(limit, 16 * MIB) - MIB) >> 10);
	d->e801_bx_max = limit > 16 * MIB ?
			 (u16)MIN((limit - 16 * MIB) >> 16, 0xffffULL) : 0;
	d->ah88_max = (u16)MIN((limit - MIB) >> 10, 0xffffULL);
}

void mb_low_hook(struct mb_boot *b)
{
	struct mb_low_data *d = (void *)b->low_base;
	struct e820_entry *t = (void *)(b->low_base + mb_low_layout.e820);
	u32 i, n = mb_guest_e820(b, t, MB_E820_MAX);

	d->e820_count = (u16)n;
	e801_limits(b, d);
	d->old15_off = IVT[INT15 * 2];
	d->old15_seg = IVT[INT15 * 2 + 1];
	IVT[INT15 * 2] = (u16)mb_low_layout.hook15;
	IVT[INT15 * 2 + 1] = (u16)(b->low_base >> 4);
	b->hooked = true;
	mb_printf("thinvisor-mb: INT 15h hooked at %04x:%04x (was %04x:%04x); "
		  "E801h %u KiB + %u x 64 KiB; E820 map for the guest:\n",
		  b->low_base >> 4, mb_low_layout.hook15, d->old15_seg,
		  d->old15_off, d->e801_ax_max, d->e801_bx_max);
	for (i = 0; i < n; i++)
		mb_printf("  %016llx-%016llx type %u\n",
			  (unsigned long long)t[i].base,
			  (unsigned long long)(t[i].base + t[i].length - 1),
			  t[i].type);
}

void mb_low_launch(struct mb_boot *b)
{
	struct mb_low_data *d = (void *)b->low_base;

	d->real_seg = (u16)(b->low_base >> 4);
	d->ivt_limit = 0x3ff;
	d->ivt_base = 0;
	d->next = (u8)b->next;
	d->drive = b->next_drive;
	d->linux_seg = b->linux_seg;
	d->linux_sp = b->linux_sp;
	/* EDD disk address packet: 1 sector, LBA 0, to 0000:7C00. */
	memset(d->dap, 0, sizeof(d->dap));
	d->dap[0] = sizeof(d->dap);
	d->dap[2] = 1;
	d->dap[4] = 0x00;
	d->dap[5] = 0x7c;
	/* Without the hook the pages are free again once we are gone. */
	if (!b->hooked)
		*BDA_BASE_KIB = b->bda_base_kib;
	if (b->next == MB_NEXT_LINUX)
		mb_printf("thinvisor-mb: starting Linux in real mode\n");
	else
		mb_printf("thinvisor-mb: booting the MBR of BIOS drive %02x\n",
			  b->next_drive);
	mb_enter_real(b->low_base, mb_low_layout.pm16);
}
