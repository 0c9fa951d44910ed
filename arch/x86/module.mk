HV_SRCS += arch/x86/entry.S arch/x86/cpu.c arch/x86/apic.c arch/x86/trampoline.S \
	arch/x86/fpu.c \
	arch/x86/svm/svm.c arch/x86/svm/svm_exit.c arch/x86/svm/svm_check.c \
	arch/x86/svm/svm_run.S
include arch/x86/vmx/module.mk
