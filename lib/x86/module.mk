LIB_SRCS += lib/x86/decode.c
UNIT_TESTS += x86_decode
UNIT_x86_decode_SRCS := tests/unit/test_x86_decode.c \
	tests/unit/test_x86_decode_cases64.c tests/unit/test_x86_decode_cases32.c \
	lib/x86/decode.c
