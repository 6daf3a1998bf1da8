#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# bench/run.sh - the benchmark of nke-replay against the physical floor (a
# bare libpcap read loop), one command: builds the release preset, generates
# the captures once (cached in build/release/bench-data), then for each
# capture runs, interleaved, floor / replay / replay -q / replay --log, N
# times, and prints medians (ns/packet, packets/s, ratio to the floor) and
# peak RSS; --callgrind adds instruction counts.  Results also go to
# build/release/bench-results/ (summary.tsv, summary.json, runs.tsv).
# docs/benchmark.md explains the method and keeps the latest figures.
#
# --smoke is the CTest version (label bench): small captures, 3 runs of the
# floor, the default replay and the replay with the log, fails only when a
# replay is grossly slower than the floor (its best CPU time against the
# floor's, above about twice what it is today).
set -eu

usage() {
	cat <<'EOF'
usage: bench/run.sh [options]
  --runs N              runs per measurement, medians reported (default 5)
  --captures "LIST"     among small traffic large (default: all three)
  --callgrind           also count instructions with valgrind's callgrind
  --callgrind-packets N packets of each capture callgrind runs over (default 200000)
  --build-dir DIR       use the tools of this build tree and do not build
                        (default: configure and build the release preset)
  --smoke               the CTest smoke version (needs --build-dir)
  --slack F             --smoke: multiply the limits by F (sanitizer and -O0 builds)
  --max-ratio X         --smoke: one limit X for every capture and variant instead
  -h, --help            this text
EOF
}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=5
CAPTURES="small traffic large"
CALLGRIND=0
CG_PACKETS=200000
BUILD_DIR=
SMOKE=0
SLACK=1
MAX_RATIO=

while [ $# -gt 0 ]; do
	case $1 in
	--runs) RUNS=$2; shift ;;
	--captures) CAPTURES=$2; shift ;;
	--callgrind) CALLGRIND=1 ;;
	--callgrind-packets) CG_PACKETS=$2; shift ;;
	--build-dir) BUILD_DIR=$2; shift ;;
	--smoke) SMOKE=1 ;;
	--slack) SLACK=$2; shift ;;
	--max-ratio) MAX_RATIO=$2; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "bench/run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
case $RUNS in ''|*[!0-9]*|0) echo "bench/run.sh: --runs expects a positive number" >&2; exit 2 ;; esac

# --- Build --------------------------------------------------------------
if [ -z "$BUILD_DIR" ]; then
	[ $SMOKE -eq 0 ] || { echo "bench/run.sh: --smoke needs --build-dir" >&2; exit 2; }
	BUILD_DIR=$ROOT/build/release
	# Release, no sanitizers, no tests (the benchmark needs none of them).
	(cd "$ROOT" && cmake --preset release -DBUILD_TESTING=OFF >/dev/null &&
		cmake --build --preset release --target bench_tools >/dev/null) || {
		echo "bench/run.sh: the release build failed (cmake --preset release;" \
			"cmake --build --preset release --target bench_tools)" >&2
		exit 1
	}
fi
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
GEN=$BUILD_DIR/bench/gen_capture
FLOOR=$BUILD_DIR/bench/bench_floor
MEASURE=$BUILD_DIR/bench/bench_measure
REPLAY=$BUILD_DIR/pcap_replay/nke-replay
KEXTDIR=$BUILD_DIR/kexts
for t in "$GEN" "$FLOOR" "$MEASURE" "$REPLAY" "$KEXTDIR/bench_pass.nke.so"; do
	[ -x "$t" ] || [ -f "$t" ] || { echo "bench/run.sh: $t is missing (build bench_tools)" >&2; exit 1; }
done

if [ $SMOKE -eq 1 ]; then
	DATA=$BUILD_DIR/bench-smoke
	RESULTS=$BUILD_DIR/bench-smoke/results
	RUNS=3
	CAPTURES="small traffic"
	VARIANTS="floor replay log"
else
	DATA=$BUILD_DIR/bench-data
	RESULTS=$BUILD_DIR/bench-results
	VARIANTS="floor replay single quiet log"
fi
mkdir -p "$DATA" "$RESULTS/logs"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nke-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

# The simulated host: what gen_capture's captures call local.
LOCAL="--local 192.168.1.10 --local 2001:db8:1::10"

# --- Captures -------------------------------------------------------------
GEN_VERSION=$("$GEN" --version)

# gen_args NAME: the generator's arguments for capture NAME.
gen_args() {
	if [ $SMOKE -eq 1 ]; then
		case $1 in
		small) echo "small --packets 300000" ;;
		traffic) echo "traffic --packets 30000" ;;
		large) echo "large --bytes 50000000" ;;
		esac
	else
		echo "$1"
	fi
}

# capture NAME: generate NAME.pcap unless the cached one is from the same
# generator version and arguments.
capture() {
	f=$DATA/$1.pcap
	stamp="gen_capture $GEN_VERSION: $(gen_args "$1")"
	if [ -f "$f" ] && [ -f "$f.stamp" ] && [ "$(cat "$f.stamp")" = "$stamp" ]; then
		return 0
	fi
	echo "generating $f ..." >&2
	rm -f "$f.stamp"
	# shellcheck disable=SC2046
	"$GEN" $(gen_args "$1") "$f" >/dev/null
	echo "$stamp" >"$f.stamp"
}

for c in $CAPTURES; do
	case $c in small|traffic|large) ;; *) echo "bench/run.sh: unknown capture $c" >&2; exit 2 ;; esac
	capture "$c"
done

# --- The kext: with socket filters if the shim can load them ---------------
KEXT=$KEXTDIR/bench_pass.nke.so
first=$(echo $CAPTURES | cut -d' ' -f1)
"$GEN" head "$DATA/$first.pcap" "$TMP/probe.pcap" 200 >/dev/null
if [ -f "$KEXTDIR/bench_pass_sflt.nke.so" ] &&
	"$REPLAY" -q -r "$TMP/probe.pcap" --kext "$KEXTDIR/bench_pass_sflt.nke.so" $LOCAL \
		--console "$TMP/probe.console" >/dev/null 2>"$TMP/probe.err"; then
	KEXT=$KEXTDIR/bench_pass_sflt.nke.so
	HOOKS="iflt+ipf+sflt"
else
	why=$(head -1 "$TMP/probe.err" | sed 's/.*: \([^:]*: [^:]*\)$/\1/')
	HOOKS="iflt+ipf; the socket-filter variant does not load: $why"
	"$REPLAY" -q -r "$TMP/probe.pcap" --kext "$KEXT" $LOCAL >/dev/null 2>"$TMP/probe.err" || {
		echo "bench/run.sh: nke-replay fails with $KEXT:" >&2
		cat "$TMP/probe.err" >&2
		exit 1
	}
fi
echo "kext: $(basename "$KEXT") ($HOOKS)" >&2

# variant_cmd VARIANT CAPTURE: the command line of one measurement.
variant_cmd() {
	case $1 in
	floor) echo "$FLOOR $2" ;;
	replay) echo "$REPLAY -r $2 --kext $KEXT $LOCAL" ;;
	single) echo "$REPLAY -r $2 --kext $KEXT $LOCAL --read-thread off" ;;
	quiet) echo "$REPLAY -q -r $2 --kext $KEXT $LOCAL" ;;
	log) echo "$REPLAY -r $2 --kext $KEXT $LOCAL --log /dev/null" ;;
	esac
}

# --- Timed runs ------------------------------------------------------------
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null ||
	uptime | sed 's/.*load averages*: *//')
RAW=$RESULTS/runs.tsv
printf 'capture\tvariant\trun\tpackets\twall_ns\tuser_ns\tsys_ns\tmaxrss_kib\tstatus\n' >"$RAW"
for c in $CAPTURES; do
	f=$DATA/$c.pcap
	cat "$f" >/dev/null # page cache: every run reads from memory
	packets=$("$FLOOR" "$f" | awk '{ print $2 }')
	echo "$c: $packets packets, $RUNS runs of: $VARIANTS" >&2
	r=1
	while [ $r -le "$RUNS" ]; do
		for v in $VARIANTS; do
			# shellcheck disable=SC2046
			"$MEASURE" -o "$TMP/m" -- $(variant_cmd $v "$f") \
				>"$RESULTS/logs/$c.$v.out" 2>"$RESULTS/logs/$c.$v.err" || true
			printf '%s\t%s\t%s\t%s\t%s\n' "$c" "$v" "$r" "$packets" "$(cat "$TMP/m")" >>"$RAW"
		done
		r=$((r + 1))
	done
done

# --- Medians ---------------------------------------------------------------
SUMMARY=$RESULTS/summary.tsv
awk -F'\t' -v OFS='\t' '
function median(key, n,    i, j, t, a) {
	for (i = 1; i <= n; i++)
		a[i] = vals[key, i]
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
NR == 1 { next }
{
	k = $1 SUBSEP $2
	if (!(k in n)) { order[++norder] = k; pk[k] = $4 }
	n[k]++
	vals[k "w", n[k]] = $5
	vals[k "c", n[k]] = $6 + $7
	if ($8 > rss[k]) rss[k] = $8
	if ($9 != 0) bad[k] = $9
}
END {
	print "capture", "variant", "packets", "runs", "wall_ns", "cpu_ns", "ns_per_pkt",
	    "cpu_ns_per_pkt", "pkts_per_s", "ratio", "cpu_ratio", "peak_rss_kib", "status",
	    "ratio_min", "ratio_max"
	for (i = 1; i <= norder; i++) {
		k = order[i]
		split(k, kk, SUBSEP)
		w[k] = median(k "w", n[k]); c[k] = median(k "c", n[k])
		if (kk[2] == "floor") { fw[kk[1]] = w[k]; fc[kk[1]] = c[k] }
	}
	for (i = 1; i <= norder; i++) {
		k = order[i]
		split(k, kk, SUBSEP)
		p = pk[k] > 0 ? pk[k] : 1
		# The fastest and the slowest run against the median floor: how far
		# apart the runs of a set are (two threads can be bimodal).
		lo = hi = vals[k "w", 1]
		for (j = 2; j <= n[k]; j++) {
			if (vals[k "w", j] < lo) lo = vals[k "w", j]
			if (vals[k "w", j] > hi) hi = vals[k "w", j]
		}
		printf "%s\t%s\t%d\t%d\t%.0f\t%.0f\t%.1f\t%.1f\t%.0f\t%.2f\t%.2f\t%d\t%s\t%.2f\t%.2f\n",
		    kk[1], kk[2], pk[k], n[k], w[k], c[k], w[k] / p, c[k] / p, p * 1e9 / w[k],
		    w[k] / fw[kk[1]], c[k] / fc[kk[1]], rss[k], (k in bad) ? "exit " bad[k] : "ok",
		    lo / fw[kk[1]], hi / fw[kk[1]]
	}
}' "$RAW" >"$SUMMARY"

if [ $SMOKE -eq 1 ]; then
	# The limits: CPU-time ratios about twice those of an optimised build
	# today (docs/benchmark.md), so only a gross regression fails.  Each
	# variant's best run against the floor's best: load on the machine only
	# ever makes a run slower, and three runs rarely all meet it.
	echo "smoke (CPU time, best of $RUNS runs; limits x$SLACK):"
	awk -F'\t' -v slack="$SLACK" -v max="$MAX_RATIO" '
	BEGIN {
		lim["small", "replay"] = 16; lim["small", "log"] = 28
		lim["traffic", "replay"] = 7; lim["traffic", "log"] = 10
	}
	NR == 1 { next }
	{
		k = $1 SUBSEP $2; c = $6 + $7; pk[$1] = $4 > 0 ? $4 : 1
		if (!(k in best) || c < best[k]) best[k] = c
		if (!(k in seen)) { seen[k] = 1; order[++n] = k }
		if ($9 != 0) bad[k] = $9
	}
	END {
		for (i = 1; i <= n; i++) {
			split(order[i], kk, SUBSEP)
			fl = best[kk[1], "floor"]; r = fl > 0 ? best[order[i]] / fl : 0
			l = max != "" ? max : ((kk[1], kk[2]) in lim) ? lim[kk[1], kk[2]] * slack : ""
			printf "  %-8s %-7s %8.1f ns/pkt CPU  %6.2fx", kk[1], kk[2], best[order[i]] / pk[kk[1]], r
			if (kk[2] != "floor" && l != "")
				printf "  (limit %gx)", l
			printf "\n"
			if (order[i] in bad) { printf "FAIL: %s %s: nke-replay exit %s\n", kk[1], kk[2], bad[order[i]]; fail = 1 }
			else if (kk[2] != "floor" && l != "" && r > l) { printf "FAIL: %s %s: %.2fx > %gx\n", kk[1], kk[2], r, l; fail = 1 }
		}
		exit fail
	}' "$RAW" || {
		for v in $VARIANTS; do
			for c in $CAPTURES; do
				[ ! -s "$RESULTS/logs/$c.$v.err" ] || { echo "--- $c $v stderr:"; tail -5 "$RESULTS/logs/$c.$v.err"; }
			done
		done
		exit 1
	}
	echo "PASS"
	exit 0
fi

# --- Instruction counts ------------------------------------------------------
CGSUM=$RESULTS/callgrind.tsv
if [ $CALLGRIND -eq 1 ]; then
	command -v valgrind >/dev/null || { echo "bench/run.sh: --callgrind needs valgrind" >&2; exit 1; }
	mkdir -p "$RESULTS/callgrind"
	printf 'capture\tvariant\tpackets\tinstructions\tbase_instructions\tinstr_per_pkt\tratio\n' >"$CGSUM"
	for c in $CAPTURES; do
		[ "$c" != large ] || continue # the same pattern as traffic
		"$GEN" head "$DATA/$c.pcap" "$TMP/cg.pcap" "$CG_PACKETS" >/dev/null
		"$GEN" head "$DATA/$c.pcap" "$TMP/cg1.pcap" 1 >/dev/null
		n=$("$FLOOR" "$TMP/cg.pcap" | awk '{ print $2 }')
		echo "$c: callgrind over the first $n packets" >&2
		for v in $VARIANTS; do
			for which in cg cg1; do
				out=$RESULTS/callgrind/$c.$v.$which.out
				# shellcheck disable=SC2046
				valgrind --tool=callgrind --callgrind-out-file="$out" \
					$(variant_cmd $v "$TMP/$which.pcap") \
					>/dev/null 2>"$RESULTS/logs/$c.$v.callgrind.err" || true
			done
			ir=$(awk '/^(summary|totals):/ { print $2; exit }' "$RESULTS/callgrind/$c.$v.cg.out")
			ir1=$(awk '/^(summary|totals):/ { print $2; exit }' "$RESULTS/callgrind/$c.$v.cg1.out")
			printf '%s\t%s\t%s\t%s\t%s\n' "$c" "$v" "$n" "$ir" "$ir1" >>"$TMP/cg.tsv"
		done
	done
	# Per packet: (instructions over N packets - over 1 packet) / (N - 1),
	# the start-up (dlopen, kext start, stop, summary) taken out.
	awk -F'\t' -v OFS='\t' '
	{ ipp = ($5 != "" && $3 > 1) ? ($4 - $5) / ($3 - 1) : $4 / $3
	  if ($2 == "floor") f[$1] = ipp
	  printf "%s\t%s\t%s\t%s\t%s\t%.1f\t%.2f\n", $1, $2, $3, $4, $5, ipp, ipp / f[$1] }
	' "$TMP/cg.tsv" >>"$CGSUM"
fi

# --- Report ------------------------------------------------------------------
cpu=$(LC_ALL=C lscpu 2>/dev/null | awk -F': *' '
	/^Model name:/ { m = $2 } /^CPU family:/ { f = $2 } /^Model:/ { mo = $2 }
	/^Hypervisor vendor:/ { h = $2 }
	END { if (m != "") printf "%s (family %s, model %s%s)", m, f, mo, h != "" ? ", " h " guest" : "" }')
[ -n "$cpu" ] || cpu=$(sysctl -n machdep.cpu.brand_string 2>/dev/null || uname -m)
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo "?")
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)
cc=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" | head -1)
ccver=$("${cc:-cc}" --version 2>/dev/null | head -1)
btype=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" | head -1)
san=$(sed -n 's/^NKE_SANITIZERS:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" | head -1)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")
# Sources that differ from the commit (other work in progress) are said.
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
	commit="$commit (with uncommitted changes)"
fi
date=$(date -u +%Y-%m-%dT%H:%MZ)
{
	echo "date	$date"
	echo "commit	$commit"
	echo "cpu	$cpu"
	echo "cores	$ncpu"
	echo "memory	$mem"
	echo "kernel	$(uname -sr)"
	echo "compiler	$ccver"
	echo "build	${btype:-?}${san:+, sanitizers $san}"
	echo "libpcap	$("$FLOOR" --version)"
	echo "kext	$(basename "$KEXT") ($HOOKS)"
	echo "runs	$RUNS"
	echo "load	$LOAD_BEFORE (1/5/15 min load average before the runs)"
} >"$RESULTS/machine.tsv"

# JSON: the machine, the medians and (if run) the instruction counts.
awk -F'\t' '
function js(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
FILENAME ~ /machine.tsv$/ { m[++nm] = js($1) ": " js($2); next }
FILENAME ~ /summary.tsv$/ && FNR > 1 {
	r[++nr] = sprintf("{\"capture\": %s, \"variant\": %s, \"packets\": %s, \"runs\": %s, " \
	    "\"wall_ns\": %s, \"cpu_ns\": %s, \"ns_per_pkt\": %s, \"cpu_ns_per_pkt\": %s, " \
	    "\"pkts_per_s\": %s, \"ratio\": %s, \"cpu_ratio\": %s, \"peak_rss_kib\": %s, " \
	    "\"status\": %s, \"ratio_min\": %s, \"ratio_max\": %s}", js($1), js($2), $3, $4, $5,
	    $6, $7, $8, $9, $10, $11, $12, js($13), $14, $15)
	next
}
FILENAME ~ /callgrind.tsv$/ && FNR > 1 {
	g[++ng] = sprintf("{\"capture\": %s, \"variant\": %s, \"packets\": %s, " \
	    "\"instructions\": %s, \"instr_per_pkt\": %s, \"ratio\": %s}",
	    js($1), js($2), $3, $4, $6, $7)
}
END {
	printf "{\n  \"machine\": {"
	for (i = 1; i <= nm; i++) printf "%s%s", (i > 1 ? ", " : ""), m[i]
	printf "},\n  \"results\": [\n"
	for (i = 1; i <= nr; i++) printf "    %s%s\n", r[i], (i < nr ? "," : "")
	printf "  ],\n  \"callgrind\": ["
	for (i = 1; i <= ng; i++) printf "%s\n    %s", (i > 1 ? "," : ""), g[i]
	printf "%s]\n}\n", (ng ? "\n  " : "")
}' "$RESULTS/machine.tsv" "$SUMMARY" $( [ $CALLGRIND -eq 1 ] && echo "$CGSUM" ) \
	>"$RESULTS/summary.json"

echo
sed 's/\t/: /' "$RESULTS/machine.tsv"
echo
echo "Wall time, median of $RUNS runs; ratio = replay / floor in the same run set."
echo "replay: default flags (summary on stderr; the capture read ahead on a second"
echo "core); 1 thread: the same with --read-thread off; -q: quiet (no summary); +log:"
echo "--log /dev/null (text verdict log)."
awk -F'\t' '
NR == 1 { next }
{
	c = $1; v = $2
	if (!(c in seen)) { seen[c] = 1; caps[++nc] = c; pk[c] = $3 }
	ns[c, v] = $7; ra[c, v] = $10; cra[c, v] = $11; rss[c, v] = $12; st[c, v] = $13
	pps[c, v] = $9; lo[c, v] = $14; hi[c, v] = $15
}
function cell(c, v) {
	if (!((c, v) in ns)) return sprintf("%18s", "-")
	return sprintf("%9.1f (%5.2fx)%s", ns[c, v], ra[c, v], st[c, v] == "ok" ? " " : "!")
}
END {
	printf "%-8s %9s %9s %10s %18s %18s %18s %18s %s\n", "capture", "packets", "floor",
	    "floor", "replay", "replay 1 thread", "replay -q", "replay +log", "peak RSS MiB"
	printf "%-8s %9s %9s %10s %18s %18s %18s %18s %s\n", "", "", "ns/pkt", "Mpkt/s",
	    "ns/pkt (ratio)", "ns/pkt (ratio)", "ns/pkt (ratio)", "ns/pkt (ratio)",
	    "floor/replay/-q/+log"
	for (i = 1; i <= nc; i++) {
		c = caps[i]
		printf "%-8s %9d %9.1f %10.2f %s %s %s %s %.1f/%.1f/%.1f/%.1f\n", c, pk[c],
		    ns[c, "floor"], pps[c, "floor"] / 1e6, cell(c, "replay"), cell(c, "single"),
		    cell(c, "quiet"), cell(c, "log"), rss[c, "floor"] / 1024, rss[c, "replay"] / 1024,
		    rss[c, "quiet"] / 1024, rss[c, "log"] / 1024
	}
	printf "\nCPU time (user + system, every thread), ratio to the floor:\n"
	for (i = 1; i <= nc; i++) {
		c = caps[i]
		printf "%-8s replay %.2fx, 1 thread %.2fx, -q %.2fx, +log %.2fx\n", c,
		    cra[c, "replay"], cra[c, "single"], cra[c, "quiet"], cra[c, "log"]
	}
	printf "\nSpread: wall-time ratio of the fastest - slowest run:\n"
	for (i = 1; i <= nc; i++) {
		c = caps[i]
		printf "%-8s replay %.2f-%.2fx, 1 thread %.2f-%.2fx, -q %.2f-%.2fx, +log %.2f-%.2fx\n",
		    c, lo[c, "replay"], hi[c, "replay"], lo[c, "single"], hi[c, "single"],
		    lo[c, "quiet"], hi[c, "quiet"], lo[c, "log"], hi[c, "log"]
	}
}' "$SUMMARY"
if awk -F'\t' 'NR > 1 && $13 != "ok" { bad = 1 } END { exit !bad }' "$SUMMARY"; then
	echo "! = nke-replay did not exit 0 in some run (see $RESULTS/logs/)"
fi
if [ $CALLGRIND -eq 1 ]; then
	echo
	echo "Instructions per packet (callgrind; first $CG_PACKETS packets, start-up subtracted):"
	awk -F'\t' 'NR > 1 { printf "  %-8s %-7s %10.1f instr/pkt  %6.2fx\n", $1, $2, $6, $7 }' "$CGSUM"
fi
echo
echo "results: $RESULTS/summary.tsv, summary.json, runs.tsv"
