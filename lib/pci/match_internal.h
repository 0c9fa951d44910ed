/*
 * Shared between the vmm.driver.pci parser (match_parse.c) and matcher
 * (match.c): the item lexer and the table of selector names.
 */
#ifndef TV_LIB_PCI_MATCH_INTERNAL_H
#define TV_LIB_PCI_MATCH_INTERNAL_H

#include <tv/types.h>

/*
 * One comma-separated item of a line, blanks trimmed: "name=value", a
 * bare word such as "and" (val == NULL), or empty (name_len == 0).
 * Commas inside double quotes do not split; a value entirely in quotes
 * loses them.
 */
struct pci_tok {
	const char *name;
	const char *val;
	size_t name_len;
	size_t val_len;
	size_t pos;		/* offset of the item in the line */
	bool last;		/* no comma after it */
};

struct pci_lexer {
	const char *s;
	size_t len;
	size_t pos;
};

/* 1 with *t filled, 0 at the end, -EINVAL for an unterminated quote
 * (t->pos is where the item starts). */
int pci_lex_next(struct pci_lexer *lx, struct pci_tok *t);

/*
 * A selector name and the shape of its value: 'h' a hex digit, 'o' an
 * octal digit (function number), 'n' one or more decimal digits, other
 * characters literal.  NULL shape: the value is a driver name.
 */
struct pci_sel_def {
	const char *name;
	u8 kind;
	const char *shape;
};

const struct pci_sel_def *pci_sel_lookup(const char *name, size_t len);
/* Is every '|' alternative of the value well formed for the shape? */
bool pci_sel_value_ok(const struct pci_sel_def *def, const char *v,
		      size_t len);
bool pci_word_eq(const char *s, size_t len, const char *word);

#endif
