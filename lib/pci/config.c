/*
 * Guest configuration accesses: the default read/write handlers and the
 * dispatcher that both the port path (0xCF8/0xCFC) and the ECAM path
 * feed, so the two paths cannot behave differently (the seed honoured the
 * offset argument only on its MCFG path).
 *
 * The default handlers pass the access to the device's current address
 * and then apply a small policy, written as data: the read_rules and
 * write_rules tables list the header registers that need more than
 * pass-through, for which header type, what the hardware value must be
 * adjusted to, and which PCI_CHANGED_* bit a write raises.  Only the
 * command register is adjusted today (fake command rules); the others
 * just tell the caller what moved so that it re-reads and re-checks
 * reachability instead of touching a device through a stale picture.
 *
 * Fake command rules (the seed's fake_command_mask/fixed/virtual): for
 * the bits in mask, the hardware always gets the fixed value and the
 * guest reads back what it last wrote.  This is how Memory Space Enable
 * is kept on for a Thunderbolt bridge that stops DMA for good when bus
 * mastering is attempted with MSE off, while Windows toggles the bits.
 * The rules work per byte, so a 1-, 2- or 4-byte access at offset 4 or
 * 5 (or 6 for the status half) gets the same treatment.
 *
 * After a write, the dwords it touched are read back into the cache, and
 * the derived fields are recomputed.
 */
#include <tv/env.h>
#include <tv/pci.h>

#define HDR_ANY		0xff

struct pci_rule {
	u16 start;		/* byte range [start, end) */
	u16 end;
	u8 header;		/* PCI_HEADER_TYPE_* or HDR_ANY */
	u32 changed;		/* PCI_CHANGED_* raised by a write */
	void (*adjust)(struct pci_device *d, u16 off, unsigned int size,
		       u32 *val);
};

static u32 lane_mask(unsigned int size)
{
	return (u32)GENMASK(size * 8 - 1, 0);
}

/* Place the 16-bit command value v into the byte lanes of an access. */
static u32 cmd_to_lanes(u16 v, u16 off, unsigned int size)
{
	u32 out = 0;
	unsigned int k;
	u16 pos;

	for (k = 0; k < 2; k++) {
		pos = PCI_COMMAND + k;
		if (pos >= off && pos < off + size)
			out |= (u32)((v >> (8 * k)) & 0xff) << ((pos - off) * 8);
	}
	return out;
}

/* The command bits an access carries (bytes it does not cover are 0). */
static u16 cmd_from_lanes(u32 data, u16 off, unsigned int size)
{
	u16 out = 0;
	unsigned int k;
	u16 pos;

	for (k = 0; k < 2; k++) {
		pos = PCI_COMMAND + k;
		if (pos >= off && pos < off + size)
			out |= (u16)(((data >> ((pos - off) * 8)) & 0xff)
				     << (8 * k));
	}
	return out;
}

static void fake_command_read(struct pci_device *d, u16 off,
			      unsigned int size, u32 *val)
{
	u32 mask = cmd_to_lanes(d->fake_command_mask, off, size);

	*val = (*val & ~mask) |
	       (cmd_to_lanes(d->fake_command_virtual, off, size) & mask);
}

static void fake_command_write(struct pci_device *d, u16 off,
			       unsigned int size, u32 *val)
{
	u16 covered = cmd_from_lanes(0xffffffff, off, size);
	u16 guest = cmd_from_lanes(*val, off, size);
	u32 mask = cmd_to_lanes(d->fake_command_mask, off, size);

	d->fake_command_virtual = (d->fake_command_virtual & ~covered) |
				  (guest & covered & d->fake_command_mask);
	*val = (*val & ~mask) |
	       (cmd_to_lanes(d->fake_command_fixed, off, size) & mask);
}

static const struct pci_rule read_rules[] = {
	{ PCI_COMMAND, PCI_COMMAND + 2, HDR_ANY, 0, fake_command_read },
};

/* Header registers whose writes need more than pass-through. */
static const struct pci_rule write_rules[] = {
	/* PCI 3.0 §6.2.2: fake command rules. */
	{ PCI_COMMAND, PCI_COMMAND + 2, HDR_ANY, PCI_CHANGED_COMMAND,
	  fake_command_write },
	/* PCI 3.0 §6.2.5.1, §6.2.5.2: BARs and the expansion ROM. */
	{ PCI_BASE_ADDRESS_0, 0x28, PCI_HEADER_TYPE_NORMAL, PCI_CHANGED_BARS,
	  NULL },
	{ PCI_ROM_ADDRESS, 0x34, PCI_HEADER_TYPE_NORMAL, PCI_CHANGED_BARS,
	  NULL },
	/* P2P 1.2 §3.2.5.1: a bridge's own two BARs. */
	{ PCI_BASE_ADDRESS_0, 0x18, PCI_HEADER_TYPE_BRIDGE, PCI_CHANGED_BARS,
	  NULL },
	/* §3.2.5.2 to §3.2.5.4: primary, secondary, subordinate bus. */
	{ PCI_PRIMARY_BUS, PCI_SEC_LATENCY_TIMER, PCI_HEADER_TYPE_BRIDGE,
	  PCI_CHANGED_BUSES, NULL },
	/* §3.2.5.6, §3.2.5.8 to §3.2.5.11: I/O and memory windows. */
	{ PCI_IO_BASE, PCI_SEC_STATUS, PCI_HEADER_TYPE_BRIDGE,
	  PCI_CHANGED_WINDOWS, NULL },
	{ PCI_MEMORY_BASE, 0x34, PCI_HEADER_TYPE_BRIDGE, PCI_CHANGED_WINDOWS,
	  NULL },
	/* §3.2.5.13: the bridge's expansion ROM. */
	{ PCI_ROM_ADDRESS1, 0x3c, PCI_HEADER_TYPE_BRIDGE, PCI_CHANGED_BARS,
	  NULL },
	/* §3.2.5.16: bridge control (secondary bus reset, VGA, ...). */
	{ PCI_BRIDGE_CONTROL, 0x40, PCI_HEADER_TYPE_BRIDGE,
	  PCI_CHANGED_BRIDGE_CTL, NULL },
};

static bool rule_applies(const struct pci_rule *r, const struct pci_device *d,
			 u16 off, unsigned int size)
{
	u8 type = d->header_type & PCI_HEADER_TYPE_MASK;

	if (r->header != HDR_ANY && r->header != type)
		return false;
	return off < r->end && off + size > r->start;
}

/* Apply every matching rule; return the PCI_CHANGED_* bits raised. */
static u32 apply_rules(const struct pci_rule *rules, size_t n,
		       struct pci_device *d, u16 off, unsigned int size,
		       u32 *val)
{
	u32 changed = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!rule_applies(&rules[i], d, off, size))
			continue;
		if (rules[i].adjust)
			rules[i].adjust(d, off, size, val);
		changed |= rules[i].changed;
	}
	return changed;
}

int pci_handle_default_config_read(const struct pci_access *a,
				   struct pci_device *d, unsigned int size,
				   u16 off, u32 *data)
{
	u32 v;
	int err;

	err = pci_cfg_read(a, &d->bdf, off, size, &v);
	if (err)
		return err;
	apply_rules(read_rules, ARRAY_SIZE(read_rules), d, off, size, &v);
	*data = v & lane_mask(size);
	return 0;
}

/* Read back the dwords a write touched (inside the cached size). */
static int refresh_after_write(const struct pci_access *a,
			       struct pci_device *d, u16 off,
			       unsigned int size)
{
	u16 pos = off & ~3;
	int err;

	if (pos >= d->cfg_size)
		return 0;
	err = pci_cfg_read(a, &d->bdf, pos, 4, &d->cfg[pos >> 2]);
	if (err)
		return err;
	pci_device_decode(d);
	return 0;
}

int pci_handle_default_config_write(const struct pci_access *a,
				    struct pci_device *d, unsigned int size,
				    u16 off, u32 *data)
{
	u32 hw, changed;
	int err;

	if (!pci_cfg_access_ok(off, size))
		return -EINVAL;
	hw = *data & lane_mask(size);
	changed = apply_rules(write_rules, ARRAY_SIZE(write_rules), d, off,
			      size, &hw);
	err = pci_cfg_write(a, &d->bdf, off, size, hw);
	if (err)
		return err;
	d->changed |= changed;
	return refresh_after_write(a, d, off, size);
}

void pci_set_fake_command(struct pci_device *d, u16 mask, u16 fixed)
{
	u16 cur = (u16)pci_cached_read(d, PCI_COMMAND, 2);

	/* The guest keeps seeing what it saw: its view of the new bits. */
	cur = (cur & ~d->fake_command_mask) |
	      (d->fake_command_virtual & d->fake_command_mask);
	d->fake_command_mask = mask;
	d->fake_command_fixed = fixed & mask;
	d->fake_command_virtual = cur & mask;
}

int pci_apply_fake_command(const struct pci_access *a, struct pci_device *d)
{
	u32 cmd = pci_cached_read(d, PCI_COMMAND, 2);
	int err;

	cmd = (cmd & ~(u32)d->fake_command_mask) | d->fake_command_fixed;
	err = pci_cfg_write(a, &d->bdf, PCI_COMMAND, 2, cmd);
	if (err)
		return err;
	return refresh_after_write(a, d, PCI_COMMAND, 2);
}

/* ---- driver=conceal ---- */

static int conceal_read(const struct pci_access *a, struct pci_device *d,
			unsigned int size, u16 off, u32 *data)
{
	*data = lane_mask(size);
	return PCI_HOOK_DONE;
}

static int conceal_write(const struct pci_access *a, struct pci_device *d,
			 unsigned int size, u16 off, u32 *data)
{
	return PCI_HOOK_DONE;
}

/*
 * No device list (the seed wrote "id=:", a pattern nothing matches): a
 * clause must select what to conceal.
 */
const struct pci_driver_desc pci_driver_conceal = {
	.name = "conceal",
	.options = NULL,
	.device = NULL,
	.config_read = conceal_read,
	.config_write = conceal_write,
};

/* ---- the dispatcher ---- */

static int run_hook(const struct pci_access *a, struct pci_device *d,
		    bool write, unsigned int size, u16 off, u32 *data)
{
	const struct pci_driver_desc *drv = d->driver;

	if (!drv)
		return PCI_HOOK_DEFAULT;
	if (write && drv->config_write)
		return drv->config_write(a, d, size, off, data);
	if (!write && drv->config_read)
		return drv->config_read(a, d, size, off, data);
	return PCI_HOOK_DEFAULT;
}

/*
 * A function the topology does not know.  Functions 1..7 of a known
 * single-function device are ghosts on some hardware (the device ignores
 * the function number): hide them.  Anything else goes to the hardware
 * unchanged; hiding 0xFFFF functions broke EFI variables on some Macs.
 */
static int dispatch_unknown(const struct pci_access *a,
			    struct pci_topology *t, bool write,
			    const struct pci_bdf *b, u16 off,
			    unsigned int size, u32 *data)
{
	struct pci_bdf fn0 = *b;
	struct pci_device *d0;
	int err;

	fn0.fn = 0;
	d0 = b->fn ? pci_topology_find(t, &fn0) : NULL;
	if (d0 && !(d0->flags & PCI_DEV_MULTIFN)) {
		if (!write)
			*data = lane_mask(size);
		return PCI_DISPATCH_CONCEALED;
	}
	if (write)
		err = pci_cfg_write(a, b, off, size, *data);
	else
		err = pci_cfg_read(a, b, off, size, data);
	return err ? err : PCI_DISPATCH_PASSTHROUGH;
}

static bool buses_differ(const struct pci_device *d, u8 sec, u8 sub)
{
	return (d->flags & PCI_DEV_BRIDGE) &&
	       (d->bridge.secondary != sec || d->bridge.subordinate != sub);
}

int pci_config_dispatch(const struct pci_access *a, struct pci_topology *t,
			bool write, const struct pci_bdf *b, u16 off,
			unsigned int size, u32 *data)
{
	struct pci_device *d;
	u8 sec, sub;
	int r;

	if (!pci_cfg_access_ok(off, size))
		return -EINVAL;
	d = pci_topology_find(t, b);
	if (!d)
		return dispatch_unknown(a, t, write, b, off, size, data);
	sec = d->bridge.secondary;
	sub = d->bridge.subordinate;
	r = run_hook(a, d, write, size, off, data);
	if (r == PCI_HOOK_DEFAULT)
		r = write ? pci_handle_default_config_write(a, d, size, off,
							    data)
			  : pci_handle_default_config_read(a, d, size, off,
							   data);
	if (r < 0)
		return r;
	if (write && buses_differ(d, sec, sub)) {
		r = pci_topology_update(a, t);
		if (r < 0)
			return r;
	}
	return PCI_DISPATCH_DEVICE;
}
