#!/usr/bin/env bash
# Random fault/heal cycles with a second process reading and writing the lab's state meanwhile (StressIT): 50 on a
# 3-member local lab and 20 on a netns lab (root) by default. Every cycle must end healed (each member serves a
# linearizable read and applies the same write, no rule left, state.json whole), and lab down must leave nothing.
#   bench/stress.sh [LOCAL_CYCLES] [NETNS_CYCLES] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
./lab --help >/dev/null   # builds the jar when needed
mvn -B -q test-compile >/dev/null
log=$(mktemp)
if mvn -B failsafe:integration-test failsafe:verify -Dit.test=StressIT -Dlab.stress.local="${1:-50}" \
    -Dlab.stress.netns="${2:-20}" -Dlab.stress.seed="${3:-1}" >"$log" 2>&1; then
  grep -E "fault/heal cycles|Tests run:.*StressIT|Skipped: [1-9]" "$log"
  echo "PASS"
else
  grep -E "fault/heal cycles|FAIL|Condition|expected|Tests run:" "$log" | head -20
  echo "FAIL (whole log: $log)"
  exit 1
fi
rm -f "$log"
