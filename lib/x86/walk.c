/*
 * Guest page-table walker (SDM Vol. 3A chapter 4, APM Vol. 2 chapter 5).
 *
 * The walk reads one entry per level from the top table (CR3) down to the
 * leaf, stopping early at a large page:
 *
 *   32-bit   PD(22) -> PT(12)              4-byte entries, PSE 4 MiB pages
 *   PAE      PDPTE(30) -> PD(21) -> PT(12) PDPTE from CR3[31:5], 2 MiB
 *   4-level  PML4(39) -> PDPT(30) -> PD(21) -> PT(12)   1 GiB and 2 MiB
 *   5-level  PML5(48) -> the 4-level walk
 *
 * (the shift each level's index starts at in parentheses).  A non-present
 * entry faults with P=0; a reserved bit with P=1 and RSVD.  Access rights
 * are the combination over all levels (4.6): a page is user only if U/S
 * is set everywhere, writable only if R/W is, and non-executable if any
 * level has XD with EFER.NXE.  Rights are checked once the leaf is found;
 * only then are the accessed bits (and the leaf's dirty bit, for a write)
 * set, which the SDM allows (4.8) and which keeps a faulting walk free of
 * side effects.
 *
 * Invariant: w->ref[0..n) are the entries used, top down, each with the
 * aligned 8-byte word it was read from, so A/D updates can be done as a
 * compare-and-exchange of exactly what the walk saw.
 */
#include <tv/env.h>
#include <tv/x86_walk.h>

#define MAX_LEVELS	5
#define AD_RETRIES	8
#define PAGE_4K		4096ULL
#define X86_RFLAGS_AC	BIT(18)	/* SMAP override, SDM Vol. 1 3.4.3.3 */

struct entry_ref {
	u64 qpa;		/* aligned 8-byte word holding the entry */
	u64 qold;		/* its value when read */
	unsigned shift;		/* the entry's bit offset in it: 0 or 32 */
};

struct walk {
	const struct x86_walk_cfg *cfg;
	u64 gva;
	u32 access;		/* X86_WALK_*, USER forced at CPL 3 */
	unsigned maxpa;		/* MAXPHYADDR, 32..52 */
	bool wide;		/* 8-byte entries (PAE, 4- and 5-level) */
	bool long_mode;
	bool user_ok, write_ok, nx;
	unsigned n;
	struct entry_ref ref[MAX_LEVELS];
	u32 pf;
};

/* The error code for this access, SDM Vol. 3A 4.7. */
static int pf(struct walk *w, u32 bits)
{
	const struct x86_walk_cfg *cfg = w->cfg;

	w->pf = bits | (w->access & (X86_PF_W | X86_PF_U));
	if (w->access & X86_WALK_FETCH &&
	    (cfg->cr4 & X86_CR4_SMEP ||
	     (cfg->cr4 & X86_CR4_PAE && cfg->efer & X86_EFER_NXE)))
		w->pf |= X86_PF_I;
	return -EFAULT;
}

static int read_entry(struct walk *w, u64 pa, u64 *e)
{
	struct entry_ref *r = &w->ref[w->n];
	int err;

	r->qpa = pa & ~7ULL;
	r->shift = w->wide ? 0 : (pa & 4) * 8;
	err = w->cfg->read_phys(w->cfg->ctx, r->qpa, &r->qold);
	if (err)
		return err;
	*e = r->qold >> r->shift;
	if (!w->wide)
		*e &= 0xffffffff;
	return 0;
}

static bool large_ok(const struct walk *w, unsigned level)
{
	if (!w->wide)
		return level == 2 && w->cfg->cr4 & X86_CR4_PSE;
	return level == 2 || (level == 3 && w->long_mode);
}

/*
 * Reserved bits of an entry at `level` (1 = PT): above MAXPHYADDR, XD
 * without NXE, PS in PML4E/PML5E, and the low address bits of large-page
 * frames (SDM Vol. 3A Tables 4-5, 4-8..4-11, 4-15..4-20).
 */
static u64 rsvd_mask(const struct walk *w, unsigned level, u64 e)
{
	bool large = e & X86_PTE_PS && large_ok(w, level);
	u64 m;

	if (!w->wide) {
		if (!large)
			return 0;
		m = BIT(21);	/* PSE-36: bits 20:13 are PA[39:32] */
		if (w->maxpa < 40)
			m |= GENMASK(20, 13 + w->maxpa - 32);
		return m;
	}
	m = GENMASK(w->long_mode ? 51 : 62, w->maxpa);
	if (!(w->cfg->efer & X86_EFER_NXE))
		m |= X86_PTE_NX;
	if (level >= 4)
		m |= X86_PTE_PS;
	else if (large)
		m |= GENMASK(level == 3 ? 29 : 20, 13);
	return m;
}

static u64 leaf_addr(const struct walk *w, u64 e, unsigned shift)
{
	u64 off = w->gva & (BIT(shift) - 1);

	if (w->wide)
		return (e & GENMASK(51, shift)) | off;
	if (shift == 22)
		return (e & GENMASK(31, 22)) | (((e >> 13) & 0xff) << 32) | off;
	return (e & GENMASK(31, 12)) | off;
}

/* Walk from `table` at `level` down to the leaf; *pa is the result. */
static int walk_from(struct walk *w, u64 table, unsigned level, u64 *pa)
{
	unsigned bits = w->wide ? 9 : 10;
	unsigned shift;
	u64 e, idx;
	int err;

	for (;; level--) {
		shift = 12 + bits * (level - 1);
		idx = (w->gva >> shift) & (BIT(bits) - 1);
		err = read_entry(w, table + idx * (w->wide ? 8 : 4), &e);
		if (err)
			return err;
		if (!(e & X86_PTE_P))
			return pf(w, 0);
		if (e & rsvd_mask(w, level, e))
			return pf(w, X86_PF_P | X86_PF_RSVD);
		w->n++;
		w->user_ok &= !!(e & X86_PTE_U);
		w->write_ok &= !!(e & X86_PTE_W);
		if (w->wide && e & X86_PTE_NX)
			w->nx = true;
		if (level == 1 || (e & X86_PTE_PS && large_ok(w, level))) {
			*pa = leaf_addr(w, e, shift);
			return 0;
		}
		table = e & GENMASK(w->wide ? 51 : 31, 12);
	}
}

/* Combined rights against the access, SDM Vol. 3A 4.6. */
static int check_rights(struct walk *w)
{
	const struct x86_walk_cfg *cfg = w->cfg;
	bool write = w->access & X86_WALK_WRITE;
	bool fetch = w->access & X86_WALK_FETCH;

	if (w->access & X86_WALK_USER) {
		if (!w->user_ok || (write && !w->write_ok))
			return pf(w, X86_PF_P);
	} else {
		if (write && !w->write_ok && cfg->cr0 & X86_CR0_WP)
			return pf(w, X86_PF_P);
		if (w->user_ok && fetch && cfg->cr4 & X86_CR4_SMEP)
			return pf(w, X86_PF_P);
		if (w->user_ok && !fetch && cfg->cr4 & X86_CR4_SMAP &&
		    !(cfg->rflags & X86_RFLAGS_AC))
			return pf(w, X86_PF_P);
	}
	if (fetch && w->nx)
		return pf(w, X86_PF_P);
	return 0;
}

/* Accessed on every entry used, dirty on the leaf for a write (4.8). */
static int set_ad_bits(struct walk *w)
{
	const struct x86_walk_cfg *cfg = w->cfg;
	struct entry_ref *r;
	unsigned i;
	u64 bits;
	int err;

	for (i = 0; i < w->n; i++) {
		r = &w->ref[i];
		bits = X86_PTE_A;
		if (i == w->n - 1 && w->access & X86_WALK_WRITE)
			bits |= X86_PTE_D;
		bits <<= r->shift;
		if ((r->qold & bits) == bits)
			continue;
		err = cfg->set_ad(cfg->ctx, r->qpa, r->qold, r->qold | bits);
		if (err)
			return err;
	}
	return 0;
}

/* PAE: the PDPTE for gva, read from the 32-byte table at CR3[31:5]. */
static int pae_pdpte(struct walk *w, u64 *table)
{
	u64 pa = (w->cfg->cr3 & GENMASK(31, 5)) + 8 * ((w->gva >> 30) & 3);
	u64 e;
	int err;

	err = w->cfg->read_phys(w->cfg->ctx, pa, &e);
	if (err)
		return err;
	if (!(e & X86_PTE_P))
		return pf(w, 0);
	if (e & (GENMASK(63, w->maxpa) | GENMASK(8, 5) | GENMASK(2, 1)))
		return pf(w, X86_PF_P | X86_PF_RSVD);
	*table = e & GENMASK(51, 12);
	return 0;
}

/* Pick the paging mode from CR0/CR4/EFER (SDM Vol. 3A 4.1.1), walk. */
static int walk_once(struct walk *w, u64 *gpa)
{
	const struct x86_walk_cfg *cfg = w->cfg;
	unsigned level = 2, top;
	u64 table = 0, pa = 0;
	int err;

	w->user_ok = w->write_ok = true;
	w->nx = false;
	w->n = 0;
	w->wide = cfg->cr4 & X86_CR4_PAE;
	w->long_mode = w->wide && cfg->efer & X86_EFER_LMA;
	if (!w->long_mode)
		w->gva = (u32)w->gva;
	if (!w->wide) {
		table = cfg->cr3 & GENMASK(31, 12);
	} else if (w->long_mode) {
		level = cfg->cr4 & X86_CR4_LA57 ? 5 : 4;
		top = 12 + 9 * level;	/* 57 or 48 implemented bits */
		if ((u64)((s64)(w->gva << (64 - top)) >> (64 - top)) != w->gva)
			return -ERANGE;
		table = cfg->cr3 & GENMASK(w->maxpa - 1, 12);
	} else {
		err = pae_pdpte(w, &table);
		if (err)
			return err;
	}
	err = walk_from(w, table, level, &pa);
	if (!err)
		err = check_rights(w);
	if (!err && cfg->set_ad)
		err = set_ad_bits(w);
	if (!err)
		*gpa = pa;
	return err;
}

int x86_walk(const struct x86_walk_cfg *cfg, u64 gva, u32 access, u64 *gpa,
	     u32 *pf_error_code)
{
	struct walk w = { .cfg = cfg, .access = access };
	unsigned tries;
	int err = -EAGAIN;

	if (cfg->cpl == 3)
		w.access |= X86_WALK_USER;
	w.maxpa = cfg->maxphyaddr ? MIN(MAX(cfg->maxphyaddr, 32), 52) : 52;
	*pf_error_code = 0;
	if (!(cfg->cr0 & X86_CR0_PG)) {
		*gpa = (u32)gva;
		return 0;
	}
	for (tries = 0; tries < AD_RETRIES && err == -EAGAIN; tries++) {
		w.gva = gva;
		err = walk_once(&w, gpa);
	}
	if (err == -EFAULT)
		*pf_error_code = w.pf;
	return err;
}

/*
 * Page by page: read into `in`, or write from `out`, or with neither only
 * translate for write (the probe that makes copy_to_guest all or nothing).
 */
static int copy_pages(const struct x86_walk_cfg *cfg, u64 gva, size_t n,
		      u8 *in, const u8 *out, u32 *pf)
{
	u32 access = in ? 0 : X86_WALK_WRITE;
	size_t chunk;
	u64 gpa;
	int err = 0;

	for (; n; gva += chunk, n -= chunk) {
		chunk = MIN(n, PAGE_4K - (gva & (PAGE_4K - 1)));
		err = x86_walk(cfg, gva, access, &gpa, pf);
		if (!err && in) {
			err = cfg->read_buf(cfg->ctx, gpa, in, chunk);
			in += chunk;
		} else if (!err && out) {
			err = cfg->write_buf(cfg->ctx, gpa, out, chunk);
			out += chunk;
		}
		if (err)
			return err;
	}
	return 0;
}

int x86_copy_from_guest(const struct x86_walk_cfg *cfg, u64 gva, void *buf,
			size_t n, u32 *pf)
{
	*pf = 0;
	return copy_pages(cfg, gva, n, buf, NULL, pf);
}

int x86_copy_to_guest(const struct x86_walk_cfg *cfg, u64 gva,
		      const void *buf, size_t n, u32 *pf)
{
	int err;

	*pf = 0;
	err = copy_pages(cfg, gva, n, NULL, NULL, pf);
	if (err)
		return err;
	return copy_pages(cfg, gva, n, NULL, buf, pf);
}

int x86_fetch_from_guest(const struct x86_walk_cfg *cfg, u64 gva, void *buf,
			 size_t n, size_t *got, u32 *pf)
{
	size_t chunk;
	u64 gpa;
	int err;

	*got = 0;
	*pf = 0;
	for (; n; gva += chunk, n -= chunk) {
		chunk = MIN(n, PAGE_4K - (gva & (PAGE_4K - 1)));
		err = x86_walk(cfg, gva, X86_WALK_FETCH, &gpa, pf);
		if (err == -EFAULT && *got)
			return 0;	/* the decoder may not need them */
		if (!err)
			err = cfg->read_buf(cfg->ctx, gpa, (u8 *)buf + *got,
					    chunk);
		if (err)
			return err;
		*got += chunk;
	}
	return 0;
}
