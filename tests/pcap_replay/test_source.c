/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_source.c - tests of the capture source (pcap_replay/source.c and
 * src_*.c, host world): every link type, from the reference captures in
 * fixtures/captures/ and from captures built here; timestamps, interfaces,
 * directions (capture marks, options, heuristic), truncation, decoded
 * bytes, PKTAP processes, checksum-offload detection, the look-ahead
 * window against streaming, stdin, and the same frames, summaries and
 * errors with the classic-pcap reader thread on and off.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capgen.h"
#include "nke_hash.h"
#include "nkr_priv.h" /* sr_npre */
#include "source.h"

#define FIX(name) NKR_FIXTURES "/captures/" name

static struct nkr_source_opts
defopts(void)
{
	struct nkr_source_opts o;

	memset(&o, 0, sizeof(o));
	o.so_offload = -1;
	return o;
}

static unsigned
count_dir(const struct cg_run *r, uint32_t dir)
{
	unsigned i, n = 0;

	for (i = 0; i < r->n; i++)
		n += r->fr[i].f.f_fr.fr_dir == dir;
	return n;
}

static void
assert_contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("\"%s\" not in \"%s\"", needle, hay);
}

static const uint8_t *
mac(const char *text)
{
	static uint8_t m[4][6];
	static unsigned k;
	uint8_t *p = m[k++ % 4];

	cg_mac(text, p);
	return p;
}

/* ---- Reference captures ---- */

static void
test_fixture_ethernet(void **state)
{
	struct nkr_source_opts o = defopts();
	struct cg_run r;
	const struct nks_frame *f;

	(void)state;
	assert_true(cg_read(FIX("01_tcp-reassembly-retrans.pcap"), &o, &r));
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 117);
	assert_int_equal(r.records, 117);
	assert_int_equal(r.skipped, 0);
	assert_int_equal(r.nifs, 1);
	assert_string_equal(r.ifs[0].si_name, "en0");
	assert_int_equal(r.ifs[0].si_spec.is_type, NKS_IFT_ETHER);
	assert_int_equal(r.ifs[0].si_linktype, 1);
	assert_string_equal(r.ifs[0].si_linkname, "EN10MB");
	assert_string_equal(r.ifs[0].si_capname, "");
	assert_memory_equal(r.ifs[0].si_spec.is_lladdr, mac("00:30:48:21:15:7e"), 6);
	assert_int_equal(r.ifs[0].si_spec.is_naddrs, 1);
	assert_int_equal(r.ifs[0].si_addrs[0].ia_family, NKS_FAMILY_INET);
	assert_int_equal(r.ifs[0].si_addrs[0].ia_prefixlen, 24);
	assert_memory_equal(r.ifs[0].si_addrs[0].ia_addr, "\x3f\xc1\xd5\xc2", 4);
	f = &r.fr[0].f.f_fr;
	assert_int_equal(f->fr_index, 1);
	assert_int_equal(f->fr_time_ns, 1078895630194466000LL);
	assert_int_equal(f->fr_caplen, 62);
	assert_int_equal(f->fr_wirelen, 62);
	assert_int_equal(f->fr_flags, 0);
	assert_int_equal(f->fr_pid, -1);
	assert_null(f->fr_comm);
	assert_memory_equal(f->fr_data, "\x00\x30\x48\x21\x1b\x0a\x00\x30\x48\x21\x15\x7e\x08\x00",
	                    14);
	/* 63.193.213.194 sent the first SYN (record 1): outbound. */
	assert_int_equal(f->fr_dir, NKS_DIR_OUT);
	assert_int_equal(r.fr[1].f.f_fr.fr_dir, NKS_DIR_IN);
	assert_int_equal(r.fr[116].f.f_fr.fr_index, 117);
	assert_int_equal(count_dir(&r, NKS_DIR_OUT), 54);
	assert_contains(r.dirsum, "direction: heuristic (117); local 63.193.213.194 on en0 (in "
	                          "every flow, sent the first SYN)");
	assert_contains(r.dirsum, "local MAC 00:30:48:21:15:7e on en0");
	assert_contains(r.dirsum, "checksum offload: none detected");
	assert_contains(r.ifsum, "en0 (EN10MB, the capture names none, 63.193.213.194/24");
	cg_run_free(&r);
}

static void
test_fixture_truncated_records(void **state)
{
	struct nkr_source_opts o = defopts();
	struct cg_run r;
	unsigned i, ntrunc = 0;

	(void)state;
	assert_true(cg_read(FIX("06_tcp-snaplen-truncated.pcap"), &o, &r));
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 878);
	for (i = 0; i < r.n; i++) {
		const struct nks_frame *f = &r.fr[i].f.f_fr;

		if (f->fr_flags & NKS_FRAME_TRUNCATED) {
			ntrunc++;
			assert_true(f->fr_caplen < f->fr_wirelen);
		} else {
			assert_int_equal(f->fr_caplen, f->fr_wirelen);
		}
	}
	assert_int_equal(ntrunc, 691);
	assert_contains(r.dirsum, "local 192.168.1.10 on en0 (in every flow, sent the first SYN)");
	cg_run_free(&r);
}

static void
test_fixture_vlan_tags_kept(void **state)
{
	struct nkr_source_opts o = defopts();
	struct cg_run r;

	(void)state;
	/* 802.1Q: the frame goes to the kernel with its tag. */
	assert_true(cg_read(FIX("10_vlan-ipv6-frag-tcp.pcap"), &o, &r));
	assert_int_equal(r.n, 3);
	assert_int_equal(r.fr[0].f.f_fr.fr_caplen, 506);
	assert_memory_equal(r.fr[0].f.f_fr.fr_data + 12, "\x81\x00\x00\x06\x86\xdd", 6);
	cg_run_free(&r);
	/* Three stacked tags, and the heuristic sees through them. */
	assert_true(cg_read(FIX("12_vlan-qinqinq-http.pcap"), &o, &r));
	assert_int_equal(r.n, 14);
	assert_memory_equal(r.fr[0].f.f_fr.fr_data + 12,
	                    "\x81\x00\x00\x1e\x81\x00\x00\x14\x81\x00\x00\x0a", 12);
	assert_contains(r.dirsum, "local 141.142.228.5 on en0 (in every flow, sent the first SYN)");
	assert_int_equal(r.fr[0].f.f_fr.fr_dir, NKS_DIR_OUT);
	assert_int_equal(r.fr[1].f.f_fr.fr_dir, NKS_DIR_IN);
	assert_memory_equal(r.ifs[0].si_spec.is_lladdr, mac("c8:bc:c8:96:d2:a0"), 6);
	cg_run_free(&r);
}

static void
test_fixture_pcapng_two_interfaces(void **state)
{
	struct nkr_source_opts o = defopts();
	struct cg_run r;
	static const unsigned sif[6] = {0, 0, 1, 1, 1, 1};
	static const uint32_t dir[6] = {2, 1, 2, 1, 2, 1};
	unsigned i;

	(void)state;
	assert_true(cg_read(FIX("14_pcapng-two-interfaces.pcapng"), &o, &r));
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 6);
	assert_int_equal(r.nifs, 2);
	assert_string_equal(r.ifs[0].si_name, "eth0");
	assert_string_equal(r.ifs[0].si_capname, "eth0");
	/* "\Device\NPF_{...}" is no BSD name: it becomes the --ifname default. */
	assert_string_equal(r.ifs[1].si_name, "en0");
	assert_string_equal(r.ifs[1].si_capname,
	                    "\\Device\\NPF_{5AE6EDB4-EFF9-46B3-A3C2-EE50C688A9E6}");
	for (i = 0; i < 6; i++) {
		assert_int_equal(r.fr[i].f.f_srcif, sif[i]);
		assert_int_equal(r.fr[i].f.f_fr.fr_ifindex, sif[i]);
		assert_int_equal(r.fr[i].f.f_fr.fr_dir, dir[i]);
		assert_int_equal(r.fr[i].f.f_fr.fr_index, i + 1);
	}
	/* The heuristic runs per interface: 1.1.1.1, in every flow of the
	   file, is the remote DNS server of both. */
	assert_contains(r.dirsum,
	                "local 172.17.0.2 on eth0 (in every flow, sent the first packet)");
	assert_contains(r.dirsum, "10.0.0.4 on en0 (in every flow, sent the first packet)");
	assert_contains(r.ifsum, "captured as \"\\Device\\NPF_{5AE6EDB4-EFF9-46B3-A3C2-"
	                         "EE50C688A9E6}\": not a BSD interface name");
	/* Taken on offloading senders: zero IPv4 checksums on the Windows
	   side, pseudo-header UDP sums on both. */
	assert_int_equal(r.ifs[0].si_spec.is_offload, NKS_OFFLOAD_TCPUDP);
	assert_int_equal(r.ifs[1].si_spec.is_offload, NKS_OFFLOAD_IPV4_HDR | NKS_OFFLOAD_TCPUDP);
	assert_contains(r.dirsum, "checksum offload: eth0 TCP/UDP (1 of 1 outbound segments");
	cg_run_free(&r);
}

static void
test_fixture_pcapng_many_idbs(void **state)
{
	struct nkr_source_opts o = defopts();
	struct cg_run r;

	(void)state;
	/* 126 interface blocks (some of link types we do not simulate), all
	   packets on one of them: one simulated interface. */
	assert_true(cg_read(FIX("13_pcapng-vlan-ipv6-tcp.pcapng"), &o, &r));
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 17);
	assert_int_equal(r.nifs, 1);
	assert_int_equal(r.ifs[0].si_spec.is_type, NKS_IFT_ETHER);
	assert_memory_equal(r.fr[0].f.f_fr.fr_data + 12, "\x81\x00", 2);
	assert_contains(r.dirsum, "local 2a00:6020:ad0b:8381:c8c2:18f1:4b9d:7524 on en0");
	cg_run_free(&r);
}

static void
test_fixture_pktap(void **state)
{
	struct nkr_source_opts o = defopts();
	struct cg_run r;
	const struct nks_frame *f;

	(void)state;
	assert_true(cg_read(FIX("15_linktype-pktap-apple.pcap"), &o, &r));
	assert_int_equal(r.n, 1);
	f = &r.fr[0].f.f_fr;
	/* The 108-byte PKTAP header is gone: the Ethernet frame remains. */
	assert_int_equal(f->fr_caplen, 182 - 108);
	assert_int_equal(f->fr_wirelen, 182 - 108);
	assert_memory_equal(f->fr_data, "\x00\x1e\x49\x1f\xf2\xc4\x70\x73\xcb\x0b\x26\x2a\x08\x00",
	                    14);
	assert_int_equal(f->fr_dir, NKS_DIR_OUT); /* pth_flags DIR_OUT */
	assert_int_equal(f->fr_pid, 512);
	assert_null(f->fr_comm); /* pth_comm is empty */
	assert_int_equal(f->fr_time_ns, 1392802874221562000LL);
	assert_int_equal(r.nifs, 1);
	assert_string_equal(r.ifs[0].si_name, "en0");
	assert_string_equal(r.ifs[0].si_capname, "en0");
	assert_int_equal(r.ifs[0].si_linktype, 258);
	assert_string_equal(r.ifs[0].si_linkname, "PKTAP");
	assert_memory_equal(r.ifs[0].si_spec.is_lladdr, mac("70:73:cb:0b:26:2a"), 6);
	assert_contains(r.dirsum, "direction: PKTAP flags (1)");
	assert_contains(r.dirsum, "local 10.32.4.27 on en0 (source of frames the capture marks "
	                          "outbound)");
	cg_run_free(&r);
}

static void
test_fixture_null_loopback(void **state)
{
	struct nkr_source_opts o = defopts();
	struct cg_run r;
	unsigned i;

	(void)state;
	assert_true(cg_read(FIX("16_null-loopback-ipv6-tcp.pcap"), &o, &r));
	assert_int_equal(r.n, 12);
	assert_int_equal(r.nifs, 1);
	assert_string_equal(r.ifs[0].si_name, "lo0");
	assert_int_equal(r.ifs[0].si_spec.is_type, NKS_IFT_LOOPBACK);
	assert_int_equal(r.ifs[0].si_spec.is_naddrs, 0); /* ::1 is the kernel's */
	for (i = 0; i < r.n; i++) {
		assert_int_equal(r.fr[i].f.f_fr.fr_family, NKS_FAMILY_INET6);
		assert_int_equal(r.fr[i].f.f_fr.fr_data[0] >> 4, 6);
		/* ::1 to ::1: every packet leaves (and loops back). */
		assert_int_equal(r.fr[i].f.f_fr.fr_dir, NKS_DIR_OUT);
	}
	assert_int_equal(r.fr[0].f.f_fr.fr_caplen, 88 - 4);
	assert_contains(r.dirsum, "local ::1 on lo0 (in every flow)");
	cg_run_free(&r);
}

static void
test_fixture_sll_nanoseconds(void **state)
{
	struct nkr_source_opts o = defopts();
	struct cg_run r;
	const struct nks_frame *f;

	(void)state;
	assert_true(cg_read(FIX("17_sll-nanosecond-handshake.pcap"), &o, &r));
	assert_int_equal(r.n, 3);
	f = &r.fr[0].f.f_fr;
	assert_int_equal(f->fr_time_ns, 1418145369924505488LL);
	assert_int_equal(r.fr[1].f.f_fr.fr_time_ns, 1418145370052027262LL);
	/* Packet types OUTGOING, HOST, OUTGOING. */
	assert_int_equal(f->fr_dir, NKS_DIR_OUT);
	assert_int_equal(r.fr[1].f.f_fr.fr_dir, NKS_DIR_IN);
	assert_int_equal(r.fr[2].f.f_fr.fr_dir, NKS_DIR_OUT);
	/* A 14-byte Ethernet header replaces the 16-byte SLL one; no 6-byte
	   address was recorded, so both MACs are made up. */
	assert_int_equal(f->fr_caplen, 76 - 2);
	assert_int_equal(f->fr_wirelen, 76 - 2);
	assert_memory_equal(f->fr_data,
	                    "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00\x45\x00", 16);
	assert_memory_equal(r.fr[1].f.f_fr.fr_data,
	                    "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00\x45\x00", 16);
	assert_int_equal(r.ifs[0].si_spec.is_type, NKS_IFT_ETHER);
	assert_string_equal(r.ifs[0].si_name, "en0");
	assert_string_equal(r.ifs[0].si_linkname, "LINUX_SLL");
	assert_memory_equal(r.ifs[0].si_spec.is_lladdr, mac("02:00:00:00:00:01"), 6);
	assert_contains(r.dirsum, "direction: SLL packet type (3)");
	cg_run_free(&r);
}

static void
test_fixture_raw(void **state)
{
	struct nkr_source_opts o = defopts();
	struct cg_run r;

	(void)state;
	assert_true(cg_read(FIX("18_rawip-syn-with-payload.pcap"), &o, &r));
	assert_int_equal(r.n, 6);
	assert_string_equal(r.ifs[0].si_name, "utun0");
	assert_int_equal(r.ifs[0].si_spec.is_type, NKS_IFT_UTUN);
	assert_string_equal(r.ifs[0].si_linkname, "RAW");
	assert_int_equal(r.fr[0].f.f_fr.fr_family, NKS_FAMILY_INET);
	assert_int_equal(r.fr[0].f.f_fr.fr_caplen, 140);
	assert_int_equal(r.fr[0].f.f_fr.fr_data[0], 0x45);
	assert_int_equal(r.fr[0].f.f_fr.fr_dir, NKS_DIR_OUT);
	assert_int_equal(r.fr[1].f.f_fr.fr_dir, NKS_DIR_IN);
	assert_contains(r.dirsum, "local 192.168.0.1 on utun0 (in every flow, sent the first SYN)");
	cg_run_free(&r);
}

static void
test_fixture_mixed_heuristic(void **state)
{
	struct nkr_source_opts o = defopts();
	struct cg_run r;

	(void)state;
	assert_true(cg_read(FIX("19_mixed-v4v6-tcp-udp.pcap"), &o, &r));
	assert_int_equal(r.n, 263);
	/* A subnet broadcast from the gateway is a flow without the host. */
	assert_contains(r.dirsum, "local 172.16.238.131 on en0 (in 5 of 6 flows)");
	assert_contains(r.dirsum,
	                "fe80::20c:29ff:febd:6f01 on en0 (sent the first packet; no flow between "
	                "unicast addresses)");
	/* Multicast and broadcast from others: no local endpoint, inbound. */
	assert_contains(r.dirsum, "heuristic (256), no local endpoint (taken as inbound) (7)");
	assert_int_equal(count_dir(&r, NKS_DIR_OUT), 124);
	assert_memory_equal(r.ifs[0].si_spec.is_lladdr, mac("00:0c:29:bd:6f:01"), 6);
	assert_int_equal(r.ifs[0].si_spec.is_naddrs, 2);
	cg_run_free(&r);
}

static void
test_local_options_override(void **state)
{
	struct nkr_source_opts o = defopts();
	struct cg_run r;

	(void)state;
	/* The other end of 01 declared local: every direction flips. */
	o.so_nlocal = 1;
	o.so_local[0] = "128.3.97.175";
	assert_true(cg_read(FIX("01_tcp-reassembly-retrans.pcap"), &o, &r));
	assert_int_equal(r.n, 117);
	assert_int_equal(r.fr[0].f.f_fr.fr_dir, NKS_DIR_IN);
	assert_int_equal(r.fr[1].f.f_fr.fr_dir, NKS_DIR_OUT);
	assert_int_equal(count_dir(&r, NKS_DIR_OUT), 117 - 54);
	assert_contains(r.dirsum, "direction: --local/--local-mac (117); local 128.3.97.175 "
	                          "(--local)");
	assert_memory_equal(r.ifs[0].si_addrs[0].ia_addr, "\x80\x03\x61\xaf", 4);
	/* And its MAC follows from it. */
	assert_memory_equal(r.ifs[0].si_spec.is_lladdr, mac("00:30:48:21:1b:0a"), 6);
	cg_run_free(&r);

	/* --local-mac decides where no address does. */
	o = defopts();
	o.so_nlocal_mac = 1;
	o.so_local_mac[0] = "00:30:48:21:1b:0a";
	o.so_ifname = "en3";
	assert_true(cg_read(FIX("01_tcp-reassembly-retrans.pcap"), &o, &r));
	assert_int_equal(r.fr[0].f.f_fr.fr_dir, NKS_DIR_IN);
	assert_int_equal(count_dir(&r, NKS_DIR_OUT), 117 - 54);
	assert_string_equal(r.ifs[0].si_name, "en3");
	assert_memory_equal(r.ifs[0].si_spec.is_lladdr, mac("00:30:48:21:1b:0a"), 6);
	assert_contains(r.dirsum, "local MAC 00:30:48:21:1b:0a on en3 (--local-mac)");
	/* The addresses it sends from are the local ones. */
	assert_contains(r.dirsum, "local 128.3.97.175 on en3 (source of frames from "
	                          "--local-mac)");
	assert_memory_equal(r.ifs[0].si_addrs[0].ia_addr, "\x80\x03\x61\xaf", 4);
	cg_run_free(&r);

	/* An IPv6 --local leaves the IPv4 heuristic running. */
	o = defopts();
	o.so_nlocal = 1;
	o.so_local[0] = "2001:db8::99";
	assert_true(cg_read(FIX("01_tcp-reassembly-retrans.pcap"), &o, &r));
	assert_int_equal(r.fr[0].f.f_fr.fr_dir, NKS_DIR_OUT);
	assert_contains(r.dirsum, "local 2001:db8::99 (--local), 63.193.213.194 on en0");
	/* Not seen in the capture: still given to the interface. */
	assert_int_equal(r.ifs[0].si_spec.is_naddrs, 2);
	cg_run_free(&r);
}

static void
test_lookahead_window_vs_streaming(void **state)
{
	struct nkr_source_opts o = defopts();
	struct cg_run big, small;
	unsigned i;

	(void)state;
	assert_true(cg_read(FIX("19_mixed-v4v6-tcp-udp.pcap"), &o, &big));
	o.so_lookahead_records = 50; /* the other 213 records stream */
	assert_true(cg_read(FIX("19_mixed-v4v6-tcp-udp.pcap"), &o, &small));
	assert_int_equal(big.n, small.n);
	for (i = 0; i < big.n; i++) {
		assert_int_equal(big.fr[i].f.f_fr.fr_index, small.fr[i].f.f_fr.fr_index);
		assert_int_equal(big.fr[i].f.f_fr.fr_time_ns, small.fr[i].f.f_fr.fr_time_ns);
		assert_int_equal(big.fr[i].f.f_fr.fr_caplen, small.fr[i].f.f_fr.fr_caplen);
		assert_memory_equal(big.fr[i].data, small.fr[i].data, big.fr[i].f.f_fr.fr_caplen);
		assert_int_equal(big.fr[i].f.f_fr.fr_dir, small.fr[i].f.f_fr.fr_dir);
	}
	cg_run_free(&big);
	cg_run_free(&small);
	/* A byte limit ends the window as well. */
	o = defopts();
	o.so_lookahead_bytes = 1000;
	assert_true(cg_read(FIX("01_tcp-reassembly-retrans.pcap"), &o, &small));
	assert_int_equal(small.n, 117);
	assert_int_equal(small.fr[0].f.f_fr.fr_dir, NKS_DIR_OUT);
	cg_run_free(&small);
}

/* Every reference capture: frames, outbound ones, the local address the
 * heuristic (or the capture) gives, the end. */
static void
test_fixture_table(void **state)
{
	static const struct {
		const char *file;
		unsigned n, out;
		const char *local;
		int rc;
	} t[] = {
	    {"01_tcp-reassembly-retrans.pcap", 117, 54, "local 63.193.213.194 on en0", 0},
	    {"02_ipv6-tcp-ftp-6sessions.pcap", 136, 80,
	     "local 2001:470:1f11:81f:c999:d94:aa7c:2e3e on en0 (in every flow, sent the first "
	     "SYN)",
	     0},
	    {"03_tcp-fin-retransmission.pcap", 5, 3, "local 10.1.30.117 on en0", 0},
	    {"04_tcp-partial-overlap.pcap", 7, 4,
	     "local 1.1.1.1 on en0 (in every flow, sent the first SYN)", 0},
	    {"05_tcp-fastopen-data-on-syn.pcap", 16, 7, "local 10.99.99.1 on en0", 0},
	    {"06_tcp-snaplen-truncated.pcap", 878, 185, "local 192.168.1.10 on en0", 0},
	    /* Fragments only: no SYN to tell, the first sender is local. */
	    {"07_ipv4-frag-tcp.pcap", 5, 5,
	     "local 210.54.213.247 on en0 (in every flow, sent the first packet)", 0},
	    {"08_ipv4-frag-overlap-ooo.pcap", 6, 1, "local 10.0.0.1 on en0 (in every flow)", 0},
	    {"09_ipv6-frag-udp-dns.pcap", 8, 3, "local 2001:470:1f11:81f:d138:5f55:6d4:1fe2 on en0",
	     0},
	    {"10_vlan-ipv6-frag-tcp.pcap", 3, 3, "local ::1 on en0", 0},
	    {"11_ipv6-malformed-frags.pcap", 9, 5, "local 2001:db8:1::2 on en0", 0},
	    {"12_vlan-qinqinq-http.pcap", 14, 7, "local 141.142.228.5 on en0", 0},
	    {"13_pcapng-vlan-ipv6-tcp.pcapng", 17, 9,
	     "local 2a00:6020:ad0b:8381:c8c2:18f1:4b9d:7524 on en0", 0},
	    {"14_pcapng-two-interfaces.pcapng", 6, 3, "local 172.17.0.2 on eth0", 0},
	    {"15_linktype-pktap-apple.pcap", 1, 1, "local 10.32.4.27 on en0", 0},
	    {"16_null-loopback-ipv6-tcp.pcap", 12, 12, "local ::1 on lo0", 0},
	    {"17_sll-nanosecond-handshake.pcap", 3, 2, "local 131.155.215.69 on en0", 0},
	    {"18_rawip-syn-with-payload.pcap", 6, 4, "local 192.168.0.1 on utun0", 0},
	    {"19_mixed-v4v6-tcp-udp.pcap", 263, 124, "local 172.16.238.131 on en0", 0},
	    {"20_fuzz-malformed-truncated.pcap", 1, 1, "local 192.168.0.0 on en0", -1},
	};
	struct nkr_source_opts o = defopts();
	char path[512];
	struct cg_run r;
	unsigned i, j;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(path, sizeof(path), "%s/captures/%s", NKR_FIXTURES, t[i].file);
		assert_true(cg_read(path, &o, &r));
		if (r.n != t[i].n || count_dir(&r, NKS_DIR_OUT) != t[i].out || r.rc != t[i].rc)
			fail_msg("%s: %u frames, %u out, rc %d", t[i].file, r.n,
			         count_dir(&r, NKS_DIR_OUT), r.rc);
		assert_contains(r.dirsum, t[i].local);
		for (j = 0; j < r.n; j++)
			assert_int_equal(r.fr[j].f.f_fr.fr_index, j + 1);
		cg_run_free(&r);
	}
}

/* ---- Generated captures ---- */

/* Two hosts: A (local) talks TCP to B; returns the packet's length. */
static size_t
pkt_a2b(uint8_t *out, int v6, uint8_t flags)
{
	return cg_pkt(out, v6, v6 ? "2001:db8::a" : "10.0.0.1", v6 ? "2001:db8::b" : "10.0.0.2", 6,
	              40000, 80, flags, "hi", 2);
}

static size_t
pkt_b2a(uint8_t *out, int v6, uint8_t flags)
{
	return cg_pkt(out, v6, v6 ? "2001:db8::b" : "10.0.0.2", v6 ? "2001:db8::a" : "10.0.0.1", 6,
	              80, 40000, flags, NULL, 0);
}

static void
test_pcap_magics(void **state)
{
	static const struct {
		uint32_t magic;
		int be;
		uint32_t frac;
		int64_t ns;
	} cases[] = {
	    {0xa1b2c3d4, 0, 123456, 1700000000123456000LL},
	    {0xa1b2c3d4, 1, 123456, 1700000000123456000LL},
	    {0xa1b23c4d, 0, 123456789, 1700000000123456789LL},
	    {0xa1b23c4d, 1, 123456789, 1700000000123456789LL},
	};
	struct nkr_source_opts o = defopts();
	uint8_t ip[100], fr[128];
	struct cg_buf b;
	struct cg_run r;
	size_t n, k;
	unsigned i;

	(void)state;
	n = pkt_a2b(ip, 0, 0x02);
	n = cg_eth(fr, "00:00:00:00:00:02", "00:00:00:00:00:01", 0x0800, ip, n);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cg_init(&b, cases[i].be);
		cg_pcap_hdr(&b, cases[i].magic, 1, 65535);
		cg_pcap_rec(&b, 1700000000, cases[i].frac, fr, (uint32_t)n, (uint32_t)n);
		cg_pcap_rec(&b, 1700000001, 0, fr, 20, (uint32_t)n);
		assert_true(cg_read_buf(&b, &o, &r));
		assert_int_equal(r.rc, 0);
		assert_int_equal(r.n, 2);
		assert_int_equal(r.fr[0].f.f_fr.fr_time_ns, cases[i].ns);
		assert_int_equal(r.fr[1].f.f_fr.fr_time_ns, 1700000001000000000LL);
		assert_memory_equal(r.fr[0].data, fr, n);
		for (k = 1; k < 2; k++) {
			assert_int_equal(r.fr[k].f.f_fr.fr_caplen, 20);
			assert_int_equal(r.fr[k].f.f_fr.fr_wirelen, n);
			assert_int_equal(r.fr[k].f.f_fr.fr_flags, NKS_FRAME_TRUNCATED);
		}
		cg_run_free(&r);
		cg_free(&b);
	}
}

static void
test_null_and_loop_families(void **state)
{
	struct nkr_source_opts o = defopts();
	uint8_t ip4[100], ip6[100], fr[128];
	size_t n4, n6;
	struct cg_buf b;
	struct cg_run r;

	(void)state;
	n4 = pkt_a2b(ip4, 0, 0x02);
	n6 = pkt_a2b(ip6, 1, 0x02);
	/* NULL from a big-endian host: 2, and Linux's AF_INET6 10; a family
	   that is neither is skipped. */
	cg_init(&b, 0);
	cg_pcap_hdr(&b, 0xa1b2c3d4, 0, 65535);
	memcpy(fr, "\x00\x00\x00\x02", 4);
	memcpy(fr + 4, ip4, n4);
	cg_pcap_rec(&b, 1, 0, fr, (uint32_t)(n4 + 4), (uint32_t)(n4 + 4));
	memcpy(fr, "\x0a\x00\x00\x00", 4);
	memcpy(fr + 4, ip6, n6);
	cg_pcap_rec(&b, 2, 0, fr, (uint32_t)(n6 + 4), (uint32_t)(n6 + 4));
	memcpy(fr, "\x07\x00\x00\x00", 4);
	cg_pcap_rec(&b, 3, 0, fr, (uint32_t)(n6 + 4), (uint32_t)(n6 + 4));
	memcpy(fr, "\x18\x00\x00\x00", 4); /* 24: NetBSD/OpenBSD AF_INET6 */
	cg_pcap_rec(&b, 4, 0, fr, (uint32_t)(n6 + 4), (uint32_t)(n6 + 4));
	assert_true(cg_read_buf(&b, &o, &r));
	assert_int_equal(r.n, 3);
	assert_int_equal(r.records, 4);
	assert_int_equal(r.skipped, 1);
	assert_string_equal(r.skipreason, "NULL family 7 is neither IPv4 nor IPv6");
	assert_string_equal(r.ifs[0].si_name, "lo0");
	assert_int_equal(r.ifs[0].si_linktype, 0);
	assert_int_equal(r.fr[0].f.f_fr.fr_family, NKS_FAMILY_INET);
	assert_int_equal(r.fr[0].f.f_fr.fr_caplen, n4);
	assert_memory_equal(r.fr[0].data, ip4, n4);
	assert_int_equal(r.fr[1].f.f_fr.fr_family, NKS_FAMILY_INET6);
	assert_int_equal(r.fr[2].f.f_fr.fr_family, NKS_FAMILY_INET6);
	assert_int_equal(r.fr[2].f.f_fr.fr_index, 4);
	/* The non-loopback local becomes an address of lo0. */
	assert_int_equal(r.ifs[0].si_spec.is_naddrs, 2);
	cg_run_free(&r);
	cg_free(&b);

	/* LOOP: network order, 28 and 30 for IPv6 too. */
	cg_init(&b, 1);
	cg_pcap_hdr(&b, 0xa1b2c3d4, 108, 65535);
	memcpy(fr, "\x00\x00\x00\x02", 4);
	memcpy(fr + 4, ip4, n4);
	cg_pcap_rec(&b, 1, 0, fr, (uint32_t)(n4 + 4), (uint32_t)(n4 + 4));
	memcpy(fr, "\x00\x00\x00\x1c", 4);
	memcpy(fr + 4, ip6, n6);
	cg_pcap_rec(&b, 2, 0, fr, (uint32_t)(n6 + 4), (uint32_t)(n6 + 4));
	memcpy(fr, "\x00\x00\x00\x1e", 4);
	cg_pcap_rec(&b, 3, 0, fr, (uint32_t)(n6 + 4), (uint32_t)(n6 + 4));
	assert_true(cg_read_buf(&b, &o, &r));
	assert_int_equal(r.n, 3);
	assert_string_equal(r.ifs[0].si_linkname, "LOOP");
	assert_int_equal(r.ifs[0].si_spec.is_type, NKS_IFT_LOOPBACK);
	assert_int_equal(r.fr[0].f.f_fr.fr_family, NKS_FAMILY_INET);
	assert_int_equal(r.fr[1].f.f_fr.fr_family, NKS_FAMILY_INET6);
	assert_int_equal(r.fr[2].f.f_fr.fr_family, NKS_FAMILY_INET6);
	assert_memory_equal(r.fr[2].data, ip6, n6);
	cg_run_free(&r);
	cg_free(&b);
}

static void
test_raw_ipv4_ipv6_linktypes(void **state)
{
	static const uint32_t lts[] = {12, 14, 101};
	struct nkr_source_opts o = defopts();
	uint8_t ip4[100], ip6[100];
	size_t n4, n6;
	struct cg_buf b;
	struct cg_run r;
	unsigned i;

	(void)state;
	n4 = pkt_a2b(ip4, 0, 0x02);
	n6 = pkt_a2b(ip6, 1, 0x02);
	/* RAW, whatever its number (DLT_RAW is 12 or 14 by system). */
	for (i = 0; i < 3; i++) {
		cg_init(&b, 0);
		cg_pcap_hdr(&b, 0xa1b2c3d4, lts[i], 65535);
		cg_pcap_rec(&b, 1, 0, ip4, (uint32_t)n4, (uint32_t)n4);
		cg_pcap_rec(&b, 2, 0, ip6, (uint32_t)n6, (uint32_t)n6);
		cg_pcap_rec(&b, 3, 0, "\x50\x00", 2, 2);
		assert_true(cg_read_buf(&b, &o, &r));
		assert_int_equal(r.n, 2);
		assert_int_equal(r.skipped, 1);
		assert_string_equal(r.skipreason, "raw IP record of IP version 5");
		assert_string_equal(r.ifs[0].si_name, "utun0");
		assert_string_equal(r.ifs[0].si_linkname, "RAW");
		assert_int_equal(r.fr[0].f.f_fr.fr_family, NKS_FAMILY_INET);
		assert_int_equal(r.fr[1].f.f_fr.fr_family, NKS_FAMILY_INET6);
		assert_memory_equal(r.fr[1].data, ip6, n6);
		cg_run_free(&r);
		cg_free(&b);
	}
	/* IPV4 and IPV6: the family comes from the link type. */
	cg_init(&b, 0);
	cg_pcap_hdr(&b, 0xa1b2c3d4, 228, 65535);
	cg_pcap_rec(&b, 1, 0, ip4, (uint32_t)n4, (uint32_t)n4);
	assert_true(cg_read_buf(&b, &o, &r));
	assert_int_equal(r.n, 1);
	assert_string_equal(r.ifs[0].si_linkname, "IPV4");
	assert_int_equal(r.ifs[0].si_spec.is_type, NKS_IFT_UTUN);
	assert_int_equal(r.fr[0].f.f_fr.fr_family, NKS_FAMILY_INET);
	cg_run_free(&r);
	cg_free(&b);
	cg_init(&b, 0);
	cg_pcap_hdr(&b, 0xa1b2c3d4, 229, 65535);
	cg_pcap_rec(&b, 1, 0, ip6, (uint32_t)n6, (uint32_t)n6);
	assert_true(cg_read_buf(&b, &o, &r));
	assert_int_equal(r.n, 1);
	assert_string_equal(r.ifs[0].si_linkname, "IPV6");
	assert_int_equal(r.fr[0].f.f_fr.fr_family, NKS_FAMILY_INET6);
	assert_int_equal(r.fr[0].f.f_fr.fr_dir, NKS_DIR_OUT);
	cg_run_free(&r);
	cg_free(&b);
}

static void
sll2_rec(struct cg_buf *b, uint32_t sec, uint16_t proto, uint8_t pkttype, const char *addr,
         const uint8_t *ip, size_t n)
{
	uint8_t fr[1700];

	memset(fr, 0, 20);
	fr[0] = (uint8_t)(proto >> 8);
	fr[1] = (uint8_t)proto;
	fr[7] = 3; /* ifindex */
	fr[9] = 1; /* ARPHRD_ETHER */
	fr[10] = pkttype;
	if (addr != NULL) {
		fr[11] = 6;
		cg_mac(addr, fr + 12);
	}
	memcpy(fr + 20, ip, n);
	cg_pcap_rec(b, sec, 0, fr, (uint32_t)(n + 20), (uint32_t)(n + 20));
}

static void
test_sll2_ethernet_synthesis(void **state)
{
	struct nkr_source_opts o = defopts();
	uint8_t ip[200], mc[200];
	struct cg_buf b;
	struct cg_run r;
	size_t n, nm;

	(void)state;
	n = pkt_a2b(ip, 0, 0x02);
	nm = cg_pkt(mc, 0, "10.0.0.2", "224.0.0.251", 17, 5353, 5353, 0, "x", 1);
	cg_init(&b, 0);
	cg_pcap_hdr(&b, 0xa1b2c3d4, 276, 65535);
	sll2_rec(&b, 1, 0x0800, 0, "00:00:00:00:00:b2", ip, n);  /* HOST */
	sll2_rec(&b, 2, 0x0800, 4, "00:00:00:00:00:a1", ip, n);  /* OUTGOING */
	sll2_rec(&b, 3, 0x0800, 1, "00:00:00:00:00:b2", ip, n);  /* BROADCAST */
	sll2_rec(&b, 4, 0x0800, 2, "00:00:00:00:00:b2", mc, nm); /* MULTICAST */
	sll2_rec(&b, 5, 0x0800, 3, "00:00:00:00:00:b2", ip, n);  /* OTHERHOST */
	sll2_rec(&b, 6, 0x0004, 0, "00:00:00:00:00:b2", ip, n);  /* 802.2 LLC */
	assert_true(cg_read_buf(&b, &o, &r));
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 5);
	assert_int_equal(r.skipped, 1);
	assert_string_equal(r.skipreason, "LINUX_SLL2 protocol 0x0004 has no Ethernet framing");
	assert_string_equal(r.ifs[0].si_linkname, "LINUX_SLL2");
	/* The first outgoing record's address is the interface's MAC. */
	assert_memory_equal(r.ifs[0].si_spec.is_lladdr, mac("00:00:00:00:00:a1"), 6);
	/* Incoming: to our MAC, from the recorded one. */
	assert_memory_equal(r.fr[0].data, mac("00:00:00:00:00:a1"), 6);
	assert_memory_equal(r.fr[0].data + 6, mac("00:00:00:00:00:b2"), 6);
	assert_memory_equal(r.fr[0].data + 12, "\x08\x00", 2);
	assert_memory_equal(r.fr[0].data + 14, ip, n);
	assert_int_equal(r.fr[0].f.f_fr.fr_caplen, n + 14);
	assert_int_equal(r.fr[0].f.f_fr.fr_dir, NKS_DIR_IN);
	/* Outgoing: from ours, to the peer the first incoming one named. */
	assert_memory_equal(r.fr[1].data, mac("00:00:00:00:00:b2"), 6);
	assert_memory_equal(r.fr[1].data + 6, mac("00:00:00:00:00:a1"), 6);
	assert_int_equal(r.fr[1].f.f_fr.fr_dir, NKS_DIR_OUT);
	assert_memory_equal(r.fr[2].data, mac("ff:ff:ff:ff:ff:ff"), 6);
	assert_memory_equal(r.fr[3].data, mac("01:00:5e:00:00:fb"), 6);
	assert_memory_equal(r.fr[4].data, mac("02:00:00:00:00:03"), 6);
	assert_int_equal(r.fr[4].f.f_fr.fr_dir, NKS_DIR_IN);
	assert_contains(r.dirsum, "direction: SLL packet type (5)");
	cg_run_free(&r);
	cg_free(&b);
}

static void
test_pcapng_epb_flags_and_options(void **state)
{
	struct nkr_source_opts o = defopts();
	uint8_t ip[100], fr[200];
	struct cg_buf b;
	struct cg_run r;
	size_t n, s;
	int be;

	(void)state;
	for (be = 0; be < 2; be++) {
		n = pkt_a2b(ip, 0, 0x02);
		n = cg_eth(fr, "00:00:00:00:00:02", "00:00:00:00:00:01", 0x0800, ip, n);
		cg_init(&b, be);
		cg_shb(&b);
		/* Interface 0: no options (microseconds); interface 1: a name,
		   nanoseconds; interface 2: 2^-20 s ticks and a 100 s offset. */
		cg_idb(&b, 1, 0, NULL, -1);
		cg_idb(&b, 1, 0, "en5", 9);
		s = cg_block_begin(&b, 1);
		cg_u16(&b, 1);
		cg_u16(&b, 0);
		cg_u32(&b, 0);
		cg_opt(&b, 2, "bridge0", 7);
		cg_opt(&b, 9, "\x94", 1);
		{
			struct cg_buf t;

			cg_init(&t, be);
			cg_u64(&t, 100);
			cg_opt(&b, 14, t.b, 8);
			cg_free(&t);
		}
		cg_opt_end(&b);
		cg_block_end(&b, s);
		/* Blocks we skip: name resolution, statistics, custom. */
		s = cg_block_begin(&b, 4);
		cg_u32(&b, 0);
		cg_block_end(&b, s);
		s = cg_block_begin(&b, 0x40000bad);
		cg_u32(&b, 12345);
		cg_bytes(&b, "vendor", 6);
		cg_block_end(&b, s);
		/* The epb_flags say inbound though 10.0.0.1 sent the SYN. */
		cg_epb(&b, 0, 1700000000123456ull, fr, (uint32_t)n, (uint32_t)n, 1);
		cg_epb(&b, 1, 1700000000123456789ull, fr, (uint32_t)n, (uint32_t)n, 2);
		cg_epb(&b, 2, (1700000000ull << 20) | (1u << 19), fr, (uint32_t)n, (uint32_t)n, -1);
		s = cg_block_begin(&b, 5); /* interface statistics */
		cg_u32(&b, 0);
		cg_u64(&b, 0);
		cg_block_end(&b, s);
		cg_epb(&b, 1, 1700000001000000000ull, fr, 30, (uint32_t)n, 0);
		assert_true(cg_read_buf(&b, &o, &r));
		assert_int_equal(r.rc, 0);
		assert_int_equal(r.n, 4);
		assert_int_equal(r.nifs, 3);
		assert_string_equal(r.ifs[0].si_name, "en0");
		assert_string_equal(r.ifs[1].si_name, "en5");
		assert_string_equal(r.ifs[2].si_name, "bridge0");
		assert_int_equal(r.fr[0].f.f_fr.fr_time_ns, 1700000000123456000LL);
		assert_int_equal(r.fr[1].f.f_fr.fr_time_ns, 1700000000123456789LL);
		assert_int_equal(r.fr[2].f.f_fr.fr_time_ns, 1700000100500000000LL);
		assert_int_equal(r.fr[0].f.f_fr.fr_dir, NKS_DIR_IN);
		assert_int_equal(r.fr[1].f.f_fr.fr_dir, NKS_DIR_OUT);
		assert_int_equal(r.fr[0].f.f_srcif, 0);
		assert_int_equal(r.fr[1].f.f_srcif, 1);
		assert_int_equal(r.fr[2].f.f_srcif, 2);
		assert_int_equal(r.fr[3].f.f_srcif, 1);
		assert_int_equal(r.fr[3].f.f_fr.fr_flags, NKS_FRAME_TRUNCATED);
		assert_int_equal(r.fr[3].f.f_fr.fr_caplen, 30);
		assert_int_equal(r.fr[3].f.f_fr.fr_index, 4);
		assert_memory_equal(r.fr[2].data, fr, n);
		assert_contains(r.dirsum, "direction: pcapng epb_flags (2), heuristic (2)");
		cg_run_free(&r);
		cg_free(&b);
	}
}

static void
test_pcapng_sections_spb_pb(void **state)
{
	struct nkr_source_opts o = defopts();
	uint8_t ip[100], fr[200];
	struct cg_buf b, b2;
	struct cg_run r;
	size_t n, s;

	(void)state;
	n = pkt_a2b(ip, 0, 0x02);
	n = cg_eth(fr, "00:00:00:00:00:02", "00:00:00:00:00:01", 0x0800, ip, n);
	cg_init(&b, 0);
	cg_shb(&b);
	cg_idb(&b, 1, 40, "eth1", 9);
	cg_epb(&b, 0, 5000000000ull, fr, (uint32_t)n, (uint32_t)n, -1);
	/* A simple packet block: interface 0, cut to its snaplen (40), the
	   previous packet's time. */
	s = cg_block_begin(&b, 3);
	cg_u32(&b, (uint32_t)n);
	cg_bytes(&b, fr, n);
	cg_block_end(&b, s);
	/* A second section, big-endian, with the same interface name. */
	cg_init(&b2, 1);
	cg_shb(&b2);
	cg_idb(&b2, 1, 0, "lo", -1); /* Linux loopback: Ethernet framing */
	cg_idb(&b2, 1, 0, "eth1", -1);
	/* The obsolete packet block: 16-bit interface id, pack_flags. */
	s = cg_block_begin(&b2, 2);
	cg_u16(&b2, 1);
	cg_u16(&b2, 0);
	cg_u32(&b2, 0);
	cg_u32(&b2, 7000000);
	cg_u32(&b2, (uint32_t)n);
	cg_u32(&b2, (uint32_t)n);
	cg_bytes(&b2, fr, n);
	cg_pad4(&b2);
	cg_opt(&b2, 2, "\x00\x00\x00\x02", 4);
	cg_opt_end(&b2);
	cg_block_end(&b2, s);
	cg_epb(&b2, 0, 8000000ull, fr, (uint32_t)n, (uint32_t)n, -1);
	cg_bytes(&b, b2.b, b2.len);
	assert_true(cg_read_buf(&b, &o, &r));
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.fr[1].f.f_fr.fr_caplen, 40);
	assert_int_equal(r.fr[1].f.f_fr.fr_wirelen, n);
	assert_int_equal(r.fr[1].f.f_fr.fr_time_ns, 5000000000LL);
	/* eth1 of both sections is one interface; "lo" is not lo0. */
	assert_int_equal(r.nifs, 2);
	assert_string_equal(r.ifs[0].si_name, "eth1");
	assert_string_equal(r.ifs[1].si_name, "en0");
	assert_string_equal(r.ifs[1].si_capname, "lo");
	assert_int_equal(r.fr[2].f.f_srcif, 0);
	assert_int_equal(r.fr[2].f.f_fr.fr_time_ns, 7000000000LL);
	assert_int_equal(r.fr[2].f.f_fr.fr_dir, NKS_DIR_OUT);
	assert_int_equal(r.fr[3].f.f_srcif, 1);
	assert_int_equal(r.fr[3].f.f_fr.fr_time_ns, 8000000000LL);
	cg_run_free(&r);
	cg_free(&b);
	cg_free(&b2);
}

static size_t
pktap_hdr(uint8_t *h, uint32_t dlt, const char *ifname, uint32_t flags, int32_t pid,
          const char *comm)
{
	memset(h, 0, 156);
	h[0] = 156;
	h[4] = 1; /* PTH_TYPE_PACKET */
	h[8] = (uint8_t)dlt;
	strcpy((char *)h + 12, ifname);
	h[36] = (uint8_t)flags;
	memcpy(h + 52, &pid, 4); /* little-endian hosts run these tests */
	if (comm != NULL)
		strcpy((char *)h + 56, comm);
	return 156;
}

static void
test_pktap_generated(void **state)
{
	struct nkr_source_opts o = defopts();
	uint8_t ip[100], fr[400], eth[200];
	struct cg_buf b;
	struct cg_run r;
	size_t n, ne, h;

	(void)state;
	n = pkt_a2b(ip, 0, 0x02);
	ne = cg_eth(eth, "00:00:00:00:00:02", "00:00:00:00:00:01", 0x0800, ip, n);
	cg_init(&b, 0);
	cg_pcap_hdr(&b, 0xa1b2c3d4, 258, 65535);
	/* Outbound Ethernet from curl. */
	h = pktap_hdr(fr, 1, "en1", 2, 4242, "curl");
	memcpy(fr + h, eth, ne);
	cg_pcap_rec(&b, 1, 0, fr, (uint32_t)(h + ne), (uint32_t)(h + ne));
	/* Inbound on a macOS tunnel: DLT_NULL with a family word. */
	h = pktap_hdr(fr, 0, "utun3", 1, -1, NULL);
	memcpy(fr + h, "\x02\x00\x00\x00", 4);
	memcpy(fr + h + 4, ip, n);
	cg_pcap_rec(&b, 2, 0, fr, (uint32_t)(h + 4 + n), (uint32_t)(h + 4 + n));
	/* Inbound on lo0, no process. */
	h = pktap_hdr(fr, 0, "lo0", 1, 0, NULL);
	memcpy(fr + h, "\x02\x00\x00\x00", 4);
	memcpy(fr + h + 4, ip, n);
	cg_pcap_rec(&b, 3, 0, fr, (uint32_t)(h + 4 + n), (uint32_t)(h + 4 + n));
	/* A header longer than its record: skipped. */
	h = pktap_hdr(fr, 1, "en1", 2, 1, "x");
	cg_pcap_rec(&b, 4, 0, fr, 100, 100);
	assert_true(cg_read_buf(&b, &o, &r));
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.skipped, 1);
	assert_string_equal(r.skipreason, "PKTAP header length 156 invalid (record of 100 bytes)");
	assert_int_equal(r.nifs, 3);
	assert_string_equal(r.ifs[0].si_name, "en1");
	assert_int_equal(r.ifs[0].si_spec.is_type, NKS_IFT_ETHER);
	assert_string_equal(r.ifs[1].si_name, "utun3");
	assert_int_equal(r.ifs[1].si_spec.is_type, NKS_IFT_UTUN);
	assert_string_equal(r.ifs[2].si_name, "lo0");
	assert_int_equal(r.ifs[2].si_spec.is_type, NKS_IFT_LOOPBACK);
	assert_int_equal(r.fr[0].f.f_fr.fr_pid, 4242);
	assert_string_equal(r.fr[0].f.f_fr.fr_comm, "curl");
	assert_int_equal(r.fr[0].f.f_fr.fr_dir, NKS_DIR_OUT);
	assert_memory_equal(r.fr[0].data, eth, ne);
	assert_int_equal(r.fr[1].f.f_fr.fr_pid, -1);
	assert_null(r.fr[1].f.f_fr.fr_comm);
	assert_int_equal(r.fr[1].f.f_fr.fr_dir, NKS_DIR_IN);
	assert_int_equal(r.fr[1].f.f_fr.fr_family, NKS_FAMILY_INET);
	assert_memory_equal(r.fr[1].data, ip, n);
	assert_int_equal(r.fr[2].f.f_srcif, 2);
	assert_int_equal(r.fr[2].f.f_fr.fr_pid, -1);
	assert_contains(r.dirsum, "direction: PKTAP flags (3)");
	cg_run_free(&r);
	cg_free(&b);
}

/*
 * Frames for the local address that were sent to another MAC: a capture
 * taken off the host.  The interface then accepts any destination MAC,
 * unless --local-mac names the host's.
 */
static void
test_capture_off_the_host(void **state)
{
	struct nkr_source_opts o = defopts();
	uint8_t ip[100], eth[200];
	struct cg_buf b;
	struct cg_run r;
	size_t n, ne;

	(void)state;
	cg_init(&b, 0);
	cg_pcap_hdr(&b, 0xa1b2c3d4, 1, 65535);
	/* out: host 10.0.0.2 (MAC :01) to the peer's router (MAC :02) */
	n = cg_pkt(ip, 0, "10.0.0.2", "10.9.9.9", 6, 40000, 80, 0x02, NULL, 0);
	ne = cg_eth(eth, "00:00:00:00:00:02", "00:00:00:00:00:01", 0x0800, ip, n);
	cg_pcap_rec(&b, 1, 0, eth, (uint32_t)ne, (uint32_t)ne);
	/* in: the reply reached the tap addressed to a virtual router MAC */
	n = cg_pkt(ip, 0, "10.9.9.9", "10.0.0.2", 6, 80, 40000, 0x12, NULL, 0);
	ne = cg_eth(eth, "00:00:0c:07:ac:00", "00:00:00:00:00:02", 0x0800, ip, n);
	cg_pcap_rec(&b, 2, 0, eth, (uint32_t)ne, (uint32_t)ne);
	assert_true(cg_read_buf(&b, &o, &r));
	assert_int_equal(r.n, 2);
	assert_int_equal(r.fr[1].f.f_fr.fr_dir, NKS_DIR_IN);
	assert_true(r.ifs[0].si_spec.is_flags & NKS_IFSPEC_ANYMAC);
	assert_non_null(strstr(r.ifsum, "any destination MAC accepted (1 of 1"));
	cg_run_free(&r);
	/* The user names the host's MAC: it means what it says. */
	o.so_nlocal_mac = 1;
	o.so_local_mac[0] = "00:00:00:00:00:01";
	assert_true(cg_read_buf(&b, &o, &r));
	assert_false(r.ifs[0].si_spec.is_flags & NKS_IFSPEC_ANYMAC);
	cg_run_free(&r);
	cg_free(&b);
}

/* Apple's pcapng process blocks: packets name their process by index. */
static void
test_pcapng_process_blocks(void **state)
{
	struct nkr_source_opts o = defopts();
	uint8_t ip[100], eth[200];
	struct cg_buf b;
	struct cg_run r;
	size_t n, ne, blk;
	uint32_t v;

	(void)state;
	n = pkt_a2b(ip, 0, 0x02);
	ne = cg_eth(eth, "00:00:00:00:00:02", "00:00:00:00:00:01", 0x0800, ip, n);
	cg_init(&b, 0);
	cg_shb(&b);
	cg_idb(&b, 1, 65535, "en0", -1);
	/* Process blocks 0 (pid 123 "Safari") and 1 (pid 456 "curl"). */
	blk = cg_block_begin(&b, 0x80000001u);
	cg_u32(&b, 123);
	cg_opt(&b, 2, "Safari", 6);
	cg_opt_end(&b);
	cg_block_end(&b, blk);
	blk = cg_block_begin(&b, 0x80000001u);
	cg_u32(&b, 456);
	cg_opt(&b, 2, "curl", 4);
	cg_opt_end(&b);
	cg_block_end(&b, blk);
	/* Packet 1 names block 1; packet 2 block 0 as process and block 1 as
	   the effective one (which wins); packet 3 an index out of range;
	   packet 4 none. */
	blk = cg_block_begin(&b, 6);
	cg_u32(&b, 0);
	cg_u32(&b, 0);
	cg_u32(&b, 1);
	cg_u32(&b, (uint32_t)ne);
	cg_u32(&b, (uint32_t)ne);
	cg_bytes(&b, eth, ne);
	cg_pad4(&b);
	v = 1;
	cg_opt(&b, 0x8001, &v, 4);
	cg_opt_end(&b);
	cg_block_end(&b, blk);
	blk = cg_block_begin(&b, 6);
	cg_u32(&b, 0);
	cg_u32(&b, 0);
	cg_u32(&b, 2);
	cg_u32(&b, (uint32_t)ne);
	cg_u32(&b, (uint32_t)ne);
	cg_bytes(&b, eth, ne);
	cg_pad4(&b);
	v = 0;
	cg_opt(&b, 0x8001, &v, 4);
	v = 1;
	cg_opt(&b, 0x8003, &v, 4);
	cg_opt_end(&b);
	cg_block_end(&b, blk);
	blk = cg_block_begin(&b, 6);
	cg_u32(&b, 0);
	cg_u32(&b, 0);
	cg_u32(&b, 3);
	cg_u32(&b, (uint32_t)ne);
	cg_u32(&b, (uint32_t)ne);
	cg_bytes(&b, eth, ne);
	cg_pad4(&b);
	v = 7;
	cg_opt(&b, 0x8001, &v, 4);
	cg_opt_end(&b);
	cg_block_end(&b, blk);
	cg_epb(&b, 0, 4, eth, (uint32_t)ne, (uint32_t)ne, -1);
	assert_true(cg_read_buf(&b, &o, &r));
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.fr[0].f.f_fr.fr_pid, 456);
	assert_string_equal(r.fr[0].f.f_fr.fr_comm, "curl");
	assert_int_equal(r.fr[1].f.f_fr.fr_pid, 456);
	assert_int_equal(r.fr[2].f.f_fr.fr_pid, -1);
	assert_null(r.fr[2].f.f_fr.fr_comm);
	assert_int_equal(r.fr[3].f.f_fr.fr_pid, -1);
	cg_run_free(&r);
	cg_free(&b);
}

static void
test_pktap_v2_header(void **state)
{
	struct nkr_source_opts o = defopts();
	uint8_t ip[100], fr[400];
	struct cg_buf b;
	struct cg_run r;
	size_t n;
	uint32_t flags = 0x80000 | 2;
	int32_t pid = 77;

	(void)state;
	n = pkt_a2b(ip, 0, 0x02);
	/* Version 2: byte length, string offsets; the strings after the
	   fixed 40 bytes. */
	memset(fr, 0, 64);
	fr[0] = 64;
	fr[3] = 40; /* ifname */
	fr[4] = 48; /* comm */
	fr[6] = 12; /* DLT_RAW (Darwin) */
	memcpy(fr + 28, &pid, 4);
	memcpy(fr + 36, &flags, 4);
	memcpy(fr + 40, "utun7", 6);
	memcpy(fr + 48, "ssh", 4);
	memcpy(fr + 64, ip, n);
	cg_init(&b, 0);
	cg_pcap_hdr(&b, 0xa1b2c3d4, 258, 65535);
	cg_pcap_rec(&b, 1, 0, fr, (uint32_t)(64 + n), (uint32_t)(64 + n));
	assert_true(cg_read_buf(&b, &o, &r));
	assert_int_equal(r.n, 1);
	assert_string_equal(r.ifs[0].si_name, "utun7");
	assert_int_equal(r.fr[0].f.f_fr.fr_family, NKS_FAMILY_INET);
	assert_int_equal(r.fr[0].f.f_fr.fr_pid, 77);
	assert_string_equal(r.fr[0].f.f_fr.fr_comm, "ssh");
	assert_int_equal(r.fr[0].f.f_fr.fr_dir, NKS_DIR_OUT);
	assert_memory_equal(r.fr[0].data, ip, n);
	cg_run_free(&r);
	cg_free(&b);
}

static void
test_heuristic_tie_breaks(void **state)
{
	struct nkr_source_opts o = defopts();
	uint8_t ip[100];
	struct cg_buf b;
	struct cg_run r;
	size_t n;

	(void)state;
	/* One flow: B speaks first, but A sends the SYN: A is local. */
	cg_init(&b, 0);
	cg_pcap_hdr(&b, 0xa1b2c3d4, 101, 65535);
	n = cg_pkt(ip, 0, "10.0.0.2", "10.0.0.1", 17, 53, 5353, 0, "x", 1);
	cg_pcap_rec(&b, 1, 0, ip, (uint32_t)n, (uint32_t)n);
	n = cg_pkt(ip, 0, "10.0.0.1", "10.0.0.2", 6, 40000, 80, 0x02, NULL, 0);
	cg_pcap_rec(&b, 2, 0, ip, (uint32_t)n, (uint32_t)n);
	n = cg_pkt(ip, 0, "10.0.0.2", "10.0.0.1", 6, 80, 40000, 0x12, NULL, 0);
	cg_pcap_rec(&b, 3, 0, ip, (uint32_t)n, (uint32_t)n);
	assert_true(cg_read_buf(&b, &o, &r));
	assert_contains(r.dirsum, "local 10.0.0.1 on utun0 (in every flow, sent the first SYN)");
	assert_int_equal(r.fr[0].f.f_fr.fr_dir, NKS_DIR_IN);
	assert_int_equal(r.fr[1].f.f_fr.fr_dir, NKS_DIR_OUT);
	assert_int_equal(r.fr[2].f.f_fr.fr_dir, NKS_DIR_IN);
	cg_run_free(&r);
	cg_free(&b);

	/* No SYN: the sender of the first packet.  A third host talking to
	   10.0.0.2 makes it the address in every flow. */
	cg_init(&b, 0);
	cg_pcap_hdr(&b, 0xa1b2c3d4, 101, 65535);
	n = cg_pkt(ip, 0, "10.0.0.1", "10.0.0.2", 17, 1, 2, 0, NULL, 0);
	cg_pcap_rec(&b, 1, 0, ip, (uint32_t)n, (uint32_t)n);
	assert_true(cg_read_buf(&b, &o, &r));
	assert_contains(r.dirsum, "local 10.0.0.1 on utun0 (in every flow, sent the first packet)");
	cg_run_free(&r);
	n = cg_pkt(ip, 0, "10.0.0.3", "10.0.0.2", 17, 1, 2, 0, NULL, 0);
	cg_pcap_rec(&b, 2, 0, ip, (uint32_t)n, (uint32_t)n);
	n = cg_pkt(ip, 0, "10.0.0.4", "10.0.0.5", 17, 1, 2, 0, NULL, 0);
	cg_pcap_rec(&b, 3, 0, ip, (uint32_t)n, (uint32_t)n);
	assert_true(cg_read_buf(&b, &o, &r));
	assert_contains(r.dirsum, "local 10.0.0.2 on utun0 (in 2 of 3 flows)");
	assert_int_equal(r.fr[0].f.f_fr.fr_dir, NKS_DIR_IN);
	assert_int_equal(r.fr[2].f.f_fr.fr_dir, NKS_DIR_IN);
	assert_contains(r.dirsum, "no local endpoint (taken as inbound) (1)");
	cg_run_free(&r);
	cg_free(&b);
}

/* An outbound segment as an offloading sender's capture shows it: IPv4
 * header checksum 0, TCP checksum = the pseudo-header sum. */
static size_t
offloaded(uint8_t *out)
{
	uint8_t tcp[40];
	uint32_t sum;
	size_t n;

	n = cg_tcp(tcp, 0, "10.0.0.1", "10.0.0.2", 40000, 80, 0x18, "data", 4);
	tcp[16] = tcp[17] = 0;
	sum = 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 6 + (uint32_t)n;
	sum = (sum & 0xffff) + (sum >> 16);
	tcp[16] = (uint8_t)(sum >> 8);
	tcp[17] = (uint8_t)sum;
	n = cg_ip4(out, "10.0.0.1", "10.0.0.2", 6, tcp, n);
	out[10] = out[11] = 0;
	return n;
}

static void
test_offload_detection(void **state)
{
	struct nkr_source_opts o = defopts();
	uint8_t ip[100], fr[200];
	struct cg_buf b;
	struct cg_run r;
	size_t n;

	(void)state;
	cg_init(&b, 0);
	cg_pcap_hdr(&b, 0xa1b2c3d4, 1, 65535);
	n = pkt_a2b(ip, 0, 0x02);
	n = cg_eth(fr, "00:00:00:00:00:02", "00:00:00:00:00:01", 0x0800, ip, n);
	cg_pcap_rec(&b, 1, 0, fr, (uint32_t)n, (uint32_t)n);
	n = offloaded(ip);
	n = cg_eth(fr, "00:00:00:00:00:02", "00:00:00:00:00:01", 0x0800, ip, n);
	cg_pcap_rec(&b, 2, 0, fr, (uint32_t)n, (uint32_t)n);
	cg_pcap_rec(&b, 3, 0, fr, (uint32_t)n, (uint32_t)n);
	/* Inbound offload-looking segments are no evidence. */
	n = pkt_b2a(ip, 0, 0x12);
	ip[10] = ip[11] = 0;
	n = cg_eth(fr, "00:00:00:00:00:01", "00:00:00:00:00:02", 0x0800, ip, n);
	cg_pcap_rec(&b, 4, 0, fr, (uint32_t)n, (uint32_t)n);
	assert_true(cg_read_buf(&b, &o, &r));
	assert_int_equal(r.fr[3].f.f_fr.fr_dir, NKS_DIR_IN);
	assert_int_equal(r.ifs[0].si_spec.is_offload, NKS_OFFLOAD_IPV4_HDR | NKS_OFFLOAD_TCPUDP);
	assert_contains(
	    r.dirsum,
	    "checksum offload: en0 IPv4 header (2 of 3 outbound headers unchecksummed), "
	    "TCP/UDP (2 of 3 outbound segments with a pseudo-header sum or a bad checksum) "
	    "(detected)");
	cg_run_free(&r);
	o.so_offload = 0;
	assert_true(cg_read_buf(&b, &o, &r));
	assert_int_equal(r.ifs[0].si_spec.is_offload, 0);
	assert_contains(r.dirsum, "checksum offload: off (option)");
	cg_run_free(&r);
	cg_free(&b);

	/* Clean outbound checksums: no offload unless asked for. */
	cg_init(&b, 0);
	cg_pcap_hdr(&b, 0xa1b2c3d4, 1, 65535);
	n = pkt_a2b(ip, 0, 0x02);
	n = cg_eth(fr, "00:00:00:00:00:02", "00:00:00:00:00:01", 0x0800, ip, n);
	cg_pcap_rec(&b, 1, 0, fr, (uint32_t)n, (uint32_t)n);
	o.so_offload = -1;
	assert_true(cg_read_buf(&b, &o, &r));
	assert_int_equal(r.ifs[0].si_spec.is_offload, 0);
	cg_run_free(&r);
	o.so_offload = 1;
	assert_true(cg_read_buf(&b, &o, &r));
	assert_int_equal(r.ifs[0].si_spec.is_offload, NKS_OFFLOAD_IPV4_HDR | NKS_OFFLOAD_TCPUDP);
	cg_run_free(&r);
	cg_free(&b);
}

static void
test_interface_names(void **state)
{
	struct nkr_source_opts o = defopts();
	uint8_t ip[100], fr[200];
	struct cg_buf b;
	struct cg_run r;
	size_t n;

	(void)state;
	n = pkt_a2b(ip, 0, 0x02);
	n = cg_eth(fr, "00:00:00:00:00:02", "00:00:00:00:00:01", 0x0800, ip, n);
	cg_init(&b, 0);
	cg_shb(&b);
	cg_idb(&b, 1, 0, NULL, -1);
	cg_idb(&b, 1, 0, "wlp3s0", -1);
	cg_idb(&b, 1, 0, "en0", -1);
	cg_idb(&b, 101, 0, "tun0", -1);
	cg_idb(&b, 147, 0, "weird0", -1); /* unused: no error */
	cg_epb(&b, 0, 1, fr, (uint32_t)n, (uint32_t)n, -1);
	cg_epb(&b, 1, 2, fr, (uint32_t)n, (uint32_t)n, -1);
	cg_epb(&b, 2, 3, fr, (uint32_t)n, (uint32_t)n, -1);
	cg_epb(&b, 3, 4, ip, 40, 40, -1);
	o.so_ifname = "en2";
	assert_true(cg_read_buf(&b, &o, &r));
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.nifs, 4);
	assert_string_equal(r.ifs[0].si_name, "en2");
	assert_string_equal(r.ifs[1].si_name, "en3");
	assert_string_equal(r.ifs[1].si_capname, "wlp3s0");
	assert_string_equal(r.ifs[2].si_name, "en0");
	assert_string_equal(r.ifs[3].si_name, "tun0");
	assert_int_equal(r.ifs[3].si_spec.is_type, NKS_IFT_UTUN);
	assert_contains(r.ifsum, "en2 (EN10MB, the capture names none");
	assert_contains(r.ifsum, "en3 (EN10MB, captured as \"wlp3s0\": not a BSD interface name");
	cg_run_free(&r);
	cg_free(&b);
}

/* ---- stdin ---- */

struct feeder {
	int fd;
	const struct cg_buf *b;
};

static void *
feed(void *arg)
{
	struct feeder *f = arg;
	size_t off = 0;
	ssize_t k;

	/* In small pieces, so the reader sees a slow pipe. */
	while (off < f->b->len) {
		k = write(f->fd, f->b->b + off, f->b->len - off < 7 ? f->b->len - off : 7);
		if (k <= 0)
			break;
		off += (size_t)k;
	}
	close(f->fd);
	return NULL;
}

static void
read_stdin_opts(const struct cg_buf *b, const struct nkr_source_opts *op, struct cg_run *r)
{
	struct nkr_source_opts o = *op;
	struct feeder f;
	pthread_t t;
	int p[2], saved;

	assert_int_equal(pipe(p), 0);
	saved = dup(0);
	assert_true(saved >= 0);
	assert_int_equal(dup2(p[0], 0), 0);
	close(p[0]);
	clearerr(stdin);
	f.fd = p[1];
	f.b = b;
	assert_int_equal(pthread_create(&t, NULL, feed, &f), 0);
	cg_read("-", &o, r);
	pthread_join(t, NULL);
	dup2(saved, 0);
	close(saved);
	clearerr(stdin);
}

static void
read_stdin(const struct cg_buf *b, struct cg_run *r)
{
	struct nkr_source_opts o = defopts();

	read_stdin_opts(b, &o, r);
}

static void
test_stdin_pipe(void **state)
{
	uint8_t ip[100], fr[200];
	struct cg_buf b;
	struct cg_run r;
	size_t n;
	unsigned i;

	(void)state;
	n = pkt_a2b(ip, 0, 0x02);
	n = cg_eth(fr, "00:00:00:00:00:02", "00:00:00:00:00:01", 0x0800, ip, n);
	/* Classic pcap (libpcap reads the peeked bytes again). */
	cg_init(&b, 1);
	cg_pcap_hdr(&b, 0xa1b23c4d, 1, 65535);
	for (i = 0; i < 50; i++)
		cg_pcap_rec(&b, 10 + i, i, fr, (uint32_t)n, (uint32_t)n);
	read_stdin(&b, &r);
	assert_true(r.opened);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 50);
	assert_int_equal(r.fr[49].f.f_fr.fr_time_ns, 59000000049LL);
	assert_memory_equal(r.fr[49].data, fr, n);
	cg_run_free(&r);
	cg_free(&b);
	/* pcapng. */
	cg_init(&b, 0);
	cg_shb(&b);
	cg_idb(&b, 1, 0, "en4", 9);
	for (i = 0; i < 50; i++)
		cg_epb(&b, 0, 1000 + i, fr, (uint32_t)n, (uint32_t)n, 2);
	read_stdin(&b, &r);
	assert_true(r.opened);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 50);
	assert_string_equal(r.ifs[0].si_name, "en4");
	assert_int_equal(r.fr[49].f.f_fr.fr_time_ns, 1049);
	cg_run_free(&r);
	/* Errors name stdin. */
	b.len = 30;
	read_stdin(&b, &r);
	assert_false(r.opened);
	assert_contains(r.err.e_msg, "stdin: pcapng block at offset 28: truncated block header");
	cg_free(&b);
}

/* ---- The reader thread changes nothing ---- */

/* Two runs gave the same frames (bytes too), end, message and summaries. */
static void
assert_same_run(const char *what, const struct cg_run *a, const struct cg_run *b)
{
	const struct nks_frame *x, *y;
	unsigned i;

	if (a->opened != b->opened || a->n != b->n || a->rc != b->rc || a->records != b->records ||
	    a->skipped != b->skipped || a->nifs != b->nifs)
		fail_msg("%s: opened %d/%d, %u/%u frames, rc %d/%d, %llu/%llu records, %llu/%llu "
		         "skipped",
		         what, a->opened, b->opened, a->n, b->n, a->rc, b->rc,
		         (unsigned long long)a->records, (unsigned long long)b->records,
		         (unsigned long long)a->skipped, (unsigned long long)b->skipped);
	assert_string_equal(a->err.e_msg, b->err.e_msg);
	assert_string_equal(a->dirsum, b->dirsum);
	assert_string_equal(a->ifsum, b->ifsum);
	assert_string_equal(a->skipreason, b->skipreason);
	for (i = 0; i < a->n; i++) {
		x = &a->fr[i].f.f_fr;
		y = &b->fr[i].f.f_fr;
		if (x->fr_index != y->fr_index || x->fr_time_ns != y->fr_time_ns ||
		    x->fr_ifindex != y->fr_ifindex || x->fr_dir != y->fr_dir ||
		    x->fr_flags != y->fr_flags || x->fr_family != y->fr_family ||
		    x->fr_caplen != y->fr_caplen || x->fr_wirelen != y->fr_wirelen ||
		    x->fr_pid != y->fr_pid || a->fr[i].f.f_srcif != b->fr[i].f.f_srcif ||
		    memcmp(a->fr[i].data, b->fr[i].data, sizeof(a->fr[i].data)) != 0 ||
		    strcmp(a->fr[i].comm, b->fr[i].comm) != 0)
			fail_msg("%s: frame %u differs", what, i + 1);
	}
}

/* Every reference capture (pcapng too: the option leaves it alone), with
 * the default look-ahead window and with a tiny one (the rest streams), and
 * a ring of 4 records (the thread decodes all but the first few records
 * after the window). */
static void
test_read_thread_same_frames(void **state)
{
	struct nkr_source_opts on = defopts(), off = defopts();
	struct cg_run a, b;
	struct dirent *de;
	char path[512];
	unsigned nfiles = 0, la, ring, nhints = 0;
	DIR *d;

	(void)state;
	on.so_read_thread = NKR_READ_THREAD_ON;
	off.so_read_thread = NKR_READ_THREAD_OFF;
	/* And with hashes worked out ahead: each one right, none without the
	   thread. */
	on.so_hash_hints = off.so_hash_hints = 1;
	d = opendir(NKR_FIXTURES "/captures");
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/captures/%s", NKR_FIXTURES, de->d_name);
		for (la = 0; la < 4; la++) {
			on.so_lookahead_records = off.so_lookahead_records = la % 2 == 0 ? 0 : 3;
			ring = la < 2 ? 0 : 4;
			on.so_read_ring_records = ring;
			cg_read(path, &on, &a);
			cg_read(path, &off, &b);
			assert_same_run(de->d_name, &a, &b);
			assert_int_equal(a.bad_hints, 0);
			assert_int_equal(b.nhints, 0);
			nhints += a.nhints;
			cg_run_free(&a);
			cg_run_free(&b);
		}
		nfiles++;
	}
	closedir(d);
	assert_true(nfiles >= 20);
	assert_true(nhints > 200); /* 312: the fixtures' large packets */
}

/*
 * The reader thread's hashes (so_hash_hints, struct nks_hhint): each frame's
 * IP packet and its TCP or UDP payload, 128 bytes or more, where the record
 * holds them whole.  The first 3 records are the window (no hints); then,
 * per kind of frame, the hints expected.
 */
static void
test_read_thread_hash_hints(void **state)
{
	static uint8_t pay[1400];
	static const struct {
		int v6, proto;
		size_t plen;
		int frag, cut; /* an IPv4 fragment; captured 20 bytes short */
		unsigned nhints;
	} k[] = {
	    {0, 6, 1000, 0, 0, 2}, {1, 17, 500, 0, 0, 2}, {0, 17, 120, 0, 0, 1},
	    {1, 6, 20, 0, 0, 0},   {0, 6, 1000, 1, 0, 1}, {0, 6, 1000, 0, 1, 0},
	};
	const size_t nk = sizeof(k) / sizeof(k[0]);
	struct nkr_source_opts on = defopts();
	uint8_t ip[1600], fr[1700];
	const struct nks_frame *f;
	struct cg_buf b;
	struct cg_run r;
	size_t n, i, j, hl;

	(void)state;
	for (i = 0; i < sizeof(pay); i++)
		pay[i] = (uint8_t)(i * 13 + 1);
	cg_init(&b, 0);
	cg_pcap_hdr(&b, 0xa1b2c3d4, 1, 65535);
	for (i = 0; i < 3 + 4 * nk; i++) {
		j = i < 3 ? 0 : (i - 3) % nk;
		n = cg_pkt(ip, k[j].v6, k[j].v6 ? "2001:db8::a" : "10.0.0.1",
		           k[j].v6 ? "2001:db8::b" : "10.0.0.2", (uint8_t)k[j].proto, 40000, 80, 0x10,
		           pay, k[j].plen);
		if (k[j].frag)
			ip[6] = 0x20; /* more fragments (the checksum does not matter) */
		n = cg_eth(fr, "00:00:00:00:00:02", "00:00:00:00:00:01", k[j].v6 ? 0x86dd : 0x0800,
		           ip, n);
		cg_pcap_rec(&b, 100, (uint32_t)i, fr, (uint32_t)(n - (k[j].cut ? 20 : 0)),
		            (uint32_t)n);
	}
	on.so_read_thread = NKR_READ_THREAD_ON;
	on.so_lookahead_records = 3;
	on.so_read_ring_records = 4;
	on.so_hash_hints = 1;
	assert_true(cg_read_buf(&b, &on, &r));
	assert_int_equal(r.n, 3 + 4 * nk);
	assert_int_equal(r.bad_hints, 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(r.fr[i].f.f_fr.fr_nhints, 0);
	/* The ring holds 4 records: those read before the analysis are
	   decoded here, without hints. */
	for (i = 3 + 4 + 1; i < r.n; i++) {
		j = (i - 3) % nk;
		f = &r.fr[i].f.f_fr;
		if (f->fr_nhints != k[j].nhints)
			fail_msg("record %zu (kind %zu): %u hints, %u expected", i + 1, j,
			         f->fr_nhints, k[j].nhints);
		if (k[j].nhints == 0)
			continue;
		hl = k[j].v6 ? 40 : 20;
		assert_int_equal(f->fr_hints[0].hh_off, 14);
		assert_int_equal(f->fr_hints[0].hh_len, f->fr_caplen - 14);
		if (k[j].nhints > 1) {
			assert_int_equal(f->fr_hints[1].hh_off,
			                 14 + hl + (k[j].proto == 6 ? 20 : 8));
			assert_int_equal(f->fr_hints[1].hh_len, k[j].plen);
			assert_true(f->fr_hints[1].hh_hash == nkh64(pay, k[j].plen));
		}
	}
	cg_run_free(&r);
	/* Not asked for: none. */
	on.so_hash_hints = 0;
	assert_true(cg_read_buf(&b, &on, &r));
	assert_int_equal(r.nhints, 0);
	cg_run_free(&r);
	cg_free(&b);
}

/* Generated: many records of every size up to 64 KiB (the ring wraps many
 * times), a truncated last record (libpcap's error after them), stdin. */
static void
test_read_thread_generated(void **state)
{
	static uint8_t fr[65535];
	uint8_t ip[100];
	struct nkr_source_opts on = defopts(), off = defopts(), autom = defopts();
	struct cg_buf b;
	struct cg_run x, y;
	uint32_t len;
	unsigned i, la;
	char *path;
	size_t n;

	(void)state;
	on.so_read_thread = NKR_READ_THREAD_ON;
	off.so_read_thread = NKR_READ_THREAD_OFF;
	n = pkt_a2b(ip, 0, 0x02);
	n = cg_eth(fr, "00:00:00:00:00:02", "00:00:00:00:00:01", 0x0800, ip, n);
	for (i = (unsigned)n; i < sizeof(fr); i++)
		fr[i] = (uint8_t)(i * 7);
	cg_init(&b, 0);
	cg_pcap_hdr(&b, 0xa1b2c3d4, 1, 65535);
	for (i = 0; i < 4000; i++) {
		len = i % 97 == 0 ? 65535 - i : (uint32_t)n + (i * 131) % 1500;
		cg_pcap_rec(&b, 100 + i, i, fr, len, len + (i % 3));
	}
	for (la = 0; la < 2; la++) {
		on.so_lookahead_records = off.so_lookahead_records = la == 0 ? 0 : 50;
		cg_read_buf(&b, &on, &x);
		cg_read_buf(&b, &off, &y);
		assert_int_equal(x.n, 4000);
		assert_int_equal(x.rc, 0);
		assert_same_run("generated", &x, &y);
		cg_run_free(&x);
		cg_run_free(&y);
	}
	/* Cut inside the last record's data: the error after 3999 records
	   (one file: the message names it). */
	b.len -= 10;
	path = cg_tmpfile(&b, NULL);
	cg_read(path, &on, &x);
	cg_read(path, &off, &y);
	unlink(path);
	free(path);
	assert_int_equal(x.n, 3999);
	assert_int_equal(x.rc, -1);
	assert_contains(x.err.e_msg, "record 4000: ");
	assert_same_run("truncated", &x, &y);
	cg_run_free(&x);
	cg_run_free(&y);
	/* stdin: on asks for the thread; auto leaves a stream alone. */
	read_stdin_opts(&b, &on, &x);
	read_stdin_opts(&b, &off, &y);
	assert_contains(x.err.e_msg, "stdin: record 4000: ");
	assert_same_run("stdin", &x, &y);
	cg_run_free(&x);
	read_stdin_opts(&b, &autom, &x);
	assert_same_run("stdin auto", &x, &y);
	cg_run_free(&x);
	cg_run_free(&y);
	cg_free(&b);
}

/*
 * The reader thread decodes records and decides their directions only once
 * the window is analysed: here the heuristic makes 10.0.0.1 (which sent
 * the first SYN) and its MAC local, so its frames are outbound; decided
 * before the analysis, they would be inbound (no local endpoint).  A ring
 * of 4 records decodes all but 4 records after the window on the thread, a
 * ring of 64 lets it be far ahead while the window is analysed, the
 * default one further; every frame's direction and the rule counts (the
 * summary) are the same as without the thread.
 */
static void
test_read_thread_decodes_after_analysis(void **state)
{
	static const unsigned rings[] = {4, 64, 0};
	static const char ma[] = "00:00:00:00:00:0a", mb[] = "00:00:00:00:00:0b";
	uint8_t ip[100], fr[200];
	struct nkr_source_opts on = defopts(), off = defopts();
	struct nkr_source *src;
	struct nkr_frame f;
	struct nkr_err err;
	struct cg_buf b;
	struct cg_run x, y;
	unsigned i, k, nrec = 3000, win = 100;
	char *path;
	size_t n;
	int v6, a2b, rc;

	(void)state;
	cg_init(&b, 0);
	cg_pcap_hdr(&b, 0xa1b2c3d4, 1, 65535);
	for (i = 0; i < nrec; i++) {
		/* A SYN from a first, then both ways, IPv4 and IPv6. */
		v6 = i % 5 == 3;
		a2b = i == 0 || i % 3 != 1;
		n = a2b ? pkt_a2b(ip, v6, i == 0 ? 0x02 : 0x10) : pkt_b2a(ip, v6, 0x10);
		n = cg_eth(fr, a2b ? mb : ma, a2b ? ma : mb, v6 ? 0x86dd : 0x0800, ip, n);
		cg_pcap_rec(&b, 100 + i, i, fr, (uint32_t)n, (uint32_t)n);
	}
	path = cg_tmpfile(&b, NULL);
	cg_free(&b);
	on.so_read_thread = NKR_READ_THREAD_ON;
	off.so_read_thread = NKR_READ_THREAD_OFF;
	on.so_lookahead_records = off.so_lookahead_records = win;
	cg_read(path, &off, &y);
	assert_int_equal(y.n, nrec);
	assert_int_equal(count_dir(&y, NKS_DIR_OUT), nrec - nrec / 3);
	assert_contains(y.dirsum, "heuristic (3000)");
	for (k = 0; k < sizeof(rings) / sizeof(rings[0]); k++) {
		on.so_read_ring_records = rings[k];
		cg_read(path, &on, &x);
		assert_same_run("directions", &x, &y);
		cg_run_free(&x);
		/* The thread did decode: every record read after the
		   analysis (all but the window and what the ring held; the
		   default ring holds all 3000). */
		src = nkr_source_open(path, &on, &err);
		assert_non_null(src);
		while ((rc = nkr_source_next(src, &f, &err)) == 1)
			;
		assert_int_equal(rc, 0);
		if (rings[k] != 0)
			assert_true(src->sr_npre >= nrec - win - rings[k]);
		nkr_source_close(src);
	}
	cg_run_free(&y);
	unlink(path);
	free(path);
}

/* A bad value is refused like the other options. */
static void
test_read_thread_option(void **state)
{
	struct nkr_source_opts o = defopts();
	struct cg_run r;

	(void)state;
	o.so_read_thread = 3;
	assert_false(cg_read(FIX("19_mixed-v4v6-tcp-udp.pcap"), &o, &r));
	assert_contains(r.err.e_msg, "--read-thread");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixture_table),
	    cmocka_unit_test(test_read_thread_same_frames),
	    cmocka_unit_test(test_read_thread_generated),
	    cmocka_unit_test(test_read_thread_decodes_after_analysis),
	    cmocka_unit_test(test_read_thread_hash_hints),
	    cmocka_unit_test(test_read_thread_option),
	    cmocka_unit_test(test_fixture_ethernet),
	    cmocka_unit_test(test_fixture_truncated_records),
	    cmocka_unit_test(test_fixture_vlan_tags_kept),
	    cmocka_unit_test(test_fixture_pcapng_two_interfaces),
	    cmocka_unit_test(test_fixture_pcapng_many_idbs),
	    cmocka_unit_test(test_fixture_pktap),
	    cmocka_unit_test(test_fixture_null_loopback),
	    cmocka_unit_test(test_fixture_sll_nanoseconds),
	    cmocka_unit_test(test_fixture_raw),
	    cmocka_unit_test(test_fixture_mixed_heuristic),
	    cmocka_unit_test(test_local_options_override),
	    cmocka_unit_test(test_lookahead_window_vs_streaming),
	    cmocka_unit_test(test_pcap_magics),
	    cmocka_unit_test(test_null_and_loop_families),
	    cmocka_unit_test(test_raw_ipv4_ipv6_linktypes),
	    cmocka_unit_test(test_sll2_ethernet_synthesis),
	    cmocka_unit_test(test_pcapng_epb_flags_and_options),
	    cmocka_unit_test(test_pcapng_sections_spb_pb),
	    cmocka_unit_test(test_pktap_generated),
	    cmocka_unit_test(test_pcapng_process_blocks),
	    cmocka_unit_test(test_capture_off_the_host),
	    cmocka_unit_test(test_pktap_v2_header),
	    cmocka_unit_test(test_heuristic_tie_breaks),
	    cmocka_unit_test(test_offload_detection),
	    cmocka_unit_test(test_interface_names),
	    cmocka_unit_test(test_stdin_pipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
