/*
 * The guest's interrupts of an nvme_crypt controller, sent by the
 * hypervisor (drivers/nvme/nvme_irq.c); the queue engine asks for them
 * through struct nvme_env's signal and intx (nvme_shadow.h, "Interrupts").
 */
#ifndef DRIVERS_NVME_IRQ_H
#define DRIVERS_NVME_IRQ_H

#include <tv/types.h>

struct pci_device;

struct nvme_irq {
	struct pci_device *pdev;
	u8 msix_cap;			/* 0: none */
	u32 warned;			/* rate limit */
};

void nvme_irq_init(struct nvme_irq *irq, struct pci_device *p);
/* The function uses neither MSI-X nor MSI now. */
bool nvme_irq_intx(struct nvme_irq *irq);
/* nvme_env.signal: 0 sent (or INTx: nothing to send), -EAGAIN masked,
 * other -errno dropped (logged, rate-limited). */
int nvme_irq_signal(struct nvme_irq *irq, u16 vector);

#endif
