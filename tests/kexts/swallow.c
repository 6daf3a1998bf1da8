/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * swallow.c - test kext (kernel world): IPv4 and IPv6 ipf_input filters
 * that keep (EJUSTRETURN) every inbound TCP and UDP packet, queue it, and
 * re-inject the queue from a bsd_timeout callout SWALLOW_DELAY_MS later with
 * ipf_inject_input(m, NULL).  Re-injected packets go through every filter
 * again, this one included; an mbuf tag marks them so they pass the second
 * time.  A replay must lose none of them.  Stopping is refused (EBUSY) while
 * packets wait in the queue, so the host's drain-and-retry is exercised.
 */
#include <mach/mach_types.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kpi_mbuf.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netinet/kpi_ipfilter.h>

#ifndef SWALLOW_DELAY_MS
#define SWALLOW_DELAY_MS 20
#endif
#define TAG_TYPE 1

kern_return_t swallow_start(kmod_info_t *ki, void *d);
kern_return_t swallow_stop(kmod_info_t *ki, void *d);

static ipfilter_t ref4, ref6;
static int on4, on6, gone4, gone6;
static mbuf_tag_id_t tag_id;
static mbuf_t q_head, q_tail;
static unsigned q_len;
static int armed;
static unsigned long swallowed, reinjected, inject_failed;

static int
is_ours(mbuf_t m)
{
	size_t len;
	void *p;

	return mbuf_tag_find(m, tag_id, TAG_TYPE, &len, &p) == 0;
}

static void
sw_timer(void *arg)
{
	mbuf_t m, next;
	unsigned n = 0;

	armed = 0;
	m = q_head;
	q_head = q_tail = NULL;
	q_len = 0;
	for (; m != NULL; m = next) {
		next = mbuf_nextpkt(m);
		mbuf_setnextpkt(m, NULL);
		if (ipf_inject_input(m, NULL) != 0) {
			/* We still own it on failure. */
			mbuf_freem(m);
			inject_failed++;
			continue;
		}
		reinjected++;
		n++;
	}
	printf("swallow: re-injected %u packets\n", n);
}

static errno_t
sw_input(void *cookie, mbuf_t *data, int offset, u_int8_t protocol)
{
	struct timespec ts;
	void *p;

	if (protocol != IPPROTO_TCP && protocol != IPPROTO_UDP)
		return 0;
	if (is_ours(*data))
		return 0;
	if (mbuf_tag_allocate(*data, tag_id, TAG_TYPE, 4, MBUF_DONTWAIT, &p) != 0)
		return 0; /* cannot mark it: let it through untouched */
	mbuf_setnextpkt(*data, NULL);
	if (q_tail != NULL)
		mbuf_setnextpkt(q_tail, *data);
	else
		q_head = *data;
	q_tail = *data;
	q_len++;
	swallowed++;
	if (!armed) {
		armed = 1;
		ts.tv_sec = 0;
		ts.tv_nsec = SWALLOW_DELAY_MS * 1000000L;
		bsd_timeout(sw_timer, NULL, &ts);
	}
	return EJUSTRETURN;
}

static void
sw_detach(void *cookie)
{
	*(int *)cookie = 1;
}

static struct ipf_filter f4 = {&gone4, "swallow.v4", sw_input, NULL, sw_detach};
static struct ipf_filter f6 = {&gone6, "swallow.v6", sw_input, NULL, sw_detach};

kern_return_t
swallow_start(kmod_info_t *ki, void *d)
{
	if (mbuf_tag_id_find("com.nkesim.test.swallow", &tag_id) != 0)
		return KERN_FAILURE;
	if (ipf_addv4(&f4, &ref4) != 0)
		return KERN_FAILURE;
	on4 = 1;
	if (ipf_addv6(&f6, &ref6) != 0) {
		ipf_remove(ref4);
		return KERN_FAILURE;
	}
	on6 = 1;
	return KERN_SUCCESS;
}

kern_return_t
swallow_stop(kmod_info_t *ki, void *d)
{
	if (q_len != 0) {
		printf("swallow: %u packets still queued, not yet\n", q_len);
		return EBUSY;
	}
	if (on4) {
		ipf_remove(ref4);
		on4 = 0;
	}
	if (on6) {
		ipf_remove(ref6);
		on6 = 0;
	}
	if (!gone4 || !gone6)
		return EBUSY;
	printf("swallow: swallowed %lu, re-injected %lu, lost %lu\n", swallowed, reinjected,
	       inject_failed);
	return KERN_SUCCESS;
}
