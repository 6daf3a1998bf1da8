/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nke_svc.h - private plumbing shared by the kernel services of nkesim
 * (kernel world): simulated threads, the callout queue, the sleep engine,
 * tracked heap blocks and the per-module init/fini/stats hooks.  Included by
 * kpi_shim/kern/{subr_prf,kern_malloc,osmalloc,locks,kern_time,kern_synch,
 * kern_proc,kern_debug,libkern,OSAtomic,OSKextLib,services}.c only; what
 * other subsystems of the simulator may use is in nke_kern.h.
 */
#ifndef NKE_SVC_H_
#define NKE_SVC_H_

/* The implementation sees Apple's KERNEL_PRIVATE declarations too. */
#ifndef KERNEL_PRIVATE
#define KERNEL_PRIVATE 1
#endif

#include <sys/cdefs.h>
#include <sys/types.h>
#include <stdint.h>
#include <mach/mach_types.h>
#include <kern/kern_types.h>
#include <kern/locks.h>

#include "nke_kern.h"
#include "proc_internal.h" /* the current process, switched inline */

/* Kernel-world internals: hidden, so that their data is read in place (no GOT). */
#pragma GCC visibility push(hidden)

/* --- Simulated threads (kern_synch.c) ------------------------------------ */

#define NKE_THREADS_MAX 128	/* simulated threads alive at once */
#define NKE_HELD_MAX 32		/* locks one thread may hold at once */
#define NKE_THREAD_NAME_MAX 64

enum nke_thread_kind {
	NKE_TH_MAIN = 1,	/* delivers packets and runs the host's calls */
	NKE_TH_CALLOUT,		/* runs one bsd_timeout/timeout/thread_call */
	NKE_TH_KTHREAD,		/* created by kernel_thread_start() */
};

/* How a thread holds a lock (locks.c). */
enum nke_hold_mode {
	NKE_HOLD_MTX = 1,
	NKE_HOLD_MTX_SPIN,	/* a mutex taken in spin mode */
	NKE_HOLD_RW_SHARED,
	NKE_HOLD_RW_EXCL,
	NKE_HOLD_SPIN,
};

struct nke_held {
	void *h_lock;
	int h_mode;		/* enum nke_hold_mode */
};

struct nke_waiter;

struct thread {
	uint32_t th_magic;
	int th_inuse;
	int th_kind;		/* enum nke_thread_kind */
	int th_refs;		/* handles (kernel_thread_start) + 1 while alive */
	int th_alive;		/* still running (on the host stack or queued) */
	uint64_t th_tid;
	char th_name[NKE_THREAD_NAME_MAX];
	struct nke_held th_held[NKE_HELD_MAX];
	unsigned th_nheld;
	unsigned th_nspin;	/* spin locks (and spin-mode mutexes) held */
	void *th_failed_upgrade; /* rw lock whose upgrade failed last */
	/* assert_wait() before thread_block() */
	struct nke_waiter *th_waiter;
	uint64_t th_wait_deadline;
	/* kernel_thread_start() */
	thread_continue_t th_cont;
	void *th_param;
};

/* The simulated thread running now (never NULL during a run). */
extern struct thread *nke__curthread;

/*
 * A new simulated thread (not yet running): alive, one reference.  NULL if
 * NKE_THREADS_MAX threads exist already.
 */
struct thread *nke__thread_new(int kind, const char *name);
/* Make `to` the running thread; returns the one that was running. */
struct thread *nke__thread_switch(struct thread *to);
/*
 * Thread `th` ended (its function returned): reports the locks it still
 * holds ("lock-held-at-return") and drops its running reference.
 */
void nke__thread_exit(struct thread *th);
/* The thread in slot i of the pool (0 <= i < NKE_THREADS_MAX), or NULL. */
struct thread *nke__thread_by_index(unsigned i);
/* A printable "thread 3 (callout ...)" label. */
const char *nke__thread_label(const struct thread *th, char *buf, size_t size);

/* --- Sleep engine (kern_synch.c) ----------------------------------------- */

/*
 * Wait for `chan` until wakeup(chan) or the absolute deadline (uptime ns;
 * 0: none).  The caller has released its lock.  Due callouts run meanwhile,
 * in deadline order, with the clock advanced to each.  Returns
 * THREAD_AWAKENED or THREAD_TIMED_OUT; panics if nothing can ever end the
 * wait.  `who` names the sleeper in messages, e.g. msleep("mywait").
 */
wait_result_t nke__block(event_t chan, uint64_t deadline, const char *who);

/* Is the mutex held by the current thread? (locks.c) */
int nke__mtx_held_by_cur(lck_mtx_t *mtx);

/* --- Callouts and the clock (kern_time.c) -------------------------------- */

/* Move both simulated clocks forward so that uptime is at least `uptime`. */
void nke__clock_advance_to(uint64_t uptime);
/* Earliest pending callout: 1 and *deadline, or 0 if none is pending. */
int nke__callout_peek(uint64_t *deadline);
/* Run the earliest pending callout (on its own simulated thread). */
void nke__callout_run_first(void);
/*
 * Queue kernel_thread_start()'s thread `th` to run as soon as possible.
 * Returns 0 or ENOMEM.
 */
int nke__callout_kthread(struct thread *th);
/* Warn once per run that a kext uses a private / unsupported KPI. */
void nke__warn_private_kpi(const char *name, int unsupported);

/* --- Tracked heap blocks (kern_malloc.c) --------------------------------- */

enum nke_blk_kind {
	NKE_BLK_MALLOC = 1,	/* _MALLOC / _MALLOC_ZONE */
	NKE_BLK_IOMALLOC,	/* IOMalloc and friends */
	NKE_BLK_OSMALLOC,	/* OSMalloc and friends */
};

/* Lives right before the pointer handed out. */
struct nke_blk {
	uint32_t b_magic;	/* NKE_BLK_LIVE or NKE_BLK_FREED */
	uint32_t b_kind;	/* enum nke_blk_kind */
	size_t b_size;		/* size the caller asked for */
	void *b_base;		/* host block */
	size_t b_hostsize;	/* its size */
	void *b_tag;		/* OSMalloc tag */
	int b_type;		/* _MALLOC type */
	int b_zone;		/* from _MALLOC_ZONE / IOMallocAligned etc. */
	struct nke_blk *b_prev, *b_next; /* live list, or quarantine FIFO */
	uint64_t b_pad;
};

#define NKE_BLK_LIVE 0x6e6b424cu	/* "nkBL" */
#define NKE_BLK_FREED 0x6e6b4246u	/* "nkBF" */
#define NKE_POISON_FREE 0xdf		/* fill of freed memory */

/*
 * Allocate a tracked block of `size` bytes of class `cls`, aligned to
 * `align` (power of two >= 16); honours failure injection when `may_fail`.
 * Filled with the "uninitialised" poison (or zeroed when `zero`).
 */
void *nke__blk_alloc(uint32_t cls, uint32_t kind, size_t size, size_t align, int zero,
    int may_fail);
/* The live-or-quarantined block whose user pointer is p, or NULL. */
struct nke_blk *nke__blk_lookup(const void *p);
/* Poison the block and put it in quarantine (freed later). */
void nke__blk_free(struct nke_blk *b);
/* Name of a block kind, for messages. */
const char *nke__blk_kind_name(uint32_t kind);
/*
 * Unload checks (kern_checks.c calls them when a kext stopped): blocks the
 * kext allocated and never freed ("osmalloc-leak", "malloc-leak"), tags it
 * never released.  b_pad holds the allocating kext's load tag.
 */
void nke__blk_leak_check(uint32_t kext);
void nke__osmalloc_kext_stopped(uint32_t kext);
const char *nke__osmalloc_tag_name(const void *tag);

/*
 * Quarantine for freed bookkeeping objects (locks, thread calls, tags):
 * the memory stays allocated a while with its magic changed, so a use after
 * free is diagnosed instead of corrupting host memory.
 */
void nke__quarantine(void *p, size_t size);

/* Fill with the "uninitialised memory" pattern (0xdeadbeef words). */
void nke__poison_fresh(void *p, size_t size);

/* --- Module hooks (services.c calls them) -------------------------------- */

void nke__time_init(void);
void nke__time_fini(void);
void nke__synch_init(void);
void nke__synch_fini(void);
void nke__locks_init(void);
void nke__locks_fini(void);
void nke__locks_stats(struct nks_stats *st);
void nke__malloc_init(void);
void nke__malloc_fini(void);
void nke__malloc_stats(struct nks_stats *st);
void nke__osmalloc_init(void);
void nke__osmalloc_fini(void);
void nke__osmalloc_stats(struct nks_stats *st);
void nke__proc_init(void);
void nke__libkern_init(void);

#pragma GCC visibility pop

#endif /* NKE_SVC_H_ */
