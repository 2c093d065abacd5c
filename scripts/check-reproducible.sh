#!/usr/bin/env bash
# Reproducible builds: builds the release artifacts twice from clean and compares them byte for byte
# (every jar of the published modules, the Maven BOM's pom, the CLI distribution archive). The root pom's
# project.build.outputTimestamp fixes every archive entry's time; a difference means something in the
# build depends on the clock, the machine or the order of a directory listing.
#   scripts/check-reproducible.sh            # the whole reactor (tests skipped)
#   scripts/check-reproducible.sh -pl cli -am  # a part of it: extra arguments go to both mvn runs
# Exit 0 if both builds are identical, 1 with the differing files listed otherwise.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$root"
work="$(mktemp -d "${TMPDIR:-/tmp}/safeload-repro.XXXXXX")"
trap 'rm -rf "$work"' EXIT

build() {
  mvn -B -q -DskipTests -Dsafeload.skipFuzz=true clean package "$@" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
}

# The artifacts a release publishes: skip the modules that are not published (integration, benchmarks).
collect() {
  find . -path ./integration -prune -o -path ./benchmarks -prune -o \
    -path '*/target/*' -type f \( -name '*.jar' -o -name '*.tar.gz' \) -print |
    grep -v '/target/dist/' | LC_ALL=C sort | xargs -r sha256sum
}

echo "reproducible: first build" >&2
build "$@"
collect > "$work/first"
echo "reproducible: second build" >&2
build "$@"
collect > "$work/second"

if [[ ! -s "$work/first" ]]; then
  echo "reproducible: no artifacts were built" >&2
  exit 1
fi
if diff -u "$work/first" "$work/second" >&2; then
  echo "reproducible: $(wc -l < "$work/first") artifacts identical in both builds"
  exit 0
fi
echo "reproducible: the builds differ (see above)" >&2
exit 1
