#!/usr/bin/env bash
# Times `safeload verify` on a 1 GiB safetensors file against sha256sum and openssl, warm cache,
# and prints a markdown table. Usage (from anywhere):
#   benchmarks/scripts/verify-1gib.sh [WORKDIR]      # default WORKDIR: a new temp dir, removed after
# Env: RUNS (default 10), WARMUP (default 2), SIZE (tensor bytes, default 1 GiB), KEEP=1 keeps WORKDIR.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
safeload="$root/safeload"
runs="${RUNS:-10}"
warmup="${WARMUP:-2}"
size="${SIZE:-1073741824}"

if [[ $# -ge 1 ]]; then
  work="$1"; mkdir -p "$work"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/safeload-bench.XXXXXX")"
fi
if [[ -z "${KEEP:-}" && $# -lt 1 ]]; then
  trap 'rm -rf "$work"' EXIT
fi
file="$work/model.safetensors"
pins="$work/model.pins.json"

# --- 1. A valid safetensors file: one U8 tensor of $size random bytes. -------------------------------
if [[ ! -f "$file" ]] || [[ "$(stat -c %s "$file")" -le "$size" ]]; then
  header="{\"weight\":{\"dtype\":\"U8\",\"shape\":[$size],\"data_offsets\":[0,$size]}}"
  pad=$(( (8 - ${#header} % 8) % 8 ))
  header="$header$(printf '%*s' "$pad" '')"          # spaces, as the reference writer pads
  n=${#header}
  {
    printf "$(printf '\\x%02x' $((n & 255)) $((n >> 8 & 255)) $((n >> 16 & 255)) $((n >> 24 & 255)) 0 0 0 0)"
    printf '%s' "$header"
    head -c "$size" /dev/urandom
  } > "$file"
fi
echo "file: $file ($(stat -c %s "$file") bytes)" >&2

# --- 2. Build once (outside the timings) and pin it through the CLI. --------------------------------
"$safeload" --version >&2
ignore=()
if ! "$safeload" pin "$file" > "$pins"; then
  echo "note: the file is rejected by this build (no safetensors handler yet?); pinning anyway and" \
       "timing the same full pass, which then exits 1" >&2
  "$safeload" pin --include-rejected "$file" > "$pins"
  ignore=(-i)
fi
cat "$pins" >&2

# The launcher as a user runs it: its staleness check and JVM start-up are part of the figure.
verify_cmd="$safeload verify --pins $pins $file"
sha_cmd="sha256sum $file"
ossl_cmd="openssl dgst -sha256 $file"
jvm_cmd="$safeload --version"
# The floor for a JVM tool: a fresh JVM that only maps and SHA-256s the file (Sha256Floor.java).
mkdir -p "$work/floor"
javac --release 17 -d "$work/floor" "$root/benchmarks/scripts/Sha256Floor.java"
floor_cmd="java -XX:+UseSerialGC -XX:-UsePerfData -cp $work/floor Sha256Floor $file"
if [[ "$($floor_cmd | cut -d' ' -f1)" != "$(openssl dgst -sha256 -r "$file" | cut -d' ' -f1)" ]]; then
  echo "Sha256Floor and openssl disagree on the digest" >&2
  exit 1
fi
# The same command on a one-tensor file: everything but the hashing (JVM start, argument parsing,
# pins, handler discovery, validation, report, exit), to tell start-up from hashing in the figure.
tiny="$work/tiny/model.safetensors"
mkdir -p "$work/tiny"
theader='{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}          '
{ printf '\x40\0\0\0\0\0\0\0%s' "$theader"; printf '\0\0\x80\x3f\0\0\0\x40'; } > "$tiny"
"$safeload" pin "$tiny" > "$work/tiny.pins.json"
tiny_cmd="$safeload verify --pins $work/tiny.pins.json $tiny"

cat "$file" > /dev/null  # warm the page cache

echo >&2
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
     "$(java -version 2>&1 | head -1), $(openssl version)" >&2

if command -v hyperfine > /dev/null; then
  md="$work/results.md"
  hyperfine "${ignore[@]}" -N --warmup "$warmup" --runs "$runs" --export-markdown "$md" \
    -n "safeload verify (JVM start included)" "$verify_cmd" \
    -n "openssl dgst -sha256" "$ossl_cmd" \
    -n "plain SHA-256 in a fresh JVM (Sha256Floor)" "$floor_cmd" \
    -n "sha256sum" "$sha_cmd" \
    -n "JVM start only (safeload --version)" "$jvm_cmd" \
    -n "safeload verify on an 80-byte file (all but hashing)" "$tiny_cmd" >&2
  echo
  cat "$md"
else
  echo "hyperfine not found (apt-get install -y hyperfine); using a loop with /usr/bin/time" >&2
  echo "| Command | Mean [s] | Min [s] | Max [s] |"
  echo "|:---|---:|---:|---:|"
  for pair in "safeload verify (JVM start included)|$verify_cmd" "openssl dgst -sha256|$ossl_cmd" \
              "plain SHA-256 in a fresh JVM (Sha256Floor)|$floor_cmd" \
              "sha256sum|$sha_cmd" "JVM start only (safeload --version)|$jvm_cmd" \
              "safeload verify on an 80-byte file (all but hashing)|$tiny_cmd"; do
    name="${pair%%|*}"; cmd="${pair#*|}"
    for ((i = 0; i < warmup; i++)); do $cmd > /dev/null 2>&1 || true; done
    times=()
    for ((i = 0; i < runs; i++)); do
      t="$( { /usr/bin/time -f '%e' $cmd > /dev/null 2>/dev/null; } 2>&1 | tail -1)"
      times+=("$t")
    done
    printf '%s\n' "${times[@]}" | awk -v n="$name" '
      { s += $1; if (NR == 1 || $1 < mn) mn = $1; if ($1 > mx) mx = $1 }
      END { printf "| `%s` | %.3f | %.3f | %.3f |\n", n, s / NR, mn, mx }'
  done
fi
