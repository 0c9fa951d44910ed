/*
 * AMD-V: turning SVM on, building the VMCB from the live firmware state and
 * entering the guest.
 *
 * The boot CPU is caught in the middle of the loader's call: we copy every
 * piece of its state (segments from the firmware's GDT, hidden FS/GS/TR/LDTR
 * state and the syscall MSRs through VMSAVE, control registers, EFER, PAT,
 * debug registers) into the VMCB, with RIP/RSP/RFLAGS and the callee-saved
 * registers of the return from tv_entry.  The first VMRUN therefore lands
 * in the loader just after its call, in the same state, but as a guest.
 * Only then do we switch this CPU to the hypervisor's own tables.
 *
 * Intercepts are minimal (a thin hypervisor): CPUID, the MSRs listed in
 * svm_msr_intercepts, ports drivers register, VMMCALL, the SVM instructions
 * (VMRUN must be intercepted; the others are hidden with #UD), shutdown, and
 * nested page faults.  No interrupts, HLT or timer exits.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <tv/guest_map.h>
#include <arch/processor.h>
#include <arch/cpu.h>
#include <arch/vmcb.h>
#include <arch/svm.h>
#include <arch/apic.h>

#define IOPM_PAGES	3
#define MSRPM_PAGES	2
#define CPUID_SVM	BIT(2)		/* 0x80000001 ECX */
#define CPUID_SVM_NPT	BIT(0)		/* 0x8000000A EDX */
#define CPUID_SVM_NRIPS	BIT(3)		/* 0x8000000A EDX */
#define GUEST_ASID	1

static u8 *iopm;
static u64 iopm_pa;
static u8 *msrpm;
static u64 msrpm_pa;
bool svm_has_nrips;
static unsigned int svm_phys_bits;

/* MSRs whose reads (R) or writes (W) we intercept. */
static const struct {
	u32 msr;
	bool read, write;
} svm_msr_intercepts[] = {
	{ MSR_EFER, true, true },	/* hide EFER.SVME */
	{ MSR_VM_CR, true, true },	/* report SVM disabled and locked */
	{ MSR_VM_HSAVE_PA, true, true },
	{ MSR_SYSCFG, false, true },	/* may #GP when we are nested */
	{ MSR_APIC_BASE, false, true },	/* keep the xAPIC in our trap */
	{ MSR_PATCH_LOADER, false, true },	/* microcode: core/microcode.c */
	{ MSR_X2APIC_ICR, false, true },	/* INIT/SIPI: core/smp.c */
};

/* MSRPM: 2 bits per MSR in three 2 KiB ranges (APM vol.2 §15.11). */
static int msrpm_set(u32 msr, bool read, bool write)
{
	u32 base;

	if (msr <= 0x1fff)
		base = 0;
	else if (msr >= 0xc0000000 && msr <= 0xc0001fff)
		base = 0x800 * 8, msr -= 0xc0000000;
	else if (msr >= 0xc0010000 && msr <= 0xc0011fff)
		base = 0x1000 * 8, msr -= 0xc0010000;
	else
		return -EINVAL;
	base += msr * 2;
	if (read)
		msrpm[base / 8] |= 1 << (base % 8);
	if (write)
		msrpm[(base + 1) / 8] |= 1 << ((base + 1) % 8);
	return 0;
}

static int svm_io_intercept(u16 port, u16 count, bool on)
{
	bitmap_assign_range(iopm, port, count, on);
	return 0;
}

static int svm_mmio_intercept(u64 base, u64 size, bool on)
{
	unsigned int i;
	int err = on ? guest_map_trap(base, size) :
		       guest_map_untrap(base, size);

	/* No flush-by-ASID on every CPU model: flush everything. */
	for (i = 0; i < ncpus; i++)
		cpus[i]->arch.svm.flush_tlb = true;
	return err;
}

static int svm_global_init(u64 top)
{
	bool large_1g = cpu_has_1g_pages();
	u64 cover = arch_phys_cover(top, large_1g);
	unsigned int i;
	int err;

	iopm = pages_alloc(IOPM_PAGES, &iopm_pa);
	msrpm = pages_alloc(MSRPM_PAGES, &msrpm_pa);
	if (!iopm || !msrpm)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(svm_msr_intercepts); i++)
		msrpm_set(svm_msr_intercepts[i].msr, svm_msr_intercepts[i].read,
			  svm_msr_intercepts[i].write);
	err = guest_map_init(PT_FORMAT_X86, large_1g, cover);
	if (err)
		return err;
	log_printf("svm: nested paging covers %llu GiB with %s pages\n",
		   (unsigned long long)(cover >> 30), large_1g ? "1 GiB" : "2 MiB");
	return host_paging_init(cover, large_1g);
}

static int svm_check_cpu(void)
{
	struct cpuid_regs r;
	u64 vmcr;

	cpuid(0x80000001, 0, &r);
	if (!(r.ecx & CPUID_SVM))
		return -ENODEV;
	cpuid(0x8000000a, 0, &r);
	if (!(r.edx & CPUID_SVM_NPT))
		return -ENODEV;
	svm_has_nrips = r.edx & CPUID_SVM_NRIPS;
	svm_phys_bits = cpu_phys_bits();
	if (rdmsr_safe(MSR_VM_CR, &vmcr))
		vmcr = 0;	/* some nested setups do not implement VM_CR */
	if (vmcr & VM_CR_SVMDIS)
		return -ENODEV;
	return 0;
}

static void seg_from_gdt(struct vmcb_seg *s, u16 sel, const struct desc_ptr *gdtr)
{
	u64 d;

	s->selector = sel;
	if (!(sel & ~7) || (sel & 4) || (sel | 7) > gdtr->limit) {
		s->attrib = 0;
		s->limit = 0;
		s->base = 0;
		return;
	}
	d = *(const u64 *)(gdtr->base + (sel & ~7));
	s->limit = (u32)((d & 0xffff) | ((d >> 32) & 0xf0000));
	if (d & BIT(55))	/* granularity: 4 KiB units */
		s->limit = (s->limit << 12) | 0xfff;
	s->base = ((d >> 16) & 0xffffff) | (((d >> 56) & 0xff) << 24);
	s->attrib = (u16)(((d >> 40) & 0xff) | (((d >> 52) & 0xf) << 8));
}

static void vmcb_capture_state(struct per_cpu *cpu, struct vmcb *v)
{
	struct vmcb_save *s = &v->save;
	struct desc_ptr gdtr, idtr;

	/* FS, GS, TR, LDTR (with hidden parts) and the syscall MSRs. */
	asm volatile("vmsave %%rax" : : "a"(cpu->arch.svm.vmcb_pa) : "memory");
	sgdt(&gdtr);
	sidt(&idtr);
	s->gdtr.base = gdtr.base;
	s->gdtr.limit = gdtr.limit;
	s->idtr.base = idtr.base;
	s->idtr.limit = idtr.limit;
	seg_from_gdt(&s->cs, read_cs(), &gdtr);
	seg_from_gdt(&s->ds, read_ds(), &gdtr);
	seg_from_gdt(&s->es, read_es(), &gdtr);
	seg_from_gdt(&s->ss, read_ss(), &gdtr);
	s->cpl = 0;
	s->efer = rdmsr(MSR_EFER);
	s->cr0 = read_cr0();
	s->cr2 = read_cr2();
	s->cr3 = read_cr3();
	s->cr4 = read_cr4();
	s->dr6 = read_dr6();
	s->dr7 = read_dr7();
	s->g_pat = rdmsr(MSR_PAT);
	s->rflags = cpu->guest.rflags;
	s->rip = cpu->guest.rip;
	s->rsp = cpu->guest.gpr[GPR_RSP];
	s->rax = cpu->guest.gpr[GPR_RAX];
}

static void vmcb_init_control(struct vmcb_control *c)
{
	/* NMI: how we kick a CPU for a guest INIT (core/smp.c).  INIT: on
	 * real hardware an INIT we did not send must not reset a CPU that
	 * runs under us (QEMU resets it regardless). */
	c->intercept_misc1 = SVM_INTERCEPT_CPUID | SVM_INTERCEPT_IOIO |
			     SVM_INTERCEPT_MSR | SVM_INTERCEPT_SHUTDOWN |
			     SVM_INTERCEPT_INVLPGA | SVM_INTERCEPT_NMI |
			     SVM_INTERCEPT_INIT;
	c->intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL |
			     SVM_INTERCEPT_VMLOAD | SVM_INTERCEPT_VMSAVE |
			     SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
			     SVM_INTERCEPT_SKINIT;
	c->iopm_base_pa = iopm_pa;
	c->msrpm_base_pa = msrpm_pa;
	c->asid = GUEST_ASID;
	c->tlb_control = SVM_TLB_FLUSH_ALL;
	c->np_control = SVM_NP_ENABLE;
	c->n_cr3 = guest_pt.root_pa;
}

/* SVM on, VMCB and host-save pages, intercepts: for every CPU. */
static int svm_cpu_prepare(struct per_cpu *cpu)
{
	struct svm_cpu *svm = &cpu->arch.svm;
	int err;

	err = svm_check_cpu();
	if (err)
		return err;
	svm->vmcb = page_alloc(&svm->vmcb_pa);
	svm->host_vmcb = page_alloc(&svm->host_vmcb_pa);
	if (!svm->vmcb || !svm->host_vmcb || !page_alloc(&svm->hsave_pa))
		return -ENOMEM;
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, svm->hsave_pa);
	vmcb_init_control(&svm->vmcb->control);
	return 0;
}

/* Our tables on this CPU, and our FS/GS/TR saved for after each exit. */
static void svm_host_load(struct per_cpu *cpu)
{
	host_cpu_load(cpu);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	asm volatile("vmsave %%rax"
		     : : "a"(cpu->arch.svm.host_vmcb_pa) : "memory");
}

static int svm_cpu_init(struct per_cpu *cpu)
{
	struct svm_cpu *svm = &cpu->arch.svm;
	int err;

	err = svm_cpu_prepare(cpu);
	if (err)
		return err;
	vmcb_capture_state(cpu, svm->vmcb);
	/* From here on this CPU runs on the hypervisor's tables. */
	svm_host_load(cpu);
	log_printf("svm: cpu%u: VMCB %llx, guest rip %llx, nrips %s\n",
		   cpu->cpu_id, (unsigned long long)svm->vmcb_pa,
		   (unsigned long long)svm->vmcb->save.rip,
		   svm_has_nrips ? "yes" : "no (decoding instead)");
	return 0;
}

static int svm_cpu_init_ap(struct per_cpu *cpu, u8 vector)
{
	int err;

	err = svm_cpu_prepare(cpu);
	if (err)
		return err;
	svm_host_load(cpu);
	svm_vmcb_sipi_state(cpu, vector);
	return 0;
}

void svm_launch(u64 *frame) __attribute__((noreturn));

static void __attribute__((noreturn)) svm_run(struct per_cpu *cpu)
{
	/* Frame read by svm_loop (svm_run.S), at the top of the CPU's stack. */
	u64 *frame = (u64 *)(cpu->stack + PERCPU_STACK_SIZE) - 4;

	frame[0] = (u64)&cpu->guest;
	frame[1] = cpu->arch.svm.vmcb_pa;
	frame[2] = cpu->arch.svm.host_vmcb_pa;
	frame[3] = (u64)cpu;
	svm_entry_snapshot(cpu, cpu->arch.svm.vmcb);
	svm_launch(frame);
}

static void svm_inject_exception(struct per_cpu *cpu, u8 vector, bool has_err,
				 u32 err, u64 cr2)
{
	struct vmcb *v = cpu->arch.svm.vmcb;

	if (v->control.event_inj & SVM_EVT_VALID)
		return;	/* re-injecting an interrupted event comes first */
	v->control.event_inj = vector | SVM_EVT_TYPE_EXC | SVM_EVT_VALID |
			       (has_err ? SVM_EVT_ERR_VALID | ((u64)err << 32) : 0);
	if (vector == X86_EXC_PF)
		v->save.cr2 = cr2;
}

static void svm_guest_paging(struct per_cpu *cpu, struct arch_guest_paging *p)
{
	struct vmcb_save *s = &cpu->arch.svm.vmcb->save;

	p->cr0 = s->cr0;
	p->cr3 = s->cr3;
	p->cr4 = s->cr4;
	p->efer = s->efer;
	p->cpl = s->cpl;
	p->maxphyaddr = svm_phys_bits;
	p->cs_base = s->cs.base;
	p->fs_base = s->fs.base;
	p->gs_base = s->gs.base;
	if ((s->efer & EFER_LMA) && (s->cs.attrib & BIT(9)))
		p->mode = 64;
	else if ((s->cr0 & X86_CR0_PE) && (s->cs.attrib & BIT(10)))
		p->mode = 32;
	else
		p->mode = 16;
}

const struct hv_arch_ops svm_ops = {
	.name = "AMD-V",
	.global_init = svm_global_init,
	.cpu_init = svm_cpu_init,
	.cpu_init_ap = svm_cpu_init_ap,
	.run = svm_run,
	.inject_exception = svm_inject_exception,
	.guest_paging = svm_guest_paging,
	.io_intercept = svm_io_intercept,
	.mmio_intercept = svm_mmio_intercept,
	.exit_name = svm_exit_name,
};

static void seg_real(struct vmcb_seg *s, u16 sel, u16 attrib)
{
	s->selector = sel;
	s->base = (u64)sel << 4;
	s->limit = 0xffff;
	s->attrib = attrib;
}

/*
 * The state a processor has after INIT and a SIPI with this vector (AMD APM
 * vol.2 §14.1.3 table 14-1; Intel SDM vol.3 §10.1.1): real mode at
 * vector:0000, caches as after reset, RDX = the processor signature.
 */
void svm_vmcb_sipi_state(struct per_cpu *cpu, u8 vector)
{
	struct vmcb *v = cpu->arch.svm.vmcb;
	struct vmcb_save *s = &v->save;
	struct cpuid_regs r;

	memset(s, 0, sizeof(*s));
	seg_real(&s->cs, (u16)vector << 8, 0x9b);
	seg_real(&s->ds, 0, 0x93);
	seg_real(&s->es, 0, 0x93);
	seg_real(&s->fs, 0, 0x93);
	seg_real(&s->gs, 0, 0x93);
	seg_real(&s->ss, 0, 0x93);
	seg_real(&s->ldtr, 0, 0x82);
	seg_real(&s->tr, 0, 0x8b);
	s->gdtr.limit = 0xffff;
	s->idtr.limit = 0xffff;
	s->cr0 = 0x60000010;
	s->efer = EFER_SVME;	/* required in the guest; hidden from reads */
	s->rflags = X86_RFLAGS_RESERVED1;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->g_pat = 0x0007040600070406ULL;
	memset(&cpu->guest, 0, sizeof(cpu->guest));
	cpuid(1, 0, &r);
	cpu->guest.gpr[GPR_RDX] = r.eax;
	cpu->guest.rflags = s->rflags;
	v->control.event_inj = 0;
	v->control.tlb_control = SVM_TLB_FLUSH_ALL;
}
