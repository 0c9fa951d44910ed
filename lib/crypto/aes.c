/*
 * AES key set-up and the single-block (ECB) entry points.
 *
 * The key expansion of FIPS-197 §5.2 runs in portable C for both back
 * ends: SubWord goes through the bitsliced S-box (aes_ct_sub_word), so it
 * is constant time, and no XMM register is touched, so *_init needs no FPU
 * bracket in the hypervisor.  The result is stored the way the chosen back
 * end wants it: byte round keys plus the equivalent-inverse-cipher keys of
 * §5.3.5 for AESDEC (AES-NI), or bit planes (portable).  Every temporary
 * copy of key material is wiped before returning.
 */
#include <tv/env.h>
#include <tv/crypto.h>
#include "aes_impl.h"

/* Rcon[i] (FIPS-197 §5.2): x^(i-1) in GF(2^8), as byte 0 of the word. */
static const u8 rcon[10] = {
	0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36,
};

static u32 le32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

/*
 * Words hold bytes little-endian (byte 0 lowest), so RotWord is a rotation
 * right by 8 and Rcon lands in the low byte.  Branches depend on the word
 * index only.
 */
static void expand_key(u8 rk[][AES_BLOCK_SIZE], const u8 *key,
		       unsigned int nk, unsigned int rounds)
{
	u32 w[4 * (AES_MAX_ROUNDS + 1)], t;
	unsigned int i, n = 4 * (rounds + 1);

	for (i = 0; i < nk; i++)
		w[i] = le32(key + 4 * i);
	for (i = nk; i < n; i++) {
		t = w[i - 1];
		if (i % nk == 0)
			t = aes_ct_sub_word((t >> 8) | (t << 24)) ^
			    rcon[i / nk - 1];
		else if (nk > 6 && i % nk == 4)
			t = aes_ct_sub_word(t);
		w[i] = w[i - nk] ^ t;
	}
	for (i = 0; i < n; i++) {
		rk[i / 4][4 * (i % 4) + 0] = (u8)w[i];
		rk[i / 4][4 * (i % 4) + 1] = (u8)(w[i] >> 8);
		rk[i / 4][4 * (i % 4) + 2] = (u8)(w[i] >> 16);
		rk[i / 4][4 * (i % 4) + 3] = (u8)(w[i] >> 24);
	}
	crypto_wipe(w, sizeof(w));
}

static u8 xtime(u8 b)
{
	return (u8)((b << 1) ^ (0x1b & (0 - (b >> 7))));
}

/* InvMixColumns (FIPS-197 §5.3.3) of one 16-byte round key. */
static void inv_mix_columns(u8 out[AES_BLOCK_SIZE], const u8 in[AES_BLOCK_SIZE])
{
	int c, r;

	for (c = 0; c < 4; c++) {
		const u8 *a = in + 4 * c;

		for (r = 0; r < 4; r++) {
			u8 a0 = a[r], a1 = a[(r + 1) % 4];
			u8 a2 = a[(r + 2) % 4], a3 = a[(r + 3) % 4];
			u8 x2_0 = xtime(a0), x4_0 = xtime(x2_0);
			u8 x2_1 = xtime(a1), x4_1 = xtime(x2_1);
			u8 x4_2 = xtime(xtime(a2)), x4_3 = xtime(xtime(a3));

			/* 0e a0 + 0b a1 + 0d a2 + 09 a3 */
			out[4 * c + r] = (u8)(xtime(x4_0) ^ x4_0 ^ x2_0 ^
				xtime(x4_1) ^ x2_1 ^ a1 ^
				xtime(x4_2) ^ x4_2 ^ a2 ^
				xtime(x4_3) ^ a3);
		}
	}
}

static void load_aesni_keys(struct aes_ctx *ctx, u8 rk[][AES_BLOCK_SIZE],
			    unsigned int rounds)
{
	unsigned int i;

	memcpy(ctx->rk.ni.enc, rk, (rounds + 1) * AES_BLOCK_SIZE);
	memcpy(ctx->rk.ni.dec[0], rk[rounds], AES_BLOCK_SIZE);
	for (i = 1; i < rounds; i++)
		inv_mix_columns(ctx->rk.ni.dec[i], rk[rounds - i]);
	memcpy(ctx->rk.ni.dec[rounds], rk[0], AES_BLOCK_SIZE);
}

int aes_init(struct aes_ctx *ctx, const u8 *key, size_t key_len,
	     enum crypto_impl impl)
{
	u8 rk[AES_MAX_ROUNDS + 1][AES_BLOCK_SIZE];
	unsigned int rounds;
	int ret;

	if (key_len != 16 && key_len != 24 && key_len != 32)
		return -EINVAL;
	ret = crypto_pick_impl(impl, &impl);
	if (ret)
		return ret;
	rounds = (unsigned int)key_len / 4 + 6;	/* Nr = Nk + 6 */
	memset(ctx, 0, sizeof(*ctx));
	expand_key(rk, key, (unsigned int)key_len / 4, rounds);
	if (impl == CRYPTO_IMPL_AESNI)
		load_aesni_keys(ctx, rk, rounds);
	else
		aes_ct_load_keys(ctx->rk.bs, (const u8 (*)[AES_BLOCK_SIZE])rk,
				 rounds);
	crypto_wipe(rk, sizeof(rk));
	ctx->rounds = rounds;
	ctx->impl = impl;
	return 0;
}

void aes_wipe(struct aes_ctx *ctx)
{
	crypto_wipe(ctx, sizeof(*ctx));
}

static void ct_blocks(const struct aes_ctx *ctx, const u8 *in, u8 *out,
		      size_t nblocks, bool decrypt)
{
	u64 w[8];
	size_t i, n;

	while (nblocks) {
		n = MIN(nblocks, AES_CT_LANES);
		memset(w, 0, sizeof(w));
		for (i = 0; i < 2 * n; i++)
			w[i] = crypto_le64(in + 8 * i);
		if (decrypt)
			aes_ct_decrypt4(ctx->rk.bs, ctx->rounds, w);
		else
			aes_ct_encrypt4(ctx->rk.bs, ctx->rounds, w);
		for (i = 0; i < 2 * n; i++)
			crypto_put_le64(out + 8 * i, w[i]);
		in += n * AES_BLOCK_SIZE;
		out += n * AES_BLOCK_SIZE;
		nblocks -= n;
	}
	crypto_wipe(w, sizeof(w));
}

void aes_encrypt_blocks(const struct aes_ctx *ctx, const u8 *in, u8 *out,
			size_t nblocks)
{
	if (ctx->impl == CRYPTO_IMPL_AESNI)
		aesni_encrypt_blocks(ctx, in, out, nblocks);
	else
		ct_blocks(ctx, in, out, nblocks, false);
}

void aes_decrypt_blocks(const struct aes_ctx *ctx, const u8 *in, u8 *out,
			size_t nblocks)
{
	if (ctx->impl == CRYPTO_IMPL_AESNI)
		aesni_decrypt_blocks(ctx, in, out, nblocks);
	else
		ct_blocks(ctx, in, out, nblocks, true);
}
