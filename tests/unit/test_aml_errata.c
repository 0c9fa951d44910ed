/*
 * Unit tests of lib/aml on malformed AML: the errata real firmware ships
 * (a stray OneOp, unknown or misplaced opcodes, a Name() nested in a
 * package by a missing brace, packages overrunning their parent) and
 * hostile input (lengths past the table, truncation, nesting deeper than
 * the parser's stack, bad headers).  Each must be reported with table,
 * offset and scope, confined to the enclosing package, and never read
 * outside the table (ASan checks that).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <tv/aml.h>
#include <tv/aml_internal.h>
#include "test_aml_asm.h"

#define MAX_DIAGS	32
#define ARENA		(4u << 20)

static struct aml_diag diags[MAX_DIAGS];
static u32 ndiags, nerrors;
static u8 *arena;
static struct amlasm *a, *b;

static void on_diag(void *ctx, const struct aml_diag *d)
{
	nerrors += d->sev == AML_SEV_ERROR;
	if (ndiags < MAX_DIAGS)
		diags[ndiags++] = *d;
}

static struct aml_ns *build_n(struct aml_table *t, u32 n)
{
	struct aml_log log = { .fn = on_diag };
	struct aml_ns *ns = NULL;

	ndiags = nerrors = 0;
	assert_int_equal(aml_namespace_build(&ns, arena, ARENA, t, n, &log), 0);
	return ns;
}

static struct aml_ns *build1(void)
{
	struct aml_table t = asm_end(a);

	return build_n(&t, 1);
}

static const struct aml_diag *diag(enum aml_diag_code code)
{
	u32 i;

	for (i = 0; i < ndiags; i++)
		if (diags[i].code == code)
			return &diags[i];
	fail_msg("no %s diagnostic", aml_diag_name(code));
	return NULL;
}

static void name_int(struct amlasm *x, const char *name, u64 v)
{
	asm_byte(x, OP_NAME);
	asm_name(x, name);
	asm_int(x, v);
}

static int setup(void **state)
{
	asm_begin(a, "DSDT");
	return 0;
}

/* Seed item 7: a stray OneOp between DSDT declarations is ignored. */
static void test_stray_one(void **state)
{
	struct aml_ns *ns;
	u32 at;

	name_int(a, "AAAA", 2);
	at = a->len;
	asm_byte(a, OP_ONE);
	name_int(a, "BBBB", 3);
	ns = build1();
	assert_non_null(aml_find(ns, "\\AAAA"));
	assert_int_equal(aml_find(ns, "\\BBBB")->value, 3);
	assert_int_equal(ndiags, 1);
	assert_int_equal(diags[0].sev, AML_SEV_NOTE);
	assert_int_equal(diags[0].code, AML_D_STRAY);
	assert_int_equal(diags[0].offset, at);
}

/* An unknown opcode skips to the end of its enclosing package only. */
static void test_unknown_opcode(void **state)
{
	const struct aml_diag *d;
	struct aml_ns *ns;
	u32 dev, at;

	dev = asm_open(a, OP_DEVICE);
	asm_name(a, "DEV1");
	name_int(a, "X1__", 1);
	at = a->len;
	asm_byte(a, 0x02);		/* not an opcode */
	name_int(a, "X2__", 2);
	asm_close(a, dev);
	dev = asm_open(a, OP_DEVICE);
	asm_name(a, "DEV2");
	name_int(a, "Y1__", 1);
	asm_close(a, dev);
	ns = build1();
	assert_non_null(aml_find(ns, "\\DEV1.X1"));
	assert_null(aml_find(ns, "\\DEV1.X2"));
	assert_non_null(aml_find(ns, "\\DEV2.Y1"));
	d = diag(AML_D_OPCODE);
	assert_int_equal(d->sev, AML_SEV_ERROR);
	assert_string_equal(d->sig, "DSDT");
	assert_int_equal(d->table, 0);
	assert_int_equal(d->offset, at);
	assert_int_equal(d->opcode, 0x02);
	assert_string_equal(d->path, "\\DEV1");
	assert_int_equal(ndiags, 1);
}

/* An unknown extended opcode inside a method body. */
static void test_unknown_ext_opcode(void **state)
{
	struct aml_ns *ns;
	u32 m;

	m = asm_open(a, OP_METHOD);
	asm_name(a, "MTH0");
	asm_byte(a, 0);
	asm_byte(a, 0x5b);
	asm_byte(a, 0xfe);
	asm_close(a, m);
	name_int(a, "AFTR", 1);
	ns = build1();
	assert_non_null(aml_find(ns, "\\AFTR"));
	assert_int_equal(diag(AML_D_OPCODE)->opcode, 0x5bfe);
	assert_string_equal(diag(AML_D_OPCODE)->path, "\\MTH0");
}

/* A statement where a value must be: misplaced, confined to the method. */
static void test_misplaced_opcode(void **state)
{
	struct aml_ns *ns;
	u32 m, i;

	m = asm_open(a, OP_METHOD);
	asm_name(a, "MTH0");
	asm_byte(a, 0);
	asm_byte(a, OP_STORE);
	i = asm_open(a, OP_IF);	/* Store (If ..., Local0) */
	asm_int(a, 1);
	asm_close(a, i);
	asm_byte(a, OP_LOCAL0);
	asm_close(a, m);
	name_int(a, "AFTR", 1);
	ns = build1();
	assert_non_null(aml_find(ns, "\\AFTR"));
	assert_int_equal(diag(AML_D_MISPLACED)->opcode, OP_IF);
}

/*
 * A missing closing brace nests Name (TPSS) inside the package before it,
 * and TPSS's package then overruns that package (seen in a corpus SSDT):
 * ACPICA still creates TPSS, and so do we, with both errata reported.
 */
static void test_name_in_package(void **state)
{
	struct aml_ns *ns;
	u32 outer, inner;

	asm_byte(a, OP_NAME);
	asm_name(a, "PKGA");
	outer = asm_open(a, OP_PACKAGE);
	asm_byte(a, 3);
	asm_int(a, 1);
	asm_byte(a, OP_NAME);
	asm_name(a, "TPSS");
	inner = asm_open(a, OP_PACKAGE);
	asm_byte(a, 2);
	asm_close(a, outer);		/* outer ends inside TPSS's package */
	asm_int(a, 7);
	asm_int(a, 8);
	asm_close(a, inner);
	name_int(a, "AFTR", 1);
	ns = build1();
	assert_non_null(aml_find(ns, "\\PKGA"));
	assert_int_equal(aml_find(ns, "\\TPSS")->type, AML_T_PACKAGE);
	assert_non_null(aml_find(ns, "\\AFTR"));
	assert_int_equal(diag(AML_D_MISPLACED)->sev, AML_SEV_WARN);
	assert_int_equal(diag(AML_D_LENGTH)->sev, AML_SEV_ERROR);
}

/* A PkgLength past the table is an error, never a read past it. */
static void test_length_past_table(void **state)
{
	struct aml_ns *ns;
	u32 dev;

	name_int(a, "AAAA", 1);
	dev = asm_open(a, OP_DEVICE);
	asm_name(a, "DEV1");
	name_int(a, "X1__", 1);
	asm_close(a, dev);
	a->buf[dev + 1] = 0xff;		/* length 0xff0.. from 4 bytes */
	ns = build1();
	assert_non_null(aml_find(ns, "\\AAAA"));
	assert_null(aml_find(ns, "\\DEV1"));
	assert_int_equal(diag(AML_D_LENGTH)->offset, dev - 2);
}

/* The table ends in the middle of a Name: truncated, nothing invented. */
static void test_truncated(void **state)
{
	struct aml_table t;
	struct aml_ns *ns;

	name_int(a, "AAAA", 1);
	asm_byte(a, OP_NAME);
	asm_name(a, "BBBB");
	asm_byte(a, 0x0c);		/* DWordPrefix, then 2 bytes only */
	asm_byte(a, 1);
	asm_byte(a, 2);
	t = asm_end(a);
	ns = build_n(&t, 1);
	assert_non_null(aml_find(ns, "\\AAAA"));
	assert_null(aml_find(ns, "\\BBBB"));
	assert_int_equal(diag(AML_D_TRUNCATED)->sev, AML_SEV_ERROR);
	/* A MultiNamePrefix claiming 200 segments. */
	asm_begin(a, "DSDT");
	asm_byte(a, OP_NAME);
	asm_byte(a, 0x2f);
	asm_byte(a, 200);
	asm_bytes(a, "ABCD", 4);
	build1();
	diag(AML_D_TRUNCATED);
}

/* Bad headers: the table is skipped, the others still load. */
static void test_bad_headers(void **state)
{
	struct aml_table t[3];
	struct aml_ns *ns;

	name_int(a, "AAAA", 1);
	t[0] = asm_end(a);
	asm_begin(b, "SSDT");
	name_int(b, "BBBB", 1);
	t[1] = asm_end(b);
	t[1].len -= 1;			/* header says 1 byte more */
	t[2].data = (u8 *)"SSDT";
	t[2].len = 4;
	ns = build_n(t, 3);
	assert_non_null(aml_find(ns, "\\AAAA"));
	assert_null(aml_find(ns, "\\BBBB"));
	assert_int_equal(nerrors, 2);
	assert_int_equal(diags[0].code, AML_D_TABLE);
	assert_int_equal(diags[0].table, 1);
	/* A bad checksum is only a warning: the AML is parsed. */
	t[1].len += 1;
	t[1].data[9] ^= 0x55;
	ns = build_n(t, 2);
	assert_non_null(aml_find(ns, "\\BBBB"));
	assert_int_equal(diags[0].sev, AML_SEV_WARN);
	assert_int_equal(diags[0].offset, 9);
}

/* Deeper than the parser's stack: reported, the rest still parsed. */
static void test_depth(void **state)
{
	static u32 open[AML_MAX_FRAMES + 100];
	struct aml_ns *ns;
	int i, n = AML_MAX_FRAMES + 100;

	for (i = 0; i < n; i++) {
		open[i] = asm_open(a, OP_IF);
		asm_int(a, 1);
	}
	while (i--)
		asm_close(a, open[i]);
	name_int(a, "AFTR", 1);
	ns = build1();
	assert_non_null(aml_find(ns, "\\AFTR"));
	assert_int_equal(diag(AML_D_DEPTH)->sev, AML_SEV_ERROR);
}

/* An expression nested past the stack, with no package to resume at. */
static void test_deep_expression(void **state)
{
	struct aml_ns *ns;
	clock_t t0 = clock();
	u32 m;
	int i;

	m = asm_open(a, OP_METHOD);
	asm_name(a, "MTH0");
	asm_byte(a, 0);
	for (i = 0; i < 20000; i++)
		asm_byte(a, OP_ADD);
	asm_close(a, m);
	name_int(a, "AFTR", 1);
	ns = build1();
	assert_non_null(aml_find(ns, "\\AFTR"));
	diag(AML_D_DEPTH);
	assert_true(clock() - t0 < CLOCKS_PER_SEC);
}

/*
 * A call to a name defined nowhere takes no arguments (documented
 * heuristic): its arguments become terms of the enclosing list, and the
 * declarations around it are unaffected.
 */
static void test_unresolved_call(void **state)
{
	const struct aml_diag *d;
	struct aml_ns *ns;
	u32 sc;

	sc = asm_open(a, OP_SCOPE);
	asm_name(a, "\\_SB");
	asm_name(a, "UNKN");
	asm_int(a, 0x1234);
	asm_string(a, "arg");
	name_int(a, "AFTR", 1);
	asm_close(a, sc);
	ns = build1();
	assert_non_null(aml_find(ns, "\\_SB.AFTR"));
	d = diag(AML_D_UNRESOLVED);
	assert_string_equal(d->name, "UNKN");
	assert_string_equal(d->path, "\\_SB_");
	assert_int_equal(d->sev, AML_SEV_WARN);
}

/*
 * External() promises 2 arguments, the method defined after it takes 0:
 * the first pass reads FOO's "arguments" and loses BAR; the full parse,
 * knowing every definition, declares BAR and reports the divergence.
 */
static void test_divergence(void **state)
{
	struct aml_ns *ns;
	u32 sc, m;

	asm_byte(a, OP_EXTERNAL);
	asm_name(a, "\\FOO");
	asm_byte(a, AML_T_METHOD);
	asm_byte(a, 2);
	sc = asm_open(a, OP_SCOPE);
	asm_name(a, "\\");
	asm_name(a, "FOO");
	name_int(a, "BAR", 1);
	asm_close(a, sc);
	m = asm_open(a, OP_METHOD);
	asm_name(a, "FOO");
	asm_byte(a, 0);
	asm_close(a, m);
	ns = build1();
	assert_non_null(aml_find(ns, "\\BAR"));
	assert_int_equal(aml_find(ns, "\\FOO")->argc, 0);
	assert_int_equal(diag(AML_D_DIVERGED)->sev, AML_SEV_WARN);
}

/* Scope() of something not loaded yet: skipped, as ACPICA does. */
static void test_scope_not_found(void **state)
{
	struct aml_ns *ns;
	u32 sc, dev;

	sc = asm_open(a, OP_SCOPE);
	asm_name(a, "\\LATE");
	name_int(a, "INSD", 1);
	asm_close(a, sc);
	dev = asm_open(a, OP_DEVICE);
	asm_name(a, "LATE");
	asm_close(a, dev);
	ns = build1();
	assert_non_null(aml_find(ns, "\\LATE"));
	assert_null(aml_find(ns, "\\LATE.INSD"));
	assert_string_equal(diag(AML_D_NO_SCOPE)->name, "\\LATE");
}

static void test_pkglen_forms(void **state)
{
	static const u8 aml[] = { 0x05, 0x41, 0x02, 0xc2, 0x00, 0x01, 0x00,
				  0x5f };
	u32 end, next;

	assert_int_equal(aml_pkglen(aml, 0, sizeof(aml), &end, &next), 0);
	assert_int_equal(end, 5);
	assert_int_equal(next, 1);
	/* 0x41 0x02: 2 bytes, length 0x21: past an 8-byte limit. */
	assert_int_equal(aml_pkglen(aml, 1, sizeof(aml), &end, &next),
			 -ERANGE);
	assert_int_equal(aml_pkglen(aml, 1, 0x30, &end, &next), 0);
	assert_int_equal(end, 0x22);
	assert_int_equal(next, 3);
	/* 4-byte form, length 2: shorter than itself. */
	assert_int_equal(aml_pkglen(aml, 3, sizeof(aml), &end, &next),
			 -ERANGE);
	/* Lead byte promises bytes the buffer does not have. */
	assert_int_equal(aml_pkglen(aml, 3, 5, &end, &next), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_stray_one, setup),
		cmocka_unit_test_setup(test_unknown_opcode, setup),
		cmocka_unit_test_setup(test_unknown_ext_opcode, setup),
		cmocka_unit_test_setup(test_misplaced_opcode, setup),
		cmocka_unit_test_setup(test_name_in_package, setup),
		cmocka_unit_test_setup(test_length_past_table, setup),
		cmocka_unit_test_setup(test_truncated, setup),
		cmocka_unit_test_setup(test_bad_headers, setup),
		cmocka_unit_test_setup(test_depth, setup),
		cmocka_unit_test_setup(test_deep_expression, setup),
		cmocka_unit_test_setup(test_unresolved_call, setup),
		cmocka_unit_test_setup(test_divergence, setup),
		cmocka_unit_test_setup(test_scope_not_found, setup),
		cmocka_unit_test(test_pkglen_forms),
	};
	int r;

	arena = malloc(ARENA);
	a = malloc(sizeof(*a));
	b = malloc(sizeof(*b));
	r = cmocka_run_group_tests(tests, NULL, NULL);
	free(a);
	free(b);
	free(arena);
	return r;
}
