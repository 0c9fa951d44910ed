/*
 * Guest register access and operand addresses for decoded instructions.
 *
 * Register writes follow the x86 merge rules (SDM Vol. 1 3.4.1.1): a
 * 32-bit write zero-extends into the full 64-bit register, 8- and 16-bit
 * writes leave the other bits alone, and without REX byte registers 4-7
 * name AH, CH, DH and BH.  Address arithmetic wraps at the address size
 * (SDM Vol. 1 3.7.5); in 64-bit mode only FS and GS have a base (3.3.7.1)
 * and outside it linear addresses wrap at 4 GiB.  Segment limits and
 * access rights are not checked: a guest that reached an MMIO page
 * through a segment has already passed the CPU's own checks.
 */
#include <tv/env.h>
#include <tv/x86_decode.h>
#include <tv/x86_emulate.h>
#include "alu.h"

static bool is_high_byte(unsigned reg, unsigned size, bool rex)
{
	return size == 1 && !rex && reg >= 4 && reg < 8;
}

u64 x86_reg_get(const struct x86_regs *regs, unsigned reg, unsigned size,
		bool rex)
{
	if (is_high_byte(reg, size, rex))
		return (regs->gpr[reg - 4] >> 8) & 0xff;
	return regs->gpr[reg & 15] & x86_size_mask(size);
}

void x86_reg_set(struct x86_regs *regs, unsigned reg, unsigned size,
		 bool rex, u64 val)
{
	u64 *r;

	if (is_high_byte(reg, size, rex)) {
		r = &regs->gpr[reg - 4];
		*r = (*r & ~GENMASK(15, 8)) | ((val & 0xff) << 8);
		return;
	}
	r = &regs->gpr[reg & 15];
	if (size >= 4)
		*r = val & x86_size_mask(size);
	else
		*r = (*r & ~x86_size_mask(size)) | (val & x86_size_mask(size));
}

int x86_insn_mem_addr(const struct x86_insn *insn,
		      const struct x86_regs *regs, u64 *ea)
{
	u64 addr = (u64)insn->disp;

	if (!(insn->flags & X86_INSN_MEM))
		return -EINVAL;
	if (insn->base == X86_REG_RIP)
		addr += x86_next_rip(insn, regs);
	else if (insn->base != X86_REG_NONE)
		addr += regs->gpr[insn->base];
	if (insn->index != X86_REG_NONE)
		addr += regs->gpr[insn->index] * insn->scale;
	*ea = addr & x86_size_mask(insn->addrsize);
	return 0;
}

enum x86_seg x86_insn_seg(const struct x86_insn *insn)
{
	if (insn->prefixes & X86_PFX_SEG)
		return insn->seg;
	if (insn->base == X86_RSP || insn->base == X86_RBP)
		return X86_SEG_SS;
	return X86_SEG_DS;
}

u64 x86_seg_base(const struct x86_regs *regs, enum x86_cpu_mode mode,
		 enum x86_seg seg)
{
	if (seg == X86_SEG_FS)
		return regs->fs_base;
	if (seg == X86_SEG_GS)
		return regs->gs_base;
	if (mode == X86_MODE_64 || seg > X86_SEG_DS)
		return 0;
	return regs->legacy_base[seg];
}

int x86_insn_linear_addr(const struct x86_insn *insn,
			 const struct x86_regs *regs, u64 *la)
{
	u64 ea;
	int err;

	err = x86_insn_mem_addr(insn, regs, &ea);
	if (err)
		return err;
	ea += x86_seg_base(regs, insn->mode, x86_insn_seg(insn));
	*la = insn->mode == X86_MODE_64 ? ea : (u32)ea;
	return 0;
}

u64 x86_next_rip(const struct x86_insn *insn, const struct x86_regs *regs)
{
	u64 rip = regs->rip + insn->len;

	if (insn->mode == X86_MODE_64)
		return rip;
	return insn->mode == X86_MODE_32 ? (u32)rip : (u16)rip;
}
