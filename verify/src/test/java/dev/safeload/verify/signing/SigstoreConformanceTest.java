package dev.safeload.verify.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.safeload.ReasonCode;
import dev.safeload.testing.SharedVectors;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.intoto.OmsManifest;
import dev.safeload.verify.internal.json.Json;
import dev.safeload.verify.internal.json.JsonObject;
import dev.safeload.verify.internal.sigstore.Bundle;
import dev.safeload.verify.internal.sigstore.BundleVerifier;
import dev.safeload.verify.internal.sigstore.TrustedRoot;
import dev.safeload.verify.internal.x509.Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * sigstore-conformance {@code bundle-verify}: every case, run offline. Names ending in {@code
 * _fail} must be rejected, all others accepted.
 */
class SigstoreConformanceTest {
  static final String DEFAULT_IDENTITY =
      "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
  static final String DEFAULT_ISSUER = "https://token.actions.githubusercontent.com";

  /**
   * Why each {@code _fail} case is rejected: the check its name and README describe, so that a case
   * refused for an unrelated reason (a harness or parsing problem hiding the check it tests) fails
   * the test. Every {@code _fail} case must be listed.
   */
  static final Map<String, ReasonCode> EXPECTED =
      Map.ofEntries(
          Map.entry("bundle-empty-certificate-chain_fail", VerifyReason.SIGNATURE_BUNDLE_INVALID),
          Map.entry("bundle-from-wrong-instance_fail", VerifyReason.SIGNATURE_CERT_CHAIN_INVALID),
          Map.entry("bundle-invalid-base64-signature_fail", VerifyReason.SIGNATURE_BUNDLE_INVALID),
          Map.entry("bundle-malformed-json_fail", VerifyReason.SIGNATURE_BUNDLE_INVALID),
          Map.entry("bundle-negative-log-index_fail", VerifyReason.SIGNATURE_BUNDLE_INVALID),
          Map.entry(
              "bundle-unknown-version_fail", VerifyReason.SIGNATURE_BUNDLE_VERSION_UNSUPPORTED),
          Map.entry("bundle-with-root-cert_fail", VerifyReason.SIGNATURE_CERT_CHAIN_INVALID),
          Map.entry("checkpoint-bad-keyhint_fail", VerifyReason.SIGSTORE_CHECKPOINT_INVALID),
          Map.entry("checkpoint-wrong-roothash_fail", VerifyReason.SIGSTORE_CHECKPOINT_INVALID),
          Map.entry("dsse-invalid-sig_fail", VerifyReason.SIGNATURE_INVALID),
          Map.entry("dsse-mismatch-envelope_fail", VerifyReason.SIGSTORE_TLOG_ENTRY_MISMATCH),
          Map.entry("dsse-mismatch-sig_fail", VerifyReason.SIGSTORE_TLOG_ENTRY_MISMATCH),
          Map.entry(
              "inclusion-proof-corrupted-hash_fail", VerifyReason.SIGSTORE_INCLUSION_PROOF_INVALID),
          Map.entry("incorrect-public-key_fail", VerifyReason.SIGSTORE_TLOG_ENTRY_MISMATCH),
          Map.entry("integrated-time-in-future_fail", VerifyReason.SIGSTORE_TIME_OUTSIDE_VALIDITY),
          Map.entry("intoto-expired-certificate_fail", VerifyReason.SIGSTORE_TIME_OUTSIDE_VALIDITY),
          Map.entry("intoto-log-entry-mismatch_fail", VerifyReason.SIGSTORE_TLOG_ENTRY_MISMATCH),
          Map.entry(
              "intoto-missing-inclusion-proof_fail", VerifyReason.SIGSTORE_INCLUSION_PROOF_INVALID),
          Map.entry(
              "intoto-set-outside-signing-cert-validity_fail",
              VerifyReason.SIGSTORE_TIME_OUTSIDE_VALIDITY),
          Map.entry(
              "intoto-tsa-timestamp-outside-cert-validity_fail",
              VerifyReason.SIGSTORE_TIME_OUTSIDE_VALIDITY),
          Map.entry("invalid-checkpoint-signature_fail", VerifyReason.SIGSTORE_CHECKPOINT_INVALID),
          Map.entry("invalid-ct-key_fail", VerifyReason.SIGSTORE_SCT_INVALID),
          Map.entry("invalid-inclusion-proof_fail", VerifyReason.SIGSTORE_INCLUSION_PROOF_INVALID),
          Map.entry("managed-key-no-key_fail", VerifyReason.SIGNATURE_KEY_MISMATCH),
          Map.entry("managed-key-wrong-key_fail", VerifyReason.SIGNATURE_INVALID),
          Map.entry("message-digest-mismatch_fail", VerifyReason.SIGSTORE_ARTIFACT_MISMATCH),
          Map.entry(
              "rekor2-checkpoint-missing-log-signature_fail",
              VerifyReason.SIGSTORE_CHECKPOINT_INVALID),
          Map.entry(
              "rekor2-checkpoint-missing-origin_fail", VerifyReason.SIGSTORE_CHECKPOINT_INVALID),
          Map.entry(
              "rekor2-checkpoint-missing-root-hash_fail", VerifyReason.SIGSTORE_CHECKPOINT_INVALID),
          Map.entry(
              "rekor2-checkpoint-missing-size_fail", VerifyReason.SIGSTORE_CHECKPOINT_INVALID),
          Map.entry(
              "rekor2-checkpoint-no-matching-signature_fail",
              VerifyReason.SIGSTORE_CHECKPOINT_INVALID),
          Map.entry("rekor2-dsse-invalid-sig_fail", VerifyReason.SIGNATURE_INVALID),
          Map.entry(
              "rekor2-dsse-mismatch-envelope_fail", VerifyReason.SIGSTORE_TLOG_ENTRY_MISMATCH),
          Map.entry("rekor2-dsse-mismatch-sig_fail", VerifyReason.SIGSTORE_TLOG_ENTRY_MISMATCH),
          Map.entry(
              "rekor2-no-inclusion-proof_fail", VerifyReason.SIGSTORE_INCLUSION_PROOF_INVALID),
          Map.entry("rekor2-no-timestamp_fail", VerifyReason.SIGSTORE_NO_VERIFIED_TIME),
          Map.entry(
              "rekor2-timestamp-outside-trust-root-tsa-validity_fail",
              VerifyReason.SIGSTORE_TIMESTAMP_INVALID),
          Map.entry(
              "rekor2-timestamp-outside-tsa-cert-validity_fail",
              VerifyReason.SIGSTORE_TIMESTAMP_INVALID),
          Map.entry(
              "rekor2-timestamp-payload-mismatch_fail", VerifyReason.SIGSTORE_TIMESTAMP_INVALID),
          Map.entry(
              "rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail",
              VerifyReason.SIGSTORE_TIMESTAMP_INVALID),
          Map.entry(
              "rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail",
              VerifyReason.SIGSTORE_TIMESTAMP_INVALID),
          Map.entry(
              "rekor2-timestamp-with-incorrect-time_fail",
              VerifyReason.SIGSTORE_TIME_OUTSIDE_VALIDITY),
          Map.entry("set-invalid-signature_fail", VerifyReason.SIGSTORE_TLOG_INVALID),
          Map.entry("signature-mismatch_fail", VerifyReason.SIGNATURE_INVALID),
          Map.entry(
              "trust-root-tlog-missing-validity-start_fail",
              VerifyReason.SIGSTORE_TRUSTED_ROOT_INVALID),
          Map.entry("wrong-hashedrekord-artifact_fail", VerifyReason.SIGSTORE_TLOG_ENTRY_MISMATCH),
          Map.entry(
              "wrong-hashedrekord-cert-and-sig_fail", VerifyReason.SIGSTORE_TLOG_ENTRY_MISMATCH),
          Map.entry("wrong-hashedrekord-entry_fail", VerifyReason.SIGSTORE_TLOG_ENTRY_MISMATCH),
          Map.entry("wrong-material_fail", VerifyReason.SIGSTORE_ARTIFACT_MISMATCH));

  @TestFactory
  Stream<DynamicTest> bundleVerify() throws Exception {
    Path base = SharedVectors.dir("sigstore/conformance/bundle-verify");
    Path publicGood = SharedVectors.dir("sigstore/public-good").resolve("trusted_root.json");
    List<Path> cases;
    try (Stream<Path> s = Files.list(base)) {
      cases = s.filter(Files::isDirectory).sorted().toList();
    }
    assertTrue(cases.size() >= 60, "expected the full conformance set, found " + cases.size());
    return cases.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.getFileName().toString(),
                    () -> {
                      String name = c.getFileName().toString();
                      boolean expectFail = name.endsWith("_fail");
                      if (expectFail) {
                        assertTrue(EXPECTED.containsKey(name), "no expected reason for " + name);
                      }
                      try {
                        run(c, base, publicGood);
                        if (expectFail) {
                          fail("accepted a bundle that must be rejected");
                        }
                      } catch (SignatureVerificationException e) {
                        if (expectFail) {
                          assertEquals(EXPECTED.get(name), e.reason(), e.getMessage());
                        }
                        System.out.println(
                            "conformance "
                                + c.getFileName()
                                + " -> "
                                + e.reason()
                                + ": "
                                + e.getMessage());
                        if (!expectFail) {
                          fail("rejected a valid bundle: " + e.reason() + " " + e.getMessage(), e);
                        }
                      }
                    }));
  }

  static void run(Path c, Path base, Path publicGood) throws Exception {
    Path artifactFile =
        Files.exists(c.resolve("artifact")) ? c.resolve("artifact") : base.resolve("a.txt");
    byte[] artifact = Files.readAllBytes(artifactFile);
    String identity =
        Files.exists(c.resolve("identity"))
            ? Files.readString(c.resolve("identity")).strip()
            : DEFAULT_IDENTITY;
    String issuer =
        Files.exists(c.resolve("issuer"))
            ? Files.readString(c.resolve("issuer")).strip()
            : DEFAULT_ISSUER;
    Path rootFile =
        Files.exists(c.resolve("trusted_root.json")) ? c.resolve("trusted_root.json") : publicGood;
    TrustedRoot root = TrustedRoot.parse(Files.readAllBytes(rootFile));
    List<PublicKey> keys = List.of();
    if (Files.exists(c.resolve("key.pub"))) {
      keys =
          List.of(
              Keys.publicKeyFromPem(
                  Files.readString(c.resolve("key.pub")), VerifyReason.SIGNATURE_KEY_MISMATCH));
    }
    Bundle b = Bundle.parse(Files.readAllBytes(c.resolve("bundle.sigstore.json")));
    BundleVerifier.Options o =
        new BundleVerifier.Options(
            keys,
            Set.of(),
            root,
            null,
            keys.isEmpty() ? identity : null,
            keys.isEmpty() ? issuer : null,
            null,
            null,
            false);
    if (b.dsse != null) {
      BundleVerifier.Verified v = BundleVerifier.verifyDsse(b, o);
      // The artifact is the statement's subject: its SHA-256 must be among the subjects' digests.
      JsonObject st =
          Json.parseObject(v.payload(), VerifyReason.SIGNATURE_STATEMENT_INVALID, "statement");
      if (!OmsManifest.STATEMENT_V1.equals(st.str("_type"))
          && !"https://in-toto.io/Statement/v0.1".equals(st.str("_type"))) {
        throw new SignatureVerificationException(
            VerifyReason.SIGNATURE_STATEMENT_INVALID, "not an in-toto statement");
      }
      String want = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(artifact));
      boolean found = false;
      for (JsonObject s : st.objects("subject", 1024)) {
        found |= want.equals(s.obj("digest").optStr("sha256"));
      }
      if (!found) {
        throw new SignatureVerificationException(
            VerifyReason.SIGSTORE_ARTIFACT_MISMATCH, "no subject matches the artifact");
      }
    } else {
      BundleVerifier.verifyMessage(b, o, artifact);
    }
  }

  @org.junit.jupiter.api.Test
  void malformedJsonIsABundleFinding() throws Exception {
    Path base = SharedVectors.dir("sigstore/conformance/bundle-verify");
    SignatureVerificationException e =
        assertThrows(
            SignatureVerificationException.class,
            () ->
                Bundle.parse(
                    Files.readAllBytes(
                        base.resolve("bundle-malformed-json_fail/bundle.sigstore.json"))));
    assertTrue(e.reason() == VerifyReason.SIGNATURE_BUNDLE_INVALID, e.reason().toString());
    assertTrue(new String(new byte[0], StandardCharsets.UTF_8).isEmpty());
  }
}
