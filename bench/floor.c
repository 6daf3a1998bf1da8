/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * floor.c - the benchmark's floor (host world): the least any replay of a
 * capture must do, a bare libpcap read loop.  It opens the capture with
 * nanosecond timestamps, as nke-replay's reader does, and calls
 * pcap_next_ex until the end, touching each record only enough that the
 * loop cannot be optimised away (caplen, the first and the last captured
 * byte, the timestamp).  Prints "packets N bytes B elapsed_ns T check C"
 * on stdout: T is the read loop alone, from after the open to the end.
 * --version prints libpcap's version.
 */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int
main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	uint64_t t0, t1, packets = 0, bytes = 0, check = 0;
	int rc;

	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("%s\n", pcap_lib_version());
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: bench_floor CAPTURE | --version\n");
		return 2;
	}
	p = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (p == NULL) {
		fprintf(stderr, "floor: %s\n", errbuf);
		return 2;
	}
	t0 = now_ns();
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		packets++;
		bytes += h->caplen;
		if (h->caplen != 0)
			check += (uint64_t)data[0] + data[h->caplen - 1];
		check += (uint64_t)h->ts.tv_usec;
	}
	t1 = now_ns();
	if (rc != PCAP_ERROR_BREAK) {
		fprintf(stderr, "floor: %s: %s\n", argv[1], pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	printf("packets %" PRIu64 " bytes %" PRIu64 " elapsed_ns %" PRIu64 " check %" PRIu64 "\n",
	       packets, bytes, t1 - t0, check);
	return 0;
}
