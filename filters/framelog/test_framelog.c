/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_framelog.c - unit tests of the frame logger example (kernel world;
 * nke_add_kext_test).  Built twice: against the plain kext, and with
 * TEST_REINJECT against the kext built with FRAMELOG_REINJECT, where every
 * frame must still arrive exactly once, byte for byte, after a detour.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <mach/kmod.h>
#include <nkt_kext.h>

extern kmod_info_t kmod_info;

static struct nkt_pkt p, q;

/* It attaches to the interfaces present when it starts, and only those. */
static void
test_attaches_to_ethernet(void)
{
	u_int32_t id;

	nkt_host_up();
	(void)nkt_ifnet_attach("en1", 0, 0);
	id = nkt_kext_start(&kmod_info);
	KT_ASSERT_CONSOLE("framelog: attached to 2 interfaces");
	nkt_kext_stop(id);
	KT_ASSERT_CONSOLE("framelog: en0 in: IPv4 0, IPv6 0, ARP 0, other 0 frames; 0 bytes\n");
	KT_ASSERT_CONSOLE("framelog: en1 out: IPv4 0, IPv6 0, ARP 0, other 0 frames; 0 bytes\n");
}

/* Frames through the stack: counted per direction and protocol, passed on. */
static void
test_counts_frames(void)
{
	u_int64_t a, b, c;
	u_int32_t id;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	a = nkt_sendf("eth ipv4 10.0.0.2:1000 > 10.0.0.1:22 tcp syn");		/* 54 bytes */
	b = nkt_sendf("eth ipv6 [2001:db8::2]:53 > [2001:db8::1]:999 udp len=10"); /* 72 */
	c = nkt_sendf("eth ipv4 10.0.0.1:999 > 10.0.0.2:53 udp len=6");		/* 48 */
	KT_ASSERT_EMITTED(a, NKS_DIR_IN);
	KT_ASSERT_EMITTED(b, NKS_DIR_IN);
	KT_ASSERT_EMITTED(c, NKS_DIR_OUT);
	nkt_kext_stop(id);
	KT_ASSERT_CONSOLE("framelog: en0 in: IPv4 1, IPv6 1, ARP 0, other 0 frames; 126 bytes\n");
	KT_ASSERT_CONSOLE("framelog: en0 out: IPv4 1, IPv6 0, ARP 0, other 0 frames; 48 bytes\n");
}

#ifndef TEST_REINJECT
/* Called directly, on a split chain: the frame comes back untouched. */
static void
test_direct_calls(void)
{
	u_int32_t id;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	nkt_set_split(3);
	NKT_PKT(&p, "eth ipv4 10.0.0.2:1000 > 10.0.0.1:22 tcp syn payload=hello");
	q = p;
	KT_ASSERT_EQ(nkt_iflt_input("framelog", &p), 0);
	KT_ASSERT_PKT_EQ(&p, &q);
	NKT_PKT(&p, "eth ipv6 2001:db8::1 > 2001:db8::2 udp len=100");
	q = p;
	KT_ASSERT_EQ(nkt_iflt_output("framelog", &p), 0);
	KT_ASSERT_PKT_EQ(&p, &q);
	nkt_set_split(0);
	nkt_kext_stop(id);
	KT_ASSERT_CONSOLE("framelog: en0 in: IPv4 1, IPv6 0, ARP 0, other 0 frames; 59 bytes\n");
	KT_ASSERT_CONSOLE("framelog: en0 out: IPv4 0, IPv6 1, ARP 0, other 0 frames; 162 bytes\n");
}
#else
/*
 * Swallowed and re-injected: each frame is kept once (EJUSTRETURN), comes
 * back tagged and passes, and leaves the host exactly once, unchanged.
 */
static void
test_reinjects_every_frame(void)
{
	u_int64_t in, out;
	u_int32_t id;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	KT_ASSERT_CONSOLE("re-injecting every frame");
	NKT_PKT(&p, "eth ipv4 10.0.0.2:1000 > 10.0.0.1:22 tcp psh ack=5 payload=hello");
	in = nkt_send(&p);
	NKT_PKT(&q, "eth ipv6 [2001:db8::1]:999 > [2001:db8::2]:53 udp payload=query");
	out = nkt_send(&q);
	KT_ASSERT_EQ(nkt_count_verdicts(NKS_HOOK_IFF_INPUT, "framelog"), 2);
	KT_ASSERT_EQ(nkt_count_verdicts(NKS_HOOK_IFF_OUTPUT, "framelog"), 2);
	KT_ASSERT_EQ(nkt_count_emits(NKS_DIR_IN), 1);
	KT_ASSERT_EQ(nkt_count_emits(NKS_DIR_OUT), 1);
	KT_ASSERT_EMITTED_PKT(in, NKS_DIR_IN, &p);
	KT_ASSERT_EMITTED_PKT(out, NKS_DIR_OUT, &q);
	/*
	 * Each got one "kept" and one "pass" (of the injected copy).  Inbound
	 * the re-injection waits for the input thread: kept, then pass.
	 * Outbound ifnet_output_raw runs the filters at once, inside our
	 * callback: the pass is recorded before the keep.
	 */
	KT_ASSERT_EQ(nkt_count_results(in, NKS_HOOK_IFF_INPUT, "framelog", EJUSTRETURN), 1);
	KT_ASSERT_EQ(nkt_count_results(in, NKS_HOOK_IFF_INPUT, "framelog", 0), 1);
	KT_ASSERT_VERDICT(in, NKS_HOOK_IFF_INPUT, "framelog", 0);
	KT_ASSERT(nkt_find_verdict(in, NKS_HOOK_IFF_INPUT, "framelog")->v.vd_flags &
	    NKS_VD_INJECTED);
	KT_ASSERT_EQ(nkt_count_results(out, NKS_HOOK_IFF_OUTPUT, "framelog", EJUSTRETURN), 1);
	KT_ASSERT_EQ(nkt_count_results(out, NKS_HOOK_IFF_OUTPUT, "framelog", 0), 1);
	KT_ASSERT_VERDICT(out, NKS_HOOK_IFF_OUTPUT, "framelog", EJUSTRETURN);
	nkt_kext_stop(id);
	KT_ASSERT_CONSOLE("framelog: en0 re-injected 1 in, 1 out, 0 failed\n");
}

/* No tag, no swallowing: the frame passes untouched (and nothing leaks). */
static void
test_tag_failure_passes(void)
{
	u_int64_t in;
	u_int32_t id;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	NKT_fail_alloc(NKS_ALLOC_TAG, 0, 1);
	in = nkt_sendf("eth ipv4 10.0.0.2:1000 > 10.0.0.1:22 tcp syn");
	NKT_fail_reset();
	KT_ASSERT_VERDICT(in, NKS_HOOK_IFF_INPUT, "framelog", 0);
	KT_ASSERT_EQ(nkt_count_verdicts(NKS_HOOK_IFF_INPUT, "framelog"), 1);
	KT_ASSERT_EMITTED(in, NKS_DIR_IN);
	nkt_kext_stop(id);
	KT_ASSERT_CONSOLE("framelog: en0 re-injected 0 in, 0 out, 1 failed\n");
}
#endif

NKT_CASES(NKT_CASE(test_attaches_to_ethernet), NKT_CASE(test_counts_frames),
#ifndef TEST_REINJECT
    NKT_CASE(test_direct_calls)
#else
    NKT_CASE(test_reinjects_every_frame), NKT_CASE(test_tag_failure_passes)
#endif
);
