/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <IOKit/IOLib.h> - the IOKit kernel library subset NKE sources use (kernel
 * world): IOLog, IOMalloc/IOFree, IOSleep/IODelay.  IOLog formats with the
 * kernel printf and writes to the simulated console.  IOMalloc bytes are
 * accounted with the _MALLOC bytes; IOFree() must get the allocation's
 * size.  IOSleep() and IODelay() advance the simulated clock.
 */
#ifndef __IOKIT_IOLIB_H
#define __IOKIT_IOLIB_H

#include <sys/cdefs.h>
#include <stdarg.h>
#include <mach/vm_types.h>
#include <libkern/OSAtomic.h>
#include <kern/thread.h>
#include <kern/thread_call.h>
#include <kern/clock.h>

__BEGIN_DECLS

/* Returns NULL on failure.  Not zeroed (poison-filled in nkesim). */
void *IOMalloc(vm_size_t size) __attribute__((alloc_size(1)));
void *IOMallocZero(vm_size_t size) __attribute__((alloc_size(1)));
/* `size` must be the one given to IOMalloc; NULL is allowed. */
void IOFree(void *address, vm_size_t size);
void *IOMallocData(vm_size_t size) __attribute__((alloc_size(1)));
void *IOMallocZeroData(vm_size_t size) __attribute__((alloc_size(1)));
void IOFreeData(void *address, vm_size_t size);
/* alignment must be a power of two. */
void *IOMallocAligned(vm_size_t size, vm_offset_t alignment) __attribute__((alloc_size(1)));
void IOFreeAligned(void *address, vm_size_t size);

#define IOThreadSelf() (current_thread())

/* Sleep for the given time: the simulated clock moves on; callouts run. */
void IOSleep(unsigned milliseconds);
void IOSleepWithLeeway(unsigned intervalMilliseconds, unsigned leewayMilliseconds);
/* Busy-wait: the simulated clock moves on (no callout runs). */
void IODelay(unsigned microseconds);
void IOPause(unsigned nanoseconds);

/* Kernel printf to the console. */
void IOLog(const char *format, ...) __attribute__((format(printf, 1, 2)));
void IOLogv(const char *format, va_list ap) __attribute__((format(printf, 1, 0)));

#ifndef _FN_KPRINTF
#define _FN_KPRINTF
/* Debug (serial) console: nkesim sends it to the kernel console too. */
void kprintf(const char *format, ...) __printflike(1, 2);
#endif
#ifndef _FN_KPRINTF_DECLARED
#define _FN_KPRINTF_DECLARED
#endif

__END_DECLS

#endif /* !__IOKIT_IOLIB_H */
