/*
 * nvme_crypt's queue engine (drivers/nvme) against the simulated NVMe
 * controller (nvme_sim.c): a "guest" driver in a block of host memory
 * programs the controller through nvme_reg_read/write exactly as through
 * the trapped BAR; the simulated controller fetches from whatever queues
 * the hardware registers name (our shadows), moves data by PRPs over a RAM
 * disk, and records a trace of what it executed.  Checked: the admin path
 * (queue creation, Identify patching), ciphertext on the media inside the
 * range and plaintext outside, reads decrypted back, straddling commands,
 * malformed PRPs and lists, fail-closed rules, pool exhaustion and
 * deferral, queue limits and reset, and ranges named by model=/serial=.
 * The guest's interrupts are test_nvme_irq.c's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "nvme_sim.h"

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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
