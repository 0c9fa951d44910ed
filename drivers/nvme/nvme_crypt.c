/*
 * nvme_crypt: transparent XTS-AES-256 encryption of NVMe LBA ranges
 * (storage.encrypt, docs/storage.md), the hypervisor half.
 *
 * At boot (storage_encrypt_boot, before PCI) the storage.encrypt lines are
 * parsed again, the keys the loader read are copied out of their boot
 * record into XTS contexts and the record is wiped.  Each configured slot
 * gets a `slot=BB:DD.F, driver=nvme_crypt` rule in front of the
 * vmm.driver.pci lines, so a controller with encrypted ranges can never
 * be left without the driver (fail closed).
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
#include <tv/bootproto.h>
#include <tv/crypto.h>
#include <tv/guest_map.h>
#include <tv/spinlock.h>
#include <tv/storage_nvme.h>
#include <arch/fpu.h>
#include <arch/processor.h>
#include "../pci/pci_host.h"
#include "nvme_irq.h"
#include "nvme_shadow.h"

#define NVME_CRYPT_DEVS		4
#define NVME_POOL_PAGES		320	/* 1.25 MiB of bounce pages */
#define NVME_WAIT_CYCLES	(4ULL << 30)	/* ~1-2 s for a command */
#define NVME_READY_WAIT		(8ULL << 30)

struct nvme_crypt_dev {
	struct nvme_ctrl ctrl;
	struct nvme_env env;
	struct nvme_irq irq;
	spinlock_t lock;		/* the whole ctrl */
	volatile u8 *bar;
	u8 bus, dev, fn;
};

static struct storage_range ranges[STORAGE_RANGES_MAX];
static struct xts_ctx keys[STORAGE_RANGES_MAX];
static u32 nranges;
static bool keys_ready;
static struct nvme_crypt_dev devs[NVME_CRYPT_DEVS];
static u32 ndevs;

static const char *const no_options[] = { NULL };

const struct pci_driver_desc pci_driver_nvme_crypt = {
	.name = "nvme_crypt",
	.options = no_options,
	.device = "class_code=010802",
};

/* Puts `slot=..., driver=nvme_crypt` first for every configured slot. */
static int add_driver_rules(void)
{
	struct tv_config *cfg = &hv_config;
	u32 i, j, k = 0;

	for (i = 0; i < nranges; i++) {
		for (j = 0; j < i; j++)
			if (ranges[j].bus == ranges[i].bus &&
			    ranges[j].dev == ranges[i].dev &&
			    ranges[j].fn == ranges[i].fn)
				break;
		if (j < i)
			continue;
		if (cfg->pci_driver_count >= TV_CONFIG_PCI_DRIVER_MAX)
			return -ENOSPC;
		memmove(cfg->pci_driver[k + 1], cfg->pci_driver[k],
			(cfg->pci_driver_count - k) * TV_CONFIG_ENTRY_MAX);
		tv_snprintf(cfg->pci_driver[k], TV_CONFIG_ENTRY_MAX,
			    "slot=%02x:%02x.%x, driver=nvme_crypt", ranges[i].bus,
			    ranges[i].dev, ranges[i].fn);
		cfg->pci_driver_count++;
		k++;
	}
	return 0;
}

static int take_keys(struct tv_rec_keys *rec)
{
	u32 i;
	int err;

	for (i = 0; i < nranges; i++) {
		if (!(ranges[i].sel & STORAGE_SEL_SLOT))
			return -ENOTSUP;	/* model=/serial=: not yet */
		err = xts_init(&keys[i], rec->keys[i], TV_REC_KEY_SIZE);
		if (err)
			return err;
	}
	return 0;
}

int storage_encrypt_boot(void *const *table)
{
	static const u8 id[16] = TV_REC_KEYS_UUID;
	struct tv_rec_keys *rec = tv_boot_find(table, id, sizeof(*rec));
	struct storage_error e;
	char msg[200];
	int err;

	if (storage_parse_config(&hv_config, ranges, &nranges, &e)) {
		storage_format_error(&e, msg, sizeof(msg));
		log_printf("storage: %s\n", msg);
		err = -EINVAL;
	} else if (nranges && (!rec || rec->count < nranges)) {
		log_printf("storage: %u key(s) expected, the loader passed %u\n",
			   nranges, rec ? rec->count : 0);
		err = -ENOENT;
	} else {
		err = nranges ? take_keys(rec) : 0;
	}
	if (rec)
		crypto_wipe(rec->keys, sizeof(rec->keys));
	if (!err)
		err = add_driver_rules();
	if (err)
		return err;
	keys_ready = true;
	if (nranges)
		log_printf("storage: %u encrypted range(s), keys taken (%s)\n",
			   nranges, crypto_uses_xmm(&keys[0].data) ? "AES-NI" :
			   "portable AES");
	return 0;
}

/* ---- the environment of the queue engine ---- */
static void *hv_guest_map(void *ctx, u64 gpa, u32 len, bool write)
{
	if (!len || gpa + len < gpa || mem_is_hypervisor(gpa, len) ||
	    !guest_map_accessible(gpa, write) ||
	    !guest_map_accessible(gpa + len - 1, write))
		return NULL;
	return (void *)gpa;
}

static u64 hv_reg_read(void *ctx, u32 off, unsigned int size)
{
	struct nvme_crypt_dev *d = ctx;

	if (size == 8)
		return *(volatile u64 *)(d->bar + off);
	return *(volatile u32 *)(d->bar + off);
}

static void hv_reg_write(void *ctx, u32 off, unsigned int size, u64 val)
{
	struct nvme_crypt_dev *d = ctx;

	if (size == 8)
		*(volatile u64 *)(d->bar + off) = val;
	else
		*(volatile u32 *)(d->bar + off) = (u32)val;
}

static void hv_crypt_begin(void *ctx)
{
	fpu_begin();
}

static void hv_crypt_end(void *ctx)
{
	fpu_end();
}

static bool hv_wait(void *ctx, u64 *budget)
{
	if (!*budget)
		*budget = rdtsc() + NVME_WAIT_CYCLES;
	cpu_relax();
	return rdtsc() < *budget;
}

static void hv_log(void *ctx, const char *msg)
{
	log_printf("%s", msg);
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
	u32 off = (u32)(gpa - (u64)d->bar);

	spin_lock(&d->lock);
	if (write)
		nvme_reg_write(&d->ctrl, off, size, *val);
	else
		*val = nvme_reg_read(&d->ctrl, off, size);
	spin_unlock(&d->lock);
	return 0;
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

	for (i = 0; i < nranges; i++) {
		if (!storage_range_matches(&ranges[i], p->initial_bus, p->bdf.dev,
					   p->bdf.fn, NULL, 0, NULL, 0))
			continue;
		err = nvme_ctrl_add_range(&d->ctrl, &ranges[i], &keys[i]);
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
	d->bus = p->initial_bus;
	d->dev = p->bdf.dev;
	d->fn = p->bdf.fn;
	d->env = (struct nvme_env){ .ctx = d, .guest_map = hv_guest_map,
		.reg_read = hv_reg_read, .reg_write = hv_reg_write,
		.crypt_begin = hv_crypt_begin, .crypt_end = hv_crypt_end,
		.wait = hv_wait, .log = hv_log, .signal = hv_signal,
		.intx = hv_intx };
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
	if (nvme_trap_size(cap) > bar->size)
		return -ERANGE;
	disable_ctrl(d);
	err = mmio_register(bar->addr, nvme_trap_size(cap), nvme_mmio, d);
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

	if (keys_ready && ndevs < NVME_CRYPT_DEVS) {
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
