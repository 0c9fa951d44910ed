/* x86 host environment: descriptor tables, host paging, vendor choice. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <tv/types.h>
#include <tv/percpu.h>

struct hv_arch_ops;

#define HOST_CS		0x08
#define HOST_DS		0x10
#define HOST_TR		0x18

/* Picks AMD-V or VT-x from CPUID; -ENODEV if neither is usable. */
int arch_select(const struct hv_arch_ops **ops);
/* Builds the host page tables (identity map of [0, top)). */
int host_paging_init(u64 top, bool large_1g);
/* Loads the host GDT, TSS, IDT and page tables on this CPU. */
void host_cpu_load(struct per_cpu *cpu);
bool cpu_has_1g_pages(void);
void bitmap_assign_range(u8 *map, u32 first, u32 count, bool on);
/* Physical address space the nested and host tables map (see cpu.c). */
u64 arch_phys_cover(u64 top, bool large_1g);
unsigned int cpu_phys_bits(void);

#endif
