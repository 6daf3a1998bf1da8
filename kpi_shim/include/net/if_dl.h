/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <net/if_dl.h> - link-level socket addresses (AF_LINK), kernel world.
 * sdl_data holds the interface name (sdl_nlen bytes, no NUL) followed by
 * the link-layer address (sdl_alen bytes); LLADDR() points at the latter.
 */
#ifndef _NET_IF_DL_H_
#define _NET_IF_DL_H_

#include <sys/cdefs.h>
#include <sys/types.h>

struct sockaddr_dl {
	u_char sdl_len;    /* total length, may exceed sizeof */
	u_char sdl_family; /* AF_LINK */
	u_short sdl_index; /* interface index, 0 if none */
	u_char sdl_type;   /* IFT_* */
	u_char sdl_nlen;   /* name length */
	u_char sdl_alen;   /* link-layer address length */
	u_char sdl_slen;   /* link-layer selector length */
	char sdl_data[12]; /* name then address; minimum size */
};

#define LLADDR(s) ((caddr_t)(s) + __offsetof(struct sockaddr_dl, sdl_data) + (s)->sdl_nlen)

#endif /* !_NET_IF_DL_H_ */
