/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * src_ring.c - the capture source's record ring and its reader thread
 * (host world).  See src_ring.h.
 *
 * Positions only grow: rg_head counts entries published, rg_tail entries
 * released; byte positions (rg_wpos, rg_rpos) count bytes of the byte ring
 * handed out and released, a record that would not fit before the ring's
 * end starting at its beginning (the bytes skipped count as used).  A record
 * of at most half the ring always fits once the ring is empty.
 */
#include "src_ring.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t
pow2(uint64_t n)
{
	uint64_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

int
nkr__ring_init(struct nkr__ring *rg, size_t bytes, unsigned slots, unsigned batch, size_t aux)
{
	memset(rg, 0, sizeof(*rg));
	rg->rg_size = pow2(bytes != 0 ? bytes : NKR_RING_DEF_BYTES);
	if (rg->rg_size < 16)
		rg->rg_size = 16;
	rg->rg_nslots = pow2(slots != 0 ? slots : NKR_RING_DEF_SLOTS);
	rg->rg_cbatch = batch != 0 ? batch : 1;
	if (rg->rg_cbatch > rg->rg_nslots / 2)
		rg->rg_cbatch = rg->rg_nslots / 2 != 0 ? rg->rg_nslots / 2 : 1;
	rg->rg_slots = calloc(rg->rg_nslots, sizeof(*rg->rg_slots));
	if (rg->rg_slots == NULL)
		goto fail;
	if (aux != 0) {
		rg->rg_auxsz = (aux + 7) & ~(size_t)7;
		rg->rg_aux = calloc(rg->rg_nslots, rg->rg_auxsz);
		if (rg->rg_aux == NULL)
			goto fail;
	}
	if (pthread_mutex_init(&rg->rg_mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&rg->rg_pcv, NULL) != 0) {
		pthread_mutex_destroy(&rg->rg_mu);
		goto fail;
	}
	if (pthread_cond_init(&rg->rg_ccv, NULL) != 0) {
		pthread_cond_destroy(&rg->rg_pcv);
		pthread_mutex_destroy(&rg->rg_mu);
		goto fail;
	}
	/* Last: rg_buf set says everything above is. */
	rg->rg_buf = malloc(rg->rg_size);
	if (rg->rg_buf == NULL) {
		pthread_cond_destroy(&rg->rg_ccv);
		pthread_cond_destroy(&rg->rg_pcv);
		pthread_mutex_destroy(&rg->rg_mu);
		goto fail;
	}
	return 0;
fail:
	free(rg->rg_slots);
	free(rg->rg_aux);
	memset(rg, 0, sizeof(*rg));
	return -1;
}

/* ---- The producer ---- */

/* The consumer's positions, as the producer last saw them. */
static void
see_consumer(struct nkr__ring *rg)
{
	/* tail first: the bytes it released were stored before it. */
	rg->rg_ptail = atomic_load(&rg->rg_tail);
	rg->rg_prpos = atomic_load_explicit(&rg->rg_rpos, memory_order_acquire);
}

static int
room(const struct nkr__ring *rg, uint64_t end, int big)
{
	if (big) /* everything released */
		return rg->rg_ptail == rg->rg_phead;
	return rg->rg_phead - rg->rg_ptail < rg->rg_nslots && end - rg->rg_prpos <= rg->rg_size;
}

/* Wait for room; 0, or -1 when the consumer stopped. */
static int
wait_room(struct nkr__ring *rg, uint64_t end, int big)
{
	uint64_t nt, nb;
	int stop = 0;

	pthread_mutex_lock(&rg->rg_mu);
	for (;;) {
		see_consumer(rg);
		stop = atomic_load(&rg->rg_stop);
		if (stop || room(rg, end, big))
			break;
		/* Wake when half the ring is free again (all of it for a big
		   record), or everything is released, whichever comes first. */
		nt = big ? rg->rg_phead : rg->rg_ptail + rg->rg_nslots / 2;
		if (nt > rg->rg_phead)
			nt = rg->rg_phead;
		nb = big ? UINT64_MAX : rg->rg_prpos + rg->rg_size / 2;
		if (nb > rg->rg_wpos && !big)
			nb = rg->rg_wpos;
		atomic_store_explicit(&rg->rg_pw_tail, nt, memory_order_relaxed);
		atomic_store_explicit(&rg->rg_pw_rpos, nb, memory_order_relaxed);
		atomic_store(&rg->rg_pwait, 1);
		/* Released in between (the consumer may not have seen rg_pwait). */
		see_consumer(rg);
		stop = atomic_load(&rg->rg_stop);
		if (stop || room(rg, end, big))
			break;
		if (rg->rg_ptail >= nt || rg->rg_prpos >= nb)
			continue;
		/* Cannot happen (a waiting consumer released everything), but a
		   consumer waiting for a batch must not wait for us. */
		if (atomic_load(&rg->rg_cwait))
			pthread_cond_signal(&rg->rg_ccv);
		pthread_cond_wait(&rg->rg_pcv, &rg->rg_mu);
	}
	atomic_store(&rg->rg_pwait, 0);
	pthread_mutex_unlock(&rg->rg_mu);
	return stop ? -1 : 0;
}

uint8_t *
nkr__ring_reserve(struct nkr__ring *rg, uint32_t caplen)
{
	uint64_t start = rg->rg_wpos, off, end;
	int big = caplen > rg->rg_size / 2;
	uint8_t *p;

	if (!big) {
		off = start & (rg->rg_size - 1);
		if (off + caplen > rg->rg_size)
			start += rg->rg_size - off;
	}
	end = big ? start : start + caplen;
	if (!room(rg, end, big)) {
		see_consumer(rg);
		if (!room(rg, end, big) && wait_room(rg, end, big) < 0)
			return NULL;
	}
	if (big) {
		p = malloc(caplen);
		if (p == NULL)
			return NULL;
	} else {
		p = rg->rg_buf + (start & (rg->rg_size - 1));
	}
	rg->rg_rdata = p;
	rg->rg_rend = end;
	rg->rg_rbig = big;
	/* The slot is ours (room() counted it): nothing worked out yet. */
	rg->rg_slots[rg->rg_phead & (rg->rg_nslots - 1)].s_pre.pr_state = 0;
	return p;
}

static void
publish(struct nkr__ring *rg, int last)
{
	rg->rg_phead++;
	atomic_store(&rg->rg_head, rg->rg_phead);
	if (atomic_load(&rg->rg_cwait) &&
	    (last || rg->rg_phead >= atomic_load_explicit(&rg->rg_cw_head, memory_order_relaxed))) {
		pthread_mutex_lock(&rg->rg_mu);
		pthread_cond_signal(&rg->rg_ccv);
		pthread_mutex_unlock(&rg->rg_mu);
	}
}

void
nkr__ring_commit(struct nkr__ring *rg, int64_t time_ns, uint32_t caplen, uint32_t len)
{
	struct nkr__rslot *s = &rg->rg_slots[rg->rg_phead & (rg->rg_nslots - 1)];

	s->s_time_ns = time_ns;
	s->s_caplen = caplen;
	s->s_len = len;
	s->s_data = rg->rg_rdata;
	s->s_end = rg->rg_rend;
	s->s_big = (uint8_t)rg->rg_rbig;
	s->s_last = 0;
	rg->rg_wpos = rg->rg_rend;
	publish(rg, 0);
}

void
nkr__ring_end(struct nkr__ring *rg, int rc, int err, const char *msg)
{
	struct nkr__rslot *s;

	if (rg->rg_ended || nkr__ring_reserve(rg, 0) == NULL)
		return; /* the consumer stopped */
	rg->rg_end_rc = rc;
	rg->rg_end_errno = err;
	snprintf(rg->rg_end_msg, sizeof(rg->rg_end_msg), "%s", msg != NULL ? msg : "");
	s = &rg->rg_slots[rg->rg_phead & (rg->rg_nslots - 1)];
	memset(s, 0, sizeof(*s));
	s->s_data = rg->rg_rdata;
	s->s_end = rg->rg_rend;
	s->s_last = 1;
	rg->rg_ended = 1;
	publish(rg, 1);
}

/* ---- The thread ---- */

static void *
ring_main(void *arg)
{
	struct nkr__ring *rg = arg;

	rg->rg_fn(rg, rg->rg_arg);
	/* A producer that returned without saying why ends the records. */
	if (!rg->rg_ended && !nkr__ring_stopping(rg))
		nkr__ring_end(rg, -1, 0, "the reader thread stopped");
	return NULL;
}

int
nkr__ring_start(struct nkr__ring *rg, nkr__ring_fn fn, void *arg)
{
	sigset_t all, old;
	int e;

	if (rg->rg_buf == NULL)
		return EINVAL;
	rg->rg_fn = fn;
	rg->rg_arg = arg;
	/* Signals sent to the process stay the main thread's (the thread is
	   created with them blocked; faults of its own still reach it). */
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGABRT);
	sigdelset(&all, SIGTRAP);
	sigdelset(&all, SIGSYS);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(&rg->rg_thread, NULL, ring_main, rg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e == 0)
		rg->rg_started = 1;
	return e;
}

void
nkr__ring_destroy(struct nkr__ring *rg)
{
	uint64_t i, head;
	struct nkr__rslot *s;

	if (rg->rg_buf == NULL)
		return;
	if (rg->rg_started) {
		atomic_store(&rg->rg_stop, 1);
		pthread_mutex_lock(&rg->rg_mu);
		pthread_cond_broadcast(&rg->rg_pcv);
		pthread_mutex_unlock(&rg->rg_mu);
		pthread_join(rg->rg_thread, NULL);
		rg->rg_started = 0;
	}
	/* Records never released (the one held too). */
	head = atomic_load(&rg->rg_head);
	for (i = rg->rg_ctail; i < head; i++) {
		s = &rg->rg_slots[i & (rg->rg_nslots - 1)];
		if (s->s_big)
			free(s->s_data);
	}
	pthread_cond_destroy(&rg->rg_ccv);
	pthread_cond_destroy(&rg->rg_pcv);
	pthread_mutex_destroy(&rg->rg_mu);
	free(rg->rg_buf);
	free(rg->rg_slots);
	free(rg->rg_aux);
	memset(rg, 0, sizeof(*rg));
}

/* ---- The consumer ---- */

/*
 * Ask for the next record's bytes while the current one is simulated: the
 * producer wrote them on another core, and each line they span has to come
 * over from its cache (hundreds of nanoseconds a record when the two cores
 * share no cache, e.g. on different dies).
 */
static inline void
prefetch_next(const struct nkr__rslot *n)
{
	const uint8_t *p = n->s_data;
	uint32_t i, len = n->s_last ? 0 : n->s_caplen;

	if (len > 4096)
		len = 4096;
	for (i = 0; i < len; i += 64)
		__builtin_prefetch(p + i);
}

int
nkr__ring_pop(struct nkr__ring *rg, struct nkr__ring_rec *r)
{
	struct nkr__rslot *s;
	uint64_t end;

	if (rg->rg_held) {
		/* The slot is the producer's again once rg_tail moves on. */
		s = &rg->rg_slots[rg->rg_ctail & (rg->rg_nslots - 1)];
		if (s->s_big)
			free(s->s_data);
		end = s->s_end;
		atomic_store_explicit(&rg->rg_rpos, end, memory_order_release);
		rg->rg_ctail++;
		rg->rg_held = 0;
		atomic_store(&rg->rg_tail, rg->rg_ctail);
		if (atomic_load(&rg->rg_pwait) &&
		    (rg->rg_ctail >= atomic_load_explicit(&rg->rg_pw_tail, memory_order_relaxed) ||
		     end >= atomic_load_explicit(&rg->rg_pw_rpos, memory_order_relaxed))) {
			pthread_mutex_lock(&rg->rg_mu);
			pthread_cond_signal(&rg->rg_pcv);
			pthread_mutex_unlock(&rg->rg_mu);
		}
	}
	if (rg->rg_ctail == rg->rg_chead) {
		rg->rg_chead = atomic_load_explicit(&rg->rg_head, memory_order_acquire);
		if (rg->rg_ctail == rg->rg_chead) {
			pthread_mutex_lock(&rg->rg_mu);
			atomic_store_explicit(&rg->rg_cw_head, rg->rg_ctail + rg->rg_cbatch,
			                      memory_order_relaxed);
			atomic_store(&rg->rg_cwait, 1);
			while ((rg->rg_chead = atomic_load(&rg->rg_head)) == rg->rg_ctail)
				pthread_cond_wait(&rg->rg_ccv, &rg->rg_mu);
			atomic_store(&rg->rg_cwait, 0);
			pthread_mutex_unlock(&rg->rg_mu);
		}
	}
	s = &rg->rg_slots[rg->rg_ctail & (rg->rg_nslots - 1)];
	if (s->s_last)
		return 0;
	rg->rg_held = 1;
	if (rg->rg_ctail + 1 < rg->rg_chead)
		prefetch_next(&rg->rg_slots[(rg->rg_ctail + 1) & (rg->rg_nslots - 1)]);
	r->rr_time_ns = s->s_time_ns;
	r->rr_caplen = s->s_caplen;
	r->rr_len = s->s_len;
	r->rr_data = s->s_data;
	r->rr_pre = &s->s_pre;
	return 1;
}
