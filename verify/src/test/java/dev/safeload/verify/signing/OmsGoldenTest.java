package dev.safeload.verify.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.ReasonCode;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.testing.SharedVectors;
import dev.safeload.verify.VerifyReason;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The OMS reference goldens (v0.3.1 to v1.1.0, all three modes) verified in place. */
class OmsGoldenTest {
  static final String IDENTITY = "stefanb@us.ibm.com";
  static final String ISSUER = "https://sigstore.verify.ibm.com/oauth2";

  static Path signed(String v) {
    return SharedVectors.dir("oms/model-transparency/signed").resolve(v);
  }

  static Path keys() {
    return SharedVectors.dir("oms/model-transparency/signed/keys/certificate");
  }

  static TrustPolicy.Builder keyPolicy() throws Exception {
    return TrustPolicy.publicKey(keys().resolve("signing-key-pub.pem"));
  }

  static TrustPolicy.Builder certPolicy() throws Exception {
    return TrustPolicy.certificates(keys().resolve("ca-cert.pem"));
  }

  static TrustPolicy.Builder sigstorePolicy() throws Exception {
    return TrustPolicy.sigstore(
            SharedVectors.dir("sigstore/public-good").resolve("trusted_root.json"))
        .identity(IDENTITY)
        .issuer(ISSUER);
  }

  /**
   * The model as the loader would digest it; a model that was signed as one file is given as that
   * file.
   */
  static DigestedModel model(String v, Set<String> skip) throws Exception {
    Path dir = signed(v);
    DigestedModel m = Vectors.model(dir, Set.of("model.sig"), skip);
    if (m.files().size() == 1 && !Files.exists(dir.resolve("signme-2"))) {
      return Vectors.model(
          false,
          m.files(),
          Map.of("model.sig", ByteBuffer.wrap(Files.readAllBytes(dir.resolve("model.sig")))));
    }
    return m;
  }

  static ProvenanceResult verify(TrustPolicy p, String v) throws Exception {
    return ModelSignatureVerifier.of(p).verify(model(v, Set.of("ignore-me")));
  }

  static void assertAccepted(ProvenanceResult r, int files) {
    assertEquals(List.of(), r.findings());
    assertEquals(files, r.proven().size(), r.proven().toString());
    assertEquals(1, r.proofs().size());
    dev.safeload.provenance.Proof p = r.proofs().get(0);
    assertEquals("oms-signature", p.verifier());
    assertEquals(dev.safeload.provenance.Technique.SIGNATURE, p.technique());
    assertTrue(p.signer() != null, "a verified signature names its signer");
    assertEquals(64, p.attribute(ModelSignatureVerifier.PAYLOAD_SHA256).length());
  }

  static void assertRejected(ProvenanceResult r, ReasonCode reason) {
    assertTrue(r.proven().isEmpty());
    assertTrue(!r.findings().isEmpty(), "expected " + reason);
    assertEquals(reason, r.findings().get(0).reason(), r.findings().toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "v0.3.1-elliptic-key",
        "v1.0.0-elliptic-key",
        "v1.0.1-elliptic-key",
        "v1.1.0-elliptic-key"
      })
  void keyModeGoldensVerify(String v) throws Exception {
    int files = Files.exists(signed(v).resolve("signme-2")) ? 2 : 1;
    assertAccepted(verify(keyPolicy().build(), v), files);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "v0.3.1-certificate",
        "v1.0.0-certificate",
        "v1.0.1-certificate",
        "v1.1.0-certificate"
      })
  void certificateModeGoldensVerify(String v) throws Exception {
    assertAccepted(verify(certPolicy().build(), v), 2);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"v0.3.1-sigstore", "v1.0.0-sigstore", "v1.0.1-sigstore", "v1.1.0-sigstore"})
  void sigstoreGoldensVerifyOffline(String v) throws Exception {
    assertAccepted(verify(sigstorePolicy().build(), v), 2);
  }

  /**
   * model_signing's {@code --trust_config} file: a Sigstore ClientTrustConfig holding the trusted
   * root beside a signing config. It was refused as an unsupported trusted root media type.
   */
  @Test
  void sigstoreGoldensVerifyUnderTheReferencesClientTrustConfig() throws Exception {
    TrustPolicy p =
        TrustPolicy.sigstore(
                SharedVectors.dir("oms/model-transparency/payloads")
                    .resolve("custom_trust_config.json"))
            .identity(IDENTITY)
            .issuer(ISSUER)
            .build();
    assertAccepted(verify(p, "v1.0.1-sigstore"), 2);
    // Its one timestamp authority is a test one: v1.1.0's public-good timestamp is not trusted.
    assertRejected(verify(p, "v1.1.0-sigstore"), VerifyReason.SIGSTORE_TIMESTAMP_INVALID);
  }

  @Test
  void v02OnlyWhenThePolicyEnablesIt() throws Exception {
    assertRejected(
        verify(certPolicy().build(), "v0.2.0-certificate"), VerifyReason.SIGNATURE_INVALID);
    assertAccepted(verify(certPolicy().allowLegacyV02().build(), "v0.2.0-certificate"), 2);
  }

  /**
   * Each mode's proof names its signer as the policy checked it: a key fingerprint, a certificate,
   * a Sigstore identity.
   */
  @Test
  void proofsNameTheSignerAsVerified() throws Exception {
    dev.safeload.provenance.Signer sigstore =
        verify(sigstorePolicy().build(), "v1.1.0-sigstore").proofs().get(0).signer();
    assertEquals(dev.safeload.provenance.Signer.certificate(IDENTITY, ISSUER), sigstore);
    dev.safeload.provenance.Signer key =
        verify(keyPolicy().build(), "v1.1.0-elliptic-key").proofs().get(0).signer();
    assertEquals(dev.safeload.provenance.Signer.Kind.PUBLIC_KEY, key.kind());
    assertTrue(key.identity().matches("sha256:[0-9a-f]{64}"), key.identity());
    dev.safeload.provenance.Signer cert =
        verify(certPolicy().build(), "v1.1.0-certificate").proofs().get(0).signer();
    assertEquals(dev.safeload.provenance.Signer.Kind.CERTIFICATE, cert.kind());
    assertEquals(null, cert.issuer(), "a private CA's certificate records no OIDC issuer");
  }

  @Test
  void signerOfPrefersTheIdentityThePolicyRequired() {
    assertEquals(
        dev.safeload.provenance.Signer.publicKey("sha256:ab"),
        ModelSignatureVerifier.signerOf(List.of("key:sha256:ab"), null));
    assertEquals(
        dev.safeload.provenance.Signer.certificate("b@x", "https://i"),
        ModelSignatureVerifier.signerOf(
            List.of("san:a@x", "san:b@x", "issuer:https://i", "subject:CN=x", "cert:sha256:cd"),
            "b@x"));
    assertEquals(
        dev.safeload.provenance.Signer.certificate("a@x", null),
        ModelSignatureVerifier.signerOf(List.of("san:a@x", "san:b@x", "subject:CN=x"), null));
    assertEquals(
        dev.safeload.provenance.Signer.certificate("CN=x", null),
        ModelSignatureVerifier.signerOf(List.of("subject:CN=x", "cert:sha256:cd"), null));
  }

  @Test
  void unsignedExtraFileIsRejectedNeverServed() throws Exception {
    ProvenanceResult r =
        ModelSignatureVerifier.of(keyPolicy().build())
            .verify(model("v1.1.0-elliptic-key", Set.of()));
    assertRejected(r, VerifyReason.SIGNATURE_FILE_NOT_SIGNED);
    assertEquals("ignore-me", r.findings().get(0).file());
  }

  @Test
  void missingFileIsRejected() throws Exception {
    ProvenanceResult r =
        ModelSignatureVerifier.of(certPolicy().build())
            .verify(model("v1.1.0-certificate", Set.of("ignore-me", "signme-2")));
    assertRejected(r, VerifyReason.SIGNATURE_FILE_MISSING);
    assertEquals("signme-2", r.findings().get(0).file());
  }

  @Test
  void tamperedFileIsRejected() throws Exception {
    DigestedModel m = model("v1.1.0-sigstore", Set.of("ignore-me"));
    List<DigestedFile> files =
        m.files().stream()
            .map(
                f ->
                    f.name().equals("signme-1")
                        ? new DigestedFile(f.name(), f.size(), uncheckedSha("tampered"))
                        : f)
            .toList();
    ProvenanceResult r =
        ModelSignatureVerifier.of(sigstorePolicy().build())
            .verify(
                Vectors.model(
                    true, files, Map.of("model.sig", m.sideFile("model.sig").orElseThrow())));
    assertRejected(r, VerifyReason.SIGNATURE_FILE_MISMATCH);
    assertEquals("signme-1", r.findings().get(0).file());
  }

  static dev.safeload.provenance.Sha256 uncheckedSha(String s) {
    try {
      return Vectors.sha256(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void wrongIdentityAndWrongIssuerAreRejected() throws Exception {
    Path root = SharedVectors.dir("sigstore/public-good").resolve("trusted_root.json");
    assertRejected(
        verify(
            TrustPolicy.sigstore(root).identity("mallory@example.com").issuer(ISSUER).build(),
            "v1.1.0-sigstore"),
        VerifyReason.SIGNATURE_IDENTITY_MISMATCH);
    assertRejected(
        verify(
            TrustPolicy.sigstore(root)
                .identity(IDENTITY)
                .issuer("https://accounts.google.com")
                .build(),
            "v1.1.0-sigstore"),
        VerifyReason.SIGNATURE_IDENTITY_MISMATCH);
  }

  @Test
  void certificateIdentityRules() throws Exception {
    assertAccepted(
        verify(certPolicy().subject("CN=intermediate-ca").build(), "v1.1.0-certificate"), 2);
    assertRejected(
        verify(certPolicy().subject("CN=someone-else").build(), "v1.1.0-certificate"),
        VerifyReason.SIGNATURE_IDENTITY_MISMATCH);
    assertRejected(
        verify(certPolicy().certificateFingerprint("00".repeat(32)).build(), "v1.1.0-certificate"),
        VerifyReason.SIGNATURE_IDENTITY_MISMATCH);
  }

  @Test
  void wrongCaIsRejected() throws Exception {
    // The intermediate's key is not a trust anchor for this chain's root: anchors are exactly what
    // is configured.
    TrustPolicy p = TrustPolicy.certificates(keys().resolve("signing-key-cert.pem")).build();
    assertRejected(verify(p, "v1.1.0-certificate"), VerifyReason.SIGNATURE_CERT_CHAIN_INVALID);
  }

  @Test
  void validationTimeRuleRejectsExpiredChains() throws Exception {
    TrustPolicy p =
        certPolicy().validationTime(java.time.Instant.parse("2036-01-01T00:00:00Z")).build();
    assertRejected(verify(p, "v1.1.0-certificate"), VerifyReason.SIGNATURE_CERT_CHAIN_INVALID);
  }

  @Test
  void modeConfusionIsRejected() throws Exception {
    assertRejected(
        verify(keyPolicy().build(), "v1.1.0-certificate"), VerifyReason.SIGNATURE_KEY_MISMATCH);
    assertRejected(
        verify(certPolicy().build(), "v1.1.0-elliptic-key"), VerifyReason.SIGNATURE_KEY_MISMATCH);
    assertRejected(
        verify(sigstorePolicy().build(), "v1.1.0-elliptic-key"),
        VerifyReason.SIGNATURE_KEY_MISMATCH);
  }

  @Test
  void missingSignatureIsAFindingOnlyWhenRequired() throws Exception {
    DigestedModel m =
        Vectors.model(true, model("v1.1.0-certificate", Set.of("ignore-me")).files(), Map.of());
    assertRejected(
        ModelSignatureVerifier.of(certPolicy().build()).verify(m), VerifyReason.SIGNATURE_MISSING);
    ProvenanceResult optional =
        ModelSignatureVerifier.of(certPolicy().optional().build()).verify(m);
    assertEquals(List.<Finding>of(), optional.findings());
    assertTrue(optional.proven().isEmpty());
  }

  @Test
  void keyModeCanRequireATransparencyLogEntry() throws Exception {
    TrustPolicy p =
        keyPolicy()
            .transparencyLog(SharedVectors.dir("sigstore/public-good").resolve("trusted_root.json"))
            .build();
    assertRejected(verify(p, "v1.1.0-elliptic-key"), VerifyReason.SIGSTORE_TLOG_INVALID);
  }
}
