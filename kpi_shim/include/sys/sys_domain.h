/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/sys_domain.h> - the PF_SYSTEM socket domain (kernel world): its two
 * protocols (kernel events, kernel control) and its generic address.
 */
#ifndef _SYSTEM_DOMAIN_H_
#define _SYSTEM_DOMAIN_H_

#include <sys/cdefs.h>
#include <sys/types.h>

#define SYSPROTO_EVENT   1 /* kernel event sockets */
#define SYSPROTO_CONTROL 2 /* kernel control sockets */
#define AF_SYS_CONTROL   2 /* ss_sysaddr of a kernel control address */

/* Generic PF_SYSTEM address, 32 bytes. */
struct sockaddr_sys {
	u_char ss_len;        /* sizeof(struct sockaddr_sys) */
	u_char ss_family;     /* AF_SYSTEM */
	u_int16_t ss_sysaddr; /* protocol address within AF_SYSTEM */
	u_int32_t ss_reserved[7];
};

#endif /* !_SYSTEM_DOMAIN_H_ */
