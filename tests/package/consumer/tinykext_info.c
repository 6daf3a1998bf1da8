/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tinykext_info.c - the kmod_info of the tiny kext for the build without
 * CMake (pkg-config), what nke_add_kext() generates (kernel world).
 */
#include <mach/mach_types.h>
#include <mach/kmod.h>

extern kern_return_t tinykext_start(kmod_info_t *ki, void *data);
extern kern_return_t tinykext_stop(kmod_info_t *ki, void *data);

__attribute__((visibility("default")))
KMOD_EXPLICIT_DECL(com.example.tinykext, "1.0.0", tinykext_start, tinykext_stop)
