/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_dlil.c - tests of kpi_shim/kern/dlil.c and the frame paths of
 * net_sim.c (kernel world): lo0 (output, then re-input through both hooks,
 * checksum state, one emission), truncated records, the stack's own drops
 * (each emitted as it came, with a NKS_HOOK_STACK verdict), non-IP frames,
 * stacked VLAN tags, framing of packets kexts make (neighbour table), and
 * the checksum state iff_output sees with and without offload.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include "pkt_testutil.h"

struct obs {
	int in, out, ipin, ipout;
	protocol_family_t pf;
	u_int8_t frame[64];
	u_int32_t af_word;
	mbuf_csum_performed_flags_t perf;
	u_int32_t perf_value;
	mbuf_csum_request_flags_t req;
	u_int8_t pkt[128];
	u_int32_t len;
	interface_filter_t iref;
	ipfilter_t ref;
};

static errno_t
obs_iin(void *cookie, ifnet_t ifp, protocol_family_t pf, mbuf_t *data, char **frame)
{
	struct obs *o = cookie;

	(void)ifp;
	o->in++;
	o->pf = pf;
	memcpy(&o->af_word, *frame, 4);
	memcpy(o->frame, *frame, 14);
	KT_ASSERT_EQ(mbuf_get_csum_performed(*data, &o->perf, &o->perf_value), 0);
	o->len = pt_flatten(*data, o->pkt, sizeof(o->pkt));
	return 0;
}

static errno_t
obs_iout(void *cookie, ifnet_t ifp, protocol_family_t pf, mbuf_t *data)
{
	struct obs *o = cookie;
	u_int32_t v;

	(void)ifp;
	o->out++;
	o->pf = pf;
	o->len = pt_flatten(*data, o->pkt, sizeof(o->pkt));
	memcpy(&o->af_word, o->pkt, 4);
	KT_ASSERT_EQ(mbuf_get_csum_requested(*data, &o->req, &v), 0);
	return 0;
}

static errno_t
obs_ipin(void *cookie, mbuf_t *data, int off, u_int8_t proto)
{
	struct obs *o = cookie;

	(void)off;
	(void)proto;
	o->ipin++;
	o->len = pt_flatten(*data, o->pkt, sizeof(o->pkt));
	return 0;
}

static errno_t
obs_ipout(void *cookie, mbuf_t *data, ipf_pktopts_t opts)
{
	struct obs *o = cookie;

	(void)data;
	(void)opts;
	o->ipout++;
	return 0;
}

static void
obs_attach(struct obs *o, ifnet_t ifp)
{
	struct iff_filter f;
	struct ipf_filter g;

	memset(o, 0, sizeof(*o));
	memset(&f, 0, sizeof(f));
	f.iff_cookie = o;
	f.iff_name = "obs";
	f.iff_input = obs_iin;
	f.iff_output = obs_iout;
	KT_ASSERT_EQ(iflt_attach(ifp, &f, &o->iref), 0);
	memset(&g, 0, sizeof(g));
	g.cookie = o;
	g.name = "obs4";
	g.ipf_input = obs_ipin;
	g.ipf_output = obs_ipout;
	KT_ASSERT_EQ(ipf_addv4(&g, &o->ref), 0);
}

static void
obs_detach(struct obs *o)
{
	iflt_detach(o->iref);
	KT_ASSERT_EQ(ipf_remove(o->ref), 0);
}

static const u_int8_t lo4[4] = {127, 0, 0, 1};

static void
test_lo0_path(void)
{
	struct pt_pkt p;
	struct obs o;
	u_int32_t h;

	obs_attach(&o, nke__lo_ifp);
	pt_record(1, 1);
	p.len = 0;
	h = pt_ip4(&p, lo4, lo4, 6, 77, 0x4000, 0, "loop", 4);
	pt_feed_l3(1, NKS_DIR_OUT, NKS_FAMILY_INET, p.b + h, p.len - h);
	/* Output (ipf_output, iff_output on lo0), then input (iff_input, ipf_input). */
	KT_ASSERT_EQ(o.ipout, 1);
	KT_ASSERT_EQ(o.out, 1);
	KT_ASSERT_EQ(o.in, 1);
	KT_ASSERT_EQ(o.ipin, 1);
	/* The 4-byte protocol family, host order. */
	KT_ASSERT_EQ(o.af_word, PF_INET);
	KT_ASSERT_EQ(o.pf, PF_INET);
	/* Back in: stamped "checksums verified". */
	KT_ASSERT_EQ(o.perf & (MBUF_CSUM_DID_IP | MBUF_CSUM_IP_GOOD | MBUF_CSUM_DID_DATA |
	                       MBUF_CSUM_PSEUDO_HDR),
	             MBUF_CSUM_DID_IP | MBUF_CSUM_IP_GOOD | MBUF_CSUM_DID_DATA | MBUF_CSUM_PSEUDO_HDR);
	KT_ASSERT_EQ(o.perf_value, 0xffff);
	/* ipf_input shows a valid header checksum. */
	KT_ASSERT_EQ(pt_get16(o.pkt + 10), pt_ip_sum(o.pkt));
	/* One emission, at the lo0 driver, unchanged, in lo0 framing (no header). */
	KT_ASSERT_EQ(pt_nemits, 1);
	KT_ASSERT_EQ(pt_emits[0].e.em_ifindex, 1);
	KT_ASSERT_EQ(pt_emits[0].e.em_family, NKS_FAMILY_INET);
	KT_ASSERT_EQ(pt_emits[0].e.em_dir, NKS_DIR_OUT);
	KT_ASSERT_EQ(pt_emits[0].e.em_len, p.len - h);
	KT_ASSERT_MEM_EQ(pt_emits[0].data, p.b + h, p.len - h);
	obs_detach(&o);
}

static void
test_lo0_injected_checksums(void)
{
	struct pt_pkt p;
	struct obs o;
	mbuf_t m;
	u_int32_t h;

	obs_attach(&o, nke__lo_ifp);
	p.len = 0;
	h = pt_ip4(&p, lo4, lo4, 6, 78, 0, 0, "loop", 4);
	KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, p.len - h, NULL, &m), 0);
	KT_ASSERT_EQ(mbuf_copyback(m, 0, p.len - h, p.b + h, MBUF_WAITOK), 0);
	KT_ASSERT_EQ(ipf_inject_output(m, NULL, NULL), 0);
	/* lo0 offloads everything: the header checksum stays 0, requested. */
	KT_ASSERT_EQ(o.out, 1);
	KT_ASSERT_EQ(pt_get16(o.pkt + 4 + 10), 0);
	KT_ASSERT(o.req & MBUF_CSUM_REQ_IP);
	/* The loop-back re-input waits for the input thread. */
	KT_ASSERT_EQ(o.in, 0);
	pt_advance(1);
	KT_ASSERT_EQ(o.in, 1);
	KT_ASSERT_EQ(o.ipin, 1);
	obs_detach(&o);
}

static void
test_truncated(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), h;
	struct pt_pkt p;
	struct obs o;
	u_int8_t data[200];
	u_int64_t r;

	obs_attach(&o, nke__ifnet_byindex(idx));
	pt_record(1, 1);
	memset(data, 1, sizeof(data));
	pt_eth(&p, 1, 0x0800, 0, NULL);
	h = pt_ip4(&p, pt_ip_peer, pt_ip_host, 6, 5, 0, 0, data, sizeof(data));
	r = pt_feed_trunc(idx, NKS_DIR_IN, &p, 80);
	/* Accepted although shorter than ip_len. */
	KT_ASSERT_EQ(o.ipin, 1);
	KT_ASSERT_EQ(o.len, 80 - 14);
	KT_ASSERT_EQ(pt_get16(o.pkt + 2), p.len - h);
	KT_ASSERT(pt_verdicts[pt_nverdicts - 1].v.vd_flags & NKS_VD_TRUNCATED);
	KT_ASSERT_EQ(pt_nemits, 1);
	KT_ASSERT_EQ(pt_emits[0].e.em_index, r);
	KT_ASSERT_EQ(pt_emits[0].e.em_len, 80);
	KT_ASSERT_EQ(pt_emits[0].e.em_wirelen, p.len);
	KT_ASSERT(pt_emits[0].e.em_flags & NKS_EMIT_TRUNCATED);
	KT_ASSERT_MEM_EQ(pt_emits[0].data, p.b, 80);

	/* Outbound: no checksum work, the captured bytes stay. */
	pt_record_reset();
	pt_eth(&p, 0, 0x0800, 0, NULL);
	pt_ip4(&p, pt_ip_host, pt_ip_peer, 6, 6, 0, 0, data, sizeof(data));
	pt_feed_trunc(idx, NKS_DIR_OUT, &p, 100);
	KT_ASSERT_EQ(o.ipout, 1);
	KT_ASSERT_EQ(pt_nemits, 1);
	KT_ASSERT_EQ(pt_emits[0].e.em_len, 100);
	KT_ASSERT_EQ(pt_emits[0].e.em_wirelen, p.len);
	KT_ASSERT_MEM_EQ(pt_emits[0].data, p.b, 100);
	obs_detach(&o);
}

static void
test_stack_drops(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), h;
	static const u_int8_t other[4] = {10, 0, 0, 99};
	struct pt_pkt p;
	struct obs o;
	const struct pt_verdict *v;
	struct nks_netstats ns;

	obs_attach(&o, nke__ifnet_byindex(idx));
	pt_record(1, 1);
	/* A bad header checksum. */
	pt_eth(&p, 1, 0x0800, 0, NULL);
	h = pt_ip4(&p, pt_ip_peer, pt_ip_host, 17, 1, 0, 0, "x", 1);
	p.b[h + 10] ^= 0xff;
	pt_feed(idx, NKS_DIR_IN, &p);
	v = pt_stack_verdict("bad-checksum");
	KT_ASSERT(v != NULL);
	KT_ASSERT_NULL(v->v.vd_kext);
	KT_ASSERT_STR_EQ(v->ifname, "en0");
	KT_ASSERT_EQ(o.in, 1);
	KT_ASSERT_EQ(o.ipin, 0);
	KT_ASSERT_EQ(pt_nemits, 1);
	KT_ASSERT_MEM_EQ(pt_emits[0].data, p.b, p.len);
	/* Not for this host. */
	pt_eth(&p, 1, 0x0800, 0, NULL);
	pt_ip4(&p, pt_ip_peer, other, 17, 2, 0, 0, "x", 1);
	pt_feed(idx, NKS_DIR_IN, &p);
	KT_ASSERT(pt_stack_verdict("not-local") != NULL);
	/* Another host's MAC. */
	pt_eth(&p, 1, 0x0800, 0, NULL);
	p.b[5] = 0x77;
	pt_ip4(&p, pt_ip_peer, pt_ip_host, 17, 3, 0, 0, "x", 1);
	pt_feed(idx, NKS_DIR_IN, &p);
	KT_ASSERT(pt_stack_verdict("promisc") != NULL);
	KT_ASSERT_EQ(o.in, 3); /* the interface filters saw it first */
	/* 127/8 from the wire. */
	pt_eth(&p, 1, 0x0800, 0, NULL);
	pt_ip4(&p, lo4, pt_ip_host, 17, 4, 0, 0, "x", 1);
	pt_feed(idx, NKS_DIR_IN, &p);
	KT_ASSERT(pt_stack_verdict("martian") != NULL);
	/* A runt. */
	p.len = 10;
	pt_feed(idx, NKS_DIR_IN, &p);
	KT_ASSERT(pt_stack_verdict("runt") != NULL);
	KT_ASSERT_EQ(pt_nemits, 5);
	KT_ASSERT_EQ(pt_emits[4].e.em_len, 10);
	/* Outbound to 127/8 through en0: dropped after ipf_output, as captured. */
	pt_eth(&p, 0, 0x0800, 0, NULL);
	pt_ip4(&p, pt_ip_host, lo4, 6, 5, 0, 0, "x", 1);
	pt_feed(idx, NKS_DIR_OUT, &p);
	KT_ASSERT(pt_stack_verdict("martian") != NULL);
	KT_ASSERT_EQ(o.ipout, 1);
	KT_ASSERT_EQ(pt_nemits, 6);
	KT_ASSERT_MEM_EQ(pt_emits[5].data, p.b, p.len);
	NKS_netstats(&ns);
	KT_ASSERT_EQ(ns.ns_bad, 3);
	KT_ASSERT_EQ(ns.ns_notlocal, 2);
	obs_detach(&o);
}

static void
test_non_ip_and_qinq(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	u_int16_t vids[2] = {100, 200};
	struct pt_pkt p;
	struct obs o;
	ifnet_t v = NULL;
	struct nks_netstats ns;

	obs_attach(&o, nke__ifnet_byindex(idx));
	pt_record(1, 1);
	pt_eth(&p, 1, 0x88cc, 0, NULL); /* LLDP */
	memset(p.b + 14, 0x42, 46);
	p.len = 60;
	pt_feed(idx, NKS_DIR_IN, &p);
	KT_ASSERT_EQ(o.pf, 0);
	KT_ASSERT(pt_stack_verdict("no-proto") != NULL);
	KT_ASSERT_MEM_EQ(pt_emits[0].data, p.b, p.len);
	/* Outbound non-IP: straight to the interface filters. */
	pt_eth(&p, 0, 0x88cc, 0, NULL);
	memset(p.b + 14, 0x43, 46);
	p.len = 60;
	pt_feed(idx, NKS_DIR_OUT, &p);
	KT_ASSERT_EQ(o.out, 1);
	KT_ASSERT_MEM_EQ(pt_emits[1].data, p.b, p.len);

	/* Two stacked tags: one VLAN interface for the pair. */
	pt_eth(&p, 1, 0x0800, 2, vids);
	pt_ip4(&p, pt_ip_peer, pt_ip_host, 17, 9, 0, 0, "qinq", 4);
	pt_feed(idx, NKS_DIR_IN, &p);
	KT_ASSERT_EQ(ifnet_find_by_name("vlan0", &v), 0);
	KT_ASSERT_EQ(o.in, 1); /* the parent's filter skipped it */
	KT_ASSERT_EQ(o.ipin, 1);
	KT_ASSERT_EQ(pt_nemits, 3);
	KT_ASSERT_MEM_EQ(pt_emits[2].data, p.b, p.len);
	KT_ASSERT_EQ(pt_emits[2].e.em_ifindex, idx);
	NKS_netstats(&ns);
	KT_ASSERT_EQ(ns.ns_vlan, 1);
	KT_ASSERT_EQ(ns.ns_nonip, 2);
	KT_ASSERT_EQ(ifnet_release(v), 0);
	obs_detach(&o);
}

static void
test_framing_of_kext_packets(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), h;
	ifnet_t ifp = nke__ifnet_byindex(idx);
	struct pt_pkt p;
	struct obs o;
	mbuf_t m;

	obs_attach(&o, ifp);
	pt_record(1, 1);
	/* The peer's MAC is learned from what it sent. */
	pt_eth(&p, 1, 0x0800, 0, NULL);
	pt_ip4(&p, pt_ip_peer, pt_ip_host, 17, 1, 0, 0, "x", 1);
	pt_feed(idx, NKS_DIR_IN, &p);
	/* A kext sends a network-layer packet with ifnet_output: framed for it. */
	p.len = 0;
	h = pt_ip4(&p, pt_ip_host, pt_ip_peer, 17, 2, 0, 0, "y", 1);
	KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, p.len - h, NULL, &m), 0);
	KT_ASSERT_EQ(mbuf_copyback(m, 0, p.len - h, p.b + h, MBUF_WAITOK), 0);
	KT_ASSERT_EQ(ifnet_output(ifp, PF_INET, m, NULL, NULL), 0);
	KT_ASSERT_EQ(o.out, 1);
	KT_ASSERT_MEM_EQ(o.pkt, pt_mac_peer, 6);
	KT_ASSERT_MEM_EQ(o.pkt + 6, pt_mac_host, 6);
	KT_ASSERT_EQ(pt_get16(o.pkt + 12), 0x0800);
	KT_ASSERT_MEM_EQ(o.pkt + 14, p.b + h, p.len - h);
	KT_ASSERT_EQ(pt_nemits, 2);
	KT_ASSERT(pt_emits[1].e.em_flags & NKS_EMIT_INJECTED);
	KT_ASSERT_EQ(pt_emits[1].e.em_index, 0);
	/* EINVAL (and consumed) without a protocol. */
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(ifnet_output(ifp, 0, m, NULL, NULL), EINVAL);
	obs_detach(&o);
}

static void
test_iff_output_offload_state(void)
{
	u_int32_t a = pt_attach_en("en0", 0, 0);
	u_int32_t b = pt_attach_en("en1", NKS_OFFLOAD_IPV4_HDR | NKS_OFFLOAD_TCPUDP, 0), h;
	struct obs oa, ob;
	struct pt_pkt p;
	mbuf_t m;
	struct ipf_pktopts opts;
	int i;

	obs_attach(&oa, nke__ifnet_byindex(a));
	obs_attach(&ob, nke__ifnet_byindex(b));
	for (i = 0; i < 2; i++) {
		struct obs *o = i == 0 ? &oa : &ob;

		p.len = 0;
		h = pt_ip4(&p, pt_ip_host, pt_ip_peer, 6, 3, 0, 0, "z", 1);
		KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, p.len - h, NULL, &m), 0);
		KT_ASSERT_EQ(mbuf_copyback(m, 0, p.len - h, p.b + h, MBUF_WAITOK), 0);
		/* As TCP hands it to IP: pseudo-header sum, a request. */
		pt_put16(p.b + h + 36, pt_pseudo(pt_ip_host, pt_ip_peer, 4, 21, 6));
		KT_ASSERT_EQ(mbuf_copyback(m, 36, 2, p.b + h + 36, MBUF_WAITOK), 0);
		KT_ASSERT_EQ(mbuf_set_csum_requested(m, MBUF_CSUM_REQ_TCP, 16), 0);
		memset(&opts, 0, sizeof(opts));
		opts.ippo_flags = IPPOF_BOUND_IF | ((i == 0 ? a : b) << IPPOF_SHIFT_IFSCOPE);
		KT_ASSERT_EQ(ipf_inject_output(m, NULL, &opts), 0);
		KT_ASSERT_EQ(o->out, 1);
		if (i == 0) {
			/* Computed in software before the interface filters. */
			KT_ASSERT_EQ(o->req & (MBUF_CSUM_REQ_IP | MBUF_CSUM_REQ_TCP), 0);
			KT_ASSERT_EQ(pt_get16(o->pkt + 14 + 10), pt_ip_sum(o->pkt + 14));
			KT_ASSERT_EQ(pt_get16(o->pkt + 14 + 36),
			             pt_l4_sum(pt_ip_host, pt_ip_peer, 4, 6, o->pkt + 34, 21, 16));
		} else {
			/* Left to the "hardware": 0, the pseudo sum, the requests. */
			KT_ASSERT_EQ(o->req & (MBUF_CSUM_REQ_IP | MBUF_CSUM_REQ_TCP),
			             MBUF_CSUM_REQ_IP | MBUF_CSUM_REQ_TCP);
			KT_ASSERT_EQ(pt_get16(o->pkt + 14 + 10), 0);
			KT_ASSERT_EQ(pt_get16(o->pkt + 14 + 36),
			             pt_pseudo(pt_ip_host, pt_ip_peer, 4, 21, 6));
		}
	}
	obs_detach(&oa);
	obs_detach(&ob);
}

static int ll_calls;

static errno_t
ll_in(void *cookie, mbuf_t *data, int off, u_int8_t proto)
{
	(void)cookie;
	(void)data;
	(void)off;
	(void)proto;
	ll_calls++;
	return 0;
}

static void
test_v6_link_local_is_ours(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	static const u_int8_t ll[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5};
	static const u_int8_t other[16] = {0x20, 0x01, 0x0d, 0xb8, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5};
	struct ipf_filter f;
	ipfilter_t ref;
	struct pt_pkt p;

	memset(&f, 0, sizeof(f));
	f.name = "ll";
	f.ipf_input = ll_in;
	KT_ASSERT_EQ(ipf_addv6(&f, &ref), 0);
	ll_calls = 0;
	pt_record(1, 1);
	/* No link-local address was given: any link-local destination is ours. */
	pt_eth(&p, 1, 0x86dd, 0, NULL);
	pt_ip6(&p, pt_ip6_peer, ll, NULL, 0, 17, "n", 1);
	pt_feed(idx, NKS_DIR_IN, &p);
	KT_ASSERT_EQ(ll_calls, 1);
	/* A global address that is not ours is not. */
	pt_eth(&p, 1, 0x86dd, 0, NULL);
	pt_ip6(&p, pt_ip6_peer, other, NULL, 0, 17, "n", 1);
	pt_feed(idx, NKS_DIR_IN, &p);
	KT_ASSERT_EQ(ll_calls, 1);
	KT_ASSERT(pt_stack_verdict("not-local") != NULL);
	KT_ASSERT_EQ(ipf_remove(ref), 0);
}

/*
 * A capture taken off the host (NKS_IFSPEC_ANYMAC): unicast frames for
 * other MACs are the host's, not promiscuous.
 */
static void
test_anymac_interface(void)
{
	static const struct nks_ifaddr a = {NKS_FAMILY_INET, 24, {10, 0, 0, 1}};
	struct nks_ifspec spec;
	struct pt_pkt p;
	u_int32_t idx;

	memset(&spec, 0, sizeof(spec));
	spec.is_name = "en5";
	spec.is_type = NKS_IFT_ETHER;
	memcpy(spec.is_lladdr, pt_mac_host, 6);
	spec.is_naddrs = 1;
	spec.is_addrs = &a;
	spec.is_flags = NKS_IFSPEC_ANYMAC;
	KT_ASSERT_EQ(NKS_ifnet_attach(&spec, &idx), 0);
	pt_record(1, 1);
	pt_eth(&p, 1, 0x0800, 0, NULL);
	p.b[5] = 0x77; /* another host's MAC */
	pt_ip4(&p, pt_ip_peer, pt_ip_host, 17, 3, 0, 0, "x", 1);
	pt_feed(idx, NKS_DIR_IN, &p);
	KT_ASSERT(pt_stack_verdict("promisc") == NULL);
	KT_ASSERT_EQ(pt_nemits, 1);
}

NKT_CASES(NKT_CASE(test_lo0_path), NKT_CASE(test_v6_link_local_is_ours), NKT_CASE(test_lo0_injected_checksums), NKT_CASE(test_truncated),
          NKT_CASE(test_stack_drops), NKT_CASE(test_non_ip_and_qinq),
          NKT_CASE(test_framing_of_kext_packets), NKT_CASE(test_iff_output_offload_state),
          NKT_CASE(test_anymac_interface));
