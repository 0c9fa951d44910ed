/*
 * Unit tests of lib/aml on well-formed AML: every construct the namespace
 * holds (from ASL compiled by iasl at build time, tests/data/aml), method
 * calls resolved forward, across tables and through External, the name
 * search rules, module-level If, the seed's item-10 expression, and the
 * queries and patches the hypervisor uses.  Malformed AML is in
 * test_aml_errata.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <tv/aml.h>
#include "test_aml_asm.h"

#ifndef AML_DATA_DIR
#define AML_DATA_DIR "build/aml/data"
#endif

#define MAX_DIAGS	64
#define MAX_TRACE	4096
#define ARENA		(4u << 20)

struct rec {
	struct aml_diag d[MAX_DIAGS];
	u32 nd, errors, warnings;
	struct aml_trace t[MAX_TRACE];
	u32 nt;
};

static struct rec rec;
static u8 *arena;

static void on_diag(void *ctx, const struct aml_diag *d)
{
	struct rec *r = ctx;

	if (d->sev == AML_SEV_ERROR)
		r->errors++;
	if (d->sev == AML_SEV_WARN)
		r->warnings++;
	if (r->nd < MAX_DIAGS)
		r->d[r->nd++] = *d;
}

static void on_trace(void *ctx, const struct aml_trace *t)
{
	struct rec *r = ctx;

	if (r->nt < MAX_TRACE)
		r->t[r->nt++] = *t;
}

static struct aml_ns *build(struct aml_table *t, u32 n)
{
	struct aml_log log = { .fn = on_diag, .ctx = &rec };
	struct aml_ns *ns = NULL;

	memset(&rec, 0, sizeof(rec));
	assert_int_equal(aml_namespace_build_traced(&ns, arena, ARENA, t, n,
						    &log, on_trace, &rec), 0);
	return ns;
}

static struct aml_table load(const char *name)
{
	char path[256];
	struct aml_table t;
	FILE *f;
	long len;

	snprintf(path, sizeof(path), "%s/%s", AML_DATA_DIR, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	t.data = malloc((size_t)len);
	t.len = (u32)len;
	assert_int_equal(fread(t.data, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	return t;
}

static struct aml_table tables[2];

static int load_constructs(void **state)
{
	tables[0] = load("constructs.aml");
	tables[1] = load("constructs_ssdt.aml");
	return 0;
}

static int free_constructs(void **state)
{
	free(tables[0].data);
	free(tables[1].data);
	return 0;
}

static struct aml_node *must_find(struct aml_ns *ns, const char *path,
				  enum aml_type type)
{
	struct aml_node *n = aml_find(ns, path);

	if (!n)
		fail_msg("%s not found", path);
	if (n->type != type)
		fail_msg("%s is %s, want %s", path, aml_type_name(n->type),
			 aml_type_name(type));
	return n;
}

static void test_constructs(void **state)
{
	struct aml_ns *ns = build(tables, 2);
	struct aml_node *n;

	assert_int_equal(rec.errors + rec.warnings, 0);
	must_find(ns, "\\INT0", AML_T_INTEGER);
	assert_int_equal(aml_find(ns, "\\INT0")->value, 0x1234);
	must_find(ns, "\\STR0", AML_T_STRING);
	must_find(ns, "\\BUF0", AML_T_BUFFER);
	must_find(ns, "\\PKG0", AML_T_PACKAGE);
	must_find(ns, "\\EVT0", AML_T_EVENT);
	assert_int_equal(must_find(ns, "\\MTX0", AML_T_MUTEX)->aux, 3);
	assert_int_equal(must_find(ns, "\\M0A0", AML_T_METHOD)->argc, 0);
	n = must_find(ns, "\\M3A7", AML_T_METHOD);
	assert_int_equal(n->argc, 7);
	assert_int_equal(n->aux, 0x07 | 0x08 | 0x30);	/* serialized, sync 3 */
	n = must_find(ns, "\\_PR.CPU0", AML_T_PROCESSOR);
	assert_int_equal(n->aux, 1);
	assert_int_equal(n->value, 0x810);
	must_find(ns, "\\_PR.CPU0.PDAT", AML_T_INTEGER);
	must_find(ns, "\\_TZ.TZ00", AML_T_THERMAL);
	must_find(ns, "\\_TZ.TZ00._TMP", AML_T_METHOD);
	must_find(ns, "\\_SB.PWR0", AML_T_POWER);
	must_find(ns, "\\_SB.PWR0._ON", AML_T_METHOD);
	must_find(ns, "\\_SB.PCI0", AML_T_DEVICE);
	assert_int_equal(must_find(ns, "\\_SB.PCI0._OSC", AML_T_METHOD)->argc, 4);
	must_find(ns, "\\DTR0", AML_T_REGION);
	must_find(ns, "\\_OSI", AML_T_METHOD);
	assert_int_equal(aml_find(ns, "\\_OSI")->argc, 1);
}

static void test_regions_fields(void **state)
{
	struct aml_ns *ns = build(tables, 2);
	struct aml_node *r, *n;

	r = must_find(ns, "\\_SB.PCI0.GPIO", AML_T_REGION);
	assert_int_equal(r->aux, 1);		/* SystemIO */
	assert_true(r->flags & AML_NF_CONST);
	assert_int_equal(r->value, 0x800);
	assert_int_equal(r->aux2, 0x40);
	n = must_find(ns, "\\_SB.PCI0.GP00", AML_T_REGION_FIELD);
	assert_ptr_equal(n->link, r);
	assert_int_equal(n->aux, 0);
	assert_int_equal(n->aux2, 8);
	n = must_find(ns, "\\_SB.PCI0.GP01", AML_T_REGION_FIELD);
	assert_int_equal(n->aux, 12);
	assert_int_equal(n->aux2, 4);
	n = must_find(ns, "\\_SB.PCI0.GP02", AML_T_REGION_FIELD);
	assert_int_equal(n->aux, 32);
	assert_int_equal(n->aux2, 32);
	n = must_find(ns, "\\_SB.PCI0.LDN", AML_T_INDEX_FIELD);
	assert_int_equal(n->aux, 56);
	assert_ptr_equal(n->link, aml_find(ns, "\\_SB.PCI0.INDX"));
	must_find(ns, "\\_SB.PCI0.BKF0", AML_T_BANK_FIELD);
	must_find(ns, "\\_SB.PCI0.BFD0", AML_T_BUFFER_FIELD);
	must_find(ns, "\\_SB.PCI0.BFB0", AML_T_BUFFER_FIELD);
	must_find(ns, "\\_SB.PCI0.BFX0", AML_T_BUFFER_FIELD);
	n = must_find(ns, "\\_SB.PCI0.OSCA", AML_T_METHOD_ALIAS);
	assert_ptr_equal(n->link, aml_find(ns, "\\_SB.PCI0._OSC"));
	must_find(ns, "\\_SB.PCI0.GPAL", AML_T_ALIAS);
}

static const struct aml_trace *find_call(const char *path);

static int has_external(void *ctx, struct aml_node *n, u32 depth)
{
	char path[AML_PATH_MAX];

	aml_node_path(n, path, sizeof(path));
	return (n->flags & AML_NF_EXTERNAL) && !strcmp(path, ctx);
}

static void test_external(void **state)
{
	struct aml_ns *ns = build(tables, 2);
	struct aml_node *n;

	/* Declared only: a placeholder, invisible to lookups and dumps... */
	assert_null(aml_find(ns, "\\NOWH.ERE_"));
	assert_true(aml_walk(ns, has_external, "\\NOWH.ERE_"));
	/* ...but it tells how many arguments a call to it takes. */
	assert_int_equal(find_call("\\NOWH.ERE_")->argc, 2);
	/* Declared External in the DSDT, defined by the SSDT. */
	n = must_find(ns, "\\_SB.PCI0.XCAL", AML_T_METHOD);
	assert_int_equal(n->argc, 3);
	assert_int_equal(n->table, 1);
	assert_false(n->flags & AML_NF_EXTERNAL);
}

/* The call to target (by path) recorded in the trace, or NULL. */
static const struct aml_trace *find_call(const char *path)
{
	char p[AML_PATH_MAX];
	u32 i;

	for (i = 0; i < rec.nt; i++) {
		if (rec.t[i].opcode != AML_OP_CALL || !rec.t[i].target)
			continue;
		aml_node_path(rec.t[i].target, p, sizeof(p));
		if (!strcmp(p, path))
			return &rec.t[i];
	}
	return NULL;
}

static void test_calls_forward_and_across(void **state)
{
	const struct aml_trace *t;

	build(tables, 2);
	/* FWDC calls LATE, declared after it in the same table. */
	t = find_call("\\_SB_.PCI0.LATE");
	assert_non_null(t);
	assert_int_equal(t->argc, 2);
	assert_int_equal(t->table, 0);
	/* XTBL (DSDT) calls XCAL (SSDT), which calls back LATE (DSDT). */
	t = find_call("\\_SB_.PCI0.XCAL");
	assert_non_null(t);
	assert_int_equal(t->argc, 3);
	assert_int_equal(t->table, 0);
	assert_int_equal(rec.nd, 0);
}

static void test_sleep_states(void **state)
{
	struct aml_ns *ns = build(tables, 2);
	bool cond = true;
	u8 a, b;

	assert_int_equal(aml_sleep_state(ns, 0, &a, &b, &cond), 0);
	assert_int_equal(a, 0);
	assert_false(cond);
	assert_int_equal(aml_sleep_state(ns, 3, &a, &b, NULL), 0);
	assert_int_equal(a, 5);
	assert_int_equal(b, 6);
	/* One element holding both values. */
	assert_int_equal(aml_sleep_state(ns, 4, &a, &b, NULL), 0);
	assert_int_equal(a, 6);
	assert_int_equal(b, 7);
	assert_int_equal(aml_sleep_state(ns, 5, &a, &b, NULL), 0);
	assert_int_equal(a, 7);
	/* _S1_ is under If (SS3D == One) and SS3D is Zero: never declared. */
	assert_int_equal(aml_sleep_state(ns, 1, &a, &b, NULL), -ENOENT);
	assert_int_equal(aml_sleep_state(ns, 2, &a, &b, NULL), -ENOENT);
	assert_int_equal(aml_sleep_state(ns, 6, &a, &b, NULL), -EINVAL);
}

struct found {
	char path[8][AML_PATH_MAX];
	u32 n;
};

static int collect(void *ctx, struct aml_node *dev)
{
	struct found *f = ctx;

	if (f->n < 8)
		aml_node_path(dev, f->path[f->n++], AML_PATH_MAX);
	return 0;
}

static void test_find_devices(void **state)
{
	struct aml_ns *ns = build(tables, 2);
	struct aml_io_range io[4];
	struct found f = { .n = 0 };
	u32 n;

	assert_int_equal(aml_find_devices(ns, "PNP0501", collect, &f), 0);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.path[0], "\\_SB_.PCI0.UAR1");	/* EisaId */
	assert_string_equal(f.path[1], "\\_SB_.PCI0.UAR2");	/* string */
	assert_string_equal(f.path[2], "\\_SB_.PCI0.LPCB");	/* _CID pkg */
	f.n = 0;
	aml_find_devices(ns, "PNP0A03", collect, &f);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.path[0], "\\_SB_.PCI0");
	assert_int_equal(aml_device_io(ns, aml_find(ns, "\\_SB.PCI0.UAR1"),
				       io, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(io[0].base, 0x3f8);
	assert_int_equal(io[0].len, 8);
	/* _CRS is a method returning a named buffer. */
	assert_int_equal(aml_device_io(ns, aml_find(ns, "\\_SB.PCI0.UAR2"),
				       io, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(io[0].base, 0x2f8);
	assert_int_equal(aml_device_io(ns, aml_find(ns, "\\_SB.PCI0.LPCB"),
				       io, 4, &n), -ENOENT);
}

static void test_find_paths(void **state)
{
	struct aml_ns *ns = build(tables, 2);
	struct aml_node *n = aml_find(ns, "\\_SB_.PCI0.UAR1._HID");
	char path[AML_PATH_MAX];
	u64 v;

	assert_non_null(n);
	assert_ptr_equal(aml_find(ns, "\\_SB.PCI0.UAR1._HID"), n);
	assert_ptr_equal(aml_find(ns, "_SB.PCI0.UAR1._HID"), n);
	assert_ptr_equal(aml_child(ns, aml_find(ns, "\\_SB.PCI0.UAR1"),
				   "_HID"), n);
	assert_null(aml_find(ns, "\\_SB.PCI0.NOPE"));
	assert_null(aml_find(ns, "\\_SB.TOOLONG"));
	assert_int_equal(aml_node_integer(ns, n, &v), 0);
	assert_int_equal(v, 0x0105d041);
	assert_int_equal(aml_node_path(n, path, sizeof(path)), 0);
	assert_string_equal(path, "\\_SB_.PCI0.UAR1._HID");
	assert_int_equal(aml_node_path(n, path, 8), -ENOSPC);
}

static u8 sum(const struct aml_table *t)
{
	u8 s = 0;
	u32 i;

	for (i = 0; i < t->len; i++)
		s += t->data[i];
	return s;
}

static void test_patch(void **state)
{
	static const u8 ret1[] = { 0xa4, 0x01 };	/* Return (One) */
	struct aml_ns *ns = build(tables, 2);
	struct aml_node *n, *dis;
	u8 a, b;

	n = aml_find(ns, "\\_S3");
	assert_int_equal(aml_patch_rename(ns, n, "XS3_"), 0);
	assert_int_equal(sum(&tables[0]), 0);
	assert_null(aml_find(ns, "\\_S3_"));
	assert_ptr_equal(aml_find(ns, "\\XS3_"), n);
	assert_int_equal(aml_patch_rename(ns, n, "_S4_"), -EEXIST);
	assert_int_equal(aml_patch_rename(ns, n, "1BAD"), -EINVAL);
	dis = aml_find(ns, "\\_SB.PCI0.UAR1._DIS");
	assert_int_equal(aml_patch_method_body(ns, dis, ret1, 2), 0);
	assert_memory_equal(tables[0].data + dis->data, ret1, 2);
	assert_int_equal(tables[0].data[dis->data + dis->data_len - 1], 0xa3);
	assert_int_equal(aml_patch_method_body(ns, dis, ret1, 200), -ENOSPC);
	n = aml_find(ns, "\\INT0");
	assert_int_equal(aml_patch_integer(ns, n, 0x4321), 0);
	assert_int_equal(aml_patch_integer(ns, n, 0x12345), -ERANGE);
	n = aml_find(ns, "\\SS3D");
	assert_int_equal(aml_patch_integer(ns, n, 1), 0);
	assert_int_equal(aml_patch_integer(ns, n, 5), -ERANGE);
	assert_int_equal(sum(&tables[0]), 0);
	/* The patched tables parse cleanly into the patched namespace. */
	ns = build(tables, 2);
	assert_int_equal(rec.nd, 0);
	assert_int_equal(aml_sleep_state(ns, 3, &a, &b, NULL), -ENOENT);
	assert_non_null(aml_find(ns, "\\XS3_"));
	assert_int_equal(aml_find(ns, "\\INT0")->value, 0x4321);
	/* SS3D is One now, so the module-level If declares _S1_. */
	assert_int_equal(aml_sleep_state(ns, 1, &a, &b, NULL), 0);
}

static void test_arena(void **state)
{
	struct aml_ns *ns;

	assert_int_equal(aml_namespace_build(&ns, arena, 4096, tables, 2,
					     NULL), -ENOMEM);
	assert_true(aml_arena_hint(tables, 2) <= ARENA);
	assert_int_equal(aml_namespace_build(&ns, arena,
					     aml_arena_hint(tables, 2),
					     tables, 2, NULL), 0);
	assert_int_equal(aml_namespace_build(&ns, NULL, 1, tables, 2, NULL),
			 -EINVAL);
}

/* Seed item 10: one parse, to exactly this tree (opcode, depth). */
static void test_seed_expression(void **state)
{
	static const u32 want[][2] = {
		{ 0x08, 1 }, { 0x11, 2 }, { 0x0a, 3 },		/* A001 */
		{ 0x5b80, 1 },					/* A002 */
		{ 0x72, 2 }, { AML_OP_NAME, 3 }, { 0x72, 3 },
		{ 0x83, 4 }, { 0x88, 5 }, { AML_OP_NAME, 6 }, { 0x72, 6 },
		{ AML_OP_NAME, 7 }, { 0x01, 7 }, { 0x00, 7 }, { 0x00, 6 },
		{ 0x83, 4 }, { 0x88, 5 }, { AML_OP_NAME, 6 }, { 0x72, 6 },
		{ AML_OP_NAME, 7 }, { 0x0a, 7 }, { 0x00, 7 }, { 0x00, 6 },
		{ 0x00, 4 }, { 0x00, 3 }, { 0x0b, 2 },
		{ 0x08, 1 }, { 0x01, 2 },			/* A003 */
	};
	struct aml_table t = load("seed10.aml");
	struct aml_ns *ns = build(&t, 1);
	u32 i;

	assert_int_equal(rec.nd, 0);
	assert_int_equal(rec.nt, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		assert_int_equal(rec.t[i].opcode, want[i][0]);
		assert_int_equal(rec.t[i].depth, want[i][1]);
		if (rec.t[i].opcode == AML_OP_NAME)
			assert_ptr_equal(rec.t[i].target,
					 aml_find(ns, "\\A001"));
	}
	must_find(ns, "\\A002", AML_T_REGION);
	must_find(ns, "\\A003", AML_T_INTEGER);
	free(t.data);
}

/*
 * Name search rules (ACPI 6.5 section 5.3): from method TST0 in
 * \_SB.DEV0.CHLD, MTH0 is found upward in DEV0; ^^MTH0 names it
 * explicitly (a method is the scope of its body, so ^ is CHLD); a
 * multi-segment relative path is not searched upward (CHLD.MTH1 from TST0
 * is TST0.CHLD.MTH1, absent, as ACPICA resolves it too).
 */
static void test_name_rules(void **state)
{
	struct amlasm *a = malloc(sizeof(*a));
	struct aml_table t;
	u32 sc, d0, m0, ch, m1, m2, m3;
	const struct aml_trace *c;

	asm_begin(a, "DSDT");
	sc = asm_open(a, OP_SCOPE);
	asm_name(a, "\\_SB");
	d0 = asm_open(a, OP_DEVICE);
	asm_name(a, "DEV0");
	m0 = asm_open(a, OP_METHOD);
	asm_name(a, "MTH0");
	asm_byte(a, 1);
	asm_close(a, m0);
	ch = asm_open(a, OP_DEVICE);
	asm_name(a, "CHLD");
	m1 = asm_open(a, OP_METHOD);
	asm_name(a, "MTH1");
	asm_byte(a, 2);
	asm_close(a, m1);
	m2 = asm_open(a, OP_METHOD);
	asm_name(a, "TST0");
	asm_byte(a, 0);
	asm_name(a, "MTH0");		/* upward search: DEV0.MTH0 */
	asm_int(a, 1);
	asm_name(a, "^^MTH0");		/* TST0 -> CHLD -> DEV0 */
	asm_int(a, 2);
	asm_name(a, "CHLD.MTH1");	/* TST0.CHLD.MTH1: not found */
	asm_close(a, m2);
	asm_close(a, ch);
	m3 = asm_open(a, OP_METHOD);
	asm_name(a, "TST1");
	asm_byte(a, 0);
	asm_name(a, "^CHLD.MTH1");	/* from TST1: DEV0.CHLD.MTH1 */
	asm_int(a, 3);
	asm_int(a, 4);
	asm_close(a, m3);
	asm_close(a, d0);
	asm_close(a, sc);
	t = asm_end(a);
	build(&t, 1);
	c = find_call("\\_SB_.DEV0.MTH0");
	assert_non_null(c);
	assert_int_equal(c->argc, 1);
	c = find_call("\\_SB_.DEV0.CHLD.MTH1");
	assert_non_null(c);
	assert_int_equal(c->argc, 2);
	assert_true(c->offset > m3);	/* only TST1's call resolved */
	assert_int_equal(rec.nd, 1);
	assert_int_equal(rec.d[0].code, AML_D_UNRESOLVED);
	assert_string_equal(rec.d[0].name, "CHLD.MTH1");
	assert_string_equal(rec.d[0].path, "\\_SB_.DEV0.CHLD.TST0");
	free(a);
}

/* Names declared in a method body are local to it, but resolve inside. */
static void test_method_temporaries(void **state)
{
	struct amlasm *a = malloc(sizeof(*a));
	struct aml_table t;
	struct aml_ns *ns;
	u32 m, inner;

	asm_begin(a, "DSDT");
	m = asm_open(a, OP_METHOD);
	asm_name(a, "OUTR");
	asm_byte(a, 0);
	asm_byte(a, OP_NAME);
	asm_name(a, "LOCL");
	asm_int(a, 5);
	inner = asm_open(a, OP_METHOD);
	asm_name(a, "INNR");
	asm_byte(a, 2);
	asm_close(a, inner);
	asm_name(a, "INNR");
	asm_name(a, "LOCL");
	asm_int(a, 9);
	asm_close(a, m);
	asm_byte(a, OP_NAME);
	asm_name(a, "AFTR");
	asm_int(a, 1);
	t = asm_end(a);
	ns = build(&t, 1);
	assert_int_equal(rec.nd, 0);
	assert_non_null(find_call("\\OUTR.INNR"));
	assert_null(aml_find(ns, "\\OUTR.INNR"));
	assert_null(aml_find(ns, "\\OUTR.LOCL"));
	must_find(ns, "\\AFTR", AML_T_INTEGER);
	must_find(ns, "\\OUTR", AML_T_METHOD);
	free(a);
}

static void name_int(struct amlasm *a, const char *name, u64 v)
{
	asm_byte(a, OP_NAME);
	asm_name(a, name);
	asm_int(a, v);
}

/* Module-level If: static predicates pick a branch, others keep both. */
static void test_module_if(void **state)
{
	struct amlasm *a = malloc(sizeof(*a));
	struct aml_table t;
	struct aml_ns *ns;
	u32 i, e, f;

	asm_begin(a, "DSDT");
	name_int(a, "NUMB", 5);
	i = asm_open(a, OP_IF);
	asm_byte(a, OP_LEQUAL);
	asm_name(a, "NUMB");
	asm_int(a, 5);
	name_int(a, "YES0", 1);
	asm_close(a, i);
	e = asm_open(a, OP_ELSE);
	name_int(a, "NO00", 1);
	asm_close(a, e);
	/* A field's value is not static: both branches, conditional. */
	asm_op(a, OP_OPREGION);
	asm_name(a, "REG0");
	asm_byte(a, 1);
	asm_int(a, 0x80);
	asm_int(a, 1);
	f = asm_open(a, OP_FIELD);
	asm_name(a, "REG0");
	asm_byte(a, 1);
	asm_name(a, "FLD0");
	asm_byte(a, 8);
	asm_close(a, f);
	i = asm_open(a, OP_IF);
	asm_name(a, "FLD0");
	name_int(a, "CND0", 1);
	asm_close(a, i);
	e = asm_open(a, OP_ELSE);
	name_int(a, "CND1", 1);
	asm_close(a, e);
	/* CondRefOf sees only what is loaded before it. */
	i = asm_open(a, OP_IF);
	asm_byte(a, 0x5b);
	asm_byte(a, 0x12);
	asm_name(a, "LATR");
	asm_byte(a, 0);
	name_int(a, "CRF1", 1);
	asm_close(a, i);
	name_int(a, "LATR", 1);
	t = asm_end(a);
	ns = build(&t, 1);
	assert_int_equal(rec.nd, 0);
	assert_false(must_find(ns, "\\YES0", AML_T_INTEGER)->flags &
		     AML_NF_CONDITIONAL);
	assert_null(aml_find(ns, "\\NO00"));
	assert_true(must_find(ns, "\\CND0", AML_T_INTEGER)->flags &
		    AML_NF_CONDITIONAL);
	assert_true(must_find(ns, "\\CND1", AML_T_INTEGER)->flags &
		    AML_NF_CONDITIONAL);
	assert_null(aml_find(ns, "\\CRF1"));
	free(a);
}

/* First definition wins; External() is taken over by the definition. */
static void test_duplicates(void **state)
{
	struct amlasm *a = malloc(sizeof(*a));
	struct aml_table t;
	struct aml_ns *ns;
	u32 d, m;
	int k;

	asm_begin(a, "DSDT");
	asm_byte(a, OP_EXTERNAL);
	asm_name(a, "\\EXT1");
	asm_byte(a, AML_T_METHOD);
	asm_byte(a, 2);
	for (k = 0; k < 2; k++) {
		d = asm_open(a, OP_DEVICE);
		asm_name(a, "DUP0");
		name_int(a, k ? "BBBB" : "AAAA", 1);
		asm_close(a, d);
	}
	m = asm_open(a, OP_METHOD);
	asm_name(a, "EXT1");
	asm_byte(a, 1);
	asm_close(a, m);
	t = asm_end(a);
	ns = build(&t, 1);
	must_find(ns, "\\DUP0.AAAA", AML_T_INTEGER);
	assert_null(aml_find(ns, "\\DUP0.BBBB"));
	assert_int_equal(rec.nd, 1);
	assert_int_equal(rec.d[0].code, AML_D_DUPLICATE);
	assert_int_equal(must_find(ns, "\\EXT1", AML_T_METHOD)->argc, 1);
	free(a);
}

/*
 * A table's own External() argument count wins for its calls: the SSDT
 * was compiled against External (SGPO, 2 args), the DSDT defines SGPO
 * with 4 (a corpus machine does this).  Read with 4, the call would
 * swallow the declaration after it.
 */
static void test_external_argc(void **state)
{
	struct amlasm *d = malloc(sizeof(*d)), *s = malloc(sizeof(*s));
	struct aml_table t[2];
	struct aml_ns *ns;
	u32 m, sc;

	asm_begin(d, "DSDT");
	m = asm_open(d, OP_METHOD);
	asm_name(d, "SGPO");
	asm_byte(d, 4);
	asm_close(d, m);
	t[0] = asm_end(d);
	asm_begin(s, "SSDT");
	asm_byte(s, OP_EXTERNAL);
	asm_name(s, "\\SGPO");
	asm_byte(s, AML_T_METHOD);
	asm_byte(s, 2);
	sc = asm_open(s, OP_SCOPE);
	asm_name(s, "\\");
	asm_name(s, "SGPO");
	asm_int(s, 7);
	asm_int(s, 8);
	name_int(s, "AFTR", 1);
	asm_close(s, sc);
	t[1] = asm_end(s);
	ns = build(t, 2);
	assert_int_equal(rec.nd, 0);
	assert_int_equal(find_call("\\SGPO")->argc, 2);
	assert_int_equal(must_find(ns, "\\SGPO", AML_T_METHOD)->argc, 4);
	must_find(ns, "\\AFTR", AML_T_INTEGER);
	free(d);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constructs),
		cmocka_unit_test(test_regions_fields),
		cmocka_unit_test(test_external),
		cmocka_unit_test(test_calls_forward_and_across),
		cmocka_unit_test(test_sleep_states),
		cmocka_unit_test(test_find_devices),
		cmocka_unit_test(test_find_paths),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_patch),
		cmocka_unit_test(test_seed_expression),
		cmocka_unit_test(test_name_rules),
		cmocka_unit_test(test_method_temporaries),
		cmocka_unit_test(test_module_if),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_external_argc),
	};
	int r;

	arena = malloc(ARENA);
	r = cmocka_run_group_tests(tests, load_constructs, free_constructs);
	free(arena);
	return r;
}
