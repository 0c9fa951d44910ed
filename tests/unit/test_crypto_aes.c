/*
 * AES (lib/crypto/aes.c, aes_ct.c, aes_ni.c): the bitsliced S-box and its
 * inverse against a table computed here from the definition (FIPS-197
 * §5.1.1: inversion in GF(2^8), then the affine map), the FIPS-197
 * Appendix A key expansions and Appendix B/C cipher examples for both back
 * ends, and random keys and data against OpenSSL's ECB.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <tv/env.h>
#include <tv/crypto.h>
#include "../../lib/crypto/aes_impl.h"
#include "test_crypto_util.h"

static const enum crypto_impl impls[] = {
	CRYPTO_IMPL_PORTABLE, CRYPTO_IMPL_AESNI,
};

static bool have(enum crypto_impl impl)
{
	return impl != CRYPTO_IMPL_AESNI || crypto_cpu_has_aesni();
}

static u8 gf_mul(u8 a, u8 b)
{
	u8 r = 0;

	while (b) {
		if (b & 1)
			r ^= a;
		a = (u8)((a << 1) ^ ((a & 0x80) ? 0x1b : 0));
		b >>= 1;
	}
	return r;
}

static u8 rotl8(u8 x, int n)
{
	return (u8)((x << n) | (x >> (8 - n)));
}

static void reference_sbox(u8 s[256], u8 inv[256])
{
	for (int x = 0; x < 256; x++) {
		u8 b = 0;

		for (int y = 1; y < 256 && x; y++)
			if (gf_mul((u8)x, (u8)y) == 1)
				b = (u8)y;
		s[x] = b ^ rotl8(b, 1) ^ rotl8(b, 2) ^ rotl8(b, 3) ^
		       rotl8(b, 4) ^ 0x63;
		inv[s[x]] = (u8)x;
	}
	assert_int_equal(s[0x00], 0x63);	/* FIPS-197 Figure 7 */
	assert_int_equal(s[0x53], 0xed);
}

/* Every input in every byte lane, forward and inverse. */
static void test_sbox_exhaustive(void **state)
{
	u8 s[256], inv[256];

	reference_sbox(s, inv);
	for (int x = 0; x < 256; x++) {
		u8 b[4] = { (u8)x, (u8)(x ^ 0x5a), (u8)(255 - x),
			    (u8)(x * 7) };
		u32 in = b[0] | b[1] << 8 | b[2] << 16 | (u32)b[3] << 24;
		u32 f = aes_ct_sub_word(in), r = aes_ct_inv_sub_word(in);

		for (int i = 0; i < 4; i++) {
			assert_int_equal((f >> (8 * i)) & 0xff, s[b[i]]);
			assert_int_equal((r >> (8 * i)) & 0xff, inv[b[i]]);
		}
	}
}

struct fips_case {
	const char *key, *pt, *ct;
};

static const struct fips_case fips197[] = {
	/* Appendix B */
	{ "2b7e151628aed2a6abf7158809cf4f3c",
	  "3243f6a8885a308d313198a2e0370734",
	  "3925841d02dc09fbdc118597196a0b32" },
	/* Appendix C.1, C.2, C.3 */
	{ "000102030405060708090a0b0c0d0e0f",
	  "00112233445566778899aabbccddeeff",
	  "69c4e0d86a7b0430d8cdb78070b4c55a" },
	{ "000102030405060708090a0b0c0d0e0f1011121314151617",
	  "00112233445566778899aabbccddeeff",
	  "dda97ca4864cdfe06eaf70a0ec0d7191" },
	{ "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	  "00112233445566778899aabbccddeeff",
	  "8ea2b7ca516745bfeafc49904b496089" },
};

static void test_fips197_examples(void **state)
{
	struct aes_ctx ctx;
	u8 key[32], pt[16], ct[16], out[16];
	size_t kl;

	for (size_t k = 0; k < ARRAY_SIZE(impls); k++) {
		if (!have(impls[k]))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(fips197); i++) {
			kl = hex2bin(fips197[i].key, key, sizeof(key));
			hex2bin(fips197[i].pt, pt, sizeof(pt));
			hex2bin(fips197[i].ct, ct, sizeof(ct));
			assert_int_equal(aes_init(&ctx, key, kl, impls[k]), 0);
			assert_int_equal(ctx.rounds, kl / 4 + 6);
			aes_encrypt_blocks(&ctx, pt, out, 1);
			assert_memory_equal(out, ct, 16);
			aes_decrypt_blocks(&ctx, out, out, 1);
			assert_memory_equal(out, pt, 16);
			aes_wipe(&ctx);
		}
	}
}

/* Appendix A: the last round key of each expansion (AES-NI keeps bytes). */
static void test_fips197_key_expansion(void **state)
{
	static const struct { const char *key, *last; } a[] = {
		{ "2b7e151628aed2a6abf7158809cf4f3c",
		  "d014f9a8c9ee2589e13f0cc8b6630ca6" },
		{ "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
		  "e98ba06f448c773c8ecc720401002202" },
		{ "603deb1015ca71be2b73aef0857d7781"
		  "1f352c073b6108d72d9810a30914dff4",
		  "fe4890d1e6188d0b046df344706c631e" },
	};
	struct aes_ctx ctx;
	u8 key[32], last[16];
	size_t kl;

	if (!crypto_cpu_has_aesni())
		skip();
	for (size_t i = 0; i < ARRAY_SIZE(a); i++) {
		kl = hex2bin(a[i].key, key, sizeof(key));
		hex2bin(a[i].last, last, sizeof(last));
		assert_int_equal(aes_init(&ctx, key, kl, CRYPTO_IMPL_AESNI), 0);
		assert_memory_equal(ctx.rk.ni.enc[0], key, 16);
		assert_memory_equal(ctx.rk.ni.enc[ctx.rounds], last, 16);
		/* equivalent inverse cipher: ends are not InvMixColumn'd */
		assert_memory_equal(ctx.rk.ni.dec[0], last, 16);
		assert_memory_equal(ctx.rk.ni.dec[ctx.rounds], key, 16);
		aes_wipe(&ctx);
	}
}

static const EVP_CIPHER *ossl_ecb(size_t key_len)
{
	return key_len == 16 ? EVP_aes_128_ecb() :
	       key_len == 24 ? EVP_aes_192_ecb() : EVP_aes_256_ecb();
}

static void ossl_crypt(size_t key_len, const u8 *key, int enc,
		       const u8 *in, u8 *out, size_t len)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n;

	assert_non_null(c);
	assert_int_equal(EVP_CipherInit_ex(c, ossl_ecb(key_len), NULL, key,
					   NULL, enc), 1);
	EVP_CIPHER_CTX_set_padding(c, 0);
	assert_int_equal(EVP_CipherUpdate(c, out, &n, in, (int)len), 1);
	assert_int_equal(n, (int)len);
	EVP_CIPHER_CTX_free(c);
}

static void random_ecb(enum crypto_impl impl)
{
	static const size_t lens[] = { 16, 24, 32 };
	u8 key[32], pt[40 * 16 + 8], ct[40 * 16], ref[40 * 16];
	size_t kl = lens[rng_below(3)], n = 1 + rng_below(40);
	u8 *in = pt + rng_below(8);
	struct aes_ctx ctx;

	rng_fill(key, kl);
	rng_fill(in, n * 16);
	assert_int_equal(aes_init(&ctx, key, kl, impl), 0);
	assert_int_equal(ctx.impl, impl);
	ossl_crypt(kl, key, 1, in, ref, n * 16);
	aes_encrypt_blocks(&ctx, in, ct, n);
	assert_memory_equal(ct, ref, n * 16);
	ossl_crypt(kl, key, 0, in, ref, n * 16);
	aes_decrypt_blocks(&ctx, in, ct, n);
	assert_memory_equal(ct, ref, n * 16);
	memcpy(ct, in, n * 16);		/* in place */
	aes_encrypt_blocks(&ctx, ct, ct, n);
	aes_decrypt_blocks(&ctx, ct, ct, n);
	assert_memory_equal(ct, in, n * 16);
	aes_wipe(&ctx);
}

static void test_random_vs_openssl(void **state)
{
	for (size_t k = 0; k < ARRAY_SIZE(impls); k++) {
		if (!have(impls[k]))
			continue;
		for (int i = 0; i < 300; i++)
			random_ecb(impls[k]);
	}
}

static void test_bad_key_length(void **state)
{
	static const size_t bad[] = { 0, 1, 15, 17, 20, 31, 33, 64 };
	struct aes_ctx ctx;
	u8 key[64] = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(aes_init(&ctx, key, bad[i],
					  CRYPTO_IMPL_PORTABLE), -EINVAL);
	assert_int_equal(aes_init(&ctx, key, 16, (enum crypto_impl)7),
			 -EINVAL);
	if (!crypto_cpu_has_aesni())
		assert_int_equal(aes_init(&ctx, key, 16, CRYPTO_IMPL_AESNI),
				 -ENOTSUP);
}

static void test_equal_and_wipe(void **state)
{
	u8 a[33], b[33];

	rng_fill(a, sizeof(a));
	memcpy(b, a, sizeof(b));
	assert_true(crypto_equal(a, b, sizeof(a)));
	assert_true(crypto_equal(a, b, 0));
	b[32] ^= 0x80;
	assert_false(crypto_equal(a, b, sizeof(a)));
	assert_true(crypto_equal(a, b, 32));
	b[0] ^= 1;
	assert_false(crypto_equal(a, b, 1));
	crypto_wipe(a, sizeof(a));
	memset(b, 0, sizeof(b));
	assert_memory_equal(a, b, sizeof(a));
}

static int setup(void **state)
{
	rng_init();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sbox_exhaustive),
		cmocka_unit_test(test_fips197_examples),
		cmocka_unit_test(test_fips197_key_expansion),
		cmocka_unit_test(test_random_vs_openssl),
		cmocka_unit_test(test_bad_key_length),
		cmocka_unit_test(test_equal_and_wipe),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
