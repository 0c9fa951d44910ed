/*
 * Application-processor start code.  core/smp.c copies this template into
 * the reserved page below 1 MiB and fills struct trampoline_data at offset
 * 0xf00 of the page; a SIPI with that page's vector starts an AP here in
 * real mode, with CS = page >> 4.  The code switches to protected mode,
 * then to long mode on the hypervisor's page tables, and jumps to
 * ap_entry(page) on a shared boot stack.  Several APs may start at once (a
 * broadcast SIPI): a lock in the page lets one through at a time, and
 * ap_entry releases it once it runs on its own stack.
 *
 * Data layout (must match struct trampoline_data in core/smp.c):
 *   0xf00 u16 gdt limit, u32 gdt linear base     (lgdtl operand)
 *   0xf08 u32 prot32 linear address, u16 0x08     (ljmpl operand)
 *   0xf10 u32 long64 linear address, u16 0x18     (ljmp operand)
 *   0xf18 u32 CR3 (below 4 GiB)
 *   0xf20 u64 boot stack top
 *   0xf28 u64 ap_entry address
 *   0xf30 u32 lock
 *   0xf38 GDT: null, code32 (0x08), data (0x10), code64 (0x18)
 */
	.section .data
	.globl trampoline_start, trampoline_end
	.code16
trampoline_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	xorl	%ebx, %ebx
	movw	%cs, %bx
	shll	$4, %ebx			/* ebx = linear base of the page */
1:	movb	$1, %al
	xchgb	%al, (0xf30)
	testb	%al, %al
	jz	2f
	pause
	jmp	1b
2:	lgdtl	(0xf00)
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	*(0xf08)

	.code32
tramp_prot32:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	%cr4, %eax
	orl	$0x20, %eax			/* PAE */
	movl	%eax, %cr4
	movl	0xf18(%ebx), %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx
	rdmsr
	orl	$0x900, %eax			/* EFER.LME | EFER.NXE */
	wrmsr
	movl	$0x80010033, %eax		/* PG WP NE ET MP PE; caches on */
	movl	%eax, %cr0
	ljmp	*0xf10(%ebx)

	.code64
tramp_long64:
	movl	%ebx, %ebx
	movq	0xf20(%rbx), %rsp
	movq	0xf28(%rbx), %rax
	movq	%rbx, %rdi
	jmp	*%rax
trampoline_end:

	.globl trampoline_prot32_off, trampoline_long64_off
	.section .rodata
	.align 4
trampoline_prot32_off:
	.long	tramp_prot32 - trampoline_start
trampoline_long64_off:
	.long	tramp_long64 - trampoline_start
	.section .note.GNU-stack, "", @progbits
