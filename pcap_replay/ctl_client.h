/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ctl_client.h - nke-replay's kern_control clients (host world): --ctl
 * NAME[:UNIT][=FILE] connects to a kext's control after the kexts started
 * and writes everything it receives to FILE; --ctl-script FILE makes it
 * send, set and get options at given records, at the start or the end, or
 * when the control's kext sleeps waiting for it.  docs/kern_control.md is
 * the specification of the option syntax, the script grammar and the
 * output framing.
 */
#ifndef NKR_CTL_CLIENT_H_
#define NKR_CTL_CLIENT_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <nke_seam.h>

#include "vlog.h"

/* One --ctl option, parsed (strings point into the argument or are static). */
struct nkr_ctl_opt {
	char co_name[96];	/* control name */
	int co_has_unit;	/* :UNIT given */
	uint32_t co_unit;
	char co_file[256];	/* output file, "-" for stdout */
	const char *co_script;	/* --ctl-script FILE, or NULL */
};

/*
 * Parse "NAME[:UNIT][=FILE]".  FILE defaults to NAME.ctl in the current
 * directory (every '/' of NAME as '_').  Returns 0, or -1 with a message
 * (without the option name) in err.
 */
int nkr_ctl_parse_opt(const char *arg, struct nkr_ctl_opt *co, char *err, size_t errsize);

struct nkr_ctlset;

/*
 * Read every script and open every output of the clients (before the
 * simulated kernel starts).  Errors ("FILE:LINE: problem", "cannot write
 * FILE: reason") go to stderr; returns NULL then (exit status 2).  ctx is
 * the run's context, read whenever something is written.  n may be 0:
 * an empty set that does nothing.
 */
struct nkr_ctlset *nkr_ctl_open(const struct nkr_ctl_opt *opts, unsigned n,
    const struct nkr_ctx *ctx);

/* Are there clients? (Then the hostops ctl members should be installed.) */
int nkr_ctl_active(const struct nkr_ctlset *s);

/*
 * Connect every client (once the kexts started), run the "at start"
 * actions, and read.  Returns 0, or -1 after printing why (unknown
 * control: the registered ones are listed; connect refused): exit status 2.
 */
int nkr_ctl_connect(struct nkr_ctlset *s);

/* Before record `index` is replayed: run the "at N" actions now due. */
void nkr_ctl_before_record(struct nkr_ctlset *s, uint64_t index);

/* Every connected client reads what is queued for it (NKS_ctl_recv). */
void nkr_ctl_read(struct nkr_ctlset *s);

/*
 * After the last record and the drain, before the kexts stop: the "at
 * end" actions, a last read, then every client still connected closes.
 */
void nkr_ctl_finish(struct nkr_ctlset *s);

/* The hostops members (arg: the set). */
void nkr_ctl_recv(struct nkr_ctlset *s, nks_u32 client, const nks_u8 *data, nks_size len,
    nks_u32 flags);
int nkr_ctl_idle(struct nkr_ctlset *s, const char *sleeper, const char *kext);

/* Summary lines, one per client (and for actions that never ran). */
void nkr_ctl_summary(const struct nkr_ctlset *s, FILE *f);

/*
 * Close the outputs (NULL is fine; the counts stay for the summary).
 * Returns -1 when an output could not be written (reported on stderr),
 * else 0.  Nothing may be written after it.
 */
int nkr_ctl_close(struct nkr_ctlset *s);
/* Free the set (NULL is fine). */
void nkr_ctl_free(struct nkr_ctlset *s);

#endif /* NKR_CTL_CLIENT_H_ */
