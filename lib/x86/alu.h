/*
 * Integer ALU with x86 flag semantics, shared by the MMIO emulator's
 * files.  Internal to lib/x86.
 */
#ifndef TV_LIB_X86_ALU_H
#define TV_LIB_X86_ALU_H

#include <tv/env.h>

/* The order of the 00-3F opcode rows and of Group 1's ModRM.reg. */
enum x86_alu_op {
	X86_ALU_ADD, X86_ALU_OR, X86_ALU_ADC, X86_ALU_SBB,
	X86_ALU_AND, X86_ALU_SUB, X86_ALU_XOR, X86_ALU_CMP,
	X86_ALU_INC, X86_ALU_DEC,
};

/*
 * a op b at `size` bytes; returns the result (masked to size) and sets CF
 * PF AF ZF SF OF in *rflags as the instruction does.  CMP returns a - b.
 */
u64 x86_alu(enum x86_alu_op op, u64 a, u64 b, unsigned size, u64 *rflags);

static inline u64 x86_size_mask(unsigned size)
{
	return size >= 8 ? ~0ULL : BIT(8 * size) - 1;
}

#endif
