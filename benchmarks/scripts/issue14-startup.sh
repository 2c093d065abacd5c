#!/usr/bin/env bash
# Issue 14, session 4: the CLI's start-up cost, before and after, beside picklescan and openssl.
#
#   issue14-startup.sh WORK [SECTION...]     sections: rr cpu wall breakdown (default: rr cpu wall)
#
# WORK holds:
#   before/safeload, before/cli/target/safeload.jar   the launcher and jar of the commit to compare
#                                                      with (the launcher trains its own AppCDS archive)
#   ckpt/small/                                        make-checkpoints.py's 120 small checkpoints
#   picklescan/src                                     github:mmaitre314/picklescan, run from source
# and gets model.safetensors (1 GiB, make-safetensors.py) and its pin file if missing. "After" is this
# checkout's ./safeload. CPU is user+sys of the whole process tree (perf stat task-clock), the robust
# measure on a loaded machine; wall is reported beside it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(cd "${1:?usage: issue14-startup.sh WORK [cpu|wall|breakdown]...}" && pwd)"
shift
sections=("$@")
[[ ${#sections[@]} -gt 0 ]] || sections=(rr cpu wall)
runs="${RUNS:-5}"
cd "$work"
before="$work/before/safeload"
after="$root/safeload"
picklescan=(env PYTHONPATH="$work/picklescan/src" /usr/bin/python3 -m picklescan -p ckpt/small)
[[ -f model.safetensors ]] || /usr/bin/python3 "$root/benchmarks/scripts/make-safetensors.py" 1073741824 model.safetensors
[[ -f model.pins.json ]] || "$after" pin model.safetensors > model.pins.json
mkdir -p one && cp -n ckpt/small/000.pt one/ 2>/dev/null || true
"$before" --version > /dev/null # trains the archives outside the timed runs
"$after" --version > /dev/null

row() { # name, command...: mean CPU ms and wall s over $runs runs after one warm-up run
  local name="$1"; shift
  "$@" > /dev/null 2>&1 || true
  perf stat -r "$runs" -e task-clock "$@" 2>&1 > /dev/null | awk -v n="$name" '
    /task-clock/ { cpu = $1; gsub(",", "", cpu) }
    /time elapsed/ { wall = $1; dev = $3 }
    END { printf "| %s | %.0f | %.3f ± %s |\n", n, cpu, wall, dev }'
}
header() {
  echo; echo "### $1 ($(date -u +%H:%M) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg))"; echo
  echo "| command | CPU ms (task-clock, mean) | wall s |"; echo "|---|---:|---:|"
}

for section in "${sections[@]}"; do
  case "$section" in
    rr)
      echo; echo "### Round robin, $runs rounds ($(date -u +%H:%M) UTC)"; echo
      /usr/bin/python3 "$root/benchmarks/scripts/round-robin.py" "$runs" \
        "picklescan -p DIR|||${picklescan[*]}" \
        "safeload scan DIR, before|||$before scan ckpt/small" \
        "safeload scan DIR, after|||$after scan ckpt/small" \
        "safeload scan (one checkpoint), before|||$before scan one" \
        "safeload scan (one checkpoint), after|||$after scan one"
      echo
      /usr/bin/python3 "$root/benchmarks/scripts/round-robin.py" "$runs" \
        "openssl dgst -sha256 (1 GiB)|||openssl dgst -sha256 model.safetensors" \
        "safeload verify --pins (1 GiB), before|||$before verify --pins model.pins.json model.safetensors" \
        "safeload verify --pins (1 GiB), after|||$after verify --pins model.pins.json model.safetensors"
      ;;
    cpu)
      header "120 small checkpoints (perf stat -r $runs)"
      row "picklescan -p DIR" "${picklescan[@]}"
      row "safeload scan DIR, before" "$before" scan ckpt/small
      row "safeload scan DIR, after" "$after" scan ckpt/small
      row "safeload scan (one checkpoint), before" "$before" scan one
      row "safeload scan (one checkpoint), after" "$after" scan one
      row "safeload --version, before" "$before" --version
      row "safeload --version, after" "$after" --version
      header "1 GiB safetensors, verify --pins (perf stat -r $runs)"
      row "openssl dgst -sha256" openssl dgst -sha256 model.safetensors
      row "safeload verify --pins, before" "$before" verify --pins model.pins.json model.safetensors
      row "safeload verify --pins, after" "$after" verify --pins model.pins.json model.safetensors
      ;;
    wall)
      echo; echo "### hyperfine, wall ($(date -u +%H:%M) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg))"; echo
      hyperfine -N --warmup 1 --runs "$runs" --style none --export-markdown "$work/hf.md" \
        -n picklescan "${picklescan[*]}" \
        -n "scan DIR, before" "$before scan ckpt/small" \
        -n "scan DIR, after" "$after scan ckpt/small" > /dev/null 2>&1
      cat "$work/hf.md"; echo
      hyperfine -N --warmup 1 --runs "$runs" --style none --export-markdown "$work/hf.md" \
        -n openssl "openssl dgst -sha256 model.safetensors" \
        -n "verify, before" "$before verify --pins model.pins.json model.safetensors" \
        -n "verify, after" "$after verify --pins model.pins.json model.safetensors" > /dev/null 2>&1
      cat "$work/hf.md"
      rm -f "$work/hf.md"
      ;;
    breakdown)
      # Where one run's CPU goes, by thread (perf record, JIT code named through the perf map) and
      # how many classes it loads and from where.
      for cmd in "scan ckpt/small" "verify --pins model.pins.json model.safetensors"; do
        for which in before after; do
          launcher="$before"; [[ $which == after ]] && launcher="$after"
          echo; echo "#### $which: safeload $cmd"; echo; echo '```'
          SAFELOAD_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit" \
            perf record -q -F 1000 -e task-clock -o "$work/perf.data" "$launcher" $cmd > /dev/null 2>&1
          perf script -i "$work/perf.data" -F comm,ip,sym 2> /dev/null | awk '
            { t++; c[$1]++; if ($0 ~ /Interpreter/) i[$1]++; if ($0 ~ /StubRoutines/) s[$1]++ }
            END { for (k in c) if (c[k] * 100 >= t) printf "%-16s %5.1f%% of samples (interpreter %4.1f%%, SHA stub %4.1f%%)\n", k, 100 * c[k] / t, 100 * i[k] / t, 100 * s[k] / t }' | sort -k2 -rn
          SAFELOAD_JAVA_OPTS="-Xlog:class+load:file=$work/classes.txt" "$launcher" $cmd > /dev/null 2>&1 || true
          echo "classes loaded: $(wc -l < "$work/classes.txt"), from the CDS archive: $(grep -c 'shared objects file' "$work/classes.txt"), generated at run time: $(grep -cE '__dynamic_proxy__|__JVM_LookupDefineClass__|__ClassDefiner__' "$work/classes.txt")"
          echo '```'
        done
      done
      rm -f "$work/perf.data" "$work/classes.txt"
      ;;
    *) echo "unknown section $section" >&2; exit 2 ;;
  esac
done
