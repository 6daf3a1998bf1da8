/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ip_frag.c - fragment reassembly queues (both families, both directions)
 * and IPv4 reassembly and fragmentation (kernel world).
 *
 * IPv4 follows XNU's ip_reass: fragments sorted by offset; data a preceding
 * fragment already holds is trimmed from the new one (or the new one
 * dropped when covered), and the new one's data wins over the fragments it
 * overlaps after it; a fragment with MF whose length is not a non-zero
 * multiple of 8 is dropped; the datagram may not exceed 65535 bytes;
 * reassembled, it has the first fragment's header with ip_off 0.
 *
 * Bounded: a per-datagram lifetime (30 s IPv4, 60 s IPv6, simulated time;
 * a callout expires them, so the host's end-of-run drain of pending
 * callouts flushes them), at most NKE_REASS_MAXFRAGS fragments kept per
 * datagram, NKE_REASS_MAXQ datagrams and NKE_REASS_MAXBYTES bytes queued
 * (oldest datagram dropped first).  Every fragment the stack gives up gets a
 * NKS_HOOK_STACK verdict and is emitted as it was captured.
 *
 * Identity: the captured frames of queued fragments are kept (always for
 * outbound ones, which go back to the interface filters when the datagram
 * comes out of ipf_output unchanged; for inbound ones only when the host
 * records emissions), so an unchanged datagram leaves as its original
 * fragments.
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <kern/thread_call.h>

#include "net_internal.h"
#include "ip_frag.h"

static struct nke_fqlist fq_age[2]; /* [0] IPv4, [1] IPv6: deadline order */
static struct nke_fragq *fq_hash[NKE_FQ_HASH];
static struct nke_fragq *fq_free;
u_int32_t nke__fq_count; /* reassembly queues (nke__net_drain looks at it every frame) */
static u_int32_t fq_nfree;
static u_int64_t fq_bytes;
static thread_call_t fq_call;
static u_int64_t fq_armed; /* deadline the callout is armed for, 0: none */

static u_int32_t
fq_hashval(const u_int8_t *src, u_int32_t id)
{
	return (id ^ nke__be32(src) ^ (id >> 16)) % NKE_FQ_HASH;
}

struct nke_fragq *
nke__fq_lookup(int family, u_int32_t dir, const u_int8_t *src, const u_int8_t *dst, u_int32_t id,
               u_int8_t proto)
{
	u_int32_t alen = family == 4 ? 4 : 16;
	struct nke_fragq *fq;

	for (fq = fq_hash[fq_hashval(src, id)]; fq != NULL; fq = fq->fq_hnext)
		if (fq->fq_family == family && fq->fq_dir == dir && fq->fq_id == id &&
		    (family == 6 || fq->fq_proto == proto) && memcmp(fq->fq_src, src, alen) == 0 &&
		    memcmp(fq->fq_dst, dst, alen) == 0)
			return fq;
	return NULL;
}

static void
fq_arm(void)
{
	struct nke_fragq *a = TAILQ_FIRST(&fq_age[0]), *b = TAILQ_FIRST(&fq_age[1]);
	u_int64_t d = 0;

	if (a != NULL)
		d = a->fq_deadline;
	if (b != NULL && (d == 0 || b->fq_deadline < d))
		d = b->fq_deadline;
	if (d == fq_armed || fq_call == NULL)
		return;
	if (d == 0)
		(void)thread_call_cancel(fq_call);
	else
		(void)thread_call_enter_delayed(fq_call, d);
	fq_armed = d;
}

/* Make room for `bytes` more, dropping the oldest datagrams. */
static void
fq_make_room(u_int64_t bytes, int newq)
{
	while ((fq_bytes + bytes > NKE_REASS_MAXBYTES || (newq && nke__fq_count >= NKE_REASS_MAXQ)) &&
	       nke__fq_count > 0) {
		struct nke_fragq *a = TAILQ_FIRST(&fq_age[0]), *b = TAILQ_FIRST(&fq_age[1]);
		struct nke_fragq *old = a;

		if (old == NULL || (b != NULL && b->fq_created < a->fq_created))
			old = b;
		nke__fq_drop(old,
		             nke__fq_count >= NKE_REASS_MAXQ && newq ? "reass-limit" : "reass-memory");
	}
}

struct nke_fragq *
nke__fq_create(int family, u_int32_t dir, const u_int8_t *src, const u_int8_t *dst, u_int32_t id,
               u_int8_t proto, const struct nke_pktinfo *pi)
{
	static u_int64_t created;
	struct nke_fragq *fq;
	u_int32_t alen = family == 4 ? 4 : 16, h;

	fq_make_room(0, 1);
	fq = fq_free;
	if (fq != NULL) {
		fq_free = fq->fq_hnext;
		fq_nfree--;
	} else {
		fq = NKH_alloc(NKS_ALLOC_KERNEL, sizeof(*fq));
		if (fq == NULL)
			return NULL;
	}
	memset(fq, 0, sizeof(*fq));
	fq->fq_family = (u_int8_t)family;
	fq->fq_dir = (u_int8_t)dir;
	fq->fq_proto = proto;
	fq->fq_id = id;
	memcpy(fq->fq_src, src, alen);
	memcpy(fq->fq_dst, dst, alen);
	fq->fq_created = ++created;
	fq->fq_deadline =
	    nke__clock_uptime_ns + (family == 4 ? NKE_REASS_TTL4_NS : NKE_REASS_TTL6_NS);
	if (fq->fq_deadline == 0)
		fq->fq_deadline = 1;
	fq->fq_origtail = &fq->fq_origs;
	fq->fq_unfrglen = -1;
	fq->fq_ifindex = pi->pi_ifp != NULL ? pi->pi_ifp->if_index : 0;
	if (pi->pi_flags & NKE_PI_HASLHDR) {
		memcpy(fq->fq_lhdr, pi->pi_lhdr, pi->pi_lhdrlen);
		fq->fq_lhdrlen = pi->pi_lhdrlen;
	}
	memcpy(fq->fq_tags, pi->pi_tags, 4 * pi->pi_ntags);
	fq->fq_ntags = pi->pi_ntags;
	h = fq_hashval(src, id);
	fq->fq_hnext = fq_hash[h];
	fq_hash[h] = fq;
	TAILQ_INSERT_TAIL(&fq_age[family == 4 ? 0 : 1], fq, fq_link);
	nke__fq_count++;
	fq_arm();
	return fq;
}

static void
fq_unlink(struct nke_fragq *fq)
{
	struct nke_fragq **pp = &fq_hash[fq_hashval(fq->fq_src, fq->fq_id)];

	while (*pp != NULL && *pp != fq)
		pp = &(*pp)->fq_hnext;
	if (*pp == fq)
		*pp = fq->fq_hnext;
	TAILQ_REMOVE(&fq_age[fq->fq_family == 4 ? 0 : 1], fq, fq_link);
	nke__fq_count--;
	fq_bytes -= fq->fq_bytes;
	fq->fq_hnext = fq_free;
	fq_free = fq;
	fq_nfree++;
	fq_arm();
}

void
nke__fq_account(struct nke_fragq *fq, struct __mbuf *m, int add)
{
	u_int64_t n = (u_int64_t)m->m_pkthdr.len;

	if (add) {
		fq->fq_bytes += n;
		fq_bytes += n;
	} else {
		fq->fq_bytes -= n;
		fq_bytes -= n;
	}
}

int
nke__fq_room(u_int32_t bytes)
{
	fq_make_room(bytes, 0);
	return fq_bytes + bytes <= NKE_REASS_MAXBYTES;
}

void
nke__fq_keep_original(struct nke_fragq *fq, const struct nke_pktinfo *pi)
{
	struct __mbuf *c = NULL;

	if ((pi->pi_flags & NKE_PI_CAPTURED) && !(pi->pi_flags & NKE_PI_INJECTED) &&
	    (fq->fq_dir == NKS_DIR_OUT || nke__emit_on()))
		c = nke__frame_copy(pi);
	if (c == NULL) {
		fq->fq_nocopy = 1;
		return;
	}
	*fq->fq_origtail = c;
	fq->fq_origtail = &c->m_nextpkt;
	fq->fq_norig++;
	nke__fq_account(fq, c, 1);
}

static void
origs_drop(struct __mbuf *origs, struct __ifnet *ifp, u_int32_t dir, const char *reason,
           int emit_them)
{
	struct __mbuf *c, *next;

	for (c = origs; c != NULL; c = next) {
		next = c->m_nextpkt;
		c->m_nextpkt = NULL;
		if (reason != NULL && nke__vd_on()) {
			u_int64_t save = nke__cur_index;

			/* The verdict is about that fragment's record. */
			nke__cur_index = NKE_PC(c)->pc_index;
			nke__verdict(NKS_HOOK_STACK, dir, ifp, 0, NULL, 0, NULL, NULL, 0, reason);
			nke__cur_index = save;
		}
		if (emit_them && ifp != NULL)
			nke__emit_copy(c, ifp, dir);
		nke__m_freem(c);
	}
}

/* Purge a datagram's fragments but keep its queue (IPv6 overlap: "dirty"). */
void
nke__fq_purge(struct nke_fragq *fq, const char *reason)
{
	struct __ifnet *ifp = nke__ifnet_byindex(fq->fq_ifindex);
	struct __mbuf *m, *next;

	nke__netstats.ns_frag_dropped += fq->fq_nfrags;
	if (fq->fq_origs != NULL)
		origs_drop(fq->fq_origs, ifp, fq->fq_dir, reason, 1);
	for (m = fq->fq_frags; m != NULL; m = next) {
		next = m->m_nextpkt;
		m->m_nextpkt = NULL;
		if (fq->fq_norig == 0 && nke__vd_on()) {
			u_int64_t save = nke__cur_index;

			nke__cur_index = NKE_PC(m)->pc_index;
			nke__verdict(NKS_HOOK_STACK, fq->fq_dir, ifp, 0, NULL, 0, NULL, NULL, 0,
			             reason);
			nke__cur_index = save;
		}
		if (fq->fq_norig == 0 && !(NKE_PC(m)->pc_flags & NKE_PC_INJECTED))
			nke__count_emit(fq->fq_dir); /* it would leave as it came */
		nke__m_freem(m);
	}
	fq_bytes -= fq->fq_bytes;
	fq->fq_bytes = 0;
	fq->fq_frags = NULL;
	fq->fq_origs = NULL;
	fq->fq_origtail = &fq->fq_origs;
	fq->fq_nfrags = 0;
	fq->fq_norig = 0;
	fq->fq_dirty = 1;
}

/* Give a datagram up: its fragments dropped as by nke__fq_purge, its queue freed. */
void
nke__fq_drop(struct nke_fragq *fq, const char *reason)
{
	nke__fq_purge(fq, reason);
	fq_unlink(fq);
}

/* The datagram left the queue complete: hand over its originals, free the queue. */
void
nke__fq_complete(struct nke_fragq *fq, struct __mbuf *m, struct nke_pktinfo *rpi)
{
	struct nke_pktctx *pc = NKE_PC(m);

	memset(rpi, 0, sizeof(*rpi));
	pc->pc_flags &= (u_int16_t) ~(NKE_PC_FRAG_MF | NKE_PC_TOUCHED);
	pc->pc_qarg = 0;
	pc->pc_spare = 0;
	rpi->pi_index = pc->pc_index;
	rpi->pi_flags = NKE_PI_REASS;
	rpi->pi_dir = fq->fq_dir;
	rpi->pi_ifp = nke__ifnet_byindex(fq->fq_ifindex);
	if (fq->fq_lhdrlen > 0) {
		memcpy(rpi->pi_lhdr, fq->fq_lhdr, fq->fq_lhdrlen);
		rpi->pi_lhdrlen = fq->fq_lhdrlen;
		rpi->pi_flags |= NKE_PI_HASLHDR;
	}
	memcpy(rpi->pi_tags, fq->fq_tags, 4 * fq->fq_ntags);
	rpi->pi_ntags = fq->fq_ntags;
	if (fq->fq_touched || fq->fq_nocopy) {
		/* Not every original is known intact: the datagram stands for them. */
		rpi->pi_flags |= NKE_PI_TOUCHED;
		origs_drop(fq->fq_origs, NULL, fq->fq_dir, NULL, 0);
	} else {
		rpi->pi_origs = fq->fq_origs;
	}
	fq->fq_origs = NULL;
	fq->fq_origtail = &fq->fq_origs;
	fq->fq_frags = NULL;
	fq->fq_nfrags = 0;
	fq->fq_norig = 0;
	nke__netstats.ns_reassembled++;
	fq_unlink(fq);
}

void
nke__origs_emit(struct nke_pktinfo *pi, u_int32_t dir)
{
	struct __mbuf *origs = pi->pi_origs;

	pi->pi_origs = NULL;
	origs_drop(origs, pi->pi_ifp, dir, NULL,
	           !(pi->pi_flags & (NKE_PI_INJECTED | NKE_PI_NOEMIT | NKE_PI_LOOP)));
}

void
nke__origs_free(struct nke_pktinfo *pi)
{
	struct __mbuf *origs = pi->pi_origs;

	pi->pi_origs = NULL;
	origs_drop(origs, NULL, 0, NULL, 0);
}

void
nke__reass_expire(u_int64_t now)
{
	int i;

	for (i = 0; i < 2; i++) {
		struct nke_fragq *fq;

		while ((fq = TAILQ_FIRST(&fq_age[i])) != NULL && fq->fq_deadline <= now)
			nke__fq_drop(fq, "reass-timeout");
	}
}

u_int32_t
nke__reass_pending(void)
{
	return nke__fq_count;
}

static void
fq_timer(thread_call_param_t p0, thread_call_param_t p1)
{
	(void)p0;
	(void)p1;
	fq_armed = 0;
	nke__reass_expire(nke__clock_uptime_ns);
	fq_arm();
}

void
nke__reass_init(void)
{
	TAILQ_INIT(&fq_age[0]);
	TAILQ_INIT(&fq_age[1]);
	memset(fq_hash, 0, sizeof(fq_hash));
	fq_free = NULL;
	nke__fq_count = 0;
	fq_nfree = 0;
	fq_bytes = 0;
	fq_armed = 0;
	fq_call = thread_call_allocate(fq_timer, NULL);
	if (fq_call == NULL)
		nke__panic("nke__reass_init: no memory for the reassembly timer");
}

void
nke__reass_fini(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		struct nke_fragq *fq;

		while ((fq = TAILQ_FIRST(&fq_age[i])) != NULL) {
			struct __mbuf *m, *next;

			for (m = fq->fq_frags; m != NULL; m = next) {
				next = m->m_nextpkt;
				nke__m_freem(m);
			}
			for (m = fq->fq_origs; m != NULL; m = next) {
				next = m->m_nextpkt;
				nke__m_freem(m);
			}
			fq->fq_frags = fq->fq_origs = NULL;
			fq_unlink(fq);
		}
	}
	while (fq_free != NULL) {
		struct nke_fragq *fq = fq_free;

		fq_free = fq->fq_hnext;
		NKH_free(fq, sizeof(*fq));
	}
	fq_nfree = 0;
	if (fq_call != NULL) {
		(void)thread_call_cancel(fq_call);
		(void)thread_call_free(fq_call);
		fq_call = NULL;
	}
}

/*
 * A fragment joins the middle of a chain: it stops being a packet header
 * (its tags go; only the first fragment's survive reassembly, as in XNU).
 * The data stays where it is: internal storage is the same bytes either way.
 */
void
nke__m_demote(struct __mbuf *m)
{
	if (!(m->m_flags & M_PKTHDR))
		return;
	nke__m_tag_delete_chain(m);
	m->m_flags &= (u_int16_t) ~(M_PKTHDR | M_BCAST | M_MCAST | M_PROMISC | M_FRAG |
	                            M_FIRSTFRAG | M_LASTFRAG | M_LOOP);
}

/* --- IPv4 ------------------------------------------------------------------------ */

#define FRAG_OFF(m) ((u_int32_t)(NKE_PC(m)->pc_qarg & 0xffff))
#define FRAG_LEN(m) ((u_int32_t)(NKE_PC(m)->pc_qarg >> 16))
#define FRAG_SET(m, off, len)                                                                      \
	(NKE_PC(m)->pc_qarg = ((u_int32_t)(off)&0xffff) | ((u_int32_t)(len) << 16))

struct __mbuf *
nke__ip_reass(struct __mbuf *m, struct nke_pktinfo *pi, u_int32_t dir, struct nke_pktinfo *rpi)
{
	u_int8_t *ip = (u_int8_t *)m->m_data;
	u_int32_t hlen = (u_int32_t)(ip[0] & 0x0f) << 2;
	u_int32_t iplen = nke__be16(ip + 2), ipoff = nke__be16(ip + 6);
	u_int32_t off = (ipoff & 0x1fff) << 3, len, next;
	int mf = (ipoff & 0x2000) != 0, touched = 0;
	struct nke_fragq *fq;
	struct __mbuf *p, *q, *nq;

	nke__netstats.ns_frags++;
	/* Caller guarantees: header contiguous, pkthdr.len == ip_len. */
	len = iplen - hlen;
	if (dir == NKS_DIR_IN && (pi->pi_flags & NKE_PI_CAPTURED) && pi->pi_frame != NULL &&
	    nke__emit_on())
		touched = (pi->pi_flags & (NKE_PI_L2CHANGED | NKE_PI_INJECTED)) ||
		          pi->pi_framelen < pi->pi_l2len + iplen ||
		          !nke__chain_equal(m, pi->pi_frame + pi->pi_l2len, iplen);
	if (mf && (len == 0 || (len & 7) != 0)) {
		/* A fragment with more to come must carry a multiple of 8 bytes. */
		nke__netstats.ns_frag_dropped++;
		nke__stack_drop(m, dir, pi, "frag-bad-length");
		return NULL;
	}
	if (!nke__fq_room((u_int32_t)m->m_pkthdr.len * 2)) {
		nke__netstats.ns_frag_dropped++;
		nke__stack_drop(m, dir, pi, "reass-memory");
		return NULL;
	}
	/* (Room first: making it may drop the oldest queue, perhaps this one's.) */
	fq = nke__fq_lookup(4, dir, ip + 12, ip + 16, nke__be16(ip + 4), ip[9]);
	if (fq == NULL) {
		fq = nke__fq_create(4, dir, ip + 12, ip + 16, nke__be16(ip + 4), ip[9], pi);
		if (fq == NULL) {
			nke__netstats.ns_frag_dropped++;
			nke__stack_drop(m, dir, pi, "reass-nomem");
			return NULL;
		}
	}
	if (off == 0)
		fq->fq_hlen = hlen;
	/* The header stays in front of the data (the first fragment's becomes the datagram's). */
	m->m_data += hlen;
	m->m_len -= (int32_t)hlen;
	m->m_pkthdr.len -= (int32_t)hlen;
	FRAG_SET(m, off, len);
	if (mf)
		NKE_PC(m)->pc_flags |= NKE_PC_FRAG_MF;
	else
		NKE_PC(m)->pc_flags &= (u_int16_t)~NKE_PC_FRAG_MF;

	/* Find the first fragment that begins after this one. */
	for (p = NULL, q = fq->fq_frags; q != NULL; p = q, q = q->m_nextpkt)
		if (FRAG_OFF(q) > off)
			break;
	/* A preceding fragment may already hold the start of our data. */
	if (p != NULL) {
		int32_t i = (int32_t)(FRAG_OFF(p) + FRAG_LEN(p)) - (int32_t)off;

		if (i > 0) {
			if ((u_int32_t)i >= len) {
				/* Nothing new: dropped now, as it came (not an original). */
				nke__netstats.ns_frag_dropped++;
				m->m_data -= hlen;
				m->m_len += (int32_t)hlen;
				m->m_pkthdr.len += (int32_t)hlen;
				nke__stack_drop(m, dir, pi, "frag-duplicate");
				return NULL;
			}
			nke__m_adj(m, i);
			off += (u_int32_t)i;
			len -= (u_int32_t)i;
			FRAG_SET(m, off, len);
		}
		m->m_nextpkt = p->m_nextpkt;
		p->m_nextpkt = m;
	} else {
		m->m_nextpkt = fq->fq_frags;
		fq->fq_frags = m;
	}
	if (touched)
		fq->fq_touched = 1;
	nke__fq_keep_original(fq, pi);
	fq->fq_nfrags++;
	nke__fq_account(fq, m, 1);
	/* Our data wins over the fragments we overlap after us. */
	for (; q != NULL && off + len > FRAG_OFF(q); q = nq) {
		u_int32_t i = off + len - FRAG_OFF(q);

		if (i < FRAG_LEN(q)) {
			nke__fq_account(fq, q, 0);
			nke__m_adj(q, (int)i);
			FRAG_SET(q, FRAG_OFF(q) + i, FRAG_LEN(q) - i);
			nke__fq_account(fq, q, 1);
			break;
		}
		nq = q->m_nextpkt;
		m->m_nextpkt = nq;
		fq->fq_nfrags--;
		nke__fq_account(fq, q, 0);
		nke__netstats.ns_frag_dropped++;
		q->m_nextpkt = NULL;
		nke__m_freem(q);
	}
	/* Complete?  Contiguous from 0 and the last without MF. */
	next = 0;
	for (p = NULL, q = fq->fq_frags; q != NULL; p = q, q = q->m_nextpkt) {
		if (FRAG_OFF(q) != next)
			goto incomplete;
		next += FRAG_LEN(q);
	}
	if (p == NULL || (NKE_PC(p)->pc_flags & NKE_PC_FRAG_MF))
		goto incomplete;
	if (next + fq->fq_hlen > 65535) {
		nke__fq_drop(fq, "frag-too-long");
		return NULL;
	}
	/* Concatenate; the first fragment's header is right before its data. */
	q = fq->fq_frags;
	m = q;
	nq = q->m_nextpkt;
	q->m_nextpkt = NULL;
	for (q = nq; q != NULL; q = nq) {
		nq = q->m_nextpkt;
		q->m_nextpkt = NULL;
		nke__m_demote(q);
		nke__m_cat(m, q);
	}
	m->m_data -= fq->fq_hlen;
	m->m_len += (int32_t)fq->fq_hlen;
	m->m_pkthdr.len = (int32_t)nke__m_length(m);
	ip = (u_int8_t *)m->m_data;
	nke__put16(ip + 2, (u_int16_t)(fq->fq_hlen + next));
	nke__put16(ip + 6, 0);
	if (m->m_pkthdr.rcvif != NULL &&
	    ((m->m_pkthdr.rcvif->if_flags & IFF_LOOPBACK) || (m->m_pkthdr.pkt_flags & PKTF_LOOP))) {
		m->m_pkthdr.csum_data = 0xffff;
		m->m_pkthdr.csum_flags =
		    CSUM_DATA_VALID | CSUM_PSEUDO_HDR | CSUM_IP_CHECKED | CSUM_IP_VALID;
	} else {
		m->m_pkthdr.csum_flags &= (u_int32_t)~CSUM_DATA_VALID;
	}
	nke__fq_complete(fq, m, rpi);
	if (pi->pi_flags & NKE_PI_LOOP)
		rpi->pi_flags |= NKE_PI_LOOP;
	return m;

incomplete:
	if (fq->fq_nfrags > NKE_REASS_MAXFRAGS)
		nke__fq_drop(fq, "frag-limit");
	return NULL;
}

/*
 * Fragment an IPv4 datagram (header contiguous, wire order, checksums
 * final) to mtu: a list of packets linked by m_nextpkt, or NULL when it
 * could not be done (m freed).  Options marked "copied" go to every
 * fragment; hwip: the interface computes header checksums.
 */
struct __mbuf *
nke__ip_fragment(struct __mbuf *m, u_int32_t mtu, int hwip)
{
	u_int8_t *ip = (u_int8_t *)m->m_data;
	u_int32_t hlen = (u_int32_t)(ip[0] & 0x0f) << 2, iplen = nke__be16(ip + 2);
	u_int32_t ipoff = nke__be16(ip + 6), baseoff = (ipoff & 0x1fff) << 3;
	u_int32_t chunk, off, mhlen, i;
	u_int8_t hdr[60], opts[40];
	struct __mbuf *head = NULL, **tail = &head, *f;
	u_int16_t s;

	if (mtu <= hlen + 8 || iplen <= hlen) {
		nke__m_freem(m);
		return NULL;
	}
	chunk = ((mtu - hlen) / 8) * 8;
	memcpy(hdr, ip, hlen);
	/* Options copied to every fragment (the "copied" bit). */
	mhlen = 20;
	for (i = 20; i < hlen;) {
		u_int8_t opt = hdr[i], olen;

		if (opt == 0)
			break;
		if (opt == 1) {
			i++;
			continue;
		}
		if (i + 1 >= hlen || (olen = hdr[i + 1]) < 2 || i + olen > hlen)
			break;
		if (opt & 0x80) {
			memcpy(opts + (mhlen - 20), hdr + i, olen);
			mhlen += olen;
		}
		i += olen;
	}
	while (mhlen & 3)
		opts[mhlen++ - 20] = 0;
	for (off = hlen + chunk; off < iplen; off += chunk) {
		u_int32_t dlen = iplen - off < chunk ? iplen - off : chunk;
		u_int8_t *fh;

		f = nke__m_gethdr(M_DONTWAIT, MT_DATA);
		if (f == NULL)
			goto nomem;
		f->m_data += 32; /* room for the link header */
		fh = (u_int8_t *)f->m_data;
		memcpy(fh, hdr, 20);
		memcpy(fh + 20, opts, mhlen - 20);
		fh[0] = (u_int8_t)(0x40 | (mhlen >> 2));
		nke__put16(fh + 2, (u_int16_t)(mhlen + dlen));
		nke__put16(fh + 6, (u_int16_t)((ipoff & ~0x1fffu) | ((baseoff + off - hlen) >> 3) |
		                               (off + dlen < iplen ? 0x2000 : 0)));
		fh[10] = fh[11] = 0;
		if (!hwip) {
			s = nke__ip_hdr_sum(fh, mhlen);
			memcpy(fh + 10, &s, 2);
		}
		f->m_len = (int32_t)mhlen;
		f->m_next = nke__m_copym(m, (int)off, (int)dlen, M_DONTWAIT);
		if (f->m_next == NULL) {
			nke__m_freem(f);
			goto nomem;
		}
		f->m_pkthdr.len = (int32_t)(mhlen + dlen);
		f->m_pkthdr.rcvif = NULL;
		f->m_pkthdr.csum_flags = m->m_pkthdr.csum_flags & CSUM_IP;
		memcpy(f->m_pkthdr.pkt_nkectx, m->m_pkthdr.pkt_nkectx, sizeof(f->m_pkthdr.pkt_nkectx));
		*tail = f;
		tail = &f->m_nextpkt;
	}
	/* The first fragment is the original, trimmed. */
	nke__m_adj(m, -(int)(iplen - hlen - chunk));
	ip = (u_int8_t *)m->m_data;
	nke__put16(ip + 2, (u_int16_t)(hlen + chunk));
	nke__put16(ip + 6, (u_int16_t)(ipoff | 0x2000));
	ip[10] = ip[11] = 0;
	if (!hwip) {
		s = nke__ip_hdr_sum(ip, hlen);
		memcpy(ip + 10, &s, 2);
	}
	m->m_nextpkt = head;
	return m;

nomem:
	nke__m_freem_list(head);
	nke__m_freem(m);
	return NULL;
}

u_int16_t
nke__ip_hdr_sum(const u_int8_t *ip, u_int32_t hlen)
{
	u_int32_t sum = 0, i;
	u_int8_t b[2];
	u_int16_t r;

	for (i = 0; i + 1 < hlen; i += 2)
		if (i != 10)
			sum += (u_int32_t)ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	b[0] = (u_int8_t)(sum >> 8);
	b[1] = (u_int8_t)sum;
	memcpy(&r, b, 2);
	return r;
}
