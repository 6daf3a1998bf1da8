/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * net_internal.h - private plumbing of nkesim's simulated network stack
 * (kernel world, never installed, never seen by kexts).
 *
 * Completes the opaque handles of the interface and filter KPIs (struct
 * __ifnet, struct __ifaddr, struct __ifnet_filter, struct opaque_ipfilter)
 * and declares what the stack's files share: the per-packet context kept in
 * the packet header, the per-call packet information passed down the input
 * and output paths (struct nke_pktinfo), the filter-callback wrapper
 * (current kext, lock checks, verdicts), emissions, the input queue (the
 * simulated DLIL input thread), IPv4/IPv6 input and output, reassembly and
 * the hand-off to the transport layer.
 *
 * Byte order: the stack keeps IP headers in wire (network) order from the
 * driver to the transport hand-off and back; it never performs XNU's
 * internal host-order conversion of ip_len/ip_off, only the presentation a
 * filter sees at each hook (which, for IPv4, is network order everywhere).
 */
#ifndef NKE_NET_INTERNAL_H_
#define NKE_NET_INTERNAL_H_

#include "mbuf_internal.h"
#include "kern_checks.h"
#include "nke_svc.h"

#include <sys/queue.h>
#include <sys/socket.h>
#include <net/if.h>
#include <net/kpi_interface.h>
#include <net/kpi_interfacefilter.h>
#include <netinet/in.h>
#include <netinet/kpi_ipfilter.h>
#include <sys/kern_event.h>
#include <sys/time.h>
#include <string.h>

/* Kernel-world internals: hidden, so that their data is read in place (no GOT). */
#pragma GCC visibility push(hidden)

/*
 * The kernel world is compiled freestanding (-ffreestanding implies
 * -fno-builtin), so every memcpy(&x, p, 2) is a call into libc.  The stack
 * copies and compares small fixed-size fields on every packet: let the
 * compiler expand those in place (same semantics; other sizes still call
 * libc).
 */
#define memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define memcmp(a, b, n) __builtin_memcmp((a), (b), (n))
#define memset(d, c, n) __builtin_memset((d), (c), (n))

/* --- Limits and constants --------------------------------------------- */

#define NKE_IF_MAX       128    /* interfaces, lo0 and VLAN ones included */
#define NKE_VLAN_MAXTAGS 4      /* stacked 802.1Q/802.1ad tags we follow */
#define NKE_LHDR_MAX     32     /* a link header as the interface frames it */
#define NKE_INJECT_DEPTH 16     /* re-entries of one packet before we cut it */
#define NKE_DRAIN_MAX    100000 /* packets one drain may process */

/* Simulated-time reassembly limits (XNU: IPFRAGTTL 30 s, IPV6_FRAGTTL 60 s). */
#define NKE_REASS_TTL4_NS  (30ULL * 1000000000ULL)
#define NKE_REASS_TTL6_NS  (60ULL * 1000000000ULL)
#define NKE_REASS_MAXFRAGS 128         /* fragments kept per datagram */
#define NKE_REASS_MAXQ     1024        /* datagrams being reassembled */
#define NKE_REASS_MAXBYTES (16u << 20) /* bytes queued, copies included */

/* Ethernet. */
#define NKE_ETHER_HDR   14
#define NKE_ETYPE_IP    0x0800
#define NKE_ETYPE_ARP   0x0806
#define NKE_ETYPE_IPV6  0x86dd
#define NKE_ETYPE_VLAN  0x8100
#define NKE_ETYPE_QINQ  0x88a8
#define NKE_ETYPE_QINQ2 0x9100

/* Hook labels of the verdict detail words for the stack. */
#define NKE_AF_INET  2
#define NKE_AF_INET6 30

/* --- Byte helpers ------------------------------------------------------- */

static inline u_int16_t
nke__be16(const void *p)
{
	const u_int8_t *b = p;

	return (u_int16_t)(b[0] << 8 | b[1]);
}

static inline u_int32_t
nke__be32(const void *p)
{
	const u_int8_t *b = p;

	return (u_int32_t)b[0] << 24 | (u_int32_t)b[1] << 16 | (u_int32_t)b[2] << 8 | b[3];
}

static inline void
nke__put16(void *p, u_int16_t v)
{
	u_int8_t *b = p;

	b[0] = (u_int8_t)(v >> 8);
	b[1] = (u_int8_t)v;
}

/* --- Per-packet context (in the packet header) ------------------------- */

/*
 * Kept in the 24 spare bytes of the packet header (nke_pkthdr.pkt_nkectx), so
 * it travels with the header exactly as XNU's packet-header fields do:
 * copied by mbuf_dup/mbuf_copy_pkthdr, moved by pullup/prepend, zero in a
 * header a kext allocates (record 0: "built by a kext").
 */
struct nke_pktctx {
	u_int64_t pc_index;   /* capture record the packet comes from; 0: a kext's */
	u_int32_t pc_wirelen; /* truncated records: bytes the capture did not keep */
	u_int16_t pc_flags;   /* NKE_PC_* */
	u_int8_t pc_depth;    /* asynchronous re-injections so far */
	u_int8_t pc_qkind;    /* NKE_Q_* while on the input queue */
	u_int32_t pc_qarg;    /* queue argument, or fragment offset|len<<16 */
	u_int32_t pc_spare;
};

#define NKE_PC_TRUNC    0x0001 /* from a truncated record */
#define NKE_PC_INJECTED 0x0002 /* went through a kext's injection call */
#define NKE_PC_LOOP     0x0004 /* loopback re-input: emitted at the lo0 driver */
#define NKE_PC_FRAG_MF  0x0008 /* queued fragment: more fragments follow */
#define NKE_PC_DIRIN    0x0010 /* captured inbound (lo0 frames keep their dir) */
#define NKE_PC_COPY     0x0020 /* an original frame kept for identity */
#define NKE_PC_TOUCHED  0x0040 /* queued fragment: a filter changed it */

_Static_assert(sizeof(struct nke_pktctx) == sizeof(((struct nke_pkthdr *)0)->pkt_nkectx),
               "the packet context fills pkt_nkectx");
_Static_assert(__builtin_offsetof(struct nke_pkthdr, pkt_nkectx) % 8 == 0, "pkt_nkectx alignment");

static inline struct nke_pktctx *
NKE_PC(struct __mbuf *m)
{
	return (struct nke_pktctx *)(void *)m->m_pkthdr.pkt_nkectx;
}

/* Input-queue kinds. */
#define NKE_Q_DLIL  1 /* ifnet_input / loopback: demux + interface filters */
#define NKE_Q_PROTO 2 /* proto_inject / ipf_inject_input: protocol input */

/* --- Interfaces ----------------------------------------------------------- */

#define NKE_IFNET_MAGIC 0x6e6b6966u /* "nkif" */
#define NKE_IFA_MAGIC   0x6e6b6961u /* "nkia" */
#define NKE_IFLT_MAGIC  0x6e6b6666u /* "nkff" */
#define NKE_IPF_MAGIC   0x6e6b6970u /* "nkip" */

struct __ifnet_filter;

struct __ifaddr {
	TAILQ_ENTRY(__ifaddr) ifa_link;
	u_int32_t ifa_magic;
	u_int32_t ifa_refcnt; /* references handed to kexts */
	struct __ifnet *ifa_ifp;
	u_int8_t ifa_family; /* AF_INET / AF_INET6 */
	u_int8_t ifa_plen;
	u_int8_t ifa_raw[16]; /* the address, network order */
	union {
		struct sockaddr sa;
		struct sockaddr_in sin;
		struct sockaddr_in6 sin6;
		u_int8_t raw[48]; /* room for a struct sockaddr_dl with name */
	} ifa_addr, ifa_mask;
	int ifa_hasmask;
};

struct __ifnet {
	u_int32_t if_magic;
	u_int32_t if_index;
	u_int32_t if_unit;
	u_int32_t if_nkstype; /* enum nks_iftype (VLAN: the parent's, i.e. Ethernet) */
	char if_xname[IFNAMSIZ];
	char if_name[IFNAMSIZ];
	ifnet_family_t if_family;
	u_int8_t if_type; /* IFT_* */
	u_int8_t if_hdrlen;
	u_int8_t if_addrlen;
	u_int8_t if_haslladdr;
	u_int16_t if_flags; /* IFF_* */
	u_int8_t if_anymac; /* NKS_IFSPEC_ANYMAC: no frame is promiscuous */
	u_int8_t if_pad0;
	u_int32_t if_mtu;
	u_int32_t if_metric;
	u_int64_t if_baudrate;
	u_int8_t if_lladdr[6];
	u_int8_t if_gwmac[6]; /* last outbound destination MAC (the router) */
	int if_hasgw;
	u_int8_t if_ownmac[6]; /* source MAC of our captured frames, when no lladdr */
	int if_hasownmac;
	ifnet_offload_t if_offload; /* IFNET_* */
	u_int32_t if_caps_supported, if_caps_enabled;
	u_int32_t if_wake_flags;
	u_int32_t if_tso_mtu4, if_tso_mtu6;
	int if_promisc;
	struct timeval if_lastchange;
	void *if_softc;
	struct ifnet_stats_param if_stats;
	int32_t if_refcnt; /* ifnet_reference() minus ifnet_release() by kexts */
	TAILQ_HEAD(, __ifaddr) if_addrs;
	TAILQ_HEAD(nke_iflt_list, __ifnet_filter) if_flt;
	u_int32_t if_flt_busy; /* filter traversals in progress */
	u_int32_t if_flt_reap; /* filters detached during a traversal */
	/* VLAN sub-interfaces (created by the demux on first use). */
	struct __ifnet *if_parent;
	u_int32_t if_ntags;
	u_int8_t if_tags[4 * NKE_VLAN_MAXTAGS]; /* TPID+TCI as first seen */
};

#define NKE_IS_VLAN(ifp) ((ifp)->if_parent != NULL)

/* The interface table (index 1 is lo0); NULL for unused indexes. */
extern struct __ifnet *nke__ifindex[NKE_IF_MAX + 1];
extern u_int32_t nke__if_count; /* highest index in use */
extern struct __ifnet *nke__lo_ifp;

/* A live interface for a pointer a kext passed, or NULL. */
struct __ifnet *nke__ifnet_valid(ifnet_t ifp);
struct __ifnet *nke__ifnet_byindex(u_int32_t index);
/* Create a VLAN sub-interface of parent for a tag stack (4 bytes a tag). */
struct __ifnet *nke__vlan_ifnet(struct __ifnet *parent, const u_int8_t *tags, u_int32_t ntags);
/* Address tests (addresses in network order). */
int nke__in_islocal(const u_int8_t a[4]);
int nke__in6_islocal(const u_int8_t a[16]);
/* Is dst (IPv4) for this host when it arrives on ifp? */
int nke__in_ours(struct __ifnet *ifp, const u_int8_t dst[4]);
int nke__in6_ours(struct __ifnet *ifp, const u_int8_t dst[16]);
/* Outbound interface for a packet to dst with no other hint; NULL: none. */
struct __ifnet *nke__route(int family, const u_int8_t *dst, u_int32_t boundif);

/*
 * The verdict counters of one filter's hook, in the filter's record (zero
 * them with it).  On its first verdict it registers with the host
 * (ho_vfilter) and joins the list NKS_verdict_flush() walks; the record's
 * free must call nke__vcount_gone() first.
 */
struct nke_vcount {
	struct nke_vcount *vc_next, **vc_prevp; /* vc_prevp NULL: not registered */
	u_int64_t vc_handle;                    /* the host's */
	struct nks_vcounts vc_n;                /* since the last ho_vcounts */
};

/* --- Interface filters ---------------------------------------------------- */

struct __ifnet_filter {
	TAILQ_ENTRY(__ifnet_filter) filt_next;
	u_int32_t filt_magic;
	u_int32_t filt_kext; /* load tag of the kext that attached it */
	struct __ifnet *filt_ifp;
	struct iff_filter filt_f;
	int filt_skip;                /* detached (perhaps not yet reaped) */
	struct nke_vcount filt_vc[2]; /* verdicts: iff_input, iff_output */
};

/*
 * Traversal bracket of an interface's filter list (detach deferral), with
 * the traversals in progress, innermost last: which thread walks which list
 * (kpi_interfacefilter.c).  Inline, as it runs around every packet's
 * filters; completing the detaches that came meanwhile (nke__iflt_reap) is not.
 */
#define NKE_IFLT_TRAV_MAX 64
struct nke_iflt_trav {
	struct __ifnet *t_ifp;
	struct thread *t_thread;
};
extern struct nke_iflt_trav nke__iflt_trav[NKE_IFLT_TRAV_MAX];
extern unsigned nke__iflt_ntrav;
void nke__iflt_reap(struct __ifnet *ifp);

static inline void
nke__iflt_busy(struct __ifnet *ifp)
{
	ifp->if_flt_busy++;
	if (nke__iflt_ntrav < NKE_IFLT_TRAV_MAX) {
		nke__iflt_trav[nke__iflt_ntrav].t_ifp = ifp;
		nke__iflt_trav[nke__iflt_ntrav].t_thread = nke__curthread;
	}
	nke__iflt_ntrav++;
}

static inline void
nke__iflt_unbusy(struct __ifnet *ifp)
{
	NKE_ASSERT(ifp->if_flt_busy > 0 && nke__iflt_ntrav > 0, "unbalanced filter traversal");
	nke__iflt_ntrav--;
	if (--ifp->if_flt_busy > 0 || ifp->if_flt_reap == 0)
		return;
	nke__iflt_reap(ifp);
}
/* Detach every filter (fini). */
void nke__iflt_fini(void);

/* --- IP filters ------------------------------------------------------------ */

struct opaque_ipfilter {
	TAILQ_ENTRY(opaque_ipfilter) ipf_link;
	TAILQ_ENTRY(opaque_ipfilter) ipf_tbr; /* awaiting deferred detach */
	u_int32_t ipf_magic;
	u_int32_t ipf_kext;
	int ipf_family; /* 4 or 6 */
	int ipf_removed;
	u_int64_t ipf_id; /* what the injection tag records */
	struct ipf_filter ipf_f;
	struct nke_vcount ipf_vc[2]; /* verdicts: ipf_input, ipf_output */
};

TAILQ_HEAD(nke_ipf_list, opaque_ipfilter);
extern struct nke_ipf_list nke__ipv4_filters, nke__ipv6_filters;

void nke__ipf_ref(void);
void nke__ipf_unref(void);
/* Find and delete the injection tag: the injector's id, 0 if none. */
u_int64_t nke__ipf_get_inject(struct __mbuf *m);
void nke__ipf_fini(void);

/* --- Per-call packet information -------------------------------------------- */

/*
 * What the input and output paths know about the packet they carry, passed
 * down the synchronous call chain (it lives on a caller's stack).  The
 * captured frame bytes are valid only during the NKS_frame() call that
 * brought them, or as long as the kept copy they point into.
 */
struct nke_pktinfo {
	u_int64_t pi_index;
	u_int32_t pi_flags; /* NKE_PI_* */
	u_int32_t pi_dir;   /* NKS_DIR_* of the capture */
	struct __ifnet *pi_ifp;
	/* The captured frame (NULL for packets a kext made or re-injected). */
	const u_int8_t *pi_frame;
	u_int32_t pi_framelen;
	u_int32_t pi_wirelen;
	u_int32_t pi_l2len;   /* link header length in pi_frame, tags included */
	u_int32_t pi_trimmed; /* link padding ip_input removed */
	/* Link header in the interface's own framing (tags stripped). */
	u_int8_t pi_lhdr[NKE_LHDR_MAX];
	u_int32_t pi_lhdrlen;
	u_int32_t pi_ntags;
	u_int8_t pi_tags[4 * NKE_VLAN_MAXTAGS];
	/* Outbound identity: captured checksum fields (offsets from the IP header). */
	u_int32_t pi_sumoff[2];
	u_int16_t pi_sumval[2];
	u_int32_t pi_nsum;
	/* Outbound, reassembled from captured fragments: the originals. */
	struct __mbuf *pi_origs;
	u_int64_t pi_prehash; /* hash of the datagram before the filters (NKE_PI_ORIGINAL:
	                         of the original frame) */
};

#define NKE_PI_CAPTURED  0x0001 /* pi_frame holds the packet as captured */
#define NKE_PI_TRUNC     0x0002
#define NKE_PI_INJECTED  0x0004
#define NKE_PI_L2CHANGED 0x0008 /* an iff_input filter changed the link header */
#define NKE_PI_LOOP      0x0010 /* loopback re-input (no inbound emission) */
#define NKE_PI_REASS     0x0020 /* a reassembled datagram */
#define NKE_PI_NOEMIT    0x0040 /* already emitted (identity fragments) */
#define NKE_PI_HASLHDR   0x0080 /* pi_lhdr is valid */
#define NKE_PI_TOUCHED   0x0100 /* reassembled: a filter changed a fragment */
#define NKE_PI_ORIGINAL  0x0200 /* an original fragment sent again (pi_prehash: its frame) */
#define NKE_PI_HDRSUM_OK 0x0400 /* ip_input checked the IPv4 header checksum in the packet */

/* Fill pi from a packet's context (index, flags) for ifp. */
void nke__pi_from_mbuf(struct nke_pktinfo *pi, struct __mbuf *m, struct __ifnet *ifp);

/* --- Callbacks, verdicts, emissions (net_sim.c) ---------------------------- */

/*
 * Around one filter callback: current kext, lock balance, the checks'
 * frame (hook and filter for reports and crash messages) and, for packet
 * callbacks, ownership of the packet (kern_checks.c).
 */
struct nke_cb {
	u_int32_t cb_prev_kext;
	unsigned cb_locks;
	const char *cb_filter;
	u_int32_t cb_kext;
	u_int32_t cb_hook;     /* NKS_HOOK_*, 0 if not said */
	struct __mbuf **cb_mp; /* the packet lent to the callback, or NULL */
	struct __mbuf **cb_cp; /* its control mbufs (socket filters), or NULL */
};
void nke__cb_enter(struct nke_cb *cb, u_int32_t kext, const char *filter);
void nke__cb_leave(struct nke_cb *cb);

/*
 * The bracket runs around every filter callback, so its fast path is
 * inline: when no lock is left held and the packet comes back as one live
 * mbuf with result 0 (and no cluster is watched), leaving is a compare and
 * one store of the owner.  Everything else goes to net_sim.c and
 * kern_checks.c, which do what they always did.
 */
/* Locks the running simulated thread holds (locks.c's nke__locks_held, inline). */
static inline unsigned
nke__cb_locks_now(void)
{
	const struct thread *th = nke__curthread;

	return th != NULL ? th->th_nheld : 0;
}

/* "lock-held-at-return" for a callback of filter that returned holding a lock. */
void nke__cb_lock_report(const char *filter);

/*
 * The same, naming the hook; for a packet callback, mp (and cp) point at
 * the caller's packet (and control) pointer, lent to the filter while it
 * runs.  Leave it with nke__cb_leave_ret(), which gives the packet its
 * owner by the return value (kpi-reference.md 2.1).
 */
static inline void
nke__cb_enter_at(struct nke_cb *cb, u_int32_t kext, const char *filter, u_int32_t hook,
                 struct __mbuf **mp, struct __mbuf **cp)
{
	cb->cb_prev_kext = nke__kext_switch(kext);
	cb->cb_locks = nke__cb_locks_now();
	cb->cb_filter = filter;
	cb->cb_kext = kext;
	cb->cb_hook = hook;
	cb->cb_mp = mp;
	cb->cb_cp = cp;
	nke__chk_enter(hook, kext, filter, "filter callback");
}

/*
 * nke__cb_leave_ret() given again what nke__cb_enter_at() was given (kext,
 * filter, mp, cp: the same values).  For the packet hooks' loops: cb does
 * not escape, so the compiler keeps only cb_prev_kext and cb_locks, and
 * the rest is read again (from the filter record) only on the rare paths.
 */
static inline void
nke__cb_leave_at(struct nke_cb *cb, int r, u_int32_t kext, const char *filter,
                 struct __mbuf **mp, struct __mbuf **cp)
{
	if (NKE_UNLIKELY(nke__cb_locks_now() > cb->cb_locks))
		nke__cb_lock_report(filter);
	if (mp != NULL && (NKE_CHK_OWN() || nke__m_watched != 0)) {
		struct __mbuf *m = *mp;

		/* Result 0, one live mbuf: back to the stack (own_chain's one step). */
		if (NKE_LIKELY(r == 0 && nke__m_watched == 0 && m != NULL && m->m_next == NULL &&
		               (m->m_nkeflags & NKE_MF_LIVE) && (cp == NULL || *cp == NULL)))
			m->m_owner = NKE_OWN_STACK;
		else
			nke__chk_cb_return(mp, cp, kext, r);
	}
	nke__chk_leave();
	(void)nke__kext_switch(cb->cb_prev_kext);
}

static inline void
nke__cb_leave_ret(struct nke_cb *cb, int r)
{
	nke__cb_leave_at(cb, r, cb->cb_kext, cb->cb_filter, cb->cb_mp, cb->cb_cp);
}

static inline int
nke__vd_on(void)
{
	return nke__hostops != NULL && nke__hostops->ho_verdict != NULL;
}

static inline int
nke__emit_on(void)
{
	return nke__hostops != NULL && nke__hostops->ho_emit != NULL;
}

/*
 * The decimal digits of v at p (a '-' first if negative), no NUL; returns
 * the end.  For verdict details on the hot paths, where printf would cost
 * more than the rest of the verdict.
 */
char *nke__put_int(char *p, int64_t v);

/* NKS_verdict_mode(): NKS_VDM_BRIEF spares hashes and detail strings. */
extern u_int32_t nke__vd_mode;

static inline int
nke__vd_brief(void)
{
	return (nke__vd_mode & NKS_VDM_BRIEF) != 0;
}

/* Index of the record being processed now (0 in timers). */
extern u_int64_t nke__cur_index;

/*
 * Verdicts counted here (struct nks_vcounts): brief mode and the host
 * installed ho_vfilter/ho_vcounts.  Set by NKS_verdict_mode().
 */
extern int nke__vd_count;

/* NKS_last_verdict(): set for every filter verdict while nke__vd_on(). */
extern u_int64_t nke__vd_last_index;
extern u_int32_t nke__vd_last_hook;

static inline void
nke__vd_last(u_int64_t index, u_int32_t hook)
{
	nke__vd_last_index = index;
	nke__vd_last_hook = hook;
}

/* Register vc (kext: the verdict's vd_kext); the slow path of the first verdict. */
void nke__vcount_register(struct nke_vcount *vc, const char *kext, const char *filter,
                          u_int32_t hook);
/* Hand vc's counts to the host and leave the list (the record is going). */
void nke__vcount_gone(struct nke_vcount *vc);

/*
 * One traversal of a hook's filters for one packet, for NKS_VD_MODIFIED:
 * what the previous callback left (length and hash), known only once a
 * second filter is about to be called (nothing is hashed for the first
 * one when the host wants brief verdicts).  Start it with vt_n = 0.
 */
struct nke_vtrack {
	u_int32_t vt_n; /* callbacks that returned */
	int vt_have;    /* vt_len/vt_hash describe what the last one left */
	u_int32_t vt_len;
	u_int64_t vt_hash;
};

/* nke__vtrack_before() when there is something to take. */
void nke__vtrack_take(struct nke_vtrack *vt, struct __mbuf *m, u_int32_t moff);

/* Before a callback of the traversal: m (from moff) is what the previous one left. */
static inline void
nke__vtrack_before(struct nke_vtrack *vt, struct __mbuf *m, u_int32_t moff)
{
	if (vt->vt_n != 0 && !vt->vt_have)
		nke__vtrack_take(vt, m, moff);
}

/*
 * nke__verdict() within a traversal: sets NKS_VD_MODIFIED from vt and
 * updates it.  vt NULL: no comparison.
 */
void nke__verdict_t(struct nke_vtrack *vt, u_int32_t hook, u_int32_t dir, struct __ifnet *ifp,
                    u_int32_t kext, const char *filter, int result, struct __mbuf *orig,
                    struct __mbuf *m, u_int32_t moff, const char *detail);

/* nke__verdict_c() counted, the cases the inline part leaves out. */
void nke__verdict_cslow(struct nke_vcount *vc, struct nke_vtrack *vt, u_int32_t hook,
                        u_int32_t kext, const char *filter, int result, struct __mbuf *m,
                        u_int32_t moff);

/*
 * nke__verdict_t() of a packet hook whose counters are vc (vt not NULL):
 * counted in vc when nke__vd_count, else reported.  Counted, the verdict is
 * reduced to what the host counted of it: the record index
 * (NKS_last_verdict), NKS_VD_INJECTED, and NKS_VD_MODIFIED, whose length
 * and hash are taken as nke__verdict_t() takes them, only from the second
 * filter of the traversal on: the first has nothing to be compared with
 * (and brief mode hashes nothing for it).  That first verdict of a
 * registered filter is the common case, inline: a few loads and adds.
 * detail may be NULL when nke__vd_brief().
 */
static inline void
nke__verdict_c(struct nke_vcount *vc, struct nke_vtrack *vt, u_int32_t hook, u_int32_t dir,
               struct __ifnet *ifp, u_int32_t kext, const char *filter, int result,
               struct __mbuf *orig, struct __mbuf *m, u_int32_t moff, const char *detail)
{
	struct nks_vcounts *n = &vc->vc_n;
	u_int64_t index = nke__cur_index;

	if (!nke__vd_count) {
		nke__verdict_t(vt, hook, dir, ifp, kext, filter, result, orig, m, moff, detail);
		return;
	}
	if (NKE_UNLIKELY(vt->vt_n != 0 || vc->vc_prevp == NULL)) {
		nke__verdict_cslow(vc, vt, hook, kext, filter, result, m, moff);
		return;
	}
	/* orig may be gone (kept and freed by the filter): read only m. */
	if (m != NULL && nke__m_live(m) && (m->m_flags & M_PKTHDR)) {
		if (NKE_PC(m)->pc_index != 0)
			index = NKE_PC(m)->pc_index;
		n->vc_injected += (NKE_PC(m)->pc_flags & NKE_PC_INJECTED) != 0;
	}
	if (result == 0)
		n->vc_pass++;
	else if (result == EJUSTRETURN)
		n->vc_kept++;
	else
		n->vc_drop++;
	/* The next filter's nke__vtrack_before() takes what this one left. */
	vt->vt_n = 1;
	vt->vt_have = 0;
	nke__vd_last(index, hook);
}

/* The counters of the stack's NKS_HOOK_APP verdicts (no filter's). */
extern struct nke_vcount nke__vcount_app;

/* A NKS_HOOK_APP verdict (index: its vd_index), when nke__vd_count: counted. */
static inline void
nke__verdict_app_c(u_int64_t index, int injected)
{
	if (NKE_UNLIKELY(nke__vcount_app.vc_prevp == NULL))
		nke__vcount_register(&nke__vcount_app, NULL, NULL, NKS_HOOK_APP);
	nke__vcount_app.vc_n.vc_other++;
	nke__vcount_app.vc_n.vc_injected += injected != 0;
	nke__vd_last(index, NKS_HOOK_APP);
}

/*
 * One verdict.  m is the packet after the callback (NULL when none is
 * left), orig what the filter was given (to flag a replacement); detail is
 * a finished string or NULL.  Call only when nke__vd_on().
 */
void nke__verdict(u_int32_t hook, u_int32_t dir, struct __ifnet *ifp, u_int32_t kext,
                  const char *filter, int result, struct __mbuf *orig, struct __mbuf *m,
                  u_int32_t moff, const char *detail);

/*
 * The stack discards m (the packet as it is now, data at offset moff of the
 * emitted unit): a NKS_HOOK_STACK verdict says why, the packet is emitted
 * "as it was" unless a kext made it, then freed.  Consumes m (NULL ok).
 */
void nke__stack_drop(struct __mbuf *m, u_int32_t dir, struct nke_pktinfo *pi, const char *reason);

/* Inbound emission at the end of the filter pipeline (m at the network header). */
void nke__emit_in(struct __mbuf *m, struct nke_pktinfo *pi);
/* Outbound emission at the driver (m is the frame in ifp's framing). */
void nke__emit_out(struct __mbuf *m, struct __ifnet *ifp, struct nke_pktinfo *pi);
/* Count an emission decided (with or without an ho_emit hook). */
void nke__count_emit(u_int32_t dir);
/* Emit an original frame kept for identity (an NKE_PC_COPY mbuf, whole frame). */
void nke__emit_copy(struct __mbuf *copy, struct __ifnet *ifp, u_int32_t dir);

/* NKH64 (nke_hash.h) of [off, off+len) of a chain. */
u_int64_t nke__hash(struct __mbuf *m, u_int32_t off, u_int32_t len);
/*
 * h is the NKH64 of [off, off+len) of m: keep a copy of those bytes (up to
 * NKE_HASH_NOTE_MAX) so nke__hash_memo() can tell them again without hashing.
 */
#define NKE_HASH_NOTE_MAX 65536u
void nke__hash_note(struct __mbuf *m, u_int32_t off, u_int32_t len, u_int64_t h);
/*
 * nke__hash(), or a hash known for the very bytes (compared): the noted one,
 * or one of the current frame's hints (struct nks_hhint).
 */
u_int64_t nke__hash_memo(struct __mbuf *m, u_int32_t off, u_int32_t len);
/* Does [0, len) of the chain equal p? */
int nke__chain_equal(struct __mbuf *m, const u_int8_t *p, u_int32_t len);
/* Does [off, off+len) of the chain equal p (and is it there)? */
int nke__range_equal_chain(struct __mbuf *m, u_int32_t off, const u_int8_t *p, u_int32_t len);

/* Whether len bytes of the chain from off equal p; a range inside a lone
   mbuf (the usual packet) is one memcmp, inline. */
static inline int
nke__range_equal(struct __mbuf *m, u_int32_t off, const u_int8_t *p, u_int32_t len)
{
	if (m != NULL && m->m_next == NULL && off <= (u_int32_t)m->m_len)
		return (u_int32_t)m->m_len - off >= len && memcmp(m->m_data + off, p, len) == 0;
	return nke__range_equal_chain(m, off, p, len);
}
/* The interface of the frame being processed (its VLAN one once known). */
extern struct __ifnet *nke__cur_ifp;

/* Counters of NKS_netstats. */
extern struct nks_netstats nke__netstats;

/* Processing nesting (NKS_frame, drains): > 0 while the stack is busy. */
extern int nke__net_busy;
/* Synchronous re-entry depth (ifnet_output_raw, ipf_inject_output ...). */
extern int nke__net_nest;

/* --- Input queue and events (dlil.c, kern_event.c) ------------------------- */

/* Append m (qkind/qarg set in its context) to the input queue. */
void nke__inq_enqueue(struct __mbuf *m);
/* Wake the input thread for deferred work posted outside packet processing. */
void nke__inq_wakeup(void);
/*
 * A packet callback returned r: 0 to go on with *mp (NULL-data and chain
 * checks done), else the result once the packet left the path (EJUSTRETURN:
 * the filter keeps it; any other value: freed here).  Counts drops/keeps.
 */
int nke__cb_result_slow(int r, struct __mbuf **mp, const char *hook, const char *filter);
static inline int
nke__cb_result(int r, struct __mbuf **mp, const char *hook, const char *filter)
{
	if (NKE_LIKELY(r == 0 && *mp != NULL && nke__m_sanity_quick(*mp)))
		return 0;
	return nke__cb_result_slow(r, mp, hook, filter);
}
/* Process queued input, deferred events and expired reassembly. */
void nke__net_drain(void);

/* --- Data link (dlil.c) ------------------------------------------------------ */

/*
 * Inbound frame on ifp: m has the frame header at pkt_hdr (the data after
 * it), pkthdr.len excluding it.  Runs demux, iff_input, then the protocol.
 * Consumes m.
 */
void nke__dlil_input(struct __ifnet *ifp, struct __mbuf *m, struct nke_pktinfo *pi);

/*
 * Outbound: frame (unless raw), iff_output, driver.  m starts at the network
 * header (or at the link header when raw).  Consumes m; returns 0 or the
 * error of the filter that dropped it.
 */
int nke__dlil_output(struct __ifnet *ifp, u_int32_t pf, struct __mbuf *m, int raw,
                     struct nke_pktinfo *pi);

/* Learn neighbours from a captured Ethernet frame. */
void nke__nbr_learn(struct __ifnet *ifp, const u_int8_t *frame, u_int32_t len, u_int32_t l2len,
                    u_int32_t dir);
/* Build the Ethernet header for an outbound IP packet (m at the IP header). */
void nke__ether_synth(struct __ifnet *ifp, struct __mbuf *m, u_int32_t pf, u_int32_t dir,
                      u_int8_t hdr[NKE_ETHER_HDR]);

/* Interface events (kern_event.c): iff_event of ifp's filters. */
void nke__dlil_post_msg(struct __ifnet *ifp, u_int32_t subclass, u_int32_t code);
void nke__dlil_event(struct __ifnet *ifp, struct kev_msg *ev);
/* Post code later (from the input thread), e.g. the link coming up. */
void nke__dlil_post_later(struct __ifnet *ifp, u_int32_t subclass, u_int32_t code, u_int32_t arg);
void nke__kev_drain(void);
/* Events waiting for nke__kev_drain (kern_event.c). */
extern unsigned nke__kev_npending;

/* --- IPv4 / IPv6 --------------------------------------------------------------- */

/* Protocol input (data at the IP header).  Consume m. */
void nke__ip_input(struct __mbuf *m, struct nke_pktinfo *pi);
void nke__ip6_input(struct __mbuf *m, struct nke_pktinfo *pi);

#define NKE_IPO_RAW 0x1 /* IP_RAWOUTPUT: keep the header as given */

/* Output (data at the IP header, wire order).  Consume m. */
int nke__ip_output(struct __mbuf *m, int flags, ipf_pktopts_t opts, struct nke_pktinfo *pi);
int nke__ip6_output(struct __mbuf *m, int flags, ipf_pktopts_t opts, struct nke_pktinfo *pi);

/*
 * Run the IP filters of `family` on *mp.  *seen is the skip-rule state
 * (start with inject id 0 => everything seen).  Returns 0 to continue with
 * *mp, or 1 when the packet is gone (kept, dropped: verdicts and counters
 * done).
 */
int nke__ipf_input_run(int family, struct __mbuf **mp, int off, int proto, u_int64_t *inject,
                       struct nke_pktinfo *pi);
int nke__ipf_output_run(int family, struct __mbuf **mp, u_int64_t inject, ipf_pktopts_t opts,
                        struct nke_pktinfo *pi);

/* After the last IP filter: emission, then the transport layer.  Consumes m. */
void nke__ip_deliver(struct __mbuf *m, int family, int off, int proto, struct nke_pktinfo *pi);
/* Output identity helpers (in ip_output.c). */
int nke__captured_unchanged(struct __mbuf *m, const struct nke_pktinfo *pi);
/* The same, and when unchanged the captured checksum fields back in place (1). */
int nke__captured_restore(struct __mbuf *m, struct nke_pktinfo *pi);
int nke__restore_captured_sums(struct __mbuf *m, struct nke_pktinfo *pi, int offloaded);
void nke__send_originals(struct __ifnet *ifp, u_int32_t pf, struct nke_pktinfo *pi);
/*
 * IPv6 header chain: offset and type of the first header that is not
 * hop-by-hop, routing, destination options or AH; *unfrg the length of the
 * unfragmentable part.  -1 if the chain runs past the packet.
 */
int nke__ip6_lasthdr(struct __mbuf *m, u_int32_t start, int *nxtp, u_int32_t *unfrg);

/*
 * Reassembly (ip_frag.c, frag6.c).  m is one fragment (data at the IP
 * header, wire order), pi what is known of it.  Returns the datagram when
 * this fragment completed it, with *rpi describing it (its originals in
 * rpi->pi_origs), else NULL (queued or dropped: verdicts done).  frag6
 * takes the offset of the fragment header and returns the datagram's next
 * header offset and type in *offp and *nxtp.
 */
struct __mbuf *nke__ip_reass(struct __mbuf *m, struct nke_pktinfo *pi, u_int32_t dir,
                             struct nke_pktinfo *rpi);
struct __mbuf *nke__frag6_input(struct __mbuf *m, int *offp, int *nxtp, struct nke_pktinfo *pi,
                                u_int32_t dir, struct nke_pktinfo *rpi);
/* A reassembled datagram's originals: emit them (unchanged) or just free them. */
void nke__origs_emit(struct nke_pktinfo *pi, u_int32_t dir);
void nke__origs_free(struct nke_pktinfo *pi);
/* IPv4 fragmentation to mtu: a list (m_nextpkt) or NULL (m consumed). */
struct __mbuf *nke__ip_fragment(struct __mbuf *m, u_int32_t mtu, int hwip);
struct __mbuf *nke__ip6_fragment(struct __mbuf *m, u_int32_t mtu, u_int32_t unfrglen);
int nke__output_fragments(struct __ifnet *ifp, u_int32_t af, struct __mbuf *list,
                          struct nke_pktinfo *pi);
/* Shared queue machinery. */
void nke__reass_expire(u_int64_t now);
void nke__reass_init(void);
void nke__reass_fini(void);
u_int32_t nke__reass_pending(void);
/* Reassembly queues held (what nke__reass_pending returns). */
extern u_int32_t nke__fq_count;

/* Keep a contiguous copy of the captured frame (identity); NULL on failure. */
struct __mbuf *nke__frame_copy(const struct nke_pktinfo *pi);

/* IPv4 header checksum over hlen bytes of a contiguous header. */
u_int16_t nke__ip_hdr_sum(const u_int8_t *ip, u_int32_t hlen);

/* --- Transport hand-off (net_transport.c) -------------------------------------- */

/*
 * A datagram the IP layer delivers locally, after every IP filter (m at the
 * IP header, wire order; off/proto of the upper-layer header).  Consumes m.
 */
void nke__transport_input(struct __mbuf *m, int family, int off, int proto, struct nke_pktinfo *pi);
/*
 * A captured outbound IP packet, as the host sent it (m at the IP header):
 * the transport layer re-sends it through ip_output/ip6_output.  Consumes m.
 */
void nke__transport_output_captured(struct __mbuf *m, int family, struct nke_pktinfo *pi);

/* --- Sockets (uipc_socket.c; sock_internal.h has the rest) ---------------------------- */

/*
 * The socket layer's start and end (nke__net_init / nke__net_fini call
 * them; both may be called more than once).  NKS_frame() points
 * nke__cur_frame at the frame it processes (NULL otherwise): new sockets
 * take their owning process from it (fr_pid, fr_comm, fr_uid).
 */
void nke__sock_init(void);
void nke__sock_fini(void);
extern const struct nks_frame *nke__cur_frame;

/* --- Subsystem --------------------------------------------------------------------- */

void nke__ifnet_init(void);
void nke__ifnet_fini(void);
void nke__dlil_init(void);
void nke__dlil_fini(void);
void nke__kev_init(void);
void nke__proto_init(void);
void nke__kev_fini(void);

#pragma GCC visibility pop

#endif /* NKE_NET_INTERNAL_H_ */
