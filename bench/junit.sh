#!/usr/bin/env bash
# The JUnit 5 extension's start-up: a 3-member lab ready for the first test method (extension start to
# awaitHealthy, in a fresh JVM each time) next to `lab up` from the shell, interleaved in one run; median of N each.
# Target: no slower than lab up.
#   bench/junit.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
./lab --help >/dev/null               # build first, outside the measurement
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >/dev/null
exec java -cp "target/lab.jar:$(cat target/test-classpath.txt)" bench/JunitBench.java "${1:-10}"
