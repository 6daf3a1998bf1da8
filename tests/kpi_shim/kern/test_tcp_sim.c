/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_tcp_sim.c - tests of the simulated TCP (kernel world): tcp_sim.c
 * (connections inferred from segments, the events of opening and closing
 * in XNU's order, stream reassembly with its overlap policy and gaps,
 * truncated records, checksums, and the outbound side: the application's
 * writes through sf_data_out, identity, and the segments the stack builds
 * when a filter keeps, drops, replaces or injects data).
 */
#include "sock_testutil.h"

#define HOST "10.0.0.1:40000"
#define PEER "10.0.0.2:80"

static struct tf *
one_filter(void)
{
	setup();
	return tf_register(0, SFLT_GLOBAL, PF_INET, SOCK_STREAM, IPPROTO_TCP);
}

/* --- Opening and closing ------------------------------------------------------------- */

static void
test_active_open_close_first(void)
{
	struct tf *a = one_filter();

	connect_out();
	KT_ASSERT_STR_EQ(evlog, "A.attach A.connect_out A.bound A.connecting A.connected");
	ev_reset();
	nkt_sendf("ipv4 " HOST " > " PEER " tcp ack=5001 seq=1001 payload=hello");
	/* Our FIN while they still send: shutdown(SHUT_WR). */
	nkt_sendf("ipv4 " HOST " > " PEER " tcp fin ack=5001 seq=1006");
	KT_ASSERT_STR_EQ(evlog, "A.out A.shutdown A.cantsendmore");
	ev_reset();
	nkt_sendf("ipv4 " PEER " > " HOST " tcp ack=1007 seq=5001");
	KT_ASSERT_STR_EQ(evlog, "");
	nkt_sendf("ipv4 " PEER " > " HOST " tcp ack=1007 seq=5001 payload=bye");
	nkt_sendf("ipv4 " PEER " > " HOST " tcp fin ack=1007 seq=5004");
	/*
	 * Their FIN in FIN_WAIT_2: cantrecvmore, TIME_WAIT (disconnected); the
	 * application reads end of file and closes (tcp_usr_detach disconnects
	 * once more).
	 */
	KT_ASSERT_STR_EQ(evlog, "A.in A.cantrecvmore A.disconnected A.closing A.disconnecting "
	                        "A.disconnected");
	ev_reset();
	nkt_sendf("ipv4 " HOST " > " PEER " tcp ack=5005 seq=1007");
	nkt_advance_ms(29000);
	KT_ASSERT_EQ(a->detached, 0);
	nkt_advance_ms(1000);
	KT_ASSERT_STR_EQ(evlog, "A.disconnected A.flush_read A.cantrecvmore A.detach");
	KT_ASSERT_EQ(nke__sock_count(), 0);
	teardown();
}

static void
test_passive_open_close_second(void)
{
	struct tf *a = one_filter();

	nkt_sendf("ipv4 10.0.0.2:5555 > 10.0.0.1:8080 tcp syn seq=100");
	/* The listener (socket, bind, listen), its sf_connect_in, the new socket. */
	KT_ASSERT_STR_EQ(evlog,
	                 "A.attach A.bind A.bound A.listen A.connect_in A.attach");
	ev_reset();
	nkt_sendf("ipv4 10.0.0.1:8080 > 10.0.0.2:5555 tcp syn ack=101 seq=7000");
	KT_ASSERT_STR_EQ(evlog, "");
	nkt_sendf("ipv4 10.0.0.2:5555 > 10.0.0.1:8080 tcp ack=7001 seq=101 payload=hi");
	/* Connected before the data of the same segment; accept() after it. */
	KT_ASSERT_STR_EQ(evlog, "A.connected A.in A.accept");
	ev_reset();
	nkt_sendf("ipv4 10.0.0.2:5555 > 10.0.0.1:8080 tcp fin ack=7001 seq=103");
	KT_ASSERT_STR_EQ(evlog, "A.cantrecvmore");
	ev_reset();
	nkt_sendf("ipv4 10.0.0.1:8080 > 10.0.0.2:5555 tcp fin ack=104 seq=7001");
	/* close(): closing, tcp_disconnect, sodisconnectlocked's event, tcp_usr_detach. */
	KT_ASSERT_STR_EQ(evlog, "A.closing A.disconnecting A.disconnected A.disconnecting");
	ev_reset();
	nkt_sendf("ipv4 10.0.0.2:5555 > 10.0.0.1:8080 tcp ack=7002 seq=104");
	KT_ASSERT_STR_EQ(evlog, "A.disconnected A.flush_read A.cantrecvmore A.detach");
	KT_ASSERT_EQ(a->detached, 1); /* the listener stays */
	teardown();
}

static void
test_listener_refuses(void)
{
	u_int64_t r;

	(void)one_filter();
	tfs[0].connect_out_mode = EPERM; /* its sf_connect_in refuses */
	nkt_sendf("ipv4 10.0.0.2:5555 > 10.0.0.1:8080 tcp syn seq=100");
	KT_ASSERT_STR_EQ(evlog, "A.attach A.bind A.bound A.listen A.connect_in");
	/* Our SYN-ACK never left (XNU would not have answered); the rest is dropped. */
	r = nkt_sendf("ipv4 10.0.0.1:8080 > 10.0.0.2:5555 tcp syn ack=101 seq=7000");
	KT_ASSERT_NOT_EMITTED(r, NKS_DIR_OUT);
	ev_reset();
	nkt_sendf("ipv4 10.0.0.2:5555 > 10.0.0.1:8080 tcp ack=7001 seq=101 payload=hi");
	KT_ASSERT_STR_EQ(evlog, "");
	/* Its retransmitted SYN asks the listener again. */
	nkt_sendf("ipv4 10.0.0.2:5555 > 10.0.0.1:8080 tcp syn seq=100");
	KT_ASSERT_STR_EQ(evlog, "A.connect_in");
	teardown();
}

/* TCP Fast Open: data on their SYN is delivered, connected at once. */
static void
test_fast_open_in(void)
{
	struct tf *a = one_filter();

	nkt_sendf("ipv4 10.0.0.2:5555 > 10.0.0.1:8080 tcp syn seq=100 payload=early");
	KT_ASSERT_STR_EQ(evlog, "A.attach A.bind A.bound A.listen A.connect_in A.attach "
	                        "A.connected A.in A.accept");
	KT_ASSERT_EQ(a->nbytes[0], 5);
	KT_ASSERT_MEM_EQ(a->bytes[0], "early", 5);
	teardown();
}

/* A connection whose start the capture lacks. */
static void
test_adopt_mid_stream(void)
{
	struct tf *a = one_filter();

	nkt_sendf("ipv4 " PEER " > " HOST " tcp ack=1001 seq=5001 payload=hello");
	KT_ASSERT_STR_EQ(evlog, "A.attach A.connected A.in");
	KT_ASSERT(sock_note("adopt so=1 client") != NULL);
	ev_reset();
	nkt_sendf("ipv4 " HOST " > " PEER " tcp ack=5006 seq=1001 payload=ok");
	KT_ASSERT_STR_EQ(evlog, "A.out");
	KT_ASSERT_EQ(a->nbytes[1], 2);
	teardown();
}

/* --- Their stream ----------------------------------------------------------------------- */

static void
test_reassembly(void)
{
	struct tf *a = one_filter();
	const char *want = "helloworldABxxxxxxIJ123456789KLMNOst";

	connect_out();
	nkt_sendf("ipv4 " PEER " > " HOST " tcp ack=1001 seq=5006 payload=world");
	KT_ASSERT_EQ(a->nbytes[0], 0);
	nkt_sendf("ipv4 " PEER " > " HOST " tcp ack=1001 seq=5001 payload=hello");
	KT_ASSERT_EQ(a->nbytes[0], 10);
	/* A duplicate. */
	nkt_sendf("ipv4 " PEER " > " HOST " tcp ack=1001 seq=5001 payload=hello");
	/* Queued data is cut where a newer segment overlaps it (XNU's tcp_reass). */
	nkt_sendf("ipv4 " PEER " > " HOST " tcp ack=1001 seq=5016 payload=FGHIJ");
	nkt_sendf("ipv4 " PEER " > " HOST " tcp ack=1001 seq=5013 payload=xxxxxx");
	nkt_sendf("ipv4 " PEER " > " HOST " tcp ack=1001 seq=5011 payload=AB");
	/* ... and a newer segment is cut where earlier queued data covers it. */
	nkt_sendf("ipv4 " PEER " > " HOST " tcp ack=1001 seq=5030 payload=KLMNO");
	nkt_sendf("ipv4 " PEER " > " HOST " tcp ack=1001 seq=5032 payload=pqrst");
	nkt_sendf("ipv4 " PEER " > " HOST " tcp ack=1001 seq=5021 payload=123456789");
	KT_ASSERT_EQ(a->nbytes[0], strlen(want));
	KT_ASSERT_MEM_EQ(a->bytes[0], want, strlen(want));
	/* What the application got is what the filters passed. */
	KT_ASSERT_EQ(a->last_so->so_app_bytes[0], strlen(want));
	KT_ASSERT(sock_note("gap") == NULL);
	teardown();
}

/* Our acknowledgement covers a hole the capture has no data for: a gap. */
static void
test_gap_acked(void)
{
	struct tf *a = one_filter();
	const struct nkt_verdict *v;

	connect_out();
	nkt_sendf("ipv4 " PEER " > " HOST " tcp ack=1001 seq=5006 payload=world");
	KT_ASSERT_EQ(a->nbytes[0], 0);
	nkt_sendf("ipv4 " HOST " > " PEER " tcp ack=5011 seq=1001");
	v = sock_note("gap");
	KT_ASSERT(v != NULL);
	KT_ASSERT_STR_EQ(v->detail, "gap so=1 in bytes=5 acked");
	KT_ASSERT_EQ(a->nbytes[0], 5);
	KT_ASSERT_MEM_EQ(a->bytes[0], "world", 5);
	teardown();
}

/* Their FIN behind a hole: a little later the hole is given up. */
static void
test_fin_behind_hole(void)
{
	struct tf *a = one_filter();

	connect_out();
	ev_reset();
	nkt_sendf("ipv4 " PEER " > " HOST " tcp fin ack=1001 seq=5006 payload=world");
	KT_ASSERT_STR_EQ(evlog, "");
	nkt_advance_ms(1000);
	KT_ASSERT_STR_EQ(evlog, "A.in A.cantrecvmore");
	KT_ASSERT_STR_EQ(sock_note("gap")->detail, "gap so=1 in bytes=5 before-fin");
	KT_ASSERT_EQ(a->nbytes[0], 5);
	teardown();
}

/* A record the snap length cut: its bytes, then a gap for the rest. */
static void
test_truncated_record(void)
{
	struct tf *a = one_filter();
	struct nkt_pkt p;

	connect_out();
	NKT_PKT(&p, "eth in ipv4 " PEER " > " HOST " tcp ack=1001 seq=5001 len=100");
	nkt_send_frame(nkt_ifindex, NKS_DIR_IN, p.b, p.len - 60, p.len);
	KT_ASSERT_EQ(a->nbytes[0], 40);
	KT_ASSERT_MEM_EQ(a->bytes[0], p.b + p.len - 100, 40);
	KT_ASSERT_STR_EQ(sock_note("gap")->detail, "gap so=1 in bytes=60 truncated");
	nkt_sendf("ipv4 " PEER " > " HOST " tcp ack=1001 seq=5101 payload=next");
	KT_ASSERT_EQ(a->nbytes[0], 44);
	teardown();
}

static void
test_bad_checksum(void)
{
	struct tf *a = one_filter();
	struct nkt_pkt p;

	connect_out();
	NKT_PKT(&p, "eth in ipv4 " PEER " > " HOST " tcp ack=1001 seq=5001 payload=hello");
	p.b[p.len - 1] ^= 0x20; /* HELLO's last letter, checksum as it was */
	ev_reset();
	nkt_send(&p);
	KT_ASSERT_STR_EQ(evlog, "");
	KT_ASSERT(nkt_stack_verdict("bad-checksum proto=6") != NULL);
	KT_ASSERT_EQ(a->nbytes[0], 0);
	teardown();
}

/* --- Our stream ------------------------------------------------------------------------------ */

/* Pass-through filters: every captured segment leaves byte for byte. */
static void
test_out_identity(void)
{
	struct nkt_pkt p;
	u_int64_t r;
	const struct nkt_emit *e;

	(void)one_filter();
	connect_out();
	NKT_PKT(&p, "eth ipv4 " HOST " > " PEER " tcp ack=5001 seq=1001 payload=hello");
	r = nkt_send(&p);
	KT_ASSERT_EMITTED_PKT(r, NKS_DIR_OUT, &p);
	/* A retransmission (no sf_data_out) too. */
	r = nkt_send(&p);
	KT_ASSERT_EMITTED_PKT(r, NKS_DIR_OUT, &p);
	KT_ASSERT_EQ(tfs[0].nbytes[1], 5);
	e = nkt_find_emit(r, NKS_DIR_OUT);
	KT_ASSERT((e->e.em_flags & NKS_EMIT_INJECTED) == 0);
	teardown();
}

/* A filter keeps the data and sends it later: sequence numbers follow. */
static void
test_out_keep_reinject(void)
{
	struct tf *a = one_filter();
	struct seginfo s[8];
	u_int64_t r;
	unsigned n;
	socket_t so;

	connect_out();
	so = a->last_so;
	nkt_record_reset();
	a->data_out_mode = M_KEEP;
	r = nkt_sendf("ipv4 " HOST " > " PEER " tcp ack=5001 seq=1001 payload=hello");
	KT_ASSERT_NOT_EMITTED(r, NKS_DIR_OUT);
	KT_ASSERT(sock_note("segment-replaced so=1") != NULL);
	/* Our next ACK: five bytes earlier than captured, as nothing left yet. */
	nkt_sendf("ipv4 " HOST " > " PEER " tcp ack=5001 seq=1006");
	a->data_out_mode = M_PASS;
	KT_ASSERT_EQ(sock_inject_data_out(so, NULL, a->kept[0], NULL, 0), 0);
	a->nkept = 0;
	nkt_sendf("ipv4 " HOST " > " PEER " tcp ack=5001 seq=1006 payload=world");
	n = out_segs(s, 8);
	KT_ASSERT_EQ(n, 3);
	KT_ASSERT_EQ(s[0].seq, 1001);
	KT_ASSERT_EQ(s[0].plen, 0);
	KT_ASSERT_EQ(s[1].seq, 1001);
	KT_ASSERT_EQ(s[1].plen, 5);
	KT_ASSERT_MEM_EQ(s[1].payload, "hello", 5);
	KT_ASSERT_EQ(s[1].flags, 0x18); /* PSH|ACK */
	KT_ASSERT_EQ(s[1].ack, 5001);
	KT_ASSERT(s[1].injected);
	KT_ASSERT(s[1].sums_ok);
	KT_ASSERT_EQ(s[2].seq, 1006);
	KT_ASSERT_MEM_EQ(s[2].payload, "world", 5);
	KT_ASSERT(!s[2].injected);
	teardown();
}

/* A filter makes the data longer: the stack's segment, and later ones shift. */
static void
test_out_replace(void)
{
	struct tf *a = one_filter();
	struct seginfo s[8];
	unsigned n;

	connect_out();
	nkt_record_reset();
	a->data_out_mode = M_REPLACE;
	replace_with = "HELLO-WORLD";
	nkt_sendf("ipv4 " HOST " > " PEER " tcp ack=5001 seq=1001 payload=hello");
	a->data_out_mode = M_PASS;
	nkt_sendf("ipv4 " HOST " > " PEER " tcp ack=5001 seq=1006 payload=again");
	/* Their ACK numbers stay as captured; a retransmission of moved bytes goes. */
	nkt_sendf("ipv4 " HOST " > " PEER " tcp ack=5001 seq=1001 payload=hello");
	n = out_segs(s, 8);
	KT_ASSERT_EQ(n, 2);
	KT_ASSERT_EQ(s[0].seq, 1001);
	KT_ASSERT_EQ(s[0].plen, 11);
	KT_ASSERT_MEM_EQ(s[0].payload, "HELLO-WORLD", 11);
	KT_ASSERT(s[0].sums_ok);
	KT_ASSERT(!s[0].injected); /* record 4's data, changed */
	KT_ASSERT_EQ(s[1].seq, 1012);
	KT_ASSERT_MEM_EQ(s[1].payload, "again", 5);
	KT_ASSERT(s[1].sums_ok);
	KT_ASSERT(sock_note("retransmission-dropped so=1") != NULL);
	teardown();
}

/* Data and FIN in one segment, the data dropped: the FIN leaves alone. */
static void
test_out_drop_with_fin(void)
{
	struct tf *a = one_filter();
	struct seginfo s[8];
	unsigned n;

	connect_out();
	nkt_record_reset();
	a->data_out_mode = M_DROP;
	nkt_sendf("ipv4 " HOST " > " PEER " tcp fin ack=5001 seq=1001 payload=hello");
	n = out_segs(s, 8);
	KT_ASSERT_EQ(n, 1);
	KT_ASSERT_EQ(s[0].seq, 1001);
	KT_ASSERT_EQ(s[0].plen, 0);
	KT_ASSERT_EQ(s[0].flags & 0x11, 0x11); /* FIN|ACK */
	KT_ASSERT(s[0].sums_ok);
	teardown();
}

/* Injected data larger than the MSS: MSS-sized segments. */
static void
test_out_segmentation(void)
{
	struct tf *a = one_filter();
	struct seginfo s[8];
	unsigned n;
	mbuf_t m;
	static u_int8_t big[3000];

	connect_out();
	nkt_sendf("ipv4 " HOST " > " PEER " tcp ack=5001 seq=1001 payload=x");
	nkt_record_reset();
	memset(big, 'z', sizeof(big));
	KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, sizeof(big), NULL, &m), 0);
	KT_ASSERT_EQ(mbuf_copyback(m, 0, sizeof(big), big, MBUF_WAITOK), 0);
	KT_ASSERT_EQ(sock_inject_data_out(a->last_so, NULL, m, NULL, 0), 0);
	n = out_segs(s, 8);
	KT_ASSERT_EQ(n, 3);
	KT_ASSERT_EQ(s[0].seq, 1002);
	KT_ASSERT_EQ(s[0].plen, 1460);
	KT_ASSERT_EQ(s[1].seq, 1002 + 1460);
	KT_ASSERT_EQ(s[2].plen, 3000 - 2 * 1460);
	KT_ASSERT(s[0].sums_ok && s[1].sums_ok && s[2].sums_ok);
	teardown();
}

/* Without any socket filter the socket layer stays out of the way. */
static void
test_no_filter_no_sockets(void)
{
	setup();
	connect_out();
	KT_ASSERT_EQ(nke__sock_count(), 0);
	teardown();
}

NKT_CASES(NKT_CASE(test_active_open_close_first), NKT_CASE(test_passive_open_close_second),
          NKT_CASE(test_listener_refuses), NKT_CASE(test_fast_open_in),
          NKT_CASE(test_adopt_mid_stream), NKT_CASE(test_reassembly), NKT_CASE(test_gap_acked),
          NKT_CASE(test_fin_behind_hole), NKT_CASE(test_truncated_record),
          NKT_CASE(test_bad_checksum), NKT_CASE(test_out_identity),
          NKT_CASE(test_out_keep_reinject), NKT_CASE(test_out_replace),
          NKT_CASE(test_out_drop_with_fin), NKT_CASE(test_out_segmentation),
          NKT_CASE(test_no_filter_no_sockets));
