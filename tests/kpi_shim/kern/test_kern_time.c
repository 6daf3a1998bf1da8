/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_kern_time.c - tests of kpi_shim/kern/kern_time.c (kernel world): the
 * time KPIs follow NKS_clock_set(); callouts (bsd_timeout, timeout,
 * thread_call, kernel_thread_start) run in deadline order at their
 * deadlines on their own simulated thread; thread_call's documented return
 * values; work re-armed during a run waits for the next NKS_clock_set().
 */
#include <nke_svc.h> /* first: KERNEL_PRIVATE (timeout, hz) */
#include <sys/types.h>
#include <string.h>
#include <sys/time.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <kern/clock.h>
#include <kern/thread.h>
#include <kern/thread_call.h>
#include <mach/mach_time.h>
#include <IOKit/IOLib.h>
#include <mach/kmod.h>
#include <libkern/OSKextLib.h>
#include "nkt.h"

#define MS 1000000ULL
#define SEC 1000000000ULL

static void
test_time_follows_clock_set(void)
{
	struct timeval tv;
	struct timespec ts;
	clock_sec_t s;
	clock_usec_t us;
	clock_nsec_t ns;
	mach_timebase_info_data_t tb;
	uint64_t u;

	NKS_clock_set(1700000000123456789LL, 5 * SEC + 123456);
	microtime(&tv);
	KT_ASSERT_EQ(tv.tv_sec, 1700000000);
	KT_ASSERT_EQ(tv.tv_usec, 123456);
	getmicrotime(&tv);
	KT_ASSERT_EQ(tv.tv_usec, 123456);
	nanotime(&ts);
	KT_ASSERT_EQ(ts.tv_sec, 1700000000);
	KT_ASSERT_EQ(ts.tv_nsec, 123456789);
	microuptime(&tv);
	KT_ASSERT_EQ(tv.tv_sec, 5);
	KT_ASSERT_EQ(tv.tv_usec, 123);
	nanouptime(&ts);
	KT_ASSERT_EQ(ts.tv_sec, 5);
	KT_ASSERT_EQ(ts.tv_nsec, 123456);
	KT_ASSERT_EQ(mach_absolute_time(), 5 * SEC + 123456);
	KT_ASSERT_EQ(mach_continuous_time(), 5 * SEC + 123456);
	clock_get_uptime(&u);
	KT_ASSERT_EQ(u, 5 * SEC + 123456);
	clock_get_calendar_microtime(&s, &us);
	KT_ASSERT_EQ(s, 1700000000);
	KT_ASSERT_EQ(us, 123456);
	clock_get_calendar_nanotime(&s, &ns);
	KT_ASSERT_EQ(ns, 123456789);
	clock_get_system_microtime(&s, &us);
	KT_ASSERT_EQ(s, 5);
	KT_ASSERT_EQ(us, 123);
	clock_get_system_nanotime(&s, &ns);
	KT_ASSERT_EQ(ns, 123456);
	clock_timebase_info(&tb);
	KT_ASSERT_EQ(tb.numer, 1);
	KT_ASSERT_EQ(tb.denom, 1);
	/* The clock only goes forward. */
	NKS_clock_set(1, 1);
	KT_ASSERT_EQ(mach_absolute_time(), 5 * SEC + 123456);
	microtime(&tv);
	KT_ASSERT_EQ(tv.tv_sec, 1700000000);
}

static void
test_conversions(void)
{
	uint64_t r;
	clock_sec_t s;
	clock_usec_t us;

	NKS_clock_set(0, 1000);
	clock_interval_to_deadline(10, NSEC_PER_MSEC, &r);
	KT_ASSERT_EQ(r, 1000 + 10 * MS);
	clock_interval_to_absolutetime_interval(3, NSEC_PER_SEC, &r);
	KT_ASSERT_EQ(r, 3 * SEC);
	clock_absolutetime_interval_to_deadline(5, &r);
	KT_ASSERT_EQ(r, 1005);
	nanoseconds_to_absolutetime(77, &r);
	KT_ASSERT_EQ(r, 77);
	absolutetime_to_nanoseconds(78, &r);
	KT_ASSERT_EQ(r, 78);
	absolutetime_to_microtime(2 * SEC + 3500, &s, &us);
	KT_ASSERT_EQ(s, 2);
	KT_ASSERT_EQ(us, 3);
}

static void
test_timeval_macros_and_helpers(void)
{
	struct timeval a = {5, 900000}, b = {1, 200000}, c;
	struct timeval h = {1, 0};

	timeradd(&a, &b, &c);
	KT_ASSERT_EQ(c.tv_sec, 7);
	KT_ASSERT_EQ(c.tv_usec, 100000);
	timersub(&b, &a, &c);
	KT_ASSERT_EQ(c.tv_sec, -5);
	KT_ASSERT_EQ(c.tv_usec, 300000);
	KT_ASSERT(timercmp(&b, &a, <));
	KT_ASSERT(!timercmp(&b, &a, >=));
	KT_ASSERT(timerisset(&a));
	timerclear(&c);
	KT_ASSERT(!timerisset(&c));
	timevaladd(&a, &b);
	KT_ASSERT_EQ(a.tv_sec, 7);
	KT_ASSERT_EQ(a.tv_usec, 100000);
	timevalsub(&a, &b);
	KT_ASSERT_EQ(a.tv_sec, 5);
	KT_ASSERT_EQ(a.tv_usec, 900000);
	KT_ASSERT_EQ(hz, 100);
	KT_ASSERT_EQ(tvtohz(&h), 101);
	KT_ASSERT_EQ(tvtoabstime(&b), SEC + 200 * MS);
}

/* --- Callout order ------------------------------------------------------- */

static struct {
	char tag;
	uint64_t at;
	thread_t th;
} runs[16];
static unsigned nruns;

static void
record(void *arg)
{
	runs[nruns].tag = (char)(uintptr_t)arg;
	runs[nruns].at = mach_absolute_time();
	runs[nruns].th = current_thread();
	nruns++;
}

static void
arm(char tag, uint64_t ms)
{
	struct timespec ts = {(long)(ms / 1000), (long)((ms % 1000) * MS)};

	bsd_timeout(record, (void *)(uintptr_t)tag, &ts);
}

static void
test_callouts_run_in_deadline_order_at_their_time(void)
{
	nks_u64 next = 0;

	nruns = 0;
	arm('A', 30);
	arm('B', 10);
	arm('C', 20);
	arm('D', 10);
	KT_ASSERT_EQ(NKS_callouts_pending(&next), 4);
	KT_ASSERT_EQ(next, 10 * MS);
	NKS_clock_set(0, 15 * MS);
	KT_ASSERT_EQ(nruns, 2);
	KT_ASSERT_EQ(runs[0].tag, 'B');
	KT_ASSERT_EQ(runs[1].tag, 'D'); /* FIFO among equal deadlines */
	KT_ASSERT_EQ(runs[0].at, 10 * MS);
	KT_ASSERT_EQ(runs[1].at, 10 * MS);
	KT_ASSERT(runs[0].th != current_thread());
	KT_ASSERT_EQ(mach_absolute_time(), 15 * MS);
	KT_ASSERT_EQ(NKS_callouts_pending(&next), 2);
	KT_ASSERT_EQ(next, 20 * MS);
	NKS_clock_set(0, 100 * MS);
	KT_ASSERT_EQ(nruns, 4);
	KT_ASSERT_EQ(runs[2].tag, 'C');
	KT_ASSERT_EQ(runs[2].at, 20 * MS);
	KT_ASSERT_EQ(runs[3].tag, 'A');
	KT_ASSERT_EQ(runs[3].at, 30 * MS);
	KT_ASSERT_EQ(mach_absolute_time(), 100 * MS);
	KT_ASSERT_EQ(NKS_callouts_pending(NULL), 0);
}

static void
test_calendar_moves_with_callouts(void)
{
	struct timeval tv;

	NKS_clock_set(1000 * SEC, 0);
	nruns = 0;
	arm('X', 2500);
	NKS_clock_set(1010 * SEC, 10 * SEC);
	KT_ASSERT_EQ(nruns, 1);
	KT_ASSERT_EQ(runs[0].at, 2500 * MS);
	microtime(&tv);
	KT_ASSERT_EQ(tv.tv_sec, 1010);
}

static void
test_untimeout_removes_one_instance(void)
{
	struct timespec ts = {1, 0};

	nruns = 0;
	bsd_timeout(record, (void *)'a', &ts);
	bsd_timeout(record, (void *)'a', &ts);
	bsd_timeout(record, (void *)'b', &ts);
	bsd_untimeout(record, (void *)'a');
	KT_ASSERT_EQ(NKS_callouts_pending(NULL), 2);
	NKS_clock_set(0, 2 * SEC);
	KT_ASSERT_EQ(nruns, 2);
	KT_ASSERT_EQ(runs[0].tag, 'a');
	KT_ASSERT_EQ(runs[1].tag, 'b');
	bsd_untimeout(record, (void *)'z'); /* nothing pending: no-op */
}

static void
test_zero_timeout_runs_at_next_clock_set(void)
{
	struct timespec zero = {0, 0};

	NKS_clock_set(0, 50 * MS);
	nruns = 0;
	bsd_timeout(record, (void *)'n', NULL);
	bsd_timeout(record, (void *)'z', &zero);
	KT_ASSERT_EQ(nruns, 0);
	NKS_clock_set(0, 50 * MS);
	KT_ASSERT_EQ(nruns, 2);
	KT_ASSERT_EQ(runs[0].tag, 'n');
	KT_ASSERT_EQ(runs[0].at, 50 * MS);
}

static unsigned rearms;

static void
rearm_self(void *arg)
{
	(void)arg;
	rearms++;
	bsd_timeout(rearm_self, NULL, NULL);
}

static void
test_self_rearming_zero_delay_does_not_loop(void)
{
	rearms = 0;
	bsd_timeout(rearm_self, NULL, NULL);
	NKS_clock_set(0, 1);
	KT_ASSERT_EQ(rearms, 1);
	KT_ASSERT_EQ(NKS_callouts_pending(NULL), 1);
	NKS_clock_set(0, 2);
	KT_ASSERT_EQ(rearms, 2);
	bsd_untimeout(rearm_self, NULL);
}

static void
test_private_timeout_ticks(void)
{
	nruns = 0;
	timeout(record, (void *)'t', 3); /* 3 ticks of 10 ms */
	KT_ASSERT_EQ(NKT_warnings("private-kpi"), 1);
	NKS_clock_set(0, 29 * MS);
	KT_ASSERT_EQ(nruns, 0);
	NKS_clock_set(0, 30 * MS);
	KT_ASSERT_EQ(nruns, 1);
	KT_ASSERT_EQ(runs[0].at, 30 * MS);
	timeout(record, (void *)'u', 1);
	untimeout(record, (void *)'u');
	KT_ASSERT_EQ(NKS_callouts_pending(NULL), 0);
}

static void
test_delay_moves_clock_only(void)
{
	nruns = 0;
	arm('d', 1);
	IODelay(5000);
	KT_ASSERT_EQ(mach_absolute_time(), 5 * MS);
	KT_ASSERT_EQ(nruns, 0);
	delay_for_interval(2, NSEC_PER_MSEC);
	KT_ASSERT_EQ(mach_absolute_time(), 7 * MS);
	NKS_clock_set(0, 0);
	KT_ASSERT_EQ(nruns, 1);
	KT_ASSERT_EQ(runs[0].at, 7 * MS); /* overdue: runs at "now" */
}

/* --- thread_call --------------------------------------------------------- */

static struct {
	unsigned n;
	void *p0, *p1;
	uint64_t at;
} tcr;
static thread_call_t self_tc;
static int self_mode;
static boolean_t inner_ret[2];

static void
tc_fn(thread_call_param_t p0, thread_call_param_t p1)
{
	tcr.n++;
	tcr.p0 = p0;
	tcr.p1 = p1;
	tcr.at = mach_absolute_time();
	switch (self_mode) {
	case 1: /* re-enter itself */
		inner_ret[0] = thread_call_enter(self_tc);
		inner_ret[1] = thread_call_enter(self_tc);
		break;
	case 2: /* free itself */
		inner_ret[0] = thread_call_free(self_tc);
		break;
	default:
		break;
	}
}

static void
test_thread_call_return_values(void)
{
	thread_call_t tc = thread_call_allocate(tc_fn, (void *)0x10);

	memset(&tcr, 0, sizeof(tcr));
	self_mode = 0;
	KT_ASSERT(tc != NULL);
	KT_ASSERT_EQ(thread_call_enter(tc), FALSE);
	KT_ASSERT_EQ(thread_call_enter(tc), TRUE);
	KT_ASSERT_EQ(thread_call_enter1_delayed(tc, (void *)0x20, 40 * MS), TRUE);
	KT_ASSERT_EQ(thread_call_free(tc), FALSE); /* pending: refused */
	NKS_clock_set(0, 39 * MS);
	KT_ASSERT_EQ(tcr.n, 0);
	NKS_clock_set(0, 45 * MS);
	KT_ASSERT_EQ(tcr.n, 1);
	KT_ASSERT_PTR_EQ(tcr.p0, (void *)0x10);
	KT_ASSERT_PTR_EQ(tcr.p1, (void *)0x20);
	KT_ASSERT_EQ(tcr.at, 40 * MS);
	KT_ASSERT_EQ(thread_call_cancel(tc), FALSE);
	KT_ASSERT_EQ(thread_call_enter1(tc, (void *)0x30), FALSE);
	KT_ASSERT_EQ(thread_call_isactive(tc), TRUE);
	KT_ASSERT_EQ(thread_call_cancel(tc), TRUE);
	KT_ASSERT_EQ(thread_call_cancel(tc), FALSE);
	KT_ASSERT_EQ(thread_call_isactive(tc), FALSE);
	KT_ASSERT_EQ(NKT_warnings("private-kpi"), 1);
	NKS_clock_set(0, 100 * MS);
	KT_ASSERT_EQ(tcr.n, 1);
	KT_ASSERT_EQ(thread_call_enter_delayed(tc, 200 * MS), FALSE);
	/* An immediate enter of a delayed call moves it. */
	KT_ASSERT_EQ(thread_call_enter(tc), TRUE);
	NKS_clock_set(0, 101 * MS);
	KT_ASSERT_EQ(tcr.n, 2);
	KT_ASSERT_EQ(tcr.at, 100 * MS);
	KT_ASSERT_EQ(thread_call_free(tc), TRUE);
}

static void
test_thread_call_reentered_from_callback(void)
{
	memset(&tcr, 0, sizeof(tcr));
	self_mode = 1;
	self_tc = thread_call_allocate(tc_fn, NULL);
	thread_call_enter(self_tc);
	NKS_clock_set(0, 1);
	/* Not pending while it runs, so the first enter returns FALSE. */
	KT_ASSERT_EQ(inner_ret[0], FALSE);
	KT_ASSERT_EQ(inner_ret[1], TRUE);
	KT_ASSERT_EQ(tcr.n, 1); /* re-armed work waits for the next call */
	KT_ASSERT_EQ(NKS_callouts_pending(NULL), 1);
	self_mode = 0;
	NKS_clock_set(0, 2);
	KT_ASSERT_EQ(tcr.n, 2);
	KT_ASSERT_EQ(thread_call_free(self_tc), TRUE);
}

static void
test_thread_call_once_option(void)
{
	memset(&tcr, 0, sizeof(tcr));
	self_mode = 1;
	self_tc = thread_call_allocate_with_options(tc_fn, NULL, THREAD_CALL_PRIORITY_KERNEL,
	    THREAD_CALL_OPTIONS_ONCE);
	thread_call_enter(self_tc);
	NKS_clock_set(0, 1);
	/* ONCE: the enters are postponed until the callback returns. */
	KT_ASSERT_EQ(inner_ret[0], FALSE);
	KT_ASSERT_EQ(inner_ret[1], TRUE);
	KT_ASSERT_EQ(NKS_callouts_pending(NULL), 1);
	self_mode = 0;
	NKS_clock_set(0, 2);
	KT_ASSERT_EQ(tcr.n, 2);
	KT_ASSERT_EQ(thread_call_free(self_tc), TRUE);
}

static void
enter_freed(void *tc)
{
	thread_call_enter(tc);
}

static void
test_thread_call_free_from_callback(void)
{
	memset(&tcr, 0, sizeof(tcr));
	self_mode = 2;
	self_tc = thread_call_allocate(tc_fn, NULL);
	thread_call_enter(self_tc);
	NKS_clock_set(0, 1);
	KT_ASSERT_EQ(inner_ret[0], TRUE);
	KT_ASSERT_EQ(tcr.n, 1);
	KT_EXPECT_PANIC(enter_freed, self_tc, "use of freed thread call");
	self_mode = 0;
}

static void
test_thread_call_alloc_failure(void)
{
	NKT_fail_alloc(NKS_ALLOC_KERNEL, 0, 1);
	KT_ASSERT_NULL(thread_call_allocate(tc_fn, NULL));
}

static void
test_pending_work_released_at_fini(void)
{
	thread_call_t tc = thread_call_allocate(tc_fn, NULL);

	thread_call_enter_delayed(tc, 10 * SEC);
	arm('L', 5000);
	KT_ASSERT_EQ(NKS_callouts_pending(NULL), 2);
	/* Left armed: NKS_fini must give the memory back (checked by the runner). */
}

/* --- kernel_thread_start ------------------------------------------------- */

static thread_t kt_seen;
static void *kt_param;
static wait_result_t kt_wr;

static void
kthread_body(void *param, wait_result_t wr)
{
	kt_seen = current_thread();
	kt_param = param;
	kt_wr = wr;
}

static void
test_kernel_thread_start(void)
{
	thread_t th = THREAD_NULL;

	KT_ASSERT_EQ(kernel_thread_start(kthread_body, (void *)0x77, &th), KERN_SUCCESS);
	KT_ASSERT(th != THREAD_NULL && th != current_thread());
	KT_ASSERT_NULL(kt_seen);
	NKS_clock_set(0, 1);
	KT_ASSERT_PTR_EQ(kt_seen, th);
	KT_ASSERT_PTR_EQ(kt_param, (void *)0x77);
	KT_ASSERT_EQ(kt_wr, THREAD_AWAKENED);
	KT_ASSERT(thread_tid(th) != thread_tid(current_thread()));
	thread_deallocate(th);
	NKT_fail_alloc(NKS_ALLOC_KERNEL, 0, 1);
	KT_ASSERT_EQ(kernel_thread_start(kthread_body, NULL, &th), KERN_RESOURCE_SHORTAGE);
	KT_ASSERT_NULL(th);
}

/* Callouts run as the kext that armed them (thread calls: allocated them). */
static OSKextLoadTag kc_timeout_tag = 99, kc_tcall_tag = 99;
static thread_call_t kc_tc;

static void
kc_timeout(void *arg)
{
	(void)arg;
	kc_timeout_tag = OSKextGetCurrentLoadTag();
}

static void
kc_tcall(thread_call_param_t p0, thread_call_param_t p1)
{
	(void)p0;
	(void)p1;
	kc_tcall_tag = OSKextGetCurrentLoadTag();
}

static kern_return_t
kc_start(kmod_info_t *ki, void *d)
{
	struct timespec ts = {1, 0};

	(void)ki;
	(void)d;
	bsd_timeout(kc_timeout, NULL, &ts);
	kc_tc = thread_call_allocate(kc_tcall, NULL);
	return kc_tc != NULL ? KERN_SUCCESS : KERN_FAILURE;
}

static kern_return_t
kc_stop(kmod_info_t *ki, void *d)
{
	(void)ki;
	(void)d;
	return thread_call_free(kc_tc) ? KERN_SUCCESS : KERN_FAILURE;
}

KMOD_EXPLICIT_DECL(com.example.callout, "1.0", kc_start, kc_stop)

static void
test_callouts_run_as_their_kext(void)
{
	nks_u32 id;
	nks_i32 res;

	KT_ASSERT_EQ(NKS_kext_start(&kmod_info, &id, &res), 0);
	/* Entered by the kernel, allocated by the kext: the kext's code runs. */
	thread_call_enter(kc_tc);
	NKS_clock_set(0, 2000000000ull);
	KT_ASSERT_EQ(kc_timeout_tag, id);
	KT_ASSERT_EQ(kc_tcall_tag, id);
	KT_ASSERT_EQ(OSKextGetCurrentLoadTag(), 0);
	KT_ASSERT_EQ(NKS_kext_stop(id, &res), 0);
}

NKT_CASES(NKT_CASE(test_time_follows_clock_set), NKT_CASE(test_conversions),
    NKT_CASE(test_timeval_macros_and_helpers),
    NKT_CASE(test_callouts_run_in_deadline_order_at_their_time),
    NKT_CASE(test_calendar_moves_with_callouts), NKT_CASE(test_untimeout_removes_one_instance),
    NKT_CASE(test_zero_timeout_runs_at_next_clock_set),
    NKT_CASE(test_self_rearming_zero_delay_does_not_loop), NKT_CASE(test_private_timeout_ticks),
    NKT_CASE(test_delay_moves_clock_only), NKT_CASE(test_thread_call_return_values),
    NKT_CASE(test_thread_call_reentered_from_callback), NKT_CASE(test_thread_call_once_option),
    NKT_CASE(test_thread_call_free_from_callback), NKT_CASE(test_thread_call_alloc_failure),
    NKT_CASE(test_pending_work_released_at_fini), NKT_CASE(test_kernel_thread_start),
    NKT_CASE(test_callouts_run_as_their_kext));
