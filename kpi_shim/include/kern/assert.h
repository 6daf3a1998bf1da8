/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <kern/assert.h> - kernel assertions (kernel world).  assert() checks its
 * expression only when the kext is built with MACH_ASSERT (or
 * APPLE_KEXT_ASSERTIONS) non-zero, as in XNU; a failed assertion is a
 * (simulated) kernel panic naming the file, line and expression.
 *
 * NKE-DIVERGENCE: current XNU encodes failed assertions as traps with a
 * descriptor section; nkesim calls Assert(), as older XNU releases did.
 */
#ifndef _KERN_ASSERT_H_
#define _KERN_ASSERT_H_

#include <sys/cdefs.h>

__BEGIN_DECLS
/* Panics with "<file>:<line> Assertion failed: <expression>"; never returns. */
extern void Assert(const char *file, int line, const char *expression)
    __attribute__((__noreturn__, __noinline__, __cold__));

extern int kext_assertions_enable;
__END_DECLS

#ifndef __FILE_NAME__
#define __FILE_NAME__ __FILE__
#endif

#if (defined(MACH_ASSERT) && MACH_ASSERT) || \
    (defined(APPLE_KEXT_ASSERTIONS) && APPLE_KEXT_ASSERTIONS)
#define __NKE_ASSERTS_ON 1
#else
#define __NKE_ASSERTS_ON 0
#endif

#if __NKE_ASSERTS_ON
#define __assert_only
#define mach_assert_enabled() 1
#define assert(ex) (__builtin_expect(!!(ex), 1) ? (void)0 : Assert(__FILE_NAME__, __LINE__, #ex))
#define assertf(ex, fmt, ...)                                                    \
	(__builtin_expect(!!(ex), 1) ? (void)0                                   \
	    : (panic)("%s:%d Assertion failed: %s : " fmt, __FILE_NAME__, __LINE__, \
	    #ex, ##__VA_ARGS__))
#define __nke_assert3(ty, a, op, b)                                              \
	(__builtin_expect(((ty)(a))op((ty)(b)), 1) ? (void)0                     \
	    : Assert(__FILE_NAME__, __LINE__, #a " " #op " " #b))
#define assert3u(a, op, b) __nke_assert3(unsigned long long, a, op, b)
#define assert3s(a, op, b) __nke_assert3(long long, a, op, b)
#define assert3p(a, op, b) __nke_assert3(const void *, a, op, b)
#else
#define __assert_only __unused
#define mach_assert_enabled() 0
#define assert(ex) ((void)0)
#define assertf(ex, fmt, ...) ((void)0)
#define assert3u(a, op, b) ((void)0)
#define assert3s(a, op, b) ((void)0)
#define assert3p(a, op, b) ((void)0)
#endif

#define MACH_ASSERT_DO(...)                                                      \
	do {                                                                     \
		if (mach_assert_enabled()) {                                     \
			__VA_ARGS__;                                             \
		}                                                                \
	} while (0)

/* Checked in every build, as XNU's release_assert(). */
#define release_assert(ex) \
	(__builtin_expect(!!(ex), 1) ? (void)0 : Assert(__FILE_NAME__, __LINE__, #ex))

/* Only assertf() needs panic(); declared here so this header stands alone. */
#ifndef __NKE_PANIC_DECLARED
#define __NKE_PANIC_DECLARED
__BEGIN_DECLS
extern void panic(const char *string, ...)
    __attribute__((__noreturn__, __cold__, __format__(__printf__, 1, 2)));
__END_DECLS
#endif

#endif /* !_KERN_ASSERT_H_ */
