/*
 * Configuration addresses: the two ways a guest (or the hypervisor) names
 * a function's register, reduced to one (segment, bus, device, function,
 * byte offset) form that the rest of lib/pci works with.
 *
 * Port path: the guest writes CONFIG_ADDRESS (0xCF8) and then reads or
 * writes CONFIG_DATA (0xCFC..0xCFF).  The register number in 0xCF8 is a
 * dword index; the byte offset is that plus the data port's low two bits.
 * On AMD CPUs with EnableCf8ExtCfg set, bits 27:24 extend the register
 * number to reach the 4 KiB PCIe space; elsewhere those bits are reserved
 * and must be ignored, not decoded, or a guest that leaves junk there
 * would address the wrong register.
 *
 * ECAM path: each function owns a 4 KiB page at base + bus<<20 | dev<<15 |
 * fn<<12.  An MCFG entry's base is the address of bus 0 even when the
 * entry starts at a higher bus, so only [start_bus, end_bus] exist.
 *
 * Also here: the checked entry points to the access ops, so every caller
 * gets the same size/alignment/range validation before hardware sees it.
 */
#include <tv/env.h>
#include <tv/pci.h>

static u32 field_get(u64 mask, u32 v)
{
	return (u32)((v & mask) >> __builtin_ctzll(mask));
}

static u32 field_prep(u64 mask, u32 v)
{
	return (u32)(((u64)v << __builtin_ctzll(mask)) & mask);
}

bool pci_cfg_access_ok(u16 off, unsigned int size)
{
	if (size != 1 && size != 2 && size != 4)
		return false;
	if (off & (size - 1))
		return false;
	return (u32)off + size <= PCI_CFG_SIZE_EXT;
}

int pci_cfg_read(const struct pci_access *a, const struct pci_bdf *b,
		 u16 off, unsigned int size, u32 *val)
{
	u32 v = 0;
	int err;

	if (!pci_cfg_access_ok(off, size) || b->dev >= PCI_MAX_DEV ||
	    b->fn >= PCI_MAX_FN)
		return -EINVAL;
	err = a->ops->read(a->ctx, b->seg, b->bus, b->dev, b->fn, off, size,
			   &v);
	if (err)
		return err;
	if (size < 4)
		v &= (u32)GENMASK(size * 8 - 1, 0);
	*val = v;
	return 0;
}

int pci_cfg_write(const struct pci_access *a, const struct pci_bdf *b,
		  u16 off, unsigned int size, u32 val)
{
	if (!pci_cfg_access_ok(off, size) || b->dev >= PCI_MAX_DEV ||
	    b->fn >= PCI_MAX_FN)
		return -EINVAL;
	if (size < 4)
		val &= (u32)GENMASK(size * 8 - 1, 0);
	return a->ops->write(a->ctx, b->seg, b->bus, b->dev, b->fn, off, size,
			     val);
}

/* ---- port path ---- */

void pci_cf8_decode(u32 cf8, bool amd_ext, struct pci_cf8 *out)
{
	u16 reg = (u16)(field_get(PCI_CF8_REG, cf8) << 2);

	if (amd_ext)
		reg |= (u16)(field_get(PCI_CF8_EXT_REG, cf8) << 8);
	out->enabled = !!(cf8 & PCI_CF8_ENABLE);
	out->bus = (u8)field_get(PCI_CF8_BUS, cf8);
	out->dev = (u8)field_get(PCI_CF8_DEV, cf8);
	out->fn = (u8)field_get(PCI_CF8_FN, cf8);
	out->reg = reg;
}

u32 pci_cf8_encode(u8 bus, u8 dev, u8 fn, u16 off, bool amd_ext)
{
	u32 v = (u32)PCI_CF8_ENABLE;

	v |= field_prep(PCI_CF8_BUS, bus);
	v |= field_prep(PCI_CF8_DEV, dev);
	v |= field_prep(PCI_CF8_FN, fn);
	v |= field_prep(PCI_CF8_REG, (off >> 2) & 0x3f);
	if (amd_ext)
		v |= field_prep(PCI_CF8_EXT_REG, (off >> 8) & 0xf);
	return v;
}

int pci_cf8_data_access(u32 cf8, bool amd_ext, u16 port, unsigned int size,
			u16 seg, struct pci_bdf *bdf, u16 *off)
{
	unsigned int lane;
	struct pci_cf8 c;

	if (port < PCI_CONFIG_DATA_PORT || port > PCI_CONFIG_DATA_PORT + 3)
		return -EINVAL;
	lane = port - PCI_CONFIG_DATA_PORT;
	/* 0xCFE as a dword, or 0xCFD as a word, leaves the data window. */
	if ((size != 1 && size != 2 && size != 4) || (lane & (size - 1)))
		return -EINVAL;
	pci_cf8_decode(cf8, amd_ext, &c);
	if (!c.enabled)
		return -ENODEV;
	bdf->seg = seg;
	bdf->bus = c.bus;
	bdf->dev = c.dev;
	bdf->fn = c.fn;
	*off = (u16)(c.reg + lane);
	return 0;
}

/* ---- ECAM path ---- */

u64 pci_mcfg_window_start(const struct pci_mcfg *m)
{
	return m->base + (u64)m->start_bus * PCI_ECAM_BUS_SIZE;
}

u64 pci_mcfg_window_size(const struct pci_mcfg *m)
{
	if (m->end_bus < m->start_bus)
		return 0;
	return (u64)(m->end_bus - m->start_bus + 1) * PCI_ECAM_BUS_SIZE;
}

bool pci_mcfg_covers(const struct pci_mcfg *m, u16 seg, u8 bus)
{
	return m->seg == seg && bus >= m->start_bus && bus <= m->end_bus;
}

const struct pci_mcfg *pci_mcfg_find(const struct pci_mcfg *table, size_t n,
				     u16 seg, u8 bus)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (pci_mcfg_covers(&table[i], seg, bus))
			return &table[i];
	}
	return NULL;
}

int pci_ecam_decode(const struct pci_mcfg *m, u64 phys, unsigned int size,
		    struct pci_bdf *bdf, u16 *off)
{
	u64 start = pci_mcfg_window_start(m);
	u64 rel;

	if (phys < start || phys - start >= pci_mcfg_window_size(m))
		return -ERANGE;
	rel = phys - m->base;
	if (!pci_cfg_access_ok((u16)(rel & PCI_ECAM_REG), size))
		return -EINVAL;
	bdf->seg = m->seg;
	bdf->bus = (u8)((rel & PCI_ECAM_BUS) >> 20);
	bdf->dev = (u8)((rel & PCI_ECAM_DEV) >> 15);
	bdf->fn = (u8)((rel & PCI_ECAM_FN) >> 12);
	*off = (u16)(rel & PCI_ECAM_REG);
	return 0;
}

int pci_ecam_address(const struct pci_mcfg *m, const struct pci_bdf *b,
		     u16 off, u64 *phys)
{
	if (!pci_mcfg_covers(m, b->seg, b->bus) || b->dev >= PCI_MAX_DEV ||
	    b->fn >= PCI_MAX_FN || off >= PCI_CFG_SIZE_EXT)
		return -ERANGE;
	*phys = m->base + ((u64)b->bus << 20) + ((u64)b->dev << 15) +
		((u64)b->fn << 12) + off;
	return 0;
}
