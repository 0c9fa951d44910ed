/* Internal interfaces of drivers/pci (the hypervisor's PCI host side). */
#ifndef DRIVERS_PCI_HOST_H
#define DRIVERS_PCI_HOST_H

#include <tv/pci.h>
#include <tv/pci_match.h>
#include <tv/percpu.h>
#include <tv/hv.h>

#define PCI_MAX_DEVICES	96
#define PCI_MAX_CLAUSES	32

struct pci_host {
	struct pci_topology topo;	/* address lock */
	u32 guest_cf8;			/* the guest's 0xCF8; address lock */
	struct pci_match_rules rules;	/* fixed after boot */
	bool ready;
};

extern struct pci_host pci_host;
extern struct pci_mcfg hv_mcfg[HV_MCFG_MAX];	/* core/acpi.c, boot only */
extern const struct pci_access pci_hw;

void pci_access_init(void);
void pci_addr_lock(struct per_cpu *cpu);
void pci_addr_unlock(struct per_cpu *cpu);
/* Real port accesses with 0xCF8 set to cf8 (under the I/O lock). */
u32 pci_port_in(u32 cf8, u16 port, unsigned int size);
void pci_port_out(u32 cf8, u16 port, unsigned int size, u32 v);
int pci_traps_init(void);

/* The seed's configuration-access API (drivers/pci/pci_api.c). */
int pci_readwrite_config_pmio(u8 bus, u8 dev, u8 fn, u16 offset,
			      unsigned int size, void *data, bool write);
int pci_read_config_pmio(u8 bus, u8 dev, u8 fn, u16 offset, unsigned int size,
			 void *data);
int pci_write_config_pmio(u8 bus, u8 dev, u8 fn, u16 offset, unsigned int size,
			  const void *data);
int pci_readwrite_config_mmio(const struct pci_mcfg *m, u8 bus, u8 dev, u8 fn,
			      u16 offset, unsigned int size, void *data,
			      bool write);
int pci_read_config_mmio(const struct pci_mcfg *m, u8 bus, u8 dev, u8 fn,
			 u16 offset, unsigned int size, void *data);
int pci_write_config_mmio(const struct pci_mcfg *m, u8 bus, u8 dev, u8 fn,
			  u16 offset, unsigned int size, const void *data);
int pci_config_read(struct pci_device *d, void *data, unsigned int size,
		    u16 offset);
int pci_config_write(struct pci_device *d, const void *data, unsigned int size,
		     u16 offset);
void pci_conceal_resources(struct pci_device *d);
/* drivers/pci/pci_move.c: addr[PCI_BAR_SLOTS] before a guest write, and
 * moving the driver's hooks after it. */
void pci_bars_snapshot(const struct pci_device *d, u64 *addr);
void pci_follow_bars(struct pci_device *d, const u64 *old);
extern const struct pci_driver_desc pci_driver_force_enable;
void pci_force_enable_init(struct pci_device *d);

#endif
