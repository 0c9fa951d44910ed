/*
 * I/O commands of nvme_crypt: which commands pass, which are bounced
 * through encryption, which are refused.
 *
 * Only namespaces with a storage.encrypt range are looked at; commands for
 * any other namespace pass through untouched (no copy).  For a configured
 * namespace (NVM command set, 1.4 §6):
 *
 *   Read, Write touching a range    bounce: encrypt before / decrypt after
 *   Read, Write outside all ranges  pass
 *   Compare, Write Zeroes in range  Invalid Command Opcode (would compare
 *                                   or write plaintext; Linux then writes
 *                                   zeroes itself, through us)
 *   Flush, Write Uncorrectable, Dataset Management, Verify, reservations
 *                                   pass (no user data moves)
 *   anything else                   Invalid Command Opcode (fail closed)
 *
 * While ranges may still be chosen by model=/serial= (no Identify
 * Controller seen yet), every I/O command fails with Command Sequence
 * Error: any namespace could be one to encrypt.
 *
 * A bounced command must use PRPs (SGL support is hidden from the guest),
 * 4 KiB pages, a known 512-byte LBA format without metadata, and at most
 * NVME_XFER_MAX_PAGES pages; otherwise it fails with an error status and
 * nothing reaches the disk.  Sectors outside the ranges in a bounced
 * command are copied unchanged; inside, each sector uses XTS with its LBA
 * as tweak (aes-xts-plain64).
 */
#include <tv/env.h>
#include "nvme_shadow.h"

struct nvme_ns *nvme_ns_find(struct nvme_ctrl *c, u32 nsid)
{
	u32 i;

	for (i = 0; i < c->nns; i++)
		if (c->ns[i].nsid == nsid)
			return &c->ns[i];
	return NULL;
}

static const struct xts_ctx *ns_key(const struct nvme_ns *ns,
				    const struct storage_range *r)
{
	u32 i;

	for (i = 0; i < ns->nranges; i++)
		if (ns->ranges[i] == r)
			return ns->keys[i];
	return NULL;
}

/* Encrypts or decrypts the in-range sectors of the bounce pages. */
static int crypt_bounce(struct nvme_ctrl *c, const struct nvme_ns *ns,
			const struct nvme_tag *t, bool enc)
{
	const u32 per_page = NVME_PAGE_SIZE / NVME_SECTOR;
	u64 run, s, k;
	int err = 0;

	c->env->crypt_begin(c->env->ctx);
	for (s = 0; s < t->nsect && !err; s += run) {
		const struct storage_range *r = storage_range_at(
			ns->ranges, ns->nranges, t->slba + s, t->nsect - s, &run);
		const struct xts_ctx *key = r ? ns_key(ns, r) : NULL;

		if (!r)
			continue;
		for (k = s; k < s + run && !err; ) {
			u64 n = MIN(per_page - k % per_page, s + run - k);
			u8 *p = (u8 *)nvme_tag_page(c, t, (u16)(k / per_page)) +
				(k % per_page) * NVME_SECTOR;

			err = !key ? -EINVAL : enc ?
			      xts_encrypt_sectors(key, t->slba + k, p, p, n, NVME_SECTOR) :
			      xts_decrypt_sectors(key, t->slba + k, p, p, n, NVME_SECTOR);
			k += n;
		}
		if (enc)
			c->stats.enc_sectors += run;
		else
			c->stats.dec_sectors += run;
	}
	c->env->crypt_end(c->env->ctx);
	return err;
}

static bool touches_range(const struct nvme_ns *ns, u64 slba, u32 nsect)
{
	u64 run;

	if (slba + nsect < slba)
		return true;	/* wraps: treat as touching */
	return storage_range_at(ns->ranges, ns->nranges, slba, nsect, &run) ||
	       run < nsect;
}

static int crypt_prepare(struct nvme_ctrl *c, const struct nvme_ns *ns,
			 struct nvme_sqe *cmd, struct nvme_tag *t)
{
	bool write = cmd->opcode == NVME_CMD_WRITE;
	int ret;

	if (!ns->lba_size || !ns->fmt_ok)
		return NVME_SC_INVALID_NS_FMT | NVME_ST_DNR;
	if ((c->cc & NVME_CC_MPS) || (cmd->flags & NVME_SQE_PSDT) ||
	    (cmd->flags & NVME_SQE_FUSE) || (u64)t->nsect * NVME_SECTOR >
	    (u64)NVME_XFER_MAX_PAGES * NVME_PAGE_SIZE)
		return NVME_SC_INVALID_FIELD | NVME_ST_DNR;
	t->len = t->nsect * NVME_SECTOR;
	ret = nvme_bounce_setup(c, cmd, t, !write);
	if (ret)
		return ret;
	t->kind = write ? NVME_TAG_WRITE : NVME_TAG_READ;
	c->stats.crypt_cmds++;
	if (!write)
		return 0;
	if (nvme_copy_guest(c, t, false) || crypt_bounce(c, ns, t, true)) {
		nvme_bounce_free(c, t);
		t->kind = NVME_TAG_FREE;
		return NVME_SC_DATA_XFER_ERROR;
	}
	return 0;
}

static bool always_passes(u8 opcode)
{
	switch (opcode) {
	case NVME_CMD_FLUSH:
	case NVME_CMD_WRITE_UNCOR:
	case NVME_CMD_DSM:
	case NVME_CMD_VERIFY:
	case NVME_CMD_RESV_REGISTER:
	case NVME_CMD_RESV_REPORT:
	case NVME_CMD_RESV_ACQUIRE:
	case NVME_CMD_RESV_RELEASE:
		return true;
	}
	return false;
}

int nvme_io_prepare(struct nvme_ctrl *c, struct nvme_sqe *cmd,
		    struct nvme_tag *t)
{
	struct nvme_ns *ns = nvme_ns_find(c, cmd->nsid);

	t->kind = NVME_TAG_PASS;
	if (c->id_pending)
		return NVME_SC_CMD_SEQ_ERROR;
	if (!ns && !(cmd->nsid == NVME_NSID_ALL && c->nns))
		return 0;
	if (always_passes(cmd->opcode))
		return 0;
	if (!ns)
		return NVME_SC_INVALID_OPCODE | NVME_ST_DNR;
	switch (cmd->opcode) {
	case NVME_CMD_READ:
	case NVME_CMD_WRITE:
	case NVME_CMD_COMPARE:
	case NVME_CMD_WRITE_ZEROES:
		t->nsid = cmd->nsid;
		t->slba = cmd->cdw10 | (u64)cmd->cdw11 << 32;
		t->nsect = (cmd->cdw12 & 0xffff) + 1;
		if (!touches_range(ns, t->slba, t->nsect))
			return 0;
		if (cmd->opcode == NVME_CMD_READ || cmd->opcode == NVME_CMD_WRITE)
			return crypt_prepare(c, ns, cmd, t);
		return NVME_SC_INVALID_OPCODE | NVME_ST_DNR;
	}
	return NVME_SC_INVALID_OPCODE | NVME_ST_DNR;
}

void nvme_io_complete(struct nvme_ctrl *c, struct nvme_tag *t,
		      struct nvme_cqe *cqe)
{
	struct nvme_ns *ns = nvme_ns_find(c, t->nsid);
	bool ok = !(cqe->status & (NVME_CQE_SC | NVME_CQE_SCT));

	if (t->kind == NVME_TAG_READ && ok) {
		/* Decrypt in the bounce, then copy: plaintext only ever
		 * lands in the guest's own pages. */
		if (!ns || crypt_bounce(c, ns, t, false) ||
		    nvme_copy_guest(c, t, true)) {
			nvme_warn(c, "cid %u: read data could not be returned\n",
				  t->guest_cid);
			cqe->status = (u16)((cqe->status & NVME_CQE_PHASE) |
				      nvme_cqe_status(NVME_SC_DATA_XFER_ERROR));
		}
	}
	nvme_bounce_free(c, t);
}
