/*
 * Disks named by model=/serial= (storage.encrypt without slot=/port=,
 * docs/storage.md): which port of which HBA holds them is learnt from the
 * disk's IDENTIFY DEVICE data (ACS-3 §7.12.7: serial number in words
 * 10-19, model number in words 27-46, ATA strings with the two bytes of
 * each word swapped, padded with spaces).
 *
 * Every port of an HBA that may hold such a disk is shadowed and starts
 * pending (ahci_port_known() false): its data commands are refused until
 * the disk is identified.  The guest's IDENTIFY is not enough: the
 * firmware identified its disks before thinvisor started and goes on
 * reading the ESP without identifying again.  So right after the
 * take-over the hypervisor sends IDENTIFY DEVICE itself, through slot 0 of
 * the shadow command list into the port's bounce buffer, polled with a
 * bounded wait, and puts PxCMD, PxIS and the received-FIS area back as
 * they were, so the firmware notices nothing.  A port where that fails
 * (no device, ATAPI, a busy or failing device) stays pending until a
 * guest IDENTIFY DEVICE completes on it; then (ahci_cmd.c) the hypervisor
 * identifies the disk again itself rather than trusting the guest's
 * buffer, which another guest CPU could rewrite meanwhile.  ATAPI devices
 * never answer IDENTIFY DEVICE: their PACKET commands pass, unencrypted.
 *
 * The decision is made once per port.  A range matching two disks (the
 * claim in struct ahci_named, shared by every HBA), or two ranges of one
 * disk sharing a sector (slot=/port= and model=/serial= lines can only be
 * compared now), refuse the data commands of the disks concerned: a
 * sector must never be written with a key chosen by chance (fail closed).
 *
 * Hardware-free like the rest of the engine; the caller holds the HBA's
 * lock.
 */
#include <tv/env.h>
#include "ahci_shadow.h"

#define ID_SLOT		0	/* shadow slot the hypervisor's IDENTIFY uses */

/* PxCMD bits in mask cleared, then waits (bounded) for running to clear. */
static int cmd_off(struct ahci_ctrl *c, struct ahci_port *p, u32 mask,
		   u32 running)
{
	u64 budget = 0;

	ahci_port_wr(c, p, PX_CMD, ahci_port_rd(c, p, PX_CMD) & ~mask);
	while (ahci_port_rd(c, p, PX_CMD) & running)
		if (!c->env->wait(c->env->ctx, &budget))
			return -ETIMEDOUT;
	return 0;
}

/* IDENTIFY DEVICE in shadow slot 0, the data into the bounce buffer. */
static void build_identify(struct ahci_port *p)
{
	struct ahci_cmd_hdr *h = (struct ahci_cmd_hdr *)p->mem.clb + ID_SLOT;
	struct ahci_cmd_table *t = (struct ahci_cmd_table *)
		((u8 *)p->mem.tables + ID_SLOT * AHCI_TABLE_SIZE);
	u64 ct = p->mem.tables_pa + ID_SLOT * AHCI_TABLE_SIZE;

	memset(t, 0, AHCI_CT_PRDT + sizeof(struct ahci_prd));
	t->cfis[0] = FIS_TYPE_H2D;
	t->cfis[1] = FIS_H2D_C;
	t->cfis[FIS_CMD] = ATA_IDENTIFY;
	t->prdt[0] = (struct ahci_prd){ .dba = (u32)p->mem.bounce_pa,
		.dbau = (u32)(p->mem.bounce_pa >> 32), .dw3 = ATA_SECTOR - 1 };
	*h = (struct ahci_cmd_hdr){
		.flags = FIS_H2D_DWORDS | 1u << AHCI_HDR_PRDTL_SHIFT,
		.ctba = (u32)ct, .ctbau = (u32)(ct >> 32) };
	memset(p->mem.bounce, 0, ATA_SECTOR);
}

/* Issues slot 0 on a started port and waits for it: 0, -EIO, -ETIMEDOUT. */
static int run_identify(struct ahci_ctrl *c, struct ahci_port *p)
{
	const struct ahci_cmd_hdr *h = (struct ahci_cmd_hdr *)p->mem.clb + ID_SLOT;
	u64 budget = 0;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ahci_port_wr(c, p, PX_CI, (u32)BIT(ID_SLOT));
	while (ahci_port_rd(c, p, PX_CI) & BIT(ID_SLOT)) {
		if (ahci_port_rd(c, p, PX_IS) & PX_IS_ERRORS)
			return -EIO;
		if (!c->env->wait(c->env->ctx, &budget))
			return -ETIMEDOUT;
	}
	if ((ahci_port_rd(c, p, PX_IS) & PX_IS_ERRORS) ||
	    (ahci_port_rd(c, p, PX_TFD) & PX_TFD_ERR) ||
	    h->prdbc != ATA_SECTOR)
		return -EIO;
	return 0;
}

/*
 * Starts the port if it was not running, runs the IDENTIFY, and leaves
 * PxCMD as it was found (after a failure the engine is stopped and
 * restarted, which clears the slot: AHCI §6.2.2.1).
 */
static int identify_on_hw(struct ahci_ctrl *c, struct ahci_port *p)
{
	u32 cmd = ahci_port_rd(c, p, PX_CMD);
	int err, err2 = 0;

	if (!(cmd & PX_CMD_FRE))
		ahci_port_wr(c, p, PX_CMD, cmd | PX_CMD_FRE);
	if (!(cmd & PX_CMD_ST))
		ahci_port_wr(c, p, PX_CMD, ahci_port_rd(c, p, PX_CMD) | PX_CMD_ST);
	err = run_identify(c, p);
	if (err || !(cmd & PX_CMD_ST))
		err2 = cmd_off(c, p, PX_CMD_ST, PX_CMD_CR);
	if (!err2 && err && (cmd & PX_CMD_ST))
		ahci_port_wr(c, p, PX_CMD, ahci_port_rd(c, p, PX_CMD) | PX_CMD_ST);
	if (!err2 && !(cmd & PX_CMD_FRE))
		err2 = cmd_off(c, p, PX_CMD_FRE, PX_CMD_FR);
	return err ? err : err2;
}

int ahci_port_identify(struct ahci_ctrl *c, struct ahci_port *p)
{
	u8 rfis[AHCI_RFIS_SIZE];
	u32 is = ahci_port_rd(c, p, PX_IS);
	u32 gis = c->env->reg_read(c->env->ctx, AHCI_IS);
	u32 sig = ahci_port_rd(c, p, PX_SIG);
	int err;

	if (p->id_state != AHCI_ID_PENDING)
		return 0;
	if ((ahci_port_rd(c, p, PX_SSTS) & PX_SSTS_DET) != PX_SSTS_DET_PHY ||
	    sig != PX_SIG_ATA || (is & PX_IS_ERRORS) ||
	    (ahci_port_rd(c, p, PX_TFD) & (PX_TFD_BSY | PX_TFD_DRQ | PX_TFD_ERR)) ||
	    ahci_port_rd(c, p, PX_CI)) {
		ahci_log(c, "port %u: no idle ATA disk (signature %x): pending "
			 "until the guest identifies it\n", p->num, sig);
		return -ENODEV;
	}
	memcpy(rfis, p->mem.rfis, sizeof(rfis));
	build_identify(p);
	err = identify_on_hw(c, p);
	/* What our command set in PxIS is not the firmware's business. */
	ahci_port_wr(c, p, PX_IS, ahci_port_rd(c, p, PX_IS) & ~is);
	if (!(gis & BIT(p->num)) && !ahci_port_rd(c, p, PX_IS))
		c->env->reg_write(c->env->ctx, AHCI_IS, (u32)BIT(p->num));
	memcpy(p->mem.rfis, rfis, sizeof(rfis));
	if (err) {
		ahci_log(c, "port %u: IDENTIFY DEVICE failed (%d): pending until "
			 "the guest identifies the disk\n", p->num, err);
		return err;
	}
	ahci_port_identified(c, p, p->mem.bounce);
	return 0;
}

/* An ATA string (ACS-3 §3.4.9): bytes swapped per word, spaces trimmed. */
static void ata_string(const u8 *id, u32 word, u32 words, char *out)
{
	u32 i, n = words * 2, start = 0;

	for (i = 0; i < n; i++) {
		char ch = (char)id[word * 2 + (i ^ 1)];

		out[i] = ch >= 0x20 && ch < 0x7f ? ch : '?';
	}
	while (n && out[n - 1] == ' ')
		n--;
	while (start < n && out[start] == ' ')
		start++;
	memmove(out, out + start, n - start);
	out[n - start] = 0;
}

/* Claims named range i for p; false if another disk has it already. */
static bool claim(struct ahci_ctrl *c, struct ahci_port *p, u32 i)
{
	struct ahci_named *nm = c->named;
	struct ahci_port *prev = NULL;

	if (__atomic_compare_exchange_n(&nm->owner[i], &prev, p, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) ||
	    prev == p)
		return true;
	__atomic_store_n(&prev->id_state, AHCI_ID_REFUSED, __ATOMIC_SEQ_CST);
	ahci_log(c, "port %u: storage.encrypt line %u also names the disk on "
		 "%s port %u: data commands of both refused\n", p->num,
		 nm->range[i]->line, prev->hba, prev->num);
	return false;
}

/* Do two ranges of the port share a sector? */
static bool port_overlap(const struct ahci_port *p)
{
	u32 i, j;

	for (i = 0; i < p->nranges; i++)
		for (j = 0; j < i; j++)
			if (p->ranges[i]->lba_first <= p->ranges[j]->lba_last &&
			    p->ranges[j]->lba_first <= p->ranges[i]->lba_last)
				return true;
	return false;
}

void ahci_port_identified(struct ahci_ctrl *c, struct ahci_port *p,
			  const u8 *id)
{
	char model[ATA_ID_MODEL_WORDS * 2 + 1];
	char serial[ATA_ID_SERIAL_WORDS * 2 + 1];
	struct ahci_named *nm = c->named;
	u32 i, added = 0;
	bool ok = true;

	if (p->id_state != AHCI_ID_PENDING || !nm)
		return;
	ata_string(id, ATA_ID_MODEL, ATA_ID_MODEL_WORDS, model);
	ata_string(id, ATA_ID_SERIAL, ATA_ID_SERIAL_WORDS, serial);
	for (i = 0; i < nm->count; i++) {
		if (!storage_range_matches(nm->range[i], 0, 0, 0, model,
					   strlen(model), serial,
					   strlen(serial)))
			continue;
		ok &= claim(c, p, i);
		ok &= ahci_port_add_range(p, nm->range[i], nm->key[i]) == 0;
		added++;
	}
	if (ok && port_overlap(p)) {
		ahci_log(c, "port %u: storage.encrypt ranges of this disk "
			 "overlap\n", p->num);
		ok = false;
	}
	if (p->id_state == AHCI_ID_PENDING)
		p->id_state = ok ? AHCI_ID_DONE : AHCI_ID_REFUSED;
	if (p->id_state == AHCI_ID_DONE)
		ahci_log(c, "port %u: model '%s' serial '%s': %u range(s) "
			 "chosen by model=/serial=\n", p->num, model, serial,
			 added);
	else
		ahci_log(c, "port %u: model '%s' serial '%s': data commands "
			 "refused (fail closed)\n", p->num, model, serial);
}
