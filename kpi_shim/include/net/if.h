/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <net/if.h> - network interface definitions visible to a kext (kernel
 * world): interface flags (IFF_*) and capabilities (IFCAP_*), the routing
 * socket interface messages, and the ioctl argument records (struct ifreq
 * & co) used with ifnet_ioctl and the SIOC* commands of <sys/sockio.h>.
 * As in a kernel build, the interface KPI comes along at the end.
 */
#ifndef _NET_IF_H_
#define _NET_IF_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <net/if_var.h>
#include <net/net_kev.h>
#include <sys/socket.h>

#define IF_NAMESIZE 16
#ifndef IFNAMSIZ
#define IFNAMSIZ IF_NAMESIZE
#endif

/* Interface flags (ifnet_flags) */
#define IFF_UP          0x1
#define IFF_BROADCAST   0x2
#define IFF_DEBUG       0x4
#define IFF_LOOPBACK    0x8
#define IFF_POINTOPOINT 0x10
#define IFF_NOTRAILERS  0x20
#define IFF_RUNNING     0x40
#define IFF_NOARP       0x80
#define IFF_PROMISC     0x100
#define IFF_ALLMULTI    0x200
#define IFF_OACTIVE     0x400
#define IFF_SIMPLEX     0x800
#define IFF_LINK0       0x1000
#define IFF_LINK1       0x2000
#define IFF_LINK2       0x4000
#define IFF_ALTPHYS     IFF_LINK2
#define IFF_MULTICAST   0x8000

/* Interface capabilities (SIOCGIFCAP / ifnet_capabilities_*) */
#define IFCAP_RXCSUM           0x00001
#define IFCAP_TXCSUM           0x00002
#define IFCAP_VLAN_MTU         0x00004
#define IFCAP_VLAN_HWTAGGING   0x00008
#define IFCAP_JUMBO_MTU        0x00010
#define IFCAP_TSO4             0x00020
#define IFCAP_TSO6             0x00040
#define IFCAP_LRO              0x00080
#define IFCAP_AV               0x00100
#define IFCAP_TXSTATUS         0x00200
#define IFCAP_SKYWALK          0x00400
#define IFCAP_HW_TIMESTAMP     0x00800
#define IFCAP_SW_TIMESTAMP     0x01000
#define IFCAP_CSUM_PARTIAL     0x02000
#define IFCAP_CSUM_ZERO_INVERT 0x04000
#define IFCAP_LRO_NUM_SEG      0x08000
#define IFCAP_HWCSUM           (IFCAP_RXCSUM | IFCAP_TXCSUM)
#define IFCAP_TSO              (IFCAP_TSO4 | IFCAP_TSO6)
#define IFCAP_VALID                                                                                \
	(IFCAP_HWCSUM | IFCAP_TSO | IFCAP_LRO | IFCAP_VLAN_MTU | IFCAP_VLAN_HWTAGGING |            \
	 IFCAP_JUMBO_MTU | IFCAP_AV | IFCAP_TXSTATUS | IFCAP_SKYWALK | IFCAP_SW_TIMESTAMP |        \
	 IFCAP_HW_TIMESTAMP | IFCAP_CSUM_PARTIAL | IFCAP_CSUM_ZERO_INVERT | IFCAP_LRO_NUM_SEG)

#define IFQ_MAXLEN   128
#define IFNET_SLOWHZ 1

/* Interface cloner list (SIOCIFGCLONERS). */
struct if_clonereq {
	int ifcr_total;
	int ifcr_count;
	char *ifcr_buffer;
};

/* Routing-socket messages about interfaces and their addresses. */
struct if_msghdr {
	unsigned short ifm_msglen;
	unsigned char ifm_version;
	unsigned char ifm_type;
	int ifm_addrs;
	int ifm_flags;
	unsigned short ifm_index;
	struct if_data ifm_data;
};

struct ifa_msghdr {
	unsigned short ifam_msglen;
	unsigned char ifam_version;
	unsigned char ifam_type;
	int ifam_addrs;
	int ifam_flags;
	unsigned short ifam_index;
	int ifam_metric;
};

struct ifma_msghdr {
	unsigned short ifmam_msglen;
	unsigned char ifmam_version;
	unsigned char ifmam_type;
	int ifmam_addrs;
	int ifmam_flags;
	unsigned short ifmam_index;
};

struct if_msghdr2 {
	u_short ifm_msglen;
	u_char ifm_version;
	u_char ifm_type;
	int ifm_addrs;
	int ifm_flags;
	u_short ifm_index;
	int ifm_snd_len;
	int ifm_snd_maxlen;
	int ifm_snd_drops;
	int ifm_timer;
	struct if_data64 ifm_data;
};

struct ifma_msghdr2 {
	u_short ifmam_msglen;
	u_char ifmam_version;
	u_char ifmam_type;
	int ifmam_addrs;
	int ifmam_flags;
	u_short ifmam_index;
	int32_t ifmam_refcount;
};

/* SIOCGIFDEVMTU result */
struct ifdevmtu {
	int ifdm_current;
	int ifdm_min;
	int ifdm_max;
};

#pragma pack(push, 4)
/* SIOCSIFKPI / SIOCGIFKPI argument: a value for a kext-defined module. */
struct ifkpi {
	unsigned int ifk_module_id;
	unsigned int ifk_type;
	union {
		void *ifk_ptr;
		int ifk_value;
		u_int64_t ifk_ptr64;
	} ifk_data;
};
#pragma pack(pop)

#define IF_WAKE_ON_MAGIC_PACKET 0x01

/* Functional types reported by SIOCGIFFUNCTIONALTYPE */
#define IFRTYPE_FUNCTIONAL_UNKNOWN       0
#define IFRTYPE_FUNCTIONAL_LOOPBACK      1
#define IFRTYPE_FUNCTIONAL_WIRED         2
#define IFRTYPE_FUNCTIONAL_WIFI_INFRA    3
#define IFRTYPE_FUNCTIONAL_WIFI_AWDL     4
#define IFRTYPE_FUNCTIONAL_CELLULAR      5
#define IFRTYPE_FUNCTIONAL_INTCOPROC     6
#define IFRTYPE_FUNCTIONAL_COMPANIONLINK 7
#define IFRTYPE_FUNCTIONAL_MANAGEMENT    8
#define IFRTYPE_FUNCTIONAL_LAST          8

/* Argument of most interface ioctls: a name and one value. */
struct ifreq {
	char ifr_name[IFNAMSIZ];
	union {
		struct sockaddr ifru_addr;
		struct sockaddr ifru_dstaddr;
		struct sockaddr ifru_broadaddr;
		short ifru_flags;
		int ifru_metric;
		int ifru_mtu;
		int ifru_phys;
		int ifru_media;
		int ifru_intval;
		caddr_t ifru_data;
		struct ifdevmtu ifru_devmtu;
		struct ifkpi ifru_kpi;
		u_int32_t ifru_wake_flags;
		u_int32_t ifru_route_refcnt;
		int ifru_cap[2];
		u_int32_t ifru_functional_type;
		u_int32_t ifru_peer_egress_functional_type;
		u_int8_t ifru_is_directlink;
		u_int8_t ifru_is_vpn;
	} ifr_ifru;
#define ifr_addr         ifr_ifru.ifru_addr
#define ifr_dstaddr      ifr_ifru.ifru_dstaddr
#define ifr_broadaddr    ifr_ifru.ifru_broadaddr
#define ifr_flags        ifr_ifru.ifru_flags
#define ifr_metric       ifr_ifru.ifru_metric
#define ifr_mtu          ifr_ifru.ifru_mtu
#define ifr_phys         ifr_ifru.ifru_phys
#define ifr_media        ifr_ifru.ifru_media
#define ifr_data         ifr_ifru.ifru_data
#define ifr_devmtu       ifr_ifru.ifru_devmtu
#define ifr_intval       ifr_ifru.ifru_intval
#define ifr_kpi          ifr_ifru.ifru_kpi
#define ifr_wake_flags   ifr_ifru.ifru_wake_flags
#define ifr_route_refcnt ifr_ifru.ifru_route_refcnt
#define ifr_reqcap       ifr_ifru.ifru_cap[0]
#define ifr_curcap       ifr_ifru.ifru_cap[1]
};

/* Size of an ifreq whose address may be longer than a struct sockaddr. */
#define _SIZEOF_ADDR_IFREQ(ifr)                                                                    \
	((ifr).ifr_addr.sa_len > sizeof(struct sockaddr)                                           \
	     ? (sizeof(struct ifreq) - sizeof(struct sockaddr) + (ifr).ifr_addr.sa_len)            \
	     : sizeof(struct ifreq))

/* SIOCAIFADDR argument */
struct ifaliasreq {
	char ifra_name[IFNAMSIZ];
	struct sockaddr ifra_addr;
	struct sockaddr ifra_broadaddr;
	struct sockaddr ifra_mask;
};

/* SIOCRSLVMULTI argument */
struct rslvmulti_req {
	struct sockaddr *sa;
	struct sockaddr **llsa;
};

#pragma pack(push, 4)
/* SIOCSDRVSPEC / SIOCGDRVSPEC argument */
struct ifdrv {
	char ifd_name[IFNAMSIZ];
	unsigned long ifd_cmd;
	size_t ifd_len;
	void *ifd_data;
};
#pragma pack(pop)

/* SIOCGIFSTATUS result: human-readable status text. */
#define IFSTATMAX 800
struct ifstat {
	char ifs_name[IFNAMSIZ];
	char ascii[IFSTATMAX + 1];
};

/* Data of KEV_DL_PROTO_ATTACHED / KEV_DL_PROTO_DETACHED events. */
struct kev_dl_proto_data {
	struct net_event_data link_data;
	u_int32_t proto_family;
	u_int32_t proto_remaining_count;
};

#include <net/kpi_interface.h>

#endif /* !_NET_IF_H_ */
