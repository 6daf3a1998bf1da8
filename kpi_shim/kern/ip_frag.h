/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ip_frag.h - the fragment reassembly queues shared by ip_frag.c (IPv4) and
 * frag6.c (IPv6) (kernel world, private to the simulated stack).
 *
 * One queue per datagram being rebuilt, keyed by family, direction,
 * addresses, id (and protocol for IPv4).  Queued fragment mbufs are sorted
 * by offset and linked by m_nextpkt; each carries its offset and data length
 * in its packet context (pc_qarg: offset | length << 16), "more fragments"
 * in NKE_PC_FRAG_MF and, for IPv6, where its data starts (pc_spare).
 */
#ifndef NKE_IP_FRAG_H_
#define NKE_IP_FRAG_H_

#include "net_internal.h"

#define NKE_FQ_HASH 64

struct nke_fragq {
	TAILQ_ENTRY(nke_fragq) fq_link; /* age list of its family */
	struct nke_fragq *fq_hnext;     /* hash chain / free list */
	u_int8_t fq_family;             /* 4 or 6 */
	u_int8_t fq_dir;                /* NKS_DIR_* */
	u_int8_t fq_proto;              /* IPv4: ip_p */
	u_int8_t fq_dirty;              /* IPv6: overlap seen, refuse the rest */
	u_int32_t fq_id;
	u_int8_t fq_src[16], fq_dst[16];
	u_int64_t fq_created;    /* creation order */
	u_int64_t fq_deadline;   /* uptime ns */
	struct __mbuf *fq_frags; /* queued fragments, by offset */
	u_int32_t fq_nfrags;
	struct __mbuf *fq_origs; /* captured frames kept (arrival order) */
	struct __mbuf **fq_origtail;
	u_int32_t fq_norig;
	int fq_nocopy;      /* a fragment has no kept original */
	int fq_touched;     /* a filter changed a fragment */
	u_int64_t fq_bytes; /* accounted bytes (fragments and copies) */
	u_int32_t fq_hlen;  /* IPv4: header length of the first fragment */
	int fq_unfrglen;    /* IPv6: unfragmentable part, -1 unknown */
	u_int8_t fq_nxt;    /* IPv6: next header after the fragment header */
	u_int32_t fq_ifindex;
	u_int8_t fq_lhdr[NKE_LHDR_MAX]; /* link header of the first fragment seen */
	u_int32_t fq_lhdrlen;
	u_int8_t fq_tags[4 * NKE_VLAN_MAXTAGS];
	u_int32_t fq_ntags;
};

TAILQ_HEAD(nke_fqlist, nke_fragq);

struct nke_fragq *nke__fq_lookup(int family, u_int32_t dir, const u_int8_t *src,
                                 const u_int8_t *dst, u_int32_t id, u_int8_t proto);
struct nke_fragq *nke__fq_create(int family, u_int32_t dir, const u_int8_t *src,
                                 const u_int8_t *dst, u_int32_t id, u_int8_t proto,
                                 const struct nke_pktinfo *pi);
/* Is there room for `bytes` more (after dropping old datagrams)? */
int nke__fq_room(u_int32_t bytes);
void nke__fq_account(struct nke_fragq *fq, struct __mbuf *m, int add);
void nke__fq_keep_original(struct nke_fragq *fq, const struct nke_pktinfo *pi);
/* Give the datagram up: verdicts, originals emitted, queue freed. */
void nke__fq_drop(struct nke_fragq *fq, const char *reason);
/* Same, but the queue stays (dirty) until it expires. */
void nke__fq_purge(struct nke_fragq *fq, const char *reason);
/* m (the datagram) is complete: fill rpi, free the queue. */
void nke__fq_complete(struct nke_fragq *fq, struct __mbuf *m, struct nke_pktinfo *rpi);

/* Strip the packet header of an mbuf about to join another chain. */
void nke__m_demote(struct __mbuf *m);

#endif /* NKE_IP_FRAG_H_ */
