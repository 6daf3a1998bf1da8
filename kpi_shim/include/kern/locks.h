/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <kern/locks.h> - the Mach lock KPI (kernel world): lock groups, lock
 * attributes, mutexes, reader-writer locks and spin locks.  As for a
 * third-party kext on macOS, every lock type is opaque: a kext gets locks
 * from the *_alloc_init() calls.  Functions that Apple exports but declares
 * only under KERNEL_PRIVATE (lck_mtx_try_lock, lck_rw_done, ...) are
 * declared here under the same condition.
 *
 * nkesim checks the rules XNU enforces by panicking (recursion, unlock by a
 * non-owner, use after destroy, destroy while held, wrong rw unlock type)
 * and reports the rest; every message names the lock's group.
 */
#ifndef _KERN_LOCKS_H_
#define _KERN_LOCKS_H_

#include <sys/cdefs.h>
#include <stdint.h>
#include <mach/boolean.h>
#include <kern/assert.h>
#include <kern/kern_types.h>

__BEGIN_DECLS

/* --- Common types ---------------------------------------------------- */

#define LCK_SLEEP_MASK 0x3f

/* What lck_*_sleep() does with the lock around the wait. */
typedef unsigned int lck_sleep_action_t;
enum {
	LCK_SLEEP_DEFAULT = 0x00,	/* drop while waiting, take it back */
	LCK_SLEEP_UNLOCK = 0x01,	/* drop it and return without it */
	LCK_SLEEP_SHARED = 0x02,	/* rw: take it back shared */
	LCK_SLEEP_EXCLUSIVE = 0x04,	/* rw: take it back exclusive */
	LCK_SLEEP_SPIN = 0x08,		/* mutex: take it back in spin mode */
	LCK_SLEEP_PROMOTED_PRI = 0x10,
	LCK_SLEEP_SPIN_ALWAYS = 0x20,
};

typedef unsigned int lck_wake_action_t;
enum {
	LCK_WAKE_DEFAULT = 0x00,
	LCK_WAKE_DO_NOT_TRANSFER_PUSH = 0x01,
};

#define LCK_ASSERT_OWNED 1
#define LCK_ASSERT_NOTOWNED 2

/* --- Groups and attributes -------------------------------------------- */

typedef struct _lck_grp_ lck_grp_t;
#define LCK_GRP_NULL ((lck_grp_t *)NULL)
typedef struct _lck_grp_attr_ lck_grp_attr_t;
#define LCK_GRP_ATTR_NULL ((lck_grp_attr_t *)NULL)
typedef struct __lck_attr__ lck_attr_t;
#define LCK_ATTR_NULL ((lck_attr_t *)NULL)

/* Returns NULL when out of memory. */
extern lck_grp_attr_t *lck_grp_attr_alloc_init(void);
extern void lck_grp_attr_setdefault(lck_grp_attr_t *attr);
extern void lck_grp_attr_setstat(lck_grp_attr_t *attr);
extern void lck_grp_attr_free(lck_grp_attr_t *attr);

/*
 * A named group: the name (copied, 63 characters kept) labels every lock of
 * the group in diagnostics.  Returns NULL when out of memory.  Freeing a
 * group that still has locks is reported; it lives on until they are gone.
 */
extern lck_grp_t *lck_grp_alloc_init(const char *grp_name, lck_grp_attr_t *attr);
extern void lck_grp_free(lck_grp_t *grp);

extern lck_attr_t *lck_attr_alloc_init(void);
extern void lck_attr_setdefault(lck_attr_t *attr);
extern void lck_attr_setdebug(lck_attr_t *attr);
extern void lck_attr_cleardebug(lck_attr_t *attr);
extern void lck_attr_free(lck_attr_t *attr);

/* --- Mutexes ------------------------------------------------------------ */

typedef struct __lck_mtx_t__ lck_mtx_t;
typedef struct __lck_mtx_ext_t__ lck_mtx_ext_t;
#define decl_lck_mtx_data(class, name) class lck_mtx_t name

/* Returns NULL when out of memory.  Mutexes are not recursive. */
extern lck_mtx_t *lck_mtx_alloc_init(lck_grp_t *grp, lck_attr_t *attr);
extern void lck_mtx_init(lck_mtx_t *lck, lck_grp_t *grp, lck_attr_t *attr);
/* May block (in nkesim: taking a mutex another thread holds is a deadlock). */
extern void lck_mtx_lock(lck_mtx_t *lck);
extern void lck_mtx_unlock(lck_mtx_t *lck);
extern void lck_mtx_destroy(lck_mtx_t *lck, lck_grp_t *grp);
extern void lck_mtx_free(lck_mtx_t *lck, lck_grp_t *grp);
/*
 * Drop the (held) mutex, wait for `event` (wakeup()/thread_wakeup), take it
 * back unless LCK_SLEEP_UNLOCK.  Returns THREAD_AWAKENED or, for the
 * deadline variant (absolute mach_absolute_time() value), THREAD_TIMED_OUT.
 */
extern wait_result_t lck_mtx_sleep(lck_mtx_t *lck, lck_sleep_action_t lck_sleep_action,
    event_t event, wait_interrupt_t interruptible);
extern wait_result_t lck_mtx_sleep_deadline(lck_mtx_t *lck,
    lck_sleep_action_t lck_sleep_action, event_t event, wait_interrupt_t interruptible,
    uint64_t deadline);

#define LCK_MTX_ASSERT_OWNED LCK_ASSERT_OWNED
#define LCK_MTX_ASSERT_NOTOWNED LCK_ASSERT_NOTOWNED
/* Panics unless the calling thread does (OWNED) or does not (NOTOWNED) hold it. */
extern void lck_mtx_assert(lck_mtx_t *lck, unsigned int type);

#if defined(MACH_ASSERT) && MACH_ASSERT
#define LCK_MTX_ASSERT(lck, type) lck_mtx_assert((lck), (type))
#else
#define LCK_MTX_ASSERT(lck, type)
#endif

#ifdef KERNEL_PRIVATE
/* TRUE with the mutex held, FALSE (never blocks) when another thread has it. */
extern boolean_t lck_mtx_try_lock(lck_mtx_t *lck);
extern void mutex_pause(uint32_t collisions);
extern boolean_t lck_mtx_yield(lck_mtx_t *lck);
extern boolean_t lck_mtx_try_lock_spin(lck_mtx_t *lck);
extern void lck_mtx_lock_spin(lck_mtx_t *lck);
extern void lck_mtx_convert_spin(lck_mtx_t *lck);
extern void lck_mtx_lock_spin_always(lck_mtx_t *lck);
extern boolean_t lck_mtx_try_lock_spin_always(lck_mtx_t *lck);
#define lck_mtx_unlock_always(l) lck_mtx_unlock(l)
#endif /* KERNEL_PRIVATE */

/* --- Reader-writer locks ------------------------------------------------ */

typedef struct __lck_rw_t__ lck_rw_t;
#define decl_lck_rw_data(class, name) class lck_rw_t name

typedef unsigned int lck_rw_type_t;
#define LCK_RW_TYPE_SHARED 0x01
#define LCK_RW_TYPE_EXCLUSIVE 0x02

extern lck_rw_t *lck_rw_alloc_init(lck_grp_t *grp, lck_attr_t *attr);
extern void lck_rw_init(lck_rw_t *lck, lck_grp_t *grp, lck_attr_t *attr);
extern void lck_rw_free(lck_rw_t *lck, lck_grp_t *grp);
extern void lck_rw_destroy(lck_rw_t *lck, lck_grp_t *grp);
extern void lck_rw_lock(lck_rw_t *lck, lck_rw_type_t lck_rw_type);
extern boolean_t lck_rw_try_lock(lck_rw_t *lck, lck_rw_type_t lck_rw_type);
/* The type must be the one the lock is held in. */
extern void lck_rw_unlock(lck_rw_t *lck, lck_rw_type_t lck_rw_type);
extern void lck_rw_lock_shared(lck_rw_t *lck);
/*
 * Upgrade a shared hold to exclusive.  TRUE: held exclusive.  FALSE: the
 * upgrade failed AND the lock is no longer held at all.
 */
extern boolean_t lck_rw_lock_shared_to_exclusive(lck_rw_t *lck);
extern void lck_rw_unlock_shared(lck_rw_t *lck);
extern void lck_rw_lock_exclusive(lck_rw_t *lck);
extern void lck_rw_lock_exclusive_to_shared(lck_rw_t *lck);
extern void lck_rw_unlock_exclusive(lck_rw_t *lck);
extern wait_result_t lck_rw_sleep(lck_rw_t *lck, lck_sleep_action_t lck_sleep_action,
    event_t event, wait_interrupt_t interruptible);
extern wait_result_t lck_rw_sleep_deadline(lck_rw_t *lck, lck_sleep_action_t lck_sleep_action,
    event_t event, wait_interrupt_t interruptible, uint64_t deadline);

#ifdef KERNEL_PRIVATE
extern boolean_t lck_rw_try_lock_shared(lck_rw_t *lck);
extern boolean_t lck_rw_try_lock_exclusive(lck_rw_t *lck);
/* Release a hold of either type; returns the type it was held in. */
extern lck_rw_type_t lck_rw_done(lck_rw_t *lck);

#define LCK_RW_ASSERT_SHARED 0x01
#define LCK_RW_ASSERT_EXCLUSIVE 0x02
#define LCK_RW_ASSERT_HELD 0x03
#define LCK_RW_ASSERT_NOTHELD 0x04
extern void lck_rw_assert(lck_rw_t *lck, unsigned int type);
#endif /* KERNEL_PRIVATE */

/* --- Spin locks --------------------------------------------------------- */

typedef struct __lck_spin_t__ lck_spin_t;
#define decl_lck_spin_data(class, name) class lck_spin_t name

extern lck_spin_t *lck_spin_alloc_init(lck_grp_t *grp, lck_attr_t *attr);
extern void lck_spin_init(lck_spin_t *lck, lck_grp_t *grp, lck_attr_t *attr);
/* Never blocks; nothing that may block is allowed while a spin lock is held. */
extern void lck_spin_lock(lck_spin_t *lck);
extern void lck_spin_lock_grp(lck_spin_t *lck, lck_grp_t *grp);
extern void lck_spin_unlock(lck_spin_t *lck);
extern void lck_spin_destroy(lck_spin_t *lck, lck_grp_t *grp);
extern void lck_spin_free(lck_spin_t *lck, lck_grp_t *grp);
extern wait_result_t lck_spin_sleep(lck_spin_t *lck, lck_sleep_action_t lck_sleep_action,
    event_t event, wait_interrupt_t interruptible);
extern wait_result_t lck_spin_sleep_grp(lck_spin_t *lck, lck_sleep_action_t lck_sleep_action,
    event_t event, wait_interrupt_t interruptible, lck_grp_t *grp);
extern wait_result_t lck_spin_sleep_deadline(lck_spin_t *lck,
    lck_sleep_action_t lck_sleep_action, event_t event, wait_interrupt_t interruptible,
    uint64_t deadline);

#ifdef KERNEL_PRIVATE
extern boolean_t lck_spin_try_lock(lck_spin_t *lck);
extern boolean_t lck_spin_try_lock_grp(lck_spin_t *lck, lck_grp_t *grp);
extern void lck_spin_assert(const lck_spin_t *lck, unsigned int type);
#endif /* KERNEL_PRIVATE */

#if defined(MACH_ASSERT) && MACH_ASSERT
#define LCK_SPIN_ASSERT(lck, type) lck_spin_assert((lck), (type))
#else
#define LCK_SPIN_ASSERT(lck, type)
#endif

__END_DECLS

#endif /* !_KERN_LOCKS_H_ */
