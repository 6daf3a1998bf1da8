/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * modifier.c - test kext (kernel world): an IPv4 ipf_input filter that
 * rewrites one byte of every inbound UDP packet from port 53 (the high byte
 * of the DNS transaction id, XOR 0x5a), recomputes the UDP checksum with
 * mbuf_inet_cksum and tells the stack with mbuf_inbound_modified, as
 * kpi-reference section 2.8 requires.
 */
#include <mach/mach_types.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kpi_mbuf.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <netinet/kpi_ipfilter.h>

kern_return_t modifier_start(kmod_info_t *ki, void *d);
kern_return_t modifier_stop(kmod_info_t *ki, void *d);

static ipfilter_t ref4;
static int on4, gone4;
static unsigned long modified;

static errno_t
mo_input(void *cookie, mbuf_t *data, int offset, u_int8_t protocol)
{
	struct udphdr uh;
	u_int8_t b;
	u_int16_t sum, zero = 0;
	size_t plen = mbuf_pkthdr_len(*data);
	u_int32_t ulen;

	if (protocol != IPPROTO_UDP)
		return 0;
	if (mbuf_copydata(*data, (size_t)offset, sizeof(uh), &uh) != 0)
		return 0;
	ulen = ntohs(uh.uh_ulen);
	if (ntohs(uh.uh_sport) != 53 || ulen <= sizeof(uh) || offset + ulen > plen)
		return 0;
	if (mbuf_copydata(*data, (size_t)offset + sizeof(uh), 1, &b) != 0)
		return 0;
	b ^= 0x5a;
	if (mbuf_copyback(*data, (size_t)offset + sizeof(uh), 1, &b, MBUF_DONTWAIT) != 0)
		return 0;
	/* The checksum is computed with the field zeroed. */
	if (mbuf_copyback(*data, (size_t)offset + 6, 2, &zero, MBUF_DONTWAIT) != 0)
		return 0;
	if (mbuf_inet_cksum(*data, IPPROTO_UDP, (u_int32_t)offset, ulen, &sum) != 0)
		return 0;
	if (sum == 0)
		sum = 0xffff;
	mbuf_copyback(*data, (size_t)offset + 6, 2, &sum, MBUF_DONTWAIT);
	mbuf_inbound_modified(*data);
	modified++;
	return 0;
}

static void
mo_detach(void *cookie)
{
	*(int *)cookie = 1;
}

static struct ipf_filter f4 = {&gone4, "modifier.v4", mo_input, NULL, mo_detach};

kern_return_t
modifier_start(kmod_info_t *ki, void *d)
{
	if (ipf_addv4(&f4, &ref4) != 0)
		return KERN_FAILURE;
	on4 = 1;
	return KERN_SUCCESS;
}

kern_return_t
modifier_stop(kmod_info_t *ki, void *d)
{
	if (on4) {
		ipf_remove(ref4);
		on4 = 0;
	}
	if (!gone4)
		return EBUSY;
	printf("modifier: modified %lu packets\n", modified);
	return KERN_SUCCESS;
}
