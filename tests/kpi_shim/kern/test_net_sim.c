/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_net_sim.c - tests of kpi_shim/kern/net_sim.c, kern_event.c,
 * kpi_protocol.c and net_transport.c (kernel world): verdict fields (record,
 * hook, direction, interface, owning kext, filter, result, flags, length
 * and NKH64 hash), the current kext during callbacks, lock checks around
 * them, NKS_netstats, NKS_frame's argument checks, kev_vendor_code_find and
 * kev_msg_post, proto_input/proto_inject, and the captured outbound state
 * the transport hand-off prepares for IPv6.
 */
#include <sys/socket.h>
#include <sys/kern_event.h>
#include <net/kpi_protocol.h>
#include <netinet/in.h>
#include <mach/kmod.h>
#include <kern/locks.h>
#include <libkern/OSKextLib.h>
#include <sys/proc.h>
#include <sys/kauth.h>

#include "pkt_testutil.h"

#include "nke_hash.h"

static u_int64_t
hash_of(const u_int8_t *p, size_t n)
{
	return nkh64(p, n);
}

/* --- A kext whose start routine registers an IP filter ----------------- */

static ipfilter_t kref;
static char seen_kext[64];
static int kcalls;
static int kreplace;
static lck_grp_t *kgrp;
static lck_mtx_t *kmtx;
static int klock;

static errno_t
k_in(void *cookie, mbuf_t *data, int off, u_int8_t proto)
{
	(void)cookie;
	(void)off;
	(void)proto;
	kcalls++;
	strlcpy(seen_kext, OSKextGetCurrentIdentifier(), sizeof(seen_kext));
	if (kreplace) {
		mbuf_t n;

		KT_ASSERT_EQ(mbuf_dup(*data, MBUF_WAITOK, &n), 0);
		mbuf_freem(*data);
		*data = n;
	}
	if (klock)
		lck_mtx_lock(kmtx);
	return 0;
}

static kern_return_t
k_start(kmod_info_t *ki, void *d)
{
	struct ipf_filter f;

	(void)ki;
	(void)d;
	memset(&f, 0, sizeof(f));
	f.name = "kf";
	f.ipf_input = k_in;
	return ipf_addv4(&f, &kref) == 0 ? KERN_SUCCESS : KERN_FAILURE;
}

static kern_return_t
k_stop(kmod_info_t *ki, void *d)
{
	(void)ki;
	(void)d;
	return ipf_remove(kref) == 0 ? KERN_SUCCESS : KERN_FAILURE;
}

static kmod_info_t ki_k = {NULL, KMOD_INFO_VERSION, -1U, "com.example.netsim", "2.0", -1, NULL, 0,
                           0, 0, k_start, k_stop};

static void
test_verdict_fields_and_kext(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), kid = 0;
	struct pt_pkt p;
	nks_i32 res = 0;
	const struct pt_verdict *v;
	u_int64_t r;
	u_int32_t h;

	KT_ASSERT_EQ(NKS_kext_start(&ki_k, &kid, &res), 0);
	pt_record(1, 1);
	kcalls = 0;
	pt_eth(&p, 1, 0x0800, 0, NULL);
	h = pt_ip4(&p, pt_ip_peer, pt_ip_host, 6, 1, 0, 0, "abc", 3);
	r = pt_feed(idx, NKS_DIR_IN, &p);
	KT_ASSERT_EQ(kcalls, 1);
	/* The callback runs as its kext; the kernel again afterwards. */
	KT_ASSERT_STR_EQ(seen_kext, "com.example.netsim");
	KT_ASSERT_EQ(nke__kext_current_id(), 0);
	KT_ASSERT_EQ(pt_nverdicts, 1);
	v = &pt_verdicts[0];
	KT_ASSERT_EQ(v->v.vd_index, r);
	KT_ASSERT_EQ(v->v.vd_hook, NKS_HOOK_IPF_INPUT);
	KT_ASSERT_EQ(v->v.vd_dir, NKS_DIR_IN);
	KT_ASSERT_STR_EQ(v->ifname, "en0");
	KT_ASSERT_STR_EQ(v->kext, "com.example.netsim");
	KT_ASSERT_STR_EQ(v->filter, "kf");
	KT_ASSERT_EQ(v->v.vd_result, 0);
	KT_ASSERT_EQ(v->v.vd_flags, 0);
	KT_ASSERT_EQ(v->v.vd_len, p.len - h);
	KT_ASSERT_EQ(v->v.vd_hash, hash_of(p.b + h, p.len - h));
	KT_ASSERT_STR_EQ(v->detail, "proto=6 offset=20");
	/* A filter handing back another chain: REPLACED. */
	kreplace = 1;
	pt_feed(idx, NKS_DIR_IN, &p);
	KT_ASSERT(pt_verdicts[1].v.vd_flags & NKS_VD_REPLACED);
	KT_ASSERT_EQ(pt_verdicts[1].v.vd_hash, hash_of(p.b + h, p.len - h));
	kreplace = 0;
	/* Holding a lock when returning is reported. */
	kgrp = lck_grp_alloc_init("netsim", LCK_GRP_ATTR_NULL);
	kmtx = lck_mtx_alloc_init(kgrp, LCK_ATTR_NULL);
	klock = 1;
	pt_feed(idx, NKS_DIR_IN, &p);
	klock = 0;
	KT_ASSERT_EQ(NKT_reports("lock-held-at-return"), 1);
	lck_mtx_unlock(kmtx);
	lck_mtx_free(kmtx, kgrp);
	lck_grp_free(kgrp);
	KT_ASSERT_EQ(NKS_kext_stop(kid, &res), 0);
}

/* --- Two IP filters, one of which may change a byte ------------------------ */

static int mod_which; /* the filter (1: called first, 2: second) that changes a byte */
static int mod_calls;

static errno_t
mod_in(void *cookie, mbuf_t *data, int off, u_int8_t proto)
{
	(void)cookie;
	(void)off;
	(void)proto;
	if (++mod_calls == mod_which) {
		u_int8_t *b = mbuf_data(*data);

		b[mbuf_len(*data) - 1] ^= 0xff;
	}
	return 0;
}

/* mod_in as two IPv4 filters, "m1" and "m2". */
static void
mod_add(ipfilter_t r[2])
{
	struct ipf_filter f;

	memset(&f, 0, sizeof(f));
	f.ipf_input = mod_in;
	f.name = "m1";
	KT_ASSERT_EQ(ipf_addv4(&f, &r[0]), 0);
	f.name = "m2";
	KT_ASSERT_EQ(ipf_addv4(&f, &r[1]), 0);
}

static void
mod_remove(ipfilter_t r[2])
{
	KT_ASSERT_EQ(ipf_remove(r[0]), 0);
	KT_ASSERT_EQ(ipf_remove(r[1]), 0);
}

/* Feed p inbound, recording afresh, with filter `which` changing a byte. */
static void
mod_feed(u_int32_t idx, const struct pt_pkt *p, int which)
{
	pt_record_reset();
	mod_which = which;
	mod_calls = 0;
	pt_feed(idx, NKS_DIR_IN, p);
}

static void
test_verdict_modified_and_brief(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	ipfilter_t r[2];
	struct pt_pkt p;
	u_int32_t h;
	int brief, which;

	mod_add(r);
	pt_record(1, 1);
	pt_eth(&p, 1, 0x0800, 0, NULL);
	h = pt_ip4(&p, pt_ip_peer, pt_ip_host, 6, 1, 0, 0, "abcdef", 6);
	for (brief = 0; brief < 2; brief++) {
		NKS_verdict_mode(brief ? NKS_VDM_BRIEF : 0);
		for (which = 0; which <= 2; which++) {
			const struct pt_verdict *v;
			u_int64_t want;

			mod_feed(idx, &p, which);
			KT_ASSERT_EQ(mod_calls, 2);
			KT_ASSERT_EQ(pt_nverdicts, 2);
			/* The first filter has nothing to compare with. */
			KT_ASSERT(!(pt_verdicts[0].v.vd_flags & NKS_VD_MODIFIED));
			/* The second: did its bytes differ from what the first left? */
			v = &pt_verdicts[1];
			KT_ASSERT_EQ((v->v.vd_flags & NKS_VD_MODIFIED) != 0, which == 2);
			KT_ASSERT_EQ(v->v.vd_len, p.len - h);
			if (brief) {
				/* Counting only: no hash, no detail. */
				KT_ASSERT_EQ(v->v.vd_hash, 0);
				KT_ASSERT(v->v.vd_detail == NULL);
			} else {
				p.b[p.len - 1] ^= which != 0 ? 0xff : 0;
				want = hash_of(p.b + h, p.len - h);
				p.b[p.len - 1] ^= which != 0 ? 0xff : 0;
				KT_ASSERT_EQ(v->v.vd_hash, want);
				KT_ASSERT_STR_EQ(v->detail, "proto=6 offset=20");
			}
			/* The inbound emission: the captured frame, unless a byte changed. */
			KT_ASSERT_EQ(pt_nemits, 1);
			KT_ASSERT_EQ((pt_emits[0].e.em_flags & NKS_EMIT_UNCHANGED) != 0,
			             which == 0);
		}
	}
	mod_remove(r);
}

/*
 * Hashes the host worked out ahead (struct nks_hhint): a verdict reports a
 * hint's hash for bytes equal to its range, and hashes bytes a filter
 * changed.  The hint here carries a marker, not the true NKH64, to show
 * which verdicts took it.
 */
static void
test_verdict_hash_hints(void)
{
	static const u_int64_t marker = 0x0123456789abcdefULL;
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	u_int8_t pay[600];
	struct nks_hhint hint[2];
	ipfilter_t r[2];
	struct pt_pkt p;
	u_int64_t truth, changed;
	u_int32_t h, i;
	int which;

	mod_add(r);
	pt_record(1, 1);
	for (i = 0; i < sizeof(pay); i++)
		pay[i] = (u_int8_t)(i * 7 + 3);
	pt_eth(&p, 1, 0x0800, 0, NULL);
	h = pt_ip4(&p, pt_ip_peer, pt_ip_host, 17, 1, 0, 0, pay, sizeof(pay));
	truth = hash_of(p.b + h, p.len - h);
	p.b[p.len - 1] ^= 0xff;
	changed = hash_of(p.b + h, p.len - h);
	p.b[p.len - 1] ^= 0xff;
	/* A range that is not the verdicts' first: the second one is. */
	hint[0] = (struct nks_hhint){h + 8, p.len - h - 8, 1};
	hint[1] = (struct nks_hhint){h, p.len - h, marker};
	nkt_set_hints(hint, 2);
	for (which = 0; which <= 2; which++) {
		mod_feed(idx, &p, which);
		KT_ASSERT_EQ(pt_nverdicts, 2);
		KT_ASSERT_EQ(pt_verdicts[0].v.vd_hash, which == 1 ? changed : marker);
		KT_ASSERT_EQ(pt_verdicts[1].v.vd_hash, which == 0 ? marker : changed);
		KT_ASSERT_EQ((pt_verdicts[1].v.vd_flags & NKS_VD_MODIFIED) != 0, which == 2);
	}
	/* A range past the frame's bytes is not read (ASan), nor used. */
	hint[1].hh_off = p.len - 1;
	mod_feed(idx, &p, 0);
	KT_ASSERT_EQ(pt_verdicts[0].v.vd_hash, truth);
	hint[1].hh_off = h;
	pt_record_reset();
	pt_feed_trunc(idx, NKS_DIR_IN, &p, p.len - 1); /* its end was not captured */
	KT_ASSERT_EQ(pt_nverdicts, 2);
	KT_ASSERT(pt_verdicts[0].v.vd_hash != marker);
	/* None after nkt_set_hints(NULL, 0). */
	nkt_set_hints(NULL, 0);
	mod_feed(idx, &p, 0);
	KT_ASSERT_EQ(pt_verdicts[0].v.vd_hash, truth);
	mod_remove(r);
}

static void
test_netstats_and_frame_checks(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	struct nks_netstats ns;
	struct nks_frame fr;
	struct pt_pkt p;

	pt_eth(&p, 1, 0x0800, 0, NULL);
	pt_ip4(&p, pt_ip_peer, pt_ip_host, 17, 1, 0, 0, "a", 1);
	pt_feed(idx, NKS_DIR_IN, &p);
	pt_feed_trunc(idx, NKS_DIR_IN, &p, p.len - 1);
	pt_eth(&p, 0, 0x0800, 0, NULL);
	pt_ip4(&p, pt_ip_host, pt_ip_peer, 17, 2, 0, 0, "b", 1);
	pt_feed(idx, NKS_DIR_OUT, &p);
	NKS_netstats(&ns);
	KT_ASSERT_EQ(ns.ns_frames_in, 2);
	KT_ASSERT_EQ(ns.ns_frames_out, 1);
	KT_ASSERT_EQ(ns.ns_truncated, 1);
	/* Counted without an emission hook too. */
	KT_ASSERT_EQ(ns.ns_emitted_in, 2);
	KT_ASSERT_EQ(ns.ns_emitted_out, 1);
	/* An unknown interface is refused with a warning. */
	memset(&fr, 0, sizeof(fr));
	fr.fr_ifindex = 99;
	fr.fr_dir = NKS_DIR_IN;
	NKS_frame(&fr);
	KT_ASSERT_EQ(NKT_warnings("frame-bad-interface"), 1);
	NKS_frame(NULL);
	NKS_netstats(NULL);
}

static void
test_kev(void)
{
	u_int32_t code = 0, code2 = 0;
	struct kev_msg ev;
	char big[KEV_VENDOR_CODE_MAX_STR_LEN + 1];
	u_int8_t data[300];

	KT_ASSERT_EQ(kev_vendor_code_find("com.example.vendor", &code), 0);
	KT_ASSERT(code >= 1000);
	KT_ASSERT_EQ(kev_vendor_code_find("com.example.vendor", &code2), 0);
	KT_ASSERT_EQ(code, code2);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	KT_ASSERT_EQ(kev_vendor_code_find(big, &code2), EINVAL);
	memset(&ev, 0, sizeof(ev));
	ev.vendor_code = code;
	ev.kev_class = 1;
	ev.dv[0].data_length = 8;
	ev.dv[0].data_ptr = data;
	KT_ASSERT_EQ(kev_msg_post(&ev), 0);
	/* Too big for one mbuf. */
	ev.dv[0].data_length = sizeof(data);
	KT_ASSERT_EQ(kev_msg_post(&ev), EMSGSIZE);
	/* Apple's vendor code, or one never obtained: refused. */
	ev.dv[0].data_length = 0;
	ev.vendor_code = KEV_VENDOR_APPLE;
	KT_ASSERT_EQ(kev_msg_post(&ev), EINVAL);
	KT_ASSERT_EQ(kev_msg_post(NULL), EINVAL);
}

static int pin_calls;

static errno_t
pin_in(void *cookie, mbuf_t *data, int off, u_int8_t proto)
{
	(void)cookie;
	(void)data;
	(void)off;
	(void)proto;
	pin_calls++;
	return 0;
}

static void
test_proto_input_inject(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0), h;
	struct ipf_filter f;
	ipfilter_t ref;
	struct pt_pkt p;
	mbuf_t m;

	memset(&f, 0, sizeof(f));
	f.name = "pin";
	f.ipf_input = pin_in;
	KT_ASSERT_EQ(ipf_addv4(&f, &ref), 0);
	pin_calls = 0;
	p.len = 0;
	h = pt_ip4(&p, pt_ip_peer, pt_ip_host, 17, 1, 0, 0, "p", 1);
	KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, p.len - h, NULL, &m), 0);
	KT_ASSERT_EQ(mbuf_copyback(m, 0, p.len - h, p.b + h, MBUF_WAITOK), 0);
	KT_ASSERT_EQ(mbuf_pkthdr_setrcvif(m, nke__ifnet_byindex(idx)), 0);
	/* Unknown protocol: -1 for proto_input, ENOENT for proto_inject (caller keeps it). */
	KT_ASSERT_EQ(proto_input(PF_APPLETALK, m), -1);
	KT_ASSERT_EQ(proto_inject(PF_APPLETALK, m), ENOENT);
	/* Synchronous. */
	KT_ASSERT_EQ(proto_input(PF_INET, m), 0);
	KT_ASSERT_EQ(pin_calls, 1);
	/* Asynchronous: after the input thread runs. */
	KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, p.len - h, NULL, &m), 0);
	KT_ASSERT_EQ(mbuf_copyback(m, 0, p.len - h, p.b + h, MBUF_WAITOK), 0);
	KT_ASSERT_EQ(mbuf_pkthdr_setrcvif(m, nke__ifnet_byindex(idx)), 0);
	KT_ASSERT_EQ(proto_inject(PF_INET, m), 0);
	KT_ASSERT_EQ(pin_calls, 1);
	KT_ASSERT(NKS_callouts_pending(NULL) >= 1);
	pt_advance(1);
	KT_ASSERT_EQ(pin_calls, 2);
	KT_ASSERT_EQ(ipf_remove(ref), 0);
}

static int v6calls;
static u_int8_t v6pkt[128];
static mbuf_csum_request_flags_t v6req;
static u_int32_t v6val;

static errno_t
v6_out(void *cookie, mbuf_t *data, ipf_pktopts_t opts)
{
	(void)cookie;
	(void)opts;
	v6calls++;
	(void)pt_flatten(*data, v6pkt, sizeof(v6pkt));
	KT_ASSERT_EQ(mbuf_get_csum_requested(*data, &v6req, &v6val), 0);
	return 0;
}

static void
test_captured_v6_output_state(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	static const u_int8_t ll[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9};
	struct ipf_filter f;
	ipfilter_t ref;
	struct pt_pkt p;

	memset(&f, 0, sizeof(f));
	f.name = "v6out";
	f.ipf_output = v6_out;
	KT_ASSERT_EQ(ipf_addv6(&f, &ref), 0);
	pt_record(1, 0);
	pt_eth(&p, 0, 0x86dd, 0, NULL);
	pt_ip6(&p, pt_ip6_host, ll, NULL, 0, 17, "ll", 2);
	pt_feed(idx, NKS_DIR_OUT, &p);
	KT_ASSERT_EQ(v6calls, 1);
	/* The pseudo-header sum and a request, for IPv6 too. */
	KT_ASSERT_EQ(v6req, MBUF_CSUM_REQ_UDPIPV6);
	KT_ASSERT_EQ(v6val, 6);
	KT_ASSERT_EQ(pt_get16(v6pkt + 46), pt_pseudo(pt_ip6_host, ll, 16, 10, 17));
	/* A link-local destination carries the interface's scope while the filters run. */
	KT_ASSERT_EQ(pt_get16(v6pkt + 26), idx);
	/* ... and not on the wire. */
	KT_ASSERT_EQ(pt_nemits, 1);
	KT_ASSERT_MEM_EQ(pt_emits[0].data, p.b, p.len);
	KT_ASSERT_EQ(ipf_remove(ref), 0);
}

/* --- The process the output path runs for -------------------------------- */

static pid_t seen_pid = -2;
static uid_t seen_uid = 12345;
static char seen_name[32];

static errno_t
proc_out(void *cookie, mbuf_t *data, ipf_pktopts_t opts)
{
	(void)cookie;
	(void)data;
	(void)opts;
	seen_pid = proc_selfpid();
	seen_uid = kauth_getuid();
	proc_selfname(seen_name, sizeof(seen_name));
	return 0;
}

static errno_t
proc_in(void *cookie, mbuf_t *data, int off, u_int8_t proto)
{
	(void)cookie;
	(void)data;
	(void)off;
	(void)proto;
	seen_pid = proc_selfpid();
	proc_selfname(seen_name, sizeof(seen_name));
	return 0;
}

static void
test_output_runs_as_the_sending_process(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	struct ipf_filter f;
	ipfilter_t ref;
	struct pt_pkt p;

	memset(&f, 0, sizeof(f));
	f.name = "proc";
	f.ipf_output = proc_out;
	f.ipf_input = proc_in;
	KT_ASSERT_EQ(ipf_addv4(&f, &ref), 0);

	/* The capture says nothing: the default application (docs/sockets.md). */
	pt_eth(&p, 0, 0x0800, 0, NULL);
	pt_ip4(&p, pt_ip_host, pt_ip_peer, 17, 1, 0, 0, "x", 1);
	pt_feed(idx, NKS_DIR_OUT, &p);
	KT_ASSERT_EQ(seen_pid, NKE_APP_PID);
	KT_ASSERT_EQ(seen_uid, NKE_APP_UID);
	KT_ASSERT_STR_EQ(seen_name, NKE_APP_COMM);

	/* The capture (or --proc) names it. */
	nkt_set_proc(4242, "curl", 77);
	pt_feed(idx, NKS_DIR_OUT, &p);
	KT_ASSERT_EQ(seen_pid, 4242);
	KT_ASSERT_EQ(seen_uid, 77);
	KT_ASSERT_STR_EQ(seen_name, "curl");

	/* Inbound work runs on the input thread, as the kernel. */
	pt_eth(&p, 1, 0x0800, 0, NULL);
	pt_ip4(&p, pt_ip_peer, pt_ip_host, 17, 2, 0, 0, "y", 1);
	pt_feed(idx, NKS_DIR_IN, &p);
	KT_ASSERT_EQ(seen_pid, 0);
	KT_ASSERT_STR_EQ(seen_name, "kernel_task");
	nkt_set_proc(-1, NULL, -1);
	KT_ASSERT_EQ(ipf_remove(ref), 0);
}

/* --- IP headers reach the IP filters 4-byte aligned -------------------------- */

static int misaligned, aligned_calls;

static void
note_alignment(mbuf_t m)
{
	aligned_calls++;
	if (((uintptr_t)mbuf_data(m) & 3) != 0)
		misaligned++;
}

static errno_t
align_in(void *cookie, mbuf_t *data, int off, u_int8_t proto)
{
	(void)cookie;
	(void)off;
	(void)proto;
	note_alignment(*data);
	return 0;
}

static errno_t
align_out(void *cookie, mbuf_t *data, ipf_pktopts_t opts)
{
	(void)cookie;
	(void)opts;
	note_alignment(*data);
	return 0;
}

/* An IPv4 filter that only looks: in and out callbacks, nothing else. */
static ipfilter_t
add_probe_v4(const char *name, ipf_input_func in, ipf_output_func out)
{
	struct ipf_filter f;
	ipfilter_t ref;

	memset(&f, 0, sizeof(f));
	f.name = name;
	f.ipf_input = in;
	f.ipf_output = out;
	KT_ASSERT_EQ(ipf_addv4(&f, &ref), 0);
	return ref;
}

static void
test_ip_header_aligned_at_ipf(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	static const u_int16_t vids[2] = {5, 6};
	ipfilter_t ref = add_probe_v4("align", align_in, align_out);
	struct pt_pkt p;
	unsigned ntags, dir;

	/* Untagged and tagged frames, both ways (tagged ones reach IP through
	   the VLAN interface). */
	for (ntags = 0; ntags <= 2; ntags++) {
		for (dir = 0; dir <= 1; dir++) {
			pt_eth(&p, (int)dir, 0x0800, ntags, vids);
			if (dir)
				pt_ip4(&p, pt_ip_peer, pt_ip_host, 17, 1, 0, 0, "x", 1);
			else
				pt_ip4(&p, pt_ip_host, pt_ip_peer, 17, 1, 0, 0, "x", 1);
			pt_feed(idx, dir ? NKS_DIR_IN : NKS_DIR_OUT, &p);
		}
	}
	KT_ASSERT_EQ(aligned_calls, 6);
	KT_ASSERT_EQ(misaligned, 0);
	KT_ASSERT_EQ(ipf_remove(ref), 0);
}

/* --- Small frames arrive in a plain mbuf, larger ones in a cluster ------------ */

static int seen_ext[2][2]; /* [inbound][large] = MBUF_EXT seen at ipf */
static int seen_calls;
static int seen_room_ok;

static void
note_storage(mbuf_t m, int inbound)
{
	int large = mbuf_pkthdr_len(m) > 200;

	seen_calls++;
	seen_ext[inbound][large] = (mbuf_flags(m) & MBUF_EXT) != 0;
	/* The whole packet is in the first mbuf, as contiguous promises. */
	if (mbuf_len(m) == mbuf_pkthdr_len(m) && mbuf_next(m) == NULL &&
	    (inbound || mbuf_leadingspace(m) >= 16 + 14))
		seen_room_ok++;
}

static errno_t
storage_in(void *cookie, mbuf_t *data, int off, u_int8_t proto)
{
	(void)cookie;
	(void)off;
	(void)proto;
	note_storage(*data, 1);
	return 0;
}

static errno_t
storage_out(void *cookie, mbuf_t *data, ipf_pktopts_t opts)
{
	(void)cookie;
	(void)opts;
	note_storage(*data, 0);
	return 0;
}

static void
test_small_frames_in_plain_mbufs(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	static u_int8_t big[1000];
	ipfilter_t ref = add_probe_v4("storage", storage_in, storage_out);
	struct pt_pkt p;
	unsigned dir, large;

	for (large = 0; large <= 1; large++) {
		for (dir = 0; dir <= 1; dir++) {
			const void *pl = large ? (const void *)big : (const void *)"x";
			u_int32_t n = large ? sizeof(big) : 1;

			pt_eth(&p, (int)dir, 0x0800, 0, NULL);
			if (dir)
				pt_ip4(&p, pt_ip_peer, pt_ip_host, 17, 1, 0, 0, pl, n);
			else
				pt_ip4(&p, pt_ip_host, pt_ip_peer, 17, 1, 0, 0, pl, n);
			pt_feed(idx, dir ? NKS_DIR_IN : NKS_DIR_OUT, &p);
		}
	}
	KT_ASSERT_EQ(seen_calls, 4);
	KT_ASSERT_EQ(seen_room_ok, 4);
	/* A 43-byte frame fits MHLEN: a packet-header mbuf of its own, both
	   ways; a 1042-byte one is in a cluster. */
	KT_ASSERT_EQ(seen_ext[1][0], 0);
	KT_ASSERT_EQ(seen_ext[0][0], 0);
	KT_ASSERT_EQ(seen_ext[1][1], 1);
	KT_ASSERT_EQ(seen_ext[0][1], 1);
	KT_ASSERT_EQ(ipf_remove(ref), 0);
}

NKT_CASES(NKT_CASE(test_verdict_fields_and_kext), NKT_CASE(test_verdict_modified_and_brief),
          NKT_CASE(test_verdict_hash_hints),
          NKT_CASE(test_netstats_and_frame_checks), NKT_CASE(test_kev),
          NKT_CASE(test_proto_input_inject), NKT_CASE(test_captured_v6_output_state),
          NKT_CASE(test_output_runs_as_the_sending_process),
          NKT_CASE(test_ip_header_aligned_at_ipf), NKT_CASE(test_small_frames_in_plain_mbufs));
