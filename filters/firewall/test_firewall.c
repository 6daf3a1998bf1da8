/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_firewall.c - unit tests of the firewall example (kernel world, run
 * by nkesim's CMocka runner; registered with nke_add_kext_test).  The kext
 * is started from the kmod_info nke_add_kext() generated; packets go either
 * through the simulated stack (nkt_send: verdicts and emissions recorded)
 * or straight into its ipf_input (nkt_ipf_input).
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <mach/kmod.h>
#include <nkt_kext.h>

extern kmod_info_t kmod_info;

static struct nkt_pkt p;

static void
test_starts_and_stops(void)
{
	u_int32_t id = nkt_kext_start(&kmod_info);

	KT_ASSERT_CONSOLE("firewall: 2 rules: tcp/23 tcp/80\n");
	nkt_kext_stop(id);
	KT_ASSERT_CONSOLE("firewall: tcp/80 dropped 0\n");
}

/* A SYN to port 80 disappears at ipf_input; one to port 22 goes up. */
static void
test_drops_syn_ipv4(void)
{
	u_int64_t blocked, open;
	u_int32_t id;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	blocked = nkt_sendf("eth ipv4 10.0.0.2:40000 > 10.0.0.1:80 tcp syn seq=1000");
	open = nkt_sendf("eth ipv4 10.0.0.2:40001 > 10.0.0.1:22 tcp syn seq=2000");
	KT_ASSERT_VERDICT(blocked, NKS_HOOK_IPF_INPUT, "firewall.v4", EPERM);
	KT_ASSERT_NOT_EMITTED(blocked, NKS_DIR_IN);
	KT_ASSERT_VERDICT(open, NKS_HOOK_IPF_INPUT, "firewall.v4", 0);
	KT_ASSERT_EMITTED(open, NKS_DIR_IN);
	nkt_kext_stop(id);
	KT_ASSERT_CONSOLE("firewall: tcp/80 dropped 1\n");
	KT_ASSERT_CONSOLE("firewall: tcp/23 dropped 0\n");
}

/* Only connection attempts: segments of an established connection pass. */
static void
test_passes_established(void)
{
	u_int64_t synack, ack, data;
	u_int32_t id;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	synack = nkt_sendf("eth ipv4 10.0.0.2:40000 > 10.0.0.1:80 tcp syn ack=1");
	ack = nkt_sendf("eth ipv4 10.0.0.2:40000 > 10.0.0.1:80 tcp ack=1");
	data = nkt_sendf("eth ipv4 10.0.0.2:40000 > 10.0.0.1:80 tcp psh ack=1 payload=GET");
	KT_ASSERT_EMITTED(synack, NKS_DIR_IN);
	KT_ASSERT_EMITTED(ack, NKS_DIR_IN);
	KT_ASSERT_EMITTED(data, NKS_DIR_IN);
	KT_ASSERT_EQ(nkt_count_verdicts(NKS_HOOK_IPF_INPUT, "firewall.v4"), 3);
	/* Outbound SYNs are the host's own connections: no ipf_output at all. */
	KT_ASSERT_EMITTED(nkt_sendf("eth ipv4 10.0.0.1:40002 > 10.0.0.2:80 tcp syn"), NKS_DIR_OUT);
	KT_ASSERT_EQ(nkt_count_verdicts(NKS_HOOK_IPF_OUTPUT, NULL), 0);
	nkt_kext_stop(id);
}

/* IPv6, with extension headers before TCP: the offset ipf_input gets skips them. */
static void
test_drops_syn_ipv6(void)
{
	u_int64_t plain, exts;
	u_int32_t id;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	plain = nkt_sendf("eth ipv6 [2001:db8::2]:40000 > [2001:db8::1]:23 tcp syn");
	exts = nkt_sendf("eth ipv6 [2001:db8::2]:40000 > [2001:db8::1]:80 ext=0,60 tcp syn");
	KT_ASSERT_VERDICT(plain, NKS_HOOK_IPF_INPUT, "firewall.v6", EPERM);
	KT_ASSERT_VERDICT(exts, NKS_HOOK_IPF_INPUT, "firewall.v6", EPERM);
	KT_ASSERT_NOT_EMITTED(plain, NKS_DIR_IN);
	KT_ASSERT_NOT_EMITTED(exts, NKS_DIR_IN);
	nkt_kext_stop(id);
	KT_ASSERT_CONSOLE("firewall: tcp/23 dropped 1\n");
	KT_ASSERT_CONSOLE("firewall: tcp/80 dropped 1\n");
}

/*
 * The callback called directly, on a chain of 1-byte mbufs: a filter that
 * cast mbuf_data() to a header would read garbage here.
 */
static void
test_direct_call_on_split_chain(void)
{
	u_int32_t id;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	nkt_set_split(1);
	NKT_PKT(&p, "ipv4 10.0.0.2:1234 > 10.0.0.1:23 tcp syn");
	KT_ASSERT_EQ(nkt_ipf_input("firewall.v4", &p), EPERM);
	NKT_PKT(&p, "ipv4 10.0.0.2:1234 > 10.0.0.1:24 tcp syn");
	KT_ASSERT_EQ(nkt_ipf_input("firewall.v4", &p), 0);
	/* A passed packet comes back unchanged. */
	KT_ASSERT(nkt_pkt_sums_ok(&p));
	KT_ASSERT_EQ(nkt_get16(p.b + p.l4 + 2), 24);
	/* UDP to port 80 is not a rule of the default build. */
	NKT_PKT(&p, "ipv6 2001:db8::2 > 2001:db8::1 udp");
	KT_ASSERT_EQ(nkt_ipf_input("firewall.v6", &p), 0);
	/* A truncated TCP header is left alone (not enough bytes to judge). */
	NKT_PKT(&p, "ipv4 10.0.0.2:1234 > 10.0.0.1:80 proto=6 len=2");
	KT_ASSERT_EQ(nkt_ipf_input("firewall.v4", &p), 0);
	nkt_set_split(0);
	nkt_kext_stop(id);
}

/* Start fails cleanly when the second filter cannot be added. */
static void
test_start_failure_unwinds(void)
{
	u_int32_t id;

	/* NKS_ALLOC_KERNEL: the simulator's bookkeeping of each filter. */
	NKT_fail_alloc(NKS_ALLOC_KERNEL, 1, 1);
	KT_ASSERT(nkt_kext_try_start(&kmod_info, &id) != 0);
	NKT_fail_reset();
	KT_ASSERT_CONSOLE("firewall: ipf_addv6 failed\n");
	/* Nothing left registered: a second start works. */
	id = nkt_kext_start(&kmod_info);
	nkt_kext_stop(id);
}

NKT_CASES(NKT_CASE(test_starts_and_stops), NKT_CASE(test_drops_syn_ipv4),
    NKT_CASE(test_passes_established), NKT_CASE(test_drops_syn_ipv6),
    NKT_CASE(test_direct_call_on_split_chain), NKT_CASE(test_start_failure_unwinds));
