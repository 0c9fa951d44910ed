/* The x86 part of struct per_cpu: SVM or VMX state, chosen at boot. */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <tv/types.h>

/* One exit as svm_handle_exit saw it and left it, for the invariant panic. */
struct svm_exit_record {
	u32 code;
	u32 int_info;		/* EXITINTINFO low half */
	u64 info1, info2;
	u64 rip_in;		/* guest RIP at the exit */
	u64 rip_out;		/* RIP handed to the next VMRUN */
	u32 event_inj;		/* EVENTINJ low half handed to the next VMRUN */
};

#define SVM_TRACE_LEN 8

/*
 * What the last VMRUN was handed: the VMCB state save area up to DBGCTL
 * (all VMRUN and VMLOAD read), EVENTINJ and the GPRs (svm_check.c).
 */
#define SVM_ENTRY_SAVE_LEN 0x270
struct svm_entry_copy {
	u8 save[SVM_ENTRY_SAVE_LEN];
	u64 gpr[16];
	u64 event_inj;
	bool valid;
	u32 repaired;		/* host-state entries in a row */
};

struct svm_cpu {
	struct vmcb *vmcb;	/* guest state and controls */
	u64 vmcb_pa;
	struct vmcb *host_vmcb;	/* host FS/GS/TR/... saved by VMSAVE */
	u64 host_vmcb_pa;
	u64 hsave_pa;		/* VM_HSAVE_PA area */
	bool flush_tlb;		/* flush on next VMRUN (NPT changed) */
	/* The last exits, oldest first from trace_next; this CPU's only. */
	struct svm_exit_record trace[SVM_TRACE_LEN];
	u32 trace_next;
	struct svm_entry_copy entry;
};

/* VT-x (arch/x86/vmx): the VMCS stays current on its CPU from init on. */
struct vmx_cpu {
	void *vmxon;		/* VMXON region */
	u64 vmxon_pa;
	void *vmcs;
	u64 vmcs_pa;
	u32 cpu_ctls;		/* primary controls as last written */
	u32 event;		/* VM-entry interruption info to inject; 0: none */
	u32 event_err;
	u32 event_len;		/* instruction length for software events */
	bool nmi_pending;	/* a guest NMI waits for its window */
	bool flush_ept;		/* INVEPT before the next entry */
	bool drop_nmi;		/* an NMI first thing after a restart: the kick's */
};

struct arch_cpu {
	struct svm_cpu svm;
	struct vmx_cpu vmx;
	u8 tss[104] __aligned(16);
};

#endif
