/*
 * Firmware driver disconnection (the seed's item 2): before the hypervisor
 * takes a device away from the guest, the UEFI driver bound to it must let
 * go, or the firmware — which keeps running as our guest until the OS
 * starts — would go on driving a device that no longer answers.  For the
 * log UART this is not cosmetic: a hidden UART reads as all ones, so the
 * firmware's serial driver sees "data ready" forever and spins draining it.
 *
 * Super I/O devices (UARTs) are found through EFI_SIO_PROTOCOL, whose
 * current resources (ACPI resource descriptors, ACPI 6.5 §6.4.2) name the
 * I/O base; the controller is then disconnected from all its drivers.
 */
#include <efi.h>
#include <efilib.h>
#include <tv/types.h>
#include "loader.h"

#define SIO_PROTOCOL_GUID { 0x215fdd18, 0xbd50, 0x4feb, \
	{ 0x89, 0x0b, 0x58, 0xca, 0x0b, 0x47, 0x39, 0xe9 } }

/* EFI_SIO_PROTOCOL (UEFI PI spec vol.5 §12.3); only GetResources is used. */
struct efi_sio_protocol {
	void *register_access;
	EFI_STATUS (EFIAPI *get_resources)(struct efi_sio_protocol *this,
					   u8 **resources);
	void *set_resources;
	void *possible_resources;
	void *modify;
};

#define ACPI_RES_END		0x0f	/* small item type */
#define ACPI_RES_IO		0x08
#define ACPI_RES_FIXED_IO	0x09
#define ACPI_RES_MAX_BYTES	512

/* Returns true if the descriptor list claims I/O port `port`. */
static bool resources_have_port(const u8 *r, u16 port)
{
	unsigned int off = 0;

	while (off < ACPI_RES_MAX_BYTES) {
		u8 tag = r[off];
		unsigned int type, len;

		if (tag & 0x80) {	/* large item: 16-bit length follows */
			len = r[off + 1] | (r[off + 2] << 8);
			off += 3 + len;
			continue;
		}
		type = (tag >> 3) & 0xf;
		len = tag & 7;
		if (type == ACPI_RES_END)
			return false;
		if (type == ACPI_RES_IO && len >= 7 &&
		    (r[off + 2] | (r[off + 3] << 8)) == port)
			return true;
		if (type == ACPI_RES_FIXED_IO && len >= 3 &&
		    ((r[off + 1] | (r[off + 2] << 8)) & 0x3ff) == port)
			return true;
		off += 1 + len;
	}
	return false;
}

EFI_STATUS loader_disconnect_uart(u16 port)
{
	static EFI_GUID sio_guid = SIO_PROTOCOL_GUID;
	EFI_HANDLE *handles;
	UINTN n, i;
	EFI_STATUS st;
	bool found = false;

	st = LibLocateHandle(ByProtocol, &sio_guid, NULL, &n, &handles);
	if (EFI_ERROR(st))
		return EFI_NOT_FOUND;
	for (i = 0; i < n; i++) {
		struct efi_sio_protocol *sio;
		u8 *res = NULL;

		if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, handles[i],
						&sio_guid, (void **)&sio)))
			continue;
		if (EFI_ERROR(uefi_call_wrapper(sio->get_resources, 2, sio, &res)) ||
		    !res || !resources_have_port(res, port))
			continue;
		st = uefi_call_wrapper(BS->DisconnectController, 3, handles[i],
				       NULL, NULL);
		if (EFI_ERROR(st))
			break;
		found = true;
	}
	FreePool(handles);
	if (EFI_ERROR(st))
		return st;
	return found ? EFI_SUCCESS : EFI_NOT_FOUND;
}
