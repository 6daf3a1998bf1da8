/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_ip_frag.c - tests of kpi_shim/kern/ip_frag.c (kernel world): IPv4
 * reassembly (in order, out of order, XNU's overlap policy, duplicates,
 * malformed fragments, timeout, per-datagram, count and memory limits),
 * identity of unchanged fragmented datagrams in both directions, and
 * fragmentation of a changed datagram to the MTU.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include "pkt_testutil.h"


static u_int8_t payload[256];

/* A UDP datagram with 64 bytes of payload: 72 bytes after the IP header. */
static u_int32_t
datagram(struct pt_pkt *d, int inbound, u_int16_t id)
{
	unsigned i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (u_int8_t)i;
	pt_eth(d, inbound, 0x0800, 0, NULL);
	return pt_ip4(d, inbound ? pt_ip_peer : pt_ip_host, inbound ? pt_ip_host : pt_ip_peer, 17,
	              id, 0, 0, payload, 64);
}

static void
test_in_order_identity(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), h;
	struct pt_pkt d, f1, f2;
	struct nks_netstats ns;
	struct pt_cap c;
	u_int64_t r1, r2;

	pt_cap_add(&c, 0);
	pt_record(1, 1);
	h = datagram(&d, 1, 100);
	pt_frag4(&f1, &d, h, 0, 32, 1);
	pt_frag4(&f2, &d, h, 32, 40, 0);
	r1 = pt_feed(idx, NKS_DIR_IN, &f1);
	KT_ASSERT_EQ(c.calls_in, 0);
	KT_ASSERT_EQ(pt_nemits, 0);
	r2 = pt_feed(idx, NKS_DIR_IN, &f2);
	/* One datagram for the filters: whole, ip_off 0. */
	KT_ASSERT_EQ(c.calls_in, 1);
	KT_ASSERT_EQ(c.len, d.len - h);
	KT_ASSERT_MEM_EQ(c.pkt, d.b + h, c.len);
	/* Unchanged: the two original fragments leave, byte for byte. */
	KT_ASSERT_EQ(pt_nemits, 2);
	KT_ASSERT_EQ(pt_emits[0].e.em_index, r1);
	KT_ASSERT_EQ(pt_emits[0].e.em_len, f1.len);
	KT_ASSERT_MEM_EQ(pt_emits[0].data, f1.b, f1.len);
	KT_ASSERT_EQ(pt_emits[1].e.em_index, r2);
	KT_ASSERT_MEM_EQ(pt_emits[1].data, f2.b, f2.len);
	KT_ASSERT_EQ(pt_verdicts[0].v.vd_index, r1); /* the datagram's first fragment */
	NKS_netstats(&ns);
	KT_ASSERT_EQ(ns.ns_frags, 2);
	KT_ASSERT_EQ(ns.ns_reassembled, 1);
	KT_ASSERT_EQ(ns.ns_emitted_in, 2);
	KT_ASSERT_EQ(nke__reass_pending(), 0);
	KT_ASSERT_EQ(ipf_remove(c.ref), 0);
}

static void
test_out_of_order_changed(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), h;
	struct pt_pkt d, f1, f2, f3;
	struct pt_cap c;

	pt_cap_add(&c, 0);
	c.modify = 1;
	pt_record(1, 1);
	h = datagram(&d, 1, 101);
	pt_frag4(&f1, &d, h, 0, 24, 1);
	pt_frag4(&f2, &d, h, 24, 24, 1);
	pt_frag4(&f3, &d, h, 48, 24, 0);
	pt_feed(idx, NKS_DIR_IN, &f3);
	pt_feed(idx, NKS_DIR_IN, &f1);
	KT_ASSERT_EQ(c.calls_in, 0);
	pt_feed(idx, NKS_DIR_IN, &f2);
	KT_ASSERT_EQ(c.calls_in, 1);
	KT_ASSERT_MEM_EQ(c.pkt, d.b + h, c.len);
	/* Changed by the filter: the datagram goes up as one packet. */
	KT_ASSERT_EQ(pt_nemits, 1);
	KT_ASSERT_EQ(pt_emits[0].e.em_len, d.len);
	KT_ASSERT_MEM_EQ(pt_emits[0].data, d.b, d.len - 1);
	KT_ASSERT_EQ(pt_emits[0].data[d.len - 1], 0x99);
	KT_ASSERT_EQ(ipf_remove(c.ref), 0);
}

static void
test_overlap_policy(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), h;
	struct pt_pkt d, b, f, a;
	struct pt_cap c;
	int order;

	pt_cap_add(&c, 0);
	pt_record(1, 1);
	for (order = 0; order < 2; order++) {
		h = datagram(&d, 1, (u_int16_t)(200 + order));
		/* a: [0,32) of the real data; b: [16,48) with other bytes; f: the rest. */
		pt_frag4(&a, &d, h, 0, 32, 1);
		pt_frag4(&b, &d, h, 16, 32, 1);
		memset(b.b + h + 20, 0xbb, 32);
		pt_ip4_fix(&b, h);
		pt_frag4(&f, &d, h, 48, 24, 0);
		if (order == 0) {
			pt_feed(idx, NKS_DIR_IN, &a);
			pt_feed(idx, NKS_DIR_IN, &b);
		} else {
			pt_feed(idx, NKS_DIR_IN, &b);
			pt_feed(idx, NKS_DIR_IN, &a);
		}
		pt_feed(idx, NKS_DIR_IN, &f);
		/*
		 * XNU's ip_reass: a fragment keeps what precedes it, and its
		 * own data wins over what follows it.  Either way a's bytes
		 * fill [0,32) and b's only [32,48).
		 */
		KT_ASSERT_EQ(c.calls_in, order + 1);
		KT_ASSERT_EQ(c.len, 20 + 72);
		KT_ASSERT_MEM_EQ(c.pkt + 20, d.b + h + 20, 32);
		KT_ASSERT_EQ(c.pkt[20 + 32], 0xbb);
		KT_ASSERT_EQ(c.pkt[20 + 47], 0xbb);
		KT_ASSERT_MEM_EQ(c.pkt + 20 + 48, d.b + h + 20 + 48, 24);
	}
	/* Unchanged: every original fragment left (3 a datagram). */
	KT_ASSERT_EQ(pt_nemits, 6);
	KT_ASSERT_EQ(ipf_remove(c.ref), 0);
}

static void
test_duplicate_and_malformed(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), h;
	struct pt_pkt d, f1, f2, bad;
	struct pt_cap c;

	pt_cap_add(&c, 0);
	pt_record(1, 1);
	h = datagram(&d, 1, 300);
	pt_frag4(&f1, &d, h, 0, 32, 1);
	pt_frag4(&f2, &d, h, 32, 40, 0);
	pt_feed(idx, NKS_DIR_IN, &f1);
	pt_feed(idx, NKS_DIR_IN, &f1);
	/* The duplicate brings nothing: dropped now, emitted as it came. */
	KT_ASSERT(pt_stack_verdict("frag-duplicate") != NULL);
	KT_ASSERT_EQ(pt_nemits, 1);
	KT_ASSERT_MEM_EQ(pt_emits[0].data, f1.b, f1.len);
	pt_feed(idx, NKS_DIR_IN, &f2);
	KT_ASSERT_EQ(c.calls_in, 1);
	KT_ASSERT_EQ(pt_nemits, 3);

	/* More fragments follow, but the length is not a multiple of 8. */
	pt_frag4(&bad, &d, h, 0, 20, 1);
	pt_record_reset();
	pt_feed(idx, NKS_DIR_IN, &bad);
	KT_ASSERT(pt_stack_verdict("frag-bad-length") != NULL);
	KT_ASSERT_EQ(pt_nemits, 1);
	KT_ASSERT_MEM_EQ(pt_emits[0].data, bad.b, bad.len);
	/* Zero bytes with more to come. */
	pt_frag4(&bad, &d, h, 8, 0, 1);
	pt_feed(idx, NKS_DIR_IN, &bad);
	KT_ASSERT_EQ(pt_nemits, 2);
	/* A truncated record cannot be reassembled. */
	pt_feed_trunc(idx, NKS_DIR_IN, &f1, f1.len - 8);
	KT_ASSERT(pt_stack_verdict("frag-truncated") != NULL);
	KT_ASSERT_EQ(pt_verdicts[pt_nverdicts - 1].v.vd_flags & NKS_VD_TRUNCATED, NKS_VD_TRUNCATED);
	KT_ASSERT_EQ(pt_emits[2].e.em_len, f1.len - 8);
	KT_ASSERT_EQ(pt_emits[2].e.em_wirelen, f1.len);
	KT_ASSERT(pt_emits[2].e.em_flags & NKS_EMIT_TRUNCATED);
	KT_ASSERT_EQ(c.calls_in, 1);
	KT_ASSERT_EQ(nke__reass_pending(), 0);

	/* Two "last" fragments that disagree: never complete, expire. */
	h = datagram(&d, 1, 301);
	pt_frag4(&f1, &d, h, 0, 32, 1);
	pt_frag4(&f2, &d, h, 48, 24, 0);
	pt_frag4(&bad, &d, h, 32, 8, 0);
	pt_feed(idx, NKS_DIR_IN, &f1);
	pt_feed(idx, NKS_DIR_IN, &f2);
	pt_feed(idx, NKS_DIR_IN, &bad);
	KT_ASSERT_EQ(c.calls_in, 1);
	KT_ASSERT_EQ(nke__reass_pending(), 1);
	pt_record_reset();
	pt_advance(31ULL * 1000000000ULL);
	KT_ASSERT_EQ(nke__reass_pending(), 0);
	KT_ASSERT_EQ(pt_nemits, 3);
	KT_ASSERT_EQ(ipf_remove(c.ref), 0);
}

static void
test_timeout(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), h;
	struct pt_pkt d, f1;
	const struct pt_verdict *v;
	u_int64_t r1;
	nks_u64 deadline = 0;

	pt_record(1, 1);
	h = datagram(&d, 1, 400);
	pt_frag4(&f1, &d, h, 0, 32, 1);
	r1 = pt_feed(idx, NKS_DIR_IN, &f1);
	KT_ASSERT_EQ(nke__reass_pending(), 1);
	/* The reassembly timer is a pending callout the host can drain. */
	KT_ASSERT(NKS_callouts_pending(&deadline) >= 1);
	pt_advance(29ULL * 1000000000ULL);
	KT_ASSERT_EQ(nke__reass_pending(), 1);
	KT_ASSERT_EQ(pt_nemits, 0);
	pt_advance(2ULL * 1000000000ULL);
	KT_ASSERT_EQ(nke__reass_pending(), 0);
	v = pt_stack_verdict("reass-timeout");
	KT_ASSERT(v != NULL);
	KT_ASSERT_EQ(v->v.vd_index, r1);
	/* Given up: the fragment leaves as it came. */
	KT_ASSERT_EQ(pt_nemits, 1);
	KT_ASSERT_EQ(pt_emits[0].e.em_index, r1);
	KT_ASSERT_MEM_EQ(pt_emits[0].data, f1.b, f1.len);
	KT_ASSERT_EQ(NKS_callouts_pending(NULL), 0);
}

static void
test_timeout_without_emission(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), h;
	struct pt_pkt d, f1;
	struct nks_netstats ns;

	/* No ho_emit: no copy is kept; the verdict still names the record. */
	pt_record(0, 1);
	h = datagram(&d, 1, 401);
	pt_frag4(&f1, &d, h, 8, 24, 1);
	pt_feed(idx, NKS_DIR_IN, &f1);
	pt_advance(31ULL * 1000000000ULL);
	KT_ASSERT(pt_stack_verdict("reass-timeout") != NULL);
	NKS_netstats(&ns);
	KT_ASSERT_EQ(ns.ns_frag_dropped, 1);
}

static void
test_limits(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), h, i;
	struct pt_pkt d, f;

	pt_record(1, 1);
	h = datagram(&d, 1, 500);
	/* 8-byte fragments that never complete (offset 0 never comes). */
	for (i = 1; i <= 8; i++) {
		pt_frag4(&f, &d, h, 8 * i, 8, 1);
		pt_feed(idx, NKS_DIR_IN, &f);
	}
	KT_ASSERT_EQ(nke__reass_pending(), 1);
	/* More than 128 fragments of one datagram: given up. */
	{
		static struct pt_pkt big;
		u_int8_t data[1100];
		u_int32_t bh;

		memset(data, 7, sizeof(data));
		pt_eth(&big, 1, 0x0800, 0, NULL);
		bh = pt_ip4(&big, pt_ip_peer, pt_ip_host, 17, 501, 0, 0, data, sizeof(data));
		for (i = 1; i <= 129; i++) {
			pt_frag4(&f, &big, bh, 8 * i, 8, 1);
			pt_feed(idx, NKS_DIR_IN, &f);
		}
	}
	KT_ASSERT(pt_stack_verdict("frag-limit") != NULL);
	KT_ASSERT_EQ(nke__reass_pending(), 1);
	/* More than 1024 datagrams: the oldest goes. */
	pt_record_reset();
	for (i = 0; i < NKE_REASS_MAXQ; i++) {
		pt_put16(d.b + h + 4, (u_int16_t)(1000 + i));
		pt_ip4_fix(&d, h);
		pt_frag4(&f, &d, h, 8, 8, 1);
		pt_feed(idx, NKS_DIR_IN, &f);
	}
	KT_ASSERT_EQ(nke__reass_pending(), NKE_REASS_MAXQ);
	KT_ASSERT(pt_stack_verdict("reass-limit") != NULL);
	pt_advance(31ULL * 1000000000ULL);
	KT_ASSERT_EQ(nke__reass_pending(), 0);
}

static void
test_memory_limit(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), h, i;
	static struct pt_pkt d, f;
	static u_int8_t data[16100];

	pt_record(1, 1);
	memset(data, 3, sizeof(data));
	pt_eth(&d, 1, 0x0800, 0, NULL);
	h = pt_ip4(&d, pt_ip_peer, pt_ip_host, 17, 1, 0, 0, data, sizeof(data));
	/* ~16 KB fragments (plus their kept originals): 16 MiB is about 500 of them. */
	for (i = 0; i < 560; i++) {
		pt_put16(d.b + h + 4, (u_int16_t)(2000 + i));
		pt_frag4(&f, &d, h, 8, 16000, 1);
		pt_feed(idx, NKS_DIR_IN, &f);
	}
	KT_ASSERT(pt_stack_verdict("reass-memory") != NULL);
	KT_ASSERT(nke__reass_pending() < 560);
	KT_ASSERT(nke__reass_pending() > 400);
	pt_advance(31ULL * 1000000000ULL);
	KT_ASSERT_EQ(nke__reass_pending(), 0);
}

static void
test_outbound_identity(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), h;
	struct pt_pkt d, f1, f2;
	struct pt_cap c;

	pt_cap_add(&c, 0);
	pt_record(1, 1);
	h = datagram(&d, 0, 600);
	pt_frag4(&f1, &d, h, 0, 32, 1);
	pt_frag4(&f2, &d, h, 32, 40, 0);
	pt_feed(idx, NKS_DIR_OUT, &f1);
	KT_ASSERT_EQ(c.calls_out, 0);
	pt_feed(idx, NKS_DIR_OUT, &f2);
	/* ipf_output sees the whole datagram, its UDP checksum pending. */
	KT_ASSERT_EQ(c.calls_out, 1);
	KT_ASSERT_EQ(c.len, d.len - h);
	KT_ASSERT_EQ(pt_get16(c.pkt + 2), 92);
	KT_ASSERT_EQ(pt_get16(c.pkt + 6), 0);
	KT_ASSERT_EQ(pt_get16(c.pkt + 26), pt_pseudo(pt_ip_host, pt_ip_peer, 4, 72, 17));
	/* Unchanged: the captured fragments leave. */
	KT_ASSERT_EQ(pt_nemits, 2);
	KT_ASSERT_MEM_EQ(pt_emits[0].data, f1.b, f1.len);
	KT_ASSERT_MEM_EQ(pt_emits[1].data, f2.b, f2.len);
	KT_ASSERT_EQ(ipf_remove(c.ref), 0);
}

static void
test_outbound_refragment(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 60), h, i, total = 0;
	struct pt_pkt d, f1, f2;
	u_int8_t whole[128];
	struct pt_cap c;

	pt_cap_add(&c, 0);
	c.modify = 1;
	pt_record(1, 1);
	h = datagram(&d, 0, 601);
	pt_frag4(&f1, &d, h, 0, 40, 1);
	pt_frag4(&f2, &d, h, 40, 32, 0);
	pt_feed(idx, NKS_DIR_OUT, &f1);
	pt_feed(idx, NKS_DIR_OUT, &f2);
	KT_ASSERT_EQ(c.calls_out, 1);
	/* Changed: fragmented again for the 60-byte MTU: 40 bytes of data each. */
	KT_ASSERT_EQ(pt_nemits, 2);
	for (i = 0; i < pt_nemits; i++) {
		const u_int8_t *ip = pt_emits[i].data + 14;
		u_int32_t off = (pt_get16(ip + 6) & 0x1fff) * 8, len = pt_get16(ip + 2) - 20;

		KT_ASSERT(pt_emits[i].e.em_len - 14 <= 60);
		KT_ASSERT_EQ(pt_get16(ip + 10), pt_ip_sum(ip));
		KT_ASSERT_EQ(ip[8], 9);
		KT_ASSERT_EQ((pt_get16(ip + 6) & 0x2000) != 0, i == 0);
		memcpy(whole + off, ip + 20, len);
		total += len;
	}
	KT_ASSERT_EQ(total, 72);
	/* The UDP checksum was completed before fragmenting. */
	KT_ASSERT_EQ(pt_get16(whole + 6), pt_get16(d.b + h + 26));
	KT_ASSERT_MEM_EQ(whole + 8, payload, 64);
	KT_ASSERT_EQ(ipf_remove(c.ref), 0);
}

NKT_CASES(NKT_CASE(test_in_order_identity), NKT_CASE(test_out_of_order_changed),
          NKT_CASE(test_overlap_policy), NKT_CASE(test_duplicate_and_malformed),
          NKT_CASE(test_timeout), NKT_CASE(test_timeout_without_emission), NKT_CASE(test_limits),
          NKT_CASE(test_memory_limit), NKT_CASE(test_outbound_identity),
          NKT_CASE(test_outbound_refragment));
