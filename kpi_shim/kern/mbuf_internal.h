/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mbuf_internal.h - nkesim's private completion of the mbuf (kernel world).
 *
 * Kexts only ever hold mbuf_t, a pointer to the incomplete struct __mbuf of
 * <sys/kernel_types.h>.  This header, used by the KPI implementation and by
 * the simulator's own network stack but never installed in the public tree,
 * completes that structure (Darwin x86_64 geometry: MSIZE 256, MLEN 224,
 * MHLEN 88), the packet header, packet tags and cluster reference counts,
 * and declares the chain engine (uipc_mbuf.c, uipc_mbuf2.c) and the checksum
 * routines (in_cksum.c); the string-id registry has its own net_str_id.h.
 *
 * MHLEN: XNU's x86_64 kernels are built with CONFIG_MBUF_MCACHE, where an
 * mbuf is a 32-byte struct m_hdr followed by MLEN = 224 bytes that hold
 * either the data or a struct pkthdr plus MHLEN bytes of data.  Laid out for
 * LP64 (no PF_ECN on x86_64), XNU's struct pkthdr of xnu-11417 is 136 bytes,
 * so MHLEN = 224 - 136 = 88 and MINCLSIZE = MLEN + MHLEN = 312.  nkesim
 * keeps that geometry (its own packet header is padded to the same 136
 * bytes), so a kext meets the same pullup/prepend limits as on a Mac.
 */
#ifndef NKE_MBUF_INTERNAL_H_
#define NKE_MBUF_INTERNAL_H_

/* The implementation sees (and defines) the Apple-private KPI too. */
#ifndef KERNEL_PRIVATE
#define KERNEL_PRIVATE 1
#endif

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/kernel_types.h>
#include <mach/boolean.h>
#include <mach/kern_return.h>
#include <sys/kpi_mbuf.h>
#include <sys/mbuf.h>

#include "nke_kern.h"
#include "net_str_id.h"

/* --- Geometry (Darwin x86_64) ----------------------------------------- */

#define NKE_MSIZE       256
#define NKE_MHDRSIZE    32 /* XNU's struct m_hdr */
#define NKE_MLEN        (NKE_MSIZE - NKE_MHDRSIZE)
#define NKE_PKTHDRSIZE  136 /* XNU's struct pkthdr on x86_64 */
#define NKE_MHLEN       (NKE_MLEN - NKE_PKTHDRSIZE)
#define NKE_MINCLSIZE   (NKE_MLEN + NKE_MHLEN)
#define NKE_MCLBYTES    2048
#define NKE_MBIGCLBYTES 4096
#define NKE_M16KCLBYTES 16384
/* Largest protocol header (IPv6 + TCP), what m_pullup copies opportunistically. */
#define NKE_MAX_PROTOHDR 60
/*
 * Longest mbuf tag: XNU refuses len >= MCLBYTES - sizeof(struct m_tag),
 * and its struct m_tag is 40 bytes on LP64.
 */
#define NKE_MTAG_MAXLEN (NKE_MCLBYTES - 40 - 1)

/* --- m_flags (XNU's values; the public MBUF_* are a subset) ----------- */

#define M_EXT       0x0001
#define M_PKTHDR    0x0002
#define M_EOR       0x0004
#define M_PROTO1    0x0008
#define M_PROTO2    0x0010
#define M_PROTO3    0x0020
#define M_LOOP      0x0040
#define M_PROTO5    0x0080
#define M_BCAST     0x0100
#define M_MCAST     0x0200
#define M_FRAG      0x0400
#define M_FIRSTFRAG 0x0800
#define M_LASTFRAG  0x1000
#define M_PROMISC   0x2000
#define M_HASFCS    0x4000
#define M_TAGHDR    0x8000

/* Flags that travel with the packet header. */
#define M_COPYFLAGS                                                                                \
	(M_PKTHDR | M_EOR | M_PROTO1 | M_PROTO2 | M_PROTO3 | M_LOOP | M_PROTO5 | M_BCAST |         \
	 M_MCAST | M_FRAG | M_FIRSTFRAG | M_LASTFRAG | M_PROMISC | M_HASFCS)

/* The only bits the KPI shows and lets kexts change (minus M_EXT). */
#define NKE_MBUF_KPI_FLAGS                                                                         \
	(MBUF_EXT | MBUF_PKTHDR | MBUF_EOR | MBUF_LOOP | MBUF_BCAST | MBUF_MCAST | MBUF_FRAG |     \
	 MBUF_FIRSTFRAG | MBUF_LASTFRAG | MBUF_PROMISC | MBUF_HASFCS)

#define M_WAIT     MBUF_WAITOK
#define M_DONTWAIT MBUF_DONTWAIT
#define M_COPYALL  MBUF_COPYALL

/* --- Checksum / offload state (pkthdr.csum_flags) --------------------- */

#define CSUM_IP              0x0001
#define CSUM_TCP             0x0002
#define CSUM_UDP             0x0004
#define CSUM_IP_FRAGS        0x0008
#define CSUM_FRAGMENT        0x0010
#define CSUM_TCPIPV6         0x0020
#define CSUM_UDPIPV6         0x0040
#define CSUM_FRAGMENT_IPV6   0x0080
#define CSUM_IP_CHECKED      0x0100
#define CSUM_IP_VALID        0x0200
#define CSUM_DATA_VALID      0x0400
#define CSUM_PSEUDO_HDR      0x0800
#define CSUM_PARTIAL         0x1000
#define CSUM_ZERO_INVERT     0x2000
#define CSUM_VLAN_TAG_VALID  0x00010000
#define CSUM_TSO_IPV4        0x00100000
#define CSUM_TSO_IPV6        0x00200000
#define CSUM_DELAY_DATA      (CSUM_TCP | CSUM_UDP)
#define CSUM_DELAY_IP        (CSUM_IP)
#define CSUM_DELAY_IPV6_DATA (CSUM_TCPIPV6 | CSUM_UDPIPV6)

/* --- Packet flags (pkthdr.pkt_flags), XNU's values -------------------- */

#define PKTF_PRIO_PRIVILEGED   0x10
#define PKTF_INET_RESOLVE      0x40
#define PKTF_INET6_RESOLVE     0x80
#define PKTF_RESOLVE_RTR       0x100
#define PKTF_WAKE_PKT          0x400
#define PKTF_LOOP              0x2000
#define PKTF_KEEPALIVE         0x40000
#define PKTF_VALID_UNSENT_DATA 0x100000
#define PKTF_TX_COMPL_TS_REQ   0x800000
#define PKTF_TS_VALID          0x1000000
#define PKTF_DRIVER_MTAG       0x2000000
#define PKTF_NEW_FLOW          0x4000000
#define PKTF_LAST_PKT          0x10000000

/* Service-class arithmetic (the MBUF_SC_* values encode index and class). */
#define MBUF_SC_MAX_CLASSES 10
#define MBUF_TC_MAX         4
#define MBUF_SCVAL(x)       ((x)&0xffff)
#define MBUF_SCIDX(x)       ((((x) >> 16) & 0xff) >> 3)
#define MBUF_SC2TC(sc)      (MBUF_SCVAL(sc) >> 7)
#define MBUF_TC2SCVAL(tc)   ((tc) << 7)

/* Protocol numbers nkesim's checksum code needs (no netinet headers here). */
#define NKE_PF_INET         2
#define NKE_PF_INET6        30
#define NKE_IPPROTO_HOPOPTS 0
#define NKE_IPPROTO_TCP     6
#define NKE_IPPROTO_UDP     17

/* --- Structures ------------------------------------------------------- */

typedef void (*nke_ext_free_t)(caddr_t buf, u_int size, caddr_t arg);

/*
 * Shared state of external storage.  A pooled cluster carries one in front
 * of its data (so the 2 KB cluster is 64 + 2048 bytes of pool memory);
 * storage attached with mbuf_attachcluster gets one from a small pool.
 * Every mbuf that refers to the storage holds one reference.
 */
struct nke_extref {
	u_int32_t er_magic;  /* NKE_EXTREF_MAGIC */
	u_int16_t er_refcnt; /* mbufs referring to the storage */
	u_int8_t er_flags;   /* NKE_EXTF_* */
	u_int8_t er_state;   /* NKE_CLS_* (pooled clusters) */
	u_int8_t er_class;   /* NKE_CL_* */
	u_int8_t er_pad[7];
	nke_ext_free_t er_free;     /* attached storage: the owner's free routine */
	caddr_t er_arg;             /* its last argument */
	struct nke_extref *er_next; /* free-list link */
	/*
	 * shared-cluster-write: a kext's mbuf_copym/mbuf_split shared these
	 * bytes [er_sumoff, er_sumoff + er_sumlen) of the storage with another
	 * chain; er_sum is their hash then (er_sumlen 0: nothing watched).
	 */
	u_int32_t er_sum;
	u_int16_t er_sumoff;
	u_int16_t er_sumlen;
};

#define NKE_EXTREF_MAGIC  0x6e6b6572u /* "nker" */
#define NKE_EXTF_READONLY 0x01        /* was shared once: stays read-only (as XNU) */

/* Storage classes. */
#define NKE_CL_2K     0
#define NKE_CL_4K     1
#define NKE_CL_16K    2
#define NKE_CL_NPOOLS 3
#define NKE_CL_EXT    3 /* caller storage (mbuf_attachcluster) */

/* States of a pooled cluster. */
#define NKE_CLS_FREE 0 /* in the pool */
#define NKE_CLS_RAW  1 /* handed out by mbuf_alloccluster */
#define NKE_CLS_MBUF 2 /* attached to mbufs (er_refcnt of them) */
#define NKE_CLS_EXT  3 /* an attach reference, not a cluster */

/* Bytes in front of each pooled cluster (its struct nke_extref, padded). */
#define NKE_CLHDR_SIZE 64

/* External storage of an mbuf (valid when M_EXT is set). */
struct nke_m_ext {
	caddr_t ext_buf;            /* start of the storage */
	struct nke_extref *ext_ref; /* shared state */
	u_int ext_size;             /* its size */
	u_int ext_pad;
};

/* A packet tag: this header, then m_tag_len bytes of data. */
struct m_tag {
	struct m_tag *m_tag_next; /* next tag of the same packet */
	void *m_tag_data;         /* the data (right after this header) */
	u_int16_t m_tag_type;     /* module-defined type */
	u_int16_t m_tag_len;      /* data length */
	u_int32_t m_tag_id;       /* module id (mbuf_tag_id_find) */
	u_int32_t m_tag_cookie;   /* NKE_MTAG_LIVE while attached or owned */
	u_int16_t m_tag_pool;     /* which tag pool it came from */
	u_int16_t m_tag_pad;
};

#define NKE_MTAG_LIVE 0x6e6b7467u /* "nktg" */
#define NKE_MTAG_DEAD 0xdeadbeefu

/*
 * The packet header.  Fields XNU keeps in unions or bitfields are plain
 * members here; the structure is padded to XNU's 136 bytes so MHLEN is 88.
 */
struct nke_pkthdr {
	ifnet_t rcvif;                /* receiving interface (no reference held) */
	void *pkt_hdr;                /* frame header pointer */
	int32_t len;                  /* packet length */
	u_int32_t csum_flags;         /* CSUM_* (low 16: checksum work; high: VLAN, TSO) */
	u_int32_t csum_data;          /* checksum value / field offset */
	u_int16_t vlan_tag;           /* valid with CSUM_VLAN_TAG_VALID */
	u_int16_t tx_seg_size;        /* TSO segment size */
	u_int16_t tx_hdr_len;         /* TSO header length */
	u_int8_t rx_seg_cnt;          /* LRO segment count */
	u_int8_t pkt_compl_callbacks; /* registered completion callbacks (bits) */
	u_int32_t pkt_flags;          /* PKTF_* */
	u_int32_t pkt_svc;            /* MBUF_SC_* */
	u_int32_t pkt_compl_context;  /* tx completion id */
	u_int32_t bufstatus_if;       /* unsent bytes at the interface */
	u_int32_t bufstatus_sndbuf;   /* unsent bytes in the socket buffer */
	u_int64_t pkt_timestamp;      /* ns, valid with PKTF_TS_VALID */
	struct m_tag *tags;           /* packet tags, most recent first */
	uintptr_t drv_tx_compl_arg;   /* driver completion data */
	uintptr_t drv_tx_compl_data;
	kern_return_t drv_tx_status;
	u_int16_t drv_flowid;
	u_int16_t pkt_pad0;
	u_int8_t pkt_mpriv[16]; /* module scratch (mbuf_get_driver_scratch) */
	u_int8_t pkt_nkectx[NKE_PKTHDRSIZE - 112]; /* the network stack's per-packet context (net_internal.h) */
};

/*
 * The mbuf.  The first 32 bytes mirror XNU's struct m_hdr; then come a few
 * words of nkesim bookkeeping (liveness, and room for the ownership tracking
 * of later checks), then the MLEN-byte body: either the data, or the packet
 * header followed by either MHLEN bytes of data or the external-storage
 * descriptor (as in XNU, M_EXT storage and the packet header coexist).
 */
struct __mbuf {
	struct __mbuf *m_next;    /* next mbuf of this packet */
	struct __mbuf *m_nextpkt; /* next packet of a list */
	caddr_t m_data;           /* current data pointer */
	int32_t m_len;            /* bytes of data in this mbuf */
	u_int16_t m_type;         /* MT_*; MT_FREE once freed */
	u_int16_t m_flags;        /* M_* */

	/* nkesim bookkeeping (not part of XNU's layout, not seen by kexts). */
	u_int32_t m_nkeflags; /* NKE_MF_* */
	u_int32_t m_gen;      /* bumped at every allocation of this mbuf */
	u_int32_t m_owner;    /* NKE_OWN_*: who must free it */
	u_int32_t m_asite;    /* where a kext allocated it (a site, kern_checks.h); 0: the stack */
	u_int32_t m_osite;    /* the last change of owner recorded (kept, dropped,
	                         handed over, freed by a KPI call); 0: none */
	u_int32_t m_aidx;     /* record being processed when it was allocated */
	u_int32_t m_fidx;     /* ... when it was freed */
	u_int32_t m_spare;

	union {
		struct {
			struct nke_pkthdr MH_pkthdr; /* valid with M_PKTHDR */
			union {
				struct nke_m_ext MH_ext; /* valid with M_EXT */
				char MH_databuf[NKE_MHLEN];
			} MH_dat;
		} MH;
		char M_databuf[NKE_MLEN];
	} M_dat;
};

#define m_pkthdr M_dat.MH.MH_pkthdr
#define m_ext    M_dat.MH.MH_dat.MH_ext
#define m_pktdat M_dat.MH.MH_dat.MH_databuf
#define m_dat    M_dat.M_databuf

#define NKE_MF_LIVE       0x1 /* allocated (not free, not quarantined) */
#define NKE_MF_QUARANTINE 0x2 /* freed, held back from reuse */
#define NKE_MF_GUARD      0x4 /* the bytes past its data are poisoned (mbuf_layout.c) */
#define NKE_MF_UAFSEEN    0x8 /* freed, and a use after free was reported */

/* Owners (m_owner): the stack, or a kext (by load tag). */
#define NKE_OWN_STACK 0u
#define NKE_OWN_KEXT  0x01000000u /* | load tag */
#define NKE_OWN_KEXT_MASK 0x00ffffffu

/* AddressSanitizer builds (manual poisoning of pooled memory). */
#if defined(__SANITIZE_ADDRESS__)
#define NKE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NKE_ASAN 1
#endif
#endif

_Static_assert(sizeof(struct nke_pkthdr) == NKE_PKTHDRSIZE, "pkthdr must be XNU-sized");
_Static_assert(sizeof(((struct __mbuf *)0)->M_dat) == NKE_MLEN, "mbuf body must be MLEN");
_Static_assert(sizeof(struct nke_extref) <= NKE_CLHDR_SIZE, "cluster header too big");
_Static_assert(sizeof(struct nke_m_ext) <= NKE_MHLEN, "m_ext must fit the header body");

/* --- Small inline helpers (XNU's M_* macros) -------------------------- */

/* A pooled cluster's data (after its header) and its size by class. */
static inline caddr_t
nke__cl_data(const struct nke_extref *er)
{
	return (caddr_t)er + NKE_CLHDR_SIZE;
}

static inline u_int
nke__cl_size(u_int32_t cls)
{
	return cls == NKE_CL_2K ? NKE_MCLBYTES : cls == NKE_CL_4K ? NKE_MBIGCLBYTES : NKE_M16KCLBYTES;
}

static inline int
nke__m_live(const struct __mbuf *m)
{
	return (m->m_nkeflags & NKE_MF_LIVE) != 0;
}

/* Start of the storage: the cluster, the header body, or the whole body. */
static inline caddr_t
nke__m_start(struct __mbuf *m)
{
	if (m->m_flags & M_EXT)
		return m->m_ext.ext_buf;
	if (m->m_flags & M_PKTHDR)
		return m->m_pktdat;
	return m->m_dat;
}

/* Size of the storage nke__m_start() points to. */
static inline long
nke__m_size(const struct __mbuf *m)
{
	if (m->m_flags & M_EXT)
		return (long)m->m_ext.ext_size;
	if (m->m_flags & M_PKTHDR)
		return NKE_MHLEN;
	return NKE_MLEN;
}

/* Shared external storage is read-only (sticky, as XNU's EXTF_READONLY). */
static inline int
nke__m_mclhasreference(const struct __mbuf *m)
{
	return (m->m_flags & M_EXT) != 0 && (m->m_ext.ext_ref->er_flags & NKE_EXTF_READONLY);
}

static inline int
nke__m_writable(const struct __mbuf *m)
{
	return !nke__m_mclhasreference(m);
}

/* Free bytes before the data (0 for read-only storage); may be negative if
 * a kext moved the data pointer out of the storage. */
static inline long
nke__m_leadingspace(struct __mbuf *m)
{
	if (!nke__m_writable(m))
		return 0;
	return (long)(m->m_data - nke__m_start(m));
}

/* Free bytes after the data (0 for read-only storage); negative if a kext
 * set m_len past the storage with mbuf_setlen. */
static inline long
nke__m_trailingspace(struct __mbuf *m)
{
	if (!nke__m_writable(m))
		return 0;
	return (long)((nke__m_start(m) + nke__m_size(m)) - (m->m_data + m->m_len));
}

/* --- Object pools (uipc_mbuf.c) ---------------------------------------- */

/*
 * A free-list allocator of fixed-size objects, refilled with slabs from the
 * host and returning every slab at NKS_fini.  O(1) get/put, no host call
 * except when a slab is added.  Objects are zeroed when their slab is made;
 * the bytes from p_bodyoff on are poisoned while an object is free (and
 * hidden from AddressSanitizer in sanitizer builds).
 */
struct nke_slab;
struct nke_pool {
	const char *p_name;
	size_t p_stride;          /* object size (a multiple of 16) */
	size_t p_linkoff;         /* offset of the free-list link in an object */
	size_t p_bodyoff;         /* first byte poisoned while free */
	unsigned p_perslab;       /* objects per slab */
	void *p_free;             /* free list */
	struct nke_slab *p_slabs; /* every slab, for fini */
	u_int32_t p_total;        /* objects in all slabs */
	u_int32_t p_nfree;        /* objects on the free list */
};

void nke__pool_setup(struct nke_pool *p, const char *name, size_t stride, size_t linkoff,
                     size_t bodyoff, unsigned perslab);
/* An object, or NULL if the host has no memory for a new slab. */
void *nke__pool_get(struct nke_pool *p);
void nke__pool_put(struct nke_pool *p, void *obj);
void nke__pool_destroy(struct nke_pool *p);

/* AddressSanitizer manual poisoning (no-ops in other builds). */
#ifdef NKE_ASAN
void nke__asan_poison(const void *p, size_t n);
void nke__asan_unpoison(const void *p, size_t n);
/* The sanitizer's own: whether a byte is poisoned (the tests ask). */
int __asan_address_is_poisoned(void const volatile *addr);
#else
static inline void
nke__asan_poison(const void *p, size_t n)
{
	(void)p;
	(void)n;
}

static inline void
nke__asan_unpoison(const void *p, size_t n)
{
	(void)p;
	(void)n;
}
#endif

/*
 * The guard of the --mbuf-layout modes: the bytes past m's data filled with
 * NKE_GUARD_FILL and, under AddressSanitizer, poisoned (NKE_MF_GUARD).
 */
#define NKE_GUARD_FILL 0xa5
void nke__m_guard(struct __mbuf *m);
/* The bytes past m's data are addressable again (the layout's guard goes). */
void nke__m_unguard_slow(struct __mbuf *m);
static inline void
nke__m_unguard(struct __mbuf *m)
{
	if (NKE_UNLIKELY(m->m_nkeflags & NKE_MF_GUARD))
		nke__m_unguard_slow(m);
}

/* Byte written over freed mbuf bodies and tag data. */
#define NKE_POISON_BYTE 0xdb

/* --- Chain engine (uipc_mbuf.c) ---------------------------------------- */

/*
 * Allocation.  `how` is MBUF_WAITOK/MBUF_DONTWAIT (nothing ever blocks in
 * the simulator).  Each call consults allocation-failure injection once per
 * mbuf/cluster; failures return NULL.
 */
struct __mbuf *nke__m_get(int how, int type);
struct __mbuf *nke__m_gethdr(int how, int type);
struct __mbuf *nke__m_getclr(int how, int type);
/* Attach a fresh cluster of `size` (2048/4096/16384) to m; 0 or ENOMEM. */
int nke__m_clget(struct __mbuf *m, int how, u_int size);
/* An mbuf (with header if hdr) plus a cluster of `size`, or NULL. */
struct __mbuf *nke__m_getcl(int how, int type, int hdr, u_int size);
/* Header mbuf + 2 KB cluster (mbuf_getpacket). */
struct __mbuf *nke__m_getpacket_how(int how);
/* Raw clusters (mbuf_alloccluster / mbuf_freecluster). */
caddr_t nke__cl_alloc(int how, u_int size);
void nke__cl_free(caddr_t buf, size_t size, const char *who);
/* Attach caller storage (mbuf_attachcluster); m NULL allocates a header mbuf. */
struct __mbuf *nke__m_clattach(struct __mbuf *m, int type, caddr_t buf, nke_ext_free_t extfree,
                               size_t size, caddr_t arg, int how);
/* m_allocpacket_internal with wantall=1, wantsize=0. */
struct __mbuf *nke__m_allocpacket(unsigned int *numlist, size_t packetlen,
                                  unsigned int *maxsegments, int how);

/* Freeing: a free mbuf is a simulated panic (double free). */
struct __mbuf *nke__m_free(struct __mbuf *m);
void nke__m_freem(struct __mbuf *m);
int nke__m_freem_list(struct __mbuf *m);

/* Packet headers. */
void nke__m_pkthdr_init(struct __mbuf *m);
void nke__m_copy_pkthdr(struct __mbuf *to, struct __mbuf *from);
int nke__m_dup_pkthdr(struct __mbuf *to, struct __mbuf *from, int how);
int nke__m_reinit(struct __mbuf *m, int hdr);
void nke__m_mchtype(struct __mbuf *m, int type);

/* Chain operations with XNU's semantics (see kpi-reference.md 2.7). */
struct __mbuf *nke__m_prepend_2(struct __mbuf *m, int len, int how);
struct __mbuf *nke__m_copym(struct __mbuf *m, int off, int len, int how);
struct __mbuf *nke__m_dup(struct __mbuf *m, int how);
struct __mbuf *nke__m_split(struct __mbuf *m, int len, int how);
struct __mbuf *nke__m_pullup(struct __mbuf *m, int len);
void nke__m_adj(struct __mbuf *m, int len);
void nke__m_cat(struct __mbuf *m, struct __mbuf *n);
/* Copy out/in of a range that must lie inside the chain (panics otherwise). */
void nke__m_copydata(struct __mbuf *m, int off, int len, void *vp);
void nke__m_copyback_inplace(struct __mbuf *m, int off, int len, const void *cp);
/* Sum of m_len over the chain (inline: most packets are one mbuf). */
static inline size_t
nke__m_length(struct __mbuf *m)
{
	size_t len = 0;

	for (; m != NULL; m = m->m_next)
		len += (size_t)m->m_len;
	return len;
}

/* --- Ownership and lifetime checks (uipc_mbuf.c) ---------------------- */

/* Every mbuf of one packet (m_next) gets `owner`, and `site` if not 0. */
void nke__m_own_chain(struct __mbuf *m, u_int32_t owner, u_int32_t site);
/* ... every packet of a list (m_nextpkt) too. */
void nke__m_own_list(struct __mbuf *m, u_int32_t owner, u_int32_t site);
/*
 * "allocated by mbuf_get at x.nke.so+0x12 in ipf_input of com.x, filter
 * \"f\", record #3; freed by ..." for reports; buf returned.
 */
const char *nke__m_describe(struct __mbuf *m, char *buf, size_t size);
/*
 * A KPI call named `fn`, called from `ra`, got an mbuf that is not live:
 * reports "mbuf-use-after-free" (once per mbuf and allocation).
 */
void nke__m_uaf(struct __mbuf *m, const char *fn, const void *ra);
/* In a KPI function: report the use of a freed mbuf (the caller is the kext). */
#define NKE_M_LIVE_CHECK(m, fn)                                                                    \
	do {                                                                                       \
		if (NKE_UNLIKELY(!((m)->m_nkeflags & NKE_MF_LIVE)))                                \
			nke__m_uaf((m), (fn), __builtin_return_address(0));                        \
	} while (0)
/*
 * The kext's mbuf_copym/mbuf_split shared cluster storage: remember a hash
 * of the bytes both chains see; nke__m_shared_check reports
 * "shared-cluster-write" when they changed.
 */
void nke__m_shared_mark(struct __mbuf *m);
void nke__m_shared_check(struct __mbuf *m, const char *when);
/* Take the watched bytes as they are now (after a reported write). */
void nke__m_shared_rebase(struct __mbuf *m);
/* A kext stopped: report every mbuf it still owns ("mbuf-leak"). */
void nke__m_leak_check(u_int32_t kext);

/* Statistics. */
void nke__m_fill_stat(struct mbuf_stat *st);
extern u_int32_t nke__mbstat_mcfail;
extern u_int32_t nke__mbstat_mpfail;

/*
 * Chain consistency check (FreeBSD's m_sanity): data inside its storage,
 * lengths non-negative, flags sane, only the head carries a packet header,
 * reference counts positive, every mbuf live, and (with
 * NKE_SANITY_PKTLEN) pkthdr.len equal to the sum of m_len.  Returns 0 or a
 * static message naming the first problem.
 */
#define NKE_SANITY_PKTLEN 0x1
const char *nke__m_sanity(struct __mbuf *m, int flags);

/*
 * nke__m_sanity(m, NKE_SANITY_PKTLEN) == NULL for the common packet of
 * one mbuf, tested inline with the same tests (1: sane; 0: not sure, ask
 * nke__m_sanity, which names the problem if there is one).
 */
static inline int
nke__m_sanity_quick(struct __mbuf *m)
{
	caddr_t start;
	long size;

	if (m->m_next != NULL || !nke__m_live(m) || m->m_type == MT_FREE || m->m_len < 0 ||
	    (m->m_flags & ~(M_COPYFLAGS | M_EXT)) != 0)
		return 0;
	if (m->m_flags & M_EXT) {
		const struct nke_extref *er = m->m_ext.ext_ref;

		/* A pooled cluster (attached storage: the full test). */
		if (er == NULL || er->er_magic != NKE_EXTREF_MAGIC || er->er_refcnt == 0 ||
		    er->er_class >= NKE_CL_NPOOLS || er->er_state != NKE_CLS_MBUF ||
		    m->m_ext.ext_buf != nke__cl_data(er) ||
		    m->m_ext.ext_size != nke__cl_size(er->er_class))
			return 0;
	}
	start = nke__m_start(m);
	size = nke__m_size(m);
	if (m->m_data < start || m->m_data + m->m_len > start + size)
		return 0;
	return !(m->m_flags & M_PKTHDR) || m->m_pkthdr.len == m->m_len;
}

/* --- uipc_mbuf2.c: pulldown and packet tags ---------------------------- */

struct __mbuf *nke__m_pulldown(struct __mbuf *m, int off, int len, int *offp);

/* A zero-filled tag of len bytes (len <= NKE_MTAG_MAXLEN), or NULL. */
struct m_tag *nke__m_tag_alloc(u_int32_t id, u_int16_t type, int len, int how);
void nke__m_tag_free(struct m_tag *t);
void nke__m_tag_prepend(struct __mbuf *m, struct m_tag *t);
void nke__m_tag_unlink(struct __mbuf *m, struct m_tag *t);
void nke__m_tag_delete(struct __mbuf *m, struct m_tag *t);
void nke__m_tag_delete_chain(struct __mbuf *m);
struct m_tag *nke__m_tag_locate(struct __mbuf *m, u_int32_t id, u_int16_t type);
/* Deep copy of from's tags onto to (whose own tags are deleted); 1 ok, 0 failed. */
int nke__m_tag_copy_chain(struct __mbuf *to, struct __mbuf *from, int how);
void nke__mtag_init(void);
void nke__mtag_fini(void);
u_int64_t nke__mtag_live(void);

/* XNU's kernel-private tag id and the driver-auxiliary tag type. */
#define KERNEL_MODULE_TAG_ID   0
#define KERNEL_TAG_TYPE_DRVAUX 9

/* Service classes. */
int nke__m_set_service_class(struct __mbuf *m, u_int32_t sc);
u_int32_t nke__m_get_service_class(struct __mbuf *m);
u_int32_t nke__m_service_class_from_val(u_int32_t v);
int nke__m_valid_sc(u_int32_t sc);

/* Transmit-completion callbacks, run when a header mbuf that asked for them
 * is freed (kpi_mbuf.c). */
void nke__m_do_tx_compl_callback(struct __mbuf *m, ifnet_t ifp);
void nke__mbuf_kpi_init(void);

/* --- in_cksum.c -------------------------------------------------------- */

/*
 * Internet checksum of [off, off+len) of the chain, plus the IPv4 (or
 * IPv6) pseudo-header built from the header at the start of the chain when
 * nxt != 0.  The result is complemented and in memory (wire) order.  The
 * chain must hold off+len bytes (panic otherwise, as XNU).
 */
u_int16_t nke__inet_cksum(struct __mbuf *m, u_int32_t nxt, u_int32_t off, u_int32_t len);
u_int16_t nke__inet6_cksum(struct __mbuf *m, u_int32_t nxt, u_int32_t off, u_int32_t len);
/* One's-complement 16-bit sum of the range, folded, in wire order. */
u_int16_t nke__m_sum16(struct __mbuf *m, u_int32_t off, u_int32_t len);
/* Software completion of pending checksums; return the CSUM_* bits done. */
u_int32_t nke__in_finalize_cksum(struct __mbuf *m, u_int32_t hoff, u_int32_t csum_flags);
u_int32_t nke__in6_finalize_cksum(struct __mbuf *m, u_int32_t hoff, int32_t optlen, int32_t nxt0,
                                  u_int32_t csum_flags);
/* XNU exports these to kexts under the names in_cksum and in6_cksum. */
u_int16_t in_cksum(struct __mbuf *m, int len);
u_int16_t in6_cksum(struct __mbuf *m, u_int32_t nxt, u_int32_t off, u_int32_t len);

#endif /* NKE_MBUF_INTERNAL_H_ */
