/*
 * Filling the VMCS: controls, host state, and the two guest states we
 * start from — the live state of the boot CPU in the middle of the
 * loader's call, and the state of an AP after INIT and SIPI.
 *
 * The boot CPU's guest state is what the CPU holds right now: control
 * registers, EFER/PAT/DEBUGCTL/SYSENTER MSRs, GDTR/IDTR, and the segment
 * registers, whose hidden parts (access rights, limit, base) we read back
 * from the firmware's GDT since x86 has no instruction that reads them;
 * FS/GS bases come from their MSRs.  RIP/RSP/RFLAGS and the GPRs are those
 * of the return from tv_entry (cpu->guest).  VM entry checks this state
 * more strictly than the CPU checks itself (SDM vol.3 §27.3.1): accessed
 * bits must be set, null selectors must be marked unusable, and TR must be
 * a busy TSS even though UEFI firmware often runs with TR = 0 — then the
 * guest gets the state a TR of 0 stands for after reset, typed as a busy
 * 64-bit TSS (base 0, limit 0x67), which it never uses without loading a
 * TR of its own.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <arch/processor.h>
#include <arch/cpu.h>
#include <arch/vmx.h>

#define X86_CR4_VMXE		BIT(13)
#define DESC_TYPE_TSS_BUSY	0xb
#define DESC_TYPE_ACCESSED	BIT(0)
#define REAL_MODE_CS_AR		0x9b	/* code, exec/read, accessed, P */
#define REAL_MODE_DATA_AR	0x93	/* data, read/write, accessed, P */
#define LDT_AR			0x82
#define TSS_BUSY_AR		(VMX_AR_P | DESC_TYPE_TSS_BUSY)
#define RESET_CR0		0x60000010ULL	/* CD, NW, ET (§10.1.1) */
#define RESET_DR7		0x400
#define RESET_PAT		0x0007040600070406ULL

struct seg_state {
	u16 sel;
	u32 limit;
	u32 ar;
	u64 base;
};

static const char *const vmx_errors[] = {
	[1] = "VMCALL in VMX root operation",
	[2] = "VMCLEAR with invalid address",
	[3] = "VMCLEAR with VMXON pointer",
	[4] = "VMLAUNCH with non-clear VMCS",
	[5] = "VMRESUME with non-launched VMCS",
	[6] = "VMRESUME after VMXOFF",
	[7] = "VM entry with invalid control fields",
	[8] = "VM entry with invalid host-state fields",
	[9] = "VMPTRLD with invalid address",
	[10] = "VMPTRLD with VMXON pointer",
	[11] = "VMPTRLD with incorrect revision",
	[12] = "VMREAD/VMWRITE of unsupported component",
	[13] = "VMWRITE to read-only component",
	[15] = "VMXON in VMX root operation",
	[16] = "VM entry with invalid executive-VMCS pointer",
	[26] = "VM entry with events blocked by MOV SS",
	[28] = "invalid operand to INVEPT/INVVPID",
};

u32 vmx_insn_error(void)
{
	u64 e;

	return vmx_vmread(VMCS_VM_INSN_ERROR, &e) ? 0 : (u32)e;
}

const char *vmx_insn_error_name(u32 err)
{
	if (err < ARRAY_SIZE(vmx_errors) && vmx_errors[err])
		return vmx_errors[err];
	return "no current VMCS or unknown error";
}

static void __attribute__((noreturn)) vmcs_fail(const char *op, u32 field, int err)
{
	u32 e = err == -EINVAL ? vmx_insn_error() : 0;

	panic("vmx: %s of VMCS field %x failed: %s (VM-instruction error %u)\n",
	      op, field, err == -EIO ? "VMfailInvalid" : vmx_insn_error_name(e),
	      e);
}

u64 vmcs_read(u32 field)
{
	u64 val;
	int err = vmx_vmread(field, &val);

	if (err)
		vmcs_fail("VMREAD", field, err);
	return val;
}

void vmcs_write(u32 field, u64 val)
{
	int err = vmx_vmwrite(field, val);

	if (err)
		vmcs_fail("VMWRITE", field, err);
}

void vmcs_put(struct vmcs_batch *b, u32 field, u64 val)
{
	int err;

	if (b->err)
		return;
	err = vmx_vmwrite(field, val);
	if (err) {
		b->err = err;
		b->field = field;
		b->insn_error = err == -EINVAL ? vmx_insn_error() : 0;
	}
}

int vmcs_batch_result(const struct vmcs_batch *b, const char *what)
{
	if (!b->err)
		return 0;
	log_printf("vmx: %s: VMWRITE of field %x failed: %s (error %u)\n",
		   what, b->field, b->err == -EIO ? "VMfailInvalid" :
		   vmx_insn_error_name(b->insn_error), b->insn_error);
	return -EIO;
}

/* Controls, bitmaps, EPT, masks: the part that is the same on every CPU. */
int vmx_vmcs_controls(struct per_cpu *cpu)
{
	const struct vmx_caps *c = &vmx_caps;
	struct vmcs_batch b = { 0 };

	cpu->arch.vmx.cpu_ctls = c->cpu;
	vmcs_put(&b, VMCS_PIN_CTLS, c->pin);
	vmcs_put(&b, VMCS_CPU_CTLS, c->cpu);
	vmcs_put(&b, VMCS_CPU_CTLS2, c->cpu2);
	vmcs_put(&b, VMCS_EXIT_CTLS, c->exit);
	vmcs_put(&b, VMCS_ENTRY_CTLS, c->entry);
	vmcs_put(&b, VMCS_EXCEPTION_BITMAP, 0);
	vmcs_put(&b, VMCS_PF_ERR_MASK, 0);
	vmcs_put(&b, VMCS_PF_ERR_MATCH, 0);
	vmcs_put(&b, VMCS_CR3_TARGET_COUNT, 0);
	vmcs_put(&b, VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmcs_put(&b, VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_put(&b, VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_put(&b, VMCS_ENTRY_INTR_INFO, 0);
	vmcs_put(&b, VMCS_IO_BITMAP_A, c->io_bitmap_pa);
	vmcs_put(&b, VMCS_IO_BITMAP_B, c->io_bitmap_pa + 4096);
	vmcs_put(&b, VMCS_MSR_BITMAP, c->msr_bitmap_pa);
	vmcs_put(&b, VMCS_EPT_POINTER, c->eptp);
	if (c->vpid)
		vmcs_put(&b, VMCS_VPID, VMX_VPID);
	if (c->cpu2 & CPU2_ENABLE_XSAVES)
		vmcs_put(&b, VMCS_XSS_EXIT_BITMAP, 0);
	vmcs_put(&b, VMCS_CR0_MASK, c->cr0_mask);
	vmcs_put(&b, VMCS_CR4_MASK, c->cr4_mask);
	vmcs_put(&b, VMCS_LINK_POINTER, ~0ULL);
	return vmcs_batch_result(&b, "controls");
}

/* Host state: our GDT/TSS/IDT/CR3 as host_cpu_load left them. */
void vmx_vmcs_host(struct per_cpu *cpu)
{
	struct desc_ptr gdtr, idtr;

	sgdt(&gdtr);
	sidt(&idtr);
	vmcs_write(VMCS_HOST_CR0, read_cr0());
	vmcs_write(VMCS_HOST_CR3, read_cr3());
	vmcs_write(VMCS_HOST_CR4, read_cr4());
	vmcs_write(VMCS_HOST_CS_SEL, HOST_CS);
	vmcs_write(VMCS_HOST_SS_SEL, HOST_DS);
	vmcs_write(VMCS_HOST_DS_SEL, HOST_DS);
	vmcs_write(VMCS_HOST_ES_SEL, HOST_DS);
	vmcs_write(VMCS_HOST_FS_SEL, 0);
	vmcs_write(VMCS_HOST_GS_SEL, 0);
	vmcs_write(VMCS_HOST_TR_SEL, HOST_TR);
	vmcs_write(VMCS_HOST_FS_BASE, 0);
	vmcs_write(VMCS_HOST_GS_BASE, 0);
	vmcs_write(VMCS_HOST_TR_BASE, (u64)cpu->arch.tss);
	vmcs_write(VMCS_HOST_GDTR_BASE, gdtr.base);
	vmcs_write(VMCS_HOST_IDTR_BASE, idtr.base);
	vmcs_write(VMCS_HOST_SYSENTER_CS, 0);
	vmcs_write(VMCS_HOST_SYSENTER_ESP, 0);
	vmcs_write(VMCS_HOST_SYSENTER_EIP, 0);
	vmcs_write(VMCS_HOST_EFER, rdmsr(MSR_EFER));
	if (vmx_caps.pat)
		vmcs_write(VMCS_HOST_PAT, rdmsr(MSR_PAT));
	vmcs_write(VMCS_HOST_RIP, (u64)vmx_exit_entry);
}

/* A descriptor's hidden state, from the GDT (system descriptors: 16 bytes). */
static void seg_from_gdt(struct seg_state *s, u16 sel,
			 const struct desc_ptr *gdtr, bool system)
{
	unsigned int idx = sel & ~7;
	u64 d;

	s->sel = sel;
	s->base = 0;
	s->limit = 0;
	s->ar = VMX_AR_UNUSABLE;
	if (!idx || (sel & 4) || idx + 7 > gdtr->limit ||
	    (system && idx + 15 > gdtr->limit))
		return;
	d = *(const u64 *)(gdtr->base + idx);
	if (!(d & BIT(47)))	/* not present */
		return;
	s->limit = (u32)((d & 0xffff) | ((d >> 32) & 0xf0000));
	if (d & BIT(55))	/* granularity: 4 KiB units */
		s->limit = (s->limit << 12) | 0xfff;
	s->base = ((d >> 16) & 0xffffff) | (((d >> 56) & 0xff) << 24);
	if (system)
		s->base |= *(const u64 *)(gdtr->base + idx + 8) << 32;
	s->ar = (u32)(((d >> 40) & 0xff) | (((d >> 52) & 0xf) << 12));
	if (s->ar & VMX_AR_S)	/* loaded code/data: the CPU set "accessed" */
		s->ar |= DESC_TYPE_ACCESSED;
}

static void put_seg(struct vmcs_batch *b, enum vmx_seg i,
		    const struct seg_state *s)
{
	vmcs_put(b, VMCS_GUEST_SEL(i), s->sel);
	vmcs_put(b, VMCS_GUEST_LIMIT(i), s->limit);
	vmcs_put(b, VMCS_GUEST_AR(i), s->ar);
	vmcs_put(b, VMCS_GUEST_BASE(i), s->base);
}

static int vmx_guest_segments(struct vmcs_batch *b)
{
	static const u8 order[] = { VMX_SEG_ES, VMX_SEG_CS, VMX_SEG_SS,
				    VMX_SEG_DS, VMX_SEG_FS, VMX_SEG_GS };
	u16 sels[] = { read_es(), read_cs(), read_ss(), read_ds(), read_fs(),
		       read_gs() };
	struct desc_ptr gdtr, idtr;
	struct seg_state s;
	unsigned int i;

	sgdt(&gdtr);
	sidt(&idtr);
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		seg_from_gdt(&s, sels[i], &gdtr, false);
		if (order[i] == VMX_SEG_CS && (s.ar & VMX_AR_UNUSABLE))
			return -EINVAL;	/* nothing we could run */
		if (order[i] == VMX_SEG_FS)
			s.base = rdmsr(MSR_FS_BASE);
		if (order[i] == VMX_SEG_GS)
			s.base = rdmsr(MSR_GS_BASE);
		put_seg(b, order[i], &s);
	}
	seg_from_gdt(&s, read_ldtr(), &gdtr, true);
	put_seg(b, VMX_SEG_LDTR, &s);
	seg_from_gdt(&s, read_tr(), &gdtr, true);
	if (s.ar & VMX_AR_UNUSABLE) {
		/* TR = 0: what reset leaves, as the busy TSS VMX demands. */
		s.sel = 0;
		s.base = 0;
		s.limit = 0x67;
		s.ar = TSS_BUSY_AR;
	}
	s.ar |= 2;	/* a loaded TSS is busy (type 9 -> 11) */
	put_seg(b, VMX_SEG_TR, &s);
	vmcs_put(b, VMCS_GUEST_GDTR_BASE, gdtr.base);
	vmcs_put(b, VMCS_GUEST_GDTR_LIMIT, gdtr.limit);
	vmcs_put(b, VMCS_GUEST_IDTR_BASE, idtr.base);
	vmcs_put(b, VMCS_GUEST_IDTR_LIMIT, idtr.limit);
	return 0;
}

static void vmx_guest_msrs(struct vmcs_batch *b, u64 efer, u64 pat,
			   u64 debugctl, bool live)
{
	vmcs_put(b, VMCS_GUEST_EFER, efer);
	if (vmx_caps.pat)
		vmcs_put(b, VMCS_GUEST_PAT, pat);
	if (vmx_caps.entry & ENTRY_LOAD_DEBUG_CTLS)
		vmcs_put(b, VMCS_GUEST_DEBUGCTL, debugctl);
	vmcs_put(b, VMCS_GUEST_SYSENTER_CS, live ? rdmsr(MSR_IA32_SYSENTER_CS) : 0);
	vmcs_put(b, VMCS_GUEST_SYSENTER_ESP, live ? rdmsr(MSR_IA32_SYSENTER_ESP) : 0);
	vmcs_put(b, VMCS_GUEST_SYSENTER_EIP, live ? rdmsr(MSR_IA32_SYSENTER_EIP) : 0);
	vmcs_put(b, VMCS_ENTRY_CTLS, (efer & EFER_LMA) ?
		 vmx_caps.entry | ENTRY_IA32E_GUEST : vmx_caps.entry);
}

/* CR0/CR4 as the guest sees them (shadows) and as they really are. */
static void vmx_guest_crs(struct vmcs_batch *b, u64 cr0, u64 cr3, u64 cr4)
{
	vmcs_put(b, VMCS_CR0_SHADOW, cr0);
	vmcs_put(b, VMCS_GUEST_CR0, cr0 | vmx_caps.cr0_mask);
	vmcs_put(b, VMCS_GUEST_CR3, cr3);
	vmcs_put(b, VMCS_CR4_SHADOW, cr4 & ~X86_CR4_VMXE);
	vmcs_put(b, VMCS_GUEST_CR4, cr4 | vmx_caps.cr4_mask);
}

static void vmx_guest_activity(struct vmcs_batch *b, const struct guest_regs *g)
{
	vmcs_put(b, VMCS_GUEST_RSP, g->gpr[GPR_RSP]);
	vmcs_put(b, VMCS_GUEST_RIP, g->rip);
	vmcs_put(b, VMCS_GUEST_RFLAGS, g->rflags);
	vmcs_put(b, VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmcs_put(b, VMCS_GUEST_ACTIVITY, ACTIVITY_ACTIVE);
	vmcs_put(b, VMCS_GUEST_PENDING_DBG, 0);
	vmcs_put(b, VMCS_ENTRY_INTR_INFO, 0);
}

/* The boot CPU as it is now; cr0/cr4 are the values before VMXON. */
int vmx_vmcs_guest_live(struct per_cpu *cpu, u64 cr0, u64 cr4)
{
	struct vmcs_batch b = { 0 };
	u64 debugctl;
	int err;

	err = vmx_guest_segments(&b);
	if (err) {
		log_printf("vmx: the firmware's CS is not in its GDT\n");
		return err;
	}
	if (rdmsr_safe(MSR_IA32_DEBUGCTL, &debugctl))
		debugctl = 0;
	vmx_guest_crs(&b, cr0, read_cr3(), cr4);
	vmcs_put(&b, VMCS_GUEST_DR7, read_dr7());
	vmx_guest_msrs(&b, rdmsr(MSR_EFER), rdmsr(MSR_PAT), debugctl, true);
	vmx_guest_activity(&b, &cpu->guest);
	return vmcs_batch_result(&b, "guest state");
}

static void seg_real(struct vmcs_batch *b, enum vmx_seg i, u16 sel, u32 ar)
{
	struct seg_state s = { sel, 0xffff, ar, (u64)sel << 4 };

	put_seg(b, i, &s);
}

/*
 * The state a processor has after INIT and a SIPI with this vector (SDM
 * vol.3 §10.1.1 table 10-1, §10.4.4): real mode at vector:0000, caches as
 * after reset, RDX = the processor signature.  An unrestricted guest runs
 * it natively.  Also used to restart a CPU the guest re-INITs.
 */
void vmx_vmcs_sipi_state(struct per_cpu *cpu, u8 vector)
{
	struct vmx_cpu *v = &cpu->arch.vmx;
	struct vmcs_batch b = { 0 };
	struct cpuid_regs r;

	seg_real(&b, VMX_SEG_CS, (u16)vector << 8, REAL_MODE_CS_AR);
	seg_real(&b, VMX_SEG_DS, 0, REAL_MODE_DATA_AR);
	seg_real(&b, VMX_SEG_ES, 0, REAL_MODE_DATA_AR);
	seg_real(&b, VMX_SEG_FS, 0, REAL_MODE_DATA_AR);
	seg_real(&b, VMX_SEG_GS, 0, REAL_MODE_DATA_AR);
	seg_real(&b, VMX_SEG_SS, 0, REAL_MODE_DATA_AR);
	seg_real(&b, VMX_SEG_LDTR, 0, LDT_AR);
	seg_real(&b, VMX_SEG_TR, 0, TSS_BUSY_AR);
	vmcs_put(&b, VMCS_GUEST_GDTR_BASE, 0);
	vmcs_put(&b, VMCS_GUEST_GDTR_LIMIT, 0xffff);
	vmcs_put(&b, VMCS_GUEST_IDTR_BASE, 0);
	vmcs_put(&b, VMCS_GUEST_IDTR_LIMIT, 0xffff);
	vmx_guest_crs(&b, RESET_CR0, 0, 0);
	vmcs_put(&b, VMCS_GUEST_DR7, RESET_DR7);
	vmx_guest_msrs(&b, 0, RESET_PAT, 0, false);
	memset(&cpu->guest, 0, sizeof(cpu->guest));
	cpuid(1, 0, &r);
	cpu->guest.gpr[GPR_RDX] = r.eax;
	cpu->guest.rflags = X86_RFLAGS_RESERVED1;
	vmx_guest_activity(&b, &cpu->guest);
	v->cpu_ctls &= ~(u32)CPU_NMI_WINDOW_EXITING;
	vmcs_put(&b, VMCS_CPU_CTLS, v->cpu_ctls);
	if (vmcs_batch_result(&b, "SIPI state"))
		panic("vmx: cpu%u: cannot load the start-up state\n",
		      cpu->cpu_id);
	v->event = 0;
	v->nmi_pending = false;
	vmx_flush_guest_tlb();
}

/* Logs the guest state a failed VM entry complained about. */
void vmx_dump_guest(const char *why)
{
	static const char *const names[] = { "es", "cs", "ss", "ds", "fs",
					     "gs", "ldtr", "tr" };
	unsigned int i;

	log_printf("vmx: %s: rip %llx rsp %llx rflags %llx cr0 %llx cr3 %llx "
		   "cr4 %llx efer %llx entry %llx intr %llx act %llx\n", why,
		   vmcs_ull(VMCS_GUEST_RIP), vmcs_ull(VMCS_GUEST_RSP),
		   vmcs_ull(VMCS_GUEST_RFLAGS), vmcs_ull(VMCS_GUEST_CR0),
		   vmcs_ull(VMCS_GUEST_CR3), vmcs_ull(VMCS_GUEST_CR4),
		   vmcs_ull(VMCS_GUEST_EFER), vmcs_ull(VMCS_ENTRY_CTLS),
		   vmcs_ull(VMCS_GUEST_INTERRUPTIBILITY),
		   vmcs_ull(VMCS_GUEST_ACTIVITY));
	for (i = 0; i < VMX_SEG_COUNT; i++)
		log_printf("vmx:   %-4s sel %04llx base %llx limit %llx ar %llx\n",
			   names[i], vmcs_ull(VMCS_GUEST_SEL(i)),
			   vmcs_ull(VMCS_GUEST_BASE(i)),
			   vmcs_ull(VMCS_GUEST_LIMIT(i)),
			   vmcs_ull(VMCS_GUEST_AR(i)));
}
