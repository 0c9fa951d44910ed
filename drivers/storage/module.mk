# drivers/storage: storage.encrypt ranges and keys shared by nvme_crypt and
# ahci_crypt (docs/storage.md).
HV_SRCS += drivers/storage/storage_boot.c drivers/storage/storage_env.c
