/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_kern_malloc.c - tests of kpi_shim/kern/kern_malloc.c (kernel world):
 * _MALLOC/_FREE accounting, M_ZERO, M_NOWAIT failure, M_WAITOK never
 * failing, double/unknown frees, _FREE_ZONE and IOFree size checks,
 * IOMallocAligned, hashinit, and the write-after-free quarantine check.
 */
#include <sys/types.h>
#include <string.h>
#include <sys/malloc.h>
#include <sys/systm.h>
#include <IOKit/IOLib.h>
#include <nke_kern.h>
#include "nkt.h"

static uint64_t
malloc_bytes(void)
{
	struct nks_stats st;

	NKS_stats(&st);
	return st.st_malloc_bytes;
}

static void
test_malloc_accounting_and_zero(void)
{
	unsigned char *p, *z;
	unsigned i;

	p = _MALLOC(40, M_TEMP, M_WAITOK);
	z = _MALLOC(24, M_DEVBUF, M_WAITOK | M_ZERO);
	KT_ASSERT(p != NULL && z != NULL);
	KT_ASSERT_EQ(malloc_bytes(), 64);
	for (i = 0; i < 24; i++)
		KT_ASSERT_EQ(z[i], 0);
	/* Without M_ZERO the memory is poisoned. */
	KT_ASSERT_EQ(p[0], 0xde);
	KT_ASSERT_EQ(p[3], 0xef);
	_FREE(p, M_TEMP);
	FREE(z, M_DEVBUF);
	KT_ASSERT_EQ(malloc_bytes(), 0);
	KT_ASSERT_NULL(_MALLOC(0, M_TEMP, M_WAITOK));
	_FREE(NULL, M_TEMP);
}

static void
test_malloc_macro(void)
{
	char *s;

	MALLOC(s, char *, 10, M_TEMP, M_NOWAIT);
	KT_ASSERT(s != NULL);
	strlcpy(s, "hello", 10);
	KT_ASSERT_STR_EQ(s, "hello");
	FREE(s, M_TEMP);
}

static void
test_malloc_failure(void)
{
	void *p;

	NKT_fail_alloc(NKS_ALLOC_MALLOC, 0, 2);
	KT_ASSERT_NULL(_MALLOC(16, M_TEMP, M_NOWAIT));
	KT_ASSERT_NULL(_MALLOC(16, M_TEMP, M_WAITOK | M_NULL));
	KT_ASSERT_EQ(malloc_bytes(), 0);
	/* M_WAITOK waits for memory in XNU: injected failures do not apply. */
	NKT_fail_alloc(NKS_ALLOC_MALLOC, 0, 0);
	p = _MALLOC(16, M_TEMP, M_WAITOK);
	KT_ASSERT(p != NULL);
	NKT_fail_reset();
	_FREE(p, M_TEMP);
}

static void
do_free(void *p)
{
	_FREE(p, M_TEMP);
}

static void
test_free_errors_panic(void)
{
	int local;
	void *p = _MALLOC(8, M_TEMP, M_WAITOK);
	void *io = IOMalloc(8);

	_FREE(p, M_TEMP);
	KT_EXPECT_PANIC(do_free, p, "freed twice");
	KT_EXPECT_PANIC(do_free, &local, "not a block the kernel allocator returned");
	KT_EXPECT_PANIC(do_free, io, "allocated by IOMalloc");
	IOFree(io, 8);
}

static void
test_free_zone_and_iofree_sizes(void)
{
	void *z = _MALLOC_ZONE(32, M_TEMP, M_WAITOK);
	void *io = IOMallocZero(20);

	KT_ASSERT_EQ(malloc_bytes(), 52);
	KT_ASSERT_EQ(((unsigned char *)io)[19], 0);
	_FREE_ZONE(z, 16, M_TEMP);
	KT_ASSERT_EQ(NKT_reports("free-size"), 1);
	IOFree(io, 21);
	KT_ASSERT_EQ(NKT_reports("iofree-size"), 1);
	KT_ASSERT(strstr(NKT_last_message("iofree-size"), "size 20") != NULL);
	KT_ASSERT_EQ(malloc_bytes(), 0);
	IOFree(NULL, 0);
}

static void
test_iomalloc_aligned_and_failure(void)
{
	void *p = IOMallocAligned(100, 4096);

	KT_ASSERT(p != NULL);
	KT_ASSERT_EQ((uintptr_t)p % 4096, 0);
	memset(p, 0, 100);
	IOFreeAligned(p, 100);
	NKT_fail_alloc(NKS_ALLOC_MALLOC, 0, 1);
	KT_ASSERT_NULL(IOMalloc(8));
	KT_ASSERT_EQ(malloc_bytes(), 0);
}

static void
test_hashinit(void)
{
	u_long mask = 0;
	void **tbl = hashinit(100, M_TEMP, &mask);
	unsigned i;

	KT_ASSERT(tbl != NULL);
	KT_ASSERT_EQ(mask, 63);
	for (i = 0; i <= mask; i++)
		KT_ASSERT_NULL(tbl[i]);
	KT_ASSERT_EQ(malloc_bytes(), 64 * sizeof(void *));
	hashdestroy(tbl, M_TEMP, mask);
	KT_ASSERT_EQ(malloc_bytes(), 0);
}

static void
test_write_after_free_reported(void)
{
	volatile unsigned char *p = _MALLOC(32, M_TEMP, M_WAITOK);
	unsigned i;

	_FREE((void *)(uintptr_t)p, M_TEMP);
	KT_ASSERT_EQ(p[5], 0xdf); /* freed memory is poisoned */
	p[5] = 1;		   /* a bug the quarantine catches */
	for (i = 0; i < 80; i++)
		_FREE(_MALLOC(8, M_TEMP, M_WAITOK), M_TEMP);
	KT_ASSERT_EQ(NKT_reports("write-after-free"), 1);
	KT_ASSERT(strstr(NKT_last_message("write-after-free"), "offset 5") != NULL);
}

NKT_CASES(NKT_CASE(test_malloc_accounting_and_zero), NKT_CASE(test_malloc_macro),
    NKT_CASE(test_malloc_failure), NKT_CASE(test_free_errors_panic),
    NKT_CASE(test_free_zone_and_iofree_sizes), NKT_CASE(test_iomalloc_aligned_and_failure),
    NKT_CASE(test_hashinit), NKT_CASE(test_write_after_free_reported));
