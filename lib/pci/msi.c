/*
 * Capability lists and MSI (PCI 3.0 §6.7, §6.8.1), for drivers in the
 * hypervisor that take an interrupt from a device they own.
 *
 * Every helper takes the access and the device, and reads the hardware
 * each time at the device's current address: the seed looked up its MCFG
 * mapping once at init, so a later bus renumbering sent its MSI writes to
 * the wrong function.  A device the bridges do not route to right now is
 * refused with -ENODEV instead of being written blindly.
 *
 * Message Control is updated read-modify-write: the seed wrote a constant
 * and so clobbered the Multiple Message Enable field it did not own.
 */
#include <tv/env.h>
#include <tv/pci.h>

static bool usable(const struct pci_device *d)
{
	return !(d->flags & (PCI_DEV_UNREACHABLE | PCI_DEV_STALE |
			     PCI_DEV_GONE));
}

int pci_cap_find(const struct pci_access *a, const struct pci_device *d,
		 u8 id, u8 *pos)
{
	u32 status, ptr, hdr;
	int n, err;

	if (!usable(d))
		return -ENODEV;
	err = pci_cfg_read(a, &d->bdf, PCI_STATUS, 2, &status);
	if (err)
		return err;
	if (!(status & PCI_STATUS_CAP_LIST))
		return -ENOENT;
	err = pci_cfg_read(a, &d->bdf, PCI_CAPABILITY_LIST, 1, &ptr);
	if (err)
		return err;
	ptr &= PCI_CAP_PTR_MASK;
	for (n = 0; n < PCI_CAP_MAX_WALK; n++) {
		if (ptr < 0x40)
			return -ENOENT;
		err = pci_cfg_read(a, &d->bdf, (u16)ptr, 2, &hdr);
		if (err)
			return err;
		if ((hdr & 0xff) == id) {
			*pos = (u8)ptr;
			return 0;
		}
		ptr = (hdr >> 8) & PCI_CAP_PTR_MASK;
	}
	return -EIO;	/* the list loops */
}

int pci_msi_probe(const struct pci_access *a, const struct pci_device *d,
		  struct pci_msi *m)
{
	u32 flags;
	u8 pos;
	int err;

	err = pci_cap_find(a, d, PCI_CAP_ID_MSI, &pos);
	if (err)
		return err;
	err = pci_cfg_read(a, &d->bdf, pos + PCI_MSI_FLAGS, 2, &flags);
	if (err)
		return err;
	m->pos = pos;
	m->flags = (u16)flags;
	return 0;
}

int pci_msi_program(const struct pci_access *a, const struct pci_device *d,
		    const struct pci_msi *m, u64 addr, u16 data)
{
	bool is64 = m->flags & PCI_MSI_FLAGS_64BIT;
	int err;

	if (!usable(d))
		return -ENODEV;
	if (addr & 3)
		return -EINVAL;
	if ((addr >> 32) && !is64)
		return -ERANGE;
	err = pci_cfg_write(a, &d->bdf, m->pos + PCI_MSI_ADDRESS_LO, 4,
			    (u32)addr);
	if (!err && is64)
		err = pci_cfg_write(a, &d->bdf, m->pos + PCI_MSI_ADDRESS_HI, 4,
				    (u32)(addr >> 32));
	if (err)
		return err;
	return pci_cfg_write(a, &d->bdf,
			     m->pos + (is64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32),
			     2, data);
}

int pci_msi_enable(const struct pci_access *a, const struct pci_device *d,
		   const struct pci_msi *m, bool on)
{
	u32 ctl;
	int err;

	if (!usable(d))
		return -ENODEV;
	err = pci_cfg_read(a, &d->bdf, m->pos + PCI_MSI_FLAGS, 2, &ctl);
	if (err)
		return err;
	/* One vector: Multiple Message Enable = 0 when turning it on. */
	if (on)
		ctl = (ctl & ~(u32)PCI_MSI_FLAGS_QSIZE) | PCI_MSI_FLAGS_ENABLE;
	else
		ctl &= ~(u32)PCI_MSI_FLAGS_ENABLE;
	return pci_cfg_write(a, &d->bdf, m->pos + PCI_MSI_FLAGS, 2, ctl);
}
