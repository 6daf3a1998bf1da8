/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ip_output.c - IPv4 output of the simulated host (kernel world), in XNU's
 * order (ip_output.c): interface choice, the IPv4 filters (ipf_output,
 * newest first, ip_len/ip_off in network order, header checksum not
 * computed, TCP/UDP checksums pending), then checksum finalisation as the
 * interface's offload dictates (ip_output_checksum), fragmentation to the
 * MTU, and the data link (framer, iff_output, driver).
 *
 * Identity of captured traffic: when the filters left a captured packet
 * as it was, it leaves with the bytes it was captured with -- its captured
 * checksum fields where finalisation would write something else, and its
 * original fragments when it was captured fragmented.  The checks cost
 * nothing when the finalised checksums already match the capture.
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>

#include "net_internal.h"

/* --- Shared with ip6_output.c -------------------------------------------------------- */

/*
 * Is the captured packet m unchanged, checksum fields apart?  Compares the
 * chain with the captured bytes (synchronous only: pi_frame is the frame
 * still being processed).
 */
/* Whether m may still be the captured packet: a captured, not injected one
   whose length is the capture's (*lenp). */
static inline int
captured_len(struct __mbuf *m, const struct nke_pktinfo *pi, u_int32_t *lenp)
{
	u_int32_t len = (u_int32_t)m->m_pkthdr.len;

	if (!(pi->pi_flags & NKE_PI_CAPTURED) || pi->pi_frame == NULL ||
	    (pi->pi_flags & NKE_PI_INJECTED) || (NKE_PC(m)->pc_flags & NKE_PC_INJECTED))
		return 0;
	if (pi->pi_framelen < pi->pi_l2len + pi->pi_trimmed ||
	    len != pi->pi_framelen - pi->pi_l2len - pi->pi_trimmed)
		return 0;
	*lenp = len;
	return 1;
}

int
nke__captured_unchanged(struct __mbuf *m, const struct nke_pktinfo *pi)
{
	const u_int8_t *cap;
	u_int32_t len, pos = 0, i, offs[2];

	if (!captured_len(m, pi, &len) || nke__m_length(m) < len)
		return 0;
	cap = pi->pi_frame + pi->pi_l2len;
	/* Everything but the checksum fields (offsets in increasing order). */
	for (i = 0; i < pi->pi_nsum; i++)
		offs[i] = pi->pi_sumoff[i];
	if (pi->pi_nsum == 2 && offs[0] > offs[1]) {
		offs[0] = pi->pi_sumoff[1];
		offs[1] = pi->pi_sumoff[0];
	}
	for (i = 0; i < pi->pi_nsum; i++) {
		if (offs[i] < pos || offs[i] + 2 > len)
			continue;
		if (!nke__range_equal(m, pos, cap + pos, offs[i] - pos))
			return 0;
		pos = offs[i] + 2;
	}
	return nke__range_equal(m, pos, cap + pos, len - pos);
}

/*
 * nke__captured_unchanged(), and if so the captured checksum fields put back
 * (returns 1).  With the fields in the first mbuf: the captured values
 * written in first and the packet compared with the capture at once (the
 * pending values restored when it differs); one comparison instead of one
 * per run of bytes between the fields.
 */
int
nke__captured_restore(struct __mbuf *m, struct nke_pktinfo *pi)
{
	u_int8_t save[2][2];
	u_int32_t len, i;

	if (!captured_len(m, pi, &len))
		return 0;
	for (i = 0; i < pi->pi_nsum; i++) {
		if (pi->pi_sumoff[i] + 2 > (u_int32_t)m->m_len) {
			if (!nke__captured_unchanged(m, pi))
				return 0;
			for (i = 0; i < pi->pi_nsum; i++)
				nke__m_copyback_inplace(m, (int)pi->pi_sumoff[i], 2,
				                        &pi->pi_sumval[i]);
			return 1;
		}
	}
	for (i = 0; i < pi->pi_nsum; i++) {
		u_int8_t *f = (u_int8_t *)m->m_data + pi->pi_sumoff[i];

		memcpy(save[i], f, 2);
		memcpy(f, &pi->pi_sumval[i], 2);
	}
	if (nke__range_equal(m, 0, pi->pi_frame + pi->pi_l2len, len))
		return 1;
	for (i = pi->pi_nsum; i-- > 0;)
		memcpy((u_int8_t *)m->m_data + pi->pi_sumoff[i], save[i], 2);
	return 0;
}

/*
 * After finalisation: if the checksum fields differ from the captured ones
 * but nothing else changed, put the captured values back (the capture is
 * what this host sent).  Returns 1 when the packet is the captured one.
 */
int
nke__restore_captured_sums(struct __mbuf *m, struct nke_pktinfo *pi, int offloaded)
{
	u_int32_t i;
	int differ = 0;

	if (pi->pi_nsum == 0)
		return 0;
	for (i = 0; i < pi->pi_nsum; i++) {
		u_int8_t cur[2];

		if ((u_int32_t)m->m_pkthdr.len < pi->pi_sumoff[i] + 2)
			return 0;
		nke__m_copydata(m, (int)pi->pi_sumoff[i], 2, cur);
		if (memcmp(cur, &pi->pi_sumval[i], 2) != 0)
			differ = 1;
	}
	if (!differ)
		return nke__captured_unchanged(m, pi);
	if (!nke__captured_unchanged(m, pi))
		return 0;
	/*
	 * NKE-DIVERGENCE: the captured checksums (possibly what an offloading
	 * or buggy sender left) go out instead of the ones XNU would compute.
	 */
	for (i = 0; i < pi->pi_nsum; i++)
		nke__m_copyback_inplace(m, (int)pi->pi_sumoff[i], 2, &pi->pi_sumval[i]);
	if (!offloaded)
		m->m_pkthdr.csum_flags &=
		    ~(u_int32_t)(CSUM_DELAY_IP | CSUM_DELAY_DATA | CSUM_DELAY_IPV6_DATA);
	return 1;
}

/* A datagram captured fragmented went through unchanged: its fragments leave. */
void
nke__send_originals(struct __ifnet *ifp, u_int32_t pf, struct nke_pktinfo *pi)
{
	struct __mbuf *c, *next;

	for (c = pi->pi_origs; c != NULL; c = next) {
		struct nke_pktinfo cpi;
		struct nke_pktctx *pc = NKE_PC(c);
		u_int32_t l2 = pc->pc_spare;

		next = c->m_nextpkt;
		c->m_nextpkt = NULL;
		memset(&cpi, 0, sizeof(cpi));
		cpi.pi_index = pc->pc_index;
		cpi.pi_dir = NKS_DIR_OUT;
		cpi.pi_ifp = ifp;
		if (nke__emit_on() && c->m_pkthdr.len > 0) {
			/* Emitted "unchanged" only if it still is (iff_output runs). */
			cpi.pi_flags |= NKE_PI_ORIGINAL;
			cpi.pi_prehash = nke__hash(c, 0, (u_int32_t)c->m_pkthdr.len);
		}
		if (pc->pc_flags & NKE_PC_TRUNC)
			cpi.pi_flags |= NKE_PI_TRUNC;
		if (ifp->if_nkstype == NKS_IFT_ETHER && l2 >= NKE_ETHER_HDR &&
		    (u_int32_t)c->m_len >= l2) {
			const u_int8_t *f = (const u_int8_t *)c->m_data;

			memcpy(cpi.pi_lhdr, f, 12);
			memcpy(cpi.pi_lhdr + 12, f + l2 - 2, 2);
			cpi.pi_lhdrlen = NKE_ETHER_HDR;
			cpi.pi_flags |= NKE_PI_HASLHDR;
			cpi.pi_ntags = (l2 - NKE_ETHER_HDR) / 4;
			memcpy(cpi.pi_tags, f + 12, l2 - NKE_ETHER_HDR);
		}
		pc->pc_flags &= (u_int16_t)~NKE_PC_COPY;
		pc->pc_spare = 0;
		nke__m_adj(c, (int)l2);
		(void)nke__dlil_output(ifp, pf, c, 0, &cpi);
	}
	pi->pi_origs = NULL;
}

/* --- IPv4 --------------------------------------------------------------------------- */

static u_int32_t
hw_csum_flags(struct __ifnet *ifp)
{
	u_int32_t hw = 0;

	if (ifp->if_offload & IFNET_CSUM_IP)
		hw |= CSUM_IP;
	if (ifp->if_offload & IFNET_CSUM_TCP)
		hw |= CSUM_TCP;
	if (ifp->if_offload & IFNET_CSUM_UDP)
		hw |= CSUM_UDP;
	return hw;
}

int
nke__ip_output(struct __mbuf *m, int flags, ipf_pktopts_t opts, struct nke_pktinfo *pi)
{
	struct ipf_pktopts ippo;
	struct __ifnet *ifp;
	u_int64_t inject;
	u_int8_t *ip;
	u_int32_t hlen, iplen, sw, hw, mtu;
	int trunc, unchanged = -1;

	(void)flags;
	m->m_nextpkt = NULL;
	inject = nke__ipf_get_inject(m);
	trunc = (pi->pi_flags & NKE_PI_TRUNC) || (NKE_PC(m)->pc_flags & NKE_PC_TRUNC);
	if (m->m_pkthdr.len < 20 || (m->m_len < 20 && (m = nke__m_pullup(m, 20)) == NULL)) {
		nke__stack_drop(m, NKS_DIR_OUT, pi, "too-short");
		return EINVAL;
	}
	ip = (u_int8_t *)m->m_data;
	hlen = (u_int32_t)(ip[0] & 0x0f) << 2;
	if (hlen < 20 || (u_int32_t)m->m_pkthdr.len < hlen ||
	    ((u_int32_t)m->m_len < hlen && (m = nke__m_pullup(m, (int)hlen)) == NULL)) {
		nke__stack_drop(m, NKS_DIR_OUT, pi, "bad-header-length");
		return EINVAL;
	}
	ip = (u_int8_t *)m->m_data;

	/* The interface. */
	ifp = pi->pi_ifp;
	if (ifp == NULL) {
		u_int32_t boundif = 0;

		if (opts != NULL && (opts->ippo_flags & IPPOF_BOUND_IF))
			boundif = opts->ippo_flags >> IPPOF_SHIFT_IFSCOPE;
		if (opts != NULL && (opts->ippo_flags & IPPOF_MCAST_OPTS) &&
		    opts->ippo_mcast_ifnet != NULL && ip[16] >= 224 && ip[16] <= 239)
			ifp = opts->ippo_mcast_ifnet;
		else
			ifp = nke__route(4, ip + 16, boundif);
		if (ifp == NULL) {
			nke__stack_drop(m, NKS_DIR_OUT, pi, "no-route");
			return EHOSTUNREACH;
		}
		pi->pi_ifp = ifp;
	}

	/* The IPv4 filters. */
	memset(&ippo, 0, sizeof(ippo));
	if (opts != NULL)
		ippo.ippo_flags = opts->ippo_flags & ~(u_int32_t)IPPOF_MCAST_OPTS;
	if (pi->pi_origs != NULL)
		pi->pi_prehash = nke__hash(m, 0, (u_int32_t)m->m_pkthdr.len);
	if (nke__ipf_output_run(4, &m, inject, &ippo, pi) != 0) {
		nke__origs_free(pi);
		return 0;
	}
	if (m->m_len < 20 && (m = nke__m_pullup(m, 20)) == NULL) {
		nke__origs_free(pi);
		nke__stack_drop(NULL, NKS_DIR_OUT, pi, "too-short");
		return EINVAL;
	}
	ip = (u_int8_t *)m->m_data;
	hlen = (u_int32_t)(ip[0] & 0x0f) << 2;
	if (hlen < 20 || (u_int32_t)m->m_pkthdr.len < hlen ||
	    ((u_int32_t)m->m_len < hlen && (m = nke__m_pullup(m, (int)hlen)) == NULL)) {
		nke__origs_free(pi);
		nke__stack_drop(m, NKS_DIR_OUT, pi, "bad-header-length");
		return EINVAL;
	}
	ip = (u_int8_t *)m->m_data;

	if (pi->pi_origs != NULL) {
		if (!(pi->pi_flags & NKE_PI_TOUCHED) &&
		    nke__hash(m, 0, (u_int32_t)m->m_pkthdr.len) == pi->pi_prehash) {
			nke__m_freem(m);
			nke__send_originals(ifp, NKE_AF_INET, pi);
			return 0;
		}
		nke__origs_free(pi);
	}

	/* 127/8 must not appear on the wire (RFC 1122). */
	if (!(ifp->if_flags & IFF_LOOPBACK) && (ip[12] == 127 || ip[16] == 127)) {
		nke__stack_drop(m, NKS_DIR_OUT, pi, "martian");
		return EADDRNOTAVAIL;
	}

	/* Checksums: in software what the interface cannot do (ip_output_checksum). */
	hw = hw_csum_flags(ifp);
	if (!trunc && pi->pi_nsum > 0 && nke__captured_restore(m, pi)) {
		/*
		 * The captured packet, unchanged: it leaves with its captured
		 * checksums, which spares computing them (NKE-DIVERGENCE: the
		 * capture's values even where finalisation would write others).
		 */
		m->m_pkthdr.csum_flags |= CSUM_IP;
		m->m_pkthdr.csum_flags &= ~(~hw & (CSUM_DELAY_IP | CSUM_DELAY_DATA));
		unchanged = 1;
	} else if (!trunc) {
		m->m_pkthdr.csum_flags |= CSUM_IP;
		sw = m->m_pkthdr.csum_flags & ~hw & (CSUM_DELAY_IP | CSUM_DELAY_DATA);
		if (hlen != 20)
			sw |= m->m_pkthdr.csum_flags & (CSUM_DELAY_IP | CSUM_DELAY_DATA);
		iplen = nke__be16(ip + 2);
		mtu = ifp->if_mtu;
		if (iplen > mtu && !(ifp->if_flags & IFF_LOOPBACK))
			/* Fragments are checksummed before they are made. */
			sw |= m->m_pkthdr.csum_flags & CSUM_DELAY_DATA;
		if ((sw & CSUM_DELAY_DATA) && iplen == (u_int32_t)m->m_pkthdr.len)
			(void)nke__in_finalize_cksum(m, 0, CSUM_DELAY_DATA);
		m->m_pkthdr.csum_flags &= ~(sw & CSUM_DELAY_DATA);
		ip = (u_int8_t *)m->m_data;
		ip[10] = ip[11] = 0;
		if (sw & CSUM_DELAY_IP) {
			u_int16_t s = nke__ip_hdr_sum(ip, hlen);

			memcpy(ip + 10, &s, 2);
			m->m_pkthdr.csum_flags &= ~(u_int32_t)CSUM_DELAY_IP;
		}
		if (pi->pi_nsum > 0)
			unchanged = 0;
	}

	iplen = nke__be16(ip + 2);
	mtu = ifp->if_mtu;
	if ((u_int32_t)m->m_pkthdr.len <= mtu || (ifp->if_flags & IFF_LOOPBACK) ||
	    iplen != (u_int32_t)m->m_pkthdr.len)
		return nke__dlil_output(ifp, NKE_AF_INET, m, 0, pi);
	if (unchanged < 0)
		unchanged = nke__captured_unchanged(m, pi);
	if (unchanged > 0)
		/*
		 * NKE-DIVERGENCE: a captured packet larger than the MTU (TSO/GSO
		 * captures) leaves as captured; XNU's TCP would have sent
		 * MTU-sized segments in the first place.
		 */
		return nke__dlil_output(ifp, NKE_AF_INET, m, 0, pi);
	if (nke__be16(ip + 6) & 0x4000) {
		nke__stack_drop(m, NKS_DIR_OUT, pi, "too-big-df");
		return EMSGSIZE;
	}
	if (m->m_pkthdr.csum_flags & CSUM_DELAY_DATA)
		(void)nke__in_finalize_cksum(m, 0, CSUM_DELAY_DATA);
	return nke__output_fragments(ifp, NKE_AF_INET,
	                             nke__ip_fragment(m, mtu, (hw & CSUM_IP) != 0), pi);
}

/*
 * Send the fragments of one packet (list, linked by m_nextpkt; NULL: the
 * fragmentation failed and freed the packet) to the interface in order: the
 * first error, or 0.
 */
int
nke__output_fragments(struct __ifnet *ifp, u_int32_t af, struct __mbuf *list,
                      struct nke_pktinfo *pi)
{
	struct __mbuf *next;
	int error = 0;

	if (list == NULL) {
		nke__stack_drop(NULL, NKS_DIR_OUT, pi, "fragment-failed");
		return ENOBUFS;
	}
	for (; list != NULL; list = next) {
		int e;

		next = list->m_nextpkt;
		list->m_nextpkt = NULL;
		e = nke__dlil_output(ifp, af, list, 0, pi);
		if (error == 0)
			error = e;
	}
	return error;
}
