/*
 * FADT and FACS decoding (ACPI 6.5 5.2.9 and 5.2.10).
 *
 * The FADT grew with every ACPI version: 116 bytes in 1.0, 244 in 2.0 to
 * 4.0, 268 in 5.0, 276 since 6.0, and each version added 64-bit twins of
 * older 32-bit fields.  The table is copied into a zeroed full-size
 * structure, so fields an older revision lacks read as zero, and every
 * register block is normalized to a Generic Address Structure: the
 * 64-bit X_ field when it is set, else one built from the legacy I/O
 * port and length fields, which is what ACPICA and Linux do.
 */
#include <tv/acpi.h>

static struct acpi_gas legacy_gas(const struct acpi_gas *x, u32 port,
				  u8 len)
{
	struct acpi_gas g = { .space_id = ACPI_GAS_IO };

	if (x->address) {
		g = *x;
		if (!g.bit_width)
			g.bit_width = (u8)(len * 8);
		return g;
	}
	if (!port)
		return (struct acpi_gas){ 0 };
	g.bit_width = (u8)(len * 8);
	g.address = port;
	return g;
}

static void blocks(const struct acpi_fadt *f, struct acpi_fadt_info *o)
{
	o->pm1_evt_len = f->pm1_evt_len;
	o->pm1_cnt_len = f->pm1_cnt_len;
	o->pm_tmr_len = f->pm_tmr_len;
	o->gpe0_len = f->gpe0_blk_len;
	o->gpe1_len = f->gpe1_blk_len;
	o->pm1a_evt = legacy_gas(&f->x_pm1a_evt_blk, f->pm1a_evt_blk,
				 f->pm1_evt_len);
	o->pm1b_evt = legacy_gas(&f->x_pm1b_evt_blk, f->pm1b_evt_blk,
				 f->pm1_evt_len);
	o->pm1a_cnt = legacy_gas(&f->x_pm1a_cnt_blk, f->pm1a_cnt_blk,
				 f->pm1_cnt_len);
	o->pm1b_cnt = legacy_gas(&f->x_pm1b_cnt_blk, f->pm1b_cnt_blk,
				 f->pm1_cnt_len);
	o->pm2_cnt = legacy_gas(&f->x_pm2_cnt_blk, f->pm2_cnt_blk,
				f->pm2_cnt_len);
	o->pm_tmr = legacy_gas(&f->x_pm_tmr_blk, f->pm_tmr_blk, f->pm_tmr_len);
	o->gpe0 = legacy_gas(&f->x_gpe0_blk, f->gpe0_blk, f->gpe0_blk_len);
	o->gpe1 = legacy_gas(&f->x_gpe1_blk, f->gpe1_blk, f->gpe1_blk_len);
}

int acpi_fadt_parse(const void *buf, u32 len, struct acpi_fadt_info *out)
{
	const struct acpi_header *h = buf;
	struct acpi_fadt f;

	if (acpi_table_verify(buf, len, "FACP", ACPI_FADT_V1_LEN))
		return -EBADMSG;
	memset(&f, 0, sizeof(f));
	memcpy(&f, buf, MIN(h->length, (u32)sizeof(f)));
	memset(out, 0, sizeof(*out));
	out->revision = f.hdr.revision;
	out->minor_version = f.minor_version;
	out->length = f.hdr.length;
	out->flags = f.flags;
	out->facs = f.x_firmware_ctrl ? f.x_firmware_ctrl : f.firmware_ctrl;
	out->dsdt = f.x_dsdt ? f.x_dsdt : f.dsdt;
	out->sci_int = f.sci_int;
	out->iapc_boot_arch = f.iapc_boot_arch;
	out->smi_cmd = f.smi_cmd;
	out->acpi_enable = f.acpi_enable;
	out->acpi_disable = f.acpi_disable;
	blocks(&f, out);
	out->tmr_32bit = f.flags & ACPI_FADT_TMR_VAL_EXT;
	out->hw_reduced = f.flags & ACPI_FADT_HW_REDUCED;
	/* The reset register exists from the 2.0 layout on. */
	out->reset_supported = (f.flags & ACPI_FADT_RESET_REG_SUP) &&
			       f.hdr.length > ACPI_FADT_V1_LEN &&
			       f.reset_reg.address;
	out->reset_reg = f.reset_reg;
	out->reset_value = f.reset_value;
	out->sleep_control = f.sleep_control;
	out->sleep_status = f.sleep_status;
	return 0;
}

int acpi_facs_parse(const void *buf, u32 len, struct acpi_facs_info *out)
{
	const struct acpi_facs *f = buf;

	if (!buf || len < sizeof(*f) || memcmp(f->signature, "FACS", 4) ||
	    f->length < sizeof(*f) || f->length > len)
		return -EBADMSG;
	memset(out, 0, sizeof(*out));
	out->length = f->length;
	out->hw_signature = f->hw_signature;
	out->flags = f->flags;
	out->version = f->version;
	out->waking_vector = f->waking_vector;
	if (f->version >= 1 && f->x_waking_vector)
		out->waking_vector = f->x_waking_vector;
	return 0;
}
