/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kpi_socket.c - the socket KPI (kernel world): what a socket filter does
 * with the sockets it sees (sock_getpeername, sock_getsockname,
 * sock_gettype, sock_retain/sock_release, sock_getsockopt/sock_setsockopt
 * through the filters' sf_getoption/sf_setoption, sock_ioctl through
 * sf_ioctl, sock_bind through sf_bind, sock_send/sock_sendmbuf like
 * sock_inject_data_out ...), and kernel sockets (sock_socket, sock_close)
 * as far as the simulated host has them.
 *
 * NKE-DIVERGENCE: a kernel socket exists (filters attach to it, options
 * and binding work) but never reaches the wire: sock_connect, sock_listen,
 * sock_accept, sock_send/sock_receive on it return ENOTSUP.  Receiving on
 * a socket inferred from the capture finds nothing (its application read
 * everything already).
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <sys/filio.h>
#include <sys/sockio.h>
#include <sys/ioccom.h>
#include <sys/time.h>
#include <netinet/tcp.h>

#include "sock_internal.h"

/* --- Addresses and type ----------------------------------------------------------- */

NKE_KPI errno_t
sock_getpeername(socket_t sock, struct sockaddr *peername, int peernamelen)
{
	struct __socket *so;
	int len;

	if (sock == NULL || peername == NULL || peernamelen < 0)
		return EINVAL;
	so = nke__so_valid(sock, "sock_getpeername");
	if (so == NULL)
		return EINVAL;
	if (!(so->so_state & (NKE_SS_ISCONNECTED | NKE_SS_ISCONFIRMING)) || !so->so_hasfaddr)
		return ENOTCONN;
	len = so->so_faddr.sa.sa_len < peernamelen ? so->so_faddr.sa.sa_len : peernamelen;
	memcpy(peername, &so->so_faddr, (size_t)len);
	return 0;
}

NKE_KPI errno_t
sock_getsockname(socket_t sock, struct sockaddr *sockname, int socknamelen)
{
	struct __socket *so;
	int len;

	if (sock == NULL || sockname == NULL || socknamelen < 0)
		return EINVAL;
	so = nke__so_valid(sock, "sock_getsockname");
	if (so == NULL)
		return EINVAL;
	len = so->so_laddr.sa.sa_len < socknamelen ? so->so_laddr.sa.sa_len : socknamelen;
	memcpy(sockname, &so->so_laddr, (size_t)len);
	return 0;
}

NKE_KPI errno_t
sock_gettype(socket_t sock, int *domain, int *type, int *protocol)
{
	struct __socket *so = nke__so_valid(sock, "sock_gettype");

	if (so == NULL)
		return EINVAL;
	if (domain != NULL)
		*domain = so->so_family;
	if (type != NULL)
		*type = so->so_type;
	if (protocol != NULL)
		*protocol = so->so_protocol;
	return 0;
}

NKE_KPI int
sock_isconnected(socket_t sock)
{
	struct __socket *so = nke__so_valid(sock, "sock_isconnected");

	return so != NULL && (so->so_state & NKE_SS_ISCONNECTED) != 0;
}

NKE_KPI int
sock_isnonblocking(socket_t sock)
{
	struct __socket *so = nke__so_valid(sock, "sock_isnonblocking");

	return so != NULL && (so->so_state & NKE_SS_NBIO) != 0;
}

NKE_KPI errno_t
sock_setpriv(socket_t sock, int on)
{
	struct __socket *so;

	if (sock == NULL)
		return EINVAL;
	so = nke__so_valid(sock, "sock_setpriv");
	if (so == NULL)
		return EINVAL;
	if (on)
		so->so_state |= NKE_SS_PRIV;
	else
		so->so_state &= ~(u_int32_t)NKE_SS_PRIV;
	return 0;
}

/* --- References ----------------------------------------------------------------- */

NKE_KPI void
sock_retain(socket_t sock)
{
	struct __socket *so = nke__so_valid(sock, "sock_retain");

	if (so != NULL)
		so->so_retaincnt++;
}

NKE_KPI void
sock_release(socket_t sock)
{
	struct __socket *so = nke__so_valid(sock, "sock_release");

	if (so == NULL)
		return;
	if (so->so_retaincnt <= 0)
		nke__panic("sock_release: negative retain count (%d) for so %u",
		           so->so_retaincnt - 1, so->so_id);
	so->so_retaincnt--;
	if (so->so_retaincnt == 0) {
		/* The kext's was the last reference: the socket goes now. */
		nke__so_ref(so);
		nke__so_unref(so);
	}
}

/* --- Options ---------------------------------------------------------------------- */

static int
opt_int_in(struct __sockopt *sopt, int *v)
{
	return sockopt_copyin(sopt, v, sizeof(*v));
}

static int
opt_int_out(struct __sockopt *sopt, int v)
{
	return sockopt_copyout(sopt, &v, sizeof(v));
}

static struct nke_soopt *
opt_find(struct __socket *so, int level, int name)
{
	u_int32_t i;

	for (i = 0; i < so->so_nopts; i++)
		if (so->so_opts[i].o_level == level && so->so_opts[i].o_name == name)
			return &so->so_opts[i];
	return NULL;
}

/* Defaults of options of other levels a kext may read without setting them. */
static int
opt_default(struct __socket *so, int level, int name, int *v)
{
	if (level == IPPROTO_TCP && so->so_protocol == IPPROTO_TCP) {
		switch (name) {
		case TCP_NODELAY:
		case TCP_NOPUSH:
		case TCP_NOOPT:
			*v = 0;
			return 1;
		case TCP_MAXSEG:
			*v = so->so_tcp.t_mss != 0 ? (int)so->so_tcp.t_mss : 1460;
			return 1;
		case TCP_KEEPALIVE:
			*v = 7200;
			return 1;
		}
		return 0;
	}
	if (level == IPPROTO_IP && so->so_family == AF_INET) {
		if (name == IP_TOS) {
			*v = 0;
			return 1;
		}
		if (name == IP_TTL) {
			*v = 64;
			return 1;
		}
	}
	if (level == IPPROTO_IPV6 && so->so_family == AF_INET6) {
		if (name == IPV6_UNICAST_HOPS) {
			*v = 64;
			return 1;
		}
		if (name == IPV6_V6ONLY) {
			*v = 0;
			return 1;
		}
	}
	return 0;
}

/* The protocol part of setsockopt (sosetoptlock after the filters). */
static int
so_setopt(struct __socket *so, struct __sockopt *sopt)
{
	int v = 0, error;

	if (sopt->sopt_level != SOL_SOCKET) {
		struct nke_soopt *o;

		if ((sopt->sopt_level == IPPROTO_TCP && so->so_protocol != IPPROTO_TCP) ||
		    (sopt->sopt_level != IPPROTO_TCP && sopt->sopt_level != IPPROTO_IP &&
		     sopt->sopt_level != IPPROTO_IPV6 && sopt->sopt_level != IPPROTO_UDP))
			return ENOPROTOOPT;
		error = opt_int_in(sopt, &v);
		if (error != 0)
			return error;
		o = opt_find(so, sopt->sopt_level, sopt->sopt_name);
		if (o == NULL) {
			if (so->so_nopts == NKE_OPT_MAX)
				return ENOBUFS; /* NKE-DIVERGENCE: a bounded option store */
			o = &so->so_opts[so->so_nopts++];
			o->o_level = sopt->sopt_level;
			o->o_name = sopt->sopt_name;
		}
		o->o_val = v;
		return 0;
	}
	switch (sopt->sopt_name) {
	case SO_NKE: {
		struct so_nke nke;

		error = sockopt_copyin(sopt, &nke, sizeof(nke));
		if (error != 0)
			return error;
		return nke__sflt_attach_handle(so, nke.nke_handle);
	}
	case SO_LINGER:
	case SO_LINGER_SEC: {
		struct linger l;

		error = sockopt_copyin(sopt, &l, sizeof(l));
		if (error != 0)
			return error;
		so->so_linger = sopt->sopt_name == SO_LINGER ? l.l_linger : l.l_linger * 100;
		if (l.l_onoff)
			so->so_options |= SO_LINGER;
		else
			so->so_options &= ~(u_int32_t)SO_LINGER;
		return 0;
	}
	case SO_DEBUG:
	case SO_KEEPALIVE:
	case SO_DONTROUTE:
	case SO_USELOOPBACK:
	case SO_BROADCAST:
	case SO_REUSEADDR:
	case SO_REUSEPORT:
	case SO_OOBINLINE:
	case SO_TIMESTAMP:
	case SO_TIMESTAMP_MONOTONIC:
	case SO_DONTTRUNC:
	case SO_WANTMORE:
	case SO_WANTOOBFLAG:
		error = opt_int_in(sopt, &v);
		if (error != 0)
			return error;
		if (v)
			so->so_options |= (u_int32_t)sopt->sopt_name;
		else
			so->so_options &= ~(u_int32_t)sopt->sopt_name;
		return 0;
	case SO_NOSIGPIPE:
		error = opt_int_in(sopt, &v);
		if (error != 0)
			return error;
		if (v)
			so->so_options |= NKE_SO_NOSIGPIPE;
		else
			so->so_options &= ~(u_int32_t)NKE_SO_NOSIGPIPE;
		return 0;
	case SO_SNDBUF:
	case SO_RCVBUF:
	case SO_SNDLOWAT:
	case SO_RCVLOWAT:
		error = opt_int_in(sopt, &v);
		if (error != 0)
			return error;
		if (v < 1)
			return EINVAL;
		if (sopt->sopt_name == SO_SNDBUF)
			so->so_sndbuf = v;
		else if (sopt->sopt_name == SO_RCVBUF)
			so->so_rcvbuf = v;
		else if (sopt->sopt_name == SO_SNDLOWAT)
			so->so_sndlowat = v;
		else
			so->so_rcvlowat = v;
		return 0;
	case SO_SNDTIMEO:
	case SO_RCVTIMEO: {
		struct timeval tv;

		error = sockopt_copyin(sopt, &tv, sizeof(tv));
		if (error != 0)
			return error;
		if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return EDOM;
		if (sopt->sopt_name == SO_SNDTIMEO)
			so->so_sndtimeo = tv;
		else
			so->so_rcvtimeo = tv;
		return 0;
	}
	default:
		return ENOPROTOOPT;
	}
}

/* The protocol part of getsockopt (sogetoptlock after the filters). */
static int
so_getopt(struct __socket *so, struct __sockopt *sopt)
{
	if (sopt->sopt_level != SOL_SOCKET) {
		struct nke_soopt *o = opt_find(so, sopt->sopt_level, sopt->sopt_name);
		int v;

		if (o != NULL)
			return opt_int_out(sopt, o->o_val);
		if (opt_default(so, sopt->sopt_level, sopt->sopt_name, &v))
			return opt_int_out(sopt, v);
		return ENOPROTOOPT;
	}
	switch (sopt->sopt_name) {
	case SO_LINGER:
	case SO_LINGER_SEC: {
		struct linger l;

		l.l_onoff = (so->so_options & SO_LINGER) != 0;
		l.l_linger = sopt->sopt_name == SO_LINGER ? so->so_linger : so->so_linger / 100;
		return sockopt_copyout(sopt, &l, sizeof(l));
	}
	case SO_DEBUG:
	case SO_KEEPALIVE:
	case SO_DONTROUTE:
	case SO_USELOOPBACK:
	case SO_BROADCAST:
	case SO_REUSEADDR:
	case SO_REUSEPORT:
	case SO_OOBINLINE:
	case SO_TIMESTAMP:
	case SO_TIMESTAMP_MONOTONIC:
	case SO_DONTTRUNC:
	case SO_WANTMORE:
	case SO_WANTOOBFLAG:
	case SO_ACCEPTCONN:
		return opt_int_out(sopt, (int)(so->so_options & (u_int32_t)sopt->sopt_name));
	case SO_NOSIGPIPE:
		return opt_int_out(sopt, (so->so_options & NKE_SO_NOSIGPIPE) != 0);
	case SO_TYPE:
		return opt_int_out(sopt, so->so_type);
	case SO_ERROR: {
		int e = so->so_error;

		so->so_error = 0;
		return opt_int_out(sopt, e);
	}
	case SO_SNDBUF:
		return opt_int_out(sopt, so->so_sndbuf);
	case SO_RCVBUF:
		return opt_int_out(sopt, so->so_rcvbuf);
	case SO_SNDLOWAT:
		return opt_int_out(sopt, so->so_sndlowat);
	case SO_RCVLOWAT:
		return opt_int_out(sopt, so->so_rcvlowat);
	case SO_NREAD:
	case SO_NWRITE:
		return opt_int_out(sopt, 0); /* the application keeps up */
	case SO_SNDTIMEO:
		return sockopt_copyout(sopt, &so->so_sndtimeo, sizeof(so->so_sndtimeo));
	case SO_RCVTIMEO:
		return sockopt_copyout(sopt, &so->so_rcvtimeo, sizeof(so->so_rcvtimeo));
	default:
		return ENOPROTOOPT;
	}
}

NKE_KPI errno_t
sock_setsockopt(socket_t sock, int level, int optname, const void *optval, int optlen)
{
	struct __socket *so;
	struct __sockopt sopt;
	struct nke_soctx sc;
	int error;

	if (sock == NULL)
		return EINVAL;
	so = nke__so_valid(sock, "sock_setsockopt");
	if (so == NULL)
		return EINVAL;
	memset(&sopt, 0, sizeof(sopt));
	sopt.sopt_dir = sockopt_set;
	sopt.sopt_level = level;
	sopt.sopt_name = optname;
	sopt.sopt_val = (void *)(uintptr_t)optval;
	sopt.sopt_valsize = optlen > 0 ? (size_t)optlen : 0;
	nke__so_enter(&sc, so);
	error = nke__sflt_setsockopt(so, &sopt);
	if (error == 0)
		error = so_setopt(so, &sopt);
	else if (error == EJUSTRETURN)
		error = 0;
	nke__so_leave(&sc);
	return error;
}

NKE_KPI errno_t
sock_getsockopt(socket_t sock, int level, int optname, void *optval, int *optlen)
{
	struct __socket *so;
	struct __sockopt sopt;
	struct nke_soctx sc;
	int error;

	if (sock == NULL)
		return EINVAL;
	so = nke__so_valid(sock, "sock_getsockopt");
	if (so == NULL)
		return EINVAL;
	memset(&sopt, 0, sizeof(sopt));
	sopt.sopt_dir = sockopt_get;
	sopt.sopt_level = level;
	sopt.sopt_name = optname;
	sopt.sopt_val = optval;
	sopt.sopt_valsize = optlen != NULL && *optlen > 0 ? (size_t)*optlen : 0;
	nke__so_enter(&sc, so);
	error = nke__sflt_getsockopt(so, &sopt);
	if (error == 0)
		error = so_getopt(so, &sopt);
	else if (error == EJUSTRETURN)
		error = 0;
	nke__so_leave(&sc);
	if (optlen != NULL)
		*optlen = (int)sopt.sopt_valsize;
	return error;
}

/* --- ioctl --------------------------------------------------------------------------- */

NKE_KPI errno_t
sock_ioctl(socket_t sock, unsigned long request, void *argp)
{
	struct __socket *so;
	struct nke_soctx sc;
	int error = 0;
	char group = (char)IOCGROUP(request);

	if (sock == NULL)
		return EINVAL;
	so = nke__so_valid(sock, "sock_ioctl");
	if (so == NULL)
		return EINVAL;
	nke__so_enter(&sc, so);
	/* Interface and route ioctls do not go through the filters. */
	if (group != 'i' && group != 'r') {
		error = nke__sflt_ioctl(so, request, argp);
		if (error != 0) {
			nke__so_leave(&sc);
			return error == EJUSTRETURN ? 0 : error;
		}
	}
	switch (request) {
	case FIONBIO:
		if (argp != NULL && *(int *)argp)
			so->so_state |= NKE_SS_NBIO;
		else
			so->so_state &= ~(u_int32_t)NKE_SS_NBIO;
		break;
	case FIOASYNC:
		break;
	case FIONREAD:
	case SIOCATMARK:
		if (argp != NULL)
			*(int *)argp = 0;
		break;
	default:
		error = EOPNOTSUPP;
		break;
	}
	nke__so_leave(&sc);
	return error;
}

/* --- Binding, connecting, listening ------------------------------------------------------ */

NKE_KPI errno_t
sock_bind(socket_t sock, const struct sockaddr *to)
{
	struct __socket *so;
	struct nke_soctx sc;
	int error;

	if (sock == NULL || to == NULL)
		return EINVAL;
	so = nke__so_valid(sock, "sock_bind");
	if (so == NULL)
		return EINVAL;
	nke__so_enter(&sc, so);
	error = nke__sflt_bind(so, to);
	if (error == 0) {
		/* in_pcbbind */
		if (so->so_nkflags & NKE_SOF_BOUND)
			error = EINVAL;
		else if (to->sa_family != so->so_family ||
		         to->sa_len < (so->so_family == AF_INET6 ? sizeof(struct sockaddr_in6)
		                                                 : sizeof(struct sockaddr_in)))
			error = EAFNOSUPPORT;
		else {
			memcpy(&so->so_laddr, to,
			       so->so_family == AF_INET6 ? sizeof(struct sockaddr_in6)
			                                 : sizeof(struct sockaddr_in));
			nke__so_bound(so);
		}
	} else if (error == EJUSTRETURN) {
		error = 0;
	}
	nke__so_leave(&sc);
	return error;
}

NKE_KPI errno_t
sock_connect(socket_t sock, const struct sockaddr *to, int flags)
{
	struct __socket *so;

	(void)flags;
	if (sock == NULL || to == NULL)
		return EINVAL;
	so = nke__so_valid(sock, "sock_connect");
	if (so == NULL)
		return EINVAL;
	if (so->so_state & (NKE_SS_ISCONNECTED | NKE_SS_ISCONNECTING))
		return EISCONN;
	return ENOTSUP; /* NKE-DIVERGENCE: see the file comment */
}

NKE_KPI errno_t
sock_listen(socket_t sock, int backlog)
{
	struct __socket *so;

	(void)backlog;
	if (sock == NULL)
		return EINVAL;
	so = nke__so_valid(sock, "sock_listen");
	if (so == NULL)
		return EINVAL;
	if (so->so_state & (NKE_SS_ISCONNECTED | NKE_SS_ISCONNECTING | NKE_SS_ISDISCONNECTING))
		return EINVAL;
	return ENOTSUP; /* NKE-DIVERGENCE: see the file comment */
}

NKE_KPI errno_t
sock_accept(socket_t sock, struct sockaddr *from, int fromlen, int flags, sock_upcall callback,
            void *cookie, socket_t *new_so)
{
	(void)from;
	(void)fromlen;
	(void)flags;
	(void)callback;
	(void)cookie;
	if (new_so != NULL)
		*new_so = NULL;
	if (sock == NULL || new_so == NULL)
		return EINVAL;
	if (nke__so_valid(sock, "sock_accept") == NULL)
		return EINVAL;
	return ENOTSUP; /* NKE-DIVERGENCE: see the file comment */
}

NKE_KPI errno_t
sock_shutdown(socket_t sock, int how)
{
	struct __socket *so;
	struct nke_soctx sc;
	int error = 0;

	if (sock == NULL)
		return EINVAL;
	so = nke__so_valid(sock, "sock_shutdown");
	if (so == NULL)
		return EINVAL;
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return EINVAL;
	if (!(so->so_state & (NKE_SS_ISCONNECTED | NKE_SS_ISCONNECTING | NKE_SS_ISDISCONNECTING)))
		return ENOTCONN;
	/*
	 * NKE-DIVERGENCE: the socket's state and events change as in XNU, but
	 * no FIN goes out (the capture decides what is on the wire).
	 */
	nke__so_enter(&sc, so);
	nke__sflt_notify(so, sock_evt_shutdown, &how);
	if (how != SHUT_WR) {
		if (so->so_state & NKE_SS_CANTRCVMORE) {
			error = ENOTCONN;
			goto out;
		}
		nke__sflt_notify(so, sock_evt_flush_read, NULL);
		nke__socantrcvmore(so);
	}
	if (how != SHUT_RD) {
		if (so->so_state & NKE_SS_CANTSENDMORE) {
			error = ENOTCONN;
			goto out;
		}
		nke__socantsendmore(so);
	}
out:
	nke__so_leave(&sc);
	return error;
}

/* --- Kernel sockets ------------------------------------------------------------------------ */

NKE_KPI errno_t
sock_socket(int domain, int type, int protocol, sock_upcall callback, void *cookie,
            socket_t *new_so)
{
	struct __socket *so;
	struct nke_soctx sc;

	(void)callback;
	(void)cookie;
	if (new_so == NULL)
		return EINVAL;
	*new_so = NULL;
	if (domain != PF_INET && domain != PF_INET6)
		return EAFNOSUPPORT; /* NKE-DIVERGENCE: only Internet sockets exist here */
	if (protocol == 0)
		protocol = type == SOCK_STREAM ? IPPROTO_TCP : type == SOCK_DGRAM ? IPPROTO_UDP : 0;
	if (!((type == SOCK_STREAM && protocol == IPPROTO_TCP) ||
	      (type == SOCK_DGRAM && protocol == IPPROTO_UDP)))
		return EPROTONOSUPPORT;
	so = nke__so_create(domain, type, protocol, NULL, 1);
	if (so == NULL)
		return ENOBUFS;
	nke__so_enter(&sc, so);
	nke__sflt_initsock(so);
	nke__so_leave(&sc);
	*new_so = so;
	return 0;
}

NKE_KPI void
sock_close(socket_t sock)
{
	struct __socket *so = nke__so_valid(sock, "sock_close");
	struct nke_soctx sc;

	if (so == NULL)
		return;
	if (!(so->so_nkflags & NKE_SOF_KERNEL)) {
		nke__report("sock-close-not-kernel",
		            "sock_close on socket %u, which belongs to an application (only sockets "
		            "from sock_socket/sock_accept may be closed by a kext)",
		            so->so_id);
		return;
	}
	if (so->so_state & NKE_SS_NOFDREF) {
		nke__report("sock-close-twice", "sock_close: socket %u closed twice", so->so_id);
		return;
	}
	nke__so_enter(&sc, so);
	nke__sflt_notify(so, sock_evt_closing, NULL);
	nke__so_app_closed(so);
	nke__so_pcb_gone(so);
	nke__so_leave(&sc);
}

/* --- Data ------------------------------------------------------------------------------------ */

NKE_KPI errno_t
sock_sendmbuf(socket_t sock, const struct msghdr *msg, mbuf_t data, int flags, size_t *sentlen)
{
	struct __socket *so;
	struct nke_soctx sc;
	const struct sockaddr *to = NULL;
	size_t len;
	int error;

	if (sentlen != NULL)
		*sentlen = 0;
	so = sock != NULL ? nke__so_valid(sock, "sock_sendmbuf") : NULL;
	if (so == NULL || data == NULL) {
		if (data != NULL)
			nke__m_freem(data);
		return EINVAL;
	}
	if (so->so_nkflags & NKE_SOF_KERNEL) {
		nke__m_freem(data);
		return ENOTSUP; /* NKE-DIVERGENCE: see the file comment */
	}
	if (msg != NULL && msg->msg_name != NULL)
		to = msg->msg_name;
	if (!(data->m_flags & M_PKTHDR)) {
		nke__report("inject-no-pkthdr", "sock_sendmbuf: data without a packet header");
		nke__m_freem(data);
		return EINVAL;
	}
	data->m_pkthdr.len = (int32_t)nke__m_length(data);
	len = (size_t)data->m_pkthdr.len;
	NKE_PC(data)->pc_flags |= NKE_PC_INJECTED;
	nke__so_enter(&sc, so);
	error = nke__so_send(so, to, data, NULL,
	                     (flags & MSG_OOB) ? sock_data_filt_flag_oob : 0, NULL);
	nke__so_leave(&sc);
	if (error == 0 && sentlen != NULL)
		*sentlen = len;
	return error;
}

NKE_KPI errno_t
sock_send(socket_t sock, const struct msghdr *msg, int flags, size_t *sentlen)
{
	struct __mbuf *m, *n, **tail;
	size_t total = 0;
	int i;

	if (sentlen != NULL)
		*sentlen = 0;
	if (sock == NULL || msg == NULL || (msg->msg_iovlen > 0 && msg->msg_iov == NULL))
		return EINVAL;
	if (nke__so_valid(sock, "sock_send") == NULL)
		return EINVAL;
	m = nke__m_gethdr(M_WAIT, MT_DATA);
	if (m == NULL)
		return ENOBUFS;
	m->m_len = 0;
	tail = &m->m_next;
	for (i = 0; i < msg->msg_iovlen; i++) {
		const u_int8_t *p = msg->msg_iov[i].iov_base;
		size_t left = msg->msg_iov[i].iov_len;

		while (left > 0) {
			size_t k = left < NKE_MCLBYTES ? left : NKE_MCLBYTES;

			n = nke__m_getcl(M_WAIT, MT_DATA, 0, NKE_MCLBYTES);
			if (n == NULL) {
				nke__m_freem(m);
				return ENOBUFS;
			}
			memcpy(n->m_data, p, k);
			n->m_len = (int32_t)k;
			*tail = n;
			tail = &n->m_next;
			p += k;
			left -= k;
			total += k;
		}
	}
	m->m_pkthdr.len = (int32_t)total;
	return sock_sendmbuf(sock, msg, m, flags, sentlen);
}

NKE_KPI errno_t
sock_receive(socket_t sock, struct msghdr *msg, int flags, size_t *recvdlen)
{
	struct __socket *so;

	(void)msg;
	if (recvdlen != NULL)
		*recvdlen = 0;
	if (sock == NULL)
		return EINVAL;
	so = nke__so_valid(sock, "sock_receive");
	if (so == NULL)
		return EINVAL;
	/* The application already read everything; nothing to wait for here. */
	if ((flags & MSG_DONTWAIT) || (so->so_state & NKE_SS_NBIO))
		return EWOULDBLOCK;
	return ENOTSUP; /* NKE-DIVERGENCE: a blocking receive would never end */
}

NKE_KPI errno_t
sock_receivembuf(socket_t sock, struct msghdr *msg, mbuf_t *data, int flags, size_t *recvlen)
{
	if (data != NULL)
		*data = NULL;
	return sock_receive(sock, msg, flags, recvlen);
}
