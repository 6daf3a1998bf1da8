/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_nke_hash.c - tests of kpi_shim/seam/nke_hash.h (NKH64, the content
 * hash of the verdict log), host world: the header's block-wise one-shot
 * and streaming code against a byte-at-a-time reading of the
 * specification in docs/log-format.md, the published test vectors, and the
 * property the log relies on (a changed word always changes the hash).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nke_hash.h"

static uint64_t
rotl(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (64 - r));
}

/* The specification, word by word: word k goes to lane k mod 4. */
static uint64_t
spec_hash(const uint8_t *b, size_t n)
{
	uint64_t v[4] = {0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL, 0xa4093822299f31d0ULL,
	                 0x082efa98ec4e6c89ULL};
	uint64_t h;
	size_t nw = n / 8, k;
	unsigned j;

	for (k = 0; k < nw; k++) {
		uint64_t w = 0;

		for (j = 0; j < 8; j++)
			w |= (uint64_t)b[8 * k + j] << (8 * j);
		v[k % 4] = rotl(v[k % 4] ^ w, 29) * 0x9e3779b97f4a7c15ULL;
	}
	if (n % 8 != 0) {
		uint64_t t = 0;

		for (j = 0; j < n % 8; j++)
			t |= (uint64_t)b[8 * nw + j] << (8 * j);
		t ^= (uint64_t)(n % 8) << 56;
		v[nw % 4] = rotl(v[nw % 4] ^ t, 29) * 0x9e3779b97f4a7c15ULL;
	}
	h = (uint64_t)n * 0xc2b2ae3d27d4eb4fULL;
	for (j = 0; j < 4; j++)
		h = rotl(h ^ v[j], 27) * 0x9e3779b97f4a7c15ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static uint8_t data[1100];

static void
fill(void)
{
	uint32_t x = 12345;
	size_t i;

	for (i = 0; i < sizeof(data); i++) {
		x = x * 1103515245u + 12345u;
		data[i] = (uint8_t)(x >> 16);
	}
}

static void
test_vectors(void **state)
{
	uint8_t seq[256];
	unsigned i;

	(void)state;
	for (i = 0; i < 256; i++)
		seq[i] = (uint8_t)i;
	/* Published in docs/log-format.md. */
	assert_true(nkh64("", 0) == 0x66756f3a6c3f51c9ULL);
	assert_true(nkh64("abc", 3) == 0x6c31c8b4c51ebfeeULL);
	assert_true(nkh64(seq, 64) == 0x134a27a298ba526eULL);
	assert_true(nkh64(seq, 256) == 0xce95bc6f79b056ffULL);
	assert_true(spec_hash(seq, 256) == 0xce95bc6f79b056ffULL);
}

static void
test_one_shot_is_the_spec(void **state)
{
	size_t n, off;

	(void)state;
	fill();
	for (n = 0; n <= 300; n++)
		for (off = 0; off < 8; off++) /* and at any alignment */
			assert_true(nkh64(data + off, n) == spec_hash(data + off, n));
	assert_true(nkh64(data, sizeof(data)) == spec_hash(data, sizeof(data)));
}

static void
test_streaming_any_cut(void **state)
{
	size_t n, a, b;

	(void)state;
	fill();
	for (n = 0; n <= 100; n++) {
		for (a = 0; a <= n; a++) {
			for (b = a; b <= n; b += 7) {
				struct nkh_state s;

				nkh_init(&s);
				nkh_update(&s, data, a);
				nkh_update(&s, data + a, b - a);
				/* final() leaves the state as it was */
				(void)nkh_final(&s);
				nkh_update(&s, data + b, n - b);
				assert_true(nkh_final(&s) == spec_hash(data, n));
			}
		}
	}
	{
		/* byte by byte, over many blocks */
		struct nkh_state s;

		nkh_init(&s);
		for (n = 0; n < sizeof(data); n++) {
			nkh_update(&s, data + n, 1);
			if (n % 97 == 0)
				assert_true(nkh_final(&s) == spec_hash(data, n + 1));
		}
		assert_true(nkh_final(&s) == spec_hash(data, sizeof(data)));
	}
}

static void
test_changes_change_it(void **state)
{
	uint8_t b[200];
	uint64_t h0;
	size_t i;
	unsigned bit;

	(void)state;
	fill();
	memcpy(b, data, sizeof(b));
	h0 = nkh64(b, sizeof(b));
	for (i = 0; i < sizeof(b); i++) {
		for (bit = 0; bit < 8; bit++) {
			b[i] ^= (uint8_t)(1u << bit);
			assert_true(nkh64(b, sizeof(b)) != h0);
			b[i] ^= (uint8_t)(1u << bit);
		}
	}
	/* Trailing zero bytes are not the same input. */
	memset(b, 0, sizeof(b));
	for (i = 0; i < 40; i++)
		assert_true(nkh64(b, i) != nkh64(b, i + 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors),
	    cmocka_unit_test(test_one_shot_is_the_spec),
	    cmocka_unit_test(test_streaming_any_cut),
	    cmocka_unit_test(test_changes_change_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
