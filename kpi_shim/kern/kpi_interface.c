/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kpi_interface.c - the simulated host's interfaces (kernel world): the
 * ifnet objects behind ifnet_t, their addresses (ifaddr_t), the accessors
 * and setters of <net/kpi_interface.h>, lookups and lists, statistics,
 * ifnet_ioctl, and the host's NKS_ifnet_attach/NKS_ifnet_addaddr.  lo0
 * exists from the start (index 1, 127.0.0.1/8 and ::1/128); VLAN
 * sub-interfaces are created by the Ethernet demux (dlil.c) on first use.
 *
 * Interfaces are never detached during a run, so an ifnet_t stays valid
 * until NKS_fini().  Like XNU, the plain accessors read through the pointer
 * without validating it (NULL only); the calls XNU checks against its
 * interface list (iflt_attach, ifnet_find_by_name ...) use the table here.
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/malloc.h>
#include <sys/sockio.h>
#include <string.h>
#include <net/if_types.h>
#include <net/if_dl.h>
#include <net/if_var.h>
#include <netinet6/in6.h>

#include "net_internal.h"

struct __ifnet *nke__ifindex[NKE_IF_MAX + 1];
u_int32_t nke__if_count;
struct __ifnet *nke__lo_ifp;

#define LO_MTU    16384 /* XNU's LOMTU */
#define ETHER_MTU 1500
#define UTUN_MTU  1500

/* --- Lookups ------------------------------------------------------------- */

struct __ifnet *
nke__ifnet_valid(ifnet_t ifp)
{
	u_int32_t i;

	if (ifp == NULL)
		return NULL;
	for (i = 1; i <= nke__if_count; i++)
		if (nke__ifindex[i] == ifp)
			return ifp;
	return NULL;
}

struct __ifnet *
nke__ifnet_byindex(u_int32_t index)
{
	if (index == 0 || index > nke__if_count)
		return NULL;
	return nke__ifindex[index];
}

static struct __ifnet *
ifnet_byname(const char *name)
{
	u_int32_t i;

	for (i = 1; i <= nke__if_count; i++)
		if (nke__ifindex[i] != NULL && strcmp(nke__ifindex[i]->if_xname, name) == 0)
			return nke__ifindex[i];
	return NULL;
}

/* --- Creation ---------------------------------------------------------------- */

/* Split "en0" into "en" and 0; -1 if the name has no unit or is too long. */
static int
split_name(const char *xname, char *name, u_int32_t *unit)
{
	size_t len, i;
	u_int32_t u = 0;

	if (xname == NULL)
		return -1;
	len = strnlen(xname, IFNAMSIZ);
	if (len == 0 || len >= IFNAMSIZ)
		return -1;
	for (i = len; i > 0 && xname[i - 1] >= '0' && xname[i - 1] <= '9'; i--)
		continue;
	if (i == len || i == 0 || len - i > 6)
		return -1;
	memcpy(name, xname, i);
	name[i] = '\0';
	for (; i < len; i++)
		u = u * 10 + (u_int32_t)(xname[i] - '0');
	*unit = u;
	return 0;
}

static struct __ifaddr *
ifa_alloc(struct __ifnet *ifp)
{
	struct __ifaddr *ifa = NKH_alloc(NKS_ALLOC_KERNEL, sizeof(*ifa));

	if (ifa == NULL)
		return NULL;
	memset(ifa, 0, sizeof(*ifa));
	ifa->ifa_magic = NKE_IFA_MAGIC;
	ifa->ifa_ifp = ifp;
	TAILQ_INSERT_TAIL(&ifp->if_addrs, ifa, ifa_link);
	return ifa;
}

/* The AF_LINK address XNU keeps first on every interface. */
static int
ifa_add_link(struct __ifnet *ifp)
{
	struct __ifaddr *ifa = ifa_alloc(ifp);
	struct sockaddr_dl *sdl;
	size_t nlen = strlen(ifp->if_xname);

	if (ifa == NULL)
		return ENOMEM;
	ifa->ifa_family = AF_LINK;
	sdl = (struct sockaddr_dl *)(void *)ifa->ifa_addr.raw;
	sdl->sdl_family = AF_LINK;
	sdl->sdl_index = (u_short)ifp->if_index;
	sdl->sdl_type = ifp->if_type;
	sdl->sdl_nlen = (u_char)nlen;
	sdl->sdl_alen = ifp->if_addrlen;
	memcpy(sdl->sdl_data, ifp->if_xname, nlen);
	memcpy(sdl->sdl_data + nlen, ifp->if_lladdr, ifp->if_addrlen);
	sdl->sdl_len =
	    (u_char)(__builtin_offsetof(struct sockaddr_dl, sdl_data) + nlen + ifp->if_addrlen);
	if (sdl->sdl_len < sizeof(struct sockaddr_dl))
		sdl->sdl_len = sizeof(struct sockaddr_dl);
	return 0;
}

static int
ifa_add_inet(struct __ifnet *ifp, const struct nks_ifaddr *a)
{
	struct __ifaddr *ifa;
	u_int32_t i, plen = a->ia_prefixlen;

	if (a->ia_family == NKS_FAMILY_INET) {
		if (plen > 32)
			return EINVAL;
	} else if (a->ia_family == NKS_FAMILY_INET6) {
		if (plen > 128)
			return EINVAL;
	} else {
		return EINVAL;
	}
	ifa = ifa_alloc(ifp);
	if (ifa == NULL)
		return ENOMEM;
	ifa->ifa_plen = (u_int8_t)plen;
	ifa->ifa_hasmask = 1;
	if (a->ia_family == NKS_FAMILY_INET) {
		u_int8_t mask[4] = {0};

		ifa->ifa_family = AF_INET;
		memcpy(ifa->ifa_raw, a->ia_addr, 4);
		ifa->ifa_addr.sin.sin_len = sizeof(struct sockaddr_in);
		ifa->ifa_addr.sin.sin_family = AF_INET;
		memcpy(&ifa->ifa_addr.sin.sin_addr, a->ia_addr, 4);
		for (i = 0; i < plen; i++)
			mask[i / 8] |= (u_int8_t)(0x80 >> (i % 8));
		ifa->ifa_mask.sin.sin_len = sizeof(struct sockaddr_in);
		ifa->ifa_mask.sin.sin_family = AF_INET;
		memcpy(&ifa->ifa_mask.sin.sin_addr, mask, 4);
	} else {
		u_int8_t mask[16] = {0};

		ifa->ifa_family = AF_INET6;
		memcpy(ifa->ifa_raw, a->ia_addr, 16);
		ifa->ifa_addr.sin6.sin6_len = sizeof(struct sockaddr_in6);
		ifa->ifa_addr.sin6.sin6_family = AF_INET6;
		memcpy(&ifa->ifa_addr.sin6.sin6_addr, a->ia_addr, 16);
		if (a->ia_addr[0] == 0xfe && (a->ia_addr[1] & 0xc0) == 0x80)
			ifa->ifa_addr.sin6.sin6_scope_id = ifp->if_index;
		for (i = 0; i < plen; i++)
			mask[i / 8] |= (u_int8_t)(0x80 >> (i % 8));
		ifa->ifa_mask.sin6.sin6_len = sizeof(struct sockaddr_in6);
		ifa->ifa_mask.sin6.sin6_family = AF_INET6;
		memcpy(&ifa->ifa_mask.sin6.sin6_addr, mask, 16);
	}
	return 0;
}

static void
ifnet_free(struct __ifnet *ifp)
{
	struct __ifaddr *ifa;

	while ((ifa = TAILQ_FIRST(&ifp->if_addrs)) != NULL) {
		TAILQ_REMOVE(&ifp->if_addrs, ifa, ifa_link);
		ifa->ifa_magic = 0;
		NKH_free(ifa, sizeof(*ifa));
	}
	ifp->if_magic = 0;
	NKH_free(ifp, sizeof(*ifp));
}

/*
 * Make an interface of nks type `type` named xname (ENOMEM, EINVAL,
 * EEXIST); it gets the next index.
 */
static int
ifnet_create(const char *xname, u_int32_t type, u_int32_t mtu, const u_int8_t *lladdr,
             u_int32_t nksoffload, struct __ifnet **out)
{
	struct __ifnet *ifp;
	char name[IFNAMSIZ];
	u_int32_t unit;

	*out = NULL;
	if (split_name(xname, name, &unit) != 0)
		return EINVAL;
	if (ifnet_byname(xname) != NULL)
		return EEXIST;
	if (nke__if_count >= NKE_IF_MAX)
		return ENOMEM;
	ifp = NKH_alloc(NKS_ALLOC_KERNEL, sizeof(*ifp));
	if (ifp == NULL)
		return ENOMEM;
	memset(ifp, 0, sizeof(*ifp));
	ifp->if_magic = NKE_IFNET_MAGIC;
	TAILQ_INIT(&ifp->if_addrs);
	TAILQ_INIT(&ifp->if_flt);
	strlcpy(ifp->if_xname, xname, sizeof(ifp->if_xname));
	strlcpy(ifp->if_name, name, sizeof(ifp->if_name));
	ifp->if_unit = unit;
	ifp->if_nkstype = type;
	switch (type) {
	case NKS_IFT_ETHER:
		ifp->if_family = IFNET_FAMILY_ETHERNET;
		ifp->if_type = IFT_ETHER;
		ifp->if_hdrlen = NKE_ETHER_HDR;
		ifp->if_addrlen = 6;
		ifp->if_flags = IFF_UP | IFF_RUNNING | IFF_BROADCAST | IFF_SIMPLEX | IFF_MULTICAST;
		ifp->if_mtu = mtu != 0 ? mtu : ETHER_MTU;
		ifp->if_baudrate = 1000000000ULL;
		if (lladdr != NULL) {
			memcpy(ifp->if_lladdr, lladdr, 6);
			ifp->if_haslladdr = (lladdr[0] | lladdr[1] | lladdr[2] | lladdr[3] |
			                     lladdr[4] | lladdr[5]) != 0;
		}
		break;
	case NKS_IFT_LOOPBACK:
		ifp->if_family = IFNET_FAMILY_LOOPBACK;
		ifp->if_type = IFT_LOOP;
		ifp->if_hdrlen = 4;
		ifp->if_flags = IFF_UP | IFF_RUNNING | IFF_LOOPBACK | IFF_MULTICAST;
		ifp->if_mtu = mtu != 0 ? mtu : LO_MTU;
		break;
	case NKS_IFT_UTUN:
		ifp->if_family = IFNET_FAMILY_UTUN;
		ifp->if_type = IFT_OTHER;
		ifp->if_hdrlen = 4;
		ifp->if_flags = IFF_UP | IFF_RUNNING | IFF_POINTOPOINT | IFF_MULTICAST;
		ifp->if_mtu = mtu != 0 ? mtu : UTUN_MTU;
		break;
	default:
		NKH_free(ifp, sizeof(*ifp));
		return EINVAL;
	}
	if (nksoffload & NKS_OFFLOAD_IPV4_HDR)
		ifp->if_offload |= IFNET_CSUM_IP;
	if (nksoffload & NKS_OFFLOAD_TCPUDP)
		ifp->if_offload |=
		    IFNET_CSUM_TCP | IFNET_CSUM_UDP | IFNET_CSUM_TCPIPV6 | IFNET_CSUM_UDPIPV6;
	if (type == NKS_IFT_LOOPBACK)
		/* XNU's lo0 advertises every checksum offload (if_loop.c). */
		ifp->if_offload = IFNET_CSUM_IP | IFNET_CSUM_TCP | IFNET_CSUM_UDP |
		                  IFNET_CSUM_TCPIPV6 | IFNET_CSUM_UDPIPV6 | IFNET_IPV6_FRAGMENT |
		                  IFNET_CSUM_FRAGMENT | IFNET_IP_FRAGMENT | IFNET_MULTIPAGES |
		                  IFNET_TX_STATUS | IFNET_SW_TIMESTAMP;
	ifp->if_index = ++nke__if_count;
	nke__ifindex[ifp->if_index] = ifp;
	if (ifa_add_link(ifp) != 0) {
		nke__ifindex[ifp->if_index] = NULL;
		nke__if_count--;
		ifnet_free(ifp);
		return ENOMEM;
	}
	microtime(&ifp->if_lastchange);
	*out = ifp;
	return 0;
}

struct __ifnet *
nke__vlan_ifnet(struct __ifnet *parent, const u_int8_t *tags, u_int32_t ntags)
{
	struct __ifnet *ifp;
	char name[IFNAMSIZ];
	u_int32_t i, n = 0;

	/* One sub-interface per parent and stack of VLAN ids. */
	for (i = 1; i <= nke__if_count; i++) {
		u_int32_t t;

		ifp = nke__ifindex[i];
		if (ifp == NULL || ifp->if_parent != parent || ifp->if_ntags != ntags)
			continue;
		for (t = 0; t < ntags; t++)
			if ((nke__be16(ifp->if_tags + 4 * t + 2) & 0x0fff) !=
			    (nke__be16(tags + 4 * t + 2) & 0x0fff))
				break;
		if (t == ntags)
			return ifp;
	}
	for (i = 1; i <= nke__if_count; i++)
		if (nke__ifindex[i] != NULL && NKE_IS_VLAN(nke__ifindex[i]))
			n++;
	nke__snprintf(name, sizeof(name), "vlan%u", n);
	while (ifnet_byname(name) != NULL)
		nke__snprintf(name, sizeof(name), "vlan%u", ++n);
	if (ifnet_create(name, NKS_IFT_ETHER, parent->if_mtu, parent->if_lladdr, 0, &ifp) != 0)
		return NULL;
	ifp->if_family = IFNET_FAMILY_VLAN;
	ifp->if_type = IFT_L2VLAN;
	ifp->if_offload = parent->if_offload;
	ifp->if_haslladdr = parent->if_haslladdr;
	ifp->if_anymac = parent->if_anymac;
	ifp->if_parent = parent;
	ifp->if_ntags = ntags;
	memcpy(ifp->if_tags, tags, 4 * ntags);
	nke__dlil_post_msg(ifp, KEV_DL_SUBCLASS, KEV_DL_IF_ATTACHED);
	nke__dlil_post_later(ifp, KEV_DL_SUBCLASS, KEV_DL_LINK_ON, 0);
	return ifp;
}

void
nke__ifnet_init(void)
{
	static const struct nks_ifaddr lo4 = {NKS_FAMILY_INET, 8, {127, 0, 0, 1}};
	static const struct nks_ifaddr lo6 = {
	    NKS_FAMILY_INET6, 128, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};
	struct __ifnet *ifp;

	memset(nke__ifindex, 0, sizeof(nke__ifindex));
	nke__if_count = 0;
	if (ifnet_create("lo0", NKS_IFT_LOOPBACK, 0, NULL, 0, &ifp) != 0)
		nke__panic("nke__ifnet_init: cannot create lo0");
	if (ifa_add_inet(ifp, &lo4) != 0 || ifa_add_inet(ifp, &lo6) != 0)
		nke__panic("nke__ifnet_init: cannot address lo0");
	nke__lo_ifp = ifp;
}

void
nke__ifnet_fini(void)
{
	u_int32_t i;

	for (i = 1; i <= nke__if_count; i++) {
		if (nke__ifindex[i] != NULL)
			ifnet_free(nke__ifindex[i]);
		nke__ifindex[i] = NULL;
	}
	nke__if_count = 0;
	nke__lo_ifp = NULL;
}

/* --- The host's entry points ------------------------------------------------- */

NKE_KPI int
NKS_ifnet_attach(const struct nks_ifspec *spec, nks_u32 *ifindex)
{
	struct __ifnet *ifp;
	u_int32_t i;
	int error;

	if (ifindex != NULL)
		*ifindex = 0;
	if (spec == NULL || spec->is_name == NULL ||
	    (spec->is_naddrs > 0 && spec->is_addrs == NULL))
		return EINVAL;
	if (spec->is_type != NKS_IFT_ETHER && spec->is_type != NKS_IFT_UTUN)
		return spec->is_type == NKS_IFT_LOOPBACK && ifnet_byname(spec->is_name) != NULL
		           ? EEXIST
		           : EINVAL;
	for (i = 0; i < spec->is_naddrs; i++)
		if ((spec->is_addrs[i].ia_family != NKS_FAMILY_INET &&
		     spec->is_addrs[i].ia_family != NKS_FAMILY_INET6) ||
		    spec->is_addrs[i].ia_prefixlen >
		        (spec->is_addrs[i].ia_family == NKS_FAMILY_INET ? 32u : 128u))
			return EINVAL;
	nke__net_drain();
	error = ifnet_create(spec->is_name, spec->is_type, spec->is_mtu, spec->is_lladdr,
	                     spec->is_offload, &ifp);
	if (error != 0)
		return error;
	ifp->if_anymac = (spec->is_flags & NKS_IFSPEC_ANYMAC) != 0;
	for (i = 0; i < spec->is_naddrs; i++)
		if (ifa_add_inet(ifp, &spec->is_addrs[i]) != 0)
			return ENOMEM; /* the interface stays, with the addresses made so far */
	if (ifindex != NULL)
		*ifindex = ifp->if_index;
	/*
	 * XNU's ifnet_attach posts KEV_DL_IF_ATTACHED before anyone could have
	 * attached a filter; the protocols attach and the driver reports the
	 * link later, from other threads.  NKE-DIVERGENCE: here those come
	 * from the simulated input thread, at its next run.
	 */
	nke__dlil_post_msg(ifp, KEV_DL_SUBCLASS, KEV_DL_IF_ATTACHED);
	nke__dlil_post_later(ifp, KEV_DL_SUBCLASS, KEV_DL_PROTO_ATTACHED, NKE_AF_INET);
	nke__dlil_post_later(ifp, KEV_DL_SUBCLASS, KEV_DL_PROTO_ATTACHED, NKE_AF_INET6);
	nke__dlil_post_later(ifp, KEV_DL_SUBCLASS, KEV_DL_LINK_ON, 0);
	return 0;
}

NKE_KPI int
NKS_ifnet_addaddr(nks_u32 ifindex, const struct nks_ifaddr *addr)
{
	struct __ifnet *ifp = nke__ifnet_byindex(ifindex);

	if (ifp == NULL)
		return ENXIO;
	if (addr == NULL)
		return EINVAL;
	return ifa_add_inet(ifp, addr);
}

/* --- Address tests and routing ---------------------------------------------- */

static int
prefix_match(const u_int8_t *a, const u_int8_t *b, u_int32_t plen)
{
	u_int32_t full = plen / 8, rem = plen % 8;

	if (memcmp(a, b, full) != 0)
		return 0;
	if (rem == 0)
		return 1;
	return ((a[full] ^ b[full]) & (u_int8_t)(0xff << (8 - rem))) == 0;
}

static struct __ifaddr *
ifa_find(struct __ifnet *only, int af, const u_int8_t *a, int prefix)
{
	u_int32_t i, len = af == AF_INET ? 4 : 16;

	for (i = 1; i <= nke__if_count; i++) {
		struct __ifnet *ifp = nke__ifindex[i];
		struct __ifaddr *ifa;

		if (ifp == NULL || (only != NULL && ifp != only))
			continue;
		TAILQ_FOREACH(ifa, &ifp->if_addrs, ifa_link)
		{
			if (ifa->ifa_family != af)
				continue;
			if (prefix ? prefix_match(ifa->ifa_raw, a, ifa->ifa_plen)
			           : memcmp(ifa->ifa_raw, a, len) == 0)
				return ifa;
		}
	}
	return NULL;
}

static int
ifp_has_family(struct __ifnet *ifp, int af)
{
	struct __ifaddr *ifa;

	TAILQ_FOREACH(ifa, &ifp->if_addrs, ifa_link)
	if (ifa->ifa_family == af)
		return 1;
	return 0;
}

int
nke__in_islocal(const u_int8_t a[4])
{
	return a[0] == 127 || ifa_find(NULL, AF_INET, a, 0) != NULL;
}

int
nke__in6_islocal(const u_int8_t a[16])
{
	static const u_int8_t lo6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

	return memcmp(a, lo6, 16) == 0 || ifa_find(NULL, AF_INET6, a, 0) != NULL;
}

/*
 * NKE-DIVERGENCE: multicast is accepted without tracking group
 * memberships (XNU delivers only the groups the host joined), and an
 * interface with no address of the family accepts every unicast packet
 * (XNU does so only when the host has no IPv4 address at all), so that a
 * capture whose local addresses were not given still reaches the filters;
 * and an address of another interface counts as ours (XNU checks the
 * arrival interface when forwarding is off: the strong end-system model).
 */
int
nke__in_ours(struct __ifnet *ifp, const u_int8_t dst[4])
{
	struct __ifaddr *ifa;

	if (dst[0] >= 224 && dst[0] <= 239)
		return 1;
	if (dst[0] == 255 && dst[1] == 255 && dst[2] == 255 && dst[3] == 255)
		return 1;
	if (nke__in_islocal(dst))
		return 1;
	TAILQ_FOREACH(ifa, &ifp->if_addrs, ifa_link)
	{
		u_int32_t i, bcast = 1;

		if (ifa->ifa_family != AF_INET || ifa->ifa_plen >= 31)
			continue;
		if (!prefix_match(ifa->ifa_raw, dst, ifa->ifa_plen))
			continue;
		/* Directed broadcast: every host bit set. */
		for (i = ifa->ifa_plen; i < 32; i++)
			if (!(dst[i / 8] & (0x80 >> (i % 8))))
				bcast = 0;
		if (bcast)
			return 1;
	}
	return !ifp_has_family(ifp, AF_INET);
}

int
nke__in6_ours(struct __ifnet *ifp, const u_int8_t dst[16])
{
	struct __ifaddr *ifa;
	int haslinklocal = 0;

	if (dst[0] == 0xff)
		return 1;
	if (nke__in6_islocal(dst))
		return 1;
	/*
	 * NKE-DIVERGENCE: a Mac gives every interface a link-local address of
	 * its own; when the capture did not name ours, any link-local
	 * destination is taken as ours.
	 */
	TAILQ_FOREACH(ifa, &ifp->if_addrs, ifa_link)
	if (ifa->ifa_family == AF_INET6 && ifa->ifa_raw[0] == 0xfe &&
	    (ifa->ifa_raw[1] & 0xc0) == 0x80)
		haslinklocal = 1;
	if (!haslinklocal && dst[0] == 0xfe && (dst[1] & 0xc0) == 0x80)
		return 1;
	return !ifp_has_family(ifp, AF_INET6);
}

/*
 * NKE-DIVERGENCE: there is no routing table.  A local destination goes to
 * lo0; otherwise the bound interface, then the interface whose prefix holds
 * the destination, then the interface of the frame being processed, then the
 * first non-loopback interface.
 */
struct __ifnet *
nke__route(int family, const u_int8_t *dst, u_int32_t boundif)
{
	int af = family == 4 ? AF_INET : AF_INET6;
	struct __ifaddr *ifa;
	u_int32_t i;

	if (family == 4 ? nke__in_islocal(dst) : nke__in6_islocal(dst))
		return nke__lo_ifp;
	if (boundif != 0 && nke__ifnet_byindex(boundif) != NULL)
		return nke__ifnet_byindex(boundif);
	ifa = ifa_find(NULL, af, dst, 1);
	if (ifa != NULL && ifa->ifa_ifp != nke__lo_ifp)
		return ifa->ifa_ifp;
	if (nke__cur_ifp != NULL && nke__cur_ifp != nke__lo_ifp)
		return nke__cur_ifp;
	for (i = 1; i <= nke__if_count; i++)
		if (nke__ifindex[i] != NULL && nke__ifindex[i] != nke__lo_ifp &&
		    !NKE_IS_VLAN(nke__ifindex[i]))
			return nke__ifindex[i];
	return NULL;
}

/* --- Lifetime -------------------------------------------------------------------- */

NKE_KPI errno_t
ifnet_reference(ifnet_t ifp)
{
	if (ifp == NULL)
		return EINVAL;
	ifp->if_refcnt++;
	return 0;
}

NKE_KPI errno_t
ifnet_release(ifnet_t ifp)
{
	if (ifp == NULL)
		return EINVAL;
	if (ifp->if_refcnt <= 0) {
		/* XNU panics on an I/O reference underflow. */
		nke__report("ifnet-release-unbalanced",
		            "ifnet_release(%s) without a matching ifnet_reference", ifp->if_xname);
		return 0;
	}
	ifp->if_refcnt--;
	return 0;
}

/*
 * NKE-DIVERGENCE: kexts cannot create interfaces or protocols in nkesim
 * (the simulated host's interfaces come from the capture): these return
 * ENOTSUP.
 */
NKE_KPI errno_t
ifnet_allocate(const struct ifnet_init_params *init, ifnet_t *interface)
{
	(void)init;
	if (interface != NULL)
		*interface = NULL;
	return ENOTSUP;
}

NKE_KPI errno_t
ifnet_attach(ifnet_t interface, const struct sockaddr_dl *ll_addr)
{
	(void)interface;
	(void)ll_addr;
	return ENOTSUP;
}

NKE_KPI errno_t
ifnet_detach(ifnet_t interface)
{
	(void)interface;
	return ENOTSUP;
}

NKE_KPI errno_t
ifnet_attach_protocol(ifnet_t interface, protocol_family_t protocol_family,
                      const struct ifnet_attach_proto_param *proto_details)
{
	(void)interface;
	(void)protocol_family;
	(void)proto_details;
	return ENOTSUP;
}

NKE_KPI errno_t
ifnet_attach_protocol_v2(ifnet_t interface, protocol_family_t protocol_family,
                         const struct ifnet_attach_proto_param_v2 *proto_details)
{
	(void)interface;
	(void)protocol_family;
	(void)proto_details;
	return ENOTSUP;
}

NKE_KPI errno_t
ifnet_detach_protocol(ifnet_t interface, protocol_family_t protocol_family)
{
	(void)interface;
	(void)protocol_family;
	return ENOTSUP;
}

NKE_KPI errno_t
ifnet_interface_family_find(const char *module_string, ifnet_family_t *family_id)
{
	if (module_string == NULL || family_id == NULL)
		return EINVAL;
	return nke__net_str_id_find_kind(module_string, family_id, NKE_NSI_IF_FAM_ID);
}

/* --- Attributes -------------------------------------------------------------------- */

NKE_KPI void *
ifnet_softc(ifnet_t interface)
{
	return interface == NULL ? NULL : interface->if_softc;
}

NKE_KPI const char *
ifnet_name(ifnet_t interface)
{
	return interface == NULL ? NULL : interface->if_name;
}

NKE_KPI ifnet_family_t
ifnet_family(ifnet_t interface)
{
	return interface == NULL ? 0 : interface->if_family;
}

NKE_KPI u_int32_t
ifnet_unit(ifnet_t interface)
{
	return interface == NULL ? (u_int32_t)-1 : interface->if_unit;
}

NKE_KPI u_int32_t
ifnet_index(ifnet_t interface)
{
	return interface == NULL ? (u_int32_t)-1 : interface->if_index;
}

NKE_KPI errno_t
ifnet_set_flags(ifnet_t interface, u_int16_t new_flags, u_int16_t mask)
{
	if (interface == NULL)
		return EINVAL;
	interface->if_flags = (u_int16_t)((new_flags & mask) | (interface->if_flags & ~mask));
	return 0;
}

NKE_KPI u_int16_t
ifnet_flags(ifnet_t interface)
{
	return interface == NULL ? 0 : interface->if_flags;
}

NKE_KPI errno_t
ifnet_set_capabilities_supported(ifnet_t interface, u_int32_t new_caps, u_int32_t mask)
{
	if (interface == NULL)
		return EINVAL;
	interface->if_caps_supported = (new_caps & mask) | (interface->if_caps_supported & ~mask);
	return 0;
}

NKE_KPI u_int32_t
ifnet_capabilities_supported(ifnet_t interface)
{
	return interface == NULL ? 0 : interface->if_caps_supported;
}

NKE_KPI errno_t
ifnet_set_capabilities_enabled(ifnet_t interface, u_int32_t new_caps, u_int32_t mask)
{
	if (interface == NULL)
		return EINVAL;
	interface->if_caps_enabled = (new_caps & mask) | (interface->if_caps_enabled & ~mask);
	return 0;
}

NKE_KPI u_int32_t
ifnet_capabilities_enabled(ifnet_t interface)
{
	return interface == NULL ? 0 : interface->if_caps_enabled;
}

NKE_KPI errno_t
ifnet_set_offload(ifnet_t interface, ifnet_offload_t offload)
{
	if (interface == NULL)
		return EINVAL;
	interface->if_offload = offload;
	return 0;
}

NKE_KPI errno_t
ifnet_set_offload_enabled(ifnet_t interface, ifnet_offload_t offload)
{
	return ifnet_set_offload(interface, offload);
}

NKE_KPI ifnet_offload_t
ifnet_offload(ifnet_t interface)
{
	return interface == NULL ? 0 : interface->if_offload;
}

NKE_KPI errno_t
ifnet_set_tso_mtu(ifnet_t interface, sa_family_t family, u_int32_t mtuLen)
{
	if (interface == NULL)
		return EINVAL;
	if (family == AF_INET)
		interface->if_tso_mtu4 = mtuLen;
	else if (family == AF_INET6)
		interface->if_tso_mtu6 = mtuLen;
	else
		return EINVAL;
	return 0;
}

NKE_KPI errno_t
ifnet_get_tso_mtu(ifnet_t interface, sa_family_t family, u_int32_t *mtuLen)
{
	if (interface == NULL || mtuLen == NULL)
		return EINVAL;
	if (family == AF_INET)
		*mtuLen = interface->if_tso_mtu4;
	else if (family == AF_INET6)
		*mtuLen = interface->if_tso_mtu6;
	else
		return EINVAL;
	return 0;
}

NKE_KPI errno_t
ifnet_set_wake_flags(ifnet_t interface, u_int32_t properties, u_int32_t mask)
{
	if (interface == NULL)
		return EINVAL;
	interface->if_wake_flags = (properties & mask) | (interface->if_wake_flags & ~mask);
	return 0;
}

NKE_KPI u_int32_t
ifnet_get_wake_flags(ifnet_t interface)
{
	return interface == NULL ? 0 : interface->if_wake_flags;
}

NKE_KPI errno_t
ifnet_set_link_mib_data(ifnet_t interface, void *mibData, u_int32_t mibLen)
{
	(void)mibData;
	(void)mibLen;
	return interface == NULL ? EINVAL : ENOTSUP;
}

NKE_KPI errno_t
ifnet_get_link_mib_data(ifnet_t interface, void *mibData, u_int32_t *mibLen)
{
	(void)mibData;
	if (interface == NULL || mibLen == NULL)
		return EINVAL;
	*mibLen = 0;
	return ENOTSUP;
}

NKE_KPI u_int32_t
ifnet_get_link_mib_data_length(ifnet_t interface)
{
	(void)interface;
	return 0;
}

/* --- Link parameters ----------------------------------------------------------- */

NKE_KPI errno_t
ifnet_set_mtu(ifnet_t interface, u_int32_t mtu)
{
	if (interface == NULL)
		return EINVAL;
	interface->if_mtu = mtu;
	return 0;
}

NKE_KPI u_int32_t
ifnet_mtu(ifnet_t interface)
{
	return interface == NULL ? 0 : interface->if_mtu;
}

NKE_KPI u_int8_t
ifnet_type(ifnet_t interface)
{
	return interface == NULL ? 0 : interface->if_type;
}

NKE_KPI errno_t
ifnet_set_addrlen(ifnet_t interface, u_int8_t addrlen)
{
	if (interface == NULL)
		return EINVAL;
	interface->if_addrlen = addrlen;
	return 0;
}

NKE_KPI u_int8_t
ifnet_addrlen(ifnet_t interface)
{
	return interface == NULL ? 0 : interface->if_addrlen;
}

NKE_KPI errno_t
ifnet_set_hdrlen(ifnet_t interface, u_int8_t hdrlen)
{
	if (interface == NULL)
		return EINVAL;
	interface->if_hdrlen = hdrlen;
	return 0;
}

NKE_KPI u_int8_t
ifnet_hdrlen(ifnet_t interface)
{
	return interface == NULL ? 0 : interface->if_hdrlen;
}

NKE_KPI errno_t
ifnet_set_metric(ifnet_t interface, u_int32_t metric)
{
	if (interface == NULL)
		return EINVAL;
	interface->if_metric = metric;
	return 0;
}

NKE_KPI u_int32_t
ifnet_metric(ifnet_t interface)
{
	return interface == NULL ? 0 : interface->if_metric;
}

NKE_KPI errno_t
ifnet_set_baudrate(ifnet_t interface, u_int64_t baudrate)
{
	if (interface == NULL)
		return EINVAL;
	interface->if_baudrate = baudrate;
	return 0;
}

NKE_KPI u_int64_t
ifnet_baudrate(ifnet_t interface)
{
	return interface == NULL ? 0 : interface->if_baudrate;
}

/* --- Statistics -------------------------------------------------------------------- */

NKE_KPI errno_t
ifnet_stat_increment(ifnet_t interface, const struct ifnet_stat_increment_param *counts)
{
	if (interface == NULL || counts == NULL)
		return EINVAL;
	interface->if_stats.packets_in += counts->packets_in;
	interface->if_stats.bytes_in += counts->bytes_in;
	interface->if_stats.errors_in += counts->errors_in;
	interface->if_stats.packets_out += counts->packets_out;
	interface->if_stats.bytes_out += counts->bytes_out;
	interface->if_stats.errors_out += counts->errors_out;
	interface->if_stats.collisions += counts->collisions;
	interface->if_stats.dropped += counts->dropped;
	return 0;
}

NKE_KPI errno_t
ifnet_stat_increment_in(ifnet_t interface, u_int32_t packets_in, u_int32_t bytes_in,
                        u_int32_t errors_in)
{
	if (interface == NULL)
		return EINVAL;
	interface->if_stats.packets_in += packets_in;
	interface->if_stats.bytes_in += bytes_in;
	interface->if_stats.errors_in += errors_in;
	return 0;
}

NKE_KPI errno_t
ifnet_stat_increment_out(ifnet_t interface, u_int32_t packets_out, u_int32_t bytes_out,
                         u_int32_t errors_out)
{
	if (interface == NULL)
		return EINVAL;
	interface->if_stats.packets_out += packets_out;
	interface->if_stats.bytes_out += bytes_out;
	interface->if_stats.errors_out += errors_out;
	return 0;
}

NKE_KPI errno_t
ifnet_set_stat(ifnet_t interface, const struct ifnet_stats_param *stats)
{
	if (interface == NULL || stats == NULL)
		return EINVAL;
	interface->if_stats = *stats;
	return 0;
}

NKE_KPI errno_t
ifnet_stat(ifnet_t interface, struct ifnet_stats_param *out_stats)
{
	if (interface == NULL || out_stats == NULL)
		return EINVAL;
	*out_stats = interface->if_stats;
	return 0;
}

NKE_KPI errno_t
ifnet_set_promiscuous(ifnet_t interface, int on)
{
	if (interface == NULL)
		return EINVAL;
	if (on)
		interface->if_promisc++;
	else if (interface->if_promisc > 0)
		interface->if_promisc--;
	if (interface->if_promisc > 0)
		interface->if_flags |= IFF_PROMISC;
	else
		interface->if_flags &= (u_int16_t)~IFF_PROMISC;
	return 0;
}

NKE_KPI errno_t
ifnet_touch_lastchange(ifnet_t interface)
{
	if (interface == NULL)
		return EINVAL;
	microtime(&interface->if_lastchange);
	return 0;
}

NKE_KPI errno_t
ifnet_lastchange(ifnet_t interface, struct timeval *last_change)
{
	if (interface == NULL || last_change == NULL)
		return EINVAL;
	*last_change = interface->if_lastchange;
	return 0;
}

/* --- Link-layer address ------------------------------------------------------- */

NKE_KPI errno_t
ifnet_set_lladdr(ifnet_t interface, const void *lladdr, size_t lladdr_len)
{
	struct __ifaddr *ifa;
	struct sockaddr_dl *sdl;

	if (interface == NULL || (lladdr == NULL && lladdr_len != 0))
		return EINVAL;
	if (lladdr_len != interface->if_addrlen)
		return EINVAL;
	memcpy(interface->if_lladdr, lladdr, lladdr_len);
	interface->if_haslladdr = 1;
	ifa = TAILQ_FIRST(&interface->if_addrs);
	if (ifa != NULL && ifa->ifa_family == AF_LINK) {
		sdl = (struct sockaddr_dl *)(void *)ifa->ifa_addr.raw;
		memcpy(sdl->sdl_data + sdl->sdl_nlen, lladdr, lladdr_len);
	}
	return 0;
}

NKE_KPI errno_t
ifnet_lladdr_copy_bytes(ifnet_t interface, void *lladdr, size_t length)
{
	if (interface == NULL || lladdr == NULL)
		return EINVAL;
	if (length != interface->if_addrlen) {
		memset(lladdr, 0, length);
		return EMSGSIZE;
	}
	memcpy(lladdr, interface->if_lladdr, length);
	return 0;
}

NKE_KPI errno_t
ifnet_llbroadcast_copy_bytes(ifnet_t interface, void *addr, size_t bufferlen, size_t *out_len)
{
	static const u_int8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	size_t len;

	if (interface == NULL || addr == NULL || out_len == NULL)
		return EINVAL;
	len = interface->if_nkstype == NKS_IFT_ETHER ? 6 : 0;
	*out_len = len;
	if (bufferlen < len)
		return EMSGSIZE;
	if (len == 0)
		return ENXIO;
	memcpy(addr, bcast, len);
	return 0;
}

/* --- Multicast (not simulated) ------------------------------------------------ */

/* NKE-DIVERGENCE: multicast memberships are not simulated; these say ENOTSUP. */
NKE_KPI errno_t
ifnet_resolve_multicast(ifnet_t ifp, const struct sockaddr *proto_addr, struct sockaddr *ll_addr,
                        size_t ll_len)
{
	(void)proto_addr;
	(void)ll_addr;
	(void)ll_len;
	return ifp == NULL ? EINVAL : ENOTSUP;
}

NKE_KPI errno_t
ifnet_add_multicast(ifnet_t interface, const struct sockaddr *maddr, ifmultiaddr_t *multicast)
{
	if (multicast != NULL)
		*multicast = NULL;
	return interface == NULL || maddr == NULL ? EINVAL : ENOTSUP;
}

NKE_KPI errno_t
ifnet_remove_multicast(ifmultiaddr_t multicast)
{
	(void)multicast;
	return EINVAL;
}

NKE_KPI errno_t
ifnet_get_multicast_list(ifnet_t interface, ifmultiaddr_t **addresses)
{
	if (addresses != NULL)
		*addresses = NULL;
	return interface == NULL || addresses == NULL ? EINVAL : ENXIO;
}

NKE_KPI void
ifnet_free_multicast_list(ifmultiaddr_t *multicasts)
{
	(void)multicasts;
}

NKE_KPI errno_t
ifmaddr_reference(ifmultiaddr_t ifmaddr)
{
	(void)ifmaddr;
	return EINVAL;
}

NKE_KPI errno_t
ifmaddr_release(ifmultiaddr_t ifmaddr)
{
	(void)ifmaddr;
	return EINVAL;
}

NKE_KPI errno_t
ifmaddr_address(ifmultiaddr_t ifmaddr, struct sockaddr *out_multicast, u_int32_t addr_size)
{
	(void)ifmaddr;
	(void)out_multicast;
	(void)addr_size;
	return EINVAL;
}

NKE_KPI errno_t
ifmaddr_lladdress(ifmultiaddr_t ifmaddr, struct sockaddr *out_link_layer_multicast,
                  u_int32_t addr_size)
{
	(void)ifmaddr;
	(void)out_link_layer_multicast;
	(void)addr_size;
	return EINVAL;
}

NKE_KPI ifnet_t
ifmaddr_ifnet(ifmultiaddr_t ifmaddr)
{
	(void)ifmaddr;
	return NULL;
}

/* --- Lookups and lists ------------------------------------------------------------ */

NKE_KPI errno_t
ifnet_find_by_name(const char *ifname, ifnet_t *interface)
{
	struct __ifnet *ifp;

	if (ifname == NULL || interface == NULL)
		return EINVAL;
	*interface = NULL;
	ifp = ifnet_byname(ifname);
	if (ifp == NULL)
		return ENXIO;
	ifp->if_refcnt++;
	*interface = ifp;
	return 0;
}

/* Lists are _MALLOC'ed, so a list a kext never frees shows as a leak. */
NKE_KPI errno_t
ifnet_list_get(ifnet_family_t family, ifnet_t **interfaces, u_int32_t *count)
{
	ifnet_t *list;
	u_int32_t i, n = 0;

	if (interfaces == NULL || count == NULL)
		return EINVAL;
	*interfaces = NULL;
	*count = 0;
	for (i = 1; i <= nke__if_count; i++)
		if (nke__ifindex[i] != NULL &&
		    (family == IFNET_FAMILY_ANY || nke__ifindex[i]->if_family == family))
			n++;
	if (n == 0)
		return ENXIO;
	list = _MALLOC((n + 1) * sizeof(*list), M_TEMP, M_NOWAIT | M_ZERO);
	if (list == NULL)
		return ENOMEM;
	n = 0;
	for (i = 1; i <= nke__if_count; i++) {
		struct __ifnet *ifp = nke__ifindex[i];

		if (ifp != NULL && (family == IFNET_FAMILY_ANY || ifp->if_family == family)) {
			ifp->if_refcnt++;
			list[n++] = ifp;
		}
	}
	*interfaces = list;
	*count = n;
	return 0;
}

NKE_KPI void
ifnet_list_free(ifnet_t *interfaces)
{
	ifnet_t *p;

	if (interfaces == NULL)
		return;
	for (p = interfaces; *p != NULL; p++)
		(void)ifnet_release(*p);
	_FREE(interfaces, M_TEMP);
}

static errno_t
address_list(ifnet_t interface, ifaddr_t **addresses, uint16_t *countp, sa_family_t family)
{
	ifaddr_t *list;
	u_int32_t i, n = 0;

	if (addresses == NULL)
		return EINVAL;
	*addresses = NULL;
	if (countp != NULL)
		*countp = 0;
	if (interface != NULL && nke__ifnet_valid(interface) == NULL)
		return ENXIO;
	for (i = 1; i <= nke__if_count; i++) {
		struct __ifnet *ifp = nke__ifindex[i];
		struct __ifaddr *ifa;

		if (ifp == NULL || (interface != NULL && ifp != interface))
			continue;
		TAILQ_FOREACH(ifa, &ifp->if_addrs, ifa_link)
		if (family == 0 || ifa->ifa_family == family)
			n++;
	}
	if (n == 0)
		return ENXIO;
	list = _MALLOC((n + 1) * sizeof(*list), M_TEMP, M_NOWAIT | M_ZERO);
	if (list == NULL)
		return ENOMEM;
	n = 0;
	for (i = 1; i <= nke__if_count; i++) {
		struct __ifnet *ifp = nke__ifindex[i];
		struct __ifaddr *ifa;

		if (ifp == NULL || (interface != NULL && ifp != interface))
			continue;
		TAILQ_FOREACH(ifa, &ifp->if_addrs, ifa_link)
		{
			if (family == 0 || ifa->ifa_family == family) {
				ifa->ifa_refcnt++;
				list[n++] = ifa;
			}
		}
	}
	*addresses = list;
	if (countp != NULL)
		*countp = (uint16_t)n;
	return 0;
}

NKE_KPI errno_t
ifnet_get_address_list(ifnet_t interface, ifaddr_t **addresses)
{
	return address_list(interface, addresses, NULL, 0);
}

NKE_KPI errno_t
ifnet_get_address_list_with_count(ifnet_t interface, ifaddr_t **addresses,
                                  uint16_t *addresses_count)
{
	if (addresses_count == NULL)
		return EINVAL;
	return address_list(interface, addresses, addresses_count, 0);
}

NKE_KPI errno_t
ifnet_get_address_list_family(ifnet_t interface, ifaddr_t **addresses, sa_family_t family)
{
	return address_list(interface, addresses, NULL, family);
}

NKE_KPI void
ifnet_free_address_list(ifaddr_t *addresses)
{
	ifaddr_t *p;

	if (addresses == NULL)
		return;
	for (p = addresses; *p != NULL; p++)
		(void)ifaddr_release(*p);
	_FREE(addresses, M_TEMP);
}

/* --- ifaddr_t -------------------------------------------------------------------------- */

NKE_KPI errno_t
ifaddr_reference(ifaddr_t ifaddr)
{
	if (ifaddr == NULL)
		return EINVAL;
	ifaddr->ifa_refcnt++;
	return 0;
}

NKE_KPI errno_t
ifaddr_release(ifaddr_t ifaddr)
{
	if (ifaddr == NULL)
		return EINVAL;
	if (ifaddr->ifa_refcnt == 0) {
		nke__report("ifaddr-release-unbalanced",
		            "ifaddr_release without a matching reference (%s)",
		            ifaddr->ifa_ifp->if_xname);
		return 0;
	}
	ifaddr->ifa_refcnt--;
	return 0;
}

static errno_t
copy_sa(const void *sa, struct sockaddr *out, u_int32_t size)
{
	u_int32_t salen = ((const u_int8_t *)sa)[0];
	u_int32_t n = size < salen ? size : salen;

	memcpy(out, sa, n);
	return salen > size ? EMSGSIZE : 0;
}

NKE_KPI errno_t
ifaddr_address(ifaddr_t ifaddr, struct sockaddr *out_addr, u_int32_t addr_size)
{
	if (ifaddr == NULL || out_addr == NULL)
		return EINVAL;
	return copy_sa(&ifaddr->ifa_addr, out_addr, addr_size);
}

NKE_KPI sa_family_t
ifaddr_address_family(ifaddr_t ifaddr)
{
	return ifaddr == NULL ? 0 : ifaddr->ifa_family;
}

NKE_KPI errno_t
ifaddr_dstaddress(ifaddr_t ifaddr, struct sockaddr *out_dstaddr, u_int32_t dstaddr_size)
{
	(void)dstaddr_size;
	if (ifaddr == NULL || out_dstaddr == NULL)
		return EINVAL;
	return ENOTSUP; /* no point-to-point peers in the simulated host */
}

NKE_KPI errno_t
ifaddr_netmask(ifaddr_t ifaddr, struct sockaddr *out_netmask, u_int32_t netmask_size)
{
	if (ifaddr == NULL || out_netmask == NULL)
		return EINVAL;
	if (!ifaddr->ifa_hasmask)
		return ENOTSUP;
	return copy_sa(&ifaddr->ifa_mask, out_netmask, netmask_size);
}

NKE_KPI ifnet_t
ifaddr_ifnet(ifaddr_t ifaddr)
{
	return ifaddr == NULL ? NULL : ifaddr->ifa_ifp;
}

static const u_int8_t *
sa_bytes(const struct sockaddr *sa, int *af)
{
	if (sa == NULL)
		return NULL;
	*af = sa->sa_family;
	if (sa->sa_family == AF_INET && sa->sa_len >= sizeof(struct sockaddr_in))
		return (const u_int8_t *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	if (sa->sa_family == AF_INET6 && sa->sa_len >= sizeof(struct sockaddr_in6))
		return (const u_int8_t *)&((const struct sockaddr_in6 *)(const void *)sa)
		    ->sin6_addr;
	return NULL;
}

NKE_KPI ifaddr_t
ifaddr_withaddr(const struct sockaddr *address)
{
	struct __ifaddr *ifa;
	const u_int8_t *a;
	int af = 0;

	a = sa_bytes(address, &af);
	if (a == NULL)
		return NULL;
	ifa = ifa_find(NULL, af, a, 0);
	if (ifa != NULL)
		ifa->ifa_refcnt++;
	return ifa;
}

NKE_KPI ifaddr_t
ifaddr_withdstaddr(const struct sockaddr *destination)
{
	(void)destination;
	return NULL;
}

NKE_KPI ifaddr_t
ifaddr_withnet(const struct sockaddr *net)
{
	struct __ifaddr *ifa;
	const u_int8_t *a;
	int af = 0;

	a = sa_bytes(net, &af);
	if (a == NULL)
		return NULL;
	ifa = ifa_find(NULL, af, a, 1);
	if (ifa != NULL)
		ifa->ifa_refcnt++;
	return ifa;
}

NKE_KPI ifaddr_t
ifaddr_withroute(int flags, const struct sockaddr *destination, const struct sockaddr *gateway)
{
	(void)flags;
	(void)gateway;
	return ifaddr_withnet(destination);
}

NKE_KPI ifaddr_t
ifaddr_findbestforaddr(const struct sockaddr *addr, ifnet_t interface)
{
	struct __ifaddr *ifa;
	const u_int8_t *a;
	int af = 0;

	a = sa_bytes(addr, &af);
	if (a == NULL || interface == NULL)
		return NULL;
	ifa = ifa_find(interface, af, a, 1);
	if (ifa == NULL)
		TAILQ_FOREACH(ifa, &interface->if_addrs, ifa_link)
	if (ifa->ifa_family == af)
		break;
	if (ifa != NULL)
		ifa->ifa_refcnt++;
	return ifa;
}

NKE_KPI errno_t
ifaddr_get_ia6_flags(ifaddr_t ifaddr, u_int32_t *out_flags)
{
	if (ifaddr == NULL || out_flags == NULL || ifaddr->ifa_family != AF_INET6)
		return EINVAL;
	*out_flags = 0;
	return 0;
}

/* --- ioctl -------------------------------------------------------------------------- */

/* The simulated driver: flags and multicast changes succeed, the rest is not handled. */
static int
driver_ioctl(struct __ifnet *ifp, unsigned long cmd)
{
	(void)ifp;
	switch (cmd) {
	case SIOCSIFFLAGS:
	case SIOCADDMULTI:
	case SIOCDELMULTI:
		return 0;
	default:
		return EOPNOTSUPP;
	}
}

/*
 * As XNU's ifnet_ioctl: filters (matching protocol, attach order), then the
 * protocol (none takes ioctls here), then the driver.  The first handler
 * that answers fixes the result; EOPNOTSUPP/ENOTSUP mean "not mine";
 * EJUSTRETURN stops and reads as 0; another error stops and is returned.
 */
NKE_KPI errno_t
ifnet_ioctl(ifnet_t interface, protocol_family_t protocol, unsigned long ioctl_code,
            void *ioctl_arg)
{
	struct __ifnet_filter *f;
	int retval = EOPNOTSUPP, result;

	if (interface == NULL || ioctl_code == 0)
		return EINVAL;
	if (nke__ifnet_valid(interface) == NULL)
		return EOPNOTSUPP;
	nke__iflt_busy(interface);
	TAILQ_FOREACH(f, &interface->if_flt, filt_next)
	{
		struct nke_cb cb;

		if (f->filt_skip || f->filt_f.iff_ioctl == NULL ||
		    (f->filt_f.iff_protocol != 0 && f->filt_f.iff_protocol != protocol))
			continue;
		nke__cb_enter(&cb, f->filt_kext, f->filt_f.iff_name);
		result = f->filt_f.iff_ioctl(f->filt_f.iff_cookie, interface, protocol, ioctl_code,
		                             ioctl_arg);
		nke__cb_leave(&cb);
		if (nke__vd_on()) {
			char d[64];

			nke__snprintf(d, sizeof(d), "cmd=0x%lx pf=%u", ioctl_code, protocol);
			nke__verdict(NKS_HOOK_IFF_IOCTL, 0, interface, f->filt_kext,
			             f->filt_f.iff_name, result, NULL, NULL, 0, d);
		}
		if (retval == EOPNOTSUPP || result == EJUSTRETURN) {
			if (result == ENOTSUP)
				result = EOPNOTSUPP;
			retval = result;
			if (retval != 0 && retval != EOPNOTSUPP) {
				nke__iflt_unbusy(interface);
				goto done;
			}
		}
	}
	nke__iflt_unbusy(interface);
	result = driver_ioctl(interface, ioctl_code);
	if (retval == EOPNOTSUPP || result == EJUSTRETURN) {
		if (result == ENOTSUP)
			result = EOPNOTSUPP;
		retval = result;
	}
done:
	return retval == EJUSTRETURN ? 0 : retval;
}
