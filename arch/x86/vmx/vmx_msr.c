/*
 * MSR intercepts under VT-x: the MSR bitmap and the RDMSR/WRMSR exits.
 *
 * The bitmap (SDM vol.3 §25.6.9) has one bit per MSR for reads and one for
 * writes of MSRs 0-0x1fff and 0xc0000000-0xc0001fff; any other MSR always
 * exits.  We intercept only what hides VMX or must pass through the
 * hypervisor:
 *   - IA32_FEATURE_CONTROL reads (VMX shown disabled and locked) and
 *     writes (#GP, as for a locked MSR), IA32_VMX_* reads and writes (#GP,
 *     as on a CPU without VMX);
 *   - APIC_BASE and x2APIC ICR writes, for INIT/SIPI (arch/x86/apic.c);
 *   - IA32_BIOS_UPDT_TRIG, the microcode loader (below).
 * EFER needs no intercept: VM entry and exit load and save it.
 *
 * Microcode: the guest writes the linear address of the update's data
 * (just after its 48-byte header) to IA32_BIOS_UPDT_TRIG.  The CPU would
 * read the update through the guest's paging, but the host runs on its own
 * page tables, and the size is known only from the header.  So, as the
 * seed's design did, we read the header through the guest page walker,
 * then copy the whole update page by page into a hypervisor buffer
 * (guest_copy_from: each page translated and checked against the EPT, so
 * it cannot name hypervisor memory), check it, and apply it from there.
 * A bad update gets #GP.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <tv/spinlock.h>
#include <arch/processor.h>
#include <arch/apic.h>
#include <arch/vmx.h>

#define UCODE_HEADER_SIZE	48
#define UCODE_DEFAULT_TOTAL	2048	/* total size 0 (SDM vol.3 §10.11.1) */
#define UCODE_DEFAULT_DATA	2000
#define UCODE_MAX_SIZE		(1U << 20)
#define UCODE_HEADER_VERSION	1

struct ucode_header {
	u32 header_version;	/* 0x00 */
	u32 update_revision;	/* 0x04 */
	u32 date;		/* 0x08 */
	u32 processor_sig;	/* 0x0c */
	u32 checksum;		/* 0x10 */
	u32 loader_revision;	/* 0x14 */
	u32 processor_flags;	/* 0x18 */
	u32 data_size;		/* 0x1c */
	u32 total_size;		/* 0x20 */
	u32 reserved[3];	/* 0x24 */
} __packed;
_Static_assert(sizeof(struct ucode_header) == UCODE_HEADER_SIZE, "ucode header");

static const struct {
	u32 msr;
	bool read, write;
} vmx_msr_intercepts[] = {
	{ MSR_IA32_FEATURE_CONTROL, true, true },
	{ MSR_APIC_BASE, false, true },
	{ MSR_X2APIC_ICR, false, true },
	{ MSR_IA32_BIOS_UPDT_TRIG, false, true },
};

static spinlock_t ucode_lock;
static u8 *ucode_buf;		/* grows to the largest update seen */
static u32 ucode_buf_size;
static u32 msr_warned;

static void msr_bitmap_set(u8 *bitmap, u32 msr, bool read, bool write)
{
	u32 off;

	if (msr <= 0x1fff)
		off = 0;
	else if (msr >= 0xc0000000 && msr <= 0xc0001fff)
		off = 0x400, msr -= 0xc0000000;
	else
		return;	/* outside the bitmap: always exits */
	if (read)
		bitmap[off + msr / 8] |= 1 << (msr % 8);
	if (write)
		bitmap[0x800 + off + msr / 8] |= 1 << (msr % 8);
}

void vmx_msr_bitmap_init(u8 *bitmap)
{
	unsigned int i;
	u32 msr;

	for (i = 0; i < ARRAY_SIZE(vmx_msr_intercepts); i++)
		msr_bitmap_set(bitmap, vmx_msr_intercepts[i].msr,
			       vmx_msr_intercepts[i].read,
			       vmx_msr_intercepts[i].write);
	for (msr = MSR_IA32_VMX_FIRST; msr <= MSR_IA32_VMX_LAST; msr++)
		msr_bitmap_set(bitmap, msr, true, true);
}

static bool msr_is_vmx(u32 msr)
{
	return msr >= MSR_IA32_VMX_FIRST && msr <= MSR_IA32_VMX_LAST;
}

static int vmx_msr_read(u32 msr, u64 *val)
{
	int err;

	if (msr_is_vmx(msr))
		return -EFAULT;
	err = rdmsr_safe(msr, val);
	if (!err && msr == MSR_IA32_FEATURE_CONTROL)
		*val = (*val & ~(FEATURE_CONTROL_VMX | FEATURE_CONTROL_VMX_SMX)) |
		       FEATURE_CONTROL_LOCK;
	return err;
}

static u8 *ucode_buffer(u32 size)
{
	u32 pages = ALIGN_UP(size, 4096) / 4096;

	if (size <= ucode_buf_size)
		return ucode_buf;
	ucode_buf = pages_alloc(pages, NULL);	/* the old one stays leaked */
	ucode_buf_size = ucode_buf ? pages * 4096 : 0;
	return ucode_buf;
}

static bool ucode_header_ok(const struct ucode_header *h, u32 *total)
{
	u32 data = h->data_size ? h->data_size : UCODE_DEFAULT_DATA;

	*total = h->total_size ? h->total_size : UCODE_DEFAULT_TOTAL;
	return h->header_version == UCODE_HEADER_VERSION &&
	       *total >= UCODE_HEADER_SIZE + data && !(*total % 1024) &&
	       *total <= UCODE_MAX_SIZE;
}

static int ucode_copy(struct per_cpu *cpu, u8 *buf, u64 gva, u32 total)
{
	u32 off, chunk, sum = 0;

	for (off = 0; off < total; off += chunk) {
		chunk = MIN(total - off, 4096 - ((gva + off) & 4095));
		if (guest_copy_from(cpu, buf + off, gva + off, chunk))
			return -EFAULT;
	}
	for (off = 0; off < total; off += 4)
		sum += *(const u32 *)(buf + off);
	return sum ? -EINVAL : 0;	/* the dwords of an update sum to 0 */
}

/* WRMSR IA32_BIOS_UPDT_TRIG, EDX:EAX = linear address of the update data. */
static int vmx_microcode_update(struct per_cpu *cpu, u64 data_gva)
{
	u64 gva = data_gva - UCODE_HEADER_SIZE;
	struct ucode_header h;
	u32 total;
	u8 *buf;
	int err;

	if (guest_copy_from(cpu, &h, gva, sizeof(h)) || !ucode_header_ok(&h, &total))
		return -EINVAL;
	spin_lock(&ucode_lock);
	buf = ucode_buffer(total);
	err = buf ? ucode_copy(cpu, buf, gva, total) : -ENOMEM;
	if (!err)
		err = wrmsr_safe(MSR_IA32_BIOS_UPDT_TRIG,
				 (u64)buf + UCODE_HEADER_SIZE);
	spin_unlock(&ucode_lock);
	log_ratelimited(msr_warned, "vmx: cpu%u: microcode update rev %x "
			"(%u bytes): %s\n", cpu->cpu_id, h.update_revision,
			total, err ? "refused, #GP" : "applied");
	return err;
}

static int vmx_msr_write(struct per_cpu *cpu, u32 msr, u64 val)
{
	if (apic_msr_write(cpu, msr, val))
		return 0;
	if (msr == MSR_IA32_FEATURE_CONTROL || msr_is_vmx(msr))
		return -EFAULT;	/* locked / no VMX */
	if (msr == MSR_IA32_BIOS_UPDT_TRIG)
		return vmx_microcode_update(cpu, val);
	return wrmsr_safe(msr, val);
}

void vmx_handle_msr(struct per_cpu *cpu, bool write)
{
	u64 *g = cpu->guest.gpr;
	u32 msr = (u32)g[GPR_RCX];
	u64 val;
	int err;

	if (write) {
		val = ((u64)(u32)g[GPR_RDX] << 32) | (u32)g[GPR_RAX];
		err = vmx_msr_write(cpu, msr, val);
	} else {
		err = vmx_msr_read(msr, &val);
		if (!err) {
			g[GPR_RAX] = (u32)val;
			g[GPR_RDX] = val >> 32;
		}
	}
	if (err)
		arch->inject_exception(cpu, X86_EXC_GP, true, 0, 0);
	else
		vmx_skip(cpu);
}
