/*
 * Decoding of the few AML encodings whose value the library needs without
 * running anything: PkgLength, integer constants, and the data of Name()
 * objects (Integer, String, Buffer, Package), as used by the queries
 * (sleep states, _HID/_CID, _CRS) and by the patcher.  Every read is
 * checked against a limit; nothing here trusts a length it has not
 * compared with the bytes that are actually there.
 */
#include <tv/aml_internal.h>

/*
 * PkgLength (ACPI 6.5 section 20.2.4): bits 7:6 of the lead byte count
 * the bytes that follow (0..3).  With none, bits 5:0 are the length;
 * otherwise bits 3:0 are its low nibble and each next byte adds 8 bits.
 * The length counts itself, so *end = pos + length.
 */
int aml_pkglen(const u8 *aml, u32 pos, u32 limit, u32 *end, u32 *next)
{
	u32 lead, nbytes, len, i;

	if (pos >= limit)
		return -EBADMSG;
	lead = aml[pos];
	nbytes = lead >> 6;
	if (nbytes > limit - pos - 1)
		return -EBADMSG;
	if (!nbytes) {
		len = lead & 0x3f;
	} else {
		len = lead & 0x0f;
		for (i = 0; i < nbytes; i++)
			len |= (u32)aml[pos + 1 + i] << (4 + 8 * i);
	}
	if (len < nbytes + 1 || len > limit - pos)
		return -ERANGE;
	*end = pos + len;
	*next = pos + 1 + nbytes;
	return 0;
}

static u64 le(const u8 *p, u32 n)
{
	u64 v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* ZeroOp, OneOp, OnesOp, Byte/Word/DWord/QWordPrefix, RevisionOp. */
int aml_decode_int(const u8 *aml, u32 pos, u32 limit, u64 *val, u32 *next)
{
	static const u8 width[16] = { [0x0a] = 1, [0x0b] = 2, [0x0c] = 4,
				      [0x0e] = 8 };
	u8 op;

	if (pos >= limit)
		return -EBADMSG;
	op = aml[pos];
	if (op == 0x00 || op == 0x01 || op == 0xff) {
		*val = op == 0xff ? ~0ULL : op;
		*next = pos + 1;
		return 0;
	}
	if (op == 0x5b && pos + 1 < limit && aml[pos + 1] == 0x30) {
		*val = 2;	/* the ACPI revision ACPICA reports */
		*next = pos + 2;
		return 0;
	}
	if (op > 0x0e || !width[op])
		return -EINVAL;
	if (width[op] >= limit - pos)
		return -EBADMSG;
	*val = le(aml + pos + 1, width[op]);
	*next = pos + 1 + width[op];
	return 0;
}

static const u8 *node_aml(const struct aml_ns *ns, const struct aml_node *n,
			  u32 *limit)
{
	const struct aml_table *t;

	if (n->table >= ns->ntables || !n->data_len)
		return NULL;
	t = &ns->tables[n->table];
	*limit = n->data + n->data_len;
	return t->data;
}

int aml_node_integer(const struct aml_ns *ns, const struct aml_node *n,
		     u64 *val)
{
	const u8 *aml;
	u32 limit, next;

	n = aml_ns_deref(n);
	if (!n || n->type != AML_T_INTEGER)
		return -EINVAL;
	aml = node_aml(ns, n, &limit);
	if (!aml)
		return -ENODATA;
	return aml_decode_int(aml, n->data, limit, val, &next) ? -ENODATA : 0;
}

int aml_node_string(const struct aml_ns *ns, const struct aml_node *n,
		    const char **s, u32 *len)
{
	const u8 *aml;
	u32 limit, i;

	n = aml_ns_deref(n);
	if (!n || n->type != AML_T_STRING)
		return -EINVAL;
	aml = node_aml(ns, n, &limit);
	if (!aml || aml[n->data] != 0x0d)
		return -ENODATA;
	for (i = n->data + 1; i < limit && aml[i]; i++)
		;
	if (i >= limit)
		return -ENODATA;
	*s = (const char *)aml + n->data + 1;
	*len = i - n->data - 1;
	return 0;
}

/* DefBuffer := BufferOp PkgLength BufferSize ByteList; size must be const. */
int aml_node_buffer(const struct aml_ns *ns, const struct aml_node *n,
		    const u8 **data, u32 *len)
{
	const u8 *aml;
	u32 limit, end, at;
	u64 size;

	n = aml_ns_deref(n);
	if (!n || n->type != AML_T_BUFFER)
		return -EINVAL;
	aml = node_aml(ns, n, &limit);
	if (!aml || aml[n->data] != 0x11)
		return -ENODATA;
	if (aml_pkglen(aml, n->data + 1, limit, &end, &at) ||
	    aml_decode_int(aml, at, end, &size, &at))
		return -ENODATA;
	*data = aml + at;
	*len = (u32)MIN(size, (u64)(end - at));
	return 0;
}

/* Skip one package element; only data objects and names are static. */
static int skip_element(const u8 *aml, u32 pos, u32 limit, u32 *next)
{
	struct aml_name nm;
	u64 v;
	u32 end, at;
	u8 op = aml[pos];

	if (!aml_decode_int(aml, pos, limit, &v, next))
		return 0;
	if (op == 0x11 || op == 0x12 || op == 0x13)
		return aml_pkglen(aml, pos + 1, limit, next, &at);
	if (op == 0x0d) {
		for (end = pos + 1; end < limit && aml[end]; end++)
			;
		if (end >= limit)
			return -EBADMSG;
		*next = end + 1;
		return 0;
	}
	if (aml_is_name_start(op))
		return aml_name_decode(aml, pos, limit, &nm, next);
	return -ENODATA;
}

/*
 * Offset of element index of a Package() Name and the package end.
 * Elements past the encoded list (NumElements may exceed it) are absent.
 */
int aml_package_element(const struct aml_ns *ns, const struct aml_node *n,
			u32 index, u32 *off, u32 *limit)
{
	const u8 *aml;
	u32 lim, end, at, i;

	n = aml_ns_deref(n);
	if (!n || n->type != AML_T_PACKAGE)
		return -EINVAL;
	aml = node_aml(ns, n, &lim);
	if (!aml || aml[n->data] != 0x12)
		return -ENODATA;
	if (aml_pkglen(aml, n->data + 1, lim, &end, &at) || at >= end)
		return -ENODATA;
	if (index >= aml[at])
		return -ERANGE;
	for (at++, i = 0; i < index; i++) {
		if (at >= end || skip_element(aml, at, end, &at))
			return at >= end ? -ERANGE : -ENODATA;
	}
	if (at >= end)
		return -ERANGE;
	*off = at;
	*limit = end;
	return 0;
}

int aml_package_integer(const struct aml_ns *ns, const struct aml_node *n,
			u32 index, u64 *val)
{
	u32 at, end;
	int err = aml_package_element(ns, n, index, &at, &end);

	if (err)
		return err;
	n = aml_ns_deref(n);
	return aml_decode_int(ns->tables[n->table].data, at, end, val, &at) ?
		-ENODATA : 0;
}
