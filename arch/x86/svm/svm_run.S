/*
 * The AMD-V run loop.  The frame at the top of the CPU's stack holds
 *   0x00 &cpu->guest   (struct guest_regs: gpr[i] at i*8)
 *   0x08 guest VMCB physical address
 *   0x10 host VMCB physical address (our FS/GS/TR/syscall MSRs)
 *   0x18 struct per_cpu *
 * VMRUN loads the guest's RAX/RSP/RIP from the VMCB; we load the other
 * GPRs.  #VMEXIT restores our RSP and RAX (= the VMCB address), clears GIF
 * (so the host never takes interrupts) and leaves the guest's GPRs, which
 * we store before anything else.
 */
#include <arch/guest_gprs.h>

	.text
	.globl svm_launch
svm_launch:
	movq	%rdi, %rsp
	clgi
svm_loop:
	movq	(%rsp), %rax
	GUEST_GPRS_LOAD
	movq	0x08(%rsp), %rax
	vmload	%rax
	vmrun	%rax
	.globl	svm_vmrun_next
svm_vmrun_next:			/* for svm_check_run_state */
	vmsave	%rax
	pushq	%rax
	movq	0x08(%rsp), %rax
	GUEST_GPRS_STORE
	popq	%rax
	movq	0x10(%rsp), %rax
	vmload	%rax
	movq	0x18(%rsp), %rdi
	call	svm_handle_exit
	jmp	svm_loop
	.section .note.GNU-stack, "", @progbits
