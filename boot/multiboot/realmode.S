/*
 * The real-mode blob: copied by lowmem.c into reserved memory just below
 * the EBDA, where it stays for as long as the machine runs.  It holds
 *
 *  - a data area (struct mb_low_data, filled in by lowmem.c),
 *  - pm16/real16, the launcher: from 16-bit protected mode to real mode,
 *    then into the next stage, either the Linux real-mode kernel
 *    (boot.rst "Running the kernel": CS = seg + 0x20, IP = 0, the other
 *    segments = seg, SP = heap end, interrupts off) or a boot sector
 *    read with INT 13h to 0000:7C00 and entered with DL = its drive,
 *  - hook15, our INT 15h handler, which hides the hypervisor's memory:
 *    AX=E820h (ACPI 6.5 §15.1) is answered from the blob's own table,
 *    where lowmem.c has already marked hidden memory reserved; E801h,
 *    E881h and AH=88h go to the previous handler and their sizes are cut
 *    to end below the hypervisor; everything else goes straight through.
 *
 * All code addresses its data through CS, since the blob runs at
 * whatever segment lowmem.c picked; OFF() turns a label into its offset
 * from the start of the blob.  Flags are returned the BIOS way: CF in
 * the FLAGS image on the caller's stack, which IRET restores.
 */
#include "mb_asm.h"

#define OFF(x)	((x) - mb_low_blob)
#define SMAP	0x534d4150

	.section .rodata
	.globl mb_low_layout
	.align 4
mb_low_layout:
	.long	blob_end - mb_low_blob
	.long	OFF(pm16)
	.long	OFF(hook15)
	.long	OFF(e820_table)
	.long	LOW_STACK_TOP

	.section .rodata.mb_blob, "a"
	.code16
	.globl mb_low_blob
	.align 16
mb_low_blob:
	.skip	LOW_DATA_SIZE

/* 16-bit protected mode, CS base = the blob: drop PE, reload CS. */
pm16:
	movw	$SEL_DATA16, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss
	movl	%cr0, %eax
	andl	$~CR0_PE, %eax
	movl	%eax, %cr0
	pushw	%cs:LOW_REAL_SEG
	pushw	$OFF(real16)
	lretw

real16:
	movw	%cs, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	$LOW_STACK_TOP, %esp
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs
	lidt	LOW_IDTR
	cmpb	$NEXT_LINUX, LOW_NEXT
	je	start_linux

/* Boot sector: EDD read (AH=42h), else CHS (AH=02h), of LBA 0. */
mbr:
	sti
	movb	LOW_DRIVE, %dl
	movw	$LOW_DAP, %si
	movb	$0x42, %ah
	int	$0x13
	jnc	1f
	xorw	%ax, %ax
	movw	%ax, %es
	movw	$0x7c00, %bx
	movw	$0x0201, %ax
	movw	$0x0001, %cx
	xorb	%dh, %dh
	movb	%cs:LOW_DRIVE, %dl
	int	$0x13
	jc	mbr_fail
1:	xorw	%ax, %ax
	movw	%ax, %es
	cmpw	$0xaa55, %es:0x7dfe
	jne	mbr_fail
	cli
	movb	%cs:LOW_DRIVE, %dl
	xorw	%ax, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	$0x7c00, %esp
	ljmp	$0, $0x7c00

mbr_fail:
	pushw	%cs
	popw	%ds
	movw	$OFF(msg_nombr), %si
2:	lodsb
	testb	%al, %al
	jz	3f
	movb	$0x0e, %ah
	movw	$0x0007, %bx
	int	$0x10
	jmp	2b
3:	int	$0x18		/* BIOS: try the next boot device */
4:	hlt
	jmp	4b

start_linux:
	movw	LOW_LINUX_SP, %bx
	movw	LOW_LINUX_SEG, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss
	movzwl	%bx, %esp
	addw	$0x20, %ax
	pushw	%ax
	pushw	$0
	lretw

/* INT 15h. */
hook15:
	cmpl	$0xe820, %eax
	je	e820
	cmpw	$0xe801, %ax
	je	e801
	cmpw	$0xe881, %ax
	je	e881
	cmpb	$0x88, %ah
	je	ah88
chain:
	ljmp	*%cs:LOW_OLD15

/* EBX = index of the entry to return; ES:DI = buffer; ECX = its size. */
e820:
	cmpl	$SMAP, %edx
	jne	chain
	cmpl	$20, %ecx
	jb	e820_bad
	movzwl	%cs:LOW_E820_COUNT, %eax
	cmpl	%eax, %ebx
	jae	e820_bad
	pushw	%ds
	pushw	%si
	pushw	%di
	pushw	%cs
	popw	%ds
	movw	%bx, %si		/* SI = table + 24 * EBX */
	shlw	$3, %si
	movw	%si, %ax
	shlw	$1, %si
	addw	%ax, %si
	addw	$OFF(e820_table), %si
	cmpl	$24, %ecx
	jb	1f
	movl	$24, %ecx
	jmp	2f
1:	movl	$20, %ecx
2:	movl	%ecx, %eax
	cld
	rep movsb
	movl	%eax, %ecx
	popw	%di
	popw	%si
	popw	%ds
	incl	%ebx
	cmpw	%cs:LOW_E820_COUNT, %bx
	jb	3f
	xorl	%ebx, %ebx		/* that was the last one */
3:	movl	$SMAP, %eax
	jmp	iret_ok
e820_bad:
	movb	$0x86, %ah		/* function not supported */
	jmp	iret_cf

/* AX/CX = KiB between 1 and 16 MiB, BX/DX = 64 KiB blocks above. */
e801:
	pushfw
	lcallw	*%cs:LOW_OLD15
	jc	iret_cf
	cmpw	%cs:LOW_E801_AX, %ax
	jbe	1f
	movw	%cs:LOW_E801_AX, %ax
1:	cmpw	%cs:LOW_E801_AX, %cx
	jbe	2f
	movw	%cs:LOW_E801_AX, %cx
2:	cmpw	%cs:LOW_E801_BX, %bx
	jbe	3f
	movw	%cs:LOW_E801_BX, %bx
3:	cmpw	%cs:LOW_E801_BX, %dx
	jbe	iret_ok
	movw	%cs:LOW_E801_BX, %dx
	jmp	iret_ok

/* The same in 32-bit registers. */
e881:
	pushfw
	lcallw	*%cs:LOW_OLD15
	jc	iret_cf
	pushl	%esi
	movzwl	%cs:LOW_E801_AX, %esi
	cmpl	%esi, %eax
	jbe	1f
	movl	%esi, %eax
1:	cmpl	%esi, %ecx
	jbe	2f
	movl	%esi, %ecx
2:	movzwl	%cs:LOW_E801_BX, %esi
	cmpl	%esi, %ebx
	jbe	3f
	movl	%esi, %ebx
3:	cmpl	%esi, %edx
	jbe	4f
	movl	%esi, %edx
4:	popl	%esi
	jmp	iret_ok

/* AX = KiB above 1 MiB. */
ah88:
	pushfw
	lcallw	*%cs:LOW_OLD15
	jc	iret_cf
	cmpw	%cs:LOW_AH88, %ax
	jbe	iret_ok
	movw	%cs:LOW_AH88, %ax
	jmp	iret_ok

/* Return with CF clear / set in the caller's FLAGS image. */
iret_ok:
	pushw	%bp
	movw	%sp, %bp
	andw	$~1, 6(%bp)
	popw	%bp
	iretw
iret_cf:
	pushw	%bp
	movw	%sp, %bp
	orw	$1, 6(%bp)
	popw	%bp
	iretw

msg_nombr:
	.asciz	"thinvisor: no bootable disk for the next stage\r\n"

	.balign	8
e820_table:
blob_end:
	.section .note.GNU-stack, "", @progbits
