/*
 * A simulated PCI segment for the lib/pci unit tests: functions with
 * configuration space in memory, per-byte writable and write-1-to-clear
 * masks (so BARs size like hardware, read-only fields stay put and status
 * bits clear the way they do), and bridges that route configuration
 * cycles by their current secondary/subordinate bus numbers.  Renumbering
 * a bridge in the simulator therefore moves, or cuts off, the devices
 * behind it exactly as real bridges do.
 *
 * The struct pci_access it provides can refuse offsets >= 256 (no MCFG),
 * inject a failure after N accesses, and counts BAR sizing writes done
 * while decode was on.
 */
#ifndef TV_TESTS_PCI_SIM_H
#define TV_TESTS_PCI_SIM_H

#include <tv/types.h>
#include <tv/pci.h>

#define SIM_MAX_FN	16

struct sim_fn {
	int parent;		/* index of the upstream bridge, -1 = root bus */
	u8 dev;
	u8 fn;
	bool ghost;		/* answers for every function number */
	bool pcie;		/* has 4 KiB of configuration space */
	u8 cfg[PCI_CFG_SIZE_EXT];
	u8 wmask[PCI_CFG_SIZE_EXT];
	u8 w1c[PCI_CFG_SIZE_EXT];
};

struct pci_sim {
	struct sim_fn fn[SIM_MAX_FN];
	int nfn;
	u8 root_bus;
	bool ecam;		/* offsets >= 256 reachable */
	unsigned int reads;
	unsigned int writes;
	unsigned int decode_violations;	/* BAR sized with decode on */
	int fail_countdown;	/* -1: never; 0: fail the next access */
};

/* Indexes of the functions sim_build_default() creates. */
enum {
	SIM_HOST,	/* 00:00.0 host bridge */
	SIM_RP,		/* 00:01.0 PCIe root port, buses 1-2 */
	SIM_TB,		/* 01:00.0 PCIe upstream port (Thunderbolt-like), bus 2 */
	SIM_NIC,	/* 02:00.0 NIC: mem64 BAR, pref mem64 BAR, MSI-64 */
	SIM_VGA,	/* 00:02.0 multi-function: pref mem32, mem64, I/O, ROM */
	SIM_AUDIO,	/* 00:02.1 mem32 BAR */
	SIM_P2P,	/* 00:03.0 conventional PCI bridge, bus 3 */
	SIM_EHCI,	/* 03:05.0 EHCI: mem32 BAR, 16-bit I/O BAR */
	SIM_ISA,	/* 00:1f.0 single-function, ghost on fn 1..7 */
	SIM_DEFAULT_COUNT,
};

/* Addresses and sizes of the default topology, for assertions. */
#define SIM_NIC_BAR0		0xc0000000ULL
#define SIM_NIC_BAR0_SIZE	0x10000ULL
#define SIM_NIC_BAR2		0x800000000ULL
#define SIM_NIC_BAR2_SIZE	0x100000ULL
#define SIM_VGA_BAR0		0xd0000000ULL
#define SIM_VGA_BAR0_SIZE	0x10000000ULL
#define SIM_VGA_BAR2		0xfe000000ULL
#define SIM_VGA_BAR2_SIZE	0x20000ULL
#define SIM_VGA_BAR4		0xe000ULL
#define SIM_VGA_BAR4_SIZE	0x100ULL
#define SIM_VGA_ROM		0xfe100000ULL
#define SIM_VGA_ROM_SIZE	0x20000ULL
#define SIM_EHCI_BAR0		0xfd000000ULL
#define SIM_EHCI_BAR0_SIZE	0x400ULL
#define SIM_EHCI_BAR1		0x3000ULL
#define SIM_EHCI_BAR1_SIZE	0x20ULL

void sim_init(struct pci_sim *s, u8 root_bus);
/* A function; header 0 or 1, multi-function bit added by the caller. */
int sim_add(struct pci_sim *s, int parent, u8 dev, u8 fn, u16 vendor,
	    u16 device, u32 class_code, u8 header_type);
/* kind: PCI_BAR_IO / MEM32 / MEM64 / ROM; pref for memory BARs. */
void sim_bar(struct pci_sim *s, int idx, int slot, int kind, bool pref,
	     u64 size, u64 addr);
void sim_bridge(struct pci_sim *s, int idx, u8 pri, u8 sec, u8 sub);
void sim_windows(struct pci_sim *s, int idx, u32 io_base, u32 io_limit,
		 u32 mem_base, u32 mem_limit, u64 pref_base, u64 pref_limit);
void sim_cap_msi(struct pci_sim *s, int idx, u8 pos, bool is64, u8 next);
void sim_cap_pcie(struct pci_sim *s, int idx, u8 pos, u8 type, u8 next);
void sim_build_default(struct pci_sim *s);

u32 sim_peek(const struct pci_sim *s, int idx, u16 off, unsigned int size);
void sim_poke(struct pci_sim *s, int idx, u16 off, unsigned int size, u32 v);
/* The current bus number of a function, as the bridges route it. */
u8 sim_bus_of(const struct pci_sim *s, int idx);

void sim_access(struct pci_sim *s, struct pci_access *a);

#endif
