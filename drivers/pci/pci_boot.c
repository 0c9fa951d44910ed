/*
 * PCI at boot: scan segment 0, read the `vmm.driver.pci` lines against the
 * drivers compiled in, give each device its driver, and take concealed
 * devices away from the guest for good: their decoding and bus mastering
 * are switched off, their memory BARs read as zeros and drop writes, their
 * I/O BARs read as all ones.  (The loader already detached the firmware's
 * UEFI driver from them, while boot services could still do it.)  Also the
 * `pci` listing of the debug shell.
 */
#include <tv/env.h>
#include <tv/fmt.h>
#include <tv/hv.h>
#include <tv/guest_map.h>
#include <tv/storage_ahci.h>
#include <tv/storage_nvme.h>
#include "pci_host.h"

static struct pci_device pci_devices[PCI_MAX_DEVICES];
static struct pci_match_clause pci_clauses[PCI_MAX_CLAUSES];
static const struct pci_driver_desc *const pci_drivers[] = {
	&pci_driver_conceal,
	&pci_driver_force_enable,
	&pci_driver_nvme_crypt,
	&pci_driver_ahci_crypt,
};

void pci_conceal_resources(struct pci_device *d)
{
	unsigned int i;
	u16 off = 0;

	/* No decoding, no DMA: the device is gone for the guest. */
	pci_config_write(d, &off, 2, PCI_COMMAND);
	for (i = 0; i < PCI_BAR_SLOTS; i++) {
		struct pci_bar *bar = &d->bar[i];
		u64 base = ALIGN_DOWN(bar->addr, 4096);
		u64 size = ALIGN_UP(bar->addr + bar->size, 4096) - base;

		if (!bar->size || !bar->addr)
			continue;
		if (bar->kind == PCI_BAR_IO && bar->addr + bar->size <= 0x10000)
			io_register((u16)bar->addr, (u16)bar->size, io_absent_device, NULL);
		else if ((bar->kind == PCI_BAR_MEM32 || bar->kind == PCI_BAR_MEM64) &&
			 !mem_add_private(base, size))
			guest_map_hide(base, size);
	}
	log_printf("pci: %02x:%02x.%x %04x:%04x concealed from the guest\n",
		   d->bdf.bus, d->bdf.dev, d->bdf.fn, d->vendor_id, d->device_id);
}

static int pci_parse_rules(void)
{
	struct pci_match_error e;
	char msg[200];
	u32 i;

	pci_match_init(&pci_host.rules, pci_clauses, PCI_MAX_CLAUSES,
		       pci_drivers, ARRAY_SIZE(pci_drivers));
	for (i = 0; i < hv_config.pci_driver_count; i++) {
		const char *line = hv_config.pci_driver[i];

		if (pci_match_parse_line(&pci_host.rules, line, strlen(line),
					 i + 1, &e)) {
			pci_match_format_error(&e, msg, sizeof(msg));
			log_printf("pci: %s\n", msg);
			return -EINVAL;
		}
	}
	return 0;
}

static void pci_assign_all(void)
{
	u32 i;

	for (i = 0; i < pci_host.topo.count; i++) {
		struct pci_device *d = &pci_host.topo.devs[i];

		if (pci_match_assign(&pci_host.rules, d) <= 0 || !d->driver)
			continue;
		log_printf("pci: %02x:%02x.%x %04x:%04x -> driver %s\n",
			   d->bdf.bus, d->bdf.dev, d->bdf.fn, d->vendor_id,
			   d->device_id, d->driver->name);
		if (d->driver == &pci_driver_conceal)
			pci_conceal_resources(d);
		else if (d->driver == &pci_driver_force_enable)
			pci_force_enable_init(d);
		else if (d->driver == &pci_driver_nvme_crypt)
			nvme_crypt_init(d);
		else if (d->driver == &pci_driver_ahci_crypt)
			ahci_crypt_init(d);
	}
}

int hv_pci_init(void)
{
	int err;

	pci_access_init();
	pci_topology_init(&pci_host.topo, pci_devices, PCI_MAX_DEVICES, 0);
	pci_addr_lock(NULL);
	err = pci_scan(&pci_hw, &pci_host.topo, 0, 255);
	pci_addr_unlock(NULL);
	if (err < 0)
		return err;
	log_printf("pci: %u functions on segment 0 (%s)\n", pci_host.topo.count,
		   hv_nmcfg ? "ECAM and ports" : "ports only");
	err = pci_parse_rules();
	if (err)
		return err;
	pci_assign_all();
	err = pci_traps_init();
	if (!err)
		pci_host.ready = true;
	return err;
}

static void list_device(const struct pci_device *d,
			void (*out)(const char *, void *), void *ctx)
{
	char line[160];
	unsigned int i;
	u32 id = 0;
	u16 cmd = 0;

	/* Read the IDs again through the ports, as a liveness check (and so
	 * the hypervisor's own port accesses interleave with the guest's). */
	if (!d->bdf.seg) {
		pci_read_config_pmio(d->bdf.bus, d->bdf.dev, d->bdf.fn, 0, 4, &id);
		pci_read_config_pmio(d->bdf.bus, d->bdf.dev, d->bdf.fn,
				     PCI_COMMAND, 2, &cmd);
	}
	tv_snprintf(line, sizeof(line), "%02x:%02x.%x %04x:%04x class %06x cmd %04x "
		    "%s%s%s%s\n", d->bdf.bus, d->bdf.dev, d->bdf.fn, d->vendor_id,
		    d->device_id, d->class_code, cmd,
		    d->driver ? d->driver->name : "pass-through",
		    (d->flags & PCI_DEV_BRIDGE) ? " bridge" : "",
		    (d->flags & PCI_DEV_UNREACHABLE) ? " unreachable" : "",
		    id == ((u32)d->device_id << 16 | d->vendor_id) ? "" :
		    " (ID now differs)");
	out(line, ctx);
	for (i = 0; i < PCI_BAR_SLOTS; i++) {
		const struct pci_bar *b = &d->bar[i];

		if (!b->size || b->kind == PCI_BAR_MEM64_HI)
			continue;
		tv_snprintf(line, sizeof(line), "    bar%u %s %llx size %llx\n", i,
			    b->kind == PCI_BAR_IO ? "io " : b->kind == PCI_BAR_ROM ?
			    "rom" : "mem", (unsigned long long)b->addr,
			    (unsigned long long)b->size);
		out(line, ctx);
	}
	if (d->flags & PCI_DEV_BRIDGE) {
		tv_snprintf(line, sizeof(line), "    buses %02x-%02x\n",
			    d->bridge.secondary, d->bridge.subordinate);
		out(line, ctx);
	}
}

void hv_pci_list(void (*out)(const char *line, void *ctx), void *ctx)
{
	u32 i;

	if (!pci_host.ready) {
		out("pci: not initialised\n", ctx);
		return;
	}
	pci_addr_lock(NULL);
	for (i = 0; i < pci_host.topo.count; i++)
		list_device(&pci_host.topo.devs[i], out, ctx);
	pci_addr_unlock(NULL);
}
