/*
 * x86 instruction decoder: length and operands of one instruction.
 *
 * The exit handlers need this because QEMU's emulated AMD-V gives neither
 * decode assist nor next-RIP: to skip an intercepted instruction or to
 * emulate an MMIO access the hypervisor must decode the bytes at the guest
 * RIP itself.  The decoder is table driven (Intel SDM Vol. 2D Appendix A,
 * AMD APM Vol. 3 Appendix A) and knows every opcode map a kernel or firmware
 * uses: one-byte, 0F, 0F38, 0F3A, 3DNow!, VEX, EVEX and XOP.
 *
 * x86_decode() returns 0; -EINVAL for an encoding that is #UD whatever the
 * CPU model (an opcode invalid in the mode, a bad group /digit, a VEX after
 * 66/F2/F3/REX/LOCK, an unknown VEX/EVEX/XOP map) or an instruction longer
 * than 15 bytes (#GP); or -E2BIG when `avail` ends before the instruction
 * does.  It does not check CPUID features, LOCK legality, or which 0F38 /
 * 0F3A / VEX opcodes exist: those decode with their map's ModRM and
 * immediate layout.
 */
#ifndef TV_X86_DECODE_H
#define TV_X86_DECODE_H

#include <tv/env.h>

#define X86_MAX_INSN_LEN	15

enum x86_cpu_mode {
	X86_MODE_16,		/* real, virtual-8086, 16-bit protected */
	X86_MODE_32,		/* 32-bit protected, 32-bit compatibility */
	X86_MODE_64,		/* 64-bit long mode */
};

/* General-purpose register numbers, as in ModRM/REX (SDM Vol. 2A 2.1.5). */
enum x86_gpr {
	X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
	X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
};
#define X86_REG_NONE	(-1)	/* no base / no index */
#define X86_REG_RIP	16	/* base of a RIP-relative operand */

/* Segment registers in their encoding order (SDM Vol. 2A 3.1.1.3 Sreg). */
enum x86_seg {
	X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS,
};

/* insn->prefixes */
#define X86_PFX_LOCK		BIT(0)	/* F0 */
#define X86_PFX_REP		BIT(1)	/* F3, the last of F2/F3 wins */
#define X86_PFX_REPNE		BIT(2)	/* F2 */
#define X86_PFX_OPSIZE		BIT(3)	/* 66 */
#define X86_PFX_ADDRSIZE	BIT(4)	/* 67 */
#define X86_PFX_SEG		BIT(5)	/* insn->seg holds the last override */
#define X86_PFX_REX		BIT(6)	/* insn->rex holds the REX byte */
#define X86_PFX_VEX		BIT(7)	/* C4/C5 */
#define X86_PFX_EVEX		BIT(8)	/* 62 */
#define X86_PFX_XOP		BIT(9)	/* 8F with map >= 8 (AMD) */

/* REX bits (SDM Vol. 2A 2.2.1) */
#define X86_REX_B		BIT(0)
#define X86_REX_X		BIT(1)
#define X86_REX_R		BIT(2)
#define X86_REX_W		BIT(3)

enum x86_map {
	X86_MAP_1BYTE,
	X86_MAP_0F,
	X86_MAP_0F38,
	X86_MAP_0F3A,
	X86_MAP_3DNOW,		/* 0F 0F: opcode is the trailing imm8 */
	X86_MAP_EVEX5,		/* EVEX maps 5 and 6 (AVX512-FP16) */
	X86_MAP_EVEX6,
	X86_MAP_XOP8,
	X86_MAP_XOP9,
	X86_MAP_XOPA,
};

/* insn->flags */
#define X86_INSN_MODRM		BIT(0)	/* modrm/mod/reg/rm valid */
#define X86_INSN_SIB		BIT(1)	/* sib valid */
#define X86_INSN_MEM		BIT(2)	/* has a memory operand: base/index/disp */
#define X86_INSN_MOFFS		BIT(3)	/* A0-A3: disp is the absolute offset */

struct x86_insn {
	u8 len;			/* total length in bytes, 1..15 */
	u8 mode;		/* enum x86_cpu_mode decoded in */
	u8 opsize;		/* operand-size attribute: 2, 4 or 8 */
	u8 addrsize;		/* address-size attribute: 2, 4 or 8 */
	u16 prefixes;		/* X86_PFX_* */
	u16 flags;		/* X86_INSN_* */
	u8 seg;			/* enum x86_seg, with X86_PFX_SEG */
	u8 rex;			/* the REX byte with X86_PFX_REX, else 0 */
	u8 map;			/* enum x86_map */
	u8 opcode;		/* the opcode byte within its map */
	u8 modrm;		/* raw ModRM byte */
	u8 mod;			/* ModRM.mod; 3 for MOV CR/DR, which ignore it */
	u8 reg;			/* ModRM.reg with REX.R (or VEX/EVEX R) */
	u8 rm;			/* ModRM.rm with REX.B */
	u8 sib;			/* raw SIB byte */
	s8 base;		/* memory base: enum x86_gpr, X86_REG_RIP/NONE */
	s8 index;		/* memory index: enum x86_gpr or X86_REG_NONE */
	u8 scale;		/* 1, 2, 4 or 8 */
	u8 disp_size;		/* displacement bytes: 0, 1, 2, 4 (8: moffs) */
	u8 imm_size;		/* bytes of the first immediate */
	u8 imm2_size;		/* ENTER's level, a far pointer's selector */
	u8 vex_vvvv;		/* VEX/EVEX/XOP register specifier (decoded) */
	u8 vex_l;		/* vector length: 0=128 1=256 2=512 */
	u8 vex_pp;		/* implied prefix: 0 none, 1 66, 2 F3, 3 F2 */
	u8 vex_w;		/* VEX.W */
	s64 disp;		/* sign-extended; moffs zero-extended */
	u64 imm;		/* sign-extended from imm_size bytes */
	u64 imm2;		/* zero-extended */
};

int x86_decode(const u8 *bytes, size_t avail, enum x86_cpu_mode mode,
	       struct x86_insn *out);

/* ModRM.reg without REX.R: the /digit of group opcodes. */
static inline unsigned x86_modrm_digit(const struct x86_insn *insn)
{
	return (insn->modrm >> 3) & 7;
}

#endif
