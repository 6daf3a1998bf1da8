/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * injector.c - test kext (kernel world): an interface filter on every
 * Ethernet interface that injects copies of packets.  Inbound, every IPv4
 * UDP packet from port 53 is duplicated and the copy handed to ifnet_input
 * (with its link header, as a driver would); outbound, every IPv4 TCP SYN
 * frame is duplicated and the copy sent with ifnet_output_raw.  Interface
 * filters have no skip rule: the copies come back through this filter, and
 * an mbuf tag makes it let them pass (kpi-reference 2.2.5).
 */
#include <mach/mach_types.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/socket.h>
#include <sys/kpi_mbuf.h>
#include <net/ethernet.h>
#include <net/kpi_interface.h>
#include <net/kpi_interfacefilter.h>
#include <netinet/in.h>

#define MAX_IFS  16
#define TAG_TYPE 7

kern_return_t injector_start(kmod_info_t *ki, void *d);
kern_return_t injector_stop(kmod_info_t *ki, void *d);

static interface_filter_t refs[MAX_IFS];
static unsigned n_refs, n_detached;
static mbuf_tag_id_t tag_id;
static int stopping;
static unsigned long inj_in, inj_out, failed;

static int
tagged(mbuf_t m)
{
	size_t len;
	void *p;

	return mbuf_tag_find(m, tag_id, TAG_TYPE, &len, &p) == 0;
}

static int
tag(mbuf_t m)
{
	void *p;

	return mbuf_tag_allocate(m, tag_id, TAG_TYPE, 4, MBUF_DONTWAIT, &p);
}

static errno_t
in_input(void *cookie, ifnet_t ifp, protocol_family_t proto, mbuf_t *data, char **frame_ptr)
{
	u_int8_t ip[20];
	u_int16_t sport;
	mbuf_t copy;
	size_t ihl;

	if (proto != PF_INET || tagged(*data))
		return 0;
	if (mbuf_copydata(*data, 0, sizeof(ip), ip) != 0 || ip[9] != IPPROTO_UDP)
		return 0;
	ihl = (size_t)(ip[0] & 0x0f) << 2;
	if (mbuf_copydata(*data, ihl, 2, &sport) != 0 || ntohs(sport) != 53)
		return 0;
	if (mbuf_dup(*data, MBUF_DONTWAIT, &copy) != 0)
		return 0;
	/* Give the copy its own link header, then point past it. */
	if (mbuf_prepend(&copy, ETHER_HDR_LEN, MBUF_DONTWAIT) != 0) {
		failed++;
		return 0;
	}
	if (mbuf_copyback(copy, 0, ETHER_HDR_LEN, *frame_ptr, MBUF_DONTWAIT) != 0 ||
	    tag(copy) != 0) {
		mbuf_freem(copy);
		failed++;
		return 0;
	}
	mbuf_pkthdr_setheader(copy, mbuf_data(copy));
	mbuf_adj(copy, ETHER_HDR_LEN);
	mbuf_pkthdr_setrcvif(copy, ifp);
	/* ifnet_input always consumes the packet. */
	if (ifnet_input(ifp, copy, NULL) == 0)
		inj_in++;
	else
		failed++;
	return 0;
}

static errno_t
in_output(void *cookie, ifnet_t ifp, protocol_family_t proto, mbuf_t *data)
{
	u_int8_t eh[ETHER_HDR_LEN], ip[20], flags;
	mbuf_t copy;
	size_t ihl;

	if (tagged(*data))
		return 0;
	if (mbuf_copydata(*data, 0, sizeof(eh), eh) != 0 || eh[12] != 0x08 || eh[13] != 0x00)
		return 0;
	if (mbuf_copydata(*data, ETHER_HDR_LEN, sizeof(ip), ip) != 0 || ip[9] != IPPROTO_TCP)
		return 0;
	ihl = (size_t)(ip[0] & 0x0f) << 2;
	if (mbuf_copydata(*data, ETHER_HDR_LEN + ihl + 13, 1, &flags) != 0)
		return 0;
	if ((flags & 0x12) != 0x02) /* SYN without ACK */
		return 0;
	if (mbuf_dup(*data, MBUF_DONTWAIT, &copy) != 0)
		return 0;
	if (tag(copy) != 0) {
		mbuf_freem(copy);
		failed++;
		return 0;
	}
	/* Runs every interface filter again, this one included, then the driver. */
	if (ifnet_output_raw(ifp, proto, copy) == 0)
		inj_out++;
	else
		failed++;
	return 0;
}

static void
in_detached(void *cookie, ifnet_t ifp)
{
	n_detached++;
}

static struct iff_filter flt = {
    NULL, "injector.iff", 0, in_input, in_output, NULL, NULL, in_detached,
};

kern_return_t
injector_start(kmod_info_t *ki, void *d)
{
	ifnet_t *list;
	u_int32_t count, i;

	if (mbuf_tag_id_find("com.nkesim.test.injector", &tag_id) != 0)
		return KERN_FAILURE;
	if (ifnet_list_get(IFNET_FAMILY_ETHERNET, &list, &count) != 0)
		return KERN_SUCCESS; /* no Ethernet interface: nothing to do */
	for (i = 0; i < count && n_refs < MAX_IFS; i++)
		if (iflt_attach(list[i], &flt, &refs[n_refs]) == 0)
			n_refs++;
	ifnet_list_free(list);
	return KERN_SUCCESS;
}

kern_return_t
injector_stop(kmod_info_t *ki, void *d)
{
	unsigned i;

	if (!stopping) {
		stopping = 1;
		for (i = 0; i < n_refs; i++)
			iflt_detach(refs[i]);
	}
	if (n_detached < n_refs)
		return EBUSY;
	printf("injector: injected %lu in, %lu out, %lu failed\n", inj_in, inj_out, failed);
	return KERN_SUCCESS;
}
