/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <mach/mach_time.h> - Mach absolute time (kernel world).  In nkesim the
 * absolute-time unit is the nanosecond (timebase 1/1) and the clock is the
 * simulated one, driven by the capture's timestamps.
 */
#ifndef _MACH_MACH_TIME_H_
#define _MACH_MACH_TIME_H_

#include <sys/cdefs.h>
#include <stdint.h>
#include <mach/mach_types.h>

struct mach_timebase_info {
	uint32_t numer;
	uint32_t denom;
};
typedef struct mach_timebase_info *mach_timebase_info_t;
typedef struct mach_timebase_info mach_timebase_info_data_t;

__BEGIN_DECLS
/* Time since the simulated boot, in absolute-time units (ns); never blocks. */
uint64_t mach_absolute_time(void);
uint64_t mach_approximate_time(void);
/* Like mach_absolute_time, counting sleep too (the simulation never sleeps). */
uint64_t mach_continuous_time(void);
uint64_t mach_continuous_approximate_time(void);
uint64_t mach_continuous_speculative_time(void);
__END_DECLS

#endif /* !_MACH_MACH_TIME_H_ */
