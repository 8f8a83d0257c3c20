#!/usr/bin/env bash
# Start-up of `./lab --help` on a built tree, against the JVM alone (`java -version` with the same flags),
# measured side by side in one run (interleaved): median of N runs each. Target: within 4x the JVM alone.
#   bench/startup.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-15}"
./lab --help >/dev/null   # builds the jar and the CDS archive when needed

. bench/lib.sh
time_ms() {
  local s e
  s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
  echo $(((e - s) / 1000000))
}
flags=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
# interleaved, so that a noisy moment of the machine hits all three alike
b=(); c=(); l=()
for _ in $(seq "$n"); do
  b+=("$(time_ms java "${flags[@]}" -version)")
  c+=("$(time_ms java "${flags[@]}" -jar target/lab.jar --help)")
  l+=("$(time_ms ./lab --help)")
done
base=$(printf '%s\n' "${b[@]}" | median)
nocds=$(printf '%s\n' "${c[@]}" | median)
lab=$(printf '%s\n' "${l[@]}" | median)
printf '%-44s %8s %8s\n' "what (median of $n)" "ms" "ratio"
printf '%-44s %8s %8s\n' "baseline: java -version (same flags)" "$base" "1.00"
printf '%-44s %8s %8.2f\n' "java -jar target/lab.jar --help (no CDS)" "$nocds" "$(echo "$nocds / $base" | bc -l)"
printf '%-44s %8s %8.2f\n' "./lab --help (launcher + AppCDS)" "$lab" "$(echo "$lab / $base" | bc -l)"
