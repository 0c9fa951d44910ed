/*
 * Unit tests of lib/config: the thinvisor.conf parser (every key, defaults,
 * syntax corners, limits at and one past the edge, every error with its
 * exact line, key and message), and error and summary formatting.  The
 * number parsing it relies on is tested in test_strparse.c.
 *
 * Each check compares against an exact expected value, so a change in
 * behaviour or wording fails a test; the messages are part of the
 * interface, since users read them on the firmware console.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <tv/env.h>
#include <tv/config.h>

/* Large (13 KiB); static so each test does not put one on the stack. */
static struct tv_config cfg;
static struct tv_config_error err;
static char big[8192];

static int parse(const char *text)
{
	return tv_config_parse(text, strlen(text), &cfg, &err);
}

static void parse_ok(const char *text)
{
	int ret = parse(text);

	if (ret)
		fail_msg("parse failed: line %u key '%s': %s", err.line, err.key,
			 err.msg);
	assert_int_equal(err.line, 0);
	assert_string_equal(err.msg, "");
}

static void parse_fails(const char *text, u32 line, const char *key,
			const char *msg)
{
	assert_int_equal(parse(text), -EINVAL);
	assert_string_equal(err.msg, msg);
	assert_string_equal(err.key, key);
	assert_int_equal(err.line, line);
}

/* "key = " followed by n copies of c, then a newline. */
static const char *line_of(const char *key, char c, size_t n)
{
	size_t k = strlen(key);

	assert_true(k + 3 + n + 2 <= sizeof(big));
	memcpy(big, key, k);
	memcpy(big + k, " = ", 3);
	memset(big + k + 3, c, n);
	strcpy(big + k + 3 + n, "\n");
	return big;
}

/* ---- defaults and a full file ---- */

static void test_defaults(void **state)
{
	memset(&cfg, 0xa5, sizeof(cfg));
	parse_ok("");
	assert_string_equal(cfg.boot_next, "");
	assert_string_equal(cfg.boot_next_args, "");
	assert_int_equal(cfg.log_serial, 0);
	assert_int_equal(cfg.vmm_memory_mib, TV_CONFIG_MEMORY_DEFAULT_MIB);
	assert_int_equal(cfg.vmm_enable, 1);
	assert_int_equal(cfg.pci_driver_count, 0);
	assert_int_equal(cfg.storage_encrypt_count, 0);
	assert_int_equal(cfg.reserved0, 0);
	assert_int_equal(cfg.pci_driver[0][0], 0);
	/* NULL with length 0 is an empty file too. */
	assert_int_equal(tv_config_parse(NULL, 0, &cfg, &err), 0);
	assert_int_equal(cfg.vmm_memory_mib, TV_CONFIG_MEMORY_DEFAULT_MIB);
}

static void test_full_file(void **state)
{
	parse_ok("# thinvisor.conf\n"
		 "boot.next = \\EFI\\linux\\vmlinuz.efi\n"
		 "boot.next_args = console=ttyS0 root=/dev/sda2 quiet\n"
		 "log.serial = 0x2f8\n"
		 "vmm.memory = 64\n"
		 "vmm.enable = no\n"
		 "vmm.driver.pci = vendor=8086, device=100e, driver=pro1000\n"
		 "storage.encrypt = storage=ahci, port=0, crypto=aes-xts\n");
	assert_string_equal(cfg.boot_next, "\\EFI\\linux\\vmlinuz.efi");
	assert_string_equal(cfg.boot_next_args,
			    "console=ttyS0 root=/dev/sda2 quiet");
	assert_int_equal(cfg.log_serial, 0x2f8);
	assert_int_equal(cfg.vmm_memory_mib, 64);
	assert_int_equal(cfg.vmm_enable, 0);
	assert_int_equal(cfg.pci_driver_count, 1);
	assert_string_equal(cfg.pci_driver[0],
			    "vendor=8086, device=100e, driver=pro1000");
	assert_int_equal(cfg.storage_encrypt_count, 1);
	assert_string_equal(cfg.storage_encrypt[0],
			    "storage=ahci, port=0, crypto=aes-xts");
}

static void test_null_err_allowed(void **state)
{
	assert_int_equal(tv_config_parse("vmm.memory = 9\n", 15, &cfg, NULL), 0);
	assert_int_equal(cfg.vmm_memory_mib, 9);
	assert_int_equal(tv_config_parse("bogus = 1\n", 10, &cfg, NULL), -EINVAL);
}

static void test_err_cleared_on_success(void **state)
{
	parse_fails("x = 1\n", 1, "x", "unknown key");
	parse_ok("vmm.enable = 1\n");
	assert_string_equal(err.key, "");
}

/* ---- boot.next ---- */

static void test_boot_next_paths(void **state)
{
	parse_ok("boot.next = \\EFI\\BOOT\\grubx64.efi");
	assert_string_equal(cfg.boot_next, "\\EFI\\BOOT\\grubx64.efi");
	parse_ok("boot.next = /EFI/linux/vmlinuz.efi\n");
	assert_string_equal(cfg.boot_next, "\\EFI\\linux\\vmlinuz.efi");
	parse_ok("boot.next = /EFI\\mixed/x.efi\n");
	assert_string_equal(cfg.boot_next, "\\EFI\\mixed\\x.efi");
	parse_ok("boot.next = \"\\EFI\\My Loader\\a b.efi\"\n");
	assert_string_equal(cfg.boot_next, "\\EFI\\My Loader\\a b.efi");
}

static void test_boot_next_empty(void **state)
{
	parse_ok("boot.next =\n");
	assert_string_equal(cfg.boot_next, "");
	parse_ok("boot.next = \"\"\n");
	assert_string_equal(cfg.boot_next, "");
	parse_ok("boot.next = # back to the boot manager\n");
	assert_string_equal(cfg.boot_next, "");
}

static void test_boot_next_bad(void **state)
{
	parse_fails("boot.next = EFI\\x.efi\n", 1, "boot.next",
		    "value EFI\\x.efi is not an absolute path (start it with '\\')");
	parse_fails("boot.next = \\EFI\\linux\\\n", 1, "boot.next",
		    "value \\EFI\\linux\\ names a directory, not a file");
	parse_fails("boot.next = /\n", 1, "boot.next",
		    "value / names a directory, not a file");
	parse_fails("boot.next = \\EFI\\\\x.efi\n", 1, "boot.next",
		    "value \\EFI\\\\x.efi has an empty path component");
	parse_fails("boot.next = //x.efi\n", 1, "boot.next",
		    "value //x.efi has an empty path component");
	parse_fails("boot.next = \\EFI\\a:b.efi\n", 1, "boot.next",
		    "value \\EFI\\a:b.efi contains ':', which a file name cannot hold");
	parse_fails("boot.next = \\x*.efi\n", 1, "boot.next",
		    "value \\x*.efi contains '*', which a file name cannot hold");
	parse_fails("boot.next = \"\\a\"b.efi\"\n", 1, "boot.next",
		    "value \\a\"b.efi contains '\"', which a file name cannot hold");
}

static void test_boot_next_length(void **state)
{
	char want[TV_CONFIG_PATH_MAX];

	/* '\' plus 254 'a' = 255 characters: the limit. */
	line_of("boot.next", 'a', 255);
	big[12] = '\\';
	parse_ok(big);
	memset(want, 'a', 255);
	want[0] = '\\';
	want[255] = '\0';
	assert_string_equal(cfg.boot_next, want);
	line_of("boot.next", 'a', 256);
	big[12] = '\\';
	parse_fails(big, 1, "boot.next",
		    "value is 256 characters long, the limit is 255");
}

/* ---- boot.next_args ---- */

static void test_boot_next_args(void **state)
{
	parse_ok("boot.next_args = root=/dev/sda1 init=/sbin/init a=\"b c\"\n");
	assert_string_equal(cfg.boot_next_args,
			    "root=/dev/sda1 init=/sbin/init a=\"b c\"");
	parse_ok("boot.next_args = \"  spaced  \"\n");
	assert_string_equal(cfg.boot_next_args, "  spaced  ");
	parse_ok("boot.next_args = \"a # not a comment\" # a comment\n");
	assert_string_equal(cfg.boot_next_args, "a # not a comment");
	parse_ok("boot.next_args = ~!@$%^&*()_+`-={}|[]:;'<>?,./\n");
	assert_string_equal(cfg.boot_next_args,
			    "~!@$%^&*()_+`-={}|[]:;'<>?,./");
}

static void test_boot_next_args_length(void **state)
{
	char want[TV_CONFIG_ARGS_MAX];

	line_of("boot.next_args", 'x', 1023);
	parse_ok(big);
	memset(want, 'x', 1023);
	want[1023] = '\0';
	assert_string_equal(cfg.boot_next_args, want);
	line_of("boot.next_args", 'x', 1024);
	parse_fails(big, 1, "boot.next_args",
		    "value is 1024 characters long, the limit is 1023");
}

/* ---- log.serial ---- */

static void test_log_serial_values(void **state)
{
	parse_ok("log.serial = 0x2f8\n");
	assert_int_equal(cfg.log_serial, 0x2f8);
	parse_ok("log.serial = 1016\n");
	assert_int_equal(cfg.log_serial, 0x3f8);
	parse_ok("log.serial = 0x100\n");
	assert_int_equal(cfg.log_serial, 0x100);
	parse_ok("log.serial = 0xfff8\n");
	assert_int_equal(cfg.log_serial, 0xfff8);
}

static void test_log_serial_off(void **state)
{
	static const char *const off[] = {
		"log.serial = none\n", "log.serial = NONE\n", "log.serial = 0\n",
		"log.serial = 0x0\n",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(off); i++) {
		tv_config_parse("log.serial = 0x3f8", 18, &cfg, &err);
		assert_int_equal(cfg.log_serial, 0x3f8);
		parse_ok(off[i]);
		assert_int_equal(cfg.log_serial, 0);
	}
}

static void test_log_serial_bad(void **state)
{
	parse_fails("log.serial = 0x2f9\n", 1, "log.serial",
		    "value 0x2f9 is not an 8-byte-aligned I/O port base");
	parse_fails("log.serial = 0x2fc\n", 1, "log.serial",
		    "value 0x2fc is not an 8-byte-aligned I/O port base");
	parse_fails("log.serial = 1017\n", 1, "log.serial",
		    "value 1017 is not an 8-byte-aligned I/O port base");
	parse_fails("log.serial = 0xfffc\n", 1, "log.serial",
		    "value 0xfffc is outside the UART I/O port range 0x100..0xfff8");
	parse_fails("log.serial = 0xf8\n", 1, "log.serial",
		    "value 0xf8 is outside the UART I/O port range 0x100..0xfff8");
	parse_fails("log.serial = 0x10000\n", 1, "log.serial",
		    "value 0x10000 is outside the UART I/O port range 0x100..0xfff8");
	parse_fails("log.serial = 99999999999999999999\n", 1, "log.serial",
		    "value 99999999999999999999 is outside the UART I/O port range 0x100..0xfff8");
	parse_fails("log.serial = com1\n", 1, "log.serial",
		    "value com1 is not an I/O port (write e.g. 0x3f8, or none)");
	parse_fails("log.serial = -1\n", 1, "log.serial",
		    "value -1 is not an I/O port (write e.g. 0x3f8, or none)");
	parse_fails("log.serial =\n", 1, "log.serial",
		    "value \"\" is not an I/O port (write e.g. 0x3f8, or none)");
}

/* ---- vmm.memory ---- */

static void test_vmm_memory_values(void **state)
{
	static const struct {
		const char *text;
		u32 mib;
	} ok[] = {
		{ "vmm.memory = 8\n", 8 },
		{ "vmm.memory = 4096\n", 4096 },
		{ "vmm.memory = 64M\n", 64 },
		{ "vmm.memory = 64MiB\n", 64 },
		{ "vmm.memory = 64 MiB\n", 64 },
		{ "vmm.memory = 128 M # plenty\n", 128 },
		{ "vmm.memory = 0x40\n", 64 },
		{ "vmm.memory = \"256M\"\n", 256 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		parse_ok(ok[i].text);
		if (cfg.vmm_memory_mib != ok[i].mib)
			fail_msg("'%s' gave %u", ok[i].text, cfg.vmm_memory_mib);
	}
}

static void test_vmm_memory_bad(void **state)
{
	parse_fails("vmm.memory = 7\n", 1, "vmm.memory",
		    "value 7 is outside 8..4096 MiB");
	parse_fails("vmm.memory = 4097\n", 1, "vmm.memory",
		    "value 4097 is outside 8..4096 MiB");
	parse_fails("vmm.memory = 0\n", 1, "vmm.memory",
		    "value 0 is outside 8..4096 MiB");
	parse_fails("vmm.memory = 18446744073709551616M\n", 1, "vmm.memory",
		    "value 18446744073709551616M is outside 8..4096 MiB");
	parse_fails("vmm.memory = 1G\n", 1, "vmm.memory",
		    "value 1G is not a size in MiB (write e.g. 64 or 64M)");
	parse_fails("vmm.memory = 64MB\n", 1, "vmm.memory",
		    "value 64MB is not a size in MiB (write e.g. 64 or 64M)");
	parse_fails("vmm.memory = 64m\n", 1, "vmm.memory",
		    "value 64m is not a size in MiB (write e.g. 64 or 64M)");
	parse_fails("vmm.memory = MiB\n", 1, "vmm.memory",
		    "value MiB is not a size in MiB (write e.g. 64 or 64M)");
	parse_fails("vmm.memory = -64\n", 1, "vmm.memory",
		    "value -64 is not a size in MiB (write e.g. 64 or 64M)");
	parse_fails("vmm.memory = 6 4\n", 1, "vmm.memory",
		    "value 6 4 is not a size in MiB (write e.g. 64 or 64M)");
}

/* ---- vmm.enable ---- */

static void test_vmm_enable(void **state)
{
	parse_ok("vmm.enable = off\n");
	assert_int_equal(cfg.vmm_enable, 0);
	parse_ok("vmm.enable = On\n");
	assert_int_equal(cfg.vmm_enable, 1);
	parse_ok("vmm.enable = FALSE\n");
	assert_int_equal(cfg.vmm_enable, 0);
	parse_ok("vmm.enable = yes\n");
	assert_int_equal(cfg.vmm_enable, 1);
	parse_ok("vmm.enable = 0\n");
	assert_int_equal(cfg.vmm_enable, 0);
	parse_fails("vmm.enable = maybe\n", 1, "vmm.enable",
		    "value maybe is not a boolean (use 1/0, yes/no, true/false or on/off)");
	parse_fails("vmm.enable = 2\n", 1, "vmm.enable",
		    "value 2 is not a boolean (use 1/0, yes/no, true/false or on/off)");
	parse_fails("vmm.enable =\n", 1, "vmm.enable",
		    "value \"\" is not a boolean (use 1/0, yes/no, true/false or on/off)");
}

/* ---- repeatable keys ---- */

static void test_list_keeps_order_and_text(void **state)
{
	parse_ok("vmm.driver.pci = a\n"
		 "storage.encrypt = x\n"
		 "vmm.driver.pci =   b c  # trailing comment\n"
		 "vmm.driver.pci = \" quoted # kept \"\n");
	assert_int_equal(cfg.pci_driver_count, 3);
	assert_string_equal(cfg.pci_driver[0], "a");
	assert_string_equal(cfg.pci_driver[1], "b c");
	assert_string_equal(cfg.pci_driver[2], " quoted # kept ");
	assert_string_equal(cfg.pci_driver[3], "");
	assert_int_equal(cfg.storage_encrypt_count, 1);
	assert_string_equal(cfg.storage_encrypt[0], "x");
}

/* count lines of "key = e<i>"; returns the text in big. */
static const char *repeat(const char *key, unsigned int count)
{
	size_t pos = 0;
	unsigned int i;

	big[0] = '\0';
	for (i = 0; i < count; i++)
		pos += (size_t)snprintf(big + pos, sizeof(big) - pos,
					"%s = e%u\n", key, i);
	assert_true(pos < sizeof(big));
	return big;
}

static void test_list_limits(void **state)
{
	parse_ok(repeat("vmm.driver.pci", TV_CONFIG_PCI_DRIVER_MAX));
	assert_int_equal(cfg.pci_driver_count, 32);
	assert_string_equal(cfg.pci_driver[31], "e31");
	parse_fails(repeat("vmm.driver.pci", 33), 33, "vmm.driver.pci",
		    "too many entries (the limit is 32 lines)");
	parse_ok(repeat("storage.encrypt", TV_CONFIG_STORAGE_ENCRYPT_MAX));
	assert_int_equal(cfg.storage_encrypt_count, 16);
	assert_string_equal(cfg.storage_encrypt[15], "e15");
	parse_fails(repeat("storage.encrypt", 17), 17, "storage.encrypt",
		    "too many entries (the limit is 16 lines)");
}

static void test_list_entry_length(void **state)
{
	line_of("vmm.driver.pci", 'd', 255);
	parse_ok(big);
	assert_int_equal(strlen(cfg.pci_driver[0]), 255);
	line_of("vmm.driver.pci", 'd', 256);
	parse_fails(big, 1, "vmm.driver.pci",
		    "value is 256 characters long, the limit is 255");
	line_of("storage.encrypt", 's', 255);
	parse_ok(big);
	assert_int_equal(strlen(cfg.storage_encrypt[0]), 255);
	line_of("storage.encrypt", 's', 256);
	parse_fails(big, 1, "storage.encrypt",
		    "value is 256 characters long, the limit is 255");
}

static void test_list_bad_entries(void **state)
{
	parse_fails("vmm.driver.pci = a\nvmm.driver.pci =\n", 2,
		    "vmm.driver.pci",
		    "empty value (this key takes one entry per line)");
	parse_fails("storage.encrypt = # nothing\n", 1, "storage.encrypt",
		    "empty value (this key takes one entry per line)");
	parse_fails("storage.encrypt = a\tb\n", 1, "storage.encrypt",
		    "non-printable byte 0x09 in value (column 20)");
}

/* ---- syntax ---- */

static void test_comments_and_blank_lines(void **state)
{
	parse_ok("# a comment\n"
		 "\n"
		 "   \t \n"
		 "   # indented comment = with equals\n"
		 "# caf\xc3\xa9: UTF-8 in comments is fine\n"
		 "vmm.memory = 16 # sixteen\n"
		 "vmm.enable = off# no blank before '#'\n");
	assert_int_equal(cfg.vmm_memory_mib, 16);
	assert_int_equal(cfg.vmm_enable, 0);
}

static void test_whitespace(void **state)
{
	parse_ok("\t  boot.next_args\t=\t a=b = c \t\n"
		 "vmm.memory=12\n");
	assert_string_equal(cfg.boot_next_args, "a=b = c");
	assert_int_equal(cfg.vmm_memory_mib, 12);
}

static void test_crlf_and_last_line(void **state)
{
	parse_ok("vmm.memory = 20\r\n\r\n# c\r\nboot.next_args = x y\r\n");
	assert_int_equal(cfg.vmm_memory_mib, 20);
	assert_string_equal(cfg.boot_next_args, "x y");
	/* No newline at the end of the file. */
	parse_ok("vmm.memory = 24\nvmm.enable = no");
	assert_int_equal(cfg.vmm_enable, 0);
	parse_ok("vmm.memory = 28\r");
	assert_int_equal(cfg.vmm_memory_mib, 28);
	parse_fails("# one\r\n\r\nvmm.memory = 3\r\n", 3, "vmm.memory",
		    "value 3 is outside 8..4096 MiB");
}

static void test_bom(void **state)
{
	parse_ok("\xef\xbb\xbfvmm.memory = 40\n");
	assert_int_equal(cfg.vmm_memory_mib, 40);
	parse_ok("\xef\xbb\xbf");
	parse_ok("\xef\xbb\xbf# comment\r\nvmm.memory = 41\r\n");
	assert_int_equal(cfg.vmm_memory_mib, 41);
	/* Only at the very start; elsewhere it is three unprintable bytes. */
	parse_fails("vmm.memory = 40\n\xef\xbb\xbfvmm.enable = 1\n", 2,
		    "???vmm.enable",
		    "non-printable byte 0xef in key (column 1)");
	parse_fails("\xef\xbb\xbf\xef\xbb\xbfvmm.memory = 40\n", 1,
		    "???vmm.memory",
		    "non-printable byte 0xef in key (column 1)");
}

static void test_quotes(void **state)
{
	parse_ok("boot.next_args = \"\"\n");
	assert_string_equal(cfg.boot_next_args, "");
	parse_ok("boot.next_args = \" a \"  \n");
	assert_string_equal(cfg.boot_next_args, " a ");
	/* The closing quote is the first one only a comment may follow. */
	parse_ok("boot.next_args = \"a \"b\" c\" # say \"hi\"\n");
	assert_string_equal(cfg.boot_next_args, "a \"b\" c");
	parse_ok("boot.next_args = \"x\"#c\n");
	assert_string_equal(cfg.boot_next_args, "x");
	/* A quote not at the start is plain text. */
	parse_ok("boot.next_args = a\"b\n");
	assert_string_equal(cfg.boot_next_args, "a\"b");
	parse_ok("boot.next_args = \"\"\"\n");
	assert_string_equal(cfg.boot_next_args, "\"");
}

static void test_quote_errors(void **state)
{
	parse_fails("vmm.memory = 9\nboot.next_args = \"abc\n", 2,
		    "boot.next_args", "missing closing quote");
	parse_fails("boot.next_args = \"\n", 1, "boot.next_args",
		    "missing closing quote");
	parse_fails("boot.next_args = \"a\" b\n", 1, "boot.next_args",
		    "unexpected text after the closing quote");
}

/* ---- line-level errors ---- */

static void test_error_unknown_key(void **state)
{
	parse_fails("# c\n\nboot.nxt = \\a.efi\n", 3, "boot.nxt", "unknown key");
	/* Keys are case-sensitive and matched whole. */
	parse_fails("Boot.Next = \\a.efi\n", 1, "Boot.Next", "unknown key");
	parse_fails("boot = x\n", 1, "boot", "unknown key");
	parse_fails("boot.next.x = x\n", 1, "boot.next.x", "unknown key");
	parse_fails("boot next = x\n", 1, "boot next", "unknown key");
}

static void test_error_long_unknown_key_truncated(void **state)
{
	char want[64];

	/* A 100-character key; err.key holds its first 63. */
	memset(big, 'k', 100);
	strcpy(big + 100, " = 1\n");
	memset(want, 'k', 63);
	want[63] = '\0';
	parse_fails(big, 1, want, "unknown key");
}

static void test_error_duplicate(void **state)
{
	parse_fails("vmm.memory = 16\n# x\nvmm.memory = 16\n", 3, "vmm.memory",
		    "duplicate key (already set on line 1)");
	parse_fails("boot.next =\nvmm.enable = 1\nboot.next = \\a.efi\n", 3,
		    "boot.next", "duplicate key (already set on line 1)");
	parse_fails("log.serial = none\nlog.serial = none\n", 2, "log.serial",
		    "duplicate key (already set on line 1)");
}

static void test_error_no_equals(void **state)
{
	parse_fails("vmm.memory = 16\nvmm.memory 16\n", 2, "",
		    "expected 'key = value', found no '='");
	parse_fails("vmm.enable # = 1\n", 1, "",
		    "expected 'key = value', found no '='");
	parse_fails("[section]\n", 1, "", "expected 'key = value', found no '='");
}

static void test_error_empty_key(void **state)
{
	parse_fails("\n\n = 5\n", 3, "", "empty key before '='");
	parse_fails("=\n", 1, "", "empty key before '='");
}

static void test_error_non_printable(void **state)
{
	parse_fails("boot.next_args = a\tb\n", 1, "boot.next_args",
		    "non-printable byte 0x09 in value (column 19)");
	parse_fails("boot.next_args = caf\xc3\xa9\n", 1, "boot.next_args",
		    "non-printable byte 0xc3 in value (column 21)");
	parse_fails("boot.next_args = \"a\x7f\"\n", 1, "boot.next_args",
		    "non-printable byte 0x7f in value (column 20)");
	parse_fails("vmm.mem\x01ory = 8\n", 1, "vmm.mem?ory",
		    "non-printable byte 0x01 in key (column 8)");
	parse_fails(" vmm.memory = 8\r\r\n", 1, "vmm.memory",
		    "non-printable byte 0x0d in value (column 16)");
	/* An embedded NUL is a byte like any other. */
	assert_int_equal(tv_config_parse("vmm.enable = 1\0\n", 16, &cfg, &err),
			 -EINVAL);
	assert_string_equal(err.msg,
			    "non-printable byte 0x00 in value (column 15)");
}

static void test_error_long_value_shortened(void **state)
{
	parse_fails("vmm.enable = 0123456789012345678901234567890123456789x\n",
		    1, "vmm.enable",
		    "value 0123456789012345678901234567890123456... is not a boolean (use 1/0, yes/no, true/false or on/off)");
	/* Exactly SHOW_MAX (40) characters are shown in full. */
	parse_fails("vmm.enable = 0123456789012345678901234567890123456789\n",
		    1, "vmm.enable",
		    "value 0123456789012345678901234567890123456789 is not a boolean (use 1/0, yes/no, true/false or on/off)");
}

static void test_first_error_wins(void **state)
{
	parse_fails("vmm.memory = 16\nbad\nnope = 1\n", 2, "",
		    "expected 'key = value', found no '='");
}

/* ---- tv_config_format_error ---- */

static void test_format_error(void **state)
{
	char buf[256];

	parse_fails("\nlog.serial = 0x2f9\n", 2, "log.serial",
		    "value 0x2f9 is not an 8-byte-aligned I/O port base");
	assert_int_equal(tv_config_format_error(&err, "thinvisor.conf", buf,
						sizeof(buf)), 0);
	assert_string_equal(buf, "thinvisor.conf:2: log.serial: value 0x2f9 is not an 8-byte-aligned I/O port base");
	parse_fails("a\n", 1, "", "expected 'key = value', found no '='");
	assert_int_equal(tv_config_format_error(&err, "\\EFI\\tv\\thinvisor.conf",
						buf, sizeof(buf)), 0);
	assert_string_equal(buf, "\\EFI\\tv\\thinvisor.conf:1: expected 'key = value', found no '='");
}

static void test_format_error_no_line(void **state)
{
	struct tv_config_error e = { .line = 0, .key = "", .msg = "file too large" };
	char buf[64];

	assert_int_equal(tv_config_format_error(&e, "f.conf", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "f.conf: file too large");
}

static void test_format_error_truncation(void **state)
{
	struct tv_config_error e = { .line = 12, .key = "k", .msg = "m" };
	char buf[16];

	/* "f:12: k: m" is 10 characters: fits in 11 bytes, not in 10. */
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(tv_config_format_error(&e, "f", buf, 11), 0);
	assert_string_equal(buf, "f:12: k: m");
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(tv_config_format_error(&e, "f", buf, 10), -ENOSPC);
	assert_string_equal(buf, "f:12: k: ");
	assert_int_equal(buf[10], 'Z');
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(tv_config_format_error(&e, "f", buf, 1), -ENOSPC);
	assert_string_equal(buf, "");
	assert_int_equal(buf[1], 'Z');
	assert_int_equal(tv_config_format_error(&e, "f", buf, 0), -ENOSPC);
	assert_int_equal(tv_config_format_error(NULL, "f", buf, 16), -EINVAL);
	assert_int_equal(tv_config_format_error(&e, NULL, buf, 16), -EINVAL);
	assert_int_equal(tv_config_format_error(&e, "f", NULL, 16), -EINVAL);
}

static void test_format_error_unterminated_input(void **state)
{
	struct tv_config_error e;
	char buf[512];

	/* A struct from elsewhere with no NULs: stay inside its arrays. */
	memset(&e, 'q', sizeof(e));
	e.line = 1;
	assert_int_equal(tv_config_format_error(&e, "f", buf, sizeof(buf)), 0);
	assert_int_equal(strlen(buf), 5 + 64 + 2 + 160);
}

/* ---- tv_config_summary ---- */

static void test_summary_defaults(void **state)
{
	char buf[512];
	const char *want =
		"config: boot.next = \"\" (return to the boot manager)\n"
		"config: boot.next_args = \"\"\n"
		"config: log.serial = none\n"
		"config: vmm.memory = 32 MiB\n"
		"config: vmm.enable = yes\n"
		"config: vmm.apic_trap_always = no\n"
		"config: acpi.disable_vtd = no\n";

	tv_config_defaults(&cfg);
	assert_int_equal(tv_config_summary(&cfg, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
}

static void test_summary_full(void **state)
{
	char buf[1024];
	const char *want =
		"config: boot.next = \"\\EFI\\linux\\vmlinuz.efi\"\n"
		"config: boot.next_args = \" console=ttyS1\"\n"
		"config: log.serial = 0x2f8\n"
		"config: vmm.memory = 4096 MiB\n"
		"config: vmm.enable = no\n"
		"config: vmm.apic_trap_always = yes\n"
		"config: acpi.disable_vtd = yes\n"
		"config: vmm.driver.pci = \"a\"\n"
		"config: vmm.driver.pci = \"b\"\n"
		"config: storage.encrypt = \"c\"\n";

	parse_ok("boot.next = /EFI/linux/vmlinuz.efi\n"
		 "boot.next_args = \" console=ttyS1\"\n"
		 "log.serial = 760\nvmm.memory = 4096\nvmm.enable = off\n"
		 "vmm.apic_trap_always = 1\nacpi.disable_vtd = true\n"
		 "vmm.driver.pci = a\nstorage.encrypt = c\nvmm.driver.pci = b\n");
	assert_int_equal(tv_config_summary(&cfg, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
}

static void test_summary_truncation(void **state)
{
	char full[512], buf[40];
	size_t n;

	tv_config_defaults(&cfg);
	n = tv_config_summary(&cfg, full, sizeof(full));
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(tv_config_summary(&cfg, buf, 20), n);
	assert_int_equal(strlen(buf), 19);
	assert_memory_equal(buf, full, 19);
	assert_int_equal(buf[20], 'Z');
	assert_int_equal(tv_config_summary(&cfg, NULL, 0), n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_null_err_allowed),
		cmocka_unit_test(test_err_cleared_on_success),
		cmocka_unit_test(test_boot_next_paths),
		cmocka_unit_test(test_boot_next_empty),
		cmocka_unit_test(test_boot_next_bad),
		cmocka_unit_test(test_boot_next_length),
		cmocka_unit_test(test_boot_next_args),
		cmocka_unit_test(test_boot_next_args_length),
		cmocka_unit_test(test_log_serial_values),
		cmocka_unit_test(test_log_serial_off),
		cmocka_unit_test(test_log_serial_bad),
		cmocka_unit_test(test_vmm_memory_values),
		cmocka_unit_test(test_vmm_memory_bad),
		cmocka_unit_test(test_vmm_enable),
		cmocka_unit_test(test_list_keeps_order_and_text),
		cmocka_unit_test(test_list_limits),
		cmocka_unit_test(test_list_entry_length),
		cmocka_unit_test(test_list_bad_entries),
		cmocka_unit_test(test_comments_and_blank_lines),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_crlf_and_last_line),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_quote_errors),
		cmocka_unit_test(test_error_unknown_key),
		cmocka_unit_test(test_error_long_unknown_key_truncated),
		cmocka_unit_test(test_error_duplicate),
		cmocka_unit_test(test_error_no_equals),
		cmocka_unit_test(test_error_empty_key),
		cmocka_unit_test(test_error_non_printable),
		cmocka_unit_test(test_error_long_value_shortened),
		cmocka_unit_test(test_first_error_wins),
		cmocka_unit_test(test_format_error),
		cmocka_unit_test(test_format_error_no_line),
		cmocka_unit_test(test_format_error_truncation),
		cmocka_unit_test(test_format_error_unterminated_input),
		cmocka_unit_test(test_summary_defaults),
		cmocka_unit_test(test_summary_full),
		cmocka_unit_test(test_summary_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
