/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_kern_kext.c - tests of kpi_shim/kern/kern_kext.c (kernel world): load
 * tags, the current kext during start/stop, failed starts, refused and
 * retried stops, retained kexts, bundle-id clashes, malformed kmod_info and
 * the locks-held check.  Each case runs in a fresh simulated kernel, so
 * every case's first kext gets load tag 1 again.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <mach/kmod.h>
#include <kern/locks.h>
#include <libkern/OSKextLib.h>
#include <libkern/OSReturn.h>
#include <nke_kern.h>
#include "nkt.h"

/* What the routines saw, for the assertions. */
static uint32_t seen_tag, seen_cur;
static char seen_id[KMOD_MAX_NAME];
static kern_return_t start_ret, stop_ret;
static int stops;

static kern_return_t
rec_start(kmod_info_t *ki, void *d)
{
	KT_ASSERT_NULL(d);
	seen_tag = OSKextGetCurrentLoadTag();
	seen_cur = nke__kext_current_id();
	strlcpy(seen_id, OSKextGetCurrentIdentifier(), sizeof(seen_id));
	KT_ASSERT_EQ(ki->id, seen_tag);
	KT_ASSERT_EQ(ki->reference_count, 0);
	KT_ASSERT_NULL(ki->reference_list);
	return start_ret;
}

static kern_return_t
rec_stop(kmod_info_t *ki, void *d)
{
	KT_ASSERT_NULL(d);
	seen_tag = OSKextGetCurrentLoadTag();
	seen_cur = nke__kext_current_id();
	stops++;
	/* The first refusal is retried by the host; succeed afterwards. */
	if (stop_ret != KERN_SUCCESS) {
		kern_return_t r = stop_ret;

		stop_ret = KERN_SUCCESS;
		return r;
	}
	return KERN_SUCCESS;
}

#define KI(name, vers, start, stop)                                                                \
	{                                                                                          \
		NULL, KMOD_INFO_VERSION, -1U, name, vers, -1, NULL, 0, 0, 0, start, stop           \
	}

static kmod_info_t ki_a = KI("com.example.a", "1.0.0d1", rec_start, rec_stop);
static kmod_info_t ki_b = KI("com.example.b", "2.0", rec_start, rec_stop);
static kmod_info_t ki_a2 = KI("com.example.a", "1.0.1", rec_start, rec_stop);
static kmod_info_t ki_nostop = KI("com.example.nostop", "1", rec_start, NULL);

static void
reset_seen(void)
{
	seen_tag = seen_cur = 0xdead;
	seen_id[0] = '\0';
	start_ret = KERN_SUCCESS;
	stop_ret = KERN_SUCCESS;
	stops = 0;
}

static void
test_start_assigns_tags_in_order(void)
{
	nks_u32 id = 99;
	nks_i32 res = 99;

	reset_seen();
	KT_ASSERT_EQ(NKS_kext_start(&ki_a, &id, &res), 0);
	KT_ASSERT_EQ(id, 1);
	KT_ASSERT_EQ(res, 0);
	KT_ASSERT_EQ(ki_a.id, 1);
	KT_ASSERT_EQ(seen_tag, 1);
	KT_ASSERT_EQ(seen_cur, 1);
	KT_ASSERT_STR_EQ(seen_id, "com.example.a");
	/* Back to the kernel once the routine returned. */
	KT_ASSERT_EQ(OSKextGetCurrentLoadTag(), 0);
	KT_ASSERT_EQ(nke__kext_current_id(), 0);
	KT_ASSERT_STR_EQ(OSKextGetCurrentIdentifier(), kOSKextKernelIdentifier);

	KT_ASSERT_EQ(NKS_kext_start(&ki_b, &id, &res), 0);
	KT_ASSERT_EQ(id, 2);
	KT_ASSERT_STR_EQ(seen_id, "com.example.b");
	KT_ASSERT_STR_EQ(NKS_kext_name(1), "com.example.a");
	KT_ASSERT_STR_EQ(NKS_kext_version(1), "1.0.0d1");
	KT_ASSERT_STR_EQ(NKS_kext_name(2), "com.example.b");
	KT_ASSERT_STR_EQ(NKS_kext_version(2), "2.0");
	KT_ASSERT_NULL(NKS_kext_name(3));
	KT_ASSERT_NULL(NKS_kext_name(0));
	KT_ASSERT_STR_EQ(nke__kext_name_of(0), kOSKextKernelIdentifier);
	KT_ASSERT_STR_EQ(nke__kext_name_of(2), "com.example.b");
	KT_ASSERT_NULL(nke__kext_name_of(7));

	KT_ASSERT_EQ(NKS_kext_stop(2, &res), 0);
	KT_ASSERT_EQ(seen_tag, 2);
	KT_ASSERT_EQ(seen_cur, 2);
	KT_ASSERT_EQ(NKS_kext_stop(1, &res), 0);
	KT_ASSERT_EQ(seen_tag, 1);
	KT_ASSERT_EQ(stops, 2);
	KT_ASSERT_EQ(nke__kext_current_id(), 0);
}

/* A fresh kernel starts over at load tag 1. */
static void
test_registry_restarts_with_the_kernel(void)
{
	nks_u32 id = 0;
	nks_i32 res;

	reset_seen();
	KT_ASSERT_EQ(NKS_kext_start(&ki_b, &id, &res), 0);
	KT_ASSERT_EQ(id, 1);
	KT_ASSERT_STR_EQ(NKS_kext_name(1), "com.example.b");
	KT_ASSERT_NULL(NKS_kext_name(2));
	/* Left started on purpose: the next case must not see it. */
}

static void
test_failed_start(void)
{
	nks_u32 id = 99;
	nks_i32 res = 0;

	reset_seen();
	start_ret = KERN_FAILURE;
	KT_ASSERT_EQ(NKS_kext_start(&ki_a, &id, &res), ECANCELED);
	KT_ASSERT_EQ(id, 0);
	KT_ASSERT_EQ(res, KERN_FAILURE);
	/* Not started: no name through the seam, no stop, but still nameable. */
	KT_ASSERT_NULL(NKS_kext_name(1));
	KT_ASSERT_EQ(NKS_kext_stop(1, &res), ENOENT);
	KT_ASSERT_EQ(stops, 0);
	KT_ASSERT_STR_EQ(nke__kext_name_of(1), "com.example.a");
	KT_ASSERT_EQ(nke__kext_current_id(), 0);

	/* Kexts return errnos too; the value is passed through as is. */
	start_ret = EPERM;
	KT_ASSERT_EQ(NKS_kext_start(&ki_b, &id, &res), ECANCELED);
	KT_ASSERT_EQ(res, EPERM);

	/* The same bundle id may try again; tags are not reused. */
	start_ret = KERN_SUCCESS;
	KT_ASSERT_EQ(NKS_kext_start(&ki_a, &id, &res), 0);
	KT_ASSERT_EQ(id, 3);
	KT_ASSERT_EQ(NKS_kext_stop(3, &res), 0);
}

static void
test_stop_refused_then_retried(void)
{
	nks_u32 id;
	nks_i32 res = 0;

	reset_seen();
	KT_ASSERT_EQ(NKS_kext_start(&ki_a, &id, &res), 0);
	stop_ret = EBUSY;
	KT_ASSERT_EQ(NKS_kext_stop(id, &res), EBUSY);
	KT_ASSERT_EQ(res, EBUSY);
	/* Still started: the name stays, and it is not current any more. */
	KT_ASSERT_STR_EQ(NKS_kext_name(id), "com.example.a");
	KT_ASSERT_EQ(nke__kext_current_id(), 0);
	KT_ASSERT_EQ(NKS_kext_stop(id, &res), 0);
	KT_ASSERT_EQ(res, 0);
	KT_ASSERT_EQ(stops, 2);
	KT_ASSERT_NULL(NKS_kext_name(id));
	KT_ASSERT_NULL(NKS_kext_version(id));
	KT_ASSERT_EQ(NKS_kext_stop(id, &res), ENOENT);
	KT_ASSERT_EQ(NKS_kext_stop(42, &res), ENOENT);
	KT_ASSERT_EQ(NKS_kext_stop(0, &res), ENOENT);

	KT_ASSERT_EQ(NKS_kext_start(&ki_b, &id, &res), 0);
	stop_ret = KERN_FAILURE;
	KT_ASSERT_EQ(NKS_kext_stop(id, &res), EBUSY);
	KT_ASSERT_EQ(res, KERN_FAILURE);
	KT_ASSERT_EQ(NKS_kext_stop(id, &res), 0);
}

static void
test_no_stop_routine(void)
{
	nks_u32 id;
	nks_i32 res;

	reset_seen();
	KT_ASSERT_EQ(NKS_kext_start(&ki_nostop, &id, &res), 0);
	KT_ASSERT_EQ(NKS_kext_stop(id, &res), 0);
	KT_ASSERT_EQ(stops, 0);
	KT_ASSERT_NULL(NKS_kext_name(id));
}

/* Started twice under one bundle identifier: refused before any code runs. */
static void
test_same_bundle_id_refused(void)
{
	nks_u32 id, id2 = 99;
	nks_i32 res;

	reset_seen();
	KT_ASSERT_EQ(NKS_kext_start(&ki_a, &id, &res), 0);
	seen_tag = 0xdead;
	KT_ASSERT_EQ(NKS_kext_start(&ki_a2, &id2, &res), EEXIST);
	KT_ASSERT_EQ(id2, 0);
	KT_ASSERT_EQ(seen_tag, 0xdead);
	KT_ASSERT_EQ(NKS_kext_stop(id, &res), 0);
	/* Once stopped, the identifier is free again. */
	KT_ASSERT_EQ(NKS_kext_start(&ki_a2, &id2, &res), 0);
	KT_ASSERT_EQ(id2, 2);
	KT_ASSERT_STR_EQ(NKS_kext_version(id2), "1.0.1");
	KT_ASSERT_EQ(NKS_kext_stop(id2, &res), 0);
}

static void
test_malformed_kmod_info(void)
{
	kmod_info_t bad = KI("com.example.bad", "1", rec_start, rec_stop);
	nks_u32 id = 99;
	nks_i32 res = 99;

	reset_seen();
	KT_ASSERT_EQ(NKS_kext_start(NULL, &id, &res), EINVAL);
	KT_ASSERT_EQ(id, 0);
	KT_ASSERT_EQ(res, 0);
	bad.info_version = 7;
	KT_ASSERT_EQ(NKS_kext_start(&bad, &id, &res), EINVAL);
	bad.info_version = KMOD_INFO_VERSION;
	bad.start = NULL;
	KT_ASSERT_EQ(NKS_kext_start(&bad, &id, &res), EINVAL);
	bad.start = rec_start;
	memset(bad.name, 'x', sizeof(bad.name));
	KT_ASSERT_EQ(NKS_kext_start(&bad, &id, &res), EINVAL);
	bad.name[0] = '\0';
	KT_ASSERT_EQ(NKS_kext_start(&bad, &id, &res), EINVAL);
	KT_ASSERT_EQ(seen_tag, 0xdead);
	/* Nothing was registered: the next kext still gets tag 1. */
	KT_ASSERT_EQ(NKS_kext_start(&ki_a, &id, &res), 0);
	KT_ASSERT_EQ(id, 1);
	KT_ASSERT_EQ(NKS_kext_stop(id, &res), 0);
}

/* OSKext::stop() refuses a retained kext without calling its routine. */
static kern_return_t
retain_start(kmod_info_t *ki, void *d)
{
	(void)d;
	KT_ASSERT_EQ(OSKextRetainKextWithLoadTag(ki->id), kOSReturnSuccess);
	return KERN_SUCCESS;
}

static void
test_retained_kext_cannot_stop(void)
{
	kmod_info_t ki = KI("com.example.retained", "1", retain_start, rec_stop);
	nks_u32 id;
	nks_i32 res = 0;

	reset_seen();
	KT_ASSERT_EQ(NKS_kext_start(&ki, &id, &res), 0);
	KT_ASSERT_EQ(NKS_kext_stop(id, &res), EBUSY);
	KT_ASSERT_EQ(res, kOSKextReturnInUse);
	KT_ASSERT_EQ(stops, 0);
	/* The probe left the retain count as it was. */
	KT_ASSERT_EQ(NKS_kext_stop(id, &res), EBUSY);
	KT_ASSERT_EQ(OSKextReleaseKextWithLoadTag(id), kOSReturnSuccess);
	KT_ASSERT_EQ(NKS_kext_stop(id, &res), 0);
	KT_ASSERT_EQ(stops, 1);
}

static void
test_switch_current(void)
{
	nks_u32 id;
	nks_i32 res;
	uint32_t prev;

	reset_seen();
	KT_ASSERT_EQ(NKS_kext_start(&ki_b, &id, &res), 0);
	prev = nke__kext_switch(id);
	KT_ASSERT_EQ(prev, 0);
	KT_ASSERT_EQ(OSKextGetCurrentLoadTag(), id);
	KT_ASSERT_STR_EQ(OSKextGetCurrentVersionString(), "2.0");
	KT_ASSERT_EQ(nke__kext_switch(prev), id);
	KT_ASSERT_EQ(OSKextGetCurrentLoadTag(), 0);
	/* An unknown id means the kernel. */
	(void)nke__kext_switch(12);
	KT_ASSERT_EQ(nke__kext_current_id(), 0);
	KT_ASSERT_STR_EQ(OSKextGetCurrentIdentifier(), kOSKextKernelIdentifier);
	KT_ASSERT_EQ(NKS_kext_stop(id, &res), 0);
}

/* A start routine that returns holding a mutex. */
static lck_grp_t *lk_grp;
static lck_mtx_t *lk_mtx;

static kern_return_t
lock_start(kmod_info_t *ki, void *d)
{
	(void)ki;
	(void)d;
	lk_grp = lck_grp_alloc_init("kexttest", LCK_GRP_ATTR_NULL);
	lk_mtx = lck_mtx_alloc_init(lk_grp, LCK_ATTR_NULL);
	lck_mtx_lock(lk_mtx);
	return KERN_SUCCESS;
}

static void
test_start_returns_holding_lock(void)
{
	kmod_info_t ki = KI("com.example.locky", "1", lock_start, NULL);
	nks_u32 id;
	nks_i32 res;

	reset_seen();
	KT_ASSERT_EQ(NKS_kext_start(&ki, &id, &res), 0);
	KT_ASSERT_EQ(NKT_reports("lock-held-at-return"), 1);
	KT_ASSERT(strstr(NKT_last_message("lock-held-at-return"), "com.example.locky: start") !=
	          NULL);
	lck_mtx_unlock(lk_mtx);
	lck_mtx_free(lk_mtx, lk_grp);
	lck_grp_free(lk_grp);
	KT_ASSERT_EQ(NKS_kext_stop(id, &res), 0);
}

NKT_CASES(NKT_CASE(test_start_assigns_tags_in_order),
          NKT_CASE(test_registry_restarts_with_the_kernel), NKT_CASE(test_failed_start),
          NKT_CASE(test_stop_refused_then_retried), NKT_CASE(test_no_stop_routine),
          NKT_CASE(test_same_bundle_id_refused), NKT_CASE(test_malformed_kmod_info),
          NKT_CASE(test_retained_kext_cannot_stop), NKT_CASE(test_switch_current),
          NKT_CASE(test_start_returns_holding_lock));
