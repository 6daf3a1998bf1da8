/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt_testutil.h - the simulated network stack's tests' short names for the
 * test-support library (kernel world).  The recorder of emissions and
 * verdicts, the packet builders (Ethernet, 802.1Q, IPv4, IPv6 with extension
 * headers, TCP, UDP, fragments; checksums computed independently of the
 * stack) and the helpers that attach interfaces and feed frames live in
 * testsupport/ (<nkt_kext.h>), which kext authors use too; this header maps
 * the pt_* names the stack's tests were written with onto them.
 *
 * pt_ip4() and pt_ip6() build TCP from port 40000 to 80 (PSH|ACK; IPv4 with
 * sequence number 0x11000000, IPv6 with 0) and UDP from 5353 to 53.
 */
#ifndef PKT_TESTUTIL_H_
#define PKT_TESTUTIL_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <sys/kpi_mbuf.h>
#include <net/kpi_interface.h>
#include <net/kpi_interfacefilter.h>
#include <netinet/kpi_ipfilter.h>

#include "net_internal.h"
#include "nkt_kext.h"

#define PT_UNUSED __attribute__((unused))

/* --- Recording the host's view ------------------------------------------ */

#define PT_MAX_EMITS    NKT_MAX_EMITS
#define PT_MAX_VERDICTS NKT_MAX_VERDICTS
#define PT_EMIT_DATA    NKT_EMIT_DATA

#define pt_emit      nkt_emit
#define pt_verdict   nkt_verdict
#define pt_emits     nkt_emits
#define pt_nemits    nkt_nemits
#define pt_verdicts  nkt_verdicts
#define pt_nverdicts nkt_nverdicts

#define pt_record(emits, verdicts) nkt_record((emits), (verdicts))
#define pt_record_reset()          nkt_record_reset()
#define pt_count_verdicts(h, f)    nkt_count_verdicts((h), (f))
#define pt_stack_verdict(why)      nkt_stack_verdict(why)

/* --- Checksums and fields ------------------------------------------------- */

#define pt_sum(p, n, s)  nkt_cksum_add((p), (n), (s))
#define pt_fold(s)       nkt_cksum_fold(s)
#define pt_put16(p, v)   nkt_put16((p), (v))
#define pt_get16(p)      nkt_get16(p)
#define pt_ip_sum(ip)    nkt_cksum_ip4(ip)
#define pt_pseudo(s, d, alen, len, p) nkt_cksum_pseudo((s), (d), (alen), (len), (p))
#define pt_l4_sum(s, d, alen, proto, seg, len, off)                                        \
	nkt_cksum_l4((s), (d), (alen), (proto), (seg), (len), (off))

/* --- Builders ---------------------------------------------------------------- */

#define PT_PKTMAX NKT_PKT_MAX
#define pt_pkt    nkt_pkt

#define pt_mac_host nkt_mac_host
#define pt_mac_peer nkt_mac_peer
#define pt_ip_host  nkt_ip4_host
#define pt_ip_peer  nkt_ip4_peer
#define pt_ip6_host nkt_ip6_host
#define pt_ip6_peer nkt_ip6_peer

#define pt_eth(p, inbound, type, ntags, vids) nkt_pkt_eth((p), (inbound), (type), (ntags), (vids))
#define pt_ip4_fix(p, h)                       nkt_pkt_ip4_fix((p), (h))
#define pt_frag4(f, d, dh, off, len, mf)       nkt_pkt_frag4((f), (d), (dh), (off), (len), (mf))
#define pt_frag6(f, d, dh, off, len, mf, id)   nkt_pkt_frag6((f), (d), (dh), (off), (len), (mf), (id))

/*
 * IPv4 + (TCP|UDP|other) with payload, appended after the link header.
 * optlen bytes of NOP options.  Returns the IP header offset.
 */
static PT_UNUSED u_int32_t
pt_ip4(struct nkt_pkt *p, const u_int8_t *src, const u_int8_t *dst, u_int8_t proto, u_int16_t id,
       u_int16_t off_flags, u_int32_t optlen, const void *payload, u_int32_t plen)
{
	struct nkt_ipspec s;

	memset(&s, 0, sizeof(s));
	s.family = 4;
	s.src = src;
	s.dst = dst;
	s.proto = proto;
	s.ip_id = id;
	s.ip_off = off_flags;
	s.optlen = optlen;
	s.sport = proto == 17 ? 5353 : 40000;
	s.dport = proto == 17 ? 53 : 80;
	s.seq = 0x11000000;
	s.tcp_flags = 0x18; /* PSH|ACK */
	s.payload = payload;
	s.plen = plen;
	return nkt_pkt_ip(p, &s);
}

/*
 * IPv6 + extension headers (exts: a list of types 0/43/60, each 8 bytes)
 * + TCP/UDP with payload.  Returns the IPv6 header offset.
 */
static PT_UNUSED u_int32_t
pt_ip6(struct nkt_pkt *p, const u_int8_t *src, const u_int8_t *dst, const u_int8_t *exts,
       unsigned nexts, u_int8_t proto, const void *payload, u_int32_t plen)
{
	struct nkt_ipspec s;

	memset(&s, 0, sizeof(s));
	s.family = 6;
	s.src = src;
	s.dst = dst;
	s.exts = exts;
	s.nexts = nexts;
	s.proto = proto;
	s.sport = proto == 17 ? 5353 : 40000;
	s.dport = proto == 17 ? 53 : 80;
	s.tcp_flags = 0x18;
	s.payload = payload;
	s.plen = plen;
	return nkt_pkt_ip(p, &s);
}

/* --- Interfaces and frames ------------------------------------------------- */

/* Attach an Ethernet interface (MAC pt_mac_host, 10.0.0.1/24, 2001:db8::1/64). */
#define pt_attach_en(name, offload, mtu) nkt_ifnet_attach((name), (offload), (mtu))

/* Feed a frame; returns its record index. */
#define pt_feed(ifindex, dir, p) nkt_send_frame((ifindex), (dir), (p)->b, (p)->len, (p)->len)

/* Same, as a truncated record of caplen bytes out of the packet's length. */
#define pt_feed_trunc(ifindex, dir, p, caplen)                                             \
	nkt_send_frame((ifindex), (dir), (p)->b, (caplen), (p)->len)

/* An IP packet on lo0/utun (no link header in the frame). */
static PT_UNUSED u_int64_t
pt_feed_l3(u_int32_t ifindex, u_int32_t dir, u_int32_t family, const u_int8_t *pkt, u_int32_t len)
{
	return nkt_send_l3(ifindex, dir, family == NKS_FAMILY_INET6 ? 6 : 4, pkt, len);
}

/* Move the clock forward by ns and run what is due. */
#define pt_advance(ns) nkt_advance_ns(ns)

/* Copy a whole packet out of a chain (pkthdr.len bytes, at most max). */
#define pt_flatten(m, buf, max) nkt_mbuf_flatten((m), (buf), (max))

/* --- A capturing IP filter -------------------------------------------------- */

/*
 * An IP filter that counts its calls, keeps the protocols ipf_input was called
 * with and a flat copy of the last packet it saw; with modify set it changes
 * what it sees: inbound, the last byte of a UDP packet (0x99); outbound, the
 * TTL or hop limit (9).
 */
struct pt_cap {
	int calls_in, calls_out, modify;
	int protos[8];
	int n;
	int v6;
	u_int8_t pkt[512];
	u_int32_t len;
	ipfilter_t ref;
};

static PT_UNUSED errno_t
pt_cap_in(void *cookie, mbuf_t *data, int off, u_int8_t proto)
{
	struct pt_cap *c = cookie;

	(void)off;
	c->calls_in++;
	if (c->n < 8)
		c->protos[c->n++] = proto;
	c->len = pt_flatten(*data, c->pkt, sizeof(c->pkt));
	if (c->modify && proto == 17) {
		u_int8_t x = 0x99;

		KT_ASSERT_EQ(mbuf_copyback(*data, c->len - 1, 1, &x, MBUF_WAITOK), 0);
	}
	return 0;
}

static PT_UNUSED errno_t
pt_cap_out(void *cookie, mbuf_t *data, ipf_pktopts_t opts)
{
	struct pt_cap *c = cookie;

	(void)opts;
	c->calls_out++;
	c->len = pt_flatten(*data, c->pkt, sizeof(c->pkt));
	if (c->modify) {
		u_int8_t ttl = 9;

		KT_ASSERT_EQ(mbuf_copyback(*data, c->v6 ? 7 : 8, 1, &ttl, MBUF_WAITOK), 0);
	}
	return 0;
}

/* Install c as an IPv4 (v6 = 0) or IPv6 filter named "cap"/"cap6". */
static PT_UNUSED void
pt_cap_add(struct pt_cap *c, int v6)
{
	struct ipf_filter f;

	memset(c, 0, sizeof(*c));
	memset(&f, 0, sizeof(f));
	c->v6 = v6;
	f.cookie = c;
	f.name = v6 ? "cap6" : "cap";
	f.ipf_input = pt_cap_in;
	f.ipf_output = pt_cap_out;
	KT_ASSERT_EQ(v6 ? ipf_addv6(&f, &c->ref) : ipf_addv4(&f, &c->ref), 0);
}

#endif /* PKT_TESTUTIL_H_ */
