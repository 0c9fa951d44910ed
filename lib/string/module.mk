# Freestanding only: host builds use the C library.
HV_LIB_SRCS += lib/string/memcpy.c lib/string/string.c
LOADER_LIB_SRCS += lib/string/string.c
