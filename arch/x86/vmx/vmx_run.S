/*
 * The VT-x run loop, the twin of svm_run.S.  The frame at the top of the
 * CPU's stack (its address is the VMCS host RSP) holds
 *   0x00 &cpu->guest   (struct guest_regs: gpr[i] at i*8)
 *   0x08 struct per_cpu *
 *   0x10 launched: 0 until the first VM exit, then VMRESUME instead of
 *        VMLAUNCH (SDM vol.3 §31.3: VMLAUNCH needs a clear VMCS, VMRESUME
 *        a launched one)
 * VM entry loads the guest's RSP/RIP/RFLAGS from the VMCS; we load the
 * other GPRs from cpu->guest.  VM exit loads the host state of the VMCS:
 * RSP = the frame, RIP = vmx_exit_entry, RFLAGS = 2 (interrupts off in the
 * host), and leaves the guest's GPRs, which we store before anything else.
 * vmx_handle_exit copies RSP/RIP/RFLAGS between the VMCS and cpu->guest.
 *
 * A VMLAUNCH/VMRESUME that fails (CF or ZF set: §31.2) falls through to
 * vmx_entry_failed with RFLAGS, which reports the VM-instruction error.
 */
#include <arch/guest_gprs.h>

	.text
	.globl vmx_launch
vmx_launch:
	movq	%rdi, %rsp
vmx_enter:
	movq	(%rsp), %rax
	GUEST_GPRS_LOAD
	cmpq	$0, 0x10(%rsp)
	movq	(%rax), %rax		/* mov keeps the flags of the cmp */
	jne	1f
	vmlaunch
	jmp	2f
1:	vmresume
2:	pushfq
	popq	%rsi
	movq	0x08(%rsp), %rdi
	call	vmx_entry_failed
	ud2

	.globl vmx_exit_entry
vmx_exit_entry:
	pushq	%rax
	movq	0x08(%rsp), %rax
	GUEST_GPRS_STORE
	popq	(%rax)
	movq	$1, 0x10(%rsp)
	movq	0x08(%rsp), %rdi
	call	vmx_handle_exit
	jmp	vmx_enter

/*
 * int vmx_xsetbv_safe(u32 index, u64 value): XSETBV on the guest's behalf;
 * -EFAULT (-14) if it raises #GP (fixed up through .extable).
 */
	.globl vmx_xsetbv_safe
vmx_xsetbv_safe:
	movl	%edi, %ecx
	movl	%esi, %eax
	movq	%rsi, %rdx
	shrq	$32, %rdx
3:	xsetbv
	xorl	%eax, %eax
	ret
4:	movl	$-14, %eax
	ret
	.pushsection .extable, "aw"
	.quad	3b, 4b
	.popsection
	.section .note.GNU-stack, "", @progbits
