/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_kern_synch.c - tests of kpi_shim/kern/kern_synch.c (kernel world):
 * simulated threads, and sleep/wakeup that never hangs the single-threaded
 * simulation: a timeout advances the clock, a callout can wake the
 * sleeper, a sleep nothing can end panics, PDROP, wakeup vs wakeup_one,
 * lck_*_sleep, IOSleep, and the idle hook.
 */
#include <nke_svc.h> /* first: KERNEL_PRIVATE, thread internals */
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <sys/param.h>
#include <sys/proc.h>
#include <sys/systm.h>
#include <kern/locks.h>
#include <kern/thread.h>
#include <kern/sched_prim.h>
#include <mach/mach_time.h>
#include <IOKit/IOLib.h>
#include "nkt.h"

#define MS 1000000ULL
#define SEC 1000000000ULL

static lck_grp_t *grp;
static lck_mtx_t *mtx;
static int chan;

static void
setup(void)
{
	grp = lck_grp_alloc_init("test.synch", LCK_GRP_ATTR_NULL);
	mtx = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
}

static void
teardown(void)
{
	lck_mtx_free(mtx, grp);
	lck_grp_free(grp);
}

static void
test_msleep_timeout_advances_clock(void)
{
	struct timespec ts = {2, 500};

	setup();
	NKS_clock_set(0, 7 * MS);
	lck_mtx_lock(mtx);
	KT_ASSERT_EQ(msleep(&chan, mtx, PSOCK, "tmo", &ts), EWOULDBLOCK);
	KT_ASSERT_EQ(mach_absolute_time(), 7 * MS + 2 * SEC + 500);
	lck_mtx_assert(mtx, LCK_MTX_ASSERT_OWNED); /* taken back */
	lck_mtx_unlock(mtx);
	teardown();
}

static uint64_t woken_at;
static int waker_saw_mutex_free;

static void
waker(void *arg)
{
	/* The sleeper released the mutex: a callout thread can take it. */
	waker_saw_mutex_free = lck_mtx_try_lock(mtx);
	if (waker_saw_mutex_free)
		lck_mtx_unlock(mtx);
	woken_at = mach_absolute_time();
	wakeup(arg);
}

static void
test_msleep_woken_by_callout(void)
{
	struct timespec in = {0, 500 * MS};

	setup();
	bsd_timeout(waker, &chan, &in);
	lck_mtx_lock(mtx);
	KT_ASSERT_EQ(msleep(&chan, mtx, PSOCK, "wait", NULL), 0);
	KT_ASSERT(waker_saw_mutex_free);
	KT_ASSERT_EQ(woken_at, 500 * MS);
	KT_ASSERT_EQ(mach_absolute_time(), 500 * MS);
	lck_mtx_assert(mtx, LCK_MTX_ASSERT_OWNED);
	lck_mtx_unlock(mtx);
	teardown();
}

static void
test_msleep_woken_before_timeout_pdrop(void)
{
	struct timespec in = {0, 100 * MS}, tmo = {1, 0};

	setup();
	bsd_timeout(waker, &chan, &in);
	lck_mtx_lock(mtx);
	KT_ASSERT_EQ(msleep(&chan, mtx, PSOCK | PDROP, "pdrop", &tmo), 0);
	KT_ASSERT_EQ(mach_absolute_time(), 100 * MS);
	/* PDROP: the mutex is not taken back. */
	lck_mtx_assert(mtx, LCK_MTX_ASSERT_NOTOWNED);
	KT_ASSERT_EQ(nke__locks_held(current_thread()), 0);
	teardown();
}

static void
unrelated(void *arg)
{
	(void)arg;
}

static void
sleep_forever(void *arg)
{
	lck_mtx_lock(mtx);
	(void)msleep(arg, mtx, PUSER, "forever", NULL);
}

static void
test_msleep_that_cannot_wake_panics(void)
{
	struct timespec in = {1, 0};

	setup();
	/* A pending callout that does not wake it runs first, then: panic. */
	bsd_timeout(unrelated, NULL, &in);
	KT_EXPECT_PANIC(sleep_forever, &chan,
	    "msleep(\"forever\") would sleep forever: nothing can wake channel 0x");
	KT_ASSERT_EQ(mach_absolute_time(), 1 * SEC);
	KT_ASSERT_EQ(NKS_callouts_pending(NULL), 0);
	/* The mutex was dropped for the sleep. */
	lck_mtx_assert(mtx, LCK_MTX_ASSERT_NOTOWNED);
	teardown();
}

static void
msleep_unheld(void *arg)
{
	(void)msleep(arg, mtx, PUSER, "unheld", NULL);
}

static void
test_msleep_needs_held_mutex(void)
{
	setup();
	KT_EXPECT_PANIC(msleep_unheld, &chan, "msleep(\"unheld\"): mutex 0x");
	teardown();
}

static void
test_tsleep_ticks_and_null_channel(void)
{
	KT_ASSERT_EQ(tsleep(&chan, PZERO, "ticks", 5), EWOULDBLOCK);
	KT_ASSERT_EQ(mach_absolute_time(), 50 * MS);
	/* XNU does not sleep at all on a NULL channel. */
	KT_ASSERT_EQ(tsleep(NULL, PZERO, "null", 5), 0);
	KT_ASSERT_EQ(mach_absolute_time(), 50 * MS);
	KT_ASSERT_EQ(NKT_warnings("sleep-null-channel"), 1);
}

/* wakeup_one wakes the longest sleeper; wakeup wakes them all. */
static int inner_result;
static int one_only;

static void
inner_sleeper(void *arg)
{
	struct timespec tmo = {5, 0};

	(void)arg;
	inner_result = msleep(&chan, NULL, PUSER, "inner", &tmo);
}

static void
do_wakeup(void *arg)
{
	(void)arg;
	if (one_only)
		wakeup_one((caddr_t)&chan);
	else
		wakeup(&chan);
}

static void
run_two_sleepers(int only_one)
{
	struct timespec t1 = {0, 500 * MS}, t2 = {1, 0};

	one_only = only_one;
	inner_result = -1;
	bsd_timeout(inner_sleeper, NULL, &t1);
	bsd_timeout(do_wakeup, NULL, &t2);
	KT_ASSERT_EQ(msleep(&chan, NULL, PUSER, "outer", NULL), 0);
}

static void
test_wakeup_one_wakes_longest_sleeper(void)
{
	run_two_sleepers(1);
	/* The outer (older) sleeper was woken; the inner one timed out. */
	KT_ASSERT_EQ(inner_result, EWOULDBLOCK);
	KT_ASSERT_EQ(mach_absolute_time(), 5 * SEC + 500 * MS);
}

static void
test_wakeup_wakes_all(void)
{
	run_two_sleepers(0);
	KT_ASSERT_EQ(inner_result, 0);
	KT_ASSERT_EQ(mach_absolute_time(), 1 * SEC);
}

static void
wake_chan(void *arg)
{
	wakeup(arg);
}

static void
test_lck_mtx_sleep(void)
{
	struct timespec in = {0, 10 * MS};

	setup();
	bsd_timeout(wake_chan, &chan, &in);
	lck_mtx_lock(mtx);
	KT_ASSERT_EQ(lck_mtx_sleep(mtx, LCK_SLEEP_DEFAULT, &chan, THREAD_UNINT), THREAD_AWAKENED);
	lck_mtx_assert(mtx, LCK_MTX_ASSERT_OWNED);
	KT_ASSERT_EQ(lck_mtx_sleep_deadline(mtx, LCK_SLEEP_UNLOCK, &chan, THREAD_UNINT, 30 * MS),
	    THREAD_TIMED_OUT);
	KT_ASSERT_EQ(mach_absolute_time(), 30 * MS);
	lck_mtx_assert(mtx, LCK_MTX_ASSERT_NOTOWNED);
	teardown();
}

static void
test_lck_rw_and_spin_sleep(void)
{
	lck_grp_t *g = lck_grp_alloc_init("test.rwsleep", LCK_GRP_ATTR_NULL);
	lck_rw_t *rw = lck_rw_alloc_init(g, LCK_ATTR_NULL);
	lck_spin_t *s = lck_spin_alloc_init(g, LCK_ATTR_NULL);
	struct timespec in = {0, 10 * MS};

	bsd_timeout(wake_chan, &chan, &in);
	lck_rw_lock_shared(rw);
	KT_ASSERT_EQ(lck_rw_sleep(rw, LCK_SLEEP_EXCLUSIVE, &chan, THREAD_UNINT), THREAD_AWAKENED);
	lck_rw_assert(rw, LCK_RW_ASSERT_EXCLUSIVE);
	KT_ASSERT_EQ(lck_rw_sleep_deadline(rw, LCK_SLEEP_DEFAULT, &chan, THREAD_UNINT, 20 * MS),
	    THREAD_TIMED_OUT);
	lck_rw_assert(rw, LCK_RW_ASSERT_EXCLUSIVE);
	lck_rw_unlock_exclusive(rw);
	lck_spin_lock(s);
	KT_ASSERT_EQ(lck_spin_sleep_deadline(s, LCK_SLEEP_DEFAULT, &chan, THREAD_UNINT, 40 * MS),
	    THREAD_TIMED_OUT);
	lck_spin_unlock(s);
	KT_ASSERT_EQ(NKT_reports("block-under-spinlock"), 0);
	lck_rw_free(rw, g);
	lck_spin_free(s, g);
	lck_grp_free(g);
}

static void
test_sleep_holding_spinlock_reported(void)
{
	lck_grp_t *g = lck_grp_alloc_init("test.spin", LCK_GRP_ATTR_NULL);
	lck_spin_t *s = lck_spin_alloc_init(g, LCK_ATTR_NULL);

	lck_spin_lock(s);
	IOSleep(1);
	KT_ASSERT_EQ(NKT_reports("block-under-spinlock"), 1);
	KT_ASSERT(strstr(NKT_last_message("block-under-spinlock"), "IOSleep may block") != NULL);
	lck_spin_unlock(s);
	lck_spin_free(s, g);
	lck_grp_free(g);
}

static lck_mtx_t *other_mtx;

static void
take_other(void *arg)
{
	(void)arg;
	lck_mtx_lock(other_mtx);
}

static void
sleep_holding(void *arg)
{
	struct timespec in = {0, 1 * MS};

	lck_mtx_lock(other_mtx);
	bsd_timeout(take_other, NULL, &in);
	(void)msleep(arg, NULL, PUSER, "holding", NULL);
}

static void
test_sleep_holding_lock_deadlocks_callout(void)
{
	struct thread *mainth = current_thread();

	setup();
	other_mtx = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	KT_EXPECT_PANIC(sleep_holding, &chan,
	    "deadlock: thread 2 (timeout 0x");
	/* The panic left us on the callout thread: back to main. */
	nke__thread_switch(mainth);
	lck_mtx_unlock(other_mtx);
	lck_mtx_free(other_mtx, grp);
	teardown();
}

static void
test_iosleep_runs_callouts(void)
{
	struct timespec in = {0, 3 * MS};

	woken_at = 0;
	setup();
	bsd_timeout(waker, &chan, &in);
	IOSleep(10);
	KT_ASSERT_EQ(woken_at, 3 * MS);
	KT_ASSERT_EQ(mach_absolute_time(), 10 * MS);
	teardown();
}

static int hook_calls;

static int
idle_hook(void *arg)
{
	if (hook_calls++ > 0)
		return 0;
	wakeup(arg);
	return 1;
}

static void
test_idle_hook_can_wake_sleeper(void)
{
	hook_calls = 0;
	nke__sleep_set_idle_hook(idle_hook, &chan);
	KT_ASSERT_EQ(msleep(&chan, NULL, PUSER, "client", NULL), 0);
	KT_ASSERT_EQ(hook_calls, 1);
	nke__sleep_set_idle_hook(NULL, NULL);
}

static void
test_threads_and_names(void)
{
	thread_t me = current_thread();
	struct thread *t;

	KT_ASSERT(me != THREAD_NULL);
	KT_ASSERT_EQ(thread_tid(me), 1);
	KT_ASSERT(thread_has_thread_name(me));
	thread_set_thread_name(me, "packets");
	KT_ASSERT_PTR_EQ(nke__current_thread(), me);
	t = nke__thread_new(NKE_TH_KTHREAD, "");
	KT_ASSERT(!thread_has_thread_name(t));
	thread_reference(t);
	thread_deallocate(t);
	nke__thread_exit(t);
}

static void
interrupt_chan(void *arg)
{
	KT_ASSERT_EQ(thread_wakeup_with_result(arg, THREAD_INTERRUPTED), KERN_SUCCESS);
}

static void
test_assert_wait_thread_block(void)
{
	struct timespec in = {0, 5 * MS};

	/* Nothing asserted: thread_block only yields. */
	KT_ASSERT_EQ(thread_block(THREAD_CONTINUE_NULL), THREAD_AWAKENED);
	KT_ASSERT_EQ(thread_wakeup(&chan), KERN_NOT_WAITING);
	/* A wakeup between assert_wait and thread_block counts. */
	KT_ASSERT_EQ(assert_wait(&chan, THREAD_UNINT), THREAD_WAITING);
	KT_ASSERT_EQ(thread_wakeup_one(&chan), KERN_SUCCESS);
	KT_ASSERT_EQ(thread_block(THREAD_CONTINUE_NULL), THREAD_AWAKENED);
	KT_ASSERT_EQ(mach_absolute_time(), 0);
	/* The waker's result comes back. */
	bsd_timeout(interrupt_chan, &chan, &in);
	assert_wait(&chan, THREAD_INTERRUPTIBLE);
	KT_ASSERT_EQ(thread_block(THREAD_CONTINUE_NULL), THREAD_INTERRUPTED);
	KT_ASSERT_EQ(mach_absolute_time(), 5 * MS);
	assert_wait_timeout(&chan, THREAD_UNINT, 10, NSEC_PER_MSEC);
	KT_ASSERT_EQ(thread_block(THREAD_CONTINUE_NULL), THREAD_TIMED_OUT);
	KT_ASSERT_EQ(mach_absolute_time(), 15 * MS);
	assert_wait_deadline(&chan, THREAD_UNINT, 20 * MS);
	KT_ASSERT_EQ(thread_wakeup_thread(&chan, current_thread()), KERN_SUCCESS);
	KT_ASSERT_EQ(thread_block(THREAD_CONTINUE_NULL), THREAD_AWAKENED);
}

NKT_CASES(NKT_CASE(test_assert_wait_thread_block), NKT_CASE(test_msleep_timeout_advances_clock), NKT_CASE(test_msleep_woken_by_callout),
    NKT_CASE(test_msleep_woken_before_timeout_pdrop),
    NKT_CASE(test_msleep_that_cannot_wake_panics), NKT_CASE(test_msleep_needs_held_mutex),
    NKT_CASE(test_tsleep_ticks_and_null_channel), NKT_CASE(test_wakeup_one_wakes_longest_sleeper),
    NKT_CASE(test_wakeup_wakes_all), NKT_CASE(test_lck_mtx_sleep),
    NKT_CASE(test_lck_rw_and_spin_sleep), NKT_CASE(test_sleep_holding_spinlock_reported),
    NKT_CASE(test_sleep_holding_lock_deadlocks_callout), NKT_CASE(test_iosleep_runs_callouts),
    NKT_CASE(test_idle_hook_can_wake_sleeper), NKT_CASE(test_threads_and_names));
