/*
 * The guest-to-hypervisor call ABI, shared by the hypervisor and the guest
 * tools (tools/), so it must build hosted (glibc, PIE) and freestanding.
 *
 * Discovery: CPUID leaf 0x40000000 returns EAX = highest hypervisor leaf and
 * EBX:ECX:EDX = the 12-byte signature "thinvisorVMM" when thinvisor runs
 * underneath.  Leaf 0x40000001 EAX = ABI version.
 *
 * Calls, compatible with the seed's system: on AMD `vmmcall` (0f 01 d9), on
 * Intel `vmcall` (0f 01 c1); the caller picks the instruction from the CPUID
 * vendor string.
 *   RAX = 0, RBX = guest-virtual pointer to a NUL-terminated function name
 *       -> RAX = that function's number, 0 if unknown.
 *   RAX = number, arguments in RBX, RCX (RDX where a function says so)
 *       -> RAX = result; negative values are -errno.
 * Pointers are guest-virtual in the caller's address space, and the memory
 * must be resident (touched, not swapped out): the hypervisor walks the
 * guest's page tables but cannot fault pages in.  A bad pointer returns
 * -EFAULT (-14) and nothing is written; the hypervisor never faults on one.
 */
#ifndef TV_VMMCALL_ABI_H
#define TV_VMMCALL_ABI_H

#include <stdint.h>

#define TV_CPUID_LEAF_BASE	0x40000000u
#define TV_CPUID_LEAF_VERSION	0x40000001u
#define TV_CPUID_SIGNATURE	"thinvisorVMM"
#define TV_ABI_VERSION		1u

/*
 * Function names.  Arguments:
 *   get_vmmcall_number  (RAX=0 form, see above)
 *   get_status  RBX = buffer, RCX = its size: fills struct tv_status,
 *               RAX = bytes written.
 *   log         RBX = buffer, RCX = its size: copies the log ring, oldest
 *               byte first (the newest RCX bytes if it holds more),
 *               RAX = bytes copied.
 *   dump_exits  no arguments: prints the exit counters (per CPU, per
 *               reason) to the hypervisor log; RAX = total exits.
 *   dbgsh       RBX = key (0..255) or -1 to poll: RAX = 0 (send more),
 *               a character to print, or 0x100 | '\n' when the shell exits.
 */
#define TV_CALL_GET_STATUS	"get_status"
#define TV_CALL_LOG		"log"
#define TV_CALL_DUMP_EXITS	"dump_exits"
#define TV_CALL_DBGSH		"dbgsh"

#define TV_STATUS_CANARY_OK	(1u << 0)

/* get_status result; only ever grows at the end (size tells the version). */
struct tv_status {
	uint32_t size;		/* 0x00: bytes of this struct filled in */
	uint32_t abi_version;	/* 0x04 */
	char vendor[16];	/* 0x08: "AMD-V" or "VT-x", NUL-terminated */
	uint64_t vmm_base;	/* 0x18: physical base of hypervisor memory */
	uint64_t vmm_size;	/* 0x20: bytes */
	uint64_t canary_pa;	/* 0x28: physical address of the canary */
	uint32_t flags;		/* 0x30: TV_STATUS_* */
	uint32_t ncpus;		/* 0x34: CPUs under the hypervisor */
	uint64_t exits_total;	/* 0x38 */
} __attribute__((packed));
_Static_assert(sizeof(struct tv_status) == 0x40, "tv_status layout");

#endif
