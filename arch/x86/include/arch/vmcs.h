/*
 * The Intel VT-x Virtual-Machine Control Structure: field encodings, control
 * bits, exit reasons and the formats of the exit information fields.  Only
 * arch/x86/vmx includes this header.
 *
 * References are to the Intel SDM vol.3C (order no. 326019, 2023 editions,
 * where the VMCS is chapter 25, VM entries 27, VM exits 28, EPT 29;
 * older editions number the same sections one lower): Appendix A (VMX
 * capability MSRs), Appendix B (field encodings), Appendix C (exit reasons).
 * The processor reads a VMCS only through VMREAD/VMWRITE, so unlike the
 * VMCB there is no layout to describe: a field is its 32-bit encoding.
 */
#ifndef ARCH_VMCS_H
#define ARCH_VMCS_H

#include <tv/types.h>

/* ---- capability and control MSRs (SDM vol.3 Appendix A, vol.4 §2.1) ---- */
#define MSR_IA32_FEATURE_CONTROL	0x0000003a
#define  FEATURE_CONTROL_LOCK		BIT(0)
#define  FEATURE_CONTROL_VMX_SMX	BIT(1)
#define  FEATURE_CONTROL_VMX		BIT(2)	/* VMX outside SMX */
#define MSR_IA32_BIOS_UPDT_TRIG		0x00000079
#define MSR_IA32_DEBUGCTL		0x000001d9
#define MSR_IA32_SYSENTER_CS		0x00000174
#define MSR_IA32_SYSENTER_ESP		0x00000175
#define MSR_IA32_SYSENTER_EIP		0x00000176
#define MSR_IA32_VMX_BASIC		0x00000480
#define  VMX_BASIC_REVISION		GENMASK(30, 0)
#define  VMX_BASIC_SIZE(b)		(((b) >> 32) & 0x1fff)
#define  VMX_BASIC_MEMTYPE_WB		(6ULL << 50)
#define  VMX_BASIC_MEMTYPE		GENMASK(53, 50)
#define  VMX_BASIC_TRUE_CTLS		BIT(55)	/* A.1: TRUE_* MSRs exist */
#define MSR_IA32_VMX_PINBASED_CTLS	0x00000481
#define MSR_IA32_VMX_PROCBASED_CTLS	0x00000482
#define MSR_IA32_VMX_EXIT_CTLS		0x00000483
#define MSR_IA32_VMX_ENTRY_CTLS		0x00000484
#define MSR_IA32_VMX_MISC		0x00000485
#define  VMX_MISC_STORE_LMA		BIT(5)	/* A.6 */
#define  VMX_MISC_ACTIVITY_WAIT_SIPI	BIT(8)
#define MSR_IA32_VMX_CR0_FIXED0		0x00000486
#define MSR_IA32_VMX_CR0_FIXED1		0x00000487
#define MSR_IA32_VMX_CR4_FIXED0		0x00000488
#define MSR_IA32_VMX_CR4_FIXED1		0x00000489
#define MSR_IA32_VMX_PROCBASED_CTLS2	0x0000048b
#define MSR_IA32_VMX_EPT_VPID_CAP	0x0000048c
#define  EPT_CAP_EXEC_ONLY		BIT(0)	/* A.10 */
#define  EPT_CAP_WALK4			BIT(6)
#define  EPT_CAP_MEMTYPE_UC		BIT(8)
#define  EPT_CAP_MEMTYPE_WB		BIT(14)
#define  EPT_CAP_2M			BIT(16)
#define  EPT_CAP_1G			BIT(17)
#define  EPT_CAP_INVEPT			BIT(20)
#define  EPT_CAP_INVEPT_SINGLE		BIT(25)
#define  EPT_CAP_INVEPT_ALL		BIT(26)
#define  VPID_CAP_INVVPID		BIT(32)
#define  VPID_CAP_INVVPID_SINGLE	BIT(41)
#define  VPID_CAP_INVVPID_ALL		BIT(42)
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS	0x0000048d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x0000048e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS	0x0000048f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS	0x00000490
/* The IA32_VMX_* range the guest must not see (0x480..0x493). */
#define MSR_IA32_VMX_FIRST		0x00000480
#define MSR_IA32_VMX_LAST		0x00000493

/* ---- pin-based VM-execution controls (§25.6.1, table 25-5) ---- */
#define PIN_EXT_INTR_EXITING		BIT(0)
#define PIN_NMI_EXITING			BIT(3)
#define PIN_VIRTUAL_NMIS		BIT(5)
#define PIN_PREEMPTION_TIMER		BIT(6)

/* ---- primary processor-based controls (§25.6.2, table 25-6) ---- */
#define CPU_INTR_WINDOW_EXITING		BIT(2)
#define CPU_HLT_EXITING			BIT(7)
#define CPU_CR3_LOAD_EXITING		BIT(15)
#define CPU_CR3_STORE_EXITING		BIT(16)
#define CPU_NMI_WINDOW_EXITING		BIT(22)
#define CPU_UNCOND_IO_EXITING		BIT(24)
#define CPU_USE_IO_BITMAPS		BIT(25)
#define CPU_USE_MSR_BITMAPS		BIT(28)
#define CPU_SECONDARY_CTLS		BIT(31)

/* ---- secondary processor-based controls (§25.6.2, table 25-7) ---- */
#define CPU2_ENABLE_EPT			BIT(1)
#define CPU2_ENABLE_RDTSCP		BIT(3)
#define CPU2_ENABLE_VPID		BIT(5)
#define CPU2_UNRESTRICTED_GUEST		BIT(7)
#define CPU2_ENABLE_INVPCID		BIT(12)
#define CPU2_ENABLE_XSAVES		BIT(20)
#define CPU2_ENABLE_USER_WAIT		BIT(26)

/* ---- VM-exit controls (§25.7.1, table 25-13) ---- */
#define EXIT_SAVE_DEBUG_CTLS		BIT(2)
#define EXIT_HOST_64BIT			BIT(9)	/* host address-space size */
#define EXIT_ACK_INTR			BIT(15)
#define EXIT_SAVE_PAT			BIT(18)
#define EXIT_LOAD_PAT			BIT(19)
#define EXIT_SAVE_EFER			BIT(20)
#define EXIT_LOAD_EFER			BIT(21)

/* ---- VM-entry controls (§25.8.1, table 25-15) ---- */
#define ENTRY_LOAD_DEBUG_CTLS		BIT(2)
#define ENTRY_IA32E_GUEST		BIT(9)
#define ENTRY_LOAD_PAT			BIT(14)
#define ENTRY_LOAD_EFER			BIT(15)

/* ---- interruption information, entry and exit (§25.8.3, §25.9.2) ---- */
#define INTR_INFO_VECTOR		GENMASK(7, 0)
#define INTR_INFO_TYPE(x)		(((x) >> 8) & 7)
#define INTR_TYPE_EXT			(0U << 8)
#define INTR_TYPE_NMI			(2U << 8)
#define INTR_TYPE_HW_EXC		(3U << 8)
#define INTR_TYPE_SW_INT		(4U << 8)
#define INTR_TYPE_PRIV_SW_EXC		(5U << 8)
#define INTR_TYPE_SW_EXC		(6U << 8)
#define INTR_INFO_ERR_VALID		BIT(11)
#define INTR_INFO_NMI_UNBLOCK		BIT(12)	/* exit side only */
#define INTR_INFO_VALID			BIT(31)

/* ---- guest non-register state (§25.4.2, tables 25-3, 25-4) ---- */
#define INTERRUPTIBILITY_STI		BIT(0)
#define INTERRUPTIBILITY_MOV_SS		BIT(1)
#define INTERRUPTIBILITY_NMI		BIT(3)
#define ACTIVITY_ACTIVE			0
#define ACTIVITY_WAIT_SIPI		3

/* Segment access rights in the VMCS (§25.4.1, table 25-2). */
#define VMX_AR_TYPE			GENMASK(3, 0)
#define VMX_AR_S			BIT(4)
#define VMX_AR_DPL(x)			(((x) >> 5) & 3)
#define VMX_AR_P			BIT(7)
#define VMX_AR_L			BIT(13)
#define VMX_AR_DB			BIT(14)
#define VMX_AR_G			BIT(15)
#define VMX_AR_UNUSABLE			BIT(16)

/* ---- EPT pointer (§25.6.11, table 25-9) ---- */
#define EPTP_MEMTYPE_WB			6ULL
#define EPTP_WALK_4			(3ULL << 3)

/* ---- field encodings (Appendix B) ---- */
/* B.1: 16-bit */
#define VMCS_VPID			0x0000
#define VMCS_GUEST_ES_SEL		0x0800	/* + 2 * segment index */
#define VMCS_GUEST_CS_SEL		0x0802
#define VMCS_GUEST_SS_SEL		0x0804
#define VMCS_GUEST_DS_SEL		0x0806
#define VMCS_GUEST_FS_SEL		0x0808
#define VMCS_GUEST_GS_SEL		0x080a
#define VMCS_GUEST_LDTR_SEL		0x080c
#define VMCS_GUEST_TR_SEL		0x080e
#define VMCS_HOST_ES_SEL		0x0c00
#define VMCS_HOST_CS_SEL		0x0c02
#define VMCS_HOST_SS_SEL		0x0c04
#define VMCS_HOST_DS_SEL		0x0c06
#define VMCS_HOST_FS_SEL		0x0c08
#define VMCS_HOST_GS_SEL		0x0c0a
#define VMCS_HOST_TR_SEL		0x0c0c
/* B.2: 64-bit */
#define VMCS_IO_BITMAP_A		0x2000
#define VMCS_IO_BITMAP_B		0x2002
#define VMCS_MSR_BITMAP			0x2004
#define VMCS_EXIT_MSR_STORE_ADDR	0x2006
#define VMCS_EXIT_MSR_LOAD_ADDR		0x2008
#define VMCS_ENTRY_MSR_LOAD_ADDR	0x200a
#define VMCS_TSC_OFFSET			0x2010
#define VMCS_EPT_POINTER		0x201a
#define VMCS_XSS_EXIT_BITMAP		0x202c
#define VMCS_GUEST_PHYS_ADDR		0x2400	/* read-only */
#define VMCS_LINK_POINTER		0x2800
#define VMCS_GUEST_DEBUGCTL		0x2802
#define VMCS_GUEST_PAT			0x2804
#define VMCS_GUEST_EFER			0x2806
#define VMCS_GUEST_PDPTE0		0x280a	/* + 2 * n, n < 4 */
#define VMCS_HOST_PAT			0x2c00
#define VMCS_HOST_EFER			0x2c02
/* B.3: 32-bit */
#define VMCS_PIN_CTLS			0x4000
#define VMCS_CPU_CTLS			0x4002
#define VMCS_EXCEPTION_BITMAP		0x4004
#define VMCS_PF_ERR_MASK		0x4006
#define VMCS_PF_ERR_MATCH		0x4008
#define VMCS_CR3_TARGET_COUNT		0x400a
#define VMCS_EXIT_CTLS			0x400c
#define VMCS_EXIT_MSR_STORE_COUNT	0x400e
#define VMCS_EXIT_MSR_LOAD_COUNT	0x4010
#define VMCS_ENTRY_CTLS			0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT	0x4014
#define VMCS_ENTRY_INTR_INFO		0x4016
#define VMCS_ENTRY_EXC_ERR		0x4018
#define VMCS_ENTRY_INSN_LEN		0x401a
#define VMCS_CPU_CTLS2			0x401e
#define VMCS_VM_INSN_ERROR		0x4400	/* read-only from here */
#define VMCS_EXIT_REASON		0x4402
#define VMCS_EXIT_INTR_INFO		0x4404
#define VMCS_EXIT_INTR_ERR		0x4406
#define VMCS_IDT_VECTORING_INFO		0x4408
#define VMCS_IDT_VECTORING_ERR		0x440a
#define VMCS_EXIT_INSN_LEN		0x440c
#define VMCS_EXIT_INSN_INFO		0x440e
#define VMCS_GUEST_ES_LIMIT		0x4800	/* + 2 * segment index */
#define VMCS_GUEST_GDTR_LIMIT		0x4810
#define VMCS_GUEST_IDTR_LIMIT		0x4812
#define VMCS_GUEST_ES_AR		0x4814	/* + 2 * segment index */
#define VMCS_GUEST_SS_AR		0x4818
#define VMCS_GUEST_CS_AR		0x4816
#define VMCS_GUEST_INTERRUPTIBILITY	0x4824
#define VMCS_GUEST_ACTIVITY		0x4826
#define VMCS_GUEST_SYSENTER_CS		0x482a
#define VMCS_HOST_SYSENTER_CS		0x4c00
/* B.4: natural width */
#define VMCS_CR0_MASK			0x6000
#define VMCS_CR4_MASK			0x6002
#define VMCS_CR0_SHADOW			0x6004
#define VMCS_CR4_SHADOW			0x6006
#define VMCS_EXIT_QUAL			0x6400	/* read-only */
#define VMCS_GUEST_LINEAR_ADDR		0x640a	/* read-only */
#define VMCS_GUEST_CR0			0x6800
#define VMCS_GUEST_CR3			0x6802
#define VMCS_GUEST_CR4			0x6804
#define VMCS_GUEST_ES_BASE		0x6806	/* + 2 * segment index */
#define VMCS_GUEST_CS_BASE		0x6808
#define VMCS_GUEST_FS_BASE		0x680e
#define VMCS_GUEST_GS_BASE		0x6810
#define VMCS_GUEST_GDTR_BASE		0x6816
#define VMCS_GUEST_IDTR_BASE		0x6818
#define VMCS_GUEST_DR7			0x681a
#define VMCS_GUEST_RSP			0x681c
#define VMCS_GUEST_RIP			0x681e
#define VMCS_GUEST_RFLAGS		0x6820
#define VMCS_GUEST_PENDING_DBG		0x6822
#define VMCS_GUEST_SYSENTER_ESP		0x6824
#define VMCS_GUEST_SYSENTER_EIP		0x6826
#define VMCS_HOST_CR0			0x6c00
#define VMCS_HOST_CR3			0x6c02
#define VMCS_HOST_CR4			0x6c04
#define VMCS_HOST_FS_BASE		0x6c06
#define VMCS_HOST_GS_BASE		0x6c08
#define VMCS_HOST_TR_BASE		0x6c0a
#define VMCS_HOST_GDTR_BASE		0x6c0c
#define VMCS_HOST_IDTR_BASE		0x6c0e
#define VMCS_HOST_SYSENTER_ESP		0x6c10
#define VMCS_HOST_SYSENTER_EIP		0x6c12
#define VMCS_HOST_RSP			0x6c14
#define VMCS_HOST_RIP			0x6c16

/* Segment order of the guest segment fields (Appendix B). */
enum vmx_seg {
	VMX_SEG_ES, VMX_SEG_CS, VMX_SEG_SS, VMX_SEG_DS, VMX_SEG_FS,
	VMX_SEG_GS, VMX_SEG_LDTR, VMX_SEG_TR, VMX_SEG_COUNT
};
#define VMCS_GUEST_SEL(s)		(VMCS_GUEST_ES_SEL + 2 * (s))
#define VMCS_GUEST_LIMIT(s)		(VMCS_GUEST_ES_LIMIT + 2 * (s))
#define VMCS_GUEST_AR(s)		(VMCS_GUEST_ES_AR + 2 * (s))
#define VMCS_GUEST_BASE(s)		(VMCS_GUEST_ES_BASE + 2 * (s))

/* ---- basic exit reasons (Appendix C) ---- */
#define EXIT_REASON_BASIC		GENMASK(15, 0)
#define EXIT_REASON_ENTRY_FAIL		BIT(31)
#define EXIT_EXCEPTION_NMI		0
#define EXIT_EXT_INTR			1
#define EXIT_TRIPLE_FAULT		2
#define EXIT_INIT			3
#define EXIT_SIPI			4
#define EXIT_NMI_WINDOW			8
#define EXIT_TASK_SWITCH		9
#define EXIT_CPUID			10
#define EXIT_GETSEC			11
#define EXIT_HLT			12
#define EXIT_INVD			13
#define EXIT_VMCALL			18
#define EXIT_VMCLEAR			19
#define EXIT_VMLAUNCH			20
#define EXIT_VMPTRLD			21
#define EXIT_VMPTRST			22
#define EXIT_VMREAD			23
#define EXIT_VMRESUME			24
#define EXIT_VMWRITE			25
#define EXIT_VMXOFF			26
#define EXIT_VMXON			27
#define EXIT_CR_ACCESS			28
#define EXIT_IO				30
#define EXIT_RDMSR			31
#define EXIT_WRMSR			32
#define EXIT_INVALID_GUEST_STATE	33
#define EXIT_MSR_LOADING		34
#define EXIT_MCE_DURING_ENTRY		41
#define EXIT_EPT_VIOLATION		48
#define EXIT_EPT_MISCONFIG		49
#define EXIT_INVEPT			50
#define EXIT_INVVPID			53
#define EXIT_XSETBV			55
#define EXIT_VMFUNC			59
#define EXIT_REASON_MAX			78	/* one past the last named */

/* ---- exit qualifications (§28.2.1) ---- */
/* Control-register accesses (table 28-3) */
#define CR_QUAL_CR(q)			((q) & 0xf)
#define CR_QUAL_TYPE(q)			(((q) >> 4) & 3)
#define  CR_TYPE_MOV_TO			0
#define  CR_TYPE_MOV_FROM		1
#define  CR_TYPE_CLTS			2
#define  CR_TYPE_LMSW			3
#define CR_QUAL_GPR(q)			(((q) >> 8) & 0xf)
#define CR_QUAL_LMSW_DATA(q)		(((q) >> 16) & 0xffff)
/* I/O instructions (table 28-5) */
#define IO_QUAL_SIZE(q)			(((q) & 7) + 1)
#define IO_QUAL_IN			BIT(3)
#define IO_QUAL_STRING			BIT(4)
#define IO_QUAL_REP			BIT(5)
#define IO_QUAL_PORT(q)			((u16)((q) >> 16))
/* EPT violations (table 28-7) */
#define EPT_QUAL_READ			BIT(0)
#define EPT_QUAL_WRITE			BIT(1)
#define EPT_QUAL_FETCH			BIT(2)
#define EPT_QUAL_NMI_UNBLOCK		BIT(12)

/* VM-instruction error numbers worth naming (§31.4, table 31-1). */
#define VMX_ERR_ENTRY_INVALID_CTLS	7
#define VMX_ERR_ENTRY_INVALID_HOST	8

#endif
