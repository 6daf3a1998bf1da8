/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <netinet/in_pcb.h> - what a third-party kext sees of Internet protocol
 * control blocks (kernel world): the fixed "compat" layout Apple exports
 * as struct inpcb outside its private build (32-bit handle fields on LP64),
 * the 64-bit export record, and the inp_vflag values.
 *
 * NKE-DIVERGENCE: nothing here describes a live socket's PCB.  On macOS
 * the kernel's real struct inpcb differs from this public one too, so a
 * kext that casts a socket's so_pcb to struct inpcb reads garbage there;
 * nkesim does not emulate those reads (sockets are opaque).
 */
#ifndef _NETINET_IN_PCB_H_
#define _NETINET_IN_PCB_H_

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socketvar.h>
#include <netinet/in.h>

typedef u_quad_t inp_gen_t;

/* An IPv4 address stored in the last word of an IPv6-sized slot. */
struct in_addr_4in6 {
	u_int32_t ia46_pad32[3];
	struct in_addr ia46_addr4;
};

#pragma pack(push, 4)

struct _inpcb_list_entry {
	u_int32_t le_next;
	u_int32_t le_prev;
};

struct inpcbinfo;
struct inpcbport;
struct mbuf;
struct ip6_pktopts;
struct ip6_moptions;
struct icmp6_filter;
struct inpcbpolicy;

struct inpcb {
	struct _inpcb_list_entry inp_hash;
	struct in_addr reserved1;
	struct in_addr reserved2;
	u_short inp_fport; /* foreign port, network order */
	u_short inp_lport; /* local port, network order */
	struct _inpcb_list_entry inp_list;
	u_int32_t inp_ppcb;
	u_int32_t inp_pcbinfo;
	u_int32_t inp_socket;
	u_char nat_owner;
	u_int32_t nat_cookie;
	struct _inpcb_list_entry inp_portlist;
	u_int32_t inp_phd;
	inp_gen_t inp_gencnt;
	int inp_flags;
	u_int32_t inp_flow;
	u_char inp_vflag; /* INP_IPV4 / INP_IPV6 */
	u_char inp_ip_ttl;
	u_char inp_ip_p;
	union {
		struct in_addr_4in6 inp46_foreign;
		struct in6_addr inp6_foreign;
	} inp_dependfaddr;
	union {
		struct in_addr_4in6 inp46_local;
		struct in6_addr inp6_local;
	} inp_dependladdr;
	union {
		u_char inp4_route[20];
		u_char inp6_route[32];
	} inp_dependroute;
	struct {
		u_char inp4_ip_tos;
		u_int32_t inp4_options;
		u_int32_t inp4_moptions;
	} inp_depend4;
	struct {
		u_int32_t inp6_options;
		u_int8_t inp6_hlim;
		u_int8_t unused_uint8_1;
		ushort unused_uint16_1;
		u_int32_t inp6_outputopts;
		u_int32_t inp6_moptions;
		u_int32_t inp6_icmp6filt;
		int inp6_cksum;
		u_short inp6_ifindex;
		short inp6_hops;
	} inp_depend6;
	int hash_element;
	u_int32_t inp_saved_ppcb;
	u_int32_t inp_sp;
	u_int32_t reserved[3];
};

/* PCB export record (sysctl), socket included. */
struct xinpcb {
	u_int32_t xi_len;
	struct inpcb xi_inp;
	struct xsocket xi_socket;
	u_quad_t xi_alignment_hack;
};

struct inpcb64_list_entry {
	u_int64_t le_next;
	u_int64_t le_prev;
};

/* Same with 64-bit handles. */
struct xinpcb64 {
	u_int64_t xi_len;
	u_int64_t xi_inpp;
	u_short inp_fport;
	u_short inp_lport;
	struct inpcb64_list_entry inp_list;
	u_int64_t inp_ppcb;
	u_int64_t inp_pcbinfo;
	struct inpcb64_list_entry inp_portlist;
	u_int64_t inp_phd;
	inp_gen_t inp_gencnt;
	int inp_flags;
	u_int32_t inp_flow;
	u_char inp_vflag;
	u_char inp_ip_ttl;
	u_char inp_ip_p;
	union {
		struct in_addr_4in6 inp46_foreign;
		struct in6_addr inp6_foreign;
	} inp_dependfaddr;
	union {
		struct in_addr_4in6 inp46_local;
		struct in6_addr inp6_local;
	} inp_dependladdr;
	struct {
		u_char inp4_ip_tos;
	} inp_depend4;
	struct {
		u_int8_t inp6_hlim;
		int inp6_cksum;
		u_short inp6_ifindex;
		short inp6_hops;
	} inp_depend6;
	struct xsocket64 xi_socket;
	u_quad_t xi_alignment_hack;
};

/* Header of a PCB list export. */
struct xinpgen {
	u_int32_t xig_len;
	u_int xig_count;
	inp_gen_t xig_gen;
	so_gen_t xig_sogen;
};

#pragma pack(pop)

/* inp_vflag */
#define INP_IPV4       0x1
#define INP_IPV6       0x2
#define INP_V4MAPPEDV6 0x4

/* inp_flags visible outside Apple's build */
#define INP_ANONPORT     0x00000040
#define IN6P_IPV6_V6ONLY 0x00008000
#define IN6P_BINDV6ONLY  0x01000000

#define inp_faddr  inp_dependfaddr.inp46_foreign.ia46_addr4
#define inp_laddr  inp_dependladdr.inp46_local.ia46_addr4
#define in6p_faddr inp_dependfaddr.inp6_foreign
#define in6p_laddr inp_dependladdr.inp6_local

#endif /* !_NETINET_IN_PCB_H_ */
