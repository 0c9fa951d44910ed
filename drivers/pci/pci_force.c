/*
 * driver=force_enable: keeps chosen command-register bits on in the
 * hardware whatever the guest writes, while the guest reads back the bits
 * it wrote (the fake command rules of the seed's default handler).  This
 * is the seed's Thunderbolt lesson made a setting: an adapter's bridge
 * stops all DMA for good if bus mastering is tried while Memory Space
 * Enable is 0, and Windows toggles both on bridges; forcing MSE (and BME)
 * on such a bridge keeps the device alive.  Options (booleans, default
 * off): memory, master, io.
 *
 *   vmm.driver.pci = slot=05:00.0, driver=force_enable, memory=1, master=1
 */
#include <tv/env.h>
#include <tv/hv.h>
#include "pci_host.h"

static const char *const force_options[] = { "memory", "master", "io", NULL };

const struct pci_driver_desc pci_driver_force_enable = {
	.name = "force_enable",
	.options = force_options,
};

static u16 option_bit(const struct pci_device *d, const char *name, u16 bit)
{
	bool on = false;

	return !pci_driver_option_get_bool(d, name, &on) && on ? bit : 0;
}

void pci_force_enable_init(struct pci_device *d)
{
	u16 bits = option_bit(d, "memory", PCI_COMMAND_MEMORY) |
		   option_bit(d, "master", PCI_COMMAND_MASTER) |
		   option_bit(d, "io", PCI_COMMAND_IO);

	pci_addr_lock(NULL);
	pci_set_fake_command(d, bits, bits);
	pci_apply_fake_command(&pci_hw, d);
	pci_addr_unlock(NULL);
	log_printf("pci: %02x:%02x.%x: command bits %x forced on in hardware\n",
		   d->bdf.bus, d->bdf.dev, d->bdf.fn, bits);
}
