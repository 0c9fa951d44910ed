/*
 * SHA-256 (FIPS 180-4), HMAC-SHA-256 (RFC 2104, FIPS 198-1) and
 * PBKDF2-HMAC-SHA-256 (RFC 8018 §5.2), for deriving disk keys from a
 * password.  Portable C, no XMM, constant time in the data (SHA-256 has no
 * data-dependent lookups or branches); running time depends only on
 * lengths and the iteration count.  Contexts hold secrets when keyed or
 * fed secrets: the *_final calls wipe them.
 */
#ifndef TV_CRYPTO_SHA256_H
#define TV_CRYPTO_SHA256_H

#include <tv/types.h>

#define SHA256_DIGEST_SIZE	32
#define SHA256_BLOCK_SIZE	64

struct sha256_ctx {
	u32 h[8];
	u64 bytes;		/* message length so far */
	u8 buf[SHA256_BLOCK_SIZE];
	size_t fill;		/* bytes waiting in buf */
};

void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
/* Writes the digest and wipes ctx. */
void sha256_final(struct sha256_ctx *ctx, u8 digest[SHA256_DIGEST_SIZE]);
void sha256(const void *data, size_t len, u8 digest[SHA256_DIGEST_SIZE]);

struct hmac_sha256_ctx {
	struct sha256_ctx inner;	/* already fed K ^ ipad */
	struct sha256_ctx outer;	/* already fed K ^ opad */
};

void hmac_sha256_init(struct hmac_sha256_ctx *ctx, const u8 *key,
		      size_t key_len);
void hmac_sha256_update(struct hmac_sha256_ctx *ctx, const void *data,
			size_t len);
/* Writes the MAC and wipes ctx. */
void hmac_sha256_final(struct hmac_sha256_ctx *ctx,
		       u8 mac[SHA256_DIGEST_SIZE]);
void hmac_sha256(const u8 *key, size_t key_len, const void *data,
		 size_t len, u8 mac[SHA256_DIGEST_SIZE]);

/*
 * DK = PBKDF2(HMAC-SHA-256, password, salt, iterations, out_len).
 * 0, or -EINVAL if iterations or out_len is 0 or out_len exceeds
 * (2^32 - 1) * 32 (RFC 8018 §5.2 step 1).
 */
int pbkdf2_hmac_sha256(const u8 *password, size_t password_len,
		       const u8 *salt, size_t salt_len, u32 iterations,
		       u8 *out, size_t out_len);

#endif
