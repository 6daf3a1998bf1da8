/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <libkern/OSBase.h> - base definitions of libkern (kernel world): the
 * OSTypes scalars and, for KERNEL_PRIVATE code, AbsoluteTime helpers.
 */
#ifndef _OS_OSBASE_H
#define _OS_OSBASE_H

#include <sys/cdefs.h>
#include <stdint.h>
#include <libkern/OSTypes.h>

#ifdef KERNEL_PRIVATE
#define AbsoluteTime_to_scalar(x) (*(uint64_t *)(x))
#define CMP_ABSOLUTETIME(t1, t2)                                                 \
	(AbsoluteTime_to_scalar(t1) > AbsoluteTime_to_scalar(t2) ? (int)+1 :     \
	 (AbsoluteTime_to_scalar(t1) < AbsoluteTime_to_scalar(t2) ? (int)-1 : 0))
#define ADD_ABSOLUTETIME(t1, t2) (AbsoluteTime_to_scalar(t1) += AbsoluteTime_to_scalar(t2))
#define SUB_ABSOLUTETIME(t1, t2) (AbsoluteTime_to_scalar(t1) -= AbsoluteTime_to_scalar(t2))
#define ADD_ABSOLUTETIME_TICKS(t1, ticks) (AbsoluteTime_to_scalar(t1) += (int32_t)(ticks))
#endif /* KERNEL_PRIVATE */

#endif /* !_OS_OSBASE_H */
