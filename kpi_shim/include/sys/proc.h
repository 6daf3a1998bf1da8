/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/proc.h> - process accessors and BSD sleep/wakeup (kernel world).
 *
 * nkesim has one simulated "current process" (pid 0, kernel_task, uid 0 by
 * default; the simulator changes it when a callback runs on behalf of a
 * captured process).  proc_t handles are opaque.
 *
 * Sleeping never hangs the single-threaded simulation: a sleeping thread
 * lets due callouts run, in deadline order, advancing the simulated clock,
 * until one wakes its channel or its timeout passes; a sleep nothing can
 * ever end is a simulated panic.
 */
#ifndef _SYS_PROC_H_
#define _SYS_PROC_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/param.h>
#include <sys/queue.h>
#include <sys/select.h>
#include <sys/lock.h>
#include <sys/time.h>
#include <sys/kernel_types.h>
#include <mach/boolean.h>
#include <mach/mach_types.h>

__BEGIN_DECLS

extern proc_t kernproc;

/*
 * Sleep on `chan` until wakeup(chan) or until the relative timeout `ts`
 * (NULL or zero: no timeout).  mtx, if not NULL, must be held: it is
 * released while sleeping and taken back before returning unless `pri`
 * has PDROP.  Returns 0 when woken, EWOULDBLOCK on timeout.  Blocks.
 */
extern int msleep(void *chan, lck_mtx_t *mtx, int pri, const char *wmesg, struct timespec *ts);
/* As msleep with a timeout in ticks (1/hz s); continuation, if any, gets the result. */
extern int msleep0(void *chan, lck_mtx_t *mtx, int pri, const char *wmesg, int timo,
    int (*continuation)(int));
/* Wake every thread sleeping on chan (none: nothing happens). */
extern void wakeup(void *chan);
/* Wake the thread that has slept longest on chan. */
extern void wakeup_one(caddr_t chan);

extern int proc_selfpid(void);
extern int proc_selfppid(void);
extern uint64_t proc_selfcsflags(void);
/* Send a signal: nkesim has no user processes, so this does nothing. */
extern void proc_signal(int pid, int signum);
extern int proc_isinferior(int pid1, int pid2);
/* Copy the name of process pid (or "" if unknown) into buf, NUL-terminated. */
void proc_name(int pid, char *buf, int size);
extern char *proc_best_name(proc_t p);
void proc_selfname(char *buf, int size);
/* A referenced handle to process pid, or PROC_NULL; drop with proc_rele(). */
extern proc_t proc_find(int pid);
/* The current process, referenced; drop with proc_rele(). */
extern proc_t proc_self(void);
extern int proc_rele(proc_t p);
extern int proc_pid(proc_t p);
extern int proc_ppid(proc_t p);
extern int proc_original_ppid(proc_t p);
extern int proc_starttime(proc_t p, struct timeval *tv);
extern int proc_noremotehang(proc_t p);
extern int proc_forcequota(proc_t p);
extern int proc_chrooted(proc_t p);
extern int proc_is64bit(proc_t p);
extern int proc_is64bit_data(proc_t p);
extern int proc_isinitproc(proc_t p);
extern int proc_exiting(proc_t p);
extern int proc_in_teardown(proc_t p);
/* 0 if the process has superuser credentials, else EPERM. */
extern int proc_suser(proc_t p);
kauth_cred_t proc_ucred(proc_t p) __deprecated;
extern int proc_issetugid(proc_t p);
pid_t proc_selfpgrpid(void);
pid_t proc_pgrpid(proc_t p);
pid_t proc_sessionid(proc_t p);

#define PROC_NULL ((proc_t)0)

#ifdef KERNEL_PRIVATE
/* As msleep without a mutex, timeout in ticks (0: none). */
extern int tsleep(void *chan, int pri, const char *wmesg, int timo);
/* As msleep with an absolute deadline (mach_absolute_time units; 0: none). */
extern int msleep1(void *chan, lck_mtx_t *mtx, int pri, const char *wmesg, u_int64_t timo);
task_t proc_task(proc_t p);
extern int proc_pidversion(proc_t p);
extern proc_t proc_parent(proc_t p);
extern uint32_t proc_getuid(proc_t p);
extern uint32_t proc_getgid(proc_t p);
extern uint64_t proc_uniqueid(proc_t p);
extern uint64_t proc_puniqueid(proc_t p);
#endif /* KERNEL_PRIVATE */

__END_DECLS

#endif /* !_SYS_PROC_H_ */
