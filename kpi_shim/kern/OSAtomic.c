/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * OSAtomic.c - libkern's atomic operations (kernel world), on the
 * compiler's __atomic builtins, all sequentially consistent.  The Add and
 * Bit families return the value before the operation.  The definitions
 * parenthesise their names: <libkern/OSAtomic.h> also defines them as
 * macros.
 */
#include "nke_svc.h"

#include <sys/cdefs.h>
#include <libkern/OSAtomic.h>

#define SEQ __ATOMIC_SEQ_CST

NKE_KPI Boolean
(OSCompareAndSwap64)(UInt64 oldValue, UInt64 newValue, volatile UInt64 *address)
{
	return __atomic_compare_exchange_n(address, &oldValue, newValue, 0, SEQ, SEQ);
}

NKE_KPI Boolean
(OSCompareAndSwap)(UInt32 oldValue, UInt32 newValue, volatile UInt32 *address)
{
	return __atomic_compare_exchange_n(address, &oldValue, newValue, 0, SEQ, SEQ);
}

NKE_KPI Boolean
(OSCompareAndSwapPtr)(void *oldValue, void *newValue, void *volatile *address)
{
	return __atomic_compare_exchange_n(address, &oldValue, newValue, 0, SEQ, SEQ);
}

NKE_KPI SInt64
(OSAddAtomic64)(SInt64 theAmount, volatile SInt64 *address)
{
	return __atomic_fetch_add(address, theAmount, SEQ);
}

NKE_KPI SInt32
(OSAddAtomic)(SInt32 amount, volatile SInt32 *address)
{
	return __atomic_fetch_add(address, amount, SEQ);
}

NKE_KPI SInt16
OSAddAtomic16(SInt32 amount, volatile SInt16 *address)
{
	return __atomic_fetch_add(address, (SInt16)amount, SEQ);
}

NKE_KPI SInt8
OSAddAtomic8(SInt32 amount, volatile SInt8 *address)
{
	return __atomic_fetch_add(address, (SInt8)amount, SEQ);
}

NKE_KPI SInt32
(OSIncrementAtomic)(volatile SInt32 *address)
{
	return __atomic_fetch_add(address, 1, SEQ);
}

NKE_KPI SInt16
OSIncrementAtomic16(volatile SInt16 *address)
{
	return __atomic_fetch_add(address, 1, SEQ);
}

NKE_KPI SInt8
OSIncrementAtomic8(volatile SInt8 *address)
{
	return __atomic_fetch_add(address, 1, SEQ);
}

NKE_KPI SInt32
(OSDecrementAtomic)(volatile SInt32 *address)
{
	return __atomic_fetch_sub(address, 1, SEQ);
}

NKE_KPI SInt16
OSDecrementAtomic16(volatile SInt16 *address)
{
	return __atomic_fetch_sub(address, 1, SEQ);
}

NKE_KPI SInt8
OSDecrementAtomic8(volatile SInt8 *address)
{
	return __atomic_fetch_sub(address, 1, SEQ);
}

NKE_KPI UInt32
(OSBitAndAtomic)(UInt32 mask, volatile UInt32 *address)
{
	return __atomic_fetch_and(address, mask, SEQ);
}

NKE_KPI UInt16
OSBitAndAtomic16(UInt32 mask, volatile UInt16 *address)
{
	return __atomic_fetch_and(address, (UInt16)mask, SEQ);
}

NKE_KPI UInt8
OSBitAndAtomic8(UInt32 mask, volatile UInt8 *address)
{
	return __atomic_fetch_and(address, (UInt8)mask, SEQ);
}

NKE_KPI UInt32
(OSBitOrAtomic)(UInt32 mask, volatile UInt32 *address)
{
	return __atomic_fetch_or(address, mask, SEQ);
}

NKE_KPI UInt16
OSBitOrAtomic16(UInt32 mask, volatile UInt16 *address)
{
	return __atomic_fetch_or(address, (UInt16)mask, SEQ);
}

NKE_KPI UInt8
OSBitOrAtomic8(UInt32 mask, volatile UInt8 *address)
{
	return __atomic_fetch_or(address, (UInt8)mask, SEQ);
}

NKE_KPI UInt32
(OSBitXorAtomic)(UInt32 mask, volatile UInt32 *address)
{
	return __atomic_fetch_xor(address, mask, SEQ);
}

NKE_KPI UInt16
OSBitXorAtomic16(UInt32 mask, volatile UInt16 *address)
{
	return __atomic_fetch_xor(address, (UInt16)mask, SEQ);
}

NKE_KPI UInt8
OSBitXorAtomic8(UInt32 mask, volatile UInt8 *address)
{
	return __atomic_fetch_xor(address, (UInt8)mask, SEQ);
}

/* Bit 0 is the most significant bit of the first byte. */
static Boolean
test_and_setclear(UInt32 bit, int set, volatile UInt8 *start)
{
	volatile UInt8 *byte = start + (bit >> 3);
	UInt8 mask = (UInt8)(0x80u >> (bit & 7));
	UInt8 old;

	if (set)
		old = __atomic_fetch_or(byte, mask, SEQ);
	else
		old = __atomic_fetch_and(byte, (UInt8)~mask, SEQ);
	return (old & mask) != 0;
}

NKE_KPI Boolean
OSTestAndSet(UInt32 bit, volatile UInt8 *startAddress)
{
	return test_and_setclear(bit, 1, startAddress);
}

NKE_KPI Boolean
OSTestAndClear(UInt32 bit, volatile UInt8 *startAddress)
{
	return test_and_setclear(bit, 0, startAddress);
}
