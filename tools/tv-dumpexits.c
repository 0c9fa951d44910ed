/*
 * tv-dumpexits: ask the hypervisor to print its exit counters (per CPU,
 * per reason) to its own log (COM2 and the ring), and print the total it
 * returns.  Read the detail with thinvisor-log.
 */
#include <stdio.h>

#include "lib/call_vmm.h"

int main(void)
{
	int64_t n;

	call_vmm_require("tv-dumpexits");
	n = call_vmm_named("tv-dumpexits", TV_CALL_DUMP_EXITS, 0, 0, 0);
	if (n < 0)
		return 1;
	printf("tv-dumpexits: exits_total=%lld\n", (long long)n);
	return 0;
}
