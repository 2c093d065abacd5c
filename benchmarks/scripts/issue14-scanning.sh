#!/usr/bin/env bash
# Issue 14, session 3 (scanning): the pickle machine, the in-process scan of a real checkpoint and the
# pickle second reader on a sparse (all-zero) safetensors file, each BEFORE and AFTER in one run beside
# SHA-256 of the same bytes. CPU time per pass (median after warm-up); wall time means little on a
# shared machine.
#
# Usage (from the repository root):
#   BEFORE=/path/to/older/safeload.jar AFTER=cli/target/safeload.jar benchmarks/scripts/issue14-scanning.sh WORK
# AFTER may also be "dir-of-classes:jar" (a class path whose first entries override the jar's).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$1"
mkdir -p "$work"
c="$work/ckpt"
[[ -f "$c/resnet18.pt" ]] || /usr/bin/python3 "$root/benchmarks/scripts/make-checkpoints.py" "$c"
/usr/bin/python3 - "$c" "$work" <<'PY'
import sys, zipfile
c, w = sys.argv[1], sys.argv[2]
for name, out in (("many-tensors.pt", "many.pkl"), ("resnet18.pt", "resnet18.pkl")):
    z = zipfile.ZipFile(c + "/" + name)
    pkl = [n for n in z.namelist() if n.endswith("/data.pkl")][0]
    open(w + "/" + out, "wb").write(z.read(pkl))
PY
zeros="$work/zeros.safetensors" # 1 GiB - 4 KiB: ModelBytes.of takes at most 1 GiB
[[ -f "$zeros" ]] || /usr/bin/python3 "$root/benchmarks/scripts/make-safetensors.py" 1073737728 "$zeros" --sparse
echo "inputs (SHA-256):"
sha256sum "$work/many.pkl" "$work/resnet18.pkl" "$c/resnet18.pt" "$zeros"
jvm=(java -XX:+UseSerialGC -XX:-UsePerfData)
for side in BEFORE AFTER; do
  cp="${!side}"
  out="$work/classes-$side"
  rm -rf "$out" && mkdir -p "$out"
  javac -nowarn -d "$out" -cp "$cp" "$root/benchmarks/scripts/PickleThroughput.java" "$root/benchmarks/scripts/PickleReaderScan.java"
  echo; echo "== $side ($cp), $(date -u +%H:%M) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  "${jvm[@]}" -cp "$out:$cp" PickleThroughput "$work/many.pkl" 20
  "${jvm[@]}" -cp "$out:$cp" PickleThroughput "$work/resnet18.pkl" 2000
  "${jvm[@]}" -cp "$out:$cp" PickleReaderScan "$zeros" 3
  RUNS=${RUNS:-7} WARMUP=${WARMUP:-5} "${jvm[@]}" -cp "$cp" "$root/benchmarks/scripts/Issue14Bench.java" sha "$c/resnet18.pt"
  RUNS=${RUNS:-7} WARMUP=${WARMUP:-5} "${jvm[@]}" -cp "$cp" "$root/benchmarks/scripts/Issue14Bench.java" scan "$c/resnet18.pt"
done
