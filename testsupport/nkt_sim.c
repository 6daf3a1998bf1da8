/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nkt_sim.c - the simulated-host side of nkesim's unit-test support (kernel
 * world): the test interface, feeding frames, the recorder of emissions and
 * verdicts, starting and stopping the kext under test, direct calls of a
 * filter's callbacks, and the assertions on what was recorded.
 *
 * This file is linked with the static shim, so it reaches the simulator's
 * internals (the filter lists, the clock, the host table) where the seam
 * offers nothing; a kext author's test only ever sees <nkt_kext.h>.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <stdarg.h>
#include <string.h>
#include <libkern/libkern.h>

#include "net_internal.h"
#include "nkt_kext.h"

u_int32_t nkt_ifindex;
static u_int64_t next_index = 1;
static u_int32_t split;
static int proc_pid = -1, proc_uid = -1;
static char proc_comm[32];
static const struct nks_hhint *hints;
static unsigned nhints;

/* --- Recording ------------------------------------------------------------------ */

struct nkt_emit nkt_emits[NKT_MAX_EMITS];
unsigned nkt_nemits;
struct nkt_verdict nkt_verdicts[NKT_MAX_VERDICTS];
unsigned nkt_nverdicts;
static struct nks_hostops rec_ops;

static void
rec_copystr(char *dst, size_t size, const char *src)
{
	if (src == NULL)
		dst[0] = '\0';
	else
		strlcpy(dst, src, size);
}

static void
on_emit(void *arg, const struct nks_emit *em)
{
	struct nkt_emit *r;

	(void)arg;
	if (nkt_nemits == NKT_MAX_EMITS)
		return;
	r = &nkt_emits[nkt_nemits++];
	r->e = *em;
	rec_copystr(r->ifname, sizeof(r->ifname), em->em_ifname);
	memcpy(r->data, em->em_data, em->em_len < NKT_EMIT_DATA ? em->em_len : NKT_EMIT_DATA);
	r->e.em_data = r->data;
	r->e.em_ifname = em->em_ifname != NULL ? r->ifname : NULL;
}

static void
on_verdict(void *arg, const struct nks_verdict *vd)
{
	struct nkt_verdict *r;

	(void)arg;
	if (nkt_nverdicts == NKT_MAX_VERDICTS)
		return;
	r = &nkt_verdicts[nkt_nverdicts++];
	r->v = *vd;
	rec_copystr(r->ifname, sizeof(r->ifname), vd->vd_ifname);
	rec_copystr(r->kext, sizeof(r->kext), vd->vd_kext);
	rec_copystr(r->filter, sizeof(r->filter), vd->vd_filter);
	rec_copystr(r->detail, sizeof(r->detail), vd->vd_detail);
	/* NULL stays NULL (the stack's own verdicts have no kext or filter). */
	r->v.vd_ifname = vd->vd_ifname != NULL ? r->ifname : NULL;
	r->v.vd_kext = vd->vd_kext != NULL ? r->kext : NULL;
	r->v.vd_filter = vd->vd_filter != NULL ? r->filter : NULL;
	r->v.vd_detail = vd->vd_detail != NULL ? r->detail : NULL;
}

struct nkt_ctl_msg nkt_ctl_msgs[NKT_MAX_CTL_MSGS];
unsigned nkt_nctl_msgs;

static void
on_ctl_recv(void *arg, nks_u32 client, const nks_u8 *data, nks_size len, nks_u32 flags)
{
	struct nkt_ctl_msg *r;

	(void)arg;
	if (nkt_nctl_msgs == NKT_MAX_CTL_MSGS)
		return;
	r = &nkt_ctl_msgs[nkt_nctl_msgs++];
	r->client = client;
	r->flags = flags;
	r->len = (u_int32_t)len;
	if (len > 0)
		memcpy(r->data, data, len < NKT_CTL_MSG_MAX ? len : NKT_CTL_MSG_MAX);
}

/*
 * Put our table in front of the runner's: the kernel reads the table
 * through nke__hostops at every call, so swapping the pointer is enough.
 */
static void
hooks_install(void)
{
	if (nke__hostops != &rec_ops) {
		rec_ops = *nke__hostops;
		rec_ops.ho_emit = NULL;
		rec_ops.ho_verdict = NULL;
		rec_ops.ho_ctl_recv = on_ctl_recv;
		nke__hostops = &rec_ops;
		nkt_nctl_msgs = 0;
	}
}

void
nkt_record(int emits, int verdicts)
{
	hooks_install();
	rec_ops.ho_emit = emits ? on_emit : NULL;
	rec_ops.ho_verdict = verdicts ? on_verdict : NULL;
	nkt_record_reset();
}

void
nkt_record_reset(void)
{
	nkt_nemits = 0;
	nkt_nverdicts = 0;
}

unsigned
nkt_count_verdicts(u_int32_t hook, const char *filter)
{
	unsigned i, n = 0;

	for (i = 0; i < nkt_nverdicts; i++)
		if ((hook == 0 || nkt_verdicts[i].v.vd_hook == hook) &&
		    (filter == NULL || strcmp(nkt_verdicts[i].filter, filter) == 0))
			n++;
	return n;
}

const struct nkt_verdict *
nkt_find_verdict(u_int64_t index, u_int32_t hook, const char *filter)
{
	unsigned i;

	for (i = nkt_nverdicts; i-- > 0;) {
		const struct nkt_verdict *v = &nkt_verdicts[i];

		if ((index == 0 || v->v.vd_index == index) && (hook == 0 || v->v.vd_hook == hook) &&
		    (filter == NULL || strcmp(v->filter, filter) == 0))
			return v;
	}
	return NULL;
}

unsigned
nkt_count_results(u_int64_t index, u_int32_t hook, const char *filter, int result)
{
	unsigned i, n = 0;

	for (i = 0; i < nkt_nverdicts; i++) {
		const struct nkt_verdict *v = &nkt_verdicts[i];

		if ((index == 0 || v->v.vd_index == index) && (hook == 0 || v->v.vd_hook == hook) &&
		    (filter == NULL || strcmp(v->filter, filter) == 0) && v->v.vd_result == result)
			n++;
	}
	return n;
}

const struct nkt_verdict *
nkt_stack_verdict(const char *why)
{
	unsigned i;

	for (i = nkt_nverdicts; i-- > 0;)
		if (nkt_verdicts[i].v.vd_hook == NKS_HOOK_STACK &&
		    strcmp(nkt_verdicts[i].detail, why) == 0)
			return &nkt_verdicts[i];
	return NULL;
}

unsigned
nkt_count_emits(u_int32_t dir)
{
	unsigned i, n = 0;

	for (i = 0; i < nkt_nemits; i++)
		if (dir == 0 || nkt_emits[i].e.em_dir == dir)
			n++;
	return n;
}

const struct nkt_emit *
nkt_find_emit(u_int64_t index, u_int32_t dir)
{
	unsigned i;

	for (i = 0; i < nkt_nemits; i++)
		if (nkt_emits[i].e.em_index == index && (dir == 0 || nkt_emits[i].e.em_dir == dir))
			return &nkt_emits[i];
	return NULL;
}

/* --- The simulated host ------------------------------------------------------------ */

u_int32_t
nkt_ifnet_attach(const char *name, u_int32_t offload, u_int32_t mtu)
{
	struct nks_ifaddr a[2];
	struct nks_ifspec s;
	u_int32_t idx = 0;

	memset(a, 0, sizeof(a));
	a[0].ia_family = NKS_FAMILY_INET;
	a[0].ia_prefixlen = 24;
	memcpy(a[0].ia_addr, nkt_ip4_host, 4);
	a[1].ia_family = NKS_FAMILY_INET6;
	a[1].ia_prefixlen = 64;
	memcpy(a[1].ia_addr, nkt_ip6_host, 16);
	memset(&s, 0, sizeof(s));
	s.is_name = name;
	s.is_type = NKS_IFT_ETHER;
	s.is_mtu = mtu;
	memcpy(s.is_lladdr, nkt_mac_host, 6);
	s.is_offload = offload;
	s.is_naddrs = 2;
	s.is_addrs = a;
	KT_ASSERT_EQ(NKS_ifnet_attach(&s, &idx), 0);
	/* Let the link come up (the events the input thread posts). */
	nke__net_drain();
	return idx;
}

u_int32_t
nkt_host_up_ex(const char *ifname, u_int32_t offload, u_int32_t mtu)
{
	/* 2023-11-14T22:13:20Z, 1000 s after boot: what nke-replay would show. */
	NKS_clock_set(1700000000LL * 1000000000LL, 1000ULL * 1000000000ULL);
	nkt_record(1, 1);
	next_index = 1;
	nkt_set_proc(-1, NULL, -1);
	nkt_set_hints(NULL, 0);
	nkt_ifindex = nkt_ifnet_attach(ifname, offload, mtu);
	return nkt_ifindex;
}

u_int32_t
nkt_host_up(void)
{
	return nkt_host_up_ex(NKT_IFNAME, 0, 0);
}

static u_int64_t
feed(u_int32_t ifindex, u_int32_t dir, u_int32_t flags, u_int32_t family, const u_int8_t *data,
    u_int32_t caplen, u_int32_t wirelen)
{
	struct nks_frame fr;

	memset(&fr, 0, sizeof(fr));
	fr.fr_index = next_index++;
	fr.fr_time_ns = nke__clock_calendar_ns;
	fr.fr_ifindex = ifindex;
	fr.fr_dir = dir;
	fr.fr_flags = flags;
	fr.fr_family = family;
	fr.fr_caplen = caplen;
	fr.fr_wirelen = wirelen;
	fr.fr_data = data;
	fr.fr_pid = proc_pid;
	fr.fr_comm = proc_pid >= 0 && proc_comm[0] != '\0' ? proc_comm : NULL;
	fr.fr_uid = proc_uid;
	fr.fr_hints = hints;
	fr.fr_nhints = nhints;
	NKS_frame(&fr);
	return fr.fr_index;
}

void
nkt_set_hints(const struct nks_hhint *h, unsigned n)
{
	hints = h;
	nhints = n;
}

void
nkt_set_proc(int pid, const char *comm, int uid)
{
	proc_pid = pid;
	proc_uid = uid;
	strlcpy(proc_comm, comm != NULL ? comm : "", sizeof(proc_comm));
}

u_int64_t
nkt_send_on(u_int32_t ifindex, const struct nkt_pkt *p)
{
	static struct nkt_pkt framed; /* large: off the stack */

	if (ifindex == 0)
		NKT_fail("nkt_send: no interface (call nkt_host_up() first)", __FILE__, __LINE__);
	if (p->l2 == 0 && p->family != 0) {
		/* A bare IP packet: give it the Ethernet header of its direction. */
		nkt_pkt_eth(&framed, p->dir == NKS_DIR_IN, p->family == 6 ? 0x86dd : 0x0800, 0,
		    NULL);
		if (framed.len + p->len > NKT_PKT_MAX)
			NKT_fail("nkt_send: packet too large", __FILE__, __LINE__);
		memcpy(framed.b + framed.len, p->b, p->len);
		framed.len += p->len;
		return feed(ifindex, p->dir, 0, 0, framed.b, framed.len, framed.len);
	}
	return feed(ifindex, p->dir != 0 ? p->dir : NKS_DIR_IN, 0, 0, p->b, p->len, p->len);
}

u_int64_t
nkt_send(const struct nkt_pkt *p)
{
	return nkt_send_on(nkt_ifindex, p);
}

u_int64_t
nkt_sendf(const char *fmt, ...)
{
	static struct nkt_pkt p;
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	NKT_PKT(&p, "%s", text);
	return nkt_send(&p);
}

u_int64_t
nkt_send_frame(u_int32_t ifindex, u_int32_t dir, const u_int8_t *frame, u_int32_t caplen,
    u_int32_t wirelen)
{
	return feed(ifindex, dir, caplen < wirelen ? NKS_FRAME_TRUNCATED : 0, 0, frame, caplen,
	    wirelen);
}

u_int64_t
nkt_send_l3(u_int32_t ifindex, u_int32_t dir, int family, const u_int8_t *pkt, u_int32_t len)
{
	return feed(ifindex, dir, 0, family == 6 ? NKS_FAMILY_INET6 : NKS_FAMILY_INET, pkt, len,
	    len);
}

nks_i64
nkt_now_ns(void)
{
	return nke__clock_calendar_ns;
}

void
nkt_advance_ns(u_int64_t ns)
{
	nks_u64 next;
	unsigned rounds;

	NKS_clock_set(nke__clock_calendar_ns + (nks_i64)ns, nke__clock_uptime_ns + ns);
	/*
	 * Work those callouts armed for now (the input thread woken by an
	 * ipf_inject_input from a timer, say) runs at the next clock move;
	 * in a kernel it would run at once.  Bounded: a callout that re-arms
	 * itself with no delay must not hang the test.
	 */
	for (rounds = 0; rounds < 100; rounds++) {
		if (NKS_callouts_pending(&next) == 0 || next > nke__clock_uptime_ns)
			break;
		NKS_clock_set(nke__clock_calendar_ns, nke__clock_uptime_ns);
	}
}

void
nkt_advance_ms(u_int64_t ms)
{
	nkt_advance_ns(ms * 1000000ULL);
}

unsigned
nkt_drain(unsigned limit)
{
	unsigned n = 0;
	nks_u64 next;

	if (limit == 0)
		limit = 1000;
	while (n < limit && NKS_callouts_pending(&next) != 0) {
		u_int64_t up = nke__clock_uptime_ns;

		nkt_advance_ns(next > up ? next - up : 0);
		n++;
	}
	return n;
}

void
nkt_apps_exit(void)
{
	NKS_apps_exit();
	/* What that queued for the socket cleanup thread runs when the clock moves. */
	nkt_advance_ns(0);
}

/* --- The kext under test ------------------------------------------------------------ */

int
nkt_kext_try_start(kmod_info_t *ki, u_int32_t *id)
{
	nks_i32 res = 0;
	nks_u32 tag = 0;
	int rc;

	*id = 0;
	rc = NKS_kext_start(ki, &tag, &res);
	if (rc == 0) {
		*id = tag;
		return 0;
	}
	return rc == ECANCELED ? (res != 0 ? res : KERN_FAILURE) : -1;
}

u_int32_t
nkt_kext_start(kmod_info_t *ki)
{
	char msg[160];
	u_int32_t id;
	int r = nkt_kext_try_start(ki, &id);

	if (r != 0) {
		snprintf(msg, sizeof(msg), "nkt_kext_start(%s): %s %d", ki != NULL ? ki->name : "NULL",
		    r == -1 ? "refused by nkesim (bad kmod_info, or started already)" :
			      "the start routine returned",
		    r);
		NKT_fail(msg, __FILE__, __LINE__);
	}
	return id;
}

int
nkt_kext_try_stop(u_int32_t id)
{
	nks_i32 res = 0;
	int rc = NKS_kext_stop(id, &res);

	if (rc == 0)
		return 0;
	return rc == EBUSY ? (res != 0 ? res : KERN_FAILURE) : -1;
}

void
nkt_kext_stop(u_int32_t id)
{
	char msg[160];
	unsigned attempt;
	int r = 0;

	for (attempt = 0; attempt <= 10; attempt++) {
		r = nkt_kext_try_stop(id);
		if (r == 0)
			return;
		if (r == -1)
			break;
		/* What kextunload's retry would see: the callouts ran, time passed. */
		(void)nkt_drain(0);
		nkt_advance_ms(1000);
		(void)nkt_drain(0);
	}
	snprintf(msg, sizeof(msg), "nkt_kext_stop(%u): %s %d", id,
	    r == -1 ? "no such kext" : "the stop routine still refuses:", r);
	NKT_fail(msg, __FILE__, __LINE__);
}

/* --- kern_control clients ------------------------------------------------------------- */

int
nkt_ctl_try_connect(const char *name, u_int32_t unit, u_int32_t flags, u_int32_t *client)
{
	nks_u32 c = 0, u = 0;
	int r;

	hooks_install();
	r = NKS_ctl_connect(name, unit, flags, &c, &u);
	*client = r == 0 ? c : 0;
	return r;
}

u_int32_t
nkt_ctl_connect(const char *name)
{
	char msg[160];
	u_int32_t c;
	int r = nkt_ctl_try_connect(name, 0, 0, &c);

	if (r != 0) {
		snprintf(msg, sizeof(msg), "nkt_ctl_connect(\"%s\"): error %d", name, r);
		NKT_fail(msg, __FILE__, __LINE__);
	}
	return c;
}

int
nkt_ctl_send(u_int32_t client, const void *data, size_t len)
{
	return NKS_ctl_send(client, data, len);
}

int
nkt_ctl_setopt(u_int32_t client, int opt, const void *data, size_t len)
{
	return NKS_ctl_setopt(client, opt, data, len);
}

int
nkt_ctl_getopt(u_int32_t client, int opt, void *data, size_t *len)
{
	nks_size n = *len;
	int r = NKS_ctl_getopt(client, opt, data, &n);

	*len = n;
	return r;
}

int
nkt_ctl_disconnect(u_int32_t client)
{
	return NKS_ctl_disconnect(client);
}

unsigned
nkt_ctl_recv(u_int32_t client)
{
	unsigned before;

	hooks_install();
	before = nkt_nctl_msgs;
	(void)NKS_ctl_recv(client);
	return nkt_nctl_msgs - before;
}

void
nkt_ctl_reset(void)
{
	nkt_nctl_msgs = 0;
}

/* --- Direct calls --------------------------------------------------------------------- */

void
nkt_set_split(u_int32_t n)
{
	split = n;
}

/* A chain holding data[0, n): first mbuf `first` bytes (or all), then split-size ones. */
static mbuf_t
chain_of(const u_int8_t *data, u_int32_t n, u_int32_t first)
{
	mbuf_t m = NULL, last = NULL, cur;
	u_int32_t done = 0;

	if (split == 0) {
		KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, n > 0 ? n : 1, NULL, &m), 0);
		KT_ASSERT_EQ(mbuf_copyback(m, 0, n, data, MBUF_WAITOK), 0);
		mbuf_pkthdr_setlen(m, n);
		if (n == 0)
			mbuf_setlen(m, 0);
		return m;
	}
	do {
		u_int32_t piece = done == 0 && first != 0 ? first + split : split;

		if (piece > n - done)
			piece = n - done;
		if (m == NULL)
			KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &cur), 0);
		else
			KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &cur), 0);
		if (piece > mbuf_maxlen(cur))
			KT_ASSERT_EQ(mbuf_mclget(MBUF_WAITOK, MBUF_TYPE_DATA, &cur), 0);
		memcpy(mbuf_data(cur), data + done, piece);
		mbuf_setlen(cur, piece);
		if (m == NULL)
			m = cur;
		else
			mbuf_setnext(last, cur);
		last = cur;
		done += piece;
	} while (done < n);
	mbuf_pkthdr_setlen(m, n);
	return m;
}

mbuf_t
nkt_mbuf_from(const struct nkt_pkt *p, u_int32_t off)
{
	return chain_of(p->b + off, p->len - off, 0);
}

u_int32_t
nkt_mbuf_flatten(mbuf_t m, u_int8_t *buf, u_int32_t max)
{
	u_int32_t n = (u_int32_t)mbuf_pkthdr_len(m);

	if (n > max)
		n = max;
	KT_ASSERT_EQ(mbuf_copydata(m, 0, n, buf), 0);
	return n;
}

static void
no_filter(const char *kind, const char *name)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "no %s filter named \"%s\" (did the kext start?)", kind,
	    name != NULL ? name : "(any)");
	NKT_fail(msg, __FILE__, __LINE__);
}

/* Put the packet the filter passed back into p, at offset off. */
static void
take_back(struct nkt_pkt *p, u_int32_t off, mbuf_t m)
{
	u_int32_t n = (u_int32_t)mbuf_pkthdr_len(m);

	if (off + n > NKT_PKT_MAX)
		NKT_fail("the filter made the packet larger than NKT_PKT_MAX", __FILE__, __LINE__);
	KT_ASSERT_EQ(mbuf_copydata(m, 0, n, p->b + off), 0);
	p->len = off + n;
}

static int
ipf_call(const char *name, struct nkt_pkt *p, int output)
{
	struct nke_ipf_list *list = p->family == 6 ? &nke__ipv6_filters : &nke__ipv4_filters;
	const char *hook = output ? "ipf_output" : "ipf_input";
	struct opaque_ipfilter *f;
	struct __mbuf *m;
	struct nke_cb cb;
	u_int32_t off;
	int r;

	if (p->family != 4 && p->family != 6)
		NKT_fail("nkt_ipf_*: not an IP packet", __FILE__, __LINE__);
	TAILQ_FOREACH(f, list, ipf_link)
	{
		if (!f->ipf_removed &&
		    (name == NULL || (f->ipf_f.name != NULL && strcmp(f->ipf_f.name, name) == 0)))
			break;
	}
	if (f == NULL)
		no_filter(p->family == 6 ? "IPv6" : "IPv4", name);
	if ((output ? (void *)f->ipf_f.ipf_output : (void *)f->ipf_f.ipf_input) == NULL)
		return 0; /* the stack skips a filter without this callback */
	m = chain_of(p->b + p->l2, p->len - p->l2, 0);
	if (!output && nkt_ifindex != 0)
		mbuf_pkthdr_setrcvif(m, (ifnet_t)nke__ifnet_byindex(nkt_ifindex));
	if (p->l4 != 0)
		off = p->l4 - p->l2;
	else
		off = p->family == 4 ? (u_int32_t)(p->b[p->l2] & 0x0f) * 4 : 40;
	nke__ipf_ref();
	nke__cb_enter(&cb, f->ipf_kext, f->ipf_f.name);
	if (output)
		r = f->ipf_f.ipf_output(f->ipf_f.cookie, &m, NULL);
	else
		r = f->ipf_f.ipf_input(f->ipf_f.cookie, &m, (int)off, p->proto);
	nke__cb_leave(&cb);
	nke__ipf_unref();
	r = nke__cb_result(r, &m, hook, f->ipf_f.name);
	if (r == 0) {
		take_back(p, p->l2, m);
		mbuf_freem(m);
	}
	return r;
}

int
nkt_ipf_input(const char *filter, struct nkt_pkt *p)
{
	return ipf_call(filter, p, 0);
}

int
nkt_ipf_output(const char *filter, struct nkt_pkt *p)
{
	return ipf_call(filter, p, 1);
}

static int
iflt_call(const char *name, struct nkt_pkt *p, int output)
{
	struct __ifnet *ifp = nke__ifnet_byindex(nkt_ifindex);
	struct __ifnet_filter *f;
	struct __mbuf *m;
	struct nke_cb cb;
	u_int32_t pf = 0, type;
	char *frame;
	int r;

	if (ifp == NULL)
		NKT_fail("nkt_iflt_*: no interface (call nkt_host_up() first)", __FILE__, __LINE__);
	if (p->l2 < 14)
		NKT_fail("nkt_iflt_*: the packet has no Ethernet header", __FILE__, __LINE__);
	TAILQ_FOREACH(f, &ifp->if_flt, filt_next)
	{
		if (!f->filt_skip &&
		    (name == NULL ||
			(f->filt_f.iff_name != NULL && strcmp(f->filt_f.iff_name, name) == 0)))
			break;
	}
	if (f == NULL)
		no_filter("interface", name);
	type = nkt_get16(p->b + p->l2 - 2);
	if (type == 0x0800 || type == 0x0806)
		pf = PF_INET; /* the inet attachment registers both */
	else if (type == 0x86dd)
		pf = PF_INET6;
	if ((output ? (void *)f->filt_f.iff_output : (void *)f->filt_f.iff_input) == NULL ||
	    (f->filt_f.iff_protocol != 0 && f->filt_f.iff_protocol != pf))
		return 0; /* the stack would skip it */
	m = chain_of(p->b, p->len, output ? 0 : p->l2);
	frame = mbuf_data(m);
	nke__iflt_busy(ifp);
	nke__cb_enter(&cb, f->filt_kext, f->filt_f.iff_name);
	if (output) {
		r = f->filt_f.iff_output(f->filt_f.iff_cookie, ifp, pf, &m);
	} else {
		mbuf_pkthdr_setrcvif(m, ifp);
		mbuf_pkthdr_setheader(m, frame);
		mbuf_adj(m, (int)p->l2);
		r = f->filt_f.iff_input(f->filt_f.iff_cookie, ifp, pf, &m, &frame);
	}
	nke__cb_leave(&cb);
	nke__iflt_unbusy(ifp);
	r = nke__cb_result(r, &m, output ? "iff_output" : "iff_input", f->filt_f.iff_name);
	if (r == 0) {
		if (output) {
			take_back(p, 0, m);
		} else {
			if (frame != NULL)
				memmove(p->b, frame, p->l2);
			take_back(p, p->l2, m);
		}
		mbuf_freem(m);
	}
	return r;
}

int
nkt_iflt_input(const char *filter, struct nkt_pkt *p)
{
	return iflt_call(filter, p, 0);
}

int
nkt_iflt_output(const char *filter, struct nkt_pkt *p)
{
	return iflt_call(filter, p, 1);
}

/* --- Assertions ------------------------------------------------------------------------ */


const char *
nkt_hook_name(u_int32_t hook)
{
	const char *n = NKS_hook_name(hook);

	return n != NULL ? n : "hook?";
}

void
NKT_assert_verdict(u_int64_t index, u_int32_t hook, const char *filter, int result,
    const char *file, int line)
{
	const struct nkt_verdict *v = nkt_find_verdict(index, hook, filter);
	char msg[256];

	if (v == NULL) {
		snprintf(msg, sizeof(msg), "no %s verdict of filter \"%s\" for record #%llu",
		    nkt_hook_name(hook), filter != NULL ? filter : "(any)",
		    (unsigned long long)index);
		NKT_fail(msg, file, line);
		return;
	}
	if (v->v.vd_result != result) {
		snprintf(msg, sizeof(msg),
		    "record #%llu: %s of filter \"%s\" returned %d, expected %d",
		    (unsigned long long)index, nkt_hook_name(hook), v->filter, v->v.vd_result,
		    result);
		NKT_fail(msg, file, line);
	}
}

void
NKT_assert_emitted(u_int64_t index, u_int32_t dir, int want, const char *file, int line)
{
	const struct nkt_emit *e = nkt_find_emit(index, dir);
	char msg[160];

	if ((e != NULL) == (want != 0))
		return;
	snprintf(msg, sizeof(msg), "record #%llu %s%s", (unsigned long long)index,
	    want ? "did not leave the host" : "left the host",
	    dir == NKS_DIR_IN ? " inbound" : dir == NKS_DIR_OUT ? " outbound" : "");
	NKT_fail(msg, file, line);
}

void
NKT_assert_emitted_pkt(u_int64_t index, u_int32_t dir, const struct nkt_pkt *pkt, const char *file,
    int line)
{
	const struct nkt_emit *e = nkt_find_emit(index, dir);
	u_int32_t i, n;
	char msg[200];

	if (e == NULL) {
		NKT_assert_emitted(index, dir, 1, file, line);
		return;
	}
	if (e->e.em_len != pkt->len) {
		snprintf(msg, sizeof(msg), "record #%llu left the host with %u bytes, expected %u",
		    (unsigned long long)index, e->e.em_len, pkt->len);
		NKT_fail(msg, file, line);
		return;
	}
	n = pkt->len < NKT_EMIT_DATA ? pkt->len : NKT_EMIT_DATA;
	for (i = 0; i < n; i++) {
		if (e->data[i] != pkt->b[i]) {
			snprintf(msg, sizeof(msg),
			    "record #%llu left the host with byte %u = %#x, expected %#x",
			    (unsigned long long)index, i, e->data[i], pkt->b[i]);
			NKT_fail(msg, file, line);
			return;
		}
	}
}

void
NKT_assert_pkt_eq(const struct nkt_pkt *a, const struct nkt_pkt *b, const char *ea, const char *eb,
    const char *file, int line)
{
	char msg[200];

	if (a->len != b->len) {
		snprintf(msg, sizeof(msg), "%s has %u bytes, %s %u", ea, a->len, eb, b->len);
		NKT_fail(msg, file, line);
		return;
	}
	NKT_assert_mem_eq(a->b, b->b, a->len, ea, eb, file, line);
}

void
NKT_assert_no_leaks(const char *file, int line)
{
	struct nks_stats st;
	char msg[160];

	nke__net_drain();
	NKS_stats(&st);
	if (st.st_mbufs == 0 && st.st_clusters == 0 && st.st_tags == 0)
		return;
	snprintf(msg, sizeof(msg), "alive: %llu mbufs, %llu clusters, %llu mbuf tags",
	    (unsigned long long)st.st_mbufs, (unsigned long long)st.st_clusters,
	    (unsigned long long)st.st_tags);
	NKT_fail(msg, file, line);
}
