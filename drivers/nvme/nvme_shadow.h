/*
 * The NVMe shadowing state machine of nvme_crypt (drivers/nvme).
 *
 * The guest keeps programming the controller itself, but every submission
 * queue the controller fetches from, and every completion queue it writes
 * to, is a shadow in hypervisor memory:
 *
 *   guest SQ (guest memory) --copy, check, rewrite--> shadow SQ --> controller
 *   guest CQ (guest memory) <--copy, fix up-- shadow CQ <-- controller
 *
 * Indices are the same in both copies (entry i of the guest's SQ is entry
 * i of the shadow), so the controller's SQ head pointer in a completion
 * means the same to the guest.  Command identifiers are replaced by a tag
 * (index into the SQ's tag table) that remembers the guest's identifier
 * and what to do on completion.  Reads and writes of configured LBA ranges
 * go through bounce pages: written data is copied from the guest's PRP
 * pages and encrypted before the controller sees the command; read data is
 * decrypted and copied to the guest's pages before the completion is
 * posted to the guest's CQ.  Everything else passes through unchanged.
 *
 * Completions are moved to the guest when the guest touches a doorbell:
 * after forwarding new submissions the code waits (bounded) until the
 * controller has completed them, so by the time the guest's doorbell write
 * returns its completions are in its CQ (docs/storage.md).
 *
 * Interrupts: the controller must not interrupt the guest before its CQ
 * holds the entry (another CPU's interrupt handler would find the queue
 * empty).  So the hardware I/O CQs are created with interrupts off (Create
 * I/O CQ CDW11.IEN = 0, 1.4 §5.3) and, once a batch of completions is in
 * a guest CQ whose IEN the guest set (the admin CQ always: vector 0, 1.4
 * §3.1.10), env->signal sends the guest's vector once.  A vector that is
 * masked stays owed (cq->irq_owed) and is sent again on the next pump.
 * With neither MSI-X nor MSI on (env->intx), the hardware CQs keep the
 * guest's IEN; for them (and the admin CQ) the controller's CQ head
 * follows the guest's, so its INTx stays asserted until the guest has
 * consumed the entries (1.4 §7.5.1), as it would without us.  So that it
 * does not assert before we posted (an interrupt storm on the other CPUs
 * while we decrypt), the pin is masked (INTMS bit 0, 1.4 §3.1.3) except
 * while the guest has entries it has not consumed.  INTMS/INTMC are
 * virtual: the guest's mask is c->intms, the hardware gets it plus ours.
 *
 * This file set is hardware-free: memory, registers, crypto bracketing and
 * waiting come from struct nvme_env, so the unit tests run it against a
 * simulated controller.  The caller serialises all calls per controller.
 */
#ifndef DRIVERS_NVME_SHADOW_H
#define DRIVERS_NVME_SHADOW_H

#include <tv/types.h>
#include <tv/crypto.h>
#include <tv/storage.h>
#include "nvme_hw.h"

#define NVME_QUEUES_MAX		17	/* admin + 16 I/O queue pairs */
#define NVME_QUEUE_ENTRIES	256	/* CAP.MQES as the guest sees it + 1 */
#define NVME_NS_MAX		8	/* configured namespaces per controller */
#define NVME_XFER_MAX_PAGES	256	/* 1 MiB per command (MDTS 8) */
#define NVME_MDTS		8
#define NVME_SECTOR		512
#define NVME_POOL_NONE		0xffff

struct nvme_env {
	void *ctx;
	/* [gpa, gpa + len) if the guest may access it (write: device or
	 * hypervisor writes it), as a pointer; else NULL. */
	void *(*guest_map)(void *ctx, u64 gpa, u32 len, bool write);
	u64 (*reg_read)(void *ctx, u32 off, unsigned int size);
	void (*reg_write)(void *ctx, u32 off, unsigned int size, u64 val);
	/* Around XTS calls (save/restore the guest's XMM state). */
	void (*crypt_begin)(void *ctx);
	void (*crypt_end)(void *ctx);
	/* One step of waiting for the controller; false once out of time.
	 * *budget starts at 0 for each wait. */
	bool (*wait)(void *ctx, u64 *budget);
	void (*log)(void *ctx, const char *msg);
	/* Sends the guest's interrupt `vector` (MSI-X table entry or MSI of
	 * the function): 0 sent or nothing to send, -EAGAIN masked (asked
	 * again later), other -errno dropped. */
	int (*signal)(void *ctx, u16 vector);
	/* True while the function interrupts by pin (no MSI-X, no MSI). */
	bool (*intx)(void *ctx);
	/*
	 * An Identify Controller completed (before the guest sees it): the
	 * serial and model strings, space padded.  Returns true when the
	 * controller's ranges are complete (ranges chosen by model=/serial=
	 * are added here with nvme_ctrl_add_range); false keeps I/O refused.
	 * May be NULL.
	 */
	bool (*identified)(void *ctx, const char *sn, const char *mn);
};

/* Bounce pages: a fixed pool with a free stack (drivers/nvme/nvme_pool.c). */
struct nvme_pool {
	u8 *va;
	u64 pa;
	u16 count;
	u16 nfree;
	u16 *free;		/* stack of free page indices */
};

enum nvme_tag_kind {
	NVME_TAG_FREE,
	NVME_TAG_PASS,		/* forwarded unchanged (but the CID) */
	NVME_TAG_FAIL,		/* replaced by a harmless failing command */
	NVME_TAG_WRITE,		/* bounce, encrypted */
	NVME_TAG_READ,		/* bounce, decrypted on completion */
	NVME_TAG_IDENTIFY,	/* bounce, parsed/patched on completion */
	NVME_TAG_CREATE_CQ,
	NVME_TAG_CREATE_SQ,
	NVME_TAG_DELETE_CQ,
	NVME_TAG_DELETE_SQ,
	NVME_TAG_NUM_QUEUES,
};

struct nvme_tag {
	u8 kind;		/* enum nvme_tag_kind */
	u8 opcode;
	bool nowait;		/* may stay outstanding (Async Event Request) */
	u8 cns;			/* identify */
	u16 guest_cid;
	u16 status;		/* NVME_TAG_FAIL: what the guest gets */
	u32 nsid;
	u64 slba;
	u32 nsect;		/* sectors (read/write), bytes / 512 */
	u32 len;		/* bytes transferred */
	u16 npages;		/* bounce data pages */
	u16 page0, page1;	/* pool indices of bounce pages 0 and 1 */
	u16 list;		/* pool index of our PRP list page, or NONE */
	u16 glist;		/* pool index of the guest page list, or NONE */
	u16 nguest;		/* entries in the guest page list */
	u16 qid;		/* create/delete: the queue */
	u16 qsize;		/* create: entries */
	u16 cqid;		/* create SQ: its CQ */
	u16 iv;			/* create CQ: the guest's interrupt vector */
	bool ien;		/* create CQ: the guest enabled interrupts */
	bool hw_ien;		/* create CQ: ... and so did the hardware's */
	u64 qbase;		/* create: the guest's queue address */
};

struct nvme_sq {
	bool live;
	u16 size;		/* entries */
	u16 cqid;
	u16 guest_tail;		/* last tail the guest wrote */
	u16 next;		/* next guest entry to process = our tail */
	u16 inflight;		/* tags in use */
	u64 guest_base;
	struct nvme_sqe *shadow;
	u64 shadow_pa;
	struct nvme_tag *tags;	/* NVME_QUEUE_ENTRIES */
};

struct nvme_cq {
	bool live;
	u8 phase;		/* phase we expect next in the shadow */
	u8 guest_phase;		/* phase we write next in the guest's CQ */
	u16 size;
	u16 head;		/* shadow consumer index */
	u16 guest_tail;		/* guest CQ producer index */
	u16 guest_head;		/* last head the guest wrote */
	u16 hw_head;		/* CQ head doorbell value last written */
	u16 iv;			/* the guest's interrupt vector */
	bool ien;		/* the guest wants interrupts (CDW11.IEN) */
	bool hw_ien;		/* the controller's CQ interrupts itself */
	bool irq_owed;		/* posted, interrupt not sent yet */
	u64 guest_base;
	struct nvme_cqe *shadow;
	u64 shadow_pa;
};

struct nvme_ns {
	u32 nsid;
	u32 nranges;
	const struct storage_range *ranges[STORAGE_RANGES_MAX];
	const struct xts_ctx *keys[STORAGE_RANGES_MAX];
	u32 lba_size;		/* 0: not known (no Identify since reset) */
	bool fmt_ok;		/* 512-byte data, no metadata */
};

struct nvme_stats {
	u64 enc_sectors, dec_sectors;
	u64 passed, failed, crypt_cmds;
};

struct nvme_ctrl {
	const struct nvme_env *env;
	u32 dstrd;		/* doorbell stride in bytes */
	u32 cc;			/* last CC the guest wrote */
	u32 aqa;		/* the guest's AQA/ASQ/ACQ (hardware has ours) */
	u64 asq, acq;
	u32 intms;		/* the guest's INTMS (virtual) */
	u32 hw_intms;		/* the hardware's: the guest's + our pin mask */
	bool hw_intms_stale;	/* reset since: hw_intms not known */
	bool enabled;		/* CC.EN as forwarded */
	/*
	 * Ranges may still be chosen by model=/serial=: until an Identify
	 * Controller has told which, every I/O command fails (a namespace
	 * whose range is not known yet must not get plaintext).
	 */
	bool id_pending;
	struct nvme_sq sq[NVME_QUEUES_MAX];
	struct nvme_cq cq[NVME_QUEUES_MAX];
	struct nvme_ns ns[NVME_NS_MAX];
	u32 nns;
	struct nvme_pool pool;
	struct nvme_stats stats;
	u32 warned;		/* rate limit for guest-caused messages */
	char name[24];		/* for messages: "nvme_crypt 00:04.0" */
};

/* Memory the caller provides once (pages, 4 KiB aligned, zeroed). */
struct nvme_ctrl_mem {
	struct nvme_sqe *sq[NVME_QUEUES_MAX];	/* NVME_QUEUE_ENTRIES each */
	u64 sq_pa[NVME_QUEUES_MAX];
	struct nvme_cqe *cq[NVME_QUEUES_MAX];	/* NVME_QUEUE_ENTRIES each */
	u64 cq_pa[NVME_QUEUES_MAX];
	struct nvme_tag *tags[NVME_QUEUES_MAX];	/* NVME_QUEUE_ENTRIES each */
	u8 *pool_va;
	u64 pool_pa;
	u16 pool_pages;
	u16 *pool_free;				/* pool_pages entries */
};

/* ---- nvme_pool.c ---- */
void nvme_pool_init(struct nvme_pool *p, u8 *va, u64 pa, u16 count, u16 *free);
/* n pages, all or nothing, into idx[]; -ENOMEM. */
int nvme_pool_get(struct nvme_pool *p, u16 n, u16 *idx);
void nvme_pool_put(struct nvme_pool *p, u16 idx);
void *nvme_pool_va(const struct nvme_pool *p, u16 idx);
u64 nvme_pool_pa(const struct nvme_pool *p, u16 idx);
/* Index of the pool page at pa, or NVME_POOL_NONE. */
u16 nvme_pool_index(const struct nvme_pool *p, u64 pa);

/* ---- nvme_prp.c ---- */
/*
 * Validates the PRP entries of a transfer of len bytes (1.4 §4.3) and
 * writes the guest address of each piece into out[] (out[0] = prp1 with
 * its offset, the others page aligned).  Every piece must be accessible to
 * the guest in the direction given.  Returns the count, or a negative
 * errno with *status set to the NVMe status to fail the command with.
 */
int nvme_prp_collect(const struct nvme_env *env, u64 prp1, u64 prp2, u32 len,
		     bool write, u64 *out, u32 max, u16 *status);
/* Copies between guest pieces (from nvme_prp_collect) and bounce pages. */
int nvme_copy_guest(struct nvme_ctrl *c, const struct nvme_tag *t,
		    bool to_guest);
void *nvme_tag_page(struct nvme_ctrl *c, const struct nvme_tag *t, u16 i);
/* Bounce pages and lists for a transfer of t->len bytes; -ENOMEM. */
int nvme_bounce_alloc(struct nvme_ctrl *c, struct nvme_tag *t,
		      struct nvme_sqe *cmd);
void nvme_bounce_free(struct nvme_ctrl *c, struct nvme_tag *t);
/*
 * Bounce for cmd (t->len bytes): captures the guest's PRPs (dev_writes:
 * the device writes guest memory) and points cmd at the bounce pages.
 * 0, -EAGAIN (pool empty) or an NVMe status.
 */
int nvme_bounce_setup(struct nvme_ctrl *c, struct nvme_sqe *cmd,
		      struct nvme_tag *t, bool dev_writes);

/* ---- nvme_io.c ---- */
/* 0, -EAGAIN (out of bounce pages: try later) or an NVMe status > 0. */
int nvme_io_prepare(struct nvme_ctrl *c, struct nvme_sqe *cmd,
		    struct nvme_tag *t);
void nvme_io_complete(struct nvme_ctrl *c, struct nvme_tag *t,
		      struct nvme_cqe *cqe);
struct nvme_ns *nvme_ns_find(struct nvme_ctrl *c, u32 nsid);

/* ---- nvme_admin.c ---- */
int nvme_admin_prepare(struct nvme_ctrl *c, struct nvme_sqe *cmd,
		       struct nvme_tag *t);
void nvme_admin_complete(struct nvme_ctrl *c, struct nvme_tag *t,
			 struct nvme_cqe *cqe);

/* ---- nvme_queue.c ---- */
void nvme_ctrl_init(struct nvme_ctrl *c, const struct nvme_env *env,
		    const struct nvme_ctrl_mem *mem, u64 cap, const char *name);
/* Adds a configured range (its namespace entry is created as needed). */
int nvme_ctrl_add_range(struct nvme_ctrl *c, const struct storage_range *r,
			const struct xts_ctx *key);
/* Drops all queue state (controller reset). */
void nvme_ctrl_reset(struct nvme_ctrl *c);
/* A guest queue at base, len bytes: page aligned and every page
 * accessible to the guest in that direction (admin and I/O queues). */
bool nvme_guest_queue_ok(struct nvme_ctrl *c, u64 base, u32 len, bool write);
/* Frees every tag of a queue (deleted, or the controller was reset). */
void nvme_sq_drop(struct nvme_ctrl *c, struct nvme_sq *sq);
/* Forwards new submissions and delivers completions until idle. */
void nvme_pump(struct nvme_ctrl *c);
/* Sends the interrupts still owed (a vector was masked before). */
void nvme_signal_owed(struct nvme_ctrl *c);
/* With INTx: writes INTMS/INTMC so the hardware has the guest's mask,
 * plus the pin while the guest has nothing to consume. */
void nvme_pin_update(struct nvme_ctrl *c);
void nvme_warn(struct nvme_ctrl *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void nvme_info(struct nvme_ctrl *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- nvme_regs.c: guest accesses to BAR0's trapped pages ---- */
u64 nvme_reg_read(struct nvme_ctrl *c, u32 off, unsigned int size);
void nvme_reg_write(struct nvme_ctrl *c, u32 off, unsigned int size, u64 val);
/* Bytes of BAR0 to trap: registers and the doorbells we shadow. */
u32 nvme_trap_size(u64 cap);

#endif
