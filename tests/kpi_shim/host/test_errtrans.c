/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_errtrans.c - tests of kpi_shim/host/errtrans.c (host world): Darwin
 * errno values translate to the host's and back, with names.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nke_host.h"

static void
test_darwin_to_host(void **state)
{
	(void)state;
	assert_int_equal(nke_errno_host(1), EPERM);
	assert_int_equal(nke_errno_host(35), EAGAIN);
	assert_int_equal(nke_errno_host(45), ENOTSUP);
	assert_int_equal(nke_errno_host(55), ENOBUFS);
	assert_int_equal(nke_errno_host(102), EOPNOTSUPP);
	assert_int_equal(nke_errno_host(0), 0);
	assert_int_equal(nke_errno_host(-2), -2); /* EJUSTRETURN passes through */
	assert_int_equal(nke_errno_host(9999), EIO);
}

static void
test_host_to_darwin(void **state)
{
	(void)state;
	assert_int_equal(nke_errno_darwin(EAGAIN), 35);
	assert_int_equal(nke_errno_darwin(ENOBUFS), 55);
	assert_int_equal(nke_errno_darwin(ENOTCONN), 57);
	assert_int_equal(nke_errno_darwin(EINVAL), 22);
	assert_int_equal(nke_errno_darwin(0), 0);
}

static void
test_names(void **state)
{
	int i;

	(void)state;
	assert_string_equal(nke_errno_name(1), "EPERM");
	assert_string_equal(nke_errno_name(35), "EAGAIN");
	assert_string_equal(nke_errno_name(103), "ENOPOLICY");
	assert_string_equal(nke_errno_name(106), "EQFULL");
	assert_string_equal(nke_errno_name(-2), "EJUSTRETURN");
	assert_string_equal(nke_errno_name(0), "0");
	assert_null(nke_errno_name(107));
	assert_null(nke_errno_name(-3));
	/* The table is dense: every Darwin value 1..106 has a name and maps back. */
	for (i = 1; i <= 106; i++) {
		assert_non_null(nke_errno_name(i));
		assert_true(nke_errno_host(i) > 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_darwin_to_host),
		cmocka_unit_test(test_host_to_darwin),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
