/*
 * Unit tests of the default configuration handlers and the dispatcher
 * (lib/pci/config.c) against the simulator.  Every access goes the way a
 * guest's does: encoded as a 0xCF8 value plus a data port, or as an ECAM
 * address, decoded by lib/pci/addr.c and handed to pci_config_dispatch,
 * so the "offset honoured on both paths" property of the seed's rework
 * is checked on every offset and size.  Also: fake command rules (guest
 * sees its virtual bits, hardware gets the fixed ones), status RW1C, the
 * cache refresh and change flags after writes, ghost functions, driver
 * hooks and driver=conceal, and error handling.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <tv/env.h>
#include <tv/pci.h>
#include "pci_sim.h"

enum path { PORT, ECAM };

struct fx {
	struct pci_sim sim;
	struct pci_access a;
	struct pci_device devs[16];
	struct pci_topology t;
};

static const struct pci_mcfg mcfg = { 0xe0000000, 0, 0, 255 };

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	sim_build_default(&f->sim);
	sim_access(&f->sim, &f->a);
	pci_topology_init(&f->t, f->devs, ARRAY_SIZE(f->devs), 0);
	if (pci_scan(&f->a, &f->t, 0, 255))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* A guest access on one path; returns the dispatcher's result. */
static int access_on(struct fx *f, enum path p, bool write, u8 bus, u8 dev,
		     u8 fn, u16 off, unsigned int size, u32 *v)
{
	struct pci_bdf in = { 0, bus, dev, fn }, b;
	u64 phys;
	u16 o;

	if (p == PORT) {
		u32 cf8 = pci_cf8_encode(bus, dev, fn, off, true);

		assert_int_equal(pci_cf8_data_access(cf8, true, 0xcfc + (off & 3),
						     size, 0, &b, &o), 0);
	} else {
		assert_int_equal(pci_ecam_address(&mcfg, &in, off, &phys), 0);
		assert_int_equal(pci_ecam_decode(&mcfg, phys, size, &b, &o), 0);
	}
	assert_int_equal(o, off);
	return pci_config_dispatch(&f->a, &f->t, write, &b, o, size, v);
}

static u32 rd(struct fx *f, enum path p, u8 bus, u8 dev, u8 fn, u16 off,
	      unsigned int size)
{
	u32 v = 0xdeadbeef;

	assert_int_equal(access_on(f, p, false, bus, dev, fn, off, size, &v),
			 PCI_DISPATCH_DEVICE);
	return v;
}

static void wr(struct fx *f, enum path p, u8 bus, u8 dev, u8 fn, u16 off,
	       unsigned int size, u32 v)
{
	assert_int_equal(access_on(f, p, true, bus, dev, fn, off, size, &v),
			 PCI_DISPATCH_DEVICE);
}

static void read_every_offset(struct fx *f, enum path p)
{
	static const unsigned int sizes[] = { 1, 2, 4 };
	unsigned int i, off;

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		for (off = 0; off < 4096; off += sizes[i])
			if (rd(f, p, 2, 0, 0, off, sizes[i]) !=
			    sim_peek(&f->sim, SIM_NIC, off, sizes[i]))
				fail_msg("path %d size %u offset 0x%x", p,
					 sizes[i], off);
}

static void test_read_offsets_port(void **state)
{
	read_every_offset(*state, PORT);
}

static void test_read_offsets_ecam(void **state)
{
	read_every_offset(*state, ECAM);
}

/* Writes at odd offsets in a writable vendor area of the 4 KiB space. */
static void write_offsets(struct fx *f, enum path p)
{
	struct pci_device *nic = &f->devs[7];

	memset(f->sim.fn[SIM_NIC].wmask + 0x200, 0xff, 16);
	wr(f, p, 2, 0, 0, 0x201, 1, 0x5a);
	wr(f, p, 2, 0, 0, 0x206, 2, 0x1234);
	wr(f, p, 2, 0, 0, 0x20c, 4, 0xcafef00d);
	wr(f, p, 2, 0, 0, 0x3c, 1, 0x0b);
	assert_int_equal(sim_peek(&f->sim, SIM_NIC, 0x200, 4), 0x00005a00);
	assert_int_equal(sim_peek(&f->sim, SIM_NIC, 0x204, 4), 0x12340000);
	assert_int_equal(sim_peek(&f->sim, SIM_NIC, 0x20c, 4), 0xcafef00d);
	assert_int_equal(sim_peek(&f->sim, SIM_NIC, 0x3c, 1), 0x0b);
	/* And the cache followed. */
	assert_int_equal(pci_cached_read(nic, 0x206, 2), 0x1234);
	assert_int_equal(pci_cached_read(nic, 0x20c, 4), 0xcafef00d);
	assert_int_equal(pci_cached_read(nic, 0x3c, 1), 0x0b);
	assert_int_equal(rd(f, p, 2, 0, 0, 0x207, 1), 0x12);
}

static void test_write_offsets_port(void **state)
{
	write_offsets(*state, PORT);
}

static void test_write_offsets_ecam(void **state)
{
	write_offsets(*state, ECAM);
}

/* Bridge: MSE and BME forced on in hardware, guest sees its own bits. */
static void fake_command(struct fx *f, enum path p)
{
	struct pci_device *rp = &f->devs[1];
	const u16 mb = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;

	pci_set_fake_command(rp, mb, mb);
	assert_int_equal(rd(f, p, 0, 1, 0, PCI_COMMAND, 2), 0x0007);
	wr(f, p, 0, 1, 0, PCI_COMMAND, 2, 0x0000);
	assert_int_equal(sim_peek(&f->sim, SIM_RP, PCI_COMMAND, 2), 0x0006);
	assert_int_equal(rd(f, p, 0, 1, 0, PCI_COMMAND, 2), 0x0000);
	assert_int_equal(rd(f, p, 0, 1, 0, PCI_COMMAND, 1), 0x00);
	assert_int_equal(rd(f, p, 0, 1, 0, PCI_COMMAND, 4),
			 sim_peek(&f->sim, SIM_RP, PCI_STATUS, 2) << 16);
	/* Byte write of BME only. */
	wr(f, p, 0, 1, 0, PCI_COMMAND, 1, PCI_COMMAND_MASTER);
	assert_int_equal(sim_peek(&f->sim, SIM_RP, PCI_COMMAND, 2), 0x0006);
	assert_int_equal(rd(f, p, 0, 1, 0, PCI_COMMAND, 2), PCI_COMMAND_MASTER);
	/* Dword write: I/O is not faked and reaches the hardware. */
	wr(f, p, 0, 1, 0, PCI_COMMAND, 4, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	assert_int_equal(sim_peek(&f->sim, SIM_RP, PCI_COMMAND, 2), 0x0007);
	assert_int_equal(rd(f, p, 0, 1, 0, PCI_COMMAND, 2), 0x0003);
	/* The high byte (INTx disable) is not masked. */
	wr(f, p, 0, 1, 0, PCI_COMMAND + 1, 1, 0x04);
	assert_int_equal(sim_peek(&f->sim, SIM_RP, PCI_COMMAND, 2), 0x0407);
	assert_int_equal(rd(f, p, 0, 1, 0, PCI_COMMAND, 2), 0x0403);
	assert_int_equal(rd(f, p, 0, 1, 0, PCI_COMMAND + 1, 1), 0x04);
	/* The cache holds hardware values, not the guest's view. */
	assert_int_equal(pci_cached_read(rp, PCI_COMMAND, 2), 0x0407);
}

static void test_fake_command_port(void **state)
{
	fake_command(*state, PORT);
}

static void test_fake_command_ecam(void **state)
{
	fake_command(*state, ECAM);
}

static void test_fake_command_force_off(void **state)
{
	struct fx *f = *state;
	struct pci_device *ehci = &f->devs[8];

	/* virtio=1 style: keep the real I/O decode off whatever the guest does. */
	pci_set_fake_command(ehci, PCI_COMMAND_IO, 0);
	wr(f, PORT, 3, 5, 0, PCI_COMMAND, 2, 0x0007);
	assert_int_equal(sim_peek(&f->sim, SIM_EHCI, PCI_COMMAND, 2), 0x0006);
	assert_int_equal(rd(f, ECAM, 3, 5, 0, PCI_COMMAND, 2), 0x0007);
	wr(f, ECAM, 3, 5, 0, PCI_COMMAND, 2, 0x0002);
	assert_int_equal(rd(f, PORT, 3, 5, 0, PCI_COMMAND, 2), 0x0002);
	assert_int_equal(sim_peek(&f->sim, SIM_EHCI, PCI_COMMAND, 2), 0x0002);
}

static void test_fake_command_high_byte(void **state)
{
	struct fx *f = *state;

	/* A faked bit in the high byte: byte writes to offset 4 keep it. */
	pci_set_fake_command(&f->devs[7], PCI_COMMAND_INTX_DISABLE,
			     PCI_COMMAND_INTX_DISABLE);
	wr(f, PORT, 2, 0, 0, PCI_COMMAND, 2, 0x0400);
	assert_int_equal(rd(f, ECAM, 2, 0, 0, PCI_COMMAND, 2), 0x0400);
	wr(f, ECAM, 2, 0, 0, PCI_COMMAND, 1, 0x07);
	assert_int_equal(rd(f, PORT, 2, 0, 0, PCI_COMMAND, 2), 0x0407);
	wr(f, PORT, 2, 0, 0, PCI_COMMAND + 1, 1, 0x00);
	assert_int_equal(rd(f, PORT, 2, 0, 0, PCI_COMMAND, 2), 0x0007);
	assert_int_equal(sim_peek(&f->sim, SIM_NIC, PCI_COMMAND, 2), 0x0407);
}

static void test_apply_fake_command(void **state)
{
	struct fx *f = *state;
	struct pci_device *rp = &f->devs[1];
	const u16 mb = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;

	wr(f, PORT, 0, 1, 0, PCI_COMMAND, 2, 0);
	pci_set_fake_command(rp, mb, mb);
	/* Nothing reaches the hardware until applied ... */
	assert_int_equal(sim_peek(&f->sim, SIM_RP, PCI_COMMAND, 2), 0);
	assert_int_equal(pci_apply_fake_command(&f->a, rp), 0);
	assert_int_equal(sim_peek(&f->sim, SIM_RP, PCI_COMMAND, 2), mb);
	/* ... and the guest still sees what it wrote. */
	assert_int_equal(rd(f, PORT, 0, 1, 0, PCI_COMMAND, 2), 0);
}

static void test_status_rw1c(void **state)
{
	struct fx *f = *state;
	struct pci_device *nic = &f->devs[7];

	/* A command write carrying status zeros clears nothing. */
	wr(f, PORT, 2, 0, 0, PCI_COMMAND, 4, 0x00000006);
	assert_int_equal(sim_peek(&f->sim, SIM_NIC, PCI_STATUS, 2), 0x2010);
	wr(f, ECAM, 2, 0, 0, PCI_STATUS, 2, 0x2000);
	assert_int_equal(sim_peek(&f->sim, SIM_NIC, PCI_STATUS, 2), 0x0010);
	assert_int_equal(pci_cached_read(nic, PCI_STATUS, 2), 0x0010);
}

static void test_cache_holds_hardware_values(void **state)
{
	struct fx *f = *state;
	struct pci_device *nic = &f->devs[7];

	/* Read-only vendor ID: the cache keeps what the hardware keeps. */
	wr(f, PORT, 2, 0, 0, PCI_VENDOR_ID, 2, 0x1234);
	assert_int_equal(pci_cached_read(nic, PCI_VENDOR_ID, 2), 0x14e4);
	assert_int_equal(nic->vendor_id, 0x14e4);
}

struct flag_case {
	int dev;		/* index in the topology */
	u16 off;
	unsigned int size;
	u32 val;
	u32 want;
};

static void test_write_change_flags(void **state)
{
	static const struct flag_case cases[] = {
		{ 1, PCI_COMMAND, 2, 7, PCI_CHANGED_COMMAND },
		{ 1, PCI_PRIMARY_BUS, 1, 0, PCI_CHANGED_BUSES },
		{ 1, PCI_SEC_LATENCY_TIMER, 1, 0x20, 0 },
		{ 1, PCI_IO_BASE, 1, 0x21, PCI_CHANGED_WINDOWS },
		{ 1, PCI_SEC_STATUS, 2, 0, 0 },
		{ 1, PCI_PREF_MEMORY_BASE, 4, 0x80f18001, PCI_CHANGED_WINDOWS },
		{ 1, PCI_IO_BASE_UPPER16, 4, 0, PCI_CHANGED_WINDOWS },
		{ 1, PCI_BRIDGE_CONTROL, 2, 0, PCI_CHANGED_BRIDGE_CTL },
		{ 1, 0x10, 4, 0, PCI_CHANGED_BARS },
		{ 1, PCI_ROM_ADDRESS1, 4, 0, PCI_CHANGED_BARS },
		{ 1, PCI_INTERRUPT_LINE, 1, 5, 0 },
		{ 7, 0x18, 4, 0x0000000c, PCI_CHANGED_BARS },
		{ 7, PCI_ROM_ADDRESS, 4, 0, PCI_CHANGED_BARS },
		{ 7, PCI_SUBSYSTEM_VENDOR_ID, 2, 0, 0 },
		{ 7, PCI_CACHE_LINE_SIZE, 1, 0x10, 0 },
		{ 7, 0x1fc, 4, 0, 0 },
	};
	struct fx *f = *state;
	struct pci_device *d;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		d = &f->devs[cases[i].dev];
		d->changed = 0;
		wr(f, PORT, d->bdf.bus, d->bdf.dev, d->bdf.fn, cases[i].off,
		   cases[i].size, cases[i].val);
		if ((d->changed & ~PCI_CHANGED_RECONNECTED) != cases[i].want)
			fail_msg("case %u: changed 0x%x, want 0x%x", i,
				 d->changed, cases[i].want);
	}
}

static void test_ghost_function_concealed(void **state)
{
	struct fx *f = *state;
	u32 v = 0;

	assert_int_equal(access_on(f, PORT, false, 0, 0x1f, 3, 0, 4, &v),
			 PCI_DISPATCH_CONCEALED);
	assert_int_equal(v, 0xffffffff);
	v = 0x55;
	assert_int_equal(access_on(f, ECAM, true, 0, 0x1f, 2,
				   PCI_INTERRUPT_LINE, 1, &v),
			 PCI_DISPATCH_CONCEALED);
	/* The ghost would have written function 0's register. */
	assert_int_equal(sim_peek(&f->sim, SIM_ISA, PCI_INTERRUPT_LINE, 1), 0);
}

static void test_unknown_passthrough(void **state)
{
	struct fx *f = *state;
	unsigned int writes = f->sim.writes;
	u32 v = 0;

	/* An empty slot, and an absent function of a multi-function device. */
	assert_int_equal(access_on(f, PORT, false, 0, 5, 0, 0, 4, &v),
			 PCI_DISPATCH_PASSTHROUGH);
	assert_int_equal(v, 0xffffffff);
	assert_int_equal(access_on(f, ECAM, false, 0, 2, 5, 0, 2, &v),
			 PCI_DISPATCH_PASSTHROUGH);
	assert_int_equal(v, 0xffff);
	v = 0;
	assert_int_equal(access_on(f, PORT, true, 0, 5, 0, 0x3c, 1, &v),
			 PCI_DISPATCH_PASSTHROUGH);
	assert_int_equal(f->sim.writes, writes + 1);
}

static void test_conceal_driver(void **state)
{
	struct fx *f = *state;
	struct pci_device *ehci = &f->devs[8];

	ehci->driver = &pci_driver_conceal;
	assert_int_equal(rd(f, PORT, 3, 5, 0, 0, 4), 0xffffffff);
	assert_int_equal(rd(f, ECAM, 3, 5, 0, 0x3c, 1), 0xff);
	wr(f, ECAM, 3, 5, 0, PCI_INTERRUPT_LINE, 1, 9);
	wr(f, PORT, 3, 5, 0, PCI_COMMAND, 2, 0);
	assert_int_equal(sim_peek(&f->sim, SIM_EHCI, PCI_INTERRUPT_LINE, 1), 0);
	assert_int_equal(sim_peek(&f->sim, SIM_EHCI, PCI_COMMAND, 2), 7);
}

static unsigned int hook_writes;

static int hook_read(const struct pci_access *a, struct pci_device *d,
		     unsigned int size, u16 off, u32 *data)
{
	if (off != PCI_SUBSYSTEM_VENDOR_ID || size != 4)
		return PCI_HOOK_DEFAULT;
	*data = 0x12345678;
	return PCI_HOOK_DONE;
}

static int hook_write(const struct pci_access *a, struct pci_device *d,
		      unsigned int size, u16 off, u32 *data)
{
	hook_writes++;
	if (off == PCI_INTERRUPT_LINE)
		*data = 0x0e;	/* rewrite, then let the default run */
	return PCI_HOOK_DEFAULT;
}

static const struct pci_driver_desc hook_driver = {
	.name = "hook", .config_read = hook_read, .config_write = hook_write,
};

static void test_driver_hooks(void **state)
{
	struct fx *f = *state;
	struct pci_device *nic = &f->devs[7];

	hook_writes = 0;
	nic->driver = &hook_driver;
	assert_int_equal(rd(f, PORT, 2, 0, 0, PCI_SUBSYSTEM_VENDOR_ID, 4),
			 0x12345678);
	assert_int_equal(rd(f, PORT, 2, 0, 0, PCI_SUBSYSTEM_VENDOR_ID, 2),
			 0x106b);
	wr(f, ECAM, 2, 0, 0, PCI_INTERRUPT_LINE, 1, 3);
	assert_int_equal(hook_writes, 1);
	assert_int_equal(sim_peek(&f->sim, SIM_NIC, PCI_INTERRUPT_LINE, 1), 0x0e);
}

static void test_bad_accesses(void **state)
{
	struct fx *f = *state;
	struct pci_bdf b = { 0, 2, 0, 0 };
	unsigned int reads = f->sim.reads;
	u32 v = 0;

	assert_int_equal(pci_config_dispatch(&f->a, &f->t, false, &b, 0, 3, &v),
			 -EINVAL);
	assert_int_equal(pci_config_dispatch(&f->a, &f->t, false, &b, 2, 4, &v),
			 -EINVAL);
	assert_int_equal(pci_config_dispatch(&f->a, &f->t, true, &b, 0x1000, 1,
					     &v), -EINVAL);
	assert_int_equal(pci_handle_default_config_write(&f->a, &f->devs[7], 2,
							 5, &v), -EINVAL);
	assert_int_equal(pci_handle_default_config_read(&f->a, &f->devs[7], 4,
							6, &v), -EINVAL);
	assert_int_equal(f->sim.reads, reads);
	/* Hardware errors come back as they are. */
	f->sim.fail_countdown = 0;
	assert_int_equal(pci_config_dispatch(&f->a, &f->t, false, &b, 0, 4, &v),
			 -EIO);
	/* No ECAM: extended offsets fail, the first 256 bytes still work. */
	f->sim.ecam = false;
	assert_int_equal(pci_config_dispatch(&f->a, &f->t, false, &b, 0x100, 4,
					     &v), -ERANGE);
	assert_int_equal(rd(f, PORT, 2, 0, 0, 0, 2), 0x14e4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_read_offsets_port),
		T(test_read_offsets_ecam),
		T(test_write_offsets_port),
		T(test_write_offsets_ecam),
		T(test_fake_command_port),
		T(test_fake_command_ecam),
		T(test_fake_command_force_off),
		T(test_fake_command_high_byte),
		T(test_apply_fake_command),
		T(test_status_rw1c),
		T(test_cache_holds_hardware_values),
		T(test_write_change_flags),
		T(test_ghost_function_concealed),
		T(test_unknown_passthrough),
		T(test_conceal_driver),
		T(test_driver_hooks),
		T(test_bad_accesses),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
