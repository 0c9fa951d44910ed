/*
 * The simulated NVMe controller, the fixture and the minimal guest driver
 * shared by the drivers/nvme unit tests (see nvme_sim.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "nvme_sim.h"

struct sim sim;
u8 *gmem;
u8 *bad_page;
char logbuf[8192];
struct guest g;

struct nvme_ctrl ctrl;
struct nvme_ctrl_mem mem;
struct xts_ctx key;
struct storage_range range = {
	.line = 1, .sel = STORAGE_SEL_SLOT, .nsid = 1,
	.lba_first = RANGE_FIRST, .lba_last = STORAGE_LBA_END,
};

/* ---- the simulated controller ---- */
static void *sim_guest_map(void *ctx, u64 gpa, u32 len, bool write)
{
	u64 base = (u64)gmem;

	if (gpa < base || gpa + len > base + GMEM_SIZE || gpa + len < gpa)
		return NULL;
	if (gpa < (u64)bad_page + NVME_PAGE_SIZE && gpa + len > (u64)bad_page)
		return NULL;
	return (void *)gpa;
}

static u64 sim_reg_read(void *ctx, u32 off, unsigned int size)
{
	return sim.regs[off / 4];
}

/* CC.EN set: queue state reset, the admin queues from AQA/ASQ/ACQ. */
static void sim_enable(void)
{
	u32 aqa = sim.regs[NVME_REG_AQA / 4];

	memset(sim.sq_head, 0, sizeof(sim.sq_head));
	memset(sim.sq_tail, 0, sizeof(sim.sq_tail));
	memset(sim.cq_tail, 0, sizeof(sim.cq_tail));
	memset(sim.cq_size, 0, sizeof(sim.cq_size));
	memset(sim.sq_size, 0, sizeof(sim.sq_size));
	sim.sq_addr[0] = sim.regs[0x28 / 4] | (u64)sim.regs[0x2c / 4] << 32;
	sim.cq_addr[0] = sim.regs[0x30 / 4] | (u64)sim.regs[0x34 / 4] << 32;
	sim.sq_size[0] = (aqa & 0xfff) + 1;
	sim.cq_size[0] = ((aqa >> 16) & 0xfff) + 1;
	sim.cq_phase[0] = 1;
}

static void sim_reg_write(void *ctx, u32 off, unsigned int size, u64 val)
{
	u32 db;

	sim.regs[off / 4] = (u32)val;
	if (off == NVME_REG_INTMS)
		sim.intms |= (u32)val;
	if (off == NVME_REG_INTMC)
		sim.intms &= ~(u32)val;
	if (off == NVME_REG_CC) {
		sim.regs[NVME_REG_CSTS / 4] = val & NVME_CC_EN;
		if (val & NVME_CC_EN)
			sim_enable();
	}
	if (off >= NVME_REG_DBS) {
		db = (off - NVME_REG_DBS) / 4;
		if (db & 1)
			sim.cq_head[db / 2] = (u16)val;
		else
			sim.sq_tail[db / 2] = (u16)val;
	}
}

static u8 *sim_dma(u64 prp1, u64 prp2, u32 off, u32 len)
{
	u32 first = NVME_PAGE_SIZE - (prp1 & 4095), idx;

	if (off < first)
		return (u8 *)prp1 + off;
	idx = (off - first) / NVME_PAGE_SIZE;
	if (len - first <= NVME_PAGE_SIZE)
		return (u8 *)prp2 + (off - first) % NVME_PAGE_SIZE;
	return (u8 *)((u64 *)prp2)[idx] + (off - first) % NVME_PAGE_SIZE;
}

static void sim_xfer(const struct nvme_sqe *c, u8 *buf, u32 len, bool to_host)
{
	u32 off;

	for (off = 0; off < len; off++) {
		u8 *p = sim_dma(c->prp1, c->prp2, off, len);

		if (to_host)
			*p = buf[off];
		else
			buf[off] = *p;
	}
}

static void sim_identify(const struct nvme_sqe *c)
{
	u8 id[4096] = { 0 };

	if ((c->cdw10 & 0xff) == NVME_CNS_CTRL) {
		struct nvme_id_ctrl *ic = (void *)id;

		memcpy(ic->mn, "SIM NVMe", 8);
		ic->mdts = 0;
		ic->sgls = 1;
		ic->oacs = 0x10a;	/* format, NS mgmt, DBBUF */
	} else {
		struct nvme_id_ns *in = (void *)id;

		in->nsze = MEDIA_SECTORS;
		in->lbaf[0] = (u32)sim.lbads << 16;
	}
	sim_xfer(c, id, 4096, true);
}

static u16 sim_admin(const struct nvme_sqe *c, u32 *dw0)
{
	u16 q = c->cdw10 & 0xffff;

	switch (c->opcode) {
	case NVME_ADM_CREATE_CQ:
		sim.cq_addr[q] = c->prp1;
		sim.cq_size[q] = (c->cdw10 >> 16) + 1;
		sim.cq_tail[q] = sim.cq_head[q] = 0;
		sim.cq_phase[q] = 1;
		sim.cq_cdw11[q] = c->cdw11;
		return 0;
	case NVME_ADM_CREATE_SQ:
		sim.sq_addr[q] = c->prp1;
		sim.sq_size[q] = (c->cdw10 >> 16) + 1;
		sim.sq_cq[q] = c->cdw11 >> 16;
		sim.sq_head[q] = sim.sq_tail[q] = 0;
		return 0;
	case NVME_ADM_DELETE_SQ:
		sim.sq_size[q] = 0;
		return 0;
	case NVME_ADM_IDENTIFY:
		sim_identify(c);
		return 0;
	case NVME_ADM_SET_FEATURES:
		*dw0 = 63 | 63 << 16;
		return 0;
	}
	return NVME_SC_INVALID_FIELD;
}

static u16 sim_io(const struct nvme_sqe *c)
{
	u64 slba = c->cdw10 | (u64)c->cdw11 << 32;
	u32 n = (c->cdw12 & 0xffff) + 1;

	if (c->nsid != 1 && c->nsid != 2)
		return NVME_SC_INVALID_NS_FMT;
	if (slba + n > MEDIA_SECTORS)
		return NVME_ST(0, 0x80);
	switch (c->opcode) {
	case NVME_CMD_WRITE:
		sim_xfer(c, sim.media + slba * 512, n * 512, false);
		return 0;
	case NVME_CMD_READ:
		sim_xfer(c, sim.media + slba * 512, n * 512, true);
		return 0;
	case NVME_CMD_FLUSH:
		return 0;
	}
	return NVME_SC_INVALID_OPCODE;
}

static void sim_post(u16 sqid, u16 cid, u16 st, u32 dw0)
{
	u16 cq = sim.sq_cq[sqid];
	struct nvme_cqe *e = (struct nvme_cqe *)sim.cq_addr[cq] + sim.cq_tail[cq];

	e->dw0 = dw0;
	e->sqhd = sim.sq_head[sqid];
	e->sqid = sqid;
	e->cid = cid;
	e->status = (u16)(nvme_cqe_status(st) | sim.cq_phase[cq]);
	if (++sim.cq_tail[cq] == sim.cq_size[cq]) {
		sim.cq_tail[cq] = 0;
		sim.cq_phase[cq] ^= 1;
	}
}

/* Executes everything submitted; AERs stay outstanding. */
static void sim_run(void)
{
	u16 q;

	for (q = 0; q < NVME_QUEUES_MAX; q++) {
		while (sim.sq_size[q] && sim.sq_head[q] != sim.sq_tail[q]) {
			struct nvme_sqe c = ((struct nvme_sqe *)sim.sq_addr[q])[sim.sq_head[q]];
			u32 dw0 = 0;
			u16 st;

			sim.sq_head[q] = (sim.sq_head[q] + 1) % sim.sq_size[q];
			if (!q && c.opcode == NVME_ADM_ASYNC_EVENT)
				continue;
			st = q ? sim_io(&c) : sim_admin(&c, &dw0);
			if (sim.ntrace < ARRAY_SIZE(sim.trace))
				sim.trace[sim.ntrace++] = (struct sim_trace){
					q, c.opcode, c.nsid, c.prp1, st };
			sim_post(q, c.cid, st, dw0);
		}
	}
}

static bool sim_wait(void *ctx, u64 *budget)
{
	sim.waits++;
	sim_run();
	return ++*budget < 100;
}

static void nop(void *ctx)
{
}

static void sim_log(void *ctx, const char *msg)
{
	strncat(logbuf, msg, sizeof(logbuf) - strlen(logbuf) - 1);
}

/* The guest's CQ q (vector q) holds its next expected entry now. */
static int sim_signal(void *ctx, u16 vector)
{
	struct nvme_cqe *cq = (void *)gpage(vector ? G_CQ : G_ACQ);

	if (sim.nsig < ARRAY_SIZE(sim.sig)) {
		sim.sig[sim.nsig].vector = vector;
		sim.sig[sim.nsig].posted = vector < 2 &&
			(cq[g.head[vector]].status & 1) == g.phase[vector];
	}
	sim.nsig++;
	return sim.sig_ret;
}

static bool sim_intx(void *ctx)
{
	return sim.intx;
}

const struct nvme_env env = {
	.guest_map = sim_guest_map, .reg_read = sim_reg_read,
	.reg_write = sim_reg_write, .crypt_begin = nop, .crypt_end = nop,
	.wait = sim_wait, .log = sim_log, .signal = sim_signal,
	.intx = sim_intx,
};

/* ---- the fixture ---- */
u8 *gpage(u32 n)
{
	return gmem + (u64)n * NVME_PAGE_SIZE;
}

u64 gaddr(u32 n)
{
	return (u64)gpage(n);
}

void fill(u8 *p, size_t n, u8 seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (u8)(seed + i * 7 + (i >> 9));
}

static void alloc_mem(u16 pool_pages)
{
	u32 i;

	memset(&mem, 0, sizeof(mem));
	for (i = 0; i < NVME_QUEUES_MAX; i++) {
		mem.sq[i] = zalloc(NVME_QUEUE_ENTRIES * 64);
		mem.sq_pa[i] = (u64)mem.sq[i];
		mem.cq[i] = zalloc(NVME_QUEUE_ENTRIES * 16);
		mem.cq_pa[i] = (u64)mem.cq[i];
		mem.tags[i] = zalloc(NVME_QUEUE_ENTRIES * sizeof(struct nvme_tag));
	}
	mem.pool_pages = pool_pages;
	mem.pool_va = zalloc((size_t)pool_pages * 4096);
	mem.pool_pa = (u64)mem.pool_va;
	mem.pool_free = zalloc(pool_pages * 2 + 64);
}

void setup_ctrl(u16 pool_pages)
{
	memset(&sim, 0, sizeof(sim));
	sim.media = zalloc(MEDIA_SECTORS * 512);
	sim.lbads = 9;
	sim.regs[0] = 0x7ff;	/* CAP.MQES = 2047, DSTRD 0 */
	alloc_mem(pool_pages);
	gmem = zalloc(GMEM_SIZE);
	bad_page = gpage(1000);
	logbuf[0] = 0;
	nvme_ctrl_init(&ctrl, &env, &mem, sim.regs[0], "nvme sim");
	assert_int_equal(xts_init_impl(&key, sim_key_bytes, 64, CRYPTO_IMPL_PORTABLE), 0);
	assert_int_equal(nvme_ctrl_add_range(&ctrl, &range, &key), 0);
	memset(&g, 0, sizeof(g));
}

int teardown(void **state)
{
	u32 i;

	for (i = 0; i < NVME_QUEUES_MAX; i++) {
		free(mem.sq[i]);
		free(mem.cq[i]);
		free(mem.tags[i]);
	}
	free(mem.pool_va);
	free(mem.pool_free);
	free(gmem);
	free(sim.media);
	return 0;
}

/* ---- the guest driver ---- */
struct nvme_cqe g_submit(u16 q, struct nvme_sqe cmd)
{
	struct nvme_sqe *sq = (void *)gpage(q ? G_SQ : G_ASQ);
	struct nvme_cqe *cq = (void *)gpage(q ? G_CQ : G_ACQ), e;

	cmd.cid = g.cid++;
	sq[g.tail[q]] = cmd;
	g.tail[q] = (g.tail[q] + 1) % g.size[q];
	nvme_reg_write(&ctrl, NVME_REG_DBS + 8 * q, 4, g.tail[q]);
	e = cq[g.head[q]];
	assert_int_equal(e.status & 1, g.phase[q]);
	assert_int_equal(e.cid, cmd.cid);
	if (++g.head[q] == g.size[q]) {
		g.head[q] = 0;
		g.phase[q] ^= 1;
	}
	nvme_reg_write(&ctrl, NVME_REG_DBS + 8 * q + 4, 4, g.head[q]);
	return e;
}

u16 st(struct nvme_cqe e)
{
	return (e.status >> 1) & 0x7ff;
}

struct nvme_sqe rw(u8 op, u32 nsid, u64 lba, u32 n, u64 prp1, u64 prp2)
{
	return (struct nvme_sqe){ .opcode = op, .nsid = nsid, .prp1 = prp1,
		.prp2 = prp2, .cdw10 = (u32)lba, .cdw11 = (u32)(lba >> 32),
		.cdw12 = n - 1 };
}

void g_enable(void)
{
	g.size[0] = 32;
	g.phase[0] = g.phase[1] = 1;
	nvme_reg_write(&ctrl, NVME_REG_AQA, 4, 31 | 31 << 16);
	nvme_reg_write(&ctrl, NVME_REG_ASQ, 8, gaddr(G_ASQ));
	nvme_reg_write(&ctrl, NVME_REG_ACQ, 8, gaddr(G_ACQ));
	nvme_reg_write(&ctrl, NVME_REG_CC, 4, NVME_CC_EN);
	assert_int_equal(nvme_reg_read(&ctrl, NVME_REG_CSTS, 4) & 1, 1);
}

void g_identify(u32 nsid, u8 cns)
{
	struct nvme_sqe c = { .opcode = NVME_ADM_IDENTIFY, .nsid = nsid,
			      .prp1 = gaddr(G_ID), .cdw10 = cns };

	assert_int_equal(st(g_submit(0, c)), 0);
}

void g_create_io(void)
{
	struct nvme_sqe cq = { .opcode = NVME_ADM_CREATE_CQ, .prp1 = gaddr(G_CQ),
			       .cdw10 = 1 | (G_SQ_SIZE - 1) << 16,
			       .cdw11 = 3 | 1 << 16 };	/* PC, IEN, vector 1 */
	struct nvme_sqe sq = { .opcode = NVME_ADM_CREATE_SQ, .prp1 = gaddr(G_SQ),
			       .cdw10 = 1 | (G_SQ_SIZE - 1) << 16,
			       .cdw11 = 1 | 1 << 16 };

	assert_int_equal(st(g_submit(0, cq)), 0);
	assert_int_equal(st(g_submit(0, sq)), 0);
	g.size[1] = G_SQ_SIZE;
}

void g_bringup(void)
{
	setup_ctrl(64);
	g_enable();
	g_identify(0, NVME_CNS_CTRL);
	g_identify(1, NVME_CNS_NS);
	g_create_io();
}

void check_media(u64 lba, const u8 *want, u32 n)
{
	u8 sect[512];
	u32 i;

	for (i = 0; i < n; i++) {
		memcpy(sect, want + i * 512, 512);
		if (lba + i >= RANGE_FIRST) {
			assert_memory_not_equal(sim.media + (lba + i) * 512, sect, 512);
			xts_encrypt_sectors(&key, lba + i, sect, sect, 1, 512);
		}
		assert_memory_equal(sim.media + (lba + i) * 512, sect, 512);
	}
}
