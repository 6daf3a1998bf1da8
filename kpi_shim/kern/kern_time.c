/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_time.c - the simulated clock and deferred work (kernel world): the
 * time KPIs (microtime, mach_absolute_time, clock_*), the callout queue
 * behind bsd_timeout/timeout/thread_call/kernel_thread_start, and the seam
 * calls NKS_clock_set() and NKS_callouts_pending().
 *
 * Time is the host's: NKS_clock_set() moves it (it only goes forward).
 * Absolute-time units are nanoseconds (timebase 1/1).  Callouts wait in one
 * queue ordered by deadline, FIFO among equal deadlines, and run on their
 * own simulated thread (kern_synch.c) when the host moves the clock past
 * their deadline, or when a sleeping thread lets them run.  While one runs
 * the clock reads its deadline (or later, never earlier).
 */
#include "nke_svc.h"
#include "kern_checks.h"

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <sys/time.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <kern/clock.h>
#include <kern/thread_call.h>
#include <mach/mach_time.h>
#include <IOKit/IOLib.h>

NKE_KPI int hz = 100;
NKE_KPI int tick = 10000;
NKE_KPI struct timezone tz;

/* --- The clock --------------------------------------------------------------- */

static uint64_t
uptime_now(void)
{
	return nke__clock_uptime_ns;
}

void
nke__clock_advance_to(uint64_t uptime)
{
	if (uptime > nke__clock_uptime_ns) {
		nke__clock_calendar_ns += (nks_i64)(uptime - nke__clock_uptime_ns);
		nke__clock_uptime_ns = uptime;
	}
}

/* Split signed ns into seconds and a non-negative remainder. */
static void
ns_split(nks_i64 ns, long *sec, long *rem)
{
	long s = (long)(ns / 1000000000);
	long r = (long)(ns % 1000000000);

	if (r < 0) {
		r += 1000000000;
		s--;
	}
	*sec = s;
	*rem = r;
}

NKE_KPI void
microtime(struct timeval *tv)
{
	long s, r;

	ns_split(nke__clock_calendar_ns, &s, &r);
	tv->tv_sec = s;
	tv->tv_usec = (__darwin_suseconds_t)(r / 1000);
}

NKE_KPI void
microtime_with_abstime(struct timeval *tv, uint64_t *abstime)
{
	microtime(tv);
	*abstime = uptime_now();
}

NKE_KPI void
nanotime(struct timespec *ts)
{
	long s, r;

	ns_split(nke__clock_calendar_ns, &s, &r);
	ts->tv_sec = s;
	ts->tv_nsec = r;
}

NKE_KPI void
microuptime(struct timeval *tv)
{
	uint64_t up = uptime_now();

	tv->tv_sec = (long)(up / NSEC_PER_SEC);
	tv->tv_usec = (__darwin_suseconds_t)((up % NSEC_PER_SEC) / NSEC_PER_USEC);
}

NKE_KPI void
nanouptime(struct timespec *ts)
{
	uint64_t up = uptime_now();

	ts->tv_sec = (long)(up / NSEC_PER_SEC);
	ts->tv_nsec = (long)(up % NSEC_PER_SEC);
}

NKE_KPI uint64_t
mach_absolute_time(void)
{
	return uptime_now();
}

NKE_KPI uint64_t
mach_approximate_time(void)
{
	return uptime_now();
}

/* The simulated machine never sleeps, so continuous time is uptime. */
NKE_KPI uint64_t
mach_continuous_time(void)
{
	return uptime_now();
}

NKE_KPI uint64_t
mach_continuous_approximate_time(void)
{
	return uptime_now();
}

NKE_KPI uint64_t
mach_continuous_speculative_time(void)
{
	return uptime_now();
}

NKE_KPI uint64_t
absolutetime_to_continuoustime(uint64_t abstime)
{
	return abstime;
}

NKE_KPI uint64_t
continuoustime_to_absolutetime(uint64_t conttime)
{
	return conttime;
}

NKE_KPI void
clock_get_uptime(uint64_t *result)
{
	*result = uptime_now();
}

NKE_KPI void
clock_timebase_info(mach_timebase_info_t info)
{
	info->numer = 1;
	info->denom = 1;
}

NKE_KPI void
clock_get_calendar_microtime(clock_sec_t *secs, clock_usec_t *microsecs)
{
	long s, r;

	ns_split(nke__clock_calendar_ns, &s, &r);
	*secs = (clock_sec_t)s;
	*microsecs = (clock_usec_t)(r / 1000);
}

NKE_KPI void
clock_get_calendar_absolute_and_microtime(clock_sec_t *secs, clock_usec_t *microsecs,
    uint64_t *abstime)
{
	clock_get_calendar_microtime(secs, microsecs);
	*abstime = uptime_now();
}

NKE_KPI void
clock_get_calendar_nanotime(clock_sec_t *secs, clock_nsec_t *nanosecs)
{
	long s, r;

	ns_split(nke__clock_calendar_ns, &s, &r);
	*secs = (clock_sec_t)s;
	*nanosecs = (clock_nsec_t)r;
}

NKE_KPI void
clock_get_system_microtime(clock_sec_t *secs, clock_usec_t *microsecs)
{
	uint64_t up = uptime_now();

	*secs = (clock_sec_t)(up / NSEC_PER_SEC);
	*microsecs = (clock_usec_t)((up % NSEC_PER_SEC) / NSEC_PER_USEC);
}

NKE_KPI void
clock_get_system_nanotime(clock_sec_t *secs, clock_nsec_t *nanosecs)
{
	uint64_t up = uptime_now();

	*secs = (clock_sec_t)(up / NSEC_PER_SEC);
	*nanosecs = (clock_nsec_t)(up % NSEC_PER_SEC);
}

NKE_KPI void
clock_interval_to_absolutetime_interval(uint32_t interval, uint32_t scale_factor,
    uint64_t *result)
{
	*result = (uint64_t)interval * scale_factor;
}

NKE_KPI void
clock_interval_to_deadline(uint32_t interval, uint32_t scale_factor, uint64_t *result)
{
	*result = uptime_now() + (uint64_t)interval * scale_factor;
}

NKE_KPI void
nanoseconds_to_deadline(uint64_t interval, uint64_t *result)
{
	*result = uptime_now() + interval;
}

NKE_KPI void
clock_absolutetime_interval_to_deadline(uint64_t abstime, uint64_t *result)
{
	*result = uptime_now() + abstime;
}

NKE_KPI void
clock_continuoustime_interval_to_deadline(uint64_t abstime, uint64_t *result)
{
	*result = uptime_now() + abstime;
}

NKE_KPI void
absolutetime_to_nanoseconds(uint64_t abstime, uint64_t *result)
{
	*result = abstime;
}

NKE_KPI void
nanoseconds_to_absolutetime(uint64_t nanoseconds, uint64_t *result)
{
	*result = nanoseconds;
}

NKE_KPI void
absolutetime_to_microtime(uint64_t abstime, clock_sec_t *secs, clock_usec_t *microsecs)
{
	*secs = (clock_sec_t)(abstime / NSEC_PER_SEC);
	*microsecs = (clock_usec_t)((abstime % NSEC_PER_SEC) / NSEC_PER_USEC);
}

/*
 * Busy waits.  NKE-DIVERGENCE: the simulated clock jumps forward, but no
 * callout runs meanwhile (on a real machine they would, on other CPUs).
 */
NKE_KPI void
clock_delay_until(uint64_t deadline)
{
	nke__clock_advance_to(deadline);
}

NKE_KPI void
delay_for_interval(uint32_t interval, uint32_t scale_factor)
{
	nke__clock_advance_to(uptime_now() + (uint64_t)interval * scale_factor);
}

NKE_KPI void
delay_for_interval_with_leeway(uint32_t interval, uint32_t leeway, uint32_t scale_factor)
{
	(void)leeway;
	delay_for_interval(interval, scale_factor);
}

NKE_KPI void
delay(int usec)
{
	if (usec > 0)
		delay_for_interval((uint32_t)usec, (uint32_t)NSEC_PER_USEC);
}

NKE_KPI void
IODelay(unsigned microseconds)
{
	delay_for_interval(microseconds, (uint32_t)NSEC_PER_USEC);
}

NKE_KPI void
IOPause(unsigned nanoseconds)
{
	delay_for_interval(nanoseconds, 1);
}

/* --- timeval helpers ----------------------------------------------------------- */

NKE_KPI void
timevalfix(struct timeval *t1)
{
	if (t1->tv_usec < 0) {
		t1->tv_sec--;
		t1->tv_usec += 1000000;
	}
	if (t1->tv_usec >= 1000000) {
		t1->tv_sec++;
		t1->tv_usec -= 1000000;
	}
}

NKE_KPI void
timevaladd(struct timeval *t1, struct timeval *t2)
{
	t1->tv_sec += t2->tv_sec;
	t1->tv_usec += t2->tv_usec;
	timevalfix(t1);
}

NKE_KPI void
timevalsub(struct timeval *t1, struct timeval *t2)
{
	t1->tv_sec -= t2->tv_sec;
	t1->tv_usec -= t2->tv_usec;
	timevalfix(t1);
}

NKE_KPI uint64_t
tvtoabstime(struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * NSEC_PER_SEC + (uint64_t)tv->tv_usec * NSEC_PER_USEC;
}

NKE_KPI uint64_t
tstoabstime(struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
}

/* Ticks in the interval tv, rounded up, plus one for the current tick. */
NKE_KPI int
tvtohz(struct timeval *tv)
{
	long sec = tv->tv_sec, usec = tv->tv_usec;
	unsigned long ticks;

	if (usec < 0) {
		sec--;
		usec += 1000000;
	}
	if (sec < 0)
		return 1;
	if (sec <= LONG_MAX / 1000000)
		ticks = ((unsigned long)sec * 1000000 + (unsigned long)usec + (unsigned long)tick - 1) /
		    (unsigned long)tick + 1;
	else if (sec <= LONG_MAX / hz)
		ticks = (unsigned long)sec * (unsigned long)hz +
		    ((unsigned long)usec + (unsigned long)tick - 1) / (unsigned long)tick + 1;
	else
		ticks = LONG_MAX;
	return ticks > INT_MAX ? INT_MAX : (int)ticks;
}

/* Ticks from now until the wall-clock time tv. */
NKE_KPI int
hzto(struct timeval *tv)
{
	struct timeval now;
	long sec, ticks;

	microtime(&now);
	sec = tv->tv_sec - now.tv_sec;
	if (sec <= 0x7fffffff / 1000 - 1000)
		ticks = ((tv->tv_sec - now.tv_sec) * 1000 + (tv->tv_usec - now.tv_usec) / 1000) /
		    (tick / 1000);
	else if (sec <= 0x7fffffff / hz)
		ticks = sec * hz;
	else
		ticks = 0x7fffffff;
	return (int)ticks;
}

/* --- Private-KPI warnings ------------------------------------------------------ */

static const char *warned[32];
static unsigned nwarned;

void
nke__warn_private_kpi(const char *name, int unsupported)
{
	unsigned i;

	for (i = 0; i < nwarned; i++)
		if (warned[i] == name || strcmp(warned[i], name) == 0)
			return;
	if (nwarned < sizeof(warned) / sizeof(warned[0]))
		warned[nwarned++] = name;
	if (unsupported)
		nke__warn("unsupported-kpi",
		    "%s is exported only in com.apple.kpi.unsupported; kexts should not use it",
		    name);
	else
		nke__warn("private-kpi", "%s is not available to third-party kexts on macOS",
		    name);
}

/* --- The callout queue --------------------------------------------------------- */

enum co_kind { CO_TIMEOUT = 1, CO_TCALL, CO_KTHREAD };

struct callout {
	struct callout *co_prev, *co_next;
	uint64_t co_deadline;
	uint64_t co_seq;	/* arming order: FIFO among equal deadlines */
	int co_kind;		/* enum co_kind */
	int co_queued;
	void (*co_fn)(void *);	/* CO_TIMEOUT */
	void *co_arg;
	struct thread *co_thread; /* CO_KTHREAD */
	uint32_t co_kext;	/* kext that armed it (thread calls: allocated it) */
};

#define TC_MAGIC 0x6e6b5443u	/* "nkTC" */
#define TC_DEAD 0x6e6b5478u

struct thread_call {
	struct callout tc_co;		/* first: a thread call is its queue entry */
	uint32_t tc_magic;
	int tc_delayed;			/* queued by an enter*_delayed */
	thread_call_func_t tc_func;
	thread_call_param_t tc_param0;
	thread_call_param_t tc_param1;
	thread_call_options_t tc_options;
	int tc_running;			/* invocations in flight */
	struct thread *tc_runner;	/* thread of the latest one */
	int tc_resched;			/* ONCE: entered again while running */
	int tc_resched_delayed;
	uint64_t tc_resched_deadline;
	int tc_free_pending;		/* freed from its own callback */
	struct thread_call *tc_prev, *tc_next; /* every call not yet freed */
};

static struct callout *q_head, *q_tail;
static uint32_t q_len;
static uint64_t q_seq;
static struct thread_call *calls;

static void
co_dequeue(struct callout *co)
{
	if (!co->co_queued)
		return;
	if (co->co_prev != NULL)
		co->co_prev->co_next = co->co_next;
	else
		q_head = co->co_next;
	if (co->co_next != NULL)
		co->co_next->co_prev = co->co_prev;
	else
		q_tail = co->co_prev;
	co->co_prev = co->co_next = NULL;
	co->co_queued = 0;
	q_len--;
}

static void
co_enqueue(struct callout *co, uint64_t deadline)
{
	struct callout *after;

	co_dequeue(co);
	co->co_deadline = deadline;
	co->co_seq = ++q_seq;
	/* Most new deadlines are the latest: search from the tail. */
	for (after = q_tail; after != NULL && after->co_deadline > deadline; after = after->co_prev)
		continue;
	co->co_prev = after;
	co->co_next = after != NULL ? after->co_next : q_head;
	if (co->co_next != NULL)
		co->co_next->co_prev = co;
	else
		q_tail = co;
	if (after != NULL)
		after->co_next = co;
	else
		q_head = co;
	co->co_queued = 1;
	q_len++;
}

static struct callout *
co_new(int kind)
{
	struct callout *co = NKH_alloc(NKS_ALLOC_KERNEL, sizeof(*co));

	if (co != NULL) {
		memset(co, 0, sizeof(*co));
		co->co_kind = kind;
		co->co_kext = nke__kext_current_id();
	}
	return co;
}

static void tc_finish(struct thread_call *tc);

/* Run `co` (queued) on a new simulated thread, clock at its deadline. */
static void
co_run(struct callout *co)
{
	struct thread *th, *prev;
	char name[NKE_THREAD_NAME_MAX];
	/* The callback is the arming kext's code (OSKextGetCurrentLoadTag &
	   co., and the owner of filters it registers). */
	uint32_t prev_kext = nke__kext_switch(co->co_kext);

	co_dequeue(co);
	nke__clock_advance_to(co->co_deadline);
	nke__chk_enter(0, co->co_kext, NULL,
	    co->co_kind == CO_TCALL ? "thread call" :
	    co->co_kind == CO_KTHREAD ? "kernel thread" : "timeout callout");
	switch (co->co_kind) {
	case CO_TIMEOUT: {
		void (*fn)(void *) = co->co_fn;
		void *arg = co->co_arg;

		NKH_free(co, sizeof(*co));
		nke__snprintf(name, sizeof(name), "timeout %p", (void *)(uintptr_t)fn);
		th = nke__thread_new(NKE_TH_CALLOUT, name);
		if (th == NULL)
			nke__panic("no free simulated thread for a callout (%d in use)", NKE_THREADS_MAX);
		prev = nke__thread_switch(th);
		fn(arg);
		nke__thread_exit(th);
		nke__thread_switch(prev);
		break;
	}
	case CO_TCALL: {
		struct thread_call *tc = (struct thread_call *)co;

		nke__snprintf(name, sizeof(name), "thread_call %p", (void *)(uintptr_t)tc->tc_func);
		th = nke__thread_new(NKE_TH_CALLOUT, name);
		if (th == NULL)
			nke__panic("no free simulated thread for a callout (%d in use)", NKE_THREADS_MAX);
		tc->tc_running++;
		tc->tc_runner = th;
		prev = nke__thread_switch(th);
		tc->tc_func(tc->tc_param0, tc->tc_param1);
		nke__thread_exit(th);
		nke__thread_switch(prev);
		tc_finish(tc);
		break;
	}
	case CO_KTHREAD:
		th = co->co_thread;
		NKH_free(co, sizeof(*co));
		prev = nke__thread_switch(th);
		th->th_cont(th->th_param, THREAD_AWAKENED);
		nke__thread_exit(th);
		nke__thread_switch(prev);
		break;
	default:
		nke__panic("callout %p has a bad kind %d", (void *)co, co->co_kind);
	}
	nke__chk_leave();
	nke__chk_forget();
	(void)nke__kext_switch(prev_kext);
}

int
nke__callout_peek(uint64_t *deadline)
{
	if (q_head == NULL)
		return 0;
	*deadline = q_head->co_deadline;
	return 1;
}

void
nke__callout_run_first(void)
{
	if (q_head != NULL)
		co_run(q_head);
}

int
nke__callout_kthread(struct thread *th)
{
	struct callout *co = co_new(CO_KTHREAD);

	if (co == NULL)
		return ENOMEM;
	co->co_thread = th;
	co_enqueue(co, uptime_now());
	return 0;
}

NKE_KPI void
NKS_clock_set(nks_i64 calendar_ns, nks_u64 uptime_ns)
{
	uint64_t limit = q_seq + 1; /* run only what is armed now */
	uint64_t target = uptime_ns > nke__clock_uptime_ns ? uptime_ns : nke__clock_uptime_ns;

	for (;;) {
		struct callout *co;

		for (co = q_head; co != NULL && co->co_deadline <= target; co = co->co_next)
			if (co->co_seq < limit)
				break;
		if (co == NULL || co->co_deadline > target)
			break;
		co_run(co);
	}
	if (calendar_ns > nke__clock_calendar_ns)
		nke__clock_calendar_ns = calendar_ns;
	if (uptime_ns > nke__clock_uptime_ns)
		nke__clock_uptime_ns = uptime_ns;
}

NKE_KPI nks_u32
NKS_callouts_pending(nks_u64 *next_deadline)
{
	if (next_deadline != NULL && q_head != NULL)
		*next_deadline = q_head->co_deadline;
	return q_len;
}

/* --- bsd_timeout / timeout ----------------------------------------------------- */

static void
timeout_arm(void (*fn)(void *), void *arg, uint64_t deadline, const char *who)
{
	struct callout *co;

	if (fn == NULL)
		nke__panic("%s: NULL function", who);
	co = co_new(CO_TIMEOUT);
	if (co == NULL)
		nke__panic("%s: no memory for a callout", who);
	co->co_fn = fn;
	co->co_arg = arg;
	co_enqueue(co, deadline);
}

/* Cancel the earliest pending (fn, arg) timeout; does not wait. */
static void
timeout_cancel(void (*fn)(void *), void *arg, const char *who)
{
	struct callout *co;

	if (fn == NULL)
		nke__panic("%s: NULL function", who);
	for (co = q_head; co != NULL; co = co->co_next) {
		if (co->co_kind == CO_TIMEOUT && co->co_fn == fn && co->co_arg == arg) {
			co_dequeue(co);
			NKH_free(co, sizeof(*co));
			return;
		}
	}
}

NKE_KPI void
bsd_timeout(void (*fn)(void *), void *arg, struct timespec *ts)
{
	uint64_t deadline = 0;

	/* No interval: deadline 0, i.e. before everything already queued. */
	if (ts != NULL && (ts->tv_sec != 0 || ts->tv_nsec != 0))
		deadline = uptime_now() + (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
	timeout_arm(fn, arg, deadline, "bsd_timeout");
}

NKE_KPI void
bsd_untimeout(void (*fn)(void *), void *arg)
{
	timeout_cancel(fn, arg, "bsd_untimeout");
}

NKE_KPI void
timeout(void (*fn)(void *), void *arg, int ticks)
{
	uint64_t deadline;

	nke__warn_private_kpi("timeout", 0);
	clock_interval_to_deadline((uint32_t)ticks, (uint32_t)(NSEC_PER_SEC / (uint64_t)hz),
	    &deadline);
	timeout_arm(fn, arg, deadline, "timeout");
}

NKE_KPI void
timeout_with_leeway(void (*fn)(void *), void *arg, int ticks, int leeway_ticks)
{
	uint64_t deadline;

	(void)leeway_ticks;
	nke__warn_private_kpi("timeout_with_leeway", 0);
	clock_interval_to_deadline((uint32_t)ticks, (uint32_t)(NSEC_PER_SEC / (uint64_t)hz),
	    &deadline);
	timeout_arm(fn, arg, deadline, "timeout_with_leeway");
}

NKE_KPI void
untimeout(void (*fn)(void *), void *arg)
{
	nke__warn_private_kpi("untimeout", 0);
	timeout_cancel(fn, arg, "untimeout");
}

/* --- thread_call ------------------------------------------------------------- */

static struct thread_call *
tc_check(thread_call_t call, const char *who)
{
	if (call == NULL)
		nke__panic("%s: NULL thread call", who);
	if (call->tc_magic == TC_DEAD)
		nke__panic("%s: use of freed thread call %p (func %p)", who, (void *)call,
		    (void *)(uintptr_t)call->tc_func);
	if (call->tc_magic != TC_MAGIC)
		nke__panic("%s: %p is not a thread call", who, (void *)call);
	if (call->tc_free_pending)
		nke__panic("%s: use of thread call %p (func %p) after thread_call_free", who,
		    (void *)call, (void *)(uintptr_t)call->tc_func);
	return call;
}

static void
tc_release(struct thread_call *tc)
{
	if (tc->tc_prev != NULL)
		tc->tc_prev->tc_next = tc->tc_next;
	else
		calls = tc->tc_next;
	if (tc->tc_next != NULL)
		tc->tc_next->tc_prev = tc->tc_prev;
	tc->tc_magic = TC_DEAD;
	nke__quarantine(tc, sizeof(*tc));
}

/* An invocation returned. */
static void
tc_finish(struct thread_call *tc)
{
	tc->tc_running--;
	if (tc->tc_resched && tc->tc_running == 0) {
		/* THREAD_CALL_OPTIONS_ONCE: the postponed enter takes effect now. */
		tc->tc_resched = 0;
		tc->tc_delayed = tc->tc_resched_delayed;
		co_enqueue(&tc->tc_co, tc->tc_resched_delayed ? tc->tc_resched_deadline :
		    uptime_now());
	}
	if (tc->tc_free_pending && tc->tc_running == 0 && !tc->tc_co.co_queued)
		tc_release(tc);
}

/* NKE-DIVERGENCE: NULL under failure injection; XNU's allocation waits. */
NKE_KPI thread_call_t
thread_call_allocate_with_options(thread_call_func_t func, thread_call_param_t param0,
    thread_call_priority_t pri, thread_call_options_t options)
{
	struct thread_call *tc;

	(void)pri;
	if (func == NULL)
		nke__panic("thread_call_allocate: NULL function");
	tc = NKH_alloc(NKS_ALLOC_KERNEL, sizeof(*tc));
	if (tc == NULL)
		return NULL;
	memset(tc, 0, sizeof(*tc));
	tc->tc_co.co_kind = CO_TCALL;
	tc->tc_co.co_kext = nke__kext_current_id();
	tc->tc_magic = TC_MAGIC;
	tc->tc_func = func;
	tc->tc_param0 = param0;
	tc->tc_options = options;
	tc->tc_next = calls;
	if (calls != NULL)
		calls->tc_prev = tc;
	calls = tc;
	return tc;
}

NKE_KPI thread_call_t
thread_call_allocate(thread_call_func_t func, thread_call_param_t param0)
{
	return thread_call_allocate_with_options(func, param0, THREAD_CALL_PRIORITY_HIGH, 0);
}

NKE_KPI thread_call_t
thread_call_allocate_with_priority(thread_call_func_t func, thread_call_param_t param0,
    thread_call_priority_t pri)
{
	nke__warn_private_kpi("thread_call_allocate_with_priority", 0);
	return thread_call_allocate_with_options(func, param0, pri, 0);
}

static boolean_t
tc_enter(thread_call_t call, thread_call_param_t param1, int delayed, uint64_t deadline,
    const char *who)
{
	struct thread_call *tc = tc_check(call, who);
	boolean_t was;

	tc->tc_param1 = param1;
	if ((tc->tc_options & THREAD_CALL_OPTIONS_ONCE) && tc->tc_running > 0) {
		/* Enqueued again only once the running invocation returns. */
		was = tc->tc_resched ? TRUE : FALSE;
		tc->tc_resched = 1;
		tc->tc_resched_delayed = delayed;
		tc->tc_resched_deadline = deadline;
		return was;
	}
	was = tc->tc_co.co_queued ? TRUE : FALSE;
	/* An immediate enter keeps its place on the pending queue. */
	if (!delayed && was && !tc->tc_delayed)
		return TRUE;
	tc->tc_delayed = delayed;
	co_enqueue(&tc->tc_co, delayed ? deadline : uptime_now());
	return was;
}

NKE_KPI boolean_t
thread_call_enter(thread_call_t call)
{
	return tc_enter(call, NULL, 0, 0, "thread_call_enter");
}

NKE_KPI boolean_t
thread_call_enter1(thread_call_t call, thread_call_param_t param1)
{
	return tc_enter(call, param1, 0, 0, "thread_call_enter1");
}

NKE_KPI boolean_t
thread_call_enter_delayed(thread_call_t call, uint64_t deadline)
{
	return tc_enter(call, NULL, 1, deadline, "thread_call_enter_delayed");
}

NKE_KPI boolean_t
thread_call_enter1_delayed(thread_call_t call, thread_call_param_t param1, uint64_t deadline)
{
	return tc_enter(call, param1, 1, deadline, "thread_call_enter1_delayed");
}

NKE_KPI boolean_t
thread_call_cancel(thread_call_t call)
{
	struct thread_call *tc = tc_check(call, "thread_call_cancel");

	if (tc->tc_resched) {
		tc->tc_resched = 0;
		return TRUE;
	}
	if (tc->tc_co.co_queued) {
		co_dequeue(&tc->tc_co);
		return TRUE;
	}
	return FALSE;
}

/*
 * NKE-DIVERGENCE: a running invocation can only be suspended beneath the
 * caller (or be the caller), so waiting for it would never end: panic.
 */
NKE_KPI boolean_t
thread_call_cancel_wait(thread_call_t call)
{
	struct thread_call *tc = tc_check(call, "thread_call_cancel_wait");
	boolean_t r;

	nke__warn_private_kpi("thread_call_cancel_wait", 0);
	r = thread_call_cancel(call);
	if (tc->tc_running > 0) {
		if (tc->tc_runner == nke__curthread)
			nke__panic("thread_call_cancel_wait: thread call %p waits for itself",
			    (void *)call);
		nke__panic("thread_call_cancel_wait: deadlock: thread call %p (func %p) is "
			   "running on a thread suspended beneath the caller",
		    (void *)call, (void *)(uintptr_t)tc->tc_func);
	}
	return r;
}

NKE_KPI boolean_t
thread_call_free(thread_call_t call)
{
	struct thread_call *tc = tc_check(call, "thread_call_free");

	if (tc->tc_co.co_queued || tc->tc_resched)
		return FALSE;
	if (tc->tc_running > 0) {
		/* Legal from its own callback: the memory goes when it returns. */
		tc->tc_free_pending = 1;
		return TRUE;
	}
	tc_release(tc);
	return TRUE;
}

NKE_KPI boolean_t
thread_call_isactive(thread_call_t call)
{
	struct thread_call *tc = tc_check(call, "thread_call_isactive");

	nke__warn_private_kpi("thread_call_isactive", 0);
	return tc->tc_co.co_queued || tc->tc_running > 0 || tc->tc_resched;
}

/* --- Unload checks ------------------------------------------------------- */

/*
 * A kext stopped: a callout it armed that is still pending would run code
 * that XNU unloaded ("timer-armed-at-unload"; nkesim cancels it), and a
 * thread call it allocated and never freed is leaked ("thread-call-leak").
 */
void
nke__time_kext_stopped(uint32_t kext)
{
	struct callout *co, *next;
	struct thread_call *tc;
	char sym[128];
	const char *name = nke__kext_name_of(kext);

	for (co = q_head; co != NULL; co = next) {
		next = co->co_next;
		if (co->co_kext != kext || co->co_kind == CO_KTHREAD)
			continue;
		if (co->co_kind == CO_TIMEOUT) {
			nke__report("timer-armed-at-unload",
			    "%s stopped with a timeout still armed: function %s, argument %p, "
			    "would run after the kext is gone (bsd_untimeout/untimeout it in the "
			    "stop routine); cancelled",
			    name, nke__sym((const void *)(uintptr_t)co->co_fn, sym, sizeof(sym)),
			    co->co_arg);
			co_dequeue(co);
			NKH_free(co, sizeof(*co));
		} else {
			tc = (struct thread_call *)co;
			nke__report("timer-armed-at-unload",
			    "%s stopped with thread call %p (%s) still pending: it would run "
			    "after the kext is gone (thread_call_cancel it and wait until it is "
			    "not running); cancelled",
			    name, (void *)tc,
			    nke__sym((const void *)(uintptr_t)tc->tc_func, sym, sizeof(sym)));
			co_dequeue(co);
			tc->tc_resched = 0;
		}
	}
	if ((nke__chk_groups & NKS_CHK_LEAKS) == 0)
		return;
	for (tc = calls; tc != NULL; tc = tc->tc_next)
		if (tc->tc_co.co_kext == kext && tc->tc_magic == TC_MAGIC && !tc->tc_free_pending)
			nke__report("thread-call-leak",
			    "%s stopped without freeing thread call %p (%s): thread_call_free it "
			    "in the stop routine",
			    name, (void *)tc,
			    nke__sym((const void *)(uintptr_t)tc->tc_func, sym, sizeof(sym)));
}

/* --- Module hooks ---------------------------------------------------------- */

void
nke__time_init(void)
{
	q_head = q_tail = NULL;
	q_len = 0;
	q_seq = 0;
	calls = NULL;
	nwarned = 0;
	hz = 100;
	tick = 10000;
	memset(&tz, 0, sizeof(tz));
}

void
nke__time_fini(void)
{
	/* Callouts still armed (later work reports them at unload). */
	while (q_head != NULL) {
		struct callout *co = q_head;

		co_dequeue(co);
		if (co->co_kind != CO_TCALL)
			NKH_free(co, sizeof(*co));
	}
	while (calls != NULL) {
		struct thread_call *tc = calls;

		calls = tc->tc_next;
		NKH_free(tc, sizeof(*tc));
	}
	nwarned = 0;
}
