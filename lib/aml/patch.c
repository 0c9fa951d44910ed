/*
 * In-place AML patches.  The hypervisor must change a few things the OS
 * will see: rename _S3_ so the OS does not offer a sleep state the
 * hypervisor cannot survive, neuter the _DIS of the serial port it logs
 * to, or change a constant.  Moving bytes would invalidate every
 * PkgLength around the change, so each patch keeps all lengths as they
 * are: a rename rewrites 4 bytes, a method body is overwritten from its
 * start and the rest filled with NoopOp, an integer is rewritten in its
 * existing encoding.  The table checksum (header byte 9) is then fixed.
 */
#include <tv/aml_internal.h>

#define AML_NOOP_OP	0xa3

static void fix_checksum(struct aml_table *t)
{
	u32 len = aml_seg(t->data + 4), i;
	u8 sum = 0;

	t->data[9] = 0;
	for (i = 0; i < len; i++)
		sum += t->data[i];
	t->data[9] = (u8)-sum;
}

static struct aml_table *node_table(struct aml_ns *ns,
				    const struct aml_node *n)
{
	if (!n || n->table >= ns->ntables ||
	    (n->flags & (AML_NF_EXTERNAL | AML_NF_PREDEFINED)))
		return NULL;
	return &ns->tables[n->table];
}

static bool seg_ok(const char *seg)
{
	u32 i;

	for (i = 0; i < 4; i++) {
		char c = seg[i];

		if (!((c >= 'A' && c <= 'Z') || c == '_' ||
		      (i && c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

int aml_patch_rename(struct aml_ns *ns, struct aml_node *n,
		     const char seg[4])
{
	struct aml_table *t = node_table(ns, n);
	u32 s;

	if (!t || !seg_ok(seg))
		return -EINVAL;
	s = aml_seg((const u8 *)seg);
	if (aml_ns_child(ns, n->parent, s))
		return -EEXIST;
	memcpy(t->data + n->seg_off, seg, 4);
	aml_ns_rehash(ns, n, s);
	fix_checksum(t);
	return 0;
}

int aml_patch_method_body(struct aml_ns *ns, struct aml_node *n,
			  const u8 *code, u32 len)
{
	struct aml_table *t = node_table(ns, n);

	if (!t || n->type != AML_T_METHOD || (len && !code))
		return -EINVAL;
	if (len > n->data_len)
		return -ENOSPC;
	if (len)
		memcpy(t->data + n->data, code, len);
	memset(t->data + n->data + len, AML_NOOP_OP, n->data_len - len);
	fix_checksum(t);
	return 0;
}

/* Width of the constant's encoding at aml[at]; 0 for Zero/One/Ones. */
static int int_width(const u8 *aml, u32 *width)
{
	switch (aml[0]) {
	case 0x00: case 0x01: case 0xff:
		*width = 0;
		return 0;
	case 0x0a:
		*width = 1;
		return 0;
	case 0x0b:
		*width = 2;
		return 0;
	case 0x0c:
		*width = 4;
		return 0;
	case 0x0e:
		*width = 8;
		return 0;
	}
	return -ENODATA;
}

int aml_patch_integer(struct aml_ns *ns, struct aml_node *n, u64 val)
{
	struct aml_table *t = node_table(ns, n);
	u32 width, i;
	u8 *p;

	if (!t || n->type != AML_T_INTEGER || !(n->flags & AML_NF_CONST))
		return -EINVAL;
	p = t->data + n->data;
	if (int_width(p, &width))
		return -ENODATA;
	if (!width) {
		if (val > 1 && val != ~0ULL)
			return -ERANGE;
		p[0] = val == ~0ULL ? 0xff : (u8)val;
	} else {
		if (width < 8 && (val >> (8 * width)))
			return -ERANGE;
		for (i = 0; i < width; i++)
			p[1 + i] = (u8)(val >> (8 * i));
	}
	n->value = val;
	fix_checksum(t);
	return 0;
}
