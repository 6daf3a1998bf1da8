/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_event.c - kernel events (kernel world): kev_vendor_code_find,
 * kev_msg_post, ifnet_event, and the interface events the simulated host
 * posts itself (KEV_DL_IF_ATTACHED, KEV_DL_PROTO_ATTACHED, KEV_DL_LINK_ON)
 * with their delivery to the interface filters' iff_event.
 *
 * As in XNU (kern_event.c, dlil.c): iff_event sees the events posted *for
 * an interface* (dlil_post_msg, ifnet_event), every filter of that
 * interface with an iff_event, in attach order, whatever its iff_protocol,
 * which is what it is passed as `protocol`.  kev_msg_post only feeds the
 * PF_SYSTEM event sockets (a later part of nkesim; the hand-off is
 * nke__kev_socket_post) and never reaches iff_event.
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <net/if.h>
#include <net/if_var.h>

#include "net_internal.h"

/*
 * Where event-socket support hooks in.  NKE-DIVERGENCE: until PF_SYSTEM
 * event sockets exist, events posted with kev_msg_post (and the interface
 * events) are validated and then go nowhere.
 */
void nke__kev_socket_post(const struct kev_msg *ev) __attribute__((weak));
void
nke__kev_socket_post(const struct kev_msg *ev)
{
	(void)ev;
}

/* Events waiting for the input thread. */
#define KEV_PENDING_MAX 256
static struct {
	u_int32_t kp_ifindex;
	u_int32_t kp_subclass;
	u_int32_t kp_code;
	u_int32_t kp_arg; /* KEV_DL_PROTO_ATTACHED: the protocol family */
} kev_pending[KEV_PENDING_MAX];
unsigned nke__kev_npending; /* nke__net_drain looks at it every frame */

NKE_KPI errno_t
kev_vendor_code_find(const char *vendor_string, u_int32_t *vendor_code)
{
	if (vendor_string == NULL || vendor_code == NULL)
		return EINVAL;
	if (strlen(vendor_string) >= KEV_VENDOR_CODE_MAX_STR_LEN)
		return EINVAL;
	return nke__net_str_id_find_kind(vendor_string, vendor_code, NKE_NSI_VENDOR_CODE);
}

NKE_KPI errno_t
kev_msg_post(struct kev_msg *event_msg)
{
	u_int32_t first, last, total = KEV_MSG_HEADER_SIZE;
	int i;

	if (event_msg == NULL)
		return EINVAL;
	/* Third parties post only with vendor codes they obtained. */
	nke__net_str_id_first_last(&first, &last, NKE_NSI_VENDOR_CODE);
	if (event_msg->vendor_code < first || event_msg->vendor_code > last)
		return EINVAL;
	for (i = 0; i < N_KEV_VECTORS; i++) {
		if (event_msg->dv[i].data_length == 0)
			break;
		total += event_msg->dv[i].data_length;
	}
	/* The message must fit one mbuf without a cluster (XNU: MLEN). */
	if (total > NKE_MLEN)
		return EMSGSIZE;
	nke__kev_socket_post(event_msg);
	return 0;
}

void
nke__dlil_event(struct __ifnet *ifp, struct kev_msg *ev)
{
	struct __ifnet_filter *f;

	if (!TAILQ_EMPTY(&ifp->if_flt)) {
		nke__iflt_busy(ifp);
		TAILQ_FOREACH(f, &ifp->if_flt, filt_next)
		{
			struct nke_cb cb;

			if (f->filt_skip || f->filt_f.iff_event == NULL)
				continue;
			nke__cb_enter(&cb, f->filt_kext, f->filt_f.iff_name);
			f->filt_f.iff_event(f->filt_f.iff_cookie, ifp, f->filt_f.iff_protocol, ev);
			nke__cb_leave(&cb);
			if (nke__vd_on()) {
				char d[80];

				nke__snprintf(d, sizeof(d),
				              "vendor=%u class=%u subclass=%u code=%u",
				              ev->vendor_code, ev->kev_class, ev->kev_subclass,
				              ev->event_code);
				nke__verdict(NKS_HOOK_IFF_EVENT, 0, ifp, f->filt_kext,
				             f->filt_f.iff_name, 0, NULL, NULL, 0, d);
			}
		}
		nke__iflt_unbusy(ifp);
	}
	nke__kev_socket_post(ev);
}

static void
post_msg(struct __ifnet *ifp, u_int32_t subclass, u_int32_t code, u_int32_t arg)
{
	struct kev_dl_proto_data data;
	struct kev_msg ev;

	/* A network event starts with a net_event_data naming the interface. */
	memset(&data, 0, sizeof(data));
	memset(&ev, 0, sizeof(ev));
	strlcpy(data.link_data.if_name, ifp->if_name, sizeof(data.link_data.if_name));
	data.link_data.if_family = ifp->if_family;
	data.link_data.if_unit = ifp->if_unit;
	ev.vendor_code = KEV_VENDOR_APPLE;
	ev.kev_class = KEV_NETWORK_CLASS;
	ev.kev_subclass = subclass;
	ev.event_code = code;
	ev.dv[0].data_ptr = &data;
	if (subclass == KEV_DL_SUBCLASS && code == KEV_DL_PROTO_ATTACHED) {
		data.proto_family = arg;
		data.proto_remaining_count = arg == NKE_AF_INET ? 1 : 2;
		ev.dv[0].data_length = sizeof(data);
	} else {
		ev.dv[0].data_length = sizeof(data.link_data);
	}
	nke__dlil_event(ifp, &ev);
}

void
nke__dlil_post_msg(struct __ifnet *ifp, u_int32_t subclass, u_int32_t code)
{
	post_msg(ifp, subclass, code, 0);
}

void
nke__dlil_post_later(struct __ifnet *ifp, u_int32_t subclass, u_int32_t code, u_int32_t arg)
{
	if (nke__kev_npending == KEV_PENDING_MAX) {
		nke__warn("event-queue-full", "interface event %u for %s dropped", code,
		          ifp->if_xname);
		return;
	}
	kev_pending[nke__kev_npending].kp_ifindex = ifp->if_index;
	kev_pending[nke__kev_npending].kp_subclass = subclass;
	kev_pending[nke__kev_npending].kp_code = code;
	kev_pending[nke__kev_npending].kp_arg = arg;
	nke__kev_npending++;
	nke__inq_wakeup();
}

void
nke__kev_drain(void)
{
	unsigned i = 0;

	/* In order; events posted meanwhile join the end. */
	while (i < nke__kev_npending) {
		struct __ifnet *ifp = nke__ifnet_byindex(kev_pending[i].kp_ifindex);
		u_int32_t sub = kev_pending[i].kp_subclass, code = kev_pending[i].kp_code;
		u_int32_t arg = kev_pending[i].kp_arg;

		i++;
		if (ifp != NULL)
			post_msg(ifp, sub, code, arg);
	}
	nke__kev_npending = 0;
}

NKE_KPI errno_t
ifnet_event(ifnet_t interface, struct kern_event_msg *event_ptr)
{
	struct kev_msg ev;

	if (interface == NULL || event_ptr == NULL)
		return EINVAL;
	if (nke__ifnet_valid(interface) == NULL)
		return EINVAL;
	memset(&ev, 0, sizeof(ev));
	ev.vendor_code = event_ptr->vendor_code;
	ev.kev_class = event_ptr->kev_class;
	ev.kev_subclass = event_ptr->kev_subclass;
	ev.event_code = event_ptr->event_code;
	if (event_ptr->total_size > KEV_MSG_HEADER_SIZE) {
		ev.dv[0].data_ptr = &event_ptr->event_data[0];
		ev.dv[0].data_length = event_ptr->total_size - (u_int32_t)KEV_MSG_HEADER_SIZE;
	}
	nke__dlil_event(interface, &ev);
	return 0;
}

void
nke__kev_init(void)
{
	nke__kev_npending = 0;
}

void
nke__kev_fini(void)
{
	nke__kev_npending = 0;
}
