#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# demo.sh BUILD_DIR [nke-replay args...] - the project's main job, run by
# `scripts/nke demo`: replay a bundled capture through the example kexts and
# print what they did.  Outputs go to BUILD_DIR/demo/.
set -euo pipefail

build=${1:?usage: demo.sh BUILD_DIR [nke-replay args...]}
shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
capture="$root/fixtures/captures/19_mixed-v4v6-tcp-udp.pcap"
out="$build/demo"
mkdir -p "$out"

# The example kexts of filters/ (docs/examples.md), in load order: an
# interface filter that counts frames, an IP firewall that drops inbound
# connection attempts to ports 23 and 80, a rewriter that changes
# "Mozilla/5.0" into "Mozilla/4.0" in payloads, and a socket filter that
# logs each TCP connection to its kernel control (nke-replay plays the
# control's client) and holds every piece of stream data for 10 ms.  (The
# fifth example, delay, holds every IP packet for 50 ms: replay it on its
# own, `nke-replay -r CAPTURE --kext $build/kexts/delay.nke.so`; with a
# socket filter in an open-loop replay it makes the capture's replies
# precede the requests they answer.)
names=(framelog firewall rewriter tcplog)
kexts=()
for k in "${names[@]}"; do
	[ -f "$build/kexts/$k.nke.so" ] || { echo "demo.sh: $build/kexts/$k.nke.so is missing (build first)" >&2; exit 2; }
	kexts+=(--kext "$build/kexts/$k.nke.so")
done

echo "nkesim demo: replaying $(basename "$capture") through ${#names[@]} example kexts: ${names[*]}" >&2
echo >&2
set +e
"$build/pcap_replay/nke-replay" -r "$capture" "${kexts[@]}" \
	-w "$out/out.pcapng" --annotate "$out/annotated.pcapng" \
	--log "$out/verdicts.log" --console "$out/console.log" \
	--ctl "com.nkesim.example.tcplog=$out/tcplog.ctl" "$@"
rc=$?
set -e
echo >&2
if [ -f "$out/verdicts.log" ]; then
	echo "what the kexts did (from $out/verdicts.log):" >&2
	printf '  %-42s %s\n' "filter at hook" "verdicts" >&2
	awk '$5 != "-" && $4 ~ /^(iff_input|iff_output|ipf_input|ipf_output|sf_data_in|sf_data_out)$/ {
		v = $7; sub(/:.*/, "", v); n[$6 " at " $4 " " v]++
	} END { for (k in n) print k, n[k] }' "$out/verdicts.log" | sort |
		awk '{ printf "  %-42s %s %s\n", $1 " " $2 " " $3, $4, $5 }' >&2
	echo "  dropped packets:" >&2
	grep ' drop:' "$out/verdicts.log" | grep -v ' stack ' | head -n 5 | sed 's/^/    /' >&2 || true
fi
if [ -f "$out/tcplog.ctl" ]; then
	# The client's file is a hex dump of each message: the records are text.
	echo "TCP connections, as tcplog's control client received them ($out/tcplog.ctl):" >&2
	awk 'BEGIN { for (i = 0; i < 256; i++) hex[sprintf("%02x", i)] = i }
	/^#?[0-9a-z]+ recv / { if (line != "") print "  " line; line = "" }
	/^  [0-9a-f][0-9a-f][0-9a-f][0-9a-f]  / {
		for (i = 2; i <= NF && $i !~ /^\|/; i++)
			if ($i in hex && hex[$i] != 10) line = line sprintf("%c", hex[$i])
	}
	END { if (line != "") print "  " line }' "$out/tcplog.ctl" >&2
fi
if [ -f "$out/console.log" ]; then
	echo "kext console ($out/console.log):" >&2
	sed 's/^/  /' "$out/console.log" >&2
fi
echo >&2
echo "outputs in $out/:" >&2
echo "  out.pcapng        what left the simulated host (open it in Wireshark)" >&2
echo "  annotated.pcapng  every packet, with a comment naming its verdicts" >&2
echo "  verdicts.log      one line per filter verdict (docs/log-format.md)" >&2
echo "  console.log       what the kexts printed" >&2
echo "  tcplog.ctl        what tcplog's control client received (docs/kern_control.md)" >&2
exit $rc
