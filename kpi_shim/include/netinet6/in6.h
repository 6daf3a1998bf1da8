/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <netinet6/in6.h> - IPv6 addresses, socket address and socket options as a
 * Darwin kext sees them (kernel world).  Normally reached through
 * <netinet/in.h>; struct sockaddr_in6 is 28 bytes with a leading sin6_len.
 * The IN6_IS_ADDR_* tests take a pointer to a struct in6_addr.
 */
#ifndef __KAME_NETINET_IN_H_INCLUDED_
/*
 * Apple's header refuses direct inclusion; nkesim instead routes it through
 * <netinet/in.h>, which includes this file again with the marker set.
 * NKE-DIVERGENCE: direct inclusion works (it is an #error on macOS).
 */
#include <netinet/in.h>
#else /* __KAME_NETINET_IN_H_INCLUDED_ */

#ifndef _NETINET6_IN6_H_
#define _NETINET6_IN6_H_

#include <sys/cdefs.h>
#include <sys/_types.h>
#include <sys/types.h>

#define __KAME__
#define __KAME_VERSION "2009/apple-darwin"

#define IPV6PORT_RESERVED    1024
#define IPV6PORT_ANONMIN     49152
#define IPV6PORT_ANONMAX     65535
#define IPV6PORT_RESERVEDMIN 600
#define IPV6PORT_RESERVEDMAX (IPV6PORT_RESERVED - 1)

/* An IPv6 address: 16 bytes in network order, viewable as 8/16/32-bit words. */
typedef struct in6_addr {
	union {
		__uint8_t __u6_addr8[16];
		__uint16_t __u6_addr16[8];
		__uint32_t __u6_addr32[4];
	} __u6_addr;
} in6_addr_t;

#define s6_addr   __u6_addr.__u6_addr8
#define s6_addr8  __u6_addr.__u6_addr8
#define s6_addr16 __u6_addr.__u6_addr16
#define s6_addr32 __u6_addr.__u6_addr32

#define INET6_ADDRSTRLEN 46

/* The socket address has a length field. */
#define SIN6_LEN

/* IPv6 socket address, 28 bytes. */
struct sockaddr_in6 {
	__uint8_t sin6_len;       /* sizeof(struct sockaddr_in6) */
	sa_family_t sin6_family;  /* AF_INET6 */
	in_port_t sin6_port;      /* network byte order */
	__uint32_t sin6_flowinfo; /* flow label and traffic class */
	struct in6_addr sin6_addr;
	__uint32_t sin6_scope_id; /* zone (interface) index */
};

/* Prefix masks as initialisers */
#define IN6MASK0                                                                                   \
	{                                                                                          \
		{                                                                                  \
			{                                                                          \
				0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0                     \
			}                                                                          \
		}                                                                                  \
	}
#define IN6MASK7                                                                                   \
	{                                                                                          \
		{                                                                                  \
			{                                                                          \
				0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0                  \
			}                                                                          \
		}                                                                                  \
	}
#define IN6MASK8                                                                                   \
	{                                                                                          \
		{                                                                                  \
			{                                                                          \
				0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0                  \
			}                                                                          \
		}                                                                                  \
	}
#define IN6MASK16                                                                                  \
	{                                                                                          \
		{                                                                                  \
			{                                                                          \
				0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0               \
			}                                                                          \
		}                                                                                  \
	}
#define IN6MASK32                                                                                  \
	{                                                                                          \
		{                                                                                  \
			{                                                                          \
				0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0         \
			}                                                                          \
		}                                                                                  \
	}
#define IN6MASK64                                                                                  \
	{                                                                                          \
		{                                                                                  \
			{                                                                          \
				0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0,  \
				    0, 0                                                           \
			}                                                                          \
		}                                                                                  \
	}
#define IN6MASK96                                                                                  \
	{                                                                                          \
		{                                                                                  \
			{                                                                          \
				0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  \
				    0xff, 0, 0, 0, 0                                               \
			}                                                                          \
		}                                                                                  \
	}
#define IN6MASK128                                                                                 \
	{                                                                                          \
		{                                                                                  \
			{                                                                          \
				0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  \
				    0xff, 0xff, 0xff, 0xff, 0xff                                   \
			}                                                                          \
		}                                                                                  \
	}

/*
 * Well-known words as they appear when an address is read as host-order
 * 32/16-bit integers on this little-endian machine.
 */
#define IPV6_ADDR_INT32_ONE 0x01000000
#define IPV6_ADDR_INT32_TWO 0x02000000
#define IPV6_ADDR_INT32_MNL 0x000001ff
#define IPV6_ADDR_INT32_MLL 0x000002ff
#define IPV6_ADDR_INT32_SMP 0xffff0000
#define IPV6_ADDR_INT16_ULL 0x80fe
#define IPV6_ADDR_INT16_USL 0xc0fe
#define IPV6_ADDR_INT16_MLL 0x02ff

/* Well-known addresses as initialisers */
#define IN6ADDR_ANY_INIT                                                                           \
	{                                                                                          \
		{                                                                                  \
			{                                                                          \
				0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0                     \
			}                                                                          \
		}                                                                                  \
	}
#define IN6ADDR_LOOPBACK_INIT                                                                      \
	{                                                                                          \
		{                                                                                  \
			{                                                                          \
				0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01                  \
			}                                                                          \
		}                                                                                  \
	}
#define IN6ADDR_NODELOCAL_ALLNODES_INIT                                                            \
	{                                                                                          \
		{                                                                                  \
			{                                                                          \
				0xff, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01            \
			}                                                                          \
		}                                                                                  \
	}
#define IN6ADDR_INTFACELOCAL_ALLNODES_INIT                                                         \
	{                                                                                          \
		{                                                                                  \
			{                                                                          \
				0xff, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01            \
			}                                                                          \
		}                                                                                  \
	}
#define IN6ADDR_LINKLOCAL_ALLNODES_INIT                                                            \
	{                                                                                          \
		{                                                                                  \
			{                                                                          \
				0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01            \
			}                                                                          \
		}                                                                                  \
	}
#define IN6ADDR_LINKLOCAL_ALLROUTERS_INIT                                                          \
	{                                                                                          \
		{                                                                                  \
			{                                                                          \
				0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02            \
			}                                                                          \
		}                                                                                  \
	}
#define IN6ADDR_LINKLOCAL_ALLV2ROUTERS_INIT                                                        \
	{                                                                                          \
		{                                                                                  \
			{                                                                          \
				0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16            \
			}                                                                          \
		}                                                                                  \
	}
#define IN6ADDR_V4MAPPED_INIT                                                                      \
	{                                                                                          \
		{                                                                                  \
			{                                                                          \
				0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0               \
			}                                                                          \
		}                                                                                  \
	}
#define IN6ADDR_MULTICAST_PREFIX IN6MASK8

__BEGIN_DECLS
extern const struct in6_addr in6addr_any;                    /* :: */
extern const struct in6_addr in6addr_loopback;               /* ::1 */
extern const struct in6_addr in6addr_nodelocal_allnodes;     /* ff01::1 */
extern const struct in6_addr in6addr_linklocal_allnodes;     /* ff02::1 */
extern const struct in6_addr in6addr_linklocal_allrouters;   /* ff02::2 */
extern const struct in6_addr in6addr_linklocal_allv2routers; /* ff02::16 */
__END_DECLS

#define IN6_ARE_ADDR_EQUAL(a, b)                                                                   \
	(bcmp(__IN6_BYTES(a), __IN6_BYTES(b), sizeof(struct in6_addr)) == 0)

/* Equal addresses, and equal zones unless one of them is unscoped. */
#define SA6_ARE_ADDR_EQUAL(a, b)                                                                   \
	(((a)->sin6_scope_id == 0 || (b)->sin6_scope_id == 0 ||                                    \
	  ((a)->sin6_scope_id == (b)->sin6_scope_id)) &&                                           \
	 (bcmp(&(a)->sin6_addr, &(b)->sin6_addr, sizeof(struct in6_addr)) == 0))

/*
 * The bytes, and the i-th 32-bit word as stored (network order), of the
 * address a points to.  a may be misaligned (an address inside a packed
 * header, &ip6->ip6_src), so the tests below read it through a byte pointer
 * rather than through a member access on *a; the sizeof keeps Apple's
 * requirement that a point to something with an s6_addr member.
 */
#define __IN6_BYTES(a)     ((const __uint8_t *)(const void *)(a) + 0 * sizeof((a)->s6_addr))

__header_always_inline __uint32_t
nke__in6_word32(const __uint8_t *addr, int i)
{
	__uint32_t w;

	__builtin_memcpy(&w, addr + 4 * i, sizeof(w));
	return w;
}
#define __IN6_WORD32(a, i) nke__in6_word32(__IN6_BYTES(a), (i))

/* :: */
#define IN6_IS_ADDR_UNSPECIFIED(a)                                                                 \
	(__IN6_WORD32(a, 0) == 0 && __IN6_WORD32(a, 1) == 0 && __IN6_WORD32(a, 2) == 0 &&          \
	 __IN6_WORD32(a, 3) == 0)

/* ::1 */
#define IN6_IS_ADDR_LOOPBACK(a)                                                                    \
	(__IN6_WORD32(a, 0) == 0 && __IN6_WORD32(a, 1) == 0 && __IN6_WORD32(a, 2) == 0 &&          \
	 __IN6_WORD32(a, 3) == ntohl(1))

/* ::a.b.c.d, other than :: and ::1 */
#define IN6_IS_ADDR_V4COMPAT(a)                                                                    \
	(__IN6_WORD32(a, 0) == 0 && __IN6_WORD32(a, 1) == 0 && __IN6_WORD32(a, 2) == 0 &&          \
	 __IN6_WORD32(a, 3) != 0 && __IN6_WORD32(a, 3) != ntohl(1))

/* ::ffff:a.b.c.d */
#define IN6_IS_ADDR_V4MAPPED(a)                                                                    \
	(__IN6_WORD32(a, 0) == 0 && __IN6_WORD32(a, 1) == 0 &&                                     \
	 __IN6_WORD32(a, 2) == ntohl(0x0000ffff))

/* 2002::/16 */
#define IN6_IS_ADDR_6TO4(x)          (__IN6_BYTES(x)[0] == 0x20 && __IN6_BYTES(x)[1] == 0x02)

/* Scope values (RFC 4291) */
#define IPV6_ADDR_SCOPE_NODELOCAL    0x01
#define IPV6_ADDR_SCOPE_INTFACELOCAL 0x01
#define IPV6_ADDR_SCOPE_LINKLOCAL    0x02
#define IPV6_ADDR_SCOPE_SITELOCAL    0x05
#define IPV6_ADDR_SCOPE_ORGLOCAL     0x08
#define IPV6_ADDR_SCOPE_GLOBAL       0x0e

/* fe80::/10 */
#define IN6_IS_ADDR_LINKLOCAL(a)     (__IN6_BYTES(a)[0] == 0xfe && (__IN6_BYTES(a)[1] & 0xc0) == 0x80)
/* fec0::/10 (deprecated site-local) */
#define IN6_IS_ADDR_SITELOCAL(a)     (__IN6_BYTES(a)[0] == 0xfe && (__IN6_BYTES(a)[1] & 0xc0) == 0xc0)

/* ff00::/8 */
#define IN6_IS_ADDR_MULTICAST(a)     (__IN6_BYTES(a)[0] == 0xff)

#define IPV6_ADDR_MC_FLAGS(a)            (__IN6_BYTES(a)[1] & 0xf0)
#define IPV6_ADDR_MC_FLAGS_TRANSIENT     0x10
#define IPV6_ADDR_MC_FLAGS_PREFIX        0x20
#define IPV6_ADDR_MC_FLAGS_UNICAST_BASED (IPV6_ADDR_MC_FLAGS_TRANSIENT | IPV6_ADDR_MC_FLAGS_PREFIX)
#define IN6_IS_ADDR_UNICAST_BASED_MULTICAST(a)                                                     \
	(IN6_IS_ADDR_MULTICAST(a) && (IPV6_ADDR_MC_FLAGS(a) == IPV6_ADDR_MC_FLAGS_UNICAST_BASED))

/* fc00::/7 */
#define IN6_IS_ADDR_UNIQUE_LOCAL(a) (__IN6_BYTES(a)[0] == 0xfc || __IN6_BYTES(a)[0] == 0xfd)

#define IPV6_ADDR_MC_SCOPE(a) (__IN6_BYTES(a)[1] & 0x0f)

/* Multicast scopes */
#define IN6_IS_ADDR_MC_UNICAST_BASED_LINKLOCAL(a)                                                  \
	(IN6_IS_ADDR_MULTICAST(a) &&                                                               \
	 (IPV6_ADDR_MC_FLAGS(a) == IPV6_ADDR_MC_FLAGS_UNICAST_BASED) &&                            \
	 (IPV6_ADDR_MC_SCOPE(a) == IPV6_ADDR_SCOPE_LINKLOCAL))
#define IN6_IS_ADDR_MC_NODELOCAL(a)                                                                \
	(IN6_IS_ADDR_MULTICAST(a) && (IPV6_ADDR_MC_SCOPE(a) == IPV6_ADDR_SCOPE_NODELOCAL))
#define IN6_IS_ADDR_MC_INTFACELOCAL(a)                                                             \
	(IN6_IS_ADDR_MULTICAST(a) && (IPV6_ADDR_MC_SCOPE(a) == IPV6_ADDR_SCOPE_INTFACELOCAL))
#define IN6_IS_ADDR_MC_LINKLOCAL(a)                                                                \
	(IN6_IS_ADDR_MULTICAST(a) &&                                                               \
	 (IPV6_ADDR_MC_FLAGS(a) != IPV6_ADDR_MC_FLAGS_UNICAST_BASED) &&                            \
	 (IPV6_ADDR_MC_SCOPE(a) == IPV6_ADDR_SCOPE_LINKLOCAL))
#define IN6_IS_ADDR_MC_SITELOCAL(a)                                                                \
	(IN6_IS_ADDR_MULTICAST(a) && (IPV6_ADDR_MC_SCOPE(a) == IPV6_ADDR_SCOPE_SITELOCAL))
#define IN6_IS_ADDR_MC_ORGLOCAL(a)                                                                 \
	(IN6_IS_ADDR_MULTICAST(a) && (IPV6_ADDR_MC_SCOPE(a) == IPV6_ADDR_SCOPE_ORGLOCAL))
#define IN6_IS_ADDR_MC_GLOBAL(a)                                                                   \
	(IN6_IS_ADDR_MULTICAST(a) && (IPV6_ADDR_MC_SCOPE(a) == IPV6_ADDR_SCOPE_GLOBAL))

/* Addresses whose zone the kernel embeds in the address */
#define IN6_IS_SCOPE_LINKLOCAL(a) (IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_MC_LINKLOCAL(a))
#define IN6_IS_SCOPE_EMBED(a)                                                                      \
	(IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_MC_LINKLOCAL(a) || IN6_IS_ADDR_MC_INTFACELOCAL(a))

/* ---- Options at level IPPROTO_IPV6 -------------------------------------- */
#define IPV6_SOCKOPT_RESERVED1 3
#define IPV6_UNICAST_HOPS      4
#define IPV6_MULTICAST_IF      9
#define IPV6_MULTICAST_HOPS    10
#define IPV6_MULTICAST_LOOP    11
#define IPV6_JOIN_GROUP        12
#define IPV6_LEAVE_GROUP       13
#define IPV6_PORTRANGE         14
#define ICMP6_FILTER           18
#define IPV6_2292PKTINFO       19
#define IPV6_2292HOPLIMIT      20
#define IPV6_2292NEXTHOP       21
#define IPV6_2292HOPOPTS       22
#define IPV6_2292DSTOPTS       23
#define IPV6_2292RTHDR         24
#define IPV6_2292PKTOPTIONS    25
#define IPV6_CHECKSUM          26
#define IPV6_V6ONLY            27
#define IPV6_IPSEC_POLICY      28
#define IPV6_FAITH             29
#define IPV6_FW_ADD            30
#define IPV6_FW_DEL            31
#define IPV6_FW_FLUSH          32
#define IPV6_FW_ZERO           33
#define IPV6_FW_GET            34
#define IPV6_RECVTCLASS        35
#define IPV6_TCLASS            36
#define IPV6_BOUND_IF          125

/* RFC 3542 options, only for sources that ask for them. */
#ifdef __APPLE_USE_RFC_3542
#define IPV6_RECVHOPLIMIT     37
#define IPV6_RECVRTHDR        38
#define IPV6_RECVHOPOPTS      39
#define IPV6_RECVDSTOPTS      40
#define IPV6_RECVRTHDRDSTOPTS 41
#define IPV6_USE_MIN_MTU      42
#define IPV6_RECVPATHMTU      43
#define IPV6_PATHMTU          44
#define IPV6_3542PKTINFO      46
#define IPV6_3542HOPLIMIT     47
#define IPV6_3542NEXTHOP      48
#define IPV6_3542HOPOPTS      49
#define IPV6_3542DSTOPTS      50
#define IPV6_3542RTHDR        51
#define IPV6_PKTINFO          IPV6_3542PKTINFO
#define IPV6_HOPLIMIT         IPV6_3542HOPLIMIT
#define IPV6_NEXTHOP          IPV6_3542NEXTHOP
#define IPV6_HOPOPTS          IPV6_3542HOPOPTS
#define IPV6_DSTOPTS          IPV6_3542DSTOPTS
#define IPV6_RTHDR            IPV6_3542RTHDR
#define IPV6_RTHDRDSTOPTS     57
#define IPV6_AUTOFLOWLABEL    59
#define IPV6_RECVPKTINFO      61
#define IPV6_DONTFRAG         62
#define IPV6_PREFER_TEMPADDR  63
#define IPV6_MSFILTER         74
#elif defined(__APPLE_USE_RFC_2292)
#define IPV6_PKTINFO    IPV6_2292PKTINFO
#define IPV6_HOPLIMIT   IPV6_2292HOPLIMIT
#define IPV6_NEXTHOP    IPV6_2292NEXTHOP
#define IPV6_HOPOPTS    IPV6_2292HOPOPTS
#define IPV6_DSTOPTS    IPV6_2292DSTOPTS
#define IPV6_RTHDR      IPV6_2292RTHDR
#define IPV6_PKTOPTIONS IPV6_2292PKTOPTIONS
#endif

#define IPV6_RTHDR_LOOSE  0
#define IPV6_RTHDR_STRICT 1
#define IPV6_RTHDR_TYPE_0 0

#define IPV6_DEFAULT_MULTICAST_HOPS 1
#define IPV6_DEFAULT_MULTICAST_LOOP 1
#define IPV6_MIN_MEMBERSHIPS        31
#define IPV6_MAX_MEMBERSHIPS        4095
#define IPV6_MAX_GROUP_SRC_FILTER   512
#define IPV6_MAX_SOCK_SRC_FILTER    128

/* IPV6_JOIN_GROUP / IPV6_LEAVE_GROUP argument */
struct ipv6_mreq {
	struct in6_addr ipv6mr_multiaddr;
	unsigned int ipv6mr_interface;
};

/* IPV6_PKTINFO data */
struct in6_pktinfo {
	struct in6_addr ipi6_addr;
	unsigned int ipi6_ifindex;
};

/* IPV6_PATHMTU data */
struct ip6_mtuinfo {
	struct sockaddr_in6 ip6m_addr;
	uint32_t ip6m_mtu;
};

#define IPV6_PORTRANGE_DEFAULT        0
#define IPV6_PORTRANGE_HIGH           1
#define IPV6_PORTRANGE_LOW            2

/* sysctl net.inet6.ip6 names */
#define IPV6PROTO_MAXID               (IPPROTO_PIM + 1)
#define IPV6CTL_FORWARDING            1
#define IPV6CTL_SENDREDIRECTS         2
#define IPV6CTL_DEFHLIM               3
#define IPV6CTL_FORWSRCRT             5
#define IPV6CTL_STATS                 6
#define IPV6CTL_MRTSTATS              7
#define IPV6CTL_MRTPROTO              8
#define IPV6CTL_MAXFRAGPACKETS        9
#define IPV6CTL_SOURCECHECK           10
#define IPV6CTL_SOURCECHECK_LOGINT    11
#define IPV6CTL_ACCEPT_RTADV          12
#define IPV6CTL_KEEPFAITH             13
#define IPV6CTL_LOG_INTERVAL          14
#define IPV6CTL_HDRNESTLIMIT          15
#define IPV6CTL_DAD_COUNT             16
#define IPV6CTL_AUTO_FLOWLABEL        17
#define IPV6CTL_DEFMCASTHLIM          18
#define IPV6CTL_GIF_HLIM              19
#define IPV6CTL_KAME_VERSION          20
#define IPV6CTL_USE_DEPRECATED        21
#define IPV6CTL_RR_PRUNE              22
#define IPV6CTL_V6ONLY                24
#define IPV6CTL_RTEXPIRE              25
#define IPV6CTL_RTMINEXPIRE           26
#define IPV6CTL_RTMAXCACHE            27
#define IPV6CTL_USETEMPADDR           32
#define IPV6CTL_TEMPPLTIME            33
#define IPV6CTL_TEMPVLTIME            34
#define IPV6CTL_AUTO_LINKLOCAL        35
#define IPV6CTL_RIP6STATS             36
#define IPV6CTL_PREFER_TEMPADDR       37
#define IPV6CTL_ADDRCTLPOLICY         38
#define IPV6CTL_USE_DEFAULTZONE       39
#define IPV6CTL_MAXFRAGS              41
#define IPV6CTL_MCAST_PMTU            44
#define IPV6CTL_NEIGHBORGCTHRESH      46
#define IPV6CTL_MAXIFPREFIXES         47
#define IPV6CTL_MAXIFDEFROUTERS       48
#define IPV6CTL_MAXDYNROUTES          49
#define ICMPV6CTL_ND6_ONLINKNSRFC4861 50
#define IPV6CTL_ULA_USETEMPADDR       51
#define IPV6CTL_MAXID                 51

#endif /* !_NETINET6_IN6_H_ */
#endif /* __KAME_NETINET_IN_H_INCLUDED_ */
