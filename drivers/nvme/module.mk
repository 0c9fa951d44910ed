# drivers/nvme: nvme_crypt, transparent XTS-AES-256 of NVMe LBA ranges
# (docs/storage.md).  The queue engine (nvme_queue/regs/admin/io/prp/pool)
# is hardware-free and unit-tested on a simulated controller;
# nvme_crypt.c binds it to PCI, MMIO traps, keys and the FPU.
NVME_CORE_SRCS := drivers/nvme/nvme_queue.c drivers/nvme/nvme_regs.c \
	drivers/nvme/nvme_admin.c drivers/nvme/nvme_io.c \
	drivers/nvme/nvme_prp.c drivers/nvme/nvme_pool.c
HV_SRCS += $(NVME_CORE_SRCS)

UNIT_TESTS += nvme_shadow
UNIT_nvme_shadow_SRCS = tests/unit/test_nvme_shadow.c tests/unit/nvme_sim.c tests/unit/sim_util.c \
	$(NVME_CORE_SRCS) $(STORAGE_LIB_SRCS) $(CRYPTO_SRCS) \
	lib/config/strparse.c lib/fmt/fmt.c

UNIT_TESTS += nvme_irq
UNIT_nvme_irq_SRCS = tests/unit/test_nvme_irq.c tests/unit/nvme_sim.c tests/unit/sim_util.c \
	$(NVME_CORE_SRCS) $(STORAGE_LIB_SRCS) $(CRYPTO_SRCS) \
	lib/config/strparse.c lib/fmt/fmt.c
HV_SRCS += drivers/nvme/nvme_crypt.c drivers/nvme/nvme_irq.c
