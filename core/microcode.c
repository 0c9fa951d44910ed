/*
 * Microcode updates from the guest, AMD's way: an OS loads microcode by
 * writing the linear address of the patch to PATCH_LOADER (0xc0010020);
 * the CPU then reads the patch from memory.  (Intel's IA32_BIOS_UPDT_TRIG,
 * whose size comes from a header before the data, is handled the same way
 * by arch/x86/vmx/vmx_msr.c.)  Linux (since 4.10 on Intel) retries forever when an update does
 * not take, so swallowing the write is not an option; letting the guest's
 * address reach the CPU is not either: it names guest memory, which may be
 * anything, including pages the guest cannot legally read.
 *
 * So the hypervisor copies the update into its own memory, reading the
 * guest's pages one at a time through the guest's page tables (the patch's
 * size is not known up front: the copy runs to the first unreadable page
 * or the size cap), and issues the MSR write itself on this CPU with the
 * copy's address.  If the CPU refuses the update (#GP), the guest gets the
 * #GP it would have got.
 */
#include <tv/env.h>
#include <tv/hv.h>

#define UCODE_MAX_PAGES		4	/* 16 KiB: above any AMD patch */

static u32 ucode_warned;

/* Copies page by page; returns the bytes copied (a short read ends it). */
static size_t ucode_copy(struct per_cpu *cpu, u8 *dst, u64 gva, size_t size)
{
	size_t done = 0;

	while (done < size) {
		size_t chunk = MIN(size - done, 4096 - ((gva + done) & 4095));

		if (guest_copy_from_cpu(cpu, dst + done, gva + done, chunk))
			break;
		done += chunk;
	}
	return done;
}

int microcode_guest_update(struct per_cpu *cpu, u32 msr, u64 gva)
{
	size_t got;
	int err;

	if (!cpu->ucode_buf)
		cpu->ucode_buf = pages_alloc(UCODE_MAX_PAGES, NULL);
	if (!cpu->ucode_buf)
		return -EINVAL;
	got = ucode_copy(cpu, cpu->ucode_buf, gva, UCODE_MAX_PAGES * 4096);
	if (!got) {
		log_ratelimited(ucode_warned, "microcode: cpu%u: update at guest "
				"address %llx unreadable: #GP\n", cpu->cpu_id,
				(unsigned long long)gva);
		return -EFAULT;
	}
	err = arch_wrmsr_safe(msr, (u64)cpu->ucode_buf);
	log_ratelimited(ucode_warned, "microcode: cpu%u: update from guest "
			"address %llx, %zu bytes copied, %s by the CPU\n",
			cpu->cpu_id, (unsigned long long)gva, got,
			err ? "refused" : "accepted");
	return err;
}
