/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcp_sim.c - TCP of the simulated host (kernel world): connections
 * inferred from the capture's segments, their sockets' life cycle with the
 * events XNU posts (bsd/netinet/tcp_input.c, tcp_usrreq.c, tcp_subr.c),
 * stream reassembly feeding sf_data_in the in-order byte stream, and the
 * outbound side: the application's writes (the new bytes of captured
 * segments) through sf_data_out, then the captured segment itself, or,
 * when a filter kept, dropped, changed or injected data, segments the
 * stack builds for the bytes that actually leave, correctly sequenced.
 *
 * The replay is open-loop: the peer's segments (their sequence and
 * acknowledgement numbers) stay as captured; our outbound sequence numbers
 * are shifted by what the filters removed or added so far.  docs/sockets.md
 * gives the rules (who is client, flows whose start is missing, gaps,
 * truncated records, when the application closes).
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <sys/malloc.h>

#include "sock_internal.h"

#define SEQ_LT(a, b)  ((int32_t)((a) - (b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((a) - (b)) <= 0)
#define SEQ_GT(a, b)  ((int32_t)((a) - (b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((a) - (b)) >= 0)

#define TH_FIN  0x01
#define TH_SYN  0x02
#define TH_RST  0x04
#define TH_PUSH 0x08
#define TH_ACK  0x10

/* A parsed segment. */
struct seg {
	int fam;            /* 4 or 6 */
	u_int32_t off;      /* transport header offset */
	u_int32_t thl;      /* TCP header length */
	u_int8_t src[16], dst[16];
	u_int16_t sport, dport; /* network order */
	u_int32_t seq, ack;
	u_int8_t flags;
	u_int32_t wire;     /* payload bytes per the IP header */
	u_int32_t cap;      /* payload bytes the record holds */
	u_int32_t doff;     /* payload offset in the chain */
	u_int32_t mss;      /* MSS option (SYN), 0 if none */
	int trunc;
};

static u_int32_t
get32(const u_int8_t *p)
{
	return nke__be32(p);
}

static void
put32(u_int8_t *p, u_int32_t v)
{
	p[0] = (u_int8_t)(v >> 24);
	p[1] = (u_int8_t)(v >> 16);
	p[2] = (u_int8_t)(v >> 8);
	p[3] = (u_int8_t)v;
}

/* [off, off+len) of the chain, in place when contiguous, else copied into buf. */
static const u_int8_t *
hdr_bytes(struct __mbuf *m, u_int32_t off, u_int32_t len, u_int8_t *buf)
{
	if ((u_int32_t)m->m_len >= off + len)
		return (const u_int8_t *)m->m_data + off;
	nke__m_copydata(m, (int)off, (int)len, buf);
	return buf;
}

/* Parse m (IP header at 0, TCP at off).  0 if it is not a usable segment. */
static int
seg_parse(struct __mbuf *m, int family, int off, struct nke_pktinfo *pi, struct seg *s)
{
	u_int8_t ipb[40], thb[60];
	const u_int8_t *ip, *th;
	u_int32_t have = (u_int32_t)m->m_pkthdr.len, iplen, i;

	s->fam = family;
	s->off = (u_int32_t)off;
	s->mss = 0;
	s->trunc = (pi->pi_flags & NKE_PI_TRUNC) || (NKE_PC(m)->pc_flags & NKE_PC_TRUNC);
	if (have < (u_int32_t)off + 20 || have < (family == 4 ? 20u : 40u))
		return 0;
	ip = hdr_bytes(m, 0, family == 4 ? 20 : 40, ipb);
	th = hdr_bytes(m, (u_int32_t)off, 20, thb);
	s->thl = (u_int32_t)(th[12] >> 4) << 2;
	if (s->thl < 20 || have < (u_int32_t)off + s->thl)
		return 0;
	if (s->thl > 20 && (th[13] & TH_SYN))
		th = hdr_bytes(m, (u_int32_t)off, s->thl, thb);
	if (family == 4) {
		memcpy(s->src, ip + 12, 4);
		memcpy(s->dst, ip + 16, 4);
		iplen = nke__be16(ip + 2);
	} else {
		memcpy(s->src, ip + 8, 16);
		memcpy(s->dst, ip + 24, 16);
		iplen = 40 + nke__be16(ip + 4);
	}
	memcpy(&s->sport, th, 2);
	memcpy(&s->dport, th + 2, 2);
	s->seq = get32(th + 4);
	s->ack = get32(th + 8);
	s->flags = th[13];
	if (iplen < (u_int32_t)off + s->thl)
		return 0;
	s->wire = iplen - (u_int32_t)off - s->thl;
	s->doff = (u_int32_t)off + s->thl;
	s->cap = have - s->doff;
	if (s->cap > s->wire)
		s->cap = s->wire;
	if (s->flags & TH_SYN) {
		for (i = 20; i + 1 < s->thl;) {
			u_int8_t k = th[i];

			if (k == 0)
				break;
			if (k == 1) {
				i++;
				continue;
			}
			if (th[i + 1] < 2 || i + th[i + 1] > s->thl)
				break;
			if (k == 2 && th[i + 1] == 4)
				s->mss = nke__be16(th + i + 2);
			i += th[i + 1];
		}
	}
	return 1;
}

static void
seg_key(const struct seg *s, int inbound, struct nke_sokey *k)
{
	const u_int8_t *la = inbound ? s->dst : s->src, *fa = inbound ? s->src : s->dst;

	memset(k, 0, sizeof(*k));
	k->k_kind = NKE_KEY_TCP;
	k->k_fam = (u_int8_t)s->fam;
	/* Copies of a constant size (expanded in place). */
	if (s->fam == 4) {
		memcpy(k->k_laddr, la, 4);
		memcpy(k->k_faddr, fa, 4);
	} else {
		memcpy(k->k_laddr, la, 16);
		memcpy(k->k_faddr, fa, 16);
	}
	k->k_lport = inbound ? s->dport : s->sport;
	k->k_fport = inbound ? s->sport : s->dport;
}

static const char *
so_tuple(struct __socket *so, char *buf, size_t size)
{
	char a[64], b[64];

	nke__snprintf(buf, size, "%s>%s", nke__sa_str(&so->so_laddr.sa, a, sizeof(a)),
	              so->so_hasfaddr ? nke__sa_str(&so->so_faddr.sa, b, sizeof(b)) : "-");
	return buf;
}

/* Software verification of an inbound segment's checksum (tcp_input_checksum). */
static int
cksum_ok(struct __mbuf *m, const struct seg *s)
{
	u_int32_t len = s->thl + s->wire;

	if (m->m_pkthdr.csum_flags & CSUM_DATA_VALID) {
		if (m->m_pkthdr.csum_flags & CSUM_PSEUDO_HDR)
			return (m->m_pkthdr.csum_data ^ 0xffff) == 0;
		return 1; /* partial sums: trusted */
	}
	if (s->trunc || (u_int32_t)m->m_pkthdr.len < s->off + len)
		return 1; /* NKE-DIVERGENCE: a truncated record cannot be verified */
	if (s->fam == 4)
		return nke__inet_cksum(m, IPPROTO_TCP, s->off, len) == 0;
	return nke__inet6_cksum(m, IPPROTO_TCP, s->off, len) == 0;
}

/* --- Closing (tcp_usrreq.c / tcp_subr.c) ---------------------------------------------- */

static void tcp_reass_flush(struct __socket *so, const char *why);

/* tcp_close: the connection is gone; the socket follows when nothing holds it. */
static void
tcp_close(struct __socket *so)
{
	struct nke_tcpcb *tp = &so->so_tcp;

	if (!(so->so_nkflags & NKE_SOF_PCB))
		return;
	tp->t_state = NKE_TCPS_CLOSED;
	nke__so_set_timer(so, 0);
	nke__soisdisconnected(so);
	nke__so_pcb_gone(so);
}

/* tcp_usrclosed */
static void
tcp_usrclosed(struct __socket *so)
{
	struct nke_tcpcb *tp = &so->so_tcp;

	switch (tp->t_state) {
	case NKE_TCPS_CLOSED:
	case NKE_TCPS_LISTEN:
	case NKE_TCPS_SYN_SENT:
		tcp_close(so);
		return;
	case NKE_TCPS_SYN_RCVD:
		break; /* TF_NEEDFIN */
	case NKE_TCPS_ESTABLISHED:
		tp->t_state = NKE_TCPS_FIN_WAIT_1;
		break;
	case NKE_TCPS_CLOSE_WAIT:
		tp->t_state = NKE_TCPS_LAST_ACK;
		break;
	}
	if (tp->t_state >= NKE_TCPS_FIN_WAIT_2)
		nke__soisdisconnected(so);
}

/* tcp_disconnect */
static void
tcp_disconnect(struct __socket *so)
{
	struct nke_tcpcb *tp = &so->so_tcp;

	if (tp->t_state < NKE_TCPS_ESTABLISHED) {
		tcp_close(so);
	} else if ((so->so_options & SO_LINGER) && so->so_linger == 0) {
		tcp_close(so); /* tcp_drop */
	} else {
		nke__soisdisconnecting(so);
		tcp_usrclosed(so);
	}
}

/* soclose_locked for a TCP socket: what the application's close() does. */
static void
tcp_app_close(struct __socket *so)
{
	if (so->so_state & NKE_SS_NOFDREF)
		return;
	nke__sflt_notify(so, sock_evt_closing, NULL);
	if ((so->so_state & NKE_SS_ISCONNECTED) && !(so->so_state & NKE_SS_ISDISCONNECTING)) {
		/* sodisconnectlocked: pru_disconnect, then sock_evt_disconnected. */
		tcp_disconnect(so);
		nke__sflt_notify(so, sock_evt_disconnected, NULL);
	}
	/* pru_detach (tcp_usr_detach) disconnects again. */
	if (so->so_nkflags & NKE_SOF_PCB)
		tcp_disconnect(so);
	nke__so_note(so, 0, NULL, "close so=%u", so->so_id);
	nke__so_app_closed(so);
}

void
nke__tcp_app_exit(struct __socket *so)
{
	if (so->so_state & NKE_SS_INCOMP) {
		/* Never accepted: its listener's close aborts it. */
		tcp_close(so);
		return;
	}
	/*
	 * The process exits: close(), as it would (FIN and all), then the
	 * connection is dropped: with the capture over, nothing more happens
	 * on the wire (NKE-DIVERGENCE: XNU would send the FIN and wait).
	 */
	tcp_app_close(so);
	tcp_reass_flush(so, "exit");
	tcp_close(so);
}

void
nke__tcp_discard(struct __socket *so)
{
	struct nke_tcpcb *tp = &so->so_tcp;
	struct __mbuf *m, *next;

	for (m = tp->t_rq; m != NULL; m = next) {
		next = m->m_nextpkt;
		m->m_nextpkt = NULL;
		nke__m_freem(m);
	}
	tp->t_rq = NULL;
	tp->t_rqbytes = 0;
	for (m = tp->t_sndq; m != NULL; m = next) {
		next = m->m_nextpkt;
		m->m_nextpkt = NULL;
		nke__m_freem(m);
	}
	tp->t_sndq = NULL;
	tp->t_sndq_tail = &tp->t_sndq;
}

/* --- Reassembly (their stream) ----------------------------------------------------------- */

/* Sequence number and length of a queued segment (kept in its packet context). */
#define RQ_SEQ(m) (NKE_PC(m)->pc_qarg)
#define RQ_LEN(m) ((u_int32_t)(m)->m_pkthdr.len)
/* Bytes of the sequence space it stands for beyond its data (a truncated record). */
#define RQ_MISS(m) (NKE_PC(m)->pc_spare)

static void
tcp_gap(struct __socket *so, u_int32_t n, int out, const char *why)
{
	if (n == 0)
		return;
	nke__so_note(so, 0, NULL, "gap so=%u %s bytes=%u %s", so->so_id, out ? "out" : "in", n, why);
}

/* In-order data to the socket (sbappendstream). */
static void
tcp_deliver(struct __socket *so, struct __mbuf *m, struct __ifnet *ifp)
{
	if (m->m_pkthdr.len == 0) {
		nke__m_freem(m);
		return;
	}
	nke__so_append(so, NULL, m, NULL, 0, 0, ifp);
}

static void tcp_fin_in(struct __socket *so);

/* tcp_reass_drain() with something to do (out of line). */
static __attribute__((noinline)) void
tcp_reass_drain_work(struct __socket *so)
{
	struct nke_tcpcb *tp = &so->so_tcp;
	struct __mbuf *m;

	while ((m = tp->t_rq) != NULL && SEQ_LEQ(RQ_SEQ(m), tp->t_rcv_nxt)) {
		u_int32_t seq = RQ_SEQ(m), len = RQ_LEN(m), miss = RQ_MISS(m);
		u_int32_t skip = tp->t_rcv_nxt - seq;
		struct __ifnet *ifp = m->m_pkthdr.rcvif;

		tp->t_rq = m->m_nextpkt;
		m->m_nextpkt = NULL;
		tp->t_rqbytes -= len;
		if (skip >= len + miss) {
			nke__m_freem(m);
			continue;
		}
		if (skip > 0 && skip <= len) {
			nke__m_adj(m, (int)skip);
			len -= skip;
			skip = 0;
		} else if (skip > len) {
			/* Only part of the missing tail is new. */
			miss -= skip - len;
			nke__m_adj(m, (int)len);
			len = 0;
		}
		tp->t_rcv_nxt += len;
		tcp_deliver(so, m, ifp);
		if (miss > 0) {
			tcp_gap(so, miss, 0, "truncated");
			tp->t_rcv_nxt += miss;
		}
	}
	if ((tp->t_flags & NKE_TF_FINRCVD) && !(tp->t_flags & NKE_TF_FINDONE) &&
	    tp->t_rcv_nxt == tp->t_rcv_fin)
		tcp_fin_in(so);
}

/*
 * Deliver queued segments that are now in order (and their FIN once
 * everything before it is in).  Once per segment: nothing queued within
 * reach and no FIN, the usual case, is a test.
 */
static inline void
tcp_reass_drain(struct __socket *so)
{
	const struct nke_tcpcb *tp = &so->so_tcp;

	if ((tp->t_rq == NULL || SEQ_GT(RQ_SEQ(tp->t_rq), tp->t_rcv_nxt)) &&
	    !(tp->t_flags & NKE_TF_FINRCVD))
		return;
	tcp_reass_drain_work(so);
}

/* A bound: everything before `limit` was received; skip what the capture lacks. */
static void
tcp_reass_skip_to(struct __socket *so, u_int32_t limit, const char *why)
{
	struct nke_tcpcb *tp = &so->so_tcp;

	while (SEQ_LT(tp->t_rcv_nxt, limit)) {
		struct __mbuf *m = tp->t_rq;
		u_int32_t to = limit;

		if (m != NULL && SEQ_LEQ(RQ_SEQ(m), tp->t_rcv_nxt)) {
			tcp_reass_drain(so);
			continue;
		}
		if (m != NULL && SEQ_LT(RQ_SEQ(m), limit))
			to = RQ_SEQ(m);
		tcp_gap(so, to - tp->t_rcv_nxt, 0, why);
		tp->t_rcv_nxt = to;
	}
	tcp_reass_drain(so);
}

/* Deliver all that is queued, reporting the holes (RST, exit). */
static void
tcp_reass_flush(struct __socket *so, const char *why)
{
	struct nke_tcpcb *tp = &so->so_tcp;
	struct __mbuf *last;

	if (tp->t_rq == NULL)
		return;
	for (last = tp->t_rq; last->m_nextpkt != NULL; last = last->m_nextpkt)
		continue;
	tcp_reass_skip_to(so, RQ_SEQ(last) + RQ_LEN(last) + RQ_MISS(last), why);
}

/* Queue an out-of-order segment: XNU's tcp_reass (earlier data wins over the new
   segment's front, the new segment wins over later queued data). */
static void
tcp_reass_insert(struct __socket *so, struct __mbuf *m)
{
	struct nke_tcpcb *tp = &so->so_tcp;
	struct __mbuf **pp = &tp->t_rq, *p = NULL, *q;
	u_int32_t seq = RQ_SEQ(m), len = RQ_LEN(m) + RQ_MISS(m);

	while (*pp != NULL && SEQ_LEQ(RQ_SEQ(*pp), seq)) {
		p = *pp;
		pp = &p->m_nextpkt;
	}
	if (p != NULL) {
		u_int32_t pend = RQ_SEQ(p) + RQ_LEN(p) + RQ_MISS(p);

		if (SEQ_GT(pend, seq)) {
			u_int32_t i = pend - seq;

			if (i >= len) {
				nke__m_freem(m);
				return;
			}
			if (i <= RQ_LEN(m)) {
				nke__m_adj(m, (int)i);
			} else {
				RQ_MISS(m) -= i - RQ_LEN(m);
				nke__m_adj(m, RQ_LEN(m));
			}
			seq += i;
			len -= i;
			RQ_SEQ(m) = seq;
		}
	}
	while ((q = *pp) != NULL && SEQ_GT(seq + len, RQ_SEQ(q))) {
		u_int32_t i = seq + len - RQ_SEQ(q), qlen = RQ_LEN(q) + RQ_MISS(q);

		if (i < qlen) {
			if (i <= RQ_LEN(q)) {
				nke__m_adj(q, (int)i);
				tp->t_rqbytes -= i;
			} else {
				RQ_MISS(q) -= i - RQ_LEN(q);
				tp->t_rqbytes -= RQ_LEN(q);
				nke__m_adj(q, RQ_LEN(q));
			}
			RQ_SEQ(q) += i;
			break;
		}
		*pp = q->m_nextpkt;
		q->m_nextpkt = NULL;
		tp->t_rqbytes -= RQ_LEN(q);
		nke__m_freem(q);
	}
	m->m_nextpkt = *pp;
	*pp = m;
	tp->t_rqbytes += RQ_LEN(m);
	if (tp->t_rqbytes > NKE_TCP_REASS_MAX) {
		/* Memory bound: give up on the first hole. */
		tcp_reass_skip_to(so, RQ_SEQ(tp->t_rq), "limit");
	}
}

/* Payload of an inbound segment (m: the whole packet; consumed). */
static void
tcp_data_in(struct __socket *so, struct __mbuf *m, const struct seg *s, u_int32_t dseq)
{
	struct nke_tcpcb *tp = &so->so_tcp;
	struct __ifnet *ifp = m->m_pkthdr.rcvif;
	u_int32_t skip = 0, avail, miss;

	if (s->wire == 0 || (tp->t_flags & NKE_TF_FINDONE)) {
		nke__m_freem(m);
		return;
	}
	if (!(tp->t_flags & NKE_TF_RCVKNOWN)) {
		tp->t_rcv_nxt = dseq;
		tp->t_flags |= NKE_TF_RCVKNOWN;
	}
	if (SEQ_LEQ(dseq + s->wire, tp->t_rcv_nxt)) {
		nke__m_freem(m); /* all seen before */
		return;
	}
	if (SEQ_LT(dseq, tp->t_rcv_nxt))
		skip = tp->t_rcv_nxt - dseq;
	/* The chain handed over is the packet itself, trimmed (m_adj). */
	avail = s->cap > skip ? s->cap - skip : 0;
	miss = s->wire - skip - avail;
	nke__m_adj(m, (int)(s->doff + (skip < s->cap ? skip : s->cap)));
	if ((u_int32_t)m->m_pkthdr.len > avail)
		nke__m_adj(m, (int)avail - m->m_pkthdr.len);
	if (dseq + skip == tp->t_rcv_nxt) {
		tp->t_rcv_nxt += avail;
		tcp_deliver(so, m, ifp);
		if (miss > 0) {
			tcp_gap(so, miss, 0, "truncated");
			tp->t_rcv_nxt += miss;
		}
		tcp_reass_drain(so);
		return;
	}
	RQ_SEQ(m) = dseq + skip;
	RQ_MISS(m) = miss;
	tcp_reass_insert(so, m);
}

/* Their FIN, in order (tcp_input's FIN processing). */
static void
tcp_fin_in(struct __socket *so)
{
	struct nke_tcpcb *tp = &so->so_tcp;

	if (tp->t_flags & NKE_TF_FINDONE)
		return;
	tp->t_flags |= NKE_TF_FINDONE;
	tp->t_rcv_nxt++;
	nke__socantrcvmore(so);
	switch (tp->t_state) {
	case NKE_TCPS_SYN_RCVD:
	case NKE_TCPS_ESTABLISHED:
		tp->t_state = NKE_TCPS_CLOSE_WAIT;
		break;
	case NKE_TCPS_FIN_WAIT_1:
		tp->t_state = NKE_TCPS_CLOSING;
		break;
	case NKE_TCPS_FIN_WAIT_2:
		tp->t_state = NKE_TCPS_TIME_WAIT;
		nke__so_set_timer(so, nke__clock_uptime_ns + 2 * NKE_TCP_MSL_NS);
		nke__soisdisconnected(so);
		break;
	}
	/* After shutdown(SHUT_WR), end of file is when the application closes. */
	if (tp->t_flags & NKE_TF_SHUTWR)
		tcp_app_close(so);
}

/* --- Building segments (our stream) --------------------------------------------------------- */

/* Remember the flow's framing and a header template from a captured outbound segment. */
static void
tcp_template(struct __socket *so, struct __mbuf *m, const struct seg *s, struct nke_pktinfo *pi)
{
	struct nke_tcpcb *tp = &so->so_tcp;
	u_int32_t iplen = s->fam == 4 ? 20 : 40;

	nke__m_copydata(m, 0, (int)iplen, tp->t_tpl);
	nke__m_copydata(m, (int)s->off, 20, tp->t_tpl + iplen);
	if (s->fam == 4)
		tp->t_tpl[0] = 0x45;
	else
		tp->t_tpl[6] = IPPROTO_TCP;
	tp->t_tplip = iplen;
	if (!(tp->t_flags & NKE_TF_HAVETPL) || s->fam == 4)
		tp->t_ipid = s->fam == 4 ? nke__be16(tp->t_tpl + 4) : 0;
	tp->t_flags |= NKE_TF_HAVETPL;
	if (pi->pi_ifp != NULL)
		tp->t_ifp = pi->pi_ifp;
	if (pi->pi_flags & NKE_PI_HASLHDR) {
		memcpy(tp->t_lhdr, pi->pi_lhdr, NKE_ETHER_HDR);
		tp->t_haslhdr = 1;
		tp->t_ntags = pi->pi_ntags;
		memcpy(tp->t_tags, pi->pi_tags, sizeof(tp->t_tags));
	}
}

static u_int32_t
tcp_mss(struct __socket *so)
{
	struct nke_tcpcb *tp = &so->so_tcp;
	u_int32_t hdr = tp->t_tplip + 20, mss = tp->t_mss != 0 ? tp->t_mss : 1460;

	if (tp->t_ifp != NULL && tp->t_ifp->if_mtu > hdr && tp->t_ifp->if_mtu - hdr < mss)
		mss = tp->t_ifp->if_mtu - hdr;
	if (mss < 64)
		mss = 64;
	return mss;
}

/* One segment the stack builds: template header, flags, seq, payload [off, off+len) of d. */
static void
tcp_build(struct __socket *so, u_int8_t flags, u_int32_t seq, struct __mbuf *d, u_int32_t off,
          u_int32_t len, u_int64_t index, int injected)
{
	struct nke_tcpcb *tp = &so->so_tcp;
	struct nke_pktinfo pi;
	struct __mbuf *m;
	u_int32_t iph = tp->t_tplip, hl = iph + 20, ack;
	u_int8_t *p;

	m = len + hl <= NKE_MHLEN ? nke__m_gethdr(M_DONTWAIT, MT_DATA)
	                          : nke__m_getcl(M_DONTWAIT, MT_DATA, 1,
	                                         len + hl <= NKE_MCLBYTES ? NKE_MCLBYTES
	                                                                  : NKE_M16KCLBYTES);
	if (m == NULL) {
		nke__so_note(so, ENOBUFS, NULL, "nomem so=%u segment of %u bytes lost", so->so_id, len);
		return;
	}
	p = (u_int8_t *)m->m_data;
	memcpy(p, tp->t_tpl, hl);
	if (len > 0)
		nke__m_copydata(d, (int)off, (int)len, p + hl);
	m->m_len = m->m_pkthdr.len = (int32_t)(hl + len);
	if (iph == 20) {
		nke__put16(p + 2, (u_int16_t)(hl + len));
		nke__put16(p + 4, ++tp->t_ipid);
		p[6] &= 0x40; /* keep DF, no fragment offset */
		p[7] = 0;
		p[10] = p[11] = 0;
	} else {
		nke__put16(p + 4, (u_int16_t)(20 + len));
	}
	put32(p + iph + 4, seq);
	ack = (tp->t_flags & NKE_TF_RCVKNOWN) ? tp->t_rcv_nxt : get32(p + iph + 8);
	put32(p + iph + 8, ack);
	p[iph + 12] = 5 << 4;
	p[iph + 13] = flags;
	p[iph + 16] = p[iph + 17] = 0;
	p[iph + 18] = p[iph + 19] = 0;
	NKE_PC(m)->pc_index = index;
	if (injected || index == 0)
		NKE_PC(m)->pc_flags |= NKE_PC_INJECTED;
	memset(&pi, 0, sizeof(pi));
	pi.pi_index = index;
	pi.pi_dir = NKS_DIR_OUT;
	pi.pi_ifp = tp->t_ifp;
	if (tp->t_haslhdr) {
		memcpy(pi.pi_lhdr, tp->t_lhdr, NKE_ETHER_HDR);
		pi.pi_lhdrlen = NKE_ETHER_HDR;
		pi.pi_flags |= NKE_PI_HASLHDR;
		pi.pi_ntags = tp->t_ntags;
		memcpy(pi.pi_tags, tp->t_tags, sizeof(pi.pi_tags));
	}
	(void)nke__transport_send(m, iph == 20 ? 4 : 6, (int)iph, &pi);
}

/* Send what the protocol holds (tcp_output for the data filters left or added). */
static void
tcp_flush(struct __socket *so, u_int64_t index)
{
	struct nke_tcpcb *tp = &so->so_tcp;
	struct __mbuf *c;

	while ((c = tp->t_sndq) != NULL) {
		u_int32_t len = (u_int32_t)c->m_pkthdr.len, off, mss = tcp_mss(so);
		int injected = (NKE_PC(c)->pc_flags & NKE_PC_INJECTED) != 0;

		tp->t_sndq = c->m_nextpkt;
		if (tp->t_sndq == NULL)
			tp->t_sndq_tail = &tp->t_sndq;
		c->m_nextpkt = NULL;
		if (!(tp->t_flags & NKE_TF_HAVETPL) || !(tp->t_flags & NKE_TF_SNDKNOWN)) {
			/* NKE-DIVERGENCE: no outbound segment seen yet to model one on. */
			nke__so_note(so, ENOTCONN, c, "unsent so=%u bytes=%u no-template", so->so_id,
			             len);
			nke__m_freem(c);
			continue;
		}
		for (off = 0; off < len; off += mss) {
			u_int32_t n = len - off < mss ? len - off : mss;

			tcp_build(so, TH_PUSH | TH_ACK, tp->t_snd_wire, c, off, n,
			          index != 0 ? index : NKE_PC(c)->pc_index, injected);
			tp->t_snd_wire += n;
		}
		nke__m_freem(c);
	}
}

/* Do [off, off+len) of two chains hold the same bytes? */
static int
chains_equal(struct __mbuf *a, u_int32_t aoff, struct __mbuf *b, u_int32_t boff, u_int32_t len)
{
	for (; a != NULL && aoff >= (u_int32_t)a->m_len; a = a->m_next)
		aoff -= (u_int32_t)a->m_len;
	for (; b != NULL && boff >= (u_int32_t)b->m_len; b = b->m_next)
		boff -= (u_int32_t)b->m_len;
	while (len > 0) {
		u_int32_t n;

		while (a != NULL && aoff >= (u_int32_t)a->m_len) {
			a = a->m_next;
			aoff = 0;
		}
		while (b != NULL && boff >= (u_int32_t)b->m_len) {
			b = b->m_next;
			boff = 0;
		}
		if (a == NULL || b == NULL)
			return 0;
		n = (u_int32_t)a->m_len - aoff;
		if ((u_int32_t)b->m_len - boff < n)
			n = (u_int32_t)b->m_len - boff;
		if (n > len)
			n = len;
		if (memcmp(a->m_data + aoff, b->m_data + boff, n) != 0)
			return 0;
		aoff += n;
		boff += n;
		len -= n;
	}
	return 1;
}

int
nke__tcp_send(struct __socket *so, struct __mbuf *m, int injected)
{
	struct nke_tcpcb *tp = &so->so_tcp;
	u_int32_t len = (u_int32_t)m->m_pkthdr.len;

	if (tp->t_cap_expect && !injected && tp->t_sndq == NULL && len == tp->t_cap_len &&
	    (u_int32_t)nke__m_length(m) >= len &&
	    chains_equal(m, 0, tp->t_cap_m, tp->t_cap_off, len)) {
		/* The application's write reached the protocol as captured. */
		tp->t_cap_identity = 1;
		tp->t_cap_expect = 0;
		nke__m_freem(m);
		return 0;
	}
	if (len == 0) {
		nke__m_freem(m);
		return 0;
	}
	m->m_nextpkt = NULL;
	*tp->t_sndq_tail = m;
	tp->t_sndq_tail = &m->m_nextpkt;
	tp->t_flags |= NKE_TF_ALTERED;
	if (!tp->t_cap_expect && tp->t_cap_m == NULL)
		tcp_flush(so, 0); /* not inside a captured segment: sent now */
	return 0;
}

/* Rewrite the sequence number of a captured segment (checksum: computed later). */
static void
tcp_set_seq(struct __mbuf *m, const struct seg *s, u_int32_t seq, struct nke_pktinfo *pi)
{
	u_int8_t b[4];

	put32(b, seq);
	nke__m_copyback_inplace(m, (int)s->off + 4, 4, b);
	if (pi->pi_origs != NULL)
		nke__origs_free(pi);
}

/* A captured segment leaves with only its header (its payload was replaced). */
static void
tcp_strip_payload(struct __mbuf *m, const struct seg *s, struct nke_pktinfo *pi)
{
	u_int8_t b[2];

	if ((u_int32_t)m->m_pkthdr.len > s->doff)
		nke__m_adj(m, (int)s->doff - m->m_pkthdr.len);
	if (s->fam == 4)
		nke__put16(b, (u_int16_t)s->doff);
	else
		nke__put16(b, (u_int16_t)(s->doff - 40));
	nke__m_copyback_inplace(m, s->fam == 4 ? 2 : 4, 2, b);
	if (pi->pi_origs != NULL)
		nke__origs_free(pi);
}

/* --- Connections ------------------------------------------------------------------------------ */

/*
 * Both ends on this host (loopback): the peer's segments are produced in
 * the simulation, where filters may hold or change them, so our captured
 * acknowledgements say nothing about what arrived.
 */
static void
tcp_note_peer(struct __socket *so, const u_int8_t *faddr, int fam)
{
	if (fam == 4 ? nke__in_islocal(faddr) : nke__in6_islocal(faddr))
		so->so_tcp.t_flags |= NKE_TF_LOCALPEER;
}

static void
so_set_addrs(struct __socket *so, const struct seg *s, int inbound)
{
	int af = nke__af_of(s->fam);

	if (inbound) {
		nke__sa_set(&so->so_laddr, af, s->dst, s->dport);
		nke__sa_set(&so->so_faddr, af, s->src, s->sport);
	} else {
		nke__sa_set(&so->so_laddr, af, s->src, s->sport);
		nke__sa_set(&so->so_faddr, af, s->dst, s->dport);
	}
	so->so_hasfaddr = 1;
	so->so_nkflags |= NKE_SOF_BOUND;
}

/* A dead connection that refuses a key: later segments are dropped. */
static void
tcp_refused_tomb(const struct nke_sokey *k, u_int32_t iss);

/*
 * The application's connect(): outbound SYN with no socket.  NULL with
 * *refused set when a filter refused it, NULL alone when no socket could
 * be made (the segment then leaves untracked).
 */
/* A TCP socket of the application's (no listener) in the table under k, or NULL. */
static struct __socket *
tcp_socket_new(int af, const struct nke_sokey *k)
{
	struct __socket *so = nke__so_create(af, SOCK_STREAM, IPPROTO_TCP, NULL, 0);

	if (so != NULL && nke__so_insert(so, k) != 0) {
		nke__so_app_closed(so);
		nke__so_pcb_gone(so);
		so = NULL;
	}
	return so;
}

static struct __socket *
tcp_active_open(struct __mbuf *m, const struct seg *s, const struct nke_sokey *k, int *refused)
{
	struct __socket *so;
	struct nke_tcpcb *tp;
	struct nke_soctx sc;
	union nke_sa to, orig;
	char t[160];
	int error;

	so = tcp_socket_new(nke__af_of(s->fam), k);
	if (so == NULL)
		return NULL;
	tp = &so->so_tcp;
	nke__so_enter(&sc, so);
	nke__sflt_initsock(so);
	nke__sa_set(&to, so->so_family, s->dst, s->dport);
	orig = to;
	{
		union nke_sa from;
		char f[64];

		nke__sa_set(&from, so->so_family, s->src, s->sport);
		nke__so_note(so, 0, m, "connect so=%u %s>%s", so->so_id,
		             nke__sa_str(&from.sa, f, sizeof(f)), nke__sa_str(&to.sa, t, sizeof(t)));
	}
	tp->t_snd_cap = s->seq; /* the ISS, also for a refused connection's tombstone */
	error = nke__sflt_connectout(so, &to.sa);
	if (error != 0) {
		nke__so_note(so, error == EJUSTRETURN ? 0 : error, m, "connect-refused so=%u",
		             so->so_id);
		so->so_nkflags |= NKE_SOF_REFUSED;
		tcp_app_close(so);
		tcp_close(so);
		nke__so_leave(&sc);
		*refused = 1;
		return NULL;
	}
	if (memcmp(&to, &orig, sizeof(to)) != 0) {
		char a[64];

		if (to.sa.sa_family == orig.sa.sa_family && to.sa.sa_len == orig.sa.sa_len) {
			tp->t_flags |= NKE_TF_REDIRECT;
			memcpy(tp->t_cap_faddr, s->dst, sizeof(tp->t_cap_faddr));
			tp->t_cap_fport = s->dport;
			nke__so_note(so, 0, m, "redirect so=%u %s>%s", so->so_id,
			             nke__sa_str(&orig.sa, a, sizeof(a)), nke__sa_str(&to.sa, t, sizeof(t)));
		} else {
			/* NKE-DIVERGENCE: a redirect to another family is not simulated. */
			nke__so_note(so, EAFNOSUPPORT, m, "redirect-ignored so=%u to=%s", so->so_id,
			             nke__sa_str(&to.sa, t, sizeof(t)));
			to = orig;
		}
	}
	tcp_note_peer(so, s->dst, s->fam);
	/* tcp_connect: implicit bind (sock_evt_bound), then connecting. */
	nke__sa_set(&so->so_laddr, so->so_family, s->src, s->sport);
	so->so_faddr = to;
	so->so_hasfaddr = 1;
	nke__so_bound(so);
	tp->t_role = NKE_ROLE_ACTIVE;
	tp->t_state = NKE_TCPS_SYN_SENT;
	tp->t_snd_cap = tp->t_snd_wire = s->seq + 1;
	tp->t_flags |= NKE_TF_SNDKNOWN;
	nke__soisconnecting(so);
	nke__so_set_timer(so, nke__clock_uptime_ns + NKE_TCP_KEEPINIT_NS);
	nke__so_leave(&sc);
	return so;
}

/* The listening socket of a local port, created on first use. */
static struct __socket *
tcp_listener(const struct seg *s, struct __mbuf *m)
{
	struct nke_sokey lk;
	struct __socket *so;
	struct nke_soctx sc;
	union nke_sa any;
	char a[64];
	int error;

	memset(&lk, 0, sizeof(lk));
	lk.k_kind = NKE_KEY_LISTEN;
	lk.k_fam = (u_int8_t)s->fam;
	lk.k_lport = s->dport;
	so = nke__so_lookup(&lk);
	if (so != NULL)
		return so;
	so = nke__so_create(nke__af_of(s->fam), SOCK_STREAM, IPPROTO_TCP, NULL, 0);
	if (so == NULL)
		return NULL;
	so->so_nkflags |= NKE_SOF_LISTENER;
	if (nke__so_insert(so, &lk) != 0) {
		nke__so_app_closed(so);
		nke__so_pcb_gone(so);
		return NULL;
	}
	nke__so_enter(&sc, so);
	nke__sflt_initsock(so);
	/* bind(*:port) */
	nke__sa_set(&any, so->so_family, NULL, s->dport);
	nke__so_note(so, 0, m, "listen so=%u %s", so->so_id, nke__sa_str(&any.sa, a, sizeof(a)));
	error = nke__sflt_bind(so, &any.sa);
	if (error == 0) {
		so->so_laddr = any;
		nke__so_bound(so);
		/* listen() */
		error = nke__sflt_listen(so);
	}
	if (error != 0) {
		/* The port is not listening: connections to it are refused. */
		so->so_nkflags |= NKE_SOF_REFUSED;
		nke__so_note(so, error == EJUSTRETURN ? 0 : error, m, "listen-refused so=%u",
		             so->so_id);
	} else {
		so->so_options |= SO_ACCEPTCONN;
		so->so_tcp.t_state = NKE_TCPS_LISTEN;
	}
	nke__so_leave(&sc);
	return so;
}

/* Their SYN to a local port: the listener's sf_connect_in, then a new socket. */
static struct __socket *
tcp_passive_open(struct __mbuf *m, const struct seg *s, const struct nke_sokey *k)
{
	struct __socket *head, *so;
	struct nke_soctx sc, sc2;
	union nke_sa from;
	char t[160];
	int error;

	head = tcp_listener(s, m);
	if (head == NULL)
		return NULL;
	if (head->so_nkflags & NKE_SOF_REFUSED) {
		nke__so_note(head, ECONNREFUSED, m, "no-listener so=%u", head->so_id);
		return NULL;
	}
	nke__so_enter(&sc, head);
	nke__sa_set(&from, head->so_family, s->src, s->sport);
	error = nke__sflt_connectin(head, &from.sa);
	if (error != 0) {
		nke__so_note(head, error == EJUSTRETURN ? 0 : error, m,
		             "connect-in-refused so=%u from=%s", head->so_id,
		             nke__sa_str(&from.sa, t, sizeof(t)));
		tcp_refused_tomb(k, s->seq);
		nke__so_leave(&sc);
		return NULL;
	}
	so = nke__so_create(head->so_family, SOCK_STREAM, IPPROTO_TCP, head, 0);
	if (so == NULL || nke__so_insert(so, k) != 0) {
		if (so != NULL)
			nke__so_pcb_gone(so);
		nke__so_leave(&sc);
		return NULL;
	}
	nke__so_enter(&sc2, so);
	/* Filters attach before the addresses are known (sonewconn). */
	nke__sflt_initsock(so);
	so_set_addrs(so, s, 1);
	tcp_note_peer(so, s->src, s->fam);
	so->so_tcp.t_role = NKE_ROLE_PASSIVE;
	so->so_tcp.t_state = NKE_TCPS_SYN_RCVD;
	so->so_tcp.t_rcv_nxt = s->seq + 1;
	so->so_tcp.t_flags |= NKE_TF_RCVKNOWN;
	if (s->mss != 0)
		so->so_tcp.t_mss = s->mss;
	nke__so_note(so, 0, m, "incoming so=%u listener=%u %s", so->so_id, head->so_id,
	             so_tuple(so, t, sizeof(t)));
	nke__so_set_timer(so, nke__clock_uptime_ns + NKE_TCP_KEEPINIT_NS);
	nke__so_leave(&sc2);
	nke__so_leave(&sc);
	return so;
}

/* A connection whose start is not in the capture. */
static struct __socket *
tcp_adopt(struct __mbuf *m, const struct seg *s, const struct nke_sokey *k, int inbound)
{
	struct __socket *so;
	struct nke_tcpcb *tp;
	struct nke_soctx sc;
	u_int16_t lport = inbound ? s->dport : s->sport, fport = inbound ? s->sport : s->dport;
	u_int32_t dseq = s->seq + ((s->flags & TH_SYN) ? 1 : 0);
	int server;
	char t[160];

	so = tcp_socket_new(nke__af_of(s->fam), k);
	if (so == NULL)
		return NULL;
	tp = &so->so_tcp;
	nke__so_enter(&sc, so);
	nke__sflt_initsock(so);
	so_set_addrs(so, s, inbound);
	tcp_note_peer(so, inbound ? s->src : s->dst, s->fam);
	/* The server's port is the lower one (a SYN-ACK says it outright). */
	if (s->flags & TH_SYN)
		server = (s->flags & TH_ACK) ? !inbound : inbound;
	else
		server = nke__be16(&lport) < nke__be16(&fport);
	tp->t_role = NKE_ROLE_ADOPTED;
	tp->t_state = NKE_TCPS_ESTABLISHED;
	if (inbound) {
		tp->t_rcv_nxt = dseq;
		tp->t_flags |= NKE_TF_RCVKNOWN;
		if (s->flags & TH_ACK) {
			tp->t_snd_cap = tp->t_snd_wire = s->ack;
			tp->t_flags |= NKE_TF_SNDKNOWN;
		}
	} else {
		tp->t_snd_cap = tp->t_snd_wire = dseq;
		tp->t_flags |= NKE_TF_SNDKNOWN;
		if (s->flags & TH_ACK) {
			tp->t_rcv_nxt = s->ack;
			tp->t_flags |= NKE_TF_RCVKNOWN;
		}
	}
	nke__so_note(so, 0, m, "adopt so=%u %s %s", so->so_id, server ? "server" : "client",
	             so_tuple(so, t, sizeof(t)));
	nke__soisconnected(so);
	nke__so_leave(&sc);
	return so;
}

static void
tcp_refused_tomb(const struct nke_sokey *k, u_int32_t iss)
{
	struct __socket *so;

	so = tcp_socket_new(k->k_fam == 6 ? AF_INET6 : AF_INET, k);
	if (so == NULL)
		return;
	so->so_tcp.t_snd_cap = iss;
	/* No filters, no events: an entry that only turns into a refusing tombstone. */
	so->so_nkflags |= NKE_SOF_REFUSED;
	nke__so_app_closed(so);
	nke__so_pcb_gone(so);
}

/* The application accepts a connection that completed (soacceptfilter). */
static void
tcp_accept(struct __socket *so)
{
	struct __socket *head = so->so_head;
	struct sockaddr *sa;
	char t[160];
	int error;

	so->so_state &= ~(u_int32_t)(NKE_SS_INCOMP | NKE_SS_NOFDREF);
	nke__so_ref(so); /* the descriptor accept() returns */
	so->so_nkflags |= NKE_SOF_ACCEPTED;
	nke__so_note(so, 0, NULL, "accept so=%u listener=%u %s", so->so_id,
	             head != NULL ? head->so_id : 0, so_tuple(so, t, sizeof(t)));
	error = nke__sflt_accept(head, so, &so->so_laddr.sa, &so->so_faddr.sa);
	if (error != 0) {
		/*
		 * NKE-DIVERGENCE: EJUSTRETURN makes XNU's socket defunct, another
		 * error closes it; both close it here, and the rest of the
		 * connection is dropped.
		 */
		nke__so_note(so, error == EJUSTRETURN ? 0 : error, NULL, "accept-refused so=%u",
		             so->so_id);
		so->so_nkflags |= NKE_SOF_REFUSED;
		so->so_options |= SO_LINGER;
		so->so_linger = 0;
		tcp_app_close(so);
		tcp_close(so);
		return;
	}
	/* The server asks who connected (getpeername(2): sf_getpeername). */
	if (so->so_filt != NULL) {
		sa = _MALLOC(so->so_faddr.sa.sa_len, M_SONAME, M_WAITOK);
		memcpy(sa, &so->so_faddr, so->so_faddr.sa.sa_len);
		(void)nke__sflt_getpeername(so, &sa);
		if (sa != NULL)
			_FREE(sa, M_SONAME);
	}
}

/* The client asks its local address once connected (getsockname(2)). */
static void
tcp_connected_client(struct __socket *so)
{
	struct sockaddr *sa;

	if (so->so_filt == NULL)
		return;
	sa = _MALLOC(so->so_laddr.sa.sa_len, M_SONAME, M_WAITOK);
	memcpy(sa, &so->so_laddr, so->so_laddr.sa.sa_len);
	(void)nke__sflt_getsockname(so, &sa);
	if (sa != NULL)
		_FREE(sa, M_SONAME);
}

/* --- Inbound --------------------------------------------------------------------------------- */

static void
tcp_in_rst(struct __socket *so)
{
	struct nke_tcpcb *tp = &so->so_tcp;

	switch (tp->t_state) {
	case NKE_TCPS_SYN_SENT:
	case NKE_TCPS_SYN_RCVD:
		so->so_error = ECONNREFUSED;
		break;
	case NKE_TCPS_ESTABLISHED:
	case NKE_TCPS_FIN_WAIT_1:
	case NKE_TCPS_CLOSE_WAIT:
	case NKE_TCPS_FIN_WAIT_2:
		so->so_error = ECONNRESET;
		break;
	case NKE_TCPS_TIME_WAIT:
		return;
	default:
		break;
	}
	nke__so_note(so, 0, NULL, "reset so=%u by-peer", so->so_id);
	tcp_reass_flush(so, "rst");
	tcp_close(so);
	/* The application sees the error and closes (an accepted one never was). */
	if (!(so->so_state & NKE_SS_INCOMP))
		tcp_app_close(so);
}

static void
tcp_in_seg(struct __socket *so, struct __mbuf *m, const struct seg *s)
{
	struct nke_tcpcb *tp = &so->so_tcp;
	u_int32_t dseq = s->seq;
	int isconnected = 0, isdisconnected = 0, ourfinacked = 0, wasincomp;

	nke__so_touch(so);
	if (s->flags & TH_RST) {
		nke__m_freem(m);
		tcp_in_rst(so);
		return;
	}
	if (s->flags & TH_SYN) {
		dseq++;
		if (s->mss != 0)
			tp->t_mss = s->mss;
		if (tp->t_state == NKE_TCPS_SYN_SENT && (s->flags & TH_ACK)) {
			tp->t_rcv_nxt = dseq;
			tp->t_flags |= NKE_TF_RCVKNOWN;
			tp->t_state = NKE_TCPS_ESTABLISHED;
			nke__so_set_timer(so, 0);
			isconnected = 1;
		} else if (tp->t_state == NKE_TCPS_SYN_RCVD && s->wire > 0 &&
		           !(so->so_state & NKE_SS_ISCONNECTED)) {
			/* TCP Fast Open: data on the SYN, connected at once. */
			isconnected = 1;
		}
	}
	if (s->flags & TH_ACK) {
		if ((tp->t_flags & NKE_TF_FINSENT) && !(tp->t_flags & NKE_TF_FINACKED) &&
		    SEQ_GEQ(s->ack, tp->t_snd_fin + 1)) {
			tp->t_flags |= NKE_TF_FINACKED;
			ourfinacked = 1;
		}
		if (tp->t_state == NKE_TCPS_SYN_RCVD && !(s->flags & TH_SYN)) {
			tp->t_state = NKE_TCPS_ESTABLISHED;
			nke__so_set_timer(so, 0);
			if (!(so->so_state & NKE_SS_ISCONNECTED))
				isconnected = 1;
		}
		if (ourfinacked) {
			switch (tp->t_state) {
			case NKE_TCPS_FIN_WAIT_1:
				tp->t_state = NKE_TCPS_FIN_WAIT_2;
				if (so->so_state & NKE_SS_CANTRCVMORE)
					isdisconnected = 1;
				break;
			case NKE_TCPS_CLOSING:
				tp->t_state = NKE_TCPS_TIME_WAIT;
				nke__so_set_timer(so, nke__clock_uptime_ns + 2 * NKE_TCP_MSL_NS);
				isdisconnected = 1;
				break;
			case NKE_TCPS_LAST_ACK:
				nke__m_freem(m);
				tcp_close(so);
				return;
			}
		}
	}
	/* dodata: the connection state before the data. */
	wasincomp = (so->so_state & NKE_SS_INCOMP) != 0;
	if (isconnected)
		nke__soisconnected(so);
	else if (isdisconnected)
		nke__soisdisconnected(so);
	if (isconnected && tp->t_role == NKE_ROLE_ACTIVE)
		tcp_connected_client(so);
	if (s->flags & TH_FIN) {
		u_int32_t fin = dseq + s->wire;

		if (!(tp->t_flags & NKE_TF_FINRCVD)) {
			tp->t_flags |= NKE_TF_FINRCVD;
			tp->t_rcv_fin = fin;
		}
	}
	tcp_data_in(so, m, s, dseq);
	if ((tp->t_flags & NKE_TF_FINRCVD) && !(tp->t_flags & NKE_TF_FINDONE)) {
		if (!(tp->t_flags & NKE_TF_RCVKNOWN)) {
			tp->t_rcv_nxt = tp->t_rcv_fin;
			tp->t_flags |= NKE_TF_RCVKNOWN;
		}
		if (tp->t_rcv_nxt == tp->t_rcv_fin)
			tcp_fin_in(so);
		else if ((s->flags & TH_FIN) && !(so->so_nkflags & NKE_SOF_ONTIMER) &&
		         !(tp->t_flags & NKE_TF_LOCALPEER))
			/* A hole before their FIN: wait a little for the missing data. */
			nke__so_set_timer(so, nke__clock_uptime_ns + NKE_TCP_FINHOLE_NS);
	}
	if (wasincomp && (so->so_state & NKE_SS_ISCONNECTED) && (so->so_nkflags & NKE_SOF_PCB))
		tcp_accept(so);
}

void
nke__tcp_input(struct __mbuf *m, int family, int off, struct nke_pktinfo *pi)
{
	struct nke_sokey k;
	struct __socket *so;
	struct nke_soctx sc;
	struct seg s;

	if (!seg_parse(m, family, off, pi, &s)) {
		if (nke__vd_on())
			nke__verdict(NKS_HOOK_STACK, NKS_DIR_IN, pi->pi_ifp, 0, NULL, 0, NULL, m, 0,
			             "tcp-bad-header");
		nke__m_freem(m);
		return;
	}
	if (!cksum_ok(m, &s)) {
		if (nke__vd_on())
			nke__verdict(NKS_HOOK_STACK, NKS_DIR_IN, pi->pi_ifp, 0, NULL, 0, NULL, m, 0,
			             "bad-checksum proto=6");
		nke__m_freem(m);
		return;
	}
	seg_key(&s, 1, &k);
	so = nke__so_lookup(&k);
	if (so != NULL && (so->so_nkflags & NKE_SOF_TOMB)) {
		if ((s.flags & (TH_SYN | TH_ACK)) == TH_SYN) {
			nke__so_untomb(&k); /* a new connection on the same ports */
			so = NULL;
		} else {
			nke__so_note(NULL, 0, m, "no-socket so=%u in %s", so->so_id,
			             (so->so_nkflags & NKE_SOF_REFUSED) ? "refused" : "closed");
			nke__m_freem(m);
			return;
		}
	}
	if (so == NULL) {
		if (s.flags & TH_RST) {
			nke__so_note(NULL, 0, m, "no-socket in rst");
			nke__m_freem(m);
			return;
		}
		if ((s.flags & (TH_SYN | TH_ACK)) == TH_SYN)
			so = tcp_passive_open(m, &s, &k);
		else
			so = tcp_adopt(m, &s, &k, 1);
		if (so == NULL) {
			nke__m_freem(m);
			return;
		}
	}
	nke__so_enter(&sc, so);
	tcp_in_seg(so, m, &s);
	nke__so_leave(&sc);
}

/* --- Outbound (the captured segments) ----------------------------------------------------------- */

/* Our RST: an abortive close by the application, or the stack's answer. */
static void
tcp_out_rst(struct __socket *so)
{
	nke__so_note(so, 0, NULL, "reset so=%u by-us", so->so_id);
	if (!(so->so_state & NKE_SS_NOFDREF) && !(so->so_state & NKE_SS_INCOMP)) {
		so->so_options |= SO_LINGER;
		so->so_linger = 0;
		tcp_app_close(so);
	}
	tcp_reass_flush(so, "rst");
	tcp_close(so);
}

/* Our FIN (captured): the application's shutdown(SHUT_WR) or close(). */
static void
tcp_out_fin(struct __socket *so)
{
	struct nke_tcpcb *tp = &so->so_tcp;
	int how = SHUT_WR;

	switch (tp->t_state) {
	case NKE_TCPS_CLOSE_WAIT:
		tcp_app_close(so);
		break;
	case NKE_TCPS_SYN_RCVD:
	case NKE_TCPS_ESTABLISHED:
		/* soshutdownlock_final: the event, then pru_shutdown. */
		tp->t_flags |= NKE_TF_SHUTWR;
		nke__sflt_notify(so, sock_evt_shutdown, &how);
		nke__socantsendmore(so);
		tcp_usrclosed(so);
		break;
	default:
		break;
	}
}

static void
tcp_out_seg(struct __socket *so, struct __mbuf *m, const struct seg *s, struct nke_pktinfo *pi)
{
	struct nke_tcpcb *tp = &so->so_tcp;
	u_int32_t dseq = s->seq + ((s->flags & TH_SYN) ? 1 : 0), newoff = 0, nwire = 0, ncap = 0;
	u_int32_t delta, fin_new = 0;
	int identity = 1, drop = 0;

	nke__so_touch(so);
	if (tp->t_flags & NKE_TF_REDIRECT) {
		/* The connection continues to the new destination. */
		u_int32_t alen = s->fam == 4 ? 4 : 16;
		const union nke_sa *fa = &so->so_faddr;

		nke__m_copyback_inplace(m, s->fam == 4 ? 16 : 24, (int)alen,
		                        s->fam == 4 ? (const void *)&fa->sin.sin_addr
		                                    : (const void *)&fa->sin6.sin6_addr);
		nke__m_copyback_inplace(m, (int)s->off + 2, 2,
		                        s->fam == 4 ? (const void *)&fa->sin.sin_port
		                                    : (const void *)&fa->sin6.sin6_port);
		if (pi->pi_origs != NULL)
			nke__origs_free(pi);
	}
	/*
	 * Only a filter can make the stack build segments: no template without
	 * one, and a fresh one now and then (its acknowledgement number is not
	 * used, the window may be a little old).
	 */
	if (so->so_filt != NULL &&
	    (!(tp->t_flags & NKE_TF_HAVETPL) || (tp->t_flags & NKE_TF_ALTERED) ||
	     ((s->flags & TH_ACK) && (tp->t_tplage++ & 31) == 0)))
		tcp_template(so, m, s, pi);
	if ((s->flags & TH_SYN) && tp->t_role == NKE_ROLE_PASSIVE &&
	    !(tp->t_flags & NKE_TF_SNDKNOWN)) {
		/* Our SYN-ACK: our initial sequence number. */
		tp->t_snd_cap = tp->t_snd_wire = dseq;
		tp->t_flags |= NKE_TF_SNDKNOWN;
	}
	if (!(tp->t_flags & NKE_TF_SNDKNOWN)) {
		tp->t_snd_cap = tp->t_snd_wire = dseq;
		tp->t_flags |= NKE_TF_SNDKNOWN;
	}
	if (s->flags & TH_RST) {
		delta = tp->t_snd_wire - tp->t_snd_cap;
		if (delta != 0)
			tcp_set_seq(m, s, s->seq + delta, pi);
		tcp_out_rst(so);
		(void)nke__transport_send(m, s->fam, (int)s->off, pi);
		return;
	}
	/* Our acknowledgement: a bound for the holes in their stream. */
	if ((s->flags & TH_ACK) && (tp->t_flags & NKE_TF_RCVKNOWN) &&
	    !(tp->t_flags & (NKE_TF_FINDONE | NKE_TF_LOCALPEER)) && SEQ_GT(s->ack, tp->t_rcv_nxt)) {
		u_int32_t lim = s->ack;

		if ((tp->t_flags & NKE_TF_FINRCVD) && SEQ_GT(lim, tp->t_rcv_fin))
			lim = tp->t_rcv_fin;
		tcp_reass_skip_to(so, lim, "acked");
		if ((tp->t_flags & NKE_TF_FINRCVD) && SEQ_GT(s->ack, tp->t_rcv_fin))
			tcp_reass_drain(so); /* their FIN, acknowledged: processed */
	}
	if (s->wire > 0 && SEQ_GT(dseq, tp->t_snd_cap)) {
		/* Bytes we sent that the capture lacks: they left as they were. */
		u_int32_t g = dseq - tp->t_snd_cap;

		tcp_gap(so, g, 1, "missing");
		tp->t_snd_cap += g;
		tp->t_snd_wire += g;
	}
	delta = tp->t_snd_wire - tp->t_snd_cap;
	if (SEQ_LT(dseq, tp->t_snd_cap))
		newoff = tp->t_snd_cap - dseq;
	if (s->wire > newoff && !(tp->t_flags & NKE_TF_FINSENT)) {
		nwire = s->wire - newoff;
		ncap = s->cap > newoff ? s->cap - newoff : 0;
	}
	tp->t_cap_m = m; /* inside a captured segment: what reaches the protocol waits */
	if (nwire > 0) {
		/* The application's write: these bytes, through sf_data_out. */
		nke__so_app_data(so, 1, m, s->doff + newoff, ncap);
		if (ncap < nwire)
			tcp_gap(so, nwire - ncap, 1, "truncated");
		if (ncap > 0 && nke__so_has_data_filters(so, 1)) {
			struct __mbuf *c = nke__so_copy_chain(m, s->doff + newoff, ncap);

			if (c != NULL) {
				tp->t_cap_expect = 1;
				tp->t_cap_off = s->doff + newoff;
				tp->t_cap_len = ncap;
				tp->t_cap_identity = 0;
				(void)nke__so_send(so, NULL, c, NULL, 0, pi->pi_ifp);
				tp->t_cap_expect = 0;
				identity = tp->t_cap_identity;
			}
		}
		tp->t_snd_cap += nwire;
		if (!identity)
			tp->t_flags |= NKE_TF_ALTERED;
	} else if (s->wire > 0 && delta != 0) {
		/* A retransmission of bytes that moved: they no longer exist there. */
		drop = 1;
	}
	if ((s->flags & TH_FIN) && !(tp->t_flags & NKE_TF_FINSENT)) {
		tp->t_flags |= NKE_TF_FINSENT;
		tp->t_snd_fin = dseq + s->wire;
		tcp_out_fin(so);
		if (tp->t_snd_fin == tp->t_snd_cap) {
			fin_new = 1;
			tp->t_snd_cap++;
		}
	}
	tp->t_cap_m = NULL;

	if (identity && !drop && tp->t_sndq == NULL) {
		/* The captured segment, as captured but for the sequence shift. */
		if (delta != 0)
			tcp_set_seq(m, s, s->seq + delta, pi);
		tp->t_snd_wire += nwire + fin_new;
		(void)nke__transport_send(m, s->fam, (int)s->off, pi);
		return;
	}
	if (identity && !drop) {
		/* Its data left as captured; what a filter injected since goes before the FIN. */
		if (nwire > 0 || (s->flags & TH_SYN)) {
			if (s->flags & TH_FIN) {
				u_int8_t fl = s->flags & ~(u_int8_t)TH_FIN;

				nke__m_copyback_inplace(m, (int)s->off + 13, 1, &fl);
				if (pi->pi_origs != NULL)
					nke__origs_free(pi);
			}
			if (delta != 0)
				tcp_set_seq(m, s, s->seq + delta, pi);
			tp->t_snd_wire += nwire;
			(void)nke__transport_send(m, s->fam, (int)s->off, pi);
			m = NULL;
		}
	} else if ((s->flags & TH_SYN) && !drop) {
		/* Our SYN goes, the stack's data after it. */
		u_int8_t fl = s->flags & ~(u_int8_t)TH_FIN;

		tcp_strip_payload(m, s, pi);
		if (fl != s->flags)
			nke__m_copyback_inplace(m, (int)s->off + 13, 1, &fl);
		if (delta != 0)
			tcp_set_seq(m, s, s->seq + delta, pi);
		(void)nke__transport_send(m, s->fam, (int)s->off, pi);
		m = NULL;
	}
	tcp_flush(so, pi->pi_index);
	if (fin_new) {
		if (m != NULL) {
			u_int8_t fl = s->flags & ~(u_int8_t)(TH_PUSH | TH_SYN);

			tcp_strip_payload(m, s, pi);
			tcp_set_seq(m, s, tp->t_snd_wire, pi);
			nke__m_copyback_inplace(m, (int)s->off + 13, 1, &fl);
			(void)nke__transport_send(m, s->fam, (int)s->off, pi);
			m = NULL;
		} else {
			tcp_build(so, TH_FIN | TH_ACK, tp->t_snd_wire, NULL, 0, 0, pi->pi_index, 0);
		}
		tp->t_snd_wire++;
	}
	if (m != NULL) {
		nke__so_note(so, 0, m, "%s so=%u", drop ? "retransmission-dropped" : "segment-replaced",
		             so->so_id);
		if (pi->pi_origs != NULL)
			nke__origs_free(pi);
		nke__m_freem(m);
	}
}

void
nke__tcp_output_captured(struct __mbuf *m, int family, int off, struct nke_pktinfo *pi)
{
	struct nke_sokey k;
	struct __socket *so;
	struct nke_soctx sc;
	struct seg s;

	if (!seg_parse(m, family, off, pi, &s)) {
		(void)nke__transport_send(m, family, off, pi);
		return;
	}
	seg_key(&s, 0, &k);
	so = nke__so_lookup(&k);
	if (so != NULL && (so->so_nkflags & NKE_SOF_TOMB)) {
		int refused = (so->so_nkflags & NKE_SOF_REFUSED) != 0;

		if ((s.flags & (TH_SYN | TH_ACK)) == TH_SYN &&
		    !(refused && so->so_tcp.t_snd_cap == s.seq)) {
			nke__so_untomb(&k);
			so = NULL;
		} else if (refused) {
			/* A filter refused this connection: its segments never leave. */
			nke__so_note(NULL, 0, m, "refused-flow so=%u", so->so_id);
			if (pi->pi_origs != NULL)
				nke__origs_free(pi);
			nke__m_freem(m);
			return;
		} else {
			(void)nke__transport_send(m, family, off, pi);
			return;
		}
	}
	if (so == NULL) {
		if ((s.flags & (TH_SYN | TH_ACK)) == TH_SYN) {
			int refused = 0;

			so = tcp_active_open(m, &s, &k, &refused);
			if (so == NULL && refused) {
				/* connect() failed: the SYN never left. */
				if (pi->pi_origs != NULL)
					nke__origs_free(pi);
				nke__m_freem(m);
				return;
			}
			if (so == NULL) {
				(void)nke__transport_send(m, family, off, pi);
				return;
			}
		} else if (s.flags & TH_RST) {
			(void)nke__transport_send(m, family, off, pi);
			return;
		} else {
			so = tcp_adopt(m, &s, &k, 0);
			if (so == NULL) {
				(void)nke__transport_send(m, family, off, pi);
				return;
			}
		}
	}
	nke__so_enter(&sc, so);
	tcp_out_seg(so, m, &s, pi);
	nke__so_leave(&sc);
}

/* --- Timers -------------------------------------------------------------------------------------- */

void
nke__tcp_timer(struct __socket *so)
{
	struct nke_tcpcb *tp = &so->so_tcp;

	switch (tp->t_state) {
	case NKE_TCPS_TIME_WAIT:
		tcp_close(so);
		return;
	case NKE_TCPS_SYN_SENT:
	case NKE_TCPS_SYN_RCVD:
		/* Connection establishment timed out. */
		nke__so_note(so, ETIMEDOUT, NULL, "timeout so=%u", so->so_id);
		so->so_error = ETIMEDOUT;
		tcp_close(so);
		if (!(so->so_state & NKE_SS_INCOMP))
			tcp_app_close(so);
		return;
	default:
		break;
	}
	if ((tp->t_flags & NKE_TF_FINRCVD) && !(tp->t_flags & NKE_TF_FINDONE))
		/* Their FIN waited long enough behind a hole. */
		tcp_reass_skip_to(so, tp->t_rcv_fin, "before-fin");
}
