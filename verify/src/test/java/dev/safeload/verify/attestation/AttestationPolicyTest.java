package dev.safeload.verify.attestation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.ReasonCode;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.Proof;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.provenance.Signer;
import dev.safeload.provenance.Technique;
import dev.safeload.verify.VerifyReason;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every attestation rule against bundles from our own Sigstore instance, each with its exact
 * reason.
 */
class AttestationPolicyTest {
  static TestSigstore sigstore;
  static byte[] root;
  static final byte[] WEIGHTS = "weights of the model".getBytes(StandardCharsets.UTF_8);
  static final byte[] CONFIG = "{\"layers\": 2}".getBytes(StandardCharsets.UTF_8);

  @BeforeAll
  static void instance() throws Exception {
    sigstore = new TestSigstore();
    root = sigstore.trustedRootJson().getBytes(StandardCharsets.UTF_8);
  }

  static DigestedModel model() {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("model.bin", WEIGHTS);
    m.put("config.json", CONFIG);
    return Models.of(m, true, true, new AtomicInteger());
  }

  static TestSigstore.Build build() {
    return new TestSigstore.Build().subject("model.bin", WEIGHTS).subject("config.json", CONFIG);
  }

  static AttestationPolicy.Builder policy() throws Exception {
    return AttestationPolicy.repository("acme/models", root);
  }

  static ProvenanceResult run(AttestationPolicy.Builder policy, Consumer<TestSigstore.Build> change)
      throws Exception {
    TestSigstore.Build b = build();
    change.accept(b);
    byte[] bundle = sigstore.bundle(b).getBytes(StandardCharsets.UTF_8);
    return AttestationVerifier.of(policy.build())
        .withBundle(bundle, "test.sigstore.json")
        .verify(model());
  }

  static void assertOnly(ProvenanceResult r, ReasonCode reason) {
    assertTrue(r.proven().isEmpty(), r.toString());
    assertEquals(
        List.of(reason),
        r.findings().stream().map(Finding::reason).toList(),
        r.findings().toString());
  }

  @Test
  void aGoodAttestationProvesEveryFileItNames() throws Exception {
    ProvenanceResult r = run(policy(), b -> {});
    assertEquals(List.of(), r.findings());
    assertEquals(Set.of("model.bin", "config.json"), r.proven());
    Proof p = r.proofs().get(0);
    assertEquals(Technique.ATTESTATION, p.technique());
    assertEquals("slsa-attestation", p.verifier());
    assertEquals(Signer.Kind.CERTIFICATE, p.signer().kind());
    assertEquals("https://token.actions.githubusercontent.com", p.signer().issuer());
    assertEquals("https://github.com/acme/models", p.attribute(Proof.SOURCE_REPOSITORY));
    assertEquals("1f0e2d3c4b5a69788796a5b4c3d2e1f001122334", p.attribute(Proof.SOURCE_COMMIT));
    assertEquals("refs/heads/main", p.attribute(Proof.SOURCE_REF));
  }

  @Test
  void everyPolicyFieldThatCanBeNamedPasses() throws Exception {
    ProvenanceResult r =
        run(
            policy()
                .ref("refs/heads/main")
                .denySelfHostedRunners()
                .signerWorkflow("acme/models/.github/workflows/release.yml@refs/heads/main")
                .signerRepository("acme/models")
                .issuer("https://token.actions.githubusercontent.com"),
            b -> {});
    assertEquals(List.of(), r.findings());
    assertEquals(2, r.proven().size());
  }

  // ------------------------------------------------------------------ one negative test per rule

  @Test
  void tamperedFileIsASubjectMismatch() throws Exception {
    ProvenanceResult r = run(policy(), b -> b.subjects.put("model.bin", "00".repeat(32)));
    assertOnly(r, VerifyReason.ATTESTATION_SUBJECT_MISMATCH);
    assertEquals("model.bin", r.findings().get(0).file());
  }

  @Test
  void wrongSignerIdentityIsRefused() throws Exception {
    assertOnly(
        run(
            policy(),
            b -> b.signerWorkflow = "evil/fork/.github/workflows/release.yml@refs/heads/main"),
        VerifyReason.ATTESTATION_SIGNER_MISMATCH);
  }

  @Test
  void anIdentityThatIsNotAWorkflowIsRefused() throws Exception {
    TestSigstore.Build b = build();
    b.signerWorkflow = "acme/models/release.yml@refs/heads/main";
    assertOnly(
        AttestationVerifier.of(policy().build())
            .withBundle(sigstore.bundle(b).getBytes(StandardCharsets.UTF_8), "x")
            .verify(model()),
        VerifyReason.ATTESTATION_SIGNER_MISMATCH);
  }

  @Test
  void wrongIssuerIsRefused() throws Exception {
    assertOnly(
        run(policy(), b -> b.issuer = "https://accounts.example.com"),
        VerifyReason.ATTESTATION_ISSUER_MISMATCH);
  }

  @Test
  void wrongRepositoryIsRefused() throws Exception {
    assertOnly(
        run(policy(), b -> b.repository = "acme/other"),
        VerifyReason.ATTESTATION_REPOSITORY_MISMATCH);
  }

  @Test
  void wrongOwnerIsRefusedEvenWithTheRepositoryUriRight() throws Exception {
    assertOnly(
        run(policy(), b -> b.overrides.put(16, "https://github.com/evil")),
        VerifyReason.ATTESTATION_REPOSITORY_MISMATCH);
  }

  @Test
  void repositoryNamesCompareIgnoringCase() throws Exception {
    ProvenanceResult r = run(AttestationPolicy.repository("ACME/Models", root), b -> {});
    assertEquals(List.of(), r.findings());
  }

  @Test
  void wrongRefIsRefused() throws Exception {
    assertOnly(run(policy().ref("refs/tags/v1"), b -> {}), VerifyReason.ATTESTATION_REF_MISMATCH);
  }

  @Test
  void selfHostedRunnerIsDeniedOnlyWhenAsked() throws Exception {
    assertOnly(
        run(policy().denySelfHostedRunners(), b -> b.runner = "self-hosted"),
        VerifyReason.ATTESTATION_RUNNER_DENIED);
    assertOnly(
        run(policy().denySelfHostedRunners(), b -> b.overrides.put(11, null)),
        VerifyReason.ATTESTATION_RUNNER_DENIED);
    assertEquals(List.of(), run(policy(), b -> b.runner = "self-hosted").findings());
  }

  @Test
  void wrongPredicateTypeIsRefused() throws Exception {
    assertOnly(
        run(policy(), b -> b.predicateType = "https://slsa.dev/provenance/v0.2"),
        VerifyReason.ATTESTATION_PREDICATE_UNSUPPORTED);
  }

  @Test
  void brokenChainIsRefused() throws Exception {
    assertOnly(run(policy(), b -> b.foreignCa = true), VerifyReason.SIGNATURE_CERT_CHAIN_INVALID);
  }

  @Test
  void aBundleFromAnotherInstanceIsRefusedUnderOurRoot() throws Exception {
    TestSigstore other = new TestSigstore();
    byte[] bundle = other.bundle(build()).getBytes(StandardCharsets.UTF_8);
    assertOnly(
        AttestationVerifier.of(policy().build()).withBundle(bundle, "x").verify(model()),
        VerifyReason.SIGNATURE_CERT_CHAIN_INVALID);
  }

  @Test
  void aTamperedStatementBreaksTheSignature() throws Exception {
    String bundle = sigstore.bundle(build());
    String payload = bundle.replaceAll("(?s).*\"payload\":\"([^\"]+)\".*", "$1");
    String statement =
        new String(java.util.Base64.getDecoder().decode(payload), StandardCharsets.UTF_8);
    String forged =
        statement.replace(
            java.util.HexFormat.of().formatHex(TestSigstore.sha256(WEIGHTS)), "ab".repeat(32));
    String tampered =
        bundle.replace(
            payload,
            java.util.Base64.getEncoder().encodeToString(forged.getBytes(StandardCharsets.UTF_8)));
    assertOnly(
        AttestationVerifier.of(policy().build())
            .withBundle(tampered.getBytes(StandardCharsets.UTF_8), "x")
            .verify(model()),
        VerifyReason.SIGNATURE_INVALID);
  }

  @Test
  void signerUriMustBeTheIdentity() throws Exception {
    assertOnly(
        run(
            policy(),
            b ->
                b.overrides.put(
                    9,
                    "https://github.com/acme/models/.github/workflows/other.yml@refs/heads/main")),
        VerifyReason.ATTESTATION_CERT_EXTENSION_INVALID);
  }

  @Test
  void missingSourceRepositoryExtensionIsInvalid() throws Exception {
    assertOnly(
        run(policy(), b -> b.overrides.put(12, null)),
        VerifyReason.ATTESTATION_CERT_EXTENSION_INVALID);
  }

  @Test
  void disagreeingGenerationsOfAnExtensionAreInvalid() throws Exception {
    assertOnly(
        run(policy(), b -> b.rawExtensions.put(6, "refs/heads/other")),
        VerifyReason.ATTESTATION_CERT_EXTENSION_INVALID);
    // The same value in both generations is fine.
    assertEquals(
        List.of(), run(policy(), b -> b.rawExtensions.put(6, "refs/heads/main")).findings());
  }

  @Test
  void aSecondGenerationValueThatIsNotAUtf8StringIsInvalid() throws Exception {
    assertOnly(
        run(policy(), b -> b.rawExtensions.put(18, "https://github.com/acme/models/x")),
        VerifyReason.ATTESTATION_CERT_EXTENSION_INVALID);
  }

  @Test
  void aPredicateClaimingAnotherRepositoryIsInvalid() throws Exception {
    assertOnly(
        run(policy(), b -> b.predicateRepository = "https://github.com/acme/other"),
        VerifyReason.ATTESTATION_STATEMENT_INVALID);
  }

  @Test
  void aRevokedSignerIsRefused() throws Exception {
    dev.safeload.verify.signing.RevocationList feed =
        dev.safeload.verify.signing.RevocationList.parse(
            ("{\"version\": 1, \"revoked\": [{\"identity\": \""
                    + build().san()
                    + "\", \"issuer\": "
                    + "\"https://token.actions.githubusercontent.com\", \"reason\": \"workflow compromised\"}]}")
                .getBytes(StandardCharsets.UTF_8));
    assertOnly(run(policy().revocations(feed), b -> {}), VerifyReason.REVOKED_SIGNER);
    assertEquals(
        List.of(), run(policy().revocations(feed), b -> b.ref = "refs/heads/release").findings());
  }

  // ------------------------------------------------------------------ required and optional

  @Test
  void aFileNoAttestationNamesIsUnattestedWhenRequired() throws Exception {
    ProvenanceResult r = run(policy(), b -> b.subjects.remove("config.json"));
    assertOnly(r, VerifyReason.ATTESTATION_SUBJECT_MISMATCH);
    assertEquals("config.json", r.findings().get(0).file());
    // Optional: the attested file is proven, the other left to other proofs.
    r = run(policy().optional(), b -> b.subjects.remove("config.json"));
    assertEquals(List.of(), r.findings());
    assertEquals(Set.of("model.bin"), r.proven());
  }

  @Test
  void noBundleIsMissingWhenRequired() throws Exception {
    assertOnly(
        AttestationVerifier.of(policy().build()).verify(model()), VerifyReason.ATTESTATION_MISSING);
    assertEquals(
        List.of(), AttestationVerifier.of(policy().optional().build()).verify(model()).findings());
  }

  @Test
  void severalAttestationsEachProveTheirFiles() throws Exception {
    TestSigstore.Build a = new TestSigstore.Build().subject("model.bin", WEIGHTS);
    TestSigstore.Build c = new TestSigstore.Build().subject("config.json", CONFIG);
    String jsonl = sigstore.bundle(a) + "\n\n" + sigstore.bundle(c) + "\r\n";
    AttestationVerifier v =
        AttestationVerifier.of(policy().build())
            .withJsonLines(jsonl.getBytes(StandardCharsets.UTF_8), "model.intoto.jsonl");
    assertEquals(
        List.of("model.intoto.jsonl line 1", "model.intoto.jsonl line 3"),
        v.attestations().stream().map(BuildProvenance::source).toList());
    AttestationVerifier.Outcome o = v.attest(model());
    assertEquals(List.of(), o.findings());
    assertEquals("model.intoto.jsonl line 3", o.files().get("config.json").get(0).source());
    assertEquals("model.intoto.jsonl line 1", o.files().get("model.bin").get(0).source());
  }

  @Test
  void aBrokenLineInJsonLinesIsABundleFinding() throws Exception {
    String jsonl = sigstore.bundle(build()) + "\n{not json\n";
    assertOnly(
        AttestationVerifier.of(policy().build())
            .withJsonLines(jsonl.getBytes(StandardCharsets.UTF_8), "a.jsonl")
            .verify(model()),
        VerifyReason.SIGNATURE_BUNDLE_INVALID);
  }

  @Test
  void policyInputsAreChecked() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> AttestationPolicy.repository("acme", root));
    assertThrows(
        IllegalArgumentException.class, () -> AttestationPolicy.repository("acme/models/x", root));
    assertThrows(
        IllegalArgumentException.class, () -> policy().signerWorkflow("acme/models/release.yml"));
    assertThrows(IllegalArgumentException.class, () -> policy().signerRepository("acme"));
    assertThrows(IllegalArgumentException.class, () -> policy().ref("main"));
    assertThrows(
        java.io.IOException.class,
        () -> AttestationPolicy.repository("acme/models", "{}".getBytes()));
  }
}
