/*
 * AHCI register and in-memory layouts used by drivers/ahci, with their
 * sections in the Serial ATA AHCI 1.3.1 specification ("AHCI") and the
 * ATA command opcodes of ATA8-ACS / ACS-3 ("ACS").  Only what the
 * shadowing driver reads or rewrites is named; the rest of each structure
 * is reserved padding so sizes match the specification.
 */
#ifndef DRIVERS_AHCI_HW_H
#define DRIVERS_AHCI_HW_H

#include <tv/types.h>

/* ---- generic host control, ABAR + 0x00 (AHCI §3.1) ---- */
#define AHCI_CAP		0x00
#define  AHCI_CAP_FBSS		BIT(16)		/* FIS-based switching */
#define AHCI_GHC		0x04
#define  AHCI_GHC_HR		BIT(0)		/* HBA reset */
#define AHCI_IS			0x08
#define AHCI_PI			0x0c
#define AHCI_PORT_BASE		0x100
#define AHCI_PORT_SIZE		0x80
#define AHCI_PORTS		32
#define AHCI_ABAR_SIZE		0x1100		/* generic + 32 ports */

/* ---- port registers, ABAR + 0x100 + port * 0x80 (AHCI §3.3) ---- */
#define PX_CLB			0x00	/* command list base, 1 KiB aligned */
#define PX_CLBU			0x04
#define PX_FB			0x08	/* received FIS base, 256 B aligned */
#define PX_FBU			0x0c
#define PX_IS			0x10	/* interrupt status, write 1 to clear */
#define  PX_IS_TFES		BIT(30)	/* task file error */
#define  PX_IS_HBFS		BIT(29)	/* host bus fatal error */
#define  PX_IS_HBDS		BIT(28)	/* host bus data error */
#define  PX_IS_IFS		BIT(27)	/* interface fatal error */
#define  PX_IS_ERRORS		(PX_IS_TFES | PX_IS_HBFS | PX_IS_HBDS | PX_IS_IFS)
#define PX_IE			0x14
#define PX_CMD			0x18
#define  PX_CMD_ST		BIT(0)	/* start: process the command list */
#define  PX_CMD_FRE		BIT(4)	/* FIS receive enable */
#define  PX_CMD_FR		BIT(14)	/* FIS receive running */
#define  PX_CMD_CR		BIT(15)	/* command list running */
#define PX_TFD			0x20
#define  PX_TFD_ERR		BIT(0)
#define  PX_TFD_DRQ		BIT(3)
#define  PX_TFD_BSY		BIT(7)
#define PX_SIG			0x24
#define  PX_SIG_ATA		0x00000101	/* ATA disk (AHCI §3.3.9) */
#define PX_SSTS			0x28
#define  PX_SSTS_DET		GENMASK(3, 0)
#define  PX_SSTS_DET_PHY	3	/* device present, phy up (§3.3.10) */
#define PX_SCTL			0x2c
#define PX_SERR			0x30
#define PX_SACT			0x34	/* NCQ tags outstanding */
#define PX_CI			0x38	/* command issue */
#define PX_SNTF			0x3c
#define PX_FBS			0x40
#define PX_CLB_MASK		GENMASK(31, 10)
#define PX_FB_MASK		GENMASK(31, 8)

/* ---- command header, 32 per command list (AHCI §4.2.2) ---- */
#define AHCI_HDR_CFL		GENMASK(4, 0)	/* command FIS length, dwords */
#define AHCI_HDR_ATAPI		BIT(5)
#define AHCI_HDR_WRITE		BIT(6)		/* host to device */
#define AHCI_HDR_PMP		GENMASK(15, 12)	/* port multiplier port */
#define AHCI_HDR_PRDTL_SHIFT	16
#define AHCI_HDR_PRDTL		GENMASK(31, 16)
#define AHCI_SLOTS		32

struct ahci_cmd_hdr {
	u32 flags;		/* 0x00: DW0: CFL, A, W, P, R, B, C, PMP, PRDTL */
	u32 prdbc;		/* 0x04: DW1: bytes transferred */
	u32 ctba;		/* 0x08: DW2: command table, 128 B aligned */
	u32 ctbau;		/* 0x0c: DW3 */
	u32 rsvd[4];		/* 0x10: DW4-7 */
} __packed;
_Static_assert(sizeof(struct ahci_cmd_hdr) == 32, "AHCI command header");

/* ---- physical region descriptor (AHCI §4.2.3.3) ---- */
#define AHCI_PRD_DBC		GENMASK(21, 0)	/* byte count - 1, bit 0 set */
#define AHCI_PRD_RSVD		GENMASK(30, 22)
#define AHCI_PRD_I		BIT(31)		/* interrupt on completion */
#define AHCI_PRD_MAX_BYTES	(4u << 20)

struct ahci_prd {
	u32 dba;		/* 0x00: data base, bit 0 reserved */
	u32 dbau;		/* 0x04 */
	u32 rsvd;		/* 0x08 */
	u32 dw3;		/* 0x0c: DBC, I */
} __packed;
_Static_assert(sizeof(struct ahci_prd) == 16, "AHCI PRD");

/* ---- command table (AHCI §4.2.3) ---- */
#define AHCI_CT_PRDT		0x80	/* PRDT offset */

struct ahci_cmd_table {
	u8 cfis[64];		/* 0x00: command FIS */
	u8 acmd[16];		/* 0x40: ATAPI command */
	u8 rsvd[48];		/* 0x50 */
	struct ahci_prd prdt[];	/* 0x80 */
} __packed;
_Static_assert(sizeof(struct ahci_cmd_table) == AHCI_CT_PRDT, "AHCI table");

#define AHCI_RFIS_SIZE		256	/* received FIS area without FBS */

/* ---- Register Host to Device FIS (SATA 3.x §10.5.5) ---- */
#define FIS_TYPE_H2D		0x27
#define FIS_H2D_C		BIT(7)	/* byte 1: command register update */
#define FIS_CMD			2	/* byte offsets in cfis[] */
#define FIS_FEAT_LO		3
#define FIS_LBA0		4
#define FIS_LBA1		5
#define FIS_LBA2		6
#define FIS_DEVICE		7
#define  FIS_DEVICE_LBA		BIT(6)
#define FIS_LBA3		8
#define FIS_LBA4		9
#define FIS_LBA5		10
#define FIS_FEAT_HI		11
#define FIS_COUNT_LO		12
#define FIS_COUNT_HI		13
#define FIS_H2D_DWORDS		5

/* ---- ATA opcodes (ACS-3 Table 206) ---- */
#define ATA_NOP			0x00
#define ATA_DEVICE_RESET	0x08
#define ATA_REQUEST_SENSE_EXT	0x0b
#define ATA_READ_DMA_EXT	0x25
#define ATA_READ_NATIVE_MAX_EXT	0x27
#define ATA_READ_LOG_EXT	0x2f
#define ATA_WRITE_DMA_EXT	0x35
#define ATA_SET_MAX_EXT		0x37
#define ATA_WRITE_DMA_FUA_EXT	0x3d
#define ATA_WRITE_LOG_EXT	0x3f
#define ATA_VERIFY		0x40
#define ATA_VERIFY_EXT		0x42
#define ATA_READ_LOG_DMA_EXT	0x47
#define ATA_WRITE_LOG_DMA_EXT	0x57
#define ATA_TRUSTED_RECV	0x5c
#define ATA_TRUSTED_RECV_DMA	0x5d
#define ATA_TRUSTED_SEND	0x5e
#define ATA_TRUSTED_SEND_DMA	0x5f
#define ATA_READ_FPDMA		0x60
#define ATA_WRITE_FPDMA		0x61
#define ATA_NCQ_NON_DATA	0x63
#define ATA_RECV_FPDMA		0x65
#define ATA_DIAGNOSTIC		0x90
#define ATA_DOWNLOAD_UCODE	0x92
#define ATA_DOWNLOAD_UCODE_DMA	0x93
#define ATA_PACKET		0xa0
#define ATA_IDENTIFY_PACKET	0xa1
#define ATA_SMART		0xb0
#define ATA_SET_MULTIPLE	0xc6
#define ATA_READ_DMA		0xc8
#define ATA_WRITE_DMA		0xca
#define ATA_STANDBY_IMM		0xe0
#define ATA_IDLE_IMM		0xe1
#define ATA_STANDBY		0xe2
#define ATA_IDLE		0xe3
#define ATA_READ_BUFFER		0xe4
#define ATA_CHECK_POWER		0xe5
#define ATA_SLEEP		0xe6
#define ATA_FLUSH_CACHE		0xe7
#define ATA_WRITE_BUFFER	0xe8
#define ATA_READ_BUFFER_DMA	0xe9
#define ATA_FLUSH_CACHE_EXT	0xea
#define ATA_WRITE_BUFFER_DMA	0xeb
#define ATA_IDENTIFY		0xec
#define ATA_SET_FEATURES	0xef
#define ATA_SEC_FIRST		0xf1	/* SECURITY SET PASSWORD .. */
#define ATA_SEC_LAST		0xf6	/* .. SECURITY DISABLE PASSWORD */
#define ATA_READ_NATIVE_MAX	0xf8
#define ATA_SET_MAX		0xf9
#define ATA_SMART_WRITE_LOG	0xd6	/* SMART feature (ACS-3 §7.48.9) */
#define ATA_NCQ_ND_ABORT	0x0	/* NCQ NON-DATA subcommands (ACS-4) */
#define ATA_NCQ_ND_DEADLINE	0x1
#define ATA_NCQ_ND_SET_FEATURES	0x5
#define ATA_LOG_SCT_CMD		0xe0	/* SCT command/status log (ACS-3 §8) */
#define ATA_LOG_SCT_DATA	0xe1

#define ATA_SECTOR		512

/* ---- IDENTIFY DEVICE data, 256 words (ACS-3 §7.12.7) ---- */
#define ATA_ID_SERIAL		10	/* words 10-19: serial number */
#define ATA_ID_SERIAL_WORDS	10
#define ATA_ID_MODEL		27	/* words 27-46: model number */
#define ATA_ID_MODEL_WORDS	20
#define ATA_ID_DSM		169	/* bit 0: DATA SET MANAGEMENT TRIM */
#define ATA_ID_SCT		206	/* bit 0: SCT Command Transport */
#define ATA_ID_INTEGRITY	255	/* A5h, then the checksum byte */
#define ATA_ID_SIGNATURE	0xa5

#endif
