/*
 * tv-info: tell whether thinvisor runs underneath this Linux guest.
 *
 * Prints the CPU vendor, the raw CPUID 0x40000000 signature of whatever
 * hypervisor is there (QEMU/TCG, KVM, or none) and then exactly one of
 *   tv-info: hypervisor signature 'thinvisorVMM'
 *   tv-info: no hypervisor
 * which the tests match.  Exit status 0 with thinvisor, 1 without.
 */
#include <ctype.h>
#include <stdio.h>

#include "lib/call_vmm.h"

/* The signature is 12 raw bytes; escape anything unprintable. */
static void print_escaped(const char *s, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (isprint(c) && c != '\'' && c != '\\')
			putchar(c);
		else
			printf("\\x%02x", c);
	}
}

int main(void)
{
	struct vmm_info info;
	int ret = call_vmm_detect(&info);

	printf("tv-info: cpu vendor '%s', hypervisor bit %d\n",
	       info.cpu_vendor, info.hv_bit);
	printf("tv-info: cpuid 0x40000000 eax=0x%08x signature '",
	       info.max_leaf);
	print_escaped(info.signature, 12);
	printf("'\n");
	if (ret) {
		printf("tv-info: no hypervisor\n");
		return 1;
	}
	printf("tv-info: hypervisor signature '%s'\n", TV_CPUID_SIGNATURE);
	printf("tv-info: abi version %u, calls via %s\n", info.abi_version,
	       info.use_vmmcall ? "vmmcall" : "vmcall");
	return 0;
}
