/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_delay.c - unit tests of the delayed re-injector example (kernel
 * world; nke_add_kext_test): packets are kept, leave the host DELAY_MS
 * later unchanged and in order, pass the kext's own filter only once (the
 * skip rule), and the kext cannot stop while it holds packets.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <mach/kmod.h>
#include <nkt_kext.h>

extern kmod_info_t kmod_info;

static struct nkt_pkt p, q;

static void
test_holds_inbound_for_50ms(void)
{
	u_int64_t i;
	u_int32_t id;
	const struct nkt_emit *e;
	nks_i64 sent;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	KT_ASSERT_CONSOLE("delay: holding every IP packet for 50 ms\n");
	NKT_PKT(&p, "eth ipv4 10.0.0.2:53 > 10.0.0.1:4000 udp payload=answer");
	sent = nkt_now_ns();
	i = nkt_send(&p);
	KT_ASSERT_VERDICT(i, NKS_HOOK_IPF_INPUT, "delay.v4", EJUSTRETURN);
	KT_ASSERT_NOT_EMITTED(i, NKS_DIR_IN);
	nkt_advance_ms(49);
	KT_ASSERT_NOT_EMITTED(i, NKS_DIR_IN);
	nkt_advance_ms(1);
	KT_ASSERT_EMITTED_PKT(i, NKS_DIR_IN, &p);
	e = nkt_find_emit(i, NKS_DIR_IN);
	KT_ASSERT_EQ(e->e.em_time_ns - sent, 50000000);
	KT_ASSERT(e->e.em_flags & NKS_EMIT_INJECTED);
	/* The skip rule: our filter saw it once. */
	KT_ASSERT_EQ(nkt_count_verdicts(NKS_HOOK_IPF_INPUT, "delay.v4"), 1);
	nkt_kext_stop(id);
	KT_ASSERT_CONSOLE("delay: held 1 inbound and 0 outbound packets, re-injected 1, failed 0");
}

/* Outbound, IPv6 and IPv4, in the order they were sent. */
static void
test_outbound_in_order(void)
{
	u_int64_t a, b;
	u_int32_t id;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	NKT_PKT(&p, "eth ipv6 [2001:db8::1]:4000 > [2001:db8::2]:80 tcp syn");
	a = nkt_send(&p);
	nkt_advance_ms(10);
	NKT_PKT(&q, "eth ipv4 10.0.0.1:4000 > 10.0.0.2:80 tcp syn");
	b = nkt_send(&q);
	KT_ASSERT_VERDICT(a, NKS_HOOK_IPF_OUTPUT, "delay.v6", EJUSTRETURN);
	KT_ASSERT_VERDICT(b, NKS_HOOK_IPF_OUTPUT, "delay.v4", EJUSTRETURN);
	nkt_advance_ms(40);
	KT_ASSERT_EMITTED_PKT(a, NKS_DIR_OUT, &p);
	KT_ASSERT_NOT_EMITTED(b, NKS_DIR_OUT);
	nkt_advance_ms(10);
	KT_ASSERT_EMITTED_PKT(b, NKS_DIR_OUT, &q);
	KT_ASSERT_EQ(nkt_emits[0].e.em_index, a);
	KT_ASSERT_EQ(nkt_emits[1].e.em_index, b);
	KT_ASSERT_EQ(nkt_count_verdicts(NKS_HOOK_IPF_OUTPUT, NULL), 2);
	nkt_kext_stop(id);
}

/* A kext holding packets refuses to stop; once they left, it stops. */
static void
test_stop_waits_for_held_packets(void)
{
	u_int64_t i;
	u_int32_t id;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	i = nkt_sendf("eth ipv4 10.0.0.2:1 > 10.0.0.1:2 udp len=20");
	KT_ASSERT_EQ(nkt_kext_try_stop(id), EBUSY);
	KT_ASSERT_CONSOLE("delay: 1 packets still held, not yet\n");
	nkt_kext_stop(id); /* runs the timer, retries */
	KT_ASSERT_EMITTED(i, NKS_DIR_IN);
	KT_ASSERT_NO_LEAKS();
}

/* No memory for the bookkeeping: the packet passes at once, nothing leaks. */
static void
test_no_memory_passes(void)
{
	u_int64_t i;
	u_int32_t id;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	NKT_fail_alloc(NKS_ALLOC_OSMALLOC, 0, 1);
	i = nkt_sendf("eth ipv4 10.0.0.2:1 > 10.0.0.1:2 udp len=20");
	NKT_fail_reset();
	KT_ASSERT_VERDICT(i, NKS_HOOK_IPF_INPUT, "delay.v4", 0);
	KT_ASSERT_EMITTED(i, NKS_DIR_IN);
	nkt_kext_stop(id);
	KT_ASSERT_CONSOLE("not held 1\n");
}

NKT_CASES(NKT_CASE(test_holds_inbound_for_50ms), NKT_CASE(test_outbound_in_order),
    NKT_CASE(test_stop_waits_for_held_packets), NKT_CASE(test_no_memory_passes));
