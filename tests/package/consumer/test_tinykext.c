/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_tinykext.c - unit test of the package test's tiny kext (kernel
 * world), with the installed test-support library.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <mach/kmod.h>
#include <nkt_kext.h>

extern kmod_info_t kmod_info;

static void
test_drops_mdns(void)
{
	u_int64_t mdns, dns;
	u_int32_t id;

	nkt_host_up();
	id = nkt_kext_start(&kmod_info);
	mdns = nkt_sendf("eth ipv4 10.0.0.2:5353 > 10.0.0.1:5353 udp payload=hello");
	dns = nkt_sendf("eth ipv4 10.0.0.2:53 > 10.0.0.1:40000 udp payload=hello");
	KT_ASSERT_VERDICT(mdns, NKS_HOOK_IPF_INPUT, "tinykext", EPERM);
	KT_ASSERT_NOT_EMITTED(mdns, NKS_DIR_IN);
	KT_ASSERT_VERDICT(dns, NKS_HOOK_IPF_INPUT, "tinykext", 0);
	KT_ASSERT_EMITTED(dns, NKS_DIR_IN);
	nkt_kext_stop(id);
	KT_ASSERT(strstr(NKT_console(), "tinykext: saw 2, dropped 1\n") != NULL);
}

NKT_CASES(NKT_CASE(test_drops_mdns));
