/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uipc_socket.c - the simulated sockets (kernel world): socket objects
 * (pooled, bounded), their lookup table (a hash keyed by the 4-tuple, the
 * listening port or the UDP endpoint), life cycle and reference counts,
 * the state changes that post sf_notify events (XNU's soisconnecting,
 * soisconnected, socantrcvmore ... in bsd/kern/uipc_socket2.c), the
 * receive and send paths between the protocols and the socket filters
 * (sbappend*, sosend), the per-socket timers, the process a socket's
 * callbacks run as, and the simulated application: the bytes it receives
 * and sends, with a running NKH64 hash, reported as NKS_HOOK_APP
 * verdicts.  docs/sockets.md describes the model.
 *
 * A socket lives while anything holds it: the protocol (its pcb), the
 * application (its descriptor), an operation of the socket layer in
 * progress, or a kext (sock_retain).  When the last goes it is freed as
 * XNU's sofreelastref/sodealloc do: sock_evt_flush_read, then
 * sock_evt_cantrecvmore (sorflush), then every filter's sf_detach
 * (sflt_termsock).  A freed TCP connection leaves a tombstone in the table
 * so late segments are recognised; pointers a kext kept to a freed socket
 * are reported, not followed.
 */
#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <string.h>
#include <stdarg.h>
#include <sys/proc.h>
#include <sys/kauth.h>
#include <kern/thread_call.h>

#include "sock_internal.h"

int nke__so_depth;
const struct nks_frame *nke__cur_frame;

int nke__sock_on;
static u_int32_t so_next_id;

/* --- Pool ------------------------------------------------------------------------- */

struct so_slab {
	struct so_slab *sl_next;
	struct __socket sl_so[NKE_SO_SLAB];
};
static struct so_slab *so_slabs;
/* Free objects, first in first out: a freed socket is reused as late as possible. */
static struct __socket *so_freelist, **so_freetail = &so_freelist;
u_int32_t nke__so_nlive;
static u_int32_t so_ntombs;

TAILQ_HEAD(__socket_tq, __socket);
static struct __socket_tq so_livelist = TAILQ_HEAD_INITIALIZER(so_livelist);
static struct __socket_tq so_tomblist = TAILQ_HEAD_INITIALIZER(so_tomblist);
static thread_call_t so_timer_call;
static u_int64_t so_timer_armed; /* deadline the call is armed for; 0: none */

/* Sockets whose last reference went while an operation was in progress. */
struct __socket *nke__so_freeq;

/* --- Table ------------------------------------------------------------------------ */

static struct __socket **so_tab;
static u_int32_t so_tabsize, so_tabcount;

static u_int32_t
key_hash(const struct nke_sokey *k)
{
	static const u_int64_t mul[5] = {0x9e3779b97f4a7c15ULL, 0xc2b2ae3d27d4eb4fULL,
	                                 0x165667b19e3779f9ULL, 0xd6e8feb86659fd93ULL,
	                                 0x94d049bb133111ebULL};
	u_int64_t w[5], h;

	_Static_assert(sizeof(*k) == 40, "five words of key");
	memcpy(w, k, sizeof(w));
	/* Independent products (they pipeline), then one avalanche. */
	h = w[0] * mul[0] + w[1] * mul[1] + w[2] * mul[2] + w[3] * mul[3] + w[4] * mul[4];
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 29;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return (u_int32_t)(h ^ (h >> 32));
}

static void
tab_grow(void)
{
	u_int32_t nsize = so_tabsize != 0 ? so_tabsize * 2 : 1024, i;
	struct __socket **nt = NKH_alloc(NKS_ALLOC_KERNEL, nsize * sizeof(*nt));

	if (nt == NULL)
		return; /* longer chains, still correct */
	memset(nt, 0, nsize * sizeof(*nt));
	for (i = 0; i < so_tabsize; i++) {
		struct __socket *s, *next;

		for (s = so_tab[i]; s != NULL; s = next) {
			next = s->so_hnext;
			s->so_hnext = nt[s->so_hval & (nsize - 1)];
			nt[s->so_hval & (nsize - 1)] = s;
		}
	}
	if (so_tab != NULL)
		NKH_free(so_tab, so_tabsize * sizeof(*so_tab));
	so_tab = nt;
	so_tabsize = nsize;
}

/* Five words instead of a call to memcmp (once per packet). */
static inline int
key_eq(const struct nke_sokey *a, const struct nke_sokey *b)
{
	u_int64_t x[5], y[5];

	memcpy(x, a, sizeof(x));
	memcpy(y, b, sizeof(y));
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (x[4] ^ y[4])) == 0;
}

struct __socket *
nke__so_lookup(const struct nke_sokey *k)
{
	u_int32_t h;
	struct __socket *s;

	if (so_tab == NULL)
		return NULL;
	h = key_hash(k);
	for (s = so_tab[h & (so_tabsize - 1)]; s != NULL; s = s->so_hnext)
		if (s->so_hval == h && key_eq(&s->so_key, k))
			return s;
	return NULL;
}

int
nke__so_insert(struct __socket *so, const struct nke_sokey *k)
{
	if (so_tabcount + 1 > so_tabsize)
		tab_grow();
	if (so_tab == NULL)
		return ENOMEM;
	so->so_key = *k;
	so->so_hval = key_hash(k);
	so->so_hnext = so_tab[so->so_hval & (so_tabsize - 1)];
	so_tab[so->so_hval & (so_tabsize - 1)] = so;
	so_tabcount++;
	so->so_nkflags |= NKE_SOF_INTABLE;
	return 0;
}

void
nke__so_remove(struct __socket *so)
{
	struct __socket **pp;

	if (!(so->so_nkflags & NKE_SOF_INTABLE))
		return;
	for (pp = &so_tab[so->so_hval & (so_tabsize - 1)]; *pp != NULL; pp = &(*pp)->so_hnext)
		if (*pp == so) {
			*pp = so->so_hnext;
			break;
		}
	so->so_hnext = NULL;
	so_tabcount--;
	so->so_nkflags &= ~(u_int32_t)NKE_SOF_INTABLE;
}

static void
free_put(struct __socket *so)
{
	so->so_freenext = NULL;
	*so_freetail = so;
	so_freetail = &so->so_freenext;
}

/* A tombstone back to the free list. */
static void
tomb_evict(struct __socket *so)
{
	nke__so_remove(so);
	TAILQ_REMOVE(&so_tomblist, so, so_live);
	so_ntombs--;
	so->so_nkflags = 0;
	free_put(so);
}

int
nke__so_is_tomb(const struct nke_sokey *k)
{
	struct __socket *s = nke__so_lookup(k);

	return s != NULL && (s->so_nkflags & NKE_SOF_TOMB);
}

void
nke__so_untomb(const struct nke_sokey *k)
{
	struct __socket *s = nke__so_lookup(k);

	if (s != NULL && (s->so_nkflags & NKE_SOF_TOMB))
		tomb_evict(s);
}

/* --- Small helpers ------------------------------------------------------------------- */

int
nke__af_of(int fam46)
{
	return fam46 == 6 ? AF_INET6 : AF_INET;
}

void
nke__sa_set(union nke_sa *sa, int family, const u_int8_t *addr, u_int16_t port_be)
{
	memset(sa, 0, sizeof(*sa));
	if (family == AF_INET6) {
		sa->sin6.sin6_len = sizeof(struct sockaddr_in6);
		sa->sin6.sin6_family = AF_INET6;
		sa->sin6.sin6_port = port_be;
		if (addr != NULL)
			memcpy(&sa->sin6.sin6_addr, addr, 16);
	} else {
		sa->sin.sin_len = sizeof(struct sockaddr_in);
		sa->sin.sin_family = AF_INET;
		sa->sin.sin_port = port_be;
		if (addr != NULL)
			memcpy(&sa->sin.sin_addr, addr, 4);
	}
}

const char *
nke__sa_str(const struct sockaddr *sa, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];
	const u_int8_t *p;

	if (sa == NULL) {
		nke__snprintf(buf, size, "-");
		return buf;
	}
	if (sa->sa_family == AF_INET && sa->sa_len >= sizeof(struct sockaddr_in) &&
	    size >= sizeof("255.255.255.255:65535")) {
		/* The common case, without printf: verdict details use it per packet. */
		const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)sa;
		const u_int8_t *q = (const u_int8_t *)&sin->sin_addr;
		char *e = buf;
		int i;

		p = (const u_int8_t *)&sin->sin_port;
		for (i = 0; i < 4; i++) {
			e = nke__put_int(e, q[i]);
			*e++ = i < 3 ? '.' : ':';
		}
		*nke__put_int(e, p[0] << 8 | p[1]) = '\0';
	} else if (sa->sa_family == AF_INET6 && sa->sa_len >= sizeof(struct sockaddr_in6) &&
	           size >= INET6_ADDRSTRLEN + sizeof("[]:65535")) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		size_t n;

		p = (const u_int8_t *)&sin6->sin6_port;
		inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a));
		n = strlen(a);
		buf[0] = '[';
		memcpy(buf + 1, a, n);
		buf[n + 1] = ']';
		buf[n + 2] = ':';
		*nke__put_int(buf + n + 3, p[0] << 8 | p[1]) = '\0';
	} else if (sa->sa_family == AF_INET && sa->sa_len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)sa;

		p = (const u_int8_t *)&sin->sin_port;
		inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
		nke__snprintf(buf, size, "%s:%u", a, (unsigned)(p[0] << 8 | p[1]));
	} else if (sa->sa_family == AF_INET6 && sa->sa_len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)sa;

		p = (const u_int8_t *)&sin6->sin6_port;
		inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a));
		nke__snprintf(buf, size, "[%s]:%u", a, (unsigned)(p[0] << 8 | p[1]));
	} else {
		nke__snprintf(buf, size, "af%u/len%u", sa->sa_family, sa->sa_len);
	}
	return buf;
}

/* The running stream hash takes [off, off+len) of a chain. */
static void
hash_chain(struct nkh_state *hs, struct __mbuf *m, u_int32_t off, u_int32_t len)
{
	for (; m != NULL && len > 0; m = m->m_next) {
		u_int32_t n = (u_int32_t)m->m_len;

		if (off >= n) {
			off -= n;
			continue;
		}
		n -= off;
		if (n > len)
			n = len;
		nkh_update(hs, (const u_int8_t *)m->m_data + off, n);
		len -= n;
		off = 0;
	}
}

struct __mbuf *
nke__so_copy_chain(struct __mbuf *m, u_int32_t off, u_int32_t len)
{
	struct __mbuf *top = NULL, **tail = &top, *n;
	u_int32_t done = 0;
	int first = 1;

	/* A small write within the first mbuf (the usual case): one mbuf, one copy. */
	if (len <= NKE_MHLEN && m->m_len >= 0 && (u_int64_t)off + len <= (u_int64_t)m->m_len) {
		n = nke__m_gethdr(M_DONTWAIT, MT_DATA);
		if (n == NULL)
			return NULL;
		if (len > 0)
			memcpy(n->m_data, m->m_data + off, len);
		n->m_len = (int32_t)len;
		n->m_pkthdr.len = (int32_t)len;
		if (m->m_flags & M_PKTHDR)
			NKE_PC(n)->pc_index = NKE_PC(m)->pc_index;
		return n;
	}
	do {
		u_int32_t room, k;
		u_int size = len - done <= NKE_MHLEN && first ? 0
		             : len - done <= NKE_MCLBYTES     ? NKE_MCLBYTES
		                                              : NKE_M16KCLBYTES;

		if (size == 0) {
			n = nke__m_gethdr(M_DONTWAIT, MT_DATA);
			room = NKE_MHLEN;
		} else {
			n = nke__m_getcl(M_DONTWAIT, MT_DATA, first, size);
			room = size;
		}
		if (n == NULL) {
			if (top != NULL)
				nke__m_freem(top);
			return NULL;
		}
		k = len - done < room ? len - done : room;
		if (k > 0 && m->m_len >= 0 && (u_int64_t)off + done + k <= (u_int64_t)m->m_len)
			memcpy(n->m_data, m->m_data + off + done, k); /* in the first mbuf */
		else if (k > 0)
			nke__m_copydata(m, (int)(off + done), (int)k, n->m_data);
		n->m_len = (int32_t)k;
		done += k;
		*tail = n;
		tail = &n->m_next;
		first = 0;
	} while (done < len);
	top->m_pkthdr.len = (int32_t)len;
	if (m->m_flags & M_PKTHDR)
		NKE_PC(top)->pc_index = NKE_PC(m)->pc_index;
	return top;
}

/* --- Verdicts of the socket layer ----------------------------------------------------- */

static u_int64_t
mbuf_index(struct __mbuf *m)
{
	if (m != NULL && nke__m_live(m) && (m->m_flags & M_PKTHDR) && NKE_PC(m)->pc_index != 0)
		return NKE_PC(m)->pc_index;
	return nke__cur_index;
}

void
nke__so_note_emit(struct __socket *so, int result, struct __mbuf *m, const char *fmt, ...)
{
	const struct nks_hostops *ho = nke__hostops;
	struct nks_verdict vd;
	char d[256];
	va_list ap;

	(void)so;
	/* The socket layer speaks only when some socket filter is registered. */
	if (ho == NULL || ho->ho_verdict == NULL || nke__sflt_count == 0)
		return;
	d[0] = '\0';
	if (!nke__vd_brief()) {
		va_start(ap, fmt);
		nke__vsnprintf(d, sizeof(d), fmt, ap);
		va_end(ap);
	}
	memset(&vd, 0, sizeof(vd));
	vd.vd_index = mbuf_index(m);
	vd.vd_hook = NKS_HOOK_SOCKET;
	vd.vd_result = result;
	vd.vd_detail = nke__vd_brief() ? NULL : d;
	nke__vd_last(vd.vd_index, NKS_HOOK_SOCKET);
	ho->ho_verdict(ho->ho_arg, &vd);
}

/* app_data() when the host wants verdicts, but not only counted ones (out of line). */
static __attribute__((noinline)) void
app_data_work(struct __socket *so, int out, struct __mbuf *m, u_int32_t off, u_int32_t n,
              const u_int64_t *known)
{
	const struct nks_hostops *ho = nke__hostops;
	struct nks_verdict vd;
	char d[128];
	u_int64_t h;

	/* Brief verdicts: nobody will read the stream hash. */
	if (!nke__vd_brief()) {
		if (so->so_app_bytes[out] == n)
			nkh_init(&so->so_app_hs[out]);
		hash_chain(&so->so_app_hs[out], m, off, n);
	}
	if (nke__sflt_count == 0)
		return;
	if (nke__vd_count) {
		nke__verdict_app_c(mbuf_index(m), m != NULL && (m->m_flags & M_PKTHDR) &&
		                                      (NKE_PC(m)->pc_flags & NKE_PC_INJECTED));
		return;
	}
	h = 0;
	d[0] = '\0';
	if (!nke__vd_brief()) {
		/* "send so=N total=N stream=H", without printf (per packet with --log) */
		u_int64_t sh = nkh_final(&so->so_app_hs[out]);
		char *e;
		int i;

		/*
		 * The chunk's hash: known, or the stream's when the stream is this
		 * chunk alone (NKH64 is streamable), or one known for the same bytes
		 * (a captured segment's payload), or computed.  A write's bytes
		 * are noted: sf_data_out's verdict compares rather than hashes.
		 */
		h = n == 0                       ? 0
		    : known != NULL              ? *known
		    : so->so_app_bytes[out] == n ? sh
		                                 : nke__hash_memo(m, off, n);
		if (out && n > 0)
			nke__hash_note(m, off, n, h);
		memcpy(d, out ? "send so=" : "recv so=", 8);
		e = nke__put_int(d + 8, so->so_id);
		memcpy(e, " total=", 7);
		e = nke__put_int(e + 7, (int64_t)so->so_app_bytes[out]);
		memcpy(e, " stream=", 8);
		e += 8;
		for (i = 15; i >= 0; i--, sh >>= 4)
			e[i] = "0123456789abcdef"[sh & 15];
		e[16] = '\0';
	}
	memset(&vd, 0, sizeof(vd));
	vd.vd_index = mbuf_index(m);
	vd.vd_hook = NKS_HOOK_APP;
	vd.vd_dir = out ? NKS_DIR_OUT : NKS_DIR_IN;
	vd.vd_len = n;
	vd.vd_hash = h;
	if (m != NULL && (m->m_flags & M_PKTHDR) && (NKE_PC(m)->pc_flags & NKE_PC_INJECTED))
		vd.vd_flags |= NKS_VD_INJECTED;
	vd.vd_detail = nke__vd_brief() ? NULL : d;
	nke__vd_last(vd.vd_index, NKS_HOOK_APP);
	ho->ho_verdict(ho->ho_arg, &vd);
}

/*
 * nke__so_app_data() with, when known (known != NULL), the NKH64 hash of the
 * n bytes at off: the last sf_data_in verdict hashed the very chain.  Per
 * packet: no verdicts, or brief ones counted here, are decided inline.
 */
static inline void
app_data(struct __socket *so, int out, struct __mbuf *m, u_int32_t off, u_int32_t n,
         const u_int64_t *known)
{
	const struct nks_hostops *ho = nke__hostops;

	so->so_app_bytes[out] += n;
	if (ho == NULL || ho->ho_verdict == NULL)
		return;
	if (nke__vd_brief() && (nke__sflt_count == 0 || nke__vd_count)) {
		if (nke__sflt_count != 0)
			nke__verdict_app_c(mbuf_index(m),
			                   m != NULL && (m->m_flags & M_PKTHDR) &&
			                       (NKE_PC(m)->pc_flags & NKE_PC_INJECTED));
		return;
	}
	app_data_work(so, out, m, off, n, known);
}

void
nke__so_app_data(struct __socket *so, int out, struct __mbuf *m, u_int32_t off, u_int32_t n)
{
	app_data(so, out, m, off, n, NULL);
}

/* --- Operations, the current process, deferred work -------------------------------- */

static void so_free_now(struct __socket *so);

void
nke__so_run_deferred(void)
{
	while (nke__so_freeq != NULL) {
		struct __socket *so = nke__so_freeq;

		nke__so_freeq = so->so_freenext;
		so->so_freenext = NULL;
		so_free_now(so);
	}
	nke__sflt_cleanup_run();
}

/*
 * nke__so_enter's switch to so's owner when it is not the same process, nor
 * a switch from the kernel to the owner's record still there.
 */
void
nke__so_proc_switch(struct nke_soctx *sc, struct __socket *so)
{
	pid_t pid = proc_selfpid();

	/* The same process already (names are not compared: per packet, it adds up). */
	if (pid == so->so_pid && kauth_getuid() == so->so_uid)
		return;
	sc->sc_pid = pid;
	/* From the kernel: nothing else to save. */
	if (pid != 0) {
		proc_selfname(sc->sc_name, (int)sizeof(sc->sc_name));
		sc->sc_ppid = proc_selfppid();
		sc->sc_uid = kauth_getuid();
		sc->sc_gid = kauth_getgid();
	}
	/* The owner's record is still there (every packet of a flow): no comparison of names. */
	if (so->so_procgen == 0 || !nke__proc_set_current_again(so->so_procgen)) {
		nke__proc_set_current(so->so_pid, 1, so->so_comm, so->so_uid, so->so_gid);
		so->so_procgen = nke__proc_current_gen();
	}
	sc->sc_proc = 1;
}

struct __socket *
nke__so_valid(socket_t s, const char *who)
{
	struct __socket *so = s;

	if (so == NULL)
		return NULL;
	if (so->so_magic == NKE_SO_MAGIC)
		return so;
	if (so->so_magic == NKE_SO_DEAD)
		nke__report("socket-use-after-free",
		            "%s: socket %u was freed (its filters were detached); XNU would use "
		            "freed memory",
		            who, so->so_id);
	else
		nke__report("socket-invalid", "%s: %p is not a socket", who, (void *)so);
	return NULL;
}

/* nke__so_unref's last reference (sock_internal.h). */
void
nke__so_unref_last(struct __socket *so)
{
	if (nke__so_depth > 0) {
		so->so_nkflags |= NKE_SOF_FREEING;
		so->so_freenext = nke__so_freeq;
		nke__so_freeq = so;
		return;
	}
	so->so_nkflags |= NKE_SOF_FREEING;
	so_free_now(so);
	nke__sflt_cleanup_run();
}

/* --- Creation and freeing ----------------------------------------------------------------- */

static struct __socket *
so_alloc(void)
{
	struct __socket *so;

	if (so_freelist == NULL && so_ntombs > 0 && nke__so_nlive + so_ntombs >= NKE_SO_MAX)
		tomb_evict(TAILQ_FIRST(&so_tomblist));
	if (so_freelist == NULL) {
		struct so_slab *sl = NKH_alloc(NKS_ALLOC_KERNEL, sizeof(*sl));
		unsigned i;

		if (sl == NULL)
			return NULL;
		memset(sl, 0, sizeof(*sl));
		sl->sl_next = so_slabs;
		so_slabs = sl;
		for (i = 0; i < NKE_SO_SLAB; i++) {
			sl->sl_so[i].so_magic = NKE_SO_DEAD;
			free_put(&sl->sl_so[i]);
		}
	}
	so = so_freelist;
	so_freelist = so->so_freenext;
	if (so_freelist == NULL)
		so_freetail = &so_freelist;
	return so;
}

void
nke__so_set_owner(struct __socket *so)
{
	const struct nks_frame *fr = nke__cur_frame;

	so->so_procgen = 0;
	so->so_pid = NKE_APP_PID;
	so->so_uid = NKE_APP_UID;
	so->so_gid = NKE_APP_GID;
	strlcpy(so->so_comm, NKE_APP_COMM, sizeof(so->so_comm));
	if (fr == NULL)
		return;
	if (fr->fr_pid >= 0)
		so->so_pid = fr->fr_pid;
	if (fr->fr_comm != NULL)
		strlcpy(so->so_comm, fr->fr_comm, sizeof(so->so_comm));
	if (fr->fr_uid >= 0)
		so->so_uid = (uid_t)fr->fr_uid;
}

struct __socket *
nke__so_create(int family, int type, int protocol, struct __socket *head, int kernel)
{
	struct __socket *so;
	int fam6 = family == AF_INET6;

	nke__sock_init();
	if (nke__so_nlive >= NKE_SO_MAX)
		return NULL;
	so = so_alloc();
	if (so == NULL)
		return NULL;
	memset(so, 0, sizeof(*so));
	so->so_magic = NKE_SO_MAGIC;
	so->so_id = ++so_next_id;
	so->so_family = family;
	so->so_type = type;
	so->so_protocol = protocol;
	so->so_prsw = (fam6 ? NKE_PRSW_TCP6 : NKE_PRSW_TCP4) +
	              (protocol == IPPROTO_TCP   ? 0
	               : protocol == IPPROTO_UDP ? NKE_PRSW_UDP4 - NKE_PRSW_TCP4
	                                         : NKE_PRSW_RAW4 - NKE_PRSW_TCP4);
	so->so_nkflags = NKE_SOF_PCB | (kernel ? NKE_SOF_KERNEL : 0);
	/* References: the pcb, and the descriptor (an accepted one gets it at accept). */
	so->so_usecount = head != NULL ? 1 : 2;
	if (head != NULL)
		so->so_state |= NKE_SS_NOFDREF | NKE_SS_INCOMP;
	if (protocol == IPPROTO_UDP) {
		so->so_sndbuf = NKE_UDP_SNDBUF;
		so->so_rcvbuf = NKE_UDP_RCVBUF;
	} else {
		so->so_sndbuf = NKE_TCP_SNDBUF;
		so->so_rcvbuf = NKE_TCP_RCVBUF;
	}
	so->so_sndlowat = 2048;
	so->so_rcvlowat = 1;
	nke__sa_set(&so->so_laddr, family, NULL, 0);
	nke__sa_set(&so->so_faddr, family, NULL, 0);
	if (head != NULL) {
		so->so_head = head;
		nke__so_ref(head);
		so->so_pid = head->so_pid;
		so->so_uid = head->so_uid;
		so->so_gid = head->so_gid;
		memcpy(so->so_comm, head->so_comm, sizeof(so->so_comm));
		so->so_options = head->so_options & ~(u_int32_t)SO_ACCEPTCONN;
		so->so_linger = head->so_linger;
	} else {
		nke__so_set_owner(so);
	}
	so->so_tcp.t_sndq_tail = &so->so_tcp.t_sndq;
	so->so_lastuse = nke__clock_uptime_ns;
	TAILQ_INSERT_TAIL(&so_livelist, so, so_live);
	so->so_nkflags |= NKE_SOF_ONLIVE;
	nke__so_nlive++;
	if (nke__vd_on()) {
		char d[128];

		d[0] = '\0';
		if (!nke__vd_brief()) /* brief verdicts carry no detail */
			nke__snprintf(
			    d, sizeof(d), "create so=%u %s%s pid=%d comm=%s uid=%u", so->so_id,
			    protocol == IPPROTO_TCP   ? "tcp"
			    : protocol == IPPROTO_UDP ? "udp"
			                              : "raw",
			    fam6 ? "6" : "4", (int)so->so_pid, so->so_comm, (unsigned)so->so_uid);
		nke__so_note(so, 0, NULL, "%s", d);
	}
	return so;
}

/* sofreelastref + sodealloc. */
static void
so_free_now(struct __socket *so)
{
	struct nke_soctx sc;

	/* An operation frame for the callbacks (without holding the socket). */
	sc.sc_so = NULL;
	sc.sc_proc = 0;
	if (nke__so_depth == 0 && so->so_filt != NULL)
		nke__so_proc_switch(&sc, so);
	nke__so_depth++;
	if (so->so_head != NULL) {
		struct __socket *head = so->so_head;

		so->so_head = NULL;
		nke__so_unref(head);
	}
	if (so->so_protocol == IPPROTO_TCP)
		nke__tcp_discard(so);
	/* sorflush: flush_read, then socantrcvmore. */
	nke__sflt_notify(so, sock_evt_flush_read, NULL);
	nke__socantrcvmore(so);
	nke__sflt_termsock(so);
	nke__so_set_timer(so, 0);
	if (so->so_nkflags & NKE_SOF_ONLIVE) {
		TAILQ_REMOVE(&so_livelist, so, so_live);
		nke__so_nlive--;
	}
	nke__so_note(so, 0, NULL, "free so=%u", so->so_id);
	so->so_magic = NKE_SO_DEAD;
	if (so->so_protocol == IPPROTO_TCP && (so->so_nkflags & NKE_SOF_INTABLE) &&
	    so->so_key.k_kind == NKE_KEY_TCP) {
		/* Late segments of this connection will find a tombstone. */
		so->so_nkflags = NKE_SOF_TOMB | NKE_SOF_INTABLE |
		                 (so->so_nkflags & NKE_SOF_REFUSED);
		TAILQ_INSERT_TAIL(&so_tomblist, so, so_live);
		so_ntombs++;
		if (so_ntombs > NKE_SO_TOMBS)
			tomb_evict(TAILQ_FIRST(&so_tomblist));
	} else {
		nke__so_remove(so);
		so->so_nkflags = 0;
		free_put(so);
	}
	nke__so_depth--;
	if (sc.sc_proc) {
		if (sc.sc_pid == 0)
			nke__proc_reset_current();
		else
			nke__proc_set_current(sc.sc_pid, sc.sc_ppid, sc.sc_name, sc.sc_uid,
			                      sc.sc_gid);
	}
}

void
nke__so_app_closed(struct __socket *so)
{
	if (so->so_state & NKE_SS_NOFDREF)
		return;
	so->so_state |= NKE_SS_NOFDREF;
	nke__so_unref(so);
}

void
nke__so_pcb_gone(struct __socket *so)
{
	if (!(so->so_nkflags & NKE_SOF_PCB))
		return;
	so->so_nkflags &= ~(u_int32_t)NKE_SOF_PCB;
	nke__so_set_timer(so, 0);
	nke__so_unref(so);
}

u_int32_t nke__so_collect(struct __socket **out, u_int32_t max, int family, int type, int protocol);

u_int32_t
nke__so_collect(struct __socket **out, u_int32_t max, int family, int type, int protocol)
{
	struct __socket *so;
	u_int32_t n = 0;

	TAILQ_FOREACH(so, &so_livelist, so_live)
	{
		if (n == max)
			break;
		if (so->so_family != family || so->so_type != type || so->so_protocol != protocol ||
		    (so->so_state & NKE_SS_NOFDREF) || (so->so_nkflags & NKE_SOF_FREEING))
			continue;
		nke__so_ref(so);
		out[n++] = so;
	}
	return n;
}

void
nke__so_touch(struct __socket *so)
{
	so->so_lastuse = nke__clock_uptime_ns;
	if ((so->so_nkflags & NKE_SOF_ONLIVE) && TAILQ_NEXT(so, so_live) != NULL) {
		TAILQ_REMOVE(&so_livelist, so, so_live);
		TAILQ_INSERT_TAIL(&so_livelist, so, so_live);
	}
}

/* --- Timers ------------------------------------------------------------------------------ */

/*
 * One list per delay (TIME_WAIT, connection establishment, UDP idle, ...):
 * with a monotonic clock each stays sorted by appending at its tail.
 */
#define TIMER_CLASSES 8
static struct __socket_tq so_timerq[TIMER_CLASSES];
static u_int64_t so_timerq_delay[TIMER_CLASSES];
static unsigned so_ntimerq;

static struct __socket *
timer_first(void)
{
	struct __socket *best = NULL;
	unsigned i;

	for (i = 0; i < so_ntimerq; i++) {
		struct __socket *s = TAILQ_FIRST(&so_timerq[i]);

		if (s != NULL && (best == NULL || s->so_deadline < best->so_deadline))
			best = s;
	}
	return best;
}

static void
timer_arm(void)
{
	struct __socket *first = timer_first();

	if (so_timer_call == NULL || first == NULL)
		return;
	/*
	 * Armed earlier than needed is fine (the thread finds nothing due and
	 * re-arms): only an earlier deadline moves the call.
	 */
	if (so_timer_armed != 0 && so_timer_armed <= first->so_deadline)
		return;
	so_timer_armed = first->so_deadline;
	(void)thread_call_enter_delayed(so_timer_call, first->so_deadline);
}

static unsigned
timer_class(u_int64_t delay)
{
	unsigned i;

	for (i = 0; i < so_ntimerq; i++)
		if (so_timerq_delay[i] == delay)
			return i;
	if (so_ntimerq < TIMER_CLASSES) {
		so_timerq_delay[so_ntimerq] = delay;
		TAILQ_INIT(&so_timerq[so_ntimerq]);
		return so_ntimerq++;
	}
	return TIMER_CLASSES - 1; /* shared: still sorted, by the tail search */
}

void
nke__so_set_timer(struct __socket *so, u_int64_t deadline)
{
	struct __socket_tq *q;
	struct __socket *after;

	if (so->so_nkflags & NKE_SOF_ONTIMER) {
		if (so->so_deadline == deadline)
			return;
		TAILQ_REMOVE(&so_timerq[so->so_tclass], so, so_tlink);
		so->so_nkflags &= ~(u_int32_t)NKE_SOF_ONTIMER;
	}
	so->so_deadline = deadline;
	if (deadline == 0)
		return;
	so->so_tclass = timer_class(deadline > nke__clock_uptime_ns ? deadline - nke__clock_uptime_ns
	                                                             : 0);
	q = &so_timerq[so->so_tclass];
	for (after = TAILQ_LAST(q, __socket_tq); after != NULL && after->so_deadline > deadline;
	     after = TAILQ_PREV(after, __socket_tq, so_tlink))
		continue;
	if (after != NULL)
		TAILQ_INSERT_AFTER(q, after, so, so_tlink);
	else
		TAILQ_INSERT_HEAD(q, so, so_tlink);
	so->so_nkflags |= NKE_SOF_ONTIMER;
	timer_arm();
}

static void
timer_thread(thread_call_param_t p0, thread_call_param_t p1)
{
	struct __socket *so;

	(void)p0;
	(void)p1;
	so_timer_armed = 0;
	while ((so = timer_first()) != NULL && so->so_deadline <= nke__clock_uptime_ns) {
		struct nke_soctx sc;

		TAILQ_REMOVE(&so_timerq[so->so_tclass], so, so_tlink);
		so->so_nkflags &= ~(u_int32_t)NKE_SOF_ONTIMER;
		so->so_deadline = 0;
		if (so->so_protocol != IPPROTO_TCP &&
		    so->so_lastuse + NKE_UDP_IDLE_NS > nke__clock_uptime_ns) {
			/* Used since: the idle time counts from the last datagram. */
			nke__so_set_timer(so, so->so_lastuse + NKE_UDP_IDLE_NS);
			continue;
		}
		nke__so_enter(&sc, so);
		if (so->so_protocol == IPPROTO_TCP) {
			nke__tcp_timer(so);
		} else if (!(so->so_state & NKE_SS_NOFDREF)) {
			/* A UDP socket's application closes it when idle. */
			nke__so_note(so, 0, NULL, "idle so=%u", so->so_id);
			nke__sflt_notify(so, sock_evt_closing, NULL);
			nke__so_app_closed(so);
			nke__so_pcb_gone(so);
		}
		nke__so_leave(&sc);
	}
	timer_arm();
}

/* --- State changes (uipc_socket2.c) --------------------------------------------------------- */

void
nke__soisconnecting(struct __socket *so)
{
	so->so_state &= ~(u_int32_t)(NKE_SS_ISCONNECTED | NKE_SS_ISDISCONNECTING);
	so->so_state |= NKE_SS_ISCONNECTING;
	nke__sflt_notify(so, sock_evt_connecting, NULL);
}

void
nke__soisconnected(struct __socket *so)
{
	so->so_state &=
	    ~(u_int32_t)(NKE_SS_ISCONNECTING | NKE_SS_ISDISCONNECTING | NKE_SS_ISCONFIRMING);
	so->so_state |= NKE_SS_ISCONNECTED;
	nke__sflt_notify(so, sock_evt_connected, NULL);
}

void
nke__soisdisconnecting(struct __socket *so)
{
	so->so_state &= ~(u_int32_t)NKE_SS_ISCONNECTING;
	so->so_state |= NKE_SS_ISDISCONNECTING | NKE_SS_CANTRCVMORE | NKE_SS_CANTSENDMORE;
	nke__sflt_notify(so, sock_evt_disconnecting, NULL);
}

void
nke__soisdisconnected(struct __socket *so)
{
	so->so_state &=
	    ~(u_int32_t)(NKE_SS_ISCONNECTING | NKE_SS_ISCONNECTED | NKE_SS_ISDISCONNECTING);
	so->so_state |= NKE_SS_CANTRCVMORE | NKE_SS_CANTSENDMORE | NKE_SS_ISDISCONNECTED;
	nke__sflt_notify(so, sock_evt_disconnected, NULL);
}

void
nke__socantsendmore(struct __socket *so)
{
	so->so_state |= NKE_SS_CANTSENDMORE;
	nke__sflt_notify(so, sock_evt_cantsendmore, NULL);
}

void
nke__socantrcvmore(struct __socket *so)
{
	so->so_state |= NKE_SS_CANTRCVMORE;
	nke__sflt_notify(so, sock_evt_cantrecvmore, NULL);
}

/* in_pcbbind's success: the socket has a local port now. */
void
nke__so_bound(struct __socket *so)
{
	so->so_nkflags |= NKE_SOF_BOUND;
	nke__sflt_notify(so, sock_evt_bound, NULL);
}

/* --- Receive and send paths ---------------------------------------------------------------------- */

int
nke__so_has_data_filters(struct __socket *so, int out)
{
	struct nke_sfe *e;

	for (e = so->so_filt; e != NULL; e = e->sfe_next_onsocket)
		if ((e->sfe_flags & SFEF_ATTACHED) &&
		    (out ? e->sfe_filter->sf_f.sf_data_out : e->sfe_filter->sf_f.sf_data_in) != NULL)
			return 1;
	return 0;
}

/*
 * After a data filter pass returned r: 0 to go on with *mp, else the data
 * left the path (EJUSTRETURN: kept by the filter; other: freed here with
 * the control chain).
 */
static __attribute__((noinline)) int
data_result_slow(int r, struct __mbuf **mp, struct __mbuf **ctlp, const char *hook)
{
	if (r == 0) {
		const char *why;

		if (*mp == NULL) {
			nke__report("null-data-pass",
			            "%s returned 0 with *data == NULL (XNU dereferences it); treated as "
			            "kept",
			            hook);
			return EJUSTRETURN;
		}
		why = nke__m_sanity(*mp, NKE_SANITY_PKTLEN);
		if (why == NULL)
			return 0;
		if (!((*mp)->m_flags & M_PKTHDR) || nke__m_sanity(*mp, 0) != NULL) {
			/* NKE-DIVERGENCE: a broken chain is left alone (leaked), not used. */
			nke__report("mbuf-chain-invalid", "%s returned a broken chain: %s", hook, why);
			return EJUSTRETURN;
		}
		nke__report("pkthdr-len-mismatch",
		            "%s returned data whose pkthdr.len (%d) differs from its chain (%zu "
		            "bytes); the stack uses the chain",
		            hook, (*mp)->m_pkthdr.len, nke__m_length(*mp));
		(*mp)->m_pkthdr.len = (int32_t)nke__m_length(*mp);
		return 0;
	}
	if (r != EJUSTRETURN) {
		if (*mp != NULL)
			nke__m_freem(*mp);
		if (ctlp != NULL && *ctlp != NULL)
			nke__m_freem(*ctlp);
	}
	*mp = NULL;
	if (ctlp != NULL)
		*ctlp = NULL;
	return r;
}

/* data_result(): a sane one-mbuf chain passed on (the usual case) is an inline test. */
static inline int
data_result(int r, struct __mbuf **mp, struct __mbuf **ctlp, const char *hook)
{
	if (NKE_LIKELY(r == 0 && *mp != NULL && nke__m_sanity_quick(*mp)))
		return 0;
	return data_result_slow(r, mp, ctlp, hook);
}

static u_int32_t
chain_len(struct __mbuf *m)
{
	if (m->m_flags & M_PKTHDR)
		return (u_int32_t)m->m_pkthdr.len;
	return (u_int32_t)nke__m_length(m);
}

void
nke__so_append(struct __socket *so, const struct sockaddr *from, struct __mbuf *m,
               struct __mbuf *control, int control_ptr, sflt_data_flag_t flags, struct __ifnet *ifp)
{
	struct nke_vtrack vt;
	u_int32_t n;

	if (so->so_nkflags & NKE_SOF_FREEING) {
		/* The receive buffer is flushed for good (SB_DROP): no filters. */
		nke__m_freem(m);
		if (control != NULL)
			nke__m_freem(control);
		return;
	}
	vt.vt_n = 0;
	if (so->so_filt != NULL) {
		/* (Brief verdicts: no hash to take from them, none to compute.) */
		int r = nke__sflt_data_in(so, from, &m, control_ptr ? &control : NULL, flags, ifp,
		                          nke__vd_brief() ? NULL : &vt);

		if (data_result(r, &m, control_ptr ? &control : NULL, "sf_data_in") != 0) {
			if (!control_ptr && control != NULL)
				nke__m_freem(control);
			return;
		}
	}
	/*
	 * The last sf_data_in verdict (when it hashed) described this chain as
	 * the application gets it, unless data_result corrected its length.
	 */
	n = chain_len(m);
	app_data(so, 0, m, 0, n, vt.vt_n > 0 && vt.vt_have && vt.vt_len == n ? &vt.vt_hash : NULL);
	nke__m_freem(m);
	if (control != NULL)
		nke__m_freem(control);
}

int
nke__so_send(struct __socket *so, const struct sockaddr *to, struct __mbuf *m,
             struct __mbuf *control, sflt_data_flag_t flags, struct __ifnet *ifp)
{
	int injected = (m->m_flags & M_PKTHDR) && (NKE_PC(m)->pc_flags & NKE_PC_INJECTED);
	int error = 0;

	if (injected) {
		/* sosendcheck: what the application (here: the kext) would be told. */
		u_int32_t len = chain_len(m);

		if (so->so_state & NKE_SS_CANTSENDMORE)
			error = EPIPE;
		else if (so->so_error != 0) {
			error = so->so_error;
			so->so_error = 0;
		} else if (so->so_protocol == IPPROTO_TCP &&
		           !(so->so_state & (NKE_SS_ISCONNECTED | NKE_SS_ISCONFIRMING)))
			error = ENOTCONN;
		else if (so->so_protocol != IPPROTO_TCP && to == NULL && !so->so_hasfaddr)
			error = EDESTADDRREQ;
		else if (len > (u_int32_t)so->so_sndbuf)
			error = EMSGSIZE;
		else if (so->so_nkflags & NKE_SOF_KERNEL)
			/* NKE-DIVERGENCE: kernel sockets are not simulated on the wire. */
			error = ENOTSUP;
		if (error != 0) {
			nke__m_freem(m);
			if (control != NULL)
				nke__m_freem(control);
			return error;
		}
	}
	if (so->so_filt != NULL) {
		int r = nke__sflt_data_out(so, to, &m, &control, flags, ifp);

		r = data_result(r, &m, &control, "sf_data_out");
		if (r != 0)
			return r == EJUSTRETURN ? 0 : r;
	}
	if (control != NULL)
		nke__m_freem(control); /* NKE-DIVERGENCE: ancillary data is not simulated */
	if (so->so_protocol == IPPROTO_TCP)
		return nke__tcp_send(so, m, injected);
	if (so->so_protocol == IPPROTO_UDP)
		return nke__udp_send(so, to, m, injected);
	nke__m_freem(m);
	return ENOTSUP;
}

/* --- Subsystem -------------------------------------------------------------------------------- */

void
nke__sock_init(void)
{
	uint32_t prev;

	if (nke__sock_on)
		return;
	nke__sock_on = 1;
	nke__so_depth = 0;
	so_next_id = 0;
	so_slabs = NULL;
	so_freelist = NULL;
	so_freetail = &so_freelist;
	nke__so_freeq = NULL;
	nke__so_nlive = so_ntombs = 0;
	TAILQ_INIT(&so_livelist);
	TAILQ_INIT(&so_tomblist);
	so_ntimerq = 0;
	so_tab = NULL;
	so_tabsize = so_tabcount = 0;
	so_timer_armed = 0;
	prev = nke__kext_switch(0);
	so_timer_call = thread_call_allocate(timer_thread, NULL);
	(void)nke__kext_switch(prev);
	if (so_timer_call == NULL)
		nke__panic("nke__sock_init: no memory for the socket timer");
	nke__sflt_init();
}

u_int32_t
nke__sock_count(void)
{
	return nke__so_nlive;
}

void
nke__sock_close_all(void)
{
	struct __socket *so;

	if (!nke__sock_on)
		return;
	/* Newest first, so accepted sockets go before their listener. */
	while ((so = TAILQ_LAST(&so_livelist, __socket_tq)) != NULL) {
		struct nke_soctx sc;

		if (so->so_nkflags & NKE_SOF_FREEING)
			break;
		nke__so_enter(&sc, so);
		if (so->so_protocol == IPPROTO_TCP) {
			nke__tcp_app_exit(so);
		} else {
			if (!(so->so_state & NKE_SS_NOFDREF)) {
				nke__sflt_notify(so, sock_evt_closing, NULL);
				nke__so_app_closed(so);
			}
			nke__so_pcb_gone(so);
		}
		if (so->so_retaincnt > 0) {
			/* A kext still holds it: it stays, without its protocol. */
			TAILQ_REMOVE(&so_livelist, so, so_live);
			so->so_nkflags &= ~(u_int32_t)NKE_SOF_ONLIVE;
			nke__so_nlive--;
		}
		nke__so_leave(&sc);
	}
	nke__so_run_deferred();
}

/*
 * The capture is over: every simulated application closes its sockets, so
 * filters see every socket end (sf_detach) before their kexts stop.  (Also
 * declared here for a seam header that does not have it yet.)
 */
NKE_KPI void NKS_apps_exit(void);

NKE_KPI void
NKS_apps_exit(void)
{
	if (nke__hostops == NULL)
		return;
	nke__sock_close_all();
}

void
nke__sock_fini(void)
{
	if (!nke__sock_on)
		return;
	/* Whatever is still queued inside sockets goes back to the pool, silently. */
	{
		struct so_slab *sl;
		unsigned i;

		for (sl = so_slabs; sl != NULL; sl = sl->sl_next)
			for (i = 0; i < NKE_SO_SLAB; i++) {
				struct __socket *so = &sl->sl_so[i];

				if (so->so_magic == NKE_SO_MAGIC && so->so_protocol == IPPROTO_TCP)
					nke__tcp_discard(so);
			}
	}
	nke__sflt_fini();
	while (so_slabs != NULL) {
		struct so_slab *sl = so_slabs;

		so_slabs = sl->sl_next;
		NKH_free(sl, sizeof(*sl));
	}
	if (so_tab != NULL)
		NKH_free(so_tab, so_tabsize * sizeof(*so_tab));
	so_tab = NULL;
	so_tabsize = so_tabcount = 0;
	so_freelist = NULL;
	so_freetail = &so_freelist;
	nke__so_freeq = NULL;
	nke__so_nlive = so_ntombs = 0;
	TAILQ_INIT(&so_livelist);
	TAILQ_INIT(&so_tomblist);
	so_ntimerq = 0;
	if (so_timer_call != NULL) {
		(void)thread_call_cancel(so_timer_call);
		(void)thread_call_free(so_timer_call);
		so_timer_call = NULL;
	}
	nke__cur_frame = NULL;
	nke__so_depth = 0;
	nke__sock_on = 0;
}
