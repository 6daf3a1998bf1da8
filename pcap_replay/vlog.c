/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vlog.c - nke-replay's stable text (host world): verdict log lines (text
 * and JSON Lines, specified in docs/log-format.md), names of hooks, errnos
 * and kext return values, --annotate comments and the prefixed kext
 * console.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nke_host.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "vlog.h"

/* "00" "01" ... "99" */
static const char dec2[201] = "00010203040506070809101112131415161718192021222324"
                              "25262728293031323334353637383940414243444546474849"
                              "50515253545556575859606162636465666768697071727374"
                              "75767778798081828384858687888990919293949596979899";

/* Decimal digits of v at p (no NUL); returns the end. */
static inline char *
put_u32(char *p, uint32_t v)
{
	unsigned n = v < 10           ? 1
	             : v < 100        ? 2
	             : v < 1000       ? 3
	             : v < 10000      ? 4
	             : v < 100000     ? 5
	             : v < 1000000    ? 6
	             : v < 10000000   ? 7
	             : v < 100000000  ? 8
	             : v < 1000000000 ? 9
	                              : 10;
	char *e = p + n, *q = e;

	while (v >= 100) {
		uint32_t r = v % 100;

		v /= 100;
		q -= 2;
		memcpy(q, dec2 + 2 * r, 2);
	}
	if (v >= 10)
		memcpy(q - 2, dec2 + 2 * v, 2);
	else
		q[-1] = (char)('0' + v);
	return e;
}

/* Decimal digits of v at p (no NUL); returns the end. */
static inline char *
put_u64(char *p, uint64_t v)
{
	char t[20];
	unsigned n = 0;

	if (v <= UINT32_MAX)
		return put_u32(p, (uint32_t)v);
	while (v >= 100) {
		memcpy(t + 18 - n, dec2 + 2 * (v % 100), 2);
		v /= 100;
		n += 2;
	}
	if (v >= 10) {
		memcpy(t + 18 - n, dec2 + 2 * v, 2);
		n += 2;
	} else {
		t[19 - n] = (char)('0' + v);
		n++;
	}
	memcpy(p, t + 20 - n, n);
	return p + n;
}

const char *
nkr_ctx_str(const struct nkr_ctx *c, uint64_t index, char *buf, size_t size)
{
	if (index == 0 && c->c_phase == NKR_PH_PACKET)
		index = c->c_index;
	if (index != 0 && size >= 22) {
		buf[0] = '#';
		*put_u64(buf + 1, index) = '\0';
		return buf;
	}
	switch (c->c_phase) {
	case NKR_PH_PACKET:
		snprintf(buf, size, "#%" PRIu64, index);
		break;
	case NKR_PH_TIMER:
		snprintf(buf, size, "timer");
		break;
	case NKR_PH_STOP:
		snprintf(buf, size, "stop");
		break;
	case NKR_PH_START:
	default:
		snprintf(buf, size, "start");
		break;
	}
	return buf;
}


const char *
nkr_hook_name(uint32_t hook, char *buf, size_t size)
{
	const char *n = NKS_hook_name(hook);

	if (n != NULL)
		return n;
	snprintf(buf, size, "hook%" PRIu32, hook);
	return buf;
}

const char *
nkr_errno_word(int32_t v, char *buf, size_t size)
{
	const char *n = nke_errno_name(v);

	if (n != NULL)
		return n;
	snprintf(buf, size, "%" PRId32, v);
	return buf;
}

/* Copy the first word of s (up to a space) into buf; return what follows. */
static const char *
first_word(const char *s, char *buf, size_t size)
{
	size_t n = strcspn(s, " ");

	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	s += strcspn(s, " ");
	while (*s == ' ')
		s++;
	return *s != '\0' ? s : NULL;
}

void
nkr_vclassify_slow(const struct nks_verdict *vd, struct nkr_vclass *vc)
{
	char num[24];

	vc->vc_word[0] = '\0';
	vc->vc_reason[0] = '\0';
	vc->vc_rest = NULL;
	if (vd->vd_hook == NKS_HOOK_STACK) {
		vc->vc_kind = NKR_V_STACK;
		if (vd->vd_detail != NULL && vd->vd_detail[0] != '\0' && vd->vd_detail[0] != ' ')
			vc->vc_rest =
			    first_word(vd->vd_detail, vc->vc_reason, sizeof(vc->vc_reason));
		else
			snprintf(vc->vc_reason, sizeof(vc->vc_reason), "unspecified");
		snprintf(vc->vc_word, sizeof(vc->vc_word), "drop:%s", vc->vc_reason);
		return;
	}
	vc->vc_rest = vd->vd_detail;
	if (nkr_hook_is_packet(vd->vd_hook)) {
		if (vd->vd_result == 0) {
			vc->vc_kind = NKR_V_PASS;
			memcpy(vc->vc_word, "pass", 5);
		} else if (vd->vd_result == -2) {
			vc->vc_kind = NKR_V_KEPT;
			memcpy(vc->vc_word, "kept", 5);
		} else {
			vc->vc_kind = NKR_V_DROP;
			snprintf(vc->vc_reason, sizeof(vc->vc_reason), "%s",
			         nkr_errno_word(vd->vd_result, num, sizeof(num)));
			snprintf(vc->vc_word, sizeof(vc->vc_word), "drop:%s", vc->vc_reason);
		}
		return;
	}
	if (vd->vd_result == 0) {
		vc->vc_kind = NKR_V_OK;
		memcpy(vc->vc_word, "ok", 3);
	} else {
		vc->vc_kind = NKR_V_RET;
		snprintf(vc->vc_reason, sizeof(vc->vc_reason), "%s",
		         nkr_errno_word(vd->vd_result, num, sizeof(num)));
		snprintf(vc->vc_word, sizeof(vc->vc_word), "ret:%s", vc->vc_reason);
	}
}

static const char *const kern_names[] = {
    "KERN_SUCCESS",          "KERN_INVALID_ADDRESS", "KERN_PROTECTION_FAILURE", "KERN_NO_SPACE",
    "KERN_INVALID_ARGUMENT", "KERN_FAILURE",         "KERN_RESOURCE_SHORTAGE",  "KERN_NOT_RECEIVER",
    "KERN_NO_ACCESS",        "KERN_MEMORY_FAILURE",
};

/* libkern's OSReturn values that a loader (or a kext) may produce. */
static const struct {
	uint32_t v;
	const char *name;
} os_names[] = {
    {0xdc000001u, "kOSReturnError"},
    {0xdc008001u, "kOSKextReturnInternalError"},
    {0xdc008002u, "kOSKextReturnNoMemory"},
    {0xdc008005u, "kOSKextReturnInvalidArgument"},
    {0xdc008006u, "kOSKextReturnNotFound"},
    {0xdc008009u, "kOSKextReturnUnsupported"},
    {0xdc008017u, "kOSKextReturnStartStopError"},
    {0xdc008018u, "kOSKextReturnInUse"},
    {0xdc008019u, "kOSKextReturnTimeout"},
    {0xdc00801au, "kOSKextReturnStopping"},
};

/* Name of a start/stop routine's return value, or NULL. */
static const char *
kext_result_name(int32_t v)
{
	const char *name = NULL;
	size_t i;

	if (v >= 0 && v < (int32_t)(sizeof(kern_names) / sizeof(kern_names[0])))
		name = kern_names[v];
	else if (v > 0)
		name = nke_errno_name(v);
	for (i = 0; name == NULL && i < sizeof(os_names) / sizeof(os_names[0]); i++)
		if ((uint32_t)v == os_names[i].v)
			name = os_names[i].name;
	return name;
}

const char *
nkr_kext_result(int32_t v, char *buf, size_t size)
{
	const char *name = kext_result_name(v);

	if (name != NULL)
		snprintf(buf, size, "%" PRId32 " (%s)", v, name);
	else
		snprintf(buf, size, "%" PRId32, v);
	return buf;
}

/* --- Escaping ---------------------------------------------------------- */

/*
 * A fixed field of a text line: printable non-space ASCII as is, anything
 * else (and the backslash) as \xHH; NULL is "-", "" is "\"\"", and a name
 * that is literally "-" is written \x2d so it cannot be taken for NULL.
 */
static void
put_field(FILE *f, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs("-", f);
		return;
	}
	if (*s == '\0') {
		fputs("\"\"", f);
		return;
	}
	if (strcmp(s, "-") == 0) {
		fputs("\\x2d", f);
		return;
	}
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p > 0x20 && *p < 0x7f && *p != '\\')
			fputc(*p, f);
		else
			fprintf(f, "\\x%02x", *p);
	}
}

/* Free text at the end of a line: control bytes and the backslash escaped. */
static void
put_text(FILE *f, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p >= 0x20 && *p != 0x7f && *p != '\\')
			fputc(*p, f);
		else
			fprintf(f, "\\x%02x", *p);
	}
}

/* A JSON string (or null); bytes >= 0x80 are written as \u00XX (Latin-1). */
static void
put_json(FILE *f, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

const char *
nkr_scrub_pointers(const char *msg, char *buf, size_t size)
{
	size_t o = 0;
	const char *p = msg;

	while (*p != '\0' && o + 1 < size) {
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
			size_t n = 0;

			while (isxdigit((unsigned char)p[2 + n]))
				n++;
			if (n >= 9) {
				const char *rep = "0xADDR";
				size_t rl = strlen(rep);

				if (o + rl >= size)
					break;
				memcpy(buf + o, rep, rl);
				o += rl;
				p += 2 + n;
				continue;
			}
		}
		buf[o++] = *p++;
	}
	buf[o] = '\0';
	return buf;
}

/* --- The verdict log --------------------------------------------------- */

/*
 * Text verdict lines are written straight into the log's own buffer (one
 * fwrite per NKR_VLOG_BUF bytes): the log is written once per filter
 * callback, and stdio's per-line call was a large part of its cost.  The
 * fixed fields that repeat (direction, interface, hook, kext, filter) are
 * escaped once per (pointer, contents) and copied from nkr_vmid.
 */

void
nkr_vlog_flush(struct nkr_vlog *l)
{
	if (l->l_n > 0 && l->l_f != NULL)
#if defined(__GLIBC__)
		/* nke-replay is single-threaded: no stdio lock. */
		fwrite_unlocked(l->l_buf, 1, l->l_n, l->l_f);
#else
		fwrite(l->l_buf, 1, l->l_n, l->l_f);
#endif
	l->l_n = 0;
}

/* Room for k more bytes (k <= NKR_VLOG_BUF) at the end of the buffer. */
static inline char *
vl_room(struct nkr_vlog *l, size_t k)
{
	if (l->l_n + k > NKR_VLOG_BUF)
		nkr_vlog_flush(l);
	return l->l_buf + l->l_n;
}

static void
vl_put(struct nkr_vlog *l, const char *s, size_t k)
{
	while (k > 0) {
		size_t n = k < NKR_VLOG_BUF ? k : NKR_VLOG_BUF;

		memcpy(vl_room(l, n), s, n);
		l->l_n += n;
		s += n;
		k -= n;
	}
}

static const char hexd[] = "0123456789abcdef";

/* "00" "01" ... "ff" */
static char hex2[512];

/*
 * Bytes written as they are: in a fixed field (put_field: '!'..'~' but the
 * backslash) and in free text (put_text: also the space and bytes >= 0x80).
 */
static unsigned char field_plain[256], text_plain[256];
/* In a JSON string (put_json): ' '..'~' but the quote and the backslash. */
static unsigned char json_plain[256];

static void
tables_init(void)
{
	unsigned c;

	if (field_plain['a'])
		return;
	for (c = 0; c < 256; c++) {
		field_plain[c] = c > 0x20 && c < 0x7f && c != '\\';
		text_plain[c] = c >= 0x20 && c != 0x7f && c != '\\';
		json_plain[c] = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
		hex2[2 * c] = hexd[c >> 4];
		hex2[2 * c + 1] = hexd[c & 15];
	}
}

void
nkr_vlog_init(struct nkr_vlog *l, FILE *f, enum nkr_log_format format)
{
	tables_init();
	l->l_f = f;
	l->l_format = format;
	l->l_n = 0;
	l->l_nmid = 0;
	memset(l->l_mid, 0, sizeof(l->l_mid));
}

/* Escaped bytes of s: those not in `plain` as \\xHH (runs of plain bytes copied). */
static void
vl_escaped(struct nkr_vlog *l, const char *s, const unsigned char *plain)
{
	const unsigned char *p = (const unsigned char *)s, *q;

	for (;;) {
		char *o;

		for (q = p; plain[*q]; q++)
			; /* NUL is not plain */
		if (q > p)
			vl_put(l, (const char *)p, (size_t)(q - p));
		if (*q == '\0')
			return;
		o = vl_room(l, 4);
		o[0] = '\\';
		o[1] = 'x';
		o[2] = hexd[*q >> 4];
		o[3] = hexd[*q & 15];
		l->l_n += 4;
		p = q + 1;
	}
}

/* put_field() into the log. */
static void
vl_field(struct nkr_vlog *l, const char *s)
{
	if (s == NULL)
		vl_put(l, "-", 1);
	else if (*s == '\0')
		vl_put(l, "\"\"", 2);
	else if (s[0] == '-' && s[1] == '\0')
		vl_put(l, "\\x2d", 4);
	else
		vl_escaped(l, s, field_plain);
}

static inline void
vl_str(struct nkr_vlog *l, const char *s)
{
	vl_put(l, s, strlen(s));
}

#if defined(__SSE2__)
/*
 * 16 lower-case hex digits of v at p; returns the end.  SSE2 (every x86-64):
 * the bytes most significant first, split into nibbles, each nibble n made
 * '0' + n, plus 39 for n > 9, all at once.
 */
static inline char *
put_hex64(char *p, uint64_t v)
{
	const __m128i f = _mm_set1_epi8(0x0f);
	__m128i x = _mm_cvtsi64_si128((long long)__builtin_bswap64(v));
	__m128i n = _mm_unpacklo_epi8(_mm_and_si128(_mm_srli_epi16(x, 4), f), _mm_and_si128(x, f));
	__m128i a = _mm_and_si128(_mm_cmpgt_epi8(n, _mm_set1_epi8(9)), _mm_set1_epi8(39));

	_mm_storeu_si128((__m128i *)(void *)p,
	                 _mm_add_epi8(n, _mm_add_epi8(a, _mm_set1_epi8('0'))));
	return p + 16;
}
#else
/* 16 lower-case hex digits of v at p; returns the end. */
static inline char *
put_hex64(char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		memcpy(p + 2 * i, hex2 + 2 * (v & 0xff), 2);
	return p + 16;
}
#endif

static const char *
dir_word(uint32_t dir)
{
	return dir == NKS_DIR_IN ? "in" : dir == NKS_DIR_OUT ? "out" : "-";
}

static const struct {
	uint32_t flag;
	const char *word;
} vd_flags[] = {
    {NKS_VD_INJECTED, "injected"},
    {NKS_VD_REPLACED, "replaced"},
    {NKS_VD_TRUNCATED, "truncated"},
};

static const char *
kind_word(enum nkr_vkind k)
{
	switch (k) {
	case NKR_V_PASS:
		return "pass";
	case NKR_V_KEPT:
		return "kept";
	case NKR_V_DROP:
		return "drop";
	case NKR_V_STACK:
		return "drop";
	case NKR_V_OK:
		return "ok";
	case NKR_V_RET:
	default:
		return "ret";
	}
}

/* Copy a NUL-terminated string to o; returns the end. */
static inline char *
cpy(char *o, const char *s)
{
	while (*s != '\0')
		*o++ = *s++;
	return o;
}

/* The escaped bytes of s to o (room for 4 bytes each); returns the end. */
static char *
esc(char *o, const char *s, const unsigned char *plain)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (plain[*p]) {
			*o++ = (char)*p;
		} else {
			o[0] = '\\';
			o[1] = 'x';
			o[2] = hexd[*p >> 4];
			o[3] = hexd[*p & 15];
			o += 4;
		}
	}
	return o;
}

/* put_field() to o (room for 4 bytes per byte of s); returns the end. */
static char *
fld(char *o, const char *s)
{
	if (s == NULL) {
		*o++ = '-';
		return o;
	}
	if (*s == '\0')
		return cpy(o, "\"\"");
	if (s[0] == '-' && s[1] == '\0')
		return cpy(o, "\\x2d");
	return esc(o, s, field_plain);
}

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/*
 * Does the word hold a byte that free text escapes (< 0x20, 0x7f, the
 * backslash)?  Exact: each test is exact about "any byte", only not about
 * which.
 */
static inline uint64_t
text_unplain(uint64_t w)
{
	uint64_t d = w ^ (ONES * 0x7f), b = w ^ (ONES * '\\');

	return (((w - ONES * 0x20) & ~w) | ((d - ONES) & ~d) | ((b - ONES) & ~b)) & HIGHS;
}

/*
 * The n bytes of free text at s, escaped, to o (room for 4 bytes each):
 * scanned a word at a time, runs of plain bytes copied; returns the end.
 */
static char *
esc_text(char *o, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *q;

	for (;;) {
		for (q = p; end - q >= 8; q += 8) {
			uint64_t w;

			memcpy(&w, q, 8);
			if (text_unplain(w))
				break;
		}
		while (q < end && text_plain[*q])
			q++;
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		if (q == end)
			return o;
		o[0] = '\\';
		o[1] = 'x';
		o[2] = hexd[*q >> 4];
		o[3] = hexd[*q & 15];
		o += 4;
		p = q + 1;
	}
}

/* Fibonacci hashing: the top bits of the product depend on every key bit. */
static inline size_t
vmid_slot(const struct nks_verdict *vd)
{
	uint64_t k = (uint64_t)(uintptr_t)vd->vd_ifname + (uint64_t)(uintptr_t)vd->vd_kext * 3 +
	             (uint64_t)(uintptr_t)vd->vd_filter * 5 + ((uint64_t)vd->vd_hook << 8) +
	             vd->vd_dir;

	return (size_t)((k * 0x9e3779b97f4a7c15ULL) >> (64 - NKR_VMID_BITS));
}

/* Copy a name into m_raw at *off (NULL: nothing); 0, or -1 if it does not fit. */
static int
vmid_raw(struct nkr_vmid *m, size_t *off, const char *s)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = strlen(s) + 1;
	if (n > NKR_VMID_RAW - *off)
		return -1;
	memcpy(m->m_raw + *off, s, n);
	*off += n;
	return 0;
}

/*
 * Fill the entry m for vd (found with vd's key but other bytes behind it,
 * or unused: `fresh`), emptying the table first when it is 3/4 full;
 * returns m, or NULL if the names are too long to be cached.
 */
static __attribute__((noinline)) const struct nkr_vmid *
vmid_fill(struct nkr_vlog *l, const struct nks_verdict *vd, struct nkr_vmid *m, int fresh)
{
	char t[4 * NKR_VMID_RAW + 64], hb[16], *o;
	const char *hook;
	size_t off = 0;

	if (fresh) {
		if (l->l_nmid >= NKR_VMID_N * 3 / 4) {
			memset(l->l_mid, 0, sizeof(l->l_mid));
			l->l_nmid = 0;
			m = &l->l_mid[vmid_slot(vd)];
		}
		l->l_nmid++;
		m->m_used = 1;
		m->m_if = vd->vd_ifname;
		m->m_kext = vd->vd_kext;
		m->m_filter = vd->vd_filter;
		m->m_hook = vd->vd_hook;
		m->m_dir = vd->vd_dir;
	}
	m->m_len = 0;
	hook = nkr_hook_name(vd->vd_hook, hb, sizeof(hb));
	if (strlen(hook) > 32 || vmid_raw(m, &off, vd->vd_ifname) != 0)
		return NULL;
	m->m_kext_off = (uint16_t)off;
	if (vmid_raw(m, &off, vd->vd_kext) != 0)
		return NULL;
	m->m_filter_off = (uint16_t)off;
	if (vmid_raw(m, &off, vd->vd_filter) != 0)
		return NULL;
	m->m_raw_end = (uint16_t)off;
	o = cpy(t, dir_word(vd->vd_dir));
	*o++ = ' ';
	o = fld(o, vd->vd_ifname);
	*o++ = ' ';
	o = cpy(o, hook);
	*o++ = ' ';
	o = fld(o, vd->vd_kext);
	*o++ = ' ';
	o = fld(o, vd->vd_filter);
	*o++ = ' ';
	if ((size_t)(o - t) > NKR_VMID_TEXT)
		return NULL;
	memcpy(m->m_text, t, (size_t)(o - t));
	m->m_len = (uint16_t)(o - t);
	return m;
}

#if defined(__SSE2__)
#if defined(__clang__) || defined(__GNUC__)
#define NKR_NO_ASAN __attribute__((no_sanitize_address))
#else
#define NKR_NO_ASAN
#endif
/*
 * strcmp(c, s) == 0 for c, a copy in m_raw of n bytes (its NUL the last;
 * 16 readable bytes from any of them), 16 bytes at a time: s is read 16
 * bytes at a time when they are all on one page (else strcmp), each piece
 * only when every byte before it matched c's and none was the NUL, so it
 * starts within the string at s and cannot fault; only the bytes up to c's
 * NUL are compared.  (AddressSanitizer would see the rest as reads past the
 * string.)
 */
static NKR_NO_ASAN inline int
name_same(const char *c, size_t n, const char *s)
{
	unsigned eq;

	for (;; c += 16, s += 16, n -= 16) {
		if (((uintptr_t)s & 4095) > 4096 - 16)
			return strcmp(c, s) == 0;
		eq = (unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)s),
		                   _mm_loadu_si128((const __m128i *)(const void *)c)));
		if (n <= 16)
			return (~eq & ((1u << n) - 1)) == 0;
		if (eq != 0xffff)
			return 0;
	}
}
#else
static inline int
name_same(const char *c, size_t n, const char *s)
{
	(void)n;
	return strcmp(c, s) == 0;
}
#endif

/*
 * The cached middle of vd's line ("in en0 ipf_input com.example.fw flt "),
 * or NULL if its names are too long to be cached.  An open-addressing table:
 * an entry, once used, keeps its key (the pointers) and is refilled in place
 * when the bytes behind them changed; the table is emptied when it is 3/4
 * full (kexts that come and go leave keys that will not come back).  The
 * lookup is inline, the filling (rare) out of line.
 */
static inline const struct nkr_vmid *
vmid_get(struct nkr_vlog *l, const struct nks_verdict *vd)
{
	size_t i = vmid_slot(vd);
	struct nkr_vmid *m;

	for (;; i = (i + 1) % NKR_VMID_N) {
		m = &l->l_mid[i];
		if (!m->m_used)
			return vmid_fill(l, vd, m, 1);
		if (m->m_if != vd->vd_ifname || m->m_kext != vd->vd_kext ||
		    m->m_filter != vd->vd_filter || m->m_hook != vd->vd_hook ||
		    m->m_dir != vd->vd_dir)
			continue;
		/* The pointers match: do the bytes they point to now? */
		if (m->m_len != 0 &&
		    (m->m_if == NULL || name_same(m->m_raw, m->m_kext_off, m->m_if)) &&
		    (m->m_kext == NULL || name_same(m->m_raw + m->m_kext_off,
		                                    m->m_filter_off - m->m_kext_off, m->m_kext)) &&
		    (m->m_filter == NULL || name_same(m->m_raw + m->m_filter_off,
		                                      m->m_raw_end - m->m_filter_off, m->m_filter)))
			return m;
		return vmid_fill(l, vd, m, 0);
	}
}

/*
 * n bytes (n <= 32) from s to o with fixed-size moves (two that may
 * overlap), reading and writing only those n bytes.
 */
static inline void
cpy_short(char *o, const char *s, size_t n)
{
	if (n >= 16) {
		memcpy(o, s, 16);
		memcpy(o + n - 16, s + n - 16, 16);
	} else if (n >= 8) {
		memcpy(o, s, 8);
		memcpy(o + n - 8, s + n - 8, 8);
	} else if (n >= 4) {
		memcpy(o, s, 4);
		memcpy(o + n - 4, s + n - 4, 4);
	} else if (n > 0) {
		o[0] = s[0];
		o[n / 2] = s[n / 2];
		o[n - 1] = s[n - 1];
	}
}

/*
 * The n bytes of free text at s to o when none is escaped (the usual
 * detail): whole words checked and stored as they are, the last (partial)
 * one as an overlapping word ending with the text; any byte to escape, and
 * esc_text() writes the text from its start.  Room at o: 4 bytes a byte.
 */
#if defined(__SSE2__)
/* Has x a byte that free text escapes (< 0x20, 0x7f, the backslash)? */
static inline int
text_unplain16(__m128i x)
{
	__m128i c = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x);

	c = _mm_or_si128(c, _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f)));
	c = _mm_or_si128(c, _mm_cmpeq_epi8(x, _mm_set1_epi8('\\')));
	return _mm_movemask_epi8(c) != 0;
}

static inline char *
esc_text_fast(char *o, const char *s, size_t n)
{
	__m128i x;
	size_t k;

	if (n >= 16) {
		for (k = 0; k + 16 <= n; k += 16) {
			x = _mm_loadu_si128((const __m128i *)(const void *)(s + k));
			if (text_unplain16(x))
				return esc_text(o, s, n);
			_mm_storeu_si128((__m128i *)(void *)(o + k), x);
		}
		if (k < n) {
			x = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
			if (text_unplain16(x))
				return esc_text(o, s, n);
			_mm_storeu_si128((__m128i *)(void *)(o + n - 16), x);
		}
		return o + n;
	}
	if (n >= 8) {
		__m128i a = _mm_loadl_epi64((const __m128i *)(const void *)s);
		__m128i b = _mm_loadl_epi64((const __m128i *)(const void *)(s + n - 8));

		if (text_unplain16(_mm_unpacklo_epi64(a, b)))
			return esc_text(o, s, n);
		_mm_storel_epi64((__m128i *)(void *)o, a);
		_mm_storel_epi64((__m128i *)(void *)(o + n - 8), b);
		return o + n;
	}
#else
static inline char *
esc_text_fast(char *o, const char *s, size_t n)
{
	uint64_t w;
	size_t k;

	if (n >= 8) {
		for (k = 0; k + 8 <= n; k += 8) {
			memcpy(&w, s + k, 8);
			if (text_unplain(w))
				return esc_text(o, s, n);
			memcpy(o + k, &w, 8);
		}
		if (k < n) {
			memcpy(&w, s + n - 8, 8);
			if (text_unplain(w))
				return esc_text(o, s, n);
			memcpy(o + n - 8, &w, 8);
		}
		return o + n;
	}
#endif
	if (n >= 4) {
		uint32_t a, b;

		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		if (text_unplain((uint64_t)a | (uint64_t)b << 32))
			return esc_text(o, s, n);
		memcpy(o, &a, 4);
		memcpy(o + n - 4, &b, 4);
		return o + n;
	}
	return esc_text(o, s, n);
}

/* The fixed part of a line on the fast path: ctx, middle, word, numbers, flags. */
#define VL_LINE_FIXED 512
/* Details up to this long are written on the fast path. */
#define VL_REST_FAST 2048

/* The text verdict line, field by field (names too long for the cache, long ctx or detail). */
static void
vlog_text_slow(struct nkr_vlog *l, const char *ctx, const struct nks_verdict *vd,
               const struct nkr_vclass *vc, const struct nkr_vmid *m)
{
	size_t cl = strlen(ctx), wl, n, i;
	const char *rest = vc->vc_rest;
	char hb[16], *o;

	if (cl + 1 + NKR_VMID_TEXT <= NKR_VLOG_BUF && m != NULL) {
		o = vl_room(l, cl + 1 + NKR_VMID_TEXT);
		memcpy(o, ctx, cl);
		o[cl] = ' ';
		memcpy(o + cl + 1, m->m_text, m->m_len);
		l->l_n += cl + 1 + m->m_len;
	} else {
		vl_put(l, ctx, cl);
		vl_put(l, " ", 1);
		vl_str(l, dir_word(vd->vd_dir));
		vl_put(l, " ", 1);
		vl_field(l, vd->vd_ifname);
		vl_put(l, " ", 1);
		vl_str(l, nkr_hook_name(vd->vd_hook, hb, sizeof(hb)));
		vl_put(l, " ", 1);
		vl_field(l, vd->vd_kext);
		vl_put(l, " ", 1);
		vl_field(l, vd->vd_filter);
		vl_put(l, " ", 1);
	}
	/* verdict, len, hash, flags, and the newline if no detail follows */
	wl = strlen(vc->vc_word);
	o = vl_room(l, sizeof(vc->vc_word) + 64);
	memcpy(o, vc->vc_word, wl);
	o += wl;
	memcpy(o, " len=", 5);
	o = put_u32(o + 5, vd->vd_len);
	memcpy(o, " hash=", 6);
	o = put_hex64(o + 6, vd->vd_hash);
	for (i = 0; i < sizeof(vd_flags) / sizeof(vd_flags[0]); i++) {
		if (vd->vd_flags & vd_flags[i].flag) {
			*o++ = ' ';
			o = cpy(o, vd_flags[i].word);
		}
	}
	if (rest == NULL || rest[0] == '\0') {
		*o++ = '\n';
		l->l_n = (size_t)(o - l->l_buf);
		return;
	}
	*o++ = ' ';
	l->l_n = (size_t)(o - l->l_buf);
	/* the detail: put_text(), a word at a time */
	n = strlen(rest);
	if (n <= (NKR_VLOG_BUF - 1) / 4) {
		o = vl_room(l, 4 * n + 1);
		o = esc_text(o, rest, n);
		*o++ = '\n';
		l->l_n = (size_t)(o - l->l_buf);
		return;
	}
	vl_escaped(l, rest, text_plain);
	vl_put(l, "\n", 1);
}

/*
 * The text verdict line.  The usual one (cached names, ctx up to 32 bytes,
 * a verdict word up to 32, a detail up to VL_REST_FAST bytes) is written
 * with one check for room and fixed-size copies: the cached middle in
 * 32-byte pieces (m_text is a multiple of 32 long), the word as 32 bytes
 * of vc_word, of which only its own count.
 */
static void
vlog_text(struct nkr_vlog *l, const char *ctx, size_t cl, const struct nks_verdict *vd,
          const struct nkr_vclass *vc)
{
	const struct nkr_vmid *m = vmid_get(l, vd);
	const char *rest = vc->vc_rest;
	size_t n = rest != NULL ? strlen(rest) : 0, wl, k;
	char *o;

	wl = vc->vc_kind == NKR_V_PASS || vc->vc_kind == NKR_V_KEPT ? 4
	     : vc->vc_kind == NKR_V_OK                              ? 2
	                                                            : strlen(vc->vc_word);
	if (m == NULL || cl > 32 || wl > 32 || n > VL_REST_FAST) {
		vlog_text_slow(l, ctx, vd, vc, m);
		return;
	}
	o = vl_room(l, VL_LINE_FIXED + 4 * n);
	cpy_short(o, ctx, cl);
	o += cl;
	*o++ = ' ';
	/* (The usual middle is 33..64 bytes long: two pieces, no loop.) */
	memcpy(o, m->m_text, 32);
	memcpy(o + 32, m->m_text + 32, 32);
	for (k = 64; k < m->m_len; k += 32)
		memcpy(o + k, m->m_text + k, 32);
	o += m->m_len;
	memcpy(o, vc->vc_word, 32);
	o += wl;
	memcpy(o, " len=", 5);
	o = put_u32(o + 5, vd->vd_len);
	memcpy(o, " hash=", 6);
	o = put_hex64(o + 6, vd->vd_hash);
	if (vd->vd_flags & (NKS_VD_INJECTED | NKS_VD_REPLACED | NKS_VD_TRUNCATED)) {
		for (k = 0; k < sizeof(vd_flags) / sizeof(vd_flags[0]); k++) {
			if (vd->vd_flags & vd_flags[k].flag) {
				*o++ = ' ';
				o = cpy(o, vd_flags[k].word);
			}
		}
	}
	if (n > 0) {
		*o++ = ' ';
		o = esc_text_fast(o, rest, n);
	}
	*o++ = '\n';
	l->l_n = (size_t)(o - l->l_buf);
}

static inline char *
put_i32(char *p, int32_t v)
{
	if (v < 0) {
		*p++ = '-';
		return put_u32(p, 0u - (uint32_t)v);
	}
	return put_u32(p, (uint32_t)v);
}

/* put_json() to o (room for 6 bytes per byte of s, and 2); returns the end. */
static char *
js(char *o, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		memcpy(o, "null", 4);
		return o + 4;
	}
	*o++ = '"';
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (json_plain[*p]) {
			*o++ = (char)*p;
		} else if (*p == '"' || *p == '\\') {
			o[0] = '\\';
			o[1] = (char)*p;
			o += 2;
		} else {
			memcpy(o, "\\u00", 4);
			o[4] = hexd[*p >> 4];
			o[5] = hexd[*p & 15];
			o += 6;
		}
	}
	*o++ = '"';
	return o;
}

static inline size_t
slen(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

/* A constant string to o; returns the end. */
#define LIT(o, s) (memcpy((o), (s), sizeof(s) - 1), (o) + sizeof(s) - 1)

/*
 * The JSON Lines verdict line into the buffer, as the stdio path below
 * writes it; 0 if it may not fit (a name or detail of thousands of bytes).
 */
static int
vlog_jsonl(struct nkr_vlog *l, const char *ctx, const struct nks_verdict *vd,
           const struct nkr_vclass *vc, const char *hook)
{
	const char *reason = vc->vc_reason[0] != '\0' ? vc->vc_reason : NULL;
	size_t need = 400 + 6 * (slen(ctx) + slen(vd->vd_ifname) + slen(hook) + slen(vd->vd_kext) +
	                         slen(vd->vd_filter) + slen(reason) + slen(vc->vc_rest));
	size_t i;
	int first;
	char *o;

	if (need > NKR_VLOG_BUF)
		return 0;
	o = vl_room(l, need);
	o = LIT(o, "{\"type\":\"verdict\",\"ctx\":");
	o = js(o, ctx);
	o = LIT(o, ",\"index\":");
	o = put_u64(o, vd->vd_index);
	o = LIT(o, ",\"dir\":");
	o = js(o, vd->vd_dir == 0 ? NULL : dir_word(vd->vd_dir));
	o = LIT(o, ",\"if\":");
	o = js(o, vd->vd_ifname);
	o = LIT(o, ",\"hook\":");
	o = js(o, hook);
	o = LIT(o, ",\"kext\":");
	o = js(o, vd->vd_kext);
	o = LIT(o, ",\"filter\":");
	o = js(o, vd->vd_filter);
	o = LIT(o, ",\"verdict\":");
	o = js(o, kind_word(vc->vc_kind));
	o = LIT(o, ",\"reason\":");
	o = js(o, reason);
	o = LIT(o, ",\"result\":");
	o = put_i32(o, vd->vd_result);
	o = LIT(o, ",\"len\":");
	o = put_u32(o, vd->vd_len);
	o = LIT(o, ",\"hash\":\"");
	o = put_hex64(o, vd->vd_hash);
	o = LIT(o, "\",\"flags\":[");
	for (i = 0, first = 1; i < sizeof(vd_flags) / sizeof(vd_flags[0]); i++) {
		if ((vd->vd_flags & vd_flags[i].flag) == 0)
			continue;
		if (!first)
			*o++ = ',';
		*o++ = '"';
		o = cpy(o, vd_flags[i].word);
		*o++ = '"';
		first = 0;
	}
	o = LIT(o, "],\"detail\":");
	o = js(o, vc->vc_rest);
	o = LIT(o, "}\n");
	l->l_n = (size_t)(o - l->l_buf);
	return 1;
}

void
nkr_vlog_verdict(struct nkr_vlog *l, const char *ctx, const struct nks_verdict *vd,
                 const struct nkr_vclass *vc)
{
	nkr_vlog_verdict_n(l, ctx, strlen(ctx), vd, vc);
}

void
nkr_vlog_verdict_n(struct nkr_vlog *l, const char *ctx, size_t cl, const struct nks_verdict *vd,
                   const struct nkr_vclass *vc)
{
	FILE *f = l->l_f;
	char hb[16];
	const char *hook;
	size_t i;
	int first;

	if (l->l_format != NKR_LOG_JSONL) {
		vlog_text(l, ctx, cl, vd, vc);
		return;
	}
	hook = nkr_hook_name(vd->vd_hook, hb, sizeof(hb));
	if (vlog_jsonl(l, ctx, vd, vc, hook))
		return;
	nkr_vlog_flush(l);
	fputs("{\"type\":\"verdict\",\"ctx\":", f);
	put_json(f, ctx);
	fprintf(f, ",\"index\":%" PRIu64 ",\"dir\":", vd->vd_index);
	put_json(f, vd->vd_dir == 0 ? NULL : dir_word(vd->vd_dir));
	fputs(",\"if\":", f);
	put_json(f, vd->vd_ifname);
	fputs(",\"hook\":", f);
	put_json(f, hook);
	fputs(",\"kext\":", f);
	put_json(f, vd->vd_kext);
	fputs(",\"filter\":", f);
	put_json(f, vd->vd_filter);
	fputs(",\"verdict\":", f);
	put_json(f, kind_word(vc->vc_kind));
	fputs(",\"reason\":", f);
	put_json(f, vc->vc_reason[0] != '\0' ? vc->vc_reason : NULL);
	fprintf(f, ",\"result\":%" PRId32 ",\"len\":%" PRIu32 ",\"hash\":\"%016" PRIx64 "\"",
	        vd->vd_result, vd->vd_len, vd->vd_hash);
	fputs(",\"flags\":[", f);
	for (i = 0, first = 1; i < sizeof(vd_flags) / sizeof(vd_flags[0]); i++) {
		if ((vd->vd_flags & vd_flags[i].flag) == 0)
			continue;
		fprintf(f, "%s\"%s\"", first ? "" : ",", vd_flags[i].word);
		first = 0;
	}
	fputs("],\"detail\":", f);
	put_json(f, vc->vc_rest);
	fputs("}\n", f);
}

void
nkr_vlog_check(struct nkr_vlog *l, const char *ctx, uint64_t index, const char *kind,
               const char *check, const char *message)
{
	FILE *f = l->l_f;
	char clean[1024];

	nkr_vlog_flush(l);
	nkr_scrub_pointers(message, clean, sizeof(clean));
	if (l->l_format == NKR_LOG_JSONL) {
		fprintf(f, "{\"type\":\"%s\",\"ctx\":", kind);
		put_json(f, ctx);
		fprintf(f, ",\"index\":%" PRIu64 ",\"check\":", index);
		put_json(f, check);
		fputs(",\"message\":", f);
		put_json(f, clean);
		fputs("}\n", f);
		return;
	}
	fprintf(f, "%s %s ", ctx, kind);
	put_field(f, check);
	fputc(' ', f);
	put_text(f, clean);
	fputc('\n', f);
}

void
nkr_vlog_kext(struct nkr_vlog *l, const char *ctx, const char *bundle, const char *event,
              uint32_t tag, const char *version, int has_result, int32_t result)
{
	FILE *f = l->l_f;

	nkr_vlog_flush(l);

	if (l->l_format == NKR_LOG_JSONL) {
		fputs("{\"type\":\"kext\",\"ctx\":", f);
		put_json(f, ctx);
		fputs(",\"kext\":", f);
		put_json(f, bundle);
		fputs(",\"event\":", f);
		put_json(f, event);
		if (tag != 0)
			fprintf(f, ",\"tag\":%" PRIu32, tag);
		else
			fputs(",\"tag\":null", f);
		fputs(",\"version\":", f);
		put_json(f, version);
		if (has_result) {
			fprintf(f, ",\"result\":%" PRId32 ",\"result_name\":", result);
			put_json(f, kext_result_name(result));
		} else {
			fputs(",\"result\":null,\"result_name\":null", f);
		}
		fputs("}\n", f);
		return;
	}
	fprintf(f, "%s kext ", ctx);
	put_field(f, bundle);
	fprintf(f, " %s", event);
	if (tag != 0)
		fprintf(f, " tag=%" PRIu32, tag);
	if (version != NULL) {
		fputs(" version=", f);
		put_field(f, version);
	}
	if (has_result) {
		const char *name = kext_result_name(result);

		fprintf(f, " result=%" PRId32, result);
		if (name != NULL)
			fprintf(f, "(%s)", name);
	}
	fputc('\n', f);
}

void
nkr_vlog_panic(struct nkr_vlog *l, const char *ctx, uint64_t index, const char *message)
{
	FILE *f = l->l_f;
	char clean[1024];

	nkr_vlog_flush(l);
	nkr_scrub_pointers(message, clean, sizeof(clean));
	if (l->l_format == NKR_LOG_JSONL) {
		fputs("{\"type\":\"panic\",\"ctx\":", f);
		put_json(f, ctx);
		fprintf(f, ",\"index\":%" PRIu64 ",\"message\":", index);
		put_json(f, clean);
		fputs("}\n", f);
		return;
	}
	fprintf(f, "%s panic ", ctx);
	put_text(f, clean);
	fputc('\n', f);
}

/* --- --annotate comments ----------------------------------------------- */

void
nkr_sbuf_reset(struct nkr_sbuf *s)
{
	s->s_len = 0;
	if (s->s_buf != NULL)
		s->s_buf[0] = '\0';
}

void
nkr_sbuf_free(struct nkr_sbuf *s)
{
	free(s->s_buf);
	memset(s, 0, sizeof(*s));
}

void
nkr_sbuf_printf(struct nkr_sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = s->s_cap - s->s_len;

		va_start(ap, fmt);
		n = vsnprintf(s->s_buf != NULL ? s->s_buf + s->s_len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < room) {
			s->s_len += (size_t)n;
			return;
		}
		size_t cap = s->s_cap != 0 ? s->s_cap * 2 : 256;
		while (cap - s->s_len <= (size_t)n)
			cap *= 2;
		char *nb = realloc(s->s_buf, cap);
		if (nb == NULL)
			return; /* the comment stays shorter; nothing else depends on it */
		s->s_buf = nb;
		s->s_cap = cap;
	}
}

static const char *
orno(const char *s)
{
	return s != NULL ? s : "?";
}

void
nkr_annot_clause(struct nkr_sbuf *s, const struct nks_verdict *vd, const struct nkr_vclass *vc,
                 int modified)
{
	char hb[16];
	const char *hook = nkr_hook_name(vd->vd_hook, hb, sizeof(hb));
	const char *mod = modified ? " (modified)" : "";

	if (s->s_len != 0)
		nkr_sbuf_printf(s, "; ");
	switch (vc->vc_kind) {
	case NKR_V_STACK:
		nkr_sbuf_printf(s, "dropped by the stack: %s", vc->vc_reason);
		break;
	case NKR_V_PASS:
		nkr_sbuf_printf(s, "passed by %s/%s at %s%s", orno(vd->vd_kext),
		                orno(vd->vd_filter), hook, mod);
		break;
	case NKR_V_KEPT:
		nkr_sbuf_printf(s, "kept by %s/%s at %s (EJUSTRETURN)%s", orno(vd->vd_kext),
		                orno(vd->vd_filter), hook, mod);
		break;
	case NKR_V_DROP:
		nkr_sbuf_printf(s, "dropped by %s/%s at %s: %s", orno(vd->vd_kext),
		                orno(vd->vd_filter), hook, vc->vc_reason);
		break;
	case NKR_V_OK:
	case NKR_V_RET:
	default:
		nkr_sbuf_printf(s, "%s of %s/%s returned %s", hook, orno(vd->vd_kext),
		                orno(vd->vd_filter), vc->vc_kind == NKR_V_OK ? "0" : vc->vc_reason);
		break;
	}
}

/* --- The kext console -------------------------------------------------- */

void
nkr_console_write(struct nkr_console *k, const char *ctx, const char *buf, size_t len)
{
	/* A line begun in another context ends here: each context its own lines. */
	if (k->k_midline && len > 0 && strcmp(ctx, k->k_ctx) != 0) {
		fputc('\n', k->k_f);
		k->k_midline = 0;
	}
	while (len > 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl != NULL ? (size_t)(nl - buf) + 1 : len;

		if (!k->k_midline) {
			fprintf(k->k_f, "[%s] ", ctx);
			snprintf(k->k_ctx, sizeof(k->k_ctx), "%s", ctx);
		}
		fwrite(buf, 1, n, k->k_f);
		k->k_midline = nl == NULL;
		buf += n;
		len -= n;
	}
}

void
nkr_console_finish(struct nkr_console *k)
{
	if (k->k_midline)
		fputc('\n', k->k_f);
	k->k_midline = 0;
	fflush(k->k_f);
}
