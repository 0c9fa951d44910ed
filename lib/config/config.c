/*
 * The thinvisor.conf parser.  The UEFI loader runs it on the file's bytes
 * before starting anything, so a mistake is reported on the firmware
 * console with its line number instead of surfacing as a strange boot; the
 * result is a struct tv_config with no pointers that the hypervisor copies.
 *
 * The file is read line by line (LF or CRLF, an optional UTF-8 BOM first).
 * Each line is split into a key and a value (parse_line, get_value), the
 * key is looked up in keys[], and the entry's type decides how the value is
 * checked and stored (apply).  Adding a key is one line in keys[] plus a
 * field in struct tv_config; a new kind of value is one KEY_* type and one
 * set_*() function.
 *
 * Invariants: every byte of a key or value is printable ASCII before it is
 * looked at further (comments may hold anything, e.g. UTF-8); a
 * non-repeatable key is set at most once; nothing is written beyond a
 * field's size.  The first error stops parsing and is described in struct
 * tv_config_error.
 */
#include <tv/env.h>
#include <tv/config.h>
#include <tv/strparse.h>
#include "cfgbuf.h"

enum key_type {
	KEY_PATH,	/* file path on the boot volume, '/' turned into '\' */
	KEY_TEXT,	/* printable ASCII, stored verbatim */
	KEY_PORT,	/* 8-byte-aligned UART I/O base, or none */
	KEY_MIB,	/* size in MiB, optional M/MiB suffix */
	KEY_BOOL,
	KEY_LIST,	/* repeatable: each value appended to a fixed pool */
};

struct key_desc {
	const char *name;
	enum key_type type;
	u32 field;	/* offset of the value in struct tv_config */
	u32 size;	/* bytes of the field; lists: bytes per entry */
	u32 count;	/* lists: offset of the u32 entry count */
	u32 min;	/* numbers: lowest accepted value */
	u32 max;	/* numbers: highest accepted value; lists: entries */
};

#define FIELD_SIZE(f)	sizeof(((struct tv_config *)0)->f)
#define FIELD_OFF(f)	offsetof(struct tv_config, f)
#define STRING_KEY(n, t, f)	{ n, t, FIELD_OFF(f), FIELD_SIZE(f), 0, 0, 0 }
#define NUMBER_KEY(n, t, f, lo, hi) \
	{ n, t, FIELD_OFF(f), FIELD_SIZE(f), 0, lo, hi }
#define LIST_KEY(n, f, cnt) \
	{ n, KEY_LIST, FIELD_OFF(f), FIELD_SIZE(f[0]), FIELD_OFF(cnt), 0, \
	  ARRAY_SIZE(((struct tv_config *)0)->f) }

static const struct key_desc keys[] = {
	STRING_KEY("boot.next", KEY_PATH, boot_next),
	STRING_KEY("boot.next_args", KEY_TEXT, boot_next_args),
	NUMBER_KEY("log.serial", KEY_PORT, log_serial, 0x100, 0xfff8),
	NUMBER_KEY("vmm.memory", KEY_MIB, vmm_memory_mib,
		   TV_CONFIG_MEMORY_MIN_MIB, TV_CONFIG_MEMORY_MAX_MIB),
	NUMBER_KEY("vmm.enable", KEY_BOOL, vmm_enable, 0, 1),
	NUMBER_KEY("vmm.apic_trap_always", KEY_BOOL, apic_trap_always, 0, 1),
	NUMBER_KEY("acpi.disable_vtd", KEY_BOOL, acpi_disable_vtd, 0, 1),
	LIST_KEY("vmm.driver.pci", pci_driver, pci_driver_count),
	LIST_KEY("storage.encrypt", storage_encrypt, storage_encrypt_count),
};

/* first_line[] is a fixed array indexed like keys[]. */
#define NKEYS	ARRAY_SIZE(keys)

/* A slice of the input; never NUL-terminated. */
struct span {
	const char *s;
	size_t len;
};

struct parse_ctx {
	struct tv_config *cfg;
	struct tv_config_error *err;
	struct cfgbuf msg;		/* builds err->msg */
	u32 line;			/* 1-based number of the current line */
	const char *line_start;		/* for column numbers */
	struct span key;		/* current line's key, once known */
	u32 first_line[NKEYS];		/* where each key was set, 0 = not yet */
};

/* Values longer than this are shortened in messages to keep them readable. */
#define SHOW_MAX	40

void tv_config_defaults(struct tv_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->vmm_memory_mib = TV_CONFIG_MEMORY_DEFAULT_MIB;
	cfg->vmm_enable = 1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_printable(char c)
{
	return c >= 0x20 && c <= 0x7e;
}

static struct span trim(const char *s, size_t len)
{
	while (len && is_blank(s[0])) {
		s++;
		len--;
	}
	while (len && is_blank(s[len - 1]))
		len--;
	return (struct span){ s, len };
}

/*
 * Starts err for the current line and returns the builder for its message.
 * The key is copied with unprintable bytes replaced, since it may be the
 * very thing the message complains about.
 */
static struct cfgbuf *error_msg(struct parse_ctx *ctx)
{
	struct tv_config_error *e = ctx->err;
	size_t i, n = MIN(ctx->key.len, sizeof(e->key) - 1);

	e->line = ctx->line;
	for (i = 0; i < n; i++)
		e->key[i] = is_printable(ctx->key.s[i]) ? ctx->key.s[i] : '?';
	e->key[n] = '\0';
	cfgbuf_init(&ctx->msg, e->msg, sizeof(e->msg));
	return &ctx->msg;
}

static int line_error(struct parse_ctx *ctx, const char *why)
{
	cfgbuf_puts(error_msg(ctx), why);
	return -EINVAL;
}

/* Starts a message "value V " about v, for the caller to finish. */
static struct cfgbuf *value_msg(struct parse_ctx *ctx, struct span v)
{
	struct cfgbuf *m = error_msg(ctx);

	cfgbuf_puts(m, "value ");
	if (!v.len) {
		cfgbuf_puts(m, "\"\"");
	} else if (v.len <= SHOW_MAX) {
		cfgbuf_putn(m, v.s, v.len);
	} else {
		cfgbuf_putn(m, v.s, SHOW_MAX - 3);
		cfgbuf_puts(m, "...");
	}
	cfgbuf_puts(m, " ");
	return m;
}

static int bad_value(struct parse_ctx *ctx, struct span v, const char *why)
{
	cfgbuf_puts(value_msg(ctx, v), why);
	return -EINVAL;
}

static int too_long(struct parse_ctx *ctx, size_t len, size_t limit)
{
	struct cfgbuf *m = error_msg(ctx);

	cfgbuf_puts(m, "value is ");
	cfgbuf_put_dec(m, len);
	cfgbuf_puts(m, " characters long, the limit is ");
	cfgbuf_put_dec(m, limit);
	return -EINVAL;
}

static int check_printable(struct parse_ctx *ctx, struct span v,
			   const char *what)
{
	struct cfgbuf *m;
	size_t i;

	for (i = 0; i < v.len; i++) {
		if (is_printable(v.s[i]))
			continue;
		m = error_msg(ctx);
		cfgbuf_puts(m, "non-printable byte ");
		cfgbuf_put_byte(m, (u8)v.s[i]);
		cfgbuf_puts(m, what);
		cfgbuf_puts(m, " (column ");
		cfgbuf_put_dec(m, (u64)(v.s + i - ctx->line_start) + 1);
		cfgbuf_puts(m, ")");
		return -EINVAL;
	}
	return 0;
}

static void store_uint(void *field, u32 size, u64 v)
{
	u8 v8 = (u8)v;
	u16 v16 = (u16)v;
	u32 v32 = (u32)v;

	if (size == 1)
		memcpy(field, &v8, 1);
	else if (size == 2)
		memcpy(field, &v16, 2);
	else if (size == 4)
		memcpy(field, &v32, 4);
	else
		memcpy(field, &v, 8);
}

static bool is_sep(char c)
{
	return c == '\\' || c == '/';
}

/* Rejects what the FAT file system of an EFI volume cannot name. */
static int check_path(struct parse_ctx *ctx, struct span v)
{
	static const char forbidden[] = "\"*:<>?|";
	struct cfgbuf *m;
	size_t i;

	if (!v.len)
		return 0;
	if (!is_sep(v.s[0]))
		return bad_value(ctx, v, "is not an absolute path (start it with '\\')");
	if (is_sep(v.s[v.len - 1]))
		return bad_value(ctx, v, "names a directory, not a file");
	for (i = 1; i < v.len; i++) {
		if (is_sep(v.s[i]) && is_sep(v.s[i - 1]))
			return bad_value(ctx, v, "has an empty path component");
		if (!strchr(forbidden, v.s[i]))
			continue;
		m = value_msg(ctx, v);
		cfgbuf_puts(m, "contains '");
		cfgbuf_putn(m, &v.s[i], 1);
		cfgbuf_puts(m, "', which a file name cannot hold");
		return -EINVAL;
	}
	return 0;
}

static int set_path(struct parse_ctx *ctx, const struct key_desc *k,
		    char *dst, struct span v)
{
	size_t i;
	int ret;

	if (v.len > k->size - 1)
		return too_long(ctx, v.len, k->size - 1);
	ret = check_path(ctx, v);
	if (ret)
		return ret;
	for (i = 0; i < v.len; i++)
		dst[i] = v.s[i] == '/' ? '\\' : v.s[i];
	dst[v.len] = '\0';
	return 0;
}

static int set_text(struct parse_ctx *ctx, const struct key_desc *k,
		    char *dst, struct span v)
{
	if (v.len > k->size - 1)
		return too_long(ctx, v.len, k->size - 1);
	memcpy(dst, v.s, v.len);
	dst[v.len] = '\0';
	return 0;
}

static int set_port(struct parse_ctx *ctx, const struct key_desc *k,
		    void *dst, struct span v)
{
	struct cfgbuf *m;
	u64 port = 0;
	int ret;

	if (!tv_str_eq_nocase(v.s, v.len, "none")) {
		ret = tv_parse_u64(v.s, v.len, &port);
		if (ret == -EINVAL)
			return bad_value(ctx, v, "is not an I/O port (write e.g. 0x3f8, or none)");
		if (ret)
			port = ~0ULL;	/* too large: report it as out of range */
	}
	if (port && (port < k->min || port > k->max)) {
		m = value_msg(ctx, v);
		cfgbuf_puts(m, "is outside the UART I/O port range ");
		cfgbuf_put_hex(m, k->min);
		cfgbuf_puts(m, "..");
		cfgbuf_put_hex(m, k->max);
		return -EINVAL;
	}
	if (port % 8)
		return bad_value(ctx, v, "is not an 8-byte-aligned I/O port base");
	store_uint(dst, k->size, port);
	return 0;
}

/* "64M" and "64 MiB" name the same size as "64". */
static struct span strip_mib_suffix(struct span v)
{
	if (v.len >= 3 && !memcmp(v.s + v.len - 3, "MiB", 3))
		v.len -= 3;
	else if (v.len >= 1 && v.s[v.len - 1] == 'M')
		v.len -= 1;
	return trim(v.s, v.len);
}

static int set_mib(struct parse_ctx *ctx, const struct key_desc *k,
		   void *dst, struct span v)
{
	struct span num = strip_mib_suffix(v);
	struct cfgbuf *m;
	u64 mib;
	int ret;

	ret = tv_parse_u64(num.s, num.len, &mib);
	if (ret == -EINVAL)
		return bad_value(ctx, v, "is not a size in MiB (write e.g. 64 or 64M)");
	if (ret || mib < k->min || mib > k->max) {
		m = value_msg(ctx, v);
		cfgbuf_puts(m, "is outside ");
		cfgbuf_put_dec(m, k->min);
		cfgbuf_puts(m, "..");
		cfgbuf_put_dec(m, k->max);
		cfgbuf_puts(m, " MiB");
		return -EINVAL;
	}
	store_uint(dst, k->size, mib);
	return 0;
}

static int set_bool(struct parse_ctx *ctx, const struct key_desc *k,
		    void *dst, struct span v)
{
	bool b;

	if (tv_parse_bool(v.s, v.len, &b))
		return bad_value(ctx, v, "is not a boolean (use 1/0, yes/no, true/false or on/off)");
	store_uint(dst, k->size, b);
	return 0;
}

static int add_entry(struct parse_ctx *ctx, const struct key_desc *k,
		     char *pool, struct span v)
{
	u32 *count = (u32 *)((char *)ctx->cfg + k->count);
	struct cfgbuf *m;

	if (*count >= k->max) {
		m = error_msg(ctx);
		cfgbuf_puts(m, "too many entries (the limit is ");
		cfgbuf_put_dec(m, k->max);
		cfgbuf_puts(m, " lines)");
		return -EINVAL;
	}
	if (!v.len)
		return line_error(ctx, "empty value (this key takes one entry per line)");
	if (v.len > k->size - 1)
		return too_long(ctx, v.len, k->size - 1);
	memcpy(pool + (size_t)*count * k->size, v.s, v.len);
	(*count)++;
	return 0;
}

static int apply(struct parse_ctx *ctx, const struct key_desc *k,
		 struct span v)
{
	char *field = (char *)ctx->cfg + k->field;

	switch (k->type) {
	case KEY_PATH:
		return set_path(ctx, k, field, v);
	case KEY_TEXT:
		return set_text(ctx, k, field, v);
	case KEY_PORT:
		return set_port(ctx, k, field, v);
	case KEY_MIB:
		return set_mib(ctx, k, field, v);
	case KEY_BOOL:
		return set_bool(ctx, k, field, v);
	case KEY_LIST:
		return add_entry(ctx, k, field, v);
	}
	return line_error(ctx, "internal error: bad key type");
}

/* True if s[0..len) is only blanks, optionally followed by a comment. */
static bool only_comment(const char *s, size_t len)
{
	struct span rest = trim(s, len);

	return !rest.len || rest.s[0] == '#';
}

/*
 * A quoted value ends at the first '"' that only blanks or a comment
 * follow, so the value itself may contain quotes: "a "b" c" is a "b" c.
 */
static int get_quoted(struct parse_ctx *ctx, const char *s, size_t len,
		      struct span *v)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '"' && only_comment(s + i + 1, len - i - 1)) {
			*v = (struct span){ s, i };
			return 0;
		}
	}
	for (i = 0; i < len; i++)
		if (s[i] == '"')
			return line_error(ctx, "unexpected text after the closing quote");
	return line_error(ctx, "missing closing quote");
}

/* s[0..len) is what follows '='; an unquoted value ends at a '#'. */
static int get_value(struct parse_ctx *ctx, const char *s, size_t len,
		     struct span *v)
{
	struct span t = trim(s, len);
	size_t i;

	if (t.len && t.s[0] == '"')
		return get_quoted(ctx, t.s + 1, t.len - 1, v);
	for (i = 0; i < t.len && t.s[i] != '#'; i++)
		;
	*v = trim(t.s, i);
	return 0;
}

static int find_key(struct span key)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strlen(keys[i].name) == key.len &&
		    !memcmp(keys[i].name, key.s, key.len))
			return (int)i;
	return -1;
}

/* Rejects a second line for a key that holds one value. */
static int check_duplicate(struct parse_ctx *ctx, int idx)
{
	struct cfgbuf *m;

	if (keys[idx].type != KEY_LIST && ctx->first_line[idx]) {
		m = error_msg(ctx);
		cfgbuf_puts(m, "duplicate key (already set on line ");
		cfgbuf_put_dec(m, ctx->first_line[idx]);
		cfgbuf_puts(m, ")");
		return -EINVAL;
	}
	if (!ctx->first_line[idx])
		ctx->first_line[idx] = ctx->line;
	return 0;
}

static int parse_line(struct parse_ctx *ctx, const char *s, size_t len)
{
	struct span line = trim(s, len), value;
	size_t eq;
	int idx, ret;

	ctx->key = (struct span){ NULL, 0 };
	if (!line.len || line.s[0] == '#')
		return 0;
	for (eq = 0; eq < line.len && line.s[eq] != '=' && line.s[eq] != '#'; eq++)
		;
	if (eq == line.len || line.s[eq] == '#')
		return line_error(ctx, "expected 'key = value', found no '='");
	ctx->key = trim(line.s, eq);
	if (!ctx->key.len)
		return line_error(ctx, "empty key before '='");
	ret = check_printable(ctx, ctx->key, " in key");
	if (ret)
		return ret;
	idx = find_key(ctx->key);
	if (idx < 0)
		return line_error(ctx, "unknown key");
	ret = check_duplicate(ctx, idx);
	if (ret)
		return ret;
	ret = get_value(ctx, line.s + eq + 1, line.len - eq - 1, &value);
	if (ret)
		return ret;
	ret = check_printable(ctx, value, " in value");
	if (ret)
		return ret;
	return apply(ctx, &keys[idx], value);
}

int tv_config_parse(const char *text, size_t len, struct tv_config *cfg,
		    struct tv_config_error *err)
{
	struct tv_config_error scratch;
	struct parse_ctx ctx = { .cfg = cfg, .err = err ? err : &scratch };
	size_t pos = 0, end, n;
	int ret;

	tv_config_defaults(cfg);
	memset(ctx.err, 0, sizeof(*ctx.err));
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		pos = 3;
	while (pos < len) {
		for (end = pos; end < len && text[end] != '\n'; end++)
			;
		n = end - pos;
		if (n && text[pos + n - 1] == '\r')
			n--;
		ctx.line++;
		ctx.line_start = text + pos;
		ret = parse_line(&ctx, text + pos, n);
		if (ret)
			return ret;
		pos = end + 1;
	}
	return 0;
}
