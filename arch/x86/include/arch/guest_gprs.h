/*
 * Moving the guest's general-purpose registers between the CPU and
 * struct guest_regs (gpr[i] at i * 8, Intel numbering: RAX 0, RCX 1, ...),
 * for the two run loops (svm/svm_run.S, vmx/vmx_run.S).  RAX holds the
 * struct's address and RSP is ours, so both are left out: each loop moves
 * them itself (VMRUN/VM entry take the guest's RSP from the VMCB/VMCS).
 */
#ifndef ARCH_GUEST_GPRS_H
#define ARCH_GUEST_GPRS_H

#ifdef __ASSEMBLER__
.macro GUEST_GPRS_LOAD
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
.endm

.macro GUEST_GPRS_STORE
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
.endm
#endif

#endif
