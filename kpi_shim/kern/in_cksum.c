/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * in_cksum.c - Internet checksums over mbuf chains (kernel world).
 *
 * The sums behind mbuf_inet_cksum(), mbuf_inet6_cksum() and
 * mbuf_outbound_finalize(): the 16-bit one's-complement sum of a byte range
 * of a chain (any alignment, any split into mbufs, zero-length mbufs), the
 * IPv4/IPv6 pseudo-headers, and the software completion of the checksum
 * work an outbound packet still has pending (XNU's in_finalize_cksum and
 * in6_finalize_cksum).  Results are complemented and in wire order, i.e.
 * ready to be stored into the packet as a u_int16_t.  Byte-order handling
 * is written for any host; Darwin kernels are little-endian, and where XNU
 * reads a length field "in host order" nkesim does the same on its host.
 */
#include <sys/errno.h>
#include <string.h>

#include "mbuf_internal.h"

/* Small fixed-size copies expanded in place (-ffreestanding: memcpy is a call). */
#define memcpy(d, s, n) __builtin_memcpy((d), (s), (n))

/* Fold a 64-bit accumulator of big-endian 16-bit words to 16 bits. */
static u_int32_t
nke_fold(u_int64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u_int32_t)sum;
}

/* A big-endian (wire) 16-bit value as it reads from memory on this host. */
static u_int16_t
nke_wire16(u_int32_t v)
{
	u_int8_t b[2] = {(u_int8_t)(v >> 8), (u_int8_t)v};
	u_int16_t r;

	memcpy(&r, b, sizeof(r));
	return r;
}

#if defined(__GNUC__) &&                                                                           \
    (defined(__SSE2__) || defined(__ARM_NEON) || defined(__aarch64__) || defined(__ALTIVEC__))
#define NKE_SUM_VEC 1
/* Two 64-bit lanes: GCC/clang generic vectors (no intrinsics headers). */
typedef u_int64_t nke_v2u64 __attribute__((vector_size(16)));

/*
 * The bytes at p, n a multiple of 64, as 32-bit host-order words, each
 * congruent (modulo 0xffff) to the sum of its two 16-bit words.  Every
 * 16-byte load is added whole to a 64-bit lane (a) and its high 32-bit
 * halves to another (h): a lane of a is, modulo 2^64, the lane's high
 * halves times 2^32 plus its low halves, so a - (h << 32) is the exact sum
 * of the low halves (below 2^64 for any length).  Four vector operations
 * per 16 bytes; no carries to count.  Two pairs of accumulators, 64 bytes
 * a step.
 */
static u_int64_t
nke_sum_vec(const u_int8_t *p, u_int32_t n)
{
	nke_v2u64 a0 = {0, 0}, a1 = {0, 0}, h0 = {0, 0}, h1 = {0, 0}, x0, x1, x2, x3, l;

	for (; n >= 64; n -= 64, p += 64) {
		__builtin_memcpy(&x0, p, 16);
		__builtin_memcpy(&x1, p + 16, 16);
		__builtin_memcpy(&x2, p + 32, 16);
		__builtin_memcpy(&x3, p + 48, 16);
		a0 += x0;
		h0 += x0 >> 32;
		a1 += x1;
		h1 += x1 >> 32;
		a0 += x2;
		h0 += x2 >> 32;
		a1 += x3;
		h1 += x3 >> 32;
	}
	a0 += a1;
	h0 += h1;
	l = a0 - (h0 << 32);
	/* Each below 2^60 for n < 2^32: the four add up without overflow. */
	return l[0] + l[1] + h0[0] + h0[1];
}
#endif

/*
 * nke_sum_even(): the sum of the n bytes at p (n even) as big-endian 16-bit words, folded:
 * a value congruent to it modulo 0xffff, and 0 only when it is.  The
 * callers fold their totals, and a one's-complement fold depends on
 * nothing else, so this may read the bytes several at a time in the host's
 * order and swap the folded sum (RFC 1071: the sum is byte-order
 * independent; 2^16, 2^32 and 2^64 are all 1 modulo 0xffff, so a wider
 * word is congruent to the sum of its 16-bit words): inbound TCP checks
 * every segment's checksum, and a byte at a time was most of the simulated
 * host's time on large packets.  Ranges of 128 bytes and more by vectors
 * (nke_sum_vec) where the target has them, the rest (and short ranges, such
 * as the pseudo-header's) eight bytes at a time with the carries counted
 * (an add and an add-with-carry each) on 64-bit hosts, else four into
 * 64-bit accumulators.  nke_sum_words: the word part, s (below 2^34) added.
 */
static inline __attribute__((always_inline)) u_int64_t
nke_sum_words(const u_int8_t *p, u_int32_t n, u_int64_t s)
{
	u_int32_t w;
	u_int16_t h;

#if defined(__SIZEOF_INT128__) || defined(__LP64__)
	{
		/* Two lanes of 64-bit sums, each with its count of carries out. */
		u_int64_t a = 0, b = 0, ca = 0, cb = 0, x, y;

		for (; n >= 32; n -= 32, p += 32) {
			__builtin_memcpy(&x, p, 8);
			__builtin_memcpy(&y, p + 8, 8);
			a += x;
			ca += a < x;
			b += y;
			cb += b < y;
			__builtin_memcpy(&x, p + 16, 8);
			__builtin_memcpy(&y, p + 24, 8);
			a += x;
			ca += a < x;
			b += y;
			cb += b < y;
		}
		for (; n >= 8; n -= 8, p += 8) {
			__builtin_memcpy(&x, p, 8);
			a += x;
			ca += a < x;
		}
		/* Each carry out is worth 2^64, i.e. 1 modulo 0xffff. */
		a += b;
		ca += (a < b) + cb;
		a += ca;
		a += a < ca;
		s += (a & 0xffffffffu) + (a >> 32);
	}
#else
	{
		u_int64_t t = 0;
		u_int32_t x;

		for (; n >= 16; n -= 16, p += 16) {
			__builtin_memcpy(&w, p, 4);
			__builtin_memcpy(&x, p + 4, 4);
			s += w;
			t += x;
			__builtin_memcpy(&w, p + 8, 4);
			__builtin_memcpy(&x, p + 12, 4);
			s += w;
			t += x;
		}
		s += t;
	}
#endif
	for (; n >= 4; n -= 4, p += 4) {
		__builtin_memcpy(&w, p, 4);
		s += w;
	}
	if (n >= 2) {
		__builtin_memcpy(&h, p, 2);
		s += h;
	}
	s = nke_fold(s);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	s = (s >> 8 | s << 8) & 0xffff;
#endif
	return s;
}

#if defined(NKE_SUM_VEC)
/* A long range (a payload): vectors, then the last 0..63 bytes by words. */
static __attribute__((noinline)) u_int64_t
nke_sum_long(const u_int8_t *p, u_int32_t n)
{
	u_int64_t v = nke_sum_vec(p, n & ~(u_int32_t)63);

	return nke_sum_words(p + (n & ~(u_int32_t)63), n & 63, (v & 0xffffffffu) + (v >> 32));
}
#endif

static u_int64_t
nke_sum_even(const u_int8_t *p, u_int32_t n)
{
#if defined(NKE_SUM_VEC)
	if (n >= 128)
		return nke_sum_long(p, n);
#endif
	return nke_sum_words(p, n, 0);
}

/*
 * Sum of [off, off + len) as big-endian words, word boundaries counted from
 * `off`.  The chain must hold the range (callers check).  Not folded, or
 * folded in parts (see nke_sum_even): only its fold is meaningful.
 */
static u_int64_t
nke_sum_range(struct __mbuf *m, u_int32_t off, u_int32_t len)
{
	u_int64_t sum = 0;
	int odd = 0;

	while (m != NULL && off >= (u_int32_t)m->m_len) {
		off -= (u_int32_t)m->m_len;
		m = m->m_next;
	}
	for (; m != NULL && len > 0; m = m->m_next, off = 0) {
		const u_int8_t *p = (const u_int8_t *)m->m_data + off;
		u_int32_t n = (u_int32_t)m->m_len - off;

		if (n > len)
			n = len;
		len -= n;
		if (n > 0 && odd) {
			/* Second byte of a word that started in the previous mbuf. */
			sum += p[0];
			p++;
			n--;
			odd = 0;
		}
		if (n >= 2) {
			sum += nke_sum_even(p, n & ~(u_int32_t)1);
			p += n & ~(u_int32_t)1;
			n &= 1;
		}
		if (n == 1) {
			sum += (u_int32_t)p[0] << 8;
			odd = 1;
		}
	}
	return sum;
}

/* nke_sum16_checked() of a range not all in the first mbuf (out of line). */
static __attribute__((noinline)) u_int64_t
nke_sum16_chain(struct __mbuf *m, u_int32_t off, u_int32_t len, const char *who)
{
	size_t mlen = nke__m_length(m);

	if (mlen < (size_t)off + len)
		nke__panic("%s: mbuf %p len (%zu) < off+len (%u+%u)", who, (void *)m, mlen, off,
		           len);
	return nke_sum_range(m, off, len);
}

/* XNU's m_sum16: panics when the chain does not hold the range. */
static inline u_int64_t
nke_sum16_checked(struct __mbuf *m, u_int32_t off, u_int32_t len, const char *who)
{
	/* The range in the first mbuf (the usual case): its sum, no walk of the chain. */
	if (len > 0 && m->m_len >= 0 && (u_int64_t)off + len <= (u_int64_t)m->m_len) {
		const u_int8_t *p = (const u_int8_t *)m->m_data + off;
		u_int64_t sum = len >= 2 ? nke_sum_even(p, len & ~(u_int32_t)1) : 0;

		if (len & 1)
			sum += (u_int32_t)p[len - 1] << 8;
		return sum;
	}
	return nke_sum16_chain(m, off, len, who);
}

u_int16_t
nke__m_sum16(struct __mbuf *m, u_int32_t off, u_int32_t len)
{
	return nke_wire16(nke_fold(nke_sum16_checked(m, off, len, "m_sum16")));
}

/* Sum of n bytes at p as big-endian words. */
static u_int64_t
nke_sum_bytes(const u_int8_t *p, size_t n)
{
	u_int64_t sum = 0;

	for (; n >= 2; n -= 2, p += 2)
		sum += (u_int32_t)p[0] << 8 | p[1];
	if (n == 1)
		sum += (u_int32_t)p[0] << 8;
	return sum;
}

u_int16_t
nke__inet_cksum(struct __mbuf *m, u_int32_t nxt, u_int32_t off, u_int32_t len)
{
	u_int64_t sum = nke_sum16_checked(m, off, len, "inet_cksum");

	if (nxt != 0) {
		u_int8_t ipb[20];
		const u_int8_t *ip = (const u_int8_t *)m->m_data;
		u_int32_t x = len + nxt;

		/* The IPv4 header is expected at the start of the chain (read in place). */
		if ((u_int32_t)m->m_len < sizeof(ipb)) {
			if (nke__m_length(m) < sizeof(ipb))
				nke__panic("inet_cksum: mbuf %p too short (%zu) for IPv4 header",
				           (void *)m, nke__m_length(m));
			nke__m_copydata(m, 0, sizeof(ipb), ipb);
			ip = ipb;
		}
		sum += nke_sum_even(ip + 12, 8); /* source and destination (congruent sum) */
		sum += (x >> 16) + (x & 0xffff);
	}
	return nke_wire16(~nke_fold(sum) & 0xffff);
}

/*
 * nke__ip_hdr_sum's value (ip_frag.c: the checksum of an IPv4 header of
 * hlen bytes, its checksum field skipped, in wire order) read a word at a
 * time: for ip_input's check of every inbound header.  hlen is a multiple
 * of 4, at least 20.  The sum is 0 only when the bytes are, so the fold is
 * the same.  (Declared in ip_input.c, its only user.)
 */
u_int16_t nke__in_hdr_cksum(const u_int8_t *ip, u_int32_t hlen);

u_int16_t
nke__in_hdr_cksum(const u_int8_t *ip, u_int32_t hlen)
{
	/*
	 * Host-order 32-bit words (and the 16-bit one before the checksum
	 * field) summed in place, no call: congruent modulo 0xffff to the
	 * byte-swapped sum of the header's 16-bit words, and 0 only when every
	 * byte is, so the fold swapped back is nke_sum_even()'s.
	 */
	u_int64_t s = 0;
	u_int32_t w, i;
	u_int16_t h;

	for (i = 0; i < 8; i += 4) {
		memcpy(&w, ip + i, 4);
		s += w;
	}
	memcpy(&h, ip + 8, 2);
	s += h;
	for (i = 12; i < hlen; i += 4) {
		memcpy(&w, ip + i, 4);
		s += w;
	}
	s = nke_fold(s);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	s = (s >> 8 | s << 8) & 0xffff;
#endif
	return nke_wire16(~(u_int32_t)s & 0xffff);
}

/*
 * XNU keeps the interface scope of link-local and interface-local
 * addresses in their second 16-bit word while the packet is inside the
 * kernel, so its pseudo-header sum skips that word for such addresses.
 * nkesim mirrors that (on the wire the word is normally 0 anyway).
 */
static int
nke_in6_scope_embed(const u_int8_t *a)
{
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return 1; /* link-local unicast */
	if (a[0] == 0xff) {
		u_int8_t flags = a[1] & 0xf0, scope = a[1] & 0x0f;

		if (scope == 0x01)
			return 1; /* interface-local multicast */
		if (scope == 0x02 && flags != 0x30)
			return 1; /* link-local multicast, not unicast-prefix based */
	}
	return 0;
}

/*
 * Congruent (modulo 0xffff) to the sum of the address's words: the callers
 * add it to a pseudo-header sum, never 0 (next header and length), whose
 * fold depends on nothing else.
 */
static u_int64_t
nke_in6_addr_sum(const u_int8_t *a)
{
	u_int64_t sum = nke_sum_even(a, 16);

	if (nke_in6_scope_embed(a))
		sum += 0xffff - ((u_int32_t)a[2] << 8 | a[3]);
	return sum;
}

u_int16_t
nke__inet6_cksum(struct __mbuf *m, u_int32_t nxt, u_int32_t off, u_int32_t len)
{
	u_int64_t sum = nke_sum16_checked(m, off, len, "inet6_cksum");

	if (nxt != 0) {
		u_int8_t ip6b[40];
		const u_int8_t *ip6 = (const u_int8_t *)m->m_data;
		u_int32_t x = nxt + len;

		if ((u_int32_t)m->m_len < sizeof(ip6b)) {
			if (nke__m_length(m) < sizeof(ip6b))
				nke__panic(
				    "inet6_cksum: mbuf %p pkt too short (%zu) for IPv6 header",
				    (void *)m, nke__m_length(m));
			nke__m_copydata(m, 0, sizeof(ip6b), ip6b);
			ip6 = ip6b;
		}
		sum += nke_in6_addr_sum(ip6 + 8);
		sum += nke_in6_addr_sum(ip6 + 24);
		sum += (x >> 16) + (x & 0xffff);
	}
	return nke_wire16(~nke_fold(sum) & 0xffff);
}

/* XNU exports these two under their historical names. */
NKE_KPI u_int16_t
in_cksum(struct __mbuf *m, int len)
{
	return nke__inet_cksum(m, 0, 0, (u_int32_t)len);
}

NKE_KPI u_int16_t
in6_cksum(struct __mbuf *m, u_int32_t nxt, u_int32_t off, u_int32_t len)
{
	return nke__inet6_cksum(m, nxt, off, len);
}

/* A native 16-bit load, as XNU reads ip_len / ip6_plen "in host order". */
static u_int16_t
nke_load16(const u_int8_t *p)
{
	u_int16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static u_int16_t
nke_swap16(u_int16_t v)
{
	return (u_int16_t)((v >> 8) | (v << 8));
}

static u_int16_t
nke_ntoh16(const u_int8_t *p)
{
	return (u_int16_t)(p[0] << 8 | p[1]);
}

/* Offset of the checksum field from csum_data, undoing CSUM_PARTIAL. */
static u_int16_t
nke_ulp_offset(struct __mbuf *m)
{
	struct nke_pkthdr *ph = &m->m_pkthdr;

	if ((ph->csum_flags & (CSUM_PARTIAL | CSUM_DATA_VALID)) ==
	    (CSUM_PARTIAL | CSUM_DATA_VALID)) {
		/*
		 * csum_data holds two 16-bit halves, start then stuff, in
		 * memory order (a little-endian Darwin kernel reads start in
		 * the low half).
		 */
		u_int16_t half[2];

		memcpy(half, &ph->csum_data, sizeof(half));
		ph->csum_data = (u_int32_t)(u_int16_t)(half[1] - half[0]);
	}
	return (u_int16_t)(ph->csum_data & 0xffff);
}

static void
nke_store_csum(struct __mbuf *m, u_int32_t offset, u_int16_t csum)
{
	nke__m_copyback_inplace(m, (int)offset, sizeof(csum), &csum);
}

u_int32_t
nke__in_finalize_cksum(struct __mbuf *m, u_int32_t hoff, u_int32_t csum_flags)
{
	u_int8_t ip[60];
	u_int32_t mlen, hlen, len, sw_csum;
	u_int16_t csum, ip_len;

	NKE_ASSERT(m->m_flags & M_PKTHDR, "needs a packet header");
	sw_csum = csum_flags & m->m_pkthdr.csum_flags & (CSUM_DELAY_IP | CSUM_DELAY_DATA);
	if (sw_csum == 0)
		return 0;
	mlen = (u_int32_t)m->m_pkthdr.len;
	if (mlen < hoff + 20)
		nke__panic("in_finalize_cksum: mbuf %p pkt len (%u) < hoff+ip_hdr (%u+20)",
		           (void *)m, mlen, hoff);
	nke__m_copydata(m, (int)hoff, 20, ip);
	hlen = (u_int32_t)(ip[0] & 0x0f) << 2;
	if (mlen < hoff + hlen)
		nke__panic("in_finalize_cksum: mbuf %p pkt too short (%u) for IP header (%u), "
		           "hoff %u",
		           (void *)m, mlen, hlen, hoff);

	/*
	 * ip_len is in host order at the IP layer and in network order at the
	 * interface layer: take whichever matches the packet, else the packet.
	 */
	ip_len = nke_load16(ip + 2);
	if (ip_len != mlen - hoff) {
		ip_len = nke_swap16(ip_len);
		if (ip_len != mlen - hoff) {
			if (mlen - hoff > 0xffff)
				nke__panic("in_finalize_cksum: mlen %u - hoff %u > 65535", mlen,
				           hoff);
			ip_len = (u_int16_t)(mlen - hoff);
		}
	}
	len = (u_int32_t)ip_len - hlen;

	if (sw_csum & CSUM_DELAY_DATA) {
		u_int32_t offset = hoff + hlen;
		u_int16_t ulpoff = nke_ulp_offset(m);

		if (mlen < (u_int32_t)ulpoff + 2)
			nke__panic("in_finalize_cksum: mbuf %p pkt len (%u) proto %d invalid ULP "
			           "cksum offset (%u) cksum flags 0x%x",
			           (void *)m, mlen, ip[9], ulpoff, m->m_pkthdr.csum_flags);
		/* The field already holds the pseudo-header sum. */
		csum = nke__inet_cksum(m, 0, offset, len);
		if (csum == 0 && (m->m_pkthdr.csum_flags & (CSUM_UDP | CSUM_ZERO_INVERT)))
			csum = 0xffff;
		nke_store_csum(m, offset + ulpoff, csum);
		m->m_pkthdr.csum_flags &= ~(u_int32_t)(CSUM_DELAY_DATA | CSUM_DATA_VALID |
		                                       CSUM_PARTIAL | CSUM_ZERO_INVERT);
	}
	if (sw_csum & CSUM_DELAY_IP) {
		u_int8_t b[2];

		if (hlen > 20)
			nke__m_copydata(m, (int)hoff, (int)hlen, ip);
		/* Sum a copy with the length we trust and a zero checksum field. */
		b[0] = (u_int8_t)(ip_len >> 8);
		b[1] = (u_int8_t)ip_len;
		memcpy(ip + 2, b, 2);
		ip[10] = ip[11] = 0;
		csum = nke_wire16(~nke_fold(nke_sum_bytes(ip, hlen)) & 0xffff);
		nke_store_csum(m, hoff + 10, csum);
		m->m_pkthdr.csum_flags &= ~(u_int32_t)CSUM_DELAY_IP;
	}
	return sw_csum;
}

u_int32_t
nke__in6_finalize_cksum(struct __mbuf *m, u_int32_t hoff, int32_t optlen, int32_t nxt0,
                        u_int32_t csum_flags)
{
	u_int8_t ip6[40];
	u_int32_t offset, mlen, olen, sw_csum;
	u_int16_t csum, ulpoff, plen;
	u_int8_t nxt;

	NKE_ASSERT(m->m_flags & M_PKTHDR, "needs a packet header");
	sw_csum = csum_flags & m->m_pkthdr.csum_flags & CSUM_DELAY_IPV6_DATA;
	if (sw_csum == 0)
		return 0;
	mlen = (u_int32_t)m->m_pkthdr.len;
	if (mlen < hoff + 40)
		nke__panic("in6_finalize_cksum: mbuf %p pkt len (%u) < hoff+ip6_hdr (%u+40)",
		           (void *)m, mlen, hoff);
	nke__m_copydata(m, (int)hoff, 40, ip6);
	nxt = ip6[6];
	plen = nke_ntoh16(ip6 + 4);
	if (plen != mlen - (hoff + 40)) {
		plen = nke_swap16(plen);
		if (plen != mlen - (hoff + 40))
			plen = (u_int16_t)(mlen - (hoff + 40));
	}
	if (optlen < 0) {
		/* Unknown extension headers: only a bare TCP/UDP header is handled. */
		if (nxt != NKE_IPPROTO_TCP && nxt != NKE_IPPROTO_UDP)
			return 0;
		olen = 0;
	} else {
		if (nxt0 >= 0)
			nxt = (u_int8_t)nxt0;
		olen = (u_int32_t)optlen;
	}
	offset = hoff + 40 + olen;
	if (mlen < offset)
		nke__panic("in6_finalize_cksum: mbuf %p pkt len (%u) < hoff+ip6_hdr+ext_hdr "
		           "(%u+40+%u)",
		           (void *)m, mlen, hoff, olen);
	ulpoff = nke_ulp_offset(m);
	if (mlen < (u_int32_t)ulpoff + 2)
		nke__panic("in6_finalize_cksum: mbuf %p pkt len (%u) proto %d invalid ULP cksum "
		           "offset (%u) cksum flags 0x%x",
		           (void *)m, mlen, nxt, ulpoff, m->m_pkthdr.csum_flags);
	csum = nke__inet6_cksum(m, 0, offset, (u_int32_t)plen - olen);
	if (csum == 0 && (m->m_pkthdr.csum_flags & (CSUM_UDPIPV6 | CSUM_ZERO_INVERT)))
		csum = 0xffff;
	nke_store_csum(m, offset + ulpoff, csum);
	m->m_pkthdr.csum_flags &=
	    ~(u_int32_t)(CSUM_DELAY_IPV6_DATA | CSUM_DATA_VALID | CSUM_PARTIAL | CSUM_ZERO_INVERT);
	return sw_csum;
}
