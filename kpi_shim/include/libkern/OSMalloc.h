/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <libkern/OSMalloc.h> - tagged kernel allocation (kernel world, macOS
 * only).  A tag names a set of allocations; nkesim accounts bytes and
 * allocations per tag, so leaks and OSFree() size mismatches are reported
 * with the tag's name.  Memory is NOT zeroed (nkesim fills it with a poison
 * pattern so code that assumes zeroed memory shows up).
 */
#ifndef LIBKERN_OSMALLOC_h
#define LIBKERN_OSMALLOC_h

#include <sys/cdefs.h>
#include <stdint.h>

__BEGIN_DECLS

typedef struct __OSMallocTag__ *OSMallocTag;
typedef struct __OSMallocTag__ *OSMallocTag_t;

#define OSMT_DEFAULT 0x00
#define OSMT_PAGEABLE 0x01

/*
 * Create a tag; the name is copied (63 characters kept).  Returns NULL when
 * out of memory.
 */
extern OSMallocTag OSMalloc_Tagalloc(const char *name, uint32_t flags);
/*
 * Release a tag.  If allocations made with it are still live, the tag is
 * destroyed when the last one is freed.  Releasing it twice panics.
 */
extern void OSMalloc_Tagfree(OSMallocTag tag);
/* May block.  Returns NULL on failure. */
extern void *OSMalloc(uint32_t size, OSMallocTag tag) __attribute__((alloc_size(1)));
/* Never block; always NULL for an OSMT_PAGEABLE tag. */
extern void *OSMalloc_nowait(uint32_t size, OSMallocTag tag) __attribute__((alloc_size(1)));
extern void *OSMalloc_noblock(uint32_t size, OSMallocTag tag) __attribute__((alloc_size(1)));
/* `size` and `tag` must be those of the allocation. */
extern void OSFree(void *addr, uint32_t size, OSMallocTag tag);

__END_DECLS

#endif /* !LIBKERN_OSMALLOC_h */
