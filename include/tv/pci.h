/*
 * PCI configuration space: address decoding, the device model, bus
 * enumeration, BAR sizing, the default configuration handlers and MSI.
 *
 * Pure code (lib/pci/).  Hardware is reached only through struct
 * pci_access, which the hypervisor implements with port 0xCF8/0xCFC or
 * MCFG (ECAM) and the unit tests implement with a simulator.  The access
 * decides per call which mechanism to use, so nothing here assumes that
 * MCFG availability was fixed at boot (the seed's MSI bug), and every
 * function that touches hardware takes the access as its first argument.
 *
 * Devices live in caller storage (struct pci_topology); the library keeps
 * no globals.  Locking is the caller's job: see docs/pci.md, "For the
 * hypervisor integration".
 */
#ifndef TV_PCI_H
#define TV_PCI_H

#include <tv/types.h>
#include <tv/pci_regs.h>

/* Segment (PCI domain), bus, device (slot), function. */
struct pci_bdf {
	u16 seg;
	u8 bus;
	u8 dev;
	u8 fn;
};

/*
 * Real configuration accesses.  size is 1, 2 or 4, off is aligned to size
 * and off + size <= 4096 (the library checks before calling).  A read
 * returns the value in the low size bytes of *val.  Return 0 or -errno;
 * -ERANGE means "offset >= 256 but no ECAM covers this bus right now",
 * which the library treats as "no extended configuration space".
 */
struct pci_access_ops {
	int (*read)(void *ctx, u16 seg, u8 bus, u8 dev, u8 fn, u16 off,
		    unsigned int size, u32 *val);
	int (*write)(void *ctx, u16 seg, u8 bus, u8 dev, u8 fn, u16 off,
		     unsigned int size, u32 val);
};

struct pci_access {
	const struct pci_access_ops *ops;
	void *ctx;
};

/* True when (off, size) is a legal access: size 1/2/4, aligned, in 4 KiB. */
bool pci_cfg_access_ok(u16 off, unsigned int size);
int pci_cfg_read(const struct pci_access *a, const struct pci_bdf *b,
		 u16 off, unsigned int size, u32 *val);
int pci_cfg_write(const struct pci_access *a, const struct pci_bdf *b,
		  u16 off, unsigned int size, u32 val);

/* ---- address decoding (lib/pci/addr.c) ---- */

/* A decoded 0xCF8 value (PCI 3.0 §3.2.2.3.2). */
struct pci_cf8 {
	bool enabled;		/* bit 31 */
	u8 bus;
	u8 dev;
	u8 fn;
	u16 reg;		/* dword-aligned offset, 0..4092 with AMD ext */
};

/* amd_ext: MSR C001_001F[46] EnableCf8ExtCfg is set on this CPU. */
void pci_cf8_decode(u32 cf8, bool amd_ext, struct pci_cf8 *out);
/* The 0xCF8 value that selects (bus, dev, fn, off & ~3), enable set. */
u32 pci_cf8_encode(u8 bus, u8 dev, u8 fn, u16 off, bool amd_ext);
/*
 * Decode a data-port access: port is 0xCFC..0xCFF, size 1/2/4.  Gives the
 * function and byte offset the access addresses.  -ENODEV when the enable
 * bit is clear (not a configuration access), -EINVAL when the port/size
 * pair is not a configuration access (unaligned or past 0xCFF).
 */
int pci_cf8_data_access(u32 cf8, bool amd_ext, u16 port, unsigned int size,
			u16 seg, struct pci_bdf *bdf, u16 *off);

/*
 * One MCFG allocation (PCI Firmware 3.0 §4.1.2).  base is the ECAM address
 * of bus 0 of the segment even when start_bus > 0, so the window that
 * exists is [base + start_bus MiB, base + (end_bus + 1) MiB).
 */
struct pci_mcfg {
	u64 base;
	u16 seg;
	u8 start_bus;
	u8 end_bus;
};

u64 pci_mcfg_window_start(const struct pci_mcfg *m);
u64 pci_mcfg_window_size(const struct pci_mcfg *m);
bool pci_mcfg_covers(const struct pci_mcfg *m, u16 seg, u8 bus);
const struct pci_mcfg *pci_mcfg_find(const struct pci_mcfg *table, size_t n,
				     u16 seg, u8 bus);
/* ECAM physical address -> function and offset; -ERANGE outside the
 * window, -EINVAL for a bad size or an access crossing a dword. */
int pci_ecam_decode(const struct pci_mcfg *m, u64 phys, unsigned int size,
		    struct pci_bdf *bdf, u16 *off);
int pci_ecam_address(const struct pci_mcfg *m, const struct pci_bdf *b,
		     u16 off, u64 *phys);

/* ---- device model (lib/pci/device.c, bar.c) ---- */

enum pci_bar_kind {
	PCI_BAR_NONE,		/* not implemented */
	PCI_BAR_IO,
	PCI_BAR_MEM32,
	PCI_BAR_MEM64,		/* this slot and the next one */
	PCI_BAR_MEM64_HI,	/* upper half of the previous slot */
	PCI_BAR_ROM,
	PCI_BAR_BROKEN,		/* e.g. a 64-bit BAR in the last slot */
};

struct pci_bar {
	u8 kind;		/* enum pci_bar_kind */
	bool prefetchable;
	bool probing;		/* register holds a sizing pattern, addr is stale */
	u64 addr;
	u64 size;
	u64 mask;		/* implemented address bits, from sizing */
};

/* Slots 0..5 are the header's BARs (0..1 on a bridge); slot 6 is the ROM. */
#define PCI_BAR_SLOTS		7
#define PCI_BAR_ROM_SLOT	6

/* A bridge window; limit is inclusive.  Disabled when base > limit. */
struct pci_window {
	u64 base;
	u64 limit;
	bool enabled;
};

struct pci_bridge {
	u8 primary;
	u8 secondary;
	u8 subordinate;
	u8 initial_secondary;	/* as found at scan, for selectors */
	struct pci_window io;
	struct pci_window mem;
	struct pci_window pref;
};

/* dev->flags */
#define PCI_DEV_BRIDGE		BIT(0)	/* type 1 header */
#define PCI_DEV_MULTIFN		BIT(1)
#define PCI_DEV_PCIE		BIT(2)	/* has a PCI Express capability */
#define PCI_DEV_UNREACHABLE	BIT(3)	/* bridges do not route to it now */
#define PCI_DEV_GONE		BIT(4)	/* reconnect found another device */
#define PCI_DEV_STALE		BIT(5)	/* was unreachable; needs reconnect */

/* dev->changed: what guest writes changed; the caller clears bits. */
#define PCI_CHANGED_COMMAND	BIT(0)
#define PCI_CHANGED_BARS	BIT(1)
#define PCI_CHANGED_BUSES	BIT(2)
#define PCI_CHANGED_WINDOWS	BIT(3)
#define PCI_CHANGED_BRIDGE_CTL	BIT(4)
#define PCI_CHANGED_RECONNECTED	BIT(5)	/* reachable again, identity same */

struct pci_driver_desc;
struct pci_match_clause;

struct pci_device {
	struct pci_bdf bdf;	/* current address (follows renumbering) */
	u8 initial_bus;		/* bus at scan time; slot= selectors use it */
	s16 parent;		/* topology index of the upstream bridge, -1 */
	u16 vendor_id;
	u16 device_id;
	u16 subsys_vendor_id;
	u16 subsys_id;
	u32 class_code;		/* 24 bits: base, sub, prog-if */
	u8 revision;
	u8 header_type;		/* raw, including the multi-function bit */
	u8 msi_cap;		/* offset of the MSI capability, 0 = none */
	u8 pcie_cap;		/* offset of the PCIe capability, 0 = none */
	u8 pcie_type;		/* PCI_EXP_TYPE_*, valid with PCI_DEV_PCIE */
	u16 cfg_size;		/* 256 or 4096 bytes cached */
	u32 flags;		/* PCI_DEV_* */
	u32 changed;		/* PCI_CHANGED_* */
	struct pci_bar bar[PCI_BAR_SLOTS];
	struct pci_bridge bridge;	/* valid with PCI_DEV_BRIDGE */
	/*
	 * Fake command rules for the command register (offset 4): for the
	 * bits in mask the hardware always gets fixed, and the guest reads
	 * back the bits it last wrote (virtual).  E.g. force Memory Space
	 * Enable and Bus Master Enable on a bridge.
	 */
	u16 fake_command_mask;
	u16 fake_command_fixed;
	u16 fake_command_virtual;
	const struct pci_driver_desc *driver;	/* NULL: pass-through */
	const struct pci_match_clause *driver_clause;	/* its options */
	/* Hardware values as of the last read or write through the library. */
	u32 cfg[PCI_CFG_SIZE_EXT / 4];
};

/* Read the cached configuration space; off/size as for an access. */
u32 pci_cached_read(const struct pci_device *d, u16 off, unsigned int size);

/*
 * Read a function into *d: identity, header, full configuration space
 * (4 KiB when it is PCI Express and the access reaches offset 256),
 * capabilities, bridge registers and BAR sizes.  Sizing turns decode off
 * in the command register and restores the command and every BAR.
 * -ENODEV when nothing answers at bdf.
 */
int pci_device_probe(const struct pci_access *a, const struct pci_bdf *bdf,
		     struct pci_device *d);
/* Re-read [off, off + len) into the cache and re-derive BARs/bridge. */
int pci_device_refresh(const struct pci_access *a, struct pci_device *d,
		       u16 off, u16 len);
/* Derive identity, BAR addresses and bridge info from the cache. */
void pci_device_decode(struct pci_device *d);

/* BAR sizing (PCI 3.0 §6.2.5.1) with decode disabled; restores all. */
int pci_bars_size(const struct pci_access *a, struct pci_device *d);
/* Addresses from the cached BAR registers (sizes must be known). */
void pci_bars_decode(struct pci_device *d);
/* Write the cached BAR values back (a bridge may need it after BME). */
int pci_bars_rewrite(const struct pci_access *a, struct pci_device *d);

/* ---- topology (lib/pci/topology.c) ---- */

struct pci_topology {
	struct pci_device *devs;
	u32 cap;
	u32 count;
	u16 seg;
};

void pci_topology_init(struct pci_topology *t, struct pci_device *storage,
		       u32 cap, u16 seg);
/*
 * Probe every function on buses first..last of the segment, like the
 * seed (so root buses of further host bridges are found without ACPI),
 * in bus/device/function order, then link each device to the bridge
 * whose secondary bus it sits on.  -ENOSPC when storage ran out (the
 * devices found so far are kept and linked).
 */
int pci_scan(const struct pci_access *a, struct pci_topology *t,
	     u8 first_bus, u8 last_bus);
/* The reachable device at bdf now, or NULL. */
struct pci_device *pci_topology_find(struct pci_topology *t,
				     const struct pci_bdf *b);
int pci_topology_index(const struct pci_topology *t,
		       const struct pci_device *d);
/*
 * Recompute every device's bus number from its bridge's secondary bus
 * and whether bridges route configuration cycles to it.  Pure: touches
 * no hardware.  Devices that became unreachable get PCI_DEV_UNREACHABLE;
 * returns how many devices became reachable again (they need
 * pci_device_reconnect before use).
 */
int pci_topology_recompute(struct pci_topology *t);
/* recompute, then reconnect the devices that became reachable. */
int pci_topology_update(const struct pci_access *a, struct pci_topology *t);
/*
 * Probe bdf and append it (hot-plug / device found late): index or -errno.
 * Reconnects stale devices first; -EEXIST when a known device answers.
 */
int pci_topology_add(const struct pci_access *a, struct pci_topology *t,
		     const struct pci_bdf *b);

enum pci_reconnect {
	PCI_RECONNECT_SAME,	/* same IDs and class: cache refreshed */
	PCI_RECONNECT_ABSENT,	/* vendor reads 0xFFFF */
	PCI_RECONNECT_CHANGED,	/* another device answers: PCI_DEV_GONE */
};
/* Compare IDs/class at the device's current bdf: enum or -errno. */
int pci_device_reconnect(const struct pci_access *a, struct pci_device *d);

/* Why the hypervisor must not touch something now. */
enum pci_reach {
	PCI_REACH_OK,
	PCI_REACH_BUS_RANGE,	/* bridge bus numbers do not route to it */
	PCI_REACH_UNASSIGNED,	/* BAR not implemented or being sized */
	PCI_REACH_DECODE_OFF,	/* the device's own I/O/memory decode is off */
	PCI_REACH_BRIDGE_DECODE_OFF,	/* an upstream bridge forwards nothing */
	PCI_REACH_OUTSIDE_WINDOW,	/* BAR outside an upstream bridge window */
};
bool pci_config_reachable(const struct pci_topology *t,
			  const struct pci_device *d);
/* Whether accesses to BAR slot i reach the device: enum pci_reach. */
int pci_bar_reachable(const struct pci_topology *t, const struct pci_device *d,
		      unsigned int i);

/* ---- default handlers and dispatch (lib/pci/config.c) ---- */

/* Driver hook results. */
#define PCI_HOOK_DEFAULT	0	/* run the default handler */
#define PCI_HOOK_DONE		1	/* the hook handled the access */

/*
 * A driver as the selector grammar and the dispatcher see it.  options is
 * a NULL-terminated list of the option names the driver accepts; device
 * is its own selector list (e.g. "class_code=0c0320"), used when a
 * vmm.driver.pci clause names the driver without selectors.  The hooks
 * may be NULL.
 */
struct pci_driver_desc {
	const char *name;
	const char *const *options;
	const char *device;
	int (*config_read)(const struct pci_access *a, struct pci_device *d,
			   unsigned int size, u16 off, u32 *data);
	int (*config_write)(const struct pci_access *a, struct pci_device *d,
			    unsigned int size, u16 off, u32 *data);
	/*
	 * The hypervisor moved the hooks of BAR slot from old to
	 * d->bar[slot].addr after a guest write; usable is false when the
	 * new place cannot be trapped (the driver must not touch the BAR
	 * until a later move makes it usable).  Not called by lib/pci.
	 */
	void (*bar_moved)(struct pci_device *d, unsigned int slot, u64 old,
			  bool usable);
};

/* driver=conceal: reads all-ones, drops writes, matches nothing itself. */
extern const struct pci_driver_desc pci_driver_conceal;

/*
 * The seed's default handlers: pass the access to the device's current
 * bdf, honouring offset and size (1/2/4, aligned, 0..4095), applying the
 * fake command rules, refreshing the cache after a write and flagging
 * what changed in d->changed.  data holds the value in its low bytes.
 */
int pci_handle_default_config_read(const struct pci_access *a,
				   struct pci_device *d, unsigned int size,
				   u16 off, u32 *data);
int pci_handle_default_config_write(const struct pci_access *a,
				    struct pci_device *d, unsigned int size,
				    u16 off, u32 *data);
/* Set fake command rules; the virtual bits start as the current ones. */
void pci_set_fake_command(struct pci_device *d, u16 mask, u16 fixed);
/* Write the command register with the fixed bits applied now. */
int pci_apply_fake_command(const struct pci_access *a, struct pci_device *d);

enum pci_dispatch {
	PCI_DISPATCH_DEVICE,	/* a known device handled it */
	PCI_DISPATCH_CONCEALED,	/* ghost function of a single-function device */
	PCI_DISPATCH_PASSTHROUGH,	/* no known device: passed to hardware */
};
/*
 * One guest configuration access, from either path (0xCFC after
 * pci_cf8_data_access, or ECAM after pci_ecam_decode): driver hook, else
 * default handler; bridge bus-number changes update the topology.
 * Unknown functions are passed through (the seed's Mac EFI-variable
 * quirk); the caller may then pci_topology_add them.  enum or -errno.
 */
int pci_config_dispatch(const struct pci_access *a, struct pci_topology *t,
			bool write, const struct pci_bdf *b, u16 off,
			unsigned int size, u32 *data);

/* ---- capabilities and MSI (lib/pci/msi.c) ---- */

/* Walk the capability list in hardware: 0 and *pos, -ENOENT, -errno. */
int pci_cap_find(const struct pci_access *a, const struct pci_device *d,
		 u8 id, u8 *pos);

struct pci_msi {
	u8 pos;
	u16 flags;		/* Message Control as found */
};

/* -ENODEV when the device is unreachable now, -ENOENT without MSI. */
int pci_msi_probe(const struct pci_access *a, const struct pci_device *d,
		  struct pci_msi *m);
/* Program address/data (single vector); -ERANGE for a 64-bit address
 * on a 32-bit-only function, -EINVAL for address bits 1:0 set. */
int pci_msi_program(const struct pci_access *a, const struct pci_device *d,
		    const struct pci_msi *m, u64 addr, u16 data);
int pci_msi_enable(const struct pci_access *a, const struct pci_device *d,
		   const struct pci_msi *m, bool on);

#endif
