/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_malloc.c - tracked kernel heap blocks and the legacy allocators built
 * on them (kernel world): _MALLOC/_FREE, _MALLOC_ZONE/_FREE_ZONE, the
 * IOMalloc family and hashinit().  OSMalloc (osmalloc.c) uses the same
 * blocks.
 *
 * Every block carries a header (kind, size, tag) and is registered in a
 * pointer set, so a free of a pointer the allocator never returned, a
 * double free and a free through the wrong allocator are all diagnosed
 * without touching memory that is not ours.  Fresh memory is filled with a
 * 0xdeadbeef pattern; freed memory is filled with 0xdf and kept in a short
 * quarantine, and a write found there when it leaves is reported.
 */
#include "nke_svc.h"
#include "kern_checks.h"

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <sys/malloc.h>
#include <sys/systm.h>
#include <IOKit/IOLib.h>

#define QUAR_BLOCKS 64			/* freed blocks kept back */
#define QUAR_BYTES (1024 * 1024)	/* ... and at most this many bytes */
#define QUAR_OBJS 64			/* freed bookkeeping objects kept back */

/* --- Raw host memory for the simulator's own tables ---------------------- */

/* Not subject to failure injection: the tables are not the kext's business. */
static void *
raw_alloc(size_t size)
{
	const struct nks_hostops *ho = nke__hostops;
	void *p = ho->ho_alloc(ho->ho_arg, size);

	if (p == NULL)
		nke__panic("nkesim: host out of memory (%zu bytes)", size);
	return p;
}

static void
raw_free(void *p, size_t size)
{
	NKH_free(p, size);
}

/* --- Pointer set: user pointer -> block header --------------------------- */

#define SET_TOMB ((struct nke_blk *)1)

static struct nke_blk **set_slots;
static size_t set_cap;		/* power of two, or 0 */
static size_t set_used;		/* live entries */
static size_t set_filled;	/* live + tombstones */

static size_t
set_hash(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

static void *
blk_user(const struct nke_blk *b)
{
	return (void *)(b + 1);
}

static void set_insert(struct nke_blk *b);

static void
set_grow(void)
{
	struct nke_blk **old = set_slots;
	size_t oldcap = set_cap, i;

	set_cap = oldcap == 0 ? 256 : (set_used * 4 > oldcap ? oldcap * 2 : oldcap);
	set_slots = raw_alloc(set_cap * sizeof(*set_slots));
	memset(set_slots, 0, set_cap * sizeof(*set_slots));
	set_used = 0;
	set_filled = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i] != NULL && old[i] != SET_TOMB)
			set_insert(old[i]);
	if (old != NULL)
		raw_free(old, oldcap * sizeof(*old));
}

static void
set_insert(struct nke_blk *b)
{
	size_t i;

	if ((set_filled + 1) * 2 > set_cap)
		set_grow();
	for (i = set_hash(blk_user(b)) & (set_cap - 1);; i = (i + 1) & (set_cap - 1)) {
		if (set_slots[i] == NULL || set_slots[i] == SET_TOMB) {
			if (set_slots[i] == NULL)
				set_filled++;
			set_slots[i] = b;
			set_used++;
			return;
		}
	}
}

static size_t
set_find(const void *p)
{
	size_t i;

	if (set_cap == 0)
		return (size_t)-1;
	for (i = set_hash(p) & (set_cap - 1);; i = (i + 1) & (set_cap - 1)) {
		if (set_slots[i] == NULL)
			return (size_t)-1;
		if (set_slots[i] != SET_TOMB && blk_user(set_slots[i]) == p)
			return i;
	}
}

static void
set_remove(const void *p)
{
	size_t i = set_find(p);

	if (i != (size_t)-1) {
		set_slots[i] = SET_TOMB;
		set_used--;
	}
}

/* --- Blocks ---------------------------------------------------------------- */

static struct nke_blk *live_head;	/* every live block */
static struct nke_blk *quar_head, *quar_tail;
static size_t quar_n, quar_bytes;
static uint64_t malloc_bytes;		/* live _MALLOC + IOMalloc bytes */

void
nke__poison_fresh(void *p, size_t size)
{
	static const unsigned char pat[4] = {0xde, 0xad, 0xbe, 0xef};
	unsigned char *c = p;
	size_t i;

	for (i = 0; i < size; i++)
		c[i] = pat[i & 3];
}

const char *
nke__blk_kind_name(uint32_t kind)
{
	switch (kind) {
	case NKE_BLK_MALLOC:
		return "_MALLOC";
	case NKE_BLK_IOMALLOC:
		return "IOMalloc";
	case NKE_BLK_OSMALLOC:
		return "OSMalloc";
	default:
		return "unknown";
	}
}

void *
nke__blk_alloc(uint32_t cls, uint32_t kind, size_t size, size_t align, int zero, int may_fail)
{
	size_t hostsize;
	uintptr_t base, user;
	struct nke_blk *b;
	void *p;

	if (align < 16)
		align = 16;
	if (size > ((size_t)1 << 40))
		return NULL;
	hostsize = sizeof(*b) + align + size;
	if (may_fail) {
		p = NKH_alloc(cls, hostsize);
	} else {
		const struct nks_hostops *ho = nke__hostops;

		p = ho->ho_alloc(ho->ho_arg, hostsize);
	}
	if (p == NULL)
		return NULL;
	base = (uintptr_t)p;
	user = (base + sizeof(*b) + align - 1) & ~(uintptr_t)(align - 1);
	b = (struct nke_blk *)(user - sizeof(*b));
	memset(b, 0, sizeof(*b));
	b->b_magic = NKE_BLK_LIVE;
	b->b_kind = kind;
	b->b_size = size;
	b->b_base = p;
	b->b_hostsize = hostsize;
	/* The kext whose code allocates it: its leak if still there at unload. */
	b->b_pad = nke__kext_current_id();
	if (zero)
		memset((void *)user, 0, size);
	else
		nke__poison_fresh((void *)user, size);
	b->b_next = live_head;
	if (live_head != NULL)
		live_head->b_prev = b;
	live_head = b;
	set_insert(b);
	return (void *)user;
}

struct nke_blk *
nke__blk_lookup(const void *p)
{
	size_t i;

	if (p == NULL)
		return NULL;
	i = set_find(p);
	return i == (size_t)-1 ? NULL : set_slots[i];
}

/* Give a quarantined block back to the host, checking nobody wrote to it. */
static void
quar_release(struct nke_blk *b, int check)
{
	const unsigned char *c = blk_user(b);
	size_t i;

	if (check) {
		for (i = 0; i < b->b_size; i++) {
			if (c[i] != NKE_POISON_FREE) {
				nke__report("write-after-free",
				    "%s block %p (%zu bytes) was written at offset %zu after it "
				    "was freed",
				    nke__blk_kind_name(b->b_kind), blk_user(b), b->b_size, i);
				break;
			}
		}
	}
	set_remove(blk_user(b));
	NKH_free(b->b_base, b->b_hostsize);
}

static void
quar_evict_one(void)
{
	struct nke_blk *b = quar_head;

	quar_head = b->b_next;
	if (quar_head == NULL)
		quar_tail = NULL;
	quar_n--;
	quar_bytes -= b->b_size;
	quar_release(b, 1);
}

void
nke__blk_free(struct nke_blk *b)
{
	NKE_ASSERT(b->b_magic == NKE_BLK_LIVE, "freeing a block that is not live");
	if (b->b_prev != NULL)
		b->b_prev->b_next = b->b_next;
	else
		live_head = b->b_next;
	if (b->b_next != NULL)
		b->b_next->b_prev = b->b_prev;
	b->b_magic = NKE_BLK_FREED;
	memset(blk_user(b), NKE_POISON_FREE, b->b_size);
	b->b_prev = b->b_next = NULL;
	if (quar_tail != NULL)
		quar_tail->b_next = b;
	else
		quar_head = b;
	quar_tail = b;
	quar_n++;
	quar_bytes += b->b_size;
	while (quar_n > QUAR_BLOCKS || (quar_bytes > QUAR_BYTES && quar_n > 1))
		quar_evict_one();
}

/*
 * A kext stopped: its blocks still allocated are leaked for good.  One
 * report per OSMalloc tag ("osmalloc-leak") and per _MALLOC type or
 * IOMalloc ("malloc-leak"), with bytes and allocations.
 */
void
nke__blk_leak_check(uint32_t kext)
{
	struct {
		uint32_t g_kind;
		const void *g_tag;
		int g_type;
		uint64_t g_bytes, g_n;
	} grp[16];
	unsigned ngrp = 0, i, more = 0;
	struct nke_blk *b;
	const char *name = nke__kext_name_of(kext);

	if ((nke__chk_groups & NKS_CHK_LEAKS) == 0)
		return;
	for (b = live_head; b != NULL; b = b->b_next) {
		if ((uint32_t)b->b_pad != kext)
			continue;
		for (i = 0; i < ngrp; i++)
			if (grp[i].g_kind == b->b_kind && grp[i].g_tag == b->b_tag &&
			    grp[i].g_type == b->b_type)
				break;
		if (i == ngrp) {
			if (ngrp == sizeof(grp) / sizeof(grp[0])) {
				more++;
				continue;
			}
			grp[i].g_kind = b->b_kind;
			grp[i].g_tag = b->b_tag;
			grp[i].g_type = b->b_type;
			grp[i].g_bytes = grp[i].g_n = 0;
			ngrp++;
		}
		grp[i].g_bytes += b->b_size;
		grp[i].g_n++;
	}
	for (i = 0; i < ngrp; i++) {
		if (grp[i].g_kind == NKE_BLK_OSMALLOC)
			nke__report("osmalloc-leak",
			    "%s stopped with %llu bytes (%llu allocations) of OSMalloc tag \"%s\" "
			    "still allocated",
			    name, (unsigned long long)grp[i].g_bytes, (unsigned long long)grp[i].g_n,
			    nke__osmalloc_tag_name(grp[i].g_tag));
		else if (grp[i].g_kind == NKE_BLK_MALLOC)
			nke__report("malloc-leak",
			    "%s stopped with %llu bytes (%llu allocations) of _MALLOC type %d still "
			    "allocated",
			    name, (unsigned long long)grp[i].g_bytes, (unsigned long long)grp[i].g_n,
			    grp[i].g_type);
		else
			nke__report("malloc-leak",
			    "%s stopped with %llu bytes (%llu allocations) of %s still allocated",
			    name, (unsigned long long)grp[i].g_bytes, (unsigned long long)grp[i].g_n,
			    nke__blk_kind_name(grp[i].g_kind));
	}
	if (more != 0)
		nke__report("malloc-leak", "%s stopped with %u more leaked blocks", name, more);
	nke__osmalloc_kext_stopped(kext);
}

/* --- Quarantine of bookkeeping objects ----------------------------------- */

static struct {
	void *q_p;
	size_t q_size;
} quar_objs[QUAR_OBJS];
static unsigned quar_obj_next;

void
nke__quarantine(void *p, size_t size)
{
	unsigned i = quar_obj_next++ % QUAR_OBJS;

	if (quar_objs[i].q_p != NULL)
		NKH_free(quar_objs[i].q_p, quar_objs[i].q_size);
	quar_objs[i].q_p = p;
	quar_objs[i].q_size = size;
}

/* --- Module hooks ---------------------------------------------------------- */

void
nke__malloc_init(void)
{
	live_head = NULL;
	quar_head = quar_tail = NULL;
	quar_n = quar_bytes = 0;
	malloc_bytes = 0;
	set_slots = NULL;
	set_cap = set_used = set_filled = 0;
	memset(quar_objs, 0, sizeof(quar_objs));
	quar_obj_next = 0;
}

void
nke__malloc_fini(void)
{
	unsigned i;

	/* Whatever is still allocated was leaked (and already counted). */
	while (live_head != NULL) {
		struct nke_blk *b = live_head;

		live_head = b->b_next;
		NKH_free(b->b_base, b->b_hostsize);
	}
	while (quar_head != NULL) {
		struct nke_blk *b = quar_head;

		quar_head = b->b_next;
		NKH_free(b->b_base, b->b_hostsize);
	}
	quar_tail = NULL;
	quar_n = quar_bytes = 0;
	for (i = 0; i < QUAR_OBJS; i++) {
		if (quar_objs[i].q_p != NULL)
			NKH_free(quar_objs[i].q_p, quar_objs[i].q_size);
		quar_objs[i].q_p = NULL;
	}
	if (set_slots != NULL)
		raw_free(set_slots, set_cap * sizeof(*set_slots));
	set_slots = NULL;
	set_cap = set_used = set_filled = 0;
	malloc_bytes = 0;
}

void
nke__malloc_stats(struct nks_stats *st)
{
	st->st_malloc_bytes += malloc_bytes;
}

/* --- _MALLOC ---------------------------------------------------------------- */

static void *
malloc_common(size_t size, int type, int flags, int zone)
{
	struct nke_blk *b;
	void *p;
	int may_fail = (flags & (M_NOWAIT | M_NULL)) != 0;

	if (size == 0)
		return NULL;
	if (!may_fail)
		nke__assert_may_block(zone ? "_MALLOC_ZONE(M_WAITOK)" : "_MALLOC(M_WAITOK)");
	/*
	 * M_WAITOK waits for memory in XNU, so an injected failure (which
	 * models a transient shortage) does not apply to it.
	 */
	p = nke__blk_alloc(NKS_ALLOC_MALLOC, NKE_BLK_MALLOC, size, 16, (flags & M_ZERO) != 0,
	    may_fail);
	if (p == NULL) {
		if (may_fail)
			return NULL;
		nke__panic("_MALLOC: kalloc returned NULL (potential leak), size %llu",
		    (unsigned long long)size);
	}
	b = nke__blk_lookup(p);
	b->b_type = type;
	b->b_zone = zone;
	malloc_bytes += size;
	return p;
}

static void
free_common(void *addr, const char *who, uint32_t kind, int has_size, size_t size)
{
	struct nke_blk *b;

	if (addr == NULL)
		return;
	b = nke__blk_lookup(addr);
	if (b == NULL)
		nke__panic("%s(%p): not a block the kernel allocator returned", who, addr);
	if (b->b_magic == NKE_BLK_FREED)
		nke__panic("%s(%p): %s block of %zu bytes freed twice", who, addr,
		    nke__blk_kind_name(b->b_kind), b->b_size);
	if (b->b_kind != kind)
		nke__panic("%s(%p): block was allocated by %s, not %s", who, addr,
		    nke__blk_kind_name(b->b_kind), nke__blk_kind_name(kind));
	if (has_size && size != b->b_size)
		nke__report(kind == NKE_BLK_IOMALLOC ? "iofree-size" : "free-size",
		    "%s(%p, %zu): the block was allocated with size %zu", who, addr, size,
		    b->b_size);
	malloc_bytes -= b->b_size;
	nke__blk_free(b);
}

NKE_KPI void *
_MALLOC(size_t size, int type, int flags)
{
	return malloc_common(size, type, flags, 0);
}

NKE_KPI void
_FREE(void *addr, int type)
{
	(void)type;
	free_common(addr, "_FREE", NKE_BLK_MALLOC, 0, 0);
}

NKE_KPI void *
_MALLOC_ZONE(size_t size, int type, int flags)
{
	return malloc_common(size, type, flags, 1);
}

NKE_KPI void
_FREE_ZONE(void *elem, size_t size, int type)
{
	(void)type;
	free_common(elem, "_FREE_ZONE", NKE_BLK_MALLOC, 1, size);
}

/* --- IOMalloc ------------------------------------------------------------- */

static void *
iomalloc_common(vm_size_t size, vm_offset_t align, int zero)
{
	void *p;

	nke__assert_may_block("IOMalloc");
	p = nke__blk_alloc(NKS_ALLOC_MALLOC, NKE_BLK_IOMALLOC, size, align, zero, 1);
	if (p != NULL)
		malloc_bytes += size;
	return p;
}

NKE_KPI void *
IOMalloc(vm_size_t size)
{
	return iomalloc_common(size, 16, 0);
}

NKE_KPI void *
IOMallocZero(vm_size_t size)
{
	return iomalloc_common(size, 16, 1);
}

NKE_KPI void *
IOMallocData(vm_size_t size)
{
	return iomalloc_common(size, 16, 0);
}

NKE_KPI void *
IOMallocZeroData(vm_size_t size)
{
	return iomalloc_common(size, 16, 1);
}

NKE_KPI void *
IOMallocAligned(vm_size_t size, vm_offset_t alignment)
{
	if (alignment == 0 || (alignment & (alignment - 1)) != 0)
		nke__panic("IOMallocAligned: alignment %lu is not a power of two",
		    (unsigned long)alignment);
	return iomalloc_common(size, alignment, 0);
}

NKE_KPI void
IOFree(void *address, vm_size_t size)
{
	free_common(address, "IOFree", NKE_BLK_IOMALLOC, 1, size);
}

NKE_KPI void
IOFreeData(void *address, vm_size_t size)
{
	free_common(address, "IOFreeData", NKE_BLK_IOMALLOC, 1, size);
}

NKE_KPI void
IOFreeAligned(void *address, vm_size_t size)
{
	free_common(address, "IOFreeAligned", NKE_BLK_IOMALLOC, 1, size);
}

/* --- hashinit ------------------------------------------------------------- */

NKE_KPI void *
hashinit(int elements, int type, u_long *hashmask)
{
	long hashsize;
	void *tbl;

	if (elements <= 0)
		nke__panic("hashinit: bad cnt %d", elements);
	for (hashsize = 1; hashsize <= elements; hashsize <<= 1)
		continue;
	hashsize >>= 1;
	/* A list head is one pointer. */
	tbl = _MALLOC((size_t)hashsize * sizeof(void *), type, M_WAITOK | M_ZERO);
	*hashmask = (u_long)hashsize - 1;
	return tbl;
}

NKE_KPI void
hashdestroy(void *hash, int type, u_long hashmask)
{
	(void)hashmask;
	_FREE(hash, type);
}
