/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <libkern/locks.h> - the libkern spelling of the lock KPI (kernel world):
 * the same declarations as <kern/locks.h>.
 */
#ifndef LIBKERN_LOCKS_H
#define LIBKERN_LOCKS_H

#include <sys/cdefs.h>
#include <kern/locks.h>

#endif /* !LIBKERN_LOCKS_H */
