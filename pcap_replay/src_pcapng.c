/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * src_pcapng.c - nkesim's streaming pcapng block reader (host world).
 *
 * Why not libpcap: its pcapng support hands out packets only, as if from
 * one classic pcap interface.  It drops the interface id of each packet,
 * the interface names, and the epb_flags direction bits, and it refuses
 * sections whose interfaces have different link types; the simulated host
 * needs all of those.  So pcapng is read here, one block at a time, into a
 * buffer that only ever grows to the largest block (at most 256 MiB):
 * section headers in either byte order and any number of sections,
 * interface descriptions (if_name, if_tsresol in powers of 10 or 2,
 * if_tsoffset, if_MACaddr, snaplen), enhanced, simple and obsolete packet
 * blocks (epb_flags / pack_flags directions); every other block type
 * (name resolution, statistics, decryption secrets, custom) is skipped.
 *
 * Every length is checked before use: block lengths (a multiple of 4, at
 * least 12, the trailer equal to the header, at most 256 MiB), option
 * lengths against their block, packet lengths against their block.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nkr_priv.h"

#define BT_SHB           0x0a0d0d0au
#define BT_IDB           1u
#define BT_PB            2u /* obsolete packet block */
#define BT_SPB           3u
#define BT_EPB           6u
/* Apple's (experimental, in Apple's libpcap) process information block:
   a 32-bit pid, then options 2 (name) and 3 (path).  Enhanced packet
   blocks name theirs with option 0x8001 (index within the section) and
   0x8003 (the "effective" process, which wins when present). */
#define BT_PIB           0x80000001u
#define PIB_NAME         2
#define EPB_PIB_INDEX    0x8001
#define EPB_E_PIB_INDEX  0x8003
#define NKR_MAX_PIBS     65536
#define BYTE_ORDER_MAGIC 0x1a2b3c4du

#define OPT_ENDOFOPT 0
#define IF_NAME      2
#define IF_MACADDR   6
#define IF_TSRESOL   9
#define IF_TSOFFSET  14
#define EPB_FLAGS    2 /* also pack_flags in the obsolete packet block */

static uint16_t
g16(const struct nkr__ng *ng, const uint8_t *p)
{
	return ng->ng_be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t
g32(const struct nkr__ng *ng, const uint8_t *p)
{
	if (ng->ng_be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t
g64(const struct nkr__ng *ng, const uint8_t *p)
{
	uint64_t a = g32(ng, p), b = g32(ng, p + 4);

	return ng->ng_be ? a << 32 | b : b << 32 | a;
}

/*
 * Read the next block into ng_buf.  1: a block (*type, *len, *start: its
 * file offset), 0: end of file between blocks, -1: error set.
 */
static int
read_block(struct nkr_source *src, uint32_t *type, uint32_t *len, uint64_t *start)
{
	struct nkr__ng *ng = &src->sr_ng;
	unsigned long long off = src->sr_in.in_off;
	uint8_t h[12];
	size_t n, hdr = 8, cap;
	uint32_t l, bom_le, bom_be, trailer;
	uint8_t *b;

	*start = off;
	n = nkr__in_read(&src->sr_in, h, 8);
	if (n < 8 && src->sr_in.in_errno != 0)
		return nkr__err(src, "pcapng block at offset %llu: read error: %s", off,
		                strerror(src->sr_in.in_errno));
	if (n == 0)
		return 0;
	if (n < 8)
		return nkr__err(
		    src, "pcapng block at offset %llu: truncated block header (%zu of 8 bytes)",
		    off, n);
	if (h[0] == 0x0a && h[1] == 0x0d && h[2] == 0x0d && h[3] == 0x0a) {
		/* A section header: its byte-order magic says how to read it and
		   the blocks after it. */
		hdr = 12;
		n = nkr__in_read(&src->sr_in, h + 8, 4);
		if (n < 4)
			return nkr__err(src,
			                "pcapng block at offset %llu: truncated section header "
			                "(%zu of 12 bytes)",
			                off, n + 8);
		bom_be = (uint32_t)h[8] << 24 | (uint32_t)h[9] << 16 | (uint32_t)h[10] << 8 | h[11];
		bom_le = (uint32_t)h[11] << 24 | (uint32_t)h[10] << 16 | (uint32_t)h[9] << 8 | h[8];
		if (bom_be == BYTE_ORDER_MAGIC)
			ng->ng_be = 1;
		else if (bom_le == BYTE_ORDER_MAGIC)
			ng->ng_be = 0;
		else
			return nkr__err(
			    src,
			    "pcapng block at offset %llu: section header with a bad byte-order "
			    "magic 0x%08x",
			    off, bom_be);
		*type = BT_SHB;
	} else {
		*type = g32(ng, h);
	}
	l = g32(ng, h + 4);
	if (l % 4 != 0)
		return nkr__err(
		    src, "pcapng block at offset %llu: bad block length %u (not a multiple of 4)",
		    off, l);
	if (l < (*type == BT_SHB ? 28u : 12u))
		return nkr__err(src,
		                "pcapng block at offset %llu: bad block length %u (at least %u)",
		                off, l, *type == BT_SHB ? 28u : 12u);
	if (l > NKR_MAX_BLOCK)
		return nkr__err(
		    src, "pcapng block at offset %llu: bad block length %u (more than 256 MiB)",
		    off, l);
	if (l > ng->ng_bufcap) {
		cap = ng->ng_bufcap != 0 ? ng->ng_bufcap : 65536;
		while (cap < l)
			cap *= 2;
		b = realloc(ng->ng_buf, cap);
		if (b == NULL)
			return nkr__err(
			    src, "pcapng block at offset %llu: out of memory (%u bytes)", off, l);
		ng->ng_buf = b;
		ng->ng_bufcap = cap;
	}
	memcpy(ng->ng_buf, h, hdr);
	n = nkr__in_read(&src->sr_in, ng->ng_buf + hdr, l - hdr);
	if (n < l - hdr) {
		if (src->sr_in.in_errno != 0)
			return nkr__err(src, "pcapng block at offset %llu: read error: %s", off,
			                strerror(src->sr_in.in_errno));
		return nkr__err(src,
		                "pcapng block at offset %llu: truncated block (%zu of %u bytes)",
		                off, n + hdr, l);
	}
	trailer = g32(ng, ng->ng_buf + l - 4);
	if (trailer != l)
		return nkr__err(
		    src,
		    "pcapng block at offset %llu: bad block length: trailer %u differs from "
		    "header %u",
		    off, trailer, l);
	*len = l;
	return 1;
}

/*
 * Next option in [*pp, end): 1 with *code, *olen, *val; 0 at the end of the
 * options (opt_endofopt, or too few bytes left for another one); -1 when an
 * option overruns the block (error set).
 */
static int
opt_next(struct nkr_source *src, const uint8_t **pp, const uint8_t *end, uint16_t *code,
         uint16_t *olen, const uint8_t **val, unsigned long long off)
{
	const uint8_t *p = *pp;
	size_t padded;

	if (end - p < 4)
		return 0;
	*code = g16(&src->sr_ng, p);
	*olen = g16(&src->sr_ng, p + 2);
	if (*code == OPT_ENDOFOPT)
		return 0;
	p += 4;
	padded = ((size_t)*olen + 3) & ~(size_t)3;
	if (padded > (size_t)(end - p))
		return nkr__err(
		    src, "pcapng block at offset %llu: option %u of length %u overruns its block",
		    off, *code, *olen);
	*val = p;
	*pp = p + padded;
	return 1;
}

static int
do_shb(struct nkr_source *src, uint32_t len, unsigned long long off)
{
	struct nkr__ng *ng = &src->sr_ng;
	uint16_t major = g16(ng, ng->ng_buf + 12), minor = g16(ng, ng->ng_buf + 14);

	(void)len;
	if (major != 1)
		return nkr__err(src,
		                "pcapng block at offset %llu: unsupported pcapng version %u.%u",
		                off, major, minor);
	/* A new section: interface ids and process blocks start again. */
	ng->ng_nif = 0;
	ng->ng_npib = 0;
	ng->ng_nsections++;
	return 0;
}

static int
do_idb(struct nkr_source *src, uint32_t len, unsigned long long off)
{
	struct nkr__ng *ng = &src->sr_ng;
	const uint8_t *b = ng->ng_buf, *p, *end, *val = NULL, *name = NULL;
	struct nkr__capif *ci;
	uint16_t code, olen, namelen = 0;
	unsigned *m, cap;
	char where[96];
	int rc, idx, have_res = 0, have_off = 0, have_mac = 0;
	uint8_t res = 6, mac[6];
	int64_t tsoff = 0;

	snprintf(where, sizeof(where), "pcapng block at offset %llu: interface %u: ", off,
	         ng->ng_nif);
	if (len < 20)
		return nkr__err(src, "%sinterface block too short (%u bytes)", where, len);
	p = b + 16;
	end = b + len - 4;
	while ((rc = opt_next(src, &p, end, &code, &olen, &val, off)) == 1) {
		switch (code) {
		case IF_NAME:
			name = val;
			namelen = olen;
			break;
		case IF_TSRESOL:
			if (olen >= 1) {
				res = val[0];
				have_res = 1;
			}
			break;
		case IF_TSOFFSET:
			if (olen >= 8) {
				tsoff = (int64_t)g64(ng, val);
				have_off = 1;
			}
			break;
		case IF_MACADDR:
			if (olen >= 6) {
				memcpy(mac, val, 6);
				have_mac = 1;
			}
			break;
		default:
			break;
		}
	}
	if (rc < 0)
		return -1;
	idx = nkr__capif_add(src, g16(ng, b + 8), g32(ng, b + 12), (const char *)name, namelen,
	                     where);
	if (idx < 0)
		return -1;
	ci = &src->sr_capifs[idx];
	if (have_res) {
		ci->ci_tsres_pow2 = (res & 0x80) != 0;
		ci->ci_tsres_exp = res & 0x7f;
	}
	if (have_off)
		ci->ci_tsoffset = tsoff;
	if (have_mac) {
		memcpy(ci->ci_mac, mac, 6);
		ci->ci_has_mac = 1;
	}
	if (ng->ng_nif == ng->ng_ifcap) {
		cap = ng->ng_ifcap != 0 ? ng->ng_ifcap * 2 : 8;
		m = realloc(ng->ng_ifmap, cap * sizeof(*m));
		if (m == NULL)
			return nkr__err(src, "%sout of memory", where);
		ng->ng_ifmap = m;
		ng->ng_ifcap = cap;
	}
	ng->ng_ifmap[ng->ng_nif++] = (unsigned)idx;
	return 0;
}

static uint64_t
pow10u(unsigned e)
{
	uint64_t v = 1;

	while (e-- > 0)
		v *= 10;
	return v;
}

/* A timestamp in the interface's units to ns since the epoch (wrapping,
 * never overflowing: absurd values give absurd times, not undefined
 * behaviour). */
static int64_t
ts_ns(const struct nkr__capif *ci, uint64_t t)
{
	unsigned e = ci->ci_tsres_exp;
	uint64_t ns, frac;

	if (!ci->ci_tsres_pow2) {
		if (e <= 9)
			ns = t * pow10u(9 - e);
		else if (e - 9 <= 19)
			ns = t / pow10u(e - 9);
		else
			ns = 0;
	} else if (e == 0) {
		ns = t * 1000000000u;
	} else if (e >= 64) {
		ns = 0;
	} else {
		frac = t & ((UINT64_C(1) << e) - 1);
		ns = (t >> e) * 1000000000u;
		if (e <= 34)
			ns += (frac * 1000000000u) >> e;
		else
			ns += ((frac >> (e - 30)) * 1000000000u) >> 30;
	}
	return (int64_t)(ns + (uint64_t)ci->ci_tsoffset * 1000000000u);
}

static uint32_t
flags_dir(uint32_t flags)
{
	switch (flags & 3) {
	case 1:
		return NKS_DIR_IN;
	case 2:
		return NKS_DIR_OUT;
	default:
		return 0;
	}
}

/*
 * Direction from the epb_flags (pack_flags) option in [p, end), and the
 * packet's process from Apple's process-block index options.
 */
static int
pkt_opts(struct nkr_source *src, const uint8_t *p, const uint8_t *end, struct nkr__rec *r,
         unsigned long long off)
{
	struct nkr__ng *ng = &src->sr_ng;
	const uint8_t *val = NULL;
	uint16_t code, olen;
	uint32_t pib = UINT32_MAX, epib = UINT32_MAX;
	int rc;

	r->r_dir = 0;
	while ((rc = opt_next(src, &p, end, &code, &olen, &val, off)) == 1) {
		if (code == EPB_FLAGS && olen >= 4)
			r->r_dir = flags_dir(g32(ng, val));
		else if (code == EPB_PIB_INDEX && olen >= 4)
			pib = g32(ng, val);
		else if (code == EPB_E_PIB_INDEX && olen >= 4)
			epib = g32(ng, val);
	}
	if (epib != UINT32_MAX)
		pib = epib;
	/* An index to a block the section does not have is ignored. */
	if (pib < ng->ng_npib) {
		r->r_pid = ng->ng_pibs[pib].p_pid;
		memcpy(r->r_comm, ng->ng_pibs[pib].p_comm, sizeof(r->r_comm));
	}
	return rc;
}

static int
do_pib(struct nkr_source *src, uint32_t len, unsigned long long off)
{
	struct nkr__ng *ng = &src->sr_ng;
	const uint8_t *p, *end, *val = NULL;
	struct nkr__pib *pb;
	uint16_t code, olen;
	int rc;

	if (len < 16)
		return nkr__err(src, "pcapng block at offset %llu: process block too short (%u bytes)",
		                off, len);
	if (ng->ng_npib == ng->ng_pibcap) {
		unsigned cap = ng->ng_pibcap != 0 ? ng->ng_pibcap * 2 : 16;
		struct nkr__pib *n;

		if (ng->ng_npib >= NKR_MAX_PIBS)
			return nkr__err(src,
			                "pcapng block at offset %llu: more than %u process blocks "
			                "in one section",
			                off, NKR_MAX_PIBS);
		n = realloc(ng->ng_pibs, cap * sizeof(*n));
		if (n == NULL)
			return nkr__err(src, "out of memory");
		ng->ng_pibs = n;
		ng->ng_pibcap = cap;
	}
	pb = &ng->ng_pibs[ng->ng_npib++];
	pb->p_pid = (int32_t)g32(ng, ng->ng_buf + 8);
	pb->p_comm[0] = '\0';
	p = ng->ng_buf + 12;
	end = ng->ng_buf + len - 4;
	while ((rc = opt_next(src, &p, end, &code, &olen, &val, off)) == 1) {
		if (code == PIB_NAME && olen > 0) {
			size_t n = olen < sizeof(pb->p_comm) - 1 ? olen : sizeof(pb->p_comm) - 1;

			memcpy(pb->p_comm, val, n);
			pb->p_comm[n] = '\0';
		}
	}
	return rc < 0 ? -1 : 0;
}

/* The interface a packet names exists, in a link type we simulate. */
static int
check_if(struct nkr_source *src, uint32_t ifid)
{
	char where[64];

	if (ifid >= src->sr_ng.ng_nif)
		return nkr__err(
		    src,
		    "record %llu: interface id %u not declared (the section has %u interface "
		    "blocks)",
		    (unsigned long long)src->sr_nrec, ifid, src->sr_ng.ng_nif);
	snprintf(where, sizeof(where),
	         "record %llu: interface %u: ", (unsigned long long)src->sr_nrec, ifid);
	return nkr__capif_check(src, &src->sr_capifs[src->sr_ng.ng_ifmap[ifid]], where);
}

/* Enhanced (EPB) and obsolete (PB) packet blocks share their layout but
 * for the interface id's width. */
static int
do_pkt(struct nkr_source *src, uint32_t type, uint32_t len, unsigned long long off,
       struct nkr__rec *r)
{
	struct nkr__ng *ng = &src->sr_ng;
	const uint8_t *b = ng->ng_buf;
	uint32_t ifid, caplen, origlen, avail, padded;
	const struct nkr__capif *ci;
	const char *what = type == BT_EPB ? "EPB" : "packet block";

	if (len < 32)
		return nkr__err(src, "record %llu: %s too short (%u bytes)",
		                (unsigned long long)src->sr_nrec, what, len);
	ifid = type == BT_EPB ? g32(ng, b + 8) : g16(ng, b + 8);
	caplen = g32(ng, b + 20);
	origlen = g32(ng, b + 24);
	avail = len - 32;
	if (caplen > avail)
		return nkr__err(
		    src, "record %llu: %s caplen %u exceeds its block (%u bytes of packet data)",
		    (unsigned long long)src->sr_nrec, what, caplen, avail);
	if (check_if(src, ifid) < 0)
		return -1;
	padded = (caplen + 3) & ~3u;
	if (padded > avail)
		padded = avail;
	if (pkt_opts(src, b + 28 + padded, b + len - 4, r, off) < 0)
		return -1;
	r->r_capif = ng->ng_ifmap[ifid];
	ci = &src->sr_capifs[r->r_capif];
	r->r_time_ns = ts_ns(ci, (uint64_t)g32(ng, b + 12) << 32 | g32(ng, b + 16));
	ng->ng_last_ts = r->r_time_ns;
	r->r_caplen = caplen;
	r->r_wirelen = origlen >= caplen ? origlen : caplen;
	r->r_data = b + 28;
	return 1;
}

/*
 * A simple packet block: interface 0 of the section, the interface's snap
 * length, and no timestamp: it gets the previous packet's.
 */
static int
do_spb(struct nkr_source *src, uint32_t len, struct nkr__rec *r)
{
	struct nkr__ng *ng = &src->sr_ng;
	const struct nkr__capif *ci;
	uint32_t origlen, caplen;

	if (len < 16)
		return nkr__err(src, "record %llu: simple packet block too short (%u bytes)",
		                (unsigned long long)src->sr_nrec, len);
	if (check_if(src, 0) < 0)
		return -1;
	r->r_capif = ng->ng_ifmap[0];
	ci = &src->sr_capifs[r->r_capif];
	origlen = g32(ng, ng->ng_buf + 8);
	caplen = len - 16;
	if (origlen < caplen)
		caplen = origlen;
	if (ci->ci_snaplen != 0 && ci->ci_snaplen < caplen)
		caplen = ci->ci_snaplen;
	r->r_caplen = caplen;
	r->r_wirelen = origlen;
	r->r_time_ns = ng->ng_last_ts;
	r->r_data = ng->ng_buf + 12;
	r->r_dir = 0;
	return 1;
}

int
nkr__ng_next(struct nkr_source *src, struct nkr__rec *r)
{
	uint32_t type, len;
	uint64_t start;
	int rc;

	for (;;) {
		rc = read_block(src, &type, &len, &start);
		if (rc <= 0)
			return rc;
		switch (type) {
		case BT_SHB:
			if (do_shb(src, len, start) < 0)
				return -1;
			break;
		case BT_IDB:
			if (do_idb(src, len, start) < 0)
				return -1;
			break;
		case BT_EPB:
		case BT_PB:
		case BT_SPB:
			src->sr_nrec++;
			memset(r, 0, sizeof(*r));
			r->r_index = src->sr_nrec;
			r->r_pid = -1;
			if (type == BT_SPB)
				rc = do_spb(src, len, r);
			else
				rc = do_pkt(src, type, len, start, r);
			return rc;
		case BT_PIB:
			if (do_pib(src, len, start) < 0)
				return -1;
			break;
		default:
			/* Name resolution, statistics, decryption secrets,
			   custom and unknown blocks: nothing for us. */
			break;
		}
	}
}

int
nkr__ng_open(struct nkr_source *src)
{
	uint32_t type, len;
	uint64_t start;
	int rc;

	rc = read_block(src, &type, &len, &start);
	if (rc == 0)
		return nkr__err(src, "truncated file header");
	if (rc < 0)
		return -1;
	return do_shb(src, len, start);
}

void
nkr__ng_close(struct nkr_source *src)
{
	free(src->sr_ng.ng_buf);
	free(src->sr_ng.ng_ifmap);
	free(src->sr_ng.ng_pibs);
	src->sr_ng.ng_buf = NULL;
	src->sr_ng.ng_ifmap = NULL;
}
