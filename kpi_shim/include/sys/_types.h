/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/_types.h> - Darwin's underlying __darwin_* types (kernel world).
 */
#ifndef _SYS__TYPES_H_
#define _SYS__TYPES_H_

#include <sys/cdefs.h>
#include <sys/_types/_int_types.h>

typedef __SIZE_TYPE__ __darwin_size_t;
typedef long __darwin_ssize_t;
typedef __PTRDIFF_TYPE__ __darwin_ptrdiff_t;
typedef __builtin_va_list __darwin_va_list;
typedef long __darwin_clock_t;
typedef __uint32_t __darwin_socklen_t;
typedef long __darwin_time_t;
typedef __int32_t __darwin_suseconds_t;
typedef __uint32_t __darwin_useconds_t;
typedef __int32_t __darwin_pid_t;
typedef __uint32_t __darwin_uid_t;
typedef __uint32_t __darwin_gid_t;
typedef __uint32_t __darwin_id_t;
typedef __int32_t __darwin_dev_t;
typedef __uint16_t __darwin_mode_t;
typedef __int64_t __darwin_off_t;
typedef __int64_t __darwin_blkcnt_t;
typedef __int32_t __darwin_blksize_t;
typedef __uint64_t __darwin_ino64_t;
typedef __darwin_ino64_t __darwin_ino_t;
typedef __uint32_t __darwin_sigset_t;
typedef unsigned char __darwin_uuid_t[16];
typedef char __darwin_uuid_string_t[37];
typedef __darwin_natural_t __darwin_mach_port_name_t;
typedef __darwin_mach_port_name_t __darwin_mach_port_t;
typedef int __darwin_ct_rune_t;
typedef int __darwin_wchar_t;
typedef int __darwin_rune_t;
typedef int __darwin_wint_t;

#endif /* !_SYS__TYPES_H_ */
