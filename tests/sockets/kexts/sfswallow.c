/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sfswallow.c - test kext (kernel world): tcplognke's pattern.  Global
 * socket filters for TCP over IPv4 and IPv6 keep every chunk of data in
 * both directions (EJUSTRETURN), mark it with an mbuf tag and give it back
 * from a bsd_timeout with sock_inject_data_in / sock_inject_data_out; data
 * that comes back with the tag passes.  Before a socket can no longer take
 * it, the kext gives its data back at once: outbound on sock_evt_shutdown
 * and sock_evt_closing (a FIN follows), inbound on sock_evt_cantrecvmore,
 * sock_evt_disconnected and sock_evt_closing.  The application must see
 * every byte once, in order, and the stack must send correctly sequenced
 * segments for the outbound data.  Prints at stop:
 *   "sfswallow: kept N, reinjected M, lost L"
 */
#include <mach/mach_types.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/queue.h>
#include <sys/kpi_mbuf.h>
#include <sys/kpi_socket.h>
#include <sys/kpi_socketfilter.h>
#include <netinet/in.h>
#include <kern/locks.h>
#include <libkern/OSMalloc.h>

kern_return_t sfswallow_start(kmod_info_t *ki, void *d);
kern_return_t sfswallow_stop(kmod_info_t *ki, void *d);

#define SW_HANDLE 0x53574c00u /* "SWL\0" */
#define TAG_IN    1
#define TAG_OUT   2

struct sw_item {
	TAILQ_ENTRY(sw_item) link;
	socket_t so;
	mbuf_t data;
	int inbound;
	sflt_data_flag_t flags;
};
TAILQ_HEAD(sw_queue, sw_item);

static struct sw_queue queue = TAILQ_HEAD_INITIALIZER(queue);
static OSMallocTag tag;
static lck_grp_t *grp;
static lck_mtx_t *mtx;
static mbuf_tag_id_t tag_id;
static int timer_armed, registered[2], unregistered[2];
static unsigned long n_kept, n_reinjected, n_lost, n_errors;

static int
marked(mbuf_t m, int type)
{
	size_t len;
	void *d;

	return mbuf_tag_find(m, tag_id, (mbuf_tag_type_t)type, &len, &d) == 0;
}

static void
reinject(struct sw_item *it)
{
	errno_t e;

	if (it->inbound) {
		e = sock_inject_data_in(it->so, NULL, it->data, NULL, it->flags);
		if (e != 0)
			mbuf_freem(it->data); /* still ours after an early error */
	} else {
		e = sock_inject_data_out(it->so, NULL, it->data, NULL, it->flags);
	}
	if (e != 0) {
		n_errors++;
		printf("sfswallow: sock_inject_data_%s: %d\n", it->inbound ? "in" : "out", e);
	} else {
		n_reinjected++;
	}
	OSFree(it, sizeof(*it), tag);
}

/* Give back what is queued for so (NULL: everything), in order, lock not held. */
static void
flush(socket_t so, int inbound_only, int outbound_only)
{
	struct sw_queue mine = TAILQ_HEAD_INITIALIZER(mine);
	struct sw_item *it, *next;

	lck_mtx_lock(mtx);
	for (it = TAILQ_FIRST(&queue); it != NULL; it = next) {
		next = TAILQ_NEXT(it, link);
		if ((so != NULL && it->so != so) || (inbound_only && !it->inbound) ||
		    (outbound_only && it->inbound))
			continue;
		TAILQ_REMOVE(&queue, it, link);
		TAILQ_INSERT_TAIL(&mine, it, link);
	}
	lck_mtx_unlock(mtx);
	while ((it = TAILQ_FIRST(&mine)) != NULL) {
		TAILQ_REMOVE(&mine, it, link);
		reinject(it);
	}
}

static void
timer(void *arg)
{
	(void)arg;
	lck_mtx_lock(mtx);
	timer_armed = 0;
	lck_mtx_unlock(mtx);
	flush(NULL, 0, 0);
}

static errno_t
keep(socket_t so, mbuf_t *data, mbuf_t *control, sflt_data_flag_t flags, int inbound)
{
	struct sw_item *it;
	struct timespec ts = {0, 1000000}; /* 1 ms */
	void *d;
	int arm = 0;

	if (marked(*data, inbound ? TAG_IN : TAG_OUT))
		return 0; /* ours, back again */
	if (mbuf_tag_allocate(*data, tag_id, inbound ? TAG_IN : TAG_OUT, 4, MBUF_WAITOK, &d) != 0)
		return 0;
	it = OSMalloc(sizeof(*it), tag);
	if (it == NULL)
		return 0;
	it->so = so;
	it->data = *data;
	it->inbound = inbound;
	it->flags = flags;
	if (control != NULL && *control != NULL) {
		mbuf_freem(*control);
		*control = NULL;
	}
	lck_mtx_lock(mtx);
	TAILQ_INSERT_TAIL(&queue, it, link);
	n_kept++;
	if (!timer_armed) {
		timer_armed = 1;
		arm = 1;
	}
	lck_mtx_unlock(mtx);
	if (arm)
		bsd_timeout(timer, NULL, &ts);
	return EJUSTRETURN;
}

static errno_t
sw_data_in(void *cookie, socket_t so, const struct sockaddr *from, mbuf_t *data, mbuf_t *control,
           sflt_data_flag_t flags)
{
	(void)cookie;
	(void)from;
	return keep(so, data, control, flags, 1);
}

static errno_t
sw_data_out(void *cookie, socket_t so, const struct sockaddr *to, mbuf_t *data, mbuf_t *control,
            sflt_data_flag_t flags)
{
	(void)cookie;
	(void)to;
	return keep(so, data, control, flags, 0);
}

static void
sw_notify(void *cookie, socket_t so, sflt_event_t event, void *param)
{
	(void)cookie;
	(void)param;
	switch (event) {
	case sock_evt_shutdown:
		flush(so, 0, 1);
		break;
	case sock_evt_closing:
		flush(so, 0, 0);
		break;
	case sock_evt_cantrecvmore:
	case sock_evt_disconnected:
		flush(so, 1, 0);
		break;
	default:
		break;
	}
}

static errno_t
sw_attach(void **cookie, socket_t so)
{
	(void)so;
	*cookie = NULL;
	return 0;
}

static void
sw_detach(void *cookie, socket_t so)
{
	struct sw_item *it, *next;

	(void)cookie;
	/* Anything still here can no longer go anywhere. */
	lck_mtx_lock(mtx);
	for (it = TAILQ_FIRST(&queue); it != NULL; it = next) {
		next = TAILQ_NEXT(it, link);
		if (it->so != so)
			continue;
		TAILQ_REMOVE(&queue, it, link);
		mbuf_freem(it->data);
		OSFree(it, sizeof(*it), tag);
		n_lost++;
	}
	lck_mtx_unlock(mtx);
}

static void
sw_unregistered(sflt_handle h)
{
	if (h == SW_HANDLE || h == SW_HANDLE + 1)
		unregistered[h - SW_HANDLE] = 1;
}

static struct sflt_filter filters[2];

kern_return_t
sfswallow_start(kmod_info_t *ki, void *d)
{
	static char names[2][16] = {"swallow.tcp4", "swallow.tcp6"};
	unsigned i;

	(void)ki;
	(void)d;
	tag = OSMalloc_Tagalloc("com.nkesim.test.sfswallow", OSMT_DEFAULT);
	grp = lck_grp_alloc_init("com.nkesim.test.sfswallow", LCK_GRP_ATTR_NULL);
	mtx = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	if (tag == NULL || grp == NULL || mtx == NULL ||
	    mbuf_tag_id_find("com.nkesim.test.sfswallow", &tag_id) != 0)
		return KERN_FAILURE;
	for (i = 0; i < 2; i++) {
		filters[i].sf_handle = SW_HANDLE + i;
		filters[i].sf_flags = SFLT_GLOBAL;
		filters[i].sf_name = names[i];
		filters[i].sf_unregistered = sw_unregistered;
		filters[i].sf_attach = sw_attach;
		filters[i].sf_detach = sw_detach;
		filters[i].sf_notify = sw_notify;
		filters[i].sf_data_in = sw_data_in;
		filters[i].sf_data_out = sw_data_out;
		if (sflt_register(&filters[i], i == 0 ? PF_INET : PF_INET6, SOCK_STREAM,
		                  IPPROTO_TCP) != 0)
			return KERN_FAILURE;
		registered[i] = 1;
	}
	return KERN_SUCCESS;
}

kern_return_t
sfswallow_stop(kmod_info_t *ki, void *d)
{
	unsigned i;
	int busy;

	(void)ki;
	(void)d;
	lck_mtx_lock(mtx);
	busy = timer_armed || !TAILQ_EMPTY(&queue);
	lck_mtx_unlock(mtx);
	if (busy)
		return EBUSY;
	for (i = 0; i < 2; i++)
		if (registered[i]) {
			(void)sflt_unregister(SW_HANDLE + i);
			registered[i] = 0;
		}
	if (!unregistered[0] || !unregistered[1])
		return EBUSY;
	printf("sfswallow: kept %lu, reinjected %lu, lost %lu, errors %lu\n", n_kept, n_reinjected,
	       n_lost, n_errors);
	lck_mtx_free(mtx, grp);
	lck_grp_free(grp);
	OSMalloc_Tagfree(tag);
	return KERN_SUCCESS;
}
