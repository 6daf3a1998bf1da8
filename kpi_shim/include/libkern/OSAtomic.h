/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <libkern/OSAtomic.h> - libkern's atomic operations (kernel world).  Each
 * returns the value the memory held BEFORE the operation (the Add/Bit
 * families) or whether it changed (CompareAndSwap, TestAnd*).  All are
 * sequentially consistent.  As in Apple's header, most names are also
 * macros that cast the address to the expected pointer type.
 */
#ifndef _OS_OSATOMIC_H
#define _OS_OSATOMIC_H

#include <sys/cdefs.h>
#include <string.h>
#include <libkern/OSBase.h>

__BEGIN_DECLS

#define __SAFE_CAST_PTR(type, var) ((type)(var))

/* *address == oldValue ? (*address = newValue, true) : false */
extern Boolean OSCompareAndSwap64(UInt64 oldValue, UInt64 newValue, volatile UInt64 *address);
#define OSCompareAndSwap64(a, b, c) \
	(OSCompareAndSwap64(a, b, __SAFE_CAST_PTR(volatile UInt64 *, c)))

extern SInt64 OSAddAtomic64(SInt64 theAmount, volatile SInt64 *address);
#define OSAddAtomic64(a, b) (OSAddAtomic64(a, __SAFE_CAST_PTR(volatile SInt64 *, b)))

static __inline__ SInt64
OSIncrementAtomic64(volatile SInt64 *address)
{
	return OSAddAtomic64(1LL, address);
}

static __inline__ SInt64
OSDecrementAtomic64(volatile SInt64 *address)
{
	return OSAddAtomic64(-1LL, address);
}

extern Boolean OSCompareAndSwap(UInt32 oldValue, UInt32 newValue, volatile UInt32 *address);
#define OSCompareAndSwap(a, b, c) \
	(OSCompareAndSwap(a, b, __SAFE_CAST_PTR(volatile UInt32 *, c)))

extern Boolean OSCompareAndSwapPtr(void *oldValue, void *newValue, void *volatile *address);
#define OSCompareAndSwapPtr(a, b, c) \
	(OSCompareAndSwapPtr(a, b, __SAFE_CAST_PTR(void *volatile *, c)))

extern SInt32 OSAddAtomic(SInt32 amount, volatile SInt32 *address);
#define OSAddAtomic(a, b) (OSAddAtomic(a, __SAFE_CAST_PTR(volatile SInt32 *, b)))
extern SInt16 OSAddAtomic16(SInt32 amount, volatile SInt16 *address);
extern SInt8 OSAddAtomic8(SInt32 amount, volatile SInt8 *address);

extern SInt32 OSIncrementAtomic(volatile SInt32 *address);
#define OSIncrementAtomic(a) (OSIncrementAtomic(__SAFE_CAST_PTR(volatile SInt32 *, a)))
extern SInt16 OSIncrementAtomic16(volatile SInt16 *address);
extern SInt8 OSIncrementAtomic8(volatile SInt8 *address);

extern SInt32 OSDecrementAtomic(volatile SInt32 *address);
#define OSDecrementAtomic(a) (OSDecrementAtomic(__SAFE_CAST_PTR(volatile SInt32 *, a)))
extern SInt16 OSDecrementAtomic16(volatile SInt16 *address);
extern SInt8 OSDecrementAtomic8(volatile SInt8 *address);

extern UInt32 OSBitAndAtomic(UInt32 mask, volatile UInt32 *address);
#define OSBitAndAtomic(a, b) (OSBitAndAtomic(a, __SAFE_CAST_PTR(volatile UInt32 *, b)))
extern UInt16 OSBitAndAtomic16(UInt32 mask, volatile UInt16 *address);
extern UInt8 OSBitAndAtomic8(UInt32 mask, volatile UInt8 *address);

extern UInt32 OSBitOrAtomic(UInt32 mask, volatile UInt32 *address);
#define OSBitOrAtomic(a, b) (OSBitOrAtomic(a, __SAFE_CAST_PTR(volatile UInt32 *, b)))
extern UInt16 OSBitOrAtomic16(UInt32 mask, volatile UInt16 *address);
extern UInt8 OSBitOrAtomic8(UInt32 mask, volatile UInt8 *address);

extern UInt32 OSBitXorAtomic(UInt32 mask, volatile UInt32 *address);
#define OSBitXorAtomic(a, b) (OSBitXorAtomic(a, __SAFE_CAST_PTR(volatile UInt32 *, b)))
extern UInt16 OSBitXorAtomic16(UInt32 mask, volatile UInt16 *address);
extern UInt8 OSBitXorAtomic8(UInt32 mask, volatile UInt8 *address);

/*
 * Set (clear) bit number `bit` of the bit string at startAddress, bit 0
 * being the most significant bit of the first byte.  Returns its old value.
 */
extern Boolean OSTestAndSet(UInt32 bit, volatile UInt8 *startAddress);
extern Boolean OSTestAndClear(UInt32 bit, volatile UInt8 *startAddress);

#define OS_SPINLOCK_INIT 0
typedef SInt32 OSSpinLock;

#ifdef PRIVATE
extern Boolean OSSpinLockTry(volatile OSSpinLock *lock);
extern void OSSpinLockUnlock(volatile OSSpinLock *lock);
#endif

/* Orders I/O accesses; nothing to do on x86. */
static __inline__ void
OSSynchronizeIO(void)
{
}

/* A full memory barrier. */
static __inline__ void
OSMemoryBarrier(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

__END_DECLS

#endif /* !_OS_OSATOMIC_H */
