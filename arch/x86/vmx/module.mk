# Intel VT-x (arch/x86/vmx) and its test lane: Bochs, the only VT-x
# emulator here (QEMU TCG has no VMX).  See docs/vmx.md.
HV_SRCS += arch/x86/vmx/vmx.c arch/x86/vmx/vmx_vmcs.c arch/x86/vmx/vmx_exit.c \
	arch/x86/vmx/vmx_cr.c arch/x86/vmx/vmx_msr.c arch/x86/vmx/vmx_run.S
