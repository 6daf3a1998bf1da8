/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_net_str_id.c - tests of kpi_shim/kern/net_str_id.c (kernel world).
 *
 * The string-id registry behind mbuf_tag_id_find (and later
 * kev_vendor_code_find): ids from 1000 upward, one counter for every kind,
 * stable ids per string, per-kind ranges, argument errors, ENOMEM, and a
 * fresh registry for every simulated kernel.
 */
#include "mbuf_testutil.h"

static char longstr[2050];

static void
test_ids_from_1000(void)
{
	u_int32_t a, b, c, first, last;

	nke__net_str_id_first_last(&first, &last, NKE_NSI_MBUF_TAG);
	KT_ASSERT_EQ(first, 1000);
	KT_ASSERT(last < first); /* nothing handed out yet */
	KT_ASSERT_EQ(nke__net_str_id_find_kind("com.example.one", &a, NKE_NSI_MBUF_TAG), 0);
	KT_ASSERT_EQ(nke__net_str_id_find_kind("com.example.two", &b, NKE_NSI_VENDOR_CODE), 0);
	KT_ASSERT_EQ(nke__net_str_id_find_kind("com.example.three", &c, NKE_NSI_IF_FAM_ID), 0);
	KT_ASSERT_EQ(a, 1000);
	KT_ASSERT_EQ(b, 1001);
	KT_ASSERT_EQ(c, 1002);
	/* The same string keeps its id, whatever the kind. */
	KT_ASSERT_EQ(nke__net_str_id_find_kind("com.example.one", &b, NKE_NSI_VENDOR_CODE), 0);
	KT_ASSERT_EQ(b, 1000);
	KT_ASSERT_EQ(nke__net_str_id_find("com.example.three", &c), 0);
	KT_ASSERT_EQ(c, 1002);
	/* Comparison is exact. */
	KT_ASSERT_EQ(nke__net_str_id_find("com.example.on", &c), 0);
	KT_ASSERT_EQ(c, 1003);
	KT_ASSERT_EQ(nke__net_str_id_find("", &c), 0);
	KT_ASSERT_EQ(c, 1004);
}

static void
test_kind_ranges(void)
{
	u_int32_t id, first, last;

	KT_ASSERT_EQ(nke__net_str_id_find_kind("a", &id, NKE_NSI_VENDOR_CODE), 0);
	KT_ASSERT_EQ(nke__net_str_id_find_kind("b", &id, NKE_NSI_MBUF_TAG), 0);
	KT_ASSERT_EQ(nke__net_str_id_find_kind("c", &id, NKE_NSI_VENDOR_CODE), 0);
	nke__net_str_id_first_last(&first, &last, NKE_NSI_MBUF_TAG);
	KT_ASSERT_EQ(last, 1001);
	nke__net_str_id_first_last(&first, &last, NKE_NSI_VENDOR_CODE);
	KT_ASSERT_EQ(last, 1002);
	nke__net_str_id_first_last(&first, &last, NKE_NSI_IF_FAM_ID);
	KT_ASSERT(last < first);
	/* Asking for "c" as a tag raises the tag range to cover it. */
	KT_ASSERT_EQ(nke__net_str_id_find_kind("c", &id, NKE_NSI_MBUF_TAG), 0);
	nke__net_str_id_first_last(&first, &last, NKE_NSI_MBUF_TAG);
	KT_ASSERT_EQ(last, 1002);
	/* An unknown kind has an empty range. */
	nke__net_str_id_first_last(&first, &last, 7);
	KT_ASSERT(last < first);
}

static void
test_errors(void)
{
	u_int32_t id = 5;

	memset(longstr, 'x', 2049);
	longstr[2049] = '\0';
	KT_ASSERT_EQ(nke__net_str_id_find(NULL, &id), EINVAL);
	KT_ASSERT_EQ(nke__net_str_id_find("x", NULL), EINVAL);
	KT_ASSERT_EQ(nke__net_str_id_find_kind("x", &id, NKE_NSI_MAX_KIND), EINVAL);
	KT_ASSERT_EQ(mbuf_tag_id_find(longstr, &id), EINVAL);
	KT_ASSERT_EQ(id, 5);
	longstr[2048] = '\0';
	KT_ASSERT_EQ(mbuf_tag_id_find(longstr, &id), 0);
	KT_ASSERT_EQ(id, 1000);
	/* No memory for a new entry; an existing one needs none. */
	NKT_fail_alloc(NKS_ALLOC_KERNEL, 0, 1);
	KT_ASSERT_EQ(mbuf_tag_id_find("com.example.new", &id), ENOMEM);
	KT_ASSERT_EQ(id, 0);
	NKT_fail_alloc(NKS_ALLOC_KERNEL, 0, 1);
	KT_ASSERT_EQ(mbuf_tag_id_find(longstr, &id), 0);
	KT_ASSERT_EQ(id, 1000);
	NKT_fail_reset();
	/* The failed attempt used no number. */
	KT_ASSERT_EQ(mbuf_tag_id_find("com.example.new", &id), 0);
	KT_ASSERT_EQ(id, 1001);
}

static void
test_fresh_registry_per_kernel(void)
{
	u_int32_t id;

	/* Each case runs in a new simulated kernel: numbering restarts. */
	KT_ASSERT_EQ(mbuf_tag_id_find("com.example.later", &id), 0);
	KT_ASSERT_EQ(id, 1000);
}

NKT_CASES(NKT_CASE(test_ids_from_1000), NKT_CASE(test_kind_ranges), NKT_CASE(test_errors),
          NKT_CASE(test_fresh_registry_per_kernel));
