/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * framelog.c - example kext (kernel world): an interface filter that logs
 * the Ethernet frames of every Ethernet interface, written as a model of a
 * correct interface filter NKE.
 *
 * It counts frames and bytes per interface, direction and protocol (IPv4,
 * IPv6, ARP, other) and prints the counters when it stops; built with
 * FRAMELOG_VERBOSE it also prints one line per frame.  Built with
 * FRAMELOG_REINJECT it swallows every frame (returns EJUSTRETURN) and
 * re-injects it at once: inbound with ifnet_input, outbound with
 * ifnet_output_raw.
 *
 * Configuration (nke_add_kext DEFINES): FRAMELOG_VERBOSE, FRAMELOG_REINJECT.
 *
 * What it shows:
 *   - attaching to the interfaces present at start (ifnet_list_get, one
 *     iflt_attach each, with a per-interface cookie; ifnet_list_free drops
 *     the references the list held);
 *   - what each callback gets: iff_input the data after the link header and
 *     *frame_ptr at the header; iff_output the whole frame; `protocol` is
 *     the family the frame is for (ARP frames come as PF_INET);
 *   - re-injection: interface filters have no skip rule, so a re-injected
 *     frame comes through every filter again, this one included: an mbuf
 *     tag marks it, and the second time it passes.  ifnet_input needs the
 *     frame header in the packet header (mbuf_pkthdr_setheader) and rcvif;
 *     both calls consume the packet whatever they return;
 *   - detaching: iflt_detach at stop, and the stop routine refuses (EBUSY)
 *     until every iff_detached ran (an interface may also go away by itself).
 */
#include <mach/mach_types.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/socket.h>
#include <sys/kpi_mbuf.h>
#include <libkern/OSAtomic.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <net/kpi_interface.h>
#include <net/kpi_interfacefilter.h>

kern_return_t framelog_start(kmod_info_t *ki, void *d);
kern_return_t framelog_stop(kmod_info_t *ki, void *d);

#define MAX_IFS  8
#define TAG_TYPE 1 /* our only tag type, in our own tag id namespace */

enum { P_IPV4, P_IPV6, P_ARP, P_OTHER, P_COUNT };
static const char *const proto_names[P_COUNT] = {"IPv4", "IPv6", "ARP", "other"};

struct fl_counts {
	volatile SInt32 frames[P_COUNT];
	volatile SInt64 bytes;
};

/* One per interface we attached to; the cookie of its filter. */
struct fl_if {
	interface_filter_t ref;
	char name[16];
	volatile SInt32 attached; /* cleared by iff_detached */
	struct fl_counts in, out;
	volatile SInt32 reinjected_in, reinjected_out, failed;
};

static struct fl_if ifs[MAX_IFS];
static unsigned nifs;
static mbuf_tag_id_t tag_id;

static int
classify(u_int16_t type)
{
	switch (type) {
	case ETHERTYPE_IP:
		return P_IPV4;
	case ETHERTYPE_IPV6:
		return P_IPV6;
	case ETHERTYPE_ARP:
		return P_ARP;
	default:
		return P_OTHER;
	}
}

static void
count(struct fl_if *fi, struct fl_counts *c, const char *dir, u_int16_t type, size_t len)
{
	int p = classify(type);

	OSIncrementAtomic(&c->frames[p]);
	OSAddAtomic64((SInt64)len, &c->bytes);
#ifdef FRAMELOG_VERBOSE
	printf("framelog: %s %s %s type 0x%04x len %lu\n", fi->name, dir, proto_names[p], type,
	    (unsigned long)len);
#else
	(void)fi;
	(void)dir;
#endif
}

#ifdef FRAMELOG_REINJECT
static int
is_reinjected(mbuf_t m)
{
	size_t len;
	void *p;

	return mbuf_tag_find(m, tag_id, TAG_TYPE, &len, &p) == 0;
}

/* Mark m as ours; 0 or an errno (then leave the frame alone). */
static errno_t
mark(mbuf_t m)
{
	void *p;

	/* MBUF_DONTWAIT: a filter callback must not block. */
	return mbuf_tag_allocate(m, tag_id, TAG_TYPE, sizeof(u_int32_t), MBUF_DONTWAIT, &p);
}
#endif

static errno_t
fl_input(void *cookie, ifnet_t ifp, protocol_family_t protocol, mbuf_t *data, char **frame_ptr)
{
	struct fl_if *fi = cookie;
	const struct ether_header *eh = (const struct ether_header *)(void *)*frame_ptr;

#ifdef FRAMELOG_REINJECT
	/* Our own re-injection coming back: counted the first time already. */
	if (is_reinjected(*data))
		return 0;
#endif
	/* The header is contiguous at *frame_ptr; the data starts after it. */
	count(fi, &fi->in, "in", ntohs(eh->ether_type), ETHER_HDR_LEN + mbuf_pkthdr_len(*data));
#ifdef FRAMELOG_REINJECT
	if (mark(*data) != 0) {
		OSIncrementAtomic(&fi->failed);
		return 0;
	}
	/* What a driver hands ifnet_input: header pointer, data past it, rcvif. */
	mbuf_pkthdr_setheader(*data, *frame_ptr);
	mbuf_pkthdr_setrcvif(*data, ifp);
	if (ifnet_input(ifp, *data, NULL) == 0)
		OSIncrementAtomic(&fi->reinjected_in);
	else
		OSIncrementAtomic(&fi->failed); /* consumed anyway */
	return EJUSTRETURN;
#else
	(void)ifp;
	(void)protocol;
	return 0;
#endif
}

static errno_t
fl_output(void *cookie, ifnet_t ifp, protocol_family_t protocol, mbuf_t *data)
{
	struct fl_if *fi = cookie;
	u_int16_t type;

#ifdef FRAMELOG_REINJECT
	if (is_reinjected(*data))
		return 0;
#endif
	/* Here the frame starts with its link header, maybe not contiguous. */
	if (mbuf_copydata(*data, 12, sizeof(type), &type) != 0)
		return 0;
	count(fi, &fi->out, "out", ntohs(type), mbuf_pkthdr_len(*data));
#ifdef FRAMELOG_REINJECT
	if (mark(*data) != 0) {
		OSIncrementAtomic(&fi->failed);
		return 0;
	}
	/* Through every interface filter again (this one passes it), then the driver. */
	if (ifnet_output_raw(ifp, protocol, *data) == 0)
		OSIncrementAtomic(&fi->reinjected_out);
	else
		OSIncrementAtomic(&fi->failed); /* consumed anyway */
	return EJUSTRETURN;
#else
	(void)ifp;
	(void)protocol;
	return 0;
#endif
}

static void
fl_detached(void *cookie, ifnet_t ifp)
{
	struct fl_if *fi = cookie;

	OSDecrementAtomic(&fi->attached);
}

static void
print_counts(const struct fl_if *fi, const char *dir, const struct fl_counts *c)
{
	int p;

	printf("framelog: %s %s:", fi->name, dir);
	for (p = 0; p < P_COUNT; p++)
		printf(" %s %d%s", proto_names[p], (int)c->frames[p], p + 1 < P_COUNT ? "," : "");
	printf(" frames; %lld bytes\n", (long long)c->bytes);
}

kern_return_t
framelog_start(kmod_info_t *ki, void *d)
{
	ifnet_t *list;
	u_int32_t count_ifs, i;
	errno_t err;

	if ((err = mbuf_tag_id_find("com.nkesim.example.framelog", &tag_id)) != 0) {
		printf("framelog: mbuf_tag_id_find: %d\n", err);
		return KERN_FAILURE;
	}
	if ((err = ifnet_list_get(IFNET_FAMILY_ETHERNET, &list, &count_ifs)) != 0) {
		printf("framelog: ifnet_list_get: %d\n", err);
		return KERN_FAILURE;
	}
	nifs = 0;
	for (i = 0; i < count_ifs && nifs < MAX_IFS; i++) {
		struct fl_if *fi = &ifs[nifs];
		/* iflt_attach copies the struct: one on the stack will do. */
		struct iff_filter f = {fi, "framelog", 0, fl_input, fl_output, NULL, NULL,
		    fl_detached};

		bzero(fi, sizeof(*fi));
		snprintf(fi->name, sizeof(fi->name), "%s%u", ifnet_name(list[i]), ifnet_unit(list[i]));
		fi->attached = 1;
		if ((err = iflt_attach(list[i], &f, &fi->ref)) != 0) {
			printf("framelog: iflt_attach %s: %d\n", fi->name, err);
			fi->attached = 0;
			continue;
		}
		nifs++;
	}
	ifnet_list_free(list);
	printf("framelog: attached to %u interface%s%s\n", nifs, nifs == 1 ? "" : "s",
#ifdef FRAMELOG_REINJECT
	    ", re-injecting every frame"
#else
	    ""
#endif
	);
	return KERN_SUCCESS;
}

kern_return_t
framelog_stop(kmod_info_t *ki, void *d)
{
	unsigned i;

	for (i = 0; i < nifs; i++) {
		if (ifs[i].ref != NULL) {
			/* Synchronous: iff_detached has run when it returns. */
			iflt_detach(ifs[i].ref);
			ifs[i].ref = NULL;
		}
	}
	for (i = 0; i < nifs; i++)
		if (ifs[i].attached != 0)
			return EBUSY;
	for (i = 0; i < nifs; i++) {
		print_counts(&ifs[i], "in", &ifs[i].in);
		print_counts(&ifs[i], "out", &ifs[i].out);
#ifdef FRAMELOG_REINJECT
		printf("framelog: %s re-injected %d in, %d out, %d failed\n", ifs[i].name,
		    (int)ifs[i].reinjected_in, (int)ifs[i].reinjected_out, (int)ifs[i].failed);
#endif
	}
	return KERN_SUCCESS;
}
