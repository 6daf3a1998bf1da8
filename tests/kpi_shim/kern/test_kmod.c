/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_kmod.c - tests of <mach/kmod.h> and <libkern/OSKextLib.h> as a kext
 * sees them (kernel world): kmod_info_t's exact packed-4 layout (Xcode's
 * generated kmod_info and kexts read it positionally), KMOD_EXPLICIT_DECL,
 * and the OSKext KPI (implemented in kern_kext.c) answering for the kext
 * whose routine runs.
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

/* What the routines saw of the OSKext KPI. */
static OSKextLoadTag seen_tag;
static char seen_id[64], seen_version[64];
static OSReturn seen_retain, seen_release, seen_release2, seen_unknown;

static kern_return_t
my_start(kmod_info_t *ki, void *d)
{
	(void)d;
	seen_tag = OSKextGetCurrentLoadTag();
	strlcpy(seen_id, OSKextGetCurrentIdentifier(), sizeof(seen_id));
	strlcpy(seen_version, OSKextGetCurrentVersionString(), sizeof(seen_version));
	seen_retain = OSKextRetainKextWithLoadTag(seen_tag);
	seen_release = OSKextReleaseKextWithLoadTag(seen_tag);
	seen_release2 = OSKextReleaseKextWithLoadTag(seen_tag);
	seen_unknown = OSKextRetainKextWithLoadTag(1234);
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
	KT_ASSERT(kmod_info.start == my_start);
	KT_ASSERT(kmod_info.stop == my_stop);
}

static void
test_current_kext_identity(void)
{
	nks_u32 id;
	nks_i32 res;

	KT_ASSERT_EQ(OSKextGetCurrentLoadTag(), 0);
	KT_ASSERT_STR_EQ(OSKextGetCurrentIdentifier(), kOSKextKernelIdentifier);
	KT_ASSERT_EQ(NKS_kext_start(&kmod_info, &id, &res), 0);
	KT_ASSERT_EQ(seen_tag, id);
	KT_ASSERT_STR_EQ(seen_id, "com.example.test");
	KT_ASSERT_STR_EQ(seen_version, "1.2.3");
	/* Outside its routines the kernel runs again. */
	KT_ASSERT_EQ(OSKextGetCurrentLoadTag(), 0);
	KT_ASSERT_EQ(NKS_kext_stop(id, &res), 0);
}

static void
test_retain_release(void)
{
	nks_u32 id;
	nks_i32 res;

	KT_ASSERT_EQ(NKS_kext_start(&kmod_info, &id, &res), 0);
	KT_ASSERT_EQ(seen_retain, kOSReturnSuccess);
	KT_ASSERT_EQ(seen_release, kOSReturnSuccess);
	KT_ASSERT_EQ(seen_release2, kOSKextReturnInvalidArgument);
	KT_ASSERT_EQ(seen_unknown, kOSKextReturnNotFound);
	KT_ASSERT_EQ(OSKextLoadKextWithIdentifier("com.apple.foo"), kOSKextReturnUnsupported);
	/* libkern's error codes carry system 0x37. */
	KT_ASSERT_EQ((unsigned)kOSKextReturnNotFound, 0xdc008006u);
	KT_ASSERT_EQ((unsigned)kOSReturnError, 0xdc000001u);
	KT_ASSERT_EQ(NKS_kext_stop(id, &res), 0);
	/* A stopped kext can no longer be retained. */
	KT_ASSERT_EQ(OSKextRetainKextWithLoadTag(id), kOSKextReturnNotFound);
}

NKT_CASES(NKT_CASE(test_kmod_info_decl), NKT_CASE(test_current_kext_identity),
    NKT_CASE(test_retain_release));
