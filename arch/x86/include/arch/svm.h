/* Internal interfaces between the files of arch/x86/svm. */
#ifndef ARCH_SVM_H
#define ARCH_SVM_H

#include <tv/percpu.h>
#include <arch/vmcb.h>

extern bool svm_has_nrips;
const char *svm_exit_name(unsigned int idx);
void svm_handle_exit(struct per_cpu *cpu);
void svm_vmcb_sipi_state(struct per_cpu *cpu, u8 vector);
/* svm_check.c */
bool svm_check_run_state(struct per_cpu *cpu, struct vmcb *v);
void svm_trace_exit(struct svm_cpu *svm, const struct vmcb *v, u64 rip_in);
void svm_entry_snapshot(struct per_cpu *cpu, const struct vmcb *v);

#endif
