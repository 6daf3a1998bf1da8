/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <libkern/_OSByteOrder.h> - the byte-swap primitives under ntohl() & co
 * (kernel world).  Each swap has a constant form, usable in integer
 * constant expressions, and an inline form built on the compiler's bswap
 * builtins; the __DARWIN_OSSwapInt* selectors pick the constant form when
 * the argument is a compile-time constant, so `case htons(0x0800):` works
 * as it does with Apple's headers.
 */
#ifndef _OS__OSBYTEORDER_H
#define _OS__OSBYTEORDER_H

#include <sys/_types.h>

#ifndef __DARWIN_OS_INLINE
#define __DARWIN_OS_INLINE static __inline__
#endif

/* Swaps spelled as plain arithmetic: valid wherever a constant is required. */
#define __DARWIN_OSSwapConstInt16(x)                                                               \
	((__uint16_t)((((__uint16_t)(x) >> 8) & 0x00ffU) | (((__uint16_t)(x) << 8) & 0xff00U)))
#define __DARWIN_OSSwapConstInt32(x)                                                               \
	((__uint32_t)((((__uint32_t)(x) >> 24) & 0x000000ffU) |                                    \
	              (((__uint32_t)(x) >> 8) & 0x0000ff00U) |                                     \
	              (((__uint32_t)(x) << 8) & 0x00ff0000U) |                                     \
	              (((__uint32_t)(x) << 24) & 0xff000000U)))
#define __DARWIN_OSSwapConstInt64(x)                                                               \
	((__uint64_t)(((__uint64_t)__DARWIN_OSSwapConstInt32(                                      \
	                   (__uint32_t)((__uint64_t)(x)&0xffffffffULL))                            \
	               << 32) |                                                                    \
	              (__uint64_t)__DARWIN_OSSwapConstInt32((__uint32_t)((__uint64_t)(x) >> 32))))

__DARWIN_OS_INLINE __uint16_t
_OSSwapInt16(__uint16_t v)
{
	return __builtin_bswap16(v);
}

__DARWIN_OS_INLINE __uint32_t
_OSSwapInt32(__uint32_t v)
{
	return __builtin_bswap32(v);
}

__DARWIN_OS_INLINE __uint64_t
_OSSwapInt64(__uint64_t v)
{
	return __builtin_bswap64(v);
}

#define __DARWIN_OSSwapInt16(x)                                                                    \
	((__uint16_t)(__builtin_constant_p(x) ? __DARWIN_OSSwapConstInt16(x)                       \
	                                      : _OSSwapInt16((__uint16_t)(x))))
#define __DARWIN_OSSwapInt32(x)                                                                    \
	((__uint32_t)(__builtin_constant_p(x) ? __DARWIN_OSSwapConstInt32(x)                       \
	                                      : _OSSwapInt32((__uint32_t)(x))))
#define __DARWIN_OSSwapInt64(x)                                                                    \
	((__uint64_t)(__builtin_constant_p(x) ? __DARWIN_OSSwapConstInt64(x)                       \
	                                      : _OSSwapInt64((__uint64_t)(x))))

#endif /* !_OS__OSBYTEORDER_H */
