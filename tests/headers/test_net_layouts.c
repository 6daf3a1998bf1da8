/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_net_layouts.c - the network half of the kernel header tree against
 * Apple's ABI (kernel world).  Compile-time checks pin Darwin constant
 * values, struct sizes, field offsets and the exact types of KPI callbacks
 * and functions (as declared; most KPI functions are implemented
 * elsewhere).  Run-time cases exercise what only runs: the byte-order
 * macros, the address-classification macros, positional initialisers as
 * kexts write them, bitfield layouts of packet headers and the BSD queue
 * macros.
 */
#include <stddef.h>
#include <string.h>

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/kpi_socket.h>
#include <sys/kpi_socketfilter.h>
#include <sys/kern_control.h>
#include <sys/kern_event.h>
#include <sys/sys_domain.h>
#include <sys/ioctl.h>
#include <sys/socketvar.h>
#include <sys/queue.h>
#include <sys/select.h>
#include <sys/uio.h>
#include <sys/fcntl.h>
#include <i386/endian.h>
#include <machine/endian.h>
#include <libkern/OSByteOrder.h>
#include <net/if.h>
#include <net/if_types.h>
#include <net/if_dl.h>
#include <net/ethernet.h>
#include <net/bpf.h>
#include <net/init.h>
#include <net/kpi_interface.h>
#include <net/kpi_interfacefilter.h>
#include <net/kpi_protocol.h>
#include <netinet/in.h>
#include <netinet/in_systm.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <netinet/in_pcb.h>
#include <netinet/ip_var.h>
#include <netinet/tcp_var.h>
#include <netinet/kpi_ipfilter.h>

#include "nkt.h"

#define SA(c)           _Static_assert(c, #c)
#define SAME_TYPE(a, b) __builtin_types_compatible_p(a, b)
/* Type of a declared function, by name (no reference is emitted). */
#define FTYPE(f) __typeof__(&(f))

/* ---- Darwin constants ---------------------------------------------------- */

SA(AF_UNSPEC == 0 && AF_INET == 2 && AF_LINK == 18 && AF_INET6 == 30);
SA(AF_SYSTEM == 32 && AF_NDRV == 27 && AF_MAX == 41);
SA(PF_INET == AF_INET && PF_INET6 == 30 && PF_SYSTEM == 32);
SA(PF_VLAN == 0x766c616e && PF_BOND == 0x626f6e64);
SA(SOCK_STREAM == 1 && SOCK_DGRAM == 2 && SOCK_RAW == 3 && SOCK_SEQPACKET == 5);
SA(SOL_SOCKET == 0xffff);
SA(SO_DEBUG == 0x1 && SO_ACCEPTCONN == 0x2 && SO_REUSEADDR == 0x4);
SA(SO_KEEPALIVE == 0x8 && SO_DONTROUTE == 0x10 && SO_BROADCAST == 0x20);
SA(SO_USELOOPBACK == 0x40 && SO_LINGER == 0x80 && SO_OOBINLINE == 0x100);
SA(SO_REUSEPORT == 0x200 && SO_TIMESTAMP == 0x400 && SO_DONTTRUNC == 0x2000);
SA(SO_SNDBUF == 0x1001 && SO_RCVBUF == 0x1002 && SO_SNDLOWAT == 0x1003);
SA(SO_RCVLOWAT == 0x1004 && SO_SNDTIMEO == 0x1005 && SO_RCVTIMEO == 0x1006);
SA(SO_ERROR == 0x1007 && SO_TYPE == 0x1008 && SO_LINGER_SEC == 0x1080);
SA(SO_NREAD == 0x1020 && SO_NKE == 0x1021 && SO_NOSIGPIPE == 0x1022);
SA(NFF_BEFORE == 1 && NFF_AFTER == 2);
SA(MSG_OOB == 0x1 && MSG_PEEK == 0x2 && MSG_EOR == 0x8 && MSG_DONTWAIT == 0x80);
SA(MSG_NOSIGNAL == 0x80000);
SA(SHUT_RD == 0 && SHUT_WR == 1 && SHUT_RDWR == 2);
SA(SOMAXCONN == 128);

SA(SFLT_GLOBAL == 1 && SFLT_PROG == 2 && SFLT_EXTENDED == 4);
SA(SFLT_EXTENDED_REGISTRY == 8);
SA(sock_evt_connecting == 1 && sock_evt_connected == 2);
SA(sock_evt_disconnecting == 3 && sock_evt_disconnected == 4);
SA(sock_evt_flush_read == 5 && sock_evt_shutdown == 6);
SA(sock_evt_cantrecvmore == 7 && sock_evt_cantsendmore == 8);
SA(sock_evt_closing == 9 && sock_evt_bound == 10);
SA(sock_data_filt_flag_oob == 1 && sock_data_filt_flag_record == 2);
SA(sockopt_get == 1 && sockopt_set == 2);

SA(MAX_KCTL_NAME == 96);
SA(CTL_FLAG_PRIVILEGED == 1 && CTL_FLAG_REG_ID_UNIT == 2);
SA(CTL_FLAG_REG_SOCK_STREAM == 4);
SA(CTL_DATA_NOWAKEUP == 1 && CTL_DATA_EOR == 2);
SA(KEV_CTL_SUBCLASS == 2 && KEV_CTL_REGISTERED == 1 && KEV_CTL_DEREGISTERED == 2);
SA(SYSPROTO_EVENT == 1 && SYSPROTO_CONTROL == 2 && AF_SYS_CONTROL == 2);
/* Values a kext may see as literals: the classic ioctl words of macOS. */
SA(CTLIOCGCOUNT == 0x40044e02);
SA(CTLIOCGINFO == 0xc0644e03);
SA(FIONBIO == 0x8004667e && FIONREAD == 0x4004667f && FIOCLEX == 0x20006601);
SA(SIOCGIFFLAGS == 0xc0206911 && SIOCSIFFLAGS == 0x80206910);
SA(SIOCGIFMTU == 0xc0206933);
SA(SIOCAIFADDR == 0x8040691a);
SA(IOCPARM_LEN(CTLIOCGINFO) == sizeof(struct ctl_info));
SA(IOCGROUP(CTLIOCGINFO) == 'N' && IOCBASECMD(CTLIOCGINFO) == 0xc0004e03);

SA(KEV_ANY_VENDOR == 0 && KEV_ANY_CLASS == 0 && KEV_ANY_SUBCLASS == 0);
SA(KEV_VENDOR_APPLE == 1 && KEV_NETWORK_CLASS == 1 && KEV_SYSTEM_CLASS == 3);
SA(KEV_INET_SUBCLASS == 1 && KEV_DL_SUBCLASS == 2 && KEV_INET6_SUBCLASS == 6);
SA(KEV_DL_SIFFLAGS == 1 && KEV_DL_IF_ATTACHED == 9 && KEV_DL_IF_DETACHING == 10);
SA(KEV_DL_IF_DETACHED == 11 && KEV_DL_LINK_OFF == 12 && KEV_DL_LINK_ON == 13);
SA(KEV_DL_PROTO_ATTACHED == 14 && KEV_DL_PROTO_DETACHED == 15);
SA(KEV_DL_LINK_ADDRESS_CHANGED == 16 && KEV_DL_LOW_POWER_MODE_CHANGED == 30);
SA(KEV_INET_NEW_ADDR == 1 && KEV_INET_ADDR_DELETED == 3);
SA(N_KEV_VECTORS == 5 && KEV_VENDOR_CODE_MAX_STR_LEN == 200);

SA(IFNET_FAMILY_ANY == 0 && IFNET_FAMILY_LOOPBACK == 1);
SA(IFNET_FAMILY_ETHERNET == 2 && IFNET_FAMILY_VLAN == 5 && IFNET_FAMILY_PPP == 6);
SA(IFNET_FAMILY_FIREWIRE == 13 && IFNET_FAMILY_BOND == 14);
SA(IFNET_FAMILY_CELLULAR == 15 && IFNET_FAMILY_UTUN == 17 && IFNET_FAMILY_IPSEC == 18);
SA(APPLE_IF_FAM_ETHERNET == IFNET_FAMILY_ETHERNET);
SA(IFNET_CSUM_IP == 0x1 && IFNET_CSUM_TCP == 0x2 && IFNET_CSUM_UDP == 0x4);
SA(IFNET_CSUM_FRAGMENT == 0x8 && IFNET_IP_FRAGMENT == 0x10);
SA(IFNET_CSUM_TCPIPV6 == 0x20 && IFNET_CSUM_UDPIPV6 == 0x40);
SA(IFNET_IPV6_FRAGMENT == 0x80 && IFNET_VLAN_TAGGING == 0x10000);
SA(IFNET_VLAN_MTU == 0x20000 && IFNET_MULTIPAGES == 0x100000);
SA(IFNET_TSO_IPV4 == 0x200000 && IFNET_TSO_IPV6 == 0x400000);
SA(IFNET_TX_STATUS == 0x800000 && IFNET_HW_TIMESTAMP == 0x1000000);
SA(IFNET_SW_TIMESTAMP == 0x2000000 && IFNET_LRO == 0x10000000);
SA(IFNET_RX_CSUM == 0x20000000 && IFNET_LRO_NUM_SEG == 0x40000000);
SA(IFNET_WAKE_ON_MAGIC_PACKET == 1);
SA(BPF_MODE_DISABLED == 0 && BPF_MODE_INPUT_OUTPUT == 3);
SA(IFF_UP == 0x1 && IFF_BROADCAST == 0x2 && IFF_LOOPBACK == 0x8);
SA(IFF_RUNNING == 0x40 && IFF_PROMISC == 0x100 && IFF_MULTICAST == 0x8000);
SA(IFT_ETHER == 0x6 && IFT_LOOP == 0x18 && IFT_L2VLAN == 0x87 && IFT_CELLULAR == 0xff);
SA(IFNAMSIZ == 16 && IF_NAMESIZE == 16);
SA(DLT_NULL == 0 && DLT_EN10MB == 1 && DLT_RAW == 12 && DLT_PKTAP == 149);

SA(IPPOF_MCAST_OPTS == 0x1 && IPPOF_BOUND_IF == 0x2 && IPPOF_NO_IFT_CELLULAR == 0x4);
SA(IPPOF_SELECT_SRCIF == 0x8 && IPPOF_BOUND_SRCADDR == 0x10);
SA(IPPOF_NO_IFF_EXPENSIVE == 0x20 && IPPOF_NO_IFF_CONSTRAINED == 0x40);
SA(IPPOF_SHIFT_IFSCOPE == 16);

SA(IPPROTO_IP == 0 && IPPROTO_ICMP == 1 && IPPROTO_IGMP == 2 && IPPROTO_TCP == 6);
SA(IPPROTO_UDP == 17 && IPPROTO_IPV6 == 41 && IPPROTO_ROUTING == 43);
SA(IPPROTO_FRAGMENT == 44 && IPPROTO_GRE == 47 && IPPROTO_ESP == 50 && IPPROTO_AH == 51);
SA(IPPROTO_ICMPV6 == 58 && IPPROTO_NONE == 59 && IPPROTO_DSTOPTS == 60);
SA(IPPROTO_SCTP == 132 && IPPROTO_RAW == 255 && IPPROTO_MAX == 256 && IPPROTO_DONE == 257);
SA(INADDR_ANY == 0 && INADDR_BROADCAST == 0xffffffffU && INADDR_LOOPBACK == 0x7f000001);
SA(INET_ADDRSTRLEN == 16 && INET6_ADDRSTRLEN == 46);
SA(IP_OPTIONS == 1 && IP_HDRINCL == 2 && IP_TOS == 3 && IP_TTL == 4);
SA(IP_MULTICAST_IF == 9 && IP_ADD_MEMBERSHIP == 12 && IP_DROP_MEMBERSHIP == 13);
SA(IP_BOUND_IF == 25 && IP_PKTINFO == 26);
SA(IPV6_UNICAST_HOPS == 4 && IPV6_JOIN_GROUP == 12 && IPV6_V6ONLY == 27);
SA(IPV6_BOUND_IF == 125);
SA(IPVERSION == 4 && IP_RF == 0x8000 && IP_DF == 0x4000 && IP_MF == 0x2000);
SA(IP_OFFMASK == 0x1fff && IP_MAXPACKET == 65535);
SA(IPOPT_EOL == 0 && IPOPT_NOP == 1 && IPOPT_RR == 7 && IPOPT_TS == 68);
SA(IPOPT_LSRR == 131 && IPOPT_SSRR == 137 && IPOPT_RA == 148);
SA(IPOPT_OPTVAL == 0 && IPOPT_OLEN == 1 && IPOPT_OFFSET == 2 && IPOPT_MINOFF == 4);
SA(IPTOS_LOWDELAY == 0x10 && IPTOS_ECN_MASK == 0x03);
SA(IPV6_VERSION == 0x60 && IPV6_VERSION_MASK == 0xf0);
SA(IP6F_OFF_MASK == 0xf8ff && IP6F_MORE_FRAG == 0x0100);
SA(TH_FIN == 0x01 && TH_SYN == 0x02 && TH_RST == 0x04 && TH_PUSH == 0x08);
SA(TH_ACK == 0x10 && TH_URG == 0x20 && TH_ECE == 0x40 && TH_CWR == 0x80);
SA(TCPOPT_EOL == 0 && TCPOPT_NOP == 1 && TCPOPT_MAXSEG == 2 && TCPOPT_WINDOW == 3);
SA(TCPOPT_SACK_PERMITTED == 4 && TCPOPT_SACK == 5 && TCPOPT_TIMESTAMP == 8);
SA(TCP_NODELAY == 1 && TCP_MAXSEG == 2 && TCP_KEEPALIVE == 0x10);
SA(TCP_KEEPINTVL == 0x101 && TCP_KEEPCNT == 0x102);
SA(ICMP_ECHOREPLY == 0 && ICMP_UNREACH == 3 && ICMP_ECHO == 8 && ICMP_TIMXCEED == 11);
SA(ICMP6_DST_UNREACH == 1 && ICMP6_PACKET_TOO_BIG == 2 && ICMP6_ECHO_REQUEST == 128);
SA(ICMP6_ECHO_REPLY == 129 && ND_ROUTER_SOLICIT == 133 && ND_ROUTER_ADVERT == 134);
SA(ND_NEIGHBOR_SOLICIT == 135 && ND_NEIGHBOR_ADVERT == 136 && ND_REDIRECT == 137);
SA(ETHER_ADDR_LEN == 6 && ETHER_TYPE_LEN == 2 && ETHER_HDR_LEN == 14);
SA(ETHER_MIN_LEN == 64 && ETHER_MAX_LEN == 1518 && ETHERMTU == 1500);
SA(ETHERTYPE_IP == 0x0800 && ETHERTYPE_ARP == 0x0806 && ETHERTYPE_VLAN == 0x8100);
SA(ETHERTYPE_IPV6 == 0x86dd);
SA(INP_IPV4 == 1 && INP_IPV6 == 2 && INP_V4MAPPEDV6 == 4);
SA(O_RDONLY == 0 && O_WRONLY == 1 && O_RDWR == 2 && O_NONBLOCK == 4);
SA(FREAD == 1 && FWRITE == 2 && FNONBLOCK == O_NONBLOCK);
SA(BYTE_ORDER == LITTLE_ENDIAN && LITTLE_ENDIAN == 1234 && BIG_ENDIAN == 4321);
SA(_QUAD_HIGHWORD == 1 && _QUAD_LOWWORD == 0);
SA(UIO_READ == 0 && UIO_WRITE == 1 && UIO_SYSSPACE == 2 && UIO_USERSPACE64 == 8);

/* The byte-order macros are usable in constant expressions. */
SA(htons(0x1234) == 0x3412);
SA(htonl(0x11223344U) == 0x44332211U);
SA(ntohll(0x0102030405060708ULL) == 0x0807060504030201ULL);
SA(OSSwapHostToBigConstInt32(0xaabbccddU) == 0xddccbbaaU);
SA(sizeof(htons(1)) == 2 && sizeof(htonl(1)) == 4 && sizeof(htonll(1)) == 8);

/* ---- Struct sizes and field order ------------------------------------------ */

#define OFF(t, f) offsetof(struct t, f)

SA(sizeof(struct sockaddr) == 16);
SA(OFF(sockaddr, sa_len) == 0 && OFF(sockaddr, sa_family) == 1 && OFF(sockaddr, sa_data) == 2);
SA(sizeof(struct sockaddr_storage) == 128 && _Alignof(struct sockaddr_storage) == 8);
SA(sizeof(struct sockaddr_in) == 16);
SA(OFF(sockaddr_in, sin_len) == 0 && OFF(sockaddr_in, sin_family) == 1);
SA(OFF(sockaddr_in, sin_port) == 2 && OFF(sockaddr_in, sin_addr) == 4);
SA(OFF(sockaddr_in, sin_zero) == 8);
SA(sizeof(struct in_addr) == 4 && sizeof(struct in6_addr) == 16);
SA(sizeof(struct sockaddr_in6) == 28);
SA(OFF(sockaddr_in6, sin6_len) == 0 && OFF(sockaddr_in6, sin6_family) == 1);
SA(OFF(sockaddr_in6, sin6_port) == 2 && OFF(sockaddr_in6, sin6_flowinfo) == 4);
SA(OFF(sockaddr_in6, sin6_addr) == 8 && OFF(sockaddr_in6, sin6_scope_id) == 24);
SA(sizeof(struct sockaddr_ctl) == 32);
SA(OFF(sockaddr_ctl, sc_len) == 0 && OFF(sockaddr_ctl, sc_family) == 1);
SA(OFF(sockaddr_ctl, ss_sysaddr) == 2 && OFF(sockaddr_ctl, sc_id) == 4);
SA(OFF(sockaddr_ctl, sc_unit) == 8 && OFF(sockaddr_ctl, sc_reserved) == 12);
SA(sizeof(struct sockaddr_sys) == 32);
SA(sizeof(struct sockaddr_dl) == 20 && OFF(sockaddr_dl, sdl_data) == 8);
SA(sizeof(struct ctl_info) == 100 && OFF(ctl_info, ctl_name) == 4);
SA(sizeof(struct so_nke) == 28);
SA(sizeof(struct linger) == 8);
SA(sizeof(struct msghdr) == 48 && OFF(msghdr, msg_iov) == 16 && OFF(msghdr, msg_flags) == 44);
SA(sizeof(struct cmsghdr) == 12);
SA(CMSG_LEN(4) == 16 && CMSG_SPACE(4) == 16 && CMSG_SPACE(5) == 20);

SA(OFF(kern_ctl_reg, ctl_name) == 0 && OFF(kern_ctl_reg, ctl_id) == 96);
SA(OFF(kern_ctl_reg, ctl_unit) == 100 && OFF(kern_ctl_reg, ctl_flags) == 104);
SA(OFF(kern_ctl_reg, ctl_sendsize) == 108 && OFF(kern_ctl_reg, ctl_recvsize) == 112);
SA(OFF(kern_ctl_reg, ctl_connect) == 120 && OFF(kern_ctl_reg, ctl_disconnect) == 128);
SA(OFF(kern_ctl_reg, ctl_send) == 136 && OFF(kern_ctl_reg, ctl_setopt) == 144);
SA(OFF(kern_ctl_reg, ctl_getopt) == 152 && sizeof(struct kern_ctl_reg) == 160);
SA(sizeof(((struct kern_ctl_reg *)0)->ctl_name) == MAX_KCTL_NAME);

SA(OFF(sflt_filter, sf_handle) == 0 && OFF(sflt_filter, sf_flags) == 4);
SA(OFF(sflt_filter, sf_name) == 8 && OFF(sflt_filter, sf_unregistered) == 16);
SA(OFF(sflt_filter, sf_attach) == 24 && OFF(sflt_filter, sf_detach) == 32);
SA(OFF(sflt_filter, sf_notify) == 40 && OFF(sflt_filter, sf_getpeername) == 48);
SA(OFF(sflt_filter, sf_getsockname) == 56 && OFF(sflt_filter, sf_data_in) == 64);
SA(OFF(sflt_filter, sf_data_out) == 72 && OFF(sflt_filter, sf_connect_in) == 80);
SA(OFF(sflt_filter, sf_connect_out) == 88 && OFF(sflt_filter, sf_bind) == 96);
SA(OFF(sflt_filter, sf_setoption) == 104 && OFF(sflt_filter, sf_getoption) == 112);
SA(OFF(sflt_filter, sf_listen) == 120 && OFF(sflt_filter, sf_ioctl) == 128);
SA(OFF(sflt_filter, sf_ext) == 136 && sizeof(struct sflt_filter) == 192);
SA(sizeof(struct sflt_filter_ext) == 56 && OFF(sflt_filter_ext, sf_ext_accept) == 8);
SA(OFF(sflt_filter_ext, sf_ext_rsvd) == 16);

SA(OFF(iff_filter, iff_cookie) == 0 && OFF(iff_filter, iff_name) == 8);
SA(OFF(iff_filter, iff_protocol) == 16 && OFF(iff_filter, iff_input) == 24);
SA(OFF(iff_filter, iff_output) == 32 && OFF(iff_filter, iff_event) == 40);
SA(OFF(iff_filter, iff_ioctl) == 48 && OFF(iff_filter, iff_detached) == 56);
SA(sizeof(struct iff_filter) == 64);

SA(OFF(ipf_filter, cookie) == 0 && OFF(ipf_filter, name) == 8);
SA(OFF(ipf_filter, ipf_input) == 16 && OFF(ipf_filter, ipf_output) == 24);
SA(OFF(ipf_filter, ipf_detach) == 32 && sizeof(struct ipf_filter) == 40);
SA(OFF(ipf_pktopts, ippo_flags) == 0 && OFF(ipf_pktopts, ippo_mcast_ifnet) == 8);
SA(OFF(ipf_pktopts, ippo_mcast_loop) == 16 && OFF(ipf_pktopts, ippo_mcast_ttl) == 20);
SA(sizeof(struct ipf_pktopts) == 24);

SA(sizeof(struct kev_d_vectors) == 16 && OFF(kev_d_vectors, data_ptr) == 8);
SA(OFF(kev_msg, vendor_code) == 0 && OFF(kev_msg, kev_class) == 4);
SA(OFF(kev_msg, kev_subclass) == 8 && OFF(kev_msg, event_code) == 12);
SA(OFF(kev_msg, dv) == 16 && sizeof(struct kev_msg) == 96);
SA(KEV_MSG_HEADER_SIZE == 24 && sizeof(struct kern_event_msg) == 28);
SA(sizeof(struct kev_vendor_code) == 204);
SA(sizeof(struct net_event_data) == 24 && sizeof(struct kev_dl_proto_data) == 32);

SA(sizeof(struct ifnet_stat_increment_param) == 32);
SA(OFF(ifnet_stat_increment_param, bytes_in) == 4);
SA(OFF(ifnet_stat_increment_param, bytes_out) == 16);
SA(OFF(ifnet_stat_increment_param, dropped) == 28);
SA(sizeof(struct ifnet_stats_param) == 88 && OFF(ifnet_stats_param, bytes_out) == 40);
SA(OFF(ifnet_stats_param, dropped) == 72);
SA(OFF(ifnet_init_params, name) == 16 && OFF(ifnet_init_params, output) == 40);
SA(OFF(ifnet_init_params, broadcast_len) == 136);
SA(sizeof(struct ifreq) == 32 && sizeof(struct ifaliasreq) == 64);
SA(sizeof(struct ifqueue) == 32 && OFF(ifqueue, ifq_drops) == 24);
SA(sizeof(struct if_data) == 96);

SA(sizeof(struct ip) == 20 && _Alignof(struct ip) == 4);
SA(OFF(ip, ip_tos) == 1 && OFF(ip, ip_len) == 2 && OFF(ip, ip_id) == 4);
SA(OFF(ip, ip_off) == 6 && OFF(ip, ip_ttl) == 8 && OFF(ip, ip_p) == 9);
SA(OFF(ip, ip_sum) == 10 && OFF(ip, ip_src) == 12 && OFF(ip, ip_dst) == 16);
SA(sizeof(struct ip6_hdr) == 40 && _Alignof(struct ip6_hdr) == 1);
SA(OFF(ip6_hdr, ip6_src) == 8 && OFF(ip6_hdr, ip6_dst) == 24);
SA(OFF(ip6_hdr, ip6_plen) == 4 && OFF(ip6_hdr, ip6_nxt) == 6 && OFF(ip6_hdr, ip6_hlim) == 7);
SA(sizeof(struct ip6_frag) == 8 && OFF(ip6_frag, ip6f_offlg) == 2);
SA(sizeof(struct ip6_ext) == 2 && sizeof(struct ip6_rthdr) == 4);
SA(sizeof(struct tcphdr) == 20);
SA(OFF(tcphdr, th_sport) == 0 && OFF(tcphdr, th_dport) == 2 && OFF(tcphdr, th_seq) == 4);
SA(OFF(tcphdr, th_ack) == 8 && OFF(tcphdr, th_flags) == 13 && OFF(tcphdr, th_win) == 14);
SA(OFF(tcphdr, th_sum) == 16 && OFF(tcphdr, th_urp) == 18);
SA(sizeof(struct udphdr) == 8 && OFF(udphdr, uh_ulen) == 4 && OFF(udphdr, uh_sum) == 6);
SA(sizeof(struct ether_header) == 14 && OFF(ether_header, ether_type) == 12);
SA(sizeof(struct ether_addr) == 6);
SA(sizeof(struct icmp6_hdr) == 8 && sizeof(struct nd_router_advert) == 16);
SA(sizeof(struct nd_neighbor_solicit) == 24 && sizeof(struct nd_opt_prefix_info) == 32);
SA(sizeof(struct icmp) == 28 && OFF(icmp, icmp_dun) == 8);
SA(sizeof(struct ipovly) == 20);
SA(sizeof(struct ip_mreq) == 8 && sizeof(struct ipv6_mreq) == 20);
SA(sizeof(struct bpf_insn) == 8);
SA(sizeof(struct xsocket) == 100 && sizeof(struct xsockbuf) == 24);
SA(sizeof(fd_set) == 128);

/* ---- Exact callback and function types --------------------------------- */

SA(SAME_TYPE(sflt_handle, u_int32_t) && SAME_TYPE(sflt_event_t, u_int32_t));
SA(SAME_TYPE(sflt_data_flag_t, u_int32_t) && SAME_TYPE(sockopt_dir, u_int8_t));
SA(SAME_TYPE(protocol_family_t, u_int32_t) && SAME_TYPE(ifnet_family_t, u_int32_t));
SA(SAME_TYPE(ifnet_offload_t, u_int32_t) && SAME_TYPE(kern_ctl_ref, void *));
SA(SAME_TYPE(sf_attach_func, errno_t (*)(void **, socket_t)));
SA(SAME_TYPE(sf_detach_func, void (*)(void *, socket_t)));
SA(SAME_TYPE(sf_notify_func, void (*)(void *, socket_t, sflt_event_t, void *)));
SA(SAME_TYPE(sf_getpeername_func, int (*)(void *, socket_t, struct sockaddr **)));
SA(SAME_TYPE(sf_data_in_func, errno_t (*)(void *, socket_t, const struct sockaddr *, mbuf_t *,
                                          mbuf_t *, sflt_data_flag_t)));
SA(SAME_TYPE(sf_data_out_func, errno_t (*)(void *, socket_t, const struct sockaddr *, mbuf_t *,
                                           mbuf_t *, sflt_data_flag_t)));
SA(SAME_TYPE(sf_connect_out_func, errno_t (*)(void *, socket_t, const struct sockaddr *)));
SA(SAME_TYPE(sf_setoption_func, errno_t (*)(void *, socket_t, sockopt_t)));
SA(SAME_TYPE(sf_ioctl_func, errno_t (*)(void *, socket_t, unsigned long, const char *)));
SA(SAME_TYPE(sf_accept_func, errno_t (*)(void *, socket_t, socket_t, const struct sockaddr *,
                                         const struct sockaddr *)));
SA(SAME_TYPE(iff_input_func, errno_t (*)(void *, ifnet_t, protocol_family_t, mbuf_t *, char **)));
SA(SAME_TYPE(iff_output_func, errno_t (*)(void *, ifnet_t, protocol_family_t, mbuf_t *)));
SA(SAME_TYPE(iff_event_func, void (*)(void *, ifnet_t, protocol_family_t, const struct kev_msg *)));
SA(SAME_TYPE(iff_ioctl_func,
             errno_t (*)(void *, ifnet_t, protocol_family_t, unsigned long, void *)));
SA(SAME_TYPE(iff_detached_func, void (*)(void *, ifnet_t)));
SA(SAME_TYPE(ipf_input_func, errno_t (*)(void *, mbuf_t *, int, u_int8_t)));
SA(SAME_TYPE(ipf_output_func, errno_t (*)(void *, mbuf_t *, ipf_pktopts_t)));
SA(SAME_TYPE(ipf_detach_func, void (*)(void *)));
SA(SAME_TYPE(ctl_connect_func, errno_t (*)(kern_ctl_ref, struct sockaddr_ctl *, void **)));
SA(SAME_TYPE(ctl_send_func, errno_t (*)(kern_ctl_ref, u_int32_t, void *, mbuf_t, int)));
SA(SAME_TYPE(ctl_getopt_func, errno_t (*)(kern_ctl_ref, u_int32_t, void *, int, void *, size_t *)));
SA(SAME_TYPE(sock_upcall, void (*)(socket_t, void *, int)));

SA(SAME_TYPE(FTYPE(sflt_register), errno_t (*)(const struct sflt_filter *, int, int, int)));
SA(SAME_TYPE(FTYPE(sflt_unregister), errno_t (*)(sflt_handle)));
SA(SAME_TYPE(FTYPE(sock_inject_data_in),
             errno_t (*)(socket_t, const struct sockaddr *, mbuf_t, mbuf_t, sflt_data_flag_t)));
SA(SAME_TYPE(FTYPE(sockopt_copyin), errno_t (*)(sockopt_t, void *, size_t)));
SA(SAME_TYPE(FTYPE(sock_getpeername), errno_t (*)(socket_t, struct sockaddr *, int)));
SA(SAME_TYPE(FTYPE(sock_gettype), errno_t (*)(socket_t, int *, int *, int *)));
SA(SAME_TYPE(FTYPE(iflt_attach),
             errno_t (*)(ifnet_t, const struct iff_filter *, interface_filter_t *)));
SA(SAME_TYPE(FTYPE(iflt_detach), void (*)(interface_filter_t)));
SA(SAME_TYPE(FTYPE(ipf_addv4), errno_t (*)(const struct ipf_filter *, ipfilter_t *)));
SA(SAME_TYPE(FTYPE(ipf_inject_output), errno_t (*)(mbuf_t, ipfilter_t, ipf_pktopts_t)));
SA(SAME_TYPE(FTYPE(ctl_register), errno_t (*)(struct kern_ctl_reg *, kern_ctl_ref *)));
SA(SAME_TYPE(FTYPE(ctl_enqueuedata),
             errno_t (*)(kern_ctl_ref, u_int32_t, void *, size_t, u_int32_t)));
SA(SAME_TYPE(FTYPE(ctl_enqueuembuf), errno_t (*)(kern_ctl_ref, u_int32_t, mbuf_t, u_int32_t)));
SA(SAME_TYPE(FTYPE(kev_msg_post), errno_t (*)(struct kev_msg *)));
SA(SAME_TYPE(FTYPE(ifnet_input),
             errno_t (*)(ifnet_t, mbuf_t, const struct ifnet_stat_increment_param *)));
SA(SAME_TYPE(FTYPE(ifnet_output_raw), errno_t (*)(ifnet_t, protocol_family_t, mbuf_t)));
SA(SAME_TYPE(FTYPE(ifnet_find_by_name), errno_t (*)(const char *, ifnet_t *)));
SA(SAME_TYPE(FTYPE(ifnet_list_get), errno_t (*)(ifnet_family_t, ifnet_t **, u_int32_t *)));
SA(SAME_TYPE(FTYPE(ifnet_hdrlen), u_int8_t (*)(ifnet_t)));
SA(SAME_TYPE(FTYPE(ifnet_baudrate), u_int64_t (*)(ifnet_t)));
SA(SAME_TYPE(FTYPE(ifnet_stat), errno_t (*)(ifnet_t, struct ifnet_stats_param *)));
SA(SAME_TYPE(FTYPE(proto_inject), errno_t (*)(protocol_family_t, mbuf_t)));
SA(SAME_TYPE(FTYPE(net_init_add), errno_t (*)(net_init_func_ptr)));
SA(SAME_TYPE(FTYPE(inet_ntop), const char *(*)(int, const void *, char *, socklen_t)));

/* ---- Run-time checks ------------------------------------------------------ */

static void
test_byte_order_macros(void)
{
	volatile u_int16_t s = 0xabcd;
	volatile u_int32_t l = 0x01020304U;
	volatile u_int64_t q = 0x1122334455667788ULL;
	u_int32_t inplace = 0xa0b0c0d0U;
	unsigned char buf[16];
	unsigned char net[4];

	/* Non-constant arguments take the inline path. */
	KT_ASSERT_EQ(ntohs(s), 0xcdab);
	KT_ASSERT_EQ(htons(s), 0xcdab);
	KT_ASSERT_EQ(ntohl(l), 0x04030201U);
	KT_ASSERT_EQ(htonl(l), 0x04030201U);
	KT_ASSERT(htonll(q) == 0x8877665544332211ULL);
	KT_ASSERT(OSSwapInt64(q) == 0x8877665544332211ULL);
	KT_ASSERT_EQ(OSSwapInt16(s), 0xcdab);
	KT_ASSERT_EQ(OSSwapHostToBigInt32(l), 0x04030201U);
	KT_ASSERT_EQ(OSSwapBigToHostInt16(s), 0xcdab);
	KT_ASSERT_EQ(OSSwapHostToLittleInt32(l), 0x01020304U);
	KT_ASSERT_EQ(OSHostByteOrder(), OSLittleEndian);

	/* The wire order really is big-endian in memory. */
	l = htonl(0xc0a80001U);
	memcpy(net, (const void *)&l, sizeof(net));
	KT_ASSERT_EQ(net[0], 192);
	KT_ASSERT_EQ(net[3], 1);

	NTOHL(inplace);
	KT_ASSERT_EQ(inplace, 0xd0c0b0a0U);
	HTONL(inplace);
	KT_ASSERT_EQ(inplace, 0xa0b0c0d0U);

	/* Misaligned reads and writes (offset 1). */
	memset(buf, 0, sizeof(buf));
	buf[1] = 0x12;
	buf[2] = 0x34;
	buf[3] = 0x56;
	buf[4] = 0x78;
	KT_ASSERT_EQ(OSReadBigInt16(buf, 1), 0x1234);
	KT_ASSERT_EQ(OSReadBigInt32(buf, 1), 0x12345678U);
	KT_ASSERT_EQ(OSReadLittleInt32(buf, 1), 0x78563412U);
	OSWriteBigInt16(buf, 7, 0xbeef);
	KT_ASSERT_EQ(buf[7], 0xbe);
	KT_ASSERT_EQ(buf[8], 0xef);
	OSWriteLittleInt64(buf, 5, 0x0102030405060708ULL);
	KT_ASSERT_EQ(buf[5], 0x08);
	KT_ASSERT_EQ(buf[12], 0x01);
	KT_ASSERT(OSReadBigInt64(buf, 5) == 0x0807060504030201ULL);
}

/* A switch on a network-order constant, as packet filters write it. */
static int
classify_ethertype(u_int16_t wire_type)
{
	switch (wire_type) {
	case htons(ETHERTYPE_IP):
		return 4;
	case htons(ETHERTYPE_IPV6):
		return 6;
	default:
		return 0;
	}
}

static void
test_byte_order_in_case_labels(void)
{
	struct ether_header eh;
	const unsigned char frame[14] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x86, 0xdd};

	memcpy(&eh, frame, sizeof(eh));
	KT_ASSERT_EQ(classify_ethertype(eh.ether_type), 6);
	KT_ASSERT_EQ(ntohs(eh.ether_type), ETHERTYPE_IPV6);
	KT_ASSERT_EQ(classify_ethertype(htons(0x0800)), 4);
	KT_ASSERT_EQ(classify_ethertype(htons(0x0806)), 0);
}

static struct in6_addr
in6(const unsigned char bytes[16])
{
	struct in6_addr a;

	memcpy(&a, bytes, sizeof(a));
	return a;
}

static void
test_in6_addr_classes(void)
{
	static const unsigned char ll[16] = {0xfe, 0x80, [15] = 1};
	static const unsigned char ll_edge[16] = {0xfe, 0xbf, [15] = 1};
	static const unsigned char site[16] = {0xfe, 0xc0, [15] = 1};
	static const unsigned char lo[16] = {[15] = 1};
	static const unsigned char any[16] = {0};
	static const unsigned char mcast[16] = {0xff, 0x02, [15] = 1};
	static const unsigned char mapped[16] = {[10] = 0xff, [11] = 0xff, 192, 168, 0, 1};
	static const unsigned char compat[16] = {[12] = 10, 0, 0, 1};
	static const unsigned char global[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	static const unsigned char six2four[16] = {0x20, 0x02, 0xc0, 0xa8, [15] = 1};
	static const unsigned char ula[16] = {0xfd, 0x12, [15] = 1};
	struct in6_addr a;

	a = in6(ll);
	KT_ASSERT(IN6_IS_ADDR_LINKLOCAL(&a));
	KT_ASSERT(!IN6_IS_ADDR_SITELOCAL(&a));
	KT_ASSERT(!IN6_IS_ADDR_MULTICAST(&a));
	KT_ASSERT(IN6_IS_SCOPE_LINKLOCAL(&a));
	a = in6(ll_edge);
	KT_ASSERT(IN6_IS_ADDR_LINKLOCAL(&a));
	a = in6(site);
	KT_ASSERT(IN6_IS_ADDR_SITELOCAL(&a));
	KT_ASSERT(!IN6_IS_ADDR_LINKLOCAL(&a));
	a = in6(lo);
	KT_ASSERT(IN6_IS_ADDR_LOOPBACK(&a));
	KT_ASSERT(!IN6_IS_ADDR_UNSPECIFIED(&a));
	KT_ASSERT(!IN6_IS_ADDR_V4COMPAT(&a));
	a = in6(any);
	KT_ASSERT(IN6_IS_ADDR_UNSPECIFIED(&a));
	KT_ASSERT(!IN6_IS_ADDR_LOOPBACK(&a));
	a = in6(mcast);
	KT_ASSERT(IN6_IS_ADDR_MULTICAST(&a));
	KT_ASSERT(IN6_IS_ADDR_MC_LINKLOCAL(&a));
	KT_ASSERT(!IN6_IS_ADDR_MC_GLOBAL(&a));
	KT_ASSERT(!IN6_IS_ADDR_LINKLOCAL(&a));
	a = in6(mapped);
	KT_ASSERT(IN6_IS_ADDR_V4MAPPED(&a));
	KT_ASSERT(!IN6_IS_ADDR_V4COMPAT(&a));
	KT_ASSERT_EQ(a.s6_addr[12], 192);
	KT_ASSERT_EQ(a.s6_addr32[3], htonl(0xc0a80001U));
	a = in6(compat);
	KT_ASSERT(IN6_IS_ADDR_V4COMPAT(&a));
	KT_ASSERT(!IN6_IS_ADDR_V4MAPPED(&a));
	a = in6(global);
	KT_ASSERT(!IN6_IS_ADDR_LINKLOCAL(&a) && !IN6_IS_ADDR_SITELOCAL(&a));
	KT_ASSERT(!IN6_IS_ADDR_MULTICAST(&a) && !IN6_IS_ADDR_LOOPBACK(&a));
	KT_ASSERT(!IN6_IS_ADDR_UNSPECIFIED(&a) && !IN6_IS_ADDR_V4MAPPED(&a));
	KT_ASSERT_EQ(ntohs(a.s6_addr16[0]), 0x2001);
	KT_ASSERT(!IN6_IS_ADDR_6TO4(&a) && !IN6_IS_ADDR_UNIQUE_LOCAL(&a));
	a = in6(six2four);
	KT_ASSERT(IN6_IS_ADDR_6TO4(&a));
	a = in6(ula);
	KT_ASSERT(IN6_IS_ADDR_UNIQUE_LOCAL(&a));
	KT_ASSERT(IN6_ARE_ADDR_EQUAL(&a, &a));
}

/*
 * The tests must also work on an address inside a packed header at an odd
 * address, as kexts pass &ip6->ip6_src (clang warns about that idiom, as it
 * does on macOS).
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Waddress-of-packed-member"
static void
test_in6_addr_misaligned(void)
{
	union {
		u_int32_t align;
		unsigned char b[1 + sizeof(struct ip6_hdr)];
	} u;
	unsigned char *pkt = u.b; /* pkt + 1 is 1 modulo 4 */
	const struct ip6_hdr *ip6 = (const struct ip6_hdr *)(const void *)&pkt[1];

	memset(&u, 0, sizeof(u));
	pkt[1 + offsetof(struct ip6_hdr, ip6_src) + 15] = 1;    /* ::1 */
	pkt[1 + offsetof(struct ip6_hdr, ip6_dst) + 10] = 0xff; /* ::ffff:0.0.0.0 */
	pkt[1 + offsetof(struct ip6_hdr, ip6_dst) + 11] = 0xff;
	KT_ASSERT(IN6_IS_ADDR_LOOPBACK(&ip6->ip6_src));
	KT_ASSERT(IN6_IS_ADDR_V4MAPPED(&ip6->ip6_dst));
	KT_ASSERT(!IN6_IS_ADDR_UNSPECIFIED(&ip6->ip6_dst));
	KT_ASSERT(!IN6_IS_ADDR_LINKLOCAL(&ip6->ip6_dst));
	pkt[1 + offsetof(struct ip6_hdr, ip6_dst)] = 0xfe;
	pkt[1 + offsetof(struct ip6_hdr, ip6_dst) + 1] = 0x80;
	KT_ASSERT(IN6_IS_ADDR_LINKLOCAL(&ip6->ip6_dst));
	KT_ASSERT(!IN6_ARE_ADDR_EQUAL(&ip6->ip6_src, &ip6->ip6_dst));
}
#pragma GCC diagnostic pop

static void
test_in_addr_classes(void)
{
	KT_ASSERT(IN_CLASSD(0xe0000001U));
	KT_ASSERT(IN_MULTICAST(0xeffffffaU));
	KT_ASSERT(!IN_CLASSD(0xc0a80001U));
	KT_ASSERT(IN_LINKLOCAL(0xa9fe0102U));
	KT_ASSERT(!IN_LINKLOCAL(0xa9ff0102U));
	KT_ASSERT(IN_LOOPBACK(0x7f000001U) && IN_LOOPBACK(0x7fabcdefU));
	KT_ASSERT(!IN_LOOPBACK(0x80000001U));
	KT_ASSERT(IN_PRIVATE(0x0a010203U));  /* 10.1.2.3 */
	KT_ASSERT(IN_PRIVATE(0xac100001U));  /* 172.16.0.1 */
	KT_ASSERT(IN_PRIVATE(0xac1fffffU));  /* 172.31.255.255 */
	KT_ASSERT(!IN_PRIVATE(0xac200001U)); /* 172.32.0.1 */
	KT_ASSERT(IN_PRIVATE(0xc0a80a01U));  /* 192.168.10.1 */
	KT_ASSERT(!IN_PRIVATE(0xc0a90001U)); /* 192.169.0.1 */
	KT_ASSERT(IN_CLASSA(0x0a000001U) && IN_CLASSB(0x80000001U) && IN_CLASSC(0xc0000001U));
	KT_ASSERT(IN_ZERONET(0x00010203U) && IN_LOCAL_GROUP(0xe00000fbU));
	KT_ASSERT(IN_EXPERIMENTAL(0xf0000001U) && IN_BADCLASS(0xffffffffU));
}

/* Header bitfields decode real wire bytes. */
static void
test_header_bitfields(void)
{
	static const unsigned char ip4[20] = {0x46, 0x10, 0x00, 0x3c, 0x1c, 0x46, 0x40,
	                                      0x00, 0x40, 0x06, 0xb1, 0xe6, 10,   0,
	                                      0,    1,    10,   0,    0,    2};
	static const unsigned char tcp[20] = {0x30, 0x39, 0x00, 0x50, 0,    0,    0,    1,    0, 0,
	                                      0,    2,    0x80, 0x12, 0xff, 0xff, 0x12, 0x34, 0, 0};
	struct ip iph;
	struct tcphdr th;
	struct ip6_hdr ip6;

	memcpy(&iph, ip4, sizeof(iph));
	KT_ASSERT_EQ(iph.ip_v, 4);
	KT_ASSERT_EQ(iph.ip_hl, 6);
	KT_ASSERT_EQ(iph.ip_tos, IPTOS_LOWDELAY);
	KT_ASSERT_EQ(ntohs(iph.ip_len), 60);
	KT_ASSERT(ntohs(iph.ip_off) & IP_DF);
	KT_ASSERT_EQ(ntohs(iph.ip_off) & IP_OFFMASK, 0);
	KT_ASSERT_EQ(iph.ip_p, IPPROTO_TCP);
	KT_ASSERT_EQ(ntohl(iph.ip_src.s_addr), 0x0a000001U);
	KT_ASSERT_EQ(ntohl(iph.ip_dst.s_addr), 0x0a000002U);

	memcpy(&th, tcp, sizeof(th));
	KT_ASSERT_EQ(ntohs(th.th_sport), 12345);
	KT_ASSERT_EQ(ntohs(th.th_dport), 80);
	KT_ASSERT_EQ(ntohl(th.th_seq), 1);
	KT_ASSERT_EQ(ntohl(th.th_ack), 2);
	KT_ASSERT_EQ(th.th_off, 8);
	KT_ASSERT_EQ(th.th_x2, 0);
	KT_ASSERT_EQ(th.th_flags, TH_SYN | TH_ACK);
	KT_ASSERT_EQ(ntohs(th.th_sum), 0x1234);

	/* Writing the bitfields yields the wire byte. */
	memset(&iph, 0, sizeof(iph));
	iph.ip_v = IPVERSION;
	iph.ip_hl = 5;
	KT_ASSERT_EQ(((const unsigned char *)&iph)[0], 0x45);
	memset(&th, 0, sizeof(th));
	th.th_off = 5;
	KT_ASSERT_EQ(((const unsigned char *)&th)[12], 0x50);

	memset(&ip6, 0, sizeof(ip6));
	ip6.ip6_vfc = IPV6_VERSION;
	ip6.ip6_nxt = IPPROTO_ICMPV6;
	ip6.ip6_plen = htons(8);
	KT_ASSERT_EQ(((const unsigned char *)&ip6)[0], 0x60);
	KT_ASSERT_EQ(((const unsigned char *)&ip6)[5], 8);
	KT_ASSERT_EQ(((const unsigned char *)&ip6)[6], 58);
}

/* ---- Registration records, initialised the way kexts do it -------------- */

static errno_t
t_sf_attach(void **cookie, socket_t so)
{
	*cookie = so;
	return 0;
}

static void
t_sf_detach(void *cookie, socket_t so)
{
}

static errno_t
t_sf_data(void *cookie, socket_t so, const struct sockaddr *addr, mbuf_t *data, mbuf_t *control,
          sflt_data_flag_t flags)
{
	return 0;
}

static errno_t
t_sf_connect(void *cookie, socket_t so, const struct sockaddr *addr)
{
	return 0;
}

static errno_t
t_sf_accept(void *cookie, socket_t so_listen, socket_t so, const struct sockaddr *local,
            const struct sockaddr *remote)
{
	return 0;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
/* Positional, stopping before sf_ext, as tcplognke and AppWall do. */
static struct sflt_filter t_sflt = {
    0x7c9a0001,               /* sf_handle */
    SFLT_GLOBAL,              /* sf_flags */
    (char *)"com.example.sf", /* sf_name */
    NULL,                     /* sf_unregistered */
    t_sf_attach,              /* sf_attach */
    t_sf_detach,              /* sf_detach */
    NULL,                     /* sf_notify */
    NULL,                     /* sf_getpeername */
    NULL,                     /* sf_getsockname */
    t_sf_data,                /* sf_data_in */
    t_sf_data,                /* sf_data_out */
    t_sf_connect,             /* sf_connect_in */
    t_sf_connect,             /* sf_connect_out */
    NULL,                     /* sf_bind */
    NULL,                     /* sf_setoption */
    NULL,                     /* sf_getoption */
    NULL,                     /* sf_listen */
    NULL,                     /* sf_ioctl */
};
#pragma GCC diagnostic pop

static void
test_sflt_filter_positional(void)
{
	struct sflt_filter ext = t_sflt;
	unsigned i;

	KT_ASSERT_EQ(t_sflt.sf_handle, 0x7c9a0001);
	KT_ASSERT_EQ(t_sflt.sf_flags, SFLT_GLOBAL);
	KT_ASSERT_STR_EQ(t_sflt.sf_name, "com.example.sf");
	KT_ASSERT(t_sflt.sf_attach == t_sf_attach);
	KT_ASSERT(t_sflt.sf_detach == t_sf_detach);
	KT_ASSERT(t_sflt.sf_notify == NULL);
	KT_ASSERT(t_sflt.sf_data_in == t_sf_data && t_sflt.sf_data_out == t_sf_data);
	KT_ASSERT(t_sflt.sf_connect_in == t_sf_connect);
	KT_ASSERT(t_sflt.sf_connect_out == t_sf_connect);
	KT_ASSERT(t_sflt.sf_bind == NULL && t_sflt.sf_ioctl == NULL);
	/* The extension block is zero when the initialiser stops before it. */
	KT_ASSERT_EQ(t_sflt.sf_len, 0);
	KT_ASSERT(t_sflt.sf_accept == NULL);
	for (i = 0; i < 5; i++)
		KT_ASSERT_NULL(t_sflt.sf_ext.sf_ext_rsvd[i]);

	/* sf_len / sf_accept name the members of sf_ext. */
	ext.sf_flags |= SFLT_EXTENDED;
	ext.sf_len = sizeof(struct sflt_filter_ext);
	ext.sf_accept = t_sf_accept;
	KT_ASSERT_EQ(ext.sf_ext.sf_ext_len, 56);
	KT_ASSERT(ext.sf_ext.sf_ext_accept == t_sf_accept);
}

static errno_t
t_ctl_connect(kern_ctl_ref ref, struct sockaddr_ctl *sac, void **unitinfo)
{
	return 0;
}

static errno_t
t_ctl_disconnect(kern_ctl_ref ref, u_int32_t unit, void *unitinfo)
{
	return 0;
}

static errno_t
t_ctl_send(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, mbuf_t m, int flags)
{
	return 0;
}

static errno_t
t_ctl_setopt(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, int opt, void *data, size_t len)
{
	return 0;
}

static errno_t
t_ctl_getopt(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, int opt, void *data, size_t *len)
{
	return 0;
}

static void
test_kern_ctl_reg_positional(void)
{
	struct kern_ctl_reg reg = {"com.example.ctl",
	                           0,
	                           0,
	                           CTL_FLAG_PRIVILEGED | CTL_FLAG_REG_SOCK_STREAM,
	                           0,
	                           0,
	                           t_ctl_connect,
	                           t_ctl_disconnect,
	                           t_ctl_send,
	                           t_ctl_setopt,
	                           t_ctl_getopt};
	struct sockaddr_ctl sac;

	KT_ASSERT_STR_EQ(reg.ctl_name, "com.example.ctl");
	KT_ASSERT_EQ(reg.ctl_name[95], 0);
	KT_ASSERT_EQ(reg.ctl_flags, 0x5);
	KT_ASSERT(reg.ctl_connect == t_ctl_connect);
	KT_ASSERT(reg.ctl_disconnect == t_ctl_disconnect);
	KT_ASSERT(reg.ctl_send == t_ctl_send);
	KT_ASSERT(reg.ctl_setopt == t_ctl_setopt);
	KT_ASSERT(reg.ctl_getopt == t_ctl_getopt);

	memset(&sac, 0, sizeof(sac));
	sac.sc_len = sizeof(sac);
	sac.sc_family = AF_SYSTEM;
	sac.ss_sysaddr = AF_SYS_CONTROL;
	sac.sc_unit = 7;
	KT_ASSERT_EQ(((const struct sockaddr *)(const void *)&sac)->sa_len, 32);
	KT_ASSERT_EQ(((const struct sockaddr *)(const void *)&sac)->sa_family, 32);
}

static errno_t
t_iff_input(void *cookie, ifnet_t ifp, protocol_family_t proto, mbuf_t *data, char **frame_ptr)
{
	return 0;
}

static void
t_iff_detached(void *cookie, ifnet_t ifp)
{
}

static errno_t
t_ipf_input(void *cookie, mbuf_t *data, int offset, u_int8_t protocol)
{
	return 0;
}

static errno_t
t_ipf_output(void *cookie, mbuf_t *data, ipf_pktopts_t options)
{
	return 0;
}

static void
t_ipf_detach(void *cookie)
{
}

static void
test_filter_records_positional(void)
{
	int cookie = 0;
	struct iff_filter iff = {&cookie, "com.example.iff", PF_INET, t_iff_input, NULL, NULL,
	                         NULL,    t_iff_detached};
	struct ipf_filter ipf = {&cookie, "com.example.ipf", t_ipf_input, t_ipf_output,
	                         t_ipf_detach};

	KT_ASSERT_PTR_EQ(iff.iff_cookie, &cookie);
	KT_ASSERT_STR_EQ(iff.iff_name, "com.example.iff");
	KT_ASSERT_EQ(iff.iff_protocol, 2);
	KT_ASSERT(iff.iff_input == t_iff_input && iff.iff_output == NULL);
	KT_ASSERT(iff.iff_detached == t_iff_detached);

	KT_ASSERT_PTR_EQ(ipf.cookie, &cookie);
	KT_ASSERT_STR_EQ(ipf.name, "com.example.ipf");
	KT_ASSERT(ipf.ipf_input == t_ipf_input && ipf.ipf_output == t_ipf_output);
	KT_ASSERT(ipf.ipf_detach == t_ipf_detach);
}

static void
test_cmsg_walk(void)
{
	union {
		struct cmsghdr align;
		unsigned char raw[64];
	} ctl;
	struct msghdr msg;
	struct cmsghdr *cm;
	int n = 0;

	memset(&ctl, 0, sizeof(ctl));
	memset(&msg, 0, sizeof(msg));
	msg.msg_control = ctl.raw;
	msg.msg_controllen = CMSG_SPACE(4) + CMSG_SPACE(5);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_len = CMSG_LEN(4);
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_RECVTTL;
	KT_ASSERT_PTR_EQ(CMSG_DATA(cm), ctl.raw + 12);
	cm = CMSG_NXTHDR(&msg, cm);
	KT_ASSERT_PTR_EQ(cm, (void *)(ctl.raw + 16));
	cm->cmsg_len = CMSG_LEN(5);
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm))
		n++;
	KT_ASSERT_EQ(n, 2);
}

/* ---- sys/queue.h ---------------------------------------------------------- */

struct qe {
	int v;
	TAILQ_ENTRY(qe) tq;
	LIST_ENTRY(qe) ls;
	SLIST_ENTRY(qe) sl;
	STAILQ_ENTRY(qe) stq;
	CIRCLEQ_ENTRY(qe) cq;
};
TAILQ_HEAD(qe_tailq, qe);
LIST_HEAD(qe_list, qe);
SLIST_HEAD(qe_slist, qe);
STAILQ_HEAD(qe_stailq, qe);
CIRCLEQ_HEAD(qe_circleq, qe);

static void
test_tailq(void)
{
	struct qe e[4] = {{.v = 0}, {.v = 1}, {.v = 2}, {.v = 3}};
	struct qe_tailq h = TAILQ_HEAD_INITIALIZER(h);
	struct qe *p, *tmp;
	int sum = 0, order = 0;

	KT_ASSERT(TAILQ_EMPTY(&h));
	TAILQ_INSERT_TAIL(&h, &e[1], tq);
	TAILQ_INSERT_TAIL(&h, &e[3], tq);
	TAILQ_INSERT_HEAD(&h, &e[0], tq);
	TAILQ_INSERT_BEFORE(&e[3], &e[2], tq);
	TAILQ_FOREACH(p, &h, tq)
	order = order * 10 + p->v;
	KT_ASSERT_EQ(order, 123); /* 0,1,2,3 */
	KT_ASSERT_PTR_EQ(TAILQ_FIRST(&h), &e[0]);
	KT_ASSERT_PTR_EQ(TAILQ_LAST(&h, qe_tailq), &e[3]);
	KT_ASSERT_PTR_EQ(TAILQ_PREV(&e[2], qe_tailq, tq), &e[1]);
	KT_ASSERT_PTR_EQ(TAILQ_NEXT(&e[3], tq), NULL);
	order = 0;
	TAILQ_FOREACH_REVERSE(p, &h, qe_tailq, tq)
	order = order * 10 + p->v;
	KT_ASSERT_EQ(order, 3210);
	/* Remove while iterating. */
	TAILQ_FOREACH_SAFE(p, &h, tq, tmp)
	{
		if (p->v % 2 == 0)
			TAILQ_REMOVE(&h, p, tq);
	}
	TAILQ_FOREACH(p, &h, tq)
	sum += p->v;
	KT_ASSERT_EQ(sum, 4);
	KT_ASSERT_PTR_EQ(TAILQ_LAST(&h, qe_tailq), &e[3]);
	TAILQ_REMOVE(&h, &e[3], tq);
	TAILQ_REMOVE(&h, &e[1], tq);
	KT_ASSERT(TAILQ_EMPTY(&h));
	KT_ASSERT_PTR_EQ(h.tqh_last, &h.tqh_first);
}

static void
test_other_queues(void)
{
	struct qe e[3] = {{.v = 1}, {.v = 2}, {.v = 3}};
	struct qe_list lh;
	struct qe_slist sh;
	struct qe_stailq sth;
	struct qe_circleq ch;
	struct qe *p, *tmp;
	int order;

	LIST_INIT(&lh);
	LIST_INSERT_HEAD(&lh, &e[2], ls);
	LIST_INSERT_HEAD(&lh, &e[0], ls);
	LIST_INSERT_AFTER(&e[0], &e[1], ls);
	order = 0;
	LIST_FOREACH(p, &lh, ls)
	order = order * 10 + p->v;
	KT_ASSERT_EQ(order, 123);
	LIST_REMOVE(&e[1], ls);
	LIST_FOREACH_SAFE(p, &lh, ls, tmp)
	LIST_REMOVE(p, ls);
	KT_ASSERT(LIST_EMPTY(&lh));

	SLIST_INIT(&sh);
	SLIST_INSERT_HEAD(&sh, &e[2], sl);
	SLIST_INSERT_HEAD(&sh, &e[1], sl);
	SLIST_INSERT_HEAD(&sh, &e[0], sl);
	KT_ASSERT_PTR_EQ(SLIST_FIRST(&sh), &e[0]);
	SLIST_REMOVE(&sh, &e[1], qe, sl);
	order = 0;
	SLIST_FOREACH(p, &sh, sl)
	order = order * 10 + p->v;
	KT_ASSERT_EQ(order, 13);
	SLIST_REMOVE_HEAD(&sh, sl);
	SLIST_REMOVE_HEAD(&sh, sl);
	KT_ASSERT(SLIST_EMPTY(&sh));

	STAILQ_INIT(&sth);
	STAILQ_INSERT_TAIL(&sth, &e[1], stq);
	STAILQ_INSERT_TAIL(&sth, &e[2], stq);
	STAILQ_INSERT_HEAD(&sth, &e[0], stq);
	KT_ASSERT_PTR_EQ(STAILQ_LAST(&sth, qe, stq), &e[2]);
	STAILQ_REMOVE(&sth, &e[2], qe, stq);
	KT_ASSERT_PTR_EQ(STAILQ_LAST(&sth, qe, stq), &e[1]);
	order = 0;
	STAILQ_FOREACH(p, &sth, stq)
	order = order * 10 + p->v;
	KT_ASSERT_EQ(order, 12);
	STAILQ_REMOVE_HEAD(&sth, stq);
	STAILQ_REMOVE_HEAD(&sth, stq);
	KT_ASSERT(STAILQ_EMPTY(&sth));
	KT_ASSERT(STAILQ_LAST(&sth, qe, stq) == NULL);

	CIRCLEQ_INIT(&ch);
	KT_ASSERT(CIRCLEQ_EMPTY(&ch));
	CIRCLEQ_INSERT_TAIL(&ch, &e[1], cq);
	CIRCLEQ_INSERT_HEAD(&ch, &e[0], cq);
	CIRCLEQ_INSERT_AFTER(&ch, &e[1], &e[2], cq);
	order = 0;
	CIRCLEQ_FOREACH(p, &ch, cq)
	order = order * 10 + p->v;
	KT_ASSERT_EQ(order, 123);
	KT_ASSERT_PTR_EQ(CIRCLEQ_LAST(&ch), &e[2]);
	CIRCLEQ_REMOVE(&ch, &e[0], cq);
	CIRCLEQ_REMOVE(&ch, &e[2], cq);
	KT_ASSERT_PTR_EQ(CIRCLEQ_FIRST(&ch), &e[1]);
	CIRCLEQ_REMOVE(&ch, &e[1], cq);
	KT_ASSERT(CIRCLEQ_EMPTY(&ch));
}

static void
test_fd_set(void)
{
	fd_set s;

	FD_ZERO(&s);
	FD_SET(3, &s);
	FD_SET(1000, &s);
	KT_ASSERT(FD_ISSET(3, &s));
	KT_ASSERT(FD_ISSET(1000, &s));
	KT_ASSERT(!FD_ISSET(4, &s));
	FD_CLR(3, &s);
	KT_ASSERT(!FD_ISSET(3, &s));
}

NKT_CASES(NKT_CASE(test_byte_order_macros), NKT_CASE(test_byte_order_in_case_labels),
          NKT_CASE(test_in6_addr_classes), NKT_CASE(test_in6_addr_misaligned),
          NKT_CASE(test_in_addr_classes), NKT_CASE(test_header_bitfields),
          NKT_CASE(test_sflt_filter_positional), NKT_CASE(test_kern_ctl_reg_positional),
          NKT_CASE(test_filter_records_positional), NKT_CASE(test_cmsg_walk), NKT_CASE(test_tailq),
          NKT_CASE(test_other_queues), NKT_CASE(test_fd_set));
