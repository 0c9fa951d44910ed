/*
 * The page-table builder behind the host address space, NPT and EPT.
 *
 * A mapping request walks from the root down.  At each level it installs a
 * leaf when the remaining range covers a whole, aligned page of that level
 * (and the level allows leaves), otherwise it descends, creating a table or
 * splitting an existing large leaf into 512 equivalent smaller ones so that
 * the parts outside the request keep their old translation.  Splitting
 * never loses a mapping; it only allocates.  Tables are 4 KiB, 512 entries.
 */
#include <tv/env.h>
#include <tv/paging.h>

#define PT_ADDR_MASK	GENMASK(51, 12)
#define X86_P		BIT(0)
#define X86_RW		BIT(1)
#define X86_US		BIT(2)
#define X86_PS		BIT(7)
#define X86_NX		BIT(63)
#define EPT_R		BIT(0)
#define EPT_W		BIT(1)
#define EPT_X		BIT(2)
#define EPT_MT_WB	(6ULL << 3)
#define EPT_LEAF_LARGE	BIT(7)

static u64 level_size(int level)
{
	return 1ULL << (12 + 9 * level);	/* level 0 = 4 KiB ... 3 = 512 GiB */
}

static bool entry_present(const struct pt *pt, u64 e)
{
	return pt->format == PT_FORMAT_EPT ? (e & (EPT_R | EPT_W | EPT_X))
					   : (e & X86_P);
}

static bool entry_is_leaf(const struct pt *pt, u64 e, int level)
{
	return level == 0 || (e & X86_PS);	/* bit 7 in both formats */
}

static u64 make_table(const struct pt *pt, u64 pa)
{
	if (pt->format == PT_FORMAT_EPT)
		return pa | EPT_R | EPT_W | EPT_X;
	return pa | X86_P | X86_RW | (pt->user ? X86_US : 0);
}

static u64 make_leaf(const struct pt *pt, u64 pa, u32 perms, int level)
{
	u64 e;

	if (!perms)
		return 0;
	if (pt->format == PT_FORMAT_EPT) {
		e = pa | EPT_MT_WB | ((perms & PT_R) ? EPT_R : 0) |
		    ((perms & PT_W) ? EPT_W : 0) | ((perms & PT_X) ? EPT_X : 0);
		return level ? e | EPT_LEAF_LARGE : e;
	}
	e = pa | X86_P | ((perms & PT_W) ? X86_RW : 0) |
	    (pt->user ? X86_US : 0) | ((perms & PT_X) ? 0 : X86_NX);
	return level ? e | X86_PS : e;
}

static u32 leaf_perms(const struct pt *pt, u64 e)
{
	if (pt->format == PT_FORMAT_EPT)
		return ((e & EPT_R) ? PT_R : 0) | ((e & EPT_W) ? PT_W : 0) |
		       ((e & EPT_X) ? PT_X : 0);
	return PT_R | ((e & X86_RW) ? PT_W : 0) | ((e & X86_NX) ? 0 : PT_X);
}

static u64 *table_of(const struct pt *pt, u64 e)
{
	return pt->alloc.phys_to_virt(pt->alloc.ctx, e & PT_ADDR_MASK);
}

static int new_table(struct pt *pt, u64 *pa, u64 **table)
{
	*table = pt->alloc.alloc_page(pt->alloc.ctx, pa);
	return *table ? 0 : -ENOMEM;
}

/* Replaces a large leaf at `level` by a table of 512 smaller leaves. */
static int split_leaf(struct pt *pt, u64 *entry, int level)
{
	u64 e = *entry, base = e & PT_ADDR_MASK & ~(level_size(level) - 1);
	u32 perms = leaf_perms(pt, e);
	u64 pa, *t;
	int i, err;

	err = new_table(pt, &pa, &t);
	if (err)
		return err;
	for (i = 0; i < 512; i++)
		t[i] = make_leaf(pt, base + i * level_size(level - 1), perms,
				 level - 1);
	*entry = make_table(pt, pa);
	return 0;
}

static bool can_leaf(const struct pt *pt, int level, u64 gpa, u64 size,
		     u64 hpa, u32 flags)
{
	u64 ls = level_size(level);

	if (level == 3 || (level == 2 && !pt->large_1g))
		return false;
	if (level && (flags & PT_MAP_4K))
		return false;
	if (level && (flags & PT_MAP_SAME_HPA))
		return false;
	return !(gpa & (ls - 1)) && !(hpa & (ls - 1)) && size >= ls;
}

static int map_level(struct pt *pt, u64 *table, int level, u64 gpa,
		     u64 size, u64 hpa, u32 perms, u32 flags)
{
	while (size) {
		u64 ls = level_size(level), *e = &table[(gpa >> (12 + 9 * level)) & 511];
		u64 chunk = MIN(size, ls - (gpa & (ls - 1)));
		int err;

		if (can_leaf(pt, level, gpa, chunk, hpa, flags)) {
			*e = make_leaf(pt, hpa, perms, level);
		} else {
			if (!entry_present(pt, *e)) {
				u64 pa, *t;

				err = new_table(pt, &pa, &t);
				if (err)
					return err;
				*e = make_table(pt, pa);
			} else if (entry_is_leaf(pt, *e, level)) {
				err = split_leaf(pt, e, level);
				if (err)
					return err;
			}
			err = map_level(pt, table_of(pt, *e), level - 1, gpa,
					chunk, hpa, perms, flags);
			if (err)
				return err;
		}
		gpa += chunk;
		size -= chunk;
		if (!(flags & PT_MAP_SAME_HPA))
			hpa += chunk;
	}
	return 0;
}

int pt_init(struct pt *pt, enum pt_format format, const struct pt_alloc *a)
{
	pt->format = format;
	pt->alloc = *a;
	return new_table(pt, &pt->root_pa, &pt->root);
}

int pt_map(struct pt *pt, u64 gpa, u64 size, u64 hpa, u32 perms, u32 flags)
{
	if ((gpa | size | hpa) & 0xfff)
		return -EINVAL;
	if (gpa + size < gpa || gpa + size > (1ULL << 48))
		return -ERANGE;
	return map_level(pt, pt->root, 3, gpa, size, hpa, perms, flags);
}

int pt_lookup(const struct pt *pt, u64 gpa, u64 *hpa, u32 *perms,
	      u64 *page_size)
{
	const u64 *table = pt->root;
	int level;

	for (level = 3; level >= 0; level--) {
		u64 e = table[(gpa >> (12 + 9 * level)) & 511];

		if (!entry_present(pt, e))
			return -ENOENT;
		if (entry_is_leaf(pt, e, level)) {
			u64 ls = level_size(level);

			*hpa = (e & PT_ADDR_MASK & ~(ls - 1)) | (gpa & (ls - 1));
			*perms = leaf_perms(pt, e);
			*page_size = ls;
			return 0;
		}
		table = table_of(pt, e);
	}
	return -ENOENT;
}
