/*
 * The configuration: thinvisor.conf as a Multiboot module, overridden by
 * key=value words on our own command line (the `multiboot` line in
 * grub.cfg), so one menu entry can differ from another without a second
 * file:
 *
 *     multiboot /thinvisor-mb.elf vmm.memory=64 "boot.next_args=quiet ro"
 *
 * A word may be quoted as a whole or after the '='; quotes are removed
 * and a backslash keeps the next character as it is (GRUB 2 quotes a word
 * with blanks and escapes \\, ' and " when it builds the line).
 * A key given on the command line replaces every line of that key in the
 * file.  Both go through lib/config, the same parser as the UEFI loader:
 * the file's lines are kept (an overridden line is turned into a comment,
 * so line numbers in messages still match the file) and the command line
 * becomes extra lines after them.  No module and no words: the defaults.
 */
#include "mb.h"

#define MERGED_MAX	(64 * 1024)
#define OVERRIDES_MAX	16
#define KEY_MAX		64

struct override {
	char key[KEY_MAX];
	const char *value;	/* points into words */
};

static char merged[MERGED_MAX];
static char words[MB_CMDLINE_MAX];
static struct override ovr[OVERRIDES_MAX];

/* Splits cmdline into NUL-separated words in `words`, quotes removed. */
static u32 split_words(const char *s)
{
	char *w = words;
	bool quoted = false;
	u32 n = 0;

	while (*s) {
		while (*s == ' ' && !quoted)
			s++;
		if (!*s)
			break;
		for (; *s && (quoted || *s != ' '); s++)
			if (*s == '"')
				quoted = !quoted;
			else if (*s == '\\' && s[1])
				*w++ = *++s;
			else
				*w++ = *s;
		*w++ = '\0';
		n++;
	}
	return n;
}

static int parse_overrides(const char *cmdline, u32 *count)
{
	const char *w = words;
	u32 i, n = split_words(cmdline);

	for (i = 0; i < n; i++, w += strlen(w) + 1) {
		const char *eq = strchr(w, '=');

		if (!eq || eq == w || eq - w >= KEY_MAX || i >= OVERRIDES_MAX) {
			mb_printf("thinvisor: command line: %s: expected "
				  "key=value (at most %u)\n", w, OVERRIDES_MAX);
			return -EINVAL;
		}
		memcpy(ovr[i].key, w, eq - w);
		ovr[i].key[eq - w] = '\0';
		ovr[i].value = eq + 1;
	}
	*count = n;
	return 0;
}

static bool overridden(const char *line, const char *end, u32 n)
{
	const char *k;
	u32 i;

	while (line < end && (*line == ' ' || *line == '\t'))
		line++;
	for (k = line; k < end && *k != '=' && *k != ' ' && *k != '\t'; k++)
		;
	for (i = 0; i < n; i++)
		if (strlen(ovr[i].key) == (size_t)(k - line) &&
		    !memcmp(ovr[i].key, line, k - line))
			return true;
	return false;
}

static int append(u32 *len, const char *s, u32 n)
{
	if (*len + n >= MERGED_MAX)
		return -ENOSPC;
	memcpy(merged + *len, s, n);
	*len += n;
	return 0;
}

/* File lines (overridden ones commented out), then the overrides. */
static int merge(const char *text, u32 size, u32 n, u32 *len, u32 *lines)
{
	const char *p = text, *end = text + size, *eol;
	u32 i;
	int err = 0;

	*len = 0;
	*lines = 0;
	for (; p < end && !err; p = eol + 1, (*lines)++) {
		for (eol = p; eol < end && *eol != '\n'; eol++)
			;
		if (overridden(p, eol, n))
			err = append(len, "#", 1);
		if (!err)
			err = append(len, p, eol - p);
		if (!err)
			err = append(len, "\n", 1);
		if (eol == end)
			eol--;	/* last line without LF: stop after it */
	}
	for (i = 0; i < n && !err; i++) {
		err = append(len, ovr[i].key, strlen(ovr[i].key));
		if (!err)
			err = append(len, " = \"", 4);
		if (!err)
			err = append(len, ovr[i].value, strlen(ovr[i].value));
		if (!err)
			err = append(len, "\"\n", 2);
	}
	return err;
}

static void report(const struct tv_config_error *e, const char *file,
		   u32 file_lines)
{
	struct tv_config_error where = *e;
	char msg[400];

	if (where.line > file_lines) {
		where.line -= file_lines;
		file = "command line";
	}
	tv_config_format_error(&where, file, msg, sizeof(msg));
	mb_printf("thinvisor: %s\n", msg);
}

int mb_config_parse(const char *text, u32 size, const char *file,
		    const char *cmdline, struct tv_config *cfg)
{
	struct tv_config_error err;
	u32 n, len, lines;

	if (parse_overrides(cmdline, &n))
		return -EINVAL;
	if (merge(text, size, n, &len, &lines)) {
		mb_printf("thinvisor: %s: larger than %u bytes\n", file,
			  MERGED_MAX);
		return -E2BIG;
	}
	if (tv_config_parse(merged, len, cfg, &err)) {
		report(&err, file, lines);
		return -EINVAL;
	}
	return 0;
}

void mb_config_load(struct mb_boot *b)
{
	const char *text = b->conf ? (const char *)(uintptr_t)b->conf->start : "";
	u32 size = b->conf ? b->conf->end - b->conf->start : 0;
	const char *file = !b->conf ? "(no thinvisor.conf)" :
			   b->conf->name[0] == '/' ? b->conf->name : "thinvisor.conf";

	if (b->cmdline[0])
		mb_printf("thinvisor-mb: command line: %s\n", b->cmdline);
	b->cfg_ok = !mb_config_parse(text, size, file, b->cmdline, &b->cfg);
	if (b->cfg_ok && !b->conf)
		mb_printf("thinvisor-mb: no thinvisor.conf module: defaults%s\n",
			  b->cmdline[0] ? " and the command line" : "");
}
