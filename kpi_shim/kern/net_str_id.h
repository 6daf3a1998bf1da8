/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * net_str_id.h - the string-to-id registry of the network KPIs (kernel
 * world, private to the simulator).
 *
 * mbuf_tag_id_find() (kpi_mbuf.c), kev_vendor_code_find() and interface
 * family ids map strings to numbers through net_str_id.c: one counter from
 * 1000 upward shared by every kind, the same string always mapping to the
 * same id until NKS_fini().  Each kind remembers the highest id handed out
 * for it, which is how mbuf_tag_allocate() rejects ids it never issued.
 */
#ifndef NKE_NET_STR_ID_H_
#define NKE_NET_STR_ID_H_

#include <sys/types.h>

/* Kinds of string ids (XNU's NSI_* values); all share one counter. */
enum { NKE_NSI_MBUF_TAG = 0, NKE_NSI_VENDOR_CODE = 1, NKE_NSI_IF_FAM_ID = 2, NKE_NSI_MAX_KIND };
#define NKE_NSI_FIRST_ID 1000
/* Longest string accepted. */
#define NKE_NET_ID_STR_MAX_LEN 2048

/*
 * Map s to its id, creating the entry on first use, and record that `kind`
 * asked for it.  Returns 0, EINVAL (NULL argument, bad kind, s longer than
 * 2048 bytes; *id untouched) or ENOMEM (*id set to 0).  Never blocks.
 */
int nke__net_str_id_find_kind(const char *s, u_int32_t *id, u_int32_t kind);
/* Same, without recording any kind (the id range of no kind grows). */
int nke__net_str_id_find(const char *s, u_int32_t *id);
/* Ids handed out for `kind` so far: [*first, *last]; empty when last < first. */
void nke__net_str_id_first_last(u_int32_t *first, u_int32_t *last, u_int32_t kind);

/* Subsystem hooks (called from nke__mbuf_init / nke__mbuf_fini). */
void nke__net_str_id_init(void);
void nke__net_str_id_fini(void);

#endif /* NKE_NET_STR_ID_H_ */
