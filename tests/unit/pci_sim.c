/*
 * The simulated PCI segment behind the lib/pci unit tests (see
 * pci_sim.h).  Routing mirrors P2P 1.2 §3.1.2: a configuration cycle for
 * bus b is claimed on the root bus by a bridge with secondary <= b <=
 * subordinate and becomes a type 0 cycle where b equals the secondary.
 * Writes go through per-byte masks: a bit outside wmask keeps its value,
 * a bit in w1c is cleared by writing 1.  BAR size masks come from the
 * BAR size, so sizing reads back what real hardware would.
 */
#include <tv/env.h>
#include "pci_sim.h"

static void put(u8 *p, u16 off, unsigned int size, u32 v)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		p[off + i] = (u8)(v >> (8 * i));
}

static u32 get(const u8 *p, u16 off, unsigned int size)
{
	u32 v = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		v |= (u32)p[off + i] << (8 * i);
	return v;
}

void sim_init(struct pci_sim *s, u8 root_bus)
{
	memset(s, 0, sizeof(*s));
	s->root_bus = root_bus;
	s->ecam = true;
	s->fail_countdown = -1;
}

static void common_masks(struct sim_fn *f, u8 type)
{
	put(f->wmask, PCI_COMMAND, 2, 0x0747);
	put(f->w1c, PCI_STATUS, 2, (u32)PCI_STATUS_RW1C);
	put(f->wmask, PCI_CACHE_LINE_SIZE, 2, 0xffff);
	put(f->wmask, PCI_INTERRUPT_LINE, 1, 0xff);
	if (type != PCI_HEADER_TYPE_BRIDGE)
		return;
	put(f->wmask, PCI_PRIMARY_BUS, 4, 0xffffffff);
	put(f->wmask, PCI_IO_BASE, 2, 0xf0f0);
	put(f->cfg, PCI_IO_BASE, 2, 0x0101);	/* 32-bit I/O addressing */
	put(f->w1c, PCI_SEC_STATUS, 2, (u32)PCI_STATUS_RW1C);
	put(f->wmask, PCI_MEMORY_BASE, 4, 0xfff0fff0);
	put(f->wmask, PCI_PREF_MEMORY_BASE, 4, 0xfff0fff0);
	put(f->cfg, PCI_PREF_MEMORY_BASE, 4, 0x00010001);	/* 64-bit */
	put(f->wmask, PCI_PREF_BASE_UPPER32, 4, 0xffffffff);
	put(f->wmask, PCI_PREF_LIMIT_UPPER32, 4, 0xffffffff);
	put(f->wmask, PCI_IO_BASE_UPPER16, 4, 0xffffffff);
	put(f->wmask, PCI_BRIDGE_CONTROL, 2, 0x0fff);
}

int sim_add(struct pci_sim *s, int parent, u8 dev, u8 fn, u16 vendor,
	    u16 device, u32 class_code, u8 header_type)
{
	struct sim_fn *f;

	if (s->nfn >= SIM_MAX_FN)
		return -1;
	f = &s->fn[s->nfn];
	memset(f, 0, sizeof(*f));
	f->parent = parent;
	f->dev = dev;
	f->fn = fn;
	put(f->cfg, PCI_VENDOR_ID, 2, vendor);
	put(f->cfg, PCI_DEVICE_ID, 2, device);
	put(f->cfg, PCI_CLASS_REVISION, 4, class_code << 8 | 0x01);
	put(f->cfg, PCI_HEADER_TYPE, 1, header_type);
	common_masks(f, header_type & PCI_HEADER_TYPE_MASK);
	return s->nfn++;
}

static u16 bar_off(const struct sim_fn *f, int slot)
{
	if (slot == PCI_BAR_ROM_SLOT)
		return (f->cfg[PCI_HEADER_TYPE] & PCI_HEADER_TYPE_MASK) ==
		       PCI_HEADER_TYPE_BRIDGE ? PCI_ROM_ADDRESS1 : PCI_ROM_ADDRESS;
	return (u16)(PCI_BASE_ADDRESS_0 + 4 * slot);
}

void sim_bar(struct pci_sim *s, int idx, int slot, int kind, bool pref,
	     u64 size, u64 addr)
{
	struct sim_fn *f = &s->fn[idx];
	u16 off = bar_off(f, slot);
	u64 mask = ~(size - 1);
	u32 flags = pref ? (u32)PCI_BAR_MEM_PREFETCH : 0;

	switch (kind) {
	case PCI_BAR_IO:
		/* 16-bit I/O decode: the upper half reads as zero. */
		put(f->wmask, off, 4, (u32)mask & 0xfffc);
		put(f->cfg, off, 4, ((u32)addr & 0xfffc) | 1);
		break;
	case PCI_BAR_MEM32:
		put(f->wmask, off, 4, (u32)mask & 0xfffffff0);
		put(f->cfg, off, 4, (u32)addr | flags);
		break;
	case PCI_BAR_MEM64:
		put(f->wmask, off, 4, (u32)mask & 0xfffffff0);
		put(f->wmask, off + 4, 4, (u32)(mask >> 32));
		put(f->cfg, off, 4, (u32)addr | flags | (u32)PCI_BAR_MEM_TYPE_64);
		put(f->cfg, off + 4, 4, (u32)(addr >> 32));
		break;
	case PCI_BAR_ROM:
		put(f->wmask, off, 4, ((u32)mask & 0xfffff800) | 1);
		put(f->cfg, off, 4, (u32)addr);
		break;
	}
}

void sim_bridge(struct pci_sim *s, int idx, u8 pri, u8 sec, u8 sub)
{
	struct sim_fn *f = &s->fn[idx];

	f->cfg[PCI_PRIMARY_BUS] = pri;
	f->cfg[PCI_SECONDARY_BUS] = sec;
	f->cfg[PCI_SUBORDINATE_BUS] = sub;
}

void sim_windows(struct pci_sim *s, int idx, u32 io_base, u32 io_limit,
		 u32 mem_base, u32 mem_limit, u64 pref_base, u64 pref_limit)
{
	struct sim_fn *f = &s->fn[idx];

	f->cfg[PCI_IO_BASE] = (u8)(((io_base >> 8) & 0xf0) | 1);
	f->cfg[PCI_IO_LIMIT] = (u8)(((io_limit >> 8) & 0xf0) | 1);
	put(f->cfg, PCI_IO_BASE_UPPER16, 2, io_base >> 16);
	put(f->cfg, PCI_IO_LIMIT_UPPER16, 2, io_limit >> 16);
	put(f->cfg, PCI_MEMORY_BASE, 2, (mem_base >> 16) & 0xfff0);
	put(f->cfg, PCI_MEMORY_LIMIT, 2, (mem_limit >> 16) & 0xfff0);
	put(f->cfg, PCI_PREF_MEMORY_BASE, 2, ((u32)(pref_base >> 16) & 0xfff0) | 1);
	put(f->cfg, PCI_PREF_MEMORY_LIMIT, 2,
	    ((u32)(pref_limit >> 16) & 0xfff0) | 1);
	put(f->cfg, PCI_PREF_BASE_UPPER32, 4, (u32)(pref_base >> 32));
	put(f->cfg, PCI_PREF_LIMIT_UPPER32, 4, (u32)(pref_limit >> 32));
}

static void link_cap(struct sim_fn *f, u8 pos, u8 id, u8 next)
{
	if (!f->cfg[PCI_CAPABILITY_LIST])
		f->cfg[PCI_CAPABILITY_LIST] = pos;
	f->cfg[PCI_STATUS] |= (u8)PCI_STATUS_CAP_LIST;
	f->cfg[pos + PCI_CAP_ID] = id;
	f->cfg[pos + PCI_CAP_NEXT] = next;
}

void sim_cap_msi(struct pci_sim *s, int idx, u8 pos, bool is64, u8 next)
{
	struct sim_fn *f = &s->fn[idx];

	link_cap(f, pos, PCI_CAP_ID_MSI, next);
	/* 4 vectors capable, per-vector masking absent. */
	put(f->cfg, pos + PCI_MSI_FLAGS, 2,
	    (2u << 1) | (is64 ? (u32)PCI_MSI_FLAGS_64BIT : 0));
	put(f->wmask, pos + PCI_MSI_FLAGS, 2, 0x0071);
	put(f->wmask, pos + PCI_MSI_ADDRESS_LO, 4, 0xfffffffc);
	if (is64) {
		put(f->wmask, pos + PCI_MSI_ADDRESS_HI, 4, 0xffffffff);
		put(f->wmask, pos + PCI_MSI_DATA_64, 2, 0xffff);
	} else {
		put(f->wmask, pos + PCI_MSI_DATA_32, 2, 0xffff);
	}
}

void sim_cap_pcie(struct pci_sim *s, int idx, u8 pos, u8 type, u8 next)
{
	struct sim_fn *f = &s->fn[idx];

	link_cap(f, pos, PCI_CAP_ID_EXP, next);
	put(f->cfg, pos + PCI_EXP_FLAGS, 2, (u32)type << 4 | 2);
	f->pcie = true;
	/* An extended capability header (AER, ID 1) at 0x100. */
	put(f->cfg, 0x100, 4, 0x00010001);
}

static void build_bridges(struct pci_sim *s)
{
	sim_add(s, -1, 0, 0, 0x8086, 0x29c0, 0x060000, 0);
	sim_add(s, -1, 1, 0, 0x8086, 0x29c1, 0x060400, 1);
	sim_bridge(s, SIM_RP, 0, 1, 2);
	sim_windows(s, SIM_RP, 0x2000, 0x2fff, 0xc0000000, 0xc03fffff,
		    0x800000000ULL, 0x80fffffffULL);
	sim_cap_pcie(s, SIM_RP, 0x40, PCI_EXP_TYPE_ROOT_PORT, 0x60);
	sim_cap_msi(s, SIM_RP, 0x60, false, 0);
	sim_add(s, SIM_RP, 0, 0, 0x8086, 0x15da, 0x060400, 1);
	sim_bridge(s, SIM_TB, 1, 2, 2);
	sim_windows(s, SIM_TB, 0x2000, 0x2fff, 0xc0000000, 0xc03fffff,
		    0x800000000ULL, 0x80fffffffULL);
	sim_cap_pcie(s, SIM_TB, 0x40, PCI_EXP_TYPE_UPSTREAM, 0);
}

static void build_endpoints(struct pci_sim *s)
{
	sim_add(s, SIM_TB, 0, 0, 0x14e4, 0x1682, 0x020000, 0);
	put(s->fn[SIM_NIC].cfg, PCI_SUBSYSTEM_VENDOR_ID, 4, 0x00f6106b);
	s->fn[SIM_NIC].cfg[PCI_REVISION_ID] = 0x10;
	sim_bar(s, SIM_NIC, 0, PCI_BAR_MEM64, false, SIM_NIC_BAR0_SIZE,
		SIM_NIC_BAR0);
	sim_bar(s, SIM_NIC, 2, PCI_BAR_MEM64, true, SIM_NIC_BAR2_SIZE,
		SIM_NIC_BAR2);
	sim_cap_pcie(s, SIM_NIC, 0x40, PCI_EXP_TYPE_ENDPOINT, 0x50);
	sim_cap_msi(s, SIM_NIC, 0x50, true, 0);
	put(s->fn[SIM_NIC].cfg, PCI_STATUS, 2, 0x2010);	/* master abort */
	sim_add(s, -1, 2, 0, 0x1002, 0x6779, 0x030000, 0x80);
	sim_bar(s, SIM_VGA, 0, PCI_BAR_MEM32, true, SIM_VGA_BAR0_SIZE,
		SIM_VGA_BAR0);
	sim_bar(s, SIM_VGA, 2, PCI_BAR_MEM64, false, SIM_VGA_BAR2_SIZE,
		SIM_VGA_BAR2);
	sim_bar(s, SIM_VGA, 4, PCI_BAR_IO, false, SIM_VGA_BAR4_SIZE,
		SIM_VGA_BAR4);
	sim_bar(s, SIM_VGA, PCI_BAR_ROM_SLOT, PCI_BAR_ROM, false,
		SIM_VGA_ROM_SIZE, SIM_VGA_ROM);
	sim_add(s, -1, 2, 1, 0x1002, 0xaa98, 0x040300, 0x80);
	sim_bar(s, SIM_AUDIO, 0, PCI_BAR_MEM32, false, 0x4000, 0xfe120000);
}

static void build_legacy(struct pci_sim *s)
{
	sim_add(s, -1, 3, 0, 0x8086, 0x244e, 0x060401, 1);
	sim_bridge(s, SIM_P2P, 0, 3, 3);
	sim_windows(s, SIM_P2P, 0x3000, 0x3fff, 0xfd000000, 0xfdffffff,
		    0xfff00000ULL, 0xfffffULL);	/* pref window disabled */
	sim_add(s, SIM_P2P, 5, 0, 0x8086, 0x293a, 0x0c0320, 0);
	sim_bar(s, SIM_EHCI, 0, PCI_BAR_MEM32, false, SIM_EHCI_BAR0_SIZE,
		SIM_EHCI_BAR0);
	sim_bar(s, SIM_EHCI, 1, PCI_BAR_IO, false, SIM_EHCI_BAR1_SIZE,
		SIM_EHCI_BAR1);
	sim_add(s, -1, 0x1f, 0, 0x8086, 0x2918, 0x060100, 0);
	s->fn[SIM_ISA].ghost = true;
}

void sim_build_default(struct pci_sim *s)
{
	int i;

	sim_init(s, 0);
	build_bridges(s);
	build_endpoints(s);
	build_legacy(s);
	/* Firmware left decode and bus mastering on everywhere. */
	for (i = 0; i < s->nfn; i++)
		s->fn[i].cfg[PCI_COMMAND] = 0x07;
}

static u8 level_bus(const struct pci_sim *s, int parent)
{
	return parent < 0 ? s->root_bus : s->fn[parent].cfg[PCI_SECONDARY_BUS];
}

static bool is_bridge(const struct sim_fn *f)
{
	return (f->cfg[PCI_HEADER_TYPE] & PCI_HEADER_TYPE_MASK) ==
	       PCI_HEADER_TYPE_BRIDGE;
}

/* Which function answers (bus, dev, fn) on the bus below parent? */
static int route(const struct pci_sim *s, int parent, u8 bus, u8 dev, u8 fn,
		 int depth)
{
	const struct sim_fn *f;
	u8 here = level_bus(s, parent);
	int i;

	if (depth > 16)
		return -1;
	for (i = 0; i < s->nfn; i++) {
		f = &s->fn[i];
		if (f->parent != parent)
			continue;
		if (bus == here && f->dev == dev && (f->fn == fn || f->ghost))
			return i;
		if (bus != here && is_bridge(f) && f->cfg[PCI_SECONDARY_BUS] &&
		    f->cfg[PCI_SECONDARY_BUS] > here &&
		    bus >= f->cfg[PCI_SECONDARY_BUS] &&
		    bus <= f->cfg[PCI_SUBORDINATE_BUS])
			return route(s, i, bus, dev, fn, depth + 1);
	}
	return -1;
}

u8 sim_bus_of(const struct pci_sim *s, int idx)
{
	return level_bus(s, s->fn[idx].parent);
}

u32 sim_peek(const struct pci_sim *s, int idx, u16 off, unsigned int size)
{
	return get(s->fn[idx].cfg, off, size);
}

void sim_poke(struct pci_sim *s, int idx, u16 off, unsigned int size, u32 v)
{
	put(s->fn[idx].cfg, off, size, v);
}

static int tick(struct pci_sim *s)
{
	if (s->fail_countdown < 0)
		return 0;
	if (s->fail_countdown-- == 0)
		return -EIO;
	return 0;
}

static int sim_read(void *ctx, u16 seg, u8 bus, u8 dev, u8 fn, u16 off,
		    unsigned int size, u32 *val)
{
	struct pci_sim *s = ctx;
	int i;

	if (tick(s))
		return -EIO;
	if (off >= PCI_CFG_SIZE && !s->ecam)
		return -ERANGE;
	s->reads++;
	i = route(s, -1, bus, dev, fn, 0);
	if (i < 0 || seg != 0)
		*val = (u32)GENMASK(size * 8 - 1, 0);
	else if (off >= PCI_CFG_SIZE && !s->fn[i].pcie)
		*val = 0;
	else
		*val = get(s->fn[i].cfg, off, size);
	return 0;
}

/* Sizing a BAR (all ones) while its function decodes: bogus decode. */
static void check_decode(struct pci_sim *s, const struct sim_fn *f, u16 off,
			 unsigned int size, u32 val)
{
	u16 rom = bar_off(f, PCI_BAR_ROM_SLOT);
	u16 end = is_bridge(f) ? 0x18 : 0x28;
	bool bar = off >= PCI_BASE_ADDRESS_0 && off < end;

	if (size != 4 || !(f->cfg[PCI_COMMAND] & PCI_COMMAND_DECODE))
		return;
	if ((bar && val == 0xffffffff) ||
	    (off == rom && (val & 0xfffff800) == 0xfffff800))
		s->decode_violations++;
}

static int sim_write(void *ctx, u16 seg, u8 bus, u8 dev, u8 fn, u16 off,
		     unsigned int size, u32 val)
{
	struct pci_sim *s = ctx;
	struct sim_fn *f;
	unsigned int k;
	u8 b, v;
	int i;

	if (tick(s))
		return -EIO;
	if (off >= PCI_CFG_SIZE && !s->ecam)
		return -ERANGE;
	s->writes++;
	i = route(s, -1, bus, dev, fn, 0);
	if (i < 0 || seg != 0)
		return 0;
	f = &s->fn[i];
	check_decode(s, f, off, size, val);
	for (k = 0; k < size; k++) {
		v = (u8)(val >> (8 * k));
		b = f->cfg[off + k];
		b = (u8)((b & ~f->wmask[off + k]) | (v & f->wmask[off + k]));
		b &= (u8)~(v & f->w1c[off + k]);
		f->cfg[off + k] = b;
	}
	return 0;
}

static const struct pci_access_ops sim_ops = {
	.read = sim_read,
	.write = sim_write,
};

void sim_access(struct pci_sim *s, struct pci_access *a)
{
	a->ops = &sim_ops;
	a->ctx = s;
}
