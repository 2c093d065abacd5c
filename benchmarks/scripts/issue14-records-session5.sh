#!/usr/bin/env bash
# Issue 14 goal 5, records session 5: BEFORE (main) against AFTER (branch records5), alternating in
# one run at nice -n -20. Usage: [COLD_ONLY=1] issue14-records-session5.sh BEFORE.jar AFTER.jar [ROUNDS]
# - warm: Issue14Bench `scan` of many-tensors.pt in one JVM, PARALLELISM=1 (process CPU, median of
#   RUNS after WARMUP, BATCH scans a run), and ScanPhases' "map + zip parse" (thread CPU);
# - cold: the CLI's `scan` of the 120 small checkpoints, one JVM each time, with the launcher's JVM
#   options and no class-data archive for either jar (perf stat task-clock, all threads).
set -euo pipefail
before="$1" after="$2" rounds="${3:-5}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
javac -d "$work/ib" -cp "$before" "$here/Issue14Bench.java"
javac -d "$work/sp" -cp "$before" "$here/ScanPhases.java"
jvm=(-XX:+UseSerialGC -XX:-UsePerfData -Xlog:disable -Xlog:all=warning:stderr
  -XX:CompileThresholdScaling=10 -XX:CompileCommand=quiet
  "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.*::*,0.05"
  "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.SHA2*::*,0.002"
  "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.DigestBase::*,0.002")
uptime
for r in $(seq "$rounds"); do
  for side in before after; do
    jar="${!side}"
    if [[ -n "${COLD_ONLY:-}" ]]; then
      cold=$(nice -n -20 perf stat -x, -e task-clock java "${jvm[@]}" -jar "$jar" scan /work/bench/ckpt/small \
        2>&1 >/dev/null | grep task-clock | cut -d, -f1)
      echo "round $r $side: cold CLI scan small/ task-clock $cold ms"
      continue
    fi
    warm=$(RUNS=11 WARMUP=5 BATCH=5 PARALLELISM=1 nice -n -20 java -XX:+UseSerialGC \
      -cp "$work/ib:$jar" Issue14Bench scan /work/bench/ckpt/many-tensors.pt | grep -o 'median cpu [0-9.]* ms')
    parse=$(nice -n -20 java -XX:+UseSerialGC -cp "$work/sp:$jar" dev.safeload.internal.ScanPhases \
      /work/bench/ckpt/many-tensors.pt | grep -E '^(map \+ zip parse  |map \+ handler)' | sed 's/  */ /g' | tr '\n' ';')
    cold=$(nice -n -20 perf stat -x, -e task-clock java "${jvm[@]}" -jar "$jar" scan /work/bench/ckpt/small \
      2>&1 >/dev/null | grep task-clock | cut -d, -f1)
    echo "round $r $side: many-tensors scan $warm | $parse | cold CLI scan small/ task-clock $cold ms"
  done
done
uptime
