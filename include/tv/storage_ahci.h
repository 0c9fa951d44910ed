/*
 * The hypervisor side of storage.encrypt for AHCI (drivers/ahci/ahci_crypt.c):
 * the PCI driver `ahci_crypt`; ranges and keys: <tv/storage_boot.h>.
 */
#ifndef TV_STORAGE_AHCI_H
#define TV_STORAGE_AHCI_H

#include <tv/pci.h>
#include <tv/storage_boot.h>

extern const struct pci_driver_desc pci_driver_ahci_crypt;
/*
 * A device assigned ahci_crypt: trap its ABAR, shadow the configured ports
 * (every port when disks are named by model=/serial=).
 */
void ahci_crypt_init(struct pci_device *d);

#endif
