/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <libkern/copyio.h> - copies between user and kernel memory (kernel world).
 *
 * NKE-DIVERGENCE: nkesim has no separate user address space; a user_addr_t
 * is a plain pointer into the simulation's memory.  A zero address fails
 * with EFAULT, as an unmapped page would.
 */
#ifndef _LIBKERN_COPYIO_H_
#define _LIBKERN_COPYIO_H_

#include <sys/cdefs.h>
#include <sys/types.h>

__BEGIN_DECLS
/* Copy len bytes in from user space: 0 or EFAULT. */
int copyin(const user_addr_t uaddr, void *kaddr, size_t len);
/* Copy len bytes out to user space: 0 or EFAULT. */
int copyout(const void *kaddr, user_addr_t udaddr, size_t len);
__END_DECLS

#endif /* !_LIBKERN_COPYIO_H_ */
