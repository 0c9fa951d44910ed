/*
 * The storage.encrypt grammar (include/tv/storage.h, docs/storage.md).
 *
 * A line is a list of `name=value` items separated by commas.  Each item
 * is checked when it is read, and every error names the line, the column
 * and the token, so a typo in a key file path or an LBA is reported by the
 * loader before anything starts.  A line is all or nothing: on error the
 * range is not used.  After all lines, ranges of one namespace that could
 * overlap are refused: two keys for one sector would make the data
 * unreadable.  model=/serial= without nsid= names an ATA disk behind an
 * AHCI HBA (STORAGE_SEL_ATA); with nsid= an NVMe namespace.
 *
 * Pure code: no globals, no allocation; it builds into the loader, the
 * hypervisor and the host unit tests.
 */
#include <tv/env.h>
#include <tv/fmt.h>
#include <tv/storage.h>
#include <tv/strparse.h>

struct item {
	const char *name, *val;
	size_t name_len, val_len;
	u32 col;		/* 1-based column of the item */
};

static int fail(struct storage_error *e, u32 line, u32 col, const char *tok,
		size_t len, const char *msg)
{
	size_t n = MIN(len, sizeof(e->token) - 1);

	if (!e)
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	e->line = line;
	e->column = col;
	memcpy(e->token, tok, n);
	if (n < len && n >= 3)
		memcpy(e->token + n - 3, "...", 3);
	tv_snprintf(e->msg, sizeof(e->msg), "%s", msg);
	return -EINVAL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits text[*pos..] at the next comma into one trimmed item. */
static bool next_item(const char *text, size_t len, size_t *pos,
		      struct item *it)
{
	size_t s = *pos, e;

	while (s < len && is_space(text[s]))
		s++;
	if (s >= len)
		return false;
	e = s;
	while (e < len && text[e] != ',')
		e++;
	*pos = e < len ? e + 1 : e;
	while (e > s && is_space(text[e - 1]))
		e--;
	it->name = text + s;
	it->col = (u32)s + 1;
	it->name_len = e - s;
	it->val = NULL;
	it->val_len = 0;
	for (size_t i = s; i < e; i++) {
		if (text[i] == '=') {
			it->name_len = i - s;
			it->val = text + i + 1;
			it->val_len = e - i - 1;
			break;
		}
	}
	return true;
}

static int hex_byte(const char *s, size_t len, u8 max, u8 *out)
{
	u64 v;
	char buf[8];

	if (!len || len > 2)
		return -EINVAL;
	buf[0] = '0';
	buf[1] = 'x';
	memcpy(buf + 2, s, len);
	if (tv_parse_u64(buf, len + 2, &v) || v > max)
		return -EINVAL;
	*out = (u8)v;
	return 0;
}

/* BB:DD.F, hex, as lspci prints it. */
static int parse_slot(const struct item *it, struct storage_range *r)
{
	const char *v = it->val;
	size_t n = it->val_len;

	if (n < 6 || n > 7 || v[n - 2] != '.' || v[n - 5] != ':' ||
	    hex_byte(v, n - 5, 0xff, &r->bus) ||
	    hex_byte(v + n - 4, 2, 0x1f, &r->dev) ||
	    hex_byte(v + n - 1, 1, 7, &r->fn))
		return -EINVAL;
	r->sel |= STORAGE_SEL_SLOT;
	return 0;
}

static int parse_lba(const struct item *it, struct storage_range *r)
{
	const char *v = it->val;
	size_t n = it->val_len, dash;

	for (dash = 0; dash < n && v[dash] != '-'; dash++)
		;
	if (dash == n || tv_parse_u64(v, dash, &r->lba_first))
		return -EINVAL;
	if (n - dash - 1 == 1 && v[dash + 1] == '*') {
		r->lba_last = STORAGE_LBA_END;
		return 0;
	}
	if (tv_parse_u64(v + dash + 1, n - dash - 1, &r->lba_last) ||
	    r->lba_last < r->lba_first || r->lba_last == STORAGE_LBA_END)
		return -EINVAL;
	return 0;
}

static int parse_keyfile(const struct item *it, struct storage_range *r)
{
	size_t i;

	if (it->val_len < 2 || it->val_len >= sizeof(r->keyfile) ||
	    (it->val[0] != '\\' && it->val[0] != '/'))
		return -EINVAL;
	for (i = 0; i < it->val_len; i++) {
		char c = it->val[i] == '/' ? '\\' : it->val[i];

		if (c < 0x20 || c > 0x7e || strchr("\"*:<>?|", c) ||
		    (c == '\\' && i && r->keyfile[i - 1] == '\\'))
			return -EINVAL;
		r->keyfile[i] = c;
	}
	if (r->keyfile[i - 1] == '\\')
		return -EINVAL;
	r->keyfile[i] = 0;
	return 0;
}

static int parse_text(const struct item *it, char *out, size_t max)
{
	if (!it->val_len || it->val_len > max)
		return -EINVAL;
	memcpy(out, it->val, it->val_len);
	out[it->val_len] = 0;
	return 0;
}

static int parse_nsid(const struct item *it, struct storage_range *r)
{
	u64 v;

	if (tv_parse_u64(it->val, it->val_len, &v) || !v || v >= 0xffffffffULL)
		return -EINVAL;
	r->nsid = (u32)v;
	return 0;
}

static int parse_port(const struct item *it, struct storage_range *r)
{
	u64 v;

	if (tv_parse_u64(it->val, it->val_len, &v) || v > STORAGE_PORT_MAX)
		return -EINVAL;
	r->port = (u32)v;
	r->sel |= STORAGE_SEL_PORT;
	return 0;
}

enum { K_SLOT, K_MODEL, K_SERIAL, K_NSID, K_PORT, K_LBA, K_KEYFILE, K_COUNT };
static const char *const key_names[K_COUNT] = {
	"slot", "model", "serial", "nsid", "port", "lba", "keyfile",
};
static const char *const key_errors[K_COUNT] = {
	"slot: expected BB:DD.F (hex)",
	"model: expected 1 to 40 characters",
	"serial: expected 1 to 20 characters",
	"nsid: expected a namespace ID from 1 to 4294967294",
	"port: expected an AHCI port from 0 to 31",
	"lba: expected FIRST-LAST or FIRST-* (FIRST <= LAST)",
	"keyfile: expected an absolute path (\\DIR\\FILE)",
};

static int parse_value(int k, const struct item *it, struct storage_range *r)
{
	switch (k) {
	case K_SLOT:
		return parse_slot(it, r);
	case K_MODEL:
		r->sel |= STORAGE_SEL_MODEL;
		return parse_text(it, r->model, STORAGE_MODEL_MAX);
	case K_SERIAL:
		r->sel |= STORAGE_SEL_SERIAL;
		return parse_text(it, r->serial, STORAGE_SERIAL_MAX);
	case K_NSID:
		return parse_nsid(it, r);
	case K_PORT:
		return parse_port(it, r);
	case K_LBA:
		return parse_lba(it, r);
	default:
		return parse_keyfile(it, r);
	}
}

static int key_index(const struct item *it)
{
	int k;

	for (k = 0; k < K_COUNT; k++)
		if (strlen(key_names[k]) == it->name_len &&
		    !memcmp(key_names[k], it->name, it->name_len))
			return k;
	return -1;
}

static int check_complete(u32 seen, u32 line, struct storage_range *r,
			  struct storage_error *e)
{
	if ((seen & BIT(K_SLOT)) && (seen & (BIT(K_MODEL) | BIT(K_SERIAL))))
		return fail(e, line, 0, "", 0,
			    "name the device by slot= or by model=/serial=, not both");
	if (!(seen & (BIT(K_SLOT) | BIT(K_MODEL) | BIT(K_SERIAL))))
		return fail(e, line, 0, "", 0, "missing slot= (or model=/serial=)");
	if ((seen & BIT(K_NSID)) && (seen & BIT(K_PORT)))
		return fail(e, line, 0, "", 0,
			    "give nsid= (NVMe) or port= (AHCI), not both");
	if ((seen & BIT(K_PORT)) && !(seen & BIT(K_SLOT)))
		return fail(e, line, 0, "", 0, "port= needs slot=");
	if ((seen & BIT(K_SLOT)) && !(seen & (BIT(K_NSID) | BIT(K_PORT))))
		return fail(e, line, 0, "", 0, "missing nsid= (or port=)");
	if (!(seen & (BIT(K_SLOT) | BIT(K_NSID))))
		r->sel |= STORAGE_SEL_ATA;	/* an ATA disk behind AHCI */
	if (!(seen & BIT(K_LBA)))
		return fail(e, line, 0, "", 0, "missing lba=");
	if (!(seen & BIT(K_KEYFILE)))
		return fail(e, line, 0, "", 0, "missing keyfile=");
	return 0;
}

int storage_parse_line(const char *text, size_t len, u32 line,
		       struct storage_range *r, struct storage_error *e)
{
	struct item it;
	size_t pos = 0;
	u32 seen = 0;
	int k;

	memset(r, 0, sizeof(*r));
	r->line = line;
	while (next_item(text, len, &pos, &it)) {
		if (!it.name_len && !it.val)
			return fail(e, line, it.col, "", 0, "empty item");
		if (!it.val)
			return fail(e, line, it.col, it.name, it.name_len,
				    "expected name=value");
		k = key_index(&it);
		if (k < 0)
			return fail(e, line, it.col, it.name, it.name_len,
				    "unknown item");
		if (seen & BIT(k))
			return fail(e, line, it.col, it.name, it.name_len,
				    "given twice");
		seen |= BIT(k);
		if (parse_value(k, &it, r))
			return fail(e, line, it.col + (u32)it.name_len + 1,
				    it.val, it.val_len, key_errors[k]);
	}
	return check_complete(seen, line, r, e);
}
