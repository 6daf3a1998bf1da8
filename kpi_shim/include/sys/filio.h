/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/filio.h> - generic descriptor ioctls (kernel world), Darwin values.
 */
#ifndef _SYS_FILIO_H_
#define _SYS_FILIO_H_

#include <sys/ioccom.h>

#define FIOCLEX   _IO('f', 1)         /* close on exec */
#define FIONCLEX  _IO('f', 2)         /* do not close on exec */
#define FIODTYPE  _IOR('f', 122, int) /* descriptor type */
#define FIOGETOWN _IOR('f', 123, int) /* owner */
#define FIOSETOWN _IOW('f', 124, int) /* set owner */
#define FIOASYNC  _IOW('f', 125, int) /* asynchronous i/o on/off */
#define FIONBIO   _IOW('f', 126, int) /* non-blocking i/o on/off */
#define FIONREAD  _IOR('f', 127, int) /* bytes ready to read */

#endif /* !_SYS_FILIO_H_ */
