/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <kern/clock.h> - the Mach clock KPI (kernel world): calendar and system
 * time readers and conversions between intervals, nanoseconds and absolute
 * time.  Absolute-time units are nanoseconds (timebase 1/1); all of it reads
 * the simulated clock the host drives (NKS_clock_set).
 */
#ifndef _KERN_CLOCK_H_
#define _KERN_CLOCK_H_

#include <sys/cdefs.h>
#include <stdint.h>
#include <mach/mach_types.h>
#include <mach/clock_types.h>
#include <mach/mach_time.h>
#include <mach/boolean.h>
#include <kern/kern_types.h>

typedef unsigned long clock_sec_t;
typedef unsigned int clock_usec_t, clock_nsec_t;

__BEGIN_DECLS

/* Wall-clock time. */
extern void clock_get_calendar_microtime(clock_sec_t *secs, clock_usec_t *microsecs);
extern void clock_get_calendar_absolute_and_microtime(clock_sec_t *secs,
    clock_usec_t *microsecs, uint64_t *abstime);
extern void clock_get_calendar_nanotime(clock_sec_t *secs, clock_nsec_t *nanosecs);
/* Time since boot. */
extern void clock_get_system_microtime(clock_sec_t *secs, clock_usec_t *microsecs);
extern void clock_get_system_nanotime(clock_sec_t *secs, clock_nsec_t *nanosecs);

extern void clock_timebase_info(mach_timebase_info_t info);
extern void clock_get_uptime(uint64_t *result);
/* now + interval * scale_factor ns, as an absolute time. */
extern void clock_interval_to_deadline(uint32_t interval, uint32_t scale_factor,
    uint64_t *result);
extern void nanoseconds_to_deadline(uint64_t interval, uint64_t *result);
extern void clock_interval_to_absolutetime_interval(uint32_t interval, uint32_t scale_factor,
    uint64_t *result);
extern void clock_absolutetime_interval_to_deadline(uint64_t abstime, uint64_t *result);
extern void clock_continuoustime_interval_to_deadline(uint64_t abstime, uint64_t *result);
/* Spin until the deadline: in nkesim the simulated clock jumps there. */
extern void clock_delay_until(uint64_t deadline);
extern void absolutetime_to_nanoseconds(uint64_t abstime, uint64_t *result);
extern void nanoseconds_to_absolutetime(uint64_t nanoseconds, uint64_t *result);
extern void absolutetime_to_microtime(uint64_t abstime, clock_sec_t *secs,
    clock_usec_t *microsecs);
extern uint64_t absolutetime_to_continuoustime(uint64_t abstime);
extern uint64_t continuoustime_to_absolutetime(uint64_t conttime);

/* Busy-wait: in nkesim the simulated clock moves forward by the interval. */
extern void delay_for_interval(uint32_t interval, uint32_t scale_factor);
extern void delay_for_interval_with_leeway(uint32_t interval, uint32_t leeway,
    uint32_t scale_factor);

#ifdef KERNEL_PRIVATE
extern void delay(int usec);
#endif

__END_DECLS

#endif /* !_KERN_CLOCK_H_ */
