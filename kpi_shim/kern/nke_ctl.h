/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nke_ctl.h - what the sleep engine (kern_synch.c) and kern_control.c tell
 * each other (kernel world, never seen by kexts): a sleep that nothing
 * pending can end, in a kext that registered a kern_control, is a kext
 * waiting for its user-space client.  The clients read what is queued, the
 * host (playing them) may answer, and if nobody does the sleep is reported
 * and ends as if it had timed out instead of hanging or panicking.
 */
#ifndef NKE_CTL_H_
#define NKE_CTL_H_

/*
 * Forget every control and client (start and end of a run, from
 * nke__net_init/nke__net_fini).  At the end (fini set) host buffers are
 * given back; queued mbufs are not touched (the mbuf pools, released next,
 * take them along).  Never blocks.
 */
void nke__ctl_reset(int fini);

/*
 * The current thread sleeps and nothing pending can wake it before its
 * deadline.  If the current kext registered a control: every client reads
 * what is queued for it, then the host may act as a client (ho_ctl_idle).
 * Returns 1 when the host did something (look again whether the sleeper
 * woke), 0 otherwise.  May call into kexts (their ctl_* callbacks).
 */
int nke__ctl_sleep_idle(const char *who);

/*
 * A sleep without deadline that nothing can end.  If the current kext
 * registered a control, reports "ctl-sleep-unanswered" (once per run of
 * such sleeps) and returns 1: the sleep must end as if it timed out.
 * Returns 0 for any other kext (the caller panics, as before).  Panics
 * itself when the same sleep keeps coming back without the clock or the
 * record moving (a loop around it would never end).
 */
int nke__ctl_sleep_unanswered(const char *who, const void *chan);

#endif /* NKE_CTL_H_ */
