/*
 * Block-cipher side of lib/crypto: AES (FIPS-197) and XTS-AES (IEEE
 * 1619-2018) for transparent disk encryption, plus the small helpers every
 * crypto user needs (wiping secrets, constant-time compare, AES-NI probe).
 * SHA-256, HMAC and PBKDF2 live in <tv/crypto_sha256.h>.
 *
 * Two implementations sit behind one context:
 *   CRYPTO_IMPL_AESNI     AES-NI instructions on XMM registers (8 blocks in
 *                         flight for XTS);
 *   CRYPTO_IMPL_PORTABLE  a bitsliced, constant-time C implementation
 *                         (4 blocks at a time in 64-bit words), no tables
 *                         indexed by secrets, no secret-dependent branches.
 * The choice is made once, at *_init, and recorded in the context.
 *
 * FPU/XMM contract (hypervisor): when a context uses CRYPTO_IMPL_AESNI, the
 * data-path calls aes_encrypt_blocks, aes_decrypt_blocks,
 * xts_encrypt_sectors and xts_decrypt_sectors clobber XMM0-XMM15 and
 * MXCSR is left untouched; nothing else (no YMM/ZMM upper halves, no x87).
 * The caller must save the guest's XMM state before and restore it after
 * (crypto_uses_xmm tells whether it is needed).  *_init and *_wipe never
 * touch XMM.  CR4.OSFXSR must be set (UEFI and every 64-bit OS do), and the
 * entry points realign the stack themselves, so any 8-byte-aligned stack
 * will do.
 *
 * Keys and all context contents are secret: wipe contexts with aes_wipe /
 * xts_wipe (crypto_wipe cannot be optimised away).
 */
#ifndef TV_CRYPTO_H
#define TV_CRYPTO_H

#include <tv/types.h>

enum crypto_impl {
	CRYPTO_IMPL_AUTO,	/* AES-NI if the CPU has it, else portable */
	CRYPTO_IMPL_PORTABLE,
	CRYPTO_IMPL_AESNI,	/* -ENOTSUP from *_init without AES-NI */
};

/* Zeroes n bytes at p; the compiler may not drop the stores. */
void crypto_wipe(void *p, size_t n);
/* True if a and b hold the same n bytes; time depends on n only. */
bool crypto_equal(const void *a, const void *b, size_t n);
/*
 * CPUID.01H:ECX.AES[bit 25].  Executes CPUID, which has no side effects
 * (inside a guest it may exit to a hypervisor, which is harmless).
 */
bool crypto_cpu_has_aesni(void);

/* ---- AES (FIPS-197) ---- */

#define AES_BLOCK_SIZE	16
#define AES_MAX_ROUNDS	14

struct aes_ctx {
	union {
		/* AES-NI: FIPS-197 §5.2 round keys, and the §5.3.5
		 * equivalent-inverse-cipher keys for AESDEC (dec[0] is the
		 * last encryption round key). */
		struct {
			u8 enc[AES_MAX_ROUNDS + 1][AES_BLOCK_SIZE];
			u8 dec[AES_MAX_ROUNDS + 1][AES_BLOCK_SIZE];
		} ni;
		/* Portable: round keys in bitsliced form (bit planes). */
		u64 bs[AES_MAX_ROUNDS + 1][8];
	} rk __aligned(16);
	unsigned int rounds;	/* 10, 12 or 14 */
	enum crypto_impl impl;	/* PORTABLE or AESNI, never AUTO */
};

/* key_len 16, 24 or 32.  0, -EINVAL (length), -ENOTSUP (AES-NI absent). */
int aes_init(struct aes_ctx *ctx, const u8 *key, size_t key_len,
	     enum crypto_impl impl);
/* ECB over nblocks 16-byte blocks; in == out allowed. */
void aes_encrypt_blocks(const struct aes_ctx *ctx, const u8 *in, u8 *out,
			size_t nblocks);
void aes_decrypt_blocks(const struct aes_ctx *ctx, const u8 *in, u8 *out,
			size_t nblocks);
void aes_wipe(struct aes_ctx *ctx);

/* ---- XTS-AES (IEEE 1619-2018), dm-crypt "aes-xts-plain64" ---- */

#define XTS_MIN_SECTOR_SIZE	16
/* IEEE 1619-2018 §5.1: at most 2^20 blocks per data unit. */
#define XTS_MAX_SECTOR_SIZE	(16u << 20)

struct xts_ctx {
	struct aes_ctx data;	/* Key1: encrypts the data */
	struct aes_ctx tweak;	/* Key2: encrypts the sector number */
};

/*
 * key_len 32 (XTS-AES-128) or 64 (XTS-AES-256): the first half is the data
 * key, the second half the tweak key, as the Linux xts template and
 * `cryptsetup --type plain -c aes-xts-plain64 -s 512 --key-file K` split a
 * key file.  Equal halves are accepted (IEEE 1619 vector 1 uses them); a key
 * loader may refuse such keys itself.  xts_init picks CRYPTO_IMPL_AUTO.
 */
int xts_init(struct xts_ctx *ctx, const u8 *key, size_t key_len);
int xts_init_impl(struct xts_ctx *ctx, const u8 *key, size_t key_len,
		  enum crypto_impl impl);
/*
 * Encrypts nsectors data units of sector_size bytes (a multiple of 16
 * between XTS_MIN_SECTOR_SIZE and XTS_MAX_SECTOR_SIZE; 512 or 4096 for
 * disks).  Sector first_sector + i uses the tweak "plain64": the sector
 * number as a 64-bit little-endian integer in a zeroed 16-byte block.
 * in == out is allowed; other overlaps are not.  0, or -EINVAL for a bad
 * sector_size (nothing is written).
 */
int xts_encrypt_sectors(const struct xts_ctx *ctx, u64 first_sector,
			const u8 *in, u8 *out, size_t nsectors,
			size_t sector_size);
int xts_decrypt_sectors(const struct xts_ctx *ctx, u64 first_sector,
			const u8 *in, u8 *out, size_t nsectors,
			size_t sector_size);
void xts_wipe(struct xts_ctx *ctx);

/* True if the data-path calls on this context clobber XMM registers. */
static inline bool crypto_uses_xmm(const struct aes_ctx *ctx)
{
	return ctx->impl == CRYPTO_IMPL_AESNI;
}

#endif
