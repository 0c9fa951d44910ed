/*
 * x86 instruction decoder.
 *
 * The hypervisor decodes the instruction at the guest RIP to learn its
 * length (QEMU's AMD-V gives no next-RIP) and, for MMIO emulation, its
 * operands.  An instruction is (SDM Vol. 2A 2.1, APM Vol. 3 1.1):
 *
 *   [legacy prefixes][REX] opcode [ModRM [SIB] [disp]] [imm]
 *   [legacy prefixes] C4/C5/62/8F payload opcode ModRM [SIB] [disp] [imm]
 *
 * The length is fixed by the prefixes, the opcode map and the opcode's
 * attributes in the tables below (whether a ModRM follows, the immediate
 * kind), with a few group opcodes whose immediate depends on ModRM.reg.
 * Operand and address size come from the mode, 66/67 and REX.W; in 64-bit
 * mode stack and near-branch opcodes default to 64-bit operands (SDM Vol. 1
 * 3.6.1, Vol. 2A 2.2.1.7).  66 on near branches in 64-bit mode selects a
 * 16-bit displacement as on AMD (APM Vol. 3 1.2.7) and in objdump; Intel
 * ignores it, but no compiler emits that form.
 *
 * The decoder never reads past `avail` or past the 15-byte limit, and it
 * validates what changes the length or is #UD regardless of CPU features:
 * it does not check that the CPU implements an SSE/AVX opcode.
 */
#include <tv/env.h>
#include <tv/x86_decode.h>

/* Opcode attributes: bit 0 ModRM, bits 3:1 immediate kind, then flags. */
#define M	0x01		/* ModRM follows */
#define I8	(1 << 1)	/* imm8 */
#define I16	(2 << 1)	/* imm16 */
#define IZ	(3 << 1)	/* imm16 or imm32 by operand size */
#define IV	(4 << 1)	/* imm16/32/64 by operand size (B8+r) */
#define IW8	(5 << 1)	/* imm16 then imm8 (ENTER) */
#define MO	(6 << 1)	/* moffs, address-size wide (A0-A3) */
#define AP	(7 << 1)	/* far pointer: offset then selector */
#define IMM_MASK (7 << 1)
#define I64	0x10		/* #UD in 64-bit mode */
#define D64	0x20		/* 64-bit default operand size in 64-bit mode */
#define BAD	0x40		/* #UD everywhere */
#define MI8	(M | I8)
#define MIZ	(M | IZ)
#define J8	(I8 | D64)	/* near branches, PUSH imm */
#define JZ	(IZ | D64)

/*
 * One-byte map, SDM Vol. 2D Table A-2.  Prefixes (and 40-4F in 64-bit
 * mode), 0F and the VEX/EVEX/XOP escapes are consumed before this lookup.
 */
static const u8 map1[256] = {
/* 00 */	M, M, M, M, I8, IZ, I64, I64,
/* 08 */	M, M, M, M, I8, IZ, I64, 0,
/* 10 */	M, M, M, M, I8, IZ, I64, I64,
/* 18 */	M, M, M, M, I8, IZ, I64, I64,
/* 20 */	M, M, M, M, I8, IZ, 0, I64,
/* 28 */	M, M, M, M, I8, IZ, 0, I64,
/* 30 */	M, M, M, M, I8, IZ, 0, I64,
/* 38 */	M, M, M, M, I8, IZ, 0, I64,
/* 40 */	0, 0, 0, 0, 0, 0, 0, 0,
/* 48 */	0, 0, 0, 0, 0, 0, 0, 0,
/* 50 */	D64, D64, D64, D64, D64, D64, D64, D64,
/* 58 */	D64, D64, D64, D64, D64, D64, D64, D64,
/* 60 */	I64, I64, M|I64, M, 0, 0, 0, 0,
/* 68 */	JZ, MIZ, J8, MI8, 0, 0, 0, 0,
/* 70 */	J8, J8, J8, J8, J8, J8, J8, J8,
/* 78 */	J8, J8, J8, J8, J8, J8, J8, J8,
/* 80 */	MI8, MIZ, MI8|I64, MI8, M, M, M, M,
/* 88 */	M, M, M, M, M, M, M, M|D64,
/* 90 */	0, 0, 0, 0, 0, 0, 0, 0,
/* 98 */	0, 0, AP|I64, 0, D64, D64, 0, 0,
/* a0 */	MO, MO, MO, MO, 0, 0, 0, 0,
/* a8 */	I8, IZ, 0, 0, 0, 0, 0, 0,
/* b0 */	I8, I8, I8, I8, I8, I8, I8, I8,
/* b8 */	IV, IV, IV, IV, IV, IV, IV, IV,
/* c0 */	MI8, MI8, I16|D64, D64, M|I64, M|I64, MI8, MIZ,
/* c8 */	IW8|D64, D64, I16, 0, 0, I8, I64, 0,
/* d0 */	M, M, M, M, I8|I64, I8|I64, BAD, 0,
/* d8 */	M, M, M, M, M, M, M, M,
/* e0 */	J8, J8, J8, J8, I8, I8, I8, I8,
/* e8 */	JZ, JZ, AP|I64, J8, 0, 0, 0, 0,
/* f0 */	0, 0, 0, 0, 0, 0, M, M,
/* f8 */	0, 0, 0, 0, 0, 0, M, M,
};

/* Two-byte map (0F xx), SDM Vol. 2D Table A-3. 0F 38 / 0F 3A escape. */
static const u8 map0f[256] = {
/* 00 */	M, M, M, M, BAD, 0, 0, 0,
/* 08 */	0, 0, BAD, 0, BAD, M, 0, MI8,
/* 10 */	M, M, M, M, M, M, M, M,
/* 18 */	M, M, M, M, M, M, M, M,
/* 20 */	M, M, M, M, BAD, BAD, BAD, BAD,
/* 28 */	M, M, M, M, M, M, M, M,
/* 30 */	0, 0, 0, 0, 0, 0, BAD, 0,
/* 38 */	0, BAD, 0, BAD, BAD, BAD, BAD, BAD,
/* 40 */	M, M, M, M, M, M, M, M,
/* 48 */	M, M, M, M, M, M, M, M,
/* 50 */	M, M, M, M, M, M, M, M,
/* 58 */	M, M, M, M, M, M, M, M,
/* 60 */	M, M, M, M, M, M, M, M,
/* 68 */	M, M, M, M, M, M, M, M,
/* 70 */	MI8, MI8, MI8, MI8, M, M, M, 0,
/* 78 */	M, M, BAD, BAD, M, M, M, M,
/* 80 */	JZ, JZ, JZ, JZ, JZ, JZ, JZ, JZ,
/* 88 */	JZ, JZ, JZ, JZ, JZ, JZ, JZ, JZ,
/* 90 */	M, M, M, M, M, M, M, M,
/* 98 */	M, M, M, M, M, M, M, M,
/* a0 */	D64, D64, 0, M, MI8, M, BAD, BAD,
/* a8 */	D64, D64, 0, M, MI8, M, M, M,
/* b0 */	M, M, M, M, M, M, M, M,
/* b8 */	M, M, MI8, M, M, M, M, M,
/* c0 */	M, M, MI8, M, MI8, MI8, MI8, M,
/* c8 */	0, 0, 0, 0, 0, 0, 0, 0,
/* d0 */	M, M, M, M, M, M, M, M,
/* d8 */	M, M, M, M, M, M, M, M,
/* e0 */	M, M, M, M, M, M, M, M,
/* e8 */	M, M, M, M, M, M, M, M,
/* f0 */	M, M, M, M, M, M, M, M,
/* f8 */	M, M, M, M, M, M, M, M,
};

/*
 * Byte cursor.  `ext` holds the REX-equivalent W/R/X/B bits from REX,
 * VEX, EVEX or XOP; `ext_r2` is EVEX.R', the fifth bit of ModRM.reg.
 */
struct decoder {
	const u8 *bytes;
	size_t avail;
	unsigned pos;
	u8 ext;
	u8 ext_r2;
	struct x86_insn *insn;
};

static int next_byte(struct decoder *d, u8 *b)
{
	if (d->pos >= X86_MAX_INSN_LEN)
		return -EINVAL;
	if (d->pos >= d->avail)
		return -E2BIG;
	*b = d->bytes[d->pos++];
	return 0;
}

/* The next byte without consuming it, for the VEX/LES-style ambiguities. */
static int peek_byte(struct decoder *d, u8 *b)
{
	int err = next_byte(d, b);

	if (!err)
		d->pos--;
	return err;
}

static u64 sign_extend(u64 v, unsigned bytes)
{
	unsigned shift = 64 - 8 * bytes;

	return bytes >= 8 ? v : (u64)((s64)(v << shift) >> shift);
}

/* Little-endian field of `n` bytes (1..8). */
static int next_le(struct decoder *d, unsigned n, u64 *v)
{
	u64 val = 0;
	unsigned i;
	u8 b;
	int err;

	for (i = 0; i < n; i++) {
		err = next_byte(d, &b);
		if (err)
			return err;
		val |= (u64)b << (8 * i);
	}
	*v = val;
	return 0;
}

/*
 * Legacy prefixes (SDM Vol. 2A 2.1.1) and REX.  A REX counts only when it
 * immediately precedes the opcode (2.2.1); one followed by a legacy prefix
 * is ignored.  Returns the first non-prefix byte in *op.
 */
static int decode_prefixes(struct decoder *d, u8 *op)
{
	struct x86_insn *insn = d->insn;
	u8 b;
	int err;

	for (;;) {
		err = next_byte(d, &b);
		if (err)
			return err;
		if (insn->mode == X86_MODE_64 && (b & 0xf0) == 0x40) {
			insn->rex = b;
			continue;
		}
		switch (b) {
		case 0xf0:
			insn->prefixes |= X86_PFX_LOCK;
			break;
		case 0xf2:
			insn->prefixes &= ~X86_PFX_REP;
			insn->prefixes |= X86_PFX_REPNE;
			break;
		case 0xf3:
			insn->prefixes &= ~X86_PFX_REPNE;
			insn->prefixes |= X86_PFX_REP;
			break;
		case 0x66:
			insn->prefixes |= X86_PFX_OPSIZE;
			break;
		case 0x67:
			insn->prefixes |= X86_PFX_ADDRSIZE;
			break;
		case 0x26: case 0x2e: case 0x36: case 0x3e:
			insn->prefixes |= X86_PFX_SEG;
			insn->seg = (b >> 3) & 3;
			break;
		case 0x64: case 0x65:
			insn->prefixes |= X86_PFX_SEG;
			insn->seg = X86_SEG_FS + (b & 1);
			break;
		default:
			*op = b;
			if (insn->rex) {
				insn->prefixes |= X86_PFX_REX;
				d->ext = insn->rex & 0xf;
			}
			return 0;
		}
		insn->rex = 0;
	}
}

/* Operand and address size, SDM Vol. 1 3.6 and Vol. 2A 2.2.1.2. */
static void set_sizes(struct decoder *d, bool d64)
{
	struct x86_insn *insn = d->insn;
	bool p66 = insn->prefixes & X86_PFX_OPSIZE;
	bool p67 = insn->prefixes & X86_PFX_ADDRSIZE;

	switch (insn->mode) {
	case X86_MODE_16:
		insn->opsize = p66 ? 4 : 2;
		insn->addrsize = p67 ? 4 : 2;
		break;
	case X86_MODE_32:
		insn->opsize = p66 ? 2 : 4;
		insn->addrsize = p67 ? 2 : 4;
		break;
	default:
		insn->addrsize = p67 ? 4 : 8;
		if (d->ext & X86_REX_W)
			insn->opsize = 8;
		else if (p66)
			insn->opsize = 2;
		else
			insn->opsize = d64 ? 8 : 4;
		break;
	}
}

/* 16-bit ModRM forms, SDM Vol. 2A Table 2-1. */
static int decode_mem16(struct decoder *d)
{
	static const s8 base16[8] = {
		X86_RBX, X86_RBX, X86_RBP, X86_RBP,
		X86_RSI, X86_RDI, X86_RBP, X86_RBX,
	};
	static const s8 index16[8] = {
		X86_RSI, X86_RDI, X86_RSI, X86_RDI,
		X86_REG_NONE, X86_REG_NONE, X86_REG_NONE, X86_REG_NONE,
	};
	struct x86_insn *insn = d->insn;
	unsigned rm = insn->modrm & 7;

	insn->base = base16[rm];
	insn->index = index16[rm];
	if (insn->mod == 0 && rm == 6) {
		insn->base = X86_REG_NONE;
		insn->disp_size = 2;
	} else if (insn->mod == 1) {
		insn->disp_size = 1;
	} else if (insn->mod == 2) {
		insn->disp_size = 2;
	}
	return 0;
}

/*
 * 32/64-bit ModRM and SIB forms, SDM Vol. 2A Tables 2-2, 2-3 and 2.2.1.6.
 * rm=100 and base=101 are tested before REX.B: r12 still needs a SIB and
 * r13 with mod=00 is still disp32 (RIP-relative in 64-bit mode).
 */
static int decode_mem32(struct decoder *d)
{
	struct x86_insn *insn = d->insn;
	unsigned rm3 = insn->modrm & 7;
	unsigned idx;
	int err;

	insn->base = insn->rm;
	if (rm3 == 4) {
		err = next_byte(d, &insn->sib);
		if (err)
			return err;
		insn->flags |= X86_INSN_SIB;
		insn->scale = 1 << (insn->sib >> 6);
		idx = ((insn->sib >> 3) & 7) | (d->ext & X86_REX_X ? 8 : 0);
		insn->index = idx == X86_RSP ? X86_REG_NONE : (s8)idx;
		insn->base = (insn->sib & 7) | (d->ext & X86_REX_B ? 8 : 0);
		if ((insn->sib & 7) == 5 && insn->mod == 0) {
			insn->base = X86_REG_NONE;
			insn->disp_size = 4;
		}
	} else if (rm3 == 5 && insn->mod == 0) {
		insn->base = insn->mode == X86_MODE_64 ? X86_REG_RIP
						       : X86_REG_NONE;
		insn->disp_size = 4;
	}
	if (insn->mod == 1)
		insn->disp_size = 1;
	else if (insn->mod == 2)
		insn->disp_size = 4;
	return 0;
}

/* ModRM, SIB and displacement.  MOV CR/DR ignore mod (SDM Vol. 2B MOV). */
static int decode_modrm(struct decoder *d, bool reg_only)
{
	struct x86_insn *insn = d->insn;
	u64 disp = 0;
	int err;

	err = next_byte(d, &insn->modrm);
	if (err)
		return err;
	insn->flags |= X86_INSN_MODRM;
	insn->mod = reg_only ? 3 : insn->modrm >> 6;
	insn->reg = ((insn->modrm >> 3) & 7) | (d->ext & X86_REX_R ? 8 : 0) |
		    d->ext_r2;
	insn->rm = (insn->modrm & 7) | (d->ext & X86_REX_B ? 8 : 0);
	if (insn->mod == 3)
		return 0;
	insn->flags |= X86_INSN_MEM;
	insn->scale = 1;
	insn->index = X86_REG_NONE;
	err = insn->addrsize == 2 ? decode_mem16(d) : decode_mem32(d);
	if (err || !insn->disp_size)
		return err;
	err = next_le(d, insn->disp_size, &disp);
	insn->disp = (s64)sign_extend(disp, insn->disp_size);
	return err;
}

/* Immediates of the kind in attr, SDM Vol. 2D A.2.2 operand codes. */
static int decode_imm(struct decoder *d, u8 attr)
{
	struct x86_insn *insn = d->insn;
	u64 v = 0;
	int err;

	switch (attr & IMM_MASK) {
	case I8:
		insn->imm_size = 1;
		break;
	case I16:
		insn->imm_size = 2;
		break;
	case IZ:
		insn->imm_size = insn->opsize == 2 ? 2 : 4;
		break;
	case IV:
		insn->imm_size = insn->opsize;
		break;
	case IW8:
		insn->imm_size = 2;
		insn->imm2_size = 1;
		break;
	case AP:
		insn->imm_size = insn->opsize == 2 ? 2 : 4;
		insn->imm2_size = 2;
		break;
	case MO:
		insn->flags |= X86_INSN_MEM | X86_INSN_MOFFS;
		insn->base = X86_REG_NONE;
		insn->index = X86_REG_NONE;
		insn->scale = 1;
		insn->disp_size = insn->addrsize;
		err = next_le(d, insn->disp_size, &v);
		insn->disp = (s64)v;
		return err;
	}
	if (insn->imm_size) {
		err = next_le(d, insn->imm_size, &v);
		if (err)
			return err;
		insn->imm = sign_extend(v, insn->imm_size);
	}
	if (insn->imm2_size)
		return next_le(d, insn->imm2_size, &insn->imm2);
	return 0;
}

/*
 * Opcodes whose immediate or validity depends on ModRM.reg or on a
 * mandatory prefix: adds to *attr the immediate they take, or -EINVAL.
 */
static int fixup_group(struct decoder *d, u8 *attr)
{
	struct x86_insn *insn = d->insn;
	unsigned digit = x86_modrm_digit(insn);
	u16 rep = insn->prefixes & (X86_PFX_REP | X86_PFX_REPNE);

	if (insn->map == X86_MAP_0F) {
		/* SSE4a EXTRQ/INSERTQ imm8, imm8 (APM Vol. 4). */
		if (insn->opcode == 0x78 && (insn->prefixes & X86_PFX_OPSIZE ||
					     rep == X86_PFX_REPNE)) {
			insn->imm2_size = 1;
			*attr |= I8;
		}
		if (insn->opcode == 0xb8 && rep != X86_PFX_REP)
			return -EINVAL;	/* JMPE: Itanium only */
		return 0;
	}
	if (insn->map != X86_MAP_1BYTE)
		return 0;
	switch (insn->opcode) {
	case 0xf6:
	case 0xf7:		/* Group 3: only TEST (/0, /1) has an imm */
		if (digit < 2)
			*attr |= insn->opcode == 0xf6 ? I8 : IZ;
		return 0;
	case 0xc6:
	case 0xc7:		/* Group 11: MOV, or XABORT/XBEGIN as F8 */
		return digit == 0 || insn->modrm == 0xf8 ? 0 : -EINVAL;
	case 0xfe:
		return digit < 2 ? 0 : -EINVAL;
	case 0xff:		/* Group 5: CALL/JMP/PUSH default to 64-bit */
		if (digit == 7)
			return -EINVAL;
		if (digit == 2 || digit == 4 || digit == 6)
			set_sizes(d, true);
		return 0;
	}
	return 0;
}

/* 0F 38 / 0F 3A / 0F 0F / 0F xx: pick the map and its attributes. */
static int decode_0f(struct decoder *d, u8 *attr)
{
	struct x86_insn *insn = d->insn;
	int err;

	err = next_byte(d, &insn->opcode);
	if (err)
		return err;
	insn->map = X86_MAP_0F;
	*attr = map0f[insn->opcode];
	if (insn->opcode == 0x38 || insn->opcode == 0x3a) {
		insn->map = insn->opcode == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
		*attr = insn->opcode == 0x38 ? M : MI8;
		return next_byte(d, &insn->opcode);
	}
	return 0;
}

/* VEX/EVEX map 0F opcodes with an imm8, SDM Vol. 2D Table A-3. */
static bool vex_0f_has_imm8(u8 op)
{
	return (op >= 0x70 && op <= 0x73) || op == 0xc2 ||
	       (op >= 0xc4 && op <= 0xc6);
}

/* Opcode, ModRM and immediate after a VEX, EVEX or XOP payload. */
static int vector_tail(struct decoder *d)
{
	struct x86_insn *insn = d->insn;
	bool modrm = true;
	unsigned imm = 0;
	u64 v = 0;
	int err;

	err = next_byte(d, &insn->opcode);
	if (err)
		return err;
	if (insn->map == X86_MAP_0F) {
		/* VZEROUPPER/VZEROALL are the only ModRM-less VEX forms */
		modrm = insn->opcode != 0x77 || insn->prefixes & X86_PFX_EVEX;
		imm = vex_0f_has_imm8(insn->opcode);
	} else if (insn->map == X86_MAP_0F3A || insn->map == X86_MAP_XOP8) {
		imm = 1;
	} else if (insn->map == X86_MAP_XOPA) {
		imm = 4;
	}
	set_sizes(d, false);
	if (modrm) {
		err = decode_modrm(d, false);
		if (err)
			return err;
	}
	if (!imm)
		return 0;
	insn->imm_size = imm;
	err = next_le(d, imm, &v);
	insn->imm = sign_extend(v, imm);
	return err;
}

/*
 * VEX (C4/C5, SDM Vol. 2A 2.3.5) and XOP (8F, APM Vol. 3 1.8) payloads:
 * C4/8F: [R X B m-mmmm] [W vvvv L pp];  C5: [R vvvv L pp] with map 0F.
 * R, X, B and vvvv are stored inverted.  Outside 64-bit mode R and X are
 * necessarily 1 (that is how VEX is told from LES/LDS) and B is ignored.
 */
static int decode_vex(struct decoder *d, u8 escape)
{
	static const u8 vex_maps[4] = {
		0xff, X86_MAP_0F, X86_MAP_0F38, X86_MAP_0F3A,
	};
	struct x86_insn *insn = d->insn;
	unsigned m;
	u8 b1, b2;
	int err;

	err = next_byte(d, &b1);
	if (!err && escape != 0xc5)
		err = next_byte(d, &b2);
	if (err)
		return err;
	if (escape == 0xc5) {
		b2 = b1 & 0x7f;			/* W = 0 */
		b1 = 0x61 | (b1 & 0x80);	/* X, B inverted-set; map 0F */
	}
	m = b1 & 0x1f;
	if (escape == 0x8f) {
		insn->prefixes |= X86_PFX_XOP;
		if (m < 8 || m > 10)
			return -EINVAL;
		insn->map = X86_MAP_XOP8 + m - 8;
	} else {
		insn->prefixes |= X86_PFX_VEX;
		if (m == 0 || m >= ARRAY_SIZE(vex_maps))
			return -EINVAL;
		insn->map = vex_maps[m];
	}
	d->ext = ((~b1 >> 5) & 7) | (b2 & 0x80 ? X86_REX_W : 0);
	insn->vex_w = b2 >> 7;
	insn->vex_vvvv = (~b2 >> 3) & 0xf;
	insn->vex_l = (b2 >> 2) & 1;
	insn->vex_pp = b2 & 3;
	if (insn->mode != X86_MODE_64) {
		d->ext &= X86_REX_W;
		insn->vex_vvvv &= 7;
	}
	return vector_tail(d);
}

/*
 * EVEX (62, SDM Vol. 2A 2.7.1): [R X B R' 0 m m m] [W vvvv 1 pp]
 * [z L'L b V' aaa].  R' and V' extend reg and vvvv to 32 registers.
 */
static int decode_evex(struct decoder *d)
{
	static const u8 evex_maps[8] = {
		0xff, X86_MAP_0F, X86_MAP_0F38, X86_MAP_0F3A,
		0xff, X86_MAP_EVEX5, X86_MAP_EVEX6, 0xff,
	};
	struct x86_insn *insn = d->insn;
	u8 p0, p1, p2;
	int err;

	err = next_byte(d, &p0);
	if (!err)
		err = next_byte(d, &p1);
	if (!err)
		err = next_byte(d, &p2);
	if (err)
		return err;
	insn->prefixes |= X86_PFX_EVEX;
	insn->map = evex_maps[p0 & 7];
	if (insn->map == 0xff || !(p1 & 0x04))
		return -EINVAL;
	d->ext = ((~p0 >> 5) & 7) | (p1 & 0x80 ? X86_REX_W : 0);
	d->ext_r2 = p0 & 0x10 ? 0 : 16;
	insn->vex_w = p1 >> 7;
	insn->vex_vvvv = ((~p1 >> 3) & 0xf) | (p2 & 0x08 ? 0 : 16);
	insn->vex_l = (p2 >> 5) & 3;
	insn->vex_pp = p1 & 3;
	if (insn->mode != X86_MODE_64) {
		d->ext &= X86_REX_W;
		d->ext_r2 = 0;
		insn->vex_vvvv &= 7;
	}
	return vector_tail(d);
}

/*
 * The one-byte escapes that are also instructions: C4/C5 (LES/LDS),
 * 62 (BOUND) and 8F (POP Ev).  Outside 64-bit mode VEX and EVEX are
 * recognised by ModRM.mod = 11 in the next byte, which the legacy forms
 * cannot use; XOP by ModRM.reg != 0 (SDM Vol. 2A 2.3.5, APM Vol. 3 1.8).
 */
static bool is_vector_escape(struct decoder *d, u8 op)
{
	u8 next;

	if (op != 0xc4 && op != 0xc5 && op != 0x62 && op != 0x8f)
		return false;
	if (peek_byte(d, &next))
		return op != 0x8f;	/* the payload fetch reports it */
	if (op == 0x8f)
		return (next & 0x38) != 0;
	return d->insn->mode == X86_MODE_64 || (next >> 6) == 3;
}

/* VEX, EVEX and XOP #UD after 66, F2, F3, LOCK or REX (SDM 2.3.2). */
static int decode_vector(struct decoder *d, u8 escape)
{
	if (d->insn->prefixes & (X86_PFX_LOCK | X86_PFX_REP | X86_PFX_REPNE |
				 X86_PFX_OPSIZE | X86_PFX_REX))
		return -EINVAL;
	return escape == 0x62 ? decode_evex(d) : decode_vex(d, escape);
}

/* Legacy-encoded instruction from its first opcode byte on. */
static int decode_legacy(struct decoder *d, u8 op)
{
	struct x86_insn *insn = d->insn;
	u8 attr = map1[op];
	int err;

	insn->opcode = op;
	if (op == 0x0f) {
		err = decode_0f(d, &attr);
		if (err)
			return err;
	}
	if (attr & BAD || (attr & I64 && insn->mode == X86_MODE_64))
		return -EINVAL;
	set_sizes(d, attr & D64);
	if (attr & M) {
		err = decode_modrm(d, insn->map == X86_MAP_0F &&
				      (insn->opcode & 0xfc) == 0x20);
		if (!err)
			err = fixup_group(d, &attr);
		if (err)
			return err;
	}
	err = decode_imm(d, attr);
	if (!err && insn->map == X86_MAP_0F && insn->opcode == 0x0f) {
		insn->map = X86_MAP_3DNOW;	/* the "imm8" is the opcode */
		insn->opcode = (u8)insn->imm;
	}
	return err;
}

int x86_decode(const u8 *bytes, size_t avail, enum x86_cpu_mode mode,
	       struct x86_insn *out)
{
	struct decoder d = { .bytes = bytes, .avail = avail, .insn = out };
	u8 op;
	int err;

	memset(out, 0, sizeof(*out));
	out->mode = mode;
	out->base = X86_REG_NONE;
	out->index = X86_REG_NONE;
	err = decode_prefixes(&d, &op);
	if (err)
		return err;
	if (is_vector_escape(&d, op))
		err = decode_vector(&d, op);
	else
		err = decode_legacy(&d, op);
	if (!err)
		out->len = d.pos;
	return err;
}
