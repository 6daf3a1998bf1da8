/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <net/net_kev.h> - subclasses and event codes of KEV_NETWORK_CLASS kernel
 * events (kernel world), with Darwin's values: what an iff_event or
 * proto event callback finds in kev_msg.kev_subclass / event_code.
 * Included by <sys/socket.h> and <net/if.h>, as on macOS.
 */
#ifndef _NET_NETKEV_H_
#define _NET_NETKEV_H_

/* KEV_NETWORK_CLASS subclasses */
#define KEV_INET_SUBCLASS  1
#define KEV_DL_SUBCLASS    2
#define KEV_INET6_SUBCLASS 6

/* KEV_INET_SUBCLASS event codes */
#define KEV_INET_NEW_ADDR      1
#define KEV_INET_CHANGED_ADDR  2
#define KEV_INET_ADDR_DELETED  3
#define KEV_INET_SIFDSTADDR    4
#define KEV_INET_SIFBRDADDR    5
#define KEV_INET_SIFNETMASK    6
#define KEV_INET_ARPCOLLISION  7
#define KEV_INET_ARPRTRFAILURE 9
#define KEV_INET_ARPRTRALIVE   10

/* KEV_DL_SUBCLASS (data link) event codes */
#define KEV_DL_SIFFLAGS                    1
#define KEV_DL_SIFMETRICS                  2
#define KEV_DL_SIFMTU                      3
#define KEV_DL_SIFPHYS                     4
#define KEV_DL_SIFMEDIA                    5
#define KEV_DL_SIFGENERIC                  6
#define KEV_DL_ADDMULTI                    7
#define KEV_DL_DELMULTI                    8
#define KEV_DL_IF_ATTACHED                 9
#define KEV_DL_IF_DETACHING                10
#define KEV_DL_IF_DETACHED                 11
#define KEV_DL_LINK_OFF                    12
#define KEV_DL_LINK_ON                     13
#define KEV_DL_PROTO_ATTACHED              14
#define KEV_DL_PROTO_DETACHED              15
#define KEV_DL_LINK_ADDRESS_CHANGED        16
#define KEV_DL_WAKEFLAGS_CHANGED           17
#define KEV_DL_IF_IDLE_ROUTE_REFCNT        18
#define KEV_DL_IFCAP_CHANGED               19
#define KEV_DL_LINK_QUALITY_METRIC_CHANGED 20
#define KEV_DL_NODE_PRESENCE               21
#define KEV_DL_NODE_ABSENCE                22
#define KEV_DL_PRIMARY_ELECTED             23
#define KEV_DL_MASTER_ELECTED              KEV_DL_PRIMARY_ELECTED /* older name */
#define KEV_DL_ISSUES                      24
#define KEV_DL_IFDELEGATE_CHANGED          25
#define KEV_DL_AWDL_RESTRICTED             26
#define KEV_DL_AWDL_UNRESTRICTED           27
#define KEV_DL_RRC_STATE_CHANGED           28
#define KEV_DL_QOS_MODE_CHANGED            29
#define KEV_DL_LOW_POWER_MODE_CHANGED      30

/* KEV_INET6_SUBCLASS event codes */
#define KEV_INET6_NEW_USER_ADDR        1
#define KEV_INET6_CHANGED_ADDR         2
#define KEV_INET6_ADDR_DELETED         3
#define KEV_INET6_NEW_LL_ADDR          4
#define KEV_INET6_NEW_RTADV_ADDR       5
#define KEV_INET6_DEFROUTER            6
#define KEV_INET6_REQUEST_NAT64_PREFIX 7

#endif /* !_NET_NETKEV_H_ */
