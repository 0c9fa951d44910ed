/*
 * Guest accesses to the trapped part of an NVMe controller's BAR0: the
 * register page and the doorbells of the queues we shadow (NVMe 1.4 §3.1).
 *
 *   CAP        MQES capped at NVME_QUEUE_ENTRIES - 1, so the guest never
 *              asks for queues larger than our shadows
 *   AQA/ASQ/ACQ  the guest's values are kept here; the hardware gets ours
 *              (the shadow admin queues) when CC.EN goes from 0 to 1
 *   CC         EN 0->1: admin queues checked and set up; EN 1->0: every
 *              queue and tag is dropped (the controller aborts them all)
 *   NSSR       a subsystem reset drops everything as well
 *   INTMS/INTMC  virtual: the guest's mask is kept, the hardware gets it
 *              plus our INTx pin mask (nvme_pin_update); an unmask sends
 *              the interrupts the mask held back (nvme_signal_owed)
 *   doorbells  recorded, then nvme_pump; never passed to the hardware
 *              (the hardware's doorbells are written by nvme_pump only)
 *   the rest   passed through unchanged
 *
 * 8-byte accesses are split in two 4-byte ones, low half first, as the
 * registers allow (1.4 §3.1: 64-bit registers may be accessed as two
 * dwords).
 */
#include <tv/env.h>
#include "nvme_shadow.h"

#define EMU_BASE	NVME_REG_AQA			/* AQA, ASQ, ACQ */
#define EMU_END		(NVME_REG_ACQ + 8)

u32 nvme_trap_size(u64 cap)
{
	u32 dstrd = 4u << ((cap & NVME_CAP_DSTRD) >> NVME_CAP_DSTRD_SHIFT);

	return (u32)ALIGN_UP(NVME_REG_DBS + 2 * NVME_QUEUES_MAX * dstrd,
			     NVME_PAGE_SIZE);
}

static void emu_pack(const struct nvme_ctrl *c, u8 *b)
{
	memcpy(b, &c->aqa, 4);
	memcpy(b + 4, &c->asq, 8);
	memcpy(b + 12, &c->acq, 8);
}

static void emu_unpack(struct nvme_ctrl *c, const u8 *b)
{
	memcpy(&c->aqa, b, 4);
	memcpy(&c->asq, b + 4, 8);
	memcpy(&c->acq, b + 12, 8);
}

static u32 read32(struct nvme_ctrl *c, u32 off)
{
	u8 b[EMU_END - EMU_BASE];
	u32 v;

	if (off >= NVME_REG_DBS)
		return 0;		/* doorbells are write-only */
	if (off == NVME_REG_INTMS || off == NVME_REG_INTMC)
		return c->intms;
	if (off >= EMU_BASE && off + 4 <= EMU_END) {
		emu_pack(c, b);
		memcpy(&v, b + off - EMU_BASE, 4);
		return v;
	}
	v = (u32)c->env->reg_read(c->env->ctx, off, 4);
	if (off == NVME_REG_CAP && (v & NVME_CAP_MQES) > NVME_QUEUE_ENTRIES - 1)
		v = (v & ~(u32)NVME_CAP_MQES) | (NVME_QUEUE_ENTRIES - 1);
	return v;
}

u64 nvme_reg_read(struct nvme_ctrl *c, u32 off, unsigned int size)
{
	u32 lo;

	if (off & 3) {		/* byte/word reads: from the aligned dword */
		lo = read32(c, off & ~3u);
		return (lo >> ((off & 3) * 8)) & (size == 1 ? 0xff : 0xffff);
	}
	lo = read32(c, off);
	if (size == 8)
		return lo | (u64)read32(c, off + 4) << 32;
	return size == 4 ? lo : lo & (size == 1 ? 0xff : 0xffff);
}

/* The guest's admin queues become the shadowed queue pair 0. */
static bool admin_setup(struct nvme_ctrl *c)
{
	u16 sqs = (u16)((c->aqa & NVME_AQA_ASQS) + 1);
	u16 cqs = (u16)(((c->aqa & NVME_AQA_ACQS) >> 16) + 1);
	struct nvme_sq *sq = &c->sq[0];
	struct nvme_cq *cq = &c->cq[0];

	if (sqs < 2 || cqs < 2 || sqs > NVME_QUEUE_ENTRIES ||
	    cqs > NVME_QUEUE_ENTRIES ||
	    !c->asq || !nvme_guest_queue_ok(c, c->asq,
					    sqs * sizeof(struct nvme_sqe), false) ||
	    !c->acq || !nvme_guest_queue_ok(c, c->acq,
					    cqs * sizeof(struct nvme_cqe), true))
		return false;
	nvme_ctrl_reset(c);
	sq->live = cq->live = true;
	sq->size = sqs;
	sq->guest_base = c->asq;
	sq->guest_tail = sq->next = sq->cqid = 0;
	cq->size = cqs;
	cq->guest_base = c->acq;
	cq->head = cq->guest_tail = cq->guest_head = 0;
	cq->phase = cq->guest_phase = 1;
	cq->hw_head = 0;
	cq->iv = 0;			/* the admin CQ: vector 0 (1.4 §3.1.10) */
	cq->ien = cq->hw_ien = true;
	cq->irq_owed = false;
	memset(cq->shadow, 0, NVME_QUEUE_ENTRIES * sizeof(struct nvme_cqe));
	c->env->reg_write(c->env->ctx, NVME_REG_AQA, 4, c->aqa);
	c->env->reg_write(c->env->ctx, NVME_REG_ASQ, 4, (u32)sq->shadow_pa);
	c->env->reg_write(c->env->ctx, NVME_REG_ASQ + 4, 4, sq->shadow_pa >> 32);
	c->env->reg_write(c->env->ctx, NVME_REG_ACQ, 4, (u32)cq->shadow_pa);
	c->env->reg_write(c->env->ctx, NVME_REG_ACQ + 4, 4, cq->shadow_pa >> 32);
	return true;
}

static void write_cc(struct nvme_ctrl *c, u32 val)
{
	c->cc = val;
	if (!(val & NVME_CC_EN)) {
		nvme_ctrl_reset(c);
	} else if (!c->enabled) {
		if (!admin_setup(c)) {
			nvme_warn(c, "admin queues AQA %x ASQ %llx ACQ %llx "
				  "refused: controller left disabled\n", c->aqa,
				  (unsigned long long)c->asq,
				  (unsigned long long)c->acq);
			val &= ~(u32)NVME_CC_EN;
		} else {
			c->enabled = true;
		}
	}
	c->env->reg_write(c->env->ctx, NVME_REG_CC, 4, val);
}

static void doorbell(struct nvme_ctrl *c, u32 off, u32 val)
{
	u32 rel = off - NVME_REG_DBS, idx = rel / c->dstrd, qid = idx / 2;

	val &= 0xffff;
	if (rel % c->dstrd || qid >= NVME_QUEUES_MAX) {
		nvme_warn(c, "doorbell write at %x dropped\n", off);
		return;
	}
	if (!(idx & 1)) {
		struct nvme_sq *sq = &c->sq[qid];

		if (!sq->live || val >= sq->size) {
			nvme_warn(c, "SQ %u tail %u dropped\n", qid, val);
			return;
		}
		sq->guest_tail = (u16)val;
	} else {
		struct nvme_cq *cq = &c->cq[qid];

		if (!cq->live || val >= cq->size) {
			nvme_warn(c, "CQ %u head %u dropped\n", qid, val);
			return;
		}
		cq->guest_head = (u16)val;
	}
	nvme_pump(c);
}

static void write32(struct nvme_ctrl *c, u32 off, u32 val)
{
	u8 b[EMU_END - EMU_BASE];

	if (off >= NVME_REG_DBS) {
		doorbell(c, off, val);
	} else if (off >= EMU_BASE && off + 4 <= EMU_END) {
		emu_pack(c, b);
		memcpy(b + off - EMU_BASE, &val, 4);
		emu_unpack(c, b);
	} else if (off == NVME_REG_CC) {
		write_cc(c, val);
	} else if (off == NVME_REG_INTMS || off == NVME_REG_INTMC) {
		c->intms = off == NVME_REG_INTMS ? c->intms | val : c->intms & ~val;
		nvme_pin_update(c);
		nvme_signal_owed(c);
	} else {
		if (off == NVME_REG_NSSR)
			nvme_ctrl_reset(c);
		c->env->reg_write(c->env->ctx, off, 4, val);
	}
}

void nvme_reg_write(struct nvme_ctrl *c, u32 off, unsigned int size, u64 val)
{
	if (size == 8 && !(off & 7)) {
		write32(c, off, (u32)val);
		write32(c, off + 4, (u32)(val >> 32));
	} else if (size == 4 && !(off & 3)) {
		write32(c, off, (u32)val);
	} else {
		nvme_warn(c, "%u-byte register write at %x dropped\n", size, off);
	}
}
