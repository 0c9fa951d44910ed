/*
 * The hypervisor side of storage.encrypt for NVMe (drivers/nvme/nvme_crypt.c):
 * taking the keys from the boot records, and the PCI driver `nvme_crypt`.
 */
#ifndef TV_STORAGE_NVME_H
#define TV_STORAGE_NVME_H

#include <tv/pci.h>

/*
 * At boot, before PCI: parses storage.encrypt again, copies the keys out of
 * the keys boot record into XTS contexts and wipes the record, and makes
 * every configured slot's first vmm.driver.pci rule `driver=nvme_crypt`.
 * Any error stops the boot (fail closed: no driver, no encryption).
 */
int storage_encrypt_boot(void *const *table);

extern const struct pci_driver_desc pci_driver_nvme_crypt;
/* A device assigned nvme_crypt: trap its BAR0 and shadow its queues. */
void nvme_crypt_init(struct pci_device *d);

#endif
