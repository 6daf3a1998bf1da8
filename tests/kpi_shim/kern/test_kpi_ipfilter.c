/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_kpi_ipfilter.c - tests of IP filters (kernel world): kpi_ipfilter.c
 * (order, the skip rule of injected packets in both directions and both
 * families, immediate and deferred removal, injection ownership and
 * recursion) and what ip_input/ip_output/ip6_input show them (arguments,
 * byte order, checksum state, one call per IPv6 header).
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include "pkt_testutil.h"

enum { I_PASS = 0, I_DROP, I_KEEP, I_NULLPASS, I_INJECT_REF, I_INJECT_NULL, I_REMOVE_SELF,
       I_MODIFY, I_REPLACE_ERR, I_REINJECT_FOREVER, I_FINALIZE };

struct ipt {
	int id;
	int mode_in, mode_out;
	int calls_in, calls_out, detached;
	int last_off, last_proto;
	int protos[16], offs[16];
	int nhdr;
	u_int8_t hdr[64]; /* the first bytes at the last call */
	u_int32_t m_len, pkt_len;
	mbuf_csum_request_flags_t req;
	u_int32_t req_value;
	u_int32_t ippo_flags;
	mbuf_t kept;
	ipfilter_t ref;
};

static int order[64];
static int norder;
static mbuf_tag_id_t mark_id;

static int
marked(mbuf_t m)
{
	size_t len;
	void *d;

	return mbuf_tag_find(m, mark_id, 1, &len, &d) == 0;
}

static void
mark(mbuf_t m)
{
	void *d;

	KT_ASSERT_EQ(mbuf_tag_allocate(m, mark_id, 1, 4, MBUF_WAITOK, &d), 0);
}

static void
snap(struct ipt *t, mbuf_t m)
{
	size_t n = mbuf_pkthdr_len(m) < sizeof(t->hdr) ? mbuf_pkthdr_len(m) : sizeof(t->hdr);

	KT_ASSERT_EQ(mbuf_copydata(m, 0, n, t->hdr), 0);
	t->m_len = (u_int32_t)mbuf_len(m);
	t->pkt_len = (u_int32_t)mbuf_pkthdr_len(m);
	KT_ASSERT_EQ(mbuf_get_csum_requested(m, &t->req, &t->req_value), 0);
}

static errno_t
ipt_input(void *cookie, mbuf_t *data, int offset, u_int8_t protocol)
{
	struct ipt *t = cookie;

	if (norder < 64)
		order[norder++] = t->id;
	t->calls_in++;
	t->last_off = offset;
	t->last_proto = protocol;
	if (t->nhdr < 16) {
		t->protos[t->nhdr] = protocol;
		t->offs[t->nhdr++] = offset;
	}
	snap(t, *data);
	switch (t->mode_in) {
	case I_DROP:
		return EPERM;
	case I_KEEP:
		t->kept = *data;
		return EJUSTRETURN;
	case I_NULLPASS:
		mbuf_freem(*data);
		*data = NULL;
		return 0;
	case I_INJECT_REF:
	case I_INJECT_NULL:
		if (marked(*data))
			return 0;
		mark(*data);
		if (t->mode_in == I_INJECT_REF) {
			/* Skips validation: even a bad header checksum comes back. */
			u_int8_t z[2] = {0, 0};

			KT_ASSERT_EQ(mbuf_copyback(*data, 10, 2, z, MBUF_WAITOK), 0);
		}
		KT_ASSERT_EQ(ipf_inject_input(*data, t->mode_in == I_INJECT_REF ? t->ref : NULL), 0);
		return EJUSTRETURN;
	case I_REMOVE_SELF:
		KT_ASSERT_EQ(ipf_remove(t->ref), 0);
		/* Deferred: the detach has not run yet. */
		KT_ASSERT_EQ(t->detached, 0);
		return 0;
	default:
		return 0;
	}
}

static errno_t
ipt_output(void *cookie, mbuf_t *data, ipf_pktopts_t opts)
{
	struct ipt *t = cookie;
	mbuf_t n;

	if (norder < 64)
		order[norder++] = 100 + t->id;
	t->calls_out++;
	t->ippo_flags = opts != NULL ? opts->ippo_flags : 0xffffffffu;
	snap(t, *data);
	switch (t->mode_out) {
	case I_DROP:
		return EPERM;
	case I_KEEP:
		t->kept = *data;
		return EJUSTRETURN;
	case I_NULLPASS:
		mbuf_freem(*data);
		*data = NULL;
		return 0;
	case I_INJECT_REF:
	case I_INJECT_NULL:
		if (marked(*data))
			return 0;
		mark(*data);
		/* Synchronous, always consumes. */
		(void)ipf_inject_output(*data, t->mode_out == I_INJECT_REF ? t->ref : NULL, NULL);
		return EJUSTRETURN;
	case I_REINJECT_FOREVER:
		(void)ipf_inject_output(*data, NULL, NULL);
		return EJUSTRETURN;
	case I_MODIFY: {
		u_int8_t ttl = 7;

		KT_ASSERT_EQ(mbuf_copyback(*data, 8, 1, &ttl, MBUF_WAITOK), 0);
		return 0;
	}
	case I_FINALIZE:
		mbuf_outbound_finalize(*data, PF_INET, 0);
		snap(t, *data);
		return 0;
	case I_REPLACE_ERR:
		KT_ASSERT_EQ(mbuf_dup(*data, MBUF_WAITOK, &n), 0);
		mbuf_freem(*data);
		*data = n;
		return EPERM;
	default:
		return 0;
	}
}

static void
ipt_detach(void *cookie)
{
	struct ipt *t = cookie;

	t->detached++;
}

static void
ipt_add(struct ipt *t, int id, int v6)
{
	struct ipf_filter f;

	memset(t, 0, sizeof(*t));
	t->id = id;
	KT_ASSERT_EQ(mbuf_tag_id_find("com.test.ipf", &mark_id), 0);
	memset(&f, 0, sizeof(f));
	f.cookie = t;
	f.name = "ipt";
	f.ipf_input = ipt_input;
	f.ipf_output = ipt_output;
	f.ipf_detach = ipt_detach;
	KT_ASSERT_EQ(v6 ? ipf_addv6(&f, &t->ref) : ipf_addv4(&f, &t->ref), 0);
}

static void
tcp4(struct pt_pkt *p, int inbound)
{
	pt_eth(p, inbound, 0x0800, 0, NULL);
	pt_ip4(p, inbound ? pt_ip_peer : pt_ip_host, inbound ? pt_ip_host : pt_ip_peer, 6, 0x1234,
	       0x4000, 0, "payload", 7);
}

static void
test_add_errors(void)
{
	struct ipf_filter f;
	ipfilter_t ref = (ipfilter_t)1;

	memset(&f, 0, sizeof(f));
	f.ipf_input = ipt_input;
	KT_ASSERT_EQ(ipf_addv4(&f, &ref), EINVAL); /* no name */
	KT_ASSERT_NULL(ref);
	f.name = "x";
	f.ipf_input = NULL;
	KT_ASSERT_EQ(ipf_addv6(&f, &ref), EINVAL); /* no callback */
	KT_ASSERT_EQ(ipf_remove(NULL), EINVAL);
}

static void
test_order(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	struct ipt a, b, c;
	struct pt_pkt p;

	ipt_add(&a, 1, 0);
	ipt_add(&b, 2, 0);
	ipt_add(&c, 3, 0);
	pt_record(1, 1);
	tcp4(&p, 1);
	norder = 0;
	pt_feed(idx, NKS_DIR_IN, &p);
	/* Newest first. */
	KT_ASSERT_EQ(norder, 3);
	KT_ASSERT_EQ(order[0], 3);
	KT_ASSERT_EQ(order[1], 2);
	KT_ASSERT_EQ(order[2], 1);
	/* Unchanged: emitted byte for byte. */
	KT_ASSERT_EQ(pt_nemits, 1);
	KT_ASSERT_EQ(pt_emits[0].e.em_dir, NKS_DIR_IN);
	KT_ASSERT_MEM_EQ(pt_emits[0].data, p.b, p.len);
	KT_ASSERT_EQ(pt_count_verdicts(NKS_HOOK_IPF_INPUT, "ipt"), 3);
	KT_ASSERT_STR_EQ(pt_verdicts[0].detail, "proto=6 offset=20");
	KT_ASSERT_EQ(pt_verdicts[0].v.vd_len, p.len - 14);
	norder = 0;
	tcp4(&p, 0);
	pt_feed(idx, NKS_DIR_OUT, &p);
	KT_ASSERT_EQ(norder, 3);
	KT_ASSERT_EQ(order[0], 103);
	KT_ASSERT_EQ(order[2], 101);
	KT_ASSERT_EQ(pt_nemits, 2);
	KT_ASSERT_EQ(pt_emits[1].e.em_dir, NKS_DIR_OUT);
	KT_ASSERT_EQ(pt_emits[1].e.em_len, p.len);
	KT_ASSERT_MEM_EQ(pt_emits[1].data, p.b, p.len);
	KT_ASSERT_EQ(ipf_remove(a.ref), 0);
	KT_ASSERT_EQ(ipf_remove(b.ref), 0);
	KT_ASSERT_EQ(ipf_remove(c.ref), 0);
	/* Immediate removal: detached before ipf_remove returned. */
	KT_ASSERT_EQ(a.detached + b.detached + c.detached, 3);
	KT_ASSERT_EQ(ipf_remove(a.ref), ENOENT);
	KT_ASSERT_EQ(NKT_reports("ipf-remove-unknown"), 1);
}

static void
test_input_args_v4(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	struct ipt a;
	struct pt_pkt p;
	u_int32_t h;

	ipt_add(&a, 1, 0);
	/* A small UDP datagram: padded to 60 bytes by the link. */
	pt_eth(&p, 1, 0x0800, 0, NULL);
	h = pt_ip4(&p, pt_ip_peer, pt_ip_host, 17, 0xabcd, 0x4000, 4, "hi", 2);
	memset(p.b + p.len, 0xee, 60 - p.len);
	p.len = 60;
	pt_feed(idx, NKS_DIR_IN, &p);
	KT_ASSERT_EQ(a.calls_in, 1);
	KT_ASSERT_EQ(a.last_off, 24);
	KT_ASSERT_EQ(a.last_proto, 17);
	/* Network order, total length; padding gone; checksum valid. */
	KT_ASSERT_EQ(pt_get16(a.hdr + 2), 24 + 8 + 2);
	KT_ASSERT_EQ(a.pkt_len, 24 + 8 + 2);
	KT_ASSERT_EQ(a.hdr[6], 0x40);
	KT_ASSERT_EQ(a.hdr[7], 0);
	KT_ASSERT_EQ(pt_get16(a.hdr + 10), pt_ip_sum(a.hdr));
	KT_ASSERT(a.m_len >= 24);
	KT_ASSERT_MEM_EQ(a.hdr, p.b + h, 24);
	KT_ASSERT_EQ(ipf_remove(a.ref), 0);
}

static void
test_skip_rule_input_v4(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	struct ipt a, b, c;
	struct pt_pkt p;

	ipt_add(&a, 1, 0);
	ipt_add(&b, 2, 0);
	ipt_add(&c, 3, 0);
	pt_record(1, 1);
	b.mode_in = I_INJECT_REF;
	tcp4(&p, 1);
	norder = 0;
	pt_feed(idx, NKS_DIR_IN, &p);
	/* C, B (swallows, injects); later: only A, added before B. */
	KT_ASSERT_EQ(norder, 3);
	KT_ASSERT_EQ(order[0], 3);
	KT_ASSERT_EQ(order[1], 2);
	KT_ASSERT_EQ(order[2], 1);
	/* No validation for it: the zeroed checksum did not stop it ... */
	KT_ASSERT_EQ(a.calls_in, 1);
	/* ... and ipf_input shows a recomputed one. */
	KT_ASSERT_EQ(pt_get16(a.hdr + 10), pt_ip_sum(a.hdr));
	KT_ASSERT_EQ(pt_nemits, 1);
	KT_ASSERT(pt_emits[0].e.em_flags & NKS_EMIT_INJECTED);
	KT_ASSERT(pt_verdicts[pt_nverdicts - 1].v.vd_flags & NKS_VD_INJECTED);

	/* A NULL reference: the whole of ip_input and every filter. */
	b.mode_in = I_INJECT_NULL;
	norder = 0;
	pt_feed(idx, NKS_DIR_IN, &p);
	KT_ASSERT_EQ(norder, 5);
	KT_ASSERT_EQ(order[2], 3);
	KT_ASSERT_EQ(order[3], 2);
	KT_ASSERT_EQ(order[4], 1);
	KT_ASSERT_EQ(ipf_remove(a.ref), 0);
	KT_ASSERT_EQ(ipf_remove(b.ref), 0);
	KT_ASSERT_EQ(ipf_remove(c.ref), 0);
}

static void
test_skip_rule_removed_injector(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	struct ipt a, b, c;
	struct pt_pkt p;
	ipfilter_t stale;

	ipt_add(&a, 1, 0);
	ipt_add(&b, 2, 0);
	ipt_add(&c, 3, 0);
	pt_record(1, 1);
	b.mode_in = I_KEEP;
	tcp4(&p, 1);
	pt_feed(idx, NKS_DIR_IN, &p);
	KT_ASSERT(b.kept != NULL);
	stale = b.ref;
	KT_ASSERT_EQ(ipf_remove(b.ref), 0);
	KT_ASSERT_EQ(b.detached, 1);
	norder = 0;
	KT_ASSERT_EQ(ipf_inject_input(b.kept, stale), 0);
	/* A stale reference is a kext bug: reported (and skips every filter). */
	KT_ASSERT_EQ(NKT_reports("ipf-ref-after-remove"), 1);
	KT_ASSERT_EQ(norder, 0); /* asynchronous */
	pt_advance(1);           /* the input thread */
	/* The injector is not in the list any more: no filter at all. */
	KT_ASSERT_EQ(norder, 0);
	KT_ASSERT_EQ(pt_nemits, 1);
	KT_ASSERT_EQ(ipf_remove(a.ref), 0);
	KT_ASSERT_EQ(ipf_remove(c.ref), 0);
}

static void
test_skip_rule_output_v4(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	struct ipt a, b, c;
	struct pt_pkt p;

	ipt_add(&a, 1, 0);
	ipt_add(&b, 2, 0);
	ipt_add(&c, 3, 0);
	pt_record(1, 1);
	b.mode_out = I_INJECT_REF;
	tcp4(&p, 0);
	norder = 0;
	pt_feed(idx, NKS_DIR_OUT, &p);
	/* C, B (re-injects synchronously): A sees it inside the call. */
	KT_ASSERT_EQ(norder, 3);
	KT_ASSERT_EQ(order[0], 103);
	KT_ASSERT_EQ(order[1], 102);
	KT_ASSERT_EQ(order[2], 101);
	KT_ASSERT_EQ(pt_nemits, 1);
	KT_ASSERT(pt_emits[0].e.em_flags & NKS_EMIT_INJECTED);
	/* IP_RAWOUTPUT keeps the header (ip_id); the checksums are final. */
	KT_ASSERT_EQ(pt_get16(pt_emits[0].data + 14 + 4), 0x1234);
	KT_ASSERT_EQ(pt_get16(pt_emits[0].data + 14 + 10), pt_ip_sum(pt_emits[0].data + 14));
	KT_ASSERT_EQ(ipf_remove(a.ref), 0);
	KT_ASSERT_EQ(ipf_remove(b.ref), 0);
	KT_ASSERT_EQ(ipf_remove(c.ref), 0);
}

static void
test_skip_rule_v6(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	static const u_int8_t exts[1] = {60};
	struct ipt a, b, c;
	struct pt_pkt p;

	ipt_add(&a, 1, 1);
	ipt_add(&b, 2, 1);
	ipt_add(&c, 3, 1);
	b.mode_in = I_INJECT_REF;
	pt_eth(&p, 1, 0x86dd, 0, NULL);
	pt_ip6(&p, pt_ip6_peer, pt_ip6_host, exts, 1, 17, "v6", 2);
	norder = 0;
	pt_feed(idx, NKS_DIR_IN, &p);
	/*
	 * Header 60: C, B (injects).  Re-injected: A for header 60 (the skip
	 * rule), then every filter for the UDP header.
	 */
	KT_ASSERT_EQ(norder, 6);
	KT_ASSERT_EQ(order[0], 3);
	KT_ASSERT_EQ(order[1], 2);
	KT_ASSERT_EQ(order[2], 1);
	KT_ASSERT_EQ(order[3], 3);
	KT_ASSERT_EQ(order[4], 2);
	KT_ASSERT_EQ(order[5], 1);
	KT_ASSERT_EQ(a.protos[0], 60);
	KT_ASSERT_EQ(a.protos[1], 17);
	KT_ASSERT_EQ(a.offs[1], 48);

	/* Output, v6. */
	b.mode_in = I_PASS;
	b.mode_out = I_INJECT_REF;
	pt_eth(&p, 0, 0x86dd, 0, NULL);
	pt_ip6(&p, pt_ip6_host, pt_ip6_peer, NULL, 0, 6, "v6out", 5);
	norder = 0;
	pt_feed(idx, NKS_DIR_OUT, &p);
	KT_ASSERT_EQ(norder, 3);
	KT_ASSERT_EQ(order[2], 101);
	KT_ASSERT_EQ(ipf_remove(a.ref), 0);
	KT_ASSERT_EQ(ipf_remove(b.ref), 0);
	KT_ASSERT_EQ(ipf_remove(c.ref), 0);
}

static void
test_per_header_v6(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	static const u_int8_t exts[2] = {0, 60};
	struct ipt a;
	struct pt_pkt p, d, f;
	u_int8_t payload[64];
	u_int32_t h;

	ipt_add(&a, 1, 1);
	pt_eth(&p, 1, 0x86dd, 0, NULL);
	pt_ip6(&p, pt_ip6_peer, pt_ip6_host, exts, 2, 17, "x", 1);
	pt_feed(idx, NKS_DIR_IN, &p);
	/* Hop-by-hop is not shown; then one call per header. */
	KT_ASSERT_EQ(a.nhdr, 2);
	KT_ASSERT_EQ(a.protos[0], 60);
	KT_ASSERT_EQ(a.offs[0], 48);
	KT_ASSERT_EQ(a.protos[1], 17);
	KT_ASSERT_EQ(a.offs[1], 56);
	/* Never byte-swapped. */
	KT_ASSERT_MEM_EQ(a.hdr, p.b + 14, 40);

	/* Two fragments: 44 twice, then the reassembled datagram as UDP. */
	a.nhdr = 0;
	memset(payload, 0x5a, sizeof(payload));
	pt_eth(&d, 1, 0x86dd, 0, NULL);
	h = pt_ip6(&d, pt_ip6_peer, pt_ip6_host, NULL, 0, 17, payload, sizeof(payload));
	pt_frag6(&f, &d, h, 0, 32, 1, 77);
	pt_feed(idx, NKS_DIR_IN, &f);
	pt_frag6(&f, &d, h, 32, 8 + 64 - 32, 0, 77);
	pt_feed(idx, NKS_DIR_IN, &f);
	KT_ASSERT_EQ(a.nhdr, 3);
	KT_ASSERT_EQ(a.protos[0], 44);
	KT_ASSERT_EQ(a.offs[0], 40);
	KT_ASSERT_EQ(a.protos[1], 44);
	KT_ASSERT_EQ(a.protos[2], 17);
	KT_ASSERT_EQ(a.offs[2], 40);
	KT_ASSERT_EQ(a.pkt_len, d.len - 14);
	KT_ASSERT_MEM_EQ(a.hdr, d.b + 14, 40 + 8);

	/* An atomic fragment: shown as 44, then goes on at once. */
	a.nhdr = 0;
	pt_frag6(&f, &d, h, 0, 8 + 64, 0, 78);
	pt_feed(idx, NKS_DIR_IN, &f);
	KT_ASSERT_EQ(a.nhdr, 2);
	KT_ASSERT_EQ(a.protos[0], 44);
	KT_ASSERT_EQ(a.protos[1], 17);
	KT_ASSERT_EQ(a.offs[1], 48);
	KT_ASSERT_EQ(ipf_remove(a.ref), 0);
}

static void
test_remove_deferred(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	struct ipt a, b;
	struct pt_pkt p;

	ipt_add(&a, 1, 0);
	ipt_add(&b, 2, 0);
	b.mode_in = I_REMOVE_SELF;
	tcp4(&p, 1);
	norder = 0;
	pt_feed(idx, NKS_DIR_IN, &p);
	/* Removed from inside its callback: detached when the traversal ended. */
	KT_ASSERT_EQ(b.detached, 1);
	KT_ASSERT_EQ(a.calls_in, 1);
	pt_feed(idx, NKS_DIR_IN, &p);
	KT_ASSERT_EQ(b.calls_in, 1);
	KT_ASSERT_EQ(a.calls_in, 2);
	KT_ASSERT_EQ(ipf_remove(a.ref), 0);
}

static void
test_results_and_ownership(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	struct ipt a, b;
	struct pt_pkt p;
	struct nks_netstats ns;

	ipt_add(&a, 1, 0);
	ipt_add(&b, 2, 0); /* runs first */
	pt_record(1, 1);
	tcp4(&p, 1);
	b.mode_in = I_DROP;
	pt_feed(idx, NKS_DIR_IN, &p);
	KT_ASSERT_EQ(a.calls_in, 0);
	KT_ASSERT_EQ(pt_nemits, 0);
	b.mode_in = I_KEEP;
	pt_feed(idx, NKS_DIR_IN, &p);
	KT_ASSERT(b.kept != NULL);
	mbuf_freem(b.kept);
	b.mode_in = I_NULLPASS;
	pt_feed(idx, NKS_DIR_IN, &p);
	KT_ASSERT_EQ(NKT_reports("null-data-pass"), 1);
	KT_ASSERT_EQ(a.calls_in, 0);

	tcp4(&p, 0);
	b.mode_out = I_DROP;
	pt_feed(idx, NKS_DIR_OUT, &p);
	b.mode_out = I_KEEP;
	pt_feed(idx, NKS_DIR_OUT, &p);
	mbuf_freem(b.kept);
	b.mode_out = I_REPLACE_ERR;
	pt_feed(idx, NKS_DIR_OUT, &p);
	KT_ASSERT_EQ(NKT_reports("ipf-output-replaced-error"), 1);
	KT_ASSERT_EQ(a.calls_out, 0);
	KT_ASSERT_EQ(pt_nemits, 0);
	NKS_netstats(&ns);
	KT_ASSERT_EQ(ns.ns_filter_dropped, 3);
	KT_ASSERT_EQ(ns.ns_filter_kept, 3);
	KT_ASSERT_EQ(ipf_remove(a.ref), 0);
	KT_ASSERT_EQ(ipf_remove(b.ref), 0);
}

static void
test_output_checksum_state(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	struct ipt a;
	struct pt_pkt p;
	u_int8_t *ip, *th;
	u_int16_t ps;

	ipt_add(&a, 1, 0);
	pt_record(1, 1);
	tcp4(&p, 0);
	pt_feed(idx, NKS_DIR_OUT, &p);
	ip = a.hdr;
	th = a.hdr + 20;
	/* ip_sum not computed; TCP holds the pseudo-header sum; a request pending. */
	KT_ASSERT_EQ(pt_get16(ip + 10), 0);
	ps = pt_pseudo(pt_ip_host, pt_ip_peer, 4, 27, 6);
	KT_ASSERT_EQ(pt_get16(th + 16), ps);
	KT_ASSERT_EQ(a.req, MBUF_CSUM_REQ_TCP);
	KT_ASSERT_EQ(a.req_value, 16);
	KT_ASSERT_EQ(pt_get16(ip + 2), 47);
	KT_ASSERT_EQ(ip[6], 0x40);
	KT_ASSERT_EQ(a.ippo_flags, 0);
	/* Unchanged: the capture leaves as it was. */
	KT_ASSERT_EQ(pt_nemits, 1);
	KT_ASSERT_MEM_EQ(pt_emits[0].data, p.b, p.len);

	/* mbuf_outbound_finalize at ipf_output: transport done, IP header not. */
	a.mode_out = I_FINALIZE;
	pt_feed(idx, NKS_DIR_OUT, &p);
	KT_ASSERT_EQ(pt_get16(a.hdr + 10), 0);
	KT_ASSERT_EQ(pt_get16(a.hdr + 36), pt_get16(p.b + 14 + 36));
	KT_ASSERT_EQ(a.req, 0);

	/* Modified, no offload: both checksums computed in software. */
	a.mode_out = I_MODIFY;
	pt_record_reset();
	pt_feed(idx, NKS_DIR_OUT, &p);
	ip = pt_emits[0].data + 14;
	KT_ASSERT_EQ(ip[8], 7);
	KT_ASSERT_EQ(pt_get16(ip + 10), pt_ip_sum(ip));
	KT_ASSERT_EQ(pt_get16(ip + 36), pt_get16(p.b + 14 + 36)); /* TTL is not in the TCP sum */
	KT_ASSERT_EQ(ipf_remove(a.ref), 0);
}

static void
test_output_checksum_offload(void)
{
	u_int32_t idx = pt_attach_en("en0", NKS_OFFLOAD_IPV4_HDR | NKS_OFFLOAD_TCPUDP, 0);
	struct ipt a;
	struct pt_pkt p;
	u_int8_t *ip;

	ipt_add(&a, 1, 0);
	pt_record(1, 1);
	a.mode_out = I_MODIFY;
	tcp4(&p, 0);
	pt_feed(idx, NKS_DIR_OUT, &p);
	/* The "hardware" writes what it was given: 0 and the pseudo sum. */
	KT_ASSERT_EQ(pt_nemits, 1);
	ip = pt_emits[0].data + 14;
	KT_ASSERT_EQ(ip[8], 7);
	KT_ASSERT_EQ(pt_get16(ip + 10), 0);
	KT_ASSERT_EQ(pt_get16(ip + 36), pt_pseudo(pt_ip_host, pt_ip_peer, 4, 27, 6));
	/* Unchanged with offload: as captured (its real checksums). */
	a.mode_out = I_PASS;
	pt_record_reset();
	pt_feed(idx, NKS_DIR_OUT, &p);
	KT_ASSERT_MEM_EQ(pt_emits[0].data, p.b, p.len);
	KT_ASSERT_EQ(ipf_remove(a.ref), 0);
}

static void
test_inject_recursion(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	struct ipt a;
	struct pt_pkt p;

	ipt_add(&a, 1, 0);
	a.mode_out = I_REINJECT_FOREVER;
	tcp4(&p, 0);
	pt_feed(idx, NKS_DIR_OUT, &p);
	KT_ASSERT_EQ(NKT_reports("inject-recursion"), 1);
	KT_ASSERT_EQ(a.calls_out, 17);
	KT_ASSERT_EQ(ipf_remove(a.ref), 0);
}

static void
test_inject_errors(void)
{
	mbuf_t m;
	u_int8_t b = 0x50;

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_copyback(m, 0, 1, &b, MBUF_WAITOK), 0);
	/* Not IPv4/IPv6: input leaves it to the caller, output consumes it. */
	KT_ASSERT_EQ(ipf_inject_input(m, NULL), ENOTSUP);
	KT_ASSERT_EQ(ipf_inject_output(m, NULL, NULL), ENOTSUP);
	KT_ASSERT_EQ(ipf_inject_input(NULL, NULL), EINVAL);
}

static void
test_inject_input_kext_made(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	struct ipt a;
	struct pt_pkt p;
	mbuf_t m;
	u_int32_t h;

	(void)idx;
	ipt_add(&a, 1, 0);
	pt_record(1, 1);
	/* A packet a kext builds: no rcvif, found by the destination. */
	p.len = 0;
	h = pt_ip4(&p, pt_ip_peer, pt_ip_host, 17, 1, 0, 0, "k", 1);
	KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, p.len, NULL, &m), 0);
	KT_ASSERT_EQ(mbuf_copyback(m, 0, p.len, p.b + h, MBUF_WAITOK), 0);
	KT_ASSERT_EQ(ipf_inject_input(m, NULL), 0);
	KT_ASSERT(mbuf_pkthdr_rcvif(m) == nke__ifnet_byindex(idx));
	pt_advance(1);
	KT_ASSERT_EQ(a.calls_in, 1);
	KT_ASSERT_EQ(pt_nemits, 1);
	KT_ASSERT_EQ(pt_emits[0].e.em_index, 0);
	KT_ASSERT(pt_emits[0].e.em_flags & NKS_EMIT_INJECTED);
	/* Framed from the interface's MAC. */
	KT_ASSERT_MEM_EQ(pt_emits[0].data, pt_mac_host, 6);
	KT_ASSERT_EQ(ipf_remove(a.ref), 0);
}

NKT_CASES(NKT_CASE(test_add_errors), NKT_CASE(test_order), NKT_CASE(test_input_args_v4),
          NKT_CASE(test_skip_rule_input_v4), NKT_CASE(test_skip_rule_removed_injector),
          NKT_CASE(test_skip_rule_output_v4), NKT_CASE(test_skip_rule_v6),
          NKT_CASE(test_per_header_v6), NKT_CASE(test_remove_deferred),
          NKT_CASE(test_results_and_ownership), NKT_CASE(test_output_checksum_state),
          NKT_CASE(test_output_checksum_offload), NKT_CASE(test_inject_recursion),
          NKT_CASE(test_inject_errors), NKT_CASE(test_inject_input_kext_made));
