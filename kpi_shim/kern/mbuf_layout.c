/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mbuf_layout.c - the --mbuf-layout stress modes (kernel world): how each
 * captured packet is cut into mbufs before the stack delivers it, so a
 * filter that assumes more contiguity than XNU promises (kpi-reference.md
 * 3, item 1) meets a chain that breaks it in the simulator first.
 *
 * Layouts (enum nks_layout): contiguous (the default, nothing done: the
 * frame is in one header mbuf if it fits, else in a cluster, net_sim.c);
 * driver (a small frame copied into one header mbuf, larger ones in 2 KB
 * clusters, as receive drivers do); split-headers (the link header alone,
 * the IP header alone, an empty mbuf, the transport header alone, then the
 * payload); bytes (one byte per mbuf); random (cuts drawn from the seed and
 * the record index, empty mbufs included); guard (contiguous).  Every
 * layout but the contiguous one guards each mbuf: the bytes past its data
 * hold a fill pattern and, under AddressSanitizer, are poisoned, so a read
 * past mbuf_len() through mbuf_data() stops with a sanitizer report.  The
 * mbuf layer lifts the guard of an mbuf as soon as a KPI call may make
 * those bytes part of the data (mbuf_setlen, mbuf_trailingspace, pullup,
 * copyback, ...): only reads the kext was never promised are caught.
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>

#include "kern_checks.h"
#include "mbuf_internal.h"

#define LAYOUT_MAXSEG 65536

struct layout {
	u_int32_t ly_len;   /* bytes to place */
	u_int32_t ly_nseg;
	u_int32_t *ly_seg;  /* segment lengths (0: an empty mbuf) */
	u_int32_t ly_cap;
	u_int64_t ly_rng;
};

static u_int32_t *seg_buf;
static u_int32_t seg_cap;

NKE_KPI int
NKS_checks_have_guard(void)
{
#ifdef NKE_ASAN
	return 1;
#else
	return 0;
#endif
}

static u_int64_t
splitmix(u_int64_t *s)
{
	u_int64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int
seg_add(struct layout *ly, u_int32_t n)
{
	if (ly->ly_nseg == ly->ly_cap) {
		u_int32_t cap = ly->ly_cap != 0 ? ly->ly_cap * 2 : 64;
		u_int32_t *nb;

		if (cap > LAYOUT_MAXSEG)
			return -1;
		/* The simulator's own buffer: no failure injection. */
		nb = nke__hostops->ho_alloc(nke__hostops->ho_arg, cap * sizeof(*nb));
		if (nb == NULL)
			return -1;
		if (ly->ly_nseg > 0)
			memcpy(nb, ly->ly_seg, ly->ly_nseg * sizeof(*nb));
		NKH_free(ly->ly_seg, ly->ly_cap * sizeof(*nb));
		ly->ly_seg = nb;
		ly->ly_cap = cap;
	}
	ly->ly_seg[ly->ly_nseg++] = n;
	return 0;
}

/* Network and transport header lengths of an IP packet (0: unknown). */
static void
header_lengths(struct __mbuf *m, u_int32_t off, u_int32_t len, u_int32_t *iphl, u_int32_t *thl)
{
	u_int8_t h[60 + 60];
	u_int32_t n, ihl = 0, proto = 0;

	*iphl = *thl = 0;
	if (off >= len)
		return;
	n = len - off < sizeof(h) ? len - off : (u_int32_t)sizeof(h);
	if (n < 20)
		return;
	nke__m_copydata(m, (int)off, (int)n, h);
	if ((h[0] >> 4) == 4) {
		ihl = (u_int32_t)(h[0] & 0x0f) << 2;
		proto = h[9];
		/* A fragment after the first has no transport header. */
		if ((((u_int32_t)h[6] << 8 | h[7]) & 0x1fff) != 0)
			proto = 0;
	} else if ((h[0] >> 4) == 6 && n >= 40) {
		ihl = 40;
		proto = h[6];
	} else {
		return;
	}
	if (ihl < 20 || ihl > n)
		return;
	*iphl = ihl;
	if (proto == NKE_IPPROTO_TCP && n >= ihl + 20) {
		u_int32_t doff = (u_int32_t)(h[ihl + 12] >> 4) << 2;

		if (doff >= 20 && ihl + doff <= len - off)
			*thl = doff;
	} else if ((proto == NKE_IPPROTO_UDP || proto == 1 || proto == 58) && n >= ihl + 8) {
		*thl = 8;
	}
}

/* Fill ly with the cut of a packet of ly_len bytes (l2: link header first). */
static int
plan(struct layout *ly, struct __mbuf *m, u_int32_t l2, u_int32_t hdr_room)
{
	u_int32_t len = ly->ly_len, done = 0, iphl, thl;

	switch (nke__chk_layout) {
	case NKS_LAYOUT_DRIVER:
		if (len + hdr_room <= NKE_MHLEN)
			return seg_add(ly, len);
		while (done < len) {
			u_int32_t room = NKE_MCLBYTES - (done == 0 ? hdr_room : 0);
			u_int32_t k = len - done < room ? len - done : room;

			if (seg_add(ly, k) != 0)
				return -1;
			done += k;
		}
		return 0;
	case NKS_LAYOUT_SPLIT_HEADERS:
		/* The link header alone (or, inbound, an empty head before the data). */
		if (seg_add(ly, l2 < len ? l2 : len) != 0)
			return -1;
		done = l2 < len ? l2 : len;
		header_lengths(m, l2, len, &iphl, &thl);
		if (iphl > 0 && done + iphl <= len) {
			if (seg_add(ly, iphl) != 0 || seg_add(ly, 0) != 0)
				return -1;
			done += iphl;
			if (thl > 0 && done + thl <= len) {
				if (seg_add(ly, thl) != 0)
					return -1;
				done += thl;
			}
		}
		return done < len ? seg_add(ly, len - done) : 0;
	case NKS_LAYOUT_BYTES:
		if (seg_add(ly, l2) != 0)
			return -1;
		for (done = l2; done < len; done++)
			if (seg_add(ly, 1) != 0)
				return -1;
		return 0;
	case NKS_LAYOUT_RANDOM:
		if (l2 > 0) {
			if (seg_add(ly, l2 < len ? l2 : len) != 0)
				return -1;
			done = l2 < len ? l2 : len;
		}
		while (done < len) {
			u_int64_t r = splitmix(&ly->ly_rng);
			u_int32_t k;

			if ((r & 7) == 0) {
				k = 0; /* an empty mbuf */
			} else if ((r & 0x30) == 0) {
				k = (u_int32_t)((r >> 8) % 2048) + 1; /* a big piece */
			} else {
				k = (u_int32_t)((r >> 8) % 64) + 1;
			}
			if (k > len - done)
				k = len - done;
			if (seg_add(ly, k) != 0)
				return -1;
			done += k;
		}
		return 0;
	default:
		return seg_add(ly, len);
	}
}

/* One mbuf for a segment of k bytes (plus room bytes in front); NULL if none. */
static struct __mbuf *
seg_mbuf(u_int32_t k, u_int32_t room, int hdr)
{
	u_int32_t need = k + room, size;
	struct __mbuf *n;

	if (need <= (hdr ? NKE_MHLEN : NKE_MLEN))
		return hdr ? nke__m_gethdr(M_DONTWAIT, MT_DATA) : nke__m_get(M_DONTWAIT, MT_DATA);
	size = need <= NKE_MCLBYTES      ? NKE_MCLBYTES
	       : need <= NKE_MBIGCLBYTES ? NKE_MBIGCLBYTES
	       : need <= NKE_M16KCLBYTES ? NKE_M16KCLBYTES
	                                 : 0;
	if (size == 0)
		return NULL;
	n = nke__m_getcl(M_DONTWAIT, MT_DATA, hdr, size);
	return n;
}

/*
 * Re-cut the packet m (its data at the network header, or at a link header
 * of l2 bytes) per the configured layout and return the new chain, which
 * carries m's packet header; m is freed.  With keep_frame, the frame header
 * the packet header points at, right before the data, moves along in front
 * of the new head's data.  On any shortage the packet stays as it was.
 * nke__layout_apply() below: with the default layout (every frame, once),
 * a test and no call; this does the work, out of line.
 */
static __attribute__((noinline)) struct __mbuf *
layout_apply_work(struct __mbuf *m, u_int32_t l2, int keep_frame)
{
	struct layout ly;
	struct __mbuf *top = NULL, **np = &top, *n;
	u_int32_t i, off = 0, fhl = 0;
	caddr_t fh = NULL;

	if (m == NULL || !(m->m_flags & M_PKTHDR) || m->m_pkthdr.len < 0)
		return m;
	if (nke__chk_layout == NKS_LAYOUT_GUARD) {
		for (n = m; n != NULL; n = n->m_next)
			nke__m_guard(n);
		return m;
	}
	if (keep_frame && m->m_pkthdr.pkt_hdr != NULL) {
		fh = m->m_pkthdr.pkt_hdr;
		if (fh >= nke__m_start(m) && fh < m->m_data && m->m_data - fh <= 64)
			fhl = (u_int32_t)(m->m_data - fh);
		else
			fh = NULL;
	}
	memset(&ly, 0, sizeof(ly));
	ly.ly_len = (u_int32_t)m->m_pkthdr.len;
	if ((size_t)ly.ly_len > nke__m_length(m))
		return m;
	ly.ly_seg = seg_buf;
	ly.ly_cap = seg_cap;
	/* Random cuts depend on the seed and the record only. */
	ly.ly_rng = nke__chk_seed ^ (nke__cur_index * 0x2545f4914f6cdd1dULL);
	if (plan(&ly, m, l2, fhl) != 0)
		goto fail;
	for (i = 0; i < ly.ly_nseg; i++) {
		u_int32_t k = ly.ly_seg[i], room = i == 0 ? fhl : 0;

		n = seg_mbuf(k, room, i == 0);
		if (n == NULL)
			goto fail;
		*np = n;
		np = &n->m_next;
		n->m_data += room;
		if (k > 0)
			nke__m_copydata(m, (int)off, (int)k, n->m_data);
		n->m_len = (int32_t)k;
		off += k;
	}
	if (fh != NULL)
		memcpy(top->m_data - fhl, fh, fhl);
	/* The header (tags and the stack's packet context included) moves. */
	nke__m_copy_pkthdr(top, m);
	/* copy_pkthdr resets the data pointer of an mbuf without a cluster. */
	if (!(top->m_flags & M_EXT))
		top->m_data = top->m_pktdat + fhl;
	if (fh != NULL)
		top->m_pkthdr.pkt_hdr = top->m_data - fhl;
	top->m_pkthdr.len = (int32_t)ly.ly_len;
	for (n = top; n != NULL; n = n->m_next)
		nke__m_guard(n);
	seg_buf = ly.ly_seg;
	seg_cap = ly.ly_cap;
	nke__m_freem(m);
	return top;
fail:
	seg_buf = ly.ly_seg;
	seg_cap = ly.ly_cap;
	if (top != NULL)
		nke__m_freem(top);
	return m;
}

struct __mbuf *
nke__layout_apply(struct __mbuf *m, u_int32_t l2, int keep_frame)
{
	/* The default layout (once per frame): nothing to do. */
	if (NKE_LIKELY(nke__chk_layout == NKS_LAYOUT_CONTIGUOUS))
		return m;
	return layout_apply_work(m, l2, keep_frame);
}

void
nke__layout_fini(void)
{
	NKH_free(seg_buf, seg_cap * sizeof(*seg_buf));
	seg_buf = NULL;
	seg_cap = 0;
}
