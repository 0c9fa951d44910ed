HV_SRCS += core/main.c core/mem.c core/log.c core/io.c core/mmio.c \
	core/cpuid.c core/vmmcall.c core/exits.c core/guest_map.c \
	core/guest_mem.c core/devices.c core/smp.c core/dbgsh.c core/microcode.c core/acpi.c
