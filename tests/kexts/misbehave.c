/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * misbehave.c - test kexts (kernel world) for nke-replay's error paths,
 * one per MISBEHAVE value:
 *   1 startfail   the start routine returns KERN_FAILURE
 *   2 refuser     the stop routine always returns KERN_FAILURE
 *   3 unloadable  calls a KPI that does not exist (the module cannot load)
 *   4 panicker    panics in ipf_input at the third packet
 *   5 leaker      allocates with OSMalloc in start and never frees
 *   6 busy        the stop routine refuses with EBUSY twice, then succeeds
 *   7 crasher     writes to an invalid address in ipf_input at the second packet
 *   0 (noroutines) well-behaved routines, left out with START/STOP NONE
 */
#include <mach/mach_types.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kpi_mbuf.h>
#include <libkern/OSMalloc.h>
#include <netinet/kpi_ipfilter.h>

#ifndef MISBEHAVE
#define MISBEHAVE 1
#endif

kern_return_t misbehave_start(kmod_info_t *ki, void *d);
kern_return_t misbehave_stop(kmod_info_t *ki, void *d);

#if MISBEHAVE == 3
extern void nkesim_test_no_such_kpi(void);
#endif

#if MISBEHAVE == 4
static ipfilter_t ref;
static unsigned long n;

static errno_t
pa_input(void *cookie, mbuf_t *data, int offset, u_int8_t protocol)
{
	if (++n == 3)
		panic("panicker: boom at packet %lu", n);
	return 0;
}

static struct ipf_filter flt = {NULL, "panicker.v4", pa_input, NULL, NULL};
#endif

#if MISBEHAVE == 7
static ipfilter_t ref;
static unsigned long n;
/* Not NULL (a sanitizer would catch that first): an unmapped address. */
static int *volatile bad_ptr = (int *)16;

static errno_t
cr_input(void *cookie, mbuf_t *data, int offset, u_int8_t protocol)
{
	if (++n == 2)
		*bad_ptr = 1;
	return 0;
}

static struct ipf_filter flt = {NULL, "crasher.v4", cr_input, NULL, NULL};
#endif

#if MISBEHAVE == 5
static OSMallocTag leak_tag;
static void *leak;
#endif

#if MISBEHAVE == 6
static int refusals;
#endif

kern_return_t
misbehave_start(kmod_info_t *ki, void *d)
{
#if MISBEHAVE == 1
	printf("startfail: refusing to start\n");
	return KERN_FAILURE;
#elif MISBEHAVE == 3
	nkesim_test_no_such_kpi();
	return KERN_SUCCESS;
#elif MISBEHAVE == 4
	return ipf_addv4(&flt, &ref) == 0 ? KERN_SUCCESS : KERN_FAILURE;
#elif MISBEHAVE == 7
	return ipf_addv4(&flt, &ref) == 0 ? KERN_SUCCESS : KERN_FAILURE;
#elif MISBEHAVE == 5
	leak_tag = OSMalloc_Tagalloc("com.nkesim.test.leaker", OSMT_DEFAULT);
	leak = OSMalloc(100, leak_tag);
	return leak != NULL ? KERN_SUCCESS : KERN_FAILURE;
#else
	return KERN_SUCCESS;
#endif
}

kern_return_t
misbehave_stop(kmod_info_t *ki, void *d)
{
#if MISBEHAVE == 2
	printf("refuser: not stopping\n");
	return KERN_FAILURE;
#elif MISBEHAVE == 6
	if (refusals < 2) {
		refusals++;
		printf("busy: still busy (%d)\n", refusals);
		return EBUSY;
	}
	return KERN_SUCCESS;
#else
	return KERN_SUCCESS;
#endif
}
