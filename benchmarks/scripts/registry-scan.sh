#!/usr/bin/env bash
# Issue 17: a generated model registry scanned by the Spark job (local[1], local[2]) and by the
# single-process CLI over the same directories; prints a markdown table with throughput and sizes a
# 100 TB registry from the measured per-core rate. Usage (from anywhere):
#   benchmarks/scripts/registry-scan.sh [WORKDIR]     # default: a new temp dir, removed after
# Env: MODELS (default 200), MIB (tensor MiB per model, default 10), KEEP=1 keeps WORKDIR.
#
# Each model is a directory org-K/model-N/ holding config.json and model.safetensors with one F32
# tensor of MIB MiB of random bytes (written once; the runs read it from the page cache, so the
# figures are CPU rates). Random rather than sparse: in all-zero data the pickle polyglot check reads
# to the end of the file looking for a newline (BENCHMARKS.md, issue 14, goal 6), which real weights
# do not make it do.
# Spark runs without spark-submit: java -cp with the module's test class path (Spark included) and
# the --add-opens flags Spark needs on Java 17, master from -Dspark.master.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
models="${MODELS:-200}"
mib="${MIB:-10}"
if [[ $# -ge 1 ]]; then
  work="$1"; mkdir -p "$work"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/safeload-registry.XXXXXX")"
fi
if [[ -z "${KEEP:-}" && $# -lt 1 ]]; then
  trap 'rm -rf "$work"' EXIT
fi
reg="$work/registry"

# --- 1. The registry. ---------------------------------------------------------------------------
/usr/bin/python3 - "$reg" "$models" "$mib" <<'PY'
import json, os, struct, sys
reg, n, mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
size = mib << 20
header = json.dumps({"weight": {"dtype": "F32", "shape": [size // 4], "data_offsets": [0, size]}},
                    separators=(",", ":")).encode()
header += b" " * (-len(header) % 8)
for i in range(n):
    d = os.path.join(reg, "org-%d" % (i % 10), "model-%03d" % i)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump({"model_type": "bench", "index": i}, f)
    p = os.path.join(d, "model.safetensors")
    with open(p, "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header)
        f.write(os.urandom(size))
PY
bytes=$(find "$reg" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
echo "registry: $reg, $models models, $bytes bytes" >&2

# --- 2. Build once, outside the timings: the module jars and the class path. ----------------------
(cd "$root" && mvn -B -o -q -Pquick -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
  -pl spark -am package dependency:build-classpath \
  -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test >&2)
cp="$root/spark/target/classes:$(cat "$root/spark/target/cp.txt")"
opens=(-XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false
  -Dio.netty.tryReflectionSetAccessible=true)
"$root/safeload" --version >&2

now() { date +%s.%N; }
spark_run() { # master registry out
  java "${opens[@]}" -Xmx2g -Dspark.master="$1" -Dspark.ui.enabled=false \
    -Dlog4j2.configurationFile="$root/spark/src/test/resources/log4j2.properties" \
    -cp "$cp" dev.safeload.spark.RegistryScan scan "$2" "$3" >&2
}

# Fixed cost (JVM and Spark start-up, one tiny job): the same job over an empty registry.
mkdir -p "$work/empty"
declare -A wall
for master in 'local[1]' 'local[2]'; do
  t0=$(now); spark_run "$master" "file://$work/empty" "file://$work/out-empty"; t1=$(now)
  t2=$(now); spark_run "$master" "file://$reg" "file://$work/out-${master//[^a-z0-9]/}"; t3=$(now)
  wall[$master]=$(echo "$t3 - $t2" | bc -l)
  wall["$master-empty"]=$(echo "$t1 - $t0" | bc -l)
done
t0=$(now); "$root/safeload" scan "$reg"/org-*/model-* > /dev/null; t1=$(now)
wall[cli]=$(echo "$t1 - $t0" | bc -l)
load=$(cut -d' ' -f1-3 /proc/loadavg)

# --- 3. The table. ----------------------------------------------------------------------------------
mb=$(echo "$bytes / 1000000" | bc -l)
row() { # name wall fixed
  local net; net=$(echo "$2 - $3" | bc -l)
  printf '| %s | %.1f | %.1f | %.0f | %.0f |\n' "$1" "$2" "$3" "$(echo "$mb / $2" | bc -l)" \
    "$(echo "$mb / $net" | bc -l)"
}
echo
echo "$models models, $(printf '%.0f' "$mb") MB, $(nproc) cores, load average at the end: $load"
echo
echo "| run | wall s | fixed s (empty registry) | MB/s (wall) | MB/s (net of fixed) |"
echo "|---|---|---|---|---|"
row 'Spark local[1]' "${wall[local[1]]}" "${wall[local[1]-empty]}"
row 'Spark local[2]' "${wall[local[2]]}" "${wall[local[2]-empty]}"
row 'CLI `safeload scan` (one process)' "${wall[cli]}" 0
per_core=$(echo "$mb / (${wall[local[1]]} - ${wall[local[1]-empty]})" | bc -l)
echo
printf 'Per-core rate (local[1], net): %.0f MB/s. A 100 TB registry is %.0f core-hours:\n' \
  "$per_core" "$(echo "100000000 / $per_core / 3600" | bc -l)"
for cores in 32 64 128 256; do
  printf -- '- %d cores: %.1f h\n' "$cores" "$(echo "100000000 / $per_core / 3600 / $cores" | bc -l)"
done
