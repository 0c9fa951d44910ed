/*
 * Parser of vmm.driver.pci lines (grammar in include/tv/pci_match.h).
 *
 * A line is split into comma-separated items; each item is a selector
 * (before driver=), the driver, an option (after driver=) or the word
 * "and" that closes a clause.  Everything is checked here, once, at
 * configuration time: selector names, the shape of every '|' alternative
 * of a value, driver names (for driver= and device=) and option names
 * (each driver declares its own).  The seed checked lazily while matching
 * and panicked on the first device that reached a bad token, which could
 * be long after boot, on hot-plug.
 *
 * A line is all or nothing: a failure rolls the rule count back, so a
 * half-parsed line never selects anything.  Errors carry the line number,
 * the 1-based column and the offending token for the boot log.
 */
#include <tv/env.h>
#include <tv/fmt.h>
#include <tv/pci_match.h>
#include "match_internal.h"

/* ---- lexer ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void trim(const char *s, size_t *start, size_t *end)
{
	while (*start < *end && is_blank(s[*start]))
		(*start)++;
	while (*end > *start && is_blank(s[*end - 1]))
		(*end)--;
}

static void split_item(const char *s, size_t start, size_t end,
		       struct pci_tok *t)
{
	size_t eq, vs;

	trim(s, &start, &end);
	t->pos = start;
	t->name = s + start;
	t->val = NULL;
	t->val_len = 0;
	for (eq = start; eq < end && s[eq] != '='; eq++)
		;
	if (eq == end) {
		t->name_len = end - start;
		return;
	}
	vs = eq + 1;
	trim(s, &start, &eq);
	t->name_len = eq - start;
	trim(s, &vs, &end);
	if (end - vs >= 2 && s[vs] == '"' && s[end - 1] == '"') {
		vs++;
		end--;
	}
	t->val = s + vs;
	t->val_len = end - vs;
}

int pci_lex_next(struct pci_lexer *lx, struct pci_tok *t)
{
	size_t i, start = lx->pos;
	bool quoted = false;

	if (lx->pos > lx->len)
		return 0;
	for (i = start; i < lx->len; i++) {
		if (lx->s[i] == '"')
			quoted = !quoted;
		else if (lx->s[i] == ',' && !quoted)
			break;
	}
	t->pos = start;
	if (quoted)
		return -EINVAL;
	lx->pos = i + 1;
	t->last = i >= lx->len;
	split_item(lx->s, start, i, t);
	return 1;
}

/* ---- selector table and value shapes ---- */

static const struct pci_sel_def sel_defs[] = {
	{ "slot", PCI_SEL_SLOT, "hh:hh.o" },
	{ "class", PCI_SEL_CLASS, "hhhh" },
	{ "id", PCI_SEL_ID, "hhhh:hhhh" },
	{ "subsystem", PCI_SEL_SUBSYSTEM, "hhhh:hhhh" },
	{ "revision", PCI_SEL_REV, "hh" },
	{ "rev", PCI_SEL_REV, "hh" },
	{ "programming_interface", PCI_SEL_IF, "hh" },
	{ "if", PCI_SEL_IF, "hh" },
	{ "class_code", PCI_SEL_CLASS_CODE, "hhhhhh" },
	{ "header_type", PCI_SEL_HEADER_TYPE, "hh" },
	{ "device", PCI_SEL_DEVICE, NULL },
	{ "number", PCI_SEL_NUMBER, "n" },
};

bool pci_word_eq(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && !memcmp(s, word, len);
}

const struct pci_sel_def *pci_sel_lookup(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sel_defs); i++) {
		if (pci_word_eq(name, len, sel_defs[i].name))
			return &sel_defs[i];
	}
	return NULL;
}

static bool char_fits(char c, char cls)
{
	bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		   (c >= 'A' && c <= 'F');

	if (c == '?')
		return true;
	switch (cls) {
	case 'h':
		return hex;
	case 'o':
		return c >= '0' && c <= '7';
	case 'n':
		return c >= '0' && c <= '9';
	default:
		return c == cls;
	}
}

/* Without '*', an alternative must have the shape's length. */
static bool alt_ok(const char *shape, const char *v, size_t len)
{
	size_t i, j, slen = strlen(shape);
	bool star = false;

	for (i = 0; i < len; i++)
		star |= v[i] == '*';

	if (!len || (!star && shape[0] != 'n' && len != slen))
		return false;
	for (i = 0; i < len; i++) {
		if (v[i] == '*')
			continue;
		if (shape[0] == 'n' || !star) {
			if (!char_fits(v[i], shape[shape[0] == 'n' ? 0 : i]))
				return false;
			continue;
		}
		for (j = 0; j < slen && !char_fits(v[i], shape[j]); j++)
			;
		if (j == slen)
			return false;
	}
	return true;
}

bool pci_sel_value_ok(const struct pci_sel_def *def, const char *v,
		      size_t len)
{
	size_t start = 0, i;

	if (!def->shape)
		return len > 0;
	for (i = 0; i <= len; i++) {
		if (i < len && v[i] != '|')
			continue;
		if (!alt_ok(def->shape, v + start, i - start))
			return false;
		start = i + 1;
	}
	return true;
}

/* ---- parser ---- */

struct parse_state {
	struct pci_match_rules *r;
	struct pci_match_clause *c;	/* clause being built, or NULL */
	bool have_driver;
	bool after_and;
	u32 first;			/* r->count when the line started */
	u32 line;
	const char *text;
	struct pci_match_error *err;
};

static int fail(struct parse_state *st, const char *tok, size_t tok_len,
		const char *msg, int errno_val)
{
	struct pci_match_error *e = st->err;
	size_t n;

	if (!e)
		return errno_val;
	e->line = st->line;
	e->column = tok ? (u32)(tok - st->text) + 1 : 0;
	n = MIN(tok_len, sizeof(e->token) - 1);
	if (tok)
		memcpy(e->token, tok, n);
	e->token[tok ? n : 0] = '\0';
	n = MIN(strlen(msg), sizeof(e->msg) - 1);
	memcpy(e->msg, msg, n);
	e->msg[n] = '\0';
	return errno_val;
}

static const struct pci_driver_desc *find_driver(const struct pci_match_rules *r,
						 const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < r->ndrivers; i++) {
		if (r->drivers[i] && pci_word_eq(name, len, r->drivers[i]->name))
			return r->drivers[i];
	}
	return NULL;
}

static int start_clause(struct parse_state *st, const struct pci_tok *t)
{
	struct pci_match_rules *r = st->r;

	if (r->count >= r->cap)
		return fail(st, t->name, t->name_len,
			    "too many vmm.driver.pci clauses", -ENOSPC);
	st->c = &r->clauses[r->count];
	memset(st->c, 0, sizeof(*st->c));
	st->c->line = st->line;
	st->c->column = (u16)(t->pos + 1);
	st->have_driver = false;
	return 0;
}

static int set_driver(struct parse_state *st, const struct pci_tok *t)
{
	if (pci_word_eq(t->val, t->val_len, "none")) {
		st->c->driver = NULL;
	} else {
		st->c->driver = find_driver(st->r, t->val, t->val_len);
		if (!st->c->driver)
			return fail(st, t->val, t->val_len, "unknown driver",
				    -EINVAL);
	}
	st->have_driver = true;
	return 0;
}

static int add_selector(struct parse_state *st, const struct pci_tok *t)
{
	const struct pci_sel_def *def = pci_sel_lookup(t->name, t->name_len);
	struct pci_match_clause *c = st->c;
	struct pci_selector *s;

	if (!def)
		return fail(st, t->name, t->name_len, "unknown selector",
			    -EINVAL);
	if (def->kind == PCI_SEL_NUMBER && !c->nsel)
		return fail(st, t->name, t->name_len,
			    "number= must follow another selector", -EINVAL);
	if (!pci_sel_value_ok(def, t->val, t->val_len))
		return fail(st, t->val, t->val_len, "malformed selector value",
			    -EINVAL);
	if (c->nsel >= PCI_MATCH_SEL_MAX)
		return fail(st, t->name, t->name_len,
			    "too many selectors in one clause", -ENOSPC);
	s = &c->sel[c->nsel];
	s->kind = def->kind;
	s->pat = t->val;
	s->len = (u16)t->val_len;
	if (def->kind == PCI_SEL_DEVICE) {
		s->driver = find_driver(st->r, t->val, t->val_len);
		if (!s->driver)
			return fail(st, t->val, t->val_len,
				    "unknown driver in device=", -EINVAL);
	}
	c->nsel++;
	return 0;
}

static bool option_declared(const struct pci_driver_desc *drv,
			    const char *name, size_t len)
{
	const char *const *o;

	for (o = drv->options; o && *o; o++) {
		if (pci_word_eq(name, len, *o))
			return true;
	}
	return false;
}

static int add_option(struct parse_state *st, const struct pci_tok *t)
{
	struct pci_match_clause *c = st->c;
	struct pci_option *o;
	u8 i;

	if (!c->driver)
		return fail(st, t->name, t->name_len,
			    "driver=none takes no options", -EINVAL);
	if (!option_declared(c->driver, t->name, t->name_len))
		return fail(st, t->name, t->name_len,
			    "option not declared by the driver", -EINVAL);
	/* A repeated option replaces the earlier value, as in the seed. */
	for (i = 0; i < c->nopt; i++) {
		if (c->opt[i].name_len == t->name_len &&
		    !memcmp(c->opt[i].name, t->name, t->name_len))
			break;
	}
	if (i >= PCI_MATCH_OPT_MAX)
		return fail(st, t->name, t->name_len,
			    "too many options in one clause", -ENOSPC);
	o = &c->opt[i];
	o->name = t->name;
	o->name_len = (u16)t->name_len;
	o->val = t->val;
	o->val_len = (u16)t->val_len;
	if (i == c->nopt)
		c->nopt++;
	return 0;
}

static int close_clause(struct parse_state *st, const struct pci_tok *t)
{
	if (!st->c || !st->have_driver)
		return fail(st, t->name, t->name_len,
			    "'and' must follow driver=NAME", -EINVAL);
	st->r->count++;
	st->c = NULL;
	st->after_and = true;
	return 0;
}

static int parse_pair(struct parse_state *st, const struct pci_tok *t)
{
	int err;

	if (!t->name_len)
		return fail(st, t->name, 1, "missing name before '='",
			    -EINVAL);
	if (!t->val_len)
		return fail(st, t->name, t->name_len, "empty value", -EINVAL);
	if (!st->c) {
		err = start_clause(st, t);
		if (err)
			return err;
	}
	st->after_and = false;
	if (st->have_driver)
		return add_option(st, t);
	if (pci_word_eq(t->name, t->name_len, "driver"))
		return set_driver(st, t);
	return add_selector(st, t);
}

static int parse_item(struct parse_state *st, const struct pci_tok *t)
{
	if (!t->name_len && !t->val) {
		/* A trailing comma is harmless (finish_line judges what is
		 * left); an empty item inside the line is not. */
		if (t->last)
			return 0;
		return fail(st, st->text + t->pos, 1, "empty item", -EINVAL);
	}
	if (!t->val) {
		if (pci_word_eq(t->name, t->name_len, "and"))
			return close_clause(st, t);
		return fail(st, t->name, t->name_len, "expected NAME=VALUE",
			    -EINVAL);
	}
	return parse_pair(st, t);
}

static int finish_line(struct parse_state *st, size_t len)
{
	if (st->c) {
		if (!st->have_driver)
			return fail(st, st->text + st->c->column - 1,
				    len - (st->c->column - 1),
				    "selectors without driver=", -EINVAL);
		st->r->count++;
		return 0;
	}
	if (st->after_and)
		return fail(st, NULL, 0, "nothing after 'and'", -EINVAL);
	if (st->r->count == st->first)
		return fail(st, NULL, 0, "empty vmm.driver.pci line", -EINVAL);
	return 0;
}

int pci_match_parse_line(struct pci_match_rules *r, const char *text,
			 size_t len, u32 line, struct pci_match_error *err)
{
	struct parse_state st = { r, NULL, false, false, r->count, line,
				  text, err };
	struct pci_lexer lx = { text, len, 0 };
	struct pci_tok t;
	int n, ret = 0;

	if (err)
		memset(err, 0, sizeof(*err));
	while (!ret && (n = pci_lex_next(&lx, &t)) != 0) {
		if (n < 0)
			ret = fail(&st, text + t.pos, len - t.pos,
				   "unterminated quote", -EINVAL);
		else
			ret = parse_item(&st, &t);
	}
	if (!ret)
		ret = finish_line(&st, len);
	if (ret)
		r->count = st.first;
	return ret;
}

void pci_match_init(struct pci_match_rules *r, struct pci_match_clause *storage,
		    u32 cap, const struct pci_driver_desc *const *drivers,
		    size_t ndrivers)
{
	r->clauses = storage;
	r->cap = cap;
	r->count = 0;
	r->drivers = drivers;
	r->ndrivers = ndrivers;
}

int pci_match_format_error(const struct pci_match_error *e, char *buf,
			   size_t size)
{
	if (e->token[0])
		return tv_snprintf(buf, size,
				   "vmm.driver.pci line %u, column %u: %s: '%s'",
				   e->line, e->column, e->msg, e->token);
	return tv_snprintf(buf, size, "vmm.driver.pci line %u: %s", e->line,
			   e->msg);
}

int pci_driver_desc_check(const struct pci_driver_desc *drv)
{
	const char *const *o;

	if (!drv->name || !drv->name[0] || !strcmp(drv->name, "none"))
		return -EINVAL;
	for (o = drv->options; o && *o; o++) {
		if (!(*o)[0] || strchr(*o, '=') || strchr(*o, ','))
			return -EINVAL;
	}
	if (!drv->device)
		return 0;
	/* With no device, pci_match_selectors only validates. */
	return pci_match_selectors(drv->device, strlen(drv->device), NULL);
}
