/*
 * The AMD-V Virtual Machine Control Block (AMD APM vol.2, Appendix B,
 * "Layout of VMCB"): a 4 KiB page, control area at 0x000, state save area
 * at 0x400.  Only arch/x86/svm includes this header.
 */
#ifndef ARCH_VMCB_H
#define ARCH_VMCB_H

#include <tv/types.h>

struct vmcb_seg {
	u16 selector;		/* 0x0 */
	u16 attrib;		/* 0x2: descriptor bits 40-47, 52-55 */
	u32 limit;		/* 0x4 */
	u64 base;		/* 0x8 */
} __packed;
_Static_assert(sizeof(struct vmcb_seg) == 16, "vmcb_seg");

struct vmcb_control {
	u32 intercept_cr;	/* 0x000: reads 15:0, writes 31:16 */
	u32 intercept_dr;	/* 0x004 */
	u32 intercept_exceptions; /* 0x008 */
	u32 intercept_misc1;	/* 0x00c */
	u32 intercept_misc2;	/* 0x010 */
	u32 intercept_misc3;	/* 0x014 */
	u8 reserved_018[0x03c - 0x018];
	u16 pause_filter_threshold; /* 0x03c */
	u16 pause_filter_count;	/* 0x03e */
	u64 iopm_base_pa;	/* 0x040 */
	u64 msrpm_base_pa;	/* 0x048 */
	u64 tsc_offset;		/* 0x050 */
	u32 asid;		/* 0x058 */
	u8 tlb_control;		/* 0x05c */
	u8 reserved_05d[3];
	u64 vintr;		/* 0x060 */
	u64 interrupt_shadow;	/* 0x068 */
	u64 exit_code;		/* 0x070 */
	u64 exit_info1;		/* 0x078 */
	u64 exit_info2;		/* 0x080 */
	u64 exit_int_info;	/* 0x088 */
	u64 np_control;		/* 0x090: bit 0 nested paging */
	u64 avic_apic_bar;	/* 0x098 */
	u64 ghcb_pa;		/* 0x0a0 */
	u64 event_inj;		/* 0x0a8 */
	u64 n_cr3;		/* 0x0b0 */
	u64 lbr_control;	/* 0x0b8 */
	u32 clean_bits;		/* 0x0c0 */
	u32 reserved_0c4;
	u64 next_rip;		/* 0x0c8 */
	u8 insn_len;		/* 0x0d0 */
	u8 insn_bytes[15];	/* 0x0d1 */
	u8 reserved_0e0[0x400 - 0x0e0];
} __packed;
_Static_assert(sizeof(struct vmcb_control) == 0x400, "vmcb control");

struct vmcb_save {
	struct vmcb_seg es;	/* 0x400 */
	struct vmcb_seg cs;	/* 0x410 */
	struct vmcb_seg ss;	/* 0x420 */
	struct vmcb_seg ds;	/* 0x430 */
	struct vmcb_seg fs;	/* 0x440 */
	struct vmcb_seg gs;	/* 0x450 */
	struct vmcb_seg gdtr;	/* 0x460 */
	struct vmcb_seg ldtr;	/* 0x470 */
	struct vmcb_seg idtr;	/* 0x480 */
	struct vmcb_seg tr;	/* 0x490 */
	u8 reserved_4a0[0x4cb - 0x4a0];
	u8 cpl;			/* 0x4cb */
	u32 reserved_4cc;
	u64 efer;		/* 0x4d0 */
	u8 reserved_4d8[0x548 - 0x4d8];
	u64 cr4;		/* 0x548 */
	u64 cr3;		/* 0x550 */
	u64 cr0;		/* 0x558 */
	u64 dr7;		/* 0x560 */
	u64 dr6;		/* 0x568 */
	u64 rflags;		/* 0x570 */
	u64 rip;		/* 0x578 */
	u8 reserved_580[0x5d8 - 0x580];
	u64 rsp;		/* 0x5d8 */
	u64 s_cet;		/* 0x5e0 */
	u64 ssp;		/* 0x5e8 */
	u64 isst_addr;		/* 0x5f0 */
	u64 rax;		/* 0x5f8 */
	u64 star;		/* 0x600 */
	u64 lstar;		/* 0x608 */
	u64 cstar;		/* 0x610 */
	u64 sfmask;		/* 0x618 */
	u64 kernel_gs_base;	/* 0x620 */
	u64 sysenter_cs;	/* 0x628 */
	u64 sysenter_esp;	/* 0x630 */
	u64 sysenter_eip;	/* 0x638 */
	u64 cr2;		/* 0x640 */
	u8 reserved_648[0x668 - 0x648];
	u64 g_pat;		/* 0x668 */
	u64 dbgctl;		/* 0x670 */
	u64 br_from;		/* 0x678 */
	u64 br_to;		/* 0x680 */
	u64 last_excp_from;	/* 0x688 */
	u64 last_excp_to;	/* 0x690 */
	u8 reserved_698[0x1000 - 0x698];
} __packed;

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
} __packed;
_Static_assert(sizeof(struct vmcb) == 0x1000, "vmcb size");
_Static_assert(__builtin_offsetof(struct vmcb, save.rax) == 0x5f8, "rax");
_Static_assert(__builtin_offsetof(struct vmcb, save.g_pat) == 0x668, "gpat");

/* intercept_misc1 (VMCB 0x00c) */
#define SVM_INTERCEPT_NMI	BIT(1)
#define SVM_INTERCEPT_INIT	BIT(3)
#define SVM_INTERCEPT_CPUID	BIT(18)
#define SVM_INTERCEPT_INVLPGA	BIT(26)
#define SVM_INTERCEPT_IOIO	BIT(27)
#define SVM_INTERCEPT_MSR	BIT(28)
#define SVM_INTERCEPT_SHUTDOWN	BIT(31)
/* intercept_misc2 (VMCB 0x010) */
#define SVM_INTERCEPT_VMRUN	BIT(0)
#define SVM_INTERCEPT_VMMCALL	BIT(1)
#define SVM_INTERCEPT_VMLOAD	BIT(2)
#define SVM_INTERCEPT_VMSAVE	BIT(3)
#define SVM_INTERCEPT_STGI	BIT(4)
#define SVM_INTERCEPT_CLGI	BIT(5)
#define SVM_INTERCEPT_SKINIT	BIT(6)

#define SVM_TLB_FLUSH_ALL	1
#define SVM_INTERRUPT_SHADOW	BIT(0)	/* interrupt_shadow (VMCB 0x068) */
#define SVM_NP_ENABLE		BIT(0)

/* EVENTINJ / EXITINTINFO (APM vol.2 §15.20) */
#define SVM_EVT_VECTOR		GENMASK(7, 0)
#define SVM_EVT_TYPE_NMI	(2ULL << 8)
#define SVM_EVT_TYPE_EXC	(3ULL << 8)
#define SVM_EVT_ERR_VALID	BIT(11)
#define SVM_EVT_VALID		BIT(31)

/* Exit codes (APM vol.2 Appendix C) */
#define SVM_EXIT_EXCP_BASE	0x040
#define SVM_EXIT_INTR		0x060
#define SVM_EXIT_NMI		0x061
#define SVM_EXIT_INIT		0x063
#define SVM_EXIT_CPUID		0x072
#define SVM_EXIT_HLT		0x078
#define SVM_EXIT_INVLPGA	0x07a
#define SVM_EXIT_IOIO		0x07b
#define SVM_EXIT_MSR		0x07c
#define SVM_EXIT_SHUTDOWN	0x07f
#define SVM_EXIT_VMRUN		0x080
#define SVM_EXIT_VMMCALL	0x081
#define SVM_EXIT_VMLOAD		0x082
#define SVM_EXIT_VMSAVE		0x083
#define SVM_EXIT_STGI		0x084
#define SVM_EXIT_CLGI		0x085
#define SVM_EXIT_SKINIT		0x086
#define SVM_EXIT_NPF		0x400
#define SVM_EXIT_INVALID	0xffffffffu	/* compare the low 32 bits */

/* IOIO EXITINFO1 (APM vol.2 §15.10.2) */
#define SVM_IOIO_IN		BIT(0)
#define SVM_IOIO_STR		BIT(2)
#define SVM_IOIO_REP		BIT(3)
#define SVM_IOIO_SZ8		BIT(4)
#define SVM_IOIO_SZ16		BIT(5)
#define SVM_IOIO_SZ32		BIT(6)
#define SVM_IOIO_PORT(x)	(((x) >> 16) & 0xffff)

/* NPF EXITINFO1 (APM vol.2 §15.25.6) */
#define SVM_NPF_WRITE		BIT(1)
#define SVM_NPF_FETCH		BIT(4)

#define MSR_VM_CR		0xc0010114
#define  VM_CR_LOCK		BIT(3)
#define  VM_CR_SVMDIS		BIT(4)
#define MSR_VM_HSAVE_PA		0xc0010117
#define MSR_SYSCFG		0xc0010010
#define MSR_PATCH_LOADER	0xc0010020

#endif
