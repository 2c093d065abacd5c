package dev.safeload.verify.attestation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.ReasonCode;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.Proof;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.verify.VerifyReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The outcomes {@code gh attestation verify} expects for cli/cli's attestation test data ({@code
 * attestations/gh-cli/README.md}), read in place.
 */
class GhCliVectorsTest {
  static final String SIGSTORE_JS = "sigstore/sigstore-js";
  Path dir;
  Path root;

  @BeforeEach
  void vectors() {
    dir = Models.vectors("attestations/gh-cli");
    root = dir.resolve("trusted_root.json");
  }

  AttestationPolicy.Builder policy(String repo) throws Exception {
    return AttestationPolicy.repository(repo, root);
  }

  static ProvenanceResult verify(AttestationPolicy.Builder p, Path bundles, DigestedModel model)
      throws Exception {
    return AttestationVerifier.of(p.build()).withBundles(bundles).verify(model);
  }

  static void assertProven(ProvenanceResult r, String file) {
    assertEquals(List.of(), r.findings(), r.toString());
    assertEquals(Set.of(file), r.proven(), r.toString());
  }

  static void assertOnly(ProvenanceResult r, ReasonCode reason) {
    assertTrue(r.proven().isEmpty(), r.toString());
    assertEquals(
        List.of(reason),
        r.findings().stream().map(Finding::reason).toList(),
        r.findings().toString());
  }

  // ------------------------------------------------------------------ sigstore-js: SHA-512
  // subjects

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sigstore-js-2.1.0-bundle.json",
        "sigstore-js-2.1.0-bundle-v0.1.json",
        "sigstore-js-2.1.0_with_2_bundles.jsonl"
      })
  void sigstoreJsIsAcceptedForItsRepositoryAndOwner(String bundle) throws Exception {
    ProvenanceResult r =
        verify(
            policy(SIGSTORE_JS),
            dir.resolve(bundle),
            Models.file(dir.resolve("sigstore-js-2.1.0.tgz")));
    assertProven(r, "sigstore-js-2.1.0.tgz");
    Proof p = r.proofs().get(0);
    assertEquals("https://github.com/sigstore/sigstore-js", p.attribute(Proof.SOURCE_REPOSITORY));
    assertEquals("26d16513386ffaa790b1c32f927544f1322e4194", p.attribute(Proof.SOURCE_COMMIT));
    assertEquals("refs/heads/main", p.attribute(Proof.SOURCE_REF));
  }

  @Test
  void sigstoreJsFactsAreTheCertificates() throws Exception {
    AttestationVerifier v =
        AttestationVerifier.of(policy(SIGSTORE_JS).build())
            .withBundles(dir.resolve("sigstore-js-2.1.0-bundle.json"));
    BuildProvenance p = v.attestations().get(0);
    assertEquals(
        "https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main",
        p.identity());
    assertEquals(AttestationPolicy.GITHUB_ACTIONS_ISSUER, p.issuer());
    assertEquals(SIGSTORE_JS, p.sourceRepository());
    assertEquals("https://github.com/sigstore", p.ownerUri());
    assertEquals("refs/heads/main", p.ref());
    assertEquals("26d16513386ffaa790b1c32f927544f1322e4194", p.commit());
    assertEquals(p.identity(), p.signerWorkflow());
    assertEquals("github-hosted", p.runnerEnvironment());
    assertEquals("push", p.buildTrigger());
    assertEquals("pkg:npm/sigstore@2.1.0", p.subjects().get(0).name());
    assertEquals(null, p.subjects().get(0).sha256());
    assertEquals(1, p.signingTimes().size());
  }

  @Test
  void twoBundlesInOneJsonLinesFileAreBothVerified() throws Exception {
    AttestationVerifier v =
        AttestationVerifier.of(policy(SIGSTORE_JS).build())
            .withBundles(dir.resolve("sigstore-js-2.1.0_with_2_bundles.jsonl"));
    assertEquals(2, v.attestations().size());
    assertEquals("sigstore-js-2.1.0_with_2_bundles.jsonl line 2", v.attestations().get(1).source());
  }

  @Test
  void sigstoreJsIsRefusedForAnotherOwner() throws Exception {
    ProvenanceResult r =
        verify(
            policy("fakeowner/sigstore-js"),
            dir.resolve("sigstore-js-2.1.0-bundle.json"),
            Models.file(dir.resolve("sigstore-js-2.1.0.tgz")));
    assertOnly(r, VerifyReason.ATTESTATION_REPOSITORY_MISMATCH);
    assertTrue(
        r.findings()
            .get(0)
            .message()
            .contains(
                "expected the source repository owner https://github.com/fakeowner, got https://github.com/sigstore"),
        r.findings().get(0).message());
  }

  @Test
  void sigstoreJsIsRefusedForAnotherRepository() throws Exception {
    ProvenanceResult r =
        verify(
            policy("sigstore/fakerepo"),
            dir.resolve("sigstore-js-2.1.0-bundle.json"),
            Models.file(dir.resolve("sigstore-js-2.1.0.tgz")));
    assertOnly(r, VerifyReason.ATTESTATION_REPOSITORY_MISMATCH);
  }

  @Test
  void aTamperedArtifactIsNotNamedByAnySubject() throws Exception {
    byte[] tgz = Files.readAllBytes(dir.resolve("sigstore-js-2.1.0.tgz"));
    tgz[tgz.length / 2] ^= 1;
    ProvenanceResult r =
        verify(
            policy(SIGSTORE_JS),
            dir.resolve("sigstore-js-2.1.0-bundle.json"),
            Models.of(Map.of("sigstore-js-2.1.0.tgz", tgz), false, true, new AtomicInteger()));
    assertOnly(r, VerifyReason.ATTESTATION_SUBJECT_MISMATCH);
  }

  @Test
  void sha512IsAskedOfTheEngineOnlyWhenASubjectNeedsIt() throws Exception {
    byte[] tgz = Files.readAllBytes(dir.resolve("sigstore-js-2.1.0.tgz"));
    AtomicInteger calls = new AtomicInteger();
    ProvenanceResult r =
        verify(
            policy(SIGSTORE_JS),
            dir.resolve("sigstore-js-2.1.0-bundle.json"),
            Models.of(Map.of("a.tgz", tgz), false, true, calls));
    assertEquals(
        Set.of("a.tgz"), r.proven(), "subject names are informational; the digest decides");
    assertEquals(1, calls.get());
    // A model that cannot give SHA-512 cannot be matched to a SHA-512-only subject, and says why.
    r =
        verify(
            policy(SIGSTORE_JS),
            dir.resolve("sigstore-js-2.1.0-bundle.json"),
            Models.of(Map.of("a.tgz", tgz), false, false, new AtomicInteger()));
    assertOnly(r, VerifyReason.ATTESTATION_SUBJECT_MISMATCH);
    assertTrue(
        r.findings().get(0).message().contains("only SHA-512"), r.findings().get(0).message());
    // SHA-256 subjects never cost a SHA-512.
    calls.set(0);
    verify(
        policy("too-legit/attest")
            .issuer("https://token.actions.githubusercontent.com/hammer-time"),
        dir.resolve("custom-issuer.sigstore.json"),
        Models.of(
            Map.of(
                "custom-issuer-artifact",
                Files.readAllBytes(dir.resolve("custom-issuer-artifact"))),
            false,
            true,
            calls));
    assertEquals(0, calls.get());
  }

  // ------------------------------------------------------------------ custom issuer

  @Test
  void customIssuerIsAcceptedOnlyWhenThePolicyNamesIt() throws Exception {
    Path bundle = dir.resolve("custom-issuer.sigstore.json");
    DigestedModel m = Models.file(dir.resolve("custom-issuer-artifact"));
    assertProven(
        verify(
            policy("too-legit/attest")
                .issuer("https://token.actions.githubusercontent.com/hammer-time"),
            bundle,
            m),
        "custom-issuer-artifact");
    assertOnly(
        verify(policy("too-legit/attest"), bundle, m), VerifyReason.ATTESTATION_ISSUER_MISMATCH);
  }

  // ------------------------------------------------------------------ reusable workflow

  @Test
  void reusableWorkflowNeedsTheSignerNamed() throws Exception {
    Path bundle = dir.resolve("reusable-workflow-attestation.sigstore.json");
    DigestedModel m = Models.file(dir.resolve("reusable-workflow-artifact"));
    // The source repository alone: the signer is a workflow of another repository.
    assertOnly(
        verify(policy("malancas/attest-demo"), bundle, m),
        VerifyReason.ATTESTATION_SIGNER_MISMATCH);
    assertProven(
        verify(
            policy("malancas/attest-demo")
                .signerRepository("github/artifact-attestations-workflows"),
            bundle,
            m),
        "reusable-workflow-artifact");
    assertProven(
        verify(
            policy("malancas/attest-demo")
                .signerWorkflow(
                    "github/artifact-attestations-workflows/.github/workflows/attest.yml"),
            bundle,
            m),
        "reusable-workflow-artifact");
    assertProven(
        verify(
            policy("malancas/attest-demo")
                .signerWorkflow(
                    "https://github.com/github/artifact-attestations-workflows/.github/workflows/attest.yml"
                        + "@09b495c3f12c7881b3cc17209a327792065c1a1d"),
            bundle,
            m),
        "reusable-workflow-artifact");
    // Another workflow of the signer repository, or another ref, is not the signer.
    assertOnly(
        verify(
            policy("malancas/attest-demo")
                .signerWorkflow(
                    "github/artifact-attestations-workflows/.github/workflows/other.yml"),
            bundle,
            m),
        VerifyReason.ATTESTATION_SIGNER_MISMATCH);
    assertOnly(
        verify(
            policy("malancas/attest-demo")
                .signerWorkflow(
                    "github/artifact-attestations-workflows/.github/workflows/attest.yml@refs/heads/main"),
            bundle,
            m),
        VerifyReason.ATTESTATION_SIGNER_MISMATCH);
    // Naming the signer never relaxes the source repository.
    assertOnly(
        verify(
            policy("github/artifact-attestations-workflows")
                .signerRepository("github/artifact-attestations-workflows"),
            bundle,
            m),
        VerifyReason.ATTESTATION_REPOSITORY_MISMATCH);
    BuildProvenance p =
        AttestationVerifier.of(
                policy("malancas/attest-demo")
                    .signerRepository("github/artifact-attestations-workflows")
                    .build())
            .withBundles(bundle)
            .attestations()
            .get(0);
    assertEquals("malancas/attest-demo", p.sourceRepository());
    assertTrue(
        p.signerWorkflow().startsWith("https://github.com/github/artifact-attestations-workflows/"),
        p.signerWorkflow());
  }

  // ------------------------------------------------------------------ refusals

  @Test
  void githubsOwnSigstoreInstanceIsAnUntrustedChainUnderThePublicGoodRoot() throws Exception {
    ProvenanceResult r =
        verify(
            policy("actions/attest-demo"),
            dir.resolve("github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl"),
            Models.file(dir.resolve("github_provenance_demo-0.0.12-py3-none-any.whl")));
    assertOnly(r, VerifyReason.SIGNATURE_CERT_CHAIN_INVALID);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "github_provenance_demo-0.0.12-py3-none-any-bundle-missing-cert.jsonl",
        "github_provenance_demo-0.0.12-py3-none-any-bundle-missing-verification-material.jsonl"
      })
  void bundlesMissingTheirMaterialAreMalformed(String bundle) throws Exception {
    ProvenanceResult r =
        verify(
            policy("actions/attest-demo"),
            dir.resolve(bundle),
            Models.file(dir.resolve("github_provenance_demo-0.0.12-py3-none-any.whl")));
    assertOnly(r, VerifyReason.SIGNATURE_BUNDLE_INVALID);
  }

  @Test
  void aBundleWhoseSignatureIsInvalidIsRefused() throws Exception {
    ProvenanceResult r =
        verify(
            policy(SIGSTORE_JS),
            dir.resolve("sigstoreBundle-invalid-signature.json"),
            Models.file(dir.resolve("sigstore-js-2.1.0.tgz")));
    assertOnly(r, VerifyReason.SIGNATURE_ENVELOPE_INVALID);
  }

  @Test
  void oneFailingBundleRejectsTheModelEvenBesideAGoodOne() throws Exception {
    AttestationVerifier v =
        AttestationVerifier.of(policy(SIGSTORE_JS).build())
            .withBundles(dir.resolve("sigstore-js-2.1.0-bundle.json"))
            .withBundles(dir.resolve("sigstoreBundle-invalid-signature.json"));
    assertOnly(
        v.verify(Models.file(dir.resolve("sigstore-js-2.1.0.tgz"))),
        VerifyReason.SIGNATURE_ENVELOPE_INVALID);
  }
}
