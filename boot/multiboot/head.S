/*
 * thinvisor-mb.elf: the Multiboot header, the entry point and the mode
 * switches the C code cannot do itself.
 *
 * GRUB enters mb_start in 32-bit protected mode, paging off, EAX = the
 * Multiboot magic and EBX = the information structure (Multiboot 0.6.96
 * §3.2); the GDT, IDT and stack it leaves are not ours to keep.  We load
 * our own GDT, a stack, an IDT that reports exceptions, a TSS (VT-x
 * checks TR in the guest state, AMD-V does not care), and call mb_main.
 *
 * mb_call64 enters long mode on identity page tables (Intel SDM vol.3
 * §10.8.5, AMD APM vol.2 §14.6), calls the hypervisor's 64-bit entry with
 * the SysV ABI, and goes back to 32-bit protected mode with paging off
 * (SDM §10.8.5.4).  When the hypervisor started, that return already
 * happens in guest mode: everything after it is the guest's doing.
 *
 * mb_enter_real jumps into the real-mode blob (realmode.S) through a
 * 16-bit code segment whose base is the blob, which then clears CR0.PE.
 */
#include "mb_asm.h"

	.section .multiboot, "a"
	.align 4
mb_header:
	.long	MB_HEADER_MAGIC
	.long	MB_HEADER_FLAGS
	.long	-(MB_HEADER_MAGIC + MB_HEADER_FLAGS)

	.section .text
	.code32
	.globl mb_start
mb_start:
	cli
	cld
	movl	%eax, %ebp
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb
	movl	$mb_stack_top, %esp
	lgdt	mb_gdt_ptr
	ljmp	$SEL_CODE32, $1f
1:	movw	$SEL_DATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss
	pushl	%ebx
	pushl	%ebp
	call	mb_main
2:	hlt
	jmp	2b

/*
 * int mb_call64(u32 entry, u32 table): entry(table) in long mode, result
 * in EAX.  RBX keeps our ESP across the call: tv_entry preserves the
 * callee-saved registers even when it returns as a guest.
 */
	.globl mb_call64
mb_call64:
	pushl	%ebp
	movl	%esp, %ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	8(%ebp), %esi
	movl	12(%ebp), %edi
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$mb_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$CR0_PG, %eax
	movl	%eax, %cr0
	ljmp	$SEL_CODE64, $3f
	.code64
3:	movl	%esp, %ebx		/* writes zero-extend: RBX = ESP */
	movl	%esp, %esp
	andq	$-16, %rsp
	movl	%edi, %edi
	movl	%esi, %esi
	call	*%rsi
	movl	$mb_call64_rc, %ecx	/* 32-bit ELF: no RIP-relative */
	movl	%eax, (%rcx)
	movq	%rbx, %rsp
	pushq	$SEL_CODE32
	movl	$4f, %ecx
	pushq	%rcx
	lretq
	.code32
4:	movl	%cr0, %eax		/* compatibility mode: paging off ... */
	andl	$~CR0_PG, %eax
	movl	%eax, %cr0
	movl	$MSR_EFER, %ecx		/* ... then leave IA-32e mode */
	rdmsr
	andl	$~EFER_LME, %eax
	wrmsr
	movl	%cr4, %eax
	andl	$~CR4_PAE, %eax
	movl	%eax, %cr4
	movw	$SEL_DATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	mb_call64_rc, %eax
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret

/* void mb_enter_real(u32 blob, u32 pm16_off): does not return. */
	.globl mb_enter_real
mb_enter_real:
	cli
	movl	4(%esp), %ebx
	movl	8(%esp), %esi
	movl	%ebx, %eax
	movw	%ax, mb_gdt + SEL_CODE16 + 2
	shrl	$16, %eax
	movb	%al, mb_gdt + SEL_CODE16 + 4
	movb	%ah, mb_gdt + SEL_CODE16 + 7
	pushl	$SEL_CODE16
	pushl	%esi
	lret

/* Exceptions: push the vector (and a zero error code where the CPU does
 * not push one) and let mb_exception print them. */
.macro EXC vec, has_err
exc_\vec:
	.if \has_err == 0
	pushl	$0
	.endif
	pushl	$\vec
	jmp	exc_common
.endm

exc_common:
	pushal
	pushl	%esp
	call	mb_exception
5:	hlt
	jmp	5b

	.irp v, 0,1,2,3,4,5,6,7,9,15,16,18,19,20
	EXC \v, 0
	.endr
	.irp v, 8,10,11,12,13,14,17
	EXC \v, 1
	.endr

	.section .rodata
	.globl mb_exc_stubs
	.align 4
mb_exc_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20
	.long	exc_\v
	.endr

	.section .data
	.globl mb_gdt
	.align 16
mb_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code, flat */
	.quad	0x00cf92000000ffff	/* 0x10: data, flat */
	.quad	0x00af9a000000ffff	/* 0x18: 64-bit code */
	.quad	0x00009a000000ffff	/* 0x20: 16-bit code, base = blob */
	.quad	0x000092000000ffff	/* 0x28: 16-bit data, base 0 */
	.quad	0, 0			/* 0x30: TSS (16 bytes in long mode) */
mb_gdt_end:
	.globl mb_gdt_ptr
mb_gdt_ptr:
	.word	mb_gdt_end - mb_gdt - 1
	.long	mb_gdt

	.section .bss
	.align 4096
	.globl mb_pml4
mb_pml4:
	.skip	4096
mb_call64_rc:
	.skip	4
	.align 16
mb_stack:
	.skip	MB_STACK_SIZE
mb_stack_top:
	.section .note.GNU-stack, "", @progbits
