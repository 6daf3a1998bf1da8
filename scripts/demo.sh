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

kexts=()
for k in passthru dropper; do
	kexts+=(--kext "$build/kexts/$k.nke.so")
done

echo "nkesim demo: replaying $(basename "$capture") through ${#kexts[@]} kexts" >&2
echo "  outputs: $out/{out.pcapng,annotated.pcapng,verdicts.log,console.log}" >&2
set +e
"$build/pcap_replay/nke-replay" -r "$capture" "${kexts[@]}" \
	-w "$out/out.pcapng" --annotate "$out/annotated.pcapng" \
	--log "$out/verdicts.log" --console "$out/console.log" "$@"
rc=$?
set -e
echo >&2
echo "first verdict lines ($out/verdicts.log):" >&2
head -n 8 "$out/verdicts.log" >&2
echo "kext console ($out/console.log):" >&2
head -n 8 "$out/console.log" >&2
exit $rc
