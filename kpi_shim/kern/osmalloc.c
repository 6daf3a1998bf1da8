/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * osmalloc.c - the OSMalloc KPI (kernel world): allocation tags with
 * per-tag accounting, tagged allocations and OSFree.
 *
 * As in XNU, a tag holds one reference for itself and one per live
 * allocation; OSMalloc_Tagfree() drops the first, and the tag is destroyed
 * when the last reference goes.  Checked: releasing a tag twice and
 * allocating from a released tag panic; OSFree() of a pointer OSMalloc
 * never returned (or already freed) panics; a wrong size or tag in OSFree()
 * is reported with the tag's name.
 */
#include "nke_svc.h"

#include <sys/cdefs.h>
#include <sys/types.h>
#include <string.h>
#include <libkern/OSMalloc.h>
#include <libkern/libkern.h>

#define TAG_LIVE 0x4f534d54u	/* "OSMT" */
#define TAG_DEAD 0x4f534d78u	/* destroyed (memory in quarantine) */
#define TAG_NAME_MAX 64

struct __OSMallocTag__ {
	uint32_t t_magic;
	uint32_t t_flags;	/* OSMT_PAGEABLE */
	int t_released;		/* OSMalloc_Tagfree() was called */
	uint32_t t_refs;	/* 1 (until Tagfree) + live allocations */
	uint64_t t_bytes;	/* live bytes */
	uint64_t t_allocs;	/* live allocations */
	uint32_t t_kext;	/* load tag of the kext that created it */
	struct __OSMallocTag__ *t_prev, *t_next;
	char t_name[TAG_NAME_MAX];
};

static struct __OSMallocTag__ *tags;	/* every tag not yet destroyed */
static uint64_t tags_alive;
static uint64_t osmalloc_bytes;

static void
tag_destroy(OSMallocTag tag)
{
	if (tag->t_prev != NULL)
		tag->t_prev->t_next = tag->t_next;
	else
		tags = tag->t_next;
	if (tag->t_next != NULL)
		tag->t_next->t_prev = tag->t_prev;
	tag->t_magic = TAG_DEAD;
	tags_alive--;
	nke__quarantine(tag, sizeof(*tag));
}

/*
 * Panics unless tag is a tag; `alloc` also refuses a released one.
 * NKE-DIVERGENCE: XNU only checks the "valid" bits, so allocating from a
 * released tag that still has allocations goes unnoticed there; it is a
 * use-after-release bug all the same (kpi-reference.md 1.8), so it panics.
 */
static void
tag_check(OSMallocTag tag, const char *who, int alloc)
{
	if (tag == NULL)
		nke__panic("%s: NULL tag", who);
	if (tag->t_magic == TAG_DEAD)
		nke__panic("%s: tag \"%s\" was already destroyed", who, tag->t_name);
	if (tag->t_magic != TAG_LIVE)
		nke__panic("%s: %p is not an OSMalloc tag", who, (void *)tag);
	if (alloc && tag->t_released)
		nke__panic("%s: tag \"%s\" has been released (OSMalloc_Tagfree)", who,
		    tag->t_name);
}

static void
tag_rele(OSMallocTag tag)
{
	if (--tag->t_refs == 0)
		tag_destroy(tag);
}

/* NKE-DIVERGENCE: NULL under failure injection; XNU's allocation waits instead. */
NKE_KPI OSMallocTag
OSMalloc_Tagalloc(const char *name, uint32_t flags)
{
	OSMallocTag tag;

	tag = NKH_alloc(NKS_ALLOC_KERNEL, sizeof(*tag));
	if (tag == NULL)
		return NULL;
	memset(tag, 0, sizeof(*tag));
	tag->t_magic = TAG_LIVE;
	tag->t_flags = flags & OSMT_PAGEABLE;
	tag->t_refs = 1;
	tag->t_kext = nke__kext_current_id();
	strlcpy(tag->t_name, name != NULL ? name : "", sizeof(tag->t_name));
	tag->t_next = tags;
	if (tags != NULL)
		tags->t_prev = tag;
	tags = tag;
	tags_alive++;
	return tag;
}

NKE_KPI void
OSMalloc_Tagfree(OSMallocTag tag)
{
	if (tag != NULL && tag->t_magic == TAG_LIVE && tag->t_released)
		nke__panic("OSMalloc_Tagfree(): tag \"%s\" released twice", tag->t_name);
	tag_check(tag, "OSMalloc_Tagfree()", 0);
	tag->t_released = 1;
	tag_rele(tag);
}

static void *
osmalloc_common(uint32_t size, OSMallocTag tag, const char *who)
{
	struct nke_blk *b;
	void *p;

	p = nke__blk_alloc(NKS_ALLOC_OSMALLOC, NKE_BLK_OSMALLOC, size, 16, 0, 1);
	if (p == NULL)
		return NULL;
	b = nke__blk_lookup(p);
	b->b_tag = tag;
	tag->t_refs++;
	tag->t_bytes += size;
	tag->t_allocs++;
	osmalloc_bytes += size;
	(void)who;
	return p;
}

NKE_KPI void *
OSMalloc(uint32_t size, OSMallocTag tag)
{
	tag_check(tag, "OSMalloc", 1);
	nke__assert_may_block("OSMalloc");
	return osmalloc_common(size, tag, "OSMalloc");
}

NKE_KPI void *
OSMalloc_noblock(uint32_t size, OSMallocTag tag)
{
	tag_check(tag, "OSMalloc_noblock", 1);
	/* Pageable memory may need to block: never handed out here. */
	if (tag->t_flags & OSMT_PAGEABLE)
		return NULL;
	return osmalloc_common(size, tag, "OSMalloc_noblock");
}

NKE_KPI void *
OSMalloc_nowait(uint32_t size, OSMallocTag tag)
{
	tag_check(tag, "OSMalloc_nowait", 1);
	if (tag->t_flags & OSMT_PAGEABLE)
		return NULL;
	return osmalloc_common(size, tag, "OSMalloc_nowait");
}

NKE_KPI void
OSFree(void *addr, uint32_t size, OSMallocTag tag)
{
	struct nke_blk *b;
	OSMallocTag owner;

	tag_check(tag, "OSFree", 0);
	if (addr == NULL) {
		/* XNU would drop a tag reference it never took. */
		nke__report("osfree-null", "OSFree(NULL, %u, tag \"%s\")", size, tag->t_name);
		return;
	}
	b = nke__blk_lookup(addr);
	if (b == NULL)
		nke__panic("OSFree(%p, %u, tag \"%s\"): not a block OSMalloc returned", addr, size,
		    tag->t_name);
	if (b->b_magic == NKE_BLK_FREED)
		nke__panic("OSFree(%p, %u, tag \"%s\"): freed twice", addr, size, tag->t_name);
	if (b->b_kind != NKE_BLK_OSMALLOC)
		nke__panic("OSFree(%p, %u, tag \"%s\"): the block was allocated by %s", addr, size,
		    tag->t_name, nke__blk_kind_name(b->b_kind));
	owner = b->b_tag;
	if (size != b->b_size)
		nke__report("osfree-size",
		    "OSFree(%p, %u, tag \"%s\"): the block was allocated with size %zu", addr,
		    size, tag->t_name, b->b_size);
	if (owner != tag)
		nke__report("osfree-tag",
		    "OSFree(%p, %u, tag \"%s\"): the block was allocated with tag \"%s\"", addr,
		    size, tag->t_name, owner->t_name);
	owner->t_bytes -= b->b_size;
	owner->t_allocs--;
	osmalloc_bytes -= b->b_size;
	nke__blk_free(b);
	tag_rele(owner);
}

void
nke__osmalloc_foreach_tag(nke_osmalloc_tag_fn fn, void *arg)
{
	struct __OSMallocTag__ *t, *next;

	for (t = tags; t != NULL; t = next) {
		next = t->t_next;
		fn(t->t_name, t->t_bytes, t->t_allocs, t->t_released, arg);
	}
}

const char *
nke__osmalloc_tag_name(const void *tag)
{
	const struct __OSMallocTag__ *t = tag;

	return t != NULL && (t->t_magic == TAG_LIVE || t->t_magic == TAG_DEAD) ? t->t_name : "?";
}

/* A kext stopped: tags it created and never released ("osmalloc-leak"). */
void
nke__osmalloc_kext_stopped(uint32_t kext)
{
	struct __OSMallocTag__ *t;

	for (t = tags; t != NULL; t = t->t_next)
		if (t->t_kext == kext && !t->t_released)
			nke__report("osmalloc-leak",
			    "%s stopped without releasing its OSMalloc tag \"%s\" "
			    "(OSMalloc_Tagfree)",
			    nke__kext_name_of(kext), t->t_name);
}

/* --- Module hooks ---------------------------------------------------------- */

void
nke__osmalloc_init(void)
{
	tags = NULL;
	tags_alive = 0;
	osmalloc_bytes = 0;
}

void
nke__osmalloc_fini(void)
{
	/* Leaked tags; their leaked blocks go with kern_malloc.c's fini. */
	while (tags != NULL) {
		OSMallocTag t = tags;

		tags = t->t_next;
		NKH_free(t, sizeof(*t));
	}
	tags_alive = 0;
	osmalloc_bytes = 0;
}

void
nke__osmalloc_stats(struct nks_stats *st)
{
	st->st_osmalloc_bytes += osmalloc_bytes;
	st->st_osmalloc_tags += tags_alive;
}
