/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * source.c - the capture source: opening a capture, the look-ahead window,
 * streaming records, direction decisions and summaries (host world).
 *
 * Classic pcap is read through libpcap.  pcapng is read by nkesim's own
 * block reader (src_pcapng.c), because libpcap's API hides what the
 * simulated host needs from a pcapng file: which interface each packet
 * came from (libpcap only accepts sections whose interfaces all share one
 * link type, and drops the interface id), the interface names, epb_flags
 * directions, and captures mixing link types.  Both end in the same raw
 * record (struct nkr__rec), decoded per link type in src_link.c.
 *
 * "-" is stdin.  The first bytes are peeked to tell the formats apart; for
 * classic pcap libpcap then gets a FILE* that replays the peeked bytes
 * before the rest of the stream (fopencookie on glibc, funopen on the BSDs
 * and macOS).  This keeps libpcap as the only classic-pcap parser (its
 * quirk handling: swapped and nanosecond magics, the modified Kuznetzov
 * format, link-type remapping, caplen sanity) instead of a second one of
 * ours; regular files are simply reopened by path.
 *
 * Memory is bounded by the look-ahead window: the first records (by default
 * 10000 or 64 MiB, whichever comes first) are kept to run the heuristics,
 * then the rest streams through buffers that only ever grow to the largest
 * record seen.
 *
 * Classic pcap is read ahead on a thread of its own when there is a second
 * CPU (--read-thread, so_read_thread): it calls pcap_next_ex and copies each
 * record into a bounded ring (src_ring.c), so the read(2) copies of the
 * capture overlap with the simulation instead of adding to it.  Once open
 * analysed the window (sr_analysed, set with release after nkr__analyse,
 * read with acquire by the thread), the thread also decodes each record and
 * decides its direction, into the record's slot (struct nkr__rpre), for
 * the link types whose decoding touches nothing but the record
 * (nkr__decode_pure: not SLL, not PKTAP): what both read is settled by
 * then and never written again.  With the verdict log (so_hash_hints) it
 * also hashes each decoded frame's IP packet and TCP or UDP payload, beside
 * the record (the ring's aux bytes), for the frame's fr_hints.  Everything
 * with a side effect stays on the caller's thread, in record order: record
 * numbers, the rule counts, the window, messages, and records that were not
 * decoded there (read before the analysis, or skipped: decoded again to
 * note why).  The thread ends
 * the ring with what ended the reading (end of file, libpcap's error, the
 * stdin stream's errno), turned into the same message at the same record.
 * Off for streams unless asked for (a pipe's read can wait for its writer,
 * and a run that stops early waits for the thread).  pcapng stays
 * synchronous: its block reader adds interfaces as it reads them, which the
 * caller's thread owns.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* fopencookie */
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#if defined(__linux__)
#include <sched.h>
#endif

#include "nke_hash.h"
#include "nkr_priv.h"

int
nkr__err(struct nkr_source *src, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(src->sr_err.e_msg, sizeof(src->sr_err.e_msg), "%s: ", src->sr_name);
	if (n < 0 || (size_t)n >= sizeof(src->sr_err.e_msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(src->sr_err.e_msg + n, sizeof(src->sr_err.e_msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

void
nkr__skip(struct nkr_source *src, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(src->sr_skip_buf, sizeof(src->sr_skip_buf), fmt, ap);
	va_end(ap);
	src->sr_skip_reason = src->sr_skip_buf;
}

size_t
nkr__in_read(struct nkr__in *in, void *buf, size_t n)
{
	uint8_t *b = buf;
	size_t got = 0, k;

	if (in->in_peekpos < in->in_npeek) {
		k = in->in_npeek - in->in_peekpos;
		if (k > n)
			k = n;
		memcpy(b, in->in_peek + in->in_peekpos, k);
		in->in_peekpos += k;
		got = k;
	}
	if (got < n && in->in_fp != NULL) {
		k = fread(b + got, 1, n - got, in->in_fp);
		if (k < n - got && ferror(in->in_fp) && in->in_errno == 0)
			in->in_errno = errno != 0 ? errno : EIO;
		got += k;
	}
	in->in_off += got;
	return got;
}

uint8_t *
nkr__scratch(struct nkr_source *src, size_t n)
{
	uint8_t *p;
	size_t cap;

	if (n <= src->sr_scratchcap)
		return src->sr_scratch;
	cap = src->sr_scratchcap != 0 ? src->sr_scratchcap : 2048;
	while (cap < n)
		cap *= 2;
	p = realloc(src->sr_scratch, cap);
	if (p == NULL)
		return NULL;
	src->sr_scratch = p;
	src->sr_scratchcap = cap;
	return p;
}

/* ---- Streams replaying the peeked bytes (classic pcap from a pipe) ---- */

static int
cookie_close(void *c)
{
	struct nkr__in *in = c;

	if (in->in_fp != NULL && in->in_own)
		fclose(in->in_fp);
	in->in_fp = NULL;
	return 0;
}

#if defined(__GLIBC__) || defined(__linux__)
static ssize_t
cookie_read(void *c, char *buf, size_t n)
{
	struct nkr__in *in = c;
	size_t got = nkr__in_read(in, buf, n);

	if (got == 0 && in->in_errno != 0) {
		errno = in->in_errno;
		return -1;
	}
	return (ssize_t)got;
}

static FILE *
replay_stream(struct nkr__in *in)
{
	cookie_io_functions_t io = {
	    .read = cookie_read, .write = NULL, .seek = NULL, .close = cookie_close};

	return fopencookie(in, "rb", io);
}
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) || \
    defined(__DragonFly__)
static int
cookie_read(void *c, char *buf, int n)
{
	struct nkr__in *in = c;
	size_t got = nkr__in_read(in, buf, n > 0 ? (size_t)n : 0);

	if (got == 0 && in->in_errno != 0) {
		errno = in->in_errno;
		return -1;
	}
	return (int)got;
}

static FILE *
replay_stream(struct nkr__in *in)
{
	return funopen(in, cookie_read, NULL, NULL, cookie_close);
}
#else
static FILE *
replay_stream(struct nkr__in *in)
{
	(void)in;
	(void)cookie_close;
	errno = ENOTSUP;
	return NULL;
}
#endif

/* ---- Names ---- */

/* A BSD-style interface name: letters then a unit number ("en0", "eth1"). */
int
nkr__bsd_ifname(const char *s)
{
	size_t i = 0, nalpha, ndigit;

	if (s == NULL)
		return 0;
	while (s[i] >= 'a' && s[i] <= 'z')
		i++;
	nalpha = i;
	while (s[i] >= '0' && s[i] <= '9')
		i++;
	ndigit = i - nalpha;
	return s[i] == '\0' && nalpha >= 1 && nalpha <= 10 && ndigit >= 1 && ndigit <= 4;
}

/* Printable copy of a capture's interface name (for messages). */
static void
printable(char *dst, size_t size, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < size; i++)
		dst[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	dst[i] = '\0';
}

static struct nkr__sif *
sif_byname(struct nkr_source *src, const char *name, unsigned *idx)
{
	unsigned i;

	for (i = 0; i < src->sr_nsifs; i++) {
		if (strcmp(src->sr_sifs[i]->s_pub.si_name, name) == 0) {
			*idx = i;
			return src->sr_sifs[i];
		}
	}
	return NULL;
}

/* First free name "<prefix><unit>" with unit >= base's unit. */
static void
gen_name(struct nkr_source *src, const char *base, char *out, size_t size)
{
	char prefix[16];
	size_t i = 0;
	unsigned long unit;
	unsigned idx;

	while (base[i] >= 'a' && base[i] <= 'z' && i + 1 < sizeof(prefix)) {
		prefix[i] = base[i];
		i++;
	}
	prefix[i] = '\0';
	unit = strtoul(base + i, NULL, 10);
	for (;; unit++) {
		snprintf(out, size, "%s%lu", prefix, unit);
		if (sif_byname(src, out, &idx) == NULL)
			return;
	}
}

static const char *
iftype_default(uint32_t iftype, const struct nkr_source *src)
{
	switch (iftype) {
	case NKS_IFT_LOOPBACK:
		return "lo0";
	case NKS_IFT_UTUN:
		return "utun0";
	default:
		return src->sr_ifname;
	}
}

int
nkr__srcif_get(struct nkr_source *src, uint32_t iftype, const char *capname, int linktype)
{
	char cap[64], name[32];
	struct nkr__sif *s;
	unsigned i, idx;
	int keep;

	printable(cap, sizeof(cap), capname != NULL ? capname : "");
	/* The same capture name and type again (PKTAP records, pcapng
	   sections repeating their interfaces): the same interface. */
	if (capname != NULL) {
		for (i = 0; i < src->sr_nsifs; i++) {
			s = src->sr_sifs[i];
			if (s->s_pub.si_spec.is_type == iftype &&
			    strcmp(s->s_pub.si_capname, cap) == 0)
				return (int)i;
		}
	}
	if (iftype == NKS_IFT_LOOPBACK) {
		/* There is one loopback: the kernel's lo0. */
		s = sif_byname(src, "lo0", &idx);
		if (s != NULL && s->s_pub.si_spec.is_type == NKS_IFT_LOOPBACK)
			return (int)idx;
		snprintf(name, sizeof(name), "lo0");
		keep = capname != NULL && strcmp(capname, "lo0") == 0;
	} else {
		keep = nkr__bsd_ifname(capname) && strncmp(capname, "lo", 2) != 0 &&
		       sif_byname(src, capname, &idx) == NULL;
		if (keep)
			snprintf(name, sizeof(name), "%s", capname);
		else
			gen_name(src, iftype_default(iftype, src), name, sizeof(name));
	}
	if (src->sr_nsifs >= NKR_MAX_SRCIFS)
		return -1;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -1;
	snprintf(s->s_pub.si_name, sizeof(s->s_pub.si_name), "%s", name);
	snprintf(s->s_pub.si_capname, sizeof(s->s_pub.si_capname), "%s", cap);
	s->s_pub.si_linktype = linktype;
	s->s_pub.si_linkname = nkr__linktype_name(linktype);
	s->s_pub.si_spec.is_name = s->s_pub.si_name;
	s->s_pub.si_spec.is_type = iftype;
	s->s_pub.si_spec.is_addrs = s->s_pub.si_addrs;
	s->s_pub.si_spec.is_offload = src->sr_offload_all;
	s->s_capname_bsd = keep;
	s->s_generated = !keep;
	if (iftype == NKS_IFT_ETHER) {
		/* Until the heuristics know better: a locally administered
		   address of our own (no rule uses it). */
		s->s_mac[0] = 0x02;
		s->s_mac[5] = (uint8_t)(src->sr_nsifs + 1);
		if (src->sr_nopt_macs > 0) {
			memcpy(s->s_mac, src->sr_opt_macs[0], 6);
			s->s_mac_how = NKR_HOW_OPT;
		}
		memcpy(s->s_pub.si_spec.is_lladdr, s->s_mac, 6);
	}
	src->sr_sifs[src->sr_nsifs] = s;
	return (int)src->sr_nsifs++;
}

const char *
nkr__linktype_name(int linktype)
{
	switch (linktype) {
	case NKR_LT_NULL:
		return "NULL";
	case NKR_LT_ETHERNET:
		return "EN10MB";
	case NKR_LT_RAW:
		return "RAW";
	case NKR_LT_LOOP:
		return "LOOP";
	case NKR_LT_LINUX_SLL:
		return "LINUX_SLL";
	case NKR_LT_IPV4:
		return "IPV4";
	case NKR_LT_IPV6:
		return "IPV6";
	case NKR_LT_PKTAP:
		return "PKTAP";
	case NKR_LT_LINUX_SLL2:
		return "LINUX_SLL2";
	default:
		return NULL;
	}
}

int
nkr__capif_add(struct nkr_source *src, int linktype, uint32_t snaplen, const char *name,
               size_t namelen, const char *where)
{
	struct nkr__capif *ci, *n;
	unsigned cap;

	if (src->sr_ncapifs >= NKR_MAX_CAPIFS)
		return nkr__err(src, "%smore than %u interfaces", where, NKR_MAX_CAPIFS);
	if (src->sr_ncapifs == src->sr_capifcap) {
		cap = src->sr_capifcap != 0 ? src->sr_capifcap * 2 : 4;
		n = realloc(src->sr_capifs, cap * sizeof(*n));
		if (n == NULL)
			return nkr__err(src, "%sout of memory", where);
		src->sr_capifs = n;
		src->sr_capifcap = cap;
	}
	ci = &src->sr_capifs[src->sr_ncapifs];
	memset(ci, 0, sizeof(*ci));
	ci->ci_linktype = linktype;
	ci->ci_snaplen = snaplen;
	ci->ci_tsres_exp = 6;
	if (name != NULL) {
		if (namelen >= sizeof(ci->ci_name))
			namelen = sizeof(ci->ci_name) - 1;
		memcpy(ci->ci_name, name, namelen);
		ci->ci_name[namelen] = '\0';
		ci->ci_has_name = 1;
	}
	/* Until learnt from the window (see nkr__sll_learn). */
	memcpy(ci->ci_sll_local, "\x02\x00\x00\x00\x00\x01", 6);
	memcpy(ci->ci_sll_peer, "\x02\x00\x00\x00\x00\x02", 6);
	if (src->sr_nopt_macs > 0)
		memcpy(ci->ci_sll_local, src->sr_opt_macs[0], 6);
	ci->ci_srcif = -1;
	return (int)src->sr_ncapifs++;
}

int
nkr__capif_srcif(struct nkr_source *src, struct nkr__capif *ci)
{
	const char *name = ci->ci_has_name ? ci->ci_name : NULL;

	if (ci->ci_srcif < 0 && ci->ci_linktype != NKR_LT_PKTAP)
		ci->ci_srcif = nkr__srcif_get(src, nkr__linktype_iftype(ci->ci_linktype, name),
		                              name, ci->ci_linktype);
	return ci->ci_srcif;
}

/* libpcap's name of a link type we do not simulate. */
static const char *
linktype_other_name(int v, char *buf, size_t size)
{
	const char *n = pcap_datalink_val_to_name(v);

	if (n != NULL)
		return n;
	if (v >= 147 && v <= 162) { /* the DLT_USERn range, unnamed in some libpcaps */
		snprintf(buf, size, "USER%d", v - 147);
		return buf;
	}
	return "unnamed";
}

int
nkr__capif_check(struct nkr_source *src, const struct nkr__capif *ci, const char *where)
{
	const char *lname;
	char buf[16];

	if (nkr__linktype_name(ci->ci_linktype) != NULL)
		return 0;
	lname = linktype_other_name(ci->ci_linktype, buf, sizeof(buf));
	return nkr__err(src, "%sunknown link type %d (%s): nkesim simulates %s", where,
	                ci->ci_linktype, lname, NKR_SUPPORTED_LINKTYPES);
}

/* ---- Options ---- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "00:11:22:33:44:55" (or with dashes). */
static int
parse_mac(const char *s, uint8_t mac[6])
{
	unsigned i;
	int hi, lo;

	for (i = 0; i < 6; i++) {
		hi = hexval(s[0]);
		lo = hi >= 0 ? hexval(s[1]) : -1;
		if (hi < 0 || lo < 0)
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5) {
			if (*s != ':' && *s != '-')
				return -1;
			s++;
		}
	}
	return *s == '\0' ? 0 : -1;
}

static int opt_err(struct nkr_source *src, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
opt_err(struct nkr_source *src, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(src->sr_err.e_msg, sizeof(src->sr_err.e_msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int
parse_opts(struct nkr_source *src, const struct nkr_source_opts *o)
{
	static const struct nkr_source_opts defaults = {.so_offload = -1};
	struct nkr__local *lo;
	unsigned i;

	if (o == NULL)
		o = &defaults;
	src->sr_opts = *o;
	src->sr_opts.so_ifname = NULL;
	memset(src->sr_opts.so_local, 0, sizeof(src->sr_opts.so_local));
	memset(src->sr_opts.so_local_mac, 0, sizeof(src->sr_opts.so_local_mac));
	if (src->sr_opts.so_lookahead_records == 0)
		src->sr_opts.so_lookahead_records = NKR_DEF_LOOKAHEAD_RECORDS;
	if (src->sr_opts.so_lookahead_bytes == 0)
		src->sr_opts.so_lookahead_bytes = NKR_DEF_LOOKAHEAD_BYTES;
	if (o->so_offload < -1 || o->so_offload > 1)
		return opt_err(src, "--offload: must be auto (-1), off (0) or on (1)");
	if (o->so_read_thread < NKR_READ_THREAD_AUTO || o->so_read_thread > NKR_READ_THREAD_ON)
		return opt_err(src, "--read-thread: must be auto (0), off (1) or on (2)");
	if (o->so_ifname != NULL) {
		if (!nkr__bsd_ifname(o->so_ifname) || strncmp(o->so_ifname, "lo", 2) == 0)
			return opt_err(src,
			               "--ifname '%s': not an Ethernet interface name with a unit "
			               "number (like en0)",
			               o->so_ifname);
		snprintf(src->sr_ifname, sizeof(src->sr_ifname), "%s", o->so_ifname);
	} else {
		snprintf(src->sr_ifname, sizeof(src->sr_ifname), "en0");
	}
	if (o->so_nlocal > NKR_MAX_LOCAL || o->so_nlocal_mac > NKR_MAX_LOCAL)
		return opt_err(src, "--local/--local-mac: too many (at most %d each)",
		               NKR_MAX_LOCAL);
	for (i = 0; i < o->so_nlocal; i++) {
		lo = &src->sr_locals[src->sr_nlocals];
		memset(lo, 0, sizeof(*lo));
		if (o->so_local[i] == NULL)
			return opt_err(src, "--local: missing address");
		if (inet_pton(AF_INET, o->so_local[i], lo->lo_addr) == 1) {
			lo->lo_family = NKS_FAMILY_INET;
			src->sr_opt_family[0] = 1;
		} else if (inet_pton(AF_INET6, o->so_local[i], lo->lo_addr) == 1) {
			lo->lo_family = NKS_FAMILY_INET6;
			src->sr_opt_family[1] = 1;
		} else {
			return opt_err(src, "--local '%s': not an IPv4 or IPv6 address",
			               o->so_local[i]);
		}
		lo->lo_how = NKR_HOW_OPT;
		lo->lo_srcif = -1;
		src->sr_nlocals++;
		src->sr_nopt_locals = src->sr_nlocals;
		nkr__local_added(src);
	}
	for (i = 0; i < o->so_nlocal_mac; i++) {
		if (o->so_local_mac[i] == NULL ||
		    parse_mac(o->so_local_mac[i], src->sr_opt_macs[src->sr_nopt_macs]) < 0)
			return opt_err(
			    src, "--local-mac '%s': not a MAC address (like 00:11:22:33:44:55)",
			    o->so_local_mac[i] != NULL ? o->so_local_mac[i] : "");
		src->sr_nopt_macs++;
	}
	if (src->sr_opts.so_offload == 1)
		src->sr_offload_all = NKS_OFFLOAD_IPV4_HDR | NKS_OFFLOAD_TCPUDP;
	return 0;
}

/* ---- Classic pcap through libpcap ---- */

int
nkr__dlt_to_linktype(int dlt)
{
	switch (dlt) {
	case 0:
		return NKR_LT_NULL;
	case 1:
		return NKR_LT_ETHERNET;
	case 12: /* DLT_RAW on most systems (DLT_LOOP on OpenBSD) */
	case 14: /* DLT_RAW on OpenBSD */
	case NKR_LT_RAW:
		return NKR_LT_RAW;
	case NKR_LT_LOOP:
		return NKR_LT_LOOP;
	case NKR_LT_LINUX_SLL:
	case NKR_LT_IPV4:
	case NKR_LT_IPV6:
	case NKR_LT_LINUX_SLL2:
	case NKR_LT_PKTAP:
		return dlt;
	default:
#ifdef DLT_PKTAP
		if (dlt == DLT_PKTAP) /* 149 with Apple's libpcap */
			return NKR_LT_PKTAP;
#endif
		return -1;
	}
}

/* ---- Classic pcap's reader thread ---- */

/* The ring's end codes besides pcap_next_ex's: a message of our own. */
#define READER_END_MSG 2

/* A classic pcap record as nkr_source_next takes it (no process, number 0). */
static inline void
pcap_rec(struct nkr__rec *r, int64_t time_ns, uint32_t caplen, uint32_t len, const uint8_t *data)
{
	memset(r, 0, sizeof(*r));
	r->r_pid = -1;
	r->r_time_ns = time_ns;
	r->r_caplen = caplen;
	r->r_wirelen = len >= caplen ? len : caplen;
	r->r_data = data;
}

/* Below this many bytes, hashing a range costs about what comparing it does. */
#define HINT_MIN 128

static void
hint_add(struct nkr__rhint *rh, const uint8_t *f, const uint8_t *p, uint32_t len)
{
	struct nks_hhint *h;

	if (len < HINT_MIN)
		return;
	h = &rh->rh_h[rh->rh_n++];
	h->hh_off = (uint32_t)(p - f);
	h->hh_len = len;
	h->hh_hash = nkh64(p, len);
}

/*
 * The hashes verdicts usually show for the decoded frame d (struct
 * nks_hhint): its IP packet's, and its TCP or UDP payload's, where the
 * capture holds them whole.  The reader thread works them out while the
 * simulation runs earlier records; the kernel uses one only for bytes it
 * finds equal to the range, so a kext's change costs a hash, never a wrong
 * one.
 */
static void
hints(const struct nkr_source *src, const struct nkr__dec *d, struct nkr__rhint *rh)
{
	struct nkr__pkt p;
	uint32_t thl;

	rh->rh_n = 0;
	nkr__parse(src->sr_sifs[d->d_srcif]->s_pub.si_spec.is_type, d->d_family, d->d_data,
	           d->d_caplen, &p);
	if (p.p_family == 0 || p.p_iplen > p.p_ipcap)
		return;
	hint_add(rh, d->d_data, p.p_ip, p.p_iplen);
	if (p.p_frag || p.p_l4 == NULL || p.p_l4len > p.p_l4cap)
		return;
	if (p.p_proto == 6 && p.p_l4len >= 20) {
		thl = (uint32_t)(p.p_l4[12] >> 4) * 4;
		if (thl >= 20 && thl <= p.p_l4len)
			hint_add(rh, d->d_data, p.p_l4 + thl, p.p_l4len - thl);
	} else if (p.p_proto == 17 && p.p_l4len >= 8) {
		hint_add(rh, d->d_data, p.p_l4 + 8, p.p_l4len - 8);
	}
}

/*
 * On the reader thread, once the window is analysed: decode the record at
 * p and decide its direction, as nkr_source_next would (the same record as
 * read_ring makes), into *pre.  No side effect: a record that decodes to
 * nothing is left undecided, for the caller's thread to decode again and
 * note why it skips it.
 */
static void
precompute(struct nkr_source *src, const uint8_t *p, uint32_t caplen, uint32_t len,
           struct nkr__rpre *pre, struct nkr__rhint *rh)
{
	struct nkr__rec r;
	struct nkr__dec d;
	uint32_t dir;
	int rule;

	pcap_rec(&r, 0, caplen, len, p);
	if (!nkr__decode(src, &r, &d, 0))
		return;
	dir = nkr__direction(src, &d, &rule);
	pre->pr_rule = (uint8_t)rule;
	pre->pr_dir = (uint8_t)dir;
	pre->pr_off = (uint8_t)(d.d_data - p); /* a link header cut off */
	pre->pr_srcif = d.d_srcif;
	pre->pr_family = d.d_family;
	pre->pr_flags = d.d_flags;
	pre->pr_caplen = d.d_caplen;
	pre->pr_wirelen = d.d_wirelen;
	if (rh != NULL)
		hints(src, &d, rh);
	pre->pr_state = 1;
}

static void
pcap_reader(struct nkr__ring *rg, void *arg)
{
	struct nkr_source *src = arg;
	struct pcap_pkthdr *h;
	const u_char *data;
	uint8_t *p;
	char msg[64];
	int rc, pre = 0; /* decode here: 1 yes, -1 never, 0 not before the analysis */

	while (!nkr__ring_stopping(rg)) {
		rc = pcap_next_ex(src->sr_pcap, &h, &data);
		if (rc != 1) {
			/* The stream's cookie ran on this thread: its errno is
			   read here, libpcap's message copied. */
			nkr__ring_end(
			    rg, rc, src->sr_in.in_errno,
			    rc == 0 || rc == PCAP_ERROR_BREAK ? NULL : pcap_geterr(src->sr_pcap));
			return;
		}
		p = nkr__ring_reserve(rg, h->caplen);
		if (p == NULL) {
			if (!nkr__ring_stopping(rg)) {
				snprintf(msg, sizeof(msg), "out of memory for a record of %u bytes",
				         (unsigned)h->caplen);
				nkr__ring_end(rg, READER_END_MSG, 0, msg);
			}
			return;
		}
		if (h->caplen != 0)
			memcpy(p, data, h->caplen);
		if (pre == 0 && atomic_load_explicit(&src->sr_analysed, memory_order_acquire))
			pre = nkr__decode_pure(&src->sr_capifs[0]) ? 1 : -1;
		if (pre > 0)
			precompute(src, p, h->caplen, h->len, nkr__ring_pre(rg), nkr__ring_aux(rg));
		/* tv_usec holds nanoseconds (opened with nanosecond precision). */
		nkr__ring_commit(rg,
		                 (int64_t)((uint64_t)(int64_t)h->ts.tv_sec * 1000000000u +
		                           (uint64_t)h->ts.tv_usec),
		                 h->caplen, h->len);
	}
}

/* CPUs this process may run on. */
static long
online_cpus(void)
{
#if defined(__linux__) && defined(CPU_COUNT)
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		return CPU_COUNT(&set);
#endif
	return sysconf(_SC_NPROCESSORS_ONLN);
}

/* Start the reader thread if wanted; without one (or if it cannot start)
   read_libpcap reads on the caller's thread. */
static void
reader_start(struct nkr_source *src, int regular)
{
	struct nkr__ring *rg;
	size_t sz = (sizeof(*rg) + 63) & ~(size_t)63;

	if (src->sr_opts.so_read_thread == NKR_READ_THREAD_OFF ||
	    (src->sr_opts.so_read_thread == NKR_READ_THREAD_AUTO &&
	     (!regular || online_cpus() < 2)))
		return;
	rg = aligned_alloc(64, sz);
	if (rg == NULL)
		return;
	/* A live stream's record goes to the caller at once; a file's in
	   batches (one wake-up per many records when the reader is slower). */
	if (nkr__ring_init(rg, 0, src->sr_opts.so_read_ring_records, regular ? 32 : 1,
	                   src->sr_opts.so_hash_hints ? sizeof(struct nkr__rhint) : 0) != 0) {
		free(rg);
		return;
	}
	if (nkr__ring_start(rg, pcap_reader, src) != 0) {
		nkr__ring_destroy(rg);
		free(rg);
		return;
	}
	src->sr_ring = rg;
}

static void
reader_stop(struct nkr_source *src)
{
	if (src->sr_ring == NULL)
		return;
	nkr__ring_destroy(src->sr_ring); /* stops and joins the thread */
	free(src->sr_ring);
	src->sr_ring = NULL;
}

static int
open_libpcap(struct nkr_source *src, const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE], buf[16];
	struct stat st;
	FILE *fp;
	int dlt, lt, regular = 0;
	const char *name;

	errbuf[0] = '\0';
	if (path != NULL && fstat(fileno(src->sr_in.in_fp), &st) == 0 && S_ISREG(st.st_mode)) {
		/* A regular file: libpcap opens it again by its path. */
		regular = 1;
		if (src->sr_in.in_own)
			fclose(src->sr_in.in_fp);
		src->sr_in.in_fp = NULL;
		src->sr_pcap = pcap_open_offline_with_tstamp_precision(
		    path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	} else {
		fp = replay_stream(&src->sr_in);
		if (fp == NULL)
			return nkr__err(src, "cannot read a classic pcap from this stream: %s",
			                strerror(errno));
		src->sr_pcap = pcap_fopen_offline_with_tstamp_precision(
		    fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
		if (src->sr_pcap == NULL)
			fclose(fp); /* libpcap leaves it to us; closes sr_in too */
	}
	if (src->sr_pcap == NULL)
		return nkr__err(src, "%s", errbuf);
	dlt = pcap_datalink(src->sr_pcap);
	lt = nkr__dlt_to_linktype(dlt);
	if (lt < 0) {
		name = linktype_other_name(dlt, buf, sizeof(buf));
		return nkr__err(src, "unknown link type %d (%s): nkesim simulates %s", dlt, name,
		                NKR_SUPPORTED_LINKTYPES);
	}
	if (nkr__capif_add(src, lt, (uint32_t)pcap_snapshot(src->sr_pcap), NULL, 0, "") < 0)
		return -1;
	src->sr_capifs[0].ci_tsres_exp = 9;
	/* The file's one interface exists even if no record follows. */
	nkr__capif_srcif(src, &src->sr_capifs[0]);
	reader_start(src, regular);
	return 0;
}

/* read_libpcap with the reader thread: the same records, the same ends. */
static int
read_ring(struct nkr_source *src, struct nkr__rec *r)
{
	struct nkr__ring *rg = src->sr_ring;
	struct nkr__ring_rec rr;
	int rc;

	if (nkr__ring_pop(rg, &rr) == 1) {
		/* The data and what the thread decoded: valid until the next pop. */
		pcap_rec(r, rr.rr_time_ns, rr.rr_caplen, rr.rr_len, rr.rr_data);
		r->r_index = ++src->sr_nrec;
		if (rr.rr_pre->pr_state != 0) {
			r->r_pre = rr.rr_pre;
			r->r_hint = nkr__ring_popped_aux(rg); /* NULL without hints */
		}
		return 1;
	}
	rc = rg->rg_end_rc;
	if (rc == READER_END_MSG)
		return nkr__err(src, "record %llu: %s", (unsigned long long)src->sr_nrec + 1,
		                rg->rg_end_msg);
	if (rg->rg_end_errno != 0)
		return nkr__err(src, "record %llu: read error: %s",
		                (unsigned long long)src->sr_nrec + 1, strerror(rg->rg_end_errno));
	if (rc == PCAP_ERROR_BREAK || rc == 0)
		return 0;
	return nkr__err(src, "record %llu: %s", (unsigned long long)src->sr_nrec + 1,
	                rg->rg_end_msg);
}

static int
read_libpcap(struct nkr_source *src, struct nkr__rec *r)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	if (src->sr_ring != NULL)
		return read_ring(src, r);
	rc = pcap_next_ex(src->sr_pcap, &h, &data);
	if (rc == 1) {
		/* tv_usec holds nanoseconds (opened with nanosecond precision). */
		pcap_rec(r,
		         (int64_t)((uint64_t)(int64_t)h->ts.tv_sec * 1000000000u +
		                   (uint64_t)h->ts.tv_usec),
		         h->caplen, h->len, data);
		r->r_index = ++src->sr_nrec;
		return 1;
	}
	if (src->sr_in.in_errno != 0)
		return nkr__err(src, "record %llu: read error: %s",
		                (unsigned long long)src->sr_nrec + 1,
		                strerror(src->sr_in.in_errno));
	if (rc == PCAP_ERROR_BREAK || rc == 0)
		return 0;
	return nkr__err(src, "record %llu: %s", (unsigned long long)src->sr_nrec + 1,
	                pcap_geterr(src->sr_pcap));
}

static int
read_raw(struct nkr_source *src, struct nkr__rec *r)
{
	if (src->sr_kind == NKR_KIND_PCAP)
		return read_libpcap(src, r);
	return nkr__ng_next(src, r);
}

/* ---- The look-ahead window ---- */

static void
window_free(struct nkr_source *src)
{
	free(src->sr_win);
	free(src->sr_arena);
	src->sr_win = NULL;
	src->sr_arena = NULL;
	src->sr_nwin = src->sr_wincap = src->sr_winpos = 0;
	src->sr_arenalen = src->sr_arenacap = 0;
}

static void
window_fill(struct nkr_source *src)
{
	struct nkr__went *w;
	struct nkr__rec r;
	uint8_t *a;
	size_t cap;
	int rc;

	while (src->sr_nwin < src->sr_opts.so_lookahead_records &&
	       src->sr_arenalen < src->sr_opts.so_lookahead_bytes) {
		rc = read_raw(src, &r);
		if (rc == 0) {
			src->sr_eof = 1;
			return;
		}
		if (rc < 0) {
			src->sr_deferred = 1;
			return;
		}
		if (src->sr_nwin == src->sr_wincap) {
			cap = src->sr_wincap != 0 ? src->sr_wincap * 2 : 256;
			w = realloc(src->sr_win, cap * sizeof(*w));
			if (w == NULL)
				goto err_nomem;
			src->sr_win = w;
			src->sr_wincap = cap;
		}
		if (src->sr_arenacap - src->sr_arenalen < r.r_caplen) {
			cap = src->sr_arenacap != 0 ? src->sr_arenacap : 65536;
			while (cap - src->sr_arenalen < r.r_caplen)
				cap *= 2;
			a = realloc(src->sr_arena, cap);
			if (a == NULL)
				goto err_nomem;
			src->sr_arena = a;
			src->sr_arenacap = cap;
		}
		w = &src->sr_win[src->sr_nwin++];
		memset(w, 0, sizeof(*w));
		w->we_rec = r;
		w->we_rec.r_data = NULL;
		w->we_rec.r_pre = NULL; /* none: read before the analysis */
		w->we_off = src->sr_arenalen;
		if (r.r_caplen != 0)
			memcpy(src->sr_arena + src->sr_arenalen, r.r_data, r.r_caplen);
		src->sr_arenalen += r.r_caplen;
	}
	return;
err_nomem:
	nkr__err(src, "record %llu: out of memory for the look-ahead window",
	         (unsigned long long)r.r_index);
	src->sr_deferred = 1;
}

/* ---- Open, next, close ---- */

struct nkr_source *
nkr__source_open_fp(FILE *fp, int own, const char *path, const char *name,
                    const struct nkr_source_opts *opts, struct nkr_err *err)
{
	struct nkr_source *src;
	const uint8_t *m;
	uint32_t le, be;
	size_t n;

	src = calloc(1, sizeof(*src));
	if (src == NULL) {
		if (own)
			fclose(fp);
		if (err != NULL)
			snprintf(err->e_msg, sizeof(err->e_msg), "%s: out of memory", name);
		return NULL;
	}
	snprintf(src->sr_name, sizeof(src->sr_name), "%s", name);
	src->sr_in.in_fp = fp;
	src->sr_in.in_own = own;
	if (parse_opts(src, opts) < 0)
		goto err;

	n = fread(src->sr_in.in_peek, 1, 24, fp);
	if (n < 24 && ferror(fp)) {
		nkr__err(src, "read error: %s", strerror(errno != 0 ? errno : EIO));
		goto err;
	}
	src->sr_in.in_npeek = n;
	if (n < 4) {
		nkr__err(src, "truncated file header (%zu bytes): not a capture file", n);
		goto err;
	}
	m = src->sr_in.in_peek;
	le = (uint32_t)m[0] | (uint32_t)m[1] << 8 | (uint32_t)m[2] << 16 | (uint32_t)m[3] << 24;
	be = (uint32_t)m[3] | (uint32_t)m[2] << 8 | (uint32_t)m[1] << 16 | (uint32_t)m[0] << 24;
	if (be == 0x0a0d0d0a) {
		src->sr_kind = NKR_KIND_PCAPNG;
		if (nkr__ng_open(src) < 0)
			goto err;
	} else if (le == 0xa1b2c3d4 || be == 0xa1b2c3d4 || le == 0xa1b23c4d || be == 0xa1b23c4d ||
	           le == 0xa1b2cd34 || be == 0xa1b2cd34) {
		src->sr_kind = NKR_KIND_PCAP;
		if (n < 24) {
			nkr__err(src, "truncated file header (%zu of 24 bytes)", n);
			goto err;
		}
		if (open_libpcap(src, path) < 0)
			goto err;
	} else {
		nkr__err(src, "not a capture file (magic 0x%02x%02x%02x%02x)", m[0], m[1], m[2],
		         m[3]);
		goto err;
	}

	window_fill(src);
	if (src->sr_deferred && src->sr_nwin == 0)
		goto err; /* nothing before the error: it is the open's */
	if (nkr__analyse(src) < 0)
		goto err;
	/* The reader thread may decode and direct records from now on. */
	atomic_store_explicit(&src->sr_analysed, 1, memory_order_release);
	return src;
err:
	if (err != NULL)
		*err = src->sr_err;
	nkr_source_close(src);
	return NULL;
}

struct nkr_source *
nkr_source_open(const char *path, const struct nkr_source_opts *opts, struct nkr_err *err)
{
	FILE *fp;

	if (err != NULL)
		err->e_msg[0] = '\0';
	if (path == NULL) {
		if (err != NULL)
			snprintf(err->e_msg, sizeof(err->e_msg), "no capture file given");
		return NULL;
	}
	if (strcmp(path, "-") == 0)
		return nkr__source_open_fp(stdin, 0, NULL, "stdin", opts, err);
	fp = fopen(path, "rb");
	if (fp == NULL) {
		if (err != NULL)
			snprintf(err->e_msg, sizeof(err->e_msg), "%s: cannot open: %s", path,
			         strerror(errno));
		return NULL;
	}
	return nkr__source_open_fp(fp, 1, path, path, opts, err);
}

static void
emit(struct nkr_source *src, const struct nkr__rec *r, const struct nkr__dec *d, uint32_t dir,
     struct nkr_frame *out)
{
	struct nks_frame *f = &out->f_fr;

	memset(out, 0, sizeof(*out));
	f->fr_index = r->r_index;
	f->fr_time_ns = r->r_time_ns;
	f->fr_ifindex = d->d_srcif;
	f->fr_dir = dir;
	f->fr_flags = d->d_flags;
	f->fr_family = d->d_family;
	f->fr_caplen = d->d_caplen;
	f->fr_wirelen = d->d_wirelen;
	f->fr_data = d->d_data;
	f->fr_pid = d->d_pid;
	f->fr_uid = -1;
	f->fr_comm = NULL;
	if (d->d_comm[0] != '\0') {
		memcpy(src->sr_comm, d->d_comm, sizeof(src->sr_comm));
		f->fr_comm = src->sr_comm;
	}
	out->f_srcif = d->d_srcif;
}

int
nkr_source_next(struct nkr_source *src, struct nkr_frame *out, struct nkr_err *err)
{
	const struct nkr__rpre *pre;
	struct nkr__went *w;
	struct nkr__dec d;
	struct nkr__rec r;
	uint32_t dir;
	int rc, rule;

	for (;;) {
		if (src->sr_failed) {
			if (err != NULL)
				*err = src->sr_err;
			return -1;
		}
		if (src->sr_winpos < src->sr_nwin) {
			w = &src->sr_win[src->sr_winpos++];
			if (w->we_skip) {
				r = w->we_rec;
				r.r_data = nkr__went_data(src, w);
				nkr__decode(src, &r, &d, 1); /* notes the reason */
				src->sr_nskipped++;
				continue;
			}
			r = w->we_rec;
			r.r_data = nkr__went_data(src, w);
			if (!nkr__decode(src, &r, &d, 1)) {
				src->sr_nskipped++;
				continue;
			}
			emit(src, &r, &d, w->we_dir, out);
			return 1;
		}
		/* The window is used up; its last frame's data was valid until
		   this call. */
		if (src->sr_win != NULL || src->sr_arena != NULL)
			window_free(src);
		if (src->sr_deferred) {
			src->sr_deferred = 0;
			src->sr_failed = 1;
			continue;
		}
		if (src->sr_eof)
			return 0;
		rc = read_raw(src, &r);
		if (rc == 0) {
			src->sr_eof = 1;
			return 0;
		}
		if (rc < 0) {
			src->sr_failed = 1;
			continue;
		}
		if (r.r_pre != NULL) {
			/* Decoded and directed by the reader thread (a classic
			   pcap's record: no process). */
			pre = r.r_pre;
			d.d_srcif = pre->pr_srcif;
			d.d_flags = pre->pr_flags;
			d.d_family = pre->pr_family;
			d.d_caplen = pre->pr_caplen;
			d.d_wirelen = pre->pr_wirelen;
			d.d_data = r.r_data + pre->pr_off;
			d.d_pid = r.r_pid;
			d.d_comm[0] = '\0';
			dir = pre->pr_dir;
			rule = pre->pr_rule;
			src->sr_npre++;
		} else if (nkr__decode(src, &r, &d, 1)) {
			dir = nkr__direction(src, &d, &rule);
		} else {
			src->sr_nskipped++;
			continue;
		}
		src->sr_rule_count[rule]++;
		emit(src, &r, &d, dir, out);
		if (r.r_hint != NULL && r.r_hint->rh_n != 0) {
			out->f_fr.fr_hints = r.r_hint->rh_h;
			out->f_fr.fr_nhints = r.r_hint->rh_n;
		}
		return 1;
	}
}

void
nkr_source_close(struct nkr_source *src)
{
	unsigned i;

	if (src == NULL)
		return;
	reader_stop(src); /* before libpcap and the stream it reads go */
	if (src->sr_pcap != NULL)
		pcap_close(src->sr_pcap); /* closes a replay stream, and sr_in with it */
	nkr__ng_close(src);
	if (src->sr_in.in_fp != NULL && src->sr_in.in_own)
		fclose(src->sr_in.in_fp);
	for (i = 0; i < src->sr_nsifs; i++)
		free(src->sr_sifs[i]);
	free(src->sr_capifs);
	window_free(src);
	free(src->sr_scratch);
	free(src);
}

unsigned
nkr_source_nifs(const struct nkr_source *src)
{
	return src->sr_nsifs;
}

const struct nkr_srcif *
nkr_source_if(const struct nkr_source *src, unsigned i)
{
	return i < src->sr_nsifs ? &src->sr_sifs[i]->s_pub : NULL;
}

uint64_t
nkr_source_records(const struct nkr_source *src)
{
	return src->sr_nrec;
}

uint64_t
nkr_source_skipped(const struct nkr_source *src, const char **last_reason)
{
	if (last_reason != NULL)
		*last_reason = src->sr_nskipped != 0 ? src->sr_skip_reason : NULL;
	return src->sr_nskipped;
}

/* ---- Summaries ---- */

struct sbuf {
	char *b;
	size_t size, len;
};

static void sb_printf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->len + 1 >= sb->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->b + sb->len, sb->size - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb->len += (size_t)n;
	if (sb->len >= sb->size)
		sb->len = sb->size - 1;
}

void
nkr__addr_str(uint32_t family, const uint8_t *a, char *buf, size_t size)
{
	if (inet_ntop(family == NKS_FAMILY_INET ? AF_INET : AF_INET6, a, buf, (socklen_t)size) ==
	    NULL)
		snprintf(buf, size, "?");
}

static void
sb_mac(struct sbuf *sb, const uint8_t *m)
{
	sb_printf(sb, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void
sb_how(struct sbuf *sb, int how, int tie, uint32_t n, uint32_t tot)
{
	switch (how) {
	case NKR_HOW_OPT:
		sb_printf(sb, " (option)");
		return;
	case NKR_HOW_OUTBOUND:
		sb_printf(sb, " (source of frames the capture marks outbound)");
		return;
	case NKR_HOW_EVERY:
		sb_printf(sb, " (in every flow");
		break;
	case NKR_HOW_MOST:
		if (tot == 0) {
			sb_printf(sb,
			          " (sent the first packet; no flow between unicast addresses)");
			return;
		}
		sb_printf(sb, " (in %u of %u flows", n, tot);
		break;
	case NKR_HOW_IDB:
		sb_printf(sb, " (pcapng if_MACaddr)");
		return;
	case NKR_HOW_FROMIP:
		sb_printf(sb, " (source of frames from a local address)");
		return;
	case NKR_HOW_INBOUND:
		sb_printf(sb, " (destination of frames the capture marks inbound)");
		return;
	case NKR_HOW_FROMMAC:
		sb_printf(sb, " (source of frames from --local-mac)");
		return;
	default:
		return;
	}
	if (tie == NKR_TIE_SYN)
		sb_printf(sb, ", sent the first SYN");
	else if (tie == NKR_TIE_FIRST)
		sb_printf(sb, ", sent the first packet");
	sb_printf(sb, ")");
}

static const char *const rule_names[NKR_RULE_N] = {
    [NKR_RULE_EPB] = "pcapng epb_flags",
    [NKR_RULE_PKTAP] = "PKTAP flags",
    [NKR_RULE_SLL] = "SLL packet type",
    [NKR_RULE_OPT] = "--local/--local-mac",
    [NKR_RULE_HEUR] = "heuristic",
    [NKR_RULE_NEITHER] = "no local endpoint (taken as inbound)",
};

const char *
nkr_source_direction_summary(const struct nkr_source *csrc)
{
	struct nkr_source *src = (struct nkr_source *)csrc; /* the buffer is ours */
	struct sbuf sb = {src->sr_summary, sizeof(src->sr_summary), 0};
	const struct nkr__local *lo;
	const struct nkr__sif *s;
	char a[64];
	unsigned i, nrules = 0, nmac = 0, nl = 0;
	uint32_t off;

	src->sr_summary[0] = '\0';
	sb_printf(&sb, "direction:");
	for (i = 0; i < NKR_RULE_N; i++) {
		if (src->sr_rule_count[i] == 0)
			continue;
		sb_printf(&sb, "%s %s (%llu)", nrules != 0 ? "," : "", rule_names[i],
		          (unsigned long long)src->sr_rule_count[i]);
		nrules++;
	}
	if (nrules == 0)
		sb_printf(&sb, src->sr_eof || src->sr_failed ? " no frames" : " no frames yet");
	for (i = 0; i < src->sr_nlocals; i++) {
		lo = &src->sr_locals[i];
		nkr__addr_str(lo->lo_family, lo->lo_addr, a, sizeof(a));
		sb_printf(&sb, "%s %s", nl++ == 0 ? "; local" : ",", a);
		if (lo->lo_srcif >= 0 && (unsigned)lo->lo_srcif < src->sr_nsifs)
			sb_printf(&sb, " on %s", src->sr_sifs[lo->lo_srcif]->s_pub.si_name);
		if (lo->lo_how == NKR_HOW_OPT)
			sb_printf(&sb, " (--local)");
		else
			sb_how(&sb, lo->lo_how, lo->lo_tie, lo->lo_nflows, lo->lo_totflows);
	}
	for (i = 0; i < src->sr_nsifs; i++) {
		s = src->sr_sifs[i];
		if (s->s_pub.si_spec.is_type != NKS_IFT_ETHER || s->s_mac_how == 0)
			continue;
		sb_printf(&sb, "%s", nmac++ == 0 ? "; local MAC " : ", ");
		sb_mac(&sb, s->s_mac);
		sb_printf(&sb, " on %s", s->s_pub.si_name);
		if (s->s_mac_how == NKR_HOW_OPT)
			sb_printf(&sb, " (--local-mac)");
		else
			sb_how(&sb, s->s_mac_how, s->s_mac_tie, 0, 0);
	}
	sb_printf(&sb, "; checksum offload:");
	if (src->sr_opts.so_offload == 0) {
		sb_printf(&sb, " off (option)");
	} else if (src->sr_opts.so_offload == 1) {
		sb_printf(&sb, " IPv4 header, TCP/UDP (option)");
	} else {
		nl = 0;
		for (i = 0; i < src->sr_nsifs; i++) {
			s = src->sr_sifs[i];
			off = s->s_offload_detected;
			if (off == 0)
				continue;
			sb_printf(&sb, "%s %s", nl++ != 0 ? "," : "", s->s_pub.si_name);
			if (off & NKS_OFFLOAD_IPV4_HDR)
				sb_printf(&sb,
				          " IPv4 header (%u of %u outbound headers unchecksummed)",
				          s->s_ip4_bad, s->s_ip4_checked);
			if (off & NKS_OFFLOAD_TCPUDP)
				sb_printf(
				    &sb,
				    "%s TCP/UDP (%u of %u outbound segments with a pseudo-header "
				    "sum or a bad checksum)",
				    (off & NKS_OFFLOAD_IPV4_HDR) ? "," : "",
				    s->s_l4_pseudo + s->s_l4_bad, s->s_l4_checked);
		}
		if (nl == 0)
			sb_printf(&sb, " none detected");
		else
			sb_printf(&sb, " (detected)");
	}
	return src->sr_summary;
}

const char *
nkr_source_interface_summary(const struct nkr_source *csrc)
{
	struct nkr_source *src = (struct nkr_source *)csrc;
	struct sbuf sb = {src->sr_ifsummary, sizeof(src->sr_ifsummary), 0};
	const struct nkr__sif *s;
	const struct nks_ifaddr *ia;
	char a[64];
	unsigned i, j;

	src->sr_ifsummary[0] = '\0';
	sb_printf(&sb, "interfaces:");
	if (src->sr_nsifs == 0)
		sb_printf(&sb, " none yet");
	for (i = 0; i < src->sr_nsifs; i++) {
		s = src->sr_sifs[i];
		sb_printf(&sb, "%s %s (%s", i != 0 ? "," : "", s->s_pub.si_name,
		          s->s_pub.si_linkname != NULL ? s->s_pub.si_linkname : "?");
		if (s->s_pub.si_spec.is_type == NKS_IFT_LOOPBACK)
			sb_printf(&sb, ", the kernel's loopback");
		else if (s->s_pub.si_spec.is_type == NKS_IFT_UTUN)
			sb_printf(&sb, ", IP tunnel");
		if (s->s_generated && s->s_pub.si_capname[0] != '\0' &&
		    strcmp(s->s_pub.si_capname, s->s_pub.si_name) != 0)
			sb_printf(&sb, ", captured as \"%s\": not a BSD interface name",
			          s->s_pub.si_capname);
		else if (s->s_generated && s->s_pub.si_spec.is_type != NKS_IFT_LOOPBACK)
			sb_printf(&sb, ", the capture names none");
		for (j = 0; j < s->s_pub.si_spec.is_naddrs; j++) {
			ia = &s->s_pub.si_addrs[j];
			nkr__addr_str(ia->ia_family, ia->ia_addr, a, sizeof(a));
			sb_printf(&sb, ", %s/%u", a, ia->ia_prefixlen);
		}
		if (s->s_pub.si_spec.is_type == NKS_IFT_ETHER) {
			sb_printf(&sb, ", MAC ");
			sb_mac(&sb, s->s_pub.si_spec.is_lladdr);
		}
		if (s->s_pub.si_spec.is_flags & NKS_IFSPEC_ANYMAC)
			sb_printf(&sb,
			          ", any destination MAC accepted (%u of %u inbound frames to a "
			          "local address were sent to other MACs: a capture taken off "
			          "the host)",
			          s->s_in_othermac, s->s_in_local);
		if (s->s_pub.si_spec.is_mtu != 0)
			sb_printf(&sb, ", MTU %u", s->s_pub.si_spec.is_mtu);
		sb_printf(&sb, ")");
	}
	return src->sr_ifsummary;
}
