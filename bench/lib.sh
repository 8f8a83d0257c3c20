# Shared by the bench scripts: sourced, not run.
# median: the median of the numbers on stdin, one per line.
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# time_ms CMD...: wall milliseconds of one run of CMD (its output and failure ignored).
time_ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
# lab_workdir: builds first (outside any measurement), then a temporary folder with a Global=true unit file
# (node-exporter.service), made the current folder; every lab in it goes when the script exits.
lab_workdir() {
  ./lab --help >/dev/null
  lab="$PWD/lab"
  work="$(mktemp -d)"
  trap 'cd "$work" && for l in $(ls .lab 2>/dev/null); do "$lab" down --name "$l" >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
  cd "$work"
  printf '%s\n' '[Service]' "ExecStart=/bin/sh -c 'while true; do sleep 1; done'" '' '[X-Fleet]' 'Global=true' \
    > node-exporter.service
}
# compare TITLE BASE_LABEL "BASE_RUNS" LABEL "RUNS": the medians of two interleaved series in ms and their ratio.
compare() {
  local bm om
  bm=$(tr ' ' '\n' <<<"$3" | median)
  om=$(tr ' ' '\n' <<<"$5" | median)
  printf '%-58s %8s %7s\n' "$1" "ms" "ratio"
  printf '%-58s %8s %7s\n' "baseline: $2" "$bm" "1.00"
  printf '%-58s %8s %7.2f\n' "$4" "$om" "$(echo "$om / $bm" | bc -l)"
  printf 'runs: %s | %s\n' "$3" "$5"
}
