/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kpi_socketfilter.c - the socket filter KPI (kernel world): sflt_register,
 * sflt_unregister, sflt_attach, sflt_detach, sock_inject_data_in/out, the
 * sockopt_* accessors, and the callback runners the socket layer calls
 * (nke__sflt_notify, nke__sflt_data_in, ...).
 *
 * As in XNU (bsd/kern/kpi_socketfilter.c): every filter is on a global list
 * by handle and, with SFLT_GLOBAL, on the list of its protocol switch entry
 * in registration order; a socket keeps its attachments with head
 * insertion, so callbacks run most recently attached first.  Attachments
 * are reference counted: the "attached" reference plus one per callback in
 * flight.  When the last one goes, the attachment waits on a cleanup list
 * for the cleanup thread, which calls sf_detach (unless it already ran or
 * sf_attach failed), unlinks it and releases the filter; the filter's last
 * reference calls sf_unregistered.  Freeing a socket (sflt_termsock) calls
 * sf_detach synchronously.
 *
 * nkesim's cleanup thread runs when the outermost socket-layer operation in
 * progress ends (so "after the current callback / packet"), or, when an
 * attachment is released outside any (sflt_detach or sflt_unregister from
 * a start/stop routine or a timer), as a kernel thread call the next time
 * the simulated clock moves.
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <kern/thread_call.h>

#include "sock_internal.h"
#include "kern_checks.h"

static TAILQ_HEAD(, nke_sflt) sflt_all = TAILQ_HEAD_INITIALIZER(sflt_all);
/* Every filter record not yet freed (registered or draining), for fini. */
static TAILQ_HEAD(, nke_sflt) sflt_every = TAILQ_HEAD_INITIALIZER(sflt_every);
static TAILQ_HEAD(nke_sflt_plist, nke_sflt) sflt_proto[NKE_PRSW_N];
struct nke_sfe *nke__sflt_cleanup_head; /* sock_internal.h */
static int cleanup_running;
static thread_call_t cleanup_call;
u_int32_t nke__sflt_count;

/* Attachment records: slabs, a free list, never returned before fini. */
#define SFE_SLAB 128
struct sfe_slab {
	struct sfe_slab *ss_next;
	struct nke_sfe ss_e[SFE_SLAB];
};
static struct sfe_slab *sfe_slabs;
static struct nke_sfe *sfe_free;

static struct nke_sfe *
sfe_alloc(void)
{
	struct nke_sfe *e;

	if (sfe_free == NULL) {
		struct sfe_slab *s = NKH_alloc(NKS_ALLOC_KERNEL, sizeof(*s));
		unsigned i;

		if (s == NULL)
			return NULL;
		memset(s, 0, sizeof(*s));
		s->ss_next = sfe_slabs;
		sfe_slabs = s;
		for (i = 0; i < SFE_SLAB; i++) {
			s->ss_e[i].sfe_next_oncleanup = sfe_free;
			sfe_free = &s->ss_e[i];
		}
	}
	e = sfe_free;
	sfe_free = e->sfe_next_oncleanup;
	memset(e, 0, sizeof(*e));
	return e;
}

static void
sfe_dealloc(struct nke_sfe *e)
{
	memset(e, 0, sizeof(*e));
	e->sfe_next_oncleanup = sfe_free;
	sfe_free = e;
}

/* --- Reference counting and the cleanup thread ---------------------------------- */

static void
cleanup_thread(thread_call_param_t p0, thread_call_param_t p1)
{
	(void)p0;
	(void)p1;
	nke__sflt_cleanup_run();
}

static void
sflt_free(struct nke_sflt *f)
{
	TAILQ_REMOVE(&sflt_every, f, sf_elink);
	nke__vcount_gone(&f->sf_vc[0]);
	nke__vcount_gone(&f->sf_vc[1]);
	f->sf_magic = 0;
	NKH_free(f, sizeof(*f));
}

/* Drop a reference on a filter; the last one calls sf_unregistered. */
static void
sflt_release(struct nke_sflt *f)
{
	NKE_ASSERT(f->sf_refs > 0, "socket filter reference underflow");
	if (--f->sf_refs > 0)
		return;
	if (f->sf_f.sf_unregistered != NULL) {
		struct nke_cb cb;

		nke__cb_enter(&cb, f->sf_kext, f->sf_f.sf_name);
		f->sf_f.sf_unregistered(f->sf_f.sf_handle);
		nke__cb_leave(&cb);
	}
	if (nke__vd_on()) {
		const struct nks_hostops *ho = nke__hostops;
		struct nks_verdict vd;
		char d[48];

		nke__snprintf(d, sizeof(d), "unregistered handle=0x%x", f->sf_f.sf_handle);
		memset(&vd, 0, sizeof(vd));
		vd.vd_index = nke__cur_index;
		vd.vd_hook = NKS_HOOK_SOCKET;
		vd.vd_kext = nke__kext_name_of(f->sf_kext);
		vd.vd_filter = f->sf_f.sf_name;
		vd.vd_detail = d;
		nke__vd_last(vd.vd_index, NKS_HOOK_SOCKET);
		ho->ho_verdict(ho->ho_arg, &vd);
	}
	sflt_free(f);
}

static void
sfe_retain(struct nke_sfe *e)
{
	e->sfe_refs++;
}

static void
sfe_release(struct nke_sfe *e)
{
	NKE_ASSERT(e->sfe_refs > 0, "socket filter attachment reference underflow");
	if (--e->sfe_refs > 0)
		return;
	e->sfe_next_oncleanup = nke__sflt_cleanup_head;
	nke__sflt_cleanup_head = e;
	if (nke__so_depth == 0 && !cleanup_running && cleanup_call != NULL)
		(void)thread_call_enter(cleanup_call);
}

/* Drop the "attached" reference (callbacks stop being started). */
static void
sfe_detach_locked(struct nke_sfe *e)
{
	if (e->sfe_flags & SFEF_ATTACHED) {
		e->sfe_flags &= ~(u_int32_t)SFEF_ATTACHED;
		sfe_release(e);
	}
}

static void
verdict_simple(u_int32_t hook, struct nke_sflt *f, int result, const char *detail)
{
	nke__verdict(hook, 0, NULL, f->sf_kext, f->sf_f.sf_name, result, NULL, NULL, 0, detail);
}

void
nke__sflt_cleanup_run(void)
{
	if (cleanup_running)
		return; /* the outer run picks up what is added meanwhile */
	cleanup_running = 1;
	while (nke__sflt_cleanup_head != NULL) {
		struct nke_sfe *dead = nke__sflt_cleanup_head, *e;

		nke__sflt_cleanup_head = NULL;
		for (e = dead; e != NULL; e = dead) {
			struct nke_sflt *f = e->sfe_filter;
			struct nke_sfe **pp;

			dead = e->sfe_next_oncleanup;
			if (!(e->sfe_flags & SFEF_NODETACH) && f->sf_f.sf_detach != NULL) {
				struct nke_cb cb;

				e->sfe_flags |= SFEF_NODETACH;
				/* XNU: "passing a potentially dead socket may be bad". */
				nke__cb_enter_at(&cb, f->sf_kext, f->sf_f.sf_name, NKS_HOOK_SF_DETACH, NULL,
				                 NULL);
				f->sf_f.sf_detach(e->sfe_cookie, e->sfe_socket);
				nke__cb_leave(&cb);
				if (nke__vd_on()) {
					char d[32];

					nke__snprintf(d, sizeof(d), "so=%u",
					              e->sfe_socket != NULL ? e->sfe_socket->so_id : 0);
					verdict_simple(NKS_HOOK_SF_DETACH, f, 0, d);
				}
			}
			if (!(e->sfe_flags & SFEF_NOSOCKET) && e->sfe_socket != NULL) {
				for (pp = &e->sfe_socket->so_filt; *pp != NULL;
				     pp = &(*pp)->sfe_next_onsocket) {
					if (*pp == e) {
						*pp = e->sfe_next_onsocket;
						break;
					}
				}
			}
			*e->sfe_prev_onfilter = e->sfe_next_onfilter;
			if (e->sfe_next_onfilter != NULL)
				e->sfe_next_onfilter->sfe_prev_onfilter = e->sfe_prev_onfilter;
			sfe_dealloc(e);
			sflt_release(f);
		}
	}
	cleanup_running = 0;
}

/* --- Attachment ------------------------------------------------------------------- */

static const char *
so_kind(const struct __socket *so)
{
	if (so->so_protocol == IPPROTO_TCP)
		return so->so_family == AF_INET6 ? "tcp6" : "tcp4";
	if (so->so_protocol == IPPROTO_UDP)
		return so->so_family == AF_INET6 ? "udp6" : "udp4";
	return so->so_family == AF_INET6 ? "raw6" : "raw4";
}

static int
sflt_attach_locked(struct __socket *so, struct nke_sflt *f)
{
	struct nke_sfe *e, *x;
	int error = 0;

	/*
	 * XNU's duplicate check follows the wrong link (sfe_next_onfilter from
	 * the socket's first attachment), so it only sees the most recent
	 * attachment's filter: reproduced, and an actual duplicate is warned.
	 */
	if (so->so_filt != NULL && so->so_filt->sfe_filter->sf_f.sf_handle == f->sf_f.sf_handle)
		return EEXIST;
	for (x = so->so_filt; x != NULL; x = x->sfe_next_onsocket)
		if (x->sfe_filter == f && (x->sfe_flags & SFEF_ATTACHED)) {
			nke__warn("sflt-duplicate-attach",
			          "socket filter \"%s\" attached a second time to socket %u (XNU's "
			          "duplicate check only sees the most recent attachment)",
			          f->sf_f.sf_name, so->so_id);
			break;
		}
	e = sfe_alloc();
	if (e == NULL)
		return ENOMEM; /* NKE-DIVERGENCE: XNU's allocation cannot fail */
	e->sfe_flags = SFEF_ATTACHED;
	e->sfe_refs = 1;
	f->sf_refs++;
	e->sfe_filter = f;
	e->sfe_next_onfilter = f->sf_entries;
	if (f->sf_entries != NULL)
		f->sf_entries->sfe_prev_onfilter = &e->sfe_next_onfilter;
	e->sfe_prev_onfilter = &f->sf_entries;
	f->sf_entries = e;
	e->sfe_socket = so;
	e->sfe_next_onsocket = so->so_filt;
	so->so_filt = e;
	if (f->sf_f.sf_attach != NULL) {
		struct nke_cb cb;

		sfe_retain(e);
		nke__cb_enter_at(&cb, f->sf_kext, f->sf_f.sf_name, NKS_HOOK_SF_ATTACH, NULL, NULL);
		error = f->sf_f.sf_attach(&e->sfe_cookie, so);
		nke__cb_leave(&cb);
		if (nke__vd_on()) {
			char d[48];

			nke__snprintf(d, sizeof(d), "so=%u %s", so->so_id, so_kind(so));
			verdict_simple(NKS_HOOK_SF_ATTACH, f, error, d);
		}
		if (error != 0) {
			/* Not attached, and sf_detach must not be called. */
			e->sfe_flags |= SFEF_NODETACH;
			sfe_detach_locked(e);
		}
		sfe_release(e);
	}
	return error;
}

void
nke__sflt_initsock(struct __socket *so)
{
	struct nke_sflt *snap[NKE_SFLT_MAX], *f;
	unsigned n = 0, i;

	if (so->so_family != AF_INET && so->so_family != AF_INET6)
		return;
	if (TAILQ_EMPTY(&sflt_proto[so->so_prsw]))
		return;
	/*
	 * In registration order, so the last registered filter ends up first
	 * on the socket.  Each is held while sf_attach runs (which may
	 * unregister filters).
	 */
	TAILQ_FOREACH(f, &sflt_proto[so->so_prsw], sf_plink)
	{
		if (n == NKE_SFLT_MAX)
			break;
		f->sf_refs++;
		snap[n++] = f;
	}
	for (i = 0; i < n; i++) {
		if (snap[i]->sf_onproto)
			(void)sflt_attach_locked(so, snap[i]);
		sflt_release(snap[i]);
	}
}

void
nke__sflt_termsock(struct __socket *so)
{
	struct nke_sfe *e;

	while ((e = so->so_filt) != NULL) {
		so->so_filt = e->sfe_next_onsocket;
		e->sfe_flags |= SFEF_NOSOCKET;
		sfe_detach_locked(e);
		if (!(e->sfe_flags & SFEF_NODETACH) && e->sfe_filter->sf_f.sf_detach != NULL) {
			struct nke_sflt *f = e->sfe_filter;
			struct nke_cb cb;

			f->sf_refs++;
			e->sfe_flags |= SFEF_NODETACH;
			nke__cb_enter_at(&cb, f->sf_kext, f->sf_f.sf_name, NKS_HOOK_SF_DETACH, NULL, NULL);
			f->sf_f.sf_detach(e->sfe_cookie, so);
			nke__cb_leave(&cb);
			if (nke__vd_on()) {
				char d[32];

				nke__snprintf(d, sizeof(d), "so=%u", so->so_id);
				verdict_simple(NKS_HOOK_SF_DETACH, f, 0, d);
			}
			sflt_release(f);
		}
	}
}

int
nke__sflt_attach_handle(struct __socket *so, sflt_handle handle)
{
	struct nke_sflt *f;

	if (handle == 0)
		return EINVAL;
	TAILQ_FOREACH(f, &sflt_all, sf_glink)
	if (f->sf_f.sf_handle == handle)
		break;
	if (f == NULL)
		return EINVAL;
	return sflt_attach_locked(so, f);
}

/* --- Callback runners -------------------------------------------------------------- */

static const char *const event_names[] = {
    "0",           "connecting", "connected",   "disconnecting", "disconnected", "flush_read",
    "shutdown",    "cantrecvmore", "cantsendmore", "closing",    "bound",
};

/* Iterate the attached entries of so that have callback `cb` set. */
#define SFE_CALLABLE(e, cb) (((e)->sfe_flags & SFEF_ATTACHED) && (e)->sfe_filter->sf_f.cb != NULL)

void
nke__sflt_notify(struct __socket *so, sflt_event_t event, void *param)
{
	struct nke_sfe *e;

	for (e = so->so_filt; e != NULL; e = e->sfe_next_onsocket) {
		struct nke_sflt *f = e->sfe_filter;
		struct nke_cb cb;

		if (!SFE_CALLABLE(e, sf_notify))
			continue;
		sfe_retain(e);
		nke__cb_enter_at(&cb, f->sf_kext, f->sf_f.sf_name, NKS_HOOK_SF_NOTIFY, NULL, NULL);
		f->sf_f.sf_notify(e->sfe_cookie, so, event, param);
		nke__cb_leave(&cb);
		if (nke__vd_on()) {
			char d[64];

			if (event == sock_evt_shutdown && param != NULL)
				nke__snprintf(d, sizeof(d), "so=%u event=shutdown how=%d", so->so_id,
				              *(int *)param);
			else if (event < sizeof(event_names) / sizeof(event_names[0]))
				nke__snprintf(d, sizeof(d), "so=%u event=%s", so->so_id,
				              event_names[event]);
			else
				nke__snprintf(d, sizeof(d), "so=%u event=%u", so->so_id, event);
			verdict_simple(NKS_HOOK_SF_NOTIFY, f, 0, d);
		}
		sfe_release(e);
	}
}

static void
data_detail(char *d, size_t size, struct __socket *so, const struct sockaddr *sa,
            const char *what, struct __mbuf **control, sflt_data_flag_t flags)
{
	char a[64], *e = d;
	const char *as;
	size_t n;

	/*
	 * Written without printf (once per data callback when the log is on);
	 * the longest, 124 bytes, fits the callers' 128.
	 */
	NKE_ASSERT(size >= 128, "data_detail: buffer too small");
	memcpy(e, "so=", 3);
	e = nke__put_int(e + 3, so->so_id);
	if (sa != NULL) {
		*e++ = ' ';
		n = strlen(what);
		memcpy(e, what, n);
		e += n;
		*e++ = '=';
		as = nke__sa_str(sa, a, sizeof(a));
		n = strlen(as);
		memcpy(e, as, n);
		e += n;
	}
	if (control == NULL) {
		memcpy(e, " control=none", 13);
		e += 13;
	} else if (*control != NULL) {
		memcpy(e, " control=", 9);
		e = nke__put_int(e + 9, (*control)->m_flags & M_PKTHDR ? (*control)->m_pkthdr.len
		                                                         : (*control)->m_len);
	}
	if (flags != 0) {
		memcpy(e, " flags=", 7);
		e = nke__put_int(e + 7, flags);
	}
	*e = '\0';
}

/*
 * The socket's filters' sf_data_in (out 0) or sf_data_out (out 1) in turn,
 * until one returns non-zero; inline in both callers, so each has its own.
 */
static inline __attribute__((always_inline)) int
sflt_data(struct __socket *so, int out, const struct sockaddr *addr, struct __mbuf **data,
          struct __mbuf **control, sflt_data_flag_t flags, struct __ifnet *ifp,
          struct nke_vtrack *vt)
{
	u_int32_t hook = out ? NKS_HOOK_SF_DATA_OUT : NKS_HOOK_SF_DATA_IN;
	struct nke_sfe *e;
	int error = 0, vd_on = nke__vd_on();

	for (e = so->so_filt; e != NULL && error == 0; e = e->sfe_next_onsocket) {
		struct nke_sflt *f = e->sfe_filter;
		struct __mbuf *orig;
		struct nke_cb cb;

		if (out ? !SFE_CALLABLE(e, sf_data_out) : !SFE_CALLABLE(e, sf_data_in))
			continue;
		sfe_retain(e);
		orig = *data;
		if (vd_on)
			nke__vtrack_before(vt, *data, 0);
		nke__cb_enter_at(&cb, f->sf_kext, f->sf_f.sf_name, hook, data, control);
		error = (out ? f->sf_f.sf_data_out : f->sf_f.sf_data_in)(
		    e->sfe_cookie, so, addr, (mbuf_t *)data, (mbuf_t *)control, flags);
		nke__cb_leave_at(&cb, error, f->sf_kext, f->sf_f.sf_name, data, control);
		if (vd_on) {
			char d[128];

			if (!nke__vd_brief())
				data_detail(d, sizeof(d), so, addr, out ? "to" : "from", control, flags);
			nke__verdict_c(&f->sf_vc[out], vt, hook, out ? NKS_DIR_OUT : NKS_DIR_IN, ifp,
			               f->sf_kext, f->sf_f.sf_name, error, orig,
			               error == EJUSTRETURN ? NULL : *data, 0,
			               nke__vd_brief() ? NULL : d);
		}
		sfe_release(e);
	}
	return error;
}

int
nke__sflt_data_in(struct __socket *so, const struct sockaddr *from, struct __mbuf **data,
                  struct __mbuf **control, sflt_data_flag_t flags, struct __ifnet *ifp,
                  struct nke_vtrack *vtout)
{
	struct nke_vtrack vt = {0};
	int error = sflt_data(so, 0, from, data, control, flags, ifp, &vt);

	if (vtout != NULL)
		*vtout = vt;
	return error;
}

int
nke__sflt_data_out(struct __socket *so, const struct sockaddr *to, struct __mbuf **data,
                   struct __mbuf **control, sflt_data_flag_t flags, struct __ifnet *ifp)
{
	struct nke_vtrack vt = {0};
	int error;

	so->so_sendfilt++;
	error = sflt_data(so, 1, to, data, control, flags, ifp, &vt);
	so->so_sendfilt--;
	return error;
}

/* The control-path callbacks: one loop, the call and the detail differ. */
enum ctl_kind {
	CK_CONNECT_IN,
	CK_CONNECT_OUT,
	CK_BIND,
	CK_LISTEN,
	CK_ACCEPT,
	CK_GETSOCKNAME,
	CK_GETPEERNAME,
	CK_SETOPT,
	CK_GETOPT,
	CK_IOCTL,
};

struct ctl_args {
	const struct sockaddr *sa;  /* connect in/out, bind; accept: local */
	const struct sockaddr *sa2; /* accept: remote */
	struct __socket *head;      /* accept: listener */
	struct sockaddr **sap;      /* getsockname/getpeername */
	struct __sockopt *sopt;
	unsigned long cmd;
	char *argp;
};

static const u_int32_t ctl_hooks[] = {
    [CK_CONNECT_IN] = NKS_HOOK_SF_CONNECT_IN,   [CK_CONNECT_OUT] = NKS_HOOK_SF_CONNECT_OUT,
    [CK_BIND] = NKS_HOOK_SF_BIND,               [CK_LISTEN] = NKS_HOOK_SF_LISTEN,
    [CK_ACCEPT] = NKS_HOOK_SF_ACCEPT,           [CK_GETSOCKNAME] = NKS_HOOK_SF_GETSOCKNAME,
    [CK_GETPEERNAME] = NKS_HOOK_SF_GETPEERNAME, [CK_SETOPT] = NKS_HOOK_SF_SETOPTION,
    [CK_GETOPT] = NKS_HOOK_SF_GETOPTION,        [CK_IOCTL] = NKS_HOOK_SF_IOCTL,
};

static int
ctl_has(const struct sflt_filter *f, enum ctl_kind k)
{
	switch (k) {
	case CK_CONNECT_IN:
		return f->sf_connect_in != NULL;
	case CK_CONNECT_OUT:
		return f->sf_connect_out != NULL;
	case CK_BIND:
		return f->sf_bind != NULL;
	case CK_LISTEN:
		return f->sf_listen != NULL;
	case CK_ACCEPT:
		return f->sf_accept != NULL;
	case CK_GETSOCKNAME:
		return f->sf_getsockname != NULL;
	case CK_GETPEERNAME:
		return f->sf_getpeername != NULL;
	case CK_SETOPT:
		return f->sf_setoption != NULL;
	case CK_GETOPT:
		return f->sf_getoption != NULL;
	case CK_IOCTL:
		return f->sf_ioctl != NULL;
	}
	return 0;
}

static int
ctl_call(const struct sflt_filter *f, enum ctl_kind k, void *cookie, struct __socket *so,
         const struct ctl_args *a)
{
	switch (k) {
	case CK_CONNECT_IN:
		return f->sf_connect_in(cookie, so, a->sa);
	case CK_CONNECT_OUT:
		return f->sf_connect_out(cookie, so, a->sa);
	case CK_BIND:
		return f->sf_bind(cookie, so, a->sa);
	case CK_LISTEN:
		return f->sf_listen(cookie, so);
	case CK_ACCEPT:
		return f->sf_accept(cookie, a->head, so, a->sa, a->sa2);
	case CK_GETSOCKNAME:
		return f->sf_getsockname(cookie, so, a->sap);
	case CK_GETPEERNAME:
		return f->sf_getpeername(cookie, so, a->sap);
	case CK_SETOPT:
		return f->sf_setoption(cookie, so, a->sopt);
	case CK_GETOPT:
		return f->sf_getoption(cookie, so, a->sopt);
	case CK_IOCTL:
		return f->sf_ioctl(cookie, so, a->cmd, a->argp);
	}
	return 0;
}

static void
ctl_detail(char *d, size_t size, enum ctl_kind k, struct __socket *so, const struct ctl_args *a)
{
	char x[64], y[64];

	switch (k) {
	case CK_CONNECT_IN:
		nke__snprintf(d, size, "so=%u from=%s", so->so_id, nke__sa_str(a->sa, x, sizeof(x)));
		break;
	case CK_CONNECT_OUT:
		nke__snprintf(d, size, "so=%u to=%s", so->so_id, nke__sa_str(a->sa, x, sizeof(x)));
		break;
	case CK_BIND:
		nke__snprintf(d, size, "so=%u to=%s", so->so_id, nke__sa_str(a->sa, x, sizeof(x)));
		break;
	case CK_ACCEPT:
		nke__snprintf(d, size, "so=%u listener=%u local=%s remote=%s", so->so_id,
		              a->head != NULL ? a->head->so_id : 0, nke__sa_str(a->sa, x, sizeof(x)),
		              nke__sa_str(a->sa2, y, sizeof(y)));
		break;
	case CK_GETSOCKNAME:
	case CK_GETPEERNAME:
		nke__snprintf(d, size, "so=%u addr=%s", so->so_id,
		              nke__sa_str(a->sap != NULL ? *a->sap : NULL, x, sizeof(x)));
		break;
	case CK_SETOPT:
	case CK_GETOPT:
		nke__snprintf(d, size, "so=%u level=0x%x name=0x%x", so->so_id, a->sopt->sopt_level,
		              a->sopt->sopt_name);
		break;
	case CK_IOCTL:
		nke__snprintf(d, size, "so=%u request=0x%lx", so->so_id, a->cmd);
		break;
	default:
		nke__snprintf(d, size, "so=%u", so->so_id);
		break;
	}
}

static int
ctl_run(struct __socket *so, enum ctl_kind k, const struct ctl_args *a)
{
	struct nke_sfe *e;
	int error = 0;

	for (e = so->so_filt; e != NULL && error == 0; e = e->sfe_next_onsocket) {
		struct nke_sflt *f = e->sfe_filter;
		struct nke_cb cb;

		if (!(e->sfe_flags & SFEF_ATTACHED) || !ctl_has(&f->sf_f, k))
			continue;
		sfe_retain(e);
		nke__cb_enter_at(&cb, f->sf_kext, f->sf_f.sf_name, ctl_hooks[k], NULL, NULL);
		error = ctl_call(&f->sf_f, k, e->sfe_cookie, so, a);
		nke__cb_leave(&cb);
		if (nke__vd_on()) {
			char d[160];

			ctl_detail(d, sizeof(d), k, so, a);
			verdict_simple(ctl_hooks[k], f, error, d);
		}
		sfe_release(e);
	}
	return error;
}

int
nke__sflt_connectin(struct __socket *so, const struct sockaddr *from)
{
	struct ctl_args a = {.sa = from};

	if (so->so_filt == NULL)
		return 0;
	return ctl_run(so, CK_CONNECT_IN, &a);
}

int
nke__sflt_connectout(struct __socket *so, struct sockaddr *to)
{
	/* A copy big enough for any address; changes are copied back (XNU). */
	union {
		u_int8_t b[SOCK_MAXADDRLEN];
		struct sockaddr sa;
	} buf;
	struct ctl_args a = {.sa = &buf.sa};
	int error;

	if (so->so_filt == NULL)
		return 0;
	memset(&buf, 0, sizeof(buf));
	memcpy(buf.b, to, to->sa_len);
	error = ctl_run(so, CK_CONNECT_OUT, &a);
	if (error != 0)
		return error;
	if (memcmp(buf.b, to, to->sa_len) != 0)
		memcpy(to, buf.b, to->sa_len);
	return 0;
}

int
nke__sflt_bind(struct __socket *so, const struct sockaddr *nam)
{
	struct ctl_args a = {.sa = nam};

	if (so->so_filt == NULL)
		return 0;
	return ctl_run(so, CK_BIND, &a);
}

int
nke__sflt_listen(struct __socket *so)
{
	struct ctl_args a;

	if (so->so_filt == NULL)
		return 0;
	memset(&a, 0, sizeof(a));
	return ctl_run(so, CK_LISTEN, &a);
}

int
nke__sflt_accept(struct __socket *head, struct __socket *so, const struct sockaddr *local,
                 const struct sockaddr *remote)
{
	struct ctl_args a = {.sa = local, .sa2 = remote, .head = head};

	if (so->so_filt == NULL)
		return 0;
	return ctl_run(so, CK_ACCEPT, &a);
}

int
nke__sflt_getsockname(struct __socket *so, struct sockaddr **sa)
{
	struct ctl_args a = {.sap = sa};

	if (so->so_filt == NULL)
		return 0;
	return ctl_run(so, CK_GETSOCKNAME, &a);
}

int
nke__sflt_getpeername(struct __socket *so, struct sockaddr **sa)
{
	struct ctl_args a = {.sap = sa};

	if (so->so_filt == NULL)
		return 0;
	return ctl_run(so, CK_GETPEERNAME, &a);
}

int
nke__sflt_setsockopt(struct __socket *so, struct __sockopt *sopt)
{
	struct ctl_args a = {.sopt = sopt};

	if (so->so_filt == NULL)
		return 0;
	return ctl_run(so, CK_SETOPT, &a);
}

int
nke__sflt_getsockopt(struct __socket *so, struct __sockopt *sopt)
{
	struct ctl_args a = {.sopt = sopt};

	if (so->so_filt == NULL)
		return 0;
	return ctl_run(so, CK_GETOPT, &a);
}

int
nke__sflt_ioctl(struct __socket *so, unsigned long cmd, char *data)
{
	struct ctl_args a = {.cmd = cmd, .argp = data};

	if (so->so_filt == NULL)
		return 0;
	return ctl_run(so, CK_IOCTL, &a);
}

/* --- Registration ------------------------------------------------------------------ */

/* The protocol switch entry XNU's pffindproto would return, or -1. */
static int
find_protosw(int domain, int type, int protocol)
{
	int base = domain == PF_INET6 ? NKE_PRSW_TCP6 : NKE_PRSW_TCP4;

	if (type == SOCK_STREAM && protocol == IPPROTO_TCP)
		return base + (NKE_PRSW_TCP4 - NKE_PRSW_TCP4);
	if (type == SOCK_DGRAM && protocol == IPPROTO_UDP)
		return base + (NKE_PRSW_UDP4 - NKE_PRSW_TCP4);
	/* Raw sockets: any protocol falls back to the wildcard raw entry. */
	if (type == SOCK_RAW)
		return base + (NKE_PRSW_RAW4 - NKE_PRSW_TCP4);
	return -1;
}

/* Existing sockets an SFLT_EXTENDED_REGISTRY filter also attaches to. */
struct reg_visit {
	struct __socket **rv_so;
	u_int32_t rv_n, rv_cap;
	int rv_domain, rv_type;
};

static void
extended_registry(struct nke_sflt *f, int domain, int type, int protocol);

NKE_KPI errno_t
sflt_register(const struct sflt_filter *filter, int domain, int type, int protocol)
{
	struct nke_sflt *f, *m;
	size_t len;
	int prsw;

	if (domain != PF_INET && domain != PF_INET6)
		return ENOTSUP;
	prsw = find_protosw(domain, type, protocol);
	if (prsw < 0)
		return ENOENT;
	if (filter == NULL) {
		/* NKE-DIVERGENCE: XNU dereferences it. */
		nke__report("sflt-register-null", "sflt_register with a NULL filter");
		return EINVAL;
	}
	if (filter->sf_attach == NULL || filter->sf_detach == NULL || filter->sf_handle == 0 ||
	    filter->sf_name == NULL)
		return EINVAL;
	nke__sock_init();
	f = NKH_alloc(NKS_ALLOC_KERNEL, sizeof(*f));
	if (f == NULL)
		return ENOMEM; /* NKE-DIVERGENCE: XNU's allocation cannot fail */
	memset(f, 0, sizeof(*f));
	/* The legacy part always; the extension as far as SFLT_EXTENDED says. */
	len = sizeof(*filter) - sizeof(struct sflt_filter_ext);
	if (filter->sf_flags & SFLT_EXTENDED) {
		size_t ext = filter->sf_len;

		if (ext > sizeof(struct sflt_filter_ext))
			ext = sizeof(struct sflt_filter_ext);
		len += ext;
	}
	memcpy(&f->sf_f, filter, len);
	TAILQ_FOREACH(m, &sflt_all, sf_glink)
	if (m->sf_f.sf_handle == f->sf_f.sf_handle) {
		NKH_free(f, sizeof(*f));
		return EEXIST;
	}
	f->sf_magic = NKE_SFLT_MAGIC;
	f->sf_kext = nke__kext_current_id();
	f->sf_prsw = prsw;
	f->sf_refs = 1;
	f->sf_onglobal = 1;
	TAILQ_INSERT_TAIL(&sflt_all, f, sf_glink);
	TAILQ_INSERT_TAIL(&sflt_every, f, sf_elink);
	nke__sflt_count++;
	if (f->sf_f.sf_flags & SFLT_GLOBAL) {
		TAILQ_INSERT_TAIL(&sflt_proto[prsw], f, sf_plink);
		f->sf_onproto = 1;
	}
	if ((f->sf_f.sf_flags & SFLT_EXTENDED_REGISTRY) &&
	    (protocol == IPPROTO_TCP || protocol == IPPROTO_UDP))
		extended_registry(f, domain, type, protocol);
	return 0;
}

/*
 * The state event XNU's sflt_register_common posts to a socket that got the
 * filters of SFLT_EXTENDED_REGISTRY, or 0.
 */
static sflt_event_t
registry_event(const struct __socket *so)
{
	u_int32_t st = so->so_state;
	const u_int32_t dis = NKE_SS_ISDISCONNECTING | NKE_SS_CANTRCVMORE | NKE_SS_CANTSENDMORE;
	const u_int32_t dd = NKE_SS_CANTRCVMORE | NKE_SS_CANTSENDMORE | NKE_SS_ISDISCONNECTED;

	if (st & NKE_SS_ISCONNECTING)
		return sock_evt_connecting;
	if (st & NKE_SS_ISCONNECTED)
		return sock_evt_connected;
	if ((st & dis) == dis)
		return sock_evt_disconnecting;
	if ((st & dd) == dd)
		return sock_evt_disconnected;
	if (st & NKE_SS_CANTSENDMORE)
		return sock_evt_cantsendmore;
	if (st & NKE_SS_CANTRCVMORE)
		return sock_evt_cantrecvmore;
	return 0;
}

/* Every live socket, for SFLT_EXTENDED_REGISTRY (uipc_socket.c walks them). */
u_int32_t nke__so_collect(struct __socket **out, u_int32_t max, int family, int type, int protocol);

static void
extended_registry(struct nke_sflt *f, int domain, int type, int protocol)
{
	struct __socket **list;
	u_int32_t n, i, cap = NKE_SO_MAX;
	sflt_handle handle = f->sf_f.sf_handle;

	list = NKH_alloc(NKS_ALLOC_KERNEL, cap * sizeof(*list));
	if (list == NULL)
		return;
	n = nke__so_collect(list, cap, domain, type, protocol);
	for (i = 0; i < n; i++) {
		struct __socket *so = list[i];
		struct nke_soctx sc;
		sflt_event_t ev;

		nke__so_enter(&sc, so);
		nke__so_unref(so); /* the collection's reference; sc holds one */
		nke__sflt_initsock(so);
		ev = registry_event(so);
		if (ev != 0) {
			/*
			 * XNU's sflt_notify_after_register skips the filter whose
			 * handle it was given and notifies all the others
			 * (kpi-reference 2.5.1 says the opposite; the code wins).
			 */
			struct nke_sfe *e;

			for (e = so->so_filt; e != NULL; e = e->sfe_next_onsocket) {
				struct nke_sflt *g = e->sfe_filter;
				struct nke_cb cb;

				if (!SFE_CALLABLE(e, sf_notify) || g->sf_f.sf_handle == handle)
					continue;
				sfe_retain(e);
				nke__cb_enter_at(&cb, g->sf_kext, g->sf_f.sf_name, NKS_HOOK_SF_NOTIFY,
				                 NULL, NULL);
				g->sf_f.sf_notify(e->sfe_cookie, so, ev, NULL);
				nke__cb_leave(&cb);
				if (nke__vd_on()) {
					char d[64];

					nke__snprintf(d, sizeof(d), "so=%u event=%s registry", so->so_id,
					              event_names[ev]);
					verdict_simple(NKS_HOOK_SF_NOTIFY, g, 0, d);
				}
				sfe_release(e);
			}
		}
		nke__so_leave(&sc);
	}
	NKH_free(list, cap * sizeof(*list));
}

NKE_KPI errno_t
sflt_unregister(sflt_handle handle)
{
	struct nke_sflt *f;
	struct nke_sfe *e;

	TAILQ_FOREACH(f, &sflt_all, sf_glink)
	if (f->sf_f.sf_handle == handle)
		break;
	if (f == NULL)
		return ENOENT;
	TAILQ_REMOVE(&sflt_all, f, sf_glink);
	f->sf_onglobal = 0;
	nke__sflt_count--;
	if (f->sf_onproto) {
		TAILQ_REMOVE(&sflt_proto[f->sf_prsw], f, sf_plink);
		f->sf_onproto = 0;
	}
	for (e = f->sf_entries; e != NULL; e = e->sfe_next_onfilter)
		sfe_detach_locked(e);
	sflt_release(f);
	return 0;
}

NKE_KPI errno_t
sflt_attach(socket_t socket, sflt_handle handle)
{
	struct __socket *so;
	struct nke_soctx sc;
	int error;

	if (socket == NULL || handle == 0)
		return EINVAL;
	so = nke__so_valid(socket, "sflt_attach");
	if (so == NULL)
		return EINVAL;
	nke__so_enter(&sc, so);
	error = nke__sflt_attach_handle(so, handle);
	nke__so_leave(&sc);
	return error;
}

NKE_KPI errno_t
sflt_detach(socket_t socket, sflt_handle handle)
{
	struct __socket *so;
	struct nke_sfe *e;

	if (socket == NULL || handle == 0)
		return EINVAL;
	so = nke__so_valid(socket, "sflt_detach");
	if (so == NULL)
		return EINVAL;
	for (e = so->so_filt; e != NULL; e = e->sfe_next_onsocket)
		if (e->sfe_filter->sf_f.sf_handle == handle && (e->sfe_flags & SFEF_ATTACHED))
			break;
	if (e != NULL)
		sfe_detach_locked(e);
	return 0;
}

/* --- Injection ------------------------------------------------------------------------ */

/* A chain a kext hands over must be live and, for data, have a correct header. */
static int
inject_chain_ok(struct __mbuf *m, const char *who, int need_pkthdr)
{
	struct __mbuf *n;

	for (n = m; n != NULL; n = n->m_next)
		if (!nke__m_live(n)) {
			nke__report("mbuf-use-after-free", "%s: the chain holds a freed mbuf", who);
			return 0;
		}
	if (need_pkthdr && !(m->m_flags & M_PKTHDR)) {
		nke__report("inject-no-pkthdr", "%s: data without a packet header", who);
		return 1;
	}
	if ((m->m_flags & M_PKTHDR) && (size_t)m->m_pkthdr.len != nke__m_length(m)) {
		/* NKE-DIVERGENCE: XNU sends pkthdr.len bytes; nkesim fixes the length. */
		nke__report("pkthdr-len-mismatch",
		            "%s: pkthdr.len (%d) differs from the chain (%zu bytes); fixed", who,
		            m->m_pkthdr.len, nke__m_length(m));
		m->m_pkthdr.len = (int32_t)nke__m_length(m);
	}
	return 1;
}

static errno_t inject_data_in(socket_t so, const struct sockaddr *from, mbuf_t data,
                              mbuf_t control, sflt_data_flag_t flags);
static errno_t inject_data_out(socket_t so, const struct sockaddr *to, mbuf_t data,
                               mbuf_t control, sflt_data_flag_t flags);

/*
 * The KPI: data and control go to the stack for good, except on the early
 * errors of sock_inject_data_in (EINVAL, ENOTSUP), which leave them to the
 * caller (kpi-reference.md 2.5.6); sock_inject_data_out always consumes.
 */
NKE_KPI errno_t
sock_inject_data_in(socket_t so, const struct sockaddr *from, mbuf_t data, mbuf_t control,
                    sflt_data_flag_t flags)
{
	NKE_KPI_CALL("sock_inject_data_in");
	u_int32_t downer = 0, cowner = 0, site;
	errno_t error;

	site = nke__site_new(NKE_SITE_HANDOFF, NULL, NULL, 0);
	if (data != NULL && nke__m_live(data)) {
		downer = data->m_owner;
		nke__m_own_chain(data, NKE_OWN_STACK, site);
	}
	if (control != NULL && nke__m_live(control)) {
		cowner = control->m_owner;
		nke__m_own_chain(control, NKE_OWN_STACK, site);
	}
	error = inject_data_in(so, from, data, control, flags);
	if (error != 0) {
		site = nke__site_new(NKE_SITE_RETURNED, NULL, NULL, error);
		if (data != NULL && nke__m_live(data))
			nke__m_own_chain(data, downer, site);
		if (control != NULL && nke__m_live(control))
			nke__m_own_chain(control, cowner, site);
	}
	return error;
}

NKE_KPI errno_t
sock_inject_data_out(socket_t so, const struct sockaddr *to, mbuf_t data, mbuf_t control,
                     sflt_data_flag_t flags)
{
	NKE_KPI_CALL("sock_inject_data_out");
	u_int32_t site = nke__site_new(NKE_SITE_HANDOFF, NULL, NULL, 0);
	errno_t error;

	if (data != NULL && nke__m_live(data))
		nke__m_own_chain(data, NKE_OWN_STACK, site);
	if (control != NULL && nke__m_live(control))
		nke__m_own_chain(control, NKE_OWN_STACK, site);
	error = inject_data_out(so, to, data, control, flags);
	nke__site_set_err(site, error);
	return error;
}

static errno_t
inject_data_in(socket_t so, const struct sockaddr *from, mbuf_t data, mbuf_t control,
               sflt_data_flag_t flags)
{
	struct __socket *s;
	struct nke_soctx sc;
	union nke_sa a;

	if (so == NULL || data == NULL)
		return EINVAL;
	if (flags & sock_data_filt_flag_oob)
		return ENOTSUP;
	s = nke__so_valid(so, "sock_inject_data_in");
	if (s == NULL)
		return EINVAL; /* NKE-DIVERGENCE: XNU uses the stale socket */
	if (!inject_chain_ok(data, "sock_inject_data_in", 0) ||
	    (control != NULL && !inject_chain_ok(control, "sock_inject_data_in", 0)))
		return EINVAL;
	if (data->m_flags & M_PKTHDR)
		NKE_PC(data)->pc_flags |= NKE_PC_INJECTED;
	nke__so_enter(&sc, s);
	if (from != NULL) {
		/* The address is copied (it may live on the caller's stack). */
		size_t l = from->sa_len <= sizeof(a) ? from->sa_len : sizeof(a);

		memset(&a, 0, sizeof(a));
		memcpy(&a, from, l);
		nke__so_append(s, &a.sa, data, control, 1, 0, NULL);
	} else if (control != NULL) {
		nke__so_append(s, NULL, data, control, 1, 0, NULL);
	} else if (flags & sock_data_filt_flag_record) {
		nke__so_append(s, NULL, data, NULL, 0, sock_data_filt_flag_record, NULL);
	} else {
		nke__so_append(s, NULL, data, NULL, 0, 0, NULL);
	}
	nke__so_leave(&sc);
	return 0;
}

static errno_t
inject_data_out(socket_t so, const struct sockaddr *to, mbuf_t data, mbuf_t control,
                sflt_data_flag_t flags)
{
	struct __socket *s;
	struct nke_soctx sc;
	int error;

	s = so != NULL ? nke__so_valid(so, "sock_inject_data_out") : NULL;
	if (s == NULL || data == NULL ||
	    !inject_chain_ok(data, "sock_inject_data_out", 1) ||
	    (control != NULL && !inject_chain_ok(control, "sock_inject_data_out", 0))) {
		/* Consumed in every case (NKE-DIVERGENCE: XNU crashes on a NULL socket). */
		if (data != NULL && nke__m_live(data))
			nke__m_freem(data);
		if (control != NULL && nke__m_live(control))
			nke__m_freem(control);
		return EINVAL;
	}
	if (data->m_flags & M_PKTHDR)
		NKE_PC(data)->pc_flags |= NKE_PC_INJECTED;
	nke__so_enter(&sc, s);
	error = nke__so_send(s, to, data, control, flags & sock_data_filt_flag_oob, NULL);
	nke__so_leave(&sc);
	return error;
}

/* --- Unload ---------------------------------------------------------------------------------- */

/*
 * A kext stopped: a socket filter still registered (callbacks into
 * unloaded code), or unregistered while sockets were attached and its
 * sf_unregistered not yet called: sf_detach and sf_unregistered run after
 * the kext is gone (kpi-reference.md 2.5.7: unload only after
 * sf_unregistered).
 */
void
nke__sflt_kext_stopped(u_int32_t kext)
{
	struct nke_sflt *f;

	TAILQ_FOREACH(f, &sflt_every, sf_elink)
	{
		struct nke_sfe *e;
		unsigned n = 0;

		if (f->sf_kext != kext)
			continue;
		for (e = f->sf_entries; e != NULL; e = e->sfe_next_onfilter)
			n++;
		if (f->sf_onglobal)
			nke__report("filter-not-removed",
			            "%s stopped with its socket filter \"%s\" (handle 0x%x) still "
			            "registered (no sflt_unregister): XNU calls the unloaded code",
			            nke__kext_name_of(kext), f->sf_f.sf_name != NULL ? f->sf_f.sf_name : "",
			            f->sf_f.sf_handle);
		else
			nke__report("sflt-attached-at-unload",
			            "%s stopped before its socket filter \"%s\" finished unregistering: "
			            "%u socket(s) were still attached when sflt_unregister was called, "
			            "and sf_detach%s will run after the kext is gone; return EBUSY from "
			            "stop until sf_unregistered was called",
			            nke__kext_name_of(kext), f->sf_f.sf_name != NULL ? f->sf_f.sf_name : "",
			            n, f->sf_f.sf_unregistered != NULL ? " and sf_unregistered" : "");
	}
}

/* --- sockopt accessors -------------------------------------------------------------- */

NKE_KPI sockopt_dir
sockopt_direction(sockopt_t sopt)
{
	return sopt->sopt_dir == sockopt_get ? sockopt_get : sockopt_set;
}

NKE_KPI int
sockopt_level(sockopt_t sopt)
{
	return sopt->sopt_level;
}

NKE_KPI int
sockopt_name(sockopt_t sopt)
{
	return sopt->sopt_name;
}

NKE_KPI size_t
sockopt_valsize(sockopt_t sopt)
{
	return sopt->sopt_valsize;
}

NKE_KPI errno_t
sockopt_copyin(sockopt_t sopt, void *data, size_t length)
{
	size_t valsize = sopt->sopt_valsize;

	/* sooptcopyin(sopt, data, length, length) */
	if (valsize < length)
		return EINVAL;
	if (valsize > length)
		sopt->sopt_valsize = valsize = length;
	if (valsize > 0 && sopt->sopt_val != NULL)
		memcpy(data, sopt->sopt_val, valsize);
	return 0;
}

NKE_KPI errno_t
sockopt_copyout(sockopt_t sopt, void *data, size_t length)
{
	size_t valsize = length < sopt->sopt_valsize ? length : sopt->sopt_valsize;

	sopt->sopt_valsize = valsize;
	if (sopt->sopt_val != NULL && valsize > 0)
		memcpy(sopt->sopt_val, data, valsize);
	return 0;
}

/* --- Subsystem ---------------------------------------------------------------------------- */

void
nke__sflt_init(void)
{
	unsigned i;
	uint32_t prev;

	TAILQ_INIT(&sflt_all);
	TAILQ_INIT(&sflt_every);
	for (i = 0; i < NKE_PRSW_N; i++)
		TAILQ_INIT(&sflt_proto[i]);
	nke__sflt_cleanup_head = NULL;
	cleanup_running = 0;
	sfe_slabs = NULL;
	sfe_free = NULL;
	nke__sflt_count = 0;
	/* The cleanup thread belongs to the kernel, whoever is running now. */
	prev = nke__kext_switch(0);
	cleanup_call = thread_call_allocate(cleanup_thread, NULL);
	(void)nke__kext_switch(prev);
	if (cleanup_call == NULL)
		nke__panic("nke__sflt_init: no memory for the socket filter cleanup thread");
}

void
nke__sflt_fini(void)
{
	struct nke_sflt *f;
	unsigned i;

	/* Every filter, registered or waiting for its attachments: no callbacks. */
	while ((f = TAILQ_FIRST(&sflt_every)) != NULL)
		sflt_free(f);
	TAILQ_INIT(&sflt_all);
	for (i = 0; i < NKE_PRSW_N; i++)
		TAILQ_INIT(&sflt_proto[i]);
	while (sfe_slabs != NULL) {
		struct sfe_slab *s = sfe_slabs;

		sfe_slabs = s->ss_next;
		NKH_free(s, sizeof(*s));
	}
	sfe_free = NULL;
	nke__sflt_cleanup_head = NULL;
	nke__sflt_count = 0;
	if (cleanup_call != NULL) {
		(void)thread_call_cancel(cleanup_call);
		(void)thread_call_free(cleanup_call);
		cleanup_call = NULL;
	}
}
