/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_kern_proc.c - tests of kpi_shim/kern/kern_proc.c (kernel world): the
 * default current process (pid 0 kernel_task, uid 0), switching it with
 * nke__proc_set_current, name truncation (proc_name: 16, proc_selfname:
 * 32), proc_find/proc_rele, credentials and their reference counting.
 */
#include <nke_svc.h> /* first: KERNEL_PRIVATE */
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <sys/proc.h>
#include <sys/kauth.h>
#include <kern/task.h>
#include "nkt.h"

static void
test_default_is_kernel_task(void)
{
	char name[64];
	proc_t p;

	KT_ASSERT_EQ(proc_selfpid(), 0);
	KT_ASSERT_EQ(proc_selfppid(), 0);
	proc_selfname(name, sizeof(name));
	KT_ASSERT_STR_EQ(name, "kernel_task");
	KT_ASSERT_EQ(kauth_getuid(), 0);
	KT_ASSERT_EQ(kauth_getgid(), 0);
	KT_ASSERT(kauth_cred_issuser(kauth_cred_get()));
	p = proc_self();
	KT_ASSERT_PTR_EQ(p, kernproc);
	KT_ASSERT_EQ(proc_suser(p), 0);
	KT_ASSERT_EQ(proc_pid(p), 0);
	proc_rele(p);
	KT_ASSERT_PTR_EQ(current_task(), kernel_task);
}

static void
test_set_current_process(void)
{
	char name[64];
	proc_t p;
	kauth_cred_t cred;

	nke__proc_set_current(4242, 1, "a-rather-long-process-name-for-tests", 501, 20);
	KT_ASSERT_EQ(proc_selfpid(), 4242);
	KT_ASSERT_EQ(proc_selfppid(), 1);
	proc_selfname(name, sizeof(name));
	KT_ASSERT_STR_EQ(name, "a-rather-long-process-name-for-t"); /* 32 kept */
	proc_name(4242, name, sizeof(name));
	KT_ASSERT_STR_EQ(name, "a-rather-long-pr"); /* the 16-character command name */
	proc_name(4242, name, 5);
	KT_ASSERT_STR_EQ(name, "a-ra");
	proc_name(777, name, sizeof(name));
	KT_ASSERT_STR_EQ(name, "");
	KT_ASSERT_EQ(kauth_getuid(), 501);
	KT_ASSERT_EQ(kauth_getgid(), 20);
	p = proc_find(4242);
	KT_ASSERT(p != NULL);
	KT_ASSERT_EQ(proc_ppid(p), 1);
	KT_ASSERT_EQ(proc_suser(p), EPERM);
	cred = kauth_cred_proc_ref(p);
	KT_ASSERT_EQ(kauth_cred_getuid(cred), 501);
	KT_ASSERT(!kauth_cred_issuser(cred));
	kauth_cred_unref(&cred);
	KT_ASSERT_NULL(cred);
	proc_rele(p);
	KT_ASSERT_NULL(proc_find(777));
	nke__proc_reset_current();
	KT_ASSERT_EQ(proc_selfpid(), 0);
}

static void
rele_twice(void *arg)
{
	proc_t p = proc_find(0);

	(void)arg;
	proc_rele(p);
	proc_rele(p);
}

static void
test_unbalanced_rele_panics(void)
{
	KT_EXPECT_PANIC(rele_twice, NULL, "released more often than referenced");
}

NKT_CASES(NKT_CASE(test_default_is_kernel_task), NKT_CASE(test_set_current_process),
    NKT_CASE(test_unbalanced_rele_panics));
