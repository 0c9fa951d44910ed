# lib/config: thinvisor.conf parser, its messages, and the shared
# overflow-checked number parsing (include/tv/strparse.h).
CONFIG_LIB_SRCS := lib/config/config.c lib/config/config_fmt.c \
	lib/config/cfgbuf.c lib/config/strparse.c

LIB_SRCS += $(CONFIG_LIB_SRCS)
LOADER_LIB_SRCS += $(CONFIG_LIB_SRCS)

UNIT_TESTS += config
UNIT_config_SRCS := tests/unit/test_config.c $(CONFIG_LIB_SRCS)

UNIT_TESTS += strparse
UNIT_strparse_SRCS := tests/unit/test_strparse.c lib/config/strparse.c
