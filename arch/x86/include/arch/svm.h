/* Internal interfaces between the files of arch/x86/svm. */
#ifndef ARCH_SVM_H
#define ARCH_SVM_H

#include <tv/percpu.h>

extern bool svm_has_nrips;
const char *svm_exit_name(unsigned int idx);
void svm_handle_exit(struct per_cpu *cpu);
void svm_vmcb_sipi_state(struct per_cpu *cpu, u8 vector);

#endif
