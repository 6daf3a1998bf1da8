/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <netinet/in_systm.h> - integer types for values kept in network byte
 * order (kernel world).
 */
#ifndef _NETINET_IN_SYSTM_H_
#define _NETINET_IN_SYSTM_H_

#include <sys/_types.h>

typedef __uint16_t n_short; /* 16 bits, network order */
typedef __uint32_t n_long;  /* 32 bits, network order */
typedef __uint32_t n_time;  /* ms since midnight UTC, network order */

#endif /* !_NETINET_IN_SYSTM_H_ */
