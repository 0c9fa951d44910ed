/*
 * storage.encrypt ranges after parsing: the whole configuration at once
 * (with the overlap check), matching a range to a controller, finding the
 * range of a sector, and the error text.
 *
 * Overlap rule: two ranges of one namespace must not share a sector, or a
 * sector would have two keys and reads would return garbage for one of
 * them.  Ranges that name the device the same way are compared at parse
 * time; a slot= range and a model=/serial= range can only be compared once
 * a controller (or ATA disk) is matched, so drivers/nvme and drivers/ahci
 * check the matched subset again.
 */
#include <tv/env.h>
#include <tv/fmt.h>
#include <tv/storage.h>

int storage_parse_config(const struct tv_config *cfg, struct storage_range *r,
			 u32 *count, struct storage_error *err)
{
	u32 i, n = MIN(cfg->storage_encrypt_count, STORAGE_RANGES_MAX);
	int ret;

	*count = 0;
	for (i = 0; i < n; i++) {
		const char *line = cfg->storage_encrypt[i];

		ret = storage_parse_line(line, strnlen(line, TV_CONFIG_ENTRY_MAX),
					 i + 1, &r[i], err);
		if (ret)
			return ret;
	}
	ret = storage_check_overlap(r, n, err);
	if (!ret)
		*count = n;
	return ret;
}

static bool text_differs(const char *a, const char *b)
{
	return strcmp(a, b) != 0;
}

/* Could a and b name the same controller? */
static bool same_device(const struct storage_range *a,
			const struct storage_range *b)
{
	if ((a->sel & STORAGE_SEL_SLOT) != (b->sel & STORAGE_SEL_SLOT))
		return false;	/* checked when a controller is matched */
	if (a->sel & STORAGE_SEL_SLOT)
		return a->bus == b->bus && a->dev == b->dev && a->fn == b->fn;
	if ((a->sel & b->sel & STORAGE_SEL_MODEL) &&
	    text_differs(a->model, b->model))
		return false;
	if ((a->sel & b->sel & STORAGE_SEL_SERIAL) &&
	    text_differs(a->serial, b->serial))
		return false;
	return true;
}

static int overlap_error(struct storage_error *err, u32 line, const char *fmt,
			 u32 other)
{
	if (err) {
		memset(err, 0, sizeof(*err));
		err->line = line;
		tv_snprintf(err->msg, sizeof(err->msg), fmt, other);
	}
	return -EINVAL;
}

/*
 * Same namespace (NVMe), same port (AHCI slot=/port=) or the same kind of
 * name for an ATA disk (model=/serial=, compared by same_device).
 */
static bool same_unit(const struct storage_range *a,
		      const struct storage_range *b)
{
	if (storage_range_is_ahci(a) != storage_range_is_ahci(b) ||
	    storage_range_names_ata(a) != storage_range_names_ata(b))
		return false;
	if (storage_range_names_ata(a))
		return true;
	return storage_range_is_ahci(a) ? a->port == b->port : a->nsid == b->nsid;
}

static const char *overlap_text(const struct storage_range *r)
{
	if (storage_range_names_ata(r))
		return "lba range overlaps line %u's on the same disk";
	return storage_range_is_ahci(r) ?
	       "lba range overlaps line %u's on the same port" :
	       "lba range overlaps line %u's on the same namespace";
}

int storage_check_overlap(const struct storage_range *r, u32 count,
			  struct storage_error *err)
{
	u32 i, j;

	for (i = 0; i < count; i++) {
		for (j = 0; j < i; j++) {
			if ((r[i].sel & r[j].sel & STORAGE_SEL_SLOT) &&
			    same_device(&r[i], &r[j]) &&
			    storage_range_is_ahci(&r[i]) != storage_range_is_ahci(&r[j]))
				return overlap_error(err, r[i].line, "slot has "
						     "nsid= and port= lines "
						     "(line %u)", r[j].line);
			if (!same_unit(&r[i], &r[j]) || !same_device(&r[i], &r[j]) ||
			    r[i].lba_first > r[j].lba_last ||
			    r[j].lba_first > r[i].lba_last)
				continue;
			return overlap_error(err, r[i].line, overlap_text(&r[i]),
					     r[j].line);
		}
	}
	return 0;
}

/* s[0..len) equals want once trailing spaces (the padding) are dropped. */
static bool padded_equal(const char *s, size_t len, const char *want)
{
	size_t n = strlen(want);

	while (len && (s[len - 1] == ' ' || s[len - 1] == 0))
		len--;
	return len == n && !memcmp(s, want, n);
}

bool storage_range_matches(const struct storage_range *r, u8 bus, u8 dev,
			   u8 fn, const char *model, size_t model_len,
			   const char *serial, size_t serial_len)
{
	if (r->sel & STORAGE_SEL_SLOT)
		return r->bus == bus && r->dev == dev && r->fn == fn;
	if ((r->sel & STORAGE_SEL_MODEL) &&
	    (!model || !padded_equal(model, model_len, r->model)))
		return false;
	if ((r->sel & STORAGE_SEL_SERIAL) &&
	    (!serial || !padded_equal(serial, serial_len, r->serial)))
		return false;
	return r->sel != 0;
}

const struct storage_range *storage_range_at(const struct storage_range *const *r,
					     u32 n, u64 lba, u64 max, u64 *run)
{
	const struct storage_range *hit = NULL;
	u64 limit = max;	/* sectors until the answer may change */
	u32 i;

	for (i = 0; i < n; i++) {
		if (lba >= r[i]->lba_first && lba <= r[i]->lba_last) {
			hit = r[i];
			if (r[i]->lba_last - lba < limit)
				limit = r[i]->lba_last - lba + 1;
		} else if (r[i]->lba_first > lba &&
			   r[i]->lba_first - lba < limit) {
			limit = r[i]->lba_first - lba;
		}
	}
	*run = limit;
	return hit;
}

void storage_format_error(const struct storage_error *e, char *buf,
			  size_t size)
{
	if (e->column)
		tv_snprintf(buf, size, "storage.encrypt line %u, column %u: %s: '%s'",
			    e->line, e->column, e->msg, e->token);
	else
		tv_snprintf(buf, size, "storage.encrypt line %u: %s", e->line,
			    e->msg);
}
