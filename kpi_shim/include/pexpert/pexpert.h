/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <pexpert/pexpert.h> - the platform expert subset kexts use (kernel
 * world): debugger entry and boot arguments.  nkesim has no debugger and no
 * boot arguments: PE_enter_debugger() prints its cause and carries on.
 */
#ifndef _PEXPERT_PEXPERT_H_
#define _PEXPERT_PEXPERT_H_

#include <sys/cdefs.h>
#include <stdint.h>
#include <mach/boolean.h>
#include <mach/kern_return.h>
#include <mach/vm_types.h>
#include <kern/kern_types.h>

__BEGIN_DECLS

typedef void *cpu_id_t;

/* Prints "PE_enter_debugger: <cause>" and warns the host; returns. */
void PE_enter_debugger(const char *cause);
/* 0: no debugger may be attached (*debug_flags, if not NULL, set to 0). */
uint32_t PE_i_can_has_debugger(uint32_t *debug_flags);
/* FALSE: no boot argument is ever set in nkesim. */
extern boolean_t PE_parse_boot_argn(const char *arg_string, void *arg_ptr, int max_arg);
extern boolean_t PE_parse_boot_arg_str(const char *arg_string, char *arg_ptr, int size);

__END_DECLS

#endif /* !_PEXPERT_PEXPERT_H_ */
