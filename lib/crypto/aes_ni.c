/*
 * AES and XTS-AES with the AES-NI instructions (Intel SDM vol.2, AESENC
 * et al.; FIPS-197 rounds, IEEE 1619-2018 §5.3 for XTS).
 *
 * The hypervisor is built with -mgeneral-regs-only, so the functions here
 * opt in to SSE one by one with target("aes,sse2") instead of per-file
 * flags: nothing else in this file, and nothing outside it, can pick up XMM
 * code by accident.  Exported entry points also realign the stack
 * (force_align_arg_pointer) because spills of 16-byte vectors assume the
 * ABI's 16-byte stack alignment, which hypervisor entry code need not keep.
 * Only XMM registers are used (no VEX/AVX), so the caller saves exactly the
 * legacy SSE state around a call (see <tv/crypto.h>).
 *
 * XTS keeps eight blocks in flight: AESENC has a latency of several cycles
 * but issues every cycle or two, so eight independent blocks per round key
 * keep the unit busy.  Tweaks for up to eight sectors are also encrypted
 * together.  The tweak of block j+1 is the tweak of block j times alpha
 * (shift left, fold 0x87 into the low byte), computed in XMM with a
 * shuffle and an arithmetic shift instead of a carry branch.
 *
 * GCC vector extensions and __builtin_ia32_* keep this file free of the
 * compiler's intrinsic headers; the vector types are private to it.
 */
#include <tv/env.h>
#include <tv/crypto.h>
#include "aes_impl.h"

typedef long long v2di __attribute__((vector_size(16)));
typedef unsigned long long v2du __attribute__((vector_size(16)));
typedef int v4si __attribute__((vector_size(16)));
typedef long long v2di_u __attribute__((vector_size(16), aligned(1),
					  may_alias));

#define AESNI_INLINE	static inline __attribute__((always_inline, \
						     target("aes,sse2")))
#define AESNI_ENTRY	__attribute__((target("aes,sse2"), \
				       force_align_arg_pointer))

#define XTS_LANES	8

typedef const u8 (*round_keys_t)[AES_BLOCK_SIZE];

AESNI_INLINE v2di ld(const u8 *p)
{
	return *(const v2di_u *)p;
}

AESNI_INLINE void st(u8 *p, v2di v)
{
	*(v2di_u *)p = v;
}

AESNI_INLINE v2di round1(v2di b, v2di k, bool dec)
{
	return dec ? __builtin_ia32_aesdec128(b, k) :
		     __builtin_ia32_aesenc128(b, k);
}

AESNI_INLINE v2di last1(v2di b, v2di k, bool dec)
{
	return dec ? __builtin_ia32_aesdeclast128(b, k) :
		     __builtin_ia32_aesenclast128(b, k);
}

/*
 * t * alpha: each 64-bit half doubles (PADDQ-like shift); the bit shifted
 * out of the low half enters the high half, the bit out of the high half
 * becomes 0x87 in the low byte.  Lanes 3 and 1 (the halves' top dwords)
 * are broadcast to lanes 0 and 2 and sign-extended into masks.
 */
AESNI_INLINE v2di mul_alpha(v2di t)
{
	v4si m = __builtin_shuffle((v4si)t, (v4si){ 3, 0, 1, 0 });

	m = (m >> 31) & (v4si){ 0x87, 0, 1, 0 };
	return (v2di)(((v2du)t << 1) ^ (v2du)m);
}

/*
 * n blocks through the cipher (n a constant after inlining).  With xts,
 * each block is whitened with its tweak before and after: the trailing XOR
 * folds into the last round key (AESENCLAST XORs its key last).
 */
AESNI_INLINE void crypt_lanes(round_keys_t rk, unsigned int rounds,
			      v2di *b, const v2di *tw, const int n, bool dec)
{
	unsigned int r;
	v2di k = ld(rk[0]);
	int i;

#pragma GCC unroll 8
	for (i = 0; i < n; i++)
		b[i] ^= tw ? tw[i] ^ k : k;
	for (r = 1; r < rounds; r++) {
		k = ld(rk[r]);
#pragma GCC unroll 8
		for (i = 0; i < n; i++)
			b[i] = round1(b[i], k, dec);
	}
	k = ld(rk[rounds]);
#pragma GCC unroll 8
	for (i = 0; i < n; i++)
		b[i] = last1(b[i], tw ? tw[i] ^ k : k, dec);
}

AESNI_INLINE void ecb(const struct aes_ctx *ctx, const u8 *in, u8 *out,
		      size_t nblocks, bool dec)
{
	round_keys_t rk = dec ? ctx->rk.ni.dec : ctx->rk.ni.enc;
	v2di b[4];
	int i;

	for (; nblocks >= 4; nblocks -= 4) {
#pragma GCC unroll 4
		for (i = 0; i < 4; i++)
			b[i] = ld(in + 16 * i);
		crypt_lanes(rk, ctx->rounds, b, NULL, 4, dec);
#pragma GCC unroll 4
		for (i = 0; i < 4; i++)
			st(out + 16 * i, b[i]);
		in += 64;
		out += 64;
	}
	for (; nblocks; nblocks--, in += 16, out += 16) {
		b[0] = ld(in);
		crypt_lanes(rk, ctx->rounds, b, NULL, 1, dec);
		st(out, b[0]);
	}
}

AESNI_ENTRY void aesni_encrypt_blocks(const struct aes_ctx *ctx,
				      const u8 *in, u8 *out, size_t nblocks)
{
	ecb(ctx, in, out, nblocks, false);
}

AESNI_ENTRY void aesni_decrypt_blocks(const struct aes_ctx *ctx,
				      const u8 *in, u8 *out, size_t nblocks)
{
	ecb(ctx, in, out, nblocks, true);
}

/* One data unit; t is the encrypted tweak of its first block. */
AESNI_INLINE void xts_sector(round_keys_t rk, unsigned int rounds, v2di t,
			     const u8 *in, u8 *out, size_t nblocks, bool dec)
{
	v2di b[XTS_LANES], tw[XTS_LANES];
	int i;

	for (; nblocks >= XTS_LANES; nblocks -= XTS_LANES) {
#pragma GCC unroll 8
		for (i = 0; i < XTS_LANES; i++) {
			tw[i] = t;
			t = mul_alpha(t);
			b[i] = ld(in + 16 * i);
		}
		crypt_lanes(rk, rounds, b, tw, XTS_LANES, dec);
#pragma GCC unroll 8
		for (i = 0; i < XTS_LANES; i++)
			st(out + 16 * i, b[i]);
		in += 16 * XTS_LANES;
		out += 16 * XTS_LANES;
	}
	for (; nblocks; nblocks--, in += 16, out += 16) {
		b[0] = ld(in);
		crypt_lanes(rk, rounds, b, &t, 1, dec);
		st(out, b[0]);
		t = mul_alpha(t);
	}
}

/* T = E_K2(plain64(sector + i)) for i < n, as few lanes as needed. */
AESNI_INLINE void xts_tweaks(const struct aes_ctx *tk, u64 sector,
			     v2di t[XTS_LANES], size_t n)
{
	int i;

#pragma GCC unroll 8
	for (i = 0; i < XTS_LANES; i++)
		t[i] = (v2di){ (long long)(sector + (u64)i), 0 };
	if (n == 1)
		crypt_lanes(tk->rk.ni.enc, tk->rounds, t, NULL, 1, false);
	else if (n <= 4)
		crypt_lanes(tk->rk.ni.enc, tk->rounds, t, NULL, 4, false);
	else
		crypt_lanes(tk->rk.ni.enc, tk->rounds, t, NULL, XTS_LANES,
			    false);
}

AESNI_INLINE void xts(const struct xts_ctx *ctx, u64 sector, const u8 *in,
		      u8 *out, size_t nsectors, size_t sector_size, bool dec)
{
	round_keys_t rk = dec ? ctx->data.rk.ni.dec : ctx->data.rk.ni.enc;
	v2di t[XTS_LANES];
	size_t i, n;

	for (; nsectors; nsectors -= n, sector += n) {
		n = MIN(nsectors, (size_t)XTS_LANES);
		xts_tweaks(&ctx->tweak, sector, t, n);
		for (i = 0; i < n; i++) {
			xts_sector(rk, ctx->data.rounds, t[i], in, out,
				   sector_size / AES_BLOCK_SIZE, dec);
			in += sector_size;
			out += sector_size;
		}
	}
}

AESNI_ENTRY void aesni_xts_encrypt(const struct xts_ctx *ctx, u64 sector,
				   const u8 *in, u8 *out, size_t nsectors,
				   size_t sector_size)
{
	xts(ctx, sector, in, out, nsectors, sector_size, false);
}

AESNI_ENTRY void aesni_xts_decrypt(const struct xts_ctx *ctx, u64 sector,
				   const u8 *in, u8 *out, size_t nsectors,
				   size_t sector_size)
{
	xts(ctx, sector, in, out, nsectors, sector_size, true);
}
