/*
 * tv-badcall: feeds the hypervisor's guest calls pointers that must fail —
 * NULL, an unmapped address, a kernel address from user mode, a buffer
 * running off the end of the mapping, a non-canonical address, an unknown
 * function number — and checks that each answers -EFAULT/-ENOSYS (or 0 for
 * an unknown name) instead of faulting.  Prints one line per case and
 * exits non-zero if any answer is wrong.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include "lib/call_vmm.h"
#include <tv/vmmcall_abi.h>

#define EFAULT_RET	((uint64_t)-14)
#define ENOSYS_RET	((uint64_t)-38)

static int check(const char *what, uint64_t got, uint64_t want)
{
	int ok = got == want;

	printf("tv-badcall: %-36s -> %lld %s\n", what, (long long)got,
	       ok ? "ok" : "WRONG");
	return ok ? 0 : 1;
}

int main(void)
{
	struct vmm_info info;
	long status, logn;
	char *page;
	int bad = 0;

	if (call_vmm_detect(&info)) {
		fprintf(stderr, "tv-badcall: no thinvisor\n");
		return 1;
	}
	status = call_vmm_number(TV_CALL_GET_STATUS);
	logn = call_vmm_number(TV_CALL_LOG);
	page = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || status <= 0 || logn <= 0)
		return 1;
	munmap(page + 4096, 4096);	/* second page: unmapped */
	memset(page, 0, 4096);		/* the first: resident, as calls need */
	bad |= check("get_status(NULL)", call_vmm_call(status, 0, 64, 0), EFAULT_RET);
	bad |= check("get_status(unmapped)", call_vmm_call(status, (uint64_t)page + 4096, 64, 0), EFAULT_RET);
	bad |= check("get_status(kernel address)", call_vmm_call(status, 0xffffffff81000000ULL, 64, 0), EFAULT_RET);
	bad |= check("get_status(runs off the mapping)", call_vmm_call(status, (uint64_t)page + 4096 - 8, 64, 0), EFAULT_RET);
	bad |= check("get_status(non-canonical)", call_vmm_call(status, 0x8000000000000000ULL, 64, 0), EFAULT_RET);
	bad |= check("log(unmapped, 64 KiB)", call_vmm_call(logn, (uint64_t)page + 4096, 65536, 0), EFAULT_RET);
	bad |= check("number(unmapped name)", call_vmm_call(0, (uint64_t)page + 4096, 0, 0), EFAULT_RET);
	bad |= check("number(\"no_such_function\")", call_vmm_number("no_such_function"), 0);
	bad |= check("function 12345", call_vmm_call(12345, 0, 0, 0), ENOSYS_RET);
	bad |= check("get_status(valid)", call_vmm_call(status, (uint64_t)page, 64, 0), 64);
	return bad;
}
