/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_proc.c - processes, credentials and tasks as a kext sees them
 * (kernel world): proc_*(), kauth_cred_*(), kauth_get*id(), current_task().
 *
 * NKE-DIVERGENCE: there are no user processes.  The kernel runs on behalf
 * of one simulated "current process": by default pid 0 "kernel_task" with
 * uid/gid 0 (what a kext sees in a kernel thread); the simulator switches it
 * (nke__proc_set_current) when a callback runs on behalf of a process seen
 * in the capture.  proc_find() knows only that process and the kernel.
 * References are counted (proc_rele and kauth_cred_unref check balance) but
 * the records are static.
 */
#include "nke_svc.h"

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <sys/param.h>
#include <sys/proc.h>
#include <sys/kauth.h>
#include <kern/task.h>
#include <libkern/libkern.h>

#include "proc_internal.h"

#define PROC_MAGIC    NKE_PROC_MAGIC
#define CRED_MAGIC    NKE_CRED_MAGIC
#define PROC_NAME_MAX NKE_PROC_NAME_MAX

struct task {
	uint32_t t_magic;
};

/* The records and the current one (proc_internal.h: inline switches). */
struct proc nke__proc_kernel;
struct proc nke__proc_user;
struct proc *nke__proc_cur = &nke__proc_kernel; /* &nke__proc_kernel or &nke__proc_user */
/* Bumped whenever nke__proc_user is filled with an identity (nke__proc_set_current_again). */
u_int64_t nke__proc_gen = 1;

static struct task kernel_task_rec;

NKE_KPI proc_t kernproc = &nke__proc_kernel;
NKE_KPI task_t kernel_task = &kernel_task_rec;

static void
proc_fill(struct proc *p, pid_t pid, pid_t ppid, const char *name, uid_t uid, gid_t gid)
{
	memset(p, 0, sizeof(*p));
	nke__proc_gen++;
	p->p_magic = PROC_MAGIC;
	p->p_pid = pid;
	p->p_ppid = ppid;
	p->p_uniqueid = (uint64_t)pid + 1;
	strlcpy(p->p_name, name != NULL ? name : "", sizeof(p->p_name));
	p->p_cred.cr_magic = CRED_MAGIC;
	p->p_cred.cr_uid = p->p_cred.cr_ruid = p->p_cred.cr_svuid = uid;
	p->p_cred.cr_gid = p->p_cred.cr_rgid = p->p_cred.cr_svgid = gid;
}

void
nke__proc_set_current(pid_t pid, pid_t ppid, const char *name, uid_t uid, gid_t gid)
{
	struct proc *u = &nke__proc_user;

	if (pid == 0) {
		nke__proc_cur = &nke__proc_kernel;
		return;
	}
	/*
	 * The same process as last time (every frame of a flow): only what
	 * a fresh record would reset, not the whole record.
	 */
	if (u->p_magic == PROC_MAGIC && u->p_pid == pid && u->p_ppid == ppid &&
	    u->p_cred.cr_uid == uid && u->p_cred.cr_gid == gid &&
	    strcmp(u->p_name, name != NULL ? name : "") == 0 && u->p_cred.cr_ruid == uid &&
	    u->p_cred.cr_svuid == uid && u->p_cred.cr_rgid == gid && u->p_cred.cr_svgid == gid) {
		u->p_refs = 0;
		u->p_cred.cr_refs = 0;
	} else {
		proc_fill(u, pid, ppid, name, uid, gid);
	}
	/* The time microtime() gives now, converted by proc_starttime() only. */
	u->p_start_ns = nke__clock_calendar_ns;
	nke__proc_cur = u;
}

void
nke__proc_init(void)
{
	proc_fill(&nke__proc_kernel, 0, 0, "kernel_task", 0, 0);
	memset(&nke__proc_user, 0, sizeof(nke__proc_user));
	nke__proc_gen++;
	nke__proc_cur = &nke__proc_kernel;
	kernel_task_rec.t_magic = 0x6e6b544bu;
}

static struct proc *
proc_check(proc_t p, const char *who)
{
	if (p == NULL || p->p_magic != PROC_MAGIC)
		nke__panic("%s: %p is not a process", who, (void *)p);
	return p;
}

static struct kauth_cred *
cred_check(kauth_cred_t cred, const char *who)
{
	if (cred == NULL || cred->cr_magic != CRED_MAGIC)
		nke__panic("%s: %p is not a credential", who, (void *)cred);
	return cred;
}

/* --- Processes --------------------------------------------------------------- */

NKE_KPI int
proc_selfpid(void)
{
	return nke__proc_cur->p_pid;
}

NKE_KPI int
proc_selfppid(void)
{
	return nke__proc_cur->p_ppid;
}

NKE_KPI uint64_t
proc_selfcsflags(void)
{
	return 0;
}

NKE_KPI pid_t
proc_selfpgrpid(void)
{
	return nke__proc_cur->p_pid;
}

NKE_KPI proc_t
proc_self(void)
{
	nke__proc_cur->p_refs++;
	return nke__proc_cur;
}

NKE_KPI proc_t
proc_find(int pid)
{
	struct proc *p = NULL;

	if (pid == nke__proc_cur->p_pid)
		p = nke__proc_cur;
	else if (pid == 0)
		p = &nke__proc_kernel;
	if (p != NULL)
		p->p_refs++;
	return p;
}

NKE_KPI int
proc_rele(proc_t p)
{
	proc_check(p, "proc_rele");
	if (p->p_refs <= 0)
		nke__panic("proc_rele: process %d released more often than referenced", p->p_pid);
	p->p_refs--;
	return 0;
}

NKE_KPI int
proc_pid(proc_t p)
{
	return proc_check(p, "proc_pid")->p_pid;
}

NKE_KPI int
proc_ppid(proc_t p)
{
	return proc_check(p, "proc_ppid")->p_ppid;
}

NKE_KPI int
proc_original_ppid(proc_t p)
{
	return proc_check(p, "proc_original_ppid")->p_ppid;
}

NKE_KPI pid_t
proc_pgrpid(proc_t p)
{
	return proc_check(p, "proc_pgrpid")->p_pid;
}

NKE_KPI pid_t
proc_sessionid(proc_t p)
{
	return proc_check(p, "proc_sessionid")->p_pid;
}

NKE_KPI void
proc_name(int pid, char *buf, int size)
{
	proc_t p;

	if (size <= 0)
		return;
	memset(buf, 0, (size_t)size);
	p = proc_find(pid);
	if (p != NULL) {
		/* The short (command) name: at most MAXCOMLEN characters. */
		strlcpy(buf, p->p_name, (size_t)(size < MAXCOMLEN + 1 ? size : MAXCOMLEN + 1));
		proc_rele(p);
	}
}

NKE_KPI void
proc_selfname(char *buf, int size)
{
	if (size <= 0)
		return;
	memset(buf, 0, (size_t)size);
	strlcpy(buf, nke__proc_cur->p_name, (size_t)size);
}

NKE_KPI char *
proc_best_name(proc_t p)
{
	return proc_check(p, "proc_best_name")->p_name;
}

NKE_KPI void
proc_signal(int pid, int signum)
{
	(void)pid;
	(void)signum;
}

NKE_KPI int
proc_isinferior(int pid1, int pid2)
{
	/* Everything descends from the kernel. */
	return pid2 == 0 || pid1 == pid2;
}

NKE_KPI int
proc_starttime(proc_t p, struct timeval *tv)
{
	proc_check(p, "proc_starttime");
	if (tv != NULL) {
		/* As microtime() did when p became current. */
		long sec = (long)(p->p_start_ns / 1000000000);
		long rem = (long)(p->p_start_ns % 1000000000);

		if (rem < 0) {
			rem += 1000000000;
			sec--;
		}
		tv->tv_sec = sec;
		tv->tv_usec = (__darwin_suseconds_t)(rem / 1000);
	}
	return 0;
}

NKE_KPI int
proc_noremotehang(proc_t p)
{
	proc_check(p, "proc_noremotehang");
	return 0;
}

NKE_KPI int
proc_forcequota(proc_t p)
{
	proc_check(p, "proc_forcequota");
	return 0;
}

NKE_KPI int
proc_chrooted(proc_t p)
{
	proc_check(p, "proc_chrooted");
	return 0;
}

NKE_KPI int
proc_is64bit(proc_t p)
{
	proc_check(p, "proc_is64bit");
	return 1;
}

NKE_KPI int
proc_is64bit_data(proc_t p)
{
	proc_check(p, "proc_is64bit_data");
	return 1;
}

NKE_KPI int
proc_isinitproc(proc_t p)
{
	return proc_check(p, "proc_isinitproc")->p_pid == 1;
}

NKE_KPI int
proc_exiting(proc_t p)
{
	proc_check(p, "proc_exiting");
	return 0;
}

NKE_KPI int
proc_in_teardown(proc_t p)
{
	proc_check(p, "proc_in_teardown");
	return 0;
}

NKE_KPI int
proc_suser(proc_t p)
{
	return proc_check(p, "proc_suser")->p_cred.cr_uid == 0 ? 0 : EPERM;
}

NKE_KPI kauth_cred_t
proc_ucred(proc_t p)
{
	return &proc_check(p, "proc_ucred")->p_cred;
}

NKE_KPI int
proc_issetugid(proc_t p)
{
	proc_check(p, "proc_issetugid");
	return 0;
}

NKE_KPI task_t
proc_task(proc_t p)
{
	proc_check(p, "proc_task");
	return kernel_task;
}

NKE_KPI int
proc_pidversion(proc_t p)
{
	proc_check(p, "proc_pidversion");
	return 1;
}

NKE_KPI proc_t
proc_parent(proc_t p)
{
	proc_check(p, "proc_parent");
	return proc_find(p->p_ppid);
}

NKE_KPI uint32_t
proc_getuid(proc_t p)
{
	return proc_check(p, "proc_getuid")->p_cred.cr_uid;
}

NKE_KPI uint32_t
proc_getgid(proc_t p)
{
	return proc_check(p, "proc_getgid")->p_cred.cr_gid;
}

NKE_KPI uint64_t
proc_uniqueid(proc_t p)
{
	return proc_check(p, "proc_uniqueid")->p_uniqueid;
}

NKE_KPI uint64_t
proc_puniqueid(proc_t p)
{
	return (uint64_t)proc_check(p, "proc_puniqueid")->p_ppid + 1;
}

/* --- Tasks ------------------------------------------------------------------- */

NKE_KPI task_t
current_task(void)
{
	return kernel_task;
}

NKE_KPI bool
task_is_driver(task_t task)
{
	(void)task;
	return false;
}

/* --- Credentials ------------------------------------------------------------- */

NKE_KPI kauth_cred_t
kauth_cred_get(void)
{
	return &nke__proc_cur->p_cred;
}

NKE_KPI kauth_cred_t
kauth_cred_get_with_ref(void)
{
	nke__proc_cur->p_cred.cr_refs++;
	return &nke__proc_cur->p_cred;
}

NKE_KPI kauth_cred_t
kauth_cred_proc_ref(proc_t procp)
{
	struct proc *p = proc_check(procp, "kauth_cred_proc_ref");

	p->p_cred.cr_refs++;
	return &p->p_cred;
}

NKE_KPI kauth_cred_t
kauth_cred_proc_ref_for_pid(pid_t pid)
{
	proc_t p = proc_find(pid);
	kauth_cred_t c;

	if (p == NULL)
		return NULL;
	c = kauth_cred_proc_ref(p);
	proc_rele(p);
	return c;
}

NKE_KPI void
kauth_cred_ref(kauth_cred_t cred)
{
	cred_check(cred, "kauth_cred_ref")->cr_refs++;
}

NKE_KPI void
kauth_cred_unref(kauth_cred_t *credp)
{
	struct kauth_cred *c = cred_check(*credp, "kauth_cred_unref");

	if (c->cr_refs <= 0)
		nke__panic("kauth_cred_unref: credential %p released more often than referenced",
		    (void *)c);
	c->cr_refs--;
	*credp = NULL;
}

NKE_KPI uid_t
kauth_cred_getuid(kauth_cred_t cred)
{
	return cred_check(cred, "kauth_cred_getuid")->cr_uid;
}

NKE_KPI uid_t
kauth_cred_getruid(kauth_cred_t cred)
{
	return cred_check(cred, "kauth_cred_getruid")->cr_ruid;
}

NKE_KPI uid_t
kauth_cred_getsvuid(kauth_cred_t cred)
{
	return cred_check(cred, "kauth_cred_getsvuid")->cr_svuid;
}

NKE_KPI int
kauth_cred_issuser(kauth_cred_t cred)
{
	return cred_check(cred, "kauth_cred_issuser")->cr_uid == 0;
}

NKE_KPI gid_t
kauth_cred_getgid(kauth_cred_t cred)
{
	return cred_check(cred, "kauth_cred_getgid")->cr_gid;
}

NKE_KPI gid_t
kauth_cred_getrgid(kauth_cred_t cred)
{
	return cred_check(cred, "kauth_cred_getrgid")->cr_rgid;
}

NKE_KPI gid_t
kauth_cred_getsvgid(kauth_cred_t cred)
{
	return cred_check(cred, "kauth_cred_getsvgid")->cr_svgid;
}

NKE_KPI uid_t
kauth_getuid(void)
{
	return nke__proc_cur->p_cred.cr_uid;
}

NKE_KPI uid_t
kauth_getruid(void)
{
	return nke__proc_cur->p_cred.cr_ruid;
}

NKE_KPI gid_t
kauth_getgid(void)
{
	return nke__proc_cur->p_cred.cr_gid;
}

NKE_KPI gid_t
kauth_getrgid(void)
{
	return nke__proc_cur->p_cred.cr_rgid;
}

NKE_KPI int
kauth_cred_ismember_gid(kauth_cred_t cred, gid_t gid, int *resultp)
{
	*resultp = cred_check(cred, "kauth_cred_ismember_gid")->cr_gid == gid;
	return 0;
}

NKE_KPI int
groupmember(gid_t gid, kauth_cred_t cred)
{
	int is;

	return kauth_cred_ismember_gid(cred, gid, &is) == 0 && is;
}
