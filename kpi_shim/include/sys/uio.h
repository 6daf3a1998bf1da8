/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/uio.h> - scatter/gather I/O descriptors (kernel world).  A uio_t is
 * opaque: kexts build and walk it through the uio_* accessors and move data
 * with uiomove().
 */
#ifndef _SYS_UIO_H_
#define _SYS_UIO_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/kernel_types.h>

#ifndef _STRUCT_IOVEC
#define _STRUCT_IOVEC
struct iovec {
	void *iov_base; /* start of the region */
	size_t iov_len; /* its length in bytes */
};
#endif

/* Direction of a transfer */
enum uio_rw { UIO_READ, UIO_WRITE };

/* Address space of the iovec bases */
enum uio_seg {
	UIO_USERSPACE = 0,
	UIO_SYSSPACE = 2,
	UIO_USERSPACE32 = 5,
	UIO_USERSPACE64 = 8,
	UIO_SYSSPACE32 = 11 /* deprecated */
};

enum {
	UIOF_USERSPACE = (1 << UIO_USERSPACE),
	UIOF_SYSSPACE = (1 << UIO_SYSSPACE),
	UIOF_USERSPACE32 = (1 << UIO_USERSPACE32),
	UIOF_USERSPACE64 = (1 << UIO_USERSPACE64),
	UIOF_SYSSPACE32 = (1 << UIO_SYSSPACE32),
};

#define UIO_SEG_IS_USER_SPACE(a_uio_seg)                                                           \
	((1 << (a_uio_seg)) & (UIOF_USERSPACE64 | UIOF_USERSPACE32 | UIOF_USERSPACE))

#define UIO_MAXIOV   1024
#define UIO_SMALLIOV 8

__BEGIN_DECLS

/*
 * Allocate a uio with room for a_iovcount iovecs (added later with
 * uio_addiov).  Returns NULL when out of memory; free with uio_free.
 */
uio_t uio_create(int a_iovcount, off_t a_offset, int a_spacetype, int a_iodirection);

/* Empty a_uio (drop its iovecs) and set offset, space and direction. */
void uio_reset(uio_t a_uio, off_t a_offset, int a_spacetype, int a_iodirection);

/* A new uio with the same iovecs and state; NULL when out of memory. */
uio_t uio_duplicate(uio_t a_uio);

/* Restore uio to the state saved in snapshot_uio (from uio_duplicate). */
int uio_restore(uio_t uio, uio_t snapshot_uio);

void uio_free(uio_t a_uio);

/* Append an iovec; non-zero when the uio is full. */
int uio_addiov(uio_t a_uio, user_addr_t a_baseaddr, user_size_t a_length);

/* Read iovec a_index; non-zero if out of range. */
int uio_getiov(uio_t a_uio, int a_index, user_addr_t *a_baseaddr_p, user_size_t *a_length_p);

/* Advance past a_count bytes (base, length, offset and residual). */
void uio_update(uio_t a_uio, user_size_t a_count);

user_ssize_t uio_resid(uio_t a_uio);
void uio_setresid(uio_t a_uio, user_ssize_t a_value);
int uio_iovcnt(uio_t a_uio);
off_t uio_offset(uio_t a_uio);
void uio_setoffset(uio_t a_uio, off_t a_offset);
int uio_rw(uio_t a_uio);
void uio_setrw(uio_t a_uio, int a_value);
int uio_isuserspace(uio_t a_uio);
user_addr_t uio_curriovbase(uio_t a_uio);
user_size_t uio_curriovlen(uio_t a_uio);

/*
 * Copy n bytes between the kernel buffer cp and the uio, in the uio's
 * direction, and advance it.  0 or an errno_t.
 */
extern int uiomove(const char *cp, int n, struct uio *uio);
extern int uiomove64(const __uint64_t cp, int n, struct uio *uio);

__END_DECLS

#endif /* !_SYS_UIO_H_ */
