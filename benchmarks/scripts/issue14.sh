#!/usr/bin/env bash
# Issue 14's measurements, each beside its baseline in the same run. CPU time is what counts on a
# shared machine: `perf stat -e task-clock` (user + sys of every thread, mean of RUNS runs after one
# warm-up), and wall time beside it. In-process figures come from Issue14Bench.java in a warm JVM.
#
# Usage (from the repository root, the CLI built by ./safeload --version):
#   benchmarks/scripts/issue14.sh WORK SECTION...     # sections: cpu jvmflags parallel shards delivery pickle large
# Env: RUNS (default 5), BEFORE=path/to/an/older/safeload.jar to time it beside this build,
#      PICKLESCAN=dir holding picklescan's src/ (run from source with /usr/bin/python3).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$1"; shift
mkdir -p "$work"
runs="${RUNS:-5}"
jar="$root/cli/target/safeload.jar"
jvm=(java -XX:+UseSerialGC -XX:-UsePerfData)
mk="/usr/bin/python3 $root/benchmarks/scripts/make-safetensors.py"
bench() { "${jvm[@]}" -cp "$1" "$root/benchmarks/scripts/Issue14Bench.java" "${@:2}"; }

# One row: name, mean CPU ms (task-clock), mean wall s, from perf stat over $runs runs.
row() {
  local name="$1"; shift
  local rc=0
  "$@" > /dev/null 2>&1 || rc=$?   # warm-up (and page cache); a failing command is not a figure
  if [[ $rc -ne 0 ]]; then echo "| $name | failed (exit $rc) | |"; return; fi
  perf stat -r "$runs" -e task-clock "$@" 2>&1 > /dev/null | awk -v n="$name" '
    /task-clock/ { cpu = $1; gsub(",", "", cpu) }
    /time elapsed/ { wall = $1; dev = $3 }
    END { printf "| %s | %.0f | %.3f ± %s |\n", n, cpu, wall, dev }'
}
header() { echo; echo "### $1 ($(date -u +%H:%M) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg))"; echo;
  echo "| command | CPU ms (user+sys) | wall s |"; echo "|---|---:|---:|"; }

for section in "$@"; do
  case "$section" in
    cpu)
      f="$work/model.safetensors"
      [[ -f "$f" ]] || $mk 1073741824 "$f"
      "$root/safeload" pin "$f" > "$work/model.pins.json"
      mkdir -p "$work/floor" && javac --release 17 -d "$work/floor" "$root/benchmarks/scripts/Sha256Floor.java"
      header "1 GiB safetensors, verify --pins (CLI)"
      row "openssl dgst -sha256" openssl dgst -sha256 "$f"
      row "Sha256Floor (JVM: map + SUN SHA-256)" "${jvm[@]}" -cp "$work/floor" Sha256Floor "$f"
      row "java -jar safeload.jar --version (JVM + picocli start)" "${jvm[@]}" -jar "$jar" --version
      [[ -n "${BEFORE:-}" ]] && row "before: java -jar (older) verify --pins" "${jvm[@]}" -jar "$BEFORE" verify --pins "$work/model.pins.json" "$f"
      row "after: java -jar safeload.jar verify --pins" "${jvm[@]}" -jar "$jar" verify --pins "$work/model.pins.json" "$f"
      row "after: ./safeload verify --pins (launcher, CDS)" "$root/safeload" verify --pins "$work/model.pins.json" "$f"
      echo; echo "In process (warm JVM, median):"; echo '```'
      bench "$jar" sha "$f"
      [[ -n "${BEFORE:-}" ]] && { echo -n "before: "; bench "$BEFORE" verify "$work/model.pins.json" "$f" 1; }
      echo -n "after:  "; bench "$jar" verify "$work/model.pins.json" "$f" 1
      echo '```'
      ;;
    jvmflags)
      f="$work/model.safetensors"
      [[ -f "$f" ]] || $mk 1073741824 "$f"
      "$root/safeload" pin "$f" > "$work/model.pins.json"
      header "1 GiB safetensors, verify --pins: JVM options of the launcher (SAFELOAD_JAVA_OPTS)"
      row "openssl dgst -sha256" openssl dgst -sha256 "$f"
      row "./safeload verify --pins (launcher defaults: serial GC, CDS archive)" "$root/safeload" verify --pins "$work/model.pins.json" "$f"
      row "  + -XX:TieredStopAtLevel=1 (C1 only)" env SAFELOAD_JAVA_OPTS=-XX:TieredStopAtLevel=1 "$root/safeload" verify --pins "$work/model.pins.json" "$f"
      row "  + -Xshare:off (no CDS)" env SAFELOAD_JAVA_OPTS=-Xshare:off "$root/safeload" verify --pins "$work/model.pins.json" "$f"
      ;;
    parallel)
      d="$work/eight"
      mkdir -p "$d"
      for i in 0 1 2 3 4 5 6 7; do
        [[ -f "$d/model-0000$i-of-00008.safetensors" ]] || $mk 134217728 "$d/model-0000$i-of-00008.safetensors"
      done
      "$root/safeload" pin "$d" > "$work/eight.pins.json"
      header "1 GiB in 8 files, verify --pins (CLI)"
      row "openssl dgst -sha256, one process over the 8 files" openssl dgst -sha256 "$d"/*.safetensors
      row "openssl dgst -sha256, 2 processes (xargs -P2)" sh -c "ls $d/*.safetensors | xargs -P2 -n4 openssl dgst -sha256"
      row "./safeload verify, 1 thread (-XX:ActiveProcessorCount=1)" env SAFELOAD_JAVA_OPTS=-XX:ActiveProcessorCount=1 "$root/safeload" verify --pins "$work/eight.pins.json" "$d"
      row "./safeload verify, 2 threads" "$root/safeload" verify --pins "$work/eight.pins.json" "$d"
      echo; echo "In process (warm JVM, median):"; echo '```'
      bench "$jar" sha "$d"
      bench "$jar" verify "$work/eight.pins.json" "$d" 1
      bench "$jar" verify "$work/eight.pins.json" "$d" 2
      echo '```'
      ;;
    shards)
      f="$work/model.safetensors"
      [[ -f "$f" ]] || $mk 1073741824 "$f"
      "$root/safeload" pin "$f" > "$work/model.pins.json"
      "$root/safeload" pin --shard-size 256M "$f" > "$work/model.shards.pins.json"
      "$root/safeload" pin --shard-size 256M --shards-only "$f" > "$work/model.shards-only.pins.json"
      header "1 GiB safetensors, whole-file pins vs 256 MiB shard pins (CLI)"
      row "openssl dgst -sha256" openssl dgst -sha256 "$f"
      row "./safeload verify --pins (whole file)" "$root/safeload" verify --pins "$work/model.pins.json" "$f"
      row "./safeload verify --pins (whole file + 256 MiB shards, one pass)" "$root/safeload" verify --pins "$work/model.shards.pins.json" "$f"
      row "./safeload verify --pins (256 MiB shards only, in parallel)" "$root/safeload" verify --pins "$work/model.shards-only.pins.json" "$f"
      # The same file signed (OMS, P-256 key): whole-file manifest vs 256 MiB shards manifest.
      [[ -f "$work/sign.key.pem" ]] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/sign.key.pem"
      openssl pkey -in "$work/sign.key.pem" -pubout -out "$work/sign.pub.pem"
      for kind in whole shards; do
        mkdir -p "$work/signed-$kind"
        # A copy: the loader refuses hard links (a second name for the same bytes).
        [[ -f "$work/signed-$kind/model.safetensors" ]] || cp "$f" "$work/signed-$kind/model.safetensors"
      done
      "$root/safeload" sign --key "$work/sign.key.pem" "$work/signed-whole" > /dev/null
      "$root/safeload" sign --shard-size 256M --key "$work/sign.key.pem" "$work/signed-shards" > /dev/null
      row "./safeload verify --key (signed, whole-file manifest)" "$root/safeload" verify --key "$work/sign.pub.pem" "$work/signed-whole"
      row "./safeload verify --key (signed, 256 MiB shards manifest, in parallel)" "$root/safeload" verify --key "$work/sign.pub.pem" "$work/signed-shards"
      echo; echo "In process (warm JVM, median):"; echo '```'
      bench "$jar" verify "$work/model.pins.json" "$f" 2
      bench "$jar" verify "$work/model.shards.pins.json" "$f" 2
      bench "$jar" verify "$work/model.shards-only.pins.json" "$f" 1
      bench "$jar" verify "$work/model.shards-only.pins.json" "$f" 2
      echo '```'
      ;;
    delivery)
      f="$work/d256/model.safetensors"
      mkdir -p "$work/d256"; [[ -f "$f" ]] || $mk 268435456 "$f"
      echo; echo "### Delivery, 256 MiB safetensors, in process ($(date -u +%H:%M) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg))"; echo; echo '```'
      bench "$jar" sha "$f"
      bench "$jar" scan "$f"
      for mode in MAPPED_TRUSTED COPY_TO_MEMORY PRIVATE_FILE; do
        [[ -n "${BEFORE:-}" ]] && { echo -n "before: "; bench "$BEFORE" load "$f" $mode; }
        bench "$jar" load "$f" $mode
      done
      echo "Ways to copy while hashing (DeliveryVariants.java, JDK only):"
      "${jvm[@]}" -XX:MaxDirectMemorySize=2g "$root/benchmarks/scripts/DeliveryVariants.java" "$f" /dev/shm
      echo -n "private dir on tmpfs (-Djava.io.tmpdir=/dev/shm): "
      "${jvm[@]}" -Djava.io.tmpdir=/dev/shm -cp "$jar" "$root/benchmarks/scripts/Issue14Bench.java" load "$f" PRIVATE_FILE
      echo '```'
      ;;
    pickle)
      c="$work/ckpt"
      [[ -f "$c/resnet18.pt" ]] || /usr/bin/python3 "$root/benchmarks/scripts/make-checkpoints.py" "$c"
      echo; echo "### Pickle checkpoints, in process ($(date -u +%H:%M) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg))"; echo; echo '```'
      bench "$jar" sha "$c/resnet18.pt"
      bench "$jar" scan "$c/resnet18.pt"
      bench "$jar" sha "$c/many-tensors.pt"
      bench "$jar" scan "$c/many-tensors.pt"
      bench "$jar" sha "$c/small"
      bench "$jar" scan "$c/small"
      echo '```'
      header "120 small checkpoints, one CLI process each tool"
      row "./safeload scan (120 paths, one JVM)" sh -c "$root/safeload scan $c/small/*.pt"
      row "./safeload scan DIR (one model of 120 files)" "$root/safeload" scan "$c/small"
      row "java -jar safeload.jar --version (JVM + picocli, no file read)" "${jvm[@]}" -jar "$jar" --version
      if [[ -n "${PICKLESCAN:-}" ]]; then
        row "picklescan -p DIR (from source, /usr/bin/python3)" env PYTHONPATH="$PICKLESCAN/src" /usr/bin/python3 -m picklescan -p "$c/small"
      fi
      row "openssl dgst -sha256 (120 files)" sh -c "openssl dgst -sha256 $c/small/*.pt"
      header "resnet18.pt (47 MB), CLI"
      row "./safeload scan" "$root/safeload" scan "$c/resnet18.pt"
      [[ -n "${PICKLESCAN:-}" ]] && row "picklescan -p FILE" env PYTHONPATH="$PICKLESCAN/src" /usr/bin/python3 -m picklescan -p "$c/resnet18.pt"
      row "openssl dgst -sha256" openssl dgst -sha256 "$c/resnet18.pt"
      ;;
    large)
      # One run each (a pass over 20 GiB is minutes on this machine). Every command runs the same way,
      # `java -jar` with the CLI's JVM options, so BEFORE and this build differ only in the jar.
      # Columns: wall s, CPU s (user+sys), max RSS MB, from /usr/bin/time; openssl on the same files
      # right after. LOAD=1 adds an in-process load (Issue14Bench load, MAPPED_TRUSTED, one run).
      cli=(java -XX:+UseSerialGC -XX:-UsePerfData -Xlog:disable -Xlog:all=warning:stderr -jar)
      timed() { # label, command...: one table row
        local label="$1"; shift
        /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" > /dev/null
        local e u s m; read -r e u s m < "$work/time.txt"
        echo "| $label | $e | $(awk -v u="$u" -v s="$s" 'BEGIN{print u+s}') | $((m / 1024)) |"
      }
      echo; echo "### Large sparse sharded models ($(date -u +%H:%M) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg))"; echo
      echo "| run | wall s | CPU s (user+sys) | max RSS MB |"; echo "|---|---:|---:|---:|"
      for gib in ${LARGE_SIZES:-1 5 20}; do
        d="$work/large-$gib"
        mkdir -p "$d"
        n=$(( gib / 4 + (gib % 4 > 0) ))
        for ((i = 0; i < n; i++)); do
          size=$(( gib * 1073741824 / n ))
          [[ -f "$d/model-$i.safetensors" ]] || $mk "$size" "$d/model-$i.safetensors" --sparse
        done
        [[ -f "$work/large-$gib.pins.json" ]] || "${cli[@]}" "$jar" pin "$d" > "$work/large-$gib.pins.json"
        timed "$gib GiB, $n files: verify --pins, this build" "${cli[@]}" "$jar" verify --pins "$work/large-$gib.pins.json" "$d"
        if [[ -n "${BEFORE:-}" ]]; then
          timed "$gib GiB, $n files: verify --pins, before" "${cli[@]}" "$BEFORE" verify --pins "$work/large-$gib.pins.json" "$d"
        fi
        if [[ -n "${LOAD:-}" ]]; then
          timed "$gib GiB: load MAPPED_TRUSTED in process, this build" env RUNS=1 WARMUP=0 "${jvm[@]}" -cp "$jar" "$root/benchmarks/scripts/Issue14Bench.java" load "$d" MAPPED_TRUSTED
          if [[ -n "${BEFORE:-}" ]]; then
            timed "$gib GiB: load MAPPED_TRUSTED in process, before" env RUNS=1 WARMUP=0 "${jvm[@]}" -cp "$BEFORE" "$root/benchmarks/scripts/Issue14Bench.java" load "$d" MAPPED_TRUSTED
          fi
        fi
        timed "$gib GiB: openssl dgst -sha256 (same files)" openssl dgst -sha256 "$d"/*.safetensors
      done
      ;;
    *) echo "unknown section $section" >&2; exit 2 ;;
  esac
done
