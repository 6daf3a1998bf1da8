/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <i386/endian.h> - byte order of an Intel Darwin kernel (kernel world).
 * Old kexts include this path directly; it brings in <sys/_endian.h>
 * (BYTE_ORDER, ntohl() & co) plus the halves of a 64-bit quad.
 */
#ifndef _I386__ENDIAN_H_
#define _I386__ENDIAN_H_

#include <sys/cdefs.h>

/* Index of the most and least significant 32-bit word of a 64-bit value. */
#define _QUAD_HIGHWORD 1
#define _QUAD_LOWWORD  0

#include <sys/_endian.h>

#endif /* !_I386__ENDIAN_H_ */
