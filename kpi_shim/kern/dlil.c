/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dlil.c - the simulated data-link layer (kernel world): the Ethernet /
 * loopback / utun demux, the interface-filter traversals (iff_input,
 * iff_output), VLAN sub-interfaces, the framers and the neighbour table
 * that feeds them, the simulated drivers (emission, lo0 loop-back), the
 * input queue that stands for XNU's DLIL input threads, and the injection
 * entry points ifnet_input, ifnet_output and ifnet_output_raw.
 *
 * Facts from XNU (dlil_input.c, dlil_output.c, ether_if_module.c,
 * if_loop.c, if_vlan.c): filters run in attach order; iff_input gets the
 * data after the link header, *frame_ptr at the link header and
 * mbuf_pkthdr_header() NULL; packets carrying a VLAN tag skip every
 * third-party filter of the parent and continue on the VLAN interface,
 * whose filters see them with an untagged header; iff_output gets the frame
 * with the link header in the data; lo0 frames carry a 4-byte host-order
 * protocol family, and what lo0 sends comes back through its input thread
 * stamped "checksums verified".
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <kern/thread_call.h>

#include "net_internal.h"

/* --- Neighbour table ------------------------------------------------------------ */

/*
 * What the framer uses for packets it has no captured header for: IP ->
 * MAC learned from captured frames (sources of inbound frames, destinations
 * of outbound ones), per parent interface.  A small direct-mapped table:
 * a newer entry replaces an older one in its slot.
 */
#define NBR_SIZE 1024

static struct nbr {
	/* Compared as words: (ifindex << 8 | family), the address zero-padded, the MAC. */
	u_int64_t n_key; /* 0: empty */
	u_int64_t n_addr[2];
	u_int64_t n_mac; /* its six bytes first in memory, then zeros */
} nbr_tab[NBR_SIZE];

/* A word at a time: every frame looks its addresses up. */
static inline u_int32_t
nbr_slot(u_int32_t ifindex, const u_int8_t *a, u_int32_t alen)
{
	u_int64_t h = 0x9e3779b97f4a7c15ULL ^ ifindex, w;
	u_int32_t i;

	for (i = 0; i < alen; i += 4) {
		u_int32_t x;

		memcpy(&x, a + i, 4);
		w = (h ^ x) * 0xff51afd7ed558ccdULL;
		h = w ^ (w >> 29);
	}
	return (u_int32_t)(h >> 32) % NBR_SIZE;
}

/* An address as the table keeps it (IPv4: four bytes, the rest zero). */
static inline void
nbr_addr(u_int8_t family, const u_int8_t *a, u_int64_t w[2])
{
	if (family == 4) {
		u_int32_t x;

		memcpy(&x, a, 4);
		w[0] = 0;
		memcpy(&w[0], &x, 4);
		w[1] = 0;
	} else {
		memcpy(&w[0], a, 8);
		memcpy(&w[1], a + 8, 8);
	}
}

static inline void
nbr_set(u_int32_t ifindex, u_int8_t family, const u_int8_t *a, const u_int8_t *mac)
{
	struct nbr *n = &nbr_tab[nbr_slot(ifindex, a, family == 4 ? 4 : 16)];
	u_int64_t key = (u_int64_t)ifindex << 8 | family, w[2], mw = 0;

	if (mac[0] & 1)
		return; /* never learn a group address as a neighbour */
	nbr_addr(family, a, w);
	memcpy(&mw, mac, 6);
	/* Usually known already (a frame a packet): no store then. */
	if (n->n_key == key && n->n_mac == mw && n->n_addr[0] == w[0] && n->n_addr[1] == w[1])
		return;
	n->n_key = key;
	n->n_addr[0] = w[0];
	n->n_addr[1] = w[1];
	n->n_mac = mw;
}

static const u_int8_t *
nbr_get(u_int32_t ifindex, u_int8_t family, const u_int8_t *a)
{
	struct nbr *n = &nbr_tab[nbr_slot(ifindex, a, family == 4 ? 4 : 16)];
	u_int64_t w[2];

	nbr_addr(family, a, w);
	if (n->n_key != ((u_int64_t)ifindex << 8 | family) || n->n_addr[0] != w[0] ||
	    n->n_addr[1] != w[1])
		return NULL;
	return (const u_int8_t *)&n->n_mac;
}

void
nke__nbr_learn(struct __ifnet *ifp, const u_int8_t *f, u_int32_t len, u_int32_t l2len,
               u_int32_t dir)
{
	u_int16_t type = nke__be16(f + l2len - 2);
	const u_int8_t *p = f + l2len;
	u_int32_t plen = len - l2len;

	if (type == NKE_ETYPE_IP && plen >= 20) {
		if (dir == NKS_DIR_IN)
			nbr_set(ifp->if_index, 4, p + 12, f + 6);
		else
			nbr_set(ifp->if_index, 4, p + 16, f);
	} else if (type == NKE_ETYPE_IPV6 && plen >= 40) {
		if (dir == NKS_DIR_IN)
			nbr_set(ifp->if_index, 6, p + 8, f + 6);
		else
			nbr_set(ifp->if_index, 6, p + 24, f);
	} else if (type == NKE_ETYPE_ARP && plen >= 28 && nke__be16(p + 2) == NKE_ETYPE_IP) {
		/* The sender's protocol and hardware addresses. */
		nbr_set(ifp->if_index, 4, p + 14, p + 8);
	} else {
		return;
	}
	if (dir == NKS_DIR_OUT && !(f[0] & 1) &&
	    (!ifp->if_hasgw || memcmp(ifp->if_gwmac, f, 6) != 0)) {
		memcpy(ifp->if_gwmac, f, 6);
		ifp->if_hasgw = 1;
	}
	if (dir == NKS_DIR_OUT && !ifp->if_haslladdr && !ifp->if_hasownmac) {
		memcpy(ifp->if_ownmac, f + 6, 6);
		ifp->if_hasownmac = 1;
	}
}

/*
 * NKE-DIVERGENCE: no ARP/ND resolution.  A packet the capture did not
 * frame gets its peer's MAC from the neighbour table, else the last router
 * MAC seen on the interface, else broadcast; group addresses map as
 * RFC 1112 / RFC 2464 say; our side is the interface's MAC.
 */
void
nke__ether_synth(struct __ifnet *ifp, struct __mbuf *m, u_int32_t pf, u_int32_t dir,
                 u_int8_t hdr[NKE_ETHER_HDR])
{
	static const u_int8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct __ifnet *pifp = ifp->if_parent != NULL ? ifp->if_parent : ifp;
	u_int8_t ip[40], *ours, *peer;
	const u_int8_t *mac = NULL, *peer_ip, *group_ip;
	u_int8_t family = pf == NKE_AF_INET6 ? 6 : 4;
	u_int32_t need = family == 4 ? 20 : 40;

	memset(ip, 0, sizeof(ip));
	if (m != NULL && (m->m_flags & M_PKTHDR) && m->m_pkthdr.len >= (int32_t)need &&
	    nke__m_length(m) >= need)
		nke__m_copydata(m, 0, (int)need, ip);
	/* Inbound: the peer is the source; outbound: the destination. */
	if (family == 4) {
		peer_ip = dir == NKS_DIR_IN ? ip + 12 : ip + 16;
		group_ip = ip + 16;
	} else {
		peer_ip = dir == NKS_DIR_IN ? ip + 8 : ip + 24;
		group_ip = ip + 24;
	}
	ours = dir == NKS_DIR_IN ? hdr : hdr + 6;
	peer = dir == NKS_DIR_IN ? hdr + 6 : hdr;
	if (pifp->if_haslladdr || !pifp->if_hasownmac)
		memcpy(ours, pifp->if_lladdr, 6);
	else
		memcpy(ours, pifp->if_ownmac, 6);
	if (family == 4 && group_ip[0] >= 224 && group_ip[0] <= 239) {
		u_int8_t g[6] = {0x01,        0x00,       0x5e, (u_int8_t)(group_ip[1] & 0x7f),
		                 group_ip[2], group_ip[3]};

		memcpy(hdr, g, 6);
		if (dir == NKS_DIR_IN)
			mac = nbr_get(pifp->if_index, 4, peer_ip);
	} else if (family == 6 && group_ip[0] == 0xff) {
		u_int8_t g[6] = {0x33,         0x33,         group_ip[12],
		                 group_ip[13], group_ip[14], group_ip[15]};

		memcpy(hdr, g, 6);
		if (dir == NKS_DIR_IN)
			mac = nbr_get(pifp->if_index, 6, peer_ip);
	} else if (family == 4 && group_ip[0] == 255 && group_ip[1] == 255 && group_ip[2] == 255 &&
	           group_ip[3] == 255) {
		memcpy(hdr, bcast, 6);
		if (dir == NKS_DIR_IN)
			mac = nbr_get(pifp->if_index, 4, peer_ip);
	} else {
		mac = nbr_get(pifp->if_index, family, peer_ip);
		if (mac == NULL && pifp->if_hasgw)
			mac = pifp->if_gwmac;
		if (mac == NULL && dir == NKS_DIR_OUT)
			mac = bcast;
	}
	if (mac != NULL)
		memcpy(peer, mac, 6);
	else if (dir == NKS_DIR_IN)
		memset(peer, 0, 6);
	nke__put16(hdr + 12, family == 4 ? NKE_ETYPE_IP : NKE_ETYPE_IPV6);
}

/* --- Callback results --------------------------------------------------------------- */

/*
 * Common handling of a packet callback's result (kpi-reference 2.1):
 * returns 0 to go on with *mp, or the result when the packet left the path
 * (EJUSTRETURN: the filter keeps it; other: freed here).
 */
int
nke__cb_result_slow(int r, struct __mbuf **mp, const char *hook, const char *filter)
{
	if (r == 0) {
		const char *why;

		if (*mp == NULL) {
			/* NKE-DIVERGENCE: XNU dereferences NULL here; nkesim carries on. */
			nke__report(
			    "null-data-pass",
			    "%s \"%s\" returned 0 with *data == NULL (XNU dereferences it); "
			    "treated as kept",
			    hook, filter != NULL ? filter : "");
			nke__netstats.ns_filter_kept++;
			return EJUSTRETURN;
		}
		why = nke__m_sanity(*mp, NKE_SANITY_PKTLEN);
		if (why == NULL)
			return 0;
		if (!((*mp)->m_flags & M_PKTHDR) || nke__m_sanity(*mp, 0) != NULL) {
			/* NKE-DIVERGENCE: a broken chain is left alone (leaked), not used. */
			nke__report("mbuf-chain-invalid", "%s \"%s\" returned a broken chain: %s",
			            hook, filter != NULL ? filter : "", why);
			nke__netstats.ns_filter_kept++;
			return EJUSTRETURN;
		}
		/* NKE-DIVERGENCE: XNU goes on with the stale length. */
		nke__report("pkthdr-len-mismatch",
		            "%s \"%s\" returned a packet whose pkthdr.len (%d) differs from its "
		            "chain (%zu bytes); the stack uses the chain",
		            hook, filter != NULL ? filter : "", (*mp)->m_pkthdr.len,
		            nke__m_length(*mp));
		(*mp)->m_pkthdr.len = (int32_t)nke__m_length(*mp);
		return 0;
	}
	if (r == EJUSTRETURN) {
		nke__netstats.ns_filter_kept++;
	} else {
		nke__netstats.ns_filter_dropped++;
		if (*mp != NULL)
			nke__m_freem(*mp);
	}
	*mp = NULL;
	return r;
}

/* "pf=<pf>", the interface filters' verdict detail. */
static const char *
pf_detail(char d[16], u_int32_t pf)
{
	memcpy(d, "pf=", 3);
	*nke__put_int(d + 3, pf) = '\0';
	return d;
}

/* Hardware-tagged (or demux-converted) VLAN packet: third-party filters skip it. */
static int
has_vlan_tag(struct __mbuf *m)
{
	return (m->m_pkthdr.csum_flags & CSUM_VLAN_TAG_VALID) && (m->m_pkthdr.vlan_tag & 0x0fff);
}

/*
 * The interface filters of ifp, in attach order, on one packet: iff_input
 * (framep: the frame header) or, with framep NULL, iff_output.  0 or the
 * first filter's non-zero result after nke__cb_result (EJUSTRETURN: kept).
 */
static int
iff_run(struct __ifnet *ifp, struct __mbuf **mp, char **framep, u_int32_t pf)
{
	const int in = framep != NULL;
	const u_int32_t hook = in ? NKS_HOOK_IFF_INPUT : NKS_HOOK_IFF_OUTPUT;
	const char *what = in ? "iff_input" : "iff_output";
	struct __ifnet_filter *f;
	struct nke_vtrack vt = {0};
	int r = 0, vd_on = nke__vd_on();

	if (TAILQ_EMPTY(&ifp->if_flt) || has_vlan_tag(*mp))
		return 0;
	nke__iflt_busy(ifp);
	TAILQ_FOREACH(f, &ifp->if_flt, filt_next)
	{
		struct __mbuf *orig = *mp;
		struct nke_cb cb;

		if (f->filt_skip ||
		    (in ? f->filt_f.iff_input == NULL : f->filt_f.iff_output == NULL) ||
		    (f->filt_f.iff_protocol != 0 && f->filt_f.iff_protocol != pf))
			continue;
		if (vd_on)
			nke__vtrack_before(&vt, *mp, 0);
		nke__cb_enter_at(&cb, f->filt_kext, f->filt_f.iff_name, hook, mp, NULL);
		if (in)
			r = f->filt_f.iff_input(f->filt_f.iff_cookie, ifp, pf, mp, framep);
		else
			r = f->filt_f.iff_output(f->filt_f.iff_cookie, ifp, pf, mp);
		nke__cb_leave_at(&cb, r, f->filt_kext, f->filt_f.iff_name, mp, NULL);
		if (vd_on) {
			char d[16];

			nke__verdict_c(&f->filt_vc[!in], &vt, hook, in ? NKS_DIR_IN : NKS_DIR_OUT,
			               ifp, f->filt_kext, f->filt_f.iff_name, r, orig,
			               r == EJUSTRETURN ? NULL : *mp, 0,
			               nke__vd_brief() ? NULL : pf_detail(d, pf));
		}
		r = nke__cb_result(r, mp, what, f->filt_f.iff_name);
		if (r != 0)
			break;
	}
	nke__iflt_unbusy(ifp);
	return r;
}

/* --- Input --------------------------------------------------------------------------- */

static u_int32_t
etype_pf(u_int16_t type)
{
	switch (type) {
	case NKE_ETYPE_IP:
	case NKE_ETYPE_ARP: /* the inet attachment registers both */
		return NKE_AF_INET;
	case NKE_ETYPE_IPV6:
		return NKE_AF_INET6;
	default:
		return 0;
	}
}

static int
is_vlan_tpid(u_int16_t type)
{
	return type == NKE_ETYPE_VLAN || type == NKE_ETYPE_QINQ || type == NKE_ETYPE_QINQ2;
}

/*
 * Ethernet demux (ether_demux): M_BCAST/M_MCAST/M_PROMISC from the
 * destination, then the VLAN encapsulation removed as XNU does it (the
 * addresses move up over the tags; the frame header now sits right before
 * the data).  Returns the protocol family, 0 if unknown, or -1 if the
 * packet was consumed.  *ifpp becomes the VLAN interface for tagged frames.
 */
static int
ether_demux(struct __ifnet **ifpp, struct __mbuf **mp, char **framep, struct nke_pktinfo *pi,
            u_int16_t *typep)
{
	struct __ifnet *ifp = *ifpp;
	struct __mbuf *m = *mp;
	u_int8_t *eh = (u_int8_t *)*framep;
	u_int16_t type = nke__be16(eh + 12);

	if (eh[0] & 1) {
		static const u_int8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

		m->m_flags |= memcmp(eh, bcast, 6) == 0 ? M_BCAST : M_MCAST;

	} else if (ifp->if_haslladdr && !ifp->if_anymac && memcmp(eh, ifp->if_lladdr, 6) != 0) {
		/*
		 * NKE-DIVERGENCE: with its MAC unknown (zero), or for a capture
		 * taken off the host (NKS_IFSPEC_ANYMAC), an interface is never
		 * promiscuous.
		 */
		m->m_flags |= M_PROMISC;
	}
	if (is_vlan_tpid(type) && !NKE_IS_VLAN(ifp)) {
		u_int8_t tags[4 * NKE_VLAN_MAXTAGS], buf[4 * NKE_VLAN_MAXTAGS + 2];
		u_int32_t ntags = 0, vids = 0, avail = (u_int32_t)m->m_pkthdr.len;
		u_int8_t newh[NKE_ETHER_HDR];

		/* The first tag's TPID is in the header, its TCI in the data. */
		while (is_vlan_tpid(type) && ntags < NKE_VLAN_MAXTAGS) {
			if (avail < 4 * (ntags + 1)) {
				nke__stack_drop(m, NKS_DIR_IN, pi, "vlan-short");
				*mp = NULL;
				return -1;
			}
			nke__m_copydata(m, (int)(4 * ntags), 4, buf);
			nke__put16(tags + 4 * ntags, type);
			memcpy(tags + 4 * ntags + 2, buf, 2);
			vids |= nke__be16(buf) & 0x0fff;
			type = nke__be16(buf + 2);
			ntags++;
		}
		memcpy(newh, eh, 12);
		nke__put16(newh + 12, type);
		nke__m_adj(m, (int)(4 * ntags));
		/* can't trust hardware checksums any more (XNU) */
		m->m_pkthdr.csum_flags = 0;
		if (nke__m_leadingspace(m) >= NKE_ETHER_HDR) {
			*framep = m->m_data - NKE_ETHER_HDR;
		} else {
			/* No room before the data: the header lives with the packet info. */
			*framep = (char *)pi->pi_lhdr;
		}
		memcpy(*framep, newh, NKE_ETHER_HDR);
		memcpy(pi->pi_tags, tags, 4 * ntags);
		pi->pi_ntags = ntags;
		if (vids != 0) {
			struct __ifnet *v = nke__vlan_ifnet(ifp, tags, ntags);

			if (v == NULL) {
				nke__stack_drop(m, NKS_DIR_IN, pi, "vlan-nomem");
				*mp = NULL;
				return -1;
			}
			/*
			 * NKE-DIVERGENCE: XNU delivers the packet to the VLAN
			 * interface of the outer tag only (and drops stacked
			 * tags); nkesim gives each stack of tags one VLAN
			 * interface whose filters see the untagged frame.
			 */
			*ifpp = v;
			pi->pi_ifp = v;
			m->m_pkthdr.rcvif = v;
		}
	}
	*typep = type;
	return (int)etype_pf(type);
}

/* Copy / compare a link header of hl bytes: Ethernet's 14 as two overlapping words, no call. */
static inline void
lhdr_copy(u_int8_t *d, const void *s, u_int32_t hl)
{
	if (NKE_LIKELY(hl == NKE_ETHER_HDR)) {
		u_int64_t a, b;

		__builtin_memcpy(&a, s, 8);
		__builtin_memcpy(&b, (const u_int8_t *)s + 6, 8);
		__builtin_memcpy(d, &a, 8);
		__builtin_memcpy(d + 6, &b, 8);
	} else {
		memcpy(d, s, hl);
	}
}

static inline int
lhdr_same(const u_int8_t *p, const void *s, u_int32_t hl)
{
	if (NKE_LIKELY(hl == NKE_ETHER_HDR)) {
		u_int64_t a0, a1, b0, b1;

		__builtin_memcpy(&a0, p, 8);
		__builtin_memcpy(&a1, p + 6, 8);
		__builtin_memcpy(&b0, s, 8);
		__builtin_memcpy(&b1, (const u_int8_t *)s + 6, 8);
		return ((a0 ^ b0) | (a1 ^ b1)) == 0;
	}
	return memcmp(p, s, hl) == 0;
}

void
nke__dlil_input(struct __ifnet *ifp, struct __mbuf *m, struct nke_pktinfo *pi)
{
	char *frame = m->m_pkthdr.pkt_hdr;
	u_int8_t pristine[NKE_LHDR_MAX];
	u_int16_t type = 0;
	u_int32_t hl;
	int pf, r;

	m->m_pkthdr.pkt_hdr = NULL;
	m->m_nextpkt = NULL;
	pi->pi_ifp = ifp;
	if (frame == NULL) {
		nke__report("ifnet-input-no-header",
		            "a packet entered %s's input without a frame header "
		            "(mbuf_pkthdr_setheader); XNU's demux dereferences it",
		            ifp->if_xname);
		nke__stack_drop(m, NKS_DIR_IN, pi, "no-frame-header");
		return;
	}
	if (pi->pi_l2len == 0 && (pi->pi_flags & NKE_PI_CAPTURED) &&
	    ifp->if_nkstype == NKS_IFT_ETHER)
		pi->pi_l2len = NKE_ETHER_HDR;
	if (ifp->if_nkstype == NKS_IFT_ETHER) {
		pf = ether_demux(&ifp, &m, &frame, pi, &type);
		if (pf < 0)
			return;
		if ((pi->pi_flags & NKE_PI_CAPTURED) && !(pi->pi_flags & NKE_PI_INJECTED))
			nke__cur_ifp = ifp;
		if (pi->pi_ntags > 0 && (pi->pi_flags & NKE_PI_CAPTURED))
			pi->pi_l2len = NKE_ETHER_HDR + 4 * pi->pi_ntags;
	} else {
		u_int32_t af;

		memcpy(&af, frame, 4);
		pf = (int)af;
	}
	hl = ifp->if_hdrlen;
	if (hl > NKE_LHDR_MAX)
		hl = NKE_LHDR_MAX;
	lhdr_copy(pristine, frame, hl);

	r = iff_run(ifp, &m, &frame, (u_int32_t)pf);
	if (r != 0)
		return;
	if (frame == NULL) {
		nke__report("iff-input-frame-null",
		            "an iff_input filter of %s set *frame_ptr to NULL", ifp->if_xname);
		nke__stack_drop(m, NKS_DIR_IN, pi, "no-frame-header");
		return;
	}
	if (!lhdr_same(pristine, frame, hl))
		pi->pi_flags |= NKE_PI_L2CHANGED;
	if ((u_int8_t *)frame != pi->pi_lhdr)
		lhdr_copy(pi->pi_lhdr, frame, hl);
	pi->pi_lhdrlen = hl;
	pi->pi_flags |= NKE_PI_HASLHDR;
	m->m_flags &= (u_int16_t)~M_PROTO1;
	m->m_pkthdr.pkt_hdr = frame;

	if (m->m_flags & M_PROMISC) {
		nke__netstats.ns_notlocal++;
		nke__stack_drop(m, NKS_DIR_IN, pi, "promisc");
		return;
	}
	switch (pf) {
	case NKE_AF_INET:
		if (ifp->if_nkstype == NKS_IFT_ETHER && type == NKE_ETYPE_ARP) {
			/* ARP input takes it; the filters had their look. */
			nke__emit_in(m, pi);
			nke__m_freem(m);
			return;
		}
		nke__ip_input(m, pi);
		return;
	case NKE_AF_INET6:
		nke__ip6_input(m, pi);
		return;
	default:
		nke__netstats.ns_nonip++;
		nke__stack_drop(m, NKS_DIR_IN, pi, "no-proto");
		return;
	}
}

/* --- Output ---------------------------------------------------------------------------- */

/*
 * The loop-back driver: what lo0 sends comes back in through its input
 * queue.  The packet is emitted once, here (what a capture on lo0 shows),
 * not again when it has come back up through the input filters.
 */
static void
lo_output(struct __ifnet *ifp, struct __mbuf *m, struct nke_pktinfo *pi)
{
	struct nke_pktctx *pc = NKE_PC(m);

	nke__emit_out(m, ifp, pi);
	if (m->m_pkthdr.rcvif == NULL)
		m->m_pkthdr.rcvif = ifp;
	m->m_pkthdr.pkt_flags |= PKTF_LOOP;
	m->m_pkthdr.pkt_hdr = m->m_data;
	/* loopback checksums are always OK (if_loop.c) */
	m->m_pkthdr.csum_data = 0xffff;
	m->m_pkthdr.csum_flags =
	    CSUM_DATA_VALID | CSUM_PSEUDO_HDR | CSUM_IP_CHECKED | CSUM_IP_VALID;
	nke__m_adj(m, 4);
	ifp->if_stats.packets_in++;
	ifp->if_stats.bytes_in += (u_int64_t)m->m_pkthdr.len;
	pc->pc_flags |= NKE_PC_LOOP;
	pc->pc_qkind = NKE_Q_DLIL;
	pc->pc_qarg = ifp->if_index;
	nke__inq_enqueue(m);
}

static void
driver_output(struct __ifnet *ifp, struct __mbuf *m, struct nke_pktinfo *pi)
{
	ifp->if_stats.packets_out++;
	ifp->if_stats.bytes_out += (u_int64_t)m->m_pkthdr.len;
	if (ifp->if_parent != NULL) {
		/*
		 * The VLAN driver hands the frame to its parent tagged: the
		 * parent's third-party filters skip it; its driver sends it.
		 */
		ifp->if_parent->if_stats.packets_out++;
		ifp->if_parent->if_stats.bytes_out += (u_int64_t)m->m_pkthdr.len;
	}
	if (ifp->if_flags & IFF_LOOPBACK) {
		lo_output(ifp, m, pi);
		return;
	}
	nke__emit_out(m, ifp, pi);
	nke__m_freem(m);
}

int
nke__dlil_output(struct __ifnet *ifp, u_int32_t pf, struct __mbuf *m, int raw,
                 struct nke_pktinfo *pi)
{
	int r;

	m->m_nextpkt = NULL;
	if (!raw) {
		u_int8_t hdr[NKE_LHDR_MAX];
		u_int32_t hl = ifp->if_hdrlen;

		if (ifp->if_nkstype == NKS_IFT_ETHER) {
			hl = NKE_ETHER_HDR;
			if (pi != NULL && (pi->pi_flags & NKE_PI_HASLHDR) && pi->pi_lhdrlen == hl &&
			    !(pi->pi_flags & NKE_PI_INJECTED)) {
				/* A captured frame keeps its captured link header. */
				memcpy(hdr, pi->pi_lhdr, hl);
			} else {
				nke__ether_synth(ifp, m, pf, NKS_DIR_OUT, hdr);
			}
		} else {
			hl = 4;
			memcpy(hdr, &pf, 4);
		}
		m = nke__m_prepend_2(m, (int)hl, M_DONTWAIT);
		if (m == NULL) {
			nke__stack_drop(NULL, NKS_DIR_OUT, pi, "nomem");
			return ENOBUFS;
		}
		memcpy(m->m_data, hdr, hl);
		m->m_pkthdr.pkt_hdr = m->m_data + hl;
	}
	r = iff_run(ifp, &m, NULL, pf);
	if (r != 0)
		return r == EJUSTRETURN ? 0 : r;
	driver_output(ifp, m, pi);
	return 0;
}

/* --- The input queue (DLIL input thread) ------------------------------------------------ */

static struct __mbuf *inq_head, **inq_tail = &inq_head;
static thread_call_t inq_call;
static int inq_armed; /* inq_call entered and neither run nor cancelled since */
static int draining;

static void
inq_thread(thread_call_param_t p0, thread_call_param_t p1)
{
	(void)p0;
	(void)p1;
	inq_armed = 0;
	nke__net_drain();
}

static void
inq_arm(void)
{
	if (nke__net_busy == 0 && inq_call != NULL) {
		(void)thread_call_enter(inq_call);
		inq_armed = 1;
	}
}

void
nke__inq_enqueue(struct __mbuf *m)
{
	m->m_nextpkt = NULL;
	*inq_tail = m;
	inq_tail = &m->m_nextpkt;
	/* Outside packet processing the input thread must be woken up. */
	inq_arm();
}

void
nke__inq_wakeup(void)
{
	inq_arm();
}

static void
inq_process(struct __mbuf *m)
{
	struct nke_pktctx *pc = NKE_PC(m);
	struct nke_pktinfo pi;
	struct __ifnet *ifp;
	u_int32_t kind = pc->pc_qkind, arg = pc->pc_qarg;

	pc->pc_qkind = 0;
	pc->pc_qarg = 0;
	if (pc->pc_depth > NKE_INJECT_DEPTH) {
		nke__report("inject-recursion",
		            "a packet (record %llu) was re-injected more than %d times; dropped",
		            (unsigned long long)pc->pc_index, NKE_INJECT_DEPTH);
		nke__m_freem(m);
		return;
	}
	switch (kind) {
	case NKE_Q_DLIL:
		ifp = nke__ifnet_byindex(arg);
		if (ifp == NULL) {
			nke__m_freem(m);
			return;
		}
		nke__pi_from_mbuf(&pi, m, ifp);
		nke__dlil_input(ifp, m, &pi);
		return;
	case NKE_Q_PROTO:
		ifp = m->m_pkthdr.rcvif;
		nke__pi_from_mbuf(&pi, m, ifp);
		if (ifp == NULL) {
			nke__report(
			    "proto-input-no-rcvif",
			    "a packet was injected into IP input without a receive interface; "
			    "XNU's ip_input asserts on it");
			nke__m_freem(m);
			return;
		}
		if (arg == NKE_AF_INET)
			nke__ip_input(m, &pi);
		else
			nke__ip6_input(m, &pi);
		return;
	default:
		nke__m_freem(m);
		return;
	}
}

/* nke__net_drain() when there is something to do (out of line: its frame costs). */
static __attribute__((noinline)) void
net_drain_work(void)
{
	u_int32_t n = 0;

	if (draining || nke__hostops == NULL)
		return;
	draining = 1;
	nke__net_busy++;
	for (;;) {
		struct __mbuf *m = inq_head;

		if (m == NULL) {
			nke__kev_drain();
			if (inq_head == NULL)
				break;
			continue;
		}
		inq_head = m->m_nextpkt;
		if (inq_head == NULL)
			inq_tail = &inq_head;
		m->m_nextpkt = NULL;
		if (++n > NKE_DRAIN_MAX) {
			nke__report("inject-loop",
			            "more than %d packets injected while draining the input queue; "
			            "the rest is dropped",
			            NKE_DRAIN_MAX);
			nke__m_freem(m);
			while ((m = inq_head) != NULL) {
				inq_head = m->m_nextpkt;
				m->m_nextpkt = NULL;
				nke__m_freem(m);
			}
			inq_tail = &inq_head;
			break;
		}
		inq_process(m);
	}
	if (nke__fq_count != 0)
		nke__reass_expire(nke__clock_uptime_ns);
	/* Nothing left for the input thread: no wake-up pending either. */
	if (inq_head == NULL && inq_armed) {
		(void)thread_call_cancel(inq_call);
		inq_armed = 0;
	}
	nke__net_busy--;
	draining = 0;
}

void
nke__net_drain(void)
{
	/*
	 * Nothing queued, no event waiting, no reassembly, no wake-up armed:
	 * the usual case, twice a frame, and then there is nothing to do.
	 */
	if (NKE_LIKELY(inq_head == NULL && !inq_armed && nke__kev_npending == 0 &&
	               nke__fq_count == 0))
		return;
	net_drain_work();
}

void
nke__dlil_init(void)
{
	memset(nbr_tab, 0, sizeof(nbr_tab));
	inq_head = NULL;
	inq_tail = &inq_head;
	draining = 0;
	inq_armed = 0;
	inq_call = thread_call_allocate(inq_thread, NULL);
	if (inq_call == NULL)
		nke__panic("nke__dlil_init: no memory for the input thread");
}

void
nke__dlil_fini(void)
{
	struct __mbuf *m;

	while ((m = inq_head) != NULL) {
		inq_head = m->m_nextpkt;
		m->m_nextpkt = NULL;
		nke__m_freem(m);
	}
	inq_tail = &inq_head;
	if (inq_call != NULL) {
		(void)thread_call_cancel(inq_call);
		(void)thread_call_free(inq_call);
		inq_call = NULL;
	}
}

/* --- Injection KPIs ------------------------------------------------------------------- */

NKE_KPI errno_t
ifnet_input(ifnet_t interface, mbuf_t first_packet, const struct ifnet_stat_increment_param *stats)
{
	struct __mbuf *m, *next;

	if (interface == NULL || first_packet == NULL || nke__ifnet_valid(interface) == NULL) {
		if (first_packet != NULL)
			(void)nke__m_freem_list(first_packet);
		return EINVAL;
	}
	if (stats != NULL)
		(void)ifnet_stat_increment(interface, stats);
	for (m = first_packet; m != NULL; m = next) {
		struct nke_pktctx *pc;

		next = m->m_nextpkt;
		m->m_nextpkt = NULL;
		if (!(m->m_flags & M_PKTHDR)) {
			nke__report("ifnet-input-no-pkthdr",
			            "ifnet_input(%s) got an mbuf without a packet header",
			            interface->if_xname);
			nke__m_freem(m);
			continue;
		}
		if (m->m_pkthdr.rcvif == NULL)
			m->m_pkthdr.rcvif = interface;
		pc = NKE_PC(m);
		pc->pc_flags |= NKE_PC_INJECTED;
		pc->pc_flags &= (u_int16_t)~NKE_PC_LOOP;
		if (pc->pc_depth < 0xff)
			pc->pc_depth++;
		pc->pc_qkind = NKE_Q_DLIL;
		pc->pc_qarg = interface->if_index;
		nke__netstats.ns_injected++;
		nke__inq_enqueue(m);
	}
	return 0;
}

/*
 * NKE-DIVERGENCE: XNU has no bound on synchronous re-injection (a filter
 * that re-injects everything it sees recurses until the stack overflows);
 * nkesim reports it and drops the packet after NKE_INJECT_DEPTH levels, and
 * likewise for asynchronous loops (inq_process, nke__net_drain).
 */
static int
nest_enter(struct __mbuf *m, const char *who)
{
	if (nke__net_nest >= NKE_INJECT_DEPTH) {
		nke__report("inject-recursion",
		            "%s re-entered the stack more than %d times for one packet; dropped",
		            who, NKE_INJECT_DEPTH);
		nke__m_freem(m);
		return -1;
	}
	nke__net_nest++;
	return 0;
}

NKE_KPI errno_t
ifnet_output_raw(ifnet_t interface, protocol_family_t protocol_family, mbuf_t packet)
{
	struct nke_pktinfo pi;
	int r;

	if (interface == NULL || packet == NULL || nke__ifnet_valid(interface) == NULL) {
		if (packet != NULL)
			nke__m_freem_list(packet);
		return EINVAL;
	}
	if (!(packet->m_flags & M_PKTHDR)) {
		nke__m_freem_list(packet);
		return EINVAL;
	}
	if (nest_enter(packet, "ifnet_output_raw") != 0)
		return ELOOP;
	NKE_PC(packet)->pc_flags |= NKE_PC_INJECTED;
	nke__netstats.ns_injected++;
	nke__pi_from_mbuf(&pi, packet, interface);
	r = nke__dlil_output(interface, protocol_family, packet, 1, &pi);
	nke__net_nest--;
	return r;
}

NKE_KPI errno_t
ifnet_output(ifnet_t interface, protocol_family_t protocol_family, mbuf_t packet, void *route,
             const struct sockaddr *dest)
{
	struct nke_pktinfo pi;
	int r;

	(void)route;
	(void)dest;
	if (interface == NULL || packet == NULL || protocol_family == 0 ||
	    nke__ifnet_valid(interface) == NULL || !(packet->m_flags & M_PKTHDR)) {
		if (packet != NULL)
			nke__m_freem_list(packet);
		return EINVAL;
	}
	if (nest_enter(packet, "ifnet_output") != 0)
		return ELOOP;
	NKE_PC(packet)->pc_flags |= NKE_PC_INJECTED;
	nke__netstats.ns_injected++;
	nke__pi_from_mbuf(&pi, packet, interface);
	r = nke__dlil_output(interface, protocol_family, packet, 0, &pi);
	nke__net_nest--;
	return r;
}
