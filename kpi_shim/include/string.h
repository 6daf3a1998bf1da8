/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <string.h> - the string and memory functions of the Darwin kernel (kernel
 * world).  Functions with the C library's semantics use its symbols;
 * strlcpy/strlcat (absent from older C libraries) are bound to nkesim's own.
 */
#ifndef _NKE_STRING_H_
#define _NKE_STRING_H_

#include <sys/cdefs.h>
#include <sys/types.h>

__BEGIN_DECLS
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
int bcmp(const void *a, const void *b, size_t n);
void bcopy(const void *src, void *dst, size_t n);
void bzero(void *s, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);
char *strcat(char *dst, const char *src);
char *strncat(char *dst, const char *src, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *s, const char *find);
char *strnstr(const char *s, const char *find, size_t slen) __NKE_KSYM(strnstr);
size_t strlcpy(char *dst, const char *src, size_t size) __NKE_KSYM(strlcpy);
size_t strlcat(char *dst, const char *src, size_t size) __NKE_KSYM(strlcat);
char *strsep(char **stringp, const char *delim);
__END_DECLS

#endif /* !_NKE_STRING_H_ */
