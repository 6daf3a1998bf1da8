/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_kpi_mbuf.c - tests of kpi_shim/kern/kpi_mbuf.c (kernel world).
 *
 * The KPI layer as a kext sees it: sizes and header macros, data-access
 * rules, flag and type rules, packet-header fields, checksum/offload words,
 * VLAN tags, traffic classes, packet tags with every documented error,
 * statistics, the copydata error contract, and the Apple-private
 * accessors.  Chain operations themselves are tested in test_uipc_mbuf.c.
 */
#include "mbuf_testutil.h"

static u_int8_t flat[4096];
static u_int8_t out[4096];

/* ===================================================================== */
/* Sizes and header macros                                               */
/* ===================================================================== */

static void
test_sizes(void)
{
	KT_ASSERT_EQ(mbuf_get_mlen(), 224);
	KT_ASSERT_EQ(mbuf_get_mhlen(), 88);
	KT_ASSERT_EQ(mbuf_get_minclsize(), 312);
	KT_ASSERT_EQ(MLEN, 224);
	KT_ASSERT_EQ(MHLEN, 88);
	KT_ASSERT_EQ(MINCLSIZE, 224 + 88);
	KT_ASSERT_EQ(MSIZE, 256);
	KT_ASSERT_EQ(MCLBYTES, 2048);
	KT_ASSERT_EQ(MBIGCLBYTES, 4096);
	KT_ASSERT_EQ(M16KCLBYTES, 16384);
	KT_ASSERT_EQ(MBUF_COPYALL, 1000000000);
	KT_ASSERT_EQ(MT_DATA, MBUF_TYPE_DATA);
	KT_ASSERT_EQ(MT_OOBDATA, MBUF_TYPE_OOBDATA);
	KT_ASSERT_EQ(sizeof(struct mbuf_stat), 4 * 6 + 2 * 256 + 4 * 10);
	KT_ASSERT_EQ(__builtin_offsetof(struct mbuf_stat, mcfail), 4 * 6 + 2 * 256);
	KT_ASSERT_EQ(__builtin_offsetof(struct mbuf_stat, bigmclbytes), 4 * 6 + 2 * 256 + 36);
}

static void
test_constants(void)
{
	KT_ASSERT_EQ(MBUF_EXT, 0x1);
	KT_ASSERT_EQ(MBUF_PKTHDR, 0x2);
	KT_ASSERT_EQ(MBUF_EOR, 0x4);
	KT_ASSERT_EQ(MBUF_LOOP, 0x40);
	KT_ASSERT_EQ(MBUF_BCAST, 0x100);
	KT_ASSERT_EQ(MBUF_MCAST, 0x200);
	KT_ASSERT_EQ(MBUF_FRAG, 0x400);
	KT_ASSERT_EQ(MBUF_FIRSTFRAG, 0x800);
	KT_ASSERT_EQ(MBUF_LASTFRAG, 0x1000);
	KT_ASSERT_EQ(MBUF_PROMISC, 0x2000);
	KT_ASSERT_EQ(MBUF_HASFCS, 0x4000);
	KT_ASSERT_EQ(MBUF_TYPE_SONAME, 8);
	KT_ASSERT_EQ(MBUF_TYPE_SOOPTS, 10);
	KT_ASSERT_EQ(MBUF_TYPE_CONTROL, 14);
	KT_ASSERT_EQ(MBUF_CSUM_REQ_IP, 0x1);
	KT_ASSERT_EQ(MBUF_CSUM_REQ_TCP, 0x2);
	KT_ASSERT_EQ(MBUF_CSUM_REQ_UDP, 0x4);
	KT_ASSERT_EQ(MBUF_CSUM_REQ_TCPIPV6, 0x20);
	KT_ASSERT_EQ(MBUF_CSUM_REQ_UDPIPV6, 0x40);
	KT_ASSERT_EQ(MBUF_CSUM_DID_IP, 0x100);
	KT_ASSERT_EQ(MBUF_CSUM_IP_GOOD, 0x200);
	KT_ASSERT_EQ(MBUF_CSUM_DID_DATA, 0x400);
	KT_ASSERT_EQ(MBUF_CSUM_PSEUDO_HDR, 0x800);
	KT_ASSERT_EQ(MBUF_TSO_IPV4, 0x100000);
	KT_ASSERT_EQ(MBUF_TSO_IPV6, 0x200000);
	KT_ASSERT_EQ(MBUF_WAITOK, 0);
	KT_ASSERT_EQ(MBUF_DONTWAIT, 1);
	KT_ASSERT_EQ(MBUF_TC_BE, 0);
	KT_ASSERT_EQ(MBUF_TC_BK, 1);
	KT_ASSERT_EQ(MBUF_TC_VI, 2);
	KT_ASSERT_EQ(MBUF_TC_VO, 3);
}

/* ===================================================================== */
/* Allocation defaults                                                   */
/* ===================================================================== */

static void
test_get_and_gethdr_defaults(void)
{
	mbuf_t m, h;

	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_flags(m), 0);
	KT_ASSERT_EQ(mbuf_type(m), MBUF_TYPE_DATA);
	KT_ASSERT_EQ(mbuf_len(m), 0);
	KT_ASSERT_EQ(mbuf_maxlen(m), 224);
	KT_ASSERT_PTR_EQ(mbuf_data(m), mbuf_datastart(m));
	KT_ASSERT_EQ(mbuf_leadingspace(m), 0);
	KT_ASSERT_EQ(mbuf_trailingspace(m), 224);
	KT_ASSERT_NULL(mbuf_next(m));
	KT_ASSERT_NULL(mbuf_nextpkt(m));
	KT_ASSERT_EQ(mbuf_pkthdr_len(m), 0);
	KT_ASSERT(!mbuf_mclhasreference(m));

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_DONTWAIT, MBUF_TYPE_HEADER, &h), 0);
	KT_ASSERT_EQ(mbuf_flags(h), MBUF_PKTHDR);
	KT_ASSERT_EQ(mbuf_type(h), MBUF_TYPE_HEADER);
	KT_ASSERT_EQ(mbuf_maxlen(h), 88);
	KT_ASSERT_EQ(mbuf_trailingspace(h), 88);
	KT_ASSERT_EQ(mbuf_pkthdr_len(h), 0);
	KT_ASSERT_NULL(mbuf_pkthdr_rcvif(h));
	KT_ASSERT_NULL(mbuf_pkthdr_header(h));
	KT_ASSERT_EQ(mbuf_get_traffic_class(h), MBUF_TC_BE);
	{
		mbuf_csum_request_flags_t req = 1;
		mbuf_csum_performed_flags_t perf = 1;
		u_int32_t val = 1;
		u_int16_t vlan;

		KT_ASSERT_EQ(mbuf_get_csum_requested(h, &req, &val), 0);
		KT_ASSERT_EQ(req, 0);
		KT_ASSERT_EQ(val, 0);
		KT_ASSERT_EQ(mbuf_get_csum_performed(h, &perf, &val), 0);
		KT_ASSERT_EQ(perf, 0);
		KT_ASSERT_EQ(mbuf_get_vlan_tag(h, &vlan), ENXIO);
	}
	/* The header mbuf's data area lies after the header, inside the body. */
	KT_ASSERT_PTR_EQ((char *)mbuf_datastart(h) + 88, (char *)h->m_dat + 224);
	mbuf_free(m);
	mbuf_free(h);
}

/* ===================================================================== */
/* Data access                                                           */
/* ===================================================================== */

static void
test_setdata(void)
{
	mbuf_t m = NULL;
	char *start;

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	start = mbuf_datastart(m);
	KT_ASSERT_EQ(mbuf_setdata(m, start + 8, 80), 0);
	KT_ASSERT_PTR_EQ(mbuf_data(m), start + 8);
	KT_ASSERT_EQ(mbuf_len(m), 80);
	/* pkthdr.len is not touched. */
	KT_ASSERT_EQ(mbuf_pkthdr_len(m), 0);
	KT_ASSERT_EQ(mbuf_leadingspace(m), 8);
	KT_ASSERT_EQ(mbuf_trailingspace(m), 0);
	KT_ASSERT_EQ(mbuf_setdata(m, start + 8, 81), EINVAL);
	KT_ASSERT_EQ(mbuf_setdata(m, start - 1, 1), EINVAL);
	KT_ASSERT_EQ(mbuf_setdata(m, start, 88), 0);
	KT_ASSERT_EQ(mbuf_setdata(m, start + 88, 0), 0);
	KT_ASSERT_PTR_EQ(mbuf_data(m), start + 88);
	/* Unchanged after a refusal. */
	KT_ASSERT_EQ(mbuf_setdata(m, start + 89, 0), EINVAL);
	KT_ASSERT_PTR_EQ(mbuf_data(m), start + 88);
	KT_ASSERT_EQ(mbuf_getcluster(MBUF_WAITOK, MBUF_TYPE_DATA, 4096, &m), 0);
	start = mbuf_datastart(m);
	KT_ASSERT_EQ(mbuf_setdata(m, start + 4000, 96), 0);
	KT_ASSERT_EQ(mbuf_setdata(m, start + 4000, 97), EINVAL);
	mbuf_free(m);
}

static void
test_adjustlen_and_setlen(void)
{
	mbuf_t m;

	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_setdata(m, (char *)mbuf_datastart(m) + 24, 0), 0);
	KT_ASSERT_EQ(mbuf_adjustlen(m, 200), 0);
	KT_ASSERT_EQ(mbuf_len(m), 200);
	KT_ASSERT_EQ(mbuf_adjustlen(m, 1), EINVAL);
	KT_ASSERT_EQ(mbuf_adjustlen(m, -201), EINVAL);
	KT_ASSERT_EQ(mbuf_len(m), 200);
	KT_ASSERT_EQ(mbuf_adjustlen(m, -200), 0);
	KT_ASSERT_EQ(mbuf_len(m), 0);
	/* setlen does not validate. */
	mbuf_setlen(m, 5000);
	KT_ASSERT_EQ(mbuf_len(m), 5000);
	KT_ASSERT(nke__m_sanity(m, 0) != NULL);
	mbuf_setlen(m, 0);
	mbuf_free(m);
}

static void
test_align_32(void)
{
	mbuf_t m = NULL, c;

	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	/* len bytes end at the storage's end, start 4-byte aligned. */
	KT_ASSERT_EQ(mbuf_align_32(m, 21), 0);
	KT_ASSERT_PTR_EQ(mbuf_data(m), (char *)mbuf_datastart(m) + ((224 - 21) & ~3));
	KT_ASSERT_EQ(mbuf_align_32(m, 224), 0);
	KT_ASSERT_PTR_EQ(mbuf_data(m), mbuf_datastart(m));
	/* Too long: XNU would point outside the mbuf; nkesim reports it. */
	KT_ASSERT_EQ(mbuf_align_32(m, 225), 0);
	KT_ASSERT_EQ(NKT_reports("mbuf-align-overflow"), 1);
	KT_ASSERT_PTR_EQ(mbuf_data(m), mbuf_datastart(m));
	mbuf_free(m);

	m = NULL;
	KT_ASSERT_EQ(mbuf_getpacket(MBUF_WAITOK, &m), 0);
	KT_ASSERT_EQ(mbuf_align_32(m, 100), 0);
	KT_ASSERT_PTR_EQ(mbuf_data(m), (char *)mbuf_datastart(m) + 1948);
	mbuf_setlen(m, 100);
	mbuf_pkthdr_setlen(m, 100);
	KT_ASSERT_EQ(mbuf_copym(m, 0, 10, MBUF_WAITOK, &c), 0);
	/* Shared cluster. */
	KT_ASSERT_EQ(mbuf_align_32(m, 10), ENOTSUP);
	KT_ASSERT_EQ(mbuf_align_32(c, 10), ENOTSUP);
	mbuf_freem(c);
	mbuf_freem(m);
}

static void
test_data_to_physical(void)
{
	mbuf_t m;

	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_data_to_physical(mbuf_data(m)), (addr64_t)(uintptr_t)mbuf_data(m));
	mbuf_free(m);
}

/* ===================================================================== */
/* copydata error contract                                               */
/* ===================================================================== */

static void
test_copydata_errors(void)
{
	mbuf_t m;
	size_t i;

	kt_fill(flat, 40, 1);
	m = kt_chain_1byte(flat, 40);
	/* Nothing to copy into is a success. */
	KT_ASSERT_EQ(mbuf_copydata(m, 0, 10, NULL), 0);
	KT_ASSERT_EQ(mbuf_copydata(m, 1000, 0, out), 0);
	KT_ASSERT_EQ(mbuf_copydata(m, 1000, 10, NULL), 0);
	/* Huge offsets and lengths. */
	KT_ASSERT_EQ(mbuf_copydata(m, 2147483647u, 1, out), EINVAL);
	KT_ASSERT_EQ(mbuf_copydata(m, 0, 2147483647u, out), EINVAL);
	KT_ASSERT_EQ(mbuf_copydata(m, (size_t)-1, 1, out), EINVAL);
	/* Offset past the chain. */
	KT_ASSERT_EQ(mbuf_copydata(m, 41, 1, out), EINVAL);
	KT_ASSERT_EQ(mbuf_copydata(m, 40, 1, out), EINVAL);
	/* Short chain: EINVAL, but the bytes that exist were copied. */
	memset(out, 0xcc, sizeof(out));
	KT_ASSERT_EQ(mbuf_copydata(m, 30, 20, out), EINVAL);
	KT_ASSERT_MEM_EQ(out, flat + 30, 10);
	for (i = 10; i < 20; i++)
		KT_ASSERT_EQ(out[i], 0xcc);
	/* copydata walks m_len, not pkthdr.len. */
	mbuf_pkthdr_setlen(m, 10);
	KT_ASSERT_EQ(mbuf_copydata(m, 0, 40, out), 0);
	KT_ASSERT_MEM_EQ(out, flat, 40);
	mbuf_freem(m);
}

/* ===================================================================== */
/* Header fields                                                         */
/* ===================================================================== */

static void
test_next_and_nextpkt(void)
{
	mbuf_t a, b, c;

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &a), 0);
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &b), 0);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &c), 0);
	/* A packet on a list cannot be linked as a continuation. */
	mbuf_setnextpkt(b, a);
	KT_ASSERT_EQ(mbuf_setnext(a, b), EINVAL);
	KT_ASSERT_NULL(mbuf_next(a));
	mbuf_setnextpkt(b, NULL);
	KT_ASSERT_EQ(mbuf_setnext(a, c), 0);
	KT_ASSERT_PTR_EQ(mbuf_next(a), c);
	KT_ASSERT_EQ(mbuf_setnext(a, NULL), 0);
	KT_ASSERT_NULL(mbuf_next(a));
	mbuf_setnextpkt(a, b);
	KT_ASSERT_PTR_EQ(mbuf_nextpkt(a), b);
	/* setnext does not touch pkthdr.len. */
	KT_ASSERT_EQ(mbuf_setnext(b, c), 0);
	mbuf_setlen(c, 10);
	KT_ASSERT_EQ(mbuf_pkthdr_len(b), 0);
	KT_ASSERT_EQ(mbuf_freem_list(a), 2);
}

struct kt_ifq {
	mbuf_t ifq_head;
	mbuf_t ifq_tail;
	int ifq_len;
	int ifq_maxlen;
	int ifq_drops;
};

static void
test_ifq_macros(void)
{
	struct kt_ifq q = {NULL, NULL, 0, 50, 0};
	mbuf_t a, b, c, x;

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &a), 0);
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &b), 0);
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &c), 0);
	mbuf_setnextpkt(a, c); /* enqueue clears it */
	IF_ENQUEUE_MBUF(&q, a);
	IF_ENQUEUE_MBUF(&q, b);
	IF_PREPEND_MBUF(&q, c);
	KT_ASSERT_EQ(q.ifq_len, 3);
	KT_ASSERT_PTR_EQ(q.ifq_head, c);
	KT_ASSERT_PTR_EQ(q.ifq_tail, b);
	IF_DEQUEUE_MBUF(&q, x);
	KT_ASSERT_PTR_EQ(x, c);
	KT_ASSERT_NULL(mbuf_nextpkt(x));
	mbuf_freem(x);
	IF_DEQUEUE_MBUF(&q, x);
	KT_ASSERT_PTR_EQ(x, a);
	mbuf_freem(x);
	IF_DEQUEUE_MBUF(&q, x);
	KT_ASSERT_PTR_EQ(x, b);
	mbuf_freem(x);
	IF_DEQUEUE_MBUF(&q, x);
	KT_ASSERT_NULL(x);
	KT_ASSERT_NULL(q.ifq_tail);
	KT_ASSERT_EQ(q.ifq_len, 0);
}

static void
test_settype(void)
{
	struct mbuf_stat st;
	mbuf_t m;

	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_settype(m, MBUF_TYPE_FREE), EINVAL);
	KT_ASSERT_EQ(mbuf_type(m), MBUF_TYPE_DATA);
	KT_ASSERT_EQ(mbuf_settype(m, MBUF_TYPE_CONTROL), 0);
	KT_ASSERT_EQ(mbuf_type(m), MBUF_TYPE_CONTROL);
	mbuf_stats(&st);
	KT_ASSERT_EQ(st.mtypes[MT_CONTROL], 1);
	KT_ASSERT_EQ(st.mtypes[MT_DATA], 0);
	mbuf_free(m);
	mbuf_stats(&st);
	KT_ASSERT_EQ(st.mtypes[MT_CONTROL], 0);
}

static void
test_flags_rules(void)
{
	mbuf_t m = NULL;

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	/* Private bits are neither shown nor settable, but they are kept. */
	m->m_flags |= M_PROTO1;
	KT_ASSERT_EQ(mbuf_flags(m), MBUF_PKTHDR);
	KT_ASSERT_EQ(mbuf_setflags(m, MBUF_PKTHDR | M_PROTO1), EINVAL);
	KT_ASSERT_EQ(mbuf_setflags(m, MBUF_PKTHDR | MBUF_EXT), EINVAL);
	KT_ASSERT_EQ(mbuf_setflags(m, MBUF_PKTHDR | MBUF_BCAST | MBUF_EOR), 0);
	KT_ASSERT_EQ(mbuf_flags(m), MBUF_PKTHDR | MBUF_BCAST | MBUF_EOR);
	KT_ASSERT(m->m_flags & M_PROTO1);
	/* mask rules */
	KT_ASSERT_EQ(mbuf_setflags_mask(m, MBUF_MCAST, MBUF_MCAST | MBUF_EXT), EINVAL);
	KT_ASSERT_EQ(mbuf_setflags_mask(m, M_PROTO2, M_PROTO2), EINVAL);
	KT_ASSERT_EQ(mbuf_setflags_mask(m, MBUF_MCAST, MBUF_MCAST | MBUF_BCAST), 0);
	KT_ASSERT_EQ(mbuf_flags(m), MBUF_PKTHDR | MBUF_MCAST | MBUF_EOR);
	KT_ASSERT_EQ(mbuf_setflags_mask(m, MBUF_FRAG | MBUF_LOOP, MBUF_FRAG | MBUF_LOOP), 0);
	KT_ASSERT_EQ(mbuf_flags(m), MBUF_PKTHDR | MBUF_MCAST | MBUF_EOR | MBUF_FRAG | MBUF_LOOP);
	m->m_flags &= ~M_PROTO1;

	/* With a cluster, EXT must be passed back unchanged. */
	KT_ASSERT_EQ(mbuf_mclget(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_setflags(m, MBUF_PKTHDR), EINVAL);
	KT_ASSERT_EQ(mbuf_setflags(m, mbuf_flags(m) | MBUF_HASFCS), 0);
	KT_ASSERT(mbuf_flags(m) & MBUF_HASFCS);
	mbuf_free(m);
}

static void
test_setflags_pkthdr_on_off(void)
{
	mbuf_t m;

	/* On: an empty plain mbuf becomes a header mbuf with a fresh header. */
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_setflags(m, MBUF_PKTHDR | MBUF_BCAST), 0);
	KT_ASSERT_EQ(mbuf_flags(m), MBUF_PKTHDR | MBUF_BCAST);
	KT_ASSERT_EQ(mbuf_pkthdr_len(m), 0);
	KT_ASSERT_NULL(mbuf_pkthdr_rcvif(m));
	KT_ASSERT_EQ(mbuf_maxlen(m), 88);
	KT_ASSERT_PTR_EQ(mbuf_data(m), mbuf_datastart(m));
	kt_add_tag(m, 1, 10, 0x1);
	KT_ASSERT_EQ(kt_live_tags(), 1);
	/* Off: the tags go. */
	KT_ASSERT_EQ(mbuf_setflags(m, MBUF_BCAST), 0);
	KT_ASSERT_EQ(mbuf_flags(m), MBUF_BCAST);
	KT_ASSERT_EQ(kt_live_tags(), 0);
	KT_ASSERT_EQ(mbuf_maxlen(m), 224);
	mbuf_free(m);

	/* On, with data in the internal buffer: EBUSY. */
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	mbuf_setlen(m, 4);
	KT_ASSERT_EQ(mbuf_setflags(m, MBUF_PKTHDR), EBUSY);
	KT_ASSERT(!(mbuf_flags(m) & MBUF_PKTHDR));
	mbuf_setlen(m, 0);
	KT_ASSERT_EQ(mbuf_setdata(m, m->m_dat + 8, 0), 0);
	KT_ASSERT_EQ(mbuf_setflags_mask(m, MBUF_PKTHDR, MBUF_PKTHDR), EBUSY);
	mbuf_free(m);

	/* With a cluster the internal buffer is free: always allowed. */
	m = NULL;
	KT_ASSERT_EQ(mbuf_mclget(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	mbuf_setlen(m, 100);
	KT_ASSERT_EQ(mbuf_setflags(m, MBUF_EXT | MBUF_PKTHDR), 0);
	KT_ASSERT_EQ(mbuf_len(m), 100);
	KT_ASSERT_EQ(mbuf_maxlen(m), 2048);
	mbuf_free(m);
}

static void
test_copy_pkthdr(void)
{
	mbuf_t src, dst, plain;
	static int ifp_dummy, hdr_dummy;

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &src), 0);
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &dst), 0);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &plain), 0);
	KT_ASSERT_EQ(mbuf_copy_pkthdr(dst, plain), EINVAL);

	kt_add_tag(src, 1, 10, 0x10);
	kt_add_tag(dst, 2, 10, 0x20);
	mbuf_pkthdr_setlen(src, 1234);
	mbuf_pkthdr_setrcvif(src, (ifnet_t)&ifp_dummy);
	mbuf_pkthdr_setheader(src, &hdr_dummy);
	KT_ASSERT_EQ(mbuf_set_traffic_class(src, MBUF_TC_BK), 0);
	KT_ASSERT_EQ(mbuf_setflags_mask(src, MBUF_MCAST, MBUF_MCAST), 0);
	mbuf_set_csum_performed(src, MBUF_CSUM_DID_IP | MBUF_CSUM_IP_GOOD, 7);
	KT_ASSERT_EQ(mbuf_setdata(dst, (char *)mbuf_datastart(dst) + 30, 5), 0);

	KT_ASSERT_EQ(mbuf_copy_pkthdr(dst, src), 0);
	/* The destination loses its own tags and takes the source's. */
	KT_ASSERT(kt_has_tag(dst, 1, 10, 0x10));
	KT_ASSERT(!kt_has_tag(dst, 2, 10, 0x20));
	KT_ASSERT(!kt_has_tag(src, 1, 10, 0x10));
	KT_ASSERT_EQ(kt_live_tags(), 1);
	KT_ASSERT_EQ(mbuf_pkthdr_len(dst), 1234);
	KT_ASSERT_PTR_EQ(mbuf_pkthdr_rcvif(dst), &ifp_dummy);
	KT_ASSERT_PTR_EQ(mbuf_pkthdr_header(dst), &hdr_dummy);
	KT_ASSERT_EQ(mbuf_get_traffic_class(dst), MBUF_TC_BK);
	KT_ASSERT_EQ(mbuf_flags(dst), MBUF_PKTHDR | MBUF_MCAST);
	/* Its data pointer goes back to the start of the header buffer. */
	KT_ASSERT_PTR_EQ(mbuf_data(dst), mbuf_datastart(dst));
	/* The source keeps length, rcvif, checksum state; loses classification. */
	KT_ASSERT_EQ(mbuf_pkthdr_len(src), 1234);
	KT_ASSERT_PTR_EQ(mbuf_pkthdr_rcvif(src), &ifp_dummy);
	KT_ASSERT_EQ(mbuf_get_traffic_class(src), MBUF_TC_BE);
	KT_ASSERT_EQ(mbuf_flags(src), MBUF_PKTHDR | MBUF_MCAST);
	{
		mbuf_csum_performed_flags_t f;
		u_int32_t v;

		KT_ASSERT_EQ(mbuf_get_csum_performed(src, &f, &v), 0);
		KT_ASSERT_EQ(f, MBUF_CSUM_DID_IP | MBUF_CSUM_IP_GOOD);
		KT_ASSERT_EQ(v, 7);
	}
	/* Onto a plain mbuf: it becomes a header mbuf. */
	KT_ASSERT_EQ(mbuf_copy_pkthdr(plain, dst), 0);
	KT_ASSERT(mbuf_flags(plain) & MBUF_PKTHDR);
	KT_ASSERT(kt_has_tag(plain, 1, 10, 0x10));
	KT_ASSERT_EQ(mbuf_maxlen(plain), 88);
	mbuf_free(src);
	mbuf_free(dst);
	mbuf_free(plain);
	KT_ASSERT_EQ(kt_live_tags(), 0);
}

static void
test_pkthdr_fields(void)
{
	mbuf_t m, p;
	static int ifp_dummy;

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	mbuf_pkthdr_setlen(m, 100);
	KT_ASSERT_EQ(mbuf_pkthdr_len(m), 100);
	mbuf_pkthdr_adjustlen(m, -30);
	KT_ASSERT_EQ(mbuf_pkthdr_len(m), 70);
	mbuf_pkthdr_setlen(m, (size_t)1 << 40);
	KT_ASSERT_EQ(mbuf_pkthdr_len(m), 2147483647);
	mbuf_pkthdr_setlen(m, 0);
	mbuf_pkthdr_adjustlen(m, -5);
	KT_ASSERT_EQ(mbuf_pkthdr_len(m), 0); /* negative reads as 0 */
	KT_ASSERT_EQ(mbuf_pkthdr_setrcvif(m, (ifnet_t)&ifp_dummy), 0);
	KT_ASSERT_PTR_EQ(mbuf_pkthdr_rcvif(m), &ifp_dummy);
	KT_ASSERT_EQ(mbuf_pkthdr_setrcvif(m, NULL), 0);
	mbuf_pkthdr_setheader(m, flat);
	KT_ASSERT_PTR_EQ(mbuf_pkthdr_header(m), flat);
	mbuf_free(m);

	/* Without a header: XNU corrupts the data area; nkesim reports. */
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &p), 0);
	KT_ASSERT_EQ(mbuf_pkthdr_len(p), 0);
	mbuf_pkthdr_setlen(p, 10);
	KT_ASSERT_EQ(mbuf_pkthdr_len(p), 0);
	KT_ASSERT_EQ(NKT_reports("mbuf-no-pkthdr"), 1);
	mbuf_free(p);
}

static void
test_traffic_class(void)
{
	mbuf_t m, p;
	mbuf_traffic_class_t tc;

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &p), 0);
	for (tc = MBUF_TC_BE; tc <= MBUF_TC_VO; tc++) {
		KT_ASSERT_EQ(mbuf_set_traffic_class(m, tc), 0);
		KT_ASSERT_EQ(mbuf_get_traffic_class(m), tc);
	}
	KT_ASSERT_EQ(mbuf_set_traffic_class(m, (mbuf_traffic_class_t)4), EINVAL);
	KT_ASSERT_EQ(mbuf_get_traffic_class(m), MBUF_TC_VO);
	KT_ASSERT_EQ(mbuf_set_traffic_class(p, MBUF_TC_VO), EINVAL);
	KT_ASSERT_EQ(mbuf_get_traffic_class(p), MBUF_TC_BE);
	KT_ASSERT_EQ(mbuf_set_traffic_class(NULL, MBUF_TC_VO), EINVAL);
	KT_ASSERT_EQ(mbuf_get_traffic_class(NULL), MBUF_TC_BE);
	/* Privilege is the stack's to grant. */
	KT_ASSERT(!mbuf_is_traffic_class_privileged(m));
	m->m_pkthdr.pkt_flags |= PKTF_PRIO_PRIVILEGED;
	KT_ASSERT(mbuf_is_traffic_class_privileged(m));
	KT_ASSERT(!mbuf_is_traffic_class_privileged(p));
	/* Service classes map onto the four traffic classes. */
	KT_ASSERT_EQ(mbuf_set_service_class(m, MBUF_SC_AV), 0);
	KT_ASSERT_EQ(mbuf_get_traffic_class(m), MBUF_TC_VI);
	KT_ASSERT_EQ(mbuf_set_service_class(m, MBUF_SC_BK_SYS), 0);
	KT_ASSERT_EQ(mbuf_get_traffic_class(m), MBUF_TC_BK);
	KT_ASSERT_EQ(mbuf_set_service_class(m, MBUF_SC_CTL), 0);
	KT_ASSERT_EQ(mbuf_get_traffic_class(m), MBUF_TC_VO);
	KT_ASSERT_EQ(mbuf_get_service_class(m), MBUF_SC_CTL);
	KT_ASSERT_EQ(mbuf_set_service_class(m, (mbuf_svc_class_t)0x12345), EINVAL);
	KT_ASSERT_EQ(mbuf_get_service_class(m), MBUF_SC_CTL);
	mbuf_free(m);
	mbuf_free(p);
}

static void
test_service_class_indexes(void)
{
	u_int32_t idx;

	KT_ASSERT_EQ(mbuf_get_traffic_class_max_count(), 4);
	KT_ASSERT_EQ(mbuf_get_service_class_max_count(), 10);
	KT_ASSERT_EQ(mbuf_get_traffic_class_index(MBUF_TC_BE, &idx), 0);
	KT_ASSERT_EQ(idx, 0);
	KT_ASSERT_EQ(mbuf_get_traffic_class_index(MBUF_TC_VO, &idx), 0);
	KT_ASSERT_EQ(idx, 8);
	KT_ASSERT_EQ(mbuf_get_traffic_class_index((mbuf_traffic_class_t)4, &idx), EINVAL);
	KT_ASSERT_EQ(mbuf_get_traffic_class_index(MBUF_TC_BK, NULL), EINVAL);
	KT_ASSERT_EQ(mbuf_get_service_class_index(MBUF_SC_CTL, &idx), 0);
	KT_ASSERT_EQ(idx, 9);
	KT_ASSERT_EQ(mbuf_get_service_class_index(MBUF_SC_BK_SYS, &idx), 0);
	KT_ASSERT_EQ(idx, 1);
	KT_ASSERT_EQ(mbuf_get_service_class_index((mbuf_svc_class_t)7, &idx), EINVAL);
}

/* ===================================================================== */
/* Checksum and offload words                                            */
/* ===================================================================== */

static void
test_csum_requested(void)
{
	mbuf_t m;
	mbuf_csum_request_flags_t req;
	u_int32_t val;

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	mbuf_set_vlan_tag(m, 5);
	/* Only the request bits (partial included) are kept; the high bits stay. */
	KT_ASSERT_EQ(mbuf_set_csum_requested(m, 0xffff, 16), 0);
	KT_ASSERT_EQ(m->m_pkthdr.csum_flags, CSUM_VLAN_TAG_VALID | CSUM_IP | CSUM_TCP | CSUM_UDP |
	                                         CSUM_TCPIPV6 | CSUM_UDPIPV6 | CSUM_PARTIAL);
	KT_ASSERT_EQ(mbuf_get_csum_requested(m, &req, &val), 0);
	KT_ASSERT_EQ(req, MBUF_CSUM_REQ_IP | MBUF_CSUM_REQ_TCP | MBUF_CSUM_REQ_UDP |
	                      MBUF_CSUM_REQ_TCPIPV6 | MBUF_CSUM_REQ_UDPIPV6 | MBUF_CSUM_PARTIAL);
	KT_ASSERT_EQ(val, 16);
	KT_ASSERT_EQ(mbuf_get_csum_requested(m, &req, NULL), 0);
	/* Performed bits are not request bits. */
	m->m_pkthdr.csum_flags |= CSUM_IP_CHECKED | CSUM_ZERO_INVERT;
	KT_ASSERT_EQ(mbuf_get_csum_requested(m, &req, &val), 0);
	KT_ASSERT(!(req & (CSUM_IP_CHECKED | CSUM_ZERO_INVERT)));
	KT_ASSERT_EQ(mbuf_clear_csum_requested(m), 0);
	KT_ASSERT_EQ(m->m_pkthdr.csum_flags, CSUM_VLAN_TAG_VALID);
	KT_ASSERT_EQ(m->m_pkthdr.csum_data, 0);
	mbuf_free(m);
}

static void
test_csum_performed(void)
{
	mbuf_t m;
	mbuf_csum_performed_flags_t perf;
	u_int32_t val;

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	m->m_pkthdr.csum_flags = CSUM_TSO_IPV4 | CSUM_TCP;
	KT_ASSERT_EQ(mbuf_set_csum_performed(m, 0xffffffff, 0xffff), 0);
	/* Low 16 bits replaced by the masked set; high bits kept. */
	KT_ASSERT_EQ(m->m_pkthdr.csum_flags, CSUM_TSO_IPV4 | CSUM_IP_CHECKED | CSUM_IP_VALID |
	                                         CSUM_DATA_VALID | CSUM_PSEUDO_HDR | CSUM_PARTIAL);
	KT_ASSERT_EQ(mbuf_get_csum_performed(m, &perf, &val), 0);
	KT_ASSERT_EQ(perf, MBUF_CSUM_DID_IP | MBUF_CSUM_IP_GOOD | MBUF_CSUM_DID_DATA |
	                       MBUF_CSUM_PSEUDO_HDR | MBUF_CSUM_TCP_SUM16);
	KT_ASSERT_EQ(val, 0xffff);
	KT_ASSERT_EQ(mbuf_clear_csum_performed(m), 0);
	KT_ASSERT_EQ(m->m_pkthdr.csum_flags, CSUM_TSO_IPV4);
	KT_ASSERT_EQ(m->m_pkthdr.csum_data, 0);
	/* inbound_modified clears the whole word, VLAN and TSO bits included. */
	mbuf_set_vlan_tag(m, 9);
	mbuf_set_csum_performed(m, MBUF_CSUM_DID_DATA, 0xffff);
	mbuf_inbound_modified(m);
	KT_ASSERT_EQ(m->m_pkthdr.csum_flags, 0);
	{
		u_int16_t v;

		KT_ASSERT_EQ(mbuf_get_vlan_tag(m, &v), ENXIO);
	}
	mbuf_free(m);
}

static void
test_vlan_tag(void)
{
	mbuf_t m;
	u_int16_t v = 0x1234;

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_get_vlan_tag(m, &v), ENXIO);
	KT_ASSERT_EQ(v, 0x1234);
	KT_ASSERT_EQ(mbuf_set_vlan_tag(m, 0), 0);
	KT_ASSERT_EQ(mbuf_get_vlan_tag(m, &v), 0);
	KT_ASSERT_EQ(v, 0);
	KT_ASSERT_EQ(mbuf_set_vlan_tag(m, 4094), 0);
	KT_ASSERT_EQ(mbuf_get_vlan_tag(m, &v), 0);
	KT_ASSERT_EQ(v, 4094);
	KT_ASSERT_EQ(m->m_pkthdr.csum_flags, CSUM_VLAN_TAG_VALID);
	/* Checksum calls leave the VLAN state alone. */
	mbuf_set_csum_requested(m, MBUF_CSUM_REQ_TCP, 16);
	mbuf_clear_csum_requested(m);
	KT_ASSERT_EQ(mbuf_get_vlan_tag(m, &v), 0);
	KT_ASSERT_EQ(mbuf_clear_vlan_tag(m), 0);
	KT_ASSERT_EQ(mbuf_get_vlan_tag(m, &v), ENXIO);
	KT_ASSERT_EQ(m->m_pkthdr.vlan_tag, 0);
	mbuf_free(m);
}

static void
test_tso_requested(void)
{
	mbuf_t m, p;
	mbuf_tso_request_flags_t req = 7;
	u_int32_t mss = 1;

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &p), 0);
	KT_ASSERT_EQ(mbuf_get_tso_requested(NULL, &req, &mss), EINVAL);
	KT_ASSERT_EQ(mbuf_get_tso_requested(p, &req, &mss), EINVAL);
	KT_ASSERT_EQ(mbuf_get_tso_requested(m, NULL, &mss), EINVAL);
	KT_ASSERT_EQ(mbuf_get_tso_requested(m, &req, NULL), EINVAL);
	/* No TSO: request 0, mss left alone. */
	KT_ASSERT_EQ(mbuf_get_tso_requested(m, &req, &mss), 0);
	KT_ASSERT_EQ(req, 0);
	KT_ASSERT_EQ(mss, 1);
	KT_ASSERT_EQ(mbuf_set_gso_info(m, MBUF_GSO_TYPE_IPV6, 1440, 60), 0);
	KT_ASSERT_EQ(mbuf_get_tso_requested(m, &req, &mss), 0);
	KT_ASSERT_EQ(req, MBUF_TSO_IPV6);
	KT_ASSERT_EQ(mss, 1440);
	mbuf_free(m);
	mbuf_free(p);
}

static void
test_gso_lro_info(void)
{
	mbuf_t m;
	mbuf_gso_type_t type;
	uint16_t seg, hlen;
	uint8_t cnt, dup;

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_get_gso_info(m, &type, &seg, &hlen), 0);
	KT_ASSERT_EQ(type, MBUF_GSO_TYPE_NONE);
	KT_ASSERT_EQ(mbuf_set_gso_info(m, MBUF_GSO_TYPE_IPV4, 0, 40), EINVAL);
	KT_ASSERT_EQ(mbuf_set_gso_info(m, 7, 1, 40), EINVAL);
	KT_ASSERT_EQ(mbuf_set_gso_info(m, MBUF_GSO_TYPE_IPV4, 1460, 40), 0);
	KT_ASSERT_EQ(mbuf_get_gso_info(m, &type, &seg, &hlen), 0);
	KT_ASSERT_EQ(type, MBUF_GSO_TYPE_IPV4);
	KT_ASSERT_EQ(seg, 1460);
	KT_ASSERT_EQ(hlen, 40);
	KT_ASSERT_EQ(mbuf_set_gso_info(m, MBUF_GSO_TYPE_NONE, 1, 0), EINVAL);
	KT_ASSERT_EQ(mbuf_set_gso_info(m, MBUF_GSO_TYPE_NONE, 0, 0), 0);
	KT_ASSERT_EQ(m->m_pkthdr.csum_flags, 0);
	KT_ASSERT_EQ(mbuf_get_gso_info(m, NULL, &seg, &hlen), EINVAL);
	/* XNU's setter stores the count but reports EINVAL. */
	KT_ASSERT_EQ(mbuf_set_lro_info(m, 5, 0), EINVAL);
	KT_ASSERT_EQ(mbuf_get_lro_info(m, &cnt, &dup), 0);
	KT_ASSERT_EQ(cnt, 5);
	KT_ASSERT_EQ(dup, 0);
	KT_ASSERT_EQ(mbuf_set_lro_info(m, 1, 0), EINVAL);
	KT_ASSERT_EQ(mbuf_get_lro_info(m, &cnt, NULL), EINVAL);
	mbuf_free(m);
}

/* ===================================================================== */
/* Statistics                                                            */
/* ===================================================================== */

static void
test_mbuf_stats(void)
{
	struct mbuf_stat st;
	mbuf_t a = NULL, b = NULL, c;

	KT_ASSERT_EQ(mbuf_getcluster(MBUF_WAITOK, MBUF_TYPE_DATA, 2048, &a), 0);
	KT_ASSERT_EQ(mbuf_getcluster(MBUF_WAITOK, MBUF_TYPE_DATA, 4096, &b), 0);
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_HEADER, &c), 0);
	mbuf_stats(&st);
	KT_ASSERT_EQ(st.msize, 256);
	KT_ASSERT_EQ(st.mclbytes, 2048);
	KT_ASSERT_EQ(st.bigmclbytes, 4096);
	KT_ASSERT_EQ(st.mlen, 224);
	KT_ASSERT_EQ(st.mhlen, 88);
	KT_ASSERT_EQ(st.minclsize, 312);
	KT_ASSERT(st.mbufs >= 3);
	KT_ASSERT(st.clusters >= 1);
	KT_ASSERT_EQ(st.clfree, st.clusters - 1);
	KT_ASSERT(st.bigclusters >= 1);
	KT_ASSERT_EQ(st.bigclfree, st.bigclusters - 1);
	KT_ASSERT_EQ(st.mtypes[MT_DATA], 2);
	KT_ASSERT_EQ(st.mtypes[MT_HEADER], 1);
	KT_ASSERT_EQ(st.mtypes[MT_FREE], st.mbufs - 3);
	KT_ASSERT_EQ(st.drops, 0);
	KT_ASSERT_EQ(st.wait, 0);
	KT_ASSERT_EQ(st.drain, 0);
	mbuf_free(a);
	mbuf_free(b);
	mbuf_free(c);
}

/* ===================================================================== */
/* Packet tags                                                           */
/* ===================================================================== */

static void
test_tag_allocate(void)
{
	mbuf_t m, p;
	mbuf_tag_id_t id = kt_tag_id();
	void *data = (void *)1;
	size_t i;

	KT_ASSERT_EQ(id, 1000);
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &p), 0);
	KT_ASSERT_EQ(mbuf_tag_allocate(m, id, 3, 100, MBUF_WAITOK, &data), 0);
	KT_ASSERT(data != NULL);
	for (i = 0; i < 100; i++)
		KT_ASSERT_EQ(((u_int8_t *)data)[i], 0);
	memset(data, 0x5e, 100);
	/* Same (id, type) twice. */
	KT_ASSERT_EQ(mbuf_tag_allocate(m, id, 3, 10, MBUF_WAITOK, &data), EEXIST);
	KT_ASSERT_NULL(data);
	/* Another type is another tag. */
	KT_ASSERT_EQ(mbuf_tag_allocate(m, id, 4, 10, MBUF_WAITOK, &data), 0);

	/* EINVAL: every argument rule, *data_p cleared first. */
	data = (void *)1;
	KT_ASSERT_EQ(mbuf_tag_allocate(NULL, id, 5, 10, MBUF_WAITOK, &data), EINVAL);
	KT_ASSERT_NULL(data);
	data = (void *)1;
	KT_ASSERT_EQ(mbuf_tag_allocate(p, id, 5, 10, MBUF_WAITOK, &data), EINVAL);
	KT_ASSERT_NULL(data);
	KT_ASSERT_EQ(mbuf_tag_allocate(m, 999, 5, 10, MBUF_WAITOK, &data), EINVAL);
	KT_ASSERT_EQ(mbuf_tag_allocate(m, id + 1, 5, 10, MBUF_WAITOK, &data), EINVAL);
	KT_ASSERT_EQ(mbuf_tag_allocate(m, id, 5, 0, MBUF_WAITOK, &data), EINVAL);
	KT_ASSERT_EQ(mbuf_tag_allocate(m, id, 5, 0x10000, MBUF_WAITOK, &data), EINVAL);
	KT_ASSERT_EQ(mbuf_tag_allocate(m, id, 5, 10, MBUF_WAITOK, NULL), EINVAL);

	/* Allocation failures: ENOMEM when waiting is allowed, else EWOULDBLOCK. */
	NKT_fail_alloc(NKS_ALLOC_TAG, 0, 1);
	KT_ASSERT_EQ(mbuf_tag_allocate(m, id, 5, 10, MBUF_WAITOK, &data), ENOMEM);
	KT_ASSERT_NULL(data);
	NKT_fail_alloc(NKS_ALLOC_TAG, 0, 1);
	KT_ASSERT_EQ(mbuf_tag_allocate(m, id, 5, 10, MBUF_DONTWAIT, &data), EWOULDBLOCK);
	/* Lengths near 2 KB are refused by the allocator the same way. */
	KT_ASSERT_EQ(mbuf_tag_allocate(m, id, 6, NKE_MTAG_MAXLEN, MBUF_WAITOK, &data), 0);
	for (i = 0; i < NKE_MTAG_MAXLEN; i++)
		KT_ASSERT_EQ(((u_int8_t *)data)[i], 0);
	KT_ASSERT_EQ(mbuf_tag_allocate(m, id, 7, NKE_MTAG_MAXLEN + 1, MBUF_WAITOK, &data), ENOMEM);
	KT_ASSERT_EQ(mbuf_tag_allocate(m, id, 7, 4000, MBUF_DONTWAIT, &data), EWOULDBLOCK);
	KT_ASSERT_EQ(kt_live_tags(), 3);
	/* Tags go with the packet. */
	mbuf_free(m);
	KT_ASSERT_EQ(kt_live_tags(), 0);
	mbuf_free(p);
}

static void
test_tag_find_and_free(void)
{
	mbuf_t m, p;
	mbuf_tag_id_t id = kt_tag_id();
	size_t len = 5;
	void *data = (void *)1, *d1;

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &p), 0);
	KT_ASSERT_EQ(mbuf_tag_find(m, id, 1, &len, &data), ENOENT);
	KT_ASSERT_EQ(len, 0);
	KT_ASSERT_NULL(data);
	KT_ASSERT_EQ(mbuf_tag_allocate(m, id, 1, 33, MBUF_WAITOK, &d1), 0);
	KT_ASSERT_EQ(mbuf_tag_find(m, id, 1, &len, &data), 0);
	KT_ASSERT_EQ(len, 33);
	KT_ASSERT_PTR_EQ(data, d1);
	KT_ASSERT_EQ(mbuf_tag_find(m, id, 2, &len, &data), ENOENT);

	len = 5;
	data = (void *)1;
	KT_ASSERT_EQ(mbuf_tag_find(NULL, id, 1, &len, &data), EINVAL);
	KT_ASSERT_EQ(len, 0);
	KT_ASSERT_NULL(data);
	KT_ASSERT_EQ(mbuf_tag_find(p, id, 1, &len, &data), EINVAL);
	KT_ASSERT_EQ(mbuf_tag_find(m, 999, 1, &len, &data), EINVAL);
	KT_ASSERT_EQ(mbuf_tag_find(m, id + 1, 1, &len, &data), EINVAL);
	KT_ASSERT_EQ(mbuf_tag_find(m, id, 1, NULL, &data), EINVAL);
	KT_ASSERT_NULL(data);
	KT_ASSERT_EQ(mbuf_tag_find(m, id, 1, &len, NULL), EINVAL);

	/* Free: bad arguments and missing tags are silently ignored. */
	mbuf_tag_free(NULL, id, 1);
	mbuf_tag_free(p, id, 1);
	mbuf_tag_free(m, 999, 1);
	mbuf_tag_free(m, id, 2);
	KT_ASSERT_EQ(kt_live_tags(), 1);
	mbuf_tag_free(m, id, 1);
	KT_ASSERT_EQ(kt_live_tags(), 0);
	KT_ASSERT_EQ(mbuf_tag_find(m, id, 1, &len, &data), ENOENT);
	/* Freed, it can be allocated again. */
	KT_ASSERT_EQ(mbuf_tag_allocate(m, id, 1, 8, MBUF_WAITOK, &d1), 0);
	mbuf_free(m);
	mbuf_free(p);
}

static void
test_tag_ids_share_counter(void)
{
	mbuf_tag_id_t a, b, c;
	u_int32_t v;

	KT_ASSERT_EQ(mbuf_tag_id_find("com.example.a", &a), 0);
	KT_ASSERT_EQ(mbuf_tag_id_find("com.example.b", &b), 0);
	KT_ASSERT_EQ(mbuf_tag_id_find("com.example.a", &c), 0);
	KT_ASSERT_EQ(a, 1000);
	KT_ASSERT_EQ(b, 1001);
	KT_ASSERT_EQ(c, a);
	/* A vendor code takes the next number; it is no tag id. */
	KT_ASSERT_EQ(nke__net_str_id_find_kind("com.example.vendor", &v, NKE_NSI_VENDOR_CODE), 0);
	KT_ASSERT_EQ(v, 1002);
	{
		mbuf_t m;
		void *d;

		KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
		KT_ASSERT_EQ(mbuf_tag_allocate(m, v, 1, 4, MBUF_WAITOK, &d), EINVAL);
		KT_ASSERT_EQ(mbuf_tag_allocate(m, b, 1, 4, MBUF_WAITOK, &d), 0);
		/* Once the vendor string is asked for as a tag id, its number is valid. */
		KT_ASSERT_EQ(mbuf_tag_id_find("com.example.vendor", &c), 0);
		KT_ASSERT_EQ(c, 1002);
		KT_ASSERT_EQ(mbuf_tag_allocate(m, v, 1, 4, MBUF_WAITOK, &d), 0);
		mbuf_free(m);
	}
	KT_ASSERT_EQ(mbuf_tag_id_find(NULL, &a), EINVAL);
	KT_ASSERT_EQ(mbuf_tag_id_find("x", NULL), EINVAL);
}

static void
test_tag_lifetime_rules(void)
{
	mbuf_t m, t, c, orig;

	/* pullup and prepend move the tags to a new head. */
	kt_fill(flat, 200, 3);
	m = kt_chain_1byte(flat, 200);
	kt_add_tag(m, 1, 12, 0xab);
	orig = m;
	KT_ASSERT_EQ(mbuf_pullup(&m, 88), 0);
	KT_ASSERT(m != orig);
	KT_ASSERT(kt_has_tag(m, 1, 12, 0xab));
	orig = m;
	KT_ASSERT_EQ(mbuf_prepend(&m, 80, MBUF_WAITOK), 0);
	KT_ASSERT(m != orig);
	KT_ASSERT(kt_has_tag(m, 1, 12, 0xab));
	KT_ASSERT(!(mbuf_flags(orig) & MBUF_PKTHDR));
	/* split's tail gets none. */
	KT_ASSERT_EQ(mbuf_split(m, 100, MBUF_WAITOK, &t), 0);
	KT_ASSERT(kt_has_tag(m, 1, 12, 0xab));
	KT_ASSERT(!kt_has_tag(t, 1, 12, 0xab));
	mbuf_freem(t);
	/* dup copies, copym from 0 moves. */
	KT_ASSERT_EQ(mbuf_dup(m, MBUF_WAITOK, &c), 0);
	KT_ASSERT(kt_has_tag(c, 1, 12, 0xab) && kt_has_tag(m, 1, 12, 0xab));
	mbuf_freem(c);
	KT_ASSERT_EQ(mbuf_copym(m, 0, 10, MBUF_WAITOK, &c), 0);
	KT_ASSERT(kt_has_tag(c, 1, 12, 0xab) && !kt_has_tag(m, 1, 12, 0xab));
	mbuf_freem(c);
	mbuf_freem(m);
	KT_ASSERT_EQ(kt_live_tags(), 0);
}

static void
test_tag_memory_poisoned_after_free(void)
{
	mbuf_t m;
	u_int8_t *d;

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	d = kt_add_tag(m, 1, 8, 0x00);
	KT_ASSERT(d[0] == 0);
	mbuf_free(m);
	/* The tag header is marked dead (the data itself may be unaddressable). */
	KT_ASSERT_EQ(((struct m_tag *)(void *)d - 1)->m_tag_cookie, NKE_MTAG_DEAD);
}

/* ===================================================================== */
/* Apple-private accessors                                               */
/* ===================================================================== */

static void
test_drvaux(void)
{
	mbuf_t m, p;
	void *d = NULL;
	u_int32_t fam, sub, len;

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &p), 0);
	KT_ASSERT_EQ(mbuf_find_drvaux(m, &fam, &sub, &len, &d), ENOENT);
	KT_ASSERT_EQ(mbuf_add_drvaux(m, MBUF_WAITOK, 2, 3, 0, &d), EINVAL);
	KT_ASSERT_EQ(mbuf_add_drvaux(m, MBUF_WAITOK, 2, 3, 169, &d), EINVAL);
	KT_ASSERT_EQ(mbuf_add_drvaux(p, MBUF_WAITOK, 2, 3, 8, &d), EINVAL);
	KT_ASSERT_EQ(mbuf_add_drvaux(m, MBUF_WAITOK, 2, 3, 168, &d), 0);
	memset(d, 0x3c, 168);
	KT_ASSERT_EQ(mbuf_add_drvaux(m, MBUF_WAITOK, 2, 3, 8, &d), EEXIST);
	KT_ASSERT_EQ(mbuf_find_drvaux(m, &fam, &sub, &len, &d), 0);
	KT_ASSERT_EQ(fam, 2);
	KT_ASSERT_EQ(sub, 3);
	KT_ASSERT_EQ(len, 168);
	KT_ASSERT_EQ(((u_int8_t *)d)[167], 0x3c);
	mbuf_del_drvaux(m);
	KT_ASSERT_EQ(mbuf_find_drvaux(m, NULL, NULL, NULL, &d), ENOENT);
	NKT_fail_alloc(NKS_ALLOC_TAG, 0, 1);
	KT_ASSERT_EQ(mbuf_add_drvaux(m, MBUF_DONTWAIT, 2, 3, 8, &d), EWOULDBLOCK);
	mbuf_free(m);
	mbuf_free(p);
}

static void
test_timestamp_scratch_flags(void)
{
	mbuf_t m, p;
	u_int64_t ts = 5;
	boolean_t valid = TRUE;
	u_int8_t *area;
	size_t alen;
	u_int32_t r;

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &p), 0);
	KT_ASSERT_EQ(mbuf_get_timestamp(m, &ts, &valid), 0);
	KT_ASSERT_EQ(ts, 0);
	KT_ASSERT_EQ(valid, FALSE);
	KT_ASSERT_EQ(mbuf_set_timestamp(m, 123456789, TRUE), 0);
	KT_ASSERT_EQ(mbuf_get_timestamp(m, &ts, &valid), 0);
	KT_ASSERT_EQ(ts, 123456789);
	KT_ASSERT_EQ(valid, TRUE);
	KT_ASSERT_EQ(mbuf_get_timestamp(m, &ts, NULL), 0);
	KT_ASSERT_EQ(mbuf_set_timestamp(m, 1, FALSE), 0);
	KT_ASSERT_EQ(mbuf_get_timestamp(m, &ts, &valid), 0);
	KT_ASSERT_EQ(ts, 0);
	KT_ASSERT_EQ(mbuf_get_timestamp(p, &ts, &valid), EINVAL);
	KT_ASSERT_EQ(mbuf_set_timestamp(p, 1, TRUE), EINVAL);

	KT_ASSERT_EQ(mbuf_get_driver_scratch(m, &area, &alen), 0);
	KT_ASSERT_EQ(alen, 16);
	KT_ASSERT(area[0] == 0 && area[15] == 0);
	memset(area, 0x77, alen);
	KT_ASSERT_EQ(mbuf_get_driver_scratch(p, &area, &alen), EINVAL);

	KT_ASSERT_EQ(mbuf_set_keepalive_flag(m, TRUE), 0);
	KT_ASSERT_EQ(mbuf_get_keepalive_flag(m, &valid), 0);
	KT_ASSERT_EQ(valid, TRUE);
	KT_ASSERT_EQ(mbuf_set_keepalive_flag(m, FALSE), 0);
	KT_ASSERT_EQ(mbuf_get_keepalive_flag(m, &valid), 0);
	KT_ASSERT_EQ(valid, FALSE);
	KT_ASSERT_EQ(mbuf_set_wake_packet_flag(m, TRUE), 0);
	KT_ASSERT_EQ(mbuf_get_wake_packet_flag(m, &valid), 0);
	KT_ASSERT_EQ(valid, TRUE);
	KT_ASSERT_EQ(mbuf_get_wake_packet_flag(p, &valid), EINVAL);

	KT_ASSERT_EQ(mbuf_pkt_new_flow(m, &r), 0);
	KT_ASSERT_EQ(r, 0);
	KT_ASSERT_EQ(mbuf_last_pkt(m, &r), 0);
	KT_ASSERT_EQ(r, 0);
	KT_ASSERT_EQ(mbuf_last_pkt(m, NULL), EINVAL);
	KT_ASSERT_EQ(mbuf_get_unsent_data_bytes(m, &r), EINVAL);
	{
		mbuf_buffer_status_t bs;
		mbuf_pkthdr_aux_flags_t af = 9;

		KT_ASSERT_EQ(mbuf_get_buffer_status(m, &bs), EINVAL);
		m->m_pkthdr.pkt_flags |= PKTF_VALID_UNSENT_DATA;
		m->m_pkthdr.bufstatus_if = 10;
		m->m_pkthdr.bufstatus_sndbuf = 20;
		KT_ASSERT_EQ(mbuf_get_unsent_data_bytes(m, &r), 0);
		KT_ASSERT_EQ(r, 30);
		KT_ASSERT_EQ(mbuf_get_buffer_status(m, &bs), 0);
		KT_ASSERT_EQ(bs.buf_interface, 10);
		KT_ASSERT_EQ(bs.buf_sndbuf, 20);
		KT_ASSERT_EQ(mbuf_pkthdr_aux_flags(m, &af), 0);
		KT_ASSERT_EQ(af, 0);
		m->m_pkthdr.pkt_flags |= PKTF_INET_RESOLVE | PKTF_RESOLVE_RTR;
		KT_ASSERT_EQ(mbuf_pkthdr_aux_flags(m, &af), 0);
		KT_ASSERT_EQ(af, MBUF_PKTAUXF_INET_RESOLVE_RTR);
		KT_ASSERT_EQ(mbuf_pkthdr_aux_flags(p, &af), EINVAL);
	}
	/* The scratch area and classification do not survive a header move. */
	{
		mbuf_t q;

		KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &q), 0);
		KT_ASSERT_EQ(mbuf_copy_pkthdr(q, m), 0);
		KT_ASSERT_EQ(mbuf_get_driver_scratch(m, &area, &alen), 0);
		KT_ASSERT_EQ(area[0], 0);
		KT_ASSERT_EQ(mbuf_get_driver_scratch(q, &area, &alen), 0);
		KT_ASSERT_EQ(area[0], 0x77);
		KT_ASSERT_EQ(mbuf_get_wake_packet_flag(m, &valid), 0);
		KT_ASSERT_EQ(valid, FALSE);
		mbuf_free(q);
	}
	mbuf_free(m);
	mbuf_free(p);
}

static void
test_driver_fields(void)
{
	mbuf_t m;
	kern_return_t st = 5;
	u_int16_t fid = 5;
	uintptr_t a = 5, d = 5;

	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_get_status(m, &st), 0);
	KT_ASSERT_EQ(st, 0);
	KT_ASSERT_EQ(mbuf_get_flowid(m, &fid), 0);
	KT_ASSERT_EQ(fid, 0);
	KT_ASSERT_EQ(mbuf_get_tx_compl_data(m, &a, &d), 0);
	KT_ASSERT(a == 0 && d == 0);
	KT_ASSERT_EQ(mbuf_set_status(m, 77), 0);
	KT_ASSERT_EQ(mbuf_set_flowid(m, 0xbeef), 0);
	KT_ASSERT_EQ(mbuf_set_tx_compl_data(m, 11, 22), 0);
	KT_ASSERT_EQ(mbuf_get_status(m, &st), 0);
	KT_ASSERT_EQ(st, 77);
	KT_ASSERT_EQ(mbuf_get_flowid(m, &fid), 0);
	KT_ASSERT_EQ(fid, 0xbeef);
	KT_ASSERT_EQ(mbuf_get_tx_compl_data(m, &a, &d), 0);
	KT_ASSERT(a == 11 && d == 22);
	KT_ASSERT_EQ(mbuf_get_status(m, NULL), EINVAL);
	mbuf_free(m);
}

static int kt_compl_calls;
static uintptr_t kt_compl_pktid, kt_compl_arg;
static u_int64_t kt_compl_ts;
static kern_return_t kt_compl_val;

static void
kt_compl(uintptr_t pktid, ifnet_t ifp, u_int64_t ts, uintptr_t arg, uintptr_t data,
         kern_return_t val)
{
	(void)ifp;
	(void)data;
	kt_compl_calls++;
	kt_compl_pktid = pktid;
	kt_compl_ts = ts;
	kt_compl_arg = arg;
	kt_compl_val = val;
}

static void
kt_compl2(uintptr_t pktid, ifnet_t ifp, u_int64_t ts, uintptr_t arg, uintptr_t data,
          kern_return_t val)
{
	(void)pktid;
	(void)ifp;
	(void)ts;
	(void)arg;
	(void)data;
	(void)val;
}

static void
test_tx_completion_callbacks(void)
{
	mbuf_t m, d;
	uintptr_t id = 99;
	boolean_t req = TRUE;

	kt_compl_calls = 0;
	KT_ASSERT_EQ(mbuf_register_tx_compl_callback(NULL), EINVAL);
	KT_ASSERT_EQ(mbuf_unregister_tx_compl_callback(kt_compl), ENOENT);
	KT_ASSERT_EQ(mbuf_register_tx_compl_callback(kt_compl), 0);
	KT_ASSERT_EQ(mbuf_register_tx_compl_callback(kt_compl), EEXIST);
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_get_timestamp_requested(m, &req), 0);
	KT_ASSERT_EQ(req, FALSE);
	KT_ASSERT_EQ(mbuf_set_timestamp_requested(m, &id, kt_compl2), ENOENT);
	KT_ASSERT_EQ(mbuf_set_timestamp_requested(m, &id, kt_compl), 0);
	KT_ASSERT_EQ(id, 0);
	KT_ASSERT_EQ(mbuf_get_timestamp_requested(m, &req), 0);
	KT_ASSERT_EQ(req, TRUE);
	mbuf_set_timestamp(m, 4242, TRUE);
	mbuf_set_tx_compl_data(m, 7, 8);
	mbuf_set_status(m, 3);
	/* A copy of the header does not inherit the request. */
	KT_ASSERT_EQ(mbuf_dup(m, MBUF_WAITOK, &d), 0);
	mbuf_freem(d);
	KT_ASSERT_EQ(kt_compl_calls, 0);
	/* Freeing the packet completes it (no interface: aborted). */
	mbuf_freem(m);
	KT_ASSERT_EQ(kt_compl_calls, 1);
	KT_ASSERT_EQ(kt_compl_pktid, 0);
	KT_ASSERT_EQ(kt_compl_ts, 4242);
	KT_ASSERT_EQ(kt_compl_arg, 7);
	KT_ASSERT_EQ(kt_compl_val, 3);
	/* The next request gets the next id. */
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_set_timestamp_requested(m, &id, kt_compl), 0);
	KT_ASSERT_EQ(id, 1);
	KT_ASSERT_EQ(mbuf_unregister_tx_compl_callback(kt_compl), 0);
	mbuf_freem(m);
	KT_ASSERT_EQ(kt_compl_calls, 1);
}

NKT_CASES(NKT_CASE(test_sizes), NKT_CASE(test_constants), NKT_CASE(test_get_and_gethdr_defaults),
          NKT_CASE(test_setdata), NKT_CASE(test_adjustlen_and_setlen), NKT_CASE(test_align_32),
          NKT_CASE(test_data_to_physical), NKT_CASE(test_copydata_errors),
          NKT_CASE(test_next_and_nextpkt), NKT_CASE(test_ifq_macros), NKT_CASE(test_settype),
          NKT_CASE(test_flags_rules), NKT_CASE(test_setflags_pkthdr_on_off),
          NKT_CASE(test_copy_pkthdr), NKT_CASE(test_pkthdr_fields), NKT_CASE(test_traffic_class),
          NKT_CASE(test_service_class_indexes), NKT_CASE(test_csum_requested),
          NKT_CASE(test_csum_performed), NKT_CASE(test_vlan_tag), NKT_CASE(test_tso_requested),
          NKT_CASE(test_gso_lro_info), NKT_CASE(test_mbuf_stats), NKT_CASE(test_tag_allocate),
          NKT_CASE(test_tag_find_and_free), NKT_CASE(test_tag_ids_share_counter),
          NKT_CASE(test_tag_lifetime_rules), NKT_CASE(test_tag_memory_poisoned_after_free),
          NKT_CASE(test_drvaux), NKT_CASE(test_timestamp_scratch_flags),
          NKT_CASE(test_driver_fields), NKT_CASE(test_tx_completion_callbacks));
