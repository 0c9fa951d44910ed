/*
 * tv-status: print the hypervisor's get_status answer as key=value lines
 * (vendor, vmm_base, vmm_size, canary_pa, canary_ok, ncpus, exits_total),
 * the format the tests and the guest test scripts parse.
 *
 * struct tv_status only grows at the end and its size field says how much
 * the hypervisor filled in, so fields past that size are not printed.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "lib/call_vmm.h"

#define HAS(st, field) \
	((st)->size >= offsetof(struct tv_status, field) + sizeof((st)->field))

int main(void)
{
	struct tv_status st;
	int64_t n;

	call_vmm_require("tv-status");
	memset(&st, 0, sizeof(st));
	call_vmm_prefault(&st, sizeof(st));
	n = call_vmm_named("tv-status", TV_CALL_GET_STATUS,
			   (uint64_t)(uintptr_t)&st, sizeof(st), 0);
	if (n < 0)
		return 1;
	/* Trust only what both the return value and the size field cover. */
	if ((uint64_t)n < st.size)
		st.size = (uint32_t)n;
	if (st.size > sizeof(st))
		st.size = sizeof(st);

	printf("size=%u\n", st.size);
	if (HAS(&st, abi_version))
		printf("abi_version=%u\n", st.abi_version);
	if (HAS(&st, vendor)) {
		st.vendor[sizeof(st.vendor) - 1] = 0;
		printf("vendor=%s\n", st.vendor);
	}
	if (HAS(&st, vmm_base))
		printf("vmm_base=0x%llx\n", (unsigned long long)st.vmm_base);
	if (HAS(&st, vmm_size))
		printf("vmm_size=0x%llx\n", (unsigned long long)st.vmm_size);
	if (HAS(&st, canary_pa))
		printf("canary_pa=0x%llx\n", (unsigned long long)st.canary_pa);
	if (HAS(&st, flags))
		printf("canary_ok=%d\n", !!(st.flags & TV_STATUS_CANARY_OK));
	if (HAS(&st, ncpus))
		printf("ncpus=%u\n", st.ncpus);
	if (HAS(&st, exits_total))
		printf("exits_total=%llu\n", (unsigned long long)st.exits_total);
	return 0;
}
