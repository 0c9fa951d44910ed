/* The local APIC as the hypervisor uses it (arch/x86/apic.c). */
#ifndef ARCH_APIC_H
#define ARCH_APIC_H

#include <tv/types.h>
#include <tv/percpu.h>

/* ICR fields (SDM vol.3 §11.6.1; AMD APM vol.2 §16.5) */
#define APIC_ICR_VECTOR		GENMASK(7, 0)
#define APIC_ICR_DM(x)		(((x) >> 8) & 7)
#define  APIC_DM_FIXED		0
#define  APIC_DM_NMI		4
#define  APIC_DM_INIT		5
#define  APIC_DM_STARTUP	6
#define APIC_ICR_DM_NMI		(4U << 8)
#define APIC_ICR_DM_INIT	(5U << 8)
#define APIC_ICR_DM_STARTUP	(6U << 8)
#define APIC_ICR_LOGICAL	BIT(11)
#define APIC_ICR_BUSY		BIT(12)
#define APIC_ICR_ASSERT		BIT(14)
#define APIC_ICR_LEVEL		BIT(15)
#define APIC_ICR_SHORTHAND(x)	(((x) >> 18) & 3)
#define  APIC_SH_NONE		0
#define  APIC_SH_SELF		1
#define  APIC_SH_ALL		2
#define  APIC_SH_OTHERS		3

#define MSR_X2APIC_ICR		0x830

int apic_init(void);
u32 apic_id(void);
/* Sends an IPI (ICR low value, no shorthand) to one physical APIC ID. */
void apic_send(u32 dest, u32 icr_low);
/*
 * Sends the interrupt of a guest MSI message (address, data) as a fixed
 * IPI from this CPU (include/tv/x86_msi.h).  0, or -EINVAL / -ENOTSUP
 * for a message that is not a plain interrupt (nothing sent).
 */
int apic_send_msi(u64 addr, u32 data);
/* Guest writes of APIC_BASE and the x2APIC ICR; true if handled. */
bool apic_msr_write(struct per_cpu *cpu, u32 msr, u64 val);
/* Whether the xAPIC page is still intercepted. */
bool apic_trapped(void);

#endif
