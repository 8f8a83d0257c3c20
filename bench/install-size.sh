#!/usr/bin/env bash
# What `./lab test` and `./lab demo` would install on this machine, with and without recommended packages, in apt's
# own figures (--print-uris: nothing is downloaded or installed): new packages, archives to download, disk used.
# Run it on a fresh machine (before ./lab test installed anything) to see what a user's first run costs.
#   bench/install-size.sh              the launcher's own package lists
#   bench/install-size.sh PACKAGE...   any other set
set -euo pipefail
cd "$(dirname "$0")/.."

row() { # label, then apt-get options and packages
  local label="$1" out new dl disk
  shift
  out=$(LC_ALL=C apt-get install --print-uris -y "$@" 2>&1 | grep -v "^'")
  new=$(sed -n 's/^.* upgraded, \([0-9]*\) newly installed.*/\1/p' <<<"$out")
  dl=$(sed -n 's|^Need to get .*/\(.*\) of archives.*|\1|p; s|^Need to get \([^/]*\) of archives.*|\1|p' <<<"$out" | head -1)
  disk=$(sed -n 's/^After this operation, \(.*\) of additional disk space.*/\1/p' <<<"$out")
  printf '%-30s %-26s %5s %12s %12s\n' "$label" "$1" "${new:-0}" "${dl:-0 B}" "${disk:-0 B}"
}

if (($# > 0)); then
  sets=("$*")
  labels=("given")
else
  LAB_SOURCE_ONLY=1 . ./lab
  sets=("${TEST_PACKAGES[*]}" "${DEMO_PACKAGES[*]}")
  labels=("./lab test" "./lab demo")
fi
printf '%-30s %-26s %5s %12s %12s\n' "packages" "apt-get install" "new" "download" "disk"
for i in "${!sets[@]}"; do
  # shellcheck disable=SC2086
  row "${labels[$i]}" --install-recommends ${sets[$i]}
  # shellcheck disable=SC2086
  row "${labels[$i]}" --no-install-recommends ${sets[$i]}
done
