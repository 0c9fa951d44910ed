/*
 * Devices the hypervisor claims at boot.  For now: the log UART, which the
 * guest must not see or drive (it would reprogram the baud rate or steal
 * our output), so its eight ports read as an absent device (all ones) and
 * writes are dropped.
 */
#include <tv/env.h>
#include <tv/hv.h>

int hv_devices_init(void)
{
	int err;

	if (!hv_config.log_serial)
		return 0;
	err = io_register(hv_config.log_serial, 8, io_absent_device, NULL);
	if (!err)
		log_printf("serial: %x-%x hidden from the guest\n",
			   hv_config.log_serial, hv_config.log_serial + 7);
	return err;
}
