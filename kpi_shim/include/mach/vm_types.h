/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <mach/vm_types.h> - virtual-memory scalar types of an x86_64 Darwin kernel
 * (kernel world): vm_offset_t, vm_size_t, vm_address_t (pointer-sized),
 * mach_vm_* (always 64-bit), natural_t/integer_t, and the opaque vm_map_t.
 */
#ifndef _MACH_VM_TYPES_H_
#define _MACH_VM_TYPES_H_

#include <sys/cdefs.h>
#include <stdint.h>
#include <mach/port.h>

typedef uintptr_t vm_offset_t;
typedef uintptr_t vm_size_t;

typedef uint64_t mach_vm_address_t;
typedef uint64_t mach_vm_offset_t;
typedef uint64_t mach_vm_size_t;
typedef uint64_t vm_map_offset_t;
typedef uint64_t vm_map_address_t;
typedef uint64_t vm_map_size_t;
typedef mach_vm_address_t mach_port_context_t;

typedef vm_offset_t pointer_t;
typedef vm_offset_t vm_address_t;

/* Also in <sys/kernel_types.h>: C11 allows the identical repeat. */
typedef uint64_t addr64_t;
typedef uint32_t reg64_t;
typedef uint32_t ppnum_t;
#define PPNUM_MAX UINT32_MAX

typedef mach_port_t vm_map_t;
typedef mach_port_t vm_map_read_t;
typedef mach_port_t vm_map_inspect_t;
typedef mach_port_t upl_t;
typedef mach_port_t vm_named_entry_t;

#define VM_MAP_NULL ((vm_map_t)0)
#define VM_MAP_INSPECT_NULL ((vm_map_inspect_t)0)
#define VM_MAP_READ_NULL ((vm_map_read_t)0)
#define UPL_NULL ((upl_t)0)
#define VM_NAMED_ENTRY_NULL ((vm_named_entry_t)0)

typedef uint64_t vm_object_offset_t;
typedef uint64_t vm_object_size_t;

#endif /* !_MACH_VM_TYPES_H_ */
