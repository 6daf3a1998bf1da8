/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <kern/sched_prim.h> - the Mach wait/wakeup primitives (kernel world):
 * assert_wait() declares the event the thread will wait for,
 * thread_block() waits, thread_wakeup() ends the wait.  In nkesim a wait
 * lets due callouts run (see <sys/proc.h>'s msleep for the model).
 */
#ifndef _KERN_SCHED_PRIM_H_
#define _KERN_SCHED_PRIM_H_

#include <sys/cdefs.h>
#include <stdint.h>
#include <mach/boolean.h>
#include <mach/kern_return.h>
#include <kern/kern_types.h>

__BEGIN_DECLS

/*
 * Wait for the event asserted by assert_wait*() (a wakeup between the two
 * calls counts).  Returns THREAD_AWAKENED (or the waker's result) or
 * THREAD_TIMED_OUT; without an asserted wait it returns THREAD_AWAKENED at
 * once.
 */
extern wait_result_t thread_block(thread_continue_t continuation);
extern wait_result_t thread_block_parameter(thread_continue_t continuation, void *parameter);

/* Declare the event (and deadline) the next thread_block() waits for. */
extern wait_result_t assert_wait(event_t event, wait_interrupt_t interruptible);
extern wait_result_t assert_wait_timeout(event_t event, wait_interrupt_t interruptible,
    uint32_t interval, uint32_t scale_factor);
extern wait_result_t assert_wait_deadline(event_t event, wait_interrupt_t interruptible,
    uint64_t deadline);

/* Wake one / all waiters of event: KERN_SUCCESS, or KERN_NOT_WAITING. */
extern kern_return_t thread_wakeup_prim(event_t event, boolean_t one_thread,
    wait_result_t result);
extern kern_return_t thread_wakeup_nthreads_prim(event_t event, uint32_t nthreads,
    wait_result_t result);

#define thread_wakeup(x) thread_wakeup_prim((x), FALSE, THREAD_AWAKENED)
#define thread_wakeup_with_result(x, z) thread_wakeup_prim((x), FALSE, (z))
#define thread_wakeup_one(x) thread_wakeup_prim((x), TRUE, THREAD_AWAKENED)
#define thread_wakeup_nthreads(x, nthreads) \
	thread_wakeup_nthreads_prim((x), (nthreads), THREAD_AWAKENED)
#define thread_wakeup_nthreads_with_result(x, nthreads, z) \
	thread_wakeup_nthreads_prim((x), (nthreads), (z))

/* Wake `thread` if it waits for event. */
extern kern_return_t thread_wakeup_thread(event_t event, thread_t thread);

__END_DECLS

#endif /* !_KERN_SCHED_PRIM_H_ */
