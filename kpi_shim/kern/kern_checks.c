/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_checks.c - the checks' plumbing (kernel world): the groups a run
 * turned on (NKS_checks_set, NKS_check_group), the stack of kext code
 * running now (NKS_current_callback, the context suffix of reports), the
 * ring of sites reports quote (where a kext allocated, freed, kept or
 * handed over an mbuf), the ownership hand-offs around filter callbacks,
 * and the checks run when a kext's stop routine succeeded.
 *
 * Ownership (kpi-reference.md 2.1, 3): every mbuf has an owner, the stack
 * or a kext.  A kext owns what it allocates; a packet lent to a filter
 * callback belongs to the filter while it runs, and afterwards to the
 * stack (0), to the filter (EJUSTRETURN) or to the stack again, which frees
 * it (an error).  Injection calls hand packets back to the stack (always,
 * or only on success, as XNU does).  Whatever a kext still owns when it
 * stops is leaked.
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>

#include "kern_checks.h"
#include "net_internal.h"

nks_u32 nke__chk_groups = NKS_CHK_ALL;
nks_u32 nke__chk_layout;
nks_u64 nke__chk_seed;
nks_u32 nke__chk_flags;
struct nke_kpictx nke__kpi;

/* --- Groups ---------------------------------------------------------------------------- */

struct chk_name {
	const char *n_name;
	nks_u32 n_group;
};

/* Every report and warning the simulator sends, by group (docs/checks.md). */
static const struct chk_name chk_names[] = {
    /* Chains handed back, mbuf KPI misuse. */
    {"null-data-pass", NKS_CHK_MBUF},
    {"mbuf-chain-invalid", NKS_CHK_MBUF},
    {"pkthdr-len-mismatch", NKS_CHK_MBUF},
    {"ipf-input-hlen-changed", NKS_CHK_MBUF},
    {"ipf-output-replaced-error", NKS_CHK_MBUF},
    {"iff-input-frame-null", NKS_CHK_MBUF},
    {"mbuf-no-pkthdr", NKS_CHK_MBUF},
    {"mbuf-align-overflow", NKS_CHK_MBUF},
    {"mbuf-cluster-replaced", NKS_CHK_MBUF},
    {"nextpkt-tampered", NKS_CHK_MBUF},
    {"shared-cluster-write", NKS_CHK_MBUF},
    /* Ownership. */
    {"mbuf-use-after-free", NKS_CHK_OWNERSHIP},
    {"mbuf-double-free", NKS_CHK_OWNERSHIP},
    {"mbuf-free-after-handoff", NKS_CHK_OWNERSHIP},
    /* Locks. */
    {"lock-held-at-return", NKS_CHK_LOCKS},
    {"lock-order-inversion", NKS_CHK_LOCKS},
    {"block-under-spinlock", NKS_CHK_LOCKS},
    {"lock-group-mismatch", NKS_CHK_LOCKS},
    {"lck-grp-busy", NKS_CHK_LOCKS},
    /* Leaks. */
    {"leak", NKS_CHK_LEAKS},
    {"mbuf-leak", NKS_CHK_LEAKS},
    {"osmalloc-leak", NKS_CHK_LEAKS},
    {"malloc-leak", NKS_CHK_LEAKS},
    {"thread-call-leak", NKS_CHK_LEAKS},
    /* Other memory misuse. */
    {"osfree-null", NKS_CHK_MEMORY},
    {"osfree-size", NKS_CHK_MEMORY},
    {"osfree-tag", NKS_CHK_MEMORY},
    {"free-size", NKS_CHK_MEMORY},
    {"iofree-size", NKS_CHK_MEMORY},
    {"write-after-free", NKS_CHK_MEMORY},
    /* Unload. */
    {"timer-armed-at-unload", NKS_CHK_UNLOAD},
    {"filter-not-removed", NKS_CHK_UNLOAD},
    {"sflt-attached-at-unload", NKS_CHK_UNLOAD},
    {"callback-after-unload", NKS_CHK_UNLOAD},
    {"ipf-ref-after-remove", NKS_CHK_UNLOAD},
    {"ctl-not-deregistered", NKS_CHK_UNLOAD},
    /* Injection. */
    {"inject-recursion", NKS_CHK_INJECT},
    {"inject-loop", NKS_CHK_INJECT},
    {"ipf-inject-no-rcvif", NKS_CHK_INJECT},
    {"proto-input-no-rcvif", NKS_CHK_INJECT},
    {"ifnet-input-no-header", NKS_CHK_INJECT},
    {"ifnet-input-no-pkthdr", NKS_CHK_INJECT},
    {"inject-no-pkthdr", NKS_CHK_INJECT},
    /* Sockets. */
    {"socket-use-after-free", NKS_CHK_SOCKETS},
    {"socket-invalid", NKS_CHK_SOCKETS},
    {"sflt-register-null", NKS_CHK_SOCKETS},
    {"sock-close-not-kernel", NKS_CHK_SOCKETS},
    {"sock-close-twice", NKS_CHK_SOCKETS},
    {"sflt-duplicate-attach", NKS_CHK_SOCKETS},
    /* kern_control. */
    {"ctl-sleep-unanswered", NKS_CHK_CTL},
    {"ctl-record-merged", NKS_CHK_CTL},
    {"ctl-enqueue-disconnected", NKS_CHK_CTL},
    /* Registration and references. */
    {"ipf-remove-twice", NKS_CHK_REFS},
    {"ipf-remove-unknown", NKS_CHK_REFS},
    {"iflt-self-deadlock", NKS_CHK_REFS},
    {"ifnet-release-unbalanced", NKS_CHK_REFS},
    {"ifaddr-release-unbalanced", NKS_CHK_REFS},
    /* KPI availability. */
    {"private-kpi", NKS_CHK_KPI},
    {"unsupported-kpi", NKS_CHK_KPI},
};

nks_u32
nke__chk_group_of(const char *check)
{
	size_t i;

	if (check == NULL)
		return 0;
	for (i = 0; i < sizeof(chk_names) / sizeof(chk_names[0]); i++)
		if (strcmp(chk_names[i].n_name, check) == 0)
			return chk_names[i].n_group;
	return 0;
}

NKE_KPI nks_u32
NKS_check_group(const char *check)
{
	return nke__chk_group_of(check);
}

NKE_KPI int
NKS_check_enabled(const char *check)
{
	nks_u32 g = nke__chk_group_of(check);

	return g == 0 || (nke__chk_groups & g) != 0;
}

NKE_KPI int
NKS_checks_set(const struct nks_checkcfg *cc)
{
	if (cc == NULL || cc->cc_layout >= NKS_LAYOUT_MAX || (cc->cc_flags & ~NKS_CC_LINK_OUTPUT))
		return EINVAL;
	nke__chk_groups = cc->cc_groups & NKS_CHK_ALL;
	nke__chk_layout = cc->cc_layout;
	nke__chk_seed = cc->cc_seed;
	nke__chk_flags = cc->cc_flags;
	return 0;
}

/* --- Hooks and errors -------------------------------------------------------------------- */

static const char *const hook_names[NKS_HOOK_MAX] = {
    [NKS_HOOK_STACK] = "stack",
    [NKS_HOOK_IFF_INPUT] = "iff_input",
    [NKS_HOOK_IFF_OUTPUT] = "iff_output",
    [NKS_HOOK_IFF_EVENT] = "iff_event",
    [NKS_HOOK_IFF_IOCTL] = "iff_ioctl",
    [NKS_HOOK_IPF_INPUT] = "ipf_input",
    [NKS_HOOK_IPF_OUTPUT] = "ipf_output",
    [NKS_HOOK_SF_ATTACH] = "sf_attach",
    [NKS_HOOK_SF_DETACH] = "sf_detach",
    [NKS_HOOK_SF_NOTIFY] = "sf_notify",
    [NKS_HOOK_SF_DATA_IN] = "sf_data_in",
    [NKS_HOOK_SF_DATA_OUT] = "sf_data_out",
    [NKS_HOOK_SF_CONNECT_IN] = "sf_connect_in",
    [NKS_HOOK_SF_CONNECT_OUT] = "sf_connect_out",
    [NKS_HOOK_SF_BIND] = "sf_bind",
    [NKS_HOOK_SF_LISTEN] = "sf_listen",
    [NKS_HOOK_SF_ACCEPT] = "sf_accept",
    [NKS_HOOK_SF_SETOPTION] = "sf_setoption",
    [NKS_HOOK_SF_GETOPTION] = "sf_getoption",
    [NKS_HOOK_SF_IOCTL] = "sf_ioctl",
    [NKS_HOOK_SF_GETPEERNAME] = "sf_getpeername",
    [NKS_HOOK_SF_GETSOCKNAME] = "sf_getsockname",
    [NKS_HOOK_CTL_CONNECT] = "ctl_connect",
    [NKS_HOOK_CTL_DISCONNECT] = "ctl_disconnect",
    [NKS_HOOK_CTL_SEND] = "ctl_send",
    [NKS_HOOK_CTL_SETOPT] = "ctl_setopt",
    [NKS_HOOK_CTL_GETOPT] = "ctl_getopt",
    [NKS_HOOK_SOCKET] = "socket",
    [NKS_HOOK_APP] = "app",
};

NKE_KPI const char *
NKS_hook_name(nks_u32 hook)
{
	return hook < NKS_HOOK_MAX ? hook_names[hook] : NULL;
}

const char *
nke__hook_name(u_int32_t hook)
{
	const char *n = NKS_hook_name(hook);

	return n != NULL ? n : "?";
}

static const struct {
	int e;
	const char *n;
} err_names[] = {
    {EPERM, "EPERM"},           {ENOENT, "ENOENT"},         {EIO, "EIO"},
    {ENXIO, "ENXIO"},           {ENOMEM, "ENOMEM"},         {EACCES, "EACCES"},
    {EFAULT, "EFAULT"},         {EBUSY, "EBUSY"},           {EEXIST, "EEXIST"},
    {EINVAL, "EINVAL"},         {ENOSPC, "ENOSPC"},         {EPIPE, "EPIPE"},
    {EAGAIN, "EAGAIN"},         {EMSGSIZE, "EMSGSIZE"},     {ENOPROTOOPT, "ENOPROTOOPT"},
    {ENOTSUP, "ENOTSUP"},       {EAFNOSUPPORT, "EAFNOSUPPORT"},
    {ENETDOWN, "ENETDOWN"},     {ENETUNREACH, "ENETUNREACH"},
    {ECONNRESET, "ECONNRESET"}, {ENOBUFS, "ENOBUFS"},       {ENOTCONN, "ENOTCONN"},
    {ETIMEDOUT, "ETIMEDOUT"},   {ECONNREFUSED, "ECONNREFUSED"},
    {ELOOP, "ELOOP"},           {EHOSTUNREACH, "EHOSTUNREACH"},
    {ECANCELED, "ECANCELED"},   {EOPNOTSUPP, "EOPNOTSUPP"}, {EJUSTRETURN, "EJUSTRETURN"},
};

const char *
nke__errname(int err)
{
	size_t i;

	for (i = 0; i < sizeof(err_names) / sizeof(err_names[0]); i++)
		if (err_names[i].e == err)
			return err_names[i].n;
	return NULL;
}

/* --- Interned names ----------------------------------------------------------------------------- */

#define INTERN_MAX 64
#define INTERN_LEN 96

static char interned[INTERN_MAX][INTERN_LEN];
static unsigned ninterned;

const char *
nke__chk_intern(const char *s)
{
	unsigned i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < ninterned; i++)
		if (strcmp(interned[i], s) == 0)
			return interned[i];
	if (ninterned == INTERN_MAX || strlen(s) >= INTERN_LEN)
		return s;
	strlcpy(interned[ninterned], s, INTERN_LEN);
	return interned[ninterned++];
}

/* --- Kext code running now ------------------------------------------------------------------- */

struct nke_cbframe nke__chk_frames[NKE_CB_DEPTH];
volatile unsigned nke__chk_depth; /* frames in use (may exceed NKE_CB_DEPTH) */
int nke__chk_last_valid;
u_int32_t nke__chk_stopped;
/* Kexts told about already (callback-after-unload), one bit per load tag. */
static u_int32_t unload_warned;

#define frames     nke__chk_frames
#define depth      nke__chk_depth
#define last_valid nke__chk_last_valid

void
nke__chk_after_unload(u_int32_t kext)
{
	if (kext >= 32 || (unload_warned & (1u << kext)))
		return;
	unload_warned |= 1u << kext;
	nke__report("callback-after-unload",
	            "the kernel called into %s after its stop routine returned success: "
	            "in XNU its code is gone (a filter, timer or control it did not "
	            "remove)",
	            nke__kext_name_of(kext));
}

const struct nke_cbframe *
nke__chk_top(void)
{
	unsigned d = depth;

	if (d == 0)
		return NULL;
	return d <= NKE_CB_DEPTH ? &frames[d - 1] : &frames[NKE_CB_DEPTH - 1];
}

void
nke__chk_forget(void)
{
	last_valid = 0;
}

NKE_KPI void
NKS_current_callback(struct nks_cbinfo *ci)
{
	unsigned d = depth;
	const struct nke_cbframe *f = NULL;

	if (ci == NULL)
		return;
	memset(ci, 0, sizeof(*ci));
	ci->ci_index = nke__cur_index;
	if (d > 0)
		f = &frames[(d <= NKE_CB_DEPTH ? d : NKE_CB_DEPTH) - 1];
	ci->ci_kext_id = nke__kext_current_id();
	if (f != NULL) {
		ci->ci_hook = f->f_hook;
		ci->ci_filter = f->f_filter;
		ci->ci_what = f->f_what;
		if (f->f_kext != 0)
			ci->ci_kext_id = f->f_kext;
	}
	if (ci->ci_kext_id != 0)
		ci->ci_kext = nke__kext_name_of(ci->ci_kext_id);
}

static size_t
frame_str(const struct nke_cbframe *f, char *buf, size_t size)
{
	const char *k = f->f_kext != 0 ? nke__kext_name_of(f->f_kext) : NULL;

	if (f->f_hook != 0)
		return (size_t)nke__snprintf(buf, size, "%s of %s, filter \"%s\"",
		                             nke__hook_name(f->f_hook), k != NULL ? k : "the kernel",
		                             f->f_filter != NULL ? f->f_filter : "");
	if (f->f_filter != NULL)
		return (size_t)nke__snprintf(buf, size, "%s \"%s\" of %s",
		                             f->f_what != NULL ? f->f_what : "code", f->f_filter,
		                             k != NULL ? k : "the kernel");
	return (size_t)nke__snprintf(buf, size, "%s of %s", f->f_what != NULL ? f->f_what : "code",
	                             k != NULL ? k : "the kernel");
}

static int
is_pkt_hook(u_int32_t hook)
{
	switch (hook) {
	case NKS_HOOK_IFF_INPUT:
	case NKS_HOOK_IFF_OUTPUT:
	case NKS_HOOK_IPF_INPUT:
	case NKS_HOOK_IPF_OUTPUT:
	case NKS_HOOK_SF_DATA_IN:
	case NKS_HOOK_SF_DATA_OUT:
		return 1;
	default:
		return 0;
	}
}

const char *
nke__chk_context(char *buf, size_t size)
{
	const struct nke_cbframe *f = nke__chk_top();
	char fb[192];

	buf[0] = '\0';
	/*
	 * The stack checks a packet callback's result right after it returned
	 * (null-data-pass, pkthdr-len-mismatch, ...): those reports name it.
	 */
	if (f == NULL && last_valid && depth < NKE_CB_DEPTH &&
	    frames[depth].f_index == nke__cur_index && is_pkt_hook(frames[depth].f_hook))
		f = &frames[depth];
	if (f == NULL)
		return buf;
	frame_str(f, fb, sizeof(fb));
	nke__snprintf(buf, size, " (in %s)", fb);
	return buf;
}

/* --- Sites --------------------------------------------------------------------------------------- */

struct nke_site {
	u_int32_t s_id;
	u_int16_t s_kind;
	u_int16_t s_hook;
	u_int32_t s_kext;
	int32_t s_err;
	u_int64_t s_index;
	const void *s_ra;
	const char *s_fn;
	const char *s_filter;
};

#define SITE_RING 32768u /* a power of two */

static struct nke_site *ring;
static u_int32_t site_next;

u_int32_t
nke__site_new(u_int32_t kind, const char *fn, const void *ra, int err)
{
	const struct nke_cbframe *f;
	struct nke_site *s;
	u_int32_t id;

	if (!NKE_CHK_OWN())
		return 0;
	f = nke__chk_top();
	if (NKE_UNLIKELY(ring == NULL)) {
		const struct nks_hostops *ho = nke__hostops;

		/* The simulator's own table: no failure injection. */
		ring = ho->ho_alloc(ho->ho_arg, SITE_RING * sizeof(*ring));
		if (ring == NULL)
			return 0;
		memset(ring, 0, SITE_RING * sizeof(*ring));
	}
	id = ++site_next;
	if (id == 0)
		id = ++site_next;
	s = &ring[id & (SITE_RING - 1)];
	s->s_id = id;
	s->s_kind = (u_int16_t)kind;
	s->s_err = err;
	s->s_index = nke__cur_index;
	if (fn == NULL) {
		fn = nke__kpi.k_fn;
		ra = nke__kpi.k_ra;
	}
	s->s_fn = fn;
	s->s_ra = ra;
	if (f != NULL) {
		s->s_hook = (u_int16_t)f->f_hook;
		s->s_kext = f->f_kext;
		s->s_filter = f->f_hook != 0 || f->f_filter != NULL ? f->f_filter : f->f_what;
	} else {
		s->s_hook = 0;
		s->s_kext = nke__kext_current_id();
		s->s_filter = NULL;
	}
	return id;
}

void
nke__site_set_err(u_int32_t id, int err)
{
	if (id != 0 && ring != NULL && ring[id & (SITE_RING - 1)].s_id == id)
		ring[id & (SITE_RING - 1)].s_err = err;
}

u_int32_t
nke__site_kind(u_int32_t id)
{
	if (id == 0 || ring == NULL || ring[id & (SITE_RING - 1)].s_id != id)
		return 0;
	return ring[id & (SITE_RING - 1)].s_kind;
}

const char *
nke__sym(const void *ra, char *buf, size_t size)
{
	const struct nks_hostops *ho = nke__hostops;

	buf[0] = '\0';
	if (ra != NULL && ho != NULL && ho->ho_symbolize != NULL)
		ho->ho_symbolize(ho->ho_arg, ra, buf, size);
	if (buf[0] == '\0')
		nke__snprintf(buf, size, "%p", ra);
	return buf;
}

static const char *
err_str(int err, char *buf, size_t size)
{
	const char *n = nke__errname(err);

	if (n != NULL)
		nke__snprintf(buf, size, "%d (%s)", err, n);
	else
		nke__snprintf(buf, size, "%d", err);
	return buf;
}

const char *
nke__site_str(u_int32_t id, char *buf, size_t size)
{
	const struct nke_site *s;
	char where[160], sym[128], eb[32];
	const char *k;
	size_t n = 0;

	buf[0] = '\0';
	if (id == 0)
		return buf;
	if (ring == NULL || ring[id & (SITE_RING - 1)].s_id != id) {
		nke__snprintf(buf, size, "(site %u no longer recorded)", id);
		return buf;
	}
	s = &ring[id & (SITE_RING - 1)];
	k = s->s_kext != 0 ? nke__kext_name_of(s->s_kext) : NULL;
	if (s->s_hook != 0)
		nke__snprintf(where, sizeof(where), "%s of %s, filter \"%s\"",
		              nke__hook_name(s->s_hook), k != NULL ? k : "the kernel",
		              s->s_filter != NULL ? s->s_filter : "");
	else if (s->s_filter != NULL)
		nke__snprintf(where, sizeof(where), "%s of %s", s->s_filter,
		              k != NULL ? k : "the kernel");
	else if (k != NULL && s->s_kext != 0)
		nke__snprintf(where, sizeof(where), "code of %s", k);
	else
		nke__snprintf(where, sizeof(where), "the kernel");
	switch (s->s_kind) {
	case NKE_SITE_ALLOC:
		n = (size_t)nke__snprintf(buf, size, "allocated by %s", s->s_fn ? s->s_fn : "?");
		break;
	case NKE_SITE_FREE:
		n = (size_t)nke__snprintf(buf, size, "freed %s %s",
		                          s->s_fn != NULL && strncmp(s->s_fn, "mbuf_free", 9) == 0
		                              ? "by"
		                              : "inside",
		                          s->s_fn ? s->s_fn : "?");
		break;
	case NKE_SITE_KEEP:
		n = (size_t)nke__snprintf(buf, size, "kept (EJUSTRETURN)");
		break;
	case NKE_SITE_DROP:
		n = (size_t)nke__snprintf(buf, size,
		                          "freed by the stack because the filter returned %s",
		                          err_str(s->s_err, eb, sizeof(eb)));
		break;
	case NKE_SITE_HANDOFF:
		n = (size_t)nke__snprintf(buf, size, "handed to the stack by %s",
		                          s->s_fn ? s->s_fn : "?");
		if (s->s_err != 0 && n < size)
			n += (size_t)nke__snprintf(buf + n, size - n, ", which returned %s",
			                           err_str(s->s_err, eb, sizeof(eb)));
		break;
	case NKE_SITE_RETURNED:
		n = (size_t)nke__snprintf(buf, size,
		                          "left to the caller by %s, which failed with %s",
		                          s->s_fn ? s->s_fn : "?", err_str(s->s_err, eb, sizeof(eb)));
		break;
	case NKE_SITE_GIVEN:
		n = (size_t)nke__snprintf(buf, size, "given to %s (which must free it)",
		                          s->s_fn ? s->s_fn : "?");
		break;
	case NKE_SITE_LENT:
		n = (size_t)nke__snprintf(buf, size, "lent to the callback");
		break;
	default:
		n = (size_t)nke__snprintf(buf, size, "event %u", s->s_kind);
		break;
	}
	if (n >= size)
		return buf;
	if (s->s_ra != NULL)
		n += (size_t)nke__snprintf(buf + n, size - n, " at %s",
		                           nke__sym(s->s_ra, sym, sizeof(sym)));
	if (n >= size)
		return buf;
	n += (size_t)nke__snprintf(buf + n, size - n, " in %s", where);
	if (n < size) {
		if (s->s_index != 0)
			nke__snprintf(buf + n, size - n, ", record #%llu",
			              (unsigned long long)s->s_index);
		else
			nke__snprintf(buf + n, size - n, ", outside any record");
	}
	return buf;
}

/* --- Filter callbacks ----------------------------------------------------------------------------- */

/* Every mbuf of one packet gets owner (and site, if not 0). */
static inline void
own_chain(struct __mbuf *m, u_int32_t owner, u_int32_t site)
{
	unsigned long guard = 0;

	for (; m != NULL && (m->m_nkeflags & NKE_MF_LIVE) && guard < 100000;
	     m = m->m_next, guard++) {
		m->m_owner = owner;
		if (site != 0)
			m->m_osite = site;
	}
}

/*
 * A packet callback returned r: the chain in *mp (and *cp) belongs to the
 * stack again (0), to the filter (EJUSTRETURN), or to the stack, which
 * frees it (an error).  (While the callback runs the packet is simply the
 * filter's to free or keep: nothing to record on the way in.)
 */
void
nke__chk_cb_return(struct __mbuf **mp, struct __mbuf **cp, u_int32_t kext, int r)
{
	u_int32_t owner, site = 0;

	if (NKE_UNLIKELY(nke__m_watched != 0) && mp != NULL && *mp != NULL && r != EJUSTRETURN &&
	    nke__m_live(*mp))
		nke__m_shared_check(*mp, "returned by the filter");
	if (!NKE_CHK_OWN() || ((mp == NULL || *mp == NULL) && (cp == NULL || *cp == NULL)))
		return;
	if (r == 0) {
		owner = NKE_OWN_STACK;
	} else if (r == EJUSTRETURN) {
		owner = NKE_OWN_KEXT | kext;
		site = nke__site_new(NKE_SITE_KEEP, "", NULL, 0);
	} else {
		owner = NKE_OWN_STACK;
		site = nke__site_new(NKE_SITE_DROP, "", NULL, r);
	}
	if (mp != NULL && *mp != NULL)
		own_chain(*mp, owner, site);
	if (cp != NULL && *cp != NULL)
		own_chain(*cp, owner, site);
}

/* --- Unload checks --------------------------------------------------------------------------------- */

void
nke__chk_kext_stopped(u_int32_t kext)
{
	if (kext < 32)
		nke__chk_stopped |= 1u << kext;
	last_valid = 0;
	nke__ipf_kext_stopped(kext);
	nke__iflt_kext_stopped(kext);
	nke__sflt_kext_stopped(kext);
	nke__time_kext_stopped(kext);
	nke__m_leak_check(kext);
	nke__blk_leak_check(kext);
}

/* --- Subsystem --------------------------------------------------------------------------------------- */

void
nke__checks_init(void)
{
	nke__chk_groups = NKS_CHK_ALL;
	nke__chk_layout = NKS_LAYOUT_CONTIGUOUS;
	nke__chk_seed = 0;
	nke__chk_flags = 0;
	nke__kpi.k_ra = NULL;
	nke__kpi.k_fn = NULL;
	depth = 0;
	last_valid = 0;
	unload_warned = 0;
	nke__chk_stopped = 0;
	ninterned = 0;
	ring = NULL;
	site_next = 0;
}

void
nke__checks_fini(void)
{
	nke__layout_fini();
	if (ring != NULL)
		NKH_free(ring, SITE_RING * sizeof(*ring));
	ring = NULL;
	depth = 0;
	last_valid = 0;
}
