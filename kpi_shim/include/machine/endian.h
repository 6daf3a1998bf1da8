/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <machine/endian.h> - byte order of the simulated machine (kernel world).
 * nkesim simulates an x86_64 kernel, so this is the Intel flavour.
 */
#ifndef _BSD_MACHINE_ENDIAN_H_
#define _BSD_MACHINE_ENDIAN_H_

#include <i386/endian.h>

#endif /* !_BSD_MACHINE_ENDIAN_H_ */
