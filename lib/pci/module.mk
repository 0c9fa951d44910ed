# lib/pci: PCI configuration space (address decoding, device model, bus
# tree, default handlers, MSI) and the vmm.driver.pci selector grammar.
PCI_LIB_SRCS := lib/pci/addr.c lib/pci/device.c lib/pci/bar.c \
	lib/pci/topology.c lib/pci/config.c lib/pci/msi.c \
	lib/pci/match_parse.c lib/pci/match.c

LIB_SRCS += $(PCI_LIB_SRCS)
# The loader matches vmm.driver.pci rules to detach firmware drivers.
LOADER_LIB_SRCS += $(PCI_LIB_SRCS)

UNIT_TESTS += pci_addr
UNIT_pci_addr_SRCS := tests/unit/test_pci_addr.c lib/pci/addr.c

UNIT_TESTS += pci_device
UNIT_pci_device_SRCS := tests/unit/test_pci_device.c tests/unit/pci_sim.c \
	$(PCI_LIB_SRCS) lib/config/strparse.c lib/fmt/fmt.c

UNIT_TESTS += pci_config
UNIT_pci_config_SRCS := tests/unit/test_pci_config.c tests/unit/pci_sim.c \
	$(PCI_LIB_SRCS) lib/config/strparse.c lib/fmt/fmt.c

UNIT_TESTS += pci_match
UNIT_pci_match_SRCS := tests/unit/test_pci_match.c $(PCI_LIB_SRCS) \
	lib/config/strparse.c lib/fmt/fmt.c
