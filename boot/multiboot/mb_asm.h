/*
 * Constants shared by the stub's assembly files (head.S, realmode.S) and
 * its C code: GDT selectors (the GDT is in head.S), control-register and
 * MSR bits (Intel SDM vol.3 §2.5, §2.2.1; AMD APM vol.2 §3.1), and the
 * Multiboot header flags we ask for (Multiboot 0.6.96 §3.1.2).
 */
#ifndef MB_ASM_H
#define MB_ASM_H

#define MB_HEADER_MAGIC		0x1badb002
#define MB_HEADER_FLAGS		0x00000003	/* page-aligned modules, mmap */

#define SEL_CODE32	0x08
#define SEL_DATA	0x10
#define SEL_CODE64	0x18
#define SEL_CODE16	0x20
#define SEL_DATA16	0x28
#define SEL_TSS		0x30

#define CR0_PE		0x00000001
#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define MSR_EFER	0xc0000080
#define EFER_LME	0x00000100

#define MB_STACK_SIZE	16384

/* Real-mode blob (realmode.S, struct mb_low_data in mb.h). */
#define LOW_OLD15	0x00
#define LOW_E820_COUNT	0x04
#define LOW_E801_AX	0x06
#define LOW_E801_BX	0x08
#define LOW_AH88	0x0a
#define LOW_REAL_SEG	0x0c
#define LOW_NEXT	0x0e
#define LOW_DRIVE	0x0f
#define LOW_LINUX_SEG	0x10
#define LOW_LINUX_SP	0x12
#define LOW_IDTR	0x16
#define LOW_DAP		0x1c
#define LOW_DATA_SIZE	0x40
#define LOW_BLOB_PAGES	2		/* code, data, table, stack */
#define LOW_STACK_TOP	(LOW_BLOB_PAGES * 4096)
#define LOW_E820_MAX	128

#define NEXT_LINUX	1
#define NEXT_MBR	2

#endif
