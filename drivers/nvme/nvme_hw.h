/*
 * NVMe in-memory and register layouts used by drivers/nvme, with their
 * sections in the NVMe Base Specification 1.4 ("1.4") and 2.0 ("2.0").
 * Only what the shadowing driver reads or rewrites is named; the rest of
 * each structure is reserved padding so the sizes match the spec.
 */
#ifndef DRIVERS_NVME_HW_H
#define DRIVERS_NVME_HW_H

#include <tv/types.h>

/* ---- controller registers, BAR0 (1.4 §3.1, 2.0 §3.1.3) ---- */
#define NVME_REG_CAP		0x00	/* 8 bytes */
#define  NVME_CAP_MQES		GENMASK(15, 0)	/* max entries, 0-based */
#define  NVME_CAP_DSTRD_SHIFT	32		/* doorbell stride: 4 << DSTRD */
#define  NVME_CAP_DSTRD		GENMASK(35, 32)
#define NVME_REG_VS		0x08
#define NVME_REG_INTMS		0x0c	/* 1.4 §3.1.3: pin/MSI vector mask set */
#define NVME_REG_INTMC		0x10	/* 1.4 §3.1.4: ... clear */
#define NVME_REG_CC		0x14
#define  NVME_CC_EN		BIT(0)
#define  NVME_CC_MPS_SHIFT	7
#define  NVME_CC_MPS		GENMASK(10, 7)	/* page size 2^(12+MPS) */
#define NVME_REG_CSTS		0x1c
#define  NVME_CSTS_RDY		BIT(0)
#define NVME_REG_NSSR		0x20
#define NVME_REG_AQA		0x24
#define  NVME_AQA_ASQS		GENMASK(11, 0)	/* 0-based */
#define  NVME_AQA_ACQS		GENMASK(27, 16)
#define NVME_REG_ASQ		0x28	/* 8 bytes */
#define NVME_REG_ACQ		0x30	/* 8 bytes */
#define NVME_REG_DBS		0x1000	/* doorbells (1.4 §3.1.16-17) */

#define NVME_PAGE_SIZE		4096u	/* CC.MPS = 0, the only size we shadow */

/* ---- submission queue entry (1.4 §4.2, Figure 104-105) ---- */
#define NVME_SQE_FUSE		GENMASK(1, 0)	/* flags */
#define NVME_SQE_PSDT		GENMASK(7, 6)	/* 0 = PRPs, else SGLs */

struct nvme_sqe {
	u8 opcode;		/* 0x00: CDW0[7:0] */
	u8 flags;		/* 0x01: FUSE, PSDT */
	u16 cid;		/* 0x02: command identifier */
	u32 nsid;		/* 0x04 */
	u32 cdw2;		/* 0x08 */
	u32 cdw3;		/* 0x0c */
	u64 mptr;		/* 0x10: metadata pointer */
	u64 prp1;		/* 0x18: data pointer, PRP entry 1 */
	u64 prp2;		/* 0x20: PRP entry 2 or PRP list pointer */
	u32 cdw10;		/* 0x28 */
	u32 cdw11;		/* 0x2c */
	u32 cdw12;		/* 0x30 */
	u32 cdw13;		/* 0x34 */
	u32 cdw14;		/* 0x38 */
	u32 cdw15;		/* 0x3c */
} __packed;
_Static_assert(sizeof(struct nvme_sqe) == 64, "NVMe SQ entry");

/* ---- completion queue entry (1.4 §4.6, Figure 121-124) ---- */
#define NVME_CQE_PHASE		BIT(0)		/* status field */
#define NVME_CQE_SC		GENMASK(8, 1)
#define NVME_CQE_SCT		GENMASK(11, 9)
#define NVME_CQE_DNR		BIT(15)

struct nvme_cqe {
	u32 dw0;		/* 0x00: command specific */
	u32 dw1;		/* 0x04 */
	u16 sqhd;		/* 0x08: SQ head pointer */
	u16 sqid;		/* 0x0a */
	u16 cid;		/* 0x0c */
	u16 status;		/* 0x0e: phase, status field */
} __packed;
_Static_assert(sizeof(struct nvme_cqe) == 16, "NVMe CQ entry");

/* Status values: (SCT << 8) | SC, DNR as NVME_ST_DNR (1.4 §4.6.1.2). */
#define NVME_ST(sct, sc)	((u16)(((sct) << 8) | (sc)))
#define NVME_ST_DNR		BIT(15)
/* A status value as the CQE's status field (phase bit left 0). */
static inline u16 nvme_cqe_status(u16 st)
{
	return (u16)(((st & 0x7ff) << 1) | (st & NVME_ST_DNR));
}
#define NVME_SC_INVALID_OPCODE	NVME_ST(0, 0x01)
#define NVME_SC_INVALID_FIELD	NVME_ST(0, 0x02)
#define NVME_SC_DATA_XFER_ERROR	NVME_ST(0, 0x04)
#define NVME_SC_INTERNAL	NVME_ST(0, 0x06)
#define NVME_SC_CMD_SEQ_ERROR	NVME_ST(0, 0x0c)
#define NVME_SC_INVALID_NS_FMT	NVME_ST(0, 0x0b)
#define NVME_SC_PRP_OFFSET	NVME_ST(0, 0x13)
#define NVME_SC_CQ_INVALID	NVME_ST(1, 0x00)
#define NVME_SC_QID_INVALID	NVME_ST(1, 0x01)
#define NVME_SC_QSIZE_INVALID	NVME_ST(1, 0x02)

/* ---- opcodes ---- */
/* Admin (1.4 §5, Figure 139). */
#define NVME_ADM_DELETE_SQ	0x00
#define NVME_ADM_CREATE_SQ	0x01
#define NVME_ADM_DELETE_CQ	0x04
#define NVME_ADM_CREATE_CQ	0x05
#define NVME_ADM_IDENTIFY	0x06
#define NVME_ADM_SET_FEATURES	0x09
#define NVME_ADM_GET_FEATURES	0x0a
#define NVME_ADM_ASYNC_EVENT	0x0c
#define NVME_ADM_DBBUF_CONFIG	0x7c	/* Doorbell Buffer Config, 1.4 §5.8 */
#define NVME_ADM_FORMAT_NVM	0x80
/* NVM command set (1.4 §6, Figure 346). */
#define NVME_CMD_FLUSH		0x00
#define NVME_CMD_WRITE		0x01
#define NVME_CMD_READ		0x02
#define NVME_CMD_WRITE_UNCOR	0x04
#define NVME_CMD_COMPARE	0x05
#define NVME_CMD_WRITE_ZEROES	0x08
#define NVME_CMD_DSM		0x09
#define NVME_CMD_VERIFY		0x0c
#define NVME_CMD_RESV_REGISTER	0x0d
#define NVME_CMD_RESV_REPORT	0x0e
#define NVME_CMD_RESV_ACQUIRE	0x11
#define NVME_CMD_RESV_RELEASE	0x15

#define NVME_NSID_ALL		0xffffffffu
#define NVME_CNS_NS		0x00	/* Identify Namespace */
#define NVME_CNS_CTRL		0x01	/* Identify Controller */
#define NVME_FEAT_NUM_QUEUES	0x07	/* 1.4 §5.21.1.7 */
#define NVME_OACS_DBBUF		BIT(8)	/* Identify Controller OACS */

/* Create I/O CQ/SQ CDW10/11 (1.4 §5.3, §5.4). */
#define NVME_CREATE_QID		GENMASK(15, 0)
#define NVME_CREATE_QSIZE_SHIFT	16			/* 0-based */
#define NVME_CREATE_PC		BIT(0)
#define NVME_CREATE_CQ_IEN	BIT(1)		/* interrupts enabled */
#define NVME_CREATE_CQ_IV_SHIFT	16		/* interrupt vector */
#define NVME_CREATE_SQ_CQID_SHIFT 16

/* ---- Identify Controller data (1.4 §5.15.2.1, Figure 247) ---- */
struct nvme_id_ctrl {
	u16 vid;		/* 0x000 */
	u16 ssvid;		/* 0x002 */
	char sn[20];		/* 0x004: serial number, space padded */
	char mn[40];		/* 0x018: model number */
	char fr[8];		/* 0x040 */
	u8 rab;			/* 0x048 */
	u8 ieee[3];		/* 0x049 */
	u8 cmic;		/* 0x04c */
	u8 mdts;		/* 0x04d: max transfer 2^MDTS min pages, 0 = none */
	u8 rsvd78[256 - 78];	/* 0x04e */
	u16 oacs;		/* 0x100: optional admin commands */
	u8 rsvd258[536 - 258];	/* 0x102 */
	u32 sgls;		/* 0x218: SGL support, 0 = none */
	u8 rsvd540[4096 - 540];	/* 0x21c */
} __packed;
_Static_assert(sizeof(struct nvme_id_ctrl) == 4096, "Identify Controller");

/* ---- Identify Namespace data (1.4 §6.1.5 / 2.0 NVM CS §4.1.5.1) ---- */
#define NVME_FLBAS_INDEX_LO	GENMASK(3, 0)
#define NVME_FLBAS_INDEX_HI	GENMASK(6, 5)	/* 2.0: format index 5:4 */
#define NVME_LBAF_MS		GENMASK(15, 0)	/* metadata bytes per LBA */
#define NVME_LBAF_LBADS_SHIFT	16		/* LBA data size 2^LBADS */
#define NVME_LBAF_LBADS		GENMASK(23, 16)

struct nvme_id_ns {
	u64 nsze;		/* 0x000 */
	u64 ncap;		/* 0x008 */
	u64 nuse;		/* 0x010 */
	u8 nsfeat;		/* 0x018 */
	u8 nlbaf;		/* 0x019: number of formats, 0-based */
	u8 flbas;		/* 0x01a: formatted LBA size */
	u8 rsvd27[128 - 27];	/* 0x01b */
	u32 lbaf[64];		/* 0x080: LBA formats */
	u8 rsvd384[4096 - 384];	/* 0x180 */
} __packed;
_Static_assert(sizeof(struct nvme_id_ns) == 4096, "Identify Namespace");

#endif
