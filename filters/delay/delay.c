/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * delay.c - example kext (kernel world): an IP filter that holds every
 * IPv4 and IPv6 packet, inbound and outbound, for DELAY_MS milliseconds and
 * then re-injects it: a model of an NKE that swallows packets and gives
 * them back later.
 *
 * Configuration: nke_add_kext(... DEFINES DELAY_MS=200); default 50 ms.
 *
 * What it shows:
 *   - swallowing: returning EJUSTRETURN makes the packet ours; it must be
 *     re-injected or freed, exactly once;
 *   - the skip rule: ipf_inject_input/ipf_inject_output with our own filter
 *     reference start the IP filters after ours, so the packet does not
 *     come back to us (no tag needed) while older filters still see it;
 *   - ownership after injection: ipf_inject_output consumes the packet
 *     whatever it returns; after a failed ipf_inject_input the packet is
 *     still ours to free;
 *   - the ipf_pktopts of an outbound packet live on ip_output's stack:
 *     copy them if the packet outlives the callback;
 *   - a mutex shared by the callbacks and the timer, never held while
 *     calling into the stack (the injection runs the filters again);
 *     per-packet bookkeeping from an OSMalloc tag with OSMalloc_noblock (a
 *     filter callback must not block); a bsd_timeout armed only while
 *     packets wait;
 *   - stopping: refuse (EBUSY) while packets wait (kextunload retries after
 *     the timer emptied the queue), then remove the filters, stop holding
 *     new packets, and refuse again until both ipf_detach ran; free the
 *     lock and the tag last.
 */
#include <mach/mach_types.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/time.h>
#include <sys/kpi_mbuf.h>
#include <kern/locks.h>
#include <libkern/OSMalloc.h>
#include <libkern/OSAtomic.h>
#include <netinet/in.h>
#include <netinet/kpi_ipfilter.h>

#ifndef DELAY_MS
#define DELAY_MS 50
#endif

kern_return_t delay_start(kmod_info_t *ki, void *d);
kern_return_t delay_stop(kmod_info_t *ki, void *d);



/* A held packet. */
struct held {
	struct held *next;
	mbuf_t m;
	u_int64_t due_ns;	/* uptime at which it goes back */
	int family;		/* 4 or 6 */
	int outbound;
	int has_opts;
	struct ipf_pktopts opts; /* outbound: a copy of what ipf_output got */
};

struct dl_family {
	ipfilter_t ref;
	volatile SInt32 attached;
	int family;
};

static struct dl_family fam4 = {NULL, 0, 4};
static struct dl_family fam6 = {NULL, 0, 6};

static OSMallocTag mtag;
static lck_grp_t *lgrp;
static lck_mtx_t *mtx;

/* Protected by mtx. */
static struct held *q_head, *q_tail;
static unsigned q_len;
static int timer_armed;
static int accepting; /* cleared once the filters are being removed */

static volatile SInt32 held_in, held_out, reinjected, failed, not_held;

static u_int64_t
now_ns(void)
{
	struct timespec ts;

	nanouptime(&ts);
	return (u_int64_t)ts.tv_sec * 1000000000ULL + (u_int64_t)ts.tv_nsec;
}

static void dl_timer(void *arg);

/* Arm the timer for `delay` ns from now.  Called with mtx held. */
static void
arm(u_int64_t delay)
{
	struct timespec ts;

	ts.tv_sec = (long)(delay / 1000000000ULL);
	ts.tv_nsec = (long)(delay % 1000000000ULL);
	timer_armed = 1;
	bsd_timeout(dl_timer, NULL, &ts); /* does not block */
}

static void
reinject(struct held *h)
{
	ipfilter_t ref = h->family == 4 ? fam4.ref : fam6.ref;
	errno_t err;

	if (h->outbound) {
		/* Consumed whatever it returns. */
		err = ipf_inject_output(h->m, ref, h->has_opts ? &h->opts : NULL);
	} else {
		err = ipf_inject_input(h->m, ref);
		if (err != 0)
			mbuf_freem(h->m); /* still ours */
	}
	if (err == 0)
		OSIncrementAtomic(&reinjected);
	else
		OSIncrementAtomic(&failed);
	OSFree(h, sizeof(*h), mtag);
}

/* Re-inject what is due, in order; re-arm for the rest. */
static void
dl_timer(void *arg)
{
	struct held *due = NULL, **tail = &due, *h;
	u_int64_t now = now_ns();

	lck_mtx_lock(mtx);
	timer_armed = 0;
	while (q_head != NULL && q_head->due_ns <= now) {
		h = q_head;
		q_head = h->next;
		q_len--;
		h->next = NULL;
		*tail = h;
		tail = &h->next;
	}
	if (q_head == NULL)
		q_tail = NULL;
	else
		arm(q_head->due_ns - now);
	lck_mtx_unlock(mtx);

	/* Outside the lock: injecting runs filters, maybe ours for other packets. */
	while ((h = due) != NULL) {
		due = h->next;
		reinject(h);
	}
}

/* Hold *data; returns EJUSTRETURN if held, 0 to let it pass now. */
static errno_t
hold(struct dl_family *f, mbuf_t *data, int outbound, ipf_pktopts_t options)
{
	struct held *h = OSMalloc_noblock(sizeof(*h), mtag);

	if (h == NULL) {
		OSIncrementAtomic(&not_held);
		return 0; /* no memory: better late than never, here: not late at all */
	}
	h->next = NULL;
	h->m = *data;
	h->due_ns = now_ns() + (u_int64_t)DELAY_MS * NSEC_PER_MSEC;
	h->family = f->family;
	h->outbound = outbound;
	h->has_opts = options != NULL;
	if (options != NULL)
		h->opts = *options;

	lck_mtx_lock(mtx);
	if (!accepting) {
		lck_mtx_unlock(mtx);
		OSFree(h, sizeof(*h), mtag);
		return 0;
	}
	if (q_tail != NULL)
		q_tail->next = h;
	else
		q_head = h;
	q_tail = h;
	q_len++;
	if (!timer_armed)
		arm((u_int64_t)DELAY_MS * NSEC_PER_MSEC);
	lck_mtx_unlock(mtx);

	OSIncrementAtomic(outbound ? &held_out : &held_in);
	return EJUSTRETURN;
}

static errno_t
dl_input(void *cookie, mbuf_t *data, int offset, u_int8_t protocol)
{
	return hold(cookie, data, 0, NULL);
}

static errno_t
dl_output(void *cookie, mbuf_t *data, ipf_pktopts_t options)
{
	return hold(cookie, data, 1, options);
}

static void
dl_detach(void *cookie)
{
	struct dl_family *f = cookie;

	OSDecrementAtomic(&f->attached);
}

static struct ipf_filter filter4 = {&fam4, "delay.v4", dl_input, dl_output, dl_detach};
static struct ipf_filter filter6 = {&fam6, "delay.v6", dl_input, dl_output, dl_detach};

static void
release_resources(void)
{
	if (mtx != NULL) {
		lck_mtx_free(mtx, lgrp);
		mtx = NULL;
	}
	if (lgrp != NULL) {
		lck_grp_free(lgrp);
		lgrp = NULL;
	}
	if (mtag != NULL) {
		OSMalloc_Tagfree(mtag);
		mtag = NULL;
	}
}

kern_return_t
delay_start(kmod_info_t *ki, void *d)
{
	mtag = OSMalloc_Tagalloc("com.nkesim.example.delay", OSMT_DEFAULT);
	lgrp = lck_grp_alloc_init("com.nkesim.example.delay", LCK_GRP_ATTR_NULL);
	if (mtag == NULL || lgrp == NULL)
		goto err_resources;
	mtx = lck_mtx_alloc_init(lgrp, LCK_ATTR_NULL);
	if (mtx == NULL)
		goto err_resources;
	accepting = 1;
	fam4.attached = 1;
	if (ipf_addv4(&filter4, &fam4.ref) != 0) {
		fam4.attached = 0;
		goto err_resources;
	}
	fam6.attached = 1;
	if (ipf_addv6(&filter6, &fam6.ref) != 0) {
		fam6.attached = 0;
		goto err_v4;
	}
	printf("delay: holding every IP packet for %d ms\n", DELAY_MS);
	return KERN_SUCCESS;

err_v4:
	/*
	 * Nothing was held yet (no packet arrives during a start routine), so
	 * the filter can go; its detach may be deferred, but it frees nothing.
	 */
	accepting = 0;
	ipf_remove(fam4.ref);
	fam4.ref = NULL;
err_resources:
	release_resources();
	printf("delay: cannot start\n");
	return KERN_FAILURE;
}

kern_return_t
delay_stop(kmod_info_t *ki, void *d)
{
	unsigned waiting;
	int armed;

	lck_mtx_lock(mtx);
	waiting = q_len;
	armed = timer_armed;
	if (waiting == 0)
		accepting = 0; /* from now on packets pass: no new ones are held */
	lck_mtx_unlock(mtx);
	if (waiting != 0 || armed) {
		printf("delay: %u packets still held, not yet\n", waiting);
		return EBUSY;
	}
	if (fam4.ref != NULL) {
		ipf_remove(fam4.ref);
		fam4.ref = NULL;
	}
	if (fam6.ref != NULL) {
		ipf_remove(fam6.ref);
		fam6.ref = NULL;
	}
	if (fam4.attached != 0 || fam6.attached != 0)
		return EBUSY;
	release_resources();
	printf("delay: held %d inbound and %d outbound packets, re-injected %d, failed %d, "
	       "not held %d\n",
	    (int)held_in, (int)held_out, (int)reinjected, (int)failed, (int)not_held);
	return KERN_SUCCESS;
}
