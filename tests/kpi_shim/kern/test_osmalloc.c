/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_osmalloc.c - tests of kpi_shim/kern/osmalloc.c (kernel world): per-tag
 * accounting, deferred tag destruction, the panics XNU raises (double
 * Tagfree, allocation from a released tag, bad OSFree pointers), the
 * OSFree size/tag reports, pageable tags, poisoned memory and failure
 * injection.
 */
#include <sys/types.h>
#include <string.h>
#include <libkern/OSMalloc.h>
#include <sys/malloc.h>
#include <nke_kern.h>
#include "nkt.h"

static struct nks_stats
stats(void)
{
	struct nks_stats st;

	NKS_stats(&st);
	return st;
}

static void
test_accounting_per_tag(void)
{
	OSMallocTag a = OSMalloc_Tagalloc("com.example.a", OSMT_DEFAULT);
	OSMallocTag b = OSMalloc_Tagalloc("com.example.b", OSMT_DEFAULT);
	void *p1, *p2, *p3;

	KT_ASSERT(a != NULL && b != NULL);
	KT_ASSERT_EQ(stats().st_osmalloc_tags, 2);
	p1 = OSMalloc(100, a);
	p2 = OSMalloc(28, a);
	p3 = OSMalloc_noblock(1000, b);
	KT_ASSERT(p1 != NULL && p2 != NULL && p3 != NULL);
	KT_ASSERT_EQ((uintptr_t)p1 % 16, 0);
	KT_ASSERT_EQ(stats().st_osmalloc_bytes, 1128);
	memset(p1, 1, 100);
	OSFree(p1, 100, a);
	KT_ASSERT_EQ(stats().st_osmalloc_bytes, 1028);
	OSFree(p2, 28, a);
	OSFree(p3, 1000, b);
	KT_ASSERT_EQ(stats().st_osmalloc_bytes, 0);
	OSMalloc_Tagfree(a);
	OSMalloc_Tagfree(b);
	KT_ASSERT_EQ(stats().st_osmalloc_tags, 0);
}

static void
test_memory_is_poisoned_not_zeroed(void)
{
	OSMallocTag t = OSMalloc_Tagalloc("poison", OSMT_DEFAULT);
	unsigned char *p = OSMalloc(8, t);
	static const unsigned char pat[8] = {0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef};

	KT_ASSERT_MEM_EQ(p, pat, 8);
	OSFree(p, 8, t);
	OSMalloc_Tagfree(t);
}

static void
test_tagfree_deferred_while_allocations_live(void)
{
	OSMallocTag t = OSMalloc_Tagalloc("deferred", OSMT_DEFAULT);
	void *p = OSMalloc(16, t);
	void *q = OSMalloc_nowait(16, t);

	OSMalloc_Tagfree(t);
	/* Released, but alive until its allocations are gone. */
	KT_ASSERT_EQ(stats().st_osmalloc_tags, 1);
	OSFree(p, 16, t);
	KT_ASSERT_EQ(stats().st_osmalloc_tags, 1);
	OSFree(q, 16, t);
	KT_ASSERT_EQ(stats().st_osmalloc_tags, 0);
}

static void
do_tagfree(void *tag)
{
	OSMalloc_Tagfree(tag);
}

static void
test_double_tagfree_panics(void)
{
	OSMallocTag t = OSMalloc_Tagalloc("twice", OSMT_DEFAULT);
	OSMallocTag u = OSMalloc_Tagalloc("gone", OSMT_DEFAULT);
	void *p = OSMalloc(4, t);

	OSMalloc_Tagfree(t);
	KT_EXPECT_PANIC(do_tagfree, t, "\"twice\" released twice");
	OSFree(p, 4, t);
	/* Already destroyed (no allocation kept it). */
	OSMalloc_Tagfree(u);
	KT_EXPECT_PANIC(do_tagfree, u, "\"gone\" was already destroyed");
}

static void
do_alloc(void *tag)
{
	(void)OSMalloc(8, tag);
}

static void
test_alloc_from_released_tag_panics(void)
{
	OSMallocTag t = OSMalloc_Tagalloc("released", OSMT_DEFAULT);
	void *p = OSMalloc(8, t);

	OSMalloc_Tagfree(t);
	KT_EXPECT_PANIC(do_alloc, t, "tag \"released\" has been released");
	OSFree(p, 8, t);
}

static void
test_osfree_size_mismatch_reported(void)
{
	OSMallocTag t = OSMalloc_Tagalloc("com.example.sizes", OSMT_DEFAULT);
	void *p = OSMalloc(64, t);

	OSFree(p, 32, t);
	KT_ASSERT_EQ(NKT_reports("osfree-size"), 1);
	KT_ASSERT(strstr(NKT_last_message("osfree-size"), "com.example.sizes") != NULL);
	KT_ASSERT(strstr(NKT_last_message("osfree-size"), "size 64") != NULL);
	/* The real size was released anyway. */
	KT_ASSERT_EQ(stats().st_osmalloc_bytes, 0);
	OSMalloc_Tagfree(t);
}

static void
test_osfree_wrong_tag_reported(void)
{
	OSMallocTag a = OSMalloc_Tagalloc("owner", OSMT_DEFAULT);
	OSMallocTag b = OSMalloc_Tagalloc("other", OSMT_DEFAULT);
	void *p = OSMalloc(8, a);

	OSMalloc_Tagfree(a);
	OSFree(p, 8, b);
	KT_ASSERT_EQ(NKT_reports("osfree-tag"), 1);
	KT_ASSERT(strstr(NKT_last_message("osfree-tag"), "\"owner\"") != NULL);
	/* The reference went back to the owner, which is now gone. */
	KT_ASSERT_EQ(stats().st_osmalloc_tags, 1);
	OSMalloc_Tagfree(b);
}

static OSMallocTag bad_tag;

static void
do_free_unknown(void *arg)
{
	OSFree(arg, 4, bad_tag);
}

static void
test_osfree_bad_pointers_panic(void)
{
	int local;
	void *p, *m;

	bad_tag = OSMalloc_Tagalloc("badptr", OSMT_DEFAULT);
	KT_EXPECT_PANIC(do_free_unknown, &local, "not a block OSMalloc returned");
	p = OSMalloc(4, bad_tag);
	OSFree(p, 4, bad_tag);
	KT_EXPECT_PANIC(do_free_unknown, p, "freed twice");
	m = _MALLOC(4, M_TEMP, M_WAITOK);
	KT_EXPECT_PANIC(do_free_unknown, m, "allocated by _MALLOC");
	_FREE(m, M_TEMP);
	OSFree(NULL, 4, bad_tag);
	KT_ASSERT_EQ(NKT_reports("osfree-null"), 1);
	OSMalloc_Tagfree(bad_tag);
}

static void
test_pageable_tag(void)
{
	OSMallocTag t = OSMalloc_Tagalloc("pageable", OSMT_PAGEABLE);
	void *p;

	KT_ASSERT_NULL(OSMalloc_noblock(16, t));
	KT_ASSERT_NULL(OSMalloc_nowait(16, t));
	p = OSMalloc(8192, t);
	KT_ASSERT(p != NULL);
	KT_ASSERT_EQ(stats().st_osmalloc_bytes, 8192);
	OSFree(p, 8192, t);
	OSMalloc_Tagfree(t);
}

static void
test_failure_injection(void)
{
	OSMallocTag t = OSMalloc_Tagalloc("failing", OSMT_DEFAULT);
	void *p;

	NKT_fail_alloc(NKS_ALLOC_OSMALLOC, 1, 1);
	p = OSMalloc(8, t);
	KT_ASSERT(p != NULL);
	KT_ASSERT_NULL(OSMalloc(8, t));
	KT_ASSERT_EQ(stats().st_osmalloc_bytes, 8);
	OSFree(p, 8, t);
	OSMalloc_Tagfree(t);
	/* No reference was left behind by the failed allocation. */
	KT_ASSERT_EQ(stats().st_osmalloc_tags, 0);
	NKT_fail_alloc(NKS_ALLOC_KERNEL, 0, 1);
	KT_ASSERT_NULL(OSMalloc_Tagalloc("no memory", OSMT_DEFAULT));
}

static void
test_tag_name_copied_and_truncated(void)
{
	char name[80];
	OSMallocTag t;
	void *p;
	char expect[70];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	t = OSMalloc_Tagalloc(name, OSMT_DEFAULT);
	memset(name, 'X', sizeof(name) - 1); /* the tag must keep its copy */
	p = OSMalloc(4, t);
	OSFree(p, 3, t);
	memset(expect, 'n', 63);
	expect[63] = '"';
	expect[64] = '\0';
	KT_ASSERT(strstr(NKT_last_message("osfree-size"), expect) != NULL);
	KT_ASSERT_EQ(NKT_reports("osfree-size"), 1);
	OSMalloc_Tagfree(t);
}

static char seen[128];

static void
tag_seen(const char *name, uint64_t bytes, uint64_t allocs, int released, void *arg)
{
	(void)arg;
	nke__snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), "%s:%llu:%llu:%d;",
	    name, (unsigned long long)bytes, (unsigned long long)allocs, released);
}

static void
test_foreach_tag_for_leak_reports(void)
{
	OSMallocTag t = OSMalloc_Tagalloc("leaky", OSMT_DEFAULT);
	void *p = OSMalloc(10, t), *q = OSMalloc(6, t);

	OSMalloc_Tagfree(t);
	seen[0] = '\0';
	nke__osmalloc_foreach_tag(tag_seen, NULL);
	KT_ASSERT_STR_EQ(seen, "leaky:16:2:1;");
	OSFree(p, 10, t);
	OSFree(q, 6, t);
	seen[0] = '\0';
	nke__osmalloc_foreach_tag(tag_seen, NULL);
	KT_ASSERT_STR_EQ(seen, "");
}

NKT_CASES(NKT_CASE(test_foreach_tag_for_leak_reports), NKT_CASE(test_accounting_per_tag), NKT_CASE(test_memory_is_poisoned_not_zeroed),
    NKT_CASE(test_tagfree_deferred_while_allocations_live), NKT_CASE(test_double_tagfree_panics),
    NKT_CASE(test_alloc_from_released_tag_panics), NKT_CASE(test_osfree_size_mismatch_reported),
    NKT_CASE(test_osfree_wrong_tag_reported), NKT_CASE(test_osfree_bad_pointers_panic),
    NKT_CASE(test_pageable_tag), NKT_CASE(test_failure_injection),
    NKT_CASE(test_tag_name_copied_and_truncated));
