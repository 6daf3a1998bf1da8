/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <net/if_types.h> - interface types (IFT_*, the value of ifnet_type() and
 * sdl_type), with Darwin's numbering (kernel world).
 */
#ifndef _NET_IF_TYPES_H_
#define _NET_IF_TYPES_H_

#define IFT_OTHER         0x1
#define IFT_1822          0x2
#define IFT_HDH1822       0x3
#define IFT_X25DDN        0x4
#define IFT_X25           0x5
#define IFT_ETHER         0x6 /* Ethernet */
#define IFT_ISO88023      0x7
#define IFT_ISO88024      0x8
#define IFT_ISO88025      0x9
#define IFT_ISO88026      0xa
#define IFT_STARLAN       0xb
#define IFT_P10           0xc
#define IFT_P80           0xd
#define IFT_HY            0xe
#define IFT_FDDI          0xf
#define IFT_LAPB          0x10
#define IFT_SDLC          0x11
#define IFT_T1            0x12
#define IFT_CEPT          0x13
#define IFT_ISDNBASIC     0x14
#define IFT_ISDNPRIMARY   0x15
#define IFT_PTPSERIAL     0x16
#define IFT_PPP           0x17
#define IFT_LOOP          0x18 /* loopback */
#define IFT_EON           0x19
#define IFT_XETHER        0x1a
#define IFT_NSIP          0x1b
#define IFT_SLIP          0x1c
#define IFT_ULTRA         0x1d
#define IFT_DS3           0x1e
#define IFT_SIP           0x1f
#define IFT_FRELAY        0x20
#define IFT_RS232         0x21
#define IFT_PARA          0x22
#define IFT_ARCNET        0x23
#define IFT_ARCNETPLUS    0x24
#define IFT_ATM           0x25
#define IFT_MIOX25        0x26
#define IFT_SONET         0x27
#define IFT_X25PLE        0x28
#define IFT_ISO88022LLC   0x29
#define IFT_LOCALTALK     0x2a
#define IFT_SMDSDXI       0x2b
#define IFT_FRELAYDCE     0x2c
#define IFT_V35           0x2d
#define IFT_HSSI          0x2e
#define IFT_HIPPI         0x2f
#define IFT_MODEM         0x30
#define IFT_AAL5          0x31
#define IFT_SONETPATH     0x32
#define IFT_SONETVT       0x33
#define IFT_SMDSICIP      0x34
#define IFT_PROPVIRTUAL   0x35
#define IFT_PROPMUX       0x36
#define IFT_GIF           0x37
#define IFT_FAITH         0x38
#define IFT_STF           0x39
#define IFT_6LOWPAN       0x40
#define IFT_L2VLAN        0x87
#define IFT_IEEE8023ADLAG 0x88
#define IFT_IEEE1394      0x90
#define IFT_BRIDGE        0xd1
#define IFT_ENC           0xf4
#define IFT_PFLOG         0xf5
#define IFT_PFSYNC        0xf6
#define IFT_CARP          0xf8
#define IFT_PKTAP         0xfe
#define IFT_CELLULAR      0xff
#define IFT_PDP           IFT_CELLULAR /* older name */

#endif /* !_NET_IF_TYPES_H_ */
