/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nke_kern.h - private plumbing of the simulated kernel (kernel world).
 *
 * Included by the KPI implementation only, never by kexts.  Gives the
 * implementation the export macro, the NKH_*() calls out to the host (the
 * struct nks_hostops installed by NKS_init), simulated panics and check
 * reports, and the init/fini/stats hooks each subsystem provides.
 */
#ifndef NKE_KERN_H_
#define NKE_KERN_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <stdarg.h>
#include <nke_seam.h>

/* Kernel-world internals: hidden, so that their data is read in place (no GOT). */
#pragma GCC visibility push(hidden)

/* Marks a definition as part of the exported KPI (the rest stays hidden). */
#define NKE_KPI __attribute__((visibility("default")))

#define NKE_LIKELY(x) __builtin_expect(!!(x), 1)
#define NKE_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* The table installed by NKS_init(); NULL before and after a run. */
extern const struct nks_hostops *nke__hostops;

/* --- Calls out to the host ------------------------------------------- */

/*
 * Raw host memory, for pools and bookkeeping.  Honours failure injection for
 * `cls` (enum nks_alloc_class) and returns NULL on failure.  Accounting of
 * live objects is the caller's business.
 */
void *NKH_alloc(nks_u32 cls, size_t size);
void NKH_free(void *ptr, size_t size);
/* Ask the host whether the next allocation of `cls` must fail. */
int NKH_fail(nks_u32 cls);
void NKH_console(const char *buf, size_t len);

/* --- Panics and reports ---------------------------------------------- */

/*
 * A simulated kernel panic: formats with the kernel printf (so %D and %b
 * work), hands the message to the host and never returns.
 */
void nke__panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void nke__vpanic(const char *fmt, va_list ap) __attribute__((noreturn));

/*
 * A check found a kext bug: sends an NKS_EV_REPORT event named `check` and
 * carries on (the run will end with status 1).
 */
void nke__report(const char *check, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nke__warn(const char *check, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* KASSERT-style invariant of the simulator itself (not of the kext). */
#define NKE_ASSERT(expr, msg)                                                              \
	do {                                                                               \
		if (NKE_UNLIKELY(!(expr)))                                                 \
			nke__panic("%s: %s (%s) at %s:%d", __func__, (msg), #expr, __FILE__, \
			    __LINE__);                                                     \
	} while (0)

/*
 * Kernel printf engine (subr_prf.c): the kernel's conversions (no floating
 * point; %D hexdump, %b bit fields).  The sink gets output in pieces.
 */
typedef void (*nke_putc_sink_t)(void *arg, const char *buf, size_t len);
int nke__kvprintf(nke_putc_sink_t sink, void *arg, const char *fmt, va_list ap);
int nke__vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int nke__snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* --- Subsystem hooks, called by NKS_init/NKS_fini/NKS_stats ----------- */

void nke__mbuf_init(void);
void nke__mbuf_fini(void);
void nke__mbuf_stats(struct nks_stats *st);

void nke__services_init(void);
void nke__services_fini(void);
void nke__services_stats(struct nks_stats *st);

/* The simulated network stack (net_sim.c): interfaces, filters, IP. */
void nke__net_init(void);
void nke__net_fini(void);
/*
 * Run the simulated input thread now (dlil.c): packets queued by ifnet_input,
 * proto_inject, ipf_inject_input and lo0, deferred interface events, expired
 * reassembly.  NKS_frame() does it after each frame; call it before stopping
 * a kext (XNU's input thread would long have run) or before a leak check.
 */
void nke__net_drain(void);

/* --- Kernel services (kern_synch.c, locks.c, kern_proc.c, ...) -------- */

struct thread;

/* The simulated kernel thread running now (never NULL during a run). */
struct thread *nke__current_thread(void);
/* How many locks thread `th` holds (0 for NULL). */
unsigned nke__locks_held(const struct thread *th);
/*
 * Describe the locks `th` holds, e.g. `mutex 0x... (group "foo")`, into buf
 * (always NUL-terminated); returns buf.
 */
const char *nke__locks_held_describe(const struct thread *th, char *buf, size_t size);
/*
 * Call before anything that may block (sleep, blocking allocation, mutex):
 * reports "block-under-spinlock" if the current thread holds a spin lock.
 */
void nke__assert_may_block(const char *what);
/* Stress: make the next n lck_rw_lock_shared_to_exclusive() calls fail. */
void nke__rw_upgrade_fail_next(unsigned n);

/*
 * The process on whose behalf the kernel runs (proc_self(), proc_selfpid(),
 * kauth_getuid(), ...).  Default: pid 0 "kernel_task", ppid 0, uid/gid 0.
 * The name is copied (32 characters kept).  Back to the kernel:
 * nke__proc_reset_current(), inline in proc_internal.h.
 */
void nke__proc_set_current(pid_t pid, pid_t ppid, const char *name, uid_t uid, gid_t gid);

/*
 * The simulated application a packet or socket belongs to when the capture
 * (PKTAP, pcapng) and --proc say nothing (docs/sockets.md).
 */
#define NKE_APP_PID 1000
#define NKE_APP_COMM "nke-app"
#define NKE_APP_UID 501
#define NKE_APP_GID 20

/*
 * The kext registry (kern_kext.c).  Kexts are known by their load tag
 * (1, 2, ... in start order; 0 is the kernel itself).
 *
 * nke__kext_current_id: load tag of the kext whose code runs now (its start
 * or stop routine, or a callback the simulator entered with
 * nke__kext_switch); 0 outside any.  Filters registered now belong to it.
 * nke__kext_name_of: bundle identifier behind a load tag ("__kernel__" for
 * 0), also after the kext stopped or failed to start; NULL for a tag never
 * handed out.  The string lives until the simulated kernel stops.
 * nke__kext_switch: make `id` current (an unknown id means the kernel) and
 * return the previous id, to be restored the same way; keeps
 * OSKextGetCurrentLoadTag() & co. in step.  Never blocks.
 * nke__kext_reset: forget every kext (called by NKS_init).
 */
/* (Hidden: read in place, not through the GOT.) */
extern uint32_t nke__kext_cur __attribute__((visibility("hidden")));  /* the kext running now */
extern uint32_t nke__kext_nreg __attribute__((visibility("hidden"))); /* tags: 1..this */

static inline uint32_t
nke__kext_current_id(void)
{
	return nke__kext_cur;
}

/* Called around every call into a kext: only stores a number. */
static inline uint32_t
nke__kext_switch(uint32_t id)
{
	uint32_t prev = nke__kext_cur;

	nke__kext_cur = id <= nke__kext_nreg ? id : 0; /* 0 is the kernel */
	return prev;
}

const char *nke__kext_name_of(uint32_t id);
void nke__kext_reset(void);

/*
 * Leak reports (e.g. at kext unload): visit every OSMalloc tag not yet
 * destroyed, with its live bytes and allocations and whether the kext
 * released it; and every lock group not yet destroyed, with its live locks.
 */
typedef void (*nke_osmalloc_tag_fn)(const char *name, uint64_t bytes, uint64_t allocs,
    int released, void *arg);
void nke__osmalloc_foreach_tag(nke_osmalloc_tag_fn fn, void *arg);
typedef void (*nke_lck_grp_fn)(const char *name, unsigned nlocks, int released, void *arg);
void nke__locks_foreach_group(nke_lck_grp_fn fn, void *arg);

/*
 * A sleep that nothing pending can end asks this hook (if set) before it
 * panics; the hook returns non-zero if it did something that may wake the
 * sleeper (e.g. answered as a scripted control client).
 */
typedef int (*nke_idle_hook_t)(void *arg);
void nke__sleep_set_idle_hook(nke_idle_hook_t fn, void *arg);

/* The simulated clock (kern_time.c). */
extern nks_i64 nke__clock_calendar_ns;
extern nks_u64 nke__clock_uptime_ns;

#pragma GCC visibility pop

#endif /* NKE_KERN_H_ */
