/*
 * CPUID-based detection of thinvisor and the vmmcall/vmcall trampoline
 * for UEFI applications; see efi_vmm.h for why detection is strict.
 *
 * UEFI runs identity-mapped, so a pointer to our own data is a valid
 * guest-virtual address for the hypervisor's page walk as it is.
 */
#include <efi.h>
#include <efilib.h>
#include <tv/env.h>
#include <tv/vmmcall_abi.h>

#include "efi_vmm.h"

static void cpuid(UINT32 leaf, UINT32 r[4])
{
	UINT32 a = leaf, b, c = 0, d;

	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	r[0] = a;
	r[1] = b;
	r[2] = c;
	r[3] = d;
}

static BOOLEAN same(const char *a, const char *b, UINTN n)
{
	return CompareMem(a, b, n) == 0;
}

static enum efi_vmm_insn insn_for(const char *vendor)
{
	if (same(vendor, "AuthenticAMD", 12) || same(vendor, "HygonGenuine", 12))
		return EFI_VMM_VMMCALL;
	if (same(vendor, "GenuineIntel", 12))
		return EFI_VMM_VMCALL;
	return EFI_VMM_NONE;
}

int efi_vmm_detect(struct efi_vmm *v)
{
	UINT32 r[4];

	SetMem(v, sizeof(*v), 0);
	cpuid(0, r);
	CopyMem(v->cpu_vendor + 0, &r[1], 4);
	CopyMem(v->cpu_vendor + 4, &r[3], 4);
	CopyMem(v->cpu_vendor + 8, &r[2], 4);
	cpuid(1, r);
	v->hv_bit = (r[2] >> 31) & 1;
	/* Leaf 0x40000000 means nothing without the hypervisor bit. */
	if (!v->hv_bit)
		return -ENODEV;
	cpuid(TV_CPUID_LEAF_BASE, r);
	CopyMem(v->signature + 0, &r[1], 4);
	CopyMem(v->signature + 4, &r[2], 4);
	CopyMem(v->signature + 8, &r[3], 4);
	if (!same(v->signature, TV_CPUID_SIGNATURE, 12))
		return -ENODEV;
	v->insn = insn_for(v->cpu_vendor);
	return v->insn == EFI_VMM_NONE ? -EOPNOTSUPP : 0;
}

INT64 efi_vmm_call(const struct efi_vmm *v, UINT64 num, UINT64 rbx)
{
	UINT64 rax = num, rcx = 0, rdx = 0;

	switch (v->insn) {
	case EFI_VMM_VMMCALL:
		asm volatile("vmmcall" : "+a"(rax), "+b"(rbx), "+c"(rcx), "+d"(rdx)
			     : : "memory");
		break;
	case EFI_VMM_VMCALL:
		asm volatile("vmcall" : "+a"(rax), "+b"(rbx), "+c"(rcx), "+d"(rdx)
			     : : "memory");
		break;
	default:
		return -ENODEV;
	}
	return (INT64)rax;
}

INT64 efi_vmm_number(const struct efi_vmm *v, const char *name)
{
	return efi_vmm_call(v, 0, (UINT64)(UINTN)name);
}
