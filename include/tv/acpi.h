/*
 * ACPI static tables: layouts and checked decoders.
 *
 * Layouts are ACPI 6.5 chapter 5 (RSDP 5.2.5, header 5.2.6, RSDT 5.2.7,
 * XSDT 5.2.8, FADT 5.2.9, FACS 5.2.10, MADT 5.2.12), the PCI Firmware
 * Specification 3.3 section 4.1.2 (MCFG) and the Intel VT-d specification
 * 4.x chapter 8 (DMAR).  Every structure is packed with byte offsets and a
 * size check; nothing here assumes a table is well formed: every length
 * and checksum is verified before a field is believed, and a bad table is
 * reported through the log callback and skipped.
 *
 * The table walk reads physical memory only through the caller's read
 * callback, so the same code runs in the hypervisor (which maps memory),
 * in the UEFI loader, and in host tests (which serve it from buffers).
 */
#ifndef TV_ACPI_H
#define TV_ACPI_H

#include <tv/env.h>

#define ACPI_MAX_TABLE_LEN	(16u << 20)	/* sanity bound on lengths */

/* ACPI 6.5 5.2.5.3: Root System Description Pointer. */
struct acpi_rsdp {
	char signature[8];	/* 0: "RSD PTR " */
	u8 checksum;		/* 8: over bytes 0..19 */
	char oem_id[6];		/* 9 */
	u8 revision;		/* 15: 0 = ACPI 1.0, 2 = 2.0 and later */
	u32 rsdt_address;	/* 16 */
	u32 length;		/* 20: revision >= 2 only */
	u64 xsdt_address;	/* 24 */
	u8 ext_checksum;	/* 32: over all length bytes */
	u8 reserved[3];		/* 33 */
} __packed;
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP size");
#define ACPI_RSDP_V1_LEN	20

/* ACPI 6.5 5.2.6: System Description Table header. */
struct acpi_header {
	char signature[4];	/* 0 */
	u32 length;		/* 4: whole table, header included */
	u8 revision;		/* 8 */
	u8 checksum;		/* 9: all bytes sum to 0 */
	char oem_id[6];		/* 10 */
	char oem_table_id[8];	/* 16 */
	u32 oem_revision;	/* 24 */
	u32 creator_id;		/* 28 */
	u32 creator_revision;	/* 32 */
} __packed;
_Static_assert(sizeof(struct acpi_header) == 36, "header size");

/* ACPI 6.5 5.2.3.2: Generic Address Structure. */
struct acpi_gas {
	u8 space_id;		/* 0: 0 memory, 1 I/O */
	u8 bit_width;		/* 1 */
	u8 bit_offset;		/* 2 */
	u8 access_size;		/* 3 */
	u64 address;		/* 4 */
} __packed;
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS size");
#define ACPI_GAS_MEMORY		0
#define ACPI_GAS_IO		1

/* ACPI 6.5 5.2.9: Fixed ACPI Description Table (all revisions). */
struct acpi_fadt {
	struct acpi_header hdr;		/* 0 */
	u32 firmware_ctrl;		/* 36: FACS, 32-bit */
	u32 dsdt;			/* 40 */
	u8 reserved0;			/* 44: INT_MODEL in 1.0 */
	u8 preferred_pm_profile;	/* 45 */
	u16 sci_int;			/* 46 */
	u32 smi_cmd;			/* 48 */
	u8 acpi_enable;			/* 52 */
	u8 acpi_disable;		/* 53 */
	u8 s4bios_req;			/* 54 */
	u8 pstate_cnt;			/* 55 */
	u32 pm1a_evt_blk;		/* 56 */
	u32 pm1b_evt_blk;		/* 60 */
	u32 pm1a_cnt_blk;		/* 64 */
	u32 pm1b_cnt_blk;		/* 68 */
	u32 pm2_cnt_blk;		/* 72 */
	u32 pm_tmr_blk;			/* 76 */
	u32 gpe0_blk;			/* 80 */
	u32 gpe1_blk;			/* 84 */
	u8 pm1_evt_len;			/* 88 */
	u8 pm1_cnt_len;			/* 89 */
	u8 pm2_cnt_len;			/* 90 */
	u8 pm_tmr_len;			/* 91 */
	u8 gpe0_blk_len;		/* 92 */
	u8 gpe1_blk_len;		/* 93 */
	u8 gpe1_base;			/* 94 */
	u8 cst_cnt;			/* 95 */
	u16 p_lvl2_lat;			/* 96 */
	u16 p_lvl3_lat;			/* 98 */
	u16 flush_size;			/* 100 */
	u16 flush_stride;		/* 102 */
	u8 duty_offset;			/* 104 */
	u8 duty_width;			/* 105 */
	u8 day_alrm;			/* 106 */
	u8 mon_alrm;			/* 107 */
	u8 century;			/* 108 */
	u16 iapc_boot_arch;		/* 109 */
	u8 reserved1;			/* 111 */
	u32 flags;			/* 112: ACPI 1.0 ends at 116 */
	struct acpi_gas reset_reg;	/* 116 */
	u8 reset_value;			/* 128 */
	u16 arm_boot_arch;		/* 129 */
	u8 minor_version;		/* 131 */
	u64 x_firmware_ctrl;		/* 132 */
	u64 x_dsdt;			/* 140 */
	struct acpi_gas x_pm1a_evt_blk;	/* 148 */
	struct acpi_gas x_pm1b_evt_blk;	/* 160 */
	struct acpi_gas x_pm1a_cnt_blk;	/* 172 */
	struct acpi_gas x_pm1b_cnt_blk;	/* 184 */
	struct acpi_gas x_pm2_cnt_blk;	/* 196 */
	struct acpi_gas x_pm_tmr_blk;	/* 208 */
	struct acpi_gas x_gpe0_blk;	/* 220 */
	struct acpi_gas x_gpe1_blk;	/* 232: ACPI 2.0-4.0 end at 244 */
	struct acpi_gas sleep_control;	/* 244 */
	struct acpi_gas sleep_status;	/* 256: ACPI 5.0 ends at 268 */
	u64 hypervisor_vendor_id;	/* 268: ACPI 6.0 */
} __packed;
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT size");
#define ACPI_FADT_V1_LEN	116

/* FADT flags (ACPI 6.5 table 5.10). */
#define ACPI_FADT_TMR_VAL_EXT	BIT(8)	/* 32-bit PM timer */
#define ACPI_FADT_RESET_REG_SUP	BIT(10)
#define ACPI_FADT_HW_REDUCED	BIT(20)
#define ACPI_FADT_LOW_POWER_S0	BIT(21)

/* ACPI 6.5 5.2.10: Firmware ACPI Control Structure (no checksum). */
struct acpi_facs {
	char signature[4];	/* 0: "FACS" */
	u32 length;		/* 4: >= 64 */
	u32 hw_signature;	/* 8 */
	u32 waking_vector;	/* 12 */
	u32 global_lock;	/* 16 */
	u32 flags;		/* 20 */
	u64 x_waking_vector;	/* 24 */
	u8 version;		/* 32 */
	u8 reserved0[3];	/* 33 */
	u32 ospm_flags;		/* 36 */
	u8 reserved1[24];	/* 40 */
} __packed;
_Static_assert(sizeof(struct acpi_facs) == 64, "FACS size");

/* PCI Firmware 3.3 4.1.2: MCFG, then one entry per segment group. */
struct acpi_mcfg {
	struct acpi_header hdr;	/* 0 */
	u64 reserved;		/* 36 */
} __packed;
_Static_assert(sizeof(struct acpi_mcfg) == 44, "MCFG size");

struct acpi_mcfg_entry {
	u64 base;		/* 0: ECAM base */
	u16 segment;		/* 8 */
	u8 start_bus;		/* 10 */
	u8 end_bus;		/* 11 */
	u32 reserved;		/* 12 */
} __packed;
_Static_assert(sizeof(struct acpi_mcfg_entry) == 16, "MCFG entry size");

/* ACPI 6.5 5.2.12: MADT, then interrupt controller structures. */
struct acpi_madt {
	struct acpi_header hdr;	/* 0 */
	u32 lapic_address;	/* 36 */
	u32 flags;		/* 40: bit 0 PC-AT compatible 8259s */
} __packed;
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT size");

enum acpi_madt_type {
	ACPI_MADT_LAPIC = 0, ACPI_MADT_IOAPIC = 1, ACPI_MADT_ISO = 2,
	ACPI_MADT_NMI_SRC = 3, ACPI_MADT_LAPIC_NMI = 4,
	ACPI_MADT_LAPIC_OVR = 5, ACPI_MADT_X2APIC = 9,
	ACPI_MADT_X2APIC_NMI = 10,
};

struct acpi_madt_lapic {	/* 5.2.12.2 */
	u8 type, length;	/* 0, 1 */
	u8 uid;			/* 2: ACPI processor UID */
	u8 apic_id;		/* 3 */
	u32 flags;		/* 4: bit 0 enabled, bit 1 online capable */
} __packed;
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "LAPIC size");

struct acpi_madt_ioapic {	/* 5.2.12.3 */
	u8 type, length;	/* 0, 1 */
	u8 id;			/* 2 */
	u8 reserved;		/* 3 */
	u32 address;		/* 4 */
	u32 gsi_base;		/* 8 */
} __packed;
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "IOAPIC size");

struct acpi_madt_iso {		/* 5.2.12.5 */
	u8 type, length;	/* 0, 1 */
	u8 bus;			/* 2: 0 = ISA */
	u8 source;		/* 3: IRQ */
	u32 gsi;		/* 4 */
	u16 flags;		/* 8: polarity, trigger mode */
} __packed;
_Static_assert(sizeof(struct acpi_madt_iso) == 10, "ISO size");

struct acpi_madt_lapic_nmi {	/* 5.2.12.7 */
	u8 type, length;	/* 0, 1 */
	u8 uid;			/* 2: 0xff = all */
	u16 flags;		/* 3 */
	u8 lint;		/* 5 */
} __packed;
_Static_assert(sizeof(struct acpi_madt_lapic_nmi) == 6, "LAPIC NMI size");

struct acpi_madt_lapic_ovr {	/* 5.2.12.8 */
	u8 type, length;	/* 0, 1 */
	u16 reserved;		/* 2 */
	u64 address;		/* 4 */
} __packed;
_Static_assert(sizeof(struct acpi_madt_lapic_ovr) == 12, "override size");

struct acpi_madt_x2apic {	/* 5.2.12.12 */
	u8 type, length;	/* 0, 1 */
	u16 reserved;		/* 2 */
	u32 x2apic_id;		/* 4 */
	u32 flags;		/* 8 */
	u32 uid;		/* 12 */
} __packed;
_Static_assert(sizeof(struct acpi_madt_x2apic) == 16, "x2APIC size");

/* VT-d 4.x 8.1: DMA Remapping Reporting table. */
struct acpi_dmar {
	struct acpi_header hdr;	/* 0 */
	u8 host_addr_width;	/* 36: width - 1 */
	u8 flags;		/* 37: bit 0 INTR_REMAP, 1 X2APIC_OPT_OUT */
	u8 reserved[10];	/* 38 */
} __packed;
_Static_assert(sizeof(struct acpi_dmar) == 48, "DMAR size");

enum acpi_dmar_type {
	ACPI_DMAR_DRHD = 0, ACPI_DMAR_RMRR = 1, ACPI_DMAR_ATSR = 2,
	ACPI_DMAR_RHSA = 3, ACPI_DMAR_ANDD = 4, ACPI_DMAR_SATC = 5,
};

struct acpi_dmar_drhd {		/* 8.3: remapping hardware unit */
	u16 type, length;	/* 0, 2 */
	u8 flags;		/* 4: bit 0 INCLUDE_PCI_ALL */
	u8 size;		/* 5 */
	u16 segment;		/* 6 */
	u64 register_base;	/* 8: device scopes follow at 16 */
} __packed;
_Static_assert(sizeof(struct acpi_dmar_drhd) == 16, "DRHD size");

struct acpi_dmar_rmrr {		/* 8.4: reserved memory region */
	u16 type, length;	/* 0, 2 */
	u16 reserved;		/* 4 */
	u16 segment;		/* 6 */
	u64 base;		/* 8 */
	u64 limit;		/* 16: inclusive; scopes follow at 24 */
} __packed;
_Static_assert(sizeof(struct acpi_dmar_rmrr) == 24, "RMRR size");

struct acpi_dmar_scope {	/* 8.3.1: device scope */
	u8 type;		/* 0: 1 PCI endpoint, 2 bridge, 3 IOAPIC... */
	u8 length;		/* 1 */
	u16 reserved;		/* 2 */
	u8 enum_id;		/* 4 */
	u8 start_bus;		/* 5: (device, function) pairs follow at 6 */
} __packed;
_Static_assert(sizeof(struct acpi_dmar_scope) == 6, "scope size");

/* Diagnostics, as in lib/aml: the library never prints. */
struct acpi_diag {
	bool error;		/* else a warning */
	const char *msg;
	char sig[5];
	u64 address;		/* physical address of the table */
};

/* How lib/acpi reaches physical memory and reports problems. */
struct acpi_reader {
	/* Copy len bytes at physical address pa; 0 or -errno. */
	int (*read)(void *ctx, u64 pa, void *buf, u32 len);
	void *ctx;
	void (*log)(void *ctx, const struct acpi_diag *d);
	void *log_ctx;
};

/* A table found and verified (length bounds and checksum). */
struct acpi_table_ref {
	u64 address;
	u32 length;
	char sig[5];
	u8 revision;
	bool via_fadt;		/* DSDT/FACS: reached through the FADT */
};

u8 acpi_checksum(const void *buf, u32 len);
void acpi_fix_checksum(void *table);	/* header's length must be valid */
/*
 * Verify a table already in memory: signature (unless NULL), header
 * length within [min_len, len] and checksum.  0 or -EBADMSG.
 */
int acpi_table_verify(const void *buf, u32 len, const char *sig,
		      u32 min_len);

struct acpi_rsdp_info {
	u8 revision;
	u32 rsdt;
	u64 xsdt;		/* 0 for ACPI 1.0 or a bad extended checksum */
	char oem_id[7];
};
/* Check an RSDP (both checksums) held in buf. */
int acpi_rsdp_parse(const void *buf, u32 len, struct acpi_rsdp_info *out);

/* Read and verify the table at pa; sig may be NULL (any). */
int acpi_table_check(const struct acpi_reader *r, u64 pa, const char *sig,
		     struct acpi_table_ref *out);

/*
 * Every verified table reachable from the RSDP: XSDT entries (RSDT if
 * there is no valid XSDT), then the DSDT and FACS the FADT points to.
 * Bad tables are reported and skipped.  fn returning non-zero stops the
 * walk and is returned.
 */
int acpi_walk(const struct acpi_reader *r, u64 rsdp_pa,
	      int (*fn)(void *ctx, const struct acpi_table_ref *t),
	      void *ctx);
/* The instance-th (from 0) verified table with signature sig. */
int acpi_find_table(const struct acpi_reader *r, u64 rsdp_pa,
		    const char *sig, u32 instance, struct acpi_table_ref *out);

/* Remove entry index from an RSDT/XSDT held in buf, fixing the checksum. */
int acpi_sdt_remove(void *buf, u32 buf_len, u32 index);

/* FADT decoded for any revision: 64-bit fields preferred when set. */
struct acpi_fadt_info {
	u8 revision, minor_version;
	u32 length, flags;
	u64 facs, dsdt;
	u16 sci_int, iapc_boot_arch;
	u32 smi_cmd;
	u8 acpi_enable, acpi_disable;
	struct acpi_gas pm1a_evt, pm1b_evt, pm1a_cnt, pm1b_cnt, pm2_cnt;
	struct acpi_gas pm_tmr, gpe0, gpe1;
	u8 pm1_evt_len, pm1_cnt_len, pm_tmr_len, gpe0_len, gpe1_len;
	bool tmr_32bit, hw_reduced, reset_supported;
	struct acpi_gas reset_reg;
	u8 reset_value;
	struct acpi_gas sleep_control, sleep_status;
};
int acpi_fadt_parse(const void *buf, u32 len, struct acpi_fadt_info *out);

struct acpi_facs_info {
	u32 length, hw_signature, flags;
	u8 version;
	u64 waking_vector;	/* x_waking_vector if set (version >= 1) */
};
int acpi_facs_parse(const void *buf, u32 len, struct acpi_facs_info *out);

/* MCFG: number of entries, and entry i (start <= end bus checked). */
int acpi_mcfg_count(const void *buf, u32 len, u32 *count);
int acpi_mcfg_entry(const void *buf, u32 len, u32 i,
		    struct acpi_mcfg_entry *out);

/*
 * Sub-table iteration for MADT (1-byte type/length) and DMAR (2-byte):
 * *off starts at 0; returns 1 with the next entry, 0 at the end, or
 * -EBADMSG for an entry that does not fit or is shorter than its type
 * requires.  e points into buf.
 */
struct acpi_subtable {
	u32 type, length;
	const u8 *data;
};
int acpi_madt_next(const void *buf, u32 len, u32 *off,
		   struct acpi_subtable *e);
int acpi_dmar_next(const void *buf, u32 len, u32 *off,
		   struct acpi_subtable *e);
/* Device scopes inside a DMAR DRHD/RMRR/ATSR/SATC structure. */
int acpi_dmar_scope_next(const struct acpi_subtable *s, u32 *off,
			 struct acpi_subtable *e);

#endif
