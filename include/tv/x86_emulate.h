/*
 * MMIO instruction emulation on top of the decoder.
 *
 * When a guest access hits a nested-page-fault-protected page (an emulated
 * device, or the hypervisor's hidden region), the exit handler decodes the
 * instruction at RIP and calls x86_emulate_mmio() to perform its memory
 * operand through device callbacks, update registers and flags, and step
 * RIP; or x86_skip_write() to make a write vanish.
 *
 * `fault_gpa` is the guest-physical address the faulting access started at
 * (EXITINFO2 on AMD, the guest-physical-address field on Intel): the
 * emulator uses it as the address of the memory operand, and, for string
 * instructions, of the current element on the MMIO side.  An access that
 * crosses into the next page is performed at fault_gpa as one access.
 *
 * Return values: X86_EMU_DONE (RIP advanced) or X86_EMU_RESTART (a REP
 * string instruction did part of its work: RCX/RSI/RDI were updated, RIP
 * still points at it, and resuming the guest continues it), or -errno:
 * -ENOTSUP for an instruction the emulator does not handle (inject #UD or
 * fail the guest), a callback's own error (such as -EFAULT with a #PF
 * recorded in ctx) which leaves RIP unchanged, and registers reflecting
 * the string elements already completed, as the CPU would.
 */
#ifndef TV_X86_EMULATE_H
#define TV_X86_EMULATE_H

#include <tv/env.h>
#include <tv/x86_decode.h>

/* RFLAGS bits, SDM Vol. 1 3.4.3 */
#define X86_FLAGS_CF	BIT(0)
#define X86_FLAGS_PF	BIT(2)
#define X86_FLAGS_AF	BIT(4)
#define X86_FLAGS_ZF	BIT(6)
#define X86_FLAGS_SF	BIT(7)
#define X86_FLAGS_TF	BIT(8)
#define X86_FLAGS_IF	BIT(9)
#define X86_FLAGS_DF	BIT(10)
#define X86_FLAGS_OF	BIT(11)
#define X86_FLAGS_AC	BIT(18)
#define X86_FLAGS_ARITH	(X86_FLAGS_CF | X86_FLAGS_PF | X86_FLAGS_AF | \
			 X86_FLAGS_ZF | X86_FLAGS_SF | X86_FLAGS_OF)

/* Guest register state the emulator reads and writes. */
struct x86_regs {
	u64 gpr[16];		/* enum x86_gpr order: RAX RCX RDX RBX ... */
	u64 rip;
	u64 rflags;
	u64 fs_base;		/* FS/GS bases, in every mode */
	u64 gs_base;
	u64 legacy_base[4];	/* ES CS SS DS bases, ignored in 64-bit mode */
};

#define X86_EMU_DONE		0
#define X86_EMU_RESTART		1

/* Upper bound on string elements emulated per call (also page bounded). */
#define X86_EMU_MAX_ELEMS	256

struct x86_emu_ops {
	/* Device access of 1, 2, 4 or 8 bytes, value little-endian in *val */
	int (*mmio_read)(void *ctx, u64 gpa, unsigned size, u64 *val);
	int (*mmio_write)(void *ctx, u64 gpa, unsigned size, u64 val);
	/*
	 * Ordinary guest memory by linear address, for the RAM side of
	 * MOVS.  May fail with -EFAULT after recording a #PF to inject.
	 */
	int (*mem_read)(void *ctx, u64 gva, void *buf, unsigned size);
	int (*mem_write)(void *ctx, u64 gva, const void *buf, unsigned size);
	/*
	 * Optional: translate a linear address.  MOVS uses it to tell which
	 * operand faulted (and both, if both are MMIO); without it the page
	 * offsets of RSI and RDI are compared with fault_gpa's, and -ENOTSUP
	 * is returned when they cannot tell.
	 */
	int (*gva_to_gpa)(void *ctx, u64 gva, bool write, u64 *gpa);
};

/*
 * Register access by encoding number and size (1, 2, 4, 8).  Without a
 * REX prefix, byte registers 4-7 are AH CH DH BH (SDM Vol. 1 3.4.1.1).
 * Writes of 4 bytes zero-extend to 64 bits; 1 and 2 bytes merge.
 */
u64 x86_reg_get(const struct x86_regs *regs, unsigned reg, unsigned size,
		bool rex);
void x86_reg_set(struct x86_regs *regs, unsigned reg, unsigned size,
		 bool rex, u64 val);

/* Effective address (no segment base), wrapped to the address size. */
int x86_insn_mem_addr(const struct x86_insn *insn,
		      const struct x86_regs *regs, u64 *ea);
/* Segment of the memory operand: the override, else SS for rBP/rSP, DS. */
enum x86_seg x86_insn_seg(const struct x86_insn *insn);
/* Base of seg: only FS and GS count in 64-bit mode (SDM Vol. 1 3.3.7.1). */
u64 x86_seg_base(const struct x86_regs *regs, enum x86_cpu_mode mode,
		 enum x86_seg seg);
/* Effective address plus segment base; 32-bit wrap outside 64-bit mode. */
int x86_insn_linear_addr(const struct x86_insn *insn,
			 const struct x86_regs *regs, u64 *la);

/* RIP after the instruction, wrapped to the mode's IP width. */
u64 x86_next_rip(const struct x86_insn *insn, const struct x86_regs *regs);

int x86_emulate_mmio(const struct x86_insn *insn, struct x86_regs *regs,
		     u64 fault_gpa, const struct x86_emu_ops *ops, void *ctx);

/*
 * Discard the write at fault_gpa.  MOVS/STOS skip the elements that fall
 * in fault_gpa's 4 KiB page (at least one; all remaining RCX at most),
 * updating RDI (RSI) and RCX for DF and the address size, and return
 * X86_EMU_RESTART while RCX is non-zero.  Anything else just steps RIP.
 */
int x86_skip_write(const struct x86_insn *insn, struct x86_regs *regs,
		   u64 fault_gpa);

#endif
