/*
 * Host unit tests (cmocka, ASan/UBSan) for the BIOS stub's pure parts:
 * memory allocation over an E820 map, the guest's E820 map with hidden
 * ranges cut out, the EFI-style map for the hypervisor (memmap.c), and the
 * configuration from a module plus command-line overrides (cmdline.c).
 * mb_printf is replaced by a capture buffer so messages can be checked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>
#include "mb.h"

#define MIB	(1ULL << 20)

static char out[4096];

void mb_printf(const char *fmt, ...)
{
	size_t n = strlen(out);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out + n, sizeof(out) - n, fmt, ap);
	va_end(ap);
}

static struct mb_boot b;

/* A QEMU-like map: 639 KiB low, 1 GiB minus firmware, holes. */
static void qemu_map(void)
{
	static const struct e820_entry map[] = {
		{ 0, 0x9fc00, E820_RAM, 1 },
		{ 0x9fc00, 0x400, E820_RESERVED, 1 },
		{ 0xf0000, 0x10000, E820_RESERVED, 1 },
		{ MIB, 0x3ffdf000 - MIB, E820_RAM, 1 },
		{ 0x3ffdf000, 0x21000, E820_RESERVED, 1 },
		{ 0xfffc0000, 0x40000, E820_RESERVED, 1 },
	};

	memset(&b, 0, sizeof(b));
	memcpy(b.map, map, sizeof(map));
	b.nmap = ARRAY_SIZE(map);
	mb_busy_add(&b, 0, MIB);
	out[0] = '\0';
}

static void test_alloc_top_and_bottom(void **state)
{
	u64 a;

	qemu_map();
	mb_busy_add(&b, MIB, MIB + 0x40000);		/* the stub */
	assert_int_equal(mb_alloc(&b, 32 * MIB, 2 * MIB, 16 * MIB, MB_4G, true,
				  &a), 0);
	assert_int_equal(a, 0x3de00000);
	/* The next one lands below the first. */
	assert_int_equal(mb_alloc(&b, 32 * MIB, 2 * MIB, 16 * MIB, MB_4G, true,
				  &a), 0);
	assert_int_equal(a, 0x3be00000);
	assert_int_equal(mb_alloc(&b, 64 * MIB, 2 * MIB, 16 * MIB, MB_4G,
				  false, &a), 0);
	assert_int_equal(a, 16 * MIB);
}

static void test_alloc_avoids_busy(void **state)
{
	u64 a;

	qemu_map();
	/* A module right at the top and one at 20 MiB. */
	mb_busy_add(&b, 0x3f000000, 0x3f800000);
	mb_busy_add(&b, 20 * MIB, 20 * MIB + 4096);
	assert_int_equal(mb_alloc(&b, 16 * MIB, 2 * MIB, 16 * MIB, MB_4G, true,
				  &a), 0);
	assert_int_equal(a, 0x3f000000 - 16 * MIB);
	assert_int_equal(mb_alloc(&b, 8 * MIB, 2 * MIB, 16 * MIB, MB_4G, false,
				  &a), 0);
	assert_int_equal(a, 22 * MIB);
	/* Nothing that large. */
	assert_int_equal(mb_alloc(&b, 2048 * MIB, 2 * MIB, 0, MB_4G, true, &a),
			 -ENOMEM);
	/* Not below 1 MiB: it is busy. */
	assert_int_equal(mb_alloc(&b, 4096, 4096, 0, MIB, true, &a), -ENOMEM);
}

static void test_guest_e820_cuts_hidden(void **state)
{
	struct e820_entry m[MB_E820_MAX];
	u32 n;

	qemu_map();
	mb_hide(&b, 0x9c000, 0x9fc00);			/* low pages */
	mb_hide(&b, 0x3de00000, 0x3fe00000);		/* region */
	n = mb_guest_e820(&b, m, ARRAY_SIZE(m));
	assert_int_equal(n, 8);
	assert_int_equal(m[0].base, 0);
	assert_int_equal(m[0].length, 0x9c000);
	assert_int_equal(m[0].type, E820_RAM);
	/* The low pages merge with the EBDA's reserved entry after them. */
	assert_int_equal(m[1].base, 0x9c000);
	assert_int_equal(m[1].length, 0x4000);
	assert_int_equal(m[1].type, E820_RESERVED);
	assert_int_equal(m[3].base, MIB);
	assert_int_equal(m[3].base + m[3].length, 0x3de00000);
	assert_int_equal(m[4].base, 0x3de00000);
	assert_int_equal(m[4].length, 32 * MIB);
	assert_int_equal(m[4].type, E820_RESERVED);
	assert_int_equal(m[4].attr, E820_ATTR_ENABLED);
	assert_int_equal(m[5].base, 0x3fe00000);
	assert_int_equal(m[5].type, E820_RAM);
	assert_int_equal(m[6].base, 0x3ffdf000);
}

static void test_guest_e820_edges(void **state)
{
	struct e820_entry m[4];
	u32 n;

	qemu_map();
	/* A hidden range running to the end of RAM merges with firmware. */
	mb_hide(&b, 0x3f000000, 0x3ffdf000);
	n = mb_guest_e820(&b, m, ARRAY_SIZE(m));
	assert_int_equal(n, 4);			/* capped by max */
	assert_int_equal(m[3].base, MIB);
	assert_int_equal(m[3].base + m[3].length, 0x3f000000);
	n = mb_guest_e820(&b, (struct e820_entry[MB_E820_MAX]){ 0 }, MB_E820_MAX);
	assert_int_equal(n, 6);
}

static void test_efi_memmap(void **state)
{
	struct tv_efi_memdesc d[MB_E820_MAX];
	u32 n;

	qemu_map();
	mb_hide(&b, 0x3de00000, 0x3fe00000);
	n = mb_efi_memmap(&b, d, ARRAY_SIZE(d));
	assert_int_equal(n, 8);
	assert_int_equal(d[0].type, 7);		/* EfiConventionalMemory */
	assert_int_equal(d[0].pages, 0xa0);	/* 0x9fc00 rounded up */
	assert_int_equal(d[1].type, 0);
	assert_int_equal(d[4].phys_start, 0x3de00000);
	assert_int_equal(d[4].pages, 32 * MIB / 4096);
	assert_int_equal(d[4].type, 0);		/* EfiReservedMemoryType */
}

static const char conf[] =
	"boot.next_args = console=ttyS0\n"
	"vmm.memory = 32\n"
	"log.serial = 0x2f8\n";

static void test_config_file_only(void **state)
{
	struct tv_config c;

	out[0] = '\0';
	assert_int_equal(mb_config_parse(conf, sizeof(conf) - 1, "f.conf", "",
					 &c), 0);
	assert_int_equal(c.vmm_memory_mib, 32);
	assert_string_equal(c.boot_next_args, "console=ttyS0");
	assert_int_equal(c.log_serial, 0x2f8);
	assert_int_equal(mb_config_parse("", 0, "none", "", &c), 0);
	assert_int_equal(c.vmm_memory_mib, TV_CONFIG_MEMORY_DEFAULT_MIB);
}

static void test_config_overrides(void **state)
{
	struct tv_config c;

	assert_int_equal(mb_config_parse(conf, sizeof(conf) - 1, "f.conf",
		"vmm.memory=64  \"boot.next_args=ro quiet\" log.serial=none", &c), 0);
	assert_int_equal(c.vmm_memory_mib, 64);
	assert_string_equal(c.boot_next_args, "ro quiet");
	assert_int_equal(c.log_serial, 0);
	/* GRUB 2's quoting: "word with blanks", \" and \\ escaped. */
	assert_int_equal(mb_config_parse(conf, sizeof(conf) - 1, "f.conf",
		"\"boot.next_args=a \\\"b\\\" c\\\\d # e\"", &c), 0);
	assert_string_equal(c.boot_next_args, "a \"b\" c\\d # e");
	/* Quoted after the '=', no final newline in the file. */
	assert_int_equal(mb_config_parse("vmm.memory = 16", 15, "f.conf",
		"boot.next_args=\"x y\"", &c), 0);
	assert_int_equal(c.vmm_memory_mib, 16);
	assert_string_equal(c.boot_next_args, "x y");
}

static void test_config_errors_say_where(void **state)
{
	static const char bad[] = "vmm.memory = 32\n\n\nvmm.frobnicate = 1\n";
	struct tv_config c;

	out[0] = '\0';
	assert_int_equal(mb_config_parse(bad, sizeof(bad) - 1, "t.conf", "",
					 &c), -EINVAL);
	assert_non_null(strstr(out, "t.conf:4: vmm.frobnicate: unknown key"));
	out[0] = '\0';
	assert_int_equal(mb_config_parse(conf, sizeof(conf) - 1, "t.conf",
					 "vmm.memory=5", &c), -EINVAL);
	assert_non_null(strstr(out, "command line:1: vmm.memory:"));
	out[0] = '\0';
	assert_int_equal(mb_config_parse(conf, sizeof(conf) - 1, "t.conf",
					 "quiet", &c), -EINVAL);
	assert_non_null(strstr(out, "quiet: expected key=value"));
	/* Overriding a key does not make the file's line a duplicate. */
	assert_int_equal(mb_config_parse(conf, sizeof(conf) - 1, "t.conf",
					 "log.serial=0x3f8", &c), 0);
	assert_int_equal(c.log_serial, 0x3f8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_top_and_bottom),
		cmocka_unit_test(test_alloc_avoids_busy),
		cmocka_unit_test(test_guest_e820_cuts_hidden),
		cmocka_unit_test(test_guest_e820_edges),
		cmocka_unit_test(test_efi_memmap),
		cmocka_unit_test(test_config_file_only),
		cmocka_unit_test(test_config_overrides),
		cmocka_unit_test(test_config_errors_say_where),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
