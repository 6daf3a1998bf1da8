/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <mach/clock_types.h> - Mach clock types and the NSEC_PER_* constants
 * (kernel world).
 */
#ifndef _MACH_CLOCK_TYPES_H_
#define _MACH_CLOCK_TYPES_H_

#include <stdint.h>

typedef int alarm_type_t;
typedef int sleep_type_t;
typedef int clock_id_t;
typedef int clock_flavor_t;
typedef int *clock_attr_t;
typedef int clock_res_t;

struct mach_timespec {
	unsigned int tv_sec;
	clock_res_t tv_nsec;
};
typedef struct mach_timespec mach_timespec_t;

#define SYSTEM_CLOCK 0
#define CALENDAR_CLOCK 1
#define REALTIME_CLOCK 0

#define CLOCK_GET_TIME_RES 1
#define CLOCK_ALARM_CURRES 3
#define CLOCK_ALARM_MINRES 4
#define CLOCK_ALARM_MAXRES 5

#define NSEC_PER_USEC 1000ull
#define USEC_PER_SEC 1000000ull
#define NSEC_PER_SEC 1000000000ull
#define NSEC_PER_MSEC 1000000ull

#define BAD_MACH_TIMESPEC(t) ((t)->tv_nsec < 0 || (t)->tv_nsec >= (long)NSEC_PER_SEC)

/* Sign of (t1 - t2), saturated to +-1 s, else the nanosecond difference. */
#define CMP_MACH_TIMESPEC(t1, t2)                                          \
	((t1)->tv_sec > (t2)->tv_sec ? (long)+NSEC_PER_SEC :               \
	 (t1)->tv_sec < (t2)->tv_sec ? (long)-NSEC_PER_SEC :               \
	 (long)((t1)->tv_nsec - (t2)->tv_nsec))

#define ADD_MACH_TIMESPEC(t1, t2)                                          \
	do {                                                               \
		(t1)->tv_nsec += (t2)->tv_nsec;                            \
		if ((t1)->tv_nsec >= (long)NSEC_PER_SEC) {                 \
			(t1)->tv_nsec -= (long)NSEC_PER_SEC;               \
			(t1)->tv_sec += 1;                                 \
		}                                                          \
		(t1)->tv_sec += (t2)->tv_sec;                              \
	} while (0)

#define SUB_MACH_TIMESPEC(t1, t2)                                          \
	do {                                                               \
		(t1)->tv_nsec -= (t2)->tv_nsec;                            \
		if ((t1)->tv_nsec < 0) {                                   \
			(t1)->tv_nsec += (long)NSEC_PER_SEC;               \
			(t1)->tv_sec -= 1;                                 \
		}                                                          \
		(t1)->tv_sec -= (t2)->tv_sec;                              \
	} while (0)

#define ALRMTYPE 0xff
#define TIME_ABSOLUTE 0x00
#define TIME_RELATIVE 0x01
#define BAD_ALRMTYPE(t) (((t) & ~TIME_RELATIVE) != 0)

#endif /* !_MACH_CLOCK_TYPES_H_ */
