/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/kernel_types.h> - the opaque handle types of the BSD KPIs (kernel
 * world).  As for a third-party kext on macOS, each handle points to an
 * incomplete struct; nkesim completes them privately in its implementation.
 */
#ifndef _KERN_SYS_KERNELTYPES_H_
#define _KERN_SYS_KERNELTYPES_H_

#include <sys/cdefs.h>
#include <sys/types.h>

typedef int errno_t;
typedef int64_t daddr64_t;
typedef u_int64_t addr64_t;
typedef __uint32_t sae_associd_t;
typedef __uint32_t sae_connid_t;
typedef unsigned int vfs_context_flags_t;

typedef struct __mbuf *mbuf_t;
typedef struct __pkthdr *pkthdr_t;
typedef struct __socket *socket_t;
typedef struct __sockopt *sockopt_t;
typedef struct __ifaddr *ifaddr_t;
typedef struct __ifmultiaddr *ifmultiaddr_t;
typedef struct __ifnet *ifnet_t;
typedef struct __rtentry *route_t;
typedef struct __if_clone *if_clone_t;
typedef struct __ifnet_filter *interface_filter_t;
typedef struct __bufattr *bufattr_t;

typedef struct buf *buf_t;
typedef struct file *file_t;
typedef struct ucred *ucred_t;
typedef struct mount *mount_t;
typedef struct vnode *vnode_t;
typedef struct proc *proc_t;
typedef struct uio *uio_t;
typedef struct vfs_context *vfs_context_t;
typedef struct vfstable *vfstable_t;
typedef struct __vnode_attr *vnode_attr_t;
typedef struct __vnode_attr *vnode_attr_ptr_t;
typedef struct kauth_cred *kauth_cred_t;
typedef struct kauth_action_context *kauth_action_context_t;
typedef struct kauth_ace *kauth_ace_t;
typedef struct kauth_acl *kauth_acl_t;
typedef struct kauth_filesec *kauth_filesec_t;

#endif /* !_KERN_SYS_KERNELTYPES_H_ */
