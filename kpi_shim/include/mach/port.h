/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <mach/port.h> - Mach port names as a kext sees them (kernel world).
 * Inside the kernel a port is a pointer to an opaque struct ipc_port.
 */
#ifndef _MACH_PORT_H_
#define _MACH_PORT_H_

#include <sys/cdefs.h>
#include <sys/_types.h>

typedef __darwin_natural_t natural_t;
typedef int integer_t;

typedef natural_t mach_port_name_t;
typedef mach_port_name_t *mach_port_name_array_t;

struct ipc_port;
typedef struct ipc_port *ipc_port_t;
typedef ipc_port_t mach_port_t;
typedef mach_port_t *mach_port_array_t;

#define IPC_PORT_NULL ((ipc_port_t)0)
#define MACH_PORT_NULL ((mach_port_t)0)
#define MACH_PORT_DEAD ((mach_port_t)~0UL)
#define MACH_PORT_VALID(name) \
	(((name) != MACH_PORT_NULL) && ((name) != MACH_PORT_DEAD))

typedef natural_t mach_port_right_t;
typedef natural_t mach_port_type_t;
typedef natural_t mach_port_seqno_t;
typedef natural_t mach_port_mscount_t;
typedef natural_t mach_port_msgcount_t;
typedef natural_t mach_port_rights_t;
typedef unsigned int mach_port_srights_t;

#endif /* !_MACH_PORT_H_ */
