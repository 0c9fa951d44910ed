/*
 * x86_walk() and the copy helpers on page tables built in a fake physical
 * memory: every paging mode, large pages, the permission rules with their
 * #PF error codes, reserved bits, A/D updates (and their races), and
 * copies across page boundaries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>
#include <tv/env.h>
#include <tv/x86_walk.h>

#define NPAGES	64
#define P	X86_PTE_P
#define W	X86_PTE_W
#define U	X86_PTE_U
#define A	X86_PTE_A
#define D	X86_PTE_D
#define PS	X86_PTE_PS
#define NX	X86_PTE_NX
#define PF_P	X86_PF_P
#define PF_W	X86_PF_W
#define PF_U	X86_PF_U
#define PF_R	X86_PF_RSVD
#define PF_I	X86_PF_I

static struct {
	u8 mem[NPAGES * 4096];
	unsigned next;		/* next free page */
	unsigned reads, ad_calls;
	int ad_races;		/* set_ad fails this many more times */
} f;

static int read_phys(void *ctx, u64 pa, u64 *val)
{
	assert_int_equal(pa & 7, 0);
	if (pa >= sizeof(f.mem))
		return -EIO;
	memcpy(val, &f.mem[pa], 8);
	f.reads++;
	return 0;
}

static int set_ad(void *ctx, u64 pa, u64 old, u64 new)
{
	u64 cur;

	assert_int_equal(pa & 7, 0);
	assert_true(pa < sizeof(f.mem));
	f.ad_calls++;
	memcpy(&cur, &f.mem[pa], 8);
	if (f.ad_races) {
		f.ad_races--;
		return -EAGAIN;
	}
	if (cur != old)
		return -EAGAIN;
	memcpy(&f.mem[pa], &new, 8);
	return 0;
}

static int read_buf(void *ctx, u64 pa, void *buf, size_t n)
{
	assert_true(n <= 4096 && (pa & 4095) + n <= 4096);
	assert_true(pa + n <= sizeof(f.mem));
	memcpy(buf, &f.mem[pa], n);
	return 0;
}

static int write_buf(void *ctx, u64 pa, const void *buf, size_t n)
{
	assert_true(n <= 4096 && (pa & 4095) + n <= 4096);
	assert_true(pa + n <= sizeof(f.mem));
	memcpy(&f.mem[pa], buf, n);
	return 0;
}

static u64 get64(u64 pa)
{
	u64 v;

	memcpy(&v, &f.mem[pa], 8);
	return v;
}

static void set64(u64 pa, u64 v)
{
	memcpy(&f.mem[pa], &v, 8);
}

static u32 get32(u64 pa)
{
	u32 v;

	memcpy(&v, &f.mem[pa], 4);
	return v;
}

static void set32(u64 pa, u32 v)
{
	memcpy(&f.mem[pa], &v, 4);
}

static u64 new_page(void)
{
	assert_true(f.next < NPAGES);
	memset(&f.mem[f.next * 4096], 0, 4096);
	return f.next++ * 4096ULL;
}

static struct x86_walk_cfg cfg_for(u64 cr0, u64 cr3, u64 cr4, u64 efer)
{
	struct x86_walk_cfg c = {
		.cr0 = cr0, .cr3 = cr3, .cr4 = cr4, .efer = efer,
		.rflags = 0x2, .read_phys = read_phys, .set_ad = set_ad,
		.read_buf = read_buf, .write_buf = write_buf,
	};

	memset(&f, 0, sizeof(f));
	f.next = 1;
	return c;
}

#define CR0	(X86_CR0_PG | X86_CR0_WP | 1)
#define LONG	(X86_EFER_LME | X86_EFER_LMA | X86_EFER_NXE)

/* Entry address at `level` for gva, creating tables with `upper` flags. */
static u64 slot(u64 root, unsigned top, u64 gva, unsigned level, u64 upper)
{
	u64 table = root, e, pa;
	unsigned l;

	for (l = top;; l--) {
		pa = table + ((gva >> (12 + 9 * (l - 1))) & 511) * 8;
		if (l == level)
			return pa;
		e = get64(pa);
		if (!(e & P)) {
			e = new_page() | upper;
			set64(pa, e);
		}
		table = e & GENMASK(51, 12);
	}
}

/* 8-byte-entry map: leaf at `level` (1 4K, 2 2M, 3 1G) */
static u64 map(u64 root, unsigned top, u64 gva, u64 pa, unsigned level,
	       u64 flags)
{
	u64 e = slot(root, top, gva, level, P | W | U);

	set64(e, pa | flags | (level > 1 ? PS : 0));
	return e;
}

static int walk(const struct x86_walk_cfg *c, u64 gva, u32 access, u64 *gpa,
		u32 *pf)
{
	*gpa = 0xdead;
	*pf = 0xdead;
	return x86_walk(c, gva, access, gpa, pf);
}

static void test_paging_off(void **state)
{
	struct x86_walk_cfg c = cfg_for(1, 0, 0, 0);
	u64 gpa;
	u32 pf;

	assert_int_equal(walk(&c, 0x123456789aULL, X86_WALK_WRITE, &gpa, &pf),
			 0);
	assert_int_equal(gpa, 0x3456789a);
	assert_int_equal(pf, 0);
	assert_int_equal(f.reads, 0);
}

static void test_32bit(void **state)
{
	struct x86_walk_cfg c = cfg_for(CR0, 0, X86_CR4_PSE, 0);
	u64 pd = new_page(), pt = new_page(), gpa;
	u32 pf;

	c.cr3 = pd | 0x18;	/* PWT/PCD bits are not address bits */
	set32(pd + 4 * 0x301, pt | P | W | U);
	set32(pt + 4 * 0x45, 0x00abc000 | P | W | U);
	assert_int_equal(walk(&c, 0xc0445678, 0, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x00abc678);
	assert_int_equal(get32(pd + 4 * 0x301) & (A | D), A);
	assert_int_equal(get32(pt + 4 * 0x45) & (A | D), A);
	assert_int_equal(walk(&c, 0xc0445678, X86_WALK_WRITE, &gpa, &pf), 0);
	assert_int_equal(get32(pt + 4 * 0x45) & (A | D), A | D);
	assert_int_equal(get32(pd + 4 * 0x301) & D, 0);
	assert_int_equal(get32(pt + 4 * 0x44), 0);	/* neighbour intact */

	/* 4 MiB page with PSE-36 bits: PA[39:32] = 3 */
	set32(pd + 4 * 0x100, 0x00400000 | (3 << 13) | P | PS);
	assert_int_equal(walk(&c, 0x40012345, 0, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x300412345ULL);
	c.maxphyaddr = 33;	/* PA bit 33 does not exist: reserved */
	assert_int_equal(walk(&c, 0x40012345, 0, &gpa, &pf), -EFAULT);
	assert_int_equal(pf, PF_P | PF_R);
	c.maxphyaddr = 0;
	set32(pd + 4 * 0x100, 0x00400000 | BIT(21) | P | PS);
	assert_int_equal(walk(&c, 0x40012345, 0, &gpa, &pf), -EFAULT);
	assert_int_equal(pf, PF_P | PF_R);

	/* Without CR4.PSE, PS is ignored: the PDE points to a table. */
	set32(pd + 4 * 0x100, pt | P | PS);
	c.cr4 = 0;
	assert_int_equal(walk(&c, 0x40045123, 0, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x00abc123);

	/* Not present, and user access to a supervisor PDE */
	assert_int_equal(walk(&c, 0x00001000, X86_WALK_WRITE, &gpa, &pf),
			 -EFAULT);
	assert_int_equal(pf, PF_W);
	set32(pd + 4 * 0x301, pt | P | W);
	c.cpl = 3;
	assert_int_equal(walk(&c, 0xc0445678, 0, &gpa, &pf), -EFAULT);
	assert_int_equal(pf, PF_P | PF_U);
	assert_int_equal(gpa, 0xdead);
}

static void test_pae(void **state)
{
	struct x86_walk_cfg c = cfg_for(CR0, 0, X86_CR4_PAE, X86_EFER_NXE);
	u64 pdpt = new_page() + 0x20, pd = new_page(), gpa;
	u32 pf;

	c.cr3 = pdpt;
	set64(pdpt + 8 * 3, pd | P);
	map(pd, 2, 0xc0201000, 0x5000, 1, P | W);
	map(pd, 2, 0xc0400000, 0x7fe00000, 2, P | W | NX);
	assert_int_equal(walk(&c, 0xc0201abc, X86_WALK_WRITE, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x5abc);
	assert_int_equal(get64(pdpt + 8 * 3), pd | P);	/* PDPTE: no A */
	assert_int_equal(walk(&c, 0xc0512345, 0, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x7ff12345);
	assert_int_equal(walk(&c, 0xc0512345, X86_WALK_FETCH, &gpa, &pf),
			 -EFAULT);
	assert_int_equal(pf, PF_P | PF_I);

	/* XD without EFER.NXE is a reserved bit (and no I/D bit) */
	c.efer = 0;
	assert_int_equal(walk(&c, 0xc0512345, X86_WALK_FETCH, &gpa, &pf),
			 -EFAULT);
	assert_int_equal(pf, PF_P | PF_R);

	/* PDPTE not present, then with a reserved bit */
	assert_int_equal(walk(&c, 0x00001000, 0, &gpa, &pf), -EFAULT);
	assert_int_equal(pf, 0);
	set64(pdpt, pd | P | W);
	assert_int_equal(walk(&c, 0x00001000, 0, &gpa, &pf), -EFAULT);
	assert_int_equal(pf, PF_P | PF_R);
}

static void test_4level(void **state)
{
	struct x86_walk_cfg c = cfg_for(CR0, 0, X86_CR4_PAE, LONG);
	u64 pml4 = new_page(), gpa, e;
	u32 pf;

	c.cr3 = pml4 | 0x5;	/* PCID bits */
	map(pml4, 4, 0xffffffff81234000ULL, 0x9000, 1, P | W);
	map(pml4, 4, 0x7f0000200000ULL, 0x40000000, 2, P | W | U);
	e = map(pml4, 4, 0x8000000000ULL, 0x1c0000000ULL, 3, P | U);
	assert_int_equal(walk(&c, 0xffffffff81234567ULL, 0, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x9567);
	assert_int_equal(walk(&c, 0x7f00002fedcbULL, 0, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x400fedcb);
	assert_int_equal(walk(&c, 0x8012345678ULL, 0, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x1d2345678ULL);

	/* 1 GiB frame with bit 13 set, PS in a PML4E, bits past MAXPHYADDR */
	set64(e, 0x1c0000000ULL | BIT(13) | P | PS);
	assert_int_equal(walk(&c, 0x8012345678ULL, 0, &gpa, &pf), -EFAULT);
	assert_int_equal(pf, PF_P | PF_R);
	e = slot(pml4, 4, 0x7f0000200000ULL, 4, 0);
	set64(e, get64(e) | PS);
	assert_int_equal(walk(&c, 0x7f00002fedcbULL, 0, &gpa, &pf), -EFAULT);
	assert_int_equal(pf, PF_P | PF_R);
	c.maxphyaddr = 36;
	map(pml4, 4, 0x1000, BIT(40), 1, P);
	assert_int_equal(walk(&c, 0x1000, X86_WALK_WRITE, &gpa, &pf),
			 -EFAULT);
	assert_int_equal(pf, PF_P | PF_R | PF_W);
	c.maxphyaddr = 0;
	assert_int_equal(walk(&c, 0x1000, 0, &gpa, &pf), 0);
	assert_int_equal(gpa, BIT(40));

	/* Non-canonical addresses are #GP, not #PF */
	assert_int_equal(walk(&c, 0x0000800000000000ULL, 0, &gpa, &pf),
			 -ERANGE);
	assert_int_equal(walk(&c, 0xff7fffffffffffffULL, 0, &gpa, &pf),
			 -ERANGE);
	/* Not present at the PDPT level */
	assert_int_equal(walk(&c, 0x0000700000000000ULL, X86_WALK_FETCH,
			      &gpa, &pf), -EFAULT);
	assert_int_equal(pf, PF_I);
}

static void test_5level(void **state)
{
	struct x86_walk_cfg c = cfg_for(CR0, 0, X86_CR4_PAE | X86_CR4_LA57,
					LONG);
	u64 pml5 = new_page(), gpa;
	u32 pf;

	c.cr3 = pml5;
	map(pml5, 5, 0x00ff800000001000ULL, 0xa000, 1, P | W);
	map(pml5, 5, 0xff00000000002000ULL, 0xb000, 1, P | W);
	assert_int_equal(walk(&c, 0x00ff800000001234ULL, 0, &gpa, &pf), 0);
	assert_int_equal(gpa, 0xa234);
	assert_int_equal(walk(&c, 0xff00000000002010ULL, 0, &gpa, &pf), 0);
	assert_int_equal(gpa, 0xb010);
	assert_int_equal(walk(&c, 0x0100000000000000ULL, 0, &gpa, &pf),
			 -ERANGE);
	/* the same address is non-canonical with 4 levels */
	c.cr4 &= ~X86_CR4_LA57;
	assert_int_equal(walk(&c, 0x00ff800000001234ULL, 0, &gpa, &pf),
			 -ERANGE);
}

static void test_rights(void **state)
{
	struct x86_walk_cfg c = cfg_for(CR0, 0, X86_CR4_PAE, LONG);
	u64 pml4 = new_page(), gpa, pde;
	u32 pf;

	c.cr3 = pml4;
	map(pml4, 4, 0x1000, 0x1000, 1, P);		/* kernel, RO */
	map(pml4, 4, 0x2000, 0x2000, 1, P | W | U);	/* user, RW */
	map(pml4, 4, 0x3000, 0x3000, 1, P | U | NX);	/* user, RO, NX */
	pde = slot(pml4, 4, 0x200000, 2, P | W | U);
	map(pml4, 4, 0x200000, 0x4000, 1, P | W | U);
	set64(pde, get64(pde) & ~U);			/* kernel above */

	assert_int_equal(walk(&c, 0x1000, X86_WALK_WRITE, &gpa, &pf),
			 -EFAULT);
	assert_int_equal(pf, PF_P | PF_W);
	c.cr0 &= ~X86_CR0_WP;		/* supervisor may write RO pages */
	assert_int_equal(walk(&c, 0x1000, X86_WALK_WRITE, &gpa, &pf), 0);
	c.cr0 |= X86_CR0_WP;

	c.cpl = 3;
	assert_int_equal(walk(&c, 0x1000, 0, &gpa, &pf), -EFAULT);
	assert_int_equal(pf, PF_P | PF_U);
	assert_int_equal(walk(&c, 0x2000, X86_WALK_WRITE, &gpa, &pf), 0);
	assert_int_equal(walk(&c, 0x3000, X86_WALK_WRITE, &gpa, &pf),
			 -EFAULT);
	assert_int_equal(pf, PF_P | PF_W | PF_U);
	assert_int_equal(walk(&c, 0x3000, X86_WALK_FETCH, &gpa, &pf),
			 -EFAULT);
	assert_int_equal(pf, PF_P | PF_U | PF_I);
	assert_int_equal(walk(&c, 0x200000, 0, &gpa, &pf), -EFAULT);
	assert_int_equal(pf, PF_P | PF_U);
	c.cpl = 0;			/* X86_WALK_USER does the same */
	assert_int_equal(walk(&c, 0x200000, X86_WALK_USER, &gpa, &pf),
			 -EFAULT);
	assert_int_equal(pf, PF_P | PF_U);
	assert_int_equal(walk(&c, 0x200000, X86_WALK_FETCH, &gpa, &pf), 0);

	/* SMEP: no kernel fetch from user pages; SMAP: no data unless AC */
	assert_int_equal(walk(&c, 0x2000, X86_WALK_FETCH, &gpa, &pf), 0);
	c.cr4 |= X86_CR4_SMEP | X86_CR4_SMAP;
	assert_int_equal(walk(&c, 0x2000, X86_WALK_FETCH, &gpa, &pf),
			 -EFAULT);
	assert_int_equal(pf, PF_P | PF_I);
	assert_int_equal(walk(&c, 0x2000, X86_WALK_WRITE, &gpa, &pf),
			 -EFAULT);
	assert_int_equal(pf, PF_P | PF_W);
	c.rflags |= BIT(18);		/* RFLAGS.AC */
	assert_int_equal(walk(&c, 0x2000, X86_WALK_WRITE, &gpa, &pf), 0);
	assert_int_equal(walk(&c, 0x1000, X86_WALK_FETCH, &gpa, &pf), 0);
}

static void test_accessed_dirty(void **state)
{
	struct x86_walk_cfg c = cfg_for(CR0, 0, X86_CR4_PAE, LONG);
	u64 pml4 = new_page(), gpa, pte, pde, pdpte, pml4e;
	u32 pf;

	c.cr3 = pml4;
	pte = map(pml4, 4, 0x1000, 0x8000, 1, P | W);
	pde = slot(pml4, 4, 0x1000, 2, 0);
	pdpte = slot(pml4, 4, 0x1000, 3, 0);
	pml4e = slot(pml4, 4, 0x1000, 4, 0);

	/* A faulting walk sets nothing */
	set64(pte, get64(pte) & ~W);
	assert_int_equal(walk(&c, 0x1000, X86_WALK_WRITE, &gpa, &pf),
			 -EFAULT);
	assert_int_equal(f.ad_calls, 0);
	set64(pte, get64(pte) | W);

	assert_int_equal(walk(&c, 0x1000, 0, &gpa, &pf), 0);
	assert_int_equal(f.ad_calls, 4);
	assert_int_equal(get64(pml4e) & (A | D), A);
	assert_int_equal(get64(pdpte) & (A | D), A);
	assert_int_equal(get64(pde) & (A | D), A);
	assert_int_equal(get64(pte) & (A | D), A);
	assert_int_equal(walk(&c, 0x1000, 0, &gpa, &pf), 0);
	assert_int_equal(f.ad_calls, 4);	/* already set */
	assert_int_equal(walk(&c, 0x1000, X86_WALK_WRITE, &gpa, &pf), 0);
	assert_int_equal(f.ad_calls, 5);
	assert_int_equal(get64(pte) & (A | D), A | D);
	assert_int_equal(get64(pde) & D, 0);

	/* A lost compare-and-exchange is retried; endless ones give up */
	set64(pte, get64(pte) & ~(A | D));
	f.ad_races = 2;
	assert_int_equal(walk(&c, 0x1000, X86_WALK_WRITE, &gpa, &pf), 0);
	assert_int_equal(get64(pte) & (A | D), A | D);
	set64(pte, get64(pte) & ~A);
	f.ad_races = 1000;
	assert_int_equal(walk(&c, 0x1000, 0, &gpa, &pf), -EAGAIN);

	/* Without set_ad the tables are never written */
	f.ad_races = 0;
	c.set_ad = NULL;
	assert_int_equal(walk(&c, 0x1000, X86_WALK_WRITE, &gpa, &pf), 0);
	assert_int_equal(get64(pte) & A, 0);

	/* A table outside memory is the callback's error */
	set64(pde, BIT(30) | P | W);
	assert_int_equal(walk(&c, 0x1000, 0, &gpa, &pf), -EIO);
}

static void test_copy(void **state)
{
	struct x86_walk_cfg c = cfg_for(CR0, 0, X86_CR4_PAE, LONG);
	u64 pml4 = new_page(), p1 = new_page(), p2 = new_page();
	u64 p3 = new_page();
	u8 buf[6000], back[6000];
	unsigned i;
	u32 pf;

	c.cr3 = pml4;
	/* gva 0x10000..0x13000 -> p2, p1, p3 (not contiguous) */
	map(pml4, 4, 0x10000, p2, 1, P | W);
	map(pml4, 4, 0x11000, p1, 1, P | W);
	map(pml4, 4, 0x12000, p3, 1, P | W);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(i * 13 + 5);
	assert_int_equal(x86_copy_to_guest(&c, 0x10f00, buf, sizeof(buf),
					   &pf), 0);
	assert_memory_equal(&f.mem[p2 + 0xf00], buf, 0x100);
	assert_memory_equal(&f.mem[p1], buf + 0x100, 4096);
	assert_memory_equal(&f.mem[p3], buf + 0x1100, sizeof(buf) - 0x1100);
	memset(back, 0, sizeof(back));
	assert_int_equal(x86_copy_from_guest(&c, 0x10f00, back, sizeof(back),
					     &pf), 0);
	assert_memory_equal(back, buf, sizeof(buf));

	/* Third page read-only: the write faults and writes nothing */
	map(pml4, 4, 0x12000, p3, 1, P);
	memset(buf, 0x77, sizeof(buf));
	assert_int_equal(x86_copy_to_guest(&c, 0x10f00, buf, sizeof(buf),
					   &pf), -EFAULT);
	assert_int_equal(pf, PF_P | PF_W);
	assert_memory_equal(back, &f.mem[p2 + 0xf00], 0x100);
	/* Reading past the last mapped page faults, not present */
	assert_int_equal(x86_copy_from_guest(&c, 0x12ff0, back, 0x20, &pf),
			 -EFAULT);
	assert_int_equal(pf, 0);
	assert_int_equal(x86_copy_from_guest(&c, 0x12ff0, back, 0x10, &pf),
			 0);
}

static void test_fetch(void **state)
{
	struct x86_walk_cfg c = cfg_for(CR0, 0, X86_CR4_PAE, LONG);
	u64 pml4 = new_page(), p1 = new_page(), p2 = new_page();
	u8 buf[15];
	size_t got;
	u32 pf;

	c.cr3 = pml4;
	map(pml4, 4, 0x10000, p1, 1, P);
	map(pml4, 4, 0x11000, p2, 1, P | NX);
	memset(&f.mem[p1 + 0xffa], 0x90, 6);
	assert_int_equal(x86_fetch_from_guest(&c, 0x10ff0, buf, sizeof(buf),
					      &got, &pf), 0);
	assert_int_equal(got, 15);
	assert_int_equal(pf, 0);
	/* crossing into the NX page: the first 6 bytes, and its #PF */
	assert_int_equal(x86_fetch_from_guest(&c, 0x10ffa, buf, sizeof(buf),
					      &got, &pf), 0);
	assert_int_equal(got, 6);
	assert_int_equal(pf, PF_P | PF_I);
	assert_memory_equal(buf, &f.mem[p1 + 0xffa], 6);
	/* nothing fetchable at all */
	assert_int_equal(x86_fetch_from_guest(&c, 0x11000, buf, sizeof(buf),
					      &got, &pf), -EFAULT);
	assert_int_equal(got, 0);
	assert_int_equal(pf, PF_P | PF_I);
	/* a data read of the NX page is fine */
	assert_int_equal(x86_copy_from_guest(&c, 0x11000, buf, 4, &pf), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paging_off),
		cmocka_unit_test(test_32bit),
		cmocka_unit_test(test_pae),
		cmocka_unit_test(test_4level),
		cmocka_unit_test(test_5level),
		cmocka_unit_test(test_rights),
		cmocka_unit_test(test_accessed_dirty),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_fetch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
