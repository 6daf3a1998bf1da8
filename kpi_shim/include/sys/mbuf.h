/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/mbuf.h> - mbuf constants and statistics (kernel world).
 *
 * What a third-party kext sees of Darwin's <sys/mbuf.h>: the struct mbuf
 * itself is private to XNU, so this header only brings in the mbuf KPI, the
 * mbuf type numbers, the size macros (MLEN, MHLEN and MINCLSIZE call the KPI,
 * because the real values depend on the kernel configuration) and the
 * allocator statistics structures.  The M_* flag bits are XNU-private: kexts
 * use the MBUF_* values of <sys/kpi_mbuf.h>.
 */
#ifndef _SYS_MBUF_H_
#define _SYS_MBUF_H_

#include <sys/cdefs.h>
#include <sys/types.h>

#ifdef KERNEL
#include <sys/kpi_mbuf.h>
#endif

/* The structures stay opaque; the tags exist so pointers to them compile. */
struct mbuf;
struct m_tag;

/*
 * Buffer sizes of a Darwin x86_64 kernel (<i386/param.h> defines the same
 * macros with the same spelling, so either header may come first).
 */
#ifndef MSIZE
#define MSIZESHIFT 8
#define MSIZE      (1 << MSIZESHIFT)
#endif
#ifndef MCLBYTES
#define MCLSHIFT 11
#define MCLBYTES (1 << MCLSHIFT)
#endif
#ifndef MBIGCLBYTES
#define MBIGCLSHIFT 12
#define MBIGCLBYTES (1 << MBIGCLSHIFT)
#endif
#ifndef M16KCLBYTES
#define M16KCLSHIFT 14
#define M16KCLBYTES (1 << M16KCLSHIFT)
#endif
#ifndef MCLOFSET
#define MCLOFSET (MCLBYTES - 1)
#endif

/* Data bytes of an mbuf, of a packet-header mbuf, and the cluster threshold. */
#define MLEN      mbuf_get_mlen()
#define MHLEN     mbuf_get_mhlen()
#define MINCLSIZE mbuf_get_minclsize()

/* mbuf types (the MBUF_TYPE_* values of the KPI). */
#define MT_FREE    0
#define MT_DATA    1
#define MT_HEADER  2
#define MT_SOCKET  3
#define MT_PCB     4
#define MT_RTABLE  5
#define MT_HTABLE  6
#define MT_ATABLE  7
#define MT_SONAME  8
#define MT_SOOPTS  10
#define MT_FTABLE  11
#define MT_RIGHTS  12
#define MT_IFADDR  13
#define MT_CONTROL 14
#define MT_OOBDATA 15
#define MT_TAG     16
#define MT_MAX     32

enum {
	MTF_FREE = (1 << MT_FREE),
	MTF_DATA = (1 << MT_DATA),
	MTF_HEADER = (1 << MT_HEADER),
	MTF_SOCKET = (1 << MT_SOCKET),
	MTF_PCB = (1 << MT_PCB),
	MTF_RTABLE = (1 << MT_RTABLE),
	MTF_HTABLE = (1 << MT_HTABLE),
	MTF_ATABLE = (1 << MT_ATABLE),
	MTF_SONAME = (1 << MT_SONAME),
	MTF_SOOPTS = (1 << MT_SOOPTS),
	MTF_FTABLE = (1 << MT_FTABLE),
	MTF_RIGHTS = (1 << MT_RIGHTS),
	MTF_IFADDR = (1 << MT_IFADDR),
	MTF_CONTROL = (1 << MT_CONTROL),
	MTF_OOBDATA = (1 << MT_OOBDATA),
	MTF_TAG = (1 << MT_TAG),
};

/* Legacy allocator statistics (netstat -m). */
struct mbstat {
	u_int32_t m_mbufs;        /* mbufs obtained */
	u_int32_t m_clusters;     /* clusters obtained */
	u_int32_t m_spare;        /* unused */
	u_int32_t m_clfree;       /* free clusters */
	u_int32_t m_drops;        /* failed allocations */
	u_int32_t m_wait;         /* allocations that waited */
	u_int32_t m_drain;        /* protocol drains */
	u_short m_mtypes[256];    /* mbufs in use per type */
	u_int32_t m_mcfail;       /* failed m_copym calls */
	u_int32_t m_mpfail;       /* failed m_pullup calls */
	u_int32_t m_msize;        /* mbuf size */
	u_int32_t m_mclbytes;     /* cluster size */
	u_int32_t m_minclsize;    /* cluster threshold */
	u_int32_t m_mlen;         /* data bytes of an mbuf */
	u_int32_t m_mhlen;        /* data bytes of a header mbuf */
	u_int32_t m_bigclusters;  /* 4 KB clusters obtained */
	u_int32_t m_bigclfree;    /* free 4 KB clusters */
	u_int32_t m_bigmclbytes;  /* 4 KB cluster size */
	u_int32_t m_forcedefunct; /* sockets forcibly defuncted */
};

/* The Mac OS X 10.3 layout of the same statistics. */
struct ombstat {
	u_int32_t m_mbufs;
	u_int32_t m_clusters;
	u_int32_t m_spare;
	u_int32_t m_clfree;
	u_int32_t m_drops;
	u_int32_t m_wait;
	u_int32_t m_drain;
	u_short m_mtypes[256];
	u_int32_t m_mcfail;
	u_int32_t m_mpfail;
	u_int32_t m_msize;
	u_int32_t m_mclbytes;
	u_int32_t m_minclsize;
	u_int32_t m_mlen;
	u_int32_t m_mhlen;
};

/* Per-class allocator statistics. */
#define MAX_MBUF_CNAME 15

typedef struct mb_class_stat {
	char mbcl_cname[MAX_MBUF_CNAME + 1]; /* class name */
	u_int32_t mbcl_size;                 /* buffer size */
	u_int32_t mbcl_total;                /* buffers created */
	u_int32_t mbcl_active;               /* buffers in use */
	u_int32_t mbcl_infree;               /* buffers available */
	u_int32_t mbcl_slab_cnt;             /* slabs available */
	u_int32_t mbcl_pad;                  /* padding */
	u_int64_t mbcl_alloc_cnt;            /* allocations */
	u_int64_t mbcl_free_cnt;             /* frees */
	u_int64_t mbcl_notified;             /* wakeups sent to waiters */
	u_int64_t mbcl_purge_cnt;            /* cache purges */
	u_int64_t mbcl_fail_cnt;             /* failed allocations */
	u_int32_t mbcl_ctotal;               /* total of this class only */
	u_int32_t mbcl_release_cnt;          /* memory given back */
	u_int32_t mbcl_mc_state;             /* cache state (MCS_*) */
	u_int32_t mbcl_mc_cached;            /* buffers in the cache */
	u_int32_t mbcl_mc_waiter_cnt;        /* waiters on the cache */
	u_int32_t mbcl_mc_wretry_cnt;        /* blocking retries */
	u_int32_t mbcl_mc_nwretry_cnt;       /* non-blocking retries */
	u_int32_t mbcl_reserved[7];          /* reserved */
} mb_class_stat_t;

#define MCS_DISABLED 0 /* cache permanently off */
#define MCS_ONLINE   1 /* cache on */
#define MCS_PURGING  2 /* cache being purged */
#define MCS_OFFLINE  3 /* cache off while resizing */

typedef struct mb_stat {
	u_int32_t mbs_cnt;            /* number of classes */
	u_int32_t mbs_pad;            /* padding */
	mb_class_stat_t mbs_class[1]; /* the classes */
} mb_stat_t;

#endif /* !_SYS_MBUF_H_ */
