/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * frag6.c - IPv6 reassembly and fragmentation (kernel world).
 *
 * Reassembly follows XNU's frag6_input: atomic fragments are handled by
 * the caller; a fragment with M set must carry a multiple of 8 bytes; a
 * datagram may not exceed 65535 bytes; the first fragment must hold every
 * header through the upper-layer one (RFC 8200); an exact duplicate (same
 * offset and length) is dropped alone, any other overlap drops every
 * fragment of the datagram and marks it so later ones are refused until it
 * expires (RFC 5722); the reassembled packet has the unfragmentable part of
 * the first fragment, no fragment header, and ip6_plen updated.  Queues,
 * limits and identity are those of ip_frag.c.
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>

#include "net_internal.h"
#include "ip_frag.h"

#define FRAG_OFF(m)  ((u_int32_t)(NKE_PC(m)->pc_qarg & 0xffff))
#define FRAG_LEN(m)  ((u_int32_t)(NKE_PC(m)->pc_qarg >> 16))
#define FRAG_DOFF(m) (NKE_PC(m)->pc_spare) /* where its data starts */

/* Does the first fragment hold the upper-layer header (ip6_pkt_has_ulp)? */
static int
has_ulp(struct __mbuf *m)
{
	u_int32_t off = 40, len = (u_int32_t)m->m_pkthdr.len;
	u_int8_t b[4];
	int nxt;

	nke__m_copydata(m, 6, 1, b);
	nxt = b[0];
	for (;;) {
		if (nxt == 0 || nxt == 43 || nxt == 60 || nxt == 51 || nxt == 44) {
			if (off + 8 > len)
				return 0;
			nke__m_copydata(m, (int)off, 4, b);
			if (nxt == 44) {
				if ((nke__be16(b + 2) & 0xfff8) != 0)
					return 0;
				off += 8;
			} else if (nxt == 51) {
				off += ((u_int32_t)b[1] + 2) << 2;
			} else {
				off += ((u_int32_t)b[1] + 1) << 3;
			}
			nxt = b[0];
			continue;
		}
		break;
	}
	if (off > len)
		return 0;
	switch (nxt) {
	case 6:
		return off + 20 <= len;
	case 17:
		return off + 8 <= len;
	case 58:
		return off + 4 <= len;
	case 59:
	case 50:
	case 108: /* IPComp */
		return 1;
	default:
		return 0;
	}
}

struct __mbuf *
nke__frag6_input(struct __mbuf *m, int *offp, int *nxtp, struct nke_pktinfo *pi, u_int32_t dir,
                 struct nke_pktinfo *rpi)
{
	u_int32_t off = (u_int32_t)*offp, plen, fragoff, frgpartlen, doff, id, next;
	u_int8_t ip6[40], fh[8];
	struct nke_fragq *fq;
	struct __mbuf *p, *q;
	int mff, unfrglen, touched = 0, overlap = 0;
	u_int8_t nxt;

	nke__netstats.ns_frags++;
	if ((u_int32_t)m->m_pkthdr.len < off + 8) {
		nke__netstats.ns_frag_dropped++;
		nke__stack_drop(m, dir, pi, "too-short");
		return NULL;
	}
	nke__m_copydata(m, 0, 40, ip6);
	nke__m_copydata(m, (int)off, 8, fh);
	plen = nke__be16(ip6 + 4);
	fragoff = nke__be16(fh + 2) & 0xfff8;
	mff = nke__be16(fh + 2) & 1;
	id = nke__be32(fh + 4);
	doff = off + 8;
	if (plen == 0 || 40 + plen < doff) {
		nke__netstats.ns_frag_dropped++;
		nke__stack_drop(m, dir, pi, "frag-bad-length");
		return NULL;
	}
	frgpartlen = 40 + plen - doff;
	if (mff && (frgpartlen & 7) != 0) {
		nke__netstats.ns_frag_dropped++;
		nke__stack_drop(m, dir, pi, "frag-bad-length");
		return NULL;
	}
	if (dir == NKS_DIR_IN && (pi->pi_flags & NKE_PI_CAPTURED) && pi->pi_frame != NULL &&
	    nke__emit_on())
		touched = (pi->pi_flags & (NKE_PI_L2CHANGED | NKE_PI_INJECTED)) ||
		          pi->pi_framelen < pi->pi_l2len + 40 + plen ||
		          !nke__chain_equal(m, pi->pi_frame + pi->pi_l2len, 40 + plen);
	if (!nke__fq_room((u_int32_t)m->m_pkthdr.len * 2)) {
		nke__netstats.ns_frag_dropped++;
		nke__stack_drop(m, dir, pi, "reass-memory");
		return NULL;
	}
	fq = nke__fq_lookup(6, dir, ip6 + 8, ip6 + 24, id, 0);
	if (fq == NULL) {
		fq = nke__fq_create(6, dir, ip6 + 8, ip6 + 24, id, 0, pi);
		if (fq == NULL) {
			nke__netstats.ns_frag_dropped++;
			nke__stack_drop(m, dir, pi, "reass-nomem");
			return NULL;
		}
	}
	if (fq->fq_dirty) {
		nke__netstats.ns_frag_dropped++;
		nke__stack_drop(m, dir, pi, "frag-overlap");
		return NULL;
	}
	unfrglen = fq->fq_unfrglen;
	nxt = fq->fq_nxt;
	if (fragoff == 0 && unfrglen == -1) {
		unfrglen = (int)off - 40;
		nxt = fh[0];
	}
	if ((unfrglen >= 0 ? (u_int32_t)unfrglen : 0) + fragoff + frgpartlen > 65535) {
		nke__netstats.ns_frag_dropped++;
		nke__stack_drop(m, dir, pi, "frag-too-long");
		return NULL;
	}
	if (fragoff == 0 && !has_ulp(m)) {
		nke__netstats.ns_frag_dropped++;
		nke__stack_drop(m, dir, pi, "frag-first-incomplete");
		return NULL;
	}
	/* Find the first fragment that begins after this one. */
	for (p = NULL, q = fq->fq_frags; q != NULL; p = q, q = q->m_nextpkt)
		if (FRAG_OFF(q) > fragoff)
			break;
	if (p != NULL) {
		if (FRAG_OFF(p) == fragoff) {
			if (FRAG_LEN(p) == frgpartlen) {
				/* An exact duplicate: dropped alone, as it came. */
				nke__netstats.ns_frag_dropped++;
				nke__stack_drop(m, dir, pi, "frag-duplicate");
				return NULL;
			}
			overlap = 1;
		} else if (FRAG_OFF(p) + FRAG_LEN(p) > fragoff) {
			overlap = 1;
		}
	}
	if (q != NULL && fragoff + frgpartlen > FRAG_OFF(q))
		overlap = 1;
	/* Queue it (an overlap purges it with the rest, as XNU does). */
	NKE_PC(m)->pc_qarg = (fragoff & 0xffff) | (frgpartlen << 16);
	FRAG_DOFF(m) = doff;
	if (mff)
		NKE_PC(m)->pc_flags |= NKE_PC_FRAG_MF;
	else
		NKE_PC(m)->pc_flags &= (u_int16_t)~NKE_PC_FRAG_MF;
	if (p != NULL) {
		m->m_nextpkt = p->m_nextpkt;
		p->m_nextpkt = m;
	} else {
		m->m_nextpkt = fq->fq_frags;
		fq->fq_frags = m;
	}
	fq->fq_nfrags++;
	nke__fq_account(fq, m, 1);
	if (touched)
		fq->fq_touched = 1;
	nke__fq_keep_original(fq, pi);
	if (overlap) {
		nke__fq_purge(fq, "frag-overlap");
		return NULL;
	}
	fq->fq_unfrglen = unfrglen;
	fq->fq_nxt = nxt;

	next = 0;
	for (p = NULL, q = fq->fq_frags; q != NULL; p = q, q = q->m_nextpkt) {
		if (FRAG_OFF(q) != next)
			goto incomplete;
		next += FRAG_LEN(q);
	}
	if (p == NULL || (NKE_PC(p)->pc_flags & NKE_PC_FRAG_MF))
		goto incomplete;

	/* Complete: the first fragment whole, the others' data after it. */
	{
		struct __mbuf *first = fq->fq_frags, *nq, *tail;
		u_int32_t hoff = FRAG_DOFF(first) - 8; /* where the fragment header is */
		u_int8_t *b;

		m = first;
		nq = first->m_nextpkt;
		first->m_nextpkt = NULL;
		for (q = nq; q != NULL; q = nq) {
			nq = q->m_nextpkt;
			q->m_nextpkt = NULL;
			nke__m_adj(q, (int)FRAG_DOFF(q));
			nke__m_demote(q);
			for (tail = m; tail->m_next != NULL; tail = tail->m_next)
				continue;
			tail->m_next = q;
		}
		fq->fq_frags = NULL;
		fq->fq_nfrags = 0;
		/* Remove the fragment header: shift the unfragmentable part up over it. */
		if (m->m_len < (int32_t)(hoff + 8)) {
			m = nke__m_pullup(m, (int)(hoff + 8));
			if (m == NULL) {
				nke__fq_drop(fq, "reass-nomem");
				return NULL;
			}
		}
		b = (u_int8_t *)m->m_data;
		memmove(b + 8, b, hoff);
		m->m_data += 8;
		m->m_len -= 8;
		m->m_pkthdr.len = (int32_t)nke__m_length(m);
		b = (u_int8_t *)m->m_data;
		nke__put16(b + 4, (u_int16_t)(next + hoff - 40));
		/* The header before the fragment header now names what followed it. */
		if (hoff == 40) {
			b[6] = fq->fq_nxt;
		} else {
			u_int32_t o = 40;
			u_int8_t *prev = b + 6;

			while (o < hoff) {
				u_int8_t t = *prev;

				prev = b + o;
				o += t == 51 ? ((u_int32_t)b[o + 1] + 2) << 2
				             : ((u_int32_t)b[o + 1] + 1) << 3;
			}
			*prev = fq->fq_nxt;
		}
		if (m->m_pkthdr.rcvif != NULL && ((m->m_pkthdr.rcvif->if_flags & IFF_LOOPBACK) ||
		                                  (m->m_pkthdr.pkt_flags & PKTF_LOOP))) {
			m->m_pkthdr.csum_data = 0xffff;
			m->m_pkthdr.csum_flags = CSUM_DATA_VALID | CSUM_PSEUDO_HDR;
		} else {
			m->m_pkthdr.csum_flags &= (u_int32_t)~CSUM_DATA_VALID;
		}
		*offp = (int)hoff;
		*nxtp = fq->fq_nxt;
		nke__fq_complete(fq, m, rpi);
		if (pi->pi_flags & NKE_PI_LOOP)
			rpi->pi_flags |= NKE_PI_LOOP;
		return m;
	}

incomplete:
	if (fq->fq_nfrags > NKE_REASS_MAXFRAGS)
		nke__fq_drop(fq, "frag-limit");
	return NULL;
}

/*
 * Fragment an IPv6 packet (checksums final) to mtu after its unfragmentable
 * part of unfrglen bytes (IPv6 header included): a list linked by
 * m_nextpkt, or NULL (m freed).  NKE-DIVERGENCE: identifiers come from a
 * counter (XNU draws them at random), so runs are reproducible.
 */
struct __mbuf *
nke__ip6_fragment(struct __mbuf *m, u_int32_t mtu, u_int32_t unfrglen)
{
	static u_int32_t ident = 0x6e6b0000;
	u_int32_t total = (u_int32_t)m->m_pkthdr.len, chunk, off, id = ++ident;
	u_int8_t hdr[256], *prevnxt, origfirst;
	struct __mbuf *head = NULL, **tail = &head;

	if (unfrglen > sizeof(hdr) || unfrglen < 40 || total <= unfrglen ||
	    mtu < unfrglen + 8 + 8) {
		nke__m_freem(m);
		return NULL;
	}
	nke__m_copydata(m, 0, (int)unfrglen, hdr);
	/* The "next header" field that must become 44. */
	prevnxt = hdr + 6;
	{
		u_int32_t o = 40;

		while (o < unfrglen) {
			u_int8_t t = *prevnxt;

			prevnxt = hdr + o;
			o += t == 51 ? ((u_int32_t)hdr[o + 1] + 2) << 2
			             : ((u_int32_t)hdr[o + 1] + 1) << 3;
		}
	}
	origfirst = *prevnxt;
	*prevnxt = 44;
	chunk = ((mtu - unfrglen - 8) / 8) * 8;
	for (off = unfrglen; off < total; off += chunk) {
		u_int32_t dlen = total - off < chunk ? total - off : chunk;
		struct __mbuf *f = nke__m_gethdr(M_DONTWAIT, MT_DATA);
		u_int8_t *b, fh[8];

		if (f == NULL)
			goto nomem;
		if (unfrglen + 8 + 32 > NKE_MHLEN) {
			if (nke__m_clget(f, M_DONTWAIT, NKE_MCLBYTES) != 0) {
				nke__m_freem(f);
				goto nomem;
			}
		}
		f->m_data += 32;
		b = (u_int8_t *)f->m_data;
		memcpy(b, hdr, unfrglen);
		nke__put16(b + 4, (u_int16_t)(unfrglen - 40 + 8 + dlen));
		fh[0] = origfirst;
		fh[1] = 0;
		nke__put16(fh + 2, (u_int16_t)((off - unfrglen) | (off + dlen < total ? 1 : 0)));
		fh[4] = (u_int8_t)(id >> 24);
		fh[5] = (u_int8_t)(id >> 16);
		fh[6] = (u_int8_t)(id >> 8);
		fh[7] = (u_int8_t)id;
		memcpy(b + unfrglen, fh, 8);
		f->m_len = (int32_t)(unfrglen + 8);
		f->m_next = nke__m_copym(m, (int)off, (int)dlen, M_DONTWAIT);
		if (f->m_next == NULL) {
			nke__m_freem(f);
			goto nomem;
		}
		f->m_pkthdr.len = (int32_t)(unfrglen + 8 + dlen);
		memcpy(f->m_pkthdr.pkt_nkectx, m->m_pkthdr.pkt_nkectx, sizeof(f->m_pkthdr.pkt_nkectx));
		*tail = f;
		tail = &f->m_nextpkt;
	}
	nke__m_freem(m);
	return head;

nomem:
	nke__m_freem_list(head);
	nke__m_freem(m);
	return NULL;
}
