/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <kern/task.h> - Mach tasks as a kext sees them (kernel world): only the
 * current task.  In nkesim every simulated thread belongs to kernel_task.
 */
#ifndef _KERN_TASK_H_
#define _KERN_TASK_H_

#include <sys/cdefs.h>
#include <stdbool.h>
#include <mach/mach_types.h>
#include <kern/kern_types.h>

__BEGIN_DECLS
extern task_t current_task(void);
extern task_t kernel_task;
extern bool task_is_driver(task_t task);
__END_DECLS

#endif /* !_KERN_TASK_H_ */
