/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_kpi_interface.c - tests of kpi_shim/kern/kpi_interface.c (kernel
 * world): lo0 at start, NKS_ifnet_attach/NKS_ifnet_addaddr, every accessor
 * and its NULL/error answers, lookups and lists with their references,
 * address lists (AF_LINK first), ifaddr_* copies, statistics, and the
 * ifnet_ioctl result rules.
 */
#include <sys/socket.h>
#include <sys/sockio.h>
#include <net/if.h>
#include <net/if_dl.h>
#include <net/if_types.h>
#include <netinet/in.h>

#include "pkt_testutil.h"

static void
test_lo0_exists(void)
{
	ifnet_t lo = NULL;
	struct sockaddr_in sin;
	ifaddr_t *list = NULL;

	KT_ASSERT_EQ(ifnet_find_by_name("lo0", &lo), 0);
	KT_ASSERT(lo != NULL);
	KT_ASSERT_STR_EQ(ifnet_name(lo), "lo");
	KT_ASSERT_EQ(ifnet_unit(lo), 0);
	KT_ASSERT_EQ(ifnet_index(lo), 1);
	KT_ASSERT_EQ(ifnet_family(lo), IFNET_FAMILY_LOOPBACK);
	KT_ASSERT_EQ(ifnet_type(lo), IFT_LOOP);
	KT_ASSERT_EQ(ifnet_hdrlen(lo), 4);
	KT_ASSERT_EQ(ifnet_mtu(lo), 16384);
	KT_ASSERT(ifnet_flags(lo) & IFF_LOOPBACK);
	KT_ASSERT((ifnet_offload(lo) & (IFNET_CSUM_IP | IFNET_CSUM_TCP)) ==
	          (IFNET_CSUM_IP | IFNET_CSUM_TCP));
	KT_ASSERT_EQ(ifnet_get_address_list_family(lo, &list, AF_INET), 0);
	KT_ASSERT(list[0] != NULL && list[1] == NULL);
	KT_ASSERT_EQ(ifaddr_address(list[0], (struct sockaddr *)&sin, sizeof(sin)), 0);
	KT_ASSERT_EQ(sin.sin_family, AF_INET);
	KT_ASSERT_EQ(((u_int8_t *)&sin.sin_addr)[0], 127);
	KT_ASSERT_EQ(((u_int8_t *)&sin.sin_addr)[3], 1);
	ifnet_free_address_list(list);
	KT_ASSERT_EQ(ifnet_get_address_list_family(lo, &list, AF_INET6), 0);
	KT_ASSERT(list[0] != NULL && list[1] == NULL);
	KT_ASSERT_EQ(ifaddr_address_family(list[0]), AF_INET6);
	ifnet_free_address_list(list);
	KT_ASSERT_EQ(ifnet_release(lo), 0);
}

static void
test_attach_and_accessors(void)
{
	u_int32_t idx = pt_attach_en("en0", NKS_OFFLOAD_TCPUDP, 0);
	struct nks_ifspec s;
	ifnet_t ifp = NULL;
	u_int8_t mac[8];

	KT_ASSERT_EQ(idx, 2);
	KT_ASSERT_EQ(ifnet_find_by_name("en0", &ifp), 0);
	KT_ASSERT_STR_EQ(ifnet_name(ifp), "en");
	KT_ASSERT_EQ(ifnet_unit(ifp), 0);
	KT_ASSERT_EQ(ifnet_index(ifp), 2);
	KT_ASSERT_EQ(ifnet_family(ifp), IFNET_FAMILY_ETHERNET);
	KT_ASSERT_EQ(ifnet_type(ifp), IFT_ETHER);
	KT_ASSERT_EQ(ifnet_hdrlen(ifp), 14);
	KT_ASSERT_EQ(ifnet_addrlen(ifp), 6);
	KT_ASSERT_EQ(ifnet_mtu(ifp), 1500);
	KT_ASSERT(ifnet_flags(ifp) & IFF_UP);
	KT_ASSERT_EQ(ifnet_offload(ifp) & (IFNET_CSUM_IP | IFNET_CSUM_TCP | IFNET_CSUM_UDPIPV6),
	             IFNET_CSUM_TCP | IFNET_CSUM_UDPIPV6);
	KT_ASSERT_EQ(ifnet_lladdr_copy_bytes(ifp, mac, 6), 0);
	KT_ASSERT_MEM_EQ(mac, pt_mac_host, 6);
	/* A wrong length zeroes the buffer and says EMSGSIZE. */
	memset(mac, 0xaa, sizeof(mac));
	KT_ASSERT_EQ(ifnet_lladdr_copy_bytes(ifp, mac, 8), EMSGSIZE);
	KT_ASSERT_EQ(mac[0] | mac[7], 0);
	KT_ASSERT_EQ(ifnet_lladdr_copy_bytes(NULL, mac, 6), EINVAL);
	KT_ASSERT_EQ(ifnet_set_mtu(ifp, 9000), 0);
	KT_ASSERT_EQ(ifnet_mtu(ifp), 9000);
	KT_ASSERT_EQ(ifnet_set_flags(ifp, IFF_PROMISC, IFF_PROMISC), 0);
	KT_ASSERT(ifnet_flags(ifp) & IFF_PROMISC);
	KT_ASSERT_EQ(ifnet_set_baudrate(ifp, 42), 0);
	KT_ASSERT_EQ(ifnet_baudrate(ifp), 42);
	KT_ASSERT_EQ(ifnet_release(ifp), 0);

	/* Same name again; a name without unit; an unknown type. */
	memset(&s, 0, sizeof(s));
	s.is_name = "en0";
	s.is_type = NKS_IFT_ETHER;
	KT_ASSERT_EQ(NKS_ifnet_attach(&s, &idx), EEXIST);
	KT_ASSERT_EQ(idx, 0);
	s.is_name = "lo0";
	s.is_type = NKS_IFT_LOOPBACK;
	KT_ASSERT_EQ(NKS_ifnet_attach(&s, &idx), EEXIST);
	s.is_name = "en";
	s.is_type = NKS_IFT_ETHER;
	KT_ASSERT_EQ(NKS_ifnet_attach(&s, &idx), EINVAL);
	s.is_name = "x7";
	s.is_type = 99;
	KT_ASSERT_EQ(NKS_ifnet_attach(&s, &idx), EINVAL);
	KT_ASSERT_EQ(NKS_ifnet_attach(NULL, &idx), EINVAL);
	/* utun: 4-byte header, point-to-point. */
	s.is_name = "utun3";
	s.is_type = NKS_IFT_UTUN;
	KT_ASSERT_EQ(NKS_ifnet_attach(&s, &idx), 0);
	KT_ASSERT_EQ(ifnet_find_by_name("utun3", &ifp), 0);
	KT_ASSERT_EQ(ifnet_unit(ifp), 3);
	KT_ASSERT_EQ(ifnet_hdrlen(ifp), 4);
	KT_ASSERT_EQ(ifnet_family(ifp), IFNET_FAMILY_UTUN);
	KT_ASSERT(ifnet_flags(ifp) & IFF_POINTOPOINT);
	KT_ASSERT_EQ(ifnet_release(ifp), 0);
	nke__net_drain();
}

static void
test_null_accessors(void)
{
	struct ifnet_stats_param st;
	ifnet_t ifp = (ifnet_t)1;

	KT_ASSERT_NULL(ifnet_name(NULL));
	KT_ASSERT_EQ(ifnet_unit(NULL), 0xffffffffu);
	KT_ASSERT_EQ(ifnet_index(NULL), 0xffffffffu);
	KT_ASSERT_EQ(ifnet_family(NULL), 0);
	KT_ASSERT_EQ(ifnet_type(NULL), 0);
	KT_ASSERT_EQ(ifnet_flags(NULL), 0);
	KT_ASSERT_EQ(ifnet_mtu(NULL), 0);
	KT_ASSERT_EQ(ifnet_hdrlen(NULL), 0);
	KT_ASSERT_EQ(ifnet_offload(NULL), 0);
	KT_ASSERT_NULL(ifnet_softc(NULL));
	KT_ASSERT_EQ(ifnet_stat(NULL, &st), EINVAL);
	KT_ASSERT_EQ(ifnet_reference(NULL), EINVAL);
	KT_ASSERT_EQ(ifnet_release(NULL), EINVAL);
	KT_ASSERT_EQ(ifnet_find_by_name(NULL, &ifp), EINVAL);
	KT_ASSERT_EQ(ifnet_find_by_name("en9", &ifp), ENXIO);
	KT_ASSERT_NULL(ifp);
	KT_ASSERT_EQ(ifaddr_address_family(NULL), 0);
	KT_ASSERT_EQ(ifaddr_address(NULL, NULL, 0), EINVAL);
	KT_ASSERT_EQ(ifnet_set_mtu(NULL, 1), EINVAL);
}

static void
test_list_get(void)
{
	ifnet_t *list = NULL;
	u_int32_t count = 0;

	pt_attach_en("en0", 0, 0);
	pt_attach_en("en1", 0, 0);
	KT_ASSERT_EQ(ifnet_list_get(IFNET_FAMILY_ANY, &list, &count), 0);
	KT_ASSERT_EQ(count, 3);
	KT_ASSERT(list[3] == NULL);
	KT_ASSERT_STR_EQ(ifnet_name(list[0]), "lo");
	ifnet_list_free(list);
	KT_ASSERT_EQ(ifnet_list_get(IFNET_FAMILY_ETHERNET, &list, &count), 0);
	KT_ASSERT_EQ(count, 2);
	KT_ASSERT_EQ(ifnet_unit(list[1]), 1);
	ifnet_list_free(list);
	KT_ASSERT_EQ(ifnet_list_get(IFNET_FAMILY_PPP, &list, &count), ENXIO);
	KT_ASSERT_NULL(list);
	KT_ASSERT_EQ(count, 0);
	KT_ASSERT_EQ(ifnet_list_get(IFNET_FAMILY_ANY, NULL, &count), EINVAL);
	/* The list is _MALLOC'ed: a failing allocator makes it ENOMEM. */
	NKT_fail_alloc(NKS_ALLOC_MALLOC, 0, 1);
	KT_ASSERT_EQ(ifnet_list_get(IFNET_FAMILY_ANY, &list, &count), ENOMEM);
	NKT_fail_reset();
	nke__net_drain();
}

static void
test_address_list(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	ifnet_t ifp = nke__ifnet_byindex(idx);
	ifaddr_t *list = NULL;
	struct sockaddr_in6 sin6;
	struct sockaddr_in sin, mask;
	struct sockaddr_dl *sdl;
	u_int8_t buf[64];
	struct nks_ifaddr a;

	KT_ASSERT_EQ(ifnet_get_address_list(ifp, &list), 0);
	/* AF_LINK first, then the addresses in the order they were given. */
	KT_ASSERT_EQ(ifaddr_address_family(list[0]), AF_LINK);
	KT_ASSERT_EQ(ifaddr_address_family(list[1]), AF_INET);
	KT_ASSERT_EQ(ifaddr_address_family(list[2]), AF_INET6);
	KT_ASSERT(list[3] == NULL);
	KT_ASSERT_EQ(ifaddr_address(list[0], (struct sockaddr *)buf, sizeof(buf)), 0);
	sdl = (struct sockaddr_dl *)(void *)buf;
	KT_ASSERT_EQ(sdl->sdl_nlen, 3);
	KT_ASSERT_EQ(sdl->sdl_alen, 6);
	KT_ASSERT_MEM_EQ(LLADDR(sdl), pt_mac_host, 6);
	KT_ASSERT(ifaddr_ifnet(list[1]) == ifp);
	KT_ASSERT_EQ(ifaddr_netmask(list[1], (struct sockaddr *)&mask, sizeof(mask)), 0);
	KT_ASSERT_EQ(((u_int8_t *)&mask.sin_addr)[2], 0xff);
	KT_ASSERT_EQ(((u_int8_t *)&mask.sin_addr)[3], 0);
	/* A short buffer: truncated copy and EMSGSIZE. */
	memset(&sin6, 0, sizeof(sin6));
	KT_ASSERT_EQ(ifaddr_address(list[2], (struct sockaddr *)&sin6, 8), EMSGSIZE);
	KT_ASSERT_EQ(sin6.sin6_len, sizeof(struct sockaddr_in6));
	KT_ASSERT_EQ(sin6.sin6_addr.s6_addr[0], 0);
	KT_ASSERT_EQ(ifaddr_address(list[2], (struct sockaddr *)&sin6, sizeof(sin6)), 0);
	KT_ASSERT_MEM_EQ(sin6.sin6_addr.s6_addr, pt_ip6_host, 16);
	ifnet_free_address_list(list);

	/* All interfaces, one family. */
	KT_ASSERT_EQ(ifnet_get_address_list_family(NULL, &list, AF_INET), 0);
	KT_ASSERT(list[0] != NULL && list[1] != NULL && list[2] == NULL);
	ifnet_free_address_list(list);

	/* ifaddr_withaddr finds ours and holds a reference. */
	memset(&sin, 0, sizeof(sin));
	sin.sin_len = sizeof(sin);
	sin.sin_family = AF_INET;
	memcpy(&sin.sin_addr, pt_ip_host, 4);
	{
		ifaddr_t ifa = ifaddr_withaddr((struct sockaddr *)&sin);

		KT_ASSERT(ifa != NULL);
		KT_ASSERT(ifaddr_ifnet(ifa) == ifp);
		KT_ASSERT_EQ(ifaddr_release(ifa), 0);
	}

	/* NKS_ifnet_addaddr. */
	memset(&a, 0, sizeof(a));
	a.ia_family = NKS_FAMILY_INET;
	a.ia_prefixlen = 16;
	a.ia_addr[0] = 192;
	a.ia_addr[1] = 168;
	KT_ASSERT_EQ(NKS_ifnet_addaddr(idx, &a), 0);
	KT_ASSERT_EQ(NKS_ifnet_addaddr(77, &a), ENXIO);
	KT_ASSERT_EQ(NKS_ifnet_addaddr(idx, NULL), EINVAL);
	a.ia_prefixlen = 40;
	KT_ASSERT_EQ(NKS_ifnet_addaddr(idx, &a), EINVAL);
	KT_ASSERT_EQ(ifnet_get_address_list_family(ifp, &list, AF_INET), 0);
	KT_ASSERT(list[1] != NULL && list[2] == NULL);
	ifnet_free_address_list(list);
	KT_ASSERT_EQ(ifnet_get_address_list_family(ifp, &list, AF_APPLETALK), ENXIO);
	KT_ASSERT_NULL(list);
	nke__net_drain();
}

static void
test_stats(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	ifnet_t ifp = nke__ifnet_byindex(idx);
	struct ifnet_stat_increment_param inc;
	struct ifnet_stats_param st;
	struct pt_pkt p;

	memset(&inc, 0, sizeof(inc));
	inc.packets_in = 2;
	inc.bytes_in = 100;
	inc.dropped = 1;
	KT_ASSERT_EQ(ifnet_stat_increment(ifp, &inc), 0);
	KT_ASSERT_EQ(ifnet_stat_increment_out(ifp, 3, 30, 1), 0);
	KT_ASSERT_EQ(ifnet_stat(ifp, &st), 0);
	KT_ASSERT_EQ(st.packets_in, 2);
	KT_ASSERT_EQ(st.bytes_in, 100);
	KT_ASSERT_EQ(st.packets_out, 3);
	KT_ASSERT_EQ(st.errors_out, 1);
	KT_ASSERT_EQ(st.dropped, 1);
	/* Frames count too. */
	pt_eth(&p, 1, 0x0800, 0, NULL);
	pt_ip4(&p, pt_ip_peer, pt_ip_host, 17, 1, 0, 0, "x", 1);
	pt_feed(idx, NKS_DIR_IN, &p);
	KT_ASSERT_EQ(ifnet_stat(ifp, &st), 0);
	KT_ASSERT_EQ(st.packets_in, 3);
	KT_ASSERT_EQ(st.bytes_in, 100 + p.len);
}

static void
test_release_unbalanced(void)
{
	ifnet_t lo = nke__lo_ifp;

	KT_ASSERT_EQ(ifnet_release(lo), 0);
	KT_ASSERT_EQ(NKT_reports("ifnet-release-unbalanced"), 1);
}

/* --- ifnet_ioctl -------------------------------------------------------------- */

static int ioctl_results[3];
static int ioctl_calls[3];

static errno_t
ioctl_cb(void *cookie, ifnet_t ifp, protocol_family_t pf, unsigned long cmd, void *arg)
{
	int i = (int)(uintptr_t)cookie;

	(void)ifp;
	(void)pf;
	(void)cmd;
	(void)arg;
	ioctl_calls[i]++;
	return ioctl_results[i];
}

static void
ioctl_setup(ifnet_t ifp, interface_filter_t refs[3], protocol_family_t pf2)
{
	struct iff_filter f;
	int i;

	for (i = 0; i < 3; i++) {
		memset(&f, 0, sizeof(f));
		f.iff_cookie = (void *)(uintptr_t)i;
		f.iff_name = "ioctl";
		f.iff_protocol = i == 2 ? pf2 : 0;
		f.iff_ioctl = ioctl_cb;
		KT_ASSERT_EQ(iflt_attach(ifp, &f, &refs[i]), 0);
	}
}

static void
test_ioctl_rules(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	ifnet_t ifp = nke__ifnet_byindex(idx);
	interface_filter_t refs[3];
	int i;

	ioctl_setup(ifp, refs, PF_INET6);
	/* Nobody handles it: the driver does not either. */
	ioctl_results[0] = EOPNOTSUPP;
	ioctl_results[1] = ENOTSUP;
	ioctl_results[2] = EOPNOTSUPP;
	KT_ASSERT_EQ(ifnet_ioctl(ifp, PF_INET, SIOCGIFMETRIC, NULL), EOPNOTSUPP);
	/* The PF_INET6 filter was not asked about a PF_INET ioctl. */
	KT_ASSERT_EQ(ioctl_calls[0], 1);
	KT_ASSERT_EQ(ioctl_calls[1], 1);
	KT_ASSERT_EQ(ioctl_calls[2], 0);
	/* 0: handled, later filters still run, their errors ignored. */
	ioctl_results[0] = 0;
	ioctl_results[1] = EPERM;
	KT_ASSERT_EQ(ifnet_ioctl(ifp, PF_INET6, SIOCGIFMETRIC, NULL), 0);
	KT_ASSERT_EQ(ioctl_calls[1], 2);
	KT_ASSERT_EQ(ioctl_calls[2], 1);
	/* An error before anyone handled it stops and is returned. */
	ioctl_results[0] = EOPNOTSUPP;
	ioctl_results[1] = EPERM;
	KT_ASSERT_EQ(ifnet_ioctl(ifp, PF_INET6, SIOCGIFMETRIC, NULL), EPERM);
	KT_ASSERT_EQ(ioctl_calls[2], 1);
	/* EJUSTRETURN stops and reads as 0. */
	ioctl_results[1] = EJUSTRETURN;
	KT_ASSERT_EQ(ifnet_ioctl(ifp, PF_INET6, SIOCGIFMETRIC, NULL), 0);
	KT_ASSERT_EQ(ioctl_calls[2], 1);
	/* The simulated driver handles SIOCSIFFLAGS. */
	ioctl_results[0] = ioctl_results[1] = ioctl_results[2] = EOPNOTSUPP;
	KT_ASSERT_EQ(ifnet_ioctl(ifp, 0, SIOCSIFFLAGS, NULL), 0);
	KT_ASSERT_EQ(ifnet_ioctl(NULL, 0, SIOCSIFFLAGS, NULL), EINVAL);
	KT_ASSERT_EQ(ifnet_ioctl(ifp, 0, 0, NULL), EINVAL);
	for (i = 0; i < 3; i++)
		iflt_detach(refs[i]);
	memset(ioctl_calls, 0, sizeof(ioctl_calls));
	nke__net_drain();
}

static void
test_ioctl_verdicts(void)
{
	u_int32_t idx = pt_attach_en("en0", 0, 0);
	ifnet_t ifp = nke__ifnet_byindex(idx);
	interface_filter_t refs[3];
	int i;

	pt_record(1, 1);
	ioctl_setup(ifp, refs, 0);
	ioctl_results[0] = ioctl_results[1] = ioctl_results[2] = EOPNOTSUPP;
	KT_ASSERT_EQ(ifnet_ioctl(ifp, PF_INET, SIOCGIFMETRIC, NULL), EOPNOTSUPP);
	KT_ASSERT_EQ(pt_count_verdicts(NKS_HOOK_IFF_IOCTL, "ioctl"), 3);
	KT_ASSERT_EQ(pt_verdicts[0].v.vd_result, EOPNOTSUPP);
	KT_ASSERT_STR_EQ(pt_verdicts[0].ifname, "en0");
	KT_ASSERT_STR_EQ(pt_verdicts[0].kext, "__kernel__");
	for (i = 0; i < 3; i++)
		iflt_detach(refs[i]);
	memset(ioctl_calls, 0, sizeof(ioctl_calls));
	nke__net_drain();
}

NKT_CASES(NKT_CASE(test_lo0_exists), NKT_CASE(test_attach_and_accessors),
          NKT_CASE(test_null_accessors), NKT_CASE(test_list_get), NKT_CASE(test_address_list),
          NKT_CASE(test_stats), NKT_CASE(test_release_unbalanced), NKT_CASE(test_ioctl_rules),
          NKT_CASE(test_ioctl_verdicts));
