/*
 * The integer ALU behind emulated ADD/OR/ADC/SBB/AND/SUB/XOR/CMP/TEST/
 * INC/DEC/NEG on MMIO operands, with the arithmetic flags defined in SDM
 * Vol. 1 3.4.3.1 and Appendix A:
 *
 *   CF  carry out of (borrow into) the top bit; 0 for logic ops
 *   PF  even parity of the result's low byte
 *   AF  carry out of bit 3 (a ^ b ^ result, bit 4); 0 for logic ops
 *   ZF  result == 0;  SF  top bit of the result
 *   OF  signed overflow; 0 for logic ops
 *
 * INC and DEC leave CF alone.  AF after a logic op is architecturally
 * undefined; it is cleared, as current processors do.
 */
#include <tv/env.h>
#include <tv/x86_emulate.h>
#include "alu.h"

static bool parity_even(u64 v)
{
	v &= 0xff;
	v ^= v >> 4;
	v ^= v >> 2;
	v ^= v >> 1;
	return !(v & 1);
}

static bool add_carry(u64 a, u64 r, bool c, u64 mask)
{
	return c ? (r & mask) <= a : (r & mask) < a;
}

static bool sub_borrow(u64 a, u64 b, bool c)
{
	return c ? a <= b : a < b;
}

u64 x86_alu(enum x86_alu_op op, u64 a, u64 b, unsigned size, u64 *rflags)
{
	u64 mask = x86_size_mask(size);
	u64 sign = BIT(8 * size - 1);
	bool c = *rflags & X86_FLAGS_CF;
	bool cf = false, of = false, arith = true;
	u64 r, fl;

	a &= mask;
	b &= mask;
	switch (op) {
	case X86_ALU_INC:
	case X86_ALU_ADD:
	case X86_ALU_ADC:
		if (op != X86_ALU_ADC)
			c = false;
		r = a + b + c;
		cf = add_carry(a, r, c, mask);
		of = (a ^ r) & (b ^ r) & sign;
		break;
	case X86_ALU_DEC:
	case X86_ALU_SUB:
	case X86_ALU_CMP:
	case X86_ALU_SBB:
		if (op != X86_ALU_SBB)
			c = false;
		r = a - b - c;
		cf = sub_borrow(a, b, c);
		of = (a ^ b) & (a ^ r) & sign;
		break;
	case X86_ALU_AND:
		r = a & b;
		arith = false;
		break;
	case X86_ALU_OR:
		r = a | b;
		arith = false;
		break;
	default:
		r = a ^ b;
		arith = false;
		break;
	}
	r &= mask;
	fl = (cf ? X86_FLAGS_CF : 0) | (of ? X86_FLAGS_OF : 0) |
	     (parity_even(r) ? X86_FLAGS_PF : 0) |
	     (r ? 0 : X86_FLAGS_ZF) | (r & sign ? X86_FLAGS_SF : 0);
	if (arith)
		fl |= (a ^ b ^ r) & X86_FLAGS_AF;
	if (op == X86_ALU_INC || op == X86_ALU_DEC)
		fl = (fl & ~X86_FLAGS_CF) | (*rflags & X86_FLAGS_CF);
	*rflags = (*rflags & ~X86_FLAGS_ARITH) | fl;
	return r;
}
