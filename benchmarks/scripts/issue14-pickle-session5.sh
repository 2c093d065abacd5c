#!/usr/bin/env bash
# Issue 14, session 5 (pickle machine): PickleThroughput BEFORE and AFTER on the same bytes, beside
# SHA-256 of those bytes, in alternating JVMs (ROUNDS of each) at nice -n -20, so that load from
# other processes falls on both sides alike. Thread CPU time per pass: median and fastest pass after
# as many warm-up passes, and the bytes one pass allocates. Also a synthetic pickle of 600,000
# BININT1 in dict items (ints.pkl), to measure what the machine's cheapest opcode costs.
#
# Usage (from the repository root):
#   BEFORE=class/path/of/older/formats:deps AFTER=class/path/of/newer/formats:deps \
#     benchmarks/scripts/issue14-pickle-session5.sh WORK
# Debian's torch needs liblapack.so.3 on the library path when the alternative is not configured:
#   LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$1"
rounds="${ROUNDS:-6}"
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
# PROTO 2, EMPTY_DICT, BINPUT 0, then 600 x (MARK, 500 x (BININT1 1, BININT1 2), SETITEMS), STOP
b = bytearray(b"\x80\x02}q\x00")
for _ in range(600):
    b += b"(" + b"K\x01K\x02" * 500 + b"u"
b += b"."
open(w + "/ints.pkl", "wb").write(b)
PY
echo "inputs (SHA-256):"
sha256sum "$work/many.pkl" "$work/resnet18.pkl" "$work/ints.pkl"
jvm=(nice -n -20 java -XX:+UseSerialGC -XX:-UsePerfData)
for side in BEFORE AFTER; do
  out="$work/bench-$side"
  rm -rf "$out" && mkdir -p "$out"
  javac -nowarn -d "$out" -cp "${!side}" "$root/benchmarks/scripts/PickleThroughput.java"
done
for round in $(seq 1 "$rounds"); do
  for side in BEFORE AFTER; do
    cp="${!side}"
    echo "== round $round $side, $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    "${jvm[@]}" -cp "$work/bench-$side:$cp" PickleThroughput "$work/many.pkl" 40
    "${jvm[@]}" -cp "$work/bench-$side:$cp" PickleThroughput "$work/resnet18.pkl" 2000
    "${jvm[@]}" -cp "$work/bench-$side:$cp" PickleThroughput "$work/ints.pkl" 40
  done
done
