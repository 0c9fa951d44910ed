/* storage.encrypt key files, read by the loader (boot/keys.c). */
#ifndef BOOT_KEYS_H
#define BOOT_KEYS_H

#include "loader.h"

/*
 * Parses the storage.encrypt lines and reads each line's key file into
 * rec->keys[line - 1].  Any error is printed and stops the hypervisor from
 * starting; rec is wiped on error.
 */
EFI_STATUS loader_keys_read(struct loader_ctx *lc, const struct tv_config *cfg,
			    struct tv_rec_keys *rec);
/* Wipes the loader's copy of the keys (after the hypervisor took them). */
void loader_keys_wipe(struct tv_rec_keys *rec);

#endif
