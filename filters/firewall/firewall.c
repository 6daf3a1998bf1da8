/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * firewall.c - example kext (kernel world): a small IP firewall for IPv4
 * and IPv6, written as a model of a correct IP filter NKE.
 *
 * It drops inbound connection attempts to the configured ports and answers
 * nothing (no RST, no ICMP: the packet just disappears): a TCP segment with
 * SYN and without ACK to one of FIREWALL_TCP_PORTS, or any UDP datagram to
 * one of FIREWALL_UDP_PORTS.  Established connections, outbound traffic and
 * everything else pass untouched.  Each rule counts what it dropped; the
 * counts are printed when the kext stops.
 *
 * Configuration: a kext has no command line, so the rules are compiled in.
 * nke_add_kext(... DEFINES "FIREWALL_TCP_PORTS=22,23" "FIREWALL_UDP_PORTS=69")
 * (a port of 0 is no rule).  Defaults: TCP 23 and 80, no UDP.
 *
 * What it shows:
 *   - one ipf_filter per family (ipf_addv4, ipf_addv6), the same callback;
 *   - reading headers with mbuf_copydata, never by casting mbuf_data():
 *     the transport header may live in a later mbuf of the chain;
 *   - the `offset` and `protocol` ipf_input gets: for IPv6 they already
 *     skip the extension headers, for IPv4 the options;
 *   - dropping by returning an error: the stack frees the packet, the filter
 *     must not touch it afterwards;
 *   - counters shared by concurrent callbacks updated atomically;
 *   - stopping: ipf_remove() may defer the detach while a callback runs, so
 *     the stop routine refuses (EBUSY) until ipf_detach was called.
 */
#include <mach/mach_types.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kpi_mbuf.h>
#include <libkern/OSAtomic.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/kpi_ipfilter.h>

#ifndef FIREWALL_TCP_PORTS
#define FIREWALL_TCP_PORTS 23, 80
#endif
#ifndef FIREWALL_UDP_PORTS
#define FIREWALL_UDP_PORTS 0
#endif

kern_return_t firewall_start(kmod_info_t *ki, void *d);
kern_return_t firewall_stop(kmod_info_t *ki, void *d);

struct fw_rule {
	u_int8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	u_int16_t port;		/* host order; 0: no rule */
	volatile SInt32 hits;	/* packets dropped */
};

static const u_int16_t tcp_ports[] = {FIREWALL_TCP_PORTS};
static const u_int16_t udp_ports[] = {FIREWALL_UDP_PORTS};

#define NTCP (sizeof(tcp_ports) / sizeof(tcp_ports[0]))
#define NUDP (sizeof(udp_ports) / sizeof(udp_ports[0]))

static struct fw_rule rules[NTCP + NUDP];
static unsigned nrules;

/* One per family; `attached` is cleared by ipf_detach, whenever it runs. */
struct fw_family {
	const char *name;
	ipfilter_t ref;
	volatile SInt32 attached;
};

static struct fw_family fam4 = {"IPv4", NULL, 0};
static struct fw_family fam6 = {"IPv6", NULL, 0};

static struct fw_rule *
rule_for(u_int8_t proto, u_int16_t port)
{
	unsigned i;

	for (i = 0; i < nrules; i++)
		if (rules[i].proto == proto && rules[i].port == port)
			return &rules[i];
	return NULL;
}

/*
 * ipf_input: *data starts at the IP header (IPv4 ip_len/ip_off in network
 * order); the transport header is at `offset`.  Fragments never get here
 * one by one for IPv4: the stack reassembles before the IP filters.
 */
static errno_t
fw_input(void *cookie, mbuf_t *data, int offset, u_int8_t protocol)
{
	u_int16_t ports[2]; /* source, destination: network order */
	u_int8_t flags;
	struct fw_rule *r;

	if (protocol != IPPROTO_TCP && protocol != IPPROTO_UDP)
		return 0;
	/* Too short to hold the ports (a truncated packet): not ours to judge. */
	if (mbuf_copydata(*data, (size_t)offset, sizeof(ports), ports) != 0)
		return 0;
	r = rule_for(protocol, ntohs(ports[1]));
	if (r == NULL)
		return 0;
	if (protocol == IPPROTO_TCP) {
		/* A connection attempt is a SYN without ACK; TCP flags are byte 13. */
		if (mbuf_copydata(*data, (size_t)offset + 13, 1, &flags) != 0)
			return 0;
		if ((flags & (TH_SYN | TH_ACK)) != TH_SYN)
			return 0;
	}
	OSIncrementAtomic(&r->hits);
	/*
	 * Any error but EJUSTRETURN: the stack frees the packet and sends
	 * nothing back.  *data is not ours any more.
	 */
	return EPERM;
}

static void
fw_detach(void *cookie)
{
	struct fw_family *f = cookie;

	OSDecrementAtomic(&f->attached);
}

static struct ipf_filter filter4 = {&fam4, "firewall.v4", fw_input, NULL, fw_detach};
static struct ipf_filter filter6 = {&fam6, "firewall.v6", fw_input, NULL, fw_detach};

static void
add_rules(u_int8_t proto, const u_int16_t *ports, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (ports[i] == 0 || rule_for(proto, ports[i]) != NULL)
			continue;
		rules[nrules].proto = proto;
		rules[nrules].port = ports[i];
		rules[nrules].hits = 0;
		nrules++;
	}
}

kern_return_t
firewall_start(kmod_info_t *ki, void *d)
{
	unsigned i;

	nrules = 0;
	add_rules(IPPROTO_TCP, tcp_ports, NTCP);
	add_rules(IPPROTO_UDP, udp_ports, NUDP);

	/* Mark attached before adding: ipf_detach may run as soon as it exists. */
	fam4.attached = 1;
	if (ipf_addv4(&filter4, &fam4.ref) != 0) {
		fam4.attached = 0;
		printf("firewall: ipf_addv4 failed\n");
		return KERN_FAILURE;
	}
	fam6.attached = 1;
	if (ipf_addv6(&filter6, &fam6.ref) != 0) {
		fam6.attached = 0;
		printf("firewall: ipf_addv6 failed\n");
		/* Undo what worked; the detach of the v4 filter may come later. */
		ipf_remove(fam4.ref);
		fam4.ref = NULL;
		return KERN_FAILURE;
	}
	printf("firewall: %u rules:", nrules);
	for (i = 0; i < nrules; i++)
		printf(" %s/%u", rules[i].proto == IPPROTO_TCP ? "tcp" : "udp", rules[i].port);
	printf("\n");
	return KERN_SUCCESS;
}

kern_return_t
firewall_stop(kmod_info_t *ki, void *d)
{
	unsigned i;

	/* Removing twice is an error, hence the NULLing. */
	if (fam4.ref != NULL) {
		ipf_remove(fam4.ref);
		fam4.ref = NULL;
	}
	if (fam6.ref != NULL) {
		ipf_remove(fam6.ref);
		fam6.ref = NULL;
	}
	/*
	 * Our code and data must outlive every callback: while a detach is
	 * pending, a callback may still be running.  kextunload retries.
	 */
	if (fam4.attached != 0 || fam6.attached != 0)
		return EBUSY;
	for (i = 0; i < nrules; i++)
		printf("firewall: %s/%u dropped %d\n",
		    rules[i].proto == IPPROTO_TCP ? "tcp" : "udp", rules[i].port,
		    (int)rules[i].hits);
	return KERN_SUCCESS;
}
