/*
 * thinvisor-log: print the hypervisor's log ring (the "log" call).
 *
 * The hypervisor copies the newest bytes that fit into our 64 KiB buffer,
 * oldest first; we write them to stdout unchanged.
 */
#include <stdio.h>

#include "lib/call_vmm.h"

#define LOG_BUF_SIZE (64 * 1024)

static char log_buf[LOG_BUF_SIZE];

int main(void)
{
	int64_t n;

	call_vmm_require("thinvisor-log");
	call_vmm_prefault(log_buf, sizeof(log_buf));
	n = call_vmm_named("thinvisor-log", TV_CALL_LOG,
			   (uint64_t)(uintptr_t)log_buf, sizeof(log_buf), 0);
	if (n < 0)
		return 1;
	if ((uint64_t)n > sizeof(log_buf))
		n = sizeof(log_buf);
	fwrite(log_buf, 1, (size_t)n, stdout);
	return 0;
}
