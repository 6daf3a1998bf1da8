/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proc_map.c - nke-replay --proc (host world): parse the rules and give a
 * frame the process of its local endpoint.  The headers are read with the
 * capture source's parser (nkr__parse in src_heur.c), so the replay and the
 * direction heuristics agree on what a frame's addresses and ports are.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nkr_priv.h"
#include "proc_map.h"

/* A number in [min, max] spanning [s, end); 0 or -1. */
static int
num(const char *s, const char *end, long min, long max, long *out)
{
	char buf[24], *e;
	size_t n = (size_t)(end - s);
	long v;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!isdigit((unsigned char)buf[0]) && !(buf[0] == '-' && isdigit((unsigned char)buf[1])))
		return -1;
	errno = 0;
	v = strtol(buf, &e, 10);
	if (errno != 0 || *e != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
nkr_proc_parse(const char *spec, struct nkr_proc_rule *r, char *err, size_t errsize)
{
	const char *eq = strchr(spec, '='), *p = spec, *ep, *c1, *c2;
	long v;

	memset(r, 0, sizeof(*r));
	r->pr_spec = spec;
	r->pr_port = -1;
	r->pr_uid = -1;
	if (eq == NULL) {
		snprintf(err, errsize, "'%s': '=PID[:NAME[:UID]]' is missing", spec);
		return -1;
	}
	/* The endpoint: [tcp:|udp:][ADDR:]PORT|* */
	if (strncmp(p, "tcp:", 4) == 0) {
		r->pr_proto = 6;
		p += 4;
	} else if (strncmp(p, "udp:", 4) == 0) {
		r->pr_proto = 17;
		p += 4;
	}
	if (*p == '[') {
		/* [IPv6]:PORT */
		const char *close = memchr(p, ']', (size_t)(eq - p));
		char a[64];

		if (close == NULL || close[1] != ':' || (size_t)(close - p - 1) >= sizeof(a)) {
			snprintf(err, errsize, "'%s': an IPv6 address goes in brackets, then ':PORT'",
			         spec);
			return -1;
		}
		memcpy(a, p + 1, (size_t)(close - p - 1));
		a[close - p - 1] = '\0';
		if (inet_pton(AF_INET6, a, r->pr_addr) != 1) {
			snprintf(err, errsize, "'%s': '%s' is not an IPv6 address", spec, a);
			return -1;
		}
		r->pr_family = NKS_FAMILY_INET6;
		p = close + 2;
	} else {
		const char *colon = memchr(p, ':', (size_t)(eq - p));

		if (colon != NULL) {
			char a[64];

			if ((size_t)(colon - p) >= sizeof(a)) {
				snprintf(err, errsize, "'%s': address too long", spec);
				return -1;
			}
			memcpy(a, p, (size_t)(colon - p));
			a[colon - p] = '\0';
			if (inet_pton(AF_INET, a, r->pr_addr) != 1) {
				snprintf(err, errsize,
				         "'%s': '%s' is neither tcp, udp nor an IPv4 address (IPv6: "
				         "[ADDR]:PORT)",
				         spec, a);
				return -1;
			}
			r->pr_family = NKS_FAMILY_INET;
			p = colon + 1;
		}
	}
	if (p + 1 == eq && *p == '*') {
		r->pr_port = -1;
	} else if (num(p, eq, 0, 65535, &v) == 0) {
		r->pr_port = (int)v;
	} else {
		snprintf(err, errsize, "'%s': '%.*s' is not a port (0 to 65535) or *", spec,
		         (int)(eq - p), p);
		return -1;
	}
	/* The process: PID[:NAME[:UID]] */
	p = eq + 1;
	c1 = strchr(p, ':');
	ep = c1 != NULL ? c1 : p + strlen(p);
	if (num(p, ep, 1, 0x7fffffff, &v) != 0) {
		snprintf(err, errsize, "'%s': '%.*s' is not a process id (1 or more)", spec,
		         (int)(ep - p), p);
		return -1;
	}
	r->pr_pid = (int32_t)v;
	if (c1 == NULL)
		return 0;
	c2 = strchr(c1 + 1, ':');
	ep = c2 != NULL ? c2 : c1 + 1 + strlen(c1 + 1);
	if (ep == c1 + 1 || (size_t)(ep - c1 - 1) >= sizeof(r->pr_comm)) {
		snprintf(err, errsize, "'%s': a process name has 1 to %zu bytes", spec,
		         sizeof(r->pr_comm) - 1);
		return -1;
	}
	memcpy(r->pr_comm, c1 + 1, (size_t)(ep - c1 - 1));
	r->pr_comm[ep - c1 - 1] = '\0';
	if (c2 == NULL)
		return 0;
	if (num(c2 + 1, c2 + 1 + strlen(c2 + 1), 0, 0x7fffffff, &v) != 0) {
		snprintf(err, errsize, "'%s': '%s' is not a user id", spec, c2 + 1);
		return -1;
	}
	r->pr_uid = (int32_t)v;
	return 0;
}

void
nkr_proc_apply(struct nkr_proc_rule *rules, unsigned n, uint32_t iftype, struct nks_frame *fr)
{
	struct nkr__pkt pk;
	const uint8_t *addr;
	int port = -1;
	unsigned i;

	if (n == 0 || fr->fr_pid >= 0)
		return;
	nkr__parse(iftype, fr->fr_family, fr->fr_data, fr->fr_caplen, &pk);
	if (pk.p_family == 0)
		return;
	addr = fr->fr_dir == NKS_DIR_OUT ? pk.p_src : pk.p_dst;
	if ((pk.p_proto == 6 || pk.p_proto == 17) && !pk.p_frag && pk.p_l4 != NULL &&
	    pk.p_l4cap >= 4) {
		const uint8_t *ports = pk.p_l4 + (fr->fr_dir == NKS_DIR_OUT ? 0 : 2);

		port = ports[0] << 8 | ports[1];
	}
	for (i = 0; i < n; i++) {
		struct nkr_proc_rule *r = &rules[i];

		if (r->pr_proto != 0 && r->pr_proto != pk.p_proto)
			continue;
		if (r->pr_family != 0 &&
		    (r->pr_family != pk.p_family ||
		     memcmp(r->pr_addr, addr, pk.p_family == NKS_FAMILY_INET ? 4 : 16) != 0))
			continue;
		if (r->pr_port >= 0 && r->pr_port != port)
			continue;
		fr->fr_pid = r->pr_pid;
		fr->fr_comm = r->pr_comm[0] != '\0' ? r->pr_comm : NULL;
		fr->fr_uid = r->pr_uid;
		r->pr_frames++;
		return;
	}
}
