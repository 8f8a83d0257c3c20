#!/usr/bin/env bash
# `lab up --provider netns` (3 members in network namespaces, each with its own sshd, etcd started over SSH) against
# `lab up --provider local` (3 loopback processes), interleaved in one run, each to a healthy quorum; median of N.
# Needs root. The ratio is netns over local: what the namespaces, the sshds and SSH round trips cost.
#   bench/netns-up.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-5}"
[ "$(id -u)" = 0 ] || { echo "bench/netns-up.sh needs root (network namespaces)" >&2; exit 4; }
./lab --help >/dev/null               # build first, outside the measurement
work="$(mktemp -d)"
lab="$PWD/lab"
trap 'cd "$work"; for l in $(ls "$work/.lab" 2>/dev/null); do "$lab" down --name "$l" >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
. bench/lib.sh
timed() { local s t; s=$(date +%s%N); (cd "$work" && "$lab" "$@" >/dev/null); t=$(date +%s%N); echo $(((t - s) / 1000000)); }
l=(); x=()
for i in $(seq "$n"); do
  l+=("$(timed up --name benchlocal --provider local)")
  (cd "$work" && "$lab" down --name benchlocal >/dev/null)
  x+=("$(timed up --name benchnetns --provider netns --subnet 10.77.99.0/24)")
  (cd "$work" && "$lab" down --name benchnetns >/dev/null)
done
compare "3 members to a healthy quorum (median of $n)" "lab up --provider local" "${l[*]}" \
  "lab up --provider netns (namespaces, sshd, SSH)" "${x[*]}"
