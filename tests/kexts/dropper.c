/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dropper.c - test kext (kernel world): IPv4 and IPv6 ipf_input filters
 * that drop inbound TCP to port DROP_PORT (default 80) with EPERM, as a
 * simple firewall would.  Everything else passes.
 */
#include <mach/mach_types.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kpi_mbuf.h>
#include <netinet/in.h>
#include <netinet/kpi_ipfilter.h>

#ifndef DROP_PORT
#define DROP_PORT 80
#endif

kern_return_t dropper_start(kmod_info_t *ki, void *d);
kern_return_t dropper_stop(kmod_info_t *ki, void *d);

static ipfilter_t ref4, ref6;
static int on4, on6, gone4, gone6;
static unsigned long dropped;

static errno_t
dr_input(void *cookie, mbuf_t *data, int offset, u_int8_t protocol)
{
	u_int16_t port;

	if (protocol != IPPROTO_TCP)
		return 0;
	if (mbuf_copydata(*data, (size_t)offset + 2, sizeof(port), &port) != 0)
		return 0;
	if (ntohs(port) != DROP_PORT)
		return 0;
	dropped++;
	return EPERM;
}

static void
dr_detach(void *cookie)
{
	*(int *)cookie = 1;
}

static struct ipf_filter f4 = {&gone4, "dropper.v4", dr_input, NULL, dr_detach};
static struct ipf_filter f6 = {&gone6, "dropper.v6", dr_input, NULL, dr_detach};

kern_return_t
dropper_start(kmod_info_t *ki, void *d)
{
	if (ipf_addv4(&f4, &ref4) != 0)
		return KERN_FAILURE;
	on4 = 1;
	if (ipf_addv6(&f6, &ref6) != 0) {
		ipf_remove(ref4);
		return KERN_FAILURE;
	}
	on6 = 1;
	printf("dropper: dropping inbound TCP to port %d\n", DROP_PORT);
	return KERN_SUCCESS;
}

kern_return_t
dropper_stop(kmod_info_t *ki, void *d)
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
	printf("dropper: dropped %lu packets\n", dropped);
	return KERN_SUCCESS;
}
