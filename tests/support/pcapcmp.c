/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcapcmp.c - compare two captures packet by packet (host world); used by
 * the replay tests.  pcap files are read with libpcap; pcapng files with a
 * small block reader of its own (libpcap refuses pcapng files whose
 * interfaces have different snapshot lengths, which real captures have).
 *
 *   pcapcmp [--l3] [--no-time] [--sort] EXPECTED ACTUAL
 *       Same number of records, and for each: same timestamp (ns), same
 *       captured and wire length, same bytes.  When the two files' link
 *       types differ (nke-replay writes what the simulated host's interfaces
 *       would show: an SLL or raw-IP capture comes out as Ethernet or lo0/
 *       utun framing), or with --l3, the link headers are skipped and bytes
 *       and lengths compared from the network header on.  --sort compares
 *       both files in timestamp order (stable), for outputs where the
 *       simulated stack released a held-back packet (a fragment) after later
 *       ones.  Prints the first difference.
 *   pcapcmp --count FILE
 *       Print the number of records.
 *   pcapcmp --comments FILE.pcapng
 *       Print "<record>\t<comment>" for every record (empty if none).
 *
 * Exit status: 0 equal, 1 different, 2 unreadable input or bad usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

/* LINKTYPE_* values (the numbers in files). */
#define LT_NULL       0
#define LT_EN10MB     1
#define LT_RAW        101
#define LT_LOOP       108
#define LT_LINUX_SLL  113
#define LT_IPV4       228
#define LT_IPV6       229
#define LT_PKTAP      258
#define LT_LINUX_SLL2 276

struct rec {
	int64_t r_ns;
	uint32_t r_caplen, r_len;
	int r_lt;      /* LINKTYPE_* */
	uint64_t r_no; /* 1-based position in the file */
	u_char *r_data;
	char *r_comment; /* pcapng opt_comment, or NULL */
};

struct cap {
	const char *c_path;
	struct rec *c_recs;
	size_t c_n, c_cap;
};

static void
die(const char *path, const char *what)
{
	fprintf(stderr, "pcapcmp: %s: %s\n", path, what);
	exit(2);
}

static void
add(struct cap *c, int64_t ns, uint32_t caplen, uint32_t len, int lt, const u_char *d)
{
	struct rec *r;

	if (c->c_n == c->c_cap) {
		c->c_cap = c->c_cap != 0 ? c->c_cap * 2 : 256;
		c->c_recs = realloc(c->c_recs, c->c_cap * sizeof(*c->c_recs));
		if (c->c_recs == NULL)
			die(c->c_path, "out of memory");
	}
	r = &c->c_recs[c->c_n];
	r->r_ns = ns;
	r->r_caplen = caplen;
	r->r_len = len;
	r->r_lt = lt;
	r->r_no = ++c->c_n;
	r->r_comment = NULL;
	r->r_data = malloc(caplen != 0 ? caplen : 1);
	if (r->r_data == NULL)
		die(c->c_path, "out of memory");
	memcpy(r->r_data, d, caplen);
}

/* libpcap reports DLT_* values; a few differ from the LINKTYPE_* ones. */
static int
dlt_to_lt(int dlt)
{
#ifdef DLT_RAW
	if (dlt == DLT_RAW)
		return LT_RAW;
#endif
#ifdef DLT_LOOP
	if (dlt == DLT_LOOP)
		return LT_LOOP;
#endif
#ifdef DLT_PKTAP
	if (dlt == DLT_PKTAP)
		return LT_PKTAP;
#endif
	return dlt;
}

static void
read_pcap(struct cap *c)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *p =
	    pcap_open_offline_with_tstamp_precision(c->c_path, PCAP_TSTAMP_PRECISION_NANO, eb);
	struct pcap_pkthdr *h;
	const u_char *d;
	int lt, rc;

	if (p == NULL)
		die(c->c_path, eb);
	lt = dlt_to_lt(pcap_datalink(p));
	while ((rc = pcap_next_ex(p, &h, &d)) == 1)
		add(c, (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec, h->caplen, h->len, lt,
		    d);
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "pcapcmp: %s: record %zu: %s\n", c->c_path, c->c_n + 1,
		        pcap_geterr(p));
		exit(2);
	}
	pcap_close(p);
}

/* --- pcapng -------------------------------------------------------------- */

struct ngif {
	int lt;
	uint64_t units; /* timestamp units per second */
};

static uint32_t
rd32(const u_char *p, int swap)
{
	uint32_t v =
	    (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;

	return swap ? __builtin_bswap32(v) : v;
}

static uint16_t
rd16(const u_char *p, int swap)
{
	uint16_t v = (uint16_t)(p[0] | p[1] << 8);

	return swap ? __builtin_bswap16(v) : v;
}

static void
read_pcapng(struct cap *c, FILE *f)
{
	struct ngif *ifs = NULL;
	unsigned nifs = 0, ifcap = 0;
	int swap = 0;
	u_char hdr[8], *b = NULL;
	size_t bcap = 0;

	for (;;) {
		uint32_t type, len;

		if (fread(hdr, 1, 8, f) != 8) {
			if (feof(f))
				break;
			die(c->c_path, "read error");
		}
		type = rd32(hdr, 0);
		if (type == 0x0A0D0D0A) {
			u_char bom[4];

			if (fread(bom, 1, 4, f) != 4)
				die(c->c_path, "truncated section header");
			swap = rd32(bom, 0) != 0x1A2B3C4D;
			if (swap && rd32(bom, 1) != 0x1A2B3C4D)
				die(c->c_path, "bad byte-order magic");
			len = rd32(hdr + 4, swap);
			nifs = 0;
			if (len < 16 || fseek(f, (long)len - 12, SEEK_CUR) != 0)
				die(c->c_path, "bad section header");
			continue;
		}
		type = rd32(hdr, swap);
		len = rd32(hdr + 4, swap);
		if (len < 12 || len % 4 != 0)
			die(c->c_path, "bad block length");
		if (len - 8 > bcap) {
			bcap = len;
			b = realloc(b, bcap);
			if (b == NULL)
				die(c->c_path, "out of memory");
		}
		if (fread(b, 1, len - 8, f) != len - 8)
			die(c->c_path, "truncated block");
		if (type == 1) { /* interface description */
			struct ngif *i;
			uint32_t o = 8;

			if (nifs == ifcap) {
				ifcap = ifcap != 0 ? ifcap * 2 : 16;
				ifs = realloc(ifs, ifcap * sizeof(*ifs));
				if (ifs == NULL)
					die(c->c_path, "out of memory");
			}
			i = &ifs[nifs++];
			i->lt = rd16(b, swap);
			i->units = 1000000;
			while (o + 4 <= len - 12) {
				uint16_t code = rd16(b + o, swap), olen = rd16(b + o + 2, swap);

				if (code == 0)
					break;
				if (code == 9 && olen == 1) { /* if_tsresol */
					uint8_t r = b[o + 4];
					uint64_t u = 1;
					unsigned k;

					for (k = 0; k < (r & 0x7f); k++)
						u *= (r & 0x80) ? 2 : 10;
					i->units = u;
				}
				o += 4 + ((olen + 3u) & ~3u);
			}
		} else if (type == 6) { /* enhanced packet */
			uint32_t id = rd32(b, swap), caplen = rd32(b + 12, swap);
			uint64_t ts = (uint64_t)rd32(b + 4, swap) << 32 | rd32(b + 8, swap);
			const struct ngif *i;

			if (id >= nifs || (uint64_t)20 + caplen > (uint64_t)len - 12)
				die(c->c_path, "bad enhanced packet block");
			i = &ifs[id];
			add(c,
			    (int64_t)(ts / i->units * 1000000000 +
			              ts % i->units * 1000000000 / i->units),
			    caplen, rd32(b + 16, swap), i->lt, b + 20);
			/* Options: the first opt_comment is kept. */
			for (uint32_t o = 20 + ((caplen + 3u) & ~3u); o + 4 <= len - 12;) {
				uint16_t code = rd16(b + o, swap), olen = rd16(b + o + 2, swap);
				struct rec *r = &c->c_recs[c->c_n - 1];

				if (code == 0 || o + 4 + olen > len - 12)
					break;
				if (code == 1 && r->r_comment == NULL) {
					r->r_comment = malloc((size_t)olen + 1);
					if (r->r_comment == NULL)
						die(c->c_path, "out of memory");
					memcpy(r->r_comment, b + o + 4, olen);
					r->r_comment[olen] = '\0';
				}
				o += 4 + ((olen + 3u) & ~3u);
			}
		} else if (type == 3) { /* simple packet */
			uint32_t wl = rd32(b, swap), cl = len - 16;

			if (nifs == 0)
				die(c->c_path, "simple packet before any interface");
			add(c, 0, cl < wl ? cl : wl, wl, ifs[0].lt, b + 4);
		}
	}
	free(b);
	free(ifs);
}

static void
read_cap(struct cap *c)
{
	FILE *f = fopen(c->c_path, "rb");
	u_char m[4];

	if (f == NULL)
		die(c->c_path, strerror(errno));
	if (fread(m, 1, 4, f) == 4 && rd32(m, 0) == 0x0A0D0D0A) {
		rewind(f);
		read_pcapng(c, f);
		fclose(f);
		return;
	}
	fclose(f);
	read_pcap(c);
}

/* --- Comparison ---------------------------------------------------------- */

static unsigned
be16(const u_char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t
le32(const u_char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * Length of the link-layer header of a record, or -1 when it cannot be
 * told.  Ethernet: 14 plus every 802.1Q/802.1ad tag (the simulated host
 * keeps the tags in the frame).
 */
static long
l2len(int lt, const u_char *d, uint32_t caplen)
{
	long off;

	switch (lt) {
	case LT_EN10MB:
		for (off = 12;; off += 4) {
			unsigned et;

			if ((uint32_t)off + 2 > caplen)
				return -1;
			et = be16(d + off);
			if (et != 0x8100 && et != 0x88a8 && et != 0x9100)
				return off + 2;
		}
	case LT_NULL:
	case LT_LOOP:
		return 4;
	case LT_RAW:
	case LT_IPV4:
	case LT_IPV6:
		return 0;
	case LT_LINUX_SLL:
		return 16;
	case LT_LINUX_SLL2:
		return 20;
	case LT_PKTAP: {
		uint32_t hl;
		long rest;

		if (caplen < 8)
			return -1;
		hl = le32(d);
		if (hl > caplen)
			return -1;
		rest = l2len((int)le32(d + 4), d + hl, caplen - hl);
		return rest < 0 ? -1 : (long)hl + rest;
	}
	default:
		return -1;
	}
}

static void
free_cap(struct cap *c)
{
	size_t n;

	for (n = 0; n < c->c_n; n++) {
		free(c->c_recs[n].r_data);
		free(c->c_recs[n].r_comment);
	}
	free(c->c_recs);
	memset(c, 0, sizeof(*c));
}

static int
by_time(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->r_ns != y->r_ns)
		return x->r_ns < y->r_ns ? -1 : 1;
	return x->r_no < y->r_no ? -1 : x->r_no > y->r_no;
}

/* Compare record by record; prints the first difference.  0 equal, 1 not. */
static int
compare(const struct cap *a, const struct cap *b, int l3, int notime, int sort)
{
	size_t n;

	for (n = 0; n < a->c_n && n < b->c_n; n++) {
		const struct rec *x = &a->c_recs[n], *y = &b->c_recs[n];
		int strip = l3 || x->r_lt != y->r_lt;
		long ox = 0, oy = 0;

		if (!notime && x->r_ns != y->r_ns) {
			printf("pcapcmp: record %" PRIu64 " / %" PRIu64 ": time %" PRId64
			       " vs %" PRId64 " ns\n",
			       x->r_no, y->r_no, x->r_ns, y->r_ns);
			return 1;
		}
		if (strip) {
			ox = l2len(x->r_lt, x->r_data, x->r_caplen);
			oy = l2len(y->r_lt, y->r_data, y->r_caplen);
			if (ox < 0 || oy < 0) {
				printf("pcapcmp: record %" PRIu64
				       ": cannot find the network header "
				       "(link types %d / %d)\n",
				       x->r_no, x->r_lt, y->r_lt);
				return 1;
			}
		}
		if (x->r_caplen - ox != y->r_caplen - oy || x->r_len - ox != y->r_len - oy) {
			printf("pcapcmp: record %" PRIu64 " / %" PRIu64 ": length %" PRIu64
			       "/%" PRIu64 " vs %" PRIu64 "/%" PRIu64 " (captured/wire%s)\n",
			       x->r_no, y->r_no, (uint64_t)(x->r_caplen - ox),
			       (uint64_t)(x->r_len - ox), (uint64_t)(y->r_caplen - oy),
			       (uint64_t)(y->r_len - oy), strip ? ", from the network header" : "");
			return 1;
		}
		if (memcmp(x->r_data + ox, y->r_data + oy, x->r_caplen - ox) != 0) {
			uint32_t k = 0;

			while (x->r_data[ox + k] == y->r_data[oy + k])
				k++;
			printf("pcapcmp: record %" PRIu64 " / %" PRIu64
			       ": byte %u differs (0x%02x vs "
			       "0x%02x)%s\n",
			       x->r_no, y->r_no, (unsigned)k, x->r_data[ox + k], y->r_data[oy + k],
			       strip ? " from the network header" : "");
			return 1;
		}
	}
	if (a->c_n != b->c_n) {
		printf("pcapcmp: %zu records in %s, %zu in %s\n", a->c_n, a->c_path, b->c_n,
		       b->c_path);
		return 1;
	}
	printf("pcapcmp: %zu records equal%s%s\n", n,
	       a->c_n != 0 && (l3 || a->c_recs[0].r_lt != b->c_recs[0].r_lt)
	           ? " from the network header"
	           : "",
	       sort ? " (in timestamp order)" : "");
	return 0;
}

int
main(int argc, char **argv)
{
	int l3 = 0, notime = 0, sort = 0, i, rc;
	struct cap a = {0}, b = {0};

	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--l3") == 0)
			l3 = 1;
		else if (strcmp(argv[i], "--no-time") == 0)
			notime = 1;
		else if (strcmp(argv[i], "--sort") == 0)
			sort = 1;
		else if (strcmp(argv[i], "--comments") == 0 && i + 2 == argc) {
			size_t n;

			a.c_path = argv[i + 1];
			read_cap(&a);
			for (n = 0; n < a.c_n; n++)
				printf("%zu\t%s\n", n + 1,
				       a.c_recs[n].r_comment != NULL ? a.c_recs[n].r_comment : "");
			free_cap(&a);
			return 0;
		} else if (strcmp(argv[i], "--count") == 0 && i + 2 == argc) {
			a.c_path = argv[i + 1];
			read_cap(&a);
			printf("%zu\n", a.c_n);
			free_cap(&a);
			return 0;
		} else
			break;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: pcapcmp [--l3] [--no-time] [--sort] EXPECTED ACTUAL | "
		                "--count FILE | --comments FILE\n");
		return 2;
	}
	a.c_path = argv[i];
	b.c_path = argv[i + 1];
	read_cap(&a);
	read_cap(&b);
	if (sort && a.c_n > 1)
		qsort(a.c_recs, a.c_n, sizeof(*a.c_recs), by_time);
	if (sort && b.c_n > 1)
		qsort(b.c_recs, b.c_n, sizeof(*b.c_recs), by_time);
	rc = compare(&a, &b, l3, notime, sort);
	free_cap(&a);
	free_cap(&b);
	return rc;
}
