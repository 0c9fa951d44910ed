# lib/storage: the storage.encrypt grammar and range lookups
# (include/tv/storage.h, docs/storage.md).  The loader parses the lines to
# read the key files; the hypervisor parses them again for drivers/nvme.
STORAGE_LIB_SRCS := lib/storage/encrypt_parse.c lib/storage/encrypt_ranges.c
LIB_SRCS += $(STORAGE_LIB_SRCS)
LOADER_LIB_SRCS += $(STORAGE_LIB_SRCS)

UNIT_TESTS += storage
UNIT_storage_SRCS := tests/unit/test_storage.c $(STORAGE_LIB_SRCS) \
	lib/config/strparse.c lib/fmt/fmt.c
