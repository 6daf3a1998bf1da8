/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <net/kpi_interface.h> - the interface KPI (kernel world): accessors of an
 * ifnet_t, its addresses (ifaddr_t) and multicast memberships
 * (ifmultiaddr_t), packet input/output entry points, and the records a
 * driver kext uses to create an interface.
 *
 * Conventions: a NULL ifnet_t yields 0/NULL (0xffffffff for unit and index)
 * from the plain accessors and EINVAL from the others.  Lists returned by
 * ifnet_list_get / ifnet_get_address_list* hold a reference on each entry
 * and are freed with the matching *_free call.  Functions that take an
 * mbuf_t packet consume it in every case unless stated otherwise.
 */
#ifndef __KPI_INTERFACE__
#define __KPI_INTERFACE__

#include <sys/cdefs.h>
#include <sys/kernel_types.h>

struct timeval;
struct sockaddr;
struct sockaddr_dl;
struct kern_event_msg;
struct kev_msg;
struct ifnet_demux_desc;

/* Interface families (ifnet_family()) */
enum {
	IFNET_FAMILY_ANY = 0,
	IFNET_FAMILY_LOOPBACK = 1,
	IFNET_FAMILY_ETHERNET = 2,
	IFNET_FAMILY_SLIP = 3,
	IFNET_FAMILY_TUN = 4,
	IFNET_FAMILY_VLAN = 5,
	IFNET_FAMILY_PPP = 6,
	IFNET_FAMILY_PVC = 7,
	IFNET_FAMILY_DISC = 8,
	IFNET_FAMILY_MDECAP = 9,
	IFNET_FAMILY_GIF = 10,
	IFNET_FAMILY_FAITH = 11, /* deprecated */
	IFNET_FAMILY_STF = 12,
	IFNET_FAMILY_FIREWIRE = 13,
	IFNET_FAMILY_BOND = 14,
	IFNET_FAMILY_CELLULAR = 15,
	IFNET_FAMILY_UNUSED_16 = 16,
	IFNET_FAMILY_UTUN = 17,
	IFNET_FAMILY_IPSEC = 18
};
typedef u_int32_t ifnet_family_t;

/* BPF tap directions (shared with <net/bpf.h>) */
#ifndef BPF_TAP_MODE_T
#define BPF_TAP_MODE_T
enum { BPF_MODE_DISABLED = 0, BPF_MODE_INPUT = 1, BPF_MODE_OUTPUT = 2, BPF_MODE_INPUT_OUTPUT = 3 };
typedef u_int32_t bpf_tap_mode;
#endif

/* A protocol family: PF_INET, PF_INET6, PF_VLAN ... */
typedef u_int32_t protocol_family_t;

/* Offload capabilities (ifnet_offload()) */
enum {
	IFNET_CSUM_IP = 0x00000001,
	IFNET_CSUM_TCP = 0x00000002,
	IFNET_CSUM_UDP = 0x00000004,
	IFNET_CSUM_FRAGMENT = 0x00000008,
	IFNET_IP_FRAGMENT = 0x00000010,
	IFNET_CSUM_TCPIPV6 = 0x00000020,
	IFNET_CSUM_UDPIPV6 = 0x00000040,
	IFNET_IPV6_FRAGMENT = 0x00000080,
	IFNET_VLAN_TAGGING = 0x00010000,
	IFNET_VLAN_MTU = 0x00020000,
	IFNET_MULTIPAGES = 0x00100000,
	IFNET_TSO_IPV4 = 0x00200000,
	IFNET_TSO_IPV6 = 0x00400000,
	IFNET_TX_STATUS = 0x00800000,
	IFNET_HW_TIMESTAMP = 0x01000000,
	IFNET_SW_TIMESTAMP = 0x02000000,
	IFNET_LRO = 0x10000000,
	IFNET_RX_CSUM = 0x20000000,
	IFNET_LRO_NUM_SEG = 0x40000000,
};
typedef u_int32_t ifnet_offload_t;

/* ---- Driver callbacks (interface creation) ----------------------------- */

typedef errno_t (*bpf_packet_func)(ifnet_t interface, mbuf_t data);
typedef errno_t (*ifnet_output_func)(ifnet_t interface, mbuf_t data);
typedef errno_t (*ifnet_ioctl_func)(ifnet_t interface, unsigned long cmd, void *data);
typedef errno_t (*ifnet_set_bpf_tap)(ifnet_t interface, bpf_tap_mode mode,
                                     bpf_packet_func callback);
typedef void (*ifnet_detached_func)(ifnet_t interface);
typedef errno_t (*ifnet_demux_func)(ifnet_t interface, mbuf_t packet, char *frame_header,
                                    protocol_family_t *protocol_family);
typedef void (*ifnet_event_func)(ifnet_t interface, const struct kev_msg *msg);

#define IFNET_MAX_FRAME_TYPE_BUFFER_SIZE 16
#define IFNET_MAX_LINKADDR_BUFFER_SIZE   16
#define IFNET_LLADDR_T                   const char *
#define IFNET_FRAME_TYPE_T               const char *
#define IFNET_LLADDR_RW_T                char *
#define IFNET_FRAME_TYPE_RW_T            char *

typedef errno_t (*ifnet_framer_func)(ifnet_t interface, mbuf_t *packet, const struct sockaddr *dest,
                                     IFNET_LLADDR_T dest_linkaddr, IFNET_FRAME_TYPE_T frame_type);

/* How a protocol's frames are recognised by the driver's demux. */
struct ifnet_demux_desc {
	u_int32_t type;
	void *data;
	u_int32_t datalen;
};

typedef errno_t (*ifnet_add_proto_func)(ifnet_t interface, protocol_family_t protocol_family,
                                        const struct ifnet_demux_desc *demux_array,
                                        u_int32_t demux_count);
typedef errno_t (*ifnet_del_proto_func)(ifnet_t interface, protocol_family_t protocol_family);
typedef errno_t (*ifnet_check_multi)(ifnet_t interface, const struct sockaddr *mcast);

/* ---- Protocol callbacks (ifnet_attach_protocol) ------------------------- */

typedef errno_t (*proto_media_input)(ifnet_t ifp, protocol_family_t protocol, mbuf_t packet,
                                     char *header);
typedef errno_t (*proto_media_input_v2)(ifnet_t ifp, protocol_family_t protocol, mbuf_t packet);
typedef errno_t (*proto_media_preout)(ifnet_t ifp, protocol_family_t protocol, mbuf_t *packet,
                                      const struct sockaddr *dest, void *route,
                                      IFNET_FRAME_TYPE_RW_T frame_type,
                                      IFNET_LLADDR_RW_T link_layer_dest);
typedef void (*proto_media_event)(ifnet_t ifp, protocol_family_t protocol,
                                  const struct kev_msg *event);
typedef errno_t (*proto_media_ioctl)(ifnet_t ifp, protocol_family_t protocol, unsigned long command,
                                     void *argument);
typedef errno_t (*proto_media_detached)(ifnet_t ifp, protocol_family_t protocol);
typedef errno_t (*proto_media_resolve_multi)(ifnet_t ifp, const struct sockaddr *proto_addr,
                                             struct sockaddr_dl *out_ll, size_t ll_len);
typedef errno_t (*proto_media_send_arp)(ifnet_t ifp, u_short arpop,
                                        const struct sockaddr_dl *sender_hw,
                                        const struct sockaddr *sender_proto,
                                        const struct sockaddr_dl *target_hw,
                                        const struct sockaddr *target_proto);

/* ---- Records ---------------------------------------------------------- */

/* Counter increments passed with ifnet_input / ifnet_stat_increment. */
struct ifnet_stat_increment_param {
	u_int32_t packets_in;
	u_int32_t bytes_in;
	u_int32_t errors_in;

	u_int32_t packets_out;
	u_int32_t bytes_out;
	u_int32_t errors_out;

	u_int32_t collisions;
	u_int32_t dropped;
};

/* What a driver supplies to ifnet_allocate. */
struct ifnet_init_params {
	const void *uniqueid; /* optional: matches a recycled interface */
	u_int32_t uniqueid_len;

	const char *name;               /* required, e.g. "en" */
	u_int32_t unit;                 /* required */
	ifnet_family_t family;          /* required */
	u_int32_t type;                 /* required, IFT_* */
	ifnet_output_func output;       /* required */
	ifnet_demux_func demux;         /* required */
	ifnet_add_proto_func add_proto; /* required */
	ifnet_del_proto_func del_proto; /* required */
	ifnet_check_multi check_multi;  /* required unless point-to-point */
	ifnet_framer_func framer;
	void *softc;
	ifnet_ioctl_func ioctl;
	ifnet_set_bpf_tap set_bpf_tap; /* deprecated */
	ifnet_detached_func detach;
	ifnet_event_func event;
	const void *broadcast_addr; /* required unless point-to-point */
	u_int32_t broadcast_len;
};

/* Absolute interface counters (ifnet_stat / ifnet_set_stat). */
struct ifnet_stats_param {
	u_int64_t packets_in;
	u_int64_t bytes_in;
	u_int64_t multicasts_in;
	u_int64_t errors_in;

	u_int64_t packets_out;
	u_int64_t bytes_out;
	u_int64_t multicasts_out;
	u_int64_t errors_out;

	u_int64_t collisions;
	u_int64_t dropped;
	u_int64_t no_protocol;
};

/* What a protocol supplies to ifnet_attach_protocol. */
struct ifnet_attach_proto_param {
	struct ifnet_demux_desc *demux_array;
	u_int32_t demux_count;

	proto_media_input input;       /* required */
	proto_media_preout pre_output; /* required */
	proto_media_event event;
	proto_media_ioctl ioctl;
	proto_media_detached detached;
	proto_media_resolve_multi resolve;
	proto_media_send_arp send_arp;
};

/* Same, with the input callback that receives packets without a header. */
struct ifnet_attach_proto_param_v2 {
	struct ifnet_demux_desc *demux_array;
	u_int32_t demux_count;

	proto_media_input_v2 input;    /* required */
	proto_media_preout pre_output; /* required */
	proto_media_event event;
	proto_media_ioctl ioctl;
	proto_media_detached detached;
	proto_media_resolve_multi resolve;
	proto_media_send_arp send_arp;
};

enum { IFNET_WAKE_ON_MAGIC_PACKET = 0x01 };

__BEGIN_DECLS

/* ---- Lifetime ----------------------------------------------------------- */

/* Create an interface (not yet attached); *interface holds a reference. */
extern errno_t ifnet_allocate(const struct ifnet_init_params *init,
                              ifnet_t *interface) __NKE_API_DEPRECATED;

/* Take / drop a reference, to keep an interface beyond a callback. */
extern errno_t ifnet_reference(ifnet_t interface) __NKE_API_DEPRECATED;
extern errno_t ifnet_release(ifnet_t interface) __NKE_API_DEPRECATED;

/* Attach an allocated interface with link-layer address ll_addr. */
extern errno_t ifnet_attach(ifnet_t interface,
                            const struct sockaddr_dl *ll_addr) __NKE_API_DEPRECATED;

/* Start detaching; the detach callback runs when the last user is gone. */
extern errno_t ifnet_detach(ifnet_t interface) __NKE_API_DEPRECATED;

/* Family number for a driver's module string (allocated on first use). */
extern errno_t ifnet_interface_family_find(const char *module_string,
                                           ifnet_family_t *family_id) __NKE_API_DEPRECATED;

/* ---- Attributes --------------------------------------------------------- */

extern void *ifnet_softc(ifnet_t interface) __NKE_API_DEPRECATED;
/* Driver name without the unit ("en"); NULL for NULL. */
extern const char *ifnet_name(ifnet_t interface) __NKE_API_DEPRECATED;
extern ifnet_family_t ifnet_family(ifnet_t interface) __NKE_API_DEPRECATED;
/* Unit number (0 in "en0"); 0xffffffff for NULL. */
extern u_int32_t ifnet_unit(ifnet_t interface) __NKE_API_DEPRECATED;
/* 1-based interface index; 0xffffffff for NULL. */
extern u_int32_t ifnet_index(ifnet_t interface) __NKE_API_DEPRECATED;

/* IFF_* flags: set the bits of new_flags selected by mask. */
extern errno_t ifnet_set_flags(ifnet_t interface, u_int16_t new_flags,
                               u_int16_t mask) __NKE_API_DEPRECATED;
extern u_int16_t ifnet_flags(ifnet_t interface) __NKE_API_DEPRECATED;

/* IFCAP_* capabilities, supported and enabled. */
extern errno_t ifnet_set_capabilities_supported(ifnet_t interface, u_int32_t new_caps,
                                                u_int32_t mask) __NKE_API_DEPRECATED;
extern u_int32_t ifnet_capabilities_supported(ifnet_t interface) __NKE_API_DEPRECATED;
extern errno_t ifnet_set_capabilities_enabled(ifnet_t interface, u_int32_t new_caps,
                                              u_int32_t mask) __NKE_API_DEPRECATED;
extern u_int32_t ifnet_capabilities_enabled(ifnet_t interface) __NKE_API_DEPRECATED;

/* IFNET_* offload capabilities. */
extern errno_t ifnet_set_offload(ifnet_t interface, ifnet_offload_t offload) __NKE_API_DEPRECATED;
extern errno_t ifnet_set_offload_enabled(ifnet_t interface,
                                         ifnet_offload_t offload) __NKE_API_DEPRECATED;
extern ifnet_offload_t ifnet_offload(ifnet_t interface) __NKE_API_DEPRECATED;

/* TSO segment size for AF_INET / AF_INET6. */
extern errno_t ifnet_set_tso_mtu(ifnet_t interface, sa_family_t family,
                                 u_int32_t mtuLen) __NKE_API_DEPRECATED;
extern errno_t ifnet_get_tso_mtu(ifnet_t interface, sa_family_t family,
                                 u_int32_t *mtuLen) __NKE_API_DEPRECATED;

extern errno_t ifnet_set_wake_flags(ifnet_t interface, u_int32_t properties,
                                    u_int32_t mask) __NKE_API_DEPRECATED;
extern u_int32_t ifnet_get_wake_flags(ifnet_t interface) __NKE_API_DEPRECATED;

/* Driver-defined MIB data (copied). */
extern errno_t ifnet_set_link_mib_data(ifnet_t interface, void *mibData,
                                       u_int32_t mibLen) __NKE_API_DEPRECATED;
extern errno_t ifnet_get_link_mib_data(ifnet_t interface, void *mibData,
                                       u_int32_t *mibLen) __NKE_API_DEPRECATED;
extern u_int32_t ifnet_get_link_mib_data_length(ifnet_t interface) __NKE_API_DEPRECATED;

/* ---- Protocols ---------------------------------------------------------- */

extern errno_t
ifnet_attach_protocol(ifnet_t interface, protocol_family_t protocol_family,
                      const struct ifnet_attach_proto_param *proto_details) __NKE_API_DEPRECATED;
extern errno_t ifnet_attach_protocol_v2(ifnet_t interface, protocol_family_t protocol_family,
                                        const struct ifnet_attach_proto_param_v2 *proto_details)
    __NKE_API_DEPRECATED;
extern errno_t ifnet_detach_protocol(ifnet_t interface,
                                     protocol_family_t protocol_family) __NKE_API_DEPRECATED;

/* ---- Packet I/O --------------------------------------------------------- */

/*
 * Send a network-layer packet of protocol_family through the protocol's
 * pre-output, the framer, the interface filters and the driver.  packet is
 * consumed in every case; EINVAL for NULL arguments or a zero family.
 */
extern errno_t ifnet_output(ifnet_t interface, protocol_family_t protocol_family, mbuf_t packet,
                            void *route, const struct sockaddr *dest) __NKE_API_DEPRECATED;

/*
 * Send a fully framed packet through the interface filters and the driver
 * only (protocol_family may be 0).  packet is consumed in every case.
 */
extern errno_t ifnet_output_raw(ifnet_t interface, protocol_family_t protocol_family,
                                mbuf_t packet) __NKE_API_DEPRECATED;

/*
 * Hand received frames (a chain linked through mbuf_nextpkt, each with
 * its frame header and rcvif set) to the stack; they pass through the
 * interface filters.  stats (optional) is added to the counters.  The
 * packets are consumed in every case, freed on EINVAL.
 */
extern errno_t ifnet_input(ifnet_t interface, mbuf_t first_packet,
                           const struct ifnet_stat_increment_param *stats) __NKE_API_DEPRECATED;

/*
 * Run an ioctl through the interface filters (iff_ioctl), then the
 * protocol (protocol != 0), then the driver.
 */
extern errno_t ifnet_ioctl(ifnet_t interface, protocol_family_t protocol, unsigned long ioctl_code,
                           void *ioctl_arg) __NKE_API_DEPRECATED;

/* Deliver a driver event to the protocols, filters and event sockets. */
extern errno_t ifnet_event(ifnet_t interface,
                           struct kern_event_msg *event_ptr) __NKE_API_DEPRECATED;

/* ---- Link parameters -------------------------------------------------- */

extern errno_t ifnet_set_mtu(ifnet_t interface, u_int32_t mtu) __NKE_API_DEPRECATED;
extern u_int32_t ifnet_mtu(ifnet_t interface) __NKE_API_DEPRECATED;
/* IFT_* type. */
extern u_int8_t ifnet_type(ifnet_t interface) __NKE_API_DEPRECATED;
extern errno_t ifnet_set_addrlen(ifnet_t interface, u_int8_t addrlen) __NKE_API_DEPRECATED;
extern u_int8_t ifnet_addrlen(ifnet_t interface) __NKE_API_DEPRECATED;
extern errno_t ifnet_set_hdrlen(ifnet_t interface, u_int8_t hdrlen) __NKE_API_DEPRECATED;
/* Link header length: 14 for Ethernet, 4 for lo0. */
extern u_int8_t ifnet_hdrlen(ifnet_t interface) __NKE_API_DEPRECATED;
extern errno_t ifnet_set_metric(ifnet_t interface, u_int32_t metric) __NKE_API_DEPRECATED;
extern u_int32_t ifnet_metric(ifnet_t interface) __NKE_API_DEPRECATED;
extern errno_t ifnet_set_baudrate(ifnet_t interface, u_int64_t baudrate) __NKE_API_DEPRECATED;
extern u_int64_t ifnet_baudrate(ifnet_t interface) __NKE_API_DEPRECATED;

/* ---- Statistics --------------------------------------------------------- */

extern errno_t
ifnet_stat_increment(ifnet_t interface,
                     const struct ifnet_stat_increment_param *counts) __NKE_API_DEPRECATED;
extern errno_t ifnet_stat_increment_in(ifnet_t interface, u_int32_t packets_in, u_int32_t bytes_in,
                                       u_int32_t errors_in) __NKE_API_DEPRECATED;
extern errno_t ifnet_stat_increment_out(ifnet_t interface, u_int32_t packets_out,
                                        u_int32_t bytes_out,
                                        u_int32_t errors_out) __NKE_API_DEPRECATED;
extern errno_t ifnet_set_stat(ifnet_t interface,
                              const struct ifnet_stats_param *stats) __NKE_API_DEPRECATED;
extern errno_t ifnet_stat(ifnet_t interface,
                          struct ifnet_stats_param *out_stats) __NKE_API_DEPRECATED;

/* Count promiscuous-mode requests up (on != 0) or down. */
extern errno_t ifnet_set_promiscuous(ifnet_t interface, int on) __NKE_API_DEPRECATED;

extern errno_t ifnet_touch_lastchange(ifnet_t interface) __NKE_API_DEPRECATED;
extern errno_t ifnet_lastchange(ifnet_t interface,
                                struct timeval *last_change) __NKE_API_DEPRECATED;

/* ---- Addresses ---------------------------------------------------------- */

/*
 * NULL-terminated array of the addresses of interface (all interfaces when
 * NULL), each referenced; free with ifnet_free_address_list.  ENXIO when
 * there are none, ENOMEM; *addresses is NULL on failure.
 */
extern errno_t ifnet_get_address_list(ifnet_t interface, ifaddr_t **addresses) __NKE_API_DEPRECATED;
extern errno_t ifnet_get_address_list_with_count(ifnet_t interface, ifaddr_t **addresses,
                                                 uint16_t *addresses_count) __NKE_API_DEPRECATED;
/* Same, only addresses of family. */
extern errno_t ifnet_get_address_list_family(ifnet_t interface, ifaddr_t **addresses,
                                             sa_family_t family) __NKE_API_DEPRECATED;
extern void ifnet_free_address_list(ifaddr_t *addresses) __NKE_API_DEPRECATED;

/* Link-layer address. */
extern errno_t ifnet_set_lladdr(ifnet_t interface, const void *lladdr,
                                size_t lladdr_len) __NKE_API_DEPRECATED;
/*
 * Copy the link-layer address; length must equal its size exactly (6 for
 * Ethernet), otherwise lladdr is zeroed and EMSGSIZE returned.
 */
extern errno_t ifnet_lladdr_copy_bytes(ifnet_t interface, void *lladdr,
                                       size_t length) __NKE_API_DEPRECATED;
extern errno_t ifnet_llbroadcast_copy_bytes(ifnet_t interface, void *addr, size_t bufferlen,
                                            size_t *out_len) __NKE_API_DEPRECATED;

/* ---- Multicast ---------------------------------------------------------- */

extern errno_t ifnet_resolve_multicast(ifnet_t ifp, const struct sockaddr *proto_addr,
                                       struct sockaddr *ll_addr,
                                       size_t ll_len) __NKE_API_DEPRECATED;
/* Join maddr; *multicast is a referenced membership (ifmaddr_release). */
extern errno_t ifnet_add_multicast(ifnet_t interface, const struct sockaddr *maddr,
                                   ifmultiaddr_t *multicast) __NKE_API_DEPRECATED;
extern errno_t ifnet_remove_multicast(ifmultiaddr_t multicast) __NKE_API_DEPRECATED;
extern errno_t ifnet_get_multicast_list(ifnet_t interface,
                                        ifmultiaddr_t **addresses) __NKE_API_DEPRECATED;
extern void ifnet_free_multicast_list(ifmultiaddr_t *multicasts) __NKE_API_DEPRECATED;

/* ---- Lookup ------------------------------------------------------------- */

/*
 * Find an interface by full name ("en0").  On success *interface holds a
 * reference the caller drops with ifnet_release; EINVAL (NULL name), ENXIO
 * (no such interface), *interface NULL on failure.
 */
extern errno_t ifnet_find_by_name(const char *ifname, ifnet_t *interface) __NKE_API_DEPRECATED;

/*
 * NULL-terminated array of the interfaces of family (IFNET_FAMILY_ANY for
 * all), each referenced; *count entries.  Free with ifnet_list_free.
 * EINVAL, ENXIO (none), ENOMEM.
 */
extern errno_t ifnet_list_get(ifnet_family_t family, ifnet_t **interfaces,
                              u_int32_t *count) __NKE_API_DEPRECATED;
extern void ifnet_list_free(ifnet_t *interfaces) __NKE_API_DEPRECATED;

/* ---- ifaddr_t ----------------------------------------------------------- */

extern errno_t ifaddr_reference(ifaddr_t ifaddr) __NKE_API_DEPRECATED;
extern errno_t ifaddr_release(ifaddr_t ifaddr) __NKE_API_DEPRECATED;

/*
 * Copy the address into out_addr, at most addr_size bytes; EMSGSIZE when
 * truncated, ENOTSUP when there is none.
 */
extern errno_t ifaddr_address(ifaddr_t ifaddr, struct sockaddr *out_addr,
                              u_int32_t addr_size) __NKE_API_DEPRECATED;
/* AF_* of the address; 0 for NULL. */
extern sa_family_t ifaddr_address_family(ifaddr_t ifaddr) __NKE_API_DEPRECATED;
extern errno_t ifaddr_dstaddress(ifaddr_t ifaddr, struct sockaddr *out_dstaddr,
                                 u_int32_t dstaddr_size) __NKE_API_DEPRECATED;
extern errno_t ifaddr_netmask(ifaddr_t ifaddr, struct sockaddr *out_netmask,
                              u_int32_t netmask_size) __NKE_API_DEPRECATED;
/* The interface of the address (not referenced). */
extern ifnet_t ifaddr_ifnet(ifaddr_t ifaddr) __NKE_API_DEPRECATED;

/* Lookups; each result is referenced (ifaddr_release) or NULL. */
extern ifaddr_t ifaddr_withaddr(const struct sockaddr *address) __NKE_API_DEPRECATED;
extern ifaddr_t ifaddr_withdstaddr(const struct sockaddr *destination) __NKE_API_DEPRECATED;
extern ifaddr_t ifaddr_withnet(const struct sockaddr *net) __NKE_API_DEPRECATED;
extern ifaddr_t ifaddr_withroute(int flags, const struct sockaddr *destination,
                                 const struct sockaddr *gateway) __NKE_API_DEPRECATED;
extern ifaddr_t ifaddr_findbestforaddr(const struct sockaddr *addr,
                                       ifnet_t interface) __NKE_API_DEPRECATED;

/* IN6_IFF_* flags of an IPv6 address. */
extern errno_t ifaddr_get_ia6_flags(ifaddr_t ifaddr, u_int32_t *out_flags);

/* ---- ifmultiaddr_t ------------------------------------------------------ */

extern errno_t ifmaddr_reference(ifmultiaddr_t ifmaddr) __NKE_API_DEPRECATED;
extern errno_t ifmaddr_release(ifmultiaddr_t ifmaddr) __NKE_API_DEPRECATED;
extern errno_t ifmaddr_address(ifmultiaddr_t ifmaddr, struct sockaddr *out_multicast,
                               u_int32_t addr_size) __NKE_API_DEPRECATED;
extern errno_t ifmaddr_lladdress(ifmultiaddr_t ifmaddr, struct sockaddr *out_link_layer_multicast,
                                 u_int32_t addr_size) __NKE_API_DEPRECATED;
extern ifnet_t ifmaddr_ifnet(ifmultiaddr_t ifmaddr) __NKE_API_DEPRECATED;

__END_DECLS

#endif /* !__KPI_INTERFACE__ */
