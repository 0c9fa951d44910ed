# Intel VT-x (arch/x86/vmx) and its test lane.  QEMU TCG has no VT-x, so
# the lane boots thinvisor under Bochs 2.7 from a GRUB ISO (the legacy BIOS
# path, scripts/mkbios-iso.sh): `make test-bochs` (docs/vmx.md).
HV_SRCS += arch/x86/vmx/vmx.c arch/x86/vmx/vmx_vmcs.c arch/x86/vmx/vmx_exit.c \
	arch/x86/vmx/vmx_cr.c arch/x86/vmx/vmx_msr.c arch/x86/vmx/vmx_run.S

# One 2-CPU boot, about 3 minutes; passed every run since the lane settled.
TEST_TARGETS += test-bochs
.PHONY: test-bochs
test-bochs: all guest
	THINVISOR_BOCHS=1 /usr/bin/python3 -m pytest -o cache_dir=$(BUILD)/pytest-cache \
		-v tests/integration/test_bochs.py
