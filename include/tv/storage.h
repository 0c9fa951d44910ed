/*
 * storage.encrypt: which sectors of which disk are encrypted, and with
 * which key file.  Pure code (lib/storage/): the loader parses the lines to
 * report errors and read the key files before anything starts; the
 * hypervisor parses them again to drive drivers/nvme.
 *
 *   storage.encrypt = slot=BB:DD.F, nsid=N, lba=FIRST-LAST, keyfile=\PATH
 *   storage.encrypt = model=TEXT, serial=TEXT, nsid=N, lba=FIRST-*, keyfile=..
 *   storage.encrypt = slot=BB:DD.F, port=N, lba=FIRST-*, keyfile=\PATH
 *   storage.encrypt = serial=TEXT, lba=FIRST-*, keyfile=\PATH
 *
 * Items are `name=value`, separated by commas; spaces around items are
 * ignored.  A device is named by slot= (bus as found at boot, hex) or by
 * model= and/or serial= (trailing spaces ignored).  nsid= names an NVMe
 * namespace, port= (0..31, with slot= only) an AHCI port; a slot= line has
 * exactly one of them.  A model=/serial= line with nsid= names an NVMe
 * namespace (Identify Controller MN/SN); without nsid= (and port=) it names
 * an ATA disk behind any AHCI HBA (IDENTIFY DEVICE words 27-46 and 10-19,
 * ACS-3 §7.12.7).  lba= is inclusive; `*` is the last sector of the
 * namespace or disk.
 * keyfile= is an absolute path on the volume of the loader ('/' is taken
 * as '\').  Sectors are encrypted with XTS-AES-256, aes-xts-plain64, the
 * LBA as tweak (docs/storage.md).
 */
#ifndef TV_STORAGE_H
#define TV_STORAGE_H

#include <tv/types.h>
#include <tv/config.h>

#define STORAGE_RANGES_MAX	TV_CONFIG_STORAGE_ENCRYPT_MAX
#define STORAGE_LBA_END		(~0ULL)		/* lba=N-* */
#define STORAGE_KEY_SIZE	64		/* XTS-AES-256: 2 x 256 bits */
#define STORAGE_MODEL_MAX	40		/* Identify Controller MN */
#define STORAGE_SERIAL_MAX	20		/* Identify Controller SN */

#define STORAGE_SEL_SLOT	BIT(0)
#define STORAGE_SEL_MODEL	BIT(1)
#define STORAGE_SEL_SERIAL	BIT(2)
#define STORAGE_SEL_PORT	BIT(3)		/* port=: an AHCI port */
#define STORAGE_SEL_ATA		BIT(4)		/* model=/serial=, no nsid=:
						 * an ATA disk behind AHCI */
#define STORAGE_PORT_MAX	31

struct storage_range {
	u32 line;			/* 1-based storage.encrypt line */
	u32 sel;			/* STORAGE_SEL_* given */
	u8 bus, dev, fn;		/* slot= */
	u32 nsid;			/* 1..0xfffffffe; 0 for AHCI */
	u32 port;			/* AHCI port 0..31 (STORAGE_SEL_PORT) */
	u64 lba_first;
	u64 lba_last;			/* inclusive; STORAGE_LBA_END for '*' */
	char model[STORAGE_MODEL_MAX + 1];
	char serial[STORAGE_SERIAL_MAX + 1];
	char keyfile[TV_CONFIG_PATH_MAX];	/* '\' separated */
};

struct storage_error {
	u32 line;		/* 1-based */
	u32 column;		/* 1-based; 0 if not about one token */
	char token[48];		/* the offending text, shortened */
	char msg[96];
};

/* One line (a storage.encrypt value).  0 or -EINVAL with *err filled. */
int storage_parse_line(const char *text, size_t len, u32 line,
		       struct storage_range *r, struct storage_error *err);
/*
 * All lines of a configuration, in order, into r[0..count); then refuses
 * overlapping ranges of one namespace (storage_check_overlap).  0 or
 * -EINVAL.
 */
int storage_parse_config(const struct tv_config *cfg, struct storage_range *r,
			 u32 *count, struct storage_error *err);
/*
 * -EINVAL if two ranges may name the same sectors: same nsid (or the same
 * AHCI port, or both an ATA disk by model=/serial=), intersecting LBAs and the same device (same slot; or
 * model/serial not told apart); also if one slot has both nsid= and port=
 * lines (it cannot be an NVMe and an AHCI controller at once).
 * Ranges naming the device in different ways are checked when a device is
 * matched (storage_range_matches + this on the matched subset).
 */
int storage_check_overlap(const struct storage_range *r, u32 count,
			  struct storage_error *err);
/*
 * Is r an AHCI range (port=, or an ATA disk named by model=/serial=)
 * rather than an NVMe namespace one?
 */
static inline bool storage_range_is_ahci(const struct storage_range *r)
{
	return (r->sel & (STORAGE_SEL_PORT | STORAGE_SEL_ATA)) != 0;
}
/* Does r name an ATA disk by model=/serial= (any AHCI HBA, any port)? */
static inline bool storage_range_names_ata(const struct storage_range *r)
{
	return (r->sel & STORAGE_SEL_ATA) != 0;
}
/*
 * Does range r name this controller (NVMe) or disk (ATA)?  model/serial as
 * read (space padded); slot= ranges compare bus/dev/fn only.
 */
bool storage_range_matches(const struct storage_range *r, u8 bus, u8 dev,
			   u8 fn, const char *model, size_t model_len,
			   const char *serial, size_t serial_len);
/*
 * Among the ranges of one namespace, the one holding sector lba, or NULL.
 * *run: how many sectors from lba on (at most max, max >= 1) get the same
 * answer, so a caller can process runs instead of single sectors.
 */
const struct storage_range *storage_range_at(const struct storage_range *const *r,
					     u32 n, u64 lba, u64 max, u64 *run);
/* "storage.encrypt line L, column C: MSG: 'TOKEN'" */
void storage_format_error(const struct storage_error *e, char *buf,
			  size_t size);

#endif
