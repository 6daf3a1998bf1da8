/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_kern_debug.c - tests of kpi_shim/kern/kern_debug.c (kernel world):
 * panic() formats with the kernel printf and ends in a simulated panic;
 * assert() (built here with MACH_ASSERT) and Assert() name file, line and
 * expression; PE_enter_debugger()/Debugger() print, warn and continue.
 */
#define MACH_ASSERT 1
#include <nke_svc.h> /* first: KERNEL_PRIVATE */
#include <sys/types.h>
#include <string.h>
#include <kern/assert.h>
#include <kern/debug.h>
#include <pexpert/pexpert.h>
#include "nkt.h"

#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"

static void
do_panic(void *arg)
{
	panic("bad mac %6D in %s", (const unsigned char *)arg, ":", "test");
}

static void
do_assert(void *arg)
{
	int x = *(int *)arg;

	assert(x == 1);
}

static void
do_Assert(void *arg)
{
	(void)arg;
	Assert("file.c", 12, "p != NULL");
}

static void
test_panic_formats_kernel_printf(void)
{
	static const unsigned char mac[6] = {0, 0x11, 0x22, 0x33, 0x44, 0x55};

	KT_EXPECT_PANIC(do_panic, (void *)mac, "bad mac 00:11:22:33:44:55 in test");
}

static void
test_assert(void)
{
	int one = 1, two = 2;

	do_assert(&one);
	KT_EXPECT_PANIC(do_assert, &two, "test_kern_debug.c:");
	KT_EXPECT_PANIC(do_assert, &two, "Assertion failed: x == 1");
	KT_EXPECT_PANIC(do_Assert, NULL, "file.c:12 Assertion failed: p != NULL");
}

static void
test_debugger_entry_continues(void)
{
	uint32_t flags = 7;
	int v = 0;

	NKT_console_reset();
	PE_enter_debugger("look here");
	Debugger("and here");
	KT_ASSERT(strstr(NKT_console(), "PE_enter_debugger: look here\n") != NULL);
	KT_ASSERT(strstr(NKT_console(), "Debugger: and here\n") != NULL);
	KT_ASSERT_EQ(NKT_warnings("debugger"), 2);
	KT_ASSERT_EQ(PE_i_can_has_debugger(&flags), 0);
	KT_ASSERT_EQ(flags, 0);
	KT_ASSERT(!PE_parse_boot_argn("debug", &v, sizeof(v)));
	KT_ASSERT_EQ(panic_active(), 0);
}

NKT_CASES(NKT_CASE(test_panic_formats_kernel_printf), NKT_CASE(test_assert),
    NKT_CASE(test_debugger_entry_continues));
