/*
 * XTS-AES (IEEE 1619-2018 §5.3) over whole sectors, with dm-crypt's
 * "plain64" tweak: data unit i uses the 16-byte block holding the sector
 * number as a little-endian 64-bit integer, zero above.  Per block j of a
 * sector:
 *
 *	T_0     = AES-enc(Key2, plain64(sector))
 *	C_j     = AES-enc(Key1, P_j ^ T_j) ^ T_j	(decrypt: AES-dec)
 *	T_(j+1) = T_j * alpha				(GF(2^128), §5.2)
 *
 * Sectors are whole multiples of 16 bytes, so ciphertext stealing (§5.3.2)
 * never applies.  The AES-NI back end lives in aes_ni.c; the portable path
 * here feeds the bitsliced AES four blocks at a time, encrypting the
 * tweaks of four consecutive sectors in one call as well.
 */
#include <tv/env.h>
#include <tv/crypto.h>
#include "aes_impl.h"

int xts_init_impl(struct xts_ctx *ctx, const u8 *key, size_t key_len,
		  enum crypto_impl impl)
{
	size_t half = key_len / 2;
	int ret;

	if (key_len != 32 && key_len != 64)
		return -EINVAL;
	ret = aes_init(&ctx->data, key, half, impl);
	if (ret)
		return ret;
	ret = aes_init(&ctx->tweak, key + half, half, ctx->data.impl);
	if (ret)
		aes_wipe(&ctx->data);
	return ret;
}

int xts_init(struct xts_ctx *ctx, const u8 *key, size_t key_len)
{
	return xts_init_impl(ctx, key, key_len, CRYPTO_IMPL_AUTO);
}

void xts_wipe(struct xts_ctx *ctx)
{
	crypto_wipe(ctx, sizeof(*ctx));
}

static bool sector_size_ok(size_t sector_size)
{
	return sector_size >= XTS_MIN_SECTOR_SIZE &&
	       sector_size <= XTS_MAX_SECTOR_SIZE &&
	       sector_size % AES_BLOCK_SIZE == 0;
}

/* Up to four groups of (lo, hi) tweaks: T = E_K2(sector + i). */
static void ct_tweaks(const struct aes_ctx *tk, u64 sector, u64 t[8])
{
	int i;

	for (i = 0; i < AES_CT_LANES; i++) {
		t[2 * i] = sector + (u64)i;
		t[2 * i + 1] = 0;
	}
	aes_ct_encrypt4(tk->rk.bs, tk->rounds, t);
}

static void ct_sector(const struct aes_ctx *dk, u64 lo, u64 hi,
		      const u8 *in, u8 *out, size_t nblocks, bool decrypt)
{
	u64 w[8], tw[8];
	size_t i, n;

	for (; nblocks; nblocks -= n) {
		n = MIN(nblocks, AES_CT_LANES);
		memset(w, 0, sizeof(w));
		for (i = 0; i < n; i++) {
			tw[2 * i] = lo;
			tw[2 * i + 1] = hi;
			w[2 * i] = crypto_le64(in + 16 * i) ^ lo;
			w[2 * i + 1] = crypto_le64(in + 16 * i + 8) ^ hi;
			xts_mul_alpha(&lo, &hi);
		}
		if (decrypt)
			aes_ct_decrypt4(dk->rk.bs, dk->rounds, w);
		else
			aes_ct_encrypt4(dk->rk.bs, dk->rounds, w);
		for (i = 0; i < n; i++) {
			crypto_put_le64(out + 16 * i, w[2 * i] ^ tw[2 * i]);
			crypto_put_le64(out + 16 * i + 8,
					w[2 * i + 1] ^ tw[2 * i + 1]);
		}
		in += 16 * n;
		out += 16 * n;
	}
}

static void ct_xts(const struct xts_ctx *ctx, u64 sector, const u8 *in,
		   u8 *out, size_t nsectors, size_t sector_size, bool decrypt)
{
	u64 t[8];
	size_t i, n;

	for (; nsectors; nsectors -= n, sector += n) {
		n = MIN(nsectors, AES_CT_LANES);
		ct_tweaks(&ctx->tweak, sector, t);
		for (i = 0; i < n; i++) {
			ct_sector(&ctx->data, t[2 * i], t[2 * i + 1], in, out,
				  sector_size / AES_BLOCK_SIZE, decrypt);
			in += sector_size;
			out += sector_size;
		}
	}
	crypto_wipe(t, sizeof(t));
}

int xts_encrypt_sectors(const struct xts_ctx *ctx, u64 first_sector,
			const u8 *in, u8 *out, size_t nsectors,
			size_t sector_size)
{
	if (!sector_size_ok(sector_size))
		return -EINVAL;
	if (ctx->data.impl == CRYPTO_IMPL_AESNI)
		aesni_xts_encrypt(ctx, first_sector, in, out, nsectors,
				  sector_size);
	else
		ct_xts(ctx, first_sector, in, out, nsectors, sector_size,
		       false);
	return 0;
}

int xts_decrypt_sectors(const struct xts_ctx *ctx, u64 first_sector,
			const u8 *in, u8 *out, size_t nsectors,
			size_t sector_size)
{
	if (!sector_size_ok(sector_size))
		return -EINVAL;
	if (ctx->data.impl == CRYPTO_IMPL_AESNI)
		aesni_xts_decrypt(ctx, first_sector, in, out, nsectors,
				  sector_size);
	else
		ct_xts(ctx, first_sector, in, out, nsectors, sector_size,
		       true);
	return 0;
}
