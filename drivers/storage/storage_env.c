/*
 * The hypervisor half of the disk engines' environment, shared by
 * nvme_crypt and ahci_crypt: both engines are hardware-free (their unit
 * tests give them a simulated controller), and these are the callbacks
 * through which, in the hypervisor, they reach guest memory, AES-NI, time
 * and the log.  Only the register accessors differ per driver.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <tv/guest_map.h>
#include <tv/storage_boot.h>
#include <arch/fpu.h>
#include <arch/processor.h>

/* A controller command may take this long before we give up (~1-2 s). */
#define STORAGE_WAIT_CYCLES	(4ULL << 30)

/*
 * Guest-physical equals host-physical outside our memory: [gpa, gpa + len)
 * is usable if the guest itself may access both ends in that direction
 * (callers pass ranges within one page or check each page).
 */
void *storage_guest_map(void *ctx, u64 gpa, u32 len, bool write)
{
	if (!len || gpa + len < gpa || mem_is_hypervisor(gpa, len) ||
	    !guest_map_accessible(gpa, write) ||
	    !guest_map_accessible(gpa + len - 1, write))
		return NULL;
	return (void *)gpa;
}

/* Around XTS: the guest's SSE state is saved, AES-NI may run. */
void storage_crypt_begin(void *ctx)
{
	fpu_begin();
}

void storage_crypt_end(void *ctx)
{
	fpu_end();
}

bool storage_wait(void *ctx, u64 *budget)
{
	if (!*budget)
		*budget = rdtsc() + STORAGE_WAIT_CYCLES;
	cpu_relax();
	return rdtsc() < *budget;
}

void storage_log(void *ctx, const char *msg)
{
	log_printf("%s", msg);
}
