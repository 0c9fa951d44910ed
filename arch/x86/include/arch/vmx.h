/*
 * VT-x instructions as inline functions, and the interfaces between the
 * files of arch/x86/vmx.
 *
 * Every VMX instruction reports failure in RFLAGS (SDM vol.3 §31.2,
 * "Conventions"): CF=1 is VMfailInvalid (no current VMCS, or a bad VMXON
 * region), ZF=1 is VMfailValid, with the reason in the VM-instruction error
 * field of the current VMCS (0x4400, table 31-1).  The wrappers return 0,
 * -EIO for VMfailInvalid or -EINVAL for VMfailValid, and nothing here
 * ignores them: vmcs_read/vmcs_write panic with the field and the error
 * (a VMCS field we cannot access is a bug in this layer, never something a
 * guest can cause), set-up code collects the first error in a vmcs_batch
 * and fails the CPU's initialization instead.
 */
#ifndef ARCH_VMX_H
#define ARCH_VMX_H

#include <tv/env.h>
#include <tv/percpu.h>
#include <arch/vmcs.h>

struct hv_arch_ops;
extern const struct hv_arch_ops vmx_ops;

#define VMX_FAIL(cf, zf)	((cf) ? -EIO : (zf) ? -EINVAL : 0)

static inline int vmx_on(u64 pa)
{
	bool cf, zf;

	asm volatile("vmxon %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(pa)
		     : "memory");
	return VMX_FAIL(cf, zf);
}

static inline int vmx_off(void)
{
	bool cf, zf;

	asm volatile("vmxoff" : "=@ccc"(cf), "=@ccz"(zf) : : "memory");
	return VMX_FAIL(cf, zf);
}

static inline int vmx_clear(u64 pa)
{
	bool cf, zf;

	asm volatile("vmclear %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(pa)
		     : "memory");
	return VMX_FAIL(cf, zf);
}

static inline int vmx_ptrld(u64 pa)
{
	bool cf, zf;

	asm volatile("vmptrld %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(pa)
		     : "memory");
	return VMX_FAIL(cf, zf);
}

static inline int vmx_vmread(u64 field, u64 *val)
{
	bool cf, zf;

	asm volatile("vmread %3, %2"
		     : "=@ccc"(cf), "=@ccz"(zf), "=rm"(*val) : "r"(field)
		     : "memory");
	return VMX_FAIL(cf, zf);
}

static inline int vmx_vmwrite(u64 field, u64 val)
{
	bool cf, zf;

	asm volatile("vmwrite %3, %2"
		     : "=@ccc"(cf), "=@ccz"(zf) : "r"(field), "rm"(val)
		     : "memory");
	return VMX_FAIL(cf, zf);
}

/* INVEPT/INVVPID types (§31.3, INVEPT and INVVPID) */
#define INVEPT_SINGLE	1
#define INVEPT_ALL	2
#define INVVPID_SINGLE	1
#define INVVPID_ALL	2

static inline int vmx_invept(u64 type, u64 eptp)
{
	struct { u64 eptp, zero; } desc = { eptp, 0 };
	bool cf, zf;

	asm volatile("invept %2, %3" : "=@ccc"(cf), "=@ccz"(zf)
		     : "m"(desc), "r"(type) : "memory");
	return VMX_FAIL(cf, zf);
}

static inline int vmx_invvpid(u64 type, u16 vpid)
{
	struct { u64 vpid, gva; } desc = { vpid, 0 };
	bool cf, zf;

	asm volatile("invvpid %2, %3" : "=@ccc"(cf), "=@ccz"(zf)
		     : "m"(desc), "r"(type) : "memory");
	return VMX_FAIL(cf, zf);
}

/* What this CPU model lets us use; filled by vmx_global_init. */
struct vmx_caps {
	u32 revision;		/* VMCS revision identifier */
	u32 pin, cpu, cpu2;	/* execution controls we run with */
	u32 exit, entry;	/* exit/entry controls (IA-32e bit: dynamic) */
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u64 cr0_mask, cr4_mask;	/* guest/host masks: the fixed-1 bits */
	u64 ept_vpid;		/* IA32_VMX_EPT_VPID_CAP */
	u64 eptp;		/* EPT pointer of the shared guest map */
	u64 io_bitmap_pa;	/* A then B, contiguous */
	u64 msr_bitmap_pa;
	unsigned int phys_bits;
	bool vpid;		/* VPID enabled (INVVPID usable) */
	bool pat;		/* PAT saved/loaded on exit/entry */
	bool osxsave;		/* CPU has XSAVE: host CR4.OSXSAVE for XSETBV */
};
extern struct vmx_caps vmx_caps;

#define VMX_VPID	1	/* the one guest; the same tag on every CPU */

/* Collects the first VMWRITE failure of a set-up sequence. */
struct vmcs_batch {
	int err;
	u32 field;
	u32 insn_error;
};

/* vmx_vmcs.c */
u64 vmcs_read(u32 field);
void vmcs_write(u32 field, u64 val);
/* A field for a %llx in a log line. */
static inline unsigned long long vmcs_ull(u32 field)
{
	return vmcs_read(field);
}
void vmcs_put(struct vmcs_batch *b, u32 field, u64 val);
int vmcs_batch_result(const struct vmcs_batch *b, const char *what);
u32 vmx_insn_error(void);
const char *vmx_insn_error_name(u32 err);
int vmx_vmcs_controls(struct per_cpu *cpu);
int vmx_vmcs_guest_live(struct per_cpu *cpu, u64 cr0, u64 cr4);
void vmx_vmcs_host(struct per_cpu *cpu);
void vmx_vmcs_sipi_state(struct per_cpu *cpu, u8 vector);
void vmx_dump_guest(const char *why);

/* vmx.c */
void vmx_flush_guest_tlb(void);
void vmx_flush_ept(void);

/* vmx_exit.c */
const char *vmx_exit_name(unsigned int idx);
void vmx_handle_exit(struct per_cpu *cpu);
void vmx_skip(struct per_cpu *cpu);
void vmx_entry_failed(struct per_cpu *cpu, u64 rflags) __attribute__((noreturn));

/* vmx_cr.c */
void vmx_handle_cr(struct per_cpu *cpu);
void vmx_handle_xsetbv(struct per_cpu *cpu);

/* vmx_msr.c */
void vmx_msr_bitmap_init(u8 *bitmap);
void vmx_handle_msr(struct per_cpu *cpu, bool write);

/* vmx_run.S */
void vmx_launch(u64 *frame) __attribute__((noreturn));
void vmx_exit_entry(void);
int vmx_xsetbv_safe(u32 index, u64 val);

#endif
