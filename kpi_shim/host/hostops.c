/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hostops.c - the default host services for the simulated kernel (host
 * world): C library allocator, console on a stdio stream, reports on stderr,
 * and a panic that ends the process with status 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nke_host.h"

static void *
def_alloc(void *arg, nks_size size)
{
	void *p = NULL;

	(void)arg;
	if (posix_memalign(&p, 16, size != 0 ? size : 1) != 0)
		return NULL;
	return p;
}

static void
def_free(void *arg, void *ptr, nks_size size)
{
	(void)arg;
	(void)size;
	free(ptr);
}

static void
def_console(void *arg, const char *buf, nks_size len)
{
	FILE *f = arg != NULL ? arg : stderr;

	fwrite(buf, 1, len, f);
}

static void
def_event(void *arg, const struct nks_event *ev)
{
	(void)arg;
	fprintf(stderr, "nkesim: %s: %s: %s\n", ev->ev_kind == NKS_EV_REPORT ? "error" : "warning",
	    ev->ev_check, ev->ev_message);
}

static void
def_panic(void *arg, const char *msg)
{
	FILE *f = arg != NULL ? arg : stderr;

	fflush(f);
	fprintf(stderr, "nkesim: simulated kernel panic: %s\n", msg);
	exit(1);
}

void
nke_hostops_default(struct nks_hostops *ho, FILE *console)
{
	memset(ho, 0, sizeof(*ho));
	ho->ho_version = NKS_SEAM_VERSION;
	ho->ho_arg = console;
	ho->ho_alloc = def_alloc;
	ho->ho_free = def_free;
	ho->ho_fail = NULL;
	ho->ho_console = def_console;
	ho->ho_event = def_event;
	ho->ho_panic = def_panic;
}
