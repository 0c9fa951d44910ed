/*
 * Firmware driver disconnection for PCI devices (the seed's item 2, done
 * for every device a hypervisor driver takes, storage included, which the
 * seed left undone): while boot services still run, the loader reads the
 * `vmm.driver.pci` rules with the same library the hypervisor uses, matches
 * them against every PCI function the firmware knows (EFI_PCI_IO_PROTOCOL),
 * and disconnects the UEFI drivers from each function that a driver other
 * than `none` will own, so the firmware — which runs on as our guest until
 * the OS starts — never drives a device the hypervisor hides or changes.
 */
#include <efi.h>
#include <efilib.h>
#include <tv/types.h>
#include <tv/pci.h>
#include <tv/pci_match.h>
#include "loader.h"

#define LOADER_PCI_CLAUSES	32

static struct pci_match_clause clauses[LOADER_PCI_CLAUSES];
/* Names and options as in drivers/pci (force_enable keeps firmware drivers). */
static const char *const force_options[] = { "memory", "master", "io", NULL };
static const struct pci_driver_desc loader_force_enable = {
	.name = "force_enable", .options = force_options,
};
static const char *const no_options[] = { NULL };
static const struct pci_driver_desc loader_nvme_crypt = {
	.name = "nvme_crypt", .options = no_options,
};
/* ahci_crypt keeps the firmware's driver: the ESP may be on that HBA. */
static const struct pci_driver_desc loader_ahci_crypt = {
	.name = "ahci_crypt", .options = no_options,
};
static const struct pci_driver_desc *const drivers[] = {
	&pci_driver_conceal, &loader_force_enable, &loader_nvme_crypt,
	&loader_ahci_crypt,
};

static int parse_rules(struct pci_match_rules *r, const struct tv_config *cfg)
{
	struct pci_match_error e;
	char msg[200];
	u32 i;

	pci_match_init(r, clauses, LOADER_PCI_CLAUSES, drivers,
		       ARRAY_SIZE(drivers));
	for (i = 0; i < cfg->pci_driver_count; i++) {
		const char *line = cfg->pci_driver[i];
		UINTN len = 0;

		while (line[len])
			len++;
		if (pci_match_parse_line(r, line, len, i + 1, &e)) {
			pci_match_format_error(&e, msg, sizeof(msg));
			Print(L"thinvisor: thinvisor.conf: %a\n", msg);
			return -1;
		}
	}
	return 0;
}

/* The PCI function behind a handle, decoded from its configuration header. */
static bool read_device(EFI_PCI_IO *io, struct pci_device *d)
{
	UINTN seg, bus, dev, fn;

	SetMem(d, sizeof(*d), 0);
	if (EFI_ERROR(uefi_call_wrapper(io->GetLocation, 5, io, &seg, &bus,
					&dev, &fn)) ||
	    EFI_ERROR(uefi_call_wrapper(io->Pci.Read, 5, io, EfiPciIoWidthUint32,
					0, 64, d->cfg)))
		return false;
	d->bdf.seg = (u16)seg;
	d->bdf.bus = (u8)bus;
	d->bdf.dev = (u8)dev;
	d->bdf.fn = (u8)fn;
	d->initial_bus = (u8)bus;
	d->cfg_size = 256;
	pci_device_decode(d);
	return true;
}

bool loader_pci_class_at(u8 bus, u8 dev, u8 fn, u32 *class_code)
{
	static struct pci_device d;
	EFI_HANDLE *handles;
	bool found = false;
	UINTN n, i;

	if (EFI_ERROR(LibLocateHandle(ByProtocol, &PciIoProtocol, NULL, &n,
				      &handles)))
		return false;
	for (i = 0; i < n && !found; i++) {
		EFI_PCI_IO *io;

		if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, handles[i],
						&PciIoProtocol, (void **)&io)) ||
		    !read_device(io, &d) || d.bdf.seg || d.bdf.bus != bus ||
		    d.bdf.dev != dev || d.bdf.fn != fn)
			continue;
		*class_code = d.class_code;
		found = true;
	}
	FreePool(handles);
	return found;
}

EFI_STATUS loader_disconnect_pci(const struct tv_config *cfg)
{
	static struct pci_device d;
	struct pci_match_rules rules;
	EFI_HANDLE *handles;
	UINTN n, i;

	if (!cfg->pci_driver_count)
		return EFI_SUCCESS;
	if (parse_rules(&rules, cfg))
		return EFI_INVALID_PARAMETER;
	if (EFI_ERROR(LibLocateHandle(ByProtocol, &PciIoProtocol, NULL, &n,
				      &handles)))
		return EFI_SUCCESS;
	for (i = 0; i < n; i++) {
		EFI_PCI_IO *io;
		EFI_STATUS st;

		if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, handles[i],
						&PciIoProtocol, (void **)&io)) ||
		    !read_device(io, &d) || pci_match_assign(&rules, &d) <= 0 ||
		    !d.driver || d.driver == &loader_force_enable ||
		    d.driver == &loader_ahci_crypt)
			continue;
		st = uefi_call_wrapper(BS->DisconnectController, 3, handles[i],
				       NULL, NULL);
		Print(L"thinvisor: %02x:%02x.%x %04x:%04x (driver %a): firmware "
		      L"drivers %a\n", d.bdf.bus, d.bdf.dev, d.bdf.fn,
		      d.vendor_id, d.device_id, d.driver->name,
		      st == EFI_NOT_FOUND ? "none bound" :
		      EFI_ERROR(st) ? "could not be detached" : "detached");
	}
	FreePool(handles);
	return EFI_SUCCESS;
}
