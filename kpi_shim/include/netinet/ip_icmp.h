/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <netinet/ip_icmp.h> - ICMP (IPv4) message layout, types and codes
 * (kernel world).  Multi-byte fields are in network byte order.
 */
#ifndef _NETINET_IP_ICMP_H_
#define _NETINET_IP_ICMP_H_

#include <sys/types.h>
#include <netinet/in.h>
#include <netinet/in_systm.h>
#include <netinet/ip.h>

/* Router advertisement entry */
struct icmp_ra_addr {
	u_int32_t ira_addr;
	u_int32_t ira_preference;
};

struct icmp {
	u_char icmp_type;
	u_char icmp_code;
	u_short icmp_cksum;
	union {
		u_char ih_pptr;           /* ICMP_PARAMPROB */
		struct in_addr ih_gwaddr; /* ICMP_REDIRECT */
		struct ih_idseq {
			n_short icd_id;
			n_short icd_seq;
		} ih_idseq;
		int ih_void;
		struct ih_pmtu { /* ICMP_UNREACH_NEEDFRAG */
			n_short ipm_void;
			n_short ipm_nextmtu;
		} ih_pmtu;
		struct ih_rtradv {
			u_char irt_num_addrs;
			u_char irt_wpa;
			u_int16_t irt_lifetime;
		} ih_rtradv;
	} icmp_hun;
#define icmp_pptr      icmp_hun.ih_pptr
#define icmp_gwaddr    icmp_hun.ih_gwaddr
#define icmp_id        icmp_hun.ih_idseq.icd_id
#define icmp_seq       icmp_hun.ih_idseq.icd_seq
#define icmp_void      icmp_hun.ih_void
#define icmp_pmvoid    icmp_hun.ih_pmtu.ipm_void
#define icmp_nextmtu   icmp_hun.ih_pmtu.ipm_nextmtu
#define icmp_num_addrs icmp_hun.ih_rtradv.irt_num_addrs
#define icmp_wpa       icmp_hun.ih_rtradv.irt_wpa
#define icmp_lifetime  icmp_hun.ih_rtradv.irt_lifetime
	union {
		struct id_ts {
			n_time its_otime;
			n_time its_rtime;
			n_time its_ttime;
		} id_ts;
		struct id_ip {
			struct ip idi_ip; /* then options and 64 bits of data */
		} id_ip;
		struct icmp_ra_addr id_radv;
		u_int32_t id_mask;
		char id_data[1];
	} icmp_dun;
#define icmp_otime icmp_dun.id_ts.its_otime
#define icmp_rtime icmp_dun.id_ts.its_rtime
#define icmp_ttime icmp_dun.id_ts.its_ttime
#define icmp_ip    icmp_dun.id_ip.idi_ip
#define icmp_radv  icmp_dun.id_radv
#define icmp_mask  icmp_dun.id_mask
#define icmp_data  icmp_dun.id_data
};

#define ICMP_MINLEN    8
#define ICMP_TSLEN     (8 + 3 * sizeof(n_time))
#define ICMP_MASKLEN   12
#define ICMP_ADVLENMIN (8 + sizeof(struct ip) + 8)
#ifndef _IP_VHL
#define ICMP_ADVLEN(p) (8 + ((p)->icmp_ip.ip_hl << 2) + 8)
#else
#define ICMP_ADVLEN(p) (8 + (IP_VHL_HL((p)->icmp_ip.ip_vhl) << 2) + 8)
#endif

/* Types, and codes below each type */
#define ICMP_ECHOREPLY                   0
#define ICMP_UNREACH                     3
#define ICMP_UNREACH_NET                 0
#define ICMP_UNREACH_HOST                1
#define ICMP_UNREACH_PROTOCOL            2
#define ICMP_UNREACH_PORT                3
#define ICMP_UNREACH_NEEDFRAG            4
#define ICMP_UNREACH_SRCFAIL             5
#define ICMP_UNREACH_NET_UNKNOWN         6
#define ICMP_UNREACH_HOST_UNKNOWN        7
#define ICMP_UNREACH_ISOLATED            8
#define ICMP_UNREACH_NET_PROHIB          9
#define ICMP_UNREACH_HOST_PROHIB         10
#define ICMP_UNREACH_TOSNET              11
#define ICMP_UNREACH_TOSHOST             12
#define ICMP_UNREACH_FILTER_PROHIB       13
#define ICMP_UNREACH_HOST_PRECEDENCE     14
#define ICMP_UNREACH_PRECEDENCE_CUTOFF   15
#define ICMP_SOURCEQUENCH                4
#define ICMP_REDIRECT                    5
#define ICMP_REDIRECT_NET                0
#define ICMP_REDIRECT_HOST               1
#define ICMP_REDIRECT_TOSNET             2
#define ICMP_REDIRECT_TOSHOST            3
#define ICMP_ALTHOSTADDR                 6
#define ICMP_ECHO                        8
#define ICMP_ROUTERADVERT                9
#define ICMP_ROUTERADVERT_NORMAL         0
#define ICMP_ROUTERADVERT_NOROUTE_COMMON 16
#define ICMP_ROUTERSOLICIT               10
#define ICMP_TIMXCEED                    11
#define ICMP_TIMXCEED_INTRANS            0
#define ICMP_TIMXCEED_REASS              1
#define ICMP_PARAMPROB                   12
#define ICMP_PARAMPROB_ERRATPTR          0
#define ICMP_PARAMPROB_OPTABSENT         1
#define ICMP_PARAMPROB_LENGTH            2
#define ICMP_TSTAMP                      13
#define ICMP_TSTAMPREPLY                 14
#define ICMP_IREQ                        15
#define ICMP_IREQREPLY                   16
#define ICMP_MASKREQ                     17
#define ICMP_MASKREPLY                   18
#define ICMP_TRACEROUTE                  30
#define ICMP_DATACONVERR                 31
#define ICMP_MOBILE_REDIRECT             32
#define ICMP_IPV6_WHEREAREYOU            33
#define ICMP_IPV6_IAMHERE                34
#define ICMP_MOBILE_REGREQUEST           35
#define ICMP_MOBILE_REGREPLY             36
#define ICMP_SKIP                        39
#define ICMP_PHOTURIS                    40
#define ICMP_PHOTURIS_UNKNOWN_INDEX      1
#define ICMP_PHOTURIS_AUTH_FAILED        2
#define ICMP_PHOTURIS_DECRYPT_FAILED     3

#define ICMP_MAXTYPE 40

/* Query/reply messages */
#define ICMP_INFOTYPE(type)                                                                        \
	((type) == ICMP_ECHOREPLY || (type) == ICMP_ECHO || (type) == ICMP_ROUTERADVERT ||         \
	 (type) == ICMP_ROUTERSOLICIT || (type) == ICMP_TSTAMP || (type) == ICMP_TSTAMPREPLY ||    \
	 (type) == ICMP_IREQ || (type) == ICMP_IREQREPLY || (type) == ICMP_MASKREQ ||              \
	 (type) == ICMP_MASKREPLY)

/* Error messages (they quote the offending header) */
#define ICMP_ERRORTYPE(type)                                                                       \
	((type) == ICMP_UNREACH || (type) == ICMP_SOURCEQUENCH || (type) == ICMP_REDIRECT ||       \
	 (type) == ICMP_TIMXCEED || (type) == ICMP_PARAMPROB)

#endif /* !_NETINET_IP_ICMP_H_ */
