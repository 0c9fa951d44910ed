/*
 * Portable AES (FIPS-197), bitsliced so that it runs in constant time: no
 * table is indexed by secret data and no branch depends on it, so cache and
 * branch-predictor timing reveal nothing about keys or data.  This is the
 * fallback for CPUs without AES-NI and the reference the AES-NI path is
 * tested against (besides OpenSSL).
 *
 * Representation ("ct64"): four 16-byte blocks are held as eight 64-bit bit
 * planes q[0..7]; plane i holds bit i of each of the 64 bytes.  Within a
 * plane the byte at row r, column c (state index 4c + r, FIPS-197 §3.4) of
 * block k sits at bit
 *
 *	16 r + 4 c + k
 *
 *	 63          48 47         16 15            0
 *	[    row 3     ][ rows 2, 1  ][ c3 | c2 | c1 | c0 ]	(row 0)
 *						each cN nibble: blocks 3..0
 *
 * so ShiftRows rotates nibbles inside a 16-bit row, "the next row" of
 * MixColumns is a 16-bit rotation of the whole word, and SubBytes is one
 * Boolean circuit evaluated on the eight planes at once: the depth-16
 * circuit of Boyar and Peralta ("A depth-16 circuit for the AES S-box",
 * IACR ePrint 2011/332), whose linear top and bottom layers come in a
 * forward and an inverse variant around a shared non-linear middle.
 *
 * Packing: block bytes are first interleaved so that a byte's target bit
 * position is 8 * (byte index in word) + (word index), then an 8x8 bit
 * transpose (three swap-move rounds) moves bit i of every byte into plane i.
 */
#include <tv/env.h>
#include <tv/crypto.h>
#include "aes_impl.h"

static inline u64 rotr64(u64 x, unsigned int n)
{
	return (x >> n) | (x << (64 - n));
}

/* The four bytes of a 32-bit value to the even bytes of a 64-bit one. */
static inline u64 spread32(u64 x)
{
	x = (x | (x << 16)) & 0x0000FFFF0000FFFFULL;
	return (x | (x << 8)) & 0x00FF00FF00FF00FFULL;
}

static inline u64 compact32(u64 x)
{
	x &= 0x00FF00FF00FF00FFULL;
	x = (x | (x >> 8)) & 0x0000FFFF0000FFFFULL;
	return (x | (x >> 16)) & 0x00000000FFFFFFFFULL;
}

static inline void swapmove(u64 *a, u64 *b, u64 mask, unsigned int n)
{
	u64 t = ((*a >> n) ^ *b) & mask;

	*b ^= t;
	*a ^= t << n;
}

/*
 * For every byte position j: bit i of byte j of q[w] and bit w of byte j
 * of q[i] trade places (an 8x8 transpose).  Its own inverse.
 */
static void ortho(u64 q[8])
{
	int i;

	for (i = 0; i < 8; i += 2)
		swapmove(&q[i], &q[i + 1], 0x5555555555555555ULL, 1);
	for (i = 0; i < 8; i += 4) {
		swapmove(&q[i], &q[i + 2], 0x3333333333333333ULL, 2);
		swapmove(&q[i + 1], &q[i + 3], 0x3333333333333333ULL, 2);
	}
	for (i = 0; i < 4; i++)
		swapmove(&q[i], &q[i + 4], 0x0F0F0F0F0F0F0F0FULL, 4);
}

/*
 * Word k gets columns 0 and 2 of block k (bytes 0,8,1,9,2,10,3,11), word
 * 4 + k columns 1 and 3: byte (r, c) lands at byte 2r + c/2 of word
 * 4 (c & 1) + k, i.e. at bit position 16 r + 4 c + k after ortho().
 */
static void pack(u64 q[8], const u64 w[8])
{
	int k;

	for (k = 0; k < 4; k++) {
		u64 lo = w[2 * k], hi = w[2 * k + 1];

		q[k] = spread32(lo & 0xFFFFFFFF) |
		       (spread32(hi & 0xFFFFFFFF) << 8);
		q[k + 4] = spread32(lo >> 32) | (spread32(hi >> 32) << 8);
	}
	ortho(q);
}

static void unpack(u64 w[8], u64 q[8])
{
	int k;

	ortho(q);
	for (k = 0; k < 4; k++) {
		w[2 * k] = compact32(q[k]) | (compact32(q[k + 4]) << 32);
		w[2 * k + 1] = compact32(q[k] >> 8) |
			       (compact32(q[k + 4] >> 8) << 32);
	}
}

/*
 * S-box circuit.  The paper numbers input bits from the most significant:
 * U0 = bit 7 = q[7] ... U7 = bit 0 = q[0].  t[] is indexed by the paper's
 * T numbers, with t[0] standing for its D; m[] by its M numbers.
 */
static inline void sbox_top_fwd(const u64 q[8], u64 t[28])
{
	u64 u0 = q[7], u1 = q[6], u2 = q[5], u3 = q[4];
	u64 u4 = q[3], u5 = q[2], u6 = q[1], u7 = q[0];
	u64 t5, t7, t11, t12, t18, t21;

	t[1] = u0 ^ u3;		t[2] = u0 ^ u5;		t[3] = u0 ^ u6;
	t[4] = u3 ^ u5;		t5 = u4 ^ u6;		t[6] = t[1] ^ t5;
	t7 = u1 ^ u2;		t[8] = u7 ^ t[6];	t[9] = u7 ^ t7;
	t[10] = t[6] ^ t7;	t11 = u1 ^ u5;		t12 = u2 ^ u5;
	t[13] = t[3] ^ t[4];	t[14] = t[6] ^ t11;	t[15] = t5 ^ t11;
	t[16] = t5 ^ t12;	t[17] = t[9] ^ t[16];	t18 = u3 ^ u7;
	t[19] = t7 ^ t18;	t[20] = t[1] ^ t[19];	t21 = u6 ^ u7;
	t[22] = t7 ^ t21;	t[23] = t[2] ^ t[22];	t[24] = t[2] ^ t[10];
	t[25] = t[20] ^ t[17];	t[26] = t[3] ^ t[16];	t[27] = t[1] ^ t12;
	t[0] = u7;
}

static inline void sbox_top_inv(const u64 q[8], u64 t[28])
{
	u64 u0 = q[7], u1 = q[6], u2 = q[5], u3 = q[4];
	u64 u4 = q[3], u5 = q[2], u6 = q[1], u7 = q[0];
	u64 r5, r13, r17, r18, r19;

	t[23] = u0 ^ u3;	t[22] = ~(u1 ^ u3);	t[2] = ~(u0 ^ u1);
	t[1] = u3 ^ u4;		t[24] = ~(u4 ^ u7);	r5 = u6 ^ u7;
	t[8] = ~(u1 ^ t[23]);	t[19] = t[22] ^ r5;	t[9] = ~(u7 ^ t[1]);
	t[10] = t[2] ^ t[24];	t[13] = t[2] ^ r5;	t[3] = t[1] ^ r5;
	t[25] = ~(u2 ^ t[1]);	r13 = u1 ^ u6;		t[17] = ~(u2 ^ t[19]);
	t[20] = t[24] ^ r13;	t[4] = u4 ^ t[8];	r17 = ~(u2 ^ u5);
	r18 = ~(u5 ^ u6);	r19 = ~(u2 ^ u4);	t[0] = u0 ^ r17;
	t[6] = t[22] ^ r17;	t[16] = r13 ^ r19;	t[27] = t[1] ^ r18;
	t[15] = t[10] ^ t[27];	t[14] = t[10] ^ r18;	t[26] = t[3] ^ t[16];
}

/* Forced inline: as a call, t[] and m[] go through memory (~20% slower). */
static inline __attribute__((always_inline))
void sbox_middle(const u64 t[28], u64 m[64])
{
	u64 m1, m6, m11, m13, m15, m20, m21, m22, m23, m25;
	u64 m37, m38, m39, m40, m41, m42, m43, m44, m45;

	m1 = t[13] & t[6];
	m6 = t[3] & t[16];
	m11 = t[1] & t[15];
	m13 = (t[4] & t[27]) ^ m11;
	m15 = (t[2] & t[10]) ^ m11;
	m20 = t[14] ^ m1 ^ (t[23] & t[8]) ^ m13;
	m21 = (t[19] & t[0]) ^ m1 ^ t[24] ^ m15;
	m22 = t[26] ^ m6 ^ (t[22] & t[9]) ^ m13;
	m23 = (t[20] & t[17]) ^ m6 ^ m15 ^ t[25];
	m25 = m22 & m20;
	m37 = m21 ^ ((m20 ^ m21) & (m23 ^ m25));
	m38 = m20 ^ m25 ^ (m21 | (m20 & m23));
	m39 = m23 ^ ((m22 ^ m23) & (m21 ^ m25));
	m40 = m22 ^ m25 ^ (m23 | (m21 & m22));
	m41 = m38 ^ m40;
	m42 = m37 ^ m39;
	m43 = m37 ^ m38;
	m44 = m39 ^ m40;
	m45 = m42 ^ m41;
	m[46] = m44 & t[6];	m[47] = m40 & t[8];	m[48] = m39 & t[0];
	m[49] = m43 & t[16];	m[50] = m38 & t[9];	m[51] = m37 & t[17];
	m[52] = m42 & t[15];	m[53] = m45 & t[27];	m[54] = m41 & t[10];
	m[55] = m44 & t[13];	m[56] = m40 & t[23];	m[57] = m39 & t[19];
	m[58] = m43 & t[3];	m[59] = m38 & t[22];	m[60] = m37 & t[20];
	m[61] = m42 & t[1];	m[62] = m45 & t[4];	m[63] = m41 & t[2];
}

static inline void sbox_bottom_fwd(const u64 m[64], u64 q[8])
{
	u64 l0 = m[61] ^ m[62], l1 = m[50] ^ m[56], l2 = m[46] ^ m[48];
	u64 l3 = m[47] ^ m[55], l4 = m[54] ^ m[58], l5 = m[49] ^ m[61];
	u64 l6 = m[62] ^ l5, l7 = m[46] ^ l3, l8 = m[51] ^ m[59];
	u64 l9 = m[52] ^ m[53], l10 = m[53] ^ l4, l11 = m[60] ^ l2;
	u64 l12 = m[48] ^ m[51], l13 = m[50] ^ l0, l14 = m[52] ^ m[61];
	u64 l15 = m[55] ^ l1, l16 = m[56] ^ l0, l17 = m[57] ^ l1;
	u64 l18 = m[58] ^ l8, l19 = m[63] ^ l4, l20 = l0 ^ l1;
	u64 l21 = l1 ^ l7, l22 = l3 ^ l12, l23 = l18 ^ l2;
	u64 l24 = l15 ^ l9, l25 = l6 ^ l10, l26 = l7 ^ l9;
	u64 l27 = l8 ^ l10, l28 = l11 ^ l14, l29 = l11 ^ l17;

	q[7] = l6 ^ l24;
	q[6] = ~(l16 ^ l26);
	q[5] = ~(l19 ^ l28);
	q[4] = l6 ^ l21;
	q[3] = l20 ^ l22;
	q[2] = l25 ^ l29;
	q[1] = ~(l13 ^ l27);
	q[0] = ~(l6 ^ l23);
}

static inline void sbox_bottom_inv(const u64 m[64], u64 q[8])
{
	u64 p0 = m[52] ^ m[61], p1 = m[58] ^ m[59], p2 = m[54] ^ m[62];
	u64 p3 = m[47] ^ m[50], p4 = m[48] ^ m[56], p5 = m[46] ^ m[51];
	u64 p6 = m[49] ^ m[60], p7 = p0 ^ p1, p8 = m[50] ^ m[53];
	u64 p9 = m[55] ^ m[63], p10 = m[57] ^ p4, p11 = p0 ^ p3;
	u64 p12 = m[46] ^ m[48], p13 = m[49] ^ m[51], p14 = m[49] ^ m[62];
	u64 p15 = m[54] ^ m[59], p16 = m[57] ^ m[61], p17 = m[58] ^ p2;
	u64 p18 = m[63] ^ p5, p19 = p2 ^ p3, p20 = p4 ^ p6;
	u64 p22 = p2 ^ p7, p23 = p7 ^ p8, p24 = p5 ^ p7;
	u64 p25 = p6 ^ p10, p26 = p9 ^ p11, p27 = p10 ^ p18;
	u64 p28 = p11 ^ p25, p29 = p15 ^ p20;

	q[7] = p13 ^ p22;
	q[6] = p26 ^ p29;
	q[5] = p17 ^ p28;
	q[4] = p12 ^ p22;
	q[3] = p23 ^ p27;
	q[2] = p19 ^ p24;
	q[1] = p14 ^ p23;
	q[0] = p9 ^ p16;
}

static void sub_bytes(u64 q[8])
{
	u64 t[28], m[64];

	sbox_top_fwd(q, t);
	sbox_middle(t, m);
	sbox_bottom_fwd(m, q);
}

static void inv_sub_bytes(u64 q[8])
{
	u64 t[28], m[64];

	sbox_top_inv(q, t);
	sbox_middle(t, m);
	sbox_bottom_inv(m, q);
}

/* FIPS-197 §5.1.2: row r rotates left by r columns (nibbles). */
static void shift_rows(u64 q[8])
{
	int i;

	for (i = 0; i < 8; i++) {
		u64 x = q[i];

		q[i] = (x & 0x000000000000FFFFULL) |
		       ((x & 0x00000000FFF00000ULL) >> 4) |
		       ((x & 0x00000000000F0000ULL) << 12) |
		       ((x & 0x0000FF0000000000ULL) >> 8) |
		       ((x & 0x000000FF00000000ULL) << 8) |
		       ((x & 0xF000000000000000ULL) >> 12) |
		       ((x & 0x0FFF000000000000ULL) << 4);
	}
}

/* FIPS-197 §5.3.1 */
static void inv_shift_rows(u64 q[8])
{
	int i;

	for (i = 0; i < 8; i++) {
		u64 x = q[i];

		q[i] = (x & 0x000000000000FFFFULL) |
		       ((x & 0x000000000FFF0000ULL) << 4) |
		       ((x & 0x00000000F0000000ULL) >> 12) |
		       ((x & 0x0000FF0000000000ULL) >> 8) |
		       ((x & 0x000000FF00000000ULL) << 8) |
		       ((x & 0x000F000000000000ULL) << 12) |
		       ((x & 0xFFF0000000000000ULL) >> 4);
	}
}

/*
 * FIPS-197 §5.1.3: out_r = 2 a_r + 3 a_r+1 + a_r+2 + a_r+3
 *                        = 2 (a_r + a_r+1) + a_r+1 + (a_r+2 + a_r+3).
 * With x = a_r + a_r+1 (rows one apart: a 16-bit rotation), the last term
 * is x rotated by 32 bits; doubling in GF(2^8) moves plane i to i+1 and
 * folds plane 7 into planes 0, 1, 3, 4 (0x1b).
 */
static void mix_columns(u64 q[8])
{
	u64 r[8], x[8];
	int i;

	for (i = 0; i < 8; i++) {
		r[i] = rotr64(q[i], 16);
		x[i] = q[i] ^ r[i];
	}
	q[0] = x[7] ^ r[0] ^ rotr64(x[0], 32);
	q[1] = x[0] ^ x[7] ^ r[1] ^ rotr64(x[1], 32);
	q[2] = x[1] ^ r[2] ^ rotr64(x[2], 32);
	q[3] = x[2] ^ x[7] ^ r[3] ^ rotr64(x[3], 32);
	q[4] = x[3] ^ x[7] ^ r[4] ^ rotr64(x[4], 32);
	q[5] = x[4] ^ r[5] ^ rotr64(x[5], 32);
	q[6] = x[5] ^ r[6] ^ rotr64(x[6], 32);
	q[7] = x[6] ^ r[7] ^ rotr64(x[7], 32);
}

/*
 * FIPS-197 §5.3.3, as MixColumns after the circulant (05 00 04 00):
 * {0e,0b,0d,09} = {02,03,01,01} x {05,00,04,00}.  The latter is
 * a_r + 4 (a_r + a_r+2); times 4 is two doublings of the planes.
 */
static void inv_mix_columns(u64 q[8])
{
	u64 x[8];
	int i;

	for (i = 0; i < 8; i++)
		x[i] = q[i] ^ rotr64(q[i], 32);
	q[0] ^= x[6];
	q[1] ^= x[6] ^ x[7];
	q[2] ^= x[0] ^ x[7];
	q[3] ^= x[1] ^ x[6];
	q[4] ^= x[2] ^ x[6] ^ x[7];
	q[5] ^= x[3] ^ x[7];
	q[6] ^= x[4];
	q[7] ^= x[5];
	mix_columns(q);
}

static inline void add_round_key(u64 q[8], const u64 k[8])
{
	int i;

	for (i = 0; i < 8; i++)
		q[i] ^= k[i];
}

/* FIPS-197 §5.1 Cipher() on four blocks. */
void aes_ct_encrypt4(const u64 bs[][8], unsigned int rounds, u64 w[8])
{
	u64 q[8];
	unsigned int r;

	pack(q, w);
	add_round_key(q, bs[0]);
	for (r = 1; r < rounds; r++) {
		sub_bytes(q);
		shift_rows(q);
		mix_columns(q);
		add_round_key(q, bs[r]);
	}
	sub_bytes(q);
	shift_rows(q);
	add_round_key(q, bs[rounds]);
	unpack(w, q);
}

/* FIPS-197 §5.3 InvCipher() on four blocks. */
void aes_ct_decrypt4(const u64 bs[][8], unsigned int rounds, u64 w[8])
{
	u64 q[8];
	unsigned int r;

	pack(q, w);
	add_round_key(q, bs[rounds]);
	for (r = rounds - 1; r > 0; r--) {
		inv_shift_rows(q);
		inv_sub_bytes(q);
		add_round_key(q, bs[r]);
		inv_mix_columns(q);
	}
	inv_shift_rows(q);
	inv_sub_bytes(q);
	add_round_key(q, bs[0]);
	unpack(w, q);
}

void aes_ct_load_keys(u64 bs[][8], const u8 rk[][AES_BLOCK_SIZE],
		      unsigned int rounds)
{
	unsigned int r;
	u64 w[8];
	int k;

	for (r = 0; r <= rounds; r++) {
		for (k = 0; k < 4; k++) {
			w[2 * k] = crypto_le64(rk[r]);
			w[2 * k + 1] = crypto_le64(rk[r] + 8);
		}
		pack(bs[r], w);
	}
	crypto_wipe(w, sizeof(w));
}

/* The S-box on bytes 0-3 of block 0; the other bytes are don't-cares. */
u32 aes_ct_sub_word(u32 x)
{
	u64 w[8] = { x }, q[8];

	u32 y;

	pack(q, w);
	sub_bytes(q);
	unpack(w, q);
	y = (u32)w[0];
	crypto_wipe(w, sizeof(w));
	crypto_wipe(q, sizeof(q));
	return y;
}

u32 aes_ct_inv_sub_word(u32 x)
{
	u64 w[8] = { x }, q[8];

	u32 y;

	pack(q, w);
	inv_sub_bytes(q);
	unpack(w, q);
	y = (u32)w[0];
	crypto_wipe(w, sizeof(w));
	crypto_wipe(q, sizeof(q));
	return y;
}
