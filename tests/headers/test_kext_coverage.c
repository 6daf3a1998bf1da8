/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_kext_coverage.c - the kernel-side header tree against the coverage
 * target (kernel world): every item of kext-coverage.md's primary union
 * (functions, macros, constants, enumerators, types, structs, fields,
 * headers) and the secondary items nkesim provides must exist with Apple's
 * names.  Most of the checking is done by the compiler; the runtime cases
 * exercise the function-like macros.
 */
#define MACH_ASSERT 1
#include <i386/endian.h>
#include <kern/assert.h>
#include <kern/debug.h>
#include <kern/locks.h>
#include <kern/task.h>
#include <libkern/libkern.h>
#include <libkern/OSAtomic.h>
#include <libkern/OSMalloc.h>
#include <mach/kmod.h>
#include <mach/mach_types.h>
#include <mach/vm_types.h>
#include <net/ethernet.h>
#include <net/init.h>
#include <net/kpi_interface.h>
#include <net/kpi_interfacefilter.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/in_systm.h>
#include <netinet/ip.h>
#include <netinet/kpi_ipfilter.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <os/log.h>
#include <pexpert/pexpert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/errno.h>
#include <sys/fcntl.h>
#include <sys/ioctl.h>
#include <sys/kauth.h>
#include <sys/kern_control.h>
#include <sys/kern_event.h>
#include <sys/kernel.h>
#include <sys/kernel_types.h>
#include <sys/kpi_mbuf.h>
#include <sys/kpi_socket.h>
#include <sys/kpi_socketfilter.h>
#include <sys/lock.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/param.h>
#include <sys/proc.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/socketvar.h>
#include <sys/syslog.h>
#include <sys/systm.h>
#include <sys/time.h>
#include <sys/types.h>
/* secondary */
#include <libkern/OSKextLib.h>
#include <mach/kern_return.h>
#include <net/bpf.h>
#include <net/if_types.h>
#include <net/if_var.h>
#include <netinet/in_pcb.h>
#include <netinet/ip6.h>
/* <netinet/ip_sirens.h>: not an XNU header (a research kext's own); not provided */
#include <netinet/ip_var.h>
#include <netinet/tcp_var.h>
#include <sys/select.h>
#include <stddef.h>

#include "nkt.h"

static int cov_one = 1;

/* __P and KMOD_EXPLICIT_DECL at file scope, as old kexts use them. */
static int cov_proto __P((int a, int b));
static int
cov_proto(int a, int b)
{
	return a + b;
}

static kern_return_t cov_start(kmod_info_t *ki, void *d);
static kern_return_t cov_stop(kmod_info_t *ki, void *d);
static kern_return_t
cov_start(kmod_info_t *ki, void *d)
{
	return KERN_SUCCESS;
}
static kern_return_t
cov_stop(kmod_info_t *ki, void *d)
{
	return KERN_SUCCESS;
}
KMOD_EXPLICIT_DECL(com.example.coverage, "1.0.0", cov_start, cov_stop)

static int
cov_va(int n, ...)
{
	va_list ap;
	int sum = 0;

	va_start(ap, n);
	while (n-- > 0)
		sum += va_arg(ap, int);
	va_end(ap);
	return sum;
}

struct cov_elem {
	int v;
	SLIST_ENTRY(cov_elem) slink;
	TAILQ_ENTRY(cov_elem) link;
};
SLIST_HEAD(cov_slist, cov_elem);
TAILQ_HEAD(cov_tlist, cov_elem);

static void
cov_queues(void)
{
	struct cov_slist sl;
	struct cov_tlist tq;
	struct cov_elem e1 = {.v = 1}, e2 = {.v = 2}, e3 = {.v = 3}, *it, *tmp;
	int sum = 0;

	SLIST_INIT(&sl);
	KT_ASSERT(SLIST_EMPTY(&sl));
	SLIST_INSERT_HEAD(&sl, &e1, slink);
	SLIST_INSERT_HEAD(&sl, &e2, slink);
	KT_ASSERT_EQ(SLIST_FIRST(&sl)->v, 2);
	SLIST_REMOVE_HEAD(&sl, slink);
	KT_ASSERT_EQ(SLIST_FIRST(&sl)->v, 1);

	TAILQ_INIT(&tq);
	KT_ASSERT(TAILQ_EMPTY(&tq));
	TAILQ_INSERT_TAIL(&tq, &e1, link);
	TAILQ_INSERT_TAIL(&tq, &e3, link);
	TAILQ_INSERT_HEAD(&tq, &e2, link);
	KT_ASSERT_EQ(TAILQ_FIRST(&tq)->v, 2);
	KT_ASSERT_EQ(TAILQ_NEXT(TAILQ_FIRST(&tq), link)->v, 1);
	TAILQ_FOREACH(it, &tq, link)
		sum = sum * 10 + it->v;
	KT_ASSERT_EQ(sum, 213);
	TAILQ_FOREACH_SAFE(it, &tq, link, tmp)
		TAILQ_REMOVE(&tq, it, link);
	KT_ASSERT(TAILQ_EMPTY(&tq));
}

static void
test_primary_union(void)
{
	struct in6_addr a6;
	struct timeval tv1 = {5, 100}, tv2 = {2, 300}, tv3;
	int ok = 0;

	memset(&a6, 0, sizeof(a6));
	(void)&_FREE;
	(void)&_MALLOC;
	(void)(long)(AF_INET);
	(void)(long)(AF_INET6);
	(void)(long)(AF_UNSPEC);
	assert(cov_one == 1);
	(void)&bcopy;
	(void)sizeof(boolean_t *);
	(void)&bsd_timeout;
	(void)&bzero;
	{ static struct ipf_filter o; (void)o.cookie; }
	{ static struct kern_ctl_reg o; (void)o.ctl_connect; }
	(void)(long)(CTL_DATA_EOR);
	(void)&ctl_deregister;
	{ static struct kern_ctl_reg o; (void)o.ctl_disconnect; }
	(void)&ctl_enqueuedata;
	(void)&ctl_enqueuembuf;
	(void)(long)(CTL_FLAG_PRIVILEGED);
	(void)(long)(CTL_FLAG_REG_SOCK_STREAM);
	{ static struct kern_ctl_reg o; (void)o.ctl_flags; }
	{ static struct kern_ctl_reg o; (void)o.ctl_id; }
	{ static struct ctl_info o; (void)o.ctl_id; }
	{ static struct kern_ctl_reg o; (void)o.ctl_name; }
	(void)&ctl_register;
	{ static struct kern_ctl_reg o; (void)o.ctl_send; }
	(void)(long)(EAGAIN);
	(void)(long)(EALREADY);
	(void)(long)(EBUSY);
	(void)(long)(EINPROGRESS);
	(void)(long)(EINVAL);
	(void)(long)(EJUSTRETURN);
	(void)(long)(ENETUNREACH);
	(void)(long)(ENOBUFS);
	(void)(long)(ENOMEM);
	(void)(long)(ENOPOLICY);
	(void)(long)(ENOTSUP);
	(void)(long)(ENXIO);
	(void)(long)(EOPNOTSUPP);
	(void)(long)(EPERM);
	(void)sizeof(errno_t *);
	{ static struct kev_msg o; (void)o.event_code; }
	(void)(long)(EWOULDBLOCK);
	(void)(long)(FALSE);
	(void)htonl(1);
	(void)htons(1);
	(void)sizeof(struct iff_filter);
	{ static struct iff_filter o; (void)o.iff_name; }
	(void)&iflt_attach;
	(void)&iflt_detach;
	(void)&ifnet_find_by_name;
	(void)&ifnet_hdrlen;
	(void)&ifnet_input;
	(void)&ifnet_output_raw;
	(void)&ifnet_reference;
	(void)&ifnet_release;
	(void)sizeof(ifnet_t *);
	(void)sizeof(struct in6_addr);
	ok += !IN6_IS_ADDR_LINKLOCAL(&a6);
	ok += !IN6_IS_ADDR_LOOPBACK(&a6);
	ok += !IN6_IS_ADDR_MULTICAST(&a6);
	ok += !IN6_IS_ADDR_SITELOCAL(&a6);
	(void)sizeof(struct in_addr);
	ok += !IN_CLASSD(0xe0000001u);
	ok += !IN_LINKLOCAL(0xa9fe0001u);
	ok += !IN_LOOPBACK(0x7f000001u);
	(void)sizeof(in_port_t *);
	ok += !IN_PRIVATE(0x0a000001u);
	(void)(long)(INADDR_BROADCAST);
	(void)(long)(INET6_ADDRSTRLEN);
	(void)&inet_ntop;
	(void)sizeof(interface_filter_t *);
	(void)sizeof(struct ip);
	{ static struct ip o; (void)o.ip_dst; }
	{ static struct ip o; (void)o.ip_len; }
	{ static struct ip o; (void)o.ip_p; }
	{ static struct ip o; (void)o.ip_src; }
	{ static struct ip o; (void)o.ip_sum; }
	(void)&ipf_addv4;
	(void)&ipf_addv6;
	(void)sizeof(struct ipf_filter);
	(void)&ipf_inject_input;
	{ static struct ipf_filter o; (void)o.ipf_input; }
	(void)sizeof(ipf_pktopts_t *);
	(void)&ipf_remove;
	(void)sizeof(ipfilter_t *);
	(void)(long)(IPPROTO_ICMP);
	(void)(long)(IPPROTO_ICMPV6);
	(void)(long)(IPPROTO_TCP);
	(void)(long)(IPPROTO_UDP);
	(void)&kauth_getuid;
	(void)sizeof(kern_ctl_ref *);
	(void)sizeof(struct kern_ctl_reg);
	(void)(long)(KERN_FAILURE);
	(void)(long)(KERN_NO_ACCESS);
	(void)(long)(KERN_RESOURCE_SHORTAGE);
	(void)sizeof(kern_return_t *);
	(void)(long)(KERN_SUCCESS);
	{ static struct kev_msg o; (void)o.kev_class; }
	(void)sizeof(struct kev_msg);
	{ static struct kev_msg o; (void)o.kev_subclass; }
	(void)sizeof(kmod_info_t *);
	(void)&lck_attr_alloc_init;
	(void)&lck_attr_free;
	(void)(long)(LCK_ATTR_NULL);
	(void)sizeof(lck_attr_t *);
	(void)&lck_grp_alloc_init;
	(void)&lck_grp_attr_alloc_init;
	(void)&lck_grp_attr_free;
	(void)(long)(LCK_GRP_ATTR_NULL);
	(void)sizeof(lck_grp_attr_t *);
	(void)&lck_grp_free;
	(void)sizeof(lck_grp_t *);
	(void)&lck_mtx_alloc_init;
	(void)&lck_mtx_free;
	(void)&lck_mtx_lock;
	(void)sizeof(lck_mtx_t *);
	(void)&lck_mtx_unlock;
	(void)&lck_rw_alloc_init;
	(void)&lck_rw_free;
	(void)&lck_rw_lock_exclusive;
	(void)&lck_rw_lock_shared;
	(void)sizeof(lck_rw_t *);
	(void)&lck_rw_unlock_exclusive;
	(void)&lck_rw_unlock_shared;
	(void)lmin(1,2);
	(void)(long)(M_TEMP);
	(void)(long)(M_WAITOK);
	(void)(long)(M_ZERO);
	(void)&mbuf_allocpacket;
	(void)&mbuf_clear_csum_performed;
	(void)&mbuf_copyback;
	(void)&mbuf_copydata;
	(void)&mbuf_data;
	(void)(long)(MBUF_DONTWAIT);
	(void)&mbuf_dup;
	(void)&mbuf_flags;
	(void)sizeof(mbuf_flags_t *);
	(void)&mbuf_freem;
	(void)&mbuf_gethdr;
	(void)&mbuf_inet_cksum;
	(void)&mbuf_len;
	(void)&mbuf_next;
	(void)&mbuf_nextpkt;
	(void)(long)(MBUF_PKTHDR);
	(void)&mbuf_pkthdr_header;
	(void)&mbuf_pkthdr_len;
	(void)&mbuf_pkthdr_setheader;
	(void)&mbuf_pkthdr_setlen;
	(void)&mbuf_pkthdr_setrcvif;
	(void)&mbuf_setlen;
	(void)&mbuf_setnext;
	(void)&mbuf_setnextpkt;
	(void)sizeof(mbuf_t *);
	(void)&mbuf_tag_allocate;
	(void)&mbuf_tag_find;
	(void)&mbuf_tag_id_find;
	(void)sizeof(mbuf_tag_id_t *);
	(void)sizeof(mbuf_tag_type_t *);
	(void)(long)(MBUF_TYPE_DATA);
	(void)(long)(MBUF_WAITOK);
	(void)&memcmp;
	(void)&memcpy;
	(void)&microtime;
	(void)min(1u,2u);
	(void)&msleep;
	{ static struct ipf_filter o; (void)o.name; }
	{ static kmod_info_t o; (void)o.name; }
	(void)(long)(ND_ROUTER_ADVERT);
	(void)&net_init_add;
	(void)ntohl(1);
	(void)ntohs(1);
	(void)(long)(NULL);
	os_log(OS_LOG_DEFAULT, "coverage %d", 1);
	os_log_debug(OS_LOG_DEFAULT, "coverage %{public}s", "dbg");
	(void)(long)(OS_LOG_DEFAULT);
	(void)&OSAddAtomic;
	(void)&OSBitOrAtomic;
	(void)&OSDecrementAtomic64;
	(void)&OSFree;
	(void)&OSIncrementAtomic;
	(void)&OSMalloc;
	(void)&OSMalloc_Tagalloc;
	(void)&OSMalloc_Tagfree;
	(void)sizeof(OSMallocTag *);
	(void)(long)(OSMT_DEFAULT);
	(void)(long)(PATH_MAX);
	(void)(long)(PDROP);
	(void)&PE_enter_debugger;
	(void)(long)(PF_INET);
	(void)(long)(PF_INET6);
	(void)sizeof(pid_t *);
	(void)&printf;
	(void)&proc_selfname;
	(void)&proc_selfpid;
	(void)&proc_selfppid;
	(void)sizeof(protocol_family_t *);
	{ static kmod_info_t o; (void)o.reference_list; }
	{ static struct in6_addr o; (void)o.s6_addr; }
	{ static struct in_addr o; (void)o.s_addr; }
	{ static struct sockaddr o; (void)o.sa_family; }
	{ static struct sockaddr o; (void)o.sa_len; }
	{ static struct sockaddr_ctl o; (void)o.sc_unit; }
	(void)sizeof(sflt_data_flag_t *);
	(void)sizeof(sflt_event_t *);
	(void)sizeof(struct sflt_filter);
	(void)(long)(SFLT_GLOBAL);
	(void)sizeof(sflt_handle *);
	(void)&sflt_register;
	(void)&sflt_unregister;
	{ static struct sockaddr_in6 o; (void)o.sin6_addr; }
	{ static struct sockaddr_in6 o; (void)o.sin6_len; }
	{ static struct sockaddr_in6 o; (void)o.sin6_port; }
	{ static struct sockaddr_in o; (void)o.sin_addr; }
	{ static struct sockaddr_in o; (void)o.sin_family; }
	{ static struct sockaddr_in o; (void)o.sin_len; }
	{ static struct sockaddr_in o; (void)o.sin_port; }
	(void)sizeof(SInt32 *);
	(void)sizeof(SInt64 *);
	(void)sizeof(size_t *);
	/* SLIST_EMPTY: cov_queues() */
	/* SLIST_ENTRY: cov_queues() */
	/* SLIST_FIRST: cov_queues() */
	/* SLIST_HEAD: cov_queues() */
	/* SLIST_INIT: cov_queues() */
	/* SLIST_INSERT_HEAD: cov_queues() */
	/* SLIST_REMOVE_HEAD: cov_queues() */
	(void)&snprintf;
	(void)(long)(SO_ERROR);
	(void)(long)(SO_KEEPALIVE);
	(void)(long)(SO_LINGER);
	(void)(long)(SO_NOSIGPIPE);
	(void)(long)(SO_RCVBUF);
	(void)(long)(SO_REUSEADDR);
	(void)(long)(SO_REUSEPORT);
	(void)(long)(SO_SNDBUF);
	(void)(long)(SO_SNDLOWAT);
	(void)(long)(SO_TYPE);
	(void)&sock_bind;
	(void)(long)(SOCK_DGRAM);
	(void)(long)(sock_evt_cantrecvmore);
	(void)(long)(sock_evt_cantsendmore);
	(void)(long)(sock_evt_closing);
	(void)(long)(sock_evt_connected);
	(void)(long)(sock_evt_connecting);
	(void)(long)(sock_evt_disconnected);
	(void)(long)(sock_evt_disconnecting);
	(void)(long)(sock_evt_flush_read);
	(void)(long)(sock_evt_shutdown);
	(void)&sock_getsockname;
	(void)&sock_gettype;
	(void)&sock_inject_data_in;
	(void)&sock_inject_data_out;
	(void)(long)(SOCK_STREAM);
	(void)sizeof(struct sockaddr);
	(void)sizeof(struct sockaddr_ctl);
	(void)sizeof(struct sockaddr_in);
	(void)sizeof(struct sockaddr_in6);
	(void)sizeof(socket_t *);
	(void)&sockopt_level;
	(void)&sockopt_name;
	(void)sizeof(sockopt_t *);
	(void)(long)(SOL_SOCKET);
	(void)&strchr;
	(void)&strcmp;
	(void)&strlen;
	(void)&strncat;
	(void)&strncmp;
	(void)&strncpy;
	/* TAILQ_EMPTY: cov_queues() */
	/* TAILQ_ENTRY: cov_queues() */
	/* TAILQ_FIRST: cov_queues() */
	/* TAILQ_FOREACH: cov_queues() */
	/* TAILQ_FOREACH_SAFE: cov_queues() */
	/* TAILQ_HEAD: cov_queues() */
	/* TAILQ_INIT: cov_queues() */
	/* TAILQ_INSERT_TAIL: cov_queues() */
	/* TAILQ_NEXT: cov_queues() */
	/* TAILQ_REMOVE: cov_queues() */
	(void)sizeof(struct tcphdr);
	{ static struct tcphdr o; (void)o.th_dport; }
	{ static struct tcphdr o; (void)o.th_sport; }
	{ static struct tcphdr o; (void)o.th_sum; }
	timersub(&tv1, &tv2, &tv3);
	(void)sizeof(struct timespec);
	(void)sizeof(struct timeval);
	(void)(long)(TRUE);
	{ static struct timespec o; (void)o.tv_nsec; }
	{ static struct timeval o; (void)o.tv_sec; }
	{ static struct timespec o; (void)o.tv_sec; }
	{ static struct timeval o; (void)o.tv_usec; }
	(void)sizeof(u_int16_t *);
	(void)sizeof(u_int32_t *);
	(void)sizeof(u_int8_t *);
	(void)sizeof(struct udphdr);
	{ static struct udphdr o; (void)o.uh_dport; }
	{ static struct udphdr o; (void)o.uh_sport; }
	{ static struct udphdr o; (void)o.uh_sum; }
	(void)sizeof(uint16_t *);
	(void)sizeof(UInt32 *);
	(void)sizeof(uint32_t *);
	(void)sizeof(uint8_t *);
	(void)sizeof(uintptr_t *);
	/* va_start/va_end: cov_va() */
	(void)sizeof(va_list *);
	/* see cov_va() */
	{ static struct kev_msg o; (void)o.vendor_code; }
	(void)&vsnprintf;
	(void)&wakeup;
	/* The function-like macros give the right answers. */
	KT_ASSERT_EQ(ok, 4); /* a6 is :: - none of the four IN6 tests holds */
	KT_ASSERT_EQ(tv3.tv_sec, 2);
	KT_ASSERT_EQ(tv3.tv_usec, 999800);
	KT_ASSERT_EQ(cov_va(3, 1, 2, 3), 6);
	KT_ASSERT_EQ(cov_proto(2, 3), 5);
	KT_ASSERT_STR_EQ(kmod_info.name, "com.example.coverage");
	KT_ASSERT_STR_EQ(kmod_info.version, "1.0.0");
	KT_ASSERT(kmod_info.start == cov_start);
	cov_queues();
	KT_ASSERT(NKT_console()[0] != 0); /* os_log wrote to the console */
}

static void
test_secondary_items(void)
{
	struct cov_tlist tq;
	struct cov_elem te2 = {.v = 2};
	struct timeval tv3;

	TAILQ_INIT(&tq);
	/* __P: cov_proto */
	(void)_IOWR('N', 3, int);
	{ static struct ifnet_stat_increment_param o; (void)o.bytes_in; }
	{ static struct ifnet_stats_param o; (void)o.bytes_in; }
	{ static struct ifnet_stat_increment_param o; (void)o.bytes_out; }
	{ static struct ifnet_stats_param o; (void)o.bytes_out; }
	(void)sizeof(caddr_t *);
	{ static struct kev_d_vectors o; (void)o.data_length; }
	{ static struct kev_d_vectors o; (void)o.data_ptr; }
	{ static struct ifnet_stat_increment_param o; (void)o.dropped; }
	{ static struct ifnet_stats_param o; (void)o.dropped; }
	{ static struct kev_msg o; (void)o.dv; }
	(void)(long)(EBADMSG);
	(void)(long)(ECONNREFUSED);
	(void)(long)(EEXIST);
	(void)(long)(EMSGSIZE);
	(void)(long)(ENOTCONN);
	(void)(long)(EPROTO);
	(void)(long)(ETHER_ADDR_LEN);
	(void)(long)(ETHER_HDR_LEN);
	(void)sizeof(struct ether_header);
	{ static struct ether_header o; (void)o.ether_type; }
	(void)(long)(ETHERTYPE_IP);
	getmicrotime(&tv3);
	(void)sizeof(gid_t *);
	/* .if_baudrate: private struct ifnet field, not provided */
	/* .if_ibytes: private struct ifnet field, not provided */
	/* .if_mtu: private struct ifnet field, not provided */
	/* .if_obytes: private struct ifnet field, not provided */
	/* .if_oerrors: private struct ifnet field, not provided */
	/* .if_snd: private struct ifnet field, not provided */
	{ static struct iff_filter o; (void)o.iff_cookie; }
	{ static struct iff_filter o; (void)o.iff_detached; }
	{ static struct iff_filter o; (void)o.iff_event; }
	{ static struct iff_filter o; (void)o.iff_input; }
	{ static struct iff_filter o; (void)o.iff_ioctl; }
	{ static struct iff_filter o; (void)o.iff_output; }
	{ static struct iff_filter o; (void)o.iff_protocol; }
	(void)(long)(IFNAMSIZ);
	/* struct ifnet: private to XNU; kexts use the ifnet_* accessors - not provided */
	(void)&ifnet_baudrate;
	(void)(long)(IFNET_FAMILY_ANY);
	(void)&ifnet_list_free;
	(void)&ifnet_list_get;
	(void)&ifnet_mtu;
	(void)&ifnet_name;
	(void)&ifnet_stat;
	(void)sizeof(struct ifnet_stats_param);
	(void)&ifnet_type;
	(void)&ifnet_unit;
	{ static struct ifqueue o; (void)o.ifq_drops; }
	{ static struct ifqueue o; (void)o.ifq_len; }
	{ static struct ifqueue o; (void)o.ifq_maxlen; }
	(void)(long)(IFT_ETHER);
	/* ifunit: private to XNU (use ifnet_find_by_name), not provided */
	{ static struct ip_mreq o; (void)o.imr_multiaddr; }
	(void)(long)(INADDR_ANY);
	{ static struct inpcb o; (void)o.inp_faddr; }
	{ static struct inpcb o; (void)o.inp_fport; }
	{ static struct inpcb o; (void)o.inp_ip_p; }
	(void)(long)(INP_IPV4);
	{ static struct inpcb o; (void)o.inp_laddr; }
	{ static struct inpcb o; (void)o.inp_lport; }
	/* .inp_options: private inpcb internals, not provided */
	{ static struct inpcb o; (void)o.inp_vflag; }
	(void)sizeof(struct inpcb);
	(void)(long)(IP_ADD_MEMBERSHIP);
	(void)(long)(IP_DF);
	(void)(long)(IP_DROP_MEMBERSHIP);
	{ static struct ip o; (void)o.ip_id; }
	/* struct ip_moptions: private to XNU - not provided */
	(void)sizeof(struct ip_mreq);
	{ static struct ip o; (void)o.ip_off; }
	(void)(long)(IP_OPTIONS);
	{ static struct ip o; (void)o.ip_tos; }
	{ static struct ip o; (void)o.ip_ttl; }
	{ static struct ipf_filter o; (void)o.ipf_detach; }
	(void)&ipf_inject_output;
	(void)sizeof(struct ipf_pktopts);
	(void)(long)(IPOPT_EOL);
	(void)(long)(IPOPT_LSRR);
	(void)(long)(IPOPT_NOP);
	(void)(long)(IPOPT_OLEN);
	(void)(long)(IPOPT_OPTVAL);
	(void)(long)(IPOPT_RR);
	(void)(long)(IPOPT_SSRR);
	(void)(long)(IPOPT_TS);
	{ static struct ipf_pktopts o; (void)o.ippo_flags; }
	(void)(long)(IPPROTO_RAW);
	(void)&kauth_getgid;
	(void)&kernel_thread_start;
	(void)(long)(KEV_ANY_CLASS);
	(void)(long)(KEV_ANY_SUBCLASS);
	(void)&kev_msg_post;
	(void)&kev_vendor_code_find;
	/* KMOD_EXPLICIT_DECL: file scope below */
	(void)sizeof(kmod_start_func_t *);
	(void)sizeof(kmod_stop_func_t *);
	(void)(long)(kOSReturnSuccess);
	(void)(long)(M_NOWAIT);
	/* struct m_tag: private to XNU; kexts use mbuf_tag_* - not provided */
	(void)(long)(MAXPATHLEN);
	/* struct mbuf: opaque to kexts; nkesim completes it privately - not provided */
	(void)(long)(MBUF_CSUM_REQ_IP);
	(void)sizeof(mbuf_csum_request_flags_t *);
	(void)&mbuf_datastart;
	(void)&mbuf_free;
	(void)&mbuf_get;
	(void)&mbuf_get_csum_requested;
	(void)&mbuf_maxlen;
	(void)&mbuf_pkthdr_rcvif;
	(void)&mbuf_prepend;
	(void)&mbuf_pullup;
	(void)&mbuf_setdata;
	(void)&mbuf_setflags;
	(void)&mbuf_settype;
	(void)&mbuf_type;
	(void)sizeof(mbuf_type_t *);
	(void)&memset;
	(void)(long)(MT_DATA);
	(void)&OSCompareAndSwap;
	(void)&OSDecrementAtomic;
	(void)&OSKextGetCurrentLoadTag;
	(void)sizeof(OSKextLoadTag *);
	(void)&OSKextReleaseKextWithLoadTag;
	(void)&OSKextRetainKextWithLoadTag;
	(void)&OSMalloc_noblock;
	(void)sizeof(OSReturn *);
	(void)&proc_name;
	(void)(long)(PUSER);
	{ static struct sflt_filter o; (void)o.sf_accept; }
	(void)sizeof(sf_accept_func *);
	{ static struct sflt_filter o; (void)o.sf_ext; }
	{ static struct sflt_filter o; (void)o.sf_len; }
	(void)&sflt_detach;
	(void)(long)(SFLT_EXTENDED);
	(void)sizeof(struct sflt_filter_ext);
	(void)(long)(SO_ACCEPTCONN);
	(void)(long)(SO_BROADCAST);
	(void)(long)(SO_DONTROUTE);
	(void)(long)(SO_DONTTRUNC);
	(void)(long)(SO_OOBINLINE);
	(void)(long)(SO_RCVLOWAT);
	(void)(long)(SO_RCVTIMEO);
	(void)(long)(SO_SNDTIMEO);
	(void)(long)(SO_TIMESTAMP);
	(void)(long)(SO_USELOOPBACK);
	(void)(long)(sock_evt_bound);
	(void)&sock_getpeername;
	(void)&sock_getsockopt;
	(void)&sock_isconnected;
	(void)&sock_setsockopt;
	(void)&sockopt_copyin;
	(void)&sockopt_copyout;
	(void)&sockopt_valsize;
	TAILQ_INSERT_HEAD(&tq, &te2, link);
	{ static struct tcphdr o; (void)o.th_ack; }
	(void)(long)(TH_ACK);
	{ static struct tcphdr o; (void)o.th_flags; }
	{ static struct tcphdr o; (void)o.th_off; }
	(void)(long)(TH_PUSH);
	(void)(long)(TH_RST);
	{ static struct tcphdr o; (void)o.th_seq; }
	(void)(long)(TH_SYN);
	{ static struct tcphdr o; (void)o.th_urp; }
	{ static struct tcphdr o; (void)o.th_win; }
	(void)&thread_deallocate;
	(void)(long)(THREAD_NULL);
	(void)sizeof(thread_t *);
	(void)sizeof(u_char *);
	(void)sizeof(u_int *);
	{ static struct udphdr o; (void)o.uh_ulen; }
	(void)sizeof(uid_t *);
	(void)sizeof(wait_result_t *);
	KT_ASSERT(TAILQ_FIRST(&tq) == &te2);
	KT_ASSERT(tv3.tv_sec >= 0);
}

NKT_CASES(NKT_CASE(test_primary_union), NKT_CASE(test_secondary_items));
