/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_fuzz_corpus.c - replays fuzz inputs under plain CTest (host world).
 *
 * Every file of fixtures/fuzz/ (the seeds and any crash input found by
 * pcap_replay/fuzz/fuzz_source.c) and of fixtures/captures/ goes through
 * the fuzz target's function, which aborts if the source crashes or breaks
 * its contract (a failure without a message, a malformed frame).  With
 * arguments, it replays those files instead: the one-file reproducer.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = NULL;
	size_t n = 0, cap = 0, k;

	if (f == NULL) {
		fprintf(stderr, "%s: cannot open\n", path);
		return 1;
	}
	for (;;) {
		if (n == cap) {
			cap = cap != 0 ? cap * 2 : 65536;
			b = realloc(b, cap);
			if (b == NULL)
				abort();
		}
		k = fread(b + n, 1, cap - n, f);
		if (k == 0)
			break;
		n += k;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(b, n);
	free(b);
	printf("ok %s (%zu bytes)\n", path, n);
	return 0;
}

static int
run_dir(const char *dir, unsigned *count)
{
	char path[4096];
	struct dirent *e;
	DIR *d = opendir(dir);
	int bad = 0;

	if (d == NULL) {
		fprintf(stderr, "%s: cannot open directory\n", dir);
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		bad |= run_file(path);
		(*count)++;
	}
	closedir(d);
	return bad;
}

int
main(int argc, char **argv)
{
	unsigned count = 0;
	int i, bad = 0;

	if (argc > 1) {
		for (i = 1; i < argc; i++)
			bad |= run_file(argv[i]);
		return bad;
	}
	bad |= run_dir(NKR_FIXTURES "/fuzz", &count);
	bad |= run_dir(NKR_FIXTURES "/captures", &count);
	if (count < 20) {
		fprintf(stderr, "only %u inputs found\n", count);
		return 1;
	}
	return bad;
}
