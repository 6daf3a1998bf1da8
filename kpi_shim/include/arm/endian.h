/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <arm/endian.h> - byte order of an ARM Darwin kernel (kernel world).
 * Provided for sources that name the ARM path; arm64 Darwin is also
 * little-endian, so this is equivalent to <i386/endian.h>.
 */
#ifndef _ARM__ENDIAN_H_
#define _ARM__ENDIAN_H_

#include <sys/cdefs.h>

#define _QUAD_HIGHWORD 1
#define _QUAD_LOWWORD  0

#include <sys/_endian.h>

#endif /* !_ARM__ENDIAN_H_ */
