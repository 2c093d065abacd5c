#!/usr/bin/env bash
# Issue 14, goal 4, session 6: the copying deliveries with the copy written on a second thread
# (CopyWriter), BEFORE and AFTER jars alternating (results: benchmarks/results/issue14-delivery-session6.md).
#
#   benchmarks/scripts/issue14-delivery-overlap.sh BEFORE_JAR AFTER_JAR FILE [ROUNDS] [variants|loads|huge|paired|all]
#
# FILE: a 256 MiB safetensors from benchmarks/scripts/make-safetensors.py, in the page cache.
# variants: DeliveryVariants.java (JDK only, one JVM per line, each line's variants alternate in that
#   JVM): the scan's floor, the single-threaded tmpfs copy, the same writing 1 MiB per write() (wide),
#   the pipelined copy with 256 KiB and 1 MiB buffers (pipe), and a heap array (heap) in a plain heap
#   and in a pre-touched transparent-huge-page heap.
# loads: issue14-delivery-step.sh over the two jars: per round one JVM per jar and mode (scan,
#   load COPY_TO_MEMORY, load PRIVATE_FILE), the jar order reversed every other round.
# huge: the loads again in a private mount namespace (unshare -m) whose /dev/shm is a fresh tmpfs
#   mounted huge=within_size (transparent huge pages for tmpfs files), as an operator could mount it;
#   the machine's own /dev/shm is not touched. Needs root.
# paired: DeliveryOverlap.java on the AFTER jar, one JVM per delivery and round: scan, pipelined
#   load (PARALLELISM 2) and inline load (PARALLELISM 1) interleaved operation by operation.
# Process CPU (all threads) and wall time; run as root for nice -n -20. The load average is printed.
set -euo pipefail
before=$1 after=$2 file=$3 rounds=${4:-3} what=${5:-all}
root=$(cd "$(dirname "$0")/../.." && pwd)
echo "# $(date -u +%FT%TZ) $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# THP anon: $(cat /sys/kernel/mm/transparent_hugepage/enabled), shmem: $(cat /sys/kernel/mm/transparent_hugepage/shmem_enabled)"
echo "# before $(sha256sum "$before" | cut -c1-12), after $(sha256sum "$after" | cut -c1-12), file $(stat -c %s "$file") bytes"
variants() {
  local env=("$@")
  printf 'load %s | %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" "${env[*]}"
  env RUNS=${VRUNS:-11} WARMUP=2 "${env[@]}" nice -n -20 java -XX:+UseSerialGC $JFLAGS \
    "$root/benchmarks/scripts/DeliveryVariants.java" "$file" /dev/shm $VARIANTS
}
if [[ $what == variants || $what == all ]]; then
  for ((r = 1; r <= rounds; r++)); do
    echo "## variants, round $r"
    JFLAGS="" VARIANTS="floor tmpfsw256 wide pipe floor tmpfsw256 wide pipe" variants PIPE_BUF=1048576
    JFLAGS="" VARIANTS="pipe tmpfsw256 pipe" variants PIPE_BUF=262144
    JFLAGS="-Xms1g -Xmx1g" VARIANTS="floor heap tmpfsw256" variants X=plain-heap
    JFLAGS="-Xms1g -Xmx1g -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch" \
      VARIANTS="floor heap tmpfsw256" variants X=thp-pretouched-heap
  done
fi
if [[ $what == loads || $what == all ]]; then
  echo "## loads"
  "$root/benchmarks/scripts/issue14-delivery-step.sh" "$before" "$after" "$file" "$rounds"
fi
if [[ $what == paired || $what == all ]]; then
  echo "## paired in one JVM (DeliveryOverlap, after jar)"
  for ((r = 1; r <= rounds; r++)); do
    for d in COPY_TO_MEMORY PRIVATE_FILE; do
      printf '# round %s, load %s\n' "$r" "$(cut -d' ' -f1-3 /proc/loadavg)"
      nice -n -20 java -XX:+UseSerialGC -cp "$after" "$root/benchmarks/scripts/DeliveryOverlap.java" "$file" "$d"
    done
  done
fi
if [[ $what == huge || $what == all ]]; then
  echo "## loads with /dev/shm mounted huge=within_size (private mount namespace)"
  unshare -m --propagation private bash -c '
    mount -t tmpfs -o size=8g,huge=within_size,mode=1777 tmpfs /dev/shm
    grep " /dev/shm " /proc/mounts
    exec "$0" "$@"' "$root/benchmarks/scripts/issue14-delivery-step.sh" "$before" "$after" "$file" "$rounds"
fi
echo "# end $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
