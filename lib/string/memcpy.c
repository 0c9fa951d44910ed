/*
 * memcpy and memset for the hypervisor (gcc emits calls to them for struct
 * copies even in freestanding code).  The loader gets them from gnu-efi.
 */
#include <tv/env.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	u8 *d = dst;

	while (n--)
		*d++ = (u8)c;
	return dst;
}
