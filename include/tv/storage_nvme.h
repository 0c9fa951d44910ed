/*
 * The hypervisor side of storage.encrypt for NVMe (drivers/nvme/nvme_crypt.c):
 * the PCI driver `nvme_crypt`; ranges and keys: <tv/storage_boot.h>.
 */
#ifndef TV_STORAGE_NVME_H
#define TV_STORAGE_NVME_H

#include <tv/pci.h>
#include <tv/storage_boot.h>

extern const struct pci_driver_desc pci_driver_nvme_crypt;
/* A device assigned nvme_crypt: trap its BAR0 and shadow its queues. */
void nvme_crypt_init(struct pci_device *d);

#endif
