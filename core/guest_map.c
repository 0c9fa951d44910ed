/*
 * The guest's view of physical memory: nested page tables (NPT on AMD, EPT
 * on Intel; same builder, two formats) that map every guest-physical address
 * to the same host-physical address, except
 *   - the hypervisor's region, mapped read-only (and not executable) to one
 *     zero page, so reads give zeros and writes fault (core/mmio.c drops
 *     them), and
 *   - ranges that drivers trap (not present: every access faults).
 * Host code that touches memory on the guest's behalf checks the same
 * tables (guest_map_accessible), so a guest pointer can never reach what the
 * guest itself cannot.
 *
 * Lock: guest_map_lock guards the tables after boot.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <tv/paging.h>
#include <tv/spinlock.h>
#include <tv/guest_map.h>

struct pt guest_pt;
static spinlock_t guest_map_lock;
static u64 zero_page_pa;
static u64 guest_map_top;

static void *gm_alloc(void *ctx, u64 *pa)
{
	return page_alloc(pa);
}

static void *gm_virt(void *ctx, u64 pa)
{
	return (void *)pa;
}

int guest_map_init(enum pt_format format, bool large_1g, u64 top)
{
	struct pt_alloc a = { gm_alloc, gm_virt, NULL };
	int err;

	if (!page_alloc(&zero_page_pa))
		return -ENOMEM;
	err = pt_init(&guest_pt, format, &a);
	if (err)
		return err;
	guest_pt.large_1g = large_1g;
	guest_pt.user = format == PT_FORMAT_X86;
	guest_map_top = top;
	err = pt_map(&guest_pt, 0, top, 0, PT_RWX, 0);
	if (err)
		return err;
	return pt_map(&guest_pt, hv_mem.base, hv_mem.size, zero_page_pa, PT_R,
		      PT_MAP_SAME_HPA);
}

int guest_map_hide(u64 base, u64 size)
{
	int err;

	spin_lock(&guest_map_lock);
	err = pt_map(&guest_pt, base, size, zero_page_pa, PT_R, PT_MAP_SAME_HPA);
	spin_unlock(&guest_map_lock);
	return err;
}

/* Undoes guest_map_trap: identity again, no more faults. */
int guest_map_untrap(u64 base, u64 size)
{
	int err;

	if (mem_is_hypervisor(base, size))
		return -EINVAL;
	spin_lock(&guest_map_lock);
	err = pt_map(&guest_pt, base, size, base, PT_RWX, PT_MAP_4K);
	spin_unlock(&guest_map_lock);
	return err;
}

int guest_map_trap(u64 base, u64 size)
{
	int err;

	if (mem_is_hypervisor(base, size))
		return -EINVAL;
	spin_lock(&guest_map_lock);
	err = pt_map(&guest_pt, base, size, base, 0, PT_MAP_4K);
	spin_unlock(&guest_map_lock);
	return err;
}

bool guest_map_accessible(u64 gpa, bool write)
{
	u64 hpa, page;
	u32 perms;

	if (gpa >= guest_map_top)
		return false;
	if (pt_lookup(&guest_pt, gpa, &hpa, &perms, &page))
		return false;
	/* Only identity pages hold guest data; the zero page is ours. */
	if (hpa != gpa)
		return false;
	return write ? (perms & PT_W) : (perms & PT_R);
}

bool guest_map_covers(u64 base, u64 size)
{
	return base + size >= base && base + size <= guest_map_top;
}

u64 guest_map_zero_page(void)
{
	return zero_page_pa;
}
