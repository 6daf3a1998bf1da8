/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nke_seam.h - the one header shared by nkesim's two worlds.
 *
 * The kernel world (the simulated XNU KPIs and the kexts, compiled
 * freestanding against kpi_shim/include) and the host world (libc, libpcap,
 * the CLI, the tests) meet only here.  This header includes nothing, uses
 * only fixed-width and opaque types, and carries a version number that both
 * sides check at NKS_init() time.
 *
 * Naming: NKS_*() are entry points into the simulated kernel, called by the
 * host.  The kernel calls the host only through the struct nks_hostops table
 * the host installs with NKS_init() (kernel code spells those calls NKH_*()).
 *
 * Error numbers that cross this seam are Darwin errno values (EAGAIN is 35,
 * ENOTSUP is 45, ...).  The host translates them in exactly one place,
 * kpi_shim/host/errtrans.c.
 */
#ifndef NKE_SEAM_H_
#define NKE_SEAM_H_

#if defined(__cplusplus)
extern "C" {
#endif

#define NKS_SEAM_VERSION 1

typedef __INT8_TYPE__ nks_i8;
typedef __UINT8_TYPE__ nks_u8;
typedef __INT16_TYPE__ nks_i16;
typedef __UINT16_TYPE__ nks_u16;
typedef __INT32_TYPE__ nks_i32;
typedef __UINT32_TYPE__ nks_u32;
typedef __INT64_TYPE__ nks_i64;
typedef __UINT64_TYPE__ nks_u64;
typedef __SIZE_TYPE__ nks_size;

/*
 * Allocation classes.  Every allocation the simulated kernel makes belongs to
 * one; the host may make any of them fail (failure injection) and the stats
 * count live objects per class.
 */
enum nks_alloc_class {
	NKS_ALLOC_MBUF = 0,	/* an mbuf (from the mbuf pool) */
	NKS_ALLOC_CLUSTER,	/* a 2 KB / 4 KB / 16 KB cluster */
	NKS_ALLOC_TAG,		/* an mbuf tag */
	NKS_ALLOC_OSMALLOC,	/* OSMalloc() and friends */
	NKS_ALLOC_MALLOC,	/* _MALLOC() */
	NKS_ALLOC_KERNEL,	/* the simulator's own bookkeeping (locks, tags, ...) */
	NKS_ALLOC_NCLASSES
};

/* Severity of a structured event sent to the host. */
enum nks_event_kind {
	NKS_EV_REPORT = 1,	/* a check found a bug in a kext: exit status 1 */
	NKS_EV_WARNING = 2,	/* suspicious but legal use of a KPI */
};

/*
 * A structured event.  Strings are valid only during the ho_event() call.
 */
struct nks_event {
	nks_u32 ev_kind;	 /* enum nks_event_kind */
	const char *ev_check;	 /* short stable name, e.g. "lock-recursive" */
	const char *ev_message;	 /* one human-readable line, no newline */
};

/*
 * Services the host provides to the simulated kernel.  Installed once by
 * NKS_init(); the table must stay valid until NKS_fini() returns.
 * Optional members may be NULL.
 */
struct nks_hostops {
	nks_u32 ho_version;	/* NKS_SEAM_VERSION */
	void *ho_arg;		/* passed back to every call */

	/* Memory.  ho_alloc returns 16-byte aligned storage or NULL. */
	void *(*ho_alloc)(void *arg, nks_size size);
	void (*ho_free)(void *arg, void *ptr, nks_size size);
	/* Optional: return non-zero to make this allocation fail. */
	int (*ho_fail)(void *arg, nks_u32 alloc_class);

	/* Kernel console (printf, IOLog, os_log, log): raw bytes. */
	void (*ho_console)(void *arg, const char *buf, nks_size len);
	/* Optional: structured reports from the checks. */
	void (*ho_event)(void *arg, const struct nks_event *ev);
	/*
	 * A simulated kernel panic.  Must not return (exit, abort or longjmp).
	 * The message is complete, without a trailing newline.
	 */
	void (*ho_panic)(void *arg, const char *msg);
};

/* Live-object counters, for leak checks in tests and at the end of a run. */
struct nks_stats {
	nks_u64 st_mbufs;		/* live mbufs */
	nks_u64 st_clusters;		/* live clusters, all sizes */
	nks_u64 st_tags;		/* live mbuf tags */
	nks_u64 st_osmalloc_bytes;	/* OSMalloc bytes not yet OSFree'd */
	nks_u64 st_osmalloc_tags;	/* OSMalloc tags not yet destroyed */
	nks_u64 st_malloc_bytes;	/* _MALLOC bytes not yet _FREE'd */
	nks_u64 st_locks;		/* lock groups, attributes and locks alive */
	nks_u64 st_mbufs_allocated;	/* mbufs handed out since NKS_init */
	nks_u64 st_reports;		/* NKS_EV_REPORT events sent */
};

/*
 * Start the simulated kernel.  Returns 0, or EINVAL (22) if ops is NULL,
 * lacks a mandatory member or has another seam version.  Calling it twice
 * without NKS_fini() panics.
 */
int NKS_init(const struct nks_hostops *ops);

/*
 * Stop the simulated kernel and give every pooled byte back to the host.
 * Objects a kext leaked are released too (after the host has had the chance
 * to look at NKS_stats()).
 */
void NKS_fini(void);

/* Snapshot of the live-object counters. */
void NKS_stats(struct nks_stats *st);

/*
 * Set the simulated clock, then run the deferred work that is due.
 * calendar_ns is wall-clock time (ns since the Unix epoch) and uptime_ns the
 * time since the simulated boot (mach_absolute_time() units are ns); each
 * only ever moves forward (a smaller value is ignored).  Every callout
 * (bsd_timeout, timeout, thread_call) whose deadline is <= the new uptime and
 * that was pending when the call began runs, in deadline order (FIFO among
 * equal deadlines), with the clock advanced to its deadline while it runs.
 * Work armed by those callbacks waits for the next call, so a callout that
 * re-arms itself with no delay cannot loop forever.
 */
void NKS_clock_set(nks_i64 calendar_ns, nks_u64 uptime_ns);

/*
 * Number of pending callouts; *next_deadline (if not NULL) receives the
 * earliest deadline (uptime ns) when there is one.  The host drains pending
 * work after the last packet by calling NKS_clock_set() with that deadline,
 * a bounded number of times.
 */
nks_u32 NKS_callouts_pending(nks_u64 *next_deadline);

#if defined(__cplusplus)
}
#endif

#endif /* NKE_SEAM_H_ */
