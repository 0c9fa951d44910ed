/*
 * One PCI function as the hypervisor knows it: a cached copy of its
 * configuration space plus the fields derived from it (identity, header
 * kind, capabilities, bridge bus numbers and windows, BARs).
 *
 * The cache holds hardware values: what the last read through the library
 * returned, or what the hardware reads back after the last write.  It is
 * never the guest's view (the fake command bits live in their own
 * fields), so decisions such as "does this bridge forward memory" see
 * what the hardware does.  Derived fields are recomputed from the cache
 * by pci_device_decode() whenever the cache changes, so they cannot drift
 * apart.
 *
 * Reconnecting (after bridges routed away from a device and back) checks
 * the vendor/device and class dwords first: another device may now answer
 * at that address, and a driver must never be attached to it silently.
 */
#include <tv/env.h>
#include <tv/pci.h>

u32 pci_cached_read(const struct pci_device *d, u16 off, unsigned int size)
{
	u32 v;

	if (!pci_cfg_access_ok(off, size))
		return 0;
	v = d->cfg[off >> 2] >> ((off & 3) * 8);
	if (size < 4)
		v &= (u32)GENMASK(size * 8 - 1, 0);
	return v;
}

static int read_range(const struct pci_access *a, struct pci_device *d,
		      u16 off, u16 end)
{
	int err;

	for (off &= ~3; off < end; off += 4) {
		err = pci_cfg_read(a, &d->bdf, off, 4, &d->cfg[off >> 2]);
		if (err)
			return err;
	}
	return 0;
}

/* Walk the capability list in the cache (PCI 3.0 §6.7). */
static u8 cached_cap_find(const struct pci_device *d, u8 id)
{
	u8 pos;
	int n;

	if (!(pci_cached_read(d, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = pci_cached_read(d, PCI_CAPABILITY_LIST, 1) & PCI_CAP_PTR_MASK;
	for (n = 0; n < PCI_CAP_MAX_WALK && pos >= 0x40; n++) {
		if (pci_cached_read(d, pos + PCI_CAP_ID, 1) == id)
			return pos;
		pos = pci_cached_read(d, pos + PCI_CAP_NEXT, 1) &
		      PCI_CAP_PTR_MASK;
	}
	return 0;
}

/* I/O window, P2P 1.2 §3.2.5.6 and §3.2.5.11: 4 KiB granular. */
static void decode_io_window(struct pci_device *d)
{
	u32 base = pci_cached_read(d, PCI_IO_BASE, 1);
	u32 limit = pci_cached_read(d, PCI_IO_LIMIT, 1);
	struct pci_window *w = &d->bridge.io;

	w->base = (u64)(base & PCI_IO_RANGE_ADDR) << 8;
	w->limit = ((u64)(limit & PCI_IO_RANGE_ADDR) << 8) | 0xfff;
	if ((base & PCI_IO_RANGE_TYPE) == PCI_IO_RANGE_TYPE_32) {
		w->base |= (u64)pci_cached_read(d, PCI_IO_BASE_UPPER16, 2) << 16;
		w->limit |= (u64)pci_cached_read(d, PCI_IO_LIMIT_UPPER16, 2)
			    << 16;
	}
	w->enabled = w->base <= w->limit;
}

/* Memory windows, §3.2.5.8 to §3.2.5.10: 1 MiB granular. */
static void decode_mem_window(struct pci_device *d, struct pci_window *w,
			      u16 base_off, bool pref)
{
	u32 base = pci_cached_read(d, base_off, 2);
	u32 limit = pci_cached_read(d, base_off + 2, 2);

	w->base = (u64)(base & PCI_MEMORY_RANGE_ADDR) << 16;
	w->limit = ((u64)(limit & PCI_MEMORY_RANGE_ADDR) << 16) | 0xfffff;
	if (pref && (base & PCI_PREF_RANGE_TYPE) == PCI_PREF_RANGE_TYPE_64) {
		w->base |= (u64)pci_cached_read(d, PCI_PREF_BASE_UPPER32, 4)
			   << 32;
		w->limit |= (u64)pci_cached_read(d, PCI_PREF_LIMIT_UPPER32, 4)
			    << 32;
	}
	w->enabled = w->base <= w->limit;
}

static void decode_bridge(struct pci_device *d)
{
	d->bridge.primary = (u8)pci_cached_read(d, PCI_PRIMARY_BUS, 1);
	d->bridge.secondary = (u8)pci_cached_read(d, PCI_SECONDARY_BUS, 1);
	d->bridge.subordinate = (u8)pci_cached_read(d, PCI_SUBORDINATE_BUS, 1);
	decode_io_window(d);
	decode_mem_window(d, &d->bridge.mem, PCI_MEMORY_BASE, false);
	decode_mem_window(d, &d->bridge.pref, PCI_PREF_MEMORY_BASE, true);
}

static void decode_identity(struct pci_device *d)
{
	u8 type;

	d->vendor_id = (u16)pci_cached_read(d, PCI_VENDOR_ID, 2);
	d->device_id = (u16)pci_cached_read(d, PCI_DEVICE_ID, 2);
	d->revision = (u8)pci_cached_read(d, PCI_REVISION_ID, 1);
	d->class_code = pci_cached_read(d, PCI_CLASS_REVISION, 4) >> 8;
	d->header_type = (u8)pci_cached_read(d, PCI_HEADER_TYPE, 1);
	type = d->header_type & PCI_HEADER_TYPE_MASK;
	d->flags &= ~(PCI_DEV_BRIDGE | PCI_DEV_MULTIFN | PCI_DEV_PCIE);
	if (type == PCI_HEADER_TYPE_BRIDGE)
		d->flags |= PCI_DEV_BRIDGE;
	if (d->header_type & PCI_HEADER_TYPE_MULTIFN)
		d->flags |= PCI_DEV_MULTIFN;
	if (type == PCI_HEADER_TYPE_NORMAL) {
		d->subsys_vendor_id =
			(u16)pci_cached_read(d, PCI_SUBSYSTEM_VENDOR_ID, 2);
		d->subsys_id = (u16)pci_cached_read(d, PCI_SUBSYSTEM_ID, 2);
	}
}

void pci_device_decode(struct pci_device *d)
{
	decode_identity(d);
	d->msi_cap = cached_cap_find(d, PCI_CAP_ID_MSI);
	d->pcie_cap = cached_cap_find(d, PCI_CAP_ID_EXP);
	if (d->pcie_cap) {
		d->flags |= PCI_DEV_PCIE;
		d->pcie_type = (u8)((pci_cached_read(d, d->pcie_cap +
						     PCI_EXP_FLAGS, 2) &
				     PCI_EXP_FLAGS_TYPE) >> 4);
	}
	if (d->flags & PCI_DEV_BRIDGE)
		decode_bridge(d);
	pci_bars_decode(d);
}

/*
 * A PCI Express function has 4 KiB; reach it only if the access can
 * (-ERANGE: no ECAM for this bus, so the cache stays 256 bytes).
 */
static int read_extended(const struct pci_access *a, struct pci_device *d)
{
	u32 v;
	int err;

	if (!(d->flags & PCI_DEV_PCIE))
		return 0;
	err = pci_cfg_read(a, &d->bdf, PCI_CFG_SIZE, 4, &v);
	if (err == -ERANGE)
		return 0;
	if (err)
		return err;
	err = read_range(a, d, PCI_CFG_SIZE, PCI_CFG_SIZE_EXT);
	if (err)
		return err;
	d->cfg_size = PCI_CFG_SIZE_EXT;
	return 0;
}

static bool vendor_absent(u32 id)
{
	u16 vendor = (u16)id;

	return vendor == 0xffff || vendor == 0;
}

int pci_device_probe(const struct pci_access *a, const struct pci_bdf *bdf,
		     struct pci_device *d)
{
	u32 id;
	int err;

	err = pci_cfg_read(a, bdf, PCI_VENDOR_ID, 4, &id);
	if (err)
		return err;
	if (vendor_absent(id))
		return -ENODEV;
	memset(d, 0, sizeof(*d));
	d->bdf = *bdf;
	d->initial_bus = bdf->bus;
	d->parent = -1;
	d->cfg_size = PCI_CFG_SIZE;
	err = read_range(a, d, 0, PCI_CFG_SIZE);
	if (err)
		return err;
	pci_device_decode(d);
	err = read_extended(a, d);
	if (err)
		return err;
	err = pci_bars_size(a, d);
	if (err)
		return err;
	pci_device_decode(d);
	d->bridge.initial_secondary = d->bridge.secondary;
	return 0;
}

int pci_device_refresh(const struct pci_access *a, struct pci_device *d,
		       u16 off, u16 len)
{
	u32 end = (u32)off + len;
	int err;

	if (end > d->cfg_size)
		return -EINVAL;
	err = read_range(a, d, off, (u16)end);
	pci_device_decode(d);
	return err;
}

int pci_device_reconnect(const struct pci_access *a, struct pci_device *d)
{
	u32 id, class_rev;
	int err;

	err = pci_cfg_read(a, &d->bdf, PCI_VENDOR_ID, 4, &id);
	if (!err)
		err = pci_cfg_read(a, &d->bdf, PCI_CLASS_REVISION, 4,
				   &class_rev);
	if (err)
		return err;
	if ((u16)id == 0xffff)
		return PCI_RECONNECT_ABSENT;
	if (id != d->cfg[0] || class_rev != d->cfg[PCI_CLASS_REVISION >> 2]) {
		d->flags |= PCI_DEV_GONE | PCI_DEV_UNREACHABLE;
		return PCI_RECONNECT_CHANGED;
	}
	/* The standard header: bus numbers, windows and BARs may have moved. */
	err = pci_device_refresh(a, d, 0, 0x40);
	if (err)
		return err;
	d->flags &= ~PCI_DEV_STALE;
	d->changed |= PCI_CHANGED_RECONNECTED;
	return PCI_RECONNECT_SAME;
}
