/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_OSKextLib.c - tests of kpi_shim/kern/OSKextLib.c (kernel world) and
 * of <mach/kmod.h>: the current load tag and identity, retain/release
 * balance, and kmod_info_t's exact packed-4 layout (Xcode's generated
 * kmod_info and kexts read it positionally).
 */
#include <sys/types.h>
#include <stddef.h>
#include <string.h>
#include <mach/kmod.h>
#include <libkern/OSKextLib.h>
#include <libkern/OSReturn.h>
#include <nke_kern.h>
#include "nkt.h"

/* Apple's layout on x86_64: #pragma pack(4). */
_Static_assert(offsetof(kmod_info_t, next) == 0, "next");
_Static_assert(offsetof(kmod_info_t, info_version) == 8, "info_version");
_Static_assert(offsetof(kmod_info_t, id) == 12, "id");
_Static_assert(offsetof(kmod_info_t, name) == 16, "name");
_Static_assert(offsetof(kmod_info_t, version) == 80, "version");
_Static_assert(offsetof(kmod_info_t, reference_count) == 144, "reference_count");
_Static_assert(offsetof(kmod_info_t, reference_list) == 148, "reference_list");
_Static_assert(offsetof(kmod_info_t, address) == 156, "address");
_Static_assert(offsetof(kmod_info_t, size) == 164, "size");
_Static_assert(offsetof(kmod_info_t, hdr_size) == 172, "hdr_size");
_Static_assert(offsetof(kmod_info_t, start) == 180, "start");
_Static_assert(offsetof(kmod_info_t, stop) == 188, "stop");
_Static_assert(sizeof(kmod_info_t) == 196, "sizeof kmod_info_t");
_Static_assert(_Alignof(kmod_info_t) == 4, "packed to 4");
_Static_assert(sizeof(kmod_reference_t) == 16, "kmod_reference_t");
_Static_assert(sizeof(kmod_info_64_v1_t) == 196, "kmod_info_64_v1_t");
_Static_assert(sizeof(kmod_info_32_v1_t) == 168, "kmod_info_32_v1_t");
_Static_assert(KMOD_MAX_NAME == 64, "KMOD_MAX_NAME");

static kern_return_t my_start(kmod_info_t *ki, void *d);
static kern_return_t my_stop(kmod_info_t *ki, void *d);

/* What Xcode generates from MODULE_NAME/VERSION/START/STOP. */
KMOD_EXPLICIT_DECL(com.example.test, "1.2.3", my_start, my_stop)

static kern_return_t
my_start(kmod_info_t *ki, void *d)
{
	(void)d;
	return strcmp(ki->name, "com.example.test") == 0 ? KERN_SUCCESS : KERN_FAILURE;
}

static kern_return_t
my_stop(kmod_info_t *ki, void *d)
{
	(void)ki;
	(void)d;
	return KERN_SUCCESS;
}

static void
test_kmod_info_decl(void)
{
	KT_ASSERT_EQ(kmod_info.info_version, KMOD_INFO_VERSION);
	KT_ASSERT_EQ(kmod_info.id, 0xffffffffu);
	KT_ASSERT_STR_EQ(kmod_info.name, "com.example.test");
	KT_ASSERT_STR_EQ(kmod_info.version, "1.2.3");
	KT_ASSERT_EQ(kmod_info.reference_count, -1);
	KT_ASSERT_NULL(kmod_info.reference_list);
	KT_ASSERT_EQ(kmod_info.start(&kmod_info, NULL), KERN_SUCCESS);
	KT_ASSERT_EQ(kmod_info.stop(&kmod_info, NULL), KERN_SUCCESS);
}

static void
test_current_kext_identity(void)
{
	KT_ASSERT_EQ(OSKextGetCurrentLoadTag(), 0);
	KT_ASSERT_STR_EQ(OSKextGetCurrentIdentifier(), kOSKextKernelIdentifier);
	nke__kext_set_current(7, "com.example.test", "1.2.3");
	KT_ASSERT_EQ(OSKextGetCurrentLoadTag(), 7);
	KT_ASSERT_STR_EQ(OSKextGetCurrentIdentifier(), "com.example.test");
	KT_ASSERT_STR_EQ(OSKextGetCurrentVersionString(), "1.2.3");
}

static void
test_retain_release(void)
{
	nke__kext_set_current(9, "com.example.x", "1");
	KT_ASSERT_EQ(OSKextRetainKextWithLoadTag(9), kOSReturnSuccess);
	KT_ASSERT_EQ(OSKextReleaseKextWithLoadTag(9), kOSReturnSuccess);
	KT_ASSERT_EQ(OSKextReleaseKextWithLoadTag(9), kOSKextReturnInvalidArgument);
	KT_ASSERT_EQ(OSKextRetainKextWithLoadTag(1234), kOSKextReturnNotFound);
	KT_ASSERT_EQ(OSKextLoadKextWithIdentifier("com.apple.foo"), kOSKextReturnUnsupported);
	/* libkern's error codes carry system 0x37. */
	KT_ASSERT_EQ((unsigned)kOSKextReturnNotFound, 0xdc008006u);
	KT_ASSERT_EQ((unsigned)kOSReturnError, 0xdc000001u);
}

NKT_CASES(NKT_CASE(test_kmod_info_decl), NKT_CASE(test_current_kext_identity),
    NKT_CASE(test_retain_release));
