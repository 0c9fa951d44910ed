LIB_SRCS += lib/paging/paging.c
UNIT_TESTS += paging
UNIT_paging_SRCS := tests/unit/test_paging.c lib/paging/paging.c
