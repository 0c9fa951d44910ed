/*
 * Preparing a Linux bzImage module for the 16-bit boot protocol
 * (Documentation/arch/x86/boot.rst): the real-mode part (setup) goes to
 * LINUX_RM_BASE below 1 MiB with the heap and the command line after it,
 * the protected-mode part to a free, kernel_alignment-aligned range of
 * init_size bytes at or above 16 MiB (relocatable kernels only:
 * code32_start tells setup where it is), the initrd stays where GRUB put
 * it.  lowmem.c later enters setup in real mode, as a guest.
 *
 * Why real mode and not the 32-bit protocol: setup then asks the BIOS for
 * the memory map itself, through INT 15h E820 — through our hook — so the
 * kernel sees the hypervisor's memory as reserved exactly the way any
 * other BIOS-booted OS would.
 *
 * Layout of the real-mode part (boot.rst "Sample boot configuration"):
 *   X + 0x0000  setup sectors (setup_sects + 1) * 512
 *   X + 0xe000  heap end = stack top; the command line follows
 *   X + 0x10000 end
 */
#include "mb.h"

#define LINUX_RM_BASE		0x10000
#define LINUX_HEAP_END		0xe000
#define LINUX_RM_SIZE		0x10000
#define LINUX_SETUP_MAX		0x8000
#define LINUX_MIN_VERSION	0x020a	/* 2.10: init_size, pref_address */
#define LINUX_LOAD_MIN		(16ULL << 20)
#define LINUX_LOADER_UNKNOWN	0xff

static int check_header(const struct mb_module *k, const struct linux_setup_header *h,
			u32 setup_size)
{
	const char *why = NULL;

	if (k->end - k->start < 0x26c || h->boot_flag != LINUX_BOOT_FLAG ||
	    h->header != LINUX_HDRS)
		why = "not a Linux bzImage";
	else if (h->version < LINUX_MIN_VERSION)
		why = "boot protocol older than 2.10";
	else if (!(h->loadflags & LINUX_LOADED_HIGH))
		why = "not a bzImage (zImage is not supported)";
	else if (!h->relocatable_kernel)
		why = "not a relocatable kernel";
	else if (setup_size > LINUX_SETUP_MAX ||
		 setup_size >= k->end - k->start)
		why = "bad setup size";
	if (why)
		mb_printf("thinvisor: %s: %s\n", k->name, why);
	return why ? -ENOEXEC : 0;
}

static bool low_area_free(const struct mb_boot *b)
{
	u32 i;

	for (i = 0; i < b->nmods; i++)
		if (b->mods[i].start < LINUX_RM_BASE + LINUX_RM_SIZE &&
		    b->mods[i].end > LINUX_RM_BASE)
			return false;
	return b->low_base >= LINUX_RM_BASE + LINUX_RM_SIZE;
}

static int load_initrd(const struct mb_boot *b, struct linux_setup_header *rh)
{
	const struct mb_module *r = b->initrd;

	if (!r)
		return 0;
	if (r->end - 1 > rh->initrd_addr_max) {
		mb_printf("thinvisor: %s: above the kernel's initrd limit "
			  "%x\n", r->name, rh->initrd_addr_max);
		return -ERANGE;
	}
	rh->ramdisk_image = r->start;
	rh->ramdisk_size = r->end - r->start;
	return 0;
}

static int place_kernel(struct mb_boot *b, const struct linux_setup_header *h,
			u32 pm_size, u64 *load)
{
	u64 align = h->kernel_alignment, size;

	if (align < 4096 || (align & (align - 1)))
		align = MB_2M;
	size = ALIGN_UP(MAX((u64)h->init_size, (u64)pm_size), 4096);
	if (mb_alloc(b, size, align, MAX(LINUX_LOAD_MIN, align), MB_4G, false,
		     load)) {
		mb_printf("thinvisor: no %llu MiB of free RAM for the kernel\n",
			  (unsigned long long)size >> 20);
		return -ENOMEM;
	}
	return 0;
}

int mb_linux_prepare(struct mb_boot *b)
{
	const struct mb_module *k = b->kernel;
	const u8 *file = (const u8 *)k->start;
	const struct linux_setup_header *h = (const void *)(file + LINUX_HDR_OFFSET);
	u32 setup_size = ((h->setup_sects ? h->setup_sects : 4) + 1) * 512;
	const char *args = k->args[0] ? k->args : b->cfg.boot_next_args;
	u8 *rm = (u8 *)LINUX_RM_BASE;
	struct linux_setup_header *rh = (void *)(rm + LINUX_HDR_OFFSET);
	u32 args_len = strlen(args);
	u64 load;

	if (check_header(k, h, setup_size))
		return -ENOEXEC;
	if (args_len > h->cmdline_size ||
	    args_len >= LINUX_RM_SIZE - LINUX_HEAP_END) {
		mb_printf("thinvisor: kernel command line longer than %u\n",
			  h->cmdline_size);
		return -E2BIG;
	}
	if (!low_area_free(b)) {
		mb_printf("thinvisor: memory at %x is taken: cannot place the "
			  "kernel's setup\n", LINUX_RM_BASE);
		return -ENOMEM;
	}
	if (place_kernel(b, h, k->end - k->start - setup_size, &load))
		return -ENOMEM;
	memcpy((void *)(u32)load, file + setup_size, k->end - k->start - setup_size);
	memcpy(rm, file, setup_size);
	rh->type_of_loader = LINUX_LOADER_UNKNOWN;
	rh->loadflags |= LINUX_CAN_USE_HEAP;
	rh->heap_end_ptr = LINUX_HEAP_END - 0x200;
	rh->cmd_line_ptr = LINUX_RM_BASE + LINUX_HEAP_END;
	rh->code32_start = (u32)load;
	memcpy(rm + LINUX_HEAP_END, args, args_len + 1);
	if (load_initrd(b, rh))
		return -ERANGE;
	b->next = MB_NEXT_LINUX;
	b->linux_seg = LINUX_RM_BASE >> 4;
	b->linux_sp = LINUX_HEAP_END;
	mb_printf("thinvisor-mb: Linux %s: protocol %x, kernel at %llx, "
		  "command line \"%s\"\n", k->name, h->version,
		  (unsigned long long)load, args);
	return 0;
}
