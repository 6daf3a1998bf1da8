/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_rewriter.c - unit tests of the payload rewriter example (kernel
 * world; nke_add_kext_test).  What leaves the simulated host is compared
 * byte for byte with a packet the test builds with the rewritten payload:
 * the test-support library computes that packet's checksums on its own, so
 * a wrong checksum from the kext fails the comparison.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <mach/kmod.h>
#include <nkt_kext.h>

extern kmod_info_t kmod_info;

static struct nkt_pkt p, want;

#define UA_OLD "\"User-Agent: Mozilla/5.0 (X11)\\r\\n\""
#define UA_NEW "\"User-Agent: Mozilla/4.0 (X11)\\r\\n\""

static void
test_inbound_tcp_ipv4(void)
{
	u_int64_t i;
	u_int32_t id;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	i = nkt_sendf("eth ipv4 10.0.0.2:40000 > 10.0.0.1:80 tcp psh ack=1 seq=7 payload=" UA_OLD);
	NKT_PKT(&want, "eth ipv4 10.0.0.2:40000 > 10.0.0.1:80 tcp psh ack=1 seq=7 payload=" UA_NEW);
	KT_ASSERT_VERDICT(i, NKS_HOOK_IPF_INPUT, "rewriter.v4", 0);
	KT_ASSERT_EMITTED_PKT(i, NKS_DIR_IN, &want);
	nkt_kext_stop(id);
	KT_ASSERT_CONSOLE("rewrote 1 occurrences in 1 inbound and 0 outbound packets, 0 failures");
}

/* Outbound: finalize first, then rewrite, then a full checksum. */
static void
test_outbound_tcp_and_udp(void)
{
	u_int64_t t, u;
	u_int32_t id;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	t = nkt_sendf("eth ipv4 10.0.0.1:40000 > 10.0.0.2:80 tcp psh ack=9 payload=" UA_OLD);
	NKT_PKT(&want, "eth ipv4 10.0.0.1:40000 > 10.0.0.2:80 tcp psh ack=9 payload=" UA_NEW);
	KT_ASSERT_EMITTED_PKT(t, NKS_DIR_OUT, &want);
	/* Two occurrences, one of them at the very end of the datagram. */
	u = nkt_sendf("eth ipv6 [2001:db8::1]:5000 > [2001:db8::2]:53 udp "
		      "payload=Mozilla/5.0,Mozilla/5.0");
	NKT_PKT(&want, "eth ipv6 [2001:db8::1]:5000 > [2001:db8::2]:53 udp "
		       "payload=Mozilla/4.0,Mozilla/4.0");
	KT_ASSERT_EMITTED_PKT(u, NKS_DIR_OUT, &want);
	nkt_kext_stop(id);
	KT_ASSERT_CONSOLE("rewrote 3 occurrences in 0 inbound and 2 outbound packets, 0 failures");
}

/* Packets without the pattern leave untouched, captured checksums and all. */
static void
test_other_packets_untouched(void)
{
	u_int64_t a, b;
	u_int32_t id;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	NKT_PKT(&p, "eth ipv6 [2001:db8::2]:40000 > [2001:db8::1]:80 tcp ack=1 payload=Mozilla/5.1");
	a = nkt_send(&p);
	KT_ASSERT_EMITTED_PKT(a, NKS_DIR_IN, &p);
	NKT_PKT(&p, "eth ipv4 10.0.0.1:40000 > 10.0.0.2:80 tcp syn");
	b = nkt_send(&p);
	KT_ASSERT_EMITTED_PKT(b, NKS_DIR_OUT, &p);
	nkt_kext_stop(id);
}

/*
 * Called directly on a chain of 1-byte mbufs, with the pattern across
 * chunks of the kext's scan: a long payload, the pattern at the end.
 */
static void
test_direct_split_chain(void)
{
	char payload[700];
	u_int32_t id;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	memset(payload, 'x', sizeof(payload));
	memcpy(payload + 250, "Mozilla/5.0", 11); /* across the first 256-byte chunk */
	memcpy(payload + sizeof(payload) - 12, "Mozilla/5.0", 11);
	payload[sizeof(payload) - 1] = '\0';
	nkt_set_split(1);
	NKT_PKT(&p, "ipv4 10.0.0.2:1 > 10.0.0.1:2 udp payload=%s", payload);
	KT_ASSERT_EQ(nkt_ipf_input("rewriter.v4", &p), 0);
	memcpy(payload + 250, "Mozilla/4.0", 11);
	memcpy(payload + sizeof(payload) - 12, "Mozilla/4.0", 11);
	NKT_PKT(&want, "ipv4 10.0.0.2:1 > 10.0.0.1:2 udp payload=%s", payload);
	KT_ASSERT_PKT_EQ(&p, &want);
	nkt_set_split(0);
	nkt_kext_stop(id);
	KT_ASSERT_CONSOLE("rewrote 2 occurrences in 1 inbound");
}

/* A pattern split between two segments is not seen (documented). */
static void
test_split_between_segments(void)
{
	u_int32_t id;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	NKT_PKT(&p, "ipv4 10.0.0.2:1 > 10.0.0.1:80 tcp ack=1 payload=Mozil");
	KT_ASSERT_EQ(nkt_ipf_input("rewriter.v4", &p), 0);
	NKT_PKT(&want, "ipv4 10.0.0.2:1 > 10.0.0.1:80 tcp ack=1 payload=Mozil");
	KT_ASSERT_PKT_EQ(&p, &want);
	nkt_kext_stop(id);
	KT_ASSERT_CONSOLE("rewrote 0 occurrences");
}

NKT_CASES(NKT_CASE(test_inbound_tcp_ipv4), NKT_CASE(test_outbound_tcp_and_udp),
    NKT_CASE(test_other_packets_untouched), NKT_CASE(test_direct_split_chain),
    NKT_CASE(test_split_between_segments));
