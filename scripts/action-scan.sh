#!/usr/bin/env bash
# The script behind action.yml (GitHub Action, composite): unpacks the safeload CLI distribution and
# scans the given paths, writing SARIF for code scanning. Needs no Java on the runner: the archive
# carries its own runtime. Inputs come from the environment, as the action passes them:
#   INPUT_ARCHIVE  the safeload-VERSION-bin.tar.gz to use (required)
#   INPUT_PATHS    paths to scan, separated by spaces or new lines (required)
#   INPUT_SARIF    where to write the SARIF report (default safeload.sarif)
#   INPUT_ARGS     extra arguments for 'safeload scan' (e.g. --policy safeload.json), split on spaces
# Writes exit-code=N and sarif=PATH to $GITHUB_OUTPUT when it is set, and exits with safeload's exit
# code (0 accepted, 1 rejected, 2 usage or I/O error), after the report is written.
set -euo pipefail
archive="${INPUT_ARCHIVE:?INPUT_ARCHIVE must name the safeload distribution archive}"
paths="${INPUT_PATHS:?INPUT_PATHS must name what to scan}"
sarif="${INPUT_SARIF:-safeload.sarif}"
work="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/safeload-action"
mkdir -p "$work"
tar xzf "$archive" -C "$work"
bin=""
for candidate in "$work"/safeload-*/bin/safeload; do
  bin="$candidate"
done
if [[ -z "$bin" || ! -x "$bin" ]]; then
  echo "safeload-action: no bin/safeload in $archive" >&2
  exit 2
fi
read -r -a targets <<< "$(echo $paths)"
extra=()
if [[ -n "${INPUT_ARGS:-}" ]]; then
  read -r -a extra <<< "$INPUT_ARGS"
fi
status=0
"$bin" scan "${extra[@]}" --format sarif --output "$sarif" "${targets[@]}" || status=$?
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  { echo "exit-code=$status"; echo "sarif=$sarif"; } >> "$GITHUB_OUTPUT"
fi
exit "$status"
