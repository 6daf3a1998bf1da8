/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * services.c - start, stop and count the kernel services of the simulated
 * kernel (kernel world): threads and sleep, the clock and callouts, locks,
 * the allocators, processes, kext identity and libkern's helpers.
 * NKS_init/NKS_fini/NKS_stats (nke_seam.c) call these hooks.
 */
#include "nke_svc.h"

#include <sys/cdefs.h>

void
nke__services_init(void)
{
	nke__malloc_init();
	nke__synch_init();
	nke__time_init();
	nke__locks_init();
	nke__osmalloc_init();
	nke__proc_init();
	nke__kext_reset();
	nke__libkern_init();
}

/* Give every byte back to the host, whatever the kext leaked. */
void
nke__services_fini(void)
{
	nke__time_fini();
	nke__locks_fini();
	nke__osmalloc_fini();
	nke__synch_fini();
	/* Last: the quarantine holds memory of the modules above. */
	nke__malloc_fini();
}

void
nke__services_stats(struct nks_stats *st)
{
	nke__malloc_stats(st);
	nke__osmalloc_stats(st);
	nke__locks_stats(st);
}
