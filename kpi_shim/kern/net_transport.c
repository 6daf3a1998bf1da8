/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * net_transport.c - the hand-off between the simulated IP layer and the
 * transport layer (kernel world).
 *
 * Input: after the last IP filter, TCP and UDP datagrams go to the socket
 * layer (tcp_sim.c, udp_sim.c); other protocols are consumed.
 *
 * Output: a captured outbound IP packet is validated and, if captured
 * fragmented, reassembled (so the filters see whole datagrams as XNU's
 * ipf_output does), then handed to TCP or UDP, whose socket layer plays the
 * application's part (sf_data_out) and sends the packet on with
 * nke__transport_send(): in the state TCP/UDP output leaves it in for
 * ip_output (IPv4 header checksum 0, TCP/UDP checksum field holding only
 * the pseudo-header sum, the matching request flag with csum_data = the
 * field's offset: kpi-reference 2.8), through ip_output/ip6_output on the
 * interface it was captured on.
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>

#include "sock_internal.h"

void
nke__transport_input(struct __mbuf *m, int family, int off, int proto, struct nke_pktinfo *pi)
{
	if (!nke__sock_active()) {
		nke__m_freem(m);
		return;
	}
	switch (proto) {
	case IPPROTO_TCP:
		nke__tcp_input(m, family, off, pi);
		break;
	case IPPROTO_UDP:
		nke__udp_input(m, family, off, pi);
		break;
	default:
		nke__m_freem(m);
		break;
	}
}

/*
 * The pseudo-header sum (folded, not complemented), in wire order.  The
 * addresses (4 or 16 bytes) are read as host-order 32-bit words: the
 * one's-complement sum is byte-order independent (RFC 1071), so their folded
 * sum, stored in host order, reads as the sum of their big-endian 16-bit
 * words; the lengths and the protocol are added to that.
 */
static u_int16_t
pseudo_sum(const u_int8_t *src, const u_int8_t *dst, u_int32_t alen, u_int32_t len, u_int32_t proto)
{
	u_int64_t a = 0;
	u_int32_t w, x, s, i;
	u_int16_t h, r;
	u_int8_t b[2];

	for (i = 0; i < alen; i += 4) {
		__builtin_memcpy(&w, src + i, 4);
		__builtin_memcpy(&x, dst + i, 4);
		a += (u_int64_t)w + x;
	}
	a = (a & 0xffffffffu) + (a >> 32);
	a = (a & 0xffff) + (a >> 16);
	a = (a & 0xffff) + (a >> 16);
	a = (a & 0xffff) + (a >> 16);
	h = (u_int16_t)a;
	__builtin_memcpy(b, &h, 2);
	s = ((u_int32_t)b[0] << 8 | b[1]) + (len >> 16) + (len & 0xffff) + proto;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	b[0] = (u_int8_t)(s >> 8);
	b[1] = (u_int8_t)s;
	__builtin_memcpy(&r, b, 2);
	return r;
}

/* Two bytes at off (the first mbuf holds them, usually). */
static void
get2(struct __mbuf *m, u_int32_t off, void *p)
{
	if ((u_int32_t)m->m_len >= off + 2)
		memcpy(p, (const u_int8_t *)m->m_data + off, 2);
	else
		nke__m_copydata(m, (int)off, 2, p);
}

static void
put2(struct __mbuf *m, u_int32_t off, const void *p)
{
	if ((u_int32_t)m->m_len >= off + 2)
		memcpy((u_int8_t *)m->m_data + off, p, 2);
	else
		nke__m_copyback_inplace(m, (int)off, 2, p);
}

/* Record a checksum field as captured, for identity at the end of ip_output. */
static void
keep_sum(struct nke_pktinfo *pi, struct __mbuf *m, u_int32_t off)
{
	if (pi->pi_nsum >= 2)
		return;
	pi->pi_sumoff[pi->pi_nsum] = off;
	get2(m, off, &pi->pi_sumval[pi->pi_nsum]);
	pi->pi_nsum++;
}

/* Put the transport checksum of a TCP/UDP packet in the "pending" state. */
static void
pend_transport_sum(struct __mbuf *m, struct nke_pktinfo *pi, const u_int8_t *src,
                   const u_int8_t *dst, u_int32_t alen, u_int32_t off, u_int32_t ulen, int proto,
                   int v6)
{
	u_int32_t field = proto == 6 ? 16 : 6;
	u_int16_t ps, cur;

	if (proto != 6 && proto != 17)
		return;
	if ((u_int32_t)m->m_pkthdr.len < off + (proto == 6 ? 20 : 8))
		return;
	keep_sum(pi, m, off + field);
	get2(m, off + field, &cur);
	if (proto == 17 && cur == 0 && !v6)
		return; /* a UDP datagram sent without a checksum */
	ps = pseudo_sum(src, dst, alen, ulen, (u_int32_t)proto);
	put2(m, off + field, &ps);
	if (v6)
		m->m_pkthdr.csum_flags |= proto == 6 ? CSUM_TCPIPV6 : CSUM_UDPIPV6;
	else
		m->m_pkthdr.csum_flags |= proto == 6 ? CSUM_TCP : CSUM_UDP;
	m->m_pkthdr.csum_data = field;
}

int
nke__transport_send(struct __mbuf *m, int family, int off, struct nke_pktinfo *pi)
{
	int trunc = (pi->pi_flags & NKE_PI_TRUNC) || (NKE_PC(m)->pc_flags & NKE_PC_TRUNC);

	if (family == 4) {
		u_int8_t *ip;
		u_int32_t hlen, iplen;

		if (m->m_len < 20 && (m = nke__m_pullup(m, 20)) == NULL) {
			nke__stack_drop(NULL, NKS_DIR_OUT, pi, "nomem");
			return ENOBUFS;
		}
		ip = (u_int8_t *)m->m_data;
		hlen = (u_int32_t)(ip[0] & 0x0f) << 2;
		if ((u_int32_t)m->m_len < hlen && (m = nke__m_pullup(m, (int)hlen)) == NULL) {
			nke__stack_drop(NULL, NKS_DIR_OUT, pi, "nomem");
			return ENOBUFS;
		}
		ip = (u_int8_t *)m->m_data;
		iplen = nke__be16(ip + 2);
		if (!trunc && iplen >= hlen) {
			keep_sum(pi, m, 10);
			ip[10] = ip[11] = 0;
			pend_transport_sum(m, pi, ip + 12, ip + 16, 4, hlen, iplen - hlen, ip[9], 0);
		}
		return nke__ip_output(m, 0, NULL, pi);
	}
	if (!trunc && off >= 0 && m->m_pkthdr.len >= 40) {
		u_int8_t ip6b[40];
		const u_int8_t *ip6 = (const u_int8_t *)m->m_data;
		int nxt;

		if (m->m_len < 40) {
			nke__m_copydata(m, 0, 40, ip6b);
			ip6 = ip6b;
		}
		nxt = ip6[6];
		if (nke__ip6_lasthdr(m, 40, &nxt, NULL) == off)
			pend_transport_sum(m, pi, ip6 + 8, ip6 + 24, 16, (u_int32_t)off,
			                   40 + nke__be16(ip6 + 4) - (u_int32_t)off, nxt, 1);
	}
	return nke__ip6_output(m, 0, NULL, pi);
}

/* The socket layer's part of a captured packet, then ip_output. */
static void
dispatch(struct __mbuf *m, int family, int off, int proto, struct nke_pktinfo *pi)
{
	if (!nke__sock_active())
		(void)nke__transport_send(m, family, off, pi);
	else if (proto == IPPROTO_TCP)
		nke__tcp_output_captured(m, family, off, pi);
	else if (proto == IPPROTO_UDP)
		nke__udp_output_captured(m, family, off, pi);
	else
		(void)nke__transport_send(m, family, off, pi);
}

static void
output4(struct __mbuf *m, struct nke_pktinfo *pi)
{
	struct nke_pktinfo rpi;
	int trunc = (pi->pi_flags & NKE_PI_TRUNC) != 0;
	u_int32_t hlen, iplen, len = (u_int32_t)m->m_pkthdr.len;
	u_int8_t *ip;

	if (len < 20 || (m->m_len < 20 && (m = nke__m_pullup(m, 20)) == NULL)) {
		nke__netstats.ns_bad++;
		nke__stack_drop(m, NKS_DIR_OUT, pi, "too-short");
		return;
	}
	ip = (u_int8_t *)m->m_data;
	hlen = (u_int32_t)(ip[0] & 0x0f) << 2;
	iplen = nke__be16(ip + 2);
	if ((ip[0] >> 4) != 4 || hlen < 20 || len < hlen || iplen < hlen ||
	    (len < iplen && !trunc)) {
		nke__netstats.ns_bad++;
		nke__stack_drop(m, NKS_DIR_OUT, pi,
		                (ip[0] >> 4) != 4         ? "bad-version"
		                : hlen < 20 || len < hlen ? "bad-header-length"
		                : iplen < hlen            ? "bad-length"
		                                          : "too-short");
		return;
	}
	if ((u_int32_t)m->m_len < hlen && (m = nke__m_pullup(m, (int)hlen)) == NULL) {
		nke__stack_drop(NULL, NKS_DIR_OUT, pi, "nomem");
		return;
	}
	ip = (u_int8_t *)m->m_data;
	if (len > iplen) {
		nke__m_adj(m, (int)iplen - (int)len);
		pi->pi_trimmed += len - iplen;
	}
	if (nke__be16(ip + 6) & 0x3fff) {
		if (trunc) {
			nke__netstats.ns_frags++;
			nke__netstats.ns_frag_dropped++;
			nke__stack_drop(m, NKS_DIR_OUT, pi, "frag-truncated");
			return;
		}
		m = nke__ip_reass(m, pi, NKS_DIR_OUT, &rpi);
		if (m == NULL)
			return;
		rpi.pi_ifp = pi->pi_ifp;
		pi = &rpi;
		ip = (u_int8_t *)m->m_data;
		hlen = (u_int32_t)(ip[0] & 0x0f) << 2;
		iplen = nke__be16(ip + 2);
	}
	dispatch(m, 4, (int)hlen, ip[9], pi);
}

static void
output6(struct __mbuf *m, struct nke_pktinfo *pi)
{
	struct nke_pktinfo rpi;
	int trunc = (pi->pi_flags & NKE_PI_TRUNC) != 0, nxt, off;
	u_int32_t plen, len = (u_int32_t)m->m_pkthdr.len;
	const u_int8_t *ip6;
	u_int8_t ip6b[40];

	if (len < 40 || (m->m_len < 40 && (m = nke__m_pullup(m, 40)) == NULL)) {
		nke__netstats.ns_bad++;
		nke__stack_drop(m, NKS_DIR_OUT, pi, "too-short");
		return;
	}
	ip6 = (const u_int8_t *)m->m_data; /* the fixed header, in the first mbuf (pulled up) */
	plen = nke__be16(ip6 + 4);
	if ((ip6[0] >> 4) != 6 || (len < 40 + plen && !trunc) || (plen == 0 && ip6[6] == 0)) {
		nke__netstats.ns_bad++;
		nke__stack_drop(m, NKS_DIR_OUT, pi,
		                (ip6[0] >> 4) != 6         ? "bad-version"
		                : plen == 0 && ip6[6] == 0 ? "jumbogram"
		                                           : "too-short");
		return;
	}
	if (len > 40 + plen) {
		nke__m_adj(m, (int)(40 + plen) - (int)len);
		pi->pi_trimmed += len - 40 - plen;
	}
	nxt = ip6[6];
	off = nke__ip6_lasthdr(m, 40, &nxt, NULL);
	if (off >= 0 && nxt == 44) {
		u_int8_t fh[4];

		if ((u_int32_t)m->m_pkthdr.len < (u_int32_t)off + 8) {
			nke__netstats.ns_bad++;
			nke__stack_drop(m, NKS_DIR_OUT, pi, "too-short");
			return;
		}
		nke__m_copydata(m, off, 4, fh);
		if ((nke__be16(fh + 2) & 0xfff9) != 0) {
			if (trunc) {
				nke__netstats.ns_frags++;
				nke__netstats.ns_frag_dropped++;
				nke__stack_drop(m, NKS_DIR_OUT, pi, "frag-truncated");
				return;
			}
			m = nke__frag6_input(m, &off, &nxt, pi, NKS_DIR_OUT, &rpi);
			if (m == NULL)
				return;
			rpi.pi_ifp = pi->pi_ifp;
			pi = &rpi;
			nke__m_copydata(m, 0, 40, ip6b);
			nxt = ip6b[6];
			off = nke__ip6_lasthdr(m, 40, &nxt, NULL);
		}
	}
	if (off < 0) {
		(void)nke__transport_send(m, 6, -1, pi);
		return;
	}
	dispatch(m, 6, off, nxt, pi);
}

void
nke__transport_output_captured(struct __mbuf *m, int family, struct nke_pktinfo *pi)
{
	if (family == 4)
		output4(m, pi);
	else
		output6(m, pi);
}
