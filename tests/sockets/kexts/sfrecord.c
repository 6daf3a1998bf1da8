/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sfrecord.c - test kext (kernel world): SFLT_GLOBAL socket filters for
 * TCP and UDP over IPv4 and IPv6 with every callback of struct sflt_filter
 * (SFLT_EXTENDED, so sf_accept too), all passing everything through.  The
 * simulator writes one verdict line per callback with its arguments, so a
 * replay's log is the callback sequence the goldens of tests/sockets hold.
 * The kext also checks what it can see on its own: the socket of every
 * callback is the one it attached to, getpeername/getsockname answer
 * within callbacks, and the current process is the socket's owner; it
 * prints a line to the console when something is off ("sfrecord: BAD").
 * Stopping unregisters the four filters and waits for sf_unregistered.
 */
#include <mach/mach_types.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/proc.h>
#include <sys/kpi_mbuf.h>
#include <sys/kpi_socket.h>
#include <sys/kpi_socketfilter.h>
#include <netinet/in.h>
#include <libkern/OSMalloc.h>

kern_return_t sfrecord_start(kmod_info_t *ki, void *d);
kern_return_t sfrecord_stop(kmod_info_t *ki, void *d);

#define REC_BASE 0x52454300u /* "REC\0" */

struct rec_cookie {
	socket_t rc_so;
	unsigned rc_magic;
	pid_t rc_pid;
};

static OSMallocTag rec_tag;
static int registered[4], unregistered[4];
static unsigned long attaches, detaches, bad;

static void
rec_bad(const char *what)
{
	bad++;
	printf("sfrecord: BAD %s\n", what);
}

static struct rec_cookie *
rec_check(void *cookie, socket_t so, const char *who)
{
	struct rec_cookie *c = cookie;

	if (c == NULL || c->rc_magic != 0x5245434fu || c->rc_so != so) {
		rec_bad(who);
		return NULL;
	}
	if (proc_selfpid() != c->rc_pid)
		rec_bad("current process changed");
	return c;
}

static errno_t
rec_attach(void **cookie, socket_t so)
{
	struct rec_cookie *c = OSMalloc(sizeof(*c), rec_tag);

	if (c == NULL)
		return ENOMEM;
	c->rc_so = so;
	c->rc_magic = 0x5245434fu;
	c->rc_pid = proc_selfpid();
	*cookie = c;
	attaches++;
	return 0;
}

static void
rec_detach(void *cookie, socket_t so)
{
	struct rec_cookie *c = cookie;

	if (c == NULL || c->rc_magic != 0x5245434fu || c->rc_so != so)
		rec_bad("detach");
	if (c != NULL) {
		c->rc_magic = 0;
		OSFree(c, sizeof(*c), rec_tag);
	}
	detaches++;
}

static void
rec_unregistered(sflt_handle handle)
{
	if (handle >= REC_BASE && handle < REC_BASE + 4)
		unregistered[handle - REC_BASE] = 1;
}

static void
rec_notify(void *cookie, socket_t so, sflt_event_t event, void *param)
{
	struct sockaddr_storage ss;

	rec_check(cookie, so, "notify");
	if (event == sock_evt_connected && sock_getpeername(so, (struct sockaddr *)&ss,
	                                                    sizeof(ss)) != 0)
		rec_bad("getpeername after connected");
	if (event == sock_evt_bound &&
	    sock_getsockname(so, (struct sockaddr *)&ss, sizeof(ss)) != 0)
		rec_bad("getsockname after bound");
}

static int
rec_getpeername(void *cookie, socket_t so, struct sockaddr **sa)
{
	rec_check(cookie, so, "getpeername");
	return 0;
}

static int
rec_getsockname(void *cookie, socket_t so, struct sockaddr **sa)
{
	rec_check(cookie, so, "getsockname");
	return 0;
}

static errno_t
rec_data_in(void *cookie, socket_t so, const struct sockaddr *from, mbuf_t *data, mbuf_t *control,
            sflt_data_flag_t flags)
{
	rec_check(cookie, so, "data_in");
	if (!(mbuf_flags(*data) & MBUF_PKTHDR))
		rec_bad("data_in without a packet header");
	return 0;
}

static errno_t
rec_data_out(void *cookie, socket_t so, const struct sockaddr *to, mbuf_t *data, mbuf_t *control,
             sflt_data_flag_t flags)
{
	rec_check(cookie, so, "data_out");
	if (control == NULL)
		rec_bad("data_out without a control pointer");
	return 0;
}

static errno_t
rec_connect_in(void *cookie, socket_t so, const struct sockaddr *from)
{
	rec_check(cookie, so, "connect_in");
	return 0;
}

static errno_t
rec_connect_out(void *cookie, socket_t so, const struct sockaddr *to)
{
	rec_check(cookie, so, "connect_out");
	return 0;
}

static errno_t
rec_bind(void *cookie, socket_t so, const struct sockaddr *to)
{
	rec_check(cookie, so, "bind");
	return 0;
}

static errno_t
rec_setoption(void *cookie, socket_t so, sockopt_t opt)
{
	rec_check(cookie, so, "setoption");
	return 0;
}

static errno_t
rec_getoption(void *cookie, socket_t so, sockopt_t opt)
{
	rec_check(cookie, so, "getoption");
	return 0;
}

static errno_t
rec_listen(void *cookie, socket_t so)
{
	rec_check(cookie, so, "listen");
	return 0;
}

static errno_t
rec_ioctl(void *cookie, socket_t so, unsigned long request, const char *argp)
{
	rec_check(cookie, so, "ioctl");
	return 0;
}

static errno_t
rec_accept(void *cookie, socket_t so_listen, socket_t so, const struct sockaddr *local,
           const struct sockaddr *remote)
{
	rec_check(cookie, so, "accept");
	if (local == NULL || remote == NULL || so_listen == NULL)
		rec_bad("accept arguments");
	return 0;
}

static struct sflt_filter rec_filters[4];
static const char *const rec_names[4] = {"rec.tcp4", "rec.tcp6", "rec.udp4", "rec.udp6"};

kern_return_t
sfrecord_start(kmod_info_t *ki, void *d)
{
	static const int dom[4] = {PF_INET, PF_INET6, PF_INET, PF_INET6};
	static const int type[4] = {SOCK_STREAM, SOCK_STREAM, SOCK_DGRAM, SOCK_DGRAM};
	static const int proto[4] = {IPPROTO_TCP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDP};
	unsigned i;

	(void)ki;
	(void)d;
	rec_tag = OSMalloc_Tagalloc("com.nkesim.test.sfrecord", OSMT_DEFAULT);
	if (rec_tag == NULL)
		return KERN_FAILURE;
	for (i = 0; i < 4; i++) {
		struct sflt_filter *f = &rec_filters[i];

		f->sf_handle = REC_BASE + i;
		f->sf_flags = SFLT_GLOBAL | SFLT_EXTENDED;
		f->sf_name = (char *)(uintptr_t)rec_names[i];
		f->sf_unregistered = rec_unregistered;
		f->sf_attach = rec_attach;
		f->sf_detach = rec_detach;
		f->sf_notify = rec_notify;
		f->sf_getpeername = rec_getpeername;
		f->sf_getsockname = rec_getsockname;
		f->sf_data_in = rec_data_in;
		f->sf_data_out = rec_data_out;
		f->sf_connect_in = rec_connect_in;
		f->sf_connect_out = rec_connect_out;
		f->sf_bind = rec_bind;
		f->sf_setoption = rec_setoption;
		f->sf_getoption = rec_getoption;
		f->sf_listen = rec_listen;
		f->sf_ioctl = rec_ioctl;
		f->sf_len = sizeof(struct sflt_filter_ext);
		f->sf_accept = rec_accept;
		if (sflt_register(f, dom[i], type[i], proto[i]) != 0) {
			printf("sfrecord: sflt_register %s failed\n", rec_names[i]);
			return KERN_FAILURE;
		}
		registered[i] = 1;
	}
	return KERN_SUCCESS;
}

kern_return_t
sfrecord_stop(kmod_info_t *ki, void *d)
{
	unsigned i;

	(void)ki;
	(void)d;
	for (i = 0; i < 4; i++) {
		if (registered[i]) {
			sflt_unregister(REC_BASE + i);
			registered[i] = 0;
		}
	}
	for (i = 0; i < 4; i++)
		if (!unregistered[i])
			return EBUSY;
	printf("sfrecord: %lu attached, %lu detached, %lu problems\n", attaches, detaches, bad);
	OSMalloc_Tagfree(rec_tag);
	return KERN_SUCCESS;
}
