/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/_types/_timespec.h> - struct timespec, a time in seconds and
 * nanoseconds (kernel world), with Darwin's field types.
 */
#ifndef _STRUCT_TIMESPEC
#define _STRUCT_TIMESPEC struct timespec

#include <sys/_types.h>

_STRUCT_TIMESPEC {
	__darwin_time_t tv_sec;	/* whole seconds */
	long tv_nsec;		/* nanoseconds, 0..999999999 */
};

#endif /* !_STRUCT_TIMESPEC */
