/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcplog.c - example kext (kernel world): a TCP connection logger, a socket
 * filter with a kernel control, written as a model of a correct socket
 * filter NKE.
 *
 * Every TCP socket (IPv4 and IPv6) gets the filter.  When a connection
 * ends, one record goes to each connected client of the kernel control
 * TCPLOG_CTL_NAME: a text line with the two endpoints, the bytes received
 * and sent, and how long it lasted:
 *
 *	tcp 10.0.0.1:80 10.0.0.2:40000 in 120 out 5432 ms 1500
 *
 * It also swallows every piece of data the socket receives or sends and
 * re-injects it TCPLOG_DELAY_MS later from a timer (sock_inject_data_in /
 * sock_inject_data_out), marking re-injected data with an mbuf tag so that
 * it passes the second time.
 *
 * Configuration (nke_add_kext DEFINES): TCPLOG_DELAY_MS (default 10).
 *
 * What it shows:
 *   - sflt_register with SFLT_GLOBAL for each (domain, SOCK_STREAM,
 *     IPPROTO_TCP); per-socket state allocated in sf_attach (the cookie)
 *     and freed in sf_detach, which runs once per successful attach;
 *   - addresses: for an accepted socket sf_attach runs before they are
 *     known; sock_evt_connected is where both ends are;
 *   - sock_evt_disconnected may come twice: report once;
 *   - held outbound data must go before the application's shutdown or
 *     close takes effect (sock_evt_shutdown, sock_evt_closing come first):
 *     after it sock_inject_data_out fails with EPIPE and the data is lost;
 *   - sf_data_in for TCP passes a NULL `control` pointer (not a pointer to
 *     NULL): never dereference it unchecked;
 *   - swallowing: EJUSTRETURN makes data and control ours; the socket is
 *     retained (sock_retain) while we hold its data, so it cannot be freed
 *     (and our cookie with it) before the timer gave the data back;
 *     sock_inject_data_out consumes the data in every case,
 *     sock_inject_data_in unless it fails early (EINVAL, ENOTSUP);
 *   - re-injected data comes through every filter again, ours included:
 *     the tag recognises it;
 *   - a kern_control with several clients; records are queued with
 *     CTL_DATA_EOR (one datagram each); a full client buffer (ENOBUFS)
 *     loses that record for that client only;
 *   - stopping: sflt_unregister returns at once, sf_unregistered comes
 *     last; refuse (EBUSY) until both filters are gone, nothing is held and
 *     no client is connected (ctl_deregister fails with clients).
 */
#include <mach/mach_types.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/kpi_mbuf.h>
#include <sys/kpi_socket.h>
#include <sys/kpi_socketfilter.h>
#include <sys/kern_control.h>
#include <kern/locks.h>
#include <libkern/OSMalloc.h>
#include <libkern/OSAtomic.h>
#include <netinet/in.h>

#ifndef TCPLOG_DELAY_MS
#define TCPLOG_DELAY_MS 10
#endif
#define TCPLOG_CTL_NAME "com.nkesim.example.tcplog"
#define TCPLOG_BUNDLE	"com.nkesim.example.tcplog"
/* Socket filter handles are global: pick values no one else uses. */
#define HANDLE4		0x6e6b7434 /* "nkt4" */
#define HANDLE6		0x6e6b7436 /* "nkt6" */
#define TAG_TYPE	1
#define MAX_CLIENTS	4

kern_return_t tcplog_start(kmod_info_t *ki, void *d);
kern_return_t tcplog_stop(kmod_info_t *ki, void *d);

union tl_addr {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

/* Per socket: the filter's cookie. */
struct tl_conn {
	union tl_addr local, remote;
	volatile SInt64 bytes_in, bytes_out;
	struct timeval start;
	int connected;
	int reported;
};

/* Data we swallowed, waiting for the timer. */
struct tl_held {
	struct tl_held *next;
	socket_t so;
	int outbound;
	mbuf_t data, control;
	sflt_data_flag_t flags;
};

static OSMallocTag mtag;
static lck_grp_t *lgrp;
static lck_mtx_t *mtx;
static mbuf_tag_id_t tag_id;
static kern_ctl_ref ctl_ref;

/* Protected by mtx. */
static u_int32_t clients[MAX_CLIENTS]; /* units of connected clients; 0: free */
static struct tl_held *q_head, *q_tail;
static unsigned q_len;
static int timer_armed;

static int registered4, registered6;
static volatile SInt32 unregistered; /* sf_unregistered calls */
static volatile SInt32 conns, records, records_lost, swallowed, reinjected, inject_failed;

/* --- Records --------------------------------------------------------------- */

static void
format_addr(const union tl_addr *a, char *buf, size_t size)
{
	char ip[64];

	if (a->sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &a->sin.sin_addr, ip, sizeof(ip));
		snprintf(buf, size, "%s:%u", ip, ntohs(a->sin.sin_port));
	} else if (a->sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &a->sin6.sin6_addr, ip, sizeof(ip));
		snprintf(buf, size, "[%s]:%u", ip, ntohs(a->sin6.sin6_port));
	} else {
		snprintf(buf, size, "?");
	}
}

/* Send the record of a finished connection to every client. */
static void
report(struct tl_conn *c)
{
	char local[80], remote[80], line[256];
	struct timeval now;
	u_int64_t ms;
	u_int32_t units[MAX_CLIENTS];
	unsigned i, n = 0;
	int len;

	if (c->reported || !c->connected)
		return;
	c->reported = 1;
	microuptime(&now);
	ms = (u_int64_t)(now.tv_sec - c->start.tv_sec) * 1000 +
	    (u_int64_t)((now.tv_usec - c->start.tv_usec) / 1000);
	format_addr(&c->local, local, sizeof(local));
	format_addr(&c->remote, remote, sizeof(remote));
	len = snprintf(line, sizeof(line), "tcp %s %s in %llu out %llu ms %llu\n", local, remote,
	    (unsigned long long)c->bytes_in, (unsigned long long)c->bytes_out,
	    (unsigned long long)ms);
	OSIncrementAtomic(&records);

	/* Copy the units: never call into kern_control with our lock held. */
	lck_mtx_lock(mtx);
	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i] != 0)
			units[n++] = clients[i];
	lck_mtx_unlock(mtx);
	for (i = 0; i < n; i++)
		if (ctl_enqueuedata(ctl_ref, units[i], line, (size_t)len, CTL_DATA_EOR) != 0)
			OSIncrementAtomic(&records_lost);
}

/* --- Swallow and re-inject ------------------------------------------------------ */

static int
is_reinjected(mbuf_t m)
{
	size_t len;
	void *p;

	return mbuf_tag_find(m, tag_id, TAG_TYPE, &len, &p) == 0;
}

static void tl_timer(void *arg);

static void
arm_locked(void)
{
	struct timespec ts = {0, TCPLOG_DELAY_MS * 1000000L};

	timer_armed = 1;
	bsd_timeout(tl_timer, NULL, &ts);
}

/* Give one piece of held data back to its socket; frees h. */
static void
reinject(struct tl_held *h)
{
	errno_t err;

	if (h->outbound) {
		/* Consumed in every case. */
		err = sock_inject_data_out(h->so, NULL, h->data, h->control, h->flags);
	} else {
		err = sock_inject_data_in(h->so, NULL, h->data, h->control, h->flags);
		if (err != 0) { /* EINVAL, ENOTSUP: still ours */
			mbuf_freem(h->data);
			if (h->control != NULL)
				mbuf_freem(h->control);
		}
	}
	if (err == 0) {
		OSIncrementAtomic(&reinjected);
	} else {
		OSIncrementAtomic(&inject_failed);
		printf("tcplog: sock_inject_data_%s: error %d\n", h->outbound ? "out" : "in", err);
	}
	/* Last: the release may free the socket, and sf_detach our cookie. */
	sock_release(h->so);
	OSFree(h, sizeof(*h), mtag);
}

/* Re-inject everything held (it was all due: one delay for all). */
static void
tl_timer(void *arg)
{
	struct tl_held *h, *next;

	lck_mtx_lock(mtx);
	h = q_head;
	q_head = q_tail = NULL;
	q_len = 0;
	timer_armed = 0;
	lck_mtx_unlock(mtx);

	for (; h != NULL; h = next) {
		next = h->next;
		reinject(h);
	}
}

/*
 * The application shuts its sending side down (or closes): data of `so`
 * we still hold must go now, before the shutdown takes effect, or it would
 * be refused (EPIPE) when the timer comes.
 */
static void
flush_outbound(socket_t so)
{
	struct tl_held *mine = NULL, **tail = &mine, **pp, *h;

	lck_mtx_lock(mtx);
	q_tail = NULL;
	for (pp = &q_head; (h = *pp) != NULL;) {
		if (h->so == so && h->outbound) {
			*pp = h->next;
			q_len--;
			h->next = NULL;
			*tail = h;
			tail = &h->next;
		} else {
			q_tail = h;
			pp = &h->next;
		}
	}
	lck_mtx_unlock(mtx);
	/* In order, outside the lock (the injection runs every filter again). */
	while ((h = mine) != NULL) {
		mine = h->next;
		reinject(h);
	}
}

/*
 * Take *data (and *control) for TCPLOG_DELAY_MS.  EJUSTRETURN when taken,
 * 0 when the data passes now (re-injected already, or no memory).
 */
static errno_t
swallow(socket_t so, mbuf_t *data, mbuf_t *control, sflt_data_flag_t flags, int outbound)
{
	struct tl_held *h;
	void *p;

	h = OSMalloc_noblock(sizeof(*h), mtag);
	if (h == NULL)
		return 0;
	/* The tag travels with the packet header: it marks the data as ours. */
	if (mbuf_tag_allocate(*data, tag_id, TAG_TYPE, sizeof(u_int32_t), MBUF_DONTWAIT, &p) != 0) {
		OSFree(h, sizeof(*h), mtag);
		return 0;
	}
	h->next = NULL;
	h->so = so;
	h->outbound = outbound;
	h->data = *data;
	h->control = control != NULL ? *control : NULL;
	h->flags = flags;
	sock_retain(so);

	lck_mtx_lock(mtx);
	if (q_tail != NULL)
		q_tail->next = h;
	else
		q_head = h;
	q_tail = h;
	q_len++;
	if (!timer_armed)
		arm_locked();
	lck_mtx_unlock(mtx);
	OSIncrementAtomic(&swallowed);
	return EJUSTRETURN;
}

/* --- The socket filter ---------------------------------------------------------- */

static errno_t
tl_attach(void **cookie, socket_t so)
{
	struct tl_conn *c = OSMalloc_noblock(sizeof(*c), mtag);

	/* A non-zero return: the socket goes on without us, no sf_detach. */
	if (c == NULL)
		return ENOMEM;
	bzero(c, sizeof(*c));
	microuptime(&c->start);
	*cookie = c;
	OSIncrementAtomic(&conns);
	return 0;
}

static void
tl_detach(void *cookie, socket_t so)
{
	struct tl_conn *c = cookie;

	report(c); /* a socket torn down without a disconnect event */
	OSFree(c, sizeof(*c), mtag);
}

static void
tl_notify(void *cookie, socket_t so, sflt_event_t event, void *param)
{
	struct tl_conn *c = cookie;

	switch (event) {
	case sock_evt_connected:
		/* Both ends are known now, for active and accepted sockets alike. */
		sock_getsockname(so, &c->local.sa, sizeof(c->local));
		sock_getpeername(so, &c->remote.sa, sizeof(c->remote));
		microuptime(&c->start);
		c->connected = 1;
		break;
	case sock_evt_disconnected: /* may come twice: report() says once */
		report(c);
		break;
	case sock_evt_shutdown:
		/* param: the shutdown() direction; SHUT_WR and SHUT_RDWR stop sending. */
		if (param != NULL && *(int *)param != SHUT_RD)
			flush_outbound(so);
		break;
	case sock_evt_closing:
		flush_outbound(so);
		break;
	default:
		break;
	}
}

static errno_t
tl_data_in(void *cookie, socket_t so, const struct sockaddr *from, mbuf_t *data,
    mbuf_t *control, sflt_data_flag_t flags)
{
	struct tl_conn *c = cookie;

	if (is_reinjected(*data))
		return 0; /* counted the first time */
	OSAddAtomic64((SInt64)mbuf_pkthdr_len(*data), &c->bytes_in);
	return swallow(so, data, control, flags, 0);
}

static errno_t
tl_data_out(void *cookie, socket_t so, const struct sockaddr *to, mbuf_t *data,
    mbuf_t *control, sflt_data_flag_t flags)
{
	struct tl_conn *c = cookie;

	if (is_reinjected(*data))
		return 0;
	OSAddAtomic64((SInt64)mbuf_pkthdr_len(*data), &c->bytes_out);
	return swallow(so, data, control, flags, 1);
}

static void
tl_unregistered(sflt_handle handle)
{
	OSIncrementAtomic(&unregistered);
}

static char name4[] = TCPLOG_BUNDLE ".v4"; /* sf_name is kept, not copied */
static char name6[] = TCPLOG_BUNDLE ".v6";

static struct sflt_filter filter4 = {
    HANDLE4, SFLT_GLOBAL, name4, tl_unregistered, tl_attach, tl_detach, tl_notify,
    NULL, NULL, tl_data_in, tl_data_out, NULL, NULL, NULL, NULL, NULL, NULL, NULL, {0, NULL, {NULL}},
};
static struct sflt_filter filter6 = {
    HANDLE6, SFLT_GLOBAL, name6, tl_unregistered, tl_attach, tl_detach, tl_notify,
    NULL, NULL, tl_data_in, tl_data_out, NULL, NULL, NULL, NULL, NULL, NULL, NULL, {0, NULL, {NULL}},
};

/* --- The kernel control ------------------------------------------------------------ */

static errno_t
tl_ctl_connect(kern_ctl_ref ref, struct sockaddr_ctl *sac, void **unitinfo)
{
	unsigned i;
	errno_t err = EBUSY;

	lck_mtx_lock(mtx);
	for (i = 0; i < MAX_CLIENTS; i++) {
		if (clients[i] == 0) {
			clients[i] = sac->sc_unit;
			err = 0;
			break;
		}
	}
	lck_mtx_unlock(mtx);
	*unitinfo = NULL;
	return err;
}

static errno_t
tl_ctl_disconnect(kern_ctl_ref ref, u_int32_t unit, void *unitinfo)
{
	unsigned i;

	lck_mtx_lock(mtx);
	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i] == unit)
			clients[i] = 0;
	lck_mtx_unlock(mtx);
	return 0;
}

/* The client sends nothing we understand: drop it. */
static errno_t
tl_ctl_send(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, mbuf_t m, int flags)
{
	mbuf_freem(m);
	return 0;
}

/* --- Start and stop ------------------------------------------------------------------ */

static void
release_resources(void)
{
	if (mtx != NULL) {
		lck_mtx_free(mtx, lgrp);
		mtx = NULL;
	}
	if (lgrp != NULL) {
		lck_grp_free(lgrp);
		lgrp = NULL;
	}
	if (mtag != NULL) {
		OSMalloc_Tagfree(mtag);
		mtag = NULL;
	}
}

kern_return_t
tcplog_start(kmod_info_t *ki, void *d)
{
	struct kern_ctl_reg reg;

	mtag = OSMalloc_Tagalloc(TCPLOG_BUNDLE, OSMT_DEFAULT);
	lgrp = lck_grp_alloc_init(TCPLOG_BUNDLE, LCK_GRP_ATTR_NULL);
	if (mtag == NULL || lgrp == NULL)
		goto err_resources;
	mtx = lck_mtx_alloc_init(lgrp, LCK_ATTR_NULL);
	if (mtx == NULL || mbuf_tag_id_find(TCPLOG_BUNDLE, &tag_id) != 0)
		goto err_resources;

	bzero(&reg, sizeof(reg));
	strlcpy(reg.ctl_name, TCPLOG_CTL_NAME, sizeof(reg.ctl_name));
	reg.ctl_connect = tl_ctl_connect;
	reg.ctl_disconnect = tl_ctl_disconnect;
	reg.ctl_send = tl_ctl_send;
	if (ctl_register(&reg, &ctl_ref) != 0)
		goto err_resources;

	if (sflt_register(&filter4, PF_INET, SOCK_STREAM, IPPROTO_TCP) != 0)
		goto err_ctl;
	registered4 = 1;
	if (sflt_register(&filter6, PF_INET6, SOCK_STREAM, IPPROTO_TCP) != 0)
		goto err_v4;
	registered6 = 1;
	printf("tcplog: logging TCP connections to control %s, re-injecting data after %d ms\n",
	    TCPLOG_CTL_NAME, TCPLOG_DELAY_MS);
	return KERN_SUCCESS;

err_v4:
	/*
	 * No socket can have been attached yet (nothing runs during a start
	 * routine), so sf_unregistered runs at once.
	 */
	sflt_unregister(HANDLE4);
	registered4 = 0;
err_ctl:
	ctl_deregister(ctl_ref);
	ctl_ref = NULL;
err_resources:
	release_resources();
	printf("tcplog: cannot start\n");
	return KERN_FAILURE;
}

kern_return_t
tcplog_stop(kmod_info_t *ki, void *d)
{
	unsigned held;

	/* No new sockets; those attached get sf_detach, later. */
	if (registered4) {
		sflt_unregister(HANDLE4);
		registered4 = 0;
	}
	if (registered6) {
		sflt_unregister(HANDLE6);
		registered6 = 0;
	}
	lck_mtx_lock(mtx);
	held = q_len + (unsigned)timer_armed;
	lck_mtx_unlock(mtx);
	if (held != 0 || unregistered < 2)
		return EBUSY;
	if (ctl_ref != NULL) {
		if (ctl_deregister(ctl_ref) != 0)
			return EBUSY; /* a client is still connected */
		ctl_ref = NULL;
	}
	release_resources();
	printf("tcplog: %d connections, %d records (%d lost), swallowed %d, re-injected %d, "
	       "failed %d\n",
	    (int)conns, (int)records, (int)records_lost, (int)swallowed, (int)reinjected,
	    (int)inject_failed);
	return KERN_SUCCESS;
}
