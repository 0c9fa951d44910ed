/*
 * thinvisor detection and the guest call for UEFI applications (dbgsh.efi).
 *
 * The UEFI Shell cannot catch #UD: a vmmcall on Intel or a vmcall on AMD,
 * or either without a hypervisor, hangs or resets the machine.  So
 * efi_vmm_detect() must succeed first, and it only succeeds when CPUID
 * 0x40000000 carries the thinvisor signature (with the hypervisor bit set)
 * and the CPU vendor says which of the two instructions is the right one;
 * efi_vmm_call() refuses to run otherwise.  The Linux tools do the same in
 * tools/lib/call_vmm.c (hosted, so not shared with this freestanding code).
 */
#ifndef TOOLS_EFI_VMM_H
#define TOOLS_EFI_VMM_H

#include <efi.h>

enum efi_vmm_insn { EFI_VMM_NONE, EFI_VMM_VMMCALL, EFI_VMM_VMCALL };

struct efi_vmm {
	char cpu_vendor[13];	/* CPUID 0 EBX:EDX:ECX, NUL-terminated */
	char signature[13];	/* CPUID 0x40000000 EBX:ECX:EDX, raw bytes */
	BOOLEAN hv_bit;		/* CPUID 1 ECX bit 31 */
	enum efi_vmm_insn insn;	/* from the vendor; NONE if unknown */
};

/*
 * Fill *v.  Returns 0 when thinvisor runs underneath and the call
 * instruction is known, -ENODEV without thinvisor, -EOPNOTSUPP for a CPU
 * vendor whose call instruction we do not know.
 */
int efi_vmm_detect(struct efi_vmm *v);

/* Call function @num with RBX = @rbx; RAX (negative = -errno). */
INT64 efi_vmm_call(const struct efi_vmm *v, UINT64 num, UINT64 rbx);

/* A function's number by name, 0 if unknown. */
INT64 efi_vmm_number(const struct efi_vmm *v, const char *name);

#endif
