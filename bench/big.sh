#!/usr/bin/env bash
# A 60-node local lab (9 members + 50 workers, one Global=true fleet unit on all 59 machines), as the figures users
# feel: `lab up` (target: under 5 s), the first `lab fleet list-machines` (waits for the agents), `lab status`
# (target: within 1 s; median of N, against etcdctl's `endpoint status --cluster -w table` on the same 9 members,
# interleaved), `lab fleet list-units` (one row per machine), the whole lab's resident memory (`lab ls`) and
# `lab down` (nothing left behind).
#   bench/big.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-11}"
. bench/lib.sh
lab_workdir
cat > lab.yaml <<'SPEC'
name: big
nodes: 9
groups:
  - role: worker
    count: 50
    name-prefix: worker
    metadata: role=worker
SPEC
ms() { echo $((($2 - $1) / 1000000)); }
s=$(date +%s%N); "$lab" up >/dev/null; e=$(date +%s%N); up=$(ms "$s" "$e")
s=$(date +%s%N); machines=$("$lab" fleet list-machines --no-legend 2>/dev/null | wc -l); e=$(date +%s%N)
lm=$(ms "$s" "$e")
"$lab" fleet start node-exporter.service >/dev/null
for _ in $(seq 300); do
  (( $("$lab" fleet list-units --no-legend | grep -c running || true) >= 59 )) && break
  sleep 0.2
done
rows=$("$lab" fleet list-units --no-legend | grep -c running || true)
eps=$(python3 -c "import json;s=json.load(open('.lab/big/state.json'));print(','.join('http://'+n['address']+':2379' for n in s['nodes'] if n['role']=='member'))")
b=(); l=()
for _ in $(seq "$n"); do
  b+=("$(time_ms env ETCDCTL_API=3 etcdctl --endpoints="$eps" endpoint status --cluster -w table)")
  l+=("$(time_ms "$lab" status)")
done
bm=$(printf '%s\n' "${b[@]}" | median); sm=$(printf '%s\n' "${l[@]}" | median)
memory=$("$lab" ls | awk -F'|' '/ big /{gsub(/ /,"",$8); print $8}')
pids=$(python3 -c "import json;s=json.load(open('.lab/big/state.json'));print(' '.join(str(n['pid']) for n in s['nodes'] if n['pid'])+' '+str(s['daemonPid']))")
s=$(date +%s%N); "$lab" down >/dev/null; e=$(date +%s%N); down=$(ms "$s" "$e")
left=0
for p in $pids; do [[ -e /proc/$p/stat && "$(awk '{print $3}' /proc/$p/stat)" != Z ]] && left=$((left + 1)); done
printf '%-58s %8s %7s\n' "9 members + 50 workers, one global unit" "ms" "ratio"
printf '%-58s %8s\n' "lab up" "$up"
printf '%-58s %8s   (%s machines listed)\n' "first lab fleet list-machines (agents starting)" "$lm" "$machines"
printf '%-58s %8s %7s\n' "baseline: etcdctl endpoint status --cluster (median of $n)" "$bm" "1.00"
printf '%-58s %8s %7.2f\n' "lab status (median of $n)" "$sm" "$(echo "$sm / $bm" | bc -l)"
printf '%-58s %8s\n' "lab fleet list-units rows running the global unit" "$rows"
printf '%-58s %8s\n' "resident memory of the lab (daemon, members, units)" "$memory"
printf '%-58s %8s   (%s recorded process(es) left)\n' "lab down" "$down" "$left"
printf 'status runs: etcdctl %s | lab %s\n' "${b[*]}" "${l[*]}"
