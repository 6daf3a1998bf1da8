/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proc_map.h - nke-replay --proc (host world): which process a frame
 * belongs to, by its local TCP/UDP endpoint, for captures that do not say
 * (PKTAP's process fields win).  Grammar and defaults: docs/kern_control.md
 * ("Process identity").
 */
#ifndef NKR_PROC_MAP_H_
#define NKR_PROC_MAP_H_

#include <stddef.h>
#include <stdint.h>

#include <nke_seam.h>

#include "replay.h"

/* One --proc rule: [tcp:|udp:][ADDR:]PORT|*=PID[:NAME[:UID]] */
struct nkr_proc_rule {
	const char *pr_spec;	/* as given, for the summary */
	int pr_proto;		/* 0 any, 6 TCP, 17 UDP */
	uint32_t pr_family;	/* 0 any address, else NKS_FAMILY_* */
	uint8_t pr_addr[16];
	int pr_port;		/* -1: any (also fragments and other protocols) */
	int32_t pr_pid;
	char pr_comm[33];	/* "" when not given */
	int32_t pr_uid;		/* -1 when not given */
	uint64_t pr_frames;	/* frames it named the process of */
};

/* Parse one rule; 0, or -1 with the problem in err (without the option name). */
int nkr_proc_parse(const char *spec, struct nkr_proc_rule *r, char *err, size_t errsize);

/*
 * If the frame has no process yet (fr_pid < 0), give it the first rule's
 * that matches its local endpoint (source when outbound, destination when
 * inbound).  iftype is the simulated interface's (framing of fr_data).
 * fr_comm then points into the rule.
 */
void nkr_proc_apply(struct nkr_proc_rule *rules, unsigned n, uint32_t iftype,
    struct nks_frame *fr);

#endif /* NKR_PROC_MAP_H_ */
