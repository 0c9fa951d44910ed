/*
 * Interfaces between the files of lib/crypto: the bitsliced portable AES
 * (aes_ct.c) and the AES-NI code (aes_ni.c), both driven by aes.c and
 * xts.c.  Internal to lib/crypto (the unit tests include it too).
 *
 * Blocks cross the portable interface as little-endian 64-bit words: block
 * k of a group of four is w[2k] (bytes 0-7) and w[2k+1] (bytes 8-15).
 */
#ifndef TV_LIB_CRYPTO_AES_IMPL_H
#define TV_LIB_CRYPTO_AES_IMPL_H

#include <tv/env.h>
#include <tv/crypto.h>

#define AES_CT_LANES	4	/* blocks per bitsliced call */

static inline u64 crypto_le64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static inline void crypto_put_le64(u8 *p, u64 v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (u8)(v >> (8 * i));
}

/*
 * Multiplies an XTS tweak by alpha (IEEE 1619-2018 §5.2): the 128-bit
 * little-endian value lo|hi shifts left by one; a carry out of bit 127 folds
 * back as 0x87 into byte 0.  No branch on the (secret) carry.
 */
static inline void xts_mul_alpha(u64 *lo, u64 *hi)
{
	u64 carry = *hi >> 63;

	*hi = (*hi << 1) | (*lo >> 63);
	*lo = (*lo << 1) ^ (0x87 & (0 - carry));
}

/* crypto.c: resolves AUTO; -ENOTSUP for AESNI on a CPU without it. */
int crypto_pick_impl(enum crypto_impl want, enum crypto_impl *out);

/* ---- aes_ct.c: bitsliced AES, 4 blocks per call ---- */

/* SubWord (FIPS-197 §5.2) of the four bytes of x, constant time. */
u32 aes_ct_sub_word(u32 x);
u32 aes_ct_inv_sub_word(u32 x);
/* Bitsliced form of the byte round keys rk[0..rounds]. */
void aes_ct_load_keys(u64 bs[][8], const u8 rk[][AES_BLOCK_SIZE],
		      unsigned int rounds);
void aes_ct_encrypt4(const u64 bs[][8], unsigned int rounds, u64 w[8]);
void aes_ct_decrypt4(const u64 bs[][8], unsigned int rounds, u64 w[8]);

/* ---- aes_ni.c: AES-NI (callers check ctx->impl first) ---- */

void aesni_encrypt_blocks(const struct aes_ctx *ctx, const u8 *in, u8 *out,
			  size_t nblocks);
void aesni_decrypt_blocks(const struct aes_ctx *ctx, const u8 *in, u8 *out,
			  size_t nblocks);
void aesni_xts_encrypt(const struct xts_ctx *ctx, u64 sector, const u8 *in,
		       u8 *out, size_t nsectors, size_t sector_size);
void aesni_xts_decrypt(const struct xts_ctx *ctx, u64 sector, const u8 *in,
		       u8 *out, size_t nsectors, size_t sector_size);

#endif
