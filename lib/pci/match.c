/*
 * Matching parsed vmm.driver.pci clauses against devices, and the driver
 * option accessors.
 *
 * Each selector formats its device field as lower-case hex text, as the
 * seed did ("%04x:%04x" for id=, "%02x:%02x.%u" for slot=), and matches
 * the value's '|' alternatives against it as glob patterns ('*' any run,
 * '?' one character; hex letters in either case).  slot= uses the bus
 * number found at boot, so a rule keeps selecting the same device after
 * the guest renumbers its bridge.
 *
 * Clause semantics follow the seed: all selectors of a clause must match;
 * a clause without selectors selects what its driver's own device list
 * selects (and driver=none alone selects nothing); the first clause that
 * selects a device decides, but every clause is still evaluated so that
 * each number= counter sees every device that passed the selectors
 * before it, in enumeration order.
 *
 * Option values are parsed on request with the shared overflow-checked
 * parsers.  The seed's pci_driver_option_get_int clamped with
 * "ret < -0x7FFFFFFF - 1", a comment away from the classic bug where
 * -0x80000000 is an unsigned expression; here the magnitude is checked
 * before negation, and out-of-range values are an error, not a clamp.
 */
#include <tv/env.h>
#include <tv/strparse.h>
#include <tv/pci_match.h>
#include "match_internal.h"

#define FIELD_MAX	16

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Iterative glob with one backtrack point: linear in practice. */
static bool glob_match(const char *p, size_t plen, const char *s, size_t slen)
{
	size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;

	while (si < slen) {
		if (pi < plen && p[pi] == '*') {
			star_p = pi++;
			star_s = si;
		} else if (pi < plen && (p[pi] == '?' ||
					 lower(p[pi]) == lower(s[si]))) {
			pi++;
			si++;
		} else if (star_p != (size_t)-1) {
			pi = star_p + 1;
			si = ++star_s;
		} else {
			return false;
		}
	}
	while (pi < plen && p[pi] == '*')
		pi++;
	return pi == plen;
}

static bool alternatives_match(const char *pat, size_t len, const char *s,
			       size_t slen)
{
	size_t start = 0, i;

	for (i = 0; i <= len; i++) {
		if (i < len && pat[i] != '|')
			continue;
		if (glob_match(pat + start, i - start, s, slen))
			return true;
		start = i + 1;
	}
	return false;
}

static size_t put_hex(char *buf, u32 v, unsigned int digits)
{
	static const char hex[] = "0123456789abcdef";
	unsigned int i;

	for (i = 0; i < digits; i++)
		buf[i] = hex[(v >> (4 * (digits - 1 - i))) & 0xf];
	return digits;
}

static size_t put_pair(char *buf, u16 a, u16 b)
{
	put_hex(buf, a, 4);
	buf[4] = ':';
	put_hex(buf + 5, b, 4);
	return 9;
}

static size_t put_dec(char *buf, u32 v)
{
	char tmp[10];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

/* The device field a selector looks at, as the seed printed it. */
static size_t format_field(u8 kind, const struct pci_device *d, char *buf)
{
	switch (kind) {
	case PCI_SEL_SLOT:
		put_hex(buf, d->initial_bus, 2);
		buf[2] = ':';
		put_hex(buf + 3, d->bdf.dev, 2);
		buf[5] = '.';
		return 6 + put_dec(buf + 6, d->bdf.fn);
	case PCI_SEL_CLASS:
		return put_hex(buf, d->class_code >> 8, 4);
	case PCI_SEL_ID:
		return put_pair(buf, d->vendor_id, d->device_id);
	case PCI_SEL_SUBSYSTEM:
		return put_pair(buf, d->subsys_vendor_id, d->subsys_id);
	case PCI_SEL_REV:
		return put_hex(buf, d->revision, 2);
	case PCI_SEL_IF:
		return put_hex(buf, d->class_code & 0xff, 2);
	case PCI_SEL_CLASS_CODE:
		return put_hex(buf, d->class_code, 6);
	case PCI_SEL_HEADER_TYPE:
		return put_hex(buf, d->header_type, 2);
	default:
		return 0;
	}
}

static bool field_matches(u8 kind, const char *pat, size_t len,
			  const struct pci_device *d)
{
	char buf[FIELD_MAX];
	size_t n = format_field(kind, d, buf);

	return alternatives_match(pat, len, buf, n);
}

static bool driver_selects(const struct pci_driver_desc *drv,
			   const struct pci_device *d)
{
	if (!drv || !drv->device)
		return false;
	return pci_match_selectors(drv->device, strlen(drv->device), d) == 1;
}

static bool number_matches(struct pci_selector *s)
{
	char buf[FIELD_MAX];
	size_t n = put_dec(buf, s->seen++);

	return alternatives_match(s->pat, s->len, buf, n);
}

static bool clause_selects(struct pci_match_clause *c,
			   const struct pci_device *d)
{
	struct pci_selector *s;
	bool ok = true;
	u8 i;

	if (!c->nsel)
		return driver_selects(c->driver, d);
	for (i = 0; i < c->nsel; i++) {
		s = &c->sel[i];
		if (!ok)
			break;
		if (s->kind == PCI_SEL_NUMBER)
			ok = number_matches(s);
		else if (s->kind == PCI_SEL_DEVICE)
			ok = driver_selects(s->driver, d);
		else
			ok = field_matches(s->kind, s->pat, s->len, d);
	}
	return ok;
}

const struct pci_match_clause *pci_match_device(struct pci_match_rules *r,
						const struct pci_device *d)
{
	const struct pci_match_clause *found = NULL;
	u32 i;

	for (i = 0; i < r->count; i++) {
		if (clause_selects(&r->clauses[i], d) && !found)
			found = &r->clauses[i];
	}
	return found;
}

int pci_match_assign(struct pci_match_rules *r, struct pci_device *d)
{
	const struct pci_match_clause *c = pci_match_device(r, d);

	d->driver = c ? c->driver : NULL;
	d->driver_clause = c && c->driver ? c : NULL;
	return d->driver != NULL;
}

void pci_match_reset_counts(struct pci_match_rules *r)
{
	u32 i;
	u8 j;

	for (i = 0; i < r->count; i++) {
		for (j = 0; j < r->clauses[i].nsel; j++)
			r->clauses[i].sel[j].seen = 0;
	}
}

/* One item of a driver's own device list: 1/0, or -EINVAL. */
static int list_item(const struct pci_tok *t, const struct pci_device *d)
{
	const struct pci_sel_def *def;

	if (!t->name_len && !t->val)
		return t->last ? 1 : -EINVAL;
	if (!t->val)
		return -EINVAL;
	def = pci_sel_lookup(t->name, t->name_len);
	if (!def || !def->shape || def->kind == PCI_SEL_NUMBER ||
	    !pci_sel_value_ok(def, t->val, t->val_len))
		return -EINVAL;
	if (!d)
		return 1;
	return field_matches(def->kind, t->val, t->val_len, d);
}

int pci_match_selectors(const char *sel, size_t len,
			const struct pci_device *d)
{
	struct pci_lexer lx = { sel, len, 0 };
	struct pci_tok t;
	int n, r, all = 1;

	while ((n = pci_lex_next(&lx, &t)) > 0) {
		r = list_item(&t, d);
		if (r < 0)
			return r;
		all &= r;
	}
	if (n < 0 || !len)
		return -EINVAL;
	return d ? all : 0;
}

/* ---- options ---- */

static bool option_declared(const struct pci_driver_desc *drv,
			    const char *name)
{
	const char *const *o;

	for (o = drv->options; o && *o; o++) {
		if (!strcmp(*o, name))
			return true;
	}
	return false;
}

int pci_driver_option_get(const struct pci_device *d, const char *name,
			  const char **val, size_t *len)
{
	const struct pci_match_clause *c = d->driver_clause;
	u8 i;

	if (!d->driver || !option_declared(d->driver, name))
		return -EINVAL;
	if (!c)
		return -ENOENT;
	for (i = 0; i < c->nopt; i++) {
		if (pci_word_eq(c->opt[i].name, c->opt[i].name_len, name)) {
			*val = c->opt[i].val;
			*len = c->opt[i].val_len;
			return 0;
		}
	}
	return -ENOENT;
}

static bool is_hex_digit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* Base 16 without a prefix: rewrite as [sign]0x<digits> for tv_parse_int. */
static int parse_hex_int(const char *s, size_t len, int *out)
{
	char buf[40];
	size_t sign = 0, i, n;

	if (len && (s[0] == '-' || s[0] == '+'))
		sign = 1;
	if (len - sign >= 2 && s[sign] == '0' && lower(s[sign + 1]) == 'x')
		return tv_parse_int(s, len, out);
	n = len - sign;
	if (n + sign + 2 > sizeof(buf)) {
		/* Too long for the buffer: all digits is an overflow. */
		for (i = sign; i < len && is_hex_digit(s[i]); i++)
			;
		return i == len ? -ERANGE : -EINVAL;
	}
	memcpy(buf, s, sign);
	buf[sign] = '0';
	buf[sign + 1] = 'x';
	memcpy(buf + sign + 2, s + sign, n);
	return tv_parse_int(buf, n + sign + 2, out);
}

int pci_option_parse_int(const char *s, size_t len, int base, int *out)
{
	size_t i;

	switch (base) {
	case 0:
		return tv_parse_int(s, len, out);
	case 10:
		for (i = 0; i < len; i++) {
			if (lower(s[i]) == 'x')
				return -EINVAL;
		}
		return tv_parse_int(s, len, out);
	case 16:
		return parse_hex_int(s, len, out);
	default:
		return -EINVAL;
	}
}

int pci_option_parse_bool(const char *s, size_t len, bool *out)
{
	static const char *const single[] = { "y", "t", "n", "f" };
	s64 v;
	size_t i;

	if (!tv_parse_bool(s, len, out))
		return 0;
	for (i = 0; i < ARRAY_SIZE(single); i++) {
		if (tv_str_eq_nocase(s, len, single[i])) {
			*out = i < 2;
			return 0;
		}
	}
	if (tv_parse_s64(s, len, &v))
		return -EINVAL;
	*out = v != 0;
	return 0;
}

int pci_driver_option_get_int(const struct pci_device *d, const char *name,
			      int base, int *out)
{
	const char *val;
	size_t len;
	int err;

	err = pci_driver_option_get(d, name, &val, &len);
	if (err)
		return err;
	return pci_option_parse_int(val, len, base, out);
}

int pci_driver_option_get_bool(const struct pci_device *d, const char *name,
			       bool *out)
{
	const char *val;
	size_t len;
	int err;

	err = pci_driver_option_get(d, name, &val, &len);
	if (err)
		return err;
	return pci_option_parse_bool(val, len, out);
}
