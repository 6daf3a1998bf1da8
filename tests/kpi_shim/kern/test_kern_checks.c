/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_kern_checks.c - tests of kpi_shim/kern/kern_checks.c and
 * mbuf_layout.c (kernel world): check groups (NKS_checks_set,
 * NKS_check_group), the report context suffix, NKS_current_callback, sites,
 * ownership hand-offs and leaks at unload, callbacks into a stopped kext,
 * timers and thread calls left at unload, the lock-order graph, and the
 * --mbuf-layout cuts (bytes preserved, headers where the layout puts them,
 * guards).
 */
#include <nke_svc.h> /* first: KERNEL_PRIVATE */
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <mach/kmod.h>
#include <kern/locks.h>
#include <kern/thread_call.h>
#include <sys/time.h>
#include <sys/systm.h>
#include <sys/kpi_mbuf.h>
#include <libkern/OSMalloc.h>
#include <nke_kern.h>
#include <mbuf_internal.h>
#include <kern_checks.h>
#include "nkt.h"

/* --- A kext of the test's own ---------------------------------------------- */

static mbuf_t kept;
static void (*stop_hook)(void);

static kern_return_t
k_start(kmod_info_t *ki, void *d)
{
	return KERN_SUCCESS;
}

static kern_return_t
k_stop(kmod_info_t *ki, void *d)
{
	if (stop_hook != NULL)
		stop_hook();
	return KERN_SUCCESS;
}

static kmod_info_t ki_k = {NULL, KMOD_INFO_VERSION, -1U, "com.example.checks", "1.0", -1, NULL,
                           0, 0, 0, k_start, k_stop};

static nks_u32
start_k(void)
{
	nks_u32 id = 0;
	nks_i32 res = 0;

	KT_ASSERT_EQ(NKS_kext_start(&ki_k, &id, &res), 0);
	return id;
}

static void
stop_k(nks_u32 id)
{
	nks_i32 res = 0;

	KT_ASSERT_EQ(NKS_kext_stop(id, &res), 0);
}

/* --- Groups ------------------------------------------------------------------ */

static void
test_groups(void)
{
	struct nks_checkcfg cc;

	KT_ASSERT_EQ(NKS_check_group("mbuf-leak"), NKS_CHK_LEAKS);
	KT_ASSERT_EQ(NKS_check_group("lock-order-inversion"), NKS_CHK_LOCKS);
	KT_ASSERT_EQ(NKS_check_group("null-data-pass"), NKS_CHK_MBUF);
	KT_ASSERT_EQ(NKS_check_group("private-kpi"), NKS_CHK_KPI);
	KT_ASSERT_EQ(NKS_check_group("no-such-check"), 0);
	KT_ASSERT(NKS_check_enabled("no-such-check"));

	memset(&cc, 0, sizeof(cc));
	cc.cc_groups = NKS_CHK_ALL & ~NKS_CHK_LOCKS;
	KT_ASSERT_EQ(NKS_checks_set(&cc), 0);
	KT_ASSERT(!NKS_check_enabled("lock-held-at-return"));
	KT_ASSERT(NKS_check_enabled("mbuf-leak"));
	/* A report of a group turned off is not sent, nor counted. */
	nke__report("lock-held-at-return", "x");
	nke__report("mbuf-leak", "y");
	KT_ASSERT_EQ(NKT_reports("lock-held-at-return"), 0);
	KT_ASSERT_EQ(NKT_reports("mbuf-leak"), 1);
	/* Names in no group cannot be turned off. */
	cc.cc_groups = 0;
	KT_ASSERT_EQ(NKS_checks_set(&cc), 0);
	nke__report("demo-check", "z");
	KT_ASSERT_EQ(NKT_reports("demo-check"), 1);

	cc.cc_layout = NKS_LAYOUT_MAX;
	KT_ASSERT_EQ(NKS_checks_set(&cc), EINVAL);
	cc.cc_layout = 0;
	cc.cc_flags = 0x80;
	KT_ASSERT_EQ(NKS_checks_set(&cc), EINVAL);
	KT_ASSERT_EQ(NKS_checks_set(NULL), EINVAL);
}

/* --- Context and sites ----------------------------------------------------------- */

static void
test_context_and_current_callback(void)
{
	struct nks_cbinfo ci;
	nks_u32 id = start_k();
	u_int32_t site;
	char buf[256];

	NKS_current_callback(&ci);
	KT_ASSERT_EQ(ci.ci_hook, 0);
	KT_ASSERT_EQ(ci.ci_kext_id, 0);
	KT_ASSERT_NULL(ci.ci_kext);

	nke__chk_enter(NKS_HOOK_IPF_INPUT, id, "f.one", "filter callback");
	NKS_current_callback(&ci);
	KT_ASSERT_EQ(ci.ci_hook, NKS_HOOK_IPF_INPUT);
	KT_ASSERT_EQ(ci.ci_kext_id, id);
	KT_ASSERT_STR_EQ(ci.ci_kext, "com.example.checks");
	KT_ASSERT_STR_EQ(ci.ci_filter, "f.one");
	/* Reports name the callback. */
	nke__report("demo-check", "boom");
	KT_ASSERT_STR_EQ(NKT_last_message("demo-check"),
	                 "boom (in ipf_input of com.example.checks, filter \"f.one\")");
	/* Sites record it too. */
	site = nke__site_new(NKE_SITE_KEEP, "", NULL, 0);
	KT_ASSERT_EQ(nke__site_kind(site), NKE_SITE_KEEP);
	KT_ASSERT_STR_EQ(nke__site_str(site, buf, sizeof(buf)),
	                 "kept (EJUSTRETURN) in ipf_input of com.example.checks, filter \"f.one\", "
	                 "outside any record");
	/* Nested: the innermost counts. */
	nke__chk_enter(0, id, NULL, "timeout callout");
	NKS_current_callback(&ci);
	KT_ASSERT_EQ(ci.ci_hook, 0);
	KT_ASSERT_STR_EQ(ci.ci_what, "timeout callout");
	nke__report("demo-check", "two");
	KT_ASSERT_STR_EQ(NKT_last_message("demo-check"),
	                 "two (in timeout callout of com.example.checks)");
	nke__chk_leave();
	nke__chk_leave();
	/* Right after a packet callback returned, reports still name it... */
	nke__report("demo-check", "after");
	KT_ASSERT_STR_EQ(NKT_last_message("demo-check"),
	                 "after (in ipf_input of com.example.checks, filter \"f.one\")");
	/* ... until the next top-level entry forgets it. */
	nke__chk_forget();
	nke__report("demo-check", "later");
	KT_ASSERT_STR_EQ(NKT_last_message("demo-check"), "later");
	KT_ASSERT_EQ(NKT_reports("demo-check"), 4);
	KT_ASSERT(nke__site_kind(0) == 0);
	stop_k(id);
}

/* --- Ownership and unload ---------------------------------------------------------- */

static void
keep_packet(void)
{
	struct __mbuf *m = nke__m_gethdr(M_WAIT, MT_DATA);

	/* A packet of the stack, lent to a filter that keeps it. */
	m->m_len = 10;
	m->m_pkthdr.len = 10;
	kept = m;
	nke__chk_enter(NKS_HOOK_IPF_INPUT, nke__kext_current_id(), "keeper", "filter callback");
	nke__chk_cb_return(&kept, NULL, nke__kext_current_id(), EJUSTRETURN);
	nke__chk_leave();
}

static void
test_leak_at_unload(void)
{
	nks_u32 id = start_k();
	nks_u32 prev = nke__kext_switch(id);
	mbuf_t m = NULL;

	keep_packet();
	/* What the kext allocates is its own. */
	KT_ASSERT_EQ(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	KT_ASSERT_EQ(m->m_owner, NKE_OWN_KEXT | id);
	KT_ASSERT(m->m_asite != 0);
	KT_ASSERT_EQ(kept->m_owner, NKE_OWN_KEXT | id);
	mbuf_freem(m);
	(void)nke__kext_switch(prev);
	stop_k(id);
	KT_ASSERT_EQ(NKT_reports("mbuf-leak"), 1);
	KT_ASSERT(strstr(NKT_last_message("mbuf-leak"), "com.example.checks stopped still owning 1 "
	                                                "mbufs (1 packets)") != NULL);
	KT_ASSERT(strstr(NKT_last_message("mbuf-leak"),
	                 "then kept (EJUSTRETURN) in ipf_input of com.example.checks, filter "
	                 "\"keeper\"") != NULL);
	nke__m_freem(kept);
}

static void
test_returned_zero_gives_back(void)
{
	nks_u32 id = start_k();
	struct __mbuf *m = nke__m_gethdr(M_WAIT, MT_DATA), *n = nke__m_get(M_WAIT, MT_DATA);

	m->m_next = n;
	/* A kext's mbuf put in front of the packet: the stack's once returned. */
	n->m_owner = NKE_OWN_KEXT | id;
	nke__chk_enter(NKS_HOOK_IFF_INPUT, id, "f", "filter callback");
	nke__chk_cb_return(&m, NULL, id, 0);
	nke__chk_leave();
	KT_ASSERT_EQ(m->m_owner, NKE_OWN_STACK);
	KT_ASSERT_EQ(n->m_owner, NKE_OWN_STACK);
	/* An error: the stack frees it, and says why. */
	nke__chk_enter(NKS_HOOK_IFF_INPUT, id, "f", "filter callback");
	nke__chk_cb_return(&m, NULL, id, EPERM);
	nke__chk_leave();
	KT_ASSERT_EQ(m->m_owner, NKE_OWN_STACK);
	KT_ASSERT_EQ(nke__site_kind(m->m_osite), NKE_SITE_DROP);
	nke__m_freem(m);
	(void)mbuf_len(m);
	KT_ASSERT_EQ(NKT_reports("mbuf-use-after-free"), 1);
	KT_ASSERT(strstr(NKT_last_message("mbuf-use-after-free"),
	                 "freed by the stack because the filter returned 1 (EPERM) in iff_input") !=
	          NULL);
	stop_k(id);
	KT_ASSERT_EQ(NKT_reports("mbuf-leak"), 0);
}

static void
test_callback_after_unload(void)
{
	nks_u32 id = start_k();

	stop_k(id);
	nke__chk_enter(NKS_HOOK_IPF_OUTPUT, id, "late", "filter callback");
	nke__chk_leave();
	nke__chk_enter(NKS_HOOK_IPF_OUTPUT, id, "late", "filter callback");
	nke__chk_leave();
	/* Once per kext. */
	KT_ASSERT_EQ(NKT_reports("callback-after-unload"), 1);
	KT_ASSERT(strstr(NKT_last_message("callback-after-unload"),
	                 "called into com.example.checks after its stop routine") != NULL);
}

static void
tick(void *arg)
{
}

static void
tcall_fn(thread_call_param_t a, thread_call_param_t b)
{
}

static thread_call_t tc_left;

static void
arm_things(void)
{
	struct timespec ts = {100, 0};

	bsd_timeout(tick, NULL, &ts);
	tc_left = thread_call_allocate(tcall_fn, NULL);
}

static void
test_timers_at_unload(void)
{
	nks_u32 id = start_k();

	stop_hook = arm_things;
	stop_k(id);
	stop_hook = NULL;
	KT_ASSERT_EQ(NKT_reports("timer-armed-at-unload"), 1);
	KT_ASSERT(strstr(NKT_last_message("timer-armed-at-unload"), "cancelled") != NULL);
	KT_ASSERT_EQ(NKS_callouts_pending(NULL), 0);
	KT_ASSERT_EQ(NKT_reports("thread-call-leak"), 1);
	KT_ASSERT(thread_call_free(tc_left));
}

static OSMallocTag leak_tag;

static void
leak_memory(void)
{
	leak_tag = OSMalloc_Tagalloc("com.example.leaky", OSMT_DEFAULT);
	(void)OSMalloc(32, leak_tag);
	(void)OSMalloc(16, leak_tag);
}

static void
test_memory_at_unload(void)
{
	nks_u32 id = start_k();

	stop_hook = leak_memory;
	stop_k(id);
	stop_hook = NULL;
	KT_ASSERT_EQ(NKT_reports("osmalloc-leak"), 2);
	KT_ASSERT(strstr(NKT_last_message("osmalloc-leak"), "never") == NULL ||
	          strstr(NKT_last_message("osmalloc-leak"), "\"com.example.leaky\"") != NULL);
	NKT_no_leak_check();
}

/* --- Lock order --------------------------------------------------------------------- */

static void
test_lock_order(void)
{
	lck_grp_t *g = lck_grp_alloc_init("order", LCK_GRP_ATTR_NULL);
	lck_mtx_t *a = lck_mtx_alloc_init(g, LCK_ATTR_NULL), *b = lck_mtx_alloc_init(g, LCK_ATTR_NULL);
	lck_mtx_t *c = lck_mtx_alloc_init(g, LCK_ATTR_NULL);

	/* a -> b, b -> c: fine. */
	lck_mtx_lock(a);
	lck_mtx_lock(b);
	lck_mtx_unlock(b);
	lck_mtx_unlock(a);
	lck_mtx_lock(b);
	lck_mtx_lock(c);
	lck_mtx_unlock(c);
	lck_mtx_unlock(b);
	KT_ASSERT_EQ(NKT_reports("lock-order-inversion"), 0);
	/* c -> a closes the cycle a -> b -> c -> a. */
	lck_mtx_lock(c);
	lck_mtx_lock(a);
	lck_mtx_unlock(a);
	lck_mtx_unlock(c);
	KT_ASSERT_EQ(NKT_reports("lock-order-inversion"), 1);
	/* Once per pair. */
	lck_mtx_lock(c);
	lck_mtx_lock(a);
	lck_mtx_unlock(a);
	lck_mtx_unlock(c);
	KT_ASSERT_EQ(NKT_reports("lock-order-inversion"), 1);
	/* try-locks never wait: no order from them. */
	lck_mtx_lock(b);
	KT_ASSERT(lck_mtx_try_lock(a));
	lck_mtx_unlock(a);
	lck_mtx_unlock(b);
	KT_ASSERT_EQ(NKT_reports("lock-order-inversion"), 1);
	lck_mtx_free(a, g);
	lck_mtx_free(b, g);
	lck_mtx_free(c, g);
	lck_grp_free(g);
}

/* --- Layouts ------------------------------------------------------------------------- */

/* An Ethernet + IPv4 + TCP frame with 10 bytes of payload. */
static const u_int8_t frame[14 + 20 + 20 + 10] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00,
    0x45, 0, 0, 50, 0, 0, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    0x04, 0xd2, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x10, 0x10, 0, 0, 0, 0, 0,
    'p', 'a', 'y', 'l', 'o', 'a', 'd', '.', '.', '.'};

/* The frame in one cluster, data past the link header, as the stack builds it. */
static struct __mbuf *
frame_packet(void)
{
	struct __mbuf *m = nke__m_getcl(M_WAIT, MT_DATA, 1, NKE_MCLBYTES);

	m->m_data += 2;
	memcpy(m->m_data, frame, sizeof(frame));
	m->m_pkthdr.pkt_hdr = m->m_data;
	m->m_data += 14;
	m->m_len = (int32_t)sizeof(frame) - 14;
	m->m_pkthdr.len = m->m_len;
	return m;
}

static void
set_layout(u_int32_t layout, u_int64_t seed)
{
	struct nks_checkcfg cc = {NKS_CHK_ALL, layout, seed, 0};

	KT_ASSERT_EQ(NKS_checks_set(&cc), 0);
}

static void
expect_same(struct __mbuf *m)
{
	u_int8_t b[sizeof(frame)];

	KT_ASSERT_EQ(m->m_pkthdr.len, (int)sizeof(frame) - 14);
	KT_ASSERT_EQ(nke__m_length(m), sizeof(frame) - 14);
	KT_ASSERT(nke__m_sanity(m, NKE_SANITY_PKTLEN) == NULL);
	nke__m_copydata(m, 0, (int)sizeof(frame) - 14, b);
	KT_ASSERT_MEM_EQ(b, frame + 14, sizeof(frame) - 14);
	/* The frame header still sits right before the data. */
	KT_ASSERT_PTR_EQ(m->m_pkthdr.pkt_hdr, m->m_data - 14);
	KT_ASSERT_MEM_EQ(m->m_pkthdr.pkt_hdr, frame, 14);
}

static unsigned
nmbufs(struct __mbuf *m)
{
	unsigned n = 0;

	for (; m != NULL; m = m->m_next)
		n++;
	return n;
}

static void
test_layouts(void)
{
	struct __mbuf *m;
	u_int32_t l;

	/* contiguous: nothing happens. */
	m = frame_packet();
	KT_ASSERT_PTR_EQ(nke__layout_apply(m, 0, 1), m);
	nke__m_freem(m);

	set_layout(NKS_LAYOUT_SPLIT_HEADERS, 0);
	m = nke__layout_apply(frame_packet(), 0, 1);
	expect_same(m);
	/* Empty head (the link header before it), IP, empty, TCP, payload. */
	KT_ASSERT_EQ(nmbufs(m), 5);
	KT_ASSERT_EQ(m->m_len, 0);
	KT_ASSERT_EQ(m->m_next->m_len, 20);
	KT_ASSERT_EQ(m->m_next->m_next->m_len, 0);
	KT_ASSERT_EQ(m->m_next->m_next->m_next->m_len, 20);
	KT_ASSERT_EQ(m->m_next->m_next->m_next->m_next->m_len, 10);
	/* Past each mbuf's data: the fill pattern, poisoned under ASan. */
	KT_ASSERT(m->m_next->m_nkeflags & NKE_MF_GUARD);
#ifdef NKE_ASAN
	KT_ASSERT(__asan_address_is_poisoned(m->m_next->m_data + 20));
#else
	KT_ASSERT_EQ((u_int8_t)m->m_next->m_data[20], 0xa5);
#endif
	/* A KPI call that may grow the data lifts the guard. */
	KT_ASSERT(mbuf_trailingspace(m->m_next) > 0);
	KT_ASSERT(!(m->m_next->m_nkeflags & NKE_MF_GUARD));
	nke__m_freem(m);

	set_layout(NKS_LAYOUT_BYTES, 0);
	m = nke__layout_apply(frame_packet(), 0, 1);
	expect_same(m);
	KT_ASSERT_EQ(nmbufs(m), 1 + sizeof(frame) - 14);
	nke__m_freem(m);

	set_layout(NKS_LAYOUT_DRIVER, 0);
	m = nke__layout_apply(frame_packet(), 0, 1);
	expect_same(m);
	/* 64 bytes fit a header mbuf: copied, no cluster. */
	KT_ASSERT_EQ(nmbufs(m), 1);
	KT_ASSERT(!(m->m_flags & M_EXT));
	nke__m_freem(m);

	for (l = 1; l < 20; l++) {
		set_layout(NKS_LAYOUT_RANDOM, l);
		m = nke__layout_apply(frame_packet(), 0, 1);
		expect_same(m);
		nke__m_freem(m);
	}

	/* Outbound (no frame header to keep): the head has no room in front. */
	set_layout(NKS_LAYOUT_SPLIT_HEADERS, 0);
	m = frame_packet();
	m->m_pkthdr.pkt_hdr = NULL;
	m = nke__layout_apply(m, 0, 0);
	KT_ASSERT_EQ(nke__m_leadingspace(m), 0);
	KT_ASSERT_EQ(m->m_len, 0);
	nke__m_freem(m);

	/* No memory for the new mbufs: the packet stays as it was. */
	m = frame_packet();
	NKT_fail_alloc(NKS_ALLOC_MBUF, 1, 100);
	KT_ASSERT_PTR_EQ(nke__layout_apply(m, 0, 1), m);
	NKT_fail_reset();
	nke__m_freem(m);
}

NKT_CASES(NKT_CASE(test_groups), NKT_CASE(test_context_and_current_callback),
          NKT_CASE(test_leak_at_unload), NKT_CASE(test_returned_zero_gives_back),
          NKT_CASE(test_callback_after_unload), NKT_CASE(test_timers_at_unload),
          NKT_CASE(test_memory_at_unload), NKT_CASE(test_lock_order), NKT_CASE(test_layouts));
