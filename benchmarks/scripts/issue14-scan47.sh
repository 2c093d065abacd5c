#!/usr/bin/env bash
# Issue 14, goal 5: the in-process scan of the 47 MB checkpoint, BEFORE and AFTER jars alternating
# in one run (results: benchmarks/results/issue14-scan47-session5.md).
#
#   benchmarks/scripts/issue14-scan47.sh BEFORE_JAR AFTER_JAR CHECKPOINT [ROUNDS]
#
# CHECKPOINT: resnet18.pt from benchmarks/scripts/make-checkpoints.py. Each round starts one JVM per
# jar and mode (order alternating between rounds): Issue14Bench `scan` with the default parallelism
# (2 on the development VM: the file is validated on a second thread while it is hashed, from this
# session on), `scan` with PARALLELISM=1 (everything on the calling thread: the CPU cost without
# overlap), and `sha` (JDK SHA-256 of the file, the floor) once per round. Each JVM warms up with 300
# scans and reports medians of 11 batches of 10 scans (process CPU, all threads; wall). Run at
# nice -n -20 (as root); the load average is printed before each JVM.
set -euo pipefail
before=$1 after=$2 ckpt=$3 rounds=${4:-5}
root=$(cd "$(dirname "$0")/../.." && pwd)
bench() {
  local jar=$1; shift
  printf '%-6s load %s | ' "$label" "$(cut -d' ' -f1-3 /proc/loadavg)"
  env RUNS=11 WARMUP=300 BATCH=10 "$@" nice -n -20 java -XX:+UseSerialGC -cp "$jar" \
    "$root/benchmarks/scripts/Issue14Bench.java" "${mode[@]}"
}
for ((r = 1; r <= rounds; r++)); do
  echo "# round $r"
  if ((r % 2)); then order=(before after); else order=(after before); fi
  for label in "${order[@]}"; do
    jar=$before; [[ $label == after ]] && jar=$after
    mode=(scan "$ckpt"); bench "$jar"
    mode=(scan "$ckpt"); bench "$jar" PARALLELISM=1
  done
  label=jdk; mode=(sha "$ckpt"); bench "$after"
done
