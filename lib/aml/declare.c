/*
 * Declarations: how a parsed named object becomes a namespace node.
 *
 * Both passes run the same code.  In the first pass a declaration either
 * creates its node or, if the name already exists, is a duplicate that
 * ACPICA would reject with AE_ALREADY_EXISTS: it is skipped, body and
 * all, so the first definition wins.  An External() creates a placeholder
 * (flagged AML_NF_EXTERNAL, invisible to everything but call resolution)
 * that a real definition later takes over.
 *
 * In the second pass the node normally exists already, created by this
 * very opcode (same table and offset): it is only confirmed.  If the
 * second parse reads the table differently from the first (a call to a
 * method declared later changed how many operands a module-level
 * expression has), a declaration may be new (it is created) or may be
 * missing (aml_prune_unconfirmed() removes it after the pass).  Both are
 * reported, since they mean the first pass misread the table.
 *
 * Inside a method body nothing is global: declarations there become
 * temporaries, visible to the rest of the body for name resolution and
 * released when the body ends.  They are the last nodes in the arena, so
 * releasing them is unlinking them in reverse and moving the arena back.
 */
#include <tv/aml_internal.h>

static bool seg_lead_ok(u8 b)
{
	return (b >= 'A' && b <= 'Z') || b == '_';
}

/* Declared before offset off of the current table, in load order? */
bool aml_loaded_before(const struct aml_parser *p, const struct aml_node *n,
		       u32 off)
{
	if (n->table == AML_NO_TABLE || (n->flags & AML_NF_TEMP))
		return true;
	return n->table < p->table ||
	       (n->table == p->table && n->offset < off);
}

static void init_node(struct aml_parser *p, struct aml_frame *f,
		      struct aml_node *n, u8 type, u32 off)
{
	n->type = type;
	n->table = p->table;
	n->offset = off;
	n->flags &= ~AML_NF_EXTERNAL;
	if (type == AML_T_EXTERNAL)
		n->flags |= AML_NF_EXTERNAL;
	/* Conditional if declared under an undecided If, or inside an
	 * object that is itself conditional. */
	if ((f->flags & FR_COND) ||
	    (n->parent && (n->parent->flags & AML_NF_CONDITIONAL)))
		n->flags |= AML_NF_CONDITIONAL;
	if (f->flags & FR_METHOD)
		n->flags |= AML_NF_TEMP;
	if (p->pass == 2)
		n->flags |= AML_NF_SEEN2;
}

/*
 * Remember the first External() of a method: iasl compiled that table's
 * calls with its argument count, which is what those bytes hold even if
 * the definition elsewhere disagrees (seen in a corpus SSDT).
 */
static void note_external(struct aml_parser *p, struct aml_frame *f,
			  struct aml_node *n)
{
	struct aml_name nm;
	u32 at;

	if (p->pass != 1 || (f->flags & FR_METHOD) ||
	    n->ext_table != AML_NO_TABLE ||
	    aml_name_decode(p->aml, f->name_off, p->len, &nm, &at) ||
	    p->aml[at] != AML_T_METHOD)
		return;
	n->ext_table = p->table;
	n->ext_argc = p->aml[at + 1] & 7;
}

/* The name exists: confirm it, take it over, or reject a duplicate. */
static struct aml_node *existing(struct aml_parser *p, struct aml_frame *f,
				 struct aml_node *n, u8 type, u32 off)
{
	bool later = n->table != AML_NO_TABLE && !aml_loaded_before(p, n, off);

	if (p->pass == 2 && n->table == p->table && n->offset == off &&
	    !(n->flags & AML_NF_TEMP)) {
		n->flags |= AML_NF_SEEN2;
		return n;
	}
	if (f->flags & FR_METHOD)
		return NULL;	/* a method body never redefines globals */
	if (type == AML_T_EXTERNAL) {
		note_external(p, f, n);
		return NULL;	/* External() of something known */
	}
	if (n->flags & AML_NF_EXTERNAL) {
		init_node(p, f, n, type, off);
		return n;
	}
	if (p->pass == 2 && !(n->flags & AML_NF_SEEN2) && later) {
		aml_report(p, AML_SEV_WARN, AML_D_DIVERGED,
			   "declaration moved by the full parse", off,
			   f->opcode, NULL);
		init_node(p, f, n, type, off);
		return n;
	}
	/* If/Else alternatives both declaring a name are normal. */
	if ((f->flags & FR_COND) && (n->flags & AML_NF_CONDITIONAL))
		aml_report(p, AML_SEV_NOTE, AML_D_DUPLICATE,
			   "name declared by another undecided branch too",
			   off, f->opcode, NULL);
	else
		aml_report(p, AML_SEV_WARN, AML_D_DUPLICATE,
			   "name already exists, declaration ignored", off,
			   f->opcode, NULL);
	return NULL;
}

static int declare_node(struct aml_parser *p, struct aml_frame *f,
			struct aml_node *parent, u32 seg, u8 type, u32 off,
			struct aml_node **out)
{
	struct aml_node *n = aml_ns_child(p->ns, parent, seg);

	if (n) {
		*out = existing(p, f, n, type, off);
		return 0;
	}
	n = aml_ns_new(p->ns, parent, seg);
	if (!n)
		return -ENOMEM;
	if (p->pass == 2 && !(f->flags & FR_METHOD) &&
	    type != AML_T_EXTERNAL)
		aml_report(p, AML_SEV_WARN, AML_D_DIVERGED,
			   "declaration found only by the full parse", off,
			   f->opcode, NULL);
	init_node(p, f, n, type, off);
	*out = n;
	return 0;
}

/* External(\A.B.C) may name scopes nobody defines: make placeholders. */
static int external_prefix(struct aml_parser *p, struct aml_frame *f,
			   struct aml_node *s, const struct aml_name *nm,
			   struct aml_node **out)
{
	struct aml_node *c;
	u32 i;

	for (i = 0; s && i + 1 < nm->nseg; i++, s = c) {
		c = aml_ns_child(p->ns, s, aml_seg(nm->segs + 4 * i));
		if (!c) {
			c = aml_ns_new(p->ns, s, aml_seg(nm->segs + 4 * i));
			if (!c)
				return -ENOMEM;
			init_node(p, f, c, AML_T_EXTERNAL, f->start);
			c->aux = AML_T_ANY;
		}
		if (p->pass == 2)
			c->flags |= AML_NF_SEEN2;
	}
	*out = s;
	return 0;
}

static int decl_parent(struct aml_parser *p, struct aml_frame *f,
		       const struct aml_name *nm, struct aml_node **out)
{
	struct aml_node *s = f->scope, *c;
	u32 i;

	if (nm->root)
		s = p->ns->root;
	for (i = 0; i < nm->up && s; i++)
		s = s->parent;
	if (f->opcode == 0x15)
		return external_prefix(p, f, s, nm, out);
	for (i = 0; s && i + 1 < nm->nseg; i++, s = c) {
		c = aml_ns_child(p->ns, s, aml_seg(nm->segs + 4 * i));
		if (!c || (c->flags & AML_NF_EXTERNAL) ||
		    !aml_loaded_before(p, c, f->start))
			c = NULL;
	}
	*out = s;
	return 0;
}

static u8 decl_type(const struct aml_frame *f)
{
	const struct aml_node *t;

	switch (f->opcode) {
	case 0x08:
		if (f->data_op == 0x11)
			return AML_T_BUFFER;
		if (f->data_op == 0x12 || f->data_op == 0x13)
			return AML_T_PACKAGE;
		return f->data_op == 0x0d ? AML_T_STRING : AML_T_INTEGER;
	case 0x06:
		t = aml_ns_deref(f->ref);
		return t && (t->type == AML_T_METHOD ||
			     (t->type == AML_T_EXTERNAL &&
			      t->aux == AML_T_METHOD)) ?
			AML_T_METHOD_ALIAS : AML_T_ALIAS;
	}
	return aml_opinfo(f->opcode)->type;
}

/* Opcode-specific details; at is just past the declared NameString. */
static void fill(struct aml_parser *p, struct aml_frame *f,
		 struct aml_node *n, u32 at)
{
	const u8 *aml = p->aml;
	u64 v;
	u32 next;

	switch (f->opcode) {
	case 0x08:
		n->data = f->data_off;
		n->data_len = p->pos - f->data_off;
		if (!aml_decode_int(aml, n->data, p->pos, &n->value, &next))
			n->flags |= AML_NF_CONST;
		break;
	case 0x14:
		n->aux = aml[at];
		n->argc = aml[at] & 7;
		n->data = p->pos;
		n->data_len = f->end - p->pos;
		break;
	case 0x15:
		if (n->flags & AML_NF_EXTERNAL) {
			n->aux = aml[at];
			n->argc = aml[at + 1] & 7;
		}
		note_external(p, f, n);
		break;
	case 0x06:
		n->link = f->ref;
		break;
	case 0x5b80:
		n->aux = aml[at];
		if (!aml_decode_int(aml, at + 1, p->pos, &n->value, &next) &&
		    !aml_decode_int(aml, next, p->pos, &v, &next)) {
			n->aux2 = (u32)v;
			n->flags |= AML_NF_CONST;
		}
		break;
	case 0x5b83:
		n->aux = aml[at];
		n->value = aml_seg(aml + at + 1);
		break;
	case 0x5b01:
		n->aux = aml[at];
		break;
	}
}

/* Create (or confirm) the object frame f declares, if not done yet. */
int aml_declare(struct aml_parser *p, struct aml_frame *f)
{
	struct aml_node *parent, *n = NULL;
	struct aml_name nm;
	u32 at;
	int err;

	if (aml_name_decode(p->aml, f->name_off, p->len, &nm, &at) ||
	    !nm.nseg || ((f->flags & FR_DEAD) && f->opcode != 0x15)) {
		f->flags |= FR_SKIP;
		return 0;
	}
	err = decl_parent(p, f, &nm, &parent);
	if (!err && !parent)
		aml_report(p, AML_SEV_ERROR, AML_D_NO_SCOPE,
			   "scope of declared name not found", f->start,
			   f->opcode, &nm);
	if (!err && parent)
		err = declare_node(p, f, parent,
				   aml_seg(nm.segs + 4 * (nm.nseg - 1u)),
				   decl_type(f), f->start, &n);
	if (err)
		return err;
	if (!n) {
		f->flags |= FR_SKIP;
		return 0;
	}
	n->seg_off = (u32)(nm.segs - p->aml) + 4 * (nm.nseg - 1u);
	fill(p, f, n, at);
	f->node = n;
	return 0;
}

/* A PkgLength used as a number (field widths): not bounded by the table. */
static int pkg_value(const u8 *aml, u32 pos, u32 limit, u32 *val,
		     u32 *next)
{
	u32 nbytes, v, i;

	if (pos >= limit)
		return -EBADMSG;
	nbytes = aml[pos] >> 6;
	if (nbytes > limit - pos - 1)
		return -EBADMSG;
	v = nbytes ? aml[pos] & 0x0f : aml[pos] & 0x3f;
	for (i = 0; i < nbytes; i++)
		v |= (u32)aml[pos + 1 + i] << (4 + 8 * i);
	*val = v;
	*next = pos + 1 + nbytes;
	return 0;
}

static int field_unit(struct aml_parser *p, struct aml_frame *f, u32 *bit)
{
	struct aml_node *n;
	u32 off = p->pos, bits;
	int err;

	if (f->end - p->pos < 5 || pkg_value(p->aml, p->pos + 4, f->end,
					     &bits, &p->pos))
		return -EBADMSG;
	err = declare_node(p, f, f->scope, aml_seg(p->aml + off),
			   aml_opinfo(f->opcode)->type, off, &n);
	if (err)
		return err;
	if (n) {
		n->seg_off = off;
		n->link = f->ref;
		n->aux = *bit;
		n->aux2 = bits;
	}
	*bit += bits;
	return 0;
}

/* FieldElement (ACPI 6.5 section 20.2.5.2): one per iteration. */
static int field_element(struct aml_parser *p, struct aml_frame *f,
			 u32 *bit)
{
	const u8 *aml = p->aml;
	struct aml_name nm;
	u32 bits, end, pos = p->pos, left = f->end - p->pos;

	switch (aml[pos]) {
	case 0x00:	/* ReservedField: skip bits */
		if (pkg_value(aml, pos + 1, f->end, &bits, &p->pos))
			return -EBADMSG;
		*bit += bits;
		return 0;
	case 0x01:	/* AccessField: type, attribute */
	case 0x03:	/* ExtendedAccessField: type, attribute, length */
		if (left < (aml[pos] == 0x01 ? 3u : 4u))
			return -EBADMSG;
		p->pos += aml[pos] == 0x01 ? 3 : 4;
		return 0;
	case 0x02:	/* ConnectField: NameString or BufferData */
		if (left > 1 && aml[pos + 1] == 0x11) {
			if (aml_pkglen(aml, pos + 2, f->end, &end, &bits))
				return -EBADMSG;
			p->pos = end;
			return 0;
		}
		return aml_name_decode(aml, pos + 1, f->end, &nm, &p->pos);
	}
	if (!seg_lead_ok(aml[pos]))
		return -EBADMSG;
	return field_unit(p, f, bit);
}

int aml_field_list(struct aml_parser *p, struct aml_frame *f)
{
	u32 bit = 0;
	int err;

	if (f->flags & FR_DEAD) {
		p->pos = f->end;
		return 0;
	}
	if (!f->ref || (f->ref->flags & AML_NF_EXTERNAL) ||
	    !aml_loaded_before(p, f->ref, f->start)) {
		aml_report(p, AML_SEV_ERROR, AML_D_NO_SCOPE,
			   "field's region not found, units skipped",
			   f->start, f->opcode, NULL);
		p->pos = f->end;
		return 0;
	}
	while (p->pos < f->end) {
		err = field_element(p, f, &bit);
		if (err == -EBADMSG) {
			aml_report(p, AML_SEV_ERROR, AML_D_TRUNCATED,
				   "bad field element", p->pos, f->opcode,
				   NULL);
			return -EPROTO;
		}
		if (err)
			return err;
	}
	return 0;
}

void aml_release_temps(struct aml_parser *p, struct aml_frame *f)
{
	struct aml_arena *a = &p->ns->arena;
	size_t at = ALIGN_UP(f->mark, 8), sz = sizeof(struct aml_node);
	size_t n = a->used > at ? (a->used - at) / sz : 0;

	_Static_assert(sizeof(struct aml_node) % 8 == 0, "nodes tile the arena");
	while (n--)
		aml_ns_unlink(p->ns, (struct aml_node *)(a->base + at + n * sz));
	a->used = f->mark;
}

static struct aml_node *leftmost_leaf(struct aml_node *n)
{
	while (n->child)
		n = n->child;
	return n;
}

/* After pass 2: drop first-pass declarations the full parse did not see. */
void aml_prune_unconfirmed(struct aml_ns *ns)
{
	struct aml_node *n, *next;

	if (!ns->root->child)
		return;
	for (n = leftmost_leaf(ns->root->child); n && n != ns->root; n = next) {
		next = n->next ? leftmost_leaf(n->next) : n->parent;
		if (n->child || (n->flags & (AML_NF_SEEN2 | AML_NF_PREDEFINED)))
			continue;
		if (!(n->flags & AML_NF_EXTERNAL))
			aml_report_ns(ns, AML_SEV_WARN, AML_D_DIVERGED,
				      "declaration seen only by the first pass, dropped",
				      n->table, n->offset, n);
		aml_ns_unlink(ns, n);
	}
}
