/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_kpi_socket.c - tests of the socket KPI (kernel world): kpi_socket.c
 * on sockets inferred from frames and on kernel sockets (addresses with
 * truncation, ENOTCONN, type, privilege, ioctl through sf_ioctl, shutdown's
 * events, binding through sf_bind, sending like sock_inject_data_out, what
 * is not simulated).
 */
#include <sys/filio.h>
#include <sys/sockio.h>

#include "sock_testutil.h"

static int ioctl_calls;

static errno_t
k_ioctl(void *cookie, socket_t so, unsigned long request, const char *argp)
{
	(void)so;
	(void)argp;
	ioctl_calls++;
	ev(cookie, "ioctl");
	return request == 0x20007777 ? EJUSTRETURN : 0;
}

static void
test_addresses(void)
{
	struct tf *a;
	union nke_sa sa;
	char s[64];
	int domain = 0, type = 0, proto = 0;

	setup();
	a = tf_register(0, SFLT_GLOBAL, PF_INET, SOCK_STREAM, IPPROTO_TCP);
	nkt_sendf("ipv4 10.0.0.1:40000 > 10.0.0.2:80 tcp syn seq=1000");
	/* Connecting: local known, peer not yet (ENOTCONN). */
	KT_ASSERT_EQ(sock_getsockname(a->last_so, &sa.sa, sizeof(sa)), 0);
	KT_ASSERT_STR_EQ(nke__sa_str(&sa.sa, s, sizeof(s)), "10.0.0.1:40000");
	KT_ASSERT_EQ(sock_getpeername(a->last_so, &sa.sa, sizeof(sa)), ENOTCONN);
	nkt_sendf("ipv4 10.0.0.2:80 > 10.0.0.1:40000 tcp syn ack=1001 seq=5000");
	memset(&sa, 0xee, sizeof(sa));
	KT_ASSERT_EQ(sock_getpeername(a->last_so, &sa.sa, sizeof(sa)), 0);
	KT_ASSERT_STR_EQ(nke__sa_str(&sa.sa, s, sizeof(s)), "10.0.0.2:80");
	/* Silent truncation to the length given. */
	memset(&sa, 0xee, sizeof(sa));
	KT_ASSERT_EQ(sock_getpeername(a->last_so, &sa.sa, 4), 0);
	KT_ASSERT_EQ(sa.sa.sa_len, sizeof(struct sockaddr_in));
	KT_ASSERT_EQ(((u_int8_t *)&sa)[4], 0xee);
	KT_ASSERT_EQ(sock_getpeername(a->last_so, &sa.sa, -1), EINVAL);
	KT_ASSERT_EQ(sock_getpeername(a->last_so, NULL, 16), EINVAL);
	KT_ASSERT_EQ(sock_getsockname(NULL, &sa.sa, 16), EINVAL);
	KT_ASSERT_EQ(sock_gettype(a->last_so, &domain, &type, &proto), 0);
	KT_ASSERT_EQ(domain, PF_INET);
	KT_ASSERT_EQ(type, SOCK_STREAM);
	KT_ASSERT_EQ(proto, IPPROTO_TCP);
	KT_ASSERT_EQ(sock_gettype(a->last_so, NULL, NULL, NULL), 0);
	KT_ASSERT_EQ(sock_isconnected(a->last_so), 1);
	KT_ASSERT_EQ(sock_setpriv(a->last_so, 1), 0);
	KT_ASSERT_EQ(sock_setpriv(NULL, 1), EINVAL);
	teardown();
}

static void
test_ioctl(void)
{
	struct tf *a;
	int on = 1, n = -1;

	setup();
	a = tf_register(0, SFLT_GLOBAL, PF_INET, SOCK_STREAM, IPPROTO_TCP);
	KT_ASSERT_EQ(sflt_unregister(a->handle), 0);
	a->f.sf_ioctl = k_ioctl;
	KT_ASSERT_EQ(sflt_register(&a->f, PF_INET, SOCK_STREAM, IPPROTO_TCP), 0);
	connect_out();
	ev_reset();
	KT_ASSERT_EQ(sock_isnonblocking(a->last_so), 0);
	KT_ASSERT_EQ(sock_ioctl(a->last_so, FIONBIO, &on), 0);
	KT_ASSERT_EQ(sock_isnonblocking(a->last_so), 1);
	KT_ASSERT_EQ(sock_ioctl(a->last_so, FIONREAD, &n), 0);
	KT_ASSERT_EQ(n, 0);
	/* A filter's EJUSTRETURN: 0, and the protocol never sees it. */
	KT_ASSERT_EQ(sock_ioctl(a->last_so, 0x20007777, NULL), 0);
	KT_ASSERT_EQ(sock_ioctl(a->last_so, 0x20007778, NULL), EOPNOTSUPP);
	/* Interface ioctls ('i') bypass the filters. */
	KT_ASSERT_EQ(sock_ioctl(a->last_so, SIOCGIFMTU, NULL), EOPNOTSUPP);
	KT_ASSERT_EQ(ioctl_calls, 4);
	teardown();
}

static void
test_shutdown(void)
{
	struct tf *a;

	setup();
	a = tf_register(0, SFLT_GLOBAL, PF_INET, SOCK_STREAM, IPPROTO_TCP);
	connect_out();
	ev_reset();
	KT_ASSERT_EQ(sock_shutdown(a->last_so, SHUT_RDWR), 0);
	KT_ASSERT_STR_EQ(evlog, "A.shutdown A.flush_read A.cantrecvmore A.cantsendmore");
	KT_ASSERT_EQ(sock_shutdown(a->last_so, SHUT_WR), ENOTCONN);
	KT_ASSERT_EQ(sock_shutdown(a->last_so, 7), EINVAL);
	teardown();
}

/* Kernel sockets: filters attach, bind works, the wire does not. */
static void
test_kernel_socket(void)
{
	union nke_sa sa;
	socket_t so = NULL;
	char s[64];

	setup();
	(void)tf_register(0, SFLT_GLOBAL, PF_INET, SOCK_DGRAM, IPPROTO_UDP);
	KT_ASSERT_EQ(sock_socket(PF_INET, SOCK_DGRAM, 0, NULL, NULL, &so), 0);
	KT_ASSERT(so != NULL);
	KT_ASSERT_STR_EQ(evlog, "A.attach");
	/* Unbound: the wildcard address. */
	KT_ASSERT_EQ(sock_getsockname(so, &sa.sa, sizeof(sa)), 0);
	KT_ASSERT_STR_EQ(nke__sa_str(&sa.sa, s, sizeof(s)), "0.0.0.0:0");
	nke__sa_set(&sa, AF_INET, nkt_ip4_host, htons(7777));
	KT_ASSERT_EQ(sock_bind(so, &sa.sa), 0);
	KT_ASSERT_EQ(sock_bind(so, &sa.sa), EINVAL);
	KT_ASSERT_STR_EQ(evlog, "A.attach A.bind A.bound A.bind");
	KT_ASSERT_EQ(sock_connect(so, &sa.sa, 0), ENOTSUP);
	KT_ASSERT_EQ(sock_listen(so, 5), ENOTSUP);
	{
		socket_t n = (socket_t)(uintptr_t)1;

		KT_ASSERT_EQ(sock_accept(so, NULL, 0, 0, NULL, NULL, &n), ENOTSUP);
		KT_ASSERT(n == NULL);
	}
	{
		socket_t other = (socket_t)(uintptr_t)1;

		KT_ASSERT_EQ(sock_socket(PF_SYSTEM, SOCK_DGRAM, 0, NULL, NULL, &other),
		             EAFNOSUPPORT);
		KT_ASSERT(other == NULL);
	}
	ev_reset();
	sock_close(so);
	KT_ASSERT_STR_EQ(evlog, "A.closing A.flush_read A.cantrecvmore A.detach");
	teardown();
}

/* sock_sendmbuf on an application's socket: like sock_inject_data_out. */
static void
test_send(void)
{
	struct tf *a;
	struct msghdr msg;
	struct iovec iov;
	struct seginfo sg[4];
	size_t sent = 0;

	setup();
	a = tf_register(0, SFLT_GLOBAL, PF_INET, SOCK_STREAM, IPPROTO_TCP);
	connect_out();
	nkt_record_reset();
	ev_reset();
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = (void *)(uintptr_t)"ping";
	iov.iov_len = 4;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	KT_ASSERT_EQ(sock_send(a->last_so, &msg, 0, &sent), 0);
	KT_ASSERT_EQ(sent, 4);
	KT_ASSERT_STR_EQ(evlog, "A.out");
	KT_ASSERT_EQ(out_segs(sg, 4), 1);
	KT_ASSERT_EQ(sg[0].seq, 1001);
	KT_ASSERT_MEM_EQ(sg[0].payload, "ping", 4);
	/* Nothing to receive: the application read it all. */
	KT_ASSERT_EQ(sock_receive(a->last_so, &msg, MSG_DONTWAIT, &sent), EWOULDBLOCK);
	teardown();
}

/* sock_close on an application's socket is a kext bug. */
static void
test_close_not_kernel(void)
{
	struct tf *a;

	setup();
	a = tf_register(0, SFLT_GLOBAL, PF_INET, SOCK_STREAM, IPPROTO_TCP);
	connect_out();
	sock_close(a->last_so);
	KT_ASSERT_EQ(NKT_reports("sock-close-not-kernel"), 1);
	KT_ASSERT_EQ(sock_isconnected(a->last_so), 1);
	teardown();
}

NKT_CASES(NKT_CASE(test_addresses), NKT_CASE(test_ioctl), NKT_CASE(test_shutdown),
          NKT_CASE(test_kernel_socket), NKT_CASE(test_send), NKT_CASE(test_close_not_kernel));
