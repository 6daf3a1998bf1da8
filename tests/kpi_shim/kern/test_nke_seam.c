/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_nke_seam.c - tests of kpi_shim/kern/nke_seam.c (kernel world):
 * simulated panics reach the host, reports are counted, the clock only moves
 * forward, and NKS_init refuses a bad host table.
 */
#include <sys/errno.h>
#include <nke_kern.h>
#include "nkt.h"

static void
do_panic(void *arg)
{
	nke__panic("boom %s", (const char *)arg);
}

static void
test_panic_reaches_host(void)
{
	static char x[] = "x";

	KT_EXPECT_PANIC(do_panic, x, "boom");
}

static void
test_report_counted(void)
{
	struct nks_stats st;

	nke__report("demo-check", "something %d", 1);
	nke__report("demo-check", "something %d", 2);
	nke__warn("demo-warning", "hmm");
	KT_ASSERT_EQ(NKT_reports("demo-check"), 2);
	KT_ASSERT_EQ(NKT_warnings("demo-warning"), 1);
	NKS_stats(&st);
	KT_ASSERT_EQ(st.st_reports, 2);
}

static void
test_clock_monotonic(void)
{
	NKS_clock_set(2000, 50);
	KT_ASSERT_EQ(nke__clock_calendar_ns, 2000);
	KT_ASSERT_EQ(nke__clock_uptime_ns, 50);
	NKS_clock_set(1000, 10);
	KT_ASSERT_EQ(nke__clock_calendar_ns, 2000);
	KT_ASSERT_EQ(nke__clock_uptime_ns, 50);
}

static void
test_init_rejects_bad_ops(void)
{
	struct nks_hostops bad = *nke__hostops;

	KT_ASSERT_EQ(NKS_init(0), EINVAL);
	bad.ho_version = NKS_SEAM_VERSION + 1;
	KT_ASSERT_EQ(NKS_init(&bad), EINVAL);
	bad = *nke__hostops;
	bad.ho_panic = 0;
	KT_ASSERT_EQ(NKS_init(&bad), EINVAL);
}

static void
do_double_init(void *arg)
{
	NKS_init(arg);
}

static void
test_double_init_panics(void)
{
	KT_EXPECT_PANIC(do_double_init, (void *)nke__hostops, "already running");
}

static void
test_alloc_failure_injection(void)
{
	void *p;

	NKT_fail_alloc(NKS_ALLOC_KERNEL, 1, 1);
	p = NKH_alloc(NKS_ALLOC_KERNEL, 32);
	KT_ASSERT(p != 0);
	KT_ASSERT_NULL(NKH_alloc(NKS_ALLOC_KERNEL, 32));
	NKH_free(p, 32);
	p = NKH_alloc(NKS_ALLOC_KERNEL, 32);
	KT_ASSERT(p != 0);
	NKH_free(p, 32);
}

NKT_CASES(NKT_CASE(test_panic_reaches_host), NKT_CASE(test_report_counted),
    NKT_CASE(test_clock_monotonic), NKT_CASE(test_init_rejects_bad_ops),
    NKT_CASE(test_double_init_panics), NKT_CASE(test_alloc_failure_injection));
