/*
 * Test helpers for lib/crypto: hex vectors in, reproducible random data
 * out (xorshift64*, not for anything but tests).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <cmocka.h>
#include <tv/env.h>
#include "test_crypto_util.h"

static u64 rng_state;

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	fail_msg("bad hex digit '%c'", c);
	return -1;
}

size_t hex2bin(const char *hex, u8 *out, size_t max)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		if (isspace((unsigned char)*hex))
			continue;
		if (hi < 0) {
			hi = nibble(*hex);
			continue;
		}
		assert_true(n < max);
		out[n++] = (u8)(hi << 4 | nibble(*hex));
		hi = -1;
	}
	assert_int_equal(hi, -1);
	return n;
}

void rng_init(void)
{
	const char *s = getenv("TV_CRYPTO_SEED");

	rng_state = s ? strtoull(s, NULL, 0) : 0x7468696e76697372ULL;
	if (!rng_state)
		rng_state = 1;
	printf("# TV_CRYPTO_SEED=0x%llx\n", (unsigned long long)rng_state);
}

u64 rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

u64 rng_below(u64 n)
{
	return rng_next() % n;
}

void rng_fill(void *p, size_t n)
{
	u8 *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (u8)(rng_next() >> 56);
}
