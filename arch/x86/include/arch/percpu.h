/* The x86 part of struct per_cpu: SVM or VMX state, chosen at boot. */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <tv/types.h>

struct svm_cpu {
	struct vmcb *vmcb;	/* guest state and controls */
	u64 vmcb_pa;
	struct vmcb *host_vmcb;	/* host FS/GS/TR/... saved by VMSAVE */
	u64 host_vmcb_pa;
	u64 hsave_pa;		/* VM_HSAVE_PA area */
	bool flush_tlb;		/* flush on next VMRUN (NPT changed) */
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
