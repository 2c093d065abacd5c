#!/usr/bin/env bash
# The safeload-scan pre-commit hook (.pre-commit-hooks.yaml): scans every model file pre-commit passes
# (the staged ones whose names match the hook's pattern) and exits 1 if any is rejected, so the commit
# is refused; the CLI's table names each finding with its reason code. Exit 2 on usage or I/O errors.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
if [[ -n "${SAFELOAD_CLI:-}" ]]; then
  cli=("$SAFELOAD_CLI")
elif command -v safeload > /dev/null 2>&1; then
  cli=(safeload)
else
  cli=("$here/../safeload")
fi

status=0
for f in "$@"; do
  "${cli[@]}" scan "$f"
  rc=$?
  # 1 = rejected, 2 = usage or I/O error; the worst one wins.
  if (( rc > status )); then
    status=$rc
  fi
done
exit "$status"
