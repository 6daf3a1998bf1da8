/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * src_ring.h - a bounded single-producer single-consumer ring of records,
 * filled by a thread of its own (host world).
 *
 * The capture source reads classic pcap on a second core with it
 * (source.c): the producer thread calls libpcap and copies each record
 * (timestamp, lengths, bytes) into the ring; the main thread pops them.
 * The work is the same as reading on the main thread, only overlapped with
 * the simulation.
 *
 * Records' bytes lie contiguously in a byte ring; a record bigger than half
 * of it gets an allocation of its own, pushed only once the consumer has
 * released everything before it, so at most one such buffer exists at a
 * time and memory stays bounded (ring + largest record).  A popped record
 * stays valid until the next pop (the source's "until the next read"
 * contract).  The producer ends the stream with one end entry (end of file,
 * or an error with its code, errno and message), delivered after every
 * record before it and again on every later pop.
 *
 * Synchronisation: C11 atomics for the positions; a mutex and a condition
 * variable only when the ring is empty (consumer) or full (producer), so a
 * record costs no lock and no system call while both sides keep up.
 */
#ifndef NKR_SRC_RING_H_
#define NKR_SRC_RING_H_

#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define NKR_RING_DEF_BYTES (1u << 20) /* bytes of record data */
#define NKR_RING_DEF_SLOTS 8192u	  /* records */
#define NKR_RING_MSGLEN 512

/*
 * What the producer worked out about a record besides reading it, for the
 * consumer: the capture source's reader thread decodes a record and
 * decides its direction (source.c), pr_state 0 when it did not.  Written
 * between nkr__ring_reserve (which clears pr_state) and nkr__ring_commit.
 */
struct nkr__rpre {
	uint8_t pr_state;	/* 1: the fields below are set */
	uint8_t pr_rule;	/* enum nkr__rule */
	uint8_t pr_dir;		/* NKS_DIR_* */
	uint8_t pr_off;		/* the frame starts this far into the record */
	uint32_t pr_srcif;
	uint32_t pr_family;
	uint32_t pr_flags;
	uint32_t pr_caplen;
	uint32_t pr_wirelen;
};

/* One entry: a record, or the end (64 bytes on LP64). */
struct nkr__rslot {
	int64_t s_time_ns;
	uint32_t s_caplen, s_len;
	uint8_t *s_data;	/* in the byte ring, or its own allocation */
	uint64_t s_end;		/* byte position released with it */
	uint8_t s_big;		/* s_data is its own allocation */
	uint8_t s_last;		/* the end entry */
	struct nkr__rpre s_pre;
};

/* A popped record (rr_data and rr_pre valid until the next pop). */
struct nkr__ring_rec {
	int64_t rr_time_ns;
	uint32_t rr_caplen, rr_len;
	const uint8_t *rr_data;
	const struct nkr__rpre *rr_pre;
};

struct nkr__ring;
typedef void (*nkr__ring_fn)(struct nkr__ring *rg, void *arg);

struct nkr__ring {
	/* Set up by nkr__ring_init, read-only while the thread runs. */
	uint8_t *rg_buf;
	uint64_t rg_size;	/* a power of two */
	struct nkr__rslot *rg_slots;
	uint64_t rg_nslots;	/* a power of two */
	pthread_mutex_t rg_mu;
	pthread_cond_t rg_pcv, rg_ccv;
	pthread_t rg_thread;
	int rg_started;
	uint64_t rg_cbatch;	/* a waiting consumer wakes for this many */
	nkr__ring_fn rg_fn;
	void *rg_arg;
	uint8_t *rg_aux;	/* rg_auxsz bytes per slot, or NULL */
	size_t rg_auxsz;

	/* The producer's side. */
	alignas(64) _Atomic uint64_t rg_head;	/* entries published */
	uint64_t rg_phead;		/* its own copy */
	uint64_t rg_wpos;		/* byte position of the next record */
	uint64_t rg_ptail, rg_prpos;	/* last seen consumer positions */
	uint8_t *rg_rdata;		/* the reservation: its bytes, */
	uint64_t rg_rend;		/* the byte position after it, */
	int rg_rbig;			/* an allocation of its own */
	int rg_ended;			/* the end entry is published */
	/* The end entry's details (written before it is published). */
	int rg_end_rc;
	int rg_end_errno;
	char rg_end_msg[NKR_RING_MSGLEN];

	/* The consumer's side. */
	alignas(64) _Atomic uint64_t rg_tail;	/* entries released */
	_Atomic uint64_t rg_rpos;	/* bytes released */
	uint64_t rg_ctail;		/* its own copy */
	uint64_t rg_chead;		/* last seen head */
	int rg_held;			/* the entry at rg_ctail is popped */

	/* Who waits, for what, and the consumer's request to stop.  A full
	   ring's producer sleeps until the consumer released half of it (or
	   all, for a big record), an empty ring's consumer until rg_cbatch
	   records are there (or the end, or the producer waits too): a wake-up
	   costs a system call, taken once per many records. */
	alignas(64) _Atomic int rg_pwait;
	_Atomic uint64_t rg_pw_tail, rg_pw_rpos;	/* wake the producer at */
	_Atomic int rg_cwait;
	_Atomic uint64_t rg_cw_head;			/* wake the consumer at */
	_Atomic int rg_stop;
};

/* 0, or -1 (out of memory).  bytes and slots are rounded up to powers of two
 * (0: the defaults); a consumer that finds the ring empty waits for batch
 * records (1 for a live stream, where a record may take long to come; the
 * end entry and a producer that waits wake it anyway).  aux: bytes beside
 * each record for the producer's own use, which the consumer reads with it
 * (nkr__ring_popped_aux; 0: none), for what only some runs need, so that
 * the slots stay one cache line. */
int nkr__ring_init(struct nkr__ring *rg, size_t bytes, unsigned slots, unsigned batch,
    size_t aux);
/* Start the producer: fn(rg, arg) on a thread of its own; it should end
 * with nkr__ring_end, and return when nkr__ring_reserve returns NULL.
 * 0, or an errno (no thread: the caller reads by itself). */
int nkr__ring_start(struct nkr__ring *rg, nkr__ring_fn fn, void *arg);
/* Stop the producer (at once, whatever it has left to read), join it and
 * free everything.  Safe on a ring that was never started or initialised
 * (zeroed). */
void nkr__ring_destroy(struct nkr__ring *rg);

/* ---- The producer ---- */
/* Room for a record of caplen bytes: waits while the ring is full.  NULL
 * when the consumer stopped (return then), or out of memory (rg_stop is
 * not set: end with an error). */
uint8_t *nkr__ring_reserve(struct nkr__ring *rg, uint32_t caplen);
/* The record reserved last's nkr__rpre (pr_state 0), to fill before the
 * commit. */
static inline struct nkr__rpre *
nkr__ring_pre(struct nkr__ring *rg)
{
	return &rg->rg_slots[rg->rg_phead & (rg->rg_nslots - 1)].s_pre;
}
/* The record reserved last's aux bytes (nkr__ring_init), or NULL: the
 * producer's own, to fill before the commit if it wants them read. */
static inline void *
nkr__ring_aux(struct nkr__ring *rg)
{
	return rg->rg_aux != NULL ? rg->rg_aux + (rg->rg_phead & (rg->rg_nslots - 1)) * rg->rg_auxsz
	                          : NULL;
}
/* Publish the record reserved last. */
void nkr__ring_commit(struct nkr__ring *rg, int64_t time_ns, uint32_t caplen, uint32_t len);
/* Publish the end: rc (the producer's own code: e.g. 0 end of file, < 0
 * an error), an errno and a message (may be NULL).  Nothing follows. */
void nkr__ring_end(struct nkr__ring *rg, int rc, int err, const char *msg);
/* Whether the consumer asked to stop (a cheap check between records). */
static inline int
nkr__ring_stopping(struct nkr__ring *rg)
{
	return atomic_load_explicit(&rg->rg_stop, memory_order_relaxed);
}

/* ---- The consumer ---- */
/* The aux bytes of the record popped last (valid as long as it is), or
 * NULL without aux. */
static inline const void *
nkr__ring_popped_aux(const struct nkr__ring *rg)
{
	return rg->rg_aux != NULL ? rg->rg_aux + (rg->rg_ctail & (rg->rg_nslots - 1)) * rg->rg_auxsz
	                          : NULL;
}
/* Release the record popped last, wait for the next entry.  1: a record in
 * *r; 0: the end entry (rg_end_rc, rg_end_errno, rg_end_msg tell which);
 * every later call returns 0 again. */
int nkr__ring_pop(struct nkr__ring *rg, struct nkr__ring_rec *r);

#endif /* NKR_SRC_RING_H_ */
