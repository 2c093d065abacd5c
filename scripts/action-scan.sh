#!/usr/bin/env bash
# The logic of the GitHub Action (action.yml), kept here so that it is tested outside GitHub
# (cli module: ActionScanScriptTest). Inputs come as INPUT_* variables; results go to $GITHUB_OUTPUT
# (report, verdict, findings, fail) and a short summary to $GITHUB_STEP_SUMMARY.
#
# It runs `safeload scan --format FORMAT --output REPORT [ARGS] PATH`. A rejection does not fail this
# step (so that the SARIF is still uploaded): it sets fail=true and the action's last step fails the
# job, unless fail-on is 'never'. Usage and I/O errors (exit 2) fail this step at once.
set -euo pipefail

path="${INPUT_PATH:?the action needs the input 'path'}"
format="${INPUT_FORMAT:-sarif}"
fail_on="${INPUT_FAIL_ON:-rejected}"
cli_input="${INPUT_CLI:-}"
out_file="${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set (not running in GitHub Actions?)}"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
tmp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"

case "$format" in
  sarif | json | table) ;;
  *) echo "safeload action: format must be sarif, json or table, not '$format'" >&2; exit 2 ;;
esac
case "$fail_on" in
  rejected | never) ;;
  *) echo "safeload action: fail-on must be 'rejected' or 'never', not '$fail_on'" >&2; exit 2 ;;
esac

# Which command: a distribution archive is unpacked once into the runner's temp directory.
if [[ -z "$cli_input" ]]; then
  cli="$here/../safeload"
elif [[ "$cli_input" == *.tar.gz || "$cli_input" == *.tgz || "$cli_input" == *.zip ]]; then
  dist="$tmp/safeload-dist"
  rm -rf "$dist"
  mkdir -p "$dist"
  if [[ "$cli_input" == *.zip ]]; then
    unzip -q "$cli_input" -d "$dist"
  else
    tar -xzf "$cli_input" -C "$dist"
  fi
  cli="$(find "$dist" -path '*/bin/safeload' -type f | head -n 1)"
  [[ -n "$cli" ]] || { echo "safeload action: no bin/safeload in $cli_input" >&2; exit 2; }
else
  cli="$cli_input"
fi

ext="$format"
[[ "$format" == table ]] && ext=txt
report="$tmp/safeload-report.$ext"
extra=()
if [[ -n "${INPUT_ARGS:-}" ]]; then
  # Word splitting on purpose: the input is a list of CLI arguments (no quoting inside).
  read -r -a extra <<< "$INPUT_ARGS"
fi

set +e
"$cli" scan --format "$format" --output "$report" ${extra[@]+"${extra[@]}"} "$path"
rc=$?
set -e

case "$rc" in
  0) verdict=accepted ;;
  1) verdict=rejected ;;
  *) verdict=error ;;
esac
findings=0
if [[ "$format" == sarif && -f "$report" ]]; then
  # grep exits 1 when there is no result at all; that is a count of 0, not an error.
  findings="$({ grep -o '"ruleId"' "$report" || true; } | wc -l | tr -d ' ')"
fi
fail=false
if [[ "$verdict" == rejected && "$fail_on" == rejected ]]; then
  fail=true
fi

{
  [[ -f "$report" ]] && echo "report=$report"
  echo "verdict=$verdict"
  echo "findings=$findings"
  echo "fail=$fail"
} >> "$out_file"
{
  echo "### safeload: \`$path\` $verdict"
  if [[ "$format" == sarif ]]; then
    echo "$findings finding(s); report: \`$(basename "$report")\` (uploaded to code scanning when enabled)."
  fi
} >> "$summary"

if [[ "$verdict" == error ]]; then
  echo "safeload action: the CLI failed with exit $rc (usage or I/O error)" >&2
  exit "$rc"
fi
exit 0
