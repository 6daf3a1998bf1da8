/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_src_ring.c - the capture source's record ring and reader thread
 * (pcap_replay/src_ring.c): records in order with their bytes intact
 * across wrap-arounds (their aux bytes too), records bigger than the ring,
 * many tiny records, the end entry after every record, and a consumer that
 * stops early (never hangs, leaks nothing).  Run under ThreadSanitizer by the tsan preset.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "src_ring.h"

struct prod {
	unsigned n; /* records, then the end (0: until stopped) */
	uint32_t (*size)(unsigned i);
	int end_rc, end_errno;
	const char *end_msg;
	unsigned produced;
	int stopped; /* saw the consumer stop */
	size_t aux;  /* the ring's aux bytes per record (the producer writes 8) */
};

static uint8_t
byte_of(unsigned i, uint32_t k)
{
	return (uint8_t)(i * 31u + k * 7u + (k >> 8));
}

static void
fill(uint8_t *p, uint32_t len, unsigned i)
{
	uint32_t k;

	for (k = 0; k < len; k++)
		p[k] = byte_of(i, k);
}

static int
intact(const uint8_t *p, uint32_t len, unsigned i)
{
	uint32_t k;

	for (k = 0; k < len; k++)
		if (p[k] != byte_of(i, k))
			return 0;
	return 1;
}

static void
producer(struct nkr__ring *rg, void *arg)
{
	struct prod *pr = arg;
	uint32_t len;
	uint8_t *p;
	unsigned i;

	for (i = 0; pr->n == 0 || i < pr->n; i++) {
		if (nkr__ring_stopping(rg)) {
			pr->stopped = 1;
			return;
		}
		len = pr->size(i);
		p = nkr__ring_reserve(rg, len);
		if (p == NULL) {
			pr->stopped = 1;
			return;
		}
		fill(p, len, i);
		if (nkr__ring_aux(rg) != NULL) {
			uint32_t a[2] = {i, ~i};

			memcpy(nkr__ring_aux(rg), a, sizeof(a));
		}
		nkr__ring_commit(rg, (int64_t)i * 1000 - 5, len, len + 3);
		pr->produced++;
	}
	nkr__ring_end(rg, pr->end_rc, pr->end_errno, pr->end_msg);
}

/* Pop n records and check each; the previous record's bytes are checked
 * again just before the next pop (valid until then), sometimes after
 * letting the producer run ahead. */
static void
consume(struct nkr__ring *rg, unsigned n, uint32_t (*size)(unsigned))
{
	struct nkr__ring_rec r, prev = {0};
	const void *aux;
	unsigned i;

	for (i = 0; i < n; i++) {
		if (i > 0) {
			if (i % 211 == 0)
				usleep(100);
			if (!intact(prev.rr_data, prev.rr_caplen, i - 1))
				fail_msg("record %u changed before the next pop", i - 1);
		}
		assert_int_equal(nkr__ring_pop(rg, &r), 1);
		if (r.rr_caplen != size(i) || r.rr_len != r.rr_caplen + 3 ||
		    r.rr_time_ns != (int64_t)i * 1000 - 5 || !intact(r.rr_data, r.rr_caplen, i))
			fail_msg("record %u: caplen %u, len %u, time %lld", i, r.rr_caplen,
			         r.rr_len, (long long)r.rr_time_ns);
		aux = nkr__ring_popped_aux(rg);
		if ((aux != NULL) != (rg->rg_auxsz != 0))
			fail_msg("record %u: aux %p", i, aux);
		if (aux != NULL) {
			uint32_t a[2];

			memcpy(a, aux, sizeof(a));
			if (a[0] != i || a[1] != ~i)
				fail_msg("record %u: aux of record %u", i, a[0]);
		}
		prev = r;
	}
}

static void
start(struct nkr__ring *rg, size_t bytes, unsigned slots, unsigned batch, struct prod *pr)
{
	assert_int_equal(nkr__ring_init(rg, bytes, slots, batch, pr->aux), 0);
	assert_int_equal(nkr__ring_start(rg, producer, pr), 0);
}

static uint32_t
size_wrap(unsigned i)
{
	return (i * 37u) % 2049u; /* up to half of a 4 KiB ring: never big */
}

static uint32_t
size_big(unsigned i)
{
	switch (i % 5) {
	case 0:
		return 3 * 1024 + i; /* bigger than the whole ring */
	case 1:
		return 513; /* just over half of it */
	default:
		return (i * 13u) % 300u;
	}
}

static uint32_t
size_tiny(unsigned i)
{
	return i % 3u; /* 0, 1, 2 bytes: the slots run out first */
}

static uint32_t
size_huge(unsigned i)
{
	return 4096 + i;
}

/* Many wrap-arounds of the byte ring and of the slots; each record's aux
 * bytes (12, rounded up to 16) come with it. */
static void
test_ring_wrap_around(void **state)
{
	static struct nkr__ring rg;
	struct prod pr = {.n = 20000, .size = size_wrap, .aux = 12};
	struct nkr__ring_rec r;

	(void)state;
	start(&rg, 4096, 16, 4, &pr);
	consume(&rg, pr.n, size_wrap);
	assert_int_equal(nkr__ring_pop(&rg, &r), 0);
	assert_int_equal(rg.rg_end_rc, 0);
	assert_int_equal(rg.rg_end_errno, 0);
	assert_string_equal(rg.rg_end_msg, "");
	assert_int_equal(nkr__ring_pop(&rg, &r), 0); /* the end stays */
	nkr__ring_destroy(&rg);
	assert_int_equal(pr.produced, 20000);
}

/* Records bigger than the ring (and than half of it) between small ones. */
static void
test_ring_records_bigger_than_ring(void **state)
{
	static struct nkr__ring rg;
	struct prod pr = {.n = 3000, .size = size_big};
	struct nkr__ring_rec r;

	(void)state;
	start(&rg, 1024, 8, 32, &pr);
	consume(&rg, pr.n, size_big);
	assert_int_equal(nkr__ring_pop(&rg, &r), 0);
	nkr__ring_destroy(&rg);
}

static void
test_ring_many_small_records(void **state)
{
	static struct nkr__ring rg;
	struct prod pr = {.n = 300000, .size = size_tiny};
	struct nkr__ring_rec r;

	(void)state;
	start(&rg, 0, 64, 32, &pr);
	consume(&rg, pr.n, size_tiny);
	assert_int_equal(nkr__ring_pop(&rg, &r), 0);
	nkr__ring_destroy(&rg);
}

/* The error comes after every record before it, then again and again. */
static void
test_ring_error_after_records(void **state)
{
	static struct nkr__ring rg;
	struct prod pr = {
	    .n = 1000, .size = size_wrap, .end_rc = -1, .end_errno = EIO, .end_msg = "boom"};
	struct nkr__ring_rec r;

	(void)state;
	start(&rg, 4096, 16, 32, &pr);
	consume(&rg, pr.n, size_wrap);
	assert_int_equal(nkr__ring_pop(&rg, &r), 0);
	assert_int_equal(rg.rg_end_rc, -1);
	assert_int_equal(rg.rg_end_errno, EIO);
	assert_string_equal(rg.rg_end_msg, "boom");
	assert_int_equal(nkr__ring_pop(&rg, &r), 0);
	nkr__ring_destroy(&rg);
}

static void
endless_end(struct nkr__ring *rg, void *arg)
{
	(void)arg;
	nkr__ring_end(rg, -2, 0, NULL);
	nkr__ring_end(rg, 7, 0, "ignored: the end was published");
}

static void
no_end(struct nkr__ring *rg, void *arg)
{
	(void)rg;
	(void)arg;
}

/* An end with no record before it; a producer that returns without one. */
static void
test_ring_end_only(void **state)
{
	static struct nkr__ring rg;
	struct nkr__ring_rec r;

	(void)state;
	assert_int_equal(nkr__ring_init(&rg, 0, 0, 32, 0), 0);
	assert_int_equal(nkr__ring_start(&rg, endless_end, NULL), 0);
	assert_int_equal(nkr__ring_pop(&rg, &r), 0);
	assert_int_equal(rg.rg_end_rc, -2);
	nkr__ring_destroy(&rg);

	assert_int_equal(nkr__ring_init(&rg, 0, 0, 32, 0), 0);
	assert_int_equal(nkr__ring_start(&rg, no_end, NULL), 0);
	assert_int_equal(nkr__ring_pop(&rg, &r), 0);
	assert_int_equal(rg.rg_end_rc, -1);
	assert_string_equal(rg.rg_end_msg, "the reader thread stopped");
	nkr__ring_destroy(&rg);
}

/* The consumer stops while the producer has more: destroy returns (the
 * producer is waiting for room, or about to), and frees what is left. */
static void
test_ring_consumer_stops_early(void **state)
{
	static struct nkr__ring rg;
	struct prod pr;

	(void)state;
	/* Some records popped, one held, the ring full behind it. */
	memset(&pr, 0, sizeof(pr));
	pr.size = size_wrap;
	start(&rg, 4096, 16, 32, &pr);
	consume(&rg, 10, size_wrap);
	usleep(1000);
	nkr__ring_destroy(&rg);
	assert_true(pr.stopped);

	/* Nothing popped. */
	memset(&pr, 0, sizeof(pr));
	pr.size = size_big;
	start(&rg, 1024, 8, 32, &pr);
	usleep(1000);
	nkr__ring_destroy(&rg);
	assert_true(pr.stopped);

	/* The producer waits for the ring to empty (a big record) while the
	   consumer holds one; big records left unreleased are freed. */
	memset(&pr, 0, sizeof(pr));
	pr.size = size_huge;
	start(&rg, 1024, 8, 32, &pr);
	consume(&rg, 3, size_huge);
	usleep(1000);
	nkr__ring_destroy(&rg);
	assert_true(pr.stopped);

	/* At once, before the thread got going. */
	memset(&pr, 0, sizeof(pr));
	pr.size = size_tiny;
	start(&rg, 0, 0, 0, &pr);
	nkr__ring_destroy(&rg);
}

/* A ring never started, and one never initialised (zeroed). */
static void
test_ring_not_started(void **state)
{
	static struct nkr__ring rg;

	(void)state;
	assert_int_equal(nkr__ring_init(&rg, 100, 3, 1000, 0), 0);
	assert_int_equal(rg.rg_size, 128);
	assert_int_equal(rg.rg_nslots, 4);
	assert_int_equal(rg.rg_cbatch, 2);
	nkr__ring_destroy(&rg);
	memset(&rg, 0, sizeof(rg));
	nkr__ring_destroy(&rg);
	assert_int_equal(nkr__ring_start(&rg, no_end, NULL), EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ring_wrap_around),
	    cmocka_unit_test(test_ring_records_bigger_than_ring),
	    cmocka_unit_test(test_ring_many_small_records),
	    cmocka_unit_test(test_ring_error_after_records),
	    cmocka_unit_test(test_ring_end_only),
	    cmocka_unit_test(test_ring_consumer_stops_early),
	    cmocka_unit_test(test_ring_not_started),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
