/*
 * x86 instructions the hypervisor executes itself, as inline functions.
 * This header and arch/x86 are the only places with inline assembly.
 */
#ifndef ARCH_PROCESSOR_H
#define ARCH_PROCESSOR_H

#include <tv/types.h>

#define X86_CR0_PE	BIT(0)
#define X86_CR0_WP	BIT(16)
#define X86_CR0_PG	BIT(31)
#define X86_CR4_PAE	BIT(5)
#define X86_CR4_PGE	BIT(7)
#define X86_CR4_OSFXSR	BIT(9)
#define X86_CR4_LA57	BIT(12)
#define X86_RFLAGS_IF	BIT(9)
#define X86_RFLAGS_RESERVED1 BIT(1)

#define MSR_EFER		0xc0000080
#define  EFER_LME		BIT(8)
#define  EFER_LMA		BIT(10)
#define  EFER_NXE		BIT(11)
#define  EFER_SVME		BIT(12)
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_PAT			0x00000277
#define MSR_APIC_BASE		0x0000001b

struct cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

static inline void cpuid(u32 leaf, u32 subleaf, struct cpuid_regs *r)
{
	asm volatile("cpuid"
		     : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
		     : "a"(leaf), "c"(subleaf));
}

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32))
		     : "memory");
}

/* 0 or -EFAULT when the MSR raises #GP (fixed up by the IDT handler). */
int rdmsr_safe(u32 msr, u64 *v);
int wrmsr_safe(u32 msr, u64 v);

#define DEFINE_CR_ACCESS(n) \
static inline u64 read_cr##n(void) \
{ \
	u64 v; \
	asm volatile("mov %%cr" #n ", %0" : "=r"(v)); \
	return v; \
} \
static inline void write_cr##n(u64 v) \
{ \
	asm volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); \
}
DEFINE_CR_ACCESS(0)
DEFINE_CR_ACCESS(2)
DEFINE_CR_ACCESS(3)
DEFINE_CR_ACCESS(4)

static inline u64 read_dr7(void)
{
	u64 v;

	asm volatile("mov %%dr7, %0" : "=r"(v));
	return v;
}

static inline u64 read_dr6(void)
{
	u64 v;

	asm volatile("mov %%dr6, %0" : "=r"(v));
	return v;
}

static inline u64 read_rflags(void)
{
	u64 v;

	asm volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

struct __packed desc_ptr {
	u16 limit;
	u64 base;
};

static inline void sgdt(struct desc_ptr *d)
{
	asm volatile("sgdt %0" : "=m"(*d));
}

static inline void sidt(struct desc_ptr *d)
{
	asm volatile("sidt %0" : "=m"(*d));
}

static inline void lgdt(const struct desc_ptr *d)
{
	asm volatile("lgdt %0" : : "m"(*d));
}

static inline void lidt(const struct desc_ptr *d)
{
	asm volatile("lidt %0" : : "m"(*d));
}

#define DEFINE_SEG_READ(name) \
static inline u16 read_##name(void) \
{ \
	u16 v; \
	asm volatile("mov %%" #name ", %0" : "=rm"(v)); \
	return v; \
}
DEFINE_SEG_READ(cs)
DEFINE_SEG_READ(ds)
DEFINE_SEG_READ(es)
DEFINE_SEG_READ(ss)
DEFINE_SEG_READ(fs)
DEFINE_SEG_READ(gs)

static inline u16 read_tr(void)
{
	u16 v;

	asm volatile("str %0" : "=rm"(v));
	return v;
}

static inline u16 read_ldtr(void)
{
	u16 v;

	asm volatile("sldt %0" : "=rm"(v));
	return v;
}

static inline void outb(u16 port, u8 v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static inline void cli(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void cpu_relax(void)
{
	asm volatile("pause" : : : "memory");
}

static inline __attribute__((noreturn)) void cpu_halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

#endif
