/* tv_snprintf against the C library's snprintf on the same formats. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>
#include <tv/env.h>
#include <tv/fmt.h>

#define CHECK(...) do { \
	char a[128], b[128]; \
	int na = tv_snprintf(a, sizeof(a), __VA_ARGS__); \
	int nb = snprintf(b, sizeof(b), __VA_ARGS__); \
	assert_string_equal(a, b); \
	assert_int_equal(na, nb); \
} while (0)

static void test_matches_libc(void **state)
{
	CHECK("plain");
	CHECK("%d %i %u", -42, 7, 4000000000u);
	CHECK("%x %X %08x %-6x|", 0xbeef, 0xbeef, 0x2f8, 0x1f);
	CHECK("%lx %llx %016llx", 0xffffffffffUL, 0x8000000000000000ULL,
	      0x1234ULL);
	CHECK("%lld %ld", -9223372036854775807LL - 1, -1L);
	CHECK("%zu %zx", (size_t)123, (size_t)0xabc);
	CHECK("%s|%8s|%-8s|%.3s|%.*s", "abc", "ab", "ab", "abcdef", 2, "xyz");
	CHECK("%c%c %% %5d|%-5d|%05d", 'o', 'k', 42, 42, -42);
	CHECK("%*d|", 6, 9);
	CHECK("%p", (void *)0x1000);
}

static void prefixed(char *buf, size_t size, const char *prefix,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tv_prefixed_vsnprintf(buf, size, prefix, fmt, ap);
	va_end(ap);
}

static void test_prefixed(void **state)
{
	char buf[16];

	prefixed(buf, sizeof(buf), "ahci", "port %u", 3);
	assert_string_equal(buf, "ahci: port 3");
	prefixed(buf, sizeof(buf), "nvme_crypt 00:04.0", "x%d", 1);
	assert_string_equal(buf, "x1");	/* prefix does not fit */
	prefixed(buf, 8, "ab", "%s", "long message");
	assert_string_equal(buf, "ab: lon");
}

static void test_truncates(void **state)
{
	char b[8];

	assert_int_equal(tv_snprintf(b, sizeof(b), "%s", "0123456789"), 10);
	assert_string_equal(b, "0123456");
	assert_int_equal(tv_snprintf(b, 1, "x%d", 5), 2);
	assert_string_equal(b, "");
	assert_int_equal(tv_snprintf(NULL, 0, "abc"), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matches_libc),
		cmocka_unit_test(test_truncates),
		cmocka_unit_test(test_prefixed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
