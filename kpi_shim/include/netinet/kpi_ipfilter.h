/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <netinet/kpi_ipfilter.h> - the IP filter KPI (kernel world).
 *
 * An IP filter sees every IPv4 (ipf_addv4) or IPv6 (ipf_addv6) packet
 * entering or leaving the IP layer, headers in network byte order.  kexts
 * fill struct ipf_filter positionally, so its field order is Apple's.
 */
#ifndef __KPI_IPFILTER__
#define __KPI_IPFILTER__

#include <sys/cdefs.h>
#include <sys/kernel_types.h>

/* Options of an outbound packet (ipf_output) or for ipf_inject_output. */
struct ipf_pktopts {
	u_int32_t ippo_flags;     /* IPPOF_* */
	ifnet_t ippo_mcast_ifnet; /* IPPOF_MCAST_OPTS: outgoing interface */
	int ippo_mcast_loop;      /* IPPOF_MCAST_OPTS: loop back locally */
	u_int8_t ippo_mcast_ttl;  /* IPPOF_MCAST_OPTS: hop limit */
};
#define IPPOF_MCAST_OPTS 0x1

/*
 * The following values are private to Apple's SDK, but the kernel sets them
 * in the ippo_flags a filter receives, so a filter may need to recognise
 * them.  The index of a bound interface is kept above IPPOF_SHIFT_IFSCOPE.
 */
#define IPPOF_BOUND_IF           0x2
#define IPPOF_NO_IFT_CELLULAR    0x4
#define IPPOF_SELECT_SRCIF       0x8
#define IPPOF_BOUND_SRCADDR      0x10
#define IPPOF_NO_IFF_EXPENSIVE   0x20
#define IPPOF_NO_IFF_CONSTRAINED 0x40
#define IPPOF_SHIFT_IFSCOPE      16

typedef struct ipf_pktopts *ipf_pktopts_t;

__BEGIN_DECLS

/*
 * An inbound packet; *data starts at the IP header, offset is the length
 * of the IP header (and of IPv6 extension headers), protocol the payload
 * protocol.  Return 0 to pass it on, EJUSTRETURN if the filter took the
 * packet (it now owns *data), any other value to have it freed.
 */
typedef errno_t (*ipf_input_func)(void *cookie, mbuf_t *data, int offset, u_int8_t protocol);

/* An outbound packet, at the IP header; same return convention. */
typedef errno_t (*ipf_output_func)(void *cookie, mbuf_t *data, ipf_pktopts_t options);

/* The filter has been removed and no callback follows; free the cookie. */
typedef void (*ipf_detach_func)(void *cookie);

struct ipf_filter {
	void *cookie;
	const char *name; /* required; kept, not copied */
	ipf_input_func ipf_input;
	ipf_output_func ipf_output;
	ipf_detach_func ipf_detach;
};

struct opaque_ipfilter;
typedef struct opaque_ipfilter *ipfilter_t;

/*
 * Add filter in front of the IPv4 (v6) filter list; the struct is copied.
 * On success *filter_ref identifies it.  EINVAL if name is NULL or both
 * ipf_input and ipf_output are NULL.
 */
extern errno_t ipf_addv4(const struct ipf_filter *filter,
                         ipfilter_t *filter_ref) __NKE_API_DEPRECATED;
extern errno_t ipf_addv6(const struct ipf_filter *filter,
                         ipfilter_t *filter_ref) __NKE_API_DEPRECATED;

/*
 * Remove a filter.  ipf_detach runs once no callback of it is in progress
 * (possibly after this returns).  EINVAL for NULL/unknown kind, ENOENT if
 * not in its list.
 */
extern errno_t ipf_remove(ipfilter_t filter_ref) __NKE_API_DEPRECATED;

/*
 * Re-enter IP input with data (starting at the IP header, rcvif set),
 * asynchronously.  With a non-NULL filter_ref, the filters added after it
 * and filter_ref itself are skipped.  On 0 the kernel owns data; on ENOTSUP
 * (not IPv4/IPv6), ENOMEM or ENOENT the caller still does.
 */
extern errno_t ipf_inject_input(mbuf_t data, ipfilter_t filter_ref) __NKE_API_DEPRECATED;

/*
 * Send data (starting at the IP header) through IP output, synchronously,
 * with the same skip rule.  options may be NULL.  data is consumed in every
 * case.
 */
extern errno_t ipf_inject_output(mbuf_t data, ipfilter_t filter_ref,
                                 ipf_pktopts_t options) __NKE_API_DEPRECATED;

__END_DECLS

#endif /* !__KPI_IPFILTER__ */
