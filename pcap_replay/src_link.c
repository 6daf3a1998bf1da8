/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * src_link.c - link-layer decoding of captured records (host world).
 *
 * Each simulated interface has one framing (enum nks_iftype): Ethernet
 * frames as captured (VLAN tags included: the kernel handles them), and IP
 * packets for lo0 and utun, with the family beside them.  This file maps
 * every link type nkesim reads onto one of those: BSD loopback (NULL, LOOP)
 * loses its family word, raw IP keeps its packet, Linux cooked captures
 * (SLL, SLL2) get an Ethernet header built from what they record, and Apple
 * PKTAP records are unwrapped to their inner frame, naming the interface
 * and the process they belong to.  The capture's own direction marks
 * (PKTAP flags, SLL packet types) are taken here too.
 */
#include <stdio.h>
#include <string.h>

#include "nkr_priv.h"

/* Apple's pktap_header (bsd/net/pktap.h): little-endian, these offsets. */
#define PTH_V1_TYPE_NEXT 4
#define PTH_V1_DLT       8
#define PTH_V1_IFNAME    12
#define PTH_IFNAME_SIZE  24
#define PTH_FLAGS        36 /* in both header versions */
#define PTH_V1_PID       52
#define PTH_V1_COMM      56
#define PTH_COMM_SIZE    17
#define PTH_V2_DLT       6
#define PTH_V2_PID       28
#define PTH_V2_MIN       40
#define PTH_TYPE_PACKET  1
#define PTH_FLAG_DIR_IN  0x1
#define PTH_FLAG_DIR_OUT 0x2
#define PTH_FLAG_V2_HDR  0x80000

/* Linux packet types (if_packet.h) and ARPHRD_NETLINK. */
#define SLL_HOST           0
#define SLL_BROADCAST      1
#define SLL_MULTICAST      2
#define SLL_OTHERHOST      3
#define SLL_OUTGOING       4
#define SLL_ARPHRD_ETHER   1
#define SLL_ARPHRD_NETLINK 824

#define SKIP(...)                                                                                  \
	do {                                                                                       \
		if (count)                                                                         \
			nkr__skip(src, __VA_ARGS__);                                               \
		return 0;                                                                          \
	} while (0)

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

uint32_t
nkr__linktype_iftype(int linktype, const char *capname)
{
	switch (linktype) {
	case NKR_LT_NULL:
	case NKR_LT_LOOP:
		/* BSD tunnels (macOS utun, gif, ipsec) use the loopback's
		   framing too: only a loopback-named (or unnamed) one is lo0. */
		if (capname != NULL && strncmp(capname, "lo", 2) != 0 && nkr__bsd_ifname(capname))
			return NKS_IFT_UTUN;
		return NKS_IFT_LOOPBACK;
	case NKR_LT_RAW:
	case NKR_LT_IPV4:
	case NKR_LT_IPV6:
		return NKS_IFT_UTUN;
	default:
		return NKS_IFT_ETHER;
	}
}

/* A BSD protocol-family word: AF_INET is 2 everywhere; AF_INET6 is 24
 * (NetBSD, OpenBSD), 28 (FreeBSD, DragonFly), 30 (Darwin) or 10 (Linux). */
static uint32_t
family_word(uint32_t v)
{
	switch (v) {
	case 2:
		return NKS_FAMILY_INET;
	case 10:
	case 24:
	case 28:
	case 30:
		return NKS_FAMILY_INET6;
	default:
		return 0;
	}
}

/* The decoded frame is `cap` bytes at p after stripping `hdr` bytes of the
 * record's link header (and adding `add` of ours). */
static int
frame(struct nkr__dec *d, int sif, const uint8_t *p, uint32_t cap, uint32_t wire, uint32_t hdr,
      uint32_t add)
{
	uint32_t w = wire - hdr + add; /* wire >= cap >= hdr */

	d->d_srcif = (unsigned)sif;
	d->d_data = p;
	d->d_caplen = cap;
	d->d_wirelen = w >= cap ? w : cap;
	if (d->d_caplen < d->d_wirelen)
		d->d_flags |= NKS_FRAME_TRUNCATED;
	return 1;
}

static void
set_dir(struct nkr__dec *d, uint32_t dir, int rule)
{
	if (d->d_dir == 0 && dir != 0) {
		d->d_dir = dir;
		d->d_rule = rule;
	}
}

void
nkr__sll_learn(struct nkr_source *src, const struct nkr__rec *r)
{
	struct nkr__capif *ci = &src->sr_capifs[r->r_capif];
	const uint8_t *p = r->r_data, *addr;
	unsigned pkttype, halen;

	if (ci->ci_linktype == NKR_LT_LINUX_SLL && r->r_caplen >= 16) {
		pkttype = be16(p);
		halen = be16(p + 4);
		addr = p + 6;
	} else if (ci->ci_linktype == NKR_LT_LINUX_SLL2 && r->r_caplen >= 20) {
		pkttype = p[10];
		halen = p[11];
		addr = p + 12;
	} else {
		return;
	}
	if (halen != 6 || (addr[0] & 1) != 0)
		return;
	if (pkttype == SLL_OUTGOING && !(ci->ci_sll_learned & 1)) {
		if (src->sr_nopt_macs == 0)
			memcpy(ci->ci_sll_local, addr, 6);
		ci->ci_sll_learned |= 1;
	} else if (pkttype == SLL_HOST && !(ci->ci_sll_learned & 2)) {
		memcpy(ci->ci_sll_peer, addr, 6);
		ci->ci_sll_learned |= 2;
	}
}

/*
 * Linux cooked captures record one link-layer address (the sender's) and
 * the packet type, not an Ethernet header: build one.
 *
 * NKE-DIVERGENCE: the Ethernet header of a frame from an SLL/SLL2 capture
 * is made up.  The recorded address is used as the source MAC when it is a
 * 6-byte one; the interface's own MAC is the address of the first outgoing
 * record in the look-ahead window (or --local-mac, else 02:00:00:00:00:01),
 * the peer's that of the first incoming one (else 02:00:00:00:00:02);
 * broadcasts go to ff:ff:ff:ff:ff:ff, multicasts to the IP group's
 * multicast MAC, and packets for other hosts to 02:00:00:00:00:03.
 */
static int
decode_sll(struct nkr_source *src, struct nkr__capif *ci, const uint8_t *p, uint32_t cap,
           uint32_t wire, struct nkr__dec *d, int count, int v2)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t other[6] = {0x02, 0, 0, 0, 0, 0x03};
	uint32_t hdr = v2 ? 20 : 16;
	unsigned pkttype, hatype, halen, proto;
	const uint8_t *addr, *smac, *dmac;
	uint8_t mcast[6];
	uint8_t *out;

	if (cap < hdr)
		SKIP("%s record of %u bytes, shorter than its header",
		     v2 ? "LINUX_SLL2" : "LINUX_SLL", cap);
	if (v2) {
		proto = be16(p);
		hatype = be16(p + 8);
		pkttype = p[10];
		halen = p[11];
		addr = p + 12;
	} else {
		pkttype = be16(p);
		hatype = be16(p + 2);
		halen = be16(p + 4);
		addr = p + 6;
		proto = be16(p + 14);
	}
	if (hatype == SLL_ARPHRD_NETLINK)
		SKIP("netlink message (not a network packet)");
	if (proto < 0x600)
		SKIP("%s protocol 0x%04x has no Ethernet framing", v2 ? "LINUX_SLL2" : "LINUX_SLL",
		     proto);
	out = nkr__scratch(src, (size_t)cap - hdr + 14);
	if (out == NULL)
		SKIP("out of memory");
	smac = halen == 6 ? addr : NULL;
	switch (pkttype) {
	case SLL_OUTGOING:
		if (smac == NULL)
			smac = ci->ci_sll_local;
		dmac = ci->ci_sll_peer;
		break;
	case SLL_BROADCAST:
		dmac = bcast;
		break;
	case SLL_MULTICAST:
		memcpy(mcast, "\x01\x00\x5e\x00\x00\x01", 6);
		if (proto == 0x0800 && cap >= hdr + 20) {
			mcast[3] = p[hdr + 17] & 0x7f;
			mcast[4] = p[hdr + 18];
			mcast[5] = p[hdr + 19];
		} else if (proto == 0x86dd && cap >= hdr + 40) {
			mcast[0] = mcast[1] = 0x33;
			memcpy(mcast + 2, p + hdr + 36, 4);
		}
		dmac = mcast;
		break;
	case SLL_OTHERHOST:
		dmac = other;
		break;
	default:
		dmac = ci->ci_sll_local;
		break;
	}
	if (smac == NULL)
		smac = ci->ci_sll_peer;
	memcpy(out, dmac, 6);
	memcpy(out + 6, smac, 6);
	out[12] = (uint8_t)(proto >> 8);
	out[13] = (uint8_t)proto;
	if (cap > hdr)
		memcpy(out + 14, p + hdr, cap - hdr);
	set_dir(d, pkttype == SLL_OUTGOING ? NKS_DIR_OUT : NKS_DIR_IN, NKR_RULE_SLL);
	return frame(d, ci->ci_srcif, out, cap - hdr + 14, wire, hdr, 14);
}

/* Inner link type of a PKTAP record (a Darwin DLT value). */
static int
apple_dlt(uint32_t dlt)
{
	switch (dlt) {
	case 0:
		return NKR_LT_NULL;
	case 1:
		return NKR_LT_ETHERNET;
	case 12: /* Darwin's DLT_RAW */
		return NKR_LT_RAW;
	case NKR_LT_LOOP:
	case NKR_LT_IPV4:
	case NKR_LT_IPV6:
		return (int)dlt;
	default:
		return -1;
	}
}

/* Copy a NUL-padded string field of at most n bytes, printable only. */
static void
field_str(char *dst, size_t size, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 1 < size && p[i] != '\0'; i++)
		dst[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	dst[i] = '\0';
}

static int decode_lt(struct nkr_source *src, struct nkr__capif *ci, int lt, const uint8_t *p,
                     uint32_t cap, uint32_t wire, int sif, int nested, struct nkr__dec *d,
                     int count);

static int
decode_pktap(struct nkr_source *src, struct nkr__capif *ci, const uint8_t *p, uint32_t cap,
             uint32_t wire, struct nkr__dec *d, int count)
{
	char ifname[PTH_IFNAME_SIZE + 1], comm[PTH_COMM_SIZE + 1];
	uint32_t hlen, dlt, flags = 0, off;
	int32_t pid = -1;
	int lt, sif, rc;

	ifname[0] = comm[0] = '\0';
	if (cap < 12)
		SKIP("PKTAP record of %u bytes, shorter than its header", cap);
	if (cap >= PTH_FLAGS + 4)
		flags = le32(p + PTH_FLAGS);
	if (flags & PTH_FLAG_V2_HDR) {
		/* Version 2: a byte of length, then offsets of the strings. */
		hlen = p[0];
		if (hlen < PTH_V2_MIN || hlen > cap)
			SKIP("PKTAP v2 header length %u invalid (record of %u bytes)", hlen, cap);
		dlt = le16(p + PTH_V2_DLT);
		pid = (int32_t)le32(p + PTH_V2_PID);
		off = p[3];
		if (off != 0 && off < hlen)
			field_str(ifname, sizeof(ifname), p + off,
			          hlen - off < PTH_IFNAME_SIZE ? hlen - off : PTH_IFNAME_SIZE);
		off = p[4];
		if (off != 0 && off < hlen)
			field_str(comm, sizeof(comm), p + off,
			          hlen - off < PTH_COMM_SIZE ? hlen - off : PTH_COMM_SIZE);
	} else {
		hlen = le32(p);
		if (hlen < 12 || hlen > cap)
			SKIP("PKTAP header length %u invalid (record of %u bytes)", hlen, cap);
		if (le32(p + PTH_V1_TYPE_NEXT) != PTH_TYPE_PACKET)
			SKIP("PKTAP record of type %u carries no packet",
			     le32(p + PTH_V1_TYPE_NEXT));
		dlt = le32(p + PTH_V1_DLT);
		if (hlen > PTH_V1_IFNAME)
			field_str(ifname, sizeof(ifname), p + PTH_V1_IFNAME,
			          hlen - PTH_V1_IFNAME < PTH_IFNAME_SIZE ? hlen - PTH_V1_IFNAME
			                                                 : PTH_IFNAME_SIZE);
		if (hlen < PTH_FLAGS + 4)
			flags = 0;
		if (hlen >= PTH_V1_PID + 4)
			pid = (int32_t)le32(p + PTH_V1_PID);
		if (hlen > PTH_V1_COMM)
			field_str(comm, sizeof(comm), p + PTH_V1_COMM,
			          hlen - PTH_V1_COMM < PTH_COMM_SIZE ? hlen - PTH_V1_COMM
			                                             : PTH_COMM_SIZE);
	}
	lt = apple_dlt(dlt);
	if (lt < 0)
		SKIP("PKTAP record of inner link type DLT %u, not simulated", dlt);
	sif = nkr__srcif_get(src, nkr__linktype_iftype(lt, ifname), ifname, NKR_LT_PKTAP);
	if (sif < 0)
		SKIP("more than %u simulated interfaces", NKR_MAX_SRCIFS);
	if ((flags & (PTH_FLAG_DIR_IN | PTH_FLAG_DIR_OUT)) == PTH_FLAG_DIR_OUT)
		set_dir(d, NKS_DIR_OUT, NKR_RULE_PKTAP);
	else if ((flags & (PTH_FLAG_DIR_IN | PTH_FLAG_DIR_OUT)) == PTH_FLAG_DIR_IN)
		set_dir(d, NKS_DIR_IN, NKR_RULE_PKTAP);
	/* XNU leaves 0 or -1 when no process is known. */
	if (pid > 0) {
		d->d_pid = pid;
		snprintf(d->d_comm, sizeof(d->d_comm), "%s", comm);
	}
	rc = decode_lt(src, ci, lt, p + hlen, cap - hlen, wire - hlen, sif, 1, d, count);
	return rc;
}

static int
decode_lt(struct nkr_source *src, struct nkr__capif *ci, int lt, const uint8_t *p, uint32_t cap,
          uint32_t wire, int sif, int nested, struct nkr__dec *d, int count)
{
	uint32_t v, fam;

	switch (lt) {
	case NKR_LT_ETHERNET:
		if (cap < 14)
			SKIP("Ethernet frame of %u bytes, shorter than its header", cap);
		return frame(d, sif, p, cap, wire, 0, 0);
	case NKR_LT_NULL:
	case NKR_LT_LOOP:
		if (cap < 4)
			SKIP("%s record of %u bytes, shorter than its family word",
			     lt == NKR_LT_NULL ? "NULL" : "LOOP", cap);
		if (lt == NKR_LT_LOOP) {
			v = be32(p);
		} else {
			/* The capturing host's byte order: families are small. */
			v = le32(p);
			if (v > 0xffff)
				v = be32(p);
		}
		fam = family_word(v);
		if (fam == 0)
			SKIP("%s family %u is neither IPv4 nor IPv6",
			     lt == NKR_LT_NULL ? "NULL" : "LOOP", v);
		if (cap == 4)
			SKIP("%s record without a packet", lt == NKR_LT_NULL ? "NULL" : "LOOP");
		d->d_family = fam;
		return frame(d, sif, p + 4, cap - 4, wire, 4, 0);
	case NKR_LT_RAW:
	case NKR_LT_IPV4:
	case NKR_LT_IPV6:
		if (cap == 0)
			SKIP("empty IP record");
		if (lt == NKR_LT_IPV4)
			fam = NKS_FAMILY_INET;
		else if (lt == NKR_LT_IPV6)
			fam = NKS_FAMILY_INET6;
		else if (p[0] >> 4 == 4)
			fam = NKS_FAMILY_INET;
		else if (p[0] >> 4 == 6)
			fam = NKS_FAMILY_INET6;
		else
			SKIP("raw IP record of IP version %u", p[0] >> 4);
		d->d_family = fam;
		return frame(d, sif, p, cap, wire, 0, 0);
	case NKR_LT_LINUX_SLL:
	case NKR_LT_LINUX_SLL2:
		return decode_sll(src, ci, p, cap, wire, d, count, lt == NKR_LT_LINUX_SLL2);
	case NKR_LT_PKTAP:
		if (nested)
			SKIP("PKTAP record inside a PKTAP record");
		return decode_pktap(src, ci, p, cap, wire, d, count);
	default:
		SKIP("link type %d not simulated", lt);
	}
}

int
nkr__decode(struct nkr_source *src, const struct nkr__rec *r, struct nkr__dec *d, int count)
{
	struct nkr__capif *ci = &src->sr_capifs[r->r_capif];
	int sif = ci->ci_srcif >= 0 ? ci->ci_srcif : nkr__capif_srcif(src, ci);

	memset(d, 0, sizeof(*d));
	d->d_pid = r->r_pid;
	memcpy(d->d_comm, r->r_comm, sizeof(d->d_comm));
	d->d_dir = r->r_dir;
	d->d_rule = NKR_RULE_EPB;
	/* Most frames: Ethernet, with its header. */
	if (ci->ci_linktype == NKR_LT_ETHERNET && sif >= 0 && r->r_caplen >= 14)
		return frame(d, sif, r->r_data, r->r_caplen, r->r_wirelen, 0, 0);
	if (sif < 0 && ci->ci_linktype != NKR_LT_PKTAP)
		SKIP("more than %u simulated interfaces", NKR_MAX_SRCIFS);
	return decode_lt(src, ci, ci->ci_linktype, r->r_data, r->r_caplen, r->r_wirelen, sif, 0, d,
	                 count);
}

int
nkr__decode_pure(const struct nkr__capif *ci)
{
	/* Not SLL (its Ethernet header is built in the scratch buffer) nor
	   PKTAP (its records name interfaces, made on first use, and a
	   process); the others only cut their link header off. */
	if (ci->ci_srcif < 0)
		return 0; /* nkr__decode would make the interface */
	switch (ci->ci_linktype) {
	case NKR_LT_ETHERNET:
	case NKR_LT_NULL:
	case NKR_LT_LOOP:
	case NKR_LT_RAW:
	case NKR_LT_IPV4:
	case NKR_LT_IPV6:
		return 1;
	default:
		return 0;
	}
}
