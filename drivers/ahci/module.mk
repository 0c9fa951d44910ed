# drivers/ahci: ahci_crypt, transparent XTS-AES-256 of AHCI port LBA ranges
# (docs/storage.md).  The engine (ahci_port/cmd/ata/ident) is hardware-free and
# unit-tested on a simulated HBA; ahci_crypt.c binds it to PCI, MMIO traps,
# keys and the FPU.
AHCI_CORE_SRCS := drivers/ahci/ahci_port.c drivers/ahci/ahci_cmd.c \
	drivers/ahci/ahci_ata.c drivers/ahci/ahci_ident.c
HV_SRCS += $(AHCI_CORE_SRCS) drivers/ahci/ahci_crypt.c

UNIT_TESTS += ahci_shadow
UNIT_ahci_shadow_SRCS = tests/unit/test_ahci_shadow.c tests/unit/ahci_sim.c tests/unit/sim_util.c \
	$(AHCI_CORE_SRCS) $(STORAGE_LIB_SRCS) $(CRYPTO_SRCS) \
	lib/config/strparse.c lib/fmt/fmt.c

UNIT_TESTS += ahci_ident
UNIT_ahci_ident_SRCS = tests/unit/test_ahci_ident.c tests/unit/ahci_sim.c tests/unit/sim_util.c \
	$(AHCI_CORE_SRCS) $(STORAGE_LIB_SRCS) $(CRYPTO_SRCS) \
	lib/config/strparse.c lib/fmt/fmt.c
