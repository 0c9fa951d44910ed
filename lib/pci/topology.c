/*
 * The bus tree: enumeration, parent links, renumbering and reachability.
 *
 * Enumeration probes every function of every bus in a range, as the seed
 * did, so devices behind further host bridges are found without ACPI.
 * Each device is then linked to the bridge whose secondary bus it sits
 * on.  The link is the stable fact; the bus number is not: operating
 * systems renumber bridges (macOS does, with Thunderbolt), and a device's
 * bus is whatever its bridge's secondary bus number says now.
 *
 * Reachability follows how bridges route type 1 configuration cycles
 * (P2P 1.2 §3.1.2): a cycle for bus b goes down through every bridge
 * with secondary < b <= subordinate and becomes a type 0 cycle at the
 * bridge whose secondary equals b.  When the guest is halfway through a
 * renumbering, a device may be unreachable for a while; accessing it then
 * reaches nothing or, worse, another device.  Such devices are flagged
 * so the hypervisor skips work on them, and when the routing comes back
 * they stay "stale" until a reconnect has checked that the same device
 * still answers.
 *
 * Memory and I/O reachability of a BAR is the same idea for windows: every
 * upstream bridge must forward the range (decode enabled, range inside
 * one of its windows).
 */
#include <tv/env.h>
#include <tv/pci.h>

#define MAX_DEPTH	256
#define UNUSABLE	(PCI_DEV_UNREACHABLE | PCI_DEV_STALE | PCI_DEV_GONE)

void pci_topology_init(struct pci_topology *t, struct pci_device *storage,
		       u32 cap, u16 seg)
{
	t->devs = storage;
	t->cap = cap;
	t->count = 0;
	t->seg = seg;
}

int pci_topology_index(const struct pci_topology *t,
		       const struct pci_device *d)
{
	if (d < t->devs || d >= t->devs + t->count)
		return -ENOENT;
	return (int)(d - t->devs);
}

static const struct pci_device *parent_of(const struct pci_topology *t,
					  const struct pci_device *d)
{
	if (d->parent < 0 || (u32)d->parent >= t->count)
		return NULL;
	return &t->devs[d->parent];
}

static bool same_bdf(const struct pci_bdf *x, const struct pci_bdf *y)
{
	return x->seg == y->seg && x->bus == y->bus && x->dev == y->dev &&
	       x->fn == y->fn;
}

struct pci_device *pci_topology_find(struct pci_topology *t,
				     const struct pci_bdf *b)
{
	u32 i;

	for (i = 0; i < t->count; i++) {
		if (!(t->devs[i].flags & UNUSABLE) &&
		    same_bdf(&t->devs[i].bdf, b))
			return &t->devs[i];
	}
	return NULL;
}

/* The bridge (other than self) whose secondary bus is bus, or -1. */
static int bridge_for_bus(const struct pci_topology *t, u8 bus, u32 self,
			  bool initial)
{
	const struct pci_device *p;
	u32 i;

	for (i = 0; i < t->count; i++) {
		p = &t->devs[i];
		if (i == self || !(p->flags & PCI_DEV_BRIDGE) ||
		    (p->flags & PCI_DEV_GONE))
			continue;
		if ((initial ? p->bridge.initial_secondary :
			       p->bridge.secondary) == bus && bus != 0)
			return (int)i;
	}
	return -1;
}

static int scan_fn(const struct pci_access *a, struct pci_topology *t,
		   u8 bus, u8 dev, u8 fn)
{
	struct pci_bdf b = { t->seg, bus, dev, fn };
	u32 id;
	int err;

	/* Look before checking space: a full table is only an error if
	 * another device actually exists. */
	err = pci_cfg_read(a, &b, PCI_VENDOR_ID, 4, &id);
	if (err)
		return err;
	if ((u16)id == 0xffff || (u16)id == 0)
		return -ENODEV;
	if (t->count >= t->cap)
		return -ENOSPC;
	err = pci_device_probe(a, &b, &t->devs[t->count]);
	if (err)
		return err;
	t->count++;
	return 0;
}

static int scan_slot(const struct pci_access *a, struct pci_topology *t,
		     u8 bus, u8 dev)
{
	u8 fn;
	int err;

	err = scan_fn(a, t, bus, dev, 0);
	if (err == -ENODEV)
		return 0;
	if (err)
		return err;
	if (!(t->devs[t->count - 1].flags & PCI_DEV_MULTIFN))
		return 0;
	for (fn = 1; fn < PCI_MAX_FN; fn++) {
		err = scan_fn(a, t, bus, dev, fn);
		if (err && err != -ENODEV)
			return err;
	}
	return 0;
}

int pci_scan(const struct pci_access *a, struct pci_topology *t,
	     u8 first_bus, u8 last_bus)
{
	unsigned int bus;
	u8 dev;
	u32 i;
	int err = 0;

	for (bus = first_bus; bus <= last_bus && !err; bus++) {
		for (dev = 0; dev < PCI_MAX_DEV && !err; dev++)
			err = scan_slot(a, t, (u8)bus, dev);
	}
	for (i = 0; i < t->count; i++)
		t->devs[i].parent = (s16)bridge_for_bus(t, t->devs[i].bdf.bus,
							i, true);
	pci_topology_recompute(t);
	return err;
}

/*
 * Does a type 1 cycle for d's bus reach d?  Its parent must have the bus
 * as secondary; every bridge above must have it strictly inside
 * (secondary, subordinate].
 */
static bool routes_to(const struct pci_topology *t, const struct pci_device *d)
{
	const struct pci_device *p = parent_of(t, d);
	u8 bus = d->bdf.bus;
	int depth;

	if (!p)
		return true;
	if (p->bridge.secondary != bus || bus == 0 ||
	    bus > p->bridge.subordinate)
		return false;
	for (depth = 0; depth < MAX_DEPTH; depth++) {
		if (p->flags & PCI_DEV_GONE)
			return false;
		p = parent_of(t, p);
		if (!p)
			return true;
		if (bus <= p->bridge.secondary || bus > p->bridge.subordinate)
			return false;
	}
	return false;
}

int pci_topology_recompute(struct pci_topology *t)
{
	struct pci_device *d;
	const struct pci_device *p;
	int back = 0;
	u32 i;

	for (i = 0; i < t->count; i++) {
		p = parent_of(t, &t->devs[i]);
		if (p)
			t->devs[i].bdf.bus = p->bridge.secondary;
	}
	for (i = 0; i < t->count; i++) {
		d = &t->devs[i];
		if (!(d->flags & PCI_DEV_GONE) && routes_to(t, d)) {
			if (d->flags & PCI_DEV_UNREACHABLE)
				back++;
			d->flags &= ~PCI_DEV_UNREACHABLE;
		} else {
			d->flags |= PCI_DEV_UNREACHABLE | PCI_DEV_STALE;
		}
	}
	return back;
}

/* Reconnect stale devices in index order; a bridge's refresh may move
 * its children, so recompute until nothing changes (bounded). */
int pci_topology_update(const struct pci_access *a, struct pci_topology *t)
{
	struct pci_device *d;
	int round, r, changed;
	u32 i;

	for (round = 0; round < MAX_DEPTH; round++) {
		pci_topology_recompute(t);
		changed = 0;
		for (i = 0; i < t->count; i++) {
			d = &t->devs[i];
			if ((d->flags & (PCI_DEV_STALE | PCI_DEV_UNREACHABLE |
					 PCI_DEV_GONE)) != PCI_DEV_STALE)
				continue;
			r = pci_device_reconnect(a, d);
			if (r < 0)
				return r;
			changed += r != PCI_RECONNECT_ABSENT;
		}
		if (!changed)
			return 0;
	}
	return 0;
}

int pci_topology_add(const struct pci_access *a, struct pci_topology *t,
		     const struct pci_bdf *b)
{
	struct pci_device *d;
	int parent, err;

	/* A known device that was stale may be what answers now. */
	err = pci_topology_update(a, t);
	if (err)
		return err;
	if (pci_topology_find(t, b))
		return -EEXIST;
	if (t->count >= t->cap)
		return -ENOSPC;
	d = &t->devs[t->count];
	err = pci_device_probe(a, b, d);
	if (err)
		return err;
	parent = bridge_for_bus(t, b->bus, t->count, false);
	d->parent = (s16)parent;
	/* slot= selectors speak in boot-time bus numbers, like the seed. */
	if (parent >= 0)
		d->initial_bus = t->devs[parent].bridge.initial_secondary;
	t->count++;
	pci_topology_recompute(t);
	return (int)(t->count - 1);
}

bool pci_config_reachable(const struct pci_topology *t,
			  const struct pci_device *d)
{
	return !(d->flags & UNUSABLE) && routes_to(t, d);
}

static bool in_window(const struct pci_window *w, u64 start, u64 last)
{
	return w->enabled && start >= w->base && last <= w->limit;
}

static int bridge_forwards(const struct pci_device *p, bool io, u64 start,
			   u64 last)
{
	u32 cmd = pci_cached_read(p, PCI_COMMAND, 2);

	if (!(cmd & (io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY)))
		return PCI_REACH_BRIDGE_DECODE_OFF;
	if (io)
		return in_window(&p->bridge.io, start, last) ?
			PCI_REACH_OK : PCI_REACH_OUTSIDE_WINDOW;
	if (in_window(&p->bridge.mem, start, last) ||
	    in_window(&p->bridge.pref, start, last))
		return PCI_REACH_OK;
	return PCI_REACH_OUTSIDE_WINDOW;
}

static bool bar_assigned(const struct pci_bar *bar)
{
	return (bar->kind == PCI_BAR_IO || bar->kind == PCI_BAR_MEM32 ||
		bar->kind == PCI_BAR_MEM64 || bar->kind == PCI_BAR_ROM) &&
	       !bar->probing && bar->size;
}

static bool bar_decode_on(const struct pci_device *d, unsigned int i)
{
	u32 cmd = pci_cached_read(d, PCI_COMMAND, 2);
	u16 rom;

	if (d->bar[i].kind == PCI_BAR_IO)
		return cmd & PCI_COMMAND_IO;
	if (!(cmd & PCI_COMMAND_MEMORY))
		return false;
	if (d->bar[i].kind != PCI_BAR_ROM)
		return true;
	rom = (d->flags & PCI_DEV_BRIDGE) ? PCI_ROM_ADDRESS1 : PCI_ROM_ADDRESS;
	return pci_cached_read(d, rom, 4) & PCI_ROM_ENABLE;
}

int pci_bar_reachable(const struct pci_topology *t, const struct pci_device *d,
		      unsigned int i)
{
	const struct pci_device *p = d;
	const struct pci_bar *bar;
	u64 last;
	bool io;
	int depth, r;

	if (!pci_config_reachable(t, d))
		return PCI_REACH_BUS_RANGE;
	if (i >= PCI_BAR_SLOTS || !bar_assigned(&d->bar[i]))
		return PCI_REACH_UNASSIGNED;
	bar = &d->bar[i];
	if (!bar_decode_on(d, i))
		return PCI_REACH_DECODE_OFF;
	io = bar->kind == PCI_BAR_IO;
	last = bar->addr + bar->size - 1;
	for (depth = 0; depth < MAX_DEPTH; depth++) {
		p = parent_of(t, p);
		if (!p)
			return PCI_REACH_OK;
		r = bridge_forwards(p, io, bar->addr, last);
		if (r != PCI_REACH_OK)
			return r;
	}
	return PCI_REACH_BUS_RANGE;
}
