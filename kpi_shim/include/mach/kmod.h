/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <mach/kmod.h> - kernel module identity (kernel world): kmod_info_t, the
 * start/stop routine types and the KMOD_*_DECL macros Xcode's generated
 * kmod_info.c uses.  Apple's layout exactly: every structure is packed to
 * 4-byte alignment, so on x86_64 `reference_list` sits at offset 148.
 */
#ifndef _MACH_KMOD_H_
#define _MACH_KMOD_H_

#include <sys/cdefs.h>
#include <stdint.h>
#include <mach/kern_return.h>
#include <mach/mach_types.h>

__BEGIN_DECLS

#define KMOD_MAX_NAME 64

#define KMOD_RETURN_SUCCESS KERN_SUCCESS
#define KMOD_RETURN_FAILURE KERN_FAILURE

typedef int kmod_t;

struct kmod_info;
/* A kext's start and stop routines (MODULE_START / MODULE_STOP). */
typedef kern_return_t kmod_start_func_t(struct kmod_info *ki, void *data);
typedef kern_return_t kmod_stop_func_t(struct kmod_info *ki, void *data);

#pragma pack(push, 4)

/* One dependency link of a loaded module (run time only). */
typedef struct kmod_reference {
	struct kmod_reference *next;
	struct kmod_info *info;
} kmod_reference_t;

/* What a kext exports as `kmod_info`; filled in by the loader. */
typedef struct kmod_info {
	struct kmod_info *next;
	int32_t info_version;		/* KMOD_INFO_VERSION */
	uint32_t id;			/* load tag, set by the loader */
	char name[KMOD_MAX_NAME];	/* bundle identifier */
	char version[KMOD_MAX_NAME];	/* bundle version string */
	int32_t reference_count;	/* modules that link against this one */
	kmod_reference_t *reference_list; /* modules this one links against */
	vm_address_t address;		/* where the module starts */
	vm_size_t size;			/* its total size */
	vm_size_t hdr_size;		/* size of its unwired header */
	kmod_start_func_t *start;
	kmod_stop_func_t *stop;
} kmod_info_t;

/* Fixed-width images of kmod_info_t for 32- and 64-bit kexts. */
typedef struct kmod_info_32_v1 {
	uint32_t next_addr;
	int32_t info_version;
	uint32_t id;
	uint8_t name[KMOD_MAX_NAME];
	uint8_t version[KMOD_MAX_NAME];
	int32_t reference_count;
	uint32_t reference_list_addr;
	uint32_t address;
	uint32_t size;
	uint32_t hdr_size;
	uint32_t start_addr;
	uint32_t stop_addr;
} kmod_info_32_v1_t;

typedef struct kmod_info_64_v1 {
	uint64_t next_addr;
	int32_t info_version;
	uint32_t id;
	uint8_t name[KMOD_MAX_NAME];
	uint8_t version[KMOD_MAX_NAME];
	int32_t reference_count;
	uint64_t reference_list_addr;
	uint64_t address;
	uint64_t size;
	uint64_t hdr_size;
	uint64_t start_addr;
	uint64_t stop_addr;
} kmod_info_64_v1_t;

#pragma pack(pop)

#define KMOD_INFO_NAME kmod_info
#define KMOD_INFO_VERSION 1

/*
 * Define the module's kmod_info.  KMOD_DECL expects the routines to be
 * called <name>_module_start and <name>_module_stop; KMOD_EXPLICIT_DECL
 * names them.  The load tag starts as -1 until a loader assigns one.
 */
#define KMOD_DECL(name, version)                                               \
	static kmod_start_func_t name##_module_start;                          \
	static kmod_stop_func_t name##_module_stop;                            \
	kmod_info_t KMOD_INFO_NAME = {0, KMOD_INFO_VERSION, -1U, {#name},      \
	    {version}, -1, 0, 0, 0, 0, name##_module_start, name##_module_stop};

#define KMOD_EXPLICIT_DECL(name, version, start, stop)                         \
	kmod_info_t KMOD_INFO_NAME = {0, KMOD_INFO_VERSION, -1U, {#name},      \
	    {version}, -1, 0, 0, 0, 0, start, stop};

/* Obsolete, still named by MIG definitions. */
typedef void *kmod_args_t;
typedef int kmod_control_flavor_t;
typedef kmod_info_t *kmod_info_array_t;

__END_DECLS

#endif /* !_MACH_KMOD_H_ */
