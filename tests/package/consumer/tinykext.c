/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tinykext.c - the kext of the package test's consumer project (kernel
 * world): an IPv4 filter that drops inbound UDP to port 5353 (mDNS) and
 * counts what it saw.
 */
#include <mach/mach_types.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kpi_mbuf.h>
#include <netinet/in.h>
#include <netinet/kpi_ipfilter.h>

kern_return_t tinykext_start(kmod_info_t *ki, void *d);
kern_return_t tinykext_stop(kmod_info_t *ki, void *d);

static ipfilter_t ref;
static int detached;
static unsigned long seen, dropped;

static errno_t
tk_input(void *cookie, mbuf_t *data, int offset, u_int8_t protocol)
{
	u_int16_t port;

	seen++;
	if (protocol != IPPROTO_UDP ||
	    mbuf_copydata(*data, (size_t)offset + 2, sizeof(port), &port) != 0 ||
	    ntohs(port) != 5353)
		return 0;
	dropped++;
	return EPERM;
}

static void
tk_detach(void *cookie)
{
	detached = 1;
}

static struct ipf_filter filter = {NULL, "tinykext", tk_input, NULL, tk_detach};

kern_return_t
tinykext_start(kmod_info_t *ki, void *d)
{
	return ipf_addv4(&filter, &ref) == 0 ? KERN_SUCCESS : KERN_FAILURE;
}

kern_return_t
tinykext_stop(kmod_info_t *ki, void *d)
{
	if (ref != NULL) {
		ipf_remove(ref);
		ref = NULL;
	}
	if (!detached)
		return EBUSY;
	printf("tinykext: saw %lu, dropped %lu\n", seen, dropped);
	return KERN_SUCCESS;
}
