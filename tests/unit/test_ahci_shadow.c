/*
 * ahci_crypt's engine (drivers/ahci) against a simulated AHCI HBA: a
 * "guest" driver in a block of host memory programs the HBA through
 * ahci_reg_read/write exactly as through the trapped ABAR; the simulated
 * HBA executes whatever command list its PxCLB register names (our
 * shadows on port 1, the guest's own on port 0), moves data by PRDT over a
 * RAM disk, posts received FISes and records a trace of what it ran.
 * Checked: ciphertext on the medium inside the range (against lib/crypto's
 * XTS) and plaintext outside, reads decrypted back, straddling and chunked
 * commands, NCQ, malformed PRDTs and refused commands failing with a
 * task-file error, the take-over of a running port, a PxCMD write before
 * the port is set up (the seed's bug), completions finished late, HBA
 * reset, and an unconfigured port passed through untouched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "ahci_sim.h"

#define RANGE_FIRST	2048
#define PORT		1	/* shadowed */
#define PLAIN_PORT	0	/* not configured */

/* ---- the engine under test (the simulated HBA: ahci_sim.c) ---- */
static struct ahci_port port;
static struct xts_ctx key;
static struct storage_range range = {
	.line = 1, .sel = STORAGE_SEL_SLOT | STORAGE_SEL_PORT, .port = PORT,
	.lba_first = RANGE_FIRST, .lba_last = STORAGE_LBA_END,
};

/* The firmware left port 1 running on its own command list. */
static void setup(bool firmware_running)
{
	memset(&sim, 0, sizeof(sim));
	sim.media = zalloc(MEDIA_SECTORS * 512);
	gmem = zalloc(GMEM_SIZE);
	bad_page = gpage(G_BAD);
	logbuf[0] = 0;
	*preg(PORT, PX_CLB) = (u32)gaddr(G_FW_CLB);
	*preg(PORT, PX_CLBU) = (u32)(gaddr(G_FW_CLB) >> 32);
	*preg(PORT, PX_FB) = (u32)gaddr(G_FW_CLB) + 0x400;
	*preg(PORT, PX_FBU) = (u32)(gaddr(G_FW_CLB) >> 32);
	if (firmware_running)
		sim_cmd_write(PORT, PX_CMD_ST | PX_CMD_FRE);
	memset(&port, 0, sizeof(port));
	port.num = PORT;
	port.mem.clb = zalloc(4096);
	port.mem.clb_pa = (u64)port.mem.clb;
	port.mem.rfis = (u8 *)port.mem.clb + 0x400;
	port.mem.rfis_pa = port.mem.clb_pa + 0x400;
	port.mem.tables = zalloc(AHCI_SLOTS * AHCI_TABLE_SIZE);
	port.mem.tables_pa = (u64)port.mem.tables;
	port.mem.gprd = zalloc(AHCI_SLOTS * AHCI_TABLE_SIZE);
	port.mem.bounce = zalloc(AHCI_BOUNCE_SIZE);
	port.mem.bounce_pa = (u64)port.mem.bounce;
	ahci_ctrl_init(&ctrl, &env, "ahci sim");
	ahci_port_attach(&ctrl, &port);
	assert_int_equal(xts_init_impl(&key, sim_key_bytes, 64, CRYPTO_IMPL_PORTABLE), 0);
	assert_int_equal(ahci_port_add_range(&port, &range, &key), 0);
	assert_int_equal(ahci_port_takeover(&ctrl, &port), 0);
}

static int setup_idle(void **state)
{
	setup(false);
	return 0;
}

static int setup_fw(void **state)
{
	setup(true);
	return 0;
}

static int teardown(void **state)
{
	free(sim.media);
	free(gmem);
	free(port.mem.clb);
	free(port.mem.tables);
	free(port.mem.gprd);
	free(port.mem.bounce);
	return 0;
}

/* The medium holds plain XTS of want[] from lba on (range sectors). */
static void check_media(u64 lba, const u8 *want, u32 nsect)
{
	u8 *exp = malloc((size_t)nsect * 512);
	u32 i;

	memcpy(exp, want, (size_t)nsect * 512);
	for (i = 0; i < nsect; i++)
		if (lba + i >= RANGE_FIRST)
			assert_int_equal(xts_encrypt_sectors(&key, lba + i,
				exp + i * 512, exp + i * 512, 1, 512), 0);
	assert_memory_equal(sim.media + lba * 512, exp, (size_t)nsect * 512);
	free(exp);
}

static void test_classify(void **state)
{
	u8 f[64] = { FIS_TYPE_H2D, FIS_H2D_C };
	struct ahci_io io;

	f[FIS_CMD] = ATA_SMART;
	f[FIS_FEAT_LO] = ATA_SMART_WRITE_LOG;
	f[FIS_LBA0] = ATA_LOG_SCT_CMD;		/* SCT via SMART WRITE LOG */
	assert_int_equal(ahci_classify(f, &io), AHCI_CLASS_FAIL);
	f[FIS_LBA0] = 0x80;			/* a host-specific log */
	assert_int_equal(ahci_classify(f, &io), AHCI_CLASS_PASS);
	f[FIS_CMD] = ATA_NCQ_NON_DATA;
	f[FIS_FEAT_LO] = 6;			/* ZERO EXT */
	assert_int_equal(ahci_classify(f, &io), AHCI_CLASS_FAIL);
	f[FIS_FEAT_LO] = ATA_NCQ_ND_ABORT;
	assert_int_equal(ahci_classify(f, &io), AHCI_CLASS_PASS);
	f[FIS_CMD] = ATA_READ_DMA;
	f[FIS_DEVICE] = 0;			/* CHS */
	assert_int_equal(ahci_classify(f, &io), AHCI_CLASS_FAIL);
	f[FIS_DEVICE] = FIS_DEVICE_LBA | 0x5;
	f[FIS_LBA0] = 1;
	f[FIS_COUNT_LO] = 0;			/* 256 sectors */
	assert_int_equal(ahci_classify(f, &io), AHCI_CLASS_RW);
	assert_int_equal(io.lba, 0x5000001);
	assert_int_equal(io.nsect, 256);
	f[FIS_CMD] = ATA_WRITE_FPDMA;
	f[FIS_FEAT_LO] = f[FIS_FEAT_HI] = 0;	/* 65536 sectors */
	assert_int_equal(ahci_classify(f, &io), AHCI_CLASS_RW);
	assert_true(io.ncq && io.write && io.lba48);
	assert_int_equal(io.nsect, 65536);
	f[FIS_CMD] = ATA_PACKET;		/* ATAPI passes unencrypted */
	assert_int_equal(ahci_classify(f, &io), AHCI_CLASS_PASS);
	f[1] = 0;				/* device control (SRST) */
	f[FIS_CMD] = 0x30;
	assert_int_equal(ahci_classify(f, &io), AHCI_CLASS_PASS);
	f[0] = 0x34;				/* not a H2D FIS */
	assert_int_equal(ahci_classify(f, &io), AHCI_CLASS_FAIL);
}

static void test_write_read_range(void **state)
{
	u8 *w = gpage(G_DATA), *r = gpage(G_DATA + 8);
	struct g_prd wp[2] = { { gaddr(G_DATA), 4096 }, { gaddr(G_DATA + 1), 4096 } };
	struct g_prd rp[3] = { { gaddr(G_DATA + 8), 1024 },
			       { gaddr(G_DATA + 8) + 1024, 3072 },
			       { gaddr(G_DATA + 9), 4096 } };
	struct ahci_cmd_hdr *h = (struct ahci_cmd_hdr *)gaddr(G_CLB);

	g_start(PORT);
	fill(w, 8192, 3);
	assert_int_equal(g_issue(PORT, 0, ATA_WRITE_DMA_EXT, 4096, 16, wp, 2), 0);
	check_media(4096, w, 16);
	assert_int_equal(h[0].prdbc, 8192);
	assert_int_equal(gpage(G_CLB)[0x440], 0x34);	/* D2H FIS copied */
	/* The hardware saw our bounce buffer, never the guest's pages. */
	assert_int_equal(sim.trace[0].prd0, port.mem.bounce_pa);
	assert_int_equal(g_issue(PORT, 1, ATA_READ_DMA_EXT, 4096, 16, rp, 3), 0);
	assert_memory_equal(r, w, 8192);
	assert_int_equal(h[1].prdbc, 8192);
	assert_int_equal(port.stats.enc_sectors, 16);
	assert_int_equal(port.stats.dec_sectors, 16);
	/* The shadow command list, not the guest's, is in the hardware. */
	assert_int_equal(sim_reg64(PORT, PX_CLB), port.mem.clb_pa);
	assert_int_equal(greg(PORT, PX_CLB), (u32)gaddr(G_CLB));
}

static void test_outside_and_straddle(void **state)
{
	u8 *w = gpage(G_DATA), *r = gpage(G_DATA + 8);
	struct g_prd wp = { gaddr(G_DATA), 8192 }, rp = { gaddr(G_DATA + 8), 8192 };

	g_start(PORT);
	fill(w, 8192, 9);
	assert_int_equal(g_issue(PORT, 2, ATA_WRITE_DMA, 100, 16, &wp, 1), 0);
	/* Outside the range: the guest's own buffer, plaintext. */
	assert_int_equal(sim.trace[0].prd0, gaddr(G_DATA));
	assert_memory_equal(sim.media + 100 * 512, w, 8192);
	assert_int_equal(g_issue(PORT, 2, ATA_WRITE_DMA, RANGE_FIRST - 8, 16,
				 &wp, 1), 0);
	check_media(RANGE_FIRST - 8, w, 16);
	assert_int_equal(g_issue(PORT, 3, ATA_READ_DMA, RANGE_FIRST - 8, 16,
				 &rp, 1), 0);
	assert_memory_equal(r, w, 8192);
	assert_int_equal(port.stats.enc_sectors, 8);
}

static void test_ncq_and_chunks(void **state)
{
	u8 *w = gpage(G_DATA), *r = gpage(G_DATA + 1024);
	struct g_prd wp = { gaddr(G_DATA), 3u << 20 };
	struct g_prd rp[2] = { { gaddr(G_DATA + 1024), 2u << 20 },
			       { gaddr(G_DATA + 1024 + 512), 1u << 20 } };

	g_start(PORT);
	fill(w, 3u << 20, 5);
	/* Two NCQ commands at once: 3 MiB write, 3 MiB read of the same. */
	g_build(gaddr(G_CLB), 5, ATA_WRITE_FPDMA, 3000, 6144, &wp, 1);
	g_build(gaddr(G_CLB), 9, ATA_READ_FPDMA, 3000, 6144, rp, 2);
	gwrite(PORT, PX_SACT, (u32)(BIT(5) | BIT(9)));
	assert_int_equal(greg(PORT, PX_SACT), BIT(5) | BIT(9));
	gwrite(PORT, PX_CI, (u32)(BIT(5) | BIT(9)));
	assert_int_equal(greg(PORT, PX_CI), 0);
	assert_int_equal(greg(PORT, PX_SACT), 0);
	check_media(3000, w, 6144);
	assert_memory_equal(r, w, 3u << 20);
	/* 1 MiB bounce: three chunks each way, each an NCQ command. */
	assert_int_equal(sim.ntrace, 6);
	assert_int_equal(sim.trace[1].lba, 3000 + 2048);
	assert_int_equal(sim.trace[1].cmd, ATA_WRITE_FPDMA);
	assert_int_equal(sim.trace[5].count, 2048);
	assert_int_equal(((struct ahci_cmd_hdr *)gaddr(G_CLB))[9].prdbc, 3u << 20);
}

/* Slot s must have failed closed: aborted by the device, still set. */
static void assert_failed(u32 s)
{
	assert_true(greg(PORT, PX_CI) & BIT(s));
	assert_true(greg(PORT, PX_IS) & PX_IS_TFES);
	assert_int_equal(sim.trace[sim.ntrace - 1].cmd, ATA_SET_FEATURES);
	/* The guest's error handling: stop, clear, restart. */
	gwrite(PORT, PX_CMD, PX_CMD_FRE);
	assert_int_equal(greg(PORT, PX_CI), 0);
	gwrite(PORT, PX_IS, PX_IS_TFES);
	gwrite(PORT, PX_CMD, PX_CMD_FRE | PX_CMD_ST);
}

static void test_malformed_prdt(void **state)
{
	struct g_prd odd = { gaddr(G_DATA), 4095 };
	struct g_prd bad = { gaddr(G_BAD), 4096 };
	struct g_prd small = { gaddr(G_DATA), 4096 };
	struct g_prd ok = { gaddr(G_DATA), 4096 };
	struct ahci_cmd_hdr *h;

	g_start(PORT);
	g_issue(PORT, 0, ATA_READ_DMA_EXT, 4096, 8, NULL, 0);	/* no PRDT */
	assert_failed(0);
	g_issue(PORT, 1, ATA_WRITE_DMA_EXT, 4096, 8, &odd, 1);
	assert_failed(1);
	g_issue(PORT, 2, ATA_WRITE_DMA_EXT, 4096, 8, &bad, 1);	/* hv memory */
	assert_failed(2);
	g_issue(PORT, 3, ATA_READ_DMA_EXT, 4096, 16, &small, 1);
	assert_failed(3);
	h = g_build(gaddr(G_CLB), 4, ATA_READ_DMA_EXT, 4096, 8, &ok, 1);
	h->flags = (h->flags & 0xffff) | 300u << 16;		/* too many */
	gwrite(PORT, PX_CI, BIT(4));
	assert_failed(4);
	h = g_build(gaddr(G_CLB), 5, ATA_READ_DMA_EXT, 4096, 8, &ok, 1);
	h->ctba |= 0x40;					/* misaligned */
	gwrite(PORT, PX_CI, BIT(5));
	assert_failed(5);
	((struct ahci_cmd_table *)gpage(G_TABLES + 6))->prdt[0].dw3 |= BIT(25);
	g_build(gaddr(G_CLB), 6, ATA_READ_DMA_EXT, 100, 8, &ok, 1);
	((struct ahci_cmd_table *)gpage(G_TABLES + 6))->prdt[0].dw3 |= BIT(25);
	gwrite(PORT, PX_CI, BIT(6));				/* reserved bits */
	assert_failed(6);
	assert_int_equal(port.stats.failed, 7);
	assert_non_null(strstr(logbuf, "refused"));
	/* Nothing reached the medium. */
	assert_int_equal(sim.media[4096 * 512], 0);
}

static void test_fail_closed(void **state)
{
	struct g_prd d = { gaddr(G_DATA), 512 };
	struct g_prd id = { gaddr(G_DATA + 4), 512 };
	u32 i;
	u8 sum;

	g_start(PORT);
	g_issue(PORT, 0, 0x30, 4096, 1, &d, 1);		/* WRITE SECTORS (PIO) */
	assert_failed(0);
	g_issue(PORT, 0, 0x06, 0, 1, &d, 1);		/* DSM (TRIM) */
	assert_failed(0);
	g_issue(PORT, 0, ATA_WRITE_LOG_EXT, ATA_LOG_SCT_CMD, 1, &d, 1);
	assert_failed(0);					/* SCT WRITE SAME */
	g_issue(PORT, 0, 0x24, 100, 1, &d, 1);		/* READ SECTORS EXT */
	assert_failed(0);
	/* IDENTIFY and FLUSH pass, the guest's buffer is used directly. */
	assert_int_equal(g_issue(PORT, 7, ATA_IDENTIFY, 0, 1, &id, 1), 0);
	assert_int_equal(sim.trace[sim.ntrace - 1].prd0, gaddr(G_DATA + 4));
	assert_int_equal(gpage(G_DATA + 4)[0], 0x40);
	/* TRIM and SCT hidden, other bits kept, checksum still right. */
	assert_int_equal(gpage(G_DATA + 4)[ATA_ID_DSM * 2], 0);
	assert_int_equal(gpage(G_DATA + 4)[ATA_ID_SCT * 2], 0x20);
	for (i = 0, sum = 0; i < 512; i++)
		sum = (u8)(sum + gpage(G_DATA + 4)[i]);
	assert_int_equal(sum, 0);
	assert_int_equal(gpage(G_DATA + 4)[510], ATA_ID_SIGNATURE);
	assert_int_equal(g_issue(PORT, 8, ATA_FLUSH_CACHE_EXT, 0, 0, NULL, 0), 0);
	assert_int_equal(greg(PORT, PX_IS) & PX_IS_TFES, 0);
}

/* The seed's bug: a PxCMD write before the guest set up PxCLB. */
static void test_takeover_and_cmd_before_init(void **state)
{
	struct g_prd wp = { gaddr(G_DATA), 4096 }, rp = { gaddr(G_DATA + 2), 4096 };
	struct ahci_cmd_hdr *h;

	/* Taken over from the running firmware: restarted on our shadows,
	 * the firmware's bases read back as the guest's. */
	assert_int_equal(sim_reg64(PORT, PX_CLB), port.mem.clb_pa);
	assert_int_equal(sim_reg64(PORT, PX_FB), port.mem.rfis_pa);
	assert_int_equal(*preg(PORT, PX_CMD) & (PX_CMD_ST | PX_CMD_FRE),
			 PX_CMD_ST | PX_CMD_FRE);
	assert_int_equal(greg(PORT, PX_CLB), (u32)gaddr(G_FW_CLB));
	/* The firmware goes on using its command list through us. */
	fill(gpage(G_DATA), 4096, 1);
	g_build(gaddr(G_FW_CLB), 0, ATA_WRITE_DMA_EXT, 5000, 8, &wp, 1);
	gwrite(PORT, PX_CI, 1);
	assert_int_equal(greg(PORT, PX_CI), 0);
	check_media(5000, gpage(G_DATA), 8);
	/* Stop; PxCMD written again before any PxCLB write. */
	gwrite(PORT, PX_CMD, 0);
	gwrite(PORT, PX_CMD, PX_CMD_FRE | PX_CMD_ST);
	assert_int_equal(sim_reg64(PORT, PX_CLB), port.mem.clb_pa);
	assert_int_equal(greg(PORT, PX_CLB), (u32)gaddr(G_FW_CLB));
	assert_int_equal(greg(PORT, PX_CLBU), (u32)(gaddr(G_FW_CLB) >> 32));
	h = g_build(gaddr(G_FW_CLB), 1, ATA_READ_DMA_EXT, 5000, 8, &rp, 1);
	gwrite(PORT, PX_CI, 2);
	assert_int_equal(greg(PORT, PX_CI), 0);
	assert_memory_equal(gpage(G_DATA + 2), gpage(G_DATA), 4096);
	assert_int_equal(h->prdbc, 4096);
	/* The OS takes over: FIS receive off, then PxIS read and cleared
	 * before it sets its own PxFB; the firmware's area, now the OS's
	 * memory, is left alone. */
	gwrite(PORT, PX_CMD, 0);
	memset(gpage(G_FW_CLB) + 0x400, 0xee, 256);
	greg(PORT, PX_IS);
	assert_int_equal(gpage(G_FW_CLB)[0x440], 0xee);
	/* HBA reset clears the hardware's bases; a restart puts ours back. */
	ahci_reg_write(&ctrl, AHCI_GHC, AHCI_GHC_HR);
	assert_int_equal(sim_reg64(PORT, PX_CLB), 0);
	gwrite(PORT, PX_CMD, PX_CMD_FRE | PX_CMD_ST);
	assert_int_equal(sim_reg64(PORT, PX_CLB), port.mem.clb_pa);
	assert_int_equal(sim_reg64(PORT, PX_FB), port.mem.rfis_pa);
	assert_int_equal(greg(PORT, PX_CLB), (u32)gaddr(G_FW_CLB));
}

static void test_late_completion(void **state)
{
	u8 *w = gpage(G_DATA), *r = gpage(G_DATA + 4);
	struct g_prd wp = { gaddr(G_DATA), 4096 }, rp = { gaddr(G_DATA + 4), 4096 };

	g_start(PORT);
	fill(w, 4096, 77);
	assert_int_equal(g_issue(PORT, 0, ATA_WRITE_DMA_EXT, 6000, 8, &wp, 1), 0);
	sim.hold = true;
	/* The device is slow: the PxCI write returns with the slot set. */
	assert_int_equal(g_issue(PORT, 3, ATA_READ_DMA_EXT, 6000, 8, &rp, 1),
			 BIT(3));
	assert_non_null(strstr(logbuf, "finished on a later access"));
	sim_run();			/* the hardware completes: ciphertext */
	assert_memory_not_equal(r, w, 4096);
	/* The guest's interrupt handler reads PxIS: decrypted first. */
	assert_int_equal(greg(PORT, PX_IS) & 1, 1);
	assert_memory_equal(r, w, 4096);
	assert_int_equal(greg(PORT, PX_CI), 0);
}

/* A stop or an HBA reset while a bounced read runs drops it: nothing is
 * copied to the guest afterwards, the next command runs normally. */
static void test_stop_and_reset_drop_slots(void **state)
{
	u8 *r = gpage(G_DATA + 4), want[4096];
	struct g_prd rp = { gaddr(G_DATA + 4), 4096 };

	g_start(PORT);
	memset(r, 0x5a, 4096);
	sim.hold = true;
	assert_int_equal(g_issue(PORT, 2, ATA_READ_DMA_EXT, 7000, 8, &rp, 1),
			 BIT(2));
	gwrite(PORT, PX_CMD, PX_CMD_FRE);		/* stop */
	assert_int_equal(greg(PORT, PX_CI), 0);
	sim_run();
	assert_int_equal(r[0], 0x5a);
	gwrite(PORT, PX_CMD, PX_CMD_FRE | PX_CMD_ST);
	assert_int_equal(g_issue(PORT, 4, ATA_READ_DMA_EXT, 7000, 8, &rp, 1),
			 BIT(4));
	ahci_reg_write(&ctrl, AHCI_GHC, AHCI_GHC_HR);
	assert_int_equal(greg(PORT, PX_CI), 0);
	sim.hold = false;
	g_start(PORT);
	/* A PxCI write while the engine is off is forgotten at start. */
	gwrite(PORT, PX_CMD, PX_CMD_FRE);
	g_build(gaddr(G_CLB), 6, ATA_READ_DMA_EXT, 7000, 8, &rp, 1);
	gwrite(PORT, PX_CI, BIT(6));
	gwrite(PORT, PX_CMD, PX_CMD_FRE | PX_CMD_ST);
	assert_int_equal(greg(PORT, PX_CI), 0);
	assert_int_equal(g_issue(PORT, 6, ATA_READ_DMA_EXT, 7000, 8, &rp, 1), 0);
	/* The medium's zeros, decrypted once: only the last read counted. */
	memset(want, 0, sizeof(want));
	assert_int_equal(xts_decrypt_sectors(&key, 7000, want, want, 8, 512), 0);
	assert_memory_equal(r, want, 4096);
	assert_int_equal(port.stats.dec_sectors, 8);
}

static void test_unconfigured_port(void **state)
{
	u8 *w = gpage(G_DATA);
	struct g_prd wp = { gaddr(G_DATA), 4096 };

	g_start(PLAIN_PORT);
	/* Registers are the hardware's: the guest's own command list. */
	assert_int_equal(sim_reg64(PLAIN_PORT, PX_CLB), gaddr(G_CLB));
	fill(w, 4096, 11);
	g_build(gaddr(G_CLB), 0, ATA_WRITE_DMA_EXT, 4096, 8, &wp, 1);
	gwrite(PLAIN_PORT, PX_CI, 1);
	assert_int_equal(*preg(PLAIN_PORT, PX_CI), 1);	/* not run by us */
	sim_run();
	assert_int_equal(greg(PLAIN_PORT, PX_CI), 0);
	assert_memory_equal(sim.media + 4096 * 512, w, 4096);
	assert_int_equal(sim.trace[0].prd0, gaddr(G_DATA));
	assert_int_equal(port.stats.passed + port.stats.bounced, 0);
	/* CAP.FBSS is hidden, the rest of CAP passed. */
	sim.regs[0] = 0x40010000 | 0x1f;
	assert_int_equal(ahci_reg_read(&ctrl, AHCI_CAP), 0x4000001f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test_setup_teardown(test_write_read_range, setup_idle, teardown),
		cmocka_unit_test_setup_teardown(test_outside_and_straddle, setup_idle, teardown),
		cmocka_unit_test_setup_teardown(test_ncq_and_chunks, setup_idle, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_prdt, setup_idle, teardown),
		cmocka_unit_test_setup_teardown(test_fail_closed, setup_idle, teardown),
		cmocka_unit_test_setup_teardown(test_takeover_and_cmd_before_init, setup_fw, teardown),
		cmocka_unit_test_setup_teardown(test_late_completion, setup_idle, teardown),
		cmocka_unit_test_setup_teardown(test_stop_and_reset_drop_slots, setup_idle, teardown),
		cmocka_unit_test_setup_teardown(test_unconfigured_port, setup_idle, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
