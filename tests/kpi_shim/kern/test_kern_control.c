/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_kern_control.c - tests of kpi_shim/kern/kern_control.c (kernel
 * world): registration rules, the client side the host plays (connect,
 * send, setopt, getopt, disconnect, recv, info) and the order of the kext's
 * callbacks, the receive buffer (ENOBUFS, datagram records, EOR merging,
 * NOWAKEUP), mbuf ownership, privileged controls, the client's process and
 * thread, and sleeps that wait for a client (answered, or reported).
 *
 * The host's view (ho_ctl_recv, ho_ctl_idle, ho_verdict) is recorded by
 * swapping in a copy of the hostops table with those members set.
 */
#include <nke_svc.h> /* first: KERNEL_PRIVATE, thread internals */
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <sys/param.h>
#include <sys/proc.h>
#include <sys/kauth.h>
#include <sys/socket.h>
#include <sys/sys_domain.h>
#include <sys/kern_control.h>
#include <sys/kpi_mbuf.h>
#include <kern/locks.h>
#include <kern/thread.h>
#include <kern/sched_prim.h>
#include <mach/mach_time.h>
#include <IOKit/IOLib.h>
#include "nkt.h"

/* --- The host's side, recorded ------------------------------------------ */

#define MAXMSG 64

struct rmsg {
	u_int32_t client;
	u_int8_t data[512];
	size_t len;
	u_int32_t flags;
};

static struct rmsg msgs[MAXMSG];
static unsigned nmsgs;
static u_int32_t vd_hooks[64];
static int vd_results[64];
static char vd_details[64][96];
static unsigned nvd;
static struct nks_hostops my_ops;
static const struct nks_hostops *saved_ops;
static int (*idle_fn)(const char *sleeper, const char *kext);
static char idle_who[128];
static unsigned idle_msgs_seen; /* messages delivered before the idle call */

static void
rec_recv(void *arg, nks_u32 client, const nks_u8 *data, nks_size len, nks_u32 flags)
{
	struct rmsg *r;

	(void)arg;
	KT_ASSERT(nmsgs < MAXMSG);
	r = &msgs[nmsgs++];
	r->client = client;
	r->len = len;
	r->flags = flags;
	memcpy(r->data, data, len < sizeof(r->data) ? len : sizeof(r->data));
}

static void
rec_verdict(void *arg, const struct nks_verdict *vd)
{
	(void)arg;
	if (nvd < 64) {
		vd_hooks[nvd] = vd->vd_hook;
		vd_results[nvd] = vd->vd_result;
		strlcpy(vd_details[nvd], vd->vd_detail != NULL ? vd->vd_detail : "",
		    sizeof(vd_details[0]));
		nvd++;
	}
}

static int
rec_idle(void *arg, const char *sleeper, const char *kext)
{
	(void)arg;
	strlcpy(idle_who, sleeper, sizeof(idle_who));
	idle_msgs_seen = nmsgs;
	return idle_fn != NULL ? idle_fn(sleeper, kext) : 0;
}

static void
host_on(void)
{
	saved_ops = nke__hostops;
	my_ops = *saved_ops;
	my_ops.ho_ctl_recv = rec_recv;
	my_ops.ho_verdict = rec_verdict;
	my_ops.ho_ctl_idle = rec_idle;
	nke__hostops = &my_ops;
	nmsgs = 0;
	nvd = 0;
	idle_fn = NULL;
	idle_who[0] = '\0';
}

static void
host_off(void)
{
	nke__hostops = saved_ops;
}

/* --- A test control ------------------------------------------------------ */

#define LOGMAX 32

static char cblog[LOGMAX][64];
static unsigned ncb;
static kern_ctl_ref the_ref;
static int connect_result;
static int unitinfo_token;
static errno_t deregister_in_disconnect;
static int enqueue_in_connect;
static errno_t enqueue_in_disconnect;
static mbuf_t sent;
static int sent_flags;
static int keep_sent;
static size_t sent_sizes[8];
static unsigned nsent;
static int getopt_overflow;
static int setopt_data_null;
static size_t setopt_len;
static u_int8_t setopt_bytes[16];
static int conn_pid, conn_uid;
static thread_t conn_thread;
static int wake_chan;

static void
logcb(const char *what, u_int32_t unit)
{
	KT_ASSERT(ncb < LOGMAX);
	nke__snprintf(cblog[ncb++], sizeof(cblog[0]), "%s %u", what, unit);
}

/* ctl_enqueuedata takes a non-const pointer. */
static void *
W(const char *s)
{
	return (void *)(uintptr_t)s;
}

static errno_t
t_connect(kern_ctl_ref ref, struct sockaddr_ctl *sac, void **unitinfo)
{
	KT_ASSERT_PTR_EQ(ref, the_ref);
	KT_ASSERT_EQ(sac->sc_len, sizeof(struct sockaddr_ctl));
	KT_ASSERT_EQ(sac->sc_family, AF_SYSTEM);
	KT_ASSERT_EQ(sac->ss_sysaddr, AF_SYS_CONTROL);
	KT_ASSERT(*unitinfo == NULL);
	logcb("connect", sac->sc_unit);
	conn_pid = proc_selfpid();
	conn_uid = (int)kauth_getuid();
	conn_thread = current_thread();
	*unitinfo = &unitinfo_token;
	if (enqueue_in_connect)
		KT_ASSERT_EQ(ctl_enqueuedata(ref, sac->sc_unit, W("hello"), 5, CTL_DATA_EOR), 0);
	return connect_result;
}

static errno_t
t_disconnect(kern_ctl_ref ref, u_int32_t unit, void *unitinfo)
{
	KT_ASSERT_PTR_EQ(unitinfo, &unitinfo_token);
	logcb("disconnect", unit);
	deregister_in_disconnect = ctl_deregister(ref);
	enqueue_in_disconnect = ctl_enqueuedata(ref, unit, W("bye"), 3, 0);
	return 0;
}

static errno_t
t_send(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, mbuf_t m, int flags)
{
	(void)ref;
	KT_ASSERT_PTR_EQ(unitinfo, &unitinfo_token);
	logcb("send", unit);
	if (nsent < 8)
		sent_sizes[nsent++] = mbuf_pkthdr_len(m);
	sent_flags = flags;
	if (keep_sent)
		sent = m; /* the test frees it */
	else
		mbuf_freem(m);
	wakeup(&wake_chan);
	return 0;
}

static errno_t
t_setopt(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, int opt, void *data, size_t len)
{
	(void)ref;
	(void)unitinfo;
	logcb("setopt", unit);
	setopt_data_null = data == NULL;
	setopt_len = len;
	if (data != NULL && len <= sizeof(setopt_bytes))
		memcpy(setopt_bytes, data, len);
	return opt == 99 ? ENOTSUP : 0;
}

static errno_t
t_getopt(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, int opt, void *data, size_t *len)
{
	static const u_int8_t answer[6] = {1, 2, 3, 4, 5, 6};

	(void)ref;
	(void)unitinfo;
	logcb("getopt", unit);
	if (opt == 7) { /* echo what the buffer held, plus one */
		if (data != NULL)
			((u_int8_t *)data)[0]++;
		return 0;
	}
	if (data == NULL) {
		*len = sizeof(answer);
		return 0;
	}
	if (getopt_overflow) {
		*len += 1;
		return 0;
	}
	if (*len > sizeof(answer))
		*len = sizeof(answer);
	memcpy(data, answer, *len);
	return 0;
}

static struct kern_ctl_reg reg;

static void
reg_init(const char *name, u_int32_t flags)
{
	memset(&reg, 0, sizeof(reg));
	strlcpy(reg.ctl_name, name, sizeof(reg.ctl_name));
	reg.ctl_flags = flags;
	reg.ctl_connect = t_connect;
	reg.ctl_disconnect = t_disconnect;
	reg.ctl_send = t_send;
	reg.ctl_setopt = t_setopt;
	reg.ctl_getopt = t_getopt;
}

static void
fresh(void)
{
	ncb = 0;
	connect_result = 0;
	deregister_in_disconnect = -1;
	enqueue_in_connect = 0;
	enqueue_in_disconnect = -1;
	sent = NULL;
	keep_sent = 1;
	nsent = 0;
	getopt_overflow = 0;
	host_on();
}

/* Register the test control (dynamic, datagram). */
static void
reg_test(u_int32_t flags)
{
	fresh();
	reg_init("com.nkesim.test.ctl", flags);
	KT_ASSERT_EQ(ctl_register(&reg, &the_ref), 0);
}

static void
done(void)
{
	KT_ASSERT_EQ(ctl_deregister(the_ref), 0);
	host_off();
}

static u_int32_t
connect_client(u_int32_t *unit)
{
	nks_u32 client = 0, u = 0;

	KT_ASSERT_EQ(NKS_ctl_connect("com.nkesim.test.ctl", 0, 0, &client, &u), 0);
	KT_ASSERT(client != 0);
	if (unit != NULL)
		*unit = u;
	return client;
}

/* --- Registration ------------------------------------------------------- */

static void
test_register_errors(void)
{
	kern_ctl_ref r1, r2, r3;
	char longname[MAX_KCTL_NAME];

	fresh();
	KT_ASSERT_EQ(ctl_register(NULL, &r1), EINVAL);
	KT_ASSERT_NULL(r1);
	reg_init("a", 0);
	reg.ctl_connect = NULL;
	KT_ASSERT_EQ(ctl_register(&reg, &r1), EINVAL);
	reg_init("", 0);
	KT_ASSERT_EQ(ctl_register(&reg, &r1), EINVAL);
	/* 96 bytes without a NUL: refused; 95 and a NUL: fine. */
	reg_init("x", 0);
	memset(longname, 'n', sizeof(longname));
	memcpy(reg.ctl_name, longname, sizeof(reg.ctl_name));
	KT_ASSERT_EQ(ctl_register(&reg, &r1), EINVAL);
	reg.ctl_name[MAX_KCTL_NAME - 1] = '\0';
	KT_ASSERT_EQ(ctl_register(&reg, &r1), 0);
	KT_ASSERT_EQ(ctl_deregister(r1), 0);

	/* Dynamic: id and default sizes written back; a name only once. */
	reg_init("com.nkesim.a", 0);
	KT_ASSERT_EQ(ctl_register(&reg, &r1), 0);
	KT_ASSERT(reg.ctl_id != 0);
	KT_ASSERT_EQ(reg.ctl_sendsize, 2048);
	KT_ASSERT_EQ(reg.ctl_recvsize, 8192);
	KT_ASSERT_EQ(ctl_register(&reg, &r2), EEXIST);
	KT_ASSERT_NULL(r2);
	reg_init("com.nkesim.b", 0);
	reg.ctl_sendsize = 100;
	reg.ctl_recvsize = 300;
	KT_ASSERT_EQ(ctl_register(&reg, &r2), 0);
	KT_ASSERT_EQ(reg.ctl_sendsize, 100);
	KT_ASSERT_EQ(reg.ctl_recvsize, 300);
	KT_ASSERT(r2 != r1);

	/* Static: id/unit pairs, names not checked; a dynamic id matches any unit. */
	reg_init("com.nkesim.static", CTL_FLAG_REG_ID_UNIT);
	reg.ctl_id = 0x1000;
	reg.ctl_unit = 5;
	KT_ASSERT_EQ(ctl_register(&reg, &r3), 0);
	KT_ASSERT_EQ(reg.ctl_id, 0x1000);
	KT_ASSERT_EQ(ctl_register(&reg, &r3), EEXIST);
	reg.ctl_unit = 6;
	KT_ASSERT_EQ(ctl_register(&reg, &r3), 0);
	KT_ASSERT_EQ(ctl_deregister(r3), 0);
	reg_init("com.nkesim.a", CTL_FLAG_REG_ID_UNIT);
	reg.ctl_id = 1;
	reg.ctl_unit = 9;
	{
		struct nks_ctl_info ci;
		unsigned i;
		u_int32_t dyn_id = 0;

		for (i = 0; NKS_ctl_info(i, &ci) == 0; i++)
			if (strcmp(ci.ci_name, "com.nkesim.b") == 0)
				dyn_id = ci.ci_id;
		KT_ASSERT(dyn_id != 0);
		reg.ctl_id = dyn_id;
		KT_ASSERT_EQ(ctl_register(&reg, &r3), EEXIST);
	}

	/* A stale reference is refused. */
	KT_ASSERT_EQ(ctl_deregister(r1), 0);
	KT_ASSERT_EQ(ctl_deregister(r1), EINVAL);
	KT_ASSERT_EQ(ctl_deregister(NULL), EINVAL);
	KT_ASSERT_EQ(ctl_enqueuedata(r1, 1, W("x"), 1, 0), EINVAL);

	/* No memory for the control. */
	reg_init("com.nkesim.c", 0);
	NKT_fail_alloc(NKS_ALLOC_KERNEL, 0, 1);
	KT_ASSERT_EQ(ctl_register(&reg, &r1), ENOMEM);
	NKT_fail_reset();
	KT_ASSERT_EQ(ctl_register(&reg, &r1), 0);
	KT_ASSERT_EQ(ctl_deregister(r1), 0);
	KT_ASSERT_EQ(ctl_deregister(r2), 0);
	/* The static one left: every static registration is its own. */
	for (;;) {
		struct nks_ctl_info ci;

		if (NKS_ctl_info(0, &ci) != 0)
			break;
		KT_ASSERT_STR_EQ(ci.ci_name, "com.nkesim.static");
		KT_ASSERT_EQ(ci.ci_unit, 5);
		KT_ASSERT_EQ(ci.ci_flags, NKS_CTLF_STATIC);
		KT_ASSERT_EQ(NKS_ctl_info(1, &ci), ENOENT);
		break;
	}
	host_off();
}

static void
test_info_lists_in_id_order(void)
{
	struct nks_ctl_info ci;
	kern_ctl_ref r1, r2;

	fresh();
	reg_init("com.nkesim.static", CTL_FLAG_REG_ID_UNIT | CTL_FLAG_PRIVILEGED |
	    CTL_FLAG_REG_SOCK_STREAM);
	reg.ctl_id = 0x5000;
	reg.ctl_unit = 3;
	KT_ASSERT_EQ(ctl_register(&reg, &r1), 0);
	reg_init("com.nkesim.dyn", 0);
	KT_ASSERT_EQ(ctl_register(&reg, &r2), 0);
	/* One past the highest id. */
	KT_ASSERT_EQ(reg.ctl_id, 0x5001);
	KT_ASSERT_EQ(NKS_ctl_info(0, &ci), 0);
	KT_ASSERT_STR_EQ(ci.ci_name, "com.nkesim.static");
	KT_ASSERT_EQ(ci.ci_flags, NKS_CTLF_STATIC | NKS_CTLF_PRIVILEGED | NKS_CTLF_STREAM);
	KT_ASSERT_EQ(ci.ci_unit, 3);
	KT_ASSERT_EQ(ci.ci_kext, 0);
	KT_ASSERT_EQ(NKS_ctl_info(1, &ci), 0);
	KT_ASSERT_STR_EQ(ci.ci_name, "com.nkesim.dyn");
	KT_ASSERT_EQ(ci.ci_id, 0x5001);
	KT_ASSERT_EQ(ci.ci_clients, 0);
	KT_ASSERT_EQ(NKS_ctl_info(2, &ci), ENOENT);
	KT_ASSERT_EQ(NKS_ctl_info(0, NULL), EINVAL);
	KT_ASSERT_EQ(ctl_deregister(r1), 0);
	KT_ASSERT_EQ(ctl_deregister(r2), 0);
	host_off();
}

/* --- Connect and disconnect ---------------------------------------------- */

static void
test_connect_disconnect_order(void)
{
	u_int32_t c1, c2, u1, u2;
	struct nks_ctl_info ci;

	reg_test(0);
	c1 = connect_client(&u1);
	c2 = connect_client(&u2);
	KT_ASSERT_EQ(u1, 1);
	KT_ASSERT_EQ(u2, 2);
	KT_ASSERT(c1 != c2);
	KT_ASSERT_EQ(NKS_ctl_info(0, &ci), 0);
	KT_ASSERT_EQ(ci.ci_clients, 2);
	/* The client's process and thread, as XNU runs the callback. */
	KT_ASSERT_EQ(conn_pid, 900);
	KT_ASSERT_EQ(conn_uid, 0);
	KT_ASSERT(conn_thread != current_thread());
	KT_ASSERT_EQ(proc_selfpid(), 0);
	/* Busy while clients are connected. */
	KT_ASSERT_EQ(ctl_deregister(the_ref), EBUSY);
	KT_ASSERT_EQ(NKS_ctl_disconnect(c1), 0);
	KT_ASSERT_EQ(NKS_ctl_disconnect(c1), ENOTCONN);
	/* Unit 1 is free again: the lowest free unit is taken. */
	c1 = connect_client(&u1);
	KT_ASSERT_EQ(u1, 1);
	KT_ASSERT_EQ(NKS_ctl_disconnect(c2), 0);
	/* ctl_deregister inside ctl_disconnect: the unit is still there. */
	KT_ASSERT_EQ(deregister_in_disconnect, EBUSY);
	KT_ASSERT_EQ(NKS_ctl_disconnect(c1), 0);
	KT_ASSERT_EQ(ncb, 6);
	KT_ASSERT_STR_EQ(cblog[0], "connect 1");
	KT_ASSERT_STR_EQ(cblog[1], "connect 2");
	KT_ASSERT_STR_EQ(cblog[2], "disconnect 1");
	KT_ASSERT_STR_EQ(cblog[3], "connect 1");
	KT_ASSERT_STR_EQ(cblog[4], "disconnect 2");
	KT_ASSERT_STR_EQ(cblog[5], "disconnect 1");
	/* The verdicts say the same. */
	KT_ASSERT(nvd >= 5);
	KT_ASSERT_EQ(vd_hooks[0], NKS_HOOK_CTL_CONNECT);
	KT_ASSERT_STR_EQ(vd_details[0], "unit=1");
	KT_ASSERT_EQ(vd_hooks[2], NKS_HOOK_CTL_DISCONNECT);
	done();
}

static void
test_connect_failure_still_disconnects(void)
{
	nks_u32 client = 77, unit = 77;

	reg_test(0);
	connect_result = EPERM;
	enqueue_in_connect = 1;
	KT_ASSERT_EQ(NKS_ctl_connect("com.nkesim.test.ctl", 0, 0, &client, &unit), EPERM);
	KT_ASSERT_EQ(client, 0);
	KT_ASSERT_EQ(unit, 0);
	KT_ASSERT_EQ(ncb, 2);
	KT_ASSERT_STR_EQ(cblog[0], "connect 1");
	KT_ASSERT_STR_EQ(cblog[1], "disconnect 1");
	KT_ASSERT_EQ(vd_hooks[0], NKS_HOOK_CTL_CONNECT);
	KT_ASSERT_EQ(vd_results[0], EPERM);
	KT_ASSERT_EQ(vd_hooks[1], NKS_HOOK_CTL_DISCONNECT);
	/* The data queued during the failed connect went with the socket. */
	KT_ASSERT_EQ(nmsgs, 0);
	done();
}

static void
test_connect_errors(void)
{
	nks_u32 client, unit, c2;
	kern_ctl_ref sref, pref;

	reg_test(CTL_FLAG_PRIVILEGED);
	pref = the_ref;
	KT_ASSERT_EQ(NKS_ctl_connect("com.nkesim.nothere", 0, 0, &client, &unit), ENOENT);
	KT_ASSERT_EQ(NKS_ctl_connect("", 0, 0, &client, &unit), EINVAL);
	KT_ASSERT_EQ(NKS_ctl_connect(NULL, 0, 0, &client, &unit), EINVAL);
	/* A datagram control refuses a stream socket. */
	KT_ASSERT_EQ(NKS_ctl_connect("com.nkesim.test.ctl", 0, NKS_CTL_STREAM, &client, &unit),
	    EPROTOTYPE);
	/* Root only. */
	KT_ASSERT_EQ(NKS_ctl_connect("com.nkesim.test.ctl", 0, NKS_CTL_NONROOT, &client, &unit),
	    EPERM);
	KT_ASSERT_EQ(ncb, 0);
	/* A unit the client chose: taken once. */
	KT_ASSERT_EQ(NKS_ctl_connect("com.nkesim.test.ctl", 40, 0, &client, &unit), 0);
	KT_ASSERT_EQ(unit, 40);
	KT_ASSERT_EQ(NKS_ctl_connect("com.nkesim.test.ctl", 40, 0, &c2, &unit), EBUSY);
	KT_ASSERT_EQ(NKS_ctl_disconnect(client), 0);

	/* A static control is found by id and its own unit. */
	reg_init("com.nkesim.static", CTL_FLAG_REG_ID_UNIT);
	reg.ctl_id = 0x7000;
	reg.ctl_unit = 12;
	KT_ASSERT_EQ(ctl_register(&reg, &sref), 0);
	KT_ASSERT_EQ(NKS_ctl_connect("com.nkesim.static", 0, 0, &client, &unit), ENOENT);
	the_ref = sref;
	KT_ASSERT_EQ(NKS_ctl_connect("com.nkesim.static", 12, 0, &client, &unit), 0);
	KT_ASSERT_EQ(unit, 12);
	KT_ASSERT_EQ(NKS_ctl_connect("com.nkesim.static", 12, 0, &c2, &unit), EBUSY);
	KT_ASSERT_EQ(NKS_ctl_disconnect(client), 0);
	KT_ASSERT_EQ(ctl_deregister(sref), 0);
	/* The privileged one is still there. */
	{
		struct nks_ctl_info ci;

		KT_ASSERT_EQ(NKS_ctl_info(0, &ci), 0);
		KT_ASSERT_STR_EQ(ci.ci_name, "com.nkesim.test.ctl");
		KT_ASSERT_EQ(ci.ci_flags, NKS_CTLF_PRIVILEGED);
		KT_ASSERT_EQ(NKS_ctl_info(1, &ci), ENOENT);
	}
	the_ref = pref;
	done();
}

static void
test_nonroot_client_process(void)
{
	nks_u32 client, unit;

	reg_test(0);
	KT_ASSERT_EQ(NKS_ctl_connect("com.nkesim.test.ctl", 0, NKS_CTL_NONROOT, &client, &unit),
	    0);
	KT_ASSERT_EQ(conn_uid, 501);
	KT_ASSERT_EQ(conn_pid, 900);
	KT_ASSERT_EQ(NKS_ctl_disconnect(client), 0);
	done();
}

/* --- The receive buffer ---------------------------------------------------- */

static void
test_enqueue_records_and_enobufs(void)
{
	static u_int8_t big[8192];
	u_int32_t c, unit, diff = 9;
	size_t space = 0;

	reg_test(0);
	enqueue_in_connect = 1;
	c = connect_client(&unit);
	/* Queued in ctl_connect: there for the first read. */
	KT_ASSERT_EQ(NKS_ctl_recv(c), 0);
	KT_ASSERT_EQ(nmsgs, 1);
	KT_ASSERT_MEM_EQ(msgs[0].data, "hello", 5);
	KT_ASSERT_EQ(msgs[0].flags, NKS_CTL_EOR);
	nmsgs = 0;

	KT_ASSERT_EQ(ctl_getenqueuespace(the_ref, unit, &space), 0);
	KT_ASSERT_EQ(space, 8192);
	KT_ASSERT_EQ(ctl_getenqueuereadable(the_ref, unit, &diff), 0);
	KT_ASSERT_EQ(diff, 1);
	/* Datagram records: without EOR a message joins the record before it. */
	KT_ASSERT_EQ(ctl_enqueuedata(the_ref, unit, W("aa"), 2, 0), 0);
	KT_ASSERT_EQ(NKT_warnings("ctl-record-merged"), 0);
	KT_ASSERT_EQ(ctl_enqueuedata(the_ref, unit, W("bbb"), 3, 0), 0);
	KT_ASSERT_EQ(NKT_warnings("ctl-record-merged"), 1);
	KT_ASSERT_EQ(ctl_enqueuedata(the_ref, unit, W("cccc"), 4, CTL_DATA_EOR), 0);
	KT_ASSERT_EQ(ctl_enqueuedata(the_ref, unit, W("d"), 1, 0), 0);
	KT_ASSERT_EQ(ctl_getenqueuespace(the_ref, unit, &space), 0);
	KT_ASSERT_EQ(space, 8192 - 10);
	KT_ASSERT_EQ(ctl_getenqueuereadable(the_ref, unit, &diff), 0);
	KT_ASSERT_EQ(diff, 0);
	/* The whole message must fit, or nothing is queued. */
	KT_ASSERT_EQ(ctl_enqueuedata(the_ref, unit, big, sizeof(big), 0), ENOBUFS);
	KT_ASSERT_EQ(ctl_enqueuedata(the_ref, unit, big, 8192 - 10, CTL_DATA_EOR), 0);
	KT_ASSERT_EQ(ctl_getenqueuespace(the_ref, unit, &space), 0);
	KT_ASSERT_EQ(space, 0);
	KT_ASSERT_EQ(ctl_enqueuedata(the_ref, unit, W("e"), 1, 0), ENOBUFS);
	KT_ASSERT_EQ(ctl_enqueuedata(the_ref, unit, W(""), 0, 0), 0); /* 0 bytes fit */
	KT_ASSERT_EQ(NKT_warnings("ctl-record-merged"), 1);	/* once per control */
	/* Other units and controls are not there. */
	KT_ASSERT_EQ(ctl_enqueuedata(the_ref, unit + 1, W("x"), 1, 0), EINVAL);
	KT_ASSERT_EQ(ctl_getenqueuespace(the_ref, unit + 1, &space), EINVAL);
	KT_ASSERT_EQ(space, 0);
	KT_ASSERT_EQ(ctl_getenqueuespace(the_ref, unit, NULL), EINVAL);
	KT_ASSERT_EQ(ctl_getenqueuereadable(the_ref, unit + 1, &diff), EINVAL);

	nmsgs = 0;
	KT_ASSERT_EQ(NKS_ctl_recv(c), 0);
	KT_ASSERT_EQ(nmsgs, 6);
	KT_ASSERT_EQ(msgs[0].len, 2);
	KT_ASSERT_EQ(msgs[0].flags, 0);
	KT_ASSERT_EQ(msgs[1].flags, 0);
	KT_ASSERT_MEM_EQ(msgs[2].data, "cccc", 4);
	KT_ASSERT_EQ(msgs[2].flags, NKS_CTL_EOR);
	KT_ASSERT_EQ(msgs[3].flags, 0); /* "d" joins the big one's record */
	KT_ASSERT_EQ(msgs[4].flags, NKS_CTL_EOR);
	/* The last one read ends a record: recv() returned it. */
	KT_ASSERT_EQ(msgs[5].len, 0);
	KT_ASSERT_EQ(msgs[5].flags, NKS_CTL_EOR);
	KT_ASSERT_EQ(ctl_getenqueuespace(the_ref, unit, &space), 0);
	KT_ASSERT_EQ(space, 8192);
	KT_ASSERT_EQ(NKS_ctl_recv(c + 1000), ENOTCONN);

	/* Gone: EINVAL; queued in ctl_disconnect: accepted, never read. */
	nmsgs = 0;
	KT_ASSERT_EQ(NKS_ctl_disconnect(c), 0);
	KT_ASSERT_EQ(enqueue_in_disconnect, 0);
	KT_ASSERT_EQ(ctl_enqueuedata(the_ref, unit, W("x"), 1, 0), EINVAL);
	KT_ASSERT_EQ(nmsgs, 0);
	/* Queueing to a unit whose client left is a kext bug: reported. */
	KT_ASSERT_EQ(NKT_reports("ctl-enqueue-disconnected"), 1);
	KT_ASSERT(strstr(NKT_last_message("ctl-enqueue-disconnected"), "ctl_enqueuedata on unit") !=
	          NULL);
	done();
}

static void
test_stream_and_nowakeup(void)
{
	nks_u32 c, unit;

	reg_test(CTL_FLAG_REG_SOCK_STREAM);
	KT_ASSERT_EQ(NKS_ctl_connect("com.nkesim.test.ctl", 0, 0, &c, &unit), EPROTOTYPE);
	KT_ASSERT_EQ(NKS_ctl_connect("com.nkesim.test.ctl", 0, NKS_CTL_STREAM, &c, &unit), 0);
	KT_ASSERT_EQ(ctl_enqueuedata(the_ref, unit, W("ab"), 2, 0), 0);
	KT_ASSERT_EQ(ctl_enqueuedata(the_ref, unit, W("cd"), 2, CTL_DATA_EOR), 0);
	KT_ASSERT_EQ(ctl_enqueuedata(the_ref, unit, W("ef"), 2, 0), 0);
	KT_ASSERT_EQ(NKS_ctl_recv(c), 0);
	KT_ASSERT_EQ(nmsgs, 3);
	/* A stream has no records: EOR only where the kext put it. */
	KT_ASSERT_EQ(msgs[0].flags, 0);
	KT_ASSERT_EQ(msgs[1].flags, NKS_CTL_EOR);
	KT_ASSERT_EQ(msgs[2].flags, 0);
	KT_ASSERT_EQ(NKT_warnings("ctl-record-merged"), 0);
	/* The reader sleeps in recv(): NOWAKEUP data waits for a wakeup. */
	nmsgs = 0;
	KT_ASSERT_EQ(ctl_enqueuedata(the_ref, unit, W("g"), 1, CTL_DATA_NOWAKEUP), 0);
	KT_ASSERT_EQ(NKS_ctl_recv(c), 0);
	KT_ASSERT_EQ(nmsgs, 0);
	KT_ASSERT_EQ(ctl_enqueuedata(the_ref, unit, W("h"), 1, 0), 0);
	KT_ASSERT_EQ(NKS_ctl_recv(c), 0);
	KT_ASSERT_EQ(nmsgs, 2);
	KT_ASSERT_MEM_EQ(msgs[0].data, "g", 1);
	KT_ASSERT_MEM_EQ(msgs[1].data, "h", 1);
	KT_ASSERT_EQ(NKS_ctl_disconnect(c), 0);
	done();
}

static void
test_enqueuembuf_ownership(void)
{
	u_int32_t c, unit;
	mbuf_t m, n;
	size_t space;

	static u_int8_t filler[6000];

	reg_test(0);
	c = connect_client(&unit);
	KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, 3000, NULL, &m), 0);
	KT_ASSERT_EQ(mbuf_copyback(m, 0, sizeof(filler) / 2, filler, MBUF_WAITOK), 0);
	KT_ASSERT_EQ(mbuf_copyback(m, 0, 5, "mbuf!", MBUF_WAITOK), 0);
	KT_ASSERT_EQ(mbuf_pkthdr_len(m), 3000);
	/* Not queued: the caller keeps m. */
	KT_ASSERT_EQ(ctl_enqueuembuf(the_ref, unit + 1, m, 0), EINVAL);
	KT_ASSERT_EQ(ctl_enqueuedata(the_ref, unit, filler, sizeof(filler), 0), 0);
	KT_ASSERT_EQ(ctl_enqueuembuf(the_ref, unit, m, CTL_DATA_EOR), ENOBUFS);
	KT_ASSERT_EQ(NKS_ctl_recv(c), 0);
	KT_ASSERT_EQ(nmsgs, 1);
	/* Queued: consumed (the client's read frees it). */
	KT_ASSERT_EQ(ctl_enqueuembuf(the_ref, unit, m, CTL_DATA_EOR), 0);
	KT_ASSERT_EQ(ctl_getenqueuespace(the_ref, unit, &space), 0);
	KT_ASSERT_EQ(space, 8192 - 3000);
	/* The space check uses the packet header's length. */
	KT_ASSERT_EQ(mbuf_allocpacket(MBUF_WAITOK, 100, NULL, &n), 0);
	mbuf_pkthdr_setlen(n, 8000);
	KT_ASSERT_EQ(ctl_enqueuembuf(the_ref, unit, n, 0), ENOBUFS);
	mbuf_freem(n);
	nmsgs = 0;
	KT_ASSERT_EQ(NKS_ctl_recv(c), 0);
	KT_ASSERT_EQ(nmsgs, 1);
	KT_ASSERT_EQ(msgs[0].len, 3000);
	KT_ASSERT_MEM_EQ(msgs[0].data, "mbuf!", 5);
	KT_ASSERT_EQ(NKS_ctl_disconnect(c), 0);
	done();
}

static void
enqueue_null_mbuf(void *arg)
{
	(void)ctl_enqueuembuf(the_ref, *(u_int32_t *)arg, NULL, 0);
}

static void
test_enqueue_failures(void)
{
	static u_int32_t unit;
	u_int32_t c;
	mbuf_t m;

	reg_test(0);
	c = connect_client(&unit);
	/* No mbuf for the copy: ENOMEM, nothing queued. */
	NKT_fail_alloc(NKS_ALLOC_MBUF, 0, 0);
	KT_ASSERT_EQ(ctl_enqueuedata(the_ref, unit, W("x"), 1, CTL_DATA_EOR), ENOMEM);
	NKT_fail_reset();
	/* An mbuf without a packet header: reported, queued by its length. */
	KT_ASSERT_EQ(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(mbuf_copyback(m, 0, 2, "ab", MBUF_WAITOK), 0);
	KT_ASSERT_EQ(ctl_enqueuembuf(the_ref, unit, m, CTL_DATA_EOR), 0);
	KT_ASSERT_EQ(NKT_reports("mbuf-no-pkthdr"), 1);
	KT_ASSERT_EQ(NKS_ctl_recv(c), 0);
	KT_ASSERT_EQ(nmsgs, 1);
	KT_ASSERT_MEM_EQ(msgs[0].data, "ab", 2);
	/* NULL: XNU reads its header and faults. */
	KT_EXPECT_PANIC(enqueue_null_mbuf, &unit, "ctl_enqueuembuf: NULL mbuf");
	KT_ASSERT_EQ(NKS_ctl_disconnect(c), 0);
	done();
}

/* --- send, setopt, getopt -------------------------------------------------- */

static void
test_send(void)
{
	static u_int8_t big[5000];
	u_int32_t c;
	u_int8_t buf[4];

	reg_test(0);
	c = connect_client(NULL);
	KT_ASSERT_EQ(NKS_ctl_send(c, "ping", 4), 0);
	KT_ASSERT(sent != NULL);
	KT_ASSERT_EQ(mbuf_pkthdr_len(sent), 4);
	KT_ASSERT_EQ(mbuf_copydata(sent, 0, 4, buf), 0);
	KT_ASSERT_MEM_EQ(buf, "ping", 4);
	KT_ASSERT_EQ(sent_flags, 0);
	mbuf_freem(sent);
	sent = NULL;
	/* A datagram larger than the send buffer. */
	KT_ASSERT_EQ(NKS_ctl_send(c, big, sizeof(big)), EMSGSIZE);
	KT_ASSERT(sent == NULL);
	KT_ASSERT_EQ(NKS_ctl_send(c + 1000, "x", 1), ENOTCONN);
	KT_ASSERT_EQ(vd_hooks[nvd - 1], NKS_HOOK_CTL_SEND);
	KT_ASSERT_STR_EQ(vd_details[nvd - 1], "unit=1 len=4");
	KT_ASSERT_EQ(NKS_ctl_disconnect(c), 0);
	KT_ASSERT_EQ(ctl_deregister(the_ref), 0);

	/* No ctl_send: ENOTSUP, the data freed by the kernel. */
	reg_init("com.nkesim.test.ctl", 0);
	reg.ctl_send = NULL;
	KT_ASSERT_EQ(ctl_register(&reg, &the_ref), 0);
	c = connect_client(NULL);
	KT_ASSERT_EQ(NKS_ctl_send(c, "x", 1), ENOTSUP);
	KT_ASSERT_EQ(NKS_ctl_disconnect(c), 0);
	done();
}

static void
test_stream_send_splits(void)
{
	static u_int8_t big[5000];
	nks_u32 c, unit;

	reg_test(CTL_FLAG_REG_SOCK_STREAM);
	KT_ASSERT_EQ(NKS_ctl_connect("com.nkesim.test.ctl", 0, NKS_CTL_STREAM, &c, &unit), 0);
	keep_sent = 0; /* the kext frees each piece as it comes */
	/* 5000 bytes through a 2048-byte send buffer: three ctl_send calls. */
	KT_ASSERT_EQ(NKS_ctl_send(c, big, sizeof(big)), 0);
	KT_ASSERT_EQ(nsent, 3);
	KT_ASSERT_EQ(sent_sizes[0], 2048);
	KT_ASSERT_EQ(sent_sizes[1], 2048);
	KT_ASSERT_EQ(sent_sizes[2], 904);
	KT_ASSERT_EQ(NKS_ctl_disconnect(c), 0);
	done();
}

static void
test_setopt_getopt(void)
{
	u_int32_t c;
	u_int8_t buf[8];
	nks_size len;

	reg_test(0);
	c = connect_client(NULL);
	/* setopt: a copy of the caller's bytes; NULL when there are none. */
	KT_ASSERT_EQ(NKS_ctl_setopt(c, 3, "\x2a\0\0\0", 4), 0);
	KT_ASSERT_EQ(setopt_len, 4);
	KT_ASSERT_EQ(setopt_data_null, 0);
	KT_ASSERT_MEM_EQ(setopt_bytes, "\x2a\0\0\0", 4);
	KT_ASSERT_EQ(NKS_ctl_setopt(c, 3, NULL, 0), 0);
	KT_ASSERT_EQ(setopt_len, 0);
	KT_ASSERT_EQ(setopt_data_null, 1);
	KT_ASSERT_EQ(NKS_ctl_setopt(c, 99, "x", 1), ENOTSUP);
	KT_ASSERT_EQ(vd_hooks[nvd - 1], NKS_HOOK_CTL_SETOPT);
	KT_ASSERT_EQ(vd_results[nvd - 1], ENOTSUP);
	KT_ASSERT_STR_EQ(vd_details[nvd - 1], "unit=1 opt=99 len=1");

	/* getopt: the answer, cut to the buffer. */
	len = sizeof(buf);
	memset(buf, 0, sizeof(buf));
	KT_ASSERT_EQ(NKS_ctl_getopt(c, 1, buf, &len), 0);
	KT_ASSERT_EQ(len, 6);
	KT_ASSERT_MEM_EQ(buf, "\1\2\3\4\5\6", 6);
	len = 2;
	KT_ASSERT_EQ(NKS_ctl_getopt(c, 1, buf, &len), 0);
	KT_ASSERT_EQ(len, 2);
	/* Size query: no buffer. */
	len = 0;
	KT_ASSERT_EQ(NKS_ctl_getopt(c, 1, NULL, &len), 0);
	KT_ASSERT_EQ(len, 6);
	KT_ASSERT_STR_EQ(vd_details[nvd - 1], "unit=1 opt=1 len=6 size-query");
	/* The kext's buffer starts with what the caller's held. */
	buf[0] = 41;
	len = 1;
	KT_ASSERT_EQ(NKS_ctl_getopt(c, 7, buf, &len), 0);
	KT_ASSERT_EQ(buf[0], 42);
	KT_ASSERT_EQ(NKS_ctl_getopt(c, 1, buf, NULL), EFAULT);
	KT_ASSERT_EQ(NKS_ctl_disconnect(c), 0);
	KT_ASSERT_EQ(NKS_ctl_setopt(c, 3, NULL, 0), ENOTCONN);
	len = 4;
	KT_ASSERT_EQ(NKS_ctl_getopt(c, 1, buf, &len), ENOTCONN);
	done();
}

static u_int32_t overflow_client;

static void
getopt_too_long(void *arg)
{
	u_int8_t buf[4];
	nks_size len = sizeof(buf);

	(void)arg;
	(void)NKS_ctl_getopt(overflow_client, 1, buf, &len);
}

static void
test_getopt_longer_than_buffer_panics(void)
{
	struct thread *mainth = nke__current_thread();

	reg_test(0);
	overflow_client = connect_client(NULL);
	getopt_overflow = 1;
	KT_EXPECT_PANIC(getopt_too_long, NULL,
	    "ctl_ctloutput: ctl com.nkesim.test.ctl returned len (5) > sopt_valsize (4)");
	/* The panic left us in the client's callback: back to the test. */
	(void)nke__thread_switch(mainth);
	(void)nke__kext_switch(0);
	nke__proc_reset_current();
	KT_ASSERT_EQ(NKS_ctl_disconnect(overflow_client), 0);
	/* The interrupted callback keeps its unit (as a use count would). */
	KT_ASSERT_EQ(ctl_deregister(the_ref), EBUSY);
	host_off();
}

/* --- Sleeps waiting for the client --------------------------------------------- */

static u_int32_t sleep_client;
static unsigned idle_calls;

static int
answer_with_send(const char *sleeper, const char *kext)
{
	(void)sleeper;
	KT_ASSERT_STR_EQ(kext, "__kernel__");
	if (idle_calls++ > 0)
		return 0;
	KT_ASSERT_EQ(NKS_ctl_send(sleep_client, "go", 2), 0);
	return 1;
}

static void
test_sleep_answered_by_client(void)
{
	lck_grp_t *grp = lck_grp_alloc_init("test.ctl", LCK_GRP_ATTR_NULL);
	lck_mtx_t *mtx = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	u_int32_t unit;

	reg_test(0);
	sleep_client = connect_client(&unit);
	idle_calls = 0;
	idle_fn = answer_with_send;
	/* The question goes out; the answer wakes the sleeper. */
	KT_ASSERT_EQ(ctl_enqueuedata(the_ref, unit, W("question"), 8, CTL_DATA_EOR), 0);
	lck_mtx_lock(mtx);
	KT_ASSERT_EQ(msleep(&wake_chan, mtx, PSOCK, "answer", NULL), 0);
	lck_mtx_unlock(mtx);
	KT_ASSERT_EQ(idle_calls, 1);
	KT_ASSERT_STR_EQ(idle_who, "msleep(\"answer\")");
	/* The client had read the question before it was asked to act. */
	KT_ASSERT_EQ(idle_msgs_seen, 1);
	KT_ASSERT_MEM_EQ(msgs[0].data, "question", 8);
	KT_ASSERT(sent != NULL);
	mbuf_freem(sent);
	KT_ASSERT_EQ(NKT_reports("ctl-sleep-unanswered"), 0);
	KT_ASSERT_EQ(mach_absolute_time(), 0);
	KT_ASSERT_EQ(NKS_ctl_disconnect(sleep_client), 0);
	done();
	lck_mtx_free(mtx, grp);
	lck_grp_free(grp);
}

static void
test_timed_sleep_asks_client_first(void)
{
	struct timespec ts = {1, 0};

	reg_test(0);
	sleep_client = connect_client(NULL);
	idle_calls = 0;
	idle_fn = answer_with_send;
	KT_ASSERT_EQ(msleep(&wake_chan, NULL, PSOCK, "timed", &ts), 0);
	KT_ASSERT_EQ(mach_absolute_time(), 0);
	mbuf_freem(sent);
	/* A delay is not a wait for the client: nobody is asked. */
	idle_calls = 0;
	IOSleep(5);
	KT_ASSERT_EQ(idle_calls, 0);
	KT_ASSERT_EQ(mach_absolute_time(), 5000000ULL);
	/* Nothing to say: the timeout, no report. */
	idle_calls = 1;
	KT_ASSERT_EQ(msleep(&wake_chan, NULL, PSOCK, "timed", &ts), EWOULDBLOCK);
	KT_ASSERT_EQ(mach_absolute_time(), 1005000000ULL);
	KT_ASSERT_EQ(NKT_reports("ctl-sleep-unanswered"), 0);
	KT_ASSERT_EQ(NKS_ctl_disconnect(sleep_client), 0);
	done();
}

static void
endless_wait(void *arg)
{
	unsigned i;

	(void)arg;
	for (i = 0; i < 5000; i++)
		(void)tsleep(&wake_chan, PSOCK, "loop", 0);
}

static void
test_unanswered_sleep_reported(void)
{
	reg_test(0);
	/* No client at all. */
	KT_ASSERT_EQ(msleep(&wake_chan, NULL, PSOCK, "nobody", NULL), EWOULDBLOCK);
	KT_ASSERT_EQ(NKT_reports("ctl-sleep-unanswered"), 1);
	KT_ASSERT(strstr(NKT_last_message("ctl-sleep-unanswered"),
	    "msleep(\"nobody\") in __kernel__ waits for a control client that never answers") !=
	    NULL);
	KT_ASSERT(strstr(NKT_last_message("ctl-sleep-unanswered"),
	    "no client is connected to control \"com.nkesim.test.ctl\"") != NULL);
	/* A client with nothing to say; the same moment: not reported again. */
	sleep_client = connect_client(NULL);
	KT_ASSERT_EQ(tsleep(&wake_chan, PSOCK, "silent", 0), EWOULDBLOCK);
	KT_ASSERT_EQ(NKT_reports("ctl-sleep-unanswered"), 1);
	NKS_clock_set(0, 5);
	KT_ASSERT_EQ(tsleep(&wake_chan, PSOCK, "silent", 0), EWOULDBLOCK);
	KT_ASSERT_EQ(NKT_reports("ctl-sleep-unanswered"), 2);
	KT_ASSERT(strstr(NKT_last_message("ctl-sleep-unanswered"),
	    "the client of control \"com.nkesim.test.ctl\" (unit 1) had nothing more to say") !=
	    NULL);
	/* thread_block says it timed out. */
	NKS_clock_set(0, 6);
	assert_wait(&wake_chan, THREAD_UNINT);
	KT_ASSERT_EQ(thread_block(THREAD_CONTINUE_NULL), THREAD_TIMED_OUT);
	KT_ASSERT_EQ(NKT_reports("ctl-sleep-unanswered"), 3);
	/* A loop around such a sleep would never end: a panic, not a hang. */
	NKS_clock_set(0, 7);
	KT_EXPECT_PANIC(endless_wait, NULL,
	    "tsleep(\"loop\") in __kernel__ would sleep forever: it waited 1000 times in a row");
	KT_ASSERT_EQ(NKT_reports("ctl-sleep-unanswered"), 4); /* its first time only */
	KT_ASSERT_EQ(NKS_ctl_disconnect(sleep_client), 0);
	done();
}

NKT_CASES(NKT_CASE(test_register_errors), NKT_CASE(test_info_lists_in_id_order),
    NKT_CASE(test_connect_disconnect_order), NKT_CASE(test_connect_failure_still_disconnects),
    NKT_CASE(test_connect_errors), NKT_CASE(test_nonroot_client_process),
    NKT_CASE(test_enqueue_records_and_enobufs), NKT_CASE(test_stream_and_nowakeup),
    NKT_CASE(test_enqueuembuf_ownership), NKT_CASE(test_enqueue_failures), NKT_CASE(test_send), NKT_CASE(test_stream_send_splits),
    NKT_CASE(test_setopt_getopt), NKT_CASE(test_getopt_longer_than_buffer_panics),
    NKT_CASE(test_sleep_answered_by_client), NKT_CASE(test_timed_sleep_asks_client_first),
    NKT_CASE(test_unanswered_sleep_reported));
