/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/ioctl.h> - ioctl command definitions in one include (kernel world):
 * the encoding macros, the generic descriptor commands and the socket and
 * interface commands.  Terminal ioctls are not part of nkesim.
 */
#ifndef _SYS_IOCTL_H_
#define _SYS_IOCTL_H_

#include <sys/ioccom.h>
#include <sys/filio.h>
#include <sys/sockio.h>

#endif /* !_SYS_IOCTL_H_ */
