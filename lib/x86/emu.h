/*
 * State of one x86_emulate_mmio() call, shared by the files of the MMIO
 * emulator.  Internal to lib/x86.
 */
#ifndef TV_LIB_X86_EMU_H
#define TV_LIB_X86_EMU_H

#include <tv/env.h>
#include <tv/x86_decode.h>
#include <tv/x86_emulate.h>

struct emu {
	const struct x86_insn *insn;
	struct x86_regs *regs;
	u64 gpa;			/* the memory operand's address */
	const struct x86_emu_ops *ops;
	void *ctx;
	bool rex;			/* byte registers 4-7 are SPL..DIL */
};

/* MOVS, STOS, LODS (A4 A5 AA AB AC AD), REP or not. */
int x86_emu_string(struct emu *e);

static inline bool x86_is_string_op(const struct x86_insn *insn)
{
	u8 op = insn->opcode;

	return insn->map == X86_MAP_1BYTE &&
	       (op == 0xa4 || op == 0xa5 || (op >= 0xaa && op <= 0xad));
}

#endif
