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
	.text
	.globl svm_launch
svm_launch:
	movq	%rdi, %rsp
	clgi
svm_loop:
	movq	(%rsp), %rax
	movq	0x08(%rax), %rcx
	movq	0x10(%rax), %rdx
	movq	0x18(%rax), %rbx
	movq	0x28(%rax), %rbp
	movq	0x30(%rax), %rsi
	movq	0x38(%rax), %rdi
	movq	0x40(%rax), %r8
	movq	0x48(%rax), %r9
	movq	0x50(%rax), %r10
	movq	0x58(%rax), %r11
	movq	0x60(%rax), %r12
	movq	0x68(%rax), %r13
	movq	0x70(%rax), %r14
	movq	0x78(%rax), %r15
	movq	0x08(%rsp), %rax
	vmload	%rax
	vmrun	%rax
	vmsave	%rax
	pushq	%rax
	movq	0x08(%rsp), %rax
	movq	%rcx, 0x08(%rax)
	movq	%rdx, 0x10(%rax)
	movq	%rbx, 0x18(%rax)
	movq	%rbp, 0x28(%rax)
	movq	%rsi, 0x30(%rax)
	movq	%rdi, 0x38(%rax)
	movq	%r8, 0x40(%rax)
	movq	%r9, 0x48(%rax)
	movq	%r10, 0x50(%rax)
	movq	%r11, 0x58(%rax)
	movq	%r12, 0x60(%rax)
	movq	%r13, 0x68(%rax)
	movq	%r14, 0x70(%rax)
	movq	%r15, 0x78(%rax)
	popq	%rax
	movq	0x10(%rsp), %rax
	vmload	%rax
	movq	0x18(%rsp), %rdi
	call	svm_handle_exit
	jmp	svm_loop
	.section .note.GNU-stack, "", @progbits
