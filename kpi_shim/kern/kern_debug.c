/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_debug.c - panic, assertions and debugger entry (kernel world):
 * panic(), Assert(), Debugger(), PE_enter_debugger() and the boot-argument
 * queries of the platform expert.
 *
 * panic() is a simulated kernel panic: the message (kernel printf
 * conversions) goes to the host, which ends the run (or, in tests, unwinds
 * to the case that expected it).  There is no debugger: entering it prints
 * the reason on the console, warns the host and carries on.
 */
#include "nke_svc.h"

#include <sys/cdefs.h>
#include <sys/types.h>
#include <stdarg.h>
#include <string.h>
#include <kern/assert.h>
#include <kern/debug.h>
#include <pexpert/pexpert.h>
#include <libkern/libkern.h>

NKE_KPI int kext_assertions_enable;

NKE_KPI void
panic(const char *string, ...)
{
	va_list ap;

	va_start(ap, string);
	nke__vpanic(string != NULL ? string : "(null)", ap);
}

NKE_KPI void
Assert(const char *file, int line, const char *expression)
{
	nke__panic("%s:%d Assertion failed: %s", file, line, expression);
}

NKE_KPI unsigned
panic_active(void)
{
	/* The panic never returns to kext code, which is all that could ask. */
	return 0;
}

static void
debugger(const char *who, const char *msg)
{
	printf("%s: %s\n", who, msg != NULL ? msg : "");
	nke__warn("debugger", "%s(\"%s\"): no kernel debugger in nkesim, continuing", who,
	    msg != NULL ? msg : "");
}

NKE_KPI void
Debugger(const char *message)
{
	debugger("Debugger", message);
}

NKE_KPI void
PE_enter_debugger(const char *cause)
{
	debugger("PE_enter_debugger", cause);
}

NKE_KPI uint32_t
PE_i_can_has_debugger(uint32_t *debug_flags)
{
	if (debug_flags != NULL)
		*debug_flags = 0;
	return 0;
}

NKE_KPI boolean_t
PE_parse_boot_argn(const char *arg_string, void *arg_ptr, int max_arg)
{
	(void)arg_string;
	(void)arg_ptr;
	(void)max_arg;
	return FALSE;
}

NKE_KPI boolean_t
PE_parse_boot_arg_str(const char *arg_string, char *arg_ptr, int size)
{
	(void)arg_string;
	(void)arg_ptr;
	(void)size;
	return FALSE;
}
