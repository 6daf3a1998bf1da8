/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/kauth.h> - credentials of the current thread and of processes
 * (kernel world).  nkesim's credentials are those of its simulated current
 * process (uid 0 / gid 0 unless the simulator says otherwise).  Scopes,
 * listeners and ACLs are not provided.
 */
#ifndef _SYS_KAUTH_H
#define _SYS_KAUTH_H

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/kernel_types.h>
#include <mach/boolean.h>

__BEGIN_DECLS

#define KAUTH_UID_NONE (~(uid_t)0 - 100)
#define KAUTH_GID_NONE (~(gid_t)0 - 100)

/* Take / drop a reference on a credential; unref sets *credp to NULL. */
extern void kauth_cred_ref(kauth_cred_t cred);
extern void kauth_cred_unref(kauth_cred_t *credp);
/* The current thread's credential, not referenced. */
extern kauth_cred_t kauth_cred_get(void);
extern kauth_cred_t kauth_cred_get_with_ref(void);
/* A process's credential, referenced; drop with kauth_cred_unref(). */
extern kauth_cred_t kauth_cred_proc_ref(proc_t procp);
extern kauth_cred_t kauth_cred_proc_ref_for_pid(pid_t pid);
extern uid_t kauth_cred_getuid(kauth_cred_t _cred);
extern uid_t kauth_cred_getruid(kauth_cred_t _cred);
extern uid_t kauth_cred_getsvuid(kauth_cred_t _cred);
/* Non-zero for a superuser credential (effective uid 0). */
extern int kauth_cred_issuser(kauth_cred_t _cred);
extern gid_t kauth_cred_getgid(kauth_cred_t _cred);
extern gid_t kauth_cred_getrgid(kauth_cred_t _cred);
extern gid_t kauth_cred_getsvgid(kauth_cred_t _cred);
/* Effective / real ids of the current thread's credential. */
extern uid_t kauth_getuid(void);
extern uid_t kauth_getruid(void);
extern gid_t kauth_getgid(void);
extern gid_t kauth_getrgid(void);
/* *_resultp = 1 if the credential is in group _gid; returns 0. */
extern int kauth_cred_ismember_gid(kauth_cred_t _cred, gid_t _gid, int *_resultp);
extern int groupmember(gid_t gid, kauth_cred_t cred);

__END_DECLS

#endif /* !_SYS_KAUTH_H */
