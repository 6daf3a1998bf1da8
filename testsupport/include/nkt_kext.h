/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nkt_kext.h - nkesim's unit-test support for kext authors (kernel world).
 *
 * A kext's unit test is a kernel-world C file (compiled like the kext:
 * freestanding, against nkesim's Kernel.framework-shaped headers) that
 * defines its cases with NKT_CASES() (see <nkt.h>) and is linked with the
 * kext's static library, this library and nkesim's CMocka runner; the CMake
 * function nke_add_kext_test() does all of that.  Every case runs in a fresh
 * simulated kernel and fails if it leaves an mbuf, tag, lock or allocated
 * byte behind, or if a check reported a kext bug it did not expect.
 *
 * What this header adds to <nkt.h>:
 *   - packet builders: Ethernet (with 802.1Q tags), IPv4, IPv6 (with
 *     extension headers), TCP, UDP, ICMP, fragments, all with valid
 *     checksums computed independently of the simulated stack, from a short
 *     description (nkt_pkt_build) or a specification struct (nkt_pkt_ip);
 *   - a simulated host to run packets through (nkt_host_up, nkt_send),
 *     with every emission and every filter verdict recorded;
 *   - starting and stopping the kext under test (nkt_kext_start/_stop);
 *   - playing the client of its kernel control (nkt_ctl_connect, ...);
 *   - calling one of the kext's filter callbacks directly with a packet
 *     (nkt_ipf_input, nkt_iflt_output, ...), with XNU's ownership rules;
 *   - assertions on verdicts, on emitted bytes and on leaks.
 *
 * Nothing here blocks.  Functions that assert (KT_*, and the helpers whose
 * contract says so) end the case on failure, as CMocka's assertions do.
 */
#ifndef NKT_KEXT_H_
#define NKT_KEXT_H_

#include <sys/types.h>
#include <sys/kpi_mbuf.h>
#include <mach/kmod.h>
#include <nke_seam.h>
#include <nkt.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* --- The simulated host the helpers set up ------------------------------ */

/*
 * nkt_host_up() attaches one Ethernet interface, NKT_IFNAME, with MAC
 * nkt_mac_host and the addresses nkt_ip4_host/24 and nkt_ip6_host/64.  The
 * peer (the other end of every connection) is nkt_mac_peer, nkt_ip4_peer,
 * nkt_ip6_peer.
 */
#define NKT_IFNAME "en0"
extern const u_int8_t nkt_mac_host[6];	/* 02:00:00:00:00:01 */
extern const u_int8_t nkt_mac_peer[6];	/* 02:00:00:00:00:02 */
extern const u_int8_t nkt_ip4_host[4];	/* 10.0.0.1 */
extern const u_int8_t nkt_ip4_peer[4];	/* 10.0.0.2 */
extern const u_int8_t nkt_ip6_host[16];	/* 2001:db8::1 */
extern const u_int8_t nkt_ip6_peer[16];	/* 2001:db8::2 */

/* --- Packets -------------------------------------------------------------- */

#define NKT_PKT_MAX 20000

/*
 * A frame (or a bare IP packet when l2 is 0).  Large: give it static
 * storage or keep few on the stack.
 */
struct nkt_pkt {
	u_int8_t b[NKT_PKT_MAX];
	u_int32_t len;		/* bytes in b */
	u_int32_t l2;		/* link header length (802.1Q tags included): the
				   offset of the IP header */
	u_int32_t l4;		/* offset of the transport header; 0: none */
	u_int32_t dir;		/* NKS_DIR_IN or NKS_DIR_OUT */
	int family;		/* 4 or 6 (0: not IP) */
	u_int8_t proto;		/* transport protocol (after extension headers) */
};

/*
 * Build a packet from a description (printf-style: fmt and arguments are
 * formatted first).  Words, separated by spaces, in any order but for the
 * addresses, which follow the IP word:
 *
 *   in | out          direction (default: out when the source address is
 *                     the host's, else in)
 *   eth               an Ethernet header (MACs by direction: inbound frames
 *                     go from nkt_mac_peer to nkt_mac_host)
 *   vlan=N            an 802.1Q tag (repeatable; implies eth)
 *   ipv4 A[:P] > B[:P]    IPv4 from A port P to B port P
 *   ipv6 [A]:P > [B]:P    IPv6 (the brackets are needed only with a port)
 *   ttl=N id=N df mf frag=OFF opt=N      IPv4: TTL (hop limit for IPv6),
 *                     id, DF, MF, fragment offset in bytes, N bytes of NOP
 *                     options
 *   ext=T[,T...]      IPv6 extension headers before the transport one
 *                     (0 hop-by-hop, 43 routing, 60 destination options)
 *   tcp | udp | icmp | icmp6 | proto=N
 *   syn ack fin rst psh urg    TCP flags (default: none but what ack=N sets)
 *   seq=N ack=N win=N          TCP sequence, acknowledgement (sets ACK),
 *                     window (default 65535)
 *   payload=TEXT      TEXT to the next space; payload="..." may hold
 *                     spaces and the escapes \r \n \t \\ \" \xHH;
 *                     payload=0xHEX gives bytes in hex
 *   len=N             N payload bytes "abcd...z" repeated
 *
 * Ports default to 40000 (source) and 80 (TCP) or 53 (UDP).  Numbers may
 * be decimal or 0x-hex.  Example:
 *
 *	nkt_pkt_build(&p, "eth ipv4 10.0.0.2:1234 > 10.0.0.1:%d tcp syn", port);
 *
 * Returns 0, or EINVAL (the reason in nkt_pkt_error()) or EMSGSIZE (more
 * than NKT_PKT_MAX bytes).  p is always initialised.
 */
int nkt_pkt_build(struct nkt_pkt *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The reason of the last nkt_pkt_build() failure. */
const char *nkt_pkt_error(void);
/* nkt_pkt_build() that ends the case on failure. */
#define NKT_PKT(p, ...) NKT_pkt_build_or_fail((p), __FILE__, __LINE__, __VA_ARGS__)
void NKT_pkt_build_or_fail(struct nkt_pkt *p, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * The same as a struct: what nkt_pkt_build() fills from a description.
 * Zero values mean the defaults (TTL 64, window 65535).
 */
struct nkt_ipspec {
	int family;			/* 4 or 6 */
	const u_int8_t *src, *dst;	/* 4 or 16 bytes, network order */
	u_int8_t proto;			/* 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, other */
	u_int8_t ttl;
	u_int16_t ip_id;		/* IPv4 */
	u_int16_t ip_off;		/* IPv4 flags and offset (host order) */
	u_int32_t optlen;		/* IPv4 NOP option bytes (multiple of 4) */
	const u_int8_t *exts;		/* IPv6 extension header types ... */
	unsigned nexts;			/* ... and how many (8 bytes each) */
	u_int16_t sport, dport;		/* TCP, UDP */
	u_int32_t seq, ack;		/* TCP */
	u_int8_t tcp_flags;		/* TH_SYN ... */
	u_int16_t win;
	const void *payload;
	u_int32_t plen;
};

/*
 * Append an IP packet described by s after what p holds (a link header
 * from nkt_pkt_eth, or nothing); sets l4, family, proto and len.  Returns
 * the offset of the IP header.  Ends the case if it does not fit.
 */
u_int32_t nkt_pkt_ip(struct nkt_pkt *p, const struct nkt_ipspec *s);
/*
 * Start p with an Ethernet header for an inbound (or outbound) frame with
 * ntags 802.1Q tags (802.1ad for all but the last) and the given EtherType.
 */
void nkt_pkt_eth(struct nkt_pkt *p, int inbound, u_int16_t ethertype, unsigned ntags,
    const u_int16_t *vids);
/* Recompute the IPv4 header checksum of the header at offset h. */
void nkt_pkt_ip4_fix(struct nkt_pkt *p, u_int32_t h);
/* Recompute the transport checksum (TCP, UDP, ICMP, ICMPv6) of an IP packet. */
void nkt_pkt_l4_fix(struct nkt_pkt *p);
/*
 * Fragments: f receives one fragment of the datagram d (IP header at dh,
 * IPv4 with a 20-byte header; IPv6 without extension headers), holding the
 * payload bytes [off, off + len) after the IP header; mf: more follow.
 */
void nkt_pkt_frag4(struct nkt_pkt *f, const struct nkt_pkt *d, u_int32_t dh, u_int32_t off,
    u_int32_t len, int mf);
void nkt_pkt_frag6(struct nkt_pkt *f, const struct nkt_pkt *d, u_int32_t dh, u_int32_t off,
    u_int32_t len, int mf, u_int32_t id);

/* Checksums (RFC 1071), independent of the simulated stack. */
u_int32_t nkt_cksum_add(const u_int8_t *p, size_t n, u_int32_t sum);
u_int16_t nkt_cksum_fold(u_int32_t sum);
/* IPv4 header checksum (the field itself is skipped). */
u_int16_t nkt_cksum_ip4(const u_int8_t *ip);
/* Pseudo-header sum, folded, not complemented (alen 4 or 16). */
u_int16_t nkt_cksum_pseudo(const u_int8_t *src, const u_int8_t *dst, u_int32_t alen,
    u_int32_t len, u_int32_t proto);
/*
 * Transport checksum of seg (len bytes; the checksum field at sumoff is
 * skipped); pseudo-header when alen != 0.  UDP's 0 is given as 0xffff.
 */
u_int16_t nkt_cksum_l4(const u_int8_t *src, const u_int8_t *dst, u_int32_t alen, u_int8_t proto,
    const u_int8_t *seg, u_int32_t len, u_int32_t sumoff);
/* Are the IPv4 header and transport checksums of p right? */
int nkt_pkt_sums_ok(const struct nkt_pkt *p);

/* Big-endian field access. */
static inline u_int32_t
nkt_get16(const u_int8_t *b)
{
	return (u_int32_t)b[0] << 8 | b[1];
}

static inline void
nkt_put16(u_int8_t *b, u_int32_t v)
{
	b[0] = (u_int8_t)(v >> 8);
	b[1] = (u_int8_t)v;
}

/* --- The simulated host --------------------------------------------------- */

/*
 * Attach NKT_IFNAME (see above), let its link come up, set the clock (1000 s
 * of uptime, calendar 2023-11-14) and start recording emissions and
 * verdicts.  Call before starting a kext that attaches to interfaces, as a
 * kext finds the interfaces present when it starts.  Returns the
 * interface's index.  offload: NKS_OFFLOAD_* of the simulated hardware.
 */
u_int32_t nkt_host_up(void);
u_int32_t nkt_host_up_ex(const char *ifname, u_int32_t offload, u_int32_t mtu);
/* Index of the interface nkt_host_up() attached (0 before). */
extern u_int32_t nkt_ifindex;
/*
 * Only attach another Ethernet interface like NKT_IFNAME (same MAC and
 * addresses), let its link come up; returns its index.
 */
u_int32_t nkt_ifnet_attach(const char *name, u_int32_t offload, u_int32_t mtu);

/*
 * Run one frame through the simulated host, as if captured on the
 * interface in p->dir: inbound from the driver up, outbound from the top of
 * the network layer down, through every filter, then the input thread.  A
 * packet without a link header gets an Ethernet one.  Returns the record
 * index it was given (1, 2, ...): verdicts and emissions carry it.
 */
u_int64_t nkt_send(const struct nkt_pkt *p);
u_int64_t nkt_send_on(u_int32_t ifindex, const struct nkt_pkt *p);
/*
 * The process frames sent from now on belong to (what a PKTAP capture
 * records): the simulated sockets they create or reach are that process's,
 * so proc_selfpid()/proc_selfname() in socket filter callbacks and the
 * socket's owner answer with it.  pid -1 (the default): unknown.
 */
void nkt_set_proc(int pid, const char *comm, int uid);
/*
 * The hashes frames sent from now on carry (struct nks_hhint: ranges of
 * each frame, what nke-replay's reading thread works out ahead); the array
 * must stay valid while they are used.  NULL, 0 (the default): none.
 */
void nkt_set_hints(const struct nks_hhint *hints, unsigned n);
/* Build (ends the case on a bad description) and send. */
u_int64_t nkt_sendf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A frame as captured: caplen bytes of a wirelen-byte frame (caplen <
 * wirelen: a record the capture's snap length cut short), in direction dir
 * (NKS_DIR_*), on interface ifindex, in its framing.
 */
u_int64_t nkt_send_frame(u_int32_t ifindex, u_int32_t dir, const u_int8_t *frame,
    u_int32_t caplen, u_int32_t wirelen);
/* An IP packet on a loopback or tunnel interface (no link header). */
u_int64_t nkt_send_l3(u_int32_t ifindex, u_int32_t dir, int family, const u_int8_t *pkt,
    u_int32_t len);

/* The simulated calendar time now (ns since the Unix epoch): frames sent now carry it. */
nks_i64 nkt_now_ns(void);
/*
 * Move the simulated clock forward and run the callouts that fell due, then
 * what they woke for the same instant (the input thread, say).
 */
void nkt_advance_ns(u_int64_t ns);
void nkt_advance_ms(u_int64_t ms);
/*
 * Run pending callouts in deadline order, moving the clock to each, at most
 * `limit` times (0: 1000).  Returns how many clock moves it made.
 */
unsigned nkt_drain(unsigned limit);

/*
 * The end of a capture: every simulated application exits, closing the
 * sockets it still has (socket filters see the closing events and, as the
 * sockets are freed, sf_detach).  nke-replay does this after the last
 * record, before it stops the kexts.
 */
void nkt_apps_exit(void);

/* --- The kext under test --------------------------------------------------- */

/*
 * Start a kext from its kmod_info (nke_add_kext() generates one named
 * `kmod_info` in the kext's static library: declare it
 * `extern kmod_info_t kmod_info;`).  Ends the case unless the start routine
 * returned KERN_SUCCESS.  Returns its load tag (1, 2, ...).
 */
u_int32_t nkt_kext_start(kmod_info_t *ki);
/*
 * One start attempt: returns the start routine's value (0 for success,
 * *id set), or -1 when nkesim refused the kmod_info before running any code.
 */
int nkt_kext_try_start(kmod_info_t *ki, u_int32_t *id);
/*
 * Stop it as kextunload would: a refusal is retried after pending callouts
 * ran and a simulated second passed, up to 10 times.  Ends the case if it
 * never stops.
 */
void nkt_kext_stop(u_int32_t id);
/* One stop attempt: the stop routine's value (0: stopped). */
int nkt_kext_try_stop(u_int32_t id);

/* --- What the simulated host saw -------------------------------------------- */

#define NKT_MAX_EMITS	 256
#define NKT_MAX_VERDICTS 512
#define NKT_EMIT_DATA	 2048

/* One packet that left the simulated host (struct nks_emit, copied). */
struct nkt_emit {
	struct nks_emit e;	/* e.em_data points at data[] */
	char ifname[16];
	u_int8_t data[NKT_EMIT_DATA];	/* the first NKT_EMIT_DATA bytes */
};

/* One verdict (struct nks_verdict, copied; its non-NULL strings point at ours). */
struct nkt_verdict {
	struct nks_verdict v;
	char ifname[16];
	char kext[64];
	char filter[64];
	char detail[96];
};

/*
 * The records, in order, since recording began or was reset (read-only;
 * the oldest NKT_MAX_* are kept).  nkt_host_up() records both.
 */
extern struct nkt_emit nkt_emits[NKT_MAX_EMITS];
extern unsigned nkt_nemits;
extern struct nkt_verdict nkt_verdicts[NKT_MAX_VERDICTS];
extern unsigned nkt_nverdicts;

/* Record emissions and/or verdicts from now on (0: stop recording them). */
void nkt_record(int emits, int verdicts);
/* Forget what was recorded. */
void nkt_record_reset(void);

/* Number of verdicts at `hook` (NKS_HOOK_*; 0: any) by `filter` (NULL: any). */
unsigned nkt_count_verdicts(u_int32_t hook, const char *filter);
/*
 * The last verdict for record `index` (0: any) at `hook` (0: any) by
 * `filter` (NULL: any), or NULL.
 */
const struct nkt_verdict *nkt_find_verdict(u_int64_t index, u_int32_t hook, const char *filter);
/*
 * Number of verdicts for record `index` (0: any) at `hook` (0: any) by
 * `filter` (NULL: any) that returned `result`: a packet kept and later
 * re-injected has both a "kept" and a "pass" verdict for its record.
 */
unsigned nkt_count_results(u_int64_t index, u_int32_t hook, const char *filter, int result);
/* The last drop by the stack itself whose reason is `why`, or NULL. */
const struct nkt_verdict *nkt_stack_verdict(const char *why);
/* Number of emissions in direction dir (0: both). */
unsigned nkt_count_emits(u_int32_t dir);
/* The first emission of record `index` in direction dir (0: any), or NULL. */
const struct nkt_emit *nkt_find_emit(u_int64_t index, u_int32_t dir);

/* --- kern_control clients -------------------------------------------------- */

/*
 * The test plays the user-space client of a kext's kernel control:
 * socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL), CTLIOCGINFO, connect().
 * nkt_ctl_connect() ends the case unless the connection succeeds and
 * returns the client's handle; nkt_ctl_try_connect() returns connect()'s
 * Darwin errno (ENOENT: no such control, EPERM, EBUSY, or what the kext's
 * ctl_connect returned).  flags: NKS_CTL_STREAM, NKS_CTL_NONROOT; unit 0:
 * any free unit.
 */
u_int32_t nkt_ctl_connect(const char *name);
int nkt_ctl_try_connect(const char *name, u_int32_t unit, u_int32_t flags, u_int32_t *client);
/* send(), setsockopt(), getsockopt() (*len: buffer size in, size out), close(). */
int nkt_ctl_send(u_int32_t client, const void *data, size_t len);
int nkt_ctl_setopt(u_int32_t client, int opt, const void *data, size_t len);
int nkt_ctl_getopt(u_int32_t client, int opt, void *data, size_t *len);
int nkt_ctl_disconnect(u_int32_t client);

#define NKT_MAX_CTL_MSGS 256
#define NKT_CTL_MSG_MAX	 2048

/* One message a client received (the first NKT_CTL_MSG_MAX bytes). */
struct nkt_ctl_msg {
	u_int32_t client;
	u_int32_t flags;	/* NKS_CTL_EOR: a record ends with it */
	u_int32_t len;		/* its length (may exceed NKT_CTL_MSG_MAX) */
	u_int8_t data[NKT_CTL_MSG_MAX];
};

/* Messages received so far, in order (read-only; nkt_ctl_reset forgets them). */
extern struct nkt_ctl_msg nkt_ctl_msgs[NKT_MAX_CTL_MSGS];
extern unsigned nkt_nctl_msgs;
/*
 * recv() until the client's receive buffer is empty: what the kext queued
 * (ctl_enqueuedata, ctl_enqueuembuf) is appended to nkt_ctl_msgs.  Returns
 * how many messages arrived.  The client reads only when told to.
 */
unsigned nkt_ctl_recv(u_int32_t client);
void nkt_ctl_reset(void);

/* --- Calling a kext's callbacks directly ----------------------------------- */

/*
 * Call the ipf_input (ipf_output) callback of the IP filter named `filter`
 * (ipf_filter.name; NULL: the newest filter of p's family) with p's IP
 * packet in a fresh mbuf chain, the way the stack would: the kext is
 * current, the callback's lock balance is checked, the filter cannot be
 * detached during the call.  Afterwards, as in XNU:
 *   0            p receives the packet as the filter left it; the helper
 *                frees the chain (the stack would have gone on with it);
 *   EJUSTRETURN  the kext owns the chain now;
 *   other        the helper frees the chain (the stack drops it).
 * Returns the callback's value.  Ends the case if no such filter exists.
 */
int nkt_ipf_input(const char *filter, struct nkt_pkt *p);
int nkt_ipf_output(const char *filter, struct nkt_pkt *p);
/*
 * Same for iff_input (iff_output) of the interface filter named `filter`
 * (iff_name; NULL: the first) attached to nkt_host_up()'s interface.
 * iff_input gets the data after the link header and frame_ptr at it;
 * iff_output the whole frame.  On 0, p receives the frame.
 */
int nkt_iflt_input(const char *filter, struct nkt_pkt *p);
int nkt_iflt_output(const char *filter, struct nkt_pkt *p);

/*
 * Chain layout of the mbufs the direct calls build: 0 (default) one
 * contiguous mbuf; N > 0: a chain of N-byte mbufs (1: one byte each), to
 * check that a filter pulls up or copies what it reads.
 */
void nkt_set_split(u_int32_t n);
/* A packet mbuf holding p's bytes [off, len), laid out as above. */
mbuf_t nkt_mbuf_from(const struct nkt_pkt *p, u_int32_t off);
/* Copy a packet out of a chain (pkthdr.len bytes, at most max). */
u_int32_t nkt_mbuf_flatten(mbuf_t m, u_int8_t *buf, u_int32_t max);

/* --- Assertions --------------------------------------------------------------- */

/*
 * The last verdict of `filter` (NULL: any) at `hook` for record `index`
 * returned `result` (see nkt_count_results for packets that came back).
 */
#define KT_ASSERT_VERDICT(index, hook, filter, result)                                     \
	NKT_assert_verdict((index), (hook), (filter), (result), __FILE__, __LINE__)
/* Record `index` left (or did not leave) the host in direction dir (0: any). */
#define KT_ASSERT_EMITTED(index, dir) NKT_assert_emitted((index), (dir), 1, __FILE__, __LINE__)
#define KT_ASSERT_NOT_EMITTED(index, dir)                                                  \
	NKT_assert_emitted((index), (dir), 0, __FILE__, __LINE__)
/* Record `index` left the host in direction dir as exactly the bytes of pkt. */
#define KT_ASSERT_EMITTED_PKT(index, dir, pkt)                                             \
	NKT_assert_emitted_pkt((index), (dir), (pkt), __FILE__, __LINE__)
/* The two packets hold the same bytes. */
#define KT_ASSERT_PKT_EQ(a, b) NKT_assert_pkt_eq((a), (b), #a, #b, __FILE__, __LINE__)
/*
 * No mbuf, cluster or mbuf tag is alive now (the end of every case checks
 * this and more; use it in the middle, e.g. after a kext stopped).
 */
#define KT_ASSERT_NO_LEAKS() NKT_assert_no_leaks(__FILE__, __LINE__)

void NKT_assert_verdict(u_int64_t index, u_int32_t hook, const char *filter, int result,
    const char *file, int line);
void NKT_assert_emitted(u_int64_t index, u_int32_t dir, int want, const char *file, int line);
void NKT_assert_emitted_pkt(u_int64_t index, u_int32_t dir, const struct nkt_pkt *pkt,
    const char *file, int line);
void NKT_assert_pkt_eq(const struct nkt_pkt *a, const struct nkt_pkt *b, const char *ea,
    const char *eb, const char *file, int line);
void NKT_assert_no_leaks(const char *file, int line);

/* Name of a hook (NKS_HOOK_*), as the verdict log writes it. */
const char *nkt_hook_name(u_int32_t hook);

#if defined(__cplusplus)
}
#endif

#endif /* NKT_KEXT_H_ */
