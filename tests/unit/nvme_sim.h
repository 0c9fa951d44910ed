/*
 * A simulated NVMe controller for the unit tests of drivers/nvme
 * (test_nvme_shadow.c, test_nvme_irq.c): registers and doorbells in
 * memory, a RAM disk, a trace of what it executed and of the interrupts
 * the engine asked for.  It fetches from whatever queues its registers
 * name (our shadows), moves data by PRPs and answers Identify with model
 * "SIM NVMe".  The shared fixture sets up the engine under test (ctrl)
 * with one slot= range (nsid 1, lba RANGE_FIRST-*), and a minimal "guest"
 * driver programs it through nvme_reg_read/write, as through the trapped
 * BAR, with its admin queues and one I/O queue pair in guest memory.
 */
#ifndef TESTS_UNIT_NVME_SIM_H
#define TESTS_UNIT_NVME_SIM_H

#include <tv/env.h>
#include "sim_util.h"
#include "../../drivers/nvme/nvme_shadow.h"

#define GMEM_SIZE	(4u << 20)	/* guest memory */
#define MEDIA_SECTORS	8192
#define RANGE_FIRST	2048

struct sim_trace {
	u16 sqid;
	u8 opcode;
	u32 nsid;
	u64 prp1;
	u16 status;
};

/* env->signal: the vector asked for, whether its entry was posted then. */
struct sim_sig {
	u16 vector;
	bool posted;
};

struct sim {
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
	struct sim_sig sig[64];
	u32 nsig;
	int sig_ret;		/* what env->signal returns */
	bool intx;		/* what env->intx returns */
	u32 intms;		/* INTMS as the hardware has it */
};

extern struct sim sim;
extern u8 *gmem;		/* the guest's memory */
extern u8 *bad_page;		/* a guest page the guest may not touch */
extern char logbuf[8192];
extern const struct nvme_env env;

/* The engine under test, its memory, key and range. */
extern struct nvme_ctrl ctrl;
extern struct nvme_ctrl_mem mem;
extern struct xts_ctx key;
extern struct storage_range range;

/* Guest layout, in pages of gmem. */
#define G_ASQ		0
#define G_ACQ		1
#define G_SQ		2
#define G_CQ		3
#define G_ID		4
#define G_LIST		5
#define G_DATA		16
#define G_SQ_SIZE	64

/* The guest driver's queues: 0 admin, 1 the I/O pair. */
struct guest {
	u16 tail[2], head[2], size[2];
	u8 phase[2];
	u16 cid;
};

extern struct guest g;

u8 *gpage(u32 n);
u64 gaddr(u32 n);
void fill(u8 *p, size_t n, u8 seed);

/* A fresh simulation and engine with a pool of pool_pages. */
void setup_ctrl(u16 pool_pages);
int teardown(void **state);

/* Submits on queue q (0 admin, 1 I/O) and returns the guest's CQE. */
struct nvme_cqe g_submit(u16 q, struct nvme_sqe cmd);
u16 st(struct nvme_cqe e);
struct nvme_sqe rw(u8 op, u32 nsid, u64 lba, u32 n, u64 prp1, u64 prp2);
void g_enable(void);
void g_identify(u32 nsid, u8 cns);
/* Creates I/O queue pair 1: CQ with IEN, vector 1. */
void g_create_io(void);
/* setup_ctrl(64), enabled, both Identifies, I/O queues created. */
void g_bringup(void);
/* The media holds plaintext `want` at lba (n sectors), encrypted in range. */
void check_media(u64 lba, const u8 *want, u32 n);

#endif
