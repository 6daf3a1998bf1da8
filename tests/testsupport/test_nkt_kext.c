/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_nkt_kext.c - tests of the test-support library (testsupport/,
 * kernel world): the packet descriptions and builders (checked field by
 * field and against the simulator's own checksum code), the simulated
 * host helpers, the direct filter calls and their ownership rules, and the
 * kern_control client helpers, with filters and a control the test
 * registers itself.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/socket.h>
#include <string.h>
#include <sys/kpi_mbuf.h>
#include <sys/kern_control.h>
#include <net/kpi_interfacefilter.h>
#include <netinet/in.h>
#include <netinet/kpi_ipfilter.h>

#include "net_internal.h"
#include "nkt_kext.h"

static struct nkt_pkt p, q;

static void
test_issue_example(void)
{
	const u_int8_t *ip, *th;

	/* The example of the library's design brief, verbatim. */
	KT_ASSERT_EQ(nkt_pkt_build(&p, "eth ipv4 10.0.0.1:1234 > 10.0.0.2:80 tcp syn payload=hello"),
	    0);
	KT_ASSERT_EQ(p.len, 14 + 20 + 20 + 5);
	KT_ASSERT_EQ(p.l2, 14);
	KT_ASSERT_EQ(p.l4, 34);
	KT_ASSERT_EQ(p.dir, NKS_DIR_OUT); /* from the host's address */
	KT_ASSERT_EQ(p.family, 4);
	KT_ASSERT_EQ(p.proto, IPPROTO_TCP);
	KT_ASSERT_MEM_EQ(p.b, nkt_mac_peer, 6); /* outbound: to the peer */
	KT_ASSERT_MEM_EQ(p.b + 6, nkt_mac_host, 6);
	KT_ASSERT_EQ(nkt_get16(p.b + 12), 0x0800);
	ip = p.b + 14;
	th = p.b + 34;
	KT_ASSERT_EQ(ip[0], 0x45);
	KT_ASSERT_EQ(nkt_get16(ip + 2), 45);
	KT_ASSERT_EQ(ip[8], 64);
	KT_ASSERT_EQ(ip[9], 6);
	KT_ASSERT_MEM_EQ(ip + 12, nkt_ip4_host, 4);
	KT_ASSERT_MEM_EQ(ip + 16, nkt_ip4_peer, 4);
	KT_ASSERT_EQ(nkt_get16(th), 1234);
	KT_ASSERT_EQ(nkt_get16(th + 2), 80);
	KT_ASSERT_EQ(th[12], 0x50);
	KT_ASSERT_EQ(th[13], 0x02);
	KT_ASSERT_EQ(nkt_get16(th + 14), 65535);
	KT_ASSERT_MEM_EQ(th + 20, "hello", 5);
	KT_ASSERT(nkt_pkt_sums_ok(&p));
	/* The other way round it is inbound, MACs swapped. */
	NKT_PKT(&p, "eth ipv4 10.0.0.2:80 > 10.0.0.1:1234 tcp syn ack=1");
	KT_ASSERT_EQ(p.dir, NKS_DIR_IN);
	KT_ASSERT_MEM_EQ(p.b, nkt_mac_host, 6);
	KT_ASSERT_EQ(p.b[p.l4 + 13], 0x12);
	KT_ASSERT_EQ(nkt_get16(p.b + p.l4 + 10), 1);
}

/* The simulator verifies the library's checksums: a second opinion. */
static void
test_checksums_agree_with_the_stack(void)
{
	static const char *const descs[] = {
	    "ipv4 10.0.0.2:1 > 10.0.0.1:2 tcp psh ack=7 seq=9 len=333",
	    "ipv4 10.0.0.2:1 > 10.0.0.1:2 udp len=77",
	    "ipv4 10.0.0.2 > 10.0.0.1 opt=8 udp payload=odd",
	};
	u_int16_t sum;
	mbuf_t m;
	unsigned i;

	for (i = 0; i < sizeof(descs) / sizeof(descs[0]); i++) {
		NKT_PKT(&p, "%s", descs[i]);
		KT_ASSERT(nkt_pkt_sums_ok(&p));
		m = nkt_mbuf_from(&p, 0);
		/* Over the whole segment, checksum field included: 0 when right. */
		KT_ASSERT_EQ(mbuf_inet_cksum(m, p.proto, p.l4, p.len - p.l4, &sum), 0);
		KT_ASSERT_EQ(sum, 0);
		KT_ASSERT_EQ(mbuf_inet_cksum(m, 0, 0, p.l4, &sum), 0); /* IPv4 header */
		KT_ASSERT_EQ(sum, 0);
		mbuf_freem(m);
	}
	NKT_PKT(&p, "ipv6 [2001:db8::2]:5 > [2001:db8::1]:6 ext=0,60 udp len=10");
	m = nkt_mbuf_from(&p, 0);
	KT_ASSERT_EQ(mbuf_inet6_cksum(m, IPPROTO_UDP, p.l4, p.len - p.l4, &sum), 0);
	KT_ASSERT_EQ(sum, 0);
	mbuf_freem(m);
	/* A corrupted byte is noticed. */
	p.b[p.len - 1] ^= 1;
	KT_ASSERT(!nkt_pkt_sums_ok(&p));
	nkt_pkt_l4_fix(&p);
	KT_ASSERT(nkt_pkt_sums_ok(&p));
}

static void
test_descriptions(void)
{
	/* IPv6, extension headers, a VLAN tag, quoted payload with escapes. */
	NKT_PKT(&p, "vlan=7 ipv6 [2001:db8::2]:53 > [2001:db8::1]:999 ext=0,43 udp "
		    "payload=\"a b\\r\\n\\x41\"");
	KT_ASSERT_EQ(p.l2, 18);
	KT_ASSERT_EQ(nkt_get16(p.b + 12), 0x8100);
	KT_ASSERT_EQ(nkt_get16(p.b + 14), 7);
	KT_ASSERT_EQ(nkt_get16(p.b + 16), 0x86dd);
	KT_ASSERT_EQ(p.b[18 + 6], 0);	  /* hop-by-hop first */
	KT_ASSERT_EQ(p.b[18 + 40], 43);	  /* then routing */
	KT_ASSERT_EQ(p.b[18 + 48], 17);	  /* then UDP */
	KT_ASSERT_EQ(p.l4, 18 + 56);
	KT_ASSERT_EQ(p.len - p.l4 - 8, 6);
	KT_ASSERT_MEM_EQ(p.b + p.l4 + 8, "a b\r\nA", 6);
	KT_ASSERT_EQ(p.dir, NKS_DIR_IN);
	/* Hex payload, explicit direction, IPv4 fields, printf arguments. */
	NKT_PKT(&p, "out ipv4 10.0.0.9 > 10.0.0.8 ttl=3 id=0x1234 df proto=%d payload=0x00ff10", 99);
	KT_ASSERT_EQ(p.l2, 0);
	KT_ASSERT_EQ(p.dir, NKS_DIR_OUT);
	KT_ASSERT_EQ(p.b[8], 3);
	KT_ASSERT_EQ(nkt_get16(p.b + 4), 0x1234);
	KT_ASSERT_EQ(nkt_get16(p.b + 6), 0x4000);
	KT_ASSERT_EQ(p.b[9], 99);
	KT_ASSERT_EQ(p.len, 23);
	KT_ASSERT_EQ(p.b[21], 0xff);
	/* A later fragment: no transport header. */
	NKT_PKT(&p, "ipv4 10.0.0.2 > 10.0.0.1 mf frag=8 udp len=8");
	KT_ASSERT_EQ(nkt_get16(p.b + 6), 0x2001);
	KT_ASSERT_EQ(p.l4, 0);
	/* Default ports, ICMP echo. */
	NKT_PKT(&p, "ipv4 10.0.0.2 > 10.0.0.1 udp");
	KT_ASSERT_EQ(nkt_get16(p.b + 20), 40000);
	KT_ASSERT_EQ(nkt_get16(p.b + 22), 53);
	NKT_PKT(&p, "ipv6 2001:db8::2 > 2001:db8::1 icmp6 len=4");
	KT_ASSERT_EQ(p.b[40], 128);
	KT_ASSERT(nkt_pkt_sums_ok(&p));
}

static void
test_bad_descriptions(void)
{
	KT_ASSERT_EQ(nkt_pkt_build(&p, "ipv4 10.0.0.1 10.0.0.2 tcp"), EINVAL);
	KT_ASSERT(strstr(nkt_pkt_error(), "expected '>'") != NULL);
	KT_ASSERT_EQ(nkt_pkt_build(&p, "ipv4 10.0.0.1 > 10.0.0.300 tcp"), EINVAL);
	KT_ASSERT(strstr(nkt_pkt_error(), "not an IPv4 address: 10.0.0.300") != NULL);
	KT_ASSERT_EQ(nkt_pkt_build(&p, "ipv4 10.0.0.1 > 10.0.0.2 udp syn"), EINVAL);
	KT_ASSERT(strstr(nkt_pkt_error(), "TCP flags without tcp") != NULL);
	KT_ASSERT_EQ(nkt_pkt_build(&p, "ipv4 10.0.0.1 > 10.0.0.2 tcp bogus"), EINVAL);
	KT_ASSERT(strstr(nkt_pkt_error(), "unknown word \"bogus\"") != NULL);
	KT_ASSERT_EQ(nkt_pkt_build(&p, "tcp syn"), EINVAL);
	KT_ASSERT_EQ(nkt_pkt_build(&p, "ipv6 [::1 > ::2"), EINVAL);
	KT_ASSERT_EQ(nkt_pkt_build(&p, "ipv4 10.0.0.1:70000 > 10.0.0.2 tcp"), EINVAL);
	KT_ASSERT_EQ(nkt_pkt_build(&p, "ipv4 10.0.0.1 > 10.0.0.2 frag=3"), EINVAL);
	KT_ASSERT_EQ(nkt_pkt_build(&p, "ipv4 10.0.0.1 > 10.0.0.2 payload=0x4"), EINVAL);
	KT_ASSERT_EQ(nkt_pkt_build(&p, "ipv4 10.0.0.1 > 10.0.0.2 payload=\"x\\q\""), EINVAL);
	KT_ASSERT_EQ(nkt_pkt_build(&p, "ipv6 ::1 > ::2 df"), EINVAL);
}

/* Without a kext, what is sent leaves the host unchanged, each way. */
static void
test_send_through_the_stack(void)
{
	u_int64_t a, b;
	u_int32_t idx = nkt_host_up();

	KT_ASSERT_EQ(idx, nkt_ifindex);
	KT_ASSERT_EQ(idx, 2); /* lo0 is 1 */
	NKT_PKT(&p, "eth ipv4 10.0.0.2:1 > 10.0.0.1:2 tcp syn");
	NKT_PKT(&q, "eth ipv6 [2001:db8::1]:1 > [2001:db8::2]:2 udp len=100");
	a = nkt_send(&p);
	b = nkt_send(&q);
	KT_ASSERT_EQ(a, 1);
	KT_ASSERT_EQ(b, 2);
	KT_ASSERT_EMITTED_PKT(a, NKS_DIR_IN, &p);
	KT_ASSERT_EMITTED_PKT(b, NKS_DIR_OUT, &q);
	KT_ASSERT_NOT_EMITTED(a, NKS_DIR_OUT);
	KT_ASSERT_EQ(nkt_count_emits(0), 2);
	/* A bare IP packet gets an Ethernet header. */
	NKT_PKT(&p, "ipv4 10.0.0.2:1 > 10.0.0.1:2 udp");
	NKT_PKT(&q, "eth ipv4 10.0.0.2:1 > 10.0.0.1:2 udp");
	KT_ASSERT_EMITTED_PKT(nkt_send(&p), NKS_DIR_IN, &q);
}

/* --- Direct calls, with filters this test registers ------------------------ */

static int seen_split, keep_next;
static mbuf_t kept;

static errno_t
f_input(void *cookie, mbuf_t *data, int offset, u_int8_t protocol)
{
	u_int8_t b = 0x5a;

	seen_split = mbuf_len(*data) == 1 && mbuf_next(*data) != NULL;
	if (keep_next) {
		kept = *data;
		return EJUSTRETURN;
	}
	if (protocol == IPPROTO_UDP)
		mbuf_copyback(*data, (size_t)offset + 8, 1, &b, MBUF_WAITOK);
	return offset == 20 && protocol == IPPROTO_TCP ? EPERM : 0;
}

static int detached;

static void
f_detach(void *cookie)
{
	detached++;
}

static errno_t
i_input(void *cookie, ifnet_t ifp, protocol_family_t pf, mbuf_t *data, char **frame)
{
	/* Change the destination MAC in the frame header and a data byte. */
	(*frame)[0] = 0x42;
	return pf == PF_INET ? 0 : EPERM;
}

static void
test_direct_calls(void)
{
	struct ipf_filter f = {NULL, "t.v4", f_input, NULL, f_detach};
	struct iff_filter iff = {NULL, "t.iff", 0, i_input, NULL, NULL, NULL, NULL};
	interface_filter_t iref;
	ipfilter_t ref;

	nkt_host_up();
	KT_ASSERT_EQ(ipf_addv4(&f, &ref), 0);
	KT_ASSERT_EQ(iflt_attach((ifnet_t)nke__ifnet_byindex(nkt_ifindex), &iff, &iref), 0);
	/* 0: the packet as the filter left it comes back. */
	NKT_PKT(&p, "ipv4 10.0.0.2:1 > 10.0.0.1:2 udp payload=xyz");
	KT_ASSERT_EQ(nkt_ipf_input("t.v4", &p), 0);
	KT_ASSERT_EQ(p.b[28], 0x5a);
	/* An error: freed by the helper (the case's leak check proves it). */
	NKT_PKT(&p, "ipv4 10.0.0.2:1 > 10.0.0.1:2 tcp syn");
	KT_ASSERT_EQ(nkt_ipf_input(NULL, &p), EPERM);
	/* Split chains reach the filter as asked. */
	nkt_set_split(1);
	KT_ASSERT_EQ(nkt_ipf_input("t.v4", &p), EPERM);
	KT_ASSERT(seen_split);
	nkt_set_split(0);
	/* EJUSTRETURN: the filter owns it. */
	keep_next = 1;
	KT_ASSERT_EQ(nkt_ipf_input("t.v4", &p), EJUSTRETURN);
	keep_next = 0;
	KT_ASSERT(kept != NULL);
	mbuf_freem(kept);
	/* Interface filter: the frame header comes back too. */
	NKT_PKT(&p, "eth ipv4 10.0.0.2:1 > 10.0.0.1:2 udp");
	KT_ASSERT_EQ(nkt_iflt_input("t.iff", &p), 0);
	KT_ASSERT_EQ(p.b[0], 0x42);
	NKT_PKT(&p, "eth ipv6 2001:db8::2 > 2001:db8::1 udp");
	KT_ASSERT_EQ(nkt_iflt_input(NULL, &p), EPERM);
	iflt_detach(iref);
	KT_ASSERT_EQ(ipf_remove(ref), 0);
	KT_ASSERT_EQ(detached, 1);
}

/* --- kern_control ------------------------------------------------------------- */

static errno_t
c_connect(kern_ctl_ref ref, struct sockaddr_ctl *sac, void **unitinfo)
{
	return 0;
}

static errno_t
c_disconnect(kern_ctl_ref ref, u_int32_t unit, void *unitinfo)
{
	return 0;
}

/* Echo what the client sends, upper-cased, as one record. */
static errno_t
c_send(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, mbuf_t m, int flags)
{
	char buf[64];
	size_t n = mbuf_pkthdr_len(m), i;
	errno_t err;

	if (n > sizeof(buf))
		n = sizeof(buf);
	mbuf_copydata(m, 0, n, buf);
	mbuf_freem(m);
	for (i = 0; i < n; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] = (char)(buf[i] - 'a' + 'A');
	err = ctl_enqueuedata(ref, unit, buf, n, CTL_DATA_EOR);
	return err;
}

static void
test_ctl_client(void)
{
	struct kern_ctl_reg reg;
	kern_ctl_ref ref;
	u_int32_t c, c2;

	memset(&reg, 0, sizeof(reg));
	strlcpy(reg.ctl_name, "com.nkesim.test.echo", sizeof(reg.ctl_name));
	reg.ctl_connect = c_connect;
	reg.ctl_disconnect = c_disconnect;
	reg.ctl_send = c_send;
	KT_ASSERT_EQ(ctl_register(&reg, &ref), 0);
	KT_ASSERT_EQ(nkt_ctl_try_connect("com.nkesim.test.nope", 0, 0, &c2), ENOENT);
	c = nkt_ctl_connect("com.nkesim.test.echo");
	KT_ASSERT_EQ(nkt_ctl_send(c, "hello", 5), 0);
	KT_ASSERT_EQ(nkt_ctl_send(c, "again", 5), 0);
	KT_ASSERT_EQ(nkt_ctl_recv(c), 2);
	KT_ASSERT_EQ(nkt_nctl_msgs, 2);
	KT_ASSERT_EQ(nkt_ctl_msgs[0].client, c);
	KT_ASSERT_EQ(nkt_ctl_msgs[0].len, 5);
	KT_ASSERT_MEM_EQ(nkt_ctl_msgs[0].data, "HELLO", 5);
	KT_ASSERT(nkt_ctl_msgs[0].flags & NKS_CTL_EOR);
	KT_ASSERT_MEM_EQ(nkt_ctl_msgs[1].data, "AGAIN", 5);
	KT_ASSERT_EQ(nkt_ctl_recv(c), 0);
	KT_ASSERT_EQ(nkt_ctl_disconnect(c), 0);
	KT_ASSERT_EQ(ctl_deregister(ref), 0);
}

NKT_CASES(NKT_CASE(test_issue_example), NKT_CASE(test_checksums_agree_with_the_stack),
    NKT_CASE(test_descriptions), NKT_CASE(test_bad_descriptions),
    NKT_CASE(test_send_through_the_stack), NKT_CASE(test_direct_calls),
    NKT_CASE(test_ctl_client));
