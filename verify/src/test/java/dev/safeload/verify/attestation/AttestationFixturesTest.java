package dev.safeload.verify.attestation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the attestation fixtures other modules' tests read (they cannot build a Sigstore instance
 * of their own without this module's test code): a trusted root of a fresh {@link TestSigstore} and
 * bundles attesting the CLI tests' toy model. Run only on request:
 *
 * <pre>
 * mvn -o -q -Pquick -pl verify -am test -Dtest=AttestationFixturesTest -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dsafeload.writeAttestationFixtures=$PWD/cli/src/test/resources/attestation
 * </pre>
 *
 * The outputs stay valid: verification uses the signed times inside them, never the clock.
 */
class AttestationFixturesTest {
  /** The toy model the CLI test writes: name, content. */
  static final List<String[]> TOY =
      List.of(
          new String[] {"weights.toy", "TOY!weights"}, new String[] {"sub/more.toy", "TOY!more"});

  @Test
  @EnabledIfSystemProperty(named = "safeload.writeAttestationFixtures", matches = ".+")
  void write() throws Exception {
    Path out =
        Files.createDirectories(Path.of(System.getProperty("safeload.writeAttestationFixtures")));
    TestSigstore s = new TestSigstore();
    String root = s.trustedRootJson();
    Files.writeString(out.resolve("trusted_root.json"), root);
    TestSigstore.Build good = toy(new TestSigstore.Build());
    Files.writeString(out.resolve("model.intoto.jsonl"), s.bundle(good) + "\n");
    TestSigstore.Build selfHosted = toy(new TestSigstore.Build());
    selfHosted.runner = "self-hosted";
    Files.writeString(out.resolve("self-hosted.intoto.jsonl"), s.bundle(selfHosted) + "\n");
    // What was written verifies.
    AttestationPolicy p =
        AttestationPolicy.repository("acme/models", root.getBytes(StandardCharsets.UTF_8)).build();
    assertEquals(
        1,
        AttestationVerifier.of(p)
            .withBundles(out.resolve("model.intoto.jsonl"))
            .attestations()
            .size());
  }

  static TestSigstore.Build toy(TestSigstore.Build b) {
    TOY.forEach(f -> b.subject(f[0], f[1].getBytes(StandardCharsets.UTF_8)));
    return b;
  }
}
