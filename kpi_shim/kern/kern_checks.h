/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_checks.h - the checks' shared plumbing (kernel world, never seen by
 * kexts): which groups of checks are on, the stress settings, the stack of
 * kext code running now (filter callbacks, callouts, start and stop
 * routines), the KPI call a kext is in, and the ring of "sites" (where a
 * kext allocated, freed, kept or handed over an object) that reports quote.
 *
 * Cost when nothing is wrong: a KPI entry stores its caller's return
 * address (only the outermost one counts); a kext-initiated mbuf event
 * writes one 48-byte ring record; a filter callback pushes one frame.
 * Symbolising and formatting happen only when a check fires.
 */
#ifndef NKE_KERN_CHECKS_H_
#define NKE_KERN_CHECKS_H_

#include <sys/cdefs.h>
#include <sys/types.h>

#include "nke_kern.h"

/* Kernel-world internals: hidden, so that their data is read in place (no GOT). */
#pragma GCC visibility push(hidden)

/* --- Settings (NKS_checks_set) ---------------------------------------- */

extern nks_u32 nke__chk_groups; /* NKS_CHK_* on */
extern nks_u32 nke__chk_layout; /* enum nks_layout */
extern nks_u64 nke__chk_seed;
extern nks_u32 nke__chk_flags; /* NKS_CC_* */

#define NKE_CHK_ON(g) ((nke__chk_groups & (g)) != 0)
/* mbuf ownership and sites are kept only when something reports on them. */
#define NKE_CHK_OWN() NKE_CHK_ON(NKS_CHK_OWNERSHIP | NKS_CHK_LEAKS)

/* Group of a check name (0: none, always on). */
nks_u32 nke__chk_group_of(const char *check);

/* Record being processed (net_sim.c); 0 in callouts and routines. */
extern u_int64_t nke__cur_index;

/* --- The KPI call a kext is in ------------------------------------------ */

/*
 * The outermost KPI call in progress from kext code: its caller's return
 * address and the KPI's name.  Empty (k_ra NULL) while the simulator runs
 * on its own, and inside filter callbacks until the kext calls a KPI.
 */
struct nke_kpictx {
	const void *k_ra;
	const char *k_fn;
};
extern struct nke_kpictx nke__kpi;

static inline struct nke_kpictx
nke__kpi_enter(const void *ra, const char *fn)
{
	struct nke_kpictx saved = nke__kpi;

	if (saved.k_ra == NULL) {
		nke__kpi.k_ra = ra;
		nke__kpi.k_fn = fn;
	}
	return saved;
}

static inline void
nke__kpi_leave(struct nke_kpictx *saved)
{
	nke__kpi = *saved;
}

/*
 * First statement of a KPI function whose mbufs (or other objects) the
 * checks must attribute to the kext's call site.  Restored on every return
 * path (the cleanup attribute).
 */
#define NKE_KPI_CALL(fn)                                                                           \
	struct nke_kpictx nke__kpi_saved __attribute__((cleanup(nke__kpi_leave), unused)) =        \
	    nke__kpi_enter(__builtin_return_address(0), (fn))

/* --- Kext code running now ------------------------------------------------ */

#define NKE_CB_DEPTH 64

struct nke_cbframe {
	u_int64_t f_index;   /* record when entered */
	u_int32_t f_hook;    /* NKS_HOOK_* of a filter callback, else 0 */
	u_int32_t f_kext;    /* load tag of the kext whose code runs */
	const char *f_filter; /* filter or control name, or NULL */
	const char *f_what;  /* when f_hook is 0: "callout", "start routine", ... */
	struct nke_kpictx f_kpi; /* KPI context of the code that called into the kext */
};

/* The frames (kern_checks.c); inline below: this runs around every callback. */
extern struct nke_cbframe nke__chk_frames[NKE_CB_DEPTH];
extern volatile unsigned nke__chk_depth;
extern int nke__chk_last_valid; /* frames[depth], the one that just returned, is valid */
extern u_int32_t nke__chk_stopped; /* load tags of kexts that stopped, one bit each */
void nke__chk_after_unload(u_int32_t kext);

/*
 * Kext code starts / ends running (calls nest).  nke__chk_enter clears the
 * KPI context (the kext's own calls set it again) and reports a callback
 * into a kext that already stopped ("callback-after-unload").
 */
static inline void
nke__chk_enter(u_int32_t hook, u_int32_t kext, const char *filter, const char *what)
{
	unsigned d = nke__chk_depth;

	if (NKE_LIKELY(d < NKE_CB_DEPTH)) {
		struct nke_cbframe *f = &nke__chk_frames[d];

		f->f_index = nke__cur_index;
		f->f_hook = hook;
		f->f_kext = kext;
		f->f_filter = filter;
		f->f_what = what;
		f->f_kpi = nke__kpi;
	}
	nke__chk_depth = d + 1;
	nke__chk_last_valid = 0;
	nke__kpi.k_ra = NULL;
	nke__kpi.k_fn = NULL;
	if (NKE_UNLIKELY(nke__chk_stopped != 0) && kext < 32 &&
	    (nke__chk_stopped & (1u << kext)) != 0)
		nke__chk_after_unload(kext);
}

static inline void
nke__chk_leave(void)
{
	unsigned d = nke__chk_depth;

	if (d == 0)
		return;
	d--;
	if (d < NKE_CB_DEPTH) {
		/* The slot stays as it is until the next entry: the "last" frame. */
		nke__chk_last_valid = 1;
		nke__kpi = nke__chk_frames[d].f_kpi;
	}
	nke__chk_depth = d;
}
/* The innermost frame, or NULL. */
const struct nke_cbframe *nke__chk_top(void);
/*
 * Forget the frame that just ended (reports made right after a callback
 * returned name it; the next top-level entry must not).
 */
void nke__chk_forget(void);

/*
 * A copy of s that lives until NKS_fini (for names a frame or site keeps
 * that their owner may wipe, e.g. a control's); s itself if the table is
 * full.
 */
const char *nke__chk_intern(const char *s);

/* Name of a hook ("ipf_input"), "?" for an unknown one. */
const char *nke__hook_name(u_int32_t hook);

/*
 * The " (in ipf_input of com.x, filter \"f\")" suffix reports carry, for
 * the frame running now or the one that just returned; "" when none.
 */
const char *nke__chk_context(char *buf, size_t size);

/* --- Sites ------------------------------------------------------------------ */

enum nke_site_kind {
	NKE_SITE_ALLOC = 1, /* allocated by a KPI call */
	NKE_SITE_FREE,      /* freed by (or inside) a KPI call */
	NKE_SITE_KEEP,      /* kept by a filter (EJUSTRETURN) */
	NKE_SITE_DROP,      /* a filter returned an error: the stack frees it */
	NKE_SITE_HANDOFF,   /* handed to the stack by a KPI call */
	NKE_SITE_RETURNED,  /* a KPI call failed: the caller still owns it */
	NKE_SITE_GIVEN,     /* handed to a kext callback that must free it (ctl_send) */
	NKE_SITE_LENT,      /* lent to a filter callback */
};

/*
 * Record a site: `kind`, the KPI name and caller address given (or the
 * current KPI context when fn is NULL), an error number, and the frame
 * running now.  Returns its id (never 0).
 */
u_int32_t nke__site_new(u_int32_t kind, const char *fn, const void *ra, int err);
/* The KPI call of a site returned err (kept with the site, when still recorded). */
void nke__site_set_err(u_int32_t id, int err);
/* Kind of a recorded site (enum nke_site_kind), 0 if no longer recorded. */
u_int32_t nke__site_kind(u_int32_t id);
/* "kept (EJUSTRETURN) by ipf_input of com.x, filter \"f\", at #12"; buf returned. */
const char *nke__site_str(u_int32_t id, char *buf, size_t size);
/* Symbol text for a code address (host's ho_symbolize, else the address). */
const char *nke__sym(const void *ra, char *buf, size_t size);
/* Darwin errno name ("EPERM"), or NULL. */
const char *nke__errname(int err);

/* --- Ownership around filter callbacks ------------------------------------------- */

struct __mbuf;
/* Clusters whose bytes are watched for shared-cluster-write (uipc_mbuf.c); 0: none. */
extern u_int32_t nke__m_watched;
/* A packet callback returned r: owner by the rules of kpi-reference 2.1 (0, EJUSTRETURN, error). */
void nke__chk_cb_return(struct __mbuf **mp, struct __mbuf **cp, u_int32_t kext, int r);

/* --- mbuf layouts (mbuf_layout.c) ------------------------------------------------ */

/*
 * Re-cut a packet the stack just built from a captured frame per the
 * --mbuf-layout setting (data at the network header, or l2 bytes of link
 * header first; keep_frame: the frame header before the data moves along).
 * Returns the packet to use (m itself when nothing is to be done, or on
 * a shortage); m is consumed otherwise.
 */
struct __mbuf *nke__layout_apply(struct __mbuf *m, u_int32_t l2, int keep_frame);
void nke__layout_fini(void);

/* --- Subsystem ------------------------------------------------------------- */

void nke__checks_init(void);
void nke__checks_fini(void);

/*
 * A kext's stop routine succeeded: every unload check runs (mbufs it owns,
 * memory, timers, filters it left installed).  Called by kern_kext.c.
 */
void nke__chk_kext_stopped(u_int32_t kext);
/* ... the checks it runs, each in the file that owns the objects. */
void nke__ipf_kext_stopped(u_int32_t kext);
void nke__iflt_kext_stopped(u_int32_t kext);
void nke__sflt_kext_stopped(u_int32_t kext);
void nke__time_kext_stopped(u_int32_t kext);
void nke__m_leak_check(u_int32_t kext);
void nke__blk_leak_check(u_int32_t kext);
/* Has kext `id` stopped (its stop routine returned success)? (kern_kext.c) */
int nke__kext_stopped(u_int32_t id);

#pragma GCC visibility pop

#endif /* NKE_KERN_CHECKS_H_ */
