/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/random.h> - the kernel's random-byte source (kernel world).
 * NKE-DIVERGENCE: deterministic (re-seeded at every simulation start) so a
 * replay gives the same output every time.
 */
#ifndef __SYS_RANDOM_H__
#define __SYS_RANDOM_H__

#include <sys/cdefs.h>
#include <sys/types.h>

__BEGIN_DECLS
void read_random(void *buffer, u_int numBytes);
void read_frandom(void *buffer, u_int numBytes);
/* Accepted and ignored; returns 0. */
int write_random(void *buffer, u_int numBytes);
__END_DECLS

#endif /* !__SYS_RANDOM_H__ */
