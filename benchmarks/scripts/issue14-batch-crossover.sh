#!/usr/bin/env bash
# Issue 14, session 8 (goal 5, the CLI over a directory of small models): `./safeload scan DIR`
# beside picklescan over the same directory, for directories of 120, 480 and 1,920 small PyTorch
# checkpoints, to show where the JVM's fixed cost stops deciding and what each tool costs a file
# after it. CPU (task-clock) and wall time, mean of `perf stat -r RUNS` after one unmeasured run.
#
# Usage (from the repository root):
#   PICKLESCAN=/path/to/picklescan RUNS=3 benchmarks/scripts/issue14-batch-crossover.sh WORK
# picklescan runs from its source tree (github:mmaitre314/picklescan) with /usr/bin/python3. WORK
# receives the checkpoints: a 2-layer MLP state dict each (Linear(16, 32), ReLU, Linear(32, 4), as
# make-checkpoints.py's small/ models), a seed a file, written by Debian's python3-torch. Copies,
# not links: safeload refuses hard-linked files.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:?usage: issue14-batch-crossover.sh WORK}"
picklescan="${PICKLESCAN:?set PICKLESCAN to a picklescan source tree}"
runs="${RUNS:-3}"
sizes=(120 480 1920)
mkdir -p "$work"
for n in "${sizes[@]}"; do
  d="$work/n$n"
  [[ -d "$d" && "$(ls "$d" | wc -l)" == "$n" ]] && continue
  rm -rf "$d"
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack /usr/bin/python3 - "$n" "$d" <<'PY'
import os, sys, torch
n, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out)
for i in range(n):
    torch.manual_seed(i)
    mlp = torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 4))
    torch.save(mlp.state_dict(), os.path.join(out, "%04d.pt" % i))
PY
done
"$root/safeload" --version > /dev/null # builds the jar and its class-data archive if needed
echo "== $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
echo "| files | safeload scan DIR: CPU ms / wall s | picklescan -p DIR: CPU ms / wall s |"
echo "|---:|---:|---:|"
row() {
  "$@" > /dev/null 2>&1 || true
  perf stat -r "$runs" -e task-clock "$@" 2>&1 > /dev/null |
    awk '/task-clock/{c=$1; gsub(",", "", c)} /time elapsed/{w=$1} END{printf "%.0f / %.3f", c, w}'
}
for n in "${sizes[@]}"; do
  s="$(row "$root/safeload" scan "$work/n$n")"
  p="$(row env PYTHONPATH="$picklescan/src" /usr/bin/python3 -m picklescan -p "$work/n$n")"
  echo "| $n | $s | $p |"
done
echo "== verdicts: $("$root/safeload" scan "$work/n1920" | tail -1)"
