/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stress.c - nke-replay's checks and stress settings (host world): parsing
 * of --checks, --mbuf-layout, --fail-alloc and --chain-tcp, the
 * allocation-failure policy behind ho_fail, symbolisation of the code
 * addresses reports quote (ho_symbolize: dladdr, then the module's own ELF
 * symbol table where there is one, so static functions of a kext are named
 * too), and the crash note (which kext code a fault happened in).
 *
 * Allocation failures (--fail-alloc) hit only what kext code allocates
 * (mbufs, clusters, mbuf tags, OSMalloc, _MALLOC), directly or through a
 * KPI it called, while records or callouts are processed: the simulated
 * stack's own copies of the captured frames, and the kexts' start and stop
 * routines, are spared, so error paths run without the run falling apart.
 */
#if !defined(_GNU_SOURCE) && !defined(__APPLE__)
#define _GNU_SOURCE 1 /* dladdr */
#endif

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__linux__)
#include <elf.h>
#endif

#include "stress.h"

#define FAIL_MAX 1024 /* records named by --fail-alloc N,M,... */

enum fail_mode { FAIL_NONE = 0, FAIL_RECORDS, FAIL_RANDOM };

static struct {
	struct nks_checkcfg cfg;
	int changed; /* any option given: tell the kernel */
	int fail_mode;
	uint64_t fail_idx[FAIL_MAX];
	unsigned nfail;
	double fail_rate;
	uint64_t fail_seed, rng;
	uint64_t failed, asked;
	const struct nkr_ctx *ctx;
	char layout_name[48];
} S = {
    .cfg = {NKS_CHK_ALL, NKS_LAYOUT_CONTIGUOUS, 0, 0},
};

static const struct {
	const char *g_name;
	uint32_t g_bit;
} groups[] = {
    {"mbuf", NKS_CHK_MBUF},         {"ownership", NKS_CHK_OWNERSHIP},
    {"locks", NKS_CHK_LOCKS},       {"leaks", NKS_CHK_LEAKS},
    {"unload", NKS_CHK_UNLOAD},     {"inject", NKS_CHK_INJECT},
    {"sockets", NKS_CHK_SOCKETS},   {"ctl", NKS_CHK_CTL},
    {"memory", NKS_CHK_MEMORY},     {"refs", NKS_CHK_REFS},
    {"kpi", NKS_CHK_KPI},
};

const char *
nkr_stress_group_names(void)
{
	return "mbuf, ownership, locks, leaks, unload, inject, sockets, ctl, memory, refs, kpi";
}

static int set_err(char *err, size_t errsize, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
set_err(char *err, size_t errsize, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
	return -1;
}

/* --- Parsing ----------------------------------------------------------- */

int
nkr_stress_checks(const char *arg, char *err, size_t errsize)
{
	char word[32];
	const char *p = arg;
	uint32_t set;

	if (strcmp(arg, "all") == 0) {
		S.cfg.cc_groups = NKS_CHK_ALL;
		S.changed = 1;
		return 0;
	}
	if (strcmp(arg, "none") == 0) {
		S.cfg.cc_groups = 0;
		S.changed = 1;
		return 0;
	}
	/*
	 * A list that starts with a sign changes "all"; otherwise it is the set
	 * (all and none may start it: "none,+locks").
	 */
	set = (*arg == '+' || *arg == '-') ? NKS_CHK_ALL : 0;
	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		int sign = 0;
		unsigned i;

		if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			p++;
			n--;
		}
		if (n == 0 || n >= sizeof(word))
			return set_err(err, errsize, "'%s': an empty or unknown group", arg);
		memcpy(word, p, n);
		word[n] = '\0';
		for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
			if (strcmp(groups[i].g_name, word) == 0)
				break;
		if (strcmp(word, "all") == 0 && sign >= 0) {
			set = NKS_CHK_ALL;
		} else if (strcmp(word, "none") == 0 && sign >= 0) {
			set = 0;
		} else if (i == sizeof(groups) / sizeof(groups[0])) {
			snprintf(err, errsize, "'%s' is not a group of checks (groups: %s, or all, none)",
			         word, nkr_stress_group_names());
			return -1;
		} else if (sign < 0) {
			set &= ~groups[i].g_bit;
		} else {
			set |= groups[i].g_bit;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	S.cfg.cc_groups = set;
	S.changed = 1;
	return 0;
}

static int
parse_u64(const char *s, const char *end, uint64_t *v)
{
	char *e;
	unsigned long long x;

	if (s == end || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &e, 10);
	if (errno != 0 || e != end)
		return -1;
	*v = (uint64_t)x;
	return 0;
}

int
nkr_stress_layout(const char *arg, char *err, size_t errsize)
{
	static const struct {
		const char *l_name;
		uint32_t l_layout;
	} names[] = {
	    {"contiguous", NKS_LAYOUT_CONTIGUOUS}, {"driver", NKS_LAYOUT_DRIVER},
	    {"split-headers", NKS_LAYOUT_SPLIT_HEADERS}, {"bytes", NKS_LAYOUT_BYTES},
	    {"guard", NKS_LAYOUT_GUARD},
	};
	unsigned i;

	if (strncmp(arg, "random:", 7) == 0) {
		uint64_t seed;

		if (parse_u64(arg + 7, arg + strlen(arg), &seed) != 0)
			return set_err(err, errsize, "'%s': random:SEED wants a number", arg);
		S.cfg.cc_layout = NKS_LAYOUT_RANDOM;
		S.cfg.cc_seed = seed;
		S.changed = 1;
		snprintf(S.layout_name, sizeof(S.layout_name), "%s", arg);
		return 0;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(arg, names[i].l_name) != 0)
			continue;
		if (names[i].l_layout == NKS_LAYOUT_GUARD && !NKS_checks_have_guard())
			return set_err(err, errsize,
			               "'%s' needs nkesim built with AddressSanitizer "
			               "(-DNKE_SANITIZERS=address); the other layouts work in any "
			               "build",
			               arg);
		S.cfg.cc_layout = names[i].l_layout;
		S.changed = 1;
		snprintf(S.layout_name, sizeof(S.layout_name), "%s", arg);
		return 0;
	}
	return set_err(err, errsize,
	               "'%s' is not a layout (contiguous, driver, split-headers, bytes, "
	               "random:SEED, guard)",
	               arg);
}

int
nkr_stress_fail(const char *arg, char *err, size_t errsize)
{
	if (strncmp(arg, "random:", 7) == 0) {
		const char *rate = arg + 7, *colon = strchr(rate, ':');
		char *e;
		double r;

		if (colon == NULL)
			return set_err(err, errsize, "'%s': random:RATE:SEED", arg);
		errno = 0;
		r = strtod(rate, &e);
		if (e != colon && *e == '%' && e + 1 == colon) {
			r /= 100.0;
			e++;
		}
		if (errno != 0 || e != colon || e == rate || !(r >= 0.0 && r <= 1.0))
			return set_err(err, errsize,
			               "'%s': RATE is a fraction from 0 to 1 (or a percentage)", arg);
		if (parse_u64(colon + 1, colon + 1 + strlen(colon + 1), &S.fail_seed) != 0)
			return set_err(err, errsize, "'%s': SEED is a number", arg);
		S.fail_mode = FAIL_RANDOM;
		S.fail_rate = r;
		S.rng = S.fail_seed;
		return 0;
	}
	{
		const char *p = arg;

		while (*p != '\0') {
			const char *end = p + strcspn(p, ",");
			uint64_t v;

			if (parse_u64(p, end, &v) != 0 || v == 0)
				return set_err(err, errsize,
				               "'%s': record numbers (1, 2, ...) separated by commas, or "
				               "random:RATE:SEED",
				               arg);
			if (S.nfail == FAIL_MAX)
				return set_err(err, errsize, "'%s': too many records", arg);
			S.fail_idx[S.nfail++] = v;
			p = *end == ',' ? end + 1 : end;
		}
		if (S.nfail == 0)
			return set_err(err, errsize, "'%s': no record", arg);
		S.fail_mode = FAIL_RECORDS;
	}
	return 0;
}

void
nkr_stress_chain_tcp(void)
{
	S.cfg.cc_flags |= NKS_CC_LINK_OUTPUT;
	S.changed = 1;
}

static size_t put(char *buf, size_t o, size_t size, const char *s);

/* --- Allocation failures ------------------------------------------------ */

static uint64_t
splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int
h_fail(void *arg, nks_u32 cls)
{
	struct nks_cbinfo ci;
	unsigned i;
	int fail = 0;

	(void)arg;
	switch (cls) {
	case NKS_ALLOC_MBUF:
	case NKS_ALLOC_CLUSTER:
	case NKS_ALLOC_TAG:
	case NKS_ALLOC_OSMALLOC:
	case NKS_ALLOC_MALLOC:
		break;
	default:
		return 0;
	}
	if (S.ctx == NULL || (S.ctx->c_phase != NKR_PH_PACKET && S.ctx->c_phase != NKR_PH_TIMER))
		return 0;
	NKS_current_callback(&ci);
	if (ci.ci_kext_id == 0)
		return 0;
	S.asked++;
	if (S.fail_mode == FAIL_RANDOM) {
		/* 53 random bits against the rate. */
		fail = (double)(splitmix(&S.rng) >> 11) * (1.0 / 9007199254740992.0) < S.fail_rate;
	} else if (S.ctx->c_phase == NKR_PH_PACKET) {
		for (i = 0; i < S.nfail && !fail; i++)
			fail = S.fail_idx[i] == S.ctx->c_index;
	}
	if (fail)
		S.failed++;
	return fail;
}

/*
 * Sanitizer builds: when AddressSanitizer (or UBSan) ends the run, say
 * which record and which kext code it was in, as the crash handler does.
 */
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static void
death_note(void)
{
	char buf[512];
	size_t o = 0;

	o = put(buf, o, sizeof(buf) - 2, "nke-replay: the sanitizer stopped the run");
	if (S.ctx != NULL && S.ctx->c_phase == NKR_PH_PACKET) {
		char num[24];

		snprintf(num, sizeof(num), " at record #%" PRIu64, S.ctx->c_index);
		o = put(buf, o, sizeof(buf) - 2, num);
	}
	o += nkr_stress_crash_note(buf + o, sizeof(buf) - 2 - o);
	buf[o++] = '\n';
	(void)!write(2, buf, o);
}

void
nkr_stress_hostops(struct nks_hostops *ho, const struct nkr_ctx *ctx)
{
	S.ctx = ctx;
	if (__sanitizer_set_death_callback != NULL)
		__sanitizer_set_death_callback(death_note);
	ho->ho_symbolize = nkr_stress_symbolize;
	if (S.fail_mode != FAIL_NONE)
		ho->ho_fail = h_fail;
}

int
nkr_stress_start(void)
{
	if (!S.changed)
		return 0;
	if (NKS_checks_set(&S.cfg) != 0) {
		fprintf(stderr, "nke-replay: the simulated kernel refused the check settings\n");
		return -1;
	}
	return 0;
}

void
nkr_stress_summary(FILE *f)
{
	if (S.cfg.cc_groups != NKS_CHK_ALL) {
		unsigned i, n = 0;

		fprintf(f, "  checks off:");
		for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
			if (!(S.cfg.cc_groups & groups[i].g_bit))
				fprintf(f, "%s %s", n++ != 0 ? "," : "", groups[i].g_name);
		fputc('\n', f);
	}
	if (S.cfg.cc_layout != NKS_LAYOUT_CONTIGUOUS)
		fprintf(f, "  --mbuf-layout %s%s\n", S.layout_name,
		        NKS_checks_have_guard() ? " (guarded: AddressSanitizer sees reads past the data)"
		                                : " (no AddressSanitizer: reads past the data see a "
		                                  "fill pattern, undetected)");
	if (S.cfg.cc_flags & NKS_CC_LINK_OUTPUT)
		fprintf(f, "  --chain-tcp: IPv4 ipf_output saw TCP packets linked by m_nextpkt\n");
	if (S.fail_mode != FAIL_NONE)
		fprintf(f, "  --fail-alloc: %" PRIu64 " of %" PRIu64 " kext allocations made to fail\n",
		        S.failed, S.asked);
}

/* --- Crash note ----------------------------------------------------------- */

static size_t
put(char *buf, size_t o, size_t size, const char *s)
{
	size_t n;

	if (s == NULL)
		return o;
	n = strlen(s);
	if (o + n > size)
		n = size - o;
	memcpy(buf + o, s, n);
	return o + n;
}

size_t
nkr_stress_crash_note(char *buf, size_t size)
{
	struct nks_cbinfo ci;
	const char *hook;
	size_t o = 0;

	NKS_current_callback(&ci);
	/* A kext's callback by its hook's name; the stack's, the socket
	   layer's and the application's by what they were doing. */
	hook = ci.ci_hook != NKS_HOOK_STACK && ci.ci_hook != NKS_HOOK_SOCKET &&
	               ci.ci_hook != NKS_HOOK_APP
	           ? NKS_hook_name(ci.ci_hook)
	           : NULL;
	if (ci.ci_kext_id == 0 && ci.ci_hook == 0)
		return 0;
	o = put(buf, o, size, " in ");
	if (hook != NULL) {
		o = put(buf, o, size, hook);
		o = put(buf, o, size, " of ");
		o = put(buf, o, size, ci.ci_kext != NULL ? ci.ci_kext : "the kernel");
		if (ci.ci_filter != NULL) {
			o = put(buf, o, size, ", filter \"");
			o = put(buf, o, size, ci.ci_filter);
			o = put(buf, o, size, "\"");
		}
	} else {
		o = put(buf, o, size, ci.ci_what != NULL ? ci.ci_what : "code");
		o = put(buf, o, size, " of ");
		o = put(buf, o, size, ci.ci_kext != NULL ? ci.ci_kext : "the kernel");
	}
	return o;
}

/* --- Symbols -------------------------------------------------------------- */

#if defined(__linux__) && defined(__LP64__)
/* A module's own symbol table (.symtab, static functions included). */
struct symtab {
	char st_path[512];
	const unsigned char *st_map;
	size_t st_size;
	const Elf64_Sym *st_syms;
	size_t st_nsyms;
	const char *st_str;
	size_t st_strsize;
	int st_ok;
};

#define SYMTAB_CACHE 16
static struct symtab symtabs[SYMTAB_CACHE];
static unsigned nsymtabs;

static struct symtab *
symtab_get(const char *path)
{
	struct symtab *t;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	struct stat sb;
	unsigned i;
	int fd;

	for (i = 0; i < nsymtabs; i++)
		if (strcmp(symtabs[i].st_path, path) == 0)
			return symtabs[i].st_ok ? &symtabs[i] : NULL;
	if (nsymtabs == SYMTAB_CACHE)
		return NULL;
	t = &symtabs[nsymtabs++];
	memset(t, 0, sizeof(*t));
	snprintf(t->st_path, sizeof(t->st_path), "%s", path);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) != 0 || sb.st_size < (off_t)sizeof(Elf64_Ehdr)) {
		close(fd);
		return NULL;
	}
	t->st_map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (t->st_map == MAP_FAILED) {
		t->st_map = NULL;
		return NULL;
	}
	t->st_size = (size_t)sb.st_size;
	eh = (const Elf64_Ehdr *)(const void *)t->st_map;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_shoff == 0 || eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > t->st_size)
		return NULL;
	sh = (const Elf64_Shdr *)(const void *)(t->st_map + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++) {
		const Elf64_Shdr *s = &sh[i], *strs;

		if (s->sh_type != SHT_SYMTAB || s->sh_link >= eh->e_shnum)
			continue;
		strs = &sh[s->sh_link];
		if (s->sh_offset + s->sh_size > t->st_size ||
		    strs->sh_offset + strs->sh_size > t->st_size)
			continue;
		t->st_syms = (const Elf64_Sym *)(const void *)(t->st_map + s->sh_offset);
		t->st_nsyms = s->sh_size / sizeof(Elf64_Sym);
		t->st_str = (const char *)t->st_map + strs->sh_offset;
		t->st_strsize = strs->sh_size;
		t->st_ok = 1;
		return t;
	}
	return NULL;
}

/* The function containing module offset `off`: its name and the distance. */
static const char *
symtab_find(struct symtab *t, uint64_t off, uint64_t *delta)
{
	size_t i;

	for (i = 0; i < t->st_nsyms; i++) {
		const Elf64_Sym *s = &t->st_syms[i];

		if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_value == 0 ||
		    off < s->st_value || off >= s->st_value + (s->st_size != 0 ? s->st_size : 1) ||
		    s->st_name >= t->st_strsize)
			continue;
		*delta = off - s->st_value;
		return t->st_str + s->st_name;
	}
	return NULL;
}
#endif

void
nkr_stress_symbolize(void *arg, const void *addr, char *buf, nks_size size)
{
	Dl_info di;
	const char *base, *name = NULL;
	uint64_t off, delta = 0;

	(void)arg;
	buf[0] = '\0';
	memset(&di, 0, sizeof(di));
	if (addr == NULL || dladdr(addr, &di) == 0 || di.dli_fname == NULL)
		return;
	base = strrchr(di.dli_fname, '/');
	base = base != NULL ? base + 1 : di.dli_fname;
	off = (uint64_t)((uintptr_t)addr - (uintptr_t)di.dli_fbase);
#if defined(__linux__) && defined(__LP64__)
	{
		struct symtab *t = symtab_get(di.dli_fname);

		if (t != NULL)
			name = symtab_find(t, off, &delta);
	}
#endif
	if (name == NULL && di.dli_sname != NULL && di.dli_saddr != NULL) {
		name = di.dli_sname;
		delta = (uint64_t)((uintptr_t)addr - (uintptr_t)di.dli_saddr);
	}
	if (name != NULL)
		snprintf(buf, size, "%s+0x%" PRIx64 " (%s+0x%" PRIx64 ")", base, off, name, delta);
	else
		snprintf(buf, size, "%s+0x%" PRIx64, base, off);
}
