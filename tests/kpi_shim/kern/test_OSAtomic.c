/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_OSAtomic.c - tests of kpi_shim/kern/OSAtomic.c (kernel world): each
 * operation's effect and return value (the old value, or success), through
 * the macros of <libkern/OSAtomic.h> as kexts call them.
 */
#include <sys/types.h>
#include <libkern/OSAtomic.h>
#include <libkern/OSTypes.h>
#include "nkt.h"

_Static_assert(sizeof(UInt32) == 4 && sizeof(SInt64) == 8 && sizeof(UInt16) == 2, "OSTypes");
_Static_assert(sizeof(Boolean) == 1, "Boolean is a C99 _Bool in the LP64 kernel");

static void
test_add_and_increment(void)
{
	volatile SInt32 v = 5;
	volatile SInt64 w = -1;
	volatile SInt16 h = 0x7fff;
	volatile SInt8 c = 1;

	KT_ASSERT_EQ(OSAddAtomic(10, &v), 5);
	KT_ASSERT_EQ(v, 15);
	KT_ASSERT_EQ(OSIncrementAtomic(&v), 15);
	KT_ASSERT_EQ(OSDecrementAtomic(&v), 16);
	KT_ASSERT_EQ(v, 15);
	KT_ASSERT_EQ(OSAddAtomic64(0x100000000LL, &w), -1);
	KT_ASSERT_EQ(w, 0xffffffffLL);
	KT_ASSERT_EQ(OSIncrementAtomic64(&w), 0xffffffffLL);
	KT_ASSERT_EQ(OSDecrementAtomic64(&w), 0x100000000LL);
	KT_ASSERT_EQ(OSAddAtomic16(1, &h), 0x7fff);
	KT_ASSERT_EQ(h, -0x8000);
	KT_ASSERT_EQ(OSIncrementAtomic8(&c), 1);
	KT_ASSERT_EQ(OSDecrementAtomic16(&h), -0x8000);
}

static void
test_bit_operations(void)
{
	volatile UInt32 v = 0xf0;
	volatile UInt8 b = 0x0f;

	KT_ASSERT_EQ(OSBitOrAtomic(0x0f, &v), 0xf0);
	KT_ASSERT_EQ(v, 0xff);
	KT_ASSERT_EQ(OSBitAndAtomic(0x3c, &v), 0xff);
	KT_ASSERT_EQ(v, 0x3c);
	KT_ASSERT_EQ(OSBitXorAtomic(0xff, &v), 0x3c);
	KT_ASSERT_EQ(v, 0xc3);
	KT_ASSERT_EQ(OSBitOrAtomic8(0xf0, &b), 0x0f);
	KT_ASSERT_EQ(b, 0xff);
}

static void
test_compare_and_swap(void)
{
	volatile UInt32 v = 1;
	volatile UInt64 w = 1ULL << 40;
	static int x, y;
	void *volatile p = &x;

	KT_ASSERT(OSCompareAndSwap(1, 2, &v));
	KT_ASSERT_EQ(v, 2);
	KT_ASSERT(!OSCompareAndSwap(1, 3, &v));
	KT_ASSERT_EQ(v, 2);
	KT_ASSERT(OSCompareAndSwap64(1ULL << 40, 7, &w));
	KT_ASSERT_EQ(w, 7);
	KT_ASSERT(!OSCompareAndSwap64(1, 8, &w));
	KT_ASSERT(OSCompareAndSwapPtr(&x, &y, &p));
	KT_ASSERT_PTR_EQ(p, &y);
	KT_ASSERT(!OSCompareAndSwapPtr(&x, NULL, &p));
	OSMemoryBarrier();
	OSSynchronizeIO();
}

static void
test_test_and_set_bit_order(void)
{
	volatile UInt8 bytes[2] = {0, 0};

	/* Bit 0 is the most significant bit of the first byte. */
	KT_ASSERT(!OSTestAndSet(0, bytes));
	KT_ASSERT_EQ(bytes[0], 0x80);
	KT_ASSERT(OSTestAndSet(0, bytes));
	KT_ASSERT(!OSTestAndSet(15, bytes));
	KT_ASSERT_EQ(bytes[1], 0x01);
	KT_ASSERT(OSTestAndClear(15, bytes));
	KT_ASSERT(!OSTestAndClear(15, bytes));
	KT_ASSERT_EQ(bytes[1], 0);
}

NKT_CASES(NKT_CASE(test_add_and_increment), NKT_CASE(test_bit_operations),
    NKT_CASE(test_compare_and_swap), NKT_CASE(test_test_and_set_bit_order));
