/* Shared by the simulated-controller tests; see sim_util.h. */
#include <stdlib.h>
#include <string.h>
#include "sim_util.h"

#define SIM_PAGE 4096

const u8 sim_key_bytes[64] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
	21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38,
	39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56,
	57, 58, 59, 60, 61, 62, 63, 64,
};

void *zalloc(size_t n)
{
	void *p = aligned_alloc(SIM_PAGE, (n + SIM_PAGE - 1) & ~(size_t)(SIM_PAGE - 1));

	memset(p, 0, n);
	return p;
}
