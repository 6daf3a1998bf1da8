/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_frag6.c - tests of kpi_shim/kern/frag6.c (kernel world): IPv6
 * reassembly (in order, out of order, RFC 5722 overlaps dropping the whole
 * datagram, exact duplicates, malformed fragments, the first fragment
 * without its upper-layer header, the 60-second timeout), identity of
 * unchanged fragmented datagrams, and fragmentation with a Fragment header
 * of a changed datagram.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include "pkt_testutil.h"


static u_int8_t payload[128];

/* UDP over IPv6 with 64 bytes of payload: 72 bytes after the IPv6 header. */
static u_int32_t
datagram(struct pt_pkt *d, int inbound)
{
	unsigned i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (u_int8_t)(i * 3);
	pt_eth(d, inbound, 0x86dd, 0, NULL);
	return pt_ip6(d, inbound ? pt_ip6_peer : pt_ip6_host, inbound ? pt_ip6_host : pt_ip6_peer,
	              NULL, 0, 17, payload, 64);
}

static void
test_in_order_identity(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), h;
	struct pt_pkt d, f1, f2;
	struct pt_cap c;

	pt_cap_add(&c, 1);
	pt_record(1, 1);
	h = datagram(&d, 1);
	pt_frag6(&f1, &d, h, 0, 32, 1, 1);
	pt_frag6(&f2, &d, h, 32, 40, 0, 1);
	pt_feed(idx, NKS_DIR_IN, &f2);
	pt_feed(idx, NKS_DIR_IN, &f1);
	KT_ASSERT_EQ(c.n, 3);
	KT_ASSERT_EQ(c.protos[0], 44);
	KT_ASSERT_EQ(c.protos[2], 17);
	/* Reassembled: no fragment header, ip6_plen updated. */
	KT_ASSERT_EQ(c.len, d.len - h);
	KT_ASSERT_MEM_EQ(c.pkt, d.b + h, c.len);
	/* Unchanged: the original fragments, in arrival order. */
	KT_ASSERT_EQ(pt_nemits, 2);
	KT_ASSERT_MEM_EQ(pt_emits[0].data, f2.b, f2.len);
	KT_ASSERT_MEM_EQ(pt_emits[1].data, f1.b, f1.len);
	KT_ASSERT_EQ(ipf_remove(c.ref), 0);
}

static void
test_changed_datagram(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), h;
	struct pt_pkt d, f1, f2;
	struct pt_cap c;

	pt_cap_add(&c, 1);
	c.modify = 1;
	pt_record(1, 1);
	h = datagram(&d, 1);
	pt_frag6(&f1, &d, h, 0, 32, 1, 2);
	pt_frag6(&f2, &d, h, 32, 40, 0, 2);
	pt_feed(idx, NKS_DIR_IN, &f1);
	pt_feed(idx, NKS_DIR_IN, &f2);
	KT_ASSERT_EQ(pt_nemits, 1);
	KT_ASSERT_EQ(pt_emits[0].e.em_len, d.len);
	KT_ASSERT_MEM_EQ(pt_emits[0].data, d.b, d.len - 1);
	KT_ASSERT_EQ(ipf_remove(c.ref), 0);
}

static void
test_overlap_drops_datagram(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), h;
	struct pt_pkt d, f1, f2, f3;
	struct nks_netstats ns;
	struct pt_cap c;

	pt_cap_add(&c, 1);
	pt_record(1, 1);
	h = datagram(&d, 1);
	pt_frag6(&f1, &d, h, 0, 32, 1, 3);
	pt_frag6(&f2, &d, h, 24, 16, 1, 3); /* overlaps f1 */
	pt_frag6(&f3, &d, h, 40, 32, 0, 3);
	pt_feed(idx, NKS_DIR_IN, &f1);
	pt_feed(idx, NKS_DIR_IN, &f2);
	/* RFC 5722: every fragment goes, each emitted as it came. */
	KT_ASSERT(pt_stack_verdict("frag-overlap") != NULL);
	KT_ASSERT_EQ(pt_nemits, 2);
	KT_ASSERT_MEM_EQ(pt_emits[0].data, f1.b, f1.len);
	KT_ASSERT_MEM_EQ(pt_emits[1].data, f2.b, f2.len);
	/* The datagram stays refused until it expires. */
	pt_feed(idx, NKS_DIR_IN, &f3);
	KT_ASSERT_EQ(pt_nemits, 3);
	KT_ASSERT_EQ(c.calls_in, 3); /* each fragment still met ipf_input (44) */
	KT_ASSERT_EQ(nke__reass_pending(), 1);
	pt_advance(61ULL * 1000000000ULL);
	KT_ASSERT_EQ(nke__reass_pending(), 0);
	NKS_netstats(&ns);
	KT_ASSERT_EQ(ns.ns_frag_dropped, 3);
	KT_ASSERT_EQ(ns.ns_reassembled, 0);
	KT_ASSERT_EQ(ipf_remove(c.ref), 0);
}

static void
test_duplicate_and_malformed(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), h;
	struct pt_pkt d, f1, f2, bad;
	struct pt_cap c;

	pt_cap_add(&c, 1);
	pt_record(1, 1);
	h = datagram(&d, 1);
	pt_frag6(&f1, &d, h, 0, 32, 1, 4);
	pt_frag6(&f2, &d, h, 32, 40, 0, 4);
	pt_feed(idx, NKS_DIR_IN, &f1);
	pt_feed(idx, NKS_DIR_IN, &f1);
	KT_ASSERT(pt_stack_verdict("frag-duplicate") != NULL);
	pt_feed(idx, NKS_DIR_IN, &f2);
	KT_ASSERT_EQ(c.protos[c.n - 1], 17);
	KT_ASSERT_EQ(pt_nemits, 3);

	/* M set and a length that is not a multiple of 8. */
	pt_record_reset();
	pt_frag6(&bad, &d, h, 0, 20, 1, 5);
	pt_feed(idx, NKS_DIR_IN, &bad);
	KT_ASSERT(pt_stack_verdict("frag-bad-length") != NULL);
	/* Past 65535 bytes. */
	pt_frag6(&bad, &d, h, 65528, 16, 0, 6);
	pt_feed(idx, NKS_DIR_IN, &bad);
	KT_ASSERT(pt_stack_verdict("frag-too-long") != NULL);
	/* A first fragment that stops inside the UDP header. */
	pt_frag6(&bad, &d, h, 0, 0, 1, 7);
	pt_feed(idx, NKS_DIR_IN, &bad);
	KT_ASSERT(pt_stack_verdict("frag-first-incomplete") != NULL);
	KT_ASSERT_EQ(pt_nemits, 3);
	KT_ASSERT_MEM_EQ(pt_emits[2].data, bad.b, bad.len);
	/* As in XNU, the queues those made stay (empty) until they expire. */
	KT_ASSERT_EQ(nke__reass_pending(), 2);
	pt_advance(61ULL * 1000000000ULL);
	KT_ASSERT_EQ(nke__reass_pending(), 0);
	KT_ASSERT_EQ(pt_nemits, 3);
	KT_ASSERT_EQ(ipf_remove(c.ref), 0);
}

static void
test_timeout(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), h;
	struct pt_pkt d, f2;

	pt_record(1, 1);
	h = datagram(&d, 1);
	pt_frag6(&f2, &d, h, 32, 40, 0, 8);
	pt_feed(idx, NKS_DIR_IN, &f2);
	pt_advance(59ULL * 1000000000ULL);
	KT_ASSERT_EQ(nke__reass_pending(), 1);
	pt_advance(2ULL * 1000000000ULL);
	KT_ASSERT_EQ(nke__reass_pending(), 0);
	KT_ASSERT(pt_stack_verdict("reass-timeout") != NULL);
	KT_ASSERT_EQ(pt_nemits, 1);
	KT_ASSERT_MEM_EQ(pt_emits[0].data, f2.b, f2.len);
}

static void
test_outbound(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), h;
	struct pt_pkt d, f1, f2;
	struct pt_cap c;

	pt_cap_add(&c, 1);
	pt_record(1, 1);
	h = datagram(&d, 0);
	pt_frag6(&f1, &d, h, 0, 32, 1, 9);
	pt_frag6(&f2, &d, h, 32, 40, 0, 9);
	pt_feed(idx, NKS_DIR_OUT, &f1);
	pt_feed(idx, NKS_DIR_OUT, &f2);
	KT_ASSERT_EQ(c.calls_out, 1);
	KT_ASSERT_EQ(c.len, 40 + 72);
	KT_ASSERT_EQ(c.pkt[6], 17);
	KT_ASSERT_EQ(pt_get16(c.pkt + 46), pt_pseudo(pt_ip6_host, pt_ip6_peer, 16, 72, 17));
	KT_ASSERT_EQ(pt_nemits, 2);
	KT_ASSERT_MEM_EQ(pt_emits[0].data, f1.b, f1.len);
	KT_ASSERT_MEM_EQ(pt_emits[1].data, f2.b, f2.len);
	KT_ASSERT_EQ(ipf_remove(c.ref), 0);
}

static void
test_outbound_refragment(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 80), h, i, total = 0;
	struct pt_pkt d;
	u_int8_t whole[128];
	struct pt_cap c;

	pt_cap_add(&c, 1);
	c.modify = 1;
	pt_record(1, 1);
	h = datagram(&d, 0);
	pt_feed(idx, NKS_DIR_OUT, &d);
	/* 112 bytes > 80: fragments of 40 + 8 + 32 bytes. */
	KT_ASSERT_EQ(pt_nemits, 3);
	for (i = 0; i < pt_nemits; i++) {
		const u_int8_t *ip6 = pt_emits[i].data + 14;
		u_int32_t off = pt_get16(ip6 + 42) & 0xfff8, len = pt_get16(ip6 + 4) - 8;

		KT_ASSERT(pt_emits[i].e.em_len - 14 <= 80);
		KT_ASSERT_EQ(ip6[6], 44);
		KT_ASSERT_EQ(ip6[7], 9);
		KT_ASSERT_EQ(ip6[40], 17);
		KT_ASSERT_EQ((pt_get16(ip6 + 42) & 1) != 0, i + 1 < pt_nemits);
		memcpy(whole + off, ip6 + 48, len);
		total += len;
	}
	KT_ASSERT_EQ(total, 72);
	KT_ASSERT_EQ(pt_get16(whole + 6), pt_get16(d.b + h + 46));
	KT_ASSERT_MEM_EQ(whole + 8, payload, 64);
	KT_ASSERT_EQ(ipf_remove(c.ref), 0);
}

static void
test_limits(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), h, i;
	static struct pt_pkt big;
	struct pt_pkt f;
	u_int8_t data[1100];

	pt_record(1, 1);
	memset(data, 7, sizeof(data));
	pt_eth(&big, 1, 0x86dd, 0, NULL);
	h = pt_ip6(&big, pt_ip6_peer, pt_ip6_host, NULL, 0, 17, data, sizeof(data));
	/* More than 128 fragments of a datagram that never completes. */
	for (i = 1; i <= 129; i++) {
		pt_frag6(&f, &big, h, 8 * i, 8, 1, 10);
		pt_feed(idx, NKS_DIR_IN, &f);
	}
	KT_ASSERT(pt_stack_verdict("frag-limit") != NULL);
	KT_ASSERT_EQ(nke__reass_pending(), 0);
	KT_ASSERT_EQ(pt_nemits, 129);
}

NKT_CASES(NKT_CASE(test_in_order_identity), NKT_CASE(test_limits), NKT_CASE(test_changed_datagram),
          NKT_CASE(test_overlap_drops_datagram), NKT_CASE(test_duplicate_and_malformed),
          NKT_CASE(test_timeout), NKT_CASE(test_outbound), NKT_CASE(test_outbound_refragment));
