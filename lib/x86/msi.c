/*
 * Decoding x86 MSI messages (include/tv/x86_msi.h).
 *
 * A device that would have interrupted the guest itself is kept quiet by
 * a driver (drivers/nvme: its completion queues are created without
 * interrupts) and the driver sends the guest's interrupt later, through
 * the local APIC.  This turns the message the guest programmed into the
 * device (MSI capability or MSI-X table entry) into that IPI; whatever a
 * guest could program that is not a plain interrupt (SMI, NMI, INIT, an
 * address outside the interrupt window) is refused, so a guest cannot use
 * the device's message to make the hypervisor send something else.
 */
#include <tv/env.h>
#include <tv/x86_msi.h>

int x86_msi_decode(u64 addr, u32 data, struct x86_msi_ipi *out)
{
	u32 dm = (data & X86_MSI_DATA_DM) >> X86_MSI_DATA_DM_SHIFT;
	u8 vector = data & X86_MSI_DATA_VECTOR;

	if ((addr >> 32) ||
	    (addr & X86_MSI_ADDR_BASE_MASK) != X86_MSI_ADDR_BASE)
		return -EINVAL;
	if (dm != X86_MSI_DM_FIXED && dm != X86_MSI_DM_LOWPRI)
		return -ENOTSUP;
	if (vector < X86_MSI_VECTOR_MIN)
		return -EINVAL;
	out->dest = (u32)((addr & X86_MSI_ADDR_DEST) >> X86_MSI_ADDR_DEST_SHIFT);
	out->logical = addr & X86_MSI_ADDR_DM;
	out->vector = vector;
	return 0;
}
