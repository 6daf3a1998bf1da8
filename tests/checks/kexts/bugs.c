/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bugs.c - deliberately buggy test kexts (kernel world), one per pitfall of
 * kpi-reference.md section 3 that nkesim detects; BUG selects which.  Each
 * behaves (filters installed and removed, memory freed, ...) but for its
 * one bug, so the replay test expects exactly that report.  Filters are
 * named "bug.<name>", kexts com.nkesim.bug.<name> (tests/checks/CMakeLists.txt).
 *
 *  1 leak-swallow        ipf_input keeps a packet (EJUSTRETURN), never frees it
 *  2 double-free         frees a copy twice
 *  3 use-after-free      reads a copy's length after freeing it
 *  4 touch-after-error   keeps the packet it dropped (EPERM) and reads it later
 *  5 null-data-pass      frees *data, sets it to NULL, returns 0
 *  6 replaced-error      ipf_output replaces *data and returns an error
 *  7 nextpkt             ipf_output clears m_nextpkt of a chained TCP packet
 *  8 shared-write        writes into a cluster after mbuf_copym shared it
 *  9 free-after-inject   frees a copy ipf_inject_output consumed
 * 10 free-after-handoff  frees a copy ipf_inject_input took (it is queued)
 * 11 inject-failed-leak  ipf_inject_input fails (ENOTSUP); the copy is never freed
 * 12 lock-held           ipf_input returns holding a mutex once
 * 13 lock-order          two mutexes taken in opposite orders in ipf_input/ipf_output
 * 14 osmalloc-leak       an OSMalloc block and a tag left at stop
 * 15 malloc-leak         a _MALLOC block left at stop
 * 16 timer-armed         a bsd_timeout still armed at stop
 * 17 thread-call-leak    a thread call never freed
 * 18 stale-ref           ipf_remove, then a timer injects with the removed ref
 * 19 ctl-disconnected    ctl_enqueuedata to the unit of a client that left
 * 20 ctl-send-leak       ctl_send never frees its mbuf
 * 21 ctl-enqueue-free    frees an mbuf ctl_enqueuembuf accepted
 * 22 sflt-early-unload   stops right after sflt_unregister while its own kernel
 *                        socket is still attached
 * 23 filter-not-removed  stops without ipf_remove
 * 24 read-past-len       reads the TCP ports through mbuf_data() without pullup
 * 25 pullup-ignored      ignores a failed mbuf_pullup: uses the old pointer,
 *                        returns 0 with *data == NULL
 * 26 iff-keep-leak       iff_input keeps a packet and never frees it
 * 27 sflt-keep-leak      sf_data_in keeps data and never frees it
 * 28 unchecked-alloc     uses mbuf_dup's copy without checking that it succeeded
 *                        (crashes once --fail-alloc makes it fail)
 */
#include <mach/mach_types.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/malloc.h>
#include <sys/kpi_mbuf.h>
#include <sys/kpi_socket.h>
#include <sys/kpi_socketfilter.h>
#include <sys/kern_control.h>
#include <sys/time.h>
#include <kern/locks.h>
#include <kern/thread_call.h>
#include <libkern/OSMalloc.h>
#include <net/kpi_interface.h>
#include <net/kpi_interfacefilter.h>
#include <netinet/in.h>
#include <netinet/kpi_ipfilter.h>

#ifndef BUG
#define BUG 1
#endif
#ifndef BUG_NAME
#define BUG_NAME "bug.unknown"
#endif

kern_return_t bug_start(kmod_info_t *ki, void *d);
kern_return_t bug_stop(kmod_info_t *ki, void *d);

/* Not every variant uses every one of these. */
#define UNUSED __attribute__((unused))
static ipfilter_t ref UNUSED;
static int installed UNUSED;
static unsigned long n_in UNUSED, n_out UNUSED;
static mbuf_t saved UNUSED;

/* --- Building blocks ------------------------------------------------------- */

/* A private copy of the packet (NULL if none could be made). */
static UNUSED mbuf_t
copy_of(mbuf_t m)
{
	mbuf_t c = NULL;

	if (mbuf_dup(m, MBUF_WAITOK, &c) != 0)
		return NULL;
	return c;
}

#if BUG == 12 || BUG == 13
static lck_grp_t *grp_a, *grp_b;
static lck_mtx_t *mtx_a, *mtx_b;
#endif

#if BUG == 19 || BUG == 20 || BUG == 21
static kern_ctl_ref ctlref;
static u_int32_t ctl_unit;

static errno_t
bug_ctl_connect(kern_ctl_ref kctlref, struct sockaddr_ctl *sac, void **unitinfo)
{
	ctl_unit = sac->sc_unit;
	return 0;
}

static errno_t
bug_ctl_disconnect(kern_ctl_ref kctlref, u_int32_t unit, void *unitinfo)
{
#if BUG != 19
	ctl_unit = 0;
#endif
	/* BUG 19: the unit is not forgotten. */
	return 0;
}

static errno_t
bug_ctl_send(kern_ctl_ref kctlref, u_int32_t unit, void *unitinfo, mbuf_t m, int flags)
{
#if BUG == 20
	/* The bug: m belongs to us, and is never freed. */
	return 0;
#else
	mbuf_freem(m);
	return 0;
#endif
}
#endif

#if BUG == 16 || BUG == 18
static void
bug_tick(void *arg)
{
#if BUG == 18
	/* The filter's removal completed: its ref is stale now. */
	if (saved != NULL && ipf_inject_input(saved, ref) != 0)
		mbuf_freem(saved);
	saved = NULL;
#endif
}
#endif

#if BUG == 17
static thread_call_t tcall;

static void
bug_tcall(thread_call_param_t p0, thread_call_param_t p1)
{
}
#endif

/* --- IP filter ---------------------------------------------------------------- */

static errno_t
bug_input(void *cookie, mbuf_t *data, int offset, u_int8_t protocol)
{
	mbuf_t m = *data, c;

	n_in++;
#if BUG == 1
	if (n_in == 5 && saved == NULL) {
		saved = m; /* kept, and forgotten */
		return EJUSTRETURN;
	}
#elif BUG == 2
	if (n_in == 3 && (c = copy_of(m)) != NULL) {
		mbuf_freem(c);
		mbuf_freem(c);
	}
#elif BUG == 3
	if (n_in == 3 && (c = copy_of(m)) != NULL) {
		mbuf_freem(c);
		printf("bug: the copy had %lu bytes\n", (unsigned long)mbuf_len(c));
	}
#elif BUG == 4
	if (n_in == 3) {
		saved = m;
		return EPERM; /* the stack frees it */
	}
	if (n_in == 4 && saved != NULL) {
		printf("bug: first byte %u\n", *(unsigned char *)mbuf_data(saved));
		saved = NULL;
	}
#elif BUG == 5
	if (n_in == 3) {
		mbuf_freem(m);
		*data = NULL;
		return 0;
	}
#elif BUG == 8
	if (saved == NULL && (mbuf_flags(m) & MBUF_EXT) && mbuf_len(m) > 20 &&
	    mbuf_copym(m, 0, MBUF_COPYALL, MBUF_WAITOK, &c) == 0) {
		unsigned char *ip = mbuf_data(m);

		saved = c;
		ip[8] ^= 0xff; /* TTL: the copy sees it too */
		mbuf_freem(c);
		ip[8] ^= 0xff;
	}
#elif BUG == 10
	if (n_in == 3 && (c = copy_of(m)) != NULL) {
		mbuf_pkthdr_setrcvif(c, mbuf_pkthdr_rcvif(m));
		if (ipf_inject_input(c, ref) == 0)
			mbuf_freem(c); /* the bug: the stack owns it now */
		else
			mbuf_freem(c);
	}
#elif BUG == 11
	if (n_in == 3 && (c = copy_of(m)) != NULL) {
		*(unsigned char *)mbuf_data(c) = 0x15; /* IP version 1 */
		(void)ipf_inject_input(c, ref); /* ENOTSUP: still ours, never freed */
	}
#elif BUG == 12
	if (n_in == 3)
		lck_mtx_lock(mtx_a); /* returned holding it */
	else if (n_in == 4)
		lck_mtx_unlock(mtx_a);
#elif BUG == 13
	lck_mtx_lock(mtx_a);
	lck_mtx_lock(mtx_b);
	lck_mtx_unlock(mtx_b);
	lck_mtx_unlock(mtx_a);
#elif BUG == 18
	if (n_in == 3 && saved == NULL) {
		struct timespec ts = {1, 0};

		saved = m;
		(void)ipf_remove(ref); /* completes when this traversal ends */
		installed = 0;
		bsd_timeout(bug_tick, NULL, &ts);
		return EJUSTRETURN;
	}
#elif BUG == 19
	if (ctl_unit != 0) {
		char x = 'x';

		(void)ctl_enqueuedata(ctlref, ctl_unit, &x, 1, CTL_DATA_EOR);
	}
#elif BUG == 21
	if (n_in == 3 && ctl_unit != 0) {
		mbuf_t e = NULL;

		if (mbuf_allocpacket(MBUF_WAITOK, 4, NULL, &e) == 0) {
			mbuf_setlen(e, 4);
			mbuf_pkthdr_setlen(e, 4);
			memcpy(mbuf_data(e), "ping", 4);
			if (ctl_enqueuembuf(ctlref, ctl_unit, e, CTL_DATA_EOR) == 0)
				mbuf_freem(e); /* the bug: the client's now */
			else
				mbuf_freem(e);
		}
	}
#elif BUG == 24
	if (protocol == IPPROTO_TCP) {
		/* The bug: the TCP header may start in the next mbuf. */
		unsigned char *p = (unsigned char *)mbuf_data(m) + offset;

		printf("bug: sport %u\n", (unsigned)(p[0] << 8 | p[1]));
	}
#elif BUG == 28
	c = NULL;
	(void)mbuf_dup(m, MBUF_WAITOK, &c); /* the bug: the result is not checked */
	printf("bug: copy of %lu bytes\n", (unsigned long)mbuf_len(c));
	mbuf_freem(c);
#elif BUG == 25
	if (n_in == 3) {
		mbuf_t old = m;

		(void)mbuf_pullup(data, 200); /* fails: the chain is gone, *data NULL */
		printf("bug: %lu bytes\n", (unsigned long)mbuf_len(old));
		return 0;
	}
#endif
	(void)c;
	(void)m;
	return 0;
}

static errno_t
bug_output(void *cookie, mbuf_t *data, ipf_pktopts_t options)
{
	mbuf_t m = *data, c;

	n_out++;
#if BUG == 6
	if (n_out == 3 && (c = copy_of(m)) != NULL) {
		mbuf_freem(m);
		*data = c;
		return EPERM; /* XNU frees the stale original */
	}
#elif BUG == 7
	if (saved == NULL && mbuf_nextpkt(m) != NULL) {
		saved = m;
		mbuf_setnextpkt(m, NULL); /* the bug: the rest of the chain is lost */
	}
#elif BUG == 9
	if (n_out == 3 && (c = copy_of(m)) != NULL) {
		(void)ipf_inject_output(c, ref, NULL); /* always consumes c */
		mbuf_freem(c);
	}
#elif BUG == 13
	lck_mtx_lock(mtx_b);
	lck_mtx_lock(mtx_a);
	lck_mtx_unlock(mtx_a);
	lck_mtx_unlock(mtx_b);
#endif
	(void)c;
	(void)m;
	return 0;
}

static void
bug_detach(void *cookie)
{
}

static struct ipf_filter flt UNUSED = {NULL, BUG_NAME, bug_input, bug_output, bug_detach};

/* --- Interface filter (26) ----------------------------------------------------- */

#if BUG == 26
static interface_filter_t iref;
static ifnet_t ifp;
static int iff_gone;

static errno_t
bug_iff_input(void *cookie, ifnet_t interface, protocol_family_t protocol, mbuf_t *data,
              char **frame_ptr)
{
	if (++n_in == 4 && saved == NULL) {
		saved = *data; /* kept, and forgotten */
		return EJUSTRETURN;
	}
	return 0;
}

static void
bug_iff_detached(void *cookie, ifnet_t interface)
{
	iff_gone = 1;
}

static struct iff_filter iflt = {NULL, BUG_NAME, 0, bug_iff_input, NULL, NULL, NULL,
                                 bug_iff_detached};
#endif

/* --- Socket filter (22, 27) ----------------------------------------------------- */

#if BUG == 22 || BUG == 27
#define BUG_HANDLE 0x62756721 /* "bug!" */
static int sf_registered, sf_unregistered_called;

static errno_t
bug_sf_attach(void **cookie, socket_t so)
{
	*cookie = NULL;
	return 0;
}

static void
bug_sf_detach(void *cookie, socket_t so)
{
}

static void
bug_sf_unregistered(sflt_handle handle)
{
	sf_unregistered_called = 1;
}

static errno_t
bug_sf_data_in(void *cookie, socket_t so, const struct sockaddr *from, mbuf_t *data,
               mbuf_t *control, sflt_data_flag_t flags)
{
#if BUG == 27
	if (saved == NULL && *data != NULL) {
		saved = *data; /* kept, and forgotten */
		return EJUSTRETURN;
	}
#endif
	return 0;
}

static struct sflt_filter sflt = {
    .sf_handle = BUG_HANDLE,
    .sf_flags = SFLT_GLOBAL,
    .sf_name = (char *)BUG_NAME,
    .sf_unregistered = bug_sf_unregistered,
    .sf_attach = bug_sf_attach,
    .sf_detach = bug_sf_detach,
    .sf_data_in = bug_sf_data_in,
};
#endif

/* --- Start and stop ---------------------------------------------------------------- */

kern_return_t
bug_start(kmod_info_t *ki, void *d)
{
#if BUG == 12 || BUG == 13
	grp_a = lck_grp_alloc_init(BUG_NAME ".a", LCK_GRP_ATTR_NULL);
	grp_b = lck_grp_alloc_init(BUG_NAME ".b", LCK_GRP_ATTR_NULL);
	mtx_a = lck_mtx_alloc_init(grp_a, LCK_ATTR_NULL);
	mtx_b = lck_mtx_alloc_init(grp_b, LCK_ATTR_NULL);
#elif BUG == 14
	{
		OSMallocTag t1 = OSMalloc_Tagalloc("com.nkesim.bug.osmalloc-leak", OSMT_DEFAULT);

		(void)OSMalloc(100, t1);
		OSMalloc_Tagfree(t1); /* released, but its block keeps it alive */
		(void)OSMalloc_Tagalloc("com.nkesim.bug.never-released", OSMT_DEFAULT);
	}
#elif BUG == 15
	(void)_MALLOC(64, M_TEMP, M_WAITOK);
#elif BUG == 16
	{
		struct timespec ts = {3600, 0};

		bsd_timeout(bug_tick, NULL, &ts);
	}
#elif BUG == 17
	tcall = thread_call_allocate(bug_tcall, NULL);
#elif BUG == 19 || BUG == 20 || BUG == 21
	{
		struct kern_ctl_reg reg;

		memset(&reg, 0, sizeof(reg));
		strlcpy(reg.ctl_name, "com.nkesim." BUG_NAME, sizeof(reg.ctl_name));
		reg.ctl_connect = bug_ctl_connect;
		reg.ctl_disconnect = bug_ctl_disconnect;
		reg.ctl_send = bug_ctl_send;
		if (ctl_register(&reg, &ctlref) != 0)
			return KERN_FAILURE;
	}
#endif
#if BUG == 26
	if (ifnet_find_by_name("en0", &ifp) != 0)
		return KERN_FAILURE;
	if (iflt_attach(ifp, &iflt, &iref) != 0) {
		ifnet_release(ifp);
		return KERN_FAILURE;
	}
	return KERN_SUCCESS;
#elif BUG == 22 || BUG == 27
	if (sflt_register(&sflt, PF_INET, SOCK_STREAM, IPPROTO_TCP) != 0)
		return KERN_FAILURE;
	sf_registered = 1;
	return KERN_SUCCESS;
#else
	if (ipf_addv4(&flt, &ref) != 0)
		return KERN_FAILURE;
	installed = 1;
	return KERN_SUCCESS;
#endif
}

kern_return_t
bug_stop(kmod_info_t *ki, void *d)
{
#if BUG == 26
	if (!iff_gone) {
		iflt_detach(iref);
		ifnet_release(ifp);
	}
	return KERN_SUCCESS;
#elif BUG == 22 || BUG == 27
#if BUG == 22
	/* A kernel socket of its own (still open), which the global filter is on. */
	{
		static socket_t kso;

		if (kso == NULL)
			(void)sock_socket(PF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, NULL, &kso);
	}
#endif
	if (sf_registered) {
		sflt_unregister(BUG_HANDLE);
		sf_registered = 0;
	}
#if BUG == 27
	/* Wait for sf_unregistered, as a good kext does (only the leak is the bug). */
	if (!sf_unregistered_called)
		return EBUSY;
#endif
	return KERN_SUCCESS; /* BUG 22: without waiting for sf_unregistered */
#else
#if BUG == 19 || BUG == 20 || BUG == 21
	if (ctl_deregister(ctlref) != 0)
		return EBUSY;
#endif
#if BUG == 12 || BUG == 13
	lck_mtx_free(mtx_a, grp_a);
	lck_mtx_free(mtx_b, grp_b);
	lck_grp_free(grp_a);
	lck_grp_free(grp_b);
#endif
#if BUG != 23
	if (installed) {
		ipf_remove(ref);
		installed = 0;
	}
#endif
	return KERN_SUCCESS;
#endif
}
