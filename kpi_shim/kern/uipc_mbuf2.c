/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uipc_mbuf2.c - m_pulldown and packet tags (kernel world).
 *
 * The second half of the chain engine, after XNU's bsd/kern/uipc_mbuf2.c:
 * m_pulldown (make a span contiguous without touching what precedes it)
 * and the packet-tag list hanging off a packet header.  Tags come from two
 * pooled size classes; every allocation consults failure injection for
 * NKS_ALLOC_TAG, data is zero-filled, and freed tags are poisoned so a kext
 * that keeps a tag pointer past the packet's life reads garbage.
 */
#include <sys/errno.h>
#include <string.h>

#include "mbuf_internal.h"

/* ===================================================================== */
/* m_pulldown                                                            */
/* ===================================================================== */

/*
 * Make [off, off + len) contiguous in one mbuf and return it, with *offp
 * (if not NULL) set to the span's offset inside it.  On failure the whole
 * chain is freed and NULL returned.
 */
struct __mbuf *
nke__m_pulldown(struct __mbuf *m, int off, int len, int *offp)
{
	struct __mbuf *n, *o;
	int hlen, tlen, olen, sharedcluster, sum, guarded = 0;

	if (len < 0 || off < 0)
		nke__panic("mbuf_pulldown: invalid offset %d or length %d", off, len);
	if (len > NKE_MCLBYTES || __builtin_add_overflow(off, len, &sum)) {
		nke__m_freem(m);
		return NULL;
	}
	/* Bytes may be pulled into any mbuf's free space: the layout's guards go. */
	for (n = m; n != NULL; n = n->m_next) {
		guarded |= (n->m_nkeflags & NKE_MF_GUARD) != 0;
		nke__m_unguard(n);
	}
	n = m;
	while (n != NULL && off > 0) {
		if (n->m_len > off)
			break;
		off -= n->m_len;
		n = n->m_next;
	}
	/* Start in a non-empty mbuf. */
	while (n != NULL && n->m_len == 0)
		n = n->m_next;
	if (n == NULL) {
		nke__m_freem(m);
		return NULL;
	}
	if ((off == 0 || offp != NULL) && len <= n->m_len - off)
		goto ok;

	if (len <= n->m_len - off) {
		/* The span is in n, but the caller wants it at offset 0: cut n. */
		o = nke__m_copym(n, off, n->m_len - off, M_DONTWAIT);
		if (o == NULL) {
			nke__m_freem(m);
			return NULL;
		}
		n->m_len = off;
		o->m_next = n->m_next;
		n->m_next = o;
		n = o;
		off = 0;
		goto ok;
	}

	/* hlen bytes from n (at off), tlen bytes from what follows. */
	hlen = n->m_len - off;
	tlen = len - hlen;
	olen = 0;
	for (o = n->m_next; o != NULL; o = o->m_next)
		olen += o->m_len;
	if (hlen + olen < len) {
		nke__m_freem(m);
		return NULL;
	}

	/*
	 * As in XNU, 4 KB / 16 KB clusters and attached storage count as
	 * shared here (they have a free routine there), like any cluster that
	 * was ever shared.
	 */
	sharedcluster = (n->m_flags & M_EXT) &&
	                (n->m_ext.ext_ref->er_class != NKE_CL_2K || nke__m_mclhasreference(n));

	if ((off == 0 || offp != NULL) && nke__m_trailingspace(n) >= tlen && !sharedcluster) {
		/* Room after n's data: append the tail there. */
		nke__m_copydata(n->m_next, 0, tlen, n->m_data + n->m_len);
		n->m_len += tlen;
		nke__m_adj(n->m_next, tlen);
		goto ok;
	}
	if ((off == 0 || offp != NULL) && nke__m_leadingspace(n->m_next) >= hlen &&
	    n->m_next->m_len + hlen >= len && !sharedcluster) {
		/* Room before the next mbuf's data: move the head part there. */
		n->m_next->m_data -= hlen;
		n->m_next->m_len += hlen;
		memcpy(n->m_next->m_data, n->m_data + off, (size_t)hlen);
		n->m_len -= hlen;
		n = n->m_next;
		off = 0;
		goto ok;
	}

	/* No room on either side: a new mbuf (with a cluster if needed). */
	o = nke__m_get(M_DONTWAIT, m->m_type);
	if (o == NULL) {
		nke__m_freem(m);
		return NULL;
	}
	if (len > NKE_MHLEN && nke__m_clget(o, M_DONTWAIT, NKE_MCLBYTES) != 0) {
		nke__m_freem(m);
		nke__m_free(o);
		return NULL;
	}
	o->m_len = hlen;
	memcpy(o->m_data, n->m_data + off, (size_t)hlen);
	n->m_len -= hlen;
	nke__m_copydata(n->m_next, 0, tlen, o->m_data + o->m_len);
	o->m_len += tlen;
	nke__m_adj(n->m_next, tlen);
	o->m_next = n->m_next;
	n->m_next = o;
	n = o;
	off = 0;
ok:
	if (offp != NULL)
		*offp = off;
	if (guarded) {
		/* The guards go back past the data as it is now. */
		for (o = m; o != NULL; o = o->m_next)
			nke__m_guard(o);
	}
	return n;
}

/* ===================================================================== */
/* Packet tags                                                           */
/* ===================================================================== */

#define NKE_MTAG_SMALL_STRIDE 256
#define NKE_MTAG_LARGE_STRIDE 2048

_Static_assert(NKE_MTAG_LARGE_STRIDE - sizeof(struct m_tag) >= NKE_MTAG_MAXLEN,
               "large tag pool too small for the longest tag");

/*
 * NKE-DIVERGENCE: XNU's x86_64 kernels keep small tags inside MT_TAG mbufs
 * and large ones in 2 KB clusters, so tags show up in the mbuf statistics;
 * nkesim gives tags their own pools (counted as st_tags), with the same
 * size limit.  Deep copies keep the tag order (XNU's reverses it, which no
 * KPI can observe).
 */
static struct nke_pool nke_mtag_pool[2];
static u_int64_t nke_mtag_nlive;

void
nke__mtag_init(void)
{
	nke__pool_setup(&nke_mtag_pool[0], "mtag-small", NKE_MTAG_SMALL_STRIDE,
	                __builtin_offsetof(struct m_tag, m_tag_next), sizeof(struct m_tag), 64);
	nke__pool_setup(&nke_mtag_pool[1], "mtag-large", NKE_MTAG_LARGE_STRIDE,
	                __builtin_offsetof(struct m_tag, m_tag_next), sizeof(struct m_tag), 8);
	nke_mtag_nlive = 0;
}

void
nke__mtag_fini(void)
{
	nke__pool_destroy(&nke_mtag_pool[0]);
	nke__pool_destroy(&nke_mtag_pool[1]);
}

u_int64_t
nke__mtag_live(void)
{
	return nke_mtag_nlive;
}

struct m_tag *
nke__m_tag_alloc(u_int32_t id, u_int16_t type, int len, int how)
{
	struct m_tag *t;
	unsigned pool;

	(void)how;
	/* XNU refuses tags that would not fit a 2 KB cluster with their header. */
	if (len < 0 || len > NKE_MTAG_MAXLEN)
		return NULL;
	if (NKE_UNLIKELY(NKH_fail(NKS_ALLOC_TAG)))
		return NULL;
	pool = (size_t)len <= NKE_MTAG_SMALL_STRIDE - sizeof(struct m_tag) ? 0 : 1;
	t = nke__pool_get(&nke_mtag_pool[pool]);
	if (t == NULL)
		return NULL;
	t->m_tag_next = NULL;
	t->m_tag_data = t + 1;
	t->m_tag_type = type;
	t->m_tag_len = (u_int16_t)len;
	t->m_tag_id = id;
	t->m_tag_cookie = NKE_MTAG_LIVE;
	t->m_tag_pool = (u_int16_t)pool;
	t->m_tag_pad = 0;
	memset(t->m_tag_data, 0, (size_t)len);
	nke_mtag_nlive++;
	return t;
}

void
nke__m_tag_free(struct m_tag *t)
{
	if (t == NULL)
		return;
	if (t->m_tag_cookie != NKE_MTAG_LIVE)
		nke__panic("m_tag_free: tag %p is not live (freed twice or corrupt)", (void *)t);
	t->m_tag_cookie = NKE_MTAG_DEAD;
	memset(t + 1, NKE_POISON_BYTE, t->m_tag_len);
	nke_mtag_nlive--;
	nke__pool_put(&nke_mtag_pool[t->m_tag_pool], t);
}

void
nke__m_tag_prepend(struct __mbuf *m, struct m_tag *t)
{
	t->m_tag_next = m->m_pkthdr.tags;
	m->m_pkthdr.tags = t;
}

void
nke__m_tag_unlink(struct __mbuf *m, struct m_tag *t)
{
	struct m_tag **pp;

	for (pp = &m->m_pkthdr.tags; *pp != NULL; pp = &(*pp)->m_tag_next) {
		if (*pp == t) {
			*pp = t->m_tag_next;
			t->m_tag_next = NULL;
			return;
		}
	}
	nke__panic("m_tag_unlink: tag %p is not on mbuf %p", (void *)t, (void *)m);
}

void
nke__m_tag_delete(struct __mbuf *m, struct m_tag *t)
{
	nke__m_tag_unlink(m, t);
	nke__m_tag_free(t);
}

void
nke__m_tag_delete_chain(struct __mbuf *m)
{
	struct m_tag *t, *next;

	for (t = m->m_pkthdr.tags; t != NULL; t = next) {
		next = t->m_tag_next;
		nke__m_tag_free(t);
	}
	m->m_pkthdr.tags = NULL;
}

struct m_tag *
nke__m_tag_locate(struct __mbuf *m, u_int32_t id, u_int16_t type)
{
	struct m_tag *t;

	NKE_ASSERT(m->m_flags & M_PKTHDR, "tags live on packet headers only");
	for (t = m->m_pkthdr.tags; t != NULL; t = t->m_tag_next) {
		if (t->m_tag_cookie != NKE_MTAG_LIVE)
			nke__panic("m_tag_locate: corrupt tag %p on mbuf %p", (void *)t, (void *)m);
		if (t->m_tag_id == id && t->m_tag_type == type)
			return t;
	}
	return NULL;
}

int
nke__m_tag_copy_chain(struct __mbuf *to, struct __mbuf *from, int how)
{
	struct m_tag *p, *t, **tail;

	nke__m_tag_delete_chain(to);
	tail = &to->m_pkthdr.tags;
	for (p = from->m_pkthdr.tags; p != NULL; p = p->m_tag_next) {
		t = nke__m_tag_alloc(p->m_tag_id, p->m_tag_type, p->m_tag_len, how);
		if (t == NULL) {
			nke__m_tag_delete_chain(to);
			return 0;
		}
		memcpy(t->m_tag_data, p->m_tag_data, p->m_tag_len);
		*tail = t;
		tail = &t->m_tag_next;
	}
	return 1;
}
