/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/kpi_socketfilter.h> - the socket filter KPI (kernel world).
 *
 * A socket filter is a set of callbacks registered for a (domain, type,
 * protocol) triple; it sees data, connection events and option/ioctl calls
 * of the sockets it is attached to.  struct sflt_filter is filled with
 * positional initialisers by real kexts, so its field order is Apple's and
 * must not change; the trailing sf_ext block is zero when an initialiser
 * stops before it.
 */
#ifndef __KPI_SOCKETFILTER__
#define __KPI_SOCKETFILTER__

#include <sys/kernel_types.h>
#include <sys/kpi_socket.h>
#include <sys/ioccom.h>

struct sockaddr;

/* sf_flags */
enum {
	SFLT_GLOBAL = 0x01,           /* attach to every new matching socket */
	SFLT_PROG = 0x02,             /* attach only on request (SO_NKE) */
	SFLT_EXTENDED = 0x04,         /* sf_ext is valid */
	SFLT_EXTENDED_REGISTRY = 0x08 /* also attach to existing sockets */
};
typedef u_int32_t sflt_flags;

/* Filter identifier, chosen by the developer: unique among ALL filters. */
typedef u_int32_t sflt_handle;

/* sf_notify events */
enum {
	sock_evt_connecting = 1,
	sock_evt_connected = 2,
	sock_evt_disconnecting = 3,
	sock_evt_disconnected = 4,
	sock_evt_flush_read = 5,
	sock_evt_shutdown = 6, /* param: int *, the shutdown() direction */
	sock_evt_cantrecvmore = 7,
	sock_evt_cantsendmore = 8,
	sock_evt_closing = 9,
	sock_evt_bound = 10
};
typedef u_int32_t sflt_event_t;

/* Flags of sf_data_in / sf_data_out / sock_inject_data_* */
enum { sock_data_filt_flag_oob = 1, sock_data_filt_flag_record = 2 };
typedef u_int32_t sflt_data_flag_t;

__BEGIN_DECLS

/*
 * Callbacks.  Unless stated otherwise a callback returns 0 to let the
 * operation continue, EJUSTRETURN to stop it silently (for data: the filter
 * now owns the mbufs), or another error to fail it.
 */

/* The filter's registration is gone; no callback will follow. */
typedef void (*sf_unregistered_func)(sflt_handle handle);

/* Attach to so; non-zero means "do not attach".  *cookie is per socket. */
typedef errno_t (*sf_attach_func)(void **cookie, socket_t so);

/* Detached from so (socket closing or filter removed); free the cookie. */
typedef void (*sf_detach_func)(void *cookie, socket_t so);

/* A sock_evt_* event happened on so; param depends on the event. */
typedef void (*sf_notify_func)(void *cookie, socket_t so, sflt_event_t event, void *param);

/* Peer/local address queries; may substitute *sa. */
typedef int (*sf_getpeername_func)(void *cookie, socket_t so, struct sockaddr **sa);
typedef int (*sf_getsockname_func)(void *cookie, socket_t so, struct sockaddr **sa);

/*
 * Incoming / outgoing data.  *data and *control may be replaced; returning
 * EJUSTRETURN transfers ownership of both to the filter.
 */
typedef errno_t (*sf_data_in_func)(void *cookie, socket_t so, const struct sockaddr *from,
                                   mbuf_t *data, mbuf_t *control, sflt_data_flag_t flags);
typedef errno_t (*sf_data_out_func)(void *cookie, socket_t so, const struct sockaddr *to,
                                    mbuf_t *data, mbuf_t *control, sflt_data_flag_t flags);

/* Connection requests in (on the new socket) and out (before connect). */
typedef errno_t (*sf_connect_in_func)(void *cookie, socket_t so, const struct sockaddr *from);
typedef errno_t (*sf_connect_out_func)(void *cookie, socket_t so, const struct sockaddr *to);

typedef errno_t (*sf_bind_func)(void *cookie, socket_t so, const struct sockaddr *to);
typedef errno_t (*sf_setoption_func)(void *cookie, socket_t so, sockopt_t opt);
typedef errno_t (*sf_getoption_func)(void *cookie, socket_t so, sockopt_t opt);
typedef errno_t (*sf_listen_func)(void *cookie, socket_t so);
typedef errno_t (*sf_ioctl_func)(void *cookie, socket_t so, unsigned long request,
                                 const char *argp);

/* A connection was accepted on so_listen as so (SFLT_EXTENDED only). */
typedef errno_t (*sf_accept_func)(void *cookie, socket_t so_listen, socket_t so,
                                  const struct sockaddr *local, const struct sockaddr *remote);

/*
 * Registration record.  sf_name, sf_attach and sf_detach are required and
 * sf_handle must be non-zero.  The name pointer is kept, not copied.
 */
struct sflt_filter {
	sflt_handle sf_handle;
	int sf_flags;
	char *sf_name;

	sf_unregistered_func sf_unregistered;
	sf_attach_func sf_attach;
	sf_detach_func sf_detach;

	sf_notify_func sf_notify;
	sf_getpeername_func sf_getpeername;
	sf_getsockname_func sf_getsockname;
	sf_data_in_func sf_data_in;
	sf_data_out_func sf_data_out;
	sf_connect_in_func sf_connect_in;
	sf_connect_out_func sf_connect_out;
	sf_bind_func sf_bind;
	sf_setoption_func sf_setoption;
	sf_getoption_func sf_getoption;
	sf_listen_func sf_listen;
	sf_ioctl_func sf_ioctl;

	/*
	 * Read only when sf_flags has SFLT_EXTENDED.  Set sf_ext_len to
	 * sizeof(struct sflt_filter_ext); keep the reserved slots zero.
	 */
	struct sflt_filter_ext {
		unsigned int sf_ext_len;
		sf_accept_func sf_ext_accept;
		void *sf_ext_rsvd[5];
	} sf_ext;
#define sf_len    sf_ext.sf_ext_len
#define sf_accept sf_ext.sf_ext_accept
};

/*
 * Register filter for new sockets of (domain, type, protocol).  The struct
 * is copied.  ENOTSUP unless domain is PF_INET/PF_INET6; ENOENT if no such
 * protocol; EINVAL for a missing name/attach/detach or a zero handle;
 * EEXIST if the handle is already registered (for any triple).
 */
extern errno_t sflt_register(const struct sflt_filter *filter, int domain, int type,
                             int protocol) __NKE_API_DEPRECATED;

/*
 * Remove the registration of handle; detaches from every socket (possibly
 * later, once callbacks in progress return) and then calls
 * sf_unregistered.  ENOENT if unknown.
 */
extern errno_t sflt_unregister(sflt_handle handle) __NKE_API_DEPRECATED;

/*
 * Attach the registered filter handle to socket.  EINVAL for a NULL socket
 * or unknown handle, EEXIST if already attached, otherwise what sf_attach
 * returned.
 */
extern errno_t sflt_attach(socket_t socket, sflt_handle handle) __NKE_API_DEPRECATED;

/* Detach handle from socket; 0 even when it was not attached. */
extern errno_t sflt_detach(socket_t socket, sflt_handle handle) __NKE_API_DEPRECATED;

/*
 * Hand data to the socket as if it had arrived (from: optional source
 * address).  Filters above the caller's see it again.  On success the
 * kernel owns data and control; on EINVAL (NULL so/data) or ENOTSUP (oob
 * flag) the caller still owns them.
 */
extern errno_t sock_inject_data_in(socket_t so, const struct sockaddr *from, mbuf_t data,
                                   mbuf_t control, sflt_data_flag_t flags) __NKE_API_DEPRECATED;

/*
 * Send data on the socket (to: optional destination) below the calling
 * filter.  data and control are consumed in every case.
 */
extern errno_t sock_inject_data_out(socket_t so, const struct sockaddr *to, mbuf_t data,
                                    mbuf_t control, sflt_data_flag_t flags) __NKE_API_DEPRECATED;

/* Socket option accessors for sf_setoption / sf_getoption. */
enum { sockopt_get = 1, sockopt_set = 2 };
typedef u_int8_t sockopt_dir;

extern sockopt_dir sockopt_direction(sockopt_t sopt) __NKE_API_DEPRECATED;
extern int sockopt_level(sockopt_t sopt) __NKE_API_DEPRECATED;
extern int sockopt_name(sockopt_t sopt) __NKE_API_DEPRECATED;
extern size_t sockopt_valsize(sockopt_t sopt) __NKE_API_DEPRECATED;

/*
 * Copy length bytes of the option value into data.  EINVAL if the value is
 * shorter than length.  Afterwards the recorded value size is at most
 * length.
 */
extern errno_t sockopt_copyin(sockopt_t sopt, void *data, size_t length) __NKE_API_DEPRECATED;

/* Return min(length, value size) bytes from data as the option value. */
extern errno_t sockopt_copyout(sockopt_t sopt, void *data, size_t length) __NKE_API_DEPRECATED;

__END_DECLS

#endif /* !__KPI_SOCKETFILTER__ */
