/*
 * AMD-V exit dispatch.  On each #VMEXIT svm_loop (svm_run.S) has saved the
 * guest's GPRs in cpu->guest; here we add RAX/RSP/RIP/RFLAGS from the VMCB,
 * re-queue any event whose delivery the exit interrupted (EXITINTINFO),
 * handle the exit, and write the registers back.
 *
 * Without NRIP save (QEMU TCG) the VMCB does not say where the intercepted
 * instruction ends: IOIO exits give it in EXITINFO2, for the others we
 * decode the instruction at RIP.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <arch/processor.h>
#include <arch/vmcb.h>
#include <arch/svm.h>
#include <arch/apic.h>
#include <tv/smp.h>

#define EXIT_IDX_NPF	0x9e
#define EXIT_IDX_OTHER	0x9f
#define EFER_VALID_BITS	(BIT(0) | GENMASK(15, 8))

static u32 svm_warned;

static unsigned int exit_index(u32 code)
{
	if (code < EXIT_IDX_NPF)
		return code;
	return code == SVM_EXIT_NPF ? EXIT_IDX_NPF : EXIT_IDX_OTHER;
}

const char *svm_exit_name(unsigned int idx)
{
	static char buf[16];

	switch (idx) {
	case SVM_EXIT_INTR: return "intr";
	case SVM_EXIT_NMI: return "nmi";
	case SVM_EXIT_CPUID: return "cpuid";
	case SVM_EXIT_HLT: return "hlt";
	case SVM_EXIT_IOIO: return "ioio";
	case SVM_EXIT_MSR: return "msr";
	case SVM_EXIT_SHUTDOWN: return "shutdown";
	case SVM_EXIT_VMRUN: return "vmrun";
	case SVM_EXIT_VMMCALL: return "vmmcall";
	case EXIT_IDX_NPF: return "npf";
	case EXIT_IDX_OTHER: return "other";
	}
	buf[0] = 'x';
	buf[1] = "0123456789abcdef"[(idx >> 4) & 15];
	buf[2] = "0123456789abcdef"[idx & 15];
	buf[3] = 0;
	return buf;
}

static void svm_skip(struct per_cpu *cpu, unsigned int len)
{
	struct vmcb *v = cpu->arch.svm.vmcb;

	if (svm_has_nrips && v->control.next_rip)
		cpu->guest.rip = v->control.next_rip;
	else if (hv_skip_instruction(cpu))
		cpu->guest.rip += len;	/* unreadable RIP: architectural size */
}

static void svm_handle_ioio(struct per_cpu *cpu, struct vmcb *v)
{
	u64 info = v->control.exit_info1;
	u16 port = SVM_IOIO_PORT(info);
	unsigned int size = info & SVM_IOIO_SZ32 ? 4 : info & SVM_IOIO_SZ16 ? 2 : 1;
	bool in = info & SVM_IOIO_IN;
	u64 *rax = &cpu->guest.gpr[GPR_RAX];
	u32 val = (u32)*rax;

	if (info & (SVM_IOIO_STR | SVM_IOIO_REP)) {
		log_ratelimited(svm_warned, "svm: string I/O to claimed port "
				"%x at rip %llx: #GP\n", port,
				(unsigned long long)cpu->guest.rip);
		arch->inject_exception(cpu, X86_EXC_GP, true, 0, 0);
		return;
	}
	if (!io_dispatch(cpu, port, size, !in, &val)) {
		/* Claimed by a bitmap bit but no handler: do the access. */
		if (in)
			val = inb(port);
		else
			outb(port, (u8)val);
	}
	if (in) {
		if (size == 4)
			*rax = val;
		else
			*rax = (*rax & ~GENMASK(size * 8 - 1, 0)) |
			       (val & GENMASK(size * 8 - 1, 0));
	}
	cpu->guest.rip = v->control.exit_info2;	/* next RIP, always given */
}

static int svm_msr_read(struct per_cpu *cpu, struct vmcb *v, u32 msr, u64 *val)
{
	switch (msr) {
	case MSR_EFER:
		*val = v->save.efer & ~EFER_SVME;
		return 0;
	case MSR_VM_CR:
		*val = VM_CR_LOCK | VM_CR_SVMDIS;
		return 0;
	case MSR_VM_HSAVE_PA:
		*val = 0;
		return 0;
	}
	return rdmsr_safe(msr, val);
}

static int svm_msr_write(struct per_cpu *cpu, struct vmcb *v, u32 msr, u64 val)
{
	if (apic_msr_write(cpu, msr, val))
		return 0;
	switch (msr) {
	case MSR_EFER:
		if ((val & ~EFER_VALID_BITS) || (val & EFER_SVME))
			return -EFAULT;
		v->save.efer = (val & ~EFER_LMA) | (v->save.efer & EFER_LMA) |
			       EFER_SVME;
		return 0;
	case MSR_VM_CR:
	case MSR_VM_HSAVE_PA:
		return -EFAULT;	/* SVM is disabled and locked */
	case MSR_SYSCFG:
		/* Nested under KVM this MSR reads but cannot be written. */
		return wrmsr_safe(msr, val);
	case MSR_PATCH_LOADER:
		return microcode_guest_update(cpu, msr, val);
	}
	return wrmsr_safe(msr, val);
}

static void svm_handle_msr(struct per_cpu *cpu, struct vmcb *v)
{
	u64 *g = cpu->guest.gpr;
	u32 msr = (u32)g[GPR_RCX];
	u64 val;
	int err;

	if (v->control.exit_info1) {
		val = ((u64)(u32)g[GPR_RDX] << 32) | (u32)g[GPR_RAX];
		err = svm_msr_write(cpu, v, msr, val);
	} else {
		err = svm_msr_read(cpu, v, msr, &val);
		if (!err) {
			g[GPR_RAX] = (u32)val;
			g[GPR_RDX] = val >> 32;
		}
	}
	if (err)
		arch->inject_exception(cpu, X86_EXC_GP, true, 0, 0);
	else
		svm_skip(cpu, 2);
}

static void svm_handle_shutdown(struct per_cpu *cpu, struct vmcb *v)
{
	log_printf("svm: cpu%u: guest shutdown (triple fault) at rip %llx "
		   "rsp %llx cr0 %llx cr3 %llx cr4 %llx efer %llx; resetting\n",
		   cpu->cpu_id, (unsigned long long)v->save.rip,
		   (unsigned long long)v->save.rsp,
		   (unsigned long long)v->save.cr0,
		   (unsigned long long)v->save.cr3,
		   (unsigned long long)v->save.cr4,
		   (unsigned long long)v->save.efer);
	hv_reboot();
}

/*
 * An NMI exit leaves the NMI pending (GIF is 0 in the host): take it now,
 * through our IDT, by opening GIF for a moment.  If it was the kick for a
 * guest INIT, wait for the guest's SIPI and restart there; otherwise it
 * belongs to the guest.  The registers synced into cpu->guest are replaced
 * too, since the exit path writes them back.
 */
static void svm_handle_nmi(struct per_cpu *cpu, struct vmcb *v, bool init)
{
	u8 vector;

	asm volatile("stgi; clgi" : : : "memory");
	if (init ? smp_init_exit(cpu, &vector) : smp_nmi_was_init(cpu, &vector)) {
		svm_vmcb_sipi_state(cpu, vector);
		cpu->guest.rip = 0;
		cpu->guest.gpr[GPR_RAX] = 0;
		cpu->guest.gpr[GPR_RSP] = 0;
		return;
	}
	if (!init)
		v->control.event_inj = 2 | SVM_EVT_TYPE_NMI | SVM_EVT_VALID;
}

static void svm_dispatch(struct per_cpu *cpu, struct vmcb *v, u32 code)
{
	switch (code) {
	case SVM_EXIT_NMI:
	case SVM_EXIT_INIT:
		svm_handle_nmi(cpu, v, code == SVM_EXIT_INIT);
		break;
	case SVM_EXIT_CPUID:
		hv_handle_cpuid(cpu);
		svm_skip(cpu, 2);
		break;
	case SVM_EXIT_IOIO:
		svm_handle_ioio(cpu, v);
		break;
	case SVM_EXIT_MSR:
		svm_handle_msr(cpu, v);
		break;
	case SVM_EXIT_VMMCALL:
		hv_handle_vmmcall(cpu);
		svm_skip(cpu, 3);
		break;
	case SVM_EXIT_NPF:
		mmio_handle_fault(cpu, v->control.exit_info2,
				  v->control.exit_info1 & SVM_NPF_WRITE,
				  v->control.exit_info1 & SVM_NPF_FETCH);
		break;
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
		arch->inject_exception(cpu, X86_EXC_UD, false, 0, 0);
		break;
	case SVM_EXIT_SHUTDOWN:
		svm_handle_shutdown(cpu, v);
		break;
	default:
		log_ratelimited(svm_warned, "svm: cpu%u: unexpected exit %x "
				"at rip %llx\n", cpu->cpu_id, code,
				(unsigned long long)cpu->guest.rip);
	}
}

void svm_handle_exit(struct per_cpu *cpu)
{
	struct vmcb *v = cpu->arch.svm.vmcb;
	u32 code = (u32)v->control.exit_code;
	u64 rip_in;

	if (svm_check_run_state(cpu, v))
		return;		/* entered with host state: enter again */
	if (code == SVM_EXIT_INVALID)
		panic("svm: cpu%u: VMRUN failed: invalid guest state "
		      "(rip %llx cr0 %llx cr4 %llx efer %llx)\n", cpu->cpu_id,
		      (unsigned long long)v->save.rip,
		      (unsigned long long)v->save.cr0,
		      (unsigned long long)v->save.cr4,
		      (unsigned long long)v->save.efer);
	cpu->guest.gpr[GPR_RAX] = v->save.rax;
	cpu->guest.gpr[GPR_RSP] = v->save.rsp;
	cpu->guest.rip = v->save.rip;
	cpu->guest.rflags = v->save.rflags;
	rip_in = v->save.rip;
	v->control.tlb_control = 0;
	v->control.event_inj = 0;
	if (v->control.exit_int_info & SVM_EVT_VALID)
		v->control.event_inj = v->control.exit_int_info;
	hv_count_exit(cpu, exit_index(code));
	svm_dispatch(cpu, v, code);
	/* An instruction we carried out for the guest ends an STI/MOV SS
	 * shadow, as executing it would have (APM vol. 2, 15.21.5). */
	if (cpu->guest.rip != rip_in)
		v->control.interrupt_shadow &= ~SVM_INTERRUPT_SHADOW;
	if (cpu->arch.svm.flush_tlb) {
		v->control.tlb_control = SVM_TLB_FLUSH_ALL;
		cpu->arch.svm.flush_tlb = false;
	}
	v->save.rax = cpu->guest.gpr[GPR_RAX];
	v->save.rsp = cpu->guest.gpr[GPR_RSP];
	v->save.rip = cpu->guest.rip;
	v->save.rflags = cpu->guest.rflags;
	svm_trace_exit(&cpu->arch.svm, v, rip_in);
	svm_entry_snapshot(cpu, v);
}
