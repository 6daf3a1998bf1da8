/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <os/log.h> - unified logging from the kernel (kernel world).  nkesim
 * formats each message with the kernel printf after removing the privacy
 * and type annotations ("%{public}s" prints as "%s"), and writes it to the
 * kernel console as one line.
 */
#ifndef __os_log_h
#define __os_log_h

#include <sys/cdefs.h>
#include <stdint.h>
#include <stdbool.h>

__BEGIN_DECLS

extern void *__dso_handle;

#define OS_LOG_BUFFER_MAX_SIZE 256
#define OS_LOG_DATA_MAX_SIZE (OS_LOG_BUFFER_MAX_SIZE - 16)

typedef struct os_log_s *os_log_t;

#define OS_LOG_DISABLED ((os_log_t)NULL)
#define OS_LOG_DEFAULT ((os_log_t)(&_os_log_default))
extern struct os_log_s _os_log_default;

typedef uint8_t os_log_type_t;
enum {
	OS_LOG_TYPE_DEFAULT = 0x00,
	OS_LOG_TYPE_INFO = 0x01,
	OS_LOG_TYPE_DEBUG = 0x02,
	OS_LOG_TYPE_ERROR = 0x10,
	OS_LOG_TYPE_FAULT = 0x11,
};

/* A log handle for a subsystem/category (nkesim: shares the default log). */
os_log_t os_log_create(const char *subsystem, const char *category);
bool os_log_info_enabled(os_log_t log);
bool os_log_debug_enabled(os_log_t log);

#define os_log(log, format, ...) os_log_with_type(log, OS_LOG_TYPE_DEFAULT, format, ##__VA_ARGS__)
#define os_log_info(log, format, ...) \
	os_log_with_type(log, OS_LOG_TYPE_INFO, format, ##__VA_ARGS__)
#define os_log_debug(log, format, ...) \
	os_log_with_type(log, OS_LOG_TYPE_DEBUG, format, ##__VA_ARGS__)
#define os_log_error(log, format, ...) \
	os_log_with_type(log, OS_LOG_TYPE_ERROR, format, ##__VA_ARGS__)
#define os_log_fault(log, format, ...) \
	os_log_with_type(log, OS_LOG_TYPE_FAULT, format, ##__VA_ARGS__)
#define os_log_with_type(log, type, format, ...) \
	_os_log_internal(&__dso_handle, (log), (type), "" format "", ##__VA_ARGS__)

/* What the macros call; `message` is a string literal with os_log formats. */
void _os_log_internal(void *dso, os_log_t log, os_log_type_t type, const char *message, ...);

__END_DECLS

#endif /* !__os_log_h */
