#!/usr/bin/env bash
# Issue 14, goal 4: load with COPY_TO_MEMORY and PRIVATE_FILE against a scan of the same file,
# BEFORE and AFTER jars alternating in one run (results: benchmarks/results/issue14-delivery-session5.md).
#
#   benchmarks/scripts/issue14-delivery-step.sh BEFORE_JAR AFTER_JAR FILE [ROUNDS] [EXTRA_STEP]
#
# FILE: a 256 MiB safetensors from benchmarks/scripts/make-safetensors.py. Each round starts one JVM
# per jar and mode (order swapped between rounds): Issue14Bench `scan`, `load COPY_TO_MEMORY`,
# `load PRIVATE_FILE`. EXTRA_STEP (bytes, optional) adds the AFTER jar with
# -Dsafeload.bench.step=EXTRA_STEP (a measurement-only build that reads the step from that property).
# Each JVM warms up with WARMUP loads and reports medians of RUNS batches of BATCH (process CPU, all
# threads; wall). Run at nice -n -20 (as root); the load average is printed before each JVM.
set -euo pipefail
before=$1 after=$2 file=$3 rounds=${4:-3} extra=${5:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
bench() {
  local jar=$1; shift
  printf '%-8s load %s | ' "$label" "$(cut -d' ' -f1-3 /proc/loadavg)"
  env RUNS=${RUNS:-9} WARMUP=${WARMUP:-4} BATCH=${BATCH:-3} nice -n -20 java -XX:+UseSerialGC "$@" \
    -cp "$jar" "$root/benchmarks/scripts/Issue14Bench.java" "${mode[@]}"
}
labels=(before after)
[[ -n $extra ]] && labels+=(after$((extra >> 10))k)
for ((r = 1; r <= rounds; r++)); do
  echo "# round $r"
  order=("${labels[@]}")
  if ((r % 2 == 0)); then order=(); for ((i = ${#labels[@]} - 1; i >= 0; i--)); do order+=("${labels[i]}"); done; fi
  for label in "${order[@]}"; do
    jar=$after; props=()
    [[ $label == before ]] && jar=$before
    [[ $label == after?* ]] && props=(-Dsafeload.bench.step=$extra)
    for m in "scan" "load COPY_TO_MEMORY" "load PRIVATE_FILE"; do
      read -ra mm <<<"$m"; mode=("${mm[0]}" "$file" "${mm[@]:1}")
      bench "$jar" "${props[@]}"
    done
  done
done
