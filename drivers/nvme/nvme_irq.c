/*
 * Sending an nvme_crypt controller's interrupts to the guest ourselves.
 *
 * The hardware completion queues do not interrupt (nvme_shadow.h,
 * "Interrupts"): the controller would signal before the hypervisor has
 * copied the completion into the guest's queue, and another CPU's
 * interrupt handler would find nothing.  Instead, after posting, the
 * engine asks for the guest's vector and this file sends the message the
 * guest programmed into the function, as a fixed IPI (arch/x86/apic.c):
 *
 *   MSI-X on    the vector's table entry (PCI 3.0 §6.8.2), read from the
 *               BAR the capability names, at the BAR's current address.
 *               The function mask or the entry's mask bit hold it back
 *               (-EAGAIN: the engine asks again on its next pass; the
 *               table is not trapped, so an unmask alone does not send it
 *               and the hardware's Pending Bit is not set)
 *   MSI on      the capability's address/data (§6.8.1), the vector in the
 *               low data bits (Multiple Message Enable), held back by its
 *               per-vector mask bit (NVMe's INTMS: the engine, nvme_regs.c)
 *   neither     nothing: then the hardware CQs keep the guest's IEN and
 *               the controller raises INTx itself (nvme_shadow.h)
 *
 * The capability registers are read from the PCI layer's copy of the
 * configuration space (refreshed on every guest write, drivers/pci),
 * without its lock: a concurrent guest write can make one interrupt go by
 * the old message.  A message that is not a plain interrupt (bogus
 * address, SMI/NMI/INIT delivery, a vector beyond the table) is dropped
 * and logged, rate-limited.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <tv/pci.h>
#include <arch/apic.h>
#include "nvme_irq.h"

/* One MSI-X table entry (PCI 3.0 §6.8.2.6-9). */
struct msix_entry {
	u32 addr_lo;		/* 0x0: Message Address */
	u32 addr_hi;		/* 0x4: Message Upper Address */
	u32 data;		/* 0x8: Message Data */
	u32 ctrl;		/* 0xc: Vector Control */
} __packed;
_Static_assert(sizeof(struct msix_entry) == PCI_MSIX_ENTRY_SIZE, "MSI-X entry");

static u8 cap_find(const struct pci_device *p, u8 id)
{
	u8 pos;
	int n;

	if (!(pci_cached_read(p, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = pci_cached_read(p, PCI_CAPABILITY_LIST, 1) & PCI_CAP_PTR_MASK;
	for (n = 0; n < PCI_CAP_MAX_WALK && pos >= 0x40; n++) {
		if (pci_cached_read(p, pos + PCI_CAP_ID, 1) == id)
			return pos;
		pos = pci_cached_read(p, pos + PCI_CAP_NEXT, 1) & PCI_CAP_PTR_MASK;
	}
	return 0;
}

void nvme_irq_init(struct nvme_irq *irq, struct pci_device *p)
{
	irq->pdev = p;
	irq->msix_cap = cap_find(p, PCI_CAP_ID_MSIX);
	irq->warned = 0;
	log_printf("nvme_crypt %02x:%02x.%x: completion interrupts sent by the "
		   "hypervisor (MSI-X capability at %x, MSI at %x)\n",
		   p->bdf.bus, p->bdf.dev, p->bdf.fn, irq->msix_cap, p->msi_cap);
}

static bool msix_on(const struct nvme_irq *irq)
{
	return irq->msix_cap &&
	       (pci_cached_read(irq->pdev, irq->msix_cap + PCI_MSIX_FLAGS, 2) &
		PCI_MSIX_FLAGS_ENABLE);
}

static bool msi_on(const struct nvme_irq *irq)
{
	return irq->pdev->msi_cap &&
	       (pci_cached_read(irq->pdev, irq->pdev->msi_cap + PCI_MSI_FLAGS, 2) &
		PCI_MSI_FLAGS_ENABLE);
}

bool nvme_irq_intx(struct nvme_irq *irq)
{
	return !msix_on(irq) && !msi_on(irq);
}

/* The table entry of vector in the BAR, or NULL (-EAGAIN: not now). */
static volatile struct msix_entry *msix_entry(struct nvme_irq *irq, u16 vector,
					      int *err)
{
	const struct pci_device *p = irq->pdev;
	u32 ctl = pci_cached_read(p, irq->msix_cap + PCI_MSIX_FLAGS, 2);
	u32 tbl = pci_cached_read(p, irq->msix_cap + PCI_MSIX_TABLE, 4);
	u32 bir = tbl & PCI_MSIX_BIR;
	u64 off = (tbl & PCI_MSIX_OFFSET) + (u64)vector * PCI_MSIX_ENTRY_SIZE;
	const struct pci_bar *bar = bir < 6 ? &p->bar[bir] : NULL;

	*err = -ERANGE;
	if (vector > (ctl & PCI_MSIX_FLAGS_QSIZE) || !bar ||
	    (bar->kind != PCI_BAR_MEM32 && bar->kind != PCI_BAR_MEM64) ||
	    off + PCI_MSIX_ENTRY_SIZE > bar->size)
		return NULL;
	/* Being sized, moved or not decoding: the table is not there now. */
	*err = -EAGAIN;
	if (bar->probing || !bar->addr ||
	    !(pci_cached_read(p, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY))
		return NULL;
	*err = -EFAULT;
	if (mem_is_hypervisor(bar->addr + off, PCI_MSIX_ENTRY_SIZE))
		return NULL;
	*err = 0;
	return (volatile struct msix_entry *)(bar->addr + off);
}

static int msix_message(struct nvme_irq *irq, u16 vector, u64 *addr, u32 *data)
{
	u32 ctl = pci_cached_read(irq->pdev, irq->msix_cap + PCI_MSIX_FLAGS, 2);
	volatile struct msix_entry *e;
	int err;

	if (ctl & PCI_MSIX_FLAGS_MASKALL)
		return -EAGAIN;
	e = msix_entry(irq, vector, &err);
	if (!e)
		return err;
	if (e->ctrl & PCI_MSIX_ENTRY_MASKED)
		return -EAGAIN;
	*addr = e->addr_lo | (u64)e->addr_hi << 32;
	*data = e->data;
	return 0;
}

static int msi_message(struct nvme_irq *irq, u16 vector, u64 *addr, u32 *data)
{
	const struct pci_device *p = irq->pdev;
	u8 cap = p->msi_cap;
	u32 flags = pci_cached_read(p, cap + PCI_MSI_FLAGS, 2);
	bool is64 = flags & PCI_MSI_FLAGS_64BIT;
	u32 nvec = 1u << ((flags & PCI_MSI_FLAGS_QSIZE) >> 4);
	u32 mask;

	if (vector >= nvec || nvec > 32)
		return -ERANGE;
	if (flags & PCI_MSI_FLAGS_MASKBIT) {
		mask = pci_cached_read(p, cap + (is64 ? PCI_MSI_MASK_64 :
						 PCI_MSI_MASK_32), 4);
		if (mask & BIT(vector))
			return -EAGAIN;
	}
	*addr = pci_cached_read(p, cap + PCI_MSI_ADDRESS_LO, 4);
	if (is64)
		*addr |= (u64)pci_cached_read(p, cap + PCI_MSI_ADDRESS_HI, 4) << 32;
	*data = pci_cached_read(p, cap + (is64 ? PCI_MSI_DATA_64 :
					  PCI_MSI_DATA_32), 2);
	*data = (*data & ~(nvec - 1)) | vector;	/* §6.8.1.6 */
	return 0;
}

int nvme_irq_signal(struct nvme_irq *irq, u16 vector)
{
	const struct pci_bdf *b = &irq->pdev->bdf;
	bool msix = msix_on(irq);
	u64 addr = 0;
	u32 data = 0;
	int err;

	if (!msix && !msi_on(irq))
		return 0;		/* INTx: the controller's own pin */
	err = msix ? msix_message(irq, vector, &addr, &data) :
		     msi_message(irq, vector, &addr, &data);
	if (!err)
		err = apic_send_msi(addr, data);
	if (err && err != -EAGAIN)
		log_ratelimited(irq->warned, "nvme_crypt %02x:%02x.%x: %s vector "
				"%u: message %llx/%x not deliverable (%d): "
				"interrupt dropped\n", b->bus, b->dev, b->fn,
				msix ? "MSI-X" : "MSI", vector,
				(unsigned long long)addr, data, err);
	return err;
}
