/*
 * Finding ACPI tables: the RSDP, the RSDT/XSDT and the tables they list,
 * plus the DSDT and FACS that only the FADT points to (ACPI 6.5 5.2.5 to
 * 5.2.10).
 *
 * Firmware tables are input, not trusted data: before anything reaches
 * the caller its header is read, its length compared with sane bounds
 * (at least a header, at most ACPI_MAX_TABLE_LEN, no address wrap) and
 * its checksum verified over that length.  A table that fails is
 * reported through the log callback and skipped; an XSDT that fails
 * falls back to the RSDT.  Physical memory is only touched through the
 * reader's read callback, in small chunks, so the walk needs no mapping
 * and no buffer larger than a FADT.
 */
#include <tv/acpi.h>

#define CHUNK	128

u8 acpi_checksum(const void *buf, u32 len)
{
	const u8 *p = buf;
	u8 sum = 0;

	while (len--)
		sum += *p++;
	return sum;
}

void acpi_fix_checksum(void *table)
{
	struct acpi_header *h = table;

	h->checksum = 0;
	h->checksum = (u8)-acpi_checksum(table, h->length);
}

int acpi_table_verify(const void *buf, u32 len, const char *sig,
		      u32 min_len)
{
	const struct acpi_header *h = buf;

	if (!buf || len < sizeof(*h) || (sig && memcmp(h->signature, sig, 4)))
		return -EBADMSG;
	if (h->length < MAX(min_len, (u32)sizeof(*h)) || h->length > len)
		return -EBADMSG;
	return acpi_checksum(buf, h->length) ? -EBADMSG : 0;
}

static void report(const struct acpi_reader *r, bool error, const char *msg,
		   const char *sig, u64 pa)
{
	struct acpi_diag d = { .error = error, .msg = msg, .address = pa };

	if (sig)
		memcpy(d.sig, sig, 4);
	if (r->log)
		r->log(r->log_ctx, &d);
}

int acpi_rsdp_parse(const void *buf, u32 len, struct acpi_rsdp_info *out)
{
	const struct acpi_rsdp *p = buf;

	if (!buf || len < ACPI_RSDP_V1_LEN || memcmp(p->signature, "RSD PTR ", 8) ||
	    acpi_checksum(p, ACPI_RSDP_V1_LEN))
		return -EBADMSG;
	memset(out, 0, sizeof(*out));
	out->revision = p->revision;
	out->rsdt = p->rsdt_address;
	memcpy(out->oem_id, p->oem_id, 6);
	if (p->revision >= 2 && len >= sizeof(*p) && p->length >= sizeof(*p) &&
	    p->length <= len && !acpi_checksum(p, p->length))
		out->xsdt = p->xsdt_address;
	return 0;
}

/* Checksum of len bytes at pa, read through the callback in chunks. */
static int sum_at(const struct acpi_reader *r, u64 pa, u32 len, u8 *sum)
{
	u8 buf[CHUNK];
	u32 n;

	*sum = 0;
	while (len) {
		n = MIN(len, (u32)CHUNK);
		if (r->read(r->ctx, pa, buf, n))
			return -EIO;
		*sum += acpi_checksum(buf, n);
		pa += n;
		len -= n;
	}
	return 0;
}

static const char *check_header(const struct acpi_header *h, u64 pa,
				const char *sig)
{
	bool facs = !memcmp(h->signature, "FACS", 4);

	if (sig && memcmp(h->signature, sig, 4))
		return "unexpected signature";
	if (h->length < (facs ? sizeof(struct acpi_facs) : sizeof(*h)) ||
	    h->length > ACPI_MAX_TABLE_LEN)
		return "length out of range";
	if (pa + h->length < pa)
		return "table wraps the address space";
	return NULL;
}

int acpi_table_check(const struct acpi_reader *r, u64 pa, const char *sig,
		     struct acpi_table_ref *out)
{
	struct acpi_header h;
	const char *why;
	u8 sum = 0;

	if (!pa || r->read(r->ctx, pa, &h, sizeof(h))) {
		report(r, true, "table unreadable", sig, pa);
		return -EIO;
	}
	why = check_header(&h, pa, sig);
	if (!why && memcmp(h.signature, "FACS", 4)) {
		if (sum_at(r, pa, h.length, &sum))
			why = "table unreadable";
		else if (sum)
			why = "bad checksum";
	}
	if (why) {
		report(r, true, why, h.signature, pa);
		return -EBADMSG;
	}
	memset(out, 0, sizeof(*out));
	out->address = pa;
	out->length = h.length;
	memcpy(out->sig, h.signature, 4);
	out->revision = h.revision;
	return 0;
}

/* The DSDT and FACS a FADT points to (FACS has no checksum to verify). */
static int walk_fadt(const struct acpi_reader *r,
		     const struct acpi_table_ref *t,
		     int (*fn)(void *ctx, const struct acpi_table_ref *t),
		     void *ctx)
{
	struct acpi_fadt_info fi;
	struct acpi_table_ref sub;
	struct acpi_fadt buf;
	u32 len = MIN(t->length, (u32)sizeof(buf));
	int ret;

	if (r->read(r->ctx, t->address, &buf, len) ||
	    acpi_fadt_parse(&buf, len, &fi)) {
		report(r, true, "FADT undecodable", "FACP", t->address);
		return 0;
	}
	if (fi.dsdt && !acpi_table_check(r, fi.dsdt, "DSDT", &sub)) {
		sub.via_fadt = true;
		ret = fn(ctx, &sub);
		if (ret)
			return ret;
	}
	if (fi.facs && !acpi_table_check(r, fi.facs, "FACS", &sub)) {
		sub.via_fadt = true;
		return fn(ctx, &sub);
	}
	return 0;
}

static int walk_entry(const struct acpi_reader *r, u64 pa,
		      int (*fn)(void *ctx, const struct acpi_table_ref *t),
		      void *ctx)
{
	struct acpi_table_ref t;
	int ret;

	if (acpi_table_check(r, pa, NULL, &t))
		return 0;	/* reported, skipped */
	ret = fn(ctx, &t);
	if (!ret && !memcmp(t.sig, "FACP", 4))
		ret = walk_fadt(r, &t, fn, ctx);
	return ret;
}

/* Walk an RSDT (4-byte entries) or XSDT (8-byte); -EBADMSG if unusable. */
static int walk_sdt(const struct acpi_reader *r, u64 pa, const char *sig,
		    u32 esize, int (*fn)(void *ctx,
		    const struct acpi_table_ref *t), void *ctx, int *ret)
{
	struct acpi_table_ref t;
	u64 entry;
	u32 i, n;

	if (acpi_table_check(r, pa, sig, &t))
		return -EBADMSG;
	if ((t.length - sizeof(struct acpi_header)) % esize) {
		report(r, true, "entry area not a whole number of entries",
		       sig, pa);
		return -EBADMSG;
	}
	n = (t.length - (u32)sizeof(struct acpi_header)) / esize;
	for (i = 0, *ret = 0; i < n && !*ret; i++) {
		entry = 0;
		if (r->read(r->ctx, pa + sizeof(struct acpi_header) + i * esize,
			    &entry, esize))
			return -EIO;
		*ret = walk_entry(r, entry, fn, ctx);
	}
	return 0;
}

int acpi_walk(const struct acpi_reader *r, u64 rsdp_pa,
	      int (*fn)(void *ctx, const struct acpi_table_ref *t),
	      void *ctx)
{
	struct acpi_rsdp_info info;
	struct acpi_rsdp rsdp;
	int ret = 0;

	memset(&rsdp, 0, sizeof(rsdp));
	if (r->read(r->ctx, rsdp_pa, &rsdp, ACPI_RSDP_V1_LEN))
		return -EIO;
	if (rsdp.revision >= 2 &&
	    r->read(r->ctx, rsdp_pa, &rsdp, sizeof(rsdp)))
		return -EIO;
	if (acpi_rsdp_parse(&rsdp, sizeof(rsdp), &info)) {
		report(r, true, "bad RSDP", "RSD ", rsdp_pa);
		return -EBADMSG;
	}
	if (info.xsdt && !walk_sdt(r, info.xsdt, "XSDT", 8, fn, ctx, &ret))
		return ret;
	if (info.xsdt)
		report(r, false, "XSDT unusable, falling back to the RSDT",
		       "XSDT", info.xsdt);
	if (walk_sdt(r, info.rsdt, "RSDT", 4, fn, ctx, &ret))
		return -EBADMSG;
	return ret;
}

struct find_ctx {
	const char *sig;
	u32 instance;
	struct acpi_table_ref *out;
};

static int find_one(void *ctx, const struct acpi_table_ref *t)
{
	struct find_ctx *f = ctx;

	if (memcmp(t->sig, f->sig, 4))
		return 0;
	if (f->instance--)
		return 0;
	*f->out = *t;
	return 1;
}

int acpi_find_table(const struct acpi_reader *r, u64 rsdp_pa,
		    const char *sig, u32 instance, struct acpi_table_ref *out)
{
	struct find_ctx f = { .sig = sig, .instance = instance, .out = out };
	int ret = acpi_walk(r, rsdp_pa, find_one, &f);

	if (ret < 0)
		return ret;
	return ret ? 0 : -ENOENT;
}

int acpi_sdt_remove(void *buf, u32 buf_len, u32 index)
{
	struct acpi_header *h = buf;
	u32 esize, n, at;

	if (!acpi_table_verify(buf, buf_len, "XSDT", 0))
		esize = 8;
	else if (!acpi_table_verify(buf, buf_len, "RSDT", 0))
		esize = 4;
	else
		return -EBADMSG;
	n = (h->length - (u32)sizeof(*h)) / esize;
	if (index >= n)
		return -ENOENT;
	at = (u32)sizeof(*h) + index * esize;
	memmove((u8 *)buf + at, (u8 *)buf + at + esize,
		h->length - at - esize);
	h->length -= esize;
	memset((u8 *)buf + h->length, 0, esize);
	acpi_fix_checksum(buf);
	return 0;
}
