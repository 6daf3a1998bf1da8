/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_subr_prf.c - tests of kpi_shim/kern/subr_prf.c (kernel world): the
 * kernel printf conversions (%D, %b/%B, XNU's width/precision rules),
 * snprintf truncation and return values, and the console KPIs (printf,
 * IOLog, kprintf, log, os_log with its annotations).
 */
#include <sys/types.h>
#include <string.h>
#include <stdarg.h>
#include <libkern/libkern.h>
#include <sys/syslog.h>
#include <IOKit/IOLib.h>
#include <os/log.h>
#include <nke_kern.h>
#include "nkt.h"

/* The kernel conversions are not the C library's: silence gcc's checker. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-overflow"
#endif

static char buf[256];

#define FMT(expect, ...)                                                                   \
	do {                                                                               \
		snprintf(buf, sizeof(buf), __VA_ARGS__);                                   \
		KT_ASSERT_STR_EQ(buf, expect);                                             \
	} while (0)

static void
test_hexdump_D(void)
{
	static const unsigned char mac[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
	static const unsigned char b3[3] = {0xaa, 0xBB, 0x0c};

	FMT("00:11:22:33:44:55", "%6D", mac, ":");
	FMT("aa-bb-0c", "%*D", 3, b3, "-");
	FMT("aabb0c", "%3D", b3, "");
	FMT("mac <00 11>", "mac <%2D>", mac, " ");
	/* XNU prints nothing without a width. */
	FMT("[]", "[%D]", mac, ":");
}

static void
test_bitfields_b(void)
{
	FMT("reg=3<BITTWO,BITONE>", "reg=%b", 3, "\10\2BITTWO\1BITONE");
	FMT("12<EIGHT,TWO>", "%b", 10, "\10\4EIGHT\3FOUR\2TWO\1ONE");
	FMT("0", "%b", 0, "\20\1ONE");
	FMT("b<FIELD1=2,BITTWO,BITONE>", "%b", 0xb, "\20\4\3FIELD1=\2BITTWO\1BITONE");
	FMT("80000001<TOP,BOTTOM>", "%B", 0x80000001u, "\20\1TOP\40BOTTOM");
	FMT("100000000<HIGH>", "%llb", 0x100000000ULL, "\20\41HIGH");
}

static void
test_strings(void)
{
	FMT("abc", "%s", "abc");
	FMT("    ab", "%6s", "ab");
	FMT("ab    |", "%-6s|", "ab");
	FMT("ab", "%.2s", "abcd");
	/* XNU also stops at the field width. */
	FMT("abc", "%3s", "abcdef");
	FMT("[]", "[%s]", (char *)NULL);
	FMT("  xy", "%*s", 4, "xy");
	FMT("xy  |", "%*s|", -4, "xy");
	FMT("A-B", "%c-%c", 'A', 'B');
	FMT("100%", "100%%");
	FMT("y", "%y");
	FMT("abc", "abc%");
}

static void
test_integers(void)
{
	FMT("-42", "%d", -42);
	FMT("-7", "%i", -7);
	FMT("   42", "%5d", 42);
	FMT("42   |", "%-5d|", 42);
	FMT("-0042", "%05d", -42);
	FMT("+5| 5|-5", "%+d|% d|% d", 5, 5, -5);
	FMT("ff FF 0xff 0xFF", "%x %X %#x %#X", 255, 255, 255, 255);
	FMT("10 010 0", "%o %#o %#x", 8, 8, 0);
	FMT("  0xff", "%#6x", 255);
	FMT("0x00ff", "%#06x", 255);
	FMT("4294967295", "%u", 4294967295u);
	FMT("-9223372036854775808", "%lld", (long long)(-9223372036854775807LL - 1));
	FMT("18446744073709551615", "%llu", 18446744073709551615ULL);
	FMT("-1 255 -32768", "%hhd %hhu %hd", 0x1ff, 0x1ff, 0x18000);
	FMT("1099511627776", "%zu", (size_t)1 << 40);
	FMT("-3 -4 -5 6", "%ld %qd %jd %td", -3L, -4LL, (intmax_t)-5, (ptrdiff_t)6);
	/* Numeric precision is ignored by XNU's printf. */
	FMT("5", "%.3d", 5);
	FMT("   7", "%*d", 4, 7);
	FMT("7   |", "%*d|", -4, 7);
	FMT("-5 7", "%r %n", -5, 7);
}

static void
test_pointers(void)
{
	FMT("0x1234", "%p", (void *)0x1234);
	FMT("0", "%p", (void *)0);
}

static void
test_snprintf_truncation(void)
{
	char small[5];
	int n;

	memset(small, 'x', sizeof(small));
	n = snprintf(small, sizeof(small), "hello %s", "world");
	KT_ASSERT_EQ(n, 11);
	KT_ASSERT_STR_EQ(small, "hell");
	memset(small, 'x', sizeof(small));
	n = snprintf(small, 1, "abc");
	KT_ASSERT_EQ(n, 3);
	KT_ASSERT_EQ(small[0], '\0');
	KT_ASSERT_EQ(small[1], 'x');
	KT_ASSERT_EQ(snprintf(NULL, 0, "%d", 12345), 5);
	KT_ASSERT_EQ(scnprintf(small, sizeof(small), "hello world"), 4);
	KT_ASSERT_EQ(scnprintf(small, sizeof(small), "hi"), 2);
	KT_ASSERT_EQ(scnprintf(small, 0, "hi"), 0);
	KT_ASSERT_NULL(tsnprintf(small, 0, "hi"));
	KT_ASSERT_PTR_EQ(tsnprintf(small, sizeof(small), "hi"), small);
	KT_ASSERT_EQ(sprintf(buf, "%6D", (const unsigned char *)"\1\2\3\4\5\6", ""), 12);
	KT_ASSERT_STR_EQ(buf, "010203040506");
}

static int __printflike(3, 4)
my_vsnprintf(char *b, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(b, n, fmt, ap);
	va_end(ap);
	return r;
}

static void __printflike(1, 2)
my_iologv(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	IOLogv(fmt, ap);
	va_end(ap);
}

static void
test_vsnprintf(void)
{
	KT_ASSERT_EQ(my_vsnprintf(buf, 8, "%s=%d", "answer", 42), 9);
	KT_ASSERT_STR_EQ(buf, "answer=");
}

static void
test_console_printf(void)
{
	NKT_console_reset();
	KT_ASSERT_EQ(printf("x=%d mac=%3D\n", 7, (const unsigned char *)"\xde\xad\x01", ":"), 0);
	KT_ASSERT_STR_EQ(NKT_console(), "x=7 mac=de:ad:01\n");
	NKT_console_reset();
	IOLog("io %s\n", "log");
	my_iologv("v%d\n", 2);
	kprintf("k%c\n", '!');
	KT_ASSERT_STR_EQ(NKT_console(), "io log\nv2\nk!\n");
}

static void
test_console_long_output(void)
{
	char big[600];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	NKT_console_reset();
	printf("<%s>", big);
	KT_ASSERT_EQ(strlen(NKT_console()), sizeof(big) + 1);
	KT_ASSERT_EQ(NKT_console()[0], '<');
	KT_ASSERT_EQ(NKT_console()[sizeof(big)], '>');
}

static void
test_log_is_unsupported_but_prints(void)
{
	NKT_console_reset();
	log(LOG_ERR, "err %d\n", 3);
	KT_ASSERT_STR_EQ(NKT_console(), "err 3\n");
	KT_ASSERT_EQ(NKT_warnings("unsupported-kpi"), 1);
}

static void
test_os_log_annotations(void)
{
	NKT_console_reset();
	os_log(OS_LOG_DEFAULT, "pid %{public}d name %{private}s uuid %{public, uuid_t}.16P", 5,
	    "proc", (void *)0);
	KT_ASSERT(strncmp(NKT_console(), "pid 5 name proc uuid ", 21) == 0);
	NKT_console_reset();
	os_log_error(OS_LOG_DEFAULT, "100%% %{bool}d", 1);
	os_log_info(OS_LOG_DEFAULT, "info");
	os_log_debug(OS_LOG_DEFAULT, "debug %s\n", "x");
	os_log_fault(OS_LOG_DEFAULT, "fault");
	os_log_with_type(OS_LOG_DEFAULT, OS_LOG_TYPE_DEFAULT, "typed %{public}6D", "\1\2\3\4\5\6",
	    ":");
	KT_ASSERT_STR_EQ(NKT_console(),
	    "100% 1\ninfo\ndebug x\nfault\ntyped 01:02:03:04:05:06\n");
	NKT_console_reset();
	os_log(OS_LOG_DISABLED, "never");
	KT_ASSERT_STR_EQ(NKT_console(), "");
	KT_ASSERT(os_log_create("com.example", "cat") != NULL);
	KT_ASSERT(os_log_info_enabled(OS_LOG_DEFAULT));
}

static void
test_engine_used_by_reports(void)
{
	static const unsigned char mac[6] = {1, 2, 3, 4, 5, 6};

	nke__report("prf-demo", "mac %6D", mac, ":");
	KT_ASSERT_EQ(NKT_reports("prf-demo"), 1);
	KT_ASSERT_STR_EQ(NKT_last_message("prf-demo"), "mac 01:02:03:04:05:06");
}

NKT_CASES(NKT_CASE(test_hexdump_D), NKT_CASE(test_bitfields_b), NKT_CASE(test_strings),
    NKT_CASE(test_integers), NKT_CASE(test_pointers), NKT_CASE(test_snprintf_truncation),
    NKT_CASE(test_vsnprintf), NKT_CASE(test_console_printf),
    NKT_CASE(test_console_long_output), NKT_CASE(test_log_is_unsupported_but_prints),
    NKT_CASE(test_os_log_annotations), NKT_CASE(test_engine_used_by_reports));
