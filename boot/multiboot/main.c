/*
 * thinvisor-mb.elf: thinvisor on a legacy BIOS machine, started by GRUB
 * with `multiboot` (docs/bios-boot.md).  The steps, in order:
 *
 *  1. copy what GRUB hands over (info.c) and read the configuration
 *     (cmdline.c): thinvisor.conf module plus command-line overrides;
 *  2. reserve a few pages below the EBDA for the real-mode code and the
 *     AP start page (lowmem.c), and the hypervisor's memory (hv.c);
 *  3. prepare the next stage: a Linux bzImage module (linux.c), or the
 *     boot sector of a BIOS disk;
 *  4. start the hypervisor (hv.c): from here on this CPU is a guest;
 *  5. hook INT 15h so the next stage's memory map hides the hypervisor,
 *     go back to real mode and start the next stage (lowmem.c).
 *
 * Any failure in the configuration or in starting the hypervisor is
 * printed and the next stage boots without the hypervisor, as with the
 * UEFI loader: a broken thinvisor never keeps the machine from booting.
 */
#include "mb.h"

#define ERROR_PAUSE_MS	3000

extern const u8 __mb_start[], __mb_end[];

void mb_main(u32 magic, const struct mb_info *mbi);

/*
 * boot.next = \hdN: the boot sector of BIOS disk 0x80 + N.  Otherwise the
 * kernel module if there is one, else the disk after the one GRUB came
 * from (the first hard disk if GRUB came from a CD or floppy).
 */
static void choose_next(struct mb_boot *b)
{
	const char *n = b->cfg_ok ? b->cfg.boot_next : "";

	if (!strncmp(n, "\\hd", 3) && n[3] >= '0' && n[3] <= '9' && !n[4]) {
		b->next = MB_NEXT_MBR;
		b->next_drive = 0x80 + (n[3] - '0');
	} else if (b->kernel) {
		b->next = MB_NEXT_LINUX;
	} else {
		b->next = MB_NEXT_MBR;
		b->next_drive = b->boot_drive >= 0x80 && b->boot_drive < 0xe0 ?
				b->boot_drive + 1 : 0x80;
	}
	if (n[0] && b->next == MB_NEXT_LINUX)
		mb_printf("thinvisor-mb: boot.next = %s ignored: booting the "
			  "kernel module\n", n);
}

static bool want_hypervisor(const struct mb_boot *b)
{
	if (!b->cfg_ok)
		return false;
	if (!b->cfg.vmm_enable) {
		mb_printf("thinvisor: vmm.enable = 0, not starting the "
			  "hypervisor\n");
		return false;
	}
	if (!b->hv) {
		mb_printf("thinvisor: no thinvisor.elf module\n");
		return false;
	}
	/* Without its keys the hypervisor would let plaintext through. */
	if (b->cfg.storage_encrypt_count) {
		mb_printf("thinvisor: storage.encrypt: key files are not "
			  "supported on the BIOS path yet\n");
		return false;
	}
	return true;
}

/* Time to read the reason on the screen, as the UEFI loader gives. */
static void pause_after_error(void)
{
	mb_printf("thinvisor: not starting the hypervisor; booting on\n");
	mb_delay_ms(ERROR_PAUSE_MS);
}

void mb_main(u32 magic, const struct mb_info *mbi)
{
	static struct mb_boot boot;
	struct mb_boot *b = &boot;
	bool hv;

	mb_console_init();
	mb_cpu_init();
	mb_printf("thinvisor-mb %s: Multiboot loader for BIOS machines\n",
		  TV_VERSION);
	if (mb_info_read(b, magic, mbi))
		mb_halt();
	mb_busy_add(b, 0, 1ULL << 20);
	mb_busy_add(b, (u32)__mb_start, (u32)__mb_end);
	mb_config_load(b);
	if (mb_low_reserve(b))
		mb_halt();
	choose_next(b);
	hv = want_hypervisor(b) && !mb_hv_reserve(b);
	if (b->next == MB_NEXT_LINUX && mb_linux_prepare(b))
		mb_halt();
	if (hv && !mb_hv_start(b))
		mb_low_hook(b);
	else if (!b->cfg_ok || b->cfg.vmm_enable)
		pause_after_error();
	mb_low_launch(b);
}
