/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ip6_input.c - IPv6 input of the simulated host (kernel world), after
 * XNU's ip6_input: length and version checks, source/loopback sanity,
 * ip6_plen against the packet (padding trimmed), the "is it for us"
 * decision, hop-by-hop options, then the next-header loop where the IPv6
 * filters (ipf_input) run once per header, each time with that header's
 * offset and type, just before the header's own handler: routing and
 * destination options are skipped over, a Fragment header goes to frag6
 * (an atomic fragment just continues), and the upper layer ends the loop at
 * the transport hand-off.  The IPv6 header is never byte-swapped.  A
 * packet injected with a filter reference starts the loop directly, and
 * the skip rule applies until the injector is met (so, if it is met, only
 * to the first header).
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>

#include "net_internal.h"

#define IP6_HDRNESTLIMIT 15 /* XNU's ip6_hdrnestlimit */

static void
bad(struct __mbuf *m, struct nke_pktinfo *pi, const char *why)
{
	nke__netstats.ns_bad++;
	nke__stack_drop(m, NKS_DIR_IN, pi, why);
}

static int
is_loopback6(const u_int8_t *a)
{
	static const u_int8_t lo6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

	return memcmp(a, lo6, 16) == 0;
}

void
nke__ip6_input(struct __mbuf *m, struct nke_pktinfo *pi)
{
	struct nke_pktinfo rpi;
	struct __ifnet *ifp;
	u_int64_t inject;
	u_int8_t *ip6, b[8];
	u_int32_t plen, len;
	int nxt, off = 40, nest = 0, hbh = 0, trunc;

	m->m_nextpkt = NULL;
	if (m->m_pkthdr.rcvif == NULL)
		m->m_pkthdr.rcvif = pi->pi_ifp;
	ifp = m->m_pkthdr.rcvif;
	if (pi->pi_ifp == NULL)
		pi->pi_ifp = ifp;
	trunc = (pi->pi_flags & NKE_PI_TRUNC) || (NKE_PC(m)->pc_flags & NKE_PC_TRUNC);

	if (m->m_pkthdr.len < 40) {
		bad(m, pi, "too-short");
		return;
	}
	if (m->m_len < 40 && (m = nke__m_pullup(m, 40)) == NULL) {
		bad(NULL, pi, "too-short");
		return;
	}
	ip6 = (u_int8_t *)m->m_data;
	inject = m->m_pkthdr.tags != NULL ? nke__ipf_get_inject(m) : 0; /* no tag: none, no call */
	if (inject != 0) {
		nxt = ip6[6];
		goto loop;
	}
	if ((ip6[0] >> 4) != 6) {
		bad(m, pi, "bad-version");
		return;
	}
	/* A multicast source, or ::1 off loopback, never comes from the wire. */
	if (ip6[8] == 0xff ||
	    ((is_loopback6(ip6 + 8) || is_loopback6(ip6 + 24)) && !(ifp->if_flags & IFF_LOOPBACK) &&
	     !(m->m_pkthdr.pkt_flags & PKTF_LOOP))) {
		bad(m, pi, "bad-address");
		return;
	}
	plen = nke__be16(ip6 + 4);
	if (plen == 0 && ip6[6] == 0) {
		/* NKE-DIVERGENCE: jumbograms (RFC 2675) are not simulated. */
		bad(m, pi, "jumbogram");
		return;
	}
	len = (u_int32_t)m->m_pkthdr.len;
	if (len < 40 + plen) {
		/* NKE-DIVERGENCE: a truncated record keeps going (XNU drops it). */
		if (!trunc) {
			bad(m, pi, "too-short");
			return;
		}
	} else if (len > 40 + plen) {
		nke__m_adj(m, (int)(40 + plen) - (int)len);
		pi->pi_trimmed += len - 40 - plen;
	}
	if (!nke__in6_ours(ifp, ip6 + 24)) {
		nke__netstats.ns_notlocal++;
		nke__stack_drop(m, NKS_DIR_IN, pi, "not-local");
		return;
	}
	nxt = ip6[6];
	if (nxt == 0) {
		/* Hop-by-hop options, processed before the loop (ip6_hopopts_input). */
		if ((u_int32_t)m->m_pkthdr.len < 48) {
			bad(m, pi, "bad-option");
			return;
		}
		nke__m_copydata(m, 40, 2, b);
		off = 40 + (((int)b[1] + 1) << 3);
		if (off > m->m_pkthdr.len) {
			bad(m, pi, "bad-option");
			return;
		}
		nxt = b[0];
		hbh = 1;
	}

loop:
	for (;;) {
		if (nxt == 0 && !(hbh && off == 40)) {
			/* Hop-by-hop options anywhere but first. */
			bad(m, pi, "bad-option");
			nke__origs_free(pi);
			return;
		}
		if (++nest > IP6_HDRNESTLIMIT) {
			bad(m, pi, "too-many-headers");
			return;
		}
		if (m->m_pkthdr.len < off) {
			bad(m, pi, "too-short");
			return;
		}
		if (nke__ipf_input_run(6, &m, off, nxt, &inject, pi) != 0) {
			nke__origs_free(pi);
			return;
		}
		switch (nxt) {
		case 43: /* routing */
		case 60: /* destination options */
			if (m->m_pkthdr.len < off + 8) {
				bad(m, pi, "bad-header");
				return;
			}
			nke__m_copydata(m, off, 2, b);
			nxt = b[0];
			off += ((int)b[1] + 1) << 3;
			if (off > m->m_pkthdr.len) {
				bad(m, pi, "bad-header");
				return;
			}
			continue;
		case 44: /* fragment */
			if (m->m_pkthdr.len < off + 8) {
				bad(m, pi, "too-short");
				return;
			}
			nke__m_copydata(m, off, 8, b);
			if ((nke__be16(b + 2) & 0xfff9) == 0) {
				/* RFC 6946 atomic fragment: no reassembly, go on. */
				nxt = b[0];
				off += 8;
				continue;
			}
			if (trunc) {
				nke__netstats.ns_frags++;
				nke__netstats.ns_frag_dropped++;
				nke__stack_drop(m, NKS_DIR_IN, pi, "frag-truncated");
				return;
			}
			if (pi->pi_origs != NULL) {
				/* Nested fragmentation: the outer originals stand for it. */
				nke__origs_free(pi);
				pi->pi_flags |= NKE_PI_TOUCHED;
			}
			m = nke__frag6_input(m, &off, &nxt, pi, NKS_DIR_IN, &rpi);
			if (m == NULL)
				return;
			pi = &rpi;
			if (pi->pi_origs != NULL)
				pi->pi_prehash = nke__hash(m, 0, (u_int32_t)m->m_pkthdr.len);
			continue;
		default:
			nke__ip_deliver(m, 6, off, nxt, pi);
			return;
		}
	}
}
