/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <netinet/udp.h> - the UDP header (kernel world): 8 bytes, fields in
 * network byte order.
 */
#ifndef _NETINET_UDP_H_
#define _NETINET_UDP_H_

#include <sys/types.h>

struct udphdr {
	u_short uh_sport;
	u_short uh_dport;
	u_short uh_ulen; /* header + payload */
	u_short uh_sum;  /* 0: no checksum */
};

#define UDP_NOCKSUM 0x01 /* option: do not checksum outbound datagrams */

#endif /* !_NETINET_UDP_H_ */
