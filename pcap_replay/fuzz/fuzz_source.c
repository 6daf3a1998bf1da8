/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_source.c - libFuzzer target of the capture source (host world).
 *
 * Feeds arbitrary bytes through nkr_source (libpcap for classic pcap, our
 * pcapng reader, every link-type decoder, the heuristics) with a small
 * look-ahead window, so both the windowed and the streaming paths run.  The
 * contract checked besides "no crash": opening either succeeds or fails
 * with a message naming the input, next() ends with 0 or with -1 and a
 * message, and the frames it returns are well formed.  Built as a fuzzer
 * with -DNKE_FUZZ=ON (clang); tests/pcap_replay/test_fuzz_corpus.c links
 * the same function to replay fixtures/fuzz/ under plain CTest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nkr_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_source: contract broken: %s\n", what);
		abort();
	}
}

static void
run(const uint8_t *data, size_t size, const struct nkr_source_opts *opts)
{
	struct nkr_source *src;
	struct nkr_frame f;
	struct nkr_err err;
	const char *why;
	unsigned i, n;
	uint64_t sum = 0;
	int rc;
	FILE *fp;

	fp = fmemopen((void *)(uintptr_t)data, size, "rb");
	if (fp == NULL)
		return; /* size 0 on some libcs */
	memset(&err, 0, sizeof(err));
	src = nkr__source_open_fp(fp, 1, NULL, "fuzz", opts, &err);
	if (src == NULL) {
		check(strncmp(err.e_msg, "fuzz: ", 6) == 0 && err.e_msg[6] != '\0',
		      "open failed without a message");
		return;
	}
	while ((rc = nkr_source_next(src, &f, &err)) == 1) {
		check(f.f_srcif < nkr_source_nifs(src), "frame on an unknown interface");
		check(f.f_fr.fr_dir == 1 || f.f_fr.fr_dir == 2, "frame without a direction");
		check(f.f_fr.fr_caplen <= f.f_fr.fr_wirelen, "caplen above wirelen");
		check(((f.f_fr.fr_flags & 1) != 0) == (f.f_fr.fr_caplen < f.f_fr.fr_wirelen),
		      "truncated flag wrong");
		check(f.f_fr.fr_index >= 1 && f.f_fr.fr_index <= nkr_source_records(src),
		      "bad record index");
		/* Touch every byte (ASan checks the bounds). */
		for (i = 0; i < f.f_fr.fr_caplen; i++)
			sum += f.f_fr.fr_data[i];
		if (f.f_fr.fr_comm != NULL)
			sum += strlen(f.f_fr.fr_comm);
	}
	if (rc < 0)
		check(strncmp(err.e_msg, "fuzz: ", 6) == 0, "next failed without a message");
	else
		check(rc == 0, "next returned something odd");
	n = nkr_source_nifs(src);
	for (i = 0; i < n; i++)
		sum += strlen(nkr_source_if(src, i)->si_name);
	sum += strlen(nkr_source_direction_summary(src));
	sum += strlen(nkr_source_interface_summary(src));
	nkr_source_skipped(src, &why);
	if (why != NULL)
		sum += strlen(why);
	nkr_source_close(src);
	if (sum == 0x5eed) /* keep the reads */
		fputs("", stderr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const locals[] = {"10.0.0.1", "2001:db8::1"};
	static const char *const macs[] = {"02:00:00:00:00:01"};
	struct nkr_source_opts o;

	/* Defaults, with a window small enough for the streaming path. */
	memset(&o, 0, sizeof(o));
	o.so_offload = -1;
	o.so_lookahead_records = 3;
	run(data, size, &o);
	/* With --local / --local-mac. */
	o.so_nlocal = 2;
	memcpy(o.so_local, locals, sizeof(locals));
	o.so_nlocal_mac = 1;
	memcpy(o.so_local_mac, macs, sizeof(macs));
	o.so_lookahead_records = 0;
	run(data, size, &o);
	return 0;
}
