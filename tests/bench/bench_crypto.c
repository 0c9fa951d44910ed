/*
 * `make bench-crypto`: XTS-AES-256 throughput of lib/crypto's AES-NI and
 * portable paths next to OpenSSL's EVP_aes_256_xts, encrypt and decrypt,
 * for the shapes a disk driver produces: one 512-byte sector per call,
 * batches of eight 512-byte sectors, and 4 KiB sectors.  OpenSSL has no
 * multi-sector call, so it runs one EVP_CipherInit_ex (new IV = plain64
 * sector number) plus EVP_CipherUpdate per sector, as dm-crypt-like users
 * of it do.  Data stays in a 64 KiB buffer (cache-resident); each figure
 * is the best of BENCH_RUNS runs of at least BENCH_MIN_NS of thread CPU
 * time.  Also PBKDF2 and SHA-256 next to OpenSSL, for sizing the password
 * loader.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <tv/env.h>
#include <tv/crypto.h>
#include <tv/crypto_sha256.h>

#define BUF_SIZE	(64 * 1024)
#define BENCH_MIN_NS	25000000ULL
#define BENCH_RUNS	15

enum backend { BE_AESNI, BE_PORTABLE, BE_OPENSSL, BE_COUNT };

static const char *const be_name[BE_COUNT] = {
	"thinvisor AES-NI", "thinvisor portable", "OpenSSL EVP",
};

struct job {
	enum backend be;
	bool encrypt;
	size_t sector_size, per_call;
	struct xts_ctx *ctx;
	EVP_CIPHER_CTX *evp;
	u8 *buf;
	u64 sector;
};

/*
 * CPU time of this thread, not wall time: on a shared machine the time
 * spent descheduled would otherwise count against whichever back end was
 * running.
 */
static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

static void evp_sectors(struct job *j, u8 *p, size_t n)
{
	u8 iv[16] = { 0 };
	int len;

	for (size_t i = 0; i < n; i++, p += j->sector_size) {
		u64 s = j->sector + i;

		for (int b = 0; b < 8; b++)
			iv[b] = (u8)(s >> (8 * b));
		if (EVP_CipherInit_ex(j->evp, NULL, NULL, NULL, iv,
				      j->encrypt) != 1 ||
		    EVP_CipherUpdate(j->evp, p, &len, p,
				     (int)j->sector_size) != 1) {
			fprintf(stderr, "OpenSSL XTS failed\n");
			exit(1);
		}
	}
}

/* One pass over the buffer in calls of per_call sectors, in place. */
static void pass(struct job *j)
{
	size_t chunk = j->sector_size * j->per_call, off;

	for (off = 0; off + chunk <= BUF_SIZE; off += chunk) {
		u8 *p = j->buf + off;

		if (j->be == BE_OPENSSL)
			evp_sectors(j, p, j->per_call);
		else if (j->encrypt)
			xts_encrypt_sectors(j->ctx, j->sector, p, p,
					    j->per_call, j->sector_size);
		else
			xts_decrypt_sectors(j->ctx, j->sector, p, p,
					    j->per_call, j->sector_size);
		j->sector += j->per_call;
	}
}

/* MB/s (10^6 bytes per second) of one run of at least BENCH_MIN_NS. */
static double measure_once(struct job *j)
{
	u64 t0 = now_ns(), t, bytes = 0;
	size_t chunk = j->sector_size * j->per_call;

	do {
		pass(j);
		bytes += BUF_SIZE / chunk * chunk;
		t = now_ns() - t0;
	} while (t < BENCH_MIN_NS);
	return (double)bytes * 1e3 / (double)t;
}

/*
 * The back ends take turns, run after run, and each keeps its best: the
 * machine may be shared (a VM, parallel builds), and interleaving exposes
 * all of them to the same background load.
 */
static void bench_dir(struct xts_ctx *ctx[], EVP_CIPHER_CTX *evp,
		      u8 *buf, size_t ss, size_t per_call, bool enc,
		      double mbs[BE_COUNT])
{
	struct job j[BE_COUNT];
	int be, r;

	for (be = 0; be < BE_COUNT; be++) {
		j[be] = (struct job){
			.be = be, .encrypt = enc, .sector_size = ss,
			.per_call = per_call, .ctx = ctx[be], .evp = evp,
			.buf = buf, .sector = 1000,
		};
		mbs[be] = 0;
	}
	for (r = 0; r < BENCH_RUNS; r++) {
		for (be = 0; be < BE_COUNT; be++) {
			if (!ctx[be] && be != BE_OPENSSL)
				continue;
			if (r == 0)
				pass(&j[be]);	/* warm up */
			mbs[be] = MAX(mbs[be], measure_once(&j[be]));
		}
	}
}

static void bench_shape(struct xts_ctx *ctx[], EVP_CIPHER_CTX *evp[],
			u8 *buf, size_t ss, size_t per_call)
{
	double mbs[BE_COUNT];
	int enc, be;

	for (enc = 1; enc >= 0; enc--) {
		bench_dir(ctx, evp[enc], buf, ss, per_call, enc, mbs);
		printf("\nXTS-AES-256 %s, %zu-byte sectors, %zu per call\n",
		       enc ? "encrypt" : "decrypt", ss, per_call);
		for (be = 0; be < BE_COUNT; be++) {
			if (!mbs[be]) {
				printf("  %-20s  (no AES-NI)\n", be_name[be]);
				continue;
			}
			printf("  %-20s %9.1f MB/s  %5.2fx OpenSSL\n",
			       be_name[be], mbs[be],
			       mbs[be] / mbs[BE_OPENSSL]);
		}
	}
}

static void bench_pbkdf2(void)
{
	static const u8 pw[] = "correct horse battery staple";
	static const u8 salt[16] = { 1, 2, 3 };
	const u32 iter = 100000;
	u8 dk[64], ref[64];
	u64 t0, t1, t2;

	t0 = now_ns();
	pbkdf2_hmac_sha256(pw, sizeof(pw) - 1, salt, sizeof(salt), iter, dk,
			   sizeof(dk));
	t1 = now_ns();
	PKCS5_PBKDF2_HMAC((const char *)pw, sizeof(pw) - 1, salt,
			  sizeof(salt), iter, EVP_sha256(), sizeof(ref), ref);
	t2 = now_ns();
	printf("\nPBKDF2-HMAC-SHA-256, %u iterations, 64-byte key:\n"
	       "  %-20s %9.1f ms\n  %-20s %9.1f ms%s\n", iter,
	       "thinvisor", (double)(t1 - t0) / 1e6, "OpenSSL",
	       (double)(t2 - t1) / 1e6,
	       memcmp(dk, ref, sizeof(dk)) ? "  MISMATCH" : "");
}

static void bench_sha256(u8 *buf)
{
	u8 d[32];
	u64 t0, t1, t2;
	const int n = 200;

	t0 = now_ns();
	for (int i = 0; i < n; i++)
		sha256(buf, BUF_SIZE, d);
	t1 = now_ns();
	for (int i = 0; i < n; i++)
		SHA256(buf, BUF_SIZE, d);
	t2 = now_ns();
	printf("SHA-256 on 64 KiB:\n  %-20s %9.1f MB/s\n  %-20s %9.1f MB/s\n",
	       "thinvisor", (double)n * BUF_SIZE * 1e3 / (double)(t1 - t0),
	       "OpenSSL", (double)n * BUF_SIZE * 1e3 / (double)(t2 - t1));
}

int main(void)
{
	struct xts_ctx ni, ct, *ctx[BE_COUNT] = { NULL, &ct, NULL };
	EVP_CIPHER_CTX *evp[2];
	bool have_ni = crypto_cpu_has_aesni();
	u8 key[64], *buf = malloc(BUF_SIZE);

	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (u8)(i * 29 + 7);
	if (!buf || xts_init_impl(&ct, key, 64, CRYPTO_IMPL_PORTABLE) ||
	    (have_ni && xts_init_impl(&ni, key, 64, CRYPTO_IMPL_AESNI)))
		return 1;
	if (have_ni)
		ctx[BE_AESNI] = &ni;
	for (int enc = 0; enc < 2; enc++) {
		evp[enc] = EVP_CIPHER_CTX_new();
		if (!evp[enc] || EVP_CipherInit_ex(evp[enc], EVP_aes_256_xts(),
						   NULL, key, NULL, enc) != 1)
			return 1;
	}
	memset(buf, 0x5a, BUF_SIZE);
	printf("CPU AES-NI: %s; OpenSSL %s\n", have_ni ? "yes" : "no",
	       OpenSSL_version(OPENSSL_VERSION));
	bench_shape(ctx, evp, buf, 512, 1);
	bench_shape(ctx, evp, buf, 512, 8);
	bench_shape(ctx, evp, buf, 4096, 1);
	bench_pbkdf2();
	bench_sha256(buf);
	xts_wipe(&ni);
	xts_wipe(&ct);
	EVP_CIPHER_CTX_free(evp[0]);
	EVP_CIPHER_CTX_free(evp[1]);
	free(buf);
	return 0;
}
