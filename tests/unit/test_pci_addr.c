/*
 * Unit tests of lib/pci/addr.c: the 0xCF8 format (enable bit, bus,
 * device, function, register, AMD's extended register bits only when
 * enabled), data-port lanes, MCFG windows that start above bus 0, ECAM
 * decoding and encoding, and the validation in front of the access ops.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <tv/env.h>
#include <tv/pci.h>

static void test_cf8_decode_fields(void **state)
{
	struct pci_cf8 c;

	/* bus 0x01, dev 4, fn 3, reg 0x44; bits 1:0 are ignored. */
	pci_cf8_decode(0x80012347, false, &c);
	assert_true(c.enabled);
	assert_int_equal(c.bus, 0x01);
	assert_int_equal(c.dev, 4);
	assert_int_equal(c.fn, 3);
	assert_int_equal(c.reg, 0x44);
	pci_cf8_decode(0x7ffff8fc, false, &c);
	assert_false(c.enabled);
	assert_int_equal(c.bus, 0xff);
	assert_int_equal(c.dev, 31);
	assert_int_equal(c.fn, 0);
	assert_int_equal(c.reg, 0xfc);
}

static void test_cf8_amd_extended_bits(void **state)
{
	struct pci_cf8 c;

	/* Bits 27:24 = 0xa: offset bits 11:8 only with EnableCf8ExtCfg. */
	pci_cf8_decode(0x8a000010, true, &c);
	assert_int_equal(c.reg, 0xa10);
	pci_cf8_decode(0x8a000010, false, &c);
	assert_int_equal(c.reg, 0x010);
	/* Reserved bits 30:28 never leak into the offset or the bus. */
	pci_cf8_decode(0xf0050010, true, &c);
	assert_int_equal(c.reg, 0x010);
	assert_int_equal(c.bus, 0x05);
}

static void test_cf8_encode_roundtrip(void **state)
{
	static const u16 offs[] = { 0, 4, 0x3c, 0xfc, 0x100, 0x7fc, 0xffc };
	struct pci_cf8 c;
	unsigned int bus, dev, fn, i;
	u32 v;

	for (bus = 0; bus < 256; bus += 17)
		for (dev = 0; dev < 32; dev += 5)
			for (fn = 0; fn < 8; fn++)
				for (i = 0; i < ARRAY_SIZE(offs); i++) {
					v = pci_cf8_encode(bus, dev, fn, offs[i], true);
					pci_cf8_decode(v, true, &c);
					assert_true(c.enabled);
					assert_int_equal(c.bus, bus);
					assert_int_equal(c.dev, dev);
					assert_int_equal(c.fn, fn);
					assert_int_equal(c.reg, offs[i]);
				}
	/* Without the extension the high offset bits are not encoded. */
	assert_int_equal(pci_cf8_encode(0, 0, 0, 0x104, false), 0x80000004);
}

static void test_cf8_data_port_lanes(void **state)
{
	u32 cf8 = pci_cf8_encode(2, 3, 1, 0x40, false);
	struct pci_bdf b;
	u16 off;

	assert_int_equal(pci_cf8_data_access(cf8, false, 0xcfc, 4, 7, &b, &off), 0);
	assert_int_equal(b.seg, 7);
	assert_int_equal(b.bus, 2);
	assert_int_equal(b.dev, 3);
	assert_int_equal(b.fn, 1);
	assert_int_equal(off, 0x40);
	assert_int_equal(pci_cf8_data_access(cf8, false, 0xcfd, 1, 0, &b, &off), 0);
	assert_int_equal(off, 0x41);
	assert_int_equal(pci_cf8_data_access(cf8, false, 0xcfe, 2, 0, &b, &off), 0);
	assert_int_equal(off, 0x42);
	assert_int_equal(pci_cf8_data_access(cf8, false, 0xcff, 1, 0, &b, &off), 0);
	assert_int_equal(off, 0x43);
	/* Accesses that leave the 0xCFC..0xCFF window or are unaligned. */
	assert_int_equal(pci_cf8_data_access(cf8, false, 0xcfd, 2, 0, &b, &off),
			 -EINVAL);
	assert_int_equal(pci_cf8_data_access(cf8, false, 0xcfe, 4, 0, &b, &off),
			 -EINVAL);
	assert_int_equal(pci_cf8_data_access(cf8, false, 0xcfb, 1, 0, &b, &off),
			 -EINVAL);
	assert_int_equal(pci_cf8_data_access(cf8, false, 0xd00, 1, 0, &b, &off),
			 -EINVAL);
	assert_int_equal(pci_cf8_data_access(cf8, false, 0xcfc, 3, 0, &b, &off),
			 -EINVAL);
	/* Enable bit clear: not a configuration access. */
	assert_int_equal(pci_cf8_data_access(cf8 & ~0x80000000u, false, 0xcfc,
					     4, 0, &b, &off), -ENODEV);
}

static void test_cf8_data_port_extended(void **state)
{
	u32 cf8 = pci_cf8_encode(0, 1, 0, 0x2f0, true);
	struct pci_bdf b;
	u16 off;

	assert_int_equal(pci_cf8_data_access(cf8, true, 0xcfe, 2, 0, &b, &off), 0);
	assert_int_equal(off, 0x2f2);
	assert_int_equal(pci_cf8_data_access(cf8, false, 0xcfe, 2, 0, &b, &off), 0);
	assert_int_equal(off, 0xf2);
}

static const struct pci_mcfg mcfg_hi = {
	.base = 0xe0000000, .seg = 1, .start_bus = 0x10, .end_bus = 0x3f,
};

static void test_mcfg_window(void **state)
{
	static const struct pci_mcfg bad = { 0xe0000000, 0, 5, 4 };

	assert_true(pci_mcfg_window_start(&mcfg_hi) == 0xe1000000ULL);
	assert_true(pci_mcfg_window_size(&mcfg_hi) == 0x3000000ULL);
	assert_true(pci_mcfg_window_size(&bad) == 0);
	assert_true(pci_mcfg_covers(&mcfg_hi, 1, 0x10));
	assert_true(pci_mcfg_covers(&mcfg_hi, 1, 0x3f));
	assert_false(pci_mcfg_covers(&mcfg_hi, 1, 0x0f));
	assert_false(pci_mcfg_covers(&mcfg_hi, 1, 0x40));
	assert_false(pci_mcfg_covers(&mcfg_hi, 0, 0x20));
}

static void test_mcfg_find(void **state)
{
	static const struct pci_mcfg table[] = {
		{ 0xb0000000, 0, 0, 0x7f },
		{ 0xc0000000, 0, 0x80, 0xff },
		{ 0xe0000000, 1, 0x10, 0x3f },
	};

	assert_ptr_equal(pci_mcfg_find(table, 3, 0, 0), &table[0]);
	assert_ptr_equal(pci_mcfg_find(table, 3, 0, 0x80), &table[1]);
	assert_ptr_equal(pci_mcfg_find(table, 3, 1, 0x20), &table[2]);
	assert_null(pci_mcfg_find(table, 3, 1, 0x05));
	assert_null(pci_mcfg_find(table, 3, 2, 0));
	assert_null(pci_mcfg_find(table, 0, 0, 0));
}

static void test_ecam_decode(void **state)
{
	struct pci_bdf b;
	u16 off;
	u64 phys = 0xe0000000ULL + (0x12ULL << 20) + (3 << 15) + (5 << 12) +
		   0x104;

	assert_int_equal(pci_ecam_decode(&mcfg_hi, phys, 4, &b, &off), 0);
	assert_int_equal(b.seg, 1);
	assert_int_equal(b.bus, 0x12);
	assert_int_equal(b.dev, 3);
	assert_int_equal(b.fn, 5);
	assert_int_equal(off, 0x104);
	assert_int_equal(pci_ecam_decode(&mcfg_hi, phys + 3, 1, &b, &off), 0);
	assert_int_equal(off, 0x107);
	assert_int_equal(pci_ecam_decode(&mcfg_hi, phys + 0xefa, 2, &b, &off), 0);
	assert_int_equal(off, 0xffe);
	/* Misaligned or bad sizes. */
	assert_int_equal(pci_ecam_decode(&mcfg_hi, phys + 1, 2, &b, &off), -EINVAL);
	assert_int_equal(pci_ecam_decode(&mcfg_hi, phys + 2, 4, &b, &off), -EINVAL);
	assert_int_equal(pci_ecam_decode(&mcfg_hi, phys, 8, &b, &off), -EINVAL);
	/* Below the first bus (base is bus 0) and past the last one. */
	assert_int_equal(pci_ecam_decode(&mcfg_hi, 0xe0f00000ULL, 4, &b, &off),
			 -ERANGE);
	assert_int_equal(pci_ecam_decode(&mcfg_hi, 0xe4000000ULL, 4, &b, &off),
			 -ERANGE);
	assert_int_equal(pci_ecam_decode(&mcfg_hi, 0xe3fffffcULL, 4, &b, &off), 0);
	assert_int_equal(b.bus, 0x3f);
	assert_int_equal(off, 0xffc);
}

static void test_ecam_address_roundtrip(void **state)
{
	struct pci_bdf b = { 1, 0, 0, 0 }, o;
	unsigned int bus, dev, fn;
	u64 phys;
	u16 off;

	for (bus = 0x10; bus <= 0x3f; bus += 7)
		for (dev = 0; dev < 32; dev++)
			for (fn = 0; fn < 8; fn++) {
				b.bus = bus;
				b.dev = dev;
				b.fn = fn;
				assert_int_equal(pci_ecam_address(&mcfg_hi, &b,
								  0x7fc, &phys), 0);
				assert_int_equal(pci_ecam_decode(&mcfg_hi, phys, 4,
								 &o, &off), 0);
				assert_int_equal(o.bus, bus);
				assert_int_equal(o.dev, dev);
				assert_int_equal(o.fn, fn);
				assert_int_equal(off, 0x7fc);
			}
	b.bus = 0x40;
	assert_int_equal(pci_ecam_address(&mcfg_hi, &b, 0, &phys), -ERANGE);
	b.bus = 0x10;
	b.seg = 0;
	assert_int_equal(pci_ecam_address(&mcfg_hi, &b, 0, &phys), -ERANGE);
	b.seg = 1;
	assert_int_equal(pci_ecam_address(&mcfg_hi, &b, 0x1000, &phys), -ERANGE);
}

static void test_access_ok(void **state)
{
	assert_true(pci_cfg_access_ok(0, 4));
	assert_true(pci_cfg_access_ok(0xffc, 4));
	assert_true(pci_cfg_access_ok(0xffe, 2));
	assert_true(pci_cfg_access_ok(0xfff, 1));
	assert_false(pci_cfg_access_ok(0x1000, 1));
	assert_false(pci_cfg_access_ok(2, 4));
	assert_false(pci_cfg_access_ok(1, 2));
	assert_false(pci_cfg_access_ok(0, 3));
	assert_false(pci_cfg_access_ok(0, 8));
	assert_false(pci_cfg_access_ok(0, 0));
}

/* Ops that record what reached "hardware". */
struct rec {
	int calls;
	u16 off;
	unsigned int size;
	u32 val;
};

static int rec_read(void *ctx, u16 seg, u8 bus, u8 dev, u8 fn, u16 off,
		    unsigned int size, u32 *val)
{
	struct rec *r = ctx;

	r->calls++;
	r->off = off;
	r->size = size;
	*val = 0xa5a5a5a5;	/* junk above size: must be masked */
	return 0;
}

static int rec_write(void *ctx, u16 seg, u8 bus, u8 dev, u8 fn, u16 off,
		     unsigned int size, u32 val)
{
	struct rec *r = ctx;

	r->calls++;
	r->val = val;
	return 0;
}

static const struct pci_access_ops rec_ops = { rec_read, rec_write };

static void test_cfg_read_write_checks(void **state)
{
	struct rec r = { 0 };
	struct pci_access a = { &rec_ops, &r };
	struct pci_bdf b = { 0, 1, 2, 3 };
	u32 v = 0;

	assert_int_equal(pci_cfg_read(&a, &b, 2, 1, &v), 0);
	assert_int_equal(v, 0xa5);
	assert_int_equal(pci_cfg_read(&a, &b, 2, 2, &v), 0);
	assert_int_equal(v, 0xa5a5);
	assert_int_equal(r.calls, 2);
	assert_int_equal(pci_cfg_write(&a, &b, 4, 2, 0x12345678), 0);
	assert_int_equal(r.val, 0x5678);
	assert_int_equal(pci_cfg_read(&a, &b, 3, 2, &v), -EINVAL);
	assert_int_equal(pci_cfg_write(&a, &b, 0x1000, 1, 0), -EINVAL);
	b.dev = 32;
	assert_int_equal(pci_cfg_read(&a, &b, 0, 4, &v), -EINVAL);
	b.dev = 0;
	b.fn = 8;
	assert_int_equal(pci_cfg_write(&a, &b, 0, 4, 0), -EINVAL);
	assert_int_equal(r.calls, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cf8_decode_fields),
		cmocka_unit_test(test_cf8_amd_extended_bits),
		cmocka_unit_test(test_cf8_encode_roundtrip),
		cmocka_unit_test(test_cf8_data_port_lanes),
		cmocka_unit_test(test_cf8_data_port_extended),
		cmocka_unit_test(test_mcfg_window),
		cmocka_unit_test(test_mcfg_find),
		cmocka_unit_test(test_ecam_decode),
		cmocka_unit_test(test_ecam_address_roundtrip),
		cmocka_unit_test(test_access_ok),
		cmocka_unit_test(test_cfg_read_write_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
