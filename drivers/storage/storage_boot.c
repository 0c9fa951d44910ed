/*
 * storage.encrypt in the hypervisor: ranges and keys, for every disk
 * driver (drivers/nvme, drivers/ahci).
 *
 * At boot (storage_encrypt_boot, before PCI) the storage.encrypt lines are
 * parsed again, the keys the loader read are copied out of their boot
 * record into XTS contexts and the record is wiped.  Each configured slot
 * gets a `slot=BB:DD.F, driver=nvme_crypt` (nsid= lines) or `driver=
 * ahci_crypt` (port= lines) rule in front of the vmm.driver.pci lines, so
 * a controller with encrypted ranges can never be left without its driver
 * (fail closed); ranges naming disks by model=/serial= give every NVMe
 * controller or AHCI HBA its driver (a class_code= rule).  The drivers
 * then read the ranges and keys through the accessors below; nothing here
 * changes after boot.
 */
#include <tv/env.h>
#include <tv/fmt.h>
#include <tv/hv.h>
#include <tv/bootproto.h>
#include <tv/storage_boot.h>

static struct storage_range ranges[STORAGE_RANGES_MAX];
static struct xts_ctx keys[STORAGE_RANGES_MAX];
static u32 nranges;
static bool keys_ready;

bool storage_keys_ready(void)
{
	return keys_ready;
}

u32 storage_range_count(void)
{
	return nranges;
}

const struct storage_range *storage_range_get(u32 i)
{
	return i < nranges ? &ranges[i] : NULL;
}

const struct xts_ctx *storage_key_get(u32 i)
{
	return i < nranges && keys_ready ? &keys[i] : NULL;
}

static bool same_slot(const struct storage_range *a,
		      const struct storage_range *b)
{
	return a->bus == b->bus && a->dev == b->dev && a->fn == b->fn;
}

bool storage_any_model_serial(void)
{
	u32 i;

	for (i = 0; i < nranges; i++)
		if (!(ranges[i].sel & STORAGE_SEL_SLOT) &&
		    !storage_range_names_ata(&ranges[i]))
			return true;
	return false;
}

bool storage_any_ata_named(void)
{
	u32 i;

	for (i = 0; i < nranges; i++)
		if (storage_range_names_ata(&ranges[i]))
			return true;
	return false;
}

static int insert_rule(u32 k, const char *text)
{
	struct tv_config *cfg = &hv_config;

	if (cfg->pci_driver_count >= TV_CONFIG_PCI_DRIVER_MAX)
		return -ENOSPC;
	memmove(cfg->pci_driver[k + 1], cfg->pci_driver[k],
		(cfg->pci_driver_count - k) * TV_CONFIG_ENTRY_MAX);
	tv_snprintf(cfg->pci_driver[k], TV_CONFIG_ENTRY_MAX, "%s", text);
	cfg->pci_driver_count++;
	return 0;
}

/*
 * Puts `slot=..., driver=...` first for every configured slot and, when
 * ranges name NVMe disks by model=/serial=, `class_code=010802,
 * driver=nvme_crypt` after them: which controller holds such a disk is
 * known only once it answers Identify, so every NVMe controller is
 * shadowed (drivers/nvme/nvme_crypt.c decides at the guest's Identify).
 * Likewise `class_code=010601, driver=ahci_crypt` for ATA disks named by
 * model=/serial=: every AHCI HBA is shadowed, drivers/ahci identifies the
 * disk on each port.
 */
static int add_driver_rules(void)
{
	char rule[TV_CONFIG_ENTRY_MAX];
	u32 i, j, k = 0;
	int err;

	for (i = 0; i < nranges; i++) {
		for (j = 0; j < i; j++)
			if ((ranges[j].sel & STORAGE_SEL_SLOT) &&
			    same_slot(&ranges[j], &ranges[i]))
				break;
		if (j < i || !(ranges[i].sel & STORAGE_SEL_SLOT))
			continue;
		tv_snprintf(rule, sizeof(rule), "slot=%02x:%02x.%x, driver=%s",
			    ranges[i].bus, ranges[i].dev, ranges[i].fn,
			    storage_range_is_ahci(&ranges[i]) ? "ahci_crypt" :
			    "nvme_crypt");
		err = insert_rule(k++, rule);
		if (err)
			return err;
	}
	if (storage_any_model_serial()) {
		err = insert_rule(k++, "class_code=010802, driver=nvme_crypt");
		if (err)
			return err;
	}
	if (storage_any_ata_named())
		return insert_rule(k, "class_code=010601, driver=ahci_crypt");
	return 0;
}

static int take_keys(struct tv_rec_keys *rec)
{
	u32 i;
	int err;

	for (i = 0; i < nranges; i++) {
		err = xts_init(&keys[i], rec->keys[i], TV_REC_KEY_SIZE);
		if (err)
			return err;
	}
	return 0;
}

int storage_encrypt_boot(void *const *table)
{
	static const u8 id[16] = TV_REC_KEYS_UUID;
	struct tv_rec_keys *rec = tv_boot_find(table, id, sizeof(*rec));
	struct storage_error e;
	char msg[200];
	int err;

	if (storage_parse_config(&hv_config, ranges, &nranges, &e)) {
		storage_format_error(&e, msg, sizeof(msg));
		log_printf("storage: %s\n", msg);
		err = -EINVAL;
	} else if (nranges && (!rec || rec->count < nranges)) {
		log_printf("storage: %u key(s) expected, the loader passed %u\n",
			   nranges, rec ? rec->count : 0);
		err = -ENOENT;
	} else {
		err = nranges ? take_keys(rec) : 0;
	}
	if (rec)
		crypto_wipe(rec->keys, sizeof(rec->keys));
	if (!err)
		err = add_driver_rules();
	if (err)
		return err;
	keys_ready = true;
	if (nranges)
		log_printf("storage: %u encrypted range(s), keys taken (%s)\n",
			   nranges, crypto_uses_xmm(&keys[0].data) ? "AES-NI" :
			   "portable AES");
	return 0;
}
