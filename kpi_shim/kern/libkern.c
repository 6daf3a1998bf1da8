/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libkern.c - the kernel's small C-library helpers (kernel world): strlcpy,
 * strlcat, strnstr, bit scans, random(), read_random(), crc32(), the user
 * copy routines, strtoq, and inet_ntop/inet_pton with Darwin's address
 * family numbers (AF_INET 2, AF_INET6 30).
 *
 * inet_ntop/inet_pton are declared in <netinet/in.h>; this file declares
 * them itself (same asm labels) so that it does not depend on the network
 * headers.
 */
#include "nke_svc.h"

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <libkern/libkern.h>
#include <sys/random.h>
#include <sys/systm.h>

/* --- Strings --------------------------------------------------------------- */

NKE_KPI size_t
strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

NKE_KPI size_t
strlcat(char *dst, const char *src, size_t size)
{
	size_t dlen = strnlen(dst, size);

	if (dlen == size)
		return size + strlen(src);
	return dlen + strlcpy(dst + dlen, src, size - dlen);
}

NKE_KPI char *
strnstr(const char *s, const char *find, size_t slen)
{
	size_t flen = strlen(find);

	if (flen == 0)
		return (char *)(uintptr_t)s;
	for (; slen >= flen && *s != '\0'; s++, slen--) {
		if (*s == *find && strncmp(s, find, flen) == 0)
			return (char *)(uintptr_t)s;
	}
	return NULL;
}

NKE_KPI quad_t
strtoq(const char *nptr, char **endptr, int base)
{
	/* long is 64-bit in an LP64 kernel: the C library's strtol fits. */
	return strtol(nptr, endptr, base);
}

NKE_KPI u_quad_t
strtouq(const char *nptr, char **endptr, int base)
{
	return strtoul(nptr, endptr, base);
}

NKE_KPI size_t
scanc(size_t size, u_char *cp, const u_char *table, u_char mask0)
{
	u_char *end = cp + size;

	while (cp < end && (table[*cp] & mask0) == 0)
		cp++;
	return (size_t)(end - cp);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode %XX escapes in place ('+' stays '+'). */
NKE_KPI void
url_decode(char *str)
{
	char *out = str;

	while (*str != '\0') {
		if (str[0] == '%' && hexval(str[1]) >= 0 && hexval(str[2]) >= 0) {
			*out++ = (char)(hexval(str[1]) * 16 + hexval(str[2]));
			str += 3;
		} else {
			*out++ = *str++;
		}
	}
	*out = '\0';
}

NKE_KPI void
ovbcopy(const void *from, void *to, size_t len)
{
	memmove(to, from, len);
}

/* --- Bits ------------------------------------------------------------------- */

NKE_KPI int
ffs(unsigned int mask)
{
	return mask == 0 ? 0 : __builtin_ctz(mask) + 1;
}

NKE_KPI int
ffsll(unsigned long long mask)
{
	return mask == 0 ? 0 : __builtin_ctzll(mask) + 1;
}

NKE_KPI int
fls(unsigned int mask)
{
	return mask == 0 ? 0 : 32 - __builtin_clz(mask);
}

NKE_KPI int
flsll(unsigned long long mask)
{
	return mask == 0 ? 0 : 64 - __builtin_clzll(mask);
}

/* --- Randomness --------------------------------------------------------------- */

/* splitmix64, re-seeded at every simulation start: replays repeat exactly. */
static uint64_t rnd_state;

static uint64_t
rnd_next(void)
{
	uint64_t z = (rnd_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

NKE_KPI u_int32_t
random(void)
{
	return (u_int32_t)(rnd_next() >> 32);
}

NKE_KPI void
read_random(void *buffer, u_int numBytes)
{
	unsigned char *p = buffer;

	while (numBytes > 0) {
		uint64_t r = rnd_next();
		u_int n = numBytes < 8 ? numBytes : 8;

		memcpy(p, &r, n);
		p += n;
		numBytes -= n;
	}
}

NKE_KPI void
read_frandom(void *buffer, u_int numBytes)
{
	read_random(buffer, numBytes);
}

NKE_KPI int
write_random(void *buffer, u_int numBytes)
{
	(void)buffer;
	(void)numBytes;
	return 0;
}

/* --- CRC-32 --------------------------------------------------------------- */

static uint32_t crc_table[256];

static void
crc_init(void)
{
	uint32_t i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

NKE_KPI uint32_t
crc32(uint32_t crc, const void *bufp, size_t len)
{
	const unsigned char *p = bufp;

	crc = ~crc;
	while (len-- > 0)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* --- User copies --------------------------------------------------------------- */

/*
 * NKE-DIVERGENCE: no separate user address space; a user address is a
 * pointer into the simulation's own memory, and only address 0 faults.
 */
static void *
uptr(user_addr_t a)
{
	return (void *)(uintptr_t)a;
}

NKE_KPI int
copyin(const user_addr_t uaddr, void *kaddr, size_t len)
{
	if (len == 0)
		return 0;
	if (uaddr == 0)
		return EFAULT;
	memcpy(kaddr, uptr(uaddr), len);
	return 0;
}

NKE_KPI int
copyout(const void *kaddr, user_addr_t udaddr, size_t len)
{
	if (len == 0)
		return 0;
	if (udaddr == 0)
		return EFAULT;
	memcpy(uptr(udaddr), kaddr, len);
	return 0;
}

/* Copy a string of at most len bytes, NUL included. */
static int
copy_string(const char *from, char *to, size_t len, size_t *done)
{
	size_t n;

	for (n = 0; n < len; n++) {
		to[n] = from[n];
		if (from[n] == '\0') {
			if (done != NULL)
				*done = n + 1;
			return 0;
		}
	}
	if (done != NULL)
		*done = n;
	return ENAMETOOLONG;
}

NKE_KPI int
copystr(const void *kfaddr, void *kdaddr, size_t len, size_t *done)
{
	return copy_string(kfaddr, kdaddr, len, done);
}

NKE_KPI int
copyinstr(const user_addr_t uaddr, void *kaddr, size_t len, size_t *done)
{
	if (uaddr == 0) {
		if (done != NULL)
			*done = 0;
		return EFAULT;
	}
	return copy_string(uptr(uaddr), kaddr, len, done);
}

NKE_KPI int
copyoutstr(const void *kaddr, user_addr_t udaddr, size_t len, size_t *done)
{
	if (udaddr == 0) {
		if (done != NULL)
			*done = 0;
		return EFAULT;
	}
	return copy_string(kaddr, uptr(udaddr), len, done);
}

/* --- Cache maintenance (nothing to do) and trivial syscall stubs --------------- */

NKE_KPI void
invalidate_icache(vm_offset_t addr, unsigned cnt, int phys)
{
	(void)addr;
	(void)cnt;
	(void)phys;
}

NKE_KPI void
flush_dcache(vm_offset_t addr, unsigned count, int phys)
{
	(void)addr;
	(void)count;
	(void)phys;
}

NKE_KPI void
invalidate_icache64(addr64_t addr, unsigned cnt, int phys)
{
	(void)addr;
	(void)cnt;
	(void)phys;
}

NKE_KPI void
flush_dcache64(addr64_t addr, unsigned count, int phys)
{
	(void)addr;
	(void)count;
	(void)phys;
}

NKE_KPI int
nullop(void)
{
	return 0;
}

NKE_KPI int
nulldev(void)
{
	return 0;
}

NKE_KPI int
enoioctl(void)
{
	return ENOTTY;
}

NKE_KPI int
enosys(void)
{
	return ENOSYS;
}

NKE_KPI int
enxio(void)
{
	return ENXIO;
}

NKE_KPI int
eopnotsupp(void)
{
	return EOPNOTSUPP;
}

/* --- inet_ntop / inet_pton ----------------------------------------------------- */

#define NKE_AF_INET 2	/* Darwin values */
#define NKE_AF_INET6 30

/* As declared in <netinet/in.h>. */
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
    __NKE_KSYM(inet_ntop);
int inet_pton(int af, const char *src, void *dst) __NKE_KSYM(inet_pton);

/* "a.b.c.d" at p (no NUL), without printf (verdict details use it per packet); returns the end. */
static char *
put_dotted(char *p, const unsigned char *a)
{
	int i;

	for (i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (v >= 100) {
			*p++ = (char)('0' + v / 100);
			v %= 100;
			*p++ = (char)('0' + v / 10);
		} else if (v >= 10) {
			*p++ = (char)('0' + v / 10);
		}
		*p++ = (char)('0' + v % 10);
		if (i < 3)
			*p++ = '.';
	}
	return p;
}

static const char *
ntop4(const unsigned char *a, char *dst, socklen_t size)
{
	char tmp[sizeof("255.255.255.255")];
	size_t n = (size_t)(put_dotted(tmp, a) - tmp);

	if ((socklen_t)n >= size)
		return NULL;
	tmp[n] = '\0';
	memcpy(dst, tmp, n + 1);
	return dst;
}

/*
 * RFC 5952 text as XNU (and BIND) writes it: lower-case hex, no leading
 * zeros, the longest run of two or more zero groups (the first on a tie) as
 * "::", and the last 32 bits dotted for IPv4-mapped (::ffff:a.b.c.d) and
 * IPv4-compatible (::a.b.c.d) addresses.
 */
static const char *
ntop6(const unsigned char *a, char *dst, socklen_t size)
{
	static const char hexdig[] = "0123456789abcdef";
	char tmp[sizeof("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255")];
	unsigned w[8];
	int best = -1, bestlen = 0, cur = -1, curlen = 0, i;
	size_t n = 0;

	for (i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	for (i = 0; i < 8; i++) {
		if (w[i] == 0) {
			if (cur < 0) {
				cur = i;
				curlen = 0;
			}
			curlen++;
			if (curlen > bestlen) {
				best = cur;
				bestlen = curlen;
			}
		} else {
			cur = -1;
		}
	}
	if (bestlen < 2)
		best = -1;
	for (i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + bestlen) {
			if (i == best)
				tmp[n++] = ':';
			continue;
		}
		if (i != 0)
			tmp[n++] = ':';
		if (i == 6 && best == 0 &&
		    (bestlen == 6 || (bestlen == 7 && w[7] != 0x0001) ||
			(bestlen == 5 && w[5] == 0xffff))) {
			n = (size_t)(put_dotted(tmp + n, a + 12) - tmp);
			break;
		}
		/* "%x", without printf */
		if (w[i] >= 0x1000)
			tmp[n++] = hexdig[w[i] >> 12];
		if (w[i] >= 0x100)
			tmp[n++] = hexdig[w[i] >> 8 & 15];
		if (w[i] >= 0x10)
			tmp[n++] = hexdig[w[i] >> 4 & 15];
		tmp[n++] = hexdig[w[i] & 15];
	}
	if (best >= 0 && best + bestlen == 8)
		tmp[n++] = ':';
	tmp[n++] = '\0';
	if (n > size)
		return NULL;
	memcpy(dst, tmp, n);
	return dst;
}

/*
 * Text form of an IPv4 (AF_INET) or IPv6 (AF_INET6) address into dst.
 * Returns dst, or NULL for another family or when size is too small.
 */
NKE_KPI const char *
inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
	switch (af) {
	case NKE_AF_INET:
		return ntop4(src, dst, size);
	case NKE_AF_INET6:
		return ntop6(src, dst, size);
	default:
		return NULL;
	}
}

/* Strict dotted quad: four decimal parts 0..255, no leading zeros. */
static int
pton4(const char *s, unsigned char *dst)
{
	unsigned char tmp[4];
	int parts = 0, digits = 0;
	unsigned v = 0;

	for (;; s++) {
		char c = *s;

		if (c >= '0' && c <= '9') {
			if (digits > 0 && v == 0)
				return 0; /* leading zero */
			v = v * 10 + (unsigned)(c - '0');
			if (v > 255)
				return 0;
			digits++;
		} else if ((c == '.' || c == '\0') && digits > 0) {
			if (parts == 4)
				return 0;
			tmp[parts++] = (unsigned char)v;
			v = 0;
			digits = 0;
			if (c == '\0')
				break;
		} else {
			return 0;
		}
	}
	if (parts != 4)
		return 0;
	memcpy(dst, tmp, 4);
	return 1;
}

static int
pton6(const char *s, unsigned char *dst)
{
	unsigned char tmp[16];
	int n = 0, gap = -1, digits = 0;
	unsigned v = 0;
	const char *tok;

	memset(tmp, 0, sizeof(tmp));
	if (*s == ':' && *++s != ':')
		return 0;
	tok = s;
	for (;; s++) {
		char c = *s;
		int h = hexval(c);

		if (h >= 0) {
			if (++digits > 4)
				return 0;
			v = v << 4 | (unsigned)h;
			continue;
		}
		if (c == ':') {
			if (digits == 0) {
				if (gap >= 0)
					return 0; /* two "::" */
				gap = n;
				tok = s + 1;
				continue;
			}
			if (s[1] == '\0' || n + 2 > 16)
				return 0;
			tmp[n++] = (unsigned char)(v >> 8);
			tmp[n++] = (unsigned char)v;
			digits = 0;
			v = 0;
			tok = s + 1;
			continue;
		}
		if (c == '.' && n + 4 <= 16 && pton4(tok, tmp + n)) {
			n += 4;
			digits = 0;
			break;
		}
		if (c == '\0')
			break;
		return 0;
	}
	if (digits > 0) {
		if (n + 2 > 16)
			return 0;
		tmp[n++] = (unsigned char)(v >> 8);
		tmp[n++] = (unsigned char)v;
	}
	if (gap >= 0) {
		int tail = n - gap;

		if (n == 16)
			return 0; /* "::" must stand for at least one group */
		memmove(tmp + 16 - tail, tmp + gap, (size_t)tail);
		memset(tmp + gap, 0, (size_t)(16 - tail - gap));
		n = 16;
	}
	if (n != 16)
		return 0;
	memcpy(dst, tmp, 16);
	return 1;
}

/*
 * Parse text into an address of family af: 1 on success, 0 if src is not a
 * valid address of that family, -1 for another family.
 */
NKE_KPI int
inet_pton(int af, const char *src, void *dst)
{
	switch (af) {
	case NKE_AF_INET:
		return pton4(src, dst);
	case NKE_AF_INET6:
		return pton6(src, dst);
	default:
		return -1;
	}
}

/* --- Module hook --------------------------------------------------------------- */

void
nke__libkern_init(void)
{
	rnd_state = 0x6e6b6573696d2121ULL; /* fixed: deterministic replays */
	crc_init();
}
