/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nke_seam.h - the one header shared by nkesim's two worlds.
 *
 * The kernel world (the simulated XNU KPIs and the kexts, compiled
 * freestanding against kpi_shim/include) and the host world (libc, libpcap,
 * the CLI, the tests) meet only here.  This header includes nothing, uses
 * only fixed-width and opaque types, and carries a version number that both
 * sides check at NKS_init() time.
 *
 * Naming: NKS_*() are entry points into the simulated kernel, called by the
 * host.  The kernel calls the host only through the struct nks_hostops table
 * the host installs with NKS_init() (kernel code spells those calls NKH_*()).
 *
 * Error numbers that cross this seam are Darwin errno values (EAGAIN is 35,
 * ENOTSUP is 45, ...).  The host translates them in exactly one place,
 * kpi_shim/host/errtrans.c.
 */
#ifndef NKE_SEAM_H_
#define NKE_SEAM_H_

#if defined(__cplusplus)
extern "C" {
#endif

#define NKS_SEAM_VERSION 9

typedef __INT8_TYPE__ nks_i8;
typedef __UINT8_TYPE__ nks_u8;
typedef __INT16_TYPE__ nks_i16;
typedef __UINT16_TYPE__ nks_u16;
typedef __INT32_TYPE__ nks_i32;
typedef __UINT32_TYPE__ nks_u32;
typedef __INT64_TYPE__ nks_i64;
typedef __UINT64_TYPE__ nks_u64;
typedef __SIZE_TYPE__ nks_size;

/*
 * Allocation classes.  Every allocation the simulated kernel makes belongs to
 * one; the host may make any of them fail (failure injection) and the stats
 * count live objects per class.
 */
enum nks_alloc_class {
	NKS_ALLOC_MBUF = 0,	/* an mbuf (from the mbuf pool) */
	NKS_ALLOC_CLUSTER,	/* a 2 KB / 4 KB / 16 KB cluster */
	NKS_ALLOC_TAG,		/* an mbuf tag */
	NKS_ALLOC_OSMALLOC,	/* OSMalloc() and friends */
	NKS_ALLOC_MALLOC,	/* _MALLOC() */
	NKS_ALLOC_KERNEL,	/* the simulator's own bookkeeping (locks, tags, ...) */
	NKS_ALLOC_NCLASSES
};

/* Severity of a structured event sent to the host. */
enum nks_event_kind {
	NKS_EV_REPORT = 1,	/* a check found a bug in a kext: exit status 1 */
	NKS_EV_WARNING = 2,	/* suspicious but legal use of a KPI */
};

/*
 * A structured event.  Strings are valid only during the ho_event() call.
 */
struct nks_event {
	nks_u32 ev_kind;	 /* enum nks_event_kind */
	const char *ev_check;	 /* short stable name, e.g. "lock-recursive" */
	const char *ev_message;	 /* one human-readable line, no newline */
};

struct nks_emit;
struct nks_verdict;
struct nks_vcounts;

/*
 * Services the host provides to the simulated kernel.  Installed once by
 * NKS_init(); the table must stay valid until NKS_fini() returns.
 * Optional members may be NULL.
 */
struct nks_hostops {
	nks_u32 ho_version;	/* NKS_SEAM_VERSION */
	void *ho_arg;		/* passed back to every call */

	/* Memory.  ho_alloc returns 16-byte aligned storage or NULL. */
	void *(*ho_alloc)(void *arg, nks_size size);
	void (*ho_free)(void *arg, void *ptr, nks_size size);
	/* Optional: return non-zero to make this allocation fail. */
	int (*ho_fail)(void *arg, nks_u32 alloc_class);

	/* Kernel console (printf, IOLog, os_log, log): raw bytes. */
	void (*ho_console)(void *arg, const char *buf, nks_size len);
	/* Optional: structured reports from the checks. */
	void (*ho_event)(void *arg, const struct nks_event *ev);
	/*
	 * A simulated kernel panic.  Must not return (exit, abort or longjmp).
	 * The message is complete, without a trailing newline.
	 */
	void (*ho_panic)(void *arg, const char *msg);

	/* Optional (v2): a packet left the simulated host (see struct nks_emit). */
	void (*ho_emit)(void *arg, const struct nks_emit *em);
	/*
	 * Optional (v2): a filter callback returned, or the stack itself dropped
	 * a packet (see struct nks_verdict).  When set, the kernel also computes
	 * the content hash of every packet it reports.
	 */
	void (*ho_verdict)(void *arg, const struct nks_verdict *vd);

	/*
	 * Optional (v3): a kern_control client (see NKS_ctl_connect) received a
	 * message: `len` bytes, `flags` NKS_CTL_EOR when a record ends with it.
	 */
	void (*ho_ctl_recv)(void *arg, nks_u32 client, const nks_u8 *data, nks_size len,
	    nks_u32 flags);
	/*
	 * Optional (v4): a kext that registered a kern_control sleeps (msleep,
	 * tsleep, thread_block, lck_*_sleep, ...) and nothing pending can wake
	 * it before its timeout.  Every client has just read what was queued
	 * for it (ho_ctl_recv).  The host, playing the clients, may act now
	 * with NKS_ctl_*(), and returns non-zero when it did something (the
	 * kernel then looks again whether the sleeper woke), 0 when it has
	 * nothing to do: a timed sleep then times out, one without a timeout
	 * is reported ("ctl-sleep-unanswered") and ends as if timed out.
	 * `sleeper` names the sleep, e.g. `msleep("wait")`, `kext` is the
	 * sleeping kext's bundle identifier.
	 */
	int (*ho_ctl_idle)(void *arg, const char *sleeper, const char *kext);
	/*
	 * Optional (v7): describe a code address for a report: `addr` is the
	 * return address of a KPI call a check recorded (where a kext
	 * allocated, freed or handed over an mbuf, armed a timer, ...).
	 * Writes a NUL-terminated description into buf (e.g.
	 * "dropper.nke.so+0x12a4 (dr_input+0x34)"); leaving it empty makes
	 * the kernel print the bare address.  Called only while reporting.
	 */
	void (*ho_symbolize)(void *arg, const void *addr, char *buf, nks_size size);

	/*
	 * Optional (v8), both or neither, used only with ho_verdict and
	 * NKS_VDM_BRIEF: the kernel counts the plain verdicts itself (see
	 * struct nks_vcounts).  ho_vfilter: the first counted verdict of a
	 * filter's hook (kext: bundle id, NULL for the stack's NKS_HOOK_APP;
	 * filter: its name or NULL) comes at the moment its ho_verdict would
	 * have, before it is counted; the host returns a handle for it.
	 * ho_vcounts: counts of that handle since the last call, to add up.
	 */
	nks_u64 (*ho_vfilter)(void *arg, const char *kext, const char *filter, nks_u32 hook);
	void (*ho_vcounts)(void *arg, nks_u64 handle, const struct nks_vcounts *vc);
};

/* Live-object counters, for leak checks in tests and at the end of a run. */
struct nks_stats {
	nks_u64 st_mbufs;		/* live mbufs */
	nks_u64 st_clusters;		/* live clusters, all sizes */
	nks_u64 st_tags;		/* live mbuf tags */
	nks_u64 st_osmalloc_bytes;	/* OSMalloc bytes not yet OSFree'd */
	nks_u64 st_osmalloc_tags;	/* OSMalloc tags not yet destroyed */
	nks_u64 st_malloc_bytes;	/* _MALLOC bytes not yet _FREE'd */
	nks_u64 st_locks;		/* lock groups, attributes and locks alive */
	nks_u64 st_mbufs_allocated;	/* mbufs handed out since NKS_init */
	nks_u64 st_reports;		/* NKS_EV_REPORT events sent */
};

/*
 * Start the simulated kernel.  Returns 0, or EINVAL (22) if ops is NULL,
 * lacks a mandatory member or has another seam version.  Calling it twice
 * without NKS_fini() panics.
 */
int NKS_init(const struct nks_hostops *ops);

/*
 * Stop the simulated kernel and give every pooled byte back to the host.
 * Objects a kext leaked are released too (after the host has had the chance
 * to look at NKS_stats()).
 */
void NKS_fini(void);

/* Snapshot of the live-object counters. */
void NKS_stats(struct nks_stats *st);

/*
 * Set the simulated clock, then run the deferred work that is due.
 * calendar_ns is wall-clock time (ns since the Unix epoch) and uptime_ns the
 * time since the simulated boot (mach_absolute_time() units are ns); each
 * only ever moves forward (a smaller value is ignored).  Every callout
 * (bsd_timeout, timeout, thread_call) whose deadline is <= the new uptime and
 * that was pending when the call began runs, in deadline order (FIFO among
 * equal deadlines), with the clock advanced to its deadline while it runs.
 * Work armed by those callbacks waits for the next call, so a callout that
 * re-arms itself with no delay cannot loop forever.
 */
void NKS_clock_set(nks_i64 calendar_ns, nks_u64 uptime_ns);

/*
 * Number of pending callouts; *next_deadline (if not NULL) receives the
 * earliest deadline (uptime ns) when there is one.  The host drains pending
 * work after the last packet by calling NKS_clock_set() with that deadline,
 * a bounded number of times.
 */
nks_u32 NKS_callouts_pending(nks_u64 *next_deadline);

/* ====================================================================
 * The simulated host (v2): interfaces, kexts, frames in, packets out.
 * ==================================================================== */

/* Address families as the seam spells them (the kernel's are Darwin's). */
#define NKS_FAMILY_INET 4
#define NKS_FAMILY_INET6 6

/* Directions. */
#define NKS_DIR_IN 1	/* arrives on an interface */
#define NKS_DIR_OUT 2	/* leaves through an interface */

/* Kinds of simulated interface, by the framing of their frames. */
enum nks_iftype {
	NKS_IFT_ETHER = 1,	/* Ethernet: 14-byte header, plus any 802.1Q/802.1ad tags */
	NKS_IFT_LOOPBACK = 2,	/* lo0: frames are IP packets (the kernel adds the 4-byte
				   protocol-family word XNU's lo0 uses) */
	NKS_IFT_UTUN = 3,	/* a point-to-point IP tunnel (raw-IP captures): framed
				   like lo0 */
};

/* Checksum work an interface's simulated hardware does (ifnet_offload). */
#define NKS_OFFLOAD_IPV4_HDR 0x1	/* IPv4 header checksum */
#define NKS_OFFLOAD_TCPUDP 0x2		/* TCP and UDP, over IPv4 and IPv6 */

struct nks_ifaddr {
	nks_u32 ia_family;	/* NKS_FAMILY_* */
	nks_u32 ia_prefixlen;
	nks_u8 ia_addr[16];	/* network order; IPv4 in the first 4 bytes */
};

struct nks_ifspec {
	const char *is_name;	/* full name with unit, e.g. "en0" (copied) */
	nks_u32 is_type;	/* enum nks_iftype */
	nks_u32 is_mtu;		/* 0: the type's default */
	nks_u8 is_lladdr[6];	/* NKS_IFT_ETHER: its MAC address */
	nks_u32 is_offload;	/* NKS_OFFLOAD_* */
	nks_u32 is_naddrs;
	const struct nks_ifaddr *is_addrs;	/* copied */
	nks_u32 is_flags;	/* (v5) NKS_IFSPEC_* */
};

/*
 * (v5) The capture was taken off the host (a tap, a router port): frames for
 * the host's addresses carry other destination MACs.  The interface takes
 * every unicast frame as its own instead of marking it promiscuous.
 */
#define NKS_IFSPEC_ANYMAC 0x1

/*
 * Attach a simulated interface; *ifindex receives its index (1-based, as
 * ifnet_index() reports it).  lo0 exists from NKS_init() on (index 1, with
 * 127.0.0.1/8 and ::1/128).  An interface attached after kexts started is
 * announced to them as XNU does.  Returns 0, EEXIST (name in use) or EINVAL.
 */
int NKS_ifnet_attach(const struct nks_ifspec *spec, nks_u32 *ifindex);

/* Add an address to an interface.  Returns 0, ENXIO or EINVAL. */
int NKS_ifnet_addaddr(nks_u32 ifindex, const struct nks_ifaddr *addr);

/*
 * Start a kext.  `kmod_info` is the address of the module's kmod_info_t
 * (a kernel-world type, opaque here).  Its start routine runs with the
 * simulator knowing the kext as the current one; filters it registers are
 * attributed to it.  Returns 0 and *kext_id when the routine returned
 * KERN_SUCCESS; ECANCELED (89) with the routine's return value in *result
 * when it did not (it may be a kern_return_t or an errno: kexts use both);
 * before running any of its code: EINVAL for a malformed kmod_info_t or no
 * start routine, EEXIST when a kext with the same bundle identifier runs
 * already, ENOMEM when 31 kexts were started in this run.
 */
int NKS_kext_start(void *kmod_info, nks_u32 *kext_id, nks_i32 *result);

/*
 * One attempt to stop a kext: runs its stop routine.  Returns 0 when it
 * returned KERN_SUCCESS (the kext is gone), EBUSY with the value in *result
 * otherwise (the host drains pending work and retries, a bounded number of
 * times, as kextunload would).  ENOENT for an unknown id.
 */
int NKS_kext_stop(nks_u32 kext_id, nks_i32 *result);

/* Bundle identifier and version of a started kext, or NULL. */
const char *NKS_kext_name(nks_u32 kext_id);
const char *NKS_kext_version(nks_u32 kext_id);

#define NKS_FRAME_TRUNCATED 0x1	/* caplen < wirelen: the capture cut it short */

/*
 * (v9) The NKH64 (nke_hash.h) of a range of a frame's bytes, worked out by
 * the host ahead of the frame (nke-replay: on the thread that reads the
 * capture, while earlier frames run).
 */
struct nks_hhint {
	nks_u32 hh_off;		/* the range: fr_data[hh_off, hh_off + hh_len) */
	nks_u32 hh_len;
	nks_u64 hh_hash;	/* nkh64() of those bytes */
};

/* One captured frame, decoded to a simulated interface. */
struct nks_frame {
	nks_u64 fr_index;	/* 1-based record index in the capture */
	nks_i64 fr_time_ns;	/* capture timestamp, ns since the Unix epoch */
	nks_u32 fr_ifindex;
	nks_u32 fr_dir;		/* NKS_DIR_IN or NKS_DIR_OUT */
	nks_u32 fr_flags;	/* NKS_FRAME_* */
	nks_u32 fr_family;	/* lo0/utun: NKS_FAMILY_* of the IP packet */
	nks_u32 fr_caplen;	/* bytes at fr_data */
	nks_u32 fr_wirelen;	/* length on the wire (>= caplen) */
	const nks_u8 *fr_data;	/* interface framing; valid during the call */
	nks_i32 fr_pid;		/* process the packet belongs to; -1 unknown */
	const char *fr_comm;	/* that process's name, or NULL */
	nks_i32 fr_uid;		/* (v3) its user id; -1 unknown */
	/*
	 * (v9) Optional (NULL, 0: none): hashes of ranges of fr_data.  When a
	 * verdict needs the hash of bytes the kernel finds equal to a hint's
	 * range (it compares them: a kext may have changed the packet), it
	 * reports the hint's hash instead of hashing the bytes again.  Each
	 * hh_hash must be the true NKH64 of its range; a range outside fr_data
	 * is ignored.  Valid during the call.
	 */
	const struct nks_hhint *fr_hints;
	nks_u32 fr_nhints;
};

/*
 * Run one frame through the simulated host: inbound from the driver up,
 * outbound from the top of the network layer down, through every filter on
 * its way, as XNU orders them.  The clock is the host's business
 * (NKS_clock_set() before each frame).
 */
void NKS_frame(const struct nks_frame *fr);

#define NKS_EMIT_INJECTED 0x1	/* made or re-injected by a kext */
#define NKS_EMIT_TRUNCATED 0x2	/* comes from a truncated record */
#define NKS_EMIT_UNCHANGED 0x4	/* (v6) em_data is record em_index's frame, byte for
				   byte, as captured (no kext changed it) */

/*
 * A packet that went through every filter on its way without being dropped
 * or kept: outbound, what the driver puts on the wire; inbound, what the
 * filters let up the stack (whatever the stack then does with it).  -w
 * records these.  Unchanged packets come out byte for byte as captured.
 */
struct nks_emit {
	nks_u64 em_index;	/* record it came from; 0 if a kext built it */
	nks_i64 em_time_ns;	/* simulated time of the emission */
	nks_u32 em_ifindex;
	const char *em_ifname;
	nks_u32 em_dir;		/* NKS_DIR_* */
	nks_u32 em_flags;	/* NKS_EMIT_* */
	nks_u32 em_family;	/* lo0/utun: NKS_FAMILY_* of the packet */
	nks_u32 em_len;
	nks_u32 em_wirelen;	/* original wire length for truncated records */
	const nks_u8 *em_data;	/* interface framing; valid during the call */
};

/* Where a verdict was given. */
enum nks_hook {
	NKS_HOOK_STACK = 1,	/* the simulated stack itself (vd_detail says why) */
	NKS_HOOK_IFF_INPUT,
	NKS_HOOK_IFF_OUTPUT,
	NKS_HOOK_IFF_EVENT,
	NKS_HOOK_IFF_IOCTL,
	NKS_HOOK_IPF_INPUT,
	NKS_HOOK_IPF_OUTPUT,
	NKS_HOOK_SF_ATTACH,
	NKS_HOOK_SF_DETACH,
	NKS_HOOK_SF_NOTIFY,
	NKS_HOOK_SF_DATA_IN,
	NKS_HOOK_SF_DATA_OUT,
	NKS_HOOK_SF_CONNECT_IN,
	NKS_HOOK_SF_CONNECT_OUT,
	NKS_HOOK_SF_BIND,
	NKS_HOOK_SF_LISTEN,
	NKS_HOOK_SF_ACCEPT,
	NKS_HOOK_SF_SETOPTION,
	NKS_HOOK_SF_GETOPTION,
	NKS_HOOK_SF_IOCTL,
	NKS_HOOK_SF_GETPEERNAME,
	NKS_HOOK_SF_GETSOCKNAME,
	NKS_HOOK_CTL_CONNECT,
	NKS_HOOK_CTL_DISCONNECT,
	NKS_HOOK_CTL_SEND,
	NKS_HOOK_CTL_SETOPT,
	NKS_HOOK_CTL_GETOPT,
	NKS_HOOK_SOCKET,	/* (v3) the stack created/connected/closed a simulated
				   socket (vd_detail says which and what) */
	NKS_HOOK_APP,		/* (v3) data reached the simulated application, or
				   the application's data entered the stack */
	NKS_HOOK_MAX
};

/* The stable name of a hook, as the verdict log writes it ("ipf_input"), or
 * NULL for a number that is no hook. */
const char *NKS_hook_name(nks_u32 hook);

#define NKS_VD_INJECTED 0x1	/* the packet was injected by a kext */
#define NKS_VD_REPLACED 0x2	/* the filter handed back a different *data */
#define NKS_VD_TRUNCATED 0x4	/* the packet comes from a truncated record */
#define NKS_VD_MODIFIED 0x8	/* (v6) the bytes (or the length) differ from what the
				   previous filter called for this packet at this hook
				   left (not set for the first one) */

/*
 * One filter callback's verdict, or a drop by the stack.  Strings are valid
 * during the call only.
 */
struct nks_verdict {
	nks_u64 vd_index;	/* record being processed; 0 outside any (timers) */
	nks_u32 vd_hook;	/* enum nks_hook */
	nks_u32 vd_dir;		/* NKS_DIR_*, 0 if not a packet */
	const char *vd_ifname;	/* interface, or NULL */
	const char *vd_kext;	/* bundle id owning the filter; NULL for the stack */
	const char *vd_filter;	/* filter name; NULL for the stack */
	nks_i32 vd_result;	/* return value: 0, EJUSTRETURN (-2) or a Darwin errno */
	nks_u32 vd_flags;	/* NKS_VD_* */
	nks_u32 vd_len;		/* packet length after the callback; 0 if none left */
	nks_u64 vd_hash;	/* NKH64 (nke_hash.h) of those bytes; 0 if none */
	const char *vd_detail;	/* hook-specific words ("proto=6 offset=20", the
				   event, the stack's reason), or NULL */
};

/* Counters of the simulated stack, for the run summary. */
struct nks_netstats {
	nks_u64 ns_frames_in;		/* frames fed inbound */
	nks_u64 ns_frames_out;		/* frames fed outbound */
	nks_u64 ns_truncated;		/* of those, from truncated records */
	nks_u64 ns_vlan;		/* 802.1Q-tagged frames (third-party
					   interface filters skip them) */
	nks_u64 ns_nonip;		/* neither IPv4, IPv6 nor ARP */
	nks_u64 ns_bad;			/* dropped by IPv4/IPv6 validation */
	nks_u64 ns_notlocal;		/* inbound, not addressed to this host */
	nks_u64 ns_frags;		/* fragments seen (both directions) */
	nks_u64 ns_reassembled;		/* datagrams rebuilt from them */
	nks_u64 ns_frag_dropped;	/* fragments given up (timeout, limits,
					   malformed) */
	nks_u64 ns_filter_dropped;	/* packets a filter dropped */
	nks_u64 ns_filter_kept;		/* packets a filter kept (EJUSTRETURN) */
	nks_u64 ns_injected;		/* packets kexts injected */
	nks_u64 ns_emitted_in;		/* inbound packets passed up */
	nks_u64 ns_emitted_out;		/* outbound packets put on the wire */
};
void NKS_netstats(struct nks_netstats *ns);

/*
 * (v6) What the host wants of verdicts (ho_verdict), NKS_VDM_* bits; NKS_init
 * resets it to 0 (everything).  NKS_VDM_BRIEF: the host only counts them,
 * so the kernel spares the work of their content: vd_hash stays 0 and
 * vd_detail NULL (a NKS_HOOK_STACK verdict keeps its reason), and the
 * application streams' running hashes are not kept.  vd_len, vd_flags
 * (NKS_VD_MODIFIED included) and the rest are as always.  Set it before
 * the first frame.
 */
#define NKS_VDM_BRIEF 0x1
void NKS_verdict_mode(nks_u32 mode);

/*
 * (v8) Verdicts counted in the kernel: in brief mode with ho_vfilter and
 * ho_vcounts, the verdicts of the packet hooks (iff_input, iff_output,
 * ipf_input, ipf_output, sf_data_in, sf_data_out) and NKS_HOOK_APP ones
 * do not come through ho_verdict; each (filter, hook) counts them:
 * vc_pass (result 0), vc_kept (EJUSTRETURN), vc_drop (any other result),
 * vc_modified (pass or kept with NKS_VD_MODIFIED), vc_injected
 * (NKS_VD_INJECTED), vc_other (NKS_HOOK_APP verdicts).  The counts reach
 * the host (ho_vcounts) when the filter goes away and when the host calls
 * NKS_verdict_flush(), which it does before it reads its totals (also
 * after a simulated panic).  Every other verdict comes as always.
 */
struct nks_vcounts {
	nks_u64 vc_pass, vc_drop, vc_kept, vc_modified, vc_injected, vc_other;
};
void NKS_verdict_flush(void);

/*
 * (v8) The last filter verdict (any hook but NKS_HOOK_STACK) given while
 * ho_verdict is installed, counted or not: its vd_index and vd_hook.
 * Returns 0 (and sets nothing) if none since NKS_init.  Reads two
 * variables: safe in a signal handler.
 */
int NKS_last_verdict(nks_u64 *index, nks_u32 *hook);

/*
 * The simulated applications exit (v3): every socket they still have open
 * is closed as close() would (filters see the events, TCP sends what
 * closing sends), then the stack's timers may finish them.  The host calls
 * it once, after the capture and its drain, before the kexts stop.
 */
void NKS_apps_exit(void);

/* ====================================================================
 * Checks and stress modes (v7).
 * ==================================================================== */

/*
 * Groups of checks (docs/checks.md lists which check belongs to which).
 * A group turned off sends neither its reports nor its warnings; simulated
 * panics cannot be turned off.
 */
#define NKS_CHK_MBUF 0x01	/* chains handed back, mbuf KPI misuse */
#define NKS_CHK_OWNERSHIP 0x02	/* mbuf lifetime: leaks, double frees, use after free,
				   hand-offs */
#define NKS_CHK_LOCKS 0x04	/* locks held at return, lock order, blocking */
#define NKS_CHK_LEAKS 0x08	/* mbufs, OSMalloc/_MALLOC blocks, thread calls a kext
				   still owns when it stops; end-of-run leaks */
#define NKS_CHK_UNLOAD 0x10	/* filters, timers, controls a kext leaves behind */
#define NKS_CHK_INJECT 0x20	/* injection preconditions and loops */
#define NKS_CHK_SOCKETS 0x40	/* socket and socket-filter KPI misuse */
#define NKS_CHK_CTL 0x80	/* kern_control misuse */
#define NKS_CHK_MEMORY 0x100	/* OSFree/_FREE misuse, writes after free */
#define NKS_CHK_REFS 0x200	/* filter registration, interface references */
#define NKS_CHK_KPI 0x400	/* private or unsupported KPIs (warnings) */
#define NKS_CHK_ALL 0x7ff

/* How each captured packet is cut into mbufs before the stack delivers it. */
enum nks_layout {
	NKS_LAYOUT_CONTIGUOUS = 0,	/* one mbuf (a cluster) per frame: the default */
	NKS_LAYOUT_DRIVER,		/* as receive drivers do: small frames copied into
					   one header mbuf, larger ones in 2 KB clusters */
	NKS_LAYOUT_SPLIT_HEADERS,	/* link, IP and transport headers each in their own
					   mbuf (plus an empty one), then the payload */
	NKS_LAYOUT_BYTES,		/* one mbuf per byte */
	NKS_LAYOUT_RANDOM,		/* random cuts (empty mbufs too), from cc_seed */
	NKS_LAYOUT_GUARD,		/* contiguous, with the guard of the other layouts */
	NKS_LAYOUT_MAX
};

#define NKS_CC_LINK_OUTPUT 0x1	/* IPv4 ipf_output sees TCP packets with m_nextpkt
				   linking a following packet, as XNU's TCP chains
				   them; filters must leave the link alone */

struct nks_checkcfg {
	nks_u32 cc_groups;	/* NKS_CHK_* groups on (NKS_init: NKS_CHK_ALL) */
	nks_u32 cc_layout;	/* enum nks_layout (NKS_init: contiguous) */
	nks_u64 cc_seed;	/* NKS_LAYOUT_RANDOM */
	nks_u32 cc_flags;	/* NKS_CC_* */
};

/*
 * Configure the checks and stress modes (after NKS_init, which resets them).
 * Returns 0, or EINVAL for an unknown layout or flag.  Under
 * AddressSanitizer every layout but the contiguous one (and the guard
 * layout) poisons the bytes past each mbuf's data, so a kext reading past
 * mbuf_len() without mbuf_pullup() stops with a sanitizer report; in other
 * builds those bytes hold a fill pattern.
 */
int NKS_checks_set(const struct nks_checkcfg *cc);
/* Non-zero if this build can poison memory for the guard (AddressSanitizer). */
int NKS_checks_have_guard(void);
/*
 * Group of a check or warning name (NKS_CHK_*), 0 for a name in no group;
 * and whether it is on now (a name in no group always is).
 */
nks_u32 NKS_check_group(const char *check);
int NKS_check_enabled(const char *check);

/* The kext code running now, innermost first (for crash messages). */
struct nks_cbinfo {
	nks_u64 ci_index;	/* record being processed, 0 outside any */
	nks_u32 ci_hook;	/* enum nks_hook of a filter callback, else 0 */
	nks_u32 ci_kext_id;	/* load tag of the kext whose code runs, 0: none */
	const char *ci_kext;	/* its bundle identifier, or NULL */
	const char *ci_filter;	/* the filter (or control) name, or NULL */
	const char *ci_what;	/* what runs when ci_hook is 0: "start routine",
				   "stop routine", "callout", ...; or NULL */
};

/*
 * Fill *ci.  Async-signal-safe: reads a few words of the kernel's state and
 * calls nothing, so a fault handler may use it; the strings stay valid
 * until NKS_fini.
 */
void NKS_current_callback(struct nks_cbinfo *ci);

/* ====================================================================
 * kern_control clients (v3): the host plays the user-space side.
 * ==================================================================== */

#define NKS_CTL_EOR 0x1		/* the message ends a record */

#define NKS_CTL_STREAM 0x1	/* connect a SOCK_STREAM socket (else SOCK_DGRAM) */
#define NKS_CTL_NONROOT 0x2	/* the client is not root (CTL_FLAG_PRIVILEGED) */

/*
 * socket(PF_SYSTEM, ..., SYSPROTO_CONTROL) + CTLIOCGINFO(name) + connect()
 * with sc_unit `unit` (0: any free unit).  Returns 0 with *client (the
 * host's handle) and *unit_out set, or a Darwin errno as connect(2) would:
 * ENOENT (no such control), EPROTOTYPE, EPERM, EBUSY, or the error the
 * kext's ctl_connect returned.
 */
int NKS_ctl_connect(const char *name, nks_u32 unit, nks_u32 flags, nks_u32 *client,
    nks_u32 *unit_out);
/* send(): the kext's ctl_send result (Darwin errno), ENOTCONN, ENOTSUP. */
int NKS_ctl_send(nks_u32 client, const void *data, nks_size len);
/* setsockopt(SYSPROTO_CONTROL, opt): the kext's ctl_setopt result. */
int NKS_ctl_setopt(nks_u32 client, nks_i32 opt, const void *data, nks_size len);
/*
 * getsockopt(SYSPROTO_CONTROL, opt): *len is the buffer size in, the size
 * returned out; data may be NULL (size query).  The kext's ctl_getopt result.
 */
int NKS_ctl_getopt(nks_u32 client, nks_i32 opt, void *data, nks_size *len);
/* close(): ctl_disconnect runs.  Returns 0 or ENOTCONN. */
int NKS_ctl_disconnect(nks_u32 client);
/*
 * (v4) recv() until the receive buffer is empty: every queued message goes
 * to ho_ctl_recv, in order.  On a datagram control a recv() returns a whole
 * record, so the last message delivered always carries NKS_CTL_EOR.
 * Returns 0 or ENOTCONN.  The client reads only when the host says so: the
 * host calls it after each of its top-level calls (frame, clock step,
 * kern_control call), so a kext that queues more than the receive buffer
 * holds within one of them gets ENOBUFS, as with a slow reader.
 */
int NKS_ctl_recv(nks_u32 client);

/* (v4) A registered control, as a client (or `sysctl net.systm.kctl`) sees it. */
struct nks_ctl_info {
	char ci_name[96];	/* NUL-terminated */
	nks_u32 ci_id;		/* control id (CTLIOCGINFO) */
	nks_u32 ci_unit;	/* NKS_CTLF_STATIC: the registered unit */
	nks_u32 ci_flags;	/* NKS_CTLF_* */
	nks_u32 ci_kext;	/* load tag of the kext that registered it (0: none) */
	nks_u32 ci_clients;	/* clients connected now */
};

#define NKS_CTLF_PRIVILEGED 0x1	/* CTL_FLAG_PRIVILEGED: root clients only */
#define NKS_CTLF_STATIC 0x2	/* CTL_FLAG_REG_ID_UNIT: fixed id and unit */
#define NKS_CTLF_STREAM 0x4	/* CTL_FLAG_REG_SOCK_STREAM: SOCK_STREAM clients */

/*
 * (v4) The i-th registered control (0-based, in id order) into *info.
 * Returns 0, or ENOENT past the last one.
 */
int NKS_ctl_info(nks_u32 i, struct nks_ctl_info *info);

#if defined(__cplusplus)
}
#endif

#endif /* NKE_SEAM_H_ */
