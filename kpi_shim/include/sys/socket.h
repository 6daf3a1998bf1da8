/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/socket.h> - sockets as a Darwin kernel extension sees them (kernel
 * world): socket types, SOL_SOCKET options, address and protocol families,
 * the BSD sockaddr layout (a leading sa_len byte), message headers and
 * control-message macros.
 *
 * Values are Darwin's, not the host's: AF_INET6 is 30, AF_SYSTEM 32,
 * SOL_SOCKET 0xffff, SO_NKE 0x1021.  As in a kernel build, the socket KPI
 * (<sys/kpi_socket.h>) comes along at the end.
 */
#ifndef _SYS_SOCKET_H_
#define _SYS_SOCKET_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/kernel_types.h>
#include <net/net_kev.h>

/* Scatter/gather element, shared with <sys/uio.h>. */
#ifndef _STRUCT_IOVEC
#define _STRUCT_IOVEC
struct iovec {
	void *iov_base; /* start of the region */
	size_t iov_len; /* its length in bytes */
};
#endif

/* Round up to a multiple of 4, the alignment of control messages. */
#ifndef __DARWIN_ALIGNBYTES32
#define __DARWIN_ALIGNBYTES32 (sizeof(__uint32_t) - 1)
#endif
#ifndef __DARWIN_ALIGN32
#define __DARWIN_ALIGN32(p)                                                                        \
	((__darwin_size_t)((__darwin_size_t)(p) + __DARWIN_ALIGNBYTES32) & ~__DARWIN_ALIGNBYTES32)
#endif

/* ---- Socket types ----------------------------------------------------- */
#define SOCK_STREAM    1
#define SOCK_DGRAM     2
#define SOCK_RAW       3
#define SOCK_RDM       4
#define SOCK_SEQPACKET 5

/* ---- Options at level SOL_SOCKET --------------------------------------- */
#define SOL_SOCKET 0xffff

/* Boolean options (bit values) */
#define SO_DEBUG               0x0001
#define SO_ACCEPTCONN          0x0002
#define SO_REUSEADDR           0x0004
#define SO_KEEPALIVE           0x0008
#define SO_DONTROUTE           0x0010
#define SO_BROADCAST           0x0020
#define SO_USELOOPBACK         0x0040
#define SO_LINGER              0x0080 /* linger time in ticks (Darwin default) */
#define SO_LINGER_SEC          0x1080 /* linger time in seconds */
#define SO_OOBINLINE           0x0100
#define SO_REUSEPORT           0x0200
#define SO_TIMESTAMP           0x0400
#define SO_TIMESTAMP_MONOTONIC 0x0800
#define SO_DONTTRUNC           0x2000
#define SO_WANTMORE            0x4000
#define SO_WANTOOBFLAG         0x8000

/* Valued options */
#define SO_SNDBUF               0x1001
#define SO_RCVBUF               0x1002
#define SO_SNDLOWAT             0x1003
#define SO_RCVLOWAT             0x1004
#define SO_SNDTIMEO             0x1005
#define SO_RCVTIMEO             0x1006
#define SO_ERROR                0x1007
#define SO_TYPE                 0x1008
#define SO_LABEL                0x1010
#define SO_PEERLABEL            0x1011
#define SO_NREAD                0x1020
#define SO_NKE                  0x1021 /* attach a socket filter: struct so_nke */
#define SO_NOSIGPIPE            0x1022
#define SO_NOADDRERR            0x1023
#define SO_NWRITE               0x1024
#define SO_REUSESHAREUID        0x1025
#define SO_RANDOMPORT           0x1082
#define SO_NP_EXTENSIONS        0x1083
#define SO_NUMRCVPKT            0x1112
#define SO_NET_SERVICE_TYPE     0x1116
#define SO_NETSVC_MARKING_LEVEL 0x1119
#define SO_RESOLVER_SIGNATURE   0x1131
#define SO_BINDTODEVICE         0x1134

/* SO_NET_SERVICE_TYPE values */
#define NET_SERVICE_TYPE_BE  0
#define NET_SERVICE_TYPE_BK  1
#define NET_SERVICE_TYPE_SIG 2
#define NET_SERVICE_TYPE_VI  3
#define NET_SERVICE_TYPE_VO  4
#define NET_SERVICE_TYPE_RV  5
#define NET_SERVICE_TYPE_AV  6
#define NET_SERVICE_TYPE_OAM 7
#define NET_SERVICE_TYPE_RD  8

/* SO_NETSVC_MARKING_LEVEL values */
#define NETSVC_MRKNG_UNKNOWN      0
#define NETSVC_MRKNG_LVL_L2       1
#define NETSVC_MRKNG_LVL_L3L2_ALL 2
#define NETSVC_MRKNG_LVL_L3L2_BK  3

/* connectx() association and connection ids (types in sys/kernel_types.h) */
#define SAE_ASSOCID_ANY 0
#define SAE_ASSOCID_ALL ((sae_associd_t)(-1ULL))
#define SAE_CONNID_ANY  0
#define SAE_CONNID_ALL  ((sae_connid_t)(-1ULL))

#define CONNECT_RESUME_ON_READ_WRITE 0x1
#define CONNECT_DATA_IDEMPOTENT      0x2
#define CONNECT_DATA_AUTHENTICATED   0x4

typedef struct sa_endpoints {
	unsigned int sae_srcif;             /* source interface index, 0: any */
	const struct sockaddr *sae_srcaddr; /* source address, optional */
	socklen_t sae_srcaddrlen;
	const struct sockaddr *sae_dstaddr; /* destination address */
	socklen_t sae_dstaddrlen;
} sa_endpoints_t;

/* SO_LINGER argument */
struct linger {
	int l_onoff;  /* non-zero: linger */
	int l_linger; /* how long */
};

/* SO_NP_EXTENSIONS argument */
struct so_np_extensions {
	u_int32_t npx_flags;
	u_int32_t npx_mask;
};
#define SONPX_SETOPTSHUT 0x000000001

/*
 * SO_NKE argument: attach the socket filter whose sf_handle is nke_handle.
 * The kernel reads only nke_handle; nke_where/nke_flags (NFF_*) are
 * accepted and ignored.  Packed to 4 like Apple's.
 */
#pragma pack(push, 4)
struct so_nke {
	unsigned int nke_handle;
	unsigned int nke_where;
	int nke_flags;
	u_int32_t reserved[4];
};
#pragma pack(pop)
#define NFF_BEFORE 0x01
#define NFF_AFTER  0x02

/* ---- Address families --------------------------------------------------- */
#define AF_UNSPEC          0
#define AF_UNIX            1
#define AF_LOCAL           AF_UNIX
#define AF_INET            2
#define AF_IMPLINK         3
#define AF_PUP             4
#define AF_CHAOS           5
#define AF_NS              6
#define AF_ISO             7
#define AF_OSI             AF_ISO
#define AF_ECMA            8
#define AF_DATAKIT         9
#define AF_CCITT           10
#define AF_SNA             11
#define AF_DECnet          12
#define AF_DLI             13
#define AF_LAT             14
#define AF_HYLINK          15
#define AF_APPLETALK       16
#define AF_ROUTE           17
#define AF_LINK            18
#define pseudo_AF_XTP      19
#define AF_COIP            20
#define AF_CNT             21
#define pseudo_AF_RTIP     22
#define AF_IPX             23
#define AF_SIP             24
#define pseudo_AF_PIP      25
#define AF_NDRV            27
#define AF_ISDN            28
#define AF_E164            AF_ISDN
#define pseudo_AF_KEY      29
#define AF_INET6           30
#define AF_NATM            31
#define AF_SYSTEM          32
#define AF_NETBIOS         33
#define AF_PPP             34
#define pseudo_AF_HDRCMPLT 35
#define AF_RESERVED_36     36
#define AF_IEEE80211       37
#define AF_UTUN            38
#define AF_VSOCK           40
#define AF_MAX             41

/* ---- Socket addresses --------------------------------------------------- */

/* Generic address: the BSD layout, total length first. */
struct sockaddr {
	__uint8_t sa_len;      /* length of the whole address */
	sa_family_t sa_family; /* AF_* */
	char sa_data[14];      /* family-specific, may be longer */
};

/* The two leading bytes every sockaddr shares. */
struct __sockaddr_header {
	__uint8_t sa_len;
	sa_family_t sa_family;
};

#define SOCK_MAXADDRLEN 255

struct sockproto {
	__uint16_t sp_family;
	__uint16_t sp_protocol;
};

/* Storage large and aligned enough for any address: 128 bytes. */
#define _SS_MAXSIZE   128
#define _SS_ALIGNSIZE (sizeof(__int64_t))
#define _SS_PAD1SIZE  (_SS_ALIGNSIZE - sizeof(__uint8_t) - sizeof(sa_family_t))
#define _SS_PAD2SIZE                                                                               \
	(_SS_MAXSIZE - sizeof(__uint8_t) - sizeof(sa_family_t) - _SS_PAD1SIZE - _SS_ALIGNSIZE)

struct sockaddr_storage {
	__uint8_t ss_len;
	sa_family_t ss_family;
	char __ss_pad1[_SS_PAD1SIZE];
	__int64_t __ss_align;
	char __ss_pad2[_SS_PAD2SIZE];
};

/* ---- Protocol families: same numbers as the address families ---------- */
#define PF_UNSPEC      AF_UNSPEC
#define PF_LOCAL       AF_LOCAL
#define PF_UNIX        PF_LOCAL
#define PF_INET        AF_INET
#define PF_IMPLINK     AF_IMPLINK
#define PF_PUP         AF_PUP
#define PF_CHAOS       AF_CHAOS
#define PF_NS          AF_NS
#define PF_ISO         AF_ISO
#define PF_OSI         AF_ISO
#define PF_ECMA        AF_ECMA
#define PF_DATAKIT     AF_DATAKIT
#define PF_CCITT       AF_CCITT
#define PF_SNA         AF_SNA
#define PF_DECnet      AF_DECnet
#define PF_DLI         AF_DLI
#define PF_LAT         AF_LAT
#define PF_HYLINK      AF_HYLINK
#define PF_APPLETALK   AF_APPLETALK
#define PF_ROUTE       AF_ROUTE
#define PF_LINK        AF_LINK
#define PF_XTP         pseudo_AF_XTP
#define PF_COIP        AF_COIP
#define PF_CNT         AF_CNT
#define PF_SIP         AF_SIP
#define PF_IPX         AF_IPX
#define PF_RTIP        pseudo_AF_RTIP
#define PF_PIP         pseudo_AF_PIP
#define PF_NDRV        AF_NDRV
#define PF_ISDN        AF_ISDN
#define PF_KEY         pseudo_AF_KEY
#define PF_INET6       AF_INET6
#define PF_NATM        AF_NATM
#define PF_SYSTEM      AF_SYSTEM
#define PF_NETBIOS     AF_NETBIOS
#define PF_PPP         AF_PPP
#define PF_RESERVED_36 AF_RESERVED_36
#define PF_UTUN        AF_UTUN
#define PF_VSOCK       AF_VSOCK
#define PF_MAX         AF_MAX

/*
 * Protocol families with no address family, used only as
 * protocol_family_t values: four-character codes.
 */
#define PF_VLAN ((uint32_t)0x766c616e) /* 'vlan' */
#define PF_BOND ((uint32_t)0x626f6e64) /* 'bond' */

/* sysctl net.* routing-table names */
#define NET_MAXID         AF_MAX
#define NET_RT_DUMP       1
#define NET_RT_FLAGS      2
#define NET_RT_IFLIST     3
#define NET_RT_STAT       4
#define NET_RT_TRASH      5
#define NET_RT_IFLIST2    6
#define NET_RT_DUMP2      7
#define NET_RT_FLAGS_PRIV 10
#define NET_RT_MAXID      11

#define SOMAXCONN 128 /* largest listen() backlog */

/* ---- Messages ----------------------------------------------------------- */

struct msghdr {
	void *msg_name;           /* address (optional) */
	socklen_t msg_namelen;    /* its size */
	struct iovec *msg_iov;    /* data buffers */
	int msg_iovlen;           /* how many */
	void *msg_control;        /* ancillary data, cmsghdr records */
	socklen_t msg_controllen; /* its total size */
	int msg_flags;            /* MSG_* flags of a received message */
};

#define MSG_OOB       0x1
#define MSG_PEEK      0x2
#define MSG_DONTROUTE 0x4
#define MSG_EOR       0x8
#define MSG_TRUNC     0x10
#define MSG_CTRUNC    0x20
#define MSG_WAITALL   0x40
#define MSG_DONTWAIT  0x80
#define MSG_EOF       0x100
#define MSG_FLUSH     0x400
#define MSG_HOLD      0x800
#define MSG_SEND      0x1000
#define MSG_HAVEMORE  0x2000
#define MSG_RCVMORE   0x4000
#define MSG_NEEDSA    0x10000
#define MSG_NOSIGNAL  0x80000
#define MSG_USEUPCALL 0x80000000 /* kernel: sock_accept inherits the upcall */

/* One ancillary-data record; its data follows the 4-byte aligned header. */
struct cmsghdr {
	socklen_t cmsg_len; /* header + data, in bytes */
	int cmsg_level;     /* originating protocol */
	int cmsg_type;      /* protocol-specific type */
};

#define CMSG_DATA(cmsg) ((unsigned char *)(cmsg) + __DARWIN_ALIGN32(sizeof(struct cmsghdr)))

#define CMSG_FIRSTHDR(mhdr)                                                                        \
	((mhdr)->msg_controllen >= sizeof(struct cmsghdr) ? (struct cmsghdr *)(mhdr)->msg_control  \
	                                                  : (struct cmsghdr *)0L)

/* The record after cmsg, or NULL when the next one would not fit. */
#define CMSG_NXTHDR(mhdr, cmsg)                                                                    \
	((char *)(cmsg) == (char *)0L                                                              \
	     ? CMSG_FIRSTHDR(mhdr)                                                                 \
	     : (((unsigned char *)(cmsg) + __DARWIN_ALIGN32((__uint32_t)(cmsg)->cmsg_len) +        \
	         __DARWIN_ALIGN32(sizeof(struct cmsghdr))) >                                       \
	                ((unsigned char *)(mhdr)->msg_control + (mhdr)->msg_controllen)            \
	            ? (struct cmsghdr *)0L                                                         \
	            : (struct cmsghdr *)(void *)((unsigned char *)(cmsg) +                         \
	                                         __DARWIN_ALIGN32((__uint32_t)(cmsg)->cmsg_len))))

#define CMSG_SPACE(l) (__DARWIN_ALIGN32(sizeof(struct cmsghdr)) + __DARWIN_ALIGN32(l))
#define CMSG_LEN(l)   (__DARWIN_ALIGN32(sizeof(struct cmsghdr)) + (l))
#define CMSG_ALIGN(n) ((__typeof__(n))__DARWIN_ALIGN32(n))

/* Control message types at level SOL_SOCKET */
#define SCM_RIGHTS              0x01
#define SCM_TIMESTAMP           0x02
#define SCM_CREDS               0x03
#define SCM_TIMESTAMP_MONOTONIC 0x04

/* shutdown() directions */
#define SHUT_RD   0
#define SHUT_WR   1
#define SHUT_RDWR 2

/* sendfile() header/trailer vectors, and the kernel's view of them. */
struct sf_hdtr {
	struct iovec *headers;
	int hdr_cnt;
	struct iovec *trailers;
	int trl_cnt;
};

struct user_sf_hdtr {
	user_addr_t headers;
	int hdr_cnt;
	user_addr_t trailers;
	int trl_cnt;
};

#include <sys/kpi_socket.h>

#endif /* !_SYS_SOCKET_H_ */
