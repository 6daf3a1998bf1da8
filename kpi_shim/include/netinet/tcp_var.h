/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <netinet/tcp_var.h> - what nkesim offers of TCP internals to a kext
 * (kernel world): only the TCP header and PCB definitions it builds on.
 * Apple's public copy also has a 32-bit export layout of struct tcpcb and
 * the TCP statistics records; nkesim leaves them out, as they describe no
 * live state a filter could read here (sockets are opaque).
 */
#ifndef _NETINET_TCP_VAR_H_
#define _NETINET_TCP_VAR_H_

#include <stdint.h>
#include <sys/types.h>
#include <sys/queue.h>
#include <netinet/in_pcb.h>
#include <netinet/tcp.h>

#endif /* !_NETINET_TCP_VAR_H_ */
