/*
 * Unit tests of include/tv/strparse.h: decimal and hex unsigned parsing
 * with overflow detection, signed parsing over the full s64 and 32-bit int
 * ranges (the seed mis-checked -0x80000000), and booleans.  Every case
 * checks both the return code and that *out is left alone on failure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <cmocka.h>

#include <tv/env.h>
#include <tv/strparse.h>

static void test_u64_decimal_and_hex(void **state)
{
	u64 v = 1;

	assert_int_equal(tv_parse_u64("0", 1, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(tv_parse_u64("760", 3, &v), 0);
	assert_int_equal(v, 760);
	assert_int_equal(tv_parse_u64("0x2f8", 5, &v), 0);
	assert_int_equal(v, 0x2f8);
	assert_int_equal(tv_parse_u64("0X2F8", 5, &v), 0);
	assert_int_equal(v, 0x2f8);
	/* Leading zeros are decimal, never octal. */
	assert_int_equal(tv_parse_u64("010", 3, &v), 0);
	assert_int_equal(v, 10);
	/* Only len bytes are read. */
	assert_int_equal(tv_parse_u64("1234", 2, &v), 0);
	assert_int_equal(v, 12);
}

static void test_u64_limits(void **state)
{
	u64 v = 0;

	assert_int_equal(tv_parse_u64("18446744073709551615", 20, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(tv_parse_u64("0xffffffffffffffff", 18, &v), 0);
	assert_true(v == UINT64_MAX);
	v = 7;
	assert_int_equal(tv_parse_u64("18446744073709551616", 20, &v), -ERANGE);
	assert_int_equal(tv_parse_u64("99999999999999999999", 20, &v), -ERANGE);
	assert_int_equal(tv_parse_u64("0x10000000000000000", 19, &v), -ERANGE);
	/* Junk after an overflowing prefix is still junk. */
	assert_int_equal(tv_parse_u64("99999999999999999999x", 21, &v), -EINVAL);
	assert_int_equal(v, 7);
}

static void test_u64_malformed(void **state)
{
	static const char *const bad[] = {
		"", "0x", "0X", "x1", "12a", "0x1g", " 1", "1 ", "-1", "+1",
		"1_000", "0b101", "1.5",
	};
	u64 v = 42;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (tv_parse_u64(bad[i], strlen(bad[i]), &v) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
	}
	assert_int_equal(v, 42);
}

/* ---- tv_parse_s64 / tv_parse_int ---- */

static void test_s64_full_range(void **state)
{
	s64 v = 0;

	assert_int_equal(tv_parse_s64("-9223372036854775808", 20, &v), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(tv_parse_s64("-0x8000000000000000", 19, &v), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(tv_parse_s64("9223372036854775807", 19, &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(tv_parse_s64("+0x7fffffffffffffff", 19, &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(tv_parse_s64("-5", 2, &v), 0);
	assert_true(v == -5);
	assert_int_equal(tv_parse_s64("9223372036854775808", 19, &v), -ERANGE);
	assert_int_equal(tv_parse_s64("0x8000000000000000", 18, &v), -ERANGE);
	assert_int_equal(tv_parse_s64("-9223372036854775809", 20, &v), -ERANGE);
	assert_int_equal(tv_parse_s64("-", 1, &v), -EINVAL);
	assert_int_equal(tv_parse_s64("--1", 3, &v), -EINVAL);
}

static void test_int_extremes(void **state)
{
	int v = 1;

	assert_int_equal(tv_parse_int("2147483647", 10, &v), 0);
	assert_int_equal(v, INT_MAX);
	assert_int_equal(tv_parse_int("0x7fffffff", 10, &v), 0);
	assert_int_equal(v, INT_MAX);
	assert_int_equal(tv_parse_int("-2147483648", 11, &v), 0);
	assert_int_equal(v, INT_MIN);
	v = 1;
	/* The seed's bug: -0x80000000 must be INT_MIN, not rejected. */
	assert_int_equal(tv_parse_int("-0x80000000", 11, &v), 0);
	assert_int_equal(v, INT_MIN);
	assert_int_equal(tv_parse_int("-0", 2, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(tv_parse_int("+17", 3, &v), 0);
	assert_int_equal(v, 17);
	assert_int_equal(tv_parse_int("-0x10", 5, &v), 0);
	assert_int_equal(v, -16);
}

static void test_int_overflow(void **state)
{
	static const char *const over[] = {
		"2147483648", "0x80000000", "-2147483649", "-0x80000001",
		"4294967295", "0xffffffff", "4294967296", "-4294967296",
		"99999999999999999999", "-99999999999999999999",
	};
	int v = 5;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(over); i++) {
		if (tv_parse_int(over[i], strlen(over[i]), &v) != -ERANGE)
			fail_msg("'%s' was not -ERANGE", over[i]);
	}
	assert_int_equal(v, 5);
}

static void test_int_malformed(void **state)
{
	static const char *const bad[] = {
		"", "-", "+", "--1", "-+1", "+-1", " 1", "1 ", "- 1", "0x",
		"-0x", "1-", "abc",
	};
	int v = 5;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (tv_parse_int(bad[i], strlen(bad[i]), &v) != -EINVAL)
			fail_msg("'%s' was not -EINVAL", bad[i]);
	}
	assert_int_equal(v, 5);
}

/* ---- tv_parse_bool ---- */

static void test_bool_forms(void **state)
{
	static const char *const yes[] = { "1", "yes", "YES", "true", "True", "on", "ON" };
	static const char *const no[] = { "0", "no", "No", "false", "FALSE", "off", "oFF" };
	static const char *const bad[] = { "", "2", "y", "n", "yess", "of", "onn", "truefalse" };
	bool b;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		b = false;
		assert_int_equal(tv_parse_bool(yes[i], strlen(yes[i]), &b), 0);
		assert_true(b);
	}
	for (i = 0; i < ARRAY_SIZE(no); i++) {
		b = true;
		assert_int_equal(tv_parse_bool(no[i], strlen(no[i]), &b), 0);
		assert_false(b);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (tv_parse_bool(bad[i], strlen(bad[i]), &b) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
	}
	/* Length-delimited: "on" out of "one". */
	assert_int_equal(tv_parse_bool("one", 2, &b), 0);
	assert_true(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64_decimal_and_hex),
		cmocka_unit_test(test_u64_limits),
		cmocka_unit_test(test_u64_malformed),
		cmocka_unit_test(test_s64_full_range),
		cmocka_unit_test(test_int_extremes),
		cmocka_unit_test(test_int_overflow),
		cmocka_unit_test(test_int_malformed),
		cmocka_unit_test(test_bool_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
