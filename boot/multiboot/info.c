/*
 * Reading what GRUB hands over (Multiboot 0.6.96 §3.3): the memory map,
 * our command line, the boot drive and the modules.  Everything is copied
 * into struct mb_boot at once, because GRUB put these structures in
 * memory it does not tell us about, which we may reuse later.
 *
 * Modules are recognised by their contents, so their order in the GRUB
 * entry does not matter:
 *   - an ELF64 file                         -> the hypervisor (thinvisor.elf)
 *   - a Linux bzImage ("HdrS" at 0x202)     -> the kernel to boot
 *   - a name ending in ".conf", or a small
 *     file without NUL bytes                -> thinvisor.conf
 *   - anything else                         -> the kernel's initrd (one)
 * A module's string is its GRUB `module` line after the file: GRUB 2 does
 * not pass the file's path, other loaders do.  A first word that starts
 * with '/' or '(' is taken as the path (the module's name in messages);
 * the rest are arguments (for the kernel: its command line).
 */
#include <tv/fmt.h>
#include "mb.h"

#define TEXT_MAX	(64 * 1024)	/* a config module is no larger */

static void copy_str(char *dst, u32 size, u32 pa)
{
	const char *s = (const char *)pa;
	u32 i = 0;

	if (pa)
		for (; i + 1 < size && s[i]; i++)
			dst[i] = s[i];
	dst[i] = '\0';
}

/* Splits "[path] args" into name and args. */
static void split_cmdline(const char *s, char *name, char *args)
{
	while (*s == ' ')
		s++;
	if (*s == '/' || *s == '(')
		while (*s && *s != ' ')
			*name++ = *s++;
	*name = '\0';
	while (*s == ' ')
		s++;
	while (*s)
		*args++ = *s++;
	*args = '\0';
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static bool is_text(const u8 *d, u32 size)
{
	u32 i;

	if (size > TEXT_MAX)
		return false;
	for (i = 0; i < size; i++)
		if (!d[i])
			return false;
	return true;
}

static int classify(struct mb_boot *b, const struct mb_module *m)
{
	const u8 *d = (const u8 *)m->start;
	u32 size = m->end - m->start;
	const struct mb_module **slot;

	if (size >= 5 && !memcmp(d, "\177ELF", 4) && d[4] == 2)
		slot = &b->hv;
	else if (size >= 0x206 && !memcmp(d + 0x202, "HdrS", 4))
		slot = &b->kernel;
	else if (ends_with(m->name, ".conf") || ends_with(m->args, ".conf") ||
		 is_text(d, size))
		slot = &b->conf;
	else
		slot = &b->initrd;
	if (*slot) {
		mb_printf("thinvisor-mb: module %s: a second %s; ignored\n",
			  m->name, slot == &b->hv ? "hypervisor" :
			  slot == &b->kernel ? "kernel" :
			  slot == &b->conf ? "configuration" : "initrd");
		return -EEXIST;
	}
	*slot = m;
	return 0;
}

static void read_modules(struct mb_boot *b, const struct mb_info *mbi)
{
	const struct mb_module_desc *d = (const void *)mbi->mods_addr;
	char line[MB_STRING_MAX];
	u32 i;

	if (mbi->mods_count > MB_MODS_MAX)
		mb_printf("thinvisor-mb: %u modules, using the first %u\n",
			  mbi->mods_count, MB_MODS_MAX);
	for (i = 0; i < mbi->mods_count && b->nmods < MB_MODS_MAX; i++) {
		struct mb_module *m = &b->mods[b->nmods];

		if (d[i].mod_end < d[i].mod_start)
			continue;
		m->start = d[i].mod_start;
		m->end = d[i].mod_end;
		copy_str(line, sizeof(line), d[i].string);
		split_cmdline(line, m->name, m->args);
		if (!m->name[0])
			tv_snprintf(m->name, sizeof(m->name), "module %u", i + 1);
		mb_busy_add(b, m->start, ALIGN_UP((u64)m->end, 4096));
		b->nmods++;
		classify(b, m);
		mb_printf("thinvisor-mb: module %08x-%08x %s\n", m->start,
			  m->end, m->name);
	}
}

/* Insertion sort by base: GRUB's map is usually sorted already. */
static void sort_map(struct mb_boot *b)
{
	u32 i, j;

	for (i = 1; i < b->nmap; i++) {
		struct e820_entry e = b->map[i];

		for (j = i; j > 0 && b->map[j - 1].base > e.base; j--)
			b->map[j] = b->map[j - 1];
		b->map[j] = e;
	}
}

static int read_map(struct mb_boot *b, const struct mb_info *mbi)
{
	u32 off = 0;

	while (off + sizeof(struct mb_mmap_entry) <= mbi->mmap_length &&
	       b->nmap < MB_E820_MAX) {
		const struct mb_mmap_entry *e = (const void *)(mbi->mmap_addr + off);
		struct e820_entry *o = &b->map[b->nmap];

		off += e->size + 4;
		if (!e->length || e->base_addr + e->length < e->base_addr)
			continue;
		o->base = e->base_addr;
		o->length = e->length;
		o->type = e->type;
		o->attr = E820_ATTR_ENABLED;
		b->nmap++;
	}
	sort_map(b);
	return b->nmap ? 0 : -ENODATA;
}

int mb_info_read(struct mb_boot *b, u32 magic, const struct mb_info *mbi)
{
	char line[MB_CMDLINE_MAX], name[MB_CMDLINE_MAX];

	if (magic != MB_BOOTLOADER_MAGIC) {
		mb_printf("thinvisor-mb: not started by a Multiboot loader "
			  "(EAX %08x)\n", magic);
		return -EINVAL;
	}
	if (!(mbi->flags & MB_INFO_MEM_MAP) || read_map(b, mbi)) {
		mb_printf("thinvisor-mb: the boot loader gave no memory map\n");
		return -ENODATA;
	}
	b->boot_drive = mbi->flags & MB_INFO_BOOTDEV ? mbi->boot_device >> 24
						     : ~0u;
	if (mbi->flags & MB_INFO_CMDLINE) {
		copy_str(line, sizeof(line), mbi->cmdline);
		split_cmdline(line, name, b->cmdline);
	}
	if (mbi->flags & MB_INFO_MODS)
		read_modules(b, mbi);
	return 0;
}
