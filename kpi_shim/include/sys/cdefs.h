/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/cdefs.h> - compiler and declaration helpers (kernel world).
 *
 * nkesim's version of the Darwin macros kext sources use: __BEGIN_DECLS,
 * __unused, __printflike, ... .  Every deprecation and availability macro
 * expands to nothing.  Also defines __NKE_KSYM(), which binds a kernel
 * function whose name the host C library also uses (printf, log, random, ...)
 * to a distinct link-time symbol, so a kext's printf never reaches libc.
 */
#ifndef _SYS_CDEFS_H_
#define _SYS_CDEFS_H_

#if defined(__cplusplus)
#define __BEGIN_DECLS extern "C" {
#define __END_DECLS }
#else
#define __BEGIN_DECLS
#define __END_DECLS
#endif

#define __P(protos) protos
#define __CONCAT(x, y) x##y
#define __STRING(x) #x
#define __XSTRING(x) __STRING(x)

#define __const const
#define __signed signed
#define __volatile volatile
#define __dead2 __attribute__((__noreturn__))
#define __pure2 __attribute__((__const__))
#define __unused __attribute__((__unused__))
#define __used __attribute__((__used__))
#define __cold __attribute__((__cold__))
#define __exported __attribute__((__visibility__("default")))
#define __private_extern__ __attribute__((__visibility__("hidden")))
#define __XNU_PRIVATE_EXTERN __private_extern__
#define __deprecated __attribute__((__deprecated__))
#define __deprecated_msg(m) __attribute__((__deprecated__(m)))
#define __unavailable __attribute__((__unavailable__))
#define __packed __attribute__((__packed__))
#define __aligned(x) __attribute__((__aligned__(x)))
#define __section(x) __attribute__((__section__(x)))
#define __printflike(fmtarg, firstvararg) \
	__attribute__((__format__(__printf__, fmtarg, firstvararg)))
#define __printf0like(fmtarg, firstvararg)
#define __scanflike(fmtarg, firstvararg) \
	__attribute__((__format__(__scanf__, fmtarg, firstvararg)))
#define __restrict restrict
#define __header_always_inline static __inline__ __attribute__((__always_inline__))
#define __header_inline static __inline__
#define __abortlike __dead2 __cold __attribute__((__noinline__))
#define __kpi_deprecated(msg)
#define __kpi_unavailable
#define __kpi_deprecated_arm64_macos_unavailable
#define __improbable(x) __builtin_expect(!!(x), 0)
#define __probable(x) __builtin_expect(!!(x), 1)
#define __IDSTRING(name, string) static const char name[] __used = string
#define __COPYRIGHT(s)
#define __RCSID(s)
#define __SCCSID(s)
#define __PROJECT_VERSION(s)
#define __FBSDID(s)
#define __DECONST(type, var) ((type)(unsigned long)(const void *)(var))
#define __DEVOLATILE(type, var) ((type)(unsigned long)(volatile void *)(var))
#define __DEQUALIFY(type, var) ((type)(unsigned long)(const volatile void *)(var))
#define __offsetof(type, field) __builtin_offsetof(type, field)

/* Availability and deprecation: a kext built here targets "any release". */
#define __NKE_API_DEPRECATED
#define __API_AVAILABLE(...)
#define __API_DEPRECATED(...)
#define __API_DEPRECATED_WITH_REPLACEMENT(...)
#define __API_UNAVAILABLE(...)
#define __OSX_AVAILABLE(...)
#define __OSX_AVAILABLE_STARTING(...)
#define __OSX_AVAILABLE_BUT_DEPRECATED(...)
#define __OSX_DEPRECATED(...)
#define __IOS_PROHIBITED
#define __WATCHOS_PROHIBITED
#define __TVOS_PROHIBITED
#define __DARWIN_ALIAS(sym)
#define __DARWIN_ALIAS_C(sym)
#define __DARWIN_INODE64(sym)
#define __DARWIN_NOCANCEL(sym)
#define __DARWIN_EXTSN(sym)
#define __DARWIN_UNIX03 0
#define __DARWIN_64_BIT_INO_T 1
#define __DARWIN_ONLY_UNIX_CONFORMANCE 1

/* Bounds-safety annotations of recent SDKs: no-ops here. */
#define __counted_by(n)
#define __sized_by(n)
#define __counted_by_or_null(n)
#define __sized_by_or_null(n)
#define __ended_by(p)
#define __single
#define __unsafe_indexable
#define __indexable
#define __bidi_indexable
#define __null_terminated
#define __header_indexable
#define __header_bidi_indexable
#define __unsafe_forge_single(t, p) ((t)(p))
#define __unsafe_forge_bidi_indexable(t, p, s) ((t)(p))
#define __ptrcheck_abi_assume_single()
#define __ptrcheck_abi_assume_unsafe_indexable()

#define __nonnull
#define __nullable
#define __null_unspecified
#define _Nonnull
#define _Nullable
#define _Null_unspecified
#define __swift_unavailable(m)
#define __kernel_ptr_semantics
#define __kernel_data_semantics
#define __kernel_dual_semantics

/*
 * nkesim: bind a kernel function to the link-time symbol nkek_<name>.  Used
 * for every kernel function whose name the host C library also defines with
 * other semantics (or may define), e.g. printf (kernel conversions),
 * inet_ntop (Darwin AF_INET6), log (libm), random.  Source code keeps
 * Apple's names.
 */
#define __NKE_KSYM(name) __asm__(__XSTRING(__USER_LABEL_PREFIX__) "nkek_" #name)

#endif /* !_SYS_CDEFS_H_ */
