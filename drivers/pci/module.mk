HV_SRCS += drivers/pci/pci_access.c drivers/pci/pci_host.c drivers/pci/pci_boot.c \
	drivers/pci/pci_api.c drivers/pci/pci_force.c drivers/pci/pci_move.c
