/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_tcplog.c - unit tests of the TCP connection logger example (kernel
 * world; nke_add_kext_test).  The test plays the capture of whole TCP
 * connections (both directions, with the clock moving) and the client of
 * the kext's kernel control: data is kept and comes back 10 ms later,
 * unchanged and in order, and each connection ends in one record.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <mach/kmod.h>
#include <nkt_kext.h>

extern kmod_info_t kmod_info;

#define CTL "com.nkesim.example.tcplog"

static struct nkt_pkt p;

/* Bytes the application received (NKS_DIR_IN) or sent for record `index`. */
static unsigned
app_bytes(u_int64_t index, u_int32_t dir)
{
	unsigned i, n = 0;

	for (i = 0; i < nkt_nverdicts; i++) {
		const struct nkt_verdict *v = &nkt_verdicts[i];

		if (v->v.vd_hook == NKS_HOOK_APP && v->v.vd_index == index && v->v.vd_dir == dir)
			n += v->v.vd_len;
	}
	return n;
}

/* A whole connection to our port 80: handshake, a request, a reply, close. */
static void
serve_one(u_int64_t *req, u_int64_t *reply)
{
	nkt_sendf("eth ipv4 10.0.0.2:40000 > 10.0.0.1:80 tcp syn seq=100");
	nkt_advance_ms(1);
	nkt_sendf("eth ipv4 10.0.0.1:80 > 10.0.0.2:40000 tcp syn seq=500 ack=101");
	nkt_advance_ms(1);
	nkt_sendf("eth ipv4 10.0.0.2:40000 > 10.0.0.1:80 tcp seq=101 ack=501");
	nkt_advance_ms(1);
	*req = nkt_sendf("eth ipv4 10.0.0.2:40000 > 10.0.0.1:80 tcp psh seq=101 ack=501 "
			 "payload=\"GET /\"");
	nkt_advance_ms(20);
	*reply = nkt_sendf("eth ipv4 10.0.0.1:80 > 10.0.0.2:40000 tcp psh seq=501 ack=106 "
			   "payload=\"HTTP/1.0 200 OK\"");
	nkt_advance_ms(20);
	nkt_sendf("eth ipv4 10.0.0.2:40000 > 10.0.0.1:80 tcp fin seq=106 ack=516");
	nkt_advance_ms(1);
	nkt_sendf("eth ipv4 10.0.0.1:80 > 10.0.0.2:40000 tcp fin seq=516 ack=107");
	nkt_advance_ms(1);
	nkt_sendf("eth ipv4 10.0.0.2:40000 > 10.0.0.1:80 tcp seq=107 ack=517");
	nkt_advance_ms(1);
}

static void
test_logs_a_connection(void)
{
	u_int64_t req, reply;
	u_int32_t id, c;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	KT_ASSERT_CONSOLE("tcplog: logging TCP connections to control " CTL);
	c = nkt_ctl_connect(CTL);
	serve_one(&req, &reply);
	nkt_apps_exit();
	KT_ASSERT_EQ(nkt_ctl_recv(c), 1);
	KT_ASSERT(nkt_ctl_msgs[0].flags & NKS_CTL_EOR);
	nkt_ctl_msgs[0].data[nkt_ctl_msgs[0].len < NKT_CTL_MSG_MAX ? nkt_ctl_msgs[0].len :
	    NKT_CTL_MSG_MAX - 1] = '\0';
	KT_ASSERT_STR_EQ((const char *)nkt_ctl_msgs[0].data,
	    "tcp 10.0.0.1:80 10.0.0.2:40000 in 5 out 15 ms 42\n");
	KT_ASSERT_EQ(nkt_ctl_disconnect(c), 0);
	nkt_kext_stop(id);
	KT_ASSERT_CONSOLE("tcplog: 2 connections, 1 records (0 lost), swallowed 2, re-injected 2");
}

/* Kept data comes back: the application gets the request, the peer the reply. */
static void
test_reinjects_both_ways(void)
{
	u_int64_t req, reply;
	const struct nkt_emit *e;
	u_int32_t id;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	serve_one(&req, &reply);
	/* Kept once, passed once (the re-injection, recognised by its tag). */
	KT_ASSERT_EQ(nkt_count_results(req, NKS_HOOK_SF_DATA_IN, NULL, EJUSTRETURN), 1);
	KT_ASSERT_EQ(nkt_count_results(req, NKS_HOOK_SF_DATA_IN, NULL, 0), 1);
	KT_ASSERT_EQ(nkt_count_results(reply, NKS_HOOK_SF_DATA_OUT, NULL, EJUSTRETURN), 1);
	KT_ASSERT_EQ(nkt_count_results(reply, NKS_HOOK_SF_DATA_OUT, NULL, 0), 1);
	/* The request reached the application (after the delay). */
	KT_ASSERT_EQ(app_bytes(req, NKS_DIR_IN), 5);
	/* The reply left in a segment the stack built, injected, same bytes. */
	e = nkt_find_emit(reply, NKS_DIR_OUT);
	KT_ASSERT(e != NULL);
	KT_ASSERT(e->e.em_flags & NKS_EMIT_INJECTED);
	KT_ASSERT_MEM_EQ(e->data + e->e.em_len - 15, "HTTP/1.0 200 OK", 15);
	nkt_apps_exit();
	nkt_kext_stop(id);
}

/* An outbound IPv6 connection, without a client: nothing to send to. */
static void
test_ipv6_client_side(void)
{
	u_int32_t id, c;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	nkt_sendf("eth ipv6 [2001:db8::1]:50000 > [2001:db8::2]:443 tcp syn seq=1");
	nkt_advance_ms(5);
	nkt_sendf("eth ipv6 [2001:db8::2]:443 > [2001:db8::1]:50000 tcp syn seq=9 ack=2");
	nkt_advance_ms(5);
	nkt_sendf("eth ipv6 [2001:db8::1]:50000 > [2001:db8::2]:443 tcp seq=2 ack=10");
	c = nkt_ctl_connect(CTL);
	nkt_sendf("eth ipv6 [2001:db8::1]:50000 > [2001:db8::2]:443 tcp psh seq=2 ack=10 len=100");
	nkt_advance_ms(100);
	nkt_sendf("eth ipv6 [2001:db8::2]:443 > [2001:db8::1]:50000 tcp rst seq=10");
	nkt_advance_ms(1);
	nkt_apps_exit();
	KT_ASSERT_EQ(nkt_ctl_recv(c), 1);
	KT_ASSERT(strstr((const char *)nkt_ctl_msgs[0].data,
	    "tcp [2001:db8::1]:50000 [2001:db8::2]:443 in 0 out 100 ms ") ==
	    (const char *)nkt_ctl_msgs[0].data);
	KT_ASSERT_EQ(nkt_ctl_disconnect(c), 0);
	nkt_kext_stop(id);
}

/* At most four clients; the fifth is refused. */
static void
test_control_clients(void)
{
	u_int32_t id, c[5], i;

	id = nkt_kext_start(&kmod_info);
	for (i = 0; i < 4; i++)
		c[i] = nkt_ctl_connect(CTL);
	KT_ASSERT_EQ(nkt_ctl_try_connect(CTL, 0, 0, &c[4]), EBUSY);
	KT_ASSERT_EQ(nkt_ctl_send(c[0], "x", 1), 0);
	/* With a client connected the control cannot go: stop refuses. */
	KT_ASSERT_EQ(nkt_kext_try_stop(id), EBUSY);
	for (i = 0; i < 4; i++)
		KT_ASSERT_EQ(nkt_ctl_disconnect(c[i]), 0);
	nkt_kext_stop(id);
}

/* Data held when the kext is asked to stop: refused until the timer ran. */
static void
test_stop_waits_for_held_data(void)
{
	u_int32_t id;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	nkt_sendf("eth ipv4 10.0.0.1:40001 > 10.0.0.2:80 tcp syn seq=1");
	nkt_sendf("eth ipv4 10.0.0.2:80 > 10.0.0.1:40001 tcp syn seq=7 ack=2");
	nkt_sendf("eth ipv4 10.0.0.1:40001 > 10.0.0.2:80 tcp seq=2 ack=8");
	NKT_PKT(&p, "eth ipv4 10.0.0.1:40001 > 10.0.0.2:80 tcp psh seq=2 ack=8 len=50");
	nkt_send(&p);
	KT_ASSERT_EQ(nkt_kext_try_stop(id), EBUSY);
	nkt_kext_stop(id);
	/* SYN, ACK, then the data, sent by the stack when it came back. */
	KT_ASSERT_EQ(nkt_count_emits(NKS_DIR_OUT), 3);
	KT_ASSERT(nkt_emits[nkt_nemits - 1].e.em_flags & NKS_EMIT_INJECTED);
	nkt_apps_exit();
}

/*
 * The application writes and closes at once: the held data must leave
 * before the FIN (flushed at sock_evt_shutdown), not fail with EPIPE when
 * the timer comes.
 */
static void
test_flushes_before_shutdown(void)
{
	const struct nkt_emit *data, *fin;
	u_int32_t id;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	nkt_sendf("eth ipv4 10.0.0.1:40001 > 10.0.0.2:80 tcp syn seq=1");
	nkt_sendf("eth ipv4 10.0.0.2:80 > 10.0.0.1:40001 tcp syn seq=7 ack=2");
	nkt_sendf("eth ipv4 10.0.0.1:40001 > 10.0.0.2:80 tcp seq=2 ack=8");
	nkt_sendf("eth ipv4 10.0.0.1:40001 > 10.0.0.2:80 tcp psh seq=2 ack=8 len=20");
	nkt_sendf("eth ipv4 10.0.0.1:40001 > 10.0.0.2:80 tcp fin seq=22 ack=8");
	KT_ASSERT_EQ(nkt_count_emits(NKS_DIR_OUT), 4);
	data = &nkt_emits[nkt_nemits - 2];
	fin = &nkt_emits[nkt_nemits - 1];
	KT_ASSERT_EQ(data->e.em_len, 14 + 20 + 20 + 20);
	KT_ASSERT(data->e.em_flags & NKS_EMIT_INJECTED);
	KT_ASSERT_EQ(fin->data[14 + 20 + 13] & 0x01, 0x01); /* FIN */
	nkt_advance_ms(20);
	nkt_apps_exit();
	nkt_kext_stop(id);
	KT_ASSERT_CONSOLE("swallowed 1, re-injected 1, failed 0\n");
}

NKT_CASES(NKT_CASE(test_logs_a_connection), NKT_CASE(test_reinjects_both_ways),
    NKT_CASE(test_ipv6_client_side), NKT_CASE(test_control_clients),
    NKT_CASE(test_stop_waits_for_held_data), NKT_CASE(test_flushes_before_shutdown));
