/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stress.h - nke-replay's checks and stress settings (host world): the
 * --checks, --mbuf-layout, --fail-alloc and --chain-tcp options, the
 * allocation-failure policy (the host's ho_fail), the symbolisation of code
 * addresses in reports (ho_symbolize) and the crash note that names the
 * kext code a fault happened in.  main.c parses, replay.c installs.
 */
#ifndef NKR_STRESS_H_
#define NKR_STRESS_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <nke_seam.h>

#include "vlog.h"

/*
 * Parse one option into the run's settings (kept here until the run
 * starts).  Return 0, or -1 with a message (no trailing newline) in err.
 *   --checks: "all", "none", or a comma list of groups, each optionally
 *     prefixed by + or -; a list starting with a sign modifies "all".
 *   --mbuf-layout: contiguous | driver | split-headers | bytes |
 *     random:SEED | guard (the last needs an AddressSanitizer build).
 *   --fail-alloc: N[,M...] (records) | random:RATE:SEED (RATE in 0..1, or N%).
 */
int nkr_stress_checks(const char *arg, char *err, size_t errsize);
int nkr_stress_layout(const char *arg, char *err, size_t errsize);
int nkr_stress_fail(const char *arg, char *err, size_t errsize);
void nkr_stress_chain_tcp(void);

/* The names of the check groups, for --help ("mbuf, ownership, ..."). */
const char *nkr_stress_group_names(void);

/*
 * Before NKS_init: add ho_fail (if --fail-alloc) and ho_symbolize to the
 * host table; ctx is where the run is (allocations fail only while records
 * or callouts are processed, in kext code).
 */
void nkr_stress_hostops(struct nks_hostops *ho, const struct nkr_ctx *ctx);
/* After NKS_init: hand the settings to the kernel.  0, or -1 (message printed). */
int nkr_stress_start(void);
/* A line for the run summary (nothing without stress options). */
void nkr_stress_summary(FILE *f);

/*
 * Async-signal-safe: append " in <hook> of <kext>, filter \"<name>\"" (or
 * the start/stop routine, the callout ...) for the kext code running now to
 * buf; returns the bytes written (0 if none runs), never more than size.
 */
size_t nkr_stress_crash_note(char *buf, size_t size);

/* ho_symbolize: "module+0xoff (function+0xoff)" for a code address. */
void nkr_stress_symbolize(void *arg, const void *addr, char *buf, nks_size size);

#endif /* NKR_STRESS_H_ */
