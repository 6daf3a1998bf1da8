/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * subr_prf.c - the kernel printf engine and every console/formatting KPI
 * built on it (kernel world): printf, vprintf, snprintf & co., IOLog,
 * kprintf, log() and os_log.
 *
 * The engine reproduces XNU's __doprnt() conversions, quirks included,
 * because kext output must read the same as on macOS: no floating point;
 * %D hexdump with a separator argument; %b/%B bit-field decoding; numeric
 * precision is ignored; a string is cut at the field width; a NULL string
 * prints nothing; %p is "0x..."; unknown conversions print the character;
 * %r/%n print in a radix (16 for the console, 10 for snprintf).
 *
 * NKE-DIVERGENCE: release kernels print kernel addresses as "<ptr>" in
 * printf/IOLog; the simulation's addresses are user-space ones and show.
 */
#include "nke_svc.h"

#include <sys/cdefs.h>
#include <sys/types.h>
#include <string.h>
#include <stdarg.h>
#include <libkern/libkern.h>
#include <sys/syslog.h>
#include <IOKit/IOLib.h>
#include <os/log.h>

/* Output state: a small buffer in front of the caller's sink. */
struct prf_out {
	nke_putc_sink_t po_sink;
	void *po_arg;
	size_t po_n;
	int po_total;
	char po_buf[128];
};

static void
prf_flush(struct prf_out *o)
{
	if (o->po_n > 0)
		o->po_sink(o->po_arg, o->po_buf, o->po_n);
	o->po_n = 0;
}

static void
prf_putc(struct prf_out *o, char c)
{
	o->po_buf[o->po_n++] = c;
	o->po_total++;
	if (o->po_n == sizeof(o->po_buf))
		prf_flush(o);
}

static void
prf_puts(struct prf_out *o, const char *s)
{
	while (*s != '\0')
		prf_putc(o, *s++);
}

static void
prf_repeat(struct prf_out *o, char c, int n)
{
	while (n-- > 0)
		prf_putc(o, c);
}

/* Digits of u in `base` (2..16), most significant first, into buf; length. */
static int
prf_digits(char *buf, unsigned long long u, unsigned base, int upper)
{
	const char *digs = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[64];
	int n = 0, i;

	if (base < 2 || base > 16)
		base = 10;
	do {
		tmp[n++] = digs[u % base];
		u /= base;
	} while (u != 0);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

static void
prf_number_plain(struct prf_out *o, unsigned long long u, unsigned base)
{
	char buf[64];
	int i, n = prf_digits(buf, u, base, 0);

	for (i = 0; i < n; i++)
		prf_putc(o, buf[i]);
}

/*
 * %b / %B: print `u` in the base named by the first byte of `desc`, then
 * "<NAME,...>" for each set bit (1-based bit numbers; %B counts from the
 * most significant of 32 bits).  A bit number followed by another control
 * character (<= 32) names a field: bits lo..hi, printed as NAME<value>.
 */
static void
prf_bits(struct prf_out *o, unsigned long long u, const char *desc, int msb_first)
{
	int any = 0;
	unsigned base;
	int hi, lo;

	if (desc == NULL)
		return;
	base = (unsigned char)*desc++;
	prf_number_plain(o, u, base);
	if (u == 0)
		return;
	while ((hi = (unsigned char)*desc++) != 0) {
		if (msb_first)
			hi = 33 - hi;
		if ((unsigned char)*desc <= 32 && *desc != '\0') {
			unsigned long long field;
			int width;

			lo = (unsigned char)*desc++;
			if (msb_first)
				lo = 32 - lo;
			prf_putc(o, any ? ',' : '<');
			any = 1;
			while ((unsigned char)*desc > 32)
				prf_putc(o, *desc++);
			width = hi - lo + 1;
			field = (lo >= 1 && lo <= 64) ? u >> (lo - 1) : 0;
			if (width > 0 && width < 64)
				field &= (1ULL << width) - 1;
			prf_number_plain(o, field, base);
		} else if (hi >= 1 && hi <= 64 && ((u >> (hi - 1)) & 1) != 0) {
			prf_putc(o, any ? ',' : '<');
			any = 1;
			while ((unsigned char)*desc > 32)
				prf_putc(o, *desc++);
		} else {
			while ((unsigned char)*desc > 32)
				desc++;
		}
	}
	if (any)
		prf_putc(o, '>');
}

/* The engine proper.  `radix` is the base of %r and %n. */
static int
prf_format(struct prf_out *o, const char *fmt, va_list ap_in, unsigned radix)
{
	va_list ap;
	char c;

	va_copy(ap, ap_in);
	while ((c = *fmt) != '\0') {
		int width = 0, prec = -1, ladjust = 0, alt = 0, isll = 0;
		int size = 0; /* 0 int, 1 short, 2 char */
		char padc = ' ', plus = 0, sign = 0;
		unsigned base = 10;
		int upper = 0, is_signed = 0;
		unsigned long long u;

		if (c != '%') {
			prf_putc(o, c);
			fmt++;
			continue;
		}
		fmt++;
		for (;; fmt++) {
			c = *fmt;
			if (c == '#')
				alt = 1;
			else if (c == '-')
				ladjust = 1;
			else if (c == '+')
				plus = '+';
			else if (c == ' ') {
				if (plus == 0)
					plus = ' ';
			} else
				break;
		}
		if (c == '0') {
			padc = '0';
			c = *++fmt;
		}
		if (c >= '0' && c <= '9') {
			while (c >= '0' && c <= '9') {
				width = 10 * width + (c - '0');
				c = *++fmt;
			}
		} else if (c == '*') {
			width = va_arg(ap, int);
			c = *++fmt;
			if (width < 0) {
				ladjust = !ladjust;
				width = -width;
			}
		}
		if (c == '.') {
			c = *++fmt;
			if (c >= '0' && c <= '9') {
				prec = 0;
				while (c >= '0' && c <= '9') {
					prec = 10 * prec + (c - '0');
					c = *++fmt;
				}
			} else if (c == '*') {
				prec = va_arg(ap, int);
				c = *++fmt;
			}
		}
		/* Length: on LP64 'l', 'll', 'q', 'L', 'z', 't', 'j' are all 64-bit. */
		if (c == 'l') {
			isll = 1;
			c = *++fmt;
			if (c == 'l')
				c = *++fmt;
		} else if (c == 'h') {
			size = 1;
			c = *++fmt;
			if (c == 'h') {
				size = 2;
				c = *++fmt;
			}
		} else if (c == 'q' || c == 'L') {
			isll = 1;
			c = *++fmt;
		}
		if (c == 'z' || c == 'Z' || c == 't' || c == 'j') {
			isll = 1;
			c = *++fmt;
		}

		switch (c) {
		case '\0':
			/* The format ends inside a conversion: stop there. */
			break;
		case 'b':
		case 'B':
			u = isll ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
			prf_bits(o, u, va_arg(ap, const char *), c == 'B');
			break;
		case 'c':
			prf_putc(o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int n = 0;

			if (prec == -1)
				prec = 0x7fffffff;
			if (s == NULL)
				s = "";
			if (width > 0 && !ladjust) {
				const char *t = s;

				while (*t != '\0' && n < prec) {
					t++;
					n++;
				}
				prf_repeat(o, ' ', width - n);
			}
			/* XNU stops at the field width too: "%3s" of "abcd" is "abc". */
			n = 0;
			while (n < prec && !(width > 0 && n >= width) && *s != '\0') {
				prf_putc(o, *s++);
				n++;
			}
			if (ladjust)
				prf_repeat(o, ' ', width - n);
			break;
		}
		case 'D': {
			const unsigned char *p = va_arg(ap, const unsigned char *);
			const char *sep = va_arg(ap, const char *);
			static const char hex[] = "0123456789abcdef";

			while (width-- > 0) {
				prf_putc(o, hex[*p >> 4]);
				prf_putc(o, hex[*p & 0x0f]);
				p++;
				if (width > 0 && sep != NULL)
					prf_puts(o, sep);
			}
			break;
		}
		case 'd':
		case 'i':
			is_signed = 1;
			break;
		case 'o':
		case 'O':
			base = 8;
			break;
		case 'u':
		case 'U':
			break;
		case 'p':
			alt = 1;
			isll = 1;
			base = 16;
			break;
		case 'x':
			base = 16;
			break;
		case 'X':
			base = 16;
			upper = 1;
			break;
		case 'r':
		case 'R':
			base = radix;
			is_signed = 1;
			break;
		case 'n':
		case 'N':
			base = radix;
			break;
		default:
			prf_putc(o, c);
			break;
		}
		if (c != '\0')
			fmt++;
		if (strchr("dioOuUpxXrRnN", c) == NULL || c == '\0')
			continue;

		/* A number. */
		if (is_signed) {
			long long n = isll ? va_arg(ap, long long) : va_arg(ap, int);

			if (size == 1)
				n = (short)n;
			else if (size == 2)
				n = (signed char)n;
			if (n >= 0) {
				u = (unsigned long long)n;
				sign = plus;
			} else {
				u = -(unsigned long long)n;
				sign = '-';
			}
		} else {
			u = isll ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
			if (size == 1)
				u = (unsigned short)u;
			else if (size == 2)
				u = (unsigned char)u;
		}
		{
			char digits[64];
			const char *prefix = NULL;
			int nd = prf_digits(digits, u, base, upper), i;
			int pad = width - nd;

			/* '#' prefixes non-zero values only, and always "0x" in hex. */
			if (u != 0 && alt) {
				if (base == 8)
					prefix = "0";
				else if (base == 16)
					prefix = "0x";
			}
			if (sign)
				pad--;
			if (prefix != NULL)
				pad -= (int)strlen(prefix);
			if (padc == ' ' && !ladjust) {
				prf_repeat(o, ' ', pad);
				pad = 0;
			}
			if (sign)
				prf_putc(o, sign);
			if (prefix != NULL)
				prf_puts(o, prefix);
			if (padc == '0') {
				prf_repeat(o, '0', pad);
				pad = 0;
			}
			for (i = 0; i < nd; i++)
				prf_putc(o, digits[i]);
			if (ladjust)
				prf_repeat(o, ' ', pad);
		}
	}
	va_end(ap);
	return o->po_total;
}

static int
prf_run(nke_putc_sink_t sink, void *arg, const char *fmt, va_list ap, unsigned radix)
{
	struct prf_out o;
	int n;

	o.po_sink = sink;
	o.po_arg = arg;
	o.po_n = 0;
	o.po_total = 0;
	n = prf_format(&o, fmt != NULL ? fmt : "", ap, radix);
	prf_flush(&o);
	return n;
}

int
nke__kvprintf(nke_putc_sink_t sink, void *arg, const char *fmt, va_list ap)
{
	return prf_run(sink, arg, fmt, ap, 10);
}

/* --- Into a buffer ------------------------------------------------------- */

struct prf_buf {
	char *pb_str;
	size_t pb_remain; /* bytes left, NUL included */
};

static void
buf_sink(void *arg, const char *s, size_t len)
{
	struct prf_buf *b = arg;

	/* Keep one byte for the NUL, as XNU's snprintf_func does. */
	while (len-- > 0 && b->pb_remain >= 2) {
		*b->pb_str++ = *s++;
		b->pb_remain--;
	}
}

static int
prf_vsnprintf(char *str, size_t size, const char *fmt, va_list ap)
{
	struct prf_buf b;
	int n;

	b.pb_str = str;
	b.pb_remain = size;
	n = prf_run(buf_sink, &b, fmt, ap, 10);
	if (b.pb_remain >= 1)
		*b.pb_str = '\0';
	return n;
}

int
nke__vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return prf_vsnprintf(buf, size, fmt, ap);
}

int
nke__snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = prf_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

NKE_KPI int
vsnprintf(char *str, size_t size, const char *fmt, va_list ap)
{
	return prf_vsnprintf(str, size, fmt, ap);
}

NKE_KPI int
snprintf(char *str, size_t count, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = prf_vsnprintf(str, count, fmt, ap);
	va_end(ap);
	return n;
}

NKE_KPI int
vscnprintf(char *str, size_t size, const char *fmt, va_list ap)
{
	int n = prf_vsnprintf(str, size, fmt, ap);

	if ((size_t)n < size)
		return n;
	if (size == 0)
		return 0;
	return size - 1 > INT_MAX ? INT_MAX : (int)(size - 1);
}

NKE_KPI int
scnprintf(char *str, size_t count, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(str, count, fmt, ap);
	va_end(ap);
	return n;
}

NKE_KPI const char *
vtsnprintf(char *dst, size_t count, const char *fmt, va_list ap)
{
	if (count == 0)
		return NULL;
	(void)prf_vsnprintf(dst, count, fmt, ap);
	return dst;
}

NKE_KPI const char *
tsnprintf(char *dst, size_t count, const char *fmt, ...)
{
	va_list ap;
	const char *r;

	va_start(ap, fmt);
	r = vtsnprintf(dst, count, fmt, ap);
	va_end(ap);
	return r;
}

static void
unbounded_sink(void *arg, const char *s, size_t len)
{
	char **pp = arg;

	memcpy(*pp, s, len);
	*pp += len;
}

static int
prf_vsprintf(char *bufp, const char *fmt, va_list ap)
{
	char *p = bufp;

	(void)prf_run(unbounded_sink, &p, fmt, ap, 16);
	*p = '\0';
	return (int)(p - bufp);
}

NKE_KPI int
vsprintf(char *bufp, const char *fmt, va_list ap)
{
	return prf_vsprintf(bufp, fmt, ap);
}

NKE_KPI int
sprintf(char *bufp, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = prf_vsprintf(bufp, fmt, ap);
	va_end(ap);
	return n;
}

/* --- To the console ------------------------------------------------------ */

static void
console_sink(void *arg, const char *s, size_t len)
{
	(void)arg;
	NKH_console(s, len);
}

static void
console_vprintf(const char *fmt, va_list ap)
{
	(void)prf_run(console_sink, NULL, fmt, ap, 16);
}

NKE_KPI int
vprintf(const char *fmt, va_list ap)
{
	if (fmt != NULL)
		console_vprintf(fmt, ap);
	return 0;
}

NKE_KPI int
printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (fmt != NULL)
		console_vprintf(fmt, ap);
	va_end(ap);
	return 0;
}

NKE_KPI void
IOLogv(const char *format, va_list ap)
{
	if (format != NULL)
		console_vprintf(format, ap);
}

NKE_KPI void
IOLog(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	IOLogv(format, ap);
	va_end(ap);
}

NKE_KPI void
kprintf(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	if (format != NULL)
		console_vprintf(format, ap);
	va_end(ap);
}

NKE_KPI void
log(int level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	nke__warn_private_kpi("log", 1);
	va_start(ap, fmt);
	if (fmt != NULL)
		console_vprintf(fmt, ap);
	va_end(ap);
}

/* --- os_log -------------------------------------------------------------- */

struct os_log_s {
	uint32_t ol_magic;
};

NKE_KPI struct os_log_s _os_log_default = {0x6f736c67u};

/*
 * NKE-DIVERGENCE: subsystems and categories are not kept apart; every
 * handle writes to the one console.
 */
NKE_KPI os_log_t
os_log_create(const char *subsystem, const char *category)
{
	(void)subsystem;
	(void)category;
	return &_os_log_default;
}

NKE_KPI bool
os_log_info_enabled(os_log_t log)
{
	return log != OS_LOG_DISABLED;
}

NKE_KPI bool
os_log_debug_enabled(os_log_t log)
{
	return log != OS_LOG_DISABLED;
}

/*
 * Copy an os_log format, dropping the "{...}" annotations that may follow
 * a '%' ("%{public}s" -> "%s", "%{private, mask.hash}d" -> "%d").
 */
static void
oslog_strip(char *dst, size_t size, const char *fmt)
{
	size_t n = 0;

	while (*fmt != '\0' && n + 1 < size) {
		char c = *fmt++;

		dst[n++] = c;
		if (c != '%')
			continue;
		if (*fmt == '%') {
			if (n + 1 < size)
				dst[n++] = *fmt;
			fmt++;
			continue;
		}
		if (*fmt == '{') {
			const char *end = strchr(fmt, '}');

			if (end != NULL)
				fmt = end + 1;
		}
	}
	dst[n] = '\0';
}

/*
 * NKE-DIVERGENCE: privacy is not enforced ("%{private}s" shows the value):
 * this is a debugging tool, and the values are the kext author's own.
 * Messages are not truncated to OS_LOG_BUFFER_MAX_SIZE either.
 */
NKE_KPI void
_os_log_internal(void *dso, os_log_t log, os_log_type_t type, const char *message, ...)
{
	char fmt[1024];
	char line[1024];
	va_list ap;
	int n;

	(void)dso;
	(void)type;
	if (log == OS_LOG_DISABLED || message == NULL)
		return;
	oslog_strip(fmt, sizeof(fmt), message);
	va_start(ap, message);
	n = prf_vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	/* One message, one line. */
	if (n == 0 || line[n - 1] != '\n')
		line[n++] = '\n';
	NKH_console(line, (size_t)n);
}
