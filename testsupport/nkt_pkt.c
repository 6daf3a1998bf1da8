/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nkt_pkt.c - packet builders of nkesim's unit-test support (kernel world):
 * Ethernet with 802.1Q tags, IPv4, IPv6 with extension headers, TCP, UDP,
 * ICMP, fragments, and the description parser nkt_pkt_build().  Checksums
 * are computed here, byte by byte, independently of the simulated stack's
 * own checksum code, so a test of the stack or of a kext that fixes
 * checksums compares against a second opinion.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/socket.h>
#include <stdarg.h>
#include <string.h>
#include <libkern/libkern.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "nkt_kext.h"

const u_int8_t nkt_mac_host[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
const u_int8_t nkt_mac_peer[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
const u_int8_t nkt_ip4_host[4] = {10, 0, 0, 1};
const u_int8_t nkt_ip4_peer[4] = {10, 0, 0, 2};
const u_int8_t nkt_ip6_host[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
const u_int8_t nkt_ip6_peer[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

/* --- Checksums -------------------------------------------------------------- */

u_int32_t
nkt_cksum_add(const u_int8_t *p, size_t n, u_int32_t s)
{
	for (; n >= 2; n -= 2, p += 2)
		s += (u_int32_t)p[0] << 8 | p[1];
	if (n == 1)
		s += (u_int32_t)p[0] << 8;
	return s;
}

u_int16_t
nkt_cksum_fold(u_int32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (u_int16_t)s;
}

u_int16_t
nkt_cksum_ip4(const u_int8_t *ip)
{
	u_int32_t hl = (u_int32_t)(ip[0] & 0x0f) * 4, s = 0, i;

	for (i = 0; i < hl; i += 2)
		if (i != 10)
			s += (u_int32_t)ip[i] << 8 | ip[i + 1];
	return (u_int16_t)~nkt_cksum_fold(s);
}

u_int16_t
nkt_cksum_pseudo(const u_int8_t *src, const u_int8_t *dst, u_int32_t alen, u_int32_t len,
    u_int32_t proto)
{
	u_int32_t s = nkt_cksum_add(src, alen, 0);

	s = nkt_cksum_add(dst, alen, s) + (len >> 16) + (len & 0xffff) + proto;
	return nkt_cksum_fold(s);
}

u_int16_t
nkt_cksum_l4(const u_int8_t *src, const u_int8_t *dst, u_int32_t alen, u_int8_t proto,
    const u_int8_t *seg, u_int32_t len, u_int32_t sumoff)
{
	u_int32_t s = alen != 0 ? nkt_cksum_pseudo(src, dst, alen, len, proto) : 0;
	u_int16_t r;

	s = nkt_cksum_add(seg, sumoff, s);
	s = nkt_cksum_add(seg + sumoff + 2, len - sumoff - 2, s);
	r = (u_int16_t)~nkt_cksum_fold(s);
	if (r == 0 && proto == IPPROTO_UDP)
		r = 0xffff;
	return r;
}

/* --- Builders ----------------------------------------------------------------- */

static void
room(const struct nkt_pkt *p, u_int32_t need)
{
	if (p->len + need > NKT_PKT_MAX)
		NKT_fail("nkt_pkt: packet larger than NKT_PKT_MAX", __FILE__, __LINE__);
}

void
nkt_pkt_eth(struct nkt_pkt *p, int inbound, u_int16_t type, unsigned ntags, const u_int16_t *vids)
{
	unsigned i;

	memcpy(p->b, inbound ? nkt_mac_host : nkt_mac_peer, 6);
	memcpy(p->b + 6, inbound ? nkt_mac_peer : nkt_mac_host, 6);
	p->l2 = 12;
	for (i = 0; i < ntags; i++) {
		nkt_put16(p->b + p->l2, i + 1 < ntags ? 0x88a8 : 0x8100);
		nkt_put16(p->b + p->l2 + 2, vids[i]);
		p->l2 += 4;
	}
	nkt_put16(p->b + p->l2, type);
	p->l2 += 2;
	p->len = p->l2;
	p->l4 = 0;
	p->dir = inbound ? NKS_DIR_IN : NKS_DIR_OUT;
	p->family = 0;
	p->proto = 0;
}

/* Transport header length the builders write for proto. */
static u_int32_t
l4_hdrlen(u_int8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return 20;
	case IPPROTO_UDP:
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return 8;
	default:
		return 0;
	}
}

/* Fill the transport header at th (len bytes of segment, payload in place). */
static void
l4_write(u_int8_t *th, const struct nkt_ipspec *s, u_int32_t alen, u_int32_t len)
{
	switch (s->proto) {
	case IPPROTO_TCP:
		nkt_put16(th, s->sport);
		nkt_put16(th + 2, s->dport);
		th[4] = (u_int8_t)(s->seq >> 24);
		th[5] = (u_int8_t)(s->seq >> 16);
		th[6] = (u_int8_t)(s->seq >> 8);
		th[7] = (u_int8_t)s->seq;
		th[8] = (u_int8_t)(s->ack >> 24);
		th[9] = (u_int8_t)(s->ack >> 16);
		th[10] = (u_int8_t)(s->ack >> 8);
		th[11] = (u_int8_t)s->ack;
		th[12] = 5 << 4;
		th[13] = s->tcp_flags;
		nkt_put16(th + 14, s->win != 0 ? s->win : 65535);
		nkt_put16(th + 16, nkt_cksum_l4(s->src, s->dst, alen, IPPROTO_TCP, th, len, 16));
		break;
	case IPPROTO_UDP:
		nkt_put16(th, s->sport);
		nkt_put16(th + 2, s->dport);
		nkt_put16(th + 4, len);
		nkt_put16(th + 6, nkt_cksum_l4(s->src, s->dst, alen, IPPROTO_UDP, th, len, 6));
		break;
	case IPPROTO_ICMP:
		th[0] = 8; /* echo request */
		nkt_put16(th + 2, nkt_cksum_l4(NULL, NULL, 0, IPPROTO_ICMP, th, len, 2));
		break;
	case IPPROTO_ICMPV6:
		th[0] = 128; /* echo request */
		nkt_put16(th + 2, nkt_cksum_l4(s->src, s->dst, 16, IPPROTO_ICMPV6, th, len, 2));
		break;
	default:
		break;
	}
}

u_int32_t
nkt_pkt_ip(struct nkt_pkt *p, const struct nkt_ipspec *s)
{
	u_int32_t h = p->len, tl = l4_hdrlen(s->proto), hl, i;
	u_int8_t *ip = p->b + h;

	if (s->family == 4) {
		hl = 20 + s->optlen;
		room(p, hl + tl + s->plen);
		memset(ip, 0, hl + tl);
		ip[0] = (u_int8_t)(0x40 | (hl / 4));
		nkt_put16(ip + 2, hl + tl + s->plen);
		nkt_put16(ip + 4, s->ip_id);
		nkt_put16(ip + 6, s->ip_off);
		ip[8] = s->ttl != 0 ? s->ttl : 64;
		ip[9] = s->proto;
		memcpy(ip + 12, s->src, 4);
		memcpy(ip + 16, s->dst, 4);
		memset(ip + 20, 1, s->optlen); /* NOP options */
		if (s->plen > 0)
			memcpy(ip + hl + tl, s->payload, s->plen);
		l4_write(ip + hl, s, 4, tl + s->plen);
		nkt_put16(ip + 10, nkt_cksum_ip4(ip));
	} else {
		u_int8_t *prev = ip + 6;

		hl = 40 + 8 * s->nexts;
		room(p, hl + tl + s->plen);
		memset(ip, 0, hl + tl);
		ip[0] = 0x60;
		memcpy(ip + 8, s->src, 16);
		memcpy(ip + 24, s->dst, 16);
		ip[7] = s->ttl != 0 ? s->ttl : 64;
		for (i = 0; i < s->nexts; i++) {
			u_int8_t *e = ip + 40 + 8 * i;

			*prev = s->exts[i];
			prev = e;
			e[1] = 0; /* 8 bytes */
			e[2] = 1; /* PadN */
			e[3] = 4;
		}
		*prev = s->proto;
		if (s->plen > 0)
			memcpy(ip + hl + tl, s->payload, s->plen);
		l4_write(ip + hl, s, 16, tl + s->plen);
		nkt_put16(ip + 4, hl - 40 + tl + s->plen);
	}
	p->len = h + hl + tl + s->plen;
	p->l4 = tl != 0 ? h + hl : 0;
	p->family = s->family;
	p->proto = s->proto;
	return h;
}

void
nkt_pkt_ip4_fix(struct nkt_pkt *p, u_int32_t h)
{
	nkt_put16(p->b + h + 10, nkt_cksum_ip4(p->b + h));
}

/* Where the transport checksum field is, or 0 if the protocol has none we know. */
static u_int32_t
sum_field(u_int8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return 16;
	case IPPROTO_UDP:
		return 6;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return 2;
	default:
		return 0;
	}
}

/* Transport checksum p should carry; 0 with *ok=0 when it has none. */
static u_int16_t
l4_sum_of(const struct nkt_pkt *p, int *ok)
{
	const u_int8_t *ip = p->b + p->l2;
	u_int32_t off = sum_field(p->proto), len;

	*ok = 0;
	if (p->l4 == 0 || off == 0)
		return 0;
	len = p->len - p->l4;
	if (len < off + 2)
		return 0;
	*ok = 1;
	if (p->family == 4)
		return nkt_cksum_l4(ip + 12, ip + 16, p->proto == IPPROTO_ICMP ? 0 : 4, p->proto,
		    p->b + p->l4, len, off);
	return nkt_cksum_l4(ip + 8, ip + 24, 16, p->proto, p->b + p->l4, len, off);
}

void
nkt_pkt_l4_fix(struct nkt_pkt *p)
{
	int ok;
	u_int16_t s = l4_sum_of(p, &ok);

	if (ok)
		nkt_put16(p->b + p->l4 + sum_field(p->proto), s);
}

int
nkt_pkt_sums_ok(const struct nkt_pkt *p)
{
	int ok;
	u_int16_t s;

	if (p->family == 4 && nkt_get16(p->b + p->l2 + 10) != nkt_cksum_ip4(p->b + p->l2))
		return 0;
	s = l4_sum_of(p, &ok);
	if (!ok)
		return 1;
	if (p->proto == IPPROTO_UDP && nkt_get16(p->b + p->l4 + 6) == 0)
		return 1; /* no checksum */
	return nkt_get16(p->b + p->l4 + sum_field(p->proto)) == s;
}

void
nkt_pkt_frag4(struct nkt_pkt *f, const struct nkt_pkt *d, u_int32_t dh, u_int32_t off,
    u_int32_t len, int mf)
{
	const u_int8_t *ip = d->b + dh;
	u_int8_t *fi;

	memcpy(f->b, d->b, dh);
	f->l2 = d->l2;
	fi = f->b + dh;
	memcpy(fi, ip, 20);
	memcpy(fi + 20, ip + 20 + off, len);
	nkt_put16(fi + 2, 20 + len);
	nkt_put16(fi + 6, (off / 8) | (mf ? 0x2000 : 0));
	nkt_put16(fi + 10, nkt_cksum_ip4(fi));
	f->len = dh + 20 + len;
	f->l4 = off == 0 ? dh + 20 : 0;
	f->dir = d->dir;
	f->family = 4;
	f->proto = d->proto;
}

void
nkt_pkt_frag6(struct nkt_pkt *f, const struct nkt_pkt *d, u_int32_t dh, u_int32_t off,
    u_int32_t len, int mf, u_int32_t id)
{
	const u_int8_t *ip6 = d->b + dh;
	u_int8_t *fi;

	memcpy(f->b, d->b, dh);
	f->l2 = d->l2;
	fi = f->b + dh;
	memcpy(fi, ip6, 40);
	fi[6] = 44;
	fi[40] = ip6[6];
	fi[41] = 0;
	nkt_put16(fi + 42, off | (mf ? 1 : 0));
	fi[44] = (u_int8_t)(id >> 24);
	fi[45] = (u_int8_t)(id >> 16);
	fi[46] = (u_int8_t)(id >> 8);
	fi[47] = (u_int8_t)id;
	memcpy(fi + 48, ip6 + 40 + off, len);
	nkt_put16(fi + 4, 8 + len);
	f->len = dh + 48 + len;
	f->l4 = off == 0 ? dh + 48 : 0;
	f->dir = d->dir;
	f->family = 6;
	f->proto = d->proto;
}

/* --- Descriptions --------------------------------------------------------------- */

#define DESC_MAX 4096
#define MAX_TAGS 4
#define MAX_EXTS 8

static char pkt_err[160];

const char *
nkt_pkt_error(void)
{
	return pkt_err;
}

struct desc {
	const char *s; /* cursor */
	char word[DESC_MAX];
	int dir;       /* 0: infer */
	int eth;
	unsigned ntags;
	u_int16_t vids[MAX_TAGS];
	struct nkt_ipspec is;
	u_int8_t src[16], dst[16];
	int have_sport, have_dport, have_proto;
	u_int8_t exts[MAX_EXTS];
	u_int8_t payload[DESC_MAX];
	int df, mf;
	u_int32_t frag;
};

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
bad(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pkt_err, sizeof(pkt_err), fmt, ap);
	va_end(ap);
	return EINVAL;
}

/* Next word into d->word (quoted payloads may hold spaces); 0 at the end. */
static int
next_word(struct desc *d)
{
	size_t n = 0;
	int quoted = 0;

	while (*d->s == ' ' || *d->s == '\t' || *d->s == '\n')
		d->s++;
	if (*d->s == '\0')
		return 0;
	while (*d->s != '\0' && (quoted || (*d->s != ' ' && *d->s != '\t' && *d->s != '\n'))) {
		if (*d->s == '"')
			quoted = !quoted;
		else if (*d->s == '\\' && quoted && d->s[1] != '\0') {
			if (n + 2 >= sizeof(d->word))
				break;
			d->word[n++] = *d->s++;
		}
		if (n + 1 >= sizeof(d->word))
			break;
		d->word[n++] = *d->s++;
	}
	d->word[n] = '\0';
	return 1;
}

static int
number(const char *s, u_int32_t max, u_int32_t *out)
{
	char *end;
	u_long v;

	if (*s < '0' || *s > '9')
		return 0;
	v = strtoul(s, &end, 0);
	if (*end != '\0' || v > max)
		return 0;
	*out = (u_int32_t)v;
	return 1;
}

/* "key=value": the value when the word starts with key=, else NULL. */
static const char *
value_of(const char *word, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(word, key, n) == 0 && word[n] == '=')
		return word + n + 1;
	return NULL;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
parse_payload(struct desc *d, const char *v)
{
	u_int32_t n = 0;

	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		for (v += 2; v[0] != '\0'; v += 2) {
			if (hexval(v[0]) < 0 || v[1] == '\0' || hexval(v[1]) < 0)
				return bad("payload: bad hex digits in \"%s\"", d->word);
			d->payload[n++] = (u_int8_t)(hexval(v[0]) << 4 | hexval(v[1]));
		}
	} else if (v[0] == '"') {
		size_t l = strlen(v);

		if (l < 2 || v[l - 1] != '"')
			return bad("payload: unterminated quote in %s", d->word);
		for (v++, l -= 2; l > 0; v++, l--) {
			if (*v != '\\') {
				d->payload[n++] = (u_int8_t)*v;
				continue;
			}
			v++, l--;
			if (l == 0)
				return bad("payload: a lone backslash in %s", d->word);
			switch (*v) {
			case 'n': d->payload[n++] = '\n'; break;
			case 'r': d->payload[n++] = '\r'; break;
			case 't': d->payload[n++] = '\t'; break;
			case '0': d->payload[n++] = '\0'; break;
			case '\\': case '"': d->payload[n++] = (u_int8_t)*v; break;
			case 'x':
				if (l < 3 || hexval(v[1]) < 0 || hexval(v[2]) < 0)
					return bad("payload: bad \\x escape in %s", d->word);
				d->payload[n++] = (u_int8_t)(hexval(v[1]) << 4 | hexval(v[2]));
				v += 2, l -= 2;
				break;
			default:
				return bad("payload: unknown escape in %s", d->word);
			}
		}
	} else {
		n = (u_int32_t)strlen(v);
		memcpy(d->payload, v, n);
	}
	d->is.payload = d->payload;
	d->is.plen = n;
	return 0;
}

/* An address with an optional port: A, A:P (IPv4), [A]:P or A (IPv6). */
static int
parse_endpoint(struct desc *d, int family, u_int8_t *addr, u_int16_t *port, int *have_port)
{
	char a[64];
	const char *w = d->word, *colon = NULL, *end;
	size_t n;
	u_int32_t p;

	*have_port = 0;
	if (family == 6 && w[0] == '[') {
		end = strchr(w, ']');
		if (end == NULL)
			return bad("missing ] in %s", w);
		n = (size_t)(end - w - 1);
		if (n >= sizeof(a))
			return bad("bad address %s", w);
		memcpy(a, w + 1, n);
		a[n] = '\0';
		if (end[1] == ':')
			colon = end + 1;
		else if (end[1] != '\0')
			return bad("junk after ] in %s", w);
	} else {
		if (family == 4)
			colon = strchr(w, ':');
		n = colon != NULL ? (size_t)(colon - w) : strlen(w);
		if (n >= sizeof(a))
			return bad("bad address %s", w);
		memcpy(a, w, n);
		a[n] = '\0';
	}
	if (inet_pton(family == 4 ? AF_INET : AF_INET6, a, addr) != 1)
		return bad("not an IPv%d address: %s", family, a);
	if (colon != NULL) {
		if (!number(colon + 1, 65535, &p))
			return bad("bad port in %s", w);
		*port = (u_int16_t)p;
		*have_port = 1;
	}
	return 0;
}

static int
parse_exts(struct desc *d, const char *v)
{
	u_int32_t t;
	char num[16];

	while (*v != '\0') {
		const char *c = strchr(v, ',');
		size_t n = c != NULL ? (size_t)(c - v) : strlen(v);

		if (n == 0 || n >= sizeof(num) || d->is.nexts == MAX_EXTS)
			return bad("bad ext= list %s", d->word);
		memcpy(num, v, n);
		num[n] = '\0';
		if (!number(num, 255, &t) || (t != 0 && t != 43 && t != 60))
			return bad("ext=: only 0, 43 and 60 are built (%s)", d->word);
		d->exts[d->is.nexts++] = (u_int8_t)t;
		v += n;
		if (*v == ',')
			v++;
	}
	d->is.exts = d->exts;
	return 0;
}

static int
parse(struct desc *d)
{
	static const struct {
		const char *name;
		u_int8_t flag;
	} flags[] = {{"fin", TH_FIN}, {"syn", TH_SYN}, {"rst", TH_RST}, {"psh", TH_PUSH},
	    {"ack", TH_ACK}, {"urg", TH_URG}, {"ece", TH_ECE}, {"cwr", TH_CWR}};
	const char *v;
	u_int32_t n;
	unsigned i;
	int r;

	while (next_word(d)) {
		const char *w = d->word;

		if (strcmp(w, "in") == 0 || strcmp(w, "out") == 0) {
			d->dir = w[0] == 'i' ? NKS_DIR_IN : NKS_DIR_OUT;
		} else if (strcmp(w, "eth") == 0) {
			d->eth = 1;
		} else if ((v = value_of(w, "vlan")) != NULL) {
			if (!number(v, 4095, &n) || d->ntags == MAX_TAGS)
				return bad("bad vlan= %s", w);
			d->vids[d->ntags++] = (u_int16_t)n;
			d->eth = 1;
		} else if (strcmp(w, "ipv4") == 0 || strcmp(w, "ip4") == 0 ||
		    strcmp(w, "ipv6") == 0 || strcmp(w, "ip6") == 0) {
			int fam = w[2] == '4' || w[3] == '4' ? 4 : 6, hp;

			if (d->is.family != 0)
				return bad("two IP headers (%s)", w);
			d->is.family = fam;
			if (!next_word(d))
				return bad("%s: source address missing", fam == 4 ? "ipv4" : "ipv6");
			if ((r = parse_endpoint(d, fam, d->src, &d->is.sport, &hp)) != 0)
				return r;
			d->have_sport = hp;
			if (!next_word(d) || strcmp(d->word, ">") != 0)
				return bad("expected '>' after the source address, not \"%s\"", d->word);
			if (!next_word(d))
				return bad("%s", "destination address missing");
			if ((r = parse_endpoint(d, fam, d->dst, &d->is.dport, &hp)) != 0)
				return r;
			d->have_dport = hp;
		} else if (strcmp(w, "tcp") == 0 || strcmp(w, "udp") == 0 ||
		    strcmp(w, "icmp") == 0 || strcmp(w, "icmp6") == 0) {
			if (d->have_proto)
				return bad("two transport protocols (%s)", w);
			d->have_proto = 1;
			d->is.proto = w[0] == 't' ? IPPROTO_TCP : w[0] == 'u' ? IPPROTO_UDP :
			    w[4] == '6' ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
		} else if ((v = value_of(w, "proto")) != NULL) {
			if (!number(v, 255, &n) || d->have_proto)
				return bad("bad proto= %s", w);
			d->have_proto = 1;
			d->is.proto = (u_int8_t)n;
		} else if ((v = value_of(w, "ttl")) != NULL) {
			if (!number(v, 255, &n) || n == 0)
				return bad("bad ttl= %s", w);
			d->is.ttl = (u_int8_t)n;
		} else if ((v = value_of(w, "id")) != NULL) {
			if (!number(v, 65535, &n))
				return bad("bad id= %s", w);
			d->is.ip_id = (u_int16_t)n;
		} else if (strcmp(w, "df") == 0) {
			d->df = 1;
		} else if (strcmp(w, "mf") == 0) {
			d->mf = 1;
		} else if ((v = value_of(w, "frag")) != NULL) {
			if (!number(v, 65528, &n) || n % 8 != 0)
				return bad("frag= needs a multiple of 8 (%s)", w);
			d->frag = n;
		} else if ((v = value_of(w, "opt")) != NULL) {
			if (!number(v, 40, &n) || n % 4 != 0)
				return bad("opt= needs a multiple of 4 up to 40 (%s)", w);
			d->is.optlen = n;
		} else if ((v = value_of(w, "ext")) != NULL) {
			if ((r = parse_exts(d, v)) != 0)
				return r;
		} else if ((v = value_of(w, "seq")) != NULL) {
			if (!number(v, 0xffffffffu, &n))
				return bad("bad seq= %s", w);
			d->is.seq = n;
		} else if ((v = value_of(w, "ack")) != NULL) {
			if (!number(v, 0xffffffffu, &n))
				return bad("bad ack= %s", w);
			d->is.ack = n;
			d->is.tcp_flags |= TH_ACK;
		} else if ((v = value_of(w, "win")) != NULL) {
			if (!number(v, 65535, &n) || n == 0)
				return bad("bad win= %s (1 to 65535)", w);
			d->is.win = (u_int16_t)n;
		} else if ((v = value_of(w, "payload")) != NULL) {
			if ((r = parse_payload(d, v)) != 0)
				return r;
		} else if ((v = value_of(w, "len")) != NULL) {
			if (!number(v, DESC_MAX, &n))
				return bad("bad len= %s", w);
			for (i = 0; i < n; i++)
				d->payload[i] = (u_int8_t)('a' + i % 26);
			d->is.payload = d->payload;
			d->is.plen = n;
		} else {
			for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
				if (strcmp(w, flags[i].name) == 0)
					break;
			if (i == sizeof(flags) / sizeof(flags[0]))
				return bad("unknown word \"%s\"", w);
			d->is.tcp_flags |= flags[i].flag;
		}
	}
	if (d->is.family == 0)
		return bad("%s", "no ipv4/ipv6 word");
	if (d->is.tcp_flags != 0 && d->is.proto != IPPROTO_TCP)
		return bad("%s", "TCP flags without tcp");
	if (d->is.family == 6 && (d->is.optlen != 0 || d->df || d->mf || d->frag != 0))
		return bad("%s", "opt=, df, mf and frag= are IPv4 words");
	if (d->is.family == 4 && d->is.nexts != 0)
		return bad("%s", "ext= is an IPv6 word");
	return 0;
}

static int vbuild(struct nkt_pkt *p, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static int
vbuild(struct nkt_pkt *p, const char *fmt, va_list ap)
{
	static struct desc d; /* large: keep it off the stack */
	char text[DESC_MAX];
	int r, fam, ours;

	p->len = p->l2 = p->l4 = p->dir = 0;
	p->family = 0;
	p->proto = 0;
	pkt_err[0] = '\0';
	if (vsnprintf(text, sizeof(text), fmt, ap) >= (int)sizeof(text))
		return bad("%s", "description too long");
	memset(&d, 0, sizeof(d));
	d.s = text;
	if ((r = parse(&d)) != 0)
		return r;
	fam = d.is.family;
	d.is.src = d.src;
	d.is.dst = d.dst;
	if (!d.have_sport)
		d.is.sport = 40000;
	if (!d.have_dport)
		d.is.dport = d.is.proto == IPPROTO_UDP ? 53 : 80;
	d.is.ip_off = (u_int16_t)((d.df ? 0x4000 : 0) | (d.mf ? 0x2000 : 0) | d.frag / 8);
	if (d.dir == 0) {
		ours = fam == 4 ? memcmp(d.src, nkt_ip4_host, 4) == 0 :
		    memcmp(d.src, nkt_ip6_host, 16) == 0;
		d.dir = ours ? NKS_DIR_OUT : NKS_DIR_IN;
	}
	if (d.eth)
		nkt_pkt_eth(p, d.dir == NKS_DIR_IN, fam == 4 ? 0x0800 : 0x86dd, d.ntags, d.vids);
	if (p->len + 40 + 8 * d.is.nexts + d.is.optlen + 20 + d.is.plen > NKT_PKT_MAX) {
		snprintf(pkt_err, sizeof(pkt_err), "packet larger than NKT_PKT_MAX");
		return EMSGSIZE;
	}
	(void)nkt_pkt_ip(p, &d.is);
	p->dir = (u_int32_t)d.dir;
	if (d.frag != 0)
		p->l4 = 0; /* a later fragment has no transport header */
	return 0;
}

int
nkt_pkt_build(struct nkt_pkt *p, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vbuild(p, fmt, ap);
	va_end(ap);
	return r;
}

void
NKT_pkt_build_or_fail(struct nkt_pkt *p, const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vbuild(p, fmt, ap);
	va_end(ap);
	if (r != 0) {
		snprintf(msg, sizeof(msg), "nkt_pkt_build: %s", pkt_err);
		NKT_fail(msg, file, line);
	}
}
