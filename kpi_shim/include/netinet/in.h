/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <netinet/in.h> - Internet (IPv4) addresses, protocol numbers and socket
 * options as a Darwin kext sees them (kernel world).  struct sockaddr_in
 * has the BSD sin_len byte; addresses and ports are in network byte order.
 * Brings in the byte-order macros, and the IPv6 definitions at the end as
 * on macOS.
 */
#ifndef _NETINET_IN_H_
#define _NETINET_IN_H_

#include <stdint.h>
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <machine/endian.h>
#include <sys/_endian.h>

/* ---- IP protocol numbers ------------------------------------------------ */
#define IPPROTO_IP        0
#define IPPROTO_HOPOPTS   0
#define IPPROTO_ICMP      1
#define IPPROTO_IGMP      2
#define IPPROTO_GGP       3
#define IPPROTO_IPV4      4
#define IPPROTO_IPIP      IPPROTO_IPV4
#define IPPROTO_TCP       6
#define IPPROTO_ST        7
#define IPPROTO_EGP       8
#define IPPROTO_PIGP      9
#define IPPROTO_RCCMON    10
#define IPPROTO_NVPII     11
#define IPPROTO_PUP       12
#define IPPROTO_ARGUS     13
#define IPPROTO_EMCON     14
#define IPPROTO_XNET      15
#define IPPROTO_CHAOS     16
#define IPPROTO_UDP       17
#define IPPROTO_MUX       18
#define IPPROTO_MEAS      19
#define IPPROTO_HMP       20
#define IPPROTO_PRM       21
#define IPPROTO_IDP       22
#define IPPROTO_TRUNK1    23
#define IPPROTO_TRUNK2    24
#define IPPROTO_LEAF1     25
#define IPPROTO_LEAF2     26
#define IPPROTO_RDP       27
#define IPPROTO_IRTP      28
#define IPPROTO_TP        29
#define IPPROTO_BLT       30
#define IPPROTO_NSP       31
#define IPPROTO_INP       32
#define IPPROTO_SEP       33
#define IPPROTO_3PC       34
#define IPPROTO_IDPR      35
#define IPPROTO_XTP       36
#define IPPROTO_DDP       37
#define IPPROTO_CMTP      38
#define IPPROTO_TPXX      39
#define IPPROTO_IL        40
#define IPPROTO_IPV6      41
#define IPPROTO_SDRP      42
#define IPPROTO_ROUTING   43
#define IPPROTO_FRAGMENT  44
#define IPPROTO_IDRP      45
#define IPPROTO_RSVP      46
#define IPPROTO_GRE       47
#define IPPROTO_MHRP      48
#define IPPROTO_BHA       49
#define IPPROTO_ESP       50
#define IPPROTO_AH        51
#define IPPROTO_INLSP     52
#define IPPROTO_SWIPE     53
#define IPPROTO_NHRP      54
#define IPPROTO_ICMPV6    58
#define IPPROTO_NONE      59
#define IPPROTO_DSTOPTS   60
#define IPPROTO_AHIP      61
#define IPPROTO_CFTP      62
#define IPPROTO_HELLO     63
#define IPPROTO_SATEXPAK  64
#define IPPROTO_KRYPTOLAN 65
#define IPPROTO_RVD       66
#define IPPROTO_IPPC      67
#define IPPROTO_ADFS      68
#define IPPROTO_SATMON    69
#define IPPROTO_VISA      70
#define IPPROTO_IPCV      71
#define IPPROTO_CPNX      72
#define IPPROTO_CPHB      73
#define IPPROTO_WSN       74
#define IPPROTO_PVP       75
#define IPPROTO_BRSATMON  76
#define IPPROTO_ND        77
#define IPPROTO_WBMON     78
#define IPPROTO_WBEXPAK   79
#define IPPROTO_EON       80
#define IPPROTO_VMTP      81
#define IPPROTO_SVMTP     82
#define IPPROTO_VINES     83
#define IPPROTO_TTP       84
#define IPPROTO_IGP       85
#define IPPROTO_DGP       86
#define IPPROTO_TCF       87
#define IPPROTO_IGRP      88
#define IPPROTO_OSPFIGP   89
#define IPPROTO_SRPC      90
#define IPPROTO_LARP      91
#define IPPROTO_MTP       92
#define IPPROTO_AX25      93
#define IPPROTO_IPEIP     94
#define IPPROTO_MICP      95
#define IPPROTO_SCCSP     96
#define IPPROTO_ETHERIP   97
#define IPPROTO_ENCAP     98
#define IPPROTO_APES      99
#define IPPROTO_GMTP      100
#define IPPROTO_PIM       103
#define IPPROTO_IPCOMP    108
#define IPPROTO_PGM       113
#define IPPROTO_SCTP      132
#define IPPROTO_DIVERT    254
#define IPPROTO_RAW       255
#define IPPROTO_MAX       256
#define IPPROTO_DONE      257 /* a protocol input routine consumed the packet */

/* ---- Ports -------------------------------------------------------------- */
#define __DARWIN_IPPORT_RESERVED 1024
#ifndef IPPORT_RESERVED
#define IPPORT_RESERVED __DARWIN_IPPORT_RESERVED
#endif
#define IPPORT_USERRESERVED  5000
#define IPPORT_HIFIRSTAUTO   49152
#define IPPORT_HILASTAUTO    65535
#define IPPORT_RESERVEDSTART 600

/* ---- Addresses ---------------------------------------------------------- */

/* An IPv4 address, network byte order. */
struct in_addr {
	in_addr_t s_addr;
};

/*
 * The INADDR_* constants and the IN_* class tests work on host-order
 * values: compare with ntohl(addr.s_addr).
 */
#define INADDR_ANY             (u_int32_t)0x00000000
#define INADDR_BROADCAST       (u_int32_t)0xffffffff
#define INADDR_LOOPBACK        (u_int32_t)0x7f000001
#define INADDR_UNSPEC_GROUP    (u_int32_t)0xe0000000 /* 224.0.0.0 */
#define INADDR_ALLHOSTS_GROUP  (u_int32_t)0xe0000001 /* 224.0.0.1 */
#define INADDR_ALLRTRS_GROUP   (u_int32_t)0xe0000002 /* 224.0.0.2 */
#define INADDR_ALLRPTS_GROUP   (u_int32_t)0xe0000016 /* 224.0.0.22 */
#define INADDR_CARP_GROUP      (u_int32_t)0xe0000012 /* 224.0.0.18 */
#define INADDR_PFSYNC_GROUP    (u_int32_t)0xe00000f0 /* 224.0.0.240 */
#define INADDR_ALLMDNS_GROUP   (u_int32_t)0xe00000fb /* 224.0.0.251 */
#define INADDR_MAX_LOCAL_GROUP (u_int32_t)0xe00000ff /* 224.0.0.255 */

#define IN_CLASSA(i)     (((u_int32_t)(i)&0x80000000) == 0)
#define IN_CLASSA_NET    0xff000000
#define IN_CLASSA_NSHIFT 24
#define IN_CLASSA_HOST   0x00ffffff
#define IN_CLASSA_MAX    128

#define IN_CLASSB(i)     (((u_int32_t)(i)&0xc0000000) == 0x80000000)
#define IN_CLASSB_NET    0xffff0000
#define IN_CLASSB_NSHIFT 16
#define IN_CLASSB_HOST   0x0000ffff
#define IN_CLASSB_MAX    65536

#define IN_CLASSC(i)     (((u_int32_t)(i)&0xe0000000) == 0xc0000000)
#define IN_CLASSC_NET    0xffffff00
#define IN_CLASSC_NSHIFT 8
#define IN_CLASSC_HOST   0x000000ff

/* Class D is multicast: 224.0.0.0/4. */
#define IN_CLASSD(i)     (((u_int32_t)(i)&0xf0000000) == 0xe0000000)
#define IN_CLASSD_NET    0xf0000000
#define IN_CLASSD_NSHIFT 28
#define IN_CLASSD_HOST   0x0fffffff
#define IN_MULTICAST(i)  IN_CLASSD(i)

#define IN_EXPERIMENTAL(i) (((u_int32_t)(i)&0xf0000000) == 0xf0000000)
#define IN_BADCLASS(i)     (((u_int32_t)(i)&0xf0000000) == 0xf0000000)

/* 169.254.0.0/16 */
#define IN_LINKLOCALNETNUM (u_int32_t)0xA9FE0000
#define IN_LINKLOCAL(i)    (((u_int32_t)(i)&IN_CLASSB_NET) == IN_LINKLOCALNETNUM)
/* 127.0.0.0/8 */
#define IN_LOOPBACK(i) (((u_int32_t)(i)&0xff000000) == 0x7f000000)
/* 0.0.0.0/8 */
#define IN_ZERONET(i) (((u_int32_t)(i)&0xff000000) == 0)
/* RFC 1918: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 */
#define IN_PRIVATE(i)                                                                              \
	((((u_int32_t)(i)&0xff000000) == 0x0a000000) ||                                            \
	 (((u_int32_t)(i)&0xfff00000) == 0xac100000) ||                                            \
	 (((u_int32_t)(i)&0xffff0000) == 0xc0a80000))
/* 224.0.0.0/24 */
#define IN_LOCAL_GROUP(i) (((u_int32_t)(i)&0xffffff00) == 0xe0000000)
#define IN_ANY_LOCAL(i)   (IN_LINKLOCAL(i) || IN_LOCAL_GROUP(i))

#define IN_LOOPBACKNET 127

/* IPv4 socket address, 16 bytes. */
struct sockaddr_in {
	__uint8_t sin_len;       /* sizeof(struct sockaddr_in) */
	sa_family_t sin_family;  /* AF_INET */
	in_port_t sin_port;      /* network byte order */
	struct in_addr sin_addr; /* network byte order */
	char sin_zero[8];
};

#define IN_ARE_ADDR_EQUAL(a, b) (bcmp(&(a)->s_addr, &(b)->s_addr, sizeof(struct in_addr)) == 0)

#define INET_ADDRSTRLEN 16

/* IP_OPTIONS argument: first hop then the options. */
struct ip_opts {
	struct in_addr ip_dst;
	char ip_opts[40];
};

/* ---- Options at level IPPROTO_IP ------------------------------------------ */
#define IP_OPTIONS                1
#define IP_HDRINCL                2
#define IP_TOS                    3
#define IP_TTL                    4
#define IP_RECVOPTS               5
#define IP_RECVRETOPTS            6
#define IP_RECVDSTADDR            7
#define IP_RETOPTS                8
#define IP_MULTICAST_IF           9
#define IP_MULTICAST_TTL          10
#define IP_MULTICAST_LOOP         11
#define IP_ADD_MEMBERSHIP         12
#define IP_DROP_MEMBERSHIP        13
#define IP_MULTICAST_VIF          14
#define IP_RSVP_ON                15
#define IP_RSVP_OFF               16
#define IP_RSVP_VIF_ON            17
#define IP_RSVP_VIF_OFF           18
#define IP_PORTRANGE              19
#define IP_RECVIF                 20
#define IP_IPSEC_POLICY           21
#define IP_FAITH                  22
#define IP_STRIPHDR               23
#define IP_RECVTTL                24
#define IP_BOUND_IF               25
#define IP_PKTINFO                26
#define IP_RECVPKTINFO            IP_PKTINFO
#define IP_RECVTOS                27
#define IP_DONTFRAG               28
#define IP_FW_ADD                 40
#define IP_FW_DEL                 41
#define IP_FW_FLUSH               42
#define IP_FW_ZERO                43
#define IP_FW_GET                 44
#define IP_FW_RESETLOG            45
#define IP_OLD_FW_ADD             50
#define IP_OLD_FW_DEL             51
#define IP_OLD_FW_FLUSH           52
#define IP_OLD_FW_ZERO            53
#define IP_OLD_FW_GET             54
#define IP_NAT__XXX               55
#define IP_OLD_FW_RESETLOG        56
#define IP_DUMMYNET_CONFIGURE     60
#define IP_DUMMYNET_DEL           61
#define IP_DUMMYNET_FLUSH         62
#define IP_DUMMYNET_GET           64
#define IP_TRAFFIC_MGT_BACKGROUND 65
#define IP_MULTICAST_IFINDEX      66
#define IP_ADD_SOURCE_MEMBERSHIP  70
#define IP_DROP_SOURCE_MEMBERSHIP 71
#define IP_BLOCK_SOURCE           72
#define IP_UNBLOCK_SOURCE         73
#define IP_MSFILTER               74
#define MCAST_JOIN_GROUP          80
#define MCAST_LEAVE_GROUP         81
#define MCAST_JOIN_SOURCE_GROUP   82
#define MCAST_LEAVE_SOURCE_GROUP  83
#define MCAST_BLOCK_SOURCE        84
#define MCAST_UNBLOCK_SOURCE      85

#define IP_DEFAULT_MULTICAST_TTL  1
#define IP_DEFAULT_MULTICAST_LOOP 1
#define IP_MIN_MEMBERSHIPS        31
#define IP_MAX_MEMBERSHIPS        4095
#define IP_MAX_GROUP_SRC_FILTER   512
#define IP_MAX_SOCK_SRC_FILTER    128
#define IP_MAX_SOCK_MUTE_FILTER   128

/* IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP argument */
struct ip_mreq {
	struct in_addr imr_multiaddr; /* group */
	struct in_addr imr_interface; /* local address of the interface */
};

/* Same, choosing the interface by index */
struct ip_mreqn {
	struct in_addr imr_multiaddr;
	struct in_addr imr_address;
	int imr_ifindex;
};

#pragma pack(push, 4)
/* Source-specific membership (RFC 3678) */
struct ip_mreq_source {
	struct in_addr imr_multiaddr;
	struct in_addr imr_sourceaddr;
	struct in_addr imr_interface;
};

/* Protocol-independent membership requests (RFC 3678) */
struct group_req {
	uint32_t gr_interface;
	struct sockaddr_storage gr_group;
};

struct group_source_req {
	uint32_t gsr_interface;
	struct sockaddr_storage gsr_group;
	struct sockaddr_storage gsr_source;
};

#ifndef __MSFILTERREQ_DEFINED
#define __MSFILTERREQ_DEFINED
struct __msfilterreq {
	uint32_t msfr_ifindex;
	uint32_t msfr_fmode;
	uint32_t msfr_nsrcs;
	uint32_t __msfr_align;
	struct sockaddr_storage msfr_group;
	struct sockaddr_storage *msfr_srcs;
};
#endif
#pragma pack(pop)

#define MCAST_UNDEFINED 0
#define MCAST_INCLUDE   1
#define MCAST_EXCLUDE   2

#define IP_PORTRANGE_DEFAULT 0
#define IP_PORTRANGE_HIGH    1
#define IP_PORTRANGE_LOW     2

/* IP_PKTINFO control data */
struct in_pktinfo {
	unsigned int ipi_ifindex;
	struct in_addr ipi_spec_dst;
	struct in_addr ipi_addr;
};

/* sysctl net.inet.ip names */
#define IPPROTO_MAXID           (IPPROTO_AH + 1)
#define IPCTL_FORWARDING        1
#define IPCTL_SENDREDIRECTS     2
#define IPCTL_DEFTTL            3
#define IPCTL_RTEXPIRE          5
#define IPCTL_RTMINEXPIRE       6
#define IPCTL_RTMAXCACHE        7
#define IPCTL_SOURCEROUTE       8
#define IPCTL_DIRECTEDBROADCAST 9
#define IPCTL_INTRQMAXLEN       10
#define IPCTL_INTRQDROPS        11
#define IPCTL_STATS             12
#define IPCTL_ACCEPTSOURCEROUTE 13
#define IPCTL_FASTFORWARDING    14
#define IPCTL_KEEPFAITH         15
#define IPCTL_GIF_TTL           16
#define IPCTL_MAXID             17

/* The IPv6 half of the Internet family lives in its own header. */
#define __KAME_NETINET_IN_H_INCLUDED_
#include <netinet6/in6.h>
#undef __KAME_NETINET_IN_H_INCLUDED_

/* ---- Address/text conversion (libkern) ------------------------------------ */

#define MAX_IPv4_STR_LEN 16
#define MAX_IPv6_STR_LEN 64

__BEGIN_DECLS

/*
 * Parse dotted IPv4 text into *addr (network order).  1 on success, 0 if
 * the text is not an address.  Same semantics as the C library's, so it is
 * not renamed.
 */
extern int inet_aton(const char *cp, struct in_addr *addr);

/*
 * Format the AF_INET or AF_INET6 (Darwin value 30) address src as text in
 * dst.  dst is cleared (size bytes) first.  Returns dst, or NULL if af is
 * unknown or the text does not fit in size bytes.
 */
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size) __NKE_KSYM(inet_ntop);

/*
 * Parse AF_INET / AF_INET6 text into dst (network order).  1 on success,
 * 0 if src is not an address of that family, -1 for an unknown af.
 */
int inet_pton(int af, const char *src, void *dst) __NKE_KSYM(inet_pton);

__END_DECLS

#endif /* !_NETINET_IN_H_ */
