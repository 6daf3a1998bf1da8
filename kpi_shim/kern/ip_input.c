/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ip_input.c - IPv4 input of the simulated host (kernel world): XNU's
 * ip_input order of checks (length, version, header length, 127/8 off
 * loopback, header checksum unless the interface vouched for it, ip_len
 * against the packet, link padding trimmed), the "is it for us" decision,
 * reassembly, then the IPv4 filters (ipf_input, newest first) and the
 * hand-off to the transport layer.  A packet injected with a filter
 * reference skips everything up to the filters (kpi-reference 2.3.4).
 *
 * The stack's own drops are NKS_HOOK_STACK verdicts; the detail words are
 * the reasons listed in the report (too-short, bad-version, ...).
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>

#include "net_internal.h"

/* nke__ip_hdr_sum, read a word at a time (in_cksum.c). */
u_int16_t nke__in_hdr_cksum(const u_int8_t *ip, u_int32_t hlen);

/*
 * After the last IP filter: emission of what the filters let up (the
 * original fragments when a reassembled datagram came through unchanged),
 * then the transport layer.
 */
void
nke__ip_deliver(struct __mbuf *m, int family, int off, int proto, struct nke_pktinfo *pi)
{
	if (pi->pi_origs != NULL) {
		if (!(pi->pi_flags & NKE_PI_TOUCHED) &&
		    nke__hash(m, 0, (u_int32_t)m->m_pkthdr.len) == pi->pi_prehash) {
			nke__origs_emit(pi, NKS_DIR_IN);
		} else {
			nke__origs_free(pi);
			nke__emit_in(m, pi);
		}
	} else {
		nke__emit_in(m, pi);
	}
	nke__transport_input(m, family, off, proto, pi);
}

static void
bad(struct __mbuf *m, struct nke_pktinfo *pi, const char *why)
{
	nke__netstats.ns_bad++;
	nke__stack_drop(m, NKS_DIR_IN, pi, why);
}

void
nke__ip_input(struct __mbuf *m, struct nke_pktinfo *pi)
{
	struct nke_pktinfo rpi;
	struct __ifnet *ifp;
	u_int64_t inject;
	u_int8_t *ip;
	u_int32_t hlen, iplen, ipoff, plen;
	int trunc;

	m->m_nextpkt = NULL;
	if (m->m_pkthdr.rcvif == NULL)
		m->m_pkthdr.rcvif = pi->pi_ifp;
	ifp = m->m_pkthdr.rcvif;
	if (pi->pi_ifp == NULL)
		pi->pi_ifp = ifp;
	trunc = (pi->pi_flags & NKE_PI_TRUNC) || (NKE_PC(m)->pc_flags & NKE_PC_TRUNC);

	inject = m->m_pkthdr.tags != NULL ? nke__ipf_get_inject(m) : 0; /* no tag: none, no call */
	if (inject != 0) {
		/* Injected with a reference: straight to the filters. */
		if (m->m_pkthdr.len < 20 || (m->m_len < 20 && (m = nke__m_pullup(m, 20)) == NULL)) {
			bad(m, pi, "too-short");
			return;
		}
		ip = (u_int8_t *)m->m_data;
		hlen = (u_int32_t)(ip[0] & 0x0f) << 2;
		if (hlen < 20 || (u_int32_t)m->m_pkthdr.len < hlen) {
			bad(m, pi, "bad-header-length");
			return;
		}
		if ((u_int32_t)m->m_len < hlen && (m = nke__m_pullup(m, (int)hlen)) == NULL) {
			bad(NULL, pi, "bad-header-length");
			return;
		}
		goto dispatch;
	}

	if (m->m_pkthdr.len < 20) {
		bad(m, pi, "too-short");
		return;
	}
	if (m->m_len < 20 && (m = nke__m_pullup(m, 20)) == NULL) {
		bad(NULL, pi, "too-short");
		return;
	}
	ip = (u_int8_t *)m->m_data;
	if ((ip[0] >> 4) != 4) {
		bad(m, pi, "bad-version");
		return;
	}
	hlen = (u_int32_t)(ip[0] & 0x0f) << 2;
	if (hlen < 20) {
		bad(m, pi, "bad-header-length");
		return;
	}
	if ((u_int32_t)m->m_len < hlen) {
		if ((u_int32_t)m->m_pkthdr.len < hlen) {
			bad(m, pi, "bad-header-length");
			return;
		}
		if ((m = nke__m_pullup(m, (int)hlen)) == NULL) {
			bad(NULL, pi, "bad-header-length");
			return;
		}
		ip = (u_int8_t *)m->m_data;
	}
	/* 127/8 must not appear on the wire (RFC 1122). */
	if ((ip[12] == 127 || ip[16] == 127) && !(ifp->if_flags & IFF_LOOPBACK) &&
	    !(m->m_pkthdr.pkt_flags & PKTF_LOOP)) {
		bad(m, pi, "martian");
		return;
	}
	/*
	 * The header checksum, unless the interface says it checked it (lo0
	 * does).  NKE-DIVERGENCE: not verified for a truncated record.
	 */
	if (m->m_pkthdr.csum_flags & CSUM_IP_CHECKED) {
		if (!(m->m_pkthdr.csum_flags & CSUM_IP_VALID)) {
			bad(m, pi, "bad-checksum");
			return;
		}
	} else if (!trunc) {
		u_int16_t want = nke__in_hdr_cksum(ip, hlen);

		if (memcmp(&want, ip + 10, 2) != 0) {
			bad(m, pi, "bad-checksum");
			return;
		}
		pi->pi_flags |= NKE_PI_HDRSUM_OK; /* ipf_input need not recompute it */
	}
	iplen = nke__be16(ip + 2);
	if (iplen < hlen) {
		bad(m, pi, "bad-length");
		return;
	}
	plen = (u_int32_t)m->m_pkthdr.len;
	if (plen < iplen) {
		/*
		 * NKE-DIVERGENCE: a truncated record keeps going although the
		 * datagram is shorter than ip_len (XNU would drop it).
		 */
		if (!trunc) {
			bad(m, pi, "too-short");
			return;
		}
	} else if (plen > iplen) {
		/* Link padding. */
		nke__m_adj(m, (int)iplen - (int)plen);
		pi->pi_trimmed += plen - iplen;
	}
	if (!nke__in_ours(ifp, ip + 16)) {
		/* Not for us: forwarding is off (macOS's default). */
		nke__netstats.ns_notlocal++;
		nke__stack_drop(m, NKS_DIR_IN, pi, "not-local");
		return;
	}
	ipoff = nke__be16(ip + 6);
	if (ipoff & 0x3fff) {
		if (trunc) {
			nke__netstats.ns_frags++;
			nke__netstats.ns_frag_dropped++;
			nke__stack_drop(m, NKS_DIR_IN, pi, "frag-truncated");
			return;
		}
		m = nke__ip_reass(m, pi, NKS_DIR_IN, &rpi);
		if (m == NULL)
			return;
		pi = &rpi;
		ip = (u_int8_t *)m->m_data;
		hlen = (u_int32_t)(ip[0] & 0x0f) << 2;
		/* The datagram's header checksum, as ipf_input will show it. */
		ip[10] = ip[11] = 0;
		{
			u_int16_t s = nke__ip_hdr_sum(ip, hlen);

			memcpy(ip + 10, &s, 2);
		}
		if (pi->pi_origs != NULL)
			pi->pi_prehash = nke__hash(m, 0, (u_int32_t)m->m_pkthdr.len);
	}

dispatch:
	ip = (u_int8_t *)m->m_data;
	{
		int proto = ip[9];

		if (nke__ipf_input_run(4, &m, (int)hlen, proto, &inject, pi) != 0) {
			nke__origs_free(pi);
			return;
		}
		nke__ip_deliver(m, 4, (int)hlen, proto, pi);
	}
}
