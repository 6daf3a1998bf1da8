/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/kern_event.h> - kernel events (kernel world): the vendor/class/
 * subclass/code numbering of events delivered to PF_SYSTEM/SYSPROTO_EVENT
 * sockets and to interface-filter iff_event callbacks, and the KPI a kext
 * uses to post its own (kev_msg_post).  The network-class subclasses and
 * event codes (KEV_DL_*, KEV_INET_*) come from <net/net_kev.h>.
 */
#ifndef SYS_KERN_EVENT_H
#define SYS_KERN_EVENT_H

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/ioccom.h>
#include <sys/sys_domain.h>
/*
 * Not included by Apple's header: the KEV_NETWORK_CLASS subclasses and
 * event codes (KEV_DL_LINK_ON ...), for kexts that name them with only
 * this header in scope.
 */
#include <net/net_kev.h>

#define KEV_SNDSPACE  (4 * 1024)
#define KEV_RECVSPACE (32 * 1024)

/* Wildcards for event filters */
#define KEV_ANY_VENDOR   0
#define KEV_ANY_CLASS    0
#define KEV_ANY_SUBCLASS 0

#define KEV_VENDOR_APPLE 1

/* Classes of KEV_VENDOR_APPLE (network subclasses: <net/net_kev.h>) */
#define KEV_NETWORK_CLASS    1
#define KEV_IOKIT_CLASS      2
#define KEV_SYSTEM_CLASS     3
#define KEV_APPLESHARE_CLASS 4
#define KEV_FIREWALL_CLASS   5
#define KEV_IEEE80211_CLASS  6
#define KEV_NKE_CLASS        7

#define KEV_NKE_ALF_SUBCLASS      1
#define KEV_NKE_ALF_STATE_CHANGED 1

/* An event as read from an event socket: header then data words. */
struct kern_event_msg {
	u_int32_t total_size; /* whole message, bytes */
	u_int32_t vendor_code;
	u_int32_t kev_class;
	u_int32_t kev_subclass;
	u_int32_t id; /* sequence number */
	u_int32_t event_code;
	u_int32_t event_data[1]; /* first of one or more data words */
};

#define KEV_MSG_HEADER_SIZE (__offsetof(struct kern_event_msg, event_data[0]))

/* Event socket filter (SIOCSKEVFILT / SIOCGKEVFILT). */
struct kev_request {
	u_int32_t vendor_code;
	u_int32_t kev_class;
	u_int32_t kev_subclass;
};

#define KEV_VENDOR_CODE_MAX_STR_LEN 200

#pragma pack(push, 4)
struct kev_vendor_code {
	u_int32_t vendor_code;
	char vendor_string[KEV_VENDOR_CODE_MAX_STR_LEN];
};
#pragma pack(pop)

#define SIOCGKEVID     _IOR('e', 1, u_int32_t)
#define SIOCSKEVFILT   _IOW('e', 2, struct kev_request)
#define SIOCGKEVFILT   _IOR('e', 3, struct kev_request)
#define SIOCGKEVVENDOR _IOWR('e', 4, struct kev_vendor_code)

/* ---- Posting events from a kext ---------------------------------------- */

#define N_KEV_VECTORS 5

/* One piece of event data; a zero data_length ends the list. */
struct kev_d_vectors {
	u_int32_t data_length;
	void *data_ptr;
};

/* An event to post, or as handed to iff_event / proto event callbacks. */
struct kev_msg {
	u_int32_t vendor_code;
	u_int32_t kev_class;
	u_int32_t kev_subclass;
	u_int32_t event_code;
	struct kev_d_vectors dv[N_KEV_VECTORS];
};

__BEGIN_DECLS

/*
 * Look up (or allocate) the vendor code of a vendor string such as a
 * bundle id.  On success *vendor_code is set; EINVAL if the string is
 * KEV_VENDOR_CODE_MAX_STR_LEN bytes or longer.
 */
errno_t kev_vendor_code_find(const char *vendor_string, u_int32_t *vendor_code);

/*
 * Post event_msg to the event sockets; the data vectors are copied.
 * EINVAL for NULL or a vendor code not obtained from kev_vendor_code_find
 * (third parties cannot post as KEV_VENDOR_APPLE), or a message too large.
 */
errno_t kev_msg_post(struct kev_msg *event_msg);

__END_DECLS

#endif /* !SYS_KERN_EVENT_H */
