/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_control.c - the kernel control KPI (kernel world): ctl_register,
 * ctl_deregister, ctl_enqueuedata, ctl_enqueuembuf, ctl_getenqueuespace,
 * ctl_getenqueuereadable, and the client side the host plays through the
 * seam (NKS_ctl_connect/send/setopt/getopt/disconnect/recv/info): what a
 * user process does with a PF_SYSTEM/SYSPROTO_CONTROL socket, as XNU's
 * bsd/kern/kern_control.c and the socket layer under it behave
 * (kpi-reference 1.7, 2.6).
 *
 * A client is a connected socket: a unit of one control, the unitinfo its
 * ctl_connect stored, and a receive buffer of the registered size holding
 * the messages the kext queued (mbuf chains, linked by m_nextpkt).  The
 * buffer keeps XNU's record rules: a datagram client's recv() returns one
 * record, and a message queued without CTL_DATA_EOR joins the record before
 * it unless that one ended.  The client reads only when the host says so
 * (NKS_ctl_recv), then everything; a kext that queues more than the buffer
 * holds before that gets ENOBUFS, as with a slow reader.
 *
 * Callbacks a client causes (ctl_connect, ctl_send, ctl_setopt, ctl_getopt,
 * ctl_disconnect) run as XNU runs them: on the client's thread (a simulated
 * thread of its own), in the client's process (pid 900 "nke-replay", root
 * unless the host connected as a non-root user), with no lock held, as the
 * code of the kext that registered the control.  Each one returns a
 * NKS_HOOK_CTL_* verdict.
 *
 * NKE-DIVERGENCE: fixed tables (64 controls, 256 clients at once; XNU
 * grows its table and allows 65535 units per control).  Receive space is
 * counted in bytes only (XNU's control sockets do the same, SB_KCTL).
 * CTL_DATA_NOWAKEUP is modelled by a reader that sleeps in recv(): it reads
 * again only after a message queued without the flag (or a fresh
 * connection).  The private parts (CTL_FLAG_REG_EXTENDED/CRIT/SETUP,
 * ctl_rcvd, ctl_bind, ctl_send_list, ctl_enqueuembuf_list) are absent.
 */
#include "nke_svc.h"

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <sys/param.h>
#include <sys/socket.h>
#include <sys/sys_domain.h>
#include <sys/kern_event.h>
#include <sys/kern_control.h>
#include <sys/proc.h>
#include <sys/kauth.h>

#include "net_internal.h"
#include "nke_ctl.h"
#include "kern_checks.h"

#define CTL_MAX 64		/* controls registered at once */
#define CTL_CLIENTS_MAX 256	/* clients connected at once, every control */
#define CTL_MAXUNIT 65536u	/* units are 1 .. CTL_MAXUNIT - 1 */
#define CTL_SENDSIZE 2048	/* default buffer sizes (XNU) */
#define CTL_RECVSIZE 8192
#define CTL_SB_MAX (8u * 1024 * 1024)	/* kern.ipc.maxsockbuf: sbreserve's cap */
#define CTL_RCV_LOWAT 1		/* soreserve's receive low-water mark */
#define CTL_NESTED_MAX 16	/* option buffers of nested client calls */
#define CTL_LOOP_MAX 1000	/* unanswered sleeps in a row before we call it a loop */

/* The client process (what proc_selfpid() & co. say in a client's callbacks). */
#define CTL_CLIENT_PID 900
#define CTL_CLIENT_NAME "nke-replay"
#define CTL_USER_UID 501	/* NKS_CTL_NONROOT */
#define CTL_USER_GID 20

#define REF_INDEX_MASK 0xffffu
#define REF_GEN_SHIFT 16

struct kctl {
	int k_inuse;
	kern_ctl_ref k_ref;
	char k_name[MAX_KCTL_NAME];
	u_int32_t k_id;
	u_int32_t k_reg_unit;	/* static: the registered unit */
	u_int32_t k_flags;	/* CTL_FLAG_* as registered */
	u_int32_t k_sendsize, k_recvsize;	/* as registered (defaults applied) */
	ctl_connect_func k_connect;
	ctl_disconnect_func k_disconnect;
	ctl_send_func k_send;
	ctl_setopt_func k_setopt;
	ctl_getopt_func k_getopt;
	u_int32_t k_kext;	/* load tag of the registering kext */
	int k_warned_merge;
	/* Units whose client went away lately (ctl-enqueue-disconnected). */
	u_int32_t k_gone[8];
	unsigned k_ngone;
};

enum client_state {
	CS_FREE = 0,
	CS_CONNECTING,		/* ctl_connect runs */
	CS_CONNECTED,
	CS_DISCONNECTING,	/* ctl_disconnect runs (still a unit of the control) */
	CS_CLOSED,		/* gone, slot kept until running callbacks return */
};

struct ctl_client {
	int c_state;		/* enum client_state */
	u_int32_t c_handle;	/* the host's name for it */
	struct kctl *c_kctl;
	u_int32_t c_unit;
	void *c_unitinfo;
	int c_stream;
	int c_nonroot;
	int c_busy;		/* callbacks running for it */
	int c_wakeup;		/* a wakeup reached the reader since it last read */
	struct __mbuf *c_q, *c_qtail;	/* queued messages (m_nextpkt) */
	u_int32_t c_cc;		/* bytes queued */
	u_int32_t c_hiwat;	/* receive buffer size */
	u_int32_t c_sndhiwat;	/* send buffer size */
};

static struct kctl kctls[CTL_MAX];
static struct ctl_client clients[CTL_CLIENTS_MAX];
static u_int32_t ref_gen;
static u_int32_t next_handle;

/* Host memory lent to kexts by nested client calls (freed on a panic too). */
static void *opt_bufs[CTL_NESTED_MAX];
static size_t opt_sizes[CTL_NESTED_MAX];
/* Flattened messages on their way to the host. */
static u_int8_t *rbuf;
static size_t rbuf_cap;

/* Unanswered sleeps in a row, and where the run was at the last one. */
static unsigned sleep_streak;
static u_int64_t streak_uptime, streak_index;

/* kern_event.c: the hand-off to PF_SYSTEM event sockets. */
void nke__kev_socket_post(const struct kev_msg *ev);

/* --- Tables -------------------------------------------------------------- */

static void
opt_free_all(void)
{
	unsigned i;

	for (i = 0; i < CTL_NESTED_MAX; i++) {
		if (opt_bufs[i] != NULL)
			NKH_free(opt_bufs[i], opt_sizes[i]);
		opt_bufs[i] = NULL;
		opt_sizes[i] = 0;
	}
}

void
nke__ctl_reset(int fini)
{
	if (fini && nke__hostops != NULL) {
		opt_free_all();
		if (rbuf != NULL)
			nke__hostops->ho_free(nke__hostops->ho_arg, rbuf, rbuf_cap);
	}
	memset(kctls, 0, sizeof(kctls));
	memset(clients, 0, sizeof(clients));
	memset(opt_bufs, 0, sizeof(opt_bufs));
	memset(opt_sizes, 0, sizeof(opt_sizes));
	rbuf = NULL;
	rbuf_cap = 0;
	ref_gen = 0;
	next_handle = 0;
	sleep_streak = 0;
	streak_uptime = 0;
	streak_index = 0;
}

static struct kctl *
kctl_from_ref(kern_ctl_ref ref)
{
	uintptr_t r = (uintptr_t)ref;
	uintptr_t i = (r & REF_INDEX_MASK) - 1;

	if (r == 0 || i >= CTL_MAX || !kctls[i].k_inuse || kctls[i].k_ref != ref)
		return NULL;
	return &kctls[i];
}

/* The registered control after `prev` in id order (NULL: the first). */
static struct kctl *
kctl_next(const struct kctl *prev)
{
	struct kctl *best = NULL;
	unsigned i;

	for (i = 0; i < CTL_MAX; i++) {
		struct kctl *k = &kctls[i];

		if (!k->k_inuse)
			continue;
		/* Equal ids (static controls): slot order breaks the tie. */
		if (prev != NULL && (k->k_id < prev->k_id || (k->k_id == prev->k_id && k <= prev)))
			continue;
		if (best == NULL || k->k_id < best->k_id)
			best = k;
	}
	return best;
}

static struct kctl *
kctl_by_name(const char *name)
{
	struct kctl *k;

	for (k = kctl_next(NULL); k != NULL; k = kctl_next(k))
		if (strncmp(k->k_name, name, MAX_KCTL_NAME) == 0)
			return k;
	return NULL;
}

/* XNU's ctl_find_by_id_unit: a dynamic control matches on its id alone. */
static struct kctl *
kctl_by_id_unit(u_int32_t id, u_int32_t unit)
{
	struct kctl *k;

	for (k = kctl_next(NULL); k != NULL; k = kctl_next(k)) {
		if (k->k_id != id)
			continue;
		if (!(k->k_flags & CTL_FLAG_REG_ID_UNIT) || k->k_reg_unit == unit)
			return k;
	}
	return NULL;
}

static int
kext_has_control(u_int32_t kext)
{
	unsigned i;

	for (i = 0; i < CTL_MAX; i++)
		if (kctls[i].k_inuse && kctls[i].k_kext == kext)
			return 1;
	return 0;
}

static unsigned
kctl_nclients(const struct kctl *k)
{
	unsigned i, n = 0;

	for (i = 0; i < CTL_CLIENTS_MAX; i++)
		if (clients[i].c_state != CS_FREE && clients[i].c_state != CS_CLOSED &&
		    clients[i].c_kctl == k)
			n++;
	return n;
}

/* The unit `unit` of k while the kext may still queue to it (kcb_find). */
static struct ctl_client *
unit_of(const struct kctl *k, u_int32_t unit)
{
	unsigned i;

	for (i = 0; i < CTL_CLIENTS_MAX; i++) {
		struct ctl_client *c = &clients[i];

		if (c->c_state != CS_FREE && c->c_state != CS_CLOSED && c->c_kctl == k &&
		    c->c_unit == unit)
			return c;
	}
	return NULL;
}

/* A connected client by the host's handle. */
static struct ctl_client *
client_by_handle(nks_u32 handle)
{
	unsigned i;

	if (handle == 0)
		return NULL;
	for (i = 0; i < CTL_CLIENTS_MAX; i++)
		if (clients[i].c_state == CS_CONNECTED && clients[i].c_handle == handle)
			return &clients[i];
	return NULL;
}

static void
post_msg(u_int32_t code, u_int32_t id)
{
	struct ctl_event_data data;
	struct kev_msg ev;

	memset(&data, 0, sizeof(data));
	memset(&ev, 0, sizeof(ev));
	data.ctl_id = id;
	ev.vendor_code = KEV_VENDOR_APPLE;
	ev.kev_class = KEV_SYSTEM_CLASS;
	ev.kev_subclass = KEV_CTL_SUBCLASS;
	ev.event_code = code;
	ev.dv[0].data_ptr = &data;
	ev.dv[0].data_length = sizeof(data);
	nke__kev_socket_post(&ev);
}

/* --- The receive buffer ---------------------------------------------------- */

static u_int32_t
rcv_space(const struct ctl_client *c)
{
	return c->c_cc < c->c_hiwat ? c->c_hiwat - c->c_cc : 0;
}

static int
chain_has_eor(struct __mbuf *m)
{
	for (; m != NULL; m = m->m_next)
		if (m->m_flags & M_EOR)
			return 1;
	return 0;
}

/* Append one message (a packet chain of len bytes) to c's buffer. */
static void
rcv_append(struct ctl_client *c, struct __mbuf *m, u_int32_t len, u_int32_t flags)
{
	struct kctl *k = c->c_kctl;

	if (flags & CTL_DATA_EOR)
		m->m_flags |= M_EOR;
	if (!c->c_stream && c->c_qtail != NULL && !chain_has_eor(c->c_qtail) &&
	    !k->k_warned_merge) {
		k->k_warned_merge = 1;
		nke__warn("ctl-record-merged",
		    "control \"%s\" unit %u: a message of %u bytes queued without "
		    "CTL_DATA_EOR joins the record before it; the client's recv() returns "
		    "both as one datagram",
		    k->k_name, c->c_unit, len);
	}
	m->m_nextpkt = NULL;
	if (c->c_qtail != NULL)
		c->c_qtail->m_nextpkt = m;
	else
		c->c_q = m;
	c->c_qtail = m;
	c->c_cc += len;
	if (!(flags & CTL_DATA_NOWAKEUP))
		c->c_wakeup = 1;
}

static void
rcv_flush(struct ctl_client *c)
{
	while (c->c_q != NULL) {
		struct __mbuf *m = c->c_q;

		c->c_q = m->m_nextpkt;
		m->m_nextpkt = NULL;
		nke__m_freem(m);
	}
	c->c_qtail = NULL;
	c->c_cc = 0;
}

/* A contiguous copy of a message's bytes (NULL: no host memory). */
static const u_int8_t *
flatten(struct __mbuf *m, u_int32_t len)
{
	const struct nks_hostops *ho = nke__hostops;
	u_int32_t off = 0;

	if (m->m_next == NULL)
		return (const u_int8_t *)m->m_data;
	if (rbuf_cap < len) {
		size_t cap = len < 4096 ? 4096 : len;
		u_int8_t *nb = ho->ho_alloc(ho->ho_arg, cap);

		if (nb == NULL)
			return NULL;
		if (rbuf != NULL)
			ho->ho_free(ho->ho_arg, rbuf, rbuf_cap);
		rbuf = nb;
		rbuf_cap = cap;
	}
	for (; m != NULL; m = m->m_next) {
		if (m->m_len <= 0)
			continue;
		memcpy(rbuf + off, m->m_data, (size_t)m->m_len);
		off += (u_int32_t)m->m_len;
	}
	return rbuf;
}

/*
 * The client reads everything queued, if a wakeup reached it since it last
 * read: each message goes to ho_ctl_recv, and on a datagram control the
 * last one read ends a record (recv() returned it).
 */
static void
client_read(struct ctl_client *c)
{
	const struct nks_hostops *ho = nke__hostops;

	if (!c->c_wakeup)
		return;
	c->c_wakeup = 0;
	while (c->c_q != NULL) {
		struct __mbuf *m = c->c_q;
		u_int32_t len = (u_int32_t)nke__m_length(m), flags = 0;
		const u_int8_t *p;

		c->c_q = m->m_nextpkt;
		if (c->c_q == NULL)
			c->c_qtail = NULL;
		m->m_nextpkt = NULL;
		c->c_cc = c->c_cc > len ? c->c_cc - len : 0;
		if (chain_has_eor(m) || (!c->c_stream && c->c_q == NULL))
			flags |= NKS_CTL_EOR;
		if (ho->ho_ctl_recv != NULL) {
			p = flatten(m, len);
			if (p != NULL)
				ho->ho_ctl_recv(ho->ho_arg, c->c_handle, p, len, flags);
		}
		nke__m_freem(m);
	}
}

/* --- Running kext code as the client ------------------------------------ */

struct as_client {
	struct thread *ac_prev_th, *ac_th;
	u_int32_t ac_prev_kext;
	pid_t ac_pid, ac_ppid;
	uid_t ac_uid;
	gid_t ac_gid;
	char ac_name[2 * MAXCOMLEN + 1];
};

static u_int32_t
client_hook(const char *what)
{
	if (strcmp(what, "ctl_connect") == 0)
		return NKS_HOOK_CTL_CONNECT;
	if (strcmp(what, "ctl_disconnect") == 0)
		return NKS_HOOK_CTL_DISCONNECT;
	if (strcmp(what, "ctl_send") == 0)
		return NKS_HOOK_CTL_SEND;
	if (strcmp(what, "ctl_setopt") == 0)
		return NKS_HOOK_CTL_SETOPT;
	if (strcmp(what, "ctl_getopt") == 0)
		return NKS_HOOK_CTL_GETOPT;
	return 0;
}

/*
 * Switch to a fresh simulated thread of the client process, running the
 * code of the kext that registered k.  The process the kernel ran for is
 * remembered and restored by client_leave.
 */
static void
client_enter(struct as_client *ac, struct kctl *k, int nonroot, const char *what)
{
	char name[NKE_THREAD_NAME_MAX];

	nke__snprintf(name, sizeof(name), "%s %s", what, k->k_name);
	ac->ac_th = nke__thread_new(NKE_TH_CALLOUT, name);
	if (ac->ac_th == NULL)
		nke__panic("no free simulated thread for a control client (%d in use)",
		    NKE_THREADS_MAX);
	ac->ac_pid = proc_selfpid();
	ac->ac_ppid = proc_selfppid();
	ac->ac_uid = kauth_getuid();
	ac->ac_gid = kauth_getgid();
	proc_selfname(ac->ac_name, (int)sizeof(ac->ac_name));
	ac->ac_prev_th = nke__thread_switch(ac->ac_th);
	ac->ac_prev_kext = nke__kext_switch(k->k_kext);
	nke__chk_forget();
	/* The name outlives the control in the checks' records. */
	nke__chk_enter(client_hook(what), k->k_kext, nke__chk_intern(k->k_name), what);
	nke__proc_set_current(CTL_CLIENT_PID, 1, CTL_CLIENT_NAME,
	    nonroot ? CTL_USER_UID : 0, nonroot ? CTL_USER_GID : 0);
}

static void
client_leave(struct as_client *ac)
{
	nke__chk_leave();
	nke__thread_exit(ac->ac_th);
	(void)nke__thread_switch(ac->ac_prev_th);
	(void)nke__kext_switch(ac->ac_prev_kext);
	if (ac->ac_pid == 0)
		nke__proc_reset_current();
	else
		nke__proc_set_current(ac->ac_pid, ac->ac_ppid, ac->ac_name, ac->ac_uid,
		    ac->ac_gid);
}

static void
verdict(u_int32_t hook, struct kctl *k, int result, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
verdict(u_int32_t hook, struct kctl *k, int result, const char *fmt, ...)
{
	char detail[96];
	va_list ap;

	if (!nke__vd_on())
		return;
	va_start(ap, fmt);
	nke__vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	nke__verdict(hook, 0, NULL, k->k_kext, k->k_name, result, NULL, NULL, 0, detail);
}

/* Remember that unit u of k lost its client (ctl-enqueue-disconnected). */
static void
unit_gone(struct kctl *k, u_int32_t unit)
{
	k->k_gone[k->k_ngone++ % (sizeof(k->k_gone) / sizeof(k->k_gone[0]))] = unit;
}

/*
 * ctl_enqueue* found no client at `unit`: if one was there and went away,
 * the kext keeps sending to a closed connection (it should forget the unit
 * in ctl_disconnect).  XNU returns EINVAL, as here.
 */
static void
unit_check_gone(struct kctl *k, u_int32_t unit, const char *who)
{
	unsigned i, n = k->k_ngone < 8 ? k->k_ngone : 8;

	for (i = 0; i < n; i++) {
		if (k->k_gone[i] != unit)
			continue;
		nke__report("ctl-enqueue-disconnected",
		    "%s on unit %u of control \"%s\", whose client disconnected "
		    "(ctl_disconnect ran): XNU returns EINVAL; forget the unit in ctl_disconnect",
		    who, unit, k->k_name);
		return;
	}
}

/* The slot goes once nothing refers to it any more. */
static void
client_release(struct ctl_client *c)
{
	if (c->c_state == CS_CLOSED && c->c_busy == 0) {
		rcv_flush(c);
		memset(c, 0, sizeof(*c));
	}
}

/* ctl_disconnect (if any) for c, as its client; c stays a unit meanwhile. */
static void
run_disconnect(struct ctl_client *c)
{
	struct kctl *k = c->c_kctl;
	struct as_client ac;
	errno_t r;

	if (k->k_disconnect == NULL)
		return;
	c->c_state = CS_DISCONNECTING;
	c->c_busy++;
	client_enter(&ac, k, c->c_nonroot, "ctl_disconnect");
	r = k->k_disconnect(k->k_ref, c->c_unit, c->c_unitinfo);
	client_leave(&ac);
	c->c_busy--;
	verdict(NKS_HOOK_CTL_DISCONNECT, k, r, "unit=%u", c->c_unit);
}

/* Borrow host memory for an option buffer (NULL: no memory). */
static void *
opt_alloc(size_t size, unsigned *slot)
{
	unsigned i;

	for (i = 0; i < CTL_NESTED_MAX; i++) {
		if (opt_bufs[i] == NULL) {
			opt_bufs[i] = NKH_alloc(NKS_ALLOC_KERNEL, size);
			if (opt_bufs[i] == NULL)
				return NULL;
			opt_sizes[i] = size;
			*slot = i;
			return opt_bufs[i];
		}
	}
	return NULL;
}

static void
opt_release(unsigned slot)
{
	NKH_free(opt_bufs[slot], opt_sizes[slot]);
	opt_bufs[slot] = NULL;
	opt_sizes[slot] = 0;
}

/* --- The KPI -------------------------------------------------------------- */

NKE_KPI errno_t
ctl_register(struct kern_ctl_reg *userkctl, kern_ctl_ref *kctlref)
{
	struct kctl *k = NULL, *o;
	size_t name_len;
	u_int32_t id;
	unsigned i;

	if (kctlref == NULL)
		nke__panic("ctl_register: kctlref is NULL (XNU stores the reference through it)");
	*kctlref = NULL;
	if (userkctl == NULL || userkctl->ctl_connect == NULL)
		return EINVAL;
	name_len = strnlen(userkctl->ctl_name, sizeof(userkctl->ctl_name));
	if (name_len == 0 || name_len + 1 > MAX_KCTL_NAME)
		return EINVAL;
	for (i = 0; i < CTL_MAX && k == NULL; i++)
		if (!kctls[i].k_inuse)
			k = &kctls[i];
	if (k == NULL || NKH_fail(NKS_ALLOC_KERNEL))
		return ENOMEM;

	if (!(userkctl->ctl_flags & CTL_FLAG_REG_ID_UNIT)) {
		if (kctl_by_name(userkctl->ctl_name) != NULL)
			return EEXIST;
		/* One past the highest id; after a wrap, the first gap. */
		id = 1;
		for (o = kctl_next(NULL); o != NULL; o = kctl_next(o))
			id = o->k_id + 1;
		if (id == 0) {
			id = 1;
			for (o = kctl_next(NULL); o != NULL && o->k_id <= id; o = kctl_next(o))
				id = o->k_id + 1;
		}
		userkctl->ctl_id = id;
		k->k_reg_unit = (u_int32_t)-1;
	} else {
		if (kctl_by_id_unit(userkctl->ctl_id, userkctl->ctl_unit) != NULL)
			return EEXIST;
		id = userkctl->ctl_id;
		k->k_reg_unit = userkctl->ctl_unit;
	}

	k->k_inuse = 1;
	k->k_id = id;
	memcpy(k->k_name, userkctl->ctl_name, name_len);
	k->k_name[name_len] = '\0';
	k->k_flags = userkctl->ctl_flags;
	if (userkctl->ctl_sendsize == 0)
		userkctl->ctl_sendsize = CTL_SENDSIZE;
	if (userkctl->ctl_recvsize == 0)
		userkctl->ctl_recvsize = CTL_RECVSIZE;
	k->k_sendsize = userkctl->ctl_sendsize;
	k->k_recvsize = userkctl->ctl_recvsize;
	k->k_connect = userkctl->ctl_connect;
	k->k_disconnect = userkctl->ctl_disconnect;
	k->k_send = userkctl->ctl_send;
	k->k_setopt = userkctl->ctl_setopt;
	k->k_getopt = userkctl->ctl_getopt;
	k->k_kext = nke__kext_current_id();
	k->k_warned_merge = 0;
	k->k_ngone = 0;
	/* Index plus one, salted with a generation: a stale ref stays invalid. */
	ref_gen = (ref_gen + 1) & 0xffffu;
	if (ref_gen == 0)
		ref_gen = 1;
	k->k_ref = (kern_ctl_ref)(uintptr_t)((ref_gen << REF_GEN_SHIFT) |
	    ((uintptr_t)(k - kctls) + 1));
	*kctlref = k->k_ref;
	post_msg(KEV_CTL_REGISTERED, id);
	return 0;
}

NKE_KPI errno_t
ctl_deregister(kern_ctl_ref kctlref)
{
	struct kctl *k = kctl_from_ref(kctlref);
	unsigned i;
	u_int32_t id;

	if (k == NULL)
		return EINVAL;
	/*
	 * Units being connected or disconnected count, and closed ones whose
	 * callbacks still run (XNU: kcb_head until the use count drops).
	 */
	for (i = 0; i < CTL_CLIENTS_MAX; i++)
		if (clients[i].c_state != CS_FREE && clients[i].c_kctl == k)
			return EBUSY;
	id = k->k_id;
	memset(k, 0, sizeof(*k));
	post_msg(KEV_CTL_DEREGISTERED, id);
	return 0;
}

static errno_t enqueuembuf(kern_ctl_ref kctlref, u_int32_t unit, mbuf_t m, u_int32_t flags);

/*
 * The KPI: on success the packet is the client's (the stack's); on EINVAL
 * or ENOBUFS the caller still owns it (kpi-reference.md 1.7).
 */
NKE_KPI errno_t
ctl_enqueuembuf(kern_ctl_ref kctlref, u_int32_t unit, mbuf_t m, u_int32_t flags)
{
	NKE_KPI_CALL("ctl_enqueuembuf");
	u_int32_t owner, site;
	errno_t error;

	if (m == NULL)
		nke__panic("ctl_enqueuembuf: NULL mbuf (XNU reads its packet header)");
	if (!nke__m_live(m)) {
		char d[768];

		nke__panic("ctl_enqueuembuf: mbuf %p is already free: it was %s", (void *)m,
		    nke__m_describe(m, d, sizeof(d)));
	}
	owner = m->m_owner;
	site = nke__site_new(NKE_SITE_HANDOFF, NULL, NULL, 0);
	nke__m_own_chain(m, NKE_OWN_STACK, site);
	error = enqueuembuf(kctlref, unit, m, flags);
	if (error != 0)
		nke__m_own_chain(m, owner, nke__site_new(NKE_SITE_RETURNED, NULL, NULL, error));
	return error;
}

static errno_t
enqueuembuf(kern_ctl_ref kctlref, u_int32_t unit, mbuf_t m, u_int32_t flags)
{
	struct kctl *k;
	struct ctl_client *c;
	u_int32_t len;

	k = kctl_from_ref(kctlref);
	c = k != NULL ? unit_of(k, unit) : NULL;
	if (c == NULL) {
		if (k != NULL)
			unit_check_gone(k, unit, "ctl_enqueuembuf");
		return EINVAL;
	}
	if (m->m_flags & M_PKTHDR) {
		len = m->m_pkthdr.len > 0 ? (u_int32_t)m->m_pkthdr.len : 0;
	} else {
		nke__report("mbuf-no-pkthdr",
		    "ctl_enqueuembuf called with mbuf %p, which has no packet header", (void *)m);
		len = (u_int32_t)nke__m_length(m);
	}
	if (rcv_space(c) < len)
		return ENOBUFS;
	rcv_append(c, m, (u_int32_t)nke__m_length(m), flags);
	return 0;
}

NKE_KPI errno_t
ctl_enqueuedata(kern_ctl_ref kctlref, u_int32_t unit, void *data, size_t len, u_int32_t flags)
{
	struct kctl *k = kctl_from_ref(kctlref);
	struct ctl_client *c = k != NULL ? unit_of(k, unit) : NULL;
	struct __mbuf *m, *n;
	unsigned int num = 1;
	size_t cur = 0;

	if (c == NULL) {
		if (k != NULL)
			unit_check_gone(k, unit, "ctl_enqueuedata");
		return EINVAL;
	}
	if (rcv_space(c) < len)
		return ENOBUFS;
	if (len > 0 && data == NULL)
		nke__panic("ctl_enqueuedata: %zu bytes from a NULL pointer", len);
	m = nke__m_allocpacket(&num, len, NULL, M_DONTWAIT);
	if (m == NULL)
		return ENOMEM;
	for (n = m; n != NULL; n = n->m_next) {
		size_t room = (size_t)nke__m_trailingspace(n);

		if (room > len - cur)
			room = len - cur;
		if (room > 0)
			memcpy(n->m_data, (const u_int8_t *)data + cur, room);
		n->m_len = (int32_t)room;
		cur += room;
	}
	m->m_pkthdr.len = (int32_t)cur;
	rcv_append(c, m, (u_int32_t)cur, flags);
	return 0;
}

NKE_KPI errno_t
ctl_getenqueuespace(kern_ctl_ref kctlref, u_int32_t unit, size_t *space)
{
	struct kctl *k = kctl_from_ref(kctlref);
	struct ctl_client *c = k != NULL ? unit_of(k, unit) : NULL;

	if (space == NULL)
		return EINVAL;
	*space = 0;
	if (c == NULL)
		return EINVAL;
	*space = rcv_space(c);
	return 0;
}

NKE_KPI errno_t
ctl_getenqueuereadable(kern_ctl_ref kctlref, u_int32_t unit, u_int32_t *difference)
{
	struct kctl *k = kctl_from_ref(kctlref);
	struct ctl_client *c = k != NULL ? unit_of(k, unit) : NULL;

	if (difference == NULL)
		return EINVAL;
	*difference = 0;
	if (c == NULL)
		return EINVAL;
	*difference = c->c_cc >= CTL_RCV_LOWAT ? 0 : CTL_RCV_LOWAT - c->c_cc;
	return 0;
}

/* --- The client side (the seam) ------------------------------------------ */

static u_int32_t
sb_size(u_int32_t registered)
{
	return registered > CTL_SB_MAX ? CTL_SB_MAX : registered;
}

NKE_KPI int
NKS_ctl_connect(const char *name, nks_u32 unit, nks_u32 flags, nks_u32 *client,
    nks_u32 *unit_out)
{
	struct ctl_client *c = NULL;
	struct sockaddr_ctl sac;
	struct as_client ac;
	struct kctl *k;
	size_t name_len;
	errno_t r;
	unsigned i;

	if (client != NULL)
		*client = 0;
	if (unit_out != NULL)
		*unit_out = 0;
	if (nke__hostops == NULL || client == NULL)
		return EINVAL;
	/* ioctl(CTLIOCGINFO) */
	if (name == NULL)
		return EINVAL;
	name_len = strnlen(name, MAX_KCTL_NAME);
	if (name_len == 0 || name_len + 1 > MAX_KCTL_NAME)
		return EINVAL;
	k = kctl_by_name(name);
	if (k == NULL)
		return ENOENT;
	/* connect() */
	k = kctl_by_id_unit(k->k_id, unit);
	if (k == NULL)
		return ENOENT;
	if (!(k->k_flags & CTL_FLAG_REG_SOCK_STREAM) != !(flags & NKS_CTL_STREAM))
		return EPROTOTYPE;
	if ((k->k_flags & CTL_FLAG_PRIVILEGED) && (flags & NKS_CTL_NONROOT))
		return EPERM;
	if ((k->k_flags & CTL_FLAG_REG_ID_UNIT) || unit != 0) {
		if (unit_of(k, unit) != NULL)
			return EBUSY;
	} else {
		for (unit = 1; unit < CTL_MAXUNIT && unit_of(k, unit) != NULL; unit++)
			;
		if (unit == CTL_MAXUNIT)
			return EBUSY;
	}
	for (i = 0; i < CTL_CLIENTS_MAX && c == NULL; i++)
		if (clients[i].c_state == CS_FREE)
			c = &clients[i];
	if (c == NULL || NKH_fail(NKS_ALLOC_KERNEL))
		return ENOBUFS;	/* socket(): no room for one more */

	memset(c, 0, sizeof(*c));
	c->c_state = CS_CONNECTING;
	c->c_kctl = k;
	c->c_unit = unit;
	c->c_stream = (flags & NKS_CTL_STREAM) != 0;
	c->c_nonroot = (flags & NKS_CTL_NONROOT) != 0;
	c->c_hiwat = sb_size(k->k_recvsize);
	c->c_sndhiwat = sb_size(k->k_sendsize);
	c->c_wakeup = 1;	/* not yet blocked in recv() */
	if (++next_handle == 0)
		next_handle = 1;
	c->c_handle = next_handle;

	memset(&sac, 0, sizeof(sac));
	sac.sc_len = sizeof(sac);
	sac.sc_family = AF_SYSTEM;
	sac.ss_sysaddr = AF_SYS_CONTROL;
	sac.sc_id = k->k_id;
	sac.sc_unit = unit;
	c->c_busy++;
	client_enter(&ac, k, c->c_nonroot, "ctl_connect");
	r = k->k_connect(k->k_ref, &sac, &c->c_unitinfo);
	client_leave(&ac);
	c->c_busy--;
	verdict(NKS_HOOK_CTL_CONNECT, k, r, "unit=%u", unit);
	if (r != 0) {
		/* XNU calls ctl_disconnect after a failed ctl_connect too. */
		run_disconnect(c);
		c->c_state = CS_CLOSED;
		client_release(c);
		return r;
	}
	if (c->c_state == CS_CONNECTING)
		c->c_state = CS_CONNECTED;
	*client = c->c_handle;
	if (unit_out != NULL)
		*unit_out = unit;
	return 0;
}

NKE_KPI int
NKS_ctl_send(nks_u32 client, const void *data, nks_size len)
{
	struct ctl_client *c = client_by_handle(client);
	struct kctl *k;
	nks_size done = 0;
	int r = 0;

	if (c == NULL)
		return ENOTCONN;
	k = c->c_kctl;
	if (len > 0 && data == NULL)
		return EFAULT;
	/* sosend(): a datagram must fit the send buffer whole. */
	if (!c->c_stream && len > c->c_sndhiwat)
		return EMSGSIZE;
	do {
		nks_size chunk = len - done;
		struct __mbuf *m, *n;
		unsigned int num = 1;
		struct as_client ac;
		size_t cur = 0;

		if (chunk > c->c_sndhiwat)
			chunk = c->c_sndhiwat;
		m = nke__m_allocpacket(&num, chunk, NULL, M_WAIT);
		if (m == NULL)
			return ENOBUFS;
		for (n = m; n != NULL; n = n->m_next) {
			size_t room = (size_t)nke__m_trailingspace(n);

			if (room > chunk - cur)
				room = chunk - cur;
			if (room > 0)
				memcpy(n->m_data, (const u_int8_t *)data + done + cur, room);
			n->m_len = (int32_t)room;
			cur += room;
		}
		m->m_pkthdr.len = (int32_t)chunk;
		if (k->k_send == NULL) {
			nke__m_freem(m);
			r = ENOTSUP;
			break;
		}
		/* The callback owns m whatever it returns. */
		c->c_busy++;
		client_enter(&ac, k, c->c_nonroot, "ctl_send");
		nke__m_own_chain(m, NKE_OWN_KEXT | k->k_kext,
		                 nke__site_new(NKE_SITE_GIVEN, "ctl_send", NULL, 0));
		r = k->k_send(k->k_ref, c->c_unit, c->c_unitinfo, m, 0);
		client_leave(&ac);
		c->c_busy--;
		verdict(NKS_HOOK_CTL_SEND, k, r, "unit=%u len=%zu", c->c_unit, (size_t)chunk);
		done += chunk;
		if (c->c_state != CS_CONNECTED)
			break;
	} while (r == 0 && done < len);
	client_release(c);
	return r;
}

NKE_KPI int
NKS_ctl_setopt(nks_u32 client, nks_i32 opt, const void *data, nks_size len)
{
	struct ctl_client *c = client_by_handle(client);
	struct as_client ac;
	struct kctl *k;
	void *buf = NULL;
	unsigned slot = 0;
	errno_t r;

	if (c == NULL)
		return ENOTCONN;
	k = c->c_kctl;
	if (k->k_setopt == NULL)
		return ENOTSUP;
	if (len > 0) {
		if (data == NULL)
			return EFAULT;
		buf = opt_alloc(len, &slot);
		if (buf == NULL)
			return ENOMEM;
		memcpy(buf, data, len);
	}
	c->c_busy++;
	client_enter(&ac, k, c->c_nonroot, "ctl_setopt");
	r = k->k_setopt(k->k_ref, c->c_unit, c->c_unitinfo, opt, buf, len);
	client_leave(&ac);
	c->c_busy--;
	if (buf != NULL)
		opt_release(slot);
	verdict(NKS_HOOK_CTL_SETOPT, k, r, "unit=%u opt=%d len=%zu", c->c_unit, (int)opt,
	    (size_t)len);
	client_release(c);
	return r;
}

NKE_KPI int
NKS_ctl_getopt(nks_u32 client, nks_i32 opt, void *data, nks_size *len)
{
	struct ctl_client *c = client_by_handle(client);
	struct as_client ac;
	struct kctl *k;
	void *buf = NULL;
	unsigned slot = 0;
	size_t size, got;
	errno_t r;

	if (c == NULL)
		return ENOTCONN;
	if (len == NULL)
		return EFAULT;
	k = c->c_kctl;
	if (k->k_getopt == NULL)
		return ENOTSUP;
	size = *len;
	/* The kext's buffer starts with what the caller's held (XNU 4108337). */
	if (size > 0 && data != NULL) {
		buf = opt_alloc(size, &slot);
		if (buf == NULL)
			return ENOMEM;
		memcpy(buf, data, size);
	}
	got = size;
	c->c_busy++;
	client_enter(&ac, k, c->c_nonroot, "ctl_getopt");
	r = k->k_getopt(k->k_ref, c->c_unit, c->c_unitinfo, opt, buf, &got);
	if (buf != NULL && got > size)
		nke__panic("ctl_ctloutput: ctl %s returned len (%zu) > sopt_valsize (%zu)",
		    k->k_name, got, size);
	client_leave(&ac);
	c->c_busy--;
	if (r == 0) {
		if (buf != NULL)
			memcpy(data, buf, got);
		*len = got;
	}
	if (buf != NULL)
		opt_release(slot);
	verdict(NKS_HOOK_CTL_GETOPT, k, r, "unit=%u opt=%d len=%zu%s", c->c_unit, (int)opt,
	    got, buf == NULL ? " size-query" : "");
	client_release(c);
	return r;
}

NKE_KPI int
NKS_ctl_disconnect(nks_u32 client)
{
	struct ctl_client *c = client_by_handle(client);

	if (c == NULL)
		return ENOTCONN;
	run_disconnect(c);
	/* Unread data goes with the socket; callbacks still running keep the slot. */
	c->c_state = CS_CLOSED;
	unit_gone(c->c_kctl, c->c_unit);
	rcv_flush(c);
	client_release(c);
	return 0;
}

NKE_KPI int
NKS_ctl_recv(nks_u32 client)
{
	struct ctl_client *c = client_by_handle(client);

	if (c == NULL)
		return ENOTCONN;
	client_read(c);
	return 0;
}

NKE_KPI int
NKS_ctl_info(nks_u32 i, struct nks_ctl_info *info)
{
	struct kctl *k;

	if (info == NULL)
		return EINVAL;
	memset(info, 0, sizeof(*info));
	if (nke__hostops == NULL)
		return ENOENT;
	for (k = kctl_next(NULL); k != NULL && i > 0; k = kctl_next(k))
		i--;
	if (k == NULL)
		return ENOENT;
	_Static_assert(sizeof(info->ci_name) == MAX_KCTL_NAME, "control names");
	memcpy(info->ci_name, k->k_name, MAX_KCTL_NAME);
	info->ci_id = k->k_id;
	if (k->k_flags & CTL_FLAG_REG_ID_UNIT) {
		info->ci_unit = k->k_reg_unit;
		info->ci_flags |= NKS_CTLF_STATIC;
	}
	if (k->k_flags & CTL_FLAG_PRIVILEGED)
		info->ci_flags |= NKS_CTLF_PRIVILEGED;
	if (k->k_flags & CTL_FLAG_REG_SOCK_STREAM)
		info->ci_flags |= NKS_CTLF_STREAM;
	info->ci_kext = k->k_kext;
	info->ci_clients = kctl_nclients(k);
	return 0;
}

/* --- Sleeps that wait for a client ------------------------------------------ */

int
nke__ctl_sleep_idle(const char *who)
{
	const struct nks_hostops *ho = nke__hostops;
	u_int32_t kext = nke__kext_current_id();
	unsigned i;

	if (ho == NULL || !kext_has_control(kext))
		return 0;
	for (i = 0; i < CTL_CLIENTS_MAX; i++)
		if (clients[i].c_state == CS_CONNECTED)
			client_read(&clients[i]);
	if (ho->ho_ctl_idle == NULL)
		return 0;
	return ho->ho_ctl_idle(ho->ho_arg, who, nke__kext_name_of(kext)) != 0;
}

/* "no client is connected to control "x"" or the units that are. */
static void
describe_clients(u_int32_t kext, char *buf, size_t size)
{
	size_t o = 0;
	unsigned i, j, n;

	buf[0] = '\0';
	for (i = 0; i < CTL_MAX; i++) {
		struct kctl *k = &kctls[i];

		if (!k->k_inuse || k->k_kext != kext)
			continue;
		n = kctl_nclients(k);
		if (o > 0 && o + 2 < size)
			o += (size_t)nke__snprintf(buf + o, size - o, "; ");
		if (n == 0) {
			nke__snprintf(buf + o, size - o, "no client is connected to control \"%s\"",
			    k->k_name);
		} else {
			nke__snprintf(buf + o, size - o,
			    "the client%s of control \"%s\" (unit", n > 1 ? "s" : "", k->k_name);
			o = strlen(buf);
			for (j = 0; j < CTL_CLIENTS_MAX && o + 12 < size; j++)
				if (clients[j].c_state != CS_FREE && clients[j].c_state != CS_CLOSED &&
				    clients[j].c_kctl == k)
					o += (size_t)nke__snprintf(buf + o, size - o, " %u",
					    clients[j].c_unit);
			nke__snprintf(buf + o, size - o, ") had nothing more to say");
		}
		o = strlen(buf);
	}
}

int
nke__ctl_sleep_unanswered(const char *who, const void *chan)
{
	u_int32_t kext = nke__kext_current_id();
	const char *kname;
	char desc[256];

	if (!kext_has_control(kext))
		return 0;
	kname = nke__kext_name_of(kext) != NULL ? nke__kext_name_of(kext) : "?";
	/* Nothing moved since the last one: the same wait, again and again. */
	if (sleep_streak > 0 && streak_uptime == nke__clock_uptime_ns &&
	    streak_index == nke__cur_index) {
		if (++sleep_streak > CTL_LOOP_MAX)
			nke__panic("%s in %s would sleep forever: it waited %u times in a row for "
			    "a control client that never answers, without the clock or the "
			    "record moving (a loop around the sleep never ends)",
			    who, kname, CTL_LOOP_MAX);
		return 1;
	}
	sleep_streak = 1;
	streak_uptime = nke__clock_uptime_ns;
	streak_index = nke__cur_index;
	describe_clients(kext, desc, sizeof(desc));
	nke__report("ctl-sleep-unanswered",
	    "%s in %s waits for a control client that never answers: nothing pending can "
	    "wake channel %p and %s; the sleep ends as if it timed out (EWOULDBLOCK)",
	    who, kname, chan, desc);
	return 1;
}
