/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_uipc_mbuf2.c - tests of kpi_shim/kern/uipc_mbuf2.c (kernel world).
 *
 * mbuf_pulldown over every span of 1-byte chains and random spans of
 * random chains (the span must come back contiguous at the returned
 * offset, the chain must still hold the same bytes), its failure paths
 * (the chain is freed), and the packet-tag list primitives.
 */
#include "mbuf_testutil.h"

static u_int8_t flat[KT_MAXCHAIN];

/* The span [off, off+len) must sit contiguously in loc at *offset. */
static void
kt_check_pulldown(mbuf_t m, mbuf_t loc, size_t newoff, size_t off, size_t len, size_t n)
{
	mbuf_t x;

	for (x = m; x != NULL && x != loc; x = mbuf_next(x))
		;
	KT_ASSERT(x == loc);
	KT_ASSERT(newoff + len <= mbuf_len(loc));
	KT_ASSERT_MEM_EQ((u_int8_t *)mbuf_data(loc) + newoff, flat + off, len);
	kt_expect_chain(m, flat, n, 1);
}

static void
test_pulldown_1byte_every_span(void)
{
	size_t n = 24, off, len;

	kt_fill(flat, n, 8);
	for (off = 0; off < n; off++) {
		for (len = 0; off + len <= n; len++) {
			mbuf_t m = kt_chain_1byte(flat, n), loc = NULL;
			size_t o = off;

			KT_ASSERT_EQ(mbuf_pulldown(m, &o, len, &loc), 0);
			kt_check_pulldown(m, loc, o, off, len, n);
			mbuf_freem(m);
		}
	}
}

static void
test_pulldown_random(void)
{
	struct kt_rng r;
	unsigned seed, i;

	for (seed = 1; seed <= 60; seed++) {
		size_t n;
		mbuf_t m;

		kt_rng_seed(&r, seed * 29);
		n = 1 + kt_randn(&r, seed % 3 ? 3000 : 30000);
		kt_fill(flat, n, seed);
		m = kt_chain_random(&r, flat, n, 1);
		for (i = 0; i < 8; i++) {
			size_t off = kt_randn(&r, (u_int32_t)n), o = off, len;
			mbuf_t loc = NULL;

			len = 1 + kt_randn(&r, (u_int32_t)(n - off < 2048 ? n - off : 2048));
			KT_ASSERT_EQ(mbuf_pulldown(m, &o, len, &loc), 0);
			kt_check_pulldown(m, loc, o, off, len, n);
		}
		mbuf_freem(m);
	}
}

static void
test_pulldown_paths(void)
{
	mbuf_t m = NULL, b, loc;
	size_t o;

	kt_fill(flat, 2048 + 224, 3);
	/* A full 2 KB cluster followed by a full internal mbuf: no room anywhere. */
	KT_ASSERT_EQ(mbuf_getpacket(MBUF_WAITOK, &m), 0);
	memcpy(mbuf_data(m), flat, 2048);
	mbuf_setlen(m, 2048);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &b), 0);
	memcpy(mbuf_data(b), flat + 2048, 224);
	mbuf_setlen(b, 224);
	mbuf_setnext(m, b);
	mbuf_pkthdr_setlen(m, 2048 + 224);
	/* Span already in one mbuf: that mbuf, offset inside it. */
	o = 100;
	KT_ASSERT_EQ(mbuf_pulldown(m, &o, 50, &loc), 0);
	KT_ASSERT_PTR_EQ(loc, m);
	KT_ASSERT_EQ(o, 100);
	o = 2050;
	KT_ASSERT_EQ(mbuf_pulldown(m, &o, 10, &loc), 0);
	KT_ASSERT_PTR_EQ(loc, b);
	KT_ASSERT_EQ(o, 2);
	/* Straddling: a new mbuf goes between them, holding the span at 0. */
	o = 2040;
	KT_ASSERT_EQ(mbuf_pulldown(m, &o, 20, &loc), 0);
	KT_ASSERT(loc != m && loc != b);
	KT_ASSERT_PTR_EQ(mbuf_next(m), loc);
	KT_ASSERT_PTR_EQ(mbuf_next(loc), b);
	KT_ASSERT_EQ(o, 0);
	KT_ASSERT_EQ(mbuf_len(loc), 20);
	KT_ASSERT(!(mbuf_flags(loc) & MBUF_EXT));
	kt_check_pulldown(m, loc, o, 2040, 20, 2048 + 224);
	mbuf_freem(m);

	/* A span longer than MHLEN gets a cluster in the new mbuf. */
	m = NULL;
	KT_ASSERT_EQ(mbuf_getpacket(MBUF_WAITOK, &m), 0);
	memcpy(mbuf_data(m), flat, 2048);
	mbuf_setlen(m, 2048);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &b), 0);
	memcpy(mbuf_data(b), flat + 2048, 224);
	mbuf_setlen(b, 224);
	mbuf_setnext(m, b);
	mbuf_pkthdr_setlen(m, 2048 + 224);
	o = 1948;
	KT_ASSERT_EQ(mbuf_pulldown(m, &o, 200, &loc), 0);
	KT_ASSERT(mbuf_flags(loc) & MBUF_EXT);
	kt_check_pulldown(m, loc, o, 1948, 200, 2048 + 224);
	mbuf_freem(m);

	/* Trailing room in n: the tail is appended in place. */
	m = kt_chain_1byte(flat, 10);
	o = 0;
	KT_ASSERT_EQ(mbuf_pulldown(m, &o, 6, &loc), 0);
	KT_ASSERT_PTR_EQ(loc, m);
	KT_ASSERT_EQ(mbuf_len(m), 6);
	kt_check_pulldown(m, loc, o, 0, 6, 10);
	mbuf_freem(m);
}

static void
test_pulldown_4k_cluster_counts_as_shared(void)
{
	mbuf_t m = NULL, b, loc;
	size_t o = 90;

	/* 100 bytes in a 4 KB cluster (lots of room) then 1-byte mbufs. */
	kt_fill(flat, 120, 4);
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_getcluster(MBUF_WAITOK, MBUF_TYPE_DATA, 4096, &m), 0);
	memcpy(mbuf_data(m), flat, 100);
	mbuf_setlen(m, 100);
	b = kt_chain_1byte(flat + 100, 20);
	mbuf_setflags_mask(b, 0, MBUF_PKTHDR);
	mbuf_setnext(m, b);
	mbuf_pkthdr_setlen(m, 120);
	/* XNU does not append into a 4 KB cluster: a new mbuf holds the span. */
	KT_ASSERT_EQ(mbuf_pulldown(m, &o, 20, &loc), 0);
	KT_ASSERT(loc != m);
	KT_ASSERT_EQ(mbuf_len(m), 90);
	kt_check_pulldown(m, loc, o, 90, 20, 120);
	mbuf_freem(m);
}

static void
test_pulldown_failures(void)
{
	mbuf_t m = NULL, b, loc = (mbuf_t)1;
	struct kt_rng r;
	size_t o;

	kt_fill(flat, 3000, 5);
	kt_rng_seed(&r, 12345);
	/* Longer than a cluster. */
	m = kt_chain_random(&r, flat, 3000, 1);
	o = 0;
	KT_ASSERT_EQ(mbuf_pulldown(m, &o, 2049, &loc), ENOMEM);
	KT_ASSERT_NULL(loc);
	KT_ASSERT_EQ(kt_live_mbufs(), 0);
	/* Beyond the chain (offset, or span). */
	m = kt_chain_1byte(flat, 10);
	o = 10;
	KT_ASSERT_EQ(mbuf_pulldown(m, &o, 1, &loc), ENOMEM);
	KT_ASSERT_EQ(kt_live_mbufs(), 0);
	m = kt_chain_1byte(flat, 10);
	o = 5;
	KT_ASSERT_EQ(mbuf_pulldown(m, &o, 6, &loc), ENOMEM);
	KT_ASSERT_EQ(kt_live_mbufs(), 0);
	/* The new mbuf (or its cluster) cannot be had. */
	KT_ASSERT_EQ(mbuf_getpacket(MBUF_WAITOK, &m), 0);
	mbuf_setlen(m, 2048);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &b), 0);
	mbuf_setlen(b, 224);
	mbuf_setnext(m, b);
	o = 2040;
	NKT_fail_alloc(NKS_ALLOC_MBUF, 0, 1);
	KT_ASSERT_EQ(mbuf_pulldown(m, &o, 20, &loc), ENOMEM);
	KT_ASSERT_NULL(loc);
	KT_ASSERT_EQ(kt_live_mbufs(), 0);
	KT_ASSERT_EQ(mbuf_getpacket(MBUF_WAITOK, &m), 0);
	mbuf_setlen(m, 2048);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &b), 0);
	mbuf_setlen(b, 224);
	mbuf_setnext(m, b);
	o = 1948;
	NKT_fail_alloc(NKS_ALLOC_CLUSTER, 0, 1);
	KT_ASSERT_EQ(mbuf_pulldown(m, &o, 200, &loc), ENOMEM);
	KT_ASSERT_EQ(kt_live_mbufs(), 0);
	KT_ASSERT_EQ(kt_live_clusters(), 0);
}

struct kt_pd_args {
	mbuf_t m;
	size_t off, len;
};

static void
pulldown_one(void *arg)
{
	struct kt_pd_args *a = arg;
	mbuf_t loc;

	(void)mbuf_pulldown(a->m, &a->off, a->len, &loc);
}

static void
test_pulldown_negative_panics(void)
{
	struct kt_pd_args a;

	kt_fill(flat, 4, 1);
	a.m = kt_chain_1byte(flat, 4);
	a.off = (size_t)-8;
	a.len = 1;
	KT_EXPECT_PANIC(pulldown_one, &a, "mbuf_pulldown");
	a.off = 0;
	a.len = (size_t)-8;
	KT_EXPECT_PANIC(pulldown_one, &a, "mbuf_pulldown");
	kt_expect_chain(a.m, flat, 4, 1);
	mbuf_freem(a.m);
}

/* ===================================================================== */
/* Tag primitives                                                        */
/* ===================================================================== */

static void
test_tag_list_primitives(void)
{
	mbuf_t a, b;
	struct m_tag *t1, *t2, *t3, *c;

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &a), 0);
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &b), 0);
	t1 = nke__m_tag_alloc(1000, 1, 4, MBUF_WAITOK);
	t2 = nke__m_tag_alloc(1000, 2, 300, MBUF_WAITOK);
	t3 = nke__m_tag_alloc(KERNEL_MODULE_TAG_ID, 9, 0, MBUF_WAITOK);
	KT_ASSERT(t1 != NULL && t2 != NULL && t3 != NULL);
	KT_ASSERT_EQ(kt_live_tags(), 3);
	memset(t1->m_tag_data, 0x11, 4);
	memset(t2->m_tag_data, 0x22, 300);
	nke__m_tag_prepend(a, t1);
	nke__m_tag_prepend(a, t2);
	nke__m_tag_prepend(a, t3);
	KT_ASSERT_PTR_EQ(nke__m_tag_locate(a, 1000, 2), t2);
	KT_ASSERT_NULL(nke__m_tag_locate(a, 1001, 2));
	/* A deep copy keeps the order and the data. */
	KT_ASSERT_EQ(nke__m_tag_copy_chain(b, a, MBUF_WAITOK), 1);
	KT_ASSERT_EQ(kt_live_tags(), 6);
	c = b->m_pkthdr.tags;
	KT_ASSERT(c->m_tag_id == 0 && c->m_tag_type == 9 && c->m_tag_len == 0);
	c = c->m_tag_next;
	KT_ASSERT(c->m_tag_type == 2 && c->m_tag_len == 300 && c != t2);
	KT_ASSERT_EQ(((u_int8_t *)c->m_tag_data)[299], 0x22);
	c = c->m_tag_next;
	KT_ASSERT(c->m_tag_type == 1 && ((u_int8_t *)c->m_tag_data)[3] == 0x11);
	KT_ASSERT_NULL(c->m_tag_next);
	/* A failed copy leaves the destination without tags. */
	NKT_fail_alloc(NKS_ALLOC_TAG, 1, 1);
	KT_ASSERT_EQ(nke__m_tag_copy_chain(b, a, MBUF_WAITOK), 0);
	KT_ASSERT_NULL(b->m_pkthdr.tags);
	KT_ASSERT_EQ(kt_live_tags(), 3);
	/* Unlink keeps the tag alive; delete frees it. */
	nke__m_tag_unlink(a, t2);
	KT_ASSERT_NULL(nke__m_tag_locate(a, 1000, 2));
	KT_ASSERT_EQ(kt_live_tags(), 3);
	nke__m_tag_free(t2);
	nke__m_tag_delete(a, t1);
	KT_ASSERT_EQ(kt_live_tags(), 1);
	nke__m_tag_delete_chain(a);
	KT_ASSERT_EQ(kt_live_tags(), 0);
	/* Refused sizes. */
	KT_ASSERT_NULL(nke__m_tag_alloc(1000, 1, -1, MBUF_WAITOK));
	KT_ASSERT_NULL(nke__m_tag_alloc(1000, 1, NKE_MTAG_MAXLEN + 1, MBUF_WAITOK));
	mbuf_free(a);
	mbuf_free(b);
}

static void
tag_free_twice(void *arg)
{
	nke__m_tag_free(arg);
}

static void
test_tag_double_free_panics(void)
{
	struct m_tag *t = nke__m_tag_alloc(1000, 1, 8, MBUF_WAITOK);

	nke__m_tag_free(t);
	KT_EXPECT_PANIC(tag_free_twice, t, "not live");
}

NKT_CASES(NKT_CASE(test_pulldown_1byte_every_span), NKT_CASE(test_pulldown_random),
          NKT_CASE(test_pulldown_paths), NKT_CASE(test_pulldown_4k_cluster_counts_as_shared),
          NKT_CASE(test_pulldown_failures), NKT_CASE(test_pulldown_negative_panics),
          NKT_CASE(test_tag_list_primitives), NKT_CASE(test_tag_double_free_panics));
