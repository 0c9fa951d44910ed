/*
 * Control-register and XCR0 writes the guest cannot do natively under
 * VT-x, emulated as the CPU would do them.
 *
 * In VMX operation some CR0/CR4 bits are pinned (IA32_VMX_CR{0,4}_FIXED0:
 * CR0.NE and CR4.VMXE; PE and PG are free for an unrestricted guest).  The
 * guest/host masks own exactly those bits: the guest reads its own value
 * from the read shadow, and a MOV to CR0/CR4 (or LMSW) that would change
 * an owned bit exits here (SDM vol.3 §26.3, "Changes to instruction
 * behavior in VMX non-root operation").  We then do the whole write:
 * the real register keeps the pinned bits, the shadow gets the guest's
 * value, and the side effects the CPU would have had are ours to do —
 * entering or leaving IA-32e mode when PG changes with EFER.LME set
 * (EFER.LMA and the "IA-32e mode guest" entry control), reloading the PAE
 * PDPTEs (with EPT, VM entry takes them from the VMCS, §27.3.2.4), and
 * flushing the guest's TLB (its VPID).  CR3 exits only happen if the CPU
 * cannot turn CR3 exiting off (no TRUE controls).
 *
 * A write real hardware would refuse gets the #GP it would raise.
 * CR4.VMXE is refused too: VMX is hidden from the guest.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <tv/guest_map.h>
#include <arch/processor.h>
#include <arch/vmx.h>

#define X86_CR0_MP		BIT(1)
#define X86_CR0_EM		BIT(2)
#define X86_CR0_TS		BIT(3)
#define X86_CR0_NW		BIT(29)
#define X86_CR0_CD		BIT(30)
#define X86_CR4_PSE		BIT(4)
#define X86_CR4_VMXE		BIT(13)
#define X86_CR4_PCIDE		BIT(17)
#define X86_CR4_OSXSAVE		BIT(18)
#define X86_CR4_SMEP		BIT(20)
#define X86_CR4_SMAP		BIT(21)
#define CR0_PAGING_BITS		(X86_CR0_PE | X86_CR0_PG | X86_CR0_WP | X86_CR0_CD)
#define CR4_PAGING_BITS		(X86_CR4_PSE | X86_CR4_PAE | X86_CR4_PGE | \
				 X86_CR4_PCIDE | X86_CR4_SMEP | X86_CR4_SMAP | \
				 X86_CR4_LA57)
#define CR3_NOFLUSH		BIT(63)
#define PDPTE_P			BIT(0)
#define PDPTE_RSVD		(GENMASK(2, 1) | GENMASK(8, 5))
#define XCR0_X87		BIT(0)
#define XCR0_SSE		BIT(1)
#define XCR0_AVX		BIT(2)
#define XCR0_BNDREGS		BIT(3)
#define XCR0_BNDCSR		BIT(4)
#define XCR0_AVX512		GENMASK(7, 5)

static u64 guest_gpr_read(struct per_cpu *cpu, unsigned int n, bool mode64)
{
	u64 v = cpu->guest.gpr[n];

	return mode64 ? v : (u32)v;
}

/* The guest's view: its own bits where it owns them, the shadow elsewhere. */
static u64 guest_cr(u32 field, u32 shadow, u64 mask)
{
	return (vmcs_read(field) & ~mask) | (vmcs_read(shadow) & mask);
}

static bool guest_in_64bit_code(void)
{
	return (vmcs_read(VMCS_GUEST_EFER) & EFER_LMA) &&
	       (vmcs_read(VMCS_GUEST_CS_AR) & VMX_AR_L);
}

/* PAE paging outside long mode: VM entry loads the PDPTEs from the VMCS. */
static int vmx_load_pdptes(u64 cr0, u64 cr4, u64 efer, u64 cr3)
{
	u64 pa = cr3 & GENMASK(31, 5), pdpte[4];
	u64 rsvd = PDPTE_RSVD | GENMASK(63, vmx_caps.phys_bits);
	unsigned int i;

	if (!(cr0 & X86_CR0_PG) || !(cr4 & X86_CR4_PAE) || (efer & EFER_LMA))
		return 0;
	if (!guest_map_accessible(pa, false))	/* 32 bytes, aligned */
		return -EFAULT;
	memcpy(pdpte, (const void *)pa, sizeof(pdpte));
	for (i = 0; i < 4; i++)
		if ((pdpte[i] & PDPTE_P) && (pdpte[i] & rsvd))
			return -EINVAL;
	for (i = 0; i < 4; i++)
		vmcs_write(VMCS_GUEST_PDPTE0 + 2 * i, pdpte[i]);
	return 0;
}

/* EFER.LMA follows CR0.PG when EFER.LME is set (SDM vol.3 §10.8.5). */
static int vmx_cr0_long_mode(u64 old, u64 val, u64 cr4, u64 *efer)
{
	if (!(old & X86_CR0_PG) && (val & X86_CR0_PG) && (*efer & EFER_LME)) {
		if (!(cr4 & X86_CR4_PAE))
			return -EINVAL;
		*efer |= EFER_LMA;
	} else if ((old & X86_CR0_PG) && !(val & X86_CR0_PG) &&
		   (*efer & EFER_LMA)) {
		if (guest_in_64bit_code())
			return -EINVAL;
		*efer &= ~EFER_LMA;
	}
	return 0;
}

static int vmx_write_cr0(u64 val)
{
	u64 old = guest_cr(VMCS_GUEST_CR0, VMCS_CR0_SHADOW, vmx_caps.cr0_mask);
	u64 cr4 = vmcs_read(VMCS_GUEST_CR4);
	u64 efer = vmcs_read(VMCS_GUEST_EFER);
	u64 old_efer = efer;
	int err;

	if ((val >> 32) || ((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
	    ((val & X86_CR0_NW) && !(val & X86_CR0_CD)))
		return -EINVAL;
	err = vmx_cr0_long_mode(old, val, cr4, &efer);
	if (!err)
		err = vmx_load_pdptes(val, cr4, efer, vmcs_read(VMCS_GUEST_CR3));
	if (err)
		return err;
	if (efer != old_efer) {
		vmcs_write(VMCS_GUEST_EFER, efer);
		vmcs_write(VMCS_ENTRY_CTLS, (efer & EFER_LMA) ?
			   vmx_caps.entry | ENTRY_IA32E_GUEST : vmx_caps.entry);
	}
	vmcs_write(VMCS_CR0_SHADOW, val);
	vmcs_write(VMCS_GUEST_CR0, val | vmx_caps.cr0_mask);
	if ((old ^ val) & CR0_PAGING_BITS)
		vmx_flush_guest_tlb();
	return 0;
}

static int vmx_write_cr4(u64 val)
{
	u64 old = guest_cr(VMCS_GUEST_CR4, VMCS_CR4_SHADOW, vmx_caps.cr4_mask);
	u64 efer = vmcs_read(VMCS_GUEST_EFER);
	int err;

	if ((val >> 32) || (val & X86_CR4_VMXE) ||
	    (val & ~vmx_caps.cr4_fixed1) ||
	    ((efer & EFER_LMA) && !(val & X86_CR4_PAE)))
		return -EINVAL;
	err = vmx_load_pdptes(vmcs_read(VMCS_GUEST_CR0), val, efer,
			      vmcs_read(VMCS_GUEST_CR3));
	if (err)
		return err;
	vmcs_write(VMCS_CR4_SHADOW, val);
	vmcs_write(VMCS_GUEST_CR4, val | vmx_caps.cr4_mask);
	if ((old ^ val) & CR4_PAGING_BITS)
		vmx_flush_guest_tlb();
	return 0;
}

static int vmx_write_cr3(u64 val)
{
	u64 cr4 = vmcs_read(VMCS_GUEST_CR4);
	bool noflush = (cr4 & X86_CR4_PCIDE) && (val & CR3_NOFLUSH);
	int err;

	val &= ~CR3_NOFLUSH;
	if (val & GENMASK(63, vmx_caps.phys_bits))
		return -EINVAL;
	err = vmx_load_pdptes(vmcs_read(VMCS_GUEST_CR0), cr4,
			      vmcs_read(VMCS_GUEST_EFER), val);
	if (err)
		return err;
	vmcs_write(VMCS_GUEST_CR3, val);
	if (!noflush)
		vmx_flush_guest_tlb();
	return 0;
}

static int vmx_mov_to_cr(struct per_cpu *cpu, u64 qual, bool mode64)
{
	u64 val = guest_gpr_read(cpu, CR_QUAL_GPR(qual), mode64);

	switch (CR_QUAL_CR(qual)) {
	case 0:
		return vmx_write_cr0(val);
	case 3:
		return vmx_write_cr3(val);
	case 4:
		return vmx_write_cr4(val);
	}
	return -EINVAL;
}

/* LMSW loads CR0 bits 3:0 and can set PE but not clear it. */
static int vmx_lmsw(u64 qual)
{
	u64 old = guest_cr(VMCS_GUEST_CR0, VMCS_CR0_SHADOW, vmx_caps.cr0_mask);
	u64 msw = CR_QUAL_LMSW_DATA(qual) &
		  (X86_CR0_PE | X86_CR0_MP | X86_CR0_EM | X86_CR0_TS);

	return vmx_write_cr0((old & ~(X86_CR0_MP | X86_CR0_EM | X86_CR0_TS)) |
			     msw);
}

void vmx_handle_cr(struct per_cpu *cpu)
{
	u64 qual = vmcs_read(VMCS_EXIT_QUAL);
	bool mode64 = guest_in_64bit_code();
	u64 *reg = &cpu->guest.gpr[CR_QUAL_GPR(qual)];
	int err = -EINVAL;

	switch (CR_QUAL_TYPE(qual)) {
	case CR_TYPE_MOV_TO:
		err = vmx_mov_to_cr(cpu, qual, mode64);
		break;
	case CR_TYPE_MOV_FROM:
		if (CR_QUAL_CR(qual) == 3) {
			u64 cr3 = vmcs_read(VMCS_GUEST_CR3);

			*reg = mode64 ? cr3 : (u32)cr3;
			err = 0;
		}
		break;
	case CR_TYPE_LMSW:
		err = vmx_lmsw(qual);
		break;
	}
	if (err) {
		arch->inject_exception(cpu, X86_EXC_GP, true, 0, 0);
		return;
	}
	vmx_skip(cpu);
}

/* XCR0 values XSETBV accepts (SDM vol.1 §13.3; vol.2 XSETBV). */
static bool xcr0_valid(u64 val)
{
	struct cpuid_regs r;
	u64 supported;

	cpuid(0xd, 0, &r);
	supported = ((u64)r.edx << 32) | r.eax;
	if (!(val & XCR0_X87) || (val & ~supported))
		return false;
	if ((val & XCR0_AVX) && !(val & XCR0_SSE))
		return false;
	if (!(val & XCR0_BNDREGS) != !(val & XCR0_BNDCSR))
		return false;
	if ((val & XCR0_AVX512) &&
	    ((val & XCR0_AVX512) != XCR0_AVX512 || !(val & XCR0_AVX)))
		return false;
	return true;
}

/*
 * XSETBV always exits.  XCR0 is not switched between guest and host (the
 * host uses no extended state), so we set it for the guest after the
 * checks the instruction itself makes.
 */
void vmx_handle_xsetbv(struct per_cpu *cpu)
{
	u64 *g = cpu->guest.gpr;
	u64 val = ((u64)(u32)g[GPR_RDX] << 32) | (u32)g[GPR_RAX];

	if (!(vmcs_read(VMCS_GUEST_CR4) & X86_CR4_OSXSAVE)) {
		arch->inject_exception(cpu, X86_EXC_UD, false, 0, 0);
		return;
	}
	if (VMX_AR_DPL(vmcs_read(VMCS_GUEST_SS_AR)) || (u32)g[GPR_RCX] ||
	    !xcr0_valid(val) || vmx_xsetbv_safe(0, val)) {
		arch->inject_exception(cpu, X86_EXC_GP, true, 0, 0);
		return;
	}
	vmx_skip(cpu);
}
