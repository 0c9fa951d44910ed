/*
 * Run-state checks on every AMD-V exit, and a record of the last exits.
 *
 * The run frame at the top of the stack (svm_run.S) must still name this
 * CPU's VMCBs and its host-save area must still be ours: if not, our own
 * state is broken and we stop.
 *
 * QEMU TCG (7.2, seen under the two-CPU config-space stress test; rates in
 * the README) now and then starts a guest with our own host state: the
 * exit that follows is a nested page fault on the walk of our CR3 at guest
 * RIP svm_vmrun_next, with RSP our run frame and RAX our VMCB - the values
 * that VMRUN had just stored in the host-save area.  The fetch of the first
 * instruction faulted, so no guest instruction ran in that state and
 * entering again with what we handed that VMRUN (kept by
 * svm_entry_snapshot) is exact.  A guest can forge the same exit (point
 * CR3 at our page tables, jump to that address); it then only loops back
 * to its own earlier state, and after a few in a row it gets what a triple
 * fault gets.
 */
#include <tv/hv.h>
#include <tv/env.h>
#include <arch/processor.h>
#include <arch/vmcb.h>
#include <arch/svm.h>

/* Host-state entries in a row that we take for a guest, not the glitch. */
#define SVM_REPAIR_LIMIT 3

_Static_assert(SVM_ENTRY_SAVE_LEN ==
	       __builtin_offsetof(struct vmcb_save, dbgctl) -
	       __builtin_offsetof(struct vmcb_save, es), "entry copy length");
_Static_assert(sizeof(((struct svm_entry_copy *)0)->gpr) ==
	       sizeof(((struct guest_regs *)0)->gpr), "entry copy GPRs");

extern const char svm_vmrun_next[];

static u32 svm_check_warned;

void svm_trace_exit(struct svm_cpu *svm, const struct vmcb *v, u64 rip_in)
{
	struct svm_exit_record *r = &svm->trace[svm->trace_next];

	r->code = (u32)v->control.exit_code;
	r->int_info = (u32)v->control.exit_int_info;
	r->info1 = v->control.exit_info1;
	r->info2 = v->control.exit_info2;
	r->rip_in = rip_in;
	r->rip_out = v->save.rip;
	r->event_inj = (u32)v->control.event_inj;
	svm->trace_next = (svm->trace_next + 1) % SVM_TRACE_LEN;
}

/* The state the next VMRUN gets, for entering again after the glitch. */
void svm_entry_snapshot(struct per_cpu *cpu, const struct vmcb *v)
{
	struct svm_entry_copy *e = &cpu->arch.svm.entry;

	memcpy(e->save, &v->save, sizeof(e->save));
	memcpy(e->gpr, cpu->guest.gpr, sizeof(e->gpr));
	e->event_inj = v->control.event_inj;
	e->valid = true;
}

/* What led here: this exit and the ones before it, oldest first. */
static void svm_dump_trace(struct per_cpu *cpu, const struct vmcb *v)
{
	const struct svm_cpu *svm = &cpu->arch.svm;
	const struct vmcb *hsave = (const struct vmcb *)svm->hsave_pa;
	u32 i;

	log_printf("svm: cpu%u: this exit %x info %llx %llx intinfo %llx; "
		   "VMCB rsp %llx rax %llx rflags %llx cs %x\n", cpu->cpu_id,
		   (u32)v->control.exit_code,
		   (unsigned long long)v->control.exit_info1,
		   (unsigned long long)v->control.exit_info2,
		   (unsigned long long)v->control.exit_int_info,
		   (unsigned long long)v->save.rsp,
		   (unsigned long long)v->save.rax,
		   (unsigned long long)v->save.rflags, v->save.cs.selector);
	/* identity-mapped (core/mem.c) */
	log_printf("svm: cpu%u: HSAVE rip %llx rsp %llx rax %llx cr3 %llx\n",
		   cpu->cpu_id, (unsigned long long)hsave->save.rip,
		   (unsigned long long)hsave->save.rsp,
		   (unsigned long long)hsave->save.rax,
		   (unsigned long long)hsave->save.cr3);
	for (i = 0; i < SVM_TRACE_LEN; i++) {
		const struct svm_exit_record *r =
			&svm->trace[(svm->trace_next + i) % SVM_TRACE_LEN];

		log_printf("svm: cpu%u: exit -%u: %x info %llx %llx intinfo "
			   "%x rip %llx -> %llx inj %x\n", cpu->cpu_id,
			   SVM_TRACE_LEN - i, r->code,
			   (unsigned long long)r->info1,
			   (unsigned long long)r->info2, r->int_info,
			   (unsigned long long)r->rip_in,
			   (unsigned long long)r->rip_out, r->event_inj);
	}
}

/* Our frame and host-save area: broken only by a bug of ours. */
static void svm_check_frame(struct per_cpu *cpu)
{
	const u64 *frame = (const u64 *)(cpu->stack + PERCPU_STACK_SIZE) - 4;
	const struct svm_cpu *svm = &cpu->arch.svm;
	u64 hsave = rdmsr(MSR_VM_HSAVE_PA);

	if (frame[0] == (u64)&cpu->guest && frame[1] == svm->vmcb_pa &&
	    frame[2] == svm->host_vmcb_pa && frame[3] == (u64)cpu &&
	    hsave == svm->hsave_pa)
		return;
	panic("svm: cpu%u: run state broken: frame %llx %llx %llx %llx "
	      "(want %llx %llx %llx %llx), HSAVE %llx (want %llx)\n",
	      cpu->cpu_id, (unsigned long long)frame[0],
	      (unsigned long long)frame[1], (unsigned long long)frame[2],
	      (unsigned long long)frame[3], (unsigned long long)&cpu->guest,
	      (unsigned long long)svm->vmcb_pa,
	      (unsigned long long)svm->host_vmcb_pa, (unsigned long long)cpu,
	      (unsigned long long)hsave, (unsigned long long)svm->hsave_pa);
}

/* Enter again with what the last VMRUN was handed. */
static void svm_enter_again(struct per_cpu *cpu, struct vmcb *v)
{
	struct svm_entry_copy *e = &cpu->arch.svm.entry;

	memcpy(&v->save, e->save, sizeof(e->save));
	memcpy(cpu->guest.gpr, e->gpr, sizeof(e->gpr));
	v->control.event_inj = e->event_inj;
	v->control.tlb_control = SVM_TLB_FLUSH_ALL;
	log_ratelimited(svm_check_warned, "svm: cpu%u: the guest was entered "
			"with our host state (QEMU TCG); entering again at rip "
			"%llx\n", cpu->cpu_id,
			(unsigned long long)v->save.rip);
}

/*
 * Returns true when this exit came from an entry with our host state and
 * the VMCB now holds the state to enter again with (skip the dispatch).
 */
bool svm_check_run_state(struct per_cpu *cpu, struct vmcb *v)
{
	struct svm_entry_copy *e = &cpu->arch.svm.entry;

	svm_check_frame(cpu);
	if (!(v->save.rip == (u64)svm_vmrun_next &&
	      v->save.cr3 == read_cr3())) {
		e->repaired = 0;
		return false;
	}
	if (!e->valid) {
		svm_dump_trace(cpu, v);
		panic("svm: cpu%u: first entry ran with our host state\n",
		      cpu->cpu_id);
	}
	if (++e->repaired >= SVM_REPAIR_LIMIT) {
		svm_dump_trace(cpu, v);
		log_printf("svm: cpu%u: guest keeps running at our address on "
			   "our page tables; resetting\n", cpu->cpu_id);
		hv_reboot();
	}
	if (!svm_check_warned)
		svm_dump_trace(cpu, v);
	svm_enter_again(cpu, v);
	return true;
}
