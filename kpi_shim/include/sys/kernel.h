/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/kernel.h> - global kernel variables (kernel world).  hz (100 ticks
 * per second) and tick (10000 us) are declared only for KERNEL_PRIVATE
 * code, as in Apple's SDK.
 */
#ifndef _SYS_KERNEL_H_
#define _SYS_KERNEL_H_

#include <sys/param.h>

#ifdef KERNEL_PRIVATE
__BEGIN_DECLS
extern struct timezone tz;
extern int tick;	/* usec per tick (1000000 / hz) */
extern int hz;		/* system clock's frequency */
__END_DECLS
#endif /* KERNEL_PRIVATE */

#endif /* !_SYS_KERNEL_H_ */
