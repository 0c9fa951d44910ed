/*
 * thinvisor.conf, parsed.  The UEFI loader parses the file (so errors show
 * on the firmware console before anything is started) and hands this
 * struct to the hypervisor in a boot record; the hypervisor copies it.  The
 * struct therefore holds no pointers and has a fixed layout.
 *
 * Syntax: one `key = value` per line; `#` starts a comment (anywhere outside
 * a value's quotes is not supported: a '#' after the value ends the value);
 * blank lines are ignored; keys are case-sensitive.  See docs/config.md.
 */
#ifndef TV_CONFIG_H
#define TV_CONFIG_H

#include <tv/types.h>

#define TV_CONFIG_PATH_MAX	256
#define TV_CONFIG_ARGS_MAX	1024
#define TV_CONFIG_MEMORY_DEFAULT_MIB	32
#define TV_CONFIG_MEMORY_MIN_MIB	8
#define TV_CONFIG_MEMORY_MAX_MIB	4096

struct tv_config {
	/* boot.next: path of the next EFI image on the same volume, '\'
	 * separated; empty = return to the boot manager. */
	char boot_next[TV_CONFIG_PATH_MAX];
	/* boot.next_args: its load options (ASCII). */
	char boot_next_args[TV_CONFIG_ARGS_MAX];
	/* log.serial: I/O base of the hypervisor's UART, 0 = none. */
	u16 log_serial;
	u16 reserved0;
	/* vmm.memory: MiB of memory reserved for the hypervisor. */
	u32 vmm_memory_mib;
	/* vmm.enable: 0 = boot the next stage without the hypervisor. */
	u8 vmm_enable;
	u8 reserved1[7];
};

/* Where and why parsing failed; line is 1-based, 0 if not line-related. */
struct tv_config_error {
	u32 line;
	char key[64];
	char msg[160];
};

/* Fills cfg with defaults, then applies text[0..len).  0 or -EINVAL. */
int tv_config_parse(const char *text, size_t len, struct tv_config *cfg,
		    struct tv_config_error *err);
void tv_config_defaults(struct tv_config *cfg);

#endif
