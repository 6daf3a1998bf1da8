/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * OSKextLib.c - kext identity and load-tag references (kernel world):
 * OSKextGetCurrentLoadTag() & co. and OSKextRetain/ReleaseKextWithLoadTag.
 *
 * NKE-DIVERGENCE: in XNU these answer for the kext whose code calls them
 * (each kext links its own copy).  nkesim answers for the kext the loader
 * declared current with nke__kext_set_current(); until a loader exists that
 * is the kernel itself (load tag 0, "__kernel__").
 */
#include "nke_svc.h"

#include <sys/cdefs.h>
#include <sys/types.h>
#include <string.h>
#include <libkern/OSKextLib.h>
#include <libkern/libkern.h>

#define KEXTS_MAX 32

static struct kext_rec {
	int k_inuse;
	OSKextLoadTag k_tag;
	long k_retains;
	char k_id[KMOD_MAX_NAME];
	char k_version[KMOD_MAX_NAME];
} kexts[KEXTS_MAX];
static struct kext_rec *current;

static struct kext_rec *
kext_find(OSKextLoadTag tag)
{
	unsigned i;

	for (i = 0; i < KEXTS_MAX; i++)
		if (kexts[i].k_inuse && kexts[i].k_tag == tag)
			return &kexts[i];
	return NULL;
}

void
nke__kext_set_current(uint32_t load_tag, const char *identifier, const char *version)
{
	struct kext_rec *k = kext_find(load_tag);
	unsigned i;

	for (i = 0; k == NULL && i < KEXTS_MAX; i++) {
		if (!kexts[i].k_inuse) {
			k = &kexts[i];
			memset(k, 0, sizeof(*k));
			k->k_inuse = 1;
			k->k_tag = load_tag;
		}
	}
	if (k == NULL)
		nke__panic("nke__kext_set_current: more than %d kexts", KEXTS_MAX);
	strlcpy(k->k_id, identifier != NULL ? identifier : "", sizeof(k->k_id));
	strlcpy(k->k_version, version != NULL ? version : "", sizeof(k->k_version));
	current = k;
}

void
nke__kext_init(void)
{
	memset(kexts, 0, sizeof(kexts));
	current = NULL;
	nke__kext_set_current(0, kOSKextKernelIdentifier, "0");
}

NKE_KPI OSKextLoadTag
OSKextGetCurrentLoadTag(void)
{
	return current->k_tag;
}

NKE_KPI const char *
OSKextGetCurrentIdentifier(void)
{
	return current->k_id;
}

NKE_KPI const char *
OSKextGetCurrentVersionString(void)
{
	return current->k_version;
}

NKE_KPI OSReturn
OSKextLoadKextWithIdentifier(const char *kextIdentifier)
{
	(void)kextIdentifier;
	return kOSKextReturnUnsupported;
}

NKE_KPI OSReturn
OSKextRetainKextWithLoadTag(OSKextLoadTag loadTag)
{
	struct kext_rec *k = kext_find(loadTag);

	if (k == NULL)
		return kOSKextReturnNotFound;
	k->k_retains++;
	return kOSReturnSuccess;
}

NKE_KPI OSReturn
OSKextReleaseKextWithLoadTag(OSKextLoadTag loadTag)
{
	struct kext_rec *k = kext_find(loadTag);

	if (k == NULL)
		return kOSKextReturnNotFound;
	if (k->k_retains <= 0)
		return kOSKextReturnInvalidArgument;
	k->k_retains--;
	return kOSReturnSuccess;
}
