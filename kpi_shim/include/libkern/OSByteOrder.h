/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <libkern/OSByteOrder.h> - libkern's byte-order toolkit (kernel world):
 * OSSwapInt16/32/64, host<->big/little conversions, and unaligned-safe
 * reads and writes of 16/32/64-bit values at base + byteOffset in native,
 * swapped, big or little endian order.  The host is little-endian (see
 * <sys/_endian.h>), so "big" means "swapped" throughout.
 */
#ifndef _OS_OSBYTEORDER_H
#define _OS_OSBYTEORDER_H

#include <stdint.h>
#include <libkern/_OSByteOrder.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "nkesim simulates a little-endian Darwin kernel: build on a little-endian host"
#endif

#define OSSwapConstInt16(x) __DARWIN_OSSwapConstInt16(x)
#define OSSwapConstInt32(x) __DARWIN_OSSwapConstInt32(x)
#define OSSwapConstInt64(x) __DARWIN_OSSwapConstInt64(x)

#define OSSwapInt16(x) __DARWIN_OSSwapInt16(x)
#define OSSwapInt32(x) __DARWIN_OSSwapInt32(x)
#define OSSwapInt64(x) __DARWIN_OSSwapInt64(x)

enum { OSUnknownByteOrder, OSLittleEndian, OSBigEndian };

__DARWIN_OS_INLINE int32_t
OSHostByteOrder(void)
{
	return OSLittleEndian;
}

/*
 * Native-order access at an arbitrary byte offset.  Apple dereferences the
 * address directly (fine on x86); here the bytes are copied so a kext
 * reading a misaligned packet field is not undefined behaviour under UBSan.
 * NKE-DIVERGENCE: the access is not a single volatile load/store.
 */
__DARWIN_OS_INLINE uint16_t
_OSReadInt16(const volatile void *base, uintptr_t byteOffset)
{
	uint16_t v;

	__builtin_memcpy(&v, (const void *)((uintptr_t)base + byteOffset), sizeof(v));
	return v;
}

__DARWIN_OS_INLINE uint32_t
_OSReadInt32(const volatile void *base, uintptr_t byteOffset)
{
	uint32_t v;

	__builtin_memcpy(&v, (const void *)((uintptr_t)base + byteOffset), sizeof(v));
	return v;
}

__DARWIN_OS_INLINE uint64_t
_OSReadInt64(const volatile void *base, uintptr_t byteOffset)
{
	uint64_t v;

	__builtin_memcpy(&v, (const void *)((uintptr_t)base + byteOffset), sizeof(v));
	return v;
}

__DARWIN_OS_INLINE void
_OSWriteInt16(volatile void *base, uintptr_t byteOffset, uint16_t data)
{
	__builtin_memcpy((void *)((uintptr_t)base + byteOffset), &data, sizeof(data));
}

__DARWIN_OS_INLINE void
_OSWriteInt32(volatile void *base, uintptr_t byteOffset, uint32_t data)
{
	__builtin_memcpy((void *)((uintptr_t)base + byteOffset), &data, sizeof(data));
}

__DARWIN_OS_INLINE void
_OSWriteInt64(volatile void *base, uintptr_t byteOffset, uint64_t data)
{
	__builtin_memcpy((void *)((uintptr_t)base + byteOffset), &data, sizeof(data));
}

/* Byte-reversed access at an arbitrary byte offset. */
__DARWIN_OS_INLINE uint16_t
OSReadSwapInt16(const volatile void *base, uintptr_t byteOffset)
{
	return _OSSwapInt16(_OSReadInt16(base, byteOffset));
}

__DARWIN_OS_INLINE uint32_t
OSReadSwapInt32(const volatile void *base, uintptr_t byteOffset)
{
	return _OSSwapInt32(_OSReadInt32(base, byteOffset));
}

__DARWIN_OS_INLINE uint64_t
OSReadSwapInt64(const volatile void *base, uintptr_t byteOffset)
{
	return _OSSwapInt64(_OSReadInt64(base, byteOffset));
}

__DARWIN_OS_INLINE void
OSWriteSwapInt16(volatile void *base, uintptr_t byteOffset, uint16_t data)
{
	_OSWriteInt16(base, byteOffset, _OSSwapInt16(data));
}

__DARWIN_OS_INLINE void
OSWriteSwapInt32(volatile void *base, uintptr_t byteOffset, uint32_t data)
{
	_OSWriteInt32(base, byteOffset, _OSSwapInt32(data));
}

__DARWIN_OS_INLINE void
OSWriteSwapInt64(volatile void *base, uintptr_t byteOffset, uint64_t data)
{
	_OSWriteInt64(base, byteOffset, _OSSwapInt64(data));
}

/* Big-endian data: swapped on this little-endian host. */
#define OSReadBigInt16(base, byteOffset)        OSReadSwapInt16(base, byteOffset)
#define OSReadBigInt32(base, byteOffset)        OSReadSwapInt32(base, byteOffset)
#define OSReadBigInt64(base, byteOffset)        OSReadSwapInt64(base, byteOffset)
#define OSWriteBigInt16(base, byteOffset, data) OSWriteSwapInt16(base, byteOffset, data)
#define OSWriteBigInt32(base, byteOffset, data) OSWriteSwapInt32(base, byteOffset, data)
#define OSWriteBigInt64(base, byteOffset, data) OSWriteSwapInt64(base, byteOffset, data)

/* Little-endian data: native. */
#define OSReadLittleInt16(base, byteOffset)        _OSReadInt16(base, byteOffset)
#define OSReadLittleInt32(base, byteOffset)        _OSReadInt32(base, byteOffset)
#define OSReadLittleInt64(base, byteOffset)        _OSReadInt64(base, byteOffset)
#define OSWriteLittleInt16(base, byteOffset, data) _OSWriteInt16(base, byteOffset, data)
#define OSWriteLittleInt32(base, byteOffset, data) _OSWriteInt32(base, byteOffset, data)
#define OSWriteLittleInt64(base, byteOffset, data) _OSWriteInt64(base, byteOffset, data)

/* Value conversions between host order and big/little endian. */
#define OSSwapHostToBigConstInt16(x) OSSwapConstInt16(x)
#define OSSwapHostToBigConstInt32(x) OSSwapConstInt32(x)
#define OSSwapHostToBigConstInt64(x) OSSwapConstInt64(x)
#define OSSwapHostToBigInt16(x)      OSSwapInt16(x)
#define OSSwapHostToBigInt32(x)      OSSwapInt32(x)
#define OSSwapHostToBigInt64(x)      OSSwapInt64(x)
#define OSSwapBigToHostConstInt16(x) OSSwapConstInt16(x)
#define OSSwapBigToHostConstInt32(x) OSSwapConstInt32(x)
#define OSSwapBigToHostConstInt64(x) OSSwapConstInt64(x)
#define OSSwapBigToHostInt16(x)      OSSwapInt16(x)
#define OSSwapBigToHostInt32(x)      OSSwapInt32(x)
#define OSSwapBigToHostInt64(x)      OSSwapInt64(x)

#define OSSwapHostToLittleConstInt16(x) ((uint16_t)(x))
#define OSSwapHostToLittleConstInt32(x) ((uint32_t)(x))
#define OSSwapHostToLittleConstInt64(x) ((uint64_t)(x))
#define OSSwapHostToLittleInt16(x)      ((uint16_t)(x))
#define OSSwapHostToLittleInt32(x)      ((uint32_t)(x))
#define OSSwapHostToLittleInt64(x)      ((uint64_t)(x))
#define OSSwapLittleToHostConstInt16(x) ((uint16_t)(x))
#define OSSwapLittleToHostConstInt32(x) ((uint32_t)(x))
#define OSSwapLittleToHostConstInt64(x) ((uint64_t)(x))
#define OSSwapLittleToHostInt16(x)      ((uint16_t)(x))
#define OSSwapLittleToHostInt32(x)      ((uint32_t)(x))
#define OSSwapLittleToHostInt64(x)      ((uint64_t)(x))

/* Unsized spellings default to 32 bits. */
#define OSReadBigInt(x, y)        OSReadBigInt32(x, y)
#define OSWriteBigInt(x, y, z)    OSWriteBigInt32(x, y, z)
#define OSSwapBigToHostInt(x)     OSSwapBigToHostInt32(x)
#define OSSwapHostToBigInt(x)     OSSwapHostToBigInt32(x)
#define OSReadLittleInt(x, y)     OSReadLittleInt32(x, y)
#define OSWriteLittleInt(x, y, z) OSWriteLittleInt32(x, y, z)
#define OSSwapHostToLittleInt(x)  OSSwapHostToLittleInt32(x)
#define OSSwapLittleToHostInt(x)  OSSwapLittleToHostInt32(x)

#endif /* !_OS_OSBYTEORDER_H */
