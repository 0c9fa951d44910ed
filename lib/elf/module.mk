LOADER_LIB_SRCS += lib/elf/elf_load.c
UNIT_TESTS += elf_load
UNIT_elf_load_SRCS := tests/unit/test_elf_load.c lib/elf/elf_load.c
