/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * net_sim.c - the simulated host's packet plumbing (kernel world): the
 * host's NKS_frame() and NKS_netstats(), the copy of each captured frame
 * into pooled mbufs, emissions (ho_emit) and verdicts (ho_verdict), the
 * slow paths of the bracket around every filter callback (its fast path,
 * current kext, lock balance, ownership, is inline in net_internal.h), and
 * the subsystem's init/fini.
 *
 * Identity: a packet no kext changed leaves the simulated host byte for
 * byte as captured.  While a frame is processed synchronously its captured
 * bytes are at hand (struct nke_pktinfo), so emitting an unchanged packet
 * is a comparison and, when equal, the captured bytes themselves; nothing
 * is compared, copied or formatted when the host installed no ho_emit and
 * no ho_verdict.
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <libkern/OSKextLib.h>

#include "net_internal.h"
#include "nke_ctl.h"
#include "kern_checks.h"
#include "nke_hash.h"

struct nks_netstats nke__netstats;
u_int64_t nke__cur_index;
struct __ifnet *nke__cur_ifp;
int nke__net_busy;
int nke__net_nest;

/* Reusable linearisation buffer for emissions (grown on demand). */
static u_int8_t *emit_buf;
static size_t emit_cap;

/*
 * The last content hashed where the next verdict is likely to show the same
 * bytes (nke__hash_note): a private copy of them, their length and NKH64.
 * NKH64 is a function of the bytes alone, so bytes found equal to the copy
 * have that hash, whatever ran in between (a compare is a fraction of a
 * hash).  Kexts cannot reach the copy.
 */
static u_int8_t *memo_buf;
static size_t memo_cap;
static u_int32_t memo_len; /* 0: nothing noted */
static u_int64_t memo_hash;

/* --- Hashes and chain helpers ------------------------------------------------ */

u_int64_t
nke__hash(struct __mbuf *m, u_int32_t off, u_int32_t len)
{
	struct nkh_state s;

	for (; m != NULL && off >= (u_int32_t)m->m_len; m = m->m_next)
		off -= (u_int32_t)m->m_len;
	if (m == NULL)
		return nkh64("", 0);
	/* The common case: the bytes are contiguous. */
	if ((u_int32_t)m->m_len - off >= len)
		return nkh64((const u_int8_t *)m->m_data + off, len);
	nkh_init(&s);
	for (; m != NULL && len > 0; m = m->m_next) {
		u_int32_t n = (u_int32_t)m->m_len - off;

		if (n > len)
			n = len;
		nkh_update(&s, (const u_int8_t *)m->m_data + off, n);
		len -= n;
		off = 0;
	}
	return nkh_final(&s);
}

void
nke__hash_note(struct __mbuf *m, u_int32_t off, u_int32_t len, u_int64_t h)
{
	u_int8_t *p;

	memo_len = 0;
	if (len == 0 || len > NKE_HASH_NOTE_MAX)
		return;
	if (len > memo_cap) {
		size_t cap = len < 2048 ? 2048 : NKE_HASH_NOTE_MAX;

		p = NKH_alloc(NKS_ALLOC_KERNEL, cap);
		if (p == NULL)
			return;
		NKH_free(memo_buf, memo_cap);
		memo_buf = p;
		memo_cap = cap;
	}
	for (; m != NULL && off >= (u_int32_t)m->m_len; m = m->m_next)
		off -= (u_int32_t)m->m_len;
	for (p = memo_buf; m != NULL && (u_int32_t)(p - memo_buf) < len; m = m->m_next, off = 0) {
		u_int32_t n = (u_int32_t)m->m_len - off, left = len - (u_int32_t)(p - memo_buf);

		if (n > left)
			n = left;
		memcpy(p, m->m_data + off, n);
		p += n;
	}
	if ((u_int32_t)(p - memo_buf) != len)
		return;
	memo_len = len;
	memo_hash = h;
}

u_int64_t
nke__hash_memo(struct __mbuf *m, u_int32_t off, u_int32_t len)
{
	const struct nks_frame *fr = nke__cur_frame;
	const struct nks_hhint *h;
	u_int32_t i;

	if (len == 0)
		return nke__hash(m, off, len);
	if (len == memo_len && nke__range_equal(m, off, memo_buf, len))
		return memo_hash;
	/* The host's hashes of the captured frame (struct nks_hhint): the same
	   reasoning, against the frame's bytes. */
	if (fr != NULL)
		for (i = 0; i < fr->fr_nhints; i++) {
			h = &fr->fr_hints[i];
			if (h->hh_len == len && h->hh_off <= fr->fr_caplen &&
			    len <= fr->fr_caplen - h->hh_off &&
			    nke__range_equal(m, off, fr->fr_data + h->hh_off, len))
				return h->hh_hash;
		}
	return nke__hash(m, off, len);
}

/* Bytes the chain really holds (pkthdr.len may lie after a kext's edits). */
static u_int32_t
pkt_len(struct __mbuf *m)
{
	/* One mbuf (the usual case): its length, no call. */
	size_t l = nke__m_length(m);

	if ((m->m_flags & M_PKTHDR) && (size_t)m->m_pkthdr.len < l && m->m_pkthdr.len >= 0)
		l = (size_t)m->m_pkthdr.len;
	return (u_int32_t)l;
}

int
nke__chain_equal(struct __mbuf *m, const u_int8_t *p, u_int32_t len)
{
	for (; m != NULL && len > 0; m = m->m_next) {
		u_int32_t n = (u_int32_t)m->m_len;

		if (n > len)
			n = len;
		if (n > 0 && memcmp(m->m_data, p, n) != 0)
			return 0;
		p += n;
		len -= n;
	}
	return len == 0;
}

int
nke__range_equal_chain(struct __mbuf *m, u_int32_t off, const u_int8_t *p, u_int32_t len)
{
	for (; m != NULL && off >= (u_int32_t)m->m_len; m = m->m_next)
		off -= (u_int32_t)m->m_len;
	for (; m != NULL && len > 0; m = m->m_next, off = 0) {
		u_int32_t n = (u_int32_t)m->m_len - off;

		if (n > len)
			n = len;
		if (memcmp(m->m_data + off, p, n) != 0)
			return 0;
		p += n;
		len -= n;
	}
	return len == 0;
}

static u_int8_t *
emit_reserve(size_t n)
{
	if (n > emit_cap) {
		size_t cap = n < 4096 ? 4096 : n;
		u_int8_t *b = NKH_alloc(NKS_ALLOC_KERNEL, cap);

		if (b == NULL)
			return NULL;
		NKH_free(emit_buf, emit_cap);
		emit_buf = b;
		emit_cap = cap;
	}
	return emit_buf;
}

/* --- Filter callbacks ----------------------------------------------------------- */

void
nke__cb_enter(struct nke_cb *cb, u_int32_t kext, const char *filter)
{
	nke__cb_enter_at(cb, kext, filter, 0, NULL, NULL);
}

void
nke__cb_lock_report(const char *filter)
{
	struct thread *th = nke__current_thread();
	u_int32_t kext = nke__kext_current_id();
	char buf[256];

	nke__report("lock-held-at-return", "%s: filter \"%s\" returned holding %s",
	            nke__kext_name_of(kext) != NULL ? nke__kext_name_of(kext) : "?",
	            filter != NULL ? filter : "",
	            nke__locks_held_describe(th, buf, sizeof(buf)));
}

void
nke__cb_leave(struct nke_cb *cb)
{
	/* Callers that do not say the result leave the packet's owner as it is. */
	cb->cb_mp = NULL;
	nke__cb_leave_ret(cb, 0);
}

/* --- Verdicts ---------------------------------------------------------------------- */

u_int32_t nke__vd_mode;
int nke__vd_count;
u_int64_t nke__vd_last_index;
u_int32_t nke__vd_last_hook;

/* The registered counters (struct nke_vcount), for NKS_verdict_flush(). */
static struct nke_vcount *vcount_head;

NKE_KPI void
NKS_verdict_mode(nks_u32 mode)
{
	const struct nks_hostops *ho = nke__hostops;

	nke__vd_mode = mode & NKS_VDM_BRIEF;
	nke__vd_count = (nke__vd_mode & NKS_VDM_BRIEF) && ho != NULL && ho->ho_verdict != NULL &&
	                ho->ho_vfilter != NULL && ho->ho_vcounts != NULL;
}

NKE_KPI int
NKS_last_verdict(nks_u64 *index, nks_u32 *hook)
{
	if (nke__vd_last_hook == 0)
		return 0;
	*index = nke__vd_last_index;
	*hook = nke__vd_last_hook;
	return 1;
}

void
nke__vcount_register(struct nke_vcount *vc, const char *kext, const char *filter, u_int32_t hook)
{
	const struct nks_hostops *ho = nke__hostops;

	vc->vc_handle = ho->ho_vfilter(ho->ho_arg, kext, filter, hook);
	vc->vc_next = vcount_head;
	if (vcount_head != NULL)
		vcount_head->vc_prevp = &vc->vc_next;
	vc->vc_prevp = &vcount_head;
	vcount_head = vc;
}

static void
vcount_flush(struct nke_vcount *vc)
{
	const struct nks_hostops *ho = nke__hostops;
	const struct nks_vcounts *n = &vc->vc_n;

	if ((n->vc_pass | n->vc_drop | n->vc_kept | n->vc_modified | n->vc_injected |
	     n->vc_other) == 0)
		return;
	ho->ho_vcounts(ho->ho_arg, vc->vc_handle, n);
	memset(&vc->vc_n, 0, sizeof(vc->vc_n));
}

void
nke__vcount_gone(struct nke_vcount *vc)
{
	if (vc->vc_prevp == NULL)
		return;
	vcount_flush(vc);
	*vc->vc_prevp = vc->vc_next;
	if (vc->vc_next != NULL)
		vc->vc_next->vc_prevp = vc->vc_prevp;
	vc->vc_next = NULL;
	vc->vc_prevp = NULL;
}

NKE_KPI void
NKS_verdict_flush(void)
{
	struct nke_vcount *vc;

	if (nke__hostops == NULL)
		return;
	for (vc = vcount_head; vc != NULL; vc = vc->vc_next)
		vcount_flush(vc);
}

/* Decimal digits of v at p (no NUL): counted first, then written two at a time. */
char *
nke__put_int(char *p, int64_t v)
{
	static const char put_int_d2[201] =
	    "00010203040506070809101112131415161718192021222324"
	    "25262728293031323334353637383940414243444546474849"
	    "50515253545556575859606162636465666768697071727374"
	    "75767778798081828384858687888990919293949596979899";
	u_int64_t u = (u_int64_t)v, t;
	char *e;
	unsigned n;

	if (v < 0) {
		*p++ = '-';
		u = 0 - u;
	}
	if (u < 100)
		n = u < 10 ? 1 : 2;
	else if (u < 10000)
		n = u < 1000 ? 3 : 4;
	else
		for (n = 5, t = u / 100000; t != 0; t /= 10)
			n++;
	e = p + n;
	p = e;
	while (u >= 100) {
		unsigned r = (unsigned)(u % 100);

		u /= 100;
		p -= 2;
		p[0] = put_int_d2[2 * r];
		p[1] = put_int_d2[2 * r + 1];
	}
	if (u >= 10) {
		p[-2] = put_int_d2[2 * u];
		p[-1] = put_int_d2[2 * u + 1];
	} else {
		p[-1] = (char)('0' + u);
	}
	return e;
}

/* What a verdict reports of m: its length from moff (0: nothing left). */
static u_int32_t
vd_len_of(struct __mbuf *m, u_int32_t moff)
{
	u_int32_t len;

	if (m == NULL || !nke__m_live(m) || !(m->m_flags & M_PKTHDR))
		return 0;
	len = pkt_len(m);
	return len > moff ? len - moff : 0;
}

void
nke__vtrack_take(struct nke_vtrack *vt, struct __mbuf *m, u_int32_t moff)
{
	vt->vt_len = vd_len_of(m, moff);
	vt->vt_hash = vt->vt_len > 0 ? nke__hash(m, moff, vt->vt_len) : 0;
	vt->vt_have = 1;
}

void
nke__verdict_t(struct nke_vtrack *vt, u_int32_t hook, u_int32_t dir, struct __ifnet *ifp,
               u_int32_t kext, const char *filter, int result, struct __mbuf *orig,
               struct __mbuf *m, u_int32_t moff, const char *detail)
{
	const struct nks_hostops *ho = nke__hostops;
	struct __mbuf *ref = m != NULL ? m : orig;
	int brief = nke__vd_brief();
	struct nks_verdict vd = {
	    .vd_index = nke__cur_index,
	    .vd_hook = hook,
	    .vd_dir = dir,
	    .vd_ifname = ifp != NULL ? ifp->if_xname : NULL,
	    .vd_kext = hook == NKS_HOOK_STACK ? NULL : nke__kext_name_of(kext),
	    .vd_filter = filter,
	    .vd_result = result,
	    .vd_detail = brief && hook != NKS_HOOK_STACK ? NULL : detail,
	};

	if (ho == NULL || ho->ho_verdict == NULL)
		return;
	/* orig may be gone (kept and freed by the filter): read only m. */
	if (m != NULL && nke__m_live(m) && (m->m_flags & M_PKTHDR)) {
		if (NKE_PC(m)->pc_index != 0)
			vd.vd_index = NKE_PC(m)->pc_index;
		if (NKE_PC(m)->pc_flags & NKE_PC_INJECTED)
			vd.vd_flags |= NKS_VD_INJECTED;
		if (NKE_PC(m)->pc_flags & NKE_PC_TRUNC)
			vd.vd_flags |= NKS_VD_TRUNCATED;
		vd.vd_len = vd_len_of(m, moff);
		/*
		 * Brief: a hash only to compare with the previous callback's.  With
		 * the log, iff_input's bytes are noted: ipf_input's verdict usually
		 * shows the same ones (and sf_data_out the application's).
		 */
		if (vd.vd_len > 0 && !brief) {
			vd.vd_hash = nke__hash_memo(m, moff, vd.vd_len);
			if (hook == NKS_HOOK_IFF_INPUT)
				nke__hash_note(m, moff, vd.vd_len, vd.vd_hash);
		} else if (vd.vd_len > 0 && vt != NULL && vt->vt_n > 0) {
			vd.vd_hash = nke__hash(m, moff, vd.vd_len);
		}
	}
	if (orig != NULL && ref != orig)
		vd.vd_flags |= NKS_VD_REPLACED;
	if (vt != NULL) {
		if (vt->vt_n > 0 && vt->vt_have &&
		    (vt->vt_len != vd.vd_len || vt->vt_hash != vd.vd_hash))
			vd.vd_flags |= NKS_VD_MODIFIED;
		vt->vt_n++;
		vt->vt_have = !brief || vt->vt_n > 1;
		vt->vt_len = vd.vd_len;
		vt->vt_hash = vd.vd_hash;
	}
	if (brief)
		vd.vd_hash = 0;
	if (hook != NKS_HOOK_STACK)
		nke__vd_last(vd.vd_index, hook);
	ho->ho_verdict(ho->ho_arg, &vd);
}

void
nke__verdict_cslow(struct nke_vcount *vc, struct nke_vtrack *vt, u_int32_t hook, u_int32_t kext,
                   const char *filter, int result, struct __mbuf *m, u_int32_t moff)
{
	struct nks_vcounts *n = &vc->vc_n;
	u_int64_t index = nke__cur_index, hash = 0;
	u_int32_t len = 0;

	if (vc->vc_prevp == NULL)
		nke__vcount_register(vc, nke__kext_name_of(kext), filter, hook);
	if (m != NULL && nke__m_live(m) && (m->m_flags & M_PKTHDR)) {
		if (NKE_PC(m)->pc_index != 0)
			index = NKE_PC(m)->pc_index;
		n->vc_injected += (NKE_PC(m)->pc_flags & NKE_PC_INJECTED) != 0;
		if (vt->vt_n > 0) {
			len = vd_len_of(m, moff);
			if (len > 0)
				hash = nke__hash(m, moff, len);
		}
	}
	if (result == 0 || result == EJUSTRETURN) {
		*(result == 0 ? &n->vc_pass : &n->vc_kept) += 1;
		n->vc_modified +=
		    vt->vt_n > 0 && vt->vt_have && (vt->vt_len != len || vt->vt_hash != hash);
	} else {
		n->vc_drop++;
	}
	vt->vt_n++;
	vt->vt_have = vt->vt_n > 1;
	vt->vt_len = len;
	vt->vt_hash = hash;
	nke__vd_last(index, hook);
}

struct nke_vcount nke__vcount_app;

void
nke__verdict(u_int32_t hook, u_int32_t dir, struct __ifnet *ifp, u_int32_t kext, const char *filter,
             int result, struct __mbuf *orig, struct __mbuf *m, u_int32_t moff, const char *detail)
{
	nke__verdict_t(NULL, hook, dir, ifp, kext, filter, result, orig, m, moff, detail);
}

/* --- Emissions ---------------------------------------------------------------------- */

/*
 * Emissions are counted where they are decided, so NKS_netstats() says the
 * same with or without an ho_emit hook (without one, a reassembled datagram
 * counts once: no originals are kept for it).
 */
void
nke__count_emit(u_int32_t dir)
{
	if (dir == NKS_DIR_IN)
		nke__netstats.ns_emitted_in++;
	else
		nke__netstats.ns_emitted_out++;
}

static void
emit(struct __ifnet *ifp, u_int32_t dir, u_int64_t index, u_int32_t flags, u_int32_t family,
     const u_int8_t *data, u_int32_t len, u_int32_t missing)
{
	const struct nks_hostops *ho = nke__hostops;
	struct nks_emit em;

	if (ifp->if_parent != NULL)
		ifp = ifp->if_parent;
	memset(&em, 0, sizeof(em));
	em.em_index = index;
	em.em_time_ns = nke__clock_calendar_ns;
	em.em_ifindex = ifp->if_index;
	em.em_ifname = ifp->if_xname;
	em.em_dir = dir;
	em.em_flags = flags;
	if (index == 0)
		em.em_flags |= NKS_EMIT_INJECTED;
	em.em_family = family;
	em.em_len = len;
	em.em_wirelen = len + missing;
	em.em_data = data;
	ho->ho_emit(ho->ho_arg, &em);
}

static u_int32_t
family_of_version(u_int8_t vbyte)
{
	switch (vbyte >> 4) {
	case 4:
		return NKS_FAMILY_INET;
	case 6:
		return NKS_FAMILY_INET6;
	default:
		return 0;
	}
}

static u_int32_t
pkt_emit_flags(struct __mbuf *m, const struct nke_pktinfo *pi)
{
	u_int32_t f = 0;

	if ((NKE_PC(m)->pc_flags & NKE_PC_INJECTED) ||
	    (pi != NULL && (pi->pi_flags & NKE_PI_INJECTED)))
		f |= NKS_EMIT_INJECTED;
	if ((NKE_PC(m)->pc_flags & NKE_PC_TRUNC) || (pi != NULL && (pi->pi_flags & NKE_PI_TRUNC)))
		f |= NKS_EMIT_TRUNCATED;
	return f;
}

static u_int32_t
pkt_missing(struct __mbuf *m, const struct nke_pktinfo *pi)
{
	if (pi != NULL && (pi->pi_flags & NKE_PI_TRUNC) && pi->pi_wirelen > pi->pi_framelen)
		return pi->pi_wirelen - pi->pi_framelen;
	return (NKE_PC(m)->pc_flags & NKE_PC_TRUNC) ? NKE_PC(m)->pc_wirelen : 0;
}

static u_int64_t
pkt_index(struct __mbuf *m, const struct nke_pktinfo *pi)
{
	if (NKE_PC(m)->pc_index != 0)
		return NKE_PC(m)->pc_index;
	return pi != NULL ? pi->pi_index : 0;
}

/*
 * Is the unframed packet m (length len) the captured frame's, unchanged?
 * Link padding trimmed by ip_input and a truncated record's missing tail
 * both count as unchanged.
 */
static int
unchanged_l3(struct __mbuf *m, u_int32_t len, const struct nke_pktinfo *pi)
{
	u_int32_t caplen;

	if (pi == NULL || !(pi->pi_flags & NKE_PI_CAPTURED) || pi->pi_frame == NULL ||
	    (pi->pi_flags & (NKE_PI_INJECTED | NKE_PI_L2CHANGED)) ||
	    (NKE_PC(m)->pc_flags & NKE_PC_INJECTED))
		return 0;
	if (pi->pi_framelen < pi->pi_l2len)
		return 0;
	caplen = pi->pi_framelen - pi->pi_l2len;
	if (len > caplen || (len + pi->pi_trimmed != caplen && len != caplen))
		return 0;
	return nke__chain_equal(m, pi->pi_frame + pi->pi_l2len, len);
}

/* Emit an unframed packet (data at the network header) in pi's interface framing. */
static void
emit_l3(struct __mbuf *m, struct nke_pktinfo *pi, u_int32_t dir)
{
	struct __ifnet *ifp = pi->pi_ifp;
	u_int32_t len, hl = 0, family = 0, i;
	u_int8_t *b;
	u_int8_t vbyte = 0;

	if (m == NULL || ifp == NULL || !(m->m_flags & M_PKTHDR))
		return;
	len = pkt_len(m);
	if (len > 0 && m->m_len > 0)
		vbyte = *(const u_int8_t *)m->m_data;
	else if (len > 0)
		nke__m_copydata(m, 0, 1, &vbyte);
	if (unchanged_l3(m, len, pi)) {
		family = ifp->if_nkstype == NKS_IFT_ETHER ? 0 : family_of_version(vbyte);
		emit(ifp, dir, pkt_index(m, pi), pkt_emit_flags(m, pi) | NKS_EMIT_UNCHANGED, family,
		     pi->pi_frame, pi->pi_framelen, pkt_missing(m, pi));
		return;
	}
	b = emit_reserve(len + NKE_ETHER_HDR + 4 * NKE_VLAN_MAXTAGS);
	if (b == NULL)
		return;
	if (ifp->if_nkstype == NKS_IFT_ETHER) {
		u_int8_t eh[NKE_ETHER_HDR];
		const u_int8_t *tags = NULL;
		u_int32_t ntags = 0;

		if ((pi->pi_flags & NKE_PI_HASLHDR) && pi->pi_lhdrlen == NKE_ETHER_HDR) {
			memcpy(eh, pi->pi_lhdr, NKE_ETHER_HDR);
		} else {
			u_int32_t pf = (vbyte >> 4) == 6 ? NKE_AF_INET6 : NKE_AF_INET;

			nke__ether_synth(ifp, m, pf, dir, eh);
		}
		if (NKE_IS_VLAN(ifp)) {
			if (pi->pi_ntags > 0) {
				tags = pi->pi_tags;
				ntags = pi->pi_ntags;
			} else {
				tags = ifp->if_tags;
				ntags = ifp->if_ntags;
			}
		}
		memcpy(b, eh, 12);
		hl = 12;
		for (i = 0; i < ntags; i++, hl += 4)
			memcpy(b + hl, tags + 4 * i, 4);
		memcpy(b + hl, eh + 12, 2);
		hl += 2;
	} else {
		family = family_of_version(vbyte);
	}
	nke__m_copydata(m, 0, (int)len, b + hl);
	emit(ifp, dir, pkt_index(m, pi), pkt_emit_flags(m, pi), family, b, hl + len,
	     pkt_missing(m, pi));
}

void
nke__emit_in(struct __mbuf *m, struct nke_pktinfo *pi)
{
	if (pi->pi_flags & (NKE_PI_LOOP | NKE_PI_NOEMIT))
		return;
	nke__count_emit(NKS_DIR_IN);
	if (nke__emit_on())
		emit_l3(m, pi, NKS_DIR_IN);
}

/*
 * Is the frame m (ifp's framing, tags to be inserted after the addresses)
 * the captured frame of pi, link padding apart?  Compared in place: most
 * packets leave unchanged and need no copy.
 */
static int
unchanged_frame(struct __mbuf *m, u_int32_t len, struct __ifnet *ifp, const struct nke_pktinfo *pi,
                const u_int8_t *tags, u_int32_t ntags)
{
	const u_int8_t *f;
	u_int32_t outlen;

	if (pi == NULL || !(pi->pi_flags & NKE_PI_CAPTURED) || pi->pi_frame == NULL ||
	    (pi->pi_flags & NKE_PI_INJECTED) || (NKE_PC(m)->pc_flags & NKE_PC_INJECTED))
		return 0;
	f = pi->pi_frame;
	if (ifp->if_nkstype != NKS_IFT_ETHER) {
		/* lo0/utun: the captured frame is the packet, without the family word. */
		outlen = len - 4;
		return outlen <= pi->pi_framelen && pi->pi_framelen - outlen <= 64 &&
		       nke__range_equal(m, 4, f, outlen);
	}
	outlen = len + 4 * ntags;
	if (outlen > pi->pi_framelen || pi->pi_framelen - outlen > 64)
		return 0;
	if (ntags == 0)
		return nke__range_equal(m, 0, f, len);
	return nke__range_equal(m, 0, f, 12) && memcmp(tags, f + 12, 4 * ntags) == 0 &&
	       nke__range_equal(m, 12, f + 12 + 4 * ntags, len - 12);
}

void
nke__emit_out(struct __mbuf *m, struct __ifnet *ifp, struct nke_pktinfo *pi)
{
	u_int32_t len, hl, family = 0, i, ntags = 0, dir = NKS_DIR_OUT, flags;
	const u_int8_t *tags = NULL;
	u_int8_t *b;

	if (m == NULL || !(m->m_flags & M_PKTHDR))
		return;
	if (ifp->if_nkstype != NKS_IFT_ETHER && pi != NULL && (pi->pi_flags & NKE_PI_CAPTURED) &&
	    pi->pi_dir != 0)
		dir = pi->pi_dir; /* lo0 frames keep their captured direction */
	nke__count_emit(dir);
	if (!nke__emit_on())
		return;
	len = pkt_len(m);
	flags = pkt_emit_flags(m, pi);
	if (ifp->if_nkstype == NKS_IFT_ETHER) {
		if (len < NKE_ETHER_HDR)
			return;
		if (NKE_IS_VLAN(ifp)) {
			if (pi != NULL && pi->pi_ntags > 0) {
				tags = pi->pi_tags;
				ntags = pi->pi_ntags;
			} else {
				tags = ifp->if_tags;
				ntags = ifp->if_ntags;
			}
		}
	} else {
		u_int32_t af;

		if (len < 4)
			return;
		nke__m_copydata(m, 0, 4, &af);
		family = af == NKE_AF_INET    ? NKS_FAMILY_INET
		         : af == NKE_AF_INET6 ? NKS_FAMILY_INET6
		                              : 0;
	}
	if (unchanged_frame(m, len, ifp, pi, tags, ntags)) {
		/* Unchanged: the captured frame, link padding included. */
		emit(ifp, dir, pkt_index(m, pi), flags | NKS_EMIT_UNCHANGED, family, pi->pi_frame,
		     pi->pi_framelen, pkt_missing(m, pi));
		return;
	}
	if (ifp->if_nkstype == NKS_IFT_ETHER) {
		b = emit_reserve(len + 4 * ntags);
		if (b == NULL)
			return;
		nke__m_copydata(m, 0, 12, b);
		hl = 12;
		for (i = 0; i < ntags; i++, hl += 4)
			memcpy(b + hl, tags + 4 * i, 4);
		nke__m_copydata(m, 12, (int)(len - 12), b + hl);
		len = hl + len - 12;
	} else {
		b = emit_reserve(len);
		if (b == NULL)
			return;
		nke__m_copydata(m, 4, (int)(len - 4), b);
		len -= 4;
	}
	/* An original fragment sent again: unchanged if its hash is what it was. */
	if (pi != NULL && (pi->pi_flags & NKE_PI_ORIGINAL) && pkt_index(m, pi) != 0 &&
	    !(flags & NKS_EMIT_INJECTED) && nkh64(b, len) == pi->pi_prehash)
		flags |= NKS_EMIT_UNCHANGED;
	emit(ifp, dir, pkt_index(m, pi), flags, family, b, len, pkt_missing(m, pi));
}

void
nke__emit_copy(struct __mbuf *copy, struct __ifnet *ifp, u_int32_t dir)
{
	struct nke_pktctx *pc = NKE_PC(copy);
	u_int32_t flags = 0, family = 0;

	nke__count_emit(dir);
	if (!nke__emit_on())
		return;
	if (pc->pc_flags & NKE_PC_TRUNC)
		flags |= NKS_EMIT_TRUNCATED;
	if (pc->pc_index != 0)
		flags |= NKS_EMIT_UNCHANGED; /* an original kept as captured */
	if (ifp->if_nkstype != NKS_IFT_ETHER && copy->m_len > 0)
		family = family_of_version(*(const u_int8_t *)copy->m_data);
	emit(ifp, dir, pc->pc_index, flags, family, (const u_int8_t *)copy->m_data,
	     (u_int32_t)copy->m_len, (pc->pc_flags & NKE_PC_TRUNC) ? pc->pc_wirelen : 0);
}

void
nke__stack_drop(struct __mbuf *m, u_int32_t dir, struct nke_pktinfo *pi, const char *reason)
{
	if (pi != NULL && pi->pi_origs != NULL) {
		/* A reassembled datagram: what was captured were its fragments. */
		if (nke__vd_on())
			nke__verdict(NKS_HOOK_STACK, dir, pi->pi_ifp, 0, NULL, 0, NULL, m, 0,
			             reason);
		nke__origs_emit(pi, dir);
		if (m != NULL)
			nke__m_freem(m);
		return;
	}
	if (nke__vd_on())
		nke__verdict(NKS_HOOK_STACK, dir, pi != NULL ? pi->pi_ifp : NULL, 0, NULL, 0, NULL,
		             m, 0, reason);
	if (m == NULL)
		return;
	if (dir == NKS_DIR_OUT && pi != NULL && pi->pi_nsum > 0 && nke__emit_on())
		/* A captured packet dropped after its checksums were set pending. */
		(void)nke__restore_captured_sums(m, pi, 1);
	if (pi != NULL && !(pi->pi_flags & (NKE_PI_INJECTED | NKE_PI_NOEMIT)) &&
	    !(NKE_PC(m)->pc_flags & NKE_PC_INJECTED) && NKE_PC(m)->pc_index != 0 &&
	    !((pi->pi_flags & NKE_PI_LOOP) && dir == NKS_DIR_IN)) {
		nke__count_emit(dir);
		if (nke__emit_on())
			emit_l3(m, pi, dir);
	}
	nke__m_freem(m);
}

void
nke__pi_from_mbuf(struct nke_pktinfo *pi, struct __mbuf *m, struct __ifnet *ifp)
{
	struct nke_pktctx *pc = NKE_PC(m);

	memset(pi, 0, sizeof(*pi));
	pi->pi_index = pc->pc_index;
	pi->pi_ifp = ifp;
	if (pc->pc_flags & NKE_PC_TRUNC)
		pi->pi_flags |= NKE_PI_TRUNC;
	if ((pc->pc_flags & NKE_PC_INJECTED) || pc->pc_index == 0)
		pi->pi_flags |= NKE_PI_INJECTED;
	if (pc->pc_flags & NKE_PC_LOOP)
		pi->pi_flags |= NKE_PI_LOOP;
	pi->pi_dir = (pc->pc_flags & NKE_PC_DIRIN) ? NKS_DIR_IN : NKS_DIR_OUT;
}

/* --- Frames in ------------------------------------------------------------------------- */

/*
 * One copy of the frame into pooled mbufs, `lead` bytes of room in front.
 * With the default layout (--mbuf-layout contiguous) a frame that fits a
 * packet-header mbuf's MHLEN bytes with plain_lead bytes of room in front
 * goes there, as IONetworkController::replaceOrCopyPacket copies a small
 * received frame into a plain mbuf; plain_lead is lead less a multiple of
 * 16, so the IP header has the same alignment (modulo 8: the header mbuf's
 * data starts 8-byte aligned) as in a cluster.  Larger frames, and every
 * frame with another layout, go into clusters.
 */
_Static_assert(__builtin_offsetof(struct __mbuf, m_pktdat) % 8 == 0,
               "a header mbuf's data must start 8-byte aligned");
/* frame_to_mbuf() into clusters (out of line: the small frame's path stays light). */
static __attribute__((noinline)) struct __mbuf *
frame_to_clusters(const u_int8_t *data, u_int32_t len, u_int32_t lead)
{
	struct __mbuf *m, *n, **tail;
	u_int32_t total = len + lead, off = 0, first = 1;
	u_int size;

	size = total <= NKE_MCLBYTES      ? NKE_MCLBYTES
	       : total <= NKE_MBIGCLBYTES ? NKE_MBIGCLBYTES
	                                  : NKE_M16KCLBYTES;
	m = nke__m_getcl(M_DONTWAIT, MT_DATA, 1, size);
	if (m == NULL)
		return NULL;
	m->m_data += lead;
	tail = &m;
	n = m;
	for (;;) {
		u_int32_t room = (u_int32_t)(size - (first ? lead : 0));
		u_int32_t k = len - off < room ? len - off : room;

		memcpy(n->m_data, data + off, k);
		n->m_len = (int32_t)k;
		off += k;
		if (off == len)
			break;
		tail = &n->m_next;
		first = 0;
		size = NKE_M16KCLBYTES;
		n = nke__m_getcl(M_DONTWAIT, MT_DATA, 0, size);
		if (n == NULL) {
			nke__m_freem(m);
			return NULL;
		}
		*tail = n;
	}
	m->m_pkthdr.len = (int32_t)len;
	return m;
}

static inline struct __mbuf *
frame_to_mbuf(const u_int8_t *data, u_int32_t len, u_int32_t lead, u_int32_t plain_lead)
{
	struct __mbuf *m;

	if (len + plain_lead <= NKE_MHLEN && NKE_LIKELY(nke__chk_layout == NKS_LAYOUT_CONTIGUOUS)) {
		m = nke__m_gethdr(M_DONTWAIT, MT_DATA);
		if (m == NULL)
			return NULL;
		m->m_data += plain_lead;
		memcpy(m->m_data, data, len);
		m->m_len = (int32_t)len;
		m->m_pkthdr.len = (int32_t)len;
		return m;
	}
	return frame_to_clusters(data, len, lead);
}

struct __mbuf *
nke__frame_copy(const struct nke_pktinfo *pi)
{
	struct __mbuf *c;
	struct nke_pktctx *pc;

	if (pi->pi_frame == NULL || pi->pi_framelen > NKE_M16KCLBYTES)
		return NULL;
	c = frame_to_mbuf(pi->pi_frame, pi->pi_framelen, 0, 0);
	if (c == NULL)
		return NULL;
	pc = NKE_PC(c);
	pc->pc_index = pi->pi_index;
	pc->pc_flags = NKE_PC_COPY;
	if (pi->pi_flags & NKE_PI_TRUNC) {
		pc->pc_flags |= NKE_PC_TRUNC;
		pc->pc_wirelen = pi->pi_wirelen - pi->pi_framelen;
	}
	if (pi->pi_dir == NKS_DIR_IN)
		pc->pc_flags |= NKE_PC_DIRIN;
	pc->pc_spare = pi->pi_l2len;
	return c;
}

static void
pi_init(struct nke_pktinfo *pi, const struct nks_frame *fr, struct __ifnet *ifp)
{
	memset(pi, 0, sizeof(*pi));
	pi->pi_index = fr->fr_index;
	pi->pi_flags = NKE_PI_CAPTURED;
	pi->pi_dir = fr->fr_dir;
	pi->pi_ifp = ifp;
	pi->pi_frame = fr->fr_data;
	pi->pi_framelen = fr->fr_caplen;
	pi->pi_wirelen = fr->fr_wirelen > fr->fr_caplen ? fr->fr_wirelen : fr->fr_caplen;
	if ((fr->fr_flags & NKS_FRAME_TRUNCATED) || fr->fr_wirelen > fr->fr_caplen)
		pi->pi_flags |= NKE_PI_TRUNC;
}

static void
pc_init(struct __mbuf *m, const struct nke_pktinfo *pi)
{
	struct nke_pktctx *pc = NKE_PC(m);

	pc->pc_index = pi->pi_index;
	if (pi->pi_flags & NKE_PI_TRUNC) {
		pc->pc_flags |= NKE_PC_TRUNC;
		pc->pc_wirelen = pi->pi_wirelen - pi->pi_framelen;
	}
	if (pi->pi_dir == NKS_DIR_IN)
		pc->pc_flags |= NKE_PC_DIRIN;
}

/* A frame the stack cannot even take in: reported and emitted as it came. */
static void
frame_reject(struct __ifnet *ifp, const struct nks_frame *fr, const char *why)
{
	struct nke_pktinfo pi;

	if (nke__vd_on())
		nke__verdict(NKS_HOOK_STACK, fr->fr_dir, ifp, 0, NULL, 0, NULL, NULL, 0, why);
	nke__count_emit(fr->fr_dir);
	if (nke__emit_on()) {
		pi_init(&pi, fr, ifp);
		emit(ifp, fr->fr_dir, fr->fr_index,
		     NKS_EMIT_UNCHANGED | ((pi.pi_flags & NKE_PI_TRUNC) ? NKS_EMIT_TRUNCATED : 0),
		     ifp->if_nkstype == NKS_IFT_ETHER ? 0
		     : fr->fr_caplen > 0              ? family_of_version(fr->fr_data[0])
		                                      : 0,
		     fr->fr_data, fr->fr_caplen, pi.pi_wirelen - fr->fr_caplen);
	}
}

/* Length of the Ethernet header with its VLAN tags; 0 if the frame is too short. */
static u_int32_t
ether_l2len(const u_int8_t *f, u_int32_t len, u_int32_t *ntags)
{
	u_int32_t off = 12, n = 0;

	for (;;) {
		u_int16_t type;

		if (len < off + 2)
			return 0;
		type = nke__be16(f + off);
		if (type != NKE_ETYPE_VLAN && type != NKE_ETYPE_QINQ && type != NKE_ETYPE_QINQ2)
			break;
		if (n == NKE_VLAN_MAXTAGS)
			break; /* deeper stacks: demux sees an unknown ethertype */
		n++;
		off += 4;
	}
	*ntags = n;
	return off + 2;
}

static void
frame_in(struct __ifnet *ifp, const struct nks_frame *fr)
{
	struct nke_pktinfo pi;
	struct __mbuf *m;
	u_int32_t hl = ifp->if_nkstype == NKS_IFT_ETHER ? NKE_ETHER_HDR : 4;

	if (ifp->if_nkstype == NKS_IFT_ETHER && fr->fr_caplen < NKE_ETHER_HDR) {
		nke__netstats.ns_bad++;
		frame_reject(ifp, fr, "runt");
		return;
	}
	pi_init(&pi, fr, ifp);
	if (ifp->if_nkstype == NKS_IFT_ETHER) {
		/* Two bytes of lead align the IP header, as drivers do (ETHER_ALIGN). */
		m = frame_to_mbuf(fr->fr_data, fr->fr_caplen, 2, 2);
	} else {
		u_int32_t af;

		m = frame_to_mbuf(fr->fr_data, fr->fr_caplen, 16, 16);
		if (m != NULL) {
			/* The 4-byte host-order family word lo0 and utun frames carry. */
			switch (fr->fr_family != 0  ? fr->fr_family
			        : fr->fr_caplen > 0 ? family_of_version(fr->fr_data[0])
			                            : 0) {
			case NKS_FAMILY_INET:
				af = NKE_AF_INET;
				break;
			case NKS_FAMILY_INET6:
				af = NKE_AF_INET6;
				break;
			default:
				af = 0;
				break;
			}
			m->m_data -= 4;
			m->m_len += 4;
			m->m_pkthdr.len += 4;
			memcpy(m->m_data, &af, 4);
		}
	}
	if (m == NULL) {
		frame_reject(ifp, fr, "nomem");
		return;
	}
	pc_init(m, &pi);
	m->m_pkthdr.rcvif = ifp;
	m->m_pkthdr.pkt_hdr = m->m_data;
	m->m_data += hl;
	m->m_len -= (int32_t)hl;
	m->m_pkthdr.len -= (int32_t)hl;
	ifp->if_stats.packets_in++;
	ifp->if_stats.bytes_in += fr->fr_caplen;
	if (ifp->if_nkstype == NKS_IFT_ETHER) {
		u_int32_t ntags = 0, l2 = ether_l2len(fr->fr_data, fr->fr_caplen, &ntags);

		if (ntags > 0)
			nke__netstats.ns_vlan++;
		if (l2 != 0)
			nke__nbr_learn(ifp, fr->fr_data, fr->fr_caplen, l2, NKS_DIR_IN);
	}
	m = nke__layout_apply(m, 0, 1); /* --mbuf-layout (mbuf_layout.c) */
	nke__dlil_input(ifp, m, &pi);
}

/* Outbound IP families by ethertype; 0 for others. */
static int
etype_family(u_int16_t type)
{
	return type == NKE_ETYPE_IP ? 4 : type == NKE_ETYPE_IPV6 ? 6 : 0;
}

static void
frame_out(struct __ifnet *ifp, const struct nks_frame *fr)
{
	struct nke_pktinfo pi;
	struct __mbuf *m;
	u_int32_t l2 = 0, ntags = 0;
	int family;

	pi_init(&pi, fr, ifp);
	if (ifp->if_nkstype == NKS_IFT_ETHER) {
		u_int32_t i, vid = 0;

		l2 = ether_l2len(fr->fr_data, fr->fr_caplen, &ntags);
		if (l2 == 0) {
			nke__netstats.ns_bad++;
			frame_reject(ifp, fr, "runt");
			return;
		}
		pi.pi_l2len = l2;
		memcpy(pi.pi_lhdr, fr->fr_data, 12);
		memcpy(pi.pi_lhdr + 12, fr->fr_data + l2 - 2, 2);
		pi.pi_lhdrlen = NKE_ETHER_HDR;
		pi.pi_flags |= NKE_PI_HASLHDR;
		for (i = 0; i < ntags; i++)
			vid |= nke__be16(fr->fr_data + 14 + 4 * i) & 0x0fff;
		if (ntags > 0) {
			nke__netstats.ns_vlan++;
			memcpy(pi.pi_tags, fr->fr_data + 12, 4 * ntags);
			pi.pi_ntags = ntags;
			if (vid != 0) {
				struct __ifnet *v = nke__vlan_ifnet(ifp, pi.pi_tags, ntags);

				if (v != NULL) {
					pi.pi_ifp = v;
					nke__cur_ifp = v;
				}
			}
		}
		family = etype_family(nke__be16(fr->fr_data + l2 - 2));
		nke__nbr_learn(ifp, fr->fr_data, fr->fr_caplen, l2, NKS_DIR_OUT);
	} else {
		family = fr->fr_family == NKS_FAMILY_INET    ? 4
		         : fr->fr_family == NKS_FAMILY_INET6 ? 6
		         : fr->fr_caplen > 0                 ? (int)(fr->fr_data[0] >> 4)
		                                             : 0;
		if (family != 4 && family != 6)
			family = 0;
	}
	/*
	 * Room for a framer's prepend, and the IP header 4-byte aligned once
	 * the link header is stripped, as ip_output's packets are (a kext may
	 * cast mbuf_data() to struct ip *).  In a plain mbuf (a small frame)
	 * 16 bytes less room, the alignment the same: still room for any
	 * framer (16 bytes more than the link header it had).
	 */
	m = frame_to_mbuf(fr->fr_data, fr->fr_caplen, 32 + ((4 - (l2 & 3)) & 3),
	                  16 + ((4 - (l2 & 3)) & 3));
	if (m == NULL) {
		frame_reject(ifp, fr, "nomem");
		return;
	}
	pc_init(m, &pi);
	if (family == 0) {
		/* Not IP: straight to the interface filters, as captured. */
		u_int32_t pf = 0;

		nke__netstats.ns_nonip++;
		if (ifp->if_nkstype != NKS_IFT_ETHER) {
			nke__stack_drop(m, NKS_DIR_OUT, &pi, "not-ip");
			return;
		}
		if (nke__be16(fr->fr_data + l2 - 2) == NKE_ETYPE_ARP)
			pf = NKE_AF_INET;
		if (l2 > NKE_ETHER_HDR) {
			/* Give the VLAN interface its own untagged framing. */
			m->m_data += l2 - NKE_ETHER_HDR;
			m->m_len -= (int32_t)(l2 - NKE_ETHER_HDR);
			m->m_pkthdr.len -= (int32_t)(l2 - NKE_ETHER_HDR);
			memcpy(m->m_data, pi.pi_lhdr, NKE_ETHER_HDR);
		}
		m = nke__layout_apply(m, NKE_ETHER_HDR, 0); /* --mbuf-layout */
		(void)nke__dlil_output(pi.pi_ifp, pf, m, 1, &pi);
		return;
	}
	m->m_data += l2;
	m->m_len -= (int32_t)l2;
	m->m_pkthdr.len -= (int32_t)l2;
	m = nke__layout_apply(m, 0, 0); /* --mbuf-layout (mbuf_layout.c) */
	nke__transport_output_captured(m, family, &pi);
}

/*
 * The process of the last outbound frame that named none (fr_comm NULL:
 * the name is one of two literals, so comparing pointers compares names),
 * and the generation of its record (0: none).
 */
static u_int64_t frame_proc_gen;
static pid_t frame_proc_pid;
static uid_t frame_proc_uid;
static const char *frame_proc_name;

/*
 * An outbound frame's process becomes the current one: the capture's, or
 * the default application.  The same unnamed process as the last such
 * frame, its record still there: made current again without comparing
 * names (what nke__proc_set_current() does for the same identity).
 */
static inline void
frame_proc(const struct nks_frame *fr)
{
	pid_t pid = fr->fr_pid >= 0 ? fr->fr_pid : NKE_APP_PID;
	const char *name = fr->fr_comm != NULL ? fr->fr_comm : fr->fr_pid >= 0 ? "" : NKE_APP_COMM;
	uid_t uid = fr->fr_uid >= 0 ? (uid_t)fr->fr_uid : NKE_APP_UID;

	if (fr->fr_comm == NULL && frame_proc_gen != 0 && pid == frame_proc_pid &&
	    uid == frame_proc_uid && name == frame_proc_name &&
	    nke__proc_set_current_again(frame_proc_gen))
		return;
	nke__proc_set_current(pid, 1, name, uid, NKE_APP_GID);
	frame_proc_gen = fr->fr_comm == NULL ? nke__proc_current_gen() : 0;
	frame_proc_pid = pid;
	frame_proc_uid = uid;
	frame_proc_name = name;
}

NKE_KPI void
NKS_frame(const struct nks_frame *fr)
{
	struct __ifnet *ifp;
	int proc = 0;

	if (fr == NULL || nke__hostops == NULL)
		return;
	ifp = nke__ifnet_byindex(fr->fr_ifindex);
	if (ifp == NULL || NKE_IS_VLAN(ifp) || (fr->fr_caplen > 0 && fr->fr_data == NULL)) {
		nke__warn("frame-bad-interface", "record %llu: no interface with index %u",
		          (unsigned long long)fr->fr_index, fr->fr_ifindex);
		return;
	}
	nke__net_busy++;
	nke__net_drain(); /* work queued by timers since the last frame */
	nke__cur_index = fr->fr_index;
	nke__cur_ifp = ifp;
	nke__cur_frame = fr;
	if (fr->fr_dir == NKS_DIR_IN)
		nke__netstats.ns_frames_in++;
	else
		nke__netstats.ns_frames_out++;
	if ((fr->fr_flags & NKS_FRAME_TRUNCATED) || fr->fr_wirelen > fr->fr_caplen)
		nke__netstats.ns_truncated++;
	/*
	 * An outbound packet is sent by an application (XNU runs the output
	 * path in the sending thread): the capture's process, or the default
	 * application.  Inbound work runs as the kernel (the input thread).
	 */
	if (fr->fr_dir == NKS_DIR_OUT) {
		frame_proc(fr);
		proc = 1;
	}
	/* lo0 traffic leaves and comes back: the output path, then re-input. */
	if (fr->fr_dir == NKS_DIR_IN && ifp != nke__lo_ifp)
		frame_in(ifp, fr);
	else
		frame_out(ifp, fr);
	if (proc)
		nke__proc_reset_current();
	nke__net_drain();
	nke__cur_frame = NULL;
	nke__cur_index = 0;
	nke__cur_ifp = NULL;
	nke__net_busy--;
}

NKE_KPI void
NKS_netstats(struct nks_netstats *ns)
{
	if (ns == NULL)
		return;
	if (nke__hostops == NULL) {
		memset(ns, 0, sizeof(*ns));
		return;
	}
	*ns = nke__netstats;
}

/* --- Subsystem ----------------------------------------------------------------------- */

void
nke__net_init(void)
{
	memset(&nke__netstats, 0, sizeof(nke__netstats));
	nke__cur_index = 0;
	nke__net_busy = 0;
	nke__net_nest = 0;
	emit_buf = NULL;
	emit_cap = 0;
	memo_buf = NULL;
	memo_cap = 0;
	memo_len = 0;
	nke__vd_mode = 0;
	nke__vd_count = 0;
	nke__vd_last_index = 0;
	nke__vd_last_hook = 0;
	vcount_head = NULL;
	memset(&nke__vcount_app, 0, sizeof(nke__vcount_app));
	nke__ifnet_init();
	nke__kev_init();
	nke__dlil_init();
	nke__proto_init();
	nke__reass_init();
	nke__sock_init();
	nke__ctl_reset(0);
}

void
nke__net_fini(void)
{
	nke__vcount_gone(&nke__vcount_app);
	nke__ctl_reset(1);
	nke__sock_fini();
	nke__reass_fini();
	nke__dlil_fini();
	nke__ipf_fini();
	nke__iflt_fini();
	nke__kev_fini();
	nke__ifnet_fini();
	NKH_free(emit_buf, emit_cap);
	emit_buf = NULL;
	emit_cap = 0;
	NKH_free(memo_buf, memo_cap);
	memo_buf = NULL;
	memo_cap = 0;
	memo_len = 0;
	vcount_head = NULL;
}
