/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <mach/mach_types.h> - the Mach object handles a kext sees (kernel world).
 * Inside the kernel task_t, thread_t, host_t... are pointers to opaque
 * structs; nkesim completes struct thread and struct task privately.  Also
 * pulls in the VM types, the clock types and <mach/kmod.h>, as Apple's does.
 */
#ifndef _MACH_MACH_TYPES_H_
#define _MACH_MACH_TYPES_H_

#include <stdint.h>
#include <sys/cdefs.h>
#include <mach/boolean.h>
#include <mach/kern_return.h>
#include <mach/port.h>
#include <mach/vm_types.h>
#include <mach/clock_types.h>

__BEGIN_DECLS
struct task;
struct thread;
struct host;
struct processor;
struct processor_set;
struct semaphore;
struct ledger;
struct alarm;
struct clock;
struct lock_set;
__END_DECLS

typedef struct task *task_t, *task_name_t, *task_inspect_t, *task_read_t,
    *task_suspension_token_t, *task_policy_set_t, *task_policy_get_t;
typedef struct thread *thread_t, *thread_act_t, *thread_inspect_t, *thread_read_t;
typedef struct ipc_space *ipc_space_t, *ipc_space_read_t, *ipc_space_inspect_t;
typedef struct coalition *coalition_t;
typedef struct host *host_t;
typedef struct host *host_priv_t;
typedef struct host *host_security_t;
typedef struct processor *processor_t;
typedef struct processor_set *processor_set_t;
typedef struct processor_set *processor_set_control_t;
typedef struct semaphore *semaphore_t;
typedef struct ledger *ledger_t;
typedef struct alarm *alarm_t;
typedef struct clock *clock_serv_t;
typedef struct clock *clock_ctrl_t;
typedef struct lock_set *lock_set_t;

typedef processor_set_t processor_set_name_t;
typedef mach_port_t clock_reply_t;
typedef mach_port_t bootstrap_t;
typedef mach_port_t mem_entry_name_port_t;
typedef mach_port_t exception_handler_t;
typedef exception_handler_t *exception_handler_array_t;
typedef mach_port_t vm_task_entry_t;
typedef mach_port_t io_main_t;
typedef mach_port_t io_master_t;
typedef mach_port_t UNDServerRef;

typedef task_t *task_array_t;
typedef thread_t *thread_array_t;
typedef processor_set_t *processor_set_array_t;
typedef processor_set_t *processor_set_name_array_t;
typedef processor_t *processor_array_t;
typedef thread_act_t *thread_act_array_t;
typedef ledger_t *ledger_array_t;

typedef task_t task_port_t;
typedef task_array_t task_port_array_t;
typedef thread_t thread_port_t;
typedef thread_array_t thread_port_array_t;
typedef ipc_space_t ipc_space_port_t;
typedef host_t host_name_t;
typedef host_t host_name_port_t;
typedef processor_set_t processor_set_port_t;
typedef processor_set_t processor_set_name_port_t;
typedef processor_set_array_t processor_set_name_port_array_t;
typedef processor_set_t processor_set_control_port_t;
typedef processor_t processor_port_t;
typedef processor_array_t processor_port_array_t;
typedef thread_act_t thread_act_port_t;
typedef thread_act_array_t thread_act_port_array_t;
typedef semaphore_t semaphore_port_t;
typedef lock_set_t lock_set_port_t;
typedef ledger_t ledger_port_t;
typedef ledger_array_t ledger_port_array_t;
typedef alarm_t alarm_port_t;
typedef clock_serv_t clock_serv_port_t;
typedef clock_ctrl_t clock_ctrl_port_t;
typedef exception_handler_t exception_port_t;
typedef exception_handler_array_t exception_port_arrary_t;
typedef char vfs_path_t[4096];
typedef char nspace_path_t[8192];
typedef char nspace_name_t[8192];

#define TASK_NULL ((task_t)NULL)
#define TASK_NAME_NULL ((task_name_t)NULL)
#define TASK_INSPECT_NULL ((task_inspect_t)NULL)
#define TASK_READ_NULL ((task_read_t)NULL)
#define THREAD_NULL ((thread_t)NULL)
#define THREAD_INSPECT_NULL ((thread_inspect_t)NULL)
#define THREAD_READ_NULL ((thread_read_t)NULL)
#define TID_NULL ((uint64_t)NULL)
#define THR_ACT_NULL ((thread_act_t)NULL)
#define IPC_SPACE_NULL ((ipc_space_t)NULL)
#define IPC_SPACE_READ_NULL ((ipc_space_read_t)NULL)
#define IPC_SPACE_INSPECT_NULL ((ipc_space_inspect_t)NULL)
#define COALITION_NULL ((coalition_t)NULL)
#define HOST_NULL ((host_t)NULL)
#define HOST_PRIV_NULL ((host_priv_t)NULL)
#define HOST_SECURITY_NULL ((host_security_t)NULL)
#define PROCESSOR_SET_NULL ((processor_set_t)NULL)
#define PROCESSOR_NULL ((processor_t)NULL)
#define SEMAPHORE_NULL ((semaphore_t)NULL)
#define LOCK_SET_NULL ((lock_set_t)NULL)
#define LEDGER_NULL ((ledger_t)NULL)
#define ALARM_NULL ((alarm_t)NULL)
#define CLOCK_NULL ((clock_t)NULL)
#define UND_SERVER_NULL ((UNDServerRef)NULL)

typedef unsigned int mach_task_flavor_t;
#define TASK_FLAVOR_CONTROL 0
#define TASK_FLAVOR_READ 1
#define TASK_FLAVOR_INSPECT 2
#define TASK_FLAVOR_NAME 3
#define TASK_FLAVOR_MAX TASK_FLAVOR_NAME

typedef unsigned int mach_thread_flavor_t;
#define THREAD_FLAVOR_CONTROL 0
#define THREAD_FLAVOR_READ 1
#define THREAD_FLAVOR_INSPECT 2
#define THREAD_FLAVOR_MAX THREAD_FLAVOR_INSPECT

typedef natural_t ledger_item_t;
#define LEDGER_ITEM_INFINITY ((ledger_item_t)(~0))
typedef int64_t ledger_amount_t;
#define LEDGER_LIMIT_INFINITY ((ledger_amount_t)((1ULL << 63) - 1))

typedef mach_vm_offset_t *emulation_vector_t;
typedef char *user_subsystem_t;
typedef char *labelstr_t;

#include <mach/kmod.h>

#endif /* !_MACH_MACH_TYPES_H_ */
