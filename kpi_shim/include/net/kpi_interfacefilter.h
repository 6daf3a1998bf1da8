/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <net/kpi_interfacefilter.h> - the interface filter KPI (kernel world).
 *
 * An interface filter sees every frame received or sent on one interface,
 * at the link layer, plus the interface's events and ioctls.  Real kexts
 * fill struct iff_filter with positional initialisers: the field order is
 * Apple's and must not change.
 */
#ifndef __KPI_INTERFACEFILTER__
#define __KPI_INTERFACEFILTER__

#include <sys/kernel_types.h>
#include <net/kpi_interface.h>

struct kev_msg;

__BEGIN_DECLS

/*
 * An inbound frame.  *data starts after the link header, which *frame_ptr
 * points to (both may be replaced).  Return 0 to pass it on, EJUSTRETURN
 * if the filter took the packet (it now owns *data), any other error to
 * have it freed.
 */
typedef errno_t (*iff_input_func)(void *cookie, ifnet_t interface, protocol_family_t protocol,
                                  mbuf_t *data, char **frame_ptr);

/* An outbound frame, link header included; same return convention. */
typedef errno_t (*iff_output_func)(void *cookie, ifnet_t interface, protocol_family_t protocol,
                                   mbuf_t *data);

/* An interface event (link up/down, address changes ...). */
typedef void (*iff_event_func)(void *cookie, ifnet_t interface, protocol_family_t protocol,
                               const struct kev_msg *event_msg);

/*
 * An ioctl on the interface.  EOPNOTSUPP (or ENOTSUP): not handled,
 * continue; 0: handled, later handlers still run; EJUSTRETURN: handled,
 * stop (the caller sees 0); any other error stops and is returned.
 */
typedef errno_t (*iff_ioctl_func)(void *cookie, ifnet_t interface, protocol_family_t protocol,
                                  unsigned long ioctl_cmd, void *ioctl_arg);

/* The filter is detached; no callback follows.  Free the cookie. */
typedef void (*iff_detached_func)(void *cookie, ifnet_t interface);

struct iff_filter {
	void *iff_cookie;
	const char *iff_name;           /* kept, not copied */
	protocol_family_t iff_protocol; /* 0: frames of every protocol */
	iff_input_func iff_input;
	iff_output_func iff_output;
	iff_event_func iff_event;
	iff_ioctl_func iff_ioctl;
	iff_detached_func iff_detached;
};

/*
 * Append filter to interface's filter list (the struct is copied).  On
 * success *filter_ref identifies the attachment.  ENOENT for a NULL
 * interface, ENXIO if it is not attached or is detaching, ENOMEM.
 */
extern errno_t iflt_attach(ifnet_t interface, const struct iff_filter *filter,
                           interface_filter_t *filter_ref) __NKE_API_DEPRECATED;

/*
 * Detach a filter, synchronously: waits until no filter callback of that
 * interface is running, then calls iff_detached in the caller's thread
 * before returning (so never call it from one of that interface's filter
 * callbacks).  NULL and unknown references are ignored.
 */
extern void iflt_detach(interface_filter_t filter_ref) __NKE_API_DEPRECATED;

__END_DECLS

#endif /* !__KPI_INTERFACEFILTER__ */
