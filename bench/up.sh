#!/usr/bin/env bash
# `lab up` (3 members, to a healthy quorum) against bench/plain-up.sh (the same three etcd processes started by
# hand, polling `etcdctl endpoint health`), interleaved in one run; median of N each. Target: lab within 1.5x.
# Then the time to a new leader after killing the leader, as `lab demo` measures it (median of N).
#   bench/up.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-5}"
./lab --help >/dev/null               # build first, outside the measurement
work="$(mktemp -d)"
trap 'cd /; for l in $(ls "$work/.lab" 2>/dev/null); do "$OLDPWD/lab" down --name "$l" >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
lab="$PWD/lab"
plain="$PWD/bench/plain-up.sh"
. bench/lib.sh
p=(); l=(); e=()
for i in $(seq "$n"); do
  p+=("$("$plain" "$work/plain" | awk '{print $3}')")
  s=$(date +%s%N); (cd "$work" && "$lab" up --name bench >/dev/null); t=$(date +%s%N)
  l+=($(((t - s) / 1000000)))
  (cd "$work" && "$lab" down --name bench >/dev/null)
  e+=("$(cd "$work" && "$lab" demo --name benchdemo | sed -n 's/.*elected \([0-9.]*\) s after the kill.*/\1/p' | awk '{print int($1*1000)}')")
done
pm=$(printf '%s\n' "${p[@]}" | median)
lm=$(printf '%s\n' "${l[@]}" | median)
em=$(printf '%s\n' "${e[@]}" | median)
printf '%-58s %8s %7s\n' "3 members to a healthy quorum (median of $n)" "ms" "ratio"
printf '%-58s %8s %7s\n' "baseline: plain script + etcdctl endpoint health polling" "$pm" "1.00"
printf '%-58s %8s %7.2f\n' "lab up (CLI start, render, daemon, proxies, readiness)" "$lm" "$(echo "$lm / $pm" | bc -l)"
printf 'runs: plain %s | lab %s\n' "${p[*]}" "${l[*]}"
printf '%-58s %8s\n' "time to new leader after SIGKILL of the leader (median)" "$em"
printf 'runs: %s (election timeout 1000 ms)\n' "${e[*]}"
