/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/time.h> - BSD time structures, the timeval macros, and the kernel's
 * clock readers (kernel world).  microtime()/nanotime() give the simulated
 * wall-clock time and microuptime()/nanouptime() the simulated time since
 * boot, both driven by the host (the capture's timestamps).
 */
#ifndef _SYS_TIME_H_
#define _SYS_TIME_H_

#include <sys/cdefs.h>
#include <sys/_types.h>
#include <sys/types.h>
#include <stdint.h>
#include <sys/_types/_timespec.h>
#include <sys/_types/_timeval.h>

struct itimerval {
	struct timeval it_interval;	/* timer interval */
	struct timeval it_value;	/* current value */
};

#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2

#define TIMEVAL_TO_TIMESPEC(tv, ts)                                              \
	{                                                                        \
		(ts)->tv_sec = (tv)->tv_sec;                                     \
		(ts)->tv_nsec = (tv)->tv_usec * 1000;                            \
	}
#define TIMESPEC_TO_TIMEVAL(tv, ts)                                              \
	{                                                                        \
		(tv)->tv_sec = (ts)->tv_sec;                                     \
		(tv)->tv_usec = (__darwin_suseconds_t)((ts)->tv_nsec / 1000);    \
	}

struct timezone {
	int tz_minuteswest;	/* minutes west of Greenwich */
	int tz_dsttime;		/* type of dst correction */
};
#define DST_NONE 0
#define DST_USA 1
#define DST_AUST 2
#define DST_WET 3
#define DST_MET 4
#define DST_EET 5
#define DST_CAN 6

/* Operations on timevals. */
#define timerclear(tvp) (tvp)->tv_sec = (tvp)->tv_usec = 0
#define timerisset(tvp) ((tvp)->tv_sec || (tvp)->tv_usec)
#define timercmp(tvp, uvp, cmp)                                                  \
	(((tvp)->tv_sec == (uvp)->tv_sec) ? ((tvp)->tv_usec cmp(uvp)->tv_usec)   \
	    : ((tvp)->tv_sec cmp(uvp)->tv_sec))
#define timeradd(tvp, uvp, vvp)                                                  \
	do {                                                                     \
		(vvp)->tv_sec = (tvp)->tv_sec + (uvp)->tv_sec;                   \
		(vvp)->tv_usec = (tvp)->tv_usec + (uvp)->tv_usec;                \
		if ((vvp)->tv_usec >= 1000000) {                                 \
			(vvp)->tv_sec++;                                         \
			(vvp)->tv_usec -= 1000000;                               \
		}                                                                \
	} while (0)
#define timersub(tvp, uvp, vvp)                                                  \
	do {                                                                     \
		(vvp)->tv_sec = (tvp)->tv_sec - (uvp)->tv_sec;                   \
		(vvp)->tv_usec = (tvp)->tv_usec - (uvp)->tv_usec;                \
		if ((vvp)->tv_usec < 0) {                                        \
			(vvp)->tv_sec--;                                         \
			(vvp)->tv_usec += 1000000;                               \
		}                                                                \
	} while (0)
#define timevalcmp(l, r, cmp) timercmp(l, r, cmp)

struct clockinfo {
	int hz;		/* clock frequency */
	int tick;	/* micro-seconds per hz tick */
	int tickadj;	/* clock skew rate for adjtime() */
	int stathz;	/* statistics clock frequency */
	int profhz;	/* profiling clock frequency */
};

__BEGIN_DECLS
/* Simulated wall-clock time. */
void microtime(struct timeval *tv);
void microtime_with_abstime(struct timeval *tv, uint64_t *abstime);
void nanotime(struct timespec *ts);
/* Simulated time since boot. */
void microuptime(struct timeval *tv);
void nanouptime(struct timespec *ts);
#define getmicrotime(a) microtime(a)
#define getmicrouptime(a) microuptime(a)
#define getnanotime(a) nanotime(a)
#define getnanouptime(a) nanouptime(a)
/* t1 += t2, t1 -= t2 (normalised); timevalfix normalises tv_usec. */
void timevaladd(struct timeval *t1, struct timeval *t2);
void timevalsub(struct timeval *t1, struct timeval *t2);
void timevalfix(struct timeval *t1);
__END_DECLS

#endif /* !_SYS_TIME_H_ */
