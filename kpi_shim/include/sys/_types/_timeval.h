/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/_types/_timeval.h> - struct timeval, a time in seconds and
 * microseconds (kernel world).  Darwin's layout: tv_sec is a long
 * (__darwin_time_t), tv_usec a 32-bit __darwin_suseconds_t.
 */
#ifndef _STRUCT_TIMEVAL
#define _STRUCT_TIMEVAL struct timeval

#include <sys/_types.h>

_STRUCT_TIMEVAL {
	__darwin_time_t tv_sec;		/* whole seconds */
	__darwin_suseconds_t tv_usec;	/* microseconds, 0..999999 */
};

#endif /* !_STRUCT_TIMEVAL */
