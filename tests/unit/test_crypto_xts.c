/*
 * XTS-AES (lib/crypto/xts.c, aes_ni.c): the IEEE 1619 vectors, then random
 * keys, data, sector numbers, batch sizes and sector sizes compared with
 * OpenSSL's EVP_aes_{128,256}_xts run one sector at a time with the IV set
 * to the 16-byte little-endian sector number (dm-crypt's plain64), for the
 * portable and the AES-NI path, in place and out of place, at odd buffer
 * alignments.  Also the argument checks and the wipe.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <tv/env.h>
#include <tv/crypto.h>
#include "test_crypto_util.h"

#define MAX_BUF		(24 * 4096 + 64)

static u8 *buf_pt, *buf_ct, *buf_ref, *buf_tmp;

static void need_impl(enum crypto_impl impl)
{
	if (impl == CRYPTO_IMPL_AESNI && !crypto_cpu_has_aesni())
		skip();
}

/* OpenSSL, sector by sector, IV = plain64(sector). */
static void ossl_xts(const u8 *key, size_t key_len, int enc, u64 sector,
		     const u8 *in, u8 *out, size_t nsectors, size_t ss)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	const EVP_CIPHER *cipher = key_len == 64 ? EVP_aes_256_xts() :
						   EVP_aes_128_xts();
	u8 iv[16];
	size_t i;
	int len;

	assert_non_null(c);
	assert_int_equal(EVP_CipherInit_ex(c, cipher, NULL, key, NULL, enc),
			 1);
	for (i = 0; i < nsectors; i++) {
		memset(iv, 0, sizeof(iv));
		for (int b = 0; b < 8; b++)
			iv[b] = (u8)((sector + i) >> (8 * b));
		assert_int_equal(EVP_CipherInit_ex(c, NULL, NULL, NULL, iv,
						   enc), 1);
		assert_int_equal(EVP_CipherUpdate(c, out + i * ss, &len,
						  in + i * ss, (int)ss), 1);
		assert_int_equal(len, (int)ss);
	}
	EVP_CIPHER_CTX_free(c);
}

static size_t vector_data(const struct xts_vector *v, u8 *pt, u8 *ct)
{
	size_t n, i;

	if (v->pt) {
		n = hex2bin(v->pt, pt, MAX_BUF);
	} else {
		n = 512;
		for (i = 0; i < n; i++)
			pt[i] = (u8)i;
	}
	assert_int_equal(hex2bin(v->ct, ct, MAX_BUF), n);
	return n;
}

static void check_vectors(enum crypto_impl impl)
{
	struct xts_ctx ctx;
	u8 key[64];
	size_t i, n, kl;

	need_impl(impl);
	for (i = 0; i < xts_nvectors; i++) {
		const struct xts_vector *v = &xts_vectors[i];

		print_message("%s\n", v->name);
		kl = hex2bin(v->key, key, sizeof(key));
		n = vector_data(v, buf_pt, buf_ref);
		assert_int_equal(xts_init_impl(&ctx, key, kl, impl), 0);
		assert_int_equal(ctx.data.impl, impl);
		assert_int_equal(xts_encrypt_sectors(&ctx, v->sector, buf_pt,
						     buf_ct, 1, n), 0);
		assert_memory_equal(buf_ct, buf_ref, n);
		assert_int_equal(xts_decrypt_sectors(&ctx, v->sector, buf_ct,
						     buf_tmp, 1, n), 0);
		assert_memory_equal(buf_tmp, buf_pt, n);
		/* in place, both ways */
		memcpy(buf_tmp, buf_pt, n);
		xts_encrypt_sectors(&ctx, v->sector, buf_tmp, buf_tmp, 1, n);
		assert_memory_equal(buf_tmp, buf_ref, n);
		xts_decrypt_sectors(&ctx, v->sector, buf_tmp, buf_tmp, 1, n);
		assert_memory_equal(buf_tmp, buf_pt, n);
		xts_wipe(&ctx);
		/* the typed-in vector agrees with the oracle */
		if (memcmp(key, key + kl / 2, kl / 2)) {
			ossl_xts(key, kl, 1, v->sector, buf_pt, buf_tmp, 1, n);
			assert_memory_equal(buf_tmp, buf_ref, n);
		}
	}
}

static void test_vectors_portable(void **state)
{
	check_vectors(CRYPTO_IMPL_PORTABLE);
}

static void test_vectors_aesni(void **state)
{
	check_vectors(CRYPTO_IMPL_AESNI);
}

static size_t random_sector_size(void)
{
	switch (rng_below(4)) {
	case 0:
	case 1:
		return 512;
	case 2:
		return 4096;
	default:
		return 16 * (1 + rng_below(80));	/* odd tails too */
	}
}

static u64 random_sector(void)
{
	switch (rng_below(3)) {
	case 0:
		return rng_below(1 << 20);
	case 1:
		return ~0ULL - rng_below(8);		/* wraps to 0 */
	default:
		return rng_next();
	}
}

/* One random batch against OpenSSL; in place or not, odd alignments. */
static void random_round(enum crypto_impl impl)
{
	size_t ss = random_sector_size(), key_len = rng_below(4) ? 64 : 32;
	size_t n = 1 + rng_below(MIN(20, (MAX_BUF - 64) / ss)), len = n * ss;
	bool in_place = rng_below(2);
	u8 *pt = buf_pt + rng_below(16), *ct = buf_ct + rng_below(16);
	u64 sector = random_sector();
	struct xts_ctx ctx;
	u8 key[64];

	do
		rng_fill(key, key_len);
	while (!memcmp(key, key + key_len / 2, key_len / 2));
	rng_fill(pt, len);
	assert_int_equal(xts_init_impl(&ctx, key, key_len, impl), 0);
	ossl_xts(key, key_len, 1, sector, pt, buf_ref, n, ss);
	if (in_place)
		memcpy(ct, pt, len);
	assert_int_equal(xts_encrypt_sectors(&ctx, sector, in_place ? ct : pt,
					     ct, n, ss), 0);
	assert_memory_equal(ct, buf_ref, len);
	ossl_xts(key, key_len, 0, sector, ct, buf_tmp, n, ss);
	assert_memory_equal(buf_tmp, pt, len);
	if (in_place) {
		assert_int_equal(xts_decrypt_sectors(&ctx, sector, ct, ct, n,
						     ss), 0);
		assert_memory_equal(ct, pt, len);
	} else {
		assert_int_equal(xts_decrypt_sectors(&ctx, sector, ct,
						     buf_tmp, n, ss), 0);
		assert_memory_equal(buf_tmp, pt, len);
	}
	xts_wipe(&ctx);
}

static void test_random_portable(void **state)
{
	for (int i = 0; i < 150; i++)
		random_round(CRYPTO_IMPL_PORTABLE);
}

static void test_random_aesni(void **state)
{
	need_impl(CRYPTO_IMPL_AESNI);
	for (int i = 0; i < 400; i++)
		random_round(CRYPTO_IMPL_AESNI);
}

/* A batch equals the same sectors one call at a time, per back end. */
static void test_batch_equals_single(void **state)
{
	enum crypto_impl impls[] = { CRYPTO_IMPL_PORTABLE, CRYPTO_IMPL_AESNI };
	struct xts_ctx ctx;
	u8 key[64];
	size_t i, n = 19;

	rng_fill(key, sizeof(key));
	rng_fill(buf_pt, n * 512);
	for (size_t k = 0; k < ARRAY_SIZE(impls); k++) {
		if (impls[k] == CRYPTO_IMPL_AESNI && !crypto_cpu_has_aesni())
			continue;
		assert_int_equal(xts_init_impl(&ctx, key, 64, impls[k]), 0);
		xts_encrypt_sectors(&ctx, 1000, buf_pt, buf_ct, n, 512);
		for (i = 0; i < n; i++)
			xts_encrypt_sectors(&ctx, 1000 + i, buf_pt + i * 512,
					    buf_tmp + i * 512, 1, 512);
		assert_memory_equal(buf_ct, buf_tmp, n * 512);
		xts_wipe(&ctx);
	}
}

/* Both back ends give the same bytes on a large 4 KiB batch. */
static void test_impls_agree(void **state)
{
	struct xts_ctx pc, nc;
	u8 key[64];
	size_t n = 24, len = n * 4096;

	need_impl(CRYPTO_IMPL_AESNI);
	rng_fill(key, sizeof(key));
	rng_fill(buf_pt, len);
	assert_int_equal(xts_init_impl(&pc, key, 64, CRYPTO_IMPL_PORTABLE), 0);
	assert_int_equal(xts_init_impl(&nc, key, 64, CRYPTO_IMPL_AESNI), 0);
	xts_encrypt_sectors(&pc, 0x123456789aULL, buf_pt, buf_ct, n, 4096);
	xts_encrypt_sectors(&nc, 0x123456789aULL, buf_pt, buf_tmp, n, 4096);
	assert_memory_equal(buf_ct, buf_tmp, len);
	xts_decrypt_sectors(&pc, 0x123456789aULL, buf_ct, buf_ct, n, 4096);
	assert_memory_equal(buf_ct, buf_pt, len);
	xts_wipe(&pc);
	xts_wipe(&nc);
}

static void test_bad_args(void **state)
{
	static const size_t bad[] = { 0, 8, 15, 17, 24, 500, 513, 520,
				      XTS_MAX_SECTOR_SIZE + 16 };
	struct xts_ctx ctx;
	u8 key[64] = { 1 }, out[64];
	size_t i;

	assert_int_equal(xts_init(&ctx, key, 48), -EINVAL);
	assert_int_equal(xts_init(&ctx, key, 16), -EINVAL);
	assert_int_equal(xts_init(&ctx, key, 0), -EINVAL);
	assert_int_equal(xts_init(&ctx, key, 64), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(out, 0xa5, sizeof(out));
		assert_int_equal(xts_encrypt_sectors(&ctx, 0, key, out, 1,
						     bad[i]), -EINVAL);
		assert_int_equal(xts_decrypt_sectors(&ctx, 0, key, out, 1,
						     bad[i]), -EINVAL);
		assert_int_equal(out[0] & out[63], 0xa5);
	}
	/* zero sectors: nothing written, still success */
	assert_int_equal(xts_encrypt_sectors(&ctx, 0, key, out, 0, 512), 0);
	assert_int_equal(out[0], 0xa5);
	xts_wipe(&ctx);
}

static void test_auto_and_wipe(void **state)
{
	static const u8 zero[sizeof(struct xts_ctx)];
	struct xts_ctx ctx;
	u8 key[64];

	rng_fill(key, sizeof(key));
	assert_int_equal(xts_init(&ctx, key, 64), 0);
	assert_int_equal(ctx.data.impl, crypto_cpu_has_aesni() ?
			 CRYPTO_IMPL_AESNI : CRYPTO_IMPL_PORTABLE);
	assert_int_equal(ctx.tweak.impl, ctx.data.impl);
	assert_int_equal(ctx.data.rounds, 14);
	assert_true(crypto_uses_xmm(&ctx.data) ==
		    (ctx.data.impl == CRYPTO_IMPL_AESNI));
	xts_wipe(&ctx);
	assert_memory_equal(&ctx, zero, sizeof(ctx));
	assert_int_equal(xts_init_impl(&ctx, key, 64, CRYPTO_IMPL_PORTABLE),
			 0);
	assert_false(crypto_uses_xmm(&ctx.data));
	assert_memory_not_equal(&ctx, zero, sizeof(ctx));
	xts_wipe(&ctx);
	assert_memory_equal(&ctx, zero, sizeof(ctx));
}

static int setup(void **state)
{
	rng_init();
	buf_pt = malloc(MAX_BUF);
	buf_ct = malloc(MAX_BUF);
	buf_ref = malloc(MAX_BUF);
	buf_tmp = malloc(MAX_BUF);
	return buf_pt && buf_ct && buf_ref && buf_tmp ? 0 : -1;
}

static int teardown(void **state)
{
	free(buf_pt);
	free(buf_ct);
	free(buf_ref);
	free(buf_tmp);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_portable),
		cmocka_unit_test(test_vectors_aesni),
		cmocka_unit_test(test_random_portable),
		cmocka_unit_test(test_random_aesni),
		cmocka_unit_test(test_batch_equals_single),
		cmocka_unit_test(test_impls_agree),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_auto_and_wipe),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
