/*
 * The vmm.driver.pci selector grammar of the seed system, so that its
 * users' configuration lines carry over:
 *
 *   line    := clause { "," "and" "," clause }
 *   clause  := { selector "," } "driver=" NAME { "," option }
 *   selector:= slot=BB:DD.F | class=CCSS | id=VVVV:DDDD
 *            | subsystem=VVVV:DDDD | rev=RR | revision=RR | if=PI
 *            | programming_interface=PI | class_code=CCSSPP
 *            | header_type=HH | device=DRIVER | number=N
 *   option  := NAME=VALUE          (declared by the driver)
 *
 * Values are patterns over the lower-case hex text of the field: '*'
 * matches any run of characters, '?' one, and '|' separates
 * alternatives (id=8086:10d3|8086:150c, slot=00:1f.*, class=0c03|01*).
 * Hex digits match case-insensitively.  driver=none stops the search
 * with no driver; driver=conceal hides the function.  See docs/pci.md.
 *
 * Parsing checks everything up front (unknown selector, driver or
 * option, malformed value) and reports the line and the token, instead of
 * panicking at match time as the seed did.  Parsed rules point into the
 * line text, which must outlive them.
 */
#ifndef TV_PCI_MATCH_H
#define TV_PCI_MATCH_H

#include <tv/types.h>
#include <tv/pci.h>

#define PCI_MATCH_SEL_MAX	8
#define PCI_MATCH_OPT_MAX	8

enum pci_sel_kind {
	PCI_SEL_SLOT,
	PCI_SEL_CLASS,
	PCI_SEL_ID,
	PCI_SEL_SUBSYSTEM,
	PCI_SEL_REV,
	PCI_SEL_IF,
	PCI_SEL_CLASS_CODE,
	PCI_SEL_HEADER_TYPE,
	PCI_SEL_DEVICE,
	PCI_SEL_NUMBER,
};

struct pci_selector {
	u8 kind;			/* enum pci_sel_kind */
	u16 len;
	const char *pat;		/* the value, a slice of the line */
	const struct pci_driver_desc *driver;	/* device=NAME */
	u32 seen;			/* number=: matches counted so far */
};

struct pci_option {
	const char *name;
	const char *val;		/* without surrounding quotes */
	u16 name_len;
	u16 val_len;
};

struct pci_match_clause {
	u32 line;
	u16 column;			/* 1-based, where the clause starts */
	u8 nsel;
	u8 nopt;
	const struct pci_driver_desc *driver;	/* NULL: driver=none */
	struct pci_selector sel[PCI_MATCH_SEL_MAX];
	struct pci_option opt[PCI_MATCH_OPT_MAX];
};

struct pci_match_rules {
	struct pci_match_clause *clauses;
	u32 cap;
	u32 count;
	const struct pci_driver_desc *const *drivers;
	size_t ndrivers;
};

struct pci_match_error {
	u32 line;
	u32 column;			/* 1-based, 0 = whole line */
	char token[48];			/* the offending token, cut if long */
	char msg[96];
};

void pci_match_init(struct pci_match_rules *r, struct pci_match_clause *storage,
		    u32 cap, const struct pci_driver_desc *const *drivers,
		    size_t ndrivers);
/*
 * Parse one vmm.driver.pci value; line is what errors report (the config
 * file line, or the entry number).  All or nothing: on error no clause of
 * the line is kept.  0, -EINVAL (syntax, unknown name) or -ENOSPC (too
 * many clauses, selectors or options); *err says where (may be NULL).
 */
int pci_match_parse_line(struct pci_match_rules *r, const char *text,
			 size_t len, u32 line, struct pci_match_error *err);
/* "vmm.driver.pci line L, column C: MSG: 'TOKEN'", like snprintf. */
int pci_match_format_error(const struct pci_match_error *e, char *buf,
			   size_t size);

/*
 * The first clause that selects d (in line order), or NULL.  Call it once
 * per device in enumeration order: number= counts, as in the seed, every
 * device that passes the selectors before it, in every clause.  A clause
 * without selectors selects the devices its driver's own device list
 * matches.  The result's driver is NULL for driver=none.
 */
const struct pci_match_clause *pci_match_device(struct pci_match_rules *r,
						const struct pci_device *d);
/* pci_match_device, then set d->driver and d->driver_clause; returns 1
 * when a driver was assigned, 0 otherwise. */
int pci_match_assign(struct pci_match_rules *r, struct pci_device *d);
void pci_match_reset_counts(struct pci_match_rules *r);

/*
 * Does a selector list ("class_code=0c0320, id=8086:*") select d?  1/0,
 * or -EINVAL for a malformed list; with d NULL it only validates (0).
 * device= and number= are not allowed here: this is for
 * pci_driver_desc.device.
 */
int pci_match_selectors(const char *sel, size_t len,
			const struct pci_device *d);
/* Check a driver descriptor: name, options and its device list. */
int pci_driver_desc_check(const struct pci_driver_desc *drv);

/*
 * Driver options of the clause that assigned d's driver.  name must be
 * declared by the driver (-EINVAL otherwise: a driver bug); -ENOENT when
 * the line did not give it.
 */
int pci_driver_option_get(const struct pci_device *d, const char *name,
			  const char **val, size_t *len);
/*
 * base 0: decimal or 0x-prefixed hex; 10: decimal only; 16: hex with or
 * without 0x.  An optional sign; the whole int range, -0x80000000
 * included; -ERANGE beyond it, -EINVAL for junk.
 */
int pci_driver_option_get_int(const struct pci_device *d, const char *name,
			      int base, int *out);
/* 1/0, yes/no, true/false, on/off, y/n, t/f (any case), or an integer
 * (non-zero is true), as the seed accepted. */
int pci_driver_option_get_bool(const struct pci_device *d, const char *name,
			       bool *out);
int pci_option_parse_int(const char *s, size_t len, int base, int *out);
int pci_option_parse_bool(const char *s, size_t len, bool *out);

#endif
