#!/usr/bin/env bash
# Verify-cost benchmark: a signed multi-file model (default 1 GiB in 8 files) verified with
# `safeload verify --key` versus plain hashing with `openssl dgst -sha256` (sequential and one
# process per core). Prints a Markdown table for BENCHMARKS.md.
#
#   benchmarks/scripts/verify-signed-1gib.sh                 # 1 GiB, 8 files, 3 runs each
#   TOTAL_MIB=64 FILES=4 RUNS=1 benchmarks/scripts/verify-signed-1gib.sh   # smoke run
#
# Env: TOTAL_MIB, FILES, RUNS, WORK (scratch dir, default mktemp), SAFELOAD (command to run; default
# the CLI classes via `java -cp`), JAVA_OPTS.
set -euo pipefail

TOTAL_MIB=${TOTAL_MIB:-1024}
FILES=${FILES:-8}
RUNS=${RUNS:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$(mktemp -d)}
CLEANUP_WORK=${WORK_KEEP:-0}

if [[ -z "${SAFELOAD:-}" ]]; then
  (cd "$ROOT" && mvn -B -q -o -pl cli -am install -DskipTests >/dev/null)
  CP_FILE="$WORK/cp.txt"
  (cd "$ROOT" && mvn -B -q -o -pl cli dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >/dev/null)
  CP="$ROOT/cli/target/classes:$(cat "$CP_FILE")"
  # SignatureTool hosts `sign` and `verify` until they are subcommands of the main safeload command.
  SAFELOAD="java ${JAVA_OPTS:-} -cp $CP dev.safeload.cli.SignatureTool"
fi

MODEL="$WORK/model"
mkdir -p "$MODEL"
PER_FILE=$(( TOTAL_MIB / FILES ))
echo "creating $FILES files of $PER_FILE MiB in $MODEL" >&2
for i in $(seq 1 "$FILES"); do
  f=$(printf '%s/model-%05d-of-%05d.safetensors' "$MODEL" "$i" "$FILES")
  [[ -f "$f" ]] || head -c "$(( PER_FILE * 1024 * 1024 ))" /dev/urandom > "$f"
done
printf '{"architectures": ["Bench"]}\n' > "$MODEL/config.json"

openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$WORK/key.pem"
openssl ec -in "$WORK/key.pem" -pubout -out "$WORK/pub.pem" 2>/dev/null
rm -f "$MODEL/model.sig"

now() { date +%s.%N; }
best() { sort -g | head -1; }

t0=$(now); $SAFELOAD sign --key "$WORK/key.pem" "$MODEL" >/dev/null; t1=$(now)
SIGN=$(echo "$t1 - $t0" | bc)

cat "$MODEL"/* > /dev/null   # page cache warm for every contender

FILES_LIST=("$MODEL"/model-*.safetensors "$MODEL/config.json")
VERIFY=$(for r in $(seq 1 "$RUNS"); do
  t0=$(now); $SAFELOAD verify --key "$WORK/pub.pem" "$MODEL" >/dev/null; t1=$(now); echo "$t1 - $t0" | bc
done | best)
OPENSSL_SEQ=$(for r in $(seq 1 "$RUNS"); do
  t0=$(now); openssl dgst -sha256 "${FILES_LIST[@]}" >/dev/null; t1=$(now); echo "$t1 - $t0" | bc
done | best)
OPENSSL_PAR=$(for r in $(seq 1 "$RUNS"); do
  t0=$(now); printf '%s\0' "${FILES_LIST[@]}" | xargs -0 -n 1 -P "$(nproc)" openssl dgst -sha256 >/dev/null
  t1=$(now); echo "$t1 - $t0" | bc
done | best)

rate() { echo "scale=2; $TOTAL_MIB / 1024 / $1" | bc; }
echo
echo "| ${TOTAL_MIB} MiB, ${FILES} files, $(nproc) cores | seconds (best of $RUNS) | GiB/s |"
echo "|---|---|---|"
echo "| safeload sign --key (hash + sign, incl. JVM start) | $SIGN | $(rate "$SIGN") |"
echo "| safeload verify --key (hash + verify, incl. JVM start) | $VERIFY | $(rate "$VERIFY") |"
echo "| openssl dgst -sha256, sequential | $OPENSSL_SEQ | $(rate "$OPENSSL_SEQ") |"
echo "| openssl dgst -sha256, $(nproc) processes | $OPENSSL_PAR | $(rate "$OPENSSL_PAR") |"

if [[ "$CLEANUP_WORK" != 1 ]]; then
  rm -rf "$WORK"
fi
