package dev.safeload.verify.signing;

import static dev.safeload.verify.signing.VerifierBugClassesTest.sigstoreBundle;
import static dev.safeload.verify.signing.VerifierBugClassesTest.verifySigstore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.x509.Keys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Transparency-log material a bundle carries is attacker-chosen until it has verified: a malformed
 * checkpoint signature line or PEM text in a log entry body is a rejection with the log's reason,
 * never an unchecked exception (which {@link ModelSignatureVerifier#forModel} would throw to its
 * caller before any finding exists).
 */
class MalformedLogMaterialTest {
  private static final String SIG_LINE = "\\u2014 rekor.sigstore.dev "; // as escaped in the JSON

  /** A checkpoint signature line holding the em dash and a space only. */
  @Test
  void checkpointSignatureLineWithoutNameOrSignature() throws Exception {
    String b = sigstoreBundle("v1.0.1-sigstore");
    int at = b.indexOf(SIG_LINE);
    assertTrue(at > 0);
    String bad = b.substring(0, at) + "\\u2014 \\n" + b.substring(at);
    OmsGoldenTest.assertRejected(
        verifySigstore("v1.0.1-sigstore", bad), VerifyReason.SIGSTORE_CHECKPOINT_INVALID);
    SignatureVerificationException e =
        assertThrows(
            SignatureVerificationException.class,
            () ->
                ModelSignatureVerifier.of(OmsGoldenTest.sigstorePolicy().build())
                    .verifySignature(bad.getBytes(StandardCharsets.UTF_8)));
    assertEquals(VerifyReason.SIGSTORE_CHECKPOINT_INVALID, e.reason());
  }

  /**
   * A log entry body whose signer PEM has its END marker overlapping the BEGIN marker's dashes
   * ({@code -----BEGIN CERTIFICATE-----END CERTIFICATE-----}): the body is compared before the SET
   * or inclusion proof is checked, so any bundle can carry it.
   */
  @Test
  void logEntrySignerPemWithOverlappingMarkers() throws Exception {
    String b = sigstoreBundle("v1.1.0-sigstore");
    int start = b.indexOf("\"canonicalizedBody\":\"") + "\"canonicalizedBody\":\"".length();
    int end = b.indexOf('"', start);
    String body =
        new String(Base64.getDecoder().decode(b.substring(start, end)), StandardCharsets.UTF_8);
    int from = body.indexOf("\"verifier\":\"") + "\"verifier\":\"".length();
    int to = body.indexOf('"', from);
    assertTrue(from > 20 && to > from, body);
    String pem = "-----BEGIN CERTIFICATE-----END CERTIFICATE-----";
    String forged =
        body.substring(0, from)
            + Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII))
            + body.substring(to);
    String bad =
        b.substring(0, start)
            + Base64.getEncoder().encodeToString(forged.getBytes(StandardCharsets.UTF_8))
            + b.substring(end);
    OmsGoldenTest.assertRejected(
        verifySigstore("v1.1.0-sigstore", bad), VerifyReason.SIGSTORE_TLOG_ENTRY_MISMATCH);
  }

  @Test
  void pemBlockWhoseEndOverlapsItsBegin() {
    SignatureVerificationException e =
        assertThrows(
            SignatureVerificationException.class,
            () ->
                Keys.pemBlocks(
                    "-----BEGIN CERTIFICATE-----END CERTIFICATE-----",
                    "CERTIFICATE",
                    VerifyReason.SIGSTORE_TLOG_ENTRY_MISMATCH));
    assertEquals(VerifyReason.SIGSTORE_TLOG_ENTRY_MISMATCH, e.reason());
  }

  /**
   * A JSON number whose exponent overflows BigDecimal's ({@code 1e9999999999}, 12 characters)
   * anywhere in a bundle, trusted root or revocation feed: NumberFormatException escaped the JSON
   * reader (from {@code TrustedRoot.parse} and {@code RevocationList.parse} to their callers).
   */
  @Test
  void numberWithAnOverflowingExponent() throws Exception {
    String b = sigstoreBundle("v1.1.0-sigstore");
    String bad = "{\"x\":1e9999999999," + b.substring(1);
    SignatureVerificationException e =
        assertThrows(
            SignatureVerificationException.class,
            () ->
                dev.safeload.verify.internal.sigstore.Bundle.parse(
                    bad.getBytes(StandardCharsets.UTF_8)));
    assertEquals(VerifyReason.SIGNATURE_BUNDLE_INVALID, e.reason());
    e =
        assertThrows(
            SignatureVerificationException.class,
            () ->
                RevocationList.parse(
                    "{\"version\":1e-9999999999,\"revoked\":[]}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(VerifyReason.REVOKED_FEED_INVALID, e.reason());
    e =
        assertThrows(
            SignatureVerificationException.class,
            () ->
                dev.safeload.verify.internal.sigstore.TrustedRoot.parse(
                    "{\"mediaType\":1E+9999999999}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(VerifyReason.SIGSTORE_TRUSTED_ROOT_INVALID, e.reason());
  }
}
