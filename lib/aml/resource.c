/*
 * The I/O ports of a device's current resources (_CRS), so the hypervisor
 * can tell which serial port device is the UART it logs to.
 *
 * Only a static _CRS is decoded: a Name holding a ResourceTemplate buffer,
 * or a method whose body is a single Return of an inline buffer or of a
 * named one.  A _CRS assembled at run time (CreateWordField and stores) is
 * reported as -ENODATA.  Resource descriptors are ACPI 6.5 section 6.4:
 * small items carry their length in the tag byte, large items in the two
 * bytes after it; every descriptor is checked against the buffer end.
 */
#include <tv/aml_internal.h>

#define RES_SMALL_IO		0x08	/* I/O port descriptor, 6.4.2.5 */
#define RES_SMALL_FIXED_IO	0x09	/* fixed I/O port descriptor, 6.4.2.6 */
#define RES_SMALL_END		0x0f

static u16 le16(const u8 *p)
{
	return (u16)(p[0] | p[1] << 8);
}

static int add_range(struct aml_io_range *out, u32 max, u32 *count,
		     u16 base, u16 len)
{
	if (*count >= max)
		return -ENOSPC;
	out[*count].base = base;
	out[(*count)++].len = len;
	return 0;
}

static int walk_resources(const u8 *buf, u32 len, struct aml_io_range *out,
			  u32 max, u32 *count)
{
	u32 at = 0, size, type;
	int err = 0;

	while (at < len && !err) {
		if (buf[at] & 0x80) {	/* large item */
			if (len - at < 3)
				return -EBADMSG;
			size = 3u + le16(buf + at + 1);
			if (size > len - at)
				return -EBADMSG;
			at += size;
			continue;
		}
		type = (buf[at] >> 3) & 0x0f;
		size = 1u + (buf[at] & 7);
		if (size > len - at)
			return -EBADMSG;
		if (type == RES_SMALL_END)
			return 0;
		if (type == RES_SMALL_IO && size >= 8)
			err = add_range(out, max, count, le16(buf + at + 2),
					buf[at + 7]);
		else if (type == RES_SMALL_FIXED_IO && size >= 4)
			err = add_range(out, max, count,
					le16(buf + at + 1) & 0x3ff,
					buf[at + 3]);
		at += size;
	}
	return err;
}

/* The buffer a static _CRS yields: Name(_CRS, Buffer) or Return(...). */
static int crs_buffer(const struct aml_ns *ns, const struct aml_node *crs,
		      const u8 **buf, u32 *len)
{
	const u8 *aml;
	struct aml_name nm;
	struct aml_node *target;
	u32 at, end, next;
	u64 size;

	crs = aml_ns_deref(crs);
	if (!crs)
		return -ENOENT;
	if (crs->type == AML_T_BUFFER)
		return aml_node_buffer(ns, crs, buf, len);
	if (crs->type != AML_T_METHOD || crs->table >= ns->ntables ||
	    crs->data_len < 2)
		return -ENODATA;
	aml = ns->tables[crs->table].data;
	at = crs->data + 1;
	end = crs->data + crs->data_len;
	if (aml[crs->data] != 0xa4)
		return -ENODATA;
	if (aml[at] == 0x11) {
		if (aml_pkglen(aml, at + 1, end, &end, &next) ||
		    aml_decode_int(aml, next, end, &size, &next))
			return -ENODATA;
		*buf = aml + next;
		*len = (u32)MIN(size, (u64)(end - next));
		return 0;
	}
	if (aml_name_decode(aml, at, end, &nm, &next))
		return -ENODATA;
	target = aml_ns_resolve(ns, (struct aml_node *)crs, &nm,
				AML_LK_SEARCH);
	return target ? aml_node_buffer(ns, target, buf, len) : -ENODATA;
}

int aml_device_io(const struct aml_ns *ns, const struct aml_node *dev,
		  struct aml_io_range *out, u32 max, u32 *count)
{
	const u8 *buf;
	u32 len;
	int err;

	*count = 0;
	err = crs_buffer(ns, aml_child(ns, dev, "_CRS"), &buf, &len);
	if (err)
		return err;
	return walk_resources(buf, len, out, max, count);
}
