/*
 * The configuration-access API of the seed's reworked design, under its
 * names so that its readers find their way (SEED.md item 4):
 *   pci_{read,write,readwrite}_config_pmio(bus, dev, fn, offset, size, data)
 *	through the ports, race-free (address lock + I/O lock), offset < 256;
 *   their _mmio twins taking the MCFG segment, through ECAM;
 *   pci_config_read/write(struct pci_device *, data, size, offset)
 *	for drivers: ECAM when an MCFG window covers the device's bus *now*,
 *	ports otherwise (decided per call, never cached), and a write
 *	refreshes the device's cached configuration.
 * (pci_handle_default_config_read/write keep the seed's arguments after an
 * access argument, in lib/pci.)  All return 0 or -errno; data is size bytes.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include "pci_host.h"

#define PCI_CFC		0xcfc

static bool args_ok(u16 offset, unsigned int size, u16 limit)
{
	return pci_cfg_access_ok(offset, size) && offset + size <= limit;
}

int pci_readwrite_config_pmio(u8 bus, u8 dev, u8 fn, u16 offset,
			      unsigned int size, void *data, bool write)
{
	u32 cf8 = pci_cf8_encode(bus, dev, fn, offset, false), v = 0;

	if (!args_ok(offset, size, 256))
		return -EINVAL;
	pci_addr_lock(NULL);
	if (write) {
		memcpy(&v, data, size);
		pci_port_out(cf8, PCI_CFC + (offset & 3), size, v);
	} else {
		v = pci_port_in(cf8, PCI_CFC + (offset & 3), size);
		memcpy(data, &v, size);
	}
	pci_addr_unlock(NULL);
	return 0;
}

int pci_read_config_pmio(u8 bus, u8 dev, u8 fn, u16 offset, unsigned int size,
			 void *data)
{
	return pci_readwrite_config_pmio(bus, dev, fn, offset, size, data, false);
}

int pci_write_config_pmio(u8 bus, u8 dev, u8 fn, u16 offset, unsigned int size,
			  const void *data)
{
	return pci_readwrite_config_pmio(bus, dev, fn, offset, size, (void *)data,
					 true);
}

/* ECAM wants one access of exactly the requested size. */
static void ecam_store(volatile u8 *p, const void *data, unsigned int size)
{
	u32 v = 0;

	memcpy(&v, data, size);
	if (size == 4)
		*(volatile u32 *)p = v;
	else if (size == 2)
		*(volatile u16 *)p = (u16)v;
	else
		*p = (u8)v;
}

static void ecam_load(volatile u8 *p, void *data, unsigned int size)
{
	u32 v = size == 4 ? *(volatile u32 *)p :
		size == 2 ? *(volatile u16 *)p : *p;

	memcpy(data, &v, size);
}

int pci_readwrite_config_mmio(const struct pci_mcfg *m, u8 bus, u8 dev, u8 fn,
			      u16 offset, unsigned int size, void *data,
			      bool write)
{
	struct pci_bdf b = { m->seg, bus, dev, fn };
	volatile u8 *p;
	u64 pa;

	if (!args_ok(offset, size, 4096) || !pci_mcfg_covers(m, m->seg, bus) ||
	    pci_ecam_address(m, &b, offset, &pa))
		return -EINVAL;
	p = (volatile u8 *)pa;
	pci_addr_lock(NULL);
	if (write)
		ecam_store(p, data, size);
	else
		ecam_load(p, data, size);
	pci_addr_unlock(NULL);
	return 0;
}

int pci_read_config_mmio(const struct pci_mcfg *m, u8 bus, u8 dev, u8 fn,
			 u16 offset, unsigned int size, void *data)
{
	return pci_readwrite_config_mmio(m, bus, dev, fn, offset, size, data,
					 false);
}

int pci_write_config_mmio(const struct pci_mcfg *m, u8 bus, u8 dev, u8 fn,
			  u16 offset, unsigned int size, const void *data)
{
	return pci_readwrite_config_mmio(m, bus, dev, fn, offset, size,
					 (void *)data, true);
}

int pci_config_read(struct pci_device *d, void *data, unsigned int size,
		    u16 offset)
{
	u32 v;
	int err;

	pci_addr_lock(NULL);
	err = pci_cfg_read(&pci_hw, &d->bdf, offset, size, &v);
	pci_addr_unlock(NULL);
	if (!err)
		memcpy(data, &v, size);
	return err;
}

int pci_config_write(struct pci_device *d, const void *data, unsigned int size,
		     u16 offset)
{
	u32 v = 0;
	int err;

	memcpy(&v, data, size);
	pci_addr_lock(NULL);
	err = pci_cfg_write(&pci_hw, &d->bdf, offset, size, v);
	if (!err)
		err = pci_device_refresh(&pci_hw, d, offset & ~3u, 4);
	pci_addr_unlock(NULL);
	return err;
}
