/*
 * HMAC-SHA-256 (RFC 2104; FIPS 198-1) and PBKDF2-HMAC-SHA-256 (RFC 8018
 * §5.2).
 *
 * HMAC(K, m) = H((K0 ^ opad) || H((K0 ^ ipad) || m)), K0 being K padded
 * with zeros to the 64-byte block, or H(K) padded if K is longer.  The
 * context keeps the two hash states after their first block, so PBKDF2's
 * c iterations copy those states instead of rehashing the password each
 * time: two compressions per iteration.  Everything derived from the key
 * is wiped before returning.
 */
#include <tv/env.h>
#include <tv/crypto.h>
#include <tv/crypto_sha256.h>

#define IPAD	0x36
#define OPAD	0x5c

void hmac_sha256_init(struct hmac_sha256_ctx *ctx, const u8 *key,
		      size_t key_len)
{
	u8 k0[SHA256_BLOCK_SIZE], pad[SHA256_BLOCK_SIZE];
	int i;

	memset(k0, 0, sizeof(k0));
	if (key_len > SHA256_BLOCK_SIZE)
		sha256(key, key_len, k0);
	else if (key_len)
		memcpy(k0, key, key_len);
	for (i = 0; i < SHA256_BLOCK_SIZE; i++)
		pad[i] = k0[i] ^ IPAD;
	sha256_init(&ctx->inner);
	sha256_update(&ctx->inner, pad, sizeof(pad));
	for (i = 0; i < SHA256_BLOCK_SIZE; i++)
		pad[i] = k0[i] ^ OPAD;
	sha256_init(&ctx->outer);
	sha256_update(&ctx->outer, pad, sizeof(pad));
	crypto_wipe(k0, sizeof(k0));
	crypto_wipe(pad, sizeof(pad));
}

void hmac_sha256_update(struct hmac_sha256_ctx *ctx, const void *data,
			size_t len)
{
	sha256_update(&ctx->inner, data, len);
}

void hmac_sha256_final(struct hmac_sha256_ctx *ctx,
		       u8 mac[SHA256_DIGEST_SIZE])
{
	u8 ih[SHA256_DIGEST_SIZE];

	sha256_final(&ctx->inner, ih);
	sha256_update(&ctx->outer, ih, sizeof(ih));
	sha256_final(&ctx->outer, mac);
	crypto_wipe(ih, sizeof(ih));
}

void hmac_sha256(const u8 *key, size_t key_len, const void *data,
		 size_t len, u8 mac[SHA256_DIGEST_SIZE])
{
	struct hmac_sha256_ctx ctx;

	hmac_sha256_init(&ctx, key, key_len);
	hmac_sha256_update(&ctx, data, len);
	hmac_sha256_final(&ctx, mac);
}

/*
 * T_i = U_1 ^ U_2 ^ ... ^ U_c with U_1 = PRF(P, S || INT(i)) and
 * U_j = PRF(P, U_(j-1)); base is the PRF keyed with P, reused by copy.
 */
static void pbkdf2_block(const struct hmac_sha256_ctx *base, const u8 *salt,
			 size_t salt_len, u32 index, u32 iterations,
			 u8 t[SHA256_DIGEST_SIZE])
{
	struct hmac_sha256_ctx ctx = *base;
	u8 u[SHA256_DIGEST_SIZE], be[4];
	u32 j;
	int i;

	be[0] = (u8)(index >> 24);
	be[1] = (u8)(index >> 16);
	be[2] = (u8)(index >> 8);
	be[3] = (u8)index;
	hmac_sha256_update(&ctx, salt, salt_len);
	hmac_sha256_update(&ctx, be, sizeof(be));
	hmac_sha256_final(&ctx, u);
	memcpy(t, u, sizeof(u));
	for (j = 1; j < iterations; j++) {
		ctx = *base;
		hmac_sha256_update(&ctx, u, sizeof(u));
		hmac_sha256_final(&ctx, u);
		for (i = 0; i < SHA256_DIGEST_SIZE; i++)
			t[i] ^= u[i];
	}
	crypto_wipe(u, sizeof(u));
}

int pbkdf2_hmac_sha256(const u8 *password, size_t password_len,
		       const u8 *salt, size_t salt_len, u32 iterations,
		       u8 *out, size_t out_len)
{
	struct hmac_sha256_ctx base;
	u8 t[SHA256_DIGEST_SIZE];
	u32 index;
	size_t n;

	if (!iterations || !out_len ||
	    out_len > (size_t)0xFFFFFFFF * SHA256_DIGEST_SIZE)
		return -EINVAL;
	hmac_sha256_init(&base, password, password_len);
	for (index = 1; out_len; index++, out += n, out_len -= n) {
		n = MIN(out_len, (size_t)SHA256_DIGEST_SIZE);
		pbkdf2_block(&base, salt, salt_len, index, iterations, t);
		memcpy(out, t, n);
	}
	crypto_wipe(t, sizeof(t));
	crypto_wipe(&base, sizeof(base));
	return 0;
}
