package dev.safeload.verify.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.ReasonCode;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.dsse.Pae;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One negative test per verifier bug class in research/signing.md §6, each asserting the exact
 * reason.
 */
class VerifierBugClassesTest {

  // ------------------------------------------------------------------ Sigstore bundle mutations

  static String sigstoreBundle(String v) throws Exception {
    return Files.readString(OmsGoldenTest.signed(v).resolve("model.sig"));
  }

  static ProvenanceResult verifySigstore(String v, String bundle) throws Exception {
    DigestedModel m = OmsGoldenTest.model(v, Set.of("ignore-me"));
    return ModelSignatureVerifier.of(OmsGoldenTest.sigstorePolicy().build())
        .verify(
            Vectors.model(
                true,
                m.files(),
                Map.of("model.sig", ByteBuffer.wrap(bundle.getBytes(StandardCharsets.UTF_8)))));
  }

  /**
   * The span of the JSON value of the first {@code "key":} (objects/arrays by bracket matching).
   */
  static int[] valueSpan(String json, String key) {
    int k = json.indexOf("\"" + key + "\":");
    assertTrue(k >= 0, key);
    int start = k + key.length() + 3;
    while (json.charAt(start) == ' ') {
      start++;
    }
    char open = json.charAt(start);
    if (open != '{' && open != '[') {
      int end = json.indexOf(',', start);
      return new int[] {start, end};
    }
    int depth = 0;
    boolean inString = false;
    for (int i = start; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if ((c == '}' || c == ']') && --depth == 0) {
        return new int[] {start, i + 1};
      }
    }
    throw new AssertionError("unbalanced " + key);
  }

  static String replaceValue(String json, String key, String value) {
    int[] s = valueSpan(json, key);
    return json.substring(0, s[0]) + value + json.substring(s[1]);
  }

  @Test
  void goldenStillVerifiesThroughTheMutationHelpers() throws Exception {
    String b = sigstoreBundle("v1.1.0-sigstore");
    String same =
        replaceValue(
            b,
            "tlogEntries",
            b.substring(valueSpan(b, "tlogEntries")[0], valueSpan(b, "tlogEntries")[1]));
    assertEquals(List.of(), verifySigstore("v1.1.0-sigstore", same).findings());
  }

  /**
   * cosign CVE-2022-36056 / CVE-2026-22703, sigstore-java CVE-2024-53267: a log entry of another
   * signature.
   */
  @Test
  void logEntryNotBoundToTheArtifact() throws Exception {
    String target = sigstoreBundle("v1.1.0-sigstore");
    String donor = sigstoreBundle("v1.0.1-sigstore");
    int[] d = valueSpan(donor, "tlogEntries");
    String swapped = replaceValue(target, "tlogEntries", donor.substring(d[0], d[1]));
    OmsGoldenTest.assertRejected(
        verifySigstore("v1.1.0-sigstore", swapped), VerifyReason.SIGSTORE_TLOG_ENTRY_MISMATCH);
  }

  /** sigstore-java CVE-2024-54140: checkpoint signature not verified. */
  @Test
  void checkpointSignatureIsChecked() throws Exception {
    String b = sigstoreBundle("v1.0.1-sigstore");
    String marker = "\\u2014 rekor.sigstore.dev "; // as escaped in the JSON text
    assertTrue(b.indexOf(marker) > 0);
    int at = b.indexOf(marker) + marker.length() + 12;
    char c = b.charAt(at);
    String bad = b.substring(0, at) + (c == 'A' ? 'B' : 'A') + b.substring(at + 1);
    OmsGoldenTest.assertRejected(
        verifySigstore("v1.0.1-sigstore", bad), VerifyReason.SIGSTORE_CHECKPOINT_INVALID);
  }

  /**
   * sigstore-python CVE-2024-55655, sigstore-js CVE-2026-48816: integratedTime without a SET is no
   * time.
   */
  @Test
  void integratedTimeWithoutSetIsNotTrusted() throws Exception {
    String b = sigstoreBundle("v1.0.1-sigstore"); // no RFC 3161 timestamp in this one
    int[] s = valueSpan(b, "inclusionPromise");
    int keyAt = b.lastIndexOf("\"inclusionPromise\"", s[0]);
    String rest = b.substring(s[1]).replaceFirst("^\\s*,\\s*", "");
    String stripped = b.substring(0, keyAt) + rest;
    OmsGoldenTest.assertRejected(
        verifySigstore("v1.0.1-sigstore", stripped), VerifyReason.SIGSTORE_NO_VERIFIED_TIME);
  }

  /** sigstore-js CVE-2026-48758: payloadType must be bound; PAE lengths are byte lengths. */
  @Test
  void payloadTypeIsBound() throws Exception {
    String b = sigstoreBundle("v1.1.0-sigstore");
    String changed =
        b.replace(
            "\"payloadType\":\"application/vnd.in-toto+json\"",
            "\"payloadType\":\"application/vnd.in-toto+jsoN\"");
    OmsGoldenTest.assertRejected(
        verifySigstore("v1.1.0-sigstore", changed), VerifyReason.SIGNATURE_ENVELOPE_INVALID);
    byte[] pae = Pae.encode("t\u00e9", new byte[] {1});
    assertEquals("DSSEv1 3 t\u00e9 1 ", new String(pae, 0, pae.length - 1, StandardCharsets.UTF_8));
  }

  /**
   * cosign CVE-2026-24122 class: chains are validated at the policy's time, not the leaf's
   * notBefore.
   */
  @Test
  void expiredChainIsRejectedAtValidationTime() throws Exception {
    TrustPolicy p =
        OmsGoldenTest.certPolicy()
            .validationTime(java.time.Instant.parse("2035-05-01T00:00:00Z"))
            .build();
    OmsGoldenTest.assertRejected(
        OmsGoldenTest.verify(p, "v1.1.0-certificate"), VerifyReason.SIGNATURE_CERT_CHAIN_INVALID);
  }

  /** sigstore-go GHSA-cq38-jh5f-37mq: endless data is rejected before work. */
  @Test
  void oversizedInputsAreRejected() throws Exception {
    String b = sigstoreBundle("v1.1.0-sigstore");
    int[] s = valueSpan(b, "tlogEntries");
    String one = b.substring(s[0] + 1, s[1] - 1);
    String many = "[" + String.join(",", java.util.Collections.nCopies(33, one)) + "]";
    OmsGoldenTest.assertRejected(
        verifySigstore("v1.1.0-sigstore", replaceValue(b, "tlogEntries", many)),
        VerifyReason.SIGNATURE_BUNDLE_INVALID);
    String deep = "{\"mediaType\":" + "[".repeat(100) + "]".repeat(100) + "}";
    OmsGoldenTest.assertRejected(
        verifySigstore("v1.1.0-sigstore", deep), VerifyReason.SIGNATURE_BUNDLE_INVALID);
  }

  // ------------------------------------------------------------------ key-mode bundles over
  // crafted payloads

  static KeyPair p256() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static String bundleFor(KeyPair kp, String payload, String sigOverride) throws Exception {
    byte[] p = payload.getBytes(StandardCharsets.UTF_8);
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(kp.getPrivate());
    s.update(Pae.encode(Pae.IN_TOTO, p));
    String sig = sigOverride != null ? sigOverride : Base64.getEncoder().encodeToString(s.sign());
    return "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"verificationMaterial\":{\"publicKey\":{},"
        + "\"tlogEntries\":[]},\"dsseEnvelope\":{\"payload\":\""
        + Base64.getEncoder().encodeToString(p)
        + "\",\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"sig\":\""
        + sig
        + "\"}]}}";
  }

  static String sha(String s) throws Exception {
    return Vectors.sha256(s.getBytes(StandardCharsets.UTF_8)).hex();
  }

  static String statement(String root, String resources, String extra) {
    return "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"m\",\"digest\":{\"sha256\":\""
        + root
        + "\"}}]"
        + extra
        + ",\"predicateType\":\"https://model_signing/signature/v1.0\",\"predicate\":{"
        + "\"serialization\":{\"method\":\"files\",\"hash_type\":\"sha256\",\"allow_symlinks\":false},"
        + "\"resources\":"
        + resources
        + "}}";
  }

  static String resource(String name, String digestHex) {
    return "{\"name\":\"" + name + "\",\"algorithm\":\"sha256\",\"digest\":\"" + digestHex + "\"}";
  }

  static String rootOf(String... hex) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256", "SUN");
    for (String h : hex) {
      md.update(HexFormat.of().parseHex(h));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static ProvenanceResult verifyKey(KeyPair kp, String bundle, List<DigestedFile> files) {
    return ModelSignatureVerifier.of(TrustPolicy.publicKeys(List.of(kp.getPublic())).build())
        .verify(
            Vectors.model(
                true,
                files,
                Map.of("model.sig", ByteBuffer.wrap(bundle.getBytes(StandardCharsets.UTF_8)))));
  }

  /**
   * Signs {@code statement} with {@code kp}; verified over the one file a.bin = "x", it must reject
   * with {@code reason}.
   */
  static void assertRejectedOverX(KeyPair kp, String statement, ReasonCode reason)
      throws Exception {
    OmsGoldenTest.assertRejected(
        verifyKey(kp, bundleFor(kp, statement, null), List.of(file("a.bin", "x"))), reason);
  }

  static DigestedFile file(String name, String content) throws Exception {
    return new DigestedFile(
        name, content.length(), Vectors.sha256(content.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void craftedManifestBaseline() throws Exception {
    KeyPair kp = p256();
    String d = sha("x");
    String st = statement(rootOf(d), "[" + resource("a.bin", d) + "]", "");
    assertEquals(
        List.of(), verifyKey(kp, bundleFor(kp, st, null), List.of(file("a.bin", "x"))).findings());
  }

  /** sigstore-ruby CVE-2026-31830: a subject (root) mismatch must reject, not be swallowed. */
  @Test
  void subjectMismatchRejects() throws Exception {
    KeyPair kp = p256();
    String d = sha("x");
    String st = statement(rootOf(sha("y")), "[" + resource("a.bin", d) + "]", "");
    assertRejectedOverX(kp, st, VerifyReason.SIGNATURE_MANIFEST_INVALID);
  }

  /** CVE-2022-21449 ("psychic signatures"): r = s = 0 never verifies. */
  @Test
  void zeroEcdsaSignatureRejects() throws Exception {
    KeyPair kp = p256();
    String d = sha("x");
    String st = statement(rootOf(d), "[" + resource("a.bin", d) + "]", "");
    OmsGoldenTest.assertRejected(
        verifyKey(kp, bundleFor(kp, st, "MAYCAQACAQA="), List.of(file("a.bin", "x"))),
        VerifyReason.SIGNATURE_INVALID);
  }

  @Test
  void namesThatEscapeDuplicatesAndEmptyManifestsReject() throws Exception {
    KeyPair kp = p256();
    String d = sha("x");
    for (String bad : List.of("../x", "/etc/passwd", "a//b", "a/./b", "a\\\\b", "dir/")) {
      String st = statement(rootOf(d), "[" + resource(bad, d) + "]", "");
      assertRejectedOverX(kp, st, VerifyReason.SIGNATURE_MANIFEST_INVALID);
    }
    String dup =
        statement(rootOf(d, d), "[" + resource("a.bin", d) + "," + resource("a.bin", d) + "]", "");
    assertRejectedOverX(kp, dup, VerifyReason.SIGNATURE_MANIFEST_INVALID);
    String caseDup =
        statement(rootOf(d, d), "[" + resource("a.bin", d) + "," + resource("A.bin", d) + "]", "");
    assertRejectedOverX(kp, caseDup, VerifyReason.SIGNATURE_MANIFEST_INVALID);
    String empty = statement(rootOf(), "[]", "");
    assertRejectedOverX(kp, empty, VerifyReason.SIGNATURE_MANIFEST_INVALID);
  }

  @Test
  void statementShapeIsStrict() throws Exception {
    KeyPair kp = p256();
    String d = sha("x");
    String dupKey = statement(rootOf(d), "[" + resource("a.bin", d) + "]", ",\"subject\":[]");
    assertRejectedOverX(kp, dupKey, VerifyReason.SIGNATURE_STATEMENT_INVALID);
    String otherPredicate =
        statement(rootOf(d), "[" + resource("a.bin", d) + "]", "")
            .replace("https://model_signing/signature/v1.0", "https://slsa.dev/provenance/v1");
    assertRejectedOverX(kp, otherPredicate, VerifyReason.SIGNATURE_PREDICATE_UNSUPPORTED);
    String otherType =
        statement(rootOf(d), "[" + resource("a.bin", d) + "]", "")
            .replace("https://in-toto.io/Statement/v1", "https://in-toto.io/Statement/v0.1");
    assertRejectedOverX(kp, otherType, VerifyReason.SIGNATURE_STATEMENT_INVALID);
    String upperHex = statement(rootOf(d), "[" + resource("a.bin", d.toUpperCase()) + "]", "");
    assertRejectedOverX(kp, upperHex, VerifyReason.SIGNATURE_MANIFEST_INVALID);
  }

  @Test
  void twoSignaturesAreRejected() throws Exception {
    KeyPair kp = p256();
    String d = sha("x");
    String b = bundleFor(kp, statement(rootOf(d), "[" + resource("a.bin", d) + "]", ""), null);
    int[] s = valueSpan(b, "signatures");
    String one = b.substring(s[0] + 1, s[1] - 1);
    OmsGoldenTest.assertRejected(
        verifyKey(
            kp,
            replaceValue(b, "signatures", "[" + one + "," + one + "]"),
            List.of(file("a.bin", "x"))),
        VerifyReason.SIGNATURE_ENVELOPE_INVALID);
  }

  /** A model that cannot provide range digests (the default) cannot prove multi-shard files. */
  @Test
  void multiShardFilesNeedRangeDigests() throws Exception {
    KeyPair kp = p256();
    String d = sha("xy");
    String st =
        statement(
                rootOf(d),
                "[{\"name\":\"a.bin:0:2\",\"algorithm\":\"sha256-sharded-1000000000\",\"digest\":\""
                    + d
                    + "\"}]",
                "")
            .replace("\"method\":\"files\"", "\"method\":\"shards\",\"shard_size\":1000000000.0");
    assertEquals(
        List.of(), verifyKey(kp, bundleFor(kp, st, null), List.of(file("a.bin", "xy"))).findings());
    String d1 = sha("x");
    String d2 = sha("y");
    String two =
        statement(
                rootOf(d1, d2),
                "[{\"name\":\"a.bin:0:1\",\"algorithm\":\"sha256-sharded-1\",\"digest\":\""
                    + d1
                    + "\"},{\"name\":\"a.bin:1:2\",\"algorithm\":\"sha256-sharded-1\",\"digest\":\""
                    + d2
                    + "\"}]",
                "")
            .replace("\"method\":\"files\"", "\"method\":\"shards\",\"shard_size\":1");
    OmsGoldenTest.assertRejected(
        verifyKey(kp, bundleFor(kp, two, null), List.of(file("a.bin", "xy"))),
        VerifyReason.SIGNATURE_SERIALIZATION_UNSUPPORTED);
  }

  /**
   * BouncyCastle CVE-2024-29857 class: explicit curve parameters are rejected; named curves only.
   */
  @Test
  void explicitCurveParametersAreRejected() throws Exception {
    org.bouncycastle.asn1.x9.X9ECParameters p256 =
        org.bouncycastle.asn1.x9.ECNamedCurveTable.getByName("P-256");
    byte[] point = p256.getG().multiply(java.math.BigInteger.TEN).normalize().getEncoded(false);
    byte[] spki =
        new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(
                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                    org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey, p256),
                point)
            .getEncoded();
    SignatureVerificationException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            SignatureVerificationException.class,
            () ->
                dev.safeload.verify.internal.x509.Keys.publicKey(
                    spki, VerifyReason.SIGNATURE_KEY_MISMATCH));
    assertEquals(VerifyReason.SIGNATURE_KEY_MISMATCH, e.reason());
  }

  /** A short RSA modulus is refused wherever a key is read; 2048 bits is accepted. */
  @Test
  void shortRsaKeysAreRejected() throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    byte[] weak = g.generateKeyPair().getPublic().getEncoded();
    SignatureVerificationException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            SignatureVerificationException.class,
            () ->
                dev.safeload.verify.internal.x509.Keys.publicKey(
                    weak, VerifyReason.SIGNATURE_KEY_MISMATCH));
    assertEquals(VerifyReason.SIGNATURE_KEY_MISMATCH, e.reason());
    g.initialize(2048);
    byte[] strong = g.generateKeyPair().getPublic().getEncoded();
    assertEquals(
        "RSA",
        dev.safeload.verify.internal.x509.Keys.publicKey(
                strong, VerifyReason.SIGNATURE_KEY_MISMATCH)
            .getAlgorithm());
  }

  /** The OMS key hint is a consistency check: a hint naming another key rejects. */
  @Test
  void keyHintNamingAnotherKeyRejects() throws Exception {
    KeyPair kp = p256();
    String d = sha("x");
    String b =
        bundleFor(kp, statement(rootOf(d), "[" + resource("a.bin", d) + "]", ""), null)
            .replace("\"publicKey\":{}", "\"publicKey\":{\"hint\":\"" + "ab".repeat(32) + "\"}");
    OmsGoldenTest.assertRejected(
        verifyKey(kp, b, List.of(file("a.bin", "x"))), VerifyReason.SIGNATURE_KEY_MISMATCH);
    String good =
        bundleFor(kp, statement(rootOf(d), "[" + resource("a.bin", d) + "]", ""), null)
            .replace(
                "\"publicKey\":{}",
                "\"publicKey\":{\"hint\":\""
                    + dev.safeload.verify.internal.x509.Keys.omsHint(kp.getPublic())
                    + "\"}");
    assertEquals(List.of(), verifyKey(kp, good, List.of(file("a.bin", "x"))).findings());
  }

  /** A revoked Sigstore identity is refused even though everything else verifies. */
  @Test
  void revokedSigstoreIdentityIsRefused() throws Exception {
    RevocationList rl =
        RevocationList.parse(
            ("{\"version\":1,\"revoked\":[{\"identity\":\""
                    + OmsGoldenTest.IDENTITY
                    + "\",\"issuer\":\""
                    + OmsGoldenTest.ISSUER
                    + "\",\"reason\":\"account compromised\"}]}")
                .getBytes(StandardCharsets.UTF_8));
    OmsGoldenTest.assertRejected(
        OmsGoldenTest.verify(
            OmsGoldenTest.sigstorePolicy().revocations(rl).build(), "v1.1.0-sigstore"),
        VerifyReason.REVOKED_SIGNER);
    RevocationList other =
        RevocationList.parse(
            ("{\"version\":1,\"revoked\":[{\"identity\":\""
                    + OmsGoldenTest.IDENTITY
                    + "\",\"issuer\":\"https://other.example\",\"reason\":\"x\"}]}")
                .getBytes(StandardCharsets.UTF_8));
    OmsGoldenTest.assertAccepted(
        OmsGoldenTest.verify(
            OmsGoldenTest.sigstorePolicy().revocations(other).build(), "v1.1.0-sigstore"),
        2);
  }
}
