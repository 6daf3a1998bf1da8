/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_libkern.c - tests of kpi_shim/kern/libkern.c (kernel world): string
 * helpers, bit scans, the min/max inlines, deterministic random(), crc32,
 * user copies, and inet_ntop/inet_pton with Darwin's AF_INET6 (30) and
 * RFC 5952 text.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <libkern/libkern.h>
#include <sys/random.h>
#include <sys/systm.h>
#include <nke_kern.h>
#include "nkt.h"

/* As <netinet/in.h> declares them. */
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size) __NKE_KSYM(inet_ntop);
int inet_pton(int af, const char *src, void *dst) __NKE_KSYM(inet_pton);

#define AF_INET_ 2
#define AF_INET6_ 30

static void
test_strlcpy_strlcat_strnstr(void)
{
	char b[8];

	KT_ASSERT_EQ(strlcpy(b, "hello world", sizeof(b)), 11);
	KT_ASSERT_STR_EQ(b, "hello w");
	KT_ASSERT_EQ(strlcpy(b, "hi", sizeof(b)), 2);
	KT_ASSERT_EQ(strlcat(b, "there", sizeof(b)), 7);
	KT_ASSERT_STR_EQ(b, "hithere");
	KT_ASSERT_EQ(strlcat(b, "!", sizeof(b)), 8);
	KT_ASSERT_STR_EQ(b, "hithere");
	KT_ASSERT_EQ(strlcpy(b, "x", 0), 1);
	KT_ASSERT_STR_EQ(strnstr("abcdef", "cd", 6), "cdef");
	KT_ASSERT_NULL(strnstr("abcdef", "cd", 3));
	KT_ASSERT_STR_EQ(strnstr("abc", "", 0), "abc");
}

static void
test_bits_and_minmax(void)
{
	u_char cs[4] = {1, 2, 3, 4};
	u_char table[256];

	KT_ASSERT_EQ(ffs(0), 0);
	KT_ASSERT_EQ(ffs(0x18), 4);
	KT_ASSERT_EQ(fls(0x18), 5);
	KT_ASSERT_EQ(fls(0x80000000u), 32);
	KT_ASSERT_EQ(ffsll(1ULL << 40), 41);
	KT_ASSERT_EQ(flsll(1ULL << 63), 64);
	KT_ASSERT_EQ(clz(0), 32);
	KT_ASSERT_EQ(clz(1), 31);
	KT_ASSERT_EQ(min(3, 7), 3);
	KT_ASSERT_EQ(max(3, 7), 7);
	KT_ASSERT_EQ(imin(-3, 7), -3);
	KT_ASSERT_EQ(imax(-3, -7), -3);
	KT_ASSERT_EQ(lmin(-5L, 2L), -5);
	KT_ASSERT_EQ(lmax(-5L, 2L), 2);
	KT_ASSERT_EQ(ulmin(5, 9), 5);
	/* As in XNU, ulmax works on 32-bit values. */
	{
		volatile unsigned long big = 0x100000001UL;

		KT_ASSERT_EQ(ulmax(big, 2), 2);
	}
	memset(table, 0, sizeof(table));
	table[3] = 1;
	KT_ASSERT_EQ(scanc(4, cs, table, 1), 2);
}

static void
test_random_is_deterministic(void)
{
	const struct nks_hostops *ho = nke__hostops;
	u_int32_t a[3], b[3];
	unsigned char r1[13], r2[13];
	unsigned i;

	for (i = 0; i < 3; i++)
		a[i] = random();
	read_random(r1, sizeof(r1));
	KT_ASSERT(a[0] != a[1] || a[1] != a[2]);
	/* A new simulation replays the same sequence. */
	NKS_fini();
	KT_ASSERT_EQ(NKS_init(ho), 0);
	for (i = 0; i < 3; i++)
		b[i] = random();
	read_random(r2, sizeof(r2));
	KT_ASSERT_MEM_EQ(a, b, sizeof(a));
	KT_ASSERT_MEM_EQ(r1, r2, sizeof(r1));
	KT_ASSERT_EQ(write_random(r1, 4), 0);
}

static void
test_crc32(void)
{
	KT_ASSERT_EQ(crc32(0, "123456789", 9), 0xcbf43926u);
	KT_ASSERT_EQ(crc32(crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
	KT_ASSERT_EQ(crc32(0, "", 0), 0);
}

static void
test_user_copies(void)
{
	char src[8] = "abcdef", dst[8];
	size_t done = 99;

	KT_ASSERT_EQ(copyin(CAST_USER_ADDR_T(src), dst, 7), 0);
	KT_ASSERT_STR_EQ(dst, "abcdef");
	KT_ASSERT_EQ(copyin(0, dst, 4), EFAULT);
	KT_ASSERT_EQ(copyout("xyz", CAST_USER_ADDR_T(dst), 4), 0);
	KT_ASSERT_STR_EQ(dst, "xyz");
	KT_ASSERT_EQ(copyout("xyz", 0, 4), EFAULT);
	KT_ASSERT_EQ(copyinstr(CAST_USER_ADDR_T(src), dst, sizeof(dst), &done), 0);
	KT_ASSERT_EQ(done, 7);
	KT_ASSERT_EQ(copyinstr(CAST_USER_ADDR_T(src), dst, 3, &done), ENAMETOOLONG);
	KT_ASSERT_EQ(done, 3);
	KT_ASSERT_EQ(copyinstr(0, dst, 3, &done), EFAULT);
	KT_ASSERT_EQ(copystr("hi", dst, 8, &done), 0);
	KT_ASSERT_EQ(done, 3);
	KT_ASSERT_EQ(copyoutstr("hey", CAST_USER_ADDR_T(dst), 8, NULL), 0);
	KT_ASSERT_STR_EQ(dst, "hey");
}

static void
test_misc_helpers(void)
{
	char url[] = "a%20b%2Fc%zz";
	char *end;

	url_decode(url);
	KT_ASSERT_STR_EQ(url, "a b/c%zz");
	KT_ASSERT_EQ(strtoq("-0x10", &end, 16), -16);
	KT_ASSERT_EQ(strtouq("18446744073709551615", NULL, 10), 18446744073709551615ULL);
	KT_ASSERT_EQ(nullop(), 0);
	KT_ASSERT_EQ(enosys(), ENOSYS);
	KT_ASSERT_EQ(eopnotsupp(), 102);
}

static void
v6(const char *text, const unsigned char a[16])
{
	char buf[64];

	KT_ASSERT_STR_EQ(inet_ntop(AF_INET6_, a, buf, sizeof(buf)), text);
}

static void
test_inet_ntop(void)
{
	static const unsigned char v4[4] = {192, 168, 1, 20};
	static const unsigned char any[16] = {0};
	static const unsigned char lo[16] = {[15] = 1};
	static const unsigned char doc[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	static const unsigned char two_runs[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0,
		0, 0, 0, 1};
	static const unsigned char single[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0,
		1, 0, 1};
	static const unsigned char tie[16] = {0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1};
	static const unsigned char mapped[16] = {[10] = 0xff, [11] = 0xff, 10, 0, 0, 1};
	static const unsigned char compat[16] = {[12] = 1, 2, 3, 4};
	static const unsigned char ll[16] = {0xfe, 0x80, [8] = 0x02, 0x1c, 0x42, 0xff, 0xfe,
		0xAB, 0xCD, 0xEF};
	static const unsigned char trailing[16] = {0xff, 0x02};
	char buf[64];

	KT_ASSERT_STR_EQ(inet_ntop(AF_INET_, v4, buf, sizeof(buf)), "192.168.1.20");
	v6("::", any);
	v6("::1", lo);
	v6("2001:db8::1", doc);
	/* The longest run of zeros is compressed, the first one on a tie. */
	v6("2001:db8::1:0:0:1", two_runs);
	v6("2001:db8:0:1:1:1:1:1", single); /* a lone zero group stays */
	v6("2001::1:0:0:1:1", tie);
	v6("::ffff:10.0.0.1", mapped);
	v6("::1.2.3.4", compat);
	v6("fe80::21c:42ff:feab:cdef", ll);
	v6("ff02::", trailing);
	/* Too small a buffer, and unknown families: NULL. */
	KT_ASSERT_NULL(inet_ntop(AF_INET_, v4, buf, 12));
	KT_ASSERT(inet_ntop(AF_INET_, v4, buf, 13) != NULL);
	KT_ASSERT_NULL(inet_ntop(AF_INET6_, doc, buf, 11));
	KT_ASSERT(inet_ntop(AF_INET6_, doc, buf, 12) != NULL);
	KT_ASSERT_NULL(inet_ntop(10 /* Linux AF_INET6 */, doc, buf, sizeof(buf)));
}

static void
test_inet_pton(void)
{
	unsigned char a[16];
	static const unsigned char doc[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	static const unsigned char mapped[16] = {[10] = 0xff, [11] = 0xff, 10, 0, 0, 1};
	static const unsigned char full[16] = {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8};
	static const unsigned char v4[4] = {10, 1, 2, 255};

	KT_ASSERT_EQ(inet_pton(AF_INET_, "10.1.2.255", a), 1);
	KT_ASSERT_MEM_EQ(a, v4, 4);
	KT_ASSERT_EQ(inet_pton(AF_INET_, "10.1.2", a), 0);
	KT_ASSERT_EQ(inet_pton(AF_INET_, "10.1.2.256", a), 0);
	KT_ASSERT_EQ(inet_pton(AF_INET_, "10.01.2.3", a), 0);
	KT_ASSERT_EQ(inet_pton(AF_INET_, "10.1.2.3.4", a), 0);
	KT_ASSERT_EQ(inet_pton(AF_INET_, "10..2.3", a), 0);
	KT_ASSERT_EQ(inet_pton(AF_INET6_, "2001:DB8::1", a), 1);
	KT_ASSERT_MEM_EQ(a, doc, 16);
	KT_ASSERT_EQ(inet_pton(AF_INET6_, "::ffff:10.0.0.1", a), 1);
	KT_ASSERT_MEM_EQ(a, mapped, 16);
	KT_ASSERT_EQ(inet_pton(AF_INET6_, "1:2:3:4:5:6:7:8", a), 1);
	KT_ASSERT_MEM_EQ(a, full, 16);
	KT_ASSERT_EQ(inet_pton(AF_INET6_, "::", a), 1);
	KT_ASSERT_EQ(a[0] | a[15], 0);
	KT_ASSERT_EQ(inet_pton(AF_INET6_, "ff02::", a), 1);
	KT_ASSERT_EQ(a[0], 0xff);
	KT_ASSERT_EQ(a[1], 0x02);
	KT_ASSERT_EQ(inet_pton(AF_INET6_, "1::2::3", a), 0);
	KT_ASSERT_EQ(inet_pton(AF_INET6_, "1:2:3:4:5:6:7:8:9", a), 0);
	KT_ASSERT_EQ(inet_pton(AF_INET6_, "1:2:3:4:5:6:7::8", a), 0);
	KT_ASSERT_EQ(inet_pton(AF_INET6_, "12345::", a), 0);
	KT_ASSERT_EQ(inet_pton(AF_INET6_, ":1::", a), 0);
	KT_ASSERT_EQ(inet_pton(AF_INET6_, "1:", a), 0);
	KT_ASSERT_EQ(inet_pton(AF_INET6_, "g::", a), 0);
	KT_ASSERT_EQ(inet_pton(AF_INET6_, "", a), 0);
	KT_ASSERT_EQ(inet_pton(99, "::", a), -1);
}

static void
test_inet_roundtrip(void)
{
	static const char *const texts[] = {"::", "::1", "1::", "fe80::1:2", "2001:db8:a:b:c:d:e:f",
		"::ffff:192.0.2.1", "64:ff9b::c000:201", "1:0:0:2::3"};
	unsigned char a[16];
	char buf[64];
	unsigned i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		KT_ASSERT_EQ(inet_pton(AF_INET6_, texts[i], a), 1);
		KT_ASSERT_STR_EQ(inet_ntop(AF_INET6_, a, buf, sizeof(buf)), texts[i]);
	}
}

NKT_CASES(NKT_CASE(test_strlcpy_strlcat_strnstr), NKT_CASE(test_bits_and_minmax),
    NKT_CASE(test_random_is_deterministic), NKT_CASE(test_crc32), NKT_CASE(test_user_copies),
    NKT_CASE(test_misc_helpers), NKT_CASE(test_inet_ntop), NKT_CASE(test_inet_pton),
    NKT_CASE(test_inet_roundtrip));
