/*
 * Turning parsed configuration back into text: the one-line error the
 * loader prints when thinvisor.conf is wrong, and the summary of effective
 * settings the hypervisor writes to its boot log (so a log always says
 * which configuration produced it, defaults included).
 *
 * Both write into a caller's fixed buffer and never overrun it; neither
 * allocates, since the loader and the hypervisor call them before either
 * has a heap.
 */
#include <tv/env.h>
#include <tv/config.h>
#include "cfgbuf.h"

int tv_config_format_error(const struct tv_config_error *e, const char *file,
			   char *buf, size_t size)
{
	struct cfgbuf b;
	size_t keylen;

	if (!e || !file || !buf)
		return -EINVAL;
	cfgbuf_init(&b, buf, size);
	cfgbuf_puts(&b, file);
	if (e->line) {
		cfgbuf_puts(&b, ":");
		cfgbuf_put_dec(&b, e->line);
	}
	cfgbuf_puts(&b, ": ");
	/* The struct may come from elsewhere: never read past its arrays. */
	keylen = strnlen(e->key, sizeof(e->key));
	if (keylen) {
		cfgbuf_putn(&b, e->key, keylen);
		cfgbuf_puts(&b, ": ");
	}
	cfgbuf_putn(&b, e->msg, strnlen(e->msg, sizeof(e->msg)));
	return cfgbuf_truncated(&b) ? -ENOSPC : 0;
}

/* One "config: KEY = " line opening; the caller writes the value. */
static void line_start(struct cfgbuf *b, const char *key)
{
	cfgbuf_puts(b, "config: ");
	cfgbuf_puts(b, key);
	cfgbuf_puts(b, " = ");
}

/* Quoted, so that an empty value or edge spaces are visible in the log. */
static void put_quoted(struct cfgbuf *b, const char *s, size_t max)
{
	cfgbuf_puts(b, "\"");
	cfgbuf_putn(b, s, strnlen(s, max));
	cfgbuf_puts(b, "\"");
}

static void put_list(struct cfgbuf *b, const char *key,
		     const char (*entries)[TV_CONFIG_ENTRY_MAX], u32 count,
		     u32 max)
{
	u32 i;

	for (i = 0; i < count && i < max; i++) {
		line_start(b, key);
		put_quoted(b, entries[i], TV_CONFIG_ENTRY_MAX);
		cfgbuf_puts(b, "\n");
	}
}

size_t tv_config_summary(const struct tv_config *c, char *buf, size_t size)
{
	struct cfgbuf b;

	cfgbuf_init(&b, buf, size);
	line_start(&b, "boot.next");
	put_quoted(&b, c->boot_next, sizeof(c->boot_next));
	if (!c->boot_next[0])
		cfgbuf_puts(&b, " (return to the boot manager)");
	cfgbuf_puts(&b, "\n");
	line_start(&b, "boot.next_args");
	put_quoted(&b, c->boot_next_args, sizeof(c->boot_next_args));
	cfgbuf_puts(&b, "\n");
	line_start(&b, "log.serial");
	if (c->log_serial)
		cfgbuf_put_hex(&b, c->log_serial);
	else
		cfgbuf_puts(&b, "none");
	cfgbuf_puts(&b, "\n");
	line_start(&b, "vmm.memory");
	cfgbuf_put_dec(&b, c->vmm_memory_mib);
	cfgbuf_puts(&b, " MiB\n");
	line_start(&b, "vmm.enable");
	cfgbuf_puts(&b, c->vmm_enable ? "yes\n" : "no\n");
	line_start(&b, "vmm.apic_trap_always");
	cfgbuf_puts(&b, c->apic_trap_always ? "yes\n" : "no\n");
	line_start(&b, "acpi.disable_vtd");
	cfgbuf_puts(&b, c->acpi_disable_vtd ? "yes\n" : "no\n");
	put_list(&b, "vmm.driver.pci", c->pci_driver, c->pci_driver_count,
		 TV_CONFIG_PCI_DRIVER_MAX);
	put_list(&b, "storage.encrypt", c->storage_encrypt,
		 c->storage_encrypt_count, TV_CONFIG_STORAGE_ENCRYPT_MAX);
	return b.len;
}
