/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sock_testutil.h - helpers for kernel-world tests of the socket layer: a
 * configurable socket filter (four instances, letters A-D) that logs its
 * callbacks as "A.attach A.connected ..." and can drop, keep, detach
 * itself, refuse or redirect; setup/teardown that start and stop the socket
 * layer around a case.  Include once per test executable (everything is
 * static).
 */
#ifndef SOCK_TESTUTIL_H_
#define SOCK_TESTUTIL_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <sys/proc.h>
#include <sys/kauth.h>
#include <sys/kpi_mbuf.h>
#include <sys/kpi_socket.h>
#include <sys/kpi_socketfilter.h>
#include <netinet/in.h>

#include "nkt_kext.h"
#include "sock_internal.h"

#define ST_UNUSED __attribute__((unused))

/* --- A configurable filter that logs its callbacks ------------------------------ */

enum { M_PASS = 0, M_DROP, M_KEEP, M_DETACH_SELF, M_REPLACE };

/* What M_REPLACE puts in place of the data. */
static const char *replace_with = "";

struct tf {
	char letter;
	sflt_handle handle;
	int attach_ret;
	int data_in_mode, data_out_mode, connect_out_mode, notify_detach;
	int attached, detached, unregistered;
	socket_t last_so;
	mbuf_t kept[32];
	int nkept;
	/* Bytes the data callbacks passed on (M_PASS), concatenated. */
	u_int8_t bytes[2][8192];
	u_int32_t nbytes[2];
	u_int32_t first_mlen[2]; /* mbuf_len of the first mbuf at the last call */
	struct sflt_filter f;
	char name[16];
};

static struct tf tfs[4];
static char evlog[4096];
static size_t evlen;
static union nke_sa redirect_to;

static void
ev(struct tf *t, const char *what)
{
	size_t n = strlen(what);

	if (evlen + n + 3 >= sizeof(evlog))
		return;
	if (evlen > 0)
		evlog[evlen++] = ' ';
	evlog[evlen++] = t->letter;
	evlog[evlen++] = '.';
	memcpy(evlog + evlen, what, n);
	evlen += n;
	evlog[evlen] = '\0';
}

static ST_UNUSED void
ev_reset(void)
{
	evlen = 0;
	evlog[0] = '\0';
}

static struct tf *
tf_of(sflt_handle h)
{
	unsigned i;

	for (i = 0; i < 4; i++)
		if (tfs[i].handle == h)
			return &tfs[i];
	return NULL;
}

static void
t_unregistered(sflt_handle h)
{
	struct tf *t = tf_of(h);

	t->unregistered++;
	ev(t, "unregistered");
}

/* A plain sf_attach for records that are only registered (error cases). */
static ST_UNUSED errno_t
t_attach(void **cookie, socket_t so)
{
	(void)so;
	*cookie = NULL;
	return 0;
}

/* Each filter gets its own attach through a small trampoline (cookie = its tf). */
#define TF_ATTACH(n)                                                                       \
	static errno_t t_attach##n(void **cookie, socket_t so)                             \
	{                                                                                  \
		struct tf *t = &tfs[n];                                                    \
		*cookie = t;                                                               \
		t->last_so = so;                                                           \
		ev(t, "attach");                                                           \
		if (t->attach_ret == 0)                                                    \
			t->attached++;                                                     \
		return t->attach_ret;                                                      \
	}
TF_ATTACH(0)
TF_ATTACH(1)
TF_ATTACH(2)
TF_ATTACH(3)
static errno_t (*const attach_fns[4])(void **, socket_t) = {t_attach0, t_attach1, t_attach2,
                                                            t_attach3};

static void
t_detach(void *cookie, socket_t so)
{
	struct tf *t = cookie;

	(void)so;
	t->detached++;
	ev(t, "detach");
}

static void
t_notify(void *cookie, socket_t so, sflt_event_t event, void *param)
{
	static const char *const n[] = {"0",          "connecting",   "connected",
	                                "disconnecting", "disconnected", "flush_read",
	                                "shutdown",   "cantrecvmore", "cantsendmore",
	                                "closing",    "bound"};
	struct tf *t = cookie;
	char b[32];

	(void)param;
	strlcpy(b, event < 11 ? n[event] : "?", sizeof(b));
	ev(t, b);
	if (t->notify_detach != 0 && (int)event == t->notify_detach)
		(void)sflt_detach(so, t->handle);
}

static errno_t
t_data(struct tf *t, socket_t so, mbuf_t *data, mbuf_t *control, int mode, const char *what)
{
	int out = what[0] == 'o';

	ev(t, what);
	if (mode == M_PASS || mode == M_DETACH_SELF) {
		size_t n = mbuf_pkthdr_len(*data);

		t->first_mlen[out] = (u_int32_t)mbuf_len(*data);
		if (t->nbytes[out] + n <= sizeof(t->bytes[out])) {
			KT_ASSERT_EQ(mbuf_copydata(*data, 0, n, t->bytes[out] + t->nbytes[out]), 0);
			t->nbytes[out] += (u_int32_t)n;
		}
	}
	switch (mode) {
	case M_DROP:
		return EPERM;
	case M_KEEP:
		if (t->nkept < 32) {
			t->kept[t->nkept++] = *data;
			if (control != NULL && *control != NULL) {
				mbuf_freem(*control);
				*control = NULL;
			}
			return EJUSTRETURN;
		}
		return 0;
	case M_DETACH_SELF:
		(void)sflt_detach(so, t->handle);
		return 0;
	case M_REPLACE: {
		mbuf_t n;
		size_t len = strlen(replace_with);

		KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, len, NULL, &n), 0);
		KT_ASSERT_EQ(mbuf_copyback(n, 0, len, replace_with, MBUF_WAITOK), 0);
		mbuf_freem(*data);
		*data = n;
		return 0;
	}
	default:
		return 0;
	}
}

static errno_t
t_data_in(void *cookie, socket_t so, const struct sockaddr *from, mbuf_t *data, mbuf_t *control,
          sflt_data_flag_t flags)
{
	struct tf *t = cookie;

	(void)from;
	(void)flags;
	return t_data(t, so, data, control, t->data_in_mode, "in");
}

static errno_t
t_data_out(void *cookie, socket_t so, const struct sockaddr *to, mbuf_t *data, mbuf_t *control,
           sflt_data_flag_t flags)
{
	struct tf *t = cookie;

	(void)to;
	(void)flags;
	return t_data(t, so, data, control, t->data_out_mode, "out");
}

static errno_t
t_connect_out(void *cookie, socket_t so, const struct sockaddr *to)
{
	struct tf *t = cookie;

	(void)so;
	ev(t, "connect_out");
	if (t->connect_out_mode == -1) {
		/* Rewrite the destination through the (const) pointer: kexts do. */
		memcpy((void *)(uintptr_t)to, &redirect_to, to->sa_len);
		return 0;
	}
	return t->connect_out_mode;
}

static errno_t
t_connect_in(void *cookie, socket_t so, const struct sockaddr *from)
{
	struct tf *t = cookie;

	(void)so;
	(void)from;
	ev(t, "connect_in");
	return t->connect_out_mode == EPERM ? EPERM : 0;
}

static errno_t
t_bind(void *cookie, socket_t so, const struct sockaddr *to)
{
	(void)so;
	(void)to;
	ev(cookie, "bind");
	return 0;
}

static errno_t
t_listen(void *cookie, socket_t so)
{
	(void)so;
	ev(cookie, "listen");
	return 0;
}

static errno_t
t_accept(void *cookie, socket_t lso, socket_t so, const struct sockaddr *local,
         const struct sockaddr *remote)
{
	struct tf *t = cookie;

	(void)lso;
	(void)so;
	(void)local;
	(void)remote;
	ev(t, "accept");
	return 0;
}

static errno_t
t_setopt(void *cookie, socket_t so, sockopt_t opt)
{
	struct tf *t = cookie;
	int v = 0;

	(void)so;
	ev(t, "setopt");
	if (sockopt_level(opt) == SOL_SOCKET && sockopt_name(opt) == SO_KEEPALIVE) {
		KT_ASSERT_EQ(sockopt_direction(opt), sockopt_set);
		KT_ASSERT_EQ(sockopt_valsize(opt), sizeof(int));
		KT_ASSERT_EQ(sockopt_copyin(opt, &v, sizeof(v)), 0);
		if (v == 42)
			return EJUSTRETURN; /* swallowed: nothing else sees it */
	}
	return 0;
}

static errno_t
t_getopt(void *cookie, socket_t so, sockopt_t opt)
{
	struct tf *t = cookie;

	(void)so;
	ev(t, "getopt");
	if (sockopt_level(opt) == 0x1234) {
		int v = 77;

		KT_ASSERT_EQ(sockopt_direction(opt), sockopt_get);
		KT_ASSERT_EQ(sockopt_copyout(opt, &v, sizeof(v)), 0);
		return EJUSTRETURN;
	}
	return 0;
}

/* Register filter n (letter A+n) for TCP over IPv4. */
static ST_UNUSED struct tf *
tf_register(unsigned n, int flags, int domain, int type, int proto)
{
	struct tf *t = &tfs[n];

	memset(&t->f, 0, sizeof(t->f));
	t->letter = (char)('A' + n);
	t->handle = 0x54460000u + n;
	nke__snprintf(t->name, sizeof(t->name), "tf.%c", t->letter);
	t->f.sf_handle = t->handle;
	t->f.sf_flags = flags | SFLT_EXTENDED;
	t->f.sf_name = t->name;
	t->f.sf_unregistered = t_unregistered;
	t->f.sf_attach = attach_fns[n];
	t->f.sf_detach = t_detach;
	t->f.sf_notify = t_notify;
	t->f.sf_data_in = t_data_in;
	t->f.sf_data_out = t_data_out;
	t->f.sf_connect_in = t_connect_in;
	t->f.sf_connect_out = t_connect_out;
	t->f.sf_bind = t_bind;
	t->f.sf_listen = t_listen;
	t->f.sf_setoption = t_setopt;
	t->f.sf_getoption = t_getopt;
	t->f.sf_len = sizeof(struct sflt_filter_ext);
	t->f.sf_accept = t_accept;
	KT_ASSERT_EQ(sflt_register(&t->f, domain, type, proto), 0);
	return t;
}

static ST_UNUSED void
setup(void)
{
	memset(tfs, 0, sizeof(tfs));
	ev_reset();
	nke__sock_init();
	(void)nkt_host_up();
}

static ST_UNUSED void
teardown(void)
{
	unsigned i;

	nke__sock_close_all();
	for (i = 0; i < 4; i++) {
		while (tfs[i].nkept > 0)
			mbuf_freem(tfs[i].kept[--tfs[i].nkept]);
		if (tfs[i].handle != 0)
			(void)sflt_unregister(tfs[i].handle);
	}
	nke__sflt_cleanup_run();
	nke__sock_fini();
}

/* A connection from the host (10.0.0.1:40000) to the peer (10.0.0.2:80), established. */
static ST_UNUSED void
connect_out(void)
{
	nkt_sendf("ipv4 10.0.0.1:40000 > 10.0.0.2:80 tcp syn seq=1000");
	nkt_sendf("ipv4 10.0.0.2:80 > 10.0.0.1:40000 tcp syn ack=1001 seq=5000");
	nkt_sendf("ipv4 10.0.0.1:40000 > 10.0.0.2:80 tcp ack=5001 seq=1001");
}

/* --- Reading what left the host ---------------------------------------------- */

/* An emitted Ethernet + IPv4 + TCP frame, parsed; checksums checked. */
struct seginfo {
	u_int32_t seq, ack;
	u_int8_t flags;
	u_int16_t sport, dport;
	u_int8_t dst[4];
	u_int32_t plen;
	const u_int8_t *payload;
	int sums_ok;
	int injected;
	u_int64_t index;
};

static ST_UNUSED int
seg_of(const struct nkt_emit *e, struct seginfo *si)
{
	const u_int8_t *ip = e->data + 14, *th;
	u_int32_t hl, tl, thl;

	memset(si, 0, sizeof(*si));
	if (e->e.em_len < 54 || nkt_get16(e->data + 12) != 0x0800 || ip[9] != 6)
		return 0;
	hl = (u_int32_t)(ip[0] & 0x0f) * 4;
	tl = nkt_get16(ip + 2);
	th = ip + hl;
	thl = (u_int32_t)(th[12] >> 4) * 4;
	si->seq = (u_int32_t)th[4] << 24 | (u_int32_t)th[5] << 16 | (u_int32_t)th[6] << 8 | th[7];
	si->ack = (u_int32_t)th[8] << 24 | (u_int32_t)th[9] << 16 | (u_int32_t)th[10] << 8 | th[11];
	si->flags = th[13];
	si->sport = (u_int16_t)nkt_get16(th);
	si->dport = (u_int16_t)nkt_get16(th + 2);
	memcpy(si->dst, ip + 16, 4);
	si->plen = tl - hl - thl;
	si->payload = th + thl;
	si->sums_ok = nkt_get16(ip + 10) == nkt_cksum_ip4(ip) &&
	              nkt_get16(th + 16) == nkt_cksum_l4(ip + 12, ip + 16, 4, 6, th, tl - hl, 16);
	si->injected = (e->e.em_flags & NKS_EMIT_INJECTED) != 0;
	si->index = e->e.em_index;
	return 1;
}

/* The outbound TCP segments emitted since recording was reset, in order. */
static ST_UNUSED unsigned
out_segs(struct seginfo *out, unsigned max)
{
	unsigned i, n = 0;

	for (i = 0; i < nkt_nemits && n < max; i++)
		if (nkt_emits[i].e.em_dir == NKS_DIR_OUT && seg_of(&nkt_emits[i], &out[n]))
			n++;
	return n;
}

/* The last verdict of the socket layer (NKS_HOOK_SOCKET) whose detail starts with w. */
static ST_UNUSED const struct nkt_verdict *
sock_note(const char *w)
{
	unsigned i;

	for (i = nkt_nverdicts; i-- > 0;)
		if (nkt_verdicts[i].v.vd_hook == NKS_HOOK_SOCKET &&
		    strncmp(nkt_verdicts[i].detail, w, strlen(w)) == 0)
			return &nkt_verdicts[i];
	return NULL;
}

#endif /* SOCK_TESTUTIL_H_ */
