/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <libkern/OSTypes.h> - the Carbon-style scalar types of libkern (kernel
 * world): UInt32, SInt64, Boolean, ... with their LP64 kernel definitions.
 */
#ifndef _OS_OSTYPES_H
#define _OS_OSTYPES_H

#define OSTYPES_K64_REV 2

typedef unsigned int UInt;
typedef signed int SInt;

typedef unsigned char UInt8;
typedef unsigned short UInt16;
typedef unsigned int UInt32;
typedef unsigned long long UInt64;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
typedef struct __attribute__((deprecated)) UnsignedWide {
	UInt32 hi;
	UInt32 lo;
} UnsignedWide __attribute__((deprecated));
#else
typedef struct __attribute__((deprecated)) UnsignedWide {
	UInt32 lo;
	UInt32 hi;
} UnsignedWide __attribute__((deprecated));
#endif

typedef signed char SInt8;
typedef signed short SInt16;
typedef signed int SInt32;
typedef signed long long SInt64;

typedef SInt32 OSStatus;

#ifndef ABSOLUTETIME_SCALAR_TYPE
#define ABSOLUTETIME_SCALAR_TYPE 1
#endif
typedef UInt64 AbsoluteTime;

typedef UInt32 OptionBits __attribute__((deprecated));

#if defined(__cplusplus)
typedef bool Boolean;
#else
typedef _Bool Boolean;
#endif

#ifndef OS_INLINE
#define OS_INLINE static __inline__ __attribute__((__always_inline__))
#endif

#endif /* !_OS_OSTYPES_H */
