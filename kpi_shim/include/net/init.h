/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <net/init.h> - deferring work until the network stack is initialised
 * (kernel world).
 */
#ifndef _NET_INIT_H_
#define _NET_INIT_H_

#include <sys/kernel_types.h>

typedef void (*net_init_func_ptr)(void);

__BEGIN_DECLS

/*
 * Queue init_func to run once, when the networking stack finishes its
 * initialisation.  EINVAL for NULL; EALREADY if that already happened (the
 * function is not queued: the caller does the work itself).
 */
errno_t net_init_add(net_init_func_ptr init_func);

__END_DECLS

#endif /* !_NET_INIT_H_ */
