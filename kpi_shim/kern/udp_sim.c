/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * udp_sim.c - UDP of the simulated host (kernel world): one socket per
 * local port and family, created on first use (an inbound datagram to the
 * port: the application bound it with bind(); an outbound datagram from
 * it: implicit bind by sendto()), unconnected, so sf_data_in gets the
 * source address of every datagram and sf_data_out its destination.  The
 * datagram's own mbufs travel to the filters (XNU's udp_input and
 * udp_output use the received packet and the sent chain), so a tag set in
 * sf_data_out is still on the packet at ipf_output.  A socket nobody used
 * for NKE_UDP_IDLE_NS is closed by its application (docs/sockets.md).
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>

#include "sock_internal.h"

/* The captured datagram the application is sending now (one at a time). */
struct udp_cap {
	struct __socket *uc_so;
	int uc_active;
	int uc_fam;
	u_int32_t uc_off;              /* UDP header offset */
	u_int8_t uc_hdr[NKE_SO_HDRSAVE]; /* IP header .. UDP header, as captured */
	u_int32_t uc_hlen;
	u_int32_t uc_len;              /* payload bytes */
	struct nke_pktinfo *uc_pi;
	int uc_sent;
	int uc_cmp;                    /* ucap_data holds the payload (see below) */
};
static struct udp_cap ucap;
/*
 * A copy of its payload, to see whether a filter changed it (no allocation
 * per datagram).  Only taken when the answer matters: when the datagram has
 * captured fragments to send instead, or when its header's lengths do not
 * already say uc_len (a truncated record, a datagram shorter than its IP
 * payload); otherwise a datagram of the same length leaves the same way,
 * changed or not (ip_output compares it with the capture anyway).
 */
static u_int8_t ucap_data[65536];

/* Do the captured header's IP and UDP lengths say a payload of len bytes? */
static int
udp_hdr_says(const u_int8_t *hdr, int fam, u_int32_t off, u_int32_t hlen, u_int32_t len)
{
	u_int32_t ipl = fam == 4 ? nke__be16(hdr + 2) : 40u + nke__be16(hdr + 4);

	return ipl == hlen + len && nke__be16(hdr + off + 4) == 8 + len;
}

static int
chain_same(struct __mbuf *m, const u_int8_t *p)
{
	for (; m != NULL; m = m->m_next) {
		if (m->m_len > 0 && memcmp(m->m_data, p, (size_t)m->m_len) != 0)
			return 0;
		p += m->m_len;
	}
	return 1;
}

static void
udp_key(int fam, u_int16_t lport, struct nke_sokey *k)
{
	memset(k, 0, sizeof(*k));
	k->k_kind = NKE_KEY_UDP;
	k->k_fam = (u_int8_t)fam;
	k->k_lport = lport;
}

/* udp_socket() for a port without a socket yet: created (out of line, once a port). */
static __attribute__((noinline)) struct __socket *
udp_socket_new(int fam, u_int16_t lport, int inbound, struct __mbuf *m, const struct nke_sokey *k)
{
	struct __socket *so;
	struct nke_soctx sc;
	char a[64];

	so = nke__so_create(nke__af_of(fam), SOCK_DGRAM, IPPROTO_UDP, NULL, 0);
	if (so == NULL)
		return NULL;
	if (nke__so_insert(so, k) != 0) {
		nke__so_app_closed(so);
		nke__so_pcb_gone(so);
		return NULL;
	}
	nke__so_enter(&sc, so);
	nke__sflt_initsock(so);
	nke__sa_set(&so->so_laddr, so->so_family, NULL, lport);
	nke__so_note(so, 0, m, "%s so=%u %s", inbound ? "bind" : "sendto", so->so_id,
	             nke__sa_str(&so->so_laddr.sa, a, sizeof(a)));
	if (inbound) {
		/* A server: bind() to the port (sf_bind, then the protocol). */
		int error = nke__sflt_bind(so, &so->so_laddr.sa);

		if (error != 0) {
			nke__so_note(so, error == EJUSTRETURN ? 0 : error, m, "bind-refused so=%u",
			             so->so_id);
			so->so_nkflags |= NKE_SOF_REFUSED;
			nke__sa_set(&so->so_laddr, so->so_family, NULL, 0);
		} else {
			nke__so_bound(so);
		}
	} else {
		/* A client: sendto() binds implicitly (no sf_bind). */
		nke__so_bound(so);
	}
	nke__so_leave(&sc);
	return so;
}

/* The socket of a local UDP port, created on first use. */
static inline struct __socket *
udp_socket(int fam, u_int16_t lport, int inbound, struct __mbuf *m)
{
	struct nke_sokey k;
	struct __socket *so;

	udp_key(fam, lport, &k);
	so = nke__so_lookup(&k);
	if (so != NULL)
		return so;
	return udp_socket_new(fam, lport, inbound, m, &k);
}

static int
udp_cksum_ok(struct __mbuf *m, int fam, u_int32_t off, u_int32_t ulen, u_int16_t sum, int trunc)
{
	if (m->m_pkthdr.csum_flags & CSUM_DATA_VALID) {
		if (m->m_pkthdr.csum_flags & CSUM_PSEUDO_HDR)
			return (m->m_pkthdr.csum_data ^ 0xffff) == 0;
		return 1;
	}
	if (trunc || (u_int32_t)m->m_pkthdr.len < off + ulen)
		return 1; /* NKE-DIVERGENCE: a truncated record cannot be verified */
	if (fam == 4) {
		if (sum == 0)
			return 1; /* sent without a checksum */
		return nke__inet_cksum(m, IPPROTO_UDP, off, ulen) == 0;
	}
	return nke__inet6_cksum(m, IPPROTO_UDP, off, ulen) == 0;
}

/* The fixed IP header and the UDP header of a datagram (IP header at 0). */
struct udp_view {
	const u_int8_t *uv_ip; /* 20 or 40 bytes */
	const u_int8_t *uv_uh; /* 8 bytes */
	u_int8_t uv_ipbuf[40];
	u_int8_t uv_uhbuf[8];
};

/* Points into the first mbuf when it holds both (the usual case), else copies. */
static void
udp_view(struct __mbuf *m, int fam, u_int32_t off, struct udp_view *v)
{
	if ((u_int32_t)m->m_len >= off + 8) {
		v->uv_ip = (const u_int8_t *)m->m_data;
		v->uv_uh = v->uv_ip + off;
		return;
	}
	nke__m_copydata(m, 0, fam == 4 ? 20 : 40, v->uv_ipbuf);
	nke__m_copydata(m, (int)off, 8, v->uv_uhbuf);
	v->uv_ip = v->uv_ipbuf;
	v->uv_uh = v->uv_uhbuf;
}

void
nke__udp_input(struct __mbuf *m, int family, int off, struct nke_pktinfo *pi)
{
	struct udp_view v;
	u_int32_t ulen, end, have, hlen = (u_int32_t)off + 8;
	u_int16_t sport, dport, sum;
	int trunc = (pi->pi_flags & NKE_PI_TRUNC) || (NKE_PC(m)->pc_flags & NKE_PC_TRUNC);
	struct __socket *so;
	struct nke_soctx sc;
	union nke_sa from;

	have = (u_int32_t)m->m_pkthdr.len;
	if (have < hlen) {
		if (nke__vd_on())
			nke__verdict(NKS_HOOK_STACK, NKS_DIR_IN, pi->pi_ifp, 0, NULL, 0, NULL, m, 0,
			             "udp-bad-header");
		nke__m_freem(m);
		return;
	}
	udp_view(m, family, (u_int32_t)off, &v);
	memcpy(&sport, v.uv_uh, 2);
	memcpy(&dport, v.uv_uh + 2, 2);
	memcpy(&sum, v.uv_uh + 6, 2);
	ulen = nke__be16(v.uv_uh + 4);
	end = family == 4 ? nke__be16(v.uv_ip + 2) : 40u + nke__be16(v.uv_ip + 4);
	if (ulen < 8 || (u_int32_t)off + ulen > end) {
		if (nke__vd_on())
			nke__verdict(NKS_HOOK_STACK, NKS_DIR_IN, pi->pi_ifp, 0, NULL, 0, NULL, m, 0,
			             "udp-bad-length");
		nke__m_freem(m);
		return;
	}
	if (!udp_cksum_ok(m, family, (u_int32_t)off, ulen, sum, trunc)) {
		if (nke__vd_on())
			nke__verdict(NKS_HOOK_STACK, NKS_DIR_IN, pi->pi_ifp, 0, NULL, 0, NULL, m, 0,
			             "bad-checksum proto=17");
		nke__m_freem(m);
		return;
	}
	so = udp_socket(family, dport, 1, m);
	if (so == NULL || (so->so_nkflags & NKE_SOF_REFUSED)) {
		/* Nobody listens there (XNU answers with an ICMP port unreachable). */
		nke__so_note(NULL, 0, m, "no-socket udp%d port=%u", family, nke__be16(&dport));
		nke__m_freem(m);
		return;
	}
	nke__so_enter(&sc, so);
	nke__so_touch(so);
	if (!(so->so_nkflags & NKE_SOF_ONTIMER))
		nke__so_set_timer(so, nke__clock_uptime_ns + NKE_UDP_IDLE_NS);
	nke__sa_set(&from, so->so_family, family == 4 ? v.uv_ip + 12 : v.uv_ip + 8, sport);
	/* udp_input: the datagram's own mbufs, the headers trimmed off. */
	nke__m_adj(m, (int)hlen);
	if ((u_int32_t)m->m_pkthdr.len > ulen - 8)
		nke__m_adj(m, (int)(ulen - 8) - m->m_pkthdr.len);
	if ((u_int32_t)m->m_pkthdr.len < ulen - 8)
		nke__so_note(so, 0, m, "gap so=%u in bytes=%u truncated", so->so_id,
		             ulen - 8 - (u_int32_t)m->m_pkthdr.len);
	/* sbappendaddr: the source address, a pointer to the (absent) control data. */
	nke__so_append(so, &from.sa, m, NULL, 1, 0, pi->pi_ifp);
	nke__so_leave(&sc);
}

void
nke__udp_output_captured(struct __mbuf *m, int family, int off, struct nke_pktinfo *pi)
{
	struct udp_view v;
	u_int32_t ulen, have = (u_int32_t)m->m_pkthdr.len, hlen = (u_int32_t)off + 8, plen;
	u_int16_t sport, dport;
	struct __socket *so;
	struct nke_soctx sc;
	union nke_sa to;
	int error;

	if (have < hlen) {
		(void)nke__transport_send(m, family, off, pi);
		return;
	}
	udp_view(m, family, (u_int32_t)off, &v);
	memcpy(&sport, v.uv_uh, 2);
	memcpy(&dport, v.uv_uh + 2, 2);
	ulen = nke__be16(v.uv_uh + 4);
	so = udp_socket(family, sport, 0, m);
	if (so == NULL) {
		(void)nke__transport_send(m, family, off, pi);
		return;
	}
	nke__so_enter(&sc, so);
	nke__so_touch(so);
	if (!(so->so_nkflags & NKE_SOF_ONTIMER))
		nke__so_set_timer(so, nke__clock_uptime_ns + NKE_UDP_IDLE_NS);
	/* The template of datagrams the stack builds for this socket (filters only). */
	if (so->so_filt != NULL && so->so_utplip == 0 && hlen <= sizeof(so->so_utpl) &&
	    off <= 40) {
		nke__m_copydata(m, 0, (int)hlen, so->so_utpl);
		so->so_utplip = (u_int32_t)off;
		if (pi->pi_ifp != NULL)
			so->so_uifp = pi->pi_ifp;
	}
	nke__sa_set(&to, so->so_family, family == 4 ? v.uv_ip + 16 : v.uv_ip + 24, dport);
	plen = have - hlen;
	if (ulen >= 8 && plen > ulen - 8)
		plen = ulen - 8;
	nke__so_app_data(so, 1, m, hlen, plen);
	if (!nke__so_has_data_filters(so, 1) || hlen > NKE_SO_HDRSAVE || ucap.uc_active ||
	    have - hlen > sizeof(ucap_data)) {
		(void)nke__transport_send(m, family, off, pi);
		nke__so_leave(&sc);
		return;
	}
	/* sosend: the application's data (this datagram's mbufs) through sf_data_out. */
	ucap.uc_so = so;
	ucap.uc_active = 1;
	ucap.uc_sent = 0;
	ucap.uc_fam = family;
	ucap.uc_off = (u_int32_t)off;
	ucap.uc_hlen = hlen;
	if ((u_int32_t)m->m_len >= hlen)
		memcpy(ucap.uc_hdr, m->m_data, hlen);
	else
		nke__m_copydata(m, 0, (int)hlen, ucap.uc_hdr);
	ucap.uc_pi = pi;
	nke__m_adj(m, (int)hlen);
	ucap.uc_len = (u_int32_t)m->m_pkthdr.len;
	ucap.uc_cmp = pi->pi_origs != NULL ||
	              !udp_hdr_says(ucap.uc_hdr, family, (u_int32_t)off, hlen, ucap.uc_len);
	if (ucap.uc_cmp)
		nke__m_copydata(m, 0, (int)ucap.uc_len, ucap_data);
	error = nke__so_send(so, &to.sa, m, NULL, 0, pi->pi_ifp);
	if (!ucap.uc_sent) {
		/* Kept or dropped by a filter: the datagram does not leave. */
		if (error != 0)
			nke__so_note(so, error, NULL, "send-failed so=%u", so->so_id);
		if (pi->pi_origs != NULL)
			nke__origs_free(pi);
	}
	ucap.uc_active = 0;
	ucap.uc_so = NULL;
	ucap.uc_pi = NULL;
	nke__so_leave(&sc);
}

/* A datagram the stack builds (injected data): template header, new ports/addresses. */
static int
udp_build(struct __socket *so, const struct sockaddr *to, struct __mbuf *m)
{
	u_int32_t iph = so->so_utplip, len = (u_int32_t)m->m_pkthdr.len;
	struct nke_pktinfo pi;
	u_int8_t *p;
	int fam = iph == 20 ? 4 : 6;

	if (iph == 0 || to == NULL || to->sa_family != so->so_family) {
		nke__so_note(so, EDESTADDRREQ, m, "unsent so=%u bytes=%u no-template", so->so_id, len);
		nke__m_freem(m);
		return 0;
	}
	m = nke__m_prepend_2(m, (int)(iph + 8), M_DONTWAIT);
	if (m == NULL)
		return ENOBUFS;
	if (m->m_len < (int32_t)(iph + 8) && (m = nke__m_pullup(m, (int)(iph + 8))) == NULL)
		return ENOBUFS;
	p = (u_int8_t *)m->m_data;
	memcpy(p, so->so_utpl, iph + 8);
	if (fam == 4) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)to;

		p[0] = 0x45;
		nke__put16(p + 2, (u_int16_t)(iph + 8 + len));
		nke__put16(p + 4, (u_int16_t)(nke__be16(p + 4) + 1));
		nke__put16(so->so_utpl + 4, nke__be16(p + 4));
		p[6] &= 0x40;
		p[7] = 0;
		p[9] = IPPROTO_UDP;
		p[10] = p[11] = 0;
		memcpy(p + 16, &sin->sin_addr, 4);
		memcpy(p + iph + 2, &sin->sin_port, 2);
	} else {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)to;

		nke__put16(p + 4, (u_int16_t)(8 + len));
		p[6] = IPPROTO_UDP;
		memcpy(p + 24, &sin6->sin6_addr, 16);
		memcpy(p + iph + 2, &sin6->sin6_port, 2);
	}
	nke__put16(p + iph + 4, (u_int16_t)(8 + len));
	p[iph + 6] = p[iph + 7] = 0xff; /* not 0: "no checksum" would stick */
	NKE_PC(m)->pc_flags |= NKE_PC_INJECTED;
	memset(&pi, 0, sizeof(pi));
	pi.pi_index = NKE_PC(m)->pc_index;
	pi.pi_dir = NKS_DIR_OUT;
	pi.pi_ifp = so->so_uifp;
	return nke__transport_send(m, fam, (int)iph, &pi);
}

int
nke__udp_send(struct __socket *so, const struct sockaddr *to, struct __mbuf *m, int injected)
{
	struct udp_cap *uc = &ucap;

	if (!injected && uc->uc_active && uc->uc_so == so && !uc->uc_sent) {
		/* The captured datagram: its own header back in front of its data. */
		u_int32_t len = (u_int32_t)m->m_pkthdr.len;
		int same = len == uc->uc_len && (!uc->uc_cmp || chain_same(m, ucap_data));
		u_int8_t *p;

		uc->uc_sent = 1;
		m = nke__m_prepend_2(m, (int)uc->uc_hlen, M_DONTWAIT);
		if (m == NULL)
			return ENOBUFS;
		if (m->m_len < (int32_t)uc->uc_hlen &&
		    (m = nke__m_pullup(m, (int)uc->uc_hlen)) == NULL)
			return ENOBUFS;
		p = (u_int8_t *)m->m_data;
		memcpy(p, uc->uc_hdr, uc->uc_hlen);
		if (!same) {
			if (uc->uc_fam == 4)
				nke__put16(p + 2, (u_int16_t)(uc->uc_hlen + len));
			else
				nke__put16(p + 4, (u_int16_t)(uc->uc_hlen + len - 40));
			nke__put16(p + uc->uc_off + 4, (u_int16_t)(8 + len));
			if (uc->uc_pi->pi_origs != NULL)
				nke__origs_free(uc->uc_pi);
		}
		return nke__transport_send(m, uc->uc_fam, (int)uc->uc_off, uc->uc_pi);
	}
	return udp_build(so, to, m);
}
