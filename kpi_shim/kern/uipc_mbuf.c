/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uipc_mbuf.c - the mbuf allocator and chain engine (kernel world).
 *
 * Pooled allocators for mbufs (the 256-byte Darwin geometry plus nkesim's
 * bookkeeping words), 2 KB / 4 KB / 16 KB clusters and the reference
 * records of caller-attached storage; then the FreeBSD-style chain
 * operations (m_get, m_free, m_copym, m_split, m_pullup, m_prepend, ...)
 * with the exact semantics of XNU's bsd/kern/uipc_mbuf.c that the mbuf KPI
 * (kpi_mbuf.c) exposes to kexts.  Nothing here blocks: MBUF_WAITOK and
 * MBUF_DONTWAIT only matter for the error codes the KPI returns.
 *
 * Checks: every mbuf knows whether it is live; freeing a free mbuf is a
 * simulated panic.  Freed mbufs are poisoned and wait in a FIFO quarantine
 * before reuse, so stale pointers keep pointing at dead (and, under
 * AddressSanitizer, unaddressable) memory for a while.
 */
#include <sys/errno.h>
#include <string.h>

#include "mbuf_internal.h"
#include "kern_checks.h"

/* Freed mbufs wait here, oldest first, before going back to the pool. */
#define NKE_MBUF_QUARANTINE 1024
_Static_assert((NKE_MBUF_QUARANTINE & (NKE_MBUF_QUARANTINE - 1)) == 0,
               "the quarantine ring is indexed with a mask");

#define NKE_MBUFS_PER_SLAB   128
#define NKE_EXTREFS_PER_SLAB 64

static struct nke_pool nke_mbuf_pool;
static struct nke_pool nke_cl_pool[NKE_CL_NPOOLS];
static struct nke_pool nke_extref_pool;

/*
 * A ring: nke_mq_head is the next slot to fill, which holds the oldest
 * quarantined mbuf once the ring is full (NULL before: nke_mq_count < N).
 */
static struct __mbuf *nke_mq[NKE_MBUF_QUARANTINE];
static unsigned nke_mq_head, nke_mq_count;

static u_int64_t nke_mb_live;      /* mbufs allocated and not freed */
static u_int64_t nke_mb_allocated; /* mbufs handed out since init */
static u_int64_t nke_cl_live;      /* pooled clusters handed out */
static u_int32_t nke_mb_drops;     /* failed mbuf/cluster allocations */
static u_int32_t nke_mtypes[256];  /* live mbufs per type */
u_int32_t nke__mbstat_mcfail;
u_int32_t nke__mbstat_mpfail;


/* ===================================================================== */
/* Object pools                                                          */
/* ===================================================================== */

#ifdef NKE_ASAN
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);

void
nke__asan_poison(const void *p, size_t n)
{
	__asan_poison_memory_region(p, n);
}

void
nke__asan_unpoison(const void *p, size_t n)
{
	__asan_unpoison_memory_region(p, n);
}
#endif

/* Slab header; objects start NKE_SLAB_HDR bytes in, keeping 16-byte alignment. */
struct nke_slab {
	struct nke_slab *s_next;
	size_t s_size;
};
#define NKE_SLAB_HDR 64

/*
 * Slabs come straight from the host allocator: the decision whether an
 * allocation fails (failure injection) is taken once per mbuf, cluster or
 * tag by the caller with NKH_fail(); refilling a pool must not consume a
 * second decision, or the objects a test asks to fail would depend on how
 * full the pool happens to be.
 */
static void *
nke_slab_host_alloc(size_t size)
{
	const struct nks_hostops *ho = nke__hostops;

	if (ho == NULL)
		nke__panic("mbuf pool: allocation outside a simulation run");
	return ho->ho_alloc(ho->ho_arg, size);
}

void
nke__pool_setup(struct nke_pool *p, const char *name, size_t stride, size_t linkoff, size_t bodyoff,
                unsigned perslab)
{
	NKE_ASSERT((stride & 15) == 0 && linkoff + sizeof(void *) <= bodyoff && bodyoff <= stride,
	           "bad pool geometry");
	memset(p, 0, sizeof(*p));
	p->p_name = name;
	p->p_stride = stride;
	p->p_linkoff = linkoff;
	p->p_bodyoff = bodyoff;
	p->p_perslab = perslab;
}

static int
nke_pool_grow(struct nke_pool *p)
{
	size_t size = NKE_SLAB_HDR + p->p_stride * p->p_perslab;
	struct nke_slab *s;
	char *obj;
	unsigned i;

	s = nke_slab_host_alloc(size);
	if (s == NULL)
		return 0;
	memset(s, 0, size);
	s->s_size = size;
	s->s_next = p->p_slabs;
	p->p_slabs = s;
	/* Link backwards so objects come out in address order. */
	obj = (char *)s + NKE_SLAB_HDR + p->p_stride * p->p_perslab;
	for (i = 0; i < p->p_perslab; i++) {
		obj -= p->p_stride;
		memcpy(obj + p->p_linkoff, &p->p_free, sizeof(void *));
		p->p_free = obj;
		nke__asan_poison(obj + p->p_bodyoff, p->p_stride - p->p_bodyoff);
	}
	p->p_total += p->p_perslab;
	p->p_nfree += p->p_perslab;
	return 1;
}

/* The pools' get and put, inline in this file's allocation paths. */
static inline void *
pool_get(struct nke_pool *p)
{
	char *obj;

	if (NKE_UNLIKELY(p->p_free == NULL) && !nke_pool_grow(p))
		return NULL;
	obj = p->p_free;
	__builtin_memcpy(&p->p_free, obj + p->p_linkoff, sizeof(void *));
	p->p_nfree--;
	nke__asan_unpoison(obj + p->p_bodyoff, p->p_stride - p->p_bodyoff);
	return obj;
}

static inline void
pool_put(struct nke_pool *p, void *obj)
{
	char *o = obj;

	nke__asan_poison(o + p->p_bodyoff, p->p_stride - p->p_bodyoff);
	__builtin_memcpy(o + p->p_linkoff, &p->p_free, sizeof(void *));
	p->p_free = o;
	p->p_nfree++;
}

/*
 * The mbuf pool's, with its geometry as constants (the link is m_next, the
 * body M_dat): what pool_get/pool_put do, without loading the offsets.
 */
#define NKE_MBUF_LINKOFF __builtin_offsetof(struct __mbuf, m_next)
#define NKE_MBUF_BODYOFF __builtin_offsetof(struct __mbuf, M_dat)

static inline struct __mbuf *
mbuf_pool_get(void)
{
	struct nke_pool *p = &nke_mbuf_pool;
	struct __mbuf *m;

	if (NKE_UNLIKELY(p->p_free == NULL) && !nke_pool_grow(p))
		return NULL;
	m = p->p_free;
	p->p_free = m->m_next;
	p->p_nfree--;
	nke__asan_unpoison(&m->M_dat, sizeof(m->M_dat));
	return m;
}

static inline void
mbuf_pool_put(struct __mbuf *m)
{
	struct nke_pool *p = &nke_mbuf_pool;

	nke__asan_poison(&m->M_dat, sizeof(m->M_dat));
	m->m_next = p->p_free;
	p->p_free = m;
	p->p_nfree++;
}

/* The cluster pools' (the link is er_next, the body after the header). */
static inline struct nke_extref *
cl_pool_get(struct nke_pool *p)
{
	struct nke_extref *er;

	if (NKE_UNLIKELY(p->p_free == NULL) && !nke_pool_grow(p))
		return NULL;
	er = p->p_free;
	p->p_free = er->er_next;
	p->p_nfree--;
	nke__asan_unpoison(nke__cl_data(er), p->p_stride - NKE_CLHDR_SIZE);
	return er;
}

static inline void
cl_pool_put(struct nke_pool *p, struct nke_extref *er)
{
	nke__asan_poison(nke__cl_data(er), p->p_stride - NKE_CLHDR_SIZE);
	er->er_next = p->p_free;
	p->p_free = er;
	p->p_nfree++;
}

void *
nke__pool_get(struct nke_pool *p)
{
	return pool_get(p);
}

void
nke__pool_put(struct nke_pool *p, void *obj)
{
	pool_put(p, obj);
}

void
nke__pool_destroy(struct nke_pool *p)
{
	struct nke_slab *s, *next;

	for (s = p->p_slabs; s != NULL; s = next) {
		next = s->s_next;
		nke__asan_unpoison(s, s->s_size);
		NKH_free(s, s->s_size);
	}
	p->p_slabs = NULL;
	p->p_free = NULL;
	p->p_total = p->p_nfree = 0;
}

/* ===================================================================== */
/* Subsystem hooks                                                       */
/* ===================================================================== */

void
nke__mbuf_init(void)
{
	unsigned i;

	nke__pool_setup(&nke_mbuf_pool, "mbuf", sizeof(struct __mbuf), NKE_MBUF_LINKOFF,
	                NKE_MBUF_BODYOFF, NKE_MBUFS_PER_SLAB);
	for (i = 0; i < NKE_CL_NPOOLS; i++)
		nke__pool_setup(&nke_cl_pool[i], "cluster", NKE_CLHDR_SIZE + nke__cl_size(i),
		                __builtin_offsetof(struct nke_extref, er_next), NKE_CLHDR_SIZE,
		                i == NKE_CL_2K   ? 16
		                : i == NKE_CL_4K ? 8
		                                 : 2);
	nke__pool_setup(&nke_extref_pool, "extref", 64,
	                __builtin_offsetof(struct nke_extref, er_next), 64, NKE_EXTREFS_PER_SLAB);
	memset(nke_mq, 0, sizeof(nke_mq));
	nke_mq_head = nke_mq_count = 0;
	nke_mb_live = nke_mb_allocated = nke_cl_live = 0;
	nke_mb_drops = 0;
	nke__m_watched = 0;
	memset(nke_mtypes, 0, sizeof(nke_mtypes));
	nke__mbstat_mcfail = nke__mbstat_mpfail = 0;
	nke__mtag_init();
	nke__net_str_id_init();
	nke__mbuf_kpi_init();
}

void
nke__mbuf_fini(void)
{
	unsigned i;

	/*
	 * Whatever a kext leaked goes with the slabs; the owners' free
	 * routines of attached storage are deliberately not called.
	 */
	nke__mtag_fini();
	nke__pool_destroy(&nke_mbuf_pool);
	for (i = 0; i < NKE_CL_NPOOLS; i++)
		nke__pool_destroy(&nke_cl_pool[i]);
	nke__pool_destroy(&nke_extref_pool);
	memset(nke_mq, 0, sizeof(nke_mq));
	nke_mq_head = nke_mq_count = 0;
	nke__net_str_id_fini();
}

void
nke__mbuf_stats(struct nks_stats *st)
{
	st->st_mbufs = nke_mb_live;
	st->st_clusters = nke_cl_live;
	st->st_tags = nke__mtag_live();
	st->st_mbufs_allocated = nke_mb_allocated;
}

void
nke__m_fill_stat(struct mbuf_stat *st)
{
	unsigned i;

	memset(st, 0, sizeof(*st));
	st->mbufs = nke_mbuf_pool.p_total;
	st->clusters = nke_cl_pool[NKE_CL_2K].p_total;
	st->clfree = nke_cl_pool[NKE_CL_2K].p_nfree;
	st->drops = nke_mb_drops;
	for (i = 0; i < 256; i++)
		st->mtypes[i] = (u_short)nke_mtypes[i];
	st->mtypes[MT_FREE] = (u_short)(nke_mbuf_pool.p_nfree + nke_mq_count);
	st->mcfail = nke__mbstat_mcfail;
	st->mpfail = nke__mbstat_mpfail;
	st->msize = NKE_MSIZE;
	st->mclbytes = NKE_MCLBYTES;
	st->minclsize = NKE_MINCLSIZE;
	st->mlen = NKE_MLEN;
	st->mhlen = NKE_MHLEN;
	st->bigclusters = nke_cl_pool[NKE_CL_4K].p_total;
	st->bigclfree = nke_cl_pool[NKE_CL_4K].p_nfree;
	st->bigmclbytes = NKE_MBIGCLBYTES;
}

/* ===================================================================== */
/* mbufs                                                                 */
/* ===================================================================== */

static inline void
nke_mtype_inc(u_int type)
{
	if (type < 256)
		nke_mtypes[type]++;
}

static inline void
nke_mtype_dec(u_int type)
{
	if (type < 256)
		nke_mtypes[type]--;
}

/*
 * The packet header zeroed with nine wide stores (a memset of its 136
 * bytes compiles to rep stos).  may_alias: the stores alias the fields.
 */
typedef long long nke_v2di __attribute__((vector_size(16), may_alias));
typedef u_int64_t nke_u64a __attribute__((may_alias));
_Static_assert(sizeof(struct nke_pkthdr) == 8 * 16 + 8, "pkthdr zeroing covers 136 bytes");
_Static_assert(__builtin_offsetof(struct __mbuf, m_pkthdr) % 16 == 0, "pkthdr 16-byte aligned");

static inline void
nke_pkthdr_zero(struct __mbuf *m)
{
	nke_v2di *v = (nke_v2di *)(void *)&m->m_pkthdr, z = {0, 0};

	v[0] = z;
	v[1] = z;
	v[2] = z;
	v[3] = z;
	v[4] = z;
	v[5] = z;
	v[6] = z;
	v[7] = z;
	*(nke_u64a *)(void *)(v + 8) = 0;
}

void
nke__m_pkthdr_init(struct __mbuf *m)
{
	/* Also resets the service class: MBUF_SC_BE is 0. */
	nke_pkthdr_zero(m);
}

/* NKH_fail() with no call when the host injects no failures (the usual case, every allocation). */
static inline int
nke_mb_fail(nks_u32 cls)
{
	return nke__hostops->ho_fail != NULL && NKH_fail(cls);
}

/* Inline in every allocation path of this file (hdr and type are mostly constants). */
static inline __attribute__((always_inline)) struct __mbuf *
nke_m_get_common(int how, int type, int hdr)
{
	struct __mbuf *m;

	(void)how;
	if (NKE_UNLIKELY(nke_mb_fail(NKS_ALLOC_MBUF))) {
		nke_mb_drops++;
		return NULL;
	}
	m = mbuf_pool_get();
	if (NKE_UNLIKELY(m == NULL)) {
		nke_mb_drops++;
		return NULL;
	}
	m->m_next = NULL;
	m->m_nextpkt = NULL;
	m->m_data = hdr ? m->m_pktdat : m->m_dat;
	m->m_len = 0;
	m->m_type = (u_int16_t)type;
	m->m_flags = hdr ? M_PKTHDR : 0;
	m->m_nkeflags = NKE_MF_LIVE;
	m->m_gen++;
	m->m_owner = NKE_OWN_STACK;
	m->m_asite = 0;
	m->m_osite = 0;
	m->m_aidx = (u_int32_t)nke__cur_index;
	m->m_fidx = 0;
	if (NKE_UNLIKELY(nke__kpi.k_ra != NULL) && NKE_CHK_OWN()) {
		/* A kext's KPI call: the kext owns what it gets. */
		u_int32_t k = nke__kext_current_id();

		if (k != 0)
			m->m_owner = NKE_OWN_KEXT | k;
		m->m_asite = nke__site_new(NKE_SITE_ALLOC, NULL, NULL, 0);
	}
	if (hdr)
		nke_pkthdr_zero(m);
	nke_mtype_inc((u_int16_t)type);
	nke_mb_live++;
	nke_mb_allocated++;
	return m;
}

struct __mbuf *
nke__m_get(int how, int type)
{
	return nke_m_get_common(how, type, 0);
}

struct __mbuf *
nke__m_gethdr(int how, int type)
{
	return nke_m_get_common(how, type, 1);
}

struct __mbuf *
nke__m_getclr(int how, int type)
{
	struct __mbuf *m = nke_m_get_common(how, type, 0);

	if (m != NULL)
		memset(m->m_data, 0, NKE_MLEN);
	return m;
}

void
nke__m_mchtype(struct __mbuf *m, int type)
{
	nke_mtype_dec(m->m_type);
	m->m_type = (u_int16_t)type;
	nke_mtype_inc(m->m_type);
}

/* ===================================================================== */
/* Clusters and external storage                                         */
/* ===================================================================== */

static inline int
nke_cl_class(size_t size)
{
	if (NKE_LIKELY(size == NKE_MCLBYTES))
		return NKE_CL_2K;
	switch (size) {
	case NKE_MCLBYTES:
		return NKE_CL_2K;
	case NKE_MBIGCLBYTES:
		return NKE_CL_4K;
	case NKE_M16KCLBYTES:
		return NKE_CL_16K;
	default:
		return -1;
	}
}

/*
 * A pooled cluster, or NULL (failure injection or no host memory), with
 * refcnt references in state `state`.  er_free and er_arg of a pooled
 * cluster are NULL from its slab on (only attach references, another pool,
 * ever set them).
 */
static inline __attribute__((always_inline)) struct nke_extref *
nke_cl_get(int cls, u_int8_t state, u_int16_t refcnt)
{
	struct nke_extref *er;

	if (NKE_UNLIKELY(nke_mb_fail(NKS_ALLOC_CLUSTER))) {
		nke_mb_drops++;
		return NULL;
	}
	er = cl_pool_get(&nke_cl_pool[cls]);
	if (NKE_UNLIKELY(er == NULL)) {
		nke_mb_drops++;
		return NULL;
	}
	er->er_magic = NKE_EXTREF_MAGIC;
	er->er_refcnt = refcnt;
	er->er_flags = 0;
	er->er_state = state;
	er->er_class = (u_int8_t)cls;
	er->er_sumlen = 0;
	nke_cl_live++;
	return er;
}

static inline void
nke_cl_put(struct nke_extref *er)
{
	er->er_state = NKE_CLS_FREE;
	er->er_refcnt = 0;
	er->er_flags = 0;
	nke_cl_live--;
	cl_pool_put(&nke_cl_pool[er->er_class], er);
}

static inline void
nke_m_incref(struct __mbuf *m)
{
	struct nke_extref *er = m->m_ext.ext_ref;

	if (er->er_refcnt == 0xffff)
		nke__panic("m_incref: too many references to the storage of mbuf %p", m);
	/* Once shared, storage stays read-only for the KPI (XNU's sticky flag). */
	if (++er->er_refcnt > 1)
		er->er_flags |= NKE_EXTF_READONLY;
}

/* Drop m's reference to its storage; the last one frees it. */
static void
nke_m_ext_release_slow(struct __mbuf *m)
{
	struct nke_extref *er = m->m_ext.ext_ref;

	if (er == NULL || er->er_magic != NKE_EXTREF_MAGIC || er->er_refcnt == 0)
		nke__panic("m_free: mbuf %p has corrupt external storage state", m);
	if (NKE_UNLIKELY(er->er_sumlen != 0)) {
		/* Last look at the shared bytes before this reference goes. */
		nke__m_shared_check(m, "when one of the chains was freed");
		if (er->er_refcnt <= 2) {
			er->er_sumlen = 0;
			nke__m_watched--;
		}
	}
	if (--er->er_refcnt > 0)
		return;
	if (er->er_class == NKE_CL_EXT) {
		nke_ext_free_t fn = er->er_free;
		caddr_t arg = er->er_arg;

		er->er_state = NKE_CLS_FREE;
		nke__pool_put(&nke_extref_pool, er);
		/* The owner's routine may call back into the KPI. */
		fn(m->m_ext.ext_buf, m->m_ext.ext_size, arg);
	} else {
		nke_cl_put(er);
	}
}

/* The same, inline for the common case: the only reference to a pooled cluster, unwatched. */
static inline void
nke_m_ext_release(struct __mbuf *m)
{
	struct nke_extref *er = m->m_ext.ext_ref;

	if (NKE_LIKELY(er != NULL && er->er_magic == NKE_EXTREF_MAGIC && er->er_refcnt == 1 &&
	               er->er_sumlen == 0 && er->er_class != NKE_CL_EXT)) {
		nke_cl_put(er); /* (refcnt 0 there) */
		return;
	}
	nke_m_ext_release_slow(m);
}

static inline void nke_m_ext_fill(struct __mbuf *m, struct nke_extref *er, u_int size);

/* Point m at a fresh cluster reference. */
static void
nke_m_set_cluster(struct __mbuf *m, struct nke_extref *er)
{
	if (m->m_flags & M_EXT) {
		/*
		 * XNU's m_mclget overwrites the old descriptor: the old
		 * storage leaks.  Keep that behaviour (the leak check will
		 * show it) but say what happened.
		 */
		nke__warn("mbuf-cluster-replaced",
		          "a cluster was attached to mbuf %p, which already had external storage; "
		          "the old storage is leaked (as in XNU)",
		          (void *)m);
	}
	er->er_state = NKE_CLS_MBUF;
	er->er_refcnt = 1;
	nke_m_ext_fill(m, er, nke__cl_size(er->er_class));
	m->m_len = 0;
}

/* The descriptor of a fresh cluster of size bytes (referenced once by m), data at its start. */
static inline void
nke_m_ext_fill(struct __mbuf *m, struct nke_extref *er, u_int size)
{
	m->m_ext.ext_buf = nke__cl_data(er);
	m->m_ext.ext_ref = er;
	m->m_ext.ext_size = size;
	m->m_ext.ext_pad = 0;
	m->m_data = m->m_ext.ext_buf;
	m->m_flags |= M_EXT;
}

int
nke__m_clget(struct __mbuf *m, int how, u_int size)
{
	int cls = nke_cl_class(size);
	struct nke_extref *er;

	(void)how;
	NKE_ASSERT(cls >= 0, "bad cluster size");
	er = nke_cl_get(cls, NKE_CLS_MBUF, 0);
	if (er == NULL)
		return ENOMEM;
	nke_m_set_cluster(m, er);
	return 0;
}

/* nke_m_get_common then nke__m_clget, in one (the fresh mbuf has no storage yet). */
static inline __attribute__((always_inline)) struct __mbuf *
nke_m_getcl(int how, int type, int hdr, u_int size)
{
	struct __mbuf *m = nke_m_get_common(how, type, hdr);
	struct nke_extref *er;
	int cls;

	if (m == NULL)
		return NULL;
	cls = nke_cl_class(size);
	NKE_ASSERT(cls >= 0, "bad cluster size");
	er = nke_cl_get(cls, NKE_CLS_MBUF, 1);
	if (er == NULL) {
		nke__m_free(m);
		return NULL;
	}
	nke_m_ext_fill(m, er, size); /* (the size of class cls) */
	return m;
}

struct __mbuf *
nke__m_getcl(int how, int type, int hdr, u_int size)
{
	return nke_m_getcl(how, type, hdr, size);
}

struct __mbuf *
nke__m_getpacket_how(int how)
{
	return nke_m_getcl(how, MT_DATA, 1, NKE_MCLBYTES);
}

caddr_t
nke__cl_alloc(int how, u_int size)
{
	int cls = nke_cl_class(size);
	struct nke_extref *er;

	(void)how;
	NKE_ASSERT(cls >= 0, "bad cluster size");
	er = nke_cl_get(cls, NKE_CLS_RAW, 0);
	return er != NULL ? nke__cl_data(er) : NULL;
}

void
nke__cl_free(caddr_t buf, size_t size, const char *who)
{
	int cls = nke_cl_class(size);
	struct nke_extref *er;

	/*
	 * XNU panics on a size that is no cluster size.  NKE-DIVERGENCE: the
	 * other checks (not a cluster, freed twice, wrong size class, still
	 * attached to an mbuf) are nkesim's; XNU corrupts its pools instead.
	 */
	if (cls < 0)
		nke__panic("%s: invalid size (%zu) for cluster %p", who, size, (void *)buf);
	if (buf == NULL)
		nke__panic("%s: NULL cluster", who);
	er = (struct nke_extref *)(void *)(buf - NKE_CLHDR_SIZE);
	if (er->er_magic != NKE_EXTREF_MAGIC || er->er_class >= NKE_CL_NPOOLS)
		nke__panic("%s: %p is not a cluster", who, (void *)buf);
	if (er->er_state == NKE_CLS_FREE)
		nke__panic("%s: cluster %p is already free (double free)", who, (void *)buf);
	if (er->er_state != NKE_CLS_RAW)
		nke__panic("%s: cluster %p is attached to an mbuf", who, (void *)buf);
	if (er->er_class != cls)
		nke__panic("%s: cluster %p is %u bytes, freed with size %zu", who, (void *)buf,
		           nke__cl_size(er->er_class), size);
	nke_cl_put(er);
}

struct __mbuf *
nke__m_clattach(struct __mbuf *m, int type, caddr_t buf, nke_ext_free_t extfree, size_t size,
                caddr_t arg, int how)
{
	struct nke_extref *er;

	if (m == NULL) {
		/* XNU hands out a packet-header mbuf here. */
		m = nke__m_gethdr(how, type);
		if (m == NULL)
			return NULL;
	} else if (m->m_flags & M_EXT) {
		nke_m_ext_release(m);
		m->m_flags &= ~M_EXT;
	}
	er = nke__pool_get(&nke_extref_pool);
	if (er == NULL) {
		nke__m_free(m);
		return NULL;
	}
	er->er_magic = NKE_EXTREF_MAGIC;
	er->er_refcnt = 1;
	er->er_flags = 0;
	er->er_state = NKE_CLS_EXT;
	er->er_class = NKE_CL_EXT;
	er->er_sumlen = 0;
	er->er_free = extfree;
	er->er_arg = arg;
	m->m_ext.ext_buf = buf;
	m->m_ext.ext_ref = er;
	m->m_ext.ext_size = (u_int)size;
	m->m_ext.ext_pad = 0;
	m->m_data = buf;
	m->m_len = 0;
	m->m_flags |= M_EXT;
	return m;
}

/* ===================================================================== */
/* Freeing                                                               */
/* ===================================================================== */

static inline void
nke_m_quarantine(struct __mbuf *m)
{
	struct __mbuf *old;

	__builtin_memset(&m->M_dat, NKE_POISON_BYTE, sizeof(m->M_dat));
	nke__asan_poison(&m->M_dat, sizeof(m->M_dat));
	m->m_nkeflags = NKE_MF_QUARANTINE;
	old = nke_mq[nke_mq_head];
	nke_mq[nke_mq_head] = m;
	nke_mq_head = (nke_mq_head + 1) & (NKE_MBUF_QUARANTINE - 1);
	if (NKE_UNLIKELY(old == NULL)) {
		nke_mq_count++; /* not full yet */
		return;
	}
	old->m_nkeflags = 0;
	mbuf_pool_put(old);
}

/*
 * A second free.  NKE-DIVERGENCE: XNU's mbuf allocator panics (or, without
 * its audit option, corrupts its free lists); nkesim reports where the
 * mbuf was allocated and freed, ignores the second free and goes on.
 */
static void
nke_m_double_free(struct __mbuf *m)
{
	char d[768], sym[128], who[192];

	if (nke__kpi.k_ra != NULL)
		nke__snprintf(who, sizeof(who), "%s at %s",
		              nke__kpi.k_fn != NULL ? nke__kpi.k_fn : "?",
		              nke__sym(nke__kpi.k_ra, sym, sizeof(sym)));
	else
		nke__snprintf(who, sizeof(who), "the stack");
	nke__report("mbuf-double-free", "mbuf %p freed again, by %s: it was %s", (void *)m, who,
	            nke__m_describe(m, d, sizeof(d)));
}

struct __mbuf *
nke__m_free(struct __mbuf *m)
{
	struct __mbuf *n;

	if (NKE_UNLIKELY(!nke__m_live(m))) {
		nke_m_double_free(m);
		return NULL;
	}
	nke__m_unguard(m);
	n = m->m_next;
	if (m->m_flags & M_PKTHDR) {
		if (m->m_pkthdr.tags != NULL)
			nke__m_tag_delete_chain(m);
		if (m->m_pkthdr.pkt_flags & PKTF_TX_COMPL_TS_REQ)
			nke__m_do_tx_compl_callback(m, NULL);
	}
	if (m->m_flags & M_EXT)
		nke_m_ext_release(m);
	nke_mtype_dec(m->m_type);
	nke_mb_live--;
	m->m_type = MT_FREE;
	m->m_flags = 0;
	m->m_len = 0;
	m->m_next = NULL;
	m->m_nextpkt = NULL;
	/* A stale mbuf_data() reads the poison, not NULL. */
	m->m_data = m->m_dat;
	m->m_owner = NKE_OWN_STACK;
	m->m_fidx = (u_int32_t)nke__cur_index;
	if (NKE_UNLIKELY(nke__kpi.k_ra != NULL) && NKE_CHK_OWN())
		m->m_osite = nke__site_new(NKE_SITE_FREE, NULL, NULL, 0);
	nke_m_quarantine(m);
	return n;
}

void
nke__m_freem(struct __mbuf *m)
{
	while (m != NULL)
		m = nke__m_free(m);
}

int
nke__m_freem_list(struct __mbuf *m)
{
	struct __mbuf *nextpkt;
	int count = 0;

	while (m != NULL) {
		count++;
		nextpkt = m->m_nextpkt;
		m->m_nextpkt = NULL;
		nke__m_freem(m);
		m = nextpkt;
	}
	return count;
}

/* ===================================================================== */
/* Packet headers                                                        */
/* ===================================================================== */

/* What XNU's m_classifier_init, m_tag_init(all) and m_scratch_init reset. */
static void
nke_m_pkthdr_purge(struct __mbuf *m)
{
	struct nke_pkthdr *ph = &m->m_pkthdr;

	ph->pkt_flags = 0;
	ph->pkt_svc = MBUF_SC_BE;
	ph->bufstatus_if = 0;
	ph->bufstatus_sndbuf = 0;
	ph->pkt_timestamp = 0;
	ph->tags = NULL;
	ph->tx_seg_size = 0;
	ph->tx_hdr_len = 0;
	ph->rx_seg_cnt = 0;
	ph->drv_tx_compl_arg = 0;
	ph->drv_tx_compl_data = 0;
	ph->drv_tx_status = 0;
	ph->drv_flowid = 0;
	memset(ph->pkt_mpriv, 0, sizeof(ph->pkt_mpriv));
}

/*
 * Move from's packet header (tags included) to `to`: `to` loses its own
 * tags, `from` keeps M_PKTHDR, length, rcvif and checksum state but loses
 * its tags, classification, timestamp and scratch area.
 */
void
nke__m_copy_pkthdr(struct __mbuf *to, struct __mbuf *from)
{
	NKE_ASSERT(from->m_flags & M_PKTHDR, "source has no packet header");
	if (to == from)
		return;
	if (to->m_flags & M_PKTHDR)
		nke__m_tag_delete_chain(to);
	to->m_pkthdr = from->m_pkthdr;
	nke_m_pkthdr_purge(from);
	to->m_flags = (u_int16_t)((from->m_flags & M_COPYFLAGS) | (to->m_flags & M_EXT));
	if ((to->m_flags & M_EXT) == 0)
		to->m_data = to->m_pktdat;
}

/* Copy from's packet header to `to`, deep-copying the tags; 1 ok, 0 if a
 * tag could not be copied (then `to` has no tags). */
int
nke__m_dup_pkthdr(struct __mbuf *to, struct __mbuf *from, int how)
{
	NKE_ASSERT(from->m_flags & M_PKTHDR, "source has no packet header");
	if (to->m_flags & M_PKTHDR)
		nke__m_tag_delete_chain(to);
	to->m_flags = (u_int16_t)((from->m_flags & M_COPYFLAGS) | (to->m_flags & M_EXT));
	if ((to->m_flags & M_EXT) == 0)
		to->m_data = to->m_pktdat;
	to->m_pkthdr = from->m_pkthdr;
	/* The completion callback belongs to the original only. */
	to->m_pkthdr.pkt_flags &= ~PKTF_TX_COMPL_TS_REQ;
	to->m_pkthdr.tags = NULL;
	return nke__m_tag_copy_chain(to, from, how);
}

/* Turn M_PKTHDR on (hdr) or off; EBUSY if the internal buffer is in use. */
int
nke__m_reinit(struct __mbuf *m, int hdr)
{
	if (hdr) {
		NKE_ASSERT(!(m->m_flags & M_PKTHDR), "already a header mbuf");
		if (!(m->m_flags & M_EXT) && (m->m_data != m->m_dat || m->m_len > 0))
			return EBUSY;
		m->m_flags |= M_PKTHDR;
		nke__m_pkthdr_init(m);
		/*
		 * NKE-DIVERGENCE: XNU leaves m_data at the start of the body,
		 * i.e. on top of the packet header it just initialised; data
		 * written there would corrupt the header.  Move it to the
		 * header mbuf's data area instead.
		 */
		if (!(m->m_flags & M_EXT))
			m->m_data = m->m_pktdat;
	} else {
		nke__m_tag_delete_chain(m);
		if (m->m_pkthdr.pkt_flags & PKTF_TX_COMPL_TS_REQ)
			nke__m_do_tx_compl_callback(m, NULL);
		m->m_flags &= ~M_PKTHDR;
	}
	return 0;
}

/* ===================================================================== */
/* Chain operations                                                      */
/* ===================================================================== */

/* Put len bytes at the end of a fresh mbuf's storage, long-aligned (m_align). */
static void
nke_m_align(struct __mbuf *m, int len)
{
	long adjust = nke__m_size(m) - len;

	m->m_data = nke__m_start(m) + (adjust & ~(long)(sizeof(long) - 1));
}

/* The slow path of m_prepend_2: a new mbuf in front, header moved to it. */
static struct __mbuf *
nke_m_prepend(struct __mbuf *m, int len, int how)
{
	struct __mbuf *mn;
	int limit = (m->m_flags & M_PKTHDR) ? NKE_MHLEN : NKE_MLEN;

	mn = nke__m_get(how, m->m_type);
	if (mn == NULL) {
		nke__m_freem(m);
		return NULL;
	}
	if (len < 0 || len > limit) {
		/* XNU: VERIFY(len <= MHLEN) (or MLEN) fails. */
		nke__m_free(mn);
		nke__panic("mbuf_prepend: %d bytes do not fit in a new mbuf (at most %d) and "
		           "the first mbuf has no room in front of its data",
		           len, limit);
	}
	if (m->m_flags & M_PKTHDR) {
		nke__m_copy_pkthdr(mn, m);
		m->m_flags &= ~M_PKTHDR;
	}
	mn->m_next = m;
	nke_m_align(mn, len);
	mn->m_len = len;
	return mn;
}

struct __mbuf *
nke__m_prepend_2(struct __mbuf *m, int len, int how)
{
	if (nke__m_leadingspace(m) >= len) {
		m->m_data -= len;
		m->m_len += len;
	} else {
		m = nke_m_prepend(m, len, how);
	}
	if (m != NULL && (m->m_flags & M_PKTHDR))
		m->m_pkthdr.len += len;
	return m;
}

struct __mbuf *
nke__m_copym(struct __mbuf *m, int off0, int len0, int how)
{
	struct __mbuf *n, *mhdr = NULL, *top = NULL, **np = &top;
	int off = off0, len = len0, copyhdr = 0;

	if (off < 0 || len < 0)
		nke__panic("mbuf_copym: invalid offset %d or length %d", off, len);
	if (off == 0 && (m->m_flags & M_PKTHDR)) {
		mhdr = m;
		copyhdr = 1;
	}
	while (off >= m->m_len) {
		off -= m->m_len;
		m = m->m_next;
		if (m == NULL)
			nke__panic("mbuf_copym: offset %d is beyond the end of the chain", off0);
	}
	if (len != M_COPYALL) {
		/*
		 * NKE-DIVERGENCE: XNU panics once the copy runs off the chain,
		 * with part of the copy built (and the header moved); nkesim
		 * checks first, so the panic leaves the source as it was.
		 */
		struct __mbuf *x;
		long avail = m->m_len - off;

		for (x = m->m_next; x != NULL && avail < len; x = x->m_next)
			avail += x->m_len;
		if (avail < len)
			nke__panic("mbuf_copym: offset %d + length %d is beyond the end of the "
			           "chain",
			           off0, len0);
	}
	while (len > 0) {
		if (m == NULL) {
			if (len != M_COPYALL)
				nke__panic("mbuf_copym: offset %d + length %d is beyond the end of "
				           "the chain",
				           off0, len0);
			break;
		}
		n = copyhdr ? nke__m_gethdr(how, m->m_type) : nke__m_get(how, m->m_type);
		*np = n;
		if (n == NULL)
			goto nospace;
		if (copyhdr) {
			/* The header (and its tags) moves to the copy. */
			nke__m_copy_pkthdr(n, mhdr);
			if (len == M_COPYALL)
				n->m_pkthdr.len -= off0;
			else
				n->m_pkthdr.len = len;
			copyhdr = 0;
			if (mhdr != m) {
				/* The header mbuf was empty: data goes in the next one. */
				np = &n->m_next;
				continue;
			}
		}
		n->m_len = len < m->m_len - off ? len : m->m_len - off;
		if (m->m_flags & M_EXT) {
			n->m_ext = m->m_ext;
			nke_m_incref(m);
			n->m_data = m->m_data + off;
			n->m_flags |= M_EXT;
		} else {
			if (n->m_len > nke__m_size(n))
				n->m_len = (int32_t)nke__m_size(n);
			memcpy(n->m_data, m->m_data + off, (size_t)n->m_len);
		}
		if (len != M_COPYALL)
			len -= n->m_len;
		off = 0;
		m = m->m_next;
		np = &n->m_next;
	}
	return top;
nospace:
	nke__m_freem(top);
	nke__mbstat_mcfail++;
	return NULL;
}

struct __mbuf *
nke__m_dup(struct __mbuf *m, int how)
{
	struct __mbuf *n, *top = NULL, **np = &top;
	int copyhdr = (m->m_flags & M_PKTHDR) != 0;

	/* One small mbuf: copy into a single fresh one. */
	if (m->m_next == NULL) {
		if (copyhdr) {
			if (m->m_pkthdr.len <= NKE_MHLEN && m->m_len <= NKE_MHLEN) {
				n = nke__m_gethdr(how, m->m_type);
				if (n == NULL)
					return NULL;
				n->m_len = m->m_len;
				/* As XNU, a tag that cannot be copied is left out. */
				(void)nke__m_dup_pkthdr(n, m, how);
				memcpy(n->m_data, m->m_data, (size_t)m->m_len);
				return n;
			}
		} else if (m->m_len <= NKE_MLEN) {
			n = nke__m_get(how, m->m_type);
			if (n == NULL)
				return NULL;
			memcpy(n->m_data, m->m_data, (size_t)m->m_len);
			n->m_len = m->m_len;
			return n;
		}
	}
	for (; m != NULL; m = m->m_next) {
		n = copyhdr ? nke__m_gethdr(how, m->m_type) : nke__m_get(how, m->m_type);
		if (n == NULL)
			goto nospace;
		if (m->m_flags & M_EXT) {
			u_int size = m->m_len <= NKE_MCLBYTES      ? NKE_MCLBYTES
			             : m->m_len <= NKE_MBIGCLBYTES ? NKE_MBIGCLBYTES
			             : m->m_len <= NKE_M16KCLBYTES ? NKE_M16KCLBYTES
			                                           : 0;

			if (size == 0 || nke__m_clget(n, how, size) != 0) {
				nke__m_free(n);
				goto nospace;
			}
		} else if (m->m_len > (copyhdr ? NKE_MHLEN : NKE_MLEN)) {
			nke__m_free(n);
			nke__m_freem(top);
			nke__panic("mbuf_dup: mbuf %p holds %d bytes, more than its storage",
			           (void *)m, m->m_len);
		}
		*np = n;
		if (copyhdr) {
			(void)nke__m_dup_pkthdr(n, m, how);
			copyhdr = 0;
			if (!(n->m_flags & M_EXT))
				n->m_data = n->m_pktdat;
		}
		n->m_len = m->m_len;
		memcpy(n->m_data, m->m_data, (size_t)n->m_len);
		np = &n->m_next;
	}
	return top;
nospace:
	nke__m_freem(top);
	return NULL;
}

static struct __mbuf *
nke_m_split0(struct __mbuf *m0, int len0, int how, int copyhdr)
{
	struct __mbuf *m, *n;
	unsigned len = (unsigned)len0, remain;
	int32_t saved_pktlen;

	for (m = m0; m != NULL && len > (unsigned)m->m_len; m = m->m_next)
		len -= (unsigned)m->m_len;
	if (m == NULL)
		return NULL;
	remain = (unsigned)m->m_len - len;
	if (copyhdr && (m0->m_flags & M_PKTHDR) && remain == 0) {
		/* Cut on an mbuf boundary: the tail gets a fresh, empty header mbuf. */
		n = nke__m_gethdr(how, m0->m_type);
		if (n == NULL)
			return NULL;
		n->m_next = m->m_next;
		m->m_next = NULL;
		n->m_pkthdr.rcvif = m0->m_pkthdr.rcvif;
		n->m_pkthdr.len = m0->m_pkthdr.len - len0;
		m0->m_pkthdr.len = len0;
		return n;
	}
	if (copyhdr && (m0->m_flags & M_PKTHDR)) {
		n = nke__m_gethdr(how, m0->m_type);
		if (n == NULL)
			return NULL;
		n->m_pkthdr.rcvif = m0->m_pkthdr.rcvif;
		n->m_pkthdr.len = m0->m_pkthdr.len - len0;
		saved_pktlen = m0->m_pkthdr.len;
		m0->m_pkthdr.len = len0;
		if (m->m_flags & M_EXT)
			goto extpacket;
		if (remain > NKE_MHLEN) {
			/* The rest does not fit in a header mbuf: a plain one follows. */
			nke_m_align(n, 0);
			n->m_next = nke_m_split0(m, (int)len, how, 0);
			if (n->m_next == NULL) {
				nke__m_free(n);
				/*
				 * NKE-DIVERGENCE: XNU leaves the head's pkthdr.len
				 * cut to len0 on this failure path; restore it so
				 * a failed split really leaves the chain unchanged.
				 */
				m0->m_pkthdr.len = saved_pktlen;
				return NULL;
			}
			return n;
		}
		nke_m_align(n, (int)remain);
	} else if (remain == 0) {
		n = m->m_next;
		m->m_next = NULL;
		return n;
	} else {
		n = nke__m_get(how, m->m_type);
		if (n == NULL)
			return NULL;
		if (!(m->m_flags & M_EXT))
			nke_m_align(n, (int)remain);
	}
extpacket:
	if (m->m_flags & M_EXT) {
		n->m_flags |= M_EXT;
		n->m_ext = m->m_ext;
		nke_m_incref(m);
		n->m_data = m->m_data + len;
	} else {
		memcpy(n->m_data, m->m_data + len, remain);
	}
	n->m_len = (int32_t)remain;
	m->m_len = (int32_t)len;
	n->m_next = m->m_next;
	m->m_next = NULL;
	return n;
}

struct __mbuf *
nke__m_split(struct __mbuf *m, int len, int how)
{
	return nke_m_split0(m, len, how, 1);
}

struct __mbuf *
nke__m_pullup(struct __mbuf *n, int len)
{
	struct __mbuf *m;
	long space;
	int count, guarded = 0;

	if (len < 0 || len > NKE_MLEN)
		goto bad;
	/* Bytes are copied into the head's free space: guard lifted, then put back. */
	guarded = (n->m_nkeflags & NKE_MF_GUARD) != 0;
	nke__m_unguard(n);
	if (!(n->m_flags & M_EXT) && n->m_data >= n->m_dat + NKE_MLEN)
		goto bad;
	if (!(n->m_flags & M_EXT) && len < (n->m_dat + NKE_MLEN) - n->m_data && n->m_next != NULL) {
		/* Room in the first mbuf: pull the bytes in, head unchanged. */
		if (n->m_len >= len)
			return n;
		m = n;
		n = n->m_next;
		len -= m->m_len;
	} else {
		/* A new head mbuf; the packet header moves to it. */
		if (len > NKE_MHLEN)
			goto bad;
		m = nke__m_get(M_DONTWAIT, n->m_type);
		if (m == NULL)
			goto bad;
		m->m_len = 0;
		if (n->m_flags & M_PKTHDR) {
			nke__m_copy_pkthdr(m, n);
			n->m_flags &= ~M_PKTHDR;
		}
	}
	space = (m->m_dat + NKE_MLEN) - (m->m_data + m->m_len);
	do {
		long want = len > NKE_MAX_PROTOHDR ? len : NKE_MAX_PROTOHDR;

		if (want > space)
			want = space;
		if (want > n->m_len)
			want = n->m_len;
		count = want > 0 ? (int)want : 0;
		if (count == 0 && n->m_len > 0)
			break; /* no room left (only after a kext broke m_len) */
		memcpy(m->m_data + m->m_len, n->m_data, (size_t)count);
		len -= count;
		m->m_len += count;
		n->m_len -= count;
		space -= count;
		if (n->m_len != 0)
			n->m_data += count;
		else
			n = nke__m_free(n);
	} while (len > 0 && n != NULL);
	if (len > 0) {
		(void)nke__m_free(m);
		goto bad;
	}
	m->m_next = n;
	if (guarded)
		nke__m_guard(m);
	return m;
bad:
	nke__m_freem(n);
	nke__mbstat_mpfail++;
	return NULL;
}

void
nke__m_adj(struct __mbuf *mp, int req_len)
{
	struct __mbuf *m;
	long len = req_len, count;

	if ((m = mp) == NULL)
		return;
	if (len >= 0) {
		/* Trim from the head; emptied mbufs stay in the chain. */
		while (m != NULL && len > 0) {
			if (m->m_len <= len) {
				len -= m->m_len;
				m->m_len = 0;
				m = m->m_next;
			} else {
				m->m_len -= (int32_t)len;
				m->m_data += len;
				len = 0;
			}
		}
		if (mp->m_flags & M_PKTHDR)
			mp->m_pkthdr.len -= (int32_t)(req_len - len);
		return;
	}
	/* Trim from the tail. */
	len = -len;
	count = 0;
	for (;;) {
		count += m->m_len;
		if (m->m_next == NULL)
			break;
		m = m->m_next;
	}
	if (m->m_len >= len) {
		m->m_len -= (int32_t)len;
		if (mp->m_flags & M_PKTHDR)
			mp->m_pkthdr.len -= (int32_t)len;
		return;
	}
	count -= len;
	if (count < 0)
		count = 0;
	m = mp;
	if (m->m_flags & M_PKTHDR)
		m->m_pkthdr.len = (int32_t)count;
	for (; m != NULL; m = m->m_next) {
		if (m->m_len >= count) {
			m->m_len = (int32_t)count;
			break;
		}
		count -= m->m_len;
	}
	if (m == NULL)
		return;
	while ((m = m->m_next) != NULL)
		m->m_len = 0;
}

void
nke__m_cat(struct __mbuf *m, struct __mbuf *n)
{
	int guarded;

	while (m->m_next != NULL)
		m = m->m_next;
	guarded = (m->m_nkeflags & NKE_MF_GUARD) != 0;
	nke__m_unguard(m);
	while (n != NULL) {
		if ((m->m_flags & M_EXT) ||
		    m->m_data + m->m_len + n->m_len >= m->m_dat + NKE_MLEN) {
			m->m_next = n;
			break;
		}
		/* Small enough: copy into the last mbuf and drop n. */
		memcpy(m->m_data + m->m_len, n->m_data, (size_t)n->m_len);
		m->m_len += n->m_len;
		n = nke__m_free(n);
	}
	if (guarded)
		nke__m_guard(m);
}

void
nke__m_copydata(struct __mbuf *m, int off, int len, void *vp)
{
	struct __mbuf *m0 = m;
	int off0 = off, len0 = len;
	char *cp = vp;
	int count;

	if (off < 0 || len < 0)
		nke__panic("m_copydata: invalid offset %d or length %d", off, len);
	while (off > 0) {
		if (m == NULL)
			goto short_chain;
		if (off < m->m_len)
			break;
		off -= m->m_len;
		m = m->m_next;
	}
	while (len > 0) {
		if (m == NULL)
			goto short_chain;
		count = m->m_len - off < len ? m->m_len - off : len;
		memcpy(cp, m->m_data + off, (size_t)count);
		len -= count;
		cp += count;
		off = 0;
		m = m->m_next;
	}
	return;
short_chain:
	nke__panic("m_copydata: chain %p too short [off %d, len %d]", (void *)m0, off0, len0);
}

void
nke__m_copyback_inplace(struct __mbuf *m, int off, int len, const void *vp)
{
	const char *cp = vp;
	int count;

	while (m != NULL && off >= m->m_len) {
		off -= m->m_len;
		m = m->m_next;
	}
	while (m != NULL && len > 0) {
		count = m->m_len - off < len ? m->m_len - off : len;
		memcpy(m->m_data + off, cp, (size_t)count);
		len -= count;
		cp += count;
		off = 0;
		m = m->m_next;
	}
}

/* ===================================================================== */
/* Ownership and lifetime checks                                         */
/* ===================================================================== */

void
nke__m_unguard_slow(struct __mbuf *m)
{
	m->m_nkeflags &= ~(u_int32_t)NKE_MF_GUARD;
	nke__asan_unpoison(nke__m_start(m), (size_t)nke__m_size(m));
}

void
nke__m_guard(struct __mbuf *m)
{
	caddr_t end = nke__m_start(m) + nke__m_size(m), d = m->m_data + m->m_len;

	if (!nke__m_live(m) || d >= end || d < nke__m_start(m))
		return;
	memset(d, NKE_GUARD_FILL, (size_t)(end - d));
	nke__asan_poison(d, (size_t)(end - d));
	m->m_nkeflags |= NKE_MF_GUARD;
}

void
nke__m_own_chain(struct __mbuf *m, u_int32_t owner, u_int32_t site)
{
	unsigned long guard = 0;

	for (; m != NULL && nke__m_live(m) && guard < 100000; m = m->m_next, guard++) {
		m->m_owner = owner;
		if (site != 0)
			m->m_osite = site;
	}
}

void
nke__m_own_list(struct __mbuf *m, u_int32_t owner, u_int32_t site)
{
	unsigned long guard = 0;

	for (; m != NULL && nke__m_live(m) && guard < 100000; m = m->m_nextpkt, guard++)
		nke__m_own_chain(m, owner, site);
}

static const char *
idx_str(u_int32_t idx, char *buf, size_t size)
{
	if (idx != 0)
		nke__snprintf(buf, size, "record #%u", idx);
	else
		nke__snprintf(buf, size, "outside any record");
	return buf;
}

const char *
nke__m_describe(struct __mbuf *m, char *buf, size_t size)
{
	char sb[384], ib[40];
	size_t n;

	if (m->m_asite != 0)
		n = (size_t)nke__snprintf(buf, size, "%s",
		                          nke__site_str(m->m_asite, sb, sizeof(sb)));
	else
		n = (size_t)nke__snprintf(buf, size, "allocated by the stack (%s)",
		                          idx_str(m->m_aidx, ib, sizeof(ib)));
	if (n < size && m->m_osite != 0)
		n += (size_t)nke__snprintf(buf + n, size - n, "; then %s",
		                           nke__site_str(m->m_osite, sb, sizeof(sb)));
	if (n < size && !nke__m_live(m) &&
	    (m->m_osite == 0 || nke__site_kind(m->m_osite) != NKE_SITE_FREE))
		(void)nke__snprintf(buf + n, size - n, "; freed by the stack (%s)",
		                    idx_str(m->m_fidx, ib, sizeof(ib)));
	return buf;
}

void
nke__m_uaf(struct __mbuf *m, const char *fn, const void *ra)
{
	char d[768], sym[128];

	/* Once per freed mbuf: a kext that uses it keeps using it. */
	if (m->m_nkeflags & NKE_MF_UAFSEEN)
		return;
	m->m_nkeflags |= NKE_MF_UAFSEEN;
	nke__report("mbuf-use-after-free", "%s(%p) at %s: the mbuf was %s", fn, (void *)m,
	            nke__sym(ra, sym, sizeof(sym)), nke__m_describe(m, d, sizeof(d)));
}

/* FNV-1a 32 of n bytes. */
static u_int32_t
nke_sum32(const u_int8_t *p, size_t n)
{
	u_int32_t h = 0x811c9dc5u;

	while (n-- > 0)
		h = (h ^ *p++) * 0x01000193u;
	return h;
}

u_int32_t nke__m_watched;

void
nke__m_shared_mark(struct __mbuf *m)
{
	for (; m != NULL && nke__m_live(m); m = m->m_next) {
		struct nke_extref *er;
		long off;

		if (!(m->m_flags & M_EXT) || m->m_len <= 0)
			continue;
		er = m->m_ext.ext_ref;
		off = m->m_data - m->m_ext.ext_buf;
		if (er->er_refcnt < 2 || off < 0 || off > 0xffff || m->m_len > 0xffff)
			continue;
		if (er->er_sumlen == 0)
			nke__m_watched++;
		er->er_sumoff = (u_int16_t)off;
		er->er_sumlen = (u_int16_t)m->m_len;
		er->er_sum = nke_sum32((const u_int8_t *)m->m_data, (size_t)m->m_len);
	}
}

void
nke__m_shared_rebase(struct __mbuf *m)
{
	for (; m != NULL && nke__m_live(m); m = m->m_next) {
		struct nke_extref *er;

		if (!(m->m_flags & M_EXT))
			continue;
		er = m->m_ext.ext_ref;
		if (er->er_sumlen != 0 && (u_int32_t)er->er_sumoff + er->er_sumlen <= m->m_ext.ext_size)
			er->er_sum = nke_sum32((const u_int8_t *)m->m_ext.ext_buf + er->er_sumoff,
			                       er->er_sumlen);
	}
}

void
nke__m_shared_check(struct __mbuf *m, const char *when)
{
	unsigned long guard = 0;

	for (; m != NULL && nke__m_live(m) && guard < 100000; m = m->m_next, guard++) {
		struct nke_extref *er;
		u_int32_t sum;

		if (!(m->m_flags & M_EXT))
			continue;
		er = m->m_ext.ext_ref;
		if (NKE_LIKELY(er->er_sumlen == 0) || er->er_refcnt < 2 ||
		    (u_int32_t)er->er_sumoff + er->er_sumlen > m->m_ext.ext_size)
			continue;
		sum = nke_sum32((const u_int8_t *)m->m_ext.ext_buf + er->er_sumoff, er->er_sumlen);
		if (sum == er->er_sum)
			continue;
		er->er_sum = sum; /* once per change */
		nke__report("shared-cluster-write",
		            "the %u bytes of cluster %p that mbuf_copym/mbuf_split shared between "
		            "two chains changed (seen %s): writing through one chain silently "
		            "changes the other; mbuf_dup gives a private copy",
		            er->er_sumlen, (void *)m->m_ext.ext_buf, when);
	}
}

void
nke__m_leak_check(u_int32_t kext)
{
	struct nke_slab *sl;
	u_int32_t owner = NKE_OWN_KEXT | kext;
	u_int64_t nmbufs = 0, npkts = 0;
	char ex[2][640];
	unsigned nex = 0, i;

	if (!NKE_CHK_ON(NKS_CHK_LEAKS))
		return;
	for (sl = nke_mbuf_pool.p_slabs; sl != NULL; sl = sl->s_next) {
		char *obj = (char *)sl + NKE_SLAB_HDR;

		for (i = 0; i < nke_mbuf_pool.p_perslab; i++, obj += nke_mbuf_pool.p_stride) {
			struct __mbuf *m = (struct __mbuf *)(void *)obj;

			if (!(m->m_nkeflags & NKE_MF_LIVE) || m->m_owner != owner)
				continue;
			nmbufs++;
			if (m->m_flags & M_PKTHDR)
				npkts++;
		}
	}
	if (nmbufs == 0)
		return;
	/* Describe the first packets (or mbufs). */
	for (sl = nke_mbuf_pool.p_slabs; sl != NULL && nex < 2; sl = sl->s_next) {
		char *obj = (char *)sl + NKE_SLAB_HDR;

		for (i = 0; i < nke_mbuf_pool.p_perslab && nex < 2;
		     i++, obj += nke_mbuf_pool.p_stride) {
			struct __mbuf *m = (struct __mbuf *)(void *)obj;
			char d[560];

			if (!(m->m_nkeflags & NKE_MF_LIVE) || m->m_owner != owner ||
			    (npkts > 0 && !(m->m_flags & M_PKTHDR)))
				continue;
			nke__snprintf(ex[nex++], sizeof(ex[0]), "%s %p (%d bytes) %s",
			              (m->m_flags & M_PKTHDR) ? "packet" : "mbuf", (void *)m,
			              (m->m_flags & M_PKTHDR) ? m->m_pkthdr.len : m->m_len,
			              nke__m_describe(m, d, sizeof(d)));
		}
	}
	nke__report("mbuf-leak",
	            "%s stopped still owning %llu mbufs (%llu packets); nothing will ever free "
	            "them: %s%s%s%s",
	            nke__kext_name_of(kext), (unsigned long long)nmbufs, (unsigned long long)npkts,
	            ex[0], nex > 1 ? "; " : "", nex > 1 ? ex[1] : "",
	            nmbufs > (u_int64_t)nex ? "; ..." : "");
}

/* ===================================================================== */
/* Packet allocation (m_allocpacket_internal with wantall, no wantsize)   */
/* ===================================================================== */

struct __mbuf *
nke__m_allocpacket(unsigned int *numlist, size_t packetlen, unsigned int *maxsegments, int how)
{
	struct __mbuf *top = NULL, **np = &top;
	size_t bufsize, r_bufsize, resid;
	unsigned int nsegs, pkt, seg;

	if (*numlist == 0)
		return NULL;
	if (packetlen <= NKE_MINCLSIZE)
		bufsize = packetlen;
	else if (packetlen > NKE_MCLBYTES)
		/* The 16 KB jumbo pool exists in nkesim. */
		bufsize = packetlen <= NKE_MBIGCLBYTES ? NKE_MBIGCLBYTES : NKE_M16KCLBYTES;
	else
		bufsize = NKE_MCLBYTES;

	if (bufsize <= NKE_MHLEN) {
		nsegs = 1;
	} else if (bufsize <= NKE_MINCLSIZE) {
		if (maxsegments != NULL && *maxsegments == 1) {
			bufsize = NKE_MCLBYTES;
			nsegs = 1;
		} else {
			nsegs = 2;
		}
	} else {
		nsegs = (unsigned int)((packetlen - 1) / bufsize + 1);
	}
	if (maxsegments != NULL) {
		if (*maxsegments != 0 && nsegs > *maxsegments) {
			*maxsegments = nsegs;
			*numlist = 0;
			return NULL;
		}
		*maxsegments = nsegs;
	}

	if (bufsize <= NKE_MINCLSIZE) {
		/* Small packets: one header mbuf, plus a plain one if needed. */
		for (pkt = 0; pkt < *numlist; pkt++) {
			struct __mbuf *m = nke__m_gethdr(how, MT_DATA);

			if (m == NULL)
				goto fail;
			*np = m;
			np = &m->m_nextpkt;
			if (bufsize > NKE_MHLEN) {
				m->m_next = nke__m_get(how, MT_DATA);
				if (m->m_next == NULL)
					goto fail;
			}
		}
		return top;
	}

	/* Cluster chains; the last cluster of each is sized for the residue. */
	r_bufsize = bufsize;
	resid = packetlen > bufsize ? packetlen % bufsize : 0;
	if (resid > NKE_MBIGCLBYTES)
		r_bufsize = NKE_M16KCLBYTES;
	else if (resid > NKE_MCLBYTES)
		r_bufsize = NKE_MBIGCLBYTES;
	else if (resid > 0)
		r_bufsize = NKE_MCLBYTES;
	for (pkt = 0; pkt < *numlist; pkt++) {
		struct __mbuf *first = NULL, **sp = np;

		for (seg = 0; seg < nsegs; seg++) {
			size_t sz = (resid > 0 && seg == nsegs - 1) ? r_bufsize : bufsize;
			struct __mbuf *m = nke__m_getcl(how, MT_DATA, seg == 0, (u_int)sz);

			if (m == NULL)
				goto fail;
			*sp = m;
			sp = &m->m_next;
			if (seg == 0)
				first = m;
		}
		np = &first->m_nextpkt;
	}
	return top;
fail:
	nke__m_freem_list(top);
	*numlist = 0;
	return NULL;
}

/* ===================================================================== */
/* Consistency check                                                     */
/* ===================================================================== */

const char *
nke__m_sanity(struct __mbuf *m, int flags)
{
	struct __mbuf *n;
	size_t total = 0;
	unsigned long count = 0;

	if (m == NULL)
		return "NULL chain";
	for (n = m; n != NULL; n = n->m_next) {
		caddr_t start;
		long size;

		if (++count > 10000000UL)
			return "chain too long (loop?)";
		if (!nke__m_live(n) || n->m_type == MT_FREE)
			return "chain contains a freed mbuf";
		if (n->m_len < 0)
			return "negative m_len";
		if (n->m_flags & ~(M_COPYFLAGS | M_EXT))
			return "unknown m_flags bits";
		if (n != m && (n->m_flags & M_PKTHDR))
			return "packet header on an mbuf that is not the first";
		if (n->m_flags & M_EXT) {
			struct nke_extref *er = n->m_ext.ext_ref;

			if (er == NULL || er->er_magic != NKE_EXTREF_MAGIC)
				return "corrupt external storage reference";
			if (er->er_refcnt == 0)
				return "external storage with zero references";
			if (er->er_class < NKE_CL_NPOOLS &&
			    (er->er_state != NKE_CLS_MBUF ||
			     n->m_ext.ext_size != nke__cl_size(er->er_class) ||
			     n->m_ext.ext_buf != nke__cl_data(er)))
				return "cluster state does not match the mbuf";
			if (er->er_class == NKE_CL_EXT && er->er_state != NKE_CLS_EXT)
				return "attached storage reference is not live";
		}
		start = nke__m_start(n);
		size = nke__m_size(n);
		if (n->m_data < start || n->m_data + n->m_len > start + size)
			return "data outside the mbuf's storage";
		total += (size_t)n->m_len;
	}
	if ((flags & NKE_SANITY_PKTLEN) && (m->m_flags & M_PKTHDR) &&
	    (size_t)m->m_pkthdr.len != total)
		return "pkthdr.len differs from the sum of m_len";
	return NULL;
}
