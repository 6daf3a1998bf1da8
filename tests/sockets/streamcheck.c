/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * streamcheck.c - an independent TCP stream reassembler for the socket
 * tests (host world, libpcap).  Deliberately unlike the simulator's TCP: it
 * reads the whole capture first, keeps for each direction of each
 * connection every segment's bytes, and afterwards lays them out by
 * sequence number, the first bytes captured for a position winning (a
 * record the snap length cut claims its missing tail as a hole), holes
 * skipped.  IPv4 and IPv6 fragments are reassembled with the overlap
 * policy the KPI contract gives XNU (IPv4: a fragment loses the bytes a
 * fragment starting at or before it already holds, and wins over those
 * starting after it; IPv6: any overlap discards the datagram, RFC 5722);
 * segments whose checksum is wrong are ignored (the simulated host drops
 * them).  Prints one line per direction:
 *
 *	SRC>DST bytes=N hash=HHHHHHHHHHHHHHHH
 *
 * (the hash is NKH64, docs/log-format.md, as the simulated application
 * reports its streams: kpi_shim/seam/nke_hash.h)
 *
 * --log LOG reads an nke-replay verdict log instead: the application's
 * streams (the NKS_HOOK_APP verdicts' totals and stream hashes), named by
 * the socket layer's connect/incoming/adopt lines.  --compare CAPTURE LOG
 * checks that every stream the simulated application saw equals the
 * capture's, and that every non-empty stream of the capture between the
 * log's endpoints was seen; exit 1 otherwise.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "nke_hash.h"

#define MAXDIR  4096
#define MAXSEG  200000

struct segm {
	uint32_t seq;     /* sequence number of the first payload byte */
	uint32_t wire;    /* payload length per the IP header */
	uint32_t avail;   /* bytes captured */
	uint8_t *data;
	uint64_t order;   /* capture order */
	int badsum;       /* its checksum is wrong */
};

struct dirn {
	uint8_t fam;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	int have_syn;
	uint32_t isn;
	struct segm *segs;
	size_t nsegs, cap;
	uint64_t bytes, hash;
	int done;
};

static struct dirn dirs[MAXDIR];
static size_t ndirs;
static uint64_t order;

/* --- Fragments ----------------------------------------------------------------- */

#define MAXFRAGQ 256
struct fragq {
	int used;
	uint8_t fam, proto;
	uint8_t src[16], dst[16];
	uint32_t id;
	uint8_t hdr[60];
	uint32_t hlen;
	uint8_t data[65536];
	uint8_t have[65536];
	uint32_t total; /* 0 until the last fragment came */
	int dead;       /* IPv6: an overlap condemned the datagram */
	/* the fragments held, as [start, end) after trimming, by start */
	uint32_t nfr;
	uint32_t fr_start[128], fr_end[128];
};
static struct fragq fq[MAXFRAGQ];

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (; n >= 2; n -= 2, p += 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (n == 1)
		s += (uint32_t)p[0] << 8;
	return s;
}

static int
tcp_sum_ok(int fam, const uint8_t *src, const uint8_t *dst, const uint8_t *seg, uint32_t len)
{
	uint32_t alen = fam == 4 ? 4 : 16, s = 0;

	s = sum16(src, alen, s);
	s = sum16(dst, alen, s);
	s += 6 + (len >> 16) + (len & 0xffff);
	s = sum16(seg, len, s);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s == 0xffff;
}

static struct dirn *
dir_of(int fam, const uint8_t *src, const uint8_t *dst, uint16_t sport, uint16_t dport)
{
	size_t i, alen = fam == 4 ? 4 : 16;

	for (i = 0; i < ndirs; i++) {
		struct dirn *d = &dirs[i];

		if (d->fam == fam && d->sport == sport && d->dport == dport &&
		    memcmp(d->src, src, alen) == 0 && memcmp(d->dst, dst, alen) == 0)
			return d;
	}
	if (ndirs == MAXDIR)
		return NULL;
	dirs[ndirs].fam = (uint8_t)fam;
	memcpy(dirs[ndirs].src, src, alen);
	memcpy(dirs[ndirs].dst, dst, alen);
	dirs[ndirs].sport = sport;
	dirs[ndirs].dport = dport;
	return &dirs[ndirs++];
}

/* A TCP segment (seg: its header and the captured bytes, len of them; wirelen per IP). */
static void
tcp_seg(int fam, const uint8_t *src, const uint8_t *dst, const uint8_t *seg, uint32_t caplen,
        uint32_t wirelen)
{
	struct dirn *d;
	uint32_t thl, seq, wire, avail;
	struct segm *s;

	if (caplen < 20)
		return;
	thl = (uint32_t)(seg[12] >> 4) * 4;
	if (thl < 20 || caplen < thl || wirelen < thl)
		return;
	d = dir_of(fam, src, dst, be16(seg), be16(seg + 2));
	if (d == NULL)
		return;
	seq = be32(seg + 4);
	if (seg[13] & 0x02) {
		if (!d->have_syn) {
			d->have_syn = 1;
			d->isn = seq;
		}
		seq++;
	}
	wire = wirelen - thl;
	avail = caplen - thl;
	if (wire == 0)
		return;
	if (d->nsegs == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 64;
		d->segs = realloc(d->segs, d->cap * sizeof(*d->segs));
		if (d->segs == NULL)
			abort();
	}
	s = &d->segs[d->nsegs++];
	s->seq = seq;
	s->wire = wire;
	s->avail = avail;
	s->data = malloc(avail ? avail : 1);
	if (s->data == NULL)
		abort();
	memcpy(s->data, seg + thl, avail);
	s->order = order++;
	/*
	 * The simulated host drops inbound segments with a wrong checksum; it
	 * sends ours as captured (offloading senders capture wrong ones).
	 */
	s->badsum = caplen == wirelen && !tcp_sum_ok(fam, src, dst, seg, wirelen);
}

static void ip_packet(const uint8_t *p, uint32_t caplen, uint32_t wirelen);

static void
frag_add(int fam, const uint8_t *src, const uint8_t *dst, uint32_t id, uint8_t proto,
         const uint8_t *hdr, uint32_t hlen, uint32_t off, const uint8_t *data, uint32_t len,
         int more)
{
	struct fragq *q = NULL;
	uint32_t i, alen = fam == 4 ? 4 : 16;

	for (i = 0; i < MAXFRAGQ; i++)
		if (fq[i].used && fq[i].fam == fam && fq[i].id == id && fq[i].proto == proto &&
		    memcmp(fq[i].src, src, alen) == 0 && memcmp(fq[i].dst, dst, alen) == 0) {
			q = &fq[i];
			break;
		}
	if (q == NULL) {
		for (i = 0; i < MAXFRAGQ && fq[i].used; i++)
			continue;
		if (i == MAXFRAGQ)
			return;
		q = &fq[i];
		memset(q, 0, sizeof(*q));
		q->used = 1;
		q->fam = (uint8_t)fam;
		q->proto = proto;
		q->id = id;
		memcpy(q->src, src, alen);
		memcpy(q->dst, dst, alen);
	}
	if (off == 0) {
		memcpy(q->hdr, hdr, hlen);
		q->hlen = hlen;
	}
	if (off + len > sizeof(q->data) || q->dead || q->nfr == 128 || len == 0)
		return;
	{
		uint32_t start = off, end = off + len, j, k;

		if (fam == 6) {
			for (j = 0; j < q->nfr; j++)
				if (start < q->fr_end[j] && q->fr_start[j] < end)
					q->dead = 1;
			if (q->dead)
				return;
		} else {
			/* The fragment before (starting at or before it) keeps its
			   bytes: trim our front. */
			for (j = 0; j < q->nfr; j++)
				if (q->fr_start[j] <= off && q->fr_end[j] > start)
					start = q->fr_end[j];
			if (start >= end)
				return;
			/* Those starting after it lose what we cover. */
			for (j = 0; j < q->nfr;) {
				if (q->fr_start[j] > off && q->fr_start[j] < end) {
					if (q->fr_end[j] > end) {
						q->fr_start[j] = end;
						j++;
					} else {
						for (k = j; k + 1 < q->nfr; k++) {
							q->fr_start[k] = q->fr_start[k + 1];
							q->fr_end[k] = q->fr_end[k + 1];
						}
						q->nfr--;
					}
				} else {
					j++;
				}
			}
		}
		for (i = start; i < end; i++) {
			q->data[i] = data[i - off];
			q->have[i] = 1;
		}
		q->fr_start[q->nfr] = start;
		q->fr_end[q->nfr] = end;
		q->nfr++;
	}
	if (!more)
		q->total = off + len;
	if (q->total != 0 && q->hlen != 0) {
		uint8_t *pkt;

		for (i = 0; i < q->total; i++)
			if (!q->have[i])
				return;
		pkt = malloc(q->hlen + q->total);
		if (pkt == NULL)
			abort();
		memcpy(pkt, q->hdr, q->hlen);
		memcpy(pkt + q->hlen, q->data, q->total);
		if (fam == 4) {
			pkt[2] = (uint8_t)((q->hlen + q->total) >> 8);
			pkt[3] = (uint8_t)(q->hlen + q->total);
			pkt[6] = pkt[7] = 0;
		} else {
			pkt[4] = (uint8_t)((q->hlen - 40 + q->total) >> 8);
			pkt[5] = (uint8_t)(q->hlen - 40 + q->total);
			pkt[6] = proto;
		}
		q->used = 0;
		ip_packet(pkt, q->hlen + q->total, q->hlen + q->total);
		free(pkt);
	}
}

static void
ip_packet(const uint8_t *p, uint32_t caplen, uint32_t wirelen)
{
	if (caplen < 1)
		return;
	if ((p[0] >> 4) == 4) {
		uint32_t hl = (uint32_t)(p[0] & 0x0f) * 4, tl, off;

		if (caplen < 20 || hl < 20 || caplen < hl)
			return;
		tl = be16(p + 2);
		if (tl < hl || tl > wirelen)
			return; /* longer than the frame on the wire: the host drops it */
		if (caplen > tl)
			caplen = tl;
		off = be16(p + 6);
		if (off & 0x3fff) {
			if (caplen < tl)
				return;
			frag_add(4, p + 12, p + 16, be16(p + 4), p[9], p, hl, (off & 0x1fff) * 8,
			         p + hl, tl - hl, (off & 0x2000) != 0);
			return;
		}
		if (p[9] == 6)
			tcp_seg(4, p + 12, p + 16, p + hl, caplen - hl, tl - hl);
	} else if ((p[0] >> 4) == 6) {
		uint32_t off = 40, plen, nxt;

		if (caplen < 40)
			return;
		plen = be16(p + 4);
		if (40 + plen > wirelen)
			return;
		if (caplen > 40 + plen)
			caplen = 40 + plen;
		nxt = p[6];
		while (nxt == 0 || nxt == 43 || nxt == 60 || nxt == 44) {
			if (caplen < off + 8)
				return;
			if (nxt == 44) {
				uint32_t fo = be16(p + off + 2);

				if ((fo & 0xfff9) == 0) { /* atomic fragment */
					nxt = p[off];
					off += 8;
					continue;
				}
				if (caplen < 40 + plen)
					return;
				frag_add(6, p + 8, p + 24, be32(p + off + 4), p[off], p, off,
				         fo & 0xfff8, p + off + 8, 40 + plen - off - 8, fo & 1);
				return;
			}
			nxt = p[off];
			off += ((uint32_t)p[off + 1] + 1) * 8;
		}
		if (nxt == 6 && off <= caplen)
			tcp_seg(6, p + 8, p + 24, p + off, caplen - off, 40 + plen - off);
	}
}

/* One link-layer frame. */
static void
frame(int dlt, const uint8_t *p, uint32_t caplen, uint32_t wirelen)
{
	uint32_t off = 0, type = 0;

	switch (dlt) {
	case DLT_EN10MB:
		off = 12;
		for (;;) {
			if (caplen < off + 2)
				return;
			type = be16(p + off);
			if (type != 0x8100 && type != 0x88a8 && type != 0x9100)
				break;
			off += 4;
		}
		off += 2;
		if (type != 0x0800 && type != 0x86dd)
			return;
		break;
	case DLT_NULL:
	case DLT_LOOP:
		off = 4;
		break;
	case 12:  /* DLT_RAW on most systems */
	case 14:  /* DLT_RAW on OpenBSD */
	case 101: /* LINKTYPE_RAW */
		off = 0;
		break;
	case DLT_LINUX_SLL:
		off = 16;
		break;
	case 276: /* LINUX_SLL2 */
		off = 20;
		break;
	default:
		return;
	}
	if (caplen <= off)
		return;
	ip_packet(p + off, caplen - off, wirelen - off);
}

static int
seg_cmp(const void *a, const void *b)
{
	const struct segm *x = a, *y = b;

	return x->order < y->order ? -1 : x->order > y->order;
}

/* Lay one direction out: positions claimed first-seen, holes skipped. */
/*
 * keep_badsum: the direction the host sends (its segments leave as
 * captured, checksums and all), where a position the capture skipped
 * before a later one is final: bytes a retransmission brings afterwards
 * were the stack's, not the application's writes.
 */
static void
stream_of(struct dirn *d, int keep_badsum)
{
	uint32_t start, end = 0, i, pos;
	int64_t lo = 0, hi = 0;
	uint8_t *claim, *bytes;
	struct nkh_state hs;
	uint64_t n = 0;

	d->done = 1;
	d->bytes = 0;
	nkh_init(&hs);
	if (d->nsegs == 0) {
		d->hash = nkh_final(&hs);
		return;
	}
	qsort(d->segs, d->nsegs, sizeof(*d->segs), seg_cmp);
	lo = hi = 0;
	start = d->have_syn ? d->isn + 1 : d->segs[0].seq;
	for (i = 0; i < d->nsegs; i++) {
		int64_t a = (int32_t)(d->segs[i].seq - start);

		if (!d->have_syn && a < lo)
			lo = a;
		if (a + d->segs[i].wire > hi)
			hi = a + d->segs[i].wire;
	}
	start += (uint32_t)lo;
	hi -= lo;
	end = (uint32_t)hi;
	claim = calloc(end + 1, 1);
	bytes = malloc(end + 1);
	if (claim == NULL || bytes == NULL)
		abort();
	{
		int64_t maxend = d->have_syn ? -lo : -1;

		for (i = 0; i < d->nsegs; i++) {
			int64_t a = (int32_t)(d->segs[i].seq - start);
			uint32_t k;

			if (d->segs[i].badsum && !keep_badsum)
				continue;
			if (keep_badsum && maxend < 0)
				maxend = a;
			for (k = 0; k < d->segs[i].wire; k++) {
				int64_t at = a + k;

				if (at < 0 || at >= end || claim[at])
					continue;
				if (keep_badsum && at < maxend) {
					claim[at] = 2;
					continue;
				}
			if (k < d->segs[i].avail) {
				claim[at] = 1;
				bytes[at] = d->segs[i].data[k];
			} else {
				claim[at] = 2; /* cut by the snap length: a hole */
			}
			}
			if (keep_badsum && a + d->segs[i].wire > maxend)
				maxend = a + d->segs[i].wire;
		}
	}
	for (pos = 0; pos < end; pos++)
		if (claim[pos] == 1) {
			nkh_update(&hs, &bytes[pos], 1);
			n++;
		}
	d->bytes = n;
	d->hash = nkh_final(&hs);
	free(claim);
	free(bytes);
}

static const char *
ep(int fam, const uint8_t *a, uint16_t port, char *buf, size_t size)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(fam == 4 ? AF_INET : AF_INET6, a, s, sizeof(s));
	if (fam == 4)
		snprintf(buf, size, "%s:%u", s, port);
	else
		snprintf(buf, size, "[%s]:%u", s, port);
	return buf;
}

static int
read_capture(const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *ph;
	const u_char *data;
	pcap_t *pc = pcap_open_offline(path, err);
	int dlt, r;

	if (pc == NULL) {
		fprintf(stderr, "streamcheck: %s: %s\n", path, err);
		return -1;
	}
	dlt = pcap_datalink(pc);
	while ((r = pcap_next_ex(pc, &ph, &data)) == 1)
		frame(dlt, data, ph->caplen, ph->len);
	if (r == -1) {
		fprintf(stderr, "streamcheck: %s: %s\n", path, pcap_geterr(pc));
		pcap_close(pc);
		return -1;
	}
	pcap_close(pc);
	return 0;
}

/* --- The verdict log ----------------------------------------------------------------- */

struct logstream {
	uint8_t fam;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint64_t bytes, hash;
	int matched;
};

#define MAXSO 65536
static struct {
	int known, fam, redirected;
	uint8_t l[16], r[16];
	uint16_t lp, rp;
	uint64_t in_bytes, in_hash, out_bytes, out_hash;
	int has_in, has_out;
} so[MAXSO];

/* "A:P" or "[A]:P" into address, port; family 4 or 6, or 0. */
static int
parse_ep(const char *s, size_t n, uint8_t *a, uint16_t *port)
{
	char buf[128];
	const char *colon;

	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (close == NULL || close[1] != ':')
			return 0;
		*close = '\0';
		*port = (uint16_t)atoi(close + 2);
		return inet_pton(AF_INET6, buf + 1, a) == 1 ? 6 : 0;
	}
	colon = strrchr(buf, ':');
	if (colon == NULL)
		return 0;
	buf[colon - buf] = '\0';
	*port = (uint16_t)atoi(colon + 1);
	return inet_pton(AF_INET, buf, a) == 1 ? 4 : 0;
}

/* "L>R" at s (up to a space): the two endpoints. */
static void
parse_tuple(unsigned id, const char *s)
{
	const char *gt = strchr(s, '>'), *end;
	uint8_t l[16], r[16];
	uint16_t lp, rp;
	int f1, f2;

	if (gt == NULL)
		return;
	end = strpbrk(gt, " \n");
	if (end == NULL)
		end = gt + strlen(gt);
	f1 = parse_ep(s, (size_t)(gt - s), l, &lp);
	f2 = parse_ep(gt + 1, (size_t)(end - gt - 1), r, &rp);
	if (f1 == 0 || f1 != f2 || id >= MAXSO)
		return;
	so[id].known = 1;
	so[id].fam = f1;
	memcpy(so[id].l, l, 16);
	memcpy(so[id].r, r, 16);
	so[id].lp = lp;
	so[id].rp = rp;
}

static int
read_log(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[2048];

	if (f == NULL) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		const char *p;
		unsigned id;
		unsigned long long total, h;

		if ((p = strstr(line, " connect so=")) != NULL &&
		    sscanf(p, " connect so=%u", &id) == 1) {
			p = strchr(p + 12, ' ');
			if (p != NULL)
				parse_tuple(id, p + 1);
		} else if ((p = strstr(line, " incoming so=")) != NULL &&
		           sscanf(p, " incoming so=%u", &id) == 1) {
			p = strstr(p, " listener=");
			if (p != NULL && (p = strchr(p + 1, ' ')) != NULL)
				parse_tuple(id, p + 1);
		} else if ((p = strstr(line, " adopt so=")) != NULL &&
		           sscanf(p, " adopt so=%u", &id) == 1) {
			p = strchr(p + 10, ' ');
			if (p != NULL && (p = strchr(p + 1, ' ')) != NULL)
				parse_tuple(id, p + 1);
		} else if ((p = strstr(line, " redirect so=")) != NULL &&
		           sscanf(p, " redirect so=%u", &id) == 1 && id < MAXSO) {
			so[id].redirected = 1;
		} else if ((p = strstr(line, " recv so=")) != NULL &&
		           sscanf(p, " recv so=%u total=%llu stream=%llx", &id, &total, &h) == 3 &&
		           id < MAXSO) {
			so[id].in_bytes = total;
			so[id].in_hash = h;
			so[id].has_in = 1;
		} else if ((p = strstr(line, " send so=")) != NULL &&
		           sscanf(p, " send so=%u total=%llu stream=%llx", &id, &total, &h) == 3 &&
		           id < MAXSO) {
			so[id].out_bytes = total;
			so[id].out_hash = h;
			so[id].has_out = 1;
		}
	}
	fclose(f);
	return 0;
}

static struct dirn *
find_dir(int fam, const uint8_t *src, uint16_t sport, const uint8_t *dst, uint16_t dport)
{
	size_t i, alen = fam == 4 ? 4 : 16;

	for (i = 0; i < ndirs; i++)
		if (dirs[i].fam == fam && dirs[i].sport == sport && dirs[i].dport == dport &&
		    memcmp(dirs[i].src, src, alen) == 0 && memcmp(dirs[i].dst, dst, alen) == 0)
			return &dirs[i];
	return NULL;
}

static int
compare(void)
{
	unsigned id;
	int bad = 0, n = 0;
	char a[80], b[80];

	for (id = 0; id < MAXSO; id++) {
		int k;

		if (!so[id].known || so[id].redirected)
			continue;
		for (k = 0; k < 2; k++) {
			/* k 0: what the socket received (R>L), 1: what it sent (L>R). */
			const uint8_t *src = k == 0 ? so[id].r : so[id].l;
			const uint8_t *dst = k == 0 ? so[id].l : so[id].r;
			uint16_t sp = k == 0 ? so[id].rp : so[id].lp, dp = k == 0 ? so[id].lp : so[id].rp;
			struct dirn *d = find_dir(so[id].fam, src, sp, dst, dp);
			uint64_t lb = k == 0 ? so[id].in_bytes : so[id].out_bytes;
			uint64_t lh = k == 0 ? so[id].in_hash : so[id].out_hash;
			int has = k == 0 ? so[id].has_in : so[id].has_out;
			uint64_t cb;

			if (d != NULL)
				stream_of(d, k == 1); /* what we sent: as captured */
			cb = d != NULL ? d->bytes : 0;

			ep(so[id].fam, src, sp, a, sizeof(a));
			ep(so[id].fam, dst, dp, b, sizeof(b));
			if (!has && cb == 0)
				continue;
			n++;
			if (!has || d == NULL || lb != cb || lh != d->hash) {
				printf("MISMATCH so=%u %s>%s capture bytes=%" PRIu64
				       " hash=%016" PRIx64 " log bytes=%" PRIu64 " hash=%016" PRIx64
				       "\n",
				       id, a, b, cb, d != NULL ? d->hash : 0, lb, lh);
				bad = 1;
			} else {
				printf("ok so=%u %s>%s bytes=%" PRIu64 " hash=%016" PRIx64 "\n", id,
				       a, b, cb, lh);
			}
		}
	}
	printf("streamcheck: %d streams compared, %s\n", n, bad ? "MISMATCH" : "all equal");
	return bad;
}

/* What each socket of the log sent, as the given capture has it. */
struct sent {
	uint64_t bytes, hash;
	int have;
};
static struct sent sent_a[MAXSO], sent_b[MAXSO];

static void
collect_sent(struct sent *out)
{
	unsigned id;

	for (id = 0; id < MAXSO; id++) {
		struct dirn *d;

		out[id].have = 0;
		if (!so[id].known || so[id].redirected)
			continue;
		d = find_dir(so[id].fam, so[id].l, so[id].lp, so[id].r, so[id].rp);
		if (d == NULL)
			continue;
		stream_of(d, 1);
		out[id].have = 1;
		out[id].bytes = d->bytes;
		out[id].hash = d->hash;
	}
}

static void
forget_capture(void)
{
	size_t i, k;

	for (i = 0; i < ndirs; i++) {
		for (k = 0; k < dirs[i].nsegs; k++)
			free(dirs[i].segs[k].data);
		free(dirs[i].segs);
	}
	memset(dirs, 0, sizeof(dirs));
	ndirs = 0;
	memset(fq, 0, sizeof(fq));
}

/* Every socket's outbound stream is the same in both captures (input, -w output). */
static int
compare_out(const char *in, const char *out)
{
	unsigned id;
	int bad = 0, n = 0;

	if (read_capture(in) != 0)
		return 2;
	collect_sent(sent_a);
	forget_capture();
	if (read_capture(out) != 0)
		return 2;
	collect_sent(sent_b);
	forget_capture();
	for (id = 0; id < MAXSO; id++) {
		char a[80], b[80];

		if (!sent_a[id].have && !sent_b[id].have)
			continue;
		n++;
		ep(so[id].fam, so[id].l, so[id].lp, a, sizeof(a));
		ep(so[id].fam, so[id].r, so[id].rp, b, sizeof(b));
		if (sent_a[id].have != sent_b[id].have || sent_a[id].bytes != sent_b[id].bytes ||
		    sent_a[id].hash != sent_b[id].hash) {
			printf("MISMATCH so=%u %s>%s input bytes=%" PRIu64 " hash=%016" PRIx64
			       " output bytes=%" PRIu64 " hash=%016" PRIx64 "\n",
			       id, a, b, sent_a[id].bytes, sent_a[id].hash, sent_b[id].bytes,
			       sent_b[id].hash);
			bad = 1;
		} else {
			printf("ok so=%u %s>%s bytes=%" PRIu64 " hash=%016" PRIx64 "\n", id, a, b,
			       sent_a[id].bytes, sent_a[id].hash);
		}
	}
	printf("streamcheck: %d outbound streams compared, %s\n", n, bad ? "MISMATCH" : "all equal");
	return bad;
}

static int
dir_cmp(const void *x, const void *y)
{
	const struct dirn *a = x, *b = y;
	int c = memcmp(a->src, b->src, 16);

	if (c == 0)
		c = memcmp(a->dst, b->dst, 16);
	if (c == 0)
		c = a->sport - b->sport;
	if (c == 0)
		c = a->dport - b->dport;
	return c;
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc == 3 && strcmp(argv[1], "--log") == 0) {
		unsigned id;

		if (read_log(argv[2]) != 0)
			return 2;
		for (id = 0; id < MAXSO; id++) {
			char a[80], b[80];

			if (!so[id].known)
				continue;
			ep(so[id].fam, so[id].l, so[id].lp, a, sizeof(a));
			ep(so[id].fam, so[id].r, so[id].rp, b, sizeof(b));
			printf("so=%u %s>%s recv=%" PRIu64 "/%016" PRIx64 " send=%" PRIu64
			       "/%016" PRIx64 "\n",
			       id, a, b, so[id].in_bytes, so[id].in_hash, so[id].out_bytes,
			       so[id].out_hash);
		}
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "--compare-out") == 0) {
		if (read_log(argv[4]) != 0)
			return 2;
		return compare_out(argv[2], argv[3]);
	}
	if (argc == 4 && strcmp(argv[1], "--compare") == 0) {
		if (read_capture(argv[2]) != 0 || read_log(argv[3]) != 0)
			return 2;
		return compare();
	}
	if (argc != 2) {
		fprintf(stderr, "usage: streamcheck CAPTURE | --log LOG | --compare CAPTURE LOG | "
		                "--compare-out INPUT OUTPUT LOG\n");
		return 2;
	}
	if (read_capture(argv[1]) != 0)
		return 2;
	for (i = 0; i < ndirs; i++)
		stream_of(&dirs[i], 0);
	qsort(dirs, ndirs, sizeof(dirs[0]), dir_cmp);
	for (i = 0; i < ndirs; i++) {
		char a[80], b[80];

		printf("%s>%s bytes=%" PRIu64 " hash=%016" PRIx64 "\n",
		       ep(dirs[i].fam, dirs[i].src, dirs[i].sport, a, sizeof(a)),
		       ep(dirs[i].fam, dirs[i].dst, dirs[i].dport, b, sizeof(b)), dirs[i].bytes,
		       dirs[i].hash);
	}
	return 0;
}
