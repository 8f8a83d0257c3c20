#!/usr/bin/env bash
# Seeded chaos runs: lab chaos on 3 and on 5 members, N seeds each (default 10, 60 s each: about 25 minutes),
# linearizable reads and every history check; every run must pass (no false alarm), and seed 1 run again must draw
# the same faults. `bench/chaos.sh long [10m]`: one long run and the checker's time on its history.
#   bench/chaos.sh [N] [DURATION]   |   bench/chaos.sh long [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
./lab --help >/dev/null               # build first, outside the measurement
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >/dev/null
exec java -cp "target/lab.jar:$(cat target/test-classpath.txt)" bench/ChaosBench.java "$@"
