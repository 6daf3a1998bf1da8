/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mbuf_testutil.h - helpers shared by the mbuf test bodies (kernel world).
 *
 * npftest-style chain testing: a fixed-seed PRNG, builders for chains of
 * 1-byte mbufs and for random chains (internal-buffer mbufs, 2/4/16 KB
 * clusters, zero-length mbufs, clusters shared by two mbufs, caller storage
 * attached with mbuf_attachcluster), flattening, and a check that a chain
 * holds exactly the expected bytes and passes the engine's consistency
 * check.  Static inline only: every test file includes it.
 */
#ifndef NKE_MBUF_TESTUTIL_H_
#define NKE_MBUF_TESTUTIL_H_

#include <sys/errno.h>
#include <string.h>

#include "mbuf_internal.h"
#include "nkt.h"

/* Largest chain the helpers build (bytes). */
#define KT_MAXCHAIN 65536

/* --- PRNG (xorshift64*) ---------------------------------------------- */

struct kt_rng {
	u_int64_t s;
};

static inline void
kt_rng_seed(struct kt_rng *r, u_int64_t seed)
{
	r->s = seed * 0x9e3779b97f4a7c15ULL + 0x1234567ULL;
	if (r->s == 0)
		r->s = 1;
}

static inline u_int64_t
kt_rand(struct kt_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, n) (0 when n is 0). */
static inline u_int32_t
kt_randn(struct kt_rng *r, u_int32_t n)
{
	return n != 0 ? (u_int32_t)(kt_rand(r) % n) : 0;
}

static inline void
kt_fill(u_int8_t *buf, size_t n, u_int64_t seed)
{
	struct kt_rng r;
	size_t i;

	kt_rng_seed(&r, seed);
	for (i = 0; i < n; i++)
		buf[i] = (u_int8_t)kt_rand(&r);
}

/* --- Live-object counters --------------------------------------------- */

static inline u_int64_t
kt_live_mbufs(void)
{
	struct nks_stats st;

	NKS_stats(&st);
	return st.st_mbufs;
}

static inline u_int64_t
kt_live_clusters(void)
{
	struct nks_stats st;

	NKS_stats(&st);
	return st.st_clusters;
}

static inline u_int64_t
kt_live_tags(void)
{
	struct nks_stats st;

	NKS_stats(&st);
	return st.st_tags;
}

/* --- Chain inspection -------------------------------------------------- */

static inline size_t
kt_chain_len(mbuf_t m)
{
	size_t n = 0;

	for (; m != NULL; m = mbuf_next(m))
		n += mbuf_len(m);
	return n;
}

static inline unsigned
kt_chain_count(mbuf_t m)
{
	unsigned n = 0;

	for (; m != NULL; m = mbuf_next(m))
		n++;
	return n;
}

/* Copy every byte of the chain into out (at most max); returns the count. */
static inline size_t
kt_flatten(mbuf_t m, u_int8_t *out, size_t max)
{
	size_t n = 0;

	for (; m != NULL; m = mbuf_next(m)) {
		size_t l = mbuf_len(m);

		KT_ASSERT(n + l <= max);
		memcpy(out + n, mbuf_data(m), l);
		n += l;
	}
	return n;
}

#define KT_SANE(m, flags)                                                                          \
	do {                                                                                       \
		const char *kt_why_ = nke__m_sanity((m), (flags));                                 \
		if (kt_why_ != NULL)                                                               \
			KT_FAIL(kt_why_);                                                          \
	} while (0)

/*
 * The chain must be consistent (pkthdr.len included when `pktlen`) and
 * hold exactly the n bytes at expect.
 */
static inline void
kt_expect_chain(mbuf_t m, const u_int8_t *expect, size_t n, int pktlen)
{
	static u_int8_t flat[KT_MAXCHAIN];

	KT_SANE(m, pktlen ? NKE_SANITY_PKTLEN : 0);
	KT_ASSERT_EQ(kt_chain_len(m), n);
	KT_ASSERT_EQ(kt_flatten(m, flat, sizeof(flat)), n);
	KT_ASSERT_MEM_EQ(flat, expect, n);
}

/* Is any storage of chain a also used by chain b? */
static inline int
kt_chains_share_storage(mbuf_t a, mbuf_t b)
{
	mbuf_t x, y;

	for (x = a; x != NULL; x = x->m_next) {
		if (!(x->m_flags & M_EXT))
			continue;
		for (y = b; y != NULL; y = y->m_next)
			if ((y->m_flags & M_EXT) && y->m_ext.ext_buf == x->m_ext.ext_buf)
				return 1;
	}
	return 0;
}

/* --- Chain builders ---------------------------------------------------- */

/* A packet of n 1-byte mbufs (a header mbuf holding nothing when n == 0). */
static inline mbuf_t
kt_chain_1byte(const u_int8_t *data, size_t n)
{
	mbuf_t head = NULL, m, last = NULL;
	size_t i;

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &head), 0);
	if (n > 0) {
		*(u_int8_t *)mbuf_data(head) = data[0];
		mbuf_setlen(head, 1);
	}
	last = head;
	for (i = 1; i < n; i++) {
		KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
		*(u_int8_t *)mbuf_data(m) = data[i];
		mbuf_setlen(m, 1);
		KT_ASSERT_EQ(mbuf_setnext(last, m), 0);
		last = m;
	}
	mbuf_pkthdr_setlen(head, n);
	return head;
}

/* Free routine of the caller storage the random builder attaches. */
static inline void
kt_ext_free_cluster(caddr_t buf, u_int size, caddr_t arg)
{
	(void)arg;
	mbuf_freecluster(buf, size);
}

/* Kinds of mbufs the random builder makes. */
enum {
	KT_SEG_INTERNAL,
	KT_SEG_EMPTY,
	KT_SEG_CL2K,
	KT_SEG_CL4K,
	KT_SEG_CL16K,
	KT_SEG_SHARED,
	KT_SEG_ATTACHED,
	KT_SEG_NKINDS
};

/*
 * Build a random chain holding the n bytes at data.  With hdr the first
 * mbuf carries a packet header (and pkthdr.len is set).  Each mbuf gets a
 * random kind, a random offset in its storage and a random length (at
 * least one byte except for zero-length ones).
 */
static inline mbuf_t
kt_chain_random(struct kt_rng *r, const u_int8_t *data, size_t n, int hdr)
{
	mbuf_t head = NULL, last = NULL, m, m2;
	size_t done = 0;
	int first = 1;

	while (first || done < n) {
		u_int32_t kind = kt_randn(r, KT_SEG_NKINDS);
		size_t room, off, len, size;
		int with_hdr = first && hdr;
		caddr_t ext;

		if (done == n)
			kind = KT_SEG_EMPTY; /* an empty packet: one empty mbuf */
		switch (kind) {
		case KT_SEG_CL2K:
		case KT_SEG_CL4K:
		case KT_SEG_CL16K:
			size = kind == KT_SEG_CL2K ? 2048 : kind == KT_SEG_CL4K ? 4096 : 16384;
			m = NULL;
			if (with_hdr)
				KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
			KT_ASSERT_EQ(mbuf_getcluster(MBUF_WAITOK, MBUF_TYPE_DATA, size, &m), 0);
			break;
		case KT_SEG_ATTACHED:
			size = 2048;
			KT_ASSERT_EQ(mbuf_alloccluster(MBUF_WAITOK, &size, &ext), 0);
			m = NULL;
			if (!with_hdr)
				KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
			KT_ASSERT_EQ(mbuf_attachcluster(MBUF_WAITOK, MBUF_TYPE_DATA, &m, ext,
			                                kt_ext_free_cluster, size, NULL),
			             0);
			break;
		default:
			if (with_hdr)
				KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
			else
				KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
			break;
		}
		room = mbuf_maxlen(m);
		off = kt_randn(r, (u_int32_t)room / 2);
		len = kind == KT_SEG_EMPTY ? 0 : 1 + kt_randn(r, (u_int32_t)(room - off));
		if (len > n - done)
			len = n - done;
		if (kind == KT_SEG_SHARED && len >= 2 && !with_hdr) {
			/* A 2 KB cluster whose two halves become two mbufs. */
			mbuf_free(m);
			m = NULL;
			KT_ASSERT_EQ(mbuf_mclget(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
			off = kt_randn(r, 1024);
			if (len > 2048 - off)
				len = 2048 - off;
			KT_ASSERT_EQ(mbuf_setdata(m, (char *)mbuf_datastart(m) + off, len), 0);
			memcpy(mbuf_data(m), data + done, len);
			KT_ASSERT_EQ(
			    mbuf_split(m, 1 + kt_randn(r, (u_int32_t)len - 1), MBUF_WAITOK, &m2),
			    0);
			KT_ASSERT(mbuf_mclhasreference(m) && mbuf_mclhasreference(m2));
			KT_ASSERT_EQ(mbuf_setnext(m, m2), 0);
		} else {
			KT_ASSERT_EQ(mbuf_setdata(m, (char *)mbuf_datastart(m) + off, len), 0);
			memcpy(mbuf_data(m), data + done, len);
			m2 = NULL;
		}
		done += len;
		if (last == NULL)
			head = m;
		else
			KT_ASSERT_EQ(mbuf_setnext(last, m), 0);
		last = m2 != NULL ? m2 : m;
		first = 0;
	}
	if (hdr)
		mbuf_pkthdr_setlen(head, n);
	KT_SANE(head, hdr ? NKE_SANITY_PKTLEN : 0);
	return head;
}

/* Tag id for tests ("com.example.nkesim.test"). */
static inline mbuf_tag_id_t
kt_tag_id(void)
{
	mbuf_tag_id_t id = 0;

	KT_ASSERT_EQ(mbuf_tag_id_find("com.example.nkesim.test", &id), 0);
	return id;
}

/* Attach a tag of len bytes filled with `fill`; returns its data. */
static inline void *
kt_add_tag(mbuf_t m, mbuf_tag_type_t type, size_t len, u_int8_t fill)
{
	void *p = NULL;

	KT_ASSERT_EQ(mbuf_tag_allocate(m, kt_tag_id(), type, len, MBUF_WAITOK, &p), 0);
	memset(p, fill, len);
	return p;
}

/* Does m carry the tag of `type`, with len bytes of `fill`? */
static inline int
kt_has_tag(mbuf_t m, mbuf_tag_type_t type, size_t len, u_int8_t fill)
{
	size_t l = 0, i;
	void *p = NULL;

	if (mbuf_tag_find(m, kt_tag_id(), type, &l, &p) != 0)
		return 0;
	if (l != len)
		return 0;
	for (i = 0; i < len; i++)
		if (((u_int8_t *)p)[i] != fill)
			return 0;
	return 1;
}

#endif /* NKE_MBUF_TESTUTIL_H_ */
