/*
 * The AHCI shadowing state machine of ahci_crypt (drivers/ahci).
 *
 * The guest keeps programming the HBA itself, but on a port with
 * storage.encrypt ranges (or that may hold a disk named by model=/serial=,
 * ahci_ident.c) the command list and received-FIS area the
 * hardware uses are shadows in hypervisor memory:
 *
 *   guest PxCLB (virtual) --copy header+FIS+PRDT once, check--> shadow
 *   command list and tables --> HBA --> bounce buffer (XTS) / guest pages
 *   guest PxFB (virtual) <--copy-- shadow received-FIS area <-- HBA
 *
 * PxCLB/PxFB as the guest sees them are kept here; the hardware has ours.
 * PxCI and PxSACT as the guest sees them are virtual too: a slot stays set
 * until the hypervisor has finished it (read data decrypted and copied to
 * the guest's buffers, PRDBC and the received FISes copied back).  Slots
 * run on the hardware one at a time, in the slot they were issued in; a
 * write of PxCI runs them and waits (bounded) until they are done, so
 * normally the guest's PxCI write returns with its commands complete.
 * Whatever is still running then is finished on the guest's next access
 * to the port's registers (every read of PxIS/PxCI/PxSACT checks the
 * hardware first), so the guest can never see a completion before the
 * decrypted data is in its memory.
 *
 * Bounced commands (DMA and NCQ reads/writes touching a range) run in
 * chunks of at most AHCI_BOUNCE_SECTORS through one contiguous bounce
 * buffer: write chunks are copied from the guest's PRDT buffers and
 * encrypted before they are issued, read chunks are decrypted and copied
 * out when they complete.  Commands that must fail are replaced by one the
 * device itself aborts (SET FEATURES, reserved subcommand 00h), so the
 * guest sees a real task-file error and its own error handling runs.
 *
 * Hardware-free: registers, memory, crypto bracketing and waiting come
 * from struct ahci_env, so the unit tests run it against a simulated HBA.
 * The caller serialises all calls per controller.
 */
#ifndef DRIVERS_AHCI_SHADOW_H
#define DRIVERS_AHCI_SHADOW_H

#include <tv/types.h>
#include <tv/crypto.h>
#include <tv/storage.h>
#include "ahci_hw.h"

#define AHCI_PRDT_MAX		248	/* shadow table: 0x80 + 248 * 16 = 4 KiB */
#define AHCI_TABLE_SIZE		4096
#define AHCI_BOUNCE_SIZE	(1u << 20)
#define AHCI_BOUNCE_SECTORS	(AHCI_BOUNCE_SIZE / ATA_SECTOR)
#define AHCI_RANGES_MAX		STORAGE_RANGES_MAX

struct ahci_env {
	void *ctx;
	/* [gpa, gpa + len) if the guest may access it (write: the device
	 * or the hypervisor writes it), as a pointer; else NULL. */
	void *(*guest_map)(void *ctx, u64 gpa, u32 len, bool write);
	u32 (*reg_read)(void *ctx, u32 off);		/* ABAR offset */
	void (*reg_write)(void *ctx, u32 off, u32 val);
	void (*crypt_begin)(void *ctx);
	void (*crypt_end)(void *ctx);
	/* One step of waiting for the HBA; false once out of time.
	 * *budget starts at 0 for each wait. */
	bool (*wait)(void *ctx, u64 *budget);
	void (*log)(void *ctx, const char *msg);
};

enum ahci_slot_kind {
	AHCI_SLOT_PASS,		/* the guest's command and buffers, copied table */
	AHCI_SLOT_READ,		/* bounced, decrypted on completion */
	AHCI_SLOT_WRITE,	/* bounced, encrypted before issue */
	AHCI_SLOT_FAIL,		/* replaced by a command the device aborts */
};

struct ahci_slot {
	u8 kind;		/* enum ahci_slot_kind */
	bool ncq;		/* set PxSACT with PxCI */
	bool lba48;
	u8 opcode;
	u32 flags;		/* the guest's header DW0 */
	u64 lba;		/* bounced: first sector of the running chunk */
	u32 chunk;		/* bounced: sectors in the running chunk */
	u32 left;		/* bounced: sectors after the running chunk */
	u32 done;		/* bounced: bytes finished before this chunk */
	u32 nprd;		/* saved guest PRDT entries */
};

/* Memory the caller provides once per shadowed port (zeroed). */
struct ahci_port_mem {
	void *clb;		/* 1 KiB: 32 command headers */
	u64 clb_pa;
	void *rfis;		/* 256 B: received FIS area */
	u64 rfis_pa;
	void *tables;		/* 32 x AHCI_TABLE_SIZE */
	u64 tables_pa;
	void *gprd;		/* 32 x AHCI_TABLE_SIZE: saved guest PRDTs */
	u8 *bounce;		/* AHCI_BOUNCE_SIZE, contiguous */
	u64 bounce_pa;
};

struct ahci_stats {
	u64 enc_sectors, dec_sectors, passed, failed, bounced;
};

/*
 * Whether a port's ranges are known.  A port of an HBA that may hold a
 * disk named by model=/serial= is shadowed before its disk is known; data
 * commands are refused until its IDENTIFY DEVICE data was seen (ours at
 * take-over, or the guest's).
 */
enum ahci_id_state {
	AHCI_ID_NONE,		/* slot=/port= ranges only: nothing to learn */
	AHCI_ID_PENDING,	/* disk not identified yet: data refused */
	AHCI_ID_DONE,		/* identified, its ranges final */
	AHCI_ID_REFUSED,	/* ranges ambiguous or overlapping: data refused */
};

struct ahci_port;

/* The storage.encrypt lines naming ATA disks by model=/serial=, shared by
 * every HBA (a range matching two disks refuses both). */
struct ahci_named {
	u32 count;
	const struct storage_range *range[AHCI_RANGES_MAX];
	const struct xts_ctx *key[AHCI_RANGES_MAX];
	struct ahci_port *owner[AHCI_RANGES_MAX];	/* first disk matched */
};

struct ahci_port {
	u32 num;
	const char *hba;	/* the HBA's name, for messages */
	u8 id_state;		/* enum ahci_id_state */
	struct ahci_port_mem mem;
	u32 nranges;
	const struct storage_range *ranges[AHCI_RANGES_MAX];
	const struct xts_ctx *keys[AHCI_RANGES_MAX];
	u64 guest_clb, guest_fb;	/* as the guest wrote them */
	u32 ci;			/* PxCI as the guest sees it */
	u32 sact;		/* PxSACT as the guest sees it */
	u32 queued;		/* accepted, not yet on the hardware */
	s32 running;		/* slot on the hardware, or -1 */
	bool used;		/* a command was taken since the take-over */
	struct ahci_slot slot[AHCI_SLOTS];
	struct ahci_stats stats;
};

struct ahci_ctrl {
	const struct ahci_env *env;
	struct ahci_port *port[AHCI_PORTS];	/* NULL: passed through */
	struct ahci_named *named;	/* NULL: no disk named by model/serial */
	u32 warned;		/* rate limit for guest-caused messages */
	char name[24];		/* "ahci_crypt 00:1f.2" */
};

/* ---- ahci_port.c: set-up and register accesses ---- */
void ahci_ctrl_init(struct ahci_ctrl *c, const struct ahci_env *env,
		    const char *name);
/* Shadows port p->num (p zeroed by the caller, mem filled in). */
void ahci_port_attach(struct ahci_ctrl *c, struct ahci_port *p);
int ahci_port_add_range(struct ahci_port *p, const struct storage_range *r,
			const struct xts_ctx *key);
/*
 * Takes the port over from whoever runs it (the firmware): stops it if
 * running (AHCI §10.1.2), keeps its PxCLB/PxFB as the guest's, puts the
 * shadows in, restarts what was running.  0 or -ETIMEDOUT.
 */
int ahci_port_takeover(struct ahci_ctrl *c, struct ahci_port *p);
/* Guest accesses to the ABAR, 4-byte aligned dwords (off < AHCI_ABAR_SIZE). */
u32 ahci_reg_read(struct ahci_ctrl *c, u32 off);
void ahci_reg_write(struct ahci_ctrl *c, u32 off, u32 val);
/* A message with the HBA's name in front; ahci_warn is rate-limited. */
void ahci_log(struct ahci_ctrl *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ahci_warn(struct ahci_ctrl *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- ahci_ident.c: disks named by model=/serial= ---- */
/*
 * On a pending port right after the take-over: IDENTIFY DEVICE (ECh)
 * issued by the hypervisor through shadow slot 0 into the bounce buffer,
 * polled (bounded wait), the port's PxCMD, PxIS and received-FIS area put
 * back as they were; then ahci_port_identified.  0, or -ENODEV (no ATA
 * disk: none present, ATAPI, busy), -ETIMEDOUT, -EIO: the port stays
 * pending until the guest's own IDENTIFY DEVICE completes.
 */
int ahci_port_identify(struct ahci_ctrl *c, struct ahci_port *p);
/*
 * IDENTIFY DEVICE data (512 bytes) seen on pending port p: the ranges
 * whose model=/serial= match join the port's, which is then done; a
 * range also matching another disk, or overlapping another range of this
 * disk, refuses the port's data commands instead.  Logged either way.
 */
void ahci_port_identified(struct ahci_ctrl *c, struct ahci_port *p,
			  const u8 *id);
/* May the port's data commands run (its ranges are known and sound)? */
static inline bool ahci_port_known(const struct ahci_port *p)
{
	return p->id_state == AHCI_ID_NONE || p->id_state == AHCI_ID_DONE;
}

/* ---- ahci_cmd.c: the command engine ---- */
/* Finishes what the hardware completed, starts what is queued; no wait. */
void ahci_poll(struct ahci_ctrl *c, struct ahci_port *p);
/* ahci_poll until nothing is queued or running (bounded wait). */
void ahci_pump(struct ahci_ctrl *c, struct ahci_port *p);
/* Forgets every slot (port stopped or HBA reset). */
void ahci_port_drop(struct ahci_port *p);
/* Copies the shadow received-FIS area to the guest's (if FRE is on). */
void ahci_copy_rfis(struct ahci_ctrl *c, struct ahci_port *p);

/* ---- ahci_ata.c: which commands do what ---- */
struct ahci_io {
	u64 lba;
	u32 nsect;
	bool write, ncq, lba48;
};
enum ahci_class {
	AHCI_CLASS_PASS,	/* no user data of the medium moves */
	AHCI_CLASS_RW,		/* DMA/NCQ read or write: io filled in */
	AHCI_CLASS_FAIL,	/* moves sectors in a way we do not bounce */
};
enum ahci_class ahci_classify(const u8 *cfis, struct ahci_io *io);
/* Rewrites the LBA and count of a DMA/NCQ read/write command FIS. */
void ahci_set_lba_count(u8 *cfis, bool ncq, bool lba48, u64 lba, u32 n);
/* The command FIS the device aborts (fail closed). */
void ahci_make_failing(u8 *cfis);

/* Port register reg of port p, as an ABAR offset (AHCI 1.3.1 §3.3.1:
 * port blocks of 80h bytes from 100h), and its hardware access. */
static inline u32 ahci_port_off(const struct ahci_port *p, u32 reg)
{
	return AHCI_PORT_BASE + p->num * AHCI_PORT_SIZE + reg;
}

static inline u32 ahci_port_rd(struct ahci_ctrl *c, const struct ahci_port *p,
			       u32 reg)
{
	return c->env->reg_read(c->env->ctx, ahci_port_off(p, reg));
}

static inline void ahci_port_wr(struct ahci_ctrl *c, const struct ahci_port *p,
				u32 reg, u32 v)
{
	c->env->reg_write(c->env->ctx, ahci_port_off(p, reg), v);
}

#endif
