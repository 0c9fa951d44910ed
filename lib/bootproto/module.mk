LIB_SRCS += lib/bootproto/bootproto.c
LOADER_LIB_SRCS += lib/bootproto/bootproto.c
UNIT_TESTS += bootproto
UNIT_bootproto_SRCS := tests/unit/test_bootproto.c lib/bootproto/bootproto.c
