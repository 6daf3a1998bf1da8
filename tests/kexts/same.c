/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * same.c - test kexts (kernel world) built twice from this one file: both
 * define the same global names (packets, label, count_packet, same_start,
 * same_stop).  SAME_OUTPUT selects the direction counted: 0 counts
 * ipf_input, 1 ipf_output.  Loaded together they must each keep their own
 * globals, as separately linked kexts do in a kernel; if one's references
 * bound to the other's definitions, both would print the same total.
 */
#include <mach/mach_types.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kpi_mbuf.h>
#include <netinet/kpi_ipfilter.h>

#ifndef SAME_OUTPUT
#define SAME_OUTPUT 0
#endif
#ifndef SAME_LABEL
#define SAME_LABEL "same"
#endif

kern_return_t same_start(kmod_info_t *ki, void *d);
kern_return_t same_stop(kmod_info_t *ki, void *d);
void count_packet(void);

unsigned long packets;
const char *label = SAME_LABEL;

static ipfilter_t ref;
static int on, gone;

void
count_packet(void)
{
	packets++;
}

static errno_t
sa_input(void *cookie, mbuf_t *data, int offset, u_int8_t protocol)
{
	if (!SAME_OUTPUT)
		count_packet();
	return 0;
}

static errno_t
sa_output(void *cookie, mbuf_t *data, ipf_pktopts_t options)
{
	if (SAME_OUTPUT)
		count_packet();
	return 0;
}

static void
sa_detach(void *cookie)
{
	gone = 1;
}

static struct ipf_filter flt = {NULL, SAME_LABEL ".v4", sa_input, sa_output, sa_detach};

kern_return_t
same_start(kmod_info_t *ki, void *d)
{
	if (ipf_addv4(&flt, &ref) != 0)
		return KERN_FAILURE;
	on = 1;
	printf("%s: started as %s\n", label, ki->name);
	return KERN_SUCCESS;
}

kern_return_t
same_stop(kmod_info_t *ki, void *d)
{
	if (on) {
		ipf_remove(ref);
		on = 0;
	}
	if (!gone)
		return EBUSY;
	printf("%s: counted %lu %s packets\n", label, packets,
	       SAME_OUTPUT ? "outbound" : "inbound");
	return KERN_SUCCESS;
}
