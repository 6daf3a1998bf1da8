/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <netinet/icmp6.h> - ICMPv6 message layouts, types and codes, including
 * Neighbor Discovery and MLD (kernel world).  Records are packed as on
 * macOS; multi-byte fields are in network byte order.  Node-information
 * and router-renumbering messages are not part of nkesim.
 */
#ifndef _NETINET_ICMP6_H_
#define _NETINET_ICMP6_H_

#include <sys/types.h>
#include <netinet/in.h>

#define ICMPV6_PLD_MAXLEN 1232 /* IPV6_MMTU - IPv6 header - ICMPv6 header */

struct icmp6_hdr {
	u_int8_t icmp6_type;
	u_int8_t icmp6_code;
	u_int16_t icmp6_cksum;
	union {
		u_int32_t icmp6_un_data32[1];
		u_int16_t icmp6_un_data16[2];
		u_int8_t icmp6_un_data8[4];
	} icmp6_dataun;
} __attribute__((__packed__));

#define icmp6_data32   icmp6_dataun.icmp6_un_data32
#define icmp6_data16   icmp6_dataun.icmp6_un_data16
#define icmp6_data8    icmp6_dataun.icmp6_un_data8
#define icmp6_pptr     icmp6_data32[0] /* parameter problem */
#define icmp6_mtu      icmp6_data32[0] /* packet too big */
#define icmp6_id       icmp6_data16[0] /* echo */
#define icmp6_seq      icmp6_data16[1] /* echo */
#define icmp6_maxdelay icmp6_data16[0] /* group membership */

/* Types */
#define ICMP6_DST_UNREACH          1
#define ICMP6_PACKET_TOO_BIG       2
#define ICMP6_TIME_EXCEEDED        3
#define ICMP6_PARAM_PROB           4
#define ICMP6_ECHO_REQUEST         128
#define ICMP6_ECHO_REPLY           129
#define MLD_LISTENER_QUERY         130
#define MLD_LISTENER_REPORT        131
#define MLD_LISTENER_DONE          132
#define MLD_LISTENER_REDUCTION     MLD_LISTENER_DONE
#define ICMP6_MEMBERSHIP_QUERY     130
#define ICMP6_MEMBERSHIP_REPORT    131
#define ICMP6_MEMBERSHIP_REDUCTION 132
#define ND_ROUTER_SOLICIT          133
#define ND_ROUTER_ADVERT           134
#define ND_NEIGHBOR_SOLICIT        135
#define ND_NEIGHBOR_ADVERT         136
#define ND_REDIRECT                137
#define ICMP6_ROUTER_RENUMBERING   138
#define ICMP6_WRUREQUEST           139
#define ICMP6_WRUREPLY             140
#define ICMP6_FQDN_QUERY           139
#define ICMP6_FQDN_REPLY           140
#define ICMP6_NI_QUERY             139
#define ICMP6_NI_REPLY             140
#define MLDV2_LISTENER_REPORT      143
#define MLD_MTRACE_RESP            200
#define MLD_MTRACE                 201
#define ICMP6_MAXTYPE              201

/* Codes */
#define ICMP6_DST_UNREACH_NOROUTE     0
#define ICMP6_DST_UNREACH_ADMIN       1
#define ICMP6_DST_UNREACH_NOTNEIGHBOR 2
#define ICMP6_DST_UNREACH_BEYONDSCOPE 2
#define ICMP6_DST_UNREACH_ADDR        3
#define ICMP6_DST_UNREACH_NOPORT      4

#define ICMP6_TIME_EXCEED_TRANSIT    0
#define ICMP6_TIME_EXCEED_REASSEMBLY 1

#define ICMP6_PARAMPROB_HEADER               0
#define ICMP6_PARAMPROB_NEXTHEADER           1
#define ICMP6_PARAMPROB_OPTION               2
#define ICMP6_PARAMPROB_FIRSTFRAG_INCOMP_HDR 3

#define ICMP6_INFOMSG_MASK 0x80 /* set in every informational type */

#define ICMP6_NI_SUBJ_IPV6 0
#define ICMP6_NI_SUBJ_FQDN 1
#define ICMP6_NI_SUBJ_IPV4 2
#define ICMP6_NI_SUCCESS   0
#define ICMP6_NI_REFUSED   1
#define ICMP6_NI_UNKNOWN   2

#define ICMP6_ROUTER_RENUMBERING_COMMAND      0
#define ICMP6_ROUTER_RENUMBERING_RESULT       1
#define ICMP6_ROUTER_RENUMBERING_SEQNUM_RESET 255

#define ND_REDIRECT_ONLINK 0
#define ND_REDIRECT_ROUTER 1

#define ICMP6_ERRORTYPE(type)                                                                      \
	((type) == ICMP6_DST_UNREACH || (type) == ICMP6_PACKET_TOO_BIG ||                          \
	 (type) == ICMP6_TIME_EXCEEDED || (type) == ICMP6_PARAM_PROB)

/* Multicast listener discovery */
struct mld_hdr {
	struct icmp6_hdr mld_icmp6_hdr;
	struct in6_addr mld_addr;
} __attribute__((__packed__));

#define mld_type        mld_icmp6_hdr.icmp6_type
#define mld_code        mld_icmp6_hdr.icmp6_code
#define mld_cksum       mld_icmp6_hdr.icmp6_cksum
#define mld_maxdelay    mld_icmp6_hdr.icmp6_data16[0]
#define mld_reserved    mld_icmp6_hdr.icmp6_data16[1]
#define mld_v2_reserved mld_icmp6_hdr.icmp6_data16[0]
#define mld_v2_numrecs  mld_icmp6_hdr.icmp6_data16[1]

/* ---- Neighbor Discovery (RFC 4861) -------------------------------------- */

struct nd_router_solicit {
	struct icmp6_hdr nd_rs_hdr;
} __attribute__((__packed__));

#define nd_rs_type     nd_rs_hdr.icmp6_type
#define nd_rs_code     nd_rs_hdr.icmp6_code
#define nd_rs_cksum    nd_rs_hdr.icmp6_cksum
#define nd_rs_reserved nd_rs_hdr.icmp6_data32[0]

struct nd_router_advert {
	struct icmp6_hdr nd_ra_hdr;
	u_int32_t nd_ra_reachable;
	u_int32_t nd_ra_retransmit;
} __attribute__((__packed__));

#define nd_ra_type               nd_ra_hdr.icmp6_type
#define nd_ra_code               nd_ra_hdr.icmp6_code
#define nd_ra_cksum              nd_ra_hdr.icmp6_cksum
#define nd_ra_curhoplimit        nd_ra_hdr.icmp6_data8[0]
#define nd_ra_flags_reserved     nd_ra_hdr.icmp6_data8[1]
#define ND_RA_FLAG_MANAGED       0x80
#define ND_RA_FLAG_OTHER         0x40
#define ND_RA_FLAG_HA            0x20
#define ND_RA_FLAG_RTPREF_MASK   0x18
#define ND_RA_FLAG_RTPREF_HIGH   0x08
#define ND_RA_FLAG_RTPREF_MEDIUM 0x00
#define ND_RA_FLAG_RTPREF_LOW    0x18
#define ND_RA_FLAG_RTPREF_RSV    0x10
#define nd_ra_router_lifetime    nd_ra_hdr.icmp6_data16[1]

struct nd_neighbor_solicit {
	struct icmp6_hdr nd_ns_hdr;
	struct in6_addr nd_ns_target;
} __attribute__((__packed__));

#define nd_ns_type     nd_ns_hdr.icmp6_type
#define nd_ns_code     nd_ns_hdr.icmp6_code
#define nd_ns_cksum    nd_ns_hdr.icmp6_cksum
#define nd_ns_reserved nd_ns_hdr.icmp6_data32[0]

struct nd_neighbor_advert {
	struct icmp6_hdr nd_na_hdr;
	struct in6_addr nd_na_target;
} __attribute__((__packed__));

#define nd_na_type           nd_na_hdr.icmp6_type
#define nd_na_code           nd_na_hdr.icmp6_code
#define nd_na_cksum          nd_na_hdr.icmp6_cksum
#define nd_na_flags_reserved nd_na_hdr.icmp6_data32[0]
/* As read from nd_na_flags_reserved on this little-endian machine */
#define ND_NA_FLAG_ROUTER    0x80
#define ND_NA_FLAG_SOLICITED 0x40
#define ND_NA_FLAG_OVERRIDE  0x20

struct nd_redirect {
	struct icmp6_hdr nd_rd_hdr;
	struct in6_addr nd_rd_target;
	struct in6_addr nd_rd_dst;
} __attribute__((__packed__));

#define nd_rd_type     nd_rd_hdr.icmp6_type
#define nd_rd_code     nd_rd_hdr.icmp6_code
#define nd_rd_cksum    nd_rd_hdr.icmp6_cksum
#define nd_rd_reserved nd_rd_hdr.icmp6_data32[0]

/* Options (length in units of 8 bytes) */
struct nd_opt_hdr {
	u_int8_t nd_opt_type;
	u_int8_t nd_opt_len;
} __attribute__((__packed__));

#define ND_OPT_SOURCE_LINKADDR    1
#define ND_OPT_TARGET_LINKADDR    2
#define ND_OPT_PREFIX_INFORMATION 3
#define ND_OPT_REDIRECTED_HEADER  4
#define ND_OPT_MTU                5
#define ND_OPT_NONCE              14
#define ND_OPT_PVD                21
#define ND_OPT_ROUTE_INFO         24
#define ND_OPT_RDNSS              25
#define ND_OPT_DNSSL              31
#define ND_OPT_CAPTIVE_PORTAL     37
#define ND_OPT_PREF64             38

struct nd_opt_prefix_info {
	u_int8_t nd_opt_pi_type;
	u_int8_t nd_opt_pi_len;
	u_int8_t nd_opt_pi_prefix_len;
	u_int8_t nd_opt_pi_flags_reserved;
	u_int32_t nd_opt_pi_valid_time;
	u_int32_t nd_opt_pi_preferred_time;
	u_int32_t nd_opt_pi_reserved2;
	struct in6_addr nd_opt_pi_prefix;
} __attribute__((__packed__));

#define ND_OPT_PI_FLAG_ONLINK 0x80
#define ND_OPT_PI_FLAG_AUTO   0x40

#define ND_OPT_NONCE_LEN ((1 * 8) - 2)

struct nd_opt_nonce {
	u_int8_t nd_opt_nonce_type;
	u_int8_t nd_opt_nonce_len;
	u_int8_t nd_opt_nonce[ND_OPT_NONCE_LEN];
} __attribute__((__packed__));

struct nd_opt_rd_hdr {
	u_int8_t nd_opt_rh_type;
	u_int8_t nd_opt_rh_len;
	u_int16_t nd_opt_rh_reserved1;
	u_int32_t nd_opt_rh_reserved2;
} __attribute__((__packed__));

struct nd_opt_mtu {
	u_int8_t nd_opt_mtu_type;
	u_int8_t nd_opt_mtu_len;
	u_int16_t nd_opt_mtu_reserved;
	u_int32_t nd_opt_mtu_mtu;
} __attribute__((__packed__));

struct nd_opt_route_info {
	u_int8_t nd_opt_rti_type;
	u_int8_t nd_opt_rti_len;
	u_int8_t nd_opt_rti_prefixlen;
	u_int8_t nd_opt_rti_flags;
	u_int32_t nd_opt_rti_lifetime;
} __attribute__((__packed__));

struct nd_opt_rdnss {
	u_int8_t nd_opt_rdnss_type;
	u_int8_t nd_opt_rdnss_len;
	u_int16_t nd_opt_rdnss_reserved;
	u_int32_t nd_opt_rdnss_lifetime;
	struct in6_addr nd_opt_rdnss_addr[1];
} __attribute__((__packed__));

struct nd_opt_dnssl {
	u_int8_t nd_opt_dnssl_type;
	u_int8_t nd_opt_dnssl_len;
	u_int16_t nd_opt_dnssl_reserved;
	u_int32_t nd_opt_dnssl_lifetime;
	u_int8_t nd_opt_dnssl_domains[8];
} __attribute__((__packed__));

struct nd_opt_pref64 {
	u_int8_t nd_opt_pref64_type;
	u_int8_t nd_opt_pref64_len;
	u_int16_t nd_opt_pref64_scaled_lifetime_plc;
	u_int32_t nd_opt_pref64_prefix[3];
} __attribute__((__packed__));

#define ND_OPT_PREF64_SCALED_LIFETIME_MASK 0xfff8
#define ND_OPT_PREF64_PLC_MASK             0x0007
#define ND_OPT_PREF64_LIFETIME_MAX         65528
#define ND_OPT_PREF64_PLC_32               5
#define ND_OPT_PREF64_PLC_40               4
#define ND_OPT_PREF64_PLC_48               3
#define ND_OPT_PREF64_PLC_56               2
#define ND_OPT_PREF64_PLC_64               1
#define ND_OPT_PREF64_PLC_96               0

/* ---- ICMP6_FILTER socket option ---------------------------------------- */

struct icmp6_filter {
	u_int32_t icmp6_filt[8]; /* one bit per type, set: pass */
};

#define ICMP6_FILTER_SETPASSALL(filterp)                                                           \
	__builtin_memset((filterp), 0xff, sizeof(struct icmp6_filter))
#define ICMP6_FILTER_SETBLOCKALL(filterp)                                                          \
	__builtin_memset((filterp), 0x00, sizeof(struct icmp6_filter))
#define ICMP6_FILTER_SETPASS(type, filterp)                                                        \
	(((filterp)->icmp6_filt[(type) >> 5]) |= (1u << ((type)&31)))
#define ICMP6_FILTER_SETBLOCK(type, filterp)                                                       \
	(((filterp)->icmp6_filt[(type) >> 5]) &= ~(1u << ((type)&31)))
#define ICMP6_FILTER_WILLPASS(type, filterp)                                                       \
	((((filterp)->icmp6_filt[(type) >> 5]) & (1u << ((type)&31))) != 0)
#define ICMP6_FILTER_WILLBLOCK(type, filterp)                                                      \
	((((filterp)->icmp6_filt[(type) >> 5]) & (1u << ((type)&31))) == 0)

#endif /* !_NETINET_ICMP6_H_ */
