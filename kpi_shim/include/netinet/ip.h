/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <netinet/ip.h> - the IPv4 header and its option and TOS values (kernel
 * world).  Multi-byte fields are in network byte order as they appear in
 * a packet; struct ip is 20 bytes, with the header length and version
 * nibbles as bitfields laid out for a little-endian machine.
 */
#ifndef _NETINET_IP_H_
#define _NETINET_IP_H_

#include <sys/types.h>
#include <netinet/in.h>
#include <netinet/in_systm.h>

#define IPVERSION 4

struct ip {
#ifdef _IP_VHL
	u_char ip_vhl; /* version << 4 | header length in 32-bit words */
#else
	u_int ip_hl : 4, /* header length in 32-bit words (low nibble) */
	    ip_v : 4;    /* version (high nibble) */
#endif
	u_char ip_tos;
	u_short ip_len; /* total length, header included */
	u_short ip_id;
	u_short ip_off;   /* fragment offset (8-byte units) and flags */
#define IP_RF      0x8000 /* reserved fragment flag */
#define IP_DF      0x4000 /* don't fragment */
#define IP_MF      0x2000 /* more fragments */
#define IP_OFFMASK 0x1fff /* fragment offset bits */
	u_char ip_ttl;
	u_char ip_p; /* IPPROTO_* of the payload */
	u_short ip_sum;
	struct in_addr ip_src, ip_dst;
};

#ifdef _IP_VHL
#define IP_MAKE_VHL(v, hl) ((uint8_t)((v) << 4 | (hl)))
#define IP_VHL_HL(vhl)     ((vhl)&0x0f)
#define IP_VHL_V(vhl)      ((vhl) >> 4)
#define IP_VHL_BORING      0x45
#endif

#define IP_MAXPACKET 65535

/* Type of service */
#define IPTOS_LOWDELAY    0x10
#define IPTOS_THROUGHPUT  0x08
#define IPTOS_RELIABILITY 0x04
#define IPTOS_MINCOST     0x02
#define IPTOS_CE          0x01 /* obsolete ECN spelling */
#define IPTOS_ECT         0x02 /* obsolete ECN spelling */
#define IPTOS_DSCP_SHIFT  2

/* ECN codepoints (RFC 3168) in the low two bits */
#define IPTOS_ECN_NOTECT 0x00
#define IPTOS_ECN_ECT1   0x01
#define IPTOS_ECN_ECT0   0x02
#define IPTOS_ECN_CE     0x03
#define IPTOS_ECN_MASK   0x03

/* Precedence in the top three bits */
#define IPTOS_PREC_NETCONTROL      0xe0
#define IPTOS_PREC_INTERNETCONTROL 0xc0
#define IPTOS_PREC_CRITIC_ECP      0xa0
#define IPTOS_PREC_FLASHOVERRIDE   0x80
#define IPTOS_PREC_FLASH           0x60
#define IPTOS_PREC_IMMEDIATE       0x40
#define IPTOS_PREC_PRIORITY        0x20
#define IPTOS_PREC_ROUTINE         0x00

/* Option type octet: copied flag, class, number */
#define IPOPT_COPIED(o) ((o)&0x80)
#define IPOPT_CLASS(o)  ((o)&0x60)
#define IPOPT_NUMBER(o) ((o)&0x1f)

#define IPOPT_CONTROL   0x00
#define IPOPT_RESERVED1 0x20
#define IPOPT_DEBMEAS   0x40
#define IPOPT_RESERVED2 0x60

#define IPOPT_EOL      0  /* end of options */
#define IPOPT_NOP      1  /* padding */
#define IPOPT_RR       7  /* record route */
#define IPOPT_TS       68 /* timestamp */
#define IPOPT_SECURITY 130
#define IPOPT_LSRR     131 /* loose source route */
#define IPOPT_SATID    136
#define IPOPT_SSRR     137 /* strict source route */
#define IPOPT_RA       148 /* router alert */

/* Offsets within an option */
#define IPOPT_OPTVAL 0 /* type */
#define IPOPT_OLEN   1 /* length */
#define IPOPT_OFFSET 2 /* pointer */
#define IPOPT_MINOFF 4 /* smallest pointer value */

/* Timestamp option */
struct ip_timestamp {
	u_char ipt_code; /* IPOPT_TS */
	u_char ipt_len;
	u_char ipt_ptr;
	u_int ipt_flg : 4, /* IPOPT_TS_* (low nibble) */
	    ipt_oflw : 4;  /* overflow count (high nibble) */
	union ipt_timestamp {
		n_long ipt_time[1];
		struct ipt_ta {
			struct in_addr ipt_addr;
			n_long ipt_time;
		} ipt_ta[1];
	} ipt_timestamp;
};

#define IPOPT_TS_TSONLY    0
#define IPOPT_TS_TSANDADDR 1
#define IPOPT_TS_PRESPEC   3

/* Security option levels (not byte swapped) */
#define IPOPT_SECUR_UNCLASS   0x0000
#define IPOPT_SECUR_CONFID    0xf135
#define IPOPT_SECUR_EFTO      0x789a
#define IPOPT_SECUR_MMMM      0xbc4d
#define IPOPT_SECUR_RESTR     0xaf13
#define IPOPT_SECUR_SECRET    0xd788
#define IPOPT_SECUR_TOPSECRET 0x6bc5

#define MAXTTL    255
#define IPDEFTTL  64
#define IPFRAGTTL 30
#define IPTTLDEC  1
#define IP_MSS    576

#endif /* !_NETINET_IP_H_ */
