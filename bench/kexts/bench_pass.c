/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_pass.c - the benchmark's pass-through kext (kernel world): filters
 * on every hook nke-replay can drive, each doing nothing but count and
 * return 0, so that a benchmark run measures the simulator and not the
 * kext.  An interface filter on every interface (ifnet_list_get), an IPv4
 * and an IPv6 IP filter and, built with -DBENCH_SFLT, four global socket
 * filters (TCP and UDP, IPv4 and IPv6) whose data callbacks pass
 * everything.  A socket filter registration that fails is printed and
 * ignored, so the kext still starts where the simulator does not offer
 * sockets yet.  Stopping detaches everything and refuses (EBUSY) until
 * every detach/unregistered callback came, then prints the counts.
 */
#include <mach/mach_types.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/socket.h>
#include <sys/kpi_mbuf.h>
#include <net/kpi_interface.h>
#include <net/kpi_interfacefilter.h>
#include <netinet/in.h>
#include <netinet/kpi_ipfilter.h>
#ifdef BENCH_SFLT
#include <sys/kpi_socketfilter.h>
#endif

#define MAX_IFS 16

kern_return_t bench_pass_start(kmod_info_t *ki, void *d);
kern_return_t bench_pass_stop(kmod_info_t *ki, void *d);

static interface_filter_t iff_refs[MAX_IFS];
static unsigned n_iff, n_iff_detached;
static ipfilter_t ipf4_ref, ipf6_ref;
static int ipf4_on, ipf6_on, ipf4_gone, ipf6_gone, stopping;
static unsigned long c_iff_in, c_iff_out, c_ipf_in, c_ipf_out;

static errno_t
bp_iff_input(void *cookie, ifnet_t ifp, protocol_family_t proto, mbuf_t *data, char **frame_ptr)
{
	c_iff_in++;
	return 0;
}

static errno_t
bp_iff_output(void *cookie, ifnet_t ifp, protocol_family_t proto, mbuf_t *data)
{
	c_iff_out++;
	return 0;
}

static void
bp_iff_detached(void *cookie, ifnet_t ifp)
{
	n_iff_detached++;
}

static errno_t
bp_ipf_input(void *cookie, mbuf_t *data, int offset, u_int8_t protocol)
{
	c_ipf_in++;
	return 0;
}

static errno_t
bp_ipf_output(void *cookie, mbuf_t *data, ipf_pktopts_t options)
{
	c_ipf_out++;
	return 0;
}

static void
bp_ipf_detach(void *cookie)
{
	*(int *)cookie = 1;
}

static struct iff_filter bp_iff = {
    NULL, "bench.iff", 0, bp_iff_input, bp_iff_output, NULL, NULL, bp_iff_detached,
};
static struct ipf_filter bp_ipf4 = {
    &ipf4_gone, "bench.ipf4", bp_ipf_input, bp_ipf_output, bp_ipf_detach,
};
static struct ipf_filter bp_ipf6 = {
    &ipf6_gone, "bench.ipf6", bp_ipf_input, bp_ipf_output, bp_ipf_detach,
};

#ifdef BENCH_SFLT
#define BENCH_SFLT_BASE 0x6e6b6200u /* "nkb\0": unique among all filters */
#define N_SFLT          4

static unsigned long c_sf_attach, c_sf_in, c_sf_out;
static int sf_on[N_SFLT], sf_gone[N_SFLT];

static const struct {
	int domain, type, protocol;
	const char *name;
} sf_what[N_SFLT] = {
    {PF_INET, SOCK_STREAM, IPPROTO_TCP, "tcp4"},
    {PF_INET6, SOCK_STREAM, IPPROTO_TCP, "tcp6"},
    {PF_INET, SOCK_DGRAM, IPPROTO_UDP, "udp4"},
    {PF_INET6, SOCK_DGRAM, IPPROTO_UDP, "udp6"},
};

static void
bp_sf_unregistered(sflt_handle handle)
{
	if (handle > BENCH_SFLT_BASE && handle <= BENCH_SFLT_BASE + N_SFLT)
		sf_gone[handle - BENCH_SFLT_BASE - 1] = 1;
}

static errno_t
bp_sf_attach(void **cookie, socket_t so)
{
	c_sf_attach++;
	*cookie = NULL;
	return 0;
}

static void
bp_sf_detach(void *cookie, socket_t so)
{
}

static errno_t
bp_sf_data_in(void *cookie, socket_t so, const struct sockaddr *from, mbuf_t *data,
              mbuf_t *control, sflt_data_flag_t flags)
{
	c_sf_in++;
	return 0;
}

static errno_t
bp_sf_data_out(void *cookie, socket_t so, const struct sockaddr *to, mbuf_t *data,
               mbuf_t *control, sflt_data_flag_t flags)
{
	c_sf_out++;
	return 0;
}

static char sf_names[N_SFLT][16] = {"bench.sf.tcp4", "bench.sf.tcp6", "bench.sf.udp4",
                                    "bench.sf.udp6"};

static void
sflt_start(void)
{
	struct sflt_filter f;
	errno_t err;
	int i;

	for (i = 0; i < N_SFLT; i++) {
		memset(&f, 0, sizeof(f));
		f.sf_handle = BENCH_SFLT_BASE + 1 + (sflt_handle)i;
		f.sf_flags = SFLT_GLOBAL;
		f.sf_name = sf_names[i];
		f.sf_unregistered = bp_sf_unregistered;
		f.sf_attach = bp_sf_attach;
		f.sf_detach = bp_sf_detach;
		f.sf_data_in = bp_sf_data_in;
		f.sf_data_out = bp_sf_data_out;
		err = sflt_register(&f, sf_what[i].domain, sf_what[i].type, sf_what[i].protocol);
		if (err == 0)
			sf_on[i] = 1;
		else
			printf("bench_pass: sflt_register %s: error %d (ignored)\n",
			       sf_what[i].name, err);
	}
}

static void
sflt_stop(void)
{
	int i;

	for (i = 0; i < N_SFLT; i++)
		if (sf_on[i])
			sflt_unregister(BENCH_SFLT_BASE + 1 + (sflt_handle)i);
}

static int
sflt_busy(void)
{
	int i;

	for (i = 0; i < N_SFLT; i++)
		if (sf_on[i] && !sf_gone[i])
			return 1;
	return 0;
}
#endif /* BENCH_SFLT */

kern_return_t
bench_pass_start(kmod_info_t *ki, void *d)
{
	ifnet_t *list;
	u_int32_t count, i;
	int nsf = 0;

	if (ifnet_list_get(IFNET_FAMILY_ANY, &list, &count) != 0)
		return KERN_FAILURE;
	for (i = 0; i < count && n_iff < MAX_IFS; i++)
		if (iflt_attach(list[i], &bp_iff, &iff_refs[n_iff]) == 0)
			n_iff++;
	ifnet_list_free(list);
	if (ipf_addv4(&bp_ipf4, &ipf4_ref) == 0)
		ipf4_on = 1;
	if (ipf_addv6(&bp_ipf6, &ipf6_ref) == 0)
		ipf6_on = 1;
#ifdef BENCH_SFLT
	sflt_start();
	for (i = 0; i < N_SFLT; i++)
		nsf += sf_on[i];
#endif
	printf("bench_pass: started, %u interface filters, ipv4 %d, ipv6 %d, socket filters %d\n",
	       n_iff, ipf4_on, ipf6_on, nsf);
	return KERN_SUCCESS;
}

kern_return_t
bench_pass_stop(kmod_info_t *ki, void *d)
{
	unsigned i;

	if (!stopping) {
		stopping = 1;
		for (i = 0; i < n_iff; i++)
			iflt_detach(iff_refs[i]);
		if (ipf4_on)
			ipf_remove(ipf4_ref);
		if (ipf6_on)
			ipf_remove(ipf6_ref);
#ifdef BENCH_SFLT
		sflt_stop();
#endif
	}
	if (n_iff_detached < n_iff || (ipf4_on && !ipf4_gone) || (ipf6_on && !ipf6_gone))
		return EBUSY;
#ifdef BENCH_SFLT
	if (sflt_busy())
		return EBUSY;
	printf("bench_pass: stopped: iff_input %lu, iff_output %lu, ipf_input %lu, ipf_output "
	       "%lu, sf_attach %lu, sf_data_in %lu, sf_data_out %lu\n",
	       c_iff_in, c_iff_out, c_ipf_in, c_ipf_out, c_sf_attach, c_sf_in, c_sf_out);
#else
	printf("bench_pass: stopped: iff_input %lu, iff_output %lu, ipf_input %lu, ipf_output "
	       "%lu\n",
	       c_iff_in, c_iff_out, c_ipf_in, c_ipf_out);
#endif
	return KERN_SUCCESS;
}
