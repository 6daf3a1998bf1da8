/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/lock.h> - the BSD spelling of the lock KPI (kernel world): it only
 * brings in <kern/locks.h>.
 */
#ifndef _SYS_LOCK_H_
#define _SYS_LOCK_H_

#include <sys/types.h>
#include <sys/cdefs.h>
#include <kern/locks.h>

#endif /* !_SYS_LOCK_H_ */
