/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_uipc_socket.c - tests of the simulated sockets (kernel world):
 * uipc_socket.c (the application's verdicts with their running stream
 * hash, the socket layer's own verdicts and when it writes them,
 * tombstones of closed connections, the applications' exit at the end of a
 * capture, the socket limit's bookkeeping).
 */
#include "sock_testutil.h"

#include "nke_hash.h"

/* NKH64 of a string (the log's content hash, nke_hash.h). */
static u_int64_t
hash_of(const char *s)
{
	return nkh64(s, strlen(s));
}

static const struct nkt_verdict *
last_app(u_int32_t dir)
{
	unsigned i;

	for (i = nkt_nverdicts; i-- > 0;)
		if (nkt_verdicts[i].v.vd_hook == NKS_HOOK_APP && nkt_verdicts[i].v.vd_dir == dir)
			return &nkt_verdicts[i];
	return NULL;
}

static void
test_app_verdicts(void)
{
	const struct nkt_verdict *v;
	char want[96];

	setup();
	(void)tf_register(0, SFLT_GLOBAL, PF_INET, SOCK_STREAM, IPPROTO_TCP);
	connect_out();
	nkt_sendf("ipv4 10.0.0.2:80 > 10.0.0.1:40000 tcp ack=1001 seq=5001 payload=hello");
	v = last_app(NKS_DIR_IN);
	KT_ASSERT(v != NULL);
	KT_ASSERT_EQ(v->v.vd_len, 5);
	KT_ASSERT_EQ(v->v.vd_hash, hash_of("hello"));
	KT_ASSERT_EQ(v->v.vd_hash, 0xcaca86e32b14712fULL); /* NKH64("hello") */
	nkt_sendf("ipv4 10.0.0.2:80 > 10.0.0.1:40000 tcp ack=1001 seq=5006 payload=world");
	v = last_app(NKS_DIR_IN);
	KT_ASSERT_EQ(v->v.vd_hash, hash_of("world"));
	nke__snprintf(want, sizeof(want), "recv so=1 total=10 stream=%016llx",
	              (unsigned long long)hash_of("helloworld"));
	KT_ASSERT_STR_EQ(v->detail, want);
	nkt_sendf("ipv4 10.0.0.1:40000 > 10.0.0.2:80 tcp ack=5011 seq=1001 payload=GET");
	v = last_app(NKS_DIR_OUT);
	nke__snprintf(want, sizeof(want), "send so=1 total=3 stream=%016llx",
	              (unsigned long long)hash_of("GET"));
	KT_ASSERT_STR_EQ(v->detail, want);
	KT_ASSERT_EQ(v->v.vd_index, 6);
	teardown();
}

/* Without a registered socket filter the socket layer writes nothing. */
static void
test_quiet_without_filters(void)
{
	setup();
	nke__sock_init();
	connect_out();
	nkt_sendf("ipv4 10.0.0.2:80 > 10.0.0.1:40000 tcp ack=1001 seq=5001 payload=hello");
	KT_ASSERT_EQ(nkt_count_verdicts(NKS_HOOK_SOCKET, NULL), 0);
	KT_ASSERT_EQ(nkt_count_verdicts(NKS_HOOK_APP, NULL), 0);
	teardown();
}

/* A closed connection's late segments find its tombstone, not a new socket. */
static void
test_tombstone(void)
{
	struct tf *a;

	setup();
	a = tf_register(0, SFLT_GLOBAL, PF_INET, SOCK_STREAM, IPPROTO_TCP);
	connect_out();
	nkt_sendf("ipv4 10.0.0.2:80 > 10.0.0.1:40000 tcp rst seq=5001");
	KT_ASSERT_EQ(a->detached, 1);
	ev_reset();
	nkt_sendf("ipv4 10.0.0.2:80 > 10.0.0.1:40000 tcp ack=1001 seq=5001 payload=late");
	KT_ASSERT_STR_EQ(evlog, "");
	KT_ASSERT_STR_EQ(sock_note("no-socket")->detail, "no-socket so=1 in closed");
	KT_ASSERT_EQ(nke__sock_count(), 0);
	/* A new SYN on the same ports: a new connection. */
	nkt_sendf("ipv4 10.0.0.1:40000 > 10.0.0.2:80 tcp syn seq=9000");
	KT_ASSERT_EQ(nke__sock_count(), 1);
	teardown();
}

/* The end of a capture: every application closes its sockets. */
static void
test_apps_exit(void)
{
	struct tf *a;
	void NKS_apps_exit(void);

	setup();
	a = tf_register(0, SFLT_GLOBAL, PF_INET, SOCK_STREAM, IPPROTO_TCP);
	connect_out();
	nkt_sendf("ipv4 10.0.0.2:5555 > 10.0.0.1:8080 tcp syn seq=100"); /* a listener, a child */
	KT_ASSERT_EQ(nke__sock_count(), 3);
	ev_reset();
	NKS_apps_exit();
	KT_ASSERT_EQ(nke__sock_count(), 0);
	KT_ASSERT_EQ(a->detached, 3);
	/* The established one: close() as usual, then the connection is dropped. */
	KT_ASSERT(strstr(evlog, "A.closing A.disconnecting A.disconnected A.disconnecting "
	                        "A.disconnected A.flush_read A.cantrecvmore A.detach") != NULL);
	teardown();
}

/* Sockets are numbered in creation order; the log says who owns them. */
static void
test_sockets_numbered(void)
{
	setup();
	(void)tf_register(0, SFLT_GLOBAL, PF_INET, SOCK_STREAM, IPPROTO_TCP);
	nkt_sendf("ipv4 10.0.0.1:40000 > 10.0.0.2:80 tcp syn seq=1000");
	nkt_sendf("ipv4 10.0.0.1:40001 > 10.0.0.2:80 tcp syn seq=1000");
	KT_ASSERT(sock_note("create so=2 tcp4 pid=1000 comm=nke-app uid=501") != NULL);
	KT_ASSERT(sock_note("connect so=2 10.0.0.1:40001>10.0.0.2:80") != NULL);
	teardown();
}

NKT_CASES(NKT_CASE(test_app_verdicts), NKT_CASE(test_quiet_without_filters),
          NKT_CASE(test_tombstone), NKT_CASE(test_apps_exit), NKT_CASE(test_sockets_numbered));
