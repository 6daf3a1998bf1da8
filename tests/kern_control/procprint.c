/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * procprint.c - test kext (kernel world) for nke-replay --proc: an IPv4
 * IP filter that prints, for every outbound packet, the process the kernel
 * says it runs for (proc_selfpid, proc_selfname, kauth_getuid).  XNU runs
 * ipf_output on the sending process's thread; inbound packets arrive on the
 * input thread (the kernel), so only outbound ones are printed.
 */
#include <mach/mach_types.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/param.h>
#include <sys/proc.h>
#include <sys/kauth.h>
#include <sys/kpi_mbuf.h>
#include <netinet/kpi_ipfilter.h>

kern_return_t procprint_start(kmod_info_t *ki, void *d);
kern_return_t procprint_stop(kmod_info_t *ki, void *d);

static ipfilter_t ref;
static int gone, removing;

static errno_t
pp_output(void *cookie, mbuf_t *data, ipf_pktopts_t options)
{
	char name[2 * MAXCOMLEN + 1];

	proc_selfname(name, sizeof(name));
	printf("procprint: out pid %d name \"%s\" uid %u\n", proc_selfpid(), name,
	       kauth_getuid());
	return 0;
}

static void
pp_detach(void *cookie)
{
	gone = 1;
}

static struct ipf_filter flt = {NULL, "procprint.v4", NULL, pp_output, pp_detach};

kern_return_t
procprint_start(kmod_info_t *ki, void *d)
{
	return ipf_addv4(&flt, &ref) == 0 ? KERN_SUCCESS : KERN_FAILURE;
}

kern_return_t
procprint_stop(kmod_info_t *ki, void *d)
{
	if (!removing) {
		removing = 1;
		ipf_remove(ref);
	}
	return gone ? KERN_SUCCESS : EBUSY;
}
