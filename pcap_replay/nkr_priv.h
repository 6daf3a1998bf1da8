/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nkr_priv.h - internals shared by the capture source's files (host world).
 *
 * source.c owns struct nkr_source, the input stream, libpcap, the
 * look-ahead window and the direction rules; src_pcapng.c is the pcapng
 * block reader; src_link.c turns each link type's records into the framing
 * of a simulated interface; src_heur.c parses IP headers and runs the
 * direction and checksum-offload heuristics over the window.  Nothing here
 * is part of the public API (source.h).
 */
#ifndef NKR_PRIV_H_
#define NKR_PRIV_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include "source.h"
#include "src_ring.h"

/* LINKTYPE_* values (the numbers in pcap and pcapng files). */
#define NKR_LT_NULL 0
#define NKR_LT_ETHERNET 1
#define NKR_LT_RAW 101
#define NKR_LT_LOOP 108
#define NKR_LT_LINUX_SLL 113
#define NKR_LT_IPV4 228
#define NKR_LT_IPV6 229
#define NKR_LT_PKTAP 258
#define NKR_LT_LINUX_SLL2 276

#define NKR_SUPPORTED_LINKTYPES                                                            \
	"EN10MB, NULL, LOOP, RAW, IPV4, IPV6, LINUX_SLL, LINUX_SLL2, PKTAP"

/* Limits that keep a hostile file from making us allocate without bound. */
#define NKR_MAX_BLOCK (256u * 1024 * 1024)	/* pcapng block length */
#define NKR_MAX_CAPIFS 65536			/* capture interfaces (IDBs) */
#define NKR_MAX_SRCIFS 256			/* simulated interfaces */

#define NKR_DEF_LOOKAHEAD_RECORDS 10000ul
#define NKR_DEF_LOOKAHEAD_BYTES (64ul * 1024 * 1024)

/* Which rule gave a frame its direction (counted for the summary line). */
enum nkr__rule {
	NKR_RULE_EPB = 0,	/* pcapng epb_flags / pack_flags */
	NKR_RULE_PKTAP,		/* PKTAP pth_flags */
	NKR_RULE_SLL,		/* Linux SLL/SLL2 packet type */
	NKR_RULE_OPT,		/* --local / --local-mac */
	NKR_RULE_HEUR,		/* the heuristic's local addresses / MACs */
	NKR_RULE_NEITHER,	/* no endpoint local: inbound */
	NKR_RULE_N
};

/* How a local address or MAC was chosen (for the summary). */
enum nkr__how {
	NKR_HOW_OPT = 1,	/* --local / --local-mac */
	NKR_HOW_OUTBOUND,	/* source of frames the capture marks outbound */
	NKR_HOW_EVERY,		/* in every flow */
	NKR_HOW_MOST,		/* in most flows */
	NKR_HOW_IDB,		/* pcapng if_MACaddr */
	NKR_HOW_FROMIP,		/* MAC: source of frames from a local address */
	NKR_HOW_FROMMAC,	/* address: source of frames from --local-mac */
	NKR_HOW_INBOUND,	/* destination of frames marked inbound */
};
enum nkr__tie {
	NKR_TIE_NONE = 0,
	NKR_TIE_SYN,		/* initiated the first SYN */
	NKR_TIE_FIRST,		/* source of the first packet */
};

/* A byte stream with a few peeked bytes pushed back in front of it. */
struct nkr__in {
	FILE *in_fp;
	int in_own;		/* fclose in_fp when done */
	uint8_t in_peek[32];
	size_t in_npeek, in_peekpos;
	uint64_t in_off;	/* bytes handed out so far */
	int in_errno;		/* first read error */
};

/*
 * Read up to n bytes; returns how many (fewer only at end of file or on a
 * read error: in_errno tells which).
 */
size_t nkr__in_read(struct nkr__in *in, void *buf, size_t n);

/* One interface of the capture (the pcap file's one, or a pcapng IDB). */
struct nkr__capif {
	int ci_linktype;
	uint32_t ci_snaplen;
	char ci_name[64];	/* if_name as found (NUL-terminated, cut) */
	int ci_has_name;
	int ci_tsres_pow2;	/* if_tsresol: units are 2^-exp s, else 10^-exp s */
	unsigned ci_tsres_exp;
	int64_t ci_tsoffset;	/* if_tsoffset, seconds */
	uint8_t ci_mac[6];	/* if_MACaddr */
	int ci_has_mac;
	int ci_srcif;		/* simulated interface (-1: per record, PKTAP) */
	/* LINUX_SLL/SLL2: the MACs the synthesized Ethernet headers use. */
	uint8_t ci_sll_local[6];
	uint8_t ci_sll_peer[6];
	int ci_sll_learned;
};

/* A raw record as read, before its link layer is decoded. */
struct nkr__rec {
	uint64_t r_index;
	int64_t r_time_ns;
	unsigned r_capif;
	uint32_t r_caplen;
	uint32_t r_wirelen;
	uint32_t r_dir;		/* from epb_flags/pack_flags, or 0 */
	const uint8_t *r_data;
	int32_t r_pid;		/* Apple pcapng process information, or -1 */
	char r_comm[20];	/* its name, or "" (a copy: records outlive blocks) */
	/* Decoded and directed by the reader thread (a classic pcap's record
	   from the ring, its frame in r_data), or NULL. */
	const struct nkr__rpre *r_pre;
	/* With r_pre, when asked for (so_hash_hints): the frame's hashes. */
	const struct nkr__rhint *r_hint;
};

/* Hashes of a frame's ranges the reader thread worked out (source.c). */
struct nkr__rhint {
	uint32_t rh_n;
	struct nks_hhint rh_h[2];
};

/* A decoded frame (see nkr__decode). */
struct nkr__dec {
	unsigned d_srcif;
	uint32_t d_dir;		/* NKS_DIR_* when the capture says, else 0 */
	int d_rule;		/* enum nkr__rule when d_dir is set */
	uint32_t d_family;
	uint32_t d_flags;
	const uint8_t *d_data;
	uint32_t d_caplen;
	uint32_t d_wirelen;
	int32_t d_pid;
	char d_comm[20];
};

/* The pcapng reader's state. */
struct nkr__ng {
	int ng_be;		/* the current section is big-endian */
	uint8_t *ng_buf;
	size_t ng_bufcap;
	unsigned *ng_ifmap;	/* section interface id -> capif index */
	unsigned ng_nif, ng_ifcap;
	int64_t ng_last_ts;	/* for simple packet blocks, which have none */
	uint64_t ng_nsections;
	/* Apple's process information blocks of the current section. */
	struct nkr__pib *ng_pibs;
	unsigned ng_npib, ng_pibcap;
};

/* One Apple process information block (pid and name). */
struct nkr__pib {
	int32_t p_pid;
	char p_comm[20];
};

/* A simulated interface and what the heuristics know about it. */
struct nkr__sif {
	struct nkr_srcif s_pub;
	int s_capname_bsd;	/* the capture's name was kept as is */
	int s_generated;	/* the name was made up (en0, en1, ...) */
	uint8_t s_mac[6];
	int s_mac_how;		/* enum nkr__how, 0: no evidence */
	int s_mac_tie;
	/* offload evidence over the window's outbound frames */
	uint32_t s_ip4_checked, s_ip4_bad;
	uint32_t s_l4_checked, s_l4_pseudo, s_l4_bad;
	uint32_t s_offload_detected;
	uint32_t s_max_l3;	/* largest IP packet (by its header) seen */
	/* inbound unicast frames to local addresses, and those of them
	   addressed to another MAC than the interface's (a tap capture) */
	uint32_t s_in_local, s_in_othermac;
};

struct nkr__local {
	uint32_t lo_family;	/* NKS_FAMILY_* */
	int lo_srcif;		/* interface it was found on, -1 (--local) */
	uint8_t lo_addr[16];
	int lo_how;		/* enum nkr__how */
	int lo_tie;		/* enum nkr__tie */
	uint32_t lo_nflows, lo_totflows;
};

/* Local addresses of one kind by family, as nkr__is_local compares them. */
struct nkr__ltab {
	unsigned lt_n4, lt_n6;
	uint32_t lt_a4[4 * NKR_MAX_LOCAL];	/* the 4 bytes as they are */
	uint64_t lt_a6[4 * NKR_MAX_LOCAL][2];	/* the 16 bytes as they are */
};

/* One look-ahead window entry: a raw record kept in the arena. */
struct nkr__went {
	struct nkr__rec we_rec;	/* r_data is not kept: use we_off */
	size_t we_off;
	uint32_t we_dir;	/* decided at analysis */
	int we_rule;
	int we_skip;		/* decodes to nothing */
};

enum nkr__kind { NKR_KIND_PCAP = 1, NKR_KIND_PCAPNG = 2 };

struct nkr_source {
	char sr_name[256];		/* for messages: the path, or "stdin" */
	struct nkr_source_opts sr_opts;	/* strings not kept */
	char sr_ifname[16];		/* --ifname, default "en0" */
	enum nkr__kind sr_kind;
	struct nkr__in sr_in;
	pcap_t *sr_pcap;
	struct nkr__ring *sr_ring;	/* classic pcap's reader thread, or NULL */
	/* Set (release) once open analysed the window: from then on nothing
	   that nkr__decode_pure link types' decoding or nkr__direction read
	   changes, and the reader thread (acquire) may run them. */
	_Atomic int sr_analysed;
	struct nkr__ng sr_ng;

	struct nkr__capif *sr_capifs;
	unsigned sr_ncapifs, sr_capifcap;
	struct nkr__sif *sr_sifs[NKR_MAX_SRCIFS];
	unsigned sr_nsifs;

	/* Locals: from the options, then the heuristic's. */
	struct nkr__local sr_locals[4 * NKR_MAX_LOCAL];
	unsigned sr_nlocals;
	unsigned sr_nopt_locals;	/* the first ones are --local */
	struct nkr__ltab sr_ltab[2];	/* the same by family: --local, heuristic */
	int sr_opt_family[2];		/* --local named an IPv4 / IPv6 address */
	uint8_t sr_opt_macs[NKR_MAX_LOCAL][6];
	unsigned sr_nopt_macs;
	uint32_t sr_offload_all;	/* window result, for later interfaces */

	/* Records. */
	uint64_t sr_nrec;		/* records read (the last one's index) */
	uint64_t sr_nskipped;
	const char *sr_skip_reason;
	char sr_skip_buf[128];
	uint64_t sr_rule_count[NKR_RULE_N];
	uint64_t sr_npre;		/* of them decoded by the reader thread */
	int sr_eof;
	int sr_failed;			/* sticky error in sr_err */
	struct nkr_err sr_err;

	/* Look-ahead window. */
	struct nkr__went *sr_win;
	size_t sr_nwin, sr_wincap, sr_winpos;
	uint8_t *sr_arena;
	size_t sr_arenalen, sr_arenacap;
	int sr_deferred;		/* an error ends the window: sr_err */

	/* Per-frame buffers, reused. */
	uint8_t *sr_scratch;
	size_t sr_scratchcap;
	char sr_comm[20];
	char sr_summary[2048];
	char sr_ifsummary[2048];
};

/*
 * Like nkr_source_open, on a stream already open: fp is the capture (owned
 * when own is set: closed on every path), path (or NULL) lets libpcap
 * reopen a regular file, name is used in messages.  The fuzz target uses it
 * with fmemopen().
 */
struct nkr_source *nkr__source_open_fp(FILE *fp, int own, const char *path, const char *name,
    const struct nkr_source_opts *opts, struct nkr_err *err);

/* A window entry's bytes (empty records may have no arena behind them). */
static inline const uint8_t *
nkr__went_data(const struct nkr_source *src, const struct nkr__went *w)
{
	return src->sr_arena != NULL ? src->sr_arena + w->we_off : (const uint8_t *)"";
}

/* "NAME: " + message, into src->sr_err; returns -1. */
int nkr__err(struct nkr_source *src, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Note a skipped record's reason (formatted only when asked to count). */
void nkr__skip(struct nkr_source *src, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Capture interfaces: add one (returns its index, or -1 with the error set:
 * too many, out of memory).  Its link type is checked by nkr__capif_check
 * when a record uses it (a pcapng file may describe interfaces it has no
 * packets of, in link types we do not simulate); its simulated interface
 * is made on first use by nkr__capif_srcif (-1 if there are too many, or
 * for PKTAP, whose records each name theirs).
 */
int nkr__capif_add(struct nkr_source *src, int linktype, uint32_t snaplen, const char *name,
    size_t namelen, const char *where);
int nkr__capif_check(struct nkr_source *src, const struct nkr__capif *ci, const char *where);
int nkr__capif_srcif(struct nkr_source *src, struct nkr__capif *ci);

/* Simulated interface of a given type and capture name (NULL: none). */
int nkr__srcif_get(struct nkr_source *src, uint32_t iftype, const char *capname, int linktype);

/* "en0", "eth1", "utun3": letters, then a unit number. */
int nkr__bsd_ifname(const char *s);

/* A scratch buffer of at least n bytes (NULL if out of memory). */
uint8_t *nkr__scratch(struct nkr_source *src, size_t n);

/* Link types (src_link.c). */
const char *nkr__linktype_name(int linktype);	/* NULL: not simulated */
int nkr__dlt_to_linktype(int dlt);
uint32_t nkr__linktype_iftype(int linktype, const char *capname);
/*
 * Decode one record to a simulated interface's framing.  1: *d filled (its
 * data in the record or the scratch buffer), 0: nothing the simulated host
 * has (reason noted with nkr__skip when count is set).
 */
int nkr__decode(struct nkr_source *src, const struct nkr__rec *r, struct nkr__dec *d, int count);
/*
 * Whether nkr__decode(count 0) of ci's records reads nothing but the
 * record and ci, writes nothing but *d, and leaves d_data in the record
 * (no scratch buffer, no new interface, no process): then the reader
 * thread may decode them.
 */
int nkr__decode_pure(const struct nkr__capif *ci);
/* Learn the MACs of SLL captures from the window (before decoding). */
void nkr__sll_learn(struct nkr_source *src, const struct nkr__rec *r);

/* pcapng (src_pcapng.c): 0 / -1 (error set).  next: 1 record, 0 end, -1. */
int nkr__ng_open(struct nkr_source *src);
int nkr__ng_next(struct nkr_source *src, struct nkr__rec *r);
void nkr__ng_close(struct nkr_source *src);

/* Parsed headers of a frame (src_heur.c). */
struct nkr__pkt {
	const uint8_t *p_smac, *p_dmac;	/* Ethernet only */
	uint16_t p_ethertype;
	uint32_t p_family;		/* NKS_FAMILY_* or 0 */
	const uint8_t *p_src, *p_dst;
	const uint8_t *p_ip;
	uint32_t p_ipcap;		/* captured bytes from p_ip */
	uint32_t p_iphlen;		/* IPv4 header length */
	uint32_t p_iplen;		/* IP length by the header */
	uint8_t p_proto;
	int p_frag;			/* a fragment (no usable L4 header) */
	const uint8_t *p_l4;
	uint32_t p_l4cap, p_l4len;
	int p_syn;			/* TCP SYN without ACK */
};
void nkr__parse(uint32_t iftype, uint32_t family, const uint8_t *d, uint32_t caplen,
    struct nkr__pkt *p);
int nkr__addr_unicast(uint32_t family, const uint8_t *a);
/* Add sr_locals[sr_nlocals++] (filled in) to sr_ltab. */
void nkr__local_added(struct nkr_source *src);

/* Whether a is a local address: one of --local (opt), or of the
 * heuristic's (!opt). */
static inline int
nkr__is_local(const struct nkr_source *src, uint32_t family, const uint8_t *a, int opt)
{
	const struct nkr__ltab *t = &src->sr_ltab[opt ? 0 : 1];
	unsigned i;

	if (family == NKS_FAMILY_INET) {
		uint32_t v;

		memcpy(&v, a, 4);
		for (i = 0; i < t->lt_n4; i++)
			if (t->lt_a4[i] == v)
				return 1;
	} else {
		uint64_t h, l;

		memcpy(&h, a, 8);
		memcpy(&l, a + 8, 8);
		for (i = 0; i < t->lt_n6; i++)
			if (t->lt_a6[i][0] == h && t->lt_a6[i][1] == l)
				return 1;
	}
	return 0;
}
/* Window analysis: choose locals and MACs, decide every window frame's
   direction, detect offload, fill the interfaces' addresses. */
int nkr__analyse(struct nkr_source *src);
/*
 * Direction of a decoded frame, and in *rule the rule that gave it.  Reads
 * only what the window's analysis settled (the interfaces' types and MACs,
 * the local addresses, --local-mac) and writes nothing: the reader thread
 * runs it too (sr_analysed).
 */
uint32_t nkr__direction(const struct nkr_source *src, const struct nkr__dec *d, int *rule);

/* Text of an address, for the summaries. */
void nkr__addr_str(uint32_t family, const uint8_t *a, char *buf, size_t size);

#endif /* NKR_PRIV_H_ */
