/*
 * x86_decode() against objdump's lengths (the tables in
 * test_x86_decode_cases*.c), then the corners objdump cannot judge: the
 * 15-byte limit, truncated input, a REX that a later prefix cancels, #UD
 * encodings, and the decoded fields the emulator relies on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>
#include <tv/env.h>
#include <tv/x86_decode.h>

struct decode_case {
	u8 mode;
	u8 len;
	u8 bytes[X86_MAX_INSN_LEN];
	const char *text;
};

extern const struct decode_case x86_decode_cases64[];
extern const size_t x86_decode_cases64_count;
extern const struct decode_case x86_decode_cases32[];
extern const size_t x86_decode_cases32_count;

static int decode(enum x86_cpu_mode mode, const u8 *b, size_t n,
		  struct x86_insn *insn)
{
	return x86_decode(b, n, mode, insn);
}

#define DEC(mode, insn, ...) ({ \
	static const u8 b_[] = { __VA_ARGS__ }; \
	decode(mode, b_, sizeof(b_), insn); \
})

/*
 * Each case exactly (avail == len), followed by junk (the length must not
 * change) and cut short by one byte (-E2BIG).
 */
static void check_cases(const struct decode_case *c, size_t n)
{
	struct x86_insn insn;
	u8 buf[32];
	size_t i;
	int err;

	for (i = 0; i < n; i++, c++) {
		memset(buf, 0xc4, sizeof(buf));
		memcpy(buf, c->bytes, c->len);
		err = decode(c->mode, buf, c->len, &insn);
		if (err || insn.len != c->len)
			print_error("%s: err %d len %u want %u\n", c->text,
				    err, insn.len, c->len);
		assert_int_equal(err, 0);
		assert_int_equal(insn.len, c->len);
		assert_int_equal(decode(c->mode, buf, sizeof(buf), &insn), 0);
		assert_int_equal(insn.len, c->len);
		err = decode(c->mode, buf, c->len - 1, &insn);
		if (err != -E2BIG)
			print_error("%s: truncated gives %d\n", c->text, err);
		assert_int_equal(err, -E2BIG);
	}
}

static void test_objdump_lengths_64(void **state)
{
	assert_true(x86_decode_cases64_count > 400);
	check_cases(x86_decode_cases64, x86_decode_cases64_count);
}

static void test_objdump_lengths_16_32(void **state)
{
	assert_true(x86_decode_cases32_count > 250);
	check_cases(x86_decode_cases32, x86_decode_cases32_count);
}

/* SDM Vol. 2A 2.1: more than 15 bytes is #GP, however many are given. */
static void test_length_limit(void **state)
{
	struct x86_insn insn;
	u8 buf[20];
	/* es es es rex.W add qword [rax+rcx*4+disp32], imm32: 15 bytes */
	static const u8 longest[] = {
		0x26, 0x26, 0x26, 0x48, 0x81, 0x84, 0x88,
		0x78, 0x56, 0x34, 0x12, 0x01, 0x00, 0x00, 0x00,
	};

	memset(buf, 0x66, sizeof(buf));
	buf[14] = 0x90;
	assert_int_equal(decode(X86_MODE_64, buf, sizeof(buf), &insn), 0);
	assert_int_equal(insn.len, 15);
	buf[14] = 0x66;
	buf[15] = 0x90;
	assert_int_equal(decode(X86_MODE_64, buf, sizeof(buf), &insn),
			 -EINVAL);
	assert_int_equal(decode(X86_MODE_32, buf, 15, &insn), -EINVAL);
	assert_int_equal(decode(X86_MODE_32, buf, 14, &insn), -E2BIG);

	assert_int_equal(decode(X86_MODE_64, longest, 15, &insn), 0);
	assert_int_equal(insn.len, 15);
	memcpy(buf, "\x26", 1);
	memcpy(buf + 1, longest, sizeof(longest));
	assert_int_equal(decode(X86_MODE_64, buf, 16, &insn), -EINVAL);
}

static void test_truncated(void **state)
{
	struct x86_insn insn;

	assert_int_equal(decode(X86_MODE_64, NULL, 0, &insn), -E2BIG);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x66, 0x48), -E2BIG);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x0f), -E2BIG);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x0f, 0x38), -E2BIG);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0xc4, 0xe2), -E2BIG);
	assert_int_equal(DEC(X86_MODE_32, &insn, 0xc5), -E2BIG);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x62, 0xf1, 0xfe), -E2BIG);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x8f), -E2BIG);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x8b, 0x04), -E2BIG);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0xa1, 1, 2, 3, 4), -E2BIG);
}

/* SDM Vol. 2A 2.2.1: a REX not immediately before the opcode is ignored. */
static void test_rex_position(void **state)
{
	struct x86_insn insn;

	assert_int_equal(DEC(X86_MODE_64, &insn, 0x48, 0x66, 0xb8, 0x34,
			     0x12), 0);
	assert_int_equal(insn.len, 5);
	assert_int_equal(insn.opsize, 2);
	assert_false(insn.prefixes & X86_PFX_REX);
	assert_int_equal(insn.rex, 0);

	assert_int_equal(DEC(X86_MODE_64, &insn, 0x66, 0x48, 0xb8, 1, 2, 3,
			     4, 5, 6, 7, 8), 0);
	assert_int_equal(insn.len, 11);
	assert_int_equal(insn.opsize, 8);
	assert_int_equal(insn.rex, 0x48);
	assert_int_equal(insn.imm, 0x0807060504030201ULL);

	/* The last REX counts: 41 then 4c gives R and W, not B. */
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x41, 0x4c, 0x89, 0x00), 0);
	assert_int_equal(insn.len, 4);
	assert_int_equal(insn.reg, X86_R8);
	assert_int_equal(insn.rm, X86_RAX);
	assert_int_equal(insn.opsize, 8);

	/* Outside 64-bit mode 40-4F are INC/DEC. */
	assert_int_equal(DEC(X86_MODE_32, &insn, 0x48, 0x90), 0);
	assert_int_equal(insn.len, 1);
	assert_int_equal(insn.opcode, 0x48);
}

static void test_invalid(void **state)
{
	struct x86_insn insn;

	assert_int_equal(DEC(X86_MODE_64, &insn, 0x06), -EINVAL);
	assert_int_equal(DEC(X86_MODE_32, &insn, 0x06), 0);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0xd6), -EINVAL);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x82, 0xc0, 1), -EINVAL);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x0f, 0x04), -EINVAL);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x0f, 0xb8, 0xc1), -EINVAL);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0xff, 0xf8), -EINVAL);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0xfe, 0x10), -EINVAL);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0xc6, 0x08, 1), -EINVAL);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0xc7, 0xf9, 1, 2, 3, 4),
			 -EINVAL);
	/* VEX after 66/F3/REX/LOCK is #UD (SDM Vol. 2A 2.3.2) */
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x66, 0xc5, 0xfe, 0x6f,
			     0x06), -EINVAL);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x48, 0xc5, 0xfe, 0x6f,
			     0x06), -EINVAL);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0xf0, 0x62, 0xf1, 0xfe,
			     0x48, 0x6f, 0x06), -EINVAL);
	/* VEX map 0 and 4, EVEX without the fixed 1 bit, XOP map 11 */
	assert_int_equal(DEC(X86_MODE_64, &insn, 0xc4, 0xe0, 0x7d, 0x18,
			     0x00), -EINVAL);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0xc4, 0xe4, 0x7d, 0x18,
			     0x00), -EINVAL);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x62, 0xf1, 0xfa, 0x48,
			     0x6f, 0x06), -EINVAL);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x8f, 0xeb, 0x78, 0x10,
			     0xc0), -EINVAL);
}

static void test_fields_memory(void **state)
{
	struct x86_insn insn;

	/* mov 0x12345678(%rip),%rax */
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x48, 0x8b, 0x05, 0x78, 0x56,
			     0x34, 0x12), 0);
	assert_int_equal(insn.base, X86_REG_RIP);
	assert_int_equal(insn.index, X86_REG_NONE);
	assert_int_equal(insn.disp, 0x12345678);
	assert_int_equal(insn.disp_size, 4);
	assert_true(insn.flags & X86_INSN_MEM);
	assert_int_equal(insn.reg, X86_RAX);

	/* mov -0x80(%rax,%r12,4),%r15d */
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x46, 0x8b, 0x7c, 0xa0,
			     0x80), 0);
	assert_int_equal(insn.base, X86_RAX);
	assert_int_equal(insn.index, X86_R12);
	assert_int_equal(insn.scale, 4);
	assert_int_equal(insn.disp, -0x80);
	assert_int_equal(insn.reg, X86_R15);
	assert_int_equal(insn.opsize, 4);
	assert_int_equal(insn.addrsize, 8);

	/* mov %gs:0x28 with SIB and no base or index */
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x65, 0x48, 0x8b, 0x04, 0x25,
			     0x28, 0, 0, 0), 0);
	assert_true(insn.prefixes & X86_PFX_SEG);
	assert_int_equal(insn.seg, X86_SEG_GS);
	assert_int_equal(insn.base, X86_REG_NONE);
	assert_int_equal(insn.index, X86_REG_NONE);
	assert_int_equal(insn.disp, 0x28);

	/* mov 0x0(%r13),%eax: r13 with mod 01, not RIP-relative */
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x41, 0x8b, 0x45, 0x00), 0);
	assert_int_equal(insn.base, X86_R13);

	/* 16-bit: mov 0x10(%bx,%di),%cx and mov 0x1234 */
	assert_int_equal(DEC(X86_MODE_16, &insn, 0x8b, 0x49, 0x10), 0);
	assert_int_equal(insn.base, X86_RBX);
	assert_int_equal(insn.index, X86_RDI);
	assert_int_equal(insn.disp, 0x10);
	assert_int_equal(insn.addrsize, 2);
	assert_int_equal(DEC(X86_MODE_16, &insn, 0x8b, 0x0e, 0x34, 0x12), 0);
	assert_int_equal(insn.base, X86_REG_NONE);
	assert_int_equal(insn.disp, 0x1234);

	/* 16-bit code with 66 67: mov 0x10(%esp),%eax */
	assert_int_equal(DEC(X86_MODE_16, &insn, 0x66, 0x67, 0x8b, 0x44, 0x24,
			     0x10), 0);
	assert_int_equal(insn.opsize, 4);
	assert_int_equal(insn.addrsize, 4);
	assert_int_equal(insn.base, X86_RSP);
}

static void test_fields_moffs_imm(void **state)
{
	struct x86_insn insn;

	assert_int_equal(DEC(X86_MODE_64, &insn, 0xa1, 0x88, 0x77, 0x66, 0x55,
			     0x44, 0x33, 0x22, 0x11), 0);
	assert_true(insn.flags & X86_INSN_MOFFS);
	assert_int_equal((u64)insn.disp, 0x1122334455667788ULL);
	assert_int_equal(insn.disp_size, 8);
	assert_int_equal(DEC(X86_MODE_32, &insn, 0x67, 0xa2, 0x34, 0x12), 0);
	assert_int_equal(insn.disp, 0x1234);
	assert_int_equal(insn.len, 4);

	/* movq $-1,(%rax): imm32 sign-extended to 64 bits */
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x48, 0xc7, 0x00, 0xff, 0xff,
			     0xff, 0xff), 0);
	assert_int_equal(insn.imm, ~0ULL);
	assert_int_equal(insn.imm_size, 4);
	/* add $-0x80,%eax */
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x83, 0xc0, 0x80), 0);
	assert_int_equal(insn.imm, (u64)-0x80);
	assert_int_equal(x86_modrm_digit(&insn), 0);

	/* enter $0x1000,$1 and ljmp $0x10,$0x12345678 */
	assert_int_equal(DEC(X86_MODE_64, &insn, 0xc8, 0x00, 0x10, 0x01), 0);
	assert_int_equal(insn.imm, 0x1000);
	assert_int_equal(insn.imm2, 1);
	assert_int_equal(DEC(X86_MODE_32, &insn, 0xea, 0x78, 0x56, 0x34, 0x12,
			     0x10, 0x00), 0);
	assert_int_equal(insn.imm, 0x12345678);
	assert_int_equal(insn.imm2, 0x10);

	/* testb $0x12,(%rax) has an imm; notb (%rax) does not */
	assert_int_equal(DEC(X86_MODE_64, &insn, 0xf6, 0x00, 0x12), 0);
	assert_int_equal(insn.imm_size, 1);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0xf6, 0x10, 0x12), 0);
	assert_int_equal(insn.len, 2);
	assert_int_equal(insn.imm_size, 0);
}

static void test_fields_system(void **state)
{
	struct x86_insn insn;

	/* mov %cr0,%r8 with mod 00: still a register form */
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x41, 0x0f, 0x20, 0x00), 0);
	assert_int_equal(insn.len, 4);
	assert_int_equal(insn.mod, 3);
	assert_int_equal(insn.rm, X86_R8);
	assert_int_equal(insn.reg, 0);
	assert_false(insn.flags & X86_INSN_MEM);
	/* mov %rax,%cr8 */
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x44, 0x0f, 0x22, 0xc0), 0);
	assert_int_equal(insn.reg, 8);
	assert_int_equal(insn.map, X86_MAP_0F);
	assert_int_equal(insn.opcode, 0x22);

	/* vmmcall, cpuid, rep movsq, f2 f3 (the last wins) */
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x0f, 0x01, 0xd9), 0);
	assert_int_equal(insn.modrm, 0xd9);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x0f, 0xa2), 0);
	assert_int_equal(insn.opcode, 0xa2);
	assert_false(insn.flags & X86_INSN_MODRM);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0xf3, 0x48, 0xa5), 0);
	assert_int_equal(insn.prefixes, X86_PFX_REP | X86_PFX_REX);
	assert_int_equal(insn.opsize, 8);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0xf2, 0xf3, 0xa4), 0);
	assert_int_equal(insn.prefixes, X86_PFX_REP);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0xf3, 0xf2, 0xa4), 0);
	assert_int_equal(insn.prefixes, X86_PFX_REPNE);

	/* push %rax defaults to 64-bit, 66 makes it 16; call *(%rax) too */
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x50), 0);
	assert_int_equal(insn.opsize, 8);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x66, 0x50), 0);
	assert_int_equal(insn.opsize, 2);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0xff, 0x10), 0);
	assert_int_equal(insn.opsize, 8);
	assert_int_equal(DEC(X86_MODE_64, &insn, 0xff, 0x00), 0);
	assert_int_equal(insn.opsize, 4);
}

static void test_fields_vector(void **state)
{
	struct x86_insn insn;

	/* vmovdqu (%rsi),%ymm0 */
	assert_int_equal(DEC(X86_MODE_64, &insn, 0xc5, 0xfe, 0x6f, 0x06), 0);
	assert_true(insn.prefixes & X86_PFX_VEX);
	assert_int_equal(insn.map, X86_MAP_0F);
	assert_int_equal(insn.opcode, 0x6f);
	assert_int_equal(insn.vex_pp, 2);
	assert_int_equal(insn.vex_l, 1);
	assert_int_equal(insn.vex_vvvv, 0);
	assert_int_equal(insn.base, X86_RSI);
	/* vmovdqu %ymm8,0x20(%r9): C4 with R and B */
	assert_int_equal(DEC(X86_MODE_64, &insn, 0xc4, 0x41, 0x7e, 0x7f, 0x41,
			     0x20), 0);
	assert_int_equal(insn.reg, 8);
	assert_int_equal(insn.base, X86_R9);
	/* vmovdqu64 %zmm0,0x40(%rdi): disp8 stays one byte */
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x62, 0xf1, 0xfe, 0x48, 0x7f,
			     0x47, 0x01), 0);
	assert_true(insn.prefixes & X86_PFX_EVEX);
	assert_int_equal(insn.len, 7);
	assert_int_equal(insn.vex_l, 2);
	assert_int_equal(insn.vex_w, 1);
	assert_int_equal(insn.disp, 1);
	/* 3DNow!: the trailing byte is the opcode */
	assert_int_equal(DEC(X86_MODE_64, &insn, 0x0f, 0x0f, 0xc1, 0xb4), 0);
	assert_int_equal(insn.map, X86_MAP_3DNOW);
	assert_int_equal(insn.opcode, 0xb4);
	/* 32-bit: C4 with mod != 11 is LES, with mod 11 it is VEX */
	assert_int_equal(DEC(X86_MODE_32, &insn, 0xc4, 0x00), 0);
	assert_int_equal(insn.map, X86_MAP_1BYTE);
	assert_int_equal(DEC(X86_MODE_32, &insn, 0xc5, 0xf8, 0x77), 0);
	assert_int_equal(insn.map, X86_MAP_0F);
	assert_int_equal(insn.len, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_objdump_lengths_64),
		cmocka_unit_test(test_objdump_lengths_16_32),
		cmocka_unit_test(test_length_limit),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_rex_position),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_fields_memory),
		cmocka_unit_test(test_fields_moffs_imm),
		cmocka_unit_test(test_fields_system),
		cmocka_unit_test(test_fields_vector),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
