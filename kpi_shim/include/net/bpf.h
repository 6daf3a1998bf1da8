/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <net/bpf.h> - Berkeley Packet Filter definitions a kext may name (kernel
 * world): filter program records and opcodes, common data-link types, the
 * BPF device ioctls and the KPI by which a driver attaches an interface to
 * BPF and taps packets.  Capture-buffer records (struct bpf_hdr) are not
 * part of nkesim.
 */
#ifndef _NET_BPF_H_
#define _NET_BPF_H_

#include <stdint.h>
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/ioccom.h>
#include <sys/kernel_types.h>

#define BPF_RELEASE 199606

typedef int32_t bpf_int32;
typedef u_int32_t bpf_u_int32;

#define BPF_ALIGNMENT    sizeof(int32_t)
#define BPF_WORDALIGN(x) (((x) + (BPF_ALIGNMENT - 1)) & ~(BPF_ALIGNMENT - 1))
#define BPF_MAXINSNS     512
#define BPF_MAXBUFSIZE   0x80000
#define BPF_MINBUFSIZE   32

struct bpf_insn;

/* A filter program. */
struct bpf_program {
	u_int bf_len;
	struct bpf_insn *bf_insns;
};

struct bpf_stat {
	u_int bs_recv;
	u_int bs_drop;
};

struct bpf_version {
	u_short bv_major;
	u_short bv_minor;
};
#define BPF_MAJOR_VERSION 1
#define BPF_MINOR_VERSION 1

#pragma pack(push, 4)
/* BIOCGDLTLIST argument */
struct bpf_dltlist {
	u_int32_t bfl_len;
	union {
		u_int32_t *bflu_list;
		u_int64_t bflu_pad;
	} bfl_u;
};
#pragma pack(pop)
#define bfl_list bfl_u.bflu_list

/* BPF device ioctls */
#define BIOCGBLEN     _IOR('B', 102, u_int)
#define BIOCSBLEN     _IOWR('B', 102, u_int)
#define BIOCSETF      _IOW('B', 103, struct bpf_program)
#define BIOCFLUSH     _IO('B', 104)
#define BIOCPROMISC   _IO('B', 105)
#define BIOCGDLT      _IOR('B', 106, u_int)
#define BIOCGETIF     _IOR('B', 107, struct ifreq)
#define BIOCSETIF     _IOW('B', 108, struct ifreq)
#define BIOCSRTIMEOUT _IOW('B', 109, struct timeval)
#define BIOCGRTIMEOUT _IOR('B', 110, struct timeval)
#define BIOCGSTATS    _IOR('B', 111, struct bpf_stat)
#define BIOCIMMEDIATE _IOW('B', 112, u_int)
#define BIOCVERSION   _IOR('B', 113, struct bpf_version)
#define BIOCGRSIG     _IOR('B', 114, u_int)
#define BIOCSRSIG     _IOW('B', 115, u_int)
#define BIOCGHDRCMPLT _IOR('B', 116, u_int)
#define BIOCSHDRCMPLT _IOW('B', 117, u_int)
#define BIOCGSEESENT  _IOR('B', 118, u_int)
#define BIOCSSEESENT  _IOW('B', 119, u_int)
#define BIOCSDLT      _IOW('B', 120, u_int)
#define BIOCGDLTLIST  _IOWR('B', 121, struct bpf_dltlist)
#define BIOCSETFNR    _IOW('B', 126, struct bpf_program)

/* Data-link types (the ones kexts and drivers commonly use) */
#define DLT_NULL                   0 /* 4-byte host-order protocol family */
#define DLT_EN10MB                 1 /* Ethernet */
#define DLT_EN3MB                  2
#define DLT_AX25                   3
#define DLT_PRONET                 4
#define DLT_CHAOS                  5
#define DLT_IEEE802                6
#define DLT_ARCNET                 7
#define DLT_SLIP                   8
#define DLT_PPP                    9
#define DLT_FDDI                   10
#define DLT_ATM_RFC1483            11
#define DLT_RAW                    12 /* raw IP */
#define DLT_APPLE_IP_OVER_IEEE1394 138
#define DLT_LOOP                   108 /* 4-byte network-order protocol family */
#define DLT_LINUX_SLL              113
#define DLT_IEEE802_11             105
#define DLT_IEEE802_11_RADIO       127
#define DLT_USER2                  149
#define DLT_PKTAP                  DLT_USER2 /* Apple: not the 258 of libpcap */
#define DLT_USER0                  147
#define DLT_USER15                 162

/* ---- Filter instructions ------------------------------------------------ */

#define BPF_CLASS(code) ((code)&0x07)
#define BPF_LD          0x00
#define BPF_LDX         0x01
#define BPF_ST          0x02
#define BPF_STX         0x03
#define BPF_ALU         0x04
#define BPF_JMP         0x05
#define BPF_RET         0x06
#define BPF_MISC        0x07

#define BPF_SIZE(code) ((code)&0x18)
#define BPF_W          0x00
#define BPF_H          0x08
#define BPF_B          0x10
#define BPF_MODE(code) ((code)&0xe0)
#define BPF_IMM        0x00
#define BPF_ABS        0x20
#define BPF_IND        0x40
#define BPF_MEM        0x60
#define BPF_LEN        0x80
#define BPF_MSH        0xa0

#define BPF_OP(code)  ((code)&0xf0)
#define BPF_ADD       0x00
#define BPF_SUB       0x10
#define BPF_MUL       0x20
#define BPF_DIV       0x30
#define BPF_OR        0x40
#define BPF_AND       0x50
#define BPF_LSH       0x60
#define BPF_RSH       0x70
#define BPF_NEG       0x80
#define BPF_JA        0x00
#define BPF_JEQ       0x10
#define BPF_JGT       0x20
#define BPF_JGE       0x30
#define BPF_JSET      0x40
#define BPF_SRC(code) ((code)&0x08)
#define BPF_K         0x00
#define BPF_X         0x08

#define BPF_RVAL(code) ((code)&0x18)
#define BPF_A          0x10

#define BPF_MISCOP(code) ((code)&0xf8)
#define BPF_TAX          0x00
#define BPF_TXA          0x80

#define BPF_MEMWORDS 16

struct bpf_insn {
	u_short code;
	u_char jt;
	u_char jf;
	bpf_u_int32 k;
};

#define BPF_STMT(code, k)                                                                          \
	{                                                                                          \
		(u_short)(code), 0, 0, k                                                           \
	}
#define BPF_JUMP(code, k, jt, jf)                                                                  \
	{                                                                                          \
		(u_short)(code), jt, jf, k                                                         \
	}

/* ---- Driver KPI --------------------------------------------------------- */

#ifndef BPF_TAP_MODE_T
#define BPF_TAP_MODE_T
enum { BPF_MODE_DISABLED = 0, BPF_MODE_INPUT = 1, BPF_MODE_OUTPUT = 2, BPF_MODE_INPUT_OUTPUT = 3 };
typedef u_int32_t bpf_tap_mode;
#endif

typedef errno_t (*bpf_send_func)(ifnet_t interface, u_int32_t data_link_type, mbuf_t packet);
typedef errno_t (*bpf_tap_func)(ifnet_t interface, u_int32_t data_link_type,
                                bpf_tap_mode direction);

__BEGIN_DECLS

/* Make interface visible to BPF with link type data_link_type. */
extern void bpfattach(ifnet_t interface, u_int data_link_type, u_int header_length);

/* Same, with optional callbacks to send packets and to learn of taps. */
extern errno_t bpf_attach(ifnet_t interface, u_int32_t data_link_type, u_int32_t header_length,
                          bpf_send_func send, bpf_tap_func tap);

/*
 * Show packet (prefixed by header/header_len, optional) to BPF listeners,
 * as received / as sent.  The packet is not consumed.
 */
extern void bpf_tap_in(ifnet_t interface, u_int32_t dlt, mbuf_t packet, void *header,
                       size_t header_len);
extern void bpf_tap_out(ifnet_t interface, u_int32_t dlt, mbuf_t packet, void *header,
                        size_t header_len);

__END_DECLS

#endif /* !_NET_BPF_H_ */
