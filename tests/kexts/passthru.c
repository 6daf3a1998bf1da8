/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * passthru.c - test kext (kernel world): an interface filter on every
 * interface (ifnet_list_get) and an IPv4 and an IPv6 IP filter, all
 * returning 0.  With it loaded, nke-replay's -w must reproduce the input
 * capture packet for packet (the identity property).  Stopping detaches
 * everything and waits for the detach callbacks (refusing with EBUSY until
 * they came).  Built with -DPASSTHRU_VERBOSE it also prints one console
 * line per callback (the console tests use that variant).
 */
#include <mach/mach_types.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kpi_mbuf.h>
#include <net/kpi_interface.h>
#include <net/kpi_interfacefilter.h>
#include <netinet/kpi_ipfilter.h>

#ifndef PASSTHRU_NAME
#define PASSTHRU_NAME "passthru"
#endif

#define MAX_IFS 16

kern_return_t passthru_start(kmod_info_t *ki, void *d);
kern_return_t passthru_stop(kmod_info_t *ki, void *d);

static interface_filter_t iff_refs[MAX_IFS];
static unsigned n_iff, n_iff_detached;
static ipfilter_t ipf4_ref, ipf6_ref;
static int ipf4_on, ipf6_on, ipf4_gone, ipf6_gone, stopping;
static unsigned long c_iff_in, c_iff_out, c_ipf_in, c_ipf_out;

static errno_t
pt_iff_input(void *cookie, ifnet_t ifp, protocol_family_t proto, mbuf_t *data, char **frame_ptr)
{
	c_iff_in++;
#ifdef PASSTHRU_VERBOSE
	printf("%s: iff_input %s%u proto %u len %lu\n", PASSTHRU_NAME, ifnet_name(ifp),
	       ifnet_unit(ifp), proto, (unsigned long)mbuf_pkthdr_len(*data));
#endif
	return 0;
}

static errno_t
pt_iff_output(void *cookie, ifnet_t ifp, protocol_family_t proto, mbuf_t *data)
{
	c_iff_out++;
#ifdef PASSTHRU_VERBOSE
	/* In two pieces: one line all the same. */
	printf("%s: iff_output ", PASSTHRU_NAME);
	printf("%s%u proto %u len %lu\n", ifnet_name(ifp), ifnet_unit(ifp), proto,
	       (unsigned long)mbuf_pkthdr_len(*data));
#endif
	return 0;
}

static void
pt_iff_detached(void *cookie, ifnet_t ifp)
{
	n_iff_detached++;
}

static errno_t
pt_ipf_input(void *cookie, mbuf_t *data, int offset, u_int8_t protocol)
{
	c_ipf_in++;
#ifdef PASSTHRU_VERBOSE
	printf("%s: ipf_input proto %u offset %d len %lu\n", PASSTHRU_NAME, protocol, offset,
	       (unsigned long)mbuf_pkthdr_len(*data));
#endif
	return 0;
}

static errno_t
pt_ipf_output(void *cookie, mbuf_t *data, ipf_pktopts_t options)
{
	c_ipf_out++;
#ifdef PASSTHRU_VERBOSE
	printf("%s: ipf_output len %lu\n", PASSTHRU_NAME, (unsigned long)mbuf_pkthdr_len(*data));
#endif
	return 0;
}

static void
pt_ipf_detach(void *cookie)
{
	*(int *)cookie = 1;
}

static struct iff_filter pt_iff = {
    NULL, PASSTHRU_NAME ".iff", 0, pt_iff_input, pt_iff_output, NULL, NULL, pt_iff_detached,
};
static struct ipf_filter pt_ipf4 = {
    &ipf4_gone, PASSTHRU_NAME ".ipf4", pt_ipf_input, pt_ipf_output, pt_ipf_detach,
};
static struct ipf_filter pt_ipf6 = {
    &ipf6_gone, PASSTHRU_NAME ".ipf6", pt_ipf_input, pt_ipf_output, pt_ipf_detach,
};

kern_return_t
passthru_start(kmod_info_t *ki, void *d)
{
	ifnet_t *list;
	u_int32_t count, i;

	if (ifnet_list_get(IFNET_FAMILY_ANY, &list, &count) != 0)
		return KERN_FAILURE;
	for (i = 0; i < count && n_iff < MAX_IFS; i++)
		if (iflt_attach(list[i], &pt_iff, &iff_refs[n_iff]) == 0)
			n_iff++;
	ifnet_list_free(list);
	if (ipf_addv4(&pt_ipf4, &ipf4_ref) == 0)
		ipf4_on = 1;
	if (ipf_addv6(&pt_ipf6, &ipf6_ref) == 0)
		ipf6_on = 1;
	printf("%s: started (%s), %u interface filters, ipv4 %d, ipv6 %d\n", PASSTHRU_NAME,
	       ki->name, n_iff, ipf4_on, ipf6_on);
#ifdef PASSTHRU_VERBOSE
	/* Console tests: a line left open at the end of one context. */
	printf("%s: unterminated", PASSTHRU_NAME);
#endif
	return KERN_SUCCESS;
}

kern_return_t
passthru_stop(kmod_info_t *ki, void *d)
{
	unsigned i;

	if (!stopping) {
		stopping = 1;
		for (i = 0; i < n_iff; i++)
			iflt_detach(iff_refs[i]);
		if (ipf4_on)
			ipf_remove(ipf4_ref);
		if (ipf6_on)
			ipf_remove(ipf6_ref);
	}
	if (n_iff_detached < n_iff || (ipf4_on && !ipf4_gone) || (ipf6_on && !ipf6_gone))
		return EBUSY;
	printf("%s: stopped: iff_input %lu, iff_output %lu, ipf_input %lu, ipf_output %lu\n",
	       PASSTHRU_NAME, c_iff_in, c_iff_out, c_ipf_in, c_ipf_out);
	return KERN_SUCCESS;
}
