/*
 * The simulated AHCI HBA and minimal guest driver shared by the
 * drivers/ahci unit tests (see ahci_sim.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "ahci_sim.h"

struct sim sim;
u8 *gmem;
u8 *bad_page;
struct ahci_ctrl ctrl;

u32 *preg(u32 port, u32 reg)
{
	return &sim.regs[(AHCI_PORT_BASE + port * AHCI_PORT_SIZE + reg) / 4];
}

static void *sim_guest_map(void *ctx, u64 gpa, u32 len, bool write)
{
	u64 base = (u64)gmem;

	if (gpa < base || gpa + len > base + GMEM_SIZE || gpa + len < gpa)
		return NULL;
	if (gpa < (u64)bad_page + 4096 && gpa + len > (u64)bad_page)
		return NULL;
	return (void *)gpa;
}

static u32 sim_reg_read(void *ctx, u32 off)
{
	return sim.regs[off / 4];
}

void sim_cmd_write(u32 port, u32 val)
{
	u32 *cmd = preg(port, PX_CMD);

	*cmd = val & ~(u32)(PX_CMD_CR | PX_CMD_FR);
	if (val & PX_CMD_ST)
		*cmd |= PX_CMD_CR;
	else
		*preg(port, PX_CI) = *preg(port, PX_SACT) = 0;
	if (val & PX_CMD_FRE)
		*cmd |= PX_CMD_FR;
}

static void sim_reg_write(void *ctx, u32 off, u32 val)
{
	u32 port = (off - AHCI_PORT_BASE) / AHCI_PORT_SIZE;
	u32 reg = (off - AHCI_PORT_BASE) % AHCI_PORT_SIZE;

	if (off == AHCI_GHC && (val & AHCI_GHC_HR)) {
		memset(&sim.regs[AHCI_PORT_BASE / 4], 0,
		       sizeof(sim.regs) - AHCI_PORT_BASE);
		return;
	}
	if (off < AHCI_PORT_BASE) {
		sim.regs[off / 4] = val;
		return;
	}
	if (reg == PX_CMD)
		sim_cmd_write(port, val);
	else if (reg == PX_IS)
		*preg(port, PX_IS) &= ~val;
	else if (reg == PX_CI || reg == PX_SACT)
		sim.regs[off / 4] |= val;
	else
		sim.regs[off / 4] = val;
}

u64 sim_reg64(u32 port, u32 lo)
{
	return *preg(port, lo) | (u64)*preg(port, lo + 4) << 32;
}

/* Moves len bytes between buf and the PRDT's buffers. */
static u32 sim_xfer(const struct ahci_cmd_table *t, u32 nprd, u8 *buf,
		    u32 len, bool to_mem)
{
	u32 i, done = 0;

	for (i = 0; i < nprd && done < len; i++) {
		u8 *p = (u8 *)(t->prdt[i].dba | (u64)t->prdt[i].dbau << 32);
		u32 n = MIN((t->prdt[i].dw3 & AHCI_PRD_DBC) + 1, len - done);

		if (to_mem)
			memcpy(p, buf + done, n);
		else
			memcpy(buf + done, p, n);
		done += n;
	}
	return done;
}

static void sim_error(u32 port)
{
	*preg(port, PX_TFD) = 0x0441;	/* ABRT; DRDY, ERR */
	*preg(port, PX_IS) |= PX_IS_TFES;
}

/* ATA string (ACS-3 §3.4.9): two characters per word, swapped. */
static void ata_put(u8 *id, u32 word, u32 words, const char *s)
{
	u32 i, n = s ? (u32)strlen(s) : 0;

	for (i = 0; i < words * 2; i++)
		id[word * 2 + (i ^ 1)] = (u8)(i < n ? s[i] : ' ');
}

static void sim_identity(u32 port, u8 *id)
{
	ata_put(id, ATA_ID_MODEL, ATA_ID_MODEL_WORDS, SIM_MODEL);
	ata_put(id, ATA_ID_SERIAL, ATA_ID_SERIAL_WORDS,
		port < SIM_PORTS ? sim.serial[port] : NULL);
}

/* Runs slot s of a port; false: it failed (left set, TFES). */
static bool sim_exec(u32 port, u32 s)
{
	struct ahci_cmd_hdr *h = (struct ahci_cmd_hdr *)sim_reg64(port, PX_CLB) + s;
	struct ahci_cmd_table *t = (void *)(h->ctba | (u64)h->ctbau << 32);
	u8 *fis = (u8 *)sim_reg64(port, PX_FB), *f = t->cfis;
	u32 nprd = h->flags >> 16, n = 0;
	struct ahci_io io;
	u8 id[512] = { 0x40 };

	sim_identity(port, id);
	id[ATA_ID_DSM * 2] = 1;			/* TRIM */
	id[ATA_ID_SCT * 2] = 0x21;		/* SCT, with other bits */
	id[ATA_ID_INTEGRITY * 2] = ATA_ID_SIGNATURE;
	for (u32 i = 0; i < 511; i++)
		id[511] = (u8)(id[511] - id[i]);

	if (ahci_classify(f, &io) == AHCI_CLASS_RW) {
		if (io.lba + io.nsect > MEDIA_SECTORS)
			return sim_error(port), false;
		n = sim_xfer(t, nprd, sim.media + io.lba * 512, io.nsect * 512,
			     !io.write);
	} else if (f[FIS_CMD] == ATA_IDENTIFY && !sim.atapi[port]) {
		n = sim_xfer(t, nprd, id, 512, true);
	} else if (f[FIS_CMD] != ATA_FLUSH_CACHE_EXT) {
		sim_error(port);
		if (sim.ntrace < 64)
			sim.trace[sim.ntrace++] = (struct sim_trace){ .port = (u8)port, .cmd = f[FIS_CMD] };
		return false;
	}
	if (sim.ntrace < 64)
		sim.trace[sim.ntrace++] = (struct sim_trace){ (u8)port, f[FIS_CMD],
			io.lba, io.nsect, t->prdt[0].dba | (u64)t->prdt[0].dbau << 32 };
	h->prdbc = n;
	fis[io.ncq ? 0x58 : 0x40] = io.ncq ? 0xa1 : 0x34;
	*preg(port, PX_IS) |= io.ncq ? BIT(3) : BIT(0);
	*preg(port, PX_TFD) = 0x40;
	return true;
}

void sim_run(void)
{
	u32 port, s;

	for (port = 0; port < SIM_PORTS; port++) {
		for (s = 0; s < 32; s++) {
			if (!(*preg(port, PX_CI) & BIT(s)) ||
			    !(*preg(port, PX_CMD) & PX_CMD_ST) ||
			    (*preg(port, PX_IS) & PX_IS_TFES))
				continue;
			if (sim_exec(port, s)) {
				*preg(port, PX_CI) &= ~(u32)BIT(s);
				*preg(port, PX_SACT) &= ~(u32)BIT(s);
			}
		}
	}
}

static bool sim_wait(void *ctx, u64 *budget)
{
	if (!sim.hold)
		sim_run();
	return ++*budget < 50;
}

static void nop(void *ctx)
{
}

char logbuf[8192];
static void sim_log(void *ctx, const char *msg)
{
	strncat(logbuf, msg, sizeof(logbuf) - strlen(logbuf) - 1);
}

const struct ahci_env env = {
	.guest_map = sim_guest_map, .reg_read = sim_reg_read,
	.reg_write = sim_reg_write, .crypt_begin = nop, .crypt_end = nop,
	.wait = sim_wait, .log = sim_log,
};

u8 *gpage(u32 n)
{
	return gmem + (u64)n * 4096;
}

u64 gaddr(u32 n)
{
	return (u64)gpage(n);
}

u32 greg(u32 p, u32 reg)
{
	return ahci_reg_read(&ctrl, AHCI_PORT_BASE + p * AHCI_PORT_SIZE + reg);
}

void gwrite(u32 p, u32 reg, u32 val)
{
	ahci_reg_write(&ctrl, AHCI_PORT_BASE + p * AHCI_PORT_SIZE + reg, val);
}

/* The guest driver's port start: its own command list and FIS area. */
void g_start(u32 p)
{
	gwrite(p, PX_CMD, 0);
	gwrite(p, PX_CLB, (u32)gaddr(G_CLB));
	gwrite(p, PX_CLBU, (u32)(gaddr(G_CLB) >> 32));
	gwrite(p, PX_FB, (u32)gaddr(G_CLB) + 0x400);
	gwrite(p, PX_FBU, (u32)(gaddr(G_CLB) >> 32));
	gwrite(p, PX_CMD, PX_CMD_FRE);
	gwrite(p, PX_CMD, PX_CMD_FRE | PX_CMD_ST);
}

/* Builds slot s in the command list at clb: FIS for cmd, PRDT prds. */
struct ahci_cmd_hdr *g_build(u64 clb, u32 s, u8 cmd, u64 lba, u32 n,
				    const struct g_prd *prds, u32 nprd)
{
	struct ahci_cmd_hdr *h = (struct ahci_cmd_hdr *)clb + s;
	struct ahci_cmd_table *t = (void *)gpage(G_TABLES + s);
	bool ncq = cmd == ATA_READ_FPDMA || cmd == ATA_WRITE_FPDMA;
	bool w = cmd == ATA_WRITE_DMA_EXT || cmd == ATA_WRITE_FPDMA ||
		 cmd == ATA_WRITE_DMA || cmd == 0x30 || cmd == 0x06 ||
		 cmd == ATA_WRITE_LOG_EXT;
	u32 i;

	memset(t, 0, 4096);
	t->cfis[0] = FIS_TYPE_H2D;
	t->cfis[1] = FIS_H2D_C;
	t->cfis[FIS_CMD] = cmd;
	t->cfis[FIS_DEVICE] = FIS_DEVICE_LBA;
	ahci_set_lba_count(t->cfis, ncq, cmd != ATA_READ_DMA && cmd != ATA_WRITE_DMA,
			   lba, n);
	if (ncq)
		t->cfis[FIS_COUNT_LO] = (u8)(s << 3);
	for (i = 0; i < nprd; i++)
		t->prdt[i] = (struct ahci_prd){ .dba = (u32)prds[i].addr,
			.dbau = (u32)(prds[i].addr >> 32),
			.dw3 = prds[i].bytes - 1 };
	*h = (struct ahci_cmd_hdr){ .flags = FIS_H2D_DWORDS |
		(w ? (u32)AHCI_HDR_WRITE : 0) | nprd << 16,
		.ctba = (u32)(u64)t, .ctbau = (u32)((u64)t >> 32) };
	return h;
}

/* Issues slot s on port p; returns the guest's PxCI afterwards. */
u32 g_issue(u32 p, u32 s, u8 cmd, u64 lba, u32 n,
		   const struct g_prd *prds, u32 nprd)
{
	g_build(gaddr(G_CLB), s, cmd, lba, n, prds, nprd);
	if (cmd == ATA_READ_FPDMA || cmd == ATA_WRITE_FPDMA)
		gwrite(p, PX_SACT, (u32)BIT(s));
	gwrite(p, PX_CI, (u32)BIT(s));
	return greg(p, PX_CI);
}

void fill(u8 *p, u32 len, u8 seed)
{
	u32 i;

	for (i = 0; i < len; i++)
		p[i] = (u8)(seed + i * 7 + i / 512);
}
