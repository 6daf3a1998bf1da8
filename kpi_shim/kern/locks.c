/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * locks.c - the Mach lock KPI (kernel world): lock groups and attributes,
 * mutexes, reader-writer locks, spin locks and their sleep variants.
 *
 * Every lock records its owner (a simulated thread, see kern_synch.c) and
 * every thread the locks it holds, so XNU's rules are checked exactly:
 * simulated panics for recursive locking, unlock by a non-owner or of an
 * unlocked lock, the wrong lck_rw_unlock type, use of a destroyed or freed
 * lock and destroying a held lock; reports for freeing a group that still
 * has locks, group mismatches and blocking while a spin lock is held.
 * Every message names the lock's group.  Taking a lock another simulated
 * thread holds can only be a deadlock here (see kern_synch.c): a panic
 * naming both threads.
 */
#include "nke_svc.h"
#include "kern_checks.h"

#include <sys/cdefs.h>
#include <sys/types.h>
#include <string.h>
#include <stdarg.h>
#include <kern/locks.h>
#include <kern/thread.h>
#include <kern/clock.h>
#include <libkern/libkern.h>

#define GRP_MAGIC 0x6e6b4752u		/* "nkGR" */
#define GRPATTR_MAGIC 0x6e6b4741u	/* "nkGA" */
#define ATTR_MAGIC 0x6e6b4154u		/* "nkAT" */
#define LCK_MAGIC 0x6e6b4c4bu		/* "nkLK" */
#define DEAD_MAGIC 0x6e6b4458u		/* "nkDX": freed, in quarantine */
#define GRP_NAME_MAX 64

enum lck_kind { LK_MTX = 1, LK_RW, LK_SPIN };

struct _lck_grp_ {
	uint32_t g_magic;
	int g_released;		/* lck_grp_free() was called */
	uint32_t g_nlocks;	/* locks initialised with it, not destroyed */
	struct _lck_grp_ *g_prev, *g_next;
	char g_name[GRP_NAME_MAX];
};

/* Attributes are kept on a list too, so leaked ones go at fini. */
struct lattr {
	uint32_t la_magic;
	uint32_t la_val;
	struct lattr *la_prev, *la_next;
};

struct _lck_grp_attr_ {
	struct lattr ga;
};

struct __lck_attr__ {
	struct lattr a;
};

/* What the three lock types share. */
struct nke_lck {
	uint32_t l_magic;
	uint8_t l_kind;		/* enum lck_kind */
	uint8_t l_destroyed;
	uint8_t l_spinmode;	/* mutex held in spin mode */
	lck_grp_t *l_grp;
	struct thread *l_owner;	/* mutex, spin, rw exclusive */
	uint32_t l_readers;	/* rw shared holds */
	uint32_t l_dep;		/* its node in the lock-order graph + 1, 0: none yet */
	struct nke_lck *l_prev, *l_next;
	char l_grpname[GRP_NAME_MAX];
};

struct __lck_mtx_t__ {
	struct nke_lck m;
};
struct __lck_rw_t__ {
	struct nke_lck rw;
};
struct __lck_spin_t__ {
	struct nke_lck s;
};

static struct _lck_grp_ *groups;	/* groups not yet destroyed */
static struct lattr *attrs;		/* attributes not yet freed */
static struct nke_lck *locks;		/* locks allocated, not freed */
static uint64_t nobjects;		/* st_locks */
static unsigned upgrade_failures;	/* nke__rw_upgrade_fail_next() */

static const char *
kind_name(int kind)
{
	return kind == LK_MTX ? "mutex" : kind == LK_RW ? "rw lock" : "spin lock";
}

static const char *
mode_name(int mode)
{
	switch (mode) {
	case NKE_HOLD_MTX:
		return "mutex";
	case NKE_HOLD_MTX_SPIN:
		return "mutex (spin mode)";
	case NKE_HOLD_RW_SHARED:
		return "rw lock (shared)";
	case NKE_HOLD_RW_EXCL:
		return "rw lock (exclusive)";
	default:
		return "spin lock";
	}
}

static const char *
thlabel(const struct thread *th, char *buf, size_t size)
{
	return nke__thread_label(th, buf, size);
}

/*
 * Panic about lock l: "<who>: <kind> <addr> of group "<name>": <problem>",
 * so every message names the group.
 */
static void __attribute__((noreturn, format(printf, 3, 4)))
lck_panic(const struct nke_lck *l, const char *who, const char *fmt, ...)
{
	char problem[320];
	va_list ap;

	va_start(ap, fmt);
	nke__vsnprintf(problem, sizeof(problem), fmt, ap);
	va_end(ap);
	nke__panic("%s: %s %p of group \"%s\": %s", who, kind_name(l->l_kind), (const void *)l,
	    l->l_grpname, problem);
}

/* --- Per-thread bookkeeping ------------------------------------------------ */

static int
held_find(const struct thread *th, const void *lck)
{
	unsigned i;

	for (i = 0; i < th->th_nheld; i++)
		if (th->th_held[i].h_lock == lck)
			return (int)i;
	return -1;
}

static void
held_add(struct thread *th, void *lck, int mode)
{
	if (th->th_nheld == NKE_HELD_MAX)
		nke__panic("a thread holds more than %d locks at once", NKE_HELD_MAX);
	th->th_held[th->th_nheld].h_lock = lck;
	th->th_held[th->th_nheld].h_mode = mode;
	th->th_nheld++;
	if (mode == NKE_HOLD_SPIN || mode == NKE_HOLD_MTX_SPIN)
		th->th_nspin++;
}

static void
held_del(struct thread *th, int i)
{
	int mode = th->th_held[i].h_mode;

	if (mode == NKE_HOLD_SPIN || mode == NKE_HOLD_MTX_SPIN)
		th->th_nspin--;
	th->th_nheld--;
	/* Keep acquisition order for the messages. */
	memmove(&th->th_held[i], &th->th_held[i + 1],
	    (th->th_nheld - (unsigned)i) * sizeof(th->th_held[0]));
}

unsigned
nke__locks_held(const struct thread *th)
{
	return th != NULL ? th->th_nheld : 0;
}

const char *
nke__locks_held_describe(const struct thread *th, char *buf, size_t size)
{
	size_t n = 0;
	unsigned i;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; th != NULL && i < th->th_nheld && n + 1 < size; i++) {
		const struct nke_lck *l = th->th_held[i].h_lock;
		int w = nke__snprintf(buf + n, size - n, "%s%s %p (group \"%s\")",
		    i > 0 ? ", " : "", mode_name(th->th_held[i].h_mode), (const void *)l,
		    l->l_grpname);

		n += (size_t)w < size - n ? (size_t)w : size - n - 1;
	}
	return buf;
}

void
nke__assert_may_block(const char *what)
{
	struct thread *th = nke__curthread;
	char held[256], label[96];

	if (th == NULL || th->th_nspin == 0)
		return;
	nke__report("block-under-spinlock", "%s may block, but %s holds %s", what,
	    thlabel(th, label, sizeof(label)),
	    nke__locks_held_describe(th, held, sizeof(held)));
}

void
nke__rw_upgrade_fail_next(unsigned n)
{
	upgrade_failures = n;
}

/* --- Lock order (lockdep) ------------------------------------------------- */

/*
 * Every time a thread takes lock B (blocking) while holding lock A, the
 * edge A -> B joins a graph of the orders seen.  An edge whose reverse path
 * already exists (B -> ... -> A) means two code paths take the locks in
 * opposite orders: run concurrently (as XNU runs filters on several CPUs)
 * they deadlock.  Reported once per pair, with where the other order was
 * first seen.  Nodes are never reused (a freed lock's node goes dead), and
 * the graph stops growing at its limits.
 */
#define DEP_NODES 1024
#define DEP_EDGES 8192

struct dep_node {
	const struct nke_lck *n_lck;	/* NULL once the lock is freed */
	uint32_t n_first;		/* first out-edge + 1 */
	char n_desc[GRP_NAME_MAX + 40];
};

struct dep_edge {
	uint16_t e_to;
	uint16_t e_reported;
	uint32_t e_next;		/* next out-edge of the same node + 1 */
	uint64_t e_index;		/* where the order was first seen */
	uint32_t e_kext;
	uint32_t e_hook;
	const char *e_filter;
	const char *e_what;
};

static struct dep_node *dep_nodes;
static struct dep_edge *dep_edges;
static uint32_t dep_nnodes, dep_nedges;

static int
dep_setup(void)
{
	const struct nks_hostops *ho = nke__hostops;

	if (dep_nodes != NULL)
		return 1;
	/* The simulator's own tables: no failure injection, not counted. */
	dep_nodes = ho->ho_alloc(ho->ho_arg, DEP_NODES * sizeof(*dep_nodes));
	dep_edges = ho->ho_alloc(ho->ho_arg, DEP_EDGES * sizeof(*dep_edges));
	if (dep_nodes == NULL || dep_edges == NULL) {
		NKH_free(dep_nodes, DEP_NODES * sizeof(*dep_nodes));
		NKH_free(dep_edges, DEP_EDGES * sizeof(*dep_edges));
		dep_nodes = NULL;
		dep_edges = NULL;
		return 0;
	}
	return 1;
}

/* The node of l (made on first use), or -1. */
static int
dep_node(struct nke_lck *l, const char *kind)
{
	struct dep_node *n;

	if (l->l_dep != 0)
		return (int)l->l_dep - 1;
	if (dep_nnodes == DEP_NODES || !dep_setup())
		return -1;
	n = &dep_nodes[dep_nnodes];
	n->n_lck = l;
	n->n_first = 0;
	nke__snprintf(n->n_desc, sizeof(n->n_desc), "%s %p (group \"%s\")", kind, (void *)l,
	    l->l_grpname);
	l->l_dep = ++dep_nnodes;
	return (int)l->l_dep - 1;
}

static struct dep_edge *
dep_find(int from, int to)
{
	uint32_t e;

	for (e = dep_nodes[from].n_first; e != 0; e = dep_edges[e - 1].e_next)
		if (dep_edges[e - 1].e_to == to)
			return &dep_edges[e - 1];
	return NULL;
}

/* A path from -> ... -> to through live nodes: its first edge, or NULL. */
static struct dep_edge *
dep_path(int from, int to)
{
	static uint16_t stack[DEP_NODES];
	static uint8_t seen[DEP_NODES];
	static struct dep_edge *first[DEP_NODES];
	unsigned sp = 0;
	uint32_t e;

	memset(seen, 0, dep_nnodes);
	stack[sp++] = (uint16_t)from;
	seen[from] = 1;
	first[from] = NULL;
	while (sp > 0) {
		int n = stack[--sp];

		for (e = dep_nodes[n].n_first; e != 0; e = dep_edges[e - 1].e_next) {
			struct dep_edge *x = &dep_edges[e - 1];

			if (seen[x->e_to] || dep_nodes[x->e_to].n_lck == NULL)
				continue;
			first[x->e_to] = first[n] != NULL ? first[n] : x;
			if (x->e_to == to)
				return first[x->e_to];
			seen[x->e_to] = 1;
			stack[sp++] = x->e_to;
		}
	}
	return NULL;
}

/* Thread th, holding its locks, takes l (blocking). */
static void
dep_acquire(struct thread *th, struct nke_lck *l)
{
	const struct nke_cbframe *f;
	unsigned i;
	int to;

	if (th == NULL || th->th_nheld == 0 || !NKE_CHK_ON(NKS_CHK_LOCKS))
		return;
	to = dep_node(l, kind_name(l->l_kind));
	if (to < 0)
		return;
	for (i = 0; i < th->th_nheld; i++) {
		struct nke_lck *h = th->th_held[i].h_lock;
		struct dep_edge *x, *rev;
		int from;

		if (h == l)
			continue;
		from = dep_node(h, kind_name(h->l_kind));
		if (from < 0 || dep_find(from, to) != NULL)
			continue;
		rev = dep_path(to, from);
		if (dep_nedges == DEP_EDGES)
			return;
		x = &dep_edges[dep_nedges++];
		memset(x, 0, sizeof(*x));
		x->e_to = (uint16_t)to;
		x->e_next = dep_nodes[from].n_first;
		dep_nodes[from].n_first = dep_nedges;
		x->e_index = nke__cur_index;
		x->e_kext = nke__kext_current_id();
		if ((f = nke__chk_top()) != NULL) {
			x->e_kext = f->f_kext;
			x->e_hook = f->f_hook;
			x->e_filter = f->f_filter;
			x->e_what = f->f_what;
		}
		if (rev != NULL && !rev->e_reported) {
			char where[200], at[40];
			const char *k = rev->e_kext != 0 ? nke__kext_name_of(rev->e_kext) : NULL;

			rev->e_reported = 1;
			x->e_reported = 1;
			if (rev->e_hook != 0)
				nke__snprintf(where, sizeof(where), "%s of %s, filter \"%s\"",
				    nke__hook_name(rev->e_hook), k != NULL ? k : "the kernel",
				    rev->e_filter != NULL ? rev->e_filter : "");
			else
				nke__snprintf(where, sizeof(where), "%s of %s",
				    rev->e_what != NULL ? rev->e_what : "code",
				    k != NULL ? k : "the kernel");
			if (rev->e_index != 0)
				nke__snprintf(at, sizeof(at), "record #%llu",
				    (unsigned long long)rev->e_index);
			else
				nke__snprintf(at, sizeof(at), "outside any record");
			nke__report("lock-order-inversion",
			    "%s taken while holding %s, but the opposite order was seen first "
			    "(in %s, %s): two threads running both paths deadlock",
			    dep_nodes[to].n_desc, dep_nodes[from].n_desc, where, at);
		}
	}
}

/* l is freed: its node no longer takes part. */
static void
dep_forget(struct nke_lck *l)
{
	if (l->l_dep != 0 && dep_nodes != NULL)
		dep_nodes[l->l_dep - 1].n_lck = NULL;
	l->l_dep = 0;
}

/* --- Groups and attributes ------------------------------------------------ */

static void *
lattr_alloc(uint32_t magic)
{
	struct lattr *a = NKH_alloc(NKS_ALLOC_KERNEL, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->la_magic = magic;
	a->la_val = 0;
	a->la_prev = NULL;
	a->la_next = attrs;
	if (attrs != NULL)
		attrs->la_prev = a;
	attrs = a;
	nobjects++;
	return a;
}

static struct lattr *
lattr_check(void *p, uint32_t magic, const char *who, const char *what)
{
	struct lattr *a = p;

	if (a == NULL || a->la_magic != magic)
		nke__panic("%s: %p is not a live %s", who, p, what);
	return a;
}

static void
lattr_free(struct lattr *a)
{
	if (a->la_prev != NULL)
		a->la_prev->la_next = a->la_next;
	else
		attrs = a->la_next;
	if (a->la_next != NULL)
		a->la_next->la_prev = a->la_prev;
	a->la_magic = DEAD_MAGIC;
	nobjects--;
	nke__quarantine(a, sizeof(*a));
}

#define grp_attr_check(attr, who) \
	lattr_check((attr), GRPATTR_MAGIC, (who), "lock group attribute")
#define attr_check(attr, who) lattr_check((attr), ATTR_MAGIC, (who), "lock attribute")

NKE_KPI lck_grp_attr_t *
lck_grp_attr_alloc_init(void)
{
	return lattr_alloc(GRPATTR_MAGIC);
}

NKE_KPI void
lck_grp_attr_setdefault(lck_grp_attr_t *attr)
{
	grp_attr_check(attr, "lck_grp_attr_setdefault")->la_val = 0;
}

NKE_KPI void
lck_grp_attr_setstat(lck_grp_attr_t *attr)
{
	grp_attr_check(attr, "lck_grp_attr_setstat")->la_val |= 1;
}

NKE_KPI void
lck_grp_attr_free(lck_grp_attr_t *attr)
{
	lattr_free(grp_attr_check(attr, "lck_grp_attr_free"));
}

NKE_KPI lck_grp_t *
lck_grp_alloc_init(const char *grp_name, lck_grp_attr_t *attr)
{
	lck_grp_t *g;

	if (attr != LCK_GRP_ATTR_NULL)
		grp_attr_check(attr, "lck_grp_alloc_init");
	g = NKH_alloc(NKS_ALLOC_KERNEL, sizeof(*g));
	if (g == NULL)
		return NULL;
	memset(g, 0, sizeof(*g));
	g->g_magic = GRP_MAGIC;
	strlcpy(g->g_name, grp_name != NULL ? grp_name : "", sizeof(g->g_name));
	g->g_next = groups;
	if (groups != NULL)
		groups->g_prev = g;
	groups = g;
	nobjects++;
	return g;
}

static void
grp_destroy(lck_grp_t *g)
{
	if (g->g_prev != NULL)
		g->g_prev->g_next = g->g_next;
	else
		groups = g->g_next;
	if (g->g_next != NULL)
		g->g_next->g_prev = g->g_prev;
	g->g_magic = DEAD_MAGIC;
	nobjects--;
	nke__quarantine(g, sizeof(*g));
}

/* Panics unless grp is a group a lock may still be created in. */
static lck_grp_t *
grp_check(lck_grp_t *grp, const char *who)
{
	if (grp == NULL)
		nke__panic("%s: NULL lock group", who);
	if (grp->g_magic == DEAD_MAGIC)
		nke__panic("%s: lock group \"%s\" was freed", who, grp->g_name);
	if (grp->g_magic != GRP_MAGIC)
		nke__panic("%s: %p is not a lock group", who, (void *)grp);
	return grp;
}

NKE_KPI void
lck_grp_free(lck_grp_t *grp)
{
	grp_check(grp, "lck_grp_free");
	if (grp->g_released)
		nke__panic("lck_grp_free: lock group \"%s\" freed twice", grp->g_name);
	grp->g_released = 1;
	if (grp->g_nlocks > 0) {
		/* XNU keeps the group until its locks go; so do we. */
		nke__report("lck-grp-busy", "lck_grp_free: lock group \"%s\" still has %u lock(s)",
		    grp->g_name, grp->g_nlocks);
		return;
	}
	grp_destroy(grp);
}

NKE_KPI lck_attr_t *
lck_attr_alloc_init(void)
{
	return lattr_alloc(ATTR_MAGIC);
}

NKE_KPI void
lck_attr_setdefault(lck_attr_t *attr)
{
	attr_check(attr, "lck_attr_setdefault")->la_val = 0;
}

NKE_KPI void
lck_attr_setdebug(lck_attr_t *attr)
{
	attr_check(attr, "lck_attr_setdebug")->la_val |= 1;
}

NKE_KPI void
lck_attr_cleardebug(lck_attr_t *attr)
{
	attr_check(attr, "lck_attr_cleardebug")->la_val &= ~1u;
}

NKE_KPI void
lck_attr_free(lck_attr_t *attr)
{
	lattr_free(attr_check(attr, "lck_attr_free"));
}

/* --- Lock objects ---------------------------------------------------------- */

/* Panics unless a lock may be created in grp with attr. */
static void
lck_args_check(lck_grp_t *grp, lck_attr_t *attr, const char *who)
{
	grp_check(grp, who);
	if (grp->g_released)
		nke__panic("%s: lock group \"%s\" was released (lck_grp_free)", who, grp->g_name);
	if (attr != LCK_ATTR_NULL)
		attr_check(attr, who);
}

static void
lck_setup(struct nke_lck *l, int kind, lck_grp_t *grp, lck_attr_t *attr, const char *who)
{
	lck_args_check(grp, attr, who);
	l->l_magic = LCK_MAGIC;
	l->l_kind = (uint8_t)kind;
	l->l_destroyed = 0;
	l->l_spinmode = 0;
	l->l_owner = NULL;
	l->l_readers = 0;
	l->l_grp = grp;
	strlcpy(l->l_grpname, grp->g_name, sizeof(l->l_grpname));
	grp->g_nlocks++;
}

/*
 * NKE-DIVERGENCE: under failure injection the *_alloc_init() calls return
 * NULL, so a kext's error paths can be exercised; XNU's zone allocation
 * waits for memory instead.
 */
static void *
lck_alloc(size_t size, int kind, lck_grp_t *grp, lck_attr_t *attr, const char *who)
{
	struct nke_lck *l;

	lck_args_check(grp, attr, who);
	l = NKH_alloc(NKS_ALLOC_KERNEL, size);
	if (l == NULL)
		return NULL;
	memset(l, 0, size);
	lck_setup(l, kind, grp, attr, who);
	l->l_next = locks;
	if (locks != NULL)
		locks->l_prev = l;
	locks = l;
	nobjects++;
	return l;
}

/*
 * Panics unless l is a lock of `kind` that may be used (not destroyed,
 * unless `destroyed_ok`).
 */
static struct nke_lck *
lck_check(void *lck, int kind, const char *who, int destroyed_ok)
{
	struct nke_lck *l = lck;

	if (l == NULL)
		nke__panic("%s: NULL %s", who, kind_name(kind));
	if (l->l_magic == DEAD_MAGIC)
		lck_panic(l, who, "use after free (lck_*_free)");
	if (l->l_magic != LCK_MAGIC || l->l_kind != kind)
		nke__panic("%s: %p is not a %s", who, lck, kind_name(kind));
	if (l->l_destroyed && !destroyed_ok)
		lck_panic(l, who, "use after destroy");
	return l;
}

/* Panics if the lock is held by anyone. */
static void
lck_not_held(struct nke_lck *l, const char *who)
{
	char label[96];

	if (l->l_owner != NULL)
		lck_panic(l, who, "destroyed while held by %s",
		    thlabel(l->l_owner, label, sizeof(label)));
	if (l->l_readers > 0)
		lck_panic(l, who, "destroyed while held shared (%u)", l->l_readers);
}

static void
lck_do_destroy(struct nke_lck *l, lck_grp_t *grp, const char *who)
{
	lck_grp_t *g = l->l_grp;

	lck_not_held(l, who);
	if (grp != g)
		nke__report("lock-group-mismatch",
		    "%s: %s %p belongs to group \"%s\", not to the group %p given", who,
		    kind_name(l->l_kind), (void *)l, l->l_grpname, (void *)grp);
	l->l_destroyed = 1;
	g->g_nlocks--;
	if (g->g_released && g->g_nlocks == 0)
		grp_destroy(g);
}

static void
lck_do_free(struct nke_lck *l, size_t size)
{
	if (l->l_prev != NULL)
		l->l_prev->l_next = l->l_next;
	else
		locks = l->l_next;
	if (l->l_next != NULL)
		l->l_next->l_prev = l->l_prev;
	dep_forget(l);
	l->l_magic = DEAD_MAGIC;
	l->l_owner = NULL;
	l->l_grp = NULL;
	nobjects--;
	nke__quarantine(l, size);
}

/* Deadlock: `l` is held by another simulated thread, which cannot run. */
static void __attribute__((noreturn))
lck_deadlock(struct nke_lck *l, struct thread *holder, const char *who)
{
	char me[96], other[96];

	lck_panic(l, who, "deadlock: %s waits for it, %s holds it (and cannot run)",
	    thlabel(nke__curthread, me, sizeof(me)), thlabel(holder, other, sizeof(other)));
}

/* --- Mutexes ---------------------------------------------------------------- */

NKE_KPI lck_mtx_t *
lck_mtx_alloc_init(lck_grp_t *grp, lck_attr_t *attr)
{
	return lck_alloc(sizeof(lck_mtx_t), LK_MTX, grp, attr, "lck_mtx_alloc_init");
}

NKE_KPI void
lck_mtx_init(lck_mtx_t *lck, lck_grp_t *grp, lck_attr_t *attr)
{
	/* Lock types are opaque: only a destroyed lock can be initialised again. */
	struct nke_lck *l = lck_check(lck, LK_MTX, "lck_mtx_init", 1);

	if (!l->l_destroyed)
		lck_panic(l, "lck_mtx_init", "already initialised");
	lck_setup(l, LK_MTX, grp, attr, "lck_mtx_init");
}

int
nke__mtx_held_by_cur(lck_mtx_t *mtx)
{
	struct nke_lck *l = lck_check(mtx, LK_MTX, "msleep", 0);

	return l->l_owner == nke__curthread;
}

static void
mtx_acquire(lck_mtx_t *lck, int spin, const char *who)
{
	struct nke_lck *l = lck_check(lck, LK_MTX, who, 0);
	struct thread *th = nke__curthread;
	char label[96];

	if (l->l_owner == th)
		lck_panic(l, who, "recursive lock by %s", thlabel(th, label, sizeof(label)));
	if (!spin)
		nke__assert_may_block(who);
	if (l->l_owner != NULL)
		lck_deadlock(l, l->l_owner, who);
	dep_acquire(th, l);
	l->l_owner = th;
	l->l_spinmode = (uint8_t)spin;
	held_add(th, lck, spin ? NKE_HOLD_MTX_SPIN : NKE_HOLD_MTX);
}

static boolean_t
mtx_try(lck_mtx_t *lck, int spin, const char *who)
{
	struct nke_lck *l = lck_check(lck, LK_MTX, who, 0);

	if (l->l_owner != NULL)
		return FALSE;
	l->l_owner = nke__curthread;
	l->l_spinmode = (uint8_t)spin;
	held_add(nke__curthread, lck, spin ? NKE_HOLD_MTX_SPIN : NKE_HOLD_MTX);
	return TRUE;
}

NKE_KPI void
lck_mtx_lock(lck_mtx_t *lck)
{
	mtx_acquire(lck, 0, "lck_mtx_lock");
}

NKE_KPI void
lck_mtx_lock_spin(lck_mtx_t *lck)
{
	mtx_acquire(lck, 1, "lck_mtx_lock_spin");
}

NKE_KPI void
lck_mtx_lock_spin_always(lck_mtx_t *lck)
{
	mtx_acquire(lck, 1, "lck_mtx_lock_spin_always");
}

NKE_KPI boolean_t
lck_mtx_try_lock(lck_mtx_t *lck)
{
	return mtx_try(lck, 0, "lck_mtx_try_lock");
}

NKE_KPI boolean_t
lck_mtx_try_lock_spin(lck_mtx_t *lck)
{
	return mtx_try(lck, 1, "lck_mtx_try_lock_spin");
}

NKE_KPI boolean_t
lck_mtx_try_lock_spin_always(lck_mtx_t *lck)
{
	return mtx_try(lck, 1, "lck_mtx_try_lock_spin_always");
}

/* Panics unless the current thread holds the mutex; returns its hold slot. */
static int
mtx_owned(lck_mtx_t *lck, const char *who)
{
	struct nke_lck *l = lck_check(lck, LK_MTX, who, 0);
	struct thread *th = nke__curthread;
	char me[96], other[96];

	if (l->l_owner == NULL)
		lck_panic(l, who, "not locked");
	if (l->l_owner != th)
		lck_panic(l, who, "held by %s, not by the caller %s",
		    thlabel(l->l_owner, other, sizeof(other)), thlabel(th, me, sizeof(me)));
	return held_find(th, lck);
}

NKE_KPI void
lck_mtx_unlock(lck_mtx_t *lck)
{
	int i = mtx_owned(lck, "lck_mtx_unlock");

	lck->m.l_owner = NULL;
	lck->m.l_spinmode = 0;
	held_del(nke__curthread, i);
}

NKE_KPI void
lck_mtx_convert_spin(lck_mtx_t *lck)
{
	int i = mtx_owned(lck, "lck_mtx_convert_spin");
	struct thread *th = nke__curthread;

	if (!lck->m.l_spinmode)
		return;
	lck->m.l_spinmode = 0;
	th->th_held[i].h_mode = NKE_HOLD_MTX;
	th->th_nspin--;
}

NKE_KPI boolean_t
lck_mtx_yield(lck_mtx_t *lck)
{
	(void)mtx_owned(lck, "lck_mtx_yield");
	/* Nobody else can be waiting for it in a single-threaded run. */
	return FALSE;
}

NKE_KPI void
mutex_pause(uint32_t collisions)
{
	(void)collisions;
}

NKE_KPI void
lck_mtx_assert(lck_mtx_t *lck, unsigned int type)
{
	struct nke_lck *l = lck_check(lck, LK_MTX, "lck_mtx_assert", 0);
	int mine = l->l_owner == nke__curthread;

	if (type == LCK_MTX_ASSERT_OWNED && !mine)
		lck_panic(l, "lck_mtx_assert()", "not owned by the caller");
	if (type == LCK_MTX_ASSERT_NOTOWNED && mine)
		lck_panic(l, "lck_mtx_assert()", "owned by the caller");
	if (type != LCK_MTX_ASSERT_OWNED && type != LCK_MTX_ASSERT_NOTOWNED)
		nke__panic("lck_mtx_assert(): invalid assertion type %u", type);
}

NKE_KPI void
lck_mtx_destroy(lck_mtx_t *lck, lck_grp_t *grp)
{
	struct nke_lck *l = lck_check(lck, LK_MTX, "lck_mtx_destroy", 1);

	/* XNU lets a mutex be destroyed again (lck_mtx_free does it). */
	if (l->l_destroyed)
		return;
	lck_do_destroy(l, grp, "lck_mtx_destroy");
}

NKE_KPI void
lck_mtx_free(lck_mtx_t *lck, lck_grp_t *grp)
{
	struct nke_lck *l = lck_check(lck, LK_MTX, "lck_mtx_free", 1);

	if (!l->l_destroyed)
		lck_do_destroy(l, grp, "lck_mtx_free");
	lck_do_free(l, sizeof(*lck));
}

static wait_result_t
mtx_sleep(lck_mtx_t *lck, lck_sleep_action_t action, event_t event, uint64_t deadline,
    const char *who)
{
	wait_result_t wr;

	if (action & ~(lck_sleep_action_t)LCK_SLEEP_MASK)
		nke__panic("%s: invalid sleep action 0x%x", who, action);
	(void)mtx_owned(lck, who);
	lck_mtx_unlock(lck);
	nke__assert_may_block(who);
	wr = nke__block(event, deadline, who);
	if (!(action & LCK_SLEEP_UNLOCK)) {
		/* Taken back in full (not spin) mode unless asked otherwise. */
		mtx_acquire(lck, (action & (LCK_SLEEP_SPIN | LCK_SLEEP_SPIN_ALWAYS)) != 0, who);
	}
	return wr;
}

NKE_KPI wait_result_t
lck_mtx_sleep(lck_mtx_t *lck, lck_sleep_action_t lck_sleep_action, event_t event,
    wait_interrupt_t interruptible)
{
	(void)interruptible;
	return mtx_sleep(lck, lck_sleep_action, event, 0, "lck_mtx_sleep()");
}

NKE_KPI wait_result_t
lck_mtx_sleep_deadline(lck_mtx_t *lck, lck_sleep_action_t lck_sleep_action, event_t event,
    wait_interrupt_t interruptible, uint64_t deadline)
{
	(void)interruptible;
	return mtx_sleep(lck, lck_sleep_action, event, deadline, "lck_mtx_sleep_deadline()");
}

/* --- Reader-writer locks --------------------------------------------------- */

NKE_KPI lck_rw_t *
lck_rw_alloc_init(lck_grp_t *grp, lck_attr_t *attr)
{
	return lck_alloc(sizeof(lck_rw_t), LK_RW, grp, attr, "lck_rw_alloc_init");
}

NKE_KPI void
lck_rw_init(lck_rw_t *lck, lck_grp_t *grp, lck_attr_t *attr)
{
	/* Lock types are opaque: only a destroyed lock can be initialised again. */
	struct nke_lck *l = lck_check(lck, LK_RW, "lck_rw_init", 1);

	if (!l->l_destroyed)
		lck_panic(l, "lck_rw_init", "already initialised");
	lck_setup(l, LK_RW, grp, attr, "lck_rw_init");
}

/* A thread that holds l shared, for deadlock messages. */
static struct thread *
rw_some_reader(struct nke_lck *l)
{
	unsigned i;

	if (l->l_owner != NULL)
		return l->l_owner;
	for (i = 0; i < NKE_THREADS_MAX; i++) {
		struct thread *t = nke__thread_by_index(i);

		if (t != NULL && held_find(t, l) >= 0)
			return t;
	}
	return NULL;
}

static void
rw_acquire(lck_rw_t *lck, int excl, const char *who)
{
	struct nke_lck *l = lck_check(lck, LK_RW, who, 0);
	struct thread *th = nke__curthread;
	char label[96];

	if (held_find(th, lck) >= 0)
		lck_panic(l, who, "recursive lock by %s", thlabel(th, label, sizeof(label)));
	nke__assert_may_block(who);
	if (l->l_owner != NULL)
		lck_deadlock(l, l->l_owner, who);
	if (excl && l->l_readers > 0)
		lck_deadlock(l, rw_some_reader(l), who);
	dep_acquire(th, l);
	if (excl) {
		l->l_owner = th;
		held_add(th, lck, NKE_HOLD_RW_EXCL);
	} else {
		l->l_readers++;
		held_add(th, lck, NKE_HOLD_RW_SHARED);
	}
	th->th_failed_upgrade = NULL;
}

static boolean_t
rw_try(lck_rw_t *lck, int excl, const char *who)
{
	struct nke_lck *l = lck_check(lck, LK_RW, who, 0);
	struct thread *th = nke__curthread;

	/* NKE-DIVERGENCE: a thread that holds it already fails, even shared. */
	if (held_find(th, lck) >= 0 || l->l_owner != NULL || (excl && l->l_readers > 0))
		return FALSE;
	if (excl) {
		l->l_owner = th;
		held_add(th, lck, NKE_HOLD_RW_EXCL);
	} else {
		l->l_readers++;
		held_add(th, lck, NKE_HOLD_RW_SHARED);
	}
	return TRUE;
}

/* Panics unless the current thread holds lck; returns its hold slot. */
static int
rw_held(lck_rw_t *lck, const char *who)
{
	struct nke_lck *l = lck_check(lck, LK_RW, who, 0);
	struct thread *th = nke__curthread;
	int i = held_find(th, lck);
	char label[96];

	if (i >= 0)
		return i;
	if (th->th_failed_upgrade == lck)
		lck_panic(l, who,
		    "not held by %s: the failed lck_rw_lock_shared_to_exclusive() released it",
		    thlabel(th, label, sizeof(label)));
	lck_panic(l, who, "not held by %s", thlabel(th, label, sizeof(label)));
}

static void
rw_release(lck_rw_t *lck, int i)
{
	struct thread *th = nke__curthread;

	if (th->th_held[i].h_mode == NKE_HOLD_RW_EXCL)
		lck->rw.l_owner = NULL;
	else
		lck->rw.l_readers--;
	held_del(th, i);
}

static void
rw_release_typed(lck_rw_t *lck, int excl, const char *who)
{
	int i = rw_held(lck, who);
	int mode = nke__curthread->th_held[i].h_mode;

	if ((mode == NKE_HOLD_RW_EXCL) != excl)
		lck_panic(&lck->rw, who, "held %s, released as %s",
		    mode == NKE_HOLD_RW_EXCL ? "exclusive" : "shared", excl ? "exclusive" : "shared");
	rw_release(lck, i);
}

NKE_KPI void
lck_rw_lock_shared(lck_rw_t *lck)
{
	rw_acquire(lck, 0, "lck_rw_lock_shared");
}

NKE_KPI void
lck_rw_lock_exclusive(lck_rw_t *lck)
{
	rw_acquire(lck, 1, "lck_rw_lock_exclusive");
}

NKE_KPI void
lck_rw_unlock_shared(lck_rw_t *lck)
{
	rw_release_typed(lck, 0, "lck_rw_unlock_shared");
}

NKE_KPI void
lck_rw_unlock_exclusive(lck_rw_t *lck)
{
	rw_release_typed(lck, 1, "lck_rw_unlock_exclusive");
}

static int
rw_type_excl(lck_rw_type_t type, const char *who)
{
	if (type == LCK_RW_TYPE_SHARED)
		return 0;
	if (type == LCK_RW_TYPE_EXCLUSIVE)
		return 1;
	nke__panic("%s: invalid lock type %u", who, type);
}

NKE_KPI void
lck_rw_lock(lck_rw_t *lck, lck_rw_type_t lck_rw_type)
{
	rw_acquire(lck, rw_type_excl(lck_rw_type, "lck_rw_lock"), "lck_rw_lock");
}

NKE_KPI void
lck_rw_unlock(lck_rw_t *lck, lck_rw_type_t lck_rw_type)
{
	rw_release_typed(lck, rw_type_excl(lck_rw_type, "lck_rw_unlock"), "lck_rw_unlock");
}

NKE_KPI boolean_t
lck_rw_try_lock(lck_rw_t *lck, lck_rw_type_t lck_rw_type)
{
	return rw_try(lck, rw_type_excl(lck_rw_type, "lck_rw_try_lock"), "lck_rw_try_lock");
}

NKE_KPI boolean_t
lck_rw_try_lock_shared(lck_rw_t *lck)
{
	return rw_try(lck, 0, "lck_rw_try_lock_shared");
}

NKE_KPI boolean_t
lck_rw_try_lock_exclusive(lck_rw_t *lck)
{
	return rw_try(lck, 1, "lck_rw_try_lock_exclusive");
}

NKE_KPI lck_rw_type_t
lck_rw_done(lck_rw_t *lck)
{
	int i = rw_held(lck, "lck_rw_done");
	lck_rw_type_t t = nke__curthread->th_held[i].h_mode == NKE_HOLD_RW_EXCL ?
	    LCK_RW_TYPE_EXCLUSIVE : LCK_RW_TYPE_SHARED;

	rw_release(lck, i);
	return t;
}

/*
 * XNU fails an upgrade when another reader is already upgrading, and then
 * the caller no longer holds the lock at all.  In a single-threaded run no
 * other upgrade can be in flight, so failures come only from the stress
 * knob nke__rw_upgrade_fail_next(); other readers still holding the lock
 * could never drain: a deadlock.
 */
NKE_KPI boolean_t
lck_rw_lock_shared_to_exclusive(lck_rw_t *lck)
{
	const char *who = "lck_rw_lock_shared_to_exclusive";
	int i = rw_held(lck, who);
	struct thread *th = nke__curthread;
	struct nke_lck *l = &lck->rw;
	unsigned j;

	if (th->th_held[i].h_mode != NKE_HOLD_RW_SHARED)
		lck_panic(l, who, "not held shared");
	if (upgrade_failures > 0) {
		upgrade_failures--;
		rw_release(lck, i);
		th->th_failed_upgrade = lck;
		return FALSE;
	}
	if (l->l_readers > 1) {
		for (j = 0; j < NKE_THREADS_MAX; j++) {
			struct thread *t = nke__thread_by_index(j);

			if (t != NULL && t != th && held_find(t, lck) >= 0)
				lck_deadlock(l, t, who);
		}
	}
	l->l_readers--;
	l->l_owner = th;
	th->th_held[i].h_mode = NKE_HOLD_RW_EXCL;
	return TRUE;
}

NKE_KPI void
lck_rw_lock_exclusive_to_shared(lck_rw_t *lck)
{
	const char *who = "lck_rw_lock_exclusive_to_shared";
	int i = rw_held(lck, who);
	struct thread *th = nke__curthread;

	if (th->th_held[i].h_mode != NKE_HOLD_RW_EXCL)
		lck_panic(&lck->rw, who, "not held exclusive");
	lck->rw.l_owner = NULL;
	lck->rw.l_readers++;
	th->th_held[i].h_mode = NKE_HOLD_RW_SHARED;
}

NKE_KPI void
lck_rw_assert(lck_rw_t *lck, unsigned int type)
{
	struct nke_lck *l = lck_check(lck, LK_RW, "lck_rw_assert", 0);
	struct thread *th = nke__curthread;
	int i = held_find(th, lck);
	int mode = i >= 0 ? th->th_held[i].h_mode : 0;
	int ok;

	switch (type) {
	case LCK_RW_ASSERT_SHARED:
		ok = mode == NKE_HOLD_RW_SHARED;
		break;
	case LCK_RW_ASSERT_EXCLUSIVE:
		ok = mode == NKE_HOLD_RW_EXCL;
		break;
	case LCK_RW_ASSERT_HELD:
		ok = mode != 0;
		break;
	case LCK_RW_ASSERT_NOTHELD:
		ok = mode == 0;
		break;
	default:
		nke__panic("lck_rw_assert(): invalid assertion type %u", type);
	}
	if (!ok)
		lck_panic(l, "lck_rw_assert()", "assertion %u failed", type);
}

NKE_KPI void
lck_rw_destroy(lck_rw_t *lck, lck_grp_t *grp)
{
	struct nke_lck *l = lck_check(lck, LK_RW, "lck_rw_destroy", 1);

	/* Unlike a mutex, a destroyed rw lock may not be destroyed (or freed) again. */
	if (l->l_destroyed)
		lck_panic(l, "lck_rw_destroy", "already destroyed");
	lck_do_destroy(l, grp, "lck_rw_destroy");
}

NKE_KPI void
lck_rw_free(lck_rw_t *lck, lck_grp_t *grp)
{
	struct nke_lck *l = lck_check(lck, LK_RW, "lck_rw_free", 1);

	if (l->l_destroyed)
		lck_panic(l, "lck_rw_free", "already destroyed");
	lck_do_destroy(l, grp, "lck_rw_free");
	lck_do_free(l, sizeof(*lck));
}

static wait_result_t
rw_sleep(lck_rw_t *lck, lck_sleep_action_t action, event_t event, uint64_t deadline,
    const char *who)
{
	int i = rw_held(lck, who);
	int excl = nke__curthread->th_held[i].h_mode == NKE_HOLD_RW_EXCL;
	wait_result_t wr;

	if (action & ~(lck_sleep_action_t)LCK_SLEEP_MASK)
		nke__panic("%s: invalid sleep action 0x%x", who, action);
	rw_release(lck, i);
	nke__assert_may_block(who);
	wr = nke__block(event, deadline, who);
	if (!(action & LCK_SLEEP_UNLOCK)) {
		if (action & LCK_SLEEP_SHARED)
			excl = 0;
		else if (action & LCK_SLEEP_EXCLUSIVE)
			excl = 1;
		rw_acquire(lck, excl, who);
	}
	return wr;
}

NKE_KPI wait_result_t
lck_rw_sleep(lck_rw_t *lck, lck_sleep_action_t lck_sleep_action, event_t event,
    wait_interrupt_t interruptible)
{
	(void)interruptible;
	return rw_sleep(lck, lck_sleep_action, event, 0, "lck_rw_sleep()");
}

NKE_KPI wait_result_t
lck_rw_sleep_deadline(lck_rw_t *lck, lck_sleep_action_t lck_sleep_action, event_t event,
    wait_interrupt_t interruptible, uint64_t deadline)
{
	(void)interruptible;
	return rw_sleep(lck, lck_sleep_action, event, deadline, "lck_rw_sleep_deadline()");
}

/* --- Spin locks ------------------------------------------------------------ */

NKE_KPI lck_spin_t *
lck_spin_alloc_init(lck_grp_t *grp, lck_attr_t *attr)
{
	return lck_alloc(sizeof(lck_spin_t), LK_SPIN, grp, attr, "lck_spin_alloc_init");
}

NKE_KPI void
lck_spin_init(lck_spin_t *lck, lck_grp_t *grp, lck_attr_t *attr)
{
	/* Lock types are opaque: only a destroyed lock can be initialised again. */
	struct nke_lck *l = lck_check(lck, LK_SPIN, "lck_spin_init", 1);

	if (!l->l_destroyed)
		lck_panic(l, "lck_spin_init", "already initialised");
	lck_setup(l, LK_SPIN, grp, attr, "lck_spin_init");
}

static void
spin_acquire(lck_spin_t *lck, const char *who)
{
	struct nke_lck *l = lck_check(lck, LK_SPIN, who, 0);
	struct thread *th = nke__curthread;
	char label[96];

	if (l->l_owner == th)
		lck_panic(l, who, "recursive lock by %s", thlabel(th, label, sizeof(label)));
	if (l->l_owner != NULL)
		lck_deadlock(l, l->l_owner, who);
	dep_acquire(th, l);
	l->l_owner = th;
	held_add(th, lck, NKE_HOLD_SPIN);
}

NKE_KPI void
lck_spin_lock(lck_spin_t *lck)
{
	spin_acquire(lck, "lck_spin_lock");
}

NKE_KPI void
lck_spin_lock_grp(lck_spin_t *lck, lck_grp_t *grp)
{
	(void)grp;
	spin_acquire(lck, "lck_spin_lock_grp");
}

NKE_KPI boolean_t
lck_spin_try_lock(lck_spin_t *lck)
{
	struct nke_lck *l = lck_check(lck, LK_SPIN, "lck_spin_try_lock", 0);

	if (l->l_owner != NULL)
		return FALSE;
	l->l_owner = nke__curthread;
	held_add(nke__curthread, lck, NKE_HOLD_SPIN);
	return TRUE;
}

NKE_KPI boolean_t
lck_spin_try_lock_grp(lck_spin_t *lck, lck_grp_t *grp)
{
	(void)grp;
	return lck_spin_try_lock(lck);
}

static int
spin_owned(lck_spin_t *lck, const char *who)
{
	struct nke_lck *l = lck_check(lck, LK_SPIN, who, 0);
	struct thread *th = nke__curthread;
	char me[96], other[96];

	if (l->l_owner == NULL)
		lck_panic(l, who, "not locked");
	if (l->l_owner != th)
		lck_panic(l, who, "held by %s, not by the caller %s",
		    thlabel(l->l_owner, other, sizeof(other)), thlabel(th, me, sizeof(me)));
	return held_find(th, lck);
}

NKE_KPI void
lck_spin_unlock(lck_spin_t *lck)
{
	int i = spin_owned(lck, "lck_spin_unlock");

	lck->s.l_owner = NULL;
	held_del(nke__curthread, i);
}

NKE_KPI void
lck_spin_assert(const lck_spin_t *lck, unsigned int type)
{
	const struct nke_lck *l = lck_check((void *)(uintptr_t)lck, LK_SPIN, "lck_spin_assert", 0);
	int mine = l->l_owner == nke__curthread;

	if ((type == LCK_ASSERT_OWNED && !mine) || (type == LCK_ASSERT_NOTOWNED && mine))
		lck_panic(l, "lck_spin_assert()", "%s by the caller", mine ? "owned" : "not owned");
}

NKE_KPI void
lck_spin_destroy(lck_spin_t *lck, lck_grp_t *grp)
{
	struct nke_lck *l = lck_check(lck, LK_SPIN, "lck_spin_destroy", 1);

	if (l->l_destroyed)
		return;
	lck_do_destroy(l, grp, "lck_spin_destroy");
}

NKE_KPI void
lck_spin_free(lck_spin_t *lck, lck_grp_t *grp)
{
	struct nke_lck *l = lck_check(lck, LK_SPIN, "lck_spin_free", 1);

	if (!l->l_destroyed)
		lck_do_destroy(l, grp, "lck_spin_free");
	lck_do_free(l, sizeof(*lck));
}

static wait_result_t
spin_sleep(lck_spin_t *lck, lck_sleep_action_t action, event_t event, uint64_t deadline,
    const char *who)
{
	wait_result_t wr;

	if (action & ~(lck_sleep_action_t)LCK_SLEEP_MASK)
		nke__panic("%s: invalid sleep action 0x%x", who, action);
	(void)spin_owned(lck, who);
	lck_spin_unlock(lck);
	nke__assert_may_block(who);
	wr = nke__block(event, deadline, who);
	if (!(action & LCK_SLEEP_UNLOCK))
		spin_acquire(lck, who);
	return wr;
}

NKE_KPI wait_result_t
lck_spin_sleep(lck_spin_t *lck, lck_sleep_action_t lck_sleep_action, event_t event,
    wait_interrupt_t interruptible)
{
	(void)interruptible;
	return spin_sleep(lck, lck_sleep_action, event, 0, "lck_spin_sleep()");
}

NKE_KPI wait_result_t
lck_spin_sleep_grp(lck_spin_t *lck, lck_sleep_action_t lck_sleep_action, event_t event,
    wait_interrupt_t interruptible, lck_grp_t *grp)
{
	(void)interruptible;
	(void)grp;
	return spin_sleep(lck, lck_sleep_action, event, 0, "lck_spin_sleep_grp()");
}

NKE_KPI wait_result_t
lck_spin_sleep_deadline(lck_spin_t *lck, lck_sleep_action_t lck_sleep_action, event_t event,
    wait_interrupt_t interruptible, uint64_t deadline)
{
	(void)interruptible;
	return spin_sleep(lck, lck_sleep_action, event, deadline, "lck_spin_sleep_deadline()");
}

void
nke__locks_foreach_group(nke_lck_grp_fn fn, void *arg)
{
	struct _lck_grp_ *g, *next;

	for (g = groups; g != NULL; g = next) {
		next = g->g_next;
		fn(g->g_name, g->g_nlocks, g->g_released, arg);
	}
}

/* --- Module hooks ---------------------------------------------------------- */

void
nke__locks_init(void)
{
	groups = NULL;
	attrs = NULL;
	locks = NULL;
	nobjects = 0;
	upgrade_failures = 0;
	dep_nodes = NULL;
	dep_edges = NULL;
	dep_nnodes = dep_nedges = 0;
}

void
nke__locks_fini(void)
{
	/* What the kext leaked. */
	while (locks != NULL) {
		struct nke_lck *l = locks;
		size_t size = l->l_kind == LK_MTX ? sizeof(lck_mtx_t) :
		    l->l_kind == LK_RW ? sizeof(lck_rw_t) : sizeof(lck_spin_t);

		locks = l->l_next;
		NKH_free(l, size);
	}
	while (groups != NULL) {
		struct _lck_grp_ *g = groups;

		groups = g->g_next;
		NKH_free(g, sizeof(*g));
	}
	while (attrs != NULL) {
		struct lattr *a = attrs;

		attrs = a->la_next;
		NKH_free(a, sizeof(*a));
	}
	nobjects = 0;
	NKH_free(dep_nodes, DEP_NODES * sizeof(*dep_nodes));
	NKH_free(dep_edges, DEP_EDGES * sizeof(*dep_edges));
	dep_nodes = NULL;
	dep_edges = NULL;
	dep_nnodes = dep_nedges = 0;
}

void
nke__locks_stats(struct nks_stats *st)
{
	st->st_locks += nobjects;
}
