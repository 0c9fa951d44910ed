/*
 * The queue engine of nvme_crypt (see nvme_shadow.h for the picture).
 *
 * Submission: for each live SQ, the guest's entries from `next` up to the
 * tail it wrote are copied once into a local (so the guest cannot change
 * a command after it was checked), given a tag, prepared by the admin or
 * I/O rules, and written to the same index of the shadow SQ.  A command
 * that must fail is replaced by a harmless one that the controller itself
 * fails (I/O: Flush of namespace 0; admin: Get Features of feature 0), so
 * indices stay aligned; its completion then carries our status.  When the
 * tags or the bounce pool run out, processing of that queue stops and the
 * rest is taken later, once completions have freed resources: the
 * controller is allowed to fetch commands late.
 *
 * Completion: for each live CQ, new entries of the shadow (phase tag) are
 * finished (decrypt and copy read data, admin bookkeeping), get the
 * guest's CID back and the guest's phase, and are written to the guest's
 * CQ, status dword last.  An entry waits in the shadow while the guest's
 * CQ is full.  Then the controller's CQ head doorbell is written, and
 * once all CQs are done the guest's interrupt is sent for each vector
 * whose CQ got entries and has IEN set: once per vector and pass, never
 * before the entries are written (the hardware CQs do not interrupt;
 * nvme_shadow.h, "Interrupts").
 *
 * nvme_pump repeats both until every forwarded command has completed (or
 * the wait budget is gone), so commands are synchronous as seen from the
 * guest's doorbell write.
 */
#include <stdarg.h>
#include <tv/env.h>
#include <tv/fmt.h>
#include "nvme_shadow.h"

static void nvme_vlog(struct nvme_ctrl *c, const char *fmt, va_list ap)
{
	char msg[200];

	tv_prefixed_vsnprintf(msg, sizeof(msg), c->name, fmt, ap);
	c->env->log(c->env->ctx, msg);
}

void nvme_warn(struct nvme_ctrl *c, const char *fmt, ...)
{
	va_list ap;

	if (c->warned++ >= 20)
		return;
	va_start(ap, fmt);
	nvme_vlog(c, fmt, ap);
	va_end(ap);
}

void nvme_info(struct nvme_ctrl *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nvme_vlog(c, fmt, ap);
	va_end(ap);
}

void nvme_ctrl_init(struct nvme_ctrl *c, const struct nvme_env *env,
		    const struct nvme_ctrl_mem *mem, u64 cap, const char *name)
{
	u32 i;

	memset(c, 0, sizeof(*c));
	c->env = env;
	c->dstrd = 4u << ((cap & NVME_CAP_DSTRD) >> NVME_CAP_DSTRD_SHIFT);
	tv_snprintf(c->name, sizeof(c->name), "%s", name);
	for (i = 0; i < NVME_QUEUES_MAX; i++) {
		c->sq[i].shadow = mem->sq[i];
		c->sq[i].shadow_pa = mem->sq_pa[i];
		c->sq[i].tags = mem->tags[i];
		c->cq[i].shadow = mem->cq[i];
		c->cq[i].shadow_pa = mem->cq_pa[i];
	}
	nvme_pool_init(&c->pool, mem->pool_va, mem->pool_pa, mem->pool_pages,
		       mem->pool_free);
}

int nvme_ctrl_add_range(struct nvme_ctrl *c, const struct storage_range *r,
			const struct xts_ctx *key)
{
	struct nvme_ns *ns = nvme_ns_find(c, r->nsid);

	if (!ns) {
		if (c->nns == NVME_NS_MAX)
			return -ENOSPC;
		ns = &c->ns[c->nns++];
		ns->nsid = r->nsid;
	}
	if (ns->nranges == STORAGE_RANGES_MAX)
		return -ENOSPC;
	ns->ranges[ns->nranges] = r;
	ns->keys[ns->nranges++] = key;
	return 0;
}

void nvme_sq_drop(struct nvme_ctrl *c, struct nvme_sq *sq)
{
	u32 i;

	for (i = 0; i < NVME_QUEUE_ENTRIES; i++) {
		nvme_bounce_free(c, &sq->tags[i]);
		sq->tags[i].kind = NVME_TAG_FREE;
	}
	sq->inflight = 0;
}

bool nvme_guest_queue_ok(struct nvme_ctrl *c, u64 base, u32 len, bool write)
{
	u32 off;

	if (base & (NVME_PAGE_SIZE - 1))
		return false;
	for (off = 0; off < len; off += NVME_PAGE_SIZE)
		if (!c->env->guest_map(c->env->ctx, base + off,
				       MIN(NVME_PAGE_SIZE, len - off), write))
			return false;
	return true;
}

void nvme_ctrl_reset(struct nvme_ctrl *c)
{
	u32 i;

	for (i = 0; i < NVME_QUEUES_MAX; i++) {
		nvme_sq_drop(c, &c->sq[i]);
		c->sq[i].live = false;
		c->cq[i].live = false;
		c->cq[i].irq_owed = false;
	}
	for (i = 0; i < c->nns; i++)
		c->ns[i].lba_size = 0;
	c->enabled = false;
	/* The guest's INTMS reads its reset value (1.4 §3.1.3); whether the
	 * hardware's was reset too, nvme_pin_update does not assume. */
	c->intms = 0;
	c->hw_intms_stale = true;
}

static struct nvme_tag *tag_alloc(struct nvme_sq *sq, u16 *idx)
{
	u16 i;

	for (i = 0; i < NVME_QUEUE_ENTRIES; i++) {
		if (sq->tags[i].kind == NVME_TAG_FREE) {
			memset(&sq->tags[i], 0, sizeof(sq->tags[i]));
			sq->tags[i].page0 = sq->tags[i].page1 = NVME_POOL_NONE;
			sq->tags[i].list = sq->tags[i].glist = NVME_POOL_NONE;
			sq->inflight++;
			*idx = i;
			return &sq->tags[i];
		}
	}
	return NULL;
}

/* The command the controller fails for us (indices stay aligned). */
static void make_failing(struct nvme_sqe *cmd, bool admin)
{
	u16 cid = cmd->cid;

	memset(cmd, 0, sizeof(*cmd));
	cmd->cid = cid;
	cmd->opcode = admin ? NVME_ADM_GET_FEATURES : NVME_CMD_FLUSH;
}

/*
 * One guest entry into the shadow.  0: done; -EAGAIN: out of tags or
 * bounce pages, try again later.
 */
static int submit_one(struct nvme_ctrl *c, u16 qid, struct nvme_sq *sq)
{
	const void *g = c->env->guest_map(c->env->ctx, sq->guest_base +
					  (u64)sq->next * sizeof(struct nvme_sqe),
					  sizeof(struct nvme_sqe), false);
	struct nvme_sqe cmd;
	struct nvme_tag *t;
	u16 idx;
	int st;

	t = tag_alloc(sq, &idx);
	if (!t)
		return -EAGAIN;
	if (g)
		memcpy(&cmd, g, sizeof(cmd));
	else
		memset(&cmd, 0, sizeof(cmd));
	t->guest_cid = cmd.cid;
	t->opcode = cmd.opcode;
	st = !g ? NVME_SC_DATA_XFER_ERROR :
	     qid ? nvme_io_prepare(c, &cmd, t) : nvme_admin_prepare(c, &cmd, t);
	if (st == -EAGAIN && sq->inflight > 1) {
		t->kind = NVME_TAG_FREE;
		sq->inflight--;
		return -EAGAIN;
	}
	if (st) {
		if (st == -EAGAIN)	/* larger than the whole free pool */
			st = NVME_SC_INTERNAL;
		t->kind = NVME_TAG_FAIL;
		t->status = (u16)st;
		t->nowait = false;
		make_failing(&cmd, !qid);
		c->stats.failed++;
	} else if (t->kind == NVME_TAG_PASS) {
		c->stats.passed++;
	}
	cmd.cid = idx;
	sq->shadow[sq->next] = cmd;
	sq->next = (u16)((sq->next + 1) % sq->size);
	return 0;
}

/* Forwards what can be forwarded; true if a queue is left with backlog. */
static bool submit_all(struct nvme_ctrl *c)
{
	bool backlog = false;
	u16 qid, before;

	for (qid = 0; qid < NVME_QUEUES_MAX; qid++) {
		struct nvme_sq *sq = &c->sq[qid];

		if (!sq->live)
			continue;
		before = sq->next;
		while (sq->next != sq->guest_tail) {
			if (submit_one(c, qid, sq)) {
				backlog = true;
				break;
			}
		}
		if (sq->next != before) {
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			c->env->reg_write(c->env->ctx, NVME_REG_DBS +
					  2 * qid * c->dstrd, 4, sq->next);
		}
	}
	return backlog;
}

static void finish(struct nvme_ctrl *c, struct nvme_sq *sq, struct nvme_tag *t,
		   struct nvme_cqe *cqe)
{
	if (t->kind == NVME_TAG_FAIL)
		cqe->status = (u16)((cqe->status & NVME_CQE_PHASE) |
			      nvme_cqe_status(t->status));
	else if (t->kind == NVME_TAG_READ || t->kind == NVME_TAG_WRITE)
		nvme_io_complete(c, t, cqe);
	else if (t->kind != NVME_TAG_PASS)
		nvme_admin_complete(c, t, cqe);
	cqe->cid = t->guest_cid;
	t->kind = NVME_TAG_FREE;
	if (sq->inflight)
		sq->inflight--;
}

/* Writes cqe to the guest's CQ (status dword last). */
static void post_guest(struct nvme_ctrl *c, struct nvme_cq *cq,
		       const struct nvme_cqe *cqe)
{
	u32 *g = c->env->guest_map(c->env->ctx, cq->guest_base +
				   (u64)cq->guest_tail * sizeof(*cqe),
				   sizeof(*cqe), true);
	u32 w[4];

	memcpy(w, cqe, sizeof(w));

	if (g) {
		((volatile u32 *)g)[0] = w[0];
		((volatile u32 *)g)[1] = w[1];
		((volatile u32 *)g)[2] = w[2];
		__atomic_thread_fence(__ATOMIC_RELEASE);
		((volatile u32 *)g)[3] = (w[3] & ~(u32)(NVME_CQE_PHASE << 16)) |
					 (u32)cq->guest_phase << 16;
	} else {
		nvme_warn(c, "guest CQ at %llx unreachable: completion lost\n",
			  (unsigned long long)cq->guest_base);
	}
	if (++cq->guest_tail == cq->size) {
		cq->guest_tail = 0;
		cq->guest_phase ^= 1;
	}
}

/*
 * The controller's CQ head: what we consumed from the shadow, or, for a CQ
 * whose hardware interrupts are on (the admin CQ, I/O CQs created under
 * INTx), only up to what the guest consumed from its copy.  A level
 * interrupt (INTx, 1.4 §7.5.1) then stays asserted until the guest has
 * seen the entries, as without us, and a handler that ran before we
 * posted is called again.
 */
static void write_cq_head(struct nvme_ctrl *c, u16 qid, struct nvme_cq *cq)
{
	u16 unseen = (u16)((cq->guest_tail + cq->size - cq->guest_head) % cq->size);
	u16 head = cq->head;

	if (cq->hw_ien)
		head = (u16)((cq->head + cq->size - unseen) % cq->size);
	if (head == cq->hw_head)
		return;
	cq->hw_head = head;
	c->env->reg_write(c->env->ctx, NVME_REG_DBS + (2 * qid + 1) * c->dstrd,
			  4, head);
}

/* Moves new completions of one CQ to the guest; false if it is full. */
static bool reap_cq(struct nvme_ctrl *c, u16 qid, struct nvme_cq *cq,
		    bool *posted)
{
	bool room = true;

	for (;;) {
		struct nvme_cqe cqe = ((volatile struct nvme_cqe *)cq->shadow)[cq->head];
		struct nvme_sq *sq;

		if ((cqe.status & NVME_CQE_PHASE) != cq->phase)
			break;
		if ((u16)(cq->guest_tail + 1) % cq->size == cq->guest_head) {
			room = false;
			break;
		}
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		sq = cqe.sqid < NVME_QUEUES_MAX ? &c->sq[cqe.sqid] : NULL;
		if (sq && cqe.cid < NVME_QUEUE_ENTRIES &&
		    sq->tags[cqe.cid].kind != NVME_TAG_FREE) {
			finish(c, sq, &sq->tags[cqe.cid], &cqe);
			post_guest(c, cq, &cqe);
			cq->irq_owed |= cq->ien;
			*posted = true;
		} else {
			nvme_warn(c, "completion for unknown command %u/%u dropped\n",
				  cqe.sqid, cqe.cid);
		}
		if (++cq->head == cq->size) {
			cq->head = 0;
			cq->phase ^= 1;
		}
	}
	write_cq_head(c, qid, cq);
	return room;
}

/*
 * Sends the guest's vector of every CQ that is owed an interrupt, each
 * vector once (CQs may share one).  A masked vector (-EAGAIN) stays owed
 * until the next pump or new completions; any other result settles it.
 */
void nvme_signal_owed(struct nvme_ctrl *c)
{
	u16 vec[NVME_QUEUES_MAX];
	int res[NVME_QUEUES_MAX];
	u32 n = 0, i, q;

	/* The guest's CQ entries are visible before the interrupt. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (q = 0; q < NVME_QUEUES_MAX; q++) {
		struct nvme_cq *cq = &c->cq[q];

		if (!cq->irq_owed)
			continue;
		if (!cq->live || !cq->ien || !c->env->signal) {
			cq->irq_owed = false;
			continue;
		}
		if (cq->iv < 32 && (c->intms & BIT(cq->iv)))
			continue;	/* INTMS (MSI), 1.4 §3.1.3 */
		for (i = 0; i < n && vec[i] != cq->iv; i++)
			;
		if (i == n) {
			vec[n] = cq->iv;
			res[n++] = c->env->signal(c->env->ctx, cq->iv);
		}
		cq->irq_owed = res[i] == -EAGAIN;
	}
}

/* Has the guest entries it did not consume in a CQ that uses the pin? */
static bool pin_wanted(const struct nvme_ctrl *c)
{
	u32 q;

	for (q = 0; q < NVME_QUEUES_MAX; q++)
		if (c->cq[q].live && c->cq[q].hw_ien && c->cq[q].ien &&
		    c->cq[q].guest_tail != c->cq[q].guest_head)
			return true;
	return false;
}

/*
 * Only while the function uses INTx: with MSI-X the registers must not be
 * touched (1.4 §3.1.3), and with MSI the hardware interrupts only for the
 * admin CQ, which the guest's mask does not reach then (docs/storage.md).
 */
void nvme_pin_update(struct nvme_ctrl *c)
{
	u32 want = c->intms;

	if (!c->env->intx || !c->env->intx(c->env->ctx))
		return;
	if (c->enabled && !pin_wanted(c))
		want |= BIT(0);		/* bit 0 masks the pin */
	if (c->hw_intms_stale) {
		/* After a reset: state every bit. */
		c->hw_intms = ~want;
		c->hw_intms_stale = false;
	}
	if (want & ~c->hw_intms)
		c->env->reg_write(c->env->ctx, NVME_REG_INTMS, 4,
				  want & ~c->hw_intms);
	if (c->hw_intms & ~want)
		c->env->reg_write(c->env->ctx, NVME_REG_INTMC, 4,
				  c->hw_intms & ~want);
	c->hw_intms = want;
}

/* Delivers completions and their interrupts; counts what is still
 * expected. */
static u32 reap_all(struct nvme_ctrl *c, bool *stuck)
{
	u32 waiting = 0, i, q;
	bool posted = false;

	*stuck = false;
	for (q = NVME_QUEUES_MAX; q-- > 0; )	/* I/O before admin */
		if (c->cq[q].live && !reap_cq(c, (u16)q, &c->cq[q], &posted))
			*stuck = true;
	if (posted)
		nvme_signal_owed(c);
	nvme_pin_update(c);
	for (q = 0; q < NVME_QUEUES_MAX; q++) {
		if (!c->sq[q].inflight)
			continue;
		for (i = 0; i < NVME_QUEUE_ENTRIES; i++)
			if (c->sq[q].tags[i].kind != NVME_TAG_FREE &&
			    !c->sq[q].tags[i].nowait)
				waiting++;
	}
	return waiting;
}

void nvme_pump(struct nvme_ctrl *c)
{
	u64 budget = 0;
	bool stuck, backlog;
	u32 waiting;

	if (!c->enabled)
		return;
	nvme_signal_owed(c);		/* held back by a mask before */
	for (;;) {
		reap_all(c, &stuck);
		backlog = submit_all(c);
		waiting = reap_all(c, &stuck);
		if ((!waiting && !backlog) || stuck)
			return;
		if (!c->env->wait(c->env->ctx, &budget)) {
			nvme_warn(c, "%u command(s) still running; their "
				  "completions follow later\n", waiting);
			return;
		}
	}
}
