/*
 * ahci_crypt: transparent XTS-AES-256 encryption of LBA ranges of AHCI
 * ports (storage.encrypt `slot=..., port=N`, docs/storage.md), the
 * hypervisor half.
 *
 * The ranges and keys come from drivers/storage/storage_boot.c, which
 * gives each slot with port= ranges the `driver=ahci_crypt` rule, and
 * every AHCI HBA that rule (class_code=010601) when ranges name ATA disks
 * by model=/serial=.  Then every implemented port of the HBA is shadowed
 * too and pending until its disk is identified: by the hypervisor's own
 * IDENTIFY DEVICE right after the take-over, or the guest's
 * (drivers/ahci/ahci_ident.c).  For each HBA the driver gets, every
 * shadowed port is taken over from the firmware (stopped if running,
 * shadows in, restarted: the firmware keeps using it, through the
 * shadows, until the OS takes the HBA over) and the pages of ABAR (BAR5)
 * are trapped through nested paging: accesses reach ahci_reg_read/write
 * (drivers/ahci/ahci_port.c) under the HBA's lock.
 * Accesses to other ports, and to whatever else shares ABAR's pages, are
 * done on the hardware as the guest made them.  The HBA's I/O BARs (the
 * index/data pair that reaches ABAR around the trap, legacy task-file
 * ports) are hidden.  When the guest moves ABAR or an I/O BAR, the trap
 * and the hiding move with it (drivers/pci/pci_move.c, ahci_bar_moved).
 * The firmware's AHCI driver is not detached by the loader (the ESP may
 * be on the same HBA).
 *
 * Memory per shadowed port, from pages_alloc at boot: one page for the
 * command list and received-FIS area, 32 command tables, 32 pages of saved
 * guest PRDTs and a 1 MiB bounce buffer.  XTS runs with AES-NI between
 * fpu_begin/fpu_end (arch/x86/fpu.c).
 */
#include <tv/env.h>
#include <tv/fmt.h>
#include <tv/hv.h>
#include <tv/crypto.h>
#include <tv/guest_map.h>
#include <tv/spinlock.h>
#include <tv/pci_regs.h>
#include <tv/storage_ahci.h>
#include <arch/processor.h>
#include "../pci/pci_host.h"
#include "ahci_shadow.h"

#define AHCI_CRYPT_DEVS		2
#define AHCI_CRYPT_PORTS	12	/* shadowed ports, all HBAs */

struct ahci_crypt_dev {
	struct ahci_ctrl ctrl;
	struct ahci_env env;
	spinlock_t lock;		/* the whole ctrl, abar */
	volatile u8 *abar;		/* NULL while parked (ahci_bar_moved) */
	u64 abar_size;
	const struct pci_device *pdev;
	u8 bus, dev, fn;
};

static struct ahci_crypt_dev devs[AHCI_CRYPT_DEVS];
static u32 ndevs;
static u32 raw_warned;

static const char *const no_options[] = { NULL };

static void ahci_bar_moved(struct pci_device *p, unsigned int slot, u64 old,
			   bool usable);

const struct pci_driver_desc pci_driver_ahci_crypt = {
	.name = "ahci_crypt",
	.options = no_options,
	.device = "class_code=010601",
	.bar_moved = ahci_bar_moved,
};

/* ---- the environment of the engine ---- */

static u32 hv_reg_read(void *ctx, u32 off)
{
	struct ahci_crypt_dev *d = ctx;

	if (!d->abar)
		return ~0u;	/* parked: nothing decodes there for us */
	return *(volatile u32 *)(d->abar + off);
}

static void hv_reg_write(void *ctx, u32 off, u32 val)
{
	struct ahci_crypt_dev *d = ctx;

	if (d->abar)
		*(volatile u32 *)(d->abar + off) = val;
}

/* An access the engine does not model: done on the hardware as made. */
static void raw_access(u64 gpa, unsigned int size, bool write, u64 *val)
{
	switch (size) {
	case 1:
		if (write)
			*(volatile u8 *)gpa = (u8)*val;
		else
			*val = *(volatile u8 *)gpa;
		break;
	case 2:
		if (write)
			*(volatile u16 *)gpa = (u16)*val;
		else
			*val = *(volatile u16 *)gpa;
		break;
	case 8:
		if (write)
			*(volatile u64 *)gpa = *val;
		else
			*val = *(volatile u64 *)gpa;
		break;
	default:
		if (write)
			*(volatile u32 *)gpa = (u32)*val;
		else
			*val = *(volatile u32 *)gpa;
	}
}

/* Offsets the engine handles: CAP, GHC and the shadowed ports. */
static bool engine_reg(struct ahci_crypt_dev *d, u32 off)
{
	if (off == AHCI_CAP || off == AHCI_GHC)
		return true;
	return off >= AHCI_PORT_BASE && off < AHCI_ABAR_SIZE &&
	       d->ctrl.port[(off - AHCI_PORT_BASE) / AHCI_PORT_SIZE];
}

static int ahci_mmio(struct per_cpu *cpu, u64 gpa, unsigned int size,
		     bool write, u64 *val, void *ctx)
{
	struct ahci_crypt_dev *d = ctx;
	u64 off = gpa - (u64)d->abar;

	spin_lock(&d->lock);
	if (!d->abar || gpa < (u64)d->abar || off >= d->abar_size ||
	    !engine_reg(d, (u32)(off & ~3ULL))) {
		raw_access(gpa, size, write, val);
	} else if (!write) {
		u64 v = ahci_reg_read(&d->ctrl, (u32)(off & ~3ULL));

		if (size == 8 && !(off & 7))
			v |= (u64)ahci_reg_read(&d->ctrl, (u32)off + 4) << 32;
		else
			v >>= (off & 3) * 8;
		*val = size == 8 ? v : v & (size == 4 ? 0xffffffffULL :
				     size == 2 ? 0xffff : 0xff);
	} else if (size == 4 && !(off & 3)) {
		ahci_reg_write(&d->ctrl, (u32)off, (u32)*val);
	} else if (size == 8 && !(off & 7)) {
		ahci_reg_write(&d->ctrl, (u32)off, (u32)*val);
		ahci_reg_write(&d->ctrl, (u32)off + 4, (u32)(*val >> 32));
	} else {
		log_ratelimited(raw_warned, "ahci_crypt: %u-byte write at ABAR+%llx "
				"dropped\n", size, (unsigned long long)off);
	}
	spin_unlock(&d->lock);
	return 0;
}

/*
 * The guest moved ABAR (drivers/pci/pci_move.c moved our trap along, by
 * whole pages): reach the registers at the new address from now on.  The
 * ports keep running; only the register window moved.  A hidden I/O BAR
 * that moved needs nothing here: its port hook moved with it.
 */
static void ahci_bar_moved(struct pci_device *p, unsigned int slot, u64 old,
			   bool usable)
{
	u32 i;

	for (i = 0; i < ndevs && devs[i].pdev != p; i++)
		;
	if (i == ndevs || slot != 5)
		return;
	spin_lock(&devs[i].lock);
	devs[i].abar = usable ? (volatile u8 *)p->bar[5].addr : NULL;
	spin_unlock(&devs[i].lock);
	log_printf("ahci_crypt %02x:%02x.%x: ABAR now at %llx%s\n",
		   devs[i].bus, devs[i].dev, devs[i].fn,
		   (unsigned long long)p->bar[5].addr,
		   usable ? "" : " (not reachable: registers left alone)");
}

static int alloc_port(struct ahci_port *p, u32 num)
{
	struct ahci_port_mem *m = &p->mem;

	memset(p, 0, sizeof(*p));
	p->num = num;
	m->clb = pages_alloc(1, &m->clb_pa);
	m->tables = pages_alloc(AHCI_SLOTS, &m->tables_pa);
	m->gprd = pages_alloc(AHCI_SLOTS, NULL);
	m->bounce = pages_alloc(AHCI_BOUNCE_SIZE / 4096, &m->bounce_pa);
	if (!m->clb || !m->tables || !m->gprd || !m->bounce)
		return -ENOMEM;
	m->rfis = (u8 *)m->clb + 0x400;
	m->rfis_pa = m->clb_pa + 0x400;
	return 0;
}

/* Port num of d shadowed (allocated on first use); NULL if out of room. */
static struct ahci_port *shadow_port(struct ahci_crypt_dev *d, u32 num)
{
	static struct ahci_port ports[AHCI_CRYPT_PORTS];
	static u32 nports;
	struct ahci_port *p = d->ctrl.port[num];

	if (p)
		return p;
	if (nports == ARRAY_SIZE(ports))
		return NULL;
	p = &ports[nports++];
	if (alloc_port(p, num))
		return NULL;
	ahci_port_attach(&d->ctrl, p);
	return p;
}

/*
 * The lines naming ATA disks by model=/serial=, shared by every HBA;
 * NULL if there are none.
 */
static struct ahci_named *named_ranges(void)
{
	static struct ahci_named named;
	static bool built;
	u32 i;

	if (!built) {
		built = true;
		for (i = 0; i < storage_range_count(); i++) {
			if (!storage_range_names_ata(storage_range_get(i)) ||
			    named.count == AHCI_RANGES_MAX)
				continue;
			named.range[named.count] = storage_range_get(i);
			named.key[named.count++] = storage_key_get(i);
		}
	}
	return named.count ? &named : NULL;
}

/*
 * With disks named by model=/serial=, every implemented port in ABAR is
 * shadowed and pending (a disk may be there, or be plugged in later).
 */
static int pend_ports(struct ahci_crypt_dev *d)
{
	u32 pi = hv_reg_read(d, AHCI_PI), i;
	struct ahci_port *p;

	d->ctrl.named = named_ranges();
	if (!d->ctrl.named)
		return 0;
	for (i = 0; i < AHCI_PORTS; i++) {
		if (!(pi & BIT(i)) ||
		    AHCI_PORT_BASE + (i + 1) * AHCI_PORT_SIZE > d->abar_size)
			continue;
		p = shadow_port(d, i);
		if (!p)
			return -ENOMEM;
		p->id_state = AHCI_ID_PENDING;
	}
	return 0;
}

/* Shadows every port with a range on this HBA; count or -errno. */
static int add_ports(struct ahci_crypt_dev *d, struct pci_device *pd)
{
	u32 i, n = 0;
	int err;

	for (i = 0; i < storage_range_count(); i++) {
		const struct storage_range *r = storage_range_get(i);
		struct ahci_port *p;

		if (!storage_range_is_ahci(r) ||
		    !storage_range_matches(r, pd->initial_bus, pd->bdf.dev,
					   pd->bdf.fn, NULL, 0, NULL, 0))
			continue;
		p = shadow_port(d, r->port);
		if (!p)
			return -ENOMEM;
		err = ahci_port_add_range(p, r, storage_key_get(i));
		if (err)
			return err;
	}
	err = pend_ports(d);
	if (err)
		return err;
	for (i = 0; i < AHCI_PORTS; i++)
		n += d->ctrl.port[i] != NULL;
	return (int)n;
}

static int take_ports(struct ahci_crypt_dev *d)
{
	u32 pi = hv_reg_read(d, AHCI_PI), i;
	int err;

	for (i = 0; i < AHCI_PORTS; i++) {
		struct ahci_port *p = d->ctrl.port[i];

		if (!p)
			continue;
		if (!(pi & BIT(i)))
			log_printf("%s: port %u not implemented (PI %x)\n",
				   d->ctrl.name, i, pi);
		if (AHCI_PORT_BASE + (i + 1) * AHCI_PORT_SIZE > d->abar_size) {
			log_printf("%s: port %u is beyond ABAR: nothing to "
				   "shadow\n", d->ctrl.name, i);
			d->ctrl.port[i] = NULL;
			continue;
		}
		err = ahci_port_takeover(&d->ctrl, p);
		if (err)
			return err;
		log_printf("%s: port %u: %u range(s)%s; firmware's command list "
			   "%llx, FIS %llx kept as the guest's\n", d->ctrl.name,
			   i, p->nranges, p->id_state == AHCI_ID_PENDING ?
			   ", disk to identify" : "",
			   (unsigned long long)p->guest_clb,
			   (unsigned long long)p->guest_fb);
		ahci_port_identify(&d->ctrl, p);
	}
	return 0;
}

/*
 * The HBA's I/O BARs are hidden (read all ones, writes dropped): on Intel
 * HBAs BAR4 is the index/data pair (AIDP) that reaches every ABAR
 * register, PxCLB included, around the trap; BAR0-3 are legacy task-file
 * ports.  AHCI drivers use ABAR only.
 */
static int hide_io_bars(struct pci_device *p)
{
	u32 i;
	int err;

	for (i = 0; i < PCI_BAR_SLOTS; i++) {
		const struct pci_bar *b = &p->bar[i];

		if (b->kind != PCI_BAR_IO || !b->addr || !b->size ||
		    b->addr + b->size > 0x10000)
			continue;
		err = io_register((u16)b->addr, (u16)b->size, io_absent_device,
				  NULL);
		if (err)
			return err;
		log_printf("ahci_crypt: %02x:%02x.%x: I/O BAR%u %llx-%llx hidden\n",
			   p->bdf.bus, p->bdf.dev, p->bdf.fn, i,
			   (unsigned long long)b->addr,
			   (unsigned long long)(b->addr + b->size - 1));
	}
	return 0;
}

static int setup_dev(struct ahci_crypt_dev *d, struct pci_device *p)
{
	const struct pci_bar *bar = &p->bar[5];
	char name[24];
	u64 base, size;
	int n, err;

	/* An AHCI HBA: SATA (0106xx) or RAID (0104xx) mass storage with ABAR. */
	if ((p->class_code >> 8 != 0x0106 && p->class_code >> 8 != 0x0104) ||
	    bar->kind != PCI_BAR_MEM32 || !bar->addr || bar->size < 0x180)
		return -ENODEV;
	d->abar = (volatile u8 *)bar->addr;
	d->abar_size = MIN(bar->size, (u64)AHCI_ABAR_SIZE);
	d->pdev = p;
	d->bus = p->initial_bus;
	d->dev = p->bdf.dev;
	d->fn = p->bdf.fn;
	d->env = (struct ahci_env){ .ctx = d, .guest_map = storage_guest_map,
		.reg_read = hv_reg_read, .reg_write = hv_reg_write,
		.crypt_begin = storage_crypt_begin, .crypt_end = storage_crypt_end,
		.wait = storage_wait, .log = storage_log };
	tv_snprintf(name, sizeof(name), "ahci_crypt %02x:%02x.%x", d->bus,
		    d->dev, d->fn);
	ahci_ctrl_init(&d->ctrl, &d->env, name);
	n = add_ports(d, p);
	if (n <= 0)
		return n ? n : -ENOENT;
	err = hide_io_bars(p);
	if (!err)
		err = take_ports(d);
	if (err)
		return err;
	base = ALIGN_DOWN(bar->addr, 4096);
	size = ALIGN_UP(bar->addr + d->abar_size, 4096) - base;
	err = mmio_register(base, size, ahci_mmio, d);
	if (err)
		return err;
	log_printf("%s: ABAR %llx: %llx bytes trapped, %d port(s) shadowed\n",
		   name, (unsigned long long)bar->addr,
		   (unsigned long long)size, n);
	return 0;
}

void ahci_crypt_init(struct pci_device *p)
{
	int err = -ENOSPC;

	if (storage_keys_ready() && ndevs < AHCI_CRYPT_DEVS) {
		err = setup_dev(&devs[ndevs], p);
		if (!err) {
			ndevs++;
			return;
		}
	}
	/* Fail closed: an HBA we cannot shadow is taken away. */
	log_printf("ahci_crypt: %02x:%02x.%x: cannot shadow (%d): concealed\n",
		   p->bdf.bus, p->bdf.dev, p->bdf.fn, err);
	pci_conceal_resources(p);
}
