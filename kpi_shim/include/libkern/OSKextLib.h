/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <libkern/OSKextLib.h> - kext identity and load-tag references (kernel
 * world).  In nkesim the kext loader tells the kernel which kext is running
 * (its load tag, bundle identifier and version); until one does, the
 * current load tag is 0 (the kernel's own).
 */
#ifndef _LIBKERN_OSKEXTLIB_H
#define _LIBKERN_OSKEXTLIB_H

#include <sys/cdefs.h>
#include <stdint.h>
#include <mach/kmod.h>
#include <mach/vm_types.h>
#include <libkern/OSTypes.h>
#include <libkern/OSReturn.h>

__BEGIN_DECLS

#define sub_libkern_kext err_sub(2)
#define libkern_kext_err(code) (sys_libkern | sub_libkern_kext | (code))

#define kOSKextReturnInternalError libkern_kext_err(0x1)
#define kOSKextReturnNoMemory libkern_kext_err(0x2)
#define kOSKextReturnNoResources libkern_kext_err(0x3)
#define kOSKextReturnNotPrivileged libkern_kext_err(0x4)
#define kOSKextReturnInvalidArgument libkern_kext_err(0x5)
#define kOSKextReturnNotFound libkern_kext_err(0x6)
#define kOSKextReturnBadData libkern_kext_err(0x7)
#define kOSKextReturnSerialization libkern_kext_err(0x8)
#define kOSKextReturnUnsupported libkern_kext_err(0x9)
#define kOSKextReturnDisabled libkern_kext_err(0xa)
#define kOSKextReturnNotAKext libkern_kext_err(0xb)
#define kOSKextReturnValidation libkern_kext_err(0xc)
#define kOSKextReturnAuthentication libkern_kext_err(0xd)
#define kOSKextReturnDependencies libkern_kext_err(0xe)
#define kOSKextReturnArchNotFound libkern_kext_err(0xf)
#define kOSKextReturnCache libkern_kext_err(0x10)
#define kOSKextReturnDeferred libkern_kext_err(0x11)
#define kOSKextReturnBootLevel libkern_kext_err(0x12)
#define kOSKextReturnNotLoadable libkern_kext_err(0x13)
#define kOSKextReturnLoadedVersionDiffers libkern_kext_err(0x14)
#define kOSKextReturnDependencyLoadError libkern_kext_err(0x15)
#define kOSKextReturnLinkError libkern_kext_err(0x16)
#define kOSKextReturnStartStopError libkern_kext_err(0x17)
#define kOSKextReturnInUse libkern_kext_err(0x18)
#define kOSKextReturnTimeout libkern_kext_err(0x19)
#define kOSKextReturnStopping libkern_kext_err(0x1a)
#define kOSKextReturnSystemPolicy libkern_kext_err(0x1b)
#define kOSKextReturnKCLoadFailure libkern_kext_err(0x1c)
#define kOSKextReturnKCLoadFailureSystemKC libkern_kext_err(0x1d)
#define kOSKextReturnKCLoadFailureAuxKC libkern_kext_err(0x1e)

#define kCFBundleIdentifierKey "CFBundleIdentifier"
#define kCFBundleIdentifierKernelKey "CFBundleIdentifierKernel"
#define kCFBundleVersionKey "CFBundleVersion"
#define kCFBundleNameKey "CFBundleName"
#define kCFBundleExecutableKey "CFBundleExecutable"
#define kCFBundlePackageTypeKey "CFBundlePackageType"
#define kOSBundleCompatibleVersionKey "OSBundleCompatibleVersion"
#define kOSBundleEnableKextLoggingKey "OSBundleEnableKextLogging"
#define kOSBundleIsInterfaceKey "OSBundleIsInterface"
#define kOSBundleLibrariesKey "OSBundleLibraries"
#define kOSBundleRequiredKey "OSBundleRequired"
#define kOSBundleRequireExplicitLoadKey "OSBundleRequireExplicitLoad"
#define kOSBundleAllowUserLoadKey "OSBundleAllowUserLoad"
#define kOSKernelResourceKey "OSKernelResource"
#define kIOKitPersonalitiesKey "IOKitPersonalities"
#define kIOPersonalityPublisherKey "IOPersonalityPublisher"
#define kOSBundleDebugLevelKey "OSBundleDebugLevel"
#define kOSKextKernelIdentifier "__kernel__"
#define kOSKextBundlePackageTypeKext "KEXT"
#define kOSBundleRequiredRoot "Root"
#define kOSBundleRequiredLocalRoot "Local-Root"
#define kOSBundleRequiredNetworkRoot "Network-Root"
#define kOSBundleRequiredSafeBoot "Safe Boot"
#define kOSBundleRequiredConsole "Console"

typedef uint32_t OSKextLoadTag;
#define kOSKextInvalidLoadTag ((OSKextLoadTag)(-1))

/* The load tag / bundle identifier / version of the running kext. */
OSKextLoadTag OSKextGetCurrentLoadTag(void);
const char *OSKextGetCurrentIdentifier(void);
const char *OSKextGetCurrentVersionString(void);

/* Not supported in nkesim: always kOSKextReturnUnsupported. */
OSReturn OSKextLoadKextWithIdentifier(const char *kextIdentifier);
/*
 * Take / drop a reference that keeps a loaded kext from unloading.
 * kOSKextReturnNotFound for an unknown tag; releasing more than was
 * retained is kOSKextReturnInvalidArgument.
 */
OSReturn OSKextRetainKextWithLoadTag(OSKextLoadTag loadTag);
OSReturn OSKextReleaseKextWithLoadTag(OSKextLoadTag loadTag);

typedef uint32_t OSKextRequestTag;
#define kOSKextRequestTagInvalid ((OSKextRequestTag)-1)

__END_DECLS

#endif /* !_LIBKERN_OSKEXTLIB_H */
