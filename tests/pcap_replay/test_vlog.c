/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_vlog.c - tests of pcap_replay/vlog.c (host world): the text verdict
 * line as docs/log-format.md specifies it -- field order, the escaping of
 * fixed fields and of the free text, numbers and the hash, flags -- for
 * short lines and for lines longer than the line buffer; the contexts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vlog.h"

/* One verdict line as nke-replay writes it. */
static char *
line_fmt(const struct nks_verdict *vd, const char *ctx, enum nkr_log_format fmt)
{
	static struct nkr_vlog l;
	struct nkr_vclass vc;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	assert_non_null(f);
	nkr_vlog_init(&l, f, fmt);
	nkr_vclassify(vd, &vc);
	nkr_vlog_verdict(&l, ctx, vd, &vc);
	nkr_vlog_flush(&l);
	fclose(f);
	return buf;
}

static char *
line_of(const struct nks_verdict *vd, const char *ctx)
{
	return line_fmt(vd, ctx, NKR_LOG_TEXT);
}

static void
test_plain_line(void **state)
{
	struct nks_verdict vd;
	char *s;

	(void)state;
	memset(&vd, 0, sizeof(vd));
	vd.vd_index = 57;
	vd.vd_hook = NKS_HOOK_IPF_INPUT;
	vd.vd_dir = NKS_DIR_IN;
	vd.vd_ifname = "en0";
	vd.vd_kext = "com.example.fw";
	vd.vd_filter = "myfilter";
	vd.vd_result = 1;
	vd.vd_len = 60;
	vd.vd_hash = 0x0123456789abcdefULL;
	vd.vd_detail = "proto=6 offset=20";
	s = line_of(&vd, "#57");
	assert_string_equal(
	    s,
	    "#57 in en0 ipf_input com.example.fw myfilter drop:EPERM len=60 hash=0123456789abcdef "
	    "proto=6 offset=20\n");
	free(s);
	vd.vd_result = 0;
	vd.vd_flags = NKS_VD_INJECTED | NKS_VD_TRUNCATED | NKS_VD_MODIFIED;
	vd.vd_len = 4294967295u;
	vd.vd_hash = 0;
	vd.vd_detail = NULL;
	s = line_of(&vd, "#18446744073709551615");
	assert_string_equal(s,
	                    "#18446744073709551615 in en0 ipf_input com.example.fw myfilter pass "
	                    "len=4294967295 hash=0000000000000000 injected truncated\n");
	free(s);
}

static void
test_escapes(void **state)
{
	struct nks_verdict vd;
	char *s;

	(void)state;
	memset(&vd, 0, sizeof(vd));
	vd.vd_hook = NKS_HOOK_SF_NOTIFY;
	vd.vd_ifname = NULL;
	vd.vd_kext = "";
	vd.vd_filter = "-";
	vd.vd_result = 45;
	vd.vd_detail = "a b\\c\x7f\x01\xe9";
	s = line_of(&vd, "timer");
	assert_string_equal(
	    s, "timer - - sf_notify \"\" \\x2d ret:ENOTSUP len=0 hash=0000000000000000 "
	       "a b\\x5cc\\x7f\\x01\xe9\n");
	free(s);
	vd.vd_kext = "k x\\y\xe9\x7f";
	vd.vd_filter = "--";
	vd.vd_detail = "";
	s = line_of(&vd, "stop");
	assert_string_equal(s, "stop - - sf_notify k\\x20x\\x5cy\\xe9\\x7f -- ret:ENOTSUP len=0 "
	                       "hash=0000000000000000\n");
	free(s);
}

/* A line longer than the line buffer: nothing lost, nothing reordered. */
static void
test_long_line(void **state)
{
	struct nks_verdict vd;
	char *filter, *detail, *want, *s;
	size_t i, n = 5000;

	(void)state;
	filter = malloc(n + 1);
	detail = malloc(n + 1);
	want = malloc(6 * n + 200);
	assert_non_null(filter);
	assert_non_null(detail);
	assert_non_null(want);
	for (i = 0; i < n; i++) {
		filter[i] = (char)(i % 3 == 0 ? ' ' : 'a' + i % 26);
		detail[i] = (char)(i % 5 == 0 ? '\\' : 'A' + i % 26);
	}
	filter[n] = detail[n] = '\0';
	memset(&vd, 0, sizeof(vd));
	vd.vd_hook = NKS_HOOK_IFF_OUTPUT;
	vd.vd_dir = NKS_DIR_OUT;
	vd.vd_ifname = "en1";
	vd.vd_kext = "k";
	vd.vd_filter = filter;
	vd.vd_detail = detail;
	vd.vd_len = 1;
	vd.vd_hash = 0xffffffffffffffffULL;
	{
		size_t o = (size_t)sprintf(want, "#1 out en1 iff_output k ");

		for (i = 0; i < n; i++)
			o += (size_t)(filter[i] == ' ' ? sprintf(want + o, "\\x20")
			                               : sprintf(want + o, "%c", filter[i]));
		o += (size_t)sprintf(want + o, " pass len=1 hash=ffffffffffffffff ");
		for (i = 0; i < n; i++)
			o += (size_t)(detail[i] == '\\' ? sprintf(want + o, "\\x5c")
			                                : sprintf(want + o, "%c", detail[i]));
		sprintf(want + o, "\n");
	}
	s = line_of(&vd, "#1");
	assert_string_equal(s, want);
	free(s);
	free(want);
	free(detail);
	free(filter);
}

/* JSON Lines: escapes, nulls, numbers, flags; a line too long for the buffer. */
static void
test_jsonl(void **state)
{
	struct nks_verdict vd;
	char *s, *detail, *want;
	size_t i, n = 20000;

	(void)state;
	memset(&vd, 0, sizeof(vd));
	vd.vd_index = 18446744073709551615ULL;
	vd.vd_hook = NKS_HOOK_IPF_OUTPUT;
	vd.vd_dir = NKS_DIR_OUT;
	vd.vd_ifname = "en\"0";
	vd.vd_kext = "k\\x";
	vd.vd_filter = NULL;
	vd.vd_result = -2;
	vd.vd_flags = NKS_VD_INJECTED | NKS_VD_TRUNCATED;
	vd.vd_len = 4294967295u;
	vd.vd_hash = 0xfedcba9876543210ULL;
	vd.vd_detail = "a\x01\x7f\xe9 z";
	s = line_fmt(&vd, "#1", NKR_LOG_JSONL);
	assert_string_equal(
	    s, "{\"type\":\"verdict\",\"ctx\":\"#1\",\"index\":18446744073709551615,\"dir\":\"out\","
	       "\"if\":\"en\\\"0\",\"hook\":\"ipf_output\",\"kext\":\"k\\\\x\",\"filter\":null,"
	       "\"verdict\":\"kept\",\"reason\":null,\"result\":-2,\"len\":4294967295,"
	       "\"hash\":\"fedcba9876543210\",\"flags\":[\"injected\",\"truncated\"],"
	       "\"detail\":\"a\\u0001\\u007f\\u00e9 z\"}\n");
	free(s);
	vd.vd_index = 0;
	vd.vd_dir = 0;
	vd.vd_hook = NKS_HOOK_SF_NOTIFY;
	vd.vd_ifname = NULL;
	vd.vd_result = 1;
	vd.vd_flags = 0;
	vd.vd_len = 0;
	vd.vd_hash = 0;
	vd.vd_detail = NULL;
	s = line_fmt(&vd, "timer", NKR_LOG_JSONL);
	assert_string_equal(
	    s, "{\"type\":\"verdict\",\"ctx\":\"timer\",\"index\":0,\"dir\":null,\"if\":null,"
	       "\"hook\":\"sf_notify\",\"kext\":\"k\\\\x\",\"filter\":null,\"verdict\":\"ret\","
	       "\"reason\":\"EPERM\",\"result\":1,\"len\":0,\"hash\":\"0000000000000000\","
	       "\"flags\":[],\"detail\":null}\n");
	free(s);
	/* more than the buffer takes at 6 bytes a byte: written through stdio */
	detail = malloc(n + 1);
	want = malloc(2 * n + 400);
	assert_non_null(detail);
	assert_non_null(want);
	for (i = 0; i < n; i++)
		detail[i] = i % 7 == 0 ? '"' : 'a';
	detail[n] = '\0';
	vd.vd_detail = detail;
	{
		size_t o = (size_t)sprintf(
		    want, "{\"type\":\"verdict\",\"ctx\":\"timer\",\"index\":0,\"dir\":null,\"if\":null,"
		          "\"hook\":\"sf_notify\",\"kext\":\"k\\\\x\",\"filter\":null,\"verdict\":\"ret\","
		          "\"reason\":\"EPERM\",\"result\":1,\"len\":0,\"hash\":\"0000000000000000\","
		          "\"flags\":[],\"detail\":\"");

		for (i = 0; i < n; i++)
			o += (size_t)sprintf(want + o, "%s", detail[i] == '"' ? "\\\"" : "a");
		sprintf(want + o, "\"}\n");
	}
	s = line_fmt(&vd, "timer", NKR_LOG_JSONL);
	assert_string_equal(s, want);
	free(s);
	free(want);
	free(detail);
}

/*
 * The escaped names are cached by pointer: a pointer whose bytes changed,
 * or that came back with other contents, writes what it points to now.
 * Many lines (more than the log's buffer holds) in order, and a check line
 * between them where it was written.
 */
static void
test_names_cached(void **state)
{
	static struct nkr_vlog l;
	struct nks_verdict vd;
	struct nkr_vclass vc;
	char ifn[16], kext[64], kext2[64], filter[300], *buf = NULL, *want, *w;
	size_t size = 0, i, n = 3000;
	unsigned nif = 0, nk = 0, nf = 0, k2 = 0, out = 0;
	FILE *f = open_memstream(&buf, &size);

	(void)state;
	assert_non_null(f);
	want = malloc(n * 600 + 1000);
	assert_non_null(want);
	w = want;
	nkr_vlog_init(&l, f, NKR_LOG_TEXT);
	memset(&vd, 0, sizeof(vd));
	vd.vd_hook = NKS_HOOK_IPF_INPUT;
	vd.vd_dir = NKS_DIR_IN;
	vd.vd_ifname = ifn;
	vd.vd_kext = kext;
	vd.vd_filter = filter;
	vd.vd_detail = "proto=6";
	for (i = 0; i < n; i++) {
		const char *wf;

		/* one thing changes at a time, the others staying */
		switch (i % 5) {
		case 0:
			nif = (nif + 1) % 3;
			break;
		case 1:
			nk ^= 1;
			break;
		case 2:
			nf = (nf + 1) % 4;
			break;
		case 3:
			k2 ^= 1;
			break;
		default:
			out ^= 1;
			break;
		}
		snprintf(ifn, sizeof(ifn), "en%u", nif);
		snprintf(kext, sizeof(kext), "com.example.%c", nk ? 'b' : 'a');
		strcpy(kext2, kext);
		vd.vd_kext = k2 ? kext2 : kext;
		vd.vd_dir = out ? NKS_DIR_OUT : NKS_DIR_IN;
		switch (nf) {
		case 0:
			strcpy(filter, "flt");
			wf = "flt";
			break;
		case 1:
			strcpy(filter, "fl t");
			wf = "fl\\x20t";
			break;
		case 2:
			memset(filter, 'x', 200); /* too long to be cached */
			filter[200] = '\0';
			wf = filter;
			break;
		default:
			strcpy(filter, "-");
			wf = "\\x2d";
			break;
		}
		vd.vd_len = (uint32_t)i * 7919u;
		vd.vd_hash = i * 0x9e3779b97f4a7c15ULL;
		vd.vd_detail = i % 11 == 0 ? "a\\b\x01 c d e f g h i j" : "proto=6";
		nkr_vclassify(&vd, &vc);
		nkr_vlog_verdict(&l, i % 2 ? "#12" : "timer", &vd, &vc);
		w += sprintf(w, "%s %s %s ipf_input %s %s pass len=%u hash=%016llx %s\n",
		             i % 2 ? "#12" : "timer", out ? "out" : "in", ifn, kext, wf,
		             (unsigned)vd.vd_len, (unsigned long long)vd.vd_hash,
		             i % 11 == 0 ? "a\\x5cb\\x01 c d e f g h i j" : "proto=6");
		if (i == n / 2) {
			nkr_vlog_check(&l, "#12", 12, "warning", "x-check", "a message");
			w += sprintf(w, "#12 warning x-check a message\n");
		}
	}
	nkr_vlog_flush(&l);
	fclose(f);
	assert_string_equal(buf, want);
	free(buf);
	free(want);
}

static void
test_contexts(void **state)
{
	struct nkr_ctx c = {NKR_PH_PACKET, 42};
	char b[32];

	(void)state;
	assert_string_equal(nkr_ctx_str(&c, 0, b, sizeof(b)), "#42");
	assert_string_equal(nkr_ctx_str(&c, 7, b, sizeof(b)), "#7");
	c.c_phase = NKR_PH_TIMER;
	assert_string_equal(nkr_ctx_str(&c, 0, b, sizeof(b)), "timer");
	assert_string_equal(nkr_ctx_str(&c, 18446744073709551615ULL, b, sizeof(b)),
	                    "#18446744073709551615");
	c.c_phase = NKR_PH_START;
	assert_string_equal(nkr_ctx_str(&c, 0, b, sizeof(b)), "start");
	c.c_phase = NKR_PH_STOP;
	assert_string_equal(nkr_ctx_str(&c, 0, b, sizeof(b)), "stop");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_line),
	    cmocka_unit_test(test_escapes),
	    cmocka_unit_test(test_long_line),
	    cmocka_unit_test(test_names_cached),
	    cmocka_unit_test(test_jsonl),
	    cmocka_unit_test(test_contexts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
