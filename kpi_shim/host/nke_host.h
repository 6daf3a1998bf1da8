/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nke_host.h - host-world services of the shim (host world).
 *
 * Errno translation between Darwin and the host (the only place it happens)
 * and the default struct nks_hostops used by the command-line tools.
 */
#ifndef NKE_HOST_H_
#define NKE_HOST_H_

#include <stdio.h>

#include <nke_seam.h>

/*
 * Darwin errno (as returned across the seam) to host errno.  The kernel
 * pseudo errors (ERESTART -1, EJUSTRETURN -2, ...) have no host value and are
 * returned unchanged; an unknown positive value becomes EIO.
 */
int nke_errno_host(int darwin_errno);
/* Host errno to Darwin errno; an unknown value becomes Darwin EIO (5). */
int nke_errno_darwin(int host_errno);
/*
 * Symbolic name of a Darwin errno ("EPERM", "EJUSTRETURN", "0" for zero), or
 * NULL when the value is not a Darwin error number.
 */
const char *nke_errno_name(int darwin_errno);

/*
 * Fill *ho with the default host services: the C library's allocator, the
 * console to `console` (stderr when NULL), reports to stderr, and a panic
 * that prints the message and exits with status 1.
 */
void nke_hostops_default(struct nks_hostops *ho, FILE *console);

#endif /* NKE_HOST_H_ */
