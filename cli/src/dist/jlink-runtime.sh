#!/usr/bin/env bash
# Builds the CLI distribution's Java runtime image with jlink (bound to the package phase by cli/pom.xml):
#   jlink-runtime.sh JAVA_HOME CLI_JAR OUT_DIR
# The modules are the ones jdeps finds the CLI jar needs, plus service providers that jdeps cannot see
# (jdk.crypto.ec: the SunEC provider that PKIX certificate-chain validation of EC certificates uses).
# The image has no debug symbols, man pages or headers. It gets the JDK's class-data archive
# (--generate-cds-archive, lib/server/classes.jsa): without it every JDK class the CLI uses would be
# parsed and verified at each start. It is rebuilt only when the jar is newer.
set -euo pipefail
java_home="$1" jar="$2" out="$3"
image="$out/runtime"
stamp="$out/runtime.modules"
if [[ -d "$image" && -f "$stamp" && "$stamp" -nt "$jar" ]]; then
  exit 0
fi
rm -rf "$image" "$stamp"
mkdir -p "$out"
found="$("$java_home/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 17 "$jar")"
modules="$found,jdk.crypto.ec"
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=2 --generate-cds-archive --output "$image"
echo "$modules" > "$stamp"
echo "safeload: runtime image with $modules" >&2
