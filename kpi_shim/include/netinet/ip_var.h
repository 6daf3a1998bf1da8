/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <netinet/ip_var.h> - what a third-party kext sees of IPv4 internals
 * (kernel world): the overlay used for pseudo-header checksums, the
 * option-length limit and the exported IP statistics record.  The kernel's
 * private structures (ip_moptions, ipq ...) are not part of it.
 */
#ifndef _NETINET_IP_VAR_H_
#define _NETINET_IP_VAR_H_

#include <sys/types.h>
#include <netinet/in.h>

/* An IP header seen as the TCP/UDP checksum pseudo-header. */
struct ipovly {
	u_char ih_x1[9]; /* unused */
	u_char ih_pr;    /* protocol */
	u_short ih_len;  /* transport length */
	struct in_addr ih_src;
	struct in_addr ih_dst;
};

#define MAX_IPOPTLEN 40

/* net.inet.ip.stats */
struct ipstat {
	u_int32_t ips_total;
	u_int32_t ips_badsum;
	u_int32_t ips_tooshort;
	u_int32_t ips_toosmall;
	u_int32_t ips_badhlen;
	u_int32_t ips_badlen;
	u_int32_t ips_fragments;
	u_int32_t ips_fragdropped;
	u_int32_t ips_fragtimeout;
	u_int32_t ips_forward;
	u_int32_t ips_fastforward;
	u_int32_t ips_cantforward;
	u_int32_t ips_redirectsent;
	u_int32_t ips_noproto;
	u_int32_t ips_delivered;
	u_int32_t ips_localout;
	u_int32_t ips_odropped;
	u_int32_t ips_reassembled;
	u_int32_t ips_fragmented;
	u_int32_t ips_ofragments;
	u_int32_t ips_cantfrag;
	u_int32_t ips_badoptions;
	u_int32_t ips_noroute;
	u_int32_t ips_badvers;
	u_int32_t ips_rawout;
	u_int32_t ips_toolong;
	u_int32_t ips_notmember;
	u_int32_t ips_nogif;
	u_int32_t ips_badaddr;
	u_int32_t ips_pktdropcntrl;
	u_int32_t ips_rcv_swcsum;
	u_int32_t ips_rcv_swcsum_bytes;
	u_int32_t ips_snd_swcsum;
	u_int32_t ips_snd_swcsum_bytes;
	u_int32_t ips_adj;
	u_int32_t ips_adj_hwcsum_clr;
	u_int32_t ips_rxc_collisions;
	u_int32_t ips_rxc_chained;
	u_int32_t ips_rxc_notchain;
	u_int32_t ips_rxc_chainsz_gt2;
	u_int32_t ips_rxc_chainsz_gt4;
	u_int32_t ips_rxc_notlist;
	u_int32_t ips_raw_sappend_fail;
	u_int32_t ips_necp_policy_drop;
	u_int32_t ips_rcv_if_weak_match;
	u_int32_t ips_rcv_if_no_match;
	u_int32_t ips_input_ipf_drop;
	u_int32_t ips_input_no_proto;
	u_int32_t ips_src_addr_not_avail;
};

struct ip_linklocal_stat {
	u_int32_t iplls_in_total;
	u_int32_t iplls_in_badttl;
	u_int32_t iplls_out_total;
	u_int32_t iplls_out_badttl;
};

#endif /* !_NETINET_IP_VAR_H_ */
