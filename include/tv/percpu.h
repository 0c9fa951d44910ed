/*
 * Per-CPU state of the hypervisor.  Each physical CPU owns one struct
 * per_cpu, reached from its host stack (the struct starts with the stack, so
 * the top-of-stack pointer finds it), and no other CPU writes it except the
 * fields marked otherwise.  The guest's general-purpose registers live here
 * while the CPU is in the host: the arch layer copies RAX/RSP/RIP/RFLAGS
 * from the VMCB/VMCS on each exit and back before re-entry, so generic exit
 * handlers read and write `guest` only.
 */
#ifndef TV_PERCPU_H
#define TV_PERCPU_H

#include <tv/types.h>
#include <arch/percpu.h>

#define PERCPU_STACK_SIZE	(16 * 1024)
#define MAX_CPUS		64

enum gpr {
	GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
	GPR_COUNT
};

struct guest_regs {
	u64 gpr[GPR_COUNT];	/* 0x00: offsets known to arch asm */
	u64 rip;		/* 0x80 */
	u64 rflags;		/* 0x88 */
};
_Static_assert(sizeof(struct guest_regs) == 0x90, "guest_regs layout");

/* Exit counters are kept per arch exit code, compacted by the arch layer. */
#define EXIT_COUNTERS		160

struct per_cpu {
	u8 stack[PERCPU_STACK_SIZE];	/* must stay first */
	struct guest_regs guest;
	u32 cpu_id;			/* 0 = boot CPU */
	u32 apic_id;
	u64 exits_total;
	u64 fault_addr;			/* last guest #PF seen by guest_mem */
	u32 fault_err;			/* its error code; 0 = none */
	u8 *ucode_buf;			/* microcode copies (core/microcode.c) */
	u64 exit_count[EXIT_COUNTERS];	/* read by any CPU, racy by design */
	struct arch_cpu arch;
} __aligned(4096);

extern struct per_cpu *cpus[MAX_CPUS];
extern unsigned int ncpus;

#endif
