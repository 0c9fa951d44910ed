/*
 * What the guest sees of CPUID.  Pass-through, except:
 *  - the hypervisor-present bit (leaf 1 ECX[31]) is set and leaves
 *    0x40000000.. announce thinvisor with a 12-byte signature, so guest tools
 *    can find us and well-behaved OSes know they are virtualized;
 *  - SVM and VMX are hidden (we do not offer nested virtualization), as is
 *    the SVM feature leaf 0x8000000A;
 *  - INVPCID is hidden: the seed's system crashed with Linux 4.6 using it,
 *    and a para-passthrough hypervisor gains nothing from offering it.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <tv/vmmcall_abi.h>
#include <arch/processor.h>

#define CPUID1_ECX_VMX		BIT(5)
#define CPUID1_ECX_OSXSAVE	BIT(27)
#define CPUID7_ECX_OSPKE	BIT(4)
#define CR4_OSXSAVE		BIT(18)
#define CR4_PKE			BIT(22)
#define CPUID1_ECX_HYPERVISOR	BIT(31)
#define CPUID7_EBX_INVPCID	BIT(10)
#define CPUID80000001_ECX_SVM	BIT(2)

static void cpuid_signature(struct cpuid_regs *r)
{
	const char *sig = TV_CPUID_SIGNATURE;

	r->eax = TV_CPUID_LEAF_VERSION;
	memcpy(&r->ebx, sig, 4);
	memcpy(&r->ecx, sig + 4, 4);
	memcpy(&r->edx, sig + 8, 4);
}

/*
 * OSXSAVE and OSPKE mirror CR4 bits: executed here they report the
 * hypervisor's CR4, so they are set from the guest's.
 */
static void cpuid_guest_cr4(u32 leaf, u32 subleaf, u64 cr4, struct cpuid_regs *r)
{
	if (leaf == 1) {
		r->ecx &= ~(u32)CPUID1_ECX_OSXSAVE;
		if (cr4 & CR4_OSXSAVE)
			r->ecx |= CPUID1_ECX_OSXSAVE;
	} else if (leaf == 7 && subleaf == 0) {
		r->ecx &= ~(u32)CPUID7_ECX_OSPKE;
		if (cr4 & CR4_PKE)
			r->ecx |= CPUID7_ECX_OSPKE;
	}
}

static void cpuid_filter(u32 leaf, u32 subleaf, struct cpuid_regs *r)
{
	if ((leaf & 0xffffff00) == TV_CPUID_LEAF_BASE) {
		memset(r, 0, sizeof(*r));
		if (leaf == TV_CPUID_LEAF_BASE)
			cpuid_signature(r);
		else if (leaf == TV_CPUID_LEAF_VERSION)
			r->eax = TV_ABI_VERSION;
		return;
	}
	cpuid(leaf, subleaf, r);
	switch (leaf) {
	case 1:
		r->ecx &= ~(u32)CPUID1_ECX_VMX;
		r->ecx |= CPUID1_ECX_HYPERVISOR;
		break;
	case 7:
		if (subleaf == 0)
			r->ebx &= ~(u32)CPUID7_EBX_INVPCID;
		break;
	case 0x80000001:
		r->ecx &= ~(u32)CPUID80000001_ECX_SVM;
		break;
	case 0x8000000a:
		memset(r, 0, sizeof(*r));
		break;
	}
}

void hv_handle_cpuid(struct per_cpu *cpu)
{
	struct cpuid_regs r;
	struct arch_guest_paging pg;
	u64 *g = cpu->guest.gpr;

	arch->guest_paging(cpu, &pg);
	cpuid_filter((u32)g[GPR_RAX], (u32)g[GPR_RCX], &r);
	cpuid_guest_cr4((u32)g[GPR_RAX], (u32)g[GPR_RCX], pg.cr4, &r);
	g[GPR_RAX] = r.eax;
	g[GPR_RBX] = r.ebx;
	g[GPR_RCX] = r.ecx;
	g[GPR_RDX] = r.edx;
}
