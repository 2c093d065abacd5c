#!/usr/bin/env bash
# Checks .pre-commit-hooks.yaml with a real pre-commit (Debian: apt-get install pre-commit) on a scratch
# repository: the hook must fail on a duplicate-key safetensors file and pass once it is gone.
#   scripts/check-pre-commit-hook.sh SAFELOAD_BIN_DIR
# SAFELOAD_BIN_DIR holds the safeload launcher (an unpacked distribution's bin/). Uses this checkout's
# committed HEAD as the hook repository.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
bin="${1:?usage: check-pre-commit-hook.sh SAFELOAD_BIN_DIR}"
command -v pre-commit > /dev/null || { echo "pre-commit is not installed" >&2; exit 2; }
rev="$(git -C "$root" rev-parse HEAD)"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/safeload-precommit.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
git init -q .
git config user.email check@example.invalid
git config user.name check
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $root
    rev: $rev
    hooks:
      - id: safeload-scan
YAML
safetensors() { # header JSON -> file with 8 data bytes
  local h="$1" n
  n=${#h}
  printf "\\x$(printf %02x $((n & 255)))\\x$(printf %02x $((n >> 8)))\\0\\0\\0\\0\\0\\0%s\\0\\0\\0\\0\\0\\0\\0\\0" "$h"
}
safetensors '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}' > good.safetensors
safetensors '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}' > dup.safetensors
git add -A
export PATH="$bin:$PATH" PRE_COMMIT_HOME="$scratch/.cache"
if out="$(pre-commit run --all-files 2>&1)"; then
  echo "$out"; echo "check-pre-commit-hook: the hook passed a duplicate-key file" >&2; exit 1
fi
grep -q SAFETENSORS_DUPLICATE_KEY <<< "$out" || { echo "$out"; echo "check-pre-commit-hook: no reason code in the output" >&2; exit 1; }
git rm -q --cached dup.safetensors && rm dup.safetensors
out="$(pre-commit run --all-files 2>&1)" || { echo "$out"; echo "check-pre-commit-hook: the hook failed a valid file" >&2; exit 1; }
# The same as a user meets it: the hook installed into .git/hooks, real commits.
pre-commit install > /dev/null
out="$(git commit -q -m "a clean model" 2>&1)" || { echo "$out"; echo "check-pre-commit-hook: a clean commit was refused" >&2; exit 1; }
safetensors '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}' > planted.safetensors
git add planted.safetensors
if out="$(git commit -q -m "a planted file" 2>&1)"; then
  echo "$out"; echo "check-pre-commit-hook: the commit of a duplicate-key file went through" >&2; exit 1
fi
grep -q SAFETENSORS_DUPLICATE_KEY <<< "$out" || { echo "$out"; echo "check-pre-commit-hook: no reason code in the refusal" >&2; exit 1; }
[[ "$(git log --oneline | wc -l)" -eq 1 ]] || { echo "check-pre-commit-hook: the planted commit exists" >&2; exit 1; }
echo "check-pre-commit-hook: fails on dup.safetensors (SAFETENSORS_DUPLICATE_KEY), passes on good.safetensors;"
echo "  installed: a clean commit goes through, a commit of a planted duplicate-key file is refused"
