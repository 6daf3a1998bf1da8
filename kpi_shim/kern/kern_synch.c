/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_synch.c - simulated kernel threads and sleep/wakeup (kernel world):
 * current_thread(), kernel_thread_start(), msleep/tsleep/wakeup,
 * assert_wait/thread_block/thread_wakeup, IOSleep, and the sleep engine the
 * lck_*_sleep() calls share.
 *
 * NKE-DIVERGENCE (the threading model): nkesim runs on one host thread.  It
 * models simulated threads - the main thread that delivers packets, one
 * thread per running callout, one per kernel_thread_start() - so lock
 * ownership is per simulated thread as in XNU, but only one of them runs
 * at a time and a thread that blocks cannot be resumed later.  Therefore:
 *  - a sleep runs the pending callouts itself, in deadline order, moving
 *    the simulated clock to each deadline, until one wakes its channel
 *    (returns 0 / THREAD_AWAKENED) or its timeout passes (the clock jumps
 *    to the timeout: EWOULDBLOCK / THREAD_TIMED_OUT);
 *  - a sleep without timeout that nothing pending can ever wake is a
 *    simulated panic ("would sleep forever") instead of a hang, unless the
 *    sleeping kext registered a kern_control: then it waits for its
 *    user-space client, which reads what is queued and may answer (the
 *    host plays it, e.g. nke-replay --ctl-script); if nothing answers, the
 *    sleep is reported ("ctl-sleep-unanswered") and ends as if it had
 *    timed out (EWOULDBLOCK / THREAD_TIMED_OUT) so the run goes on
 *    (kern_control.c, docs/kern_control.md);
 *  - taking a lock another simulated thread holds is a deadlock panic (the
 *    holder is suspended beneath the caller and cannot release it);
 *  - a kernel_thread_start() thread runs from start to end as a callout
 *    due immediately; if it sleeps forever, that panics too.
 */
#include "nke_svc.h"
#include "nke_ctl.h"

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <sys/param.h>
#include <sys/proc.h>
#include <kern/thread.h>
#include <kern/sched_prim.h>
#include <kern/clock.h>
#include <kern/locks.h>
#include <IOKit/IOLib.h>
#include <libkern/libkern.h>

#define THREAD_MAGIC 0x6e6b5448u	/* "nkTH" */
#define SLEEP_MAX_RUNS 1000000u		/* callouts one endless sleep may run */

struct thread *nke__curthread;

struct nke_waiter {
	int w_inuse;
	int w_woken;
	wait_result_t w_result;	/* what the waker said */
	event_t w_chan;
	struct thread *w_thread;
	uint64_t w_seq;		/* FIFO order for wakeup_one */
	int w_private;		/* nobody else knows the channel (IOSleep) */
};

static struct thread threads[NKE_THREADS_MAX];
static uint64_t next_tid;

/* --- Threads ----------------------------------------------------------------- */

struct thread *
nke__thread_new(int kind, const char *name)
{
	struct thread *th = NULL;
	unsigned i;

	for (i = 0; i < NKE_THREADS_MAX; i++) {
		if (!threads[i].th_inuse) {
			th = &threads[i];
			break;
		}
	}
	if (th == NULL)
		return NULL;
	memset(th, 0, sizeof(*th));
	th->th_magic = THREAD_MAGIC;
	th->th_inuse = 1;
	th->th_kind = kind;
	th->th_refs = 1;
	th->th_alive = 1;
	th->th_tid = ++next_tid;
	strlcpy(th->th_name, name != NULL ? name : "", sizeof(th->th_name));
	return th;
}

struct thread *
nke__thread_switch(struct thread *to)
{
	struct thread *prev = nke__curthread;

	nke__curthread = to;
	return prev;
}

/* A thread record goes when nothing refers to it any more. */
static void
thread_maybe_release(struct thread *th)
{
	/* Locks it still owns point at it: keep it for their messages. */
	if (th->th_refs == 0 && !th->th_alive && th->th_nheld == 0 && th->th_kind != NKE_TH_MAIN)
		th->th_inuse = 0;
}

void
nke__thread_exit(struct thread *th)
{
	if (th->th_nheld > 0) {
		char label[96], held[256];

		nke__report("lock-held-at-return", "%s returned holding %u lock(s): %s",
		    nke__thread_label(th, label, sizeof(label)), th->th_nheld,
		    nke__locks_held_describe(th, held, sizeof(held)));
	}
	if (th->th_waiter != NULL) {
		/* assert_wait() without thread_block(): the wait is dropped. */
		th->th_waiter->w_inuse = 0;
		th->th_waiter = NULL;
	}
	th->th_alive = 0;
	th->th_refs--;
	thread_maybe_release(th);
}

const char *
nke__thread_label(const struct thread *th, char *buf, size_t size)
{
	if (th == NULL)
		nke__snprintf(buf, size, "no thread");
	else
		nke__snprintf(buf, size, "thread %llu (%s)", (unsigned long long)th->th_tid,
		    th->th_name);
	return buf;
}

struct thread *
nke__thread_by_index(unsigned i)
{
	return i < NKE_THREADS_MAX && threads[i].th_inuse ? &threads[i] : NULL;
}

struct thread *
nke__current_thread(void)
{
	return nke__curthread;
}

static struct thread *
thread_check(thread_t th, const char *who)
{
	if (th == NULL || th->th_magic != THREAD_MAGIC || !th->th_inuse)
		nke__panic("%s: %p is not a live thread", who, (void *)th);
	return th;
}

NKE_KPI thread_t
current_thread(void)
{
	return nke__curthread;
}

NKE_KPI uint64_t
thread_tid(thread_t thread)
{
	return thread_check(thread, "thread_tid")->th_tid;
}

NKE_KPI void
thread_reference(thread_t thread)
{
	thread_check(thread, "thread_reference")->th_refs++;
}

NKE_KPI void
thread_deallocate(thread_t thread)
{
	struct thread *th;

	if (thread == THREAD_NULL)
		return;
	th = thread_check(thread, "thread_deallocate");
	if (th->th_refs <= (th->th_alive ? 1 : 0))
		nke__panic("thread_deallocate: thread %llu released more often than referenced",
		    (unsigned long long)th->th_tid);
	th->th_refs--;
	thread_maybe_release(th);
}

NKE_KPI boolean_t
thread_has_thread_name(thread_t th)
{
	return thread_check(th, "thread_has_thread_name")->th_name[0] != '\0';
}

NKE_KPI void
thread_set_thread_name(thread_t th, const char *name)
{
	thread_check(th, "thread_set_thread_name");
	strlcpy(th->th_name, name != NULL ? name : "", sizeof(th->th_name));
}

NKE_KPI kern_return_t
kernel_thread_start(thread_continue_t continuation, void *parameter, thread_t *new_thread)
{
	struct thread *th;

	*new_thread = THREAD_NULL;
	if (continuation == NULL)
		return KERN_INVALID_ARGUMENT;
	th = nke__thread_new(NKE_TH_KTHREAD, "kernel_thread_start");
	if (th == NULL)
		return KERN_RESOURCE_SHORTAGE;
	th->th_cont = continuation;
	th->th_param = parameter;
	if (nke__callout_kthread(th) != 0) {
		th->th_alive = 0;
		th->th_refs = 0;
		thread_maybe_release(th);
		return KERN_RESOURCE_SHORTAGE;
	}
	th->th_refs++; /* the caller's */
	*new_thread = th;
	return KERN_SUCCESS;
}

/* --- The sleep engine ------------------------------------------------------ */

/* Waiters live here, not on the sleepers' stacks: a panic may unwind them. */
static struct nke_waiter waiters[NKE_THREADS_MAX];
static uint64_t waiter_seq;

static nke_idle_hook_t idle_hook;
static void *idle_hook_arg;

void
nke__sleep_set_idle_hook(nke_idle_hook_t fn, void *arg)
{
	idle_hook = fn;
	idle_hook_arg = arg;
}

/* Start waiting for chan (a wakeup from now on counts). */
static struct nke_waiter *
waiter_add(event_t chan, const char *who)
{
	unsigned i;

	for (i = 0; i < NKE_THREADS_MAX; i++) {
		struct nke_waiter *w = &waiters[i];

		if (!w->w_inuse) {
			w->w_inuse = 1;
			w->w_woken = 0;
			w->w_result = THREAD_AWAKENED;
			w->w_chan = chan;
			w->w_thread = nke__curthread;
			w->w_seq = ++waiter_seq;
			w->w_private = 0;
			return w;
		}
	}
	nke__panic("%s: more than %u simultaneous sleepers", who, NKE_THREADS_MAX);
}

/* Let callouts run until w is woken or the deadline (0: none) passes. */
static wait_result_t
waiter_wait(struct nke_waiter *w, uint64_t deadline, const char *who)
{
	event_t chan = w->w_chan;
	wait_result_t res;
	unsigned runs = 0;
	uint64_t next;

	for (;;) {
		int have;

		if (w->w_woken) {
			res = w->w_result;
			break;
		}
		have = nke__callout_peek(&next);
		if (!have || (deadline != 0 && next > deadline)) {
			/* Idle: the host, or a kern_control client, may still act. */
			if (runs++ < SLEEP_MAX_RUNS &&
			    ((idle_hook != NULL && idle_hook(idle_hook_arg)) ||
			        (!w->w_private && nke__ctl_sleep_idle(who))))
				continue;
			if (deadline != 0) {
				nke__clock_advance_to(deadline);
				res = THREAD_TIMED_OUT;
				break;
			}
			if (nke__ctl_sleep_unanswered(who, chan)) {
				res = THREAD_TIMED_OUT;
				break;
			}
			w->w_inuse = 0;
			nke__panic("%s would sleep forever: nothing can wake channel %p", who, chan);
		}
		if (++runs > SLEEP_MAX_RUNS) {
			w->w_inuse = 0;
			nke__panic("%s would sleep forever: %u callouts ran and none woke channel %p",
			    who, SLEEP_MAX_RUNS, chan);
		}
		nke__callout_run_first();
	}
	w->w_inuse = 0;
	return res;
}

wait_result_t
nke__block(event_t chan, uint64_t deadline, const char *who)
{
	return waiter_wait(waiter_add(chan, who), deadline, who);
}

/* Wake up to n waiters of event (oldest first), or only `thread`'s. */
static unsigned
wake(event_t event, unsigned n, wait_result_t result, struct thread *thread)
{
	unsigned woken = 0;

	while (woken < n) {
		struct nke_waiter *first = NULL;
		unsigned i;

		for (i = 0; i < NKE_THREADS_MAX; i++) {
			struct nke_waiter *w = &waiters[i];

			if (w->w_inuse && !w->w_woken && w->w_chan == event &&
			    (thread == NULL || w->w_thread == thread) &&
			    (first == NULL || w->w_seq < first->w_seq))
				first = w;
		}
		if (first == NULL)
			break;
		first->w_woken = 1;
		first->w_result = result;
		woken++;
	}
	return woken;
}

NKE_KPI void
wakeup(void *chan)
{
	(void)wake(chan, ~0u, THREAD_AWAKENED, NULL);
}

NKE_KPI void
wakeup_one(caddr_t chan)
{
	(void)wake(chan, 1, THREAD_AWAKENED, NULL);
}

NKE_KPI kern_return_t
thread_wakeup_prim(event_t event, boolean_t one_thread, wait_result_t result)
{
	return wake(event, one_thread ? 1 : ~0u, result, NULL) > 0 ? KERN_SUCCESS :
	    KERN_NOT_WAITING;
}

NKE_KPI kern_return_t
thread_wakeup_nthreads_prim(event_t event, uint32_t nthreads, wait_result_t result)
{
	return wake(event, nthreads, result, NULL) > 0 ? KERN_SUCCESS : KERN_NOT_WAITING;
}

NKE_KPI kern_return_t
thread_wakeup_thread(event_t event, thread_t thread)
{
	return wake(event, 1, THREAD_AWAKENED, thread) > 0 ? KERN_SUCCESS : KERN_NOT_WAITING;
}

/* --- assert_wait / thread_block ------------------------------------------ */

static wait_result_t
assert_wait_common(event_t event, uint64_t deadline, const char *who)
{
	struct thread *th = nke__curthread;

	if (th->th_waiter != NULL)
		nke__panic("%s: the thread already asserted a wait", who);
	if (event == NO_EVENT)
		return THREAD_WAITING;
	th->th_waiter = waiter_add(event, who);
	th->th_wait_deadline = deadline;
	return THREAD_WAITING;
}

NKE_KPI wait_result_t
assert_wait(event_t event, wait_interrupt_t interruptible)
{
	(void)interruptible;
	return assert_wait_common(event, 0, "assert_wait");
}

NKE_KPI wait_result_t
assert_wait_timeout(event_t event, wait_interrupt_t interruptible, uint32_t interval,
    uint32_t scale_factor)
{
	uint64_t deadline;

	(void)interruptible;
	clock_interval_to_deadline(interval, scale_factor, &deadline);
	return assert_wait_common(event, deadline, "assert_wait_timeout");
}

NKE_KPI wait_result_t
assert_wait_deadline(event_t event, wait_interrupt_t interruptible, uint64_t deadline)
{
	(void)interruptible;
	return assert_wait_common(event, deadline, "assert_wait_deadline");
}

/*
 * NKE-DIVERGENCE: with a continuation XNU discards the stack and never
 * returns; here the continuation is called with the result, then
 * thread_block returns it.
 */
NKE_KPI wait_result_t
thread_block_parameter(thread_continue_t continuation, void *parameter)
{
	struct thread *th = nke__curthread;
	struct nke_waiter *w = th->th_waiter;
	wait_result_t wr = THREAD_AWAKENED;

	/* Without an asserted wait the thread only yields. */
	if (w != NULL) {
		th->th_waiter = NULL;
		nke__assert_may_block("thread_block");
		wr = waiter_wait(w, th->th_wait_deadline, "thread_block()");
	}
	if (continuation != NULL)
		continuation(parameter, wr);
	return wr;
}

NKE_KPI wait_result_t
thread_block(thread_continue_t continuation)
{
	return thread_block_parameter(continuation, NULL);
}

/*
 * XNU's _sleep(): `abstime` is an absolute deadline, 0 for none.  A NULL
 * channel asserts no wait, so the thread does not sleep at all.
 */
static int
bsd_sleep(void *chan, lck_mtx_t *mtx, int pri, const char *wmesg, uint64_t abstime,
    const char *what)
{
	char who[96];
	wait_result_t wr;

	if (mtx != NULL && !nke__mtx_held_by_cur(mtx))
		nke__panic("%s(\"%s\"): mutex %p is not held by the sleeping thread", what,
		    wmesg != NULL ? wmesg : "", (void *)mtx);
	nke__assert_may_block(what);
	if (mtx != NULL)
		lck_mtx_unlock(mtx);
	if (chan == NULL) {
		nke__warn("sleep-null-channel",
		    "%s(NULL, ..., \"%s\") does not sleep: XNU returns at once", what,
		    wmesg != NULL ? wmesg : "");
		wr = THREAD_AWAKENED;
	} else {
		nke__snprintf(who, sizeof(who), "%s(\"%s\")", what, wmesg != NULL ? wmesg : "");
		wr = nke__block(chan, abstime, who);
	}
	if (mtx != NULL && !(pri & PDROP)) {
		if (pri & PSPIN)
			lck_mtx_lock_spin(mtx);
		else
			lck_mtx_lock(mtx);
	}
	return wr == THREAD_TIMED_OUT ? EWOULDBLOCK : 0;
}

NKE_KPI int
msleep(void *chan, lck_mtx_t *mtx, int pri, const char *wmesg, struct timespec *ts)
{
	uint64_t abstime = 0;

	if (ts != NULL && (ts->tv_sec != 0 || ts->tv_nsec != 0)) {
		nanoseconds_to_absolutetime((uint64_t)ts->tv_sec * NSEC_PER_SEC +
		    (uint64_t)ts->tv_nsec, &abstime);
		clock_absolutetime_interval_to_deadline(abstime, &abstime);
	}
	return bsd_sleep(chan, mtx, pri, wmesg, abstime, "msleep");
}

NKE_KPI int
msleep1(void *chan, lck_mtx_t *mtx, int pri, const char *wmesg, u_int64_t timo)
{
	return bsd_sleep(chan, mtx, pri, wmesg, timo, "msleep1");
}

/*
 * NKE-DIVERGENCE: with a continuation XNU never returns from msleep0(); here
 * the continuation is called with the result and its value returned.
 */
NKE_KPI int
msleep0(void *chan, lck_mtx_t *mtx, int pri, const char *wmesg, int timo,
    int (*continuation)(int))
{
	uint64_t abstime = 0;
	int error;

	if (timo != 0)
		clock_interval_to_deadline((uint32_t)timo, (uint32_t)(NSEC_PER_SEC / 100),
		    &abstime);
	error = bsd_sleep(chan, mtx, pri, wmesg, abstime, "msleep0");
	return continuation != NULL ? continuation(error) : error;
}

NKE_KPI int
tsleep(void *chan, int pri, const char *wmesg, int timo)
{
	uint64_t abstime = 0;

	if (timo != 0)
		clock_interval_to_deadline((uint32_t)timo, (uint32_t)(NSEC_PER_SEC / 100),
		    &abstime);
	return bsd_sleep(chan, NULL, pri, wmesg, abstime, "tsleep");
}

static void
io_sleep(uint64_t ns, const char *who)
{
	char chan; /* nobody can wake this */
	uint64_t deadline;
	struct nke_waiter *w;

	nke__assert_may_block(who);
	clock_absolutetime_interval_to_deadline(ns, &deadline);
	/* A delay: no control client can end it, so none is asked to. */
	w = waiter_add(&chan, who);
	w->w_private = 1;
	(void)waiter_wait(w, deadline, who);
}

NKE_KPI void
IOSleep(unsigned milliseconds)
{
	io_sleep((uint64_t)milliseconds * NSEC_PER_MSEC, "IOSleep");
}

NKE_KPI void
IOSleepWithLeeway(unsigned intervalMilliseconds, unsigned leewayMilliseconds)
{
	(void)leewayMilliseconds;
	io_sleep((uint64_t)intervalMilliseconds * NSEC_PER_MSEC, "IOSleepWithLeeway");
}

/* --- Module hooks ---------------------------------------------------------- */

void
nke__synch_init(void)
{
	memset(threads, 0, sizeof(threads));
	memset(waiters, 0, sizeof(waiters));
	next_tid = 0;
	waiter_seq = 0;
	idle_hook = NULL;
	idle_hook_arg = NULL;
	nke__curthread = nke__thread_new(NKE_TH_MAIN, "main");
}

void
nke__synch_fini(void)
{
	memset(threads, 0, sizeof(threads));
	memset(waiters, 0, sizeof(waiters));
	nke__curthread = NULL;
	idle_hook = NULL;
}
