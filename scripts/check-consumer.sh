#!/usr/bin/env bash
# Release check: a Maven project OUTSIDE this repository consumes the installed safeload artifacts the
# way a user's project does: it imports the Maven BOM (safeload-bom), runs the test kit
# (safeload-junit: @ModelFiles + ModelAssertions) in its tests and the plugin (safeload-maven-plugin,
# goal verify) in its build.
#   scripts/check-consumer.sh            # builds and installs this checkout, then runs the checks
#   KEEP=1 scripts/check-consumer.sh     # keeps the scratch directory (its path is printed)
#   REUSE=DIR scripts/check-consumer.sh  # reuses the build and repository of a kept scratch directory
# The README blocks are read from the working tree; the artifacts are built from the committed HEAD.
#
# Nothing is written to ~/.m2: the artifacts are installed into a TEMPORARY local repository, and every
# other artifact (third-party libraries, Maven plugins) is copied into it from ~/.m2/repository through a
# file:// mirror, so the check runs without the network (it needs what an offline build of this checkout
# needs, plus junit-jupiter 5.11.4 and the default Maven plugins, all in ~/.m2 after one build).
#
# Checks, each on a fresh copy of the scratch project:
#   1. clean model: `mvn verify` passes; the test kit ran one case per model file; the plugin accepted the
#      model and wrote target/safeload.sarif and the AI-BOM.
#   2. planted duplicate-key safetensors, tests skipped: the plugin fails the build with
#      [SAFETENSORS_DUPLICATE_KEY] and the file's path in the log, and the SARIF names the rule.
#   3. the same planted file, `mvn test`: the test kit fails naming SAFETENSORS_DUPLICATE_KEY.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
user_repo="${HOME}/.m2/repository"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/safeload-consumer.XXXXXX")"
if [[ "${KEEP:-}" == 1 ]]; then
  echo "check-consumer: scratch directory $scratch (kept)"
else
  trap 'rm -rf "$scratch"' EXIT
fi
fail() { echo "check-consumer: FAILED: $*" >&2; exit 1; }

m2="$scratch/m2"
mkdir -p "$m2"
cat > "$scratch/settings.xml" <<XML
<settings>
  <localRepository>$m2</localRepository>
  <mirrors>
    <mirror><id>user-local</id><mirrorOf>*</mirrorOf><url>file://$user_repo</url></mirror>
  </mirrors>
</settings>
XML
mvn_() { mvn -B -ntp -s "$scratch/settings.xml" -Dmaven.repo.local="$m2" "$@"; }

version="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/pom.xml" | head -1)"
[[ -n "$version" ]] || fail "no version in $root/pom.xml"

# The artifacts are built from the committed HEAD (a release is built from a commit), in a copy, so that
# edits in the working tree neither leak in nor get in the way.
src="$scratch/src"
if [[ -n "${REUSE:-}" ]]; then
  [[ -d "$REUSE/m2/dev/safeload" && -f "$REUSE/src/cli/target/safeload.jar" ]] || fail "REUSE=$REUSE holds no build"
  rm -rf "$m2"
  m2="$REUSE/m2" src="$REUSE/src"
  sed -i "s|<localRepository>.*</localRepository>|<localRepository>$m2</localRepository>|" "$scratch/settings.xml"
  echo "check-consumer: reusing the artifacts in $m2 (built from $(cat "$REUSE/src/.head" 2>/dev/null || echo '?'))"
else
  mkdir -p "$src"
  git -C "$root" archive HEAD | tar -x -C "$src"
  git -C "$root" rev-parse --short HEAD > "$src/.head"
  echo "check-consumer: installing safeload $version (HEAD $(cat "$src/.head")) into $m2 (not ~/.m2)"
  # -Pquick: no fuzzing, format or Javadoc checks (the release build runs those); no CLI distribution
  # (not a Maven artifact users consume). integration and benchmarks are not published.
  (cd "$src" && mvn_ -q -Pquick -DskipTests -Dsafeload.skipDist=true \
    -pl '!integration,!benchmarks' install) > "$scratch/install.log" 2>&1 \
    || { tail -50 "$scratch/install.log"; fail "installing the artifacts"; }
fi
for a in safeload-bom safeload-parent safeload-api safeload-formats safeload-verify safeload-aibom \
         safeload-junit safeload-maven-plugin safeload-cli; do
  [[ -f "$m2/dev/safeload/$a/$version/$a-$version.pom" ]] || fail "$a $version was not installed"
done

project="$scratch/template"
models="$project/src/main/resources/models"
mkdir -p "$project/src/test/java/example" "$models/tiny"
# The README's own blocks, verbatim: the BOM import and dependencies of "Install" (the library), and the
# plugin of "Gating models in CI" (with its <pins> and <ignore>). Only the release version in the
# import becomes this build's version.
readme_block() { # $1: a heading; prints the first ```xml block after it
  awk -v h="$1" '$0 == h {on = 1} on && /^```xml$/ {grab = 1; next} grab && /^```$/ {exit} grab {print}' \
    "$root/README.md"
}
install_xml="$(readme_block '## Install')"
plugin_xml="$(readme_block '## Gating models in CI')"
[[ "$install_xml" == *"<artifactId>safeload-bom</artifactId>"* ]] || fail "no BOM import block in the README's Install"
[[ "$plugin_xml" == *"<artifactId>safeload-maven-plugin</artifactId>"* ]] || fail "no plugin block in the README's CI section"
dependency_management="$(sed -n '/<dependencyManagement>/,/<\/dependencyManagement>/p' <<< "$install_xml" \
  | sed "s|<version>[0-9][^<]*</version>|<version>$version</version>|")"
readme_dependencies="$(sed -n '/<\/dependencyManagement>/,$p' <<< "$install_xml" \
  | sed -n '/^<dependencies>/,/^<\/dependencies>/p' | sed '1d;$d')"
[[ "$dependency_management" == *"<version>$version</version>"* ]] || fail "cannot set the BOM version"
[[ -n "$readme_dependencies" ]] || fail "no dependencies in the README's Install block"
cat > "$project/pom.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>model-consumer</artifactId>
  <version>1.0</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
    <safeload.version>$version</safeload.version>
  </properties>
<!-- From the README (Install). -->
$dependency_management
  <dependencies>
<!-- From the README (Install). -->
$readme_dependencies
    <!-- The test kit (README: "In your tests"); its version from the BOM. -->
    <dependency>
      <groupId>dev.safeload</groupId>
      <artifactId>safeload-junit</artifactId>
      <scope>test</scope>
    </dependency>
    <dependency>
      <groupId>org.junit.jupiter</groupId>
      <artifactId>junit-jupiter</artifactId>
      <version>5.11.4</version>
      <scope>test</scope>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <!-- Maven 3.8's default plugin versions predate Java 17 and JUnit 5. -->
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.14.1</version></plugin>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-jar-plugin</artifactId><version>3.4.2</version></plugin>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId><version>3.5.4</version></plugin>
<!-- From the README (Gating models in CI). -->
$plugin_xml
    </plugins>
  </build>
</project>
XML
cat > "$project/src/test/java/example/ShippedModelsTest.java" <<'JAVA'
package example;

import dev.safeload.junit.ModelAssertions;
import dev.safeload.junit.ModelFiles;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;

class ShippedModelsTest {
  @ParameterizedTest
  @ModelFiles(value = "src/main/resources/models", glob = "**.safetensors")
  void shippedModelsAreAccepted(Path model) {
    ModelAssertions.assertAccepted(model);
  }
}
JAVA
safetensors() { # header JSON -> a safetensors file with 8 data bytes (one F32[2] tensor)
  local h="$1" n
  n=${#h}
  printf "\\x$(printf %02x $((n & 255)))\\x$(printf %02x $((n >> 8)))\\0\\0\\0\\0\\0\\0%s\\0\\0\\0\\0\\0\\0\\0\\0" "$h"
}
safetensors '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}' > "$models/tiny/model.safetensors"
echo "# tiny" > "$models/tiny/README.md"   # left out by the README block's <ignore>*.md</ignore>
# The README block verifies against models.pins.json: pinned as the README says, with the CLI just built.
(cd "$project" && java -jar "$src/cli/target/safeload.jar" pin --ignore '*.md' src/main/resources/models/tiny \
  > models.pins.json) || fail "safeload pin"

copy() { rm -rf "$scratch/$1"; cp -R "$project" "$scratch/$1"; echo "$scratch/$1"; }

echo "check-consumer: 1. clean model: mvn verify must pass"
p="$(copy clean)"
(cd "$p" && mvn_ -nsu verify) > "$p/build.log" 2>&1 || { tail -60 "$p/build.log"; fail "the clean project failed"; }
grep -q 'Tests run: 1, Failures: 0, Errors: 0' "$p/build.log" || fail "the test kit did not run one case"
grep -Eq 'safeload: src/main/resources/models/tiny: accepted \([0-9]+ files, every one proven\)' "$p/build.log" \
  || { tail -40 "$p/build.log"; fail "the plugin did not accept and prove the model"; }
[[ -s "$p/target/safeload.sarif" && -s "$p/target/safeload-aibom.cdx.json" ]] || fail "no SARIF or AI-BOM"
grep -q '"results":\[\]' "$p/target/safeload.sarif" || fail "the clean SARIF has results"

dup='{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'

echo "check-consumer: 2. planted duplicate key: the plugin must fail the build with the reason code"
p="$(copy plugin-dup)"
safetensors "$dup" > "$p/src/main/resources/models/tiny/model.safetensors"
if (cd "$p" && mvn_ -nsu -DskipTests verify) > "$p/build.log" 2>&1; then
  tail -40 "$p/build.log"; fail "the plugin passed a duplicate-key file"
fi
grep -q '\[SAFETENSORS_DUPLICATE_KEY\] src/main/resources/models/tiny/model.safetensors' "$p/build.log" \
  || { tail -40 "$p/build.log"; fail "no [SAFETENSORS_DUPLICATE_KEY] and file in the log"; }
grep -q '1 of 1 model(s) rejected' "$p/build.log" || fail "the failure does not count the rejected model"
grep -q '"ruleId":"SAFETENSORS_DUPLICATE_KEY"' "$p/target/safeload.sarif" || fail "the SARIF lacks the rule"

echo "check-consumer: 3. planted duplicate key: the test kit must fail with the reason code"
p="$(copy testkit-dup)"
safetensors "$dup" > "$p/src/main/resources/models/tiny/model.safetensors"
if (cd "$p" && mvn_ -nsu test) > "$p/build.log" 2>&1; then
  tail -40 "$p/build.log"; fail "the test kit passed a duplicate-key file"
fi
grep -q 'Tests run: 1, Failures: 1' "$p/build.log" || { tail -40 "$p/build.log"; fail "the test case did not fail"; }
grep -q 'SAFETENSORS_DUPLICATE_KEY' "$p/build.log" || fail "the test failure does not name SAFETENSORS_DUPLICATE_KEY"

# Nothing of ours leaked into the user's repository through this run.
if [[ -n "$(find "$user_repo/dev/safeload" -newer "$scratch/settings.xml" -type f 2>/dev/null | head -1)" ]]; then
  fail "a dev.safeload file in $user_repo changed during the check"
fi
echo "check-consumer: OK: safeload $version through safeload-bom: clean model passes (test kit + plugin);"
echo "  a duplicate-key safetensors fails the plugin and the test kit with SAFETENSORS_DUPLICATE_KEY"
