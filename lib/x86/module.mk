X86_SRCS := lib/x86/decode.c lib/x86/regs.c lib/x86/alu.c lib/x86/emulate.c \
	lib/x86/emulate_string.c lib/x86/walk.c lib/x86/msi.c
LIB_SRCS += $(X86_SRCS)

UNIT_TESTS += x86_decode x86_emulate
UNIT_x86_decode_SRCS := tests/unit/test_x86_decode.c \
	tests/unit/test_x86_decode_cases64.c tests/unit/test_x86_decode_cases32.c \
	lib/x86/decode.c
UNIT_x86_emulate_SRCS := tests/unit/test_x86_emulate.c $(X86_SRCS)
UNIT_TESTS += x86_string
UNIT_x86_string_SRCS := tests/unit/test_x86_string.c $(X86_SRCS)
UNIT_TESTS += x86_walk
UNIT_x86_walk_SRCS := tests/unit/test_x86_walk.c lib/x86/walk.c
UNIT_TESTS += x86_msi
UNIT_x86_msi_SRCS := tests/unit/test_x86_msi.c lib/x86/msi.c
