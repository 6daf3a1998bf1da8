/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/malloc.h> - the legacy BSD kernel allocator, _MALLOC/_FREE (kernel
 * world; deprecated by Apple, still used by kexts).  nkesim accounts every
 * byte, so leaks and double frees are reported.
 */
#ifndef _SYS_MALLOC_H_
#define _SYS_MALLOC_H_

#include <sys/cdefs.h>
#include <sys/types.h>

__BEGIN_DECLS

/* Flags. */
#define M_WAITOK 0x0000	/* may block; never returns NULL (panics instead) */
#define M_NOWAIT 0x0001	/* never blocks; may return NULL */
#define M_ZERO 0x0004	/* zero the allocation */
#define M_NULL 0x0008	/* return NULL rather than panic when out of memory */

/* Types that Apple's current SDK exposes to kexts. */
#define M_PCB 4		/* protocol control block */
#define M_RTABLE 5	/* routing tables */
#define M_IFADDR 9	/* interface address */
#define M_SONAME 11	/* socket name */
#define M_LOCKF 40	/* byte-range locking structures */
#define M_TEMP 80	/* misc temporary data buffers */
#define M_UDFNODE 84	/* UDF inodes */
#define M_UDFMNT 85	/* UDF mount structures */
#define M_KAUTH 100	/* kauth subsystem */

/*
 * NKE-DIVERGENCE: types older SDKs (Mac OS X 10.4 and before) exposed and
 * old kexts still name; current SDKs keep them private.  Values as in XNU.
 */
#define M_FREE 0	/* should be on free list */
#define M_MBUF 1	/* mbuf */
#define M_DEVBUF 2	/* device driver memory */
#define M_SOCKET 3	/* socket structure */
#define M_HTABLE 6	/* IMP host tables */
#define M_FTABLE 7	/* fragment reassembly header */
#define M_SOOPTS 10	/* socket options */
#define M_NAMEI 12	/* namei path name buffer */
#define M_IOCTLOPS 14	/* ioctl data buffer */
#define M_CRED 16	/* credentials */
#define M_IPMOPTS 53	/* internet multicast options */
#define M_IPMADDR 54	/* internet multicast address */
#define M_IFMADDR 55	/* link-level multicast address */
#define M_MRTABLE 56	/* multicast routing tables */
#define M_SECA 81	/* security associations, key management */
#define M_IPFW 83	/* IP forwarding/NAT */
#define M_IP6NDP 86	/* IPv6 neighbour discovery */
#define M_IP6OPT 87	/* IPv6 options management */
#define M_IP6MISC 88	/* IPv6 misc. memory */
#define M_TSEGQ 89	/* TCP segment queue entry */
#define M_IGMP 90

#define MALLOC(space, cast, size, type, flags) (space) = (cast)_MALLOC(size, type, flags)
#define FREE(addr, type) _FREE((void *)addr, type)
#define MALLOC_ZONE(space, cast, size, type, flags) \
	(space) = (cast)_MALLOC_ZONE(size, type, flags)
#define FREE_ZONE(addr, size, type) _FREE_ZONE((void *)addr, size, type)

/*
 * Allocate size bytes (NULL for 0).  With M_NOWAIT or M_NULL the result may
 * be NULL; with M_WAITOK the call waits for memory and never returns NULL.
 * Not zeroed unless M_ZERO.  Free with _FREE().
 */
extern void *_MALLOC(size_t size, int type, int flags);
/* Free a _MALLOC() block; NULL is allowed; freeing twice panics. */
extern void _FREE(void *addr, int type);
/* The same, for callers that remember the size. */
extern void *_MALLOC_ZONE(size_t size, int type, int flags);
/* `size` must be the size given to _MALLOC_ZONE(). */
extern void _FREE_ZONE(void *elem, size_t size, int type);

__END_DECLS

#endif /* !_SYS_MALLOC_H_ */
