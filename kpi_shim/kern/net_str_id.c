/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * net_str_id.c - the string-to-id registry of the network KPIs (kernel world).
 *
 * mbuf_tag_id_find(), kev_vendor_code_find() and interface-family ids all
 * map a string (usually a bundle id) to a number.  As in XNU's
 * bsd/net/net_str_id.c, one counter starting at 1000 serves every kind, the
 * same string always maps to the same number, and each kind remembers the
 * highest id handed out for it so callers can reject ids never issued.  The
 * registry lives until NKS_fini(), which gives its memory back to the host.
 */
#include <sys/errno.h>
#include <string.h>

#include "nke_kern.h"
#include "net_str_id.h"

struct nke_nsi_entry {
	struct nke_nsi_entry *nsi_next;
	size_t nsi_size;     /* bytes allocated for this entry */
	u_int32_t nsi_kinds; /* 1 << kind for each kind that asked */
	u_int32_t nsi_id;
	char nsi_string[];
};

static struct nke_nsi_entry *nke_nsi_list;
static u_int32_t nke_nsi_next_id;
static u_int32_t nke_nsi_kind_next[NKE_NSI_MAX_KIND];

void
nke__net_str_id_init(void)
{
	unsigned i;

	nke_nsi_list = NULL;
	nke_nsi_next_id = NKE_NSI_FIRST_ID;
	for (i = 0; i < NKE_NSI_MAX_KIND; i++)
		nke_nsi_kind_next[i] = NKE_NSI_FIRST_ID;
}

void
nke__net_str_id_fini(void)
{
	struct nke_nsi_entry *e, *next;

	for (e = nke_nsi_list; e != NULL; e = next) {
		next = e->nsi_next;
		NKH_free(e, e->nsi_size);
	}
	nke_nsi_list = NULL;
}

void
nke__net_str_id_first_last(u_int32_t *first, u_int32_t *last, u_int32_t kind)
{
	*first = NKE_NSI_FIRST_ID;
	if (kind < NKE_NSI_MAX_KIND)
		*last = nke_nsi_kind_next[kind] - 1;
	else
		*last = NKE_NSI_FIRST_ID - 1;
}

/* kind == NKE_NSI_MAX_KIND: look up / create without registering a kind. */
static int
nke_nsi_find(const char *s, u_int32_t *id, u_int32_t kind)
{
	struct nke_nsi_entry *e;
	size_t len;

	if (s == NULL || id == NULL || kind > NKE_NSI_MAX_KIND)
		return EINVAL;
	len = strlen(s);
	if (len > NKE_NET_ID_STR_MAX_LEN)
		return EINVAL;
	*id = 0;
	for (e = nke_nsi_list; e != NULL; e = e->nsi_next)
		if (strcmp(e->nsi_string, s) == 0)
			break;
	if (e == NULL) {
		size_t size = sizeof(*e) + len + 1;

		e = NKH_alloc(NKS_ALLOC_KERNEL, size);
		if (e == NULL)
			return ENOMEM;
		e->nsi_size = size;
		memcpy(e->nsi_string, s, len + 1);
		e->nsi_id = nke_nsi_next_id++;
		e->nsi_kinds = 0;
		e->nsi_next = nke_nsi_list;
		nke_nsi_list = e;
	}
	if (kind < NKE_NSI_MAX_KIND && (e->nsi_kinds & (1u << kind)) == 0) {
		e->nsi_kinds |= 1u << kind;
		if (e->nsi_id >= nke_nsi_kind_next[kind])
			nke_nsi_kind_next[kind] = e->nsi_id + 1;
	}
	*id = e->nsi_id;
	return 0;
}

int
nke__net_str_id_find_kind(const char *s, u_int32_t *id, u_int32_t kind)
{
	if (kind >= NKE_NSI_MAX_KIND)
		return EINVAL;
	return nke_nsi_find(s, id, kind);
}

int
nke__net_str_id_find(const char *s, u_int32_t *id)
{
	return nke_nsi_find(s, id, NKE_NSI_MAX_KIND);
}
