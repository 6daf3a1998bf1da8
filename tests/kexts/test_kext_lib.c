/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_kext_lib.c - a unit test of a kext through its static library
 * (kernel world): links dropper_lib, the <name>_lib nke_add_kext() makes,
 * with the static shim; starts the kext from its generated kmod_info, feeds
 * it one TCP SYN to port 80 and one to port 22, and checks what it counted.
 * This is what a kext author's CMocka test of their own kext looks like.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <mach/kmod.h>
#include <nke_kern.h>
#include "nkt.h"

/* The kmod_info nke_add_kext() generated for the dropper. */
extern kmod_info_t kmod_info;

static const u_int8_t mac_host[6] = {0x02, 0, 0, 0, 0, 0x02};
static const u_int8_t mac_peer[6] = {0x02, 0, 0, 0, 0, 0x01};

static u_int16_t
cksum(const u_int8_t *p, size_t n, u_int32_t sum)
{
	for (; n > 1; p += 2, n -= 2)
		sum += (u_int32_t)(p[0] << 8 | p[1]);
	if (n != 0)
		sum += (u_int32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u_int16_t)~sum;
}

/* Ethernet + IPv4 10.0.0.1 -> 10.0.0.2 + TCP SYN to dport; 54 bytes. */
static void
build_syn(u_int8_t *f, u_int16_t dport)
{
	u_int8_t *ip = f + 14, *tcp = ip + 20;
	u_int32_t ph = 0;
	u_int16_t s;

	memset(f, 0, 54);
	memcpy(f, mac_host, 6);
	memcpy(f + 6, mac_peer, 6);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[3] = 40;
	ip[8] = 64;
	ip[9] = 6;
	ip[12] = 10, ip[15] = 1;
	ip[16] = 10, ip[19] = 2;
	s = cksum(ip, 20, 0);
	ip[10] = (u_int8_t)(s >> 8), ip[11] = (u_int8_t)s;
	tcp[0] = 0x9c, tcp[1] = 0x40; /* 40000 */
	tcp[2] = (u_int8_t)(dport >> 8), tcp[3] = (u_int8_t)dport;
	tcp[12] = 0x50;
	tcp[13] = 0x02;
	tcp[14] = 0xff, tcp[15] = 0xff;
	/* Pseudo-header: addresses, protocol, TCP length. */
	ph = (10u << 8) + 1 + (10u << 8) + 2 + 6 + 20;
	s = cksum(tcp, 20, ph);
	tcp[16] = (u_int8_t)(s >> 8), tcp[17] = (u_int8_t)s;
}

static void
feed(u_int32_t ifindex, u_int64_t index, u_int16_t dport)
{
	u_int8_t f[54];
	struct nks_frame fr;

	build_syn(f, dport);
	memset(&fr, 0, sizeof(fr));
	fr.fr_index = index;
	fr.fr_time_ns = 1700000000000000000LL + (nks_i64)index * 1000;
	fr.fr_ifindex = ifindex;
	fr.fr_dir = NKS_DIR_IN;
	fr.fr_caplen = fr.fr_wirelen = sizeof(f);
	fr.fr_data = f;
	fr.fr_pid = -1;
	NKS_frame(&fr);
}

static void
test_dropper_lib(void)
{
	struct nks_ifaddr a = {NKS_FAMILY_INET, 24, {10, 0, 0, 2}};
	struct nks_ifspec spec;
	nks_u32 ifindex = 0, id = 0;
	nks_i32 res = -1;

	KT_ASSERT_STR_EQ(kmod_info.name, "com.nkesim.test.dropper");
	KT_ASSERT_STR_EQ(kmod_info.version, "1.0.0d1");
	memset(&spec, 0, sizeof(spec));
	spec.is_name = "en0";
	spec.is_type = NKS_IFT_ETHER;
	memcpy(spec.is_lladdr, mac_host, 6);
	spec.is_naddrs = 1;
	spec.is_addrs = &a;
	KT_ASSERT_EQ(NKS_ifnet_attach(&spec, &ifindex), 0);

	KT_ASSERT_EQ(NKS_kext_start(&kmod_info, &id, &res), 0);
	KT_ASSERT_EQ(id, 1);
	KT_ASSERT_EQ(kmod_info.id, 1);
	KT_ASSERT(strstr(NKT_console(), "dropper: dropping inbound TCP to port 80\n") != NULL);
	feed(ifindex, 1, 80);
	feed(ifindex, 2, 22);
	feed(ifindex, 3, 80);
	KT_ASSERT_EQ(NKS_kext_stop(id, &res), 0);
	KT_ASSERT(strstr(NKT_console(), "dropper: dropped 2 packets\n") != NULL);
}

NKT_CASES(NKT_CASE(test_dropper_lib));
