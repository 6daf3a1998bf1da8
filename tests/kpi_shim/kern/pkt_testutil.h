/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt_testutil.h - helpers for kernel-world tests of the simulated network
 * stack: a recorder of emissions (ho_emit) and verdicts (ho_verdict), packet
 * builders (Ethernet, 802.1Q, IPv4, IPv6 with extension headers, TCP, UDP,
 * fragments) with valid checksums computed independently of the stack, and
 * small wrappers to attach interfaces and feed frames.
 *
 * Include once per test executable (everything here is static).
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
#include "nkt.h"

#define PT_UNUSED __attribute__((unused))

/* --- Recording the host's view ------------------------------------------ */

#define PT_MAX_EMITS    256
#define PT_MAX_VERDICTS 512
#define PT_EMIT_DATA    2048

struct pt_emit {
	struct nks_emit e;
	char ifname[IFNAMSIZ];
	u_int8_t data[PT_EMIT_DATA]; /* the first PT_EMIT_DATA bytes */
};

struct pt_verdict {
	struct nks_verdict v;
	char ifname[IFNAMSIZ];
	char kext[64];
	char filter[64];
	char detail[96];
};

static struct nks_hostops pt_ops;
static struct pt_emit pt_emits[PT_MAX_EMITS];
static unsigned pt_nemits;
static struct pt_verdict pt_verdicts[PT_MAX_VERDICTS];
static unsigned pt_nverdicts;

static void
pt_copystr(char *dst, size_t size, const char *src)
{
	if (src == NULL)
		dst[0] = '\0';
	else
		strlcpy(dst, src, size);
}

static void
pt_on_emit(void *arg, const struct nks_emit *em)
{
	struct pt_emit *r;

	(void)arg;
	if (pt_nemits == PT_MAX_EMITS)
		return;
	r = &pt_emits[pt_nemits++];
	r->e = *em;
	pt_copystr(r->ifname, sizeof(r->ifname), em->em_ifname);
	memcpy(r->data, em->em_data, em->em_len < PT_EMIT_DATA ? em->em_len : PT_EMIT_DATA);
	r->e.em_data = r->data;
	r->e.em_ifname = r->ifname;
}

static void
pt_on_verdict(void *arg, const struct nks_verdict *vd)
{
	struct pt_verdict *r;

	(void)arg;
	if (pt_nverdicts == PT_MAX_VERDICTS)
		return;
	r = &pt_verdicts[pt_nverdicts++];
	r->v = *vd;
	pt_copystr(r->ifname, sizeof(r->ifname), vd->vd_ifname);
	pt_copystr(r->kext, sizeof(r->kext), vd->vd_kext);
	pt_copystr(r->filter, sizeof(r->filter), vd->vd_filter);
	pt_copystr(r->detail, sizeof(r->detail), vd->vd_detail);
}

/* Install recording hooks (a copy of the runner's table with ho_emit/ho_verdict). */
static PT_UNUSED void
pt_record(int emits, int verdicts)
{
	pt_ops = *nke__hostops;
	pt_ops.ho_emit = emits ? pt_on_emit : NULL;
	pt_ops.ho_verdict = verdicts ? pt_on_verdict : NULL;
	nke__hostops = &pt_ops;
	pt_nemits = 0;
	pt_nverdicts = 0;
}

static PT_UNUSED void
pt_record_reset(void)
{
	pt_nemits = 0;
	pt_nverdicts = 0;
}

/* Verdicts of a hook (and filter name, when not NULL). */
static PT_UNUSED unsigned
pt_count_verdicts(u_int32_t hook, const char *filter)
{
	unsigned i, n = 0;

	for (i = 0; i < pt_nverdicts; i++)
		if (pt_verdicts[i].v.vd_hook == hook &&
		    (filter == NULL || strcmp(pt_verdicts[i].filter, filter) == 0))
			n++;
	return n;
}

/* The last verdict of the stack whose detail is `why`, or NULL. */
static PT_UNUSED const struct pt_verdict *
pt_stack_verdict(const char *why)
{
	unsigned i;

	for (i = pt_nverdicts; i-- > 0;)
		if (pt_verdicts[i].v.vd_hook == NKS_HOOK_STACK && strcmp(pt_verdicts[i].detail, why) == 0)
			return &pt_verdicts[i];
	return NULL;
}

/* --- Checksums (independent of the stack) -------------------------------- */

static u_int32_t
pt_sum(const u_int8_t *p, size_t n, u_int32_t s)
{
	for (; n >= 2; n -= 2, p += 2)
		s += (u_int32_t)p[0] << 8 | p[1];
	if (n == 1)
		s += (u_int32_t)p[0] << 8;
	return s;
}

static u_int16_t
pt_fold(u_int32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (u_int16_t)s;
}

static void
pt_put16(u_int8_t *p, u_int32_t v)
{
	p[0] = (u_int8_t)(v >> 8);
	p[1] = (u_int8_t)v;
}

static PT_UNUSED u_int32_t
pt_get16(const u_int8_t *p)
{
	return (u_int32_t)p[0] << 8 | p[1];
}

/* IPv4 header checksum of a header at ip (field must be zero or is ignored). */
static u_int16_t
pt_ip_sum(const u_int8_t *ip)
{
	u_int32_t hl = (u_int32_t)(ip[0] & 0x0f) * 4, s = 0, i;

	for (i = 0; i < hl; i += 2)
		if (i != 10)
			s += (u_int32_t)ip[i] << 8 | ip[i + 1];
	return (u_int16_t)~pt_fold(s);
}

/* Pseudo-header sum, folded, not complemented. */
static u_int16_t
pt_pseudo(const u_int8_t *src, const u_int8_t *dst, u_int32_t alen, u_int32_t len, u_int32_t p)
{
	u_int32_t s = pt_sum(src, alen, 0);

	s = pt_sum(dst, alen, s) + (len >> 16) + (len & 0xffff) + p;
	return pt_fold(s);
}

/* Full transport checksum over seg (field at sumoff zeroed in the sum). */
static u_int16_t
pt_l4_sum(const u_int8_t *src, const u_int8_t *dst, u_int32_t alen, u_int8_t proto,
          const u_int8_t *seg, u_int32_t len, u_int32_t sumoff)
{
	u_int32_t s = pt_pseudo(src, dst, alen, len, proto);
	u_int16_t r;

	s = pt_sum(seg, sumoff, s);
	s = pt_sum(seg + sumoff + 2, len - sumoff - 2, s);
	r = (u_int16_t)~pt_fold(s);
	if (r == 0 && proto == 17)
		r = 0xffff;
	return r;
}

/* --- Builders ---------------------------------------------------------------- */

#define PT_PKTMAX 20000

struct pt_pkt {
	u_int8_t b[PT_PKTMAX];
	u_int32_t len;
	u_int32_t l2; /* link header length */
};

static const u_int8_t pt_mac_host[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const u_int8_t pt_mac_peer[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
static const u_int8_t pt_ip_host[4] = {10, 0, 0, 1};
static const u_int8_t pt_ip_peer[4] = {10, 0, 0, 2};
static const u_int8_t pt_ip6_host[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const u_int8_t pt_ip6_peer[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

/* Ethernet header (ntags 802.1Q tags with vids[]) for an inbound or outbound frame. */
static PT_UNUSED void
pt_eth(struct pt_pkt *p, int inbound, u_int16_t type, unsigned ntags, const u_int16_t *vids)
{
	unsigned i;

	memcpy(p->b, inbound ? pt_mac_host : pt_mac_peer, 6);
	memcpy(p->b + 6, inbound ? pt_mac_peer : pt_mac_host, 6);
	p->l2 = 12;
	for (i = 0; i < ntags; i++) {
		pt_put16(p->b + p->l2, i + 1 < ntags ? 0x88a8 : 0x8100);
		pt_put16(p->b + p->l2 + 2, vids[i]);
		p->l2 += 4;
	}
	pt_put16(p->b + p->l2, type);
	p->l2 += 2;
	p->len = p->l2;
}

/*
 * IPv4 + (TCP|UDP|other) with payload, appended after the link header.
 * opts: optlen bytes of options (NOPs).  Returns the IP header offset.
 */
static PT_UNUSED u_int32_t
pt_ip4(struct pt_pkt *p, const u_int8_t *src, const u_int8_t *dst, u_int8_t proto, u_int16_t id,
       u_int16_t off_flags, u_int32_t optlen, const void *payload, u_int32_t plen)
{
	u_int32_t h = p->len, hl = 20 + optlen, tl;
	u_int8_t *ip = p->b + h;

	tl = proto == 6 ? 20 : proto == 17 ? 8 : 0;
	memset(ip, 0, hl + tl);
	ip[0] = (u_int8_t)(0x40 | (hl / 4));
	pt_put16(ip + 2, hl + tl + plen);
	pt_put16(ip + 4, id);
	pt_put16(ip + 6, off_flags);
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	memset(ip + 20, 1, optlen); /* NOP options */
	if (plen > 0)
		memcpy(ip + hl + tl, payload, plen);
	if (proto == 6) {
		u_int8_t *th = ip + hl;

		pt_put16(th, 40000);
		pt_put16(th + 2, 80);
		th[4] = 0x11;
		th[12] = 5 << 4;
		th[13] = 0x18; /* PSH|ACK */
		pt_put16(th + 14, 65535);
		pt_put16(th + 16, pt_l4_sum(src, dst, 4, 6, th, 20 + plen, 16));
	} else if (proto == 17) {
		u_int8_t *uh = ip + hl;

		pt_put16(uh, 5353);
		pt_put16(uh + 2, 53);
		pt_put16(uh + 4, 8 + plen);
		pt_put16(uh + 6, pt_l4_sum(src, dst, 4, 17, uh, 8 + plen, 6));
	}
	pt_put16(ip + 10, pt_ip_sum(ip));
	p->len = h + hl + tl + plen;
	return h;
}

/* Recompute the IPv4 header checksum of the header at p->b + h. */
static PT_UNUSED void
pt_ip4_fix(struct pt_pkt *p, u_int32_t h)
{
	pt_put16(p->b + h + 10, pt_ip_sum(p->b + h));
}

/*
 * IPv6 + extension headers (exts: a list of types 0/43/60, each 8 bytes)
 * + TCP/UDP with payload.  Returns the IPv6 header offset.
 */
static PT_UNUSED u_int32_t
pt_ip6(struct pt_pkt *p, const u_int8_t *src, const u_int8_t *dst, const u_int8_t *exts,
       unsigned nexts, u_int8_t proto, const void *payload, u_int32_t plen)
{
	u_int32_t h = p->len, off = 40, i, tl = proto == 6 ? 20 : proto == 17 ? 8 : 0;
	u_int8_t *ip6 = p->b + h, *prev = ip6 + 6;

	memset(ip6, 0, 40 + 8 * nexts + tl);
	ip6[0] = 0x60;
	memcpy(ip6 + 8, src, 16);
	memcpy(ip6 + 24, dst, 16);
	ip6[7] = 64;
	for (i = 0; i < nexts; i++) {
		*prev = exts[i];
		prev = ip6 + off;
		ip6[off + 1] = 0; /* 8 bytes */
		ip6[off + 2] = 1; /* PadN */
		ip6[off + 3] = 4;
		off += 8;
	}
	*prev = proto;
	if (plen > 0)
		memcpy(ip6 + off + tl, payload, plen);
	if (proto == 6) {
		u_int8_t *th = ip6 + off;

		pt_put16(th, 40000);
		pt_put16(th + 2, 80);
		th[12] = 5 << 4;
		th[13] = 0x18;
		pt_put16(th + 14, 65535);
		pt_put16(th + 16, pt_l4_sum(src, dst, 16, 6, th, 20 + plen, 16));
	} else if (proto == 17) {
		u_int8_t *uh = ip6 + off;

		pt_put16(uh, 5353);
		pt_put16(uh + 2, 53);
		pt_put16(uh + 4, 8 + plen);
		pt_put16(uh + 6, pt_l4_sum(src, dst, 16, 17, uh, 8 + plen, 6));
	}
	pt_put16(ip6 + 4, off - 40 + tl + plen);
	p->len = h + off + tl + plen;
	return h;
}

/*
 * One IPv4 fragment of the datagram at d (IP header at dh, header only
 * 20 bytes): data [off, off+len) of its payload.
 */
static PT_UNUSED void
pt_frag4(struct pt_pkt *f, const struct pt_pkt *d, u_int32_t dh, u_int32_t off, u_int32_t len,
         int mf)
{
	const u_int8_t *ip = d->b + dh;
	u_int8_t *fi;

	memcpy(f->b, d->b, dh);
	f->l2 = d->l2;
	fi = f->b + dh;
	memcpy(fi, ip, 20);
	memcpy(fi + 20, ip + 20 + off, len);
	pt_put16(fi + 2, 20 + len);
	pt_put16(fi + 6, (off / 8) | (mf ? 0x2000 : 0));
	pt_put16(fi + 10, pt_ip_sum(fi));
	f->len = dh + 20 + len;
}

/*
 * One IPv6 fragment of the datagram at d (IPv6 header at dh, no extension
 * headers): payload bytes [off, off+len) after a Fragment header.
 */
static PT_UNUSED void
pt_frag6(struct pt_pkt *f, const struct pt_pkt *d, u_int32_t dh, u_int32_t off, u_int32_t len,
         int mf, u_int32_t id)
{
	const u_int8_t *ip6 = d->b + dh;
	u_int8_t *fi;

	memcpy(f->b, d->b, dh);
	f->l2 = d->l2;
	fi = f->b + dh;
	memcpy(fi, ip6, 40);
	fi[6] = 44;
	fi[40] = ip6[6];
	fi[41] = 0;
	pt_put16(fi + 42, off | (mf ? 1 : 0));
	fi[44] = (u_int8_t)(id >> 24);
	fi[45] = (u_int8_t)(id >> 16);
	fi[46] = (u_int8_t)(id >> 8);
	fi[47] = (u_int8_t)id;
	memcpy(fi + 48, ip6 + 40 + off, len);
	pt_put16(fi + 4, 8 + len);
	f->len = dh + 48 + len;
}

/* --- Interfaces and frames ------------------------------------------------- */

/* Attach en0 (MAC pt_mac_host, 10.0.0.1/24 and 2001:db8::1/64). */
static PT_UNUSED u_int32_t
pt_attach_en(const char *name, u_int32_t offload, u_int32_t mtu)
{
	struct nks_ifaddr a[2];
	struct nks_ifspec s;
	u_int32_t idx = 0;
	int r;

	memset(a, 0, sizeof(a));
	a[0].ia_family = NKS_FAMILY_INET;
	a[0].ia_prefixlen = 24;
	memcpy(a[0].ia_addr, pt_ip_host, 4);
	a[1].ia_family = NKS_FAMILY_INET6;
	a[1].ia_prefixlen = 64;
	memcpy(a[1].ia_addr, pt_ip6_host, 16);
	memset(&s, 0, sizeof(s));
	s.is_name = name;
	s.is_type = NKS_IFT_ETHER;
	s.is_mtu = mtu;
	memcpy(s.is_lladdr, pt_mac_host, 6);
	s.is_offload = offload;
	s.is_naddrs = 2;
	s.is_addrs = a;
	r = NKS_ifnet_attach(&s, &idx);
	KT_ASSERT_EQ(r, 0);
	/* Let the link come up (the events the input thread posts). */
	nke__net_drain();
	return idx;
}

static u_int64_t pt_next_index = 1;

/* Feed a frame; returns its record index. */
static PT_UNUSED u_int64_t
pt_feed(u_int32_t ifindex, u_int32_t dir, const struct pt_pkt *p)
{
	struct nks_frame fr;

	memset(&fr, 0, sizeof(fr));
	fr.fr_index = pt_next_index++;
	fr.fr_time_ns = nke__clock_calendar_ns;
	fr.fr_ifindex = ifindex;
	fr.fr_dir = dir;
	fr.fr_caplen = p->len;
	fr.fr_wirelen = p->len;
	fr.fr_data = p->b;
	fr.fr_pid = -1;
	NKS_frame(&fr);
	return fr.fr_index;
}

/* Same, as a truncated record of caplen bytes out of the packet's length. */
static PT_UNUSED u_int64_t
pt_feed_trunc(u_int32_t ifindex, u_int32_t dir, const struct pt_pkt *p, u_int32_t caplen)
{
	struct nks_frame fr;

	memset(&fr, 0, sizeof(fr));
	fr.fr_index = pt_next_index++;
	fr.fr_ifindex = ifindex;
	fr.fr_dir = dir;
	fr.fr_flags = NKS_FRAME_TRUNCATED;
	fr.fr_caplen = caplen;
	fr.fr_wirelen = p->len;
	fr.fr_data = p->b;
	fr.fr_pid = -1;
	NKS_frame(&fr);
	return fr.fr_index;
}

/* An IP packet on lo0/utun (no link header in the frame). */
static PT_UNUSED u_int64_t
pt_feed_l3(u_int32_t ifindex, u_int32_t dir, u_int32_t family, const u_int8_t *pkt, u_int32_t len)
{
	struct nks_frame fr;

	memset(&fr, 0, sizeof(fr));
	fr.fr_index = pt_next_index++;
	fr.fr_ifindex = ifindex;
	fr.fr_dir = dir;
	fr.fr_family = family;
	fr.fr_caplen = len;
	fr.fr_wirelen = len;
	fr.fr_data = pkt;
	fr.fr_pid = -1;
	NKS_frame(&fr);
	return fr.fr_index;
}

/* Move the clock forward by ns and run what is due. */
static PT_UNUSED void
pt_advance(u_int64_t ns)
{
	NKS_clock_set(nke__clock_calendar_ns + (nks_i64)ns, nke__clock_uptime_ns + ns);
}

/* Copy a whole packet out of a chain (pkthdr.len bytes, at most max). */
static PT_UNUSED u_int32_t
pt_flatten(mbuf_t m, u_int8_t *buf, u_int32_t max)
{
	u_int32_t n = (u_int32_t)mbuf_pkthdr_len(m);

	if (n > max)
		n = max;
	KT_ASSERT_EQ(mbuf_copydata(m, 0, n, buf), 0);
	return n;
}

#endif /* PKT_TESTUTIL_H_ */
