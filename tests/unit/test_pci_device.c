/*
 * Unit tests of the lib/pci device model against the simulator
 * (tests/unit/pci_sim.c): enumeration through bridges, identity and
 * capability decoding, BAR sizing of every kind (with decode off and
 * everything restored, even after a failed access), bus renumbering and
 * window moves done by the "guest" through the dispatcher, reachability,
 * reconnecting, hot-plug, and the MSI helpers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <tv/env.h>
#include <tv/pci.h>
#include <tv/pci_match.h>
#include "pci_sim.h"

struct fx {
	struct pci_sim sim;
	struct pci_access a;
	struct pci_device devs[16];
	struct pci_topology t;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	sim_build_default(&f->sim);
	sim_access(&f->sim, &f->a);
	pci_topology_init(&f->t, f->devs, ARRAY_SIZE(f->devs), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static struct fx *scanned(void **state)
{
	struct fx *f = *state;

	assert_int_equal(pci_scan(&f->a, &f->t, 0, 255), 0);
	return f;
}

static struct pci_device *find(struct fx *f, u8 bus, u8 dev, u8 fn)
{
	struct pci_bdf b = { 0, bus, dev, fn };

	return pci_topology_find(&f->t, &b);
}

/* A guest access through the dispatcher; asserts it was not an error. */
static u32 guest(struct fx *f, bool write, u8 bus, u8 dev, u8 fn, u16 off,
		 unsigned int size, u32 v)
{
	struct pci_bdf b = { 0, bus, dev, fn };
	int r = pci_config_dispatch(&f->a, &f->t, write, &b, off, size, &v);

	assert_true(r >= 0);
	return v;
}

static void test_scan_finds_tree(void **state)
{
	static const u8 want[][3] = {
		{ 0, 0, 0 }, { 0, 1, 0 }, { 0, 2, 0 }, { 0, 2, 1 }, { 0, 3, 0 },
		{ 0, 0x1f, 0 }, { 1, 0, 0 }, { 2, 0, 0 }, { 3, 5, 0 },
	};
	struct fx *f = scanned(state);
	struct pci_device *d;
	unsigned int i;

	assert_int_equal(f->t.count, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		d = &f->devs[i];
		assert_int_equal(d->bdf.bus, want[i][0]);
		assert_int_equal(d->bdf.dev, want[i][1]);
		assert_int_equal(d->bdf.fn, want[i][2]);
		assert_int_equal(d->initial_bus, want[i][0]);
		assert_true(pci_config_reachable(&f->t, d));
	}
	/* Parents: TB under RP, NIC under TB, EHCI under P2P. */
	assert_int_equal(f->devs[6].parent, 1);
	assert_int_equal(f->devs[7].parent, 6);
	assert_int_equal(f->devs[8].parent, 4);
	assert_int_equal(f->devs[0].parent, -1);
	assert_int_equal(f->devs[5].parent, -1);
	/* The ghost ISA bridge is single-function: fn 1..7 not probed. */
	assert_null(find(f, 0, 0x1f, 1));
}

static void test_identity_and_caps(void **state)
{
	struct fx *f = scanned(state);
	struct pci_device *nic = find(f, 2, 0, 0), *rp = find(f, 0, 1, 0);
	struct pci_device *ehci = find(f, 3, 5, 0), *vga = find(f, 0, 2, 0);

	assert_non_null(nic);
	assert_int_equal(nic->vendor_id, 0x14e4);
	assert_int_equal(nic->device_id, 0x1682);
	assert_int_equal(nic->class_code, 0x020000);
	assert_int_equal(nic->revision, 0x10);
	assert_int_equal(nic->subsys_vendor_id, 0x106b);
	assert_int_equal(nic->subsys_id, 0x00f6);
	assert_int_equal(nic->msi_cap, 0x50);
	assert_int_equal(nic->pcie_cap, 0x40);
	assert_int_equal(nic->pcie_type, PCI_EXP_TYPE_ENDPOINT);
	assert_true(nic->flags & PCI_DEV_PCIE);
	assert_int_equal(nic->cfg_size, 4096);
	assert_int_equal(pci_cached_read(nic, 0x100, 4), 0x00010001);
	assert_true(rp->flags & PCI_DEV_BRIDGE);
	assert_int_equal(rp->pcie_type, PCI_EXP_TYPE_ROOT_PORT);
	assert_int_equal(rp->msi_cap, 0x60);
	assert_int_equal(ehci->cfg_size, 256);
	assert_false(ehci->flags & PCI_DEV_PCIE);
	assert_true(vga->flags & PCI_DEV_MULTIFN);
	assert_int_equal(vga->header_type, 0x80);
}

static void test_bridge_decode(void **state)
{
	struct fx *f = scanned(state);
	struct pci_device *rp = find(f, 0, 1, 0), *p2p = find(f, 0, 3, 0);

	assert_int_equal(rp->bridge.primary, 0);
	assert_int_equal(rp->bridge.secondary, 1);
	assert_int_equal(rp->bridge.subordinate, 2);
	assert_int_equal(rp->bridge.initial_secondary, 1);
	assert_true(rp->bridge.io.enabled);
	assert_true(rp->bridge.io.base == 0x2000 && rp->bridge.io.limit == 0x2fff);
	assert_true(rp->bridge.mem.base == 0xc0000000ULL);
	assert_true(rp->bridge.mem.limit == 0xc03fffffULL);
	assert_true(rp->bridge.pref.base == 0x800000000ULL);
	assert_true(rp->bridge.pref.limit == 0x80fffffffULL);
	assert_false(p2p->bridge.pref.enabled);
	assert_true(p2p->bridge.mem.enabled);
}

static void expect_bar(const struct pci_bar *b, int kind, bool pref, u64 addr,
		       u64 size)
{
	assert_int_equal(b->kind, kind);
	assert_int_equal(b->prefetchable, pref);
	assert_true(b->addr == addr);
	assert_true(b->size == size);
	assert_false(b->probing);
}

static void test_bar_sizing_every_kind(void **state)
{
	struct fx *f = scanned(state);
	struct pci_device *nic = find(f, 2, 0, 0), *vga = find(f, 0, 2, 0);
	struct pci_device *ehci = find(f, 3, 5, 0), *rp = find(f, 0, 1, 0);

	expect_bar(&nic->bar[0], PCI_BAR_MEM64, false, SIM_NIC_BAR0,
		   SIM_NIC_BAR0_SIZE);
	assert_int_equal(nic->bar[1].kind, PCI_BAR_MEM64_HI);
	expect_bar(&nic->bar[2], PCI_BAR_MEM64, true, SIM_NIC_BAR2,
		   SIM_NIC_BAR2_SIZE);
	assert_int_equal(nic->bar[4].kind, PCI_BAR_NONE);
	expect_bar(&vga->bar[0], PCI_BAR_MEM32, true, SIM_VGA_BAR0,
		   SIM_VGA_BAR0_SIZE);
	expect_bar(&vga->bar[2], PCI_BAR_MEM64, false, SIM_VGA_BAR2,
		   SIM_VGA_BAR2_SIZE);
	expect_bar(&vga->bar[4], PCI_BAR_IO, false, SIM_VGA_BAR4,
		   SIM_VGA_BAR4_SIZE);
	expect_bar(&vga->bar[PCI_BAR_ROM_SLOT], PCI_BAR_ROM, false, SIM_VGA_ROM,
		   SIM_VGA_ROM_SIZE);
	expect_bar(&ehci->bar[0], PCI_BAR_MEM32, false, SIM_EHCI_BAR0,
		   SIM_EHCI_BAR0_SIZE);
	/* 16-bit I/O decode: upper half reads zero, size still right. */
	expect_bar(&ehci->bar[1], PCI_BAR_IO, false, SIM_EHCI_BAR1,
		   SIM_EHCI_BAR1_SIZE);
	assert_int_equal(rp->bar[0].kind, PCI_BAR_NONE);
}

static void test_bar_sizing_restores(void **state)
{
	struct fx *f = *state;
	u32 before[SIM_DEFAULT_COUNT][16];
	int i, r;

	for (i = 0; i < SIM_DEFAULT_COUNT; i++)
		for (r = 0; r < 16; r++)
			before[i][r] = sim_peek(&f->sim, i, r * 4, 4);
	scanned(state);
	/* Decode was on everywhere; sizing must have turned it off. */
	assert_int_equal(f->sim.decode_violations, 0);
	for (i = 0; i < SIM_DEFAULT_COUNT; i++)
		for (r = 0; r < 16; r++)
			assert_int_equal(sim_peek(&f->sim, i, r * 4, 4),
					 before[i][r]);
}

static void test_bar_sizing_failure_restores(void **state)
{
	struct fx *f = scanned(state);
	struct pci_device *vga = find(f, 0, 2, 0);
	u32 bar0 = sim_peek(&f->sim, SIM_VGA, 0x10, 4);
	u32 cmd = sim_peek(&f->sim, SIM_VGA, PCI_COMMAND, 2);

	/* read cmd, write cmd, write BAR0 probe, read back: fails. */
	f->sim.fail_countdown = 3;
	assert_int_equal(pci_bars_size(&f->a, vga), -EIO);
	assert_int_equal(sim_peek(&f->sim, SIM_VGA, 0x10, 4), bar0);
	assert_int_equal(sim_peek(&f->sim, SIM_VGA, PCI_COMMAND, 2), cmd);
	/* Failing the probe write itself: nothing changed either. */
	f->sim.fail_countdown = 2;
	assert_int_equal(pci_bars_size(&f->a, vga), -EIO);
	assert_int_equal(sim_peek(&f->sim, SIM_VGA, 0x10, 4), bar0);
	assert_int_equal(sim_peek(&f->sim, SIM_VGA, PCI_COMMAND, 2), cmd);
}

static void test_scan_without_ecam(void **state)
{
	struct fx *f = *state;
	struct pci_device *nic;

	f->sim.ecam = false;
	scanned(state);
	nic = find(f, 2, 0, 0);
	assert_non_null(nic);
	assert_int_equal(nic->cfg_size, 256);
	assert_true(nic->flags & PCI_DEV_PCIE);
	expect_bar(&nic->bar[0], PCI_BAR_MEM64, false, SIM_NIC_BAR0,
		   SIM_NIC_BAR0_SIZE);
}

static void test_scan_out_of_storage(void **state)
{
	struct fx *f = *state;

	pci_topology_init(&f->t, f->devs, 4, 0);
	assert_int_equal(pci_scan(&f->a, &f->t, 0, 255), -ENOSPC);
	assert_int_equal(f->t.count, 4);
	assert_int_equal(f->devs[1].bdf.dev, 1);
}

/* Guest renumbers the root port: 1-2 becomes 5-6. */
static void renumber_root_port(struct fx *f)
{
	guest(f, true, 0, 1, 0, PCI_PRIMARY_BUS, 4, 0x00060500);
}

static void test_renumber_cuts_off_grandchild(void **state)
{
	struct fx *f = scanned(state);
	struct pci_device *tb = &f->devs[6], *nic = &f->devs[7];
	struct pci_msi m;

	assert_int_equal(pci_msi_probe(&f->a, nic, &m), 0);
	renumber_root_port(f);
	assert_int_equal(sim_bus_of(&f->sim, SIM_TB), 5);
	assert_int_equal(tb->bdf.bus, 5);
	assert_true(pci_config_reachable(&f->t, tb));
	assert_ptr_equal(find(f, 5, 0, 0), tb);
	/* TB still says secondary 2, outside (5, 6]: NIC is cut off. */
	assert_int_equal(nic->bdf.bus, 2);
	assert_false(pci_config_reachable(&f->t, nic));
	assert_true(nic->flags & PCI_DEV_UNREACHABLE);
	assert_null(find(f, 2, 0, 0));
	assert_int_equal(pci_bar_reachable(&f->t, nic, 0), PCI_REACH_BUS_RANGE);
	assert_int_equal(pci_msi_probe(&f->a, nic, &m), -ENODEV);
	assert_int_equal(pci_msi_program(&f->a, nic, &m, 0xfee00000, 0), -ENODEV);
	assert_int_equal(pci_msi_enable(&f->a, nic, &m, true), -ENODEV);
	/* An access to the old address reaches nothing real. */
	assert_int_equal(guest(f, false, 2, 0, 0, 0, 4, 0), 0xffffffff);
}

static void test_renumber_and_reconnect(void **state)
{
	struct fx *f = scanned(state);
	struct pci_device *nic = &f->devs[7];

	renumber_root_port(f);
	nic->changed = 0;
	guest(f, true, 5, 0, 0, PCI_PRIMARY_BUS, 4, 0x00060605);
	assert_int_equal(nic->bdf.bus, 6);
	assert_true(pci_config_reachable(&f->t, nic));
	assert_false(nic->flags & (PCI_DEV_STALE | PCI_DEV_UNREACHABLE));
	assert_true(nic->changed & PCI_CHANGED_RECONNECTED);
	assert_ptr_equal(find(f, 6, 0, 0), nic);
	assert_int_equal(guest(f, false, 6, 0, 0, 0, 2, 0), 0x14e4);
	assert_int_equal(pci_bar_reachable(&f->t, nic, 0), PCI_REACH_OK);
	/* slot= keeps speaking boot-time numbers. */
	assert_int_equal(pci_match_selectors("slot=02:00.0", 12, nic), 1);
	assert_int_equal(pci_match_selectors("slot=06:00.0", 12, nic), 0);
}

static void test_renumber_bytewise_midway(void **state)
{
	struct fx *f = scanned(state);
	struct pci_device *tb = &f->devs[6], *nic = &f->devs[7];

	/* Secondary 7 above subordinate 2: nothing routed for a moment. */
	guest(f, true, 0, 1, 0, PCI_SECONDARY_BUS, 1, 7);
	assert_false(pci_config_reachable(&f->t, tb));
	assert_false(pci_config_reachable(&f->t, nic));
	guest(f, true, 0, 1, 0, PCI_SUBORDINATE_BUS, 1, 8);
	assert_int_equal(tb->bdf.bus, 7);
	assert_true(pci_config_reachable(&f->t, tb));
	assert_false(pci_config_reachable(&f->t, nic));
	guest(f, true, 7, 0, 0, PCI_PRIMARY_BUS, 4, 0x00080807);
	assert_true(pci_config_reachable(&f->t, nic));
	assert_int_equal(nic->bdf.bus, 8);
	assert_int_equal(guest(f, false, 8, 0, 0, 2, 2, 0), 0x1682);
}

static void test_reconnect_detects_other_device(void **state)
{
	struct fx *f = scanned(state);
	struct pci_device *nic = &f->devs[7];

	renumber_root_port(f);
	/* While it is cut off, another device appears at its place. */
	sim_poke(&f->sim, SIM_NIC, PCI_DEVICE_ID, 2, 0x1684);
	guest(f, true, 5, 0, 0, PCI_PRIMARY_BUS, 4, 0x00060605);
	assert_true(nic->flags & PCI_DEV_GONE);
	assert_false(pci_config_reachable(&f->t, nic));
	assert_null(find(f, 6, 0, 0));
	/* So the access passes through to the new device. */
	assert_int_equal(guest(f, false, 6, 0, 0, 2, 2, 0), 0x1684);
}

static void test_window_move_and_bar_move(void **state)
{
	struct fx *f = scanned(state);
	struct pci_device *nic = &f->devs[7], *tb = &f->devs[6];

	assert_int_equal(pci_bar_reachable(&f->t, nic, 0), PCI_REACH_OK);
	/* The guest moves the root port's window to 0xc0400000-0xc07fffff. */
	guest(f, true, 0, 1, 0, PCI_MEMORY_BASE, 4, 0xc070c040);
	assert_true(f->devs[1].changed & PCI_CHANGED_WINDOWS);
	assert_int_equal(pci_bar_reachable(&f->t, nic, 0),
			 PCI_REACH_OUTSIDE_WINDOW);
	/* The prefetchable BAR goes through the prefetchable window. */
	assert_int_equal(pci_bar_reachable(&f->t, nic, 2), PCI_REACH_OK);
	/* Moving the BAR alone is not enough: TB's window is still old. */
	guest(f, true, 2, 0, 0, 0x10, 4, 0xc0400004);
	assert_true(nic->changed & PCI_CHANGED_BARS);
	assert_true(nic->bar[0].addr == 0xc0400000ULL);
	assert_int_equal(pci_bar_reachable(&f->t, nic, 0),
			 PCI_REACH_OUTSIDE_WINDOW);
	guest(f, true, 1, 0, 0, PCI_MEMORY_BASE, 4, 0xc070c040);
	assert_true(tb->bridge.mem.base == 0xc0400000ULL);
	assert_int_equal(pci_bar_reachable(&f->t, nic, 0), PCI_REACH_OK);
}

static void test_bridge_decode_and_fake_command(void **state)
{
	struct fx *f = scanned(state);
	struct pci_device *nic = &f->devs[7], *rp = &f->devs[1];

	guest(f, true, 0, 1, 0, PCI_COMMAND, 2, 0);
	assert_int_equal(pci_bar_reachable(&f->t, nic, 0),
			 PCI_REACH_BRIDGE_DECODE_OFF);
	/* Forcing Memory Space Enable on the bridge keeps it forwarding. */
	pci_set_fake_command(rp, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER,
			     PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	guest(f, true, 0, 1, 0, PCI_COMMAND, 2, 0);
	assert_int_equal(pci_bar_reachable(&f->t, nic, 0), PCI_REACH_OK);
	assert_int_equal(guest(f, false, 0, 1, 0, PCI_COMMAND, 2, 0), 0);
	/* The device's own decode. */
	guest(f, true, 2, 0, 0, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	assert_int_equal(pci_bar_reachable(&f->t, nic, 0), PCI_REACH_DECODE_OFF);
}

static void test_bar_probing_and_rom(void **state)
{
	struct fx *f = scanned(state);
	struct pci_device *ehci = find(f, 3, 5, 0), *vga = find(f, 0, 2, 0);

	guest(f, true, 3, 5, 0, 0x10, 4, 0xffffffff);
	assert_true(ehci->bar[0].probing);
	assert_true(ehci->bar[0].addr == SIM_EHCI_BAR0);
	assert_int_equal(guest(f, false, 3, 5, 0, 0x10, 4, 0),
			 (u32)~(SIM_EHCI_BAR0_SIZE - 1));
	assert_int_equal(pci_bar_reachable(&f->t, ehci, 0),
			 PCI_REACH_UNASSIGNED);
	guest(f, true, 3, 5, 0, 0x10, 4, (u32)SIM_EHCI_BAR0);
	assert_false(ehci->bar[0].probing);
	assert_int_equal(pci_bar_reachable(&f->t, ehci, 0), PCI_REACH_OK);
	/* A 64-bit BAR's halves, sized one at a time as Linux does. */
	guest(f, true, 2, 0, 0, 0x10, 4, 0xffffffff);
	assert_true(find(f, 2, 0, 0)->bar[0].probing);
	assert_true(find(f, 2, 0, 0)->bar[0].addr == SIM_NIC_BAR0);
	guest(f, true, 2, 0, 0, 0x10, 4, (u32)SIM_NIC_BAR0);
	guest(f, true, 2, 0, 0, 0x14, 4, 0xffffffff);
	assert_true(find(f, 2, 0, 0)->bar[0].probing);
	guest(f, true, 2, 0, 0, 0x14, 4, (u32)(SIM_NIC_BAR0 >> 32));
	assert_false(find(f, 2, 0, 0)->bar[0].probing);
	assert_true(find(f, 2, 0, 0)->bar[0].addr == SIM_NIC_BAR0);
	assert_int_equal(pci_bar_reachable(&f->t, ehci, 1), PCI_REACH_OK);
	/* The ROM decodes only with its enable bit set. */
	assert_int_equal(pci_bar_reachable(&f->t, vga, PCI_BAR_ROM_SLOT),
			 PCI_REACH_DECODE_OFF);
	guest(f, true, 0, 2, 0, PCI_ROM_ADDRESS, 4, (u32)SIM_VGA_ROM | 1);
	assert_int_equal(pci_bar_reachable(&f->t, vga, PCI_BAR_ROM_SLOT),
			 PCI_REACH_OK);
	assert_int_equal(pci_bar_reachable(&f->t, vga, 1), PCI_REACH_UNASSIGNED);
}

static void test_bars_rewrite(void **state)
{
	struct fx *f = scanned(state);
	struct pci_device *nic = &f->devs[7];

	/* The seed's Thunderbolt lesson: BARs lost after a BME toggle. */
	sim_poke(&f->sim, SIM_NIC, 0x10, 4, 4);
	sim_poke(&f->sim, SIM_NIC, 0x14, 4, 0);
	sim_poke(&f->sim, SIM_NIC, 0x18, 4, 0xc);
	sim_poke(&f->sim, SIM_NIC, 0x1c, 4, 0);
	assert_int_equal(pci_bars_rewrite(&f->a, nic), 0);
	assert_int_equal(sim_peek(&f->sim, SIM_NIC, 0x10, 4), 0xc0000004);
	assert_int_equal(sim_peek(&f->sim, SIM_NIC, 0x18, 4), 0x0000000c);
	assert_int_equal(sim_peek(&f->sim, SIM_NIC, 0x1c, 4), 0x8);
}

static void test_hotplug_add(void **state)
{
	struct fx *f = scanned(state);
	struct pci_bdf b = { 0, 3, 6, 0 };
	struct pci_bdf b2 = { 0, 9, 1, 0 };
	int idx, n;

	n = sim_add(&f->sim, SIM_P2P, 6, 0, 0x10ec, 0x8168, 0x020000, 0);
	sim_bar(&f->sim, n, 0, PCI_BAR_IO, false, 0x100, 0x3100);
	assert_int_equal(guest(f, false, 3, 6, 0, 0, 4, 0), 0x816810ec);
	idx = pci_topology_add(&f->a, &f->t, &b);
	assert_int_equal(idx, 9);
	assert_int_equal(f->devs[idx].parent, 4);
	assert_int_equal(f->devs[idx].initial_bus, 3);
	assert_ptr_equal(find(f, 3, 6, 0), &f->devs[idx]);
	assert_int_equal(pci_topology_add(&f->a, &f->t, &b), -EEXIST);
	/* A stale device that answers again is reconnected, not duplicated. */
	f->devs[8].flags |= PCI_DEV_STALE;
	b.dev = 5;
	assert_int_equal(pci_topology_add(&f->a, &f->t, &b), -EEXIST);
	assert_false(f->devs[8].flags & PCI_DEV_STALE);
	b.dev = 6;
	/* Hot-plug behind a renumbered bridge: slot= uses boot numbers. */
	guest(f, true, 0, 3, 0, PCI_PRIMARY_BUS, 4, 0x00090900);
	n = sim_add(&f->sim, SIM_P2P, 1, 0, 0x10ec, 0x8139, 0x020000, 0);
	idx = pci_topology_add(&f->a, &f->t, &b2);
	assert_true(idx > 0);
	assert_int_equal(f->devs[idx].initial_bus, 3);
	assert_int_equal(pci_match_selectors("slot=03:01.0", 12, &f->devs[idx]),
			 1);
	b2.dev = 2;
	assert_int_equal(pci_topology_add(&f->a, &f->t, &b2), -ENODEV);
}

static void test_msi_program_enable(void **state)
{
	struct fx *f = scanned(state);
	struct pci_device *nic = &f->devs[7];
	struct pci_msi m;

	assert_int_equal(pci_msi_probe(&f->a, nic, &m), 0);
	assert_int_equal(m.pos, 0x50);
	assert_true(m.flags & PCI_MSI_FLAGS_64BIT);
	assert_int_equal(pci_msi_program(&f->a, nic, &m, 0x1fee00000ULL, 0x4041),
			 0);
	assert_int_equal(sim_peek(&f->sim, SIM_NIC, 0x54, 4), 0xfee00000);
	assert_int_equal(sim_peek(&f->sim, SIM_NIC, 0x58, 4), 1);
	assert_int_equal(sim_peek(&f->sim, SIM_NIC, 0x5c, 2), 0x4041);
	assert_int_equal(pci_msi_program(&f->a, nic, &m, 0xfee00002ULL, 0),
			 -EINVAL);
	/* Multiple Message Enable left by firmware is cleared, the rest kept. */
	sim_poke(&f->sim, SIM_NIC, 0x52, 2, 0x00a4);
	assert_int_equal(pci_msi_enable(&f->a, nic, &m, true), 0);
	assert_int_equal(sim_peek(&f->sim, SIM_NIC, 0x52, 2), 0x0085);
	/* Turning it off leaves the vector count alone. */
	sim_poke(&f->sim, SIM_NIC, 0x52, 2, 0x00a5);
	assert_int_equal(pci_msi_enable(&f->a, nic, &m, false), 0);
	assert_int_equal(sim_peek(&f->sim, SIM_NIC, 0x52, 2), 0x00a4);
}

static void test_msi_32bit_and_no_ecam(void **state)
{
	struct fx *f = scanned(state);
	struct pci_device *rp = &f->devs[1], *ehci = &f->devs[8];
	struct pci_msi m;

	/* MCFG availability is not fixed at boot: drop it now. */
	f->sim.ecam = false;
	assert_int_equal(pci_msi_probe(&f->a, rp, &m), 0);
	assert_int_equal(m.pos, 0x60);
	assert_int_equal(pci_msi_program(&f->a, rp, &m, 0x100000000ULL, 0),
			 -ERANGE);
	assert_int_equal(pci_msi_program(&f->a, rp, &m, 0xfee01000ULL, 0x30), 0);
	assert_int_equal(sim_peek(&f->sim, SIM_RP, 0x64, 4), 0xfee01000);
	assert_int_equal(sim_peek(&f->sim, SIM_RP, 0x68, 2), 0x30);
	assert_int_equal(pci_msi_probe(&f->a, ehci, &m), -ENOENT);
}

static void test_msi_follows_renumbering(void **state)
{
	struct fx *f = scanned(state);
	struct pci_device *nic = &f->devs[7];
	struct pci_msi m;

	assert_int_equal(pci_msi_probe(&f->a, nic, &m), 0);
	renumber_root_port(f);
	guest(f, true, 5, 0, 0, PCI_PRIMARY_BUS, 4, 0x00060605);
	assert_int_equal(pci_msi_program(&f->a, nic, &m, 0xfee00000ULL, 0x55), 0);
	assert_int_equal(sim_peek(&f->sim, SIM_NIC, 0x5c, 2), 0x55);
}

static void test_cap_list_loop(void **state)
{
	struct fx *f = scanned(state);
	struct pci_device *nic = &f->devs[7];
	u8 pos;

	/* MSI's next pointer back to the PCIe capability: a loop. */
	sim_poke(&f->sim, SIM_NIC, 0x51, 1, 0x40);
	assert_int_equal(pci_cap_find(&f->a, nic, PCI_CAP_ID_MSIX, &pos), -EIO);
	assert_int_equal(pci_cap_find(&f->a, nic, PCI_CAP_ID_EXP, &pos), 0);
	assert_int_equal(pos, 0x40);
	sim_poke(&f->sim, SIM_NIC, PCI_STATUS, 2, 0);
	assert_int_equal(pci_cap_find(&f->a, nic, PCI_CAP_ID_EXP, &pos), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_scan_finds_tree),
		T(test_identity_and_caps),
		T(test_bridge_decode),
		T(test_bar_sizing_every_kind),
		T(test_bar_sizing_restores),
		T(test_bar_sizing_failure_restores),
		T(test_scan_without_ecam),
		T(test_scan_out_of_storage),
		T(test_renumber_cuts_off_grandchild),
		T(test_renumber_and_reconnect),
		T(test_renumber_bytewise_midway),
		T(test_reconnect_detects_other_device),
		T(test_window_move_and_bar_move),
		T(test_bridge_decode_and_fake_command),
		T(test_bar_probing_and_rom),
		T(test_bars_rewrite),
		T(test_hotplug_add),
		T(test_msi_program_enable),
		T(test_msi_32bit_and_no_ecam),
		T(test_msi_follows_renumbering),
		T(test_cap_list_loop),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
