/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/_types/_int_types.h> - the machine integer types of an LP64 Darwin
 * kernel (kernel world).  Private to the header tree.
 */
#ifndef _NKE_SYS__TYPES__INT_TYPES_H_
#define _NKE_SYS__TYPES__INT_TYPES_H_

#if !defined(__LP64__) || !__LP64__
#error "nkesim simulates an LP64 (x86_64) Darwin kernel: build for a 64-bit host"
#endif

typedef signed char __int8_t;
typedef unsigned char __uint8_t;
typedef short __int16_t;
typedef unsigned short __uint16_t;
typedef int __int32_t;
typedef unsigned int __uint32_t;
typedef long long __int64_t;
typedef unsigned long long __uint64_t;
typedef long __darwin_intptr_t;
typedef unsigned int __darwin_natural_t;

typedef __int8_t int8_t;
typedef __int16_t int16_t;
typedef __int32_t int32_t;
typedef __int64_t int64_t;
typedef __uint8_t uint8_t;
typedef __uint16_t uint16_t;
typedef __uint32_t uint32_t;
typedef __uint64_t uint64_t;
typedef __uint8_t u_int8_t;
typedef __uint16_t u_int16_t;
typedef __uint32_t u_int32_t;
typedef __uint64_t u_int64_t;
typedef long intptr_t;
typedef unsigned long uintptr_t;

#endif /* !_NKE_SYS__TYPES__INT_TYPES_H_ */
