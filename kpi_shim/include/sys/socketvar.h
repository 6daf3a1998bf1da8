/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/socketvar.h> - what a third-party kext sees of socket internals
 * (kernel world): nothing of struct socket itself (socket_t is opaque),
 * only the fixed-layout export records that user-space tools read through
 * sysctl (struct xsocket & co, 32-bit handle fields on LP64).
 */
#ifndef _SYS_SOCKETVAR_H_
#define _SYS_SOCKETVAR_H_

#include <sys/cdefs.h>
#include <sys/types.h>

typedef u_quad_t so_gen_t;

#pragma pack(push, 4)

struct xsockbuf {
	u_int32_t sb_cc;
	u_int32_t sb_hiwat;
	u_int32_t sb_mbcnt;
	u_int32_t sb_mbmax;
	int32_t sb_lowat;
	short sb_flags;
	short sb_timeo;
};

/* Socket export record; the pointers are truncated to 32 bits. */
struct xsocket {
	u_int32_t xso_len;
	u_int32_t xso_so;
	short so_type;
	short so_options;
	short so_linger;
	short so_state;
	u_int32_t so_pcb;
	int xso_protocol;
	int xso_family;
	short so_qlen;
	short so_incqlen;
	short so_qlimit;
	short so_timeo;
	u_short so_error;
	pid_t so_pgid;
	u_int32_t so_oobmark;
	struct xsockbuf so_rcv;
	struct xsockbuf so_snd;
	uid_t so_uid;
};

/* Same with full 64-bit handles. */
struct xsocket64 {
	u_int32_t xso_len;
	u_int64_t xso_so;
	short so_type;
	short so_options;
	short so_linger;
	short so_state;
	u_int64_t so_pcb;
	int xso_protocol;
	int xso_family;
	short so_qlen;
	short so_incqlen;
	short so_qlimit;
	short so_timeo;
	u_short so_error;
	pid_t so_pgid;
	u_int32_t so_oobmark;
	struct xsockbuf so_rcv;
	struct xsockbuf so_snd;
	uid_t so_uid;
};

#pragma pack(pop)

#endif /* !_SYS_SOCKETVAR_H_ */
