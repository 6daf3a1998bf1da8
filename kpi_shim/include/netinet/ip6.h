/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <netinet/ip6.h> - the IPv6 header and extension headers (kernel world).
 * All records are packed, as on macOS; multi-byte fields are in network
 * byte order.  struct ip6_hdr is 40 bytes.
 */
#ifndef _NETINET_IP6_H_
#define _NETINET_IP6_H_

#include <sys/types.h>
#include <netinet/in.h>

struct ip6_hdr {
	union {
		struct ip6_hdrctl {
			u_int32_t ip6_un1_flow; /* version, class, flow label */
			u_int16_t ip6_un1_plen; /* payload length */
			u_int8_t ip6_un1_nxt;   /* next header (IPPROTO_*) */
			u_int8_t ip6_un1_hlim;  /* hop limit */
		} ip6_un1;
		u_int8_t ip6_un2_vfc; /* version (high nibble), class */
	} ip6_ctlun;
	struct in6_addr ip6_src;
	struct in6_addr ip6_dst;
} __attribute__((__packed__));

#define ip6_vfc  ip6_ctlun.ip6_un2_vfc
#define ip6_flow ip6_ctlun.ip6_un1.ip6_un1_flow
#define ip6_plen ip6_ctlun.ip6_un1.ip6_un1_plen
#define ip6_nxt  ip6_ctlun.ip6_un1.ip6_un1_nxt
#define ip6_hlim ip6_ctlun.ip6_un1.ip6_un1_hlim
#define ip6_hops ip6_ctlun.ip6_un1.ip6_un1_hlim

#define IPV6_VERSION      0x60
#define IPV6_VERSION_MASK 0xf0

/* Masks of ip6_flow as read on this little-endian machine. */
#define IPV6_FLOWINFO_MASK  0xffffff0f
#define IPV6_FLOWLABEL_MASK 0xffff0f00
#define IPV6_FLOW_ECN_MASK  0x00003000

#define IP6TOS_CE  0x01
#define IP6TOS_ECT 0x02

/* DSCP within the host-order flow word */
#define IP6FLOW_DSCP_MASK  0x0fc00000
#define IP6FLOW_DSCP_SHIFT 22

/* Common start of every extension header */
struct ip6_ext {
	u_int8_t ip6e_nxt;
	u_int8_t ip6e_len; /* in 8-byte units, not counting the first 8 */
} __attribute__((__packed__));

/* Hop-by-hop options header, followed by options */
struct ip6_hbh {
	u_int8_t ip6h_nxt;
	u_int8_t ip6h_len;
} __attribute__((__packed__));

/* Destination options header, followed by options */
struct ip6_dest {
	u_int8_t ip6d_nxt;
	u_int8_t ip6d_len;
} __attribute__((__packed__));

/* Option types */
#define IP6OPT_PAD1         0x00
#define IP6OPT_PADN         0x01
#define IP6OPT_JUMBO        0xC2
#define IP6OPT_NSAP_ADDR    0xC3
#define IP6OPT_TUNNEL_LIMIT 0x04
#define IP6OPT_RTALERT      0x05
#define IP6OPT_ROUTER_ALERT 0x05

#define IP6OPT_RTALERT_LEN    4
#define IP6OPT_RTALERT_MLD    0
#define IP6OPT_RTALERT_RSVP   1
#define IP6OPT_RTALERT_ACTNET 2
#define IP6OPT_MINLEN         2

#define IP6OPT_EID            0x8a
#define IP6OPT_TYPE(o)        ((o)&0xC0)
#define IP6OPT_TYPE_SKIP      0x00
#define IP6OPT_TYPE_DISCARD   0x40
#define IP6OPT_TYPE_FORCEICMP 0x80
#define IP6OPT_TYPE_ICMP      0xC0
#define IP6OPT_MUTABLE        0x20

struct ip6_opt {
	u_int8_t ip6o_type;
	u_int8_t ip6o_len;
} __attribute__((__packed__));

struct ip6_opt_jumbo {
	u_int8_t ip6oj_type;
	u_int8_t ip6oj_len;
	u_int8_t ip6oj_jumbo_len[4];
} __attribute__((__packed__));
#define IP6OPT_JUMBO_LEN 6

struct ip6_opt_nsap {
	u_int8_t ip6on_type;
	u_int8_t ip6on_len;
	u_int8_t ip6on_src_nsap_len;
	u_int8_t ip6on_dst_nsap_len;
} __attribute__((__packed__));

struct ip6_opt_tunnel {
	u_int8_t ip6ot_type;
	u_int8_t ip6ot_len;
	u_int8_t ip6ot_encap_limit;
} __attribute__((__packed__));

struct ip6_opt_router {
	u_int8_t ip6or_type;
	u_int8_t ip6or_len;
	u_int8_t ip6or_value[2];
} __attribute__((__packed__));

/* Router alert values as read in host order on this machine */
#define IP6_ALERT_MLD  0x0000
#define IP6_ALERT_RSVP 0x0100
#define IP6_ALERT_AN   0x0200

/* Routing header, followed by type-specific data */
struct ip6_rthdr {
	u_int8_t ip6r_nxt;
	u_int8_t ip6r_len;
	u_int8_t ip6r_type;
	u_int8_t ip6r_segleft;
} __attribute__((__packed__));

/* Type 0 routing header (deprecated by RFC 5095) */
struct ip6_rthdr0 {
	u_int8_t ip6r0_nxt;
	u_int8_t ip6r0_len;
	u_int8_t ip6r0_type;
	u_int8_t ip6r0_segleft;
	u_int32_t ip6r0_reserved;
} __attribute__((__packed__));

/* Fragment header, 8 bytes */
struct ip6_frag {
	u_int8_t ip6f_nxt;
	u_int8_t ip6f_reserved;
	u_int16_t ip6f_offlg; /* offset (8-byte units), reserved, M flag */
	u_int32_t ip6f_ident;
} __attribute__((__packed__));

/* Masks of ip6f_offlg as read on this little-endian machine. */
#define IP6F_OFF_MASK      0xf8ff
#define IP6F_RESERVED_MASK 0x0600
#define IP6F_MORE_FRAG     0x0100

#define IPV6_MAXHLIM   255
#define IPV6_DEFHLIM   64
#define IPV6_FRAGTTL   60
#define IPV6_HLIMDEC   1
#define IPV6_MMTU      1280
#define IPV6_MAXPACKET 65535
#define IPV6_MAXOPTHDR 2048

#endif /* !_NETINET_IP6_H_ */
