/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/ioccom.h> - how Darwin encodes an ioctl command word (kernel world).
 *
 * Layout of the 32-bit command: bits 29..31 the copy direction (void, out,
 * in), bits 16..28 the size of the argument (13 bits), bits 8..15 the
 * group character, bits 0..7 the command number.
 */
#ifndef _SYS_IOCCOM_H_
#define _SYS_IOCCOM_H_

#include <sys/_types.h>

#define IOCPARM_MASK   0x1fff /* largest encodable argument size */
#define IOCPARM_MAX    (IOCPARM_MASK + 1)
#define IOCPARM_LEN(x) (((x) >> 16) & IOCPARM_MASK)
#define IOCBASECMD(x)  ((x) & ~(IOCPARM_MASK << 16))
#define IOCGROUP(x)    (((x) >> 8) & 0xff)

#define IOC_VOID    (__uint32_t)0x20000000 /* no argument */
#define IOC_OUT     (__uint32_t)0x40000000 /* argument copied out to the caller */
#define IOC_IN      (__uint32_t)0x80000000 /* argument copied in from the caller */
#define IOC_INOUT   (IOC_IN | IOC_OUT)
#define IOC_DIRMASK (__uint32_t)0xe0000000

#define _IOC(inout, group, num, len)                                                               \
	((inout) | (((len)&IOCPARM_MASK) << 16) | ((group) << 8) | (num))
#define _IO(g, n)      _IOC(IOC_VOID, (g), (n), 0)
#define _IOR(g, n, t)  _IOC(IOC_OUT, (g), (n), sizeof(t))
#define _IOW(g, n, t)  _IOC(IOC_IN, (g), (n), sizeof(t))
#define _IOWR(g, n, t) _IOC(IOC_INOUT, (g), (n), sizeof(t))

#endif /* !_SYS_IOCCOM_H_ */
