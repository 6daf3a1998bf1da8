/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_writer.c - tests of pcap_replay/writer.c (host world): pcap and
 * pcapng round trips (libpcap reads the pcap, our reader the pcapng),
 * comments and directions, identical bytes for identical calls, stdout,
 * write errors, and the framing of the simulated interfaces' packets.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* memmem */
#endif

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "capgen.h"
#include "source.h"
#include "writer.h"

static void
assert_contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("\"%s\" not in \"%s\"", needle, hay);
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

static size_t
eth_frame(uint8_t *fr, int i)
{
	uint8_t ip[100];
	size_t n =
	    cg_pkt(ip, 0, "10.0.0.1", "10.0.0.2", 6, (uint16_t)(1000 + i), 80, 0x02, NULL, 0);

	return cg_eth(fr, "00:00:00:00:00:02", "00:00:00:00:00:01", 0x0800, ip, n);
}

/* The same calls every time: 3 Ethernet packets on en0, 1 on lo0. */
static int
write_sample(const char *path, enum nkr_wformat fmt, struct nkr_err *err)
{
	struct nkr_writer *w;
	uint8_t fr[200], ip[100], lo[120];
	unsigned en0, lo0;
	size_t n, nl;
	int i, rc;

	w = nkr_writer_open(path, fmt, err);
	if (w == NULL)
		return -1;
	assert_int_equal(
	    nkr_writer_add_if(w, "en0", nkr_output_linktype(NKS_IFT_ETHER), 0, &en0, err), 0);
	assert_int_equal(
	    nkr_writer_add_if(w, "lo0", nkr_output_linktype(NKS_IFT_LOOPBACK), 0, &lo0, err), 0);
	for (i = 0; i < 3; i++) {
		n = eth_frame(fr, i);
		rc = nkr_writer_write(
		    w, en0, 1700000000123456789LL + i, fr, (uint32_t)n,
		    (uint32_t)n + (i == 2 ? 100 : 0), i == 0 ? NKS_DIR_OUT : NKS_DIR_IN,
		    i == 1 ? "dropped by com.example.fw at ipf_input: EPERM" : NULL, err);
		assert_int_equal(rc, 0);
	}
	n = cg_pkt(ip, 1, "::1", "::1", 17, 1, 2, 0, "x", 1);
	nl = nkr_output_frame(NKS_IFT_LOOPBACK, NKS_FAMILY_INET6, ip, (uint32_t)n, lo, sizeof(lo));
	assert_int_equal(nl, n + 4);
	rc = nkr_writer_write(w, lo0, 1700000001000000000LL, lo, (uint32_t)nl, (uint32_t)nl,
	                      NKS_DIR_OUT, "injected", err);
	if (fmt == NKR_WFORMAT_PCAP || (fmt == NKR_WFORMAT_AUTO && strstr(path, ".pcapng") == NULL))
		assert_int_equal(rc, NKR_WRITER_MISMATCH);
	else
		assert_int_equal(rc, 0);
	return nkr_writer_close(w, err);
}

static void
test_pcap_roundtrip_libpcap(void **state)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct nkr_err err;
	uint8_t fr[200], *file;
	char *path = cg_tmpfile(NULL, ".pcap");
	size_t len, n;
	pcap_t *pc;
	int i;

	(void)state;
	assert_int_equal(write_sample(path, NKR_WFORMAT_AUTO, &err), 0);
	file = slurp(path, &len);
	/* Nanosecond magic, little-endian, version 2.4, Ethernet. */
	assert_memory_equal(file, "\x4d\x3c\xb2\xa1\x02\x00\x04\x00", 8);
	assert_memory_equal(file + 20, "\x01\x00\x00\x00", 4);
	free(file);
	pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	assert_non_null(pc);
	assert_int_equal(pcap_datalink(pc), DLT_EN10MB);
	for (i = 0; i < 3; i++) {
		assert_int_equal(pcap_next_ex(pc, &h, &data), 1);
		n = eth_frame(fr, i);
		assert_int_equal(h->ts.tv_sec, 1700000000);
		assert_int_equal(h->ts.tv_usec, 123456789 + i);
		assert_int_equal(h->caplen, n);
		assert_int_equal(h->len, n + (i == 2 ? 100 : 0));
		assert_memory_equal(data, fr, n);
	}
	/* The lo0 packet was refused: pcap holds one link type. */
	assert_int_equal(pcap_next_ex(pc, &h, &data), PCAP_ERROR_BREAK);
	pcap_close(pc);
	unlink(path);
	free(path);
}

static void
test_pcapng_roundtrip(void **state)
{
	static const char comment[] = "dropped by com.example.fw at ipf_input: EPERM";
	struct nkr_source_opts o;
	struct nkr_err err;
	struct cg_run r;
	uint8_t fr[200], *file;
	char *path = cg_tmpfile(NULL, ".pcapng");
	size_t len, i;
	int found = 0;

	(void)state;
	assert_int_equal(write_sample(path, NKR_WFORMAT_AUTO, &err), 0);
	memset(&o, 0, sizeof(o));
	o.so_offload = -1;
	assert_true(cg_read(path, &o, &r));
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.nifs, 2);
	assert_string_equal(r.ifs[0].si_name, "en0");
	assert_string_equal(r.ifs[1].si_name, "lo0");
	for (i = 0; i < 3; i++) {
		assert_int_equal(r.fr[i].f.f_fr.fr_time_ns, 1700000000123456789LL + (int64_t)i);
		assert_int_equal(r.fr[i].f.f_fr.fr_caplen, eth_frame(fr, (int)i));
		assert_memory_equal(r.fr[i].data, fr, r.fr[i].f.f_fr.fr_caplen);
		assert_int_equal(r.fr[i].f.f_srcif, 0);
	}
	assert_int_equal(r.fr[2].f.f_fr.fr_flags, NKS_FRAME_TRUNCATED);
	/* Directions come back from epb_flags. */
	assert_int_equal(r.fr[0].f.f_fr.fr_dir, NKS_DIR_OUT);
	assert_int_equal(r.fr[1].f.f_fr.fr_dir, NKS_DIR_IN);
	assert_int_equal(r.fr[3].f.f_fr.fr_dir, NKS_DIR_OUT);
	assert_contains(r.dirsum, "direction: pcapng epb_flags (4)");
	/* The lo0 packet: our family word decodes back. */
	assert_int_equal(r.fr[3].f.f_srcif, 1);
	assert_int_equal(r.fr[3].f.f_fr.fr_family, NKS_FAMILY_INET6);
	assert_int_equal(r.fr[3].data[0] >> 4, 6);
	cg_run_free(&r);
	/* The comment is an opt_comment option of the second packet. */
	file = slurp(path, &len);
	for (i = 0; i + sizeof(comment) < len; i++) {
		if (memcmp(file + i, comment, sizeof(comment) - 1) == 0) {
			assert_memory_equal(file + i - 4, "\x01\x00", 2);
			assert_int_equal(file[i - 2], sizeof(comment) - 1);
			found = 1;
		}
	}
	assert_true(found);
	assert_non_null(memmem(file, len, "injected", 8));
	/* if_tsresol 9 in the interface blocks. */
	assert_non_null(memmem(file, len, "\x09\x00\x01\x00\x09\x00\x00\x00", 8));
	free(file);
	unlink(path);
	free(path);
}

static void
test_identical_output(void **state)
{
	static const enum nkr_wformat fmts[] = {NKR_WFORMAT_PCAP, NKR_WFORMAT_PCAPNG};
	char *a, *b;
	uint8_t *fa, *fb;
	size_t la, lb;
	struct nkr_err err;
	unsigned i;

	(void)state;
	for (i = 0; i < 2; i++) {
		a = cg_tmpfile(NULL, NULL);
		b = cg_tmpfile(NULL, NULL);
		assert_int_equal(write_sample(a, fmts[i], &err), 0);
		assert_int_equal(write_sample(b, fmts[i], &err), 0);
		fa = slurp(a, &la);
		fb = slurp(b, &lb);
		assert_int_equal(la, lb);
		assert_memory_equal(fa, fb, la);
		free(fa);
		free(fb);
		unlink(a);
		unlink(b);
		free(a);
		free(b);
	}
}

static void
test_stdout(void **state)
{
	char *path = cg_tmpfile(NULL, NULL);
	struct nkr_err err;
	uint8_t *file;
	size_t len;
	int fd, saved;

	(void)state;
	fflush(stdout);
	saved = dup(1);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, 1);
	close(fd);
	assert_int_equal(write_sample("-", NKR_WFORMAT_PCAPNG, &err), 0);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	file = slurp(path, &len);
	assert_true(len > 100);
	assert_memory_equal(file, "\x0a\x0d\x0d\x0a", 4);
	free(file);
	unlink(path);
	free(path);
}

static void
test_write_errors(void **state)
{
	struct nkr_writer *w;
	struct nkr_err err;
	uint8_t fr[200];
	unsigned id, i;
	size_t n = eth_frame(fr, 0);
	int rc = 0;

	(void)state;
	assert_null(nkr_writer_open("/nonexistent/out.pcap", NKR_WFORMAT_AUTO, &err));
	assert_string_equal(
	    err.e_msg, "/nonexistent/out.pcap: cannot open for writing: No such file or directory");
	/* The disk is full: at the latest when closing. */
	if (access("/dev/full", W_OK) != 0)
		skip();
	w = nkr_writer_open("/dev/full", NKR_WFORMAT_PCAP, &err);
	assert_non_null(w);
	assert_int_equal(nkr_writer_add_if(w, "en0", 1, 0, &id, &err), 0);
	for (i = 0; i < 1000 && rc == 0; i++)
		rc = nkr_writer_write(w, id, 0, fr, (uint32_t)n, (uint32_t)n, 0, NULL, &err);
	/* The buffer filled up and was flushed: the error showed. */
	assert_int_equal(rc, -1);
	assert_string_equal(err.e_msg, "/dev/full: write error: No space left on device");
	memset(&err, 0, sizeof(err));
	assert_int_equal(nkr_writer_close(w, &err), -1);
	assert_string_equal(err.e_msg, "/dev/full: write error: No space left on device");
	/* A small file: only close can tell. */
	w = nkr_writer_open("/dev/full", NKR_WFORMAT_PCAPNG, &err);
	assert_non_null(w);
	assert_int_equal(nkr_writer_add_if(w, "en0", 1, 0, &id, &err), 0);
	assert_int_equal(nkr_writer_write(w, id, 0, fr, (uint32_t)n, (uint32_t)n, 0, NULL, &err),
	                 0);
	assert_int_equal(nkr_writer_close(w, &err), -1);
	assert_string_equal(err.e_msg, "/dev/full: write error: No space left on device");
	/* Bad calls. */
	w = nkr_writer_open("/dev/null", NKR_WFORMAT_PCAPNG, &err);
	assert_non_null(w);
	assert_int_equal(nkr_writer_write(w, 0, 0, fr, (uint32_t)n, (uint32_t)n, 0, NULL, &err),
	                 -1);
	assert_string_equal(err.e_msg, "/dev/null: packet for an undeclared interface");
	assert_int_equal(nkr_writer_close(w, &err), -1);
	assert_int_equal(nkr_writer_close(NULL, &err), 0);
}

static void
test_empty_pcap_has_header(void **state)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	char *path = cg_tmpfile(NULL, NULL);
	struct nkr_writer *w;
	struct nkr_err err;
	pcap_t *pc;

	(void)state;
	w = nkr_writer_open(path, NKR_WFORMAT_PCAP, &err);
	assert_non_null(w);
	assert_int_equal(nkr_writer_close(w, &err), 0);
	pc = pcap_open_offline(path, errbuf);
	assert_non_null(pc);
	pcap_close(pc);
	unlink(path);
	free(path);
}

static void
test_output_framing(void **state)
{
	uint8_t pkt[40], buf[64];
	uint32_t fam;

	(void)state;
	memset(pkt, 0x45, sizeof(pkt));
	assert_int_equal(nkr_output_linktype(NKS_IFT_ETHER), 1);
	assert_int_equal(nkr_output_linktype(NKS_IFT_LOOPBACK), 0);
	assert_int_equal(nkr_output_linktype(NKS_IFT_UTUN), 0);
	assert_int_equal(nkr_output_linktype(99), -1);
	assert_int_equal(nkr_output_frame(NKS_IFT_ETHER, 0, pkt, 40, buf, 64), 40);
	assert_memory_equal(buf, pkt, 40);
	assert_int_equal(nkr_output_frame(NKS_IFT_ETHER, 0, pkt, 40, buf, 39), 0);
	assert_int_equal(nkr_output_frame(NKS_IFT_UTUN, NKS_FAMILY_INET, pkt, 40, buf, 64), 44);
	memcpy(&fam, buf, 4);
	assert_int_equal(fam, 2);
	assert_memory_equal(buf + 4, pkt, 40);
	assert_int_equal(nkr_output_frame(NKS_IFT_LOOPBACK, NKS_FAMILY_INET6, pkt, 40, buf, 64),
	                 44);
	memcpy(&fam, buf, 4);
	assert_int_equal(fam, 30);
	assert_int_equal(nkr_output_frame(NKS_IFT_LOOPBACK, NKS_FAMILY_INET6, pkt, 40, buf, 43), 0);
	assert_int_equal(nkr_output_frame(NKS_IFT_LOOPBACK, 0, pkt, 40, buf, 64), 0);
	assert_int_equal(nkr_output_frame(NKS_IFT_LOOPBACK, NKS_FAMILY_INET, pkt, 0, buf, 3), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pcap_roundtrip_libpcap),
	    cmocka_unit_test(test_pcapng_roundtrip),
	    cmocka_unit_test(test_identical_output),
	    cmocka_unit_test(test_stdout),
	    cmocka_unit_test(test_write_errors),
	    cmocka_unit_test(test_empty_pcap_has_header),
	    cmocka_unit_test(test_output_framing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
