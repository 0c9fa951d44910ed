/*
 * Tables made of variable-length entries: MCFG (fixed 16-byte entries,
 * PCI Firmware 3.3 4.1.2), MADT (1-byte type and length, ACPI 6.5
 * 5.2.12) and DMAR (2-byte type and length, VT-d 4.x chapter 8, whose
 * remapping structures hold device scopes).
 *
 * The iterators check each entry against the table end and against the
 * minimum size of its type before the caller may cast it: a zero or
 * short length, which would loop or overlap, is an error, not an entry.
 */
#include <tv/acpi.h>

int acpi_mcfg_count(const void *buf, u32 len, u32 *count)
{
	const struct acpi_header *h = buf;
	u32 area;

	if (acpi_table_verify(buf, len, "MCFG", sizeof(struct acpi_mcfg)))
		return -EBADMSG;
	area = h->length - (u32)sizeof(struct acpi_mcfg);
	if (area % sizeof(struct acpi_mcfg_entry))
		return -EBADMSG;
	*count = area / (u32)sizeof(struct acpi_mcfg_entry);
	return 0;
}

int acpi_mcfg_entry(const void *buf, u32 len, u32 i,
		    struct acpi_mcfg_entry *out)
{
	u32 n;
	int err = acpi_mcfg_count(buf, len, &n);

	if (err)
		return err;
	if (i >= n)
		return -ENOENT;
	memcpy(out, (const u8 *)buf + sizeof(struct acpi_mcfg) +
	       i * sizeof(*out), sizeof(*out));
	return out->start_bus <= out->end_bus ? 0 : -EBADMSG;
}

/* Table length from a header already checked to fit in len. */
static u32 table_len(const void *buf, u32 len, u32 first)
{
	const struct acpi_header *h = buf;

	if (!buf || len < first || h->length < first || h->length > len)
		return 0;
	return h->length;
}

static u32 madt_min(u32 type)
{
	static const u8 min[] = {
		[ACPI_MADT_LAPIC] = 8, [ACPI_MADT_IOAPIC] = 12,
		[ACPI_MADT_ISO] = 10, [ACPI_MADT_NMI_SRC] = 8,
		[ACPI_MADT_LAPIC_NMI] = 6, [ACPI_MADT_LAPIC_OVR] = 12,
		[ACPI_MADT_X2APIC] = 16, [ACPI_MADT_X2APIC_NMI] = 12,
	};

	return type < ARRAY_SIZE(min) && min[type] ? min[type] : 2;
}

int acpi_madt_next(const void *buf, u32 len, u32 *off,
		   struct acpi_subtable *e)
{
	u32 end = table_len(buf, len, sizeof(struct acpi_madt));
	const u8 *p = buf;

	if (!end)
		return -EBADMSG;
	if (!*off)
		*off = sizeof(struct acpi_madt);
	if (*off >= end)
		return 0;
	if (end - *off < 2 || p[*off + 1] < madt_min(p[*off]) ||
	    p[*off + 1] > end - *off)
		return -EBADMSG;
	e->type = p[*off];
	e->length = p[*off + 1];
	e->data = p + *off;
	*off += e->length;
	return 1;
}

static u32 dmar_min(u32 type)
{
	static const u8 min[] = {
		[ACPI_DMAR_DRHD] = 16, [ACPI_DMAR_RMRR] = 24,
		[ACPI_DMAR_ATSR] = 8, [ACPI_DMAR_RHSA] = 20,
		[ACPI_DMAR_ANDD] = 8, [ACPI_DMAR_SATC] = 8,
	};

	return type < ARRAY_SIZE(min) ? min[type] : 4;
}

int acpi_dmar_next(const void *buf, u32 len, u32 *off,
		   struct acpi_subtable *e)
{
	u32 end = table_len(buf, len, sizeof(struct acpi_dmar));
	const u8 *p = buf;
	u32 type, slen;

	if (!end)
		return -EBADMSG;
	if (!*off)
		*off = sizeof(struct acpi_dmar);
	if (*off >= end)
		return 0;
	if (end - *off < 4)
		return -EBADMSG;
	type = (u32)p[*off] | (u32)p[*off + 1] << 8;
	slen = (u32)p[*off + 2] | (u32)p[*off + 3] << 8;
	if (slen < dmar_min(type) || slen > end - *off)
		return -EBADMSG;
	e->type = type;
	e->length = slen;
	e->data = p + *off;
	*off += slen;
	return 1;
}

/* Where the device scopes start in a remapping structure, 0 if none. */
static u32 scope_start(u32 type)
{
	switch (type) {
	case ACPI_DMAR_DRHD:
		return sizeof(struct acpi_dmar_drhd);
	case ACPI_DMAR_RMRR:
		return sizeof(struct acpi_dmar_rmrr);
	case ACPI_DMAR_ATSR:
	case ACPI_DMAR_SATC:
		return 8;
	}
	return 0;
}

int acpi_dmar_scope_next(const struct acpi_subtable *s, u32 *off,
			 struct acpi_subtable *e)
{
	u32 start = scope_start(s->type);

	if (!start)
		return 0;
	if (!*off)
		*off = start;
	if (*off >= s->length)
		return 0;
	if (s->length - *off < sizeof(struct acpi_dmar_scope) ||
	    s->data[*off + 1] < sizeof(struct acpi_dmar_scope) ||
	    s->data[*off + 1] > s->length - *off)
		return -EBADMSG;
	e->type = s->data[*off];
	e->length = s->data[*off + 1];
	e->data = s->data + *off;
	*off += e->length;
	return 1;
}
