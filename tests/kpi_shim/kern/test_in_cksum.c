/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_in_cksum.c - tests of kpi_shim/kern/in_cksum.c (kernel world).
 *
 * mbuf_inet_cksum / mbuf_inet6_cksum on hand-built IPv4 and IPv6 TCP/UDP
 * packets whose checksums were computed independently (RFC 1071 reference
 * code outside this project, plus the textbook IPv4 header whose checksum
 * is 0xb861), over single mbufs, chains of 1-byte mbufs and random chains;
 * their argument errors and panics; and mbuf_outbound_finalize completing
 * pending IPv4 header, TCP and UDP checksums the way XNU's
 * in_finalize_cksum / in6_finalize_cksum do.
 */
#include "mbuf_testutil.h"

/* 192.168.1.10:51000 -> 93.184.216.34:80, TCP SYN with an MSS option. */
static const u_int8_t pkt_tcp4[44] = {
    0x45, 0x00, 0x00, 0x2c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xf9, 0xc0, 0xa8, 0x01,
    0x0a, 0x5d, 0xb8, 0xd8, 0x22, 0xc7, 0x38, 0x00, 0x50, 0x12, 0x34, 0x56, 0x78, 0x00, 0x00,
    0x00, 0x00, 0x60, 0x02, 0xff, 0xff, 0x70, 0x64, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4,
};
#define TCP4_IPSUM  0x26f9
#define TCP4_SUM    0x7064
#define TCP4_PSEUDO 0xf7ab

/* 192.168.1.10:53000 -> 8.8.8.8:53, UDP with a 29-byte (odd) payload. */
static const u_int8_t pkt_udp4[57] = {
    0x45, 0x00, 0x00, 0x39, 0x22, 0x22, 0x40, 0x00, 0x40, 0x11, 0x46, 0xd0, 0xc0, 0xa8, 0x01,
    0x0a, 0x08, 0x08, 0x08, 0x08, 0xcf, 0x08, 0x00, 0x35, 0x00, 0x25, 0xb9, 0x4d, 0x41, 0x42,
    0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51,
    0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d,
};
#define UDP4_IPSUM  0x46d0
#define UDP4_SUM    0xb94d
#define UDP4_PSEUDO 0xd1f8

/* A UDP datagram whose checksum computes to 0 (sent as 0xffff). */
static const u_int8_t pkt_udp4z[50] = {
    0x45, 0x00, 0x00, 0x32, 0x33, 0x33, 0x40, 0x00, 0x40, 0x11, 0x0f, 0xfb, 0xc0,
    0xa8, 0x01, 0x0a, 0x5d, 0xb8, 0xd8, 0x22, 0x04, 0xd2, 0x16, 0x2e, 0x00, 0x1e,
    0x00, 0x00, 0x7a, 0x65, 0x72, 0x6f, 0x2d, 0x73, 0x75, 0x6d, 0x2d, 0x74, 0x65,
    0x73, 0x74, 0x2d, 0x70, 0x61, 0x79, 0x6c, 0x6f, 0x61, 0xfd, 0x2a,
};
#define UDP4Z_PSEUDO 0xf7bc

/* 2001:db8::1:443 -> 2001:db8::abc:50123, TCP with a 13-byte payload. */
static const u_int8_t pkt_tcp6[73] = {
    0x60, 0x00, 0x00, 0x00, 0x00, 0x21, 0x06, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0xbc, 0x01, 0xbb, 0xc3, 0xcb, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x50, 0x18, 0x04, 0x00, 0x1e, 0xbb, 0x00, 0x00,
    0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x2c, 0x20, 0x77, 0x6f, 0x72, 0x6c, 0x64, 0x21,
};
#define TCP6_SUM    0x1ebb
#define TCP6_PSEUDO 0x6656

/* fe80::1:5353 -> ff02::fb:5353 (mDNS), UDP with a 7-byte payload. */
static const u_int8_t pkt_udp6[55] = {
    0x60, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x11, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0x02, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xfb, 0x14, 0xe9,
    0x14, 0xe9, 0x00, 0x0f, 0x46, 0x51, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67,
};
#define UDP6_SUM    0x4651
#define UDP6_PSEUDO 0xfe9f

/* The textbook IPv4 header; its checksum is 0xb861. */
static const u_int8_t lit_hdr[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                     0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};

static u_int8_t buf[2048];
static u_int8_t out[2048];

/* A checksum as the KPI returns it (memory order) vs. its wire value. */
static void
kt_expect_wire(u_int16_t csum, u_int16_t wire)
{
	u_int8_t b[2];

	memcpy(b, &csum, 2);
	KT_ASSERT_EQ(b[0], wire >> 8);
	KT_ASSERT_EQ(b[1], wire & 0xff);
}

static void
kt_put16(u_int8_t *p, u_int16_t v)
{
	p[0] = (u_int8_t)(v >> 8);
	p[1] = (u_int8_t)v;
}

static u_int16_t
kt_get16(const u_int8_t *p)
{
	return (u_int16_t)(p[0] << 8 | p[1]);
}

/* Chain layouts the checksum tests run over. */
enum { KT_LAYOUT_ONE, KT_LAYOUT_1BYTE, KT_LAYOUT_RANDOM, KT_NLAYOUTS };

static mbuf_t
kt_packet(const u_int8_t *p, size_t n, int layout, u_int64_t seed)
{
	struct kt_rng r;
	mbuf_t m = NULL;

	switch (layout) {
	case KT_LAYOUT_ONE:
		KT_ASSERT_EQ(mbuf_getpacket(MBUF_WAITOK, &m), 0);
		KT_ASSERT_EQ(mbuf_copyback(m, 0, n, p, MBUF_WAITOK), 0);
		return m;
	case KT_LAYOUT_1BYTE:
		return kt_chain_1byte(p, n);
	default:
		kt_rng_seed(&r, seed);
		return kt_chain_random(&r, p, n, 1);
	}
}

/* ===================================================================== */
/* mbuf_inet_cksum / mbuf_inet6_cksum                                    */
/* ===================================================================== */

static void
test_ipv4_header_checksum(void)
{
	int layout;

	for (layout = 0; layout < KT_NLAYOUTS; layout++) {
		mbuf_t m = kt_packet(lit_hdr, sizeof(lit_hdr), layout, 1);
		u_int16_t c = 1;

		/* A valid header sums to zero. */
		KT_ASSERT_EQ(mbuf_inet_cksum(m, 0, 0, 20, &c), 0);
		KT_ASSERT_EQ(c, 0);
		KT_ASSERT_EQ(in_cksum(m, 20), 0);
		/* With the field zeroed, the result is the field's value. */
		memcpy(buf, lit_hdr, 20);
		buf[10] = buf[11] = 0;
		KT_ASSERT_EQ(mbuf_copyback(m, 0, 20, buf, MBUF_WAITOK), 0);
		KT_ASSERT_EQ(mbuf_inet_cksum(m, 0, 0, 20, &c), 0);
		kt_expect_wire(c, 0xb861);
		mbuf_freem(m);
	}
}

static void
test_ipv4_transport_checksums(void)
{
	int layout;
	u_int64_t seed;

	for (layout = 0; layout < KT_NLAYOUTS; layout++) {
		for (seed = 1; seed <= (layout == KT_LAYOUT_RANDOM ? 20u : 1u); seed++) {
			mbuf_t m;
			u_int16_t c = 1;

			/* TCP: valid packet verifies to 0, zeroed field gives the sum. */
			m = kt_packet(pkt_tcp4, sizeof(pkt_tcp4), layout, seed);
			KT_ASSERT_EQ(mbuf_inet_cksum(m, NKE_IPPROTO_TCP, 20, 24, &c), 0);
			KT_ASSERT_EQ(c, 0);
			KT_ASSERT_EQ(mbuf_inet_cksum(m, 0, 0, 20, &c), 0);
			KT_ASSERT_EQ(c, 0);
			memcpy(buf, pkt_tcp4, sizeof(pkt_tcp4));
			buf[36] = buf[37] = 0;
			KT_ASSERT_EQ(mbuf_copyback(m, 0, sizeof(pkt_tcp4), buf, MBUF_WAITOK), 0);
			KT_ASSERT_EQ(mbuf_inet_cksum(m, NKE_IPPROTO_TCP, 20, 24, &c), 0);
			kt_expect_wire(c, TCP4_SUM);
			/* Without the protocol, no pseudo-header: just the segment. */
			KT_ASSERT_EQ(mbuf_inet_cksum(m, 0, 20, 24, &c), 0);
			KT_ASSERT(c != 0);
			mbuf_freem(m);

			/* UDP, odd length. */
			m = kt_packet(pkt_udp4, sizeof(pkt_udp4), layout, seed + 100);
			KT_ASSERT_EQ(mbuf_inet_cksum(m, NKE_IPPROTO_UDP, 20, 37, &c), 0);
			KT_ASSERT_EQ(c, 0);
			memcpy(buf, pkt_udp4, sizeof(pkt_udp4));
			buf[26] = buf[27] = 0;
			KT_ASSERT_EQ(mbuf_copyback(m, 0, sizeof(pkt_udp4), buf, MBUF_WAITOK), 0);
			KT_ASSERT_EQ(mbuf_inet_cksum(m, NKE_IPPROTO_UDP, 20, 37, &c), 0);
			kt_expect_wire(c, UDP4_SUM);
			mbuf_freem(m);
		}
	}
}

static void
test_ipv6_transport_checksums(void)
{
	int layout;
	u_int64_t seed;

	for (layout = 0; layout < KT_NLAYOUTS; layout++) {
		for (seed = 1; seed <= (layout == KT_LAYOUT_RANDOM ? 20u : 1u); seed++) {
			mbuf_t m;
			u_int16_t c = 1;

			m = kt_packet(pkt_tcp6, sizeof(pkt_tcp6), layout, seed);
			KT_ASSERT_EQ(mbuf_inet6_cksum(m, NKE_IPPROTO_TCP, 40, 33, &c), 0);
			KT_ASSERT_EQ(c, 0);
			memcpy(buf, pkt_tcp6, sizeof(pkt_tcp6));
			buf[56] = buf[57] = 0;
			KT_ASSERT_EQ(mbuf_copyback(m, 0, sizeof(pkt_tcp6), buf, MBUF_WAITOK), 0);
			KT_ASSERT_EQ(mbuf_inet6_cksum(m, NKE_IPPROTO_TCP, 40, 33, &c), 0);
			kt_expect_wire(c, TCP6_SUM);
			KT_ASSERT_EQ(in6_cksum(m, NKE_IPPROTO_TCP, 40, 33), c);
			mbuf_freem(m);

			m = kt_packet(pkt_udp6, sizeof(pkt_udp6), layout, seed + 50);
			KT_ASSERT_EQ(mbuf_inet6_cksum(m, NKE_IPPROTO_UDP, 40, 15, &c), 0);
			KT_ASSERT_EQ(c, 0);
			mbuf_freem(m);
		}
	}
}

static void
test_ipv6_scope_embedded_word_skipped(void)
{
	mbuf_t m;
	u_int16_t c;

	/*
	 * fe80:7::1 as source: XNU's pseudo-header skips the second word of
	 * link-local addresses (where the kernel keeps the scope), giving
	 * 0x4651 instead of the on-the-wire 0x464a.
	 */
	memcpy(buf, pkt_udp6, sizeof(pkt_udp6));
	buf[11] = 0x07;
	buf[46] = buf[47] = 0;
	m = kt_packet(buf, sizeof(pkt_udp6), KT_LAYOUT_ONE, 0);
	KT_ASSERT_EQ(mbuf_inet6_cksum(m, NKE_IPPROTO_UDP, 40, 15, &c), 0);
	kt_expect_wire(c, 0x4651);
	mbuf_freem(m);
}

/*
 * The sum of buf[off, off + len) folded byte-wise (the flat reference):
 * what mbuf_inet_cksum (its complement) and nke__m_sum16 must give for the
 * same range of m, whose bytes are buf's.
 */
static void
expect_range_sum(mbuf_t m, u_int32_t off, u_int32_t len)
{
	u_int32_t sum = 0, j;
	u_int16_t c;

	for (j = 0; j < len; j++)
		sum += j % 2 ? buf[off + j] : (u_int32_t)buf[off + j] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	KT_ASSERT_EQ(mbuf_inet_cksum(m, 0, off, len, &c), 0);
	kt_expect_wire(c, (u_int16_t)~sum);
	kt_expect_wire(nke__m_sum16(m, off, len), (u_int16_t)sum);
}

static void
test_sum_at_odd_offsets(void)
{
	struct kt_rng r;
	unsigned i;

	/* Any range of any chain: compare with a flat reference sum. */
	kt_rng_seed(&r, 77);
	kt_fill(buf, sizeof(buf), 5);
	for (i = 0; i < 200; i++) {
		u_int32_t off = kt_randn(&r, 1500), len = 1 + kt_randn(&r, 500);
		mbuf_t m = i % 2 ? kt_chain_1byte(buf, 600) : kt_chain_random(&r, buf, 2048, 1);
		size_t total = i % 2 ? 600 : 2048;

		if (off + len > total) {
			off = 0;
			len = (u_int32_t)total;
		}
		expect_range_sum(m, off, len);
		mbuf_freem(m);
	}
}

static void
test_cksum_errors(void)
{
	mbuf_t m = kt_packet(pkt_tcp4, sizeof(pkt_tcp4), KT_LAYOUT_ONE, 0);
	u_int16_t c = 0x1234;

	KT_ASSERT_EQ(mbuf_inet_cksum(NULL, 6, 20, 24, &c), EINVAL);
	KT_ASSERT_EQ(mbuf_inet_cksum(m, 6, 20, 0, &c), EINVAL);
	KT_ASSERT_EQ(mbuf_inet_cksum(m, 6, 20, 24, NULL), EINVAL);
	KT_ASSERT_EQ(mbuf_inet_cksum(m, 6, 20, 25, &c), EINVAL);
	KT_ASSERT_EQ(mbuf_inet_cksum(m, 6, 45, 1, &c), EINVAL);
	KT_ASSERT_EQ(mbuf_inet6_cksum(NULL, 6, 40, 1, &c), EINVAL);
	KT_ASSERT_EQ(mbuf_inet6_cksum(m, 6, 40, 0, &c), EINVAL);
	KT_ASSERT_EQ(mbuf_inet6_cksum(m, 6, 40, 1, NULL), EINVAL);
	KT_ASSERT_EQ(mbuf_inet6_cksum(m, 6, 40, 5, &c), EINVAL);
	KT_ASSERT_EQ(c, 0x1234);
	mbuf_freem(m);
}

static void
sum_short_chain(void *arg)
{
	u_int16_t c;

	(void)mbuf_inet_cksum(arg, 0, 0, 40, &c);
}

static void
sum_no_ip_header(void *arg)
{
	u_int16_t c;

	(void)mbuf_inet_cksum(arg, NKE_IPPROTO_UDP, 0, 8, &c);
}

static void
sum6_no_ip_header(void *arg)
{
	u_int16_t c;

	(void)mbuf_inet6_cksum(arg, NKE_IPPROTO_UDP, 0, 8, &c);
}

static void
test_cksum_panics(void)
{
	mbuf_t m = kt_packet(pkt_tcp4, 10, KT_LAYOUT_ONE, 0);

	/* pkthdr.len claims more than the chain holds (XNU's m_sum16 panics). */
	mbuf_pkthdr_setlen(m, 44);
	KT_EXPECT_PANIC(sum_short_chain, m, "len");
	/* A pseudo-header needs an IP header at the start of the chain. */
	KT_EXPECT_PANIC(sum_no_ip_header, m, "too short");
	KT_EXPECT_PANIC(sum6_no_ip_header, m, "too short");
	mbuf_freem(m);
}

/* ===================================================================== */
/* mbuf_outbound_finalize                                                */
/* ===================================================================== */

static u_int32_t
kt_requested(mbuf_t m)
{
	mbuf_csum_request_flags_t req;

	KT_ASSERT_EQ(mbuf_get_csum_requested(m, &req, NULL), 0);
	return req;
}

static void
test_finalize_ipv4_tcp_ip_layer(void)
{
	int layout;

	for (layout = 0; layout < KT_NLAYOUTS; layout++) {
		mbuf_t m;

		/*
		 * As the stack leaves it at ipf_output: ip_len in host order
		 * (little-endian), ip_sum 0, TCP field = pseudo-header sum.
		 */
		memcpy(buf, pkt_tcp4, sizeof(pkt_tcp4));
		buf[2] = pkt_tcp4[3];
		buf[3] = pkt_tcp4[2];
		buf[10] = buf[11] = 0;
		kt_put16(buf + 36, TCP4_PSEUDO);
		m = kt_packet(buf, sizeof(pkt_tcp4), layout, 3);
		KT_ASSERT_EQ(mbuf_set_csum_requested(m, MBUF_CSUM_REQ_IP | MBUF_CSUM_REQ_TCP, 16),
		             0);
		mbuf_set_vlan_tag(m, 3);
		mbuf_outbound_finalize(m, NKE_PF_INET, 0);
		KT_ASSERT_EQ(mbuf_copydata(m, 0, sizeof(pkt_tcp4), out), 0);
		KT_ASSERT_EQ(kt_get16(out + 36), TCP4_SUM);
		KT_ASSERT_EQ(kt_get16(out + 10), TCP4_IPSUM);
		/* Only the checksum fields were written. */
		KT_ASSERT_MEM_EQ(out, buf, 10);
		KT_ASSERT_EQ(kt_requested(m), 0);
		/* High bits untouched. */
		KT_ASSERT(m->m_pkthdr.csum_flags & CSUM_VLAN_TAG_VALID);
		KT_SANE(m, NKE_SANITY_PKTLEN);
		mbuf_freem(m);
	}
}

static void
test_finalize_ipv4_udp_link_layer(void)
{
	int layout;

	for (layout = 0; layout < KT_NLAYOUTS; layout++) {
		mbuf_t m;

		/* 14-byte Ethernet header in front, ip_len in network order. */
		memset(buf, 0xee, 14);
		memcpy(buf + 14, pkt_udp4, sizeof(pkt_udp4));
		kt_put16(buf + 14 + 26, UDP4_PSEUDO);
		m = kt_packet(buf, 14 + sizeof(pkt_udp4), layout, 9);
		mbuf_set_csum_requested(m, MBUF_CSUM_REQ_UDP, 6);
		mbuf_outbound_finalize(m, NKE_PF_INET, 14);
		KT_ASSERT_EQ(mbuf_copydata(m, 0, 14 + sizeof(pkt_udp4), out), 0);
		KT_ASSERT_MEM_EQ(out + 14, pkt_udp4, sizeof(pkt_udp4));
		KT_ASSERT_MEM_EQ(out, buf, 14);
		KT_ASSERT_EQ(kt_requested(m), 0);
		mbuf_freem(m);
	}
}

static void
test_finalize_udp_zero_becomes_ffff(void)
{
	mbuf_t m;

	memcpy(buf, pkt_udp4z, sizeof(pkt_udp4z));
	kt_put16(buf + 26, UDP4Z_PSEUDO);
	m = kt_packet(buf, sizeof(pkt_udp4z), KT_LAYOUT_1BYTE, 0);
	mbuf_set_csum_requested(m, MBUF_CSUM_REQ_UDP, 6);
	mbuf_outbound_finalize(m, NKE_PF_INET, 0);
	KT_ASSERT_EQ(mbuf_copydata(m, 26, 2, out), 0);
	KT_ASSERT_EQ(kt_get16(out), 0xffff);
	mbuf_freem(m);

	/* For TCP a zero stays zero unless CSUM_ZERO_INVERT asks otherwise. */
	memcpy(buf, pkt_udp4z, sizeof(pkt_udp4z));
	kt_put16(buf + 26, UDP4Z_PSEUDO);
	m = kt_packet(buf, sizeof(pkt_udp4z), KT_LAYOUT_ONE, 0);
	m->m_pkthdr.csum_flags = CSUM_TCP;
	m->m_pkthdr.csum_data = 6;
	mbuf_outbound_finalize(m, NKE_PF_INET, 0);
	KT_ASSERT_EQ(mbuf_copydata(m, 26, 2, out), 0);
	KT_ASSERT_EQ(kt_get16(out), 0x0000);
	mbuf_freem(m);
	m = kt_packet(buf, sizeof(pkt_udp4z), KT_LAYOUT_ONE, 0);
	m->m_pkthdr.csum_flags = CSUM_TCP | CSUM_ZERO_INVERT;
	m->m_pkthdr.csum_data = 6;
	mbuf_outbound_finalize(m, NKE_PF_INET, 0);
	KT_ASSERT_EQ(mbuf_copydata(m, 26, 2, out), 0);
	KT_ASSERT_EQ(kt_get16(out), 0xffff);
	KT_ASSERT_EQ(m->m_pkthdr.csum_flags, 0);
	mbuf_freem(m);
}

static void
test_finalize_ip_header_only_and_partial(void)
{
	mbuf_t m;

	/* Only the IP header pending; a wrong ip_len falls back to the packet. */
	memcpy(buf, pkt_udp4, sizeof(pkt_udp4));
	buf[10] = buf[11] = 0;
	m = kt_packet(buf, sizeof(pkt_udp4), KT_LAYOUT_1BYTE, 0);
	mbuf_set_csum_requested(m, MBUF_CSUM_REQ_IP, 0);
	mbuf_outbound_finalize(m, NKE_PF_INET, 0);
	KT_ASSERT_EQ(mbuf_copydata(m, 0, sizeof(pkt_udp4), out), 0);
	KT_ASSERT_MEM_EQ(out, pkt_udp4, sizeof(pkt_udp4));
	mbuf_freem(m);

	buf[2] = buf[3] = 0x77; /* garbage ip_len: 57 is used */
	m = kt_packet(buf, sizeof(pkt_udp4), KT_LAYOUT_ONE, 0);
	mbuf_set_csum_requested(m, MBUF_CSUM_REQ_IP, 0);
	mbuf_outbound_finalize(m, NKE_PF_INET, 0);
	KT_ASSERT_EQ(mbuf_copydata(m, 10, 2, out), 0);
	KT_ASSERT_EQ(kt_get16(out), UDP4_IPSUM);
	KT_ASSERT_EQ(mbuf_copydata(m, 2, 2, out), 0);
	KT_ASSERT_EQ(out[0], 0x77); /* the field itself is left alone */
	mbuf_freem(m);

	/* CSUM_PARTIAL: csum_data holds start/stuff offsets, their difference is used. */
	memcpy(buf, pkt_tcp4, sizeof(pkt_tcp4));
	kt_put16(buf + 36, TCP4_PSEUDO);
	m = kt_packet(buf, sizeof(pkt_tcp4), KT_LAYOUT_ONE, 0);
	m->m_pkthdr.csum_flags = CSUM_TCP | CSUM_PARTIAL | CSUM_DATA_VALID;
	m->m_pkthdr.csum_data = 34u | (50u << 16);
	mbuf_outbound_finalize(m, NKE_PF_INET, 0);
	KT_ASSERT_EQ(mbuf_copydata(m, 36, 2, out), 0);
	KT_ASSERT_EQ(kt_get16(out), TCP4_SUM);
	KT_ASSERT_EQ(m->m_pkthdr.csum_flags, 0);
	mbuf_freem(m);
}

static void
test_finalize_ipv6(void)
{
	int layout;

	for (layout = 0; layout < KT_NLAYOUTS; layout++) {
		mbuf_t m;

		memcpy(buf, pkt_tcp6, sizeof(pkt_tcp6));
		kt_put16(buf + 56, TCP6_PSEUDO);
		m = kt_packet(buf, sizeof(pkt_tcp6), layout, 11);
		mbuf_set_csum_requested(m, MBUF_CSUM_REQ_TCPIPV6, 16);
		mbuf_outbound_finalize(m, NKE_PF_INET6, 0);
		KT_ASSERT_EQ(mbuf_copydata(m, 0, sizeof(pkt_tcp6), out), 0);
		KT_ASSERT_MEM_EQ(out, pkt_tcp6, sizeof(pkt_tcp6));
		KT_ASSERT_EQ(kt_requested(m), 0);
		mbuf_freem(m);

		memset(buf, 0xee, 14);
		memcpy(buf + 14, pkt_udp6, sizeof(pkt_udp6));
		kt_put16(buf + 14 + 46, UDP6_PSEUDO);
		m = kt_packet(buf, 14 + sizeof(pkt_udp6), layout, 12);
		mbuf_set_csum_requested(m, MBUF_CSUM_REQ_UDPIPV6, 6);
		mbuf_outbound_finalize(m, NKE_PF_INET6, 14);
		KT_ASSERT_EQ(mbuf_copydata(m, 14, sizeof(pkt_udp6), out), 0);
		KT_ASSERT_MEM_EQ(out, pkt_udp6, sizeof(pkt_udp6));
		mbuf_freem(m);
	}
}

static void
test_finalize_nothing_to_do(void)
{
	mbuf_t m;

	memcpy(buf, pkt_tcp4, sizeof(pkt_tcp4));
	buf[36] = buf[37] = 0;
	/* No request bits: untouched. */
	m = kt_packet(buf, sizeof(pkt_tcp4), KT_LAYOUT_ONE, 0);
	mbuf_outbound_finalize(m, NKE_PF_INET, 0);
	/* Other families: untouched even with requests. */
	mbuf_set_csum_requested(m, MBUF_CSUM_REQ_TCP, 16);
	mbuf_outbound_finalize(m, 1 /* PF_LOCAL */, 0);
	/* IPv6 family ignores IPv4 requests, and vice versa. */
	mbuf_outbound_finalize(m, NKE_PF_INET6, 0);
	KT_ASSERT_EQ(kt_requested(m), MBUF_CSUM_REQ_TCP);
	KT_ASSERT_EQ(mbuf_copydata(m, 0, sizeof(pkt_tcp4), out), 0);
	KT_ASSERT_MEM_EQ(out, buf, sizeof(pkt_tcp4));
	mbuf_freem(m);

	/* IPv6 with an extension header in front of TCP: left alone. */
	memcpy(buf, pkt_tcp6, sizeof(pkt_tcp6));
	buf[6] = 0; /* hop-by-hop */
	m = kt_packet(buf, sizeof(pkt_tcp6), KT_LAYOUT_ONE, 0);
	mbuf_set_csum_requested(m, MBUF_CSUM_REQ_TCPIPV6, 16);
	mbuf_outbound_finalize(m, NKE_PF_INET6, 0);
	KT_ASSERT_EQ(kt_requested(m), MBUF_CSUM_REQ_TCPIPV6);
	mbuf_freem(m);
}

/*
 * Sums whose one's-complement value is zero: all-zero data sums to 0 (so
 * the checksum is 0xffff), all-0xff data to "negative zero" 0xffff (so the
 * checksum is 0), at every length and offset parity, flat and chained (the
 * word-at-a-time sum must keep the two apart).
 */
static void
test_sum_zero_and_ones(void)
{
	struct kt_rng r;
	unsigned len, off, fillv;

	kt_rng_seed(&r, 91);
	for (fillv = 0; fillv < 2; fillv++) {
		memset(buf, fillv ? 0xff : 0x00, sizeof(buf));
		for (len = 2; len <= 300; len += 2) {
			for (off = 0; off < 3; off++) {
				mbuf_t m = off == 2 ? kt_chain_random(&r, buf, 2048, 1)
				                    : kt_chain_1byte(buf, 600);
				u_int16_t c;

				if (off == 0) {
					mbuf_freem(m);
					KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, 2048, NULL, &m),
					             0);
					memcpy(mbuf_data(m), buf, 2048);
					mbuf_setlen(m, 2048);
					mbuf_pkthdr_setlen(m, 2048);
				}
				KT_ASSERT_EQ(mbuf_inet_cksum(m, 0, off, len, &c), 0);
				kt_expect_wire(c, fillv ? 0x0000 : 0xffff);
				kt_expect_wire(nke__m_sum16(m, off, len), fillv ? 0xffff : 0x0000);
				mbuf_freem(m);
			}
		}
	}
}

/*
 * Long flat ranges of bytes near 0xff (every word addition carries), at
 * every alignment: the eight-bytes-at-a-time sum and its end-around carries
 * against a byte-wise reference.
 */
static void
test_sum_long_carries(void)
{
	struct kt_rng r;
	unsigned i;
	mbuf_t m;

	kt_rng_seed(&r, 123);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (u_int8_t)(0xff - kt_randn(&r, i % 7 == 0 ? 256 : 3));
	KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, sizeof(buf), NULL, &m), 0);
	memcpy(mbuf_data(m), buf, sizeof(buf));
	mbuf_setlen(m, sizeof(buf));
	mbuf_pkthdr_setlen(m, sizeof(buf));
	for (i = 0; i < 400; i++) {
		u_int32_t off = kt_randn(&r, 9),
		          len = i < 100 ? i + 1 : 1 + kt_randn(&r, 2048 - 10);

		expect_range_sum(m, off, len);
	}
	mbuf_freem(m);
}

/*
 * The flat reference of expect_range_sum for any bytes (p: the chain's
 * bytes from offset 0), 64-bit accumulator; len 0 through nke__m_sum16 only
 * (mbuf_inet_cksum refuses it).
 */
static void
expect_sum_of(mbuf_t m, const u_int8_t *p, u_int32_t off, u_int32_t len)
{
	u_int64_t sum = 0;
	u_int32_t j;
	u_int16_t c;

	for (j = 0; j < len; j++)
		sum += j % 2 ? p[off + j] : (u_int64_t)p[off + j] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	if (len > 0) {
		KT_ASSERT_EQ(mbuf_inet_cksum(m, 0, off, len, &c), 0);
		kt_expect_wire(c, (u_int16_t)~sum);
	}
	kt_expect_wire(nke__m_sum16(m, off, len), (u_int16_t)sum);
}

/*
 * The vector sum's boundaries (nke_sum_vec: ranges of 128 bytes and more
 * in 64-byte steps, the rest by words): every length 0..300 at every
 * alignment 0..16 of one flat mbuf, over random bytes, all-0xff bytes and
 * bytes of 0xfe/0xff (every 64-bit lane addition carries), so each split
 * between the vector part, the 32-, 8-, 4- and 2-byte steps and an odd
 * last byte is taken, with both parities of the start.
 */
static void
test_sum_vector_boundaries(void)
{
	struct kt_rng r;
	unsigned pat, off, len, i;
	mbuf_t m;

	kt_rng_seed(&r, 2024);
	KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, sizeof(buf), NULL, &m), 0);
	KT_ASSERT_NULL(mbuf_next(m));
	mbuf_setlen(m, sizeof(buf));
	for (pat = 0; pat < 3; pat++) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = pat == 0   ? (u_int8_t)kt_randn(&r, 256)
			         : pat == 1 ? 0xff
			                    : (u_int8_t)(0xfe + kt_randn(&r, 2));
		memcpy(mbuf_data(m), buf, sizeof(buf));
		mbuf_pkthdr_setlen(m, sizeof(buf));
		for (off = 0; off <= 16; off++)
			for (len = 0; len <= 300; len++)
				expect_sum_of(m, buf, off, len);
	}
	mbuf_freem(m);
}

/* A long flat range: one mbuf over caller storage (mbuf_attachcluster). */
static u_int8_t kt_long[256 * 1024 + 64];

static void
kt_long_free(caddr_t b, u_int size, caddr_t arg)
{
	(void)b;
	(void)size;
	(void)arg;
}

/*
 * Ranges far longer than a packet (up to 256 KiB in one mbuf: the vector
 * lanes' sums grow past 2^32), all-0xff and near-0xff bytes, and random
 * ones, at several alignments, against the byte-wise reference.
 */
static void
test_sum_long_flat(void)
{
	static const u_int32_t lens[] = {128,    4096,        65535,  65536,     65537,
	                                 131071, 131072 + 62, 200000, 256 * 1024};
	struct kt_rng r;
	unsigned pat, i, off;
	mbuf_t m = NULL;

	kt_rng_seed(&r, 4242);
	KT_ASSERT_EQ(mbuf_attachcluster(MBUF_WAITOK, MBUF_TYPE_DATA, &m, (caddr_t)kt_long,
	                                kt_long_free, sizeof(kt_long), NULL),
	             0);
	mbuf_setlen(m, sizeof(kt_long));
	mbuf_pkthdr_setlen(m, sizeof(kt_long));
	for (pat = 0; pat < 3; pat++) {
		for (i = 0; i < sizeof(kt_long); i++)
			kt_long[i] = pat == 0 ? 0xff
			             : pat == 1
			                 ? (u_int8_t)(0xff - kt_randn(&r, i % 5 == 0 ? 256 : 2))
			                 : (u_int8_t)kt_randn(&r, 256);
		for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
			for (off = 0; off < 64; off += off < 8 ? 1 : 13)
				expect_sum_of(m, kt_long, off, lens[i]);
	}
	mbuf_freem(m);
}

NKT_CASES(NKT_CASE(test_ipv4_header_checksum), NKT_CASE(test_sum_zero_and_ones),
          NKT_CASE(test_ipv4_transport_checksums), NKT_CASE(test_ipv6_transport_checksums),
          NKT_CASE(test_ipv6_scope_embedded_word_skipped), NKT_CASE(test_sum_at_odd_offsets),
          NKT_CASE(test_sum_long_carries), NKT_CASE(test_sum_vector_boundaries),
          NKT_CASE(test_sum_long_flat), NKT_CASE(test_cksum_errors), NKT_CASE(test_cksum_panics),
          NKT_CASE(test_finalize_ipv4_tcp_ip_layer), NKT_CASE(test_finalize_ipv4_udp_link_layer),
          NKT_CASE(test_finalize_udp_zero_becomes_ffff),
          NKT_CASE(test_finalize_ip_header_only_and_partial), NKT_CASE(test_finalize_ipv6),
          NKT_CASE(test_finalize_nothing_to_do));
