/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proc_internal.h - the simulated current process (kern_proc.c), for the
 * kernel-world code that switches it on every packet (kernel world, never
 * installed, never seen by kexts).
 *
 * The records are kern_proc.c's (see there); what is here lets the socket
 * layer and the frame loop test "is it the same process as before" and make
 * a known record current again with a few inline loads and stores instead
 * of calls.  Kexts see the same thing either way: proc_selfpid(),
 * proc_selfname(), kauth_cred_get() and friends read *nke__proc_cur.
 */
#ifndef NKE_PROC_INTERNAL_H_
#define NKE_PROC_INTERNAL_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/param.h>

#include "nke_kern.h"

#define NKE_PROC_MAGIC    0x6e6b5052u /* "nkPR" */
#define NKE_CRED_MAGIC    0x6e6b4352u /* "nkCR" */
#define NKE_PROC_NAME_MAX (2 * MAXCOMLEN + 1)

struct kauth_cred {
	uint32_t cr_magic;
	long cr_refs;
	uid_t cr_uid, cr_ruid, cr_svuid;
	gid_t cr_gid, cr_rgid, cr_svgid;
};

struct proc {
	uint32_t p_magic;
	long p_refs;
	pid_t p_pid;
	pid_t p_ppid;
	uint64_t p_uniqueid;
	nks_i64 p_start_ns; /* calendar time it became current (proc_starttime) */
	char p_name[NKE_PROC_NAME_MAX];
	struct kauth_cred p_cred;
};

/* The kernel's record, the one other process's record, and which is current. */
extern struct proc nke__proc_kernel;
extern struct proc nke__proc_user;
extern struct proc *nke__proc_cur;
/* Bumped whenever nke__proc_user is filled with an identity. */
extern u_int64_t nke__proc_gen;

/* The kernel is the current process (pid 0, kernel_task). */
static inline void
nke__proc_reset_current(void)
{
	nke__proc_cur = &nke__proc_kernel;
}

/* The generation of the current process record (0: the kernel is current). */
static inline u_int64_t
nke__proc_current_gen(void)
{
	return nke__proc_cur == &nke__proc_user ? nke__proc_gen : 0;
}

/*
 * Make the process record current again if it still holds the identity it
 * had at generation gen (1), else 0: what nke__proc_set_current() with that
 * identity does (a fresh reference count, the start time now).
 */
static inline int
nke__proc_set_current_again(u_int64_t gen)
{
	struct proc *p = &nke__proc_user;

	if (gen != nke__proc_gen || p->p_magic != NKE_PROC_MAGIC)
		return 0;
	p->p_refs = 0;
	p->p_cred.cr_refs = 0;
	/* The time microtime() gives now, converted by proc_starttime() only. */
	p->p_start_ns = nke__clock_calendar_ns;
	nke__proc_cur = p;
	return 1;
}

#endif /* NKE_PROC_INTERNAL_H_ */
