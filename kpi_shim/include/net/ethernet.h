/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <net/ethernet.h> - Ethernet frame layout and EtherType values (kernel
 * world).  ether_type is in network byte order in a frame.
 */
#ifndef _NET_ETHERNET_H_
#define _NET_ETHERNET_H_

#include <sys/cdefs.h>
#include <sys/types.h>

#define ETHER_ADDR_LEN          6
#define ETHER_TYPE_LEN          2
#define ETHER_CRC_LEN           4
#define ETHER_HDR_LEN           (ETHER_ADDR_LEN * 2 + ETHER_TYPE_LEN) /* 14 */
#define ETHER_MIN_LEN           64   /* smallest frame, CRC included */
#define ETHER_MAX_LEN           1518 /* largest frame, CRC included */
#define ETHER_ALIGN             2    /* leading pad that aligns the IP header */
#define ETHER_IS_VALID_LEN(foo) ((foo) >= ETHER_MIN_LEN && (foo) <= ETHER_MAX_LEN)

/* The 14-byte Ethernet II header. */
typedef struct ether_header {
	u_char ether_dhost[ETHER_ADDR_LEN];
	u_char ether_shost[ETHER_ADDR_LEN];
	u_short ether_type;
} ether_header_t;

typedef struct ether_addr {
	u_char octet[ETHER_ADDR_LEN];
} ether_addr_t;
#define ether_addr_octet octet

#define ETHERTYPE_PUP         0x0200
#define ETHERTYPE_IP          0x0800
#define ETHERTYPE_ARP         0x0806
#define ETHERTYPE_REVARP      0x8035
#define ETHERTYPE_VLAN        0x8100
#define ETHERTYPE_IPV6        0x86dd
#define ETHERTYPE_PAE         0x888e
#define ETHERTYPE_RSN_PREAUTH 0x88c7
#define ETHERTYPE_PTP         0x88f7
#define ETHERTYPE_LOOPBACK    0x9000
#define ETHERTYPE_TRAIL       0x1000
#define ETHERTYPE_NTRAILER    16

#define ETHERMTU (ETHER_MAX_LEN - ETHER_HDR_LEN - ETHER_CRC_LEN)
#define ETHERMIN (ETHER_MIN_LEN - ETHER_HDR_LEN - ETHER_CRC_LEN)

#endif /* !_NET_ETHERNET_H_ */
