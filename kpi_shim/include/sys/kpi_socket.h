/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/kpi_socket.h> - the socket KPI (kernel world): kernel-owned sockets
 * (sock_socket ... sock_close) and the accessors a socket filter uses on
 * the socket it is attached to (sock_getpeername, sock_gettype, ...).
 * Every operation goes through the filters attached to that socket, as in
 * XNU.  Errors are positive Darwin errno_t values.
 */
#ifndef __KPI_SOCKET__
#define __KPI_SOCKET__

#include <sys/types.h>
#include <sys/kernel_types.h>
#include <sys/socket.h>
#include <sys/ioccom.h>

__BEGIN_DECLS

struct timeval;
struct sockaddr;
struct msghdr;

/*
 * Called when a kernel socket has data to read, room to write or an event;
 * waitf tells whether the callback may block (M_WAITOK) or not
 * (M_DONTWAIT, the usual case).  Runs with the socket unlocked.
 */
typedef void (*sock_upcall)(socket_t so, void *cookie, int waitf);

/*
 * Accept one pending connection on listening socket so.  from/fromlen
 * receive the peer address (truncated to fromlen).  On success *new_so is
 * a new kernel socket owned by the caller (sock_close it); on failure
 * *new_so is NULL.  Blocks unless so is non-blocking or flags has
 * MSG_DONTWAIT.
 */
extern errno_t sock_accept(socket_t so, struct sockaddr *from, int fromlen, int flags,
                           sock_upcall callback, void *cookie,
                           socket_t *new_so) __NKE_API_DEPRECATED;

/* Bind so to the local address to (to->sa_len bytes are used). */
extern errno_t sock_bind(socket_t so, const struct sockaddr *to) __NKE_API_DEPRECATED;

/*
 * Connect so to to.  Blocks until connected unless flags has MSG_DONTWAIT
 * (then EINPROGRESS may be returned).
 */
extern errno_t sock_connect(socket_t so, const struct sockaddr *to, int flags) __NKE_API_DEPRECATED;

/*
 * Copy the peer's address into peername, at most peernamelen bytes (silent
 * truncation).  ENOTCONN if so is not connected; EINVAL for NULL arguments
 * or a negative length.
 */
extern errno_t sock_getpeername(socket_t so, struct sockaddr *peername,
                                int peernamelen) __NKE_API_DEPRECATED;

/* Same for the local address; an unbound socket yields the wildcard. */
extern errno_t sock_getsockname(socket_t so, struct sockaddr *sockname,
                                int socknamelen) __NKE_API_DEPRECATED;

/*
 * Read an option through the normal option path, including the sf_getoption
 * callbacks of the socket's filters.  *optlen: buffer size in, value size
 * out.
 */
extern errno_t sock_getsockopt(socket_t so, int level, int optname, void *optval,
                               int *optlen) __NKE_API_DEPRECATED;

/* ioctl on so (passes through the filters' sf_ioctl). */
extern errno_t sock_ioctl(socket_t so, unsigned long request, void *argp) __NKE_API_DEPRECATED;

/* Set an option through the normal option path, including sf_setoption. */
extern errno_t sock_setsockopt(socket_t so, int level, int optname, const void *optval,
                               int optlen) __NKE_API_DEPRECATED;

/* Put so in the listening state with the given backlog. */
extern errno_t sock_listen(socket_t so, int backlog) __NKE_API_DEPRECATED;

/*
 * Receive into msg's buffers; *recvdlen gets the byte count.  Blocks unless
 * non-blocking or MSG_DONTWAIT.
 */
extern errno_t sock_receive(socket_t so, struct msghdr *msg, int flags,
                            size_t *recvdlen) __NKE_API_DEPRECATED;

/*
 * Receive up to *recvlen bytes as an mbuf chain; on success *data is owned
 * by the caller.  msg (optional) gets the address and control data.
 */
extern errno_t sock_receivembuf(socket_t so, struct msghdr *msg, mbuf_t *data, int flags,
                                size_t *recvlen) __NKE_API_DEPRECATED;

/* Send msg's buffers; *sentlen (optional) gets the byte count. */
extern errno_t sock_send(socket_t so, const struct msghdr *msg, int flags,
                         size_t *sentlen) __NKE_API_DEPRECATED;

/*
 * Send the mbuf chain data (msg optional, for the address and control
 * data).  data is consumed in every case, success or failure.
 */
extern errno_t sock_sendmbuf(socket_t so, const struct msghdr *msg, mbuf_t data, int flags,
                             size_t *sentlen) __NKE_API_DEPRECATED;

/* Shut down reading, writing or both (SHUT_RD/SHUT_WR/SHUT_RDWR). */
extern errno_t sock_shutdown(socket_t so, int how) __NKE_API_DEPRECATED;

/*
 * Create a kernel socket.  callback (optional) is called with cookie when
 * the socket becomes readable/writable.  On success *new_so is owned by the
 * caller (sock_close); on failure *new_so is NULL.
 */
extern errno_t sock_socket(int domain, int type, int protocol, sock_upcall callback, void *cookie,
                           socket_t *new_so) __NKE_API_DEPRECATED;

/* Close a kernel socket created by sock_socket or sock_accept. */
extern void sock_close(socket_t so) __NKE_API_DEPRECATED;

/*
 * Take / drop an extra use count on a socket (for example one seen in a
 * filter callback).  Dropping the last one after the owner closed it frees
 * the socket.
 */
extern void sock_retain(socket_t so) __NKE_API_DEPRECATED;
extern void sock_release(socket_t so) __NKE_API_DEPRECATED;

/* Mark so privileged (on != 0) or not.  EINVAL for NULL. */
extern errno_t sock_setpriv(socket_t so, int on) __NKE_API_DEPRECATED;

/* 1 if so is connected / non-blocking, else 0. */
extern int sock_isconnected(socket_t so) __NKE_API_DEPRECATED;
extern int sock_isnonblocking(socket_t so) __NKE_API_DEPRECATED;

/* domain, type and protocol of so; each pointer may be NULL.  Returns 0. */
extern errno_t sock_gettype(socket_t so, int *domain, int *type,
                            int *protocol) __NKE_API_DEPRECATED;

__END_DECLS

#endif /* !__KPI_SOCKET__ */
