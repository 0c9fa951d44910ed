/*
 * lib/x86/msi.c: MSI messages (Intel SDM Vol. 3 §11.11) as the IPI the
 * hypervisor sends on a device's behalf, and the messages it refuses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <tv/env.h>
#include <tv/x86_msi.h>

static void test_fixed_physical(void **state)
{
	struct x86_msi_ipi ipi;

	assert_int_equal(x86_msi_decode(0xfee03000, 0x4041, &ipi), 0);
	assert_int_equal(ipi.dest, 3);
	assert_false(ipi.logical);
	assert_int_equal(ipi.vector, 0x41);
	/* Redirection hint and level/trigger bits do not change the IPI. */
	assert_int_equal(x86_msi_decode(0xfeeff008, 0xc0ef, &ipi), 0);
	assert_int_equal(ipi.dest, 0xff);
	assert_int_equal(ipi.vector, 0xef);
}

static void test_lowest_priority_logical(void **state)
{
	struct x86_msi_ipi ipi;

	assert_int_equal(x86_msi_decode(0xfee0200c, 0x0123, &ipi), 0);
	assert_true(ipi.logical);
	assert_int_equal(ipi.dest, 2);
	assert_int_equal(ipi.vector, 0x23);
}

static void test_refused(void **state)
{
	struct x86_msi_ipi ipi;

	/* Not the interrupt window, above 4 GiB, all ones (no table). */
	assert_int_equal(x86_msi_decode(0xfed00000, 0x41, &ipi), -EINVAL);
	assert_int_equal(x86_msi_decode(0x1fee00000ULL, 0x41, &ipi), -EINVAL);
	assert_int_equal(x86_msi_decode(0xffffffffffffffffULL, 0xffffffff, &ipi),
			 -EINVAL);
	assert_int_equal(x86_msi_decode(0, 0, &ipi), -EINVAL);
	/* SMI, NMI, INIT, ExtINT, reserved delivery modes. */
	assert_int_equal(x86_msi_decode(0xfee00000, 0x241, &ipi), -ENOTSUP);
	assert_int_equal(x86_msi_decode(0xfee00000, 0x441, &ipi), -ENOTSUP);
	assert_int_equal(x86_msi_decode(0xfee00000, 0x541, &ipi), -ENOTSUP);
	assert_int_equal(x86_msi_decode(0xfee00000, 0x741, &ipi), -ENOTSUP);
	assert_int_equal(x86_msi_decode(0xfee00000, 0x341, &ipi), -ENOTSUP);
	/* Vectors 0-15 are illegal. */
	assert_int_equal(x86_msi_decode(0xfee00000, 0x0f, &ipi), -EINVAL);
	assert_int_equal(x86_msi_decode(0xfee00000, 0x10, &ipi), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_physical),
		cmocka_unit_test(test_lowest_priority_logical),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
