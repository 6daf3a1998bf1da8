/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sock_internal.h - private plumbing of nkesim's simulated socket layer
 * (kernel world, never installed, never seen by kexts).
 *
 * Completes the opaque socket_t and sockopt_t of the socket and socket
 * filter KPIs (struct __socket, struct __sockopt) and declares what the
 * socket layer's files share: registered socket filters and their
 * attachments (kpi_socketfilter.c), the socket objects, their table, life
 * cycle, events and the simulated application (uipc_socket.c), the TCP
 * connection state inferred from the capture with its stream reassembly
 * and output sequencing (tcp_sim.c), UDP (udp_sim.c), and the hand-off
 * from and to the IP layer (net_transport.c).  docs/sockets.md describes
 * the model.
 */
#ifndef NKE_SOCK_INTERNAL_H_
#define NKE_SOCK_INTERNAL_H_

#include "net_internal.h"
#include "nke_hash.h"

#include <sys/param.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/kpi_socket.h>
#include <sys/kpi_socketfilter.h>
#include <netinet/in.h>

/* --- Limits and defaults ------------------------------------------------------ */

#define NKE_NS_PER_SEC       1000000000ULL
#define NKE_SO_MAX           16384               /* live sockets at once */
#define NKE_SO_TOMBS         4096                /* closed connections remembered */
#define NKE_SO_SLAB          64                  /* sockets per pool slab */
#define NKE_SFLT_MAX         256                 /* registered socket filters */
#define NKE_TCP_REASS_MAX    (256u * 1024u)      /* out-of-order bytes per direction */
#define NKE_TCP_MSL_NS       (15ULL * NKE_NS_PER_SEC) /* macOS net.inet.tcp.msl */
#define NKE_TCP_KEEPINIT_NS  (75ULL * NKE_NS_PER_SEC) /* connection establishment */
#define NKE_TCP_FINHOLE_NS   (1ULL * NKE_NS_PER_SEC)  /* FIN behind a hole: wait */
#define NKE_UDP_IDLE_NS      (60ULL * NKE_NS_PER_SEC) /* a UDP socket's app closes it */
#define NKE_TCP_SNDBUF       131072              /* tcp_sendspace */
#define NKE_TCP_RCVBUF       131072              /* tcp_recvspace */
#define NKE_UDP_SNDBUF       9216                /* udp_sendspace */
#define NKE_UDP_RCVBUF       786896              /* udp_recvspace */
#define NKE_SO_HDRSAVE       256                 /* header bytes kept aside (UDP out) */

/* --- Socket filters ------------------------------------------------------------ */

/* Protocol switch entries a filter can be registered on. */
enum nke_prsw {
	NKE_PRSW_TCP4 = 0,
	NKE_PRSW_UDP4,
	NKE_PRSW_RAW4,
	NKE_PRSW_TCP6,
	NKE_PRSW_UDP6,
	NKE_PRSW_RAW6,
	NKE_PRSW_N
};

#define NKE_SFLT_MAGIC 0x6e6b7366u /* "nksf" */

/* A registered filter (XNU's struct socket_filter). */
struct nke_sflt {
	TAILQ_ENTRY(nke_sflt) sf_glink; /* every registered filter */
	TAILQ_ENTRY(nke_sflt) sf_plink; /* global filters of its protosw */
	TAILQ_ENTRY(nke_sflt) sf_elink; /* every filter record alive */
	u_int32_t sf_magic;
	u_int32_t sf_kext;  /* load tag of the kext that registered it */
	int sf_prsw;        /* enum nke_prsw */
	int sf_onglobal;    /* on the list of all filters (not unregistered) */
	int sf_onproto;     /* on its protosw's list (SFLT_GLOBAL, not unregistered) */
	int sf_refs;        /* registration + one per attachment */
	struct nke_sfe *sf_entries; /* attachments (sfe_next_onfilter) */
	struct sflt_filter sf_f;    /* the kext's record, copied */
	struct nke_vcount sf_vc[2]; /* verdicts: sf_data_in, sf_data_out */
};

#define SFEF_ATTACHED 0x1 /* holds the "attached" reference */
#define SFEF_NODETACH 0x2 /* sf_detach ran or must not run */
#define SFEF_NOSOCKET 0x4 /* the socket is gone */

/* An attachment of a filter to a socket (XNU's struct socket_filter_entry). */
struct nke_sfe {
	struct nke_sfe *sfe_next_onsocket;
	struct nke_sfe *sfe_next_onfilter;
	struct nke_sfe **sfe_prev_onfilter; /* O(1) unlink from the filter's list */
	struct nke_sfe *sfe_next_oncleanup;
	struct nke_sflt *sfe_filter;
	struct __socket *sfe_socket;
	void *sfe_cookie;
	u_int32_t sfe_flags; /* SFEF_* */
	int sfe_refs;
};

/* --- Sockets -------------------------------------------------------------------- */

#define NKE_SO_MAGIC 0x6e6b736fu /* "nkso": alive */
#define NKE_SO_DEAD  0x6e6b7364u /* "nksd": freed (a tombstone or on the free list) */

/* Socket state (XNU's so_state, our own bit values). */
#define NKE_SS_NOFDREF         0x0001 /* the application closed it */
#define NKE_SS_ISCONNECTED     0x0002
#define NKE_SS_ISCONNECTING    0x0004
#define NKE_SS_ISDISCONNECTING 0x0008
#define NKE_SS_CANTSENDMORE    0x0010
#define NKE_SS_CANTRCVMORE     0x0020
#define NKE_SS_PRIV            0x0080
#define NKE_SS_NBIO            0x0100
#define NKE_SS_INCOMP          0x0800 /* accepted socket not yet accept()ed */
#define NKE_SS_ISDISCONNECTED  0x2000
#define NKE_SS_ISCONFIRMING    0x0400

/* Simulator flags (so_nkflags). */
#define NKE_SOF_KERNEL    0x0001 /* made by sock_socket() */
#define NKE_SOF_PCB       0x0002 /* the protocol still holds it */
#define NKE_SOF_LISTENER  0x0004
#define NKE_SOF_FREEING   0x0008 /* sofree in progress */
#define NKE_SOF_BOUND     0x0010
#define NKE_SOF_INTABLE   0x0020 /* in the lookup table */
#define NKE_SOF_ONTIMER   0x0040 /* on the timer list */
#define NKE_SOF_ONLIVE    0x0080 /* on the live list */
#define NKE_SOF_ACCEPTED  0x0100 /* sf_accept done */
#define NKE_SOF_TOMB      0x0200 /* a tombstone */
#define NKE_SOF_REFUSED   0x0400 /* a filter refused the connection */
#define NKE_SOF_RDRBAD    0x0800 /* redirect refused (other family) */

union nke_sa {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

/* Lookup key: a TCP connection, a TCP listener or a UDP endpoint. */
#define NKE_KEY_TCP    1
#define NKE_KEY_LISTEN 2
#define NKE_KEY_UDP    3

struct nke_sokey {
	u_int8_t k_kind;  /* NKE_KEY_* */
	u_int8_t k_fam;   /* 4 or 6 */
	u_int16_t k_lport; /* network order */
	u_int16_t k_fport;
	u_int16_t k_pad;
	u_int8_t k_laddr[16];
	u_int8_t k_faddr[16];
};

/* TCP states (XNU's numbering). */
#define NKE_TCPS_CLOSED      0
#define NKE_TCPS_LISTEN      1
#define NKE_TCPS_SYN_SENT    2
#define NKE_TCPS_SYN_RCVD    3
#define NKE_TCPS_ESTABLISHED 4
#define NKE_TCPS_CLOSE_WAIT  5
#define NKE_TCPS_FIN_WAIT_1  6
#define NKE_TCPS_CLOSING     7
#define NKE_TCPS_LAST_ACK    8
#define NKE_TCPS_FIN_WAIT_2  9
#define NKE_TCPS_TIME_WAIT   10

/* How a TCP socket came to be. */
#define NKE_ROLE_ACTIVE  1 /* our SYN: connect() */
#define NKE_ROLE_PASSIVE 2 /* their SYN: accept() */
#define NKE_ROLE_ADOPTED 3 /* first seen mid-stream */

/* t_flags */
#define NKE_TF_SNDKNOWN 0x0001 /* our stream position is known */
#define NKE_TF_RCVKNOWN 0x0002 /* theirs is */
#define NKE_TF_FINSENT  0x0004 /* our FIN is in the capture */
#define NKE_TF_FINACKED 0x0008
#define NKE_TF_FINRCVD  0x0010 /* their FIN seen (t_rcvfin valid) */
#define NKE_TF_FINDONE  0x0020 /* their FIN processed (in order) */
#define NKE_TF_REDIRECT 0x0040 /* sf_connect_out changed the destination */
#define NKE_TF_HAVETPL  0x0080 /* t_tpl holds an outbound header */
#define NKE_TF_SHUTWR   0x0100 /* our FIN came first: shutdown(SHUT_WR) */
#define NKE_TF_ALTERED  0x0200 /* the outbound stream differs from the capture */
#define NKE_TF_LOCALPEER 0x0400 /* the peer is a socket of this host too (loopback) */

/* Out-of-order segment queue entry: the mbuf chain itself (payload only), its
   sequence number in the packet context's pc_qarg, linked by m_nextpkt. */

struct nke_tcpcb {
	int t_state;
	int t_role;
	u_int32_t t_flags;
	/* Our stream, in the capture's sequence space. */
	u_int32_t t_snd_cap;  /* next new byte of the captured stream */
	u_int32_t t_snd_wire; /* next sequence number on the wire */
	u_int32_t t_snd_fin;  /* sequence number of our FIN (captured) */
	u_int32_t t_snd_una;  /* highest acknowledgement from the peer */
	/* Their stream. */
	u_int32_t t_rcv_nxt;  /* next byte the application gets */
	u_int32_t t_rcv_fin;  /* their FIN's sequence number */
	struct __mbuf *t_rq;  /* out-of-order segments, by sequence */
	u_int32_t t_rqbytes;
	/* Data the stack sends as segments it builds (m_nextpkt list). */
	struct __mbuf *t_sndq, **t_sndq_tail;
	/* Template of built segments: the last captured outbound header. */
	u_int8_t t_tpl[60];   /* IP header (no options/extensions) + 20-byte TCP header */
	u_int32_t t_tplip;    /* IP header length in t_tpl (20 or 40) */
	u_int32_t t_mss;
	u_int32_t t_tplage;   /* segments since the template was taken */
	u_int16_t t_ipid;
	/* Link framing of the flow's captured outbound frames. */
	struct __ifnet *t_ifp;
	u_int8_t t_lhdr[NKE_ETHER_HDR];
	u_int32_t t_haslhdr;
	u_int32_t t_ntags;
	u_int8_t t_tags[4 * NKE_VLAN_MAXTAGS];
	/* The captured peer, when a filter redirected the connection. */
	u_int8_t t_cap_faddr[16];
	u_int16_t t_cap_fport;
	/* Current captured segment being sent (identity bookkeeping). */
	int t_cap_expect;           /* its new bytes are being written by the app */
	const u_int8_t *t_cap_data; /* those bytes (contiguous copy or NULL) */
	struct __mbuf *t_cap_m;     /* or: the captured packet and the range */
	u_int32_t t_cap_off, t_cap_len;
	int t_cap_identity;         /* they reached the protocol unchanged */
};

#define NKE_OPT_MAX 16

struct nke_soopt {
	int o_level;
	int o_name;
	int o_val;
};

struct __socket {
	u_int32_t so_magic;
	u_int32_t so_id;        /* number in the log (1, 2, ... per run) */
	u_int32_t so_nkflags;   /* NKE_SOF_* */
	u_int32_t so_state;     /* NKE_SS_* */
	int so_family;          /* AF_INET / AF_INET6 */
	int so_type;            /* SOCK_STREAM / SOCK_DGRAM */
	int so_protocol;        /* IPPROTO_TCP / IPPROTO_UDP */
	int so_prsw;            /* enum nke_prsw */
	int so_usecount;        /* stack references (pcb, descriptor, operations) */
	int so_retaincnt;       /* sock_retain() minus sock_release() */
	int so_error;
	u_int32_t so_options;   /* SO_* booleans (SOL_SOCKET) */
	int so_linger;
	int so_sndbuf, so_rcvbuf, so_sndlowat, so_rcvlowat;
	struct timeval so_sndtimeo, so_rcvtimeo;
	struct nke_soopt so_opts[NKE_OPT_MAX]; /* other levels' integer options */
	u_int32_t so_nopts;
	struct nke_sfe *so_filt;    /* attachments, most recent first */
	struct __socket *so_head;   /* listener of an accepted socket */
	u_int32_t so_sendfilt;      /* inside sf_data_out (re-entrant sends) */
	/* The owning process. */
	pid_t so_pid;
	uid_t so_uid;
	gid_t so_gid;
	char so_comm[2 * MAXCOMLEN + 1];
	u_int64_t so_procgen; /* process record generation of this owner (0: none) */
	/* Addresses (so_laddr's port is 0 and its address the wildcard until bound). */
	union nke_sa so_laddr, so_faddr;
	int so_hasfaddr;
	/* The application's view of the streams. */
	u_int64_t so_app_bytes[2];  /* [0] received, [1] sent */
	struct nkh_state so_app_hs[2]; /* their running NKH64 (nke_hash.h) */
	/* Table, lists, timer. */
	struct nke_sokey so_key;
	u_int32_t so_hval;
	struct __socket *so_hnext;
	TAILQ_ENTRY(__socket) so_live;  /* live sockets (or tombstones), oldest first */
	TAILQ_ENTRY(__socket) so_tlink; /* timer list, by deadline */
	u_int64_t so_deadline;
	u_int32_t so_tclass;        /* which timer list */
	u_int64_t so_lastuse;
	struct __socket *so_freenext;
	struct nke_tcpcb so_tcp;    /* TCP only */
	/* UDP: the last captured outbound header (template for injected datagrams). */
	u_int8_t so_utpl[48];
	u_int32_t so_utplip;
	struct __ifnet *so_uifp;
};

/* SOL_SOCKET boolean options kept in so_options, plus SO_ACCEPTCONN. */
#define NKE_SO_BOOLMASK                                                                            \
	(SO_DEBUG | SO_ACCEPTCONN | SO_REUSEADDR | SO_KEEPALIVE | SO_DONTROUTE | SO_BROADCAST |    \
	 SO_USELOOPBACK | SO_LINGER | SO_OOBINLINE | SO_REUSEPORT | SO_TIMESTAMP |                 \
	 SO_TIMESTAMP_MONOTONIC | SO_DONTTRUNC | SO_WANTMORE | SO_WANTOOBFLAG)
#define NKE_SO_NOSIGPIPE 0x10000000 /* SO_NOSIGPIPE, stored as a bit */

/* The option record handed to sf_setoption/sf_getoption. */
struct __sockopt {
	int sopt_dir;    /* sockopt_get / sockopt_set */
	int sopt_level;
	int sopt_name;
	void *sopt_val;  /* kernel buffer (NULL: size query) */
	size_t sopt_valsize;
};

/* Registered socket filters (kpi_socketfilter.c). */
extern u_int32_t nke__sflt_count;

/* --- Socket layer entry/exit (uipc_socket.c) -------------------------------- */

/* Depth of socket-layer operations in progress (cleanup waits for 0). */
extern int nke__so_depth;

/*
 * One socket-layer operation on so (NULL: none in particular): keeps so
 * alive, and at depth 0 makes so's owner the current process.  Leaving the
 * outermost operation runs the deferred work (filter cleanup, frees).
 */
struct nke_soctx {
	struct __socket *sc_so;
	int sc_proc;        /* the current process was switched */
	pid_t sc_pid, sc_ppid;
	uid_t sc_uid;
	gid_t sc_gid;
	char sc_name[2 * MAXCOMLEN + 1];
};
/*
 * nke__so_enter(sc, so) and nke__so_leave(sc), inline at the end of this
 * header (the common case: a few loads and stores); their rare parts:
 * switching to so's owner other than from the kernel to a record still
 * there (nke__so_proc_switch), and the deferred work.
 */
void nke__so_proc_switch(struct nke_soctx *sc, struct __socket *so);
/* Sockets whose last reference went during an operation (freed at depth 0). */
extern struct __socket *nke__so_freeq;
void nke__so_run_deferred(void);

/* A live socket behind a kext's pointer, or NULL (with a report). */
struct __socket *nke__so_valid(socket_t so, const char *who);

/* Create a socket (attaches the protosw's global filters).  NULL when full. */
struct __socket *nke__so_create(int family, int type, int protocol, struct __socket *head,
                                int kernel);
/* Owner from the frame being processed (or the default). */
void nke__so_set_owner(struct __socket *so);
/* Hold/drop a stack reference; the last one may free the socket (inline below). */
void nke__so_unref_last(struct __socket *so);
static inline void
nke__so_ref(struct __socket *so)
{
	so->so_usecount++;
}

static inline void
nke__so_unref(struct __socket *so)
{
	NKE_ASSERT(so->so_usecount > 0, "socket use count underflow");
	if (--so->so_usecount > 0 || so->so_retaincnt > 0 || (so->so_nkflags & NKE_SOF_FREEING))
		return;
	nke__so_unref_last(so);
}
/* The application closed its descriptor (soclose); events per docs/sockets.md. */
void nke__so_app_closed(struct __socket *so);
/* The protocol is done with the socket (pcb detached). */
void nke__so_pcb_gone(struct __socket *so);

/* Table. */
struct __socket *nke__so_lookup(const struct nke_sokey *k);
int nke__so_insert(struct __socket *so, const struct nke_sokey *k);
void nke__so_remove(struct __socket *so);
/* A recently closed TCP connection with key k (a tombstone), or NULL. */
int nke__so_is_tomb(const struct nke_sokey *k);
void nke__so_untomb(const struct nke_sokey *k);

/* Timer list: deadline 0 removes. */
void nke__so_set_timer(struct __socket *so, u_int64_t deadline);
/* Mark activity (eviction order). */
void nke__so_touch(struct __socket *so);

/* Sockaddr helpers. */
void nke__sa_set(union nke_sa *sa, int family, const u_int8_t *addr, u_int16_t port_be);
const char *nke__sa_str(const struct sockaddr *sa, char *buf, size_t size);
int nke__af_of(int fam46);

/* State changes with their events (XNU's soisconnecting & co). */
void nke__soisconnecting(struct __socket *so);
void nke__soisconnected(struct __socket *so);
void nke__soisdisconnecting(struct __socket *so);
void nke__soisdisconnected(struct __socket *so);
void nke__socantsendmore(struct __socket *so);
void nke__socantrcvmore(struct __socket *so);
void nke__so_bound(struct __socket *so);

/*
 * Receive path: m (packet header, pkthdr.len = the data) reaches the
 * socket's receive buffer: sf_data_in of every filter, then the
 * application.  from/control as the append routine passes them
 * (control_ptr 0: NULL pointer, 1: pointer to *control).  Consumes m and
 * *control.
 */
void nke__so_append(struct __socket *so, const struct sockaddr *from, struct __mbuf *m,
                    struct __mbuf *control, int control_ptr, sflt_data_flag_t flags,
                    struct __ifnet *ifp);

/*
 * Send path below the application (sosend after the copy-in): sf_data_out
 * of every filter, then the protocol (tcp/udp send).  Consumes m and
 * control; returns the errno the application would see.
 */
int nke__so_send(struct __socket *so, const struct sockaddr *to, struct __mbuf *m,
                 struct __mbuf *control, sflt_data_flag_t flags, struct __ifnet *ifp);

/* The application wrote/received n bytes (NKS_HOOK_APP verdict, stream hash). */
void nke__so_app_data(struct __socket *so, int out, struct __mbuf *m, u_int32_t off, u_int32_t n);

/*
 * Verdict of the stack about a socket (NKS_HOOK_SOCKET).  The socket layer
 * speaks only when something shows verdicts and a socket filter is
 * registered: the macro does not even evaluate the arguments otherwise
 * (formatting addresses per connection adds up).
 */
void nke__so_note_emit(struct __socket *so, int result, struct __mbuf *m, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define nke__so_note(...)                                                                          \
	do {                                                                                       \
		if (nke__vd_on() && nke__sflt_count > 0)                                          \
			nke__so_note_emit(__VA_ARGS__);                                            \
	} while (0)

/* Does so have a filter with this callback? (cheap tests on the fast path) */
int nke__so_has_data_filters(struct __socket *so, int out);

/* A deep copy of [off, off+len) of m as a packet (NULL when out of mbufs). */
struct __mbuf *nke__so_copy_chain(struct __mbuf *m, u_int32_t off, u_int32_t len);

/* Frame being processed, for the owner of new sockets (NULL: none). */
extern const struct nks_frame *nke__cur_frame;

/*
 * Subsystem.  The socket layer is on once nke__sock_init() ran: from
 * nke__net_init, or on first use of the socket filter or socket KPI (so a
 * run without socket filters can also run without it).
 */
extern int nke__sock_on;
extern u_int32_t nke__so_nlive;
/*
 * Do packets go through the socket layer?  Only while some socket filter is
 * registered or sockets exist: without filters, nothing would observe the
 * sockets, and a filter registered later adopts the connections it meets
 * mid-stream (docs/sockets.md).
 */
static inline int
nke__sock_active(void)
{
	return nke__sock_on && (nke__sflt_count > 0 || nke__so_nlive > 0);
}
void nke__sock_init(void);
void nke__sock_fini(void);
/* Close every socket as its application would at exit (tests, end of run). */
void nke__sock_close_all(void);
/* Live sockets now (tests). */
u_int32_t nke__sock_count(void);

/* --- Socket filters (kpi_socketfilter.c) ------------------------------------ */

/* Attach the protosw's global filters to a new socket (sflt_initsock). */
void nke__sflt_initsock(struct __socket *so);
/* Detach every filter synchronously (sflt_termsock). */
void nke__sflt_termsock(struct __socket *so);
/* Run deferred cleanup now (end of the outermost socket operation). */
void nke__sflt_cleanup_run(void);
/* Attachments waiting for it (kpi_socketfilter.c), tested at every socket operation's end. */
extern struct nke_sfe *nke__sflt_cleanup_head;
static inline int
nke__sflt_cleanup_pending(void)
{
	return nke__sflt_cleanup_head != NULL;
}

/* Callback runners, with XNU's semantics (first non-zero return stops). */
void nke__sflt_notify(struct __socket *so, sflt_event_t event, void *param);
/*
 * vt (may be NULL): when all returned 0, what the last verdict of the
 * traversal said of *data (vt_n 0: no verdict; vt_have 0: no hash).
 */
int nke__sflt_data_in(struct __socket *so, const struct sockaddr *from, struct __mbuf **data,
                      struct __mbuf **control, sflt_data_flag_t flags, struct __ifnet *ifp,
                      struct nke_vtrack *vt);
int nke__sflt_data_out(struct __socket *so, const struct sockaddr *to, struct __mbuf **data,
                       struct __mbuf **control, sflt_data_flag_t flags, struct __ifnet *ifp);
int nke__sflt_connectin(struct __socket *so, const struct sockaddr *from);
int nke__sflt_connectout(struct __socket *so, struct sockaddr *to); /* may rewrite *to */
int nke__sflt_bind(struct __socket *so, const struct sockaddr *nam);
int nke__sflt_listen(struct __socket *so);
int nke__sflt_accept(struct __socket *head, struct __socket *so, const struct sockaddr *local,
                     const struct sockaddr *remote);
int nke__sflt_getsockname(struct __socket *so, struct sockaddr **sa);
int nke__sflt_getpeername(struct __socket *so, struct sockaddr **sa);
int nke__sflt_setsockopt(struct __socket *so, struct __sockopt *sopt);
int nke__sflt_getsockopt(struct __socket *so, struct __sockopt *sopt);
int nke__sflt_ioctl(struct __socket *so, unsigned long cmd, char *data);
/* Attach by handle (sflt_attach, SO_NKE). */
int nke__sflt_attach_handle(struct __socket *so, sflt_handle handle);

void nke__sflt_init(void);
void nke__sflt_fini(void);

/* --- TCP (tcp_sim.c) and UDP (udp_sim.c) ------------------------------------ */

/* Inbound datagram after the IP filters (m at the IP header).  Consume m. */
void nke__tcp_input(struct __mbuf *m, int family, int off, struct nke_pktinfo *pi);
void nke__udp_input(struct __mbuf *m, int family, int off, struct nke_pktinfo *pi);
/*
 * A captured outbound segment/datagram (m at the IP header, off of the
 * transport header): the socket layer's part, then ip_output.  Consume m.
 */
void nke__tcp_output_captured(struct __mbuf *m, int family, int off, struct nke_pktinfo *pi);
void nke__udp_output_captured(struct __mbuf *m, int family, int off, struct nke_pktinfo *pi);
/* Protocol send (below sf_data_out).  Consume m; return an errno. */
int nke__tcp_send(struct __socket *so, struct __mbuf *m, int injected);
int nke__udp_send(struct __socket *so, const struct sockaddr *to, struct __mbuf *m, int injected);
/* The socket is being freed: drop the protocol's queues. */
void nke__tcp_discard(struct __socket *so);
/* A socket's timer expired. */
void nke__tcp_timer(struct __socket *so);
/* The application of a TCP socket exits (nke__sock_close_all). */
void nke__tcp_app_exit(struct __socket *so);

/* --- IP hand-off (net_transport.c) ------------------------------------------- */

/*
 * Send an IP packet the transport layer finished (m at the IP header, off
 * of the transport header): checksums put in the "pending" state TCP/UDP
 * output leaves them in (recording the captured values for identity when
 * pi says the packet is captured), then ip_output/ip6_output.  Consumes m.
 */
int nke__transport_send(struct __mbuf *m, int family, int off, struct nke_pktinfo *pi);

/* --- Socket layer entry/exit, inline (see struct nke_soctx) --------------------- */

static inline void
nke__so_enter(struct nke_soctx *sc, struct __socket *so)
{
	sc->sc_so = so;
	sc->sc_proc = 0;
	if (so != NULL) {
		nke__so_ref(so);
		if (nke__so_depth == 0 && (so->so_filt != NULL || nke__sflt_count > 0)) {
			const struct proc *c = nke__proc_cur;

			/* The same process already (names not compared). */
			if (c->p_pid == so->so_pid && c->p_cred.cr_uid == so->so_uid) {
				/* nothing to switch */
			} else if (c->p_pid == 0 && so->so_procgen != 0 &&
			           nke__proc_set_current_again(so->so_procgen)) {
				/* From the kernel to the owner's record, still there. */
				sc->sc_pid = 0;
				sc->sc_proc = 1;
			} else {
				nke__so_proc_switch(sc, so);
			}
		}
	}
	nke__so_depth++;
}

static inline void
nke__so_leave(struct nke_soctx *sc)
{
	NKE_ASSERT(nke__so_depth > 0, "socket operation depth underflow");
	nke__so_depth--;
	if (sc->sc_so != NULL)
		nke__so_unref(sc->sc_so);
	if (nke__so_depth == 0 && (nke__so_freeq != NULL || nke__sflt_cleanup_pending()))
		nke__so_run_deferred();
	if (sc->sc_proc) {
		if (sc->sc_pid == 0)
			nke__proc_reset_current();
		else
			nke__proc_set_current(sc->sc_pid, sc->sc_ppid, sc->sc_name, sc->sc_uid,
			                      sc->sc_gid);
	}
}

#endif /* NKE_SOCK_INTERNAL_H_ */
