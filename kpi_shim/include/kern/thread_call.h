/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <kern/thread_call.h> - deferred calls run on kernel worker threads
 * (kernel world).  In nkesim a call runs, on its own simulated thread, when
 * the simulated clock reaches its deadline: between packets (NKS_clock_set)
 * or while a thread sleeps.
 */
#ifndef _KERN_THREAD_CALL_H_
#define _KERN_THREAD_CALL_H_

#include <sys/cdefs.h>
#include <mach/mach_types.h>
#include <kern/clock.h>

struct thread_call;
typedef struct thread_call *thread_call_t;
typedef void *thread_call_param_t;
typedef void (*thread_call_func_t)(thread_call_param_t param0, thread_call_param_t param1);

typedef enum {
	THREAD_CALL_PRIORITY_HIGH = 0,
	THREAD_CALL_PRIORITY_KERNEL = 1,
	THREAD_CALL_PRIORITY_USER = 2,
	THREAD_CALL_PRIORITY_LOW = 3,
	THREAD_CALL_PRIORITY_KERNEL_HIGH = 4
} thread_call_priority_t;

enum {
	/* Re-entered while running: enqueue again only after it returns. */
	THREAD_CALL_OPTIONS_ONCE = 0x00000001,
};
typedef uint32_t thread_call_options_t;

__BEGIN_DECLS

/*
 * Schedule the call to run soon (enter) or at `deadline`, an absolute
 * mach_absolute_time() value (enter_delayed).  param1 is passed as the
 * second argument.  Re-entering a pending call replaces its schedule.
 * Returns TRUE if the call was already pending.
 */
extern boolean_t thread_call_enter(thread_call_t call);
extern boolean_t thread_call_enter1(thread_call_t call, thread_call_param_t param1);
extern boolean_t thread_call_enter_delayed(thread_call_t call, uint64_t deadline);
extern boolean_t thread_call_enter1_delayed(thread_call_t call, thread_call_param_t param1,
    uint64_t deadline);
/* Remove the pending invocation: TRUE if there was one.  Does not wait. */
extern boolean_t thread_call_cancel(thread_call_t call);
/* Like cancel, then wait until no invocation is running. */
extern boolean_t thread_call_cancel_wait(thread_call_t call);
/* Returns NULL when out of memory. */
extern thread_call_t thread_call_allocate(thread_call_func_t func, thread_call_param_t param0);
extern thread_call_t thread_call_allocate_with_priority(thread_call_func_t func,
    thread_call_param_t param0, thread_call_priority_t pri);
extern thread_call_t thread_call_allocate_with_options(thread_call_func_t func,
    thread_call_param_t param0, thread_call_priority_t pri, thread_call_options_t options);
/*
 * Release the call.  FALSE (and nothing done) while it is pending; legal
 * from inside its own callback (the memory goes when the callback returns).
 */
extern boolean_t thread_call_free(thread_call_t call);
/* TRUE while the call is pending or running. */
boolean_t thread_call_isactive(thread_call_t call);

__END_DECLS

#endif /* !_KERN_THREAD_CALL_H_ */
