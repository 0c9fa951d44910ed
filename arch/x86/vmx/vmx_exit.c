/*
 * VT-x exit dispatch, the twin of svm_exit.c.  On each VM exit vmx_run.S
 * has saved the guest's GPRs in cpu->guest; here we add RSP/RIP/RFLAGS
 * from the VMCS, keep any event whose delivery the exit interrupted
 * (IDT-vectoring information, SDM vol.3 §28.2.4) for re-injection, handle
 * the exit, inject what is pending and write the registers back.
 *
 * Unlike AMD-V, VT-x always reports the length of the instruction that
 * exited (VM-exit instruction length), so no decoding is needed to skip it.
 *
 * NMIs: with "NMI exiting" every NMI exits; one that is not the SMP kick
 * of core/smp.c belongs to the guest and is injected as soon as the guest
 * can take it.  With "virtual NMIs" the CPU tracks the guest's NMI
 * blocking; "NMI-window exiting" tells us when it ends (§26.7.6).
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <tv/smp.h>
#include <arch/processor.h>
#include <arch/vmx.h>

#define EXIT_IDX_OTHER	(EXIT_COUNTERS - 1)

static u32 vmx_warned;

static const char *const exit_names[EXIT_REASON_MAX] = {
	[0] = "nmi", [1] = "intr", [2] = "triple_fault", [3] = "init",
	[4] = "sipi", [5] = "io_smi", [6] = "smi", [7] = "intr_window",
	[8] = "nmi_window", [9] = "task_switch", [10] = "cpuid",
	[11] = "getsec", [12] = "hlt", [13] = "invd", [14] = "invlpg",
	[15] = "rdpmc", [16] = "rdtsc", [17] = "rsm", [18] = "vmcall",
	[19] = "vmclear", [20] = "vmlaunch", [21] = "vmptrld",
	[22] = "vmptrst", [23] = "vmread", [24] = "vmresume",
	[25] = "vmwrite", [26] = "vmxoff", [27] = "vmxon", [28] = "cr",
	[29] = "dr", [30] = "ioio", [31] = "rdmsr", [32] = "wrmsr",
	[33] = "bad_guest_state", [34] = "msr_load_fail", [36] = "mwait",
	[37] = "mtf", [39] = "monitor", [40] = "pause", [41] = "mce_entry",
	[43] = "tpr_below", [44] = "apic_access", [45] = "veoi",
	[46] = "gdtr_idtr", [47] = "ldtr_tr", [48] = "ept_violation",
	[49] = "ept_misconfig", [50] = "invept", [51] = "rdtscp",
	[52] = "preempt_timer", [53] = "invvpid", [54] = "wbinvd",
	[55] = "xsetbv", [56] = "apic_write", [57] = "rdrand",
	[58] = "invpcid", [59] = "vmfunc", [60] = "encls", [61] = "rdseed",
	[62] = "pml_full", [63] = "xsaves", [64] = "xrstors",
	[65] = "pconfig", [66] = "spp", [67] = "umwait", [68] = "tpause",
	[69] = "loadiwkey", [70] = "enclv", [72] = "enqcmd",
	[73] = "enqcmds", [74] = "bus_lock", [75] = "notify",
	[76] = "seamcall", [77] = "tdcall",
};

static unsigned int exit_index(u32 reason)
{
	u32 basic = reason & EXIT_REASON_BASIC;

	return basic < EXIT_IDX_OTHER ? basic : EXIT_IDX_OTHER;
}

const char *vmx_exit_name(unsigned int idx)
{
	static char buf[8];

	if (idx < EXIT_REASON_MAX && exit_names[idx])
		return exit_names[idx];
	if (idx == EXIT_IDX_OTHER)
		return "other";
	buf[0] = 'x';
	buf[1] = "0123456789abcdef"[(idx >> 4) & 15];
	buf[2] = "0123456789abcdef"[idx & 15];
	buf[3] = 0;
	return buf;
}

/* Past the instruction that exited, which also ends an STI/MOV SS shadow. */
void vmx_skip(struct per_cpu *cpu)
{
	u64 shadow = vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);

	cpu->guest.rip += vmcs_read(VMCS_EXIT_INSN_LEN);
	if (shadow & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
		vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, shadow &
			   ~(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

/* core/cpuid.c also mirrors the guest's CR4 into OSXSAVE/OSPKE. */
static void vmx_handle_cpuid(struct per_cpu *cpu)
{
	hv_handle_cpuid(cpu);
	vmx_skip(cpu);
}

static u32 port_in(u16 port, unsigned int size)
{
	u32 v;

	if (size == 1) {
		u8 b;

		asm volatile("inb %1, %0" : "=a"(b) : "Nd"(port));
		v = b;
	} else if (size == 2) {
		u16 w;

		asm volatile("inw %1, %0" : "=a"(w) : "Nd"(port));
		v = w;
	} else {
		asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	}
	return v;
}

static void port_out(u16 port, unsigned int size, u32 v)
{
	if (size == 1)
		asm volatile("outb %b0, %1" : : "a"(v), "Nd"(port));
	else if (size == 2)
		asm volatile("outw %w0, %1" : : "a"(v), "Nd"(port));
	else
		asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static void vmx_handle_io(struct per_cpu *cpu)
{
	u64 qual = vmcs_read(VMCS_EXIT_QUAL);
	u16 port = IO_QUAL_PORT(qual);
	unsigned int size = IO_QUAL_SIZE(qual);
	bool in = qual & IO_QUAL_IN;
	u64 *rax = &cpu->guest.gpr[GPR_RAX];
	u32 val = (u32)*rax;

	if (size != 1 && size != 2 && size != 4)
		panic("vmx: I/O exit qualification %llx\n",
		      (unsigned long long)qual);
	if (qual & (IO_QUAL_STRING | IO_QUAL_REP)) {
		log_ratelimited(vmx_warned, "vmx: string I/O to claimed port "
				"%x at rip %llx: #GP\n", port,
				(unsigned long long)cpu->guest.rip);
		arch->inject_exception(cpu, X86_EXC_GP, true, 0, 0);
		return;
	}
	if (!io_dispatch(cpu, port, size, !in, &val)) {
		/* Claimed by a bitmap bit but no handler: do the access. */
		if (in)
			val = port_in(port, size);
		else
			port_out(port, size, val);
	}
	if (in) {
		if (size == 4)
			*rax = val;	/* a 32-bit result clears bits 63:32 */
		else
			*rax = (*rax & ~GENMASK(size * 8 - 1, 0)) |
			       (val & GENMASK(size * 8 - 1, 0));
	}
	vmx_skip(cpu);
}

/*
 * An NMI (or INIT) exit.  If it was the SMP kick for a guest INIT (or a
 * real INIT reached an AP), wait for the guest's SIPI and restart there;
 * an INIT to the boot CPU is dropped (it keeps running the guest).  Any
 * other NMI is the guest's: inject it when it can be taken.
 */
static void vmx_handle_nmi(struct per_cpu *cpu, bool init, bool drop)
{
	u8 vector;

	if (drop)
		return;	/* the kick's own NMI, after the restart it caused */
	if (init ? smp_init_exit(cpu, &vector) : smp_nmi_was_init(cpu, &vector)) {
		vmx_vmcs_sipi_state(cpu, vector);
		/* This NMI may have been the guest's, the kick still pending. */
		cpu->arch.vmx.drop_nmi = !init;
		return;
	}
	if (!init)
		cpu->arch.vmx.nmi_pending = true;
}

/*
 * The kick NMI can also reach this CPU while it is in the hypervisor,
 * where the host IDT takes it (VMX has no GIF to hold it): look for a
 * pending kick before every entry as well.  After an NMI exit, NMIs stay
 * blocked until the entry, so the kick's NMI then arrives right after it:
 * drop_nmi makes the first exit swallow it.  Only an NMI landing between
 * this check and VMRESUME goes unseen (docs/vmx.md).
 */
static void vmx_check_kick(struct per_cpu *cpu, bool nmi_exit)
{
	u8 vector;

	if (!smp_nmi_was_init(cpu, &vector))
		return;
	vmx_vmcs_sipi_state(cpu, vector);
	cpu->arch.vmx.drop_nmi = nmi_exit;
}

static bool exit_is_nmi(u32 basic)
{
	return basic == EXIT_EXCEPTION_NMI &&
	       (vmcs_read(VMCS_EXIT_INTR_INFO) & (INTR_INFO_VALID | 7U << 8)) ==
	       (INTR_INFO_VALID | INTR_TYPE_NMI);
}

static void vmx_handle_exception_nmi(struct per_cpu *cpu, bool drop)
{
	u64 info = vmcs_read(VMCS_EXIT_INTR_INFO);

	if (exit_is_nmi(EXIT_EXCEPTION_NMI)) {
		vmx_handle_nmi(cpu, false, drop);
		return;
	}
	log_ratelimited(vmx_warned, "vmx: cpu%u: unexpected exception exit "
			"%llx at rip %llx\n", cpu->cpu_id,
			(unsigned long long)info,
			(unsigned long long)cpu->guest.rip);
}

static void vmx_handle_triple_fault(struct per_cpu *cpu)
{
	log_printf("vmx: cpu%u: guest triple fault at rip %llx rsp %llx "
		   "cr0 %llx cr3 %llx cr4 %llx efer %llx; resetting\n",
		   cpu->cpu_id, (unsigned long long)cpu->guest.rip,
		   (unsigned long long)cpu->guest.gpr[GPR_RSP],
		   vmcs_ull(VMCS_GUEST_CR0), vmcs_ull(VMCS_GUEST_CR3),
		   vmcs_ull(VMCS_GUEST_CR4), vmcs_ull(VMCS_GUEST_EFER));
	hv_reboot();
}

static void vmx_handle_ept_violation(struct per_cpu *cpu)
{
	u64 qual = vmcs_read(VMCS_EXIT_QUAL);

	mmio_handle_fault(cpu, vmcs_read(VMCS_GUEST_PHYS_ADDR),
			  qual & EPT_QUAL_WRITE, qual & EPT_QUAL_FETCH);
}

/* VMX is hidden (CPUID, CR4.VMXE reads 0): its instructions #UD. */
static bool exit_is_vmx_insn(u32 basic)
{
	switch (basic) {
	case EXIT_VMCLEAR: case EXIT_VMLAUNCH: case EXIT_VMPTRLD:
	case EXIT_VMPTRST: case EXIT_VMREAD: case EXIT_VMRESUME:
	case EXIT_VMWRITE: case EXIT_VMXOFF: case EXIT_VMXON:
	case EXIT_INVEPT: case EXIT_INVVPID: case EXIT_VMFUNC:
	case EXIT_GETSEC:
		return true;
	}
	return false;
}

static void vmx_dispatch(struct per_cpu *cpu, u32 basic, bool drop_nmi)
{
	switch (basic) {
	case EXIT_EXCEPTION_NMI:
		vmx_handle_exception_nmi(cpu, drop_nmi);
		break;
	case EXIT_INIT:
		vmx_handle_nmi(cpu, true, false);
		break;
	case EXIT_NMI_WINDOW:
		break;	/* vmx_deliver_events injects the pending NMI */
	case EXIT_CPUID:
		vmx_handle_cpuid(cpu);
		break;
	case EXIT_IO:
		vmx_handle_io(cpu);
		break;
	case EXIT_RDMSR:
	case EXIT_WRMSR:
		vmx_handle_msr(cpu, basic == EXIT_WRMSR);
		break;
	case EXIT_VMCALL:
		hv_handle_vmmcall(cpu);
		vmx_skip(cpu);
		break;
	case EXIT_CR_ACCESS:
		vmx_handle_cr(cpu);
		break;
	case EXIT_XSETBV:
		vmx_handle_xsetbv(cpu);
		break;
	case EXIT_INVD:
		asm volatile("wbinvd" : : : "memory");	/* never lose data */
		vmx_skip(cpu);
		break;
	case EXIT_EPT_VIOLATION:
		vmx_handle_ept_violation(cpu);
		break;
	case EXIT_EPT_MISCONFIG:
		panic("vmx: cpu%u: EPT misconfiguration at %llx (rip %llx)\n",
		      cpu->cpu_id, vmcs_ull(VMCS_GUEST_PHYS_ADDR),
		      (unsigned long long)cpu->guest.rip);
	case EXIT_TRIPLE_FAULT:
		vmx_handle_triple_fault(cpu);
		break;
	default:
		if (!exit_is_vmx_insn(basic))
			log_ratelimited(vmx_warned, "vmx: cpu%u: unexpected "
					"exit %s (%u) at rip %llx: #UD\n",
					cpu->cpu_id,
					vmx_exit_name(exit_index(basic)), basic,
					(unsigned long long)cpu->guest.rip);
		arch->inject_exception(cpu, X86_EXC_UD, false, 0, 0);
	}
}

static bool is_software_event(u32 info)
{
	u32 type = info & (7U << 8);

	return type == INTR_TYPE_SW_INT || type == INTR_TYPE_PRIV_SW_EXC ||
	       type == INTR_TYPE_SW_EXC;
}

/* An event whose delivery the exit interrupted goes in again first. */
static void vmx_save_idt_vectoring(struct per_cpu *cpu)
{
	struct vmx_cpu *v = &cpu->arch.vmx;
	u32 info = (u32)vmcs_read(VMCS_IDT_VECTORING_INFO);

	v->event = 0;
	if (!(info & INTR_INFO_VALID))
		return;
	v->event = info & ~(u32)INTR_INFO_NMI_UNBLOCK;
	if (info & INTR_INFO_ERR_VALID)
		v->event_err = (u32)vmcs_read(VMCS_IDT_VECTORING_ERR);
	if (is_software_event(info))
		v->event_len = (u32)vmcs_read(VMCS_EXIT_INSN_LEN);
}

/*
 * An exit in the middle of an IRET that unblocked NMIs leaves them
 * unblocked; re-executing the IRET must find them blocked (§28.2.3).
 */
static void vmx_restore_nmi_blocking(struct per_cpu *cpu, u32 basic)
{
	u64 bit;

	if (cpu->arch.vmx.event)
		return;
	if (basic == EXIT_EPT_VIOLATION)
		bit = vmcs_read(VMCS_EXIT_QUAL) & EPT_QUAL_NMI_UNBLOCK;
	else if (basic == EXIT_EXCEPTION_NMI)
		bit = vmcs_read(VMCS_EXIT_INTR_INFO) & INTR_INFO_NMI_UNBLOCK;
	else
		return;
	if (bit)
		vmcs_write(VMCS_GUEST_INTERRUPTIBILITY,
			   vmcs_read(VMCS_GUEST_INTERRUPTIBILITY) |
			   INTERRUPTIBILITY_NMI);
}

static void vmx_set_nmi_window(struct vmx_cpu *v, bool on)
{
	u32 ctls = on ? v->cpu_ctls | CPU_NMI_WINDOW_EXITING :
			v->cpu_ctls & ~(u32)CPU_NMI_WINDOW_EXITING;

	if (ctls != v->cpu_ctls) {
		v->cpu_ctls = ctls;
		vmcs_write(VMCS_CPU_CTLS, ctls);
	}
}

/*
 * The event to inject on this entry, and a pending NMI if the guest can
 * take it now (§27.3.1.5: not with STI/MOV SS/virtual-NMI blocking).
 */
static void vmx_deliver_events(struct per_cpu *cpu)
{
	struct vmx_cpu *v = &cpu->arch.vmx;

	if (v->nmi_pending && !v->event &&
	    !(vmcs_read(VMCS_GUEST_INTERRUPTIBILITY) &
	      (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS |
	       INTERRUPTIBILITY_NMI))) {
		v->event = 2 | INTR_TYPE_NMI | INTR_INFO_VALID;
		v->nmi_pending = false;
	}
	vmx_set_nmi_window(v, v->nmi_pending);
	if (!v->event)
		return;
	vmcs_write(VMCS_ENTRY_INTR_INFO, v->event);
	if (v->event & INTR_INFO_ERR_VALID)
		vmcs_write(VMCS_ENTRY_EXC_ERR, v->event_err);
	if (is_software_event(v->event))
		vmcs_write(VMCS_ENTRY_INSN_LEN, v->event_len);
}

/* VM-entry failures that reach the exit path (§27.8): our bug. */
static void __attribute__((noreturn)) vmx_entry_failure(struct per_cpu *cpu,
							 u32 reason)
{
	vmx_dump_guest("VM entry failed");
	panic("vmx: cpu%u: VM entry failed: %s (exit reason %x, "
	      "qualification %llx)\n", cpu->cpu_id,
	      vmx_exit_name(exit_index(reason)), reason,
	      vmcs_ull(VMCS_EXIT_QUAL));
}

void vmx_entry_failed(struct per_cpu *cpu, u64 rflags)
{
	u32 err = (rflags & BIT(0)) ? 0 : vmx_insn_error();

	if (err == VMX_ERR_ENTRY_INVALID_CTLS || err == VMX_ERR_ENTRY_INVALID_HOST)
		vmx_dump_guest("VMLAUNCH/VMRESUME failed");
	panic("vmx: cpu%u: VMLAUNCH/VMRESUME failed: %s (VM-instruction "
	      "error %u)\n", cpu->cpu_id, (rflags & BIT(0)) ?
	      "VMfailInvalid" : vmx_insn_error_name(err), err);
}

void vmx_handle_exit(struct per_cpu *cpu)
{
	u32 reason = (u32)vmcs_read(VMCS_EXIT_REASON);
	u32 basic = reason & EXIT_REASON_BASIC;
	bool drop_nmi = cpu->arch.vmx.drop_nmi;
	u64 rsp, rip, rflags;

	if (reason & EXIT_REASON_ENTRY_FAIL)
		vmx_entry_failure(cpu, reason);
	rsp = cpu->guest.gpr[GPR_RSP] = vmcs_read(VMCS_GUEST_RSP);
	rip = cpu->guest.rip = vmcs_read(VMCS_GUEST_RIP);
	rflags = cpu->guest.rflags = vmcs_read(VMCS_GUEST_RFLAGS);
	vmx_save_idt_vectoring(cpu);
	vmx_restore_nmi_blocking(cpu, basic);
	hv_count_exit(cpu, exit_index(reason));
	cpu->arch.vmx.drop_nmi = false;
	vmx_dispatch(cpu, basic, drop_nmi);
	vmx_check_kick(cpu, exit_is_nmi(basic));
	if (cpu->arch.vmx.flush_ept) {
		cpu->arch.vmx.flush_ept = false;
		vmx_flush_ept();
	}
	vmx_deliver_events(cpu);
	if (cpu->guest.gpr[GPR_RSP] != rsp)
		vmcs_write(VMCS_GUEST_RSP, cpu->guest.gpr[GPR_RSP]);
	if (cpu->guest.rip != rip)
		vmcs_write(VMCS_GUEST_RIP, cpu->guest.rip);
	if (cpu->guest.rflags != rflags)
		vmcs_write(VMCS_GUEST_RFLAGS, cpu->guest.rflags);
}
