/*
 * SHA-256, HMAC-SHA-256 and PBKDF2-HMAC-SHA-256 (lib/crypto/sha256.c,
 * hmac.c): the FIPS 180-4 examples (NIST's SHA-256 example document),
 * RFC 4231 test cases 1-7, the PBKDF2-HMAC-SHA-256 vectors of RFC 7914
 * §11, and random inputs, chunkings and lengths against OpenSSL.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <tv/env.h>
#include <tv/crypto_sha256.h>
#include "test_crypto_util.h"

static void check_digest(const u8 *got, const char *hex)
{
	u8 want[SHA256_DIGEST_SIZE];

	assert_int_equal(hex2bin(hex, want, sizeof(want)), sizeof(want));
	assert_memory_equal(got, want, sizeof(want));
}

static void test_sha256_fips180(void **state)
{
	static const struct { const char *msg, *digest; } v[] = {
		{ "abc", "ba7816bf8f01cfea414140de5dae2223"
			 "b00361a396177a9cb410ff61f20015ad" },
		{ "", "e3b0c44298fc1c149afbf4c8996fb924"
		      "27ae41e4649b934ca495991b7852b855" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039"
		  "a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b049237"
		  "0b249b11e8f07a51afac45037afee9d1" },
	};
	u8 d[SHA256_DIGEST_SIZE];

	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		sha256(v[i].msg, strlen(v[i].msg), d);
		check_digest(d, v[i].digest);
	}
}

/* One million 'a', fed in uneven pieces. */
static void test_sha256_million_a(void **state)
{
	static u8 a[1000];
	struct sha256_ctx ctx;
	u8 d[SHA256_DIGEST_SIZE];
	size_t left = 1000000, n;

	memset(a, 'a', sizeof(a));
	sha256_init(&ctx);
	for (int i = 0; left; i++, left -= n) {
		n = MIN(left, (size_t)(1 + (i * 37) % 1000));
		sha256_update(&ctx, a, n);
	}
	sha256_final(&ctx, d);
	check_digest(d, "cdc76e5c9914fb9281a1c7e284d73e67"
			"f1809a48a497200e046d39ccc7112cd0");
}

static void test_sha256_random(void **state)
{
	u8 msg[1200], d[SHA256_DIGEST_SIZE], ref[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;

	for (int i = 0; i < 500; i++) {
		size_t len = i < 200 ? (size_t)i : rng_below(sizeof(msg));
		size_t off = 0, n;

		rng_fill(msg, len);
		SHA256(msg, len, ref);
		sha256_init(&ctx);
		for (; off < len; off += n) {
			n = 1 + rng_below(130);
			n = MIN(len - off, n);
			sha256_update(&ctx, msg + off, n);
		}
		sha256_final(&ctx, d);
		assert_memory_equal(d, ref, sizeof(d));
	}
}

struct hmac_case {
	const char *key, *data, *mac;	/* hex; data may be text */
	bool text;
	size_t mac_len;
};

/* RFC 4231 §4.2-4.8 (test case 5 truncates to 128 bits). */
static const struct hmac_case rfc4231[] = {
	{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There",
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
	  true, 32 },
	{ "4a656665", "what do ya want for nothing?",
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	  true, 32 },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
	  "dddddddddddddddddddddddddddddddddddd",
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
	  false, 32 },
	{ "0102030405060708090a0b0c0d0e0f10111213141516171819",
	  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
	  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
	  false, 32 },
	{ "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "Test With Truncation",
	  "a3b6167473100ee06e0c796c2955552b", true, 16 },
	{ NULL, "Test Using Larger Than Block-Size Key - Hash Key First",
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
	  true, 32 },
	{ NULL, "This is a test using a larger than block-size key and a "
		"larger than block-size data. The key needs to be hashed "
		"before being used by the HMAC algorithm.",
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
	  true, 32 },
};

static void test_hmac_rfc4231(void **state)
{
	u8 key[131], data[200], mac[32], want[32];
	size_t kl, dl;

	for (size_t i = 0; i < ARRAY_SIZE(rfc4231); i++) {
		const struct hmac_case *c = &rfc4231[i];

		if (c->key) {
			kl = hex2bin(c->key, key, sizeof(key));
		} else {
			kl = 131;	/* test cases 6, 7: 131 x 0xaa */
			memset(key, 0xaa, kl);
		}
		if (c->text) {
			dl = strlen(c->data);
			memcpy(data, c->data, dl);
		} else {
			dl = hex2bin(c->data, data, sizeof(data));
		}
		assert_int_equal(hex2bin(c->mac, want, sizeof(want)),
				 c->mac_len);
		hmac_sha256(key, kl, data, dl, mac);
		assert_memory_equal(mac, want, c->mac_len);
	}
}

static void test_hmac_random(void **state)
{
	u8 key[200], msg[400], mac[32], ref[32];
	unsigned int ref_len;
	struct hmac_sha256_ctx ctx;

	for (int i = 0; i < 300; i++) {
		size_t kl = i < 140 ? (size_t)i : rng_below(sizeof(key));
		size_t ml = rng_below(sizeof(msg)), cut = rng_below(ml + 1);

		rng_fill(key, kl);
		rng_fill(msg, ml);
		assert_non_null(HMAC(EVP_sha256(), key, (int)kl, msg, ml, ref,
				     &ref_len));
		assert_int_equal(ref_len, 32);
		hmac_sha256_init(&ctx, key, kl);
		hmac_sha256_update(&ctx, msg, cut);
		hmac_sha256_update(&ctx, msg + cut, ml - cut);
		hmac_sha256_final(&ctx, mac);
		assert_memory_equal(mac, ref, 32);
	}
}

/* RFC 7914 §11, the two PBKDF2-HMAC-SHA256 vectors. */
static void test_pbkdf2_rfc7914(void **state)
{
	u8 dk[64];

	assert_int_equal(pbkdf2_hmac_sha256((const u8 *)"passwd", 6,
					    (const u8 *)"salt", 4, 1, dk, 64),
			 0);
	check_digest(dk, "55ac046e56e3089fec1691c22544b605"
			 "f94185216dde0465e68b9d57c20dacbc");
	check_digest(dk + 32, "49ca9cccf179b645991664b39d77ef31"
			      "7c71b845b1e30bd509112041d3a19783");
	assert_int_equal(pbkdf2_hmac_sha256((const u8 *)"Password", 8,
					    (const u8 *)"NaCl", 4, 80000,
					    dk, 64), 0);
	check_digest(dk, "4ddcd8f60b98be21830cee5ef22701f9"
			 "641a4418d04c0414aeff08876b34ab56");
	check_digest(dk + 32, "a1d425a1225833549adb841b51c9b317"
			      "6a272bdebba1d078478f62b397f33c8d");
}

static void test_pbkdf2_random(void **state)
{
	u8 pw[100], salt[80], dk[100], ref[100];

	for (int i = 0; i < 40; i++) {
		size_t pl = rng_below(sizeof(pw)), sl = rng_below(sizeof(salt));
		size_t ol = 1 + rng_below(sizeof(dk));
		u32 iter = 1 + (u32)rng_below(300);

		rng_fill(pw, pl);
		rng_fill(salt, sl);
		assert_int_equal(PKCS5_PBKDF2_HMAC((const char *)pw, (int)pl,
						   salt, (int)sl, (int)iter,
						   EVP_sha256(), (int)ol, ref),
				 1);
		memset(dk, 0, sizeof(dk));
		assert_int_equal(pbkdf2_hmac_sha256(pw, pl, salt, sl, iter,
						    dk, ol), 0);
		assert_memory_equal(dk, ref, ol);
	}
}

static void test_pbkdf2_bad_args(void **state)
{
	u8 dk[32];

	assert_int_equal(pbkdf2_hmac_sha256((const u8 *)"p", 1,
					    (const u8 *)"s", 1, 0, dk, 32),
			 -EINVAL);
	assert_int_equal(pbkdf2_hmac_sha256((const u8 *)"p", 1,
					    (const u8 *)"s", 1, 1, dk, 0),
			 -EINVAL);
	/* RFC 8018 §5.2 step 1: dkLen > (2^32 - 1) hLen; nothing written */
	assert_int_equal(pbkdf2_hmac_sha256((const u8 *)"p", 1,
					    (const u8 *)"s", 1, 1, dk,
					    (size_t)0xFFFFFFFF * 32 + 1),
			 -EINVAL);
}

static int setup(void **state)
{
	rng_init();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_fips180),
		cmocka_unit_test(test_sha256_million_a),
		cmocka_unit_test(test_sha256_random),
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_hmac_random),
		cmocka_unit_test(test_pbkdf2_rfc7914),
		cmocka_unit_test(test_pbkdf2_random),
		cmocka_unit_test(test_pbkdf2_bad_args),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
