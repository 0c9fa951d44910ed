/*
 * A simulated AHCI HBA for the unit tests of drivers/ahci (test_ahci_shadow.c,
 * test_ahci_ident.c): registers in memory, a RAM disk, received FISes, a
 * trace of what ran.  It executes whatever command list a port's PxCLB
 * names (the engine's shadows on a shadowed port, the guest's own
 * elsewhere).  IDENTIFY DEVICE answers with model "SIM SATA DISK" and the
 * port's serial (sim.serial[port]); a port marked ATAPI aborts it.  A
 * minimal "guest" driver programs the HBA through ahci_reg_read/write, as
 * through the trapped ABAR.
 */
#ifndef TESTS_UNIT_AHCI_SIM_H
#define TESTS_UNIT_AHCI_SIM_H

#include <tv/env.h>
#include "sim_util.h"
#include "../../drivers/ahci/ahci_shadow.h"

#define GMEM_SIZE	(8u << 20)
#define MEDIA_SECTORS	16384
#define SIM_PORTS	4	/* ports the simulation runs */
#define SIM_MODEL	"SIM SATA DISK"

struct sim_trace {
	u8 port, cmd;
	u64 lba;
	u32 count;
	u64 prd0;
};

struct sim {
	u32 regs[AHCI_ABAR_SIZE / 4];
	u8 *media;
	bool hold;		/* wait() does not run commands */
	struct sim_trace trace[64];
	u32 ntrace;
	const char *serial[SIM_PORTS];	/* IDENTIFY serial; NULL: "" */
	bool atapi[SIM_PORTS];		/* IDENTIFY DEVICE aborted */
};

extern struct sim sim;
extern u8 *gmem;
extern u8 *bad_page;		/* guest memory the guest may not use */
extern struct ahci_ctrl ctrl;
extern char logbuf[8192];
extern const struct ahci_env env;

u32 *preg(u32 port, u32 reg);
u64 sim_reg64(u32 port, u32 lo);
void sim_cmd_write(u32 port, u32 val);
void sim_run(void);

/* Guest layout, in 4 KiB pages of gmem. */
#define G_CLB		0	/* command list; FIS area at +0x400 */
#define G_FW_CLB	1	/* the firmware's command list */
#define G_TABLES	2	/* 32 tables of 0x1000 */
#define G_DATA		64	/* data buffers */
#define G_BAD		1000

struct g_prd {
	u64 addr;
	u32 bytes;	/* 0: none */
};

u8 *gpage(u32 n);
u64 gaddr(u32 n);
u32 greg(u32 p, u32 reg);
void gwrite(u32 p, u32 reg, u32 val);
/* The guest driver's port start: its own command list and FIS area. */
void g_start(u32 p);
/* Builds slot s in the command list at clb: FIS for cmd, PRDT prds. */
struct ahci_cmd_hdr *g_build(u64 clb, u32 s, u8 cmd, u64 lba, u32 n,
			     const struct g_prd *prds, u32 nprd);
/* Issues slot s on port p; returns the guest's PxCI afterwards. */
u32 g_issue(u32 p, u32 s, u8 cmd, u64 lba, u32 n, const struct g_prd *prds,
	    u32 nprd);
void fill(u8 *p, u32 len, u8 seed);

#endif
