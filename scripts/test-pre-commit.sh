#!/usr/bin/env bash
# Checks the safeload-scan hook of .pre-commit-hooks.yaml with the real pre-commit (Debian's package:
# apt-get install -y pre-commit) on a scratch git repository: a clean safetensors file commits, a
# duplicate-key one is refused with SAFETENSORS_DUPLICATE_KEY. The hook repository is this checkout at
# its current commit (commit the hook first); the CLI is this checkout's ./safeload launcher.
# Usage: scripts/test-pre-commit.sh   (exit 0 when both cases behave)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
command -v pre-commit > /dev/null || { echo "pre-commit is not installed (apt-get install -y pre-commit)" >&2; exit 2; }
rev="$(git -C "$root" rev-parse HEAD)"
work="$(mktemp -d "${TMPDIR:-/tmp}/safeload-precommit.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export SAFELOAD_CLI="$root/safeload"
export PRE_COMMIT_HOME="$work/cache"

# A safetensors file: 8-byte little-endian header length, the JSON header padded to 8, 8 data bytes.
safetensors() {
  local h="$1" n pad
  pad=$(( (8 - ${#h} % 8) % 8 ))
  h="$h$(printf '%*s' "$pad" '')"
  n=${#h}
  printf "$(printf '\\x%02x\\x%02x' $((n & 255)) $(((n >> 8) & 255)))\\0\\0\\0\\0\\0\\0"
  printf '%s' "$h"
  printf '\0\0\x80\x3f\0\0\0\x40'
}

cd "$work"
git init -q repo
cd repo
git config user.email test@example.invalid
git config user.name test
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $root
    rev: $rev
    hooks:
      - id: safeload-scan
YAML
git add .pre-commit-config.yaml
git commit -qm config
pre-commit install

echo "== a clean model commits"
safetensors '{"weight":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}' > clean.safetensors
git add clean.safetensors
git commit -m "clean model"

echo "== a duplicate-key model is refused"
safetensors '{"weight":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}' > bad.safetensors
git add bad.safetensors
if git commit -m "bad model" > "$work/bad.log" 2>&1; then
  cat "$work/bad.log"
  echo "FAIL: the bad model was committed" >&2
  exit 1
fi
cat "$work/bad.log"
grep -q SAFETENSORS_DUPLICATE_KEY "$work/bad.log" || { echo "FAIL: no SAFETENSORS_DUPLICATE_KEY in the hook's output" >&2; exit 1; }
[[ "$(git log --format=%s -1)" == "clean model" ]] || { echo "FAIL: unexpected HEAD" >&2; exit 1; }
echo "OK: clean model committed, bad model refused with SAFETENSORS_DUPLICATE_KEY"
