LIB_SRCS += lib/x86/decode.c
