/*
 * The host side of each CPU: our own GDT, TSS, IDT and page tables.
 *
 * While the firmware runs we borrow nothing from it: its tables live in
 * boot-services memory that the OS reclaims after ExitBootServices, so the
 * hypervisor builds its own in its region and switches to them only after
 * the guest state (which keeps the firmware's tables) has been captured.
 * The host page tables identity-map all physical memory the hypervisor may
 * need to touch (its own region, guest RAM, device MMIO).
 *
 * An exception in host mode is a hypervisor bug, except at the few
 * instructions listed in .extable (rdmsr_safe/wrmsr_safe), which resume at
 * their fixup address: that is how a SYSCFG that reads but cannot be written
 * (the hypervisor nested under KVM) is tolerated.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <tv/paging.h>
#include <arch/processor.h>
#include <arch/cpu.h>
#include <arch/vmx.h>

#define GDT_CODE64	0x00af9a000000ffffULL	/* L=1, P, DPL0, exec/read */
#define GDT_DATA	0x00cf92000000ffffULL	/* P, DPL0, read/write */
#define IDT_INTERRUPT_GATE	0x8e

struct exc_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rdi, rsi, rbp, rbx, rdx, rcx, rax;
	u64 vector, error;
	u64 rip, cs, rflags, rsp, ss;
};

struct idt_gate {
	u16 offset_lo;		/* 0x0 */
	u16 selector;		/* 0x2 */
	u8 ist;			/* 0x4 */
	u8 type;		/* 0x5 */
	u16 offset_mid;		/* 0x6 */
	u32 offset_hi;		/* 0x8 */
	u32 reserved;		/* 0xc */
} __packed;
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate");

struct extable_entry {
	u64 insn;
	u64 fixup;
};

extern const u64 exception_stubs[32];
extern const struct extable_entry __extable_start[], __extable_end[];

static u64 gdt[MAX_CPUS][5] __aligned(16);
static struct idt_gate idt[32] __aligned(16);
static struct pt host_pt;

void exception_handler(struct exc_frame *f);

void exception_handler(struct exc_frame *f)
{
	const struct extable_entry *e;

	/* An NMI taken on purpose after an NMI exit (svm_handle_nmi). */
	if (f->vector == 2)
		return;
	for (e = __extable_start; e < __extable_end; e++) {
		if (e->insn == f->rip) {
			f->rip = e->fixup;
			return;
		}
	}
	panic("host exception %llu error %llx at rip %llx rsp %llx cr2 %llx\n"
	      "rax %llx rbx %llx rcx %llx rdx %llx rsi %llx rdi %llx\n",
	      (unsigned long long)f->vector, (unsigned long long)f->error,
	      (unsigned long long)f->rip, (unsigned long long)f->rsp,
	      (unsigned long long)read_cr2(), (unsigned long long)f->rax,
	      (unsigned long long)f->rbx, (unsigned long long)f->rcx,
	      (unsigned long long)f->rdx, (unsigned long long)f->rsi,
	      (unsigned long long)f->rdi);
}

static void idt_init(void)
{
	unsigned int i;

	for (i = 0; i < 32; i++) {
		u64 a = exception_stubs[i];

		idt[i].offset_lo = (u16)a;
		idt[i].selector = HOST_CS;
		idt[i].type = IDT_INTERRUPT_GATE;
		idt[i].offset_mid = (u16)(a >> 16);
		idt[i].offset_hi = (u32)(a >> 32);
	}
}

static void gdt_init(struct per_cpu *cpu)
{
	u64 *g = gdt[cpu->cpu_id];
	u64 tss = (u64)cpu->arch.tss;

	g[0] = 0;
	g[1] = GDT_CODE64;
	g[2] = GDT_DATA;
	/* 64-bit available TSS descriptor, 16 bytes (SDM vol.3 §8.2.3) */
	g[3] = (sizeof(cpu->arch.tss) - 1) | ((tss & 0xffffff) << 16) |
	       (0x89ULL << 40) | (((tss >> 24) & 0xff) << 56);
	g[4] = tss >> 32;
}

void host_cpu_load(struct per_cpu *cpu)
{
	struct desc_ptr gdtr = { sizeof(gdt[0]) - 1, (u64)gdt[cpu->cpu_id] };
	struct desc_ptr idtr = { sizeof(idt) - 1, (u64)idt };

	gdt_init(cpu);
	if (cpu->cpu_id == 0)
		idt_init();
	write_cr3(host_pt.root_pa);
	lgdt(&gdtr);
	lidt(&idtr);
	asm volatile("pushq %0\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "movl %1, %%eax\n\t"
		     "movl %%eax, %%ds\n\t"
		     "movl %%eax, %%es\n\t"
		     "movl %%eax, %%ss\n\t"
		     "ltr %w2"
		     : : "i"(HOST_CS), "i"(HOST_DS), "r"(HOST_TR) : "rax",
		     "memory");
}

static void *host_alloc(void *ctx, u64 *pa)
{
	return page_alloc(pa);
}

static void *host_virt(void *ctx, u64 pa)
{
	return (void *)pa;
}

int host_paging_init(u64 top, bool large_1g)
{
	struct pt_alloc a = { host_alloc, host_virt, NULL };
	int err;

	err = pt_init(&host_pt, PT_FORMAT_X86, &a);
	if (err)
		return err;
	host_pt.large_1g = large_1g;
	return pt_map(&host_pt, 0, top, 0, PT_RWX, 0);
}

bool cpu_has_1g_pages(void)
{
	struct cpuid_regs r;

	cpuid(0x80000001, 0, &r);
	return r.edx & BIT(26);
}

unsigned int cpu_phys_bits(void)
{
	struct cpuid_regs r;

	cpuid(0x80000000, 0, &r);
	if (r.eax < 0x80000008)
		return 36;
	cpuid(0x80000008, 0, &r);
	return r.eax & 0xff;
}

/*
 * How much physical address space the nested and host page tables map.
 * Firmware puts 64-bit BARs high (OVMF: near the top of a 40-bit space),
 * so with 1 GiB pages we map the whole physical address space the CPU
 * reports, up to 16 TiB (32 page-directory-pointer tables).  Without them
 * (2 MiB pages: 4 KiB of tables per GiB) we stop at 512 GiB.
 */
/* Sets (on) or clears bits first..first+count-1 of an intercept bitmap
 * (IOPM, I/O bitmaps). */
void bitmap_assign_range(u8 *map, u32 first, u32 count, bool on)
{
	u32 b;

	for (b = first; b < first + count; b++) {
		if (on)
			map[b / 8] |= 1 << (b % 8);
		else
			map[b / 8] &= ~(1 << (b % 8));
	}
}

u64 arch_phys_cover(u64 top, bool large_1g)
{
	unsigned int bits = MIN(cpu_phys_bits(), large_1g ? 44u : 39u);
	u64 cover = 1ULL << bits;

	return MAX(cover, ALIGN_UP(top, 1ULL << 30));
}

int arch_select(const struct hv_arch_ops **ops)
{
	struct cpuid_regs r;
	char vendor[13];

	cpuid(0, 0, &r);
	memcpy(vendor, &r.ebx, 4);
	memcpy(vendor + 4, &r.edx, 4);
	memcpy(vendor + 8, &r.ecx, 4);
	vendor[12] = 0;
	log_printf("cpu: vendor %s, %u physical address bits%s\n", vendor,
		   cpu_phys_bits(), cpu_has_1g_pages() ? ", 1 GiB pages" : "");
	if (!strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine")) {
		*ops = &svm_ops;
		return 0;
	}
	cpuid(1, 0, &r);
	if (!strcmp(vendor, "GenuineIntel") && (r.ecx & BIT(5))) {	/* VMX */
		*ops = &vmx_ops;
		return 0;
	}
	log_printf("cpu: neither AMD-V nor VT-x\n");
	return -ENODEV;
}

void hv_reboot(void)
{
	struct desc_ptr none = { 0, 0 };

	log_printf("thinvisor: resetting the machine\n");
	outb(0xcf9, 0x02);
	outb(0xcf9, 0x06);	/* PCI reset control: hard reset */
	outb(0x64, 0xfe);	/* keyboard controller reset line */
	lidt(&none);		/* and if all else fails, triple fault */
	asm volatile("int3");
	cpu_halt_forever();
}

int arch_wrmsr_safe(u32 msr, u64 val)
{
	return wrmsr_safe(msr, val);
}
