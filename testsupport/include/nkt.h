/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nkt.h - the test seam: kernel-world test bodies <-> host-world runner.
 *
 * Tests of KPI behaviour and kexts' unit tests are compiled in the kernel
 * world (they include <sys/kpi_mbuf.h> and friends, with Darwin constants)
 * and are driven by a host-world CMocka runner (nkt_main.c, which provides
 * main()).  Like nke_seam.h this header includes nothing and uses only plain
 * C types, so both worlds can include it.  Part of nkesim's installed
 * test-support library; kext authors include <nkt_kext.h>, which includes
 * this header and adds packet builders and the simulated host.
 *
 * A kernel-world test file defines the table of its cases:
 *
 *	static void test_foo(void) { KT_ASSERT_EQ(1 + 1, 2); }
 *	NKT_CASES(NKT_CASE(test_foo), ...);
 *
 * The runner starts a fresh simulated kernel (NKS_init) before each case and
 * after it checks that no mbuf, cluster, tag, OSMalloc or _MALLOC byte and no
 * lock is left alive and that every check report was expected, then stops
 * it (NKS_fini).
 *
 * The test executable takes an optional argument: run only the cases whose
 * name contains it.
 */
#ifndef NKT_H_
#define NKT_H_

#if defined(__cplusplus)
extern "C" {
#endif

struct nkt_case {
	const char *nc_name;
	void (*nc_fn)(void);
};

/* Defined by each kernel-world test file (see NKT_CASES). */
extern const struct nkt_case nkt_cases[];
extern const unsigned nkt_ncases;

#define NKT_CASE(fn) {#fn, fn}
#define NKT_CASES(...)                                                                      \
	const struct nkt_case nkt_cases[] = {__VA_ARGS__};                                  \
	const unsigned nkt_ncases = sizeof(nkt_cases) / sizeof(nkt_cases[0])

/* Assertions (they end the case on failure, as CMocka's do). */
void NKT_assert(int ok, const char *expr, const char *file, int line);
void NKT_assert_eq(long long a, long long b, const char *ea, const char *eb, const char *file,
    int line);
void NKT_assert_ptr_eq(const void *a, const void *b, const char *ea, const char *eb,
    const char *file, int line);
void NKT_assert_mem_eq(const void *a, const void *b, unsigned long n, const char *ea,
    const char *eb, const char *file, int line);
void NKT_assert_str_eq(const char *a, const char *b, const char *ea, const char *eb,
    const char *file, int line);
void NKT_fail(const char *msg, const char *file, int line);

#define KT_ASSERT(e) NKT_assert(!!(e), #e, __FILE__, __LINE__)
#define KT_ASSERT_EQ(a, b) NKT_assert_eq((long long)(a), (long long)(b), #a, #b, __FILE__, __LINE__)
#define KT_ASSERT_PTR_EQ(a, b) NKT_assert_ptr_eq((a), (b), #a, #b, __FILE__, __LINE__)
#define KT_ASSERT_NULL(a) NKT_assert_ptr_eq((a), (void *)0, #a, "NULL", __FILE__, __LINE__)
#define KT_ASSERT_MEM_EQ(a, b, n) NKT_assert_mem_eq((a), (b), (n), #a, #b, __FILE__, __LINE__)
#define KT_ASSERT_STR_EQ(a, b) NKT_assert_str_eq((a), (b), #a, #b, __FILE__, __LINE__)
#define KT_FAIL(msg) NKT_fail((msg), __FILE__, __LINE__)

/*
 * Run fn(arg) and assert that it ends in a simulated kernel panic whose
 * message contains `substr` (any message when NULL).  The kernel state the
 * panicking code left behind stays as it was.
 */
void NKT_expect_panic(void (*fn)(void *), void *arg, const char *substr, const char *file,
    int line);
#define KT_EXPECT_PANIC(fn, arg, substr) NKT_expect_panic((fn), (arg), (substr), __FILE__, __LINE__)

/*
 * Number of check reports (NKS_EV_REPORT) named `check` since the case
 * started; they count as expected from then on.  Reports never asked about
 * fail the case at teardown.
 */
unsigned long NKT_reports(const char *check);
/* Same for warnings (NKS_EV_WARNING); unexpected warnings do not fail. */
unsigned long NKT_warnings(const char *check);
/* Message of the last report or warning named `check`, or "" if none. */
const char *NKT_last_message(const char *check);

/*
 * Allocation failure injection: of the allocations of class `alloc_class`
 * (enum nks_alloc_class), let the next `skip` succeed, then make the
 * following `count` fail (count 0: all of them).  NKT_fail_reset() ends it.
 */
void NKT_fail_alloc(unsigned alloc_class, unsigned long skip, unsigned long count);
void NKT_fail_reset(void);

/* Kernel console output (printf, IOLog, ...) since the case started. */
const char *NKT_console(void);
void NKT_console_reset(void);
/* The console holds `substr` (on failure the console is printed). */
void NKT_assert_console(const char *substr, const char *file, int line);
#define KT_ASSERT_CONSOLE(substr) NKT_assert_console((substr), __FILE__, __LINE__)

/*
 * Skip the end-of-case leak check for this case (for cases that provoke a
 * panic in the middle of an operation and cannot clean up after it).
 */
void NKT_no_leak_check(void);

#if defined(__cplusplus)
}
#endif

#endif /* NKT_H_ */
