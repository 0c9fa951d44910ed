LIB_SRCS += lib/fmt/fmt.c
LOADER_LIB_SRCS += lib/fmt/fmt.c
UNIT_TESTS += fmt
UNIT_fmt_SRCS := tests/unit/test_fmt.c lib/fmt/fmt.c
