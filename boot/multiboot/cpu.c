/*
 * The stub's own processor tables: an IDT whose 32-bit interrupt gates
 * print the exception and halt (GRUB's IDT is gone with GRUB), a TSS so
 * that TR is valid in the state the hypervisor captures (VT-x checks it on
 * VM entry, Intel SDM vol.3 §28.3.1.2), and the identity-mapped page
 * tables for long mode: 4 GiB in 2 MiB pages (SDM vol.3 §5.5), enough for
 * everything the stub and the hypervisor's entry touch, all of which the
 * stub put below 4 GiB.
 */
#include "mb.h"
#include "mb_asm.h"

#define IDT_VECTORS	21
#define GATE_INT32	0x8e	/* present, DPL 0, 32-bit interrupt gate */
#define TSS_AVAIL32	0x89	/* present, available 32-bit TSS */
#define PTE_P		BIT(0)
#define PTE_W		BIT(1)
#define PTE_PS		BIT(7)

struct idt_gate {
	u16 off_lo;		/* 0x00 */
	u16 sel;		/* 0x02 */
	u8 zero;		/* 0x04 */
	u8 type;		/* 0x05 */
	u16 off_hi;		/* 0x06 */
} __packed;
_Static_assert(sizeof(struct idt_gate) == 8, "IDT gate");

struct desc_ptr32 {
	u16 limit;
	u32 base;
} __packed;

extern const u32 mb_exc_stubs[IDT_VECTORS];
extern u64 mb_gdt[];

static struct idt_gate idt[IDT_VECTORS];
static u8 tss[104] __aligned(16);
static u64 pdpt[512] __aligned(4096);
static u64 pd[4][512] __aligned(4096);

static void idt_init(void)
{
	struct desc_ptr32 p = { sizeof(idt) - 1, (u32)idt };
	unsigned int i;

	for (i = 0; i < IDT_VECTORS; i++) {
		idt[i].off_lo = (u16)mb_exc_stubs[i];
		idt[i].off_hi = (u16)(mb_exc_stubs[i] >> 16);
		idt[i].sel = SEL_CODE32;
		idt[i].type = GATE_INT32;
	}
	asm volatile("lidt %0" : : "m"(p));
}

static void tss_init(void)
{
	u32 base = (u32)tss;
	u64 d = (sizeof(tss) - 1) | ((u64)(base & 0xffffff) << 16) |
		((u64)TSS_AVAIL32 << 40) | ((u64)(base >> 24) << 56);

	mb_gdt[SEL_TSS / 8] = d;
	mb_gdt[SEL_TSS / 8 + 1] = 0;	/* upper half of a long-mode TSS */
	asm volatile("ltr %w0" : : "r"(SEL_TSS));
	asm volatile("lldt %w0" : : "r"(0));	/* no LDT: GRUB's is gone */
}

static void paging_init(void)
{
	unsigned int i, j;

	mb_pml4[0] = (u32)pdpt | PTE_P | PTE_W;
	for (i = 0; i < 4; i++) {
		pdpt[i] = (u32)pd[i] | PTE_P | PTE_W;
		for (j = 0; j < 512; j++)
			pd[i][j] = (((u64)i << 30) + ((u64)j << 21)) |
				   PTE_P | PTE_W | PTE_PS;
	}
}

void mb_cpu_init(void)
{
	idt_init();
	tss_init();
	paging_init();
}
