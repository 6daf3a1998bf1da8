/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * source.h - captured frames, decoded for the simulated host (host world).
 *
 * A source reads one capture (pcap through libpcap, pcapng through
 * nkesim's own block reader, "-" for stdin), decodes each record's link
 * layer to one of the simulated host's interface framings (Ethernet, lo0,
 * utun; see enum nks_iftype in nke_seam.h), and decides each frame's
 * direction: from pcapng epb_flags, Apple PKTAP headers, Linux SLL packet
 * types, the user's --local/--local-mac, or finally a heuristic over a
 * bounded look-ahead window.  It also says which interfaces the capture
 * needs, so the host can create them before the kexts start.
 *
 * Directions, per frame, in this order: the capture's own marks (pcapng
 * epb_flags, PKTAP pth_flags, SLL packet type); --local ADDR (source local:
 * out, destination local: in) and --local-mac MAC; then the heuristic's
 * local addresses and MACs, chosen per interface over the look-ahead window
 * (the address in every flow, or in the most; ties go to the sender of the
 * first SYN, then of the first packet; see src_heur.c); a frame with no
 * local endpoint is inbound.  The local addresses become the interfaces'
 * addresses (/24, /64), and the window also tells the checksum offload of
 * each interface (captures from offloading senders hold zero IPv4 header
 * checksums and pseudo-header TCP/UDP sums).
 *
 * Errors name the file, the record index and the problem; records before a
 * bad one are delivered normally.  Messages look like
 *   "FILE: not a capture file (magic 0x47455420)"
 *   "FILE: truncated file header (10 of 24 bytes)"
 *   "FILE: unknown link type 147 (USER0): nkesim simulates EN10MB, ..."
 *   "FILE: record 2: invalid packet capture length 1409179648, bigger than
 *    snaplen of 65535" (libpcap's words after the record index)
 *   "FILE: pcapng block at offset 1024: bad block length 13 (not a multiple
 *    of 4)"
 *   "FILE: record 3: EPB caplen 5000 exceeds its block (64 bytes of packet
 *    data)"
 *   "FILE: record 3: interface id 3 not declared (the section has 1
 *    interface blocks)"
 * ("stdin" for "-").  Options are checked first: "--local 'x': not an IPv4
 * or IPv6 address".
 */
#ifndef NKR_SOURCE_H_
#define NKR_SOURCE_H_

#include <stddef.h>
#include <stdint.h>

#include <nke_seam.h>

#define NKR_ERRLEN 512

struct nkr_err {
	char e_msg[NKR_ERRLEN]; /* "capture.pcap: record 7: invalid caplen ..." */
};

#define NKR_MAX_LOCAL 16

struct nkr_source_opts {
	const char *so_ifname;		/* interface name for captures that carry
					   none (pcap): default "en0" */
	/* --local ADDR (IPv4/IPv6 text) and --local-mac MAC, repeatable. */
	unsigned so_nlocal;
	const char *so_local[NKR_MAX_LOCAL];
	unsigned so_nlocal_mac;
	const char *so_local_mac[NKR_MAX_LOCAL];
	/* Checksum offload of the simulated interfaces: -1 auto (detect from the
	   captured outbound packets), 0 off, 1 on. */
	int so_offload;
	/* Look-ahead for the heuristics: at most this many records / bytes
	   (0: defaults). */
	unsigned long so_lookahead_records;
	unsigned long so_lookahead_bytes;
	/* Classic pcap read ahead by a thread of its own (on a second core,
	   while the caller simulates): NKR_READ_THREAD_AUTO (0, the default:
	   for a regular file, with more than one CPU to run on), _OFF, _ON.
	   pcapng is always read on the caller's thread. */
	int so_read_thread;
	/* Tests: the reader thread's ring holds this many records (rounded up
	   to a power of two; 0: the default, 8192). */
	unsigned so_read_ring_records;
	/* The reader thread also hashes each frame's IP packet and TCP or UDP
	   payload (NKH64), for frames' fr_hints: set when verdicts are hashed
	   (the verdict log). */
	int so_hash_hints;
};

enum { NKR_READ_THREAD_AUTO = 0, NKR_READ_THREAD_OFF = 1, NKR_READ_THREAD_ON = 2 };

/* An interface of the simulated host that the capture's frames arrive on. */
struct nkr_srcif {
	char si_name[32];		/* "en0", "lo0", "utun0", from the capture
					   (pcapng if_name, PKTAP) or the options */
	struct nks_ifspec si_spec;	/* ready for NKS_ifnet_attach (is_name
					   points at si_name, is_addrs at si_addrs) */
	struct nks_ifaddr si_addrs[NKR_MAX_LOCAL];
	int si_linktype;		/* LINKTYPE_* of the capture it came from */
	const char *si_linkname;	/* "EN10MB", "NULL", "LINUX_SLL2", ... */
	char si_capname[64];		/* the capture's own name for it (pcapng
					   if_name, PKTAP pth_ifname; non-printable
					   bytes as '?'), "" if none */
};

/* One frame, ready for NKS_frame (fr_ifindex is an index into the source's
 * interfaces, 0-based: the host maps it to the kernel's ifindex). */
struct nkr_frame {
	struct nks_frame f_fr;
	unsigned f_srcif;
};

struct nkr_source;

/*
 * Open a capture ("-" = stdin) and read its look-ahead window.  Returns NULL
 * with err filled on failure: file missing/unreadable, not a capture, a
 * link type nkesim does not simulate (named in the message), a corrupt
 * header, bad options (an unparsable --local).
 */
struct nkr_source *nkr_source_open(const char *path, const struct nkr_source_opts *opts,
    struct nkr_err *err);

/* Interfaces the capture needs, known after open (pcapng may add more later:
 * nkr_source_nifs grows, and new ones show up in frames). */
unsigned nkr_source_nifs(const struct nkr_source *src);
const struct nkr_srcif *nkr_source_if(const struct nkr_source *src, unsigned i);

/*
 * Next frame.  Returns 1 with *out filled (its data valid until the next
 * call), 0 at the end of the capture, -1 on a bad record or read error (err:
 * file, record index, reason; no more frames follow).  Records that decode
 * to nothing the simulated host has (e.g. an SLL frame of a protocol with
 * no Ethernet equivalent) are skipped and counted (nkr_source_skipped).
 */
int nkr_source_next(struct nkr_source *src, struct nkr_frame *out, struct nkr_err *err);

/* Records read so far, and records skipped (with the last reason). */
uint64_t nkr_source_records(const struct nkr_source *src);
uint64_t nkr_source_skipped(const struct nkr_source *src, const char **last_reason);

/*
 * One line for the run summary saying how directions were decided: the
 * rules used with their frame counts (the look-ahead window's after open,
 * every frame read so far later), the local addresses and MACs and why
 * they were chosen, and the checksum offload, e.g.
 *   "direction: heuristic (117); local 192.168.1.2 (in every flow, sent the
 *   first SYN); local MAC 00:11:22:33:44:55 on en0 (source of frames from a
 *   local address); checksum offload: none detected"
 * The string stays valid until the next call or nkr_source_close().
 */
const char *nkr_source_direction_summary(const struct nkr_source *src);

/*
 * One line describing the simulated interfaces: name, link type, addresses,
 * MAC, MTU, and why a name was made up, e.g.
 *   "interfaces: eth0 (EN10MB, ...), en0 (EN10MB, captured as
 *   "\Device\NPF_{...}": not a BSD interface name, ...)"
 * Valid until the next call or nkr_source_close().
 */
const char *nkr_source_interface_summary(const struct nkr_source *src);

void nkr_source_close(struct nkr_source *src);

#endif /* NKR_SOURCE_H_ */
