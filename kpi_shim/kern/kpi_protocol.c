/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kpi_protocol.c - the protocol KPI (kernel world): proto_input runs IPv4 or
 * IPv6 input now, in the caller's thread; proto_inject queues the packets
 * for the input thread (the simulator's input queue, drained after the
 * current frame's work or by the input thread callout).  Both take packets
 * with the data at the network header and rcvif set, linked by nextpkt.
 * The plumber registry is kept but never used: the simulated host's
 * interfaces carry IPv4 and IPv6 from the start.
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <net/kpi_protocol.h>

#include "net_internal.h"

NKE_KPI errno_t
proto_input(protocol_family_t protocol, mbuf_t packet)
{
	struct __mbuf *m, *next;

	if (protocol != NKE_AF_INET && protocol != NKE_AF_INET6)
		return -1; /* XNU: no input handler for that protocol */
	for (m = packet; m != NULL; m = next) {
		struct nke_pktinfo pi;

		next = m->m_nextpkt;
		m->m_nextpkt = NULL;
		if (m->m_pkthdr.rcvif == NULL) {
			nke__report(
			    "proto-input-no-rcvif",
			    "proto_input got a packet without a receive interface; XNU's IP "
			    "input asserts on it");
			nke__m_freem(m);
			continue;
		}
		nke__pi_from_mbuf(&pi, m, m->m_pkthdr.rcvif);
		pi.pi_flags |= NKE_PI_INJECTED;
		nke__netstats.ns_injected++;
		if (protocol == NKE_AF_INET)
			nke__ip_input(m, &pi);
		else
			nke__ip6_input(m, &pi);
	}
	return 0;
}

NKE_KPI errno_t
proto_inject(protocol_family_t protocol, mbuf_t packet)
{
	struct __mbuf *m, *next;

	if (protocol != NKE_AF_INET && protocol != NKE_AF_INET6)
		return ENOENT; /* the caller keeps the packets */
	if (packet == NULL)
		return EINVAL;
	for (m = packet; m != NULL; m = next) {
		struct nke_pktctx *pc = NKE_PC(m);

		next = m->m_nextpkt;
		m->m_nextpkt = NULL;
		pc->pc_flags |= NKE_PC_INJECTED;
		pc->pc_flags &= (u_int16_t)~NKE_PC_LOOP;
		if (pc->pc_depth < 0xff)
			pc->pc_depth++;
		pc->pc_qkind = NKE_Q_PROTO;
		pc->pc_qarg = protocol;
		nke__netstats.ns_injected++;
		nke__inq_enqueue(m);
	}
	return 0;
}

#define PLUMBERS_MAX 16
static struct {
	protocol_family_t pl_proto;
	ifnet_family_t pl_iffam;
	int pl_used;
} plumbers[PLUMBERS_MAX];

void
nke__proto_init(void)
{
	memset(plumbers, 0, sizeof(plumbers));
}

NKE_KPI errno_t
proto_register_plumber(protocol_family_t proto_fam, ifnet_family_t if_fam,
                       proto_plumb_handler plumb, proto_unplumb_handler unplumb)
{
	unsigned i, freei = PLUMBERS_MAX;

	if (proto_fam == 0 || plumb == NULL || unplumb == NULL)
		return EINVAL;
	for (i = 0; i < PLUMBERS_MAX; i++) {
		if (plumbers[i].pl_used && plumbers[i].pl_proto == proto_fam &&
		    plumbers[i].pl_iffam == if_fam)
			return EEXIST;
		if (!plumbers[i].pl_used && freei == PLUMBERS_MAX)
			freei = i;
	}
	if (freei == PLUMBERS_MAX)
		return ENOMEM;
	plumbers[freei].pl_used = 1;
	plumbers[freei].pl_proto = proto_fam;
	plumbers[freei].pl_iffam = if_fam;
	return 0;
}

NKE_KPI void
proto_unregister_plumber(protocol_family_t proto_fam, ifnet_family_t if_fam)
{
	unsigned i;

	for (i = 0; i < PLUMBERS_MAX; i++)
		if (plumbers[i].pl_used && plumbers[i].pl_proto == proto_fam &&
		    plumbers[i].pl_iffam == if_fam)
			plumbers[i].pl_used = 0;
}
