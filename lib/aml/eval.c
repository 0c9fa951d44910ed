/*
 * Static evaluation of module-level If predicates.
 *
 * An If at table level runs once, while the table loads, before any
 * method has run: a predicate built only from constants, from Names
 * holding constants, and from CondRefOf() of objects loaded earlier has
 * the same value on every machine, so the parser can take the right
 * branch, as ACPICA does when it executes the table.  Anything else
 * (fields, which read hardware; method calls; strings) is not static:
 * then both branches are parsed and what they declare is flagged
 * AML_NF_CONDITIONAL.  The evaluator is a small recursive descent over the
 * predicate's bytes with a fixed depth limit; it never writes anything.
 */
#include <tv/aml_internal.h>

#define EVAL_MAX_DEPTH	16

struct eval {
	const struct aml_parser *p;
	struct aml_node *scope;
	u32 at;		/* offset of the If: the load-order point */
	u32 end;
};

static int eval(struct eval *e, u32 *pos, u64 *v, u32 depth);

static struct aml_node *static_name(struct eval *e, u32 *pos)
{
	struct aml_name nm;
	struct aml_node *n;

	if (aml_name_decode(e->p->aml, *pos, e->end, &nm, pos))
		return NULL;
	n = aml_ns_resolve(e->p->ns, e->scope, &nm, AML_LK_SEARCH);
	if (!n || (n->flags & AML_NF_CONDITIONAL) ||
	    !aml_loaded_before(e->p, n, e->at))
		return NULL;
	return n;
}

/* Operand of CondRefOf: does the name exist at this point of the load? */
static int cond_ref(struct eval *e, u32 *pos, u64 *v)
{
	struct aml_name nm;
	struct aml_node *n;

	if (*pos >= e->end || !aml_is_name_start(e->p->aml[*pos]) ||
	    aml_name_decode(e->p->aml, *pos, e->end, &nm, pos))
		return -ENODATA;
	n = aml_ns_resolve(e->p->ns, e->scope, &nm, AML_LK_SEARCH);
	if (n && (n->flags & AML_NF_CONDITIONAL))
		return -ENODATA;
	*v = n && aml_loaded_before(e->p, n, e->at);
	/* Only a null target: a real one would be a side effect. */
	if (*pos >= e->end || e->p->aml[(*pos)++] != 0x00)
		return -ENODATA;
	return 0;
}

static int binary(struct eval *e, u32 *pos, u8 op, u64 *v, u32 depth)
{
	u64 a, b;
	bool target = op < 0x90;

	if (eval(e, pos, &a, depth + 1) || eval(e, pos, &b, depth + 1))
		return -ENODATA;
	if (target && (*pos >= e->end || e->p->aml[(*pos)++] != 0x00))
		return -ENODATA;
	switch (op) {
	case 0x72: *v = a + b; break;
	case 0x74: *v = a - b; break;
	case 0x7b: *v = a & b; break;
	case 0x7d: *v = a | b; break;
	case 0x7f: *v = a ^ b; break;
	case 0x90: *v = a && b; break;
	case 0x91: *v = a || b; break;
	case 0x93: *v = a == b; break;
	case 0x94: *v = a > b; break;
	case 0x95: *v = a < b; break;
	default: return -ENODATA;
	}
	return 0;
}

static int eval(struct eval *e, u32 *pos, u64 *v, u32 depth)
{
	const u8 *aml = e->p->aml;
	struct aml_node *n;
	u8 op;

	if (depth > EVAL_MAX_DEPTH || *pos >= e->end)
		return -ENODATA;
	if (!aml_decode_int(aml, *pos, e->end, v, pos))
		return 0;
	op = aml[*pos];
	if (aml_is_name_start(op)) {
		n = static_name(e, pos);
		if (!n || n->type != AML_T_INTEGER ||
		    !(n->flags & AML_NF_CONST))
			return -ENODATA;
		*v = n->value;
		return 0;
	}
	(*pos)++;
	if (op == 0x92) {
		if (eval(e, pos, v, depth + 1))
			return -ENODATA;
		*v = !*v;
		return 0;
	}
	if (op == 0x5b && *pos < e->end && aml[*pos] == 0x12) {
		(*pos)++;
		return cond_ref(e, pos, v);
	}
	return binary(e, pos, op, v, depth);
}

/* Value of the predicate in aml[pos, end) if static, else -ENODATA. */
int aml_eval_predicate(const struct aml_parser *p, struct aml_node *scope,
		       u32 at, u32 pos, u32 end, u64 *val)
{
	struct eval e = { .p = p, .scope = scope, .at = at, .end = end };

	if (eval(&e, &pos, val, 0) || pos != end)
		return -ENODATA;
	return 0;
}
