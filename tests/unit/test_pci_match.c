/*
 * Unit tests of the vmm.driver.pci grammar (lib/pci/match_parse.c,
 * lib/pci/match.c): every selector, wildcards and alternatives, clause
 * order and "and", driver=none / driver=conceal, a driver's own device
 * list, number= counting across clauses, option declaration and
 * retrieval, every parse error with its line, column and token, and the
 * option value parsers over the whole int range (the seed's
 * -0x80000000 bug).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <cmocka.h>

#include <tv/env.h>
#include <tv/pci_match.h>

static const char *const pro1000_opts[] = { "tty", "virtio", "bridge", "mac",
					    NULL };
static const char *const bnx_opts[] = { "tty", "vlan", NULL };

static const struct pci_driver_desc ehci = {
	.name = "ehci", .device = "class_code=0c0320",
};
static const struct pci_driver_desc uhci = {
	.name = "uhci", .device = "class_code=0c0300",
};
static const struct pci_driver_desc pro1000 = {
	.name = "pro1000", .options = pro1000_opts,
	.device = "id=8086:10d3|8086:10f5|8086:150c",
};
static const struct pci_driver_desc bnx = {
	.name = "bnx", .options = bnx_opts, .device = "id=14e4:16*",
};
static const struct pci_driver_desc nodev = { .name = "nodev" };

static const struct pci_driver_desc *const drivers[] = {
	&ehci, &uhci, &pro1000, &bnx, &pci_driver_conceal, &nodev,
};

/* The devices, in enumeration order. */
enum { EHCI, UHCI, E1000E, NIC_A, NIC_B, BRIDGE, BCM, NDEV };

struct fx {
	struct pci_match_clause storage[8];
	struct pci_match_rules r;
	struct pci_match_error err;
	struct pci_device dev[NDEV];
};

static void mkdev(struct pci_device *d, u8 bus, u8 dev, u8 fn, u16 ven,
		  u16 did, u32 cls, u8 rev, u16 sven, u16 sid, u8 hdr)
{
	memset(d, 0, sizeof(*d));
	d->bdf.bus = bus;
	d->initial_bus = bus;
	d->bdf.dev = dev;
	d->bdf.fn = fn;
	d->vendor_id = ven;
	d->device_id = did;
	d->class_code = cls;
	d->revision = rev;
	d->subsys_vendor_id = sven;
	d->subsys_id = sid;
	d->header_type = hdr;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	pci_match_init(&f->r, f->storage, ARRAY_SIZE(f->storage), drivers,
		       ARRAY_SIZE(drivers));
	mkdev(&f->dev[EHCI], 0, 0x1d, 7, 0x8086, 0x293a, 0x0c0320, 2, 0x17aa,
	      0x20f1, 0x80);
	mkdev(&f->dev[UHCI], 0, 0x1d, 0, 0x8086, 0x2934, 0x0c0300, 2, 0x17aa,
	      0x20f1, 0x80);
	mkdev(&f->dev[E1000E], 0, 0x19, 0, 0x8086, 0x10f5, 0x020000, 3, 0x17aa,
	      0x20ee, 0);
	mkdev(&f->dev[NIC_A], 2, 0, 0, 0x8086, 0x10d3, 0x020000, 0, 0, 0, 0);
	mkdev(&f->dev[NIC_B], 3, 0, 0, 0x8086, 0x10d3, 0x020000, 0, 0, 0, 0);
	mkdev(&f->dev[BRIDGE], 4, 0, 0, 0x8086, 0x15da, 0x060400, 2, 0, 0, 1);
	mkdev(&f->dev[BCM], 5, 0, 0, 0x14e4, 0x1682, 0x020000, 0x10, 0x106b,
	      0x00f6, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static int parse(struct fx *f, const char *line, u32 lineno)
{
	return pci_match_parse_line(&f->r, line, strlen(line), lineno, &f->err);
}

/* Fresh rules from one line; the driver chosen for device i (or NULL). */
static const struct pci_match_clause *one(struct fx *f, const char *line,
					  int i)
{
	f->r.count = 0;
	if (parse(f, line, 1))
		fail_msg("'%s': %s '%s'", line, f->err.msg, f->err.token);
	return pci_match_device(&f->r, &f->dev[i]);
}

struct sel_case {
	const char *line;
	int dev;
	const struct pci_driver_desc *want;	/* NULL: no clause */
};

static void run_cases(struct fx *f, const struct sel_case *c, size_t n)
{
	const struct pci_match_clause *m;
	size_t i;

	for (i = 0; i < n; i++) {
		m = one(f, c[i].line, c[i].dev);
		if ((m ? m->driver : NULL) != c[i].want || (!m && c[i].want))
			fail_msg("case %zu '%s' on device %d", i, c[i].line,
				 c[i].dev);
	}
}

static void test_every_selector(void **state)
{
	static const struct sel_case cases[] = {
		{ "slot=00:1d.7, driver=ehci", EHCI, &ehci },
		{ "slot=00:1d.7, driver=ehci", UHCI, NULL },
		{ "class=0c03, driver=uhci", EHCI, &uhci },
		{ "class=0c03, driver=uhci", E1000E, NULL },
		{ "id=8086:293a, driver=ehci", EHCI, &ehci },
		{ "id=8086:293a, driver=ehci", UHCI, NULL },
		{ "subsystem=17aa:20f1, driver=ehci", EHCI, &ehci },
		{ "subsystem=17aa:20f1, driver=ehci", E1000E, NULL },
		{ "rev=03, driver=pro1000", E1000E, &pro1000 },
		{ "rev=03, driver=pro1000", NIC_A, NULL },
		{ "revision=10, driver=bnx", BCM, &bnx },
		{ "if=20, driver=ehci", EHCI, &ehci },
		{ "if=20, driver=ehci", UHCI, NULL },
		{ "programming_interface=00, driver=uhci", UHCI, &uhci },
		{ "class_code=0c0320, driver=ehci", EHCI, &ehci },
		{ "class_code=0c0320, driver=ehci", UHCI, NULL },
		{ "header_type=80, driver=ehci", EHCI, &ehci },
		{ "header_type=80, driver=ehci", E1000E, NULL },
		{ "header_type=01, driver=conceal", BRIDGE, &pci_driver_conceal },
		{ "device=pro1000, driver=conceal", NIC_A, &pci_driver_conceal },
		{ "device=pro1000, driver=conceal", BCM, NULL },
		{ "device=nodev, driver=conceal", BCM, NULL },
		/* All selectors of a clause must hold. */
		{ "class=0200, id=14e4:1682, driver=bnx", BCM, &bnx },
		{ "class=0200, id=14e4:1683, driver=bnx", BCM, NULL },
	};

	run_cases(*state, cases, ARRAY_SIZE(cases));
}

static void test_wildcards_and_case(void **state)
{
	static const struct sel_case cases[] = {
		{ "id=8086:*, driver=conceal", EHCI, &pci_driver_conceal },
		{ "id=8086:*, driver=conceal", BCM, NULL },
		{ "id=*:10d3, driver=conceal", NIC_B, &pci_driver_conceal },
		{ "id=80?6:10d3, driver=conceal", NIC_A, &pci_driver_conceal },
		{ "id=8086:10d?, driver=conceal", EHCI, NULL },
		{ "id=*, driver=conceal", BCM, &pci_driver_conceal },
		{ "class=0c*, driver=conceal", UHCI, &pci_driver_conceal },
		{ "class=0c*, driver=conceal", NIC_A, NULL },
		{ "slot=00:1d.*, driver=conceal", UHCI, &pci_driver_conceal },
		{ "slot=00:1d.*, driver=conceal", E1000E, NULL },
		{ "slot=0?:00.0, driver=conceal", NIC_B, &pci_driver_conceal },
		{ "class_code=0c03?0, driver=conceal", EHCI, &pci_driver_conceal },
		{ "class_code=*20, driver=conceal", EHCI, &pci_driver_conceal },
		{ "class_code=*20, driver=conceal", UHCI, NULL },
		{ "id=8086:293A, driver=ehci", EHCI, &ehci },
		{ "ID=8086:293a, driver=ehci", EHCI, NULL },
	};
	struct fx *f = *state;

	/* Selector names are case-sensitive, as in the seed. */
	f->r.count = 0;
	assert_int_equal(parse(f, "ID=8086:293a, driver=ehci", 1), -EINVAL);
	run_cases(f, cases, ARRAY_SIZE(cases) - 1);
}

static void test_alternatives(void **state)
{
	static const struct sel_case cases[] = {
		{ "id=8086:10d3|14e4:1682, driver=conceal", NIC_A,
		  &pci_driver_conceal },
		{ "id=8086:10d3|14e4:1682, driver=conceal", BCM,
		  &pci_driver_conceal },
		{ "id=8086:10d3|14e4:1682, driver=conceal", E1000E, NULL },
		{ "class=0600|0c03, driver=conceal", UHCI, &pci_driver_conceal },
		{ "class=0600|0c03, driver=conceal", BCM, NULL },
		{ "slot=02:00.0|05:*, driver=conceal", BCM, &pci_driver_conceal },
	};

	run_cases(*state, cases, ARRAY_SIZE(cases));
}

static void test_and_first_clause_wins(void **state)
{
	struct fx *f = *state;
	const struct pci_match_clause *m;

	/* The seed's example: hide 8086:10d3 except slot 02:00.0. */
	m = one(f, "slot=02:00.0, driver=none, and, id=8086:10d3, driver=conceal",
		NIC_A);
	assert_non_null(m);
	assert_null(m->driver);
	m = pci_match_device(&f->r, &f->dev[NIC_B]);
	assert_non_null(m);
	assert_ptr_equal(m->driver, &pci_driver_conceal);
	assert_null(pci_match_device(&f->r, &f->dev[BCM]));
	/* Lines accumulate; earlier lines win. */
	f->r.count = 0;
	assert_int_equal(parse(f, "id=14e4:*, driver=conceal", 1), 0);
	assert_int_equal(parse(f, "driver=bnx, vlan=1", 2), 0);
	assert_int_equal(f->r.count, 2);
	m = pci_match_device(&f->r, &f->dev[BCM]);
	assert_ptr_equal(m->driver, &pci_driver_conceal);
	assert_int_equal(m->line, 1);
}

static void test_driver_own_device_list(void **state)
{
	static const struct sel_case cases[] = {
		{ "driver=ehci, and, driver=uhci", EHCI, &ehci },
		{ "driver=ehci, and, driver=uhci", UHCI, &uhci },
		{ "driver=ehci, and, driver=uhci", E1000E, NULL },
		{ "driver=pro1000", E1000E, &pro1000 },
		{ "driver=pro1000", BCM, NULL },
		{ "driver=bnx", BCM, &bnx },
		/* driver=none alone selects nothing, conceal has no list. */
		{ "driver=none", EHCI, NULL },
		{ "driver=conceal", EHCI, NULL },
		{ "driver=nodev", EHCI, NULL },
	};

	run_cases(*state, cases, ARRAY_SIZE(cases));
}

static void test_number_counts(void **state)
{
	struct fx *f = *state;
	const struct pci_match_clause *m;
	int i, hits = 0;

	/* The second pro1000 device in enumeration order. */
	one(f, "device=pro1000, number=1, driver=pro1000, tty=1", EHCI);
	pci_match_reset_counts(&f->r);
	for (i = 0; i < NDEV; i++) {
		m = pci_match_device(&f->r, &f->dev[i]);
		if (m) {
			assert_int_equal(i, NIC_A);
			hits++;
		}
	}
	assert_int_equal(hits, 1);
	/* Counting goes on in a clause even when an earlier one matched. */
	one(f, "device=pro1000, number=0, driver=pro1000, and, class=0200, "
	    "number=2|3, driver=conceal", EHCI);
	pci_match_reset_counts(&f->r);
	assert_ptr_equal(pci_match_device(&f->r, &f->dev[E1000E])->driver,
			 &pro1000);
	assert_null(pci_match_device(&f->r, &f->dev[NIC_A]));
	assert_ptr_equal(pci_match_device(&f->r, &f->dev[NIC_B])->driver,
			 &pci_driver_conceal);
	assert_ptr_equal(pci_match_device(&f->r, &f->dev[BCM])->driver,
			 &pci_driver_conceal);
	pci_match_reset_counts(&f->r);
	assert_ptr_equal(pci_match_device(&f->r, &f->dev[NIC_A])->driver,
			 &pro1000);
}

static void test_options(void **state)
{
	struct fx *f = *state;
	struct pci_device *d = &f->dev[E1000E];
	const char *v;
	size_t len;
	bool b = true;
	int n = 0;

	one(f, "device=pro1000, driver=pro1000, tty=1, virtio=off, "
	    "bridge=\"a, b\", tty=0x10, mac=00:11:22:33:44:55", EHCI);
	assert_int_equal(pci_match_assign(&f->r, d), 1);
	assert_ptr_equal(d->driver, &pro1000);
	assert_int_equal(pci_driver_option_get_int(d, "tty", 0, &n), 0);
	assert_int_equal(n, 16);	/* the later tty= wins */
	assert_int_equal(pci_driver_option_get_bool(d, "virtio", &b), 0);
	assert_false(b);
	assert_int_equal(pci_driver_option_get(d, "bridge", &v, &len), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(v, "a, b", 4);
	assert_int_equal(pci_driver_option_get(d, "mac", &v, &len), 0);
	assert_int_equal(len, 17);
	assert_int_equal(pci_driver_option_get_int(d, "mac", 16, &n), -EINVAL);
	/* Undeclared: a driver bug; declared but not given: -ENOENT. */
	assert_int_equal(pci_driver_option_get(d, "speed", &v, &len), -EINVAL);
	one(f, "driver=pro1000", EHCI);
	assert_int_equal(pci_match_assign(&f->r, d), 1);
	assert_int_equal(pci_driver_option_get(d, "tty", &v, &len), -ENOENT);
	/* driver=none assigns nothing. */
	one(f, "id=8086:*, driver=none", EHCI);
	assert_int_equal(pci_match_assign(&f->r, d), 0);
	assert_null(d->driver);
	assert_int_equal(pci_driver_option_get(d, "tty", &v, &len), -EINVAL);
}

struct err_case {
	const char *line;
	int err;
	u32 column;
	const char *token;
	const char *msg;
};

static void test_parse_errors(void **state)
{
	static const struct err_case cases[] = {
		{ "clas=0c03, driver=ehci", -EINVAL, 1, "clas", "unknown selector" },
		{ "class=0c03, driver=ehcii", -EINVAL, 20, "ehcii", "unknown driver" },
		{ "driver=pro1000, speed=100", -EINVAL, 17, "speed", "not declared" },
		{ "driver=none, tty=1", -EINVAL, 14, "tty", "takes no options" },
		{ "number=0, driver=ehci", -EINVAL, 1, "number", "must follow" },
		{ "class=0c0, driver=ehci", -EINVAL, 7, "0c0", "malformed" },
		{ "class=0c0g, driver=ehci", -EINVAL, 7, "0c0g", "malformed" },
		{ "slot=00:1f.8, driver=ehci", -EINVAL, 6, "00:1f.8", "malformed" },
		{ "id=8086, driver=ehci", -EINVAL, 4, "8086", "malformed" },
		{ "id=8086:10d3|, driver=ehci", -EINVAL, 4, "8086:10d3|", "malformed" },
		{ "rev=1, driver=ehci", -EINVAL, 5, "1", "malformed" },
		{ "id=8086:*, number=a, driver=ehci", -EINVAL, 19, "a", "malformed" },
		{ "device=foo, driver=ehci", -EINVAL, 8, "foo", "unknown driver" },
		{ "class=0c03", -EINVAL, 1, "class=0c03", "without driver=" },
		{ "class=0c03, and, driver=ehci", -EINVAL, 13, "and", "'and' must" },
		{ "driver=ehci, and", -EINVAL, 0, "", "nothing after 'and'" },
		{ "driver=ehci,, and, driver=uhci", -EINVAL, 13, ",", "empty item" },
		{ "driver=pro1000, bridge=\"a,b", -EINVAL, 16, " bridge=\"a,b",
		  "unterminated quote" },
		{ "class=, driver=ehci", -EINVAL, 1, "class", "empty value" },
		{ "ehci", -EINVAL, 1, "ehci", "expected NAME=VALUE" },
		{ "", -EINVAL, 0, "", "empty" },
		{ "=1, driver=ehci", -EINVAL, 1, "=", "missing name" },
	};
	struct fx *f = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		f->r.count = 0;
		if (parse(f, cases[i].line, 7) != cases[i].err ||
		    f->err.line != 7 || f->err.column != cases[i].column ||
		    strcmp(f->err.token, cases[i].token) ||
		    !strstr(f->err.msg, cases[i].msg))
			fail_msg("case %zu '%s': col %u token '%s' msg '%s'", i,
				 cases[i].line, f->err.column, f->err.token,
				 f->err.msg);
		assert_int_equal(f->r.count, 0);
	}
}

static void test_parse_accepts_layout(void **state)
{
	struct fx *f = *state;
	const struct pci_match_clause *m;

	/* Blanks around names and values, and a trailing comma. */
	m = one(f, "  class = 0c03 ,\tdriver = uhci , ", UHCI);
	assert_non_null(m);
	assert_ptr_equal(m->driver, &uhci);
	assert_int_equal(m->column, 3);
}

static void test_parse_atomic_and_limits(void **state)
{
	struct fx *f = *state;
	char line[256];

	f->r.count = 0;
	assert_int_equal(parse(f, "driver=ehci", 1), 0);
	/* The second line's good first clause is rolled back too. */
	assert_int_equal(parse(f, "driver=uhci, and, clas=1, driver=uhci", 2),
			 -EINVAL);
	assert_int_equal(f->r.count, 1);
	f->r.cap = 2;
	assert_int_equal(parse(f, "driver=uhci, and, driver=conceal", 3),
			 -ENOSPC);
	assert_int_equal(f->r.count, 1);
	f->r.cap = ARRAY_SIZE(f->storage);
	snprintf(line, sizeof(line), "%s driver=ehci",
		 "class=0c03, class=0c03, class=0c03, class=0c03, class=0c03, "
		 "class=0c03, class=0c03, class=0c03, class=0c03,");
	assert_int_equal(parse(f, line, 4), -ENOSPC);
	assert_string_equal(f->err.token, "class");
	assert_int_equal(parse(f, "driver=pro1000, tty=1, virtio=1, bridge=1, "
			       "mac=1, tty=2, virtio=2, bridge=2, mac=2", 5), 0);
	assert_int_equal(parse(f, "driver=bnx, tty=1, vlan=2, tty=3, vlan=4, "
			       "tty=5, vlan=6, tty=7, vlan=8, tty=9", 6), 0);
	assert_int_equal(f->r.clauses[f->r.count - 1].nopt, 2);
}

static void test_format_error(void **state)
{
	struct fx *f = *state;
	char buf[160];

	f->r.count = 0;
	assert_int_equal(parse(f, "class=0c03, driver=ehcii", 7), -EINVAL);
	pci_match_format_error(&f->err, buf, sizeof(buf));
	assert_string_equal(buf, "vmm.driver.pci line 7, column 20: "
			    "unknown driver: 'ehcii'");
	assert_int_equal(parse(f, "driver=ehci, and", 9), -EINVAL);
	pci_match_format_error(&f->err, buf, sizeof(buf));
	assert_string_equal(buf, "vmm.driver.pci line 9: nothing after 'and'");
}

struct int_case {
	const char *s;
	int base;
	int err;
	int val;
};

static void test_option_int_range(void **state)
{
	static const struct int_case cases[] = {
		{ "2147483647", 0, 0, INT_MAX },
		{ "-2147483648", 0, 0, INT_MIN },
		{ "0x7fffffff", 0, 0, INT_MAX },
		{ "-0x80000000", 0, 0, INT_MIN },
		{ "2147483648", 0, -ERANGE, 0 },
		{ "-2147483649", 0, -ERANGE, 0 },
		{ "0x80000000", 0, -ERANGE, 0 },
		{ "-0x80000001", 0, -ERANGE, 0 },
		{ "99999999999999999999999", 0, -ERANGE, 0 },
		{ "+12", 0, 0, 12 },
		{ "010", 0, 0, 10 },
		{ "12x", 0, -EINVAL, 0 },
		{ "", 0, -EINVAL, 0 },
		{ "-", 0, -EINVAL, 0 },
		{ " 1", 0, -EINVAL, 0 },
		{ "-12", 10, 0, -12 },
		{ "0x10", 10, -EINVAL, 0 },
		{ "ff", 16, 0, 255 },
		{ "0xff", 16, 0, 255 },
		{ "-80000000", 16, 0, INT_MIN },
		{ "7FFFFFFF", 16, 0, INT_MAX },
		{ "80000000", 16, -ERANGE, 0 },
		{ "-80000001", 16, -ERANGE, 0 },
		{ "fffffffffffffffffffffffffffffffffffffffffffff", 16, -ERANGE, 0 },
		{ "ffffffffffffffffffffffffffffffffffffffffffffg", 16, -EINVAL, 0 },
		{ "fg", 16, -EINVAL, 0 },
		{ "1", 8, -EINVAL, 0 },
	};
	size_t i;
	int v;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		v = 12345;
		if (pci_option_parse_int(cases[i].s, strlen(cases[i].s),
					 cases[i].base, &v) != cases[i].err ||
		    (!cases[i].err && v != cases[i].val) ||
		    (cases[i].err && v != 12345))
			fail_msg("case %zu '%s' base %d: got %d", i, cases[i].s,
				 cases[i].base, v);
	}
}

static void test_option_bool_spellings(void **state)
{
	static const char *const yes[] = { "1", "yes", "YES", "true", "On", "y",
					   "T", "2", "-1", "0x10" };
	static const char *const no[] = { "0", "no", "False", "OFF", "n", "F",
					  "0x0" };
	static const char *const bad[] = { "", "ye", "maybe", "1a", "nope" };
	size_t i;
	bool b;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		b = false;
		if (pci_option_parse_bool(yes[i], strlen(yes[i]), &b) || !b)
			fail_msg("'%s' is not true", yes[i]);
	}
	for (i = 0; i < ARRAY_SIZE(no); i++) {
		b = true;
		if (pci_option_parse_bool(no[i], strlen(no[i]), &b) || b)
			fail_msg("'%s' is not false", no[i]);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (pci_option_parse_bool(bad[i], strlen(bad[i]), &b) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
	}
}

static void test_driver_desc_check(void **state)
{
	static const struct pci_driver_desc bad_list = {
		.name = "x", .device = "class=0c0",
	};
	static const struct pci_driver_desc bad_number = {
		.name = "x", .device = "class=0c03, number=1",
	};
	static const struct pci_driver_desc bad_device = {
		.name = "x", .device = "device=ehci",
	};
	static const struct pci_driver_desc seed_never = {
		.name = "x", .device = "id=:",
	};
	static const char *const eq_opts[] = { "a=b", NULL };
	static const struct pci_driver_desc bad_opt = {
		.name = "x", .options = eq_opts,
	};
	static const struct pci_driver_desc none = { .name = "none" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(drivers); i++)
		assert_int_equal(pci_driver_desc_check(drivers[i]), 0);
	assert_int_equal(pci_driver_desc_check(&bad_list), -EINVAL);
	assert_int_equal(pci_driver_desc_check(&bad_number), -EINVAL);
	assert_int_equal(pci_driver_desc_check(&bad_device), -EINVAL);
	assert_int_equal(pci_driver_desc_check(&seed_never), -EINVAL);
	assert_int_equal(pci_driver_desc_check(&bad_opt), -EINVAL);
	assert_int_equal(pci_driver_desc_check(&none), -EINVAL);
}

static void test_match_selectors_list(void **state)
{
	struct fx *f = *state;
	const struct pci_device *d = &f->dev[BCM];

	assert_int_equal(pci_match_selectors("id=14e4:1682, class=0200", 24, d),
			 1);
	assert_int_equal(pci_match_selectors("id=14e4:1682, class=0c03", 24, d),
			 0);
	assert_int_equal(pci_match_selectors("id=14e4:1682,", 13, d), 1);
	assert_int_equal(pci_match_selectors("id=14e4:1682,,", 14, d), -EINVAL);
	assert_int_equal(pci_match_selectors("", 0, d), -EINVAL);
	assert_int_equal(pci_match_selectors("bogus=1", 7, d), -EINVAL);
	assert_int_equal(pci_match_selectors("id", 2, d), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_every_selector),
		T(test_wildcards_and_case),
		T(test_alternatives),
		T(test_and_first_clause_wins),
		T(test_driver_own_device_list),
		T(test_number_counts),
		T(test_options),
		T(test_parse_errors),
		T(test_parse_accepts_layout),
		T(test_parse_atomic_and_limits),
		T(test_format_error),
		T(test_option_int_range),
		T(test_option_bool_spellings),
		T(test_driver_desc_check),
		T(test_match_selectors_list),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
