/*
 * What the hypervisor needs to virtualize every processor, gathered while
 * boot services still run: the processors the firmware knows (through
 * EFI_MP_SERVICES_PROTOCOL, PI spec vol.2 §13.4) with their APIC IDs, and
 * one page below 1 MiB from which application processors can start in real
 * mode (a SIPI vector addresses only the first megabyte).  The page is
 * EfiReservedMemoryType so the OS never reuses it.
 */
#include <efi.h>
#include <efilib.h>
#include <tv/types.h>
#include "loader.h"

#define MP_SERVICES_GUID { 0x3fdda605, 0xa76e, 0x4f46, \
	{ 0xad, 0x29, 0x12, 0xf4, 0x53, 0x1b, 0x3d, 0x08 } }
#define PROCESSOR_AS_BSP	BIT(0)
#define PROCESSOR_ENABLED	BIT(1)
#define TRAMPOLINE_MAX		0x9f000ULL

struct efi_processor_info {
	u64 processor_id;	/* 0x00: the APIC ID */
	u32 status;		/* 0x08 */
	u32 package, core, thread;	/* 0x0c */
	u8 extended[64];	/* PI 1.7 extended topology, unused */
} __packed;

struct efi_mp_services {
	EFI_STATUS (EFIAPI *get_number_of_processors)(struct efi_mp_services *,
						      UINTN *total, UINTN *enabled);
	EFI_STATUS (EFIAPI *get_processor_info)(struct efi_mp_services *,
						UINTN n, struct efi_processor_info *);
	void *startup_all_aps, *startup_this_ap, *switch_bsp, *enable_disable_ap;
	EFI_STATUS (EFIAPI *who_am_i)(struct efi_mp_services *, UINTN *n);
};

static void cpus_from_mp_services(struct tv_rec_cpus *rec)
{
	static EFI_GUID mp_guid = MP_SERVICES_GUID;
	struct efi_mp_services *mp;
	struct efi_processor_info info;
	UINTN total, enabled, i;

	if (EFI_ERROR(LibLocateProtocol(&mp_guid, (void **)&mp)) ||
	    EFI_ERROR(uefi_call_wrapper(mp->get_number_of_processors, 3, mp,
					&total, &enabled)))
		return;
	for (i = 0; i < total && rec->count < TV_REC_CPUS_MAX; i++) {
		if (EFI_ERROR(uefi_call_wrapper(mp->get_processor_info, 3, mp, i,
						&info)) ||
		    !(info.status & PROCESSOR_ENABLED))
			continue;
		if (info.status & PROCESSOR_AS_BSP)
			rec->bsp_apic_id = (u32)info.processor_id;
		rec->apic_id[rec->count++] = (u32)info.processor_id;
	}
}

EFI_STATUS loader_fill_cpus(struct tv_rec_cpus *rec)
{
	EFI_PHYSICAL_ADDRESS low = TRAMPOLINE_MAX;
	EFI_STATUS st;

	rec->count = 0;
	cpus_from_mp_services(rec);
	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress,
			       EfiReservedMemoryType, 1, &low);
	if (EFI_ERROR(st))
		return st;
	rec->trampoline_pa = low;
	return EFI_SUCCESS;
}
