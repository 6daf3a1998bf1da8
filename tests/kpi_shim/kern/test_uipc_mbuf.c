/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_uipc_mbuf.c - tests of kpi_shim/kern/uipc_mbuf.c (kernel world).
 *
 * The pooled allocators (counts, quarantine, double-free panics) and every
 * chain operation, npftest style: each operation runs on chains of 1-byte
 * mbufs and on random chains (fixed seeds), its result is compared with the
 * same operation on flat bytes, and the chain must pass the engine's
 * consistency check.  Failure paths use allocation-failure injection.
 */
#include "mbuf_testutil.h"

static u_int8_t flat[KT_MAXCHAIN];
static u_int8_t flat2[KT_MAXCHAIN];
static u_int8_t out[KT_MAXCHAIN];

/* ===================================================================== */
/* Allocator                                                             */
/* ===================================================================== */

#define KT_NMANY 1000

static void
test_pool_counts(void)
{
	static mbuf_t ms[KT_NMANY];
	struct mbuf_stat st;
	struct nks_stats ns;
	unsigned i;

	for (i = 0; i < KT_NMANY; i++)
		KT_ASSERT_EQ(
		    mbuf_get(MBUF_WAITOK, i % 2 ? MBUF_TYPE_DATA : MBUF_TYPE_HEADER, &ms[i]), 0);
	NKS_stats(&ns);
	KT_ASSERT_EQ(ns.st_mbufs, KT_NMANY);
	KT_ASSERT_EQ(ns.st_mbufs_allocated, KT_NMANY);
	mbuf_stats(&st);
	KT_ASSERT(st.mbufs >= KT_NMANY);
	KT_ASSERT_EQ(st.mtypes[MT_DATA], KT_NMANY / 2);
	KT_ASSERT_EQ(st.mtypes[MT_HEADER], KT_NMANY / 2);
	for (i = 0; i < KT_NMANY; i++)
		KT_ASSERT_NULL(mbuf_free(ms[i]));
	NKS_stats(&ns);
	KT_ASSERT_EQ(ns.st_mbufs, 0);
	KT_ASSERT_EQ(ns.st_mbufs_allocated, KT_NMANY);
	mbuf_stats(&st);
	KT_ASSERT_EQ(st.mtypes[MT_DATA], 0);
	KT_ASSERT_EQ(st.mtypes[MT_FREE], st.mbufs);
}

static void
test_quarantine_delays_reuse(void)
{
	static mbuf_t ms[200];
	mbuf_t victim;
	unsigned i;

	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &victim), 0);
	mbuf_free(victim);
	/* The freed mbuf stays dead while 200 others come and go. */
	KT_ASSERT_EQ(victim->m_type, MT_FREE);
	KT_ASSERT(!nke__m_live(victim));
	for (i = 0; i < 200; i++) {
		KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &ms[i]), 0);
		KT_ASSERT(ms[i] != victim);
	}
	for (i = 0; i < 200; i++)
		mbuf_free(ms[i]);
	KT_ASSERT(!nke__m_live(victim));
}

static void
free_one(void *arg)
{
	mbuf_free(arg);
}

static void
freem_one(void *arg)
{
	mbuf_freem(arg);
}

static void
freem_list_one(void *arg)
{
	mbuf_freem_list(arg);
}

/*
 * NKE-DIVERGENCE (uipc_mbuf.c): a second free is reported with where the
 * mbuf was allocated and freed, and ignored; XNU panics.
 */
static void
test_double_free_reported(void)
{
	mbuf_t m, a, b;

	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	mbuf_free(m);
	free_one(m);
	KT_ASSERT_EQ(NKT_reports("mbuf-double-free"), 1);
	KT_ASSERT(strstr(NKT_last_message("mbuf-double-free"), "freed again, by mbuf_free at ") !=
	          NULL);
	KT_ASSERT(strstr(NKT_last_message("mbuf-double-free"), "allocated by mbuf_get at ") != NULL);
	KT_ASSERT(strstr(NKT_last_message("mbuf-double-free"), "then freed by mbuf_free at ") !=
	          NULL);
	freem_one(m);
	freem_list_one(m);
	KT_ASSERT_EQ(NKT_reports("mbuf-double-free"), 3);
	KT_ASSERT(strstr(NKT_last_message("mbuf-double-free"), "by mbuf_freem_list at ") != NULL);

	/* A freed mbuf in the middle of a chain: the rest is freed, once. */
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &a), 0);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &b), 0);
	KT_ASSERT_EQ(mbuf_setnext(a, b), 0);
	mbuf_free(b);
	freem_one(a);
	KT_ASSERT_EQ(NKT_reports("mbuf-double-free"), 4);
	KT_ASSERT_EQ(kt_live_mbufs(), 0);
}

static void
test_freed_mbuf_state(void)
{
	mbuf_t m, n;

	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &n), 0);
	mbuf_free(n);
	KT_ASSERT_EQ(n->m_nkeflags, NKE_MF_QUARANTINE);
	/* Accessors still answer (as XNU) but report the use, once per mbuf. */
	KT_ASSERT_EQ(mbuf_type(n), MBUF_TYPE_FREE);
	KT_ASSERT_EQ(NKT_reports("mbuf-use-after-free"), 1);
	KT_ASSERT(strstr(NKT_last_message("mbuf-use-after-free"), "mbuf_type(") != NULL);
	KT_ASSERT_NULL(mbuf_next(n));
	KT_ASSERT_EQ(NKT_reports("mbuf-use-after-free"), 1);
	/* The data pointer of a freed mbuf points at its poisoned body. */
	KT_ASSERT_PTR_EQ(mbuf_data(n), n->m_dat);
	/* A freed mbuf cannot be linked. */
	KT_ASSERT_EQ(mbuf_setnext(m, n), EINVAL);
	KT_ASSERT_NULL(mbuf_next(m));
	KT_ASSERT(nke__m_sanity(n, 0) != NULL);
#ifdef NKE_ASAN
	/* Under AddressSanitizer the body of a freed mbuf is unaddressable. */
	KT_ASSERT(__asan_address_is_poisoned(n->m_dat));
	KT_ASSERT(__asan_address_is_poisoned(n->m_dat + NKE_MLEN - 1));
	KT_ASSERT(!__asan_address_is_poisoned(m->m_dat));
#else
	/* Elsewhere it is overwritten with a poison pattern. */
	KT_ASSERT_EQ((u_int8_t)n->m_dat[0], NKE_POISON_BYTE);
#endif
	mbuf_free(m);
}

static void
test_generation_counts_reuse(void)
{
	mbuf_t m;
	u_int32_t gen;
	unsigned i;

	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	gen = m->m_gen;
	KT_ASSERT_EQ(m->m_owner, 0);
	mbuf_free(m);
	/* Cycle through the quarantine until the same mbuf comes back. */
	for (i = 0; i < 10000; i++) {
		mbuf_t n;

		KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &n), 0);
		mbuf_free(n);
		if (n == m)
			break;
	}
	KT_ASSERT(i < 10000);
	KT_ASSERT(m->m_gen != gen);
}

static void
test_alloc_failure_mbuf(void)
{
	mbuf_t m = (mbuf_t)1;
	struct mbuf_stat st;

	NKT_fail_alloc(NKS_ALLOC_MBUF, 0, 1);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &m), ENOMEM);
	KT_ASSERT_NULL(m);
	m = (mbuf_t)1;
	NKT_fail_alloc(NKS_ALLOC_MBUF, 0, 1);
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_DONTWAIT, MBUF_TYPE_DATA, &m), ENOMEM);
	KT_ASSERT_NULL(m);
	mbuf_stats(&st);
	KT_ASSERT_EQ(st.drops, 2);
	/* skip = 2: the third allocation fails. */
	{
		mbuf_t a, b, c;

		NKT_fail_alloc(NKS_ALLOC_MBUF, 2, 1);
		KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &a), 0);
		KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &b), 0);
		KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &c), ENOMEM);
		KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &c), 0);
		mbuf_free(a);
		mbuf_free(b);
		mbuf_free(c);
	}
}

/* ===================================================================== */
/* Clusters                                                              */
/* ===================================================================== */

static void
test_alloccluster_sizes(void)
{
	static const struct {
		size_t ask, got;
	} tab[] = {{1, 2048},    {2048, 2048},  {2049, 4096},
	           {4096, 4096}, {4097, 16384}, {16384, 16384}};
	unsigned i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		size_t size = tab[i].ask;
		char *p = NULL;

		KT_ASSERT_EQ(mbuf_alloccluster(MBUF_WAITOK, &size, &p), 0);
		KT_ASSERT_EQ(size, tab[i].got);
		KT_ASSERT(p != NULL);
		KT_ASSERT_EQ(kt_live_clusters(), 1);
		memset(p, 0xa5, size); /* the whole cluster is usable */
		mbuf_freecluster(p, size);
		KT_ASSERT_EQ(kt_live_clusters(), 0);
	}
}

static void
test_alloccluster_errors(void)
{
	size_t size = 100;
	char *p = (char *)1;

	KT_ASSERT_EQ(mbuf_alloccluster(MBUF_WAITOK, NULL, &p), EINVAL);
	KT_ASSERT_EQ(mbuf_alloccluster(MBUF_WAITOK, &size, NULL), EINVAL);
	size = 0;
	KT_ASSERT_EQ(mbuf_alloccluster(MBUF_WAITOK, &size, &p), EINVAL);
	/* Bigger than the largest cluster. */
	size = 16385;
	KT_ASSERT_EQ(mbuf_alloccluster(MBUF_WAITOK, &size, &p), ENOMEM);
	KT_ASSERT_NULL(p);
	KT_ASSERT_EQ(size, 16385);
	size = 100;
	NKT_fail_alloc(NKS_ALLOC_CLUSTER, 0, 1);
	KT_ASSERT_EQ(mbuf_alloccluster(MBUF_WAITOK, &size, &p), ENOMEM);
	KT_ASSERT_NULL(p);
	KT_ASSERT_EQ(kt_live_clusters(), 0);
}

struct kt_freecl {
	char *p;
	size_t size;
};

static void
freecluster_one(void *arg)
{
	struct kt_freecl *f = arg;

	mbuf_freecluster(f->p, f->size);
}

static void
test_freecluster_panics(void)
{
	struct kt_freecl f;
	size_t size = 2048;
	char *p;
	mbuf_t m = NULL;

	KT_ASSERT_EQ(mbuf_alloccluster(MBUF_WAITOK, &size, &p), 0);
	f.p = p;
	f.size = 1000;
	KT_EXPECT_PANIC(freecluster_one, &f, "invalid size");
	f.size = 4096;
	KT_EXPECT_PANIC(freecluster_one, &f, "freed with size 4096");
	mbuf_freecluster(p, 2048);
	f.size = 2048;
	KT_EXPECT_PANIC(freecluster_one, &f, "double free");

	/* A cluster an mbuf uses is not the caller's to free. */
	KT_ASSERT_EQ(mbuf_mclget(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	f.p = mbuf_datastart(m);
	KT_EXPECT_PANIC(freecluster_one, &f, "attached to an mbuf");
	mbuf_free(m);
	KT_ASSERT_EQ(kt_live_clusters(), 0);
}

static void
test_getcluster_and_mclget(void)
{
	static const size_t sizes[] = {2048, 4096, 16384};
	mbuf_t m;
	unsigned i;

	for (i = 0; i < 3; i++) {
		m = NULL;
		KT_ASSERT_EQ(mbuf_getcluster(MBUF_WAITOK, MBUF_TYPE_DATA, sizes[i], &m), 0);
		KT_ASSERT(mbuf_flags(m) & MBUF_EXT);
		KT_ASSERT_EQ(mbuf_maxlen(m), sizes[i]);
		KT_ASSERT_PTR_EQ(mbuf_data(m), mbuf_datastart(m));
		KT_ASSERT_EQ(mbuf_len(m), 0);
		KT_ASSERT_EQ(mbuf_trailingspace(m), sizes[i]);
		KT_ASSERT_EQ(mbuf_leadingspace(m), 0);
		KT_ASSERT(!mbuf_mclhasreference(m));
		mbuf_free(m);
	}
	/* An existing header mbuf keeps its header. */
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	mbuf_pkthdr_setlen(m, 7);
	KT_ASSERT_EQ(mbuf_mclget(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_flags(m), MBUF_EXT | MBUF_PKTHDR);
	KT_ASSERT_EQ(mbuf_pkthdr_len(m), 7);
	KT_ASSERT_EQ(mbuf_maxlen(m), 2048);
	mbuf_free(m);

	m = NULL;
	KT_ASSERT_EQ(mbuf_getcluster(MBUF_WAITOK, MBUF_TYPE_DATA, 3000, &m), EINVAL);
	KT_ASSERT_NULL(m);
	KT_ASSERT_EQ(mbuf_getcluster(MBUF_WAITOK, MBUF_TYPE_DATA, 2048, NULL), EINVAL);
	KT_ASSERT_EQ(mbuf_mclget(MBUF_WAITOK, MBUF_TYPE_DATA, NULL), EINVAL);

	/* Failures: a created mbuf is freed, a given one is kept. */
	NKT_fail_alloc(NKS_ALLOC_CLUSTER, 0, 1);
	KT_ASSERT_EQ(mbuf_getcluster(MBUF_WAITOK, MBUF_TYPE_DATA, 4096, &m), ENOMEM);
	KT_ASSERT_NULL(m);
	NKT_fail_alloc(NKS_ALLOC_CLUSTER, 0, 1);
	KT_ASSERT_EQ(mbuf_mclget(MBUF_WAITOK, MBUF_TYPE_DATA, &m), ENOMEM);
	KT_ASSERT_NULL(m);
	NKT_fail_alloc(NKS_ALLOC_MBUF, 0, 1);
	KT_ASSERT_EQ(mbuf_mclget(MBUF_WAITOK, MBUF_TYPE_DATA, &m), ENOMEM);
	KT_ASSERT_NULL(m);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	NKT_fail_alloc(NKS_ALLOC_CLUSTER, 0, 1);
	KT_ASSERT_EQ(mbuf_getcluster(MBUF_WAITOK, MBUF_TYPE_DATA, 2048, &m), ENOMEM);
	KT_ASSERT(m != NULL);
	KT_ASSERT(!(mbuf_flags(m) & MBUF_EXT));
	mbuf_free(m);
	KT_ASSERT_EQ(kt_live_mbufs(), 0);
	KT_ASSERT_EQ(kt_live_clusters(), 0);
}

static void
test_mclget_replacing_cluster_leaks(void)
{
	mbuf_t m = NULL;
	struct nke_extref *er;
	caddr_t first;

	/* XNU leaks the first cluster; nkesim warns and its leak count shows it. */
	KT_ASSERT_EQ(mbuf_mclget(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	first = mbuf_datastart(m);
	er = m->m_ext.ext_ref;
	KT_ASSERT_EQ(mbuf_mclget(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT(mbuf_datastart(m) != first);
	KT_ASSERT_EQ(NKT_warnings("mbuf-cluster-replaced"), 1);
	KT_ASSERT_EQ(kt_live_clusters(), 2);
	mbuf_free(m);
	KT_ASSERT_EQ(kt_live_clusters(), 1);
	/* Reclaim the orphan by hand so the case ends clean. */
	KT_ASSERT_EQ(er->er_refcnt, 1);
	er->er_refcnt = 0;
	er->er_state = NKE_CLS_RAW;
	mbuf_freecluster(first, 2048);
}

static void
test_getpacket(void)
{
	mbuf_t m = (mbuf_t)1;

	KT_ASSERT_EQ(mbuf_getpacket(MBUF_WAITOK, &m), 0);
	KT_ASSERT_EQ(mbuf_flags(m), MBUF_EXT | MBUF_PKTHDR);
	KT_ASSERT_EQ(mbuf_maxlen(m), 2048);
	KT_ASSERT_EQ(mbuf_type(m), MBUF_TYPE_DATA);
	mbuf_freem(m);
	NKT_fail_alloc(NKS_ALLOC_CLUSTER, 0, 1);
	KT_ASSERT_EQ(mbuf_getpacket(MBUF_WAITOK, &m), ENOMEM);
	KT_ASSERT_NULL(m);
	NKT_fail_alloc(NKS_ALLOC_MBUF, 0, 1);
	KT_ASSERT_EQ(mbuf_getpacket(MBUF_DONTWAIT, &m), EWOULDBLOCK);
	KT_ASSERT_NULL(m);
}

/* Caller storage with a free routine that records its calls. */
static u_int8_t kt_extbuf[3000];
static int kt_extfree_calls;
static caddr_t kt_extfree_buf, kt_extfree_arg;
static u_int kt_extfree_size;

static void
kt_extfree(caddr_t buf, u_int size, caddr_t arg)
{
	kt_extfree_calls++;
	kt_extfree_buf = buf;
	kt_extfree_size = size;
	kt_extfree_arg = arg;
}

static void
test_attachcluster(void)
{
	mbuf_t m = NULL, c = NULL;
	static char arg;

	kt_extfree_calls = 0;
	KT_ASSERT_EQ(mbuf_attachcluster(MBUF_WAITOK, MBUF_TYPE_DATA, NULL, (caddr_t)kt_extbuf,
	                                kt_extfree, sizeof(kt_extbuf), &arg),
	             EINVAL);
	KT_ASSERT_EQ(mbuf_attachcluster(MBUF_WAITOK, MBUF_TYPE_DATA, &m, NULL, kt_extfree,
	                                sizeof(kt_extbuf), &arg),
	             EINVAL);
	KT_ASSERT_EQ(mbuf_attachcluster(MBUF_WAITOK, MBUF_TYPE_DATA, &m, (caddr_t)kt_extbuf, NULL,
	                                sizeof(kt_extbuf), &arg),
	             EINVAL);
	KT_ASSERT_EQ(mbuf_attachcluster(MBUF_WAITOK, MBUF_TYPE_DATA, &m, (caddr_t)kt_extbuf,
	                                kt_extfree, 0, &arg),
	             EINVAL);
	KT_ASSERT_NULL(m);

	/* With *mbuf NULL, XNU allocates a packet-header mbuf. */
	KT_ASSERT_EQ(mbuf_attachcluster(MBUF_WAITOK, MBUF_TYPE_DATA, &m, (caddr_t)kt_extbuf,
	                                kt_extfree, sizeof(kt_extbuf), &arg),
	             0);
	KT_ASSERT_EQ(mbuf_flags(m), MBUF_EXT | MBUF_PKTHDR);
	KT_ASSERT_PTR_EQ(mbuf_datastart(m), kt_extbuf);
	KT_ASSERT_EQ(mbuf_maxlen(m), sizeof(kt_extbuf));
	KT_ASSERT_EQ(mbuf_len(m), 0);
	mbuf_setlen(m, 100);
	mbuf_pkthdr_setlen(m, 100);
	/* A copy shares the storage; the routine runs after the last reference. */
	KT_ASSERT_EQ(mbuf_copym(m, 10, 50, MBUF_WAITOK, &c), 0);
	KT_ASSERT_PTR_EQ(mbuf_data(c), kt_extbuf + 10);
	KT_ASSERT(mbuf_mclhasreference(m));
	mbuf_free(m);
	KT_ASSERT_EQ(kt_extfree_calls, 0);
	mbuf_free(c);
	KT_ASSERT_EQ(kt_extfree_calls, 1);
	KT_ASSERT_PTR_EQ(kt_extfree_buf, kt_extbuf);
	KT_ASSERT_EQ(kt_extfree_size, sizeof(kt_extbuf));
	KT_ASSERT_PTR_EQ(kt_extfree_arg, &arg);

	/* Attaching to an mbuf that has a cluster releases the cluster. */
	m = NULL;
	KT_ASSERT_EQ(mbuf_mclget(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(kt_live_clusters(), 1);
	KT_ASSERT_EQ(mbuf_attachcluster(MBUF_WAITOK, MBUF_TYPE_DATA, &m, (caddr_t)kt_extbuf,
	                                kt_extfree, 64, NULL),
	             0);
	KT_ASSERT_EQ(kt_live_clusters(), 0);
	KT_ASSERT_EQ(mbuf_flags(m), MBUF_EXT);
	mbuf_free(m);
	KT_ASSERT_EQ(kt_extfree_calls, 2);

	/* No mbuf to be had. */
	m = NULL;
	NKT_fail_alloc(NKS_ALLOC_MBUF, 0, 1);
	KT_ASSERT_EQ(mbuf_attachcluster(MBUF_WAITOK, MBUF_TYPE_DATA, &m, (caddr_t)kt_extbuf,
	                                kt_extfree, 64, NULL),
	             ENOMEM);
	KT_ASSERT_NULL(m);
	KT_ASSERT_EQ(kt_extfree_calls, 2);
}

/* ===================================================================== */
/* allocpacket                                                           */
/* ===================================================================== */

static void
kt_expect_segments(mbuf_t m, const size_t *maxlens, unsigned n)
{
	unsigned i = 0;
	mbuf_t x;

	KT_ASSERT(mbuf_flags(m) & MBUF_PKTHDR);
	KT_ASSERT_EQ(mbuf_pkthdr_len(m), 0);
	for (x = m; x != NULL; x = mbuf_next(x), i++) {
		KT_ASSERT(i < n);
		KT_ASSERT_EQ(mbuf_maxlen(x), maxlens[i]);
		KT_ASSERT_EQ(mbuf_len(x), 0);
		KT_ASSERT_EQ(mbuf_type(x), MBUF_TYPE_DATA);
	}
	KT_ASSERT_EQ(i, n);
	KT_SANE(m, NKE_SANITY_PKTLEN);
}

static void
test_allocpacket_layouts(void)
{
	static const struct {
		size_t len;
		unsigned n;
		size_t seg[4];
	} tab[] = {
	    {1, 1, {88}},
	    {88, 1, {88}},
	    {89, 2, {88, 224}},
	    {312, 2, {88, 224}},
	    {313, 1, {2048}},
	    {2048, 1, {2048}},
	    {2049, 1, {4096}},
	    {4096, 1, {4096}},
	    {4097, 1, {16384}},
	    {16384, 1, {16384}},
	    {16385, 2, {16384, 2048}},
	    {20000, 2, {16384, 4096}},
	    {40000, 3, {16384, 16384, 16384}},
	    {32768, 2, {16384, 16384}},
	};
	unsigned i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		unsigned int chunks = 0;
		mbuf_t m = NULL;

		KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, tab[i].len, &chunks, &m), 0);
		KT_ASSERT_EQ(chunks, tab[i].n);
		kt_expect_segments(m, tab[i].seg, tab[i].n);
		mbuf_freem(m);
		/* Without maxchunks too. */
		KT_ASSERT_EQ(mbuf_allocpacket(MBUF_DONTWAIT, tab[i].len, NULL, &m), 0);
		kt_expect_segments(m, tab[i].seg, tab[i].n);
		mbuf_freem(m);
	}
}

static void
test_allocpacket_maxchunks(void)
{
	static const size_t one2k[] = {2048};
	unsigned int chunks;
	mbuf_t m = (mbuf_t)1;

	/* A small packet squeezed into one chunk uses a 2 KB cluster. */
	chunks = 1;
	KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, 300, &chunks, &m), 0);
	KT_ASSERT_EQ(chunks, 1);
	kt_expect_segments(m, one2k, 1);
	mbuf_freem(m);

	/* Too many chunks needed: ENOBUFS, maxchunks untouched. */
	chunks = 1;
	KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, 20000, &chunks, &m), ENOBUFS);
	KT_ASSERT_EQ(chunks, 1);
	KT_ASSERT_NULL(m);
	chunks = 2;
	KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, 40000, &chunks, &m), ENOBUFS);
	KT_ASSERT_EQ(chunks, 2);
	chunks = 3;
	KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, 40000, &chunks, &m), 0);
	KT_ASSERT_EQ(chunks, 3);
	mbuf_freem(m);
	/* Zero means "no limit" and returns the count. */
	chunks = 0;
	KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, 20000, &chunks, &m), 0);
	KT_ASSERT_EQ(chunks, 2);
	mbuf_freem(m);

	KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, 0, NULL, &m), EINVAL);
	KT_ASSERT_NULL(m);

	/* Allocation failures: ENOMEM, maxchunks untouched, nothing leaks. */
	m = (mbuf_t)1;
	chunks = 0;
	NKT_fail_alloc(NKS_ALLOC_CLUSTER, 1, 1);
	KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, 20000, &chunks, &m), ENOMEM);
	KT_ASSERT_NULL(m);
	KT_ASSERT_EQ(chunks, 0);
	NKT_fail_alloc(NKS_ALLOC_MBUF, 1, 1);
	KT_ASSERT_EQ(mbuf_allocpacket(MBUF_DONTWAIT, 100, NULL, &m), ENOMEM);
	KT_ASSERT_EQ(kt_live_mbufs(), 0);
	KT_ASSERT_EQ(kt_live_clusters(), 0);
}

static void
test_allocpacket_list(void)
{
	unsigned int chunks = 0;
	mbuf_t m = NULL, p;
	unsigned n = 0;

	KT_ASSERT_EQ(mbuf_allocpacket_list(3, MBUF_WAITOK, 5000, &chunks, &m), 0);
	KT_ASSERT_EQ(chunks, 1);
	for (p = m; p != NULL; p = mbuf_nextpkt(p), n++) {
		KT_ASSERT_EQ(mbuf_flags(p), MBUF_EXT | MBUF_PKTHDR);
		KT_ASSERT_EQ(mbuf_maxlen(p), 16384);
		KT_ASSERT_NULL(mbuf_next(p));
	}
	KT_ASSERT_EQ(n, 3);
	KT_ASSERT_EQ(mbuf_freem_list(m), 3);

	KT_ASSERT_EQ(mbuf_allocpacket_list(4, MBUF_WAITOK, 200, NULL, &m), 0);
	for (n = 0, p = m; p != NULL; p = mbuf_nextpkt(p), n++)
		KT_ASSERT_EQ(kt_chain_count(p), 2);
	KT_ASSERT_EQ(n, 4);
	KT_ASSERT_EQ(mbuf_freem_list(m), 4);

	KT_ASSERT_EQ(mbuf_allocpacket_list(0, MBUF_WAITOK, 200, NULL, &m), EINVAL);
	KT_ASSERT_NULL(m);
	KT_ASSERT_EQ(mbuf_allocpacket_list(2, MBUF_WAITOK, 0, NULL, &m), EINVAL);
	chunks = 1;
	KT_ASSERT_EQ(mbuf_allocpacket_list(2, MBUF_WAITOK, 20000, &chunks, &m), ENOBUFS);

	/* Any failed allocation fails the whole list, nothing leaks. */
	NKT_fail_alloc(NKS_ALLOC_CLUSTER, 4, 1);
	KT_ASSERT_EQ(mbuf_allocpacket_list(3, MBUF_WAITOK, 20000, NULL, &m), ENOMEM);
	KT_ASSERT_NULL(m);
	NKT_fail_alloc(NKS_ALLOC_MBUF, 5, 1);
	KT_ASSERT_EQ(mbuf_allocpacket_list(3, MBUF_WAITOK, 200, NULL, &m), ENOMEM);
	KT_ASSERT_NULL(m);
	KT_ASSERT_EQ(kt_live_mbufs(), 0);
	KT_ASSERT_EQ(kt_live_clusters(), 0);
}

static void
test_freem_list_count(void)
{
	mbuf_t a, b, c, x;

	KT_ASSERT_EQ(mbuf_freem_list(NULL), 0);
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &a), 0);
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &b), 0);
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &c), 0);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &x), 0);
	KT_ASSERT_EQ(mbuf_setnext(b, x), 0);
	mbuf_setnextpkt(a, b);
	mbuf_setnextpkt(b, c);
	/* mbuf_freem frees one packet only. */
	mbuf_freem(c);
	mbuf_setnextpkt(b, NULL);
	KT_ASSERT_EQ(kt_live_mbufs(), 3);
	KT_ASSERT_EQ(mbuf_freem_list(a), 2);
	KT_ASSERT_EQ(kt_live_mbufs(), 0);
}

/* ===================================================================== */
/* copydata / copyback                                                   */
/* ===================================================================== */

static void
test_copydata_1byte(void)
{
	size_t n, off, len;

	for (n = 1; n <= 40; n++) {
		mbuf_t m;

		kt_fill(flat, n, n);
		m = kt_chain_1byte(flat, n);
		kt_expect_chain(m, flat, n, 1);
		for (off = 0; off < n; off++) {
			for (len = 1; off + len <= n; len++) {
				memset(out, 0, len);
				KT_ASSERT_EQ(mbuf_copydata(m, off, len, out), 0);
				KT_ASSERT_MEM_EQ(out, flat + off, len);
			}
		}
		mbuf_freem(m);
	}
}

static void
test_copydata_random(void)
{
	struct kt_rng r;
	unsigned seed, i;

	for (seed = 1; seed <= 60; seed++) {
		size_t n;
		mbuf_t m;

		kt_rng_seed(&r, seed);
		n = 1 + kt_randn(&r, seed % 3 == 0 ? 40000 : 3000);
		kt_fill(flat, n, seed);
		m = kt_chain_random(&r, flat, n, seed % 4 != 0);
		kt_expect_chain(m, flat, n, seed % 4 != 0);
		for (i = 0; i < 50; i++) {
			size_t off = kt_randn(&r, (u_int32_t)n);
			size_t len = 1 + kt_randn(&r, (u_int32_t)(n - off));

			KT_ASSERT_EQ(mbuf_copydata(m, off, len, out), 0);
			KT_ASSERT_MEM_EQ(out, flat + off, len);
		}
		mbuf_freem(m);
	}
}

static void
test_copyback_inside(void)
{
	struct kt_rng r;
	unsigned seed, i;

	for (seed = 1; seed <= 40; seed++) {
		size_t n;
		mbuf_t m;

		kt_rng_seed(&r, seed * 7);
		n = 1 + kt_randn(&r, 5000);
		kt_fill(flat, n, seed);
		m = seed % 5 == 0 ? kt_chain_1byte(flat, n < 300 ? n : 300)
		                  : kt_chain_random(&r, flat, n, 1);
		if (seed % 5 == 0)
			n = n < 300 ? n : 300;
		for (i = 0; i < 20; i++) {
			size_t off = kt_randn(&r, (u_int32_t)n);
			size_t len = 1 + kt_randn(&r, (u_int32_t)(n - off));

			kt_fill(flat2, len, seed * 100 + i);
			KT_ASSERT_EQ(mbuf_copyback(m, off, len, flat2, MBUF_WAITOK), 0);
			memcpy(flat + off, flat2, len);
			/* Writing inside the packet never changes its shape. */
			kt_expect_chain(m, flat, n, 1);
			KT_ASSERT_EQ(mbuf_pkthdr_len(m), n);
		}
		mbuf_freem(m);
	}
}

static void
test_copyback_grows(void)
{
	struct kt_rng r;
	unsigned seed;

	for (seed = 1; seed <= 40; seed++) {
		size_t n, off, len, total;
		mbuf_t m;

		kt_rng_seed(&r, seed * 13);
		n = kt_randn(&r, 600);
		kt_fill(flat, n, seed);
		m = seed % 2 ? kt_chain_1byte(flat, n) : kt_chain_random(&r, flat, n, 1);
		/* Start somewhere inside or past the end; grow by up to 5000 bytes. */
		off = kt_randn(&r, (u_int32_t)n + 300);
		len = 1 + kt_randn(&r, 5000);
		kt_fill(flat2, len, seed + 1000);
		KT_ASSERT_EQ(mbuf_copyback(m, off, len, flat2, MBUF_WAITOK), 0);
		total = off + len > n ? off + len : n;
		KT_ASSERT_EQ(mbuf_pkthdr_len(m), total);
		KT_ASSERT_EQ(kt_chain_len(m), total);
		KT_SANE(m, NKE_SANITY_PKTLEN);
		KT_ASSERT_EQ(mbuf_copydata(m, 0, total, out), 0);
		KT_ASSERT_MEM_EQ(out, flat, n < off ? n : off);
		KT_ASSERT_MEM_EQ(out + off, flat2, len);
		if (off > n) {
			/* The gap comes from zeroed mbufs or unspecified free space. */
			KT_ASSERT_EQ(kt_chain_len(m), off + len);
		}
		mbuf_freem(m);
	}
}

static void
test_copyback_gap_is_zeroed(void)
{
	u_int8_t b[4] = {1, 2, 3, 4};
	mbuf_t m, n;
	size_t i;

	/* A full cluster: reaching offset 3000 needs a new, zeroed mbuf. */
	m = NULL;
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_getcluster(MBUF_WAITOK, MBUF_TYPE_DATA, 2048, &m), 0);
	mbuf_setlen(m, 2048);
	mbuf_pkthdr_setlen(m, 2048);
	memset(mbuf_data(m), 0xee, 2048);
	KT_ASSERT_EQ(mbuf_copyback(m, 2100, 4, b, MBUF_WAITOK), 0);
	n = mbuf_next(m);
	KT_ASSERT(n != NULL);
	KT_ASSERT_EQ(mbuf_pkthdr_len(m), 2104);
	KT_ASSERT_EQ(mbuf_copydata(m, 2048, 56, out), 0);
	for (i = 0; i < 52; i++)
		KT_ASSERT_EQ(out[i], 0);
	KT_ASSERT_MEM_EQ(out + 52, b, 4);
	mbuf_freem(m);
}

static void
test_copyback_enobufs_partial(void)
{
	mbuf_t m;
	size_t len = 2000;

	kt_fill(flat2, len, 77);
	kt_fill(flat, 10, 78);
	/* A 10-byte header mbuf: 78 bytes grow in place, then one more mbuf fails. */
	m = kt_chain_1byte(flat, 10);
	mbuf_freem(mbuf_next(m));
	mbuf_setnext(m, NULL);
	mbuf_setlen(m, 1);
	mbuf_pkthdr_setlen(m, 1);
	NKT_fail_alloc(NKS_ALLOC_MBUF, 0, 1);
	KT_ASSERT_EQ(mbuf_copyback(m, 0, len, flat2, MBUF_WAITOK), ENOBUFS);
	/* What fitted is written and counted. */
	KT_ASSERT_EQ(mbuf_len(m), 88);
	KT_ASSERT_EQ(mbuf_pkthdr_len(m), 88);
	KT_ASSERT_MEM_EQ(mbuf_data(m), flat2, 88);
	KT_ASSERT_NULL(mbuf_next(m));
	KT_SANE(m, NKE_SANITY_PKTLEN);
	mbuf_freem(m);

	/* Failing to reach the offset: nothing written, ENOBUFS. */
	m = kt_chain_1byte(flat, 1);
	NKT_fail_alloc(NKS_ALLOC_MBUF, 0, 1);
	KT_ASSERT_EQ(mbuf_copyback(m, 500, 10, flat2, MBUF_WAITOK), ENOBUFS);
	KT_ASSERT_EQ(mbuf_pkthdr_len(m), 1);
	mbuf_freem(m);

	/* A cluster that cannot be had is fine: the chain grows with mbufs. */
	m = kt_chain_1byte(flat, 1);
	mbuf_setlen(m, 0);
	mbuf_pkthdr_setlen(m, 0);
	NKT_fail_alloc(NKS_ALLOC_CLUSTER, 0, 0);
	KT_ASSERT_EQ(mbuf_copyback(m, 0, len, flat2, MBUF_WAITOK), 0);
	NKT_fail_reset();
	kt_expect_chain(m, flat2, len, 1);
	KT_ASSERT(kt_chain_count(m) > 2);
	mbuf_freem(m);
}

static void
test_copyback_errors(void)
{
	mbuf_t m;
	u_int8_t b = 1;

	KT_ASSERT_EQ(mbuf_copyback(NULL, 0, 1, &b, MBUF_WAITOK), EINVAL);
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_copyback(m, 0, 1, NULL, MBUF_WAITOK), EINVAL);
	KT_ASSERT_EQ(mbuf_copyback(m, 0, 0, &b, MBUF_WAITOK), EINVAL);
	KT_ASSERT_EQ(mbuf_len(m), 0);
	mbuf_free(m);
}

static void
test_copyback_into_shared_cluster(void)
{
	mbuf_t m = NULL, c;
	u_int8_t b[3] = {9, 8, 7};

	/* Shared storage is written anyway (the kext's problem, as in XNU). */
	KT_ASSERT_EQ(mbuf_getpacket(MBUF_WAITOK, &m), 0);
	mbuf_setlen(m, 100);
	mbuf_pkthdr_setlen(m, 100);
	memset(mbuf_data(m), 0, 100);
	KT_ASSERT_EQ(mbuf_copym(m, 0, 100, MBUF_WAITOK, &c), 0);
	KT_ASSERT_EQ(mbuf_copyback(c, 10, 3, b, MBUF_WAITOK), 0);
	KT_ASSERT_MEM_EQ((u_int8_t *)mbuf_data(m) + 10, b, 3);
	/* ... and reported, once. */
	KT_ASSERT_EQ(NKT_reports("shared-cluster-write"), 1);
	KT_ASSERT(strstr(NKT_last_message("shared-cluster-write"), "mbuf_copyback at ") != NULL);
	/* But it is never grown into. */
	KT_ASSERT_EQ(mbuf_copyback(c, 100, 3, b, MBUF_WAITOK), 0);
	KT_ASSERT_EQ(mbuf_len(c), 100);
	KT_ASSERT(mbuf_next(c) != NULL);
	mbuf_freem(c);
	mbuf_freem(m);
	KT_ASSERT_EQ(NKT_reports("shared-cluster-write"), 1);
}

/* ===================================================================== */
/* copym                                                                 */
/* ===================================================================== */

static void
test_copym_1byte_all_ranges(void)
{
	size_t n = 14, off, len;

	kt_fill(flat, n, 3);
	for (off = 0; off < n; off++) {
		for (len = 1; off + len <= n; len++) {
			mbuf_t m = kt_chain_1byte(flat, n), c = NULL;

			KT_ASSERT_EQ(mbuf_copym(m, off, len, MBUF_WAITOK, &c), 0);
			kt_expect_chain(c, flat + off, len, off == 0);
			KT_ASSERT_EQ(!!(mbuf_flags(c) & MBUF_PKTHDR), off == 0);
			kt_expect_chain(m, flat, n, 1);
			mbuf_freem(c);
			mbuf_freem(m);
		}
	}
}

static void
test_copym_random(void)
{
	struct kt_rng r;
	unsigned seed, i;

	for (seed = 1; seed <= 50; seed++) {
		size_t n;
		mbuf_t m;

		kt_rng_seed(&r, seed * 31);
		n = 1 + kt_randn(&r, seed % 4 == 0 ? 40000 : 4000);
		kt_fill(flat, n, seed);
		m = kt_chain_random(&r, flat, n, 1);
		for (i = 0; i < 10; i++) {
			size_t off = i == 0 ? 0 : kt_randn(&r, (u_int32_t)n);
			size_t len = 1 + kt_randn(&r, (u_int32_t)(n - off));
			int all = kt_randn(&r, 4) == 0;
			mbuf_t c = NULL, x;

			KT_ASSERT_EQ(mbuf_copym(m, off, all ? MBUF_COPYALL : len, MBUF_WAITOK, &c),
			             0);
			if (all)
				len = n - off;
			kt_expect_chain(c, flat + off, len, off == 0);
			kt_expect_chain(m, flat, n, 1);
			/* Every cluster of the copy is shared and read-only now. */
			for (x = c; x != NULL; x = mbuf_next(x)) {
				if (!(mbuf_flags(x) & MBUF_EXT))
					continue;
				KT_ASSERT(mbuf_mclhasreference(x));
				KT_ASSERT_EQ(mbuf_leadingspace(x), 0);
				KT_ASSERT_EQ(mbuf_trailingspace(x), 0);
				KT_ASSERT(x->m_ext.ext_ref->er_refcnt >= 2);
			}
			mbuf_freem(c);
		}
		mbuf_freem(m);
	}
}

static void
test_copym_shares_clusters(void)
{
	mbuf_t m = NULL, c = NULL;

	KT_ASSERT_EQ(mbuf_getpacket(MBUF_WAITOK, &m), 0);
	kt_fill(flat, 1000, 5);
	KT_ASSERT_EQ(mbuf_copyback(m, 0, 1000, flat, MBUF_WAITOK), 0);
	KT_ASSERT_EQ(mbuf_trailingspace(m), 1048);
	KT_ASSERT_EQ(mbuf_copym(m, 100, 200, MBUF_WAITOK, &c), 0);
	KT_ASSERT_PTR_EQ(mbuf_data(c), (char *)mbuf_data(m) + 100);
	KT_ASSERT_EQ(mbuf_len(c), 200);
	KT_ASSERT(mbuf_mclhasreference(m));
	KT_ASSERT(mbuf_mclhasreference(c));
	KT_ASSERT_EQ(mbuf_trailingspace(m), 0);
	KT_ASSERT_EQ(mbuf_leadingspace(c), 0);
	/* Writes through one are seen through the other. */
	((u_int8_t *)mbuf_data(c))[0] = 0x42;
	KT_ASSERT_EQ(((u_int8_t *)mbuf_data(m))[100], 0x42);
	KT_ASSERT_EQ(kt_live_clusters(), 1);
	KT_ASSERT_EQ(NKT_reports("shared-cluster-write"), 0);
	mbuf_freem(c);
	/* The change of the shared bytes is seen when the copy goes. */
	KT_ASSERT_EQ(NKT_reports("shared-cluster-write"), 1);
	KT_ASSERT(strstr(NKT_last_message("shared-cluster-write"), "the 200 bytes of cluster") !=
	          NULL);
	/* Read-only stays (XNU's flag is sticky). */
	KT_ASSERT(mbuf_mclhasreference(m));
	KT_ASSERT_EQ(m->m_ext.ext_ref->er_refcnt, 1);
	KT_ASSERT_EQ(kt_live_clusters(), 1);
	mbuf_freem(m);
	KT_ASSERT_EQ(kt_live_clusters(), 0);
}

static void
test_copym_moves_header(void)
{
	mbuf_t m, c = NULL, d = NULL;
	static int ifp_dummy;

	kt_fill(flat, 50, 9);
	m = kt_chain_1byte(flat, 50);
	kt_add_tag(m, 1, 16, 0xaa);
	KT_ASSERT_EQ(mbuf_set_traffic_class(m, MBUF_TC_VO), 0);
	mbuf_pkthdr_setrcvif(m, (ifnet_t)&ifp_dummy);
	mbuf_setflags_mask(m, MBUF_BCAST, MBUF_BCAST);

	/* A copy from offset > 0 does not touch the header. */
	KT_ASSERT_EQ(mbuf_copym(m, 5, 10, MBUF_WAITOK, &d), 0);
	KT_ASSERT(!(mbuf_flags(d) & MBUF_PKTHDR));
	KT_ASSERT(kt_has_tag(m, 1, 16, 0xaa));

	/* From offset 0 the header moves: tags and class go to the copy. */
	KT_ASSERT_EQ(mbuf_copym(m, 0, 30, MBUF_WAITOK, &c), 0);
	KT_ASSERT(kt_has_tag(c, 1, 16, 0xaa));
	KT_ASSERT(!kt_has_tag(m, 1, 16, 0xaa));
	KT_ASSERT_EQ(mbuf_get_traffic_class(c), MBUF_TC_VO);
	KT_ASSERT_EQ(mbuf_get_traffic_class(m), MBUF_TC_BE);
	KT_ASSERT_EQ(mbuf_pkthdr_len(c), 30);
	KT_ASSERT_EQ(mbuf_pkthdr_len(m), 50);
	KT_ASSERT_PTR_EQ(mbuf_pkthdr_rcvif(c), &ifp_dummy);
	KT_ASSERT_PTR_EQ(mbuf_pkthdr_rcvif(m), &ifp_dummy);
	KT_ASSERT_EQ(mbuf_flags(c), MBUF_PKTHDR | MBUF_BCAST);
	KT_ASSERT_EQ(mbuf_flags(m), MBUF_PKTHDR | MBUF_BCAST);
	KT_ASSERT_EQ(kt_live_tags(), 1);
	mbuf_freem(c);
	KT_ASSERT_EQ(kt_live_tags(), 0);
	mbuf_freem(d);
	mbuf_freem(m);
}

static void
test_copym_empty_header_mbuf(void)
{
	mbuf_t m = NULL, c = NULL;

	/* A header mbuf with no data: the copy's header mbuf stays empty too. */
	kt_fill(flat, 20, 11);
	m = kt_chain_1byte(flat, 20);
	mbuf_setlen(m, 0);
	memmove(flat, flat + 1, 19);
	mbuf_pkthdr_setlen(m, 19);
	KT_ASSERT_EQ(mbuf_copym(m, 0, MBUF_COPYALL, MBUF_WAITOK, &c), 0);
	KT_ASSERT_EQ(mbuf_len(c), 0);
	KT_ASSERT_EQ(mbuf_pkthdr_len(c), 19);
	kt_expect_chain(c, flat, 19, 1);
	mbuf_freem(c);
	/* len 0 copies nothing: ENOMEM as in XNU. */
	c = (mbuf_t)1;
	KT_ASSERT_EQ(mbuf_copym(m, 3, 0, MBUF_WAITOK, &c), ENOMEM);
	KT_ASSERT_NULL(c);
	mbuf_freem(m);
}

static void
test_copym_failure_leaves_source(void)
{
	struct kt_rng r;
	unsigned k;

	kt_rng_seed(&r, 99);
	kt_fill(flat, 3000, 12);
	for (k = 0; k < 12; k++) {
		mbuf_t m = kt_chain_random(&r, flat, 3000, 1), c = (mbuf_t)1;
		unsigned nalloc;
		u_int64_t before;

		/* One allocation per mbuf of a successful copy. */
		KT_ASSERT_EQ(mbuf_copym(m, 0, MBUF_COPYALL, MBUF_DONTWAIT, &c), 0);
		nalloc = kt_chain_count(c);
		mbuf_freem(c);
		before = kt_live_mbufs();
		NKT_fail_alloc(NKS_ALLOC_MBUF, k % nalloc, 1);
		KT_ASSERT_EQ(mbuf_copym(m, 0, MBUF_COPYALL, MBUF_DONTWAIT, &c), ENOMEM);
		NKT_fail_reset();
		KT_ASSERT_NULL(c);
		KT_ASSERT_EQ(kt_live_mbufs(), before);
		kt_expect_chain(m, flat, 3000, 1);
		mbuf_freem(m);
	}
}

static void
test_copym_failure_loses_tags(void)
{
	mbuf_t m, c = (mbuf_t)1;

	/* XNU moves the header into the first copy mbuf, then frees it. */
	kt_fill(flat, 5, 1);
	m = kt_chain_1byte(flat, 5);
	kt_add_tag(m, 3, 8, 0x11);
	NKT_fail_alloc(NKS_ALLOC_MBUF, 1, 1);
	KT_ASSERT_EQ(mbuf_copym(m, 0, 5, MBUF_WAITOK, &c), ENOMEM);
	KT_ASSERT_NULL(c);
	KT_ASSERT(!kt_has_tag(m, 3, 8, 0x11));
	kt_expect_chain(m, flat, 5, 1);
	mbuf_freem(m);
}

struct kt_copym_args {
	mbuf_t m;
	size_t off, len;
};

static void
copym_one(void *arg)
{
	struct kt_copym_args *a = arg;
	mbuf_t c;

	(void)mbuf_copym(a->m, a->off, a->len, MBUF_WAITOK, &c);
}

static void
test_copym_out_of_range_panics(void)
{
	struct kt_copym_args a;

	kt_fill(flat, 10, 2);
	a.m = kt_chain_1byte(flat, 10);
	a.off = 10;
	a.len = 1;
	KT_EXPECT_PANIC(copym_one, &a, "beyond the end");
	a.len = MBUF_COPYALL;
	KT_EXPECT_PANIC(copym_one, &a, "beyond the end");
	a.off = 3;
	a.len = 8;
	KT_EXPECT_PANIC(copym_one, &a, "beyond the end");
	a.off = (size_t)-1;
	a.len = 1;
	KT_EXPECT_PANIC(copym_one, &a, "invalid offset");
	kt_expect_chain(a.m, flat, 10, 1);
	mbuf_freem(a.m);
}

/* ===================================================================== */
/* dup                                                                   */
/* ===================================================================== */

static void
test_dup_random(void)
{
	struct kt_rng r;
	unsigned seed;

	for (seed = 1; seed <= 50; seed++) {
		size_t n;
		mbuf_t m, d = NULL;
		int hdr = seed % 5 != 0;

		kt_rng_seed(&r, seed * 17);
		n = 1 + kt_randn(&r, seed % 4 == 0 ? 30000 : 3000);
		kt_fill(flat, n, seed);
		m = kt_chain_random(&r, flat, n, hdr);
		KT_ASSERT_EQ(mbuf_dup(m, MBUF_WAITOK, &d), 0);
		kt_expect_chain(d, flat, n, hdr);
		kt_expect_chain(m, flat, n, hdr);
		KT_ASSERT(!kt_chains_share_storage(m, d));
		/* The copy is writable and independent. */
		((u_int8_t *)mbuf_data(d))[0] ^= 0xff;
		kt_expect_chain(m, flat, n, hdr);
		mbuf_freem(d);
		mbuf_freem(m);
	}
	/* 1-byte chains too. */
	kt_fill(flat, 30, 4);
	{
		mbuf_t m = kt_chain_1byte(flat, 30), d = NULL;

		KT_ASSERT_EQ(mbuf_dup(m, MBUF_WAITOK, &d), 0);
		kt_expect_chain(d, flat, 30, 1);
		KT_ASSERT_EQ(kt_chain_count(d), 30);
		mbuf_freem(d);
		mbuf_freem(m);
	}
}

static void
test_dup_copies_header_and_tags(void)
{
	mbuf_t m, d = NULL;
	void *p1, *p2;
	size_t l;
	static int ifp_dummy;

	kt_fill(flat, 40, 6);
	m = kt_chain_1byte(flat, 40);
	p1 = kt_add_tag(m, 1, 16, 0x11);
	kt_add_tag(m, 2, 1500, 0x22);
	mbuf_pkthdr_setrcvif(m, (ifnet_t)&ifp_dummy);
	mbuf_set_vlan_tag(m, 42);
	KT_ASSERT_EQ(mbuf_set_traffic_class(m, MBUF_TC_VI), 0);
	KT_ASSERT_EQ(mbuf_dup(m, MBUF_WAITOK, &d), 0);
	KT_ASSERT(kt_has_tag(d, 1, 16, 0x11));
	KT_ASSERT(kt_has_tag(d, 2, 1500, 0x22));
	KT_ASSERT(kt_has_tag(m, 1, 16, 0x11));
	KT_ASSERT(kt_has_tag(m, 2, 1500, 0x22));
	KT_ASSERT_EQ(mbuf_tag_find(d, kt_tag_id(), 1, &l, &p2), 0);
	KT_ASSERT(p1 != p2);
	KT_ASSERT_EQ(kt_live_tags(), 4);
	KT_ASSERT_PTR_EQ(mbuf_pkthdr_rcvif(d), &ifp_dummy);
	KT_ASSERT_EQ(mbuf_get_traffic_class(d), MBUF_TC_VI);
	{
		u_int16_t v = 0;

		KT_ASSERT_EQ(mbuf_get_vlan_tag(d, &v), 0);
		KT_ASSERT_EQ(v, 42);
	}
	mbuf_freem(m);
	KT_ASSERT(kt_has_tag(d, 1, 16, 0x11));
	mbuf_freem(d);
	KT_ASSERT_EQ(kt_live_tags(), 0);

	/* A single small header mbuf takes the quick path. */
	m = kt_chain_1byte(flat, 1);
	kt_add_tag(m, 7, 4, 0x77);
	KT_ASSERT_EQ(mbuf_dup(m, MBUF_WAITOK, &d), 0);
	KT_ASSERT(kt_has_tag(d, 7, 4, 0x77));
	kt_expect_chain(d, flat, 1, 1);
	mbuf_freem(d);
	mbuf_freem(m);
}

static void
test_dup_failures(void)
{
	struct kt_rng r;
	unsigned k;
	mbuf_t m, d;

	kt_rng_seed(&r, 5);
	kt_fill(flat, 5000, 8);
	for (k = 0; k < 8; k++) {
		m = kt_chain_random(&r, flat, 5000, 1);
		d = (mbuf_t)1;
		NKT_fail_alloc(k % 2 ? NKS_ALLOC_CLUSTER : NKS_ALLOC_MBUF, k / 2, 1);
		if (mbuf_dup(m, MBUF_WAITOK, &d) == 0) {
			/* Fewer allocations of that class than k / 2. */
			NKT_fail_reset();
			kt_expect_chain(d, flat, 5000, 1);
			mbuf_freem(d);
		} else {
			NKT_fail_reset();
			KT_ASSERT_NULL(d);
		}
		kt_expect_chain(m, flat, 5000, 1);
		mbuf_freem(m);
	}
	/* First allocation fails: ENOMEM. */
	m = kt_chain_1byte(flat, 3);
	NKT_fail_alloc(NKS_ALLOC_MBUF, 0, 1);
	KT_ASSERT_EQ(mbuf_dup(m, MBUF_WAITOK, &d), ENOMEM);
	KT_ASSERT_NULL(d);
	/* A tag that cannot be copied is silently left out (XNU ignores it). */
	kt_add_tag(m, 1, 10, 0x55);
	NKT_fail_alloc(NKS_ALLOC_TAG, 0, 1);
	KT_ASSERT_EQ(mbuf_dup(m, MBUF_WAITOK, &d), 0);
	KT_ASSERT(!kt_has_tag(d, 1, 10, 0x55));
	KT_ASSERT(kt_has_tag(m, 1, 10, 0x55));
	kt_expect_chain(d, flat, 3, 1);
	mbuf_freem(d);
	mbuf_freem(m);
}

/* ===================================================================== */
/* split                                                                 */
/* ===================================================================== */

static void
test_split_1byte_every_offset(void)
{
	size_t n = 12, off;
	static int ifp_dummy;

	kt_fill(flat, n, 21);
	for (off = 0; off <= n; off++) {
		mbuf_t m = kt_chain_1byte(flat, n), t = NULL;

		kt_add_tag(m, 1, 4, 0x31);
		mbuf_pkthdr_setrcvif(m, (ifnet_t)&ifp_dummy);
		KT_ASSERT_EQ(mbuf_split(m, off, MBUF_WAITOK, &t), 0);
		kt_expect_chain(m, flat, off, 1);
		kt_expect_chain(t, flat + off, n - off, 1);
		KT_ASSERT_EQ(mbuf_pkthdr_len(m), off);
		KT_ASSERT_EQ(mbuf_pkthdr_len(t), n - off);
		KT_ASSERT(mbuf_flags(t) & MBUF_PKTHDR);
		/* The tail has rcvif and length, nothing else. */
		KT_ASSERT_PTR_EQ(mbuf_pkthdr_rcvif(t), &ifp_dummy);
		KT_ASSERT(!kt_has_tag(t, 1, 4, 0x31));
		KT_ASSERT(kt_has_tag(m, 1, 4, 0x31));
		mbuf_freem(t);
		mbuf_freem(m);
	}
	/* Beyond the data: ENOMEM and nothing changes. */
	{
		mbuf_t m = kt_chain_1byte(flat, n), t = (mbuf_t)1;

		KT_ASSERT_EQ(mbuf_split(m, n + 1, MBUF_WAITOK, &t), ENOMEM);
		KT_ASSERT_NULL(t);
		kt_expect_chain(m, flat, n, 1);
		mbuf_freem(m);
	}
}

static void
test_split_random(void)
{
	struct kt_rng r;
	unsigned seed;

	for (seed = 1; seed <= 80; seed++) {
		size_t n, off;
		mbuf_t m, t = NULL, x;
		int hdr = seed % 3 != 0;
		int err;

		kt_rng_seed(&r, seed * 41);
		n = 1 + kt_randn(&r, seed % 4 == 0 ? 30000 : 2500);
		kt_fill(flat, n, seed);
		m = kt_chain_random(&r, flat, n, hdr);
		off = kt_randn(&r, (u_int32_t)n + 1);
		err = mbuf_split(m, off, MBUF_WAITOK, &t);
		if (!hdr && off == n) {
			/* Without a header, a cut at the very end has no tail. */
			KT_ASSERT(err == 0 || err == ENOMEM);
			if (err == ENOMEM) {
				kt_expect_chain(m, flat, n, 0);
				mbuf_freem(m);
				continue;
			}
		}
		KT_ASSERT_EQ(err, 0);
		kt_expect_chain(m, flat, off, hdr);
		kt_expect_chain(t, flat + off, n - off, hdr);
		/* A cluster cut in two is shared by both halves. */
		for (x = t; x != NULL; x = mbuf_next(x))
			if ((mbuf_flags(x) & MBUF_EXT) && kt_chains_share_storage(m, x))
				KT_ASSERT(mbuf_mclhasreference(x));
		mbuf_freem(t);
		mbuf_freem(m);
	}
}

static void
test_split_without_header(void)
{
	mbuf_t m, t;

	kt_fill(flat, 6, 1);
	m = kt_chain_1byte(flat, 6);
	KT_ASSERT_EQ(mbuf_setflags(m, 0), 0);
	/* On a boundary, the tail is simply the rest of the chain. */
	{
		mbuf_t second = mbuf_next(mbuf_next(m));

		KT_ASSERT_EQ(mbuf_split(m, 2, MBUF_WAITOK, &t), 0);
		KT_ASSERT_PTR_EQ(t, second);
	}
	kt_expect_chain(m, flat, 2, 0);
	kt_expect_chain(t, flat + 2, 4, 0);
	/* At the end: no tail, ENOMEM. */
	{
		mbuf_t none = (mbuf_t)1;

		KT_ASSERT_EQ(mbuf_split(t, 4, MBUF_WAITOK, &none), ENOMEM);
		KT_ASSERT_NULL(none);
	}
	mbuf_freem(t);
	mbuf_freem(m);
}

static void
test_split_big_internal_tail(void)
{
	mbuf_t m, x, t;

	/* Header mbuf (10 bytes) + plain mbuf (200): cut at 20 leaves 190 > MHLEN. */
	kt_fill(flat, 210, 3);
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &x), 0);
	memcpy(mbuf_data(m), flat, 10);
	mbuf_setlen(m, 10);
	memcpy(mbuf_data(x), flat + 10, 200);
	mbuf_setlen(x, 200);
	mbuf_setnext(m, x);
	mbuf_pkthdr_setlen(m, 210);
	KT_ASSERT_EQ(mbuf_split(m, 20, MBUF_WAITOK, &t), 0);
	/* The tail is an empty header mbuf followed by the data. */
	KT_ASSERT_EQ(mbuf_len(t), 0);
	KT_ASSERT_EQ(mbuf_len(mbuf_next(t)), 190);
	kt_expect_chain(t, flat + 20, 190, 1);
	kt_expect_chain(m, flat, 20, 1);
	mbuf_freem(t);
	mbuf_freem(m);

	/* Same cut with the second allocation failing: all unchanged. */
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &x), 0);
	memcpy(mbuf_data(m), flat, 10);
	mbuf_setlen(m, 10);
	memcpy(mbuf_data(x), flat + 10, 200);
	mbuf_setlen(x, 200);
	mbuf_setnext(m, x);
	mbuf_pkthdr_setlen(m, 210);
	NKT_fail_alloc(NKS_ALLOC_MBUF, 1, 1);
	t = (mbuf_t)1;
	KT_ASSERT_EQ(mbuf_split(m, 20, MBUF_WAITOK, &t), ENOMEM);
	KT_ASSERT_NULL(t);
	kt_expect_chain(m, flat, 210, 1);
	NKT_fail_alloc(NKS_ALLOC_MBUF, 0, 1);
	KT_ASSERT_EQ(mbuf_split(m, 5, MBUF_WAITOK, &t), ENOMEM);
	kt_expect_chain(m, flat, 210, 1);
	mbuf_freem(m);
}

/* ===================================================================== */
/* pullup                                                                */
/* ===================================================================== */

static void
test_pullup_1byte(void)
{
	size_t n = 300, len;

	kt_fill(flat, n, 14);
	for (len = 0; len <= NKE_MLEN + 1; len++) {
		mbuf_t m = kt_chain_1byte(flat, n), orig = m;
		int err;

		kt_add_tag(m, 1, 8, 0x44);
		err = mbuf_pullup(&m, len);
		if (len > NKE_MHLEN) {
			/*
			 * The header mbuf has MHLEN bytes of room; no room for
			 * len in place and a new mbuf cannot take more: fails.
			 */
			KT_ASSERT_EQ(err, ENOMEM);
			KT_ASSERT_NULL(m);
			KT_ASSERT_EQ(kt_live_mbufs(), 0);
			KT_ASSERT_EQ(kt_live_tags(), 0);
			continue;
		}
		KT_ASSERT_EQ(err, 0);
		/* In place while len < room; at exactly MHLEN a new head is needed. */
		if (len < NKE_MHLEN)
			KT_ASSERT_PTR_EQ(m, orig);
		else
			KT_ASSERT(m != orig);
		KT_ASSERT(mbuf_len(m) >= len);
		kt_expect_chain(m, flat, n, 1);
		KT_ASSERT(kt_has_tag(m, 1, 8, 0x44));
		mbuf_freem(m);
	}
}

static void
test_pullup_new_head_rules(void)
{
	mbuf_t m = NULL, orig, x;

	/* A cluster first mbuf always gets a new head, even if contiguous. */
	kt_fill(flat, 500, 2);
	KT_ASSERT_EQ(mbuf_getpacket(MBUF_WAITOK, &m), 0);
	KT_ASSERT_EQ(mbuf_copyback(m, 0, 500, flat, MBUF_WAITOK), 0);
	kt_add_tag(m, 5, 20, 0x66);
	orig = m;
	KT_ASSERT_EQ(mbuf_pullup(&m, 20), 0);
	KT_ASSERT(m != orig);
	KT_ASSERT(!(mbuf_flags(m) & MBUF_EXT));
	/* At least 20, opportunistically up to max_protohdr (60). */
	KT_ASSERT_EQ(mbuf_len(m), 60);
	KT_ASSERT(kt_has_tag(m, 5, 20, 0x66));
	KT_ASSERT_PTR_EQ(mbuf_next(m), orig);
	KT_ASSERT(!(mbuf_flags(orig) & MBUF_PKTHDR));
	kt_expect_chain(m, flat, 500, 1);
	mbuf_freem(m);

	/* A lone internal mbuf (no successor) also moves. */
	m = kt_chain_1byte(flat, 1);
	orig = m;
	KT_ASSERT_EQ(mbuf_pullup(&m, 1), 0);
	KT_ASSERT(m != orig);
	kt_expect_chain(m, flat, 1, 1);
	mbuf_freem(m);

	/* Internal first mbuf with room and a successor: in place. */
	m = kt_chain_1byte(flat, 10);
	orig = m;
	x = mbuf_next(m);
	KT_ASSERT_EQ(mbuf_pullup(&m, 1), 0);
	KT_ASSERT_PTR_EQ(m, orig);
	KT_ASSERT_PTR_EQ(mbuf_next(m), x);
	KT_ASSERT_EQ(mbuf_pullup(&m, 5), 0);
	KT_ASSERT_PTR_EQ(m, orig);
	/* Four 1-byte mbufs were emptied into the head and freed. */
	KT_ASSERT_EQ(mbuf_len(m), 5);
	KT_ASSERT_EQ(kt_chain_count(m), 6);
	kt_expect_chain(m, flat, 10, 1);
	mbuf_freem(m);

	/* From a bigger successor it takes up to max_protohdr (60) bytes. */
	m = kt_chain_1byte(flat, 1);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &x), 0);
	memcpy(mbuf_data(x), flat + 1, 100);
	mbuf_setlen(x, 100);
	mbuf_setnext(m, x);
	mbuf_pkthdr_setlen(m, 101);
	orig = m;
	KT_ASSERT_EQ(mbuf_pullup(&m, 5), 0);
	KT_ASSERT_PTR_EQ(m, orig);
	KT_ASSERT_EQ(mbuf_len(m), 61);
	KT_ASSERT_EQ(mbuf_len(x), 40);
	kt_expect_chain(m, flat, 101, 1);
	mbuf_freem(m);
}

static void
test_pullup_failures(void)
{
	mbuf_t m;

	kt_fill(flat, 100, 7);
	/* Longer than MLEN. */
	m = kt_chain_1byte(flat, 100);
	KT_ASSERT_EQ(mbuf_pullup(&m, NKE_MLEN + 1), ENOMEM);
	KT_ASSERT_NULL(m);
	/* Longer than the chain. */
	m = kt_chain_1byte(flat, 50);
	KT_ASSERT_EQ(mbuf_pullup(&m, 51), ENOMEM);
	KT_ASSERT_NULL(m);
	/* No new mbuf to be had. */
	m = kt_chain_1byte(flat, 100);
	NKT_fail_alloc(NKS_ALLOC_MBUF, 0, 1);
	KT_ASSERT_EQ(mbuf_pullup(&m, NKE_MHLEN), ENOMEM);
	KT_ASSERT_NULL(m);
	KT_ASSERT_EQ(kt_live_mbufs(), 0);
	{
		struct mbuf_stat st;

		mbuf_stats(&st);
		KT_ASSERT_EQ(st.mpfail, 3);
	}
}

static void
test_pullup_random(void)
{
	struct kt_rng r;
	unsigned seed;

	for (seed = 1; seed <= 80; seed++) {
		size_t n, len;
		mbuf_t m;
		int err;

		kt_rng_seed(&r, seed * 3);
		n = 1 + kt_randn(&r, 1000);
		kt_fill(flat, n, seed);
		m = kt_chain_random(&r, flat, n, 1);
		len = kt_randn(&r, NKE_MHLEN + 1);
		err = mbuf_pullup(&m, len);
		if (len > n) {
			KT_ASSERT_EQ(err, ENOMEM);
			KT_ASSERT_NULL(m);
			continue;
		}
		KT_ASSERT_EQ(err, 0);
		KT_ASSERT(mbuf_len(m) >= len);
		kt_expect_chain(m, flat, n, 1);
		mbuf_freem(m);
	}
}

/* ===================================================================== */
/* prepend                                                               */
/* ===================================================================== */

static void
test_prepend_in_place_and_new(void)
{
	mbuf_t m = NULL, orig;
	size_t i;

	kt_fill(flat, 100, 4);
	/* Room in front: the data pointer moves back. */
	KT_ASSERT_EQ(mbuf_getpacket(MBUF_WAITOK, &m), 0);
	KT_ASSERT_EQ(mbuf_setdata(m, (char *)mbuf_datastart(m) + 64, 0), 0);
	KT_ASSERT_EQ(mbuf_copyback(m, 0, 100, flat, MBUF_WAITOK), 0);
	orig = m;
	KT_ASSERT_EQ(mbuf_prepend(&m, 14, MBUF_WAITOK), 0);
	KT_ASSERT_PTR_EQ(m, orig);
	KT_ASSERT_EQ(mbuf_len(m), 114);
	KT_ASSERT_EQ(mbuf_pkthdr_len(m), 114);
	KT_ASSERT_EQ(mbuf_leadingspace(m), 50);
	KT_ASSERT_MEM_EQ((u_int8_t *)mbuf_data(m) + 14, flat, 100);
	KT_ASSERT_EQ(mbuf_prepend(&m, 50, MBUF_WAITOK), 0);
	KT_ASSERT_PTR_EQ(m, orig);
	KT_ASSERT_EQ(mbuf_leadingspace(m), 0);

	/* No room: a new head, data at the end of its buffer, header moved. */
	kt_add_tag(m, 9, 4, 0x99);
	KT_ASSERT_EQ(mbuf_prepend(&m, 60, MBUF_WAITOK), 0);
	KT_ASSERT(m != orig);
	KT_ASSERT_PTR_EQ(mbuf_next(m), orig);
	KT_ASSERT_EQ(mbuf_len(m), 60);
	KT_ASSERT_EQ(mbuf_pkthdr_len(m), 224);
	KT_ASSERT(!(mbuf_flags(orig) & MBUF_PKTHDR));
	KT_ASSERT(kt_has_tag(m, 9, 4, 0x99));
	/* (MHLEN - 60) & ~7 = 24 bytes before the data. */
	KT_ASSERT_EQ(mbuf_leadingspace(m), 24);
	KT_ASSERT_EQ(mbuf_trailingspace(m), 4);
	for (i = 0; i < 60; i++)
		((u_int8_t *)mbuf_data(m))[i] = 0x5a;
	KT_SANE(m, NKE_SANITY_PKTLEN);
	mbuf_freem(m);

	/* A shared cluster has no leading space: prepend allocates. */
	m = NULL;
	KT_ASSERT_EQ(mbuf_getpacket(MBUF_WAITOK, &m), 0);
	KT_ASSERT_EQ(mbuf_setdata(m, (char *)mbuf_datastart(m) + 64, 10), 0);
	mbuf_pkthdr_setlen(m, 10);
	{
		mbuf_t c;

		KT_ASSERT_EQ(mbuf_copym(m, 0, 10, MBUF_WAITOK, &c), 0);
		orig = c;
		KT_ASSERT_EQ(mbuf_prepend(&c, 4, MBUF_WAITOK), 0);
		KT_ASSERT(c != orig);
		KT_ASSERT_EQ(mbuf_pkthdr_len(c), 14);
		mbuf_freem(c);
	}
	mbuf_freem(m);
}

static void
test_prepend_random(void)
{
	struct kt_rng r;
	unsigned seed;

	for (seed = 1; seed <= 60; seed++) {
		size_t n, len;
		mbuf_t m;

		kt_rng_seed(&r, seed * 5);
		n = kt_randn(&r, 2000);
		kt_fill(flat2, n, seed);
		m = seed % 2 ? kt_chain_1byte(flat2, n < 200 ? n : 200)
		             : kt_chain_random(&r, flat2, n, 1);
		if (seed % 2)
			n = n < 200 ? n : 200;
		len = 1 + kt_randn(&r, NKE_MHLEN);
		KT_ASSERT_EQ(mbuf_prepend(&m, len, MBUF_WAITOK), 0);
		kt_fill(flat, len, seed + 500);
		memcpy(mbuf_data(m), flat, len);
		memcpy(flat + len, flat2, n);
		kt_expect_chain(m, flat, n + len, 1);
		mbuf_freem(m);
	}
}

struct kt_prepend_args {
	mbuf_t m;
	size_t len;
};

static void
prepend_one(void *arg)
{
	struct kt_prepend_args *a = arg;

	(void)mbuf_prepend(&a->m, a->len, MBUF_WAITOK);
}

static void
test_prepend_failures(void)
{
	struct kt_prepend_args a;
	mbuf_t m;

	kt_fill(flat, 30, 4);
	/* Too big for a new header mbuf: XNU's assertion fires. */
	a.m = kt_chain_1byte(flat, 30);
	a.len = NKE_MHLEN + 1;
	KT_EXPECT_PANIC(prepend_one, &a, "mbuf_prepend");
	kt_expect_chain(a.m, flat, 30, 1);
	mbuf_freem(a.m);
	/* Allocation failure frees the whole chain. */
	m = kt_chain_1byte(flat, 30);
	NKT_fail_alloc(NKS_ALLOC_MBUF, 0, 1);
	KT_ASSERT_EQ(mbuf_prepend(&m, 10, MBUF_WAITOK), ENOMEM);
	KT_ASSERT_NULL(m);
	KT_ASSERT_EQ(kt_live_mbufs(), 0);
}

/* ===================================================================== */
/* adj                                                                   */
/* ===================================================================== */

static void
test_adj_1byte_every_amount(void)
{
	size_t n = 16;
	int amt;

	kt_fill(flat, n, 15);
	for (amt = -(int)n - 2; amt <= (int)n + 2; amt++) {
		mbuf_t m = kt_chain_1byte(flat, n);
		size_t keep = amt >= 0 ? (amt > (int)n ? 0 : n - (size_t)amt)
		                       : (-amt > (int)n ? 0 : n - (size_t)-amt);

		mbuf_adj(m, amt);
		kt_expect_chain(m, amt >= 0 ? flat + (n - keep) : flat, keep, 1);
		KT_ASSERT_EQ(mbuf_pkthdr_len(m), keep);
		/* Emptied mbufs stay in the chain. */
		KT_ASSERT_EQ(kt_chain_count(m), n);
		mbuf_freem(m);
	}
}

static void
test_adj_random(void)
{
	struct kt_rng r;
	unsigned seed;

	for (seed = 1; seed <= 80; seed++) {
		size_t n, keep;
		int amt;
		mbuf_t m;

		kt_rng_seed(&r, seed * 23);
		n = 1 + kt_randn(&r, 20000);
		kt_fill(flat, n, seed);
		m = kt_chain_random(&r, flat, n, 1);
		amt = (int)kt_randn(&r, (u_int32_t)n + 10);
		if (seed % 2)
			amt = -amt;
		keep = (size_t)(amt < 0 ? -amt : amt) >= n ? 0 : n - (size_t)(amt < 0 ? -amt : amt);
		mbuf_adj(m, amt);
		kt_expect_chain(m, amt >= 0 ? flat + (n - keep) : flat, keep, 1);
		mbuf_freem(m);
	}
	/* INT_MIN trims everything. */
	{
		mbuf_t m = kt_chain_1byte(flat, 5);

		mbuf_adj(m, -2147483647 - 1);
		KT_ASSERT_EQ(mbuf_pkthdr_len(m), 0);
		KT_ASSERT_EQ(kt_chain_len(m), 0);
		mbuf_freem(m);
	}
}

/* ===================================================================== */
/* concatenate                                                           */
/* ===================================================================== */

static void
test_concatenate(void)
{
	mbuf_t a, b, first_b;

	kt_fill(flat, 20, 31);
	/* Small 1-byte mbufs are folded into a's last internal mbuf. */
	a = kt_chain_1byte(flat, 10);
	b = kt_chain_1byte(flat + 10, 10);
	kt_add_tag(b, 1, 8, 0x12);
	KT_ASSERT_EQ(kt_live_tags(), 1);
	KT_ASSERT_PTR_EQ(mbuf_concatenate(a, b), a);
	KT_ASSERT_EQ(kt_chain_count(a), 10);
	KT_ASSERT_EQ(mbuf_len(mbuf_next(mbuf_next(mbuf_next(
	                 mbuf_next(mbuf_next(mbuf_next(mbuf_next(mbuf_next(mbuf_next(a)))))))))),
	             11);
	/* b's header (and tag) went with it; a's pkthdr.len is not updated. */
	KT_ASSERT_EQ(kt_live_tags(), 0);
	KT_ASSERT_EQ(mbuf_pkthdr_len(a), 10);
	mbuf_pkthdr_setlen(a, 20);
	kt_expect_chain(a, flat, 20, 1);
	mbuf_freem(a);

	/* A cluster at the end of dst: src is linked, not copied. */
	a = NULL;
	KT_ASSERT_EQ(mbuf_getpacket(MBUF_WAITOK, &a), 0);
	KT_ASSERT_EQ(mbuf_copyback(a, 0, 10, flat, MBUF_WAITOK), 0);
	b = kt_chain_1byte(flat + 10, 10);
	first_b = b;
	KT_ASSERT_PTR_EQ(mbuf_concatenate(a, b), a);
	KT_ASSERT_PTR_EQ(mbuf_next(a), first_b);
	/* The linked header stays on b's first mbuf: not a valid packet now. */
	KT_ASSERT(nke__m_sanity(a, 0) != NULL);
	mbuf_setflags_mask(first_b, 0, MBUF_PKTHDR);
	mbuf_pkthdr_setlen(a, 20);
	kt_expect_chain(a, flat, 20, 1);
	mbuf_freem(a);

	/* Data that would fill the buffer to the end is linked (XNU uses >=). */
	a = kt_chain_1byte(flat, 1);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &b), 0);
	mbuf_setlen(b, NKE_MHLEN - 1);
	KT_ASSERT_PTR_EQ(mbuf_concatenate(a, b), a);
	KT_ASSERT_PTR_EQ(mbuf_next(a), b);
	mbuf_freem(a);

	KT_ASSERT_NULL(mbuf_concatenate(NULL, NULL));
	a = kt_chain_1byte(flat, 3);
	KT_ASSERT_PTR_EQ(mbuf_concatenate(a, NULL), a);
	mbuf_freem(a);
}

static void
test_concatenate_random(void)
{
	struct kt_rng r;
	unsigned seed;

	for (seed = 1; seed <= 40; seed++) {
		size_t n1, n2;
		mbuf_t a, b;

		kt_rng_seed(&r, seed * 19);
		n1 = 1 + kt_randn(&r, 3000);
		n2 = 1 + kt_randn(&r, 3000);
		kt_fill(flat, n1 + n2, seed);
		a = kt_chain_random(&r, flat, n1, 1);
		b = kt_chain_random(&r, flat + n1, n2, 0);
		KT_ASSERT_PTR_EQ(mbuf_concatenate(a, b), a);
		mbuf_pkthdr_setlen(a, n1 + n2);
		kt_expect_chain(a, flat, n1 + n2, 1);
		mbuf_freem(a);
	}
}

/* ===================================================================== */
/* Consistency check                                                     */
/* ===================================================================== */

static void
test_sanity_catches_problems(void)
{
	mbuf_t m, x;

	kt_fill(flat, 5, 1);
	m = kt_chain_1byte(flat, 5);
	KT_ASSERT_NULL(nke__m_sanity(m, NKE_SANITY_PKTLEN));
	mbuf_pkthdr_setlen(m, 6);
	KT_ASSERT(nke__m_sanity(m, NKE_SANITY_PKTLEN) != NULL);
	KT_ASSERT_NULL(nke__m_sanity(m, 0));
	mbuf_pkthdr_setlen(m, 5);
	x = mbuf_next(m);
	mbuf_setlen(x, 300);
	KT_ASSERT(nke__m_sanity(m, 0) != NULL);
	mbuf_setlen(x, 0);
	KT_ASSERT_EQ(mbuf_setflags(x, MBUF_PKTHDR), 0);
	KT_ASSERT(nke__m_sanity(m, 0) != NULL);
	mbuf_freem(m);
}

NKT_CASES(NKT_CASE(test_pool_counts), NKT_CASE(test_quarantine_delays_reuse),
          NKT_CASE(test_double_free_reported), NKT_CASE(test_freed_mbuf_state),
          NKT_CASE(test_generation_counts_reuse), NKT_CASE(test_alloc_failure_mbuf),
          NKT_CASE(test_alloccluster_sizes), NKT_CASE(test_alloccluster_errors),
          NKT_CASE(test_freecluster_panics), NKT_CASE(test_getcluster_and_mclget),
          NKT_CASE(test_mclget_replacing_cluster_leaks), NKT_CASE(test_getpacket),
          NKT_CASE(test_attachcluster), NKT_CASE(test_allocpacket_layouts),
          NKT_CASE(test_allocpacket_maxchunks), NKT_CASE(test_allocpacket_list),
          NKT_CASE(test_freem_list_count), NKT_CASE(test_copydata_1byte),
          NKT_CASE(test_copydata_random), NKT_CASE(test_copyback_inside),
          NKT_CASE(test_copyback_grows), NKT_CASE(test_copyback_gap_is_zeroed),
          NKT_CASE(test_copyback_enobufs_partial), NKT_CASE(test_copyback_errors),
          NKT_CASE(test_copyback_into_shared_cluster), NKT_CASE(test_copym_1byte_all_ranges),
          NKT_CASE(test_copym_random), NKT_CASE(test_copym_shares_clusters),
          NKT_CASE(test_copym_moves_header), NKT_CASE(test_copym_empty_header_mbuf),
          NKT_CASE(test_copym_failure_leaves_source), NKT_CASE(test_copym_failure_loses_tags),
          NKT_CASE(test_copym_out_of_range_panics), NKT_CASE(test_dup_random),
          NKT_CASE(test_dup_copies_header_and_tags), NKT_CASE(test_dup_failures),
          NKT_CASE(test_split_1byte_every_offset), NKT_CASE(test_split_random),
          NKT_CASE(test_split_without_header), NKT_CASE(test_split_big_internal_tail),
          NKT_CASE(test_pullup_1byte), NKT_CASE(test_pullup_new_head_rules),
          NKT_CASE(test_pullup_failures), NKT_CASE(test_pullup_random),
          NKT_CASE(test_prepend_in_place_and_new), NKT_CASE(test_prepend_random),
          NKT_CASE(test_prepend_failures), NKT_CASE(test_adj_1byte_every_amount),
          NKT_CASE(test_adj_random), NKT_CASE(test_concatenate), NKT_CASE(test_concatenate_random),
          NKT_CASE(test_sanity_catches_problems));
