/*
 * Entry from the UEFI loader, exception stubs and fault-tolerant MSR access.
 *
 * tv_entry(table) is called (SysV ABI) by the loader.  It records the state
 * the loader must find when the call "returns" — callee-saved registers,
 * return address, stack pointer after the return, RFLAGS — in boot_regs,
 * then runs vmm_boot on a private stack.  On success vmm_boot never returns:
 * the loader resumes at its return address as a guest.  On failure we go
 * back to the loader's stack and return vmm_boot's -errno.
 */
	.section .text
	.globl tv_entry
	.type tv_entry, @function
tv_entry:
	pushfq
	popq	%rax
	leaq	boot_regs(%rip), %r11
	movq	%rax, 0x88(%r11)		/* rflags */
	movq	%rbx, 0x18(%r11)
	movq	%rbp, 0x28(%r11)
	movq	%r12, 0x60(%r11)
	movq	%r13, 0x68(%r11)
	movq	%r14, 0x70(%r11)
	movq	%r15, 0x78(%r11)
	movq	(%rsp), %rax
	movq	%rax, 0x80(%r11)		/* rip: the return address */
	leaq	8(%rsp), %rax
	movq	%rax, 0x20(%r11)		/* rsp after "ret" */
	cli
	movq	%rsp, boot_caller_rsp(%rip)
	leaq	boot_stack_top(%rip), %rsp
	movq	%r11, %rsi
	call	vmm_boot
	movq	boot_caller_rsp(%rip), %rsp
	pushq	boot_regs+0x88(%rip)
	popfq
	ret
	.size tv_entry, . - tv_entry

/*
 * void arch_switch_stack(void *stack_top, void (*fn)(void *), void *arg,
 *			  u32 *lock): runs fn(arg) on a new stack, releasing
 * *lock (the AP boot lock) once the old stack is no longer used.
 */
	.globl arch_switch_stack
arch_switch_stack:
	movq	%rdi, %rsp
	movl	$0, (%rcx)
	movq	%rdx, %rdi
	call	*%rsi
	ud2

/* int rdmsr_safe(u32 msr, u64 *v) */
	.globl rdmsr_safe
rdmsr_safe:
	movl	%edi, %ecx
1:	rdmsr
	shlq	$32, %rdx
	orq	%rdx, %rax
	movq	%rax, (%rsi)
	xorl	%eax, %eax
	ret
2:	movl	$-14, %eax
	ret
	.pushsection .extable, "aw"
	.quad	1b, 2b
	.popsection

/* int wrmsr_safe(u32 msr, u64 v) */
	.globl wrmsr_safe
wrmsr_safe:
	movl	%edi, %ecx
	movl	%esi, %eax
	movq	%rsi, %rdx
	shrq	$32, %rdx
3:	wrmsr
	xorl	%eax, %eax
	ret
4:	movl	$-14, %eax
	ret
	.pushsection .extable, "aw"
	.quad	3b, 4b
	.popsection

/*
 * Exception stubs: push a zero error code where the CPU does not, then the
 * vector, then all registers, and call exception_handler(frame).  If it
 * returns (a fixed-up fault), restore and iret.
 */
.macro EXC vec, has_err
	.align 16
exc_\vec:
	.if \has_err == 0
	pushq	$0
	.endif
	pushq	$\vec
	jmp	exc_common
.endm

exc_common:
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rbx
	pushq	%rbp
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, %rdi
	movq	%rsp, %rbx
	andq	$-16, %rsp
	call	exception_handler
	movq	%rbx, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rbp
	popq	%rbx
	popq	%rdx
	popq	%rcx
	popq	%rax
	addq	$16, %rsp
	iretq

EXC 0, 0
EXC 1, 0
EXC 2, 0
EXC 3, 0
EXC 4, 0
EXC 5, 0
EXC 6, 0
EXC 7, 0
EXC 8, 1
EXC 9, 0
EXC 10, 1
EXC 11, 1
EXC 12, 1
EXC 13, 1
EXC 14, 1
EXC 15, 0
EXC 16, 0
EXC 17, 1
EXC 18, 0
EXC 19, 0
EXC 20, 0
EXC 21, 1
EXC 22, 0
EXC 23, 0
EXC 24, 0
EXC 25, 0
EXC 26, 0
EXC 27, 0
EXC 28, 0
EXC 29, 1
EXC 30, 1
EXC 31, 0

	.section .data
	.globl exception_stubs
	.align 8
exception_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad exc_\v
	.endr

	.section .bss
	.align 16
boot_stack:
	.skip 16384
boot_stack_top:
	.globl boot_regs
boot_regs:
	.skip 0x90
boot_caller_rsp:
	.skip 8
	.section .note.GNU-stack, "", @progbits
