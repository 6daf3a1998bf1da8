/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kpi_mbuf.c - the mbuf KPI exported to kexts (kernel world).
 *
 * Thin mbuf_* wrappers over the chain engine (uipc_mbuf.c, uipc_mbuf2.c)
 * that translate results to Darwin errno_t and clear out-parameters on
 * failure, plus the parts of XNU's bsd/kern/kpi_mbuf.c that are KPI-only:
 * flag rules, checksum/offload words, VLAN tags, traffic classes, packet
 * tags, statistics and the Apple-private packet-header accessors.
 *
 * As in XNU, most functions do not check their arguments: a NULL or freed
 * mbuf is the kext's bug.  nkesim adds a few checks where XNU would crash
 * or corrupt memory silently (double frees panic; packet-header accessors
 * used on an mbuf without a header are reported as "mbuf-no-pkthdr").
 * Nothing here blocks.
 */
#include <sys/errno.h>
#include <string.h>
#include <limits.h>
#include <stdint.h>

#include "mbuf_internal.h"
#include "kern_checks.h"

#define NKE_MAX_TX_COMPL_FUNC 8

static mbuf_tx_compl_func nke_tx_compl_table[NKE_MAX_TX_COMPL_FUNC];
static u_int32_t nke_tx_compl_index;

void
nke__mbuf_kpi_init(void)
{
	memset(nke_tx_compl_table, 0, sizeof(nke_tx_compl_table));
	nke_tx_compl_index = 0;
}

/*
 * XNU reads and writes the packet-header area whether or not the mbuf has
 * one (for a plain mbuf that area is its data).  nkesim does the same, but
 * reports the misuse, and the use of a freed mbuf.  (A macro: the caller's
 * return address is the kext's call site.)
 */
#define nke_pkthdr_check(m, fn)                                                                    \
	do {                                                                                       \
		if (NKE_UNLIKELY(!((m)->m_nkeflags & NKE_MF_LIVE)))                                \
			nke__m_uaf((m), (fn), __builtin_return_address(0));                        \
		else if (NKE_UNLIKELY(!((m)->m_flags & M_PKTHDR)))                                 \
			nke__report("mbuf-no-pkthdr",                                              \
			            "%s called on mbuf %p, which has no packet header", (fn),      \
			            (void *)(m));                                                  \
	} while (0)

/* A KPI that changes the mbuf: report and give up on a freed one. */
#define NKE_M_LIVE_OR(m, fn, ret)                                                                  \
	do {                                                                                       \
		if (NKE_UNLIKELY(!((m)->m_nkeflags & NKE_MF_LIVE))) {                              \
			nke__m_uaf((m), (fn), __builtin_return_address(0));                        \
			return ret;                                                                \
		}                                                                                  \
	} while (0)

/*
 * The kext frees an mbuf that it handed over to the stack, which still
 * holds it (an injection that took it, a control's receive queue): in XNU
 * the stack frees it again later.  Reported; nkesim leaves it to the stack.
 */
static int
nke_handed_over(mbuf_t m, const char *fn, const void *ra)
{
	char d[768], sym[128];

	if (NKE_LIKELY(m->m_owner != NKE_OWN_STACK) || m->m_osite == 0 ||
	    nke__site_kind(m->m_osite) != NKE_SITE_HANDOFF || !nke__m_live(m))
		return 0;
	nke__report("mbuf-free-after-handoff",
	            "%s(%p) at %s frees a packet the stack owns: it was %s; not freed (the stack "
	            "will)",
	            fn, (void *)m, nke__sym(ra, sym, sizeof(sym)),
	            nke__m_describe(m, d, sizeof(d)));
	return 1;
}

/* ===================================================================== */
/* Data access                                                           */
/* ===================================================================== */

NKE_KPI void *
mbuf_data(mbuf_t mbuf)
{
	NKE_M_LIVE_CHECK(mbuf, "mbuf_data");
	return mbuf->m_data;
}

NKE_KPI void *
mbuf_datastart(mbuf_t mbuf)
{
	NKE_M_LIVE_CHECK(mbuf, "mbuf_datastart");
	nke__m_unguard(mbuf);
	return nke__m_start(mbuf);
}

NKE_KPI errno_t
mbuf_setdata(mbuf_t mbuf, void *data, size_t len)
{
	uintptr_t start;

	NKE_M_LIVE_OR(mbuf, "mbuf_setdata", EINVAL);
	nke__m_unguard(mbuf);
	start = (uintptr_t)nke__m_start(mbuf);
	size_t maxlen = mbuf_maxlen(mbuf);

	if ((uintptr_t)data < start || (uintptr_t)data + len > start + maxlen)
		return EINVAL;
	mbuf->m_data = data;
	mbuf->m_len = (int32_t)len;
	return 0;
}

NKE_KPI errno_t
mbuf_align_32(mbuf_t mbuf, size_t len)
{
	size_t room;

	NKE_M_LIVE_OR(mbuf, "mbuf_align_32", EINVAL);
	if ((mbuf->m_flags & M_EXT) && nke__m_mclhasreference(mbuf))
		return ENOTSUP;
	nke__m_unguard(mbuf);
	mbuf->m_data = nke__m_start(mbuf);
	room = (size_t)nke__m_trailingspace(mbuf);
	if (len > room) {
		/*
		 * NKE-DIVERGENCE: XNU computes (room - len) in size_t and moves
		 * the data pointer far outside the mbuf.  Report the bug and
		 * leave the data at the start of the storage instead.
		 */
		nke__report("mbuf-align-overflow",
		            "mbuf_align_32: %zu bytes do not fit in mbuf %p (%zu bytes free)", len,
		            (void *)mbuf, room);
		return 0;
	}
	mbuf->m_data += (room - len) & ~(size_t)(sizeof(u_int32_t) - 1);
	return 0;
}

NKE_KPI addr64_t
mbuf_data_to_physical(void *ptr)
{
	/* No physical memory in user space: the address itself. */
	return (addr64_t)(uintptr_t)ptr;
}

/* ===================================================================== */
/* Allocation                                                            */
/* ===================================================================== */

NKE_KPI errno_t
mbuf_get(mbuf_how_t how, mbuf_type_t type, mbuf_t *mbuf)
{
	NKE_KPI_CALL("mbuf_get");

	*mbuf = nke__m_get((int)how, (int)type);
	return *mbuf == NULL ? ENOMEM : 0;
}

NKE_KPI errno_t
mbuf_gethdr(mbuf_how_t how, mbuf_type_t type, mbuf_t *mbuf)
{
	NKE_KPI_CALL("mbuf_gethdr");

	*mbuf = nke__m_gethdr((int)how, (int)type);
	return *mbuf == NULL ? ENOMEM : 0;
}

NKE_KPI errno_t
mbuf_attachcluster(mbuf_how_t how, mbuf_type_t type, mbuf_t *mbuf, caddr_t extbuf,
                   void (*extfree)(caddr_t, u_int, caddr_t), size_t extsize, caddr_t extarg)
{
	NKE_KPI_CALL("mbuf_attachcluster");

	if (mbuf == NULL || extbuf == NULL || extfree == NULL || extsize == 0)
		return EINVAL;
	*mbuf = nke__m_clattach(*mbuf, (int)type, extbuf, extfree, extsize, extarg, (int)how);
	return *mbuf == NULL ? ENOMEM : 0;
}

NKE_KPI errno_t
mbuf_alloccluster(mbuf_how_t how, size_t *size, char **addr)
{
	u_int csize;
	caddr_t buf;

	if (size == NULL || *size == 0 || addr == NULL)
		return EINVAL;
	if (*size <= NKE_MCLBYTES)
		csize = NKE_MCLBYTES;
	else if (*size <= NKE_MBIGCLBYTES)
		csize = NKE_MBIGCLBYTES;
	else if (*size <= NKE_M16KCLBYTES)
		csize = NKE_M16KCLBYTES;
	else
		csize = 0;
	buf = csize != 0 ? nke__cl_alloc((int)how, csize) : NULL;
	if (buf == NULL) {
		/* NKE-DIVERGENCE: XNU leaves *addr alone on failure. */
		*addr = NULL;
		return ENOMEM;
	}
	*size = csize;
	*addr = buf;
	return 0;
}

NKE_KPI void
mbuf_freecluster(caddr_t addr, size_t size)
{
	nke__cl_free(addr, size, "mbuf_freecluster");
}

NKE_KPI errno_t
mbuf_getcluster(mbuf_how_t how, mbuf_type_t type, size_t size, mbuf_t *mbuf)
{
	NKE_KPI_CALL("mbuf_getcluster");
	errno_t error = 0;
	int created = 0;

	if (mbuf == NULL)
		return EINVAL;
	if (*mbuf == NULL) {
		*mbuf = nke__m_get((int)how, (int)type);
		if (*mbuf == NULL)
			return ENOMEM;
		created = 1;
	}
	if (size == NKE_MCLBYTES || size == NKE_MBIGCLBYTES || size == NKE_M16KCLBYTES) {
		if (nke__m_clget(*mbuf, (int)how, (u_int)size) != 0)
			error = ENOMEM;
	} else {
		error = EINVAL;
	}
	if (created && error != 0) {
		nke__m_free(*mbuf);
		*mbuf = NULL;
	}
	return error;
}

NKE_KPI errno_t
mbuf_mclget(mbuf_how_t how, mbuf_type_t type, mbuf_t *mbuf)
{
	NKE_KPI_CALL("mbuf_mclget");
	int created = 0;

	if (mbuf == NULL)
		return EINVAL;
	if (*mbuf == NULL) {
		*mbuf = nke__m_get((int)how, (int)type);
		if (*mbuf == NULL)
			return ENOMEM;
		created = 1;
	}
	if (nke__m_clget(*mbuf, (int)how, NKE_MCLBYTES) != 0) {
		if (created) {
			nke__m_free(*mbuf);
			*mbuf = NULL;
		}
		return ENOMEM;
	}
	return 0;
}

NKE_KPI errno_t
mbuf_allocpacket(mbuf_how_t how, size_t packetlen, unsigned int *maxchunks, mbuf_t *mbuf)
{
	NKE_KPI_CALL("mbuf_allocpacket");
	unsigned int numpkts = 1;
	unsigned int numchunks = maxchunks != NULL ? *maxchunks : 0;
	mbuf_t m;

	/* NKE-DIVERGENCE: XNU leaves *mbuf alone on failure; nkesim clears it. */
	if (packetlen == 0) {
		*mbuf = NULL;
		return EINVAL;
	}
	m = nke__m_allocpacket(&numpkts, packetlen, maxchunks != NULL ? &numchunks : NULL,
	                       (int)how);
	if (m == NULL) {
		*mbuf = NULL;
		if (maxchunks != NULL && *maxchunks != 0 && numchunks > *maxchunks)
			return ENOBUFS;
		return ENOMEM;
	}
	if (maxchunks != NULL)
		*maxchunks = numchunks;
	*mbuf = m;
	return 0;
}

NKE_KPI errno_t
mbuf_allocpacket_list(unsigned int numpkts, mbuf_how_t how, size_t packetlen,
                      unsigned int *maxchunks, mbuf_t *mbuf)
{
	NKE_KPI_CALL("mbuf_allocpacket_list");
	unsigned int numchunks = maxchunks != NULL ? *maxchunks : 0;
	mbuf_t m;

	if (numpkts == 0 || packetlen == 0) {
		*mbuf = NULL;
		return EINVAL;
	}
	m = nke__m_allocpacket(&numpkts, packetlen, maxchunks != NULL ? &numchunks : NULL,
	                       (int)how);
	if (m == NULL) {
		*mbuf = NULL;
		if (maxchunks != NULL && *maxchunks != 0 && numchunks > *maxchunks)
			return ENOBUFS;
		return ENOMEM;
	}
	if (maxchunks != NULL)
		*maxchunks = numchunks;
	*mbuf = m;
	return 0;
}

NKE_KPI errno_t
mbuf_getpacket(mbuf_how_t how, mbuf_t *mbuf)
{
	NKE_KPI_CALL("mbuf_getpacket");

	*mbuf = nke__m_getpacket_how((int)how);
	if (*mbuf == NULL)
		return how == MBUF_WAITOK ? ENOMEM : EWOULDBLOCK;
	return 0;
}

/*
 * A second free is reported ("mbuf-double-free", by nke__m_free) and
 * ignored; NKE-DIVERGENCE: XNU panics or corrupts its free lists.
 */
NKE_KPI mbuf_t
mbuf_free(mbuf_t mbuf)
{
	NKE_KPI_CALL("mbuf_free");

	if (nke_handed_over(mbuf, "mbuf_free", __builtin_return_address(0)))
		return NULL;
	return nke__m_free(mbuf);
}

NKE_KPI void
mbuf_freem(mbuf_t mbuf)
{
	NKE_KPI_CALL("mbuf_freem");

	if (mbuf != NULL && nke_handed_over(mbuf, "mbuf_freem", __builtin_return_address(0)))
		return;
	nke__m_freem(mbuf);
}

NKE_KPI int
mbuf_freem_list(mbuf_t mbuf)
{
	NKE_KPI_CALL("mbuf_freem_list");

	if (mbuf != NULL && nke_handed_over(mbuf, "mbuf_freem_list", __builtin_return_address(0)))
		return 0;
	return nke__m_freem_list(mbuf);
}

NKE_KPI size_t
mbuf_leadingspace(const mbuf_t mbuf)
{
	NKE_M_LIVE_CHECK(mbuf, "mbuf_leadingspace");
	return (size_t)nke__m_leadingspace(mbuf);
}

NKE_KPI size_t
mbuf_trailingspace(const mbuf_t mbuf)
{
	NKE_M_LIVE_CHECK(mbuf, "mbuf_trailingspace");
	/* The kext may write there now: the layout's guard goes. */
	nke__m_unguard(mbuf);
	return (size_t)nke__m_trailingspace(mbuf);
}

/* ===================================================================== */
/* Manipulation                                                          */
/* ===================================================================== */

NKE_KPI errno_t
mbuf_copym(const mbuf_t src, size_t offset, size_t len, mbuf_how_t how, mbuf_t *new_mbuf)
{
	NKE_KPI_CALL("mbuf_copym");

	*new_mbuf = NULL;
	NKE_M_LIVE_OR(src, "mbuf_copym", EINVAL);
	*new_mbuf = nke__m_copym(src, (int)offset, (int)len, (int)how);
	if (*new_mbuf == NULL)
		return ENOMEM;
	/* Clusters are shared now: watch the bytes both chains see. */
	nke__m_shared_mark(*new_mbuf);
	return 0;
}

NKE_KPI errno_t
mbuf_dup(const mbuf_t src, mbuf_how_t how, mbuf_t *new_mbuf)
{
	NKE_KPI_CALL("mbuf_dup");

	*new_mbuf = NULL;
	NKE_M_LIVE_OR(src, "mbuf_dup", EINVAL);
	*new_mbuf = nke__m_dup(src, (int)how);
	return *new_mbuf == NULL ? ENOMEM : 0;
}

NKE_KPI errno_t
mbuf_prepend(mbuf_t *orig, size_t len, mbuf_how_t how)
{
	NKE_KPI_CALL("mbuf_prepend");

	NKE_M_LIVE_OR(*orig, "mbuf_prepend", EINVAL);
	*orig = nke__m_prepend_2(*orig, (int)len, (int)how);
	return *orig == NULL ? ENOMEM : 0;
}

NKE_KPI errno_t
mbuf_split(mbuf_t src, size_t offset, mbuf_how_t how, mbuf_t *new_mbuf)
{
	NKE_KPI_CALL("mbuf_split");

	*new_mbuf = NULL;
	NKE_M_LIVE_OR(src, "mbuf_split", EINVAL);
	*new_mbuf = nke__m_split(src, (int)offset, (int)how);
	/* The two parts share a cluster but see disjoint bytes: nothing to watch. */
	return *new_mbuf == NULL ? ENOMEM : 0;
}

NKE_KPI errno_t
mbuf_pullup(mbuf_t *mbuf, size_t len)
{
	NKE_KPI_CALL("mbuf_pullup");

	NKE_M_LIVE_OR(*mbuf, "mbuf_pullup", EINVAL);
	*mbuf = nke__m_pullup(*mbuf, (int)len);
	return *mbuf == NULL ? ENOMEM : 0;
}

NKE_KPI errno_t
mbuf_pulldown(mbuf_t src, size_t *offset, size_t len, mbuf_t *location)
{
	NKE_KPI_CALL("mbuf_pulldown");
	int new_offset = 0;

	NKE_M_LIVE_OR(src, "mbuf_pulldown", EINVAL);
	*location = nke__m_pulldown(src, (int)*offset, (int)len, &new_offset);
	/* NKE-DIVERGENCE: XNU stores an uninitialised *offset on failure. */
	if (*location == NULL)
		return ENOMEM;
	*offset = (size_t)new_offset;
	return 0;
}

NKE_KPI void
mbuf_adj(mbuf_t mbuf, int len)
{
	NKE_M_LIVE_OR(mbuf, "mbuf_adj", );
	nke__m_adj(mbuf, len);
}

NKE_KPI errno_t
mbuf_adjustlen(mbuf_t m, int amount)
{
	NKE_M_LIVE_OR(m, "mbuf_adjustlen", EINVAL);
	nke__m_unguard(m);
	if (amount > 0) {
		size_t used = (size_t)(m->m_data - nke__m_start(m)) + (size_t)m->m_len;

		if ((size_t)amount + used > mbuf_maxlen(m))
			return EINVAL;
	} else if (-(long)amount > m->m_len) {
		return EINVAL;
	}
	m->m_len += amount;
	return 0;
}

NKE_KPI mbuf_t
mbuf_concatenate(mbuf_t dst, mbuf_t src)
{
	if (dst == NULL)
		return NULL;
	NKE_M_LIVE_OR(dst, "mbuf_concatenate", dst);
	if (src != NULL)
		NKE_M_LIVE_OR(src, "mbuf_concatenate", dst);
	nke__m_cat(dst, src);
	return dst;
}

NKE_KPI errno_t
mbuf_copydata(const mbuf_t m0, size_t off, size_t len, void *out_data)
{
	mbuf_t m = m0;
	char *out = out_data;
	size_t count;

	if (off >= INT_MAX || len >= INT_MAX)
		return EINVAL;
	if (m0 != NULL)
		NKE_M_LIVE_CHECK(m0, "mbuf_copydata");
	/* As XNU: nothing to copy into is a success. */
	if (out_data == NULL || len == 0)
		return 0;
	while (off > 0) {
		if (m == NULL)
			return EINVAL;
		if (off < (size_t)m->m_len)
			break;
		off -= (size_t)m->m_len;
		m = m->m_next;
	}
	while (len > 0) {
		/* The bytes copied so far stay written. */
		if (m == NULL)
			return EINVAL;
		count = (size_t)m->m_len - off > len ? len : (size_t)m->m_len - off;
		memcpy(out, m->m_data + off, count);
		len -= count;
		out += count;
		off = 0;
		m = m->m_next;
	}
	return 0;
}

/* Do [off, off + len) of m's data meet the bytes a kext's mbuf_copym shared? */
static int
nke_watched(mbuf_t m, size_t off, size_t len)
{
	const struct nke_extref *er = m->m_ext.ext_ref;
	long lo = (m->m_data - m->m_ext.ext_buf) + (long)off, hi;

	if (er->er_sumlen == 0)
		return 0;
	if (len > (size_t)m->m_len - off)
		len = (size_t)m->m_len - off;
	hi = lo + (long)len;
	return lo < (long)er->er_sumoff + er->er_sumlen && hi > (long)er->er_sumoff;
}

/*
 * XNU's mbuf_copyback writes in place, also into cluster storage that a
 * kext's mbuf_copym shares with another chain: reported.
 */
static int
nke_copyback_check(mbuf_t m, size_t off, size_t len, const void *ra)
{
	char sym[128];

	for (; m != NULL && len > 0; m = m->m_next) {
		size_t n = (size_t)m->m_len;

		if (off >= n) {
			off -= n;
			continue;
		}
		if ((m->m_flags & M_EXT) && m->m_ext.ext_ref->er_refcnt > 1 &&
		    nke_watched(m, off, len)) {
			nke__report("shared-cluster-write",
			            "mbuf_copyback at %s writes into cluster %p, which mbuf_copym or "
			            "mbuf_split shares with another chain: that chain changes too; "
			            "copy with mbuf_dup first",
			            nke__sym(ra, sym, sizeof(sym)), (void *)m->m_ext.ext_buf);
			return 1;
		}
		len = len > n - off ? len - (n - off) : 0;
		off = 0;
	}
	return 0;
}

NKE_KPI errno_t
mbuf_copyback(mbuf_t m, size_t off, size_t len, const void *data, mbuf_how_t how)
{
	NKE_KPI_CALL("mbuf_copyback");
	mbuf_t m_start = m, n;
	const char *cp = data;
	size_t mlen, totlen = 0;
	errno_t result = 0;
	int reported;

	if (m == NULL || len == 0 || data == NULL)
		return EINVAL;
	NKE_M_LIVE_OR(m, "mbuf_copyback", EINVAL);
	reported = nke_copyback_check(m, off, len, __builtin_return_address(0));
	/* Walk to the mbuf holding `off`, appending zeroed mbufs if needed. */
	while (off > (mlen = (size_t)m->m_len)) {
		off -= mlen;
		totlen += mlen;
		if (m->m_next == NULL) {
			n = nke__m_getclr((int)how, m->m_type);
			if (n == NULL) {
				result = ENOBUFS;
				goto out;
			}
			n->m_len = (int32_t)(len + off < NKE_MLEN ? len + off : NKE_MLEN);
			m->m_next = n;
		}
		m = m->m_next;
	}
	while (len > 0) {
		nke__m_unguard(m);
		mlen = (size_t)m->m_len - off < len ? (size_t)m->m_len - off : len;
		if (mlen < len && m->m_next == NULL && nke__m_trailingspace(m) > 0) {
			/* Grow the last mbuf into its free space first. */
			size_t grow = (size_t)nke__m_trailingspace(m);

			if (grow > len - mlen)
				grow = len - mlen;
			mlen += grow;
			m->m_len += (int32_t)grow;
		}
		memcpy(m->m_data + off, cp, mlen);
		cp += mlen;
		len -= mlen;
		mlen += off;
		off = 0;
		totlen += mlen;
		if (len == 0)
			break;
		if (m->m_next == NULL) {
			n = nke__m_get((int)how, m->m_type);
			if (n == NULL) {
				result = ENOBUFS;
				goto out;
			}
			/* A cluster for large remainders; without one the chain just grows. */
			if (len > NKE_MINCLSIZE)
				(void)nke__m_clget(n, (int)how, NKE_MCLBYTES);
			n->m_len = (int32_t)(len < mbuf_maxlen(n) ? len : mbuf_maxlen(n));
			m->m_next = n;
		}
		m = m->m_next;
	}
out:
	if ((m_start->m_flags & M_PKTHDR) && (size_t)m_start->m_pkthdr.len < totlen)
		m_start->m_pkthdr.len = (int32_t)totlen;
	if (reported)
		nke__m_shared_rebase(m_start); /* said once */
	return result;
}

NKE_KPI int
mbuf_mclhasreference(mbuf_t mbuf)
{
	return nke__m_mclhasreference(mbuf);
}

/* ===================================================================== */
/* mbuf header                                                           */
/* ===================================================================== */

NKE_KPI mbuf_t
mbuf_next(const mbuf_t mbuf)
{
	NKE_M_LIVE_CHECK(mbuf, "mbuf_next");
	return mbuf->m_next;
}

NKE_KPI errno_t
mbuf_setnext(mbuf_t mbuf, mbuf_t next)
{
	NKE_M_LIVE_OR(mbuf, "mbuf_setnext", EINVAL);
	if (next != NULL &&
	    (next->m_nextpkt != NULL || next->m_type == MT_FREE || !nke__m_live(next)))
		return EINVAL;
	mbuf->m_next = next;
	return 0;
}

NKE_KPI mbuf_t
mbuf_nextpkt(const mbuf_t mbuf)
{
	NKE_M_LIVE_CHECK(mbuf, "mbuf_nextpkt");
	return mbuf->m_nextpkt;
}

NKE_KPI void
mbuf_setnextpkt(mbuf_t mbuf, mbuf_t nextpkt)
{
	NKE_M_LIVE_OR(mbuf, "mbuf_setnextpkt", );
	mbuf->m_nextpkt = nextpkt;
}

NKE_KPI size_t
mbuf_len(const mbuf_t mbuf)
{
	NKE_M_LIVE_CHECK(mbuf, "mbuf_len");
	return (size_t)mbuf->m_len;
}

NKE_KPI void
mbuf_setlen(mbuf_t mbuf, size_t len)
{
	NKE_M_LIVE_OR(mbuf, "mbuf_setlen", );
	nke__m_unguard(mbuf);
	mbuf->m_len = (int32_t)len;
}

NKE_KPI size_t
mbuf_maxlen(const mbuf_t mbuf)
{
	NKE_M_LIVE_CHECK(mbuf, "mbuf_maxlen");
	nke__m_unguard(mbuf);
	if (mbuf->m_flags & M_EXT)
		return mbuf->m_ext.ext_size;
	return (size_t)(mbuf->m_dat + NKE_MLEN - nke__m_start(mbuf));
}

NKE_KPI mbuf_type_t
mbuf_type(const mbuf_t mbuf)
{
	NKE_M_LIVE_CHECK(mbuf, "mbuf_type");
	return mbuf->m_type;
}

NKE_KPI errno_t
mbuf_settype(mbuf_t mbuf, mbuf_type_t new_type)
{
	if (new_type == MBUF_TYPE_FREE)
		return EINVAL;
	nke__m_mchtype(mbuf, (int)new_type);
	return 0;
}

NKE_KPI mbuf_flags_t
mbuf_flags(const mbuf_t mbuf)
{
	NKE_M_LIVE_CHECK(mbuf, "mbuf_flags");
	return mbuf->m_flags & NKE_MBUF_KPI_FLAGS;
}

/* Apply a change of the public bits; M_PKTHDR changes go through m_reinit. */
static errno_t
nke_setflags(mbuf_t mbuf, mbuf_flags_t newflags)
{
	mbuf_flags_t oflags = mbuf->m_flags;

	mbuf->m_flags = (u_int16_t)newflags;
	if ((oflags ^ newflags) & M_PKTHDR) {
		mbuf->m_flags ^= M_PKTHDR; /* m_reinit flips it itself */
		return nke__m_reinit(mbuf, (newflags & M_PKTHDR) != 0);
	}
	return 0;
}

NKE_KPI errno_t
mbuf_setflags(mbuf_t mbuf, mbuf_flags_t flags)
{
	if ((flags ^ mbuf->m_flags) & MBUF_EXT)
		return EINVAL;
	if (flags & ~NKE_MBUF_KPI_FLAGS)
		return EINVAL;
	return nke_setflags(mbuf, flags | (mbuf->m_flags & ~NKE_MBUF_KPI_FLAGS));
}

NKE_KPI errno_t
mbuf_setflags_mask(mbuf_t mbuf, mbuf_flags_t flags, mbuf_flags_t mask)
{
	if (mask & (~NKE_MBUF_KPI_FLAGS | MBUF_EXT))
		return EINVAL;
	return nke_setflags(mbuf, (flags & mask) | (mbuf->m_flags & ~mask));
}

NKE_KPI errno_t
mbuf_copy_pkthdr(mbuf_t dest, const mbuf_t src)
{
	if ((src->m_flags & M_PKTHDR) == 0)
		return EINVAL;
	nke__m_copy_pkthdr(dest, src);
	return 0;
}

NKE_KPI size_t
mbuf_pkthdr_len(const mbuf_t mbuf)
{
	NKE_M_LIVE_CHECK(mbuf, "mbuf_pkthdr_len");
	if ((mbuf->m_flags & M_PKTHDR) == 0 || mbuf->m_pkthdr.len < 0)
		return 0;
	return (size_t)mbuf->m_pkthdr.len;
}

NKE_KPI void
mbuf_pkthdr_setlen(mbuf_t mbuf, size_t len)
{
	nke_pkthdr_check(mbuf, "mbuf_pkthdr_setlen");
	mbuf->m_pkthdr.len = (int32_t)(len > INT32_MAX ? INT32_MAX : len);
}

NKE_KPI void
mbuf_pkthdr_adjustlen(mbuf_t mbuf, int amount)
{
	nke_pkthdr_check(mbuf, "mbuf_pkthdr_adjustlen");
	mbuf->m_pkthdr.len += amount;
}

NKE_KPI ifnet_t
mbuf_pkthdr_rcvif(const mbuf_t mbuf)
{
	nke_pkthdr_check(mbuf, "mbuf_pkthdr_rcvif");
	return mbuf->m_pkthdr.rcvif;
}

NKE_KPI errno_t
mbuf_pkthdr_setrcvif(mbuf_t mbuf, ifnet_t ifp)
{
	nke_pkthdr_check(mbuf, "mbuf_pkthdr_setrcvif");
	mbuf->m_pkthdr.rcvif = ifp;
	return 0;
}

NKE_KPI void *
mbuf_pkthdr_header(const mbuf_t mbuf)
{
	nke_pkthdr_check(mbuf, "mbuf_pkthdr_header");
	return mbuf->m_pkthdr.pkt_hdr;
}

NKE_KPI void
mbuf_pkthdr_setheader(mbuf_t mbuf, void *header)
{
	nke_pkthdr_check(mbuf, "mbuf_pkthdr_setheader");
	mbuf->m_pkthdr.pkt_hdr = header;
}

/* ===================================================================== */
/* Checksums and offload                                                 */
/* ===================================================================== */

NKE_KPI void
mbuf_inbound_modified(mbuf_t mbuf)
{
	nke_pkthdr_check(mbuf, "mbuf_inbound_modified");
	/* The whole word, VLAN-valid bit included (as XNU). */
	mbuf->m_pkthdr.csum_flags = 0;
}

NKE_KPI void
mbuf_outbound_finalize(mbuf_t mbuf, u_int32_t protocol_family, size_t protocol_offset)
{
	nke_pkthdr_check(mbuf, "mbuf_outbound_finalize");
	switch (protocol_family) {
	case NKE_PF_INET:
		(void)nke__in_finalize_cksum(mbuf, (u_int32_t)protocol_offset,
		                             mbuf->m_pkthdr.csum_flags);
		break;
	case NKE_PF_INET6:
		/* Offload is never requested with extension headers: optlen -1. */
		(void)nke__in6_finalize_cksum(mbuf, (u_int32_t)protocol_offset, -1, -1,
		                              mbuf->m_pkthdr.csum_flags);
		break;
	default:
		break;
	}
}

NKE_KPI errno_t
mbuf_set_vlan_tag(mbuf_t mbuf, u_int16_t vlan)
{
	nke_pkthdr_check(mbuf, "mbuf_set_vlan_tag");
	mbuf->m_pkthdr.csum_flags |= CSUM_VLAN_TAG_VALID;
	mbuf->m_pkthdr.vlan_tag = vlan;
	return 0;
}

NKE_KPI errno_t
mbuf_get_vlan_tag(mbuf_t mbuf, u_int16_t *vlan)
{
	nke_pkthdr_check(mbuf, "mbuf_get_vlan_tag");
	if ((mbuf->m_pkthdr.csum_flags & CSUM_VLAN_TAG_VALID) == 0)
		return ENXIO;
	*vlan = mbuf->m_pkthdr.vlan_tag;
	return 0;
}

NKE_KPI errno_t
mbuf_clear_vlan_tag(mbuf_t mbuf)
{
	nke_pkthdr_check(mbuf, "mbuf_clear_vlan_tag");
	mbuf->m_pkthdr.csum_flags &= ~(u_int32_t)CSUM_VLAN_TAG_VALID;
	mbuf->m_pkthdr.vlan_tag = 0;
	return 0;
}

static const mbuf_csum_request_flags_t nke_csum_request_valid =
    MBUF_CSUM_REQ_IP | MBUF_CSUM_REQ_TCP | MBUF_CSUM_REQ_UDP | CSUM_PARTIAL |
    MBUF_CSUM_REQ_TCPIPV6 | MBUF_CSUM_REQ_UDPIPV6;

static const mbuf_csum_performed_flags_t nke_csum_performed_valid =
    MBUF_CSUM_DID_IP | MBUF_CSUM_IP_GOOD | MBUF_CSUM_DID_DATA | MBUF_CSUM_PSEUDO_HDR | CSUM_PARTIAL;

NKE_KPI errno_t
mbuf_set_csum_requested(mbuf_t mbuf, mbuf_csum_request_flags_t request, u_int32_t value)
{
	nke_pkthdr_check(mbuf, "mbuf_set_csum_requested");
	request &= nke_csum_request_valid;
	mbuf->m_pkthdr.csum_flags = (mbuf->m_pkthdr.csum_flags & 0xffff0000) | request;
	mbuf->m_pkthdr.csum_data = value;
	return 0;
}

NKE_KPI errno_t
mbuf_get_csum_requested(mbuf_t mbuf, mbuf_csum_request_flags_t *request, u_int32_t *value)
{
	nke_pkthdr_check(mbuf, "mbuf_get_csum_requested");
	*request = mbuf->m_pkthdr.csum_flags & nke_csum_request_valid;
	if (value != NULL)
		*value = mbuf->m_pkthdr.csum_data;
	return 0;
}

NKE_KPI errno_t
mbuf_get_tso_requested(mbuf_t mbuf, mbuf_tso_request_flags_t *request, u_int32_t *mss)
{
	if (mbuf == NULL || (mbuf->m_flags & M_PKTHDR) == 0 || request == NULL || mss == NULL)
		return EINVAL;
	*request = mbuf->m_pkthdr.csum_flags & (MBUF_TSO_IPV4 | MBUF_TSO_IPV6);
	if (*request != 0)
		*mss = mbuf->m_pkthdr.tx_seg_size;
	return 0;
}

NKE_KPI errno_t
mbuf_clear_csum_requested(mbuf_t mbuf)
{
	nke_pkthdr_check(mbuf, "mbuf_clear_csum_requested");
	mbuf->m_pkthdr.csum_flags &= 0xffff0000;
	mbuf->m_pkthdr.csum_data = 0;
	return 0;
}

NKE_KPI errno_t
mbuf_set_csum_performed(mbuf_t mbuf, mbuf_csum_performed_flags_t performed, u_int32_t value)
{
	nke_pkthdr_check(mbuf, "mbuf_set_csum_performed");
	performed &= nke_csum_performed_valid;
	mbuf->m_pkthdr.csum_flags = (mbuf->m_pkthdr.csum_flags & 0xffff0000) | performed;
	mbuf->m_pkthdr.csum_data = value;
	return 0;
}

NKE_KPI errno_t
mbuf_get_csum_performed(mbuf_t mbuf, mbuf_csum_performed_flags_t *performed, u_int32_t *value)
{
	nke_pkthdr_check(mbuf, "mbuf_get_csum_performed");
	*performed = mbuf->m_pkthdr.csum_flags & nke_csum_performed_valid;
	/* NKE-DIVERGENCE: XNU requires value (it does not check for NULL). */
	if (value != NULL)
		*value = mbuf->m_pkthdr.csum_data;
	return 0;
}

NKE_KPI errno_t
mbuf_clear_csum_performed(mbuf_t mbuf)
{
	nke_pkthdr_check(mbuf, "mbuf_clear_csum_performed");
	mbuf->m_pkthdr.csum_flags &= 0xffff0000;
	mbuf->m_pkthdr.csum_data = 0;
	return 0;
}

NKE_KPI u_int32_t
mbuf_get_mlen(void)
{
	return NKE_MLEN;
}

NKE_KPI u_int32_t
mbuf_get_mhlen(void)
{
	return NKE_MHLEN;
}

NKE_KPI u_int32_t
mbuf_get_minclsize(void)
{
	return NKE_MINCLSIZE;
}

NKE_KPI errno_t
mbuf_inet_cksum(mbuf_t mbuf, int protocol, u_int32_t offset, u_int32_t length, u_int16_t *csum)
{
	if (mbuf == NULL || length == 0 || csum == NULL ||
	    (u_int32_t)mbuf->m_pkthdr.len < offset + length)
		return EINVAL;
	*csum = nke__inet_cksum(mbuf, (u_int32_t)protocol, offset, length);
	return 0;
}

NKE_KPI errno_t
mbuf_inet6_cksum(mbuf_t mbuf, int protocol, u_int32_t offset, u_int32_t length, u_int16_t *csum)
{
	if (mbuf == NULL || length == 0 || csum == NULL ||
	    (u_int32_t)mbuf->m_pkthdr.len < offset + length)
		return EINVAL;
	*csum = nke__inet6_cksum(mbuf, (u_int32_t)protocol, offset, length);
	return 0;
}

/* ===================================================================== */
/* Packet tags                                                           */
/* ===================================================================== */

NKE_KPI errno_t
mbuf_tag_id_find(const char *string, mbuf_tag_id_t *out_id)
{
	return nke__net_str_id_find_kind(string, out_id, NKE_NSI_MBUF_TAG);
}

/* Is `id` one mbuf_tag_id_find() has handed out (XNU's range check)? */
static int
nke_tag_id_valid(mbuf_tag_id_t id)
{
	u_int32_t first, last;

	nke__net_str_id_first_last(&first, &last, NKE_NSI_MBUF_TAG);
	return id >= first && id <= last;
}

NKE_KPI errno_t
mbuf_tag_allocate(mbuf_t mbuf, mbuf_tag_id_t id, mbuf_tag_type_t type, size_t length,
                  mbuf_how_t how, void **data_p)
{
	struct m_tag *tag;

	if (data_p != NULL)
		*data_p = NULL;
	if (mbuf != NULL)
		NKE_M_LIVE_OR(mbuf, "mbuf_tag_allocate", EINVAL);
	if (mbuf == NULL || (mbuf->m_flags & M_PKTHDR) == 0 || !nke_tag_id_valid(id) ||
	    length < 1 || (length & 0xffff0000) != 0 || data_p == NULL)
		return EINVAL;
	if (nke__m_tag_locate(mbuf, id, type) != NULL)
		return EEXIST;
	/* Lengths close to 2 KB are refused by the allocator, like failures. */
	tag = nke__m_tag_alloc(id, type, (int)length, (int)how);
	if (tag == NULL)
		return how == MBUF_WAITOK ? ENOMEM : EWOULDBLOCK;
	nke__m_tag_prepend(mbuf, tag);
	*data_p = tag->m_tag_data;
	return 0;
}

NKE_KPI errno_t
mbuf_tag_find(mbuf_t mbuf, mbuf_tag_id_t id, mbuf_tag_type_t type, size_t *length, void **data_p)
{
	struct m_tag *tag;

	if (length != NULL)
		*length = 0;
	if (data_p != NULL)
		*data_p = NULL;
	if (mbuf != NULL)
		NKE_M_LIVE_OR(mbuf, "mbuf_tag_find", EINVAL);
	if (mbuf == NULL || (mbuf->m_flags & M_PKTHDR) == 0 || !nke_tag_id_valid(id) ||
	    length == NULL || data_p == NULL)
		return EINVAL;
	tag = nke__m_tag_locate(mbuf, id, type);
	if (tag == NULL)
		return ENOENT;
	*length = tag->m_tag_len;
	*data_p = tag->m_tag_data;
	return 0;
}

NKE_KPI void
mbuf_tag_free(mbuf_t mbuf, mbuf_tag_id_t id, mbuf_tag_type_t type)
{
	struct m_tag *tag;

	if (mbuf != NULL)
		NKE_M_LIVE_OR(mbuf, "mbuf_tag_free", );
	if (mbuf == NULL || (mbuf->m_flags & M_PKTHDR) == 0 || !nke_tag_id_valid(id))
		return;
	tag = nke__m_tag_locate(mbuf, id, type);
	if (tag != NULL)
		nke__m_tag_delete(mbuf, tag);
}

/* Driver auxiliary data: a kernel-private tag with a small header. */
struct nke_drvaux_tag {
	u_int32_t da_family;
	u_int32_t da_subfamily;
	u_int32_t da_reserved;
	u_int32_t da_length;
};

/* XNU: fits one mbuf with the tag headers, rounded down to 8 bytes. */
#define NKE_DRVAUX_MAXLEN ((NKE_MLEN - (sizeof(struct nke_drvaux_tag) + 40)) & ~(size_t)7)

NKE_KPI errno_t
mbuf_add_drvaux(mbuf_t mbuf, mbuf_how_t how, u_int32_t family, u_int32_t subfamily, size_t length,
                void **data_p)
{
	struct nke_drvaux_tag *p;
	struct m_tag *tag;

	if (mbuf == NULL || !(mbuf->m_flags & M_PKTHDR) || length == 0 ||
	    length > NKE_DRVAUX_MAXLEN)
		return EINVAL;
	if (data_p != NULL)
		*data_p = NULL;
	if (nke__m_tag_locate(mbuf, KERNEL_MODULE_TAG_ID, KERNEL_TAG_TYPE_DRVAUX) != NULL)
		return EEXIST;
	tag = nke__m_tag_alloc(KERNEL_MODULE_TAG_ID, KERNEL_TAG_TYPE_DRVAUX,
	                       (int)(sizeof(*p) + length), (int)how);
	if (tag == NULL)
		return how == MBUF_WAITOK ? ENOMEM : EWOULDBLOCK;
	p = tag->m_tag_data;
	p->da_family = family;
	p->da_subfamily = subfamily;
	p->da_length = (u_int32_t)length;
	nke__m_tag_prepend(mbuf, tag);
	if (data_p != NULL)
		*data_p = p + 1;
	return 0;
}

NKE_KPI errno_t
mbuf_find_drvaux(mbuf_t mbuf, u_int32_t *family_p, u_int32_t *subfamily_p, u_int32_t *length_p,
                 void **data_p)
{
	struct nke_drvaux_tag *p;
	struct m_tag *tag;

	if (mbuf == NULL || !(mbuf->m_flags & M_PKTHDR) || data_p == NULL)
		return EINVAL;
	*data_p = NULL;
	tag = nke__m_tag_locate(mbuf, KERNEL_MODULE_TAG_ID, KERNEL_TAG_TYPE_DRVAUX);
	if (tag == NULL)
		return ENOENT;
	p = tag->m_tag_data;
	if (family_p != NULL)
		*family_p = p->da_family;
	if (subfamily_p != NULL)
		*subfamily_p = p->da_subfamily;
	if (length_p != NULL)
		*length_p = p->da_length;
	*data_p = p + 1;
	return 0;
}

NKE_KPI void
mbuf_del_drvaux(mbuf_t mbuf)
{
	struct m_tag *tag;

	if (mbuf == NULL || !(mbuf->m_flags & M_PKTHDR))
		return;
	tag = nke__m_tag_locate(mbuf, KERNEL_MODULE_TAG_ID, KERNEL_TAG_TYPE_DRVAUX);
	if (tag != NULL)
		nke__m_tag_delete(mbuf, tag);
}

/* ===================================================================== */
/* Statistics, sizes, classes                                            */
/* ===================================================================== */

NKE_KPI void
mbuf_stats(struct mbuf_stat *stats)
{
	nke__m_fill_stat(stats);
}

int
nke__m_valid_sc(u_int32_t sc)
{
	switch (sc) {
	case MBUF_SC_BK_SYS:
	case MBUF_SC_BK:
	case MBUF_SC_BE:
	case MBUF_SC_RD:
	case MBUF_SC_OAM:
	case MBUF_SC_AV:
	case MBUF_SC_RV:
	case MBUF_SC_VI:
	case MBUF_SC_SIG:
	case MBUF_SC_VO:
	case MBUF_SC_CTL:
		return 1;
	default:
		return 0;
	}
}

u_int32_t
nke__m_service_class_from_val(u_int32_t v)
{
	switch (v) {
	case MBUF_SCVAL(MBUF_SC_BK_SYS):
		return MBUF_SC_BK_SYS;
	case MBUF_SCVAL(MBUF_SC_BK):
		return MBUF_SC_BK;
	case MBUF_SCVAL(MBUF_SC_RD):
		return MBUF_SC_RD;
	case MBUF_SCVAL(MBUF_SC_OAM):
		return MBUF_SC_OAM;
	case MBUF_SCVAL(MBUF_SC_AV):
		return MBUF_SC_AV;
	case MBUF_SCVAL(MBUF_SC_RV):
		return MBUF_SC_RV;
	case MBUF_SCVAL(MBUF_SC_VI):
		return MBUF_SC_VI;
	case MBUF_SCVAL(MBUF_SC_VO):
		return MBUF_SC_VO;
	case MBUF_SCVAL(MBUF_SC_CTL):
		return MBUF_SC_CTL;
	default:
		return MBUF_SC_BE;
	}
}

int
nke__m_set_service_class(struct __mbuf *m, u_int32_t sc)
{
	if (!nke__m_valid_sc(sc))
		return EINVAL;
	m->m_pkthdr.pkt_svc = sc;
	return 0;
}

u_int32_t
nke__m_get_service_class(struct __mbuf *m)
{
	return nke__m_valid_sc(m->m_pkthdr.pkt_svc) ? m->m_pkthdr.pkt_svc : MBUF_SC_BE;
}

NKE_KPI mbuf_traffic_class_t
mbuf_get_traffic_class(mbuf_t m)
{
	if (m == NULL || !(m->m_flags & M_PKTHDR))
		return MBUF_TC_BE;
	return (mbuf_traffic_class_t)MBUF_SC2TC(nke__m_get_service_class(m));
}

NKE_KPI errno_t
mbuf_set_traffic_class(mbuf_t m, mbuf_traffic_class_t tc)
{
	if (m == NULL || !(m->m_flags & M_PKTHDR) || (u_int32_t)tc >= MBUF_TC_MAX)
		return EINVAL;
	return nke__m_set_service_class(
	    m, nke__m_service_class_from_val(MBUF_TC2SCVAL((u_int32_t)tc)));
}

NKE_KPI int
mbuf_is_traffic_class_privileged(mbuf_t m)
{
	if (m == NULL || !(m->m_flags & M_PKTHDR) || !nke__m_valid_sc(m->m_pkthdr.pkt_svc))
		return 0;
	return (m->m_pkthdr.pkt_flags & PKTF_PRIO_PRIVILEGED) ? 1 : 0;
}

NKE_KPI u_int32_t
mbuf_get_traffic_class_max_count(void)
{
	return MBUF_TC_MAX;
}

NKE_KPI errno_t
mbuf_get_traffic_class_index(mbuf_traffic_class_t tc, u_int32_t *index)
{
	if (index == NULL || (u_int32_t)tc >= MBUF_TC_MAX)
		return EINVAL;
	*index = MBUF_SCIDX(nke__m_service_class_from_val(MBUF_TC2SCVAL((u_int32_t)tc)));
	return 0;
}

NKE_KPI u_int32_t
mbuf_get_service_class_max_count(void)
{
	return MBUF_SC_MAX_CLASSES;
}

NKE_KPI errno_t
mbuf_get_service_class_index(mbuf_svc_class_t sc, u_int32_t *index)
{
	if (index == NULL || !nke__m_valid_sc((u_int32_t)sc))
		return EINVAL;
	*index = MBUF_SCIDX((u_int32_t)sc);
	return 0;
}

NKE_KPI mbuf_svc_class_t
mbuf_get_service_class(mbuf_t m)
{
	if (m == NULL || !(m->m_flags & M_PKTHDR))
		return MBUF_SC_BE;
	return (mbuf_svc_class_t)nke__m_get_service_class(m);
}

NKE_KPI errno_t
mbuf_set_service_class(mbuf_t m, mbuf_svc_class_t sc)
{
	if (m == NULL || !(m->m_flags & M_PKTHDR))
		return EINVAL;
	return nke__m_set_service_class(m, (u_int32_t)sc);
}

NKE_KPI int
mbuf_is_service_class_privileged(mbuf_t m)
{
	return mbuf_is_traffic_class_privileged(m);
}

/* ===================================================================== */
/* Apple-private packet-header accessors                                 */
/* ===================================================================== */

NKE_KPI errno_t
mbuf_get_gso_info(mbuf_t mbuf, mbuf_gso_type_t *type, uint16_t *seg_size, uint16_t *hdr_len)
{
	u_int32_t flags;

	if (mbuf == NULL || !(mbuf->m_flags & M_PKTHDR) || type == NULL || seg_size == NULL ||
	    hdr_len == NULL)
		return EINVAL;
	flags = mbuf->m_pkthdr.csum_flags & (MBUF_TSO_IPV4 | MBUF_TSO_IPV6);
	*type = (flags & MBUF_TSO_IPV4)   ? MBUF_GSO_TYPE_IPV4
	        : (flags & MBUF_TSO_IPV6) ? MBUF_GSO_TYPE_IPV6
	                                  : MBUF_GSO_TYPE_NONE;
	*seg_size = flags != 0 ? mbuf->m_pkthdr.tx_seg_size : 0;
	*hdr_len = flags != 0 ? mbuf->m_pkthdr.tx_hdr_len : 0;
	return 0;
}

NKE_KPI errno_t
mbuf_set_gso_info(mbuf_t mbuf, mbuf_gso_type_t type, uint16_t seg_size, uint16_t hdr_len)
{
	u_int32_t flags;

	if (mbuf == NULL || !(mbuf->m_flags & M_PKTHDR))
		return EINVAL;
	switch (type) {
	case MBUF_GSO_TYPE_NONE:
		flags = 0;
		break;
	case MBUF_GSO_TYPE_IPV4:
		flags = MBUF_TSO_IPV4;
		break;
	case MBUF_GSO_TYPE_IPV6:
		flags = MBUF_TSO_IPV6;
		break;
	default:
		return EINVAL;
	}
	if (flags == 0) {
		if (seg_size != 0 || hdr_len != 0)
			return EINVAL;
		mbuf->m_pkthdr.csum_flags &= ~(u_int32_t)(MBUF_TSO_IPV4 | MBUF_TSO_IPV6);
		mbuf->m_pkthdr.tx_seg_size = 0;
		mbuf->m_pkthdr.tx_hdr_len = 0;
		return 0;
	}
	if (seg_size == 0)
		return EINVAL;
	mbuf->m_pkthdr.csum_flags |= flags;
	mbuf->m_pkthdr.tx_seg_size = seg_size;
	mbuf->m_pkthdr.tx_hdr_len = hdr_len;
	return 0;
}

NKE_KPI errno_t
mbuf_get_lro_info(mbuf_t mbuf, uint8_t *seg_cnt, uint8_t *dup_ack_cnt)
{
	if (mbuf == NULL || !(mbuf->m_flags & M_PKTHDR) || seg_cnt == NULL || dup_ack_cnt == NULL)
		return EINVAL;
	*seg_cnt = mbuf->m_pkthdr.rx_seg_cnt;
	*dup_ack_cnt = 0;
	return 0;
}

NKE_KPI errno_t
mbuf_set_lro_info(mbuf_t mbuf, uint8_t seg_cnt, uint8_t dup_ack_cnt)
{
	/*
	 * XNU stores the count but returns EINVAL even then (its error
	 * variable is never cleared on the success path); keep both.
	 */
	if (mbuf == NULL || !(mbuf->m_flags & M_PKTHDR) || dup_ack_cnt != 0 || seg_cnt == 1)
		return EINVAL;
	mbuf->m_pkthdr.rx_seg_cnt = seg_cnt;
	return EINVAL;
}

NKE_KPI errno_t
mbuf_pkthdr_aux_flags(mbuf_t m, mbuf_pkthdr_aux_flags_t *flagsp)
{
	u_int32_t flags;

	if (m == NULL || !(m->m_flags & M_PKTHDR) || flagsp == NULL)
		return EINVAL;
	*flagsp = 0;
	flags = m->m_pkthdr.pkt_flags;
	if ((flags & (PKTF_INET_RESOLVE | PKTF_RESOLVE_RTR)) ==
	    (PKTF_INET_RESOLVE | PKTF_RESOLVE_RTR))
		*flagsp |= MBUF_PKTAUXF_INET_RESOLVE_RTR;
	if ((flags & (PKTF_INET6_RESOLVE | PKTF_RESOLVE_RTR)) ==
	    (PKTF_INET6_RESOLVE | PKTF_RESOLVE_RTR))
		*flagsp |= MBUF_PKTAUXF_INET6_RESOLVE_RTR;
	return 0;
}

NKE_KPI errno_t
mbuf_get_driver_scratch(mbuf_t m, u_int8_t **area, size_t *area_len)
{
	if (m == NULL || area == NULL || area_len == NULL || !(m->m_flags & M_PKTHDR))
		return EINVAL;
	*area = m->m_pkthdr.pkt_mpriv;
	*area_len = sizeof(m->m_pkthdr.pkt_mpriv);
	return 0;
}

NKE_KPI errno_t
mbuf_get_unsent_data_bytes(const mbuf_t m, u_int32_t *unsent_data)
{
	if (m == NULL || unsent_data == NULL || !(m->m_flags & M_PKTHDR) ||
	    !(m->m_pkthdr.pkt_flags & PKTF_VALID_UNSENT_DATA))
		return EINVAL;
	*unsent_data = m->m_pkthdr.bufstatus_if + m->m_pkthdr.bufstatus_sndbuf;
	return 0;
}

NKE_KPI errno_t
mbuf_get_buffer_status(const mbuf_t m, mbuf_buffer_status_t *buf_status)
{
	if (m == NULL || buf_status == NULL || !(m->m_flags & M_PKTHDR) ||
	    !(m->m_pkthdr.pkt_flags & PKTF_VALID_UNSENT_DATA))
		return EINVAL;
	buf_status->buf_interface = (int32_t)m->m_pkthdr.bufstatus_if;
	buf_status->buf_sndbuf = (int32_t)m->m_pkthdr.bufstatus_sndbuf;
	return 0;
}

static errno_t
nke_get_pktflag(const mbuf_t m, u_int32_t *retval, u_int32_t flag)
{
	if (m == NULL || retval == NULL || !(m->m_flags & M_PKTHDR))
		return EINVAL;
	*retval = (m->m_pkthdr.pkt_flags & flag) ? 1 : 0;
	return 0;
}

NKE_KPI errno_t
mbuf_pkt_new_flow(const mbuf_t m, u_int32_t *retval)
{
	return nke_get_pktflag(m, retval, PKTF_NEW_FLOW);
}

NKE_KPI errno_t
mbuf_last_pkt(const mbuf_t m, u_int32_t *retval)
{
	return nke_get_pktflag(m, retval, PKTF_LAST_PKT);
}

NKE_KPI errno_t
mbuf_get_timestamp(mbuf_t m, u_int64_t *ts, boolean_t *valid)
{
	if (m == NULL || !(m->m_flags & M_PKTHDR) || ts == NULL)
		return EINVAL;
	if ((m->m_pkthdr.pkt_flags & PKTF_TS_VALID) == 0) {
		if (valid != NULL)
			*valid = FALSE;
		*ts = 0;
	} else {
		if (valid != NULL)
			*valid = TRUE;
		*ts = m->m_pkthdr.pkt_timestamp;
	}
	return 0;
}

NKE_KPI errno_t
mbuf_set_timestamp(mbuf_t m, u_int64_t ts, boolean_t valid)
{
	if (m == NULL || !(m->m_flags & M_PKTHDR))
		return EINVAL;
	if (valid == FALSE) {
		m->m_pkthdr.pkt_flags &= ~(u_int32_t)PKTF_TS_VALID;
		m->m_pkthdr.pkt_timestamp = 0;
	} else {
		m->m_pkthdr.pkt_flags |= PKTF_TS_VALID;
		m->m_pkthdr.pkt_timestamp = ts;
	}
	return 0;
}

/* First use of the driver fields clears them (XNU's driver_mtag_init). */
static void
nke_driver_mtag_init(mbuf_t m)
{
	if ((m->m_pkthdr.pkt_flags & PKTF_DRIVER_MTAG) == 0) {
		m->m_pkthdr.pkt_flags |= PKTF_DRIVER_MTAG;
		m->m_pkthdr.drv_tx_compl_arg = 0;
		m->m_pkthdr.drv_tx_compl_data = 0;
		m->m_pkthdr.drv_tx_status = 0;
		m->m_pkthdr.drv_flowid = 0;
	}
}

NKE_KPI errno_t
mbuf_get_status(mbuf_t m, kern_return_t *status)
{
	if (m == NULL || !(m->m_flags & M_PKTHDR) || status == NULL)
		return EINVAL;
	*status = (m->m_pkthdr.pkt_flags & PKTF_DRIVER_MTAG) ? m->m_pkthdr.drv_tx_status : 0;
	return 0;
}

NKE_KPI errno_t
mbuf_set_status(mbuf_t m, kern_return_t status)
{
	if (m == NULL || !(m->m_flags & M_PKTHDR))
		return EINVAL;
	nke_driver_mtag_init(m);
	m->m_pkthdr.drv_tx_status = status;
	return 0;
}

NKE_KPI errno_t
mbuf_get_flowid(mbuf_t m, u_int16_t *flowid)
{
	if (m == NULL || !(m->m_flags & M_PKTHDR) || flowid == NULL)
		return EINVAL;
	*flowid = (m->m_pkthdr.pkt_flags & PKTF_DRIVER_MTAG) ? m->m_pkthdr.drv_flowid : 0;
	return 0;
}

NKE_KPI errno_t
mbuf_set_flowid(mbuf_t m, u_int16_t flowid)
{
	if (m == NULL || !(m->m_flags & M_PKTHDR))
		return EINVAL;
	nke_driver_mtag_init(m);
	m->m_pkthdr.drv_flowid = flowid;
	return 0;
}

NKE_KPI errno_t
mbuf_get_tx_compl_data(mbuf_t m, uintptr_t *arg, uintptr_t *data)
{
	if (m == NULL || !(m->m_flags & M_PKTHDR) || arg == NULL || data == NULL)
		return EINVAL;
	if ((m->m_pkthdr.pkt_flags & PKTF_DRIVER_MTAG) == 0) {
		*arg = 0;
		*data = 0;
	} else {
		*arg = m->m_pkthdr.drv_tx_compl_arg;
		*data = m->m_pkthdr.drv_tx_compl_data;
	}
	return 0;
}

NKE_KPI errno_t
mbuf_set_tx_compl_data(mbuf_t m, uintptr_t arg, uintptr_t data)
{
	if (m == NULL || !(m->m_flags & M_PKTHDR))
		return EINVAL;
	nke_driver_mtag_init(m);
	m->m_pkthdr.drv_tx_compl_arg = arg;
	m->m_pkthdr.drv_tx_compl_data = data;
	return 0;
}

static u_int32_t
nke_tx_compl_find(mbuf_tx_compl_func callback)
{
	u_int32_t i;

	for (i = 0; i < NKE_MAX_TX_COMPL_FUNC; i++)
		if (nke_tx_compl_table[i] == callback)
			return i;
	return UINT32_MAX;
}

NKE_KPI errno_t
mbuf_register_tx_compl_callback(mbuf_tx_compl_func callback)
{
	u_int32_t i;

	if (callback == NULL)
		return EINVAL;
	if (nke_tx_compl_find(callback) != UINT32_MAX)
		return EEXIST;
	for (i = 0; i < NKE_MAX_TX_COMPL_FUNC; i++) {
		if (nke_tx_compl_table[i] == NULL) {
			nke_tx_compl_table[i] = callback;
			return 0;
		}
	}
	return ENOSPC;
}

NKE_KPI errno_t
mbuf_unregister_tx_compl_callback(mbuf_tx_compl_func callback)
{
	u_int32_t i;

	if (callback == NULL)
		return EINVAL;
	i = nke_tx_compl_find(callback);
	if (i == UINT32_MAX)
		return ENOENT;
	nke_tx_compl_table[i] = NULL;
	return 0;
}

NKE_KPI errno_t
mbuf_get_timestamp_requested(mbuf_t m, boolean_t *requested)
{
	if (m == NULL || !(m->m_flags & M_PKTHDR) || requested == NULL)
		return EINVAL;
	*requested = (m->m_pkthdr.pkt_flags & PKTF_TX_COMPL_TS_REQ) ? TRUE : FALSE;
	return 0;
}

NKE_KPI errno_t
mbuf_set_timestamp_requested(mbuf_t m, uintptr_t *pktid, mbuf_tx_compl_func callback)
{
	u_int32_t i;

	if (m == NULL || !(m->m_flags & M_PKTHDR) || callback == NULL || pktid == NULL)
		return EINVAL;
	i = nke_tx_compl_find(callback);
	if (i == UINT32_MAX)
		return ENOENT;
	if ((m->m_pkthdr.pkt_flags & PKTF_TX_COMPL_TS_REQ) == 0) {
		m->m_pkthdr.pkt_compl_callbacks = 0;
		m->m_pkthdr.pkt_flags |= PKTF_TX_COMPL_TS_REQ;
		m->m_pkthdr.pkt_compl_context = nke_tx_compl_index++;
	}
	m->m_pkthdr.pkt_compl_callbacks |= (u_int8_t)(1u << i);
	*pktid = m->m_pkthdr.pkt_compl_context;
	return 0;
}

void
nke__m_do_tx_compl_callback(struct __mbuf *m, ifnet_t ifp)
{
	struct nke_pkthdr *ph = &m->m_pkthdr;
	u_int32_t i;

	if ((ph->pkt_flags & PKTF_TX_COMPL_TS_REQ) == 0)
		return;
	for (i = 0; i < NKE_MAX_TX_COMPL_FUNC; i++) {
		mbuf_tx_compl_func cb;

		if ((ph->pkt_compl_callbacks & (1u << i)) == 0)
			continue;
		cb = nke_tx_compl_table[i];
		if (cb != NULL)
			cb(ph->pkt_compl_context, ifp,
			   (ph->pkt_flags & PKTF_TS_VALID) ? ph->pkt_timestamp : 0,
			   ph->drv_tx_compl_arg, ph->drv_tx_compl_data, ph->drv_tx_status);
	}
	ph->pkt_compl_callbacks = 0;
}

NKE_KPI errno_t
mbuf_get_keepalive_flag(mbuf_t m, boolean_t *is_keepalive)
{
	if (m == NULL || is_keepalive == NULL || !(m->m_flags & M_PKTHDR))
		return EINVAL;
	*is_keepalive = (m->m_pkthdr.pkt_flags & PKTF_KEEPALIVE) ? TRUE : FALSE;
	return 0;
}

NKE_KPI errno_t
mbuf_set_keepalive_flag(mbuf_t m, boolean_t is_keepalive)
{
	if (m == NULL || !(m->m_flags & M_PKTHDR))
		return EINVAL;
	if (is_keepalive)
		m->m_pkthdr.pkt_flags |= PKTF_KEEPALIVE;
	else
		m->m_pkthdr.pkt_flags &= ~(u_int32_t)PKTF_KEEPALIVE;
	return 0;
}

NKE_KPI errno_t
mbuf_get_wake_packet_flag(mbuf_t m, boolean_t *is_wake_packet)
{
	if (m == NULL || is_wake_packet == NULL || !(m->m_flags & M_PKTHDR))
		return EINVAL;
	*is_wake_packet = (m->m_pkthdr.pkt_flags & PKTF_WAKE_PKT) ? TRUE : FALSE;
	return 0;
}

NKE_KPI errno_t
mbuf_set_wake_packet_flag(mbuf_t m, boolean_t is_wake_packet)
{
	if (m == NULL || !(m->m_flags & M_PKTHDR))
		return EINVAL;
	if (is_wake_packet)
		m->m_pkthdr.pkt_flags |= PKTF_WAKE_PKT;
	else
		m->m_pkthdr.pkt_flags &= ~(u_int32_t)PKTF_WAKE_PKT;
	return 0;
}
