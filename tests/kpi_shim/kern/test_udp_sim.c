/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_udp_sim.c - tests of the simulated UDP (kernel world): udp_sim.c
 * (one socket per local port, explicit or implicit bind, from/to addresses
 * of unconnected sockets, the datagram's own mbufs through the filters so a
 * tag set in sf_data_out reaches ipf_output, identity, injection, idle
 * close) over IPv4 and IPv6.
 */
#include <netinet/kpi_ipfilter.h>

#include "sock_testutil.h"

static union nke_sa seen_addr;
static int flip_first; /* sf_data_out changes the first payload byte in place */
static mbuf_tag_id_t tag_id;
static int tagged_at_ipf, ipf_calls;

static errno_t
u_data_in(void *cookie, socket_t so, const struct sockaddr *from, mbuf_t *data, mbuf_t *control,
          sflt_data_flag_t flags)
{
	(void)cookie;
	(void)so;
	(void)flags;
	KT_ASSERT(from != NULL);
	KT_ASSERT(control != NULL && *control == NULL);
	memcpy(&seen_addr, from, from->sa_len);
	return t_data_in(&tfs[0], so, from, data, control, flags);
}

static errno_t
u_data_out(void *cookie, socket_t so, const struct sockaddr *to, mbuf_t *data, mbuf_t *control,
           sflt_data_flag_t flags)
{
	void *d;

	(void)cookie;
	KT_ASSERT(to != NULL);
	memcpy(&seen_addr, to, to->sa_len);
	if (tag_id != 0)
		KT_ASSERT_EQ(mbuf_tag_allocate(*data, tag_id, 1, 4, MBUF_WAITOK, &d), 0);
	if (flip_first && mbuf_len(*data) > 0)
		*(u_int8_t *)mbuf_data(*data) ^= 0x20;
	return t_data_out(&tfs[0], so, to, data, control, flags);
}

static errno_t
u_ipf_output(void *cookie, mbuf_t *data, ipf_pktopts_t options)
{
	size_t len;
	void *d;

	(void)cookie;
	(void)options;
	ipf_calls++;
	if (mbuf_tag_find(*data, tag_id, 1, &len, &d) == 0)
		tagged_at_ipf++;
	return 0;
}

static struct tf *
udp_filter(int domain)
{
	struct tf *a;

	setup();
	a = tf_register(0, SFLT_GLOBAL, domain, SOCK_DGRAM, IPPROTO_UDP);
	/* Re-register with the checking data callbacks (same letter, same log). */
	KT_ASSERT_EQ(sflt_unregister(a->handle), 0);
	a->f.sf_data_in = u_data_in;
	a->f.sf_data_out = u_data_out;
	KT_ASSERT_EQ(sflt_register(&a->f, domain, SOCK_DGRAM, IPPROTO_UDP), 0);
	ev_reset();
	return a;
}

static void
test_server_socket(void)
{
	struct tf *a = udp_filter(PF_INET);
	char s[64];

	nkt_sendf("ipv4 10.0.0.2:5353 > 10.0.0.1:53 udp payload=query");
	/* An inbound datagram: a server bound the port (sf_bind, then bound). */
	KT_ASSERT_STR_EQ(evlog, "A.attach A.bind A.bound A.in");
	KT_ASSERT_STR_EQ(nke__sa_str(&seen_addr.sa, s, sizeof(s)), "10.0.0.2:5353");
	KT_ASSERT_MEM_EQ(a->bytes[0], "query", 5);
	/* Its answer: the same socket, unconnected: sf_data_out gets `to`. */
	ev_reset();
	nkt_sendf("ipv4 10.0.0.1:53 > 10.0.0.2:5353 udp payload=answer");
	KT_ASSERT_STR_EQ(evlog, "A.out");
	KT_ASSERT_STR_EQ(nke__sa_str(&seen_addr.sa, s, sizeof(s)), "10.0.0.2:5353");
	/* Another peer, the same socket. */
	ev_reset();
	nkt_sendf("ipv4 10.0.0.3:1000 > 10.0.0.1:53 udp payload=q2");
	KT_ASSERT_STR_EQ(evlog, "A.in");
	KT_ASSERT_EQ(nke__sock_count(), 1);
	teardown();
}

static void
test_client_socket_v6(void)
{
	struct tf *a = udp_filter(PF_INET6);
	char s[64];

	nkt_sendf("ipv6 [2001:db8::1]:5000 > [2001:db8::2]:53 udp payload=q");
	/* sendto() binds implicitly: no sf_bind. */
	KT_ASSERT_STR_EQ(evlog, "A.attach A.bound A.out");
	KT_ASSERT_STR_EQ(nke__sa_str(&seen_addr.sa, s, sizeof(s)), "[2001:db8::2]:53");
	ev_reset();
	nkt_sendf("ipv6 [2001:db8::2]:53 > [2001:db8::1]:5000 udp payload=a");
	KT_ASSERT_STR_EQ(evlog, "A.in");
	(void)a;
	teardown();
}

/* A tag set in sf_data_out reaches ipf_output (the same mbufs); identity holds. */
static void
test_tag_reaches_ipf_output(void)
{
	struct ipf_filter ipf;
	ipfilter_t ref;
	struct nkt_pkt p;
	u_int64_t r;

	(void)udp_filter(PF_INET);
	KT_ASSERT_EQ(mbuf_tag_id_find("com.nkesim.test.udp", &tag_id), 0);
	memset(&ipf, 0, sizeof(ipf));
	ipf.name = "udp.ipf";
	ipf.ipf_output = u_ipf_output;
	KT_ASSERT_EQ(ipf_addv4(&ipf, &ref), 0);
	NKT_PKT(&p, "eth ipv4 10.0.0.1:5000 > 10.0.0.2:53 udp payload=hello");
	r = nkt_send(&p);
	KT_ASSERT_EQ(ipf_calls, 1);
	KT_ASSERT_EQ(tagged_at_ipf, 1);
	KT_ASSERT_EMITTED_PKT(r, NKS_DIR_OUT, &p);
	KT_ASSERT_EQ(ipf_remove(ref), 0);
	tag_id = 0;
	teardown();
}

/* A filter that drops or replaces a datagram. */
static void
test_drop_and_replace(void)
{
	struct tf *a = udp_filter(PF_INET);
	const struct nkt_emit *e;
	struct nkt_pkt want;
	u_int64_t r;

	a->data_out_mode = M_DROP;
	r = nkt_sendf("ipv4 10.0.0.1:5000 > 10.0.0.2:53 udp payload=hello");
	KT_ASSERT_NOT_EMITTED(r, NKS_DIR_OUT);
	a->data_out_mode = M_REPLACE;
	replace_with = "a longer payload";
	r = nkt_sendf("ipv4 10.0.0.1:5000 > 10.0.0.2:53 udp id=7 payload=hello");
	e = nkt_find_emit(r, NKS_DIR_OUT);
	KT_ASSERT(e != NULL);
	NKT_PKT(&want, "eth out ipv4 10.0.0.1:5000 > 10.0.0.2:53 udp id=7 payload=\"a longer "
	               "payload\"");
	KT_ASSERT_EQ(e->e.em_len, want.len);
	KT_ASSERT_MEM_EQ(e->data, want.b, want.len);
	teardown();
}

/*
 * A filter that changes the datagram in place (same length): it leaves with
 * the new bytes, its lengths as they were, its checksum computed again; and
 * unchanged as captured when the filter stops changing it.
 */
static void
changed_in_place(int v6)
{
	const char *sent = v6 ? "ipv6 [2001:db8::1]:5000 > [2001:db8::2]:53 udp payload=hello"
	                      : "ipv4 10.0.0.1:5000 > 10.0.0.2:53 udp id=9 payload=hello";
	struct nkt_pkt want;
	const struct nkt_emit *e;
	u_int64_t r;

	(void)udp_filter(v6 ? PF_INET6 : PF_INET);
	flip_first = 1;
	r = nkt_sendf("%s", sent);
	e = nkt_find_emit(r, NKS_DIR_OUT);
	KT_ASSERT(e != NULL);
	KT_ASSERT(!(e->e.em_flags & NKS_EMIT_UNCHANGED));
	if (v6)
		NKT_PKT(&want,
		        "eth out ipv6 [2001:db8::1]:5000 > [2001:db8::2]:53 udp payload=Hello");
	else
		NKT_PKT(&want, "eth out ipv4 10.0.0.1:5000 > 10.0.0.2:53 udp id=9 payload=Hello");
	KT_ASSERT_EQ(e->e.em_len, want.len);
	KT_ASSERT_MEM_EQ(e->data, want.b, want.len);
	flip_first = 0;
	r = nkt_sendf("%s", sent);
	e = nkt_find_emit(r, NKS_DIR_OUT);
	KT_ASSERT(e != NULL);
	KT_ASSERT(e->e.em_flags & NKS_EMIT_UNCHANGED);
	teardown();
}

static void
test_changed_in_place_v4(void)
{
	changed_in_place(0);
}

static void
test_changed_in_place_v6(void)
{
	changed_in_place(1);
}

/* sock_inject_data_out on an unconnected socket needs `to`. */
static void
test_inject_out(void)
{
	struct tf *a = udp_filter(PF_INET);
	union nke_sa to;
	struct nkt_pkt want;
	unsigned before;
	mbuf_t m;

	nkt_sendf("ipv4 10.0.0.1:5000 > 10.0.0.2:53 udp payload=hello");
	KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, 3, NULL, &m), 0);
	KT_ASSERT_EQ(mbuf_copyback(m, 0, 3, "abc", MBUF_WAITOK), 0);
	KT_ASSERT_EQ(sock_inject_data_out(a->last_so, NULL, m, NULL, 0), EDESTADDRREQ);
	KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, 3, NULL, &m), 0);
	KT_ASSERT_EQ(mbuf_copyback(m, 0, 3, "abc", MBUF_WAITOK), 0);
	nke__sa_set(&to, AF_INET, nkt_ip4_peer, htons(9999));
	before = nkt_nemits;
	KT_ASSERT_EQ(sock_inject_data_out(a->last_so, &to.sa, m, NULL, 0), 0);
	KT_ASSERT_EQ(nkt_nemits, before + 1);
	NKT_PKT(&want, "eth out ipv4 10.0.0.1:5000 > 10.0.0.2:9999 udp id=1 payload=abc");
	/* Same datagram but for the IP id and the link header. */
	KT_ASSERT_MEM_EQ(nkt_emits[before].data + 14 + 12, want.b + 14 + 12, want.len - 26);
	KT_ASSERT(nkt_emits[before].e.em_flags & NKS_EMIT_INJECTED);
	teardown();
}

/* The application closes a socket it has not used for a minute. */
static void
test_idle_close(void)
{
	struct tf *a = udp_filter(PF_INET);

	nkt_sendf("ipv4 10.0.0.2:5353 > 10.0.0.1:53 udp payload=query");
	nkt_advance_ms(30000);
	nkt_sendf("ipv4 10.0.0.2:5353 > 10.0.0.1:53 udp payload=query");
	ev_reset();
	nkt_advance_ms(59000);
	KT_ASSERT_STR_EQ(evlog, "");
	nkt_advance_ms(1000);
	KT_ASSERT_STR_EQ(evlog, "A.closing A.flush_read A.cantrecvmore A.detach");
	KT_ASSERT_EQ(a->detached, 1);
	teardown();
}

NKT_CASES(NKT_CASE(test_server_socket), NKT_CASE(test_client_socket_v6),
          NKT_CASE(test_tag_reaches_ipf_output), NKT_CASE(test_drop_and_replace),
          NKT_CASE(test_changed_in_place_v4), NKT_CASE(test_changed_in_place_v6),
          NKT_CASE(test_inject_out), NKT_CASE(test_idle_close));
