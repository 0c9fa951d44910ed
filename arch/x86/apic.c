/*
 * Local APIC interception, for one purpose: starting processors.
 *
 * When the guest sends INIT or a start-up IPI (SIPI) it would start an
 * application processor outside the hypervisor, or reset one that runs
 * under it.  So the ICR is intercepted — the xAPIC page through nested
 * paging, the x2APIC ICR MSR through the MSR bitmap — and INIT/SIPI are
 * handed to core/smp.c, which starts the processor itself.  Every other
 * APIC access goes straight to the hardware, with the value the guest
 * wrote.  The hypervisor's own IPIs (INIT, SIPI, NMI) are sent from inside
 * the handling of a guest ICR write or at boot, and the guest's ICR high
 * half is restored afterwards, so the guest never sees ours.
 *
 * Drivers also send a guest's device interrupt on the device's behalf
 * (apic_send_msi: the MSI message the guest programmed, decoded by
 * lib/x86/msi.c, as a fixed IPI); that may happen inside any exit, so it
 * too puts the guest's ICR high half back.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <tv/smp.h>
#include <arch/processor.h>
#include <arch/apic.h>
#include <tv/guest_map.h>
#include <tv/spinlock.h>
#include <tv/x86_msi.h>

#define APIC_BASE_ADDR		GENMASK(51, 12)
#define APIC_BASE_X2APIC	BIT(10)
#define APIC_BASE_ENABLE	BIT(11)
#define XAPIC_ID		0x020
#define XAPIC_ICR_LOW		0x300
#define XAPIC_ICR_HIGH		0x310
#define APIC_SPIN_MAX		1000000

static u64 xapic_base;		/* trapped page; fixed after boot */
static volatile bool xapic_trapped;
static spinlock_t apic_lock;	/* guards lifting the trap */
static u32 apic_warned;

static volatile u32 *xapic_reg(u32 off)
{
	return (volatile u32 *)(xapic_base + off);
}

static bool x2apic_on(void)
{
	return rdmsr(MSR_APIC_BASE) & APIC_BASE_X2APIC;
}

u32 apic_id(void)
{
	struct cpuid_regs r;

	cpuid(1, 0, &r);
	return r.ebx >> 24;
}

void apic_send(u32 dest, u32 icr_low)
{
	unsigned int spin;

	if (x2apic_on()) {
		wrmsr(MSR_X2APIC_ICR, ((u64)dest << 32) | icr_low);
		return;
	}
	*xapic_reg(XAPIC_ICR_HIGH) = dest << 24;
	*xapic_reg(XAPIC_ICR_LOW) = icr_low;
	for (spin = 0; spin < APIC_SPIN_MAX; spin++)
		if (!(*xapic_reg(XAPIC_ICR_LOW) & APIC_ICR_BUSY))
			break;
}

static void xapic_wait_idle(void)
{
	unsigned int spin;

	for (spin = 0; spin < APIC_SPIN_MAX; spin++)
		if (!(*xapic_reg(XAPIC_ICR_LOW) & APIC_ICR_BUSY))
			return;
}

int apic_send_msi(u64 addr, u32 data)
{
	struct x86_msi_ipi ipi;
	u32 low, high;
	int err = x86_msi_decode(addr, data, &ipi);

	if (err)
		return err;
	low = ipi.vector | APIC_ICR_ASSERT | (ipi.logical ? APIC_ICR_LOGICAL : 0);
	/* Stores before the IPI (WRMSR to the x2APIC ICR does not order). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (x2apic_on()) {
		/* An 8-bit xAPIC logical ID means nothing to an x2APIC. */
		if (ipi.logical)
			return -ENOTSUP;
		wrmsr(MSR_X2APIC_ICR, ((u64)ipi.dest << 32) | low);
		return 0;
	}
	high = *xapic_reg(XAPIC_ICR_HIGH);
	xapic_wait_idle();
	*xapic_reg(XAPIC_ICR_HIGH) = ipi.dest << 24;
	*xapic_reg(XAPIC_ICR_LOW) = low;
	xapic_wait_idle();
	*xapic_reg(XAPIC_ICR_HIGH) = high;
	return 0;
}

/* INIT and SIPI go to core/smp.c; everything else to the hardware. */
static bool apic_guest_icr(struct per_cpu *cpu, u32 low, u32 dest)
{
	u32 dm = APIC_ICR_DM(low);

	if (dm != APIC_DM_INIT && dm != APIC_DM_STARTUP)
		return false;
	if ((low & APIC_ICR_LOGICAL) && APIC_ICR_SHORTHAND(low) == APIC_SH_NONE) {
		log_ratelimited(apic_warned, "apic: cpu%u: logical-mode INIT/SIPI "
				"dropped\n", cpu->cpu_id);
		return true;
	}
	smp_guest_ipi(cpu, dm == APIC_DM_INIT, low & APIC_ICR_VECTOR,
		      APIC_ICR_SHORTHAND(low), dest,
		      !(low & APIC_ICR_ASSERT) && (low & APIC_ICR_LEVEL));
	return true;
}

bool apic_trapped(void)
{
	return xapic_trapped;
}

/*
 * Once the OS has started all processors, EOIs and timer writes need not
 * cost exits any more: map the page through (vmm.apic_trap_always keeps
 * it).  Going from not-present to present needs no TLB flush.
 */
static void apic_maybe_untrap(void)
{
	if (hv_config.apic_trap_always || !smp_boot_done())
		return;
	spin_lock(&apic_lock);
	if (xapic_trapped && !guest_map_untrap(xapic_base, 4096)) {
		xapic_trapped = false;
		log_printf("apic: every processor started; the APIC page is "
			   "no longer intercepted\n");
	}
	spin_unlock(&apic_lock);
}

static int xapic_mmio(struct per_cpu *cpu, u64 gpa, unsigned int size,
		      bool write, u64 *val, void *ctx)
{
	u32 off = (u32)(gpa - xapic_base) & ~3u;
	u32 high;

	apic_maybe_untrap();
	if (!write) {
		*val = *xapic_reg(off);
		return 0;
	}
	if (off != XAPIC_ICR_LOW) {
		*xapic_reg(off) = (u32)*val;
		return 0;
	}
	high = *xapic_reg(XAPIC_ICR_HIGH);
	if (apic_guest_icr(cpu, (u32)*val, high >> 24))
		*xapic_reg(XAPIC_ICR_HIGH) = high;	/* undo our IPIs' dest */
	else
		*xapic_reg(XAPIC_ICR_LOW) = (u32)*val;
	return 0;
}

bool apic_msr_write(struct per_cpu *cpu, u32 msr, u64 val)
{
	if (msr == MSR_X2APIC_ICR) {
		if (!apic_guest_icr(cpu, (u32)val, val >> 32))
			wrmsr(msr, val);
		return true;
	}
	if (msr == MSR_APIC_BASE && (val & APIC_BASE_ADDR) != xapic_base &&
	    (val & APIC_BASE_ENABLE) && !(val & APIC_BASE_X2APIC)) {
		/* Moving the xAPIC would move it out of our trap. */
		log_ratelimited(apic_warned, "apic: cpu%u: APIC base move to "
				"%llx refused\n", cpu->cpu_id,
				(unsigned long long)val);
		wrmsr(msr, (val & ~APIC_BASE_ADDR) | xapic_base);
		return true;
	}
	return false;
}

int apic_init(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);

	xapic_base = base & APIC_BASE_ADDR;
	log_printf("apic: base %llx, %s, boot APIC ID %u\n",
		   (unsigned long long)xapic_base,
		   (base & APIC_BASE_X2APIC) ? "x2APIC" : "xAPIC", apic_id());
	xapic_trapped = true;
	return mmio_register(xapic_base, 4096, xapic_mmio, NULL);
}
