/*
 * The NPT/EPT/host page-table builder: a guest-physical identity map with
 * the hypervisor's hole carved out (mapped read-only to one zero page) and an
 * MMIO trap left unmapped, checked page size by page size.  "Physical"
 * addresses of tables are indices into a test arena.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>
#include <tv/env.h>
#include <tv/paging.h>

#define ARENA_PAGES 256
#define ARENA_PA 0x100000000000ULL	/* fake physical base of the arena */

struct arena {
	u64 (*pages)[512];
	unsigned int used;
};

static void *arena_alloc(void *ctx, u64 *pa)
{
	struct arena *a = ctx;

	if (a->used == ARENA_PAGES)
		return NULL;
	memset(a->pages[a->used], 0, 4096);
	*pa = ARENA_PA + (u64)a->used * 4096;
	return a->pages[a->used++];
}

static void *arena_virt(void *ctx, u64 pa)
{
	struct arena *a = ctx;

	return a->pages[(pa - ARENA_PA) / 4096];
}

static struct arena arena;

static int setup(void **state)
{
	arena.pages = aligned_alloc(4096, ARENA_PAGES * 4096);
	arena.used = 0;
	return arena.pages ? 0 : -1;
}

static int teardown(void **state)
{
	free(arena.pages);
	return 0;
}

static void init_pt(struct pt *pt, enum pt_format f, bool large_1g)
{
	struct pt_alloc a = { arena_alloc, arena_virt, &arena };

	arena.used = 0;
	assert_int_equal(pt_init(pt, f, &a), 0);
	pt->large_1g = large_1g;
	pt->user = f == PT_FORMAT_X86;
}

static void expect(struct pt *pt, u64 gpa, u64 hpa, u32 perms, u64 size)
{
	u64 h, s;
	u32 p;

	assert_int_equal(pt_lookup(pt, gpa, &h, &p, &s), 0);
	assert_int_equal(h, hpa);
	assert_int_equal(p, perms);
	assert_int_equal(s, size);
}

#define HOLE 0x7e00000ULL		/* 126 MiB, 2 MiB aligned */
#define HOLE_SIZE (32ULL << 20)
#define ZERO_PAGE 0x7e05000ULL
#define MMIO 0xfee00000ULL

static void build_guest_map(struct pt *pt)
{
	assert_int_equal(pt_map(pt, 0, 8ULL << 30, 0, PT_RWX, 0), 0);
	assert_int_equal(pt_map(pt, HOLE, HOLE_SIZE, ZERO_PAGE, PT_R,
				PT_MAP_SAME_HPA), 0);
	assert_int_equal(pt_map(pt, MMIO, 4096, MMIO, 0, 0), 0);
}

static void check_guest_map(struct pt *pt, u64 big)
{
	u64 h, s, a;
	u32 p;

	expect(pt, 5ULL << 30, 5ULL << 30, PT_RWX, big);
	expect(pt, 0x1234, 0x1234, PT_RWX, 2ULL << 20);
	expect(pt, HOLE - 1, HOLE - 1, PT_RWX, 2ULL << 20);
	expect(pt, HOLE + HOLE_SIZE, HOLE + HOLE_SIZE, PT_RWX, 2ULL << 20);
	for (a = HOLE; a < HOLE + HOLE_SIZE; a += 4096 * 7)
		expect(pt, a + 8, ZERO_PAGE + 8, PT_R, 4096);
	expect(pt, HOLE + HOLE_SIZE - 1, ZERO_PAGE + 4095, PT_R, 4096);
	assert_int_equal(pt_lookup(pt, MMIO + 4, &h, &p, &s), -ENOENT);
	expect(pt, MMIO + 4096, MMIO + 4096, PT_RWX, 4096);
	expect(pt, MMIO - 4096, MMIO - 4096, PT_RWX, 2ULL << 20);
	expect(pt, MMIO + (2 << 20), MMIO + (2 << 20), PT_RWX, 2ULL << 20);
}

static void test_npt_with_hole(void **state)
{
	struct pt pt;

	init_pt(&pt, PT_FORMAT_X86, true);
	build_guest_map(&pt);
	check_guest_map(&pt, 1ULL << 30);
	/* 1 PML4 + 1 PDPT + 2 PD splits + 16 hole PTs + 1 MMIO PT */
	assert_int_equal(arena.used, 21);
	/* NPT entries carry U/S on every level and NX on the read-only hole */
	assert_true(pt.root[0] & BIT(2));
}

static void test_npt_without_1g_pages(void **state)
{
	struct pt pt;

	init_pt(&pt, PT_FORMAT_X86, false);
	build_guest_map(&pt);
	check_guest_map(&pt, 2ULL << 20);
}

static void test_ept_format(void **state)
{
	struct pt pt;
	u64 *pdpt;

	init_pt(&pt, PT_FORMAT_EPT, true);
	build_guest_map(&pt);
	check_guest_map(&pt, 1ULL << 30);
	pdpt = arena_virt(&arena, pt.root[0] & GENMASK(51, 12));
	/* a 1 GiB EPT leaf: RWX, write-back, large */
	assert_int_equal(pdpt[5] & 0xff, 0x7 | (6 << 3) | BIT(7));
}

static void test_rejects_bad_args_and_oom(void **state)
{
	struct pt pt;

	init_pt(&pt, PT_FORMAT_X86, true);
	assert_int_equal(pt_map(&pt, 0x100, 4096, 0, PT_R, 0), -EINVAL);
	assert_int_equal(pt_map(&pt, 0, 4095, 0, PT_R, 0), -EINVAL);
	assert_int_equal(pt_map(&pt, ~0xfffULL, 8192, 0, PT_R, 0), -ERANGE);
	arena.used = ARENA_PAGES - 2;
	assert_int_equal(pt_map(&pt, 0, 1ULL << 30, 0, PT_RWX, PT_MAP_4K),
			 -ENOMEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_npt_with_hole),
		cmocka_unit_test(test_npt_without_1g_pages),
		cmocka_unit_test(test_ept_format),
		cmocka_unit_test(test_rejects_bad_args_and_oom),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
