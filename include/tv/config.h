/*
 * thinvisor.conf, parsed.  The UEFI loader parses the file (so errors show
 * on the firmware console before anything is started) and hands this
 * struct to the hypervisor in a boot record; the hypervisor copies it.  The
 * struct therefore holds no pointers and has a fixed layout.
 *
 * Syntax: one `key = value` per line; a line starting with `#` is a
 * comment, and an unquoted '#' after a value ends the value (a value in
 * double quotes keeps '#' and leading/trailing spaces); blank lines are
 * ignored; keys are case-sensitive.  See docs/config.md.
 */
#ifndef TV_CONFIG_H
#define TV_CONFIG_H

#include <tv/types.h>

#define TV_CONFIG_PATH_MAX	256
#define TV_CONFIG_ARGS_MAX	1024
#define TV_CONFIG_MEMORY_DEFAULT_MIB	32
#define TV_CONFIG_MEMORY_MIN_MIB	8
#define TV_CONFIG_MEMORY_MAX_MIB	4096
/* Repeatable keys: bytes per stored entry (incl. NUL) and entry limits. */
#define TV_CONFIG_ENTRY_MAX		256
#define TV_CONFIG_PCI_DRIVER_MAX	32
#define TV_CONFIG_STORAGE_ENCRYPT_MAX	16

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
	/* vmm.apic_trap_always: keep intercepting the local APIC after the
	 * OS has started its processors (see docs/config.md). */
	u8 apic_trap_always;
	/* acpi.disable_vtd: hide the DMAR table, turn DMA remapping off. */
	u8 acpi_disable_vtd;
	u8 reserved1[5];
	/*
	 * Repeatable keys reserved for later issues: vmm.driver.pci and
	 * storage.encrypt.  Each line's value is kept verbatim (trimmed,
	 * unquoted, printable ASCII), in file order, for the module that
	 * owns its grammar; entries [count..] are all zero.
	 */
	u32 pci_driver_count;
	u32 storage_encrypt_count;
	char pci_driver[TV_CONFIG_PCI_DRIVER_MAX][TV_CONFIG_ENTRY_MAX];
	char storage_encrypt[TV_CONFIG_STORAGE_ENCRYPT_MAX][TV_CONFIG_ENTRY_MAX];
};

/* The loader and the hypervisor must agree on this layout byte for byte. */
_Static_assert(offsetof(struct tv_config, vmm_memory_mib) == 1284, "tv_config layout");
_Static_assert(offsetof(struct tv_config, pci_driver_count) == 1296, "tv_config layout");
_Static_assert(offsetof(struct tv_config, pci_driver) == 1304, "tv_config layout");
_Static_assert(sizeof(struct tv_config) == 13592, "tv_config layout");

/* Where and why parsing failed; line is 1-based, 0 if not line-related. */
struct tv_config_error {
	u32 line;
	char key[64];
	char msg[160];
};

/*
 * Fills cfg with defaults, then applies text[0..len).  0 or -EINVAL; on
 * -EINVAL *err says where and why (err may be NULL) and cfg is partly
 * applied, so it must not be used.  On success err is zeroed.
 */
int tv_config_parse(const char *text, size_t len, struct tv_config *cfg,
		    struct tv_config_error *err);
void tv_config_defaults(struct tv_config *cfg);

/*
 * "FILE:LINE: KEY: MESSAGE", or "FILE:LINE: MESSAGE" when the error has no
 * key ("FILE: ..." when line is 0), NUL-terminated in buf.  0, or -ENOSPC
 * when it had to be cut short (buf still holds a terminated prefix), or
 * -EINVAL for a NULL argument.
 */
int tv_config_format_error(const struct tv_config_error *e, const char *file,
			   char *buf, size_t size);

/*
 * The effective settings as "config: KEY = VALUE\n" lines for the boot
 * log.  Like snprintf: returns the length of the whole summary; when that
 * is >= size, buf holds a terminated prefix.
 */
size_t tv_config_summary(const struct tv_config *c, char *buf, size_t size);

#endif
