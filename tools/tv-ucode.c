/*
 * tv-ucode: plays an OS loading AMD microcode.  Pinned to CPU 0, it writes
 * PATCH_LOADER (0xc0010020) through /dev/cpu/0/msr (the msr module) with
 * the address of a buffer holding a recognisable fake update, then with a
 * NULL address.  The hypervisor copies the update and hands it to the CPU
 * (which refuses a fake one on real hardware: the write then fails with
 * EIO); the NULL write must fail with EIO and nothing else may happen.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PATCH_LOADER 0xc0010020

static int patch(int fd, uint64_t addr)
{
	ssize_t n = pwrite(fd, &addr, sizeof(addr), PATCH_LOADER);

	printf("tv-ucode: PATCH_LOADER <- %#llx: %s\n", (unsigned long long)addr,
	       n == sizeof(addr) ? "ok" : strerror(errno));
	return n == sizeof(addr) ? 0 : errno;
}

int main(void)
{
	cpu_set_t set;
	uint8_t *buf;
	int fd, i, rc;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	buf = aligned_alloc(4096, 8192);
	fd = open("/dev/cpu/0/msr", O_WRONLY);
	if (sched_setaffinity(0, sizeof(set), &set) || !buf || fd < 0) {
		perror("tv-ucode: set-up");
		return 1;
	}
	for (i = 0; i < 8192; i++)
		buf[i] = (uint8_t)(i * 7);
	rc = patch(fd, (uintptr_t)buf);
	if (rc && rc != EIO)
		return 1;
	return patch(fd, 0) == EIO ? 0 : 1;
}
