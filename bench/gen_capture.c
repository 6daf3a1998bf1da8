/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * gen_capture.c - the benchmark's capture generator (host world).  Writes,
 * from a fixed seed, byte-identical pcap files (nanosecond, little-endian,
 * EN10MB) of synthetic traffic between one local host (192.168.1.10,
 * 2001:db8:1::10, MAC 02:00:00:00:00:0a) and remote hosts behind a router:
 *
 *   small    >= 5,000,000 frames of 64 bytes: short TCP conversations of
 *            10-byte segments and pure ACKs (padded to 64), UDP datagrams
 *            of 22 (IPv4) and 2 (IPv6) bytes; IPv6 TCP, which cannot fit in
 *            64 bytes, is interactive 1-byte traffic (74/75-byte frames, one
 *            packet in ten).  Timestamps ~1 us apart.
 *   traffic  >= 250,000 packets: hundreds of interleaved TCP sessions
 *            (handshake with options, MSS-sized data both ways with delayed
 *            ACKs, FIN teardown; a fifth of them IPv6; downloads, uploads
 *            and inbound connections to the local host), DNS-like UDP
 *            queries and answers, and QUIC-like UDP streams.
 *   large    the traffic pattern with four times the concurrency, until the
 *            file holds >= 1 GiB.
 *
 * Every checksum is valid.  Only sizes and counts depend on --scale,
 * --packets and --bytes; the seed fixes everything else.  "head" copies the
 * first N records of a capture (for the instruction-count runs).  The
 * version printed by --version changes whenever the output would.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GEN_VERSION 1

#define PCAP_NSEC_MAGIC 0xa1b23c4du
#define SNAPLEN         65535u
#define LINKTYPE_EN10MB 1u
#define START_SEC       1700000000u /* 2023-11-14T22:13:20Z */

#define OBUF_SIZE  (4u << 20)
#define POOL_SIZE  (256u << 10) /* payload bytes, a power of two */
#define MAX_FRAME  1600u
#define MAX_SLOTS  1024u

/* --- Output ------------------------------------------------------------ */

static uint8_t obuf[OBUF_SIZE];
static size_t olen;
static int ofd = -1;
static const char *opath;
static uint64_t out_bytes, out_packets;

static void __attribute__((noreturn))
die(const char *what)
{
	fprintf(stderr, "gen_capture: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
oflush(void)
{
	size_t done = 0;
	ssize_t n;

	while (done < olen) {
		n = write(ofd, obuf + done, olen - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die(opath);
		}
		done += (size_t)n;
	}
	olen = 0;
}

static uint8_t *
oreserve(size_t n)
{
	if (olen + n > sizeof(obuf))
		oflush();
	olen += n;
	out_bytes += n;
	return obuf + olen - n;
}

static void
le16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
le32(uint8_t *p, uint32_t v)
{
	le16(p, v);
	le16(p + 2, v >> 16);
}

static void
be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
be32(uint8_t *p, uint32_t v)
{
	be16(p, v >> 16);
	be16(p + 2, v);
}

static void
oopen(const char *path)
{
	uint8_t *h;

	opath = path;
	ofd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (ofd < 0)
		die(path);
	h = oreserve(24);
	le32(h, PCAP_NSEC_MAGIC);
	le16(h + 4, 2);
	le16(h + 6, 4);
	le32(h + 8, 0);
	le32(h + 12, 0);
	le32(h + 16, SNAPLEN);
	le32(h + 20, LINKTYPE_EN10MB);
}

static void
oclose(void)
{
	oflush();
	if (close(ofd) != 0)
		die(opath);
	ofd = -1;
}

/* --- Randomness: splitmix64, one global stream ------------------------- */

static uint64_t rng_state;

static uint64_t
rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static uint32_t
rnd_in(uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(rnd() % ((uint64_t)hi - lo + 1));
}

/* True with probability pct/100. */
static int
chance(unsigned pct)
{
	return rnd() % 100 < pct;
}

/*
 * Log-uniform-like in [lo, hi]: an octave chosen uniformly, then a value
 * uniform in it; many small transfers, a few big ones.  Integer-only, so
 * the files do not depend on the host's libm.
 */
static uint32_t
rnd_log(uint32_t lo, uint32_t hi)
{
	unsigned oct = 0, k;
	uint64_t b;

	while (((uint64_t)lo << (oct + 1)) <= hi)
		oct++;
	k = (unsigned)(rnd() % (oct + 1));
	b = (uint64_t)lo << k;
	return rnd_in((uint32_t)b, b * 2 < hi ? (uint32_t)(b * 2) : hi);
}

static uint8_t pool[POOL_SIZE];

/* --- Packets ----------------------------------------------------------- */

static const uint8_t local_mac[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t router_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t local4[4] = {192, 168, 1, 10};
static const uint8_t dns4[4] = {192, 168, 1, 1};
static const uint8_t local6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
static const uint8_t dns6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};

static uint64_t now_ns;

/* Ones'-complement sum of a buffer, folded later. */
static uint64_t
csum_add(uint64_t sum, const uint8_t *p, size_t n)
{
	while (n >= 4) {
		sum += ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) |
		       p[3];
		p += 4;
		n -= 4;
	}
	if (n >= 2) {
		sum += ((uint32_t)p[0] << 8) | p[1];
		p += 2;
		n -= 2;
	}
	if (n == 1)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t
csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Payload of a stream: pool bytes from a per-direction offset (so a byte
 * of a stream is the same wherever it is sent). */
static void
fill_payload(uint8_t *p, uint32_t off, uint32_t n)
{
	uint32_t at = off & (POOL_SIZE - 1), first = POOL_SIZE - at;

	if (first >= n) {
		memcpy(p, pool + at, n);
	} else {
		memcpy(p, pool + at, first);
		memcpy(p + first, pool, n - first);
	}
}

struct ends {
	int v6;
	int out;			/* the sender is the local host */
	const uint8_t *src, *dst;	/* 4 or 16 bytes */
	uint16_t sport, dport;
	uint16_t ipid;
	uint8_t hlim;
};

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_PSH 0x08
#define TH_ACK 0x10

/*
 * One Ethernet frame: IPv4/IPv6, then a TCP (proto 6) or UDP (17) header
 * of thlen bytes already filled except ports and checksum, then plen
 * payload bytes (pay, or from the pool at poff if pay is NULL); zero
 * padding up to minlen.
 */
static void
emit(const struct ends *e, int proto, const uint8_t *th, uint32_t thlen, const uint8_t *pay,
     uint32_t poff, uint32_t plen, uint32_t minlen)
{
	uint32_t iphl = e->v6 ? 40 : 20, l4 = thlen + plen, len = 14 + iphl + l4;
	uint32_t cap = len < minlen ? minlen : len;
	uint8_t *r = oreserve(16 + cap), *f = r + 16, *ip = f + 14, *l = ip + iphl;
	uint64_t sum;
	unsigned alen = e->v6 ? 16 : 4, ck = proto == 6 ? 16 : 6;

	le32(r, (uint32_t)(now_ns / 1000000000u) + START_SEC);
	le32(r + 4, (uint32_t)(now_ns % 1000000000u));
	le32(r + 8, cap);
	le32(r + 12, cap);
	memcpy(f, e->out ? router_mac : local_mac, 6);
	memcpy(f + 6, e->out ? local_mac : router_mac, 6);
	if (e->v6) {
		be16(f + 12, 0x86dd);
		be32(ip, 0x60000000u | (((uint32_t)e->sport * 2654435761u) & 0xfffff));
		be16(ip + 4, l4);
		ip[6] = (uint8_t)proto;
		ip[7] = e->hlim;
		memcpy(ip + 8, e->src, 16);
		memcpy(ip + 24, e->dst, 16);
	} else {
		be16(f + 12, 0x0800);
		ip[0] = 0x45;
		ip[1] = 0;
		be16(ip + 2, iphl + l4);
		be16(ip + 4, e->ipid);
		be16(ip + 6, proto == 6 ? 0x4000 : 0); /* DF on TCP */
		ip[8] = e->hlim;
		ip[9] = (uint8_t)proto;
		be16(ip + 10, 0);
		memcpy(ip + 12, e->src, 4);
		memcpy(ip + 16, e->dst, 4);
		be16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	}
	memcpy(l, th, thlen);
	be16(l, e->sport);
	be16(l + 2, e->dport);
	if (proto == 17)
		be16(l + 4, l4);
	be16(l + ck, 0);
	if (pay != NULL)
		memcpy(l + thlen, pay, plen);
	else
		fill_payload(l + thlen, poff, plen);
	if (cap > len)
		memset(f + len, 0, cap - len);
	sum = csum_add(0, e->src, alen);
	sum = csum_add(sum, e->dst, alen);
	sum += (uint32_t)proto + l4;
	sum = csum_add(sum, l, l4);
	{
		uint16_t c = csum_fold(sum);

		if (proto == 17 && c == 0)
			c = 0xffff;
		be16(l + ck, c);
	}
	out_packets++;
}

/* --- Sessions ---------------------------------------------------------- */

enum skind { S_TCP, S_UDP };

enum tstate { T_SYN, T_SYNACK, T_ACK, T_DATA, T_FIN1, T_FIN2, T_FIN3, T_DONE };

struct sess {
	enum skind kind;
	int v6;
	int local_client;	/* the local host is the client (side 0) */
	uint8_t raddr[16];	/* the remote end */
	uint16_t port[2];	/* client, server */
	uint32_t seq[2];	/* next sequence number, per side */
	uint32_t poff[2];	/* payload pool offset, per side */
	uint16_t ipid[2];
	uint32_t mss;		/* payload bytes per segment / datagram */
	uint32_t minlen;	/* pad frames to this (small capture) */
	uint32_t wnd;
	enum tstate st;
	unsigned nmsg;		/* messages left after the current one */
	int msg_side;		/* who sends the current message */
	uint32_t rem;		/* bytes left in the current message */
	unsigned unacked;
	int ack_due;
	int closer;		/* side that sends the first FIN */
	/* How the next message's size is drawn. */
	uint32_t m_lo[2], m_hi[2];
	int m_log;		/* log-uniform sizes */
	unsigned ack_every;	/* UDP: the receiver answers every n datagrams */
	uint32_t ack_len;
	int dns;		/* a DNS query and its answer */
	uint16_t dns_id, dns_qtype, dns_nans;
	uint32_t dns_host;
};

struct gen {
	const char *kind;
	int small;
	unsigned slots;
	uint64_t want_packets, want_bytes;
	uint32_t gap_lo, gap_hi; /* ns between packets */
	uint16_t next_port;
};

static struct sess sess[MAX_SLOTS];
static unsigned active[MAX_SLOTS], nactive;

static void
ends_of(struct sess *s, int side, struct ends *e)
{
	/* side 0 = client; the local host is side 0 iff local_client. */
	int local_sends = (side == 0) == (s->local_client != 0);
	const uint8_t *laddr = s->v6 ? local6 : local4;

	e->v6 = s->v6;
	e->out = local_sends;
	e->src = local_sends ? laddr : s->raddr;
	e->dst = local_sends ? s->raddr : laddr;
	e->sport = s->port[side];
	e->dport = s->port[!side];
	e->ipid = s->ipid[side]++;
	e->hlim = local_sends ? 64 : 53;
}

static void
remote_addr(struct sess *s)
{
	uint32_t h = rnd_in(0, 1023);

	if (s->v6) {
		static const uint8_t pfx[6] = {0x20, 0x01, 0x0d, 0xb8, 0x0f, 0x00};

		memcpy(s->raddr, pfx, 6);
		memset(s->raddr + 6, 0, 10);
		be16(s->raddr + 6, h >> 4);
		be32(s->raddr + 12, 0x1000u + h);
	} else {
		s->raddr[0] = h < 512 ? 198 : 203;
		s->raddr[1] = h < 512 ? 51 : 0;
		s->raddr[2] = h < 512 ? 100 : 113;
		s->raddr[3] = (uint8_t)(1 + h % 250);
	}
}

static uint16_t
ephemeral(struct gen *g)
{
	uint16_t p = g->next_port;

	g->next_port = p == 65535 ? 49152 : p + 1;
	return p;
}

static uint32_t
msg_size(struct sess *s, int side)
{
	return s->m_log ? rnd_log(s->m_lo[side], s->m_hi[side])
	                : rnd_in(s->m_lo[side], s->m_hi[side]);
}

static void
next_msg(struct sess *s)
{
	s->msg_side = !s->msg_side;
	s->rem = msg_size(s, s->msg_side);
}

static void
new_session(struct gen *g, struct sess *s)
{
	unsigned r = (unsigned)rnd_in(0, 99);

	memset(s, 0, sizeof(*s));
	s->seq[0] = (uint32_t)rnd();
	s->seq[1] = (uint32_t)rnd();
	s->poff[0] = (uint32_t)rnd();
	s->poff[1] = (uint32_t)rnd();
	s->ipid[0] = (uint16_t)rnd();
	s->ipid[1] = (uint16_t)rnd();
	s->wnd = rnd_in(2048, 65535);
	s->local_client = 1;
	s->msg_side = 1; /* next_msg flips it: the client speaks first */
	if (g->small) {
		/*
		 * 45% IPv4 TCP (10-byte segments), 10% IPv6 TCP (1-byte
		 * keystrokes), 30% IPv4 UDP, 15% IPv6 UDP: short exchanges.
		 */
		s->v6 = r >= 45 && r < 55 ? 1 : r >= 85;
		s->kind = r < 55 ? S_TCP : S_UDP;
		s->mss = s->kind == S_TCP ? (s->v6 ? 1 : 10) : (s->v6 ? 2 : 22);
		s->minlen = 64;
		s->m_lo[0] = s->m_lo[1] = s->mss;
		s->m_hi[0] = s->m_hi[1] = s->mss * 3;
		s->nmsg = rnd_in(2, 16);
		s->local_client = !chance(20);
		s->port[0] = ephemeral(g);
		s->port[1] = s->kind == S_TCP ? (s->v6 ? 22 : 443) : (s->v6 ? 3478 : 5060);
		s->ack_every = 1;
		s->ack_len = s->mss;
		remote_addr(s);
	} else if (r < 55) {
		/* Downloads over HTTP keep-alive: 1-4 requests. */
		s->kind = S_TCP;
		s->v6 = chance(20);
		s->port[0] = ephemeral(g);
		s->port[1] = chance(70) ? 443 : 80;
		s->m_lo[0] = 200;
		s->m_hi[0] = 800;
		s->m_lo[1] = 200;
		s->m_hi[1] = 1u << 20;
		s->m_log = 1;
		s->nmsg = 2 * rnd_in(1, 4) - 1;
		s->closer = chance(50);
		remote_addr(s);
	} else if (r < 62) {
		/* Uploads: one big message, a short answer. */
		s->kind = S_TCP;
		s->v6 = chance(20);
		s->port[0] = ephemeral(g);
		s->port[1] = 443;
		s->m_lo[0] = 10000;
		s->m_hi[0] = 2u << 20;
		s->m_lo[1] = 60;
		s->m_hi[1] = 200;
		s->m_log = 1;
		s->nmsg = 1;
		remote_addr(s);
	} else if (r < 72) {
		/* Inbound: remote clients of a local server (ssh, https). */
		s->kind = S_TCP;
		s->v6 = chance(20);
		s->local_client = 0;
		s->port[0] = (uint16_t)rnd_in(32768, 60999);
		s->port[1] = chance(50) ? 22 : 8443;
		s->m_lo[0] = 40;
		s->m_hi[0] = 2000;
		s->m_lo[1] = 40;
		s->m_hi[1] = 256u << 10;
		s->m_log = 1;
		s->nmsg = 2 * rnd_in(1, 6) - 1;
		s->closer = 0;
		remote_addr(s);
	} else if (r < 98) {
		/* DNS-like: a query to the local resolver, one answer. */
		s->kind = S_UDP;
		s->v6 = chance(30);
		memcpy(s->raddr, s->v6 ? dns6 : dns4, s->v6 ? 16 : 4);
		s->port[0] = ephemeral(g);
		s->port[1] = 53;
		s->dns = 1;
		s->dns_id = (uint16_t)rnd();
		s->dns_qtype = chance(30) ? 28 : 1;
		s->dns_nans = (uint16_t)rnd_in(1, 6);
		s->dns_host = rnd_in(1, 5000);
		s->nmsg = 1;
		s->m_lo[0] = s->m_hi[0] = s->m_lo[1] = s->m_hi[1] = 1;
		s->mss = 1;
	} else {
		/* QUIC-like: a request, then a stream of datagrams with acks. */
		s->kind = S_UDP;
		s->v6 = chance(30);
		s->port[0] = ephemeral(g);
		s->port[1] = 443;
		s->m_lo[0] = 1200;
		s->m_hi[0] = 1200;
		s->m_lo[1] = 20000;
		s->m_hi[1] = 300000;
		s->nmsg = 1;
		s->mss = 1250;
		s->ack_every = 3;
		s->ack_len = 40;
		remote_addr(s);
	}
	if (s->kind == S_TCP && !g->small)
		s->mss = s->v6 ? 1440 : 1460;
	s->st = s->kind == S_TCP ? T_SYN : T_DATA;
	next_msg(s);
}

/* TCP header (20 bytes + SYN options) for side's next segment. */
static uint32_t
tcp_hdr(struct sess *s, int side, uint8_t *th, uint8_t flags, uint32_t plen)
{
	/* Small frames: the SYN options are the MSS alone (still 64 bytes). */
	uint32_t hl = flags & TH_SYN ? (s->minlen != 0 ? 24 : 32) : 20;

	memset(th, 0, hl);
	be32(th + 4, s->seq[side]);
	be32(th + 8, flags & TH_ACK ? s->seq[!side] : 0);
	th[12] = (uint8_t)((hl / 4) << 4);
	th[13] = flags;
	be16(th + 14, s->wnd);
	if (flags & TH_SYN) {
		/* MSS, NOP, window scale 7, NOP, NOP, SACK permitted. */
		static const uint8_t opt[12] = {2, 4, 0, 0, 1, 3, 3, 7, 1, 1, 4, 2};

		memcpy(th + 20, opt, hl - 20);
		be16(th + 22, s->v6 ? 1440 : 1460);
	}
	s->seq[side] += plen + ((flags & (TH_SYN | TH_FIN)) != 0);
	return hl;
}

static void
tcp_seg(struct sess *s, int side, uint8_t flags, uint32_t plen)
{
	struct ends e;
	uint8_t th[32];
	uint32_t poff = s->poff[side];
	uint32_t hl;

	ends_of(s, side, &e);
	hl = tcp_hdr(s, side, th, flags, plen);
	s->poff[side] += plen;
	emit(&e, 6, th, hl, NULL, poff, plen, s->minlen);
}

static void
udp_dgram(struct sess *s, int side, uint32_t plen)
{
	struct ends e;
	uint8_t uh[8] = {0};

	ends_of(s, side, &e);
	emit(&e, 17, uh, 8, NULL, s->poff[side], plen, s->minlen);
	s->poff[side] += plen;
}

static uint32_t
put_label(uint8_t *p, const char *l)
{
	uint32_t n = (uint32_t)strlen(l);

	p[0] = (uint8_t)n;
	memcpy(p + 1, l, n);
	return n + 1;
}

/* A DNS query (side 0) or its answer (side 1): w<N>.example.net, A/AAAA. */
static void
dns_dgram(struct sess *s, int side)
{
	uint8_t m[512], uh[8] = {0};
	char host[16];
	uint32_t n = 12, i, rdlen = s->dns_qtype == 28 ? 16 : 4;
	struct ends e;

	be16(m, s->dns_id);
	be16(m + 2, side ? 0x8180 : 0x0100);
	be16(m + 4, 1);
	be16(m + 6, side ? s->dns_nans : 0);
	be16(m + 8, 0);
	be16(m + 10, 0);
	snprintf(host, sizeof(host), "w%u", s->dns_host);
	n += put_label(m + n, host);
	n += put_label(m + n, "example");
	n += put_label(m + n, "net");
	m[n++] = 0;
	be16(m + n, s->dns_qtype);
	be16(m + n + 2, 1);
	n += 4;
	for (i = 0; side && i < s->dns_nans; i++) {
		be16(m + n, 0xc00c);
		be16(m + n + 2, s->dns_qtype);
		be16(m + n + 4, 1);
		be32(m + n + 6, 300);
		be16(m + n + 10, rdlen);
		n += 12;
		memset(m + n, 0, rdlen);
		if (rdlen == 16) {
			be32(m + n, 0x20010db8u);
			be16(m + n + 4, 0x0f00);
			be16(m + n + 14, (s->dns_host + i) & 0xffff);
		} else {
			be32(m + n, 0xc6336400u | ((s->dns_host + i) % 250 + 1));
		}
		n += rdlen;
	}
	ends_of(s, side, &e);
	emit(&e, 17, uh, 8, m, 0, n, s->minlen);
}

/* The session's next packet; returns 0 when it has ended. */
static int
step(struct sess *s)
{
	uint32_t n;
	int snd = s->msg_side;

	if (s->dns) {
		dns_dgram(s, snd);
		s->msg_side = !snd;
		return snd == 0;
	}
	if (s->kind == S_UDP) {
		if (s->ack_due) {
			udp_dgram(s, !snd, s->ack_len);
			s->ack_due = 0;
		} else {
			n = s->rem < s->mss ? s->rem : s->mss;
			udp_dgram(s, snd, n);
			s->rem -= n;
			if (s->ack_every != 0 && ++s->unacked >= s->ack_every && s->rem != 0) {
				s->ack_due = 1;
				s->unacked = 0;
			}
		}
		if (s->rem == 0 && !s->ack_due) {
			if (s->nmsg == 0)
				return 0;
			s->nmsg--;
			s->unacked = 0;
			next_msg(s);
		}
		return 1;
	}
	switch (s->st) {
	case T_SYN:
		tcp_seg(s, 0, TH_SYN, 0);
		s->st = T_SYNACK;
		return 1;
	case T_SYNACK:
		tcp_seg(s, 1, TH_SYN | TH_ACK, 0);
		s->st = T_ACK;
		return 1;
	case T_ACK:
		tcp_seg(s, 0, TH_ACK, 0);
		s->st = T_DATA;
		return 1;
	case T_DATA:
		if (s->ack_due) {
			/* Delayed ACK: every second segment and at a message's end. */
			tcp_seg(s, !snd, TH_ACK, 0);
			s->ack_due = 0;
		} else {
			n = s->rem < s->mss ? s->rem : s->mss;
			s->rem -= n;
			tcp_seg(s, snd, TH_ACK | (s->rem == 0 ? TH_PSH : 0), n);
			if (++s->unacked >= 2 || s->rem == 0) {
				s->ack_due = 1;
				s->unacked = 0;
			}
		}
		if (s->rem == 0 && !s->ack_due) {
			if (s->nmsg == 0) {
				s->st = T_FIN1;
			} else {
				s->nmsg--;
				next_msg(s);
			}
		}
		return 1;
	case T_FIN1:
		tcp_seg(s, s->closer, TH_FIN | TH_ACK, 0);
		s->st = T_FIN2;
		return 1;
	case T_FIN2:
		tcp_seg(s, !s->closer, TH_FIN | TH_ACK, 0);
		s->st = T_FIN3;
		return 1;
	case T_FIN3:
		tcp_seg(s, s->closer, TH_ACK, 0);
		s->st = T_DONE;
		return 0;
	case T_DONE:
		break;
	}
	return 0;
}

static int
want_more(const struct gen *g)
{
	return out_packets < g->want_packets || out_bytes < g->want_bytes;
}

static void
generate(struct gen *g)
{
	unsigned i;

	g->next_port = 49152;
	for (i = 0; i < g->slots; i++) {
		new_session(g, &sess[i]);
		active[i] = i;
	}
	nactive = g->slots;
	while (nactive != 0) {
		unsigned k = (unsigned)(rnd() % nactive), slot = active[k];

		now_ns += rnd_in(g->gap_lo, g->gap_hi);
		if (step(&sess[slot]))
			continue;
		if (want_more(g))
			new_session(g, &sess[slot]);
		else
			active[k] = active[--nactive];
	}
}

/* --- head: the first N records of a capture ---------------------------- */

static int
head(const char *in, const char *out, uint64_t n)
{
	FILE *fi = fopen(in, "rb");
	uint8_t h[24], rh[16];
	static uint8_t buf[SNAPLEN + 1];
	uint32_t magic, caplen;
	uint64_t i;

	if (fi == NULL)
		die(in);
	oopen(out);
	olen = 0;
	out_bytes = 0;
	if (fread(h, 1, 24, fi) != 24) {
		fprintf(stderr, "gen_capture: %s: not a pcap file\n", in);
		return 1;
	}
	magic = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 24;
	if (magic != PCAP_NSEC_MAGIC && magic != 0xa1b2c3d4u) {
		fprintf(stderr, "gen_capture: %s: not a little-endian pcap file\n", in);
		return 1;
	}
	memcpy(oreserve(24), h, 24);
	for (i = 0; i < n && fread(rh, 1, 16, fi) == 16; i++) {
		caplen = (uint32_t)rh[8] | (uint32_t)rh[9] << 8 | (uint32_t)rh[10] << 16 |
		         (uint32_t)rh[11] << 24;
		if (caplen > SNAPLEN || fread(buf, 1, caplen, fi) != caplen) {
			fprintf(stderr, "gen_capture: %s: record %" PRIu64 " is truncated\n", in,
			        i + 1);
			return 1;
		}
		memcpy(oreserve(16), rh, 16);
		memcpy(oreserve(caplen), buf, caplen);
		out_packets++;
	}
	fclose(fi);
	oclose();
	printf("%s: %" PRIu64 " packets, %" PRIu64 " bytes\n", out, out_packets, out_bytes);
	return 0;
}

/* --- Command line ------------------------------------------------------ */

static void __attribute__((noreturn))
usage(int st)
{
	fprintf(st ? stderr : stdout,
	        "usage: gen_capture small|traffic|large OUT [--scale F] [--packets N] "
	        "[--bytes N] [--seed S]\n"
	        "       gen_capture head IN OUT N\n"
	        "       gen_capture --version\n"
	        "small: >= 5,000,000 64-byte frames; traffic: >= 250,000 packets of TCP\n"
	        "sessions and UDP; large: the traffic pattern up to >= 1 GiB.  --scale\n"
	        "multiplies the default target, --packets/--bytes replace it.\n");
	exit(st);
}

static uint64_t
num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || *s == '-')
		usage(2);
	return (uint64_t)v;
}

int
main(int argc, char **argv)
{
	struct gen g;
	double scale = 1.0;
	uint64_t seed = 0x6e6b6573696d3031ull, packets = 0, bytes = 0;
	const char *out = NULL;
	int i;

	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("%d\n", GEN_VERSION);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--help") == 0)
		usage(0);
	if (argc == 5 && strcmp(argv[1], "head") == 0)
		return head(argv[2], argv[3], num(argv[4]));
	memset(&g, 0, sizeof(g));
	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-' || argv[i][1] != '-') {
			if (g.kind == NULL)
				g.kind = argv[i];
			else if (out == NULL)
				out = argv[i];
			else
				usage(2);
			continue;
		}
		if (i + 1 == argc)
			usage(2);
		if (strcmp(argv[i], "--scale") == 0)
			scale = strtod(argv[++i], NULL);
		else if (strcmp(argv[i], "--packets") == 0)
			packets = num(argv[++i]);
		else if (strcmp(argv[i], "--bytes") == 0)
			bytes = num(argv[++i]);
		else if (strcmp(argv[i], "--seed") == 0)
			seed = num(argv[++i]);
		else
			usage(2);
	}
	if (g.kind == NULL || out == NULL)
		usage(2);
	if (!(scale > 0 && scale <= 1000))
		usage(2);
	if (strcmp(g.kind, "small") == 0) {
		g.small = 1;
		g.slots = 64;
		g.want_packets = (uint64_t)(5000000 * scale);
		g.gap_lo = 500;
		g.gap_hi = 1500;
	} else if (strcmp(g.kind, "traffic") == 0) {
		g.slots = 48;
		g.want_packets = (uint64_t)(250000 * scale);
		g.gap_lo = 2000;
		g.gap_hi = 30000;
	} else if (strcmp(g.kind, "large") == 0) {
		g.slots = 192;
		g.want_bytes = (uint64_t)((double)(1u << 30) * scale);
		g.gap_lo = 1000;
		g.gap_hi = 20000;
	} else {
		usage(2);
	}
	if (packets != 0 || bytes != 0) {
		g.want_packets = packets;
		g.want_bytes = bytes;
	}
	rng_state = seed;
	for (i = 0; i < (int)POOL_SIZE; i += 8) {
		uint64_t v = rnd();

		le32(pool + i, (uint32_t)v);
		le32(pool + i + 4, (uint32_t)(v >> 32));
	}
	oopen(out);
	generate(&g);
	oclose();
	printf("%s: %" PRIu64 " packets, %" PRIu64 " bytes\n", out, out_packets, out_bytes);
	return 0;
}
