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

#include "vlog.h"

/* Decimal digits of v at p (no NUL); returns the end. */
static char *
put_dec(char *p, uint64_t v)
{
	char t[20];
	unsigned n = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*p++ = t[--n];
	return p;
}

const char *
nkr_ctx_str(const struct nkr_ctx *c, uint64_t index, char *buf, size_t size)
{
	if (index == 0 && c->c_phase == NKR_PH_PACKET)
		index = c->c_index;
	if (index != 0 && size >= 22) {
		buf[0] = '#';
		*put_dec(buf + 1, index) = '\0';
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

int
nkr_hook_is_packet(uint32_t hook)
{
	switch (hook) {
	case NKS_HOOK_IFF_INPUT:
	case NKS_HOOK_IFF_OUTPUT:
	case NKS_HOOK_IPF_INPUT:
	case NKS_HOOK_IPF_OUTPUT:
	case NKS_HOOK_SF_DATA_IN:
	case NKS_HOOK_SF_DATA_OUT:
		return 1;
	default:
		return 0;
	}
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
nkr_vclassify(const struct nks_verdict *vd, struct nkr_vclass *vc)
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
 * A line of the text log is built here and written with one fwrite (or a
 * few, for a line longer than the buffer): the log is written once per
 * filter callback, and stdio's per-character and printf calls were most of
 * its cost.
 */
#define LB_CAP 2048

struct lb {
	FILE *l_f;
	size_t l_n;
	char l_b[LB_CAP];
};

static void
lb_flush(struct lb *l)
{
	if (l->l_n > 0)
		fwrite(l->l_b, 1, l->l_n, l->l_f);
	l->l_n = 0;
}

/* Room for k more bytes (k <= LB_CAP). */
static inline char *
lb_room(struct lb *l, size_t k)
{
	if (l->l_n + k > LB_CAP)
		lb_flush(l);
	return l->l_b + l->l_n;
}

static void
lb_put(struct lb *l, const char *s, size_t k)
{
	while (k > 0) {
		size_t n = k < LB_CAP ? k : LB_CAP;

		memcpy(lb_room(l, n), s, n);
		l->l_n += n;
		s += n;
		k -= n;
	}
}

static inline void
lb_c(struct lb *l, char c)
{
	*lb_room(l, 1) = c;
	l->l_n++;
}

static const char hexd[] = "0123456789abcdef";

/*
 * Bytes written as they are: in a fixed field (put_field: '!'..'~' but the
 * backslash) and in free text (put_text: also the space and bytes >= 0x80).
 */
static unsigned char field_plain[256], text_plain[256];

static void
plain_init(void)
{
	unsigned c;

	if (field_plain['a'])
		return;
	for (c = 0; c < 256; c++) {
		field_plain[c] = c > 0x20 && c < 0x7f && c != '\\';
		text_plain[c] = c >= 0x20 && c != 0x7f && c != '\\';
	}
}

/* Escaped bytes of s: those not in `plain` as \\xHH (runs of plain bytes copied). */
static void
lb_escaped(struct lb *l, const char *s, const unsigned char *plain)
{
	const unsigned char *p = (const unsigned char *)s, *q;

	for (;;) {
		char *o;

		for (q = p; plain[*q]; q++)
			; /* NUL is not plain */
		if (q > p)
			lb_put(l, (const char *)p, (size_t)(q - p));
		if (*q == '\0')
			return;
		o = lb_room(l, 4);
		o[0] = '\\';
		o[1] = 'x';
		o[2] = hexd[*q >> 4];
		o[3] = hexd[*q & 15];
		l->l_n += 4;
		p = q + 1;
	}
}

/* put_field() into the line. */
static void
lb_field(struct lb *l, const char *s)
{
	if (s == NULL)
		lb_c(l, '-');
	else if (*s == '\0')
		lb_put(l, "\"\"", 2);
	else if (s[0] == '-' && s[1] == '\0')
		lb_put(l, "\\x2d", 4);
	else
		lb_escaped(l, s, field_plain);
}

static inline void
lb_str(struct lb *l, const char *s)
{
	lb_put(l, s, strlen(s));
}

static inline void
lb_dec(struct lb *l, uint64_t v)
{
	char *o = lb_room(l, 20);

	l->l_n += (size_t)(put_dec(o, v) - o);
}

static inline void
lb_hex64(struct lb *l, uint64_t v)
{
	char *o = lb_room(l, 16);
	int i;

	for (i = 15; i >= 0; i--, v >>= 4)
		o[i] = hexd[v & 15];
	l->l_n += 16;
}

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
static inline char *
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

/* put_field() to o; returns the end. */
static inline char *
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

/*
 * The text verdict line in one go when it surely fits a stack buffer (every
 * field of a usual line does): returns 0 if it may not, leaving it to the
 * general path.
 */
static int
vlog_verdict_fast(FILE *f, const char *ctx, const char *hook, const struct nks_verdict *vd,
                  const struct nkr_vclass *vc)
{
	char b[1024], *o = b;
	size_t need = 128;
	uint64_t h = vd->vd_hash;
	size_t i;
	int k;

	need += strlen(ctx) + strlen(hook) + strlen(vc->vc_word);
	need += 4 * ((vd->vd_ifname != NULL ? strlen(vd->vd_ifname) : 0) +
	             (vd->vd_kext != NULL ? strlen(vd->vd_kext) : 0) +
	             (vd->vd_filter != NULL ? strlen(vd->vd_filter) : 0) +
	             (vc->vc_rest != NULL ? strlen(vc->vc_rest) : 0));
	if (need > sizeof(b))
		return 0;
	o = cpy(o, ctx);
	*o++ = ' ';
	o = cpy(o, dir_word(vd->vd_dir));
	*o++ = ' ';
	o = fld(o, vd->vd_ifname);
	*o++ = ' ';
	o = cpy(o, hook);
	*o++ = ' ';
	o = fld(o, vd->vd_kext);
	*o++ = ' ';
	o = fld(o, vd->vd_filter);
	*o++ = ' ';
	o = cpy(o, vc->vc_word);
	o = cpy(o, " len=");
	o = put_dec(o, vd->vd_len);
	o = cpy(o, " hash=");
	for (k = 15; k >= 0; k--, h >>= 4)
		o[k] = hexd[h & 15];
	o += 16;
	for (i = 0; i < sizeof(vd_flags) / sizeof(vd_flags[0]); i++) {
		if (vd->vd_flags & vd_flags[i].flag) {
			*o++ = ' ';
			o = cpy(o, vd_flags[i].word);
		}
	}
	if (vc->vc_rest != NULL && vc->vc_rest[0] != '\0') {
		*o++ = ' ';
		o = esc(o, vc->vc_rest, text_plain);
	}
	*o++ = '\n';
	/* nke-replay is single-threaded: no stdio lock per line. */
#if defined(__GLIBC__)
	fwrite_unlocked(b, 1, (size_t)(o - b), f);
#else
	fwrite(b, 1, (size_t)(o - b), f);
#endif
	return 1;
}

void
nkr_vlog_verdict(struct nkr_vlog *l, const char *ctx, const struct nks_verdict *vd,
                 const struct nkr_vclass *vc)
{
	FILE *f = l->l_f;
	char hb[16];
	const char *hook = nkr_hook_name(vd->vd_hook, hb, sizeof(hb));
	size_t i;
	int first;

	if (l->l_format == NKR_LOG_JSONL) {
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
		fprintf(f,
		        ",\"result\":%" PRId32 ",\"len\":%" PRIu32 ",\"hash\":\"%016" PRIx64 "\"",
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
		return;
	}
	plain_init();
	if (vlog_verdict_fast(f, ctx, hook, vd, vc))
		return;
	{
		struct lb lb;

		lb.l_f = f;
		lb.l_n = 0;
		lb_str(&lb, ctx);
		lb_c(&lb, ' ');
		lb_str(&lb, dir_word(vd->vd_dir));
		lb_c(&lb, ' ');
		lb_field(&lb, vd->vd_ifname);
		lb_c(&lb, ' ');
		lb_str(&lb, hook);
		lb_c(&lb, ' ');
		lb_field(&lb, vd->vd_kext);
		lb_c(&lb, ' ');
		lb_field(&lb, vd->vd_filter);
		lb_c(&lb, ' ');
		lb_str(&lb, vc->vc_word);
		lb_put(&lb, " len=", 5);
		lb_dec(&lb, vd->vd_len);
		lb_put(&lb, " hash=", 6);
		lb_hex64(&lb, vd->vd_hash);
		for (i = 0; i < sizeof(vd_flags) / sizeof(vd_flags[0]); i++) {
			if (vd->vd_flags & vd_flags[i].flag) {
				lb_c(&lb, ' ');
				lb_str(&lb, vd_flags[i].word);
			}
		}
		if (vc->vc_rest != NULL && vc->vc_rest[0] != '\0') {
			lb_c(&lb, ' ');
			/* put_text(): the space is plain too */
			lb_escaped(&lb, vc->vc_rest, text_plain);
		}
		lb_c(&lb, '\n');
		lb_flush(&lb);
	}
}

void
nkr_vlog_check(struct nkr_vlog *l, const char *ctx, uint64_t index, const char *kind,
               const char *check, const char *message)
{
	FILE *f = l->l_f;
	char clean[1024];

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
