/*
 * Guest-side access to the thinvisor call ABI (include/tv/vmmcall_abi.h).
 *
 * The guest tools are ordinary static Linux programs; this is the only
 * place that executes CPUID and vmmcall/vmcall.  Detection must come
 * first: without a hypervisor vmmcall raises #UD and the kernel kills the
 * process with SIGILL, so call_vmm_call() refuses to run until
 * call_vmm_detect() has found the thinvisor signature.
 */
#ifndef TOOLS_CALL_VMM_H
#define TOOLS_CALL_VMM_H

#include <stdbool.h>
#include <stdint.h>

#include <tv/vmmcall_abi.h>

/* What CPUID says about the CPU and whatever hypervisor runs underneath. */
struct vmm_info {
	char cpu_vendor[13];	/* leaf 0 EBX:EDX:ECX, NUL-terminated */
	bool hv_bit;		/* leaf 1 ECX bit 31 */
	uint32_t max_leaf;	/* leaf 0x40000000 EAX */
	char signature[13];	/* leaf 0x40000000 EBX:ECX:EDX, raw bytes */
	uint32_t abi_version;	/* leaf 0x40000001 EAX, if thinvisor */
	bool thinvisor;		/* signature == TV_CPUID_SIGNATURE */
	bool use_vmmcall;	/* AMD/Hygon: vmmcall; others: vmcall */
};

void call_vmm_cpuid(uint32_t leaf, uint32_t regs[4]);

/* Fill *info; returns 0 when thinvisor is present, -ENODEV otherwise. */
int call_vmm_detect(struct vmm_info *info);

/* The number of a function by name, 0 if unknown, -errno on failure. */
int64_t call_vmm_number(const char *name);

/* Call function @num with RBX, RCX, RDX; returns RAX (negative = -errno). */
int64_t call_vmm_call(uint64_t num, uint64_t rbx, uint64_t rcx, uint64_t rdx);

/*
 * Look up @name and call it; prints "PROG: NAME: reason" to stderr on
 * failure.  The convenience every tool uses.
 */
int64_t call_vmm_named(const char *prog, const char *name, uint64_t rbx,
		       uint64_t rcx, uint64_t rdx);

/* Detect or exit(2) with "PROG: no hypervisor" on stderr. */
void call_vmm_require(const char *prog);

/*
 * Make @len bytes at @buf resident and locked, so the hypervisor's
 * guest-virtual translation finds them mapped (it returns -EFAULT for a
 * page that is not present rather than faulting it in).
 */
void call_vmm_prefault(void *buf, uint64_t len);

#endif
