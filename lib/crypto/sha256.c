/*
 * SHA-256 as specified in FIPS 180-4: §5.1.1 padding, §5.3.3 initial hash
 * value, §6.2.2 computation, §4.2.2 constants.  Big-endian words are
 * assembled byte by byte so the code does not care about host endianness
 * or alignment.  The compression function has no data-dependent branches
 * or lookups, so hashing secrets (passwords, keys) leaks only lengths.
 */
#include <tv/env.h>
#include <tv/crypto.h>
#include <tv/crypto_sha256.h>

static const u32 k256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const u32 h0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static inline u32 ror(u32 x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static inline u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline void put_be32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

/* §6.2.2: one 512-bit block, message schedule kept as a 16-word ring. */
static void compress(u32 h[8], const u8 *block)
{
	u32 w[16], a = h[0], b = h[1], c = h[2], d = h[3];
	u32 e = h[4], f = h[5], g = h[6], hh = h[7], t1, t2, s0, s1;
	int t;

	for (t = 0; t < 64; t++) {
		if (t < 16) {
			w[t] = be32(block + 4 * t);
		} else {
			s0 = w[(t + 1) & 15];
			s1 = w[(t + 14) & 15];
			s0 = ror(s0, 7) ^ ror(s0, 18) ^ (s0 >> 3);
			s1 = ror(s1, 17) ^ ror(s1, 19) ^ (s1 >> 10);
			w[t & 15] += s0 + s1 + w[(t + 9) & 15];
		}
		t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
		     ((e & f) ^ (~e & g)) + k256[t] + w[t & 15];
		t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
	crypto_wipe(w, sizeof(w));
}

void sha256_init(struct sha256_ctx *ctx)
{
	memcpy(ctx->h, h0, sizeof(h0));
	ctx->bytes = 0;
	ctx->fill = 0;
}

void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len)
{
	const u8 *p = data;
	size_t n;

	ctx->bytes += len;
	if (ctx->fill) {
		n = MIN(len, SHA256_BLOCK_SIZE - ctx->fill);
		memcpy(ctx->buf + ctx->fill, p, n);
		ctx->fill += n;
		p += n;
		len -= n;
		if (ctx->fill < SHA256_BLOCK_SIZE)
			return;
		compress(ctx->h, ctx->buf);
		ctx->fill = 0;
	}
	for (; len >= SHA256_BLOCK_SIZE; len -= SHA256_BLOCK_SIZE) {
		compress(ctx->h, p);
		p += SHA256_BLOCK_SIZE;
	}
	memcpy(ctx->buf, p, len);
	ctx->fill = len;
}

/* §5.1.1: 0x80, zeros to 56 mod 64, then the bit length big-endian. */
void sha256_final(struct sha256_ctx *ctx, u8 digest[SHA256_DIGEST_SIZE])
{
	u64 bits = ctx->bytes * 8;
	int i;

	ctx->buf[ctx->fill++] = 0x80;
	if (ctx->fill > SHA256_BLOCK_SIZE - 8) {
		memset(ctx->buf + ctx->fill, 0, SHA256_BLOCK_SIZE - ctx->fill);
		compress(ctx->h, ctx->buf);
		ctx->fill = 0;
	}
	memset(ctx->buf + ctx->fill, 0, SHA256_BLOCK_SIZE - 8 - ctx->fill);
	for (i = 0; i < 8; i++)
		ctx->buf[56 + i] = (u8)(bits >> (56 - 8 * i));
	compress(ctx->h, ctx->buf);
	for (i = 0; i < 8; i++)
		put_be32(digest + 4 * i, ctx->h[i]);
	crypto_wipe(ctx, sizeof(*ctx));
}

void sha256(const void *data, size_t len, u8 digest[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, digest);
}
