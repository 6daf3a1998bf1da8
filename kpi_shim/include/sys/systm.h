/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/systm.h> - the BSD kernel's general-purpose declarations (kernel
 * world): printf and friends (via <libkern/libkern.h>), panic, the
 * bsd_timeout callouts, and the classic do-nothing helpers.  Like Apple's,
 * it also brings <sys/ioctl.h> and <sys/select.h>, which kexts rely on.
 */
#ifndef _SYS_SYSTM_H_
#define _SYS_SYSTM_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/time.h>
#include <sys/ioctl.h>
#include <sys/malloc.h>
#include <sys/select.h>
#include <sys/proc.h>
#include <libkern/libkern.h>
#include <kern/thread.h>
#include <kern/debug.h>

#define SYSINIT(a, b, c, d, e)
#define MALLOC_DEFINE(a, b, c)
#define getenv_int(a, b) (*b = 0)
#define KASSERT(exp, msg)

__BEGIN_DECLS

#ifdef KERNEL_PRIVATE
/*
 * Call fn(arg) once after `ticks` ticks (1/hz s); each call schedules an
 * independent callout.  Private KPIs: nkesim provides them and warns.
 */
void timeout(void (*)(void *), void *arg, int ticks);
void timeout_with_leeway(void (*)(void *), void *arg, int ticks, int leeway_ticks);
/* Cancel one pending timeout(fn, arg) (the earliest); does not wait. */
void untimeout(void (*)(void *), void *arg);
/* Ticks until the absolute wall-clock time tv / in the interval tv. */
int hzto(struct timeval *tv);
int tvtohz(struct timeval *tv);
#endif /* KERNEL_PRIVATE */

int nullop(void);
int nulldev(void);
int enoioctl(void);
int enosys(void);
int enxio(void);
int eopnotsupp(void);
/*
 * A zeroed table of `count` (rounded down to a power of two) list heads,
 * from _MALLOC(type); *hashmask gets size - 1.  Free with hashdestroy().
 */
void *hashinit(int count, int type, u_long *hashmask);
void hashdestroy(void *, int type, u_long hashmask);
/* bcopy that allows overlap. */
void ovbcopy(const void *from, void *to, size_t len);

typedef void (*timeout_fcn_t)(void *);
/*
 * Call fn(arg) once, on a callout thread, after the relative time ts (NULL
 * or zero: as soon as possible).  Each call schedules an independent
 * callout, even for the same (fn, arg).  Never blocks.
 */
void bsd_timeout(void (*)(void *), void *arg, struct timespec *ts);
/* Cancel one pending bsd_timeout(fn, arg) (the earliest); does not wait. */
void bsd_untimeout(void (*)(void *), void *arg);
/* Relative times to absolute-time intervals (ns). */
uint64_t tvtoabstime(struct timeval *);
uint64_t tstoabstime(struct timespec *);

__END_DECLS

#endif /* !_SYS_SYSTM_H_ */
