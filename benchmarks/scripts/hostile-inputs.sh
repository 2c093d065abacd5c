#!/usr/bin/env bash
# Times `safeload scan` on the worst inputs of the adversarial review (issue 10), each beside
# `openssl dgst -sha256` of the same bytes measured in the same run.
#
# The inputs are generated at run time by hostile-inputs.py (never committed). Every scan runs under
# `timeout`, so a hang shows as a timeout instead of stalling the run, and with a 1 GiB heap
# (SAFELOAD_JAVA_OPTS=-Xmx1g), so that the 1 GiB inflate bomb has to end as a report, not as a crash.
# Each input is first scanned once (the probe) for its verdict and exit status; only inputs that
# finish within the timeout are then timed with hyperfine (or, without hyperfine, a plain loop).
#
# Usage (from the repository root):
#   benchmarks/scripts/hostile-inputs.sh [label]
# Appends a section headed with the label (default "run"), the date, the commit and the machine to
# benchmarks/results/hostile-inputs.md, and the raw output to benchmarks/results/hostile-inputs.log.
# Environment: SAFELOAD (default ./safeload), PYTHON (default /usr/bin/python3), WORK (default a temp
# dir), RUNS (default 3), TIMEOUT (seconds, default 120), HEAP (default -Xmx1g).
set -euo pipefail

LABEL=${1:-run}
SAFELOAD=${SAFELOAD:-./safeload}
PYTHON=${PYTHON:-/usr/bin/python3}
RUNS=${RUNS:-3}
TIMEOUT=${TIMEOUT:-120}
export SAFELOAD_JAVA_OPTS=${HEAP:--Xmx1g}
if [[ -z "${WORK:-}" ]]; then
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
fi
RESULTS=${RESULTS:-benchmarks/results}
MD="$RESULTS/hostile-inputs.md"
LOG="$RESULTS/hostile-inputs.log"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$RESULTS"

log() { printf '%s\n' "$*" >>"$LOG"; }

# The CLI is built (and its class-data archive dumped) before anything is timed.
"$SAFELOAD" --version >/dev/null

if [[ ! -s "$WORK/many-functions.onnx" ]]; then
  "$PYTHON" "$here/hostile-inputs.py" "$WORK" --verify | tee -a "$LOG"
fi

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
machine="$(nproc)-vCPU ${cpu:-unknown CPU}, $(java -version 2>&1 | head -1 | tr -d '"'), $(openssl version | cut -d' ' -f1-2)"
start=$(date -u '+%Y-%m-%d %H:%M UTC')
{
  echo
  echo "===== $LABEL: $start, commit $commit, $machine, load $(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$LOG"

# Mean wall-clock seconds of a command over RUNS runs (after one warm-up), whatever its exit status.
mean() {
  if command -v hyperfine >/dev/null; then
    local json="$WORK/hyperfine.json"
    hyperfine -N -i --warmup 1 --runs "$RUNS" --export-json "$json" "$1" >>"$LOG" 2>&1 </dev/null
    "$PYTHON" -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.3f %.3f" % (r["mean"], r["stddev"] or 0))' "$json"
  else
    local total=0 s e
    bash -c "$1" >/dev/null 2>&1 </dev/null || true
    for _ in $(seq 1 "$RUNS"); do
      s=$(date +%s.%N)
      bash -c "$1" >/dev/null 2>&1 </dev/null || true
      e=$(date +%s.%N)
      total=$(awk -v t="$total" -v a="$s" -v b="$e" 'BEGIN { print t + b - a }')
    done
    awk -v t="$total" -v n="$RUNS" 'BEGIN { printf "%.3f 0\n", t / n }'
    log "mean of $RUNS runs (no hyperfine): $1"
  fi
}

# "12.3 MB" for a file; for a directory, the bytes of all its files and how many there are.
size_of() {
  if [[ -d "$1" ]]; then
    local n b
    n=$(find "$1" -type f | wc -l)
    b=$(find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
    awk -v b="$b" -v n="$n" 'BEGIN { printf "%.1f MB in %d files", b / 1e6, n }'
  else
    awk -v b="$(stat -c %s "$1")" 'BEGIN { if (b < 10000) printf "%d B", b; else printf "%.1f MB", b / 1e6 }'
  fi
}

rows=()
for input in dag.pkl dag.pt bomb.pt marks.npz marks-reorder.npz many-external many-functions.onnx; do
  path="$WORK/$input"
  scan=(timeout -k 10 "$TIMEOUT" "$SAFELOAD" scan --json "$path")
  log "--- $input: ${scan[*]}"
  s=$(date +%s.%N)
  set +e
  "${scan[@]}" >"$WORK/out.json" 2>"$WORK/err.txt" </dev/null
  rc=$?
  set -e
  e=$(date +%s.%N)
  probe=$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.2f", b - a }')
  head -c 2000 "$WORK/out.json" >>"$LOG"; echo >>"$LOG"
  tail -n 20 "$WORK/err.txt" >>"$LOG"
  log "exit $rc after $probe s"
  first=$("$PYTHON" -c '
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception:
    sys.exit(0)
codes = [f["reason"] for x in r.get("files", []) for f in x.get("findings", [])]
codes += [f["reason"] for f in r.get("modelFindings", [])]
print(codes[0] if codes else "")' "$WORK/out.json")
  case $rc in
    0) verdict="accepted" ;;
    1) verdict="rejected: \`$first\`" ;;
    124 | 137) verdict="**timeout** (> ${TIMEOUT} s)" ;;
    *)
      why=$(grep -o -m1 -E 'OutOfMemoryError|StackOverflowError|Exception[^ ]*' "$WORK/err.txt" || true)
      verdict="**crash** (exit $rc${why:+, $why})" ;;
  esac
  if [[ $rc == 124 || $rc == 137 ]]; then
    t="> $TIMEOUT"
  else
    read -r m sd < <(mean "timeout -k 10 $TIMEOUT $SAFELOAD scan --json $path")
    t="$m ± $sd"
  fi
  if [[ -d "$path" ]]; then
    files=$(find "$path" -type f | sort | tr '\n' ' ')
    base_cmd="openssl dgst -sha256 $files"
  else
    base_cmd="openssl dgst -sha256 $path"
  fi
  read -r bm bsd < <(mean "$base_cmd")
  rows+=("| \`$input\` | $(size_of "$path") | $verdict | $t | $bm ± $bsd |")
done

{
  echo
  echo "### $LABEL ($start, commit \`$commit\`)"
  echo
  echo "$machine; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg);"
  echo "\`SAFELOAD_JAVA_OPTS=$SAFELOAD_JAVA_OPTS\`, \`timeout $TIMEOUT\`, mean of $RUNS runs after a warm-up."
  echo
  echo "| input | size | verdict (first reason) | \`safeload scan\` mean [s] | \`openssl dgst -sha256\` mean [s] |"
  echo "|---|---:|---|---:|---:|"
  printf '%s\n' "${rows[@]}"
} | tee -a "$MD"
