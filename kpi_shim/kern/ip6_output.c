/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ip6_output.c - IPv6 output of the simulated host (kernel world), in
 * XNU's order (ip6_output.c): the IPv6 filters (ipf_output) with a
 * link-local destination's scope embedded in bytes 2-3 of ip6_dst while
 * they run (KAME), then checksum finalisation per offload (only for a
 * packet without extension headers, as XNU), fragmentation with a Fragment
 * header when larger than the MTU, and the data link.  Captured traffic
 * keeps its identity as in ip_output.c.
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>

#include "net_internal.h"

int
nke__ip6_lasthdr(struct __mbuf *m, u_int32_t start, int *nxtp, u_int32_t *unfrg)
{
	u_int32_t off = start, len = (u_int32_t)m->m_pkthdr.len, uf = start;
	int nxt = *nxtp;
	u_int8_t b[2];

	for (;;) {
		u_int32_t hl;

		if (nxt != 0 && nxt != 43 && nxt != 60 && nxt != 51)
			break;
		if (off + 2 > len)
			return -1;
		nke__m_copydata(m, (int)off, 2, b);
		hl = nxt == 51 ? ((u_int32_t)b[1] + 2) << 2 : ((u_int32_t)b[1] + 1) << 3;
		if (nxt == 0 || nxt == 43)
			uf = off + hl; /* hop-by-hop and routing (with what precedes) stay whole */
		nxt = b[0];
		off += hl;
	}
	if (off > len)
		return -1;
	*nxtp = nxt;
	if (unfrg != NULL)
		*unfrg = uf;
	return (int)off;
}

/* Link-local and interface/link-local multicast destinations carry a scope. */
static int
scoped(const u_int8_t *a)
{
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return 1;
	return a[0] == 0xff && ((a[1] & 0x0f) == 0x01 || (a[1] & 0x0f) == 0x02);
}

int
nke__ip6_output(struct __mbuf *m, int flags, ipf_pktopts_t opts, struct nke_pktinfo *pi)
{
	struct ipf_pktopts ippo;
	struct __ifnet *ifp;
	u_int64_t inject;
	u_int8_t *ip6;
	u_int32_t unfrg = 40, mtu;
	int trunc, unchanged = -1, nxt, off;

	(void)flags;
	m->m_nextpkt = NULL;
	inject = nke__ipf_get_inject(m);
	trunc = (pi->pi_flags & NKE_PI_TRUNC) || (NKE_PC(m)->pc_flags & NKE_PC_TRUNC);
	if (m->m_pkthdr.len < 40 || (m->m_len < 40 && (m = nke__m_pullup(m, 40)) == NULL)) {
		nke__stack_drop(m, NKS_DIR_OUT, pi, "too-short");
		return EINVAL;
	}
	ip6 = (u_int8_t *)m->m_data;
	if ((ip6[0] >> 4) != 6) {
		nke__stack_drop(m, NKS_DIR_OUT, pi, "bad-version");
		return EINVAL;
	}
	ifp = pi->pi_ifp;
	if (ifp == NULL) {
		u_int32_t boundif = 0;

		if (opts != NULL && (opts->ippo_flags & IPPOF_BOUND_IF))
			boundif = opts->ippo_flags >> IPPOF_SHIFT_IFSCOPE;
		if (opts != NULL && (opts->ippo_flags & IPPOF_MCAST_OPTS) &&
		    opts->ippo_mcast_ifnet != NULL && ip6[24] == 0xff)
			ifp = opts->ippo_mcast_ifnet;
		else
			ifp = nke__route(6, ip6 + 24, boundif);
		if (ifp == NULL) {
			nke__stack_drop(m, NKS_DIR_OUT, pi, "no-route");
			return EHOSTUNREACH;
		}
		pi->pi_ifp = ifp;
	}

	memset(&ippo, 0, sizeof(ippo));
	if (opts != NULL)
		ippo.ippo_flags = opts->ippo_flags & ~(u_int32_t)IPPOF_MCAST_OPTS;
	if (pi->pi_origs != NULL)
		pi->pi_prehash = nke__hash(m, 0, (u_int32_t)m->m_pkthdr.len);
	if (!TAILQ_EMPTY(&nke__ipv6_filters)) {
		if (scoped(ip6 + 24) && ip6[26] == 0 && ip6[27] == 0)
			/* The KAME embedded scope, while the filters look. */
			nke__put16(ip6 + 26, (u_int16_t)ifp->if_index);
		if (nke__ipf_output_run(6, &m, inject, &ippo, pi) != 0) {
			nke__origs_free(pi);
			return 0;
		}
		if (m->m_len < 40 && (m = nke__m_pullup(m, 40)) == NULL) {
			nke__origs_free(pi);
			nke__stack_drop(NULL, NKS_DIR_OUT, pi, "too-short");
			return EINVAL;
		}
		ip6 = (u_int8_t *)m->m_data;
		if (scoped(ip6 + 24))
			ip6[26] = ip6[27] = 0;
	}
	if (pi->pi_origs != NULL) {
		if (!(pi->pi_flags & NKE_PI_TOUCHED) &&
		    nke__hash(m, 0, (u_int32_t)m->m_pkthdr.len) == pi->pi_prehash) {
			nke__m_freem(m);
			nke__send_originals(ifp, NKE_AF_INET6, pi);
			return 0;
		}
		nke__origs_free(pi);
	}

	nxt = ip6[6];
	off = nke__ip6_lasthdr(m, 40, &nxt, &unfrg);
	mtu = ifp->if_mtu;
	if (!trunc && pi->pi_nsum > 0 && nke__captured_restore(m, pi)) {
		/* Unchanged capture: its checksum as captured (see ip_output.c). */
		u_int32_t hw = 0;

		if (ifp->if_offload & IFNET_CSUM_TCPIPV6)
			hw |= CSUM_TCPIPV6;
		if (ifp->if_offload & IFNET_CSUM_UDPIPV6)
			hw |= CSUM_UDPIPV6;
		m->m_pkthdr.csum_flags &= ~(~hw & CSUM_DELAY_IPV6_DATA);
		unchanged = 1;
	} else if (!trunc && off >= 0 && (m->m_pkthdr.csum_flags & CSUM_DELAY_IPV6_DATA)) {
		u_int32_t hw = 0, want = m->m_pkthdr.csum_flags & CSUM_DELAY_IPV6_DATA;

		if (ifp->if_offload & IFNET_CSUM_TCPIPV6)
			hw |= CSUM_TCPIPV6;
		if (ifp->if_offload & IFNET_CSUM_UDPIPV6)
			hw |= CSUM_UDPIPV6;
		/* Hardware only for a bare transport header and an unfragmented packet. */
		if ((want & ~hw) || off != 40 ||
		    ((u_int32_t)m->m_pkthdr.len > mtu && !(ifp->if_flags & IFF_LOOPBACK)))
			(void)nke__in6_finalize_cksum(m, 0, off - 40, nxt, want);
	}
	if (unchanged < 0 && pi->pi_nsum > 0)
		unchanged = 0;

	if ((u_int32_t)m->m_pkthdr.len <= mtu || (ifp->if_flags & IFF_LOOPBACK))
		return nke__dlil_output(ifp, NKE_AF_INET6, m, 0, pi);
	if (unchanged < 0)
		unchanged = nke__captured_unchanged(m, pi);
	if (unchanged > 0 || off < 0)
		/* NKE-DIVERGENCE: see ip_output.c (captured TSO/GSO packets). */
		return nke__dlil_output(ifp, NKE_AF_INET6, m, 0, pi);
	if (m->m_pkthdr.csum_flags & CSUM_DELAY_IPV6_DATA)
		(void)nke__in6_finalize_cksum(m, 0, off - 40, nxt,
		                              m->m_pkthdr.csum_flags & CSUM_DELAY_IPV6_DATA);
	return nke__output_fragments(ifp, NKE_AF_INET6, nke__ip6_fragment(m, mtu, unfrg), pi);
}
