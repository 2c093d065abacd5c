#!/usr/bin/env bash
# Issue 14, session 5b (the pickle machine's main loop): PickleThroughput on many.pkl and ints.pkl
# (benchmarks/scripts/issue14-pickle-session5.sh writes both) for several builds of PickleMachine
# in alternating JVMs at nice -n -20, so that load from other processes falls on every side alike.
# Each VARIANT is a directory of PickleMachine*.class compiled from one version of
# PickleMachine.java (javac --release 17), put before the shared formats classes on the class path.
#
# Usage (from the repository root):
#   BASE=formats/classes:api/classes:jspecify.jar ROUNDS=6 \
#     benchmarks/scripts/issue14-pickle-session5b.sh WORK VARIANT_DIR...
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$1"
shift
rounds="${ROUNDS:-6}"
bench="$work/bench-5b"
rm -rf "$bench" && mkdir -p "$bench"
javac -nowarn -d "$bench" -cp "$1:$BASE" "$root/benchmarks/scripts/PickleThroughput.java"
jvm=(nice -n -20 java -XX:+UseSerialGC -XX:-UsePerfData)
for round in $(seq 1 "$rounds"); do
  for v in "$@"; do
    cp="$bench:$v:$BASE"
    echo "== round $round $(basename "$v"), $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    "${jvm[@]}" -cp "$cp" PickleThroughput "$work/many.pkl" 40
    "${jvm[@]}" -cp "$cp" PickleThroughput "$work/ints.pkl" 40
  done
done
