/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_locks.c - tests of kpi_shim/kern/locks.c (kernel world): lock groups
 * and attributes, mutexes, rw locks and spin locks; every misuse XNU panics
 * on panics here with the group's name in the message; other simulated
 * threads (made with the simulator's internals) provide contention, which
 * in the single-threaded model is a deadlock.
 */
#include <nke_svc.h> /* first: KERNEL_PRIVATE, and the thread internals */
#include <sys/types.h>
#include <string.h>
#include <kern/locks.h>
#include <kern/thread.h>
#include <sys/systm.h>
#include "nkt.h"

#define GRP "test.locks"

static lck_grp_t *grp;
static struct thread *mainth, *other;

/* A group, and a second simulated thread the tests can switch to. */
static void
setup(void)
{
	grp = lck_grp_alloc_init(GRP, LCK_GRP_ATTR_NULL);
	KT_ASSERT(grp != NULL);
	mainth = current_thread();
	other = nke__thread_new(NKE_TH_KTHREAD, "other");
}

static void
teardown(void)
{
	nke__thread_switch(mainth);
	nke__thread_exit(other);
	lck_grp_free(grp);
}

static uint64_t
nlocks(void)
{
	struct nks_stats st;

	NKS_stats(&st);
	return st.st_locks;
}

static void
test_objects_counted(void)
{
	lck_grp_attr_t *ga = lck_grp_attr_alloc_init();
	lck_attr_t *a = lck_attr_alloc_init();
	lck_grp_t *g;
	lck_mtx_t *m;
	lck_rw_t *rw;
	lck_spin_t *s;

	lck_grp_attr_setstat(ga);
	lck_attr_setdebug(a);
	g = lck_grp_alloc_init("counted", ga);
	m = lck_mtx_alloc_init(g, a);
	rw = lck_rw_alloc_init(g, a);
	s = lck_spin_alloc_init(g, LCK_ATTR_NULL);
	KT_ASSERT(m != NULL && rw != NULL && s != NULL);
	KT_ASSERT_EQ(nlocks(), 6);
	lck_mtx_free(m, g);
	lck_rw_free(rw, g);
	lck_spin_free(s, g);
	lck_grp_free(g);
	lck_attr_free(a);
	lck_grp_attr_free(ga);
	KT_ASSERT_EQ(nlocks(), 0);
}

static void
test_alloc_failure(void)
{
	NKT_fail_alloc(NKS_ALLOC_KERNEL, 0, 1);
	KT_ASSERT_NULL(lck_grp_alloc_init("nomem", LCK_GRP_ATTR_NULL));
	setup();
	NKT_fail_alloc(NKS_ALLOC_KERNEL, 0, 1);
	KT_ASSERT_NULL(lck_mtx_alloc_init(grp, LCK_ATTR_NULL));
	teardown();
	KT_ASSERT_EQ(nlocks(), 0);
}

static void
test_mutex_basics_and_held_bookkeeping(void)
{
	lck_mtx_t *m;
	char desc[128];

	setup();
	m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	KT_ASSERT_EQ(nke__locks_held(current_thread()), 0);
	lck_mtx_lock(m);
	lck_mtx_assert(m, LCK_MTX_ASSERT_OWNED);
	KT_ASSERT_EQ(nke__locks_held(current_thread()), 1);
	nke__locks_held_describe(current_thread(), desc, sizeof(desc));
	KT_ASSERT(strstr(desc, "mutex 0x") == desc);
	KT_ASSERT(strstr(desc, "(group \"" GRP "\")") != NULL);
	lck_mtx_unlock(m);
	lck_mtx_assert(m, LCK_MTX_ASSERT_NOTOWNED);
	KT_ASSERT_EQ(nke__locks_held(current_thread()), 0);
	KT_ASSERT(lck_mtx_try_lock(m));
	nke__thread_switch(other);
	KT_ASSERT(!lck_mtx_try_lock(m));
	nke__thread_switch(mainth);
	lck_mtx_unlock(m);
	lck_mtx_free(m, grp);
	teardown();
}

static void
mtx_lock(void *m)
{
	lck_mtx_lock(m);
}

static void
mtx_unlock(void *m)
{
	lck_mtx_unlock(m);
}

static void
other_mtx_lock(void *m)
{
	nke__thread_switch(other);
	lck_mtx_lock(m);
}

static void
other_mtx_unlock(void *m)
{
	nke__thread_switch(other);
	lck_mtx_unlock(m);
}

static void
mtx_assert_owned(void *m)
{
	lck_mtx_assert(m, LCK_MTX_ASSERT_OWNED);
}

static void
mtx_assert_notowned(void *m)
{
	lck_mtx_assert(m, LCK_MTX_ASSERT_NOTOWNED);
}

static void
test_mutex_misuse_panics(void)
{
	lck_mtx_t *m;

	setup();
	m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	KT_EXPECT_PANIC(mtx_unlock, m, "of group \"" GRP "\": not locked");
	KT_EXPECT_PANIC(mtx_assert_owned, m, "of group \"" GRP "\": not owned by the caller");
	lck_mtx_lock(m);
	KT_EXPECT_PANIC(mtx_lock, m, "of group \"" GRP "\": recursive lock by thread 1 (main)");
	KT_EXPECT_PANIC(mtx_assert_notowned, m, "of group \"" GRP "\": owned by the caller");
	KT_EXPECT_PANIC(other_mtx_unlock, m,
	    "of group \"" GRP "\": held by thread 1 (main), not by the caller thread 2 (other)");
	KT_EXPECT_PANIC(other_mtx_lock, m,
	    "of group \"" GRP "\": deadlock: thread 2 (other) waits for it, thread 1 (main) holds it");
	nke__thread_switch(mainth);
	lck_mtx_unlock(m);
	lck_mtx_free(m, grp);
	teardown();
}

static void
mtx_free(void *m)
{
	lck_mtx_free(m, grp);
}

static void
mtx_destroy(void *m)
{
	lck_mtx_destroy(m, grp);
}

static void
test_mutex_destroy_and_free(void)
{
	lck_mtx_t *m, *n;

	setup();
	m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	n = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	lck_mtx_lock(m);
	KT_EXPECT_PANIC(mtx_destroy, m, "of group \"" GRP "\": destroyed while held by thread 1");
	KT_EXPECT_PANIC(mtx_free, m, "of group \"" GRP "\": destroyed while held by thread 1");
	lck_mtx_unlock(m);
	lck_mtx_destroy(m, grp);
	KT_EXPECT_PANIC(mtx_lock, m, "of group \"" GRP "\": use after destroy");
	/* A destroyed mutex can be initialised again, or freed. */
	lck_mtx_init(m, grp, LCK_ATTR_NULL);
	lck_mtx_lock(m);
	lck_mtx_unlock(m);
	lck_mtx_destroy(m, grp);
	lck_mtx_free(m, grp);
	KT_EXPECT_PANIC(mtx_lock, m, "of group \"" GRP "\": use after free");
	KT_EXPECT_PANIC(mtx_unlock, m, "of group \"" GRP "\": use after free");
	lck_mtx_free(n, grp);
	teardown();
	KT_ASSERT_EQ(nlocks(), 0);
}

static void
test_group_free_while_locks_alive(void)
{
	lck_grp_t *g = lck_grp_alloc_init("busy.group", LCK_GRP_ATTR_NULL);
	lck_grp_t *g2 = lck_grp_alloc_init("second", LCK_GRP_ATTR_NULL);
	lck_mtx_t *m = lck_mtx_alloc_init(g, LCK_ATTR_NULL);
	lck_rw_t *rw = lck_rw_alloc_init(g, LCK_ATTR_NULL);

	lck_grp_free(g);
	KT_ASSERT_EQ(NKT_reports("lck-grp-busy"), 1);
	KT_ASSERT(strstr(NKT_last_message("lck-grp-busy"), "\"busy.group\" still has 2") != NULL);
	/* The group stays until its locks are gone. */
	KT_ASSERT_EQ(nlocks(), 4);
	lck_mtx_lock(m);
	lck_mtx_unlock(m);
	lck_mtx_free(m, g2);
	KT_ASSERT_EQ(NKT_reports("lock-group-mismatch"), 1);
	lck_rw_free(rw, g);
	KT_ASSERT_EQ(nlocks(), 1);
	lck_grp_free(g2);
}

static void *released_grp;

static void
alloc_in(void *g)
{
	(void)lck_mtx_alloc_init(g, LCK_ATTR_NULL);
}

static void
test_lock_in_released_group_panics(void)
{
	lck_grp_t *g = lck_grp_alloc_init("released.group", LCK_GRP_ATTR_NULL);
	lck_spin_t *s = lck_spin_alloc_init(g, LCK_ATTR_NULL);

	lck_grp_free(g);
	(void)NKT_reports("lck-grp-busy");
	released_grp = g;
	KT_EXPECT_PANIC(alloc_in, g, "lock group \"released.group\" was released");
	lck_spin_free(s, g);
	KT_EXPECT_PANIC(alloc_in, g, "lock group \"released.group\" was freed");
}

static void
test_spin_mode_and_blocking_under_spinlock(void)
{
	lck_mtx_t *m, *n;
	lck_spin_t *s;

	setup();
	m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	n = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	s = lck_spin_alloc_init(grp, LCK_ATTR_NULL);
	lck_mtx_lock_spin(m);
	lck_mtx_lock(n); /* may block while m is held in spin mode */
	KT_ASSERT_EQ(NKT_reports("block-under-spinlock"), 1);
	lck_mtx_unlock(n);
	lck_mtx_convert_spin(m);
	lck_mtx_lock(n);
	KT_ASSERT_EQ(NKT_reports("block-under-spinlock"), 1);
	lck_mtx_unlock(n);
	lck_mtx_unlock(m);
	lck_spin_lock(s);
	_FREE(_MALLOC(8, M_TEMP, M_WAITOK), M_TEMP);
	KT_ASSERT_EQ(NKT_reports("block-under-spinlock"), 2);
	KT_ASSERT(strstr(NKT_last_message("block-under-spinlock"), "_MALLOC(M_WAITOK) may block") !=
	    NULL);
	lck_spin_unlock(s);
	lck_mtx_free(m, grp);
	lck_mtx_free(n, grp);
	lck_spin_free(s, grp);
	teardown();
}

static void
rw_lock_shared(void *l)
{
	lck_rw_lock_shared(l);
}

static void
rw_unlock_shared(void *l)
{
	lck_rw_unlock_shared(l);
}

static void
rw_unlock_excl(void *l)
{
	lck_rw_unlock_exclusive(l);
}

static void
rw_unlock_typed_excl(void *l)
{
	lck_rw_unlock(l, LCK_RW_TYPE_EXCLUSIVE);
}

static void
rw_lock_excl(void *l)
{
	lck_rw_lock_exclusive(l);
}

static void
rw_upgrade(void *l)
{
	(void)lck_rw_lock_shared_to_exclusive(l);
}

static void
other_rw_lock_shared(void *l)
{
	nke__thread_switch(other);
	lck_rw_lock_shared(l);
}

static void
test_rw_basics(void)
{
	lck_rw_t *l;

	setup();
	l = lck_rw_alloc_init(grp, LCK_ATTR_NULL);
	lck_rw_lock_shared(l);
	lck_rw_assert(l, LCK_RW_ASSERT_SHARED);
	/* Readers share. */
	nke__thread_switch(other);
	lck_rw_lock(l, LCK_RW_TYPE_SHARED);
	KT_ASSERT(!lck_rw_try_lock_exclusive(l));
	lck_rw_unlock(l, LCK_RW_TYPE_SHARED);
	nke__thread_switch(mainth);
	KT_ASSERT(lck_rw_lock_shared_to_exclusive(l));
	lck_rw_assert(l, LCK_RW_ASSERT_EXCLUSIVE);
	lck_rw_lock_exclusive_to_shared(l);
	lck_rw_assert(l, LCK_RW_ASSERT_SHARED);
	KT_ASSERT_EQ(lck_rw_done(l), LCK_RW_TYPE_SHARED);
	lck_rw_assert(l, LCK_RW_ASSERT_NOTHELD);
	KT_ASSERT(lck_rw_try_lock(l, LCK_RW_TYPE_EXCLUSIVE));
	nke__thread_switch(other);
	KT_ASSERT(!lck_rw_try_lock_shared(l));
	nke__thread_switch(mainth);
	KT_ASSERT_EQ(lck_rw_done(l), LCK_RW_TYPE_EXCLUSIVE);
	lck_rw_free(l, grp);
	teardown();
}

static void
test_rw_misuse_panics(void)
{
	lck_rw_t *l;

	setup();
	l = lck_rw_alloc_init(grp, LCK_ATTR_NULL);
	KT_EXPECT_PANIC(rw_unlock_shared, l, "of group \"" GRP "\": not held by thread 1 (main)");
	lck_rw_lock_shared(l);
	KT_EXPECT_PANIC(rw_lock_shared, l, "of group \"" GRP "\": recursive lock by thread 1");
	KT_EXPECT_PANIC(rw_unlock_excl, l, "of group \"" GRP "\": held shared, released as exclusive");
	KT_EXPECT_PANIC(rw_unlock_typed_excl, l,
	    "of group \"" GRP "\": held shared, released as exclusive");
	lck_rw_unlock_shared(l);
	lck_rw_lock_exclusive(l);
	KT_EXPECT_PANIC(other_rw_lock_shared, l,
	    "of group \"" GRP "\": deadlock: thread 2 (other) waits for it, thread 1 (main) holds it");
	nke__thread_switch(mainth);
	lck_rw_unlock_exclusive(l);
	/* A reader on another thread: the upgrade could never complete. */
	nke__thread_switch(other);
	lck_rw_lock_shared(l);
	nke__thread_switch(mainth);
	lck_rw_lock_shared(l);
	KT_EXPECT_PANIC(rw_upgrade, l, "of group \"" GRP "\": deadlock: thread 1 (main) waits");
	KT_EXPECT_PANIC(rw_lock_excl, l, "of group \"" GRP "\": recursive lock");
	lck_rw_unlock_shared(l);
	KT_EXPECT_PANIC(rw_lock_excl, l, "of group \"" GRP "\": deadlock: thread 1 (main) waits "
					 "for it, thread 2 (other) holds it");
	nke__thread_switch(other);
	lck_rw_unlock_shared(l);
	nke__thread_switch(mainth);
	lck_rw_free(l, grp);
	teardown();
}

static void
test_rw_failed_upgrade_releases_lock(void)
{
	lck_rw_t *l;

	setup();
	l = lck_rw_alloc_init(grp, LCK_ATTR_NULL);
	lck_rw_lock_shared(l);
	nke__rw_upgrade_fail_next(1);
	KT_ASSERT(!lck_rw_lock_shared_to_exclusive(l));
	/* FALSE means the lock is not held at all any more. */
	KT_ASSERT_EQ(nke__locks_held(current_thread()), 0);
	lck_rw_assert(l, LCK_RW_ASSERT_NOTHELD);
	KT_EXPECT_PANIC(rw_unlock_shared, l,
	    "of group \"" GRP "\": not held by thread 1 (main): the failed "
	    "lck_rw_lock_shared_to_exclusive() released it");
	/* Free for others now. */
	nke__thread_switch(other);
	KT_ASSERT(lck_rw_try_lock_exclusive(l));
	lck_rw_unlock_exclusive(l);
	nke__thread_switch(mainth);
	lck_rw_free(l, grp);
	teardown();
}

static void
rw_destroy(void *l)
{
	lck_rw_destroy(l, grp);
}

static void
rw_free(void *l)
{
	lck_rw_free(l, grp);
}

static void
test_rw_destroy_rules(void)
{
	lck_rw_t *l, *k;

	setup();
	l = lck_rw_alloc_init(grp, LCK_ATTR_NULL);
	k = lck_rw_alloc_init(grp, LCK_ATTR_NULL);
	lck_rw_lock_shared(l);
	KT_EXPECT_PANIC(rw_free, l, "of group \"" GRP "\": destroyed while held shared");
	lck_rw_unlock_shared(l);
	lck_rw_destroy(l, grp);
	KT_EXPECT_PANIC(rw_lock_shared, l, "of group \"" GRP "\": use after destroy");
	/* Unlike a mutex, XNU panics on a second destroy (which lck_rw_free does). */
	KT_EXPECT_PANIC(rw_destroy, l, "of group \"" GRP "\": already destroyed");
	KT_EXPECT_PANIC(rw_free, l, "of group \"" GRP "\": already destroyed");
	lck_rw_init(l, grp, LCK_ATTR_NULL);
	lck_rw_free(l, grp);
	lck_rw_free(k, grp);
	KT_EXPECT_PANIC(rw_lock_excl, k, "of group \"" GRP "\": use after free");
	teardown();
}

static void
spin_lock(void *s)
{
	lck_spin_lock(s);
}

static void
spin_unlock(void *s)
{
	lck_spin_unlock(s);
}

static void
other_spin_lock(void *s)
{
	nke__thread_switch(other);
	lck_spin_lock(s);
}

static void
test_spin_lock(void)
{
	lck_spin_t *s;

	setup();
	s = lck_spin_alloc_init(grp, LCK_ATTR_NULL);
	KT_EXPECT_PANIC(spin_unlock, s, "spin lock 0x");
	KT_EXPECT_PANIC(spin_unlock, s, "of group \"" GRP "\": not locked");
	KT_ASSERT(lck_spin_try_lock(s));
	lck_spin_assert(s, LCK_ASSERT_OWNED);
	KT_EXPECT_PANIC(spin_lock, s, "of group \"" GRP "\": recursive lock");
	KT_EXPECT_PANIC(other_spin_lock, s, "of group \"" GRP "\": deadlock");
	nke__thread_switch(mainth);
	lck_spin_unlock(s);
	lck_spin_lock(s);
	lck_spin_unlock(s);
	lck_spin_free(s, grp);
	teardown();
}

static lck_mtx_t *cm;
static thread_t callout_thread;

static void
take_and_return(void *arg)
{
	(void)arg;
	callout_thread = current_thread();
	lck_mtx_lock(cm);
}

static void
test_callout_returning_with_lock_reported(void)
{
	struct thread *prev;

	setup();
	cm = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	bsd_timeout(take_and_return, NULL, NULL);
	NKS_clock_set(0, 1);
	KT_ASSERT(callout_thread != NULL && callout_thread != mainth);
	KT_ASSERT_EQ(NKT_reports("lock-held-at-return"), 1);
	KT_ASSERT(strstr(NKT_last_message("lock-held-at-return"), "(group \"" GRP "\")") != NULL);
	/* Only the (ended) callout thread can unlock it now. */
	KT_EXPECT_PANIC(mtx_unlock, cm, "not by the caller thread 1 (main)");
	prev = nke__thread_switch(callout_thread);
	lck_mtx_unlock(cm);
	nke__thread_switch(prev);
	lck_mtx_free(cm, grp);
	teardown();
}

static char seen[128];

static void
grp_seen(const char *name, unsigned nlocks, int released, void *arg)
{
	(void)arg;
	nke__snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), "%s:%u:%d;", name, nlocks,
	    released);
}

static void
test_foreach_group_for_leak_reports(void)
{
	lck_grp_t *g = lck_grp_alloc_init("leak.group", LCK_GRP_ATTR_NULL);
	lck_mtx_t *m = lck_mtx_alloc_init(g, LCK_ATTR_NULL);

	seen[0] = '\0';
	nke__locks_foreach_group(grp_seen, NULL);
	KT_ASSERT_STR_EQ(seen, "leak.group:1:0;");
	lck_mtx_free(m, g);
	lck_grp_free(g);
	seen[0] = '\0';
	nke__locks_foreach_group(grp_seen, NULL);
	KT_ASSERT_STR_EQ(seen, "");
}

NKT_CASES(NKT_CASE(test_foreach_group_for_leak_reports), NKT_CASE(test_objects_counted), NKT_CASE(test_alloc_failure),
    NKT_CASE(test_mutex_basics_and_held_bookkeeping), NKT_CASE(test_mutex_misuse_panics),
    NKT_CASE(test_mutex_destroy_and_free), NKT_CASE(test_group_free_while_locks_alive),
    NKT_CASE(test_lock_in_released_group_panics),
    NKT_CASE(test_spin_mode_and_blocking_under_spinlock), NKT_CASE(test_rw_basics),
    NKT_CASE(test_rw_misuse_panics), NKT_CASE(test_rw_failed_upgrade_releases_lock),
    NKT_CASE(test_rw_destroy_rules), NKT_CASE(test_spin_lock),
    NKT_CASE(test_callout_returning_with_lock_reported));
