#!/usr/bin/env bash
# Issue 14, session 7 (the pickle machine, goal 5): as issue14-pickle-session6.sh (PickleThroughput
# on many.pkl, resnet18.pkl and ints.pkl for several builds in alternating JVMs at nice -n -20),
# plus, in every round, PickleFloor's four loops over many.pkl (decode only; each opcode to a case
# of its own; with the stack and memo; with the machine's objects) in JVMs of their own, so that the
# machine and its floor are measured under the same load. Thread CPU time per pass: median and
# fastest pass after as many warm-up passes, and the bytes one pass allocates.
#
# Usage (from the repository root):
#   ROUNDS=6 CKPT=/work/bench/final/ckpt benchmarks/scripts/issue14-pickle-session7.sh WORK \
#     before=main/formats/classes:api/classes:jspecify.jar \
#     after=branch/formats/classes:api/classes:jspecify.jar
# FLOOR=0 leaves the floor out (then this is session 6's script). Inputs, written once into WORK:
# many.pkl and resnet18.pkl (the data.pkl of make-checkpoints.py's checkpoints), ints.pkl (the
# cheapest opcodes), llm.pkl (make-llm-pickle.py: a language model's names and shapes, every tensor
# a zero-stride view of one storage) and llm-real.pkl (the same model's data.pkl with a storage of
# its own and contiguous strides for each tensor, as torch.save writes the real weights).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$1"
shift
rounds="${ROUNDS:-6}"
floor="${FLOOR:-1}"
mkdir -p "$work"
c="${CKPT:-$work/ckpt}"
[[ -f "$c/resnet18.pt" && -f "$c/many-tensors.pt" ]] ||
  /usr/bin/python3 "$root/benchmarks/scripts/make-checkpoints.py" "$c"
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
[[ -f "$work/llm/mixtral.pkl" && -f "$work/llm/mixtral-real.pkl" ]] ||
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack /usr/bin/python3 \
    "$root/benchmarks/scripts/make-llm-pickle.py" "$work/llm" > /dev/null
cp "$work/llm/mixtral.pkl" "$work/llm.pkl"
cp "$work/llm/mixtral-real.pkl" "$work/llm-real.pkl"
echo "inputs (SHA-256):"
sha256sum "$work/many.pkl" "$work/resnet18.pkl" "$work/ints.pkl" "$work/llm.pkl" "$work/llm-real.pkl"
echo "java: $(java -version 2>&1 | head -1)"
jvm=(nice -n -20 java -XX:+UseSerialGC -XX:-UsePerfData)
names=()
declare -A cps
for side in "$@"; do
  name="${side%%=*}"
  names+=("$name")
  cps[$name]="${side#*=}"
  out="$work/bench7-$name"
  rm -rf "$out" && mkdir -p "$out"
  javac -nowarn -d "$out" -cp "${cps[$name]}" "$root/benchmarks/scripts/PickleThroughput.java"
done
rm -rf "$work/floor7" && mkdir -p "$work/floor7"
javac -nowarn -d "$work/floor7" "$root/benchmarks/scripts/PickleFloor.java"
for round in $(seq 1 "$rounds"); do
  for name in "${names[@]}"; do
    cp="$work/bench7-$name:${cps[$name]}"
    echo "== round $round $name, $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    "${jvm[@]}" -cp "$cp" PickleThroughput "$work/many.pkl" 40
    "${jvm[@]}" -cp "$cp" PickleThroughput "$work/resnet18.pkl" 2000
    "${jvm[@]}" -cp "$cp" PickleThroughput "$work/ints.pkl" 40
    "${jvm[@]}" -cp "$cp" PickleThroughput "$work/llm.pkl" 3000
    "${jvm[@]}" -cp "$cp" PickleThroughput "$work/llm-real.pkl" 3000
  done
  if [[ "$floor" == 1 ]]; then
    echo "== round $round floor, $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    for level in decode dispatch stack values; do
      "${jvm[@]}" -cp "$work/floor7" PickleFloor "$work/many.pkl" "$level" 40
    done
  fi
done
