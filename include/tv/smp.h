/* Bringing every processor under the hypervisor (core/smp.c). */
#ifndef TV_SMP_H
#define TV_SMP_H

#include <tv/types.h>
#include <tv/percpu.h>
#include <tv/bootproto.h>

int smp_init(const struct tv_rec_cpus *rec, u32 bsp_apic_id);
/* A guest INIT (init=true) or SIPI to dest (or a shorthand), intercepted. */
void smp_guest_ipi(struct per_cpu *self, bool init, u8 vector,
		   unsigned int shorthand, u32 dest, bool deassert);
/*
 * Called when an NMI made this CPU exit: true if it was the hypervisor's
 * kick for a guest INIT, in which case *vector is the SIPI vector to
 * restart the guest at (the call waits for that SIPI).
 */
bool smp_nmi_was_init(struct per_cpu *cpu, u8 *vector);
bool smp_init_exit(struct per_cpu *cpu, u8 *vector);
bool smp_boot_done(void);
void ap_entry(u64 trampoline_pa);

#endif
