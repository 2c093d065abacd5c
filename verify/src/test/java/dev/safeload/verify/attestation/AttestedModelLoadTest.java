package dev.safeload.verify.attestation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.LoadPolicy;
import dev.safeload.ModelRejectedException;
import dev.safeload.Reason;
import dev.safeload.SafeModelLoader;
import dev.safeload.VerifiedModel;
import dev.safeload.provenance.Proof;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.provenance.Technique;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.signing.ModelSignatureVerifier;
import dev.safeload.verify.signing.ModelSigner;
import dev.safeload.verify.signing.TrustPolicy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model directory signed by key and attested, through {@link SafeModelLoader} with both proofs.
 */
class AttestedModelLoadTest {
  static TestSigstore sigstore;
  static AttestationPolicy policy;
  @TempDir Path tmp;
  Path model;
  KeyPair signer;

  @BeforeAll
  static void instance() throws Exception {
    sigstore = new TestSigstore();
    policy =
        AttestationPolicy.repository(
                "acme/models", sigstore.trustedRootJson().getBytes(StandardCharsets.UTF_8))
            .denySelfHostedRunners()
            .build();
  }

  @BeforeEach
  void signedModel() throws Exception {
    model = Files.createDirectories(tmp.resolve("model"));
    Files.writeString(model.resolve("config.bin"), "{\"layers\": 2}");
    Files.write(model.resolve("weights.bin"), new byte[70_000]);
    signer = TestSigstore.ec("secp256r1");
    ModelSigner.withKey(signer.getPrivate(), signer.getPublic()).signTo(model);
  }

  Path attest(boolean sha512, String... files) throws Exception {
    TestSigstore.Build b = new TestSigstore.Build();
    b.sha512Only = sha512;
    for (String f : files) {
      b.subject(f, Files.readAllBytes(model.resolve(f)));
    }
    Path out = tmp.resolve("model.intoto.jsonl");
    Files.writeString(out, sigstore.bundle(b) + "\n");
    return out;
  }

  static SafeModelLoader loader(ProvenanceVerifier... verifiers) {
    FormatHandler any =
        new FormatHandler() {
          @Override
          public String id() {
            return "test-raw";
          }

          @Override
          public Set<String> extensions() {
            return Set.of("bin");
          }

          @Override
          public Confidence detect(ByteBuffer head, long fileSize) {
            return Confidence.STRUCTURAL;
          }

          @Override
          public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
            return ModelDescription.empty("test-raw");
          }
        };
    SafeModelLoader.Builder b =
        SafeModelLoader.builder()
            .discoverHandlers(false)
            .handler(any)
            .policy(LoadPolicy.strict().toBuilder().allowFormat("test-raw").build());
    for (ProvenanceVerifier v : verifiers) {
      b.verifier(v);
    }
    return b.build();
  }

  ModelSignatureVerifier signature() {
    return ModelSignatureVerifier.of(TrustPolicy.publicKeys(List.of(signer.getPublic())).build());
  }

  @Test
  void signedAndAttestedModelLoadsWithBothProofs() throws Exception {
    Path bundles = attest(false, "config.bin", "weights.bin");
    try (VerifiedModel m =
        loader(signature(), AttestationVerifier.of(policy).withBundles(bundles)).load(model)) {
      assertEquals(2, m.files().size());
      assertEquals(
          List.of(Technique.SIGNATURE, Technique.ATTESTATION),
          m.proofs().stream().map(Proof::technique).toList());
      Proof attested = m.proofs().get(1);
      assertEquals("model.intoto.jsonl line 1", attested.attribute(Proof.SOURCE));
      assertEquals(Set.of("config.bin", "weights.bin"), attested.fileNames());
      assertEquals("https://github.com/acme/models", attested.attribute(Proof.SOURCE_REPOSITORY));
      assertEquals("refs/heads/main", attested.attribute(Proof.SOURCE_REF));
      assertEquals(
          List.of(Technique.SIGNATURE, Technique.ATTESTATION),
          m.file("weights.bin").proofs().stream().map(Proof::technique).toList());
    }
  }

  @Test
  void bundlesShippedInsideTheModelAreSideFilesNotModelFiles() throws Exception {
    Path bundles = attest(false, "config.bin", "weights.bin");
    Files.move(bundles, model.resolve("model.intoto.jsonl"));
    AttestationVerifier v = AttestationVerifier.of(policy).withSideFile("model.intoto.jsonl");
    try (VerifiedModel m = loader(signature(), v).load(model)) {
      assertEquals(
          Set.of("config.bin", "weights.bin"),
          Set.copyOf(m.files().stream().map(f -> f.name()).toList()));
      Proof attested =
          m.proofs().stream()
              .filter(p -> p.technique() == Technique.ATTESTATION)
              .findFirst()
              .orElseThrow();
      assertEquals("model.intoto.jsonl line 1", attested.attribute(Proof.SOURCE));
      assertEquals(Set.of("config.bin", "weights.bin"), attested.fileNames());
    }
    // Absent: a required policy has no attestation.
    Files.delete(model.resolve("model.intoto.jsonl"));
    ModelRejectedException e =
        assertThrows(ModelRejectedException.class, () -> loader(signature(), v).load(model));
    assertTrue(e.hasReason(VerifyReason.ATTESTATION_MISSING), e.findings().toString());
    // Broken: its reason.
    Files.writeString(model.resolve("model.intoto.jsonl"), "{}\n");
    e = assertThrows(ModelRejectedException.class, () -> loader(signature(), v).load(model));
    assertTrue(e.hasReason(VerifyReason.SIGNATURE_BUNDLE_INVALID), e.findings().toString());
    assertThrows(IllegalArgumentException.class, () -> v.withSideFile("../x.jsonl"));
  }

  @Test
  void sha512SubjectsAreMatchedAgainstTheVerifiedBytes() throws Exception {
    Files.delete(model.resolve("model.sig"));
    Path bundles = attest(true, "config.bin", "weights.bin");
    try (VerifiedModel m =
        loader(AttestationVerifier.of(policy).withBundles(bundles)).load(model)) {
      assertEquals(2, m.files().size());
    }
  }

  @Test
  void attestationAloneProvesTheModel() throws Exception {
    Files.delete(model.resolve("model.sig"));
    Path bundles = attest(false, "config.bin", "weights.bin");
    try (VerifiedModel m =
        loader(AttestationVerifier.of(policy).withBundles(bundles)).load(model)) {
      assertEquals(2, m.files().size());
    }
  }

  @Test
  void aFileTamperedAfterAttestationIsRefusedWhileTheSignatureHolds() throws Exception {
    Path bundles = attest(false, "config.bin", "weights.bin");
    // Re-sign after the change: the key signature is happy, the attestation is not.
    Files.writeString(model.resolve("config.bin"), "{\"layers\": 3}");
    ModelSigner.withKey(signer.getPrivate(), signer.getPublic()).signTo(model);
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class,
            () ->
                loader(signature(), AttestationVerifier.of(policy).withBundles(bundles))
                    .load(model));
    assertTrue(e.hasReason(VerifyReason.ATTESTATION_SUBJECT_MISMATCH), e.findings().toString());
    assertEquals(1, e.findings().size(), e.findings().toString());
  }

  @Test
  void aRequiredAttestationIsRequiredInAdditionToTheSignature() throws Exception {
    Path bundles = attest(false, "weights.bin");
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class,
            () ->
                loader(signature(), AttestationVerifier.of(policy).withBundles(bundles))
                    .load(model));
    assertTrue(e.hasReason(VerifyReason.ATTESTATION_SUBJECT_MISMATCH), e.findings().toString());
    // Optional: the signature proves what the attestation does not cover.
    AttestationPolicy optional =
        AttestationPolicy.repository(
                "acme/models", sigstore.trustedRootJson().getBytes(StandardCharsets.UTF_8))
            .optional()
            .build();
    try (VerifiedModel m =
        loader(signature(), AttestationVerifier.of(optional).withBundles(bundles)).load(model)) {
      assertEquals(2, m.files().size());
    }
    // Optional and alone: the unattested file is unproven.
    Files.delete(model.resolve("model.sig"));
    e =
        assertThrows(
            ModelRejectedException.class,
            () -> loader(AttestationVerifier.of(optional).withBundles(bundles)).load(model));
    assertTrue(e.hasReason(Reason.UNPROVEN_FILE), e.findings().toString());
  }
}
