/*
 * x86_emulate_mmio() on the non-string instructions, against a fake device
 * that logs every access.  Arithmetic flags are checked against the host
 * CPU itself: each ALU op is run with inline assembly on the same values
 * and its RFLAGS compared with the emulator's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>
#include <tv/env.h>
#include <tv/x86_decode.h>
#include <tv/x86_emulate.h>

#define GPA	0xfebf0010ULL	/* the faulting device register */

struct access {
	u64 gpa;
	unsigned size;
	bool write;
	u64 val;
};

struct dev {
	u64 reg;		/* value every read returns */
	int write_err;		/* mmio_write fails with this, if set */
	unsigned n;
	struct access log[8];
};

static int dev_read(void *ctx, u64 gpa, unsigned size, u64 *val)
{
	struct dev *d = ctx;

	assert_true(d->n < ARRAY_SIZE(d->log));
	d->log[d->n++] = (struct access){ gpa, size, false, 0 };
	*val = d->reg;		/* unmasked: the emulator must mask */
	return 0;
}

static int dev_write(void *ctx, u64 gpa, unsigned size, u64 val)
{
	struct dev *d = ctx;

	if (d->write_err)
		return d->write_err;
	assert_true(d->n < ARRAY_SIZE(d->log));
	d->log[d->n++] = (struct access){ gpa, size, true, val };
	return 0;
}

static const struct x86_emu_ops dev_ops = {
	.mmio_read = dev_read,
	.mmio_write = dev_write,
};

/* Decode `b` at regs->rip and emulate it against d. */
static int emulate(enum x86_cpu_mode mode, const u8 *b, size_t n,
		   struct x86_regs *regs, struct dev *d)
{
	struct x86_insn insn;

	assert_int_equal(x86_decode(b, n, mode, &insn), 0);
	return x86_emulate_mmio(&insn, regs, GPA, &dev_ops, d);
}

#define EMU(mode, regs, dev, ...) ({ \
	static const u8 b_[] = { __VA_ARGS__ }; \
	emulate(mode, b_, sizeof(b_), regs, dev); \
})

static void assert_access(const struct dev *d, unsigned i, bool write,
			  unsigned size, u64 val)
{
	assert_true(i < d->n);
	assert_int_equal(d->log[i].gpa, GPA);
	assert_int_equal(d->log[i].write, write);
	assert_int_equal(d->log[i].size, size);
	if (write)
		assert_int_equal(d->log[i].val, val);
}

static void init(struct x86_regs *r, struct dev *d, u64 devval)
{
	unsigned i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < 16; i++)
		r->gpr[i] = 0x1111111111111111ULL * (i + 1);
	r->rip = 0x1000;
	r->rflags = 0x2;
	memset(d, 0, sizeof(*d));
	d->reg = devval;
}

static void test_mov_store(void **state)
{
	struct x86_regs r;
	struct dev d;

	init(&r, &d, 0);
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x89, 0x0f), X86_EMU_DONE);
	assert_int_equal(d.n, 1);
	assert_access(&d, 0, true, 4, r.gpr[X86_RCX] & 0xffffffff);
	assert_int_equal(r.rip, 0x1002);

	init(&r, &d, 0);	/* mov %bh,(%rdi): no REX, so BH */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x88, 0x3f), 0);
	assert_access(&d, 0, true, 1, (r.gpr[X86_RBX] >> 8) & 0xff);
	init(&r, &d, 0);	/* mov %dil,(%rdi): REX, so DIL */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x40, 0x88, 0x3f), 0);
	assert_access(&d, 0, true, 1, r.gpr[X86_RDI] & 0xff);
	init(&r, &d, 0);	/* mov %r9w,(%rax) */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x66, 0x44, 0x89, 0x08), 0);
	assert_access(&d, 0, true, 2, r.gpr[X86_R9] & 0xffff);
	assert_int_equal(r.rip, 0x1004);
	init(&r, &d, 0);	/* mov %r12,(%rax) */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x4c, 0x89, 0x20), 0);
	assert_access(&d, 0, true, 8, r.gpr[X86_R12]);
}

static void test_mov_load(void **state)
{
	struct x86_regs r;
	struct dev d;

	init(&r, &d, 0x8877665544332211ULL);	/* mov (%rdi),%eax */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x8b, 0x07), 0);
	assert_int_equal(r.gpr[X86_RAX], 0x44332211);
	assert_access(&d, 0, false, 4, 0);

	init(&r, &d, 0x8877665544332211ULL);	/* mov (%rdi),%ax merges */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x66, 0x8b, 0x07), 0);
	assert_int_equal(r.gpr[X86_RAX], 0x1111111111112211ULL);

	init(&r, &d, 0xabcd);			/* mov (%rdi),%ah */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x8a, 0x27), 0);
	assert_int_equal(r.gpr[X86_RAX], 0x111111111111cd11ULL);
	assert_int_equal(r.gpr[X86_RSP], 0x5555555555555555ULL);

	init(&r, &d, 0xabcd);			/* mov (%rdi),%spl */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x40, 0x8a, 0x27), 0);
	assert_int_equal(r.gpr[X86_RSP], 0x55555555555555cdULL);
	assert_int_equal(r.gpr[X86_RAX], 0x1111111111111111ULL);

	init(&r, &d, 0x8877665544332211ULL);	/* mov (%rdi),%r11 */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x4c, 0x8b, 0x1f), 0);
	assert_int_equal(r.gpr[X86_R11], 0x8877665544332211ULL);
	assert_int_equal(r.rip, 0x1003);

	/* 32-bit mode: mov (%edi),%ebx, and EIP wraps at 4 GiB */
	init(&r, &d, 0x8877665544332211ULL);
	r.rip = 0xfffffffe;
	assert_int_equal(EMU(X86_MODE_32, &r, &d, 0x8b, 0x1f), 0);
	assert_int_equal(r.gpr[X86_RBX], 0x44332211);
	assert_int_equal(r.rip, 0);
}

static void test_mov_imm_moffs(void **state)
{
	struct x86_regs r;
	struct dev d;

	init(&r, &d, 0);	/* movb $0xab,(%rdi) */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0xc6, 0x07, 0xab), 0);
	assert_access(&d, 0, true, 1, 0xab);
	init(&r, &d, 0);	/* movq $-1,(%rdi) */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x48, 0xc7, 0x07, 0xff,
			     0xff, 0xff, 0xff), 0);
	assert_access(&d, 0, true, 8, ~0ULL);
	init(&r, &d, 0);	/* movw $0x1234,(%rdi) */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x66, 0xc7, 0x07, 0x34,
			     0x12), 0);
	assert_access(&d, 0, true, 2, 0x1234);
	assert_int_equal(r.rip, 0x1005);

	init(&r, &d, 0x8877665544332211ULL);	/* movabs 0x...,%eax */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0xa1, 0x10, 0, 0xbf, 0xfe,
			     0, 0, 0, 0), 0);
	assert_int_equal(r.gpr[X86_RAX], 0x44332211);
	assert_int_equal(r.rip, 0x1009);
	init(&r, &d, 0x88776655443322aaULL);	/* mov 0x...,%al (32-bit) */
	assert_int_equal(EMU(X86_MODE_32, &r, &d, 0xa0, 0x10, 0, 0xbf, 0xfe),
			 0);
	assert_int_equal(r.gpr[X86_RAX], 0x11111111111111aaULL);
	assert_access(&d, 0, false, 1, 0);
	init(&r, &d, 0);			/* movabs %rax,0x... */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x48, 0xa3, 0x10, 0, 0xbf,
			     0xfe, 0, 0, 0, 0), 0);
	assert_access(&d, 0, true, 8, 0x1111111111111111ULL);
	init(&r, &d, 0);			/* mov %al,0x... */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0xa2, 0x10, 0, 0xbf, 0xfe,
			     0, 0, 0, 0), 0);
	assert_access(&d, 0, true, 1, 0x11);
}

static void test_movx(void **state)
{
	struct x86_regs r;
	struct dev d;

	init(&r, &d, 0xff80);			/* movzbl (%rdi),%eax */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x0f, 0xb6, 0x07), 0);
	assert_int_equal(r.gpr[X86_RAX], 0x80);
	assert_access(&d, 0, false, 1, 0);
	init(&r, &d, 0xff80);			/* movsbl (%rdi),%eax */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x0f, 0xbe, 0x07), 0);
	assert_int_equal(r.gpr[X86_RAX], 0xffffff80);
	init(&r, &d, 0x18000);			/* movswq (%rdi),%rax */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x48, 0x0f, 0xbf, 0x07), 0);
	assert_int_equal(r.gpr[X86_RAX], 0xffffffffffff8000ULL);
	assert_access(&d, 0, false, 2, 0);
	init(&r, &d, 0x18000);			/* movzwl (%rdi),%r8d */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x44, 0x0f, 0xb7, 0x07), 0);
	assert_int_equal(r.gpr[X86_R8], 0x8000);
	init(&r, &d, 0x80);			/* movzbw (%rdi),%ax */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x66, 0x0f, 0xb6, 0x07), 0);
	assert_int_equal(r.gpr[X86_RAX], 0x1111111111110080ULL);
	init(&r, &d, 0x180000000ULL);		/* movslq (%rdi),%rax */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x48, 0x63, 0x07), 0);
	assert_int_equal(r.gpr[X86_RAX], 0xffffffff80000000ULL);
	assert_access(&d, 0, false, 4, 0);
	init(&r, &d, 0x180000000ULL);		/* movsxd without REX.W */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x63, 0x07), 0);
	assert_int_equal(r.gpr[X86_RAX], 0x80000000ULL);
	init(&r, &d, 0);			/* 63 is ARPL in 32-bit mode */
	assert_int_equal(EMU(X86_MODE_32, &r, &d, 0x63, 0x07), -ENOTSUP);
	assert_int_equal(r.rip, 0x1000);
}

static void test_xchg_bt(void **state)
{
	struct x86_regs r;
	struct dev d;

	init(&r, &d, 0xaabbccdd);		/* xchg %ecx,(%rdi) */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x87, 0x0f), 0);
	assert_access(&d, 0, false, 4, 0);
	assert_access(&d, 1, true, 4, 0x22222222);
	assert_int_equal(r.gpr[X86_RCX], 0xaabbccdd);

	init(&r, &d, 0x8);			/* bt %eax,(%rdi), bit 35 */
	r.gpr[X86_RAX] = 35;
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x0f, 0xa3, 0x07), 0);
	assert_int_equal(r.rflags & X86_FLAGS_CF, X86_FLAGS_CF);
	assert_int_equal(d.n, 1);
	r.gpr[X86_RAX] = 36;
	r.rflags |= X86_FLAGS_ZF;
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x0f, 0xa3, 0x07), 0);
	assert_int_equal(r.rflags, 0x2 | X86_FLAGS_ZF);

	init(&r, &d, 0x8);			/* btsl $5 / btrl $3 / btcl $3 */
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x0f, 0xba, 0x2f, 5), 0);
	assert_access(&d, 1, true, 4, 0x28);
	assert_int_equal(r.rflags & X86_FLAGS_CF, 0);
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x0f, 0xba, 0x37, 3), 0);
	assert_access(&d, 3, true, 4, 0);
	assert_int_equal(r.rflags & X86_FLAGS_CF, X86_FLAGS_CF);
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x0f, 0xba, 0x3f, 3), 0);
	assert_access(&d, 5, true, 4, 0);
	init(&r, &d, 0);			/* btsq %rax,(%rdi), bit 63 */
	r.gpr[X86_RAX] = 63;
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x48, 0x0f, 0xab, 0x07), 0);
	assert_access(&d, 1, true, 8, BIT(63));
}

static void test_unsupported_and_errors(void **state)
{
	struct x86_regs r, before;
	struct dev d;

	init(&r, &d, 0);
	before = r;
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0xf7, 0x27), -ENOTSUP);
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x0f, 0x10, 0x07),
			 -ENOTSUP);
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0xff, 0x37), -ENOTSUP);
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x89, 0xc8), -ENOTSUP);
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0xc5, 0xfe, 0x6f, 0x07),
			 -ENOTSUP);
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0xa6), -ENOTSUP);
	assert_memory_equal(&r, &before, sizeof(r));

	/* A failing device write changes neither flags nor RIP. */
	init(&r, &d, 0xffffffff);
	d.write_err = -EIO;
	before = r;
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x83, 0x07, 0x01), -EIO);
	assert_memory_equal(&r, &before, sizeof(r));
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x87, 0x0f), -EIO);
	assert_memory_equal(&r, &before, sizeof(r));
}

/*
 * The host's own flags for `op` (0-7 as in the opcode rows, 8 TEST,
 * 9 INC, 10 DEC, 11 NEG, 12 NOT) on a memory operand holding a.
 */
#define HOST_BIN(mn, sfx, T, cons) do { \
	T m_ = (T)a, r_ = (T)b, *p_ = &m_; \
	asm volatile("lea -128(%%rsp),%%rsp\n\tpush %[f]\n\tpopf\n\t" \
		     mn sfx " %[r],(%[p])\n\tpushf\n\tpop %[f]\n\t" \
		     "lea 128(%%rsp),%%rsp" \
		     : [f] "+r" (fl) : [r] cons (r_), [p] "r" (p_) \
		     : "cc", "memory"); \
	res = m_; \
} while (0)
#define HOST_UN(mn, sfx, T, cons) do { \
	T m_ = (T)a, *p_ = &m_; \
	asm volatile("lea -128(%%rsp),%%rsp\n\tpush %[f]\n\tpopf\n\t" \
		     mn sfx " (%[p])\n\tpushf\n\tpop %[f]\n\t" \
		     "lea 128(%%rsp),%%rsp" \
		     : [f] "+r" (fl) : [p] "r" (p_) : "cc", "memory"); \
	res = m_; \
} while (0)
#define HOST_SIZES(H, mn) do { \
	switch (size) { \
	case 1: H(mn, "b", u8, "q"); break; \
	case 2: H(mn, "w", u16, "r"); break; \
	case 4: H(mn, "l", u32, "r"); break; \
	default: H(mn, "q", u64, "r"); break; \
	} \
} while (0)

static u64 host_alu(unsigned op, unsigned size, u64 a, u64 b, u64 *flags)
{
	u64 fl = *flags, res = 0;

	switch (op) {
	case 0: HOST_SIZES(HOST_BIN, "add"); break;
	case 1: HOST_SIZES(HOST_BIN, "or"); break;
	case 2: HOST_SIZES(HOST_BIN, "adc"); break;
	case 3: HOST_SIZES(HOST_BIN, "sbb"); break;
	case 4: HOST_SIZES(HOST_BIN, "and"); break;
	case 5: HOST_SIZES(HOST_BIN, "sub"); break;
	case 6: HOST_SIZES(HOST_BIN, "xor"); break;
	case 7: HOST_SIZES(HOST_BIN, "cmp"); break;
	case 8: HOST_SIZES(HOST_BIN, "test"); break;
	case 9: HOST_SIZES(HOST_UN, "inc"); break;
	case 10: HOST_SIZES(HOST_UN, "dec"); break;
	case 11: HOST_SIZES(HOST_UN, "neg"); break;
	default: HOST_SIZES(HOST_UN, "not"); break;
	}
	*flags = fl;
	return res;
}

/* The same op as bytes: [66|48] opcode modrm(/r or /digit, (%rdi)) */
static size_t encode(unsigned op, unsigned size, u8 *b)
{
	static const u8 unary[][2] = {
		{ 0xfe, 0x07 }, { 0xfe, 0x0f }, { 0xf6, 0x1f }, { 0xf6, 0x17 },
	};
	size_t n = 0;

	if (size == 2)
		b[n++] = 0x66;
	if (size == 8)
		b[n++] = 0x48;
	if (op < 8) {
		b[n++] = op * 8 + (size > 1);
		b[n++] = 0x07;		/* %eax, (%rdi) */
	} else if (op == 8) {
		b[n++] = 0x84 + (size > 1);
		b[n++] = 0x07;
	} else {
		b[n++] = unary[op - 9][0] + (size > 1);
		b[n++] = unary[op - 9][1];
	}
	return n;
}

static void check_flags_case(unsigned op, unsigned size, u64 a, u64 b,
			     u64 cf)
{
	u64 mask = size == 8 ? ~0ULL : BIT(8 * size) - 1;
	u64 hflags = 0x2 | cf, hres;
	struct x86_regs r;
	struct dev d;
	u8 bytes[4];
	size_t n = encode(op, size, bytes);
	bool writes = op != 7 && op != 8;

	hres = host_alu(op, size, a, b, &hflags);
	init(&r, &d, a);
	r.gpr[X86_RAX] = b;
	r.rflags = 0x2 | cf | X86_FLAGS_DF;
	assert_int_equal(emulate(X86_MODE_64, bytes, n, &r, &d), 0);
	assert_int_equal(r.rip, 0x1000 + n);
	if ((r.rflags & X86_FLAGS_ARITH) != (hflags & X86_FLAGS_ARITH))
		print_error("op %u size %u a %#llx b %#llx cf %llu: flags %#llx "
			    "host %#llx\n", op, size, (unsigned long long)a,
			    (unsigned long long)b, (unsigned long long)cf,
			    (unsigned long long)r.rflags,
			    (unsigned long long)hflags);
	assert_int_equal(r.rflags & X86_FLAGS_ARITH, hflags & X86_FLAGS_ARITH);
	assert_int_equal(r.rflags & ~X86_FLAGS_ARITH, 0x2 | X86_FLAGS_DF);
	assert_int_equal(d.n, writes ? 2 : 1);
	if (writes)
		assert_int_equal(d.log[1].val, hres & mask);
}

static void test_alu_flags_vs_host(void **state)
{
	static const u64 vals[] = {
		0, 1, 2, 0xf, 0x10, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000,
		0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
		0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL,
		0x123456789abcdef0ULL, 0xfedcba9876543219ULL,
	};
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	unsigned op, s, i, j, cf;

	for (op = 0; op <= 12; op++)
		for (s = 0; s < 4; s++)
			for (i = 0; i < ARRAY_SIZE(vals); i++)
				for (j = 0; j < ARRAY_SIZE(vals); j++)
					for (cf = 0; cf < 2; cf++)
						check_flags_case(op, sizes[s],
								 vals[i],
								 vals[j], cf);
}

/* Register destination and immediate forms, on the host's results. */
static void test_alu_forms(void **state)
{
	struct x86_regs r;
	struct dev d;
	u64 hf;

	init(&r, &d, 5);			/* sub (%rdi),%eax */
	r.gpr[X86_RAX] = 0xffffffff00000003ULL;
	hf = 0x2;
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x2b, 0x07), 0);
	assert_int_equal(r.gpr[X86_RAX], host_alu(5, 4, 3, 5, &hf) & 0xffffffff);
	assert_int_equal(r.rflags, 0x2 | (hf & X86_FLAGS_ARITH));
	assert_int_equal(d.n, 1);

	init(&r, &d, 0x7f);			/* cmp (%rdi),%al */
	r.gpr[X86_RAX] = 0x80;
	hf = 0x2;
	host_alu(7, 1, 0x80, 0x7f, &hf);
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x3a, 0x07), 0);
	assert_int_equal(r.rflags, 0x2 | (hf & X86_FLAGS_ARITH));
	assert_int_equal(r.gpr[X86_RAX], 0x80);

	init(&r, &d, 0x10);			/* subq $-1,(%rdi) (83 imm8) */
	hf = 0x2;
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x48, 0x83, 0x2f, 0xff), 0);
	assert_access(&d, 1, true, 8, host_alu(5, 8, 0x10, ~0ULL, &hf));
	assert_int_equal(r.rflags, 0x2 | (hf & X86_FLAGS_ARITH));

	init(&r, &d, 0x10);			/* andl $0x80000001,(%rdi) */
	hf = 0x2;
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x81, 0x27, 0x01, 0, 0,
			     0x80), 0);
	assert_access(&d, 1, true, 4, 0);
	host_alu(4, 4, 0x10, 0x80000001, &hf);
	assert_int_equal(r.rflags, 0x2 | (hf & X86_FLAGS_ARITH));

	init(&r, &d, 0xfe);			/* cmpb $0xff,(%rdi): no write */
	hf = 0x2;
	host_alu(7, 1, 0xfe, 0xff, &hf);
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x80, 0x3f, 0xff), 0);
	assert_int_equal(d.n, 1);
	assert_int_equal(r.rflags, 0x2 | (hf & X86_FLAGS_ARITH));

	init(&r, &d, 0x8000);			/* testw $0x8000,(%rdi) */
	hf = 0x2;
	host_alu(8, 2, 0x8000, 0x8000, &hf);
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x66, 0xf7, 0x07, 0x00,
			     0x80), 0);
	assert_int_equal(d.n, 1);
	assert_int_equal(r.rflags, 0x2 | (hf & X86_FLAGS_ARITH));
	assert_int_equal(r.rip, 0x1005);

	init(&r, &d, 0x0f);			/* orb %ah,(%rdi) */
	hf = 0x2;
	assert_int_equal(EMU(X86_MODE_64, &r, &d, 0x08, 0x27), 0);
	assert_access(&d, 1, true, 1, 0x1f);
}

static u64 ea_of(enum x86_cpu_mode mode, const u8 *b, size_t n,
		 const struct x86_regs *r, u64 *la, enum x86_seg *seg)
{
	struct x86_insn insn;
	u64 ea;

	assert_int_equal(x86_decode(b, n, mode, &insn), 0);
	assert_int_equal(x86_insn_mem_addr(&insn, r, &ea), 0);
	assert_int_equal(x86_insn_linear_addr(&insn, r, la), 0);
	*seg = x86_insn_seg(&insn);
	return ea;
}

#define EA(mode, r, la, seg, ...) ({ \
	static const u8 b_[] = { __VA_ARGS__ }; \
	ea_of(mode, b_, sizeof(b_), r, la, seg); \
})

static void test_effective_address(void **state)
{
	struct x86_insn insn;
	struct x86_regs r;
	enum x86_seg seg;
	struct dev d;
	u64 la, ea;

	init(&r, &d, 0);
	r.legacy_base[X86_SEG_DS] = 0x100000;
	r.legacy_base[X86_SEG_SS] = 0x200000;
	r.fs_base = 0x7f0000000000ULL;
	/* mov 0x10(%rip),%eax at 0x1000: next RIP 0x1006 */
	assert_int_equal(EA(X86_MODE_64, &r, &la, &seg, 0x8b, 0x05, 0x10, 0,
			    0, 0), 0x1016);
	assert_int_equal(la, 0x1016);
	assert_int_equal(seg, X86_SEG_DS);
	/* mov -0x8(%rbx,%rsi,8),%eax */
	assert_int_equal(EA(X86_MODE_64, &r, &la, &seg, 0x8b, 0x44, 0xf3,
			    0xf8), 0x4444444444444444ULL + 0x7777777777777777ULL
			    * 8 - 8);
	/* addr32: mov (%eax,%ecx,2),%eax wraps at 4 GiB */
	r.gpr[X86_RAX] = 0xfffffff0;
	r.gpr[X86_RCX] = 0x10;
	assert_int_equal(EA(X86_MODE_64, &r, &la, &seg, 0x67, 0x8b, 0x04,
			    0x48), 0x10);
	/* fs:(%rax) adds FS base; DS base is ignored in 64-bit mode */
	assert_int_equal(EA(X86_MODE_64, &r, &la, &seg, 0x64, 0x8b, 0x00),
			 0xfffffff0);
	assert_int_equal(la, 0x7f00fffffff0ULL);
	assert_int_equal(seg, X86_SEG_FS);
	/* (%rbp) and (%rsp) default to SS */
	EA(X86_MODE_64, &r, &la, &seg, 0x8b, 0x45, 0x00);
	assert_int_equal(seg, X86_SEG_SS);
	EA(X86_MODE_64, &r, &la, &seg, 0x8b, 0x04, 0x24);
	assert_int_equal(seg, X86_SEG_SS);
	EA(X86_MODE_64, &r, &la, &seg, 0x41, 0x8b, 0x45, 0x00);
	assert_int_equal(seg, X86_SEG_DS);	/* r13 is not rbp */
	/* 32-bit: DS base applies and the linear address wraps */
	r.gpr[X86_RBX] = 0xfff00000;
	assert_int_equal(EA(X86_MODE_32, &r, &la, &seg, 0x8b, 0x03),
			 0xfff00000);
	assert_int_equal(la, 0);
	/* 16-bit: (%bp,%si) is SS-relative and wraps at 64 KiB */
	r.gpr[X86_RBP] = 0xfff0;
	r.gpr[X86_RSI] = 0x20;
	assert_int_equal(EA(X86_MODE_16, &r, &la, &seg, 0x8b, 0x02), 0x10);
	assert_int_equal(seg, X86_SEG_SS);
	assert_int_equal(la, 0x200010);
	/* moffs and no memory operand */
	assert_int_equal(EA(X86_MODE_64, &r, &la, &seg, 0xa1, 8, 7, 6, 5, 4,
			    3, 2, 1), 0x0102030405060708ULL);
	assert_int_equal(x86_decode((const u8 *)"\x89\xc8", 2, X86_MODE_64,
				    &insn), 0);
	assert_int_equal(x86_insn_mem_addr(&insn, &r, &ea), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mov_store),
		cmocka_unit_test(test_mov_load),
		cmocka_unit_test(test_mov_imm_moffs),
		cmocka_unit_test(test_movx),
		cmocka_unit_test(test_xchg_bt),
		cmocka_unit_test(test_unsupported_and_errors),
		cmocka_unit_test(test_effective_address),
		cmocka_unit_test(test_alu_flags_vs_host),
		cmocka_unit_test(test_alu_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
