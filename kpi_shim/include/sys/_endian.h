/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/_endian.h> - byte order of the simulated machine and the network
 * byte-order conversions ntohl/ntohs/htonl/htons (kernel world).
 *
 * The simulated kernel is a little-endian x86_64 Darwin kernel, so the
 * host must be little-endian too (packets are real bytes in memory).  As in
 * a Darwin kernel build, BYTE_ORDER, LITTLE_ENDIAN, BIG_ENDIAN and the
 * in-place NTOHL()-style macros are visible to every includer.
 */
#ifndef _SYS__ENDIAN_H_
#define _SYS__ENDIAN_H_

#include <sys/cdefs.h>
#include <libkern/_OSByteOrder.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "nkesim simulates a little-endian Darwin kernel: build on a little-endian host"
#endif

#define __DARWIN_LITTLE_ENDIAN 1234
#define __DARWIN_BIG_ENDIAN    4321
#define __DARWIN_PDP_ENDIAN    3412
#define __DARWIN_BYTE_ORDER    __DARWIN_LITTLE_ENDIAN

#define LITTLE_ENDIAN __DARWIN_LITTLE_ENDIAN
#define BIG_ENDIAN    __DARWIN_BIG_ENDIAN
#define PDP_ENDIAN    __DARWIN_PDP_ENDIAN
#define BYTE_ORDER    __DARWIN_BYTE_ORDER

/* Network order is big-endian: every conversion is a swap on this machine. */
#define ntohs(x)  __DARWIN_OSSwapInt16(x)
#define htons(x)  __DARWIN_OSSwapInt16(x)
#define ntohl(x)  __DARWIN_OSSwapInt32(x)
#define htonl(x)  __DARWIN_OSSwapInt32(x)
#define ntohll(x) __DARWIN_OSSwapInt64(x)
#define htonll(x) __DARWIN_OSSwapInt64(x)

/* In-place forms: the argument must be an lvalue. */
#define NTOHS(x)  (x) = ntohs((__uint16_t)(x))
#define HTONS(x)  (x) = htons((__uint16_t)(x))
#define NTOHL(x)  (x) = ntohl((__uint32_t)(x))
#define HTONL(x)  (x) = htonl((__uint32_t)(x))
#define NTOHLL(x) (x) = ntohll((__uint64_t)(x))
#define HTONLL(x) (x) = htonll((__uint64_t)(x))

#endif /* !_SYS__ENDIAN_H_ */
