/*
 * storage.encrypt grammar (lib/storage): every item, the optional ones,
 * each error with its line/column/token, overlap rules (also for ATA
 * disks named by model=/serial=), device matching and the sector-to-range
 * lookup.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>
#include <tv/env.h>
#include <tv/storage.h>

static int parse(const char *s, struct storage_range *r,
		 struct storage_error *e)
{
	return storage_parse_line(s, strlen(s), 7, r, e);
}

static void test_full_line(void **state)
{
	struct storage_range r;
	struct storage_error e;

	assert_int_equal(parse("slot=00:04.0, nsid=1, lba=2048-*, "
			       "keyfile=\\EFI\\BOOT\\disk.key", &r, &e), 0);
	assert_int_equal(r.line, 7);
	assert_int_equal(r.sel, STORAGE_SEL_SLOT);
	assert_int_equal(r.bus, 0);
	assert_int_equal(r.dev, 4);
	assert_int_equal(r.fn, 0);
	assert_int_equal(r.nsid, 1);
	assert_int_equal(r.lba_first, 2048);
	assert_true(r.lba_last == STORAGE_LBA_END);
	assert_string_equal(r.keyfile, "\\EFI\\BOOT\\disk.key");

	assert_int_equal(parse("  keyfile=/k/x.bin,lba=0-99 , nsid=0x2,"
			       "slot=3a:1f.7,", &r, &e), 0);
	assert_int_equal(r.bus, 0x3a);
	assert_int_equal(r.dev, 0x1f);
	assert_int_equal(r.fn, 7);
	assert_int_equal(r.nsid, 2);
	assert_int_equal(r.lba_last, 99);
	assert_string_equal(r.keyfile, "\\k\\x.bin");
}

static void test_port(void **state)
{
	struct storage_range r;
	struct storage_error e;

	assert_int_equal(parse("slot=00:1f.2, port=1, lba=2048-*, "
			       "keyfile=\\EFI\\BOOT\\disk.key", &r, &e), 0);
	assert_int_equal(r.sel, STORAGE_SEL_SLOT | STORAGE_SEL_PORT);
	assert_true(storage_range_is_ahci(&r));
	assert_int_equal(r.port, 1);
	assert_int_equal(r.nsid, 0);
	assert_int_equal(r.dev, 0x1f);
	assert_int_equal(r.fn, 2);
	assert_int_equal(parse("port=31, slot=00:1f.2, lba=0-0, keyfile=\\k",
			       &r, &e), 0);
	assert_int_equal(r.port, 31);
	assert_int_equal(parse("slot=00:1f.2, port=0, lba=0-0, keyfile=\\k",
			       &r, &e), 0);
	assert_int_equal(r.port, 0);
	assert_true(storage_range_is_ahci(&r));
	assert_int_equal(parse("slot=00:04.0, nsid=1, lba=0-0, keyfile=\\k",
			       &r, &e), 0);
	assert_false(storage_range_is_ahci(&r));
}

static void test_model_serial(void **state)
{
	struct storage_range r;
	struct storage_error e;

	assert_int_equal(parse("model=QEMU NVMe Ctrl, serial=tv1, nsid=1, "
			       "lba=5-5, keyfile=\\a", &r, &e), 0);
	assert_int_equal(r.sel, STORAGE_SEL_MODEL | STORAGE_SEL_SERIAL);
	assert_string_equal(r.model, "QEMU NVMe Ctrl");
	assert_string_equal(r.serial, "tv1");
	assert_true(storage_range_matches(&r, 0, 4, 0, "QEMU NVMe Ctrl    ",
					  18, "tv1 ", 4));
	assert_false(storage_range_matches(&r, 0, 4, 0, "QEMU NVMe Ctrl", 14,
					   "tv2", 3));
	assert_int_equal(parse("serial=tv1, nsid=1, lba=5-5, keyfile=\\a",
			       &r, &e), 0);
	assert_true(storage_range_matches(&r, 1, 2, 3, "x", 1, "tv1", 3));
	assert_int_equal(parse("slot=01:02.3, nsid=1, lba=5-5, keyfile=\\a",
			       &r, &e), 0);
	assert_true(storage_range_matches(&r, 1, 2, 3, NULL, 0, NULL, 0));
	assert_false(storage_range_matches(&r, 1, 2, 4, NULL, 0, NULL, 0));
}

/* model=/serial= without nsid=: an ATA disk behind any AHCI HBA. */
static void test_ata_disk(void **state)
{
	struct storage_range r;
	struct storage_error e;

	assert_int_equal(parse("serial=tvsata2, lba=2048-*, keyfile=\\k",
			       &r, &e), 0);
	assert_int_equal(r.sel, STORAGE_SEL_SERIAL | STORAGE_SEL_ATA);
	assert_true(storage_range_is_ahci(&r));
	assert_true(storage_range_names_ata(&r));
	assert_int_equal(r.nsid, 0);
	assert_true(storage_range_matches(&r, 0, 0x1f, 2, "QEMU HARDDISK",
					  13, "tvsata2             ", 20));
	assert_false(storage_range_matches(&r, 0, 0x1f, 2, "QEMU HARDDISK",
					   13, "tvsata1", 7));
	/* No slot: a slot-only lookup never picks it. */
	assert_false(storage_range_matches(&r, 0, 0x1f, 2, NULL, 0, NULL, 0));
	assert_int_equal(parse("lba=0-99, model=QEMU HARDDISK, serial=s, "
			       "keyfile=\\k", &r, &e), 0);
	assert_int_equal(r.sel, STORAGE_SEL_MODEL | STORAGE_SEL_SERIAL |
			 STORAGE_SEL_ATA);
	assert_string_equal(r.model, "QEMU HARDDISK");
	/* With nsid= it stays an NVMe namespace. */
	assert_int_equal(parse("serial=s, nsid=1, lba=0-99, keyfile=\\k",
			       &r, &e), 0);
	assert_false(storage_range_is_ahci(&r));
	assert_false(storage_range_names_ata(&r));
	/* slot=/port= lines are not ATA-named. */
	assert_int_equal(parse("slot=00:1f.2, port=2, lba=0-99, keyfile=\\k",
			       &r, &e), 0);
	assert_false(storage_range_names_ata(&r));
}

struct bad_case {
	const char *line;
	const char *text;	/* expected storage_format_error output */
};

static const struct bad_case bad[] = {
	{ "slot=00:04.0, nsid=1, lba=2048-*, keyfile=\\k, speed=3",
	  "storage.encrypt line 7, column 47: unknown item: 'speed'" },
	{ "slot=00:4.0, nsid=1, lba=1-2, keyfile=\\k",
	  "storage.encrypt line 7, column 6: slot: expected BB:DD.F (hex): '00:4.0'" },
	{ "slot=00:20.0, nsid=1, lba=1-2, keyfile=\\k",
	  "storage.encrypt line 7, column 6: slot: expected BB:DD.F (hex): '00:20.0'" },
	{ "slot=00:04.0, nsid=0, lba=1-2, keyfile=\\k",
	  "storage.encrypt line 7, column 20: nsid: expected a namespace ID from "
	  "1 to 4294967294: '0'" },
	{ "slot=00:04.0, nsid=1, lba=9-2, keyfile=\\k",
	  "storage.encrypt line 7, column 27: lba: expected FIRST-LAST or "
	  "FIRST-* (FIRST <= LAST): '9-2'" },
	{ "slot=00:04.0, nsid=1, lba=*-2, keyfile=\\k",
	  "storage.encrypt line 7, column 27: lba: expected FIRST-LAST or "
	  "FIRST-* (FIRST <= LAST): '*-2'" },
	{ "slot=00:04.0, nsid=1, lba=1-2, keyfile=k.bin",
	  "storage.encrypt line 7, column 40: keyfile: expected an absolute "
	  "path (\\DIR\\FILE): 'k.bin'" },
	{ "slot=00:04.0, nsid=1, lba=1-2, keyfile=\\a\\\\b",
	  "storage.encrypt line 7, column 40: keyfile: expected an absolute "
	  "path (\\DIR\\FILE): '\\a\\\\b'" },
	{ "slot=00:04.0, nsid=1, nsid=2, lba=1-2, keyfile=\\k",
	  "storage.encrypt line 7, column 23: given twice: 'nsid'" },
	{ "slot=00:04.0, nsid=1,, lba=1-2, keyfile=\\k",
	  "storage.encrypt line 7, column 22: empty item: ''" },
	{ "slot=00:04.0, nsid, lba=1-2, keyfile=\\k",
	  "storage.encrypt line 7, column 15: expected name=value: 'nsid'" },
	{ "nsid=1, lba=1-2, keyfile=\\k",
	  "storage.encrypt line 7: missing slot= (or model=/serial=)" },
	{ "slot=00:04.0, lba=1-2, keyfile=\\k",
	  "storage.encrypt line 7: missing nsid= (or port=)" },
	{ "slot=00:1f.2, port=32, lba=1-2, keyfile=\\k",
	  "storage.encrypt line 7, column 20: port: expected an AHCI port from "
	  "0 to 31: '32'" },
	{ "slot=00:1f.2, port=-1, lba=1-2, keyfile=\\k",
	  "storage.encrypt line 7, column 20: port: expected an AHCI port from "
	  "0 to 31: '-1'" },
	{ "slot=00:1f.2, port=1, nsid=1, lba=1-2, keyfile=\\k",
	  "storage.encrypt line 7: give nsid= (NVMe) or port= (AHCI), not both" },
	{ "serial=x, port=1, lba=1-2, keyfile=\\k",
	  "storage.encrypt line 7: port= needs slot=" },
	{ "slot=00:1f.2, port=1, port=2, lba=1-2, keyfile=\\k",
	  "storage.encrypt line 7, column 23: given twice: 'port'" },
	{ "slot=00:04.0, nsid=1, keyfile=\\k",
	  "storage.encrypt line 7: missing lba=" },
	{ "slot=00:04.0, nsid=1, lba=1-2",
	  "storage.encrypt line 7: missing keyfile=" },
	{ "slot=00:04.0, serial=x, nsid=1, lba=1-2, keyfile=\\k",
	  "storage.encrypt line 7: name the device by slot= or by "
	  "model=/serial=, not both" },
	{ "model=QEMU HARDDISK, port=2, lba=1-2, keyfile=\\k",
	  "storage.encrypt line 7: port= needs slot=" },
	{ "model=QEMU HARDDISK, lba=1-2",
	  "storage.encrypt line 7: missing keyfile=" },
	{ "serial=tvsata2, keyfile=\\k",
	  "storage.encrypt line 7: missing lba=" },
	{ "model=12345678901234567890123456789012345678901, lba=1-2, keyfile=\\k",
	  "storage.encrypt line 7, column 7: model: expected 1 to 40 "
	  "characters: '12345678901234567890123456789012345678901'" },
	{ "serial=123456789012345678901, nsid=1, lba=1-2, keyfile=\\k",
	  "storage.encrypt line 7, column 8: serial: expected 1 to 20 "
	  "characters: '123456789012345678901'" },
};

static void test_errors(void **state)
{
	struct storage_range r;
	struct storage_error e;
	char msg[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(parse(bad[i].line, &r, &e), -EINVAL);
		storage_format_error(&e, msg, sizeof(msg));
		if (strcmp(msg, bad[i].text))
			fail_msg("case %zu: got\n  %s\nwant\n  %s", i, msg,
				 bad[i].text);
	}
	assert_int_equal(storage_parse_line("x", 1, 1, &r, NULL), -EINVAL);
}

static void set_lines(struct tv_config *cfg, const char *const *lines, u32 n)
{
	u32 i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < n; i++)
		snprintf(cfg->storage_encrypt[i], TV_CONFIG_ENTRY_MAX, "%s",
			 lines[i]);
	cfg->storage_encrypt_count = n;
}

static void test_overlap(void **state)
{
	static struct tv_config cfg;
	struct storage_range r[STORAGE_RANGES_MAX];
	struct storage_error e;
	char msg[256];
	u32 n;
	const char *ok[] = {
		"slot=00:04.0, nsid=1, lba=0-2047, keyfile=\\a",
		"slot=00:04.0, nsid=1, lba=4096-*, keyfile=\\b",
		"slot=00:04.0, nsid=2, lba=0-*, keyfile=\\b",
		"slot=00:05.0, nsid=1, lba=0-*, keyfile=\\b",
		"serial=A, nsid=1, lba=0-*, keyfile=\\b",
		"serial=B, nsid=1, lba=0-*, keyfile=\\b",
	};
	const char *overlap[] = {
		"slot=00:04.0, nsid=1, lba=0-2047, keyfile=\\a",
		"slot=00:04.0, nsid=1, lba=2047-*, keyfile=\\b",
	};
	const char *overlap2[] = {
		"model=M, nsid=1, lba=10-20, keyfile=\\a",
		"serial=A, nsid=1, lba=20-20, keyfile=\\b",
	};

	set_lines(&cfg, ok, ARRAY_SIZE(ok));
	assert_int_equal(storage_parse_config(&cfg, r, &n, &e), 0);
	assert_int_equal(n, ARRAY_SIZE(ok));
	set_lines(&cfg, overlap, 2);
	assert_int_equal(storage_parse_config(&cfg, r, &n, &e), -EINVAL);
	assert_int_equal(n, 0);
	storage_format_error(&e, msg, sizeof(msg));
	assert_string_equal(msg, "storage.encrypt line 2: lba range overlaps "
			    "line 1's on the same namespace");
	set_lines(&cfg, overlap2, 2);
	assert_int_equal(storage_parse_config(&cfg, r, &n, &e), -EINVAL);
	/* A syntax error on a later line is reported with its number. */
	ok[3] = "slot=00:05.0, nsid=1, lba=0-*";
	set_lines(&cfg, ok, ARRAY_SIZE(ok));
	assert_int_equal(storage_parse_config(&cfg, r, &n, &e), -EINVAL);
	assert_int_equal(e.line, 4);
}

static void test_overlap_ports(void **state)
{
	static struct tv_config cfg;
	struct storage_range r[STORAGE_RANGES_MAX];
	struct storage_error e;
	char msg[256];
	u32 n;
	const char *ok[] = {
		"slot=00:1f.2, port=1, lba=0-2047, keyfile=\\a",
		"slot=00:1f.2, port=1, lba=2048-*, keyfile=\\b",
		"slot=00:1f.2, port=2, lba=0-*, keyfile=\\b",
		"slot=00:1f.3, port=1, lba=0-*, keyfile=\\b",
		"slot=00:04.0, nsid=1, lba=0-*, keyfile=\\b",
	};
	const char *overlap[] = {
		"slot=00:1f.2, port=3, lba=100-200, keyfile=\\a",
		"slot=00:1f.2, port=3, lba=200-*, keyfile=\\b",
	};
	const char *mixed[] = {
		"slot=00:1f.2, port=3, lba=100-200, keyfile=\\a",
		"slot=00:1f.2, nsid=3, lba=300-*, keyfile=\\b",
	};

	set_lines(&cfg, ok, ARRAY_SIZE(ok));
	assert_int_equal(storage_parse_config(&cfg, r, &n, &e), 0);
	assert_int_equal(n, ARRAY_SIZE(ok));
	set_lines(&cfg, overlap, 2);
	assert_int_equal(storage_parse_config(&cfg, r, &n, &e), -EINVAL);
	storage_format_error(&e, msg, sizeof(msg));
	assert_string_equal(msg, "storage.encrypt line 2: lba range overlaps "
			    "line 1's on the same port");
	set_lines(&cfg, mixed, 2);
	assert_int_equal(storage_parse_config(&cfg, r, &n, &e), -EINVAL);
	storage_format_error(&e, msg, sizeof(msg));
	assert_string_equal(msg, "storage.encrypt line 2: slot has nsid= and "
			    "port= lines (line 1)");
}

static void test_overlap_ata(void **state)
{
	static struct tv_config cfg;
	struct storage_range r[STORAGE_RANGES_MAX];
	struct storage_error e;
	char msg[256];
	u32 n;
	const char *ok[] = {
		"serial=A, lba=0-2047, keyfile=\\a",
		"serial=A, lba=2048-*, keyfile=\\b",
		"serial=B, lba=0-*, keyfile=\\b",
		"serial=A, nsid=1, lba=0-*, keyfile=\\b",	/* NVMe */
		"slot=00:1f.2, port=1, lba=0-*, keyfile=\\b",	/* at match */
		"model=M, serial=C, lba=0-*, keyfile=\\b",
	};
	const char *overlap[] = {
		"serial=A, lba=0-2047, keyfile=\\a",
		"model=M, lba=2047-*, keyfile=\\b",
	};

	set_lines(&cfg, ok, ARRAY_SIZE(ok));
	assert_int_equal(storage_parse_config(&cfg, r, &n, &e), 0);
	assert_int_equal(n, ARRAY_SIZE(ok));
	set_lines(&cfg, overlap, 2);
	assert_int_equal(storage_parse_config(&cfg, r, &n, &e), -EINVAL);
	storage_format_error(&e, msg, sizeof(msg));
	assert_string_equal(msg, "storage.encrypt line 2: lba range overlaps "
			    "line 1's on the same disk");
}

static void test_range_at(void **state)
{
	struct storage_range a = { .lba_first = 100, .lba_last = 199 };
	struct storage_range b = { .lba_first = 300,
				   .lba_last = STORAGE_LBA_END };
	const struct storage_range *list[] = { &b, &a };
	u64 run;

	assert_null(storage_range_at(list, 2, 0, 1000, &run));
	assert_int_equal(run, 100);
	assert_ptr_equal(storage_range_at(list, 2, 100, 1000, &run), &a);
	assert_int_equal(run, 100);
	assert_ptr_equal(storage_range_at(list, 2, 150, 8, &run), &a);
	assert_int_equal(run, 8);
	assert_ptr_equal(storage_range_at(list, 2, 199, 8, &run), &a);
	assert_int_equal(run, 1);
	assert_null(storage_range_at(list, 2, 200, 1000, &run));
	assert_int_equal(run, 100);
	assert_ptr_equal(storage_range_at(list, 2, ~0ULL - 1, ~0ULL, &run), &b);
	assert_int_equal(run, 2);
	assert_null(storage_range_at(list, 0, 5, 7, &run));
	assert_int_equal(run, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_line),
		cmocka_unit_test(test_port),
		cmocka_unit_test(test_model_serial),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_overlap_ports),
		cmocka_unit_test(test_ata_disk),
		cmocka_unit_test(test_overlap_ata),
		cmocka_unit_test(test_range_at),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
