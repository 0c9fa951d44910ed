/*
 * Memory, from the stub's point of view: GRUB's copy of the E820 map
 * (ACPI 6.5 §15), the ranges in use (busy) and the ranges the guest must
 * not use (hidden).
 *
 * mb_alloc() finds an aligned window inside one RAM entry that overlaps no
 * busy range, from the top or from the bottom of [min, max), and marks it
 * busy.  mb_guest_e820() derives the map the guest sees: every RAM entry
 * with the hidden ranges cut out and reported reserved, everything else as
 * it was.  mb_efi_memmap() gives the hypervisor the same map as UEFI-style
 * descriptors (include/tv/bootproto.h), with hidden memory as type 0,
 * EfiReservedMemoryType, exactly what the UEFI loader's region is.
 */
#include "mb.h"

#define EFI_RESERVED		0
#define EFI_CONVENTIONAL	7
#define EFI_UNUSABLE		8
#define EFI_ACPI_RECLAIM	9
#define EFI_ACPI_NVS		10

void mb_busy_add(struct mb_boot *b, u64 base, u64 end)
{
	if (b->nbusy < MB_BUSY_MAX && end > base)
		b->busy[b->nbusy++] = (struct mb_range){ base, end };
}

void mb_hide(struct mb_boot *b, u64 base, u64 end)
{
	if (b->nhidden < ARRAY_SIZE(b->hidden) && end > base)
		b->hidden[b->nhidden++] = (struct mb_range){ base, end };
}

/* The busy range [a, a + size) runs into, or NULL. */
static const struct mb_range *busy_hit(const struct mb_boot *b, u64 a, u64 size)
{
	u32 i;

	for (i = 0; i < b->nbusy; i++)
		if (a < b->busy[i].end && b->busy[i].base < a + size)
			return &b->busy[i];
	return NULL;
}

/* The lowest (or highest) free aligned window in [lo, hi), or ~0. */
static u64 fit(const struct mb_boot *b, u64 lo, u64 hi, u64 size, u64 align,
	       bool top)
{
	const struct mb_range *r;
	u64 a;

	if (hi < lo || hi - lo < size)
		return ~0ULL;
	a = top ? ALIGN_DOWN(hi - size, align) : ALIGN_UP(lo, align);
	while (a >= lo && a + size <= hi) {
		r = busy_hit(b, a, size);
		if (!r)
			return a;
		if (top) {
			if (r->base < lo + size)
				break;
			a = ALIGN_DOWN(r->base - size, align);
		} else {
			a = ALIGN_UP(r->end, align);
		}
	}
	return ~0ULL;
}

int mb_alloc(struct mb_boot *b, u64 size, u64 align, u64 min, u64 max,
	     bool top, u64 *out)
{
	u64 best = ~0ULL, a;
	u32 i;

	for (i = 0; i < b->nmap; i++) {
		const struct e820_entry *e = &b->map[i];

		if (e->type != E820_RAM)
			continue;
		a = fit(b, MAX(e->base, min), MIN(e->base + e->length, max),
			size, align, top);
		if (a == ~0ULL)
			continue;
		if (best == ~0ULL || (top ? a > best : a < best))
			best = a;
	}
	if (best == ~0ULL)
		return -ENOMEM;
	mb_busy_add(b, best, best + size);
	*out = best;
	return 0;
}

static u32 emit(struct e820_entry *out, u32 n, u32 max, u64 base, u64 end,
		u32 type)
{
	if (end <= base)
		return n;
	/* Merge with the previous entry when it continues it. */
	if (n && out[n - 1].type == type &&
	    out[n - 1].base + out[n - 1].length == base) {
		out[n - 1].length += end - base;
		return n;
	}
	if (n < max)
		out[n++] = (struct e820_entry){ base, end - base, type,
						E820_ATTR_ENABLED };
	return n;
}

/* The hidden range that starts lowest at or after cur and below end. */
static const struct mb_range *next_hidden(const struct mb_boot *b, u64 cur,
					  u64 end)
{
	const struct mb_range *best = NULL;
	u32 i;

	for (i = 0; i < b->nhidden; i++) {
		const struct mb_range *h = &b->hidden[i];

		if (h->end <= cur || h->base >= end)
			continue;
		if (!best || h->base < best->base)
			best = h;
	}
	return best;
}

u32 mb_guest_e820(const struct mb_boot *b, struct e820_entry *out, u32 max)
{
	const struct mb_range *h;
	u32 i, n = 0;

	for (i = 0; i < b->nmap; i++) {
		const struct e820_entry *e = &b->map[i];
		u64 cur = e->base, end = e->base + e->length;

		if (e->type != E820_RAM) {
			n = emit(out, n, max, cur, end, e->type);
			continue;
		}
		while ((h = next_hidden(b, cur, end))) {
			n = emit(out, n, max, cur, MAX(cur, h->base), E820_RAM);
			cur = MAX(cur, h->base);
			n = emit(out, n, max, cur, MIN(end, h->end), E820_RESERVED);
			cur = MIN(end, h->end);
		}
		n = emit(out, n, max, cur, end, E820_RAM);
	}
	return n;
}

static u32 efi_type(u32 e820_type)
{
	switch (e820_type) {
	case E820_RAM: return EFI_CONVENTIONAL;
	case E820_ACPI: return EFI_ACPI_RECLAIM;
	case E820_NVS: return EFI_ACPI_NVS;
	case E820_UNUSABLE: return EFI_UNUSABLE;
	}
	return EFI_RESERVED;
}

u32 mb_efi_memmap(const struct mb_boot *b, struct tv_efi_memdesc *out, u32 max)
{
	static struct e820_entry map[MB_E820_MAX];
	u32 i, n = mb_guest_e820(b, map, ARRAY_SIZE(map));

	for (i = 0; i < n && i < max; i++) {
		u64 base = ALIGN_DOWN(map[i].base, 4096);
		u64 end = ALIGN_UP(map[i].base + map[i].length, 4096);

		memset(&out[i], 0, sizeof(out[i]));
		out[i].type = efi_type(map[i].type);
		out[i].phys_start = base;
		out[i].pages = (end - base) / 4096;
	}
	return i;
}
