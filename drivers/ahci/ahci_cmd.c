/*
 * The command engine of ahci_crypt (see ahci_shadow.h for the picture).
 *
 * A slot the guest issues is taken in three steps, all on hypervisor
 * copies so the guest cannot change a command after it was checked:
 *
 *   fetch    its command header (guest PxCLB), the command FIS and ATAPI
 *            command (first 0x80 bytes of its table) into the shadow table,
 *            its PRDT into a saved copy; nothing of the guest's is read
 *            again for this command
 *   check    every PRD: word-aligned base, even byte count, reserved bits
 *            clear, at most AHCI_PRDT_MAX entries, buffers in guest memory
 *            (never the hypervisor's) in the transfer's direction
 *   rewrite  PASS: the shadow table gets the checked PRDT (the guest's own
 *            buffers); READ/WRITE touching a range: one PRD for the bounce
 *            buffer, the FIS's LBA and count set per chunk; FAIL: a command
 *            the device aborts, so the guest sees a task-file error
 *
 * One slot runs on the hardware at a time (p->running).  It is done when
 * its PxCI bit (and, for NCQ, its PxSACT bit) is clear and no error is
 * flagged in PxIS; then read chunks are decrypted and copied out, the next
 * chunk is started or the slot is completed for the guest: PRDBC written
 * to its header, the received-FIS area copied, its PxCI/PxSACT bits
 * cleared.  After an error the port is left alone (the guest's error
 * handling stops the engine, which drops every slot: ahci_port.c).
 */
#include <tv/env.h>
#include "ahci_shadow.h"

enum { HW_RUNNING, HW_DONE, HW_STALLED };

static struct ahci_cmd_hdr *shadow_hdr(struct ahci_port *p, u32 s)
{
	return (struct ahci_cmd_hdr *)p->mem.clb + s;
}

static struct ahci_cmd_table *shadow_table(struct ahci_port *p, u32 s)
{
	return (struct ahci_cmd_table *)((u8 *)p->mem.tables +
					 (u64)s * AHCI_TABLE_SIZE);
}

static struct ahci_prd *saved_prdt(struct ahci_port *p, u32 s)
{
	return (struct ahci_prd *)((u8 *)p->mem.gprd + (u64)s * AHCI_TABLE_SIZE);
}

static u64 prd_addr(const struct ahci_prd *d)
{
	return d->dba | (u64)d->dbau << 32;
}

static u32 prd_bytes(const struct ahci_prd *d)
{
	return (u32)(d->dw3 & AHCI_PRD_DBC) + 1;
}

/* Copies header, FIS/ACMD and PRDT of slot s out of guest memory once. */
static int fetch(struct ahci_ctrl *c, struct ahci_port *p, u32 s,
		 struct ahci_cmd_hdr *h)
{
	const struct ahci_env *e = c->env;
	const u8 *g;
	u64 ctba;
	u32 n, cfl;

	g = e->guest_map(e->ctx, p->guest_clb + s * sizeof(*h), sizeof(*h),
			 false);
	if (!g)
		return -EFAULT;
	memcpy(h, g, sizeof(*h));
	ctba = h->ctba | (u64)h->ctbau << 32;
	n = (u32)((h->flags & AHCI_HDR_PRDTL) >> AHCI_HDR_PRDTL_SHIFT);
	cfl = (u32)(h->flags & AHCI_HDR_CFL);
	if ((ctba & 0x7f) || n > AHCI_PRDT_MAX || cfl < FIS_H2D_DWORDS ||
	    cfl > 16)
		return -EINVAL;
	g = e->guest_map(e->ctx, ctba, AHCI_CT_PRDT + n * sizeof(struct ahci_prd),
			 false);
	if (!g)
		return -EFAULT;
	memcpy(shadow_table(p, s), g, AHCI_CT_PRDT);
	memcpy(saved_prdt(p, s), g + AHCI_CT_PRDT, n * sizeof(struct ahci_prd));
	p->slot[s].nprd = n;
	return 0;
}

/* Checks the saved PRDT; *total: bytes it describes. */
static int check_prdt(struct ahci_ctrl *c, struct ahci_port *p, u32 s,
		      bool dev_writes, u64 *total)
{
	const struct ahci_prd *d = saved_prdt(p, s);
	u32 i, n;

	*total = 0;
	for (i = 0; i < p->slot[s].nprd; i++) {
		n = prd_bytes(&d[i]);
		if ((d[i].dba & 1) || (d[i].dw3 & AHCI_PRD_RSVD) || (n & 1))
			return -EINVAL;
		if (!c->env->guest_map(c->env->ctx, prd_addr(&d[i]), n,
				       dev_writes))
			return -EFAULT;
		*total += n;
	}
	return 0;
}

static bool touches_range(const struct ahci_port *p, u64 lba, u32 n)
{
	u64 run;

	if (lba + n < lba)
		return true;
	return storage_range_at(p->ranges, p->nranges, lba, n, &run) ||
	       run < n;
}

static const struct xts_ctx *key_of(const struct ahci_port *p,
				    const struct storage_range *r)
{
	u32 i;

	for (i = 0; i < p->nranges; i++)
		if (p->ranges[i] == r)
			return p->keys[i];
	return NULL;
}

/* XTS over the in-range sectors of the running chunk, in the bounce. */
static int crypt_chunk(struct ahci_ctrl *c, struct ahci_port *p,
		       const struct ahci_slot *sl, bool enc)
{
	u64 s, run;
	int err = 0;

	c->env->crypt_begin(c->env->ctx);
	for (s = 0; s < sl->chunk && !err; s += run) {
		const struct storage_range *r = storage_range_at(
			p->ranges, p->nranges, sl->lba + s, sl->chunk - s, &run);
		const struct xts_ctx *key = r ? key_of(p, r) : NULL;
		u8 *b = p->mem.bounce + s * ATA_SECTOR;

		if (!r)
			continue;
		err = !key ? -EINVAL : enc ?
		      xts_encrypt_sectors(key, sl->lba + s, b, b, run, ATA_SECTOR) :
		      xts_decrypt_sectors(key, sl->lba + s, b, b, run, ATA_SECTOR);
		if (enc)
			p->stats.enc_sectors += run;
		else
			p->stats.dec_sectors += run;
	}
	c->env->crypt_end(c->env->ctx);
	return err;
}

/* Moves len bytes at offset off of the guest's buffers to/from the bounce. */
static int copy_guest(struct ahci_ctrl *c, struct ahci_port *p, u32 s,
		      u32 off, u32 len, bool to_guest)
{
	const struct ahci_prd *d = saved_prdt(p, s);
	u8 *b = p->mem.bounce;
	u32 i, pos = 0;

	for (i = 0; i < p->slot[s].nprd && len; i++) {
		u32 cnt = prd_bytes(&d[i]), skip, n;
		u8 *g;

		if (off >= pos + cnt) {
			pos += cnt;
			continue;
		}
		skip = off - pos;
		n = MIN(cnt - skip, len);
		g = c->env->guest_map(c->env->ctx, prd_addr(&d[i]) + skip, n,
				      to_guest);
		if (!g)
			return -EFAULT;
		memcpy(to_guest ? g : b, to_guest ? b : g, n);
		b += n;
		off += n;
		len -= n;
		pos += cnt;
	}
	return len ? -EFAULT : 0;
}

/* Sets up the next chunk of a bounced slot (writes: copied and encrypted). */
static int next_chunk(struct ahci_ctrl *c, struct ahci_port *p, u32 s)
{
	struct ahci_slot *sl = &p->slot[s];
	struct ahci_cmd_table *t = shadow_table(p, s);
	u32 n = MIN(sl->left, AHCI_BOUNCE_SECTORS);

	sl->lba += sl->chunk;
	sl->done += sl->chunk * ATA_SECTOR;
	sl->chunk = n;
	sl->left -= n;
	ahci_set_lba_count(t->cfis, sl->ncq, sl->lba48, sl->lba, n);
	t->prdt[0] = (struct ahci_prd){ .dba = (u32)p->mem.bounce_pa,
		.dbau = (u32)(p->mem.bounce_pa >> 32),
		.dw3 = n * ATA_SECTOR - 1 };
	shadow_hdr(p, s)->prdbc = 0;
	if (sl->kind != AHCI_SLOT_WRITE)
		return 0;
	if (copy_guest(c, p, s, sl->done, n * ATA_SECTOR, false) ||
	    crypt_chunk(c, p, sl, true))
		return -EFAULT;
	return 0;
}

static void set_hdr(struct ahci_port *p, u32 s, u32 flags, u32 nprd)
{
	struct ahci_cmd_hdr *h = shadow_hdr(p, s);
	u64 pa = p->mem.tables_pa + (u64)s * AHCI_TABLE_SIZE;

	*h = (struct ahci_cmd_hdr){ .ctba = (u32)pa, .ctbau = (u32)(pa >> 32) };
	h->flags = (flags & ~(u32)AHCI_HDR_PRDTL) | nprd << AHCI_HDR_PRDTL_SHIFT;
}

static int setup_bounce(struct ahci_ctrl *c, struct ahci_port *p, u32 s,
			const struct ahci_io *io, u64 total)
{
	struct ahci_slot *sl = &p->slot[s];

	if ((u64)io->nsect * ATA_SECTOR > total)
		return -EINVAL;		/* PRDT smaller than the transfer */
	sl->kind = io->write ? AHCI_SLOT_WRITE : AHCI_SLOT_READ;
	sl->ncq = io->ncq;
	sl->lba48 = io->lba48;
	sl->lba = io->lba;
	sl->left = io->nsect;
	set_hdr(p, s, (sl->flags & (u32)(AHCI_HDR_CFL | AHCI_HDR_PMP)) |
		(io->write ? (u32)AHCI_HDR_WRITE : 0), 1);
	p->stats.bounced++;
	return next_chunk(c, p, s);
}

static void setup_fail(struct ahci_ctrl *c, struct ahci_port *p, u32 s,
		       int err)
{
	struct ahci_slot *sl = &p->slot[s];

	ahci_warn(c, "port %u slot %u: command %02x refused (%d): aborted\n",
		  p->num, s, sl->opcode, err);
	sl->kind = AHCI_SLOT_FAIL;
	sl->ncq = false;
	ahci_make_failing(shadow_table(p, s)->cfis);
	set_hdr(p, s, FIS_H2D_DWORDS, 0);
	p->stats.failed++;
}

static bool ncq_opcode(const u8 *cfis)
{
	return (cfis[1] & FIS_H2D_C) &&
	       (cfis[FIS_CMD] == ATA_READ_FPDMA || cfis[FIS_CMD] == ATA_WRITE_FPDMA ||
		cfis[FIS_CMD] == ATA_NCQ_NON_DATA || cfis[FIS_CMD] == ATA_RECV_FPDMA);
}

/* Builds the shadow of guest slot s. */
static void prepare(struct ahci_ctrl *c, struct ahci_port *p, u32 s)
{
	struct ahci_slot *sl = &p->slot[s];
	struct ahci_cmd_table *t = shadow_table(p, s);
	enum ahci_class cls = AHCI_CLASS_FAIL;
	struct ahci_cmd_hdr h;
	struct ahci_io io;
	u64 total = 0;
	int err;

	memset(sl, 0, sizeof(*sl));
	err = fetch(c, p, s, &h);
	if (!err) {
		sl->flags = h.flags;
		sl->opcode = t->cfis[FIS_CMD];
		cls = ahci_classify(t->cfis, &io);
		err = check_prdt(c, p, s, cls == AHCI_CLASS_RW ? !io.write :
				 !(h.flags & AHCI_HDR_WRITE), &total);
	}
	if (!err && cls != AHCI_CLASS_PASS && !ahci_port_known(p))
		err = -EACCES;		/* its disk (and ranges) not known yet */
	if (!err && cls == AHCI_CLASS_FAIL && !p->nranges)
		cls = AHCI_CLASS_PASS;	/* identified, nothing to encrypt */
	if (!err && cls == AHCI_CLASS_FAIL)
		err = -EPERM;
	if (!err && cls == AHCI_CLASS_RW && touches_range(p, io.lba, io.nsect)) {
		err = setup_bounce(c, p, s, &io, total);
	} else if (!err) {
		sl->kind = AHCI_SLOT_PASS;
		sl->ncq = ncq_opcode(t->cfis);
		memcpy(t->prdt, saved_prdt(p, s), sl->nprd * sizeof(struct ahci_prd));
		set_hdr(p, s, h.flags, sl->nprd);
		p->stats.passed++;
	}
	if (err)
		setup_fail(c, p, s, err);
	if (!p->used) {
		p->used = true;
		ahci_warn(c, "port %u: first command %02x (slot %u) through "
			  "the shadows\n", p->num, sl->opcode, s);
	}
}

static void issue(struct ahci_ctrl *c, struct ahci_port *p, u32 s)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (p->slot[s].ncq)
		ahci_port_wr(c, p, PX_SACT, (u32)BIT(s));
	ahci_port_wr(c, p, PX_CI, (u32)BIT(s));
	p->running = (s32)s;
}

static int hw_state(struct ahci_ctrl *c, struct ahci_port *p, u32 s)
{
	u32 bit = (u32)BIT(s);

	if (ahci_port_rd(c, p, PX_IS) & PX_IS_ERRORS)
		return HW_STALLED;
	if (!(ahci_port_rd(c, p, PX_CI) & bit) &&
	    !(p->slot[s].ncq && (ahci_port_rd(c, p, PX_SACT) & bit)))
		return HW_DONE;
	return (ahci_port_rd(c, p, PX_CMD) & PX_CMD_ST) ? HW_RUNNING : HW_STALLED;
}

static void guest_prdbc(struct ahci_ctrl *c, struct ahci_port *p, u32 s,
			u32 bytes)
{
	u32 *g = c->env->guest_map(c->env->ctx, p->guest_clb +
				   s * sizeof(struct ahci_cmd_hdr) + 4, 4, true);

	if (g)
		*(volatile u32 *)g = bytes;
}

/* Leaves slot s pending for the guest (it times out): never a false OK. */
static void stick(struct ahci_ctrl *c, struct ahci_port *p, u32 s,
		  const char *why)
{
	ahci_warn(c, "port %u slot %u: %s: left pending\n", p->num, s, why);
	p->running = -1;
}

/* A bounced chunk completed: reads are decrypted and copied out. */
static int chunk_out(struct ahci_ctrl *c, struct ahci_port *p, u32 s)
{
	struct ahci_slot *sl = &p->slot[s];

	if (sl->kind != AHCI_SLOT_READ)
		return 0;
	if (crypt_chunk(c, p, sl, false) ||
	    copy_guest(c, p, s, sl->done, sl->chunk * ATA_SECTOR, true))
		return -EFAULT;
	return 0;
}

/*
 * IDENTIFY DEVICE data on its way to the guest: on a pending port the
 * disk answers now, so the hypervisor identifies it itself (ahci_ident.c)
 * - never from the guest's buffer, which another CPU of the guest could
 * rewrite before we read it and so pick the ranges of its disk; on a
 * port with ranges TRIM and SCT are taken out (both fail closed here, so
 * the guest had better not use them) and the integrity checksum is made
 * right again.  The bounce buffer is free: only this slot runs.
 */
static void patch_identify(struct ahci_ctrl *c, struct ahci_port *p, u32 s)
{
	u16 *id = (u16 *)p->mem.bounce;
	u8 sum = 0;
	u32 i;

	if (p->id_state == AHCI_ID_PENDING)
		ahci_port_identify(c, p);
	if (copy_guest(c, p, s, 0, ATA_SECTOR, false))
		return;
	if (!p->nranges)
		return;
	id[ATA_ID_DSM] &= (u16)~BIT(0);
	id[ATA_ID_SCT] &= (u16)~BIT(0);
	if ((id[ATA_ID_INTEGRITY] & 0xff) == ATA_ID_SIGNATURE) {
		for (i = 0; i < ATA_SECTOR - 1; i++)
			sum = (u8)(sum + p->mem.bounce[i]);
		id[ATA_ID_INTEGRITY] = (u16)(ATA_ID_SIGNATURE |
					     (u8)(0x100 - sum) << 8);
	}
	copy_guest(c, p, s, 0, ATA_SECTOR, true);
}

/* The running slot s completed on the hardware without error. */
static void finish(struct ahci_ctrl *c, struct ahci_port *p, u32 s)
{
	struct ahci_slot *sl = &p->slot[s];
	u32 bytes = shadow_hdr(p, s)->prdbc;

	if (sl->kind == AHCI_SLOT_FAIL) {
		stick(c, p, s, "device did not abort the refused command");
		return;
	}
	if (sl->kind != AHCI_SLOT_PASS) {
		if (chunk_out(c, p, s)) {
			stick(c, p, s, "read data could not be returned");
			return;
		}
		if (sl->left) {
			if (next_chunk(c, p, s))
				stick(c, p, s, "write data unreadable");
			else
				issue(c, p, s);
			return;
		}
		bytes = sl->done + sl->chunk * ATA_SECTOR;
	} else if (sl->opcode == ATA_IDENTIFY &&
		   (shadow_table(p, s)->cfis[1] & FIS_H2D_C)) {
		patch_identify(c, p, s);
	}
	guest_prdbc(c, p, s, bytes);
	ahci_copy_rfis(c, p);
	p->ci &= ~(u32)BIT(s);
	p->sact &= ~(u32)BIT(s);
	p->running = -1;
}

/* One step: 1 progress, 0 waiting for the hardware, -1 cannot go on. */
static int step(struct ahci_ctrl *c, struct ahci_port *p)
{
	u32 s;
	int st;

	if (p->running >= 0) {
		st = hw_state(c, p, (u32)p->running);
		if (st != HW_DONE)
			return st == HW_RUNNING ? 0 : -1;
		finish(c, p, (u32)p->running);
		return 1;
	}
	if (!p->queued)
		return -1;
	if ((ahci_port_rd(c, p, PX_IS) & PX_IS_ERRORS) ||
	    !(ahci_port_rd(c, p, PX_CMD) & PX_CMD_ST))
		return -1;
	s = (u32)__builtin_ctz(p->queued);
	p->queued &= ~(u32)BIT(s);
	prepare(c, p, s);
	issue(c, p, s);
	return 1;
}

static int poll_port(struct ahci_ctrl *c, struct ahci_port *p)
{
	int r;

	while ((r = step(c, p)) > 0)
		;
	return r;
}

void ahci_poll(struct ahci_ctrl *c, struct ahci_port *p)
{
	poll_port(c, p);
}

void ahci_pump(struct ahci_ctrl *c, struct ahci_port *p)
{
	u64 budget = 0;

	while (!poll_port(c, p)) {
		if (!c->env->wait(c->env->ctx, &budget)) {
			ahci_warn(c, "port %u: slot %d still running; finished "
				  "on a later access\n", p->num, p->running);
			return;
		}
	}
}

void ahci_port_drop(struct ahci_port *p)
{
	p->ci = p->sact = p->queued = 0;
	p->running = -1;
}

void ahci_copy_rfis(struct ahci_ctrl *c, struct ahci_port *p)
{
	void *g;

	/* Only while FIS receive is on: with FRE off the guest may have
	 * reused the memory PxFB still names (the firmware's area once the
	 * OS owns it). */
	if (!p->guest_fb || !(ahci_port_rd(c, p, PX_CMD) & PX_CMD_FRE))
		return;
	g = c->env->guest_map(c->env->ctx, p->guest_fb, AHCI_RFIS_SIZE, true);
	if (g)
		memcpy(g, p->mem.rfis, AHCI_RFIS_SIZE);
}
