/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vlog.h - nke-replay's stable text (host world): the verdict log in its
 * two formats (docs/log-format.md is the specification), the words used
 * for hooks, verdicts and return values, the --annotate comments, and the
 * kext console with its per-line context prefix.
 *
 * Nothing written here depends on pointers, wall-clock time or the host:
 * the same run writes the same bytes.
 */
#ifndef NKR_VLOG_H_
#define NKR_VLOG_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <nke_seam.h>

#include "replay.h"

/*
 * Where the run is, for the log's first field and the console prefix:
 * "start" (before the first packet: interfaces, kext start routines),
 * "#N" (record N is being processed), "timer" (callouts run between
 * packets and after the last one), "stop" (stop routines).
 */
enum nkr_phase {
	NKR_PH_START = 0,
	NKR_PH_PACKET,
	NKR_PH_TIMER,
	NKR_PH_STOP,
};

struct nkr_ctx {
	enum nkr_phase c_phase;
	uint64_t c_index; /* record, in NKR_PH_PACKET */
};

/* "start", "#57", "timer", "stop" into buf (>= 24 bytes); returns buf. */
const char *nkr_ctx_str(const struct nkr_ctx *c, uint64_t index, char *buf, size_t size);

/* "ipf_input", "stack", ...; "hook<N>" for an unknown value (buf >= 16). */
const char *nkr_hook_name(uint32_t hook, char *buf, size_t size);
/* Does the hook carry a packet (pass/kept/drop) rather than a return value? */
static inline int
nkr_hook_is_packet(uint32_t hook)
{
	return hook < 32 && ((1u << NKS_HOOK_IFF_INPUT | 1u << NKS_HOOK_IFF_OUTPUT |
	                      1u << NKS_HOOK_IPF_INPUT | 1u << NKS_HOOK_IPF_OUTPUT |
	                      1u << NKS_HOOK_SF_DATA_IN | 1u << NKS_HOOK_SF_DATA_OUT) >>
	                     hook) & 1u;
}

/* How a verdict is counted and written. */
enum nkr_vkind {
	NKR_V_PASS = 1, /* 0 from a packet callback */
	NKR_V_KEPT,     /* EJUSTRETURN: the filter owns the packet now */
	NKR_V_DROP,     /* any other value from a packet callback */
	NKR_V_STACK,    /* the simulated stack discarded the packet */
	NKR_V_OK,       /* 0 from another callback */
	NKR_V_RET,      /* non-zero from another callback */
};

struct nkr_vclass {
	enum nkr_vkind vc_kind;
	char vc_word[80];    /* "pass", "drop:EPERM", "drop:martian", "ret:ENOTSUP" */
	char vc_reason[64];  /* "EPERM", "martian", "" */
	const char *vc_rest; /* detail words left after the stack's reason, or NULL */
};

/* nkr_vclassify() of any verdict but a packet callback's 0 or EJUSTRETURN. */
void nkr_vclassify_slow(const struct nks_verdict *vd, struct nkr_vclass *vc);

/*
 * How vd is counted and written.  The usual verdict (a packet callback's 0
 * or EJUSTRETURN) inline: its kind, word and rest, no reason.
 */
static inline void
nkr_vclassify(const struct nks_verdict *vd, struct nkr_vclass *vc)
{
	if (nkr_hook_is_packet(vd->vd_hook) && (vd->vd_result == 0 || vd->vd_result == -2)) {
		vc->vc_kind = vd->vd_result == 0 ? NKR_V_PASS : NKR_V_KEPT;
		memcpy(vc->vc_word, vd->vd_result == 0 ? "pass" : "kept", 5);
		vc->vc_reason[0] = '\0';
		vc->vc_rest = vd->vd_detail;
		return;
	}
	nkr_vclassify_slow(vd, vc);
}

/*
 * Name of a Darwin errno ("EPERM"), else its decimal value, into buf.
 */
const char *nkr_errno_word(int32_t v, char *buf, size_t size);
/*
 * What a start or stop routine returned, for messages: "5 (KERN_FAILURE)",
 * "35 (EAGAIN)", "-603946984 (kOSKextReturnInUse)", "1234".  kern_return_t
 * names win for 1..9 (the routines' declared type), errno names above.
 */
const char *nkr_kext_result(int32_t v, char *buf, size_t size);

/* --- The verdict log --------------------------------------------------- */

/*
 * A cached middle of text verdict lines, "<dir> <if> <hook> <kext> <filter> "
 * escaped, for one (dir, hook, interface, kext, filter) (vlog.c).  The names
 * are keyed by pointer and checked against a copy of their bytes on every
 * use: a pointer may come back with other contents (the strings of a
 * verdict are valid during the call only).
 */
#define NKR_VMID_RAW  128
#define NKR_VMID_TEXT 240
#define NKR_VMID_BITS 6
#define NKR_VMID_N    (1u << NKR_VMID_BITS)

struct nkr_vmid {
	const char *m_if, *m_kext, *m_filter; /* the key; NULL is a key too */
	uint32_t m_hook, m_dir;
	uint16_t m_kext_off, m_filter_off;           /* of their copies in m_raw */
	uint16_t m_used;                             /* the key is set */
	uint16_t m_len;                              /* of m_text; 0: no text (names too long) */
	uint16_t m_raw_end;                          /* bytes of m_raw used */
	char m_raw[NKR_VMID_RAW + 16];               /* if NUL kext NUL filter NUL (those not NULL);
	                                                16 more: read 16 bytes at a time */
	char m_text[(NKR_VMID_TEXT + 31) / 32 * 32]; /* copied in 32-byte pieces */
};

/*
 * The log.  Text verdict lines are written into l_buf, which goes to l_f
 * when full, before anything else is written to l_f, and by
 * nkr_vlog_flush(): call it before l_f is flushed or closed.
 */
#define NKR_VLOG_BUF (1u << 16)

struct nkr_vlog {
	FILE *l_f;
	enum nkr_log_format l_format;
	size_t l_n;    /* bytes in l_buf */
	size_t l_nmid; /* entries of l_mid used */
	struct nkr_vmid l_mid[NKR_VMID_N];
	char l_buf[NKR_VLOG_BUF];
};

/* Set up l to write to f (l may be uninitialised). */
void nkr_vlog_init(struct nkr_vlog *l, FILE *f, enum nkr_log_format format);
/* Hand what is buffered to l_f (fwrite; no fflush). */
void nkr_vlog_flush(struct nkr_vlog *l);

void nkr_vlog_verdict(struct nkr_vlog *l, const char *ctx, const struct nks_verdict *vd,
                      const struct nkr_vclass *vc);
/* nkr_vlog_verdict() with ctx's length known (cl: strlen(ctx)). */
void nkr_vlog_verdict_n(struct nkr_vlog *l, const char *ctx, size_t cl,
                        const struct nks_verdict *vd, const struct nkr_vclass *vc);
/* kind: "check" (a report) or "warning". */
void nkr_vlog_check(struct nkr_vlog *l, const char *ctx, uint64_t index, const char *kind,
                    const char *check, const char *message);
/*
 * A kext life-cycle line: event is "started", "start-failed", "stop-refused",
 * "stopped" or "refused-to-stop"; tag 0 and version NULL when not known,
 * result only for the failing events (has_result).
 */
void nkr_vlog_kext(struct nkr_vlog *l, const char *ctx, const char *bundle, const char *event,
                   uint32_t tag, const char *version, int has_result, int32_t result);
void nkr_vlog_panic(struct nkr_vlog *l, const char *ctx, uint64_t index, const char *message);

/*
 * Copy msg into buf with every "0x" followed by 9 or more hex digits (a
 * host address) replaced by "0xADDR", so messages that name kernel objects
 * by address stay the same from run to run.
 */
const char *nkr_scrub_pointers(const char *msg, char *buf, size_t size);

/* --- --annotate comments ----------------------------------------------- */

/* A growable text buffer. */
struct nkr_sbuf {
	char *s_buf;
	size_t s_len;
	size_t s_cap;
};

void nkr_sbuf_reset(struct nkr_sbuf *s);
void nkr_sbuf_free(struct nkr_sbuf *s);
void nkr_sbuf_printf(struct nkr_sbuf *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Append one verdict as an annotation clause ("; " separated):
 * "passed by com.example.a/flt at ipf_input", "dropped by com.example.fw/fw
 * at ipf_input: EPERM", "kept by ... at ipf_input (EJUSTRETURN)",
 * "dropped by the stack: martian", " (modified)" when the bytes
 * changed.
 */
void nkr_annot_clause(struct nkr_sbuf *s, const struct nks_verdict *vd, const struct nkr_vclass *vc,
                      int modified);

/* --- The kext console -------------------------------------------------- */

struct nkr_console {
	FILE *k_f;
	int k_midline;  /* the last byte written was not a newline */
	char k_ctx[32]; /* context of the line being written */
};

/*
 * Write kext console bytes; every line starts with "[<ctx>] " ("[#57] ",
 * "[timer] ", ...).  A line begun in one context and continued in another
 * is broken there, so every line belongs to exactly one context.
 */
void nkr_console_write(struct nkr_console *k, const char *ctx, const char *buf, size_t len);
/* End an unterminated last line with a newline. */
void nkr_console_finish(struct nkr_console *k);

#endif /* NKR_VLOG_H_ */
