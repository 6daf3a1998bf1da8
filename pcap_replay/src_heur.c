/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * src_heur.c - directions, local addresses and checksum offload, decided
 * over the look-ahead window (host world).
 *
 * A frame's direction comes, in this order, from the capture itself
 * (pcapng epb_flags, PKTAP flags, SLL packet types: decoded in src_link.c),
 * from the user's --local ADDR (source local: outbound; destination local:
 * inbound) and --local-mac MAC (likewise by Ethernet address), then from
 * the heuristic's local addresses and MACs; a frame with neither endpoint
 * local is inbound (the kernel counts it as not for this host).
 *
 * The heuristic runs per interface, and per IP family the user named no
 * address of:
 *  - if the capture marks some frames outbound, their unicast source
 *    addresses are the local ones; else the unicast destinations of frames
 *    it marks inbound; else the sources of frames from a --local-mac;
 *  - otherwise a flow is an unordered pair of unicast addresses, and the
 *    local address is the one present in every flow of the window (or, if
 *    none is, in the most flows).  When several qualify (one flow has two
 *    addresses), the sender of the first TCP SYN without ACK among them is
 *    local, else the sender of the first packet.
 * The local MAC of each Ethernet interface, unless --local-mac: the pcapng
 * if_MACaddr, else the source MAC of frames the capture marks outbound,
 * else the source MAC of the first frame sent from a local address, else
 * the same every-pair rule over unicast MAC pairs.
 *
 * Checksum offload (so_offload -1): a sender whose network card computes
 * checksums hands the card IPv4 headers with a zero checksum and TCP/UDP
 * headers holding only the pseudo-header sum, and that is what a capture
 * taken on it records.  When more than half of the window's outbound IPv4
 * headers have a zero or wrong checksum, the interface gets
 * NKS_OFFLOAD_IPV4_HDR; when more than half of the complete outbound TCP
 * and UDP segments hold the pseudo-header sum or a wrong checksum, it gets
 * NKS_OFFLOAD_TCPUDP, so the simulated stack leaves them as captured.
 */
#include <stdlib.h>
#include <string.h>

#include "nkr_priv.h"

#define MAX_ORDER 16 /* SYN / first-packet senders remembered */

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int
is_vlan(uint16_t et)
{
	return et == 0x8100 || et == 0x88a8 || et == 0x9100 || et == 0x9200;
}

/*
 * The first part of nkr__parse, all that nkr__direction needs: p_smac,
 * p_dmac, p_ethertype, p_family, p_src and p_dst (p_family 0 if the frame
 * holds no IP header that nkr__parse accepts; nothing else of p set).
 * Returns the IP header's offset in d.
 */
static inline uint32_t
parse_addrs(uint32_t iftype, uint32_t family, const uint8_t *d, uint32_t cap, struct nkr__pkt *p)
{
	const uint8_t *ip;
	uint32_t off = 0, ipcap, hl, n;
	uint16_t et;

	p->p_smac = p->p_dmac = NULL;
	p->p_ethertype = 0;
	p->p_family = 0;
	p->p_src = p->p_dst = NULL;
	if (iftype == NKS_IFT_ETHER) {
		if (cap < 14)
			return 0;
		p->p_dmac = d;
		p->p_smac = d + 6;
		et = be16(d + 12);
		off = 14;
		for (n = 0; is_vlan(et) && n < 8; n++) {
			if (cap < off + 4)
				return 0;
			et = be16(d + off + 2);
			off += 4;
		}
		p->p_ethertype = et;
		if (et == 0x0800)
			family = NKS_FAMILY_INET;
		else if (et == 0x86dd)
			family = NKS_FAMILY_INET6;
		else
			return 0;
	}
	ip = d + off;
	ipcap = cap - off;
	if (family == NKS_FAMILY_INET) {
		if (ipcap < 20 || ip[0] >> 4 != 4)
			return 0;
		hl = (uint32_t)(ip[0] & 0x0f) * 4;
		if (hl < 20 || hl > ipcap)
			return 0;
		p->p_family = NKS_FAMILY_INET;
		p->p_src = ip + 12;
		p->p_dst = ip + 16;
	} else if (family == NKS_FAMILY_INET6) {
		if (ipcap < 40 || ip[0] >> 4 != 6)
			return 0;
		p->p_family = NKS_FAMILY_INET6;
		p->p_src = ip + 8;
		p->p_dst = ip + 24;
	}
	return off;
}

void
nkr__parse(uint32_t iftype, uint32_t family, const uint8_t *d, uint32_t cap, struct nkr__pkt *p)
{
	const uint8_t *ip;
	uint32_t off, ipcap, hl, o, elen, n;
	uint8_t nh;

	memset(p, 0, sizeof(*p));
	off = parse_addrs(iftype, family, d, cap, p);
	family = p->p_family;
	if (family == 0)
		return;
	ip = d + off;
	ipcap = cap - off;
	if (family == NKS_FAMILY_INET) {
		hl = (uint32_t)(ip[0] & 0x0f) * 4; /* checked by parse_addrs */
		p->p_iphlen = hl;
		p->p_iplen = be16(ip + 2);
		p->p_proto = ip[9];
		p->p_frag = (be16(ip + 6) & 0x3fff) != 0;
		o = hl;
	} else {
		p->p_iplen = 40u + be16(ip + 4);
		nh = ip[6];
		o = 40;
		for (n = 0; n < 8; n++) {
			if (nh == 0 || nh == 43 || nh == 60 || nh == 51) {
				if (ipcap < o + 8)
					break;
				elen = nh == 51 ? ((uint32_t)ip[o + 1] + 2) * 4
				                : ((uint32_t)ip[o + 1] + 1) * 8;
				nh = ip[o];
				o += elen;
			} else if (nh == 44) {
				p->p_frag = 1;
				if (ipcap >= o + 8)
					nh = ip[o];
				o += 8;
				break;
			} else {
				break;
			}
		}
		p->p_proto = nh;
		if (be16(ip + 4) == 0)
			p->p_frag = 1; /* a jumbogram: no lengths to trust */
	}
	p->p_ip = ip;
	p->p_ipcap = ipcap;
	if (o <= ipcap) {
		p->p_l4 = ip + o;
		p->p_l4cap = ipcap - o;
		p->p_l4len = p->p_iplen >= o ? p->p_iplen - o : 0;
	}
	if (p->p_proto == 6 && !p->p_frag && p->p_l4 != NULL && p->p_l4cap >= 14)
		p->p_syn = (p->p_l4[13] & 0x12) == 0x02;
}

int
nkr__addr_unicast(uint32_t family, const uint8_t *a)
{
	static const uint8_t zero[16];

	if (family == NKS_FAMILY_INET)
		return memcmp(a, zero, 4) != 0 && a[0] < 224;
	return memcmp(a, zero, 16) != 0 && a[0] != 0xff;
}

static size_t
alen(uint32_t family)
{
	return family == NKS_FAMILY_INET ? 4 : 16;
}

void
nkr__local_added(struct nkr_source *src)
{
	const struct nkr__local *lo = &src->sr_locals[src->sr_nlocals - 1];
	struct nkr__ltab *t = &src->sr_ltab[src->sr_nlocals <= src->sr_nopt_locals ? 0 : 1];

	if (lo->lo_family == NKS_FAMILY_INET)
		memcpy(&t->lt_a4[t->lt_n4++], lo->lo_addr, 4);
	else
		memcpy(t->lt_a6[t->lt_n6++], lo->lo_addr, 16);
}

static int
mac_unicast(const uint8_t *m)
{
	static const uint8_t zero[6];

	return (m[0] & 1) == 0 && memcmp(m, zero, 6) != 0;
}

static int
opt_mac(const struct nkr_source *src, const uint8_t *m)
{
	unsigned i;

	for (i = 0; i < src->sr_nopt_macs; i++) {
		if (memcmp(m, src->sr_opt_macs[i], 6) == 0)
			return 1;
	}
	return 0;
}

uint32_t
nkr__direction(const struct nkr_source *src, const struct nkr__dec *d, int *rule)
{
	const struct nkr__sif *s = src->sr_sifs[d->d_srcif];
	uint32_t iftype = s->s_pub.si_spec.is_type;
	struct nkr__pkt p;

	if (d->d_dir != 0) {
		*rule = d->d_rule;
		return d->d_dir;
	}
	/* Addresses and MACs are all it looks at: not the whole nkr__parse. */
	parse_addrs(iftype, d->d_family, d->d_data, d->d_caplen, &p);
	*rule = NKR_RULE_OPT;
	if (p.p_family != 0) {
		if (nkr__is_local(src, p.p_family, p.p_src, 1))
			return NKS_DIR_OUT;
		if (nkr__is_local(src, p.p_family, p.p_dst, 1))
			return NKS_DIR_IN;
	}
	if (p.p_smac != NULL) {
		if (opt_mac(src, p.p_smac))
			return NKS_DIR_OUT;
		if (opt_mac(src, p.p_dmac))
			return NKS_DIR_IN;
	}
	*rule = NKR_RULE_HEUR;
	if (p.p_family != 0) {
		if (nkr__is_local(src, p.p_family, p.p_src, 0))
			return NKS_DIR_OUT;
		if (nkr__is_local(src, p.p_family, p.p_dst, 0))
			return NKS_DIR_IN;
	}
	if (p.p_smac != NULL && s->s_mac_how != 0 && s->s_mac_how != NKR_HOW_OPT) {
		if (memcmp(p.p_smac, s->s_mac, 6) == 0)
			return NKS_DIR_OUT;
		if (memcmp(p.p_dmac, s->s_mac, 6) == 0)
			return NKS_DIR_IN;
	}
	*rule = NKR_RULE_NEITHER;
	return NKS_DIR_IN;
}

/* ---- Flow bookkeeping ---- */

struct pair {
	uint32_t pr_key; /* family, or the interface for MAC pairs */
	uint8_t pr_a[16], pr_b[16];
};

struct pairs {
	struct pair *p;
	size_t n, cap;
	int oom;
	int sorted;
};

static void
pair_add(struct pairs *ps, uint32_t key, const uint8_t *a, const uint8_t *b, size_t len)
{
	struct pair *n, *pr;
	size_t cap;

	if (ps->n == ps->cap) {
		cap = ps->cap != 0 ? ps->cap * 2 : 64;
		n = realloc(ps->p, cap * sizeof(*n));
		if (n == NULL) {
			ps->oom = 1;
			return;
		}
		ps->p = n;
		ps->cap = cap;
	}
	pr = &ps->p[ps->n++];
	memset(pr, 0, sizeof(*pr));
	pr->pr_key = key;
	if (memcmp(a, b, len) > 0) {
		const uint8_t *t = a;
		a = b;
		b = t;
	}
	memcpy(pr->pr_a, a, len);
	memcpy(pr->pr_b, b, len);
}

static int
pair_cmp(const void *x, const void *y)
{
	const struct pair *a = x, *b = y;
	int c;

	if (a->pr_key != b->pr_key)
		return a->pr_key < b->pr_key ? -1 : 1;
	c = memcmp(a->pr_a, b->pr_a, 16);
	return c != 0 ? c : memcmp(a->pr_b, b->pr_b, 16);
}

/* Addresses in order of first appearance, at most MAX_ORDER. */
struct order {
	uint8_t o_a[MAX_ORDER][16];
	unsigned o_n;
};

static void
order_add(struct order *o, const uint8_t *a, size_t len)
{
	unsigned i;

	for (i = 0; i < o->o_n; i++) {
		if (memcmp(o->o_a[i], a, len) == 0)
			return;
	}
	if (o->o_n < MAX_ORDER) {
		memset(o->o_a[o->o_n], 0, 16);
		memcpy(o->o_a[o->o_n++], a, len);
	}
}

struct choice {
	uint8_t c_addr[16];
	int c_how, c_tie;
	uint32_t c_n, c_tot;
};

struct cand {
	uint8_t a[16];
	uint32_t n;
};

static int
cand_cmp(const void *x, const void *y)
{
	return memcmp(((const struct cand *)x)->a, ((const struct cand *)y)->a, 16);
}

/*
 * Over the sorted pairs [p, p + n) (one key, duplicates allowed): the
 * address in the most distinct pairs, ties broken by the SYN senders, then
 * the first-packet senders.  0 if there are no pairs.
 */
static int
choose(const struct pair *p, size_t n, size_t len, const struct order *syn,
       const struct order *first, struct choice *ch)
{
	struct cand *c;
	size_t i, nc = 0, nu = 0, j, best = 0, nbest = 0;
	unsigned k;
	int found = 0;

	if (n == 0)
		return 0;
	c = calloc(n * 2, sizeof(*c));
	if (c == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		if (i > 0 && pair_cmp(&p[i - 1], &p[i]) == 0)
			continue;
		nu++;
		memcpy(c[nc++].a, p[i].pr_a, 16);
		if (memcmp(p[i].pr_a, p[i].pr_b, 16) != 0)
			memcpy(c[nc++].a, p[i].pr_b, 16);
	}
	qsort(c, nc, sizeof(*c), cand_cmp);
	/* Collapse runs into counts. */
	for (i = 0, j = 0; i < nc; i++) {
		if (j > 0 && memcmp(c[j - 1].a, c[i].a, 16) == 0) {
			c[j - 1].n++;
			continue;
		}
		c[j] = c[i];
		c[j].n = 1;
		j++;
	}
	nc = j;
	for (i = 0; i < nc; i++) {
		if (c[i].n > best) {
			best = c[i].n;
			nbest = 0;
		}
		if (c[i].n == best)
			nbest++;
	}
	memset(ch, 0, sizeof(*ch));
	ch->c_n = (uint32_t)best;
	ch->c_tot = (uint32_t)nu;
	ch->c_how = best == nu ? NKR_HOW_EVERY : NKR_HOW_MOST;
	for (i = 0; i < nc && !found; i++) {
		if (c[i].n == best && nbest == 1) {
			memcpy(ch->c_addr, c[i].a, 16);
			found = 1;
		}
	}
	for (k = 0; k < syn->o_n && !found; k++) {
		for (i = 0; i < nc && !found; i++) {
			if (c[i].n == best && memcmp(c[i].a, syn->o_a[k], len) == 0) {
				memcpy(ch->c_addr, c[i].a, 16);
				ch->c_tie = NKR_TIE_SYN;
				found = 1;
			}
		}
	}
	for (k = 0; k < first->o_n && !found; k++) {
		for (i = 0; i < nc && !found; i++) {
			if (c[i].n == best && memcmp(c[i].a, first->o_a[k], len) == 0) {
				memcpy(ch->c_addr, c[i].a, 16);
				ch->c_tie = NKR_TIE_FIRST;
				found = 1;
			}
		}
	}
	for (i = 0; i < nc && !found; i++) {
		if (c[i].n == best) {
			memcpy(ch->c_addr, c[i].a, 16);
			found = 1;
		}
	}
	free(c);
	return found;
}

/* ---- The analysis ---- */

/* What pass 1 saw on one interface: per family (IPv4, IPv6) and MACs. */
struct sifstate {
	struct order f_out[2];    /* unicast sources of frames marked outbound */
	struct order f_macout[2]; /* ... of frames from a --local-mac */
	struct order f_in[2];     /* unicast destinations of frames marked inbound */
	struct order f_syn[2];
	struct order f_first[2];
	int m_have_out;
	uint8_t m_out[6];
	struct order m_syn;
	struct order m_first;
};

static struct nkr__rec
went_rec(const struct nkr_source *src, const struct nkr__went *w)
{
	struct nkr__rec r = w->we_rec;

	r.r_data = nkr__went_data(src, w);
	return r;
}

static void
add_local(struct nkr_source *src, int sif, uint32_t family, const uint8_t *a, int how, int tie,
          uint32_t n, uint32_t tot)
{
	struct nkr__local *lo;

	if (src->sr_nlocals >= sizeof(src->sr_locals) / sizeof(src->sr_locals[0]))
		return;
	lo = &src->sr_locals[src->sr_nlocals++];
	memset(lo, 0, sizeof(*lo));
	lo->lo_srcif = sif;
	lo->lo_family = family;
	memcpy(lo->lo_addr, a, alen(family));
	lo->lo_how = how;
	lo->lo_tie = tie;
	lo->lo_nflows = n;
	lo->lo_totflows = tot;
	nkr__local_added(src);
}

static int
loopback_addr(uint32_t family, const uint8_t *a)
{
	static const uint8_t one6[16] = {[15] = 1};

	if (family == NKS_FAMILY_INET)
		return a[0] == 127;
	return memcmp(a, one6, 16) == 0;
}

/* Give interface s the address a (once, at most NKR_MAX_LOCAL). */
static void
sif_addaddr(struct nkr__sif *s, uint32_t family, const uint8_t *a)
{
	struct nks_ifspec *sp = &s->s_pub.si_spec;
	struct nks_ifaddr *ia;
	unsigned i;

	if (loopback_addr(family, a))
		return; /* the kernel's lo0 has them */
	for (i = 0; i < sp->is_naddrs; i++) {
		ia = &s->s_pub.si_addrs[i];
		if (ia->ia_family == family && memcmp(ia->ia_addr, a, alen(family)) == 0)
			return;
	}
	if (sp->is_naddrs >= NKR_MAX_LOCAL)
		return;
	ia = &s->s_pub.si_addrs[sp->is_naddrs++];
	memset(ia, 0, sizeof(*ia));
	ia->ia_family = family;
	ia->ia_prefixlen = family == NKS_FAMILY_INET ? 24 : 64;
	memcpy(ia->ia_addr, a, alen(family));
}

static uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * One's-complement sum of len bytes as big-endian words, added to sum
 * (partly folded: callers fold).  Read four bytes at a time in the host's
 * order and the folded result swapped (RFC 1071): the look-ahead checks the
 * checksums of thousands of packets.
 */
static uint32_t
csum_add(uint32_t sum, const uint8_t *p, uint32_t len)
{
	uint64_t s = 0;
	uint32_t n = len & ~1u, w;
	uint16_t h;
	const uint8_t *q = p;

	for (; n >= 4; n -= 4, q += 4) {
		memcpy(&w, q, 4);
		s += w;
	}
	if (n >= 2) {
		memcpy(&h, q, 2);
		s += h;
	}
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	s = (s >> 8 | s << 8) & 0xffff;
#endif
	sum += (uint32_t)s;
	sum = (sum & 0xffff) + (sum >> 16);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint32_t
pseudo_sum(const struct nkr__pkt *p)
{
	uint32_t sum = 0;
	size_t l = alen(p->p_family);

	sum = csum_add(sum, p->p_src, (uint32_t)l);
	sum = csum_add(sum, p->p_dst, (uint32_t)l);
	sum += p->p_proto;
	sum += p->p_l4len >> 16;
	sum += p->p_l4len & 0xffff;
	return sum;
}

/* Offload evidence from one outbound frame. */
static void
offload_evidence(struct nkr__sif *s, const struct nkr__pkt *p)
{
	uint32_t fieldoff, minlen, sum;
	uint16_t field;

	if (p->p_family == NKS_FAMILY_INET) {
		s->s_ip4_checked++;
		if (be16(p->p_ip + 10) == 0 ||
		    csum_fold(csum_add(0, p->p_ip, p->p_iphlen)) != 0xffff)
			s->s_ip4_bad++;
	}
	if (p->p_frag || p->p_l4 == NULL)
		return;
	if (p->p_proto == 6) {
		fieldoff = 16;
		minlen = 20;
	} else if (p->p_proto == 17) {
		fieldoff = 6;
		minlen = 8;
	} else {
		return;
	}
	if (p->p_l4len < minlen || p->p_l4cap < p->p_l4len)
		return; /* not all there: nothing to check */
	field = be16(p->p_l4 + fieldoff);
	if (p->p_proto == 17 && p->p_family == NKS_FAMILY_INET && field == 0)
		return; /* UDP over IPv4 without a checksum */
	s->s_l4_checked++;
	sum = csum_add(pseudo_sum(p), p->p_l4, p->p_l4len);
	if (csum_fold(sum) == 0xffff)
		return;
	if (field == csum_fold(pseudo_sum(p)))
		s->s_l4_pseudo++;
	else
		s->s_l4_bad++;
}

/* Pair range [*i, *j) of key in the sorted pairs. */
static void
pair_range(struct pairs *ps, uint32_t key, size_t *i, size_t *j)
{
	/* Sorted when first needed: --local and known MACs need no pairs. */
	if (!ps->sorted && ps->n != 0)
		qsort(ps->p, ps->n, sizeof(*ps->p), pair_cmp);
	ps->sorted = 1;
	for (*i = 0; *i < ps->n && ps->p[*i].pr_key != key; (*i)++)
		;
	for (*j = *i; *j < ps->n && ps->p[*j].pr_key == key; (*j)++)
		;
}

static int
is_any_local(const struct nkr_source *src, uint32_t family, const uint8_t *a)
{
	return nkr__is_local(src, family, a, 1) || nkr__is_local(src, family, a, 0);
}

int
nkr__analyse(struct nkr_source *src)
{
	struct sifstate **ss;
	struct pairs ip = {0}, mac = {0};
	struct nkr__went *w;
	struct nkr__rec r;
	struct nkr__dec d;
	struct nkr__pkt p;
	struct nkr__sif *s;
	struct nkr__capif *ci;
	struct sifstate *st;
	struct choice ch;
	size_t i, j, k, len;
	unsigned fi, si, lo;
	uint32_t fam, dir, off, l3;
	int rule, placed, rc = -1, *done;

	ss = calloc(NKR_MAX_SRCIFS, sizeof(*ss));
	done = calloc(NKR_MAX_SRCIFS, sizeof(*done));
	if (ss == NULL || done == NULL)
		goto out;

	/* SLL captures: the MACs their Ethernet headers get. */
	for (i = 0; i < src->sr_nwin; i++) {
		r = went_rec(src, &src->sr_win[i]);
		nkr__sll_learn(src, &r);
	}

	/* Pass 1, per interface: flows, SYN and first-packet senders, the
	   sources of frames the capture marks outbound. */
	for (i = 0; i < src->sr_nwin; i++) {
		w = &src->sr_win[i];
		r = went_rec(src, w);
		if (!nkr__decode(src, &r, &d, 0)) {
			w->we_skip = 1;
			continue;
		}
		s = src->sr_sifs[d.d_srcif];
		if (ss[d.d_srcif] == NULL && (ss[d.d_srcif] = calloc(1, sizeof(**ss))) == NULL)
			goto out;
		st = ss[d.d_srcif];
		nkr__parse(s->s_pub.si_spec.is_type, d.d_family, d.d_data, d.d_caplen, &p);
		if (p.p_smac != NULL && mac_unicast(p.p_smac)) {
			if (d.d_dir == NKS_DIR_OUT && !st->m_have_out) {
				memcpy(st->m_out, p.p_smac, 6);
				st->m_have_out = 1;
			}
			if (mac_unicast(p.p_dmac))
				pair_add(&mac, d.d_srcif, p.p_smac, p.p_dmac, 6);
			order_add(&st->m_first, p.p_smac, 6);
			if (p.p_syn)
				order_add(&st->m_syn, p.p_smac, 6);
		}
		if (p.p_family == 0 || !nkr__addr_unicast(p.p_family, p.p_src))
			continue;
		fi = p.p_family == NKS_FAMILY_INET ? 0 : 1;
		if (src->sr_opt_family[fi])
			continue; /* --local decided this family's locals: nothing to learn */
		len = alen(p.p_family);
		if (d.d_dir == NKS_DIR_OUT)
			order_add(&st->f_out[fi], p.p_src, len);
		else if (d.d_dir == 0 && p.p_smac != NULL && opt_mac(src, p.p_smac))
			order_add(&st->f_macout[fi], p.p_src, len);
		if (d.d_dir == NKS_DIR_IN && nkr__addr_unicast(p.p_family, p.p_dst))
			order_add(&st->f_in[fi], p.p_dst, len);
		order_add(&st->f_first[fi], p.p_src, len);
		if (p.p_syn)
			order_add(&st->f_syn[fi], p.p_src, len);
		if (nkr__addr_unicast(p.p_family, p.p_dst))
			pair_add(&ip, d.d_srcif * 8 + p.p_family, p.p_src, p.p_dst, len);
	}
	if (ip.oom || mac.oom)
		goto out;

	/* Local addresses, per interface and per family the options leave
	   open. */
	for (si = 0; si < src->sr_nsifs; si++) {
		if ((st = ss[si]) == NULL)
			continue;
		for (fi = 0; fi < 2; fi++) {
			fam = fi == 0 ? NKS_FAMILY_INET : NKS_FAMILY_INET6;
			len = alen(fam);
			if (src->sr_opt_family[fi])
				continue;
			if (st->f_out[fi].o_n != 0) {
				for (k = 0; k < st->f_out[fi].o_n && k < NKR_MAX_LOCAL; k++)
					add_local(src, (int)si, fam, st->f_out[fi].o_a[k],
					          NKR_HOW_OUTBOUND, 0, 0, 0);
				continue;
			}
			if (st->f_in[fi].o_n != 0) {
				for (k = 0; k < st->f_in[fi].o_n && k < NKR_MAX_LOCAL; k++)
					add_local(src, (int)si, fam, st->f_in[fi].o_a[k],
					          NKR_HOW_INBOUND, 0, 0, 0);
				continue;
			}
			if (st->f_macout[fi].o_n != 0) {
				for (k = 0; k < st->f_macout[fi].o_n && k < NKR_MAX_LOCAL; k++)
					add_local(src, (int)si, fam, st->f_macout[fi].o_a[k],
					          NKR_HOW_FROMMAC, 0, 0, 0);
				continue;
			}
			pair_range(&ip, si * 8 + fam, &i, &j);
			if (choose(j > i ? ip.p + i : NULL, j - i, len, &st->f_syn[fi],
			           &st->f_first[fi], &ch))
				add_local(src, (int)si, fam, ch.c_addr, ch.c_how, ch.c_tie, ch.c_n,
				          ch.c_tot);
			else if (st->f_first[fi].o_n != 0) /* no flow between unicast ones */
				add_local(src, (int)si, fam, st->f_first[fi].o_a[0], NKR_HOW_MOST,
				          NKR_TIE_FIRST, 0, 0);
		}
	}

	/* MACs known without looking at addresses. */
	for (si = 0; si < src->sr_nsifs; si++) {
		s = src->sr_sifs[si];
		if (s->s_pub.si_spec.is_type != NKS_IFT_ETHER || s->s_mac_how == NKR_HOW_OPT) {
			done[si] = 1;
			continue;
		}
		for (k = 0; k < src->sr_ncapifs && !done[si]; k++) {
			ci = &src->sr_capifs[k];
			if (ci->ci_srcif != (int)si)
				continue;
			if (ci->ci_linktype == NKR_LT_LINUX_SLL ||
			    ci->ci_linktype == NKR_LT_LINUX_SLL2) {
				/* Its frames' MACs are ours: see decode_sll. */
				memcpy(s->s_mac, ci->ci_sll_local, 6);
				s->s_mac_how = (ci->ci_sll_learned & 1) ? NKR_HOW_OUTBOUND : 0;
				done[si] = 1;
			} else if (ci->ci_has_mac && mac_unicast(ci->ci_mac)) {
				memcpy(s->s_mac, ci->ci_mac, 6);
				s->s_mac_how = NKR_HOW_IDB;
				done[si] = 1;
			}
		}
		if (!done[si] && ss[si] != NULL && ss[si]->m_have_out) {
			memcpy(s->s_mac, ss[si]->m_out, 6);
			s->s_mac_how = NKR_HOW_OUTBOUND;
			done[si] = 1;
		}
	}

	/* Pass 2: the MAC that frames from a local address leave from. */
	for (i = 0; i < src->sr_nwin; i++) {
		w = &src->sr_win[i];
		if (w->we_skip)
			continue;
		r = went_rec(src, w);
		if (!nkr__decode(src, &r, &d, 0) || done[d.d_srcif])
			continue;
		s = src->sr_sifs[d.d_srcif];
		nkr__parse(NKS_IFT_ETHER, 0, d.d_data, d.d_caplen, &p);
		if (p.p_family != 0 && mac_unicast(p.p_smac) &&
		    is_any_local(src, p.p_family, p.p_src)) {
			memcpy(s->s_mac, p.p_smac, 6);
			s->s_mac_how = NKR_HOW_FROMIP;
			done[d.d_srcif] = 1;
		}
	}
	/* Still unknown: the MAC in most MAC pairs. */
	for (si = 0; si < src->sr_nsifs; si++) {
		s = src->sr_sifs[si];
		if (done[si] || ss[si] == NULL)
			continue;
		pair_range(&mac, si, &i, &j);
		if (choose(j > i ? mac.p + i : NULL, j - i, 6, &ss[si]->m_syn, &ss[si]->m_first,
		           &ch)) {
			memcpy(s->s_mac, ch.c_addr, 6);
			s->s_mac_how = ch.c_how;
			s->s_mac_tie = ch.c_tie;
		}
	}

	/* Pass 3: every window frame's direction, offload evidence, the
	   interfaces' addresses and MTUs. */
	for (i = 0; i < src->sr_nwin; i++) {
		w = &src->sr_win[i];
		if (w->we_skip)
			continue;
		r = went_rec(src, w);
		if (!nkr__decode(src, &r, &d, 0))
			continue;
		dir = nkr__direction(src, &d, &rule);
		w->we_dir = dir;
		w->we_rule = rule;
		src->sr_rule_count[rule]++;
		s = src->sr_sifs[d.d_srcif];
		nkr__parse(s->s_pub.si_spec.is_type, d.d_family, d.d_data, d.d_caplen, &p);
		if (p.p_family == 0)
			continue;
		if (dir == NKS_DIR_OUT) {
			offload_evidence(s, &p);
			if (nkr__addr_unicast(p.p_family, p.p_src))
				sif_addaddr(s, p.p_family, p.p_src);
		} else if (is_any_local(src, p.p_family, p.p_dst)) {
			sif_addaddr(s, p.p_family, p.p_dst);
			if (s->s_pub.si_spec.is_type == NKS_IFT_ETHER && p.p_dmac != NULL &&
			    mac_unicast(p.p_dmac) && nkr__addr_unicast(p.p_family, p.p_dst)) {
				s->s_in_local++;
				if (memcmp(p.p_dmac, s->s_mac, 6) != 0)
					s->s_in_othermac++;
			}
		}
		off = (uint32_t)(p.p_ip - d.d_data);
		l3 = p.p_iplen;
		if (l3 + off <= d.d_wirelen && l3 > s->s_max_l3)
			s->s_max_l3 = l3;
	}

	/* Locals seen on no interface (--local ones absent from the window):
	   the first interface but lo0 gets them. */
	for (lo = 0; lo < src->sr_nlocals; lo++) {
		placed = loopback_addr(src->sr_locals[lo].lo_family, src->sr_locals[lo].lo_addr);
		for (si = 0; si < src->sr_nsifs && !placed; si++) {
			s = src->sr_sifs[si];
			for (k = 0; k < s->s_pub.si_spec.is_naddrs; k++) {
				if (s->s_pub.si_addrs[k].ia_family ==
				        src->sr_locals[lo].lo_family &&
				    memcmp(s->s_pub.si_addrs[k].ia_addr, src->sr_locals[lo].lo_addr,
				           alen(src->sr_locals[lo].lo_family)) == 0)
					placed = 1;
			}
		}
		for (si = 0; si < src->sr_nsifs && !placed; si++) {
			s = src->sr_sifs[si];
			if (s->s_pub.si_spec.is_type == NKS_IFT_LOOPBACK && si + 1 < src->sr_nsifs)
				continue;
			sif_addaddr(s, src->sr_locals[lo].lo_family, src->sr_locals[lo].lo_addr);
			placed = 1;
		}
	}

	/* Offload and the rest of each interface's spec. */
	for (si = 0; si < src->sr_nsifs; si++) {
		s = src->sr_sifs[si];
		if (s->s_ip4_bad != 0 && s->s_ip4_bad * 2 > s->s_ip4_checked)
			s->s_offload_detected |= NKS_OFFLOAD_IPV4_HDR;
		if (s->s_l4_pseudo + s->s_l4_bad != 0 &&
		    (s->s_l4_pseudo + s->s_l4_bad) * 2 > s->s_l4_checked)
			s->s_offload_detected |= NKS_OFFLOAD_TCPUDP;
		if (src->sr_opts.so_offload == -1) {
			s->s_pub.si_spec.is_offload = s->s_offload_detected;
			src->sr_offload_all |= s->s_offload_detected;
		}
		if (s->s_pub.si_spec.is_type == NKS_IFT_ETHER)
			memcpy(s->s_pub.si_spec.is_lladdr, s->s_mac, 6);
		/*
		 * Frames for our addresses that were addressed to another MAC:
		 * the capture was taken off the host (a tap, a router port), and
		 * the host would never have received them.  Replaying is the
		 * point, so the interface takes them (unless the user named the
		 * host's MAC, which then means what it says).
		 */
		if (s->s_in_othermac != 0 && s->s_mac_how != NKR_HOW_OPT)
			s->s_pub.si_spec.is_flags |= NKS_IFSPEC_ANYMAC;
		if (s->s_pub.si_spec.is_type != NKS_IFT_LOOPBACK && s->s_max_l3 > 1500)
			s->s_pub.si_spec.is_mtu = s->s_max_l3 <= 65535 ? s->s_max_l3 : 65535;
	}
	rc = 0;
out:
	if (ss != NULL) {
		for (si = 0; si < NKR_MAX_SRCIFS; si++)
			free(ss[si]);
	}
	free(ss);
	free(done);
	free(ip.p);
	free(mac.p);
	if (rc < 0)
		return nkr__err(src, "out of memory analysing the look-ahead window");
	return 0;
}
