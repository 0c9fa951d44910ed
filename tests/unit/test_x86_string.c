/*
 * String instructions in x86_emulate_mmio() and x86_skip_write(): REP
 * slices that stop at the MMIO page end and restart, DF=1, address-size
 * wrap of RSI/RDI/RCX, MOVS in both directions (with and without the
 * translation hook), faults part-way, and dropped writes.
 *
 * The fake guest has two MMIO pages (backed by an array) that are also
 * mapped at MMIO_GVA, and three RAM pages at RAM_GVA.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>
#include <tv/env.h>
#include <tv/x86_decode.h>
#include <tv/x86_emulate.h>

#define MMIO_GPA	0xfeb00000ULL
#define MMIO_GVA	0x80000000ULL
#define RAM_GPA		0x00100000ULL
#define RAM_GVA		0x70000000ULL
#define NO_FAULT	(~0ULL)

struct guest {
	u8 mmio[2 * 4096];
	u8 ram[3 * 4096];
	unsigned reads, writes;	/* MMIO accesses */
	u64 fault_gva;		/* RAM access touching this fails */
};

static struct guest g;

static int mmio_read(void *ctx, u64 gpa, unsigned size, u64 *val)
{
	assert_true(gpa >= MMIO_GPA && gpa + size <= MMIO_GPA + 8192);
	*val = 0;
	memcpy(val, &g.mmio[gpa - MMIO_GPA], size);
	g.reads++;
	return 0;
}

static int mmio_write(void *ctx, u64 gpa, unsigned size, u64 val)
{
	assert_true(gpa >= MMIO_GPA && gpa + size <= MMIO_GPA + 8192);
	memcpy(&g.mmio[gpa - MMIO_GPA], &val, size);
	g.writes++;
	return 0;
}

static u8 *ram(u64 gva, unsigned size)
{
	if (g.fault_gva >= gva && g.fault_gva < gva + size)
		return NULL;
	assert_true(gva >= RAM_GVA && gva + size <= RAM_GVA + sizeof(g.ram));
	return &g.ram[gva - RAM_GVA];
}

static int mem_read(void *ctx, u64 gva, void *buf, unsigned size)
{
	u8 *p = ram(gva, size);

	if (!p)
		return -EFAULT;
	memcpy(buf, p, size);
	return 0;
}

static int mem_write(void *ctx, u64 gva, const void *buf, unsigned size)
{
	u8 *p = ram(gva, size);

	if (!p)
		return -EFAULT;
	memcpy(p, buf, size);
	return 0;
}

static int gva_to_gpa(void *ctx, u64 gva, bool write, u64 *gpa)
{
	if (gva >= MMIO_GVA && gva < MMIO_GVA + sizeof(g.mmio))
		*gpa = gva - MMIO_GVA + MMIO_GPA;
	else if (gva >= RAM_GVA && gva < RAM_GVA + sizeof(g.ram))
		*gpa = gva - RAM_GVA + RAM_GPA;
	else
		return -EFAULT;
	return 0;
}

static const struct x86_emu_ops ops_plain = {
	mmio_read, mmio_write, mem_read, mem_write, NULL,
};
static const struct x86_emu_ops ops_xlate = {
	mmio_read, mmio_write, mem_read, mem_write, gva_to_gpa,
};

static void setup_guest(struct x86_regs *r)
{
	unsigned i;

	for (i = 0; i < sizeof(g.mmio); i++)
		g.mmio[i] = (u8)(i * 7 + 1);
	memset(g.ram, 0xee, sizeof(g.ram));
	g.reads = g.writes = 0;
	g.fault_gva = NO_FAULT;
	memset(r, 0, sizeof(*r));
	r->rip = 0x4000;
	r->rflags = 0x2;
}

static int run(enum x86_cpu_mode mode, const u8 *b, size_t n,
	       struct x86_regs *r, u64 gpa, const struct x86_emu_ops *ops)
{
	struct x86_insn insn;

	assert_int_equal(x86_decode(b, n, mode, &insn), 0);
	if (!ops)
		return x86_skip_write(&insn, r, gpa);
	return x86_emulate_mmio(&insn, r, gpa, ops, NULL);
}

#define RUN(mode, r, gpa, ops, ...) ({ \
	static const u8 b_[] = { __VA_ARGS__ }; \
	run(mode, b_, sizeof(b_), r, gpa, ops); \
})
#define SKIP(mode, r, gpa, ...) RUN(mode, r, gpa, NULL, __VA_ARGS__)

static void test_rep_stos_restart(void **state)
{
	struct x86_regs r;
	u32 v;

	setup_guest(&r);
	r.gpr[X86_RDI] = MMIO_GVA + 0xff8;
	r.gpr[X86_RCX] = 10;
	r.gpr[X86_RAX] = 0x12345678deadbeefULL;
	assert_int_equal(RUN(X86_MODE_64, &r, MMIO_GPA + 0xff8, &ops_plain,
			     0xf3, 0xab), X86_EMU_RESTART);
	assert_int_equal(g.writes, 2);
	assert_int_equal(r.gpr[X86_RCX], 8);
	assert_int_equal(r.gpr[X86_RDI], MMIO_GVA + 0x1000);
	assert_int_equal(r.rip, 0x4000);
	memcpy(&v, &g.mmio[0xffc], 4);
	assert_int_equal(v, 0xdeadbeef);
	assert_int_not_equal(g.mmio[0x1000], 0xef);

	/* The guest re-executes it and faults on the next page. */
	assert_int_equal(RUN(X86_MODE_64, &r, MMIO_GPA + 0x1000, &ops_plain,
			     0xf3, 0xab), X86_EMU_DONE);
	assert_int_equal(g.writes, 10);
	assert_int_equal(r.gpr[X86_RCX], 0);
	assert_int_equal(r.gpr[X86_RDI], MMIO_GVA + 0x1020);
	assert_int_equal(r.rip, 0x4002);
	memcpy(&v, &g.mmio[0x101c], 4);
	assert_int_equal(v, 0xdeadbeef);
}

static void test_rep_stos_down_and_bounds(void **state)
{
	struct x86_regs r;
	unsigned i;

	setup_guest(&r);		/* std; rep stosb from offset 5 */
	r.rflags |= X86_FLAGS_DF;
	r.gpr[X86_RDI] = MMIO_GVA + 5;
	r.gpr[X86_RCX] = 10;
	r.gpr[X86_RAX] = 0xab;
	assert_int_equal(RUN(X86_MODE_64, &r, MMIO_GPA + 5, &ops_plain,
			     0xf3, 0xaa), X86_EMU_RESTART);
	assert_int_equal(g.writes, 6);
	for (i = 0; i <= 5; i++)
		assert_int_equal(g.mmio[i], 0xab);
	assert_int_equal(r.gpr[X86_RCX], 4);
	assert_int_equal(r.gpr[X86_RDI], MMIO_GVA - 1);

	setup_guest(&r);		/* at most X86_EMU_MAX_ELEMS per call */
	r.gpr[X86_RCX] = 1000;
	assert_int_equal(RUN(X86_MODE_64, &r, MMIO_GPA, &ops_plain,
			     0xf2, 0xaa), X86_EMU_RESTART);
	assert_int_equal(g.writes, X86_EMU_MAX_ELEMS);
	assert_int_equal(r.gpr[X86_RCX], 1000 - X86_EMU_MAX_ELEMS);

	setup_guest(&r);		/* REP with RCX = 0 does nothing */
	assert_int_equal(RUN(X86_MODE_64, &r, MMIO_GPA, &ops_plain,
			     0xf3, 0x48, 0xab), X86_EMU_DONE);
	assert_int_equal(g.writes, 0);
	assert_int_equal(r.rip, 0x4003);

	setup_guest(&r);		/* plain stosw: one element */
	r.gpr[X86_RCX] = 7;
	r.gpr[X86_RAX] = 0x55aa;
	assert_int_equal(RUN(X86_MODE_64, &r, MMIO_GPA + 0x10, &ops_plain,
			     0x66, 0xab), X86_EMU_DONE);
	assert_int_equal(g.writes, 1);
	assert_int_equal(g.mmio[0x10], 0xaa);
	assert_int_equal(g.mmio[0x11], 0x55);
	assert_int_equal(r.gpr[X86_RDI], 2);
	assert_int_equal(r.gpr[X86_RCX], 7);
}

static void test_address_size_wrap(void **state)
{
	struct x86_regs r;

	setup_guest(&r);		/* addr32 rep stosb: EDI/ECX wrap */
	r.gpr[X86_RDI] = 0xffffffff00000ffeULL;
	r.gpr[X86_RCX] = 0xaaaaaaaa00000005ULL;
	assert_int_equal(RUN(X86_MODE_64, &r, MMIO_GPA + 0xffe, &ops_plain,
			     0x67, 0xf3, 0xaa), X86_EMU_RESTART);
	assert_int_equal(r.gpr[X86_RDI], 0x1000);
	assert_int_equal(r.gpr[X86_RCX], 3);

	setup_guest(&r);		/* 16-bit rep stosw: DI wraps, merges */
	r.gpr[X86_RDI] = 0x1234fffe;
	r.gpr[X86_RCX] = 0xffff0003;
	assert_int_equal(RUN(X86_MODE_16, &r, MMIO_GPA + 0xffe, &ops_plain,
			     0xf3, 0xab), X86_EMU_RESTART);
	assert_int_equal(g.writes, 1);
	assert_int_equal(r.gpr[X86_RDI], 0x12340000);
	assert_int_equal(r.gpr[X86_RCX], 0xffff0002);
	assert_int_equal(r.rip, 0x4000);
}

static void test_movs_from_mmio(void **state)
{
	struct x86_regs r;

	setup_guest(&r);		/* rep movsb, memcpy_fromio */
	r.gpr[X86_RSI] = MMIO_GVA + 0x100;
	r.gpr[X86_RDI] = RAM_GVA + 0x234;
	r.gpr[X86_RCX] = 16;
	assert_int_equal(RUN(X86_MODE_64, &r, MMIO_GPA + 0x100, &ops_plain,
			     0xf3, 0xa4), X86_EMU_DONE);
	assert_memory_equal(&g.ram[0x234], &g.mmio[0x100], 16);
	assert_int_equal(g.ram[0x244], 0xee);
	assert_int_equal(g.reads, 16);
	assert_int_equal(g.writes, 0);
	assert_int_equal(r.gpr[X86_RSI], MMIO_GVA + 0x110);
	assert_int_equal(r.gpr[X86_RDI], RAM_GVA + 0x244);
	assert_int_equal(r.rip, 0x4002);

	setup_guest(&r);		/* lodsl zero-extends into RAX */
	r.gpr[X86_RAX] = ~0ULL;
	r.gpr[X86_RSI] = MMIO_GVA + 0x40;
	assert_int_equal(RUN(X86_MODE_64, &r, MMIO_GPA + 0x40, &ops_plain,
			     0xad), X86_EMU_DONE);
	assert_int_equal(r.gpr[X86_RAX], 0xd6cfc8c1);
	assert_int_equal(r.gpr[X86_RSI], MMIO_GVA + 0x44);
	setup_guest(&r);		/* lodsb merges into AL */
	r.gpr[X86_RAX] = ~0ULL;
	assert_int_equal(RUN(X86_MODE_64, &r, MMIO_GPA + 0x40, &ops_plain,
			     0xac), X86_EMU_DONE);
	assert_int_equal(r.gpr[X86_RAX], 0xffffffffffffffc1ULL);
}

static void test_movs_to_mmio(void **state)
{
	struct x86_regs r;
	unsigned i;

	setup_guest(&r);		/* same page offsets: ambiguous */
	for (i = 0; i < 64; i++)
		g.ram[0x100 + i] = (u8)i;
	r.gpr[X86_RSI] = RAM_GVA + 0x100;
	r.gpr[X86_RDI] = MMIO_GVA + 0x100;
	r.gpr[X86_RCX] = 8;
	assert_int_equal(RUN(X86_MODE_64, &r, MMIO_GPA + 0x100, &ops_plain,
			     0xf3, 0x48, 0xa5), -ENOTSUP);
	assert_int_equal(r.gpr[X86_RCX], 8);
	assert_int_equal(RUN(X86_MODE_64, &r, MMIO_GPA + 0x100, &ops_xlate,
			     0xf3, 0x48, 0xa5), X86_EMU_DONE);
	assert_memory_equal(&g.mmio[0x100], &g.ram[0x100], 64);
	assert_int_equal(g.writes, 8);
	assert_int_equal(g.reads, 0);
	assert_int_equal(r.gpr[X86_RSI], RAM_GVA + 0x140);
	assert_int_equal(r.gpr[X86_RDI], MMIO_GVA + 0x140);

	setup_guest(&r);		/* both operands MMIO */
	r.gpr[X86_RSI] = MMIO_GVA + 0x800;
	r.gpr[X86_RDI] = MMIO_GVA;
	r.gpr[X86_RCX] = 4;
	assert_int_equal(RUN(X86_MODE_64, &r, MMIO_GPA + 0x800, &ops_xlate,
			     0xf3, 0xa5), X86_EMU_DONE);
	assert_memory_equal(&g.mmio[0], &g.mmio[0x800], 16);
	assert_int_equal(g.reads, 4);
	assert_int_equal(g.writes, 4);

	setup_guest(&r);		/* fs: source override, std */
	r.fs_base = RAM_GVA;
	r.rflags |= X86_FLAGS_DF;
	r.gpr[X86_RSI] = 0x10;
	r.gpr[X86_RDI] = MMIO_GVA + 0x20;
	g.ram[0x10] = 0x5a;
	assert_int_equal(RUN(X86_MODE_64, &r, MMIO_GPA + 0x20, &ops_plain,
			     0x64, 0xa4), X86_EMU_DONE);
	assert_int_equal(g.mmio[0x20], 0x5a);
	assert_int_equal(r.gpr[X86_RSI], 0xf);
	assert_int_equal(r.gpr[X86_RDI], MMIO_GVA + 0x1f);
}

static void test_movs_segments_32(void **state)
{
	struct x86_regs r;

	setup_guest(&r);		/* 32-bit: ES base applies to EDI */
	r.legacy_base[X86_SEG_ES] = RAM_GVA;
	r.legacy_base[X86_SEG_DS] = 0x1000;
	r.gpr[X86_RSI] = MMIO_GVA - 0x1000 + 0x30;
	r.gpr[X86_RDI] = 0x40;
	r.gpr[X86_RCX] = 2;
	assert_int_equal(RUN(X86_MODE_32, &r, MMIO_GPA + 0x30, &ops_plain,
			     0xf3, 0xa5), X86_EMU_DONE);
	assert_memory_equal(&g.ram[0x40], &g.mmio[0x30], 8);
	assert_int_equal(r.gpr[X86_RDI], 0x48);
}

static void test_fault_part_way(void **state)
{
	struct x86_regs r;

	setup_guest(&r);
	g.fault_gva = RAM_GVA + 0x203;
	r.gpr[X86_RSI] = MMIO_GVA + 0x10;
	r.gpr[X86_RDI] = RAM_GVA + 0x200;
	r.gpr[X86_RCX] = 8;
	assert_int_equal(RUN(X86_MODE_64, &r, MMIO_GPA + 0x10, &ops_plain,
			     0xf3, 0xa4), -EFAULT);
	assert_memory_equal(&g.ram[0x200], &g.mmio[0x10], 3);
	assert_int_equal(r.gpr[X86_RCX], 5);
	assert_int_equal(r.gpr[X86_RSI], MMIO_GVA + 0x13);
	assert_int_equal(r.gpr[X86_RDI], RAM_GVA + 0x203);
	assert_int_equal(r.rip, 0x4000);
}

static void test_skip_write(void **state)
{
	struct x86_regs r, before;

	setup_guest(&r);		/* mov %eax,(%rdi): just skipped */
	before = r;
	before.rip = 0x4002;
	assert_int_equal(SKIP(X86_MODE_64, &r, MMIO_GPA, 0x89, 0x07),
			 X86_EMU_DONE);
	assert_memory_equal(&r, &before, sizeof(r));

	setup_guest(&r);		/* rep stosq: two qwords to page end */
	r.gpr[X86_RDI] = 0x10ff0;
	r.gpr[X86_RCX] = 100;
	assert_int_equal(SKIP(X86_MODE_64, &r, MMIO_GPA + 0xff0, 0xf3, 0x48,
			      0xab), X86_EMU_RESTART);
	assert_int_equal(r.gpr[X86_RDI], 0x11000);
	assert_int_equal(r.gpr[X86_RCX], 98);
	assert_int_equal(r.rip, 0x4000);

	setup_guest(&r);		/* std; rep movsb from offset 3 */
	r.rflags |= X86_FLAGS_DF;
	r.gpr[X86_RSI] = 0x500;
	r.gpr[X86_RDI] = 0x803;
	r.gpr[X86_RCX] = 100;
	assert_int_equal(SKIP(X86_MODE_64, &r, MMIO_GPA + 3, 0xf3, 0xa4),
			 X86_EMU_RESTART);
	assert_int_equal(r.gpr[X86_RSI], 0x4fc);
	assert_int_equal(r.gpr[X86_RDI], 0x7ff);
	assert_int_equal(r.gpr[X86_RCX], 96);

	setup_guest(&r);		/* last element: done */
	r.gpr[X86_RCX] = 1;
	assert_int_equal(SKIP(X86_MODE_64, &r, MMIO_GPA, 0xf3, 0xab),
			 X86_EMU_DONE);
	assert_int_equal(r.gpr[X86_RCX], 0);
	assert_int_equal(r.gpr[X86_RDI], 4);
	assert_int_equal(r.rip, 0x4002);
}

static void test_skip_write_edges(void **state)
{
	struct x86_regs r;

	setup_guest(&r);		/* stosb without REP */
	r.gpr[X86_RCX] = 9;
	assert_int_equal(SKIP(X86_MODE_64, &r, MMIO_GPA, 0xaa), X86_EMU_DONE);
	assert_int_equal(r.gpr[X86_RDI], 1);
	assert_int_equal(r.gpr[X86_RCX], 9);
	assert_int_equal(r.rip, 0x4001);

	setup_guest(&r);		/* stosl straddling the page end */
	r.gpr[X86_RCX] = 3;
	assert_int_equal(SKIP(X86_MODE_64, &r, MMIO_GPA + 0xffe, 0xf3, 0xab),
			 X86_EMU_RESTART);
	assert_int_equal(r.gpr[X86_RCX], 2);
	assert_int_equal(r.gpr[X86_RDI], 4);

	setup_guest(&r);		/* addr32: EDI wraps to 0 */
	r.gpr[X86_RDI] = 0xfffffffffffffffcULL;
	r.gpr[X86_RCX] = 5;
	assert_int_equal(SKIP(X86_MODE_64, &r, MMIO_GPA + 0xffc, 0x67, 0xf3,
			      0xab), X86_EMU_RESTART);
	assert_int_equal(r.gpr[X86_RDI], 0);
	assert_int_equal(r.gpr[X86_RCX], 4);

	setup_guest(&r);		/* REP with RCX = 0 */
	assert_int_equal(SKIP(X86_MODE_64, &r, MMIO_GPA, 0xf3, 0xa5),
			 X86_EMU_DONE);
	assert_int_equal(r.gpr[X86_RDI], 0);
	assert_int_equal(r.rip, 0x4002);

	setup_guest(&r);		/* lodsb is no write: only RIP moves */
	assert_int_equal(SKIP(X86_MODE_64, &r, MMIO_GPA, 0xac), X86_EMU_DONE);
	assert_int_equal(r.gpr[X86_RSI], 0);
	assert_int_equal(r.rip, 0x4001);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rep_stos_restart),
		cmocka_unit_test(test_rep_stos_down_and_bounds),
		cmocka_unit_test(test_address_size_wrap),
		cmocka_unit_test(test_movs_from_mmio),
		cmocka_unit_test(test_movs_to_mmio),
		cmocka_unit_test(test_movs_segments_32),
		cmocka_unit_test(test_fault_part_way),
		cmocka_unit_test(test_skip_write),
		cmocka_unit_test(test_skip_write_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
