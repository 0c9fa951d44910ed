/*
 * Helpers shared by lib/crypto and its users: wiping secrets so that the
 * compiler cannot drop the stores as dead, comparing MACs without an early
 * exit, and the CPUID probe that chooses between AES-NI and the portable
 * AES.  CPUID has no side effects and touches no state of ours, so it is
 * allowed in pure code; under a hypervisor it merely exits.
 */
#include <tv/env.h>
#include <tv/crypto.h>
#include "aes_impl.h"

#define CPUID_1_ECX_AES	BIT(25)	/* Intel SDM vol.2A, CPUID, table 3-10 */

void crypto_wipe(void *p, size_t n)
{
	memset(p, 0, n);
	/* The buffer escapes into an asm that may read it: stores stay. */
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

bool crypto_equal(const void *a, const void *b, size_t n)
{
	const volatile u8 *x = a, *y = b;
	u8 diff = 0;
	size_t i;

	for (i = 0; i < n; i++)
		diff |= x[i] ^ y[i];
	return diff == 0;
}

bool crypto_cpu_has_aesni(void)
{
	u32 eax = 1, ebx, ecx = 0, edx;

	__asm__ __volatile__("cpuid"
			     : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
	return ecx & CPUID_1_ECX_AES;
}

int crypto_pick_impl(enum crypto_impl want, enum crypto_impl *out)
{
	bool ni = crypto_cpu_has_aesni();

	switch (want) {
	case CRYPTO_IMPL_AUTO:
		*out = ni ? CRYPTO_IMPL_AESNI : CRYPTO_IMPL_PORTABLE;
		return 0;
	case CRYPTO_IMPL_PORTABLE:
		*out = want;
		return 0;
	case CRYPTO_IMPL_AESNI:
		*out = want;
		return ni ? 0 : -ENOTSUP;
	}
	return -EINVAL;
}
