/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <net/kpi_protocol.h> - the protocol KPI (kernel world): hand packets to a
 * protocol's input routine and register the functions that attach
 * ("plumb") a protocol to interfaces of a family.
 */
#ifndef __KPI_PROTOCOL__
#define __KPI_PROTOCOL__

#include <sys/kernel_types.h>
#include <net/kpi_interface.h>

__BEGIN_DECLS

/*
 * Run protocol's input routine on packet now, in the caller's thread.
 * packet starts at the network header and has its rcvif set.  Returns -1
 * (and leaves packet to the caller) if the protocol is unknown.
 */
extern errno_t proto_input(protocol_family_t protocol, mbuf_t packet) __NKE_API_DEPRECATED;

/*
 * Queue packet for protocol's input routine, run later by the input
 * thread.  On 0 the kernel owns packet; ENOENT (no input handler) leaves it
 * to the caller.
 */
extern errno_t proto_inject(protocol_family_t protocol, mbuf_t packet) __NKE_API_DEPRECATED;

typedef errno_t (*proto_plumb_handler)(ifnet_t ifp, protocol_family_t protocol);
typedef void (*proto_unplumb_handler)(ifnet_t ifp, protocol_family_t protocol);

/* Register how to attach/detach proto_fam on interfaces of if_fam. */
extern errno_t proto_register_plumber(protocol_family_t proto_fam, ifnet_family_t if_fam,
                                      proto_plumb_handler plumb,
                                      proto_unplumb_handler unplumb) __NKE_API_DEPRECATED;
extern void proto_unregister_plumber(protocol_family_t proto_fam,
                                     ifnet_family_t if_fam) __NKE_API_DEPRECATED;

__END_DECLS

#endif /* !__KPI_PROTOCOL__ */
