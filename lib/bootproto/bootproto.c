/*
 * Boot-record lookup, shared by the loader (which builds the table) and the
 * hypervisor (which searches it).  The table comes from another program, so
 * the walk is bounded and every record's size is checked before its body is
 * trusted.
 */
#include <tv/env.h>
#include <tv/bootproto.h>

void *tv_boot_find(void *const *table, const u8 uuid[16], u32 min_size)
{
	unsigned int i;

	if (!table)
		return NULL;
	for (i = 0; i < TV_BOOT_TABLE_MAX && table[i]; i++) {
		struct tv_boot_record_hdr *hdr = table[i];

		if (memcmp(hdr->uuid, uuid, 16))
			continue;
		if (hdr->size < min_size || hdr->size < sizeof(*hdr))
			return NULL;
		return hdr;
	}
	return NULL;
}
