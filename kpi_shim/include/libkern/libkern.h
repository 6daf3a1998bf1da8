/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <libkern/libkern.h> - the kernel's C-library subset (kernel world):
 * min/max helpers, the kernel printf family, random(), bit scans, CRC-32 and
 * user copies.
 *
 * The kernel printf is not the C library's: no floating point, %D prints a
 * hexdump ("%6D", mac, ":" -> 00:11:22:33:44:55), %b/%B decode bit fields,
 * numeric precision is ignored, a NULL %s prints nothing, and printf()
 * returns 0.  Every name the host C library also has is bound to nkesim's
 * implementation with __NKE_KSYM, so a kext never calls libc's by accident.
 */
#ifndef _LIBKERN_LIBKERN_H_
#define _LIBKERN_LIBKERN_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <stdint.h>
#include <stdarg.h>
#include <string.h>
#include <limits.h>
#include <mach/vm_types.h>
#include <libkern/crc.h>
#include <libkern/copyio.h>

__BEGIN_DECLS

static __inline__ int
imax(int a, int b)
{
	return a > b ? a : b;
}

static __inline__ int
imin(int a, int b)
{
	return a < b ? a : b;
}

static __inline__ long
lmax(long a, long b)
{
	return a > b ? a : b;
}

static __inline__ long
lmin(long a, long b)
{
	return a < b ? a : b;
}

static __inline__ u_int
max(u_int a, u_int b)
{
	return a > b ? a : b;
}

static __inline__ u_int
min(u_int a, u_int b)
{
	return a < b ? a : b;
}

/* As in XNU, the "ul" helpers take and return 32-bit values. */
static __inline__ u_int32_t
ulmax(u_int32_t a, u_int32_t b)
{
	return a > b ? a : b;
}

static __inline__ u_int32_t
ulmin(u_int32_t a, u_int32_t b)
{
	return a < b ? a : b;
}

/* Number of leading zero bits; 32 for 0. */
static __inline__ int
clz(unsigned int num)
{
	return num ? __builtin_clz(num) : (int)(sizeof(num) * CHAR_BIT);
}

/* 1-based index of the least (ffs) / most (fls) significant set bit; 0 for 0. */
extern int ffs(unsigned int mask) __NKE_KSYM(ffs);
extern int ffsll(unsigned long long mask) __NKE_KSYM(ffsll);
extern int fls(unsigned int mask) __NKE_KSYM(fls);
extern int flsll(unsigned long long mask) __NKE_KSYM(flsll);

/*
 * A pseudo-random 32-bit value.  NKE-DIVERGENCE: deterministic (the
 * generator is re-seeded at every simulation start), so replays repeat.
 */
extern u_int32_t random(void) __NKE_KSYM(random);

extern size_t scanc(size_t size, u_char *cp, const u_char *table, u_char mask0)
    __NKE_KSYM(scanc);
extern long strtol(const char *nptr, char **endptr, int base);
extern u_long strtoul(const char *nptr, char **endptr, int base);
extern quad_t strtoq(const char *nptr, char **endptr, int base) __NKE_KSYM(strtoq);
extern u_quad_t strtouq(const char *nptr, char **endptr, int base) __NKE_KSYM(strtouq);
extern char *strsep(char **stringp, const char *delim);
extern void *memchr(const void *s, int c, size_t n);
extern void url_decode(char *str) __NKE_KSYM(url_decode);

/*
 * Format into str (at most count bytes, always NUL-terminated when count >
 * 0).  Returns the length the full output would have had.
 */
int snprintf(char *str, size_t count, const char *fmt, ...) __NKE_KSYM(snprintf) __printflike(3, 4);
/* Like snprintf, but returns the number of characters actually stored. */
int scnprintf(char *str, size_t count, const char *fmt, ...) __NKE_KSYM(scnprintf) __printflike(3, 4);
/* Like snprintf; returns dst (NULL when count is 0). */
const char *tsnprintf(char *dst, size_t count, const char *fmt, ...) __NKE_KSYM(tsnprintf) __printflike(3, 4);
const char *vtsnprintf(char *dst, size_t count, const char *fmt, va_list ap) __NKE_KSYM(vtsnprintf)
    __printflike(3, 0);
/* Unbounded; deprecated in XNU.  Returns the length stored. */
int sprintf(char *bufp, const char *fmt, ...) __NKE_KSYM(sprintf) __deprecated __printflike(2, 3);
int sscanf(const char *str, const char *fmt, ...) __scanflike(2, 3);
int vsscanf(const char *str, const char *fmt, va_list ap);
/* Kernel console output.  Returns 0 (as XNU does). */
int printf(const char *fmt, ...) __NKE_KSYM(printf) __printflike(1, 2);
extern int vprintf(const char *fmt, va_list ap) __NKE_KSYM(vprintf) __printflike(1, 0);
extern int vsnprintf(char *str, size_t size, const char *fmt, va_list ap) __NKE_KSYM(vsnprintf) __printflike(3, 0);
extern int vscnprintf(char *str, size_t size, const char *fmt, va_list ap) __NKE_KSYM(vscnprintf) __printflike(3, 0);
extern int vsprintf(char *bufp, const char *fmt, va_list ap) __NKE_KSYM(vsprintf) __deprecated __printflike(2, 0);

/*
 * Copy a NUL-terminated string of at most len bytes (NUL included) from
 * kernel to kernel (copystr), user to kernel (copyinstr) or kernel to user
 * (copyoutstr).  *done (if not NULL) receives the bytes copied, NUL
 * included.  Returns 0, ENAMETOOLONG when no NUL was found within len
 * bytes, or EFAULT for a zero user address.
 */
int copystr(const void *kfaddr, void *kdaddr, size_t len, size_t *done);
int copyinstr(const user_addr_t uaddr, void *kaddr, size_t len, size_t *done);
int copyoutstr(const void *kaddr, user_addr_t udaddr, size_t len, size_t *done);

extern void invalidate_icache(vm_offset_t addr, unsigned cnt, int phys);
extern void flush_dcache(vm_offset_t addr, unsigned count, int phys);
extern void invalidate_icache64(addr64_t addr, unsigned cnt, int phys);
extern void flush_dcache64(addr64_t addr, unsigned count, int phys);

__END_DECLS

#endif /* !_LIBKERN_LIBKERN_H_ */
