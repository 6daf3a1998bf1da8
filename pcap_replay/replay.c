/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * replay.c - one nke-replay run (host world).
 *
 * Order of a run: open the outputs and the capture; start the simulated
 * kernel with nkesim's default host services wrapped by ours (console with
 * context prefixes, reports, panics, emissions, verdicts); create the
 * interfaces the capture needs; set the clock to the first packet; load
 * every kext (dlopen, then kmod_info) and start them in order; feed each
 * frame after moving the clock to its timestamp; drain pending callouts
 * (bounded); stop the kexts in reverse order, retrying refusals after more
 * draining; check for leaks; write the summary; exit status.
 *
 * Clock: the simulated machine booted NKR_BOOT_UPTIME_NS before the first
 * packet, so record timestamps t give calendar t and uptime
 * NKR_BOOT_UPTIME_NS + (t - first).  A timestamp earlier than one already
 * seen leaves the clock where it is (it never goes back).
 */
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <nke_host.h>
#include <nke_seam.h>

#include "ctl_client.h"
#include "proc_map.h"
#include "replay.h"
#include "source.h"
#include "stress.h" /* checks and stress modes */
#include "vlog.h"
#include "writer.h"

/*
 * kmod_info_t is a kernel-world type; the host reads only the two strings
 * every loader reads, at their offsets in Apple's packed LP64 layout
 * (kmod_info_64_v1: next 8, info_version 4, id 4, then name[64] and
 * version[64]; pinned by tests/kpi_shim/kern/test_OSKextLib.c).
 */
#define KMOD_NAME_OFFSET    16
#define KMOD_VERSION_OFFSET 80
#define KMOD_STR_MAX        64

#define SNAPLEN 262144

/* Filters whose counters nke-replay finds without comparing names. */
#define FCACHE_BITS 6
#define FCACHE_SIZE (1u << FCACHE_BITS)

/* Timestamps of the most recent records, for packets the stack held back. */
#define TS_RING 4096

/* An interface of the simulated host, by kernel ifindex. */
struct rif {
	int r_used;
	char r_name[32];
	uint32_t r_type;               /* enum nks_iftype */
	int r_wif;                     /* -w interface id, -1 until declared */
	int r_aif;                     /* --annotate interface id */
	const struct nkr_srcif *r_src; /* NULL for lo0 and kext-made ones */
};

struct kext {
	const char *k_path;
	void *k_handle;
	void *k_ki; /* its kmod_info */
	char k_name[KMOD_STR_MAX];
	char k_version[KMOD_STR_MAX];
	uint32_t k_id; /* load tag, 0 until started */
	int k_running; /* started and not stopped */
};

/* Counters of one (kext, filter, hook). */
struct fstat {
	char *f_kext;
	char *f_filter;
	uint32_t f_hook;
	uint64_t f_pass, f_drop, f_kept, f_modified, f_injected, f_other;
};

/* A stack discard reason and how often. */
struct sreason {
	char s_reason[64];
	uint64_t s_count;
};

/* An injected packet waiting to be annotated after its record. */
struct pend {
	uint32_t p_ifindex, p_dir, p_family, p_len, p_wirelen;
	int64_t p_time;
	uint8_t *p_data;
	char *p_comment;
};

struct run {
	const struct nkr_opts *o;
	struct nks_hostops ho;
	jmp_buf jb;
	int kernel_up;

	/* Context. */
	struct nkr_ctx ctx;
	uint64_t ts_index[TS_RING]; /* record index in each slot */
	int64_t ts_time[TS_RING];   /* and its timestamp */

	/* Outputs. */
	struct nkr_vlog log;
	int have_log;
	struct nkr_console con;
	FILE *con_f, *log_f;
	struct nkr_writer *w, *a;
	int w_failed, a_failed;
	uint64_t w_written, w_mismatch, a_written, a_mismatch;
	uint8_t *fbuf;
	size_t fbuf_cap;

	/* Input. */
	struct nkr_source *src;
	uint32_t *src_ifindex; /* source interface -> kernel ifindex */
	unsigned src_nifs;
	uint64_t frames, frames_in, frames_out;
	int input_error;

	/* Interfaces, by kernel ifindex. */
	struct rif *ifs;
	unsigned nifs;

	/* Kexts. */
	struct kext kexts[NKR_MAX_KEXTS];
	unsigned nkexts;

	/* Clock. */
	int have_first;
	int64_t first_ns, max_ns;
	int64_t clk_cal;
	uint64_t clk_up;
	uint64_t drain_rounds;
	uint32_t pending_at_end;

	/* Verdicts. */
	struct fstat *fst;
	unsigned nfst, fst_cap;
	struct fcache {
		int c_valid;
		uint32_t c_hook;
		const char *c_kext, *c_filter; /* the verdict's pointers */
		unsigned c_index;              /* its counters in fst[] */
	} fcache[FCACHE_SIZE];                 /* filters seen lately, by pointers */
	unsigned nfcache;                      /* entries of fcache used */
	uint64_t vctx_index;                   /* vctx is the context of this record (0: none) */
	size_t vctx_len;                       /* strlen(vctx) */
	char vctx[24];
	struct sreason reasons[32];
	unsigned nreasons;
	uint64_t reasons_other;
	uint64_t emitted_in, emitted_out, emitted_injected, emitted_changed;

	/* --annotate. */
	struct nkr_sbuf note, inj_note, inj_comment;
	struct pend *pend;
	unsigned npend, pend_cap;

	/* --ctl clients and --proc rules. */
	struct nkr_ctlset *ctl;
	int ctl_on;     /* nkr_ctl_active(ctl): there are clients to serve */
	int ctl_error;  /* a client could not connect (status 2) */
	int ctl_failed; /* its output could not be written */
	struct nkr_proc_rule proc[NKR_MAX_PROC];
	unsigned nproc;

	/* Outcome. */
	uint64_t reports, warnings;
	int panicked;
	int refused_stop;
	int kext_error;
	int leaks;
};

static struct run *R;

/* --- Small helpers ----------------------------------------------------- */

static const char *
ctxs(char *buf, size_t size)
{
	return nkr_ctx_str(&R->ctx, 0, buf, size);
}

static void
set_phase(enum nkr_phase ph, uint64_t index)
{
	R->ctx.c_phase = ph;
	R->ctx.c_index = index;
	/* Kexts start and stop here: filter names may go, and come at other addresses. */
	if (ph == NKR_PH_START || ph == NKR_PH_STOP) {
		memset(R->fcache, 0, sizeof(R->fcache));
		R->nfcache = 0;
	}
}

static const char *
iftype_word(uint32_t t)
{
	switch (t) {
	case NKS_IFT_ETHER:
		return "ethernet";
	case NKS_IFT_LOOPBACK:
		return "loopback";
	case NKS_IFT_UTUN:
		return "utun";
	default:
		return "unknown";
	}
}

static struct rif *
rif_get(uint32_t ifindex)
{
	if (ifindex >= R->nifs) {
		unsigned n = ifindex + 8;
		struct rif *ni = realloc(R->ifs, n * sizeof(*ni));

		if (ni == NULL) {
			fprintf(stderr, "nke-replay: out of memory\n");
			exit(NKR_EXIT_CHECK);
		}
		memset(ni + R->nifs, 0, (n - R->nifs) * sizeof(*ni));
		R->ifs = ni;
		R->nifs = n;
	}
	return &R->ifs[ifindex];
}

static void
rif_set(uint32_t ifindex, const char *name, uint32_t type, const struct nkr_srcif *src)
{
	struct rif *r = rif_get(ifindex);

	r->r_used = 1;
	snprintf(r->r_name, sizeof(r->r_name), "%s", name);
	r->r_type = type;
	r->r_wif = -1;
	r->r_aif = -1;
	r->r_src = src;
}

/*
 * Frame a packet for a capture file: Ethernet as it is, lo0/utun with the
 * 4-byte protocol family word.  Returns the bytes (R->fbuf or data).
 */
static const uint8_t *
frame_for_file(uint32_t type, uint32_t family, const uint8_t *data, uint32_t len, uint32_t *outlen)
{
	uint32_t n;

	if (type == NKS_IFT_ETHER) {
		*outlen = len;
		return data;
	}
	if (R->fbuf_cap < (size_t)len + 64) {
		size_t cap = (size_t)len + 4096;
		uint8_t *nb = realloc(R->fbuf, cap);

		if (nb == NULL) {
			*outlen = 0;
			return NULL;
		}
		R->fbuf = nb;
		R->fbuf_cap = cap;
	}
	n = nkr_output_frame(type, family, data, len, R->fbuf, (uint32_t)R->fbuf_cap);
	*outlen = n;
	return n != 0 ? R->fbuf : NULL;
}

static int
declare_if(struct nkr_writer *w, struct rif *r, int *slot, int *failed, const char *path)
{
	struct nkr_err err;
	unsigned id;

	if (*slot >= 0)
		return *slot;
	if (nkr_writer_add_if(w, r->r_name, nkr_output_linktype(r->r_type), SNAPLEN, &id, &err) !=
	    0) {
		if (!*failed)
			fprintf(stderr, "nke-replay: %s\n", err.e_msg);
		*failed = 1;
		(void)path;
		return -1;
	}
	*slot = (int)id;
	return *slot;
}

/* Write one packet to -w or --annotate; counts mismatches and failures. */
static void
write_pkt(struct nkr_writer *w, int is_annot, struct rif *r, uint32_t family, int64_t t,
          const uint8_t *data, uint32_t len, uint32_t wirelen, uint32_t dir, const char *comment)
{
	int *slot = is_annot ? &r->r_aif : &r->r_wif;
	int *failed = is_annot ? &R->a_failed : &R->w_failed;
	const char *path = is_annot ? R->o->o_annotate : R->o->o_write;
	const uint8_t *fr;
	uint32_t flen, extra;
	struct nkr_err err;
	int wif, rc;

	if (*failed)
		return;
	wif = declare_if(w, r, slot, failed, path);
	if (wif < 0)
		return;
	fr = frame_for_file(r->r_type, family, data, len, &flen);
	if (fr == NULL)
		return;
	extra = flen - len;
	rc = nkr_writer_write(w, (unsigned)wif, t, fr, flen, wirelen + extra, (int)dir, comment,
	                      &err);
	if (rc == NKR_WRITER_MISMATCH) {
		if (is_annot)
			R->a_mismatch++;
		else
			R->w_mismatch++;
	} else if (rc != 0) {
		fprintf(stderr, "nke-replay: %s\n", err.e_msg);
		*failed = 1;
	} else if (is_annot) {
		R->a_written++;
	} else {
		R->w_written++;
	}
}

/* --- Host services ----------------------------------------------------- */

static void
h_console(void *arg, const char *buf, nks_size len)
{
	char cb[32];

	(void)arg;
	nkr_console_write(&R->con, ctxs(cb, sizeof(cb)), buf, len);
}

static void
h_event(void *arg, const struct nks_event *ev)
{
	char cb[32];
	const char *kind = ev->ev_kind == NKS_EV_REPORT ? "check" : "warning";

	(void)arg;
	if (!NKS_check_enabled(ev->ev_check)) /* --checks turned its group off */
		return;
	ctxs(cb, sizeof(cb));
	if (ev->ev_kind == NKS_EV_REPORT) {
		R->reports++;
		fprintf(stderr, "nke-replay: %s: error: %s: %s\n", cb, ev->ev_check,
		        ev->ev_message);
	} else {
		R->warnings++;
		if (!R->o->o_quiet)
			fprintf(stderr, "nke-replay: %s: warning: %s: %s\n", cb, ev->ev_check,
			        ev->ev_message);
	}
	if (R->have_log)
		nkr_vlog_check(&R->log, cb, R->ctx.c_phase == NKR_PH_PACKET ? R->ctx.c_index : 0,
		               kind, ev->ev_check, ev->ev_message);
}

static void
describe_last(char *buf, size_t size)
{
	char hb[16];

	nks_u64 index;
	nks_u32 hook;

	buf[0] = '\0';
	if (NKS_last_verdict(&index, &hook) &&
	    index == (R->ctx.c_phase == NKR_PH_PACKET ? R->ctx.c_index : 0))
		snprintf(buf, size, " (last completed filter callback: %s)",
		         nkr_hook_name(hook, hb, sizeof(hb)));
}

static __attribute__((noreturn)) void
h_panic(void *arg, const char *msg)
{
	char cb[32], last[384];

	(void)arg;
	ctxs(cb, sizeof(cb));
	describe_last(last, sizeof(last));
	/* The kext code that panicked, if any (stress.c): hook, kext, filter. */
	if (strlen(last) < sizeof(last) - 2) {
		size_t n = strlen(last);

		last[n + nkr_stress_crash_note(last + n, sizeof(last) - 1 - n)] = '\0';
	}
	nkr_console_finish(&R->con);
	if (R->ctx.c_phase == NKR_PH_PACKET)
		fprintf(stderr,
		        "nke-replay: simulated kernel panic while processing record #%" PRIu64
		        "%s: %s\n",
		        R->ctx.c_index, last, msg);
	else
		fprintf(stderr, "nke-replay: simulated kernel panic (%s)%s: %s\n", cb, last, msg);
	if (R->have_log)
		nkr_vlog_panic(&R->log, cb, R->ctx.c_phase == NKR_PH_PACKET ? R->ctx.c_index : 0,
		               msg);
	R->panicked = 1;
	longjmp(R->jb, 1);
}

static void
h_emit(void *arg, const struct nks_emit *em)
{
	struct rif *r;
	int64_t t = em->em_time_ns;
	uint32_t wirelen;
	int injected = (em->em_flags & NKS_EMIT_INJECTED) != 0;

	(void)arg;
	if (em->em_dir == NKS_DIR_IN)
		R->emitted_in++;
	else
		R->emitted_out++;
	if (injected)
		R->emitted_injected++;
	else if (em->em_index != 0 && !(em->em_flags & NKS_EMIT_UNCHANGED))
		R->emitted_changed++;
	if (R->w == NULL && R->a == NULL)
		return;
	r = rif_get(em->em_ifindex);
	if (!r->r_used)
		/* Made by a kext: IP framing when it says which family. */
		rif_set(em->em_ifindex, em->em_ifname != NULL ? em->em_ifname : "?",
		        em->em_family != 0 ? NKS_IFT_UTUN : NKS_IFT_ETHER, NULL);
	/*
	 * A packet that comes from a record keeps the record's timestamp, also
	 * when the stack held it back (fragments waiting for reassembly).
	 */
	if (!injected && em->em_index != 0 && R->ts_index[em->em_index % TS_RING] == em->em_index)
		t = R->ts_time[em->em_index % TS_RING];
	wirelen = (em->em_flags & NKS_EMIT_TRUNCATED) && em->em_wirelen > em->em_len
	              ? em->em_wirelen
	              : em->em_len;
	if (R->w != NULL)
		write_pkt(R->w, 0, r, em->em_family, t, em->em_data, em->em_len, wirelen,
		          em->em_dir, NULL);
	if (R->a == NULL || !injected)
		return;
	/* Injected packets get their own annotated entry. */
	nkr_sbuf_reset(&R->inj_comment);
	if (R->inj_note.s_len != 0)
		nkr_sbuf_printf(&R->inj_comment, "injected by a kext; then %s", R->inj_note.s_buf);
	else
		nkr_sbuf_printf(&R->inj_comment, "injected by a kext");
	nkr_sbuf_reset(&R->inj_note);
	if (R->ctx.c_phase != NKR_PH_PACKET) {
		write_pkt(R->a, 1, r, em->em_family, t, em->em_data, em->em_len, wirelen,
		          em->em_dir, R->inj_comment.s_buf);
		nkr_sbuf_reset(&R->inj_comment);
		return;
	}
	/* During a record: written after the record itself. */
	if (R->npend == R->pend_cap) {
		unsigned cap = R->pend_cap != 0 ? R->pend_cap * 2 : 8;
		struct pend *np = realloc(R->pend, cap * sizeof(*np));

		if (np == NULL)
			return;
		R->pend = np;
		R->pend_cap = cap;
	}
	struct pend *p = &R->pend[R->npend];
	p->p_data = malloc(em->em_len != 0 ? em->em_len : 1);
	p->p_comment = strdup(R->inj_comment.s_buf);
	if (p->p_data == NULL || p->p_comment == NULL) {
		free(p->p_data);
		free(p->p_comment);
		return;
	}
	memcpy(p->p_data, em->em_data, em->em_len);
	p->p_ifindex = em->em_ifindex;
	p->p_dir = em->em_dir;
	p->p_family = em->em_family;
	p->p_len = em->em_len;
	p->p_wirelen = wirelen;
	p->p_time = t;
	R->npend++;
	nkr_sbuf_reset(&R->inj_comment);
}

static inline unsigned
fcache_slot(const struct nks_verdict *vd)
{
	/* Fibonacci hashing: the top bits of the product depend on every key bit. */
	uint64_t key = (uint64_t)(uintptr_t)vd->vd_kext + (uint64_t)(uintptr_t)vd->vd_filter * 3 +
	               vd->vd_hook;

	return (unsigned)((key * 0x9e3779b97f4a7c15ULL) >> (64 - FCACHE_BITS));
}

/* fstat_get() of a verdict not in the cache; c: the free entry for it. */
static __attribute__((noinline)) struct fstat *
fstat_find(const struct nks_verdict *vd, struct fcache *c)
{
	const char *k = vd->vd_kext != NULL ? vd->vd_kext : "-";
	const char *f = vd->vd_filter != NULL ? vd->vd_filter : "-";
	struct fstat *s;
	unsigned i;

	if (R->nfcache >= FCACHE_SIZE * 3 / 4) {
		memset(R->fcache, 0, sizeof(R->fcache));
		R->nfcache = 0;
		c = &R->fcache[fcache_slot(vd)];
	}
	for (i = 0; i < R->nfst; i++) {
		s = &R->fst[i];
		if (s->f_hook == vd->vd_hook && strcmp(s->f_kext, k) == 0 &&
		    strcmp(s->f_filter, f) == 0)
			break;
	}
	if (i == R->nfst) {
		if (R->nfst == R->fst_cap) {
			unsigned cap = R->fst_cap != 0 ? R->fst_cap * 2 : 16;
			struct fstat *ns = realloc(R->fst, cap * sizeof(*ns));

			if (ns == NULL)
				return NULL;
			R->fst = ns;
			R->fst_cap = cap;
		}
		s = &R->fst[R->nfst];
		memset(s, 0, sizeof(*s));
		s->f_kext = strdup(k);
		s->f_filter = strdup(f);
		s->f_hook = vd->vd_hook;
		if (s->f_kext == NULL || s->f_filter == NULL) {
			free(s->f_kext);
			free(s->f_filter);
			return NULL;
		}
		R->nfst++;
	}
	R->nfcache++;
	c->c_valid = 1;
	c->c_hook = vd->vd_hook;
	c->c_kext = vd->vd_kext;
	c->c_filter = vd->vd_filter;
	c->c_index = i;
	return s;
}

/*
 * The counters of a verdict's filter.  Most verdicts are for a filter seen
 * lately: the same name pointers (a kext's filter name stays put while the
 * filter exists, as XNU itself assumes; the cache is emptied when kexts
 * start or stop).  Open addressing: probe until the key or an empty entry.
 */
static inline struct fstat *
fstat_get(const struct nks_verdict *vd)
{
	unsigned slot = fcache_slot(vd);
	struct fcache *c;

	for (;; slot = (slot + 1) % FCACHE_SIZE) {
		c = &R->fcache[slot];
		if (!c->c_valid)
			return fstat_find(vd, c);
		if (c->c_hook == vd->vd_hook && c->c_kext == vd->vd_kext &&
		    c->c_filter == vd->vd_filter)
			return &R->fst[c->c_index];
	}
}

static void
count_reason(const char *reason)
{
	unsigned i;

	for (i = 0; i < R->nreasons; i++) {
		if (strcmp(R->reasons[i].s_reason, reason) == 0) {
			R->reasons[i].s_count++;
			return;
		}
	}
	if (R->nreasons == sizeof(R->reasons) / sizeof(R->reasons[0])) {
		R->reasons_other++;
		return;
	}
	snprintf(R->reasons[R->nreasons].s_reason, sizeof(R->reasons[0].s_reason), "%s", reason);
	R->reasons[R->nreasons++].s_count = 1;
}

/*
 * "#N" (n bytes) made "#N+1" in place; 0 if that is one digit longer (the
 * digits are left zeros: the caller writes it anew).
 */
static int
ctx_next(char *s, size_t n)
{
	char *d = s + n - 1;

	for (; d > s && *d == '9'; d--)
		*d = '0';
	if (d == s)
		return 0;
	(*d)++;
	return 1;
}

/*
 * nkr_ctx_str() of a verdict, remembered with its length (*len): a record's
 * verdicts come in a row.
 */
static const char *
vd_ctx(uint64_t index, char *buf, size_t size, size_t *len)
{
	uint64_t key = index != 0 ? index : R->ctx.c_phase == NKR_PH_PACKET ? R->ctx.c_index : 0;
	const char *s;

	if (key == 0) {
		s = nkr_ctx_str(&R->ctx, index, buf, size);
		*len = strlen(s);
		return s;
	}
	if (key != R->vctx_index) {
		/* Usually the next record's: the number + 1 in place. */
		if (R->vctx_index == 0 || key - 1 != R->vctx_index ||
		    !ctx_next(R->vctx, R->vctx_len)) {
			nkr_ctx_str(&R->ctx, key, R->vctx, sizeof(R->vctx));
			R->vctx_len = strlen(R->vctx);
		}
		R->vctx_index = key;
	}
	*len = R->vctx_len;
	return R->vctx;
}

static void
h_verdict(void *arg, const struct nks_verdict *vd)
{
	struct nkr_vclass vc;
	struct fstat *s;
	uint32_t inj = (vd->vd_flags & NKS_VD_INJECTED) != 0;
	int modified = 0;
	char cb[32];

	(void)arg;
	if (!R->have_log && R->a == NULL && vd->vd_hook != NKS_HOOK_STACK) {
		/* Only counted (the summary): no words, no text. */
		int32_t r = vd->vd_result;

		if ((s = fstat_get(vd)) == NULL)
			return;
		if (!nkr_hook_is_packet(vd->vd_hook))
			s->f_other++;
		else if (r == 0 || r == -2)
			*(r == 0 ? &s->f_pass : &s->f_kept) += 1;
		else
			s->f_drop++;
		if ((r == 0 || r == -2) && (vd->vd_flags & NKS_VD_MODIFIED) &&
		    nkr_hook_is_packet(vd->vd_hook))
			s->f_modified++;
		s->f_injected += inj;
		return;
	}
	nkr_vclassify(vd, &vc);
	/*
	 * The kernel says whether the bytes differ from what the previous
	 * filter at the same hook left for this packet (the first filter of a
	 * hook has nothing to compare with: see docs/log-format.md).
	 */
	if (vc.vc_kind == NKR_V_PASS || vc.vc_kind == NKR_V_KEPT)
		modified = (vd->vd_flags & NKS_VD_MODIFIED) != 0;
	/* (The last filter verdict, for a panic or a crash: NKS_last_verdict.) */

	if (vc.vc_kind == NKR_V_STACK) {
		count_reason(vc.vc_reason);
	} else if ((s = fstat_get(vd)) != NULL) {
		/* (Most verdicts pass: one compare, no jump table.) */
		if (vc.vc_kind == NKR_V_PASS)
			s->f_pass++;
		else if (vc.vc_kind == NKR_V_KEPT)
			s->f_kept++;
		else if (vc.vc_kind == NKR_V_DROP)
			s->f_drop++;
		else
			s->f_other++;
		s->f_modified += (uint64_t)modified;
		s->f_injected += inj;
	}

	if (R->have_log) {
		size_t cl;
		const char *ctx = vd_ctx(vd->vd_index, cb, sizeof(cb), &cl);

		nkr_vlog_verdict_n(&R->log, ctx, cl, vd, &vc);
	}
	if (R->a != NULL) {
		if (inj)
			nkr_annot_clause(&R->inj_note, vd, &vc, modified);
		else if (R->ctx.c_phase == NKR_PH_PACKET && vd->vd_index == R->ctx.c_index)
			nkr_annot_clause(&R->note, vd, &vc, modified);
	}
}

/*
 * Brief verdicts counted in the kernel (seam v8): a filter's hook registers
 * on its first verdict, where h_verdict would have met it (the summary
 * lists the filters in that order); its handle is its fst[] index + 1.
 */
static nks_u64
h_vfilter(void *arg, const char *kext, const char *filter, nks_u32 hook)
{
	struct nks_verdict vd;
	struct fstat *s;

	(void)arg;
	memset(&vd, 0, sizeof(vd));
	vd.vd_kext = kext;
	vd.vd_filter = filter;
	vd.vd_hook = hook;
	if ((s = fstat_get(&vd)) == NULL)
		return 0;
	return (nks_u64)(s - R->fst) + 1;
}

static void
h_vcounts(void *arg, nks_u64 handle, const struct nks_vcounts *vc)
{
	struct fstat *s;

	(void)arg;
	if (handle == 0 || handle > R->nfst)
		return;
	s = &R->fst[handle - 1];
	s->f_pass += vc->vc_pass;
	s->f_drop += vc->vc_drop;
	s->f_kept += vc->vc_kept;
	s->f_modified += vc->vc_modified;
	s->f_injected += vc->vc_injected;
	s->f_other += vc->vc_other;
}

/* A kern_control client received a message (while it read). */
static void
h_ctl_recv(void *arg, nks_u32 client, const nks_u8 *data, nks_size len, nks_u32 flags)
{
	(void)arg;
	nkr_ctl_recv(R->ctl, client, data, len, flags);
}

/* A kext of a control sleeps with nothing to wake it: its script may answer. */
static int
h_ctl_idle(void *arg, const char *sleeper, const char *kext)
{
	(void)arg;
	return nkr_ctl_idle(R->ctl, sleeper, kext);
}

/* --- Crashes inside a kext --------------------------------------------- */

static struct sigaction old_sa[5];
static const int crash_sigs[5] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

static void
put_u64(char *buf, size_t *o, uint64_t v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		buf[(*o)++] = tmp[--n];
}

/*
 * Say where the replay was, then put the previous handler back and return:
 * the faulting instruction runs again and the previous handler (a
 * sanitizer's, or the default one: a core dump) takes over.
 */
static void
crash_handler(int sig)
{
	static const char *const phases[] = {"before the first packet", "while processing record #",
	                                     "in a timer callout", "while stopping the kexts"};
	char buf[512];
	size_t o = 0, n;
	unsigned i;
	const char *p = "nke-replay: crashed (signal ";
	nks_u64 last_index;
	nks_u32 last_hook;

	n = strlen(p);
	memcpy(buf, p, n);
	o = n;
	put_u64(buf, &o, (uint64_t)sig);
	buf[o++] = ')';
	buf[o++] = ' ';
	p = phases[R->ctx.c_phase];
	n = strlen(p);
	memcpy(buf + o, p, n);
	o += n;
	if (R->ctx.c_phase == NKR_PH_PACKET)
		put_u64(buf, &o, R->ctx.c_index);
	/* The kext code running (hook, kext, filter): stress.c. */
	if (o + 96 < sizeof(buf))
		o += nkr_stress_crash_note(buf + o, sizeof(buf) - o - 96);
	if (NKS_last_verdict(&last_index, &last_hook) && last_hook > 0 &&
	    last_hook < NKS_HOOK_MAX &&
	    last_index == (R->ctx.c_phase == NKR_PH_PACKET ? R->ctx.c_index : 0)) {
		char hb[16];
		const char *hn = nkr_hook_name(last_hook, hb, sizeof(hb));

		p = " (last filter callback that returned: ";
		n = strlen(p);
		if (o + n + strlen(hn) + 3 < sizeof(buf)) {
			memcpy(buf + o, p, n);
			o += n;
			memcpy(buf + o, hn, strlen(hn));
			o += strlen(hn);
			buf[o++] = ')';
		}
	}
	buf[o++] = '\n';
	(void)!write(2, buf, o);
	for (i = 0; i < 5; i++)
		if (crash_sigs[i] == sig)
			sigaction(sig, &old_sa[i], NULL);
}

static void
crash_install(void)
{
	struct sigaction sa;
	unsigned i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = crash_handler;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 5; i++)
		sigaction(crash_sigs[i], &sa, &old_sa[i]);
}

/* --- Clock ------------------------------------------------------------- */

static void
clock_set(int64_t cal, uint64_t up)
{
	enum nkr_phase ph = R->ctx.c_phase;
	uint64_t idx = R->ctx.c_index;

	if (up > R->clk_up) {
		R->clk_up = up;
		R->clk_cal = cal;
	}
	set_phase(NKR_PH_TIMER, 0);
	NKS_clock_set(R->clk_cal, R->clk_up);
	/* The control clients read what the callouts queued. */
	if (R->ctl_on)
		nkr_ctl_read(R->ctl);
	set_phase(ph, idx);
}

/* The clock at a record's timestamp (never backwards). */
static void
clock_to(int64_t t)
{
	if (!R->have_first) {
		R->have_first = 1;
		R->first_ns = R->max_ns = t;
	}
	if (t < R->max_ns)
		return;
	R->max_ns = t;
	clock_set(t, NKR_BOOT_UPTIME_NS + (uint64_t)(t - R->first_ns));
}

/*
 * Run pending callouts in deadline order, at most `limit` clock moves and
 * none due after `horizon` (uptime).  Returns the number of moves.
 */
static uint64_t
drain(uint64_t limit, uint64_t horizon)
{
	uint64_t n = 0, next;

	while (n < limit && NKS_callouts_pending(&next) != 0 && next <= horizon) {
		int64_t cal = R->clk_cal;

		if (next > R->clk_up)
			cal += (int64_t)(next - R->clk_up);
		clock_set(cal, next);
		n++;
	}
	R->drain_rounds += n;
	return n;
}

/* --- Interfaces -------------------------------------------------------- */

static const uint8_t v4_loop[4] = {127, 0, 0, 1};
static const uint8_t v6_loop[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

static int
attach_new_ifs(void)
{
	unsigned n = nkr_source_nifs(R->src);

	if (n > R->src_nifs) {
		uint32_t *ni = realloc(R->src_ifindex, n * sizeof(*ni));

		if (ni == NULL)
			return -1;
		R->src_ifindex = ni;
	}
	for (; R->src_nifs < n; R->src_nifs++) {
		const struct nkr_srcif *si = nkr_source_if(R->src, R->src_nifs);
		uint32_t idx = 0;
		unsigned i;
		int rc;

		/* The same name twice (pcapng): one interface. */
		for (i = 1; i < R->nifs; i++)
			if (R->ifs[i].r_used && strcmp(R->ifs[i].r_name, si->si_name) == 0)
				idx = i;
		if (idx == 0) {
			rc = NKS_ifnet_attach(&si->si_spec, &idx);
			if (rc != 0) {
				fprintf(stderr, "nke-replay: %s: cannot create interface %s: %s\n",
				        R->o->o_read, si->si_name,
				        nke_errno_name(rc) != NULL ? nke_errno_name(rc) : "error");
				return -1;
			}
			rif_set(idx, si->si_name, si->si_spec.is_type, si);
		} else {
			/* lo0 exists already: give it the capture's other addresses. */
			for (i = 0; i < si->si_spec.is_naddrs; i++) {
				const struct nks_ifaddr *a = &si->si_spec.is_addrs[i];

				if ((a->ia_family == NKS_FAMILY_INET &&
				     memcmp(a->ia_addr, v4_loop, 4) == 0) ||
				    (a->ia_family == NKS_FAMILY_INET6 &&
				     memcmp(a->ia_addr, v6_loop, 16) == 0))
					continue;
				(void)NKS_ifnet_addaddr(idx, a);
			}
			if (R->ifs[idx].r_src == NULL)
				R->ifs[idx].r_src = si;
		}
		R->src_ifindex[R->src_nifs] = idx;
	}
	return 0;
}

/* --- Kexts ------------------------------------------------------------- */

static int
kext_load(struct kext *k)
{
	const char *path = k->k_path;
	char *rel = NULL;
	const char *s;

	/* dlopen searches the library path for a bare name; a kext is a file. */
	if (strchr(path, '/') == NULL) {
		rel = malloc(strlen(path) + 3);
		if (rel == NULL)
			return -1;
		sprintf(rel, "./%s", path);
		path = rel;
	}
	dlerror();
	k->k_handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	free(rel);
	if (k->k_handle == NULL) {
		s = dlerror();
		fprintf(stderr, "nke-replay: cannot load kext %s: %s\n", k->k_path,
		        s != NULL ? s : "unknown error");
		return -1;
	}
	dlerror();
	k->k_ki = dlsym(k->k_handle, "kmod_info");
	if (k->k_ki == NULL) {
		fprintf(stderr,
		        "nke-replay: kext %s has no kmod_info symbol (build it with "
		        "nke_add_kext): %s\n",
		        k->k_path, (s = dlerror()) != NULL ? s : "NULL");
		return -1;
	}
	memcpy(k->k_name, (const char *)k->k_ki + KMOD_NAME_OFFSET, KMOD_STR_MAX);
	k->k_name[KMOD_STR_MAX - 1] = '\0';
	memcpy(k->k_version, (const char *)k->k_ki + KMOD_VERSION_OFFSET, KMOD_STR_MAX);
	k->k_version[KMOD_STR_MAX - 1] = '\0';
	return 0;
}

static int
kext_start(struct kext *k)
{
	nks_u32 id = 0;
	nks_i32 res = 0;
	char rb[64], cb[32];
	int rc;

	set_phase(NKR_PH_START, 0);
	rc = NKS_kext_start(k->k_ki, &id, &res);
	ctxs(cb, sizeof(cb));
	if (rc == 0) {
		k->k_id = id;
		k->k_running = 1;
		if (R->have_log)
			nkr_vlog_kext(&R->log, cb, k->k_name, "started", id, k->k_version, 0, 0);
		return 0;
	}
	switch (nke_errno_host(rc)) {
	case ECANCELED:
		fprintf(stderr,
		        "nke-replay: kext %s (%s) failed to start: its start routine "
		        "returned %s\n",
		        k->k_name, k->k_path, nkr_kext_result(res, rb, sizeof(rb)));
		if (R->have_log)
			nkr_vlog_kext(&R->log, cb, k->k_name, "start-failed", 0, k->k_version, 1,
			              res);
		break;
	case EEXIST:
		fprintf(stderr,
		        "nke-replay: kext %s (%s) not started: a kext with this bundle "
		        "identifier is already running\n",
		        k->k_name, k->k_path);
		break;
	case EINVAL:
		fprintf(stderr,
		        "nke-replay: kext %s not started: its kmod_info is malformed "
		        "(version, name or start routine)\n",
		        k->k_path);
		break;
	default:
		fprintf(stderr,
		        "nke-replay: kext %s (%s) not started: the simulated kernel "
		        "refused it (%s)\n",
		        k->k_name, k->k_path, nkr_errno_word(rc, rb, sizeof(rb)));
		break;
	}
	return -1;
}

/*
 * Stop every running kext, newest first.  A refusal (EBUSY, KERN_FAILURE,
 * any non-success) is retried after pending callouts ran, one simulated
 * second passed and the callouts that armed ran too, up to o_stop_retries
 * more times, as kextunload would be retried; then the kext is reported.
 */
static void
kexts_stop(void)
{
	const uint64_t sec = 1000000000ULL;
	unsigned i, attempt;
	char rb[64];

	for (i = R->nkexts; i-- > 0;) {
		struct kext *k = &R->kexts[i];

		if (!k->k_running)
			continue;
		for (attempt = 0;; attempt++) {
			nks_i32 res = 0;
			int rc;

			set_phase(NKR_PH_STOP, 0);
			rc = NKS_kext_stop(k->k_id, &res);
			if (rc == 0) {
				k->k_running = 0;
				if (R->have_log)
					nkr_vlog_kext(&R->log, "stop", k->k_name, "stopped",
					              k->k_id, NULL, 0, 0);
				break;
			}
			if (nke_errno_host(rc) != EBUSY) {
				k->k_running = 0;
				break;
			}
			if (attempt >= R->o->o_stop_retries) {
				fprintf(stderr,
				        "nke-replay: kext %s refused to stop: returned %s (%u "
				        "attempts)\n",
				        k->k_name, nkr_kext_result(res, rb, sizeof(rb)),
				        attempt + 1);
				if (R->have_log)
					nkr_vlog_kext(&R->log, "stop", k->k_name, "refused-to-stop",
					              k->k_id, NULL, 1, res);
				R->refused_stop = 1;
				break;
			}
			if (R->have_log)
				nkr_vlog_kext(&R->log, "stop", k->k_name, "stop-refused", k->k_id,
				              NULL, 1, res);
			set_phase(NKR_PH_TIMER, 0);
			drain(R->o->o_drain_limit, R->clk_up + R->o->o_drain_horizon_ns);
			clock_set(R->clk_cal + (int64_t)sec, R->clk_up + sec);
			/* What the callouts of that second armed (e.g. the input thread). */
			drain(R->o->o_drain_limit, R->clk_up + R->o->o_drain_horizon_ns);
		}
	}
}

/* Kext memory and locks still alive once every kext stopped. */
static void
leak_check(const struct nks_stats *base)
{
	struct nks_stats st;
	char msg[256];
	struct nks_event ev;

	if (!NKS_check_enabled("leak")) /* --checks=-leaks */
		return;
	NKS_stats(&st);
	set_phase(NKR_PH_STOP, 0);
	ev.ev_kind = NKS_EV_REPORT;
#define LEAK(field, what)                                                                          \
	do {                                                                                       \
		if (st.field > base->field) {                                                      \
			snprintf(msg, sizeof(msg),                                                 \
			         "%" PRIu64 " %s still allocated after every "                     \
			         "kext stopped",                                                   \
			         st.field - base->field, what);                                    \
			ev.ev_check = "leak";                                                      \
			ev.ev_message = msg;                                                       \
			h_event(R, &ev);                                                           \
			R->leaks++;                                                                \
		}                                                                                  \
	} while (0)
	LEAK(st_osmalloc_bytes, "OSMalloc bytes");
	LEAK(st_osmalloc_tags, "OSMalloc tags");
	LEAK(st_malloc_bytes, "_MALLOC bytes");
	LEAK(st_locks, "lock groups, attributes or locks");
	LEAK(st_tags, "mbuf tags");
#undef LEAK
}

/*
 * A control still registered after its kext stopped: XNU would call into
 * unloaded code at the next connect (the stop routine ignored an EBUSY from
 * ctl_deregister, or never called it).
 */
static void
ctl_check(void)
{
	struct nks_ctl_info ci;
	struct nks_event ev;
	char msg[512];
	unsigned i;

	set_phase(NKR_PH_STOP, 0);
	for (i = 0; NKS_ctl_info(i, &ci) == 0; i++) {
		const char *k = NULL;
		unsigned j;

		/* NKS_kext_name forgets a stopped kext: our own table does not. */
		for (j = 0; j < R->nkexts; j++)
			if (R->kexts[j].k_id != 0 && R->kexts[j].k_id == ci.ci_kext)
				k = R->kexts[j].k_name;
		if (k == NULL)
			continue;
		snprintf(msg, sizeof(msg),
		         "%s stopped with its kern_control \"%s\" still registered (ctl_deregister "
		         "failed or was not called): a client connecting now would run unloaded "
		         "code",
		         k, ci.ci_name);
		ev.ev_kind = NKS_EV_REPORT;
		ev.ev_check = "ctl-not-deregistered";
		ev.ev_message = msg;
		h_event(R, &ev);
	}
}

/* --- Frames ------------------------------------------------------------ */

static void
annotate_record(const struct nks_frame *kf)
{
	struct rif *r = rif_get(kf->fr_ifindex);
	char head[96];
	unsigned i;

	snprintf(head, sizeof(head), "#%" PRIu64 " %s %s: ", kf->fr_index,
	         kf->fr_dir == NKS_DIR_IN ? "in" : "out", r->r_name);
	{
		struct nkr_sbuf c = {0};

		nkr_sbuf_printf(&c, "%s%s", head,
		                R->note.s_len != 0 ? R->note.s_buf
		                                   : "no verdict while this record was processed");
		write_pkt(R->a, 1, r, kf->fr_family, kf->fr_time_ns, kf->fr_data, kf->fr_caplen,
		          kf->fr_wirelen, kf->fr_dir, c.s_buf);
		nkr_sbuf_free(&c);
	}
	nkr_sbuf_reset(&R->note);
	for (i = 0; i < R->npend; i++) {
		struct pend *p = &R->pend[i];

		write_pkt(R->a, 1, rif_get(p->p_ifindex), p->p_family, p->p_time, p->p_data,
		          p->p_len, p->p_wirelen, p->p_dir, p->p_comment);
		free(p->p_data);
		free(p->p_comment);
	}
	R->npend = 0;
}

static void
process_frame(const struct nkr_frame *f)
{
	struct nks_frame kf = f->f_fr;

	kf.fr_ifindex = R->src_ifindex[f->f_srcif];
	clock_to(kf.fr_time_ns);
	set_phase(NKR_PH_PACKET, kf.fr_index);
	R->ts_index[kf.fr_index % TS_RING] = kf.fr_index;
	R->ts_time[kf.fr_index % TS_RING] = kf.fr_time_ns;
	R->frames++;
	if (kf.fr_dir == NKS_DIR_IN)
		R->frames_in++;
	else
		R->frames_out++;
	nkr_sbuf_reset(&R->note);
	nkr_sbuf_reset(&R->inj_note);
	/* The client's "at N" actions come before record N. */
	if (R->ctl_on)
		nkr_ctl_before_record(R->ctl, kf.fr_index);
	if (R->nproc != 0)
		nkr_proc_apply(R->proc, R->nproc, rif_get(kf.fr_ifindex)->r_type, &kf);
	NKS_frame(&kf);
	if (R->ctl_on)
		nkr_ctl_read(R->ctl);
	if (R->a != NULL) {
		/* Injected packets that never left: mention them on the record. */
		if (R->inj_note.s_len != 0) {
			nkr_sbuf_printf(&R->note, "%sinjected packet: %s",
			                R->note.s_len != 0 ? "; " : "", R->inj_note.s_buf);
			nkr_sbuf_reset(&R->inj_note);
		}
		annotate_record(&kf);
	}
}

/* --- Summary ----------------------------------------------------------- */

static void
put_addr(FILE *f, const struct nks_ifaddr *a)
{
	char b[INET6_ADDRSTRLEN];

	if (inet_ntop(a->ia_family == NKS_FAMILY_INET ? AF_INET : AF_INET6, a->ia_addr, b,
	              sizeof(b)) == NULL)
		snprintf(b, sizeof(b), "?");
	fprintf(f, " %s/%" PRIu32, b, a->ia_prefixlen);
}

static const char *
exit_meaning(int st)
{
	switch (st) {
	case NKR_EXIT_OK:
		return "clean";
	case NKR_EXIT_CHECK:
		return "a check failed (report, panic, leak or a kext that refused to stop)";
	default:
		return "bad usage, unreadable input or output, or a kext that did not load/start";
	}
}

static void
summary(int status)
{
	FILE *f = stderr;
	struct nks_netstats ns;
	const char *why = NULL;
	uint64_t skipped;
	unsigned i, j;
	char hb[16];

	/* The counts the kernel kept (brief verdicts), also after a panic. */
	if (R->kernel_up)
		NKS_verdict_flush();
	fprintf(f, "nke-replay: summary of %s\n", R->o->o_read);
	if (R->src != NULL) {
		skipped = nkr_source_skipped(R->src, &why);
		fprintf(f,
		        "  records: %" PRIu64 " read, %" PRIu64 " frames replayed (%" PRIu64
		        " in, %" PRIu64 " out), %" PRIu64 " skipped%s%s%s\n",
		        nkr_source_records(R->src), R->frames, R->frames_in, R->frames_out, skipped,
		        skipped != 0 && why != NULL ? " (last: " : "",
		        skipped != 0 && why != NULL ? why : "",
		        skipped != 0 && why != NULL ? ")" : "");
		fprintf(f, "  %s\n", nkr_source_direction_summary(R->src));
		fprintf(f, "  %s\n", nkr_source_interface_summary(R->src));
	}
	fprintf(f, "  interfaces:\n");
	for (i = 1; i < R->nifs; i++) {
		const struct rif *r = &R->ifs[i];

		if (!r->r_used)
			continue;
		fprintf(f, "    %s (%s", r->r_name, iftype_word(r->r_type));
		if (r->r_src != NULL && r->r_type == NKS_IFT_ETHER) {
			const uint8_t *m = r->r_src->si_spec.is_lladdr;

			fprintf(f, ", %02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
			        m[5]);
		}
		fputc(')', f);
		if (r->r_type == NKS_IFT_LOOPBACK)
			fprintf(f, " 127.0.0.1/8 ::1/128");
		if (r->r_src != NULL)
			for (j = 0; j < r->r_src->si_spec.is_naddrs; j++)
				put_addr(f, &r->r_src->si_spec.is_addrs[j]);
		fputc('\n', f);
	}
	fprintf(f, "  kexts:\n");
	for (i = 0; i < R->nkexts; i++) {
		const struct kext *k = &R->kexts[i];

		fprintf(f, "    %s %s%s (%s)", k->k_name[0] != '\0' ? k->k_name : "?", k->k_version,
		        k->k_id != 0 ? "" : " not started", k->k_path);
		if (k->k_id != 0)
			fprintf(f, " load tag %" PRIu32 "%s", k->k_id,
			        k->k_running ? ", still running" : "");
		fputc('\n', f);
	}
	fprintf(f,
	        "  filters (kext filter hook: verdicts; modified = bytes differ from what the "
	        "previous filter of the hook left; injected = verdicts on injected packets):%s\n",
	        R->nfst == 0 ? " no verdicts" : "");
	for (i = 0; i < R->nfst; i++) {
		const struct fstat *s = &R->fst[i];

		fprintf(f,
		        "    %s %s %s: pass %" PRIu64 ", drop %" PRIu64 ", kept %" PRIu64
		        ", modified %" PRIu64 ", injected %" PRIu64,
		        s->f_kext, s->f_filter, nkr_hook_name(s->f_hook, hb, sizeof(hb)), s->f_pass,
		        s->f_drop, s->f_kept, s->f_modified, s->f_injected);
		if (s->f_other != 0)
			fprintf(f, ", other callbacks %" PRIu64, s->f_other);
		fputc('\n', f);
	}
	if (R->kernel_up && !R->panicked) {
		NKS_netstats(&ns);
		fprintf(f,
		        "  stack: %" PRIu64 " frames in, %" PRIu64 " out (%" PRIu64
		        " truncated, %" PRIu64 " VLAN-tagged), %" PRIu64 " not IP, %" PRIu64
		        " malformed, %" PRIu64 " not for this host\n",
		        ns.ns_frames_in, ns.ns_frames_out, ns.ns_truncated, ns.ns_vlan, ns.ns_nonip,
		        ns.ns_bad, ns.ns_notlocal);
		fprintf(f,
		        "  fragments: %" PRIu64 " seen, %" PRIu64 " datagrams reassembled, %" PRIu64
		        " given up\n",
		        ns.ns_frags, ns.ns_reassembled, ns.ns_frag_dropped);
		fprintf(f,
		        "  verdicts: %" PRIu64 " dropped by filters, %" PRIu64
		        " kept by filters, %" PRIu64 " injected by kexts; passed %" PRIu64
		        " in, %" PRIu64 " out\n",
		        ns.ns_filter_dropped, ns.ns_filter_kept, ns.ns_injected, ns.ns_emitted_in,
		        ns.ns_emitted_out);
	}
	fprintf(f, "  stack discards:");
	for (i = 0; i < R->nreasons; i++)
		fprintf(f, "%s %s %" PRIu64, i != 0 ? "," : "", R->reasons[i].s_reason,
		        R->reasons[i].s_count);
	if (R->reasons_other != 0)
		fprintf(f, ", other %" PRIu64, R->reasons_other);
	fprintf(f, "%s\n", R->nreasons == 0 && R->reasons_other == 0 ? " none" : "");
	fprintf(f,
	        "  emitted: %" PRIu64 " in, %" PRIu64 " out; %" PRIu64 " of them injected, %" PRIu64
	        " captured ones changed by a kext\n",
	        R->emitted_in, R->emitted_out, R->emitted_injected, R->emitted_changed);
	fprintf(f,
	        "  timers: %" PRIu64 " clock steps after the last packet, %" PRIu32
	        " callouts still pending at the end\n",
	        R->drain_rounds, R->pending_at_end);
	if (R->o->o_write != NULL) {
		fprintf(f, "  -w %s: %" PRIu64 " packets", R->o->o_write, R->w_written);
		if (R->w_mismatch != 0)
			fprintf(f,
			        ", %" PRIu64 " not written (another link type: write "
			        ".pcapng to keep them)",
			        R->w_mismatch);
		fprintf(f, "%s\n", R->w_failed ? ", WRITE FAILED" : "");
	}
	if (R->o->o_annotate != NULL)
		fprintf(f, "  --annotate %s: %" PRIu64 " packets%s\n", R->o->o_annotate,
		        R->a_written, R->a_failed ? ", WRITE FAILED" : "");
	nkr_ctl_summary(R->ctl, f);
	for (i = 0; i < R->nproc; i++)
		fprintf(f, "  --proc %s: %" PRIu64 " frames\n", R->proc[i].pr_spec,
		        R->proc[i].pr_frames);
	nkr_stress_summary(f);
	fprintf(f, "  reports: %" PRIu64 ", warnings: %" PRIu64 "%s\n", R->reports, R->warnings,
	        R->panicked ? ", simulated panic" : "");
	fprintf(f, "  exit status %d: %s\n", status, exit_meaning(status));
}

/* --- The run ----------------------------------------------------------- */

static int
status_of_run(void)
{
	if (R->input_error || R->kext_error || R->w_failed || R->a_failed || R->ctl_error ||
	    R->ctl_failed)
		return NKR_EXIT_USAGE;
	if (R->panicked || R->reports != 0 || R->refused_stop || R->leaks != 0)
		return NKR_EXIT_CHECK;
	return NKR_EXIT_OK;
}

static FILE *
open_out(const char *path, const char *what)
{
	FILE *f;

	if (strcmp(path, "-") == 0)
		return stdout;
	f = fopen(path, "w");
	if (f == NULL)
		fprintf(stderr, "nke-replay: cannot write %s %s: %s\n", what, path,
		        strerror(errno));
	return f;
}

/* Everything between NKS_init and the end of the kexts; may longjmp out. */
static void
run_body(void)
{
	const struct nkr_opts *o = R->o;
	struct nkr_frame fr;
	struct nkr_err err;
	struct nks_stats base;
	unsigned i;
	int rc;

	rif_set(1, "lo0", NKS_IFT_LOOPBACK, NULL);
	if (attach_new_ifs() != 0) {
		R->input_error = 1;
		return;
	}
	/* The first record sets the clock before any kext runs. */
	rc = nkr_source_next(R->src, &fr, &err);
	if (rc == 1) {
		clock_to(fr.f_fr.fr_time_ns);
	} else {
		R->have_first = 1;
		clock_set(0, NKR_BOOT_UPTIME_NS);
	}
	set_phase(NKR_PH_START, 0);

	for (i = 0; i < o->o_nkexts; i++) {
		R->kexts[i].k_path = o->o_kexts[i];
		R->nkexts++;
		if (kext_load(&R->kexts[i]) != 0) {
			R->kext_error = 1;
			return;
		}
	}
	NKS_stats(&base);
	for (i = 0; i < R->nkexts; i++) {
		if (kext_start(&R->kexts[i]) != 0) {
			R->kext_error = 1;
			kexts_stop();
			return;
		}
	}
	/* The clients connect once every kext started. */
	set_phase(NKR_PH_START, 0);
	if (nkr_ctl_connect(R->ctl) != 0) {
		R->ctl_error = 1;
		nkr_ctl_finish(R->ctl);
		kexts_stop();
		return;
	}

	while (rc == 1) {
		if (nkr_source_nifs(R->src) > R->src_nifs && attach_new_ifs() != 0) {
			R->input_error = 1;
			break;
		}
		process_frame(&fr);
		rc = nkr_source_next(R->src, &fr, &err);
	}
	if (rc < 0) {
		fprintf(stderr, "nke-replay: %s\n", err.e_msg);
		R->input_error = 1;
	}

	set_phase(NKR_PH_TIMER, 0);
	drain(o->o_drain_limit, R->clk_up + o->o_drain_horizon_ns);
	/* The simulated applications exit: their sockets close (docs/sockets.md). */
	NKS_apps_exit();
	/* The clients' "at end" actions, then they close: a stop routine may
	   ctl_deregister then. */
	set_phase(NKR_PH_STOP, 0);
	nkr_ctl_finish(R->ctl);
	kexts_stop();
	/*
	 * Work the stop routines left queued (packets they re-injected wait for
	 * the simulated input thread) runs as it would in XNU, filters gone.
	 */
	set_phase(NKR_PH_TIMER, 0);
	drain(o->o_drain_limit, R->clk_up + o->o_drain_horizon_ns);
	R->pending_at_end = NKS_callouts_pending(NULL);
	for (i = 0; i < R->nkexts; i++)
		if (R->kexts[i].k_running)
			return;
	ctl_check();
	leak_check(&base);
}

/* Start the simulated kernel and run; a simulated panic longjmps out. */
static void
start_and_run(void)
{
	if (NKS_init(&R->ho) != 0) {
		fprintf(stderr,
		        "nke-replay: the simulated kernel refused to start (seam "
		        "version %d expected)\n",
		        NKS_SEAM_VERSION);
		R->kext_error = 1;
		return;
	}
	R->kernel_up = 1;
	if (nkr_stress_start() != 0) { /* --checks, --mbuf-layout, --chain-tcp */
		R->kext_error = 1;
		return;
	}
	/* Without the log, verdicts are only counted: no hashes, no detail. */
	if (!R->have_log)
		NKS_verdict_mode(NKS_VDM_BRIEF);
	run_body();
}

static void
close_outputs(void)
{
	struct nkr_err err;

	nkr_console_finish(&R->con);
	if (R->log_f != NULL) {
		nkr_vlog_flush(&R->log);
		R->log.l_f = NULL;
		if (fflush(R->log_f) != 0 || ferror(R->log_f)) {
			fprintf(stderr, "nke-replay: writing the log %s failed\n", R->o->o_log);
			R->w_failed = 1;
		}
		if (R->log_f != stdout)
			fclose(R->log_f);
		R->log_f = NULL;
	}
	if (R->w != NULL && nkr_writer_close(R->w, &err) != 0) {
		fprintf(stderr, "nke-replay: %s\n", err.e_msg);
		R->w_failed = 1;
	}
	R->w = NULL;
	if (R->a != NULL && nkr_writer_close(R->a, &err) != 0) {
		fprintf(stderr, "nke-replay: %s\n", err.e_msg);
		R->a_failed = 1;
	}
	R->a = NULL;
	if (R->con_f != NULL && R->con_f != stderr && R->con_f != stdout)
		fclose(R->con_f);
	R->con_f = NULL;
	if (nkr_ctl_close(R->ctl) != 0)
		R->ctl_failed = 1;
}

/* exit() in the middle of a run (out of memory): the log keeps what it had. */
static void
flush_log_at_exit(void)
{
	if (R != NULL && R->log.l_f != NULL)
		nkr_vlog_flush(&R->log);
}

int
nkr_run(const struct nkr_opts *o)
{
	static struct run run;
	static int atexit_done;
	struct nkr_source_opts so;
	struct nkr_err err;
	unsigned i;
	int status;

	R = &run;
	memset(R, 0, sizeof(*R));
	R->o = o;
	if (!atexit_done) {
		atexit(flush_log_at_exit);
		atexit_done = 1;
	}

	R->con_f = o->o_console != NULL ? open_out(o->o_console, "the console") : stderr;
	if (R->con_f == NULL)
		return NKR_EXIT_USAGE;
	R->con.k_f = R->con_f;
	if (o->o_log != NULL) {
		R->log_f = open_out(o->o_log, "the log");
		if (R->log_f == NULL)
			goto usage;
		/* A line per filter callback: fewer, larger writes. */
		if (R->log_f != stdout)
			setvbuf(R->log_f, NULL, _IOFBF, 1 << 16);
		nkr_vlog_init(&R->log, R->log_f, o->o_log_format);
		R->have_log = 1;
	}
	if (o->o_write != NULL) {
		R->w = nkr_writer_open(o->o_write, NKR_WFORMAT_AUTO, &err);
		if (R->w == NULL) {
			fprintf(stderr, "nke-replay: %s\n", err.e_msg);
			goto usage;
		}
	}
	if (o->o_annotate != NULL) {
		R->a = nkr_writer_open(o->o_annotate, NKR_WFORMAT_PCAPNG, &err);
		if (R->a == NULL) {
			fprintf(stderr, "nke-replay: %s\n", err.e_msg);
			goto usage;
		}
	}
	/* Scripts and --proc rules first: their errors cost no replay. */
	{
		struct nkr_ctl_opt co[NKR_MAX_CTL];
		char e[256];

		for (i = 0; i < o->o_nctl; i++) {
			if (nkr_ctl_parse_opt(o->o_ctl[i], &co[i], e, sizeof(e)) != 0) {
				fprintf(stderr, "nke-replay: --ctl %s\n", e);
				goto usage;
			}
			co[i].co_script = o->o_ctl_script[i];
		}
		R->ctl = nkr_ctl_open(co, o->o_nctl, &R->ctx);
		if (R->ctl == NULL)
			goto usage;
		for (i = 0; i < o->o_nproc; i++) {
			if (nkr_proc_parse(o->o_proc[i], &R->proc[i], e, sizeof(e)) != 0) {
				fprintf(stderr, "nke-replay: --proc %s\n", e);
				goto usage;
			}
		}
		R->nproc = o->o_nproc;
	}
	/* The log hashes the packets: the reader thread does most of it ahead. */
	so = o->o_src;
	so.so_hash_hints = R->have_log;
	R->src = nkr_source_open(o->o_read, &so, &err);
	if (R->src == NULL) {
		fprintf(stderr, "nke-replay: %s\n", err.e_msg);
		R->input_error = 1;
		goto out;
	}

	nke_hostops_default(&R->ho, NULL);
	R->ho.ho_arg = R;
	R->ho.ho_console = h_console;
	R->ho.ho_event = h_event;
	R->ho.ho_panic = h_panic;
	R->ho.ho_emit = h_emit;
	R->ctl_on = nkr_ctl_active(R->ctl);
	if (R->ctl_on) {
		R->ho.ho_ctl_recv = h_ctl_recv;
		R->ho.ho_ctl_idle = h_ctl_idle;
	}
	/* Verdicts cost a hash per packet: only when something shows them. */
	if (R->have_log || R->a != NULL || !o->o_quiet)
		R->ho.ho_verdict = h_verdict;
	/* Only counted: the kernel counts the plain ones (NKS_verdict_mode). */
	if (!R->have_log && R->a == NULL && !o->o_quiet) {
		R->ho.ho_vfilter = h_vfilter;
		R->ho.ho_vcounts = h_vcounts;
	}
	nkr_stress_hostops(&R->ho, &R->ctx); /* --fail-alloc, symbolised reports */
	crash_install();
	if (setjmp(R->jb) == 0)
		start_and_run();

out:
	close_outputs();
	status = status_of_run();
	if (!o->o_quiet)
		summary(status);
	if (R->kernel_up && !R->panicked) {
		NKS_fini();
		for (i = 0; i < R->nkexts; i++)
			if (R->kexts[i].k_handle != NULL)
				dlclose(R->kexts[i].k_handle);
	}
	nkr_source_close(R->src);
	for (i = 0; i < R->nfst; i++) {
		free(R->fst[i].f_kext);
		free(R->fst[i].f_filter);
	}
	free(R->fst);
	free(R->ifs);
	free(R->src_ifindex);
	free(R->fbuf);
	free(R->pend);
	nkr_sbuf_free(&R->note);
	nkr_sbuf_free(&R->inj_note);
	nkr_sbuf_free(&R->inj_comment);
	nkr_ctl_free(R->ctl);
	return status;

usage:
	close_outputs();
	nkr_ctl_free(R->ctl);
	return NKR_EXIT_USAGE;
}
