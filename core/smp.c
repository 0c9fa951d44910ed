/*
 * Every processor under the hypervisor.
 *
 * Application processors are started by the guest OS with INIT and SIPI
 * IPIs, which arch/x86/apic.c intercepts and hands here.  We never let a
 * guest SIPI through: it would start the AP at guest code outside the
 * hypervisor.  Instead the hypervisor starts the AP itself at its own
 * trampoline (arch/x86/trampoline.S, in a reserved page below 1 MiB), the AP
 * enters ap_entry, virtualizes itself and only then starts the guest's code
 * in real mode at the guest's SIPI vector — the state a real SIPI gives.
 *
 * INIT for a processor that already runs under us must not reach it (under
 * QEMU an INIT resets a CPU in guest mode outright, so the INIT intercept
 * cannot be relied on): we kick it with an NMI instead; it exits, sees the
 * pending INIT and waits in the hypervisor for the guest's SIPI.
 *
 * Per slot state:   FIRMWARE --INIT--> FIRMWARE(init_seen) --SIPI--> STARTING
 *                   --ap_entry--> RUNNING.
 * A RUNNING slot that gets an INIT is kicked (kicked = true, NMI); a SIPI
 * then leaves its vector (sipi = true); the kicked CPU, on its NMI exit,
 * waits for `sipi` and restarts the guest at the vector.  The two flags
 * make the order of the NMI exit and the SIPI irrelevant.
 *
 * Lock: smp_lock guards slots[] and the trampoline data; ap_boot_lock (in
 * the trampoline page) lets one AP at a time use the shared boot stack.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <tv/smp.h>
#include <tv/spinlock.h>
#include <arch/apic.h>
#include <arch/processor.h>

enum slot_state { SLOT_FIRMWARE, SLOT_STARTING, SLOT_RUNNING };

struct cpu_slot {
	u32 apic_id;
	volatile u8 state;	/* enum slot_state */
	bool init_seen;		/* FIRMWARE: the guest sent INIT */
	volatile bool kicked;	/* RUNNING: guest INIT, NMI sent */
	volatile bool sipi;	/* RUNNING: guest SIPI after the kick */
	volatile u8 vector;	/* guest SIPI vector */
	bool os_started;	/* last (re)start by a targeted SIPI */
	struct per_cpu *cpu;
};

/* About a second of TSC at 2-4 GHz: "the OS is done starting CPUs". */
#define SMP_QUIET_CYCLES	(1ULL << 32)

/* Mirrors the data area of arch/x86/trampoline.S at page offset 0xf00. */
struct trampoline_data {
	u16 gdt_limit;		/* 0x00 */
	u32 gdt_base;		/* 0x02 */
	u16 pad0;
	u32 prot32;		/* 0x08 */
	u16 prot32_sel;		/* 0x0c */
	u16 pad1;
	u32 long64;		/* 0x10 */
	u16 long64_sel;		/* 0x14 */
	u16 pad2;
	u32 cr3;		/* 0x18 */
	u32 pad3;
	u64 stack_top;		/* 0x20 */
	u64 entry;		/* 0x28 */
	u32 lock;		/* 0x30 */
	u32 pad4;
	u64 gdt[4];		/* 0x38 */
} __packed;
_Static_assert(sizeof(struct trampoline_data) == 0x58, "trampoline data");

#define TRAMPOLINE_DATA	0xf00
#define BOOT_STACK_SIZE	4096

extern const u8 trampoline_start[], trampoline_end[];
extern const u32 trampoline_prot32_off, trampoline_long64_off;

static struct cpu_slot slots[MAX_CPUS];
static unsigned int nslots;
static spinlock_t smp_lock;
static u64 trampoline_pa;
static u8 ap_boot_stack[BOOT_STACK_SIZE] __aligned(16);
static bool trampoline_ready;
static u64 last_ipi_tsc;	/* when the guest last sent INIT/SIPI */
static u32 smp_warned;

static struct cpu_slot *slot_by_apic(u32 apic)
{
	unsigned int i;

	for (i = 0; i < nslots; i++)
		if (slots[i].apic_id == apic)
			return &slots[i];
	return NULL;
}

static void trampoline_install(void)
{
	u8 *page = (u8 *)trampoline_pa;
	struct trampoline_data *d = (void *)(page + TRAMPOLINE_DATA);

	memcpy(page, trampoline_start, trampoline_end - trampoline_start);
	d->gdt[0] = 0;
	d->gdt[1] = 0x00cf9a000000ffffULL;	/* 32-bit code */
	d->gdt[2] = 0x00cf92000000ffffULL;	/* data */
	d->gdt[3] = 0x00af9a000000ffffULL;	/* 64-bit code */
	d->gdt_limit = sizeof(d->gdt) - 1;
	d->gdt_base = (u32)(trampoline_pa + TRAMPOLINE_DATA +
			    offsetof(struct trampoline_data, gdt));
	d->prot32 = (u32)trampoline_pa + trampoline_prot32_off;
	d->prot32_sel = 0x08;
	d->long64 = (u32)trampoline_pa + trampoline_long64_off;
	d->long64_sel = 0x18;
	d->cr3 = (u32)read_cr3();
	d->stack_top = (u64)(ap_boot_stack + BOOT_STACK_SIZE);
	d->entry = (u64)ap_entry;
	d->lock = 0;
}

int smp_init(const struct tv_rec_cpus *rec, u32 bsp_apic_id)
{
	unsigned int i;

	slots[0].apic_id = bsp_apic_id;
	slots[0].state = SLOT_RUNNING;
	slots[0].cpu = cpus[0];
	slots[0].os_started = true;
	nslots = 1;
	last_ipi_tsc = rdtsc();
	if (!rec || !rec->trampoline_pa) {
		log_printf("smp: no processor list from the firmware: only the "
			   "boot CPU runs under the hypervisor\n");
		return 0;
	}
	trampoline_pa = rec->trampoline_pa;
	for (i = 0; i < rec->count && i < TV_REC_CPUS_MAX && nslots < MAX_CPUS; i++)
		if (rec->apic_id[i] != bsp_apic_id)
			slots[nslots++].apic_id = rec->apic_id[i];
	log_printf("smp: %u processors, AP start page %llx\n", nslots,
		   (unsigned long long)trampoline_pa);
	return 0;
}

static struct per_cpu *slot_cpu_alloc(struct cpu_slot *s)
{
	struct per_cpu *cpu;

	if (s->cpu)
		return s->cpu;
	cpu = pages_alloc(sizeof(struct per_cpu) / 4096, NULL);
	if (!cpu)
		return NULL;
	cpu->apic_id = s->apic_id;
	s->cpu = cpu;
	return cpu;
}

static void slot_init(struct cpu_slot *s)
{
	if (s->state == SLOT_RUNNING) {
		/* Kick it out of the guest; it waits for the SIPI. */
		s->sipi = false;
		__atomic_store_n(&s->kicked, true, __ATOMIC_RELEASE);
		apic_send(s->apic_id, APIC_ICR_DM_NMI | APIC_ICR_ASSERT);
	} else if (s->state == SLOT_FIRMWARE) {
		apic_send(s->apic_id, APIC_ICR_DM_INIT | APIC_ICR_ASSERT);
		s->init_seen = true;
	}
}

static void slot_sipi(struct cpu_slot *s, u8 vector, bool targeted)
{
	if (s->state == SLOT_RUNNING) {
		if (s->kicked && !s->sipi) {
			s->vector = vector;
			s->os_started = targeted;
			__atomic_store_n(&s->sipi, true, __ATOMIC_RELEASE);
		}
		return;	/* no INIT before it: a running CPU ignores SIPIs */
	}
	if (s->state != SLOT_FIRMWARE || !s->init_seen || !trampoline_pa)
		return;	/* a second SIPI, or no INIT before it: ignored */
	if (!trampoline_ready) {
		/* Now, in host mode: the trampoline takes our CR3. */
		trampoline_install();
		trampoline_ready = true;
	}
	if (!slot_cpu_alloc(s)) {
		log_printf("smp: no memory for the CPU with APIC ID %u\n",
			   s->apic_id);
		return;
	}
	s->vector = vector;
	s->os_started = targeted;
	s->state = SLOT_STARTING;
	apic_send(s->apic_id, APIC_ICR_DM_STARTUP | APIC_ICR_ASSERT |
		  (u32)(trampoline_pa >> 12));
}

void smp_guest_ipi(struct per_cpu *self, bool init, u8 vector,
		   unsigned int shorthand, u32 dest, bool deassert)
{
	unsigned int i;

	if (init && deassert)
		return;	/* INIT level de-assert: nothing to do since P4 */
	spin_lock(&smp_lock);
	last_ipi_tsc = rdtsc();
	for (i = 0; i < nslots; i++) {
		struct cpu_slot *s = &slots[i];
		bool self_target = s->apic_id == self->apic_id;

		if (shorthand == APIC_SH_SELF || (shorthand == APIC_SH_OTHERS &&
						  self_target) ||
		    (shorthand == APIC_SH_NONE && s->apic_id != dest))
			continue;
		if (self_target) {
			log_ratelimited(smp_warned, "smp: cpu%u: INIT/SIPI to "
					"itself ignored\n", self->cpu_id);
			continue;
		}
		if (init)
			slot_init(s);
		else
			slot_sipi(s, vector, shorthand == APIC_SH_NONE);
	}
	spin_unlock(&smp_lock);
}

bool smp_nmi_was_init(struct per_cpu *cpu, u8 *vector)
{
	struct cpu_slot *s = slot_by_apic(cpu->apic_id);

	if (!s || !__atomic_load_n(&s->kicked, __ATOMIC_ACQUIRE))
		return false;
	log_printf("smp: cpu%u: INIT from the guest, waiting for its SIPI\n",
		   cpu->cpu_id);
	while (!__atomic_load_n(&s->sipi, __ATOMIC_ACQUIRE))
		cpu_relax();
	spin_lock(&smp_lock);
	*vector = s->vector;
	s->kicked = false;
	s->sipi = false;
	spin_unlock(&smp_lock);
	log_printf("smp: cpu%u: guest restarts it at %x:0000\n", cpu->cpu_id,
		   *vector << 8);
	return true;
}

void ap_start(void *arg) __attribute__((noreturn));

/* On the AP's own stack: virtualize it, start the guest at the vector. */
void ap_start(void *arg)
{
	struct cpu_slot *s = arg;
	struct per_cpu *cpu = s->cpu;
	int err;

	spin_lock(&smp_lock);
	cpu->cpu_id = ncpus;
	cpus[ncpus++] = cpu;
	spin_unlock(&smp_lock);
	err = arch->cpu_init_ap(cpu, s->vector);
	if (err)
		panic("smp: cpu%u (APIC ID %u) cannot be virtualized: %d\n",
		      cpu->cpu_id, cpu->apic_id, err);
	s->state = SLOT_RUNNING;
	log_printf("smp: cpu%u (APIC ID %u) under the hypervisor, guest starts "
		   "at %x:0000\n", cpu->cpu_id, cpu->apic_id, s->vector << 8);
	arch->run(cpu);
}

void ap_entry(u64 tramp)
{
	struct trampoline_data *d = (void *)(tramp + TRAMPOLINE_DATA);
	struct cpu_slot *s = slot_by_apic(apic_id());

	if (!s || !s->cpu || s->state != SLOT_STARTING) {
		d->lock = 0;
		cpu_halt_forever();	/* not started by us: park it */
	}
	/* lock sits at a 4-byte aligned offset of the page (0xf30). */
	arch_switch_stack(s->cpu->stack + PERCPU_STACK_SIZE, ap_start, s,
			  (u32 *)((u8 *)d + offsetof(struct trampoline_data, lock)));
}

/*
 * True once the OS has started every processor with targeted SIPIs and sent
 * no INIT/SIPI for a while: from then on the APIC need not be trapped
 * (arch/x86/apic.c lifts the trap unless vmm.apic_trap_always).
 */
bool smp_boot_done(void)
{
	unsigned int i;
	bool done = rdtsc() - last_ipi_tsc > SMP_QUIET_CYCLES;

	spin_lock(&smp_lock);
	for (i = 0; i < nslots && done; i++)
		done = slots[i].state == SLOT_RUNNING && slots[i].os_started &&
		       !slots[i].kicked;
	spin_unlock(&smp_lock);
	return done;
}

/* An INIT reached this CPU in guest mode (real hardware only). */
bool smp_init_exit(struct per_cpu *cpu, u8 *vector)
{
	struct cpu_slot *s = slot_by_apic(cpu->apic_id);

	if (!s || cpu->cpu_id == 0)
		return false;	/* the boot CPU keeps running the guest */
	if (!apic_trapped()) {
		/* We could not see the SIPI that follows: refuse the INIT. */
		log_ratelimited(smp_warned, "smp: cpu%u: INIT after boot "
				"refused (see vmm.apic_trap_always)\n",
				cpu->cpu_id);
		return false;
	}
	spin_lock(&smp_lock);
	if (s->state == SLOT_RUNNING && !s->kicked) {
		s->sipi = false;
		s->kicked = true;
	}
	spin_unlock(&smp_lock);
	return smp_nmi_was_init(cpu, vector);
}

/* The CPU we run on, found from the stack (each per_cpu starts with it). */
unsigned int this_cpu_id(void)
{
	u64 sp = (u64)__builtin_frame_address(0);
	unsigned int i;

	for (i = 0; i < ncpus; i++)
		if (sp - (u64)cpus[i]->stack < PERCPU_STACK_SIZE)
			return i;
	return 0;	/* the boot stack: boot CPU */
}
