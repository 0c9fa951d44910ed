/*
 * x86 message-signalled interrupts: what a device's MSI/MSI-X message
 * (address, data) asks the processors for, so the hypervisor can send the
 * same interrupt itself as an IPI (lib/x86/msi.c).  Pure code.
 */
#ifndef TV_X86_MSI_H
#define TV_X86_MSI_H

#include <tv/types.h>

/* Message address, Intel SDM Vol. 3 §11.11.1 (AMD APM Vol. 2 §16.7). */
#define X86_MSI_ADDR_BASE	0xfee00000u
#define X86_MSI_ADDR_BASE_MASK	GENMASK(31, 20)
#define X86_MSI_ADDR_DEST	GENMASK(19, 12)	/* destination ID */
#define X86_MSI_ADDR_DEST_SHIFT	12
#define X86_MSI_ADDR_RH		BIT(3)		/* redirection hint */
#define X86_MSI_ADDR_DM		BIT(2)		/* 1: logical destination */
/* Message data, SDM Vol. 3 §11.11.2. */
#define X86_MSI_DATA_VECTOR	GENMASK(7, 0)
#define X86_MSI_DATA_DM_SHIFT	8
#define X86_MSI_DATA_DM		GENMASK(10, 8)	/* delivery mode */
#define  X86_MSI_DM_FIXED	0
#define  X86_MSI_DM_LOWPRI	1
#define X86_MSI_DATA_LEVEL	BIT(14)
#define X86_MSI_DATA_TRIGGER	BIT(15)		/* 1: level */
/* Vectors 0-15 are illegal for fixed delivery (SDM Vol. 3 §11.5.2). */
#define X86_MSI_VECTOR_MIN	16

/* The interrupt as one fixed IPI. */
struct x86_msi_ipi {
	u32 dest;		/* APIC ID, or logical destination if logical */
	bool logical;
	u8 vector;
};

/*
 * Decodes a message.  Fixed and lowest-priority delivery become a fixed
 * IPI to the same destination (lowest priority is not a portable IPI
 * mode, SDM Vol. 3 §11.6.1; a logical destination naming several
 * processors then interrupts each of them).  The trigger mode is not
 * kept: the IPI is edge-triggered.  -EINVAL: not an interrupt message
 * (address outside 0xFEExxxxx) or an illegal vector; -ENOTSUP: SMI,
 * NMI, INIT, ExtINT or a reserved delivery mode.
 */
int x86_msi_decode(u64 addr, u32 data, struct x86_msi_ipi *out);

#endif
