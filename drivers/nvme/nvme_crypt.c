/*
 * nvme_crypt: transparent XTS-AES-256 encryption of NVMe LBA ranges
 * (storage.encrypt, docs/storage.md), the hypervisor half.
 *
 * The ranges and keys come from drivers/storage/storage_boot.c, which
 * also gives each slot with nsid= ranges the `driver=nvme_crypt` rule.
 *
 * nvme_crypt_init, for each controller the driver got: if the controller
 * is running (the firmware used it), it is disabled first, so every queue
 * the controller knows from then on is one we shadow.  Then BAR0's
 * register page and the doorbells of the queues we shadow are trapped
 * through nested paging; MMIO accesses there reach nvme_reg_read/write
 * (drivers/nvme/nvme_regs.c) under the controller's lock.  The MSI-X table
 * and anything else in BAR0 beyond those pages is not trapped.  The
 * guest's interrupts are sent by nvme_irq.c after its completions are
 * posted (the hardware CQs do not interrupt).
 *
 * The queue engine runs on hypervisor memory (shadow queues, tags, the
 * bounce pool, all from pages_alloc at boot) and reads the guest's queues
 * and data pages in place (guest-physical = host-physical), each access
 * checked with guest_map_accessible and never inside hypervisor memory.
 * XTS runs with AES-NI between fpu_begin/fpu_end (arch/x86/fpu.c).
 */
#include <tv/env.h>
#include <tv/fmt.h>
#include <tv/hv.h>
#include <tv/crypto.h>
#include <tv/guest_map.h>
#include <tv/spinlock.h>
#include <tv/storage_nvme.h>
#include <arch/processor.h>
#include "../pci/pci_host.h"
#include "nvme_irq.h"
#include "nvme_shadow.h"

#define NVME_CRYPT_DEVS		4
#define NVME_POOL_PAGES		320	/* 1.25 MiB of bounce pages */
#define NVME_READY_WAIT		(8ULL << 30)

struct nvme_crypt_dev {
	struct nvme_ctrl ctrl;
	struct nvme_env env;
	struct nvme_irq irq;
	spinlock_t lock;		/* the whole ctrl, bar */
	volatile u8 *bar;		/* NULL while parked (nvme_bar_moved) */
	u32 trap_size;
	const struct pci_device *pdev;
	u8 bus, dev, fn;
	bool identified;		/* model=/serial= ranges decided */
	bool ranges_ok;			/* ... and consistent */
	/* hv_identified's copies of this disk's ranges (6 KiB: not on the
	 * 16 KiB exit stack); lock. */
	struct storage_range mine[STORAGE_RANGES_MAX];
};

static struct nvme_crypt_dev devs[NVME_CRYPT_DEVS];
static u32 ndevs;

static const char *const no_options[] = { NULL };
static void nvme_bar_moved(struct pci_device *p, unsigned int slot, u64 old,
			   bool usable);

const struct pci_driver_desc pci_driver_nvme_crypt = {
	.name = "nvme_crypt",
	.options = no_options,
	.device = "class_code=010802",
	.bar_moved = nvme_bar_moved,
};

/* ---- the environment of the queue engine ---- */

static u64 hv_reg_read(void *ctx, u32 off, unsigned int size)
{
	struct nvme_crypt_dev *d = ctx;

	if (!d->bar)
		return ~0ULL;	/* parked: nothing decodes there for us */
	if (size == 8)
		return *(volatile u64 *)(d->bar + off);
	return *(volatile u32 *)(d->bar + off);
}

static void hv_reg_write(void *ctx, u32 off, unsigned int size, u64 val)
{
	struct nvme_crypt_dev *d = ctx;

	if (!d->bar)
		return;
	if (size == 8)
		*(volatile u64 *)(d->bar + off) = val;
	else
		*(volatile u32 *)(d->bar + off) = (u32)val;
}

/* For a message: up to n characters, trailing spaces dropped. */
static void trimmed(char *out, const char *s, u32 n)
{
	while (n && (s[n - 1] == ' ' || !s[n - 1]))
		n--;
	memcpy(out, s, n);
	out[n] = 0;
}

/*
 * env->identified, under d->lock: the ranges naming this controller's
 * disk by model=/serial= join its slot= ranges; overlapping ones keep all
 * I/O refused (fail closed).  Decided once: the strings do not change.
 */
static bool hv_identified(void *ctx, const char *sn, const char *mn)
{
	struct nvme_crypt_dev *d = ctx;
	struct storage_range *mine = d->mine;
	char model[STORAGE_MODEL_MAX + 1], serial[STORAGE_SERIAL_MAX + 1];
	struct storage_error e;
	u32 i, n = 0, added = 0;
	bool bad = false;

	if (d->identified)
		return d->ranges_ok;
	d->identified = true;
	trimmed(model, mn, STORAGE_MODEL_MAX);
	trimmed(serial, sn, STORAGE_SERIAL_MAX);
	for (i = 0; i < storage_range_count(); i++) {
		const struct storage_range *r = storage_range_get(i);

		if (storage_range_is_ahci(r) ||
		    !storage_range_matches(r, d->bus, d->dev, d->fn, mn,
					   STORAGE_MODEL_MAX, sn,
					   STORAGE_SERIAL_MAX))
			continue;
		mine[n] = *r;
		mine[n].sel = STORAGE_SEL_SLOT;	/* all on this controller */
		n++;
		if (!(r->sel & STORAGE_SEL_SLOT)) {
			bad |= nvme_ctrl_add_range(&d->ctrl, r,
						   storage_key_get(i)) != 0;
			added++;
		}
	}
	if (bad || storage_check_overlap(mine, n, &e)) {
		log_printf("nvme_crypt %02x:%02x.%x: model '%s' serial '%s': "
			   "storage.encrypt ranges overlap or are too many: all "
			   "I/O refused\n", d->bus, d->dev, d->fn, model, serial);
		return false;
	}
	log_printf("nvme_crypt %02x:%02x.%x: model '%s' serial '%s': %u "
		   "range(s) chosen by model=/serial=\n", d->bus, d->dev, d->fn,
		   model, serial, added);
	d->ranges_ok = true;
	return true;
}

static int hv_signal(void *ctx, u16 vector)
{
	return nvme_irq_signal(&((struct nvme_crypt_dev *)ctx)->irq, vector);
}

static bool hv_intx(void *ctx)
{
	return nvme_irq_intx(&((struct nvme_crypt_dev *)ctx)->irq);
}

static int nvme_mmio(struct per_cpu *cpu, u64 gpa, unsigned int size,
		     bool write, u64 *val, void *ctx)
{
	struct nvme_crypt_dev *d = ctx;
	u64 off;

	spin_lock(&d->lock);
	off = gpa - (u64)d->bar;
	/*
	 * The BAR moved between the fault and here, or the device does not
	 * decode it now (its Memory Space Enable, a bridge window the guest
	 * moved): what the hardware would do, a lost access, and no work on
	 * a controller we cannot reach.  Reachability reads the cached
	 * topology without the address lock (order: address lock, then
	 * d->lock); a stale answer costs one access, never memory safety.
	 */
	if (!d->bar || off >= d->trap_size ||
	    pci_bar_reachable(&pci_host.topo, d->pdev, 0) != PCI_REACH_OK) {
		if (!write)
			*val = ~0ULL;
	} else if (write) {
		nvme_reg_write(&d->ctrl, (u32)off, size, *val);
	} else {
		*val = nvme_reg_read(&d->ctrl, (u32)off, size);
	}
	spin_unlock(&d->lock);
	return 0;
}

/*
 * The guest moved BAR0 (drivers/pci/pci_move.c moved our trap along):
 * reach the registers at the new address from now on.  Queue state stays:
 * the controller keeps running, only its register window moved.
 */
static void nvme_bar_moved(struct pci_device *p, unsigned int slot, u64 old,
			   bool usable)
{
	u32 i;

	for (i = 0; i < ndevs && devs[i].pdev != p; i++)
		;
	if (i == ndevs || slot != 0)
		return;
	spin_lock(&devs[i].lock);
	devs[i].bar = usable ? (volatile u8 *)p->bar[0].addr : NULL;
	spin_unlock(&devs[i].lock);
	log_printf("nvme_crypt %02x:%02x.%x: BAR0 now at %llx%s\n",
		   devs[i].bus, devs[i].dev, devs[i].fn,
		   (unsigned long long)p->bar[0].addr,
		   usable ? "" : " (not reachable: registers left alone)");
}

/* Shadow queues, tags and the bounce pool, once per controller. */
static int alloc_mem(struct nvme_ctrl_mem *m)
{
	u32 tag_pages = ALIGN_UP(NVME_QUEUE_ENTRIES * sizeof(struct nvme_tag),
				 4096) / 4096;
	u32 i;

	for (i = 0; i < NVME_QUEUES_MAX; i++) {
		m->sq[i] = pages_alloc(NVME_QUEUE_ENTRIES * 64 / 4096, &m->sq_pa[i]);
		m->cq[i] = pages_alloc(NVME_QUEUE_ENTRIES * 16 / 4096, &m->cq_pa[i]);
		m->tags[i] = pages_alloc(tag_pages, NULL);
		if (!m->sq[i] || !m->cq[i] || !m->tags[i])
			return -ENOMEM;
	}
	m->pool_pages = NVME_POOL_PAGES;
	m->pool_va = pages_alloc(NVME_POOL_PAGES, &m->pool_pa);
	m->pool_free = pages_alloc(1, NULL);
	return m->pool_va && m->pool_free ? 0 : -ENOMEM;
}

/* A controller the firmware left running is stopped (NVMe 1.4 §7.6.2). */
static void disable_ctrl(struct nvme_crypt_dev *d)
{
	u64 until = rdtsc() + NVME_READY_WAIT;
	u32 cc = (u32)hv_reg_read(d, NVME_REG_CC, 4);

	if (!(cc & NVME_CC_EN))
		return;
	hv_reg_write(d, NVME_REG_CC, 4, cc & ~(u32)NVME_CC_EN);
	while ((hv_reg_read(d, NVME_REG_CSTS, 4) & NVME_CSTS_RDY) &&
	       rdtsc() < until)
		cpu_relax();
	log_printf("nvme_crypt: %02x:%02x.%x: controller was running: disabled\n",
		   d->bus, d->dev, d->fn);
}

static int add_ranges(struct nvme_crypt_dev *d, struct pci_device *p)
{
	u32 i, n = 0;
	int err;

	for (i = 0; i < storage_range_count(); i++) {
		const struct storage_range *r = storage_range_get(i);

		if (storage_range_is_ahci(r) ||
		    !storage_range_matches(r, p->initial_bus, p->bdf.dev,
					   p->bdf.fn, NULL, 0, NULL, 0))
			continue;
		err = nvme_ctrl_add_range(&d->ctrl, r, storage_key_get(i));
		if (err)
			return err;
		n++;
	}
	return (int)n;
}

static int setup_dev(struct nvme_crypt_dev *d, struct pci_device *p)
{
	static struct nvme_ctrl_mem m;
	const struct pci_bar *bar = &p->bar[0];
	char name[24];
	u64 cap;
	int n, err;

	if ((bar->kind != PCI_BAR_MEM32 && bar->kind != PCI_BAR_MEM64) ||
	    !bar->addr || bar->size < 0x2000)
		return -ENODEV;
	d->bar = (volatile u8 *)bar->addr;
	d->pdev = p;
	d->bus = p->initial_bus;
	d->dev = p->bdf.dev;
	d->fn = p->bdf.fn;
	d->env = (struct nvme_env){ .ctx = d, .guest_map = storage_guest_map,
		.reg_read = hv_reg_read, .reg_write = hv_reg_write,
		.crypt_begin = storage_crypt_begin, .crypt_end = storage_crypt_end,
		.wait = storage_wait, .log = storage_log, .signal = hv_signal,
		.intx = hv_intx, .identified = hv_identified };
	nvme_irq_init(&d->irq, p);
	memset(&m, 0, sizeof(m));
	err = alloc_mem(&m);
	if (err)
		return err;
	cap = hv_reg_read(d, NVME_REG_CAP, 8);
	tv_snprintf(name, sizeof(name), "nvme_crypt %02x:%02x.%x", d->bus,
		    d->dev, d->fn);
	nvme_ctrl_init(&d->ctrl, &d->env, &m, cap, name);
	n = add_ranges(d, p);
	if (n < 0)
		return n;
	d->ctrl.id_pending = storage_any_model_serial();
	if (nvme_trap_size(cap) > bar->size)
		return -ERANGE;
	disable_ctrl(d);
	d->trap_size = nvme_trap_size(cap);
	err = mmio_register(bar->addr, d->trap_size, nvme_mmio, d);
	if (err)
		return err;
	log_printf("%s: %d range(s), BAR0 %llx: first %x bytes trapped, %u "
		   "bounce pages\n", name, n, (unsigned long long)bar->addr,
		   nvme_trap_size(cap), NVME_POOL_PAGES);
	return 0;
}

void nvme_crypt_init(struct pci_device *p)
{
	int err = -ENOSPC;

	if (storage_keys_ready() && ndevs < NVME_CRYPT_DEVS) {
		err = setup_dev(&devs[ndevs], p);
		if (!err) {
			ndevs++;
			return;
		}
	}
	/* Fail closed: a controller we cannot shadow is taken away. */
	log_printf("nvme_crypt: %02x:%02x.%x: cannot shadow (%d): concealed\n",
		   p->bdf.bus, p->bdf.dev, p->bdf.fn, err);
	pci_conceal_resources(p);
}
