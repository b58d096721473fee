#!/usr/bin/env bash
# Runs the whole suite (.ci/run) while CPU hogs keep every core busy, to prove the tests depend on no
# scheduling luck: a test that fails only under load is a bug. Usage: eng/busy-test.sh [runs] (default 1);
# stops at the first failing run. Each run prints the suite's summary line, its wall time and the load average.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1}
cores=$(nproc)

hogs=()
stop_hogs() {
  for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null; done
  wait "${hogs[@]}" 2>/dev/null
}
trap stop_hogs EXIT INT TERM

# One busy loop per core, at normal priority: the suite competes for every core all the time.
for _ in $(seq "$cores"); do
  bash -c 'while :; do :; done' &
  hogs+=("$!")
done
echo "busy-test: $cores CPU hog(s) running; load: $(cut -d' ' -f1-3 /proc/loadavg)"

for run in $(seq "$runs"); do
  started=$(date +%s)
  log=$(mktemp)
  .ci/run >"$log" 2>&1
  status=$?
  summary=$(grep -E '^tests: ' "$log" | tail -1)
  echo "busy-test run $run/$runs: ${summary:-no summary} (exit $status) in $(( $(date +%s) - started )) s; load: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$status" -ne 0 ]; then
    grep -E '^\s+Failed |\[FAIL\]' "$log" | head -20
    echo "busy-test: full log kept at $log"
    exit "$status"
  fi
  rm -f "$log"
done
echo "busy-test: $runs run(s) in a row passed under load"
