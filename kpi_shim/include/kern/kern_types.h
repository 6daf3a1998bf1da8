/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <kern/kern_types.h> - wait events and wait results of the Mach scheduler
 * (kernel world), as the lock, sleep and thread KPIs use them.
 */
#ifndef _KERN_KERN_TYPES_H_
#define _KERN_KERN_TYPES_H_

#include <stdint.h>
#include <mach/mach_types.h>

/* What a thread waits for: any address (usually of the awaited object). */
typedef void *event_t;
#define NO_EVENT ((event_t)0)

typedef uint64_t event64_t;
#define NO_EVENT64 ((event64_t)0)
#define CAST_EVENT64_T(a_ptr) ((event64_t)((uintptr_t)(a_ptr)))

/* How a wait ended. */
typedef int wait_result_t;
#define THREAD_WAITING -1	/* still waiting */
#define THREAD_AWAKENED 0	/* woken by the event */
#define THREAD_TIMED_OUT 1	/* the deadline passed first */
#define THREAD_INTERRUPTED 2	/* aborted */
#define THREAD_RESTART 3	/* restart the operation */
#define THREAD_NOT_WAITING 10	/* never had to wait */

typedef void (*thread_continue_t)(void *, wait_result_t);
#define THREAD_CONTINUE_NULL ((thread_continue_t)NULL)

/* Whether a wait may be interrupted. */
typedef int wait_interrupt_t;
#define THREAD_UNINT 0x00000000
#define THREAD_INTERRUPTIBLE 0x00000001
#define THREAD_ABORTSAFE 0x00000002
#define THREAD_WAIT_NOREPORT_KERNEL 0x80000000
#define THREAD_WAIT_NOREPORT_USER 0x40000000
#define THREAD_WAIT_NOREPORT (THREAD_WAIT_NOREPORT_KERNEL | THREAD_WAIT_NOREPORT_USER)

typedef int wait_timeout_urgency_t;
#define TIMEOUT_URGENCY_SYS_NORMAL 0x00
#define TIMEOUT_URGENCY_SYS_CRITICAL 0x01
#define TIMEOUT_URGENCY_SYS_BACKGROUND 0x02
#define TIMEOUT_URGENCY_USER_MASK 0x10
#define TIMEOUT_URGENCY_USER_NORMAL 0x10
#define TIMEOUT_URGENCY_USER_CRITICAL 0x11
#define TIMEOUT_URGENCY_USER_BACKGROUND 0x12
#define TIMEOUT_URGENCY_MASK 0x13
#define TIMEOUT_URGENCY_LEEWAY 0x20
#define TIMEOUT_URGENCY_FIRST_AVAIL 0x40
#define TIMEOUT_URGENCY_RATELIMITED 0x80

#define TIMEOUT_NO_LEEWAY (0ULL)
#define TIMEOUT_WAIT_FOREVER (0ULL)

#endif /* !_KERN_KERN_TYPES_H_ */
