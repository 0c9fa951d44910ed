/*
 * The guest's interrupts from nvme_crypt's queue engine (drivers/nvme),
 * against the simulated NVMe controller (nvme_sim.c): with MSI-X/MSI the
 * hardware CQs are created without IEN and the engine asks env->signal
 * for the guest's vector once per batch, only after the entries are in
 * the guest's CQ, never for a CQ the guest created without IEN; a masked
 * vector (also by INTMS) is asked for again later, a dropped one not, and
 * a reset forgets what was owed.  With INTx the hardware keeps IEN, its CQ
 * head follows the guest's and the pin is masked while there is nothing
 * to consume; the guest's INTMS/INTMC are virtual.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "nvme_sim.h"

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
		cmocka_unit_test_teardown(test_irq_after_post, teardown),
		cmocka_unit_test_teardown(test_irq_not_for_ien_off, teardown),
		cmocka_unit_test_teardown(test_irq_masked_is_sent_later, teardown),
		cmocka_unit_test_teardown(test_irq_intx_keeps_ien, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
