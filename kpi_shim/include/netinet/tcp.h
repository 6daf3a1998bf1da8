/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <netinet/tcp.h> - the TCP header, its flags and options, and TCP socket
 * options (kernel world).  struct tcphdr is 20 bytes; th_off/th_x2 are
 * bitfields laid out for a little-endian machine; multi-byte fields are in
 * network byte order.
 */
#ifndef _NETINET_TCP_H_
#define _NETINET_TCP_H_

#include <sys/types.h>
#include <sys/socket.h>
#include <machine/endian.h>
#include <netinet/in.h>

typedef __uint32_t tcp_seq;
typedef __uint32_t tcp_cc;
#define tcp6_seq tcp_seq
#define tcp6hdr  tcphdr

struct tcphdr {
	unsigned short th_sport;
	unsigned short th_dport;
	tcp_seq th_seq;
	tcp_seq th_ack;
	unsigned int th_x2 : 4, /* unused (low nibble) */
	    th_off : 4;         /* data offset in 32-bit words (high nibble) */
	unsigned char th_flags;
#define TH_FIN       0x01
#define TH_SYN       0x02
#define TH_RST       0x04
#define TH_PUSH      0x08
#define TH_ACK       0x10
#define TH_URG       0x20
#define TH_ECE       0x40
#define TH_CWR       0x80
#define TH_AE        0x100 /* accurate ECN: lives in th_x2 */
#define TH_FLAGS     (TH_FIN | TH_SYN | TH_RST | TH_ACK | TH_URG | TH_ECE | TH_CWR)
#define TH_FLAGS_ALL (TH_FLAGS | TH_PUSH)
#define TH_ACCEPT    (TH_FIN | TH_SYN | TH_RST | TH_ACK)
#define TH_ACE       (TH_AE | TH_CWR | TH_ECE)
	unsigned short th_win;
	unsigned short th_sum;
	unsigned short th_urp;
};

/* Options: kind and length */
#define TCPOPT_EOL             0
#define TCPOPT_NOP             1
#define TCPOPT_MAXSEG          2
#define TCPOLEN_MAXSEG         4
#define TCPOPT_WINDOW          3
#define TCPOLEN_WINDOW         3
#define TCPOPT_SACK_PERMITTED  4
#define TCPOLEN_SACK_PERMITTED 2
#define TCPOPT_SACK            5
#define TCPOLEN_SACK           8
#define TCPOPT_TIMESTAMP       8
#define TCPOLEN_TIMESTAMP      10
#define TCPOLEN_TSTAMP_APPA    (TCPOLEN_TIMESTAMP + 2)
#define TCPOPT_TSTAMP_HDR                                                                          \
	(TCPOPT_NOP << 24 | TCPOPT_NOP << 16 | TCPOPT_TIMESTAMP << 8 | TCPOLEN_TIMESTAMP)
#define MAX_TCPOPTLEN          40
#define TCPOPT_CC              11
#define TCPOPT_CCNEW           12
#define TCPOPT_CCECHO          13
#define TCPOLEN_CC             6
#define TCPOLEN_CC_APPA        (TCPOLEN_CC + 2)
#define TCPOPT_CC_HDR(ccopt)   (TCPOPT_NOP << 24 | TCPOPT_NOP << 16 | (ccopt) << 8 | TCPOLEN_CC)
#define TCPOPT_SIGNATURE       19
#define TCPOLEN_SIGNATURE      18
#define TCPOPT_FASTOPEN        34
#define TCPOLEN_FASTOPEN_REQ   2
#define TCPOPT_ACCECN0         172
#define TCPOPT_ACCECN1         174
#define TCPOLEN_ACCECN_EMPTY   2
#define TCPOLEN_ACCECN_COUNTER 3

#define TCPOPT_SACK_PERMIT_HDR                                                                     \
	(TCPOPT_NOP << 24 | TCPOPT_NOP << 16 | TCPOPT_SACK_PERMITTED << 8 | TCPOLEN_SACK_PERMITTED)
#define TCPOPT_SACK_HDR (TCPOPT_NOP << 24 | TCPOPT_NOP << 16 | TCPOPT_SACK << 8)

#define MAX_SACK_BLKS 6
#define TCP_MAX_SACK  4

#define TCP_MSS             512
#define TCP_MINMSS          216
#define TCP6_MSS            1024
#define TCP_MAXWIN          65535
#define TTCP_CLIENT_SND_WND 4096
#define TCP_MAX_WINSHIFT    14
#define TCP_MAXHLEN         (0xf << 2)
#define TCP_MAXOLEN         (TCP_MAXHLEN - sizeof(struct tcphdr))

/* Options at level IPPROTO_TCP */
#define TCP_NODELAY           0x01
#define TCP_MAXSEG            0x02
#define TCP_NOPUSH            0x04
#define TCP_NOOPT             0x08
#define TCP_KEEPALIVE         0x10
#define TCP_CONNECTIONTIMEOUT 0x20
#define PERSIST_TIMEOUT       0x40
#define TCP_RXT_CONNDROPTIME  0x80
#define TCP_RXT_FINDROP       0x100
#define TCP_KEEPINTVL         0x101
#define TCP_KEEPCNT           0x102
#define TCP_SENDMOREACKS      0x103
#define TCP_ENABLE_ECN        0x104
#define TCP_FASTOPEN          0x105
#define TCP_CONNECTION_INFO   0x106
#define TCP_NOTSENT_LOWAT     0x201

/* TCP_CONNECTION_INFO result */
struct tcp_connection_info {
	u_int8_t tcpi_state;
	u_int8_t tcpi_snd_wscale;
	u_int8_t tcpi_rcv_wscale;
	u_int8_t __pad1;
	u_int32_t tcpi_options;
#define TCPCI_OPT_TIMESTAMPS 0x00000001
#define TCPCI_OPT_SACK       0x00000002
#define TCPCI_OPT_WSCALE     0x00000004
#define TCPCI_OPT_ECN        0x00000008
	u_int32_t tcpi_flags;
#define TCPCI_FLAG_LOSSRECOVERY        0x00000001
#define TCPCI_FLAG_REORDERING_DETECTED 0x00000002
	u_int32_t tcpi_rto;
	u_int32_t tcpi_maxseg;
	u_int32_t tcpi_snd_ssthresh;
	u_int32_t tcpi_snd_cwnd;
	u_int32_t tcpi_snd_wnd;
	u_int32_t tcpi_snd_sbbytes;
	u_int32_t tcpi_rcv_wnd;
	u_int32_t tcpi_rttcur;
	u_int32_t tcpi_srtt;
	u_int32_t tcpi_rttvar;
	u_int32_t tcpi_tfo_cookie_req : 1, tcpi_tfo_cookie_rcv : 1, tcpi_tfo_syn_loss : 1,
	    tcpi_tfo_syn_data_sent : 1, tcpi_tfo_syn_data_acked : 1, tcpi_tfo_syn_data_rcv : 1,
	    tcpi_tfo_cookie_req_rcv : 1, tcpi_tfo_cookie_sent : 1, tcpi_tfo_cookie_invalid : 1,
	    tcpi_tfo_cookie_wrong : 1, tcpi_tfo_no_cookie_rcv : 1, tcpi_tfo_heuristics_disable : 1,
	    tcpi_tfo_send_blackhole : 1, tcpi_tfo_recv_blackhole : 1, tcpi_tfo_onebyte_proxy : 1,
	    __pad2 : 17;
	u_int64_t tcpi_txpackets __attribute__((aligned(8)));
	u_int64_t tcpi_txbytes __attribute__((aligned(8)));
	u_int64_t tcpi_txretransmitbytes __attribute__((aligned(8)));
	u_int64_t tcpi_rxpackets __attribute__((aligned(8)));
	u_int64_t tcpi_rxbytes __attribute__((aligned(8)));
	u_int64_t tcpi_rxoutoforderbytes __attribute__((aligned(8)));
	u_int64_t tcpi_txretransmitpackets __attribute__((aligned(8)));
};

#endif /* !_NETINET_TCP_H_ */
