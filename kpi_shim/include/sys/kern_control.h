/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/kern_control.h> - the kernel control KPI (kernel world): a kext
 * registers a named control; user-space clients connect to it with a
 * PF_SYSTEM/SYSPROTO_CONTROL socket and exchange messages and options.
 * kexts fill struct kern_ctl_reg positionally, so its field order is
 * Apple's; struct sockaddr_ctl is exactly 32 bytes.
 */
#ifndef KPI_KERN_CONTROL_H
#define KPI_KERN_CONTROL_H

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/kernel_types.h>
#include <sys/ioccom.h>

/* Kernel events posted (class KEV_SYSTEM_CLASS) when controls come and go. */
#define KEV_CTL_SUBCLASS     2
#define KEV_CTL_REGISTERED   1
#define KEV_CTL_DEREGISTERED 2

struct ctl_event_data {
	u_int32_t ctl_id;
	u_int32_t ctl_unit;
};

/* Longest control name, terminating NUL included. */
#define MAX_KCTL_NAME 96

/* Name <-> id lookup, as done by clients through CTLIOCGINFO. */
struct ctl_info {
	u_int32_t ctl_id;
	char ctl_name[MAX_KCTL_NAME];
};

#define CTLIOCGCOUNT _IOR('N', 2, int)              /* number of controls */
#define CTLIOCGINFO  _IOWR('N', 3, struct ctl_info) /* id of a name */

/* Address of a kernel control socket (family AF_SYSTEM). */
struct sockaddr_ctl {
	u_char sc_len;        /* sizeof(struct sockaddr_ctl) */
	u_char sc_family;     /* AF_SYSTEM */
	u_int16_t ss_sysaddr; /* AF_SYS_CONTROL */
	u_int32_t sc_id;      /* control id */
	u_int32_t sc_unit;    /* unit, chosen by client or kernel */
	u_int32_t sc_reserved[5];
};

#include <sys/kpi_mbuf.h>

/* Handle of a registered control. */
typedef void *kern_ctl_ref;

/* kern_ctl_reg.ctl_flags */
#define CTL_FLAG_PRIVILEGED      0x1 /* only root may connect */
#define CTL_FLAG_REG_ID_UNIT     0x2 /* ctl_id/ctl_unit given, not dynamic */
#define CTL_FLAG_REG_SOCK_STREAM 0x4 /* stream sockets, not datagrams */

/* Flags of ctl_enqueuedata / ctl_enqueuembuf */
#define CTL_DATA_NOWAKEUP 0x1 /* do not wake the reader yet */
#define CTL_DATA_EOR      0x2 /* end of record */

__BEGIN_DECLS

/*
 * A client connects: sac names the unit.  Store per-connection state in
 * *unitinfo; a non-zero return refuses the connection.
 */
typedef errno_t (*ctl_connect_func)(kern_ctl_ref kctlref, struct sockaddr_ctl *sac,
                                    void **unitinfo);

/* The client of unit went away; release unitinfo. */
typedef errno_t (*ctl_disconnect_func)(kern_ctl_ref kctlref, u_int32_t unit, void *unitinfo);

/* The client sent m; the callback owns m (free it). */
typedef errno_t (*ctl_send_func)(kern_ctl_ref kctlref, u_int32_t unit, void *unitinfo, mbuf_t m,
                                 int flags);

/* setsockopt / getsockopt from the client at level SYSPROTO_CONTROL. */
typedef errno_t (*ctl_setopt_func)(kern_ctl_ref kctlref, u_int32_t unit, void *unitinfo, int opt,
                                   void *data, size_t len);
typedef errno_t (*ctl_getopt_func)(kern_ctl_ref kctlref, u_int32_t unit, void *unitinfo, int opt,
                                   void *data, size_t *len);

/* Registration record (Apple's order; ctl_name is a char array). */
struct kern_ctl_reg {
	char ctl_name[MAX_KCTL_NAME];
	u_int32_t ctl_id; /* dynamic registration: written back */
	u_int32_t ctl_unit;

	u_int32_t ctl_flags;    /* CTL_FLAG_* */
	u_int32_t ctl_sendsize; /* 0: default, written back */
	u_int32_t ctl_recvsize; /* 0: default, written back */

	ctl_connect_func ctl_connect; /* required */
	ctl_disconnect_func ctl_disconnect;
	ctl_send_func ctl_send;
	ctl_setopt_func ctl_setopt;
	ctl_getopt_func ctl_getopt;
};

/*
 * Register a control.  On success *kctlref is its handle and ctl_id (when
 * dynamic), ctl_sendsize and ctl_recvsize are written back.  EINVAL for a
 * missing ctl_connect or an empty/unterminated name, EEXIST for a
 * duplicate, ENOMEM.
 */
errno_t ctl_register(struct kern_ctl_reg *userkctl, kern_ctl_ref *kctlref);

/* Remove a control.  EBUSY while a client is connected; EINVAL if unknown. */
errno_t ctl_deregister(kern_ctl_ref kctlref);

/*
 * Queue a copy of len bytes of data to the client of unit.  EINVAL (bad
 * ref/unit), ENOBUFS (receive buffer full), ENOMEM.
 */
errno_t ctl_enqueuedata(kern_ctl_ref kctlref, u_int32_t unit, void *data, size_t len,
                        u_int32_t flags);

/*
 * Queue the packet m to the client of unit.  Consumed only on success: on
 * EINVAL or ENOBUFS the caller still owns m.
 */
errno_t ctl_enqueuembuf(kern_ctl_ref kctlref, u_int32_t unit, mbuf_t m, u_int32_t flags);

/* Free space in the client's receive buffer (0 when over-full). */
errno_t ctl_getenqueuespace(kern_ctl_ref kctlref, u_int32_t unit, size_t *space);

/* Bytes still missing before the client's receive low-water mark. */
errno_t ctl_getenqueuereadable(kern_ctl_ref kctlref, u_int32_t unit, u_int32_t *difference);

__END_DECLS

#endif /* !KPI_KERN_CONTROL_H */
