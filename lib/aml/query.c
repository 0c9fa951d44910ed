/*
 * Queries the hypervisor needs from a built namespace, answered from the
 * AML as it sits in the tables, without executing anything: finding
 * objects by path, walking the tree, the \_Sx_ sleep-type values, devices
 * by _HID/_CID, and the I/O ports of a device's _CRS.  Values computed by
 * methods cannot be known statically; only the common shapes are decoded
 * (a Name with constant data, or a method whose body is one Return of a
 * constant or of a named buffer), and anything else is reported as
 * -ENODATA rather than guessed.
 */
#include <tv/aml_internal.h>

/* "_S3" -> "_S3_": pad a 1..4 character segment with underscores. */
static int text_seg(const char *s, size_t len, u32 *seg)
{
	u8 b[4] = { '_', '_', '_', '_' };
	size_t i;

	if (!len || len > 4)
		return -EINVAL;
	for (i = 0; i < len; i++)
		b[i] = (u8)s[i];
	*seg = aml_seg(b);
	return 0;
}

struct aml_node *aml_child(const struct aml_ns *ns, const struct aml_node *n,
			   const char *seg)
{
	u32 s;

	if (!n || text_seg(seg, strnlen(seg, 5), &s))
		return NULL;
	return aml_ns_child(ns, n, s);
}

struct aml_node *aml_find(const struct aml_ns *ns, const char *path)
{
	struct aml_node *n = ns->root;
	const char *dot;
	size_t len;
	u32 seg;

	if (*path == '\\')
		path++;
	while (*path && n) {
		dot = strchr(path, '.');
		len = dot ? (size_t)(dot - path) : strlen(path);
		if (text_seg(path, len, &seg))
			return NULL;
		n = aml_ns_child(ns, n, seg);
		if (n && (n->flags & AML_NF_EXTERNAL))
			return NULL;
		path += len + (dot != NULL);
	}
	return n;
}

int aml_walk(const struct aml_ns *ns,
	     int (*fn)(void *ctx, struct aml_node *n, u32 depth), void *ctx)
{
	struct aml_node *n = ns->root->child;
	u32 depth = 0;
	int r;

	while (n) {
		r = fn(ctx, n, depth);
		if (r)
			return r;
		if (n->child) {
			n = n->child;
			depth++;
			continue;
		}
		while (!n->next) {
			n = n->parent;
			if (n == ns->root)
				return 0;
			depth--;
		}
		n = n->next;
	}
	return 0;
}

int aml_sleep_state(const struct aml_ns *ns, unsigned int state, u8 *typa,
		    u8 *typb, bool *cond)
{
	char name[5] = "_S0_";
	struct aml_node *n;
	u64 a, b;
	int err;

	if (state > 5)
		return -EINVAL;
	name[2] = (char)('0' + state);
	n = aml_child(ns, ns->root, name);
	if (!n || (n->flags & AML_NF_EXTERNAL))
		return -ENOENT;
	err = aml_package_integer(ns, n, 0, &a);
	if (err)
		return err == -EINVAL ? -ENODATA : err;
	/* One element holds both, as ACPICA accepts (hwxface.c). */
	if (aml_package_integer(ns, n, 1, &b) == -ERANGE)
		b = a >> 8;
	else if (aml_package_integer(ns, n, 1, &b))
		return -ENODATA;
	*typa = (u8)a;
	*typb = (u8)b;
	if (cond)
		*cond = n->flags & AML_NF_CONDITIONAL;
	return 0;
}

void aml_eisaid_decode(u32 id, char out[8])
{
	static const char hex[] = "0123456789ABCDEF";
	u32 s = (id >> 24) | ((id >> 8) & 0xff00) | ((id << 8) & 0xff0000) |
		(id << 24);

	out[0] = (char)('@' + ((s >> 26) & 0x1f));
	out[1] = (char)('@' + ((s >> 21) & 0x1f));
	out[2] = (char)('@' + ((s >> 16) & 0x1f));
	out[3] = hex[(s >> 12) & 0xf];
	out[4] = hex[(s >> 8) & 0xf];
	out[5] = hex[(s >> 4) & 0xf];
	out[6] = hex[s & 0xf];
	out[7] = 0;
}

/* Does the integer (EISA id) or string constant at aml[at] equal id? */
static bool id_at(const u8 *aml, u32 at, u32 limit, const char *id)
{
	size_t len = strlen(id), i;
	char eisa[8];
	u64 v;
	u32 next;

	if (!aml_decode_int(aml, at, limit, &v, &next)) {
		aml_eisaid_decode((u32)v, eisa);
		return !strcmp(eisa, id);
	}
	if (at >= limit || aml[at] != 0x0d || len >= limit - at - 1)
		return false;
	for (i = 0; i < len; i++)
		if (aml[at + 1 + i] != (u8)id[i])
			return false;
	return aml[at + 1 + len] == 0;
}

static bool object_has_id(const struct aml_ns *ns, const struct aml_node *n,
			  const char *id)
{
	const u8 *aml;
	u32 at, end, i;

	n = aml_ns_deref(n);
	if (!n || n->table >= ns->ntables || !n->data_len)
		return false;
	aml = ns->tables[n->table].data;
	end = n->data + n->data_len;
	switch (n->type) {
	case AML_T_INTEGER:
	case AML_T_STRING:
		return id_at(aml, n->data, end, id);
	case AML_T_METHOD:	/* Method (_HID) { Return ("...") } */
		return aml[n->data] == 0xa4 && id_at(aml, n->data + 1, end, id);
	case AML_T_PACKAGE:	/* _CID: Package of ids */
		for (i = 0; !aml_package_element(ns, n, i, &at, &end); i++)
			if (id_at(aml, at, end, id))
				return true;
	}
	return false;
}

bool aml_device_has_id(const struct aml_ns *ns, const struct aml_node *dev,
		       const char *id)
{
	return object_has_id(ns, aml_child(ns, dev, "_HID"), id) ||
	       object_has_id(ns, aml_child(ns, dev, "_CID"), id);
}

struct find_ctx {
	const struct aml_ns *ns;
	const char *id;
	int (*fn)(void *ctx, struct aml_node *dev);
	void *ctx;
};

static int find_one(void *ctx, struct aml_node *n, u32 depth __unused)
{
	struct find_ctx *fc = ctx;

	if (n->type != AML_T_DEVICE || (n->flags & AML_NF_EXTERNAL) ||
	    !aml_device_has_id(fc->ns, n, fc->id))
		return 0;
	return fc->fn(fc->ctx, n);
}

int aml_find_devices(const struct aml_ns *ns, const char *id,
		     int (*fn)(void *ctx, struct aml_node *dev), void *ctx)
{
	struct find_ctx fc = { .ns = ns, .id = id, .fn = fn, .ctx = ctx };

	return aml_walk(ns, find_one, &fc);
}
