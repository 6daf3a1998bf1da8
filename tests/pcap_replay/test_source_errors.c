/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_source_errors.c - malformed and unreadable captures (host world):
 * each gives its message (file, record or block offset, reason), the
 * records before the bad one come out normally, and nothing crashes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capgen.h"
#include "source.h"

static struct nkr_source_opts
defopts(void)
{
	struct nkr_source_opts o;

	memset(&o, 0, sizeof(o));
	o.so_offload = -1;
	return o;
}

static void
assert_contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("\"%s\" not in \"%s\"", needle, hay);
}

/* An Ethernet frame carrying a TCP SYN. */
static size_t
frame(uint8_t *fr)
{
	uint8_t ip[100];
	size_t n = cg_pkt(ip, 0, "10.0.0.1", "10.0.0.2", 6, 1000, 80, 0x02, NULL, 0);

	return cg_eth(fr, "00:00:00:00:00:02", "00:00:00:00:00:01", 0x0800, ip, n);
}

/* Open must fail with a message that starts with the file name and holds
 * `what`. */
static void
expect_open_error(const struct cg_buf *b, const char *what)
{
	struct nkr_source_opts o = defopts();
	struct nkr_source *src;
	struct nkr_err err;
	char *path = cg_tmpfile(b, NULL);

	memset(&err, 0, sizeof(err));
	src = nkr_source_open(path, &o, &err);
	assert_null(src);
	assert_int_equal(strncmp(err.e_msg, path, strlen(path)), 0);
	assert_int_equal(err.e_msg[strlen(path)], ':');
	assert_contains(err.e_msg, what);
	unlink(path);
	free(path);
}

/* `good` frames, then -1 with `what` (twice: the error sticks). */
static void
expect_record_error(const struct cg_buf *b, unsigned good, const char *what)
{
	struct nkr_source_opts o = defopts();
	struct cg_run r;
	struct nkr_source *src;
	struct nkr_frame f;
	struct nkr_err err;
	char *path = cg_tmpfile(b, NULL);
	unsigned n = 0;
	int rc;

	assert_true(cg_read(path, &o, &r));
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.n, good);
	assert_int_equal(strncmp(r.err.e_msg, path, strlen(path)), 0);
	assert_contains(r.err.e_msg, what);
	cg_run_free(&r);
	src = nkr_source_open(path, &o, &err);
	assert_non_null(src);
	while ((rc = nkr_source_next(src, &f, &err)) == 1)
		n++;
	assert_int_equal(rc, -1);
	assert_int_equal(n, good);
	memset(&err, 0, sizeof(err));
	assert_int_equal(nkr_source_next(src, &f, &err), -1);
	assert_contains(err.e_msg, what);
	nkr_source_close(src);
	unlink(path);
	free(path);
}

static void
test_unreadable(void **state)
{
	struct nkr_source_opts o = defopts();
	struct nkr_err err;

	(void)state;
	assert_null(nkr_source_open("/nonexistent/x.pcap", &o, &err));
	assert_string_equal(err.e_msg,
	                    "/nonexistent/x.pcap: cannot open: No such file or directory");
	assert_null(nkr_source_open(NKR_FIXTURES, &o, &err)); /* a directory */
	assert_contains(err.e_msg, NKR_FIXTURES ": ");
}

static void
test_not_a_capture(void **state)
{
	struct cg_buf b;

	(void)state;
	cg_init(&b, 0);
	expect_open_error(&b, "truncated file header (0 bytes): not a capture file");
	cg_bytes(&b, "\xd4\xc3", 2);
	expect_open_error(&b, "truncated file header (2 bytes)");
	cg_free(&b);
	cg_init(&b, 0);
	cg_bytes(&b, "GET / HTTP/1.0\r\n\r\n", 18);
	expect_open_error(&b, ": not a capture file (magic 0x47455420)");
	cg_free(&b);
	/* A pcap magic, then too little of the header. */
	cg_init(&b, 0);
	cg_bytes(&b, "\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00", 10);
	expect_open_error(&b, "truncated file header (10 of 24 bytes)");
	cg_free(&b);
}

static void
test_unknown_linktype(void **state)
{
	uint8_t fr[200];
	struct cg_buf b;
	size_t n = frame(fr);

	(void)state;
	cg_init(&b, 0);
	cg_pcap_hdr(&b, 0xa1b2c3d4, 147, 65535);
	cg_pcap_rec(&b, 1, 0, fr, (uint32_t)n, (uint32_t)n);
	expect_open_error(&b, ": unknown link type 147 (USER0): nkesim simulates EN10MB, NULL, "
	                      "LOOP, RAW, IPV4, IPV6, LINUX_SLL, LINUX_SLL2, PKTAP");
	cg_free(&b);
	/* pcapng: when a packet uses the interface. */
	cg_init(&b, 0);
	cg_shb(&b);
	cg_idb(&b, 1, 0, "en0", -1);
	cg_idb(&b, 147, 0, "usr0", -1);
	cg_epb(&b, 1, 0, fr, (uint32_t)n, (uint32_t)n, -1);
	expect_open_error(&b, ": record 1: interface 1: unknown link type 147 (USER0): nkesim "
	                      "simulates EN10MB");
	b.len = 0;
	cg_shb(&b);
	cg_idb(&b, 1, 0, "en0", -1);
	cg_idb(&b, 147, 0, "usr0", -1);
	cg_epb(&b, 0, 0, fr, (uint32_t)n, (uint32_t)n, -1);
	cg_epb(&b, 1, 0, fr, (uint32_t)n, (uint32_t)n, -1);
	expect_record_error(&b, 1, ": record 2: interface 1: unknown link type 147 (USER0)");
	cg_free(&b);
}

static void
test_fixture_absurd_caplen(void **state)
{
	struct nkr_source_opts o = defopts();
	struct cg_run r;

	(void)state;
	assert_true(cg_read(NKR_FIXTURES "/captures/20_fuzz-malformed-truncated.pcap", &o, &r));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.fr[0].f.f_fr.fr_index, 1);
	assert_int_equal(r.fr[0].f.f_fr.fr_caplen, 188);
	assert_int_equal(r.rc, -1);
	assert_contains(r.err.e_msg, "20_fuzz-malformed-truncated.pcap: record 2: ");
	assert_contains(r.err.e_msg, "1409179648");
	cg_run_free(&r);
}

static void
test_pcap_truncated_records(void **state)
{
	uint8_t fr[200];
	struct cg_buf b;
	size_t n = frame(fr);

	(void)state;
	/* The data of record 3 stops short. */
	cg_init(&b, 0);
	cg_pcap_hdr(&b, 0xa1b2c3d4, 1, 65535);
	cg_pcap_rec(&b, 1, 0, fr, (uint32_t)n, (uint32_t)n);
	cg_pcap_rec(&b, 2, 0, fr, (uint32_t)n, (uint32_t)n);
	cg_pcap_rec(&b, 3, 0, fr, (uint32_t)n, (uint32_t)n);
	b.len -= 10;
	expect_record_error(&b, 2, ": record 3: truncated dump file");
	/* Half a record header. */
	b.len = 24 + 2 * (16 + n) + 7;
	expect_record_error(&b, 2, ": record 3: truncated dump file");
	/* A caplen beyond anything libpcap accepts. */
	b.len = 24;
	cg_pcap_rec(&b, 1, 0, fr, (uint32_t)n, (uint32_t)n);
	cg_u32(&b, 2);
	cg_u32(&b, 0);
	cg_u32(&b, 1400000000);
	cg_u32(&b, 1400000000);
	expect_record_error(&b, 1, ": record 2: invalid packet capture length 1400000000");
	cg_free(&b);
}

/* A little pcapng: SHB (28 bytes), IDB (20), then two EPBs. */
static size_t
ng_start(struct cg_buf *b, const uint8_t *fr, size_t n)
{
	cg_shb(b);
	cg_idb(b, 1, 0, NULL, -1);
	cg_epb(b, 0, 1, fr, (uint32_t)n, (uint32_t)n, -1);
	cg_epb(b, 0, 2, fr, (uint32_t)n, (uint32_t)n, -1);
	return b->len;
}

static void
test_pcapng_block_errors(void **state)
{
	uint8_t fr[200];
	struct cg_buf b;
	char msg[160];
	size_t n = frame(fr), off;

	(void)state;
	cg_init(&b, 0);
	/* A length that is not a multiple of 4. */
	off = ng_start(&b, fr, n);
	cg_u32(&b, 6);
	cg_u32(&b, 13);
	snprintf(msg, sizeof(msg),
	         ": pcapng block at offset %zu: bad block length 13 (not a "
	         "multiple of 4)",
	         off);
	expect_record_error(&b, 2, msg);
	/* Shorter than a block can be. */
	b.len = off;
	cg_u32(&b, 6);
	cg_u32(&b, 8);
	snprintf(msg, sizeof(msg), ": pcapng block at offset %zu: bad block length 8 (at least 12)",
	         off);
	expect_record_error(&b, 2, msg);
	/* Absurdly long. */
	b.len = off;
	cg_u32(&b, 6);
	cg_u32(&b, 0x40000000);
	expect_record_error(&b, 2, "bad block length 1073741824 (more than 256 MiB)");
	/* Trailer and header disagree. */
	b.len = off;
	cg_epb(&b, 0, 3, fr, (uint32_t)n, (uint32_t)n, -1);
	b.b[b.len - 4] ^= 4;
	snprintf(msg, sizeof(msg), ": pcapng block at offset %zu: bad block length: trailer", off);
	expect_record_error(&b, 2, msg);
	/* Cut in the middle of a block. */
	b.len -= 20;
	snprintf(msg, sizeof(msg), ": pcapng block at offset %zu: truncated block (", off);
	expect_record_error(&b, 2, msg);
	/* Cut in a block header. */
	b.len = off + 5;
	snprintf(msg, sizeof(msg),
	         ": pcapng block at offset %zu: truncated block header (5 of 8 bytes)", off);
	expect_record_error(&b, 2, msg);
	cg_free(&b);
}

static void
test_pcapng_record_errors(void **state)
{
	uint8_t fr[200];
	struct cg_buf b;
	size_t n = frame(fr), off, s;

	(void)state;
	cg_init(&b, 1); /* big-endian for a change */
	/* EPB caplen beyond its block. */
	off = ng_start(&b, fr, n);
	s = cg_block_begin(&b, 6);
	cg_u32(&b, 0);
	cg_u32(&b, 0);
	cg_u32(&b, 3);
	cg_u32(&b, 5000);
	cg_u32(&b, 5000);
	cg_bytes(&b, fr, n);
	cg_block_end(&b, s);
	expect_record_error(&b, 2, ": record 3: EPB caplen 5000 exceeds its block");
	/* An interface nobody declared. */
	b.len = off;
	cg_epb(&b, 3, 3, fr, (uint32_t)n, (uint32_t)n, -1);
	expect_record_error(&b, 2,
	                    ": record 3: interface id 3 not declared (the section has 1 "
	                    "interface blocks)");
	/* An option overrunning its block. */
	b.len = off;
	s = cg_block_begin(&b, 6);
	cg_u32(&b, 0);
	cg_u32(&b, 0);
	cg_u32(&b, 3);
	cg_u32(&b, 4);
	cg_u32(&b, 4);
	cg_bytes(&b, fr, 4);
	cg_u16(&b, 2);
	cg_u16(&b, 400);
	cg_u32(&b, 0);
	cg_block_end(&b, s);
	expect_record_error(&b, 2, "option 2 of length 400 overruns its block");
	/* A new section resets the interfaces. */
	b.len = off;
	cg_shb(&b);
	cg_epb(&b, 0, 3, fr, (uint32_t)n, (uint32_t)n, -1);
	expect_record_error(&b, 2, ": record 3: interface id 0 not declared (the section has 0");
	/* Packets before any interface block. */
	b.len = 0;
	cg_shb(&b);
	cg_epb(&b, 0, 3, fr, (uint32_t)n, (uint32_t)n, -1);
	expect_open_error(&b, ": record 1: interface id 0 not declared");
	cg_free(&b);
}

static void
test_pcapng_header_errors(void **state)
{
	struct cg_buf b;
	size_t s;

	(void)state;
	cg_init(&b, 0);
	/* A byte-order magic that is neither order. */
	s = cg_block_begin(&b, 0x0a0d0d0a);
	cg_u32(&b, 0x11223344);
	cg_u16(&b, 1);
	cg_u16(&b, 0);
	cg_u64(&b, 0);
	cg_block_end(&b, s);
	expect_open_error(&b, ": pcapng block at offset 0: section header with a bad byte-order "
	                      "magic 0x44332211");
	/* Version 2. */
	b.len = 0;
	s = cg_block_begin(&b, 0x0a0d0d0a);
	cg_u32(&b, 0x1a2b3c4d);
	cg_u16(&b, 2);
	cg_u16(&b, 0);
	cg_u64(&b, 0);
	cg_block_end(&b, s);
	expect_open_error(&b, ": pcapng block at offset 0: unsupported pcapng version 2.0");
	/* Cut short. */
	b.len = 10;
	expect_open_error(&b, ": pcapng block at offset 0: truncated section header (10 of 12 "
	                      "bytes)");
	cg_free(&b);
}

static void
test_bad_options(void **state)
{
	struct nkr_source_opts o = defopts();
	struct nkr_err err;

	(void)state;
	o.so_nlocal = 1;
	o.so_local[0] = "10.0.0.300";
	assert_null(
	    nkr_source_open(NKR_FIXTURES "/captures/03_tcp-fin-retransmission.pcap", &o, &err));
	assert_string_equal(err.e_msg, "--local '10.0.0.300': not an IPv4 or IPv6 address");
	o = defopts();
	o.so_nlocal_mac = 1;
	o.so_local_mac[0] = "00:11:22:33:44";
	assert_null(
	    nkr_source_open(NKR_FIXTURES "/captures/03_tcp-fin-retransmission.pcap", &o, &err));
	assert_contains(err.e_msg, "--local-mac '00:11:22:33:44': not a MAC address");
	o = defopts();
	o.so_ifname = "lo0";
	assert_null(
	    nkr_source_open(NKR_FIXTURES "/captures/03_tcp-fin-retransmission.pcap", &o, &err));
	assert_contains(err.e_msg, "--ifname 'lo0': not an Ethernet interface name");
	o.so_ifname = "en";
	assert_null(
	    nkr_source_open(NKR_FIXTURES "/captures/03_tcp-fin-retransmission.pcap", &o, &err));
	o = defopts();
	o.so_offload = 7;
	assert_null(
	    nkr_source_open(NKR_FIXTURES "/captures/03_tcp-fin-retransmission.pcap", &o, &err));
	assert_contains(err.e_msg, "--offload");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unreadable),
	    cmocka_unit_test(test_not_a_capture),
	    cmocka_unit_test(test_unknown_linktype),
	    cmocka_unit_test(test_fixture_absurd_caplen),
	    cmocka_unit_test(test_pcap_truncated_records),
	    cmocka_unit_test(test_pcapng_block_errors),
	    cmocka_unit_test(test_pcapng_record_errors),
	    cmocka_unit_test(test_pcapng_header_errors),
	    cmocka_unit_test(test_bad_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
