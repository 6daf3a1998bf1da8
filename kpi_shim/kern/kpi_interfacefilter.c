/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kpi_interfacefilter.c - interface filters (kernel world): iflt_attach and
 * iflt_detach, and the "monitor" that keeps an interface's filter list
 * stable while a traversal (input, output, event, ioctl) is running.
 *
 * As in XNU (dlil.c): filters are kept per interface in attach order (tail
 * insertion); detaching is synchronous, iff_detached runs in the caller's
 * thread before iflt_detach returns, and a detach or attach from inside one
 * of the same interface's filter callbacks would wait for itself forever.
 * nkesim reports that case ("iflt-self-deadlock") instead of hanging: the
 * filter is marked so no further callback reaches it and its detach
 * completes (iff_detached included) when the traversal ends.
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>

#include "net_internal.h"
#include "kern_checks.h"

/* Traversals in progress, innermost last: which thread walks which list. */
struct nke_iflt_trav nke__iflt_trav[NKE_IFLT_TRAV_MAX];
unsigned nke__iflt_ntrav;

static int
traversing_self(struct __ifnet *ifp)
{
	struct thread *self = nke__current_thread();
	unsigned i, n = nke__iflt_ntrav;

	/* Traversals nested deeper than the records kept are not recorded. */
	if (n > NKE_IFLT_TRAV_MAX)
		n = NKE_IFLT_TRAV_MAX;
	for (i = 0; i < n; i++)
		if (nke__iflt_trav[i].t_ifp == ifp && nke__iflt_trav[i].t_thread == self)
			return 1;
	return 0;
}

static void
filter_destroy(struct __ifnet_filter *f)
{
	struct nke_cb cb;

	if (f->filt_f.iff_detached != NULL) {
		nke__cb_enter_at(&cb, f->filt_kext, f->filt_f.iff_name, 0, NULL, NULL);
		f->filt_f.iff_detached(f->filt_f.iff_cookie, f->filt_ifp);
		nke__cb_leave(&cb);
	}
	nke__vcount_gone(&f->filt_vc[0]);
	nke__vcount_gone(&f->filt_vc[1]);
	f->filt_magic = 0;
	NKH_free(f, sizeof(*f));
}

/* nke__iflt_unbusy(), the last traversal gone: complete the detaches that came during it. */
void
nke__iflt_reap(struct __ifnet *ifp)
{
	while (ifp->if_flt_reap > 0) {
		struct __ifnet_filter *f;

		TAILQ_FOREACH(f, &ifp->if_flt, filt_next)
		if (f->filt_skip)
			break;
		if (f == NULL)
			break;
		TAILQ_REMOVE(&ifp->if_flt, f, filt_next);
		ifp->if_flt_reap--;
		filter_destroy(f);
		if (ifp->if_flt_busy > 0)
			return; /* iff_detached started a traversal of its own */
	}
	ifp->if_flt_reap = 0;
}

NKE_KPI errno_t
iflt_attach(ifnet_t interface, const struct iff_filter *filter, interface_filter_t *filter_ref)
{
	struct __ifnet_filter *f;

	if (filter_ref != NULL)
		*filter_ref = NULL;
	if (interface == NULL)
		return ENOENT;
	if (nke__ifnet_valid(interface) == NULL)
		return ENXIO;
	if (filter == NULL || filter_ref == NULL)
		return EINVAL;
	if (traversing_self(interface))
		/* NKE-DIVERGENCE: XNU waits forever; nkesim reports and attaches. */
		nke__report("iflt-self-deadlock",
		            "iflt_attach(%s, \"%s\") from inside a filter callback of the same "
		            "interface: XNU waits for the traversal to end and hangs",
		            interface->if_xname, filter->iff_name != NULL ? filter->iff_name : "");
	f = NKH_alloc(NKS_ALLOC_KERNEL, sizeof(*f));
	if (f == NULL)
		return ENOMEM;
	memset(f, 0, sizeof(*f));
	f->filt_magic = NKE_IFLT_MAGIC;
	f->filt_ifp = interface;
	f->filt_f = *filter;
	f->filt_kext = nke__kext_current_id();
	TAILQ_INSERT_TAIL(&interface->if_flt, f, filt_next);
	*filter_ref = f;
	return 0;
}

/* The live filter behind a reference, or NULL. */
static struct __ifnet_filter *
filter_lookup(interface_filter_t ref)
{
	u_int32_t i;

	for (i = 1; i <= nke__if_count; i++) {
		struct __ifnet *ifp = nke__ifindex[i];
		struct __ifnet_filter *f;

		if (ifp == NULL)
			continue;
		TAILQ_FOREACH(f, &ifp->if_flt, filt_next)
		if (f == ref && !f->filt_skip)
			return f;
	}
	return NULL;
}

NKE_KPI void
iflt_detach(interface_filter_t filter_ref)
{
	struct __ifnet_filter *f;
	struct __ifnet *ifp;

	if (filter_ref == NULL)
		return;
	f = filter_lookup(filter_ref);
	if (f == NULL)
		return; /* XNU ignores unknown references too */
	ifp = f->filt_ifp;
	f->filt_skip = 1;
	if (ifp->if_flt_busy > 0) {
		/*
		 * NKE-DIVERGENCE: XNU waits for the traversal to end; from
		 * inside it that wait never ends.  Here the filter gets no more
		 * callbacks and is reaped (iff_detached called) when the
		 * traversal ends, after iflt_detach returned.
		 */
		if (traversing_self(ifp))
			nke__report("iflt-self-deadlock",
			            "iflt_detach(\"%s\") from inside a filter callback of %s: XNU "
			            "waits for the traversal to end and hangs",
			            f->filt_f.iff_name != NULL ? f->filt_f.iff_name : "",
			            ifp->if_xname);
		ifp->if_flt_reap++;
		return;
	}
	TAILQ_REMOVE(&ifp->if_flt, f, filt_next);
	filter_destroy(f);
}

/* A kext stopped with interface filters attached: XNU calls unloaded code. */
void
nke__iflt_kext_stopped(u_int32_t kext)
{
	u_int32_t i;

	for (i = 1; i <= nke__if_count; i++) {
		struct __ifnet *ifp = nke__ifindex[i];
		struct __ifnet_filter *f;

		if (ifp == NULL)
			continue;
		TAILQ_FOREACH(f, &ifp->if_flt, filt_next)
		if (f->filt_kext == kext && !f->filt_skip)
			nke__report("filter-not-removed",
			            "%s stopped with its interface filter \"%s\" still attached to "
			            "%s (no iflt_detach): XNU calls the unloaded code for the next "
			            "packet",
			            nke__kext_name_of(kext),
			            f->filt_f.iff_name != NULL ? f->filt_f.iff_name : "",
			            ifp->if_xname);
	}
}

void
nke__iflt_fini(void)
{
	u_int32_t i;

	for (i = 1; i <= nke__if_count; i++) {
		struct __ifnet *ifp = nke__ifindex[i];
		struct __ifnet_filter *f;

		if (ifp == NULL)
			continue;
		/* Filters still attached at the end: freed, not reported here. */
		while ((f = TAILQ_FIRST(&ifp->if_flt)) != NULL) {
			TAILQ_REMOVE(&ifp->if_flt, f, filt_next);
			nke__vcount_gone(&f->filt_vc[0]);
			nke__vcount_gone(&f->filt_vc[1]);
			f->filt_magic = 0;
			NKH_free(f, sizeof(*f));
		}
		ifp->if_flt_busy = 0;
		ifp->if_flt_reap = 0;
	}
	nke__iflt_ntrav = 0;
}
