/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/select.h> - descriptor sets and the select-wakeup KPI (kernel
 * world).  struct selinfo is opaque to kexts; a driver records interested
 * threads with selrecord() and wakes them with selwakeup().
 */
#ifndef _SYS_SELECT_H_
#define _SYS_SELECT_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/kernel_types.h>
#include <sys/_types/_timeval.h>
#include <sys/_types/_timespec.h>

#ifndef _FD_SET
#define _FD_SET

#ifdef FD_SETSIZE
#define __DARWIN_FD_SETSIZE FD_SETSIZE
#else
#define __DARWIN_FD_SETSIZE 1024
#endif
#define __DARWIN_NBBY          8
#define __DARWIN_NFDBITS       (sizeof(__int32_t) * __DARWIN_NBBY)
#define __DARWIN_howmany(x, y) ((((x) % (y)) == 0) ? ((x) / (y)) : (((x) / (y)) + 1))

/* A bit per descriptor, in 32-bit words. */
typedef struct fd_set {
	__int32_t fds_bits[__DARWIN_howmany(__DARWIN_FD_SETSIZE, __DARWIN_NFDBITS)];
} fd_set;

__header_always_inline int
__darwin_fd_isset(int fd, const struct fd_set *set)
{
	unsigned long n = (unsigned long)fd;

	return set->fds_bits[n / __DARWIN_NFDBITS] & (__int32_t)(1UL << (n % __DARWIN_NFDBITS));
}

__header_always_inline void
__darwin_fd_set(int fd, struct fd_set *const set)
{
	unsigned long n = (unsigned long)fd;

	set->fds_bits[n / __DARWIN_NFDBITS] |= (__int32_t)(1UL << (n % __DARWIN_NFDBITS));
}

__header_always_inline void
__darwin_fd_clr(int fd, struct fd_set *const set)
{
	unsigned long n = (unsigned long)fd;

	set->fds_bits[n / __DARWIN_NFDBITS] &= ~(__int32_t)(1UL << (n % __DARWIN_NFDBITS));
}

#define __DARWIN_FD_SET(n, p)   __darwin_fd_set((n), (p))
#define __DARWIN_FD_CLR(n, p)   __darwin_fd_clr((n), (p))
#define __DARWIN_FD_ISSET(n, p) __darwin_fd_isset((n), (p))
#define __DARWIN_FD_ZERO(p)     __builtin_memset((p), 0, sizeof(*(p)))
#define __DARWIN_FD_COPY(f, t)  __builtin_memcpy((t), (f), sizeof(*(f)))

#endif /* !_FD_SET */

#ifndef FD_SETSIZE
#define FD_SETSIZE __DARWIN_FD_SETSIZE
#endif
/* <sys/types.h> may already provide some of these. */
#ifndef NBBY
#define NBBY __DARWIN_NBBY
#endif
#ifndef NFDBITS
#define NFDBITS __DARWIN_NFDBITS
#endif
#ifndef howmany
#define howmany(x, y) __DARWIN_howmany(x, y)
#endif
#ifndef FD_SET
#define FD_SET(n, p)   __DARWIN_FD_SET(n, p)
#define FD_CLR(n, p)   __DARWIN_FD_CLR(n, p)
#define FD_ISSET(n, p) __DARWIN_FD_ISSET(n, p)
#define FD_ZERO(p)     __DARWIN_FD_ZERO(p)
#define FD_COPY(f, t)  __DARWIN_FD_COPY(f, t)
#endif

struct selinfo;

__BEGIN_DECLS

extern int selwait;

/*
 * Record that the thread running a select on behalf of selector waits for
 * the object described by sip; p_wql is the opaque wait-queue link handed
 * to the driver's select routine.
 */
void selrecord(proc_t selector, struct selinfo *sip, void *p_wql);

/* Wake every thread recorded on sip. */
void selwakeup(struct selinfo *sip);

/* Forget the recorded threads (before freeing sip). */
void selthreadclear(struct selinfo *sip);

__END_DECLS

#endif /* !_SYS_SELECT_H_ */
