#!/usr/bin/env bash
# `lab down` of three lab shapes (3 members; 3 members + 10 workers; 9 members + 50 workers; the two with workers
# running a Global=true fleet unit on every machine), against the least a teardown can do, measured in the same
# run on the same shape: a shell that SIGKILLs every recorded process (members, daemon, every unit's process group),
# waits until they are gone and removes the lab's folder. Median of N each, interleaved. Also checks that nothing
# of the lab survives its `lab down`. Target: well under a second.
#   bench/teardown.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-3}"
. bench/lib.sh
lab_workdir

gone() { # PID: true when it is not running (a zombie does not run)
  [[ ! -e /proc/$1/stat ]] && return 0
  [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" == Z ]]
}
pids_of() { # every recorded PID of lab $1: members, daemon, unit process groups' leaders and their groups
  python3 - "$1" <<'PY'
import json, os, sys
root = os.path.join(".lab", sys.argv[1])
s = json.load(open(os.path.join(root, "state.json")))
pids = [n["pid"] for n in s["nodes"] if n["pid"]] + [s["daemonPid"]]
for node in os.listdir(os.path.join(root, "nodes")):
    units = os.path.join(root, "nodes", node, "units")
    if os.path.isdir(units):
        for f in os.listdir(units):
            if f.endswith(".pid"):
                pids.append(int(open(os.path.join(units, f)).read().split()[0]))
print(" ".join(str(p) for p in pids))
PY
}
bring_up() { # NAME MEMBERS WORKERS
  cat > lab.yaml <<SPEC
name: $1
nodes: $2
SPEC
  if (($3 > 0)); then
    printf 'groups:\n  - role: worker\n    count: %s\n    name-prefix: worker\n' "$3" >> lab.yaml
  fi
  "$lab" up >/dev/null
  if (($3 > 0)); then
    "$lab" fleet start node-exporter.service >/dev/null
    local want=$(($2 + $3)) i
    for i in $(seq 300); do
      (( $("$lab" fleet list-units --no-legend | grep -c running || true) >= want )) && break
      sleep 0.2
    done
  fi
}
ms() { echo $((($2 - $1) / 1000000)); }
printf '%-36s %9s %9s %7s %s\n' "lab down (median of $n)" "lab ms" "kill ms" "ratio" "left behind"
for shape in "3 0" "3 10" "9 50"; do
  set -- $shape
  l=(); k=(); left=0
  for _ in $(seq "$n"); do
    bring_up "td" "$1" "$2"
    pids=$(pids_of td)
    s=$(date +%s%N); "$lab" down --name td >/dev/null; e=$(date +%s%N)
    l+=("$(ms "$s" "$e")")
    for p in $pids; do gone "$p" || left=$((left + 1)); done
    bring_up "td" "$1" "$2"
    pids=$(pids_of td)
    s=$(date +%s%N)
    for p in $pids; do kill -KILL -- "-$p" 2>/dev/null || true; kill -KILL "$p" 2>/dev/null || true; done
    for p in $pids; do while ! gone "$p"; do sleep 0.005; done; done
    rm -rf .lab/td
    e=$(date +%s%N)
    k+=("$(ms "$s" "$e")")
    # what the kill left the lab's way: its address block's registration, if any, goes with `lab down` of nothing
    "$lab" down --name td >/dev/null 2>&1 || true
  done
  lm=$(printf '%s\n' "${l[@]}" | median); km=$(printf '%s\n' "${k[@]}" | median)
  printf '%-36s %9s %9s %7.2f %s\n' "$1 members + $2 workers$( (($2)) && echo ', global unit')" "$lm" "$km" \
    "$(echo "$lm / $km" | bc -l)" "$left process(es)"
  printf '  runs: lab %s | kill %s\n' "${l[*]}" "${k[*]}"
done
