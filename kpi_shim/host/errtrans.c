/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * errtrans.c - errno translation between Darwin and the host (host world).
 *
 * The simulated kernel speaks Darwin errno values (EAGAIN 35, ENOTSUP 45,
 * EOPNOTSUPP 102, EJUSTRETURN -2); the host speaks its own.  This file is
 * the only place where one becomes the other.
 */
#include <errno.h>
#include <stddef.h>

#include "nke_host.h"

struct errmap {
	int em_darwin;
	int em_host;
	const char *em_name;
};

/* Darwin numbers are written out: the kernel headers are not visible here. */
static const struct errmap errmap[] = {
	{1, EPERM, "EPERM"},
	{2, ENOENT, "ENOENT"},
	{3, ESRCH, "ESRCH"},
	{4, EINTR, "EINTR"},
	{5, EIO, "EIO"},
	{6, ENXIO, "ENXIO"},
	{7, E2BIG, "E2BIG"},
	{8, ENOEXEC, "ENOEXEC"},
	{9, EBADF, "EBADF"},
	{10, ECHILD, "ECHILD"},
	{11, EDEADLK, "EDEADLK"},
	{12, ENOMEM, "ENOMEM"},
	{13, EACCES, "EACCES"},
	{14, EFAULT, "EFAULT"},
	{15, ENOTBLK, "ENOTBLK"},
	{16, EBUSY, "EBUSY"},
	{17, EEXIST, "EEXIST"},
	{18, EXDEV, "EXDEV"},
	{19, ENODEV, "ENODEV"},
	{20, ENOTDIR, "ENOTDIR"},
	{21, EISDIR, "EISDIR"},
	{22, EINVAL, "EINVAL"},
	{23, ENFILE, "ENFILE"},
	{24, EMFILE, "EMFILE"},
	{25, ENOTTY, "ENOTTY"},
	{26, ETXTBSY, "ETXTBSY"},
	{27, EFBIG, "EFBIG"},
	{28, ENOSPC, "ENOSPC"},
	{29, ESPIPE, "ESPIPE"},
	{30, EROFS, "EROFS"},
	{31, EMLINK, "EMLINK"},
	{32, EPIPE, "EPIPE"},
	{33, EDOM, "EDOM"},
	{34, ERANGE, "ERANGE"},
	{35, EAGAIN, "EAGAIN"},
	{36, EINPROGRESS, "EINPROGRESS"},
	{37, EALREADY, "EALREADY"},
	{38, ENOTSOCK, "ENOTSOCK"},
	{39, EDESTADDRREQ, "EDESTADDRREQ"},
	{40, EMSGSIZE, "EMSGSIZE"},
	{41, EPROTOTYPE, "EPROTOTYPE"},
	{42, ENOPROTOOPT, "ENOPROTOOPT"},
	{43, EPROTONOSUPPORT, "EPROTONOSUPPORT"},
	{44, ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT"},
	{45, ENOTSUP, "ENOTSUP"},
	{46, EPFNOSUPPORT, "EPFNOSUPPORT"},
	{47, EAFNOSUPPORT, "EAFNOSUPPORT"},
	{48, EADDRINUSE, "EADDRINUSE"},
	{49, EADDRNOTAVAIL, "EADDRNOTAVAIL"},
	{50, ENETDOWN, "ENETDOWN"},
	{51, ENETUNREACH, "ENETUNREACH"},
	{52, ENETRESET, "ENETRESET"},
	{53, ECONNABORTED, "ECONNABORTED"},
	{54, ECONNRESET, "ECONNRESET"},
	{55, ENOBUFS, "ENOBUFS"},
	{56, EISCONN, "EISCONN"},
	{57, ENOTCONN, "ENOTCONN"},
	{58, ESHUTDOWN, "ESHUTDOWN"},
	{59, ETOOMANYREFS, "ETOOMANYREFS"},
	{60, ETIMEDOUT, "ETIMEDOUT"},
	{61, ECONNREFUSED, "ECONNREFUSED"},
	{62, ELOOP, "ELOOP"},
	{63, ENAMETOOLONG, "ENAMETOOLONG"},
	{64, EHOSTDOWN, "EHOSTDOWN"},
	{65, EHOSTUNREACH, "EHOSTUNREACH"},
	{66, ENOTEMPTY, "ENOTEMPTY"},
	{67, EIO, "EPROCLIM"},
	{68, EUSERS, "EUSERS"},
	{69, EDQUOT, "EDQUOT"},
	{70, ESTALE, "ESTALE"},
	{71, EREMOTE, "EREMOTE"},
	{72, EIO, "EBADRPC"},
	{73, EIO, "ERPCMISMATCH"},
	{74, EIO, "EPROGUNAVAIL"},
	{75, EIO, "EPROGMISMATCH"},
	{76, EIO, "EPROCUNAVAIL"},
	{77, ENOLCK, "ENOLCK"},
	{78, ENOSYS, "ENOSYS"},
	{79, EIO, "EFTYPE"},
	{80, EIO, "EAUTH"},
	{81, EIO, "ENEEDAUTH"},
	{82, EIO, "EPWROFF"},
	{83, EIO, "EDEVERR"},
	{84, EOVERFLOW, "EOVERFLOW"},
	{85, ENOEXEC, "EBADEXEC"},
	{86, ENOEXEC, "EBADARCH"},
	{87, ENOEXEC, "ESHLIBVERS"},
	{88, ENOEXEC, "EBADMACHO"},
	{89, ECANCELED, "ECANCELED"},
	{90, EIDRM, "EIDRM"},
	{91, ENOMSG, "ENOMSG"},
	{92, EILSEQ, "EILSEQ"},
	{93, ENODATA, "ENOATTR"},
	{94, EBADMSG, "EBADMSG"},
	{95, EMULTIHOP, "EMULTIHOP"},
	{96, ENODATA, "ENODATA"},
	{97, ENOLINK, "ENOLINK"},
	{98, ENOSR, "ENOSR"},
	{99, ENOSTR, "ENOSTR"},
	{100, EPROTO, "EPROTO"},
	{101, ETIME, "ETIME"},
	{102, EOPNOTSUPP, "EOPNOTSUPP"},
	{103, EPERM, "ENOPOLICY"},
	{104, ENOTRECOVERABLE, "ENOTRECOVERABLE"},
	{105, EOWNERDEAD, "EOWNERDEAD"},
	{106, ENOBUFS, "EQFULL"},
};

static const char *const pseudo_names[] = {
	NULL, "ERESTART", "EJUSTRETURN", NULL, NULL, "ERECYCLE", "EREDRIVEOPEN", "EKEEPLOOKING",
};

int
nke_errno_host(int darwin_errno)
{
	if (darwin_errno <= 0)
		return darwin_errno;
	/* The table is dense and ordered: index = value - 1. */
	if ((size_t)darwin_errno <= sizeof(errmap) / sizeof(errmap[0]))
		return errmap[darwin_errno - 1].em_host;
	return EIO;
}

int
nke_errno_darwin(int host_errno)
{
	size_t i;

	if (host_errno <= 0)
		return host_errno;
	/* Prefer the entry whose name matches the host's own (EAGAIN, not EWOULDBLOCK). */
	for (i = 0; i < sizeof(errmap) / sizeof(errmap[0]); i++)
		if (errmap[i].em_host == host_errno)
			return errmap[i].em_darwin;
	return 5; /* EIO */
}

const char *
nke_errno_name(int darwin_errno)
{
	if (darwin_errno == 0)
		return "0";
	if (darwin_errno < 0) {
		if ((size_t)-darwin_errno < sizeof(pseudo_names) / sizeof(pseudo_names[0]))
			return pseudo_names[-darwin_errno];
		return NULL;
	}
	if ((size_t)darwin_errno <= sizeof(errmap) / sizeof(errmap[0]))
		return errmap[darwin_errno - 1].em_name;
	return NULL;
}
