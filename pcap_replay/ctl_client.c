/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ctl_client.c - nke-replay's kern_control clients (host world).
 *
 * Each --ctl option is one user-space client of a kext's control: it
 * connects once every kext started (NKS_ctl_connect), reads what the kext
 * queues whenever the replay tells it to (after every top-level call into
 * the simulated kernel, and while a kext of its control sleeps), and runs
 * the actions of its --ctl-script: before a given record, at the start, at
 * the end, or to answer a kext that sleeps waiting for it (the kernel's
 * ho_ctl_idle).  Everything it receives and every action with its result
 * goes to its output file, in the framing docs/kern_control.md specifies:
 * text, one header line per event and a hex dump of the bytes, so a test
 * can match it with a regex and a person can read it.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nke_host.h>
#include <nke_seam.h>

#include "ctl_client.h"
#include "replay.h"
#include "vlog.h"

#define MAX_DATA (1u << 20) /* bytes of one action's data, or getopt buffer */
#define MAX_LINE 65536      /* bytes of one script line */

enum when { W_START = 1, W_AT, W_END, W_SLEEP };
enum kind { A_SEND = 1, A_SETOPT, A_GETOPT, A_DISCONNECT };

struct act {
	int a_when;        /* enum when */
	uint64_t a_index;  /* W_AT: the record */
	unsigned a_line;   /* in the script */
	int a_kind;        /* enum kind */
	int32_t a_opt;
	uint32_t a_len;    /* getopt: buffer size (0: size query) */
	uint8_t *a_data;
	size_t a_ndata;
	int a_done;
};

struct cli {
	struct nkr_ctl_opt c_opt;
	FILE *c_f;
	int c_failed;           /* a write failed */
	char c_kext[96];        /* bundle id of the kext that registered the control */
	nks_u32 c_handle;       /* 0: not connected */
	uint32_t c_unit, c_id;
	int c_stream;
	int c_connected_once;
	uint64_t c_msgs, c_records, c_bytes;
	struct act *c_acts;     /* start, at (by record, then line), end, on-sleep */
	unsigned c_nacts, c_run;
	unsigned c_at_next;     /* first "at N" action not yet run */
};

struct nkr_ctlset {
	const struct nkr_ctx *s_ctx;
	unsigned s_n;
	struct cli s_c[NKR_MAX_CTL];
};

/* --- The option ----------------------------------------------------------- */

int
nkr_ctl_parse_opt(const char *arg, struct nkr_ctl_opt *co, char *err, size_t errsize)
{
	const char *eq = strchr(arg, '=');
	size_t nlen = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	const char *colon = NULL;
	size_t i;

	memset(co, 0, sizeof(*co));
	/* NAME:UNIT - the last colon, followed by digits only. */
	for (i = nlen; i > 0; i--) {
		if (arg[i - 1] == ':') {
			colon = arg + i - 1;
			break;
		}
		if (!isdigit((unsigned char)arg[i - 1]))
			break;
	}
	if (colon != NULL && (size_t)(colon - arg) + 1 < nlen) {
		char *end;
		unsigned long u;

		errno = 0;
		u = strtoul(colon + 1, &end, 10);
		if (errno != 0 || end != arg + nlen || u == 0 || u > 65535) {
			snprintf(err, errsize, "'%.*s': a unit is 1 to 65535", (int)nlen, arg);
			return -1;
		}
		co->co_has_unit = 1;
		co->co_unit = (uint32_t)u;
		nlen = (size_t)(colon - arg);
	} else if (colon != NULL) {
		snprintf(err, errsize, "'%s': a unit number is expected after ':'", arg);
		return -1;
	}
	if (nlen == 0) {
		snprintf(err, errsize, "'%s': no control name", arg);
		return -1;
	}
	if (nlen >= sizeof(co->co_name)) {
		snprintf(err, errsize, "'%.*s...': a control name has at most 95 bytes", 20, arg);
		return -1;
	}
	memcpy(co->co_name, arg, nlen);
	co->co_name[nlen] = '\0';
	if (eq != NULL) {
		if (eq[1] == '\0') {
			snprintf(err, errsize, "'%s': no file after '='", arg);
			return -1;
		}
		if (strlen(eq + 1) >= sizeof(co->co_file)) {
			snprintf(err, errsize, "'%s': file name too long", arg);
			return -1;
		}
		snprintf(co->co_file, sizeof(co->co_file), "%s", eq + 1);
	} else {
		snprintf(co->co_file, sizeof(co->co_file), "%s.ctl", co->co_name);
		for (i = 0; co->co_file[i] != '\0'; i++)
			if (co->co_file[i] == '/')
				co->co_file[i] = '_';
	}
	return 0;
}

/* --- Scripts ------------------------------------------------------------- */

struct parse {
	const char *p_file;
	unsigned p_line;
	int p_failed;
};

static void perr(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
perr(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nke-replay: %s:%u: ", p->p_file, p->p_line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	p->p_failed = 1;
}

/* A decimal or 0x number in [min, max]; 0 or -1. */
static int
parse_int(const char *s, long long min, unsigned long long max, long long *out)
{
	unsigned long long u;
	const char *q = s;
	char *end;
	int neg = 0;

	if (*q == '-') {
		neg = 1;
		q++;
	}
	if (!isdigit((unsigned char)*q))
		return -1;
	errno = 0;
	u = strtoull(q, &end, 0);
	if (errno != 0 || *end != '\0')
		return -1;
	if (neg) {
		if (min >= 0 || u > (unsigned long long)LLONG_MAX + 1ULL ||
		    (min != LLONG_MIN && u > (unsigned long long)(-min)))
			return -1;
		*out = u == (unsigned long long)LLONG_MAX + 1ULL ? LLONG_MIN : -(long long)u;
		return 0;
	}
	if (u > max || (min > 0 && u < (unsigned long long)min))
		return -1;
	*out = (long long)u;
	return 0;
}

/* Split a line into words; "quoted strings" stay one word (quotes kept). */
static unsigned
split(char *s, char **w, unsigned max, struct parse *p)
{
	unsigned n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (*s == '\0' || *s == '#')
			break;
		if (n == max) {
			perr(p, "too many words");
			return 0;
		}
		w[n++] = s;
		if (*s == '"') {
			for (s++; *s != '\0' && *s != '"'; s++)
				if (*s == '\\' && s[1] != '\0')
					s++;
			if (*s != '"') {
				perr(p, "unterminated string");
				return 0;
			}
			s++;
			if (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\r') {
				perr(p, "a space is expected after a string");
				return 0;
			}
		} else {
			while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\r')
				s++;
		}
		if (*s == '\0')
			break;
		*s++ = '\0';
	}
	return n;
}

static int
put_bytes(struct act *a, const void *b, size_t n, struct parse *p)
{
	uint8_t *nd;

	if (a->a_ndata + n > MAX_DATA) {
		perr(p, "more than %u bytes of data", MAX_DATA);
		return -1;
	}
	nd = realloc(a->a_data, a->a_ndata + n + 1);
	if (nd == NULL) {
		perr(p, "out of memory");
		return -1;
	}
	memcpy(nd + a->a_ndata, b, n);
	a->a_data = nd;
	a->a_ndata += n;
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* One data item: "text", TYPE:N, or hex digits. */
static int
parse_item(struct act *a, const char *w, struct parse *p)
{
	static const struct {
		const char *t;
		unsigned size;
		int sign, be;
	} types[] = {
	    {"u8", 1, 0, 0},  {"i8", 1, 1, 0},  {"u16", 2, 0, 0}, {"i16", 2, 1, 0},
	    {"u32", 4, 0, 0}, {"i32", 4, 1, 0}, {"u64", 8, 0, 0}, {"i64", 8, 1, 0},
	    {"be16", 2, 0, 1}, {"be32", 4, 0, 1}, {"be64", 8, 0, 1},
	};
	const char *colon = strchr(w, ':');
	size_t i;

	if (w[0] == '"') {
		const char *s = w + 1;

		while (*s != '"') {
			uint8_t c = (uint8_t)*s++;

			if (c == '\\') {
				int h1, h2;

				switch (*s++) {
				case 'n': c = '\n'; break;
				case 't': c = '\t'; break;
				case 'r': c = '\r'; break;
				case '0': c = 0; break;
				case '\\': c = '\\'; break;
				case '"': c = '"'; break;
				case 'x':
					h1 = hexval((unsigned char)s[0]);
					h2 = h1 >= 0 ? hexval((unsigned char)s[1]) : -1;
					if (h2 < 0) {
						perr(p, "\\x needs two hex digits in %s", w);
						return -1;
					}
					c = (uint8_t)(h1 << 4 | h2);
					s += 2;
					break;
				default:
					perr(p, "unknown escape \\%c in %s (\\n \\t \\r \\0 \\\\ \\\" \\xHH)",
					    s[-1], w);
					return -1;
				}
			}
			if (put_bytes(a, &c, 1, p) != 0)
				return -1;
		}
		return 0;
	}
	if (colon != NULL) {
		size_t tl = (size_t)(colon - w);

		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
			if (strlen(types[i].t) == tl && strncmp(w, types[i].t, tl) == 0) {
				unsigned bits = types[i].size * 8;
				long long min = types[i].sign ? (bits == 64 ? LLONG_MIN
				                                            : -(1LL << (bits - 1)))
				                              : 0;
				unsigned long long max =
				    types[i].sign ? (bits == 64 ? (unsigned long long)LLONG_MAX
				                                : (1ULL << (bits - 1)) - 1)
				                  : (bits == 64 ? ULLONG_MAX : (1ULL << bits) - 1);
				unsigned long long v;
				uint8_t b[8];
				long long sv;
				unsigned k;

				if (types[i].sign || colon[1] == '-') {
					if (parse_int(colon + 1, min, max, &sv) != 0) {
						perr(p, "%s does not fit %s", w, types[i].t);
						return -1;
					}
					v = (unsigned long long)sv;
				} else {
					char *end;

					errno = 0;
					if (!isdigit((unsigned char)colon[1])) {
						perr(p, "%s: a number is expected after ':'", w);
						return -1;
					}
					v = strtoull(colon + 1, &end, 0);
					if (errno != 0 || *end != '\0' || v > max) {
						perr(p, "%s does not fit %s", w, types[i].t);
						return -1;
					}
				}
				/* Little-endian (the simulated Mac's order) unless be. */
				for (k = 0; k < types[i].size; k++)
					b[types[i].be ? types[i].size - 1 - k : k] =
					    (uint8_t)(v >> (8 * k));
				return put_bytes(a, b, types[i].size, p);
			}
		}
		perr(p, "unknown data type in %s (u8 i8 u16 i16 u32 i32 u64 i64 be16 be32 be64)",
		    w);
		return -1;
	}
	for (i = 0; w[i] != '\0'; i += 2) {
		int h1 = hexval((unsigned char)w[i]), h2;
		uint8_t c;

		if (h1 < 0) {
			perr(p, "'%s' is not data (hex digits, \"text\" or TYPE:N)", w);
			return -1;
		}
		if (w[i + 1] == '\0') {
			perr(p, "odd number of hex digits in %s", w);
			return -1;
		}
		h2 = hexval((unsigned char)w[i + 1]);
		if (h2 < 0) {
			perr(p, "'%s' is not data (hex digits, \"text\" or TYPE:N)", w);
			return -1;
		}
		c = (uint8_t)(h1 << 4 | h2);
		if (put_bytes(a, &c, 1, p) != 0)
			return -1;
	}
	return 0;
}

static int
parse_data(struct act *a, char **w, unsigned n, struct parse *p)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (parse_item(a, w[i], p) != 0)
			return -1;
	return 0;
}

/* "ACTION ARGS..." into a. */
static int
parse_action(struct act *a, char **w, unsigned n, struct parse *p)
{
	long long v;

	if (n == 0) {
		perr(p, "an action is expected (send, setopt, getopt, disconnect)");
		return -1;
	}
	if (strcmp(w[0], "send") == 0) {
		a->a_kind = A_SEND;
		return parse_data(a, w + 1, n - 1, p);
	}
	if (strcmp(w[0], "setopt") == 0 || strcmp(w[0], "getopt") == 0) {
		int get = w[0][0] == 'g';

		a->a_kind = get ? A_GETOPT : A_SETOPT;
		if (n < 2 || parse_int(w[1], INT32_MIN, INT32_MAX, &v) != 0) {
			perr(p, "%s: an option number is expected (e.g. %s 3%s)", w[0], w[0],
			    get ? " 4" : " i32:1");
			return -1;
		}
		a->a_opt = (int32_t)v;
		if (!get)
			return parse_data(a, w + 2, n - 2, p);
		if (n < 3 || parse_int(w[2], 0, MAX_DATA, &v) != 0) {
			perr(p, "getopt: a buffer size 0 to %u is expected after the option "
			     "(0: ask for the size)",
			    MAX_DATA);
			return -1;
		}
		a->a_len = (uint32_t)v;
		if (parse_data(a, w + 3, n - 3, p) != 0)
			return -1;
		if (a->a_ndata > a->a_len) {
			perr(p, "getopt: %zu bytes of data do not fit a %u-byte buffer", a->a_ndata,
			    a->a_len);
			return -1;
		}
		return 0;
	}
	if (strcmp(w[0], "disconnect") == 0) {
		a->a_kind = A_DISCONNECT;
		if (n > 1) {
			perr(p, "disconnect takes nothing after it");
			return -1;
		}
		return 0;
	}
	perr(p, "unknown action '%s' (send, setopt, getopt, disconnect)", w[0]);
	return -1;
}

static int
act_cmp(const void *x, const void *y)
{
	const struct act *a = x, *b = y;
	static const int order[] = {0, 0, 1, 2, 3}; /* start, at, end, on-sleep */

	if (order[a->a_when] != order[b->a_when])
		return order[a->a_when] - order[b->a_when];
	if (a->a_when == W_AT && a->a_index != b->a_index)
		return a->a_index < b->a_index ? -1 : 1;
	return a->a_line < b->a_line ? -1 : a->a_line > b->a_line;
}

static int
load_script(struct cli *c, const char *path)
{
	struct parse p = {path, 0, 0};
	char *line = NULL, *w[64];
	size_t cap = 0;
	ssize_t got;
	FILE *f;

	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "nke-replay: --ctl-script %s: cannot read: %s\n", path,
		        strerror(errno));
		return -1;
	}
	while ((got = getline(&line, &cap, f)) != -1) {
		struct act a, *na;
		unsigned n, k = 0;
		long long v;

		p.p_line++;
		if (got > MAX_LINE) {
			perr(&p, "line longer than %d bytes", MAX_LINE);
			continue;
		}
		if (got > 0 && line[got - 1] == '\n')
			line[--got] = '\0';
		if (strlen(line) != (size_t)got) {
			perr(&p, "NUL byte in the line");
			continue;
		}
		n = split(line, w, sizeof(w) / sizeof(w[0]), &p);
		if (n == 0)
			continue;
		memset(&a, 0, sizeof(a));
		a.a_line = p.p_line;
		if (strcmp(w[0], "at") == 0) {
			if (n < 2) {
				perr(&p, "'at' needs start, end or a record number");
				continue;
			}
			if (strcmp(w[1], "start") == 0) {
				a.a_when = W_START;
			} else if (strcmp(w[1], "end") == 0) {
				a.a_when = W_END;
			} else if (parse_int(w[1], 1, UINT64_MAX >> 1, &v) == 0) {
				a.a_when = W_AT;
				a.a_index = (uint64_t)v;
			} else {
				perr(&p, "'at %s': start, end or a record number (from 1) is expected",
				     w[1]);
				continue;
			}
			k = 2;
		} else if (strcmp(w[0], "on-sleep") == 0) {
			a.a_when = W_SLEEP;
			k = 1;
		} else {
			perr(&p, "'%s': a line starts with 'at N', 'at start', 'at end' or "
			         "'on-sleep'",
			     w[0]);
			continue;
		}
		if (parse_action(&a, w + k, n - k, &p) != 0) {
			free(a.a_data);
			continue;
		}
		na = realloc(c->c_acts, (c->c_nacts + 1) * sizeof(*na));
		if (na == NULL) {
			free(a.a_data);
			perr(&p, "out of memory");
			break;
		}
		c->c_acts = na;
		c->c_acts[c->c_nacts++] = a;
	}
	if (ferror(f)) {
		fprintf(stderr, "nke-replay: --ctl-script %s: read error\n", path);
		p.p_failed = 1;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (c->c_nacts > 1)
		qsort(c->c_acts, c->c_nacts, sizeof(c->c_acts[0]), act_cmp);
	return p.p_failed ? -1 : 0;
}

/* --- Output framing --------------------------------------------------------- */

static const char *
ctxs(const struct nkr_ctlset *s, char *buf, size_t size)
{
	return nkr_ctx_str(s->s_ctx, 0, buf, size);
}

static void
dump(FILE *f, const uint8_t *p, size_t n)
{
	size_t off, i;

	for (off = 0; off < n; off += 16) {
		fprintf(f, "  %04zx ", off);
		for (i = 0; i < 16; i++) {
			if (i == 8)
				fputc(' ', f);
			if (off + i < n)
				fprintf(f, " %02x", p[off + i]);
			else
				fputs("   ", f);
		}
		fputs("  |", f);
		for (i = 0; i < 16 && off + i < n; i++)
			fputc(p[off + i] >= 0x20 && p[off + i] < 0x7f ? p[off + i] : '.', f);
		fputs("|\n", f);
	}
}

/* A word of a line: printable non-space ASCII as is, the rest \xHH. */
static void
put_word(FILE *f, const char *s)
{
	const unsigned char *q;

	for (q = (const unsigned char *)s; *q != '\0'; q++) {
		if (*q > 0x20 && *q < 0x7f && *q != '\\')
			fputc(*q, f);
		else
			fprintf(f, "\\x%02x", *q);
	}
}

static const char *
res_word(int r, char *buf, size_t size)
{
	return nkr_errno_word(r, buf, size);
}

/* --- Actions ------------------------------------------------------------------ */

static void
run_action(struct nkr_ctlset *s, struct cli *c, struct act *a, const char *sleeper)
{
	char cb[32], rb[32];
	FILE *f = c->c_f;
	int r;

	a->a_done = 1;
	c->c_run++;
	fprintf(f, "%s ", ctxs(s, cb, sizeof(cb)));
	switch (a->a_kind) {
	case A_SEND:
		r = NKS_ctl_send(c->c_handle, a->a_data, a->a_ndata);
		fprintf(f, "send line=%u", a->a_line);
		if (sleeper != NULL) {
			fputs(" on-sleep=", f);
			put_word(f, sleeper);
		}
		fprintf(f, " len=%zu result=%s\n", a->a_ndata, res_word(r, rb, sizeof(rb)));
		dump(f, a->a_data, a->a_ndata);
		break;
	case A_SETOPT:
		r = NKS_ctl_setopt(c->c_handle, a->a_opt, a->a_data, a->a_ndata);
		fprintf(f, "setopt line=%u", a->a_line);
		if (sleeper != NULL) {
			fputs(" on-sleep=", f);
			put_word(f, sleeper);
		}
		fprintf(f, " opt=%" PRId32 " len=%zu result=%s\n", a->a_opt, a->a_ndata,
		        res_word(r, rb, sizeof(rb)));
		dump(f, a->a_data, a->a_ndata);
		break;
	case A_GETOPT: {
		uint8_t *buf = NULL;
		nks_size len = a->a_len;

		if (a->a_len > 0) {
			buf = calloc(1, a->a_len);
			if (buf == NULL) {
				fprintf(stderr, "nke-replay: out of memory\n");
				exit(NKR_EXIT_CHECK);
			}
			if (a->a_ndata > 0)
				memcpy(buf, a->a_data, a->a_ndata);
		}
		r = NKS_ctl_getopt(c->c_handle, a->a_opt, buf, &len);
		fprintf(f, "getopt line=%u", a->a_line);
		if (sleeper != NULL) {
			fputs(" on-sleep=", f);
			put_word(f, sleeper);
		}
		fprintf(f, " opt=%" PRId32 " size=%" PRIu32 " result=%s", a->a_opt, a->a_len,
		        res_word(r, rb, sizeof(rb)));
		if (r == 0)
			fprintf(f, " len=%zu", (size_t)len);
		fputc('\n', f);
		if (r == 0 && buf != NULL)
			dump(f, buf, len);
		free(buf);
		break;
	}
	case A_DISCONNECT:
	default:
		/* Last words first: what is queued is read before close(). */
		if (c->c_handle != 0)
			(void)NKS_ctl_recv(c->c_handle);
		r = NKS_ctl_disconnect(c->c_handle);
		fprintf(f, "disconnect line=%u", a->a_line);
		if (sleeper != NULL) {
			fputs(" on-sleep=", f);
			put_word(f, sleeper);
		}
		fprintf(f, " result=%s\n", res_word(r, rb, sizeof(rb)));
		c->c_handle = 0;
		break;
	}
}

/* Every client reads (a disconnected one has nothing). */
void
nkr_ctl_read(struct nkr_ctlset *s)
{
	unsigned i;

	if (s == NULL)
		return;
	for (i = 0; i < s->s_n; i++)
		if (s->s_c[i].c_handle != 0)
			(void)NKS_ctl_recv(s->s_c[i].c_handle);
}

static void
run_when(struct nkr_ctlset *s, int when)
{
	unsigned i, j;

	for (i = 0; i < s->s_n; i++) {
		struct cli *c = &s->s_c[i];

		for (j = 0; j < c->c_nacts; j++) {
			if (c->c_acts[j].a_when == when && !c->c_acts[j].a_done) {
				run_action(s, c, &c->c_acts[j], NULL);
				nkr_ctl_read(s);
			}
		}
	}
}

/* --- The set ----------------------------------------------------------------- */

struct nkr_ctlset *
nkr_ctl_open(const struct nkr_ctl_opt *opts, unsigned n, const struct nkr_ctx *ctx)
{
	struct nkr_ctlset *s = calloc(1, sizeof(*s));
	unsigned i, j;
	int bad = 0;

	if (s == NULL) {
		fprintf(stderr, "nke-replay: out of memory\n");
		return NULL;
	}
	s->s_ctx = ctx;
	for (i = 0; i < n && i < NKR_MAX_CTL; i++) {
		struct cli *c = &s->s_c[i];

		c->c_opt = opts[i];
		s->s_n++;
		for (j = 0; j < i; j++) {
			if (strcmp(opts[j].co_file, c->c_opt.co_file) == 0 &&
			    strcmp(c->c_opt.co_file, "-") != 0) {
				fprintf(stderr,
				        "nke-replay: --ctl %s: %s is written by --ctl %s already "
				        "(name another file with NAME=FILE)\n",
				        c->c_opt.co_name, c->c_opt.co_file, opts[j].co_name);
				bad = 1;
			}
		}
		if (c->c_opt.co_script != NULL && load_script(c, c->c_opt.co_script) != 0)
			bad = 1;
	}
	for (i = 0; i < s->s_n && !bad; i++) {
		struct cli *c = &s->s_c[i];

		if (strcmp(c->c_opt.co_file, "-") == 0) {
			c->c_f = stdout;
			continue;
		}
		c->c_f = fopen(c->c_opt.co_file, "w");
		if (c->c_f == NULL) {
			fprintf(stderr, "nke-replay: --ctl %s: cannot write %s: %s\n",
			        c->c_opt.co_name, c->c_opt.co_file, strerror(errno));
			bad = 1;
		}
	}
	if (bad) {
		(void)nkr_ctl_close(s);
		nkr_ctl_free(s);
		return NULL;
	}
	return s;
}

int
nkr_ctl_active(const struct nkr_ctlset *s)
{
	return s != NULL && s->s_n > 0;
}

static void
list_controls(FILE *f)
{
	struct nks_ctl_info ci;
	unsigned i;

	for (i = 0; NKS_ctl_info(i, &ci) == 0; i++) {
		const char *k = ci.ci_kext != 0 ? NKS_kext_name(ci.ci_kext) : NULL;

		fprintf(f, "nke-replay:   \"%s\" (id %" PRIu32, ci.ci_name, ci.ci_id);
		if (ci.ci_flags & NKS_CTLF_STATIC)
			fprintf(f, ", unit %" PRIu32, ci.ci_unit);
		fprintf(f, "%s%s) of %s\n", ci.ci_flags & NKS_CTLF_STREAM ? ", stream" : "",
		        ci.ci_flags & NKS_CTLF_PRIVILEGED ? ", privileged" : "",
		        k != NULL ? k : "the kernel");
	}
	if (i == 0)
		fprintf(f, "nke-replay:   (no control is registered)\n");
}

int
nkr_ctl_connect(struct nkr_ctlset *s)
{
	unsigned i, k;
	char cb[32], rb[32];

	if (s == NULL)
		return 0;
	for (i = 0; i < s->s_n; i++) {
		struct cli *c = &s->s_c[i];
		struct nks_ctl_info ci, found;
		int have = 0, rc;
		uint32_t unit = c->c_opt.co_has_unit ? c->c_opt.co_unit : 0;
		nks_u32 handle = 0, got = 0;
		const char *kn;

		/* CTLIOCGINFO finds the first by name; a static control wants its unit. */
		for (k = 0; NKS_ctl_info(k, &ci) == 0; k++) {
			if (strcmp(ci.ci_name, c->c_opt.co_name) != 0)
				continue;
			if (!have || ((ci.ci_flags & NKS_CTLF_STATIC) && c->c_opt.co_has_unit &&
			              ci.ci_unit == c->c_opt.co_unit)) {
				found = ci;
				have = 1;
			}
		}
		if (!have) {
			fprintf(stderr,
			        "nke-replay: --ctl %s: no kern_control of that name is registered "
			        "once the kexts started; registered:\n",
			        c->c_opt.co_name);
			list_controls(stderr);
			return -1;
		}
		if ((found.ci_flags & NKS_CTLF_STATIC) && !c->c_opt.co_has_unit)
			unit = found.ci_unit;
		c->c_id = found.ci_id;
		c->c_stream = (found.ci_flags & NKS_CTLF_STREAM) != 0;
		kn = found.ci_kext != 0 ? NKS_kext_name(found.ci_kext) : NULL;
		snprintf(c->c_kext, sizeof(c->c_kext), "%s", kn != NULL ? kn : "__kernel__");
		fprintf(c->c_f, "# kern_control client of \"%s\" (id %" PRIu32 ", %s, kext %s)\n",
		        c->c_opt.co_name, c->c_id, c->c_stream ? "stream" : "datagram", c->c_kext);
		rc = NKS_ctl_connect(c->c_opt.co_name, unit, c->c_stream ? NKS_CTL_STREAM : 0,
		                     &handle, &got);
		fprintf(c->c_f, "%s connect unit=", ctxs(s, cb, sizeof(cb)));
		if (rc == 0)
			fprintf(c->c_f, "%" PRIu32, got);
		else if (unit != 0)
			fprintf(c->c_f, "%" PRIu32, unit);
		else
			fputc('-', c->c_f);
		fprintf(c->c_f, " result=%s\n", res_word(rc, rb, sizeof(rb)));
		if (rc != 0) {
			fprintf(stderr, "nke-replay: --ctl %s: connect failed: %s\n", c->c_opt.co_name,
			        res_word(rc, rb, sizeof(rb)));
			if (nke_errno_host(rc) == ENOENT || nke_errno_host(rc) == EBUSY ||
			    nke_errno_host(rc) == EPROTOTYPE) {
				fprintf(stderr, "nke-replay: registered controls:\n");
				list_controls(stderr);
				return -1;
			}
			continue;
		}
		c->c_handle = handle;
		c->c_unit = got;
		c->c_connected_once = 1;
		/* The data ctl_connect queued (tcplognke sends its backlog there). */
		(void)NKS_ctl_recv(handle);
	}
	run_when(s, W_START);
	return 0;
}

void
nkr_ctl_before_record(struct nkr_ctlset *s, uint64_t index)
{
	unsigned i;

	if (s == NULL)
		return;
	for (i = 0; i < s->s_n; i++) {
		struct cli *c = &s->s_c[i];

		while (c->c_at_next < c->c_nacts && c->c_acts[c->c_at_next].a_when != W_AT)
			c->c_at_next++;
		while (c->c_at_next < c->c_nacts && c->c_acts[c->c_at_next].a_when == W_AT &&
		       c->c_acts[c->c_at_next].a_index <= index) {
			run_action(s, c, &c->c_acts[c->c_at_next++], NULL);
			nkr_ctl_read(s);
		}
	}
}

void
nkr_ctl_finish(struct nkr_ctlset *s)
{
	char cb[32], rb[32];
	unsigned i;

	if (s == NULL)
		return;
	nkr_ctl_read(s);
	run_when(s, W_END);
	nkr_ctl_read(s);
	for (i = 0; i < s->s_n; i++) {
		struct cli *c = &s->s_c[i];
		int r;

		if (c->c_handle == 0)
			continue;
		r = NKS_ctl_disconnect(c->c_handle);
		fprintf(c->c_f, "%s disconnect auto result=%s\n", ctxs(s, cb, sizeof(cb)),
		        res_word(r, rb, sizeof(rb)));
		c->c_handle = 0;
	}
}

void
nkr_ctl_recv(struct nkr_ctlset *s, nks_u32 client, const nks_u8 *data, nks_size len,
             nks_u32 flags)
{
	char cb[32];
	unsigned i;

	for (i = 0; i < s->s_n; i++) {
		struct cli *c = &s->s_c[i];

		if (c->c_handle != client || client == 0)
			continue;
		c->c_msgs++;
		c->c_bytes += len;
		fprintf(c->c_f, "%s recv msg=%" PRIu64 " record=%" PRIu64 " len=%zu%s\n",
		        ctxs(s, cb, sizeof(cb)), c->c_msgs, c->c_records + 1, (size_t)len,
		        flags & NKS_CTL_EOR ? " eor" : "");
		dump(c->c_f, data, len);
		if (flags & NKS_CTL_EOR)
			c->c_records++;
		return;
	}
}

int
nkr_ctl_idle(struct nkr_ctlset *s, const char *sleeper, const char *kext)
{
	unsigned i, j;

	if (s == NULL || kext == NULL)
		return 0;
	for (i = 0; i < s->s_n; i++) {
		struct cli *c = &s->s_c[i];

		if (c->c_handle == 0 || strcmp(c->c_kext, kext) != 0)
			continue;
		for (j = 0; j < c->c_nacts; j++) {
			if (c->c_acts[j].a_when == W_SLEEP && !c->c_acts[j].a_done) {
				run_action(s, c, &c->c_acts[j], sleeper);
				return 1;
			}
		}
	}
	return 0;
}

void
nkr_ctl_summary(const struct nkr_ctlset *s, FILE *f)
{
	unsigned i, j;

	if (s == NULL)
		return;
	for (i = 0; i < s->s_n; i++) {
		const struct cli *c = &s->s_c[i];
		unsigned notrun = 0, first = 0;

		fprintf(f, "  --ctl %s", c->c_opt.co_name);
		if (c->c_connected_once)
			fprintf(f, " (unit %" PRIu32 ")", c->c_unit);
		else
			fputs(" (never connected)", f);
		fprintf(f,
		        " -> %s: %" PRIu64 " messages in %" PRIu64 " records, %" PRIu64
		        " bytes received; %u of %u script actions run",
		        strcmp(c->c_opt.co_file, "-") == 0 ? "stdout" : c->c_opt.co_file,
		        c->c_msgs, c->c_records, c->c_bytes, c->c_run, c->c_nacts);
		for (j = 0; j < c->c_nacts; j++) {
			if (!c->c_acts[j].a_done && c->c_acts[j].a_when != W_SLEEP) {
				if (notrun++ == 0)
					first = c->c_acts[j].a_line;
			}
		}
		if (notrun != 0)
			fprintf(f, " (%u never due, first: %s line %u)", notrun, c->c_opt.co_script,
			        first);
		fprintf(f, "%s\n", c->c_failed ? ", WRITE FAILED" : "");
	}
}

int
nkr_ctl_close(struct nkr_ctlset *s)
{
	unsigned i;
	int rc = 0;

	if (s == NULL)
		return 0;
	for (i = 0; i < s->s_n; i++) {
		struct cli *c = &s->s_c[i];

		if (c->c_f == NULL)
			continue;
		if (fflush(c->c_f) != 0 || ferror(c->c_f)) {
			fprintf(stderr, "nke-replay: --ctl %s: writing %s failed\n", c->c_opt.co_name,
			        c->c_opt.co_file);
			c->c_failed = 1;
			rc = -1;
		}
		if (c->c_f != stdout)
			fclose(c->c_f);
		c->c_f = NULL;
	}
	return rc;
}

void
nkr_ctl_free(struct nkr_ctlset *s)
{
	unsigned i, j;

	if (s == NULL)
		return;
	for (i = 0; i < s->s_n; i++) {
		for (j = 0; j < s->s_c[i].c_nacts; j++)
			free(s->s_c[i].c_acts[j].a_data);
		free(s->s_c[i].c_acts);
	}
	free(s);
}
