/*
 * aml_namespace_build(): check the definition blocks, then parse them all
 * twice.
 *
 * Pass 1 walks every table in load order (DSDT, then the SSDTs) and
 * collects declarations; it does not enter method bodies, which declare
 * nothing global.  A call in module-level code to a method not declared
 * yet is the only thing it can misread.  Pass 2 parses everything again,
 * method bodies included, now resolving every call against the complete
 * namespace; it confirms the first pass's declarations, adds any the
 * first pass missed and reports them, and afterwards the unconfirmed ones
 * are removed.  Two passes, each linear: there is never a search among
 * alternative parses.
 *
 * The arena holds the namespace and, at its top end during the build, the
 * parser's frame stack, which is given back when the build ends.
 */
#include <tv/aml_internal.h>

struct predef {
	char name[5];
	u8 type, argc;
};

/* The objects ACPICA creates before loading any table (utglobal.c). */
static const struct predef predefined[] = {
	{ "_GPE", AML_T_SCOPE, 0 },	{ "_PR_", AML_T_SCOPE, 0 },
	{ "_SB_", AML_T_DEVICE, 0 },	{ "_SI_", AML_T_SCOPE, 0 },
	{ "_TZ_", AML_T_DEVICE, 0 },	{ "_REV", AML_T_INTEGER, 0 },
	{ "_OS_", AML_T_STRING, 0 },	{ "_GL_", AML_T_MUTEX, 0 },
	{ "_OSI", AML_T_METHOD, 1 },
};

static const char *const type_names[AML_T_COUNT] = {
	"Untyped", "Integer", "String", "Buffer", "Package", "FieldUnit",
	"Device", "Event", "Method", "Mutex", "Region", "Power", "Processor",
	"Thermal", "BufferField", "DdbHandle", "DebugObject", "RegionField",
	"BankField", "IndexField", "Alias", "MethodAlias", "Scope", "External",
};

static const char *const diag_names[AML_D_COUNT] = {
	"table", "opcode", "misplaced", "truncated", "length", "depth",
	"stray", "trailing", "unresolved", "no-scope", "duplicate",
	"diverged", "nomem",
};

const char *aml_type_name(enum aml_type t)
{
	return (unsigned int)t < AML_T_COUNT ? type_names[t] : "Invalid";
}

const char *aml_diag_name(enum aml_diag_code c)
{
	return (unsigned int)c < AML_D_COUNT ? diag_names[c] : "?";
}

static void emit(struct aml_ns *ns, struct aml_diag *d)
{
	const struct aml_table *t;

	ns->diags[d->code]++;
	d->sig[0] = 0;
	if (d->table < ns->ntables) {
		t = &ns->tables[d->table];
		if (t->data && t->len >= 4) {
			memcpy(d->sig, t->data, 4);
			d->sig[4] = 0;
		}
	}
	if (ns->log.fn)
		ns->log.fn(ns->log.ctx, d);
}

/* Parser diagnostics; the first pass is silent (the second sees all). */
void aml_report(struct aml_parser *p, enum aml_sev sev,
		enum aml_diag_code code, const char *msg, u32 offset,
		u32 opcode, const struct aml_name *nm)
{
	struct aml_diag *d = &p->diag;

	if (p->pass != 2)
		return;
	d->sev = sev;
	d->code = code;
	d->msg = msg;
	d->table = p->table;
	d->offset = offset;
	d->opcode = opcode;
	d->name[0] = 0;
	if (aml_node_path(p->frames[p->sp ? p->sp - 1 : 0].scope, d->path,
			  sizeof(d->path)))
		d->path[0] = 0;
	if (nm && aml_name_text(nm, d->name, sizeof(d->name)))
		d->name[0] = 0;
	emit(p->ns, d);
}

void aml_report_ns(struct aml_ns *ns, enum aml_sev sev,
		   enum aml_diag_code code, const char *msg, u32 table,
		   u32 offset, const struct aml_node *n)
{
	struct aml_diag d = {
		.sev = sev, .code = code, .msg = msg, .table = table,
		.offset = offset,
	};

	if (n && aml_node_path(n, d.path, sizeof(d.path)))
		d.path[0] = 0;
	emit(ns, &d);
}

static u32 le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

/* Length of a usable definition block, or 0 (reported) to skip it. */
static u32 check_table(struct aml_ns *ns, u32 i)
{
	const struct aml_table *t = &ns->tables[i];
	const char *why = NULL;
	u32 len = 0, k;
	u8 sum = 0;

	if (!t->data || t->len < AML_HDR_LEN)
		why = "table shorter than its header";
	else if ((len = le32(t->data + 4)) < AML_HDR_LEN || len > t->len)
		why = "table length field out of range";
	else if (memcmp(t->data, "DSDT", 4) && memcmp(t->data, "SSDT", 4) &&
		 memcmp(t->data, "PSDT", 4))
		why = "not a definition block";
	if (why) {
		aml_report_ns(ns, AML_SEV_ERROR, AML_D_TABLE, why, i, 0, NULL);
		return 0;
	}
	for (k = 0; k < len; k++)
		sum += t->data[k];
	if (sum)	/* as ACPICA and Linux: warn, the AML is still checked */
		aml_report_ns(ns, AML_SEV_WARN, AML_D_TABLE,
			      "table checksum mismatch", i, 9, NULL);
	return len;
}

static int predefine(struct aml_ns *ns)
{
	struct aml_node *n;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(predefined); i++) {
		n = aml_ns_new(ns, ns->root,
			       aml_seg((const u8 *)predefined[i].name));
		if (!n)
			return -ENOMEM;
		n->type = predefined[i].type;
		n->argc = predefined[i].argc;
		n->flags = AML_NF_PREDEFINED;
		if (n->type == AML_T_INTEGER) {
			n->value = 2;
			n->flags |= AML_NF_CONST;
		}
	}
	return 0;
}

size_t aml_arena_hint(const struct aml_table *tables, u32 n)
{
	size_t total = 0;
	u32 i;

	for (i = 0; i < n; i++)
		total += tables[i].len;
	/* The corpus peaks at 4 arena bytes per AML byte (5 on tiny ones). */
	return 6 * total + AML_MAX_FRAMES * sizeof(struct aml_frame) +
	       sizeof(struct aml_parser) + 128 * 1024;
}

static u32 hash_buckets(struct aml_ns *ns, const u32 *lens)
{
	size_t total = 0;
	u32 b = 256, i;

	for (i = 0; i < ns->ntables; i++)
		total += lens[i];
	while (b < total / 32 && b < (1u << 22))
		b <<= 1;
	return b;
}

static void *alloc_top(struct aml_arena *a, size_t size)
{
	size = ALIGN_UP(size, 8);
	a->size = ALIGN_DOWN(a->size, 8);
	if (a->size < ALIGN_UP(a->used, 8) + size)
		return NULL;
	a->size -= size;
	memset(a->base + a->size, 0, size);
	return a->base + a->size;
}

static int run_passes(struct aml_ns *ns, struct aml_parser *p,
		      const u32 *lens)
{
	u32 pass, i;
	int err;

	for (pass = 1; pass <= 2; pass++) {
		for (i = 0; i < ns->ntables; i++) {
			if (!lens[i])
				continue;
			p->aml = ns->tables[i].data;
			p->len = lens[i];
			p->table = (u8)i;
			p->pass = (u8)pass;
			err = aml_parse_table(p);
			if (err)
				return err;
		}
	}
	aml_prune_unconfirmed(ns);
	return 0;
}

static int build(struct aml_ns *ns)
{
	size_t top = ns->arena.size;
	struct aml_parser *p;
	u32 *lens, i;
	int err = -ENOMEM;

	p = alloc_top(&ns->arena, sizeof(*p));
	lens = alloc_top(&ns->arena, sizeof(*lens) * ns->ntables + 8);
	if (p)
		p->frames = alloc_top(&ns->arena,
				      sizeof(*p->frames) * AML_MAX_FRAMES);
	if (!p || !lens || !p->frames)
		goto restore_top;
	for (i = 0; i < ns->ntables; i++)
		lens[i] = check_table(ns, i);
	p->ns = ns;
	err = aml_ns_init(ns, hash_buckets(ns, lens));
	if (!err)
		err = predefine(ns);
	if (!err)
		err = run_passes(ns, p, lens);
restore_top:
	ns->arena.size = top;
	if (err == -ENOMEM)
		aml_report_ns(ns, AML_SEV_ERROR, AML_D_NOMEM,
			      "arena exhausted", AML_NO_TABLE, 0, NULL);
	return err;
}

int aml_namespace_build_traced(struct aml_ns **out, void *mem, size_t size,
			       struct aml_table *tables, u32 n,
			       const struct aml_log *log,
			       void (*trace)(void *ctx, const struct aml_trace *t),
			       void *trace_ctx)
{
	struct aml_arena a = { .base = mem, .size = size };
	struct aml_ns *ns;
	int err;

	if (!out || !mem || (n && !tables) || n >= AML_NO_TABLE)
		return -EINVAL;
	ns = aml_alloc(&a, sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	ns->arena = a;
	ns->tables = tables;
	ns->ntables = n;
	if (log)
		ns->log = *log;
	ns->trace = trace;
	ns->trace_ctx = trace_ctx;
	err = build(ns);
	if (err)
		return err;
	*out = ns;
	return 0;
}

int aml_namespace_build(struct aml_ns **out, void *mem, size_t size,
			struct aml_table *tables, u32 n,
			const struct aml_log *log)
{
	return aml_namespace_build_traced(out, mem, size, tables, n, log,
					  NULL, NULL);
}

void aml_stats(const struct aml_ns *ns, struct aml_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->nodes = ns->nodes - 1;	/* not the root */
	memcpy(st->diags, ns->diags, sizeof(st->diags));
	st->unresolved = ns->unresolved;
	st->arena_used = ns->arena.used;
}

struct aml_node *aml_root(const struct aml_ns *ns)
{
	return ns->root;
}
