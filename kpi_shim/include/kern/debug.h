/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <kern/debug.h> - panic() and the debugger hooks (kernel world).  In nkesim
 * panic() ends the simulation with the formatted message (kernel printf
 * conversions) reported to the host; Debugger() prints its message and
 * carries on.
 */
#ifndef _KERN_DEBUG_H_
#define _KERN_DEBUG_H_

#include <sys/cdefs.h>
#include <stdint.h>
#include <stdarg.h>
#include <mach/boolean.h>
#include <mach/kern_return.h>
#include <mach/vm_types.h>

__BEGIN_DECLS

#ifndef __NKE_PANIC_DECLARED
#define __NKE_PANIC_DECLARED
/* Simulated kernel panic; never returns. */
extern void panic(const char *string, ...)
    __attribute__((__noreturn__, __cold__, __format__(__printf__, 1, 2)));
#endif

#define panic_plain(ex, ...) (panic)(ex, ##__VA_ARGS__)

#ifdef KERNEL_PRIVATE
/*
 * Enter the kernel debugger (there is none): the message goes to the
 * console and a warning to the host; execution continues.
 */
extern void Debugger(const char *message);
/* Non-zero while a simulated panic is being raised. */
extern unsigned panic_active(void);
#endif /* KERNEL_PRIVATE */

__END_DECLS

#endif /* !_KERN_DEBUG_H_ */
