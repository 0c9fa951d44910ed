/*
 * MOVS, STOS and LODS against MMIO, and x86_skip_write().
 *
 * A string instruction walks RSI (source, DS or an override) and/or RDI
 * (destination, always ES) by the element size, down when RFLAGS.DF is
 * set, with the pointers and RCX wrapped to the address size (SDM Vol. 1
 * 7.3.9, Vol. 2B MOVS/STOS/LODS, REP).  One operand is the faulting MMIO
 * access; the other (for MOVS) is ordinary guest memory reached through
 * mem_read/mem_write by linear address, unless it too lies in the
 * faulting page.
 *
 * A REP instruction is done in slices: at most X86_EMU_MAX_ELEMS elements
 * and never past the MMIO page, because the next page may not be MMIO at
 * all.  After each element the registers are updated exactly as the CPU
 * would, so when a slice ends with RCX still non-zero, or a callback fails
 * part-way, RIP stays on the instruction and resuming the guest carries
 * on from the next element, faulting again on the next MMIO page.
 *
 * REPNE acts as REP for these instructions; CMPS and SCAS are not
 * emulated (-ENOTSUP): drivers do not compare device memory.
 */
#include <tv/env.h>
#include <tv/x86_decode.h>
#include <tv/x86_emulate.h>
#include "alu.h"
#include "emu.h"

#define PAGE_4K		4096ULL

struct side {
	bool used;
	bool mmio;
	unsigned reg;		/* X86_RSI or X86_RDI */
	enum x86_seg seg;
	u64 gpa;		/* the current element, when mmio */
};

struct str {
	const struct x86_insn *insn;
	struct x86_regs *regs;
	unsigned size;		/* element size */
	s64 step;		/* +size, or -size with DF */
	u64 amask;		/* address-size mask for RSI, RDI, RCX */
	bool rep;
	struct side src, dst;
};

static void str_init(struct str *s, const struct x86_insn *insn,
		     struct x86_regs *regs)
{
	u8 base_op = insn->opcode & ~1;

	memset(s, 0, sizeof(*s));
	s->insn = insn;
	s->regs = regs;
	s->size = insn->opcode & 1 ? insn->opsize : 1;
	s->step = regs->rflags & X86_FLAGS_DF ? -(s64)s->size : s->size;
	s->amask = x86_size_mask(insn->addrsize);
	s->rep = insn->prefixes & (X86_PFX_REP | X86_PFX_REPNE);
	s->src.used = base_op == 0xa4 || base_op == 0xac;
	s->src.reg = X86_RSI;
	s->src.seg = insn->prefixes & X86_PFX_SEG ? insn->seg : X86_SEG_DS;
	s->dst.used = base_op == 0xa4 || base_op == 0xaa;
	s->dst.reg = X86_RDI;
	s->dst.seg = X86_SEG_ES;
}

static u64 rcx(const struct str *s)
{
	return s->regs->gpr[X86_RCX] & s->amask;
}

static u64 side_la(const struct str *s, const struct side *sd)
{
	u64 la = x86_seg_base(s->regs, s->insn->mode, sd->seg) +
		 (s->regs->gpr[sd->reg] & s->amask);

	return s->insn->mode == X86_MODE_64 ? la : (u32)la;
}

/* Elements from gpa to the end (or, going down, the start) of its page. */
static u64 elems_in_page(u64 gpa, unsigned size, s64 step)
{
	u64 off = gpa & (PAGE_4K - 1);
	u64 n = step < 0 ? off / size + 1 : (PAGE_4K - off) / size;

	return n ? n : 1;
}

static bool same_page(u64 a, u64 b)
{
	return (a ^ b) < PAGE_4K;
}

/*
 * Which MOVS operands are in the faulting page.  The translation hook
 * answers exactly; page offsets are the fallback, ambiguous when equal.
 */
static int movs_find_mmio(struct str *s, struct emu *e)
{
	u64 src_la = side_la(s, &s->src), dst_la = side_la(s, &s->dst);
	u64 g;

	if (e->ops->gva_to_gpa) {
		if (!e->ops->gva_to_gpa(e->ctx, src_la, false, &g) &&
		    same_page(g, e->gpa)) {
			s->src.mmio = true;
			s->src.gpa = g;
		}
		if (!e->ops->gva_to_gpa(e->ctx, dst_la, true, &g) &&
		    same_page(g, e->gpa)) {
			s->dst.mmio = true;
			s->dst.gpa = g;
		}
	} else {
		s->src.mmio = !((src_la ^ e->gpa) & (PAGE_4K - 1));
		s->dst.mmio = !((dst_la ^ e->gpa) & (PAGE_4K - 1));
		if (s->src.mmio && s->dst.mmio)
			return -ENOTSUP;
		s->src.gpa = e->gpa;
		s->dst.gpa = e->gpa;
	}
	return s->src.mmio || s->dst.mmio ? 0 : -EINVAL;
}

static int side_read(struct str *s, struct emu *e, struct side *sd, u64 *v)
{
	int err;

	*v = 0;
	if (!sd->mmio)
		return e->ops->mem_read(e->ctx, side_la(s, sd), v, s->size);
	err = e->ops->mmio_read(e->ctx, sd->gpa, s->size, v);
	*v &= x86_size_mask(s->size);
	return err;
}

static int side_write(struct str *s, struct emu *e, struct side *sd, u64 v)
{
	if (!sd->mmio)
		return e->ops->mem_write(e->ctx, side_la(s, sd), &v, s->size);
	return e->ops->mmio_write(e->ctx, sd->gpa, s->size, v);
}

static int str_element(struct str *s, struct emu *e)
{
	u64 v;
	int err;

	switch (s->insn->opcode & ~1) {
	case 0xa4:
		err = side_read(s, e, &s->src, &v);
		return err ? err : side_write(s, e, &s->dst, v);
	case 0xaa:
		v = x86_reg_get(s->regs, X86_RAX, s->size, true);
		return side_write(s, e, &s->dst, v);
	default:
		err = side_read(s, e, &s->src, &v);
		if (!err)
			x86_reg_set(s->regs, X86_RAX, s->size, true, v);
		return err;
	}
}

/* Step the used pointers (and MMIO addresses) by n elements. */
static void str_advance(struct str *s, u64 n)
{
	s64 delta = s->step * (s64)n;
	unsigned asize = s->insn->addrsize;
	struct side *sides[2] = { &s->src, &s->dst };
	unsigned i;

	for (i = 0; i < 2; i++) {
		if (!sides[i]->used)
			continue;
		x86_reg_set(s->regs, sides[i]->reg, asize, true,
			    s->regs->gpr[sides[i]->reg] + delta);
		sides[i]->gpa += delta;
	}
	if (s->rep)
		x86_reg_set(s->regs, X86_RCX, asize, true,
			    s->regs->gpr[X86_RCX] - n);
}

static u64 str_slice(const struct str *s)
{
	u64 n = X86_EMU_MAX_ELEMS;

	if (s->src.mmio)
		n = MIN(n, elems_in_page(s->src.gpa, s->size, s->step));
	if (s->dst.mmio)
		n = MIN(n, elems_in_page(s->dst.gpa, s->size, s->step));
	return s->rep ? MIN(n, rcx(s)) : 1;
}

int x86_emu_string(struct emu *e)
{
	struct str s;
	u64 i, n;
	int err;

	str_init(&s, e->insn, e->regs);
	if ((e->insn->opcode & ~1) == 0xac) {
		s.src.mmio = true;
		s.src.gpa = e->gpa;
	} else if (s.src.used) {
		err = movs_find_mmio(&s, e);
		if (err)
			return err;
	} else {
		s.dst.mmio = true;
		s.dst.gpa = e->gpa;
	}
	if (s.rep && !rcx(&s))
		return X86_EMU_DONE;
	n = str_slice(&s);
	for (i = 0; i < n; i++) {
		err = str_element(&s, e);
		if (err)
			return err;
		str_advance(&s, 1);
	}
	return s.rep && rcx(&s) ? X86_EMU_RESTART : X86_EMU_DONE;
}

int x86_skip_write(const struct x86_insn *insn, struct x86_regs *regs,
		   u64 fault_gpa)
{
	struct str s;
	u64 n;

	if (x86_is_string_op(insn) && (insn->opcode & ~1) != 0xac) {
		str_init(&s, insn, regs);
		if (s.rep && !rcx(&s))
			goto done;
		n = elems_in_page(fault_gpa, s.size, s.step);
		str_advance(&s, s.rep ? MIN(n, rcx(&s)) : 1);
		if (s.rep && rcx(&s))
			return X86_EMU_RESTART;
	}
done:
	regs->rip = x86_next_rip(insn, regs);
	return X86_EMU_DONE;
}
