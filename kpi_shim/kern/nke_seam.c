/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nke_seam.c - the kernel side of the seam (kernel world).
 *
 * Implements the NKS_*() entry points the host calls, and the NKH_*() calls
 * out to the host through the struct nks_hostops it installed.  Panics and
 * check reports are formatted here with the kernel printf engine.
 */
#include <sys/errno.h>
#include <string.h>

#include "nke_kern.h"
#include "kern_checks.h"

const struct nks_hostops *nke__hostops;

nks_i64 nke__clock_calendar_ns;
nks_u64 nke__clock_uptime_ns;

static nks_u64 nke_reports;

NKE_KPI int
NKS_init(const struct nks_hostops *ops)
{
	if (ops == NULL || ops->ho_version != NKS_SEAM_VERSION || ops->ho_alloc == NULL ||
	    ops->ho_free == NULL || ops->ho_console == NULL || ops->ho_panic == NULL)
		return EINVAL;
	if (nke__hostops != NULL)
		nke__panic("NKS_init: the simulated kernel is already running");
	nke__hostops = ops;
	nke_reports = 0;
	nke__clock_calendar_ns = 0;
	nke__clock_uptime_ns = 0;
	nke__checks_init();
	nke__services_init();
	nke__mbuf_init();
	nke__net_init();
	return 0;
}

NKE_KPI void
NKS_fini(void)
{
	if (nke__hostops == NULL)
		return;
	nke__net_fini();
	nke__mbuf_fini();
	nke__services_fini();
	nke__checks_fini();
	nke__hostops = NULL;
}

NKE_KPI void
NKS_stats(struct nks_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (nke__hostops == NULL)
		return;
	nke__mbuf_stats(st);
	nke__services_stats(st);
	st->st_reports = nke_reports;
}

/* --- Calls out to the host ------------------------------------------- */

int
NKH_fail(nks_u32 cls)
{
	const struct nks_hostops *ho = nke__hostops;

	return ho->ho_fail != NULL && ho->ho_fail(ho->ho_arg, cls);
}

void *
NKH_alloc(nks_u32 cls, size_t size)
{
	const struct nks_hostops *ho = nke__hostops;

	if (ho == NULL)
		nke__panic("allocation of %zu bytes outside a simulation run", size);
	if (ho->ho_fail != NULL && ho->ho_fail(ho->ho_arg, cls))
		return NULL;
	return ho->ho_alloc(ho->ho_arg, size);
}

void
NKH_free(void *ptr, size_t size)
{
	if (ptr != NULL)
		nke__hostops->ho_free(nke__hostops->ho_arg, ptr, size);
}

void
NKH_console(const char *buf, size_t len)
{
	const struct nks_hostops *ho = nke__hostops;

	if (ho != NULL && len > 0)
		ho->ho_console(ho->ho_arg, buf, len);
}

/* --- Panics and reports ---------------------------------------------- */

/* Panic messages are built here, not on the (possibly corrupt) caller stack. */
static char nke_panic_buf[1024];
static int nke_panicking;

void
nke__vpanic(const char *fmt, va_list ap)
{
	const struct nks_hostops *ho = nke__hostops;

	if (nke_panicking++ == 0)
		nke__vsnprintf(nke_panic_buf, sizeof(nke_panic_buf), fmt, ap);
	else
		nke__snprintf(nke_panic_buf, sizeof(nke_panic_buf), "panic while panicking");
	if (ho != NULL) {
		/* The host may longjmp out (tests): allow the next panic. */
		nke_panicking = 0;
		ho->ho_panic(ho->ho_arg, nke_panic_buf);
	}
	__builtin_trap();
}

void
nke__panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nke__vpanic(fmt, ap);
}

static void
nke_event(nks_u32 kind, const char *check, const char *fmt, va_list ap)
{
	const struct nks_hostops *ho = nke__hostops;
	struct nks_event ev;
	char msg[1536], ctx[256];
	nks_u32 g = nke__chk_group_of(check);
	size_t n;

	/* A group of checks turned off (--checks) sends nothing. */
	if (g != 0 && (nke__chk_groups & g) == 0)
		return;
	if (kind == NKS_EV_REPORT)
		nke_reports++;
	if (ho == NULL || ho->ho_event == NULL)
		return;
	nke__vsnprintf(msg, sizeof(msg), fmt, ap);
	/* Which kext code was running (or just returned): hook, kext, filter. */
	nke__chk_context(ctx, sizeof(ctx));
	n = strlen(msg);
	if (ctx[0] != '\0' && n + strlen(ctx) < sizeof(msg))
		memcpy(msg + n, ctx, strlen(ctx) + 1);
	ev.ev_kind = kind;
	ev.ev_check = check;
	ev.ev_message = msg;
	ho->ho_event(ho->ho_arg, &ev);
}

void
nke__report(const char *check, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nke_event(NKS_EV_REPORT, check, fmt, ap);
	va_end(ap);
}

void
nke__warn(const char *check, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nke_event(NKS_EV_WARNING, check, fmt, ap);
	va_end(ap);
}
