/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nkt_main.c - CMocka runner for kernel-world test bodies (host world).
 *
 * Each test executable links one kernel-world test file (which defines
 * nkt_cases[]) with this runner.  Every case runs in a fresh simulated
 * kernel whose host services are instrumented: allocation failures can be
 * injected, the console is captured, panics can be expected (setjmp), and
 * at teardown nothing may be left alive and no report unexpected.  Each
 * case runs in a process of its own (fork), so the globals of a kext
 * linked into the test start as a fresh load would have them;
 * NKT_NOFORK=1 in the environment runs every case in one process (for a
 * debugger).  An argument runs only the cases whose name contains it.
 */
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <nke_seam.h>
#include "nkt.h"

#define NKT_MAX_EVENTS 256

struct nkt_event {
	unsigned ne_kind;
	int ne_seen;
	char ne_check[64];
	char ne_msg[512];
};

static struct {
	struct nks_hostops ops;
	/* failure injection */
	int fail_on;
	unsigned fail_class;
	unsigned long fail_skip, fail_count;
	/* console capture */
	char *console;
	size_t console_len, console_cap;
	/* events */
	struct nkt_event events[NKT_MAX_EVENTS];
	unsigned nevents;
	unsigned long events_dropped;
	/* expected panic */
	jmp_buf *panic_jmp;
	char panic_msg[1024];
	int no_leak_check;
	/* live host blocks, to catch the simulator leaking host memory */
	long long host_blocks;
} T;

static void *
t_alloc(void *arg, nks_size size)
{
	void *p = NULL;

	(void)arg;
	if (posix_memalign(&p, 16, size != 0 ? size : 1) != 0)
		return NULL;
	T.host_blocks++;
	return p;
}

static void
t_free(void *arg, void *ptr, nks_size size)
{
	(void)arg;
	(void)size;
	T.host_blocks--;
	free(ptr);
}

static int
t_fail(void *arg, nks_u32 cls)
{
	(void)arg;
	if (!T.fail_on || cls != T.fail_class)
		return 0;
	if (T.fail_skip > 0) {
		T.fail_skip--;
		return 0;
	}
	if (T.fail_count == 0)
		return 1; /* fail all */
	if (--T.fail_count == 0)
		T.fail_on = 0;
	return 1;
}

static void
t_console(void *arg, const char *buf, nks_size len)
{
	(void)arg;
	if (T.console_len + len + 1 > T.console_cap) {
		size_t cap = (T.console_len + len + 1) * 2;
		char *n = realloc(T.console, cap);

		if (n == NULL)
			return;
		T.console = n;
		T.console_cap = cap;
	}
	memcpy(T.console + T.console_len, buf, len);
	T.console_len += len;
	T.console[T.console_len] = '\0';
}

static void
t_event(void *arg, const struct nks_event *ev)
{
	struct nkt_event *e;

	(void)arg;
	if (T.nevents == NKT_MAX_EVENTS) {
		T.events_dropped++;
		return;
	}
	e = &T.events[T.nevents++];
	e->ne_kind = ev->ev_kind;
	e->ne_seen = 0;
	snprintf(e->ne_check, sizeof(e->ne_check), "%s", ev->ev_check);
	snprintf(e->ne_msg, sizeof(e->ne_msg), "%s", ev->ev_message);
}

static void
t_panic(void *arg, const char *msg)
{
	(void)arg;
	snprintf(T.panic_msg, sizeof(T.panic_msg), "%s", msg);
	if (T.panic_jmp != NULL)
		longjmp(*T.panic_jmp, 1);
	/* Not expected: fail the case (cmocka longjmps out of the test). */
	T.no_leak_check = 1;
	fail_msg("unexpected simulated kernel panic: %s", msg);
	abort();
}

void
NKT_assert(int ok, const char *expr, const char *file, int line)
{
	_assert_true((uintmax_t)ok, expr, file, line);
}

void
NKT_assert_eq(long long a, long long b, const char *ea, const char *eb, const char *file, int line)
{
	if (a != b) {
		print_error("%s (%lld, %#llx) != %s (%lld, %#llx)\n", ea, a, (unsigned long long)a, eb,
		    b, (unsigned long long)b);
		_fail(file, line);
	}
}

void
NKT_assert_ptr_eq(const void *a, const void *b, const char *ea, const char *eb, const char *file,
    int line)
{
	if (a != b) {
		print_error("%s (%p) != %s (%p)\n", ea, a, eb, b);
		_fail(file, line);
	}
}

void
NKT_assert_mem_eq(const void *a, const void *b, unsigned long n, const char *ea, const char *eb,
    const char *file, int line)
{
	const unsigned char *pa = a, *pb = b;
	unsigned long i;

	for (i = 0; i < n; i++) {
		if (pa[i] != pb[i]) {
			print_error("%s and %s differ at byte %lu of %lu: %#x != %#x\n", ea, eb, i, n,
			    pa[i], pb[i]);
			_fail(file, line);
		}
	}
}

void
NKT_assert_str_eq(const char *a, const char *b, const char *ea, const char *eb, const char *file,
    int line)
{
	if (a == NULL || b == NULL || strcmp(a, b) != 0) {
		print_error("%s (\"%s\") != %s (\"%s\")\n", ea, a ? a : "(null)", eb,
		    b ? b : "(null)");
		_fail(file, line);
	}
}

void
NKT_fail(const char *msg, const char *file, int line)
{
	print_error("%s\n", msg);
	_fail(file, line);
}

void
NKT_expect_panic(void (*fn)(void *), void *arg, const char *substr, const char *file, int line)
{
	jmp_buf jb;
	jmp_buf *volatile saved = T.panic_jmp;

	T.panic_msg[0] = '\0';
	if (setjmp(jb) == 0) {
		T.panic_jmp = &jb;
		fn(arg);
		T.panic_jmp = saved;
		print_error("expected a simulated kernel panic (\"%s\"), none happened\n",
		    substr ? substr : "");
		_fail(file, line);
		return;
	}
	T.panic_jmp = saved;
	if (substr != NULL && strstr(T.panic_msg, substr) == NULL) {
		print_error("panic message \"%s\" does not contain \"%s\"\n", T.panic_msg, substr);
		_fail(file, line);
	}
}

static unsigned long
count_events(unsigned kind, const char *check)
{
	unsigned long n = 0;
	unsigned i;

	for (i = 0; i < T.nevents; i++) {
		if (T.events[i].ne_kind == kind && strcmp(T.events[i].ne_check, check) == 0) {
			T.events[i].ne_seen = 1;
			n++;
		}
	}
	return n;
}

unsigned long
NKT_reports(const char *check)
{
	return count_events(NKS_EV_REPORT, check);
}

unsigned long
NKT_warnings(const char *check)
{
	return count_events(NKS_EV_WARNING, check);
}

const char *
NKT_last_message(const char *check)
{
	unsigned i;

	for (i = T.nevents; i-- > 0;)
		if (strcmp(T.events[i].ne_check, check) == 0)
			return T.events[i].ne_msg;
	return "";
}

void
NKT_fail_alloc(unsigned alloc_class, unsigned long skip, unsigned long count)
{
	T.fail_on = 1;
	T.fail_class = alloc_class;
	T.fail_skip = skip;
	T.fail_count = count;
}

void
NKT_fail_reset(void)
{
	T.fail_on = 0;
}

const char *
NKT_console(void)
{
	return T.console != NULL ? T.console : "";
}

void
NKT_console_reset(void)
{
	T.console_len = 0;
	if (T.console != NULL)
		T.console[0] = '\0';
}

void
NKT_assert_console(const char *substr, const char *file, int line)
{
	const char *con = NKT_console();

	if (strstr(con, substr) == NULL) {
		print_error("the kernel console lacks \"%s\"; it holds:\n%s%s", substr, con,
		    con[0] != '\0' && con[strlen(con) - 1] != '\n' ? "\n" : "");
		_fail(file, line);
	}
}

void
NKT_no_leak_check(void)
{
	T.no_leak_check = 1;
}

static int
case_setup(void **state)
{
	(void)state;
	T.ops.ho_version = NKS_SEAM_VERSION;
	T.ops.ho_arg = NULL;
	T.ops.ho_alloc = t_alloc;
	T.ops.ho_free = t_free;
	T.ops.ho_fail = t_fail;
	T.ops.ho_console = t_console;
	T.ops.ho_event = t_event;
	T.ops.ho_panic = t_panic;
	T.fail_on = 0;
	T.nevents = 0;
	T.events_dropped = 0;
	T.panic_jmp = NULL;
	T.no_leak_check = 0;
	T.host_blocks = 0;
	NKT_console_reset();
	if (NKS_init(&T.ops) != 0) {
		print_error("NKS_init failed\n");
		return -1;
	}
	return 0;
}

static int
case_teardown(void **state)
{
	struct nks_stats st;
	int bad = 0;
	unsigned i;

	(void)state;
	T.fail_on = 0;
	NKS_stats(&st);
	if (!T.no_leak_check) {
#define LEAK(field, what)                                                                  \
	if (st.field != 0) {                                                               \
		print_error("leak at end of case: %llu %s\n", (unsigned long long)st.field, what); \
		bad = 1;                                                                   \
	}
		LEAK(st_mbufs, "mbufs");
		LEAK(st_clusters, "clusters");
		LEAK(st_tags, "mbuf tags");
		LEAK(st_osmalloc_bytes, "OSMalloc bytes");
		LEAK(st_osmalloc_tags, "OSMalloc tags");
		LEAK(st_malloc_bytes, "_MALLOC bytes");
		LEAK(st_locks, "lock objects");
#undef LEAK
	}
	for (i = 0; i < T.nevents; i++) {
		if (T.events[i].ne_kind == NKS_EV_REPORT && !T.events[i].ne_seen) {
			print_error("unexpected report [%s]: %s\n", T.events[i].ne_check,
			    T.events[i].ne_msg);
			bad = 1;
		}
	}
	NKS_fini();
	if (T.host_blocks != 0 && !T.no_leak_check) {
		print_error("the simulator kept %lld host blocks after NKS_fini\n", T.host_blocks);
		bad = 1;
	}
	return bad ? -1 : 0;
}

static void
run_case(void **state)
{
	const struct nkt_case *c = *state;

	c->nc_fn();
}

/*
 * Run one case in a child process, so that it starts from the test
 * executable's initial memory: a kext linked into the test keeps its
 * globals in the executable, and in a kernel every load of a kext starts
 * with fresh ones.  Returns the child's status as a failure count.
 */
static int
run_isolated(const char *group, struct CMUnitTest *test)
{
	pid_t pid;
	int st;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		perror("nkt: fork");
		return 1;
	}
	if (pid == 0)
		/* exit(), not _exit(): LeakSanitizer checks the child at exit. */
		exit(_cmocka_run_group_tests(group, test, 1, NULL, NULL) != 0);
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			perror("nkt: waitpid");
			return 1;
		}
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st) != 0;
	fprintf(stderr, "[  CRASHED ] %s: %s\n", test->name,
	    WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "stopped");
	return 1;
}

int
main(int argc, char **argv)
{
	struct CMUnitTest *tests;
	const char *group = argc > 0 ? strrchr(argv[0], '/') : NULL;
	const char *only = argc > 1 ? argv[1] : NULL;
	const char *nofork = getenv("NKT_NOFORK");
	unsigned i, n = 0, failed = 0;
	int rc;

	group = group != NULL ? group + 1 : "nkt";
	tests = calloc(nkt_ncases, sizeof(*tests));
	if (tests == NULL)
		return 2;
	for (i = 0; i < nkt_ncases; i++) {
		/* Optional filter: run only the cases whose name contains argv[1]. */
		if (only != NULL && strstr(nkt_cases[i].nc_name, only) == NULL)
			continue;
		tests[n].name = nkt_cases[i].nc_name;
		tests[n].test_func = run_case;
		tests[n].setup_func = case_setup;
		tests[n].teardown_func = case_teardown;
		tests[n].initial_state = (void *)&nkt_cases[i];
		n++;
	}
	if (n == 0) {
		fprintf(stderr, "nkt: no case matches \"%s\"\n", only != NULL ? only : "");
		free(tests);
		return 2;
	}
	if (nofork != NULL && strcmp(nofork, "1") == 0) {
		/* One process (easier under a debugger); kext globals carry over. */
		rc = _cmocka_run_group_tests(group, tests, n, NULL, NULL);
	} else {
		for (i = 0; i < n; i++)
			failed += (unsigned)run_isolated(group, &tests[i]);
		printf("[==========] %s: %u case(s), each in its own process: %u passed, %u failed\n",
		    group, n, n - failed, failed);
		rc = failed != 0;
	}
	free(tests);
	free(T.console);
	return rc;
}
