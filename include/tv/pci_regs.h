/*
 * PCI configuration-space register layout: offsets and fields of the
 * type 0 (endpoint) and type 1 (PCI-to-PCI bridge) headers, the
 * capability lists and the MSI capability.  Every field is a BIT() or
 * GENMASK() with the section of the specification that defines it:
 *   PCI Local Bus Specification 3.0 ("PCI 3.0"),
 *   PCI-to-PCI Bridge Architecture Specification 1.2 ("P2P 1.2"),
 *   PCI Express Base Specification 3.0 ("PCIe 3.0").
 * Offsets are byte offsets into the function's configuration space.
 */
#ifndef TV_PCI_REGS_H
#define TV_PCI_REGS_H

#include <tv/types.h>

/* Configuration space sizes: PCI 3.0 §6.1; PCIe 3.0 §7.2.2 (4 KiB). */
#define PCI_CFG_SIZE			256
#define PCI_CFG_SIZE_EXT		4096

/* ---- header common to all types: PCI 3.0 §6.2.1 to §6.2.4 ---- */
#define PCI_VENDOR_ID			0x00	/* 16 bits, 0xFFFF = absent */
#define PCI_DEVICE_ID			0x02
#define PCI_COMMAND			0x04	/* 16 bits, §6.2.2 */
#define  PCI_COMMAND_IO			BIT(0)	/* I/O Space enable */
#define  PCI_COMMAND_MEMORY		BIT(1)	/* Memory Space enable */
#define  PCI_COMMAND_MASTER		BIT(2)	/* Bus Master enable */
#define  PCI_COMMAND_SPECIAL		BIT(3)
#define  PCI_COMMAND_INVALIDATE		BIT(4)
#define  PCI_COMMAND_VGA_PALETTE	BIT(5)
#define  PCI_COMMAND_PARITY		BIT(6)
#define  PCI_COMMAND_SERR		BIT(8)
#define  PCI_COMMAND_FAST_BACK		BIT(9)
#define  PCI_COMMAND_INTX_DISABLE	BIT(10)
#define  PCI_COMMAND_DECODE		(PCI_COMMAND_IO | PCI_COMMAND_MEMORY)
#define PCI_STATUS			0x06	/* 16 bits, §6.2.3 */
#define  PCI_STATUS_INTX		BIT(3)
#define  PCI_STATUS_CAP_LIST		BIT(4)
#define  PCI_STATUS_PARITY		BIT(8)	/* RW1C */
#define  PCI_STATUS_RW1C		(GENMASK(15, 11) | BIT(8))
#define PCI_REVISION_ID			0x08
#define PCI_CLASS_PROG			0x09	/* programming interface */
#define PCI_CLASS_DEVICE		0x0a	/* sub-class, base class: 16 bits */
#define PCI_CLASS_REVISION		0x08	/* dword: class code 31:8, rev 7:0 */
#define  PCI_CLASS_CODE			GENMASK(31, 8)
#define PCI_CACHE_LINE_SIZE		0x0c
#define PCI_LATENCY_TIMER		0x0d
#define PCI_HEADER_TYPE			0x0e	/* §6.2.1 */
#define  PCI_HEADER_TYPE_MASK		GENMASK(6, 0)
#define  PCI_HEADER_TYPE_MULTIFN	BIT(7)
#define  PCI_HEADER_TYPE_NORMAL		0
#define  PCI_HEADER_TYPE_BRIDGE		1
#define  PCI_HEADER_TYPE_CARDBUS	2
#define PCI_BIST			0x0f
#define PCI_CAPABILITY_LIST		0x34	/* §6.7; bits 1:0 reserved */
#define  PCI_CAP_PTR_MASK		GENMASK(7, 2)
#define PCI_INTERRUPT_LINE		0x3c
#define PCI_INTERRUPT_PIN		0x3d

/* Class codes used to recognise bridges: PCI Code and ID Assignment. */
#define PCI_CLASS_BRIDGE_PCI		0x0604	/* class 31:16 of PCI_CLASS_REVISION */

/* ---- base address registers: PCI 3.0 §6.2.5.1 ---- */
#define PCI_BASE_ADDRESS_0		0x10
#define PCI_BAR_COUNT_NORMAL		6
#define PCI_BAR_COUNT_BRIDGE		2
#define  PCI_BAR_SPACE_IO		BIT(0)	/* 1 = I/O, 0 = memory */
#define  PCI_BAR_MEM_TYPE		GENMASK(2, 1)
#define  PCI_BAR_MEM_TYPE_32		(0ULL << 1)
#define  PCI_BAR_MEM_TYPE_1M		(1ULL << 1)	/* reserved in 3.0 */
#define  PCI_BAR_MEM_TYPE_64		(2ULL << 1)
#define  PCI_BAR_MEM_PREFETCH		BIT(3)
#define  PCI_BAR_MEM_ADDR		GENMASK(31, 4)
#define  PCI_BAR_IO_ADDR		GENMASK(31, 2)

/* Type 0 only: PCI 3.0 §6.2.4 (subsystem IDs), §6.2.5.2 (ROM). */
#define PCI_SUBSYSTEM_VENDOR_ID		0x2c
#define PCI_SUBSYSTEM_ID		0x2e
#define PCI_ROM_ADDRESS			0x30
#define  PCI_ROM_ENABLE			BIT(0)
#define  PCI_ROM_ADDR			GENMASK(31, 11)

/* ---- type 1 (PCI-to-PCI bridge) header: P2P 1.2 §3.2.5 ---- */
#define PCI_PRIMARY_BUS			0x18	/* §3.2.5.2 */
#define PCI_SECONDARY_BUS		0x19	/* §3.2.5.3 */
#define PCI_SUBORDINATE_BUS		0x1a	/* §3.2.5.4 */
#define PCI_SEC_LATENCY_TIMER		0x1b	/* §3.2.5.5 */
#define PCI_IO_BASE			0x1c	/* §3.2.5.6, 8 bits */
#define PCI_IO_LIMIT			0x1d
#define  PCI_IO_RANGE_TYPE		GENMASK(3, 0)	/* read-only */
#define  PCI_IO_RANGE_TYPE_32		0x01
#define  PCI_IO_RANGE_ADDR		GENMASK(7, 4)	/* address 15:12 */
#define PCI_SEC_STATUS			0x1e	/* §3.2.5.7, RW1C bits */
#define PCI_MEMORY_BASE			0x20	/* §3.2.5.8, 16 bits */
#define PCI_MEMORY_LIMIT		0x22
#define  PCI_MEMORY_RANGE_ADDR		GENMASK(15, 4)	/* address 31:20 */
#define PCI_PREF_MEMORY_BASE		0x24	/* §3.2.5.9, 16 bits */
#define PCI_PREF_MEMORY_LIMIT		0x26
#define  PCI_PREF_RANGE_TYPE		GENMASK(3, 0)
#define  PCI_PREF_RANGE_TYPE_64		0x01
#define  PCI_PREF_RANGE_ADDR		GENMASK(15, 4)	/* address 31:20 */
#define PCI_PREF_BASE_UPPER32		0x28	/* §3.2.5.10 */
#define PCI_PREF_LIMIT_UPPER32		0x2c
#define PCI_IO_BASE_UPPER16		0x30	/* §3.2.5.11 */
#define PCI_IO_LIMIT_UPPER16		0x32
#define PCI_ROM_ADDRESS1		0x38	/* §3.2.5.13 */
#define PCI_BRIDGE_CONTROL		0x3e	/* §3.2.5.16, 16 bits */
#define  PCI_BRIDGE_CTL_VGA		BIT(3)
#define  PCI_BRIDGE_CTL_BUS_RESET	BIT(6)

/* ---- capability lists ---- */
#define PCI_CAP_ID			0	/* PCI 3.0 §6.7: ID, next */
#define PCI_CAP_NEXT			1
#define PCI_CAP_ID_MSI			0x05	/* PCI 3.0 §6.8.1 */
#define PCI_CAP_ID_EXP			0x10	/* PCIe 3.0 §7.8 */
#define PCI_CAP_ID_MSIX			0x11	/* PCI 3.0 §6.8.2 */
/* A list longer than this loops: (256 - 64) / 4 capabilities fit. */
#define PCI_CAP_MAX_WALK		48

/* MSI capability, PCI 3.0 §6.8.1.  Offsets relative to the capability. */
#define PCI_MSI_FLAGS			2	/* Message Control, 16 bits */
#define  PCI_MSI_FLAGS_ENABLE		BIT(0)
#define  PCI_MSI_FLAGS_QMASK		GENMASK(3, 1)	/* multiple msg capable */
#define  PCI_MSI_FLAGS_QSIZE		GENMASK(6, 4)	/* multiple msg enable */
#define  PCI_MSI_FLAGS_64BIT		BIT(7)
#define  PCI_MSI_FLAGS_MASKBIT		BIT(8)	/* per-vector masking */
#define PCI_MSI_ADDRESS_LO		4	/* bits 1:0 reserved, zero */
#define PCI_MSI_ADDRESS_HI		8	/* 64-bit capable only */
#define PCI_MSI_DATA_32			8
#define PCI_MSI_DATA_64			12
#define PCI_MSI_MASK_32			12
#define PCI_MSI_MASK_64			16

/* MSI-X capability, PCI 3.0 §6.8.2.  Offsets relative to the capability. */
#define PCI_MSIX_FLAGS			2	/* Message Control, 16 bits */
#define  PCI_MSIX_FLAGS_QSIZE		GENMASK(10, 0)	/* table size - 1 */
#define  PCI_MSIX_FLAGS_MASKALL		BIT(14)	/* function mask */
#define  PCI_MSIX_FLAGS_ENABLE		BIT(15)
#define PCI_MSIX_TABLE			4	/* offset | BIR */
#define  PCI_MSIX_BIR			GENMASK(2, 0)
#define  PCI_MSIX_OFFSET		GENMASK(31, 3)
/* A table entry (§6.8.2.6-9) is 16 bytes; its Vector Control bit 0: */
#define PCI_MSIX_ENTRY_SIZE		16
#define  PCI_MSIX_ENTRY_MASKED		BIT(0)

/* PCI Express Capabilities register, PCIe 3.0 §7.8.2 (cap + 2). */
#define PCI_EXP_FLAGS			2
#define  PCI_EXP_FLAGS_TYPE		GENMASK(7, 4)	/* Device/Port Type */
#define  PCI_EXP_TYPE_ENDPOINT		0x0
#define  PCI_EXP_TYPE_LEG_END		0x1
#define  PCI_EXP_TYPE_ROOT_PORT		0x4
#define  PCI_EXP_TYPE_UPSTREAM		0x5
#define  PCI_EXP_TYPE_DOWNSTREAM	0x6
#define  PCI_EXP_TYPE_PCI_BRIDGE	0x7
#define  PCI_EXP_TYPE_PCIE_BRIDGE	0x8
#define  PCI_EXP_TYPE_RC_END		0x9
#define  PCI_EXP_TYPE_RC_EC		0xa

/* ---- configuration mechanism #1: PCI 3.0 §3.2.2.3.2 ---- */
#define PCI_CONFIG_ADDRESS_PORT		0xcf8
#define PCI_CONFIG_DATA_PORT		0xcfc
#define PCI_CF8_ENABLE			BIT(31)
/*
 * AMD's extension: bits 27:24 carry offset bits 11:8 when
 * MSR C001_001F[46] EnableCf8ExtCfg is set (AMD BKDG Fam10h/15h, IOCF8).
 * Otherwise bits 30:24 are reserved and ignored.
 */
#define PCI_CF8_EXT_REG			GENMASK(27, 24)
#define PCI_CF8_BUS			GENMASK(23, 16)
#define PCI_CF8_DEV			GENMASK(15, 11)
#define PCI_CF8_FN			GENMASK(10, 8)
#define PCI_CF8_REG			GENMASK(7, 2)

/* ---- ECAM address: PCIe 3.0 §7.2.2, Table 7-1 ---- */
#define PCI_ECAM_BUS			GENMASK(27, 20)
#define PCI_ECAM_DEV			GENMASK(19, 15)
#define PCI_ECAM_FN			GENMASK(14, 12)
#define PCI_ECAM_REG			GENMASK(11, 0)
#define PCI_ECAM_BUS_SIZE		(1ULL << 20)

#define PCI_MAX_DEV			32
#define PCI_MAX_FN			8

#endif
