/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * main.c - the nke-replay command (host world): parses the command line
 * into struct nkr_opts and runs the replay (replay.c).  Bad usage ends with
 * a message, a hint to --help and exit status 2.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nke_seam.h>

#include "ctl_client.h"
#include "proc_map.h"
#include "replay.h"
#include "stress.h"

#ifndef NKE_VERSION_STRING
#define NKE_VERSION_STRING "unknown"
#endif

static const char usage_text[] =
    "usage: nke-replay -r CAPTURE [--kext KEXT.nke.so]... [options]\n"
    "\n"
    "Replay a pcap/pcapng capture through a simulated macOS network stack with\n"
    "kernel extensions (built with nke_add_kext) loaded, and report what they did.\n"
    "\n"
    "Input:\n"
    "  -r, --read FILE        capture to replay (pcap or pcapng); - reads stdin.  Required.\n"
    "      --kext PATH        load a kext module; repeatable, loaded and started in the\n"
    "                         order given, stopped in reverse order (at most 31)\n"
    "  -i, --ifname NAME      interface name for captures that carry none (default en0)\n"
    "      --local ADDR       an IPv4/IPv6 address of the simulated host (decides which\n"
    "                         frames are inbound); repeatable (at most 16)\n"
    "      --local-mac MAC    a MAC address of the simulated host; repeatable (at most 16)\n"
    "      --offload MODE     checksum offload of the simulated interfaces: auto (from\n"
    "                         the captured outbound packets, default), on, off\n"
    "      --read-thread MODE read a classic pcap capture ahead on a second thread,\n"
    "                         overlapping its reading with the simulation: auto\n"
    "                         (default: for a regular file, with a second CPU), on\n"
    "                         (stdin too), off.  The outputs are the same either way\n"
    "      --proc SPEC        the process of a local endpoint, for frames the capture\n"
    "                         names none for (PKTAP does): [tcp:|udp:][ADDR:]PORT or *,\n"
    "                         then =PID[:NAME[:UID]]; e.g. tcp:8080=123:httpd:501,\n"
    "                         10.0.0.2:*=456:curl, udp:[fe80::1]:53=77; repeatable, the\n"
    "                         first rule that matches wins (at most %d)\n"
    "\n"
    "kern_control clients (docs/kern_control.md):\n"
    "      --ctl NAME[:UNIT][=FILE]\n"
    "                         once the kexts started, connect to the control NAME (a\n"
    "                         static one at its unit, or UNIT) as a root process, and\n"
    "                         write what it receives and what its script did to FILE\n"
    "                         (default NAME.ctl, - for stdout); it reads after every\n"
    "                         record and clock step and closes before the kexts stop;\n"
    "                         repeatable (at most %d)\n"
    "      --ctl-script FILE  actions of the --ctl given before it, one per line:\n"
    "                         'at N', 'at start', 'at end' or 'on-sleep', then\n"
    "                         'send DATA...', 'setopt OPT [DATA...]', 'getopt OPT SIZE\n"
    "                         [DATA...]' or 'disconnect'.  DATA: hex digits, \"text\",\n"
    "                         TYPE:N (u8 i8 u16 i16 u32 i32 u64 i64 little-endian, be16\n"
    "                         be32 be64).  on-sleep answers a kext of the control that\n"
    "                         sleeps with nothing else to wake it\n"
    "\n"
    "Outputs (same input and flags => byte-identical outputs):\n"
    "  -w, --write OUT        what left the simulated host: passed, modified and injected\n"
    "                         packets, not the dropped or kept ones; pcapng if OUT ends in\n"
    "                         .pcapng, else pcap (nanosecond); - writes stdout\n"
    "      --annotate OUT     every input packet plus the injected ones, each with a\n"
    "                         comment naming every verdict it got (always pcapng)\n"
    "      --log FILE         the verdict log (docs/log-format.md); - writes stdout\n"
    "      --log-format FMT   text (default) or jsonl\n"
    "      --console FILE     kext console output (printf, IOLog, os_log); default stderr,\n"
    "                         - writes stdout.\n"
    "                         Every line starts with its context: [#N] while record N is\n"
    "                         processed, [timer] in callouts between or after packets,\n"
    "                         [start] before the first packet, [stop] in stop routines\n"
    "  -q, --quiet            no summary and no warnings on stderr (errors remain)\n"
    "\n"
    "Checks and stress modes (docs/checks.md):\n"
    "      --checks LIST      which groups of checks report: all (default), none, or a\n"
    "                         comma list of groups, each optionally prefixed by - (off)\n"
    "                         or + (on); a list that starts with a sign changes all,\n"
    "                         e.g. --checks=-locks,-leaks.  Groups: %s.\n"
    "                         Simulated panics always stop the run\n"
    "      --mbuf-layout L    how each captured packet is cut into mbufs: contiguous\n"
    "                         (default), driver, split-headers, bytes, random:SEED, or\n"
    "                         guard (contiguous; needs an AddressSanitizer build).  Under\n"
    "                         AddressSanitizer every layout but contiguous poisons the\n"
    "                         bytes past each mbuf's data: a kext that reads past\n"
    "                         mbuf_len() stops there\n"
    "      --fail-alloc SPEC  make the kexts' mbuf, cluster, tag, OSMalloc and _MALLOC\n"
    "                         allocations fail: N[,M...] while those records are\n"
    "                         processed, or random:RATE:SEED (RATE 0..1 or N%%) while\n"
    "                         records and callouts run\n"
    "      --chain-tcp        IPv4 ipf_output sees TCP packets whose m_nextpkt links a\n"
    "                         following packet, as XNU's TCP sends chains; a filter that\n"
    "                         frees or clears the link is reported\n"
    "\n"
    "After the last packet:\n"
    "      --drain-limit N    run pending callouts for at most N clock steps (default %d)\n"
    "      --drain-horizon S  ... and none due more than S seconds after the last packet\n"
    "                         (default %d)\n"
    "      --stop-retries N   a stop routine that refuses (EBUSY, KERN_FAILURE, ...) is\n"
    "                         called again up to N more times, after pending callouts ran\n"
    "                         and one simulated second passed (default %d); once every\n"
    "                         kext stopped, pending callouts run once more (bounded as\n"
    "                         above): work the stack still had queued\n"
    "\n"
    "Time: the simulated machine booted %d s before the first packet; the clock\n"
    "follows the packet timestamps and never goes back (an earlier timestamp leaves\n"
    "it where it is).\n"
    "\n"
    "  -V, --version          print the version and exit\n"
    "  -h, --help             print this help and exit\n"
    "\n"
    "Exit status: 0 clean; 1 a check failed (a report, a simulated panic, a leak, a\n"
    "kext that refused to stop); 2 bad usage, unreadable input or output, or a kext\n"
    "that could not be loaded or started.\n";

static void usage_error(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("nke-replay: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'nke-replay --help' for more information.\n", stderr);
	exit(NKR_EXIT_USAGE);
}

static uint64_t
parse_num(const char *opt, const char *s, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (*s < '0' || *s > '9')
		usage_error("%s: expects a number", opt);
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		usage_error("%s: expects a number", opt);
	return (uint64_t)v;
}

enum {
	OPT_KEXT = 256,
	OPT_ANNOTATE,
	OPT_LOG,
	OPT_LOG_FORMAT,
	OPT_CONSOLE,
	OPT_LOCAL,
	OPT_LOCAL_MAC,
	OPT_OFFLOAD,
	OPT_READ_THREAD,
	OPT_DRAIN_LIMIT,
	OPT_DRAIN_HORIZON,
	OPT_STOP_RETRIES,
	OPT_CTL,
	OPT_CTL_SCRIPT,
	OPT_PROC,
	OPT_CHECKS,
	OPT_MBUF_LAYOUT,
	OPT_FAIL_ALLOC,
	OPT_CHAIN_TCP,
};

static const struct option longopts[] = {
    {"read", required_argument, NULL, 'r'},
    {"write", required_argument, NULL, 'w'},
    {"ifname", required_argument, NULL, 'i'},
    {"quiet", no_argument, NULL, 'q'},
    {"version", no_argument, NULL, 'V'},
    {"help", no_argument, NULL, 'h'},
    {"kext", required_argument, NULL, OPT_KEXT},
    {"annotate", required_argument, NULL, OPT_ANNOTATE},
    {"log", required_argument, NULL, OPT_LOG},
    {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
    {"console", required_argument, NULL, OPT_CONSOLE},
    {"local", required_argument, NULL, OPT_LOCAL},
    {"local-mac", required_argument, NULL, OPT_LOCAL_MAC},
    {"offload", required_argument, NULL, OPT_OFFLOAD},
    {"read-thread", required_argument, NULL, OPT_READ_THREAD},
    {"drain-limit", required_argument, NULL, OPT_DRAIN_LIMIT},
    {"drain-horizon", required_argument, NULL, OPT_DRAIN_HORIZON},
    {"stop-retries", required_argument, NULL, OPT_STOP_RETRIES},
    {"ctl", required_argument, NULL, OPT_CTL},
    {"ctl-script", required_argument, NULL, OPT_CTL_SCRIPT},
    {"proc", required_argument, NULL, OPT_PROC},
    {"checks", required_argument, NULL, OPT_CHECKS},
    {"mbuf-layout", required_argument, NULL, OPT_MBUF_LAYOUT},
    {"fail-alloc", required_argument, NULL, OPT_FAIL_ALLOC},
    {"chain-tcp", no_argument, NULL, OPT_CHAIN_TCP},
    {NULL, 0, NULL, 0},
};

int
main(int argc, char **argv)
{
	static struct nkr_opts o;
	static struct nkr_ctl_opt co;
	static struct nkr_proc_rule pr;
	char err[256];
	int c, nstdout = 0, nstdin = 0;

	memset(&o, 0, sizeof(o));
	o.o_drain_limit = NKR_DRAIN_LIMIT_DEFAULT;
	o.o_drain_horizon_ns = (uint64_t)NKR_DRAIN_HORIZON_DEFAULT * 1000000000ULL;
	o.o_stop_retries = NKR_STOP_RETRIES_DEFAULT;
	o.o_src.so_offload = -1;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:w:i:qVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o.o_read = optarg;
			break;
		case 'w':
			o.o_write = optarg;
			break;
		case 'i':
			if (*optarg == '\0' || strlen(optarg) >= 16)
				usage_error("--ifname: '%s' is not an interface name", optarg);
			o.o_src.so_ifname = optarg;
			break;
		case 'q':
			o.o_quiet = 1;
			break;
		case 'V':
			printf("nke-replay (nkesim) %s, seam version %d\n", NKE_VERSION_STRING,
			       NKS_SEAM_VERSION);
			return 0;
		case 'h':
			printf(usage_text, NKR_MAX_PROC, NKR_MAX_CTL, nkr_stress_group_names(),
			       NKR_DRAIN_LIMIT_DEFAULT, NKR_DRAIN_HORIZON_DEFAULT,
			       NKR_STOP_RETRIES_DEFAULT, (int)(NKR_BOOT_UPTIME_NS / 1000000000ULL));
			return 0;
		case OPT_KEXT:
			if (o.o_nkexts == NKR_MAX_KEXTS)
				usage_error("--kext %s: too many kexts", optarg);
			o.o_kexts[o.o_nkexts++] = optarg;
			break;
		case OPT_ANNOTATE:
			o.o_annotate = optarg;
			break;
		case OPT_LOG:
			o.o_log = optarg;
			break;
		case OPT_LOG_FORMAT:
			if (strcmp(optarg, "text") == 0)
				o.o_log_format = NKR_LOG_TEXT;
			else if (strcmp(optarg, "jsonl") == 0)
				o.o_log_format = NKR_LOG_JSONL;
			else
				usage_error("--log-format: '%s' is neither text nor jsonl", optarg);
			break;
		case OPT_CONSOLE:
			o.o_console = optarg;
			break;
		case OPT_LOCAL:
			if (o.o_src.so_nlocal == NKR_MAX_LOCAL)
				usage_error("--local %s: too many addresses", optarg);
			o.o_src.so_local[o.o_src.so_nlocal++] = optarg;
			break;
		case OPT_LOCAL_MAC:
			if (o.o_src.so_nlocal_mac == NKR_MAX_LOCAL)
				usage_error("--local-mac %s: too many addresses", optarg);
			o.o_src.so_local_mac[o.o_src.so_nlocal_mac++] = optarg;
			break;
		case OPT_OFFLOAD:
			if (strcmp(optarg, "auto") == 0)
				o.o_src.so_offload = -1;
			else if (strcmp(optarg, "on") == 0)
				o.o_src.so_offload = 1;
			else if (strcmp(optarg, "off") == 0)
				o.o_src.so_offload = 0;
			else
				usage_error("--offload: '%s' is not auto, on or off", optarg);
			break;
		case OPT_READ_THREAD:
			if (strcmp(optarg, "auto") == 0)
				o.o_src.so_read_thread = NKR_READ_THREAD_AUTO;
			else if (strcmp(optarg, "on") == 0)
				o.o_src.so_read_thread = NKR_READ_THREAD_ON;
			else if (strcmp(optarg, "off") == 0)
				o.o_src.so_read_thread = NKR_READ_THREAD_OFF;
			else
				usage_error("--read-thread: '%s' is not auto, on or off", optarg);
			break;
		case OPT_DRAIN_LIMIT:
			o.o_drain_limit = parse_num("--drain-limit", optarg, UINT64_MAX);
			break;
		case OPT_DRAIN_HORIZON:
			o.o_drain_horizon_ns =
			    parse_num("--drain-horizon", optarg, 1000000000ULL) * 1000000000ULL;
			break;
		case OPT_STOP_RETRIES:
			o.o_stop_retries = (unsigned)parse_num("--stop-retries", optarg, 1000000);
			break;
		case OPT_CTL:
			if (o.o_nctl == NKR_MAX_CTL)
				usage_error("--ctl %s: too many clients (at most %d)", optarg,
				            NKR_MAX_CTL);
			if (nkr_ctl_parse_opt(optarg, &co, err, sizeof(err)) != 0)
				usage_error("--ctl %s", err);
			if (strcmp(co.co_file, "-") == 0)
				nstdout++;
			o.o_ctl[o.o_nctl++] = optarg;
			break;
		case OPT_CTL_SCRIPT:
			if (o.o_nctl == 0)
				usage_error("--ctl-script %s: give it after the --ctl it belongs to",
				            optarg);
			if (o.o_ctl_script[o.o_nctl - 1] != NULL)
				usage_error("--ctl-script %s: --ctl %s has a script already (%s)",
				            optarg, o.o_ctl[o.o_nctl - 1],
				            o.o_ctl_script[o.o_nctl - 1]);
			if (strcmp(optarg, "-") == 0)
				nstdin++;
			o.o_ctl_script[o.o_nctl - 1] = optarg;
			break;
		case OPT_PROC:
			if (o.o_nproc == NKR_MAX_PROC)
				usage_error("--proc %s: too many rules (at most %d)", optarg,
				            NKR_MAX_PROC);
			if (nkr_proc_parse(optarg, &pr, err, sizeof(err)) != 0)
				usage_error("--proc %s", err);
			o.o_proc[o.o_nproc++] = optarg;
			break;
		case OPT_CHECKS:
			if (nkr_stress_checks(optarg, err, sizeof(err)) != 0)
				usage_error("--checks: %s", err);
			break;
		case OPT_MBUF_LAYOUT:
			if (nkr_stress_layout(optarg, err, sizeof(err)) != 0)
				usage_error("--mbuf-layout: %s", err);
			break;
		case OPT_FAIL_ALLOC:
			if (nkr_stress_fail(optarg, err, sizeof(err)) != 0)
				usage_error("--fail-alloc: %s", err);
			break;
		case OPT_CHAIN_TCP:
			nkr_stress_chain_tcp();
			break;
		case ':':
			if (optopt != 0 && optopt < 256)
				fprintf(stderr, "nke-replay: option -%c needs a value\n", optopt);
			else
				fprintf(stderr, "nke-replay: option %s needs a value\n",
				        argv[optind - 1]);
			fputs("Try 'nke-replay --help' for more information.\n", stderr);
			return NKR_EXIT_USAGE;
		case '?':
		default:
			if (optopt != 0 && optopt < 256)
				fprintf(stderr, "nke-replay: unknown option -%c\n", optopt);
			else
				fprintf(stderr, "nke-replay: unknown option %s\n",
				        argv[optind - 1]);
			fputs("Try 'nke-replay --help' for more information.\n", stderr);
			return NKR_EXIT_USAGE;
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s' (the capture goes after -r)", argv[optind]);
	if (o.o_read == NULL)
		usage_error("%s", "-r CAPTURE is required");
	if (o.o_write != NULL && strcmp(o.o_write, "-") == 0)
		nstdout++;
	if (o.o_annotate != NULL && strcmp(o.o_annotate, "-") == 0)
		nstdout++;
	if (o.o_log != NULL && strcmp(o.o_log, "-") == 0)
		nstdout++;
	if (o.o_console != NULL && strcmp(o.o_console, "-") == 0)
		nstdout++;
	if (nstdout > 1)
		usage_error("%s", "only one output can go to stdout (-)");
	if (strcmp(o.o_read, "-") == 0)
		nstdin++;
	if (nstdin > 1)
		usage_error("%s", "only one input can come from stdin (-)");
	return nkr_run(&o);
}
