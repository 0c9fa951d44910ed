/*
 * Saving and restoring the guest's SSE state around AES-NI (see
 * arch/x86/include/arch/fpu.h).
 *
 * FXSAVE/FXRSTOR need CR4.OSFXSR (else the SSE instructions and the XMM
 * part of FXSAVE are unavailable) and CR0.TS/EM clear (else #NM/#UD).  The
 * host's control registers are the hypervisor's own, copied from the
 * firmware at boot, so both are normally right already; fpu_begin makes
 * sure and fpu_end puts CR0.TS back if it had to clear it.  The areas are
 * 16-byte aligned as FXSAVE requires (FXSAVE faults otherwise), one per
 * CPU, indexed by this_cpu_id().
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <arch/fpu.h>
#include <arch/processor.h>

#define X86_CR0_EM	BIT(2)
#define X86_CR0_TS	BIT(3)
#define FXSAVE_AREA	512

struct fpu_state {
	u8 area[FXSAVE_AREA] __aligned(16);
	bool active;
	bool ts_was_set;
};

static struct fpu_state fpu_states[MAX_CPUS] __aligned(64);
static u32 fpu_warned;

void fpu_begin(void)
{
	struct fpu_state *s = &fpu_states[this_cpu_id() % MAX_CPUS];
	u64 cr0 = read_cr0(), cr4 = read_cr4();

	if (s->active)
		log_ratelimited(fpu_warned, "fpu: nested fpu_begin\n");
	if (!(cr4 & X86_CR4_OSFXSR))
		write_cr4(cr4 | X86_CR4_OSFXSR);
	s->ts_was_set = cr0 & X86_CR0_TS;
	if (cr0 & (X86_CR0_TS | X86_CR0_EM))
		write_cr0(cr0 & ~(X86_CR0_TS | X86_CR0_EM));
	asm volatile("fxsaveq %0" : "=m"(s->area) : : "memory");
	s->active = true;
}

void fpu_end(void)
{
	struct fpu_state *s = &fpu_states[this_cpu_id() % MAX_CPUS];

	asm volatile("fxrstorq %0" : : "m"(s->area) : "memory");
	s->active = false;
	if (s->ts_was_set)
		write_cr0(read_cr0() | X86_CR0_TS);
}
