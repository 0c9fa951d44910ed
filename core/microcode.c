/*
 * Microcode updates from the guest.  An OS loads microcode by writing the
 * linear address of the update to an MSR (AMD PATCH_LOADER 0xc0010020,
 * Intel IA32_BIOS_UPDT_TRIG 0x79); the CPU then reads the update from
 * memory.  Linux (since 4.10 on Intel) retries forever when an update does
 * not take, so swallowing the write is not an option; letting the guest's
 * address reach the CPU is not either: it names guest memory, which may be
 * anything, including pages the guest cannot legally read.
 *
 * So the hypervisor copies the update into its own memory, reading the
 * guest's pages one at a time through the guest's page tables (the size is
 * not known up front on AMD, and on Intel only from a header that is
 * itself in guest memory: each further page is read only when the update
 * reaches into it), and issues the MSR write itself on this CPU with the
 * copy's address.  If the CPU refuses the update (#GP), the guest gets the
 * #GP it would have got.
 */
#include <tv/env.h>
#include <tv/hv.h>

#define UCODE_MAX_PAGES		4	/* 16 KiB: above any known update */
#define INTEL_TOTAL_SIZE_OFF	32	/* SDM vol.3 §10.11.1, table 10-7 */
#define INTEL_DEFAULT_SIZE	2048

static u32 ucode_warned;

/* Bytes of the update: Intel's header says; AMD's is read to the end. */
static size_t ucode_size(struct per_cpu *cpu, u64 gva, bool intel)
{
	u32 total;

	if (!intel)
		return UCODE_MAX_PAGES * 4096;
	if (guest_copy_from_cpu(cpu, &total, gva + INTEL_TOTAL_SIZE_OFF, 4))
		return 0;
	return total ? total : INTEL_DEFAULT_SIZE;
}

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

int microcode_guest_update(struct per_cpu *cpu, u32 msr, u64 gva, bool intel)
{
	size_t size = ucode_size(cpu, gva, intel), got;
	int err;

	if (!cpu->ucode_buf)
		cpu->ucode_buf = pages_alloc(UCODE_MAX_PAGES, NULL);
	if (!cpu->ucode_buf || !size || size > UCODE_MAX_PAGES * 4096)
		return -EINVAL;
	got = ucode_copy(cpu, cpu->ucode_buf, gva, size);
	if (!got || (intel && got < size)) {
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
