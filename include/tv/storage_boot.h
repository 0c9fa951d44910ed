/*
 * The hypervisor side of storage.encrypt shared by the disk drivers
 * (drivers/storage/storage_boot.c): the parsed ranges and their XTS keys,
 * owned in one place, and the PCI driver rule each configured slot gets
 * (`nvme_crypt` for nsid= ranges, `ahci_crypt` for port= ranges).
 */
#ifndef TV_STORAGE_BOOT_H
#define TV_STORAGE_BOOT_H

#include <tv/crypto.h>
#include <tv/storage.h>

/*
 * At boot, before PCI: parses storage.encrypt again, copies the keys out of
 * the keys boot record into XTS contexts and wipes the record, and makes
 * every configured slot's first vmm.driver.pci rule its driver.  Any error
 * stops the boot (fail closed: no driver, no encryption).
 */
int storage_encrypt_boot(void *const *table);
/* True once storage_encrypt_boot succeeded (keys usable). */
bool storage_keys_ready(void);
/* The ranges in configuration order, and the key of range i. */
u32 storage_range_count(void);
const struct storage_range *storage_range_get(u32 i);
const struct xts_ctx *storage_key_get(u32 i);
/* Some range names its NVMe disk by model=/serial= instead of slot=. */
bool storage_any_model_serial(void);
/* Some range names an ATA disk (behind AHCI) by model=/serial=. */
bool storage_any_ata_named(void);

/*
 * The disk engines' environment callbacks in the hypervisor
 * (drivers/storage/storage_env.c): guest memory, AES-NI bracketing, a
 * bounded wait step (*budget starts at 0) and the log.
 */
void *storage_guest_map(void *ctx, u64 gpa, u32 len, bool write);
void storage_crypt_begin(void *ctx);
void storage_crypt_end(void *ctx);
bool storage_wait(void *ctx, u64 *budget);
void storage_log(void *ctx, const char *msg);

#endif
