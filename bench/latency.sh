#!/usr/bin/env bash
# Command latency on a running 3-member local lab, wall time from the shell, median of N each, interleaved, against
# etcdctl's own `endpoint status --cluster -w table` on the same lab (the baseline, same run). Each lab command is
# measured as users run it (forwarded to the lab's warm daemon) and, for status, also in its own JVM (LAB_DIRECT=1).
# Target: 0.25 s median for the lab commands.
#   bench/latency.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-15}"
./lab --help >/dev/null               # build first, outside the measurement
work="$(mktemp -d)"
lab="$PWD/lab"
trap 'cd "$work" && "$lab" down --name lat >/dev/null 2>&1; rm -rf "$work"' EXIT
. bench/lib.sh
cd "$work"
"$lab" up --name lat >/dev/null
sleep 4                               # the daemon warms its command path 3 s after start
eps=$(python3 -c "import json;s=json.load(open('.lab/lat/state.json'));print(','.join('http://'+n['address']+':2379' for n in s['nodes']))")
declare -A t
cmds=(
  "etcdctl|env ETCDCTL_API=3 etcdctl --endpoints=$eps endpoint status --cluster -w table"
  "lab status|$lab status --name lat"
  "lab status (LAB_DIRECT=1, own JVM)|env LAB_DIRECT=1 $lab status --name lat"
  "lab node start core-01 (running: no-op)|$lab node start core-01 --name lat"
  "lab net heal|$lab net heal --name lat"
  "lab member list|$lab member list --name lat"
  "lab etcdctl -- endpoint status|$lab etcdctl --name lat -- endpoint status"
  "lab fleet list-machines|$lab fleet list-machines --name lat"
  "lab ls|$lab ls"
)
"$lab" fleet list-machines --name lat >/dev/null   # fleet's agents start on first use: not in the figures
for _ in $(seq "$n"); do
  for c in "${cmds[@]}"; do
    name="${c%%|*}"; cmd="${c#*|}"
    t[$name]+="$(time_ms $cmd) "
  done
done
base=$(printf '%s\n' ${t[etcdctl]} | median)
printf '%-44s %8s %7s\n' "what (3 members, median of $n)" "ms" "ratio"
for c in "${cmds[@]}"; do
  name="${c%%|*}"
  m=$(printf '%s\n' ${t[$name]} | median)
  printf '%-44s %8s %7.2f\n' "$([[ $name == etcdctl ]] && echo "baseline: etcdctl endpoint status --cluster" || echo "$name")" "$m" "$(echo "$m / $base" | bc -l)"
done
