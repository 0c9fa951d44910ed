/*
 * Which ATA commands ahci_crypt lets through on a port with encrypted
 * ranges, which it bounces, and which it refuses (ATA8-ACS / ACS-3).
 *
 * Only commands in the tables below move no sector data of the medium, or
 * move it in a form we understand:
 *
 *   READ/WRITE DMA (EXT), WRITE DMA FUA EXT,
 *   READ/WRITE FPDMA QUEUED (NCQ)      RW: bounced if touching a range
 *   IDENTIFY, SET FEATURES, FLUSH, logs, SMART, power, security, ATAPI
 *   PACKET, verify, buffers, microcode  PASS (table copied, buffers the
 *                                      guest's own)
 *   everything else: PIO READ/WRITE SECTORS (MULTIPLE), streaming, queued
 *   TCQ, DATA SET MANAGEMENT (TRIM), SEND FPDMA QUEUED, WRITE LOG and
 *   SMART WRITE LOG to the SCT logs (WRITE SAME), NCQ NON-DATA other than
 *   abort/deadline/set features (ZERO EXT, ZAC), CHS addressing, unknown
 *   opcodes
 *                                      FAIL (closed; the guest gets ABRT)
 *
 * A FIS that is not a Register Host to Device FIS with the C bit is a
 * device control update (e.g. the SRST of a soft reset) and passes.
 * Pure code; used by ahci_cmd.c and the unit tests.
 */
#include <tv/env.h>
#include "ahci_shadow.h"

static const u8 pass_ops[] = {
	ATA_NOP, ATA_DEVICE_RESET, ATA_REQUEST_SENSE_EXT,
	ATA_READ_NATIVE_MAX_EXT, ATA_READ_LOG_EXT, ATA_SET_MAX_EXT,
	ATA_VERIFY, ATA_VERIFY_EXT, ATA_READ_LOG_DMA_EXT, ATA_TRUSTED_RECV,
	ATA_TRUSTED_RECV_DMA, ATA_TRUSTED_SEND, ATA_TRUSTED_SEND_DMA,
	ATA_NCQ_NON_DATA, ATA_RECV_FPDMA, ATA_DIAGNOSTIC, ATA_DOWNLOAD_UCODE,
	ATA_DOWNLOAD_UCODE_DMA, ATA_PACKET, ATA_IDENTIFY_PACKET, ATA_SMART,
	ATA_SET_MULTIPLE, ATA_STANDBY_IMM, ATA_IDLE_IMM, ATA_STANDBY, ATA_IDLE,
	ATA_READ_BUFFER, ATA_CHECK_POWER, ATA_SLEEP, ATA_FLUSH_CACHE,
	ATA_WRITE_BUFFER, ATA_READ_BUFFER_DMA, ATA_FLUSH_CACHE_EXT,
	ATA_WRITE_BUFFER_DMA, ATA_IDENTIFY, ATA_SET_FEATURES,
	ATA_READ_NATIVE_MAX, ATA_SET_MAX,
};

static bool in_pass_table(u8 op)
{
	size_t i;

	if (op >= ATA_SEC_FIRST && op <= ATA_SEC_LAST)
		return true;
	for (i = 0; i < ARRAY_SIZE(pass_ops); i++)
		if (pass_ops[i] == op)
			return true;
	return false;
}

static bool sct_log(u8 log)
{
	return log == ATA_LOG_SCT_CMD || log == ATA_LOG_SCT_DATA;
}

static enum ahci_class ncq_non_data(const u8 *f)
{
	switch (f[FIS_FEAT_LO] & 0xf) {
	case ATA_NCQ_ND_ABORT:
	case ATA_NCQ_ND_DEADLINE:
	case ATA_NCQ_ND_SET_FEATURES:
		return AHCI_CLASS_PASS;
	}
	return AHCI_CLASS_FAIL;		/* ZERO EXT, ZAC MANAGEMENT OUT, .. */
}

static u64 lba48_of(const u8 *f)
{
	return (u64)f[FIS_LBA0] | (u64)f[FIS_LBA1] << 8 |
	       (u64)f[FIS_LBA2] << 16 | (u64)f[FIS_LBA3] << 24 |
	       (u64)f[FIS_LBA4] << 32 | (u64)f[FIS_LBA5] << 40;
}

static enum ahci_class rw28(const u8 *f, struct ahci_io *io, bool write)
{
	if (!(f[FIS_DEVICE] & FIS_DEVICE_LBA))
		return AHCI_CLASS_FAIL;		/* CHS: no LBA to encrypt by */
	io->lba = (u64)f[FIS_LBA0] | (u64)f[FIS_LBA1] << 8 |
		  (u64)f[FIS_LBA2] << 16 | (u64)(f[FIS_DEVICE] & 0xf) << 24;
	io->nsect = f[FIS_COUNT_LO] ? f[FIS_COUNT_LO] : 256;
	io->write = write;
	return AHCI_CLASS_RW;
}

static enum ahci_class rw48(const u8 *f, struct ahci_io *io, bool write,
			    bool ncq)
{
	u32 n = ncq ? (u32)f[FIS_FEAT_LO] | (u32)f[FIS_FEAT_HI] << 8 :
		(u32)f[FIS_COUNT_LO] | (u32)f[FIS_COUNT_HI] << 8;

	io->lba = lba48_of(f);
	io->nsect = n ? n : 65536;
	io->write = write;
	io->ncq = ncq;
	io->lba48 = true;
	return AHCI_CLASS_RW;
}

enum ahci_class ahci_classify(const u8 *f, struct ahci_io *io)
{
	memset(io, 0, sizeof(*io));
	if (f[0] != FIS_TYPE_H2D)
		return AHCI_CLASS_FAIL;
	if (!(f[1] & FIS_H2D_C))
		return AHCI_CLASS_PASS;		/* device control (SRST) */
	switch (f[FIS_CMD]) {
	case ATA_READ_DMA:
		return rw28(f, io, false);
	case ATA_WRITE_DMA:
		return rw28(f, io, true);
	case ATA_READ_DMA_EXT:
		return rw48(f, io, false, false);
	case ATA_WRITE_DMA_EXT:
	case ATA_WRITE_DMA_FUA_EXT:
		return rw48(f, io, true, false);
	case ATA_READ_FPDMA:
		return rw48(f, io, false, true);
	case ATA_WRITE_FPDMA:
		return rw48(f, io, true, true);
	case ATA_WRITE_LOG_EXT:
	case ATA_WRITE_LOG_DMA_EXT:
		/* SCT commands (WRITE SAME among them) write sectors. */
		return sct_log(f[FIS_LBA0]) ? AHCI_CLASS_FAIL : AHCI_CLASS_PASS;
	case ATA_SMART:
		return f[FIS_FEAT_LO] == ATA_SMART_WRITE_LOG && sct_log(f[FIS_LBA0]) ?
		       AHCI_CLASS_FAIL : AHCI_CLASS_PASS;
	case ATA_NCQ_NON_DATA:
		return ncq_non_data(f);
	}
	return in_pass_table(f[FIS_CMD]) ? AHCI_CLASS_PASS : AHCI_CLASS_FAIL;
}

void ahci_set_lba_count(u8 *f, bool ncq, bool lba48, u64 lba, u32 n)
{
	f[FIS_LBA0] = (u8)lba;
	f[FIS_LBA1] = (u8)(lba >> 8);
	f[FIS_LBA2] = (u8)(lba >> 16);
	if (!lba48) {
		f[FIS_DEVICE] = (u8)((f[FIS_DEVICE] & 0xf0) | ((lba >> 24) & 0xf));
		f[FIS_COUNT_LO] = (u8)n;	/* 256 -> 0 */
		return;
	}
	f[FIS_LBA3] = (u8)(lba >> 24);
	f[FIS_LBA4] = (u8)(lba >> 32);
	f[FIS_LBA5] = (u8)(lba >> 40);
	if (ncq) {
		f[FIS_FEAT_LO] = (u8)n;
		f[FIS_FEAT_HI] = (u8)(n >> 8);
	} else {
		f[FIS_COUNT_LO] = (u8)n;
		f[FIS_COUNT_HI] = (u8)(n >> 8);
	}
}

void ahci_make_failing(u8 *f)
{
	memset(f, 0, 64);
	f[0] = FIS_TYPE_H2D;
	f[1] = FIS_H2D_C;
	f[FIS_CMD] = ATA_SET_FEATURES;	/* subcommand 00h is reserved: ABRT */
	f[FIS_DEVICE] = FIS_DEVICE_LBA;
}
