#!/usr/bin/env bash
# The linearizability checker over src/test/resources/conformance/porcupine (52 Jepsen etcd files, 6 kv files): per file and
# total after JVM warm-up (best of N), next to Porcupine's figures on this machine. Target: at least as fast.
#   bench/checker.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
./lab --help >/dev/null
exec java -Xmx2g -cp "target/lab.jar:target/lib/*" bench/CheckerBench.java src/test/resources/conformance/porcupine "${1:-5}"
