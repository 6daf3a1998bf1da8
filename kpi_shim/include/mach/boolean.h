/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <mach/boolean.h> - boolean_t, TRUE and FALSE (kernel world).  On x86_64
 * Darwin boolean_t is an unsigned int.
 */
#ifndef _MACH_BOOLEAN_H_
#define _MACH_BOOLEAN_H_

typedef unsigned int boolean_t;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

#endif /* !_MACH_BOOLEAN_H_ */
