/*
 * Intel VT-x: checking what the CPU offers, turning VMX on, the shared
 * guest map (EPT) and intercept bitmaps, and the hv_arch_ops the generic
 * code calls.  The AMD-V twin is arch/x86/svm/svm.c; this layer does the
 * same things with a VMCS instead of a VMCB.
 *
 * The guest runs as an "unrestricted guest" on EPT: real mode, protected
 * mode and long mode all run natively, so the boot CPU can be caught in
 * the middle of the loader's call (vmx_vmcs_guest_live) and an AP can start
 * in real mode at its SIPI vector (vmx_vmcs_sipi_state) without a
 * real-mode emulator.  EPT is the identity map of core/guest_map.c with
 * the hypervisor's hole; VPID tags the guest's TLB entries so exits do not
 * flush them.
 *
 * Turning VMX on needs (SDM vol.3 §24.7, "Enabling and entering VMX
 * operation"): CR4.VMXE, the CR0/CR4 bits IA32_VMX_CR{0,4}_FIXED{0,1}
 * demand, IA32_FEATURE_CONTROL locked with "VMX outside SMX" enabled (we
 * lock it ourselves when the firmware left it open), and a VMXON region
 * carrying the revision identifier of IA32_VMX_BASIC.  Each CPU keeps its
 * VMCS current from its initialization on: nothing else in the hypervisor
 * uses VMX, so there is never a VMPTRLD after the first.
 *
 * Intercepts are as thin as on AMD: CPUID, XSETBV, INVD, GETSEC and the
 * VMX instructions (the CPU exits on those unconditionally), the MSRs of
 * vmx_msr.c, ports drivers register, CR0/CR4 writes that touch a bit VMX
 * pins, INIT, NMIs (the SMP kick), triple faults and EPT faults.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <tv/guest_map.h>
#include <arch/processor.h>
#include <arch/cpu.h>
#include <arch/vmx.h>

#define CPUID1_ECX_VMX		BIT(5)
#define CPUID1_ECX_XSAVE	BIT(26)
#define X86_CR0_NE		BIT(5)
#define X86_CR4_VMXE		BIT(13)
#define X86_CR4_OSXSAVE		BIT(18)

struct vmx_caps vmx_caps;
static u8 *io_bitmap;		/* 8 KiB: ports 0-0x7fff (A), 0x8000- (B) */

static int vmx_adjust(u32 msr, u32 need, u32 want, u32 *ctl, const char *what)
{
	u64 cap = rdmsr(msr);
	u32 must = (u32)cap, may = (u32)(cap >> 32);

	if (need & ~may) {
		log_printf("vmx: %s controls %x not supported (allowed %x)\n",
			   what, need & ~may, may);
		return -ENODEV;
	}
	*ctl = need | (want & may) | must;
	return 0;
}

/* Execution, exit and entry controls (SDM vol.3 Appendix A.3-A.5). */
static int vmx_pick_controls(struct vmx_caps *c, u64 basic)
{
	bool t = basic & VMX_BASIC_TRUE_CTLS;
	int err;

	err = vmx_adjust(t ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
			 MSR_IA32_VMX_PINBASED_CTLS,
			 PIN_NMI_EXITING | PIN_VIRTUAL_NMIS, 0, &c->pin, "pin");
	if (!err)
		err = vmx_adjust(t ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
				 MSR_IA32_VMX_PROCBASED_CTLS,
				 CPU_USE_IO_BITMAPS | CPU_USE_MSR_BITMAPS |
				 CPU_SECONDARY_CTLS, 0, &c->cpu, "processor");
	if (!err)
		err = vmx_adjust(MSR_IA32_VMX_PROCBASED_CTLS2,
				 CPU2_ENABLE_EPT | CPU2_UNRESTRICTED_GUEST,
				 CPU2_ENABLE_VPID | CPU2_ENABLE_RDTSCP |
				 CPU2_ENABLE_XSAVES | CPU2_ENABLE_USER_WAIT,
				 &c->cpu2, "secondary");
	if (!err)
		err = vmx_adjust(t ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
				 MSR_IA32_VMX_EXIT_CTLS,
				 EXIT_HOST_64BIT | EXIT_SAVE_EFER | EXIT_LOAD_EFER,
				 EXIT_SAVE_PAT | EXIT_LOAD_PAT |
				 EXIT_SAVE_DEBUG_CTLS, &c->exit, "exit");
	if (!err)
		err = vmx_adjust(t ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
				 MSR_IA32_VMX_ENTRY_CTLS, ENTRY_LOAD_EFER,
				 ENTRY_LOAD_PAT | ENTRY_LOAD_DEBUG_CTLS,
				 &c->entry, "entry");
	if (err)
		return err;
	/* We inject guest NMIs only through the NMI window (virtual NMIs). */
	if (!(rdmsr(t ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
		    MSR_IA32_VMX_PROCBASED_CTLS) >> 32 & CPU_NMI_WINDOW_EXITING))
		return -ENODEV;
	c->pat = (c->exit & EXIT_SAVE_PAT) && (c->exit & EXIT_LOAD_PAT) &&
		 (c->entry & ENTRY_LOAD_PAT);
	if (!c->pat) {
		c->exit &= ~(u32)(EXIT_SAVE_PAT | EXIT_LOAD_PAT);
		c->entry &= ~(u32)ENTRY_LOAD_PAT;
	}
	return 0;
}

/* EPT with 4-level walks, WB tables, 2 MiB pages and INVEPT; VPID if usable. */
static int vmx_check_ept(struct vmx_caps *c)
{
	u64 ev = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	const u64 need = EPT_CAP_WALK4 | EPT_CAP_MEMTYPE_WB | EPT_CAP_2M |
			 EPT_CAP_INVEPT;

	c->ept_vpid = ev;
	if ((ev & need) != need ||
	    !(ev & (EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL))) {
		log_printf("vmx: EPT capabilities %llx lack %llx or INVEPT\n",
			   (unsigned long long)ev,
			   (unsigned long long)(need & ~ev));
		return -ENODEV;
	}
	c->vpid = (c->cpu2 & CPU2_ENABLE_VPID) && (ev & VPID_CAP_INVVPID) &&
		  (ev & (VPID_CAP_INVVPID_SINGLE | VPID_CAP_INVVPID_ALL));
	if (!c->vpid)
		c->cpu2 &= ~(u32)CPU2_ENABLE_VPID;
	return 0;
}

static int vmx_check_cpu(struct vmx_caps *c)
{
	struct cpuid_regs r;
	u64 basic;
	int err;

	cpuid(1, 0, &r);
	if (!(r.ecx & CPUID1_ECX_VMX))
		return -ENODEV;
	c->osxsave = r.ecx & CPUID1_ECX_XSAVE;
	basic = rdmsr(MSR_IA32_VMX_BASIC);
	c->revision = basic & VMX_BASIC_REVISION;
	if (VMX_BASIC_SIZE(basic) > 4096 ||
	    (basic & VMX_BASIC_MEMTYPE) != VMX_BASIC_MEMTYPE_WB) {
		log_printf("vmx: VMCS of %llu bytes / memory type %llu unusable\n",
			   (unsigned long long)VMX_BASIC_SIZE(basic),
			   (unsigned long long)(basic & VMX_BASIC_MEMTYPE) >> 50);
		return -ENODEV;
	}
	err = vmx_pick_controls(c, basic);
	if (!err)
		err = vmx_check_ept(c);
	if (err)
		return err;
	if (!(rdmsr(MSR_IA32_VMX_MISC) & VMX_MISC_STORE_LMA))
		return -ENODEV;	/* implied by unrestricted guest */
	c->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	c->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	c->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	c->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	/* An unrestricted guest may clear PE and PG (§27.3.1.1). */
	c->cr0_mask = c->cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);
	c->cr4_mask = c->cr4_fixed0;
	c->phys_bits = cpu_phys_bits();
	return 0;
}

/*
 * IA32_FEATURE_CONTROL (SDM vol.3 §24.7): if the firmware locked it without
 * VMX, VMXON would #GP: give up.  If it left it unlocked, enable VMX
 * outside SMX and lock it, as firmware should have; until the next reset
 * nobody can change it, which also keeps the guest from disabling VMX.
 */
static int vmx_feature_control(void)
{
	u64 fc;

	if (rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &fc))
		return -ENODEV;
	if (fc & FEATURE_CONTROL_LOCK) {
		if (fc & FEATURE_CONTROL_VMX)
			return 0;
		log_printf("vmx: VT-x is disabled (and locked) by the firmware\n");
		return -ENODEV;
	}
	fc |= FEATURE_CONTROL_VMX | FEATURE_CONTROL_LOCK;
	if (wrmsr_safe(MSR_IA32_FEATURE_CONTROL, fc))
		return -ENODEV;
	log_printf("vmx: IA32_FEATURE_CONTROL was unlocked: VMX enabled, locked\n");
	return 0;
}

static int vmx_io_intercept(u16 port, u16 count, bool on)
{
	bitmap_assign_range(io_bitmap, port, count, on);
	return 0;
}

static int vmx_mmio_intercept(u64 base, u64 size, bool on)
{
	unsigned int i;
	int err = on ? guest_map_trap(base, size) :
		       guest_map_untrap(base, size);

	for (i = 0; i < ncpus; i++)
		cpus[i]->arch.vmx.flush_ept = true;
	return err;
}

static int vmx_global_init(u64 top)
{
	struct vmx_caps *c = &vmx_caps;
	bool ept_1g;
	u64 cover;
	u8 *msr_bitmap;
	int err;

	err = vmx_check_cpu(c);
	if (err)
		return err;
	ept_1g = c->ept_vpid & EPT_CAP_1G;
	cover = arch_phys_cover(top, ept_1g);
	io_bitmap = pages_alloc(2, &c->io_bitmap_pa);
	msr_bitmap = page_alloc(&c->msr_bitmap_pa);
	if (!io_bitmap || !msr_bitmap)
		return -ENOMEM;
	vmx_msr_bitmap_init(msr_bitmap);
	err = guest_map_init(PT_FORMAT_EPT, ept_1g, cover);
	if (err)
		return err;
	c->eptp = guest_pt.root_pa | EPTP_MEMTYPE_WB | EPTP_WALK_4;
	log_printf("vmx: VMCS revision %x, controls pin %x cpu %x/%x exit %x "
		   "entry %x, VPID %s\n", c->revision, c->pin, c->cpu, c->cpu2,
		   c->exit, c->entry, c->vpid ? "on" : "off");
	log_printf("vmx: EPT covers %llu GiB with %s pages\n",
		   (unsigned long long)(cover >> 30), ept_1g ? "1 GiB" : "2 MiB");
	return host_paging_init(cover, cpu_has_1g_pages());
}

/* Flushes the guest's linear translations on this CPU (after a CR write). */
void vmx_flush_guest_tlb(void)
{
	int err;

	if (!vmx_caps.vpid)
		return;	/* without VPID every entry and exit flushes */
	if (vmx_caps.ept_vpid & VPID_CAP_INVVPID_SINGLE)
		err = vmx_invvpid(INVVPID_SINGLE, VMX_VPID);
	else
		err = vmx_invvpid(INVVPID_ALL, 0);
	if (err)
		panic("vmx: INVVPID failed: %s\n",
		      vmx_insn_error_name(err == -EINVAL ? vmx_insn_error() : 0));
}

/* Flushes what this CPU cached from the EPT (after guest_map changes). */
void vmx_flush_ept(void)
{
	int err;

	if (vmx_caps.ept_vpid & EPT_CAP_INVEPT_SINGLE)
		err = vmx_invept(INVEPT_SINGLE, vmx_caps.eptp);
	else
		err = vmx_invept(INVEPT_ALL, 0);
	if (err)
		panic("vmx: INVEPT failed: %s\n",
		      vmx_insn_error_name(err == -EINVAL ? vmx_insn_error() : 0));
}

/*
 * VMX on for this CPU: the CR0/CR4 bits VMX pins, VMXON, and a clear,
 * current VMCS with our controls.  Returns with the original CR0/CR4 in
 * cr0 and cr4 (the guest's values on the boot CPU).
 */
static int vmx_cpu_on(struct per_cpu *cpu, u64 *cr0, u64 *cr4)
{
	struct vmx_cpu *v = &cpu->arch.vmx;
	const struct vmx_caps *c = &vmx_caps;
	int err;

	err = vmx_feature_control();
	if (err)
		return err;
	v->vmxon = page_alloc(&v->vmxon_pa);
	v->vmcs = page_alloc(&v->vmcs_pa);
	if (!v->vmxon || !v->vmcs)
		return -ENOMEM;
	*(u32 *)v->vmxon = c->revision;
	*(u32 *)v->vmcs = c->revision;
	*cr0 = read_cr0();
	*cr4 = read_cr4();
	write_cr0((*cr0 | c->cr0_fixed0) & c->cr0_fixed1);
	write_cr4((*cr4 | c->cr4_fixed0 | X86_CR4_VMXE) & c->cr4_fixed1);
	err = vmx_on(v->vmxon_pa);
	if (err) {
		log_printf("vmx: cpu%u: VMXON failed (%s)\n", cpu->cpu_id,
			   err == -EIO ? "VMfailInvalid" : "VMfailValid");
		goto restore_cr;
	}
	err = vmx_clear(v->vmcs_pa);
	if (!err)
		err = vmx_ptrld(v->vmcs_pa);
	if (err) {
		log_printf("vmx: cpu%u: VMCLEAR/VMPTRLD failed: %s\n",
			   cpu->cpu_id, err == -EIO ? "VMfailInvalid" :
			   vmx_insn_error_name(vmx_insn_error()));
		goto off;
	}
	err = vmx_vmcs_controls(cpu);
	if (!err)
		return 0;
off:
	vmx_off();
restore_cr:
	write_cr4(*cr4);
	write_cr0(*cr0);
	return err;
}

/* Our tables on this CPU, then the VMCS host state that matches them. */
static void vmx_host_load(struct per_cpu *cpu)
{
	host_cpu_load(cpu);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	if (vmx_caps.osxsave)	/* XSETBV on the guest's behalf */
		write_cr4(read_cr4() | X86_CR4_OSXSAVE);
	vmx_vmcs_host(cpu);
	vmx_flush_ept();
	vmx_flush_guest_tlb();
}

static int vmx_cpu_init(struct per_cpu *cpu)
{
	u64 cr0, cr4;
	int err;

	err = vmx_cpu_on(cpu, &cr0, &cr4);
	if (err)
		return err;
	err = vmx_vmcs_guest_live(cpu, cr0, cr4);
	if (err) {
		vmx_clear(cpu->arch.vmx.vmcs_pa);
		vmx_off();
		write_cr4(cr4);
		write_cr0(cr0);
		return err;
	}
	/* From here on this CPU runs on the hypervisor's tables. */
	vmx_host_load(cpu);
	log_printf("vmx: cpu%u: VMCS %llx, guest rip %llx\n", cpu->cpu_id,
		   (unsigned long long)cpu->arch.vmx.vmcs_pa,
		   (unsigned long long)cpu->guest.rip);
	return 0;
}

static int vmx_cpu_init_ap(struct per_cpu *cpu, u8 vector)
{
	u64 cr0, cr4;
	int err;

	err = vmx_cpu_on(cpu, &cr0, &cr4);
	if (err)
		return err;
	vmx_host_load(cpu);
	vmx_vmcs_sipi_state(cpu, vector);
	return 0;
}

static void __attribute__((noreturn)) vmx_run(struct per_cpu *cpu)
{
	/* Frame read by vmx_run.S, at the top of the CPU's stack:
	 * [0] &cpu->guest, [1] cpu, [2] launched (VMRESUME from now on). */
	u64 *frame = (u64 *)(cpu->stack + PERCPU_STACK_SIZE) - 4;

	frame[0] = (u64)&cpu->guest;
	frame[1] = (u64)cpu;
	frame[2] = 0;
	frame[3] = 0;
	vmcs_write(VMCS_HOST_RSP, (u64)frame);
	if (cpu->arch.vmx.flush_ept) {
		cpu->arch.vmx.flush_ept = false;
		vmx_flush_ept();
	}
	vmx_launch(frame);
}

static void vmx_inject_exception(struct per_cpu *cpu, u8 vector, bool has_err,
				 u32 err, u64 cr2)
{
	struct vmx_cpu *v = &cpu->arch.vmx;

	if (v->event & INTR_INFO_VALID)
		return;	/* re-injecting an interrupted event comes first */
	v->event = vector | INTR_TYPE_HW_EXC | INTR_INFO_VALID;
	/* No error code in real mode (§27.2.1.3: checks on event injection). */
	if (has_err && (vmcs_read(VMCS_GUEST_CR0) & X86_CR0_PE)) {
		v->event |= INTR_INFO_ERR_VALID;
		v->event_err = err;
	}
	if (vector == X86_EXC_PF)
		write_cr2(cr2);	/* CR2 is not switched by VM entry/exit */
}

static void vmx_guest_paging(struct per_cpu *cpu, struct arch_guest_paging *p)
{
	u64 cs_ar = vmcs_read(VMCS_GUEST_CS_AR);

	p->cr0 = vmcs_read(VMCS_GUEST_CR0);
	p->cr3 = vmcs_read(VMCS_GUEST_CR3);
	p->cr4 = vmcs_read(VMCS_GUEST_CR4) & ~X86_CR4_VMXE;
	p->efer = vmcs_read(VMCS_GUEST_EFER);
	p->cpl = VMX_AR_DPL(vmcs_read(VMCS_GUEST_SS_AR));	/* §28.3.2 */
	p->maxphyaddr = vmx_caps.phys_bits;
	p->cs_base = vmcs_read(VMCS_GUEST_CS_BASE);
	p->fs_base = vmcs_read(VMCS_GUEST_FS_BASE);
	p->gs_base = vmcs_read(VMCS_GUEST_GS_BASE);
	if ((p->efer & EFER_LMA) && (cs_ar & VMX_AR_L))
		p->mode = 64;
	else if ((p->cr0 & X86_CR0_PE) && (cs_ar & VMX_AR_DB))
		p->mode = 32;
	else
		p->mode = 16;
}

const struct hv_arch_ops vmx_ops = {
	.name = "VT-x",
	.global_init = vmx_global_init,
	.cpu_init = vmx_cpu_init,
	.cpu_init_ap = vmx_cpu_init_ap,
	.run = vmx_run,
	.inject_exception = vmx_inject_exception,
	.guest_paging = vmx_guest_paging,
	.io_intercept = vmx_io_intercept,
	.mmio_intercept = vmx_mmio_intercept,
	.exit_name = vmx_exit_name,
};
