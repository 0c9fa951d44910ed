/*
 * Base address registers: sizing, decoding and rewriting.
 *
 * Sizing follows PCI 3.0 §6.2.5.1: save the register, write all ones,
 * read back which address bits stick, restore.  While a BAR holds all
 * ones it decodes a bogus range, so decode is turned off in the command
 * register first (I/O and Memory Space Enable) and the original command
 * is written back afterwards; the seed sized BARs with decode on.  The
 * restore steps run even when a step before them failed, so a failing
 * access cannot leave a BAR at all ones or decode off.
 *
 * A 64-bit BAR takes two slots; the upper slot is marked PCI_BAR_MEM64_HI.
 * The size is the lowest implemented address bit, which also works for
 * I/O BARs that implement only 16 address bits.  The expansion ROM is
 * sized the same way with its enable bit clear.
 *
 * Decoding turns the cached register values into addresses.  A register
 * that holds the sizing pattern (the guest is sizing it) is flagged
 * "probing" and the last real address is kept, as the seed did, so a
 * guest's sizing sequence is not mistaken for a move to the top of the
 * address space.
 */
#include <tv/env.h>
#include <tv/pci.h>

static unsigned int bar_count(const struct pci_device *d)
{
	switch (d->header_type & PCI_HEADER_TYPE_MASK) {
	case PCI_HEADER_TYPE_NORMAL:
		return PCI_BAR_COUNT_NORMAL;
	case PCI_HEADER_TYPE_BRIDGE:
		return PCI_BAR_COUNT_BRIDGE;
	default:
		return 0;
	}
}

static u16 rom_offset(const struct pci_device *d)
{
	switch (d->header_type & PCI_HEADER_TYPE_MASK) {
	case PCI_HEADER_TYPE_NORMAL:
		return PCI_ROM_ADDRESS;
	case PCI_HEADER_TYPE_BRIDGE:
		return PCI_ROM_ADDRESS1;
	default:
		return 0;
	}
}

static u16 slot_offset(const struct pci_device *d, unsigned int i)
{
	if (i == PCI_BAR_ROM_SLOT)
		return rom_offset(d);
	return (u16)(PCI_BASE_ADDRESS_0 + 4 * i);
}

/* Write probe, read back what sticks, restore the original value. */
static int size_reg(const struct pci_access *a, struct pci_device *d,
		    u16 off, u32 probe, u32 *readback)
{
	u32 orig = d->cfg[off >> 2];
	int err, err2;

	err = pci_cfg_write(a, &d->bdf, off, 4, probe);
	if (!err)
		err = pci_cfg_read(a, &d->bdf, off, 4, readback);
	err2 = pci_cfg_write(a, &d->bdf, off, 4, orig);
	return err ? err : err2;
}

static u64 lowest_bit(u64 mask)
{
	return mask & (~mask + 1);
}

static int size_mem64(const struct pci_access *a, struct pci_device *d,
		      unsigned int i, u32 lo_mask)
{
	struct pci_bar *bar = &d->bar[i];
	u32 hi_mask;
	int err;

	if (i + 1 >= bar_count(d)) {
		bar->kind = PCI_BAR_BROKEN;
		return 0;
	}
	err = size_reg(a, d, slot_offset(d, i + 1), 0xffffffff, &hi_mask);
	if (err)
		return err;
	bar->kind = PCI_BAR_MEM64;
	bar->mask = (u64)hi_mask << 32 | (lo_mask & PCI_BAR_MEM_ADDR);
	d->bar[i + 1].kind = PCI_BAR_MEM64_HI;
	return 0;
}

/* Size slot i; *used is 2 for a 64-bit BAR, else 1. */
static int size_bar(const struct pci_access *a, struct pci_device *d,
		    unsigned int i, unsigned int *used)
{
	struct pci_bar *bar = &d->bar[i];
	u32 mask;
	int err;

	*used = 1;
	memset(bar, 0, sizeof(*bar));
	err = size_reg(a, d, slot_offset(d, i), 0xffffffff, &mask);
	if (err || mask == 0)
		return err;
	if (mask & PCI_BAR_SPACE_IO) {
		bar->kind = PCI_BAR_IO;
		bar->mask = mask & PCI_BAR_IO_ADDR;
	} else if ((mask & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM_TYPE_64) {
		err = size_mem64(a, d, i, mask);
		if (err)
			return err;
		*used = bar->kind == PCI_BAR_MEM64 ? 2 : 1;
	} else {
		bar->kind = PCI_BAR_MEM32;
		bar->mask = mask & PCI_BAR_MEM_ADDR;
	}
	bar->prefetchable = bar->kind != PCI_BAR_IO &&
			    (mask & PCI_BAR_MEM_PREFETCH);
	bar->size = lowest_bit(bar->mask);
	if (!bar->size && bar->kind != PCI_BAR_BROKEN)
		memset(bar, 0, sizeof(*bar));
	return 0;
}

static int size_rom(const struct pci_access *a, struct pci_device *d)
{
	struct pci_bar *bar = &d->bar[PCI_BAR_ROM_SLOT];
	u16 off = rom_offset(d);
	u32 mask;
	int err;

	memset(bar, 0, sizeof(*bar));
	if (!off)
		return 0;
	err = size_reg(a, d, off, (u32)PCI_ROM_ADDR, &mask);
	if (err)
		return err;
	bar->mask = mask & PCI_ROM_ADDR;
	bar->size = lowest_bit(bar->mask);
	if (bar->size)
		bar->kind = PCI_BAR_ROM;
	return 0;
}

static int size_all(const struct pci_access *a, struct pci_device *d)
{
	unsigned int i, used, n = bar_count(d);
	int err;

	for (i = 0; i < PCI_BAR_ROM_SLOT; i++)
		memset(&d->bar[i], 0, sizeof(d->bar[i]));
	for (i = 0; i < n; i += used) {
		err = size_bar(a, d, i, &used);
		if (err)
			return err;
	}
	return size_rom(a, d);
}

int pci_bars_size(const struct pci_access *a, struct pci_device *d)
{
	u32 cmd;
	int err, err2 = 0;

	err = pci_cfg_read(a, &d->bdf, PCI_COMMAND, 2, &cmd);
	if (err)
		return err;
	if (cmd & PCI_COMMAND_DECODE) {
		err = pci_cfg_write(a, &d->bdf, PCI_COMMAND, 2,
				    cmd & ~(u32)PCI_COMMAND_DECODE);
		if (err)
			return err;
	}
	err = size_all(a, d);
	if (cmd & PCI_COMMAND_DECODE)
		err2 = pci_cfg_write(a, &d->bdf, PCI_COMMAND, 2, cmd);
	pci_bars_decode(d);
	return err ? err : err2;
}

static u64 raw_value(const struct pci_device *d, unsigned int i)
{
	u16 off = slot_offset(d, i);
	u64 v = d->cfg[off >> 2];

	if (d->bar[i].kind == PCI_BAR_MEM64)
		v |= (u64)d->cfg[(off + 4) >> 2] << 32;
	return v;
}

void pci_bars_decode(struct pci_device *d)
{
	struct pci_bar *bar;
	unsigned int i;
	u64 addr;

	for (i = 0; i < PCI_BAR_SLOTS; i++) {
		bar = &d->bar[i];
		if (bar->kind == PCI_BAR_NONE || bar->kind == PCI_BAR_MEM64_HI ||
		    bar->kind == PCI_BAR_BROKEN || !slot_offset(d, i))
			continue;
		addr = raw_value(d, i) & bar->mask;
		/*
		 * The seed's rule: all address bits set, or bit 63 set.  Also
		 * a 64-bit BAR whose low dword has all its address bits set:
		 * Linux sizes the halves one at a time, so the high half
		 * still holds the address while the low one is sized.
		 */
		bar->probing = addr == bar->mask ||
			       (bar->kind == PCI_BAR_MEM64 &&
				((addr & BIT(63)) ||
				 (u32)addr == (u32)bar->mask));
		if (!bar->probing)
			bar->addr = addr;
	}
}

int pci_bars_rewrite(const struct pci_access *a, struct pci_device *d)
{
	unsigned int i;
	u16 off;
	int err;

	for (i = 0; i < PCI_BAR_SLOTS; i++) {
		if (d->bar[i].kind == PCI_BAR_NONE ||
		    d->bar[i].kind == PCI_BAR_BROKEN)
			continue;
		off = slot_offset(d, i);
		err = pci_cfg_write(a, &d->bdf, off, 4, d->cfg[off >> 2]);
		if (err)
			return err;
	}
	return 0;
}
