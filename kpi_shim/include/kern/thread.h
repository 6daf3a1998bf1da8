/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <kern/thread.h> - kernel threads as a kext sees them (kernel world).
 *
 * nkesim runs on one host thread but models simulated kernel threads: the
 * thread that delivers packets, one per running callout, one per
 * kernel_thread_start().  current_thread() names the simulated thread, so
 * lock ownership and "lock held at return" checks work as in XNU.
 */
#ifndef _KERN_THREAD_H_
#define _KERN_THREAD_H_

#include <sys/cdefs.h>
#include <stdint.h>
#include <mach/mach_types.h>
#include <kern/kern_types.h>

__BEGIN_DECLS

/* The calling (simulated) thread; never NULL, no reference taken. */
extern thread_t current_thread(void);

/* A stable number for the thread (unique for the whole run). */
extern uint64_t thread_tid(thread_t thread);

extern void thread_reference(thread_t thread);
/* Drop a reference (e.g. the one kernel_thread_start() returned). */
extern void thread_deallocate(thread_t thread);

extern boolean_t thread_has_thread_name(thread_t th);
/* Name a thread (copied, truncated to 63 characters). */
extern void thread_set_thread_name(thread_t th, const char *name);

/*
 * Create a kernel thread that runs continuation(parameter, THREAD_AWAKENED).
 * On KERN_SUCCESS *new_thread holds a reference the caller must drop with
 * thread_deallocate(); on failure (KERN_RESOURCE_SHORTAGE) it is NULL.
 */
extern kern_return_t kernel_thread_start(thread_continue_t continuation, void *parameter,
    thread_t *new_thread);

__END_DECLS

#endif /* !_KERN_THREAD_H_ */
