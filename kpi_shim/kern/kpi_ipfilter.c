/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kpi_ipfilter.c - IP filters (kernel world): ipf_addv4/ipf_addv6,
 * ipf_remove, ipf_inject_input/ipf_inject_output, and the two traversals
 * the IP layers call (nke__ipf_input_run, nke__ipf_output_run).
 *
 * As in XNU (kpi_ipfilter.c, ip_input.c, ip_output.c, ip6_*.c): one list
 * per family, newest filter first; removal is immediate when no IP filter
 * callback runs anywhere, otherwise deferred (the filter stays in the list
 * as a pass-through, its ipf_detach runs when the last traversal ends);
 * injected packets carry a kernel tag naming the injector, and a traversal
 * calls only the filters after it in the list (those added before it).  The
 * tag records a filter id rather than XNU's pointer, so a removed and freed
 * injector can never be confused with a new filter at the same address.
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>

#include <net/kpi_protocol.h>

#include "net_internal.h"
#include "kern_checks.h"

#define KERNEL_TAG_TYPE_IPFILT 2       /* XNU's value */
#define IPF_ID_UNKNOWN         (~0ULL) /* an injector no list holds: skips all */

struct nke_ipf_list nke__ipv4_filters = TAILQ_HEAD_INITIALIZER(nke__ipv4_filters);
struct nke_ipf_list nke__ipv6_filters = TAILQ_HEAD_INITIALIZER(nke__ipv6_filters);
static TAILQ_HEAD(, opaque_ipfilter) tbr_filters = TAILQ_HEAD_INITIALIZER(tbr_filters);
static u_int32_t kipf_ref;
static u_int64_t ipf_next_id = 1;

/*
 * Filters whose removal completed (ipf_detach ran, the record is gone): a
 * kext that injects with such a reference afterwards hands XNU a dangling
 * pointer for its skip rule ("ipf-ref-after-remove").
 */
#define IPF_GONE_MAX 16
static struct {
	const void *g_ref;
	u_int32_t g_kext;
	char g_name[48];
} ipf_gone[IPF_GONE_MAX];
static unsigned ipf_gone_next;

static void
ipf_free(struct opaque_ipfilter *f)
{
	unsigned i = ipf_gone_next++ % IPF_GONE_MAX;

	ipf_gone[i].g_ref = f;
	ipf_gone[i].g_kext = f->ipf_kext;
	strlcpy(ipf_gone[i].g_name, f->ipf_f.name != NULL ? f->ipf_f.name : "",
	        sizeof(ipf_gone[i].g_name));
	nke__vcount_gone(&f->ipf_vc[0]);
	nke__vcount_gone(&f->ipf_vc[1]);
	f->ipf_magic = 0;
	NKH_free(f, sizeof(*f));
}

/* A reference to a filter whose removal completed: reported, 1. */
static int
ipf_ref_gone(ipfilter_t ref, const char *who)
{
	unsigned i;

	for (i = 0; i < IPF_GONE_MAX; i++) {
		if (ipf_gone[i].g_ref != ref || ref == NULL)
			continue;
		nke__report("ipf-ref-after-remove",
		            "%s with the reference of IP filter \"%s\" (%s), whose removal "
		            "completed (ipf_detach ran): the reference is stale, and once XNU "
		            "reuses that memory for another filter the skip rule follows the "
		            "wrong one; nkesim skips every filter",
		            who, ipf_gone[i].g_name, nke__kext_name_of(ipf_gone[i].g_kext));
		return 1;
	}
	return 0;
}

static void
ipf_call_detach(struct opaque_ipfilter *f)
{
	struct nke_cb cb;

	if (f->ipf_f.ipf_detach == NULL)
		return;
	nke__cb_enter_at(&cb, f->ipf_kext, f->ipf_f.name, 0, NULL, NULL);
	f->ipf_f.ipf_detach(f->ipf_f.cookie);
	nke__cb_leave(&cb);
}

void
nke__ipf_ref(void)
{
	kipf_ref++;
}

/* The detaches that came while the lists were in use (rare), once the last user left. */
static __attribute__((noinline)) void
ipf_reap(void)
{
	struct opaque_ipfilter *f;

	while (kipf_ref == 0 && (f = TAILQ_FIRST(&tbr_filters)) != NULL) {
		TAILQ_REMOVE(&tbr_filters, f, ipf_tbr);
		TAILQ_REMOVE(f->ipf_family == 4 ? &nke__ipv4_filters : &nke__ipv6_filters, f,
		             ipf_link);
		ipf_call_detach(f);
		ipf_free(f);
	}
}

/* nke__ipf_unref(), inline where the traversals call it once per packet. */
static inline void
ipf_unref(void)
{
	NKE_ASSERT(kipf_ref > 0, "kipf_ref underflow");
	if (--kipf_ref == 0 && !TAILQ_EMPTY(&tbr_filters))
		ipf_reap();
}

void
nke__ipf_unref(void)
{
	ipf_unref();
}

static errno_t
ipf_add(const struct ipf_filter *filter, ipfilter_t *filter_ref, int family)
{
	struct opaque_ipfilter *f;

	if (filter_ref != NULL)
		*filter_ref = NULL;
	if (filter == NULL || filter_ref == NULL || filter->name == NULL ||
	    (filter->ipf_input == NULL && filter->ipf_output == NULL))
		return EINVAL;
	f = NKH_alloc(NKS_ALLOC_KERNEL, sizeof(*f));
	if (f == NULL)
		return ENOMEM; /* NKE-DIVERGENCE: XNU's allocation cannot fail */
	memset(f, 0, sizeof(*f));
	f->ipf_magic = NKE_IPF_MAGIC;
	f->ipf_family = family;
	f->ipf_f = *filter;
	f->ipf_id = ipf_next_id++;
	f->ipf_kext = nke__kext_current_id();
	TAILQ_INSERT_HEAD(family == 4 ? &nke__ipv4_filters : &nke__ipv6_filters, f, ipf_link);
	*filter_ref = f;
	return 0;
}

NKE_KPI errno_t
ipf_addv4(const struct ipf_filter *filter, ipfilter_t *filter_ref)
{
	return ipf_add(filter, filter_ref, 4);
}

NKE_KPI errno_t
ipf_addv6(const struct ipf_filter *filter, ipfilter_t *filter_ref)
{
	return ipf_add(filter, filter_ref, 6);
}

static struct opaque_ipfilter *
ipf_lookup(ipfilter_t ref)
{
	struct opaque_ipfilter *f;

	TAILQ_FOREACH(f, &nke__ipv4_filters, ipf_link)
	if (f == ref)
		return f;
	TAILQ_FOREACH(f, &nke__ipv6_filters, ipf_link)
	if (f == ref)
		return f;
	return NULL;
}

NKE_KPI errno_t
ipf_remove(ipfilter_t filter_ref)
{
	struct opaque_ipfilter *f;

	if (filter_ref == NULL)
		return EINVAL;
	f = ipf_lookup(filter_ref);
	if (f == NULL) {
		/*
		 * NKE-DIVERGENCE: XNU reads the stale filter (use after free)
		 * and answers EINVAL or ENOENT depending on what the memory
		 * holds; nkesim reports it and says ENOENT.
		 */
		nke__report(
		    "ipf-remove-unknown",
		    "ipf_remove of a filter reference that is not (or no longer) installed");
		return ENOENT;
	}
	if (f->ipf_removed) {
		/*
		 * NKE-DIVERGENCE: XNU would queue it for deferred detach a
		 * second time (list corruption); reported, otherwise ignored.
		 */
		nke__report("ipf-remove-twice", "ipf_remove(\"%s\") called again before its detach",
		            f->ipf_f.name != NULL ? f->ipf_f.name : "");
		return 0;
	}
	f->ipf_removed = 1;
	if (kipf_ref > 0) {
		/* Filters are running: becomes a pass-through until the last one ends. */
		TAILQ_INSERT_TAIL(&tbr_filters, f, ipf_tbr);
		return 0;
	}
	TAILQ_REMOVE(f->ipf_family == 4 ? &nke__ipv4_filters : &nke__ipv6_filters, f, ipf_link);
	ipf_call_detach(f);
	ipf_free(f);
	return 0;
}

/* --- The injection tag ------------------------------------------------------------ */

static int
ipf_tag(struct __mbuf *m, ipfilter_t ref)
{
	struct opaque_ipfilter *f = ipf_lookup(ref);
	u_int64_t id = f != NULL ? f->ipf_id : IPF_ID_UNKNOWN;
	struct m_tag *t;

	t = nke__m_tag_alloc(KERNEL_MODULE_TAG_ID, KERNEL_TAG_TYPE_IPFILT, sizeof(id), M_DONTWAIT);
	if (t == NULL)
		return ENOMEM;
	memcpy(t->m_tag_data, &id, sizeof(id));
	nke__m_tag_prepend(m, t);
	return 0;
}

u_int64_t
nke__ipf_get_inject(struct __mbuf *m)
{
	struct m_tag *t;
	u_int64_t id;

	if (m->m_pkthdr.tags == NULL)
		return 0;
	t = nke__m_tag_locate(m, KERNEL_MODULE_TAG_ID, KERNEL_TAG_TYPE_IPFILT);
	if (t == NULL)
		return 0;
	memcpy(&id, t->m_tag_data, sizeof(id));
	nke__m_tag_delete(m, t);
	return id;
}

/* --- Unload ---------------------------------------------------------------------------- */

/* A kext stopped with IP filters still installed: XNU calls unloaded code. */
void
nke__ipf_kext_stopped(u_int32_t kext)
{
	struct opaque_ipfilter *f;

	TAILQ_FOREACH(f, &nke__ipv4_filters, ipf_link)
	if (f->ipf_kext == kext && !f->ipf_removed)
		nke__report("filter-not-removed",
		            "%s stopped with its IPv4 filter \"%s\" still installed (no "
		            "ipf_remove): XNU calls the unloaded code for the next packet",
		            nke__kext_name_of(kext), f->ipf_f.name != NULL ? f->ipf_f.name : "");
	TAILQ_FOREACH(f, &nke__ipv6_filters, ipf_link)
	if (f->ipf_kext == kext && !f->ipf_removed)
		nke__report("filter-not-removed",
		            "%s stopped with its IPv6 filter \"%s\" still installed (no "
		            "ipf_remove): XNU calls the unloaded code for the next packet",
		            nke__kext_name_of(kext), f->ipf_f.name != NULL ? f->ipf_f.name : "");
}

/* --- Traversals --------------------------------------------------------------------- */

static int
pkt_proto(int family, struct __mbuf *m)
{
	u_int8_t b = 0;

	if (m == NULL || m->m_pkthdr.len < (family == 4 ? 10 : 7))
		return -1;
	nke__m_copydata(m, family == 4 ? 9 : 6, 1, &b);
	return b;
}

int
nke__ipf_input_run(int family, struct __mbuf **mp, int off, int proto, u_int64_t *inject,
                   struct nke_pktinfo *pi)
{
	struct nke_ipf_list *list = family == 4 ? &nke__ipv4_filters : &nke__ipv6_filters;
	struct opaque_ipfilter *f;
	struct nke_vtrack vt = {0};
	int seen = *inject == 0, fixed = 0, vd_on = nke__vd_on();

	if (TAILQ_EMPTY(list))
		return 0;
	nke__ipf_ref();
	TAILQ_FOREACH(f, list, ipf_link)
	{
		struct __mbuf *orig;
		struct nke_cb cb;
		int r;

		if (!seen) {
			if (f->ipf_id == *inject)
				seen = 1;
			continue;
		}
		if (f->ipf_removed || f->ipf_f.ipf_input == NULL)
			continue;
		if (family == 4 && !fixed) {
			/*
			 * Before the first filter: the whole header contiguous and
			 * its checksum recomputed (ip_len/ip_off are already in
			 * wire order here).
			 */
			u_int8_t *ip;

			if ((*mp)->m_len < off) {
				*mp = nke__m_pullup(*mp, off);
				if (*mp == NULL) {
					ipf_unref();
					nke__stack_drop(NULL, NKS_DIR_IN, pi, "pullup-failed");
					return 1;
				}
			}
			ip = (u_int8_t *)(*mp)->m_data;
			/* ip_input verified it, and nothing wrote the header since. */
			if (!(pi->pi_flags & NKE_PI_HDRSUM_OK)) {
				ip[10] = ip[11] = 0;
				memcpy(ip + 10, (u_int16_t[]){nke__ip_hdr_sum(ip, (u_int32_t)off)}, 2);
			}
			fixed = 1;
		}
		orig = *mp;
		if (vd_on)
			nke__vtrack_before(&vt, *mp, 0);
		nke__cb_enter_at(&cb, f->ipf_kext, f->ipf_f.name, NKS_HOOK_IPF_INPUT, mp, NULL);
		r = f->ipf_f.ipf_input(f->ipf_f.cookie, mp, off, (u_int8_t)proto);
		nke__cb_leave_at(&cb, r, f->ipf_kext, f->ipf_f.name, mp, NULL);
		if (vd_on) {
			char d[48], *e = d;

			if (!nke__vd_brief()) {
				memcpy(e, "proto=", 6);
				e = nke__put_int(e + 6, proto);
				memcpy(e, " offset=", 8);
				*nke__put_int(e + 8, off) = '\0';
			}
			nke__verdict_c(&f->ipf_vc[0], &vt, NKS_HOOK_IPF_INPUT, NKS_DIR_IN,
			               pi->pi_ifp, f->ipf_kext, f->ipf_f.name, r, orig,
			               r == EJUSTRETURN ? NULL : *mp, 0,
			               nke__vd_brief() ? NULL : d);
		}
		if (nke__cb_result(r, mp, "ipf_input", f->ipf_f.name) != 0) {
			ipf_unref();
			return 1;
		}
		if (family == 4 && (*mp)->m_len >= 1 &&
		    (int)((*(u_int8_t *)(*mp)->m_data & 0x0f) << 2) != off)
			nke__report("ipf-input-hlen-changed",
			            "ipf_input \"%s\" changed the IP header length and returned 0; "
			            "XNU keeps using offset %d",
			            f->ipf_f.name, off);
	}
	ipf_unref();
	if (seen)
		*inject = 0; /* IPv6: later headers are shown to every filter */
	return 0;
}

/*
 * NKS_CC_LINK_OUTPUT: XNU's TCP hands ip_output chains of segments, and the
 * IPv4 filter loop does not unlink them, so ipf_output may get a packet
 * whose m_nextpkt links the next segment (kpi-reference.md 2.1 item 3).
 * The stress mode links a small packet of the stack's own to each TCP
 * segment while the IPv4 filters run, and checks after each of them that
 * the link is still there and the packet alive ("nextpkt-tampered").
 */
static int
is_tcp4(struct __mbuf *m)
{
	u_int8_t h[10];

	if (m->m_pkthdr.len < 20 || nke__m_length(m) < 20)
		return 0;
	nke__m_copydata(m, 0, 10, h);
	return (h[0] >> 4) == 4 && h[9] == NKE_IPPROTO_TCP;
}

static struct __mbuf *
link_make(struct __mbuf *m)
{
	struct __mbuf *n = nke__m_gethdr(M_DONTWAIT, MT_DATA);

	if (n == NULL)
		return NULL;
	/* A copy of the header: what a filter walking the list would see. */
	n->m_len = m->m_pkthdr.len < 40 ? m->m_pkthdr.len : 40;
	nke__m_copydata(m, 0, n->m_len, n->m_data);
	n->m_pkthdr.len = n->m_len;
	n->m_pkthdr.rcvif = m->m_pkthdr.rcvif;
	return n;
}

/* After one filter: the link is gone (reported, NULL returned) or unlinked again. */
static struct __mbuf *
link_check(struct __mbuf **mp, struct __mbuf *orig, struct __mbuf *link, int r,
           struct opaque_ipfilter *f)
{
	struct __mbuf *head = r == 0 ? *mp : orig;
	const char *what = NULL;

	if (!nke__m_live(link))
		what = "freed the packet it links";
	else if (head != NULL && nke__m_live(head) && head->m_nextpkt != link)
		what = head->m_nextpkt == NULL ? "cleared it" : "changed it";
	if (head != NULL && nke__m_live(head) && head->m_nextpkt == link)
		head->m_nextpkt = NULL;
	if (what == NULL)
		return link;
	nke__report("nextpkt-tampered",
	            "ipf_output \"%s\" got a TCP packet whose m_nextpkt links the next packet "
	            "of a chain (as XNU's TCP sends them) and %s: in XNU the rest of the chain "
	            "is lost or freed twice",
	            f->ipf_f.name != NULL ? f->ipf_f.name : "", what);
	if (r == 0 && *mp != NULL && nke__m_live(*mp))
		(*mp)->m_nextpkt = NULL;
	if (nke__m_live(link) && link->m_nextpkt == NULL && what[0] == 'c' && what[1] == 'l')
		nke__m_freem(link); /* cleared: nobody refers to it any more */
	return NULL;
}

int
nke__ipf_output_run(int family, struct __mbuf **mp, u_int64_t inject, ipf_pktopts_t opts,
                    struct nke_pktinfo *pi)
{
	struct __mbuf *link = NULL; /* NKS_CC_LINK_OUTPUT */
	int link_tried = 0;
	struct nke_ipf_list *list = family == 4 ? &nke__ipv4_filters : &nke__ipv6_filters;
	struct opaque_ipfilter *f;
	struct nke_vtrack vt = {0};
	int seen = inject == 0, vd_on = nke__vd_on();

	if (TAILQ_EMPTY(list))
		return 0;
	nke__ipf_ref();
	TAILQ_FOREACH(f, list, ipf_link)
	{
		struct __mbuf *orig;
		struct nke_cb cb;
		int r;

		if (!seen) {
			if (f->ipf_id == inject)
				seen = 1;
			continue;
		}
		if (f->ipf_removed || f->ipf_f.ipf_output == NULL)
			continue;
		orig = *mp;
		if (vd_on)
			nke__vtrack_before(&vt, *mp, 0);
		if (NKE_UNLIKELY(nke__chk_flags & NKS_CC_LINK_OUTPUT) && !link_tried) {
			link_tried = 1;
			if (family == 4 && (*mp)->m_nextpkt == NULL && is_tcp4(*mp))
				link = link_make(*mp);
		}
		if (link != NULL)
			(*mp)->m_nextpkt = link;
		nke__cb_enter_at(&cb, f->ipf_kext, f->ipf_f.name, NKS_HOOK_IPF_OUTPUT, mp, NULL);
		r = f->ipf_f.ipf_output(f->ipf_f.cookie, mp, opts);
		nke__cb_leave_at(&cb, r, f->ipf_kext, f->ipf_f.name, mp, NULL);
		if (link != NULL && (link = link_check(mp, orig, link, r, f)) != NULL &&
		    r != 0 && r != EJUSTRETURN && nke__m_live(link)) {
			nke__m_freem(link);
			link = NULL;
		}
		if (vd_on) {
			char d[32];
			struct __mbuf *after = r == EJUSTRETURN ? NULL : *mp;

			if (!nke__vd_brief()) {
				memcpy(d, "proto=", 6);
				*nke__put_int(d + 6, pkt_proto(family, after)) = '\0';
			}
			nke__verdict_c(&f->ipf_vc[1], &vt, NKS_HOOK_IPF_OUTPUT, NKS_DIR_OUT,
			               pi != NULL ? pi->pi_ifp : NULL, f->ipf_kext, f->ipf_f.name,
			               r, orig, after, 0, nke__vd_brief() ? NULL : d);
		}
		if (family == 4 && r != 0 && r != EJUSTRETURN && *mp != orig)
			/*
			 * NKE-DIVERGENCE: XNU's ip_output frees the head it saved
			 * before the filters (a stale pointer here); nkesim frees
			 * the packet the filter handed back.
			 */
			nke__report(
			    "ipf-output-replaced-error",
			    "ipf_output \"%s\" replaced *data and returned %d: XNU frees the "
			    "stale original",
			    f->ipf_f.name, r);
		if (nke__cb_result(r, mp, "ipf_output", f->ipf_f.name) != 0) {
			ipf_unref();
			if (link != NULL && nke__m_live(link))
				nke__m_freem(link);
			return 1;
		}
	}
	ipf_unref();
	if (link != NULL && nke__m_live(link))
		nke__m_freem(link);
	return 0;
}

/* --- Injection ------------------------------------------------------------------------ */

static int
pkt_version(struct __mbuf *m)
{
	u_int8_t b;

	if (m->m_pkthdr.len < 1 || nke__m_length(m) < 1)
		return 0;
	nke__m_copydata(m, 0, 1, &b);
	return b >> 4;
}

static errno_t
inject_input(mbuf_t data, ipfilter_t filter_ref)
{
	struct __mbuf *m = data;
	int v, error;
	u_int32_t pf;

	if (m == NULL || !(m->m_flags & M_PKTHDR))
		return EINVAL;
	v = pkt_version(m);
	if (v != 4 && v != 6)
		return ENOTSUP;
	pf = v == 4 ? NKE_AF_INET : NKE_AF_INET6;
	if (filter_ref == NULL && m->m_pkthdr.rcvif == NULL) {
		/* The interface owning the destination, else lo0. */
		u_int8_t hdr[40];
		u_int32_t i;

		memset(hdr, 0, sizeof(hdr));
		if (nke__m_length(m) >= (v == 4 ? 20u : 40u))
			nke__m_copydata(m, 0, v == 4 ? 20 : 40, hdr);
		for (i = 1; i <= nke__if_count && m->m_pkthdr.rcvif == NULL; i++) {
			struct __ifnet *ifp = nke__ifindex[i];
			struct __ifaddr *ifa;

			if (ifp == NULL)
				continue;
			TAILQ_FOREACH(ifa, &ifp->if_addrs, ifa_link)
			{
				if (v == 4 && ifa->ifa_family == AF_INET &&
				    memcmp(ifa->ifa_raw, hdr + 16, 4) == 0)
					break;
				if (v == 6 && ifa->ifa_family == AF_INET6 &&
				    memcmp(ifa->ifa_raw, hdr + 24, 16) == 0)
					break;
			}
			if (ifa != NULL)
				m->m_pkthdr.rcvif = ifp;
		}
		if (m->m_pkthdr.rcvif == NULL)
			m->m_pkthdr.rcvif = nke__lo_ifp;
		m->m_pkthdr.csum_data = 0;
		m->m_pkthdr.csum_flags = 0;
		if (v == 4 && m->m_len >= 20) {
			u_int8_t *ip = (u_int8_t *)m->m_data;
			u_int32_t hlen = (u_int32_t)(ip[0] & 0x0f) << 2;

			if (hlen >= 20 && (u_int32_t)m->m_len >= hlen) {
				u_int16_t s;

				ip[10] = ip[11] = 0;
				s = nke__ip_hdr_sum(ip, hlen);
				memcpy(ip + 10, &s, 2);
			}
		}
	}
	if (filter_ref != NULL) {
		if (m->m_pkthdr.rcvif == NULL) {
			/* NKE-DIVERGENCE: XNU's ip_input asserts; reported, lo0 used. */
			nke__report(
			    "ipf-inject-no-rcvif",
			    "ipf_inject_input with a filter reference and no receive interface: "
			    "XNU's ip_input asserts; lo0 is used");
			m->m_pkthdr.rcvif = nke__lo_ifp;
		}
		error = ipf_tag(m, filter_ref);
		if (error != 0)
			return error; /* the caller still owns the packet */
	}
	return proto_inject(pf, m);
}

static errno_t
inject_output(mbuf_t data, ipfilter_t filter_ref, ipf_pktopts_t options)
{
	struct __mbuf *m = data;
	struct nke_pktinfo pi;
	int v, error;

	if (m == NULL)
		return EINVAL;
	if (!(m->m_flags & M_PKTHDR)) {
		nke__m_freem(m);
		return EINVAL;
	}
	v = pkt_version(m);
	if (v != 4 && v != 6) {
		nke__m_freem(m);
		return ENOTSUP;
	}
	if (m->m_len < (v == 4 ? 20 : 40)) {
		m = nke__m_pullup(m, v == 4 ? 20 : 40);
		if (m == NULL)
			return ENOMEM;
	}
	if (filter_ref != NULL && ipf_tag(m, filter_ref) != 0) {
		nke__m_freem(m);
		return ENOMEM;
	}
	if (nke__net_nest >= NKE_INJECT_DEPTH) {
		nke__report("inject-recursion",
		            "ipf_inject_output re-entered IP output more than %d times for one "
		            "packet; dropped",
		            NKE_INJECT_DEPTH);
		nke__m_freem(m);
		return ELOOP;
	}
	nke__net_nest++;
	NKE_PC(m)->pc_flags |= NKE_PC_INJECTED;
	nke__netstats.ns_injected++;
	nke__pi_from_mbuf(&pi, m, NULL);
	pi.pi_flags |= NKE_PI_INJECTED;
	if (v == 4)
		error = nke__ip_output(m, NKE_IPO_RAW, options, &pi);
	else
		error = nke__ip6_output(m, NKE_IPO_RAW, options, &pi);
	nke__net_nest--;
	return error;
}

/*
 * An injection's arguments: a freed packet is a use after free (reported at
 * the kext's call site ra, EINVAL); a removed filter's reference is
 * reported and the packet still injected.  Returns 1 for EINVAL.
 */
static int
inject_args_bad(mbuf_t data, ipfilter_t filter_ref, const char *kpi, void *ra)
{
	if (data != NULL && !nke__m_live(data)) {
		nke__m_uaf(data, kpi, ra);
		return 1;
	}
	if (filter_ref != NULL && ipf_lookup(filter_ref) == NULL)
		(void)ipf_ref_gone(filter_ref, kpi);
	return 0;
}

/*
 * The KPI: ownership of the packet moves to the stack for good on success
 * (input) or in every case (output), as in XNU (kpi-reference.md 1.5); the
 * checks record the hand-off and the kext's call site.
 */
NKE_KPI errno_t
ipf_inject_input(mbuf_t data, ipfilter_t filter_ref)
{
	NKE_KPI_CALL("ipf_inject_input");
	u_int32_t owner, site;
	errno_t error;

	if (inject_args_bad(data, filter_ref, "ipf_inject_input", __builtin_return_address(0)))
		return EINVAL;
	if (data == NULL)
		return inject_input(data, filter_ref);
	owner = data->m_owner;
	site = nke__site_new(NKE_SITE_HANDOFF, NULL, NULL, 0);
	nke__m_own_chain(data, NKE_OWN_STACK, site);
	error = inject_input(data, filter_ref);
	if (error != 0 && nke__m_live(data))
		/* The caller still owns it (and must free it). */
		nke__m_own_chain(data, owner,
		                 nke__site_new(NKE_SITE_RETURNED, NULL, NULL, error));
	return error;
}

NKE_KPI errno_t
ipf_inject_output(mbuf_t data, ipfilter_t filter_ref, ipf_pktopts_t options)
{
	NKE_KPI_CALL("ipf_inject_output");
	u_int32_t site;
	errno_t error;

	if (inject_args_bad(data, filter_ref, "ipf_inject_output", __builtin_return_address(0)))
		return EINVAL;
	site = data != NULL ? nke__site_new(NKE_SITE_HANDOFF, NULL, NULL, 0) : 0;
	if (data != NULL)
		nke__m_own_chain(data, NKE_OWN_STACK, site);
	error = inject_output(data, filter_ref, options);
	nke__site_set_err(site, error);
	return error;
}

void
nke__ipf_fini(void)
{
	struct opaque_ipfilter *f;

	/* Filters still installed at the end: freed without callbacks. */
	while ((f = TAILQ_FIRST(&nke__ipv4_filters)) != NULL) {
		TAILQ_REMOVE(&nke__ipv4_filters, f, ipf_link);
		ipf_free(f);
	}
	while ((f = TAILQ_FIRST(&nke__ipv6_filters)) != NULL) {
		TAILQ_REMOVE(&nke__ipv6_filters, f, ipf_link);
		ipf_free(f);
	}
	TAILQ_INIT(&tbr_filters);
	kipf_ref = 0;
	ipf_next_id = 1;
}
