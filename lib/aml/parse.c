/*
 * The AML term parser: one deterministic left-to-right pass over a table.
 *
 * The parser is a loop over an explicit stack of frames, one per opcode
 * being parsed, instead of recursion: firmware nests If/Else chains a few
 * hundred deep (compiled Switch statements), and the hypervisor's stacks
 * are small.  A frame holds the opcode's remaining operand spec (see
 * opcodes.c) and the limit no operand may cross: its own PkgLength end,
 * or its parent's.  Every iteration consumes at least one byte, pushes a
 * frame after consuming its opcode, or pops one, so the work per table is
 * at most a small multiple of its length, and every read is checked
 * against the innermost limit.
 *
 * The only place AML is ambiguous is a name in operand position: it is a
 * method call, whose arguments follow, or a plain reference.  The parser
 * decides once, by resolving the name against the namespace (which in the
 * second pass already holds the declarations of every table); an unknown
 * name is taken as a reference with no arguments, as ACPICA does, and
 * reported.  A wrong guess can only leave arguments behind as stray terms
 * of the enclosing list, never swallow the declarations after them.
 *
 * Errors (unknown or misplaced opcode, truncated object, PkgLength past
 * its parent) abandon the innermost object that has a PkgLength: parsing
 * resumes after it, with a diagnostic naming table, offset and scope.
 */
#include <tv/aml_internal.h>

enum term_kind { TK_STMT, TK_ARG, TK_SUPER, TK_ELEM };

/* A recoverable parse error, already reported. */
#define EPARSE	EPROTO

static const char call_args[] = "ttttttt";

static int fail(struct aml_parser *p, enum aml_diag_code code,
		const char *msg, u32 off, u32 opcode)
{
	aml_report(p, AML_SEV_ERROR, code, msg, off, opcode, NULL);
	return -EPARSE;
}

static struct aml_frame *push(struct aml_parser *p, u32 opcode,
			      const char *args, u32 start)
{
	struct aml_frame *parent = &p->frames[p->sp - 1];
	struct aml_frame *f;

	if (p->sp >= AML_MAX_FRAMES)
		return NULL;
	f = &p->frames[p->sp++];
	f->args = args;
	f->scope = parent->scope;
	f->node = NULL;
	f->ref = NULL;
	f->start = start;
	f->end = parent->end;
	f->name_off = 0;
	f->data_off = 0;
	f->opcode = opcode;
	f->flags = parent->flags & (FR_METHOD | FR_COND | FR_DEAD);
	f->data_op = 0;
	f->branch = BR_UNKNOWN;
	return f;
}

static void trace(struct aml_parser *p, u32 off, u32 opcode, u32 argc,
		  const struct aml_node *target)
{
	struct aml_trace t = {
		.table = p->table, .offset = off, .opcode = opcode,
		.depth = p->sp, .argc = argc, .target = target,
	};

	if (p->pass == 2 && p->ns->trace)
		p->ns->trace(p->ns->trace_ctx, &t);
}

/*
 * Arguments a resolved name takes when it appears as a TermArg: the
 * method's own count, unless this very table declared it External() with
 * another count and the definition lives in another table: then the
 * External() count is the one its calls were compiled with.  A table that
 * defines the method itself was compiled against the definition.
 */
static u32 call_argc(const struct aml_parser *p, const struct aml_node *n)
{
	n = aml_ns_deref(n);
	if (!n)
		return 0;
	if (n->type == AML_T_METHOD)
		return n->ext_table == p->table && n->table != p->table ?
		       n->ext_argc : n->argc;
	if (n->type == AML_T_EXTERNAL && n->aux == AML_T_METHOD)
		return n->argc;
	return 0;
}

static int term_name(struct aml_parser *p, struct aml_frame *f,
		     enum term_kind kind)
{
	struct aml_name nm;
	struct aml_node *n = NULL;
	u32 start = p->pos, argc = 0;

	if (aml_name_decode(p->aml, p->pos, f->end, &nm, &p->pos))
		return fail(p, AML_D_TRUNCATED, "truncated name", start, 0);
	if (kind == TK_ARG || kind == TK_STMT || p->ns->trace) {
		n = aml_ns_resolve(p->ns, f->scope, &nm, AML_LK_SEARCH);
		if (!n)
			n = aml_ns_resolve(p->ns, f->scope, &nm,
					   AML_LK_SEARCH | AML_LK_EXTERNAL);
	}
	if (kind == TK_ARG || kind == TK_STMT) {
		argc = call_argc(p, n);
		if (!n && nm.nseg && p->pass == 2) {
			p->ns->unresolved++;
			aml_report(p, AML_SEV_WARN, AML_D_UNRESOLVED,
				   "unresolved name, assumed not a call",
				   start, 0, &nm);
		}
	}
	trace(p, start, argc ? AML_OP_CALL : AML_OP_NAME, argc, n);
	if (!argc)
		return 0;
	if (!push(p, AML_OP_CALL, call_args + 7 - argc, start))
		return fail(p, AML_D_DEPTH, "nesting too deep", start, 0);
	return 0;
}

/*
 * A term list takes anything; operand positions take values only.  A
 * package list also takes declarations, as ACPICA does: firmware with a
 * missing closing brace nests a Name() in the package before it, and
 * the object is still meant to exist.
 */
static bool allowed(enum term_kind kind, u8 cls)
{
	return kind == TK_STMT || cls == OPC_DATA || cls == OPC_EXPR ||
	       cls == OPC_REF || (kind == TK_ELEM && cls == OPC_NAMED);
}

/* Data prefixes are the commonest terms: take them without a frame. */
static int term_data(struct aml_parser *p, struct aml_frame *f, u8 op)
{
	static const u8 width[16] = { [0x0a] = 1, [0x0b] = 2, [0x0c] = 4,
				      [0x0e] = 8 };
	u32 at = p->pos + 1;

	if (op == 0x0d) {
		while (at < f->end && p->aml[at])
			at++;
		if (at >= f->end)
			return fail(p, AML_D_TRUNCATED, "unterminated string",
				    p->pos, op);
		p->pos = at + 1;
		return 0;
	}
	if (width[op] > f->end - at)
		return fail(p, AML_D_TRUNCATED, "truncated constant", p->pos,
			    op);
	p->pos = at + width[op];
	return 0;
}

static int start_op(struct aml_parser *p, struct aml_frame *f,
		    enum term_kind kind, u32 opcode,
		    const struct aml_opinfo *info)
{
	u32 start = p->pos;
	struct aml_frame *nf;

	if (!allowed(kind, info->cls))
		return fail(p, AML_D_MISPLACED, "misplaced opcode", start,
			    opcode);
	if (kind == TK_ELEM && info->cls == OPC_NAMED)
		aml_report(p, AML_SEV_WARN, AML_D_MISPLACED,
			   "declaration inside a package list", start, opcode,
			   NULL);
	if (kind == TK_STMT && info->cls == OPC_DATA && p->pass == 2 &&
	    !(f->flags & FR_METHOD) && !info->args[0])
		aml_report(p, AML_SEV_NOTE, AML_D_STRAY,
			   "stray constant in term list ignored", start,
			   opcode, NULL);
	trace(p, start, opcode, 0, NULL);
	if (opcode >= 0x0a && opcode <= 0x0e)
		return term_data(p, f, (u8)opcode);
	p->pos += opcode > 0xff ? 2 : 1;
	if (!info->args[0])
		return 0;
	nf = push(p, opcode, info->args, start);
	if (!nf)
		return fail(p, AML_D_DEPTH, "nesting too deep", start, opcode);
	if (!(nf->flags & FR_METHOD) &&
	    (opcode == 0xa0 || opcode == 0xa1 || opcode == 0xa2))
		nf->flags |= FR_COND;
	return 0;
}

static int start_term(struct aml_parser *p, struct aml_frame *f,
		      enum term_kind kind)
{
	const struct aml_opinfo *info;
	u32 opcode;
	u8 b;

	if (p->pos >= f->end)
		return fail(p, AML_D_TRUNCATED, "missing operand", p->pos,
			    f->opcode);
	b = p->aml[p->pos];
	if (aml_is_name_start(b))
		return term_name(p, f, kind);
	if (b >= 0x60 && b <= 0x6e) {
		trace(p, p->pos, AML_OP_LOCAL, 0, NULL);
		p->pos++;
		return 0;
	}
	opcode = b;
	if (b == 0x5b) {
		if (p->pos + 1 >= f->end)
			return fail(p, AML_D_TRUNCATED, "truncated opcode",
				    p->pos, b);
		opcode = 0x5b00 | p->aml[p->pos + 1];
	}
	info = aml_opinfo(opcode);
	if (!info)
		return fail(p, AML_D_OPCODE, "unknown opcode", p->pos, opcode);
	return start_op(p, f, kind, opcode, info);
}

static int arg_fixed(struct aml_parser *p, struct aml_frame *f, u32 width)
{
	if (width > f->end - p->pos)
		return fail(p, AML_D_TRUNCATED, "truncated operand", p->pos,
			    f->opcode);
	p->pos += width;
	return 0;
}

/*
 * A package that overruns the package around it (a firmware definition
 * error: a missing closing brace) is taken as ACPICA takes it: the outer
 * packages end where it ends.  Only up to the first enclosing object that
 * does contain it, never out of a method body or the table.
 */
static int stretch(struct aml_parser *p, u32 end)
{
	u32 i;

	for (i = p->sp - 1; i-- > 0;) {
		if (p->frames[i].end >= end)
			break;
		if (p->frames[i].opcode == 0x14)
			return -ERANGE;
	}
	for (i = p->sp - 1; i-- > 0 && p->frames[i].end < end;)
		p->frames[i].end = end;
	return 0;
}

static int arg_pkglen(struct aml_parser *p, struct aml_frame *f)
{
	u32 limit = f->end;
	int err = aml_pkglen(p->aml, p->pos, limit, &f->end, &p->pos);

	if (err == -ERANGE &&
	    !aml_pkglen(p->aml, p->pos, p->len, &f->end, &p->pos) &&
	    !stretch(p, f->end)) {
		aml_report(p, AML_SEV_ERROR, AML_D_LENGTH,
			   "package overruns its enclosing package, "
			   "which is extended", f->start, f->opcode, NULL);
		err = 0;
	}
	if (err == -ERANGE)
		return fail(p, AML_D_LENGTH, "package length out of range",
			    f->start, f->opcode);
	if (err)
		return fail(p, AML_D_TRUNCATED, "truncated package length",
			    f->start, f->opcode);
	f->flags |= FR_PKG;
	f->data_off = p->pos;	/* If/While: the predicate starts here */
	return 0;
}

static int arg_string(struct aml_parser *p, struct aml_frame *f)
{
	u32 at = p->pos;

	while (at < f->end && p->aml[at])
		at++;
	if (at >= f->end)
		return fail(p, AML_D_TRUNCATED, "unterminated string", p->pos,
			    f->opcode);
	p->pos = at + 1;
	return 0;
}

/* 'n', 'N': a NameString operand that is never a call. */
static int arg_name(struct aml_parser *p, struct aml_frame *f, bool decl)
{
	struct aml_name nm;
	u32 start = p->pos;

	if (aml_name_decode(p->aml, p->pos, f->end, &nm, &p->pos))
		return fail(p, AML_D_TRUNCATED, "bad name", start, f->opcode);
	if (decl) {
		f->name_off = start;
		return 0;
	}
	if (!f->ref) {
		f->ref = aml_ns_resolve(p->ns, f->scope, &nm, AML_LK_SEARCH);
		if (!f->ref)
			f->ref = aml_ns_resolve(p->ns, f->scope, &nm,
						AML_LK_SEARCH |
						AML_LK_EXTERNAL);
	}
	trace(p, start, AML_OP_NAME, 0, f->ref);
	return 0;
}

/* 'c': Scope() opens an existing object; otherwise its body is skipped. */
static int arg_scope(struct aml_parser *p, struct aml_frame *f)
{
	struct aml_name nm;
	struct aml_node *n;
	u32 start = p->pos;

	if (aml_name_decode(p->aml, p->pos, f->end, &nm, &p->pos))
		return fail(p, AML_D_TRUNCATED, "bad name", start, f->opcode);
	n = aml_ns_resolve(p->ns, f->scope, &nm, AML_LK_SEARCH);
	trace(p, start, AML_OP_NAME, 0, n);
	if (n && aml_loaded_before(p, n, f->start)) {
		f->scope = n;
		return 0;
	}
	f->flags |= FR_SKIP;
	if (p->pass == 2)
		aml_report(p, AML_SEV_ERROR, AML_D_NO_SCOPE,
			   "Scope() target not found, body skipped", f->start,
			   f->opcode, &nm);
	return 0;
}

/*
 * Module-level If/Else: take the branch a static predicate selects (its
 * objects are then unconditional); otherwise parse both, flagged
 * conditional.  The If's decision reaches its Else via else_at.  The
 * branch not taken is still parsed, dead: iasl wraps a table's External()
 * declarations in If (Zero), and those are wanted.
 */
static void decide_branch(struct aml_parser *p, struct aml_frame *f)
{
	u8 parent_cond = p->frames[p->sp - 2].flags & FR_COND;
	bool known;
	u64 v = 0;

	f->flags |= FR_DECIDED;
	if (f->opcode == 0xa0) {
		known = !aml_eval_predicate(p, f->scope, f->start, f->data_off,
					    p->pos, &v);
		f->branch = !known ? BR_UNKNOWN : v ? BR_SKIP_ELSE :
			    BR_TAKE_ELSE;
	} else {
		known = f->start == p->else_at &&
			p->else_branch != BR_UNKNOWN;
		v = p->else_branch == BR_TAKE_ELSE;
	}
	if (!known)
		return;
	f->flags = (u8)((f->flags & ~FR_COND) | parent_cond);
	if (!v)
		f->flags |= FR_DEAD;
}

/* 'T': the body of a Scope, Device, Method, If... */
static int arg_termlist(struct aml_parser *p, struct aml_frame *f)
{
	int err;

	if (f->name_off && !f->node && !(f->flags & FR_SKIP)) {
		err = aml_declare(p, f);
		if (err)
			return err;
		if (f->node) {
			f->scope = f->node;
			if (f->opcode == 0x14 && p->pass == 2) {
				f->flags |= FR_METHOD | FR_TEMPS;
				f->mark = p->ns->arena.used;
			}
		}
	}
	if ((f->opcode == 0xa0 || f->opcode == 0xa1) &&
	    !(f->flags & (FR_METHOD | FR_DECIDED)))
		decide_branch(p, f);
	if ((f->flags & FR_SKIP) || (f->opcode == 0x14 && p->pass == 1))
		p->pos = f->end;
	if (p->pos >= f->end) {
		f->args++;
		return 0;
	}
	return start_term(p, f, TK_STMT);
}

static int complete(struct aml_parser *p, struct aml_frame *f)
{
	int err = 0;

	if (f->name_off && !f->node && !(f->flags & FR_SKIP))
		err = aml_declare(p, f);
	if ((f->flags & FR_PKG) && p->pos < f->end) {
		if (p->pass == 2)
			aml_report(p, AML_SEV_WARN, AML_D_TRAILING,
				   "bytes left in package skipped", p->pos,
				   f->opcode, NULL);
		p->pos = f->end;
	}
	if (f->flags & FR_TEMPS)
		aml_release_temps(p, f);
	if (f->opcode == 0xa0 && !(f->flags & FR_METHOD)) {
		p->else_at = f->end;
		p->else_branch = f->branch;
	}
	p->sp--;
	return err;
}

static int step(struct aml_parser *p, struct aml_frame *f)
{
	switch (*f->args) {
	case 0:
		return complete(p, f);
	case 'T':
		return arg_termlist(p, f);
	case 'P':
		if (p->pos >= f->end) {
			f->args++;
			return 0;
		}
		return start_term(p, f, TK_ELEM);
	}
	switch (*f->args++) {
	case 'p':
		return arg_pkglen(p, f);
	case 't':
		return start_term(p, f, TK_ARG);
	case 's':
		return start_term(p, f, TK_SUPER);
	case 'D':
		f->data_off = p->pos;
		f->data_op = p->pos < f->end ? p->aml[p->pos] : 0;
		return start_term(p, f, TK_ELEM);
	case 'n':
		return arg_name(p, f, true);
	case 'N':
		return arg_name(p, f, false);
	case 'c':
		return arg_scope(p, f);
	case 'b':
		return arg_fixed(p, f, 1);
	case 'w':
		return arg_fixed(p, f, 2);
	case 'd':
		return arg_fixed(p, f, 4);
	case 'q':
		return arg_fixed(p, f, 8);
	case 'S':
		return arg_string(p, f);
	case 'B':
		p->pos = f->end;
		return 0;
	case 'F':
		return aml_field_list(p, f);
	}
	return fail(p, AML_D_OPCODE, "bad operand spec", f->start, f->opcode);
}

/*
 * Abandon the innermost object with a PkgLength: resume after it.  Its
 * declaration, if its name was read, is kept (a Device whose body is
 * damaged still exists); objects without a PkgLength are dropped whole.
 */
static void unwind(struct aml_parser *p)
{
	struct aml_frame *f;

	while (p->sp) {
		f = &p->frames[p->sp - 1];
		if (f->flags & FR_PKG) {
			p->pos = f->end;
			while (*f->args)
				f->args++;
			if (!f->node)	/* its operands may be incomplete */
				f->flags |= FR_SKIP;
			return;
		}
		p->sp--;
	}
}

int aml_parse_table(struct aml_parser *p)
{
	struct aml_frame *f = &p->frames[0];
	int err;

	memset(f, 0, sizeof(*f));
	f->args = "T";
	f->scope = p->ns->root;
	f->end = p->len;
	f->flags = FR_PKG;
	p->pos = AML_HDR_LEN;
	p->sp = 1;
	p->else_at = 0;
	while (p->sp) {
		err = step(p, &p->frames[p->sp - 1]);
		if (err == -ENOMEM)
			return err;
		if (err)
			unwind(p);
	}
	return 0;
}
