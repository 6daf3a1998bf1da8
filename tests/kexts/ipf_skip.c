/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipf_skip.c - test kexts (kernel world) for the IP filter skip rule,
 * built three times with SKIP_ROLE 1 (A), 2 (B) and 3 (C), loaded in that
 * order, so the filter lists (newest first) read C, B, A.  A and C pass
 * everything.  B keeps every inbound TCP/UDP packet it has not seen and
 * re-injects it at once with ipf_inject_input(m, its own ref): by the skip
 * rule (kpi-reference 2.3.4) only the filters added before B (A) see the
 * re-injected packet, C and B do not.  B also tags its packets so it would
 * notice (and count) one coming back to it.
 */
#include <mach/mach_types.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kpi_mbuf.h>
#include <netinet/in.h>
#include <netinet/kpi_ipfilter.h>

#ifndef SKIP_ROLE
#define SKIP_ROLE 1
#endif
#if SKIP_ROLE == 1
#define SKIP_NAME "skip_a"
#elif SKIP_ROLE == 2
#define SKIP_NAME "skip_b"
#else
#define SKIP_NAME "skip_c"
#endif

kern_return_t skip_start(kmod_info_t *ki, void *d);
kern_return_t skip_stop(kmod_info_t *ki, void *d);

static ipfilter_t ref4, ref6;
static int on4, on6, gone4, gone6;
static unsigned long seen, injected, seen_own;
static mbuf_tag_id_t tag_id;

static errno_t
sk_input(void *cookie, mbuf_t *data, int offset, u_int8_t protocol)
{
	ipfilter_t self = *(ipfilter_t *)cookie;
	size_t len;
	void *p;

	seen++;
	if (SKIP_ROLE != 2 || (protocol != IPPROTO_TCP && protocol != IPPROTO_UDP))
		return 0;
	if (mbuf_tag_find(*data, tag_id, 1, &len, &p) == 0) {
		seen_own++;
		return 0;
	}
	if (mbuf_tag_allocate(*data, tag_id, 1, 4, MBUF_DONTWAIT, &p) != 0)
		return 0;
	if (ipf_inject_input(*data, self) != 0)
		return 0; /* still ours: let it continue */
	injected++;
	return EJUSTRETURN;
}

static void
sk_detach(void *cookie)
{
	if (cookie == &ref4)
		gone4 = 1;
	else
		gone6 = 1;
}

static struct ipf_filter f4 = {&ref4, SKIP_NAME ".v4", sk_input, NULL, sk_detach};
static struct ipf_filter f6 = {&ref6, SKIP_NAME ".v6", sk_input, NULL, sk_detach};

kern_return_t
skip_start(kmod_info_t *ki, void *d)
{
	if (mbuf_tag_id_find("com.nkesim.test.skip", &tag_id) != 0)
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
skip_stop(kmod_info_t *ki, void *d)
{
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
	printf("%s: saw %lu, injected %lu, saw its own %lu\n", SKIP_NAME, seen, injected, seen_own);
	return KERN_SUCCESS;
}
