/*
 * Real PCI configuration accesses for lib/pci, and the two locks of the
 * seed's design (docs/pci.md, "For the hypervisor integration").
 *
 * Each access chooses ECAM or the 0xCF8/0xCFC ports at the time it is
 * made: ECAM when an MCFG window covers the bus, ports otherwise (segment
 * 0, offsets below 256).  The I/O lock is held only around one real 0xCF8
 * write and the 0xCFC access after it.  The address lock is nestable (a
 * driver hook running inside the dispatcher may access configuration space
 * itself) and guards the guest's virtual 0xCF8 value, the topology and
 * every cached device; its last release writes the guest's 0xCF8 value
 * back if the hypervisor changed the port, so the guest always finds its
 * own address there.  Lock order: address lock, then I/O lock.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <tv/pci.h>
#include <tv/spinlock.h>
#include <arch/processor.h>
#include "pci_host.h"

#define PCI_CF8		0xcf8
#define PCI_CFC		0xcfc

struct pci_host pci_host;

static spinlock_t pci_io_lock;	/* one real CF8 write + CFC access */
static spinlock_t addr_lock;	/* the address lock proper */
static volatile int addr_owner = -1;	/* cpu_id holding addr_lock */
static unsigned int addr_depth;	/* nesting, owner only */
static u32 hw_cf8;		/* last value we wrote to 0xCF8; pci_io_lock */

static inline void outl(u16 port, u32 v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline u32 inl(u16 port)
{
	u32 v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(u16 port, u16 v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline u16 inw(u16 port)
{
	u16 v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* Under pci_io_lock: latch addr in 0xCF8 if it is not there already. */
static void cf8_set(u32 addr)
{
	if (hw_cf8 != addr) {
		outl(PCI_CF8, addr);
		hw_cf8 = addr;
	}
}

u32 pci_port_in(u32 cf8, u16 port, unsigned int size)
{
	u32 v;

	spin_lock(&pci_io_lock);
	cf8_set(cf8);
	v = size == 4 ? inl(port) : size == 2 ? inw(port) : inb(port);
	spin_unlock(&pci_io_lock);
	return v;
}

void pci_port_out(u32 cf8, u16 port, unsigned int size, u32 v)
{
	spin_lock(&pci_io_lock);
	cf8_set(cf8);
	if (size == 4)
		outl(port, v);
	else if (size == 2)
		outw(port, (u16)v);
	else
		outb(port, (u8)v);
	spin_unlock(&pci_io_lock);
}

static volatile void *ecam_ptr(u16 seg, u8 bus, u8 dev, u8 fn, u16 off)
{
	const struct pci_mcfg *m = pci_mcfg_find(hv_mcfg, hv_nmcfg, seg, bus);
	struct pci_bdf b = { seg, bus, dev, fn };
	u64 pa;

	if (!m || pci_ecam_address(m, &b, off, &pa))
		return NULL;
	return (volatile void *)pa;
}

static int host_read(void *ctx, u16 seg, u8 bus, u8 dev, u8 fn, u16 off,
		     unsigned int size, u32 *val)
{
	volatile void *p = ecam_ptr(seg, bus, dev, fn, off);

	if (p) {
		*val = size == 4 ? *(volatile u32 *)p :
		       size == 2 ? *(volatile u16 *)p : *(volatile u8 *)p;
		return 0;
	}
	if (seg || off >= 256)
		return -ERANGE;
	*val = pci_port_in(pci_cf8_encode(bus, dev, fn, off, false),
			   PCI_CFC + (off & 3), size);
	return 0;
}

static int host_write(void *ctx, u16 seg, u8 bus, u8 dev, u8 fn, u16 off,
		      unsigned int size, u32 val)
{
	volatile void *p = ecam_ptr(seg, bus, dev, fn, off);

	if (p) {
		if (size == 4)
			*(volatile u32 *)p = val;
		else if (size == 2)
			*(volatile u16 *)p = (u16)val;
		else
			*(volatile u8 *)p = (u8)val;
		return 0;
	}
	if (seg || off >= 256)
		return -ERANGE;
	pci_port_out(pci_cf8_encode(bus, dev, fn, off, false), PCI_CFC + (off & 3),
		     size, val);
	return 0;
}

static const struct pci_access_ops host_ops = {
	.read = host_read,
	.write = host_write,
};

const struct pci_access pci_hw = { &host_ops, NULL };

void pci_addr_lock(struct per_cpu *cpu)
{
	int me = cpu ? (int)cpu->cpu_id : (int)this_cpu_id();

	if (addr_owner == me) {
		addr_depth++;
		return;
	}
	spin_lock(&addr_lock);
	addr_owner = me;
	addr_depth = 1;
}

void pci_addr_unlock(struct per_cpu *cpu)
{
	if (--addr_depth)
		return;
	/* Leave the guest's own address latched, as it left it. */
	spin_lock(&pci_io_lock);
	cf8_set(pci_host.guest_cf8);
	spin_unlock(&pci_io_lock);
	addr_owner = -1;
	spin_unlock(&addr_lock);
}

void pci_access_init(void)
{
	hw_cf8 = inl(PCI_CF8);
	pci_host.guest_cf8 = hw_cf8;
}
