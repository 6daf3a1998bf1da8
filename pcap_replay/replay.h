/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * replay.h - one nke-replay run (host world): the options main.c parsed and
 * the function that runs the simulated host over a capture with the kexts
 * loaded, writing every output.
 */
#ifndef NKR_REPLAY_H_
#define NKR_REPLAY_H_

#include <stdint.h>

#include "source.h"

#define NKR_MAX_KEXTS 31 /* what the simulated kernel's registry holds */
#define NKR_MAX_CTL   8  /* --ctl clients */
#define NKR_MAX_PROC  64 /* --proc rules */

/* The simulated machine booted this long before the first packet. */
#define NKR_BOOT_UPTIME_NS (1000ULL * 1000000000ULL)

/* Defaults of the bounded work after the last packet. */
#define NKR_DRAIN_LIMIT_DEFAULT   1000 /* callout rounds */
#define NKR_DRAIN_HORIZON_DEFAULT 60   /* seconds after the last packet */
#define NKR_STOP_RETRIES_DEFAULT  10   /* stop attempts after the first */

enum nkr_log_format {
	NKR_LOG_TEXT = 0,
	NKR_LOG_JSONL = 1,
};

/* Exit statuses (DESIGN.md section 4). */
#define NKR_EXIT_OK    0 /* clean */
#define NKR_EXIT_CHECK 1 /* a check report, a panic, a kext that refused to stop */
#define NKR_EXIT_USAGE 2 /* bad usage, unreadable input, a kext that does not load/start */

struct nkr_opts {
	const char *o_read; /* -r FILE, "-" = stdin (required) */
	unsigned o_nkexts;
	const char *o_kexts[NKR_MAX_KEXTS]; /* --kext PATH, in load order */
	const char *o_write;                /* -w OUT or NULL */
	const char *o_annotate;             /* --annotate OUT.pcapng or NULL */
	const char *o_log;                  /* --log FILE ("-" = stdout) or NULL */
	enum nkr_log_format o_log_format;
	const char *o_console;        /* --console FILE or NULL (stderr) */
	uint64_t o_drain_limit;       /* --drain-limit N */
	uint64_t o_drain_horizon_ns;  /* --drain-horizon SEC */
	unsigned o_stop_retries;      /* --stop-retries N */
	int o_quiet;                  /* --quiet */
	struct nkr_source_opts o_src; /* --ifname, --local, --local-mac, --offload */
	/* --ctl NAME[:UNIT][=FILE] and the --ctl-script FILE given after it
	   (NULL if none); checked by main.c (docs/kern_control.md). */
	unsigned o_nctl;
	const char *o_ctl[NKR_MAX_CTL];
	const char *o_ctl_script[NKR_MAX_CTL];
	/* --proc SPEC, in the order given (checked by main.c). */
	unsigned o_nproc;
	const char *o_proc[NKR_MAX_PROC];
};

/*
 * Run the replay.  Prints errors, reports and (unless quiet) the summary on
 * stderr; returns the exit status (NKR_EXIT_*).  May not return normally
 * after a simulated panic: it still returns NKR_EXIT_CHECK then, once the
 * outputs are flushed.  One run per process (the simulated kernel and the
 * loaded kexts are process-wide).
 */
int nkr_run(const struct nkr_opts *opts);

#endif /* NKR_REPLAY_H_ */
