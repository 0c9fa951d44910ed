/*
 * The namespace tree and its name rules.
 *
 * Nodes come from a bump arena and are never freed one by one; the only
 * release is of a method body's temporaries, which were the last nodes
 * allocated, so the arena simply moves back.  Every node is on two lists:
 * its parent's children (in declaration order, as ACPICA keeps them, so
 * dumps compare line by line) and one chain of a hash table keyed by
 * (parent, NameSeg).  A lookup is therefore O(1) however wide a scope is,
 * which keeps the parse linear in the AML size.
 *
 * Name resolution follows ACPI 6.5 section 5.3: a path starting with '\'
 * is absolute, each '^' moves one scope up, a multi-segment path is taken
 * relative to the current scope only, and a single NameSeg with no prefix
 * is searched in the current scope and then in each parent up to the
 * root.
 */
#include <tv/aml_internal.h>

void *aml_alloc(struct aml_arena *a, size_t size)
{
	size_t at = ALIGN_UP(a->used, 8);
	void *p;

	if (at > a->size || size > a->size - at)
		return NULL;
	p = a->base + at;
	a->used = at + size;
	memset(p, 0, size);
	return p;
}

bool aml_is_name_start(u8 b)
{
	return (b >= 'A' && b <= 'Z') || b == '_' || b == '\\' || b == '^' ||
	       b == 0x2e || b == 0x2f;
}

u32 aml_seg(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static bool seg_lead_ok(u8 b)
{
	return (b >= 'A' && b <= 'Z') || b == '_';
}

/*
 * NameString := <RootChar | ParentPrefix*> NamePath, NamePath being a
 * NameSeg, DualNamePrefix + 2 segs, MultiNamePrefix + count + segs, or
 * NullName (ACPI 6.5 section 20.2.2).
 */
int aml_name_decode(const u8 *aml, u32 pos, u32 limit, struct aml_name *nm,
		    u32 *next)
{
	u32 n;

	nm->root = nm->up = nm->nseg = 0;
	if (pos < limit && aml[pos] == '\\') {
		nm->root = 1;
		pos++;
	}
	while (!nm->root && pos < limit && aml[pos] == '^' && nm->up < 255) {
		nm->up++;
		pos++;
	}
	if (pos >= limit)
		return -EBADMSG;
	if (aml[pos] == 0x00) {
		n = 0;
		pos++;
	} else if (aml[pos] == 0x2e) {
		n = 2;
		pos++;
	} else if (aml[pos] == 0x2f) {
		if (pos + 1 >= limit)
			return -EBADMSG;
		n = aml[pos + 1];
		pos += 2;
	} else if (seg_lead_ok(aml[pos])) {
		n = 1;
	} else {
		return -EBADMSG;
	}
	if (n * 4 > limit - pos)
		return -EBADMSG;
	nm->segs = aml + pos;
	nm->nseg = (u8)n;
	*next = pos + n * 4;
	return 0;
}

static u32 hash_of(const struct aml_node *parent, u32 seg)
{
	u64 h = (u64)(uintptr_t)parent * 0x9e3779b97f4a7c15ULL;

	h ^= (u64)seg * 0xc2b2ae3d27d4eb4fULL;
	return (u32)(h >> 32) ^ (u32)h;
}

struct aml_node *aml_ns_child(const struct aml_ns *ns,
			      const struct aml_node *parent, u32 seg)
{
	struct aml_node *n = ns->hash[hash_of(parent, seg) & ns->hash_mask];

	for (; n; n = n->hnext)
		if (n->name == seg && n->parent == parent)
			return n;
	return NULL;
}

static void hash_insert(struct aml_ns *ns, struct aml_node *n)
{
	struct aml_node **b = &ns->hash[hash_of(n->parent, n->name) &
					ns->hash_mask];

	n->hnext = *b;
	*b = n;
}

static void hash_remove(struct aml_ns *ns, struct aml_node *n)
{
	struct aml_node **b = &ns->hash[hash_of(n->parent, n->name) &
					ns->hash_mask];

	for (; *b; b = &(*b)->hnext) {
		if (*b == n) {
			*b = n->hnext;
			return;
		}
	}
}

struct aml_node *aml_ns_new(struct aml_ns *ns, struct aml_node *parent,
			    u32 seg)
{
	struct aml_node *n = aml_alloc(&ns->arena, sizeof(*n));

	if (!n)
		return NULL;
	n->name = seg;
	n->parent = parent;
	n->table = AML_NO_TABLE;
	n->ext_table = AML_NO_TABLE;
	if (parent) {
		n->prev = parent->last;
		if (parent->last)
			parent->last->next = n;
		else
			parent->child = n;
		parent->last = n;
		hash_insert(ns, n);
	}
	ns->nodes++;
	return n;
}

/* Detach n (whose children must already be gone) from tree and hash. */
void aml_ns_unlink(struct aml_ns *ns, struct aml_node *n)
{
	struct aml_node *p = n->parent;

	hash_remove(ns, n);
	if (n->prev)
		n->prev->next = n->next;
	else
		p->child = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		p->last = n->prev;
	ns->nodes--;
}

void aml_ns_rehash(struct aml_ns *ns, struct aml_node *n, u32 seg)
{
	hash_remove(ns, n);
	n->name = seg;
	hash_insert(ns, n);
}

int aml_ns_init(struct aml_ns *ns, u32 buckets)
{
	ns->hash = aml_alloc(&ns->arena, sizeof(*ns->hash) * buckets);
	if (!ns->hash)
		return -ENOMEM;
	ns->hash_mask = buckets - 1;
	ns->root = aml_ns_new(ns, NULL, aml_seg((const u8 *)"\\___"));
	return ns->root ? 0 : -ENOMEM;
}

static bool usable(const struct aml_node *n, u32 flags)
{
	return n && ((flags & AML_LK_EXTERNAL) ||
		     !(n->flags & AML_NF_EXTERNAL));
}

/* Starting scope of a path: root, or scope moved up by its '^'s. */
static struct aml_node *path_base(struct aml_node *scope,
				  const struct aml_name *nm)
{
	u32 i;

	if (nm->root) {
		while (scope->parent)
			scope = scope->parent;
		return scope;
	}
	for (i = 0; i < nm->up && scope; i++)
		scope = scope->parent;
	return scope;
}

static struct aml_node *walk_segs(const struct aml_ns *ns,
				  struct aml_node *n, const u8 *segs,
				  u32 count, u32 flags)
{
	u32 i;

	for (i = 0; i < count && n; i++) {
		n = aml_ns_child(ns, n, aml_seg(segs + 4 * i));
		if (!usable(n, flags))
			return NULL;
	}
	return n;
}

struct aml_node *aml_ns_resolve(const struct aml_ns *ns,
				struct aml_node *scope,
				const struct aml_name *nm, u32 flags)
{
	struct aml_node *s, *n;
	u32 seg;

	if ((flags & AML_LK_SEARCH) && nm->nseg == 1 && !nm->root &&
	    !nm->up) {
		seg = aml_seg(nm->segs);
		for (s = scope; s; s = s->parent) {
			n = aml_ns_child(ns, s, seg);
			if (usable(n, flags))
				return n;
		}
		return NULL;
	}
	s = path_base(scope, nm);
	return s ? walk_segs(ns, s, nm->segs, nm->nseg, flags) : NULL;
}

/* Parent under which the last segment of nm is declared (no search). */
struct aml_node *aml_ns_prefix(const struct aml_ns *ns,
			       struct aml_node *scope,
			       const struct aml_name *nm)
{
	struct aml_node *s = path_base(scope, nm);

	if (!s || !nm->nseg)
		return NULL;
	return walk_segs(ns, s, nm->segs, nm->nseg - 1u, 0);
}

/* Follow Alias links (bounded: aliases of aliases may loop). */
const struct aml_node *aml_ns_deref(const struct aml_node *n)
{
	u32 i;

	for (i = 0; n && i < AML_MAX_ALIAS_HOPS; i++) {
		if (n->type != AML_T_ALIAS && n->type != AML_T_METHOD_ALIAS)
			return n;
		n = n->link;
	}
	return NULL;
}

static int put_seg(char *buf, size_t size, size_t *at, u32 seg, bool dot)
{
	u32 i;

	if (*at + 5 + dot >= size)
		return -ENOSPC;
	if (dot)
		buf[(*at)++] = '.';
	for (i = 0; i < 4; i++) {
		u8 c = (u8)(seg >> (8 * i));

		buf[(*at)++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	buf[*at] = 0;
	return 0;
}

int aml_node_path(const struct aml_node *n, char *buf, size_t size)
{
	const struct aml_node *chain[AML_PATH_MAX / 5 + 1];
	size_t at = 1, depth = 0;
	int err = 0;

	if (size < 2)
		return -ENOSPC;
	for (; n && n->parent; n = n->parent) {
		if (depth == ARRAY_SIZE(chain))
			return -ENOSPC;
		chain[depth++] = n;
	}
	buf[0] = '\\';
	buf[1] = 0;
	while (depth-- && !err)
		err = put_seg(buf, size, &at, chain[depth]->name, at > 1);
	return err;
}

/* "^^_SB_.PCI0" style text of a NameString, for diagnostics. */
int aml_name_text(const struct aml_name *nm, char *buf, size_t size)
{
	size_t at = 0;
	u32 i;
	int err = 0;

	if (size < 2)
		return -ENOSPC;
	if (nm->root)
		buf[at++] = '\\';
	for (i = 0; i < nm->up && at + 1 < size; i++)
		buf[at++] = '^';
	buf[at] = 0;
	for (i = 0; i < nm->nseg && !err; i++)
		err = put_seg(buf, size, &at, aml_seg(nm->segs + 4 * i), i > 0);
	return err;
}
