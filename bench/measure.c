/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * measure.c - the benchmark's stopwatch (host world): runs one command
 * (fork + execvp, its stdin/stdout/stderr inherited) and reports its wall
 * time (CLOCK_MONOTONIC around fork..wait), its user and system CPU time
 * and its peak resident set size (wait4's rusage of that child alone), as
 * one tab-separated line
 *     wall_ns  user_ns  sys_ns  maxrss_kib  status
 * on stderr, or in FILE with -o FILE.  status is the command's exit status,
 * or 128+signal.  measure exits with the command's status (127 if it could
 * not be started).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t
tv_ns(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000000u + (uint64_t)tv.tv_usec * 1000u;
}

int
main(int argc, char **argv)
{
	const char *out = NULL;
	struct rusage ru;
	uint64_t t0, t1, rss;
	pid_t pid;
	int i = 1, st, code;
	FILE *f;

	if (i + 1 < argc && strcmp(argv[i], "-o") == 0) {
		out = argv[i + 1];
		i += 2;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc) {
		fprintf(stderr, "usage: measure [-o FILE] [--] COMMAND [ARG]...\n");
		return 2;
	}
	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		return 127;
	}
	if (pid == 0) {
		execvp(argv[i], argv + i);
		fprintf(stderr, "measure: %s: %s\n", argv[i], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &st, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("measure: wait4");
			return 127;
		}
	}
	t1 = now_ns();
	code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	rss = (uint64_t)ru.ru_maxrss;
#ifdef __APPLE__
	rss /= 1024; /* bytes there, KiB on Linux and the BSDs */
#endif
	f = out != NULL ? fopen(out, "w") : stderr;
	if (f == NULL) {
		fprintf(stderr, "measure: %s: %s\n", out, strerror(errno));
		return 127;
	}
	fprintf(f, "%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%d\n", t1 - t0,
	        tv_ns(ru.ru_utime), tv_ns(ru.ru_stime), rss, code);
	if (f != stderr && fclose(f) != 0) {
		fprintf(stderr, "measure: %s: %s\n", out, strerror(errno));
		return 127;
	}
	return code;
}
