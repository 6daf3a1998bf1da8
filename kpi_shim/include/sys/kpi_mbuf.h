/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/kpi_mbuf.h> - the mbuf KPI of the BSD kernel (kernel world).
 *
 * What a third-party kext sees of Darwin's mbuf KPI: the opaque mbuf_t
 * handle, its flag/type/checksum constants with Darwin's values, the
 * statistics structure, the interface-queue helper macros and every exported
 * mbuf_* function with Apple's signature.  Kexts never see the fields of an
 * mbuf; nkesim completes struct __mbuf privately (kpi_shim/kern/).
 *
 * Declarations that XNU keeps under KERNEL_PRIVATE are grouped the same way
 * here, except mbuf_set_csum_requested() and mbuf_get_csum_performed(): they
 * are exported to third parties although Apple's public header omits them,
 * so kexts that use them declare them themselves; declaring them here too
 * keeps such kexts compiling (the redeclaration is identical).
 *
 * Sizes follow a Darwin x86_64 kernel: MSIZE 256, MLEN 224, MHLEN 88,
 * MINCLSIZE 312, clusters of 2 KB, 4 KB and 16 KB.
 */
#ifndef __KPI_MBUF__
#define __KPI_MBUF__

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/kernel_types.h>
#include <mach/vm_types.h>
#ifdef KERNEL_PRIVATE
#include <mach/boolean.h>
#include <mach/kern_return.h>
#endif

/*
 * mbuf flags.  Only these bits are visible through the KPI; mbuf_flags()
 * masks off everything else.
 */
enum {
	MBUF_EXT = 0x0001,       /* data lives in external storage (a cluster) */
	MBUF_PKTHDR = 0x0002,    /* first mbuf of a packet: carries a packet header */
	MBUF_EOR = 0x0004,       /* end of a record */
	MBUF_LOOP = 0x0040,      /* looped back */
	MBUF_BCAST = 0x0100,     /* link-level broadcast */
	MBUF_MCAST = 0x0200,     /* link-level multicast */
	MBUF_FRAG = 0x0400,      /* IP fragment */
	MBUF_FIRSTFRAG = 0x0800, /* first IP fragment */
	MBUF_LASTFRAG = 0x1000,  /* last IP fragment */
	MBUF_PROMISC = 0x2000,   /* only received because of promiscuous mode */
	MBUF_HASFCS = 0x4000     /* the frame still carries its FCS */
};
typedef u_int32_t mbuf_flags_t;

/* mbuf types (there is no type 9). */
enum {
	MBUF_TYPE_FREE = 0,
	MBUF_TYPE_DATA = 1,
	MBUF_TYPE_HEADER = 2,
	MBUF_TYPE_SOCKET = 3,
	MBUF_TYPE_PCB = 4,
	MBUF_TYPE_RTABLE = 5,
	MBUF_TYPE_HTABLE = 6,
	MBUF_TYPE_ATABLE = 7,
	MBUF_TYPE_SONAME = 8,
	MBUF_TYPE_SOOPTS = 10,
	MBUF_TYPE_FTABLE = 11,
	MBUF_TYPE_RIGHTS = 12,
	MBUF_TYPE_IFADDR = 13,
	MBUF_TYPE_CONTROL = 14,
	MBUF_TYPE_OOBDATA = 15
};
typedef u_int32_t mbuf_type_t;

/* TCP segmentation offload requested of the interface. */
enum { MBUF_TSO_IPV4 = 0x100000, MBUF_TSO_IPV6 = 0x200000 };
typedef u_int32_t mbuf_tso_request_flags_t;

/* Outbound checksum work still to be done before the packet hits the wire. */
enum {
#ifdef KERNEL_PRIVATE
	MBUF_CSUM_PARTIAL = 0x1000, /* 16-bit one's complement sum requested */
	MBUF_CSUM_REQ_SUM16 = MBUF_CSUM_PARTIAL,
	MBUF_CSUM_REQ_ZERO_INVERT = 0x2000,
#endif
	MBUF_CSUM_REQ_IP = 0x0001,
	MBUF_CSUM_REQ_TCP = 0x0002,
	MBUF_CSUM_REQ_UDP = 0x0004,
	MBUF_CSUM_REQ_TCPIPV6 = 0x0020,
	MBUF_CSUM_REQ_UDPIPV6 = 0x0040
};
typedef u_int32_t mbuf_csum_request_flags_t;

/* Inbound checksum work the hardware already did. */
enum {
#ifdef KERNEL_PRIVATE
	MBUF_CSUM_TCP_SUM16 = MBUF_CSUM_PARTIAL,
#endif
	MBUF_CSUM_DID_IP = 0x0100,
	MBUF_CSUM_IP_GOOD = 0x0200,
	MBUF_CSUM_DID_DATA = 0x0400,
	MBUF_CSUM_PSEUDO_HDR = 0x0800
};
typedef u_int32_t mbuf_csum_performed_flags_t;

/* Whether an allocation may block. */
enum { MBUF_WAITOK = 0, MBUF_DONTWAIT = 1 };
typedef u_int32_t mbuf_how_t;

typedef u_int32_t mbuf_tag_id_t;
typedef u_int16_t mbuf_tag_type_t;

/* Allocator statistics, as returned by mbuf_stats(). */
struct mbuf_stat {
	u_int32_t mbufs;       /* mbufs the allocator obtained */
	u_int32_t clusters;    /* 2 KB clusters the allocator obtained */
	u_int32_t clfree;      /* 2 KB clusters currently free */
	u_int32_t drops;       /* allocations that failed */
	u_int32_t wait;        /* allocations that had to wait */
	u_int32_t drain;       /* times the protocols were asked to give memory back */
	u_short mtypes[256];   /* mbufs in use, per mbuf type */
	u_int32_t mcfail;      /* failed mbuf_copym() calls */
	u_int32_t mpfail;      /* failed mbuf_pullup() calls */
	u_int32_t msize;       /* size of an mbuf */
	u_int32_t mclbytes;    /* size of a cluster */
	u_int32_t minclsize;   /* smallest amount of data worth a cluster */
	u_int32_t mlen;        /* data bytes in an mbuf */
	u_int32_t mhlen;       /* data bytes in an mbuf with a packet header */
	u_int32_t bigclusters; /* 4 KB clusters the allocator obtained */
	u_int32_t bigclfree;   /* 4 KB clusters currently free */
	u_int32_t bigmclbytes; /* size of a 4 KB cluster */
};

/* Pass as the length to mbuf_copym() to copy up to the end of the chain. */
#define MBUF_COPYALL 1000000000

__BEGIN_DECLS

/* --- Data access ------------------------------------------------------ */

/* Current data pointer of this mbuf (not of the chain). */
extern void *mbuf_data(mbuf_t mbuf);
/* Start of the mbuf's storage: the cluster, or the internal buffer. */
extern void *mbuf_datastart(mbuf_t mbuf);
/* Point the data at [data, data + len) inside the storage; EINVAL if outside. */
extern errno_t mbuf_setdata(mbuf_t mbuf, void *data, size_t len);
/* Place the data 32-bit aligned so that len bytes end at the storage's end. */
extern errno_t mbuf_align_32(mbuf_t mbuf, size_t len);
/* "Physical" address of a pointer into an mbuf (nkesim: the pointer). */
extern addr64_t mbuf_data_to_physical(void *ptr);

/* --- Allocation ------------------------------------------------------- */

extern errno_t mbuf_get(mbuf_how_t how, mbuf_type_t type, mbuf_t *mbuf);
extern errno_t mbuf_gethdr(mbuf_how_t how, mbuf_type_t type, mbuf_t *mbuf);
extern errno_t mbuf_attachcluster(mbuf_how_t how, mbuf_type_t type, mbuf_t *mbuf, caddr_t extbuf,
                                  void (*extfree)(caddr_t, u_int, caddr_t), size_t extsize,
                                  caddr_t extarg);
extern errno_t mbuf_alloccluster(mbuf_how_t how, size_t *size, char **addr);
extern void mbuf_freecluster(caddr_t addr, size_t size);
extern errno_t mbuf_getcluster(mbuf_how_t how, mbuf_type_t type, size_t size, mbuf_t *mbuf);
extern errno_t mbuf_mclget(mbuf_how_t how, mbuf_type_t type, mbuf_t *mbuf);
extern errno_t mbuf_allocpacket(mbuf_how_t how, size_t packetlen, unsigned int *maxchunks,
                                mbuf_t *mbuf);
extern errno_t mbuf_allocpacket_list(unsigned int numpkts, mbuf_how_t how, size_t packetlen,
                                     unsigned int *maxchunks, mbuf_t *mbuf);
extern errno_t mbuf_getpacket(mbuf_how_t how, mbuf_t *mbuf);
/* Free one mbuf; returns the next one of its chain. */
extern mbuf_t mbuf_free(mbuf_t mbuf);
/* Free one packet (its m_next chain); nextpkt is not followed. */
extern void mbuf_freem(mbuf_t mbuf);
/* Free every packet of a nextpkt list; returns the number of packets. */
extern int mbuf_freem_list(mbuf_t mbuf);
extern size_t mbuf_leadingspace(const mbuf_t mbuf);
extern size_t mbuf_trailingspace(const mbuf_t mbuf);

/* --- Manipulation ----------------------------------------------------- */

extern errno_t mbuf_copym(const mbuf_t src, size_t offset, size_t len, mbuf_how_t how,
                          mbuf_t *new_mbuf);
extern errno_t mbuf_dup(const mbuf_t src, mbuf_how_t how, mbuf_t *new_mbuf);
extern errno_t mbuf_prepend(mbuf_t *mbuf, size_t len, mbuf_how_t how);
extern errno_t mbuf_split(mbuf_t src, size_t offset, mbuf_how_t how, mbuf_t *new_mbuf);
extern errno_t mbuf_pullup(mbuf_t *mbuf, size_t len);
extern errno_t mbuf_pulldown(mbuf_t src, size_t *offset, size_t length, mbuf_t *location);
extern void mbuf_adj(mbuf_t mbuf, int len);
extern errno_t mbuf_adjustlen(mbuf_t mbuf, int amount);
extern mbuf_t mbuf_concatenate(mbuf_t dst, mbuf_t src);
extern errno_t mbuf_copydata(const mbuf_t mbuf, size_t offset, size_t length, void *out_data);
extern errno_t mbuf_copyback(mbuf_t mbuf, size_t offset, size_t length, const void *data,
                             mbuf_how_t how);
extern int mbuf_mclhasreference(mbuf_t mbuf);

/* --- mbuf header ------------------------------------------------------ */

extern mbuf_t mbuf_next(const mbuf_t mbuf);
extern errno_t mbuf_setnext(mbuf_t mbuf, mbuf_t next);
extern mbuf_t mbuf_nextpkt(const mbuf_t mbuf);
extern void mbuf_setnextpkt(mbuf_t mbuf, mbuf_t nextpkt);
extern size_t mbuf_len(const mbuf_t mbuf);
extern void mbuf_setlen(mbuf_t mbuf, size_t len);
extern size_t mbuf_maxlen(const mbuf_t mbuf);
extern mbuf_type_t mbuf_type(const mbuf_t mbuf);
extern errno_t mbuf_settype(mbuf_t mbuf, mbuf_type_t new_type);
extern mbuf_flags_t mbuf_flags(const mbuf_t mbuf);
extern errno_t mbuf_setflags(mbuf_t mbuf, mbuf_flags_t flags);
extern errno_t mbuf_setflags_mask(mbuf_t mbuf, mbuf_flags_t flags, mbuf_flags_t mask);
extern errno_t mbuf_copy_pkthdr(mbuf_t dest, const mbuf_t src);
extern size_t mbuf_pkthdr_len(const mbuf_t mbuf);
extern void mbuf_pkthdr_setlen(mbuf_t mbuf, size_t len);
extern void mbuf_pkthdr_adjustlen(mbuf_t mbuf, int amount);
extern ifnet_t mbuf_pkthdr_rcvif(const mbuf_t mbuf);
extern errno_t mbuf_pkthdr_setrcvif(mbuf_t mbuf, ifnet_t ifp);
extern void *mbuf_pkthdr_header(const mbuf_t mbuf);
extern void mbuf_pkthdr_setheader(mbuf_t mbuf, void *header);

/* --- Checksums and offload -------------------------------------------- */

extern void mbuf_inbound_modified(mbuf_t mbuf);
extern void mbuf_outbound_finalize(mbuf_t mbuf, u_int32_t protocol_family, size_t protocol_offset);
extern errno_t mbuf_set_vlan_tag(mbuf_t mbuf, u_int16_t vlan);
extern errno_t mbuf_get_vlan_tag(mbuf_t mbuf, u_int16_t *vlan);
extern errno_t mbuf_clear_vlan_tag(mbuf_t mbuf);
/* Exported to kexts, declared by Apple only under KERNEL_PRIVATE. */
extern errno_t mbuf_set_csum_requested(mbuf_t mbuf, mbuf_csum_request_flags_t request,
                                       u_int32_t value);
extern errno_t mbuf_get_csum_requested(mbuf_t mbuf, mbuf_csum_request_flags_t *request,
                                       u_int32_t *value);
extern errno_t mbuf_get_tso_requested(mbuf_t mbuf, mbuf_tso_request_flags_t *request,
                                      u_int32_t *mss);
extern errno_t mbuf_clear_csum_requested(mbuf_t mbuf);
extern errno_t mbuf_set_csum_performed(mbuf_t mbuf, mbuf_csum_performed_flags_t flags,
                                       u_int32_t value);
/* Exported to kexts, declared by Apple only under KERNEL_PRIVATE. */
extern errno_t mbuf_get_csum_performed(mbuf_t mbuf, mbuf_csum_performed_flags_t *flags,
                                       u_int32_t *value);
extern u_int32_t mbuf_get_mlen(void);
extern u_int32_t mbuf_get_mhlen(void);
extern u_int32_t mbuf_get_minclsize(void);
extern errno_t mbuf_clear_csum_performed(mbuf_t mbuf);
extern errno_t mbuf_inet_cksum(mbuf_t mbuf, int protocol, u_int32_t offset, u_int32_t length,
                               u_int16_t *csum);
extern errno_t mbuf_inet6_cksum(mbuf_t mbuf, int protocol, u_int32_t offset, u_int32_t length,
                                u_int16_t *csum);

/* --- Packet tags ------------------------------------------------------ */

extern errno_t mbuf_tag_id_find(const char *module_string, mbuf_tag_id_t *module_id);
extern errno_t mbuf_tag_allocate(mbuf_t mbuf, mbuf_tag_id_t module_id, mbuf_tag_type_t type,
                                 size_t length, mbuf_how_t how, void **data_p);
extern errno_t mbuf_tag_find(mbuf_t mbuf, mbuf_tag_id_t module_id, mbuf_tag_type_t type,
                             size_t *length, void **data_p);
extern void mbuf_tag_free(mbuf_t mbuf, mbuf_tag_id_t module_id, mbuf_tag_type_t type);

/* --- Statistics and traffic class ------------------------------------- */

extern void mbuf_stats(struct mbuf_stat *stats);

typedef enum {
	MBUF_TC_BE = 0, /* best effort */
	MBUF_TC_BK = 1, /* background */
	MBUF_TC_VI = 2, /* interactive video */
	MBUF_TC_VO = 3  /* interactive voice */
} mbuf_traffic_class_t;

extern mbuf_traffic_class_t mbuf_get_traffic_class(mbuf_t mbuf);
extern errno_t mbuf_set_traffic_class(mbuf_t mbuf, mbuf_traffic_class_t tc);
extern int mbuf_is_traffic_class_privileged(mbuf_t mbuf);

#ifdef KERNEL_PRIVATE
/* --- Apple-private KPI (exported in XNU's Private list) --------------- */

enum {
	MBUF_GSO_TYPE_NONE = 0,
	MBUF_GSO_TYPE_IPV4 = 1,
	MBUF_GSO_TYPE_IPV6 = 2,
};
#define MBUF_GSO_TYPE_NONE MBUF_GSO_TYPE_NONE
typedef uint8_t mbuf_gso_type_t;

extern errno_t mbuf_get_gso_info(mbuf_t mbuf, mbuf_gso_type_t *type, uint16_t *seg_size,
                                 uint16_t *hdr_len);
extern errno_t mbuf_set_gso_info(mbuf_t mbuf, mbuf_gso_type_t type, uint16_t seg_size,
                                 uint16_t hdr_len);
extern errno_t mbuf_get_lro_info(mbuf_t mbuf, uint8_t *seg_cnt, uint8_t *dup_ack_cnt);
extern errno_t mbuf_set_lro_info(mbuf_t mbuf, uint8_t seg_cnt, uint8_t dup_ack_cnt);

extern errno_t mbuf_add_drvaux(mbuf_t mbuf, mbuf_how_t how, u_int32_t family, u_int32_t subfamily,
                               size_t length, void **data_p);
extern errno_t mbuf_find_drvaux(mbuf_t mbuf, u_int32_t *family_p, u_int32_t *subfamily_p,
                                u_int32_t *length_p, void **data_p);
extern void mbuf_del_drvaux(mbuf_t mbuf);

extern u_int32_t mbuf_get_traffic_class_max_count(void);
extern errno_t mbuf_get_traffic_class_index(mbuf_traffic_class_t tc, u_int32_t *index);

typedef enum {
	MBUF_SC_BK_SYS = 0x00080090, /* lowest */
	MBUF_SC_BK = 0x00100080,
	MBUF_SC_BE = 0x00000000,
	MBUF_SC_RD = 0x00180010,
	MBUF_SC_OAM = 0x00200020,
	MBUF_SC_AV = 0x00280120,
	MBUF_SC_RV = 0x00300110,
	MBUF_SC_VI = 0x00380100,
	MBUF_SC_SIG = 0x00380130,
	MBUF_SC_VO = 0x00400180,
	MBUF_SC_CTL = 0x00480190, /* highest */
} mbuf_svc_class_t;

extern u_int32_t mbuf_get_service_class_max_count(void);
extern errno_t mbuf_get_service_class_index(mbuf_svc_class_t sc, u_int32_t *index);
extern mbuf_svc_class_t mbuf_get_service_class(mbuf_t mbuf);
extern errno_t mbuf_set_service_class(mbuf_t mbuf, mbuf_svc_class_t sc);
extern int mbuf_is_service_class_privileged(mbuf_t mbuf);

enum {
	MBUF_PKTAUXF_INET_RESOLVE_RTR = 0x0004,
	MBUF_PKTAUXF_INET6_RESOLVE_RTR = 0x0008,
};
typedef u_int32_t mbuf_pkthdr_aux_flags_t;

extern errno_t mbuf_pkthdr_aux_flags(mbuf_t mbuf, mbuf_pkthdr_aux_flags_t *paux_flags);
extern errno_t mbuf_get_driver_scratch(mbuf_t m, u_int8_t **area, size_t *area_ln);
extern errno_t mbuf_get_unsent_data_bytes(const mbuf_t m, u_int32_t *unsent_data);

typedef struct {
	int32_t buf_interface; /* bytes waiting in the interface queue */
	int32_t buf_sndbuf;    /* bytes waiting in the socket buffer */
} mbuf_buffer_status_t;

extern errno_t mbuf_get_buffer_status(const mbuf_t m, mbuf_buffer_status_t *buf_status);
extern errno_t mbuf_pkt_new_flow(const mbuf_t m, u_int32_t *retval);
extern errno_t mbuf_last_pkt(const mbuf_t m, u_int32_t *retval);
extern errno_t mbuf_get_timestamp(mbuf_t mbuf, u_int64_t *ts, boolean_t *valid);
extern errno_t mbuf_set_timestamp(mbuf_t mbuf, u_int64_t ts, boolean_t valid);

typedef void (*mbuf_tx_compl_func)(uintptr_t pktid, ifnet_t ifp, u_int64_t ts,
                                   uintptr_t tx_compl_arg, uintptr_t tx_compl_data,
                                   kern_return_t tx_compl_val);

extern errno_t mbuf_register_tx_compl_callback(mbuf_tx_compl_func callback);
extern errno_t mbuf_unregister_tx_compl_callback(mbuf_tx_compl_func callback);
extern errno_t mbuf_get_timestamp_requested(mbuf_t mbuf, boolean_t *requested);
extern errno_t mbuf_set_timestamp_requested(mbuf_t mbuf, uintptr_t *pktid,
                                            mbuf_tx_compl_func callback);
extern errno_t mbuf_get_status(mbuf_t mbuf, kern_return_t *status);
extern errno_t mbuf_set_status(mbuf_t mbuf, kern_return_t status);
extern errno_t mbuf_get_tx_compl_data(mbuf_t m, uintptr_t *arg, uintptr_t *data);
extern errno_t mbuf_set_tx_compl_data(mbuf_t m, uintptr_t arg, uintptr_t data);
extern errno_t mbuf_get_flowid(mbuf_t mbuf, u_int16_t *flowid);
extern errno_t mbuf_set_flowid(mbuf_t mbuf, u_int16_t flowid);
extern errno_t mbuf_get_keepalive_flag(mbuf_t mbuf, boolean_t *is_keepalive);
extern errno_t mbuf_set_keepalive_flag(mbuf_t mbuf, boolean_t is_keepalive);
extern errno_t mbuf_get_wake_packet_flag(mbuf_t mbuf, boolean_t *is_wake_packet);
extern errno_t mbuf_set_wake_packet_flag(mbuf_t mbuf, boolean_t is_wake_packet);
#endif /* KERNEL_PRIVATE */

/*
 * Interface-queue helpers: work on any structure with ifq_head, ifq_tail and
 * ifq_len members, linking packets through their nextpkt pointer.
 */
#define IF_ENQUEUE_MBUF(ifq, m)                                                                    \
	{                                                                                          \
		mbuf_setnextpkt((m), 0);                                                           \
		if ((ifq)->ifq_tail == 0)                                                          \
			(ifq)->ifq_head = (m);                                                     \
		else                                                                               \
			mbuf_setnextpkt((mbuf_t)(ifq)->ifq_tail, (m));                             \
		(ifq)->ifq_tail = (m);                                                             \
		(ifq)->ifq_len++;                                                                  \
	}

#define IF_PREPEND_MBUF(ifq, m)                                                                    \
	{                                                                                          \
		mbuf_setnextpkt((m), (ifq)->ifq_head);                                             \
		if ((ifq)->ifq_tail == 0)                                                          \
			(ifq)->ifq_tail = (m);                                                     \
		(ifq)->ifq_head = (m);                                                             \
		(ifq)->ifq_len++;                                                                  \
	}

#define IF_DEQUEUE_MBUF(ifq, m)                                                                    \
	{                                                                                          \
		(m) = (ifq)->ifq_head;                                                             \
		if (m) {                                                                           \
			if (((ifq)->ifq_head = mbuf_nextpkt((m))) == 0)                            \
				(ifq)->ifq_tail = 0;                                               \
			mbuf_setnextpkt((m), 0);                                                   \
			(ifq)->ifq_len--;                                                          \
		}                                                                                  \
	}

__END_DECLS

#endif /* !__KPI_MBUF__ */
