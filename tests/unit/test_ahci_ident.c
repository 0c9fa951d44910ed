/*
 * Disks named by model=/serial= (drivers/ahci/ahci_ident.c) against the
 * simulated HBA (ahci_sim.c): ports 1..3 shadowed and pending, the
 * hypervisor's own IDENTIFY DEVICE at the take-over (the port's PxCMD,
 * PxIS and received-FIS area left as found), the range going to the disk
 * whose serial matches and the other port passing everything (TRIM too),
 * data commands refused while a port is pending, the guest's IDENTIFY
 * deciding a port where ours could not run, ATAPI passing unencrypted,
 * and the fail-closed cases: one range matching two disks, a named range
 * overlapping a slot=/port= range of the same disk.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "ahci_sim.h"

#define NPORTS		4	/* ports 1..3 used */
#define RANGE_FIRST	2048

static struct ahci_port ports[NPORTS];
static struct ahci_named named;
static struct xts_ctx key;
static struct storage_range by_serial = {
	.line = 1, .sel = STORAGE_SEL_SERIAL | STORAGE_SEL_ATA,
	.serial = "tvsata2", .lba_first = RANGE_FIRST,
	.lba_last = STORAGE_LBA_END,
};
static struct storage_range by_model = {
	.line = 2, .sel = STORAGE_SEL_MODEL | STORAGE_SEL_ATA,
	.model = SIM_MODEL, .lba_first = 0, .lba_last = 99,
};
static struct storage_range by_port = {
	.line = 3, .sel = STORAGE_SEL_SLOT | STORAGE_SEL_PORT, .port = 2,
	.lba_first = 0, .lba_last = RANGE_FIRST,
};
static const u8 key_bytes[64] = { [0] = 7, [32] = 9 };

static void alloc_mem(struct ahci_port *p, u32 num)
{
	memset(p, 0, sizeof(*p));
	p->num = num;
	p->mem.clb = zalloc(4096);
	p->mem.clb_pa = (u64)p->mem.clb;
	p->mem.rfis = (u8 *)p->mem.clb + 0x400;
	p->mem.rfis_pa = p->mem.clb_pa + 0x400;
	p->mem.tables = zalloc(AHCI_SLOTS * AHCI_TABLE_SIZE);
	p->mem.tables_pa = (u64)p->mem.tables;
	p->mem.gprd = zalloc(AHCI_SLOTS * AHCI_TABLE_SIZE);
	p->mem.bounce = zalloc(AHCI_BOUNCE_SIZE);
	p->mem.bounce_pa = (u64)p->mem.bounce;
}

/* A SATA disk present on port n (PxSSTS.DET = 3, ATA signature). */
static void disk(u32 n, const char *serial)
{
	*preg(n, PX_SSTS) = 0x123;
	*preg(n, PX_SIG) = PX_SIG_ATA;
	*preg(n, PX_TFD) = 0x50;
	sim.serial[n] = serial;
}

/*
 * Ports 1..3 of an HBA shadowed for the named ranges in list[], the
 * firmware running on port 2 (its own command list), idle elsewhere.
 */
static void setup(const struct storage_range *const *list, u32 n)
{
	u32 i;

	memset(&sim, 0, sizeof(sim));
	sim.media = zalloc(MEDIA_SECTORS * 512);
	gmem = zalloc(GMEM_SIZE);
	bad_page = gpage(G_BAD);
	logbuf[0] = 0;
	memset(&named, 0, sizeof(named));
	assert_int_equal(xts_init_impl(&key, key_bytes, 64, CRYPTO_IMPL_PORTABLE), 0);
	for (i = 0; i < n; i++) {
		named.range[i] = list[i];
		named.key[i] = &key;
	}
	named.count = n;
	ahci_ctrl_init(&ctrl, &env, "ahci sim");
	ctrl.named = &named;
	*preg(2, PX_CLB) = (u32)gaddr(G_FW_CLB);
	*preg(2, PX_CLBU) = (u32)(gaddr(G_FW_CLB) >> 32);
	*preg(2, PX_FB) = (u32)gaddr(G_FW_CLB) + 0x400;
	*preg(2, PX_FBU) = (u32)(gaddr(G_FW_CLB) >> 32);
	sim_cmd_write(2, PX_CMD_ST | PX_CMD_FRE);
	for (i = 1; i < NPORTS; i++) {
		alloc_mem(&ports[i], i);
		ahci_port_attach(&ctrl, &ports[i]);
		ports[i].id_state = AHCI_ID_PENDING;
	}
}

static void take_all(void)
{
	u32 i;

	for (i = 1; i < NPORTS; i++)
		assert_int_equal(ahci_port_takeover(&ctrl, &ports[i]), 0);
}

static int teardown(void **state)
{
	u32 i;

	free(sim.media);
	free(gmem);
	for (i = 1; i < NPORTS; i++) {
		free(ports[i].mem.clb);
		free(ports[i].mem.tables);
		free(ports[i].mem.gprd);
		free(ports[i].mem.bounce);
	}
	return 0;
}

/* Slot s of port n failed closed: aborted, nothing done; then recovered. */
static void assert_refused(u32 n, u32 s)
{
	assert_true(greg(n, PX_CI) & BIT(s));
	assert_true(greg(n, PX_IS) & PX_IS_TFES);
	assert_int_equal(sim.trace[sim.ntrace - 1].cmd, ATA_SET_FEATURES);
	gwrite(n, PX_CMD, PX_CMD_FRE);
	gwrite(n, PX_IS, PX_IS_TFES);
	gwrite(n, PX_CMD, PX_CMD_FRE | PX_CMD_ST);
}

static bool encrypted_at(u64 lba, const u8 *plain)
{
	u8 want[512];

	memcpy(want, plain, 512);
	assert_int_equal(xts_encrypt_sectors(&key, lba, want, want, 1, 512), 0);
	return !memcmp(sim.media + lba * 512, want, 512);
}

static void test_identified_at_takeover(void **state)
{
	const struct storage_range *list[] = { &by_serial };
	struct g_prd wp, tp;
	u8 rfis0[AHCI_RFIS_SIZE];

	setup(list, 1);
	wp = (struct g_prd){ gaddr(G_DATA), 4096 };
	tp = (struct g_prd){ gaddr(G_DATA + 4), 512 };
	disk(1, "tvsata1");
	disk(2, "     tvsata2");	/* ATA serials may be right-aligned */
	take_all();
	memset(ports[2].mem.rfis, 0x11, AHCI_RFIS_SIZE);
	memcpy(rfis0, ports[2].mem.rfis, sizeof(rfis0));
	assert_int_equal(ahci_port_identify(&ctrl, &ports[1]), 0);
	assert_int_equal(ahci_port_identify(&ctrl, &ports[2]), 0);
	assert_int_equal(ahci_port_identify(&ctrl, &ports[3]), -ENODEV);
	assert_int_equal(ports[1].id_state, AHCI_ID_DONE);
	assert_int_equal(ports[1].nranges, 0);
	assert_int_equal(ports[2].id_state, AHCI_ID_DONE);
	assert_int_equal(ports[2].nranges, 1);
	assert_int_equal(ports[3].id_state, AHCI_ID_PENDING);
	assert_non_null(strstr(logbuf, "ahci sim: port 2: model 'SIM SATA DISK' "
			       "serial 'tvsata2': 1 range(s) chosen by "
			       "model=/serial=\n"));
	assert_non_null(strstr(logbuf, "port 1: model 'SIM SATA DISK' serial "
			       "'tvsata1': 0 range(s)"));
	/* Each IDENTIFY ran through shadow slot 0 into the bounce buffer. */
	assert_int_equal(sim.trace[0].cmd, ATA_IDENTIFY);
	assert_int_equal(sim.trace[1].prd0, ports[2].mem.bounce_pa);
	/* Ports left as found: port 1 stopped, port 2 running, no status,
	 * received-FIS area untouched. */
	assert_int_equal(*preg(1, PX_CMD) & (PX_CMD_ST | PX_CMD_FRE), 0);
	assert_int_equal(*preg(2, PX_CMD) & (PX_CMD_ST | PX_CMD_FRE),
			 PX_CMD_ST | PX_CMD_FRE);
	assert_int_equal(*preg(1, PX_IS) | *preg(2, PX_IS), 0);
	assert_memory_equal(ports[2].mem.rfis, rfis0, sizeof(rfis0));
	/* The firmware reads on without identifying: port 2 encrypted. */
	fill(gpage(G_DATA), 4096, 3);
	g_build(gaddr(G_FW_CLB), 0, ATA_WRITE_DMA_EXT, 4096, 8, &wp, 1);
	gwrite(2, PX_CI, 1);
	assert_int_equal(greg(2, PX_CI), 0);
	assert_true(encrypted_at(4096, gpage(G_DATA)));
	/* Port 1: plaintext on the guest's own buffer, TRIM passes. */
	g_start(1);
	assert_int_equal(g_issue(1, 0, ATA_WRITE_DMA_EXT, 6000, 8, &wp, 1), 0);
	assert_memory_equal(sim.media + 6000 * 512, gpage(G_DATA), 4096);
	assert_int_equal(sim.trace[sim.ntrace - 1].prd0, gaddr(G_DATA));
	g_issue(1, 1, 0x06, 0, 1, &tp, 1);		/* DSM: reaches the disk */
	assert_int_equal(sim.trace[sim.ntrace - 1].cmd, 0x06);
}

static void test_pending_until_guest_identify(void **state)
{
	const struct storage_range *list[] = { &by_serial };
	struct g_prd wp, id;

	setup(list, 1);
	wp = (struct g_prd){ gaddr(G_DATA), 4096 };
	id = (struct g_prd){ gaddr(G_DATA + 8), 512 };
	take_all();
	/* No disk yet: ours cannot run, every data command is refused. */
	assert_int_equal(ahci_port_identify(&ctrl, &ports[2]), -ENODEV);
	assert_non_null(strstr(logbuf, "port 2: no idle ATA disk"));
	disk(2, "tvsata2");
	g_start(2);
	fill(gpage(G_DATA), 4096, 5);
	g_issue(2, 0, ATA_WRITE_DMA_EXT, 4096, 8, &wp, 1);
	assert_refused(2, 0);
	g_issue(2, 1, ATA_WRITE_DMA_EXT, 100, 8, &wp, 1);	/* outside too */
	assert_refused(2, 1);
	g_issue(2, 2, 0x06, 0, 1, &wp, 1);			/* and TRIM */
	assert_refused(2, 2);
	assert_int_equal(sim.media[100 * 512] | sim.media[4096 * 512], 0);
	/* The guest's IDENTIFY names the disk; its data is patched already. */
	assert_int_equal(g_issue(2, 3, ATA_IDENTIFY, 0, 1, &id, 1), 0);
	assert_int_equal(ports[2].id_state, AHCI_ID_DONE);
	assert_int_equal(gpage(G_DATA + 8)[ATA_ID_DSM * 2], 0);
	assert_non_null(strstr(logbuf, "serial 'tvsata2': 1 range(s)"));
	assert_int_equal(g_issue(2, 4, ATA_WRITE_DMA_EXT, 4096, 8, &wp, 1), 0);
	assert_true(encrypted_at(4096, gpage(G_DATA)));
	assert_int_equal(g_issue(2, 5, ATA_WRITE_DMA_EXT, 100, 8, &wp, 1), 0);
	assert_memory_equal(sim.media + 100 * 512, gpage(G_DATA), 4096);
}

/* ATAPI never answers IDENTIFY DEVICE: pending, its PACKETs pass. */
static void test_atapi_passes(void **state)
{
	const struct storage_range *list[] = { &by_serial };
	struct g_prd d;

	setup(list, 1);
	d = (struct g_prd){ gaddr(G_DATA), 2048 };
	disk(3, "cd");
	*preg(3, PX_SIG) = 0xeb140101;
	sim.atapi[3] = true;
	take_all();
	assert_int_equal(ahci_port_identify(&ctrl, &ports[3]), -ENODEV);
	g_start(3);
	g_issue(3, 0, ATA_IDENTIFY, 0, 1, &d, 1);	/* aborted by the device */
	assert_int_equal(sim.trace[sim.ntrace - 1].cmd, ATA_IDENTIFY);
	assert_int_equal(ports[3].id_state, AHCI_ID_PENDING);
	gwrite(3, PX_CMD, PX_CMD_FRE);
	gwrite(3, PX_IS, PX_IS_TFES);
	gwrite(3, PX_CMD, PX_CMD_FRE | PX_CMD_ST);
	g_issue(3, 1, ATA_PACKET, 0, 0, &d, 1);
	assert_int_equal(sim.trace[sim.ntrace - 1].cmd, ATA_PACKET);
}

/* The hypervisor's IDENTIFY failing (device error): pending, restarted. */
static void test_identify_error_stays_pending(void **state)
{
	const struct storage_range *list[] = { &by_serial };

	setup(list, 1);
	disk(2, "tvsata2");
	sim.atapi[2] = true;		/* aborts IDENTIFY DEVICE */
	take_all();
	assert_int_equal(ahci_port_identify(&ctrl, &ports[2]), -EIO);
	assert_int_equal(ports[2].id_state, AHCI_ID_PENDING);
	assert_non_null(strstr(logbuf, "port 2: IDENTIFY DEVICE failed (-5)"));
	/* Stopped and restarted (slot cleared), error status cleared. */
	assert_int_equal(*preg(2, PX_CMD) & PX_CMD_ST, PX_CMD_ST);
	assert_int_equal(*preg(2, PX_CI) | *preg(2, PX_IS), 0);
}

/* One range naming two disks: both refuse their data commands. */
static void test_two_disks_refused(void **state)
{
	const struct storage_range *list[] = { &by_model };
	struct g_prd wp;

	setup(list, 1);
	wp = (struct g_prd){ gaddr(G_DATA), 4096 };
	disk(1, "a");
	disk(2, "b");
	take_all();
	assert_int_equal(ahci_port_identify(&ctrl, &ports[1]), 0);
	assert_int_equal(ports[1].id_state, AHCI_ID_DONE);
	assert_int_equal(ahci_port_identify(&ctrl, &ports[2]), 0);
	assert_int_equal(ports[1].id_state, AHCI_ID_REFUSED);
	assert_int_equal(ports[2].id_state, AHCI_ID_REFUSED);
	assert_non_null(strstr(logbuf, "port 2: storage.encrypt line 2 also "
			       "names the disk on ahci sim port 1"));
	assert_non_null(strstr(logbuf, "serial 'b': data commands refused"));
	g_start(1);
	g_issue(1, 0, ATA_READ_DMA_EXT, 50, 8, &wp, 1);
	assert_refused(1, 0);
}

/* A named range sharing a sector with a slot=/port= range of the disk. */
static void test_overlap_with_port_range(void **state)
{
	const struct storage_range *list[] = { &by_serial };
	struct g_prd wp;

	setup(list, 1);
	wp = (struct g_prd){ gaddr(G_DATA), 4096 };
	assert_int_equal(ahci_port_add_range(&ports[2], &by_port, &key), 0);
	disk(2, "tvsata2");
	take_all();
	assert_int_equal(ahci_port_identify(&ctrl, &ports[2]), 0);
	assert_int_equal(ports[2].id_state, AHCI_ID_REFUSED);
	assert_non_null(strstr(logbuf, "port 2: storage.encrypt ranges of "
			       "this disk overlap"));
	g_start(2);
	g_issue(2, 0, ATA_WRITE_DMA_EXT, 4096, 8, &wp, 1);
	assert_refused(2, 0);
	/* Without the overlap both ranges apply. */
	by_port.lba_last = RANGE_FIRST - 1;
	teardown(state);
	setup(list, 1);
	assert_int_equal(ahci_port_add_range(&ports[2], &by_port, &key), 0);
	disk(2, "tvsata2");
	take_all();
	assert_int_equal(ahci_port_identify(&ctrl, &ports[2]), 0);
	assert_int_equal(ports[2].id_state, AHCI_ID_DONE);
	assert_int_equal(ports[2].nranges, 2);
	by_port.lba_last = RANGE_FIRST;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_identified_at_takeover, teardown),
		cmocka_unit_test_teardown(test_pending_until_guest_identify, teardown),
		cmocka_unit_test_teardown(test_atapi_passes, teardown),
		cmocka_unit_test_teardown(test_identify_error_stays_pending, teardown),
		cmocka_unit_test_teardown(test_two_disks_refused, teardown),
		cmocka_unit_test_teardown(test_overlap_with_port_range, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
