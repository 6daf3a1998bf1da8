/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <libkern/OSReturn.h> - libkern return codes (kernel world): OSReturn is a
 * kern_return_t; errors carry libkern's Mach error system (0x37).
 */
#ifndef __LIBKERN_OSRETURN_H
#define __LIBKERN_OSRETURN_H

#include <sys/cdefs.h>
#include <mach/error.h>

typedef kern_return_t OSReturn;

#ifndef sys_libkern
#define sys_libkern err_system(0x37)
#endif
#define sub_libkern_common err_sub(0)
#define sub_libkern_metaclass err_sub(1)
#define sub_libkern_reserved err_sub(-1)

#define libkern_common_err(return) (sys_libkern | sub_libkern_common | (return))
#define libkern_metaclass_err(return) (sys_libkern | sub_libkern_metaclass | (return))

#define kOSReturnSuccess KERN_SUCCESS
#define kOSReturnError libkern_common_err(1)
#define kOSMetaClassInternal libkern_metaclass_err(1)
#define kOSMetaClassHasInstances libkern_metaclass_err(2)
#define kOSMetaClassNoInit libkern_metaclass_err(3)
#define kOSMetaClassNoTempData libkern_metaclass_err(4)
#define kOSMetaClassNoDicts libkern_metaclass_err(5)
#define kOSMetaClassNoKModSet libkern_metaclass_err(6)
#define kOSMetaClassNoInsKModSet libkern_metaclass_err(7)
#define kOSMetaClassNoSuper libkern_metaclass_err(8)
#define kOSMetaClassInstNoSuper libkern_metaclass_err(9)
#define kOSMetaClassDuplicateClass libkern_metaclass_err(10)
#define kOSMetaClassNoKext libkern_metaclass_err(11)

#endif /* !__LIBKERN_OSRETURN_H */
