/*
 * Admin commands nvme_crypt must see (NVMe 1.4 §5):
 *
 *   Create I/O CQ/SQ   the queue's guest address and size are recorded and
 *                      the command is rewritten to give the controller our
 *                      shadow queue instead; the queue goes live when the
 *                      command succeeds.  Queue IDs above our shadows, more
 *                      than NVME_QUEUE_ENTRIES entries, non-contiguous
 *                      queues or guest memory we cannot reach fail here.
 *                      The hardware CQ gets IEN = 0 unless the function
 *                      uses INTx: we send the guest's vector ourselves,
 *                      after posting (nvme_shadow.h, "Interrupts").
 *   Delete I/O SQ/CQ   the queue ends when the command succeeds.
 *   Identify           Namespace data of a configured namespace and the
 *                      Controller data go through a bounce page: the LBA
 *                      format decides whether ranges can be encrypted
 *                      (512-byte data, no metadata); MDTS is capped at our
 *                      bounce limit and SGL support is hidden, so the guest
 *                      sends only commands we can bounce; Doorbell Buffer
 *                      Config support (OACS bit 8) is hidden too.
 *   Doorbell Buffer Config  fails (Invalid Opcode): with shadow doorbells
 *                      in guest memory the controller would take the
 *                      guest's SQ tails and CQ heads from there, past our
 *                      trapped doorbells, and fetch shadow SQ entries we
 *                      have not written yet.
 *   Set Features (Number of Queues)  the granted counts are capped at the
 *                      queues we shadow.
 *   Format NVM         forgets the namespace's format until the next
 *                      Identify (I/O to its ranges fails meanwhile).
 *   Async Event Request  may stay outstanding: not waited for.
 *
 * Everything else passes.
 */
#include <tv/env.h>
#include "nvme_shadow.h"

/* Common checks of Create I/O CQ/SQ; 0 or a status. */
static int create_check(struct nvme_ctrl *c, const struct nvme_sqe *cmd,
			struct nvme_tag *t, bool live, u32 entry, bool write)
{
	t->qid = cmd->cdw10 & NVME_CREATE_QID;
	t->qsize = (u16)MIN((cmd->cdw10 >> NVME_CREATE_QSIZE_SHIFT) + 1, 0xffffu);
	t->qbase = cmd->prp1;
	if (!t->qid || t->qid >= NVME_QUEUES_MAX || live)
		return NVME_SC_QID_INVALID | NVME_ST_DNR;
	if (t->qsize < 2 || t->qsize > NVME_QUEUE_ENTRIES)
		return NVME_SC_QSIZE_INVALID | NVME_ST_DNR;
	if (!(cmd->cdw11 & NVME_CREATE_PC) || (cmd->flags & NVME_SQE_PSDT))
		return NVME_SC_INVALID_FIELD | NVME_ST_DNR;
	if (!nvme_guest_queue_ok(c, t->qbase, t->qsize * entry, write))
		return NVME_SC_DATA_XFER_ERROR | NVME_ST_DNR;
	return 0;
}

static int create_cq_prepare(struct nvme_ctrl *c, struct nvme_sqe *cmd,
			     struct nvme_tag *t)
{
	u16 qid = cmd->cdw10 & NVME_CREATE_QID;
	int st = create_check(c, cmd, t, qid < NVME_QUEUES_MAX && c->cq[qid].live,
			      sizeof(struct nvme_cqe), true);

	if (st)
		return st;
	memset(c->cq[qid].shadow, 0, NVME_QUEUE_ENTRIES * sizeof(struct nvme_cqe));
	cmd->prp1 = c->cq[qid].shadow_pa;
	cmd->prp2 = 0;
	/* IV stays: the controller checks it against its vectors (§5.3). */
	t->iv = (u16)(cmd->cdw11 >> NVME_CREATE_CQ_IV_SHIFT);
	t->ien = cmd->cdw11 & NVME_CREATE_CQ_IEN;
	if (!c->env->intx || !c->env->intx(c->env->ctx))
		cmd->cdw11 &= ~(u32)NVME_CREATE_CQ_IEN;
	t->hw_ien = cmd->cdw11 & NVME_CREATE_CQ_IEN;
	t->kind = NVME_TAG_CREATE_CQ;
	return 0;
}

static int create_sq_prepare(struct nvme_ctrl *c, struct nvme_sqe *cmd,
			     struct nvme_tag *t)
{
	u16 qid = cmd->cdw10 & NVME_CREATE_QID;
	int st = create_check(c, cmd, t, qid < NVME_QUEUES_MAX && c->sq[qid].live,
			      sizeof(struct nvme_sqe), false);

	if (st)
		return st;
	t->cqid = (u16)(cmd->cdw11 >> NVME_CREATE_SQ_CQID_SHIFT);
	if (!t->cqid || t->cqid >= NVME_QUEUES_MAX || !c->cq[t->cqid].live)
		return NVME_SC_CQ_INVALID | NVME_ST_DNR;
	cmd->prp1 = c->sq[qid].shadow_pa;
	cmd->prp2 = 0;
	t->kind = NVME_TAG_CREATE_SQ;
	return 0;
}

static int identify_prepare(struct nvme_ctrl *c, struct nvme_sqe *cmd,
			    struct nvme_tag *t)
{
	int ret;

	if (cmd->flags & NVME_SQE_PSDT)
		return NVME_SC_INVALID_FIELD | NVME_ST_DNR;
	t->cns = cmd->cdw10 & 0xff;
	t->nsid = cmd->nsid;
	t->len = NVME_PAGE_SIZE;
	ret = nvme_bounce_setup(c, cmd, t, true);
	if (!ret)
		t->kind = NVME_TAG_IDENTIFY;
	return ret;
}

static void format_forget(struct nvme_ctrl *c, u32 nsid)
{
	u32 i;

	for (i = 0; i < c->nns; i++)
		if (nsid == NVME_NSID_ALL || c->ns[i].nsid == nsid)
			c->ns[i].lba_size = 0;
}

int nvme_admin_prepare(struct nvme_ctrl *c, struct nvme_sqe *cmd,
		       struct nvme_tag *t)
{
	u8 cns = cmd->cdw10 & 0xff;

	t->kind = NVME_TAG_PASS;
	switch (cmd->opcode) {
	case NVME_ADM_ASYNC_EVENT:
		t->nowait = true;
		return 0;
	case NVME_ADM_CREATE_CQ:
		return create_cq_prepare(c, cmd, t);
	case NVME_ADM_CREATE_SQ:
		return create_sq_prepare(c, cmd, t);
	case NVME_ADM_DELETE_CQ:
	case NVME_ADM_DELETE_SQ:
		t->qid = cmd->cdw10 & NVME_CREATE_QID;
		if (!t->qid || t->qid >= NVME_QUEUES_MAX)
			return NVME_SC_QID_INVALID | NVME_ST_DNR;
		t->kind = cmd->opcode == NVME_ADM_DELETE_CQ ? NVME_TAG_DELETE_CQ :
			  NVME_TAG_DELETE_SQ;
		return 0;
	case NVME_ADM_IDENTIFY:
		if (cns == NVME_CNS_CTRL ||
		    (cns == NVME_CNS_NS && nvme_ns_find(c, cmd->nsid)))
			return identify_prepare(c, cmd, t);
		return 0;
	case NVME_ADM_SET_FEATURES:
		if ((cmd->cdw10 & 0xff) == NVME_FEAT_NUM_QUEUES)
			t->kind = NVME_TAG_NUM_QUEUES;
		return 0;
	case NVME_ADM_FORMAT_NVM:
		format_forget(c, cmd->nsid);
		return 0;
	case NVME_ADM_DBBUF_CONFIG:
		return NVME_SC_INVALID_OPCODE | NVME_ST_DNR;
	}
	return 0;
}

static void identify_ns(struct nvme_ctrl *c, struct nvme_ns *ns,
			const struct nvme_id_ns *id)
{
	u32 idx = (id->flbas & NVME_FLBAS_INDEX_LO) |
		  ((id->flbas & NVME_FLBAS_INDEX_HI) >> 1);
	u32 lbaf = idx < 64 && idx <= id->nlbaf ? id->lbaf[idx] : 0;
	u32 lbads = (lbaf & NVME_LBAF_LBADS) >> NVME_LBAF_LBADS_SHIFT;
	bool ok = lbads == 9 && !(lbaf & NVME_LBAF_MS);

	if (ns->lba_size && ns->fmt_ok == ok)
		return;
	ns->lba_size = lbads >= 9 && lbads < 32 ? 1u << lbads : 1;
	ns->fmt_ok = ok;
	if (ok)
		nvme_info(c, "nsid %u: 512-byte sectors, %llu sectors: "
			  "encrypting %u range(s)\n", ns->nsid,
			  (unsigned long long)id->nsze, ns->nranges);
	else
		nvme_info(c, "nsid %u: LBA format %u (data 2^%u, metadata %u) "
			  "not supported: I/O to its ranges fails\n", ns->nsid,
			  idx, lbads, (u32)(lbaf & NVME_LBAF_MS));
}

static void identify_complete(struct nvme_ctrl *c, struct nvme_tag *t,
			      struct nvme_cqe *cqe)
{
	void *page = nvme_tag_page(c, t, 0);
	struct nvme_ns *ns = nvme_ns_find(c, t->nsid);

	if (t->cns == NVME_CNS_CTRL) {
		struct nvme_id_ctrl *id = page;

		if (c->id_pending && c->env->identified &&
		    c->env->identified(c->env->ctx, id->sn, id->mn))
			c->id_pending = false;
		if (!id->mdts || id->mdts > NVME_MDTS)
			id->mdts = NVME_MDTS;
		id->sgls = 0;
		id->oacs &= ~(u16)NVME_OACS_DBBUF;
	} else if (ns) {
		identify_ns(c, ns, page);
	}
	if (nvme_copy_guest(c, t, true))
		cqe->status = (u16)((cqe->status & NVME_CQE_PHASE) |
			      nvme_cqe_status(NVME_SC_DATA_XFER_ERROR));
}

static void queue_created(struct nvme_ctrl *c, struct nvme_tag *t)
{
	if (t->kind == NVME_TAG_CREATE_CQ) {
		struct nvme_cq *cq = &c->cq[t->qid];

		cq->live = true;
		cq->size = t->qsize;
		cq->guest_base = t->qbase;
		cq->head = cq->guest_tail = cq->guest_head = 0;
		cq->phase = cq->guest_phase = 1;
		cq->hw_head = 0;
		cq->iv = t->iv;
		cq->ien = t->ien;
		cq->hw_ien = t->hw_ien;
		cq->irq_owed = false;
	} else {
		struct nvme_sq *sq = &c->sq[t->qid];

		nvme_sq_drop(c, sq);
		sq->live = true;
		sq->size = t->qsize;
		sq->cqid = t->cqid;
		sq->guest_base = t->qbase;
		sq->guest_tail = sq->next = 0;
	}
}

void nvme_admin_complete(struct nvme_ctrl *c, struct nvme_tag *t,
			 struct nvme_cqe *cqe)
{
	bool ok = !(cqe->status & (NVME_CQE_SC | NVME_CQE_SCT));
	u32 nsqa, ncqa;

	if (t->kind == NVME_TAG_IDENTIFY) {
		if (ok)
			identify_complete(c, t, cqe);
		nvme_bounce_free(c, t);
		return;
	}
	if (!ok)
		return;
	switch (t->kind) {
	case NVME_TAG_CREATE_CQ:
	case NVME_TAG_CREATE_SQ:
		queue_created(c, t);
		break;
	case NVME_TAG_DELETE_SQ:
		c->sq[t->qid].live = false;
		break;
	case NVME_TAG_DELETE_CQ:
		c->cq[t->qid].live = false;
		break;
	case NVME_TAG_NUM_QUEUES:
		nsqa = MIN(cqe->dw0 & 0xffff, NVME_QUEUES_MAX - 2);
		ncqa = MIN(cqe->dw0 >> 16, NVME_QUEUES_MAX - 2);
		cqe->dw0 = nsqa | ncqa << 16;
		break;
	}
}
