/*
 * Helpers shared by the lib/crypto unit tests: hex decoding of spec
 * vectors and a seeded generator for the random comparisons against
 * OpenSSL (TV_CRYPTO_SEED overrides the fixed default seed; the seed in
 * use is printed so that a failure can be replayed).
 */
#ifndef TEST_CRYPTO_UTIL_H
#define TEST_CRYPTO_UTIL_H

#include <tv/types.h>

/* Decodes hex (whitespace ignored) into out; returns the byte count. */
size_t hex2bin(const char *hex, u8 *out, size_t max);
void rng_init(void);
u64 rng_next(void);
u64 rng_below(u64 n);
void rng_fill(void *p, size_t n);

/* IEEE 1619 XTS-AES test vectors (test_crypto_xts_vectors.c). */
struct xts_vector {
	const char *name;
	u64 sector;		/* data unit sequence number */
	const char *key;	/* Key1 || Key2 */
	const char *pt;		/* NULL: 512 bytes 00 01 .. ff 00 .. ff */
	const char *ct;
};

extern const struct xts_vector xts_vectors[];
extern const size_t xts_nvectors;

#endif
