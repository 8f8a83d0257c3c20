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
