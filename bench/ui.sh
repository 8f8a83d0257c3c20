#!/usr/bin/env bash
# The live page (lab ui) in headless Chromium on a 3-member local lab: N leader kills, the time from etcd reporting
# the new leader to the page showing it (median; target under 0.5 s), the page's size and the daemon's added memory.
# Needs Debian's chromium and chromium-driver (./lab test installs them).
#   bench/ui.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
./lab --help >/dev/null
[[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] || { echo "bench/ui.sh needs chromium and chromium-driver (apt-get install --no-install-recommends chromium chromium-driver)" >&2; exit 4; }
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >/dev/null
exec java -cp "target/lab.jar:$(cat target/test-classpath.txt)" bench/UiBench.java "${1:-10}"
