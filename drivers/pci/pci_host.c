/*
 * The guest's PCI configuration space, as thinvisor presents it.
 *
 * Both ways the guest reaches configuration space end in one dispatcher
 * (lib/pci pci_config_dispatch): the port pair 0xCF8/0xCFC — the guest's
 * 0xCF8 value is kept in memory and never written to the hardware by the
 * guest itself, so the hypervisor's own port accesses cannot race it — and
 * the ECAM windows of the MCFG table, trapped through nested paging and
 * decoded by the MMIO emulator.  Devices without a driver are passed
 * through; `vmm.driver.pci` lines (the seed's selector grammar) give
 * devices to drivers, `driver=conceal` makes one vanish.
 */
#include <tv/env.h>
#include <tv/fmt.h>
#include <tv/hv.h>
#include "pci_host.h"

#define PCI_CF8		0xcf8
#define PCI_CFC		0xcfc

static u32 pci_warned;

static int cf8_port(struct per_cpu *cpu, u16 port, unsigned int size,
		    bool write, u32 *val, void *ctx)
{
	pci_addr_lock(cpu);
	if (size == 4) {
		if (write)
			pci_host.guest_cf8 = *val;
		else
			*val = pci_host.guest_cf8;
	} else if (write) {
		/* Not a configuration address (e.g. a byte at 0xCF8). */
		pci_port_out(pci_host.guest_cf8, port, size, *val);
	} else {
		*val = pci_port_in(pci_host.guest_cf8, port, size);
	}
	pci_addr_unlock(cpu);
	return 0;
}

/* Under the address lock. */
static void dispatch(struct per_cpu *cpu, bool write, const struct pci_bdf *b,
		     u16 off, unsigned int size, u32 *val)
{
	struct pci_device *d = NULL;
	u64 old_bars[PCI_BAR_SLOTS];
	int r;

	if (write)
		d = pci_topology_find(&pci_host.topo, b);
	if (d && d->driver && d->driver != &pci_driver_conceal)
		pci_bars_snapshot(d, old_bars);
	else
		d = NULL;
	r = pci_config_dispatch(&pci_hw, &pci_host.topo, write, b, off, size,
				val);
	if (d && r >= 0)
		pci_follow_bars(d, old_bars);
	if (r < 0) {
		log_ratelimited(pci_warned, "pci: %02x:%02x.%x+%x: access "
				"failed (%d)\n", b->bus, b->dev, b->fn, off, r);
		if (!write)
			*val = 0xffffffff;
	}
}

static int cfc_port(struct per_cpu *cpu, u16 port, unsigned int size,
		    bool write, u32 *val, void *ctx)
{
	struct pci_bdf b;
	u16 off;
	int err;

	pci_addr_lock(cpu);
	err = pci_cf8_data_access(pci_host.guest_cf8, false, port, size, 0, &b,
				  &off);
	if (!err) {
		dispatch(cpu, write, &b, off, size, val);
	} else if (write) {
		pci_port_out(pci_host.guest_cf8, port, size, *val);
	} else {
		*val = pci_port_in(pci_host.guest_cf8, port, size);
	}
	pci_addr_unlock(cpu);
	return 0;
}

static int ecam_mmio(struct per_cpu *cpu, u64 gpa, unsigned int size,
		     bool write, u64 *val, void *ctx)
{
	const struct pci_mcfg *m = ctx;
	struct pci_bdf b;
	u32 v = (u32)*val;
	u16 off;

	if (size == 8) {	/* two aligned dwords */
		u64 lo = *val, hi = *val >> 32;
		int err = ecam_mmio(cpu, gpa, 4, write, &lo, ctx);

		if (!err)
			err = ecam_mmio(cpu, gpa + 4, 4, write, &hi, ctx);
		*val = (lo & 0xffffffff) | (hi << 32);
		return err;
	}
	pci_addr_lock(cpu);
	if (!pci_ecam_decode(m, gpa, size, &b, &off))
		dispatch(cpu, write, &b, off, size, &v);
	else if (!write)
		v = 0xffffffff;
	pci_addr_unlock(cpu);
	if (!write)
		*val = v;
	return 0;
}

int pci_traps_init(void)
{
	unsigned int i;
	int err;

	/* One port at 0xCF8: 0xCF9 (reset control) stays the guest's. */
	err = io_register(PCI_CF8, 1, cf8_port, NULL);
	if (!err)
		err = io_register(PCI_CFC, 4, cfc_port, NULL);
	for (i = 0; !err && i < hv_nmcfg; i++)
		err = mmio_register(pci_mcfg_window_start(&hv_mcfg[i]),
				    pci_mcfg_window_size(&hv_mcfg[i]),
				    ecam_mmio, &hv_mcfg[i]);
	return err;
}
