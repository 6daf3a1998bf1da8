/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rewriter.c - example kext (kernel world): an IP filter that rewrites a
 * byte pattern in TCP and UDP payloads, in both directions, over IPv4 and
 * IPv6, and leaves correct checksums behind: a model of an NKE that
 * modifies packets.
 *
 * Every occurrence of REWRITE_FROM in a payload is replaced by REWRITE_TO
 * (same length, so TCP sequence numbers stay right).  Defaults: the
 * User-Agent token "Mozilla/5.0" becomes "Mozilla/4.0".  Configure with
 * nke_add_kext(... DEFINES "REWRITE_FROM=\"abc\"" "REWRITE_TO=\"xyz\"").
 * Each packet is rewritten on its own: an occurrence split between two TCP
 * segments is not seen (a stream rewrite belongs in a socket filter).
 *
 * What it shows:
 *   - inbound (ipf_input): the transport checksum is as received, and the
 *     stack will verify it: after changing bytes, recompute it in software
 *     (mbuf_inet_cksum / mbuf_inet6_cksum with the field zeroed) and call
 *     mbuf_inbound_modified() so the stack forgets what the hardware said;
 *   - outbound (ipf_output): the transport checksum is usually only the
 *     pseudo-header sum, to be finished later by the stack or the card;
 *     mbuf_outbound_finalize() finishes it first, so the packet is
 *     complete before we read or change it; after the change the checksum
 *     is recomputed in full.  The IPv4 header checksum is not ours to fix
 *     at ipf_output (it is computed after the filters);
 *   - lengths from the headers (ip_len is the total length, in network
 *     order at both hooks), never from pkthdr.len alone;
 *   - reading and writing through mbuf_copydata/mbuf_copyback, so
 *     any chain layout works; no allocation, nothing that blocks.
 */
#include <mach/mach_types.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/socket.h>
#include <sys/kpi_mbuf.h>
#include <libkern/OSAtomic.h>
#include <netinet/in.h>
#include <netinet/kpi_ipfilter.h>

#ifndef REWRITE_FROM
#define REWRITE_FROM "Mozilla/5.0"
#endif
#ifndef REWRITE_TO
#define REWRITE_TO "Mozilla/4.0"
#endif

#define PATLEN (sizeof(REWRITE_FROM) - 1)
_Static_assert(sizeof(REWRITE_FROM) == sizeof(REWRITE_TO),
    "REWRITE_FROM and REWRITE_TO must have the same length");
_Static_assert(PATLEN > 0, "REWRITE_FROM must not be empty");

#define CHUNK 256 /* bytes examined per mbuf_copydata */

kern_return_t rewriter_start(kmod_info_t *ki, void *d);
kern_return_t rewriter_stop(kmod_info_t *ki, void *d);

static const u_int8_t pat_from[PATLEN] = REWRITE_FROM;
static const u_int8_t pat_to[PATLEN] = REWRITE_TO;

struct rw_family {
	ipfilter_t ref;
	volatile SInt32 attached;
	int family; /* 4 or 6 */
};

static struct rw_family fam4 = {NULL, 0, 4};
static struct rw_family fam6 = {NULL, 0, 6};
static volatile SInt32 packets_in, packets_out, occurrences, failures;

/*
 * Replace every occurrence in [start, end) of m; returns how many, or -1 if
 * the chain could not be read or written (the packet is then unchanged up
 * to the first occurrence written).
 */
static int
rewrite_range(mbuf_t m, size_t start, size_t end)
{
	u_int8_t buf[CHUNK + PATLEN];
	size_t pos = start, carry = 0, base, total, i;
	int n = 0;

	while (pos < end) {
		size_t want = end - pos < CHUNK ? end - pos : CHUNK;

		if (mbuf_copydata(m, pos, want, buf + carry) != 0)
			return -1;
		base = pos - carry; /* packet offset of buf[0] */
		total = carry + want;
		for (i = 0; i + PATLEN <= total; i++) {
			if (memcmp(buf + i, pat_from, PATLEN) != 0)
				continue;
			/* MBUF_DONTWAIT: within the packet nothing is allocated anyway. */
			if (mbuf_copyback(m, base + i, PATLEN, pat_to, MBUF_DONTWAIT) != 0)
				return -1;
			memcpy(buf + i, pat_to, PATLEN);
			n++;
			i += PATLEN - 1;
		}
		/* Keep the tail: an occurrence may straddle two chunks. */
		carry = total < PATLEN - 1 ? total : PATLEN - 1;
		memmove(buf, buf + total - carry, carry);
		pos += want;
	}
	return n;
}

/*
 * The packet at the IP header: where its transport header and its end are.
 * Returns 0 and sets *l4 and *end, or -1 if it is not a whole TCP/UDP
 * packet we understand.  IPv6 extension headers are not followed at
 * ipf_output (ipf_input gives the offset itself).
 */
static int
locate(mbuf_t m, int family, size_t *l4, size_t *end, u_int8_t *proto)
{
	u_int8_t h[40];
	size_t plen = mbuf_pkthdr_len(m);

	if (family == 4) {
		if (mbuf_copydata(m, 0, 20, h) != 0)
			return -1;
		*l4 = (size_t)(h[0] & 0x0f) * 4;
		*end = (size_t)h[2] << 8 | h[3]; /* ip_len: network order */
		*proto = h[9];
		if ((h[6] & 0x3f) != 0 || h[7] != 0)
			return -1; /* a fragment: not a whole payload */
	} else {
		if (mbuf_copydata(m, 0, 40, h) != 0)
			return -1;
		*l4 = 40;
		*end = 40 + ((size_t)h[4] << 8 | h[5]);
		*proto = h[6];
	}
	if (*end > plen || *l4 >= *end)
		return -1;
	return 0;
}

/* Rewrite the payload of the TCP/UDP packet m; fix its checksum. */
static int
rewrite_packet(mbuf_t m, int family, size_t l4, size_t end, u_int8_t proto)
{
	size_t sumoff, start;
	u_int16_t sum, zero = 0;
	u_int8_t off;
	int n;
	errno_t err;

	if (proto == IPPROTO_TCP) {
		if (mbuf_copydata(m, l4 + 12, 1, &off) != 0)
			return -1;
		start = l4 + (size_t)(off >> 4) * 4;
		sumoff = l4 + 16;
	} else if (proto == IPPROTO_UDP) {
		start = l4 + 8;
		sumoff = l4 + 6;
	} else {
		return 0;
	}
	if (start >= end)
		return 0;
	n = rewrite_range(m, start, end);
	if (n <= 0)
		return n;
	/* The checksum covers the pseudo-header and the segment, field zeroed. */
	if (mbuf_copyback(m, sumoff, 2, &zero, MBUF_DONTWAIT) != 0)
		return -1;
	if (family == 4)
		err = mbuf_inet_cksum(m, proto, (u_int32_t)l4, (u_int32_t)(end - l4), &sum);
	else
		err = mbuf_inet6_cksum(m, proto, (u_int32_t)l4, (u_int32_t)(end - l4), &sum);
	if (err != 0)
		return -1;
	/* Already complemented and in wire order; UDP writes a 0 sum as 0xffff. */
	if (proto == IPPROTO_UDP && sum == 0)
		sum = 0xffff;
	if (mbuf_copyback(m, sumoff, 2, &sum, MBUF_DONTWAIT) != 0)
		return -1;
	return n;
}

static void
account(int n, volatile SInt32 *packets)
{
	if (n < 0) {
		OSIncrementAtomic(&failures);
	} else if (n > 0) {
		OSIncrementAtomic(packets);
		OSAddAtomic(n, &occurrences);
	}
}

static errno_t
rw_input(void *cookie, mbuf_t *data, int offset, u_int8_t protocol)
{
	struct rw_family *f = cookie;
	size_t l4, end;
	u_int8_t proto;
	int n;

	if (protocol != IPPROTO_TCP && protocol != IPPROTO_UDP)
		return 0;
	if (locate(*data, f->family, &l4, &end, &proto) != 0)
		return 0;
	n = rewrite_packet(*data, f->family, (size_t)offset, end, protocol);
	if (n > 0)
		mbuf_inbound_modified(*data); /* the stack verifies again, in software */
	account(n, &packets_in);
	return 0;
}

static errno_t
rw_output(void *cookie, mbuf_t *data, ipf_pktopts_t options)
{
	struct rw_family *f = cookie;
	size_t l4, end;
	u_int8_t proto;

	if (locate(*data, f->family, &l4, &end, &proto) != 0 ||
	    (proto != IPPROTO_TCP && proto != IPPROTO_UDP))
		return 0;
	/* Finish the pending checksum work first: the packet is then complete. */
	mbuf_outbound_finalize(*data, f->family == 4 ? PF_INET : PF_INET6, 0);
	account(rewrite_packet(*data, f->family, l4, end, proto), &packets_out);
	return 0;
}

static void
rw_detach(void *cookie)
{
	struct rw_family *f = cookie;

	OSDecrementAtomic(&f->attached);
}

static struct ipf_filter filter4 = {&fam4, "rewriter.v4", rw_input, rw_output, rw_detach};
static struct ipf_filter filter6 = {&fam6, "rewriter.v6", rw_input, rw_output, rw_detach};

kern_return_t
rewriter_start(kmod_info_t *ki, void *d)
{
	fam4.attached = 1;
	if (ipf_addv4(&filter4, &fam4.ref) != 0) {
		fam4.attached = 0;
		return KERN_FAILURE;
	}
	fam6.attached = 1;
	if (ipf_addv6(&filter6, &fam6.ref) != 0) {
		fam6.attached = 0;
		ipf_remove(fam4.ref);
		fam4.ref = NULL;
		return KERN_FAILURE;
	}
	printf("rewriter: \"%s\" -> \"%s\"\n", REWRITE_FROM, REWRITE_TO);
	return KERN_SUCCESS;
}

kern_return_t
rewriter_stop(kmod_info_t *ki, void *d)
{
	if (fam4.ref != NULL) {
		ipf_remove(fam4.ref);
		fam4.ref = NULL;
	}
	if (fam6.ref != NULL) {
		ipf_remove(fam6.ref);
		fam6.ref = NULL;
	}
	if (fam4.attached != 0 || fam6.attached != 0)
		return EBUSY;
	printf("rewriter: rewrote %d occurrences in %d inbound and %d outbound packets, "
	       "%d failures\n",
	    (int)occurrences, (int)packets_in, (int)packets_out, (int)failures);
	return KERN_SUCCESS;
}
