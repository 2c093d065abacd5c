package dev.safeload.verify.attestation;

import static dev.safeload.verify.attestation.AttestationPolicyTest.assertOnly;
import static dev.safeload.verify.attestation.AttestationPolicyTest.build;
import static dev.safeload.verify.attestation.AttestationPolicyTest.model;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.verify.VerifyReason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Sigstore instance whose trusted root lists a CA and a timestamp authority but no transparency
 * log and no CT log, as GitHub's own does (artifact attestations of private repositories): its
 * bundles carry an RFC 3161 timestamp, no log entry and no SCT, and {@code gh attestation verify}
 * accepts them. Under such a root no log entry or SCT could ever verify, so none is asked for; the
 * timestamp is then the one signing time, and still required. A root that lists logs still requires
 * an entry from one.
 */
class TimestampOnlyInstanceTest {
  static TestSigstore sigstore;
  static byte[] timestampOnlyRoot;
  static byte[] fullRoot;

  @BeforeAll
  static void instance() throws Exception {
    sigstore = new TestSigstore();
    timestampOnlyRoot = sigstore.timestampOnlyTrustedRootJson().getBytes(StandardCharsets.UTF_8);
    // The full instance's root (log, CT log) with the timestamp authority added.
    String tsOnly = sigstore.timestampOnlyTrustedRootJson();
    String tsas =
        tsOnly.substring(tsOnly.indexOf("\"timestampAuthorities\":"), tsOnly.length() - 1);
    fullRoot =
        sigstore
            .trustedRootJson()
            .replace("\"timestampAuthorities\":[]", tsas)
            .getBytes(StandardCharsets.UTF_8);
  }

  static ProvenanceResult run(byte[] root, Consumer<TestSigstore.Build> change) throws Exception {
    TestSigstore.Build b = build();
    b.timestampOnly = true;
    change.accept(b);
    return AttestationVerifier.of(AttestationPolicy.repository("acme/models", root).build())
        .withBundle(sigstore.bundle(b).getBytes(StandardCharsets.UTF_8), "test.sigstore.json")
        .verify(model());
  }

  @Test
  void aTimestampedBundleOfATimestampOnlyInstanceIsAccepted() throws Exception {
    ProvenanceResult r = run(timestampOnlyRoot, b -> {});
    assertEquals(List.of(), r.findings());
    assertEquals(Set.of("model.bin", "config.json"), r.proven());
  }

  @Test
  void withoutItsTimestampThereIsNoSigningTime() throws Exception {
    assertOnly(
        run(timestampOnlyRoot, b -> b.noTimestamp = true), VerifyReason.SIGSTORE_NO_VERIFIED_TIME);
  }

  @Test
  void aRootThatListsLogsStillRequiresAnEntry() throws Exception {
    assertOnly(run(fullRoot, b -> {}), VerifyReason.SIGSTORE_TLOG_INVALID);
  }
}
