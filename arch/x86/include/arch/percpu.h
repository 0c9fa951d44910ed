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

struct arch_cpu {
	struct svm_cpu svm;
	u8 tss[104] __aligned(16);
};

#endif
