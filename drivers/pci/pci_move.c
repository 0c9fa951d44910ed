/*
 * Hooks that follow the BARs the guest moves.
 *
 * A driver's MMIO and port handlers sit on its device's BARs.  The guest
 * owns the BARs: Linux reassigns them on a rescan or with pci=realloc, a
 * Thunderbolt dock moves whole bridges.  After every guest write to a
 * device that has a driver, each BAR's address is compared with the one
 * before the write; for one that moved, the handlers inside the old range
 * move by the same distance (core/mmio.c, core/io.c) and the driver hears
 * of it (bar_moved).  A BAR in the middle of sizing (probing) keeps its
 * last real address and is not followed.
 *
 * If the new place cannot be trapped at all (trap tables could not be
 * allocated), the device is taken away from the guest, as a device we
 * cannot shadow is at boot: a driver's device left reachable but
 * untrapped would let the guest go around it (fail closed).
 *
 * Runs under the address lock, from the configuration-space dispatcher.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include "pci_host.h"

static u32 move_warned;

void pci_bars_snapshot(const struct pci_device *d, u64 *addr)
{
	unsigned int i;

	for (i = 0; i < PCI_BAR_SLOTS; i++)
		addr[i] = d->bar[i].addr;
}

/*
 * MMIO hooks cover whole pages, so a BAR smaller than a page is hooked on
 * the pages around it: move those pages.  A move that changes the BAR's
 * offset inside its page cannot be followed page for page (-EXDEV).
 */
static int move_hooks(const struct pci_bar *bar, u64 old)
{
	u64 first = ALIGN_DOWN(old, 4096);
	u64 span = ALIGN_UP(old + bar->size, 4096) - first;

	if (bar->kind == PCI_BAR_IO) {
		if (old + bar->size > 0x10000 || bar->addr + bar->size > 0x10000)
			return -ERANGE;
		return io_move((u16)old, (u16)bar->size, (u16)bar->addr);
	}
	if ((old ^ bar->addr) & 0xfff)
		return mmio_hooked(first, span) ? -EXDEV : 0;
	return mmio_move(first, span, ALIGN_DOWN(bar->addr, 4096));
}

static void take_away(struct pci_device *d, int err)
{
	log_printf("pci: %02x:%02x.%x: cannot follow a moved BAR (%d): "
		   "concealed\n", d->bdf.bus, d->bdf.dev, d->bdf.fn, err);
	d->driver = &pci_driver_conceal;
	pci_conceal_resources(d);
}

void pci_follow_bars(struct pci_device *d, const u64 *old)
{
	const struct pci_driver_desc *drv = d->driver;
	unsigned int i;
	int r;

	for (i = 0; i < PCI_BAR_ROM_SLOT && d->driver == drv; i++) {
		const struct pci_bar *bar = &d->bar[i];

		if (bar->addr == old[i] || bar->probing || !bar->size ||
		    (bar->kind != PCI_BAR_IO && bar->kind != PCI_BAR_MEM32 &&
		     bar->kind != PCI_BAR_MEM64))
			continue;
		r = move_hooks(bar, old[i]);
		if (!r)
			continue;	/* no hook in this BAR */
		log_ratelimited(move_warned, "pci: %02x:%02x.%x: BAR%u moved "
				"%llx -> %llx: hooks %s\n", d->bdf.bus,
				d->bdf.dev, d->bdf.fn, i,
				(unsigned long long)old[i],
				(unsigned long long)bar->addr,
				r > 0 ? "follow" : r == -ERANGE ?
				"parked (not trappable there)" : "lost");
		if (r < 0 && r != -ERANGE) {
			take_away(d, r);
			break;
		}
		if (drv->bar_moved)
			drv->bar_moved(d, i, old[i], r > 0);
	}
}
