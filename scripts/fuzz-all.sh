#!/usr/bin/env bash
# Runs every Jazzer fuzz target (or the ones named) for longer than the default build does, one after
# the other, and stops at the first finding. Usage, from anywhere:
#   scripts/fuzz-all.sh [SECONDS] [TargetClass ...]       # default: 300 s each, every *FuzzTest
# Needs a prior `mvn -B install -DskipTests` (the targets run against the installed modules).
#
# Why the odd properties: @FuzzTest(maxDuration) is a compile-time constant (5 s, the default build's
# budget), and jazzer-junit 0.24 has no supported switch for a longer run. Its jazzer.internal.arg.N
# properties are passed to libFuzzer as its command line (arg.0 stands for argv[0]), and libFuzzer
# takes the last -max_total_time it is given.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-300}"
shift || true

cd "$root"
mapfile -t files < <(git ls-files '*FuzzTest.java')
for f in "${files[@]}"; do
  class="$(basename "$f" .java)"
  if [[ $# -gt 0 ]] && [[ ! " $* " == *" $class "* ]]; then
    continue
  fi
  module="${f%%/*}"
  echo "== $module $class: ${seconds}s" >&2
  log="$root/$module/target/fuzz-$class.log"
  mkdir -p "$(dirname "$log")"
  if ! JAZZER_FUZZ=1 mvn -B -q -pl "$module" surefire:test@fuzz -Dtest="$class" \
      -Djazzer.internal.arg.0=fuzz-all -Djazzer.internal.arg.1=-max_total_time="$seconds" > "$log" 2>&1; then
    echo "FINDING or failure in $class; see $log (the reproducer is under $module/src/test/resources)" >&2
    exit 1
  fi
  grep -E '^Done [0-9]+ runs' "$log" | tail -1 | sed "s/^/   $class: /" >&2
done
