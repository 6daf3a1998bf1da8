/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ctlkext.c - test kexts (kernel world) with a kern_control
 * "com.nkesim.test.ctl", for nke-replay's --ctl and --ctl-script:
 *
 *   CTLKEXT_MODE 1 (ctlkext): IPv4 and IPv6 IP filters that, once a client
 *     enabled it (setopt 1 i32:1), queue one 8-byte record per packet
 *     (direction, protocol, length) with CTL_DATA_EOR; getopt 1 reads the
 *     switch, getopt 3 the counters (12 bytes; a size query works);
 *     send "ping" is answered "pong".  ctl_connect greets the client in two
 *     messages without EOR between them (one datagram record); ctl_disconnect
 *     tries ctl_deregister (EBUSY there) and prints what it got.
 *   CTLKEXT_MODE 2 (ctlsleep): at the first outbound packet, queues a
 *     question and msleep()s without timeout until a client's send answers
 *     it; prints the answer, or that none came.
 *   CTLKEXT_MODE 3 (ctlloop): the same, but sleeps again and again until an
 *     answer comes (a loop nothing ends: nke-replay must not hang).
 *   CTLKEXT_MODE 4 (ctlforget): mode 1 whose stop routine forgets to
 *     deregister the control.
 *
 * The other variants deregister their control in the stop routine
 * (refusing to stop while a client is connected, as tcplognke does).
 */
#include <mach/mach_types.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/param.h>
#include <sys/proc.h>
#include <sys/kauth.h>
#include <sys/kpi_mbuf.h>
#include <sys/kern_control.h>
#include <kern/locks.h>
#include <netinet/kpi_ipfilter.h>

#ifndef CTLKEXT_MODE
#define CTLKEXT_MODE 1
#endif

#define CK_SLEEPER (CTLKEXT_MODE == 2 || CTLKEXT_MODE == 3)

#define CTL_NAME "com.nkesim.test.ctl"
#define OPT_ENABLE 1
#define OPT_STATS 3

kern_return_t ctlkext_start(kmod_info_t *ki, void *d);
kern_return_t ctlkext_stop(kmod_info_t *ki, void *d);

struct ctl_stats {
	u_int32_t packets;
	u_int32_t records;
	u_int32_t dropped;
};

static kern_ctl_ref ctl_ref;
static int ctl_registered;
static u_int32_t client_unit;
static int connected;
static int unitinfo_cookie;
static int enabled;
static struct ctl_stats st;
static ipfilter_t ipf4_ref, ipf6_ref;
static int ipf4_on, ipf6_on, ipf4_gone, ipf6_gone, stopping;
static lck_grp_t *grp;
static lck_mtx_t *mtx;
#if CK_SLEEPER
static int asked, answered;
static char answer[32];
static char question[] = "question?";
#else
static char greet1[] = "hi ", greet2[] = "there", pong[] = "pong";
#endif

/* --- The control ------------------------------------------------------- */

static errno_t
ck_connect(kern_ctl_ref ref, struct sockaddr_ctl *sac, void **unitinfo)
{
	printf("ctlkext: connect unit %u pid %d uid %u\n", sac->sc_unit, proc_selfpid(),
	       kauth_getuid());
	client_unit = sac->sc_unit;
	connected = 1;
	*unitinfo = &unitinfo_cookie;
#if !CK_SLEEPER
	/* Two messages, one datagram record. */
	ctl_enqueuedata(ref, sac->sc_unit, greet1, 3, 0);
	ctl_enqueuedata(ref, sac->sc_unit, greet2, 5, CTL_DATA_EOR);
#endif
	return 0;
}

static errno_t
ck_disconnect(kern_ctl_ref ref, u_int32_t unit, void *unitinfo)
{
	errno_t busy = ctl_deregister(ref);

	printf("ctlkext: disconnect unit %u unitinfo %s, ctl_deregister there: %d\n", unit,
	       unitinfo == &unitinfo_cookie ? "ok" : "WRONG", busy);
	connected = 0;
	return 0;
}

static errno_t
ck_send(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, mbuf_t m, int flags)
{
	char buf[32];
	size_t len = mbuf_pkthdr_len(m);

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	mbuf_copydata(m, 0, len, buf);
	buf[len] = '\0';
	mbuf_freem(m);
	printf("ctlkext: send from unit %u: \"%s\"\n", unit, buf);
#if !CK_SLEEPER
	if (len == 4 && memcmp(buf, "ping", 4) == 0)
		return ctl_enqueuedata(ref, unit, pong, 4, CTL_DATA_EOR);
	return 0;
#else
	lck_mtx_lock(mtx);
	strlcpy(answer, buf, sizeof(answer));
	answered = 1;
	lck_mtx_unlock(mtx);
	wakeup(&answered);
	return 0;
#endif
}

static errno_t
ck_setopt(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, int opt, void *data, size_t len)
{
	if (opt != OPT_ENABLE)
		return ENOTSUP;
	if (data == NULL || len < sizeof(int))
		return EINVAL;
	enabled = *(int *)data != 0;
	printf("ctlkext: logging %s\n", enabled ? "on" : "off");
	return 0;
}

static errno_t
ck_getopt(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, int opt, void *data, size_t *len)
{
	const void *src;
	size_t size;

	switch (opt) {
	case OPT_ENABLE:
		src = &enabled;
		size = sizeof(enabled);
		break;
	case OPT_STATS:
		src = &st;
		size = sizeof(st);
		break;
	default:
		return ENOTSUP;
	}
	if (data == NULL) {
		*len = size;
		return 0;
	}
	if (*len > size)
		*len = size;
	memcpy(data, src, *len);
	return 0;
}

static struct kern_ctl_reg ctl_reg = {
    CTL_NAME, 0, 0, 0, 0, 0, ck_connect, ck_disconnect, ck_send, ck_setopt, ck_getopt,
};

/* --- The IP filters ------------------------------------------------------ */

static void
packet(int out, u_int8_t proto, mbuf_t m)
{
	struct {
		u_int8_t dir;
		u_int8_t proto;
		u_int16_t pad;
		u_int32_t len;
	} rec;

	st.packets++;
#if !CK_SLEEPER
	if (!enabled || !connected)
		return;
	rec.dir = (u_int8_t)out;
	rec.proto = proto;
	rec.pad = 0;
	rec.len = (u_int32_t)mbuf_pkthdr_len(m);
	if (ctl_enqueuedata(ctl_ref, client_unit, &rec, sizeof(rec), CTL_DATA_EOR) == 0)
		st.records++;
	else
		st.dropped++;
#else
	(void)rec;
	if (!out || asked)
		return;
	asked = 1;
	if (connected)
		ctl_enqueuedata(ctl_ref, client_unit, question, 9, CTL_DATA_EOR);
	lck_mtx_lock(mtx);
	for (;;) {
		int r = msleep(&answered, mtx, PSOCK, "ctlsleep", NULL);

		if (answered) {
			printf("ctlsleep: answered \"%s\" (msleep returned %d)\n", answer, r);
			break;
		}
#if CTLKEXT_MODE == 2
		printf("ctlsleep: no answer (msleep returned %d)\n", r);
		break;
#endif
	}
	lck_mtx_unlock(mtx);
#endif
}

static errno_t
ck_ipf_input(void *cookie, mbuf_t *data, int offset, u_int8_t protocol)
{
	packet(0, protocol, *data);
	return 0;
}

static errno_t
ck_ipf_output(void *cookie, mbuf_t *data, ipf_pktopts_t options)
{
	u_int8_t hdr[10];

	if (mbuf_copydata(*data, 0, sizeof(hdr), hdr) != 0)
		return 0;
	packet(1, (hdr[0] >> 4) == 6 ? hdr[6] : hdr[9], *data);
	return 0;
}

static void
ck_ipf_detach(void *cookie)
{
	*(int *)cookie = 1;
}

static struct ipf_filter ipf4 = {&ipf4_gone, "ctlkext.v4", ck_ipf_input, ck_ipf_output,
                                 ck_ipf_detach};
static struct ipf_filter ipf6 = {&ipf6_gone, "ctlkext.v6", ck_ipf_input, ck_ipf_output,
                                 ck_ipf_detach};

/* --- Start and stop -------------------------------------------------------- */

kern_return_t
ctlkext_start(kmod_info_t *ki, void *d)
{
	errno_t r;

	grp = lck_grp_alloc_init("ctlkext", LCK_GRP_ATTR_NULL);
	mtx = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	r = ctl_register(&ctl_reg, &ctl_ref);
	if (r != 0) {
		printf("ctlkext: ctl_register failed: %d\n", r);
		lck_mtx_free(mtx, grp);
		lck_grp_free(grp);
		return KERN_FAILURE;
	}
	ctl_registered = 1;
	printf("ctlkext: registered \"%s\" id %u sendsize %u recvsize %u\n", ctl_reg.ctl_name,
	       ctl_reg.ctl_id, ctl_reg.ctl_sendsize, ctl_reg.ctl_recvsize);
	ipf4_on = ipf_addv4(&ipf4, &ipf4_ref) == 0;
	ipf6_on = ipf_addv6(&ipf6, &ipf6_ref) == 0;
	return KERN_SUCCESS;
}

kern_return_t
ctlkext_stop(kmod_info_t *ki, void *d)
{
	if (ctl_registered && CTLKEXT_MODE != 4) {
		errno_t r = ctl_deregister(ctl_ref);

		if (r != 0) {
			printf("ctlkext: ctl_deregister: %d\n", r);
			return EBUSY;
		}
		ctl_registered = 0;
	}
	if (!stopping) {
		stopping = 1;
		if (ipf4_on)
			ipf_remove(ipf4_ref);
		if (ipf6_on)
			ipf_remove(ipf6_ref);
	}
	if ((ipf4_on && !ipf4_gone) || (ipf6_on && !ipf6_gone))
		return EBUSY;
	lck_mtx_free(mtx, grp);
	lck_grp_free(grp);
	printf("ctlkext: stopped: %u packets, %u records queued, %u refused\n", st.packets,
	       st.records, st.dropped);
	return KERN_SUCCESS;
}
