/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <libkern/crc.h> - CRC-32 (kernel world).
 */
#ifndef _LIBKERN_CRC_H_
#define _LIBKERN_CRC_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <stdint.h>

__BEGIN_DECLS
/*
 * The IEEE 802.3 CRC-32 (reflected polynomial 0xedb88320) of len bytes,
 * continuing from `crc` (0 to start), as zlib's crc32().
 */
uint32_t crc32(uint32_t crc, const void *bufp, size_t len) __NKE_KSYM(crc32);
__END_DECLS

#endif /* !_LIBKERN_CRC_H_ */
