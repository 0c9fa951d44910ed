/*
 * nvme_crypt's queue engine (drivers/nvme) against a simulated NVMe
 * controller: a "guest" driver in a block of host memory programs the
 * controller through nvme_reg_read/write exactly as through the trapped
 * BAR; the simulated controller fetches from whatever queues the hardware
 * registers name (our shadows), moves data by PRPs over a RAM disk, and
 * records a trace of what it executed.  Checked: the admin path (queue
 * creation, Identify patching), ciphertext on the media inside the range
 * and plaintext outside, reads decrypted back, straddling commands,
 * malformed PRPs and lists, fail-closed rules, pool exhaustion and
 * deferral, queue limits and reset, and the guest's interrupts: asked for
 * once per batch, only after the entries are in the guest's CQ, never for
 * a CQ without IEN, again while masked; hardware CQs without IEN.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <tv/env.h>
#include "../../drivers/nvme/nvme_shadow.h"

#define GMEM_SIZE	(4u << 20)	/* guest memory */
#define MEDIA_SECTORS	8192
#define RANGE_FIRST	2048

/* ---- the simulated controller ---- */
struct sim_trace {
	u16 sqid;
	u8 opcode;
	u32 nsid;
	u64 prp1;
	u16 status;
};

static struct sim {
	u32 regs[0x500];
	u16 sq_tail[NVME_QUEUES_MAX], sq_head[NVME_QUEUES_MAX];
	u16 cq_tail[NVME_QUEUES_MAX], cq_head[NVME_QUEUES_MAX];
	u8 cq_phase[NVME_QUEUES_MAX];
	u64 sq_addr[NVME_QUEUES_MAX], cq_addr[NVME_QUEUES_MAX];
	u16 sq_size[NVME_QUEUES_MAX], cq_size[NVME_QUEUES_MAX];
	u16 sq_cq[NVME_QUEUES_MAX];
	u8 *media;
	u8 lbads;		/* Identify Namespace format */
	struct sim_trace trace[256];
	u32 ntrace;
	u32 waits;
	u32 cq_cdw11[NVME_QUEUES_MAX];	/* Create I/O CQ as the hardware got it */
	/* env->signal: what was asked, whether the entry was posted then. */
	struct { u16 vector; bool posted; } sig[64];
	u32 nsig;
	int sig_ret;
	bool intx;
	u32 intms;		/* INTMS as the hardware has it */
} sim;

static u8 *gmem;		/* the guest's memory */
static u8 *bad_page;		/* a guest page the guest may not touch */

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
		if (val & NVME_CC_EN) {
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

static u16 sim_admin(const struct nvme_sqe *c, u32 *dw0)
{
	u16 q = c->cdw10 & 0xffff;
	u8 id[4096] = { 0 };

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

static char logbuf[8192];
static void sim_log(void *ctx, const char *msg)
{
	strncat(logbuf, msg, sizeof(logbuf) - strlen(logbuf) - 1);
}

static int sim_signal(void *ctx, u16 vector);

static bool sim_intx(void *ctx)
{
	return sim.intx;
}

static const struct nvme_env env = {
	.guest_map = sim_guest_map, .reg_read = sim_reg_read,
	.reg_write = sim_reg_write, .crypt_begin = nop, .crypt_end = nop,
	.wait = sim_wait, .log = sim_log, .signal = sim_signal,
	.intx = sim_intx,
};

/* ---- the controller under test and a minimal guest driver ---- */
static struct nvme_ctrl ctrl;
static struct nvme_ctrl_mem mem;
static struct xts_ctx key;
static struct storage_range range = {
	.line = 1, .sel = STORAGE_SEL_SLOT, .nsid = 1,
	.lba_first = RANGE_FIRST, .lba_last = STORAGE_LBA_END,
};
static const u8 key_bytes[64] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
	21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38,
	39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56,
	57, 58, 59, 60, 61, 62, 63, 64,
};

#define G_ASQ		0
#define G_ACQ		1
#define G_SQ		2
#define G_CQ		3
#define G_ID		4
#define G_LIST		5
#define G_DATA		16
#define G_SQ_SIZE	64

static struct {
	u16 tail[2], head[2], size[2];
	u8 phase[2];
	u16 cid;
} g;

static u8 *gpage(u32 n)
{
	return gmem + (u64)n * NVME_PAGE_SIZE;
}

static u64 gaddr(u32 n)
{
	return (u64)gpage(n);
}

static void *zalloc(size_t n)
{
	void *p = aligned_alloc(4096, ALIGN_UP(n, 4096));

	memset(p, 0, n);
	return p;
}

static void setup_ctrl(u16 pool_pages)
{
	u32 i;

	memset(&sim, 0, sizeof(sim));
	sim.media = zalloc(MEDIA_SECTORS * 512);
	sim.lbads = 9;
	sim.regs[0] = 0x7ff;	/* CAP.MQES = 2047, DSTRD 0 */
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
	gmem = zalloc(GMEM_SIZE);
	bad_page = gpage(1000);
	logbuf[0] = 0;
	nvme_ctrl_init(&ctrl, &env, &mem, sim.regs[0], "nvme sim");
	assert_int_equal(xts_init_impl(&key, key_bytes, 64, CRYPTO_IMPL_PORTABLE), 0);
	assert_int_equal(nvme_ctrl_add_range(&ctrl, &range, &key), 0);
	memset(&g, 0, sizeof(g));
}

static int teardown(void **state)
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

/* Submits on queue q (0 admin, 1 I/O) and returns the guest's CQE. */
static struct nvme_cqe g_submit(u16 q, struct nvme_sqe cmd)
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

static u16 st(struct nvme_cqe e)
{
	return (e.status >> 1) & 0x7ff;
}

static void g_enable(void)
{
	g.size[0] = 32;
	g.phase[0] = g.phase[1] = 1;
	nvme_reg_write(&ctrl, NVME_REG_AQA, 4, 31 | 31 << 16);
	nvme_reg_write(&ctrl, NVME_REG_ASQ, 8, gaddr(G_ASQ));
	nvme_reg_write(&ctrl, NVME_REG_ACQ, 8, gaddr(G_ACQ));
	nvme_reg_write(&ctrl, NVME_REG_CC, 4, NVME_CC_EN);
	assert_int_equal(nvme_reg_read(&ctrl, NVME_REG_CSTS, 4) & 1, 1);
}

static void g_identify(u32 nsid, u8 cns)
{
	struct nvme_sqe c = { .opcode = NVME_ADM_IDENTIFY, .nsid = nsid,
			      .prp1 = gaddr(G_ID), .cdw10 = cns };

	assert_int_equal(st(g_submit(0, c)), 0);
}

static void g_create_io(void)
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

static void g_bringup(void)
{
	setup_ctrl(64);
	g_enable();
	g_identify(0, NVME_CNS_CTRL);
	g_identify(1, NVME_CNS_NS);
	g_create_io();
}

static struct nvme_sqe rw(u8 op, u32 nsid, u64 lba, u32 n, u64 prp1, u64 prp2)
{
	return (struct nvme_sqe){ .opcode = op, .nsid = nsid, .prp1 = prp1,
		.prp2 = prp2, .cdw10 = (u32)lba, .cdw11 = (u32)(lba >> 32),
		.cdw12 = n - 1 };
}

static void fill(u8 *p, size_t n, u8 seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (u8)(seed + i * 7 + (i >> 9));
}

/* The media holds plaintext `want` at lba (n sectors), encrypted in range. */
static void check_media(u64 lba, const u8 *want, u32 n)
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

/* ---- tests ---- */
static void test_admin_path(void **state)
{
	struct nvme_id_ctrl *ic;
	u32 i;

	g_bringup();
	ic = (void *)gpage(G_ID);
	/* CAP.MQES is capped, admin queues are ours in hardware. */
	assert_int_equal(nvme_reg_read(&ctrl, NVME_REG_CAP, 8) & 0xffff, 255);
	assert_int_equal(nvme_reg_read(&ctrl, NVME_REG_ASQ, 8), gaddr(G_ASQ));
	assert_true(sim.sq_addr[0] == mem.sq_pa[0]);
	assert_true(sim.sq_addr[1] == mem.sq_pa[1]);
	assert_true(sim.cq_addr[1] == mem.cq_pa[1]);
	g_identify(0, NVME_CNS_CTRL);
	assert_int_equal(ic->mdts, NVME_MDTS);
	assert_int_equal(ic->sgls, 0);
	assert_int_equal(ic->oacs, 0x00a);	/* no Doorbell Buffer Config */
	assert_memory_equal(ic->mn, "SIM NVMe", 8);
	/* ... and the command fails before reaching the controller. */
	struct nvme_sqe dbbuf = { .opcode = NVME_ADM_DBBUF_CONFIG,
				  .prp1 = gaddr(G_DATA), .prp2 = gaddr(G_DATA + 1) };
	assert_int_equal(st(g_submit(0, dbbuf)), NVME_SC_INVALID_OPCODE);
	assert_int_equal(sim.trace[sim.ntrace - 1].opcode, NVME_ADM_GET_FEATURES);
	assert_true(ctrl.ns[0].fmt_ok);
	/* Number of queues is capped at what we shadow. */
	struct nvme_sqe sf = { .opcode = NVME_ADM_SET_FEATURES,
			       .cdw10 = NVME_FEAT_NUM_QUEUES, .cdw11 = 63 | 63 << 16 };
	struct nvme_cqe e = g_submit(0, sf);
	assert_int_equal(e.dw0, (NVME_QUEUES_MAX - 2) * 0x10001);
	/* An AER stays outstanding without stalling later commands. */
	struct nvme_sqe aer = { .opcode = NVME_ADM_ASYNC_EVENT };
	struct nvme_sqe *asq = (void *)gpage(G_ASQ);
	asq[g.tail[0]] = aer;
	g.tail[0]++;
	nvme_reg_write(&ctrl, NVME_REG_DBS, 4, g.tail[0]);
	for (i = 0; i < 40; i++)	/* wraps the admin queues */
		g_identify(1, NVME_CNS_NS);
	assert_null(strstr(logbuf, "still running"));
}

static void test_write_read_range(void **state)
{
	u8 want[16 * 512], *buf;
	struct nvme_cqe e;

	g_bringup();
	buf = gpage(G_DATA);
	/* One page in the range, one page outside. */
	fill(want, 4096, 1);
	memcpy(buf, want, 4096);
	assert_int_equal(st(g_submit(1, rw(NVME_CMD_WRITE, 1, 4096, 8,
					  gaddr(G_DATA), 0))), 0);
	check_media(4096, want, 8);
	assert_true(nvme_pool_index(&ctrl.pool, sim.trace[sim.ntrace - 1].prp1) !=
		    NVME_POOL_NONE);
	assert_int_equal(st(g_submit(1, rw(NVME_CMD_WRITE, 1, 8, 8,
					  gaddr(G_DATA), 0))), 0);
	check_media(8, want, 8);
	/* Unconfigured: the controller got the guest's own pointer. */
	assert_true(sim.trace[sim.ntrace - 1].prp1 == gaddr(G_DATA));
	/* Read back: plaintext in the guest. */
	memset(buf, 0, 4096);
	e = g_submit(1, rw(NVME_CMD_READ, 1, 4096, 8, gaddr(G_DATA), 0));
	assert_int_equal(st(e), 0);
	assert_memory_equal(buf, want, 4096);
	/* Straddling the range start, unaligned PRP1, a PRP list. */
	fill(want, sizeof(want), 9);
	u64 *list = (void *)gpage(G_LIST);
	list[0] = gaddr(G_DATA + 2);
	list[1] = gaddr(G_DATA + 5);	/* pages need not be contiguous */
	memcpy(buf + 2048, want, 2048);
	memcpy(gpage(G_DATA + 2), want + 2048, 4096);
	memcpy(gpage(G_DATA + 5), want + 6144, 2048);
	e = g_submit(1, rw(NVME_CMD_WRITE, 1, RANGE_FIRST - 8, 16,
			   gaddr(G_DATA) + 2048, gaddr(G_LIST)));
	assert_int_equal(st(e), 0);
	check_media(RANGE_FIRST - 8, want, 16);
	memset(gpage(G_DATA), 0, 8 * 4096);
	e = g_submit(1, rw(NVME_CMD_READ, 1, RANGE_FIRST - 8, 16,
			   gaddr(G_DATA) + 2048, gaddr(G_LIST)));
	assert_int_equal(st(e), 0);
	assert_memory_equal(buf + 2048, want, 2048);
	assert_memory_equal(gpage(G_DATA + 2), want + 2048, 4096);
	assert_memory_equal(gpage(G_DATA + 5), want + 6144, 2048);
	assert_int_equal(ctrl.pool.nfree, ctrl.pool.count);
}

static void test_malformed_prps(void **state)
{
	u64 *list;
	u8 before[4096];
	u32 n;

	g_bringup();
	list = (void *)gpage(G_LIST);
	memcpy(before, sim.media + 4096 * 512, 4096);
	n = sim.ntrace;
	/* PRP1 outside guest memory, on the forbidden page, misaligned. */
	assert_int_equal(st(g_submit(1, rw(NVME_CMD_WRITE, 1, 4096, 8,
					  0x1000, 0))), NVME_SC_DATA_XFER_ERROR);
	assert_int_equal(st(g_submit(1, rw(NVME_CMD_WRITE, 1, 4096, 8,
					  (u64)bad_page, 0))), NVME_SC_DATA_XFER_ERROR);
	assert_int_equal(st(g_submit(1, rw(NVME_CMD_READ, 1, 4096, 8,
					  gaddr(G_DATA) + 2, 0))), NVME_SC_PRP_OFFSET);
	/* Two pages: PRP2 must be page aligned. */
	assert_int_equal(st(g_submit(1, rw(NVME_CMD_WRITE, 1, 4096, 16,
					  gaddr(G_DATA), gaddr(G_DATA + 1) + 8))),
			 NVME_SC_PRP_OFFSET);
	/* A list entry with an offset, one on the forbidden page. */
	list[0] = gaddr(G_DATA + 1) + 512;
	list[1] = gaddr(G_DATA + 2);
	assert_int_equal(st(g_submit(1, rw(NVME_CMD_WRITE, 1, 4096, 24,
					  gaddr(G_DATA), gaddr(G_LIST)))),
			 NVME_SC_PRP_OFFSET);
	list[0] = (u64)bad_page;
	assert_int_equal(st(g_submit(1, rw(NVME_CMD_READ, 1, 4096, 24,
					  gaddr(G_DATA), gaddr(G_LIST)))),
			 NVME_SC_DATA_XFER_ERROR);
	/* A list whose last slot chains to itself. */
	((u64 *)gpage(G_LIST + 1))[511] = gaddr(G_LIST + 1) + 4088;
	assert_int_equal(st(g_submit(1, rw(NVME_CMD_WRITE, 1, 4096, 64,
					  gaddr(G_DATA), gaddr(G_LIST + 1) + 4088))),
			 NVME_SC_PRP_OFFSET);
	/* A list pointer outside guest memory. */
	assert_int_equal(st(g_submit(1, rw(NVME_CMD_WRITE, 1, 4096, 64,
					  gaddr(G_DATA), 0x2000))),
			 NVME_SC_DATA_XFER_ERROR);
	/* Nothing was written, nothing leaked into the pool. */
	assert_memory_equal(sim.media + 4096 * 512, before, 4096);
	for (; n < sim.ntrace; n++)
		assert_int_not_equal(sim.trace[n].opcode, NVME_CMD_WRITE);
	assert_int_equal(ctrl.pool.nfree, ctrl.pool.count);
	assert_non_null(strstr(logbuf, "bad PRPs"));
}

static void test_fail_closed(void **state)
{
	struct nvme_sqe wz = rw(NVME_CMD_WRITE_ZEROES, 1, 4096, 8, 0, 0);
	struct nvme_sqe vendor, sgl;
	u32 n;

	setup_ctrl(64);
	vendor = rw(0x81, 1, 4096, 8, gaddr(G_DATA), 0);
	sgl = rw(NVME_CMD_WRITE, 1, 4096, 8, gaddr(G_DATA), 0);
	g_enable();
	g_create_io();
	n = sim.ntrace;
	/* No Identify Namespace yet: the format is unknown. */
	assert_int_equal(st(g_submit(1, rw(NVME_CMD_WRITE, 1, 4096, 8,
					  gaddr(G_DATA), 0))), NVME_SC_INVALID_NS_FMT);
	/* A 4 KiB-sector format is refused. */
	sim.lbads = 12;
	g_identify(1, NVME_CNS_NS);
	assert_false(ctrl.ns[0].fmt_ok);
	assert_int_equal(st(g_submit(1, rw(NVME_CMD_READ, 1, 4096, 8,
					  gaddr(G_DATA), 0))), NVME_SC_INVALID_NS_FMT);
	sim.lbads = 9;
	g_identify(1, NVME_CNS_NS);
	assert_int_equal(st(g_submit(1, wz)), NVME_SC_INVALID_OPCODE);
	assert_int_equal(st(g_submit(1, vendor)), NVME_SC_INVALID_OPCODE);
	sgl.flags = 0x40;
	assert_int_equal(st(g_submit(1, sgl)), NVME_SC_INVALID_FIELD);
	/* Outside the range and on other namespaces these pass. */
	wz.cdw10 = 0;
	assert_int_equal(st(g_submit(1, wz)), NVME_SC_INVALID_OPCODE); /* sim */
	assert_int_equal(sim.trace[sim.ntrace - 1].opcode, NVME_CMD_WRITE_ZEROES);
	vendor.nsid = 2;
	g_submit(1, vendor);
	assert_int_equal(sim.trace[sim.ntrace - 1].opcode, 0x81);
	/* The refused commands reached the controller only as Flush of 0. */
	for (; n < sim.ntrace; n++)
		assert_false(sim.trace[n].opcode == NVME_CMD_WRITE ||
			     (sim.trace[n].opcode == 0x81 && sim.trace[n].nsid == 1));
	for (n = 0; n < MEDIA_SECTORS * 512; n++)
		assert_int_equal(sim.media[n], 0);
}

static void test_pool_exhaustion(void **state)
{
	struct nvme_sqe *sq;
	struct nvme_cqe *cq;
	u8 want[4 * 4096];
	u32 i;

	setup_ctrl(8);
	sq = (void *)gpage(G_SQ);
	cq = (void *)gpage(G_CQ);
	g_enable();
	g_identify(1, NVME_CNS_NS);
	g_create_io();
	/* Larger than the whole pool: fails, retryable. */
	assert_int_equal(st(g_submit(1, rw(NVME_CMD_WRITE, 1, 4096, 64,
					  gaddr(G_DATA), gaddr(G_LIST)))),
			 NVME_SC_INTERNAL);
	/* Four 2-page writes in one doorbell: 3 pages each, 8 in the pool,
	 * so they go two by two. */
	fill(want, sizeof(want), 3);
	for (i = 0; i < 4; i++) {
		memcpy(gpage(G_DATA + 2 * i), want + i * 4096, 4096);
		sq[g.tail[1]] = rw(NVME_CMD_WRITE, 1, 4096 + 8 * i, 8,
				   gaddr(G_DATA + 2 * i), 0);
		sq[g.tail[1]].cid = (u16)(100 + i);
		sq[g.tail[1]].cdw12 = 7;
		g.tail[1]++;
	}
	nvme_reg_write(&ctrl, NVME_REG_DBS + 8, 4, g.tail[1]);
	for (i = 0; i < 4; i++) {
		struct nvme_cqe e = cq[g.head[1]++];

		assert_int_equal(e.status & 1, 1);
		assert_int_equal(st(e), 0);
		assert_int_equal(e.cid, 100 + i);
	}
	check_media(4096, want, 32);
	assert_int_equal(ctrl.pool.nfree, 8);
}

static void test_queue_limits_and_reset(void **state)
{
	struct nvme_sqe big, qid, nocq, badmem;

	g_bringup();
	big = (struct nvme_sqe){ .opcode = NVME_ADM_CREATE_CQ,
		.prp1 = gaddr(G_CQ), .cdw10 = 2 | 1023 << 16, .cdw11 = 1 };
	qid = (struct nvme_sqe){ .opcode = NVME_ADM_CREATE_CQ, .prp1 = gaddr(G_CQ),
				.cdw10 = 40 | 15 << 16, .cdw11 = 1 };
	nocq = (struct nvme_sqe){ .opcode = NVME_ADM_CREATE_SQ, .prp1 = gaddr(G_SQ),
				 .cdw10 = 3 | 15 << 16, .cdw11 = 1 | 9 << 16 };
	badmem = (struct nvme_sqe){ .opcode = NVME_ADM_CREATE_CQ, .prp1 = 0x3000,
				   .cdw10 = 4 | 15 << 16, .cdw11 = 1 };
	assert_int_equal(st(g_submit(0, big)), NVME_SC_QSIZE_INVALID);
	assert_int_equal(st(g_submit(0, qid)), NVME_SC_QID_INVALID);
	assert_int_equal(st(g_submit(0, nocq)), NVME_SC_CQ_INVALID);
	assert_int_equal(st(g_submit(0, badmem)), NVME_SC_DATA_XFER_ERROR);
	/* Doorbells beyond our queues or with bad values are dropped. */
	nvme_reg_write(&ctrl, NVME_REG_DBS + 8 * 9, 4, 1);
	nvme_reg_write(&ctrl, NVME_REG_DBS + 8, 4, G_SQ_SIZE + 3);
	assert_int_equal(ctrl.sq[1].guest_tail, 0);
	/* Reset: queues gone, doorbells for them ignored. */
	nvme_reg_write(&ctrl, NVME_REG_CC, 4, 0);
	assert_false(ctrl.sq[1].live);
	assert_int_equal(ctrl.ns[0].lba_size, 0);
	nvme_reg_write(&ctrl, NVME_REG_DBS + 8, 4, 1);
	assert_int_equal(ctrl.sq[1].guest_tail, 0);
	/* Admin queues the guest cannot reach keep the controller off. */
	nvme_reg_write(&ctrl, NVME_REG_ASQ, 8, 0x5000);
	nvme_reg_write(&ctrl, NVME_REG_CC, 4, NVME_CC_EN);
	assert_int_equal(nvme_reg_read(&ctrl, NVME_REG_CSTS, 4) & 1, 0);
	assert_non_null(strstr(logbuf, "controller left disabled"));
}

/* ---- model=/serial=: ranges known only after Identify Controller ---- */
static struct storage_range model_range = {
	.line = 2, .sel = STORAGE_SEL_MODEL, .nsid = 1, .model = "SIM NVMe",
	.lba_first = RANGE_FIRST, .lba_last = STORAGE_LBA_END,
};
static u32 identified_calls;

static bool sim_identified(void *ctx, const char *sn, const char *mn)
{
	identified_calls++;
	if (!storage_range_matches(&model_range, 0, 0, 0, mn, 40, sn, 20))
		return false;
	return nvme_ctrl_add_range(&ctrl, &model_range, &key) == 0;
}

static void model_setup(const char *model)
{
	static struct nvme_env env_id;

	setup_ctrl(64);
	env_id = env;
	env_id.identified = sim_identified;
	ctrl.env = &env_id;
	ctrl.nns = 0;			/* no slot= range */
	ctrl.id_pending = true;
	identified_calls = 0;
	snprintf(model_range.model, sizeof(model_range.model), "%s", model);
	g_enable();
	g_create_io();
}

static void test_model_serial_waits_for_identify(void **state)
{
	u8 want[4096];

	model_setup("SIM NVMe");
	fill(want, sizeof(want), 3);
	memcpy(gpage(G_DATA), want, sizeof(want));
	/* Before Identify Controller: refused, nothing reaches the media. */
	assert_int_equal(st(g_submit(1, rw(NVME_CMD_WRITE, 1, 4096, 8,
					  gaddr(G_DATA), 0))),
			 NVME_SC_CMD_SEQ_ERROR);
	assert_true(sim.ntrace == 0 || sim.trace[sim.ntrace - 1].opcode !=
		    NVME_CMD_WRITE);
	g_identify(0, NVME_CNS_CTRL);
	assert_int_equal(identified_calls, 1);
	assert_false(ctrl.id_pending);
	g_identify(1, NVME_CNS_NS);
	assert_int_equal(st(g_submit(1, rw(NVME_CMD_WRITE, 1, 4096, 8,
					  gaddr(G_DATA), 0))), 0);
	check_media(4096, want, 8);
}

static void test_model_mismatch_keeps_refusing(void **state)
{
	model_setup("OTHER DISK");
	g_identify(0, NVME_CNS_CTRL);
	assert_int_equal(identified_calls, 1);
	assert_true(ctrl.id_pending);
	assert_int_equal(st(g_submit(1, rw(NVME_CMD_READ, 1, 8, 8,
					  gaddr(G_DATA), 0))),
			 NVME_SC_CMD_SEQ_ERROR);
}

/* ---- interrupts ---- */
static void test_irq_after_post(void **state)
{
	struct nvme_sqe *sq;
	u32 i;

	g_bringup();
	sq = (void *)gpage(G_SQ);
	/* The hardware CQ does not interrupt; the vector is kept. */
	assert_int_equal(sim.cq_cdw11[1], NVME_CREATE_PC | 1 << 16);
	assert_true(ctrl.cq[1].ien);
	/* One command: one interrupt, its entry already posted. */
	sim.nsig = 0;
	assert_int_equal(st(g_submit(1, rw(NVME_CMD_READ, 1, 4096, 8,
					  gaddr(G_DATA), 0))), 0);
	assert_int_equal(sim.nsig, 1);
	assert_int_equal(sim.sig[0].vector, 1);
	assert_true(sim.sig[0].posted);
	/* Admin: vector 0. */
	g_identify(1, NVME_CNS_NS);
	assert_int_equal(sim.nsig, 2);
	assert_int_equal(sim.sig[1].vector, 0);
	assert_true(sim.sig[1].posted);
	/* Four commands in one doorbell write: one interrupt, after all. */
	for (i = 0; i < 4; i++) {
		sq[g.tail[1]] = rw(NVME_CMD_WRITE, 1, 4096 + 8 * i, 8,
				   gaddr(G_DATA + i), 0);
		g.tail[1]++;
	}
	nvme_reg_write(&ctrl, NVME_REG_DBS + 8, 4, g.tail[1]);
	assert_int_equal(sim.nsig, 3);
	g.head[1] += 3;		/* sim_signal looks at the last one */
	assert_int_equal((((struct nvme_cqe *)gpage(G_CQ))[g.head[1]].status & 1), 1);
	assert_int_equal(sim.sig[2].vector, 1);
	g.head[1]++;
	nvme_reg_write(&ctrl, NVME_REG_DBS + 12, 4, g.head[1]);
	/* Guest head doorbells and an empty pass ask for nothing. */
	assert_int_equal(sim.nsig, 3);
}

static void test_irq_not_for_ien_off(void **state)
{
	struct nvme_sqe cq = { .opcode = NVME_ADM_CREATE_CQ,
			       .cdw10 = 1 | (G_SQ_SIZE - 1) << 16,
			       .cdw11 = NVME_CREATE_PC | 5 << 16 };
	struct nvme_sqe sq = { .opcode = NVME_ADM_CREATE_SQ,
			       .cdw10 = 1 | (G_SQ_SIZE - 1) << 16,
			       .cdw11 = 1 | 1 << 16 };

	setup_ctrl(64);
	cq.prp1 = gaddr(G_CQ);
	sq.prp1 = gaddr(G_SQ);
	g_enable();
	g_identify(1, NVME_CNS_NS);
	assert_int_equal(st(g_submit(0, cq)), 0);
	assert_int_equal(st(g_submit(0, sq)), 0);
	g.size[1] = G_SQ_SIZE;
	assert_false(ctrl.cq[1].ien);
	sim.nsig = 0;
	assert_int_equal(st(g_submit(1, rw(NVME_CMD_WRITE, 1, 4096, 8,
					  gaddr(G_DATA), 0))), 0);
	assert_int_equal(sim.nsig, 0);
	/* The admin CQ always interrupts. */
	g_identify(1, NVME_CNS_NS);
	assert_int_equal(sim.nsig, 1);
	assert_int_equal(sim.sig[0].vector, 0);
}

static void test_irq_masked_is_sent_later(void **state)
{
	g_bringup();
	sim.nsig = 0;
	sim.sig_ret = -EAGAIN;		/* the vector is masked */
	assert_int_equal(st(g_submit(1, rw(NVME_CMD_READ, 1, 4096, 8,
					  gaddr(G_DATA), 0))), 0);
	/* g_submit's CQ head doorbell was a pass too: asked again. */
	assert_int_equal(sim.nsig, 2);
	assert_true(ctrl.cq[1].irq_owed);
	/* Unmasked: the next pass (here: INTMC) sends it, once. */
	sim.sig_ret = 0;
	nvme_reg_write(&ctrl, NVME_REG_INTMC, 4, 1);
	assert_int_equal(sim.nsig, 3);
	assert_int_equal(sim.sig[2].vector, 1);
	assert_false(ctrl.cq[1].irq_owed);
	nvme_reg_write(&ctrl, NVME_REG_INTMC, 4, 1);
	assert_int_equal(sim.nsig, 3);
	/* NVMe's INTMS (for MSI) holds a vector back as well. */
	nvme_reg_write(&ctrl, NVME_REG_INTMS, 4, BIT(1));
	g_submit(1, rw(NVME_CMD_READ, 1, 4096, 8, gaddr(G_DATA), 0));
	assert_int_equal(sim.nsig, 3);
	assert_true(ctrl.cq[1].irq_owed);
	nvme_reg_write(&ctrl, NVME_REG_INTMC, 4, BIT(1));
	assert_int_equal(sim.nsig, 4);
	assert_false(ctrl.cq[1].irq_owed);
	sim.nsig = 3;
	/* A dropped message (bogus) is not asked for again. */
	sim.sig_ret = -EINVAL;
	g_identify(1, NVME_CNS_NS);
	assert_int_equal(sim.nsig, 4);
	assert_false(ctrl.cq[0].irq_owed);
	/* A reset forgets what was owed. */
	sim.sig_ret = -EAGAIN;
	g_identify(1, NVME_CNS_NS);
	assert_true(ctrl.cq[0].irq_owed);
	nvme_reg_write(&ctrl, NVME_REG_CC, 4, 0);
	assert_false(ctrl.cq[0].irq_owed);
}

/* One read on I/O queue 1, the guest's CQ head doorbell not written. */
static void g_read_no_head(void)
{
	struct nvme_sqe *sq = (void *)gpage(G_SQ);
	struct nvme_cqe *cq = (void *)gpage(G_CQ);

	sq[g.tail[1]] = rw(NVME_CMD_READ, 1, 4096, 8, gaddr(G_DATA), 0);
	g.tail[1]++;
	nvme_reg_write(&ctrl, NVME_REG_DBS + 8, 4, g.tail[1]);
	assert_int_equal(cq[g.head[1]].status & 1, 1);
	g.head[1]++;
}

static void test_irq_intx_keeps_ien(void **state)
{
	/* MSI-X: the controller's CQ head moves as soon as we posted, and
	 * INTMS is never written. */
	g_bringup();
	g_read_no_head();
	assert_int_equal(sim.cq_head[1], 1);
	assert_int_equal(sim.regs[NVME_REG_INTMS / 4] | sim.regs[NVME_REG_INTMC / 4], 0);
	teardown(state);
	/* INTx: hardware IEN kept, its CQ head follows the guest's, so the
	 * pin stays asserted until the guest has seen the entry. */
	setup_ctrl(64);
	sim.intx = true;
	g_enable();
	g_identify(1, NVME_CNS_NS);
	g_create_io();
	assert_int_equal(sim.cq_cdw11[1], 3 | 1 << 16);
	/* Nothing to consume: the pin is masked. */
	assert_int_equal(sim.intms, 1);
	g_read_no_head();
	assert_int_equal(sim.cq_head[1], 0);
	assert_int_equal(sim.intms, 0);
	nvme_reg_write(&ctrl, NVME_REG_DBS + 12, 4, g.head[1]);
	assert_int_equal(sim.cq_head[1], 1);
	assert_int_equal(sim.intms, 1);
	/* The admin CQ too, in every mode. */
	assert_int_equal(sim.cq_head[0], g.head[0]);
	/* The guest's own mask is virtual; the hardware gets it too. */
	assert_int_equal(nvme_reg_read(&ctrl, NVME_REG_INTMS, 4), 0);
	nvme_reg_write(&ctrl, NVME_REG_INTMS, 4, 6);
	assert_int_equal(nvme_reg_read(&ctrl, NVME_REG_INTMC, 4), 6);
	assert_int_equal(sim.intms, 7);
	nvme_reg_write(&ctrl, NVME_REG_INTMC, 4, 2);
	assert_int_equal(sim.intms, 5);
	nvme_reg_write(&ctrl, NVME_REG_CC, 4, 0);
	assert_int_equal(nvme_reg_read(&ctrl, NVME_REG_INTMS, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_admin_path, teardown),
		cmocka_unit_test_teardown(test_write_read_range, teardown),
		cmocka_unit_test_teardown(test_malformed_prps, teardown),
		cmocka_unit_test_teardown(test_fail_closed, teardown),
		cmocka_unit_test_teardown(test_pool_exhaustion, teardown),
		cmocka_unit_test_teardown(test_queue_limits_and_reset, teardown),
		cmocka_unit_test_teardown(test_model_serial_waits_for_identify,
					  teardown),
		cmocka_unit_test_teardown(test_model_mismatch_keeps_refusing,
					  teardown),
		cmocka_unit_test_teardown(test_irq_after_post, teardown),
		cmocka_unit_test_teardown(test_irq_not_for_ien_off, teardown),
		cmocka_unit_test_teardown(test_irq_masked_is_sent_later, teardown),
		cmocka_unit_test_teardown(test_irq_intx_keeps_ien, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
