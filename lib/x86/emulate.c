/*
 * MMIO emulation of the non-string instructions a driver uses on device
 * registers: MOV in all its forms (88-8B, C6/C7, A0-A3 moffs, MOVZX,
 * MOVSX, MOVSXD, MOVNTI), the Group 1 ALU ops and TEST, NOT, NEG, INC,
 * DEC, XCHG, and BT/BTS/BTR/BTC.
 *
 * Each instruction has exactly one memory operand, which is the faulting
 * MMIO access at e->gpa: it is read through mmio_read, combined with a
 * register or immediate, and (unless the instruction only reads, like CMP
 * and TEST) written back through mmio_write.  Registers and RFLAGS change
 * only once every device access has succeeded, so a failed callback leaves
 * the guest state as it was and the instruction can be retried or faulted.
 * LOCK is accepted and ignored: a device access is a single transaction.
 *
 * BT with a register bit offset addresses the word that holds the bit
 * (SDM Vol. 2A BT); the CPU's fault address already is that word, so only
 * the offset within it is applied.
 */
#include <tv/env.h>
#include <tv/x86_decode.h>
#include <tv/x86_emulate.h>
#include "alu.h"
#include "emu.h"

static int mmio_rd(struct emu *e, unsigned size, u64 *val)
{
	int err;

	*val = 0;
	err = e->ops->mmio_read(e->ctx, e->gpa, size, val);
	*val &= x86_size_mask(size);
	return err;
}

static int mmio_wr(struct emu *e, unsigned size, u64 val)
{
	val &= x86_size_mask(size);
	return e->ops->mmio_write(e->ctx, e->gpa, size, val);
}

static u64 reg_get(struct emu *e, unsigned reg, unsigned size)
{
	return x86_reg_get(e->regs, reg, size, e->rex);
}

static void reg_set(struct emu *e, unsigned reg, unsigned size, u64 val)
{
	x86_reg_set(e->regs, reg, size, e->rex, val);
}

static u64 sext(u64 v, unsigned size)
{
	unsigned shift = 64 - 8 * size;

	return size >= 8 ? v : (u64)((s64)(v << shift) >> shift);
}

/* 88-8B, C6/C7 /0 and A0-A3: one read or one write. */
static int emu_mov(struct emu *e, unsigned size)
{
	const struct x86_insn *insn = e->insn;
	u8 op = insn->opcode;
	unsigned reg = insn->reg;
	u64 val;
	int err;

	if (op >= 0xa0 && op <= 0xa3)
		reg = X86_RAX;
	if (op == 0xc6 || op == 0xc7)
		return mmio_wr(e, size, insn->imm);
	if (op == 0x88 || op == 0x89 || op == 0xa2 || op == 0xa3)
		return mmio_wr(e, size, reg_get(e, reg, size));
	err = mmio_rd(e, size, &val);
	if (!err)
		reg_set(e, reg, size, val);
	return err;
}

/* MOVZX/MOVSX (0F B6 B7 BE BF) and MOVSXD (63): widen into Gv. */
static int emu_movx(struct emu *e, unsigned src_size, bool sign)
{
	u64 val;
	int err;

	err = mmio_rd(e, src_size, &val);
	if (err)
		return err;
	if (sign)
		val = sext(val, src_size);
	reg_set(e, e->insn->reg, e->insn->opsize, val);
	return 0;
}

/*
 * mem op= src (to_reg false) or Gv op= mem (to_reg true).  CMP and TEST
 * (X86_ALU_AND with write false) only set flags.
 */
static int emu_alu(struct emu *e, enum x86_alu_op op, u64 src, unsigned size,
		   bool to_reg, bool write)
{
	u64 flags = e->regs->rflags;
	u64 mem, res;
	int err;

	err = mmio_rd(e, size, &mem);
	if (err)
		return err;
	if (to_reg)
		res = x86_alu(op, reg_get(e, e->insn->reg, size), mem, size,
			      &flags);
	else
		res = x86_alu(op, mem, src, size, &flags);
	if (write && to_reg) {
		reg_set(e, e->insn->reg, size, res);
	} else if (write) {
		err = mmio_wr(e, size, res);
		if (err)
			return err;
	}
	e->regs->rflags = flags;
	return 0;
}

/* 00-3B: ADD OR ADC SBB AND SUB XOR CMP with E/G operands. */
static int emu_alu_rm(struct emu *e, unsigned size)
{
	u8 op = e->insn->opcode;
	enum x86_alu_op alu = op >> 3;

	return emu_alu(e, alu, reg_get(e, e->insn->reg, size), size, op & 2,
		       alu != X86_ALU_CMP);
}

/* Group 3 (F6/F7): TEST imm, NOT, NEG.  MUL/DIV never target devices. */
static int emu_group3(struct emu *e, unsigned size)
{
	u64 flags = e->regs->rflags;
	u64 val;
	int err;

	switch (x86_modrm_digit(e->insn)) {
	case 0:
	case 1:
		return emu_alu(e, X86_ALU_AND, e->insn->imm, size, false,
			       false);
	case 2:
	case 3:
		break;
	default:
		return -ENOTSUP;
	}
	err = mmio_rd(e, size, &val);
	if (err)
		return err;
	if (x86_modrm_digit(e->insn) == 2)
		return mmio_wr(e, size, ~val);
	err = mmio_wr(e, size, x86_alu(X86_ALU_SUB, 0, val, size, &flags));
	if (!err)
		e->regs->rflags = flags;
	return err;
}

/* XCHG r/m, reg (86/87): always a read then a write of the device. */
static int emu_xchg(struct emu *e, unsigned size)
{
	u64 old;
	int err;

	err = mmio_rd(e, size, &old);
	if (!err)
		err = mmio_wr(e, size, reg_get(e, e->insn->reg, size));
	if (!err)
		reg_set(e, e->insn->reg, size, old);
	return err;
}

/* BT BTS BTR BTC (kind 0-3): CF = the bit, then set/clear/flip it. */
static int emu_bt(struct emu *e, unsigned kind, u64 offset)
{
	unsigned size = e->insn->opsize;
	u64 bit = BIT(offset & (8 * size - 1));
	u64 val;
	int err;

	err = mmio_rd(e, size, &val);
	if (err)
		return err;
	if (kind) {
		u64 res[4] = { val, val | bit, val & ~bit, val ^ bit };

		err = mmio_wr(e, size, res[kind]);
		if (err)
			return err;
	}
	e->regs->rflags &= ~X86_FLAGS_CF;
	if (val & bit)
		e->regs->rflags |= X86_FLAGS_CF;
	return 0;
}

static int emulate_1byte(struct emu *e)
{
	const struct x86_insn *insn = e->insn;
	u8 op = insn->opcode;
	unsigned size = op & 1 ? insn->opsize : 1;
	unsigned digit = x86_modrm_digit(insn);

	if (op < 0x40 && (op & 7) < 4)
		return emu_alu_rm(e, size);
	switch (op) {
	case 0x80: case 0x81: case 0x82: case 0x83:
		size = op == 0x81 || op == 0x83 ? insn->opsize : 1;
		return emu_alu(e, digit, insn->imm, size, false,
			       digit != X86_ALU_CMP);
	case 0x84: case 0x85:
		return emu_alu(e, X86_ALU_AND, reg_get(e, insn->reg, size),
			       size, false, false);
	case 0x86: case 0x87:
		return emu_xchg(e, size);
	case 0x88: case 0x89: case 0x8a: case 0x8b:
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:
	case 0xc6: case 0xc7:
		return emu_mov(e, size);
	case 0x63:
		if (insn->mode != X86_MODE_64)
			return -ENOTSUP;	/* ARPL */
		return emu_movx(e, MIN(insn->opsize, 4), insn->opsize == 8);
	case 0xf6: case 0xf7:
		return emu_group3(e, size);
	case 0xfe: case 0xff:
		if (digit > 1)
			return -ENOTSUP;
		return emu_alu(e, digit ? X86_ALU_DEC : X86_ALU_INC, 1, size,
			       false, true);
	}
	return -ENOTSUP;
}

static int emulate_0f(struct emu *e)
{
	const struct x86_insn *insn = e->insn;
	u8 op = insn->opcode;
	unsigned digit = x86_modrm_digit(insn);

	switch (op) {
	case 0xb6: case 0xb7: case 0xbe: case 0xbf:
		return emu_movx(e, op & 1 ? 2 : 1, op & 8);
	case 0xc3:			/* MOVNTI */
		return mmio_wr(e, insn->opsize, reg_get(e, insn->reg, 8));
	case 0xa3: case 0xab: case 0xb3: case 0xbb:
		return emu_bt(e, (op >> 3) & 3,
			      reg_get(e, insn->reg, insn->opsize));
	case 0xba:
		if (digit < 4)
			return -ENOTSUP;
		return emu_bt(e, digit - 4, insn->imm);
	}
	return -ENOTSUP;
}

int x86_emulate_mmio(const struct x86_insn *insn, struct x86_regs *regs,
		     u64 fault_gpa, const struct x86_emu_ops *ops, void *ctx)
{
	struct emu e = {
		.insn = insn, .regs = regs, .gpa = fault_gpa, .ops = ops,
		.ctx = ctx, .rex = insn->prefixes & X86_PFX_REX,
	};
	int ret;

	if (x86_is_string_op(insn))
		ret = x86_emu_string(&e);
	else if (!(insn->flags & X86_INSN_MEM))
		ret = -ENOTSUP;
	else if (insn->map == X86_MAP_1BYTE)
		ret = emulate_1byte(&e);
	else if (insn->map == X86_MAP_0F &&
		 !(insn->prefixes & (X86_PFX_VEX | X86_PFX_EVEX)))
		ret = emulate_0f(&e);
	else
		ret = -ENOTSUP;
	if (ret == X86_EMU_DONE)
		regs->rip = x86_next_rip(insn, regs);
	return ret;
}
