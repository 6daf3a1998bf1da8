/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <net/if_var.h> - what a third-party kext sees of interface internals
 * (kernel world): the interface family numbers, the interface-name size,
 * the record attached to data-link kernel events, the export layout of
 * interface statistics and the legacy struct ifqueue.  struct ifnet itself
 * is private (ifnet_t is opaque; use the accessors of <net/kpi_interface.h>).
 */
#ifndef _NET_IF_VAR_H_
#define _NET_IF_VAR_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <stdint.h>
#include <net/kpi_interface.h>

/* Interface families, same numbers as IFNET_FAMILY_* */
#define APPLE_IF_FAM_LOOPBACK  1
#define APPLE_IF_FAM_ETHERNET  2
#define APPLE_IF_FAM_SLIP      3
#define APPLE_IF_FAM_TUN       4
#define APPLE_IF_FAM_VLAN      5
#define APPLE_IF_FAM_PPP       6
#define APPLE_IF_FAM_PVC       7
#define APPLE_IF_FAM_DISC      8
#define APPLE_IF_FAM_MDECAP    9
#define APPLE_IF_FAM_GIF       10
#define APPLE_IF_FAM_FAITH     11 /* deprecated */
#define APPLE_IF_FAM_STF       12
#define APPLE_IF_FAM_FIREWIRE  13
#define APPLE_IF_FAM_BOND      14
#define APPLE_IF_FAM_CELLULAR  15
#define APPLE_IF_FAM_UNUSED_16 16
#define APPLE_IF_FAM_UTUN      17
#define APPLE_IF_FAM_IPSEC     18

#define IF_MINMTU 72
#define IF_MAXMTU 65535

/* Interface names ("en0") fit in 16 bytes including the NUL. */
#define IFNAMSIZ 16

/* Which interface a KEV_DL_* or KEV_INET_* event is about. */
struct net_event_data {
	u_int32_t if_family; /* IFNET_FAMILY_* */
	u_int32_t if_unit;
	char if_name[IFNAMSIZ]; /* driver name without the unit */
};

/* A 32-bit time value, as used in exported statistics. */
#ifndef _STRUCT_TIMEVAL32
#define _STRUCT_TIMEVAL32 struct timeval32
_STRUCT_TIMEVAL32
{
	__int32_t tv_sec;
	__int32_t tv_usec;
};
#endif

#pragma pack(push, 4)

/* Interface data and counters in the 32-bit export layout. */
struct if_data {
	u_char ifi_type; /* IFT_* */
	u_char ifi_typelen;
	u_char ifi_physical;
	u_char ifi_addrlen;
	u_char ifi_hdrlen;
	u_char ifi_recvquota;
	u_char ifi_xmitquota;
	u_char ifi_unused1;
	u_int32_t ifi_mtu;
	u_int32_t ifi_metric;
	u_int32_t ifi_baudrate;
	u_int32_t ifi_ipackets;
	u_int32_t ifi_ierrors;
	u_int32_t ifi_opackets;
	u_int32_t ifi_oerrors;
	u_int32_t ifi_collisions;
	u_int32_t ifi_ibytes;
	u_int32_t ifi_obytes;
	u_int32_t ifi_imcasts;
	u_int32_t ifi_omcasts;
	u_int32_t ifi_iqdrops;
	u_int32_t ifi_noproto;
	u_int32_t ifi_recvtiming;
	u_int32_t ifi_xmittiming;
	struct timeval32 ifi_lastchange;
	u_int32_t ifi_unused2;
	u_int32_t ifi_hwassist;
	u_int32_t ifi_reserved1;
	u_int32_t ifi_reserved2;
};

/* Same with 64-bit rate and counters. */
struct if_data64 {
	u_char ifi_type;
	u_char ifi_typelen;
	u_char ifi_physical;
	u_char ifi_addrlen;
	u_char ifi_hdrlen;
	u_char ifi_recvquota;
	u_char ifi_xmitquota;
	u_char ifi_unused1;
	u_int32_t ifi_mtu;
	u_int32_t ifi_metric;
	u_int64_t ifi_baudrate;
	u_int64_t ifi_ipackets;
	u_int64_t ifi_ierrors;
	u_int64_t ifi_opackets;
	u_int64_t ifi_oerrors;
	u_int64_t ifi_collisions;
	u_int64_t ifi_ibytes;
	u_int64_t ifi_obytes;
	u_int64_t ifi_imcasts;
	u_int64_t ifi_omcasts;
	u_int64_t ifi_iqdrops;
	u_int64_t ifi_noproto;
	u_int32_t ifi_recvtiming;
	u_int32_t ifi_xmittiming;
	struct timeval32 ifi_lastchange;
};

#pragma pack(pop)

struct ifnet_interface_advisory;

/* Legacy packet queue (kept for source compatibility). */
struct ifqueue {
	void *ifq_head;
	void *ifq_tail;
	int ifq_len;
	int ifq_maxlen;
	int ifq_drops;
};

#endif /* !_NET_IF_VAR_H_ */
