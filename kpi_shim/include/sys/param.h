/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/param.h> - BSD system parameters (kernel world): sleep priorities
 * and flags (PDROP, PCATCH, ...), path and name limits, page constants of
 * x86_64 and the classic bit and rounding macros.
 */
#ifndef _SYS_PARAM_H_
#define _SYS_PARAM_H_

#define BSD 199506
#define BSD4_3 1
#define BSD4_4 1
#define NeXTBSD 1995064
#define NeXTBSD4_0 0

#include <sys/_types.h>
#include <sys/types.h>
#include <sys/syslimits.h>
#include <sys/cdefs.h>
#include <sys/errno.h>
#include <sys/time.h>
#include <limits.h>

#define MAXCOMLEN 16		/* max command name remembered */
#define MAXINTERP 64		/* max interpreter file name length */
#define MAXLOGNAME 255		/* max login name length */
#define MAXUPRC CHILD_MAX	/* max simultaneous processes */
#define NCARGS ARG_MAX		/* max bytes for an exec function */
#define NGROUPS NGROUPS_MAX	/* max number groups */
#define NOFILE 256		/* default max open files per process */
#define NOGROUP 65535		/* marker for empty group set member */
#define MAXHOSTNAMELEN 256	/* max hostname size */
#define MAXDOMNAMELEN 256	/* maximum domain name length */

/* Machine parameters of x86_64. */
#define NBPG 4096		/* bytes/page */
#define PGOFSET (NBPG - 1)	/* byte offset into page */
#define PGSHIFT 12		/* LOG2(NBPG) */
#define DEV_BSIZE 512
#define DEV_BSHIFT 9
#define BLKDEV_IOSIZE 2048
#define MAXPHYS (128 * 1024)	/* max raw I/O transfer size */
#define CLSIZE 1
#define CLSIZELOG2 0

/* Sleep priorities (msleep/tsleep `pri`) and the flags OR'd into them. */
#define PSWP 0
#define PVM 4
#define PINOD 8
#define PRIBIO 16
#define PVFS 20
#define PZERO 22
#define PSOCK 24
#define PWAIT 32
#define PLOCK 36
#define PPAUSE 40
#define PUSER 50
#define MAXPRI 127
#define PRIMASK 0x0ff
#define PCATCH 0x100		/* interruptible by signals */
#define PTTYBLOCK 0x200
#define PDROP 0x400		/* do not take the mutex back after the sleep */
#define PSPIN 0x800		/* take the mutex back in spin mode */

#define NBPW sizeof(int)
#define CMASK 022
#define NODEV (dev_t)(-1)

#define CLBYTES (CLSIZE * NBPG)
#define CLOFSET (CLSIZE * NBPG - 1)
#define claligned(x) ((((int)(x)) & CLOFSET) == 0)
#define CLOFF CLOFSET
#define CLSHIFT (PGSHIFT + CLSIZELOG2)
#define clbase(i) (i)
#define clrnd(i) (i)

#define MAXBSIZE (256 * 4096)
#define MAXPHYSIO MAXPHYS
#define MAXFRAG 8
#define MAXPHYSIO_WIRED (16 * 1024 * 1024)
#define MAXPATHLEN PATH_MAX
#define MAXSYMLINKS 32

/* Bit maps. */
#define setbit(a, i) (((unsigned char *)(a))[(i) / NBBY] |= 1u << ((i) % NBBY))
#define clrbit(a, i) (((unsigned char *)(a))[(i) / NBBY] &= ~(1u << ((i) % NBBY)))
#define isset(a, i) (((unsigned char *)(a))[(i) / NBBY] & (1u << ((i) % NBBY)))
#define isclr(a, i) ((((unsigned char *)(a))[(i) / NBBY] & (1u << ((i) % NBBY))) == 0)

#ifndef howmany
#define howmany(x, y) ((((x) % (y)) == 0) ? ((x) / (y)) : (((x) / (y)) + 1))
#endif
#define roundup(x, y) ((((x) % (y)) == 0) ? (x) : ((x) + ((y) - ((x) % (y)))))
#define powerof2(x) ((((x) - 1) & (x)) == 0)

#ifndef MIN
#define MIN(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) (((a) > (b)) ? (a) : (b))
#endif

#define FSHIFT 11
#define FSCALE (1 << FSHIFT)

#endif /* !_SYS_PARAM_H_ */
