/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_kext.c - the kext registry of the simulated kernel (kernel world):
 * NKS_kext_start/NKS_kext_stop/NKS_kext_name/NKS_kext_version for the host,
 * the OSKext KPI kexts call (OSKextGetCurrentLoadTag & co., retain and
 * release), and for the rest of the simulator the "current kext" (whose code
 * runs now, so filters it registers can be attributed to it) and the bundle
 * identifier behind a load tag.  This registry is the only record of kexts.
 *
 * A kext is known by its kmod_info_t (the one Xcode, or nke_add_kext,
 * generates from MODULE_NAME/MODULE_VERSION/MODULE_START/MODULE_STOP).
 * Starting it stamps a load tag into kmod_info->id as OSKext::load() does
 * (1, 2, ... in the order the host starts them) and calls the start routine
 * with (kmod_info, NULL), as OSKext::start() does; stopping calls the stop
 * routine the same way.  Entries stay in the registry after a stop or a
 * failed start, so a filter a kext forgot to remove can still be named in
 * reports.
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <mach/kern_return.h>
#include <mach/kmod.h>
#include <libkern/OSKextLib.h>
#include <libkern/OSReturn.h>

#include "nke_kern.h"
#include "kern_checks.h"

#define KEXT_REG_MAX 31

enum kext_state {
	KS_FREE = 0,
	KS_STARTING, /* start routine running */
	KS_STARTED, /* start routine returned KERN_SUCCESS */
	KS_STOPPED, /* stop routine returned KERN_SUCCESS */
	KS_FAILED,  /* start routine failed: never started */
};

struct kext_ent {
	int ke_state;   /* enum kext_state */
	uint32_t ke_id; /* load tag */
	kmod_info_t *ke_ki;
	char ke_name[KMOD_MAX_NAME];
	char ke_version[KMOD_MAX_NAME];
	long ke_retains; /* OSKextRetainKextWithLoadTag minus releases */
};

static struct kext_ent kext_reg[KEXT_REG_MAX];
/* Load tags handed out (1..nke__kext_nreg) and the current one (nke_kern.h). */
uint32_t nke__kext_nreg;
uint32_t nke__kext_cur;

void
nke__kext_reset(void)
{
	memset(kext_reg, 0, sizeof(kext_reg));
	nke__kext_nreg = 0;
	nke__kext_cur = 0;
}

static struct kext_ent *
kext_lookup(uint32_t id)
{
	/* Load tags are handed out densely from 1. */
	if (id == 0 || id > nke__kext_nreg)
		return NULL;
	return &kext_reg[id - 1];
}

/* nke__kext_switch and nke__kext_current_id are inline (nke_kern.h). */

int
nke__kext_stopped(uint32_t id)
{
	struct kext_ent *k = kext_lookup(id);

	return k != NULL && k->ke_state == KS_STOPPED;
}

const char *
nke__kext_name_of(uint32_t id)
{
	struct kext_ent *k;

	if (id == 0)
		return kOSKextKernelIdentifier;
	k = kext_lookup(id);
	return k != NULL ? k->ke_name : NULL;
}

/* A routine must not return to the loader holding a lock. */
static void
kext_check_locks(const struct kext_ent *k, const char *routine)
{
	struct thread *th = nke__current_thread();
	char buf[256];

	if (nke__locks_held(th) == 0)
		return;
	nke__report("lock-held-at-return", "%s: %s routine returned holding %s", k->ke_name,
	            routine, nke__locks_held_describe(th, buf, sizeof(buf)));
}

/*
 * Validate a kmod_info_t as the loader would find it in a module.  Strings
 * must be terminated inside their arrays; the start routine is mandatory
 * (OSKext::start() calls it unconditionally), the stop routine is not.
 */
static int
kext_valid(const kmod_info_t *ki)
{
	if (ki == NULL || ki->info_version != KMOD_INFO_VERSION || ki->start == NULL)
		return 0;
	if (memchr(ki->name, '\0', sizeof(ki->name)) == NULL || ki->name[0] == '\0')
		return 0;
	if (memchr(ki->version, '\0', sizeof(ki->version)) == NULL)
		return 0;
	return 1;
}

/*
 * NKE-DIVERGENCE: kmod_info->reference_list stays NULL (XNU links the
 * kmod_info of every OSBundleLibraries dependency there; nkesim has no
 * dependency kexts), and address/size/hdr_size stay as the module has them.
 * EEXIST (another started kext has the same bundle identifier) and EINVAL
 * (a malformed kmod_info, or no start routine) are refusals before any code
 * of the kext runs, as kextload's would be.
 */
NKE_KPI int
NKS_kext_start(void *kmod_info, nks_u32 *kext_id, nks_i32 *result)
{
	kmod_info_t *ki = kmod_info;
	struct kext_ent *k;
	kern_return_t kr;
	uint32_t prev;
	unsigned i;

	if (kext_id != NULL)
		*kext_id = 0;
	if (result != NULL)
		*result = 0;
	if (!kext_valid(ki))
		return EINVAL;
	for (i = 0; i < nke__kext_nreg; i++)
		if (kext_reg[i].ke_state == KS_STARTED &&
		    strcmp(kext_reg[i].ke_name, ki->name) == 0)
			return EEXIST;
	if (nke__kext_nreg == KEXT_REG_MAX)
		return ENOMEM;

	k = &kext_reg[nke__kext_nreg++];
	memset(k, 0, sizeof(*k));
	k->ke_id = nke__kext_nreg;
	k->ke_ki = ki;
	strlcpy(k->ke_name, ki->name, sizeof(k->ke_name));
	strlcpy(k->ke_version, ki->version, sizeof(k->ke_version));
	/* What OSKext::load() stamps before the start routine runs. */
	ki->id = k->ke_id;
	ki->reference_count = 0;
	ki->reference_list = NULL;
	k->ke_state = KS_STARTING;

	prev = nke__kext_switch(k->ke_id);
	nke__chk_forget();
	nke__chk_enter(0, k->ke_id, NULL, "start routine");
	kr = ki->start(ki, NULL);
	kext_check_locks(k, "start");
	nke__chk_leave();
	nke__chk_forget();
	(void)nke__kext_switch(prev);

	if (kr != KERN_SUCCESS) {
		k->ke_state = KS_FAILED;
		if (result != NULL)
			*result = kr;
		return ECANCELED;
	}
	k->ke_state = KS_STARTED;
	if (kext_id != NULL)
		*kext_id = k->ke_id;
	return 0;
}

NKE_KPI int
NKS_kext_stop(nks_u32 kext_id, nks_i32 *result)
{
	struct kext_ent *k;
	kern_return_t kr;
	uint32_t prev;

	if (result != NULL)
		*result = 0;
	k = kext_lookup(kext_id);
	if (k == NULL || k->ke_state != KS_STARTED)
		return ENOENT;
	/* OSKext::stop() refuses a retained kext without calling its routine. */
	if (k->ke_retains > 0) {
		if (result != NULL)
			*result = kOSKextReturnInUse;
		return EBUSY;
	}
	/* Packets the kext queued for the input thread: XNU's would have run. */
	nke__net_drain();
	if (k->ke_ki->stop == NULL) {
		k->ke_state = KS_STOPPED;
		nke__chk_kext_stopped(k->ke_id);
		return 0;
	}

	prev = nke__kext_switch(k->ke_id);
	nke__chk_forget();
	nke__chk_enter(0, k->ke_id, NULL, "stop routine");
	kr = k->ke_ki->stop(k->ke_ki, NULL);
	kext_check_locks(k, "stop");
	nke__chk_leave();
	nke__chk_forget();
	(void)nke__kext_switch(prev);

	if (kr != KERN_SUCCESS) {
		if (result != NULL)
			*result = kr;
		return EBUSY;
	}
	k->ke_state = KS_STOPPED;
	/* What the kext left behind: it is gone now (docs/checks.md, unload). */
	nke__chk_kext_stopped(k->ke_id);
	return 0;
}

NKE_KPI const char *
NKS_kext_name(nks_u32 kext_id)
{
	struct kext_ent *k = kext_lookup(kext_id);

	return k != NULL && k->ke_state == KS_STARTED ? k->ke_name : NULL;
}

NKE_KPI const char *
NKS_kext_version(nks_u32 kext_id)
{
	struct kext_ent *k = kext_lookup(kext_id);

	return k != NULL && k->ke_state == KS_STARTED ? k->ke_version : NULL;
}

/* --- The OSKext KPI <libkern/OSKextLib.h> ---------------------------- */

/*
 * NKE-DIVERGENCE: XNU answers for the kext whose code calls these (each kext
 * links its own copy of the "current kext" stub); nkesim answers for the
 * kext the simulator called into last (its start/stop routine, a filter
 * callback, a callout it armed), which is the same thing unless a kext calls
 * another kext's functions directly.
 */
NKE_KPI OSKextLoadTag
OSKextGetCurrentLoadTag(void)
{
	return nke__kext_cur;
}

NKE_KPI const char *
OSKextGetCurrentIdentifier(void)
{
	struct kext_ent *k = kext_lookup(nke__kext_cur);

	return k != NULL ? k->ke_name : kOSKextKernelIdentifier;
}

NKE_KPI const char *
OSKextGetCurrentVersionString(void)
{
	struct kext_ent *k = kext_lookup(nke__kext_cur);

	return k != NULL ? k->ke_version : "0";
}

/* A kext can be retained from its start routine on, until it stopped. */
static struct kext_ent *
kext_loaded(OSKextLoadTag tag)
{
	struct kext_ent *k = kext_lookup(tag);

	return k != NULL && (k->ke_state == KS_STARTING || k->ke_state == KS_STARTED) ? k : NULL;
}

/* There are no other kexts to load on demand. */
NKE_KPI OSReturn
OSKextLoadKextWithIdentifier(const char *kextIdentifier)
{
	(void)kextIdentifier;
	return kOSKextReturnUnsupported;
}

NKE_KPI OSReturn
OSKextRetainKextWithLoadTag(OSKextLoadTag loadTag)
{
	struct kext_ent *k = kext_loaded(loadTag);

	if (k == NULL)
		return kOSKextReturnNotFound;
	k->ke_retains++;
	return kOSReturnSuccess;
}

NKE_KPI OSReturn
OSKextReleaseKextWithLoadTag(OSKextLoadTag loadTag)
{
	struct kext_ent *k = kext_loaded(loadTag);

	if (k == NULL)
		return kOSKextReturnNotFound;
	if (k->ke_retains <= 0)
		return kOSKextReturnInvalidArgument;
	k->ke_retains--;
	return kOSReturnSuccess;
}
